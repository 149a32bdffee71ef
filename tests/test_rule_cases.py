"""Per-rule pass/fail cases: tests/rule_cases/**/<CODE>.yml edits cells of a template's balanced example report.

A case file names its template with `template:` (default: the current format) and lists the cells each case
changes and the cells the rule must flag (null for a finding about the whole workbook); `copy:` ({sheet: name of
its copy}) and `hide:` ([sheet, …]) duplicate or hide whole sheets after the cells are changed (the cells of a
copy, named by the copy's name, are changed in the copy).

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
    copies = case.get("copy", {})
    cells = [(*ref.split("!"), value) for ref, value in case["cells"].items()]
    for sheet, coord, value in cells:
        if sheet not in copies.values():
            wb[sheet][coord] = value
    for ref in case.get("merge", []):
        sheet, area = ref.split("!")
        wb[sheet].merge_cells(area)
    for sheet, name in copies.items():  # a copy of a whole sheet, placed last
        wb.copy_worksheet(wb[sheet]).title = name
    for sheet, coord, value in cells:  # a copy's own cells, changed in the copy
        if sheet in copies.values():
            wb[sheet][coord] = value
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


_RULES = {"t2_1.rules": [1, 0, 2]}  # 规章 本年制发 1、现行有效 2


@pytest.mark.parametrize(
    ("agency", "said"),
    [
        ("某某县城关镇人民政府", "本机关是乡镇级机关"),
        ("某某街道办事处", "本机关是乡镇级机关"),
        ("某某县人民政府", "本机关是县级人民政府"),
        ("某某市公安局", "本机关是地方政府部门（不是国务院部门，也不是人民政府）"),
        ("某某省教育厅", "本机关是地方政府部门（不是国务院部门，也不是人民政府）"),
        ("某某县城关镇", "本机关是乡镇级机关"),  # a town's name without 人民政府 names its government
        ("某某县人民政府办公室", "本机关是县级机关（县级人民政府的办公室）"),
        ("国家税务总局某某县税务局", "本机关是国家税务总局设在地方的税务局（不是国务院部门本身，也不是人民政府）"),
        ("国家税务总局某某省税务局", "本机关是国家税务总局设在地方的税务局（不是国务院部门本身，也不是人民政府）"),
    ],
)
def test_a_published_report_without_a_cover_is_judged_by_its_agency_name(tmp_path: Path, agency: str, said: str):
    """A published report has no cover: its title names the agency, and a name that settles the level or kind
    settles PL01."""
    (report,) = check_paths([_published_page(tmp_path, agency, _RULES)])
    (finding,) = [f for f in report.findings if f.rule == "PL01"]
    assert finding.message.startswith(f"据机关名称「{agency}」，{said}，但表二「规章 / 本年制发件数」 = 1，")
    assert "按机关名称判断" in finding.message
    assert not any("PL01" in n for n in report.notices)


@pytest.mark.parametrize("agency", ["某某市人民政府", "某某市人民政府办公室", "国家某某局"])
def test_a_published_report_whose_agency_name_settles_nothing_says_pl01_was_not_judged(tmp_path: Path, agency: str):
    """A city government may have rule-making power or not (a city with districts, or a county-level city): no
    finding, but a notice that PL01 could not be judged, and why; nothing to say when 规章 are all 0."""
    (report,) = check_paths([_published_page(tmp_path, agency, _RULES)])
    assert [f.rule for f in report.findings] == []
    (notice,) = [n for n in report.notices if "PL01" in n]
    assert notice.startswith("PL01未能判断：表二「规章 / 本年制发件数」 = 1，表二「规章 / 现行有效件数」 = 2，")
    assert f"，但年报没有填写本机关的机关层级和机关类别，从机关名称「{agency}」也无法确定。" in notice
    assert notice.endswith(
        "这些数字应为 0，除非机关层级为国务院部门；或 机关层级为省级/设区的市级、机关类别为人民政府。"
        "请核对：本机关不是这样的机关的，这些数字应为 0。"
    )
    (report,) = check_paths([_published_page(tmp_path, agency, {})])
    assert report.findings == [] and not any("PL01" in n for n in report.notices)


def test_a_title_joining_the_agency_with_guanyu_names_the_agency_without_it(tmp_path: Path):
    """ "某某县人民政府关于2025年度政府信息公开工作年度报告": 关于 joins the title, it is no part of the name."""
    (report,) = check_paths([_published_page(tmp_path, "某某县人民政府关于", _RULES)])
    (finding,) = [f for f in report.findings if f.rule == "PL01"]
    assert finding.message.startswith("据机关名称「某某县人民政府」，本机关是县级人民政府，")


def test_a_provincial_government_by_name_may_have_rules(tmp_path: Path):
    (report,) = check_paths([_published_page(tmp_path, "某某省人民政府", _RULES)])
    assert report.findings == [] and not any("PL01" in n for n in report.notices)


def _published_page(folder: Path, agency: str, values: dict) -> Path:
    """The balanced report published as a web page (no cover) under the title of `agency`."""
    import documents
    from builders import published

    from validator.sources.xlsx import load

    balanced = {k: v for k, v in balanced_values(TEMPLATE).items() if v is not None}
    for row, numbers in values.items():
        balanced |= dict(zip((f"{row}.{c.key}" for c in TEMPLATE.tables[row.split(".")[0]].column_leaves), numbers))
    title = f"{agency}2025年度政府信息公开工作年度报告"
    xlsx = published(folder / "report.xlsx", balanced, title=title)
    page = folder / "report.html"
    page.write_bytes(documents.clean_html(documents.segments(load(xlsx).grid.sheets[0])))
    return page
