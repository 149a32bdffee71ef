"""What a PDF prints on its pages besides the report: running headers and footers and page numbers, footnotes and
their marks, and a table printed wider than the page.

Each case starts from the balanced report laid out as published (builders.published), printed from a Word file
(documents.docx) to PDF by LibreOffice, its tables running over several pages: the report gets the findings of the
same report on one sheet, or, for a table cut off by the page's edge, a finding that says so.
"""

from __future__ import annotations

import re
from pathlib import Path

import documents
import pdfplumber
import pytest
from builders import published
from packages import edit_part, repack
from test_import import _as_pdf, _findings
from test_structure import VALUES

from validator import check_paths
from validator.sources.formats import load_file
from validator.sources.xlsx import load

AGENCY = "某县市场监督管理局"


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[list, list[tuple]]:
    """The balanced report's parts as published under its agency's title, and the findings of it on one sheet."""
    title = f"{AGENCY}2025年度政府信息公开工作年度报告"
    xlsx = published(tmp_path_factory.mktemp("pages") / "balanced.xlsx", VALUES, title=title)
    return documents.segments(load(xlsx).grid.sheets[0]), _findings(xlsx)


RUNNING = {  # (header, footer) on every page
    "第几页共几页": ("", "第 {PAGE} 页 共 {NUMPAGES} 页"),
    "几/几页": ("", "{PAGE} / {NUMPAGES} 页"),
    "共几页第几页": ("", "共{NUMPAGES}页 第{PAGE}页"),
    "页眉是标题": (f"{AGENCY}2025年度政府信息公开工作年度报告", ""),
    "页眉是单位": (AGENCY, ""),
    "页眉是年报名称": ("政府信息公开工作年度报告", "- {PAGE} -"),
    "页眉带页码": (f"{AGENCY} 第{{PAGE}}页", ""),
}


def test_running_headers_and_footers_do_not_part_a_table_continued_on_the_next_page(report, tmp_path: Path) -> None:
    """A header or footer printed on every page (the report's title, the agency, a page number in any common form)
    stands between a table's part at the foot of one page and its part on top of the next: it is no text of the
    report, and the parts read as one table (the title on the first page is still the report's title)."""
    parts, expected = report
    docs = [
        documents.docx(parts, tmp_path / f"running{n}.docx", header=header, footer=footer)
        for n, (header, footer) in enumerate(RUNNING.values())
    ]
    for case, pdf_path in zip(RUNNING, _as_pdf(tmp_path, *docs)):
        printed = [_printed(text) for text in RUNNING[case] if text]
        with pdfplumber.open(pdf_path) as pdf:  # printed on every page, a table running over several
            assert len(pdf.pages) >= 4
            texts = [re.sub(r"\s", "", page.extract_text()) for page in pdf.pages]
            assert all(words.search(text) for words in printed for text in texts), case
        assert _findings(pdf_path) == expected, case


def _printed(text: str) -> re.Pattern:
    """A header's or footer's text as printed: its fields as numbers, without spaces."""
    return re.compile(re.escape(re.sub(r"\s", "", text)).replace(r"\{PAGE\}", r"\d+").replace(r"\{NUMPAGES\}", r"\d+"))


def _table_three(parts: list) -> documents.Tbl:
    return next(p for p in parts if isinstance(p, documents.Tbl) and p.cols == 10)


def test_a_footnote_mark_in_a_cell_is_no_digit_and_the_footnote_does_not_part_the_table(report, tmp_path: Path) -> None:
    """A footnote's mark printed raised and small after a number ("39¹") or a label ("（七）总计²") is no part of
    it, and the footnote printed at the page's foot, under the table's part on that page, does not part the table
    from its part on the next page."""
    parts, expected = report
    table = _table_three(parts)
    noted = documents.Tbl(dict(table.cells), table.merges, table.rows, table.cols, table.covered)
    first = min((rc for rc, text in table.cells.items() if text.isdigit()), key=lambda rc: rc)
    total = next(rc for rc, text in table.cells.items() if text == "（七）总计")
    noted.cells[first] += "[^1]"
    noted.cells[total] += "[^2]"
    notes = {1: "含网上申请21件。", 2: "总计为第（一）至第（六）项之和。"}
    docx = documents.docx([noted if p is table else p for p in parts], tmp_path / "noted.docx", footnotes=notes)
    (pdf_path,) = _as_pdf(tmp_path, docx)
    with pdfplumber.open(pdf_path) as pdf:  # the mark is printed small, and the first note on a page the table goes on
        assert any(ch["size"] < 8 and ch["text"] == "1" for page in pdf.pages for ch in page.chars)
        noted_on = next(n for n, page in enumerate(pdf.pages) if "含网上申请21件" in (page.extract_text() or ""))
        assert pdf.pages[noted_on + 1].find_tables()[0].bbox[1] < 80
    assert _findings(pdf_path) == expected


