"""Published reports read from web pages, Word and PDF: every table value comes back, the findings are those of the
same report laid out on one sheet, and each finding names its place in the document.

The corpus is built once per session: the balanced example, a defective report and the reference report (the seed
of test_shapes) laid out as published, each rendered as a clean page, a Word-exported GBK page, a DOCX with
gridSpan/vMerge and a PDF converted from that DOCX by LibreOffice Writer (表三 runs over several pages).
"""

from __future__ import annotations

import base64
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import documents
import openpyxl
import pdfplumber
import pytest
from builders import TEMPLATE, TRIAL, published
from packages import edit_part, png, repack
from test_shapes import SEED
from test_structure import NO_OTHER, VALUES

from validator import check_paths, results_document
from validator.cellref import CellRef
from validator.cli import main
from validator.forms.layout import template_layout
from validator.forms.sample import balanced_values
from validator.provenance import Place, in_document_words
from validator.sources.document import PICTURES_ONLY, cell_value
from validator.sources.formats import LEGACY_WORD, OTHER_WORD, WORD_FORMATS, load_file
from validator.sources.pdf import ENCRYPTED, NO_RULES, NO_TEXT
from validator.sources.sniff import OFD_UNSUPPORTED
from validator.sources.xlsx import load

DEFECTS = {  # a wrong total, a unit, a placeholder, full-width digits, a blank
    "t3.disclosed.business": VALUES["t3.disclosed.business"] + 5,
    "t3.new.natural": "39件",
    "t3.partial.research": "/",
    "t2_5.licensing.decisions": "１２６８",
    "t3.carried_in.total": None,
}
REPORTS = {"balanced": (VALUES, {}), "defective": (VALUES | DEFECTS, {}), "reference": (VALUES | NO_OTHER, SEED)}
FORMATS = ("html", "word.html", "docx", "pdf")
SOFFICE = shutil.which("soffice")


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> dict[str, dict[str, Path]]:
    """{report: {"xlsx": the one-sheet workbook, format: its rendering}}."""
    root = tmp_path_factory.mktemp("published")
    out: dict[str, dict[str, Path]] = {}
    for name, (values, variant) in REPORTS.items():
        xlsx = published(root / f"{name}.xlsx", {k: v for k, v in values.items() if v is not None}, **variant)
        parts = documents.segments(load(xlsx).grid.sheets[0])
        files = {"xlsx": xlsx}
        (files := files | {"html": root / f"{name}.html", "word.html": root / f"{name}.word.html"})
        files["html"].write_bytes(documents.clean_html(parts))
        files["word.html"].write_bytes(documents.word_html(parts))
        files["docx"] = documents.docx(parts, root / f"{name}.docx")
        out[name] = files
    if SOFFICE:
        docs = [str(f["docx"]) for f in out.values()]
        profile = (root / "lo-profile").as_uri()
        subprocess.run(
            [
                SOFFICE,
                f"-env:UserInstallation={profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(root),
                *docs,
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        for name, files in out.items():
            files["pdf"] = root / f"{name}.pdf"
    return out


def _as_pdf(folder: Path, *sources: Path, export: str = "pdf") -> list[Path]:
    """The sources printed to PDF by LibreOffice into `folder` (the test is skipped without it)."""
    if not SOFFICE:
        pytest.skip("LibreOffice (soffice) is needed to print documents as PDF")
    profile = (folder / "lo-profile").as_uri()
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", export,
                    "--outdir", str(folder), *map(str, sources)], check=True, capture_output=True, timeout=300)  # fmt: skip
    return [folder / f"{source.stem}.pdf" for source in sources]


def _published_as(parts: list, path: Path, fmt: str) -> Path:
    """The document `parts` published as a web page, a Word file or its PDF print, at `path` with fmt's suffix."""
    if fmt == "html":
        (page := path.with_suffix(".html")).write_bytes(documents.clean_html(parts))
        return page
    docx = documents.docx(parts, path.with_suffix(".docx"))
    return _as_pdf(path.parent, docx)[0] if fmt == "pdf" else docx


def _rendering(corpus, report: str, fmt: str) -> Path:
    if fmt not in corpus[report]:
        pytest.skip("LibreOffice (soffice) is needed to convert the DOCX to PDF")
    return corpus[report][fmt]


def _tables(path: Path) -> list[list[object]]:
    """Each table's values row by row, as the source's tables hold them or as imported (by provenance)."""
    sheet = load_file(path).grid.sheets[0]
    if path.suffix == ".xlsx":
        return [
            [cell_value(t.cells[k]) for k in sorted(t.cells)]
            for t in documents.segments(sheet)
            if isinstance(t, documents.Tbl)
        ]
    tables: dict[int, list] = {}
    for (r, c), place in sorted(
        sheet.origins.items(), key=lambda i: (i[1].table or 0, i[1].row or 0, i[1].column or 0)
    ):
        if place.table is not None and (r, c) in sheet.cells:
            tables.setdefault(place.table, []).append(sheet.cells[(r, c)])
    return list(tables.values())


def _flat(tables: list[list[object]]) -> list[object]:
    return [v for t in tables for v in t]


def _findings(path: Path) -> list[tuple]:
    """The findings of the report in `path`, but for those only a workbook gets: a missing cover (a published report
    has none) and numbers stored as text (TY03: a page prints every number as text)."""
    (report,) = check_paths([path])
    assert report.error is None
    found = [f for f in report.findings if not (f.rule == "ST09" and f.message.startswith("找不到「封面」"))]
    return sorted((f.rule, f.severity, f.key, f.expected, f.actual) for f in found if f.rule != "TY03")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("report", REPORTS)
def test_every_table_value_comes_back(corpus, report: str, fmt: str) -> None:
    source = _tables(corpus[report]["xlsx"])
    imported = _tables(_rendering(corpus, report, fmt))
    assert _flat(imported) == _flat(source)
    if fmt != "pdf":  # a PDF joins the parts of a table that a page break cut; pages put no table apart elsewhere
        assert imported == source


@pytest.mark.parametrize("fmt", ("html", "docx"))  # the Word-exported page writes 表三's header with fillers
def test_merges_come_back_as_merges(corpus, fmt: str) -> None:
    source = load(corpus["reference"]["xlsx"]).grid.sheets[0]
    imported = load_file(corpus["reference"][fmt]).grid.sheets[0]
    shapes = sorted((b - t, r - lf) for t, lf, b, r in source.merges if b > t or (r > lf and lf > 1))
    assert sorted((b - t, r - lf) for t, lf, b, r in imported.merges if b > t or (r > lf and lf > 1)) == shapes


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("report", REPORTS)
def test_findings_equal_those_of_the_report_on_one_sheet(corpus, report: str, fmt: str) -> None:
    assert _findings(_rendering(corpus, report, fmt)) == _findings(corpus[report]["xlsx"])


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_reference_report_gets_its_published_shape_findings(corpus, fmt: str) -> None:
    (report,) = check_paths([_rendering(corpus, "reference", fmt)])
    assert sorted(f.rule for f in report.findings) == ["ST01", "ST03", "ST08"]  # no cover expected, none asked for
    assert report.source_format == fmt.split(".")[-1]
    (missing,) = [f for f in report.findings if f.rule == "ST01"]  # 表四 published as a heading alone
    unread = "表格没有框线，无法还原成表格" if fmt == "pdf" else "用空格或制表符排成、而不是插入的表格"
    assert f"如原文中其实有该表（例如{unread}）" in missing.message, missing.message
    assert (report.agency["agency_name"], report.agency["report_year"]) == ("某机关", 2025)  # from the title


TITLES = [  # one agency's 2025 report, its title written as agencies write it
    "某县人民政府办公室2025年度政府信息公开工作年度报告", "2025年某县人民政府办公室政府信息公开工作年度报告",
    "某县人民政府办公室 2025 年政府信息公开工作报告", "2025年度某县人民政府办公室政务公开工作年度报告",
    "某县人民政府办公室二〇二五年度政府信息公开工作年度报告", "某县人民政府办公室二零二五年政府信息公开工作年度报告",
    "二○二五年度某县人民政府办公室政务公开工作年度报告", "某县人民政府办公室２０２５年度政府信息公开工作年度报告",
    "某 县 人 民 政 府 办 公 室 2 0 2 5 年 度 政 府 信 息 公 开 工 作 年 度 报 告",
    "《某县人民政府办公室2025年度政府信息公开工作年度报告》", "关于某县人民政府办公室2025年度政府信息公开工作情况的报告",
    "某县人民政府办公室关于印发《2025年政府信息公开工作年度报告》的通知",
    "某县人民政府办公室政府信息公开工作年度报告（2025年度）", "某县人民政府办公室政府信息公开工作2025年度报告",
    "名称：某县人民政府办公室2025年度政府信息公开工作年度报告", "某县人民政府办公室2025年政府信息公开工作年报",
    "某县人民政府办公室关于某县2025年度政府信息公开工作情况的报告",
    "某县人民政府关于印发《某县人民政府办公室2025年政府信息公开工作年度报告》的通知",
    "某县⼈⺠政府办公室2025年度政府信息公开⼯作年度报告",  # copied out of a PDF that Chrome saved: ⼈ ⺠ ⼯ are radicals
]  # fmt: skip


@pytest.mark.parametrize("title", TITLES)
def test_the_agency_and_year_are_read_from_a_title_however_written(corpus, tmp_path: Path, title: str) -> None:
    """The year first or last, in Chinese numerals or full-width digits, spaced out, in 《》, in a notice that
    publishes the report, after a page's label, with radicals for ideographs: the agency is named without any of
    that, and nothing is asked."""
    parts = _parts(corpus, "balanced")
    (path := tmp_path / "titled.html").write_bytes(documents.clean_html([title, *parts[1:]]))
    (report,) = check_paths([path])
    assert (report.agency["agency_name"], report.agency["report_year"]) == ("某县人民政府办公室", 2025)
    assert "ST09" not in {f.rule for f in report.findings}


TITLE_LINES = [  # a title printed over two lines, as Word documents and pages break it
    ["某县人民政府办公室", "二〇二五年政府信息公开工作年度报告"],
    ["某县人民政府办公室政府信息公开工作", "2025年度报告"],
    ["单位名称：某县人民政府办公室", "2025年度政府信息公开工作年度报告"],
    ["某县人民政府办公室2025年度", "政府信息公开工作年度报告"],
]


@pytest.mark.parametrize("fmt", ("html", "docx", "pdf"))
def test_a_title_over_two_lines_names_the_agency_and_year(corpus, tmp_path: Path, fmt: str) -> None:
    parts = _parts(corpus, "balanced")
    made = [_published_as(lines + parts[1:], tmp_path / f"lines{i}", fmt.replace("pdf", "docx"))
            for i, lines in enumerate(TITLE_LINES)]  # fmt: skip
    for path in _as_pdf(tmp_path, *made) if fmt == "pdf" else made:  # one LibreOffice run prints them all
        (report,) = check_paths([path])
        assert (report.agency["agency_name"], report.agency["report_year"]) == ("某县人民政府办公室", 2025), path
        assert "ST09" not in {f.rule for f in report.findings}, path


SITES = {  # the site's words right above a report's title on the page, as CMSs print them
    "<title>": ("<title>年度报告</title>", "<title>某县人民政府</title>"),
    "path": ('<div class="nav">首页 &gt; 政务公开</div><div id="zoom">',
             '<div class="nav">当前位置：首页 &gt; 政务公开 &gt; 某县人民政府办公室</div><div>'),
    "details": ('<div id="zoom">', '<div id="zoom"><p>来源：某县人民政府</p>'),
}  # fmt: skip


@pytest.mark.parametrize("site", SITES)
def test_the_site_s_words_are_not_taken_for_the_agency_a_title_lacks(corpus, tmp_path: Path, site: str) -> None:
    """The report's title names no agency, and right above it the page prints the portal's name (its <title>),
    the path to the page or where the page came from (来源): the agency is asked for, not taken from the site
    (every department's report on the portal would be one agency) nor from the path or the source."""
    parts = _parts(corpus, "balanced")
    page = documents.clean_html(["二〇二五年政府信息公开工作年度报告", *parts[1:]]).decode("utf-8")
    (path := tmp_path / "portal.html").write_text(page.replace(*SITES[site]), encoding="utf-8")
    (report,) = check_paths([path])
    assert (report.agency["agency_name"], report.agency["report_year"]) == (None, 2025)
    assert "没有写机关名称" in next(f.message for f in report.findings if f.rule == "ST09")


