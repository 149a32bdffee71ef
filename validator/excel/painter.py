"""Painting the annotation plan into an open xlwings Book, and clearing any painter's marks from it.

Written against xlwings' common API, so it serves the desktop client (COM, classic RunPython) and the Office.js
client (xlwings Lite and Server) alike; where a client cannot do something it degrades as the undo record allows:
- a fill it cannot read (Office.js) is recorded as unknown, and clearing restores the template's input fill;
- a note it cannot read (Office.js) is left untouched and recorded as kept: the finding is on the results sheet;
- a sheet it cannot very-hide (Office.js) is hidden;
- notes it cannot add (Office.js before ExcelApi 1.18) are left out, and the results sheet says so;
- marks that rows or columns inserted or deleted since marking moved are found by the tool's notes, whose texts the
  desktop reads and the server button's macro sends; where a client cannot read them (Office.js) and a recorded
  note is gone, clearing (and checking again) changes nothing and says so; marks whose record the clerk deleted are
  found by their notes alike, except on Office.js, which cannot tell them from the clerk's own notes;
- a protected sheet is unprotected around painting (the template's has no password) and protected again as it was
  where the client can (the desktop); a password stops it, no sheet's protection changed; otherwise the template's
  own protection lets cells be formatted and notes be edited.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from typing import Any

from validator.annotate.plan import Mark, Merge, free_sheet_name, is_mark_note, plan_annotation
from validator.annotate.results import ResultCell, ResultsContent, ResultsTable, link_location
from validator.annotate.undo import (
    KEPT,
    NO_FILL,
    UNKNOWN_FILL,
    Cleared,
    Original,
    SavedNote,
    UndoRecord,
    fill_colour,
    read_record,
)
from validator.annotate.unmark import MARK_FILLS, Restore, sheets_to_clear, unmark
from validator.excel.source import range_cells
from validator.findings import FileReport
from validator.names import INPUT_FILL, MARKS_SHEET, RESULT_SHEET, TOOL_SHEETS, is_results_sheet
from validator.rounds.explain import read_explanations
from validator.sources.grid import SheetGrid
from validator.text import printable

PAINTER = "xlwings"
NO_NOTES = "当前 Excel 不支持由程序添加批注（需要 Microsoft 365 或 Excel 2024 及以上版本），各问题的说明请看本表。"
_VERY_HIDDEN = 2  # xlSheetVeryHidden


class CannotPaint(Exception):
    """The workbook cannot be marked (e.g. a sheet protected with a password); the message is Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def annotate_book(
    book: Any,
    report: FileReport,
    merges: Mapping[str, Sequence[Merge]],
    notes: Mapping[str, Mapping[str, str]] | None = None,
) -> Cleared:
    """Clear earlier marks, then paint the plan of `report`: marks, the results sheet (first, active), the record;
    what clearing did.

    Results sheets left by clearing or copied in go too: their explanations were read into `report`. `notes` gives
    the text of notes the client cannot read (sheet → coordinate → text; None: the client sends none).
    """
    known = note_texts(notes)
    sheets = {s.name: merges.get(s.name, ()) for s in book.sheets if s.name not in TOOL_SHEETS}
    can_note = _notes_supported(book)
    # Planned before clearing, which deletes only sheets no finding is on (results sheets), so that a sheet with a
    # password stops the button before clearing changes anything.
    plan = plan_annotation(report, sheets, () if can_note else (NO_NOTES,))
    with _unprotected(book, {m.cell.sheet for m in plan.marks}):
        cleared = clear_marks(book, keep_explanations=False, notes=known)
        active = book.sheets.active.name
        originals = [
            _paint(book.sheets[m.cell.sheet], m, can_note, (known or {}).get(m.cell.sheet, {})) for m in plan.marks
        ]
    results = _add_sheet(book, free_sheet_name(RESULT_SHEET, [s.name for s in book.sheets]), first=True)
    _write_results(results, plan.results)
    store = _add_sheet(book, MARKS_SHEET, first=False)
    record = UndoRecord(PAINTER, results.name, active, {}, originals).rows()
    store.range((1, 1)).value = [row + [None] * (4 - len(row)) for row in record]  # Office.js wants a rectangle
    _hide(store)
    results.activate()
    return cleared


