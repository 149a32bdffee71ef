"""A realistic, balanced example report (a county government office) for the demo and the tests."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from validator.forms.layout import template_layout
from validator.rules.plausibility import CODE_ALPHABET, credit_code_problem
from validator.spec.model import Template

# Outcome rows of 表三 per requester column (自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他).
_T3_OUTCOMES = {
    "disclosed": (21, 4, 1, 0, 2, 1),
    "partial": (3, 1, 0, 0, 1, 0),
    "withheld_third_party": (1, 0, 0, 0, 0, 0),
    "withheld_process": (1, 1, 0, 0, 0, 0),
    "unable_not_held": (6, 2, 0, 1, 1, 0),
    "unable_needs_making": (2, 0, 0, 0, 0, 0),
    "refused_petition": (2, 0, 0, 0, 0, 0),
    "refused_repeat": (1, 0, 0, 0, 0, 0),
    "other_no_correction": (1, 0, 0, 0, 0, 0),
}
_T3_CARRIED_IN = (2, 1, 0, 0, 0, 0)
_T3_CARRIED_OUT = (3, 0, 0, 0, 1, 0)
_T4 = {"review": (2, 1, 0, 1), "direct": (1, 0, 1, 0), "after_review": (0, 1, 0, 0)}


def valid_credit_code(first17: str) -> str:
    """Complete 17 characters with the GB 32100-2015 check character."""
    return next(first17 + ch for ch in CODE_ALPHABET if not credit_code_problem(first17 + ch))


def balanced_values(template: Template) -> dict[str, object]:
    """Values for every input of the 2021 template in which every rule passes."""
    t3 = template.tables["t3"]
    requesters = [c.key for c in t3.column_leaves if c.key != "total"]
    rows: dict[str, tuple[int, ...]] = {r.key: (0,) * 6 for r in t3.row_leaves}
    rows |= _T3_OUTCOMES
    rows["outcome_total"] = tuple(sum(v[i] for v in _T3_OUTCOMES.values()) for i in range(6))
    rows["carried_in"] = _T3_CARRIED_IN
    rows["carried_out"] = _T3_CARRIED_OUT
    rows["new"] = tuple(rows["outcome_total"][i] + _T3_CARRIED_OUT[i] - _T3_CARRIED_IN[i] for i in range(6))
    values: dict[str, object] = {}
    for row, numbers in rows.items():
        values.update({t3.cell_key(row, col): n for col, n in zip(requesters, numbers)})
        values[t3.cell_key(row, "total")] = sum(numbers)
    for group, parts in _T4.items():
        for col, n in zip(("upheld", "corrected", "other", "pending"), parts):
            values[f"t4.cases.{group}.{col}"] = n
        values[f"t4.cases.{group}.total"] = sum(parts)
    values |= {
        "t2_1.rules.issued": 0, "t2_1.rules.repealed": 0, "t2_1.rules.current": 0,
        "t2_1.normative.issued": 4, "t2_1.normative.repealed": 2, "t2_1.normative.current": 37,
        "t2_5.licensing.decisions": 1268, "t2_6.penalty.decisions": 315, "t2_6.enforcement.decisions": 12,
        "t2_8.fees.amount": 86.4,
        "agency_name": "某县人民政府办公室", "credit_code": valid_credit_code("11330521MB1234567"),
        "report_year": 2025, "agency_level": "县级", "agency_type": "人民政府",
        "contact": "王晓明", "phone": "0572-1234567",
        "overview": "2025年，本机关认真贯彻《中华人民共和国政府信息公开条例》，在主动公开、依申请公开、"
        "政府信息管理、政府信息公开平台建设和监督保障等方面扎实推进各项工作。",
        "problems": "存在的主要问题：部分领域信息更新不够及时。改进措施：完善信息发布审核机制，加强培训。",
        "other_matters": "本年度未收取信息处理费，发出收费通知的件数和总金额以及实际收取的总金额均为 0。",
    }  # fmt: skip
    return values


def fill_workbook(blank: Path, target: Path, values: dict[str, object], template: Template) -> None:
    """Write `values` into the input cells of a generated blank workbook and save it as `target`."""
    wb = openpyxl.load_workbook(blank)
    for sheet in template_layout(template):
        ws = wb[sheet.name]
        for slot in sheet.slots:
            if slot.key in values:
                ws.cell(slot.row, slot.col, values[slot.key])
    wb.save(target)
