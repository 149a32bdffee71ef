"""The rule reference, generated from the rule registry and the template spec (docs/rules.md, `nianbao rules`)."""

from __future__ import annotations

from collections.abc import Sequence

from validator.catalogue import ACROSS_FAMILY, FAMILIES
from validator.findings import SEVERITY_ZH
from validator.rules.registry import all_rules
from validator.spec.model import RuleSpec, Template


def _terms(template: Template, keys: tuple[str, ...], axis: str) -> str:
    return "＋".join(f"「{template.inputs[k].axis_label(axis)}」" for k in keys)


def _detail(rule: RuleSpec, template: Template) -> str:
    """The rule's parameters in words, with the official labels they refer to."""
    p = rule.params
    if rule.kind == "equation":
        first = rule.equations[0]  # every instance has the same labels: show the first
        lhs, rhs = (_terms(template, side, first.term_axis) for side in (first.lhs, first.rhs))
        where = "、".join(dict.fromkeys(eq.context for eq in rule.equations)) or template.tables[p["table"]].sheet
        return f"{lhs} ＝ {rhs}；逐一检查 {len(rule.equations)} 处：{where}"
    if rule.kind == "compare":
        inputs = template.inputs
        return f"「{inputs[p['left']].label}」 {p['op']} 「{inputs[p['right']].label}」"
    if rule.kind == "zero_unless":
        cells = "、".join(f"「{template.inputs[k].label}」" for k in p["cells"])
        allowed = "；或 ".join(
            "、".join(f"{template.fields[k].label}为{'/'.join(v)}" for k, v in a.items()) for a in p["allowed"]
        )
        return f"{cells} 应为 0，除非 {allowed}"
    field = template.fields[p["field"]].label
    if rule.kind == "credit_code":
        return f"「{field}」：18 位，校验位按 GB 32100-2015 计算"
    if rule.kind == "year_range":
        later = f"；晚于 {template.last_year} 年的报告应改用新格式（ST07）" if template.last_year else ""
        return f"「{field}」：{template.first_year} 年至今年{later}"
    return f"「{field}」应提到：{'、'.join(p['any_of'])}"


def _rules_section(template: Template, level: int) -> list[str]:
    """The table of every rule, then the rules the spec declares in detail; headings start at `level`."""
    lines = ["| 规则 | 级别 | 类别 | 说明 |", "|---|---|---|---|"]
    rules = all_rules(template)
    lines += [f"| {r.code} | {SEVERITY_ZH[r.severity]} | {r.family} | {r.summary} |" for r in rules.values()]
    lines += [
        "",
        f"{ACROSS_FAMILY} 开头的规则（{FAMILIES[ACROSS_FAMILY]}）比较多份报告，只在批量校验 `nianbao batch` 中运行："
        "与上一年度的报告比较（`--previous`），以及同一批中的重复报送。",
    ]
    lines += ["", f"{'#' * level} 模板规格中声明的规则", ""]
    for r in rules.values():
        if r.spec:
            advice = r.spec.params.get("advice")
            lines += [f"{'#' * (level + 1)} {r.code} {r.summary}", "", _detail(r.spec, template), ""]
            lines += [f"处理办法：{advice}", ""] if advice else []
    return lines


def rules_markdown(template: Template) -> str:
    """The rules of one template: every rule with code, severity, family, summary and, for spec rules, what it checks."""
    lines = [
        "# 校验规则一览",
        "",
        f"本文件由 `nianbao rules --markdown` 根据模板规格 `{template.id}`（{template.basis}）生成，请勿手工修改。",
        "",
    ]
    return "\n".join(lines + _rules_section(template, 2))


def rules_document(templates: Sequence[Template]) -> str:
    """docs/rules.md: one section per template, newest format first (codes mean the same in every template)."""
    lines = [
        "# 校验规则一览",
        "",
        "本文件由 `nianbao rules --markdown` 根据 `templates/` 中的全部模板规格生成，请勿手工修改。"
        "每个模板（格式版本）一节；同一规则编号在各模板中含义相同，只是所涉及的行列按各自格式。",
        "",
    ]
    for t in templates:
        lines += [f"## {t.name}（{t.basis}，{t.years}）", "", f"模板编号 `{t.id}`，版本 {t.version}。", ""]
        lines += _rules_section(t, 3)
    return "\n".join(lines)
