"""The bad-input corpus: every kind of broken, hostile or odd submission, built at test time from the balanced report.

`KINDS` maps a kind's name to how it is built and what `nianbao check` must say about it. Builders write into a
folder of their own kind and return the path to pass on the command line.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import stat
import struct
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from documents import docx
from packages import add_row, edit_part, move_part, png, repack, with_shared_strings

from validator.sources.limits import Limits

SECRET = "NIANBAO-SECRET-7f3a9c"  # the content of a local file that hostile XML tries to pull into the output
SHEET3 = "xl/worksheets/sheet4.xml"  # 表三 in the generated workbook
BOOK_XML = "xl/workbook.xml"


@dataclass(frozen=True)
class Sources:
    """What builders start from: the balanced report, a secret file, LibreOffice conversions (None if no soffice)."""

    good: Path
    secret: Path
    libreoffice: dict[str, Path] | None


@dataclass(frozen=True)
class Kind:
    build: Callable[[Path, Sources], Path]
    status: str  # "unreadable" or "checked"
    says: str = ""  # in the error message (unreadable) or in a finding or notice (checked)
    clean: bool = False  # checked with no error-level finding (exit 0 alone)
    heavy: bool = False  # measured in a run of its own
    posix: bool = False  # needs FIFOs, devices or permissions
    needs_libreoffice: bool = False


# ---------------------------------------------------------------- helpers


def with_doctype(xml: bytes, doctype: bytes) -> bytes:
    """The part with a DOCTYPE inserted after its XML declaration."""
    if xml.startswith(b"<?xml"):
        decl, rest = xml.split(b"?>", 1)
        return decl + b"?>" + doctype + rest
    return doctype + xml


def via_openpyxl(source: Path, target: Path, change: Callable[[openpyxl.Workbook], None]) -> Path:
    wb = openpyxl.load_workbook(source)
    change(wb)
    wb.save(target)
    return target


def copy_as(name: str) -> Callable[[Path, Sources], Path]:
    return lambda folder, src: Path(shutil.copyfile(src.good, folder / name))


def bytes_file(name: str, data: bytes) -> Callable[[Path, Sources], Path]:
    def build(folder: Path, _src: Sources) -> Path:
        (folder / name).write_bytes(data)
        return folder / name

    return build


def _hostile_page(folder: Path, sources: Sources) -> Path:
    """A page with an external entity naming the secret file, a script and a remote image: none read or fetched."""
    page = (
        f'<!DOCTYPE html [<!ENTITY x SYSTEM "{sources.secret.as_uri()}">]><html><head>'
        '<script>document.write("<p>injected</p>")</script></head><body><p>&x;</p>'
        '<img src="http://example.invalid/a.png"><table><tr><td>1</td></tr></table></body></html>'
    )
    (folder / "hostile.html").write_text(page, encoding="utf-8")
    return folder / "hostile.html"


def _many_pages(n: int) -> bytes:
    """A PDF declaring `n` empty pages."""
    kids = " ".join(f"{3 + i} 0 R" for i in range(n))
    objs = [
        b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj",
        f"2 0 obj<</Type/Pages/Kids[{kids}]/Count {n}>>endobj".encode(),
    ]
    objs += [f"{3 + i} 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj".encode() for i in range(n)]
    return b"%PDF-1.4\n" + b"\n".join(objs) + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _pdf_page_loop() -> bytes:
    """A PDF whose page tree lists itself among its kids: walking it naively never ends."""
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[2 0 R 3 0 R]/Count 2>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]/Contents 4 0 R>>endobj\n"
        b"4 0 obj<</Length 0>>stream\n\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def _pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _zip(name: str, members: dict[str, bytes]) -> Callable[[Path, Sources], Path]:
    def build(folder: Path, _src: Sources) -> Path:
        with zipfile.ZipFile(folder / name, "w") as zf:
            for member, data in members.items():
                zf.writestr(member, data)
        return folder / name

    return build


# ---------------------------------------------------------------- not workbooks


def _encrypted(folder: Path, src: Sources) -> Path:
    """A real password-protected workbook: an OLE container with EncryptionInfo, as Excel writes it."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    with src.good.open("rb") as fh:
        OOXMLFile(fh).encrypt("密码123", out)
    (folder / "加密.xlsx").write_bytes(out.getvalue())
    return folder / "加密.xlsx"