# A web page's own lines around a report's title, as a page saved whole (its content in an area the tool does not
# know) or printed from a browser shows them: the site's name, the path to the page ending in the column's name
# (which names a report), the page's tools, the details of its publishing.
PAGE_TOP = [
    "某县人民政府门户网站",
    "当前位置：首页 > 政务公开 > 政府信息公开年报",
    "【字号：大 中 小】【打印】【关闭】",
]
PAGE_DETAILS = "发布时间：2026-01-20 来源：某县人民政府 浏览次数：35"


@pytest.mark.parametrize("fmt", ("html", "docx", "pdf"))
def test_a_page_s_path_tools_and_details_are_no_title(corpus, tmp_path: Path, fmt: str) -> None:
    """Two departments' reports from one portal, each page with the portal's path, tools and publishing details
    around the report's title: each report is its department's (the path is no title, nor is 「首页 > 政务公开 >」
    an agency), so a batch sees two agencies, no duplicate (XY03), and no title is asked for."""
    parts = _parts(corpus, "balanced")
    folder = tmp_path / "portal"
    folder.mkdir()
    agencies = ("某县生态环境局", "某县自然资源局")
    for agency in agencies:
        lines = [*PAGE_TOP, f"{agency}2025年度政府信息公开工作年度报告", PAGE_DETAILS, *parts[1:]]
        if fmt == "html":  # saved whole: no content area the tool knows, so the whole page is read
            page = documents.clean_html(lines).decode("utf-8").replace('<div id="zoom">', '<div class="article">')
            (folder / f"{agency}.html").write_text(page, encoding="utf-8")
        elif fmt == "docx":
            documents.docx(lines, folder / f"{agency}.docx")
        else:
            documents.pdf(lines, folder / f"{agency}.pdf")
    out = tmp_path / "结果"
    main(["batch", str(folder), "--out", str(out), "--jobs", "1", "--no-annotate"])
    results = [json.loads(line) for line in (out / "results.jsonl").read_text("utf-8").splitlines()]
    assert sorted((r["agency"]["agency_name"], r["agency"]["report_year"]) for r in results) == [
        (agency, 2025) for agency in agencies
    ]
    assert not [f["message"] for r in results for f in r["findings"] if f["rule"] in ("ST09", "XY03")]


def _trs_page(parts: list) -> bytes:
    """The report as a TRS page: its title above the content root, in spans over two lines."""
    page = documents.word_html(parts[1:]).decode("gb18030")
    title = '<div class="title"><span>某县人民政府办公室政府信息公开工作</span><br><span>2025年度报告</span></div>'
    return page.replace('<div class="TRS_Editor">', title + '<div class="TRS_Editor">').encode("gb18030")


def test_a_title_split_in_spans_or_labelled_on_a_page_names_the_agency_alone(corpus, tmp_path: Path) -> None:
    """A TRS page prints the title above the content in spans over two lines, the year on the second; a page with
    no content root opens with its metadata list (名称：…). Either names the agency, not 「…政府信息公开工作」 or
    「名称：…」, so that a batch sees one agency."""
    parts = _parts(corpus, "balanced")
    (tmp_path / "trs.html").write_bytes(_trs_page(parts))
    listed = (
        documents.clean_html(parts[1:])
        .decode("utf-8")
        .replace(
            '<div id="zoom">',
            "<div><ul><li>索引号：11330521MB0000000/2026-00012</li><li>发布机构：某县人民政府办公室</li>"
            "<li>名称：某县人民政府办公室2025年度政府信息公开工作年度报告</li><li>发布日期：2026-01-20</li></ul>",
        )
    )
    (tmp_path / "listed.html").write_text(listed, encoding="utf-8")
    for name in ("trs.html", "listed.html"):
        (report,) = check_paths([tmp_path / name])
        assert (report.agency["agency_name"], report.agency["report_year"]) == ("某县人民政府办公室", 2025), name


def test_a_cms_page_title_above_the_content_names_the_agency_and_year(corpus, tmp_path: Path) -> None:
    """The report's title in an <h1> above the content root (#zoom), the <title> only the site's name."""
    parts = _parts(corpus, "balanced")
    page = documents.clean_html(parts[1:]).decode("utf-8")
    page = page.replace("<title>年度报告</title>", "<title>政务公开_某县人民政府</title>")
    page = page.replace(
        '<div id="zoom">', '<h1 class="title">某县人民政府办公室2025年度政府信息公开工作年度报告</h1><div id="zoom">'
    )
    (path := tmp_path / "cms.html").write_text(page, encoding="utf-8")
    (report,) = check_paths([path])
    assert (report.agency["agency_name"], report.agency["report_year"]) == ("某县人民政府办公室", 2025)
    assert "ST09" not in {f.rule for f in report.findings}


def test_paragraphs_are_numbered_as_the_page_shows_them_not_counting_its_title_tag(corpus, tmp_path: Path) -> None:
    """The <title> naming the report is read (for the agency and year) but sits in the browser's tab: the <h1> is
    the page's first paragraph, and a finding on a heading names the paragraph a reader counts to."""
    parts = [
        p.replace("二、主动公开政府信息情况", "二、主动公开政府信息") if isinstance(p, str) else p
        for p in _parts(corpus, "balanced")
    ]
    title = "某县人民政府办公室2025年度政府信息公开工作年度报告"
    page = documents.clean_html(parts[1:]).decode("utf-8").replace("<title>年度报告</title>", f"<title>{title}</title>")
    page = page.replace('<div id="zoom">', f'<h1 class="title">{title}</h1><div id="zoom">')
    (path := tmp_path / "tab.html").write_text(page, encoding="utf-8")
    (report,) = check_paths([path])
    shown = [title, *(p for p in parts[1:] if isinstance(p, str))]
    (renamed,) = [f for f in report.findings if f.rule == "ST04"]
    assert report.where(renamed) == f"正文第{shown.index('二、主动公开政府信息') + 1}段"


@pytest.mark.parametrize(
    ("number", "numerals"), [("（{}）", "一二三四五六"), ("{}. ", "123456"), ("第{}部分 ", "一二三四五六")]
)
def test_sections_numbered_otherwise_are_read_and_said_so(corpus, tmp_path: Path, number: str, numerals: str) -> None:
    """「（一）总体情况」, 「1. 总体情况」, 「第一部分 总体情况」: the text is read (and compared with the tables), each
    heading told to be written as the format does (ST04), not the whole 正文 reported missing."""
    numerals = dict(zip("一二三四五六", numerals))
    parts = _parts(corpus, "balanced")
    renumbered = [re.sub(r"^([一二三四五六])、", lambda m: number.format(numerals[m[1]]), p) if isinstance(p, str) else p
                  for p in parts]  # fmt: skip
    (path := tmp_path / "numbered.html").write_bytes(documents.clean_html(renumbered))
    (report,) = check_paths([path])
    assert {f.rule for f in report.findings} == {"ST04"}, [f.message for f in report.findings]
    assert report.values["overview"] and report.values["other_matters"]


OVERVIEWS = {  # the first paragraph under 一、总体情况, as the balanced report writes it or otherwise
    "opening": None,  # 「…。2025年，本机关认真贯彻…」
    "period": "本报告中所列数据的统计期限自２０２５年１月１日起至２０２５年１２月３１日止。本机关认真贯彻条例。",
    "neither": "2019年以来，本机关认真贯彻《中华人民共和国政府信息公开条例》，各项工作扎实推进。",
    "last year's": "2025年，本机关按时公布某县人民政府办公室2024年度政府信息公开工作年度报告。",
}
TITLED = "某县人民政府办公室政府信息公开工作年度报告"
UNTITLED = {  # title, words before 一、总体情况, overview, (agency, year) read, what the finding says
    "opening": (TITLED, None, "opening", ("某县人民政府办公室", 2025), "报告年度已按正文「2025年，本机关认真贯彻"),
    "period": (TITLED, None, "period", ("某县人民政府办公室", 2025),
               "报告年度已按正文「本报告中所列数据的统计期限自２０２５年１月１日起至２０２５年１２月３１日止。」取为2025年度，请核实"),
    "neither": (TITLED, None, "neither", ("某县人民政府办公室", None),
                "正文中也没有写明统计期限（如「本报告中所列数据的统计期限自××××年1月1日起至××××年12月31日止」）。"
                "无法确定是哪一年度的年报，批量校验时不计入全区合计"),
    "no agency": ("政府信息公开工作年度报告", None, "opening", (None, 2025),
                  "无法确定是哪个机关的年报，批量校验时不能核对重复报送，也不计入全区合计"),
    "named before": ("二〇二五年政府信息公开工作年度报告",
                     "根据《中华人民共和国政府信息公开条例》规定，现公布某县人民政府办公室2025年政府信息公开工作年度报告。",
                     "neither", ("某县人民政府办公室", 2025),
                     "机关名称已按正文「现公布某县人民政府办公室2025年政府信息公开工作年度报告」取为「某县人民政府办公室」，请核实。"
                     "请在标题中写明机关名称，如「某县人民政府办公室2025年度政府信息公开工作年度报告」。"),
    "last year's report": ("政府信息公开工作年度报告", None, "last year's", (None, 2025),
                           "报告年度已按正文「2025年，本机关按时公布某县人民政府办…」取为2025年度，请核实"),
    "byline": ("2025年度政府信息公开工作年度报告", "某县人民政府办公室", "neither", ("某县人民政府办公室", 2025),
               "机关名称已取自正文中单独成行的「某县人民政府办公室」，请核实。请在标题中写明机关名称"),
    "我局 before": ("政府信息公开工作年度报告", "现将我局2025年度政府信息公开工作年度报告予以公布。", "neither", (None, 2025),
                   "报告年度已按正文「现将我局2025年度政府信息公开工作年度报告」取为2025年度，请核实。无法确定是哪个机关的年报"),
}  # fmt: skip


@pytest.mark.parametrize("fmt", ("html", "docx"))
@pytest.mark.parametrize("case", UNTITLED)
def test_what_a_title_lacks_is_taken_from_the_text_or_asked_for(corpus, tmp_path: Path, case: str, fmt: str) -> None:
    """What a title lacks is what the text states for certain: the year of a statistics period of a whole calendar
    year; the report's own title where the text names it before 一、总体情况 (「现公布某某局2025年…报告」, not
    「我局」); else the year opening the sentences of 一、总体情况 (not 「2019年以来」). What is taken from the text is
    said, to be checked, and what the title lacks is asked for as a published report has it, never as a cover."""
    title, before, overview, read, said = UNTITLED[case]
    parts = _parts(corpus, "balanced")
    at = parts.index("一、总体情况") + 1
    text = [title, *([before] if before else []), *parts[1:at], OVERVIEWS[overview] or parts[at], *parts[at + 1 :]]
    (report,) = check_paths([_published_as(text, tmp_path / "untitled", fmt)])
    assert (report.agency["agency_name"], report.agency["report_year"]) == read
    (asked,) = [f for f in report.findings if f.rule == "ST09"]
    assert asked.message.startswith(f"标题「{title}」没有写") and said in asked.message, asked.message
    assert "封面" not in asked.message


@pytest.mark.parametrize(
    ("signed", "said"),
    (
        (["某县人民政府办公室", "2026年1月20日"], "机关名称已取自正文中单独成行的「某县人民政府办公室」，请核实"),
        (
            ["某县人民政府办公室　二〇二六年一月二十日", "主办单位：某县人民政府办公室　网站标识码：1234"],
            "机关名称已按正文「某县人民政府办公室 二〇二六年一月二十日」取为「某县人民政府办公室」，请核实",
        ),
    ),
)
def test_an_agency_signing_the_report_at_its_end_is_taken_for_the_title(
    corpus, tmp_path: Path, signed: list, said: str
) -> None:
    """A title without the agency, the report signed at its end (the agency above or beside the date; a site's footer
    may follow): the agency is the signer's, said to be taken from there."""
    text = ["2025年度政府信息公开工作年度报告", *_parts(corpus, "balanced")[1:], *signed]
    (report,) = check_paths([_published_as(text, tmp_path / "signed", "html")])
    assert report.agency["agency_name"] == "某县人民政府办公室"
    (asked,) = [f for f in report.findings if f.rule == "ST09"]
    assert said in asked.message, asked.message


