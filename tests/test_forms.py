"""The generated blank workbook: labels, inputs, validation, protection, print setup, shipped copy, real render."""

from __future__ import annotations

import re
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.datavalidation import DataValidation

from validator.cellref import coordinate
from validator.forms.layout import SheetLayout, template_layout
from validator.forms.workbook import write_blank
from validator.installed import TEMPLATES_DIR
from validator.names import INPUT_FILL, TEMPLATE_INFO_SHEET
from validator.spec import Template, default_template, get_template, list_templates

TEMPLATE = default_template()
LAYOUTS = template_layout(TEMPLATE)
COUNT_ERROR = "请填写不小于0的整数；没有发生的请填 0，不要留空或填“/”。"

per_sheet = pytest.mark.parametrize("layout", LAYOUTS, ids=[s.name for s in LAYOUTS])


@pytest.fixture(scope="module")
def blank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("forms") / "blank.xlsx"
    write_blank(TEMPLATE, path)
    return path


@pytest.fixture(scope="module")
def workbook(blank: Path) -> Workbook:
    return load_workbook(blank)


def _validated_cells(dv: DataValidation) -> set[str]:
    return {coordinate(row, col) for rng in dv.sqref.ranges for row, col in rng.cells}


def _expected_rule(key: str) -> tuple[str, str | None, str] | None:
    """(type, operator, formula1) of the validation an input should carry, None for free text."""
    kind = TEMPLATE.inputs[key].kind
    if kind == "choice":
        return "list", None, '"' + ",".join(TEMPLATE.fields[key].choices) + '"'
    return {
        "count": ("whole", "greaterThanOrEqual", "0"),
        "money": ("decimal", "greaterThanOrEqual", "0"),
        "year": ("whole", "between", str(TEMPLATE.first_year)),
        "credit_code": ("textLength", "equal", "18"),
    }.get(kind)


def test_sheets_in_spec_order_with_hidden_info_sheet_last(workbook: Workbook) -> None:
    assert workbook.sheetnames == [s.name for s in TEMPLATE.sheets] + [TEMPLATE_INFO_SHEET]
    assert workbook.active.title == "封面"
    assert [ws.sheet_state for ws in workbook.worksheets] == ["visible"] * len(TEMPLATE.sheets) + ["hidden"]


def test_template_info_and_properties(workbook: Workbook) -> None:
    rows = {key: value for key, value in workbook[TEMPLATE_INFO_SHEET].iter_rows(values_only=True)}
    assert rows == {"模板编号": TEMPLATE.id, "版本": TEMPLATE.version, "格式依据": TEMPLATE.basis}
    assert workbook.properties.title == TEMPLATE.title
    assert workbook.properties.creator == "nianbao-validator"


@per_sheet
def test_every_block_is_written_and_merged(workbook: Workbook, layout: SheetLayout) -> None:
    ws = workbook[layout.name]
    for block in layout.blocks:
        assert ws.cell(block.top, block.left).value == block.text, block
    assert {str(r) for r in ws.merged_cells.ranges} == {b.range for b in layout.blocks if b.merged}


@per_sheet
def test_inputs_are_unlocked_and_filled_labels_locked(workbook: Workbook, layout: SheetLayout) -> None:
    ws = workbook[layout.name]
    for slot in layout.slots:
        cell = ws[slot.coordinate]
        assert cell.protection.locked is False, slot
        assert cell.fill.fgColor.rgb.endswith(INPUT_FILL), slot
    for block in layout.blocks:
        assert ws.cell(block.top, block.left).protection.locked is True, block


@pytest.mark.parametrize(("sheet", "count"), [("封面", 7), ("正文", 3), ("表二", 10), ("表三", 175), ("表四", 15)])
def test_number_of_input_cells(workbook: Workbook, sheet: str, count: int) -> None:
    unlocked = [c for row in workbook[sheet].iter_rows() for c in row if c.protection.locked is False]
    assert len(unlocked) == count


def test_every_sheet_is_protected_without_password(workbook: Workbook) -> None:
    for ws in workbook.worksheets:
        assert ws.protection.sheet is True, ws.title
        assert not ws.protection.password, ws.title
        assert ws.protection.selectUnlockedCells is False, ws.title  # False = not forbidden


@per_sheet
def test_validations_cover_exactly_the_inputs_of_each_kind(workbook: Workbook, layout: SheetLayout) -> None:
    expected: dict[tuple[str, str | None, str], set[str]] = {}
    for slot in layout.slots:
        rule = _expected_rule(slot.key)
        if rule:
            expected.setdefault(rule, set()).add(slot.coordinate)
    validations = workbook[layout.name].data_validations.dataValidation
    actual = {(dv.type, dv.operator, dv.formula1): _validated_cells(dv) for dv in validations}
    assert actual == expected
    assert len(validations) == len(expected)  # one validation per rule, not one per cell