def note_texts(notes: Mapping[str, Mapping[str, str]] | None) -> dict[str, dict[str, str]] | None:
    """A copy of the texts of notes the client cannot read (sheet → coordinate → text), for `clear_marks` to keep up
    to date."""
    return None if notes is None else {sheet: dict(texts) for sheet, texts in notes.items()}


def clear_marks(book: Any, keep_explanations: bool = True, notes: dict[str, dict[str, str]] | None = None) -> Cleared:
    """Undo the marks of any painter (the command line's too): fills and notes back, tool sheets removed.

    A results sheet holding the agency's explanations stays unless `keep_explanations` is False (the next check
    reads them). `notes` gives the text of notes the client cannot read (sheet → coordinate → text; None: the client
    sends none); clearing keeps it up to date with the notes it writes and deletes (painting reads it next).
    Marks that rows or columns inserted or deleted since marking moved are found by their notes (`unmark`), and the
    cells whose fill was guessed named; CannotPaint, the book untouched, where they moved on a sheet whose notes the
    client cannot read. So are marks whose record (the marks sheet) the clerk deleted, as `nianbao clear` finds them
    (`take_off_marks`), where the client reads notes.
    """
    names = [s.name for s in book.sheets]
    results = [
        n for n in names if n.startswith(RESULT_SHEET) and is_results_sheet("", book.sheets[n].range((1, 1)).value)
    ]
    kept = next((n for n in results if keep_explanations and _explained(book.sheets[n])), None)
    record = None
    if MARKS_SHEET in names:
        store = book.sheets[MARKS_SHEET]
        record = read_record(store.used_range.options(ndim=2).value, names)
        results = [MARKS_SHEET, *results, *([record.results] if record.results in names else [])]
    own = [n for n in names if n not in results and n not in TOOL_SHEETS]
    guessed, unmarked = _unmark(book, record, own, notes)
    gone = [n for n in dict.fromkeys(results) if n != kept]
    for name in gone:
        sheet = book.sheets[name]
        sheet.visible = True  # Excel does not delete a very hidden sheet
        sheet.delete()
    if record is not None and record.active in names and record.active not in gone:
        book.sheets[record.active].activate()
    return Cleared(bool(gone) or unmarked, kept, tuple(guessed))


def _unmark(
    book: Any, record: UndoRecord | None, names: Sequence[str], known: dict[str, dict[str, str]] | None
) -> tuple[list[str], bool]:
    """The record's cells given back and the marks it no longer places (every mark without a record) taken off, on
    the named sheets (`unmark`); the cells whose fill was guessed, as 表三!C9, and whether a cell was given back.
    Every sheet's notes are read before any cell changes."""
    notes = {
        name: _notes_now(book.sheets[name], record, None if known is None else known.get(name, {})) for name in names
    }
    noted = {name: cells for name, (cells, _) in notes.items()}
    clearing = sheets_to_clear(record, noted)
    guessed, unmarked = [], False
    with _unprotected(book, set(clearing)):
        for name, (_, originals) in clearing.items():
            sheet, (cells, texts) = book.sheets[name], notes[name]
            unmarking = unmark(
                originals,
                cells,
                texts.get,
                lambda ref, sheet=sheet: _mark_fill(sheet.range(ref)),
            )
            for restore in unmarking.restores:
                _restore(sheet.range(restore.cell), restore)
                if known is not None and restore.note != KEPT:
                    _note_known(known.setdefault(name, {}), restore)
            guessed += [f"{name}!{ref}" for ref in unmarking.guessed]
            unmarked = unmarked or bool(unmarking.restores)
    return guessed, unmarked


def _note_known(texts: dict[str, str], restore: Restore) -> None:
    """The text of a cell's note as clearing leaves it, where the client cannot read notes."""
    if isinstance(restore.note, SavedNote):
        texts[restore.cell] = restore.note.text
    else:
        texts.pop(restore.cell, None)