def test_table_three_over_several_pages_of_the_pdf(corpus) -> None:
    sheet = load_file(_rendering(corpus, "defective", "pdf")).grid.sheets[0]
    table_three = [p for p in sheet.origins.values() if p.table_name == "表三"]
    assert len({p.page for p in table_three}) >= 2
    assert len({p.table for p in table_three}) == 1  # one table, its rows counted on across the page break


def test_a_row_broken_across_a_pdf_page_is_read_as_one_row(corpus, tmp_path: Path) -> None:
    """Word and LibreOffice let a table row break across pages: its label is cut ("4.保护第三方合法" at the foot of
    one page with the row's numbers, "权益" on top of the next, its number cells empty). The parts are one row again,
    so the report gets the findings of the same report on one sheet, wherever the page break falls."""
    parts = _parts(corpus, "balanced")
    docs = []
    for lead in range(7, 12):  # paragraphs before the tables move the page breaks into rows of 表二 and 表三
        docs.append(
            documents.docx(parts[:1] + ["本机关认真贯彻条例。"] * lead + parts[1:], tmp_path / f"lead{lead}.docx")
        )
    cut = 0
    expected = _findings(corpus["balanced"]["xlsx"])
    for pdf_path in _as_pdf(tmp_path, *docs):
        with pdfplumber.open(pdf_path) as pdf:
            for page in pdf.pages[1:]:
                top = next((t.extract()[0] for t in page.find_tables() if t.bbox[1] < 80), None)
                cut += top is not None and not any(text and text[0].isdigit() for text in top)
        assert _findings(pdf_path) == expected, pdf_path.name
    assert cut >= 8  # rows were broken across pages (a row of its own at the top of a page starts with its number)


@pytest.mark.parametrize(
    ("before", "lead", "font_pt", "cut"),
    [
        ("三、", 34, 12, "企业"),  # 「商业⏎企业」…: 表三's last header row cut
        ("三、", 8, 16, "企业"),  # the same, the corner's note cut after a line that ends short of a comma
        ("三、", 4, 12, "机构"),  # 「法律服务⏎机构」
        ("四、", 28, 12, "维持"),  # 「结果⏎维持」: 表四's last header row cut
        ("四、", 40, 16, "维持"),
        ("三、", 32, 16, "项"),  # 「8.属于行政查询事⏎项」: the last row of its group, the group's cell not merged down
    ],
)
def test_a_header_row_or_a_group_s_last_row_broken_across_a_pdf_page_is_one_row(
    corpus, tmp_path: Path, before: str, lead: int, font_pt: int, cut: str
) -> None:
    """A page break inside a header row of 表三 or 表四 (neither part holds numbers) or inside the last row of a group
    of 表三: the parts are one row again, so the report gets the findings of the same report on one sheet (no label
    reported cut, no table missing)."""
    parts = _parts(corpus, "balanced")
    at = next(i for i, p in enumerate(parts) if isinstance(p, str) and p.startswith(before))
    docx = documents.docx(
        parts[:at] + ["本机关认真贯彻条例。"] * lead + parts[at:], tmp_path / "cut.docx", font_pt=font_pt
    )
    (pdf_path,) = _as_pdf(tmp_path, docx)
    with pdfplumber.open(pdf_path) as pdf:  # the page break did cut the row: a fragment tops a page's table
        tops = [t.extract()[0] for page in pdf.pages[1:] for t in page.find_tables() if t.bbox[1] < 80]
    assert any(cut in [(text or "").replace("\n", "") for text in top] for top in tops)
    assert _findings(pdf_path) == _findings(corpus["balanced"]["xlsx"])


_TEXT_FOOT = (11906 - 900) / 20  # points: where the text of documents.docx's pages ends (A4 landscape, its margin)
_FORMS = {  # a report in each national format, the year in its title choosing the format
    "2021": ({}, "某机关 2025年度政府信息公开工作报告"),
    "2019": ({"layout": template_layout(TRIAL)}, "某机关 2020年度政府信息公开工作报告"),
}


def _report_parts(tmp_path: Path, form: str) -> tuple[Path, list]:
    """The balanced report in `form` on one sheet, and its parts as published."""
    variant, title = _FORMS[form]
    values = {k: v for k, v in balanced_values(TRIAL if form == "2019" else TEMPLATE).items() if v is not None}
    xlsx = published(tmp_path / f"report{form}.xlsx", values, title=title, **variant)
    return xlsx, documents.segments(load(xlsx).grid.sheets[0])


def _top_rows(table: documents.Tbl, rows: int) -> documents.Tbl:
    """The table's first `rows` rows, a merge reaching below them cut at the last."""
    merges = [(t, lf, min(b, rows), rt) for t, lf, b, rt in table.merges if t <= rows]
    part = documents.Tbl({k: v for k, v in table.cells.items() if k[0] <= rows}, merges, rows, table.cols)
    part.covered = {(r, c) for r, c in table.covered if r <= rows}
    return part


def _row_bottoms(pdf_path: Path, table: documents.Tbl) -> list[float]:
    """The bottom of each row of `table` where it begins, on top of a page."""
    with pdfplumber.open(pdf_path) as pdf:
        found = [t for page in pdf.pages for t in page.find_tables() if t.bbox[1] < 60]
    first = next(t for t in found if (t.extract()[0][0] or "").replace("\n", "") == table.cells[(1, 1)])
    return sorted({round(cell[3]) for cell in first.cells if cell})


@pytest.mark.parametrize("form", _FORMS)
def test_a_page_break_after_a_table_s_header_rows_reads_one_table(tmp_path: Path, form: str) -> None:
    """A table's header rows end a page and its rows go on at the top of the next, under the header printed again
    (Word's "repeat as header row") or not: 表二 (whose first numbers stand under its column labels), 表三 and
    表四, and 表四 broken between its header rows too. Each reads as one table: the report gets the findings of the
    same report on one sheet."""
    xlsx, parts = _report_parts(tmp_path, form)
    tables = [i for i, p in enumerate(parts) if isinstance(p, documents.Tbl)]
    chosen = {"表二": tables[0], "表三": tables[-2], "表四": tables[-1]}
    headers = {
        name: min(r for (r, _), text in parts[i].cells.items() if text.isdigit()) - 1 for name, i in chosen.items()
    }
    measured = parts[:]  # each chosen table on top of a page of its own, to measure its rows
    for i in sorted(chosen.values(), reverse=True):
        measured.insert(i, documents.Space(1, new_page=True))
    (pdf_path,) = _as_pdf(tmp_path, documents.docx(measured, tmp_path / "measured.docx"))
    bottoms = {name: _row_bottoms(pdf_path, parts[i]) for name, i in chosen.items()}
    cases = [(name, headers[name], repeat) for name in chosen for repeat in (False, True)]
    cases += [("表四", rows, repeat) for rows in range(1, headers["表四"]) for repeat in (False, True)]
    docs = []
    for n, (name, rows, repeat) in enumerate(cases):
        i, row_bottoms = chosen[name], bottoms[name]
        # the table's row `rows` ends 2 points above the foot of the page
        space = documents.Space(1 + _TEXT_FOOT - row_bottoms[rows - 1] - 2, new_page=True)
        # Word prints the header rows again on top of the next page: the table as if cut after them by hand
        # (LibreOffice keeps a repeated header with the row after it, so it is built so)
        broken = [space, _top_rows(parts[i], rows), parts[i]] if repeat else [space, parts[i]]
        docs.append(documents.docx(parts[:i] + broken + parts[i + 1 :], tmp_path / f"break{n}.docx"))
    expected = _findings(xlsx)
    for (name, rows, repeat), pdf_path in zip(cases, _as_pdf(tmp_path, *docs)):
        with pdfplumber.open(pdf_path) as pdf:  # the page break fell after the header's row `rows`
            feet = [t.extract() for page in pdf.pages for t in page.find_tables() if t.bbox[3] > _TEXT_FOOT - 12]
        assert any(len(foot) == rows and not any(text and text.isdigit() for text in foot[-1]) for foot in feet)
        assert _findings(pdf_path) == expected, (name, rows, repeat)


def test_sentences_and_a_title_wrapped_at_a_pdf_line_end_read_whole(corpus, tmp_path: Path) -> None:
    """A PDF prints each line apart: the lines of a paragraph (and a title over two lines) are joined again, so
    that a claim in the text wrapped at the line's end is still compared with 表三 (TT01), wherever the wrap falls."""
    parts = _parts(corpus, "balanced")
    agency = "某省某市某某县人民政府办公室某某某某某某某某某某某某工作领导小组办公室"
    title = f"{agency}2025年度政府信息公开工作年度报告"
    claim = f"本年度共收到政府信息公开申请{VALUES['t3.new.total'] + 7}件，均按时答复。"
    docs = []
    for lead in range(14, 30, 3):  # the claim starts near the end of the paragraph's first line (16 pt: 28 a line)
        prose = "本机关认真贯彻《中华人民共和国政府信息公开条例》" + "各项工作扎实推进" * 8
        text = [title if i == 0 else (prose[:lead] + claim if p == parts[2] else p) for i, p in enumerate(parts)]
        docs.append(documents.docx(text, tmp_path / f"lead{lead}.docx", font_pt=16))
    wrapped = 0
    for pdf_path in _as_pdf(tmp_path, *docs):
        with pdfplumber.open(pdf_path) as pdf:
            lines = [line["text"] for page in pdf.pages for line in page.extract_text_lines()]
        wrapped += not any("申请" in line and "件，均按时答复" in line for line in lines)
        assert title not in lines  # the title is printed over several lines
        (report,) = check_paths([pdf_path])
        assert "TT01" in {f.rule for f in report.findings}, pdf_path.name
        assert report.agency["agency_name"] == agency and report.agency["report_year"] == 2025
    assert wrapped >= 2  # the claim itself was cut by a line end in some of them


def test_a_finding_names_its_place_in_the_document(corpus) -> None:
    (report,) = check_paths([_rendering(corpus, "defective", "pdf")])
    (result,) = results_document([report])["results"]
    assert result["source_format"] == "pdf"
    unit = next(f for f in result["findings"] if f["key"] == "t3.new.natural" and f["rule"] == "TY04")
    source = unit["source"]
    assert source["format"] == "pdf" and source["page"] >= 1 and source["column"] == 4
    place = report.place(next(f.cell for f in report.findings if f.key == "t3.new.natural"))
    assert place.phrase().endswith("「一、本年新收政府信息公开申请数量」「自然人」列")
    assert f"（原文位置：第{source['page']}页 表三 第{source['row']}行" in unit["message"]
    assert result["sources"]["t3.new.natural"] == source
    text = next(p for k, p in result["sources"].items() if k == "overview")
    assert text["paragraph"] >= 1


def test_html_page_encoded_in_gbk_reads_its_labels(corpus) -> None:
    data = corpus["balanced"]["word.html"].read_bytes()
    assert "申请人情况".encode("gb18030") not in data  # split over runs in the page
    sheet = load_file(corpus["balanced"]["word.html"]).grid.sheets[0]
    assert "申请人情况" in sheet.cells.values()


# ---------------------------------------------------------------- pages and documents as sites and editors make them


def _parts(corpus, report: str = "defective") -> list:
    return documents.segments(load(corpus[report]["xlsx"]).grid.sheets[0])


@pytest.mark.parametrize("encoding", ("utf-8", "gb18030"))
@pytest.mark.parametrize("shift", range(4))  # where the 4 KiB the sniffer reads end: inside a character or not
def test_a_page_indented_with_ideographic_spaces_is_read_as_a_page(corpus, tmp_path: Path, encoding, shift) -> None:
    """CMS editors indent paragraphs with U+3000 and leave no-break and zero-width spaces in the page's head."""
    page = documents.clean_html(_parts(corpus)).decode("utf-8")
    page = page.replace("<p>", "<p>\u3000\u3000").replace("<title>", "<title>" + " " * shift + "\xa0\u200b")
    path = tmp_path / "indented.html"
    path.write_bytes(page.replace('charset="utf-8"', f'charset="{encoding}"').encode(encoding))
    assert _findings(path) == _findings(corpus["defective"]["xlsx"])


