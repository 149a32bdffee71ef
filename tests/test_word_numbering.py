"""Word's automatic numbering: headings and table titles numbered by word/numbering.xml read with the numbers Word
shows (「一、总体情况」, 「（一）…」, 「1. …」, 「①…」), counted per list and level as Word counts them, so a report
numbered so reads as the same report with its numbers typed."""

from __future__ import annotations

import re
from pathlib import Path

import documents
import pytest
from builders import published
from test_import import DEFECTS, _findings
from test_structure import VALUES

from validator import check_paths
from validator.sources.formats import load_file
from validator.sources.xlsx import load


def _lvl(ilvl: int, fmt: str, text: str, suffix: str = "nothing", extra: str = "") -> str:
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
        f'<w:suff w:val="{suffix}"/>{extra}</w:lvl>'
    )


# The report's outline: 一、 (by the heading style), （一）, 1. and ① (by the paragraph's own numbering), and table
# titles 「表1」 in a list of their own, started again in each section by a w:num of its own (w:startOverride).
OUTLINE = (
    '<w:abstractNum w:abstractNumId="0">'
    + _lvl(0, "chineseCounting", "%1、", extra='<w:pStyle w:val="Heading1"/>')
    + _lvl(1, "chineseCounting", "（%2）")
    + _lvl(2, "decimal", "%3.", "space")
    + _lvl(3, "decimalEnclosedCircle", "%4")
    + '</w:abstractNum><w:abstractNum w:abstractNumId="1">'
    + _lvl(0, "decimal", "表%1", "space")
    + '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    + "".join(
        f'<w:num w:numId="{10 + section}"><w:abstractNumId w:val="1"/>'
        '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
        for section in range(7)
    )
)
HEADING_STYLE = (
    '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/>'
    '<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>'
)
SECTION = re.compile(r"([一二三四五六七八九十]+)、")
LEVELS = [(re.compile(r"（[一二三四五六七八九十]+）"), 1), (re.compile(r"\d+\. "), 2), (re.compile(r"[①-⑳]"), 3)]
TITLE = re.compile(r"表\d+ ")


def _typed(tmp_path: Path) -> list:
    """The defective report with sub-headings in 一 and 五 (（一）, 1., ①) and a numbered title over each table."""
    xlsx = published(tmp_path / "report.xlsx", {k: v for k, v in (VALUES | DEFECTS).items() if v is not None})
    parts = documents.segments(load(xlsx).grid.sheets[0])
    outline = {
        "一、": ["（一）主动公开", "1. 制度建设", "①完善发布审核机制。", "②按时更新栏目。", "2. 平台建设",
                "①整合政府网站栏目。", "（二）依申请公开", "1. 办理情况"],
        "五、": ["（一）存在的主要问题", "1. 更新不够及时", "（二）改进情况"],
    }  # fmt: skip
    out: list = []
    titles = 0
    for part in parts:
        if isinstance(part, documents.Tbl):
            titles += 1
            out.append(f"表{titles} 本部分的第{titles}张表格")
        out.append(part)
        if isinstance(part, str) and SECTION.match(part):
            titles = 0
            out += outline.get(part[:2], [])
    return out


def _numbered(parts: list) -> list:
    """The same parts with their numbers taken out of the text and left to Word's numbering."""
    out: list = []
    section = 0
    for part in parts:
        if not isinstance(part, str):
            out.append(part)
        elif m := SECTION.match(part):
            section += 1
            out.append(documents.Listed(part[m.end() :], style="Heading1"))
        elif m := TITLE.match(part):
            out.append(documents.Listed(part[m.end() :], num=10 + section, level=0))
        else:
            level = next(((pattern.match(part), lv) for pattern, lv in LEVELS if pattern.match(part)), None)
            out.append(documents.Listed(part[level[0].end() :], num=1, level=level[1]) if level else part)
    return out


def test_a_report_numbered_by_word_reads_as_with_typed_numbers(tmp_path: Path) -> None:
    """Headings, sub-headings and table titles numbered by Word: the same text and the same findings as typed, the
    sections found by their headings (no 「一、总体情况」 missing), the count going on across tables and a level
    starting again under the next heading."""
    typed = _typed(tmp_path)
    numbered = _numbered(typed)
    assert sum(isinstance(p, documents.Listed) for p in numbered) > 20
    typed_path = documents.docx(typed, tmp_path / "typed.docx")
    numbered_path = documents.docx(numbered, tmp_path / "numbered.docx", numbering=OUTLINE, styles=HEADING_STYLE)
    sheet = load_file(numbered_path).grid.sheets[0]
    assert sheet.cells == load_file(typed_path).grid.sheets[0].cells
    assert "四、政府信息公开行政复议、行政诉讼情况" in sheet.cells.values()
    findings = _findings(numbered_path)
    assert findings == _findings(typed_path)
    assert not any(rule.startswith("ST") for rule, *_ in findings), findings


