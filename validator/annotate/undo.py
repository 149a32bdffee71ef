"""The undo record (pure): what a painter saves in the hidden marks sheet so that any painter can clear the marks.

The marks sheet holds, from A1: ["状态", <state JSON>], a header row, then one row per marked cell:
[sheet, cell, original fill, original note]. Every painter writes and reads this same table, so a copy marked by the
command line can be cleared in Excel and the other way round.

- original fill: an OOXML `<fill>` element (exact, from openpyxl), "#RRGGBB" (a solid colour), "none" (no fill),
  or "" when the painter could not read it: clearing then restores the template's input fill.
- original note: empty when the cell had none (clearing deletes ours), {"text", "author", "width", "height"} to
  restore, or {"kept": true} when the painter left the cell's own note untouched (clearing leaves it too).
- state (version 2): {"version", "painter", "results": sheet name, "active": sheet name, "view": painter-specific}.
  The zip painter's view: {"shown": {sheet: {"rows": [...], "cols": [...]}}}, the hidden rows and columns it showed
  because they hold a mark, hidden again when clearing cell by cell.
  Version 1 (before painters were separate) had no "version"; its "active" was a sheet index and its view flags
  were top-level. Both are read.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from defusedxml.ElementTree import fromstring

from validator.names import INPUT_FILL

RECORD_VERSION = 2
STATE_LABEL = "状态"
HEADER = ("工作表", "单元格", "原填充", "原批注")
UNKNOWN_FILL = ""
NO_FILL = "none"
KEPT_NOTE = json.dumps({"kept": True})
KEPT = "kept"  # an Original's note when the painter left the cell's own note untouched
SHOWN = "shown"  # the zip painter's view: rows and columns it showed, by sheet


@dataclass(frozen=True)
class SavedNote:
    """A cell's own note as it was before marking (size in pixels where the painter knows it)."""

    text: str
    author: str | None = None
    width: float | None = None
    height: float | None = None


@dataclass(frozen=True)
class Original:
    """One marked cell before marking. `note` is None (no note), KEPT (left untouched) or the saved note."""

    sheet: str
    cell: str  # "J8"
    fill: str
    note: SavedNote | str | None

    @property
    def note_kept(self) -> bool:
        return self.note == KEPT


@dataclass
class UndoRecord:
    """The whole record: the state and the original of every marked cell."""

    painter: str
    results: str  # name of the results sheet (a user's own sheet may already have the default name)
    active: str | None  # the sheet that was active before marking
    view: dict[str, Any] = field(default_factory=dict)  # what only the same painter understands
    originals: list[Original] = field(default_factory=list)
    version: int = RECORD_VERSION

    def rows(self) -> list[list[str | None]]:
        """The table to write into the marks sheet from A1."""
        state = {"version": self.version, "painter": self.painter, "results": self.results, "active": self.active}
        out: list[list[str | None]] = [[STATE_LABEL, json.dumps(state | {"view": self.view}, ensure_ascii=False)]]
        out.append(list(HEADER))
        out += [[o.sheet, o.cell, o.fill, _note_json(o.note)] for o in self.originals]
        return out


def read_record(rows: Sequence[Sequence[object]], sheet_names: Sequence[str]) -> UndoRecord:
    """The record from the marks sheet's rows (A1 onwards); `sheet_names` resolves a version-1 active index."""
    state = json.loads(str(rows[0][1]))
    if "version" not in state:  # version 1: the openpyxl writer's own view state
        active = state["active"]
        view = {k: state[k] for k in ("active", "tabs", "first_sheet")}
        record = UndoRecord("openpyxl", state["results"], _name_at(sheet_names, active), view, version=1)
    else:
        record = UndoRecord(state["painter"], state["results"], state["active"], state.get("view") or {})
        record.version = state["version"]
    for row in rows[2:]:
        sheet, cell, fill, note = (list(row) + [None] * 4)[:4]
        if sheet and cell:
            record.originals.append(Original(str(sheet), str(cell), str(fill or ""), _read_note(note)))
    return record


def _name_at(names: Sequence[str], index: int) -> str | None:
    return names[index] if 0 <= index < len(names) else None


def _note_json(note: SavedNote | str | None) -> str | None:
    if note is None:
        return None
    if note == KEPT:
        return KEPT_NOTE
    # JSON escapes control characters, which a cell may not hold but a note may.
    fields = {"text": note.text, "author": note.author, "width": note.width, "height": note.height}
    return json.dumps(fields, ensure_ascii=False)


def _read_note(saved: object) -> SavedNote | str | None:
    if not saved:
        return None
    fields = json.loads(str(saved))
    if fields.get("kept"):
        return KEPT
    return SavedNote(fields["text"], fields.get("author"), fields.get("width"), fields.get("height"))


def fill_colour(saved: str) -> str | None:
    """The colour to restore ("RRGGBB", None for no fill) for a painter that can only set a solid colour.

    An unknown fill, and an exact fill that is more than one solid RGB colour (a theme colour, a pattern, a
    gradient), become the template's input fill.
    """
    if saved == NO_FILL:
        return None
    if saved.startswith("#"):
        return saved[1:].upper()
    if saved.startswith("<"):
        pattern = next((el for el in fromstring(saved).iter() if el.tag.endswith("patternFill")), None)
        kind = pattern.get("patternType") if pattern is not None else "gradient"
        if kind in (None, "none"):
            return None
        if kind == "solid":  # only then is pattern an element
            colour = next((el.get("rgb") for el in pattern.iter() if el.tag.endswith("fgColor")), None)
            if colour and len(colour) in (6, 8):
                return colour[-6:].upper()
    return INPUT_FILL


@dataclass(frozen=True)
class Cleared:
    """What clearing did: whether anything changed, the results sheet kept for its explanations (if any), and the
    cells (表三!C9) whose marks had moved with inserted or deleted rows or columns: their fill became the template's
    input fill, the original being unknown."""

    changed: bool
    kept: str | None = None
    guessed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.changed

    @property
    def guessed_fills(self) -> str:
        """What clearing tells of `guessed` (a clause; empty for none), so that the clerk checks those colours."""
        if not self.guessed:
            return ""
        named = "、".join(self.guessed[:6]) + (f" 等 {len(self.guessed)} 个单元格" if len(self.guessed) > 6 else "")
        return (
            f"{named} 的标注在标注后随插入或删除的行列移动过，原来的填充无从得知，已设为模板填写区的浅绿色，"
            "请核对这些单元格的颜色"
        )