def test_zero_width_spaces_after_numbers_are_not_seen(corpus, tmp_path: Path) -> None:
    """Rich-text editors leave U+200B and U+FEFF behind numbers: the reader of the page sees the number."""
    page = documents.clean_html(_parts(corpus)).decode("utf-8")
    page, count = re.subn(r">(\d+)</p>", lambda m: f">{m[1]}\u200b\ufeff</p>", page)
    assert count > 100
    (path := tmp_path / "zero-width.html").write_text(page, encoding="utf-8")
    assert _findings(path) == _findings(corpus["defective"]["xlsx"])


def test_a_gbk_page_that_declares_utf8_is_read_as_gbk(corpus, tmp_path: Path) -> None:
    page = documents.clean_html(_parts(corpus)).decode("utf-8")
    assert 'charset="utf-8"' in page
    (path := tmp_path / "mislabelled.html").write_bytes(page.encode("gb18030"))
    assert _findings(path) == _findings(corpus["defective"]["xlsx"])


def _cut_with_header(table: documents.Tbl) -> list[documents.Tbl]:
    """The table cut in two where no merge crosses, its header rows (those above the first number) repeated on
    top of the second part, as authors cut a long table by hand."""
    header = min(r for (r, c), text in table.cells.items() if text.isdigit()) - 1
    crossed = {r for t, _, b, _ in table.merges for r in range(t + 1, b + 1)}
    cut = min(
        (r for r in range(header + 2, table.rows + 1) if r not in crossed),
        key=lambda r: abs(2 * r - header - table.rows),
    )
    first = documents.Tbl({k: v for k, v in table.cells.items() if k[0] < cut},
                          [m for m in table.merges if m[2] < cut], cut - 1, table.cols)  # fmt: skip
    shift = cut - header - 1
    second = documents.Tbl(
        {k: v for k, v in table.cells.items() if k[0] <= header}
        | {(r - shift, c): v for (r, c), v in table.cells.items() if r >= cut},
        [m for m in table.merges if m[2] <= header]
        + [(t - shift, lf, b - shift, rt) for t, lf, b, rt in table.merges if t >= cut],
        table.rows - shift,
        table.cols,
    )
    for part in (first, second):
        part.covered = {(r, c) for t, lf, b, rt in part.merges for r in range(t, b + 1) for c in range(lf, rt + 1)}
        part.covered -= {m[:2] for m in part.merges}
    return [first, second]


@pytest.mark.parametrize("fmt", ("html", "docx"))
def test_a_table_cut_in_parts_with_its_header_repeated_reads_as_one(corpus, tmp_path: Path, fmt: str) -> None:
    parts = _parts(corpus)
    longest = max((p for p in parts if isinstance(p, documents.Tbl)), key=lambda t: t.rows)
    i = parts.index(longest)
    first, rest = _cut_with_header(longest)
    parts[i : i + 1] = [first, *_cut_with_header(rest)]  # three parts, each under the same header
    if fmt == "html":
        (path := tmp_path / "cut.html").write_bytes(documents.clean_html(parts))
    else:
        path = documents.docx(parts, tmp_path / "cut.docx")
    assert _findings(path) == _findings(corpus["defective"]["xlsx"])  # no ST05 for the repeated header


@pytest.mark.parametrize("fmt", ("html", "docx"))
def test_a_document_prints_numbers_as_text_without_a_finding(corpus, fmt: str) -> None:
    """Full-width digits are how a page prints a number, not a number stored as text (TY03 is for workbooks)."""
    (report,) = check_paths([_rendering(corpus, "defective", fmt)])
    assert "TY03" not in {f.rule for f in report.findings}
    assert report.values["t2_5.licensing.decisions"] == 1268  # published as １２６８


def test_a_number_with_a_note_is_read_and_named_by_its_row_and_column(tmp_path: Path) -> None:
    """ "12（其中修订3件）": 12, a TY04 at the cell named by its table's labels, not by the cell's own text."""
    values = {k: v for k, v in VALUES.items() if v is not None} | {"t2_1.normative.current": "12（其中修订3件）"}
    parts = documents.segments(load(published(tmp_path / "noted.xlsx", values)).grid.sheets[0])
    (page := tmp_path / "noted.html").write_bytes(documents.clean_html(parts))
    (report,) = check_paths([page])
    (noted,) = [f for f in report.findings if f.key == "t2_1.normative.current"]
    assert noted.rule == "TY04" and "已按 12 校验" in noted.message
    assert "「行政规范性文件」「现行有效件数」列" in noted.message and "第4列" not in noted.message
    assert report.values["t2_1.normative.current"] == 12


@pytest.mark.parametrize("fmt", ("html", "docx"))
def test_a_unit_written_in_every_cell_of_a_table_is_one_finding(tmp_path: Path, fmt: str) -> None:
    """「2件」 in each of 表四's 15 cells (its author wrote the unit everywhere): one TY04 for the table, each cell still
    related to it and checked as its number; 「39件」 in one cell of 表三 is told alone, with its number."""
    counts = {k: f"{v}件" for k, v in VALUES.items() if k.startswith("t4.")}
    values = {k: v for k, v in VALUES.items() if v is not None} | counts | {"t3.new.natural": "39件"}
    parts = documents.segments(load(published(tmp_path / "units.xlsx", values)).grid.sheets[0])
    (report,) = check_paths([_published_as(parts, tmp_path / "units", fmt)])
    told = {f.key.split(".")[0]: f for f in report.findings if f.rule == "TY04"}
    assert sorted(told) == ["t3", "t4"] and len(report.findings) == 2
    assert told["t4"].message.startswith(
        "表四「行政复议 / 结果维持」等 15 个单元格填了带单位「件」的数字，已按其中的数字校验。请只填数字，不要带单位。"
    ), told["t4"].message
    assert len(told["t4"].related) == 14
    assert "「39件」" in told["t3"].message and "请只填数字 39" in told["t3"].message
    assert {k: v for k, v in report.values.items() if k.startswith("t4.")} == {
        k: v for k, v in VALUES.items() if k.startswith("t4.")
    }


@pytest.mark.parametrize("fmt", ("html", "docx"))
def test_an_entry_in_words_names_no_row(tmp_path: Path, fmt: str) -> None:
    """「减3」 in 2019 表二's 本年增/减, 「未发生」 in a column of 表三's numbers and in 表四's one row: each is a value,
    placed by its row's label and its column's header, and never the label of a cell right of it."""
    worded = {
        "t2_5.licensing.change": "减3",
        "t2_5.licensing.decisions": "1268件",
        "t3.new.research": "未发生",
        "t4.cases.review.corrected": "未发生",
    }
    values = {k: v for k, v in balanced_values(TRIAL).items() if v is not None} | worded
    title = "某机关 2020年度政府信息公开工作报告"
    xlsx = published(tmp_path / "worded.xlsx", values, title=title, layout=template_layout(TRIAL))
    path = _published_as(documents.segments(load(xlsx).grid.sheets[0]), tmp_path / "worded", fmt)
    (report,) = check_paths([path])
    places = {key: report.sources[key].phrase() for key in worded}
    assert places["t2_5.licensing.change"] == "表二 第3行「行政许可」「本年增/减」列"
    assert places["t2_5.licensing.decisions"] == "表二 第3行「行政许可」「处理决定数量」列"
    assert places["t3.new.research"] == "表三 第4行「一、本年新收政府信息公开申请数量」「科研机构」列"
    assert places["t4.cases.review.corrected"] == "表四 第4行「行政复议」「结果纠正」列"
    assert (
        report.sources["t3.new.nonprofit"].phrase()
        == "表三 第4行「一、本年新收政府信息公开申请数量」「社会公益组织」列"
    )
    assert report.sources["t4.cases.review.other"].phrase() == "表四 第4行「行政复议」「其他结果」列"


@pytest.mark.parametrize("fmt", ("html", "docx", "pdf"))
def test_digits_split_by_a_space_are_not_run_together(tmp_path: Path, fmt: str) -> None:
    """ "5 6" (two cells run together while editing) is not 56: a TY07 at its cell, which the equations and the
    correction search leave alone; "1 268" grouping thousands with a thin space is 1268, as "1,268" is."""
    spaced = {"t3.new.natural": "5 6", "t2_6.penalty.decisions": "31 5", "t2_5.licensing.decisions": "1\u2009268"}
    values = {k: v for k, v in VALUES.items() if v is not None} | spaced
    parts = documents.segments(load(published(tmp_path / "spaced.xlsx", values)).grid.sheets[0])
    path = _published_as(parts, tmp_path / "spaced", fmt)
    (report,) = check_paths([path])
    found = sorted((f.rule, f.key) for f in report.findings)
    assert found == [("TY07", "t2_6.penalty.decisions"), ("TY07", "t3.new.natural")]  # no EQ "由 56 改为 39"
    (typo,) = [f for f in report.findings if f.key == "t3.new.natural"]
    assert "「5 6」" in typo.message and "未参与勾稽校验" in typo.message
    assert report.values["t2_5.licensing.decisions"] == 1268
    assert report.values.get("t3.new.natural") is None


def _two_reports(
    tmp_path: Path, titled: bool, title: str = "某县人民政府办公室2020年度政府信息公开工作年度报告"
) -> list:
    """This year's report, then last year's on the same page (on the 2019 trial format, one column off balance),
    as portals publish both; without its title, the second reads as another agency's report pasted below."""
    values = {k: v for k, v in VALUES.items() if v is not None}
    first = published(tmp_path / "first.xlsx", values, title="某县人民政府办公室2025年度政府信息公开工作年度报告")
    second = published(
        tmp_path / "second.xlsx",
        values | {"t3.new.natural": 100},
        title=title,
        trial_2019=True,
    )
    later = documents.segments(load(second).grid.sheets[0])
    return documents.segments(load(first).grid.sheets[0]) + (later if titled else later[1:])


@pytest.mark.parametrize("fmt", ("html", "docx", "pdf"))
def test_a_further_report_in_the_document_is_named_and_left_unchecked(tmp_path: Path, fmt: str) -> None:
    """The first report is checked as if alone (no ST07 for the 2019 labels of the second, no 100 in its 表三);
    the second is named by its title and said to need a check of its own."""
    parts = _two_reports(tmp_path, titled=True)
    path = _published_as(parts, tmp_path / "two", fmt)
    (report,) = check_paths([path])
    (further,) = report.findings
    assert further.rule == "ST10"
    assert (
        "原文中有不止一份年报：只校验了前面的一份，其后的「某县人民政府办公室2020年度政府信息公开工作年度报告」未校验"
        in (further.message)
    )
    assert "另行校验" in further.message and "（原文位置：" in further.message
    assert report.values["t3.new.natural"] == VALUES["t3.new.natural"]
    assert report.values["report_year"] == 2025


@pytest.mark.parametrize(
    "title",
    (
        "二〇二〇年度某县人民政府办公室政府信息公开工作年度报告",
        "某县人民政府办公室政府信息公开工作年度报告（２０２０年）",
    ),
)
def test_a_further_report_is_named_by_its_title_however_it_writes_the_year(tmp_path: Path, title: str) -> None:
    (path := tmp_path / "two.html").write_bytes(documents.clean_html(_two_reports(tmp_path, True, title)))
    (report,) = check_paths([path])
    assert [f.rule for f in report.findings] == ["ST10"]
    assert f"其后的「{title}」未校验" in report.findings[0].message


def test_a_further_report_without_a_title_is_named_by_its_first_heading(tmp_path: Path) -> None:
    (path := tmp_path / "two.html").write_bytes(documents.clean_html(_two_reports(tmp_path, titled=False)))
    (report,) = check_paths([path])
    assert [f.rule for f in report.findings] == ["ST10"]
    assert "其后从「一、总体情况」起的另一份年报未校验" in report.findings[0].message


@pytest.mark.parametrize("fmt", ("html", "docx", "pdf"))
def test_a_report_in_traditional_characters_is_refused_with_the_reason(corpus, tmp_path: Path, fmt: str) -> None:
    """A mirror in traditional characters matches no official label: it is refused (exit 2) with the reason and
    what to provide, instead of dozens of missing tables and label findings."""
    parts = documents.traditional(_parts(corpus, "balanced"))
    path = _published_as(parts, tmp_path / "mirror", fmt)
    (report,) = check_paths([path])
    assert report.error is not None and report.findings == []
    assert report.error.startswith("原文是繁体字（如「") and "请提供简体字版本" in report.error
    proc = _cli("check", str(path), "--no-annotate")
    assert proc.returncode == 2 and "原文是繁体字" in proc.stdout + proc.stderr


