"""Reading a Word document (.docx) into one sheet: paragraphs in order, tables with gridSpan/vMerge as merged blocks.

A table with tables in its cells is a layout: its cells are read as blocks; a text box's content follows its paragraph.
A footnote is read as a paragraph after the paragraph or table that refers to it (after all parts of a table, as its
PDF prints it at the page's foot and the PDF reader reads it), an endnote where Word prints it: at the document's end
(after its last footnotes), or at the end of the section that refers to it when the document's settings say so; so
that a .docx and its PDF read the same text.
A paragraph numbered by Word's automatic numbering reads with its number in front (validator.sources.numbering);
what Word does not show (hidden text, text deleted or moved away) is taken out first (validator.sources.hidden); a
web page the body embeds (w:altChunk) is read in its place by the web page reader. Pictures are noted where they
stand; a worksheet pasted in as an object (w:object) is one, its preview, noted as such: its embedded workbook is not
read (what the document shows is the preview). A document of pictures only (scanned pages), or of typed headings
with a picture, not a table, under each (validator.sources.document.Assembler.readable), is refused.

The package passes the same checks as a workbook first (validator.sources.package: entries, sizes, climbing names,
DOCTYPE, depth); the XML is then parsed by defusedxml. Elements are matched by local name, so Strict OOXML reads too.
"""

from __future__ import annotations

import io
import posixpath
import zipfile

from validator.audience import DOCX_BODILESS, DOCX_BROKEN, DOCX_RESAVE
from validator.sources.document import CONTINUED, NARROW_COLUMN, Assembler, Table, on_shared_columns
from validator.sources.grid import ReadError, WorkbookGrid
from validator.sources.hidden import remove_hidden, remove_raised_marks
from validator.sources.html import read_into
from validator.sources.limits import Limits
from validator.sources.mhtml import is_web_archive, main_page
from validator.sources.numbering import Numbering
from validator.sources.package import inspect_package
from validator.sources.relationships import relationships
from validator.sources.wordml import attr, child, local

_MAX_SPAN = 1000  # Word allows 63 columns; anything wider is made by hand
# Deleted revisions and field codes; and the fallback of alternate content (a text box is written twice: as a
# drawing, and as VML for older readers).
_PICTURES = frozenset({"blip", "imagedata"})  # an image in a drawing (DrawingML) or in VML
# An object embedded in the text (w:object: its preview picture, and o:OLEObject, or w:objectEmbed as the later
# editions of the standard write it, naming the program of what it holds): Excel.Sheet.12, Excel.Sheet.8 a worksheet
_OBJECTS = {"OLEObject": "ProgID", "objectEmbed": "progId"}
_WORKSHEET = "excel.sheet"
_SKIPPED_TEXT = frozenset({"delText", "instrText", "delInstrText", "Fallback"})
_DOCUMENT = "word/document.xml"
_CHUNK = "/aFChunk"  # the relationship type of content imported by w:altChunk
_RESAVE = DOCX_RESAVE.receiver


def _setting(el, name: str) -> str | None:
    """The w:val of the child `name` of el (a property element), "" when present without a value (w:vMerge alone
    continues a merge), else None."""
    prop = child(el, name)
    return None if prop is None else attr(prop, "val") or ""


