"""Per-rule pass/fail cases: tests/rule_cases/**/<CODE>.yml edits cells of a template's balanced example report.

A case file names its template with `template:` (default: the current format) and lists the cells each case
changes and the cells the rule must flag (null for a finding about the whole workbook); `copy:` ({sheet: name of
its copy}) and `hide:` ([sheet, …]) duplicate or hide whole sheets after the cells are changed.

A case may start from a workbook built with a structural variant of tests/builders.py (`variant:`, e.g. an extra
row) instead of the generated template; its `cells` and `merge` then apply in the coordinates the variant left.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
import yaml
from builders import TEMPLATE, build

from validator import check_paths
from validator.catalogue import ACROSS_FAMILY
from validator.forms.sample import balanced_values, valid_credit_code
from validator.rules.kinds.credit_code import credit_code_problem
from validator.rules.registry import all_rules
from validator.spec import Template, default_template, get_template, list_templates

CASES_DIR = Path(__file__).parent / "rule_cases"
# Built-in rules whose cases a template other than the default must have: they depend on the format's kinds or years.
FORMAT_SPECIFIC_BUILTINS = {"ST07", "TY04", "TY05"}


def _files() -> list[tuple[Path, dict]]:
    return [(p, yaml.safe_load(p.read_text(encoding="utf-8"))) for p in sorted(CASES_DIR.rglob("*.yml"))]


def _template_id(doc: dict) -> str:
    return doc.get("template", default_template().id)


def _cases() -> list:
    out = []
    for path, doc in _files():
        where = path.relative_to(CASES_DIR).with_suffix("")
        for case in doc["cases"]:
            out.append(pytest.param(path.stem, _template_id(doc), case, id=f"{where}-{case['name']}"))
    return out


def _apply(source: Path, target: Path, case: dict) -> None:
    if "variant" in case:
        source = build(target, balanced_values(TEMPLATE), **case["variant"])
    wb = openpyxl.load_workbook(source)
    for ref, value in case["cells"].items():
        sheet, coord = ref.split("!")
        wb[sheet][coord] = value
    for ref in case.get("merge", []):
        sheet, area = ref.split("!")
        wb[sheet].merge_cells(area)
    for sheet, name in case.get("copy", {}).items():  # a copy of a whole sheet, placed last
        wb.copy_worksheet(wb[sheet]).title = name
    for sheet in case.get("hide", []):
        wb[sheet].sheet_state = "hidden"
    wb.save(target)


@pytest.mark.parametrize("template", list_templates(), ids=lambda t: t.id)
def test_every_rule_has_a_case_file(template: Template):
    """Rules comparing several reports (XY) are tested on generated batches in test_batch.py instead."""
    covered = {path.stem for path, doc in _files() if _template_id(doc) == template.id}
    if template == default_template():
        assert covered == {code for code in all_rules(template) if not code.startswith(ACROSS_FAMILY)}
    else:
        assert covered == {r.code for r in template.rules} | FORMAT_SPECIFIC_BUILTINS


@pytest.mark.parametrize(("code", "template_id", "case"), _cases())
def test_rule_case(code: str, template_id: str, case: dict, balanced_of: Callable[[Template], Path], tmp_path: Path):
    template = get_template(template_id)
    path = tmp_path / "case.xlsx"
    _apply(balanced_of(template), path, case)
    (report,) = check_paths([path])
    assert report.template == template.id
    flagged = sorted((f.cell.ref if f.cell else None for f in report.findings if f.rule == code), key=str)
    assert flagged == sorted(case["findings"], key=str), [f.message for f in report.findings]
    if not case["findings"]:  # a passing case is a valid report: nothing else may fire either
        assert report.findings == [], [f.message for f in report.findings]


def test_a_credit_code_in_full_width_characters_is_told_to_use_half_width():
    code = valid_credit_code("11330521MB1234567")
    wide = code.translate({ord(c): ord(c) + 0xFEE0 for c in code})  # "１１３３…": full-width forms
    problem = credit_code_problem(wide)
    assert problem and "全角" in problem and "改为半角后符合编码规则" in problem


def test_a_credit_code_with_two_characters_swapped_is_not_blamed_on_its_check_character():
    code = valid_credit_code("11330521MB1234567")
    swapped = code[:10] + code[11] + code[10] + code[12:]
    problem = credit_code_problem(swapped)
    assert problem and "颠倒" in problem and "不一定在最后一位" in problem