def test_a_simplified_report_quoting_traditional_characters_is_checked(corpus, tmp_path: Path) -> None:
    """A simplified report quoting a long passage in traditional characters (some 40 of them) is no mirror."""
    parts = _parts(corpus, "balanced")
    quoted = "".join(p for p in parts if isinstance(p, str))
    parts.append(f"附：港澳地区来函原文“{quoted.translate(documents._S2T)[:300]}”")
    (path := tmp_path / "quoted.html").write_bytes(documents.clean_html(parts))
    (report,) = check_paths([path])
    assert report.error is None and report.findings == []


@pytest.mark.parametrize("encoding", ("gb18030", "utf-8"))
def test_a_page_garbled_by_a_western_code_page_is_refused_with_the_reason(corpus, tmp_path: Path, encoding: str):
    """A GBK (or UTF-8) page opened in a Western code page and saved again: its Chinese is accented Latin letters
    (「Ò»¡¢×ÜÌå」), so none of its headings and labels is found. It is refused (exit 2) as garbled, with what to do,
    instead of every table and section said missing; a report printing a few such signs (×, °, “”) is checked."""
    page = documents.clean_html(_parts(corpus, "balanced")).decode()
    (path := tmp_path / "garbled.html").write_text(page.encode(encoding).decode("latin-1"), encoding="utf-8")
    (report,) = check_paths([path])
    assert report.error is not None and report.findings == []
    assert report.error.startswith("原文的文字是乱码（如「") and "确认文字显示正常后再另存为网页" in report.error
    proc = _cli("check", str(path), "--no-annotate")
    assert proc.returncode == 2 and "原文的文字是乱码" in proc.stdout + proc.stderr
    signs = [*_parts(corpus, "balanced"), "注：面积单位为平方米（m²），温度25°C，规格3×4，“·”为分隔号，价格£5、€3。"]
    (path := tmp_path / "signs.html").write_bytes(documents.clean_html(signs))
    (report,) = check_paths([path])
    assert report.error is None and report.findings == []


def test_a_title_in_a_word_text_box_is_read_once(corpus, tmp_path: Path) -> None:
    """Word writes a text box twice (a drawing, and VML for older readers); its text is the drawing's."""
    title = "某机关 2025年度政府信息公开工作报告"
    box = (
        '<w:p><w:r><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        f'<mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:r><w:t>{title}</w:t></w:r></w:p></w:txbxContent>'
        f"</w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>{title}</w:t></w:r></w:p>"
        "</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
    )

    def boxed(xml: bytes) -> bytes:
        start = xml.index(title.encode()) - len(b'<w:p><w:r><w:t xml:space="preserve">')
        end = xml.index(b"</w:p>", start) + len(b"</w:p>")
        return xml[:start] + box.encode() + xml[end:]

    path = repack(corpus["balanced"]["docx"], tmp_path / "boxed.docx", edit_part("word/document.xml", boxed))
    sheet = load_file(path).grid.sheets[0]
    assert [v for v in sheet.cells.values() if isinstance(v, str) and "工作报告" in v] == [title]
    (report,) = check_paths([path])
    assert (report.agency["agency_name"], report.agency["report_year"]) == ("某机关", 2025)


def _in_a_layout_table(table: bytes) -> bytes:
    """`table` in the one cell of a table that lays out the page, under a paragraph."""
    cell = b'<w:tc><w:tcPr><w:tcW w:w="9000" w:type="dxa"/></w:tcPr><w:p/>' + table + b"<w:p/></w:tc>"
    return b'<w:tbl><w:tblGrid><w:gridCol w:w="9000"/></w:tblGrid><w:tr>' + cell + b"</w:tr></w:tbl>"


def _in_a_text_box(table: bytes) -> bytes:
    """`table` in a text box, written twice as Word does: as a drawing, and as VML for older readers."""
    content = b"<w:txbxContent>" + table + b"<w:p/></w:txbxContent>"
    return (
        b'<w:p><w:r><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        b'<mc:Choice Requires="wps"><w:drawing>' + content + b"</w:drawing></mc:Choice>"
        b"<mc:Fallback><w:pict>" + content + b"</w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
    )


@pytest.mark.parametrize(("which", "wrap"), [(-1, _in_a_layout_table), (0, _in_a_text_box)], ids=("表四", "表二"))
def test_a_word_table_in_a_layout_table_or_a_text_box_is_read(corpus, tmp_path: Path, which: int, wrap) -> None:
    """As on a web page, a table with a table in its cell only lays the page out; a text box's tables follow its
    paragraph, read once. Every value comes back, with the findings of the plain document."""

    def wrapped(xml: bytes) -> bytes:
        table = re.findall(rb"<w:tbl>.*?</w:tbl>", xml)[which]
        return xml.replace(table, wrap(table), 1)

    path = repack(corpus["defective"]["docx"], tmp_path / "wrapped.docx", edit_part("word/document.xml", wrapped))
    assert _flat(_tables(path)) == _flat(_tables(corpus["defective"]["xlsx"]))
    assert _findings(path) == _findings(corpus["defective"]["xlsx"])


def _tables_as_a_picture(corpus, section: str) -> list:
    """The report's parts with the tables of a section (表二's four) replaced by one marker paragraph, where a
    picture goes."""
    parts = _parts(corpus, "balanced")
    heading = next(i for i, p in enumerate(parts) if isinstance(p, str) and p.startswith(section))
    end = next(
        i
        for i in range(heading + 1, len(parts))
        if isinstance(parts[i], str) and re.match("[一二三四五六]、", parts[i])
    )
    kept = [p for p in parts[heading + 1 : end] if not isinstance(p, documents.Tbl)]
    return [*parts[: heading + 1], "PICTURE", *kept, *parts[end:]]


_DRAWING = (
    '<w:p><w:r><w:drawing><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData>'
    '<a:blip r:embed="rId9" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/>'
    "</a:graphicData></a:graphic></w:drawing></w:r></w:p>"
)


@pytest.mark.parametrize(
    ("fmt", "section"), [("html", "三、"), ("docx", "三、"), ("pdf", "三、"), ("html", "二、"), ("docx", "二、")]
)
def test_a_table_published_as_a_picture_is_said_so(corpus, tmp_path: Path, fmt: str, section: str) -> None:
    """One picture for a section's tables (表二's four): said once."""
    parts = _tables_as_a_picture(corpus, section)
    image = base64.b64encode(png(600, 300)).decode()
    page = documents.clean_html(parts).replace(
        b"<p>PICTURE</p>", f'<p><img src="data:image/png;base64,{image}"></p>'.encode()
    )
    path = tmp_path / "picture.html"
    path.write_bytes(page)
    if fmt == "docx":
        docx = documents.docx(parts, tmp_path / "picture.docx")
        marker = b'<w:p><w:r><w:t xml:space="preserve">PICTURE</w:t></w:r></w:p>'
        path = repack(
            docx,
            tmp_path / "drawn.docx",
            edit_part("word/document.xml", lambda x: x.replace(marker, _DRAWING.encode())),
        )
    elif fmt == "pdf":
        (path,) = _as_pdf(tmp_path, path, export="pdf:writer_web_pdf_Export")
    (report,) = check_paths([path])
    assert report.error is None, report.error
    (missing,) = [f for f in report.findings if f.rule == "ST01"]
    assert missing.message.startswith(f"表{section[0]}以图片形式发布") and "请提供表格为文字" in missing.message


def _tbl(cells: dict[tuple[int, int], str], merges: list[tuple[int, int, int, int]]) -> documents.Tbl:
    """A table of a document from its cells and merges (the cells merges cover, and its size, worked out)."""
    corners = [*cells, *((b, r) for _, _, b, r in merges)]
    table = documents.Tbl(cells, merges, max(r for r, _ in corners), max(c for _, c in corners))
    table.covered = {(r, c) for t, lf, b, rt in merges for r in range(t, b + 1) for c in range(lf, rt + 1)} - {
        m[:2] for m in merges
    }
    return table


def _header_as_a_picture(parts: list, which: int, drop: str = "") -> list:
    """The parts with the header rows of table `which` (the rows above its first number) replaced by a marker
    paragraph where a picture goes, its rows of labels and numbers left a table; `drop` a column left out too."""
    table = [p for p in parts if isinstance(p, documents.Tbl)][which]
    header = min(r for (r, _), text in table.cells.items() if text.isdigit()) - 1
    gone = next((c for (r, c), text in table.cells.items() if text == drop), None)

    def moved(c: int) -> int:
        return c - 1 if gone and c > gone else c

    cells = {(r - header, moved(c)): t for (r, c), t in table.cells.items() if r > header and c != gone}
    merges = [(t - header, lf, b - header, rt) for t, lf, b, rt in table.merges if t > header]
    return [*parts[: parts.index(table)], "PICTURE", _tbl(cells, merges), *parts[parts.index(table) + 1 :]]


def _with_picture(parts: list, tmp_path: Path, fmt: str) -> Path:
    """The parts published as a web page, a Word file (a drawing) or a PDF print of the page, with a picture where
    the marker paragraph "PICTURE" stands."""
    image = base64.b64encode(png(600, 120)).decode()
    page = documents.clean_html(parts).replace(
        b"<p>PICTURE</p>", f'<p><img src="data:image/png;base64,{image}"></p>'.encode()
    )
    (path := tmp_path / "pictured.html").write_bytes(page)
    if fmt == "docx":
        marker = b'<w:p><w:r><w:t xml:space="preserve">PICTURE</w:t></w:r></w:p>'
        docx = documents.docx(parts, tmp_path / "pictured.docx")
        return repack(
            docx,
            tmp_path / "drawn.docx",
            edit_part("word/document.xml", lambda x: x.replace(marker, _DRAWING.encode())),
        )
    if fmt == "pdf":  # printed from the page, its cells wrapping their text (a table as wide as the page)
        path.write_bytes(page.replace(b" nowrap", b""))
        (path,) = _as_pdf(tmp_path, path, export="pdf:writer_web_pdf_Export")
    return path


def structure_finding(path: Path):
    """The report of the document in `path` and its one structure finding (ST)."""
    (report,) = check_paths([path])
    (said,) = [f for f in report.findings if f.rule.startswith("ST")]
    return report, said


@pytest.mark.parametrize("fmt", ("html", "docx", "pdf"))
def test_a_table_whose_header_is_a_picture_is_read_by_its_row_labels(corpus, tmp_path: Path, fmt: str) -> None:
    """表三's header pasted as a picture over a table of its rows (every label and number as text): its seven columns
    are read in the official order and checked (the wrong total of the defective report is found as on one sheet),
    with one warning saying there is no header and a picture stands above the table; never that there is no table."""
    path = _with_picture(_header_as_a_picture(_parts(corpus, "defective"), -2), tmp_path, fmt)
    report, said = structure_finding(path)
    assert (said.rule, said.severity) == ("ST04", "warning")
    assert said.message.startswith(
        "表三的表格没有表头（各栏目的名称），表格上方是一张图片（表头可能以图片形式发布）。已按官方格式的列顺序"
        "（「自然人」「商业企业」「科研机构」「社会公益组织」「法律服务机构」「其他」「总计」）读取表格中的 7 列数字并校验"
    ), said.message
    assert "请提供表头为文字（可复制）的网页、Word 或 PDF 版本后再校验" in said.message
    assert "而不是表格" not in said.message
    assert report.coverage.checked == report.coverage.total
    assert [f for f in _findings(path) if f[0] != "ST04"] == _findings(corpus["defective"]["xlsx"])


