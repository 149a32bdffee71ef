"""What clearing gives back on one sheet, whichever painter clears (pure): the undo record's cells, and the marks the
record no longer places because rows or columns were inserted or deleted since marking (the notes and fills moved
with their cells; the record keeps addresses).

A painter says what the sheet shows now (which cells carry the tool's notes, a note's text, whether a cell's fill is
a mark's) and carries out the `Restore`s; the zip painter (`zip_clear.py`) and the Excel button (`excel/painter.py`)
decide alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass

from validator.annotate.plan import ORIGINAL_NOTE_SEPARATOR, is_mark_note
from validator.annotate.undo import KEPT, UNKNOWN_FILL, Original, SavedNote, UndoRecord
from validator.cellref import parse_ref
from validator.names import PRIMARY_FILL, RELATED_FILL

MARK_FILLS = frozenset({*PRIMARY_FILL.values(), *RELATED_FILL.values()})  # "RRGGBB"


@dataclass(frozen=True)
class Restore:
    """One cell given back: `fill` as the record stores fills (UNKNOWN_FILL: the template's input fill), None where
    the cell's fill stays; `note` as an Original's (None: no note of the tool's left, KEPT: the note stays)."""

    cell: str
    fill: str | None
    note: SavedNote | str | None


@dataclass(frozen=True)
class Unmarking:
    """A sheet's restores; whether its marks moved; the cells whose fill was guessed (UNKNOWN_FILL, their marks no
    longer where the record places them)."""

    restores: list[Restore]
    moved: bool
    guessed: list[str]


def unmark(
    originals: Sequence[Original],
    noted: Set[str],
    note_text: Callable[[str], str | None],
    mark_fill: Callable[[str], bool | None],
) -> Unmarking:
    """The restores of one sheet. `noted`: the cells carrying the tool's notes now; `note_text(cell)`: a cell's note
    now; `mark_fill(cell)`: whether its fill is a mark's (None: the painter cannot read fills).

    When `noted` is not the recorded cells, rows or columns moved the marks: a recorded cell is given back only while
    it carries a mark (a note, or a fill known to be a mark's), its own note being the one kept below the mark's text;
    every other note of the tool is taken off (the own note below it comes back) and its mark's fill becomes the
    template's input fill, the original being unknown (a fill that cannot be read is taken to be the mark's: the
    tool's note says the cell was marked).
    """
    noted = {ref.upper() for ref in noted}
    moved = noted != {o.cell.upper() for o in originals if not o.note_kept}
    found: dict[str, Restore] = {}
    for original in originals:
        ref = original.cell.upper()
        ours = ref in noted
        if moved and not ours and not mark_fill(ref):
            continue  # another cell moved here: not a mark
        note = original.note
        if moved and ours and not original.note_kept:
            note = own_note(note_text(ref), note if isinstance(note, SavedNote) else None)
        found[ref] = Restore(ref, original.fill, note)
    guessed = []
    for ref in sorted(noted - {r for r, done in found.items() if done.note != KEPT}, key=parse_ref):
        if ref in found:  # a cell whose own note the painter left alone: a moved mark's note is on it now
            found[ref] = Restore(ref, found[ref].fill, own_note(note_text(ref), None))
            continue
        guess = mark_fill(ref) is not False
        found[ref] = Restore(ref, UNKNOWN_FILL if guess else None, own_note(note_text(ref), None))
        guessed += [ref] if guess else []
    return Unmarking(list(found.values()), moved, guessed)


def own_note(text: str | None, recorded: SavedNote | None) -> SavedNote | None:
    """The cell's own note as its mark (`text`) keeps it below the separator (the recorded one when it is that), or
    None. Marks stacked over marks (an old mark kept as a cell's own note) give the note below all of them."""
    _, found, own = text.rpartition(f"\n{ORIGINAL_NOTE_SEPARATOR}\n") if text else ("", "", "")
    if not found or is_mark_note(own):
        return None
    return recorded if recorded is not None and recorded.text == own else SavedNote(own)


def sheets_to_clear(
    record: UndoRecord | None, noted: Mapping[str, Set[str]]
) -> dict[str, tuple[str | None, list[Original]]]:
    """Each sheet clearing touches → the marked sheet of `record` it is cleared as (None: none, or no record) and
    that sheet's recorded cells. `noted`: the cells carrying the tool's notes now, by sheet (as `marked_sheets`); a
    sheet with none of them that is no marked sheet is left out."""
    pairs = marked_sheets(record, noted) if record else {}
    originals: dict[str, list[Original]] = {}
    for original in record.originals if record else ():
        originals.setdefault(original.sheet, []).append(original)
    return {
        name: (pairs.get(name), originals.get(pairs[name], []) if name in pairs else [])
        for name, cells in noted.items()
        if cells or name in pairs
    }


def marked_sheets(record: UndoRecord, noted: Mapping[str, Set[str]]) -> dict[str, str]:
    """Sheet of the workbook → the marked sheet of the record it is cleared as. `noted`: the cells carrying the tool's
    notes now, by sheet (every sheet but the tool's own). Each marked sheet still there, and
    each sheet named nowhere in the record on which the tool's notes sit at exactly the recorded
    cells of one marked sheet: that sheet renamed, or copied, since (tables are found by their labels, so users do
    both)."""
    recorded: dict[str, set[str]] = {}  # the cells that got the tool's note, by marked sheet
    for original in record.originals:
        cells = recorded.setdefault(original.sheet, set())
        if not original.note_kept:
            cells.add(original.cell.upper())
    pairs = {name: name for name in recorded if name in noted}
    for name, cells in noted.items():
        if name in pairs:
            continue
        matches = [sheet for sheet, marked in recorded.items() if marked and marked == cells]
        if len(matches) == 1:
            pairs[name] = matches[0]
    return pairs
