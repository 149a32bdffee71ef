"""A published report's tables found under their section headings, or where the report puts them instead: appended
after the text as 附表 (under the same, renumbered, unnumbered or "附表2：" headings, or none), or under a heading the
table's own first row repeats. The findings are those of the same report with its tables in place, and one ST11 says
the tables are not under their headings. A second report pasted under the first on a workbook's sheet is said (ST12),
not read."""

from __future__ import annotations

from pathlib import Path

import documents
import openpyxl
import pytest
from builders import TEMPLATE, published
from test_import import _published_as
from test_structure import VALUES

from validator import check_paths
from validator.sources.xlsx import load

WRONG = VALUES | {
    "t3.disclosed.business": VALUES["t3.disclosed.business"] + 5,
    "t4.cases.direct.pending": VALUES["t4.cases.direct.pending"] + 1,
}
_TABLED = [s.title for s in TEMPLATE.sheets if s.tables]  # 二、主动公开… 三、收到和处理… 四、政府信息公开行政复议…
_APPENDIX_HEADINGS = {  # each table section's heading in the appendix, by its place among the three (0 to 2)
    "official": lambda i, title: title,
    "renumbered": lambda i, title: "一二三"[i] + title[1:],
    "unnumbered": lambda i, title: title[2:],
    "附表": lambda i, title: f"附表{i + 1}：{title[2:]}",
    "none": lambda i, title: None,
}


def _parts(tmp_path: Path, values: dict, title: str = "某县人民政府办公室2025年度政府信息公开工作年度报告") -> list:
    """The report laid out as published: each section's heading, its tables under it."""
    xlsx = published(tmp_path / "report.xlsx", {k: v for k, v in values.items() if v is not None}, title=title)
    return documents.segments(load(xlsx).grid.sheets[0])


def _appended(parts: list, heading) -> list:
    """The report with its tables after the text under "附表", each section's under `heading(i, title)` (none when
    None), and "具体情况详见附表。" under the section's heading in the text."""
    text, appendix, section = [], ["附表"], None
    for part in parts:
        if isinstance(part, documents.Tbl):
            if section is not None:
                appendix += [h] if (h := heading(_TABLED.index(section), section)) else []
                section = None
            appendix.append(part)
            continue
        text.append(part)
        if part in _TABLED:
            text.append("具体情况详见附表。")
            section = part
    return text + appendix


def _findings(path: Path) -> list[tuple]:
    (report,) = check_paths([path])
    assert report.error is None
    return sorted((f.rule, f.key, f.expected, f.actual) for f in report.findings if f.rule != "ST11")


@pytest.mark.parametrize(
    ("style", "fmt"),
    [(style, fmt) for style in _APPENDIX_HEADINGS for fmt in ("html", "docx")] + [("renumbered", "pdf")],
)
def test_tables_appended_after_the_text_are_checked_and_said_once(tmp_path: Path, style: str, fmt: str) -> None:
    parts = _parts(tmp_path, WRONG)
    expected = _findings(_published_as(parts, tmp_path / "in_place", fmt))
    assert {rule for rule, *_ in expected} >= {"EQ02", "EQ04"}  # a wrong value in 表三 and in 表四
    path = _published_as(_appended(parts, _APPENDIX_HEADINGS[style]), tmp_path / "appended", fmt)
    (report,) = check_paths([path])
    assert report.coverage.checked == report.coverage.total
    assert report.values["t3.disclosed.business"] == WRONG["t3.disclosed.business"]
    assert _findings(path) == expected
    (moved,) = [f for f in report.findings if f.rule == "ST11"]
    assert moved.severity == "warning"
    assert moved.message.startswith(
        "表二、表三、表四没有放在各自的章节标题之下（如表二的表格不在「二、主动公开政府信息情况」之下"
    )
    assert "已按各表的栏目找到并照常校验" in moved.message and "（原文位置：" in moved.message


def test_a_heading_repeated_as_the_first_row_of_its_table_keeps_the_table(tmp_path: Path) -> None:
    """表三 and 表四 each under its heading, their first row a merged cell repeating it (as Word users type a title
    into the table): the tables are found, and a wrong value in each is reported."""
    parts = _parts(tmp_path, WRONG)
    expected = _findings(_published_as(parts, tmp_path / "in_place", "html"))
    titled = [_titled(part, parts[i - 1]) if _under_heading(parts, i) else part for i, part in enumerate(parts)]
    path = _published_as(titled, tmp_path / "titled", "html")
    (report,) = check_paths([path])
    assert [f for f in report.findings if f.rule in ("ST01", "ST11")] == []
    assert _findings(path) == expected


