"""The rule reference, generated from the rule registry and the template spec (docs/rules.md, `nianbao rules`)."""

from __future__ import annotations

from collections.abc import Sequence

from validator.catalogue import ACROSS_FAMILY, FAMILIES
from validator.findings import SEVERITY_ZH
from validator.rules.kinds import KINDS
from validator.rules.registry import all_rules
from validator.spec.model import Template


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
            lines += [f"{'#' * (level + 1)} {r.code} {r.summary}", "", KINDS[r.spec.kind].detail(r.spec, template), ""]
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
