"""Against last year's reports: carried-over requests must match (XY01), copied tables (XY02), agencies missing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from validator.batch.findings import across_finding, agency_keys, display_name
from validator.cellref import CellRef
from validator.findings import Finding, Related
from validator.spec.catalog import get_template
from validator.spec.model import Template
from validator.text import fmt

_TABLE = "t3"
_CARRIED_IN, _CARRIED_OUT = "carried_in", "carried_out"  # 二、上年结转 this year = 四、结转下年度 last year


@dataclass(frozen=True)
class Missing:
    """An agency that reported last year and has no report in this batch."""

    name: str
    credit_code: str | None
    file: str  # last year's file


def compare_years(docs: Sequence[dict], previous: Sequence[dict]) -> tuple[dict[str, list[Finding]], list[Missing]]:
    """XY01/XY02 findings by file for this year's results matched to last year's, and last year's agencies missing."""
    last = [d for d in previous if d.get("status") == "checked"]
    by_code = {code: d for d in last for code in [agency_keys(d)[0]] if code}
    by_name = {name: d for d in last for name in [agency_keys(d)[1]] if name}
    matched: set[int] = set()
    findings: dict[str, list[Finding]] = {}
    for doc in docs:
        code, name = agency_keys(doc)
        before = (code and by_code.get(code)) or (name and by_name.get(name))
        if not before or doc.get("status") != "checked":
            continue
        matched.add(id(before))
        template = get_template(doc["template"]) if doc.get("template") else None
        found = _carried_over(doc, before, template) + _copied(doc, before)
        if found:
            findings[doc["file"]] = found
    gone = [d for d in last if id(d) not in matched and any(agency_keys(d))]
    return findings, [Missing(display_name(d), agency_keys(d)[0], d["file"]) for d in gone]


def _carried_over(doc: dict, before: dict, template: Template | None) -> list[Finding]:
    if template is None or _TABLE not in template.tables:
        return []
    table = template.tables[_TABLE]
    out = []
    for col in table.column_leaves:
        key, last_key = table.cell_key(_CARRIED_IN, col.key), table.cell_key(_CARRIED_OUT, col.key)
        now, then = doc["values"].get(key), before["values"].get(last_key)
        if not isinstance(now, int | float) or not isinstance(then, int | float) or now == then:
            continue
        cell = _cell(doc, key)
        last_cell = _cell(before, last_key, workbook=before["file"])
        related = (Related(last_cell, "上年结转下年度"),) if last_cell else ()
        where = f"（{last_cell.sheet}!{last_cell.coordinate}）" if last_cell else ""
        message = (
            f"表三「{col.label}」列：本年「二、上年结转政府信息公开申请数量」为 {fmt(now)}，"
            f"而上年报告 {before['file']} 的「四、结转下年度继续办理」{where}为 {fmt(then)}，两者应相等。"
            "请核对本年的上年结转数；如上年报告有误，请说明。"
        )
        out.append(across_finding("XY01", message, cell, related, then, now, key))
    return out


def _copied(doc: dict, before: dict) -> list[Finding]:
    """Every number of the tables equal to last year's (and not all zero): probably last year's report resubmitted."""
    numbers = {k: v for k, v in doc["values"].items() if "." in k and isinstance(v, int | float)}
    old = {k: before["values"].get(k) for k in numbers}
    if not numbers or numbers != old or not any(numbers.values()):
        return []
    message = (
        f"表二、表三、表四的数字与上年报告 {before['file']} 完全相同，疑似照抄了上年报告。请核实并填写本年度的数据。"
    )
    return [across_finding("XY02", message)]


def _cell(doc: dict, key: str, workbook: str | None = None) -> CellRef | None:
    ref = (doc.get("cells") or {}).get(key)
    if not ref:
        return None
    cell = CellRef.parse(ref)
    return CellRef(cell.sheet, cell.row, cell.col, workbook)