def test_items_of_the_overview_worded_as_the_section_headings_are_not_the_sections(tmp_path: Path) -> None:
    """「一、总体情况」 told item by item in the sections' words (「（一）主动公开政府信息情况」…): the tables are under
    their own numbered headings, not moved, and each section's text is its own."""
    parts = _parts(tmp_path, WRONG)
    expected = _findings(_published_as(parts, tmp_path / "in_place", "html"))
    at = parts.index("一、总体情况") + 1
    items = [f"（{'一二三'[i]}）{title[2:]}" for i, title in enumerate(_TABLED)]
    overview = [line for item in items for line in (item, "本机关认真贯彻条例。")]
    path = _published_as(parts[:at] + overview + parts[at:], tmp_path / "items", "html")
    (report,) = check_paths([path])
    assert "ST11" not in {f.rule for f in report.findings}
    assert _findings(path) == expected


def _under_heading(parts: list, i: int) -> bool:
    """Whether part `i` is the one table right under 表三's or 表四's heading."""
    return isinstance(parts[i], documents.Tbl) and parts[i - 1] in _TABLED[1:]


def _titled(table: documents.Tbl, heading: str) -> documents.Tbl:
    """The table with a first row repeating `heading`, merged across the table."""
    cells = {(1, 1): heading} | {(r + 1, c): text for (r, c), text in table.cells.items()}
    merges = [(1, 1, 1, table.cols)] + [(t + 1, lf, b + 1, rt) for t, lf, b, rt in table.merges]
    covered = {(1, c) for c in range(2, table.cols + 1)} | {(r + 1, c) for r, c in table.covered}
    return documents.Tbl(cells, merges, table.rows + 1, table.cols, covered)


def test_the_tables_of_a_further_report_are_not_taken_for_an_appendix(tmp_path: Path) -> None:
    """A report whose text says "详见附表" but appends none, then another year's report with its tables: those are
    the further report's, not the first one's (which had no table, so the document reader cannot tell them apart)."""
    appended = _appended(_parts(tmp_path, VALUES), lambda i, title: None)
    first = [part for part in appended if isinstance(part, str) and part != "附表"]
    later = _parts(
        tmp_path, VALUES | {"t3.new.natural": 100}, title="某县人民政府办公室2024年度政府信息公开工作年度报告"
    )
    path = _published_as(first + later, tmp_path / "two", "html")
    (report,) = check_paths([path])
    rules = [f.rule for f in report.findings]
    assert "ST11" not in rules and rules.count("ST01") == 3  # 表二 (its four tables said at once), 表三, 表四
    assert report.values.get("t3.new.natural") is None


@pytest.mark.parametrize(
    ("blocks", "said"),
    [
        (
            (0, 1, 2, 3),
            "表二缺失：有标题「二、主动公开政府信息情况」，但其下没有表二的表格「第二十条第（一）项」「第二十条第（五）项」"
            "「第二十条第（六）项」「第二十条第（八）项」。如原文中其实有这些表格",
        ),
        (
            (1, 2),
            "找不到表二中的表格「第二十条第（五）项」「第二十条第（六）项」（表二的其他表格已找到）。如原文中其实有这些表格",
        ),
    ],
    ids=("every block", "two blocks"),
)
@pytest.mark.parametrize("fmt", ("docx", "html"))
def test_blocks_of_table_two_missing_are_said_once(tmp_path: Path, fmt: str, blocks: tuple, said: str) -> None:
    """A report publishing none of 表二's four tables under its heading, or not those of （五） and （六）: one ST01
    for 表二 naming the blocks missing, at the heading when none is there, not one per block (before: four, or two,
    findings saying the same); 表三 and 表四 are read."""
    parts = _parts(tmp_path, VALUES)
    at = documents.section_table(parts, "二")
    dropped = {at + i for i in blocks}
    (report,) = check_paths([_published_as([p for i, p in enumerate(parts) if i not in dropped], tmp_path / "r", fmt)])
    assert report.error is None
    (missing,) = [f for f in report.findings if f.rule == "ST01"]
    assert missing.message.startswith(said)
    assert bool(missing.cells) == (len(blocks) == 4)  # at the heading, when nothing of 表二 is under it
    assert report.values["t3.disclosed.business"] == VALUES["t3.disclosed.business"]


