"""Word documents as real editors leave them: text Word does not show (hidden, moved away or deleted in tracked
changes), legacy horizontal merges (w:hMerge), and a body that is an embedded web page (w:altChunk, as OA and web
systems export). Each reads as the report it shows: the findings of the same report on one sheet."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import documents
import pytest
from builders import published
from packages import edit_part, png, repack
from test_import import DEFECTS, _as_pdf, _cli, _findings
from test_structure import VALUES

from validator import check_paths
from validator.findings import FileReport, Finding
from validator.names import WHOLE_REPORT, WHOLE_WORKBOOK
from validator.sources.formats import load_file
from validator.sources.xlsx import load

_CELL_NUMBER = re.compile(
    r'(<w:tc><w:tcPr>(?:(?!</w:tcPr>).)*</w:tcPr><w:p>)(<w:r><w:t xml:space="preserve">\d+</w:t></w:r>)'
)
_HEADING = re.compile(r'<w:p><w:r><w:t xml:space="preserve">([一二三四五六])、((?:(?!</w:t>).)+)</w:t></w:r></w:p>')
_MOVE = 'w:id="{}" w:author="甲" w:date="2026-01-10T00:00:00Z"'


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[Path, list]:
    """The defective report on one sheet, and its parts as published."""
    root = tmp_path_factory.mktemp("word")
    xlsx = published(root / "report.xlsx", {k: v for k, v in (VALUES | DEFECTS).items() if v is not None})
    return xlsx, documents.segments(load(xlsx).grid.sheets[0])


def _variant(report, tmp_path: Path, change, styles: str = "") -> Path:
    """The report as a Word document whose body `change` edits (text → text)."""
    plain = documents.docx(report[1], tmp_path / "plain.docx", styles=styles)
    return repack(
        plain, tmp_path / "variant.docx", edit_part("word/document.xml", lambda xml: change(xml.decode()).encode())
    )


def _reads_as_the_sheet(report, path: Path) -> None:
    assert _findings(path) == _findings(report[0])


# An old number left before each number of the tables, as Word does not show it: hidden by the run's properties, by
# its character style (through the style it is based on), or as a paragraph of its own hidden by its style (the
# paragraph's mark hidden too, so it runs on into the number's paragraph).
HIDDEN_STYLES = (
    '<w:style w:type="character" w:styleId="Hidden"><w:rPr><w:vanish/></w:rPr></w:style>'
    '<w:style w:type="character" w:styleId="Old"><w:basedOn w:val="Hidden"/><w:rPr><w:color w:val="FF0000"/></w:rPr></w:style>'
    '<w:style w:type="paragraph" w:styleId="Note"><w:rPr><w:vanish/></w:rPr></w:style>'
)
OLD_NUMBER = {
    "run": r"<w:r><w:rPr><w:vanish/></w:rPr><w:t>8</w:t></w:r>",
    "character style": r'<w:r><w:rPr><w:rStyle w:val="Old"/></w:rPr><w:t>8</w:t></w:r>',
    "paragraph style": r'<w:pPr><w:pStyle w:val="Note"/></w:pPr><w:r><w:t>8</w:t></w:r></w:p><w:p>',
}


@pytest.mark.parametrize("how", OLD_NUMBER)
def test_hidden_text_is_not_read(report, tmp_path: Path, how: str) -> None:
    def hide(xml: str) -> str:
        changed, count = _CELL_NUMBER.subn(lambda m: m[1] + OLD_NUMBER[how] + m[2], xml)
        assert count > 50
        return changed

    _reads_as_the_sheet(report, _variant(report, tmp_path, hide, styles=HIDDEN_STYLES))


def test_text_shown_again_over_a_hiding_style_is_read(report, tmp_path: Path) -> None:
    """w:vanish w:val="0" on the run shows what its character style hides: the old number is read, as Word shows it."""

    def shown(xml: str) -> str:
        old = r'<w:r><w:rPr><w:rStyle w:val="Old"/><w:vanish w:val="0"/></w:rPr><w:t>8</w:t></w:r>'
        return _CELL_NUMBER.sub(lambda m: m[1] + old + m[2], xml, count=1)

    plain = load_file(documents.docx(report[1], tmp_path / "plain.docx")).grid.sheets[0].cells
    cells = load_file(_variant(report, tmp_path, shown, styles=HIDDEN_STYLES)).grid.sheets[0].cells
    ((key, value),) = [(k, v) for k, v in cells.items() if plain.get(k) != v]
    assert value == int(f"8{plain[key]}")


# Each section heading cut in two paragraphs, the first one's mark hidden or deleted in a tracked change: Word shows
# one paragraph.
MARK = {"hidden": "<w:vanish/>", "deleted": f"<w:del {_MOVE.format(9)}/>"}


@pytest.mark.parametrize("how", MARK)
def test_a_paragraph_whose_mark_is_not_shown_runs_on(report, tmp_path: Path, how: str) -> None:
    def cut(xml: str) -> str:
        def two(m: re.Match) -> str:
            head, rest = m[1] + "、" + m[2][:6], m[2][6:]
            return (
                f"<w:p><w:pPr><w:rPr>{MARK[how]}</w:rPr></w:pPr><w:r><w:t>{head}</w:t></w:r></w:p>"
                f"<w:p><w:r><w:t>{rest}</w:t></w:r></w:p>"
            )

        changed, count = _HEADING.subn(two, xml)
        assert count >= 6
        return changed

    _reads_as_the_sheet(report, _variant(report, tmp_path, cut))


@pytest.mark.parametrize("wrapped", [True, False], ids=["moveFrom", "range only"])
def test_text_moved_away_is_read_once_where_it_now_stands(report, tmp_path: Path, wrapped: bool) -> None:
    """Section 二 moved in a tracked change from before 一: its heading is left where it was, marked as moved away
    (in w:moveFrom, or only between w:moveFromRangeStart and End), and stands in w:moveTo where it now is."""

    def move(xml: str) -> str:
        heading = next(m for m in _HEADING.finditer(xml) if m[1] == "二")
        first = next(_HEADING.finditer(xml))
        run = heading[0][len("<w:p>") : -len("</w:p>")]
        gone = f"<w:moveFrom {_MOVE.format(1)}>" + run + "</w:moveFrom>" if wrapped else run
        away = (
            f'<w:moveFromRangeStart {_MOVE.format(2)} w:name="move1"/><w:p><w:pPr><w:rPr><w:moveFrom {_MOVE.format(3)}/>'
            f"</w:rPr></w:pPr>" + gone + '</w:p><w:moveFromRangeEnd w:id="2"/>'
        )
        to = f"<w:p><w:moveTo {_MOVE.format(4)}>" + run + "</w:moveTo></w:p>"
        xml = xml.replace(heading[0], to, 1)
        return xml.replace(first[0], away + first[0], 1)

    _reads_as_the_sheet(report, _variant(report, tmp_path, move))


_SPANNED = re.compile(r'<w:tc><w:tcPr>(<w:tcW [^>]*/>)<w:gridSpan w:val="(\d+)"/>((?:<w:vMerge[^>]*/>)?)</w:tcPr>')


def test_legacy_horizontal_merges_are_merges(report, tmp_path: Path) -> None:
    """Cells merged across by w:hMerge (restart, then a cell per column continuing it) instead of w:gridSpan, also
    where a merge goes down too (w:vMerge on each of its cells)."""

    def legacy(xml: str) -> str:
        def cells(m: re.Match) -> str:
            width, down = m[1], m[3]
            more = "<w:tc><w:tcPr>" + width + down + "<w:hMerge/></w:tcPr><w:p/></w:tc>"
            return "<w:tc><w:tcPr>" + width + down + '<w:hMerge w:val="restart"/></w:tcPr>', more * (int(m[2]) - 1)

        out, at = [], 0
        for m in _SPANNED.finditer(xml):
            end = xml.index("</w:tc>", m.end()) + len("</w:tc>")
            first, more = cells(m)
            out += [xml[at : m.start()], first, xml[m.end() : end], more]
            at = end
        assert len(out) > 40
        return "".join([*out, xml[at:]])

    _reads_as_the_sheet(report, _variant(report, tmp_path, legacy))


def _mhtml(page: bytes) -> bytes:
    """The page in an MHTML message as Word saves one: GBK, quoted-printable, with a picture after it."""
    html = (
        page.decode("utf-8").replace('charset="utf-8"', 'charset="gb2312"').replace("charset=utf-8", "charset=gb2312")
    )
    return documents.mhtml(html.encode("gb18030"), "word", charset="gb2312")


@pytest.mark.parametrize("kind", ["html", "html without doctype", "mht"])
def test_a_body_that_is_an_embedded_web_page_is_read_as_the_page(report, tmp_path: Path, kind: str) -> None:
    """An OA system's export: the title typed in Word, the rest of the report a web page the body embeds. An
    HTML <!DOCTYPE html> is no XML DTD: the page is read, not refused as hostile."""
    title, *rest = report[1]
    page = documents.clean_html(rest)
    chunk = {
        "html": documents.Chunk("afchunk.htm", page),
        "html without doctype": documents.Chunk("afchunk.html", page.replace(b"<!DOCTYPE html>", b"")),
        "mht": documents.Chunk("afchunk.mht", _mhtml(page)),
    }[kind]
    _reads_as_the_sheet(report, documents.docx([title, chunk], tmp_path / "chunk.docx"))


def test_an_embedded_page_s_entities_are_not_expanded(report, tmp_path: Path) -> None:
    """The HTML parser reads no DTD: an entity declared to read a local file stays unexpanded."""
    hostile = b'<!DOCTYPE html [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    page = (
        documents.clean_html(report[1])
        .replace(b"<!DOCTYPE html>", hostile)
        .replace(b"</div><div", b"&secret;</div><div", 1)
    )
    path = documents.docx([documents.Chunk("afchunk.htm", page)], tmp_path / "hostile.docx")
    sheet = load_file(path).grid.sheets[0]
    assert not any("root:" in str(v) for v in sheet.cells.values())


def test_another_kind_of_embedded_file_is_refused_saying_how_to_save_it(report, tmp_path: Path) -> None:
    rtf = documents.Chunk("afchunk.rtf", r"{\rtf1\ansi 2025年度政府信息公开工作年度报告}".encode())
    (checked,) = check_paths([documents.docx([report[1][0], rtf], tmp_path / "rtf.docx")])
    assert checked.error == (
        "Word 文档的正文嵌入了另一个文件（RTF 格式的 afchunk.rtf），本工具无法读取其内容。"
        "请用 Word 打开该文档，“另存为” Word 文档（.docx）后再校验。"
    )


def test_an_embedded_archive_without_a_page_is_refused_saying_how_to_save_it(report, tmp_path: Path) -> None:
    """A web archive as the body that holds no page (its parts are pictures only): said so, not read as nothing."""
    picture = documents.mhtml(b"\x89PNG\r\n\x1a\n", "word").replace(
        b"Content-Type: text/html", b"Content-Type: image/png"
    )
    path = documents.docx([report[1][0], documents.Chunk("afchunk.mht", picture)], tmp_path / "no-page.docx")
    (checked,) = check_paths([path])
    assert checked.error == (
        "Word 文档正文嵌入的网页存档（afchunk.mht）中找不到网页（其中没有 HTML 部分），可能已损坏或不是保存的网页。"
        "请用 Word 打开该文档，“另存为” Word 文档（.docx）后再校验。"
    )


def _scanned(report, tmp_path: Path, fmt: str, title: bool) -> Path:
    """The report scanned and pasted in as pictures, a page each (a typed title above them if `title`): as a Word
    document, or a web page of images."""
    pages = [documents.Picture(png(600, 850)) for _ in range(3)]
    typed = ["某县人民政府办公室2025年度政府信息公开工作年度报告"] if title else []
    if fmt == "docx":
        return documents.docx([*typed, *pages], tmp_path / "扫描件.docx")
    image = f'<p><img src="data:image/png;base64,{base64.b64encode(png(600, 850)).decode()}"></p>'
    page = documents.clean_html([*typed, "PICTURES"]).replace(b"<p>PICTURES</p>", (image * 3).encode())
    path = tmp_path / "扫描件.html"
    path.write_bytes(page)
    return path


@pytest.mark.parametrize("title", (False, True))
@pytest.mark.parametrize("fmt", ("docx", "html"))
def test_a_report_of_scanned_pages_is_refused_as_a_scanned_pdf_is(
    report, tmp_path: Path, fmt: str, title: bool
) -> None:
    """Pictures and no table or section heading in text: every table is a picture, refused with exit 2 (not called
    missing, nor converted into an empty template)."""
    path = _scanned(report, tmp_path, fmt, title)
    what = {"docx": "Word 文档", "html": "网页"}[fmt]
    said = (
        f"{what}中的年报是图片（如扫描件或截图），没有文字的表格和章节标题：表格是图片，无法读取数字；"
        "请提供可复制文字的 PDF、Word 或网页版本后再校验。"
    )
    done = _cli("check", str(path), "--no-annotate")
    assert done.returncode == 2, done.stdout
    assert said in done.stdout and "请按官方格式补上" not in done.stdout
    converted = tmp_path / "扫描件.xlsx"
    done = _cli("import", str(path), "-o", str(converted))
    assert done.returncode == 2, done.stdout
    assert "无法转换" in done.stdout and said in done.stdout and "已转换" not in done.stdout
    assert not converted.exists()


def test_a_finding_on_no_cell_of_a_document_is_on_the_whole_report(tmp_path: Path) -> None:
    """A document of which nothing was given a place: its finding on no cell is on 整份年报, not 整个工作簿."""
    finding = Finding("ST01", "error", "找不到「表三」")
    assert FileReport(str(tmp_path / "年报.docx"), source_format="docx").where(finding) == WHOLE_REPORT
    assert FileReport(str(tmp_path / "年报.xlsx"), source_format="xlsx").where(finding) == WHOLE_WORKBOOK


def test_a_table_pasted_as_an_excel_object_is_said_to_be_one(report, tmp_path: Path) -> None:
    """表三 pasted from Excel as a worksheet object (its preview picture, the workbook embedded): said to be that
    object, and how to make it a Word table, not called a picture."""
    parts = list(report[1])
    parts[documents.section_table(parts, "三")] = documents.Embedded(report[0].read_bytes(), png(600, 400))
    said = (
        "表三是嵌入的 Excel 工作表对象：标题「三、收到和处理政府信息公开申请情况」下不是 Word 表格，"
        "而是从 Excel 粘贴成“对象”的工作表，文档中只有它的预览图，无法读取其中的数字，相关勾稽关系未校验。"
        "请在 Word 中双击该对象打开，复制其中的单元格，在原处粘贴为 Word 表格并删除该对象后再校验"
    )
    (checked,) = check_paths([documents.docx(parts, tmp_path / "对象.docx")])
    missing = [f.message for f in checked.findings if f.rule == "ST01"]
    assert checked.error is None and len(missing) == 1 and missing[0].startswith(said)
    assert "以图片形式发布" not in missing[0]


@pytest.mark.parametrize("blocks", [("（五）",), ("（六）", "（八）")])
def test_a_block_of_table_two_pasted_as_a_picture_after_a_found_one_is_said_to_be_a_picture(
    report, tmp_path: Path, blocks: tuple[str, ...]
) -> None:
    """表二's blocks after the first found one, each where it goes pasted in as a picture: said to be published as a
    picture (under the section's heading, as a whole table is), naming those blocks, not called missing (「请按官方
    格式补上」); the blocks read as text are checked as ever."""
    parts = list(report[1])
    pictured = [
        i
        for i, p in enumerate(parts)
        if isinstance(p, documents.Tbl) and any(b in p.cells.get((1, 1), "") for b in blocks)
    ]
    assert len(pictured) == len(blocks)
    for i in pictured:
        parts[i] = documents.Picture(png(600, 200))
    (checked,) = check_paths([documents.docx(parts, tmp_path / "表二图片.docx")])
    assert checked.error is None, checked.error
    (missing,) = [f for f in checked.findings if f.rule == "ST01"]
    named = "".join(f"「第二十条第{b}项」" for b in blocks)
    assert missing.message.startswith(
        f"表二的表格{named}以图片形式发布：标题「二、主动公开政府信息情况」下是图片而不是表格，无法读取其中的数字"
    ), missing.message
    assert "请提供表格为文字" in missing.message and "请按官方格式补上" not in missing.message
    assert checked.place(missing.cell).paragraph is not None  # at the section's heading


def _tables_pictured(report, tmp_path: Path, fmt: str, kept: str = "") -> Path:
    """The report with its headings and text typed, and each table of its sections (but those of `kept`: "四")
    pasted in as a picture where it stands (表二's four blocks as one), as a Word document or a web page of images."""
    parts: list = []
    section = ""
    for part in report[1]:
        if isinstance(part, str) and re.match(r"[一二三四五六]、", part):
            section = part[0]
        if not isinstance(part, documents.Tbl) or section == kept:
            parts.append(part)
        elif not (parts and parts[-1] == "PICTURE"):
            parts.append("PICTURE")
    if fmt in ("docx", "pdf"):
        docx = documents.docx(
            [documents.Picture(png(600, 300)) if p == "PICTURE" else p for p in parts],
            tmp_path / f"表格图片{kept}.docx",
        )
        return _as_pdf(tmp_path, docx)[0] if fmt == "pdf" else docx
    image = f'<p><img src="data:image/png;base64,{base64.b64encode(png(600, 300)).decode()}"></p>'
    path = tmp_path / "表格图片.html"
    path.write_bytes(documents.clean_html(parts).replace(b"<p>PICTURE</p>", image.encode()))
    return path


@pytest.mark.parametrize("fmt", ("docx", "html", "pdf"))
def test_typed_headings_over_tables_all_pictures_are_refused_as_a_scan(report, tmp_path: Path, fmt: str) -> None:
    """Headings and text typed, but every table a picture under its heading (scanned, or pasted as pictures): no
    table can be read, so the report is refused as a scanned one is (exit 2), saying its tables are all pictures, not
    checked into one 「以图片形式发布」 per table and findings of a report without numbers. With one table typed,
    it is checked, each pictured table said to be a picture."""
    what = {"docx": "Word 文档", "html": "网页", "pdf": "PDF 文件"}[fmt]
    said = (
        f"{what}中的年报表格都是图片（如扫描件或截图），章节标题是文字，但没有一张文字的表格：表格是图片，无法读取数字；"
        "请提供可复制文字的 PDF、Word 或网页版本后再校验。"
    )
    done = _cli("check", str(_tables_pictured(report, tmp_path, fmt)), "--no-annotate")
    assert done.returncode == 2, done.stdout
    assert said in done.stdout and "以图片形式发布" not in done.stdout

    (checked,) = check_paths([_tables_pictured(report, tmp_path, fmt, kept="四")])
    assert checked.error is None, checked.error
    pictured = [f.message for f in checked.findings if f.rule == "ST01"]
    assert len(pictured) == 2 and all("以图片形式发布" in m for m in pictured), pictured
