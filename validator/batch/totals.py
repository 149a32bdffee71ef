"""The 全区合计 sheet: the official 表二/表三/表四 with every figure summed over the reports that passed."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from xlsxwriter.worksheet import Worksheet

from validator.batch.rows import PASSED, status
from validator.cellref import coordinate
from validator.forms.layout import sheet_layout
from validator.forms.workbook import NUMBER_FORMATS, column_widths, format_properties
from validator.spec.model import NUMERIC_KINDS, Template

NOTE_ROWS = 3  # the explanation above the tables
TITLE = {"font_name": "Cambria", "font_size": 18, "bold": True, "font_color": "#1F497D"}  # Excel's "Title" style


def included(docs: Sequence[dict], template: Template) -> list[dict]:
    """The reports summed: checked against `template` without errors."""
    return [d for d in docs if status(d) == PASSED and d.get("template") == template.id]


def totals(docs: Sequence[dict], template: Template) -> dict[str, float]:
    """Sum of every table input over `docs` (unknown values count as 0: a report that passed has none)."""
    keys = [k for k, cell in template.inputs.items() if cell.table and cell.kind in NUMERIC_KINDS]
    sums = dict.fromkeys(keys, 0.0)
    for values in (d["values"] for d in docs):
        for k in keys:
            sums[k] += float(values.get(k) or 0)
    return {k: round(total, 6) for k, total in sums.items()}


def write_totals(
    ws: Worksheet, formats: Callable[[dict[str, object]], object], docs: Sequence[dict], template: Template
) -> dict[str, str]:
    """Lay the table sheets out one below the other with the sums in the input cells; returns key → cell.

    `formats` makes the workbook's XlsxWriter format of a set of properties; rows and columns below are 1-based.
    """
    summed = included(docs, template)
    ws.write_string(0, 0, f"全区合计（{template.basis}格式）", formats(TITLE))
    ws.write_string(
        1,
        0,
        f"纳入合计：{len(summed)} 份校验通过的报告；未纳入：{len(docs) - len(summed)} 份（有错误、无法读取或不是本格式）。",
    )
    ws.write_string(2, 0, "有错误的报告改正后重新校验即可纳入合计。各单位明细见「汇总」工作表。")
    sums = totals(summed, template)
    positions: dict[str, str] = {}
    top, widths = NOTE_ROWS + 1, {}
    for sheet in (s for s in template.sheets if s.tables):
        layout = sheet_layout(sheet)
        for b in layout.blocks:
            look = formats(format_properties(b.role))
            first, last = (b.top + top - 1, b.left - 1), (b.bottom + top - 1, b.right - 1)
            if b.merged:
                ws.merge_range(*first, *last, b.text, look)
            else:
                ws.write_string(*first, b.text, look)
        for slot in layout.slots:
            number = formats({"num_format": NUMBER_FORMATS[template.inputs[slot.key].kind]})
            ws.write_number(slot.row + top - 1, slot.col - 1, sums[slot.key], number)
            positions[slot.key] = coordinate(slot.row + top, slot.col)
        kinds = {slot.key: template.inputs[slot.key].kind for slot in layout.slots}
        for col, width in column_widths(layout, kinds).items():
            widths[col] = max(widths.get(col, 0), width)
        top += max(b.bottom for b in layout.blocks) + 1
    for col, width in widths.items():
        ws.set_column(col - 1, col - 1, width)
    return positions
