"""Real .xlsx report workbooks built from the template layout, with the structural variants real reports show.

`build(path, values, **variant)` writes the labels (merged as in the layout) and the values with openpyxl, after
applying the variant. The variants run in this order, each in the coordinates the previous ones left:
drop_sheets, trial_2019, collapse, drop_column, relabel, extra_row, insert_rows, transpose, fold, move, stack,
merge, rename.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import openpyxl

from validator.forms.layout import Block, SheetLayout, template_layout
from validator.forms.sample import balanced_values
from validator.spec import default_template, get_template

TEMPLATE = default_template()
LAYOUT = template_layout(TEMPLATE)

# The trial format of 国办公开办函〔2019〕60号, and its 表二 with the trial format's own example values.
TRIAL = get_template("gov-info-annual-report-2019")
TRIAL_2019_T2 = next(s for s in template_layout(TRIAL) if s.name == "表二")
_TRIAL_VALUES = balanced_values(TRIAL)


def half_width(text: str) -> str:
    """（一）→(一), full-width commas and colons → ASCII, as many workbooks are typed."""
    return unicodedata.normalize("NFKC", text)


def enumeration_comma(text: str) -> str:
    """1.属于国家秘密 → 1、属于国家秘密."""
    return re.sub(r"^(\d+)\.", r"\1、", text)


def loose_spacing(text: str) -> str:
    """A space after item numbers and a line break in the middle of long labels, as in wrapped cells."""
    text = re.sub(r"^(\d+\.|（[一二三四五六七八九十]+）|[一二三四五六七八九十]+、)", r"\1 ", text)
    return f"{text[: len(text) // 2]}\n{text[len(text) // 2 :]}" if len(text) > 8 else text


def pasted_invisibly(text: str) -> str:
    """Characters nobody sees, as a paste from a web page or an OA system carries them: a zero-width space before the
    label and in its middle, a soft hyphen and a byte order mark after it."""
    return f"\u200b{text[: len(text) // 2]}\u200b{text[len(text) // 2 :]}\u00ad\ufeff"


@dataclass
class _Sheet:
    name: str
    blocks: list[Block]
    values: dict[tuple[int, int], object]


def _resize(sheet: _Sheet, axis: int, at: int, n: int) -> None:
    """Insert n blank rows (axis 0) or columns (axis 1) before `at` (n > 0), or delete -n from `at` (n < 0).

    As in Excel: everything beyond moves, merges across the insertion grow, merges across the deletion shrink.
    """

    def first(p: int) -> int:  # where a range starting at p starts afterwards
        return p if p < at else max(at, p + n)

    def last(p: int) -> int:  # where a range ending at p ends afterwards
        return p if p < at else p + n if p >= at - n else at - 1

    def moved(b: Block) -> Block:
        ends = (first(b.top), last(b.bottom)) if axis == 0 else (first(b.left), last(b.right))
        return replace(b, **dict(zip(("top", "bottom") if axis == 0 else ("left", "right"), ends)))

    sheet.blocks = [m for m in map(moved, sheet.blocks) if m.top <= m.bottom and m.left <= m.right]
    values = {}
    for pos, value in sheet.values.items():
        if first(pos[axis]) <= last(pos[axis]):
            values[(first(pos[0]), pos[1]) if axis == 0 else (pos[0], first(pos[1]))] = value
    sheet.values = values


def _block(sheet: _Sheet, text: str, leaf: bool = False) -> Block:
    return next(b for b in sheet.blocks if b.text == text and (not leaf or b.left == b.right))


def _collapse(sheet: _Sheet, group: str, label: str) -> None:
    """A row group written as one data row holding the sums of its sub-rows (the 2019 way)."""
    g = _block(sheet, group)
    children = [b for b in sheet.blocks if g.top <= b.top and b.bottom <= g.bottom and b.left > g.left]
    sums: dict[int, object] = {}
    for (r, c), v in sheet.values.items():
        if g.top <= r <= g.bottom:
            sums[c] = sums.get(c, 0) + v
    sheet.values = {pos: v for pos, v in sheet.values.items() if not g.top <= pos[0] <= g.bottom}
    sheet.values |= {(g.top, c): v for c, v in sums.items()}
    right = max(b.right for b in children)
    sheet.blocks = [b for b in sheet.blocks if b not in children and b != g]
    sheet.blocks.append(Block(label, "row_header", g.top, g.left, g.top, right))
    _resize(sheet, 0, g.top + 1, g.top - g.bottom)


def _extra_row(sheet: _Sheet, before: int, label: str, numbers: tuple[object, ...]) -> None:
    """A row that is not in the official format, with a label and numbers in the data columns of the row below."""
    _resize(sheet, 0, before, 1)
    below = sorted(c for r, c in sheet.values if r == before + 1)
    covering = [b.right for b in sheet.blocks if b.top < before <= b.bottom]  # group merges grown over the new row
    sheet.blocks.append(Block(label, "row_header", before, max(covering, default=0) + 1, before, below[0] - 1))
    sheet.values |= {(before, c): v for c, v in zip(below, numbers)}


def _move(sheet: _Sheet, down: int, right: int) -> None:
    """Everything below the sheet title moves by (down, right)."""

    def shifted(b: Block) -> Block:
        return replace(b, top=b.top + down, bottom=b.bottom + down, left=b.left + right, right=b.right + right)

    sheet.blocks = [b if b.role == "title" else shifted(b) for b in sheet.blocks]
    sheet.values = {(r + down, c + right): v for (r, c), v in sheet.values.items()}


def _transpose(sheet: _Sheet) -> None:
    """The sheet's tables printed across: rows become columns and columns rows, still below the sheet title."""
    shift = min(b.top for b in sheet.blocks if b.role != "title") - 1

    def swapped(b: Block) -> Block:
        return replace(b, top=b.left + shift, bottom=b.right + shift, left=b.top - shift, right=b.bottom - shift)

    sheet.blocks = [b if b.role == "title" else swapped(b) for b in sheet.blocks]
    sheet.values = {(c + shift, r - shift): v for (r, c), v in sheet.values.items()}


