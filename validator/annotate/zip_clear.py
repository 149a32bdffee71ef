"""Clearing cell by cell at zip level from the undo record alone, for marked workbooks that another program saved
since (marked by the Excel button, a copy edited in Excel, copies written by earlier versions of the tool), and the
tool's notes the record no longer places (sheets renamed or copied, rows inserted, the record deleted); results
sheets found, removed or kept for the agency's explanations."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from lxml import etree

from validator.annotate.marked_sheet import MarkedSheet, shape_ids, unrecognised_drawing
from validator.annotate.notes_xml import comment_text, rich_text
from validator.annotate.package import Package, child, children, parse, serialise
from validator.annotate.plan import NOTE_AUTHOR, ORIGINAL_NOTE_SEPARATOR, is_mark_note
from validator.annotate.sheet_xml import deselect, parse_ref
from validator.annotate.styles import StyleBook
from validator.annotate.undo import SHOWN, Original, SavedNote, UndoRecord, fill_colour, read_record
from validator.annotate.vml import NotADrawing, ShapeIds
from validator.annotate.workbook_xml import Book
from validator.names import (
    INPUT_FILL,
    MARKS_SHEET,
    PRIMARY_FILL,
    RELATED_FILL,
    RESULT_SHEET,
    RESULT_TITLE,
    is_results_sheet,
)
from validator.rounds.explain import read_explanations
from validator.sources.grid import SheetGrid

MARK_FILLS = frozenset({*PRIMARY_FILL.values(), *RELATED_FILL.values()})
_MARK_SIGNS = ("【".encode(), NOTE_AUTHOR.encode(), b"&#")  # in a comments part holding a mark (&#: escaped text)


def clear_cells(pkg: Package, keep: str | None = None) -> tuple[Package, list[str]]:
    """The package with every cell of the undo record given back its fill and note, and the tool's sheets removed
    (the results sheet named `keep` stays); with the cells whose fill was guessed (`_take_off`)."""
    book = Book(pkg)
    record = _record(pkg, book)
    styles = StyleBook(parse(pkg.read(book.styles)))
    worksheets = book.worksheets()
    originals = defaultdict(list)
    for original in record.originals:
        originals[original.sheet].append(original)
    ids = shape_ids(pkg)
    for marked, now in _marked_sheets(pkg, record, worksheets):
        noted = _tool_noted(pkg, worksheets[now])
        sheet = MarkedSheet.open(pkg, book, worksheets[now], parse(pkg.read(worksheets[now])), ids)
        try:
            moved = _give_back(sheet, originals[marked], styles, noted)
        except NotADrawing as exc:
            raise unrecognised_drawing(now, sheet.vml, "再清除标注") from exc
        if not moved:  # else the recorded rows and columns may hold other cells now: they stay shown
            shown = record.view.get(SHOWN, {}).get(marked, {})
            sheet.cells.hide(shown.get("rows", ()), shown.get("cols", ()))
        sheet.save(pkg, book)
    # marks the record does not place: their cells moved since marking
    others = {name: part for name, part in worksheets.items() if name not in (MARKS_SHEET, record.results)}
    guessed = _take_off_all(pkg, book, _noted_sheets(pkg, others), styles, ids)
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
    found = _noted_sheets(pkg, book.worksheets())
    if not found:
        return None
    styles = StyleBook(parse(pkg.read(book.styles)))
    guessed = _take_off_all(pkg, book, found, styles, shape_ids(pkg))
    pkg.put(book.styles, serialise(styles.root))
    return Package(pkg.bytes()), guessed


def _noted_sheets(pkg: Package, worksheets: dict[str, str]) -> dict[str, tuple[str, set[str]]]:
    """Of the worksheets (name → part), those carrying the tool's notes: name → (part, the cells)."""
    return {name: (part, cells) for name, part in worksheets.items() if (cells := _tool_noted(pkg, part))}


def _take_off_all(
    pkg: Package, book: Book, found: dict[str, tuple[str, set[str]]], styles: StyleBook, ids: ShapeIds
) -> list[str]:
    """`_take_off` on each sheet of `_noted_sheets`, saved; the cells whose fill it guessed, as 表三!C9."""
    guessed = []
    for name, (part, cells) in found.items():
        sheet = MarkedSheet.open(pkg, book, part, parse(pkg.read(part)), ids)
        try:
            guessed += [f"{name}!{ref}" for ref in _take_off(sheet, cells, styles)]
        except NotADrawing as exc:
            raise unrecognised_drawing(name, sheet.vml, "再清除标注") from exc
        sheet.save(pkg, book)
    return guessed