def _notes_now(
    sheet: Any, record: UndoRecord | None, known: Mapping[str, str] | None
) -> tuple[set[str], Mapping[str, str]]:
    """The cells of the sheet carrying the tool's notes (told by their text), and the text of every note on it.

    Desktop Excel reads the notes; the VBA client sends them (`known`). Office.js lists the cells of notes only: then
    the recorded cells while each still has a note (none moved), or all of them where the client has no notes (none
    without a record); CannotPaint where one has none (marks moved, and cannot be found).
    """
    api = sheet.api
    if not isinstance(api, dict):
        texts = {note.location.address.replace("$", "").upper(): note.text for note in sheet.notes}
    elif known is not None:
        texts = dict(known)
    else:
        originals = record.originals if record else ()
        recorded = {o.cell.upper() for o in originals if o.sheet == sheet.name and not o.note_kept}
        listed = {note["address"].replace("$", "").upper() for note in api.get("notes") or ()}
        if api.get("notes") is not None and api.get("notes_supported") is not False and not recorded <= listed:
            raise CannotPaint(MOVED_UNSEEN.format(sheet=sheet.name))
        return recorded, {}
    return {ref for ref, text in texts.items() if is_mark_note(text)}, texts


MOVED_UNSEEN = (
    "工作表「{sheet}」在校验之后插入或删除过行列，校验标注已随单元格移动；当前 Excel（网页版或 xlwings Lite）读不到批注内容，"
    "找不到移动后的标注，工作簿未作改动。请撤销插入或删除（Ctrl+Z）后再点按钮；或保存工作簿后运行 nianbao clear 清除标注，"
    "它能找到移动后的标注。"
)


def _explained(sheet: Any) -> bool:
    used = sheet.used_range
    cells = range_cells(used.row, used.column, used.options(ndim=2).value)
    return bool(read_explanations([SheetGrid(sheet.name, cells)]))


# ---------------------------------------------------------------- cells


def _paint(sheet: Any, mark: Mark, notes: bool, known: Mapping[str, str]) -> Original:
    cell = sheet.range((mark.cell.row, mark.cell.col))
    original = Original(sheet.name, mark.cell.coordinate, _fill(cell), _note(cell, known.get(mark.cell.coordinate)))
    cell.color = f"#{mark.colour}"
    if notes and not original.note_kept:
        if cell.note is not None:
            cell.note.delete()  # adding a note where one exists fails: replace it (its text is in the record)
        cell.add_note(printable(mark.note_over(original.note.text if original.note else None)))
    return original


def _fill(cell: Any) -> str:
    try:
        colour = cell.color
    except NotImplementedError:  # Office.js reads fills only asynchronously
        return UNKNOWN_FILL
    return NO_FILL if colour is None else "#{:02X}{:02X}{:02X}".format(*colour)


def _note(cell: Any, known: str | None) -> SavedNote | str | None:
    note = cell.note
    if note is None:
        return None
    try:
        return SavedNote(note.text)
    except NotImplementedError:  # a remote client knows that a note exists, not what it says, unless it was sent
        return KEPT if known is None else SavedNote(known)


def _mark_fill(cell: Any) -> bool | None:
    """Whether the cell's fill is a mark's; None where the client cannot read fills."""
    fill = _fill(cell)
    return None if fill == UNKNOWN_FILL else fill_colour(fill) in MARK_FILLS


def _restore(cell: Any, restore: Restore) -> None:
    if restore.fill is not None:
        colour = fill_colour(restore.fill)
        cell.color = f"#{colour}" if colour else None
    if restore.note == KEPT:
        return
    if cell.note is not None:
        cell.note.delete()
    if isinstance(restore.note, SavedNote):
        cell.add_note(restore.note.text)


def _notes_supported(book: Any) -> bool:
    """Whether the client can add notes: the desktop can; Office.js from ExcelApi 1.18, as its payload says."""
    first = next(iter(book.sheets), None)
    sheet = first.api if first is not None else None
    return not isinstance(sheet, dict) or (sheet.get("notes") is not None and sheet.get("notes_supported") is not False)


# ---------------------------------------------------------------- sheets


def _add_sheet(book: Any, name: str, first: bool) -> Any:
    sheets = book.sheets
    return sheets.add(name, before=sheets[0]) if first else sheets.add(name, after=sheets[len(sheets) - 1])


def _hide(sheet: Any) -> None:
    sheet.visible = False
    with suppress(Exception):  # desktop Excel (COM) can very-hide; Office.js (a dict here) and macOS only hide
        sheet.api.Visible = _VERY_HIDDEN