def read_docx(data: bytes, limits: Limits) -> WorkbookGrid:
    """The document's body as one sheet (validator.sources.document)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        # the walk below recurses into content controls; embedded web pages are HTML, for the HTML reader
        inspected = inspect_package(zf, data, limits, nested=True, web_pages=True)
    parts = inspected.parts
    body = _parsed(parts, _DOCUMENT, "正文")
    try:
        related = relationships(parts, _DOCUMENT)
    except Exception:  # broken relationships: the body's own parts are all there is
        related = []
    linked = {kind.rsplit("/", 1)[-1]: part for _, kind, part in related}
    chunks = {rid: (part, inspected.pages.get(part)) for rid, kind, part in related if kind.endswith(_CHUNK)}
    styles = _styles(parts, linked)
    numbering = Numbering()
    if "numbering" in linked:
        numbering = Numbering(_parsed(parts, linked["numbering"], "编号"), styles)
    asm = Assembler("docx", limits)
    found = next((el for el in body.iter() if local(el) == "body"), None)
    if found is None:
        raise ReadError(f"Word 文档中没有正文。{DOCX_BODILESS.receiver}", "corrupt")
    remove_hidden(found, styles)
    remove_raised_marks(found, styles)
    notes = _Notes(parts, linked, styles, numbering)
    _blocks(found, asm, numbering, chunks, notes)
    notes.read(asm)
    notes.end(asm)
    asm.readable("Word 文档")
    return asm.grid()


def _styles(parts: dict[str, bytes], linked: dict[str, str]):
    """The styles part parsed, or None without one. Numbers cannot be told without it, so a broken one is refused
    in a document with lists; elsewhere the styles only hide text (rarely), and the document is read as written."""
    if "styles" not in linked:
        return None
    try:
        return _parsed(parts, linked["styles"], "样式")
    except ReadError:
        if "numbering" in linked:
            raise
        return None


def _parsed(parts: dict[str, bytes], name: str, what: str):
    """The part `name` parsed, or a ReadError naming `what` it holds when it is missing or broken."""
    import defusedxml.ElementTree as safe_xml

    try:
        return safe_xml.fromstring(parts[name])
    except Exception as exc:  # a missing, refused or broken part
        raise ReadError(
            f"Word 文档的{what}部分无法解析（{type(exc).__name__}），可能已损坏。{DOCX_BROKEN.receiver}",
            "corrupt",
        ) from exc


class _Notes:
    """The document's footnotes and endnotes (w:footnote, w:endnote in their parts) by id, and those referred to that
    wait to be read: a footnote a paragraph before the next paragraph of text but one saying a table goes on
    (CONTINUED), an endnote at the document's end, or at its section's end when the settings place endnotes there
    (w:endnotePr/w:pos「sectEnd」). A broken or missing part has none: the body reads as Word shows it."""

    def __init__(self, parts: dict[str, bytes], linked: dict[str, str], styles, numbering: Numbering) -> None:
        self.numbering, self.waiting, self.ending = numbering, [], []
        self.footnotes = _notes(parts, linked.get("footnotes"), "footnote", styles)
        self.endnotes = _notes(parts, linked.get("endnotes"), "endnote", styles)
        self.by_section = bool(self.endnotes) and _endnotes_at_sections(parts, linked.get("settings"))

    def refer(self, el) -> None:
        """The notes `el` refers to, to be read after it (each once)."""
        if not self.footnotes and not self.endnotes:
            return
        for node in el.iter():
            tag = local(node)
            if tag == "footnoteReference" and (note := self.footnotes.pop(attr(node, "id"), None)) is not None:
                self.waiting.append(note)
            elif tag == "endnoteReference" and (note := self.endnotes.pop(attr(node, "id"), None)) is not None:
                self.ending.append(note)

    def read(self, asm: Assembler, before: str | None = None) -> None:
        """The waiting footnotes read, before a paragraph of text (`before`) that does not say a table goes on, or at
        the body's end (None)."""
        if self.waiting and (before is None or (before.strip() and not CONTINUED.fullmatch(before.strip()))):
            self._put(asm, self.waiting)
            self.waiting = []

    def end(self, asm: Assembler, section: bool = False) -> None:
        """The endnotes referred to so far read, at the end of a `section` when they are printed there, or at the
        document's end."""
        if self.ending and (self.by_section or not section):
            self._put(asm, self.ending)
            self.ending = []

    def _put(self, asm: Assembler, notes: list) -> None:
        for note in notes:
            asm.paragraph("\n".join(_text(p, self.numbering) for p in note if local(p) == "p"))


