"""The 全区合计 sheet: the official 表二/表三/表四 with every figure summed over the reports that passed."""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.worksheet.worksheet import Worksheet

from validator.batch.rows import PASSED, status
from validator.cellref import column_letter
from validator.forms.layout import Block, sheet_layout
from validator.forms.workbook import NUMBER_FORMATS, column_widths, write_block
from validator.spec.model import NUMERIC_KINDS, Template

NOTE_ROWS = 3  # the explanation above the tables


def included(docs: Sequence[dict], template: Template) -> list[dict]:
    """The reports summed: checked against `template` without errors."""
    return [d for d in docs if status(d) == PASSED and d.get("template") == template.id]


def totals(docs: Sequence[dict], template: Template) -> dict[str, float]:
    """Sum of every table input over `docs` (unknown values count as 0: a report that passed has none)."""
    keys = [k for k, cell in template.inputs.items() if cell.table and cell.kind in NUMERIC_KINDS]
    return {k: round(sum(float(d["values"].get(k) or 0) for d in docs), 6) for k in keys}


def write_totals(ws: Worksheet, docs: Sequence[dict], template: Template) -> dict[str, str]:
    """Lay the table sheets out one below the other with the sums in the input cells; returns key → cell."""
    summed = included(docs, template)
    ws.cell(1, 1, f"全区合计（{template.basis}格式）").style = "Title"
    ws.cell(
        2,
        1,
        f"纳入合计：{len(summed)} 份校验通过的报告；未纳入：{len(docs) - len(summed)} 份（有错误、无法读取或不是本格式）。",
    )
    ws.cell(3, 1, "有错误的报告改正后重新校验即可纳入合计。各单位明细见「汇总」工作表。")
    sums = totals(summed, template)
    positions: dict[str, str] = {}
    top, widths = NOTE_ROWS + 1, {}
    for sheet in (s for s in template.sheets if s.tables):
        layout = sheet_layout(sheet)
        for b in layout.blocks:
            write_block(ws, Block(b.text, b.role, b.top + top, b.left, b.bottom + top, b.right))
        for slot in layout.slots:
            cell = ws.cell(slot.row + top, slot.col, sums[slot.key])
            cell.number_format = NUMBER_FORMATS[template.inputs[slot.key].kind]
            positions[slot.key] = cell.coordinate
        kinds = {slot.key: template.inputs[slot.key].kind for slot in layout.slots}
        for col, width in column_widths(layout, kinds).items():
            widths[col] = max(widths.get(col, 0), width)
        top += max(b.bottom for b in layout.blocks) + 1
    for col, width in widths.items():
        ws.column_dimensions[column_letter(col)].width = width
    return positions