def _one_under_another(first: Path, second: Path) -> tuple[Path, int]:
    """The sheet of workbook `first` with that of `second` pasted under it, two blank rows between (values and
    merges), saved over `first`; and the row where the second begins."""
    wb, other = openpyxl.load_workbook(first), openpyxl.load_workbook(second).active
    ws, offset = wb.active, wb.active.max_row + 2
    for cell in (cell for row in other.iter_rows() for cell in row if cell.value is not None):
        ws.cell(cell.row + offset, cell.column, cell.value)
    for merge in other.merged_cells.ranges:
        merge.shift(row_shift=offset)
        ws.merge_cells(merge.coord)
    wb.save(first)
    return first, offset + 1


FURTHER = {  # the second report's title, and what is said of it
    "another agency's": (
        "某县城关镇人民政府2025年度政府信息公开工作年度报告",
        "起的「某县城关镇人民政府2025年度政府信息公开工作年度报告」未校验，其中的问题不会被发现，"
        "批量校验也不会把「某县城关镇人民政府」计为已报送。",
    ),
    "last year's": (
        "某县人民政府办公室2024年度政府信息公开工作年度报告",
        "起的「某县人民政府办公室2024年度政府信息公开工作年度报告」未校验，其中的问题不会被发现。",
    ),
    "untitled": ("", "「一、总体情况」起的另一份年报未校验，其中的问题不会被发现。"),
}


@pytest.mark.parametrize(("title", "said"), FURTHER.values(), ids=FURTHER.keys())
def test_a_second_report_pasted_under_the_first_on_one_sheet_is_an_error(tmp_path: Path, title: str, said: str):
    """Two published reports pasted one under the other on one sheet of a workbook, the second unbalanced: the first
    is checked, and one ST12 error says where the second begins and asks for each report in a file of its own, as a
    document holding two reports is told (ST10) (before: nothing was said of the second report)."""
    first = published(tmp_path / "report.xlsx", VALUES, title="某县人民政府办公室2025年度政府信息公开工作年度报告")
    second = published(tmp_path / "second.xlsx", WRONG, title=title)
    path, top = _one_under_another(first, second)
    (report,) = check_paths([path])
    row = top if title else top + 2  # untitled: from its first section's heading
    assert report.flatten() == [("ST09", ""), ("ST12", f"Sheet1!A{row}")]  # ST09: a published report has no cover
    (further,) = [f for f in report.findings if f.rule == "ST12"]
    assert further.severity == "error"
    assert further.message == (
        f"工作表「Sheet1」中有不止一份年报：只校验了前面的一份，第{row}行{said}"
        "请把每份年报分别保存为一个工作簿文件，各自报送、校验。"
    )
    assert report.agency["agency_name"] == "某县人民政府办公室"


@pytest.mark.parametrize("fmt", ("docx", "html"))
def test_another_table_under_a_heading_is_said_to_be_that_table(tmp_path: Path, fmt: str) -> None:
    """表三 pasted again under 四、… instead of 表四 (a slip of copy and paste): ST01 says the table there is not 表四
    but a second 表三, by its columns, that this copy is not checked (表三 is, under its own heading), and asks for
    表四; not that the heading has no table under it, nor how to make a table of tab-aligned text."""
    parts = _parts(tmp_path, VALUES)
    parts[documents.section_table(parts, "四")] = parts[documents.section_table(parts, "三")]
    (report,) = check_paths([_published_as(parts, tmp_path / "copy", fmt)])
    assert report.error is None
    (missing,) = [f for f in report.findings if f.rule == "ST01"]
    assert missing.message.startswith(
        "表四缺失：标题「四、政府信息公开行政复议、行政诉讼情况」下的表格不是表四，而是又一张表三"
        "（其栏目「自然人」「商业企业」「科研机构」是表三的）：表三已按原文前面的那张校验，这一张未校验。"
        "请在此换成表四（按官方格式，没有发生的填 0）后再校验。"
    )
    assert "制表符" not in missing.message
    assert report.values["t3.disclosed.business"] == VALUES["t3.disclosed.business"]  # the first 表三, checked