def _notes(parts: dict[str, bytes], name: str | None, kind: str, styles) -> dict:
    """The notes of a notes part (`kind`: footnote, endnote) by id, their hidden text taken out; Word's separators
    are none. A missing or broken part has none."""
    try:
        root = _parsed(parts, name, "尾注" if kind == "endnote" else "脚注") if name else None
    except ReadError:
        return {}
    if root is None:
        return {}
    remove_hidden(root, styles)
    return {attr(note, "id"): note for note in root if local(note) == kind and attr(note, "type") in (None, "normal")}


def _endnotes_at_sections(parts: dict[str, bytes], name: str | None) -> bool:
    """Whether the document's settings print endnotes at each section's end (w:endnotePr/w:pos「sectEnd」) rather
    than at the document's end (Word's default)."""
    try:
        settings = _parsed(parts, name, "设置") if name else None
    except ReadError:
        return False
    props = child(settings, "endnotePr")
    return props is not None and _setting(props, "pos") == "sectEnd"


def _blocks(container, asm: Assembler, numbering: Numbering, chunks: dict, notes: _Notes) -> None:
    """Paragraphs and tables of a body, content control, cell or text box, in order, and the content embedded from
    other parts (w:altChunk; `chunks`: relationship id → (part, its bytes if a web page)); the notes they refer to
    after them (`notes`), endnotes printed at a section's end after its last paragraph (holding w:sectPr). As on a web page, a table with tables in its cells lays the page out: its cells are read
    as blocks. The recursion is as deep as the XML, which the package inspection limits."""
    for el in container:
        tag = local(el)
        if tag == "p":
            boxes: list = []
            text = numbering.label(el) + _text(el, numbering, boxes)
            notes.read(asm, text)
            asm.paragraph(text)
            notes.refer(el)
            if any(local(node) in _PICTURES for node in el.iter()):
                asm.picture(worksheet=_worksheet(el))
            for box in boxes:  # a text box's content follows its paragraph
                _blocks(box, asm, numbering, chunks, notes)
            if child(child(el, "pPr"), "sectPr") is not None:
                notes.end(asm, section=True)
        elif tag == "tbl" and any(local(node) == "tbl" for node in el.iter() if node is not el):
            for tr in _children(el, "tr"):
                for tc in _children(tr, "tc"):
                    _blocks(tc, asm, numbering, chunks, notes)
        elif tag == "tbl":
            asm.table(_table(el, numbering))
            notes.refer(el)
        elif tag in ("sdt", "sdtContent", "customXml", "ins"):
            _blocks(el, asm, numbering, chunks, notes)
        elif tag == "altChunk":
            _chunk(el, asm, chunks)


def _worksheet(el) -> bool:
    """Whether a paragraph holds a worksheet pasted in as an object (Excel's 选择性粘贴 → 工作表 对象): what it shows
    is a preview picture of the cells, whose numbers are in the embedded workbook, not in the document."""
    for node in el.iter():
        name = _OBJECTS.get(local(node))
        if name and (attr(node, name) or "").lower().startswith(_WORKSHEET):
            return True
    return False


def _chunk(el, asm: Assembler, chunks: dict) -> None:
    """Content Word imports from another part where it stands (w:altChunk): OA and web systems export a report as a
    Word file whose body is the web page (HTML, or MHTML: the page with its pictures in one MIME message), read by
    the web page reader. Another kind (RTF, plain text, another Word document) is refused, saying how to convert it."""
    rid = next((v for k, v in el.attrib.items() if k.rsplit("}", 1)[-1] == "id"), "")
    part, page = chunks.get(rid, ("", None))
    if page is None:
        kind = posixpath.splitext(part)[1].lstrip(".").upper() or "未知格式"
        raise ReadError(
            f"Word 文档的正文嵌入了另一个文件（{kind} 格式的 {posixpath.basename(part) or '部件'}），本工具无法读取其内容。"
            f"{_RESAVE}",
            "unsupported",
        )
    charset = None
    if part.lower().endswith((".mht", ".mhtml")) or is_web_archive(page):
        page, charset, _ = main_page(
            page, asm.limits, f"Word 文档正文嵌入的网页存档（{posixpath.basename(part)}）", _RESAVE
        )
    read_into(page, asm, asm.limits, charset)