def _marked_sheets(pkg: Package, record: UndoRecord, worksheets: dict[str, str]) -> list[tuple[str, str]]:
    """(marked sheet in the record, sheet of the workbook to clear as it) pairs: each marked sheet still there, and
    each sheet named nowhere in the record on which the tool's notes sit at exactly the recorded cells of one marked
    sheet: that sheet renamed, or copied, in the copy since (tables are found by their labels, so users do both)."""
    noted: defaultdict[str, set[str]] = defaultdict(set)  # the cells that got the tool's note, by sheet
    for original in record.originals:
        if not original.note_kept:
            noted[original.sheet].add(original.cell.upper())
    marked = dict.fromkeys(o.sheet for o in record.originals)
    pairs = [(name, name) for name in marked if name in worksheets]
    named = {*marked, MARKS_SHEET, record.results}
    for name, part in worksheets.items():
        if name in named:
            continue
        cells = _tool_noted(pkg, part)
        matches = [sheet for sheet in marked if noted[sheet] and noted[sheet] == cells]
        if len(matches) == 1:
            pairs.append((matches[0], name))
    return pairs


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


def _give_back(sheet: MarkedSheet, originals: Sequence[Original], styles: StyleBook, noted: set[str]) -> bool:
    """Give each cell of one sheet back its fill and note; whether its marks moved. `noted`: the cells carrying the
    tool's notes now; when they are not the recorded ones, rows or columns were inserted or deleted in the copy since
    marking: a recorded cell is then given back only while it carries a mark (a note, or a mark's fill), and its own
    note is the one kept below the mark's text (`_take_off` clears marks the record no longer places)."""
    moved = noted != {o.cell.upper() for o in originals if not o.note_kept}
    for original in originals:
        row, col = parse_ref(original.cell)
        xf = sheet.cells.style(row, col)
        ours = original.cell.upper() in noted
        if moved and not ours and not _mark_fill(styles, xf):
            continue  # another cell moved here: not a mark
        sheet.cells.set_style(row, col, styles.with_fill(xf, _fill(styles, original.fill)))
        note = original.note
        if original.note_kept:
            continue
        if moved and ours:
            note = _own_note(sheet, original.cell, note if isinstance(note, SavedNote) else None)
        if note is None:
            sheet.notes.delete(original.cell, row, col)
        else:
            sheet.notes.write(original.cell, row, col, note.text, note.author)
    return moved


def _take_off(sheet: MarkedSheet, cells: set[str], styles: StyleBook) -> list[str]:
    """Take the tool's notes off cells the record does not place (rows or columns inserted or deleted in the copy
    moved them): the cell's own note kept below the mark's text comes back, and a mark's fill becomes the template's
    input fill (the original is unknown); the cells so filled."""
    guessed = []
    for ref in sorted(cells, key=parse_ref):
        row, col = parse_ref(ref)
        note = _own_note(sheet, ref, None)
        if note is None:
            sheet.notes.delete(ref, row, col)
        else:
            sheet.notes.write(ref, row, col, note.text, note.author)
        xf = sheet.cells.style(row, col)
        if _mark_fill(styles, xf):
            sheet.cells.set_style(row, col, styles.with_solid(xf, INPUT_FILL))
            guessed.append(ref)
    return guessed


def _own_note(sheet: MarkedSheet, ref: str, recorded: SavedNote | None) -> SavedNote | None:
    """The cell's own note as its mark keeps it below the separator (the recorded one when it is that), or None.
    Marks stacked over marks (an old mark kept as a cell's own note) give the note below all of them."""
    saved = sheet.notes.saved(ref)
    _, found, own = saved.text.rpartition(f"\n{ORIGINAL_NOTE_SEPARATOR}\n") if saved else ("", "", "")
    if not found or is_mark_note(own):
        return None
    return recorded if recorded is not None and recorded.text == own else SavedNote(own)


def _mark_fill(styles: StyleBook, xf: int) -> bool:
    return fill_colour(styles.fill_xml(xf)) in MARK_FILLS


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
