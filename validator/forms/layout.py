"""Where every label and input cell of a template goes in the generated blank workbook (pure geometry)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from validator.cellref import coordinate
from validator.spec.model import Header, Sheet, Table, Template

Role = Literal["title", "caption", "corner", "col_header", "row_header", "field_label"]


@dataclass(frozen=True)
class Block:
    """A label written into a (possibly merged) rectangle of cells."""

    text: str
    role: Role
    top: int
    left: int
    bottom: int
    right: int

    @property
    def merged(self) -> bool:
        return (self.top, self.left) != (self.bottom, self.right)

    @property
    def range(self) -> str:
        return f"{coordinate(self.top, self.left)}:{coordinate(self.bottom, self.right)}"


@dataclass(frozen=True)
class Slot:
    """The position of one input cell."""

    key: str
    row: int
    col: int

    @property
    def coordinate(self) -> str:
        return coordinate(self.row, self.col)


@dataclass(frozen=True)
class SheetLayout:
    """Everything placed on one sheet, plus the cell below and right of the frozen headers."""

    name: str
    blocks: tuple[Block, ...]
    slots: tuple[Slot, ...]
    width: int  # number of used columns
    freeze: str | None
    statuses: tuple[Slot, ...] = ()  # live-check status cells ("status.<table>"), right of the tables


STATUS_GAP = 1  # empty columns between the widest table and the status cells, so they never read as a table column


def _span(headers: tuple[Header, ...]) -> int:
    return sum(_span(h.children) if h.children else 1 for h in headers)


def _header_blocks(
    headers: tuple[Header, ...], depth: int, start: int, level_start: int, role: Role, across: bool
) -> list[Block]:
    """Blocks for a header tree: a node starts after its parent and ends where its subtree still fits.

    `across` is True for column headers (levels go down the rows, leaves across the columns).
    """
    out: list[Block] = []
    pos = start
    for h in headers:
        size = _span(h.children) if h.children else 1
        level_end = depth - h.depth() + 1  # leaves always end on the last level
        if across:
            out.append(Block(h.label, role, level_start, pos, level_end, pos + size - 1))
        else:
            out.append(Block(h.label, role, pos, level_start, pos + size - 1, level_end))
        out.extend(_header_blocks(h.children, depth, pos, level_end + 1, role, across))
        pos += size
    return out


def _table_layout(table: Table, top: int) -> tuple[list[Block], list[Slot], int, int, int]:
    """Place one table whose first row is `top`; returns blocks, slots, next free row, width, first data row."""
    label_cols = max((h.depth() for h in table.rows), default=0) if table.has_row_labels else 0
    header_rows = max(h.depth() for h in table.columns)
    width = label_cols + len(table.column_leaves)
    blocks: list[Block] = []
    row = top
    if table.caption:
        blocks.append(Block(table.caption, "caption", row, 1, row, width))
        row += 1
    if table.corner and label_cols:
        blocks.append(Block(table.corner, "corner", row, 1, row + header_rows - 1, label_cols))
    # Header levels are 1-based offsets from `row`; shift the generic blocks into place.
    for b in _header_blocks(table.columns, header_rows, label_cols + 1, 1, "col_header", across=True):
        blocks.append(Block(b.text, b.role, row + b.top - 1, b.left, row + b.bottom - 1, b.right))
    data_top = row + header_rows
    if label_cols:
        blocks.extend(_header_blocks(table.rows, label_cols, data_top, 1, "row_header", across=False))
    slots = [
        Slot(table.cell_key(r.key, c.key), data_top + i, label_cols + 1 + j)
        for i, r in enumerate(table.row_leaves)
        for j, c in enumerate(table.column_leaves)
    ]
    return blocks, slots, data_top + len(table.row_leaves), width, data_top


def sheet_layout(sheet: Sheet, checked: frozenset[str] = frozenset()) -> SheetLayout:
    """Lay out one sheet: a title row, then either labelled fields (label in A, input in B) or tables.

    Each table in `checked` (keys of tables with equation rules) gets a status cell on its first row, right of
    every table of the sheet, where no label or data cell of any table can be.
    """
    blocks: list[Block] = []
    slots: list[Slot] = []
    firsts: dict[str, int] = {}
    if sheet.fields:
        for i, f in enumerate(sheet.fields):
            blocks.append(Block(f.label, "field_label", 2 + i, 1, 2 + i, 1))
            slots.append(Slot(f.key, 2 + i, 2))
        width, freeze = 2, None
    else:
        row, width, freeze = 2, 1, None
        for table in sheet.tables:
            firsts[table.key] = row
            table_blocks, table_slots, row, table_width, data_top = _table_layout(table, row)
            blocks += table_blocks
            slots += table_slots
            width = max(width, table_width)
            row += 1  # one blank row between tables
            if len(sheet.tables) == 1:
                freeze = coordinate(data_top, 1 + min(s.col for s in table_slots) - 1)
    statuses = tuple(
        Slot(f"status.{key}", top, width + STATUS_GAP + 1) for key, top in firsts.items() if key in checked
    )
    title = Block(sheet.title, "title", 1, 1, 1, width)
    return SheetLayout(sheet.name, (title, *blocks), tuple(slots), width, freeze, statuses)


def checked_tables(template: Template) -> frozenset[str]:
    """Keys of the tables that equation rules check (they get a live status cell)."""
    return frozenset(template.inputs[eq.lhs[0]].table for r in template.rules for eq in r.equations)


def template_layout(template: Template) -> tuple[SheetLayout, ...]:
    """The layout of every sheet of the template, in order."""
    checked = checked_tables(template)
    return tuple(sheet_layout(s, checked) for s in template.sheets)


def layout_document(template: Template) -> dict:
    """The integration contract printed by `nianbao template --layout`: one entry per input cell."""
    inputs = template.inputs
    cells = []
    for sheet in template_layout(template):
        for slot in sheet.slots:
            cell = inputs[slot.key]
            cells.append(
                {
                    "key": slot.key,
                    "sheet": sheet.name,
                    "cell": slot.coordinate,
                    "table": cell.table,
                    "row_label": cell.row.label if cell.row else cell.label,
                    "col_label": cell.col.label if cell.col else None,
                    "row_path": list(cell.row.path) if cell.row else [],
                    "col_path": list(cell.col.path) if cell.col else [],
                    "kind": cell.kind,
                    "required": cell.required,
                }
            )
        for slot in sheet.statuses:
            table = slot.key.removeprefix("status.")
            cells.append(
                {"key": slot.key, "sheet": sheet.name, "cell": slot.coordinate, "table": table, "kind": "status"}
            )
    return {"template": template.id, "version": template.version, "basis": template.basis, "cells": cells}
