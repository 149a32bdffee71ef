"""Spec → the blank official workbook: labels, styled input cells, data validation, protection and print setup."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from validator.atomic import save_atomic
from validator.cellref import column_letter
from validator.forms.layout import Block, Role, SheetLayout, Slot, template_layout
from validator.forms.live import FAIL_MARK, live_checks
from validator.forms.look import LOOKS, NUMBER_FORMATS, Look, column_widths, row_heights
from validator.names import TEMPLATE_INFO_SHEET
from validator.spec.model import Kind, Template

CREATOR = "nianbao-validator"
LAST_YEAR = 2100  # upper bound of 报告年度 in a format that is still in force

_THIN = Side(style="thin")

# Live checks: an unbalanced total in Excel's own "light red fill, dark red text", the other cells of its equation
# lighter; the status cell green, red while an equation does not balance.
_LIVE_TOTAL = (PatternFill("solid", bgColor="FFC7CE"), Font(color="9C0006", bold=True))
_LIVE_TERM = (PatternFill("solid", bgColor="FDE9EC"), Font(color="9C0006"))
_STATUS_FAIL_FONT = Font(bold=True, color="C00000")


@dataclass(frozen=True)
class _Style:
    """A Look as openpyxl objects; an attribute left None keeps openpyxl's default."""

    font: Font
    alignment: Alignment
    fill: PatternFill | None
    border: Border | None
    protection: Protection | None


def _openpyxl_style(look: Look) -> _Style:
    return _Style(
        Font(name=look.font, size=look.size, bold=look.bold or None, color=look.color),
        Alignment(horizontal=look.horizontal, vertical=look.vertical, wrap_text=look.wrap or None),
        PatternFill("solid", fgColor=look.fill) if look.fill else None,
        Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN) if look.border else None,
        Protection(locked=False) if look.unlocked else None,
    )


_STYLES: dict[Role | str, _Style] = {name: _openpyxl_style(look) for name, look in LOOKS.items()}


def _apply(cell: Cell, name: Role | str) -> None:
    style = _STYLES[name]
    cell.font, cell.alignment = style.font, style.alignment
    for attribute in ("fill", "border", "protection"):
        if getattr(style, attribute) is not None:
            setattr(cell, attribute, getattr(style, attribute))


@dataclass(frozen=True)
class _Rule:
    """An Excel data-validation rule; {first} and {choices} are filled in per template and field."""

    type: str
    operator: str | None
    formula1: str
    prompt: tuple[str, str]  # title, message shown when the cell is selected
    error: tuple[str, str]  # title, message shown when a wrong value is typed
    formula2: str | None = None


_RULES: dict[Kind, _Rule] = {
    "count": _Rule(
        "whole",
        "greaterThanOrEqual",
        "0",
        prompt=("填写件数", "填写不小于0的整数；没有发生的填 0。"),
        error=("数量填写有误", "请填写不小于0的整数；没有发生的请填 0，不要留空或填“/”。"),
    ),
    "signed_count": _Rule(
        "whole",
        None,
        "-2147483648",
        formula2="2147483647",
        prompt=("填写增减数", "填写整数：增加填正数，减少填负数（如 -3），没有变化的填 0。"),
        error=("增减数填写有误", "请填写整数：增加填正数，减少填负数（如 -3），不要写“增”“减”等文字。"),
    ),
    "amount": _Rule(
        "decimal",
        "greaterThanOrEqual",
        "0",
        prompt=("填写金额", "填写不小于0的数，可带小数，不要带单位；没有的填 0。"),
        error=("金额填写有误", "请填写不小于0的数，不要带“元”“万元”等单位；没有的请填 0。"),
    ),
    "money": _Rule(
        "decimal",
        "greaterThanOrEqual",
        "0",
        prompt=("填写金额（万元）", "以万元为单位填写不小于0的数，可带小数；没有收费的填 0。"),
        error=("金额填写有误", "请以万元为单位填写不小于0的数（如 0.35），不要带“元”字；没有收费的请填 0。"),
    ),
    "year": _Rule(
        "whole",
        "between",
        "{first}",
        formula2="{last}",
        prompt=("填写报告年度", "填写四位数的年份，如 {first}。"),
        error=("年度填写有误", "请填写 {first} 至 {last} 之间的四位数年份，如 {first}。"),
    ),
    "choice": _Rule(
        "list",
        None,
        '"{choices}"',
        prompt=("从列表中选择", "点击单元格右侧的箭头，从列表中选择一项。"),
        error=("选项无效", "请从下拉列表中选择一项：{choices}。"),
    ),
    "credit_code": _Rule(
        "textLength",
        "equal",
        "18",
        prompt=("填写统一社会信用代码", "填写18位统一社会信用代码（数字或大写字母）。"),
        error=("信用代码位数不对", "统一社会信用代码应为18位（数字或大写字母），请核对后重新填写。"),
    ),
}


def build_workbook(template: Template) -> Workbook:
    """The blank official workbook of `template`, with every position taken from its layout."""
    wb = Workbook()
    wb.remove(wb.active)
    for layout in template_layout(template):
        _fill_sheet(wb.create_sheet(layout.name), layout, template)
    _add_info_sheet(wb, template)
    wb.active = 0
    wb.properties.title = template.title
    wb.properties.creator = CREATOR
    wb.properties.lastModifiedBy = CREATOR
    # Fixed (the basis document's date) so that regenerating gives identical files.
    wb.properties.created = datetime.combine(template.issued or date(template.first_year, 1, 1), time())
    return wb