@pytest.mark.parametrize("fmt", ("html", "docx"))
def test_a_table_whose_header_is_a_picture_and_columns_are_not_the_official_ones_says_what_is_missing(
    corpus, tmp_path: Path, fmt: str
) -> None:
    """Under a header pasted as a picture, 表三 with six columns of numbers (其他 left out), and 表四 with its numbers
    alone (no row labels to go by): neither is read, and ST01 says the table has no header, a picture above it, and
    (表三) how many columns it has; never that there is no table."""
    parts = _header_as_a_picture(_parts(corpus, "balanced"), -2, drop="其他")
    _, said = structure_finding(_with_picture(parts, tmp_path, fmt))
    assert said.rule == "ST01" and said.message.startswith(
        "表三的表格没有表头（各栏目的名称），表格上方是一张图片（表头可能以图片形式发布），无法确定其中的数字各属于哪一栏"
        "（表格有 6 列数字，官方格式有 7 列），相关勾稽关系未校验。请提供表头为文字（可复制）的网页、Word 或 PDF 版本后再校验。"
    ), said.message
    _, said = structure_finding(_with_picture(_header_as_a_picture(_parts(corpus, "balanced"), -1), tmp_path, fmt))
    assert said.rule == "ST01" and said.message.startswith(
        "表四的表格没有表头（各栏目的名称），表格上方是一张图片（表头可能以图片形式发布），无法确定其中的数字各属于哪一栏，"
        "相关勾稽关系未校验。"
    ), said.message


def _title_as_a_picture(corpus, tmp_path: Path, fmt: str, tables_too: bool = False) -> Path:
    """The balanced report with a banner picture where its title stands (红头 titles are often pictures), as a web
    page or its PDF print; `tables_too`: 表三 a picture as well and the title left out."""
    parts = _tables_as_a_picture(corpus, "三、") if tables_too else ["TITLE", *_parts(corpus, "balanced")[1:]]
    parts = parts[1:] if tables_too else parts
    image = base64.b64encode(png(600, 100)).decode()
    page = documents.clean_html(parts)
    for marker in (b"<p>TITLE</p>", b"<p>PICTURE</p>"):
        page = page.replace(marker, f'<p><img src="data:image/png;base64,{image}"></p>'.encode())
    path = tmp_path / "banner.html"
    path.write_bytes(page)
    return _as_pdf(tmp_path, path, export="pdf:writer_web_pdf_Export")[0] if fmt == "pdf" else path


@pytest.mark.parametrize("fmt", ("html", "pdf"))
def test_a_title_published_as_a_picture_is_said_so(corpus, tmp_path: Path, fmt: str) -> None:
    """A picture where the title stands, and no title in text: said to be the title published as a picture, as a
    table published as one is, with the agency and year it would name and what the text states instead."""
    (report,) = check_paths([_title_as_a_picture(corpus, tmp_path, fmt)])
    assert report.error is None, report.error
    (said,) = [f for f in report.findings if f.rule == "ST09"]
    assert said.message.startswith(
        "年报的标题以图片形式发布：原文开头是图片而不是文字，无法读取其中的机关名称和报告年度"
    )
    assert "报告年度已按正文「2025年，本机关认真贯彻" in said.message
    assert "提供标题为文字（可复制）的网页、Word 或 PDF 版本后再校验" in said.message
    assert report.agency["report_year"] == 2025 and report.agency["agency_name"] is None


def test_a_picture_further_down_is_no_title(corpus, tmp_path: Path) -> None:
    """A report without a title whose only picture is a table's (under 三、): its title is missing, not a picture."""
    (report,) = check_paths([_title_as_a_picture(corpus, tmp_path, "html", tables_too=True)])
    said = [f.message for f in report.findings if f.rule == "ST09"]
    assert len(said) == 1 and said[0].startswith("原文开头没有年报的标题"), said


# ---------------------------------------------------------------- files that cannot be read: exit code 2


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ('<p>附件：<a href="/u/2025nb.pdf?id=3">某县2025年度政府信息公开工作年度报告.pdf</a></p><p><a href="/list">返回</a></p>',
         "年报在附件「某县2025年度政府信息公开工作年度报告.pdf」中。请下载该附件"),
        ('<div id="app"></div><noscript>请启用脚本</noscript>', "内容由脚本加载的页面。请在浏览器中打开年报正文"),
        ("<ul><li><a href='/a/1.html'>2025年度政府信息公开工作年度报告</a></li><li>2025-01-15</li></ul>", "可能是列表页"),
    ],
)  # fmt: skip
def test_a_page_that_is_no_report_says_where_the_report_is(tmp_path: Path, body: str, says: str) -> None:
    (page := tmp_path / "page.html").write_text(
        f'<html><head><meta charset="utf-8"><title>政务公开</title></head><body><div id="zoom">{body}</div></body></html>',
        encoding="utf-8",
    )
    done = _cli("check", str(page))
    assert done.returncode == 2 and says in done.stdout.replace("\n", "")


@pytest.mark.parametrize("fmt", ("docx", "pdf"))
def test_a_document_that_is_no_report_is_refused_as_such(tmp_path: Path, fmt: str) -> None:
    """A notice sent instead of the report: not a report missing all its tables, but the wrong file."""
    path = documents.docx(
        ["关于召开政务公开工作会议的通知", "各单位：定于下周召开会议，请准时参加。"], tmp_path / "通知.docx"
    )
    if fmt == "pdf":
        (path,) = _as_pdf(tmp_path, path)
    done = _cli("check", str(path))
    assert done.returncode == 2 and "不像是政府信息公开工作年度报告" in done.stdout.replace("\n", "")


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "validator", *args], capture_output=True, text=True, env=env, timeout=120
    )


@pytest.mark.parametrize("fmt", ("docx", "html", "pdf"))
def test_clearing_marks_in_a_document_names_its_annotated_copy(corpus, tmp_path: Path, fmt: str) -> None:
    """`nianbao clear` on the published document itself: it holds no marks (its copy does), said with exit 2; the
    document is left as it was."""
    path = shutil.copy(_rendering(corpus, "defective", fmt), tmp_path / f"年报.{fmt}")
    before = Path(path).read_bytes()
    done = _cli("clear", str(path))
    assert done.returncode == 2, done.stderr
    assert (
        f"不是 Excel 工作簿，其中没有也不能写入校验标注。校验它生成的标注副本是「年报.{fmt}.校验.xlsx」" in done.stderr
    )
    assert "Traceback" not in done.stderr and Path(path).read_bytes() == before


def test_in_place_on_a_document_leaves_it_and_says_where_the_marks_went(corpus, tmp_path: Path) -> None:
    path = shutil.copy(_rendering(corpus, "defective", "docx"), tmp_path / "年报.docx")
    before = Path(path).read_bytes()
    done = _cli("check", str(path), "--in-place")
    assert done.returncode == 1, done.stderr
    assert "--in-place 只适用于 Excel 工作簿：原文件不是工作簿，未作改动，标注写在另存的标注副本中。" in done.stdout
    assert Path(path).read_bytes() == before and (tmp_path / "年报.docx.校验.xlsx").exists()


def test_image_only_pdf_is_unreadable(corpus, tmp_path: Path) -> None:
    """A scanned PDF (a page's picture, no text) is refused as a Word document or web page of scanned pages is, and a
    PDF of neither text nor pictures says so."""
    pdf = _rendering(corpus, "balanced", "pdf")
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    from PIL import Image

    (png,) = tmp_path.glob("page*.png")
    scan = tmp_path / "扫描件.pdf"
    Image.open(png).convert("RGB").save(scan)
    done = _cli("check", str(scan), "--format", "json")
    assert done.returncode == 2
    (result,) = json.loads(done.stdout)["results"]
    assert result["status"] == "unreadable" and result["error"] == PICTURES_ONLY.format(what="PDF 文件")
    blank = tmp_path / "空白.pdf"
    blank.write_bytes(documents._pdf_file([[]]))
    done = _cli("check", str(blank), "--format", "json")
    assert done.returncode == 2
    (result,) = json.loads(done.stdout)["results"]
    assert result["status"] == "unreadable" and result["error"] == NO_TEXT


_OPEN_PASSWORD = (
    'pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
    '"DocumentOpenPassword":{"type":"string","value":"1234"}}'
)


def test_a_pdf_with_an_open_password_is_said_to_be_encrypted(corpus, tmp_path: Path) -> None:
    """A PDF exported with an open password (Word's and WPS's 「用密码进行加密」) is not damaged: it is said to be
    encrypted, with what to do, as a workbook with an open password is (exit 2), and no exception's name is shown."""
    docx = shutil.copy(corpus["balanced"]["docx"], tmp_path / "加密.docx")
    (pdf_path,) = _as_pdf(tmp_path, Path(docx), export=_OPEN_PASSWORD)
    with pytest.raises(pdfplumber.utils.exceptions.PdfminerException):  # it needs the password indeed
        pdfplumber.open(pdf_path)
    done = _cli("check", str(pdf_path), "--format", "json", "--no-annotate")
    assert done.returncode == 2, done.stderr
    (result,) = json.loads(done.stdout)["results"]
    assert result["status"] == "unreadable" and result["source_format"] == "pdf"
    assert result["error"] == ENCRYPTED and "打开密码（已加密）" in result["error"]
    assert not re.search(r"[A-Za-z]+(Exception|Error|Incorrect)", result["error"])


def test_a_pdf_whose_tables_have_no_rules_is_said_unreadable_once(corpus, tmp_path: Path) -> None:
    """A Word report whose tables have no borders (无框线, as WPS's 公文 templates set them), exported to PDF: its
    numbers stand in columns but no table can be read. One notice says so and what to provide (exit 2, as for a
    scan), not one 「缺失」 per table block; the Word file itself is read."""

    def borderless(xml: bytes) -> bytes:
        return xml.replace(b'w:val="single"', b'w:val="nil"')

    docx = repack(corpus["balanced"]["docx"], tmp_path / "无框线.docx", edit_part("word/document.xml", borderless))
    (pdf_path,) = _as_pdf(tmp_path, docx)
    with pdfplumber.open(pdf_path) as pdf:  # no rules, but the numbers are printed
        assert not any(page.edges or page.find_tables() for page in pdf.pages)
        assert sum(ch["text"].isdigit() for page in pdf.pages for ch in page.chars) > 100
    done = _cli("check", str(pdf_path), "--format", "json", "--no-annotate")
    assert done.returncode == 2, done.stdout + done.stderr
    (result,) = json.loads(done.stdout)["results"]
    assert result["status"] == "unreadable" and result["error"] == NO_RULES
    assert _findings(docx) == _findings(corpus["balanced"]["docx"])


def test_table_two_printed_without_rules_in_a_pdf_is_said_once_at_its_heading(corpus, tmp_path: Path) -> None:
    """A Word report whose 表二 has no borders (its four tables), 表三 and 表四 ruled, exported to PDF: 表三 and 表四
    are read, and one ST01 at 表二's heading says its numbers stand in columns without rules and what to provide
    (before: four findings, one per block, saying only that the heading had no table under it)."""

    def unruled_table_two(xml: bytes) -> bytes:
        blocks = list(re.finditer(rb"<w:tbl>.*?</w:tbl>", xml, re.S))[:4]  # 表二's, the report's first tables
        for block in reversed(blocks):
            xml = xml[: block.start()] + block[0].replace(b'w:val="single"', b'w:val="nil"') + xml[block.end() :]
        return xml

    docx = repack(
        corpus["balanced"]["docx"], tmp_path / "表二无框线.docx", edit_part("word/document.xml", unruled_table_two)
    )
    (pdf_path,) = _as_pdf(tmp_path, docx)
    (report,) = check_paths([pdf_path])
    assert report.error is None
    (missing,) = [f for f in report.findings if f.rule == "ST01"]
    assert missing.message.startswith(
        "表二无法读取：标题「二、主动公开政府信息情况」下的数字按列排开，但没有表格线（框线），无法还原成表格、读取其中的数字，"
        "相关勾稽关系未校验。请提供 Word 或网页版本，或在 Word/WPS 中给该表加上框线后重新导出 PDF，再校验。"
    )
    assert missing.cell is not None and "正文第" in missing.message  # at the heading
    assert report.values["t3.disclosed.business"] == VALUES["t3.disclosed.business"]


def _word_97(docx: Path, folder: Path) -> Path:
    """The .doc LibreOffice saves of `docx` (the test is skipped without LibreOffice)."""
    if not SOFFICE:
        pytest.skip("LibreOffice is needed to make a .doc")
    profile = (folder / "lo").as_uri()
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "doc", "--outdir", str(folder),
         str(docx)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return folder / docx.with_suffix(".doc").name