def test_a_footnote_is_read_in_the_word_file_as_in_its_pdf(report, tmp_path: Path) -> None:
    """A footnote is text of the report: the Word file reads it after the table that refers to it, as the PDF reader
    reads it at the page's foot under the table, so both say the same of it. A note naming a part of the table's
    total ("含通过信函收到的申请3件") states no total; a note stating another total than the table's is warned of in
    the table's section, in both."""
    parts, expected = report
    table = _table_three(parts)
    noted = documents.Tbl(dict(table.cells), table.merges, table.rows, table.cols, table.covered)
    first = min(rc for rc, text in table.cells.items() if text.isdigit())
    total = next(rc for rc, text in table.cells.items() if text == "（七）总计")
    noted.cells[first] += "[^1]"
    noted.cells[total] += "[^2]"
    stated_new = VALUES["t3.new.total"] - 1
    notes = {1: "含通过信函收到的申请3件。", 2: f"本年度共收到政府信息公开申请{stated_new}件。"}
    docx = documents.docx([noted if p is table else p for p in parts], tmp_path / "notes.docx", footnotes=notes)
    (pdf_path,) = _as_pdf(tmp_path, docx)
    warned = ("TT01", "warning", None, float(VALUES["t3.new.total"]), float(stated_new))
    assert _findings(docx) == _findings(pdf_path) == sorted([*expected, warned])
    for path in (docx, pdf_path):
        (result,) = check_paths([path])
        (finding,) = [f for f in result.findings if f.rule == "TT01"]
        assert "「三、收到和处理政府信息公开申请情况」" in finding.message, path


def _endnoted(parts: list, stated: int, path: Path, at: str = "") -> Path:
    """The report as a Word file whose 表三 total refers to an endnote stating `stated` new applications; with `at`
    (sectEnd) its endnotes are printed at each section's end, and section 三 ends before 四."""
    table = _table_three(parts)
    noted = documents.Tbl(dict(table.cells), table.merges, table.rows, table.cols, table.covered)
    total = next(rc for rc, text in table.cells.items() if text == "（七）总计")
    noted.cells[total] += "[^e1]"
    ended = [noted if p is table else p for p in parts]
    if at:
        four = next(i for i, p in enumerate(ended) if isinstance(p, str) and p.startswith("四、"))
        ended[four:four] = [documents.SectionBreak()]
    notes = {1: f"本年度共收到政府信息公开申请{stated}件。"}
    return documents.docx(ended, path, endnotes=notes, endnotes_at=at)


def test_an_endnote_is_read_in_the_word_file_as_in_its_pdf(report, tmp_path: Path) -> None:
    """An endnote is text of the report, printed at the document's end (Word's default): the Word file reads it
    there, as the PDF reader reads the printed text, so both say the same of it. A note stating another total than
    the table's is warned of in the section it is printed in (the last)."""
    parts, expected = report
    stated_new = VALUES["t3.new.total"] - 1
    docx = _endnoted(parts, stated_new, tmp_path / "endnotes.docx")
    (pdf_path,) = _as_pdf(tmp_path, docx)
    with pdfplumber.open(pdf_path) as pdf:  # printed after the last section's text
        text = "".join(page.extract_text() or "" for page in pdf.pages)
        assert text.index(f"申请{stated_new}件") > text.index("六、其他需要报告的事项")
    # a paragraph of 六's text (after its first), so the finding has its key
    warned = ("TT01", "warning", "other_matters", float(VALUES["t3.new.total"]), float(stated_new))
    assert _findings(docx) == _findings(pdf_path) == sorted([*expected, warned])
    for path in (docx, pdf_path):
        (result,) = check_paths([path])
        (finding,) = [f for f in result.findings if f.rule == "TT01"]
        assert "「六、其他需要报告的事项」" in finding.message, path