def _fold(sheet: _Sheet, outer: bool) -> None:
    """A table of column groups with the same columns (表四) printed as a small grid: a header row of those columns
    over one row per group, labelled by its group (`outer`: beside the outer group's label, merged down its rows;
    else by its own label alone), still below the sheet title."""
    headers = [b for b in sheet.blocks if b.role == "col_header"]
    leaf_row = max(b.top for b in headers)
    groups = [b for b in headers if b.bottom == leaf_row - 1]
    outers = [b for b in headers if b.bottom < leaf_row - 1] if outer else []
    first, labels = groups[0], 2 if outers else 1
    title = [b for b in sheet.blocks if b.role == "title"]
    blocks = [
        Block(b.text, b.role, 2, labels + 1 + b.left - first.left, 2, labels + 1 + b.left - first.left)
        for b in headers
        if b.top == leaf_row and first.left <= b.left <= first.right
    ]
    values = {}
    for i, g in enumerate(groups, start=3):
        inside = [o for o in outers if o.left <= g.left and g.right <= o.right]
        blocks.append(Block(g.text, "row_header", i, 1 + bool(inside), i, labels))
        values |= {(i, labels + 1 + c - g.left): v for (r, c), v in sheet.values.items() if g.left <= c <= g.right}
    for o in outers:
        rows = [i for i, g in enumerate(groups, start=3) if o.left <= g.left and g.right <= o.right]
        blocks.append(Block(o.text, "row_header", rows[0], 1, rows[-1], 1))
    sheet.blocks, sheet.values = title + blocks, values