def _text(el, numbering: Numbering, boxes: list | None = None) -> str:
    """A paragraph's (or cell's) text: runs joined as written, line breaks and paragraphs as new lines, a numbered
    paragraph in a cell with its number. With `boxes`, the content of text boxes is put there instead of into the
    text."""
    parts: list[str] = []
    _collect(el, parts, boxes, numbering)
    return "".join(parts)


def _collect(el, parts: list[str], boxes: list | None, numbering: Numbering) -> None:
    for node in el:
        tag = local(node)
        if tag == "t" and node.text:
            parts.append(node.text)
        elif tag in ("br", "cr") or (tag == "p" and parts):
            parts.append("\n")
        elif tag == "tab":
            parts.append("\t")
        if tag == "p":
            parts.append(numbering.label(node))
        if tag == "txbxContent" and boxes is not None:
            boxes.append(node)
        elif tag not in _SKIPPED_TEXT:
            _collect(node, parts, boxes, numbering)


def _children(el, name: str) -> list:
    """The `name` children of el, looking through content controls (w:sdt) that wrap rows or cells."""
    out = []
    for node in el:
        tag = local(node)
        if tag == name:
            out.append(node)
        elif tag in ("sdt", "sdtContent", "customXml"):
            out += _children(node, name)
    return out


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), _MAX_SPAN))
    except ValueError:
        return 1


def _table(tbl, numbering: Numbering) -> Table:
    """Cells placed on the table grid: gridBefore shifts a row, gridSpan (or hMerge) widens a cell, vMerge continues
    the cell above; a merged cell is one cell with its extent, never blanks."""
    table = Table({})
    open_merges: dict[int, list[int]] = {}  # left column → [top, left, bottom, right] of a vertical merge
    for r, tr in enumerate(_children(tbl, "tr"), 1):
        row_props = child(tr, "trPr")
        c = 1 + (
            _span(_setting(row_props, "gridBefore"))
            if row_props is not None and _setting(row_props, "gridBefore")
            else 0
        )
        for tc, props, width in _cells(tr):
            vmerge = _setting(props, "vMerge") if props is not None else None
            if vmerge is not None and vmerge != "restart" and c in open_merges:
                open_merges[c][2] = r
            else:
                if c in open_merges:
                    _close(table, open_merges.pop(c))
                text = _text(tc, numbering).strip()
                if text:
                    table.cells[(r, c)] = text
                if vmerge == "restart":
                    open_merges[c] = [r, c, r, c + width - 1]
                elif width > 1:
                    table.merges.append((r, c, r, c + width - 1))
            c += width
    for merge in open_merges.values():
        _close(table, merge)
    return on_shared_columns(table, _grid_edges(tbl), NARROW_COLUMN * 20)  # twips


def _grid_edges(tbl) -> list[float]:
    """The positions of the table grid's column borders (twips), from its w:tblGrid; none when a width is missing."""
    edges = [0.0]
    for col in _children(child(tbl, "tblGrid"), "gridCol") if child(tbl, "tblGrid") is not None else []:
        try:
            width = float(attr(col, "w") or "")
        except ValueError:
            return []
        edges.append(edges[-1] + width)
    return edges


def _cells(tr) -> list[tuple]:
    """A row's cells, each with its properties and the grid columns it spans: its w:gridSpan, and the cells after it
    that continue its legacy horizontal merge (w:hMerge, as older Word versions and converters write one)."""
    out: list[list] = []
    for tc in _children(tr, "tc"):
        props = child(tc, "tcPr")
        width = _span(_setting(props, "gridSpan")) if props is not None else 1
        hmerge = _setting(props, "hMerge") if props is not None else None
        if hmerge is not None and hmerge != "restart" and out:
            out[-1][2] += width
        else:
            out.append([tc, props, width])
    return [tuple(cell) for cell in out]


def _close(table: Table, merge: list[int]) -> None:
    top, left, bottom, right = merge
    if bottom > top or right > left:
        table.merges.append((top, left, bottom, right))
