"""Clearing cell by cell at zip level from the undo record alone, for marked workbooks that another program saved
since (marked by the Excel button, a copy edited in Excel, copies written by earlier versions of the tool), and the
tool's notes the record no longer places (sheets renamed or copied, rows inserted, the record deleted); results
sheets found, removed or kept for the agency's explanations."""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from validator.annotate.marked_sheet import MarkedSheet, shape_ids, unrecognised_drawing
from validator.annotate.notes_xml import comment_text, rich_text
from validator.annotate.package import Package, child, children, parse, serialise
from validator.annotate.plan import NOTE_AUTHOR, is_mark_note
from validator.annotate.sheet_xml import deselect
from validator.annotate.styles import StyleBook
from validator.annotate.undo import SHOWN, Original, SavedNote, UndoRecord, fill_colour, read_record
from validator.annotate.unmark import MARK_FILLS, Unmarking, sheets_to_clear, unmark
from validator.annotate.vml import NotADrawing
from validator.annotate.workbook_xml import Book
from validator.cellref import parse_ref
from validator.names import (
    MARKS_SHEET,
    RESULT_SHEET,
    RESULT_TITLE,
    is_results_sheet,
)
from validator.rounds.explain import read_explanations
from validator.sources.grid import SheetGrid

_MARK_SIGNS = ("【".encode(), NOTE_AUTHOR.encode(), b"&#")  # in a comments part holding a mark (&#: escaped text)


def clear_cells(pkg: Package, keep: str | None = None) -> tuple[Package, list[str]]:
    """The package with every cell of the undo record given back its fill and note, and the tool's sheets removed
    (the results sheet named `keep` stays); with the cells whose fill was guessed (`unmark`)."""
    book = Book(pkg)
    record = _record(pkg, book)
    styles = StyleBook(parse(pkg.read(book.styles)))
    tools = (MARKS_SHEET, record.results)
    found = {name: (part, _tool_noted(pkg, part)) for name, part in book.worksheets().items() if name not in tools}
    guessed = _unmark_sheets(pkg, book, styles, found, record)
    names = book.names
    book.remove_sheet(MARKS_SHEET)
    if record.results in book.names and record.results != keep:
        book.remove_sheet(record.results)
    visible = [s.name for s in book.sheets if s.state == "visible"] or book.names
    book.set_active(record.active if record.active in book.names else visible[0])
    book.save()
    pkg.put(book.styles, serialise(styles.root))
    book.update_titles(names)
    return Package(pkg.bytes()), guessed


def take_off_marks(pkg: Package, book: Book) -> tuple[Package, list[str]] | None:
    """The package without the tool's notes (and their marks' fills) where its undo record is gone (the marks sheet
    deleted from a copy: LibreOffice saves it as a sheet hidden only, which users can unhide and delete); None when
    there are none. Each cell's own note kept below the mark's text comes back; the fill is the template's input fill
    (the cells whose fill was so guessed come with the package). `book` is the package's workbook, only read."""
    worksheets = book.worksheets()
    found = {name: (part, cells) for name, part in worksheets.items() if (cells := _tool_noted(pkg, part))}
    if not found:
        return None
    styles = StyleBook(parse(pkg.read(book.styles)))
    guessed = _unmark_sheets(pkg, book, styles, found, None)
    pkg.put(book.styles, serialise(styles.root))
    return Package(pkg.bytes()), guessed


def _unmark_sheets(
    pkg: Package, book: Book, styles: StyleBook, found: dict[str, tuple[str, set[str]]], record: UndoRecord | None
) -> list[str]:
    """Each sheet of `found` (name → (part, the cells carrying the tool's notes)) cleared as the marked sheet of
    `record` it is (`marked_sheets`; none without a record), saved; the cells whose fill was guessed, as 表三!C9.
    Rows and columns the zip painter showed for marks are hidden again where the marks did not move."""
    clearing = sheets_to_clear(record, {name: cells for name, (_, cells) in found.items()})
    ids = shape_ids(pkg)
    guessed = []
    for name, (marked, originals) in clearing.items():
        part, noted = found[name]
        sheet = MarkedSheet.open(pkg, book, part, parse(pkg.read(part)), ids)
        try:
            unmarking = _unmark_sheet(sheet, originals, noted, styles)
        except NotADrawing as exc:
            raise unrecognised_drawing(
                name, sheet.vml, "请在 Excel 中打开该工作簿，另存为 .xlsx 后再清除标注。"
            ) from exc
        if marked is not None and record is not None and not unmarking.moved:  # else other cells may be there now
            shown = record.view.get(SHOWN, {}).get(marked, {})
            sheet.cells.hide(shown.get("rows", ()), shown.get("cols", ()))
        sheet.save(pkg, book)
        guessed += [f"{name}!{ref}" for ref in unmarking.guessed]
    return guessed


def _tool_noted(pkg: Package, part: str) -> set[str]:
    """The cells of a worksheet part whose note the tool wrote: by its author, or by its text where the program that
    saved the copy since dropped the author."""
    comments = next((r.target for r in pkg.relationships(part) if r.type.endswith("/comments")), None)
    if comments is None or not pkg.has(comments):
        return set()
    data = pkg.read(comments)
    if not any(sign in data for sign in _MARK_SIGNS):  # most notes are no marks: not parsed
        return set()
    root = parse(data)
    authors = child(root, "authors")
    names = [a.text for a in children(authors, "author")] if authors is not None else []
    ours = {str(i) for i, name in enumerate(names) if name == NOTE_AUTHOR}
    found = child(root, "commentList")
    listed = children(found, "comment") if found is not None else []
    return {c.get("ref", "").upper() for c in listed if c.get("authorId") in ours or is_mark_note(comment_text(c))}