def _truncated(folder: Path, src: Sources) -> Path:
    data = src.good.read_bytes()
    (folder / "truncated.xlsx").write_bytes(data[: len(data) * 2 // 3])
    return folder / "truncated.xlsx"


def _libreoffice(fmt: str, name: str) -> Callable[[Path, Sources], Path]:
    def build(folder: Path, src: Sources) -> Path:
        assert src.libreoffice is not None
        return Path(shutil.copyfile(src.libreoffice[fmt], folder / name))

    return build


# ---------------------------------------------------------------- broken or hostile packages


def _missing_sheet_part(folder: Path, src: Sources) -> Path:
    return repack(src.good, folder / "no-sheet-part.xlsx", drop=frozenset({SHEET3}))


def _malformed(folder: Path, src: Sources) -> Path:
    return repack(src.good, folder / "malformed.xlsx", edit_part(SHEET3, lambda xml: xml[: len(xml) // 2]))


def _entity_bomb(folder: Path, src: Sources) -> Path:
    levels = b"".join(
        b'<!ENTITY l%d "%s">' % (i, b"".join(b"&l%d;" % (i - 1) for _ in range(10))) for i in range(1, 10)
    )
    doctype = b'<!DOCTYPE worksheet [<!ENTITY l0 "lol">' + levels + b"]>"
    cell = b'<row r="90"><c r="A90" t="inlineStr"><is><t>&l9;</t></is></c></row>'
    return repack(
        src.good, folder / "bomb-entities.xlsx", edit_part(SHEET3, lambda x: with_doctype(add_row(x, cell), doctype))
    )


def _external_entity(part: str, name: str) -> Callable[[Path, Sources], Path]:
    def build(folder: Path, src: Sources) -> Path:
        doctype = b'<!DOCTYPE x [<!ENTITY secret SYSTEM "%s">]>' % src.secret.as_uri().encode()
        if part == SHEET3:
            cell = b'<row r="90"><c r="A90" t="inlineStr"><is><t>&secret;</t></is></c></row>'
            change = lambda xml: with_doctype(add_row(xml, cell), doctype)  # noqa: E731
        else:
            change = lambda xml: with_doctype(xml, doctype).replace(b'name="', b'name="&secret;', 1)  # noqa: E731
        return repack(src.good, folder / name, edit_part(part, change))

    return build


def _deep(name: str, data_error: bool = False) -> Callable[[Path, Sources], Path]:
    """A sheet with a cell nested 100,000 elements deep; with `data_error` a wrong total on that sheet too, so that
    the annotated copy has to parse it."""

    def change(xml: bytes) -> bytes:
        if data_error:
            xml = re.sub(rb'(<c r="E7"[^>]*>)(?:<v>[^<]*</v>)?', rb"\1<v>99999</v>", xml, count=1)
        depth = 100_000
        cell = b'<row r="90"><c r="A90" t="inlineStr"><is>' + b"<r>" * depth + b"</r>" * depth + b"</is></c></row>"
        return add_row(xml, cell)

    return lambda folder, src: repack(src.good, folder / name, edit_part(SHEET3, change))


def _docx_deep(folder: Path, _src: Sources) -> Path:
    """A Word report with content controls nested 100,000 deep (the Word reader walks them recursively)."""
    nested = b"<w:sdt><w:sdtContent>" * 50_000 + b"</w:sdtContent></w:sdt>" * 50_000
    plain = docx(["政府信息公开工作年度报告"], folder / "plain.docx")
    change = lambda xml: xml.replace(b"<w:body>", b"<w:body>" + nested, 1)  # noqa: E731
    path = repack(plain, folder / "deep.docx", edit_part("word/document.xml", change))
    plain.unlink()
    return path


def _with_zeros(path: Path, member: str) -> Path:
    """The package at `path` with quickly written zeros added that inflate past the limit."""
    chunk = bytes(4 << 20)
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as zf,
        zf.open(member, "w", force_zip64=True) as fh,
    ):
        for _ in range(Limits().unpacked_bytes // len(chunk) + 1):
            fh.write(chunk)
    return path


def _zip_bomb(folder: Path, src: Sources) -> Path:
    return _with_zeros(repack(src.good, folder / "bomb-zip.xlsx"), "xl/media/zeros.bin")


def _docx_bomb(folder: Path, _src: Sources) -> Path:
    return _with_zeros(docx(["政府信息公开工作年度报告"], folder / "bomb.docx"), "word/media/zeros.bin")


def _docx_external_entity(folder: Path, src: Sources) -> Path:
    """A Word report whose text pulls a local file in through an external entity."""
    doctype = b'<!DOCTYPE x [<!ENTITY secret SYSTEM "%s">]>' % src.secret.as_uri().encode()
    plain = docx(["政府信息公开工作年度报告 SECRET_HERE"], folder / "plain.docx")
    change = lambda xml: with_doctype(xml, doctype).replace(b"SECRET_HERE", b"&secret;")  # noqa: E731
    path = repack(plain, folder / "xxe.docx", edit_part("word/document.xml", change))
    plain.unlink()
    return path


def _lying_sizes(folder: Path, src: Sources) -> Path:
    """A bomb whose directory declares 1,000 bytes for a worksheet that really inflates to 400 MB."""
    path = repack(src.good, folder / "bomb-lying.xlsx")
    name = b"xl/worksheets/sheet9.xml"
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as zf, zf.open(name.decode(), "w") as fh:
        for _ in range(100):
            fh.write(b" " * (4 << 20))
    data = bytearray(path.read_bytes())
    record = data.rfind(name) - 46  # the member's central directory record: its name starts at byte 46
    assert data[record : record + 4] == b"PK\x01\x02"
    data[record + 24 : record + 28] = struct.pack("<I", 1000)  # the declared inflated size
    path.write_bytes(bytes(data))
    return path


def _entry_name(name: str, entry: str) -> Callable[[Path, Sources], Path]:
    return lambda folder, src: repack(src.good, folder / name, add={entry: b"<x/>"})


def _shared_strings(name: str, declared: int, index: int | None = None) -> Callable[[Path, Sources], Path]:
    def build(folder: Path, src: Sources) -> Path:
        path = with_shared_strings(src.good, folder / f"tmp-{name}", declared)
        if index is not None:
            cell = b'<row r="90"><c r="A90" t="s"><v>%d</v></c></row>' % index
            repack(path, folder / name, edit_part(SHEET3, lambda xml: add_row(xml, cell)))
            path.unlink()
            return folder / name
        return path.rename(folder / name)

    return build


def _cell_ref(name: str, ref: bytes) -> Callable[[Path, Sources], Path]:
    cell = b'<row r="90"><c r="%s"><v>1</v></c></row>' % ref
    return lambda folder, src: repack(src.good, folder / name, edit_part(SHEET3, lambda xml: add_row(xml, cell)))


def _far_row(name: str, cells: bytes) -> Callable[[Path, Sources], Path]:
    """Cells in the sheet's last row, without the address the inspection looks for (readers place them all the same)."""
    row = b'<row r="1048576">%s</row>' % cells
    return lambda folder, src: repack(src.good, folder / name, edit_part(SHEET3, lambda xml: add_row(xml, row)))


def _moved_sheet(name: str, moved: str, hostile: bytes = b"") -> Callable[[Path, Sources], Path]:
    """表三 stored under another part name: `hostile` b"doctype" pulls the secret file in through an external entity,
    b"far_cell" types a cell at the sheet's last row and column; readers find the part through relationships."""

    def build(folder: Path, src: Sources) -> Path:
        doctype = b'<!DOCTYPE x [<!ENTITY secret SYSTEM "%s">]>' % src.secret.as_uri().encode()
        change = {
            b"": lambda xml: xml,
            b"doctype": lambda xml: with_doctype(
                add_row(xml, b'<row r="90"><c r="A90" t="inlineStr"><is><t>&secret;</t></is></c></row>'), doctype
            ),
            b"far_cell": lambda xml: add_row(xml, b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'),
        }[hostile]
        return move_part(src.good, folder / name, SHEET3, moved, change)

    return build


def _long_text(name: str, chars: int) -> Callable[[Path, Sources], Path]:
    text = ("长" * chars).encode()
    cell = b'<row r="90"><c r="A90" t="inlineStr"><is><t>%s</t></is></c></row>' % text
    return lambda folder, src: repack(src.good, folder / name, edit_part(SHEET3, lambda xml: add_row(xml, cell)))


def _strict(folder: Path, src: Sources) -> Path:
    """Strict Open XML (ISO 29500 strict): the same parts in the purl.oclc.org namespaces."""
    transitional = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    strict = b"http://purl.oclc.org/ooxml/spreadsheetml/main"
    rels = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    strict_rels = b"http://purl.oclc.org/ooxml/officeDocument/relationships"
    return repack(
        src.good, folder / "strict.xlsx", lambda _n, d: d.replace(transitional, strict).replace(rels, strict_rels)
    )


def _zip_encrypted_entry(folder: Path, src: Sources) -> Path:
    """A worksheet member flagged as encrypted with the zip format's own password (bit 0 of the flags)."""
    path = repack(src.good, folder / "zip-password.xlsx")
    data = bytearray(path.read_bytes())
    for header in (b"PK\x03\x04", b"PK\x01\x02"):
        at = data.find(header)
        while at != -1:
            flags = 6 if header == b"PK\x03\x04" else 8
            data[at + flags] |= 1
            at = data.find(header, at + 4)
    path.write_bytes(bytes(data))
    return path


# ---------------------------------------------------------------- readable but odd workbooks


def _sheets(n: int) -> Callable[[openpyxl.Workbook], None]:
    def change(wb: openpyxl.Workbook) -> None:
        for i in range(n):
            wb.create_sheet(f"附表{i + 1}")["A1"] = i

    return change


def _long_sheet(folder: Path, src: Sources) -> Path:
    rows = b"".join(
        b'<row r="%d"><c r="A%d"><v>%d</v></c><c r="B%d"><v>1.5</v></c></row>' % (r, r, r, r) for r in range(1, 60_001)
    )
    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + rows
        + b"</sheetData></worksheet>"
    )
    return _with_extra_sheet(src.good, folder / "long-sheet.xlsx", "明细", sheet)


def _used_range(folder: Path, src: Sources) -> Path:
    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/>'
        b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
        b"</sheetData></worksheet>"
    )
    return _with_extra_sheet(src.good, folder / "huge-range.xlsx", "草稿", sheet)


def _with_extra_sheet(source: Path, target: Path, title: str, sheet: bytes) -> Path:
    rel = b'<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheetX.xml"/>'
    override = b'<Override PartName="/xl/worksheets/sheetX.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    entry = b'<sheet name="%s" sheetId="99" r:id="rIdX"/></sheets>' % title.encode()

    def edit(name: str, data: bytes) -> bytes:
        if name == BOOK_XML:
            return data.replace(b"</sheets>", entry, 1)
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(b"</Relationships>", rel + b"</Relationships>")
        if name == "[Content_Types].xml":
            return data.replace(b"</Types>", override + b"</Types>")
        return data

    return repack(source, target, edit, add={"xl/worksheets/sheetX.xml": sheet})


def _formulas(wb: openpyxl.Workbook) -> None:
    ws = wb["表三"]
    ws["E8"] = "=SUM(E9:E10)"  # never calculated: openpyxl saves no result


def _errors(folder: Path, src: Sources) -> Path:
    cell = lambda ref: b'<c r="%s" t="e"><f>1/0</f><v>#DIV/0!</v></c>' % ref  # noqa: E731
    return repack(
        src.good,
        folder / "error-values.xlsx",
        edit_part(SHEET3, lambda x: re.sub(rb'<c r="E8"[^>]*?(/>|>.*?</c>)', cell(b"E8"), x, count=1)),
    )


def _circular(wb: openpyxl.Workbook) -> None:
    ws = wb["表三"]
    ws["E8"], ws["E9"] = "=E9+1", "=E8+1"


def _external_link(folder: Path, src: Sources) -> Path:
    link = (
        b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><externalBook '
        b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1">'
        b'<sheetNames><sheetName val="Sheet1"/></sheetNames></externalBook></externalLink>'
    )
    link_rels = (
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
        b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLinkPath" '
        b'Target="file:///C:/%E5%85%B6%E4%BB%96.xlsx" TargetMode="External"/></Relationships>'
    )
    formula = b'<c r="E8"><f>[1]Sheet1!A1</f><v>3</v></c>'
    rel = b'<Relationship Id="rIdL" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLink" Target="externalLinks/externalLink1.xml"/>'
    override = b'<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/>'

    def edit(name: str, data: bytes) -> bytes:
        if name == SHEET3:
            return re.sub(rb'<c r="E8"[^>]*?(/>|>.*?</c>)', formula, data, count=1)
        if name == BOOK_XML:
            return data.replace(
                b"</sheets>", b'</sheets><externalReferences><externalReference r:id="rIdL"/></externalReferences>', 1
            )
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(b"</Relationships>", rel + b"</Relationships>")
        if name == "[Content_Types].xml":
            return data.replace(b"</Types>", override + b"</Types>")
        return data

    extra = {"xl/externalLinks/externalLink1.xml": link, "xl/externalLinks/_rels/externalLink1.xml.rels": link_rels}
    return repack(src.good, folder / "external-link.xlsx", edit, add=extra)


def _hidden_sheet(wb: openpyxl.Workbook) -> None:
    wb["表三"].sheet_state = "hidden"


def _duplicated_sheet(wb: openpyxl.Workbook) -> None:
    copy = wb.copy_worksheet(wb["表三"])
    copy.title = "表三 (2)"
    copy["E8"] = 999


def _odd_characters(wb: openpyxl.Workbook) -> None:
    cover = wb["封面"]
    cover["B2"] = "\u202e测试单位\u200b😀\t"  # RTL override, zero-width space, emoji, a tab
    ws = wb["表三"]
    ws["A30"] = "备注\u200f😀\u200d"
    for row in ws.iter_rows(min_row=1, max_row=12):
        for cell in row:
            if isinstance(cell.value, str) and len(cell.value) > 2:
                cell.value = cell.value[:1] + "\u200b" + cell.value[1:]
                return


def _control_characters(folder: Path, src: Sources) -> Path:
    """Every text of 表三 (labels too) starting with BEL, and a value holding NUL and ESC, as Excel escapes them."""

    def change(xml: bytes) -> bytes:
        xml = xml.replace(b"<t>", b"<t>_x0007_")
        return add_row(xml, b'<row r="90"><c r="E90" t="inlineStr"><is><t>1_x0000__x001B_2</t></is></c></row>')

    return repack(src.good, folder / "control-chars.xlsx", edit_part(SHEET3, change))


def _openpyxl_kind(name: str, change: Callable[[openpyxl.Workbook], None]) -> Callable[[Path, Sources], Path]:
    return lambda folder, src: via_openpyxl(src.good, folder / name, change)


def _read_only(folder: Path, src: Sources) -> Path:
    path = Path(shutil.copyfile(src.good, folder / "只读.xlsx"))
    path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    return path


def _special(name: str, make: Callable[[Path], None]) -> Callable[[Path, Sources], Path]:
    def build(folder: Path, _src: Sources) -> Path:
        make(folder / name)
        return folder / name

    return build


def _loop(path: Path) -> None:
    other = path.with_name("loop-b.xlsx")
    path.symlink_to(other)
    other.symlink_to(path)


def build_corpus(root: Path, sources: Sources, names: Iterable[str]) -> dict[str, Path]:
    """Each named kind built in a folder of its own under `root`; the path to check, by kind."""
    paths = {}
    for name in names:
        (root / name).mkdir()
        paths[name] = KINDS[name].build(root / name, sources)
    return paths


KINDS: dict[str, Kind] = {
    # not a workbook at all
    "empty": Kind(bytes_file("empty.xlsx", b""), "unreadable", "空的"),
    "text": Kind(bytes_file("text.xlsx", "这是一段说明文字。\n".encode()), "unreadable", "文本文件"),
    "csv": Kind(bytes_file("data.xlsx", "单位,数量\n某局,3\n".encode("gb18030")), "unreadable", "CSV"),
    "utf16": Kind(bytes_file("utf16.xlsx", "单位\t数量\r\n某局\t3\r\n".encode("utf-16")), "unreadable", "文本文件"),
    # a web page saved under an Excel name is read as the page it is (validator.sources.html): no report in it
    "html": Kind(bytes_file("web.xls", b"<html><body><table><tr><td>1</td></tr></table></body></html>"), "checked"),
    "html_hostile": Kind(_hostile_page, "checked"),
    "html_huge_spans": Kind(
        bytes_file("spans.html", b"<table>" + b'<tr><td rowspan="65534" colspan="1000">x</td></tr>' * 40 + b"</table>"),
        "checked",  # spans are clipped to the table, as browsers do: read without a blow-up
    ),
    "pdf_absurd_pages": Kind(bytes_file("pages.pdf", _many_pages(600)), "unreadable", "PDF 页数上限"),
    "pdf_page_loop": Kind(bytes_file("loop.pdf", _pdf_page_loop()), "unreadable", "没有文字"),
    "pdf": Kind(bytes_file("report.xlsx", _pdf()), "unreadable", "PDF"),
    "image": Kind(bytes_file("scan.xlsx", png(1, 1)), "unreadable", "图片"),
    "random": Kind(bytes_file("random.xlsx", os.urandom(4096)), "unreadable", "无法识别"),
    "docx": Kind(
        _zip("letter.xlsx", {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}),
        "unreadable",
        "Word",
    ),
    "pptx": Kind(_zip("slides.xlsx", {"ppt/presentation.xml": b"<p/>"}), "unreadable", "PowerPoint"),
    "other_zip": Kind(_zip("archive.xlsx", {"readme.txt": b"hello"}), "unreadable", "压缩包"),
    # offices receive RAR and 7z archives: said what they are, by their bytes whatever their name
    "rar": Kind(bytes_file("报送材料.xlsx", b"Rar!\x1a\x07\x01\x00" + os.urandom(200)), "unreadable", "RAR 压缩包"),
    "seven_zip": Kind(
        bytes_file("报送材料.7z", b"7z\xbc\xaf\x27\x1c\x00\x04" + os.urandom(200)), "unreadable", "7z 压缩包"
    ),
    "fake_ods": Kind(
        _zip("fake.ods", {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}),
        "unreadable",
        ".ods",
    ),
    "xlsb": Kind(
        _zip("binary.xlsb", {"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\x83\x01\x00"}),
        "unreadable",
        ".xlsb",
    ),
    "lock_file": Kind(
        bytes_file("~$年报.xlsx", b"\x08zhangsan" + bytes(45) + b"\x08\x00z\x00h\x00" + bytes(100)),
        "unreadable",
        "锁定文件",
    ),
    "encrypted": Kind(_encrypted, "unreadable", "密码"),
    # converted by LibreOffice (validator.sources.convert), then checked like the workbook they hold
    "legacy_xls": Kind(_libreoffice("xls", "旧版.xls"), "checked", clean=True, needs_libreoffice=True),
    "wps_et": Kind(_libreoffice("xls", "旧版.et"), "checked", clean=True, needs_libreoffice=True),
    "libreoffice_ods": Kind(_libreoffice("ods", "另存.ods"), "checked", clean=True, needs_libreoffice=True),
    "renamed_ods": Kind(_libreoffice("ods", "另存为.xlsx"), "checked", clean=True, needs_libreoffice=True),
    # broken packages
    "truncated": Kind(_truncated, "unreadable", "不完整"),
    "no_workbook_part": Kind(
        lambda f, s: repack(s.good, f / "no-workbook.xlsx", drop=frozenset({BOOK_XML})), "unreadable", "压缩包"
    ),
    "no_sheet_part": Kind(_missing_sheet_part, "unreadable", "请"),
    "malformed_xml": Kind(_malformed, "unreadable", "不是完整有效的 XML"),
    "zip_password": Kind(_zip_encrypted_entry, "unreadable", "无法解压"),
    # hostile packages
    "entity_bomb": Kind(_entity_bomb, "unreadable", "DOCTYPE", heavy=True),
    # a sheet stored under a name no program writes is still read (readers follow relationships), and inspected
    "sheet_named_otherwise": Kind(_moved_sheet("moved.xlsx", "xl/data/table3.bin"), "checked", clean=True),
    "sheet_named_otherwise_entity": Kind(
        _moved_sheet("moved-xxe.xlsx", "xl/worksheets/sheet4.dat", b"doctype"), "unreadable", "DOCTYPE"
    ),
    "sheet_named_otherwise_far_cell": Kind(
        _moved_sheet("moved-far.xlsx", "xl/data/table3.xml", b"far_cell"), "unreadable", "使用区域"
    ),
    "external_entity_sheet": Kind(_external_entity(SHEET3, "xxe-sheet.xlsx"), "unreadable", "DOCTYPE"),
    "external_entity_workbook": Kind(_external_entity(BOOK_XML, "xxe-book.xlsx"), "unreadable", "DOCTYPE"),
    # python-calamine reads deep nesting iteratively; lxml (the zip painter) refuses past 256 levels by itself
    "deep_xml": Kind(_deep("deep.xlsx"), "checked", clean=True, heavy=True),
    "deep_xml_marked": Kind(_deep("deep-marked.xlsx", data_error=True), "checked", "嵌套超过", heavy=True),
    "docx_deep": Kind(_docx_deep, "unreadable", "XML 嵌套层数上限", heavy=True),
    "zip_bomb": Kind(_zip_bomb, "unreadable", "解压后总大小上限", heavy=True),
    "zip_bomb_lying": Kind(_lying_sizes, "unreadable", "损坏", heavy=True),
    "docx_bomb": Kind(_docx_bomb, "unreadable", "解压后总大小上限", heavy=True),
    "docx_external_entity": Kind(_docx_external_entity, "unreadable", "DOCTYPE"),
    "entry_climbs": Kind(_entry_name("zip-slip.xlsx", "../../evil.sh"), "unreadable", "路径异常"),
    "entry_absolute": Kind(_entry_name("zip-abs.xlsx", "/etc/cron.d/evil"), "unreadable", "路径异常"),
    "strings_absurd_count": Kind(
        _shared_strings("sst-count.xlsx", 999_999_999_999), "unreadable", "共享字符串数上限", heavy=True
    ),
    "strings_bad_index": Kind(_shared_strings("sst-index.xlsx", 200, index=99_999), "unreadable", "请"),
    "cell_ref_impossible": Kind(_cell_ref("bad-ref.xlsx", b"ZZZZ99999999"), "unreadable", "超出 Excel 范围"),
    "cell_ref_past_last_row": Kind(_cell_ref("row-0.xlsx", b"A1048577"), "unreadable", "超出 Excel 范围"),
    "cell_ref_single_quotes": Kind(
        _far_row("quoted-ref.xlsx", b"<c r='XFD1048576'><v>1</v></c>"), "unreadable", "使用区域"
    ),
    "cells_without_address": Kind(_far_row("no-ref.xlsx", b"<c><v>1</v></c><c><v>2</v></c>"), "unreadable", "使用区域"),
    "used_range_max": Kind(_used_range, "unreadable", "使用区域", heavy=True),
    "merge_whole_sheet": Kind(
        lambda folder, src: repack(
            src.good,
            folder / "merged-sheet.xlsx",
            edit_part(
                SHEET3, lambda xml: xml.replace(b"</mergeCells>", b'<mergeCell ref="A1:XFD1048576"/></mergeCells>')
            ),
        ),
        "unreadable",
        "合并单元格的范围合计",
    ),
    "string_over_limit": Kind(_long_text("too-long-text.xlsx", 40_000), "unreadable", "单元格文本长度上限"),
    "too_many_sheets": Kind(
        _openpyxl_kind("1200-sheets.xlsx", _sheets(1_200)), "unreadable", "工作表数上限", heavy=True
    ),
    # special files
    "directory": Kind(_special("folder.xlsx", lambda p: p.mkdir()), "unreadable", "文件夹"),
    "fifo": Kind(_special("pipe.xlsx", os.mkfifo), "unreadable", "命名管道", posix=True),
    "device_symlink": Kind(
        _special("zero.xlsx", lambda p: p.symlink_to("/dev/zero")), "unreadable", "设备文件", posix=True
    ),
    "tty_symlink": Kind(
        _special("tty.xlsx", lambda p: p.symlink_to("/dev/null")), "unreadable", "设备文件", posix=True
    ),
    "symlink_loop": Kind(_special("loop-a.xlsx", _loop), "unreadable", "循环", posix=True),
    "dangling_symlink": Kind(
        _special("gone.xlsx", lambda p: p.symlink_to(p.with_name("nowhere.xlsx"))),
        "unreadable",
        "找不到文件",
        posix=True,
    ),
    "missing": Kind(lambda f, s: f / "不存在.xlsx", "unreadable", "找不到文件"),
    # readable, odd workbooks
    "hundreds_of_sheets": Kind(_openpyxl_kind("300-sheets.xlsx", _sheets(300)), "checked", clean=True, heavy=True),
    "long_extra_sheet": Kind(_long_sheet, "checked", clean=True, heavy=True),
    "formula_uncached": Kind(_openpyxl_kind("formula.xlsx", _formulas), "checked", "没有保存计算结果"),
    "formula_error": Kind(_errors, "checked", "公式错误值"),
    "formula_circular": Kind(_openpyxl_kind("circular.xlsx", _circular), "checked", "没有保存计算结果"),
    "external_link": Kind(_external_link, "checked"),
    "merged_over_inputs": Kind(
        _openpyxl_kind("merged.xlsx", lambda wb: wb["表三"].merge_cells("E8:F9")), "checked", "合并"
    ),
    "hidden_table_sheet": Kind(_openpyxl_kind("hidden.xlsx", _hidden_sheet), "checked"),
    "duplicated_table_sheet": Kind(_openpyxl_kind("duplicate.xlsx", _duplicated_sheet), "checked"),
    "longest_text": Kind(_long_text("longest-text.xlsx", 32_767), "checked", clean=True),
    "odd_characters": Kind(_openpyxl_kind("odd-chars.xlsx", _odd_characters), "checked"),
    "control_characters": Kind(_control_characters, "checked"),
    "strict_ooxml": Kind(_strict, "checked"),
    "name_chinese": Kind(copy_as("某某县人民政府2024年政府信息公开工作年度报告.xlsx"), "checked", clean=True),
    "name_spaces_quotes": Kind(copy_as("报告 \"终稿\" '改' (1) & <2>.xlsx"), "checked", clean=True),
    "name_very_long": Kind(copy_as("很" * 78 + ".xlsx"), "checked", clean=True),
    "name_too_long_for_a_copy": Kind(
        copy_as("长" * 82 + ".xlsx"), "checked", "无法写入标注副本（文件名过长）", clean=True
    ),
    "name_renamed_xlsm": Kind(copy_as("macro.xlsm"), "checked", clean=True),
    "read_only": Kind(_read_only, "checked", clean=True, posix=True),
    "libreoffice_xlsx": Kind(_libreoffice("xlsx", "libreoffice.xlsx"), "checked", clean=True, needs_libreoffice=True),
}