def _read(tmp_path: Path, parts: list, numbering: str) -> list[str]:
    """The paragraphs read from a document of `parts` (after a typed heading that makes it a report)."""
    path = documents.docx(["一、总体情况", *parts], tmp_path / "listed.docx", numbering=numbering)
    sheet = load_file(path).grid.sheets[0]
    return [v for (r, c), v in sorted(sheet.cells.items()) if c == 1][1:]


@pytest.mark.parametrize(
    ("fmt", "text", "shown"),
    [
        ("chineseCounting", "%1、", {1: "一、", 2: "二、", 10: "十、", 11: "十一、", 20: "二十、", 21: "二十一、"}),
        ("chineseCountingThousand", "第%1部分", {1: "第一部分", 10: "第十部分", 11: "第十一部分", 21: "第二十一部分"}),
        ("ideographTraditional", "%1.", {1: "甲.", 2: "乙.", 10: "癸."}),
        ("decimal", "%1.", {1: "1.", 2: "2.", 10: "10.", 21: "21."}),
        ("decimalEnclosedCircle", "%1", {1: "①", 2: "②", 10: "⑩", 11: "⑪", 20: "⑳", 21: "㉑"}),
        ("decimalFullWidth", "（%1）", {1: "（１）", 12: "（１２）"}),
        ("decimalEnclosedParen", "%1", {1: "⑴", 12: "⑿"}),
        ("lowerLetter", "%1)", {1: "a)", 2: "b)", 21: "u)"}),
    ],
)  # fmt: skip
def test_each_number_format_reads_as_word_shows_it(tmp_path: Path, fmt: str, text: str, shown: dict) -> None:
    numbering = (
        f'<w:abstractNum w:abstractNumId="0">{_lvl(0, fmt, text)}</w:abstractNum>'
        '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    )
    read = _read(tmp_path, [documents.Listed("工作", num=1, level=0) for _ in range(21)], numbering)
    assert {n: read[n - 1] for n in shown} == {n: f"{number}工作" for n, number in shown.items()}


def test_levels_restart_and_lists_go_on_as_in_word(tmp_path: Path) -> None:
    """A start value; a level showing the levels above it in arabic digits (legal numbering, 「9.1」); a level that
    restarts only under the top level (w:lvlRestart); a bullet, which shows no number; a second w:num of the list
    restarting it (w:startOverride), the first going on from there (one list); numId 0, which takes the number off."""
    numbering = (
        '<w:abstractNum w:abstractNumId="0">'
        + _lvl(0, "chineseCountingThousand", "%1、").replace('w:start w:val="1"', 'w:start w:val="9"')
        + _lvl(1, "chineseCounting", "%1.%2", "space", "<w:isLgl/>")
        + _lvl(2, "decimalEnclosedCircle", "%3", extra='<w:lvlRestart w:val="1"/>')
        + _lvl(3, "bullet", "\uf0b7", "tab")
        + '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
        '<w:num w:numId="2"><w:abstractNumId w:val="0"/>'
        '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
    )
    steps = [(1, 0), (1, 1), (1, 2), (1, 1), (1, 2), (1, 3), (1, 0), (1, 2), (2, 0), (2, 1), (1, 0), (0, 0)]
    parts = [documents.Listed(f"项{i}", num=num, level=level) for i, (num, level) in enumerate(steps)]
    shown = ["九、", "9.1 ", "①", "9.2 ", "②", "", "十、", "①", "一、", "1.1 ", "二、", ""]
    assert _read(tmp_path, parts, numbering) == [f"{number}项{i}" for i, number in enumerate(shown)]


def test_a_broken_numbering_part_is_named(tmp_path: Path) -> None:
    """The numbers cannot be told without the numbering part: the file is refused as damaged, naming that part."""
    numbering = '<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"></w:abstractNum>'  # not well-formed
    path = documents.docx(
        ["一、总体情况", documents.Listed("工作", num=1, level=0)], tmp_path / "b.docx", numbering=numbering
    )
    (report,) = check_paths([path])
    assert report.error is not None and report.error.startswith("Word 文档的编号部分无法解析")
