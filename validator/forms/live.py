"""Live checks built into the blank workbook: formulas that recompute each table's equations as the user types.

Every equation instance of the spec gets a hidden helper cell holding its imbalance (0 when it balances), a flag cell
holding its number when it does not, conditional formats that colour its cells, and each checked table one status
cell naming the first unbalanced equation. Only functions that Excel 2010+, WPS and LibreOffice all evaluate are
used (SUM, ABS, IF, COUNTIF, COUNTBLANK, COUNTA, COUNT, SMALL, INDEX, CHOOSE, ROUND, MIN, MAX, INT), no array
formulas, and every reference stays on the table's own sheet, so the checks need neither Python nor macros.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from validator.cellref import column_letter, coordinate
from validator.forms.layout import SheetLayout, Slot
from validator.spec.model import Equation, Template

OK_MARK, FAIL_MARK = "✔", "✘"
OK_TEXT = f"{OK_MARK} 勾稽关系正确"
TOLERANCE = "0.000001"  # the engine's: an equation balances when |lhs − rhs| < 1e-6
HELPER_OFFSET = 30  # helper columns start this far right of the status cell, so its text can spill over empty cells
MAX_FORMULA = 8000  # Excel's limit is 8192 characters
CHOOSE_MAX = 29  # values per CHOOSE that LibreOffice evaluates (Excel takes 254); more are chosen in two steps
MAX_EQUATIONS = CHOOSE_MAX * CHOOSE_MAX

Role = Literal["total", "term"]


@dataclass(frozen=True)
class Highlight:
    """A conditional format: colour `cells` (a space-separated range list) while `formula` is true."""

    cells: str
    formula: str
    role: Role


@dataclass(frozen=True)
class TableCheck:
    """The formulas of one checked table: helper cells, the status cell and its highlights."""

    table: str
    status: Slot
    formulas: tuple[tuple[str, str], ...]  # (coordinate, "=…") for the helpers and the status cell
    highlights: tuple[Highlight, ...]
    helper_columns: tuple[int, ...]  # to hide


def _runs(cells: Iterable[tuple[int, int]]) -> list[str]:
    """(row, col) cells as few ranges as possible: equation terms lie on one column or one row, so consecutive
    cells along it become one range ("C10:C30")."""
    ordered = sorted(set(cells))
    if len({c for _, c in ordered}) == 1:
        axis = 0
    elif len({r for r, _ in ordered}) == 1:
        axis = 1
    else:
        return [_range(cell, cell) for cell in ordered]
    runs: list[list[tuple[int, int]]] = []
    for cell in ordered:
        if runs and runs[-1][-1][axis] + 1 == cell[axis]:
            runs[-1].append(cell)
        else:
            runs.append([cell])
    return [_range(run[0], run[-1]) for run in runs]


def _range(first: tuple[int, int], last: tuple[int, int], absolute: bool = False) -> str:
    d = "$" if absolute else ""
    a = f"{d}{column_letter(first[1])}{d}{first[0]}"
    return a if first == last else f"{a}:{d}{column_letter(last[1])}{d}{last[0]}"


def _sum(cells: Sequence[tuple[int, int]]) -> str:
    return f"SUM({','.join(_runs(cells))})"


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _side(template: Template, keys: Sequence[str], axis: str) -> str:
    labels = [template.inputs[k].axis_label(axis) for k in keys]
    if len(labels) <= 3:
        return "＋".join(f"「{x}」" for x in labels)
    return f"「{labels[0]}」至「{labels[-1]}」{len(labels)} 项之和"


def _message(template: Template, eq: Equation, where: dict[str, tuple[int, int]], short: bool) -> str:
    """What the status cell says about an unbalanced equation, before the difference."""
    at = coordinate(*where[eq.lhs[0]])
    if short:
        return f"{at} {eq.context}不平衡"
    return f"{at} {eq.context}{_side(template, eq.lhs, eq.term_axis)}与{_side(template, eq.rhs, eq.term_axis)}"


def _choose(index: str, values: Sequence[str]) -> str:
    """CHOOSE(index, values…) within LibreOffice's limit: beyond it, pick a chunk, then the value in it (the inner
    index is clamped, so chunks not chosen never evaluate to an error)."""
    if len(values) <= CHOOSE_MAX:
        return f"CHOOSE({index},{','.join(values)})"
    chunks = [values[i : i + CHOOSE_MAX] for i in range(0, len(values), CHOOSE_MAX)]
    inner = [
        f"CHOOSE(MIN(MAX({index}-{j * CHOOSE_MAX},1),{len(chunk)}),{','.join(chunk)})" for j, chunk in enumerate(chunks)
    ]
    return f"CHOOSE(INT(({index}-1)/{CHOOSE_MAX})+1,{','.join(inner)})"


def _status_formula(messages: Sequence[str], residuals: str, first: str, count: str, data: str) -> str:
    fail = (
        f'"{FAIL_MARK} "&{_choose(first, [_quote(m) for m in messages])}'
        f'&"，相差 "&ROUND(ABS(INDEX({residuals},1,{first})),4)'
        f'&IF({count}>1,"（共 "&{count}&" 处不平衡）","")'
    )
    notes = (
        f'&IF(COUNTBLANK({data})>0,"（尚有 "&COUNTBLANK({data})&" 个单元格未填，按 0 计算）","")'
        f'&IF(COUNTA({data})>COUNT({data}),"（"&(COUNTA({data})-COUNT({data}))&" 个单元格填的不是数字，按 0 计算）","")'
    )
    return f"=IF({count}=0,{_quote(OK_TEXT)},{fail}){notes}"


def _table_check(template: Template, table: str, status: Slot, slots: dict[str, Slot]) -> TableCheck:
    equations = [eq for rule in template.rules for eq in rule.equations if template.inputs[eq.lhs[0]].table == table]
    if len(equations) > MAX_EQUATIONS:
        raise ValueError(f"table {table} has {len(equations)} equations; the status formula handles {MAX_EQUATIONS}")
    where = {key: (slot.row, slot.col) for key, slot in slots.items()}
    start = status.col + HELPER_OFFSET
    res_row, flag_row = status.row, status.row + 1  # every table has at least a header and a data row
    formulas: list[tuple[str, str]] = []
    highlights: list[Highlight] = []
    for i, eq in enumerate(equations):
        col = start + i
        diff = f"{_sum([where[k] for k in eq.lhs])}-{_sum([where[k] for k in eq.rhs])}"
        formulas.append((coordinate(res_row, col), f"=IF(ABS({diff})>={TOLERANCE},{diff},0)"))
        formulas.append((coordinate(flag_row, col), f"=IF({coordinate(res_row, col)}=0,0,{i + 1})"))
        unbalanced = f"{_range((res_row, col), (res_row, col), absolute=True)}<>0"
        highlights.append(Highlight(coordinate(*where[eq.lhs[0]]), unbalanced, "total"))
        highlights.append(Highlight(" ".join(_runs(where[k] for k in eq.cells)), unbalanced, "term"))
    end = start + len(equations) - 1
    residuals = _range((res_row, start), (res_row, end), absolute=True)
    flags = _range((flag_row, start), (flag_row, end), absolute=True)
    # Two more helpers: how many equations fail, and the number of the first one (0 when none does).
    count, first = (end + 1, end + 2)
    count_ref, first_ref = (_range((res_row, c), (res_row, c), absolute=True) for c in (count, first))
    formulas.append((coordinate(res_row, count), f'=COUNTIF({flags},">0")'))
    formulas.append((coordinate(res_row, first), f"=IF({count_ref}=0,0,SMALL({flags},COUNTIF({flags},0)+1))"))
    cells = [where[k] for k in slots if template.inputs[k].table == table]
    data = _range(min(cells), max(cells), absolute=True)
    for short in (False, True):
        messages = [_message(template, eq, where, short) for eq in equations]
        status_formula = _status_formula(messages, residuals, first_ref, count_ref, data)
        if len(status_formula) <= MAX_FORMULA:
            break
    formulas.append((status.coordinate, status_formula))
    # Totals first: where a cell is both a total and a term, the stronger colour wins.
    ordered = sorted(highlights, key=lambda h: h.role != "total")
    return TableCheck(table, status, tuple(formulas), tuple(ordered), tuple(range(start, first + 1)))


def live_checks(template: Template, layout: SheetLayout) -> list[TableCheck]:
    """The live checks of every checked table on one sheet."""
    slots = {slot.key: slot for slot in layout.slots}
    return [_table_check(template, s.key.removeprefix("status."), s, slots) for s in layout.statuses]