def test_an_endnote_printed_at_its_sections_end_is_read_there(report, tmp_path: Path) -> None:
    """A document whose settings print endnotes at each section's end (w:endnotePr/w:pos「sectEnd」): Word prints
    the note after the section referring to it (三, before 四), and the Word file reads it there; its contradiction
    with the table is warned of in that section. (LibreOffice prints endnotes at the document's end whatever the
    setting, so no PDF of it shows Word's print.)"""
    parts, expected = report
    stated_new = VALUES["t3.new.total"] - 1
    docx = _endnoted(parts, stated_new, tmp_path / "sections.docx", at="sectEnd")
    sheet = load_file(docx).grid.sheets[0]
    column = sorted((r, v) for (r, c), v in sheet.cells.items() if c == 1 and isinstance(v, str))
    rows = {v: r for r, v in column}
    noted = next(r for r, v in column if f"申请{stated_new}件" in v)
    four = rows["四、政府信息公开行政复议、行政诉讼情况"]
    assert rows["三、收到和处理政府信息公开申请情况"] < noted < four
    warned = ("TT01", "warning", None, float(VALUES["t3.new.total"]), float(stated_new))
    assert _findings(docx) == sorted([*expected, warned])
    (result,) = check_paths([docx])
    (finding,) = [f for f in result.findings if f.rule == "TT01"]
    assert "「三、收到和处理政府信息公开申请情况」" in finding.message


def test_a_table_wider_than_the_page_is_said_to_run_off_its_edge(report, tmp_path: Path) -> None:
    """A report exported to a portrait PDF with 表四 wider than the page: its last columns are not printed. They are
    said missing because the table runs off the page's edge, with what to provide instead, not to be added."""
    parts, _ = report
    docx = documents.docx(parts, tmp_path / "portrait.docx", font_pt=12, portrait=True)
    (pdf_path,) = _as_pdf(tmp_path, docx)
    with pdfplumber.open(pdf_path) as pdf:  # a table reaches the page's right edge
        assert any(t.bbox[2] >= page.width - 1 for page in pdf.pages for t in page.find_tables())
    (result,) = check_paths([pdf_path])
    missing = [f for f in result.findings if f.rule == "ST03"]
    assert missing and {f.rule for f in result.findings} == {"ST03"}
    for finding in missing:
        assert "表格超出了 PDF 页面的边缘" in finding.message and "请提供 Word 或网页版本" in finding.message
        assert "请按官方格式补上" not in finding.message


_TRACKED = re.compile(rb"@@(\d+)")  # a number typed over a deleted one, where _tracked puts the revision marks


def _tracked(xml: bytes) -> bytes:
    """The document with each 「@@n」 a tracked revision: 「n+2」 deleted and 「n」 inserted in its place (as an
    edited draft holds them), the run around it split."""
    author = b'w:author="Zhang San" w:date="2026-01-10T00:00:00Z"'

    def revision(m: re.Match) -> bytes:
        old = b"%d" % (int(m[1]) + 2)
        return (
            b'</w:t></w:r><w:del w:id="9%s" %s><w:r><w:delText>%s</w:delText></w:r></w:del>'
            b'<w:ins w:id="8%s" %s><w:r><w:t>%s</w:t></w:r></w:ins><w:r><w:t xml:space="preserve">'
        ) % (m[1], author, old, m[1], author, m[1])

    return _TRACKED.sub(revision, xml)


def test_text_struck_through_by_a_tracked_deletion_is_no_text_of_the_report(report, tmp_path: Path) -> None:
    """A draft's tracked changes printed to PDF with the markup showing: a number deleted (struck through, a rule
    through its middle) beside the one typed in its place (underlined) reads as the number typed, in a table's cell
    and in a sentence, not as both run together (「4139」); the tables' rules and the underlines are no strikes."""
    parts, expected = report
    table = _table_three(parts)
    marked = documents.Tbl(dict(table.cells), table.merges, table.rows, table.cols, table.covered)
    first = min(rc for rc, text in table.cells.items() if text.isdigit())
    total = table.cells[(first[0], table.cols)]
    marked.cells[first] = f"@@{marked.cells[first]}"
    sentence = f"2025年共收到政府信息公开申请@@{total}件。"
    at = parts.index(table)
    edited = [*parts[:at], sentence, marked, *parts[at + 1 :]]
    docx = documents.docx(edited, tmp_path / "修订.docx")
    docx = repack(docx, tmp_path / "修订稿.docx", edit_part("word/document.xml", _tracked))
    (pdf_path,) = _as_pdf(tmp_path, docx)
    deleted = str(int(table.cells[first]) + 2)
    with pdfplumber.open(pdf_path) as pdf:  # both numbers are printed, the deleted one struck through
        text = "".join(re.sub(r"\s", "", page.extract_text()) for page in pdf.pages)
        assert deleted + table.cells[first] in text and f"{int(total) + 2}{total}件" in text
    assert _findings(pdf_path) == expected
    said = [v.replace(" ", "") for v in load_file(pdf_path).grid.sheets[0].cells.values() if "共收到" in str(v)]
    assert said == [sentence.replace("@@", "")]