def test_validations_explain_in_chinese(workbook: Workbook) -> None:
    validations = [dv for ws in workbook.worksheets for dv in ws.data_validations.dataValidation]
    for dv in validations:
        assert dv.showErrorMessage and dv.showInputMessage
        for text in (dv.errorTitle, dv.error, dv.promptTitle, dv.prompt):
            assert re.search(r"[\u4e00-\u9fff]", text or ""), dv
    assert COUNT_ERROR in {dv.error for dv in validations}


def test_agency_level_dropdown_lists_its_choices(workbook: Workbook) -> None:
    cell = next(s.coordinate for s in LAYOUTS[0].slots if s.key == "agency_level")
    dv = next(dv for dv in workbook["封面"].data_validations.dataValidation if cell in _validated_cells(dv))
    assert dv.type == "list"
    assert dv.formula1.strip('"').split(",") == ["国务院部门", "省级", "设区的市级", "县级", "乡镇级"]


@per_sheet
def test_number_formats_follow_the_kind(workbook: Workbook, layout: SheetLayout) -> None:
    formats = {"count": "0", "money": "0.0000", "year": "0"}
    for slot in layout.slots:
        kind = TEMPLATE.inputs[slot.key].kind
        assert workbook[layout.name][slot.coordinate].number_format == formats.get(kind, "@"), slot


@per_sheet
def test_freeze_panes_and_print_setup(workbook: Workbook, layout: SheetLayout) -> None:
    ws = workbook[layout.name]
    assert ws.freeze_panes == layout.freeze
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.orientation == ("landscape" if layout.width > 4 else "portrait")
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (int(ws.page_setup.fitToWidth), int(ws.page_setup.fitToHeight)) == (1, 0)


def test_long_text_inputs_are_tall_and_wide(workbook: Workbook) -> None:
    ws = workbook["正文"]
    for slot in LAYOUTS[1].slots:
        assert ws.row_dimensions[slot.row].height >= 150
        assert ws.column_dimensions[ws[slot.coordinate].column_letter].width >= 60
        assert ws[slot.coordinate].alignment.wrap_text


def test_write_blank_replaces_the_file_atomically(tmp_path: Path) -> None:
    path = tmp_path / "blank.xlsx"
    path.write_bytes(b"old")
    write_blank(TEMPLATE, path)
    assert [p.name for p in tmp_path.iterdir()] == ["blank.xlsx"]  # no temporary file left behind
    assert load_workbook(path).sheetnames[0] == "封面"


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.parametrize("template", list_templates(), ids=lambda t: t.id)
def test_shipped_templates_are_up_to_date(template: Template, tmp_path: Path) -> None:
    shipped = TEMPLATES_DIR / f"{template.id}.xlsx"
    regenerate = (
        f"{shipped.name} is out of date: regenerate it with "
        f"`nianbao template --template {template.id} -o templates/{shipped.name}`"
    )
    assert shipped.exists(), regenerate
    write_blank(template, tmp_path / "fresh.xlsx")
    old, fresh = _parts(shipped), _parts(tmp_path / "fresh.xlsx")
    assert old.keys() == fresh.keys(), regenerate
    # core.xml carries the save time, the one thing that differs between two generations.
    stale = [name for name in fresh if name != "docProps/core.xml" and old[name] != fresh[name]]
    assert not stale, f"{regenerate} (differing parts: {stale})"


def test_trial_format_validations_allow_a_decrease_and_limit_the_years(tmp_path: Path) -> None:
    """2019 表二「本年增/减」takes negative whole numbers; 报告年度 stays within the format's years."""
    trial = get_template("gov-info-annual-report-2019")
    write_blank(trial, tmp_path / "trial.xlsx")
    wb = load_workbook(tmp_path / "trial.xlsx")
    slots = {s.key: s.coordinate for layout in template_layout(trial) for s in layout.slots}

    def validation(sheet: str, key: str) -> DataValidation:
        return next(dv for dv in wb[sheet].data_validations.dataValidation if slots[key] in _validated_cells(dv))

    change = validation("表二", "t2_5.licensing.change")
    assert (change.type, change.operator, int(change.formula1)) == ("whole", None, -2147483648)
    assert "负数" in change.prompt
    amount = validation("表二", "t2_9.procurement.amount")
    assert (amount.type, amount.formula1) == ("decimal", "0") and "万元" not in amount.prompt
    year = validation("封面", "report_year")
    assert (year.formula1, year.formula2) == ("2019", "2020")


def test_libreoffice_prints_the_official_labels(
    blank: Path, convert: Callable[[Path, str, Path], Path], pdftotext: str, tmp_path: Path
) -> None:
    pdf = convert(blank, "pdf", tmp_path)
    text = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = [re.sub(r"\s+", "", page) for page in text.split("\f")]  # labels may wrap inside their cells
    everything = "".join(pages)
    for label in ("一、本年新收政府信息公开申请数量", "复议后起诉", "行政事业性收费", TEMPLATE.tables["t3"].corner):
        assert label in everything, label
    # 表三 fits on one page: its title and its last row print together.
    table3 = next(page for page in pages if "三、收到和处理政府信息公开申请情况" in page)
    assert "四、结转下年度继续办理" in table3