def write_blank(template: Template, path: Path) -> None:
    """Write the blank workbook to `path` atomically."""
    save_atomic(build_workbook(template), Path(path))


def _fill_sheet(ws: Worksheet, layout: SheetLayout, template: Template) -> None:
    kinds = {slot.key: template.inputs[slot.key].kind for slot in layout.slots}
    for block in layout.blocks:
        write_block(ws, block)
    for slot in layout.slots:
        _style_input(ws, slot, kinds[slot.key])
    _add_validations(ws, layout, kinds, template)
    widths = column_widths(layout, kinds)
    for col, width in widths.items():
        ws.column_dimensions[column_letter(col)].width = width
    for row, height in row_heights(layout, widths, kinds).items():
        ws.row_dimensions[row].height = height
    ws.freeze_panes = layout.freeze
    _add_live_checks(ws, layout, template)
    _protect(ws)
    _print_setup(ws, layout)


def write_block(ws: Worksheet, block: Block) -> None:
    _apply(ws.cell(block.top, block.left, block.text), block.role)
    # Merging after styling lets openpyxl copy the top-left border onto the edges of the range.
    if block.merged:
        ws.merge_cells(block.range)


def _style_input(ws: Worksheet, slot: Slot, kind: Kind) -> None:
    cell = ws.cell(slot.row, slot.col)
    _apply(cell, "longtext" if kind == "longtext" else "input")
    cell.number_format = NUMBER_FORMATS[kind]


def _add_validations(ws: Worksheet, layout: SheetLayout, kinds: dict[str, Kind], template: Template) -> None:
    """One DataValidation per distinct rule on the sheet, covering all of its input cells."""
    groups: dict[tuple[Kind, tuple[str, ...]], list[Slot]] = {}
    for slot in layout.slots:
        kind = kinds[slot.key]
        if kind in _RULES:
            choices = template.fields[slot.key].choices if kind == "choice" else ()
            groups.setdefault((kind, choices), []).append(slot)
    for (kind, choices), slots in groups.items():
        dv = _data_validation(kind, choices, template.first_year, template.last_year or LAST_YEAR)
        for slot in slots:
            dv.add(slot.coordinate)
        ws.add_data_validation(dv)


def _data_validation(kind: Kind, choices: tuple[str, ...], first_year: int, last_year: int) -> DataValidation:
    rule = _RULES[kind]
    # The list formula separates choices with commas; messages list them the Chinese way.
    values = {"first": first_year, "last": last_year, "choices": ",".join(choices)}
    shown = {"first": first_year, "last": last_year, "choices": "、".join(choices)}
    return DataValidation(
        type=rule.type,
        operator=rule.operator,
        formula1=rule.formula1.format(**values),
        formula2=rule.formula2.format(**values) if rule.formula2 else None,
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=True,
        errorStyle="stop",
        promptTitle=rule.prompt[0],
        prompt=rule.prompt[1].format(**shown),
        errorTitle=rule.error[0],
        error=rule.error[1].format(**shown),
    )


def _add_live_checks(ws: Worksheet, layout: SheetLayout, template: Template) -> None:
    """Status cells, hidden helper formulas and the conditional formats of every checked table on the sheet."""
    for check in live_checks(template, layout):
        for coord, formula in check.formulas:
            ws[coord] = formula
            ws[coord].protection = Protection(locked=True, hidden=True)  # the long formulas stay out of sight
        _apply(ws[check.status.coordinate], "status")
        ws.conditional_formatting.add(
            check.status.coordinate,
            FormulaRule(formula=[f'LEFT({check.status.coordinate},1)="{FAIL_MARK}"'], font=_STATUS_FAIL_FONT),
        )
        for h in check.highlights:
            fill, font = _LIVE_TOTAL if h.role == "total" else _LIVE_TERM
            ws.conditional_formatting.add(h.cells, FormulaRule(formula=[h.formula], fill=fill, font=font))
        for col in check.helper_columns:
            ws.column_dimensions[column_letter(col)].hidden = True


def _protect(ws: Worksheet) -> None:
    """Protect without a password: only unlocked cells take input, column and row sizes stay adjustable.

    Formatting cells and editing notes stay allowed, so that the Excel button can mark cells through Office.js,
    which cannot lift the protection.
    """
    ws.protection.sheet = True
    ws.protection.formatCells = False
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _print_setup(ws: Worksheet, layout: SheetLayout) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if layout.width > 4 else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    last_row = max([b.bottom for b in layout.blocks] + [s.row for s in layout.slots])
    ws.print_area = f"A1:{column_letter(layout.width)}{last_row}"  # the form only, not the live-check cells


def _add_info_sheet(wb: Workbook, template: Template) -> None:
    ws = wb.create_sheet(TEMPLATE_INFO_SHEET)
    for key, value in (("模板编号", template.id), ("版本", template.version), ("格式依据", template.basis)):
        ws.append([key, value])
    ws.sheet_state = "hidden"
    _protect(ws)