def test_word_97_without_libreoffice_says_how_to_save_as_docx(corpus, tmp_path: Path) -> None:
    doc = _word_97(corpus["balanced"]["docx"], tmp_path)
    env = {**os.environ, "PATH": str(Path(sys.executable).parent)}  # soffice cannot be found
    done = _cli("check", str(doc), "--format", "json", env=env)
    assert done.returncode == 2
    (result,) = json.loads(done.stdout)["results"]
    assert LEGACY_WORD in result["error"] and result["source_format"] == "doc"  # what it is, though not read


def test_word_97_is_converted_by_libreoffice(corpus, tmp_path: Path) -> None:
    doc = _word_97(corpus["defective"]["docx"], tmp_path)
    (report,) = check_paths([doc])
    assert report.source_format == "doc"
    assert _findings(doc) == _findings(corpus["defective"]["xlsx"])


def _other_word(fmt: str, report: str, corpus, folder: Path) -> Path:
    """The report as an OA system, WPS or LibreOffice saves a Word document in another format: RTF named .doc (as
    「导出Word」 names it), OpenDocument text (.odt), or Word 2003 XML named .doc."""
    if fmt == "wordxml":
        parts = documents.segments(load(corpus[report]["xlsx"]).grid.sheets[0])
        return documents.word_2003_xml(parts, folder / "年报xml.doc")
    if not SOFFICE:
        pytest.skip(f"LibreOffice is needed to make a .{fmt}")
    profile = (folder / "lo").as_uri()
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", fmt, "--outdir", str(folder),
         str(corpus[report]["docx"])],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    made = folder / corpus[report]["docx"].with_suffix(f".{fmt}").name
    return made.rename(folder / "年报rtf.doc") if fmt == "rtf" else made


@pytest.mark.parametrize("fmt", list(WORD_FORMATS))
def test_word_documents_in_other_formats_are_converted_by_libreoffice(corpus, tmp_path: Path, fmt: str) -> None:
    """RTF, OpenDocument text and Word 2003 XML are Word documents, not text files or spreadsheets: read as a .doc
    is (LibreOffice converts them), whatever their name, with the findings of the same report."""
    if not SOFFICE:
        pytest.skip("LibreOffice is needed to convert them")
    path = _other_word(fmt, "defective", corpus, tmp_path)
    (report,) = check_paths([path])
    assert report.error is None and report.source_format == fmt
    assert _findings(path) == _findings(corpus["defective"]["xlsx"])


@pytest.mark.parametrize("fmt", list(WORD_FORMATS))
def test_word_documents_in_other_formats_without_libreoffice_say_how_to_save_as_docx(
    corpus, tmp_path: Path, fmt: str
) -> None:
    """Without LibreOffice: the format is named as a Word document's, with how to save it as .docx (exit 2), never
    「文本文件（如 CSV）」 or an Excel workbook."""
    path = _other_word(fmt, "balanced", corpus, tmp_path)
    env = {**os.environ, "PATH": str(Path(sys.executable).parent)}  # soffice cannot be found
    env.pop("NIANBAO_SOFFICE", None)
    done = _cli("check", str(path), "--format", "json", "--no-annotate", env=env)
    assert done.returncode == 2, done.stdout + done.stderr
    (result,) = json.loads(done.stdout)["results"]
    assert result["error"] == OTHER_WORD.format(what=WORD_FORMATS[fmt]) and result["source_format"] == fmt
    assert "另存为”Word 文档（*.docx）" in result["error"] and "CSV" not in result["error"]


def test_ofd_is_not_supported_yet(tmp_path: Path) -> None:
    ofd = tmp_path / "年报.ofd"
    with zipfile.ZipFile(ofd, "w") as zf:
        zf.writestr("OFD.xml", '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>')
    done = _cli("check", str(ofd), "--format", "json")
    assert done.returncode == 2
    (result,) = json.loads(done.stdout)["results"]
    assert OFD_UNSUPPORTED in result["error"] and result["source_format"] == "ofd"


def test_a_folder_of_documents_is_checked_with_each_format_named(corpus, tmp_path: Path) -> None:
    for fmt in ("html", "docx"):
        shutil.copy(corpus["balanced"][fmt], tmp_path / f"balanced.{fmt}")
    done = _cli("check", str(tmp_path), "--format", "json", "--no-annotate")
    results = json.loads(done.stdout)["results"]
    assert sorted(r["source_format"] for r in results) == ["docx", "html"]


# ---------------------------------------------------------------- conversion into the official workbook