def _unmark_sheet(sheet: MarkedSheet, originals: Sequence[Original], noted: set[str], styles: StyleBook) -> Unmarking:
    """One sheet's `unmark`, carried out at zip level."""

    def note_text(ref: str) -> str | None:
        saved = sheet.notes.saved(ref)
        return saved.text if saved else None

    def mark_fill(ref: str) -> bool:
        return fill_colour(styles.fill_xml(sheet.cells.style(*parse_ref(ref)))) in MARK_FILLS

    unmarking = unmark(originals, noted, note_text, mark_fill)
    for restore in unmarking.restores:
        row, col = parse_ref(restore.cell)
        if restore.fill is not None:
            xf = sheet.cells.style(row, col)
            sheet.cells.set_style(row, col, styles.with_fill(xf, _fill(styles, restore.fill)))
        if restore.note is None:
            sheet.notes.delete(restore.cell, row, col)
        elif isinstance(restore.note, SavedNote):
            sheet.notes.write(restore.cell, row, col, restore.note.text, restore.note.author)
    return unmarking


def results_sheets(pkg: Package, book: Book) -> dict[str, bool]:
    """The results sheets this tool wrote (the record's, one kept by clearing, or one copied in, whatever the user
    renamed it to, as the reader knows them by their title; not a user's sheet merely so named), each with whether it
    holds any explanation typed by the agency."""
    found = {}
    renamed = MARKS_SHEET in book.names  # a marked copy: its results sheet may have been renamed
    shared = _shared_part(pkg, book) if renamed else None
    titled = shared is not None and _may_hold_title(pkg.read(shared))  # any sheet may show it: first cells are read
    for sheet in book.sheets:
        if sheet.kind != "worksheet" or not sheet.part or not pkg.has(sheet.part):
            continue
        if sheet.name.startswith(RESULT_SHEET) or (renamed and (titled or _may_hold_title(pkg.read(sheet.part)))):
            rows = sheet_rows(pkg, book, sheet.part)
            if is_results_sheet("", rows[0][0] if rows and rows[0] else None):
                cells = {(r, c): v for r, row in enumerate(rows, 1) for c, v in enumerate(row, 1) if v is not None}
                found[sheet.name] = bool(read_explanations([SheetGrid(sheet.name, cells)]))
    return found


def _may_hold_title(data: bytes) -> bool:
    """Whether a part may hold the results sheet's title (as text, or escaped as character references)."""
    return RESULT_TITLE.encode() in data or b"&#" in data


def drop_results(pkg: Package, gone: Sequence[str], kept: str | None) -> Package:
    """The package without the results sheets `gone`; the one `kept` moved last and not selected, so that the next
    check reads its explanations; the active sheet stays (the first other visible one if it went)."""
    book = Book(pkg)
    names, active = book.names, book.active
    for name in gone:
        book.remove_sheet(name)
    if kept is not None:
        book.move_last(kept)
        part = book.sheets[-1].part
        root = parse(pkg.read(part))
        if deselect(root):
            pkg.put(part, serialise(root))
    if active not in book.names or active == kept:
        visible = [s.name for s in book.sheets if s.state == "visible" and s.name != kept]
        active = (visible or book.names)[0]
    book.set_active(active)
    book.save()
    book.update_titles(names)
    return Package(pkg.bytes())


def _fill(styles: StyleBook, saved: str) -> etree._Element:
    if saved.startswith("<"):
        return styles.parsed_fill(saved)
    colour = fill_colour(saved)
    if colour:
        return styles.solid(colour)
    none = etree.fromstring('<fill><patternFill patternType="none"/></fill>')
    return styles.parsed_fill(etree.tostring(none, encoding="unicode"))


def _record(pkg: Package, book: Book) -> UndoRecord:
    store = next(s for s in book.sheets if s.name == MARKS_SHEET)
    rows = sheet_rows(pkg, book, store.part)
    results = read_record(rows, book.names).results
    return read_record(rows, [n for n in book.names if n not in (MARKS_SHEET, results)])


def sheet_rows(pkg: Package, book: Book, part: str) -> list[list[str | None]]:
    """A small sheet's cell texts by row from A1 (inline, shared or plain), as the undo record is stored."""
    shared = _shared_strings(pkg, book)
    out: list[list[str | None]] = []
    for row in children(child(parse(pkg.read(part)), "sheetData"), "row"):
        r = int(row.get("r") or len(out) + 1)
        out += [[] for _ in range(r - len(out))]
        values = out[r - 1]
        for c in children(row, "c"):
            col = parse_ref(c.get("r"))[1] if c.get("r") else len(values) + 1
            values += [None] * (col - len(values))
            values[col - 1] = _value(c, shared)
    return out


def _value(c: etree._Element, shared: Sequence[str]) -> str | None:
    kind = c.get("t")
    if kind == "inlineStr":
        box = child(c, "is")
        return rich_text(box) if box is not None else ""
    v = child(c, "v")
    if v is None:
        return None
    if kind == "s":
        return shared[int(v.text)]
    return v.text


def _shared_part(pkg: Package, book: Book) -> str | None:
    part = next((r.target for r in pkg.relationships(book.part) if r.type.endswith("/sharedStrings")), None)
    return part if part is not None and pkg.has(part) else None


def _shared_strings(pkg: Package, book: Book) -> list[str]:
    part = _shared_part(pkg, book)
    return [] if part is None else [rich_text(si) for si in children(parse(pkg.read(part)), "si")]