@contextmanager
def _unprotected(book: Any, names: set[str]) -> Iterator[None]:
    """Lift the protection of the named sheets while painting, and put it back as it was (desktop client), on every
    path: CannotPaint (PASSWORD) for a sheet protected with a password, the sheets lifted before it protected again.

    The template protects its sheets without a password. Office.js cannot unprotect through xlwings; the
    template's protection allows formatting cells and editing notes for it. The server button's macro only reports
    protection: its answer is refused before it runs where a sheet's protection forbids it (validator/excel/remote.py).
    """
    relock = []
    try:
        for name in sorted(names):
            com = book.sheets[name].api
            if isinstance(com, dict) or not getattr(com, "ProtectContents", False):
                continue
            settings = _protection(com)
            try:
                # An empty password: without one Excel asks the clerk for it, and protecting again would drop it.
                com.Unprotect("")
            except Exception as exc:
                raise CannotPaint(PASSWORD.format(sheet=name)) from exc
            relock.append((com, settings))
        yield
    finally:
        for com, settings in relock:
            com.Protect(Contents=True, **settings)


PASSWORD = (
    "工作表「{sheet}」设置了保护密码，按钮无法在其中标色、添加或删除批注，工作簿未作改动，各工作表的保护保持原样。"
    "请点“审阅 → 撤销工作表保护”并输入密码后再点按钮，完成后可重新保护该工作表；"
    "或保存工作簿后用命令行 nianbao check 生成带标注的副本。"
)


def _protection(com: Any) -> dict[str, bool]:
    """A protected sheet's settings as Worksheet.Protect takes them, to protect it again as it was."""
    return {k: getattr(com.Protection, k) for k in _ALLOWED} | {
        "DrawingObjects": com.ProtectDrawingObjects,
        "Scenarios": com.ProtectScenarios,
        "UserInterfaceOnly": com.ProtectionMode,
    }


_ALLOWED = (
    "AllowFormattingCells",
    "AllowFormattingColumns",
    "AllowFormattingRows",
    "AllowInsertingColumns",
    "AllowInsertingRows",
    "AllowInsertingHyperlinks",
    "AllowDeletingColumns",
    "AllowDeletingRows",
    "AllowSorting",
    "AllowFiltering",
    "AllowUsingPivotTables",
)


# ---------------------------------------------------------------- the results sheet


def _write_results(sheet: Any, content: ResultsContent) -> None:
    """The planned content, laid out as the file painter does: title, lines, then each table."""
    width = content.width
    rows: list[list[object]] = [[content.title], *([line] for line in content.lines), []]
    if content.empty is not None:
        rows.append([content.empty])
    styled: list[tuple[int, int, ResultCell]] = []  # cells needing a fill or a link
    headers: list[tuple[int, ResultsTable]] = []  # header row of each table
    for table in content.tables:
        if table.heading:
            rows.append([table.heading])
        headers.append((len(rows) + 1, table))
        rows.append([title for title, _ in table.columns])
        for cells in table.rows:
            rows.append([_as_text(c.value) for c in cells])
            styled += [(len(rows), col, c) for col, c in enumerate(cells, 1) if c.fill or c.link or c.typing]
        rows.append([])
    sheet.range((1, 1)).value = [row + [None] * (width - len(row)) for row in rows]
    sheet.range((1, 1)).font.bold = True
    for row, table in headers:
        sheet.range((row, 1), (row, width)).font.bold = True
        if table.rows:  # the long texts wrap
            sheet.range((row + 1, 1), (row + len(table.rows), len(table.columns))).wrap_text = True
    for col, (_, w) in enumerate(content.tables[0].columns if content.tables else (), 1):
        sheet.range((1, col)).column_width = w
    for row, col, cell in styled:
        target = sheet.range((row, col))
        if cell.fill or cell.typing:
            target.color = f"#{INPUT_FILL if cell.typing else cell.fill}"
        if cell.typing:
            with suppress(Exception):  # desktop Excel (COM); Office.js leaves the sheet unprotected
                target.api.Locked = False
        if cell.link:
            target.add_hyperlink(f"#{link_location(cell.link)}", str(cell.value), f"跳转到 {cell.link.ref}")
    if any(cell.typing for *_, cell in styled):
        with suppress(Exception):  # as the file painter: only the typing cells open, no password, columns resizable
            sheet.api.Protect(Contents=True, AllowFormattingColumns=True, AllowFormattingRows=True)


def _as_text(value: object) -> object:
    """Excel takes text starting with "=" for a formula; a leading apostrophe keeps it text (and is not shown)."""
    return f"'{value}" if isinstance(value, str) and value.startswith(("=", "+", "-", "@")) else value