def _equations(path: Path) -> list[tuple]:
    (report,) = check_paths([path])
    return sorted((f.rule, f.key, f.expected, f.actual) for f in report.findings if f.rule.startswith("EQ"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_import_writes_the_official_workbook(corpus, tmp_path: Path, fmt: str) -> None:
    source = _rendering(corpus, "defective", fmt)
    done = _cli("import", str(source), "-o", str(tmp_path))
    assert done.returncode == 0, done.stderr
    (target,) = tmp_path.glob("*.xlsx")
    wb = openpyxl.load_workbook(target)
    assert wb["表三"].cell(*_slot("t3.new.natural")).value == "39件"  # raw text kept: TY04 comes back
    assert wb["封面"].cell(*_slot("agency_name")).value == "某机关"  # from the title: the report has no cover
    assert wb["封面"].cell(*_slot("report_year")).value == 2025
    (report,) = check_paths([target])
    assert {("TY04", "t3.new.natural"), ("TY03", "t2_5.licensing.decisions")} <= {
        (f.rule, f.key) for f in report.findings
    }
    assert _equations(target) == _equations(source)
    assert "未能放入模板" not in done.stdout


def test_import_of_reports_of_one_name_writes_each_apart(corpus, tmp_path: Path) -> None:
    """Two agencies' 年报.html from two folders, and a 年报.docx beside one: each becomes its own workbook, none is
    overwritten by another (the second 年报.html was written over the first)."""
    page = _rendering(corpus, "balanced", "html").read_bytes()
    sources = {"东镇": "东镇人民政府", "西镇": "西镇人民政府"}
    for folder, agency in sources.items():
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "年报.html").write_bytes(page.replace("某机关".encode(), agency.encode()))
    shutil.copy(_rendering(corpus, "balanced", "docx"), tmp_path / "东镇" / "年报.docx")
    out = tmp_path / "out"
    done = _cli("import", str(tmp_path / "东镇"), str(tmp_path / "西镇"), "-o", str(out))
    assert done.returncode == 0, done.stderr
    written = {p.name: openpyxl.load_workbook(p)["封面"].cell(*_slot("agency_name")).value for p in out.glob("*.xlsx")}
    assert written == {"年报.docx.xlsx": "某机关", "年报.html.xlsx": "东镇人民政府", "年报~2.html.xlsx": "西镇人民政府"}


# A site's metadata after the report: a document number and dates, no numbers of the report.
CHROME = (
    "<table><tr><td>索引号：000014349/2026-00012</td><td>2026-01-15</td><td>2026年1月15日</td></tr></table>".encode()
)


def test_import_lists_numbers_it_could_not_place(corpus, tmp_path: Path) -> None:
    page = tmp_path / "extra.html"
    page.write_bytes(
        corpus["balanced"]["html"]
        .read_bytes()
        .replace(
            b'</div><div class="footer">',
            b"<table><tr><td>7</td></tr></table>" + CHROME + b'</div><div class="footer">',
        )
    )
    done = _cli("import", str(page), "-o", str(tmp_path / "out"))
    assert "1 个数字未能放入模板" in done.stdout and "第1列：7" in done.stdout  # no date, no document number


def test_import_says_which_text_under_the_table_sections_it_could_not_carry(tmp_path: Path) -> None:
    """The official workbook has no place for text under 二、三、四: each paragraph is named with its place, never
    dropped silently; checking the page compares it with the tables all the same."""
    sentence = f"本年度发生政府信息公开行政复议案件{VALUES['t4.cases.review.total'] + 2}件。"
    values = {k: v for k, v in VALUES.items() if v is not None}
    parts = documents.segments(
        load(published(tmp_path / "r.xlsx", values, paragraphs={"表四": (sentence,)})).grid.sheets[0]
    )
    (page := tmp_path / "r.html").write_bytes(documents.clean_html(parts))
    done = _cli("import", str(page), "-o", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    said = next(i for i, line in enumerate(lines) if "未写入转换结果" in line)
    assert "「正文」表只有一、五、六三部分" in lines[said] and "「一、总体情况」" in lines[said]
    (report,) = check_paths([page])
    (stated,) = [f for f in report.findings if f.rule == "TT04"]  # the page itself: compared with 表四
    where = report.place(stated.cell).phrase()
    assert where.startswith("正文第")
    assert lines[said + 1].strip() == f"「四、政府信息公开行政复议、行政诉讼情况」之下（{where}）：{sentence}"


def test_check_of_a_page_writes_the_converted_and_annotated_workbook(corpus, tmp_path: Path) -> None:
    page = shutil.copy(corpus["defective"]["html"], tmp_path / "年报.html")
    before = Path(page).read_bytes()
    done = _cli("check", str(page))
    assert done.returncode == 1
    copy = openpyxl.load_workbook(tmp_path / "年报.html.校验.xlsx")
    assert {"校验结果", "表三"} <= set(copy.sheetnames)
    assert Path(page).read_bytes() == before


def _slot(key: str) -> tuple[int, int]:
    from validator.forms.layout import template_layout
    from validator.spec import default_template

    return next((s.row, s.col) for sheet in template_layout(default_template()) for s in sheet.slots if s.key == key)


def test_batch_takes_every_format_in_folders_and_zips(corpus, tmp_path: Path) -> None:
    inbox = tmp_path / "收到"
    inbox.mkdir()
    for fmt in ("html", "docx", "pdf"):
        shutil.copy(_rendering(corpus, "defective", fmt), inbox / f"defective.{fmt}")
    with zipfile.ZipFile(tmp_path / "网页.zip", "w") as zf:
        zf.write(corpus["balanced"]["word.html"], "balanced.htm")
    done = _cli("batch", str(inbox), str(tmp_path / "网页.zip"), "--out", str(tmp_path / "out"))
    assert done.returncode == 1, done.stderr
    docs = [json.loads(line) for line in (tmp_path / "out" / "results.jsonl").read_text("utf-8").splitlines()]
    assert sorted(d["source_format"] for d in docs) == ["docx", "html", "html", "pdf"]
    rows = list(csv.DictReader((tmp_path / "out" / "results.csv").read_text("utf-8-sig").splitlines()))
    assert {r["格式"] for r in rows} == {"网页", "Word 文档", "PDF"}
    assert any(r["位置"].startswith("第") and "表三" in r["位置"] for r in rows if r["文件"].endswith(".pdf"))
    copies = list((tmp_path / "out").rglob("*.校验.xlsx"))
    assert sorted(c.name for c in copies) == [
        "balanced.htm.校验.xlsx", "defective.docx.校验.xlsx", "defective.html.校验.xlsx", "defective.pdf.校验.xlsx"
    ]  # fmt: skip


def test_one_agency_s_report_published_twice_is_one_agency_in_the_batch(corpus, tmp_path: Path) -> None:
    """The same report from the agency's site (a TRS page) and from the portal (a Word file): one agency, so the
    second is named as a further report of it (XY03) and 全区合计 sums one of them."""
    parts = _parts(corpus, "balanced")
    inbox = tmp_path / "收到"
    inbox.mkdir()
    (inbox / "部门网站.html").write_bytes(_trs_page(parts))
    documents.docx(["某县人民政府办公室2025年度政府信息公开工作年度报告", *parts[1:]], inbox / "门户网站.docx")
    done = _cli("batch", str(inbox), "--out", str(tmp_path / "out"), "--jobs", "1", "--no-annotate")
    assert done.returncode == 0, done.stdout + done.stderr
    docs = [json.loads(line) for line in (tmp_path / "out" / "results.jsonl").read_text("utf-8").splitlines()]
    assert {d["agency"]["agency_name"] for d in docs} == {"某县人民政府办公室"}
    assert [f["rule"] for d in docs for f in d["findings"]].count("XY03") >= 1
    rows = list(csv.DictReader((tmp_path / "out" / "results.csv").read_text("utf-8-sig").splitlines()))
    assert {r["位置"] for r in rows if r["规则"] == "XY03"} == {"整份年报"}  # a document has no workbook
    totals = openpyxl.load_workbook(tmp_path / "out" / "汇总.xlsx")["全区合计"]
    assert totals["A2"].value.startswith("纳入合计：1 份")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_blank_cell_is_named_where_it_is_missing(corpus, fmt: str) -> None:
    (report,) = check_paths([_rendering(corpus, "defective", fmt)])
    (result,) = results_document([report])["results"]
    blank = [f for f in result["findings"] if f["key"] == "t3.carried_in.total"]
    assert {f["rule"] for f in blank} >= {"TY01", "EQ01"}
    for f in blank:
        assert f["place"].endswith("表三 第5行「二、上年结转政府信息公开申请数量」「总计」列")
        assert f["source"] == result["sources"]["t3.carried_in.total"]


CELL_ADDRESS = re.compile(r"(?<![A-Za-z0-9])[A-Z]{1,3}[1-9][0-9]*(?![A-Za-z0-9])")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("report", ("defective", "reference"))
def test_messages_name_tables_and_labels_not_cells_the_document_has_not(corpus, report: str, fmt: str) -> None:
    """The sheet a document is read into exists only inside the tool: its name and cell addresses are not shown."""
    path = _rendering(corpus, report, fmt)
    (checked,) = check_paths([path])
    shown = _cli("check", str(path), "--no-annotate").stdout.replace(str(path), "")
    for text in [f.message for f in checked.findings] + [shown]:
        assert "原文!" not in text and "原文 " not in text and not CELL_ADDRESS.search(text), text
    if report == "defective":
        summary = checked.in_words(checked.localisation.summary()[0])
        assert "应将 表三「二、上年结转政府信息公开申请数量」「总计」（未填数字）改为 " in summary


def test_quoted_report_text_that_looks_like_an_address_stays() -> None:
    place = Place("html", table=1, row=2, column=3, table_name="表二", row_label="行政许可", column_label="本年")
    text = "原文 C5「行政许可 / 本年」填了「C5项目」。应将 C5 由 1 改为 2。"
    assert in_document_words(text, "原文", {"C5": place}.get, "表二") == (
        "表二「行政许可 / 本年」填了「C5项目」。应将 表二「行政许可」「本年」 由 1 改为 2。"
    )


_RELATED = '<h3>相关文章</h3><ul><li><a href="a.html">某某县2023年政府信息公开工作年度报告</a></li></ul>'
PAGERS = {  # the pager as the page writes it, and what the message says of it ("": no pager of the article)
    "none": ("", ""),
    "links": ('<span>1</span> <a href="./t2_2.html">2</a> <a href="./t2_2.html">下一页</a> 第1页 共2页', "共 2 页"),
    "trs": ('<div id="page_div"></div><script>createPageHTML(3, 0, "t20250120_4521", "html");</script>', "共 3 页"),
    "script": (
        '<span>共3页</span> <a href="javascript:;">首页</a> <a href="javascript:;">上一页</a> '
        '<a href="javascript:goPage(2)">下一页</a> <a href="javascript:goPage(3)">尾页</a>',
        "共 3 页",
    ),
    "last page": (
        '<a href="t.html">首页</a> <a href="t_1.html">上一页</a> <a href="t.html">1</a> <span>2</span>',
        "分为多页",
    ),
    "one page": ('共1页 <a href="t.html">下一页</a>', ""),
    "browser back": ('【<a href="javascript:history.back()">上一页</a>】', ""),
    "related list": (f'<div class="xgwz">{_RELATED}<div>共5页 <a href="list_2.html">下一页</a></div></div>', ""),
}


@pytest.mark.parametrize("root", ("content root", "whole page"))
@pytest.mark.parametrize("pager", PAGERS)
def test_a_web_page_shown_in_several_pages_says_the_rest_is_on_other_pages(
    corpus, tmp_path: Path, pager: str, root: str
) -> None:
    """A CMS cuts a long report into pages linked by 下一页 (by script too, or by TRS's createPageHTML; the last page
    links only back): the first page ends before 四. What it lacks is said to be on the other pages, with how to get
    the whole report, instead of asking the agency to add it. A list's pager (相关文章) turns no page of the report,
    on a page with a content root or without one."""
    parts = _parts(corpus, "balanced")
    cut = next(i for i, p in enumerate(parts) if isinstance(p, str) and p.startswith("四、"))
    html, paged = PAGERS[pager]
    page = documents.clean_html(parts[:cut]).replace(
        b'</div><div class="footer">', f'<div>{html}</div></div><div class="footer">'.encode()
    )
    if root == "whole page":
        page = page.replace(b'<div id="zoom">', b"<div>")
    (path := tmp_path / "paged.html").write_bytes(page)
    (report,) = check_paths([path])
    missing = {f.rule: f.message for f in report.findings if f.rule in ("ST01", "ST09")}
    assert set(missing) == {"ST01", "ST09"}, report.findings
    for message in missing.values():
        if paged:
            assert f"网页分页显示（{paged}），只读取了保存的这一页" in message and "请按官方格式补上" not in message
        else:
            assert "网页分页显示" not in message and "请按官方格式补上" in message


@pytest.mark.parametrize("fmt", ("html", "docx"))
def test_a_section_heading_written_otherwise_is_named_in_the_documents_words(corpus, tmp_path: Path, fmt: str) -> None:
    """The sheet a document is read into («原文») is the tool's own: a heading written otherwise is the section
    heading before the table, not the title of a sheet the user never saw."""
    parts = ["二、主动公开政府信息" if p == "二、主动公开政府信息情况" else p for p in _parts(corpus, "balanced")]
    (report,) = check_paths([_published_as(parts, tmp_path / "heading", fmt)])
    (finding,) = [f for f in report.findings if f.rule == "ST04"]
    assert finding.message.startswith(
        "表二前的章节标题「二、主动公开政府信息」与官方的「二、主动公开政府信息情况」不一致。请改为官方写法。"
    )
    assert "原文" not in finding.message.replace("原文位置", "")


def _label_over_the_first_number(parts: list, label: str) -> None:
    """The row's label merged one column further, over the row's first number (gone), as a page whose span overflows
    into the next cell shows it: the reader leaves that cell blank, covered by the label."""
    table = next(p for p in parts if isinstance(p, documents.Tbl) and label in p.cells.values())
    (r, c), *_ = [k for k, v in table.cells.items() if v == label]
    top, left, bottom, right = next(m for m in table.merges if m[:2] == (r, c))
    table.merges[table.merges.index((top, left, bottom, right))] = (top, left, bottom, right + 1)
    del table.cells[(r, right + 1)]
    table.covered.add((r, right + 1))


@pytest.mark.parametrize("fmt", ("html", "docx"))
def test_a_number_covered_by_a_label_is_named_in_the_table_not_by_an_address(tmp_path: Path, fmt: str) -> None:
    xlsx = published(tmp_path / "report.xlsx", {k: v for k, v in VALUES.items() if v is not None})
    parts = documents.segments(load(xlsx).grid.sheets[0])
    _label_over_the_first_number(parts, "四、结转下年度继续办理")
    path = _published_as(parts, tmp_path / "overflowing", fmt)
    (report,) = check_paths([path])
    (blank,) = [f for f in report.findings if f.rule == "TY01"]
    place = "表三 第28行「四、结转下年度继续办理」「自然人」列"
    assert report.where(blank) == place and blank.message.endswith(f"（原文位置：{place}）")
    shown = _cli("check", str(path), "--no-annotate").stdout.replace(str(path), "")
    assert "应将 表三「四、结转下年度继续办理」「自然人」（未填数字）改为 " in shown
    assert "原文" not in shown.replace("原文位置", "") and not CELL_ADDRESS.search(shown), shown


def test_a_number_the_reader_added_right_of_a_row_is_named_by_the_cell_before_it() -> None:
    from validator.findings import place_of

    near = Place("html", None, 2, 28, 9, table_name="表三", row_label="四", column_label="其他")
    origins = {("原文", 59, 9): near, ("原文", 60, 1): Place("html", paragraph=3)}
    assert place_of(origins, CellRef("原文", 59, 11)).short() == "表三「四」第11列"
    assert place_of(origins, CellRef("原文", 60, 4)) is None  # past a paragraph: no place in a table


def test_a_header_the_table_repeats_is_named_with_its_group(corpus) -> None:
    """表四 has 总计 (and 结果维持…) under 行政复议 and under both kinds of 行政诉讼: the group tells them apart."""
    (report,) = check_paths([_rendering(corpus, "defective", "html")])
    cells = report.sources
    assert cells["t4.cases.review.total"].short() == "表四第4行「行政复议」「总计」"
    assert cells["t4.cases.after_review.upheld"].phrase() == "表四 第4行「复议后起诉」「结果维持」列"
    assert cells["t3.disclosed.business"].short() == "表三「（一）予以公开」「商业企业」"  # unique: no group


def _edited_page(corpus, tmp_path: Path, *edits: tuple[str, str]) -> Path:
    page = documents.clean_html(_parts(corpus, "balanced")).decode("utf-8")
    for old, new in edits:
        assert old in page, old
        page = page.replace(old, new, 1)
    (path := tmp_path / "edited.html").write_text(page, encoding="utf-8")
    return path


def test_structure_findings_of_a_document_name_its_tables_and_rows_as_published(corpus, tmp_path: Path) -> None:
    path = _edited_page(
        corpus,
        tmp_path,
        (">3.危及“三安全一稳定”<", ">补充统计<"),  # no official row: ST05, and the official one is missing: ST02
        (">4.保护第三方合法权益<", ">4.保护第三方合法权<"),  # misspelt: ST04
    )
    (report,) = check_paths([path])
    (result,) = results_document([report])["results"]
    by_rule = {f["rule"]: f for f in result["findings"] if f["rule"].startswith("ST")}
    assert by_rule["ST02"]["place"] == "表三" and by_rule["ST02"]["message"].startswith("表三缺少「3.危及")
    extra = by_rule["ST05"]
    assert extra["message"].startswith(f"表三第{extra['source']['row']}行「补充统计」不是官方格式中的行")
    assert by_rule["ST04"]["message"].startswith("表三「4.保护第三方合法权」与官方行标签")
    shown = _cli("check", str(path), "--no-annotate").stdout
    assert "整个工作簿" not in shown and "（原文）" not in shown
    imported = _cli("import", str(path), "-o", str(tmp_path / "out")).stdout
    assert "结构问题：表三「4.保护第三方合法权」与官方行标签" in imported and "（原文）" not in imported


def test_a_label_of_a_superseded_format_is_named_where_it_is(corpus, tmp_path: Path) -> None:
    path = _edited_page(corpus, tmp_path, (">本年制发件数<", ">上一年项目数量<"))
    (report,) = check_paths([path])
    (old,) = [f for f in report.findings if f.rule == "ST07"]
    assert report.where(old).startswith("表二 第") and report.where(old).endswith("「上一年项目数量」第2列")


def test_the_copy_of_a_document_lists_what_its_check_found(corpus, tmp_path: Path) -> None:
    """The copy is the report converted to the official workbook; its results are the document's, not those of the
    converted workbook (whose cover, which a published report has not, is blank)."""
    page = shutil.copy(_rendering(corpus, "defective", "html"), tmp_path / "年报.html")
    (report,) = check_paths([Path(page)])
    done = _cli("check", str(page), "--out", str(tmp_path / "copies"))
    copy = openpyxl.load_workbook(tmp_path / "copies" / "年报.html.校验.xlsx")
    lines = [row[0] for row in copy["校验结果"].iter_rows(values_only=True) if row and row[0]]
    counts = next(line for line in done.stdout.splitlines() if line.startswith(str(page)))
    assert "文件：年报.html" in lines and f"结果：{counts.split('：', 1)[1]}" in lines
    listed = [row for row in copy["校验结果"].iter_rows(values_only=True) if row and isinstance(row[0], int)]
    findings = listed[: len(report.findings)]
    assert sorted(row[1] for row in findings) == sorted(f.rule for f in report.findings)
    assert "TX01" not in {row[1] for row in findings}
    blank = next(row for row in findings if row[1] == "TY01")
    assert blank[3] == f"表三!{CellRef('', *_slot('t3.carried_in.total')).coordinate}"  # marked in the workbook