def _sheets(
    values: Mapping[str, object],
    *,
    drop_sheets: tuple[str, ...] = (),
    trial_2019: bool = False,
    relabel: Mapping[str, str] | Callable[[str], str] | None = None,
    collapse: Mapping[str, tuple[str, str]] | None = None,
    drop_column: Mapping[str, str] | None = None,
    extra_row: Mapping[str, tuple[int, str, tuple[object, ...]]] | None = None,
    insert_rows: Mapping[str, Mapping[int, int]] | None = None,
    transpose: tuple[str, ...] = (),
    fold: Mapping[str, bool] | None = None,
    move: Mapping[str, tuple[int, int]] | None = None,
    layout: tuple[SheetLayout, ...] = LAYOUT,
) -> list[_Sheet]:
    """The template's sheets holding `values`, each varied as asked (see `build`)."""
    if trial_2019:
        layout = tuple(TRIAL_2019_T2 if s.name == "表二" else s for s in layout)
    label = relabel if callable(relabel) else lambda t: (relabel or {}).get(t, t)
    sheets = []
    for s in layout:
        if s.name in drop_sheets:
            continue
        fallback = _TRIAL_VALUES if s is TRIAL_2019_T2 else {}
        cells = {(x.row, x.col): values.get(x.key, fallback.get(x.key)) for x in s.slots}
        sheet = _Sheet(s.name, list(s.blocks), {p: v for p, v in cells.items() if v is not None})
        if sheet.name in (collapse or {}):
            _collapse(sheet, *collapse[sheet.name])
        if sheet.name in (drop_column or {}):
            _resize(sheet, 1, _block(sheet, drop_column[sheet.name], leaf=True).left, -1)
        sheet.blocks = [replace(b, text=label(b.text)) for b in sheet.blocks]
        if sheet.name in (extra_row or {}):
            _extra_row(sheet, *extra_row[sheet.name])
        for row, n in sorted((insert_rows or {}).get(sheet.name, {}).items(), reverse=True):
            _resize(sheet, 0, row, n)
        if sheet.name in transpose:
            _transpose(sheet)
        if sheet.name in (fold or {}):
            _fold(sheet, fold[sheet.name])
        if sheet.name in (move or {}):
            _move(sheet, *move[sheet.name])
        sheets.append(sheet)
    return sheets


def _stacked(sheets: list[_Sheet], stack: Mapping[str, tuple[str, ...]]) -> list[_Sheet]:
    """`sheets` with those each entry of `stack` names put one under another on one sheet of the entry's name, a
    blank row between, where the first of them was."""
    out = list(sheets)
    for name, members in stack.items():
        parts = [s for s in out if s.name in members]
        whole = _Sheet(name, [], {})
        top = 0
        for part in parts:
            whole.blocks += [replace(b, top=b.top + top, bottom=b.bottom + top) for b in part.blocks]
            whole.values |= {(r + top, c): v for (r, c), v in part.values.items()}
            top += max([b.bottom for b in part.blocks] + [r for r, _ in part.values]) + 1
        out[out.index(parts[0])] = whole
        out = [s for s in out if s not in parts[1:]]
    return out


def _write(ws, sheet: _Sheet) -> None:
    for (r, c), v in sheet.values.items():
        ws.cell(r, c, v)
    for b in sheet.blocks:
        ws.cell(b.top, b.left, b.text)
        if b.merged:
            ws.merge_cells(b.range)


def build(
    path: Path,
    values: Mapping[str, object],
    *,
    merge: Mapping[str, str] | None = None,
    rename: Mapping[str, str] | None = None,
    stack: Mapping[str, tuple[str, ...]] | None = None,
    **variant,
) -> Path:
    """Write `values` (input key → value) into a workbook laid out like the template, varied as asked.

    drop_sheets: sheet names left out. trial_2019: 表二 in the 2019 trial format (its example values unless given).
    relabel: {official text: written text}, or a function applied to every label.
    collapse: {sheet: (group label, written label)}: the group's sub-rows become one row holding their sums.
    drop_column: {sheet: leaf column label}: the column is deleted, the others shift left.
    extra_row: {sheet: (row, label, numbers)}: a non-official row inserted before the data row `row`.
    insert_rows: {sheet: {row: n}}: n blank rows inserted before `row` (rows as before any insertion).
    transpose: sheets whose tables are printed across (rows as columns, columns as rows), below the sheet title.
    fold: {sheet: outer}: its table of column groups (表四) printed as a grid, one row per group under one header
    row; `outer`: the outer group's label (行政诉讼) merged down beside its groups' rows, else each group's alone.
    move: {sheet: (down, right)}: the tables move. stack: {new sheet: (sheet, …)}: those sheets one under another
    on one sheet (an agency's own workbook: 表二 to 表四 on 「统计表」). merge: {sheet: "D7:E7"}. rename: {sheet: new name}.
    """
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet in _stacked(_sheets(values, **variant), stack or {}):
        ws = wb.create_sheet((rename or {}).get(sheet.name, sheet.name))
        _write(ws, sheet)
        if sheet.name in (merge or {}):
            ws.merge_cells(merge[sheet.name])
    wb.save(path)
    return path


_NUMERALS = "一二三四五六七八九十"


def _section(label: str) -> int:
    """The position of a report section from its leading numeral (一、总体情况 → 1)."""
    return _NUMERALS.index(label[0]) + 1 if label[:1] in _NUMERALS and label[1:2] == "、" else 0


def published(
    path: Path,
    values: Mapping[str, object],
    *,
    title: str = "某机关 2025年度政府信息公开工作报告",
    paragraphs: Mapping[str, tuple[str, ...]] | None = None,
    headings_only: tuple[str, ...] = (),
    cover: bool = False,
    sheet_name: str = "Sheet1",
    **variant,
) -> Path:
    """The report on one sheet in the order of its text, as agencies publish it and paste it into a workbook.

    The report title, then the six sections in order: a text section is its heading with its paragraphs below
    (`paragraphs` {field key: paragraphs}, default the field's value as one paragraph), a table section its
    heading, the paragraphs `paragraphs` gives for its sheet name (表四: "本年度发生…"), a blank row and its tables.
    headings_only: table sheets printed as a heading with no table under it (the seed
    report's 表四). cover: the cover fields (label, value) above the title; published reports have none.
    Other variants as in `build`, applied to each table sheet before stacking.
    """
    sheets = {s.name: s for s in _sheets(values, **variant)}
    cover_sheets = [s for s in TEMPLATE.sheets if s.fields and _section(s.fields[0].label) == 0]
    sections: list[tuple[int, _Sheet]] = []
    for spec in TEMPLATE.sheets:
        if spec.name not in sheets or spec in cover_sheets:
            continue
        if spec.fields:  # text sections: heading, then paragraphs in the heading's column
            for f in spec.fields:
                texts = (paragraphs or {}).get(f.key, (values[f.key],) if values.get(f.key) else ())
                block = Block(f.label, "field_label", 1, 1, 1, 1)
                sections.append(
                    (_section(f.label), _Sheet(f.label, [block], {(2 + i, 1): t for i, t in enumerate(texts)}))
                )
        else:
            sheet = sheets[spec.name]
            if spec.name in headings_only:
                sheet = _Sheet(sheet.name, [b for b in sheet.blocks if b.role == "title"], {})
            if texts := (paragraphs or {}).get(spec.name, ()):
                _resize(sheet, 0, 2, len(texts) + 1)  # below the heading; a blank row keeps them out of the table
                sheet.values |= {(2 + i, 1): t for i, t in enumerate(texts)}
            sections.append((_section(spec.title), sheet))
    top = _Sheet(sheet_name, [Block(title, "title", 1, 1, 1, 1)], {})
    for sheet in (sheets[s.name] for s in cover_sheets if cover and s.name in sheets):  # below the title
        top.blocks += [replace(b, top=b.top + 1, bottom=b.bottom + 1) for b in sheet.blocks if b.role != "title"]
        top.values |= {(r + 1, c): v for (r, c), v in sheet.values.items()}
    row = max([b.bottom for b in top.blocks] + [r for r, _ in top.values]) + 2
    for _, sheet in sorted(sections, key=lambda s: s[0]):
        height = max([b.bottom for b in sheet.blocks] + [r for r, _ in sheet.values])
        top.blocks += [replace(b, top=b.top + row - 1, bottom=b.bottom + row - 1) for b in sheet.blocks]
        top.values |= {(r + row - 1, c): v for (r, c), v in sheet.values.items()}
        row += height + 1
    wb = openpyxl.Workbook()
    _write(wb.active, top)
    wb.active.title = sheet_name
    wb.save(path)
    return path
