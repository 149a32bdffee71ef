"""Loading a template spec from YAML into the frozen model, with errors that name the offending path.

Rules are checked against the registered rule kinds (`validator.rules.kinds`): the loader sits above the rules
in the layers, as a linter's configuration sits above its rules.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any, get_args

import yaml

from validator.catalogue import BUILTIN, FAMILIES
from validator.installed import TEMPLATES_DIR
from validator.rules import kinds as rule_kinds
from validator.spec.model import (
    Field,
    Header,
    Kind,
    RuleSpec,
    Severity,
    Sheet,
    SpecError,
    SupersededFormat,
    Table,
    Template,
)

KINDS = set(get_args(Kind))
SEVERITIES = set(get_args(Severity))
RULE_CODE = re.compile(r"[A-Z]{2}[0-9]{2}")  # family letters + two digits, e.g. PL02
RULE_FIELDS = ("code", "kind", "severity", "summary")  # what every rule has; the rest are its kind's parameters


def _require(node: dict[str, Any], key: str, where: str) -> Any:
    if key not in node:
        raise SpecError(f"{where}: 缺少「{key}」")
    return node[key]


def _headers(nodes: list[dict[str, Any]], where: str) -> tuple[Header, ...]:
    out = []
    for i, n in enumerate(nodes):
        here = f"{where}[{i}]"
        children = _headers(n.get("children", []), f"{here}.children")
        if not children and not n.get("key"):
            raise SpecError(f"{here}: 最末一级的表头需要「key」")
        kind = _kind(n["kind"], f"{here}.kind") if "kind" in n else None
        out.append(Header(label=str(_require(n, "label", here)), key=n.get("key"), children=children, kind=kind))
    return tuple(out)


def _kind(value: str, where: str) -> Kind:
    return _one_of(value, sorted(KINDS), "单元格类型", where)


def _table(node: dict[str, Any], sheet: str, where: str) -> Table:
    return Table(
        key=_require(node, "key", where),
        sheet=sheet,
        kind=_kind(node.get("kind", "count"), f"{where}.kind"),
        columns=_headers(_require(node, "columns", where), f"{where}.columns"),
        rows=_headers(_require(node, "rows", where), f"{where}.rows"),
        caption=node.get("caption"),
        corner=node.get("corner"),
    )


def _field(node: dict[str, Any], sheet: str, where: str) -> Field:
    if any("," in str(c) for c in node.get("choices", ())):
        raise SpecError(f"{where}.choices: 可选值中不能有逗号（Excel 的下拉列表以逗号分隔各项）")
    return Field(
        key=_require(node, "key", where),
        label=_require(node, "label", where),
        kind=_kind(_require(node, "kind", where), f"{where}.kind"),
        sheet=sheet,
        required=bool(node.get("required", False)),
        choices=tuple(node.get("choices", ())),
    )


def _sheet(node: dict[str, Any], where: str) -> Sheet:
    name = _require(node, "name", where)
    return Sheet(
        name=name,
        title=node.get("title", name),
        fields=tuple(_field(f, name, f"{where}.fields[{i}]") for i, f in enumerate(node.get("fields", []))),
        tables=tuple(_table(t, name, f"{where}.tables[{i}]") for i, t in enumerate(node.get("tables", []))),
    )


def _names(values: object) -> str:
    return "、".join(map(str, values))


def _text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SpecError(f"{where}: 应为非空的文字")
    return value


def _items(value: object, where: str) -> list:
    if not isinstance(value, list) or not value:
        raise SpecError(f"{where}: 应为非空的列表")
    return value


def _one_of(value: object, known: Iterable[str], what: str, where: str) -> str:
    """`value` if it is one of `known`; else the error names it and the choices (when few) or the closest one."""
    options = list(known)
    if isinstance(value, str) and value in options:
        return value
    if len(options) <= 12:
        raise SpecError(f"{where}: 「{value}」不是{what}（可用：{_names(options)}）")
    close = difflib.get_close_matches(str(value), options, n=1)
    hint = f"。是否应为「{close[0]}」？" if close else ""
    raise SpecError(f"{where}: 「{value}」不是{what}{hint}")


def _profile(value: object, template: Template, where: str) -> dict[str, list[str]]:
    if not isinstance(value, dict) or not value:
        raise SpecError(f"{where}: 应为「封面字段: [允许的值, …]」形式的映射")
    for key, allowed in value.items():
        field = template.fields[_one_of(key, template.fields, "模板中的字段", where)]
        for i, v in enumerate(_items(allowed, f"{where}.{key}")):
            if field.choices:
                _one_of(v, field.choices, f"「{field.label}」的可选值", f"{where}.{key}[{i}]")
    return value


def _param(param: rule_kinds.Param, value: object, template: Template, where: str) -> object:
    """A rule parameter checked against its declared type and the template."""
    kind = param.type
    if kind == "cell":
        return _one_of(value, template.inputs, "模板中的填报项", where)
    if kind == "field":
        return _one_of(value, template.fields, "模板中的字段", where)
    if kind == "table":
        return _one_of(value, template.tables, "模板中的表格", where)
    if kind == "choice":
        return _one_of(value, param.choices, f"参数 {param.name} 的可用值", where)
    if kind == "text":
        return _text(value, where)
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise SpecError(f"{where}: 应为正数，如 10000000")
        return value
    items = _items(value, where)
    if kind == "cells":
        return [_one_of(v, template.inputs, "模板中的填报项", f"{where}[{i}]") for i, v in enumerate(items)]
    if kind in ("keys", "texts"):
        return [_text(v, f"{where}[{i}]") for i, v in enumerate(items)]
    return [_profile(v, template, f"{where}[{i}]") for i, v in enumerate(items)]  # "profiles"


def _rule(node: object, template: Template, where: str) -> RuleSpec:
    """A rule checked against its kind's declared parameters; the kind checks the rest and precomputes."""
    if not isinstance(node, dict):
        raise SpecError(f"{where}: 应为映射（code、kind、summary 和该类规则的参数）")
    code = str(_require(node, "code", where))
    if not RULE_CODE.fullmatch(code):
        raise SpecError(f"{where}.code: 规则编号「{code}」应为两个大写字母加两位数字，如 PL03")
    _one_of(code[:2], FAMILIES, "已定义的规则类别", f"{where}.code")
    if code in BUILTIN:
        raise SpecError(f"{where}.code: {code} 是本工具内置规则的编号，请换一个编号")
    name = _one_of(_require(node, "kind", where), rule_kinds.KINDS, "已注册的规则类型", f"{where}.kind")
    kind = rule_kinds.KINDS[name]
    severity = _one_of(node.get("severity", "error"), sorted(SEVERITIES), "规则级别", f"{where}.severity")
    summary = _text(_require(node, "summary", where), f"{where}.summary")
    declared = {p.name: p for p in kind.params}
    for key in node:
        if key not in RULE_FIELDS and key not in declared:
            raise SpecError(f"{where}.{key}: {name} 类规则没有参数「{key}」（可用参数：{_names(declared)}）")
    params = {}
    for p in kind.params:
        if p.name in node:
            params[p.name] = _param(p, node[p.name], template, f"{where}.{p.name}")
        elif p.required:
            raise SpecError(f"{where}: 缺少 {name} 类规则的参数「{p.name}」")
        else:
            params[p.name] = p.default
    return kind.prepare(RuleSpec(code, name, severity, summary, params), template, where)


def _rules(nodes: object, template: Template, where: str) -> tuple[RuleSpec, ...]:
    if not isinstance(nodes, list):
        raise SpecError(f"{where}: 应为规则的列表")
    rules: list[RuleSpec] = []
    for i, node in enumerate(nodes):
        rule = _rule(node, template, f"{where}[{i}]")
        first = next((j for j, r in enumerate(rules) if r.code == rule.code), None)
        if first is not None:
            raise SpecError(f"{where}[{i}].code: 规则编号 {rule.code} 与 rules[{first}] 重复")
        rules.append(rule)
    return tuple(rules)


def parse_template(data: dict[str, Any], source: str = "<spec>") -> Template:
    """Build a Template from already-parsed YAML data."""
    sheets = tuple(_sheet(s, f"{source}: sheets[{i}]") for i, s in enumerate(_require(data, "sheets", source)))
    first_year = _year(_require(data, "first_year", source), f"{source}: first_year")
    last_year = _year(data["last_year"], f"{source}: last_year") if data.get("last_year") is not None else None
    if last_year is not None and last_year < first_year:
        raise SpecError(f"{source}: last_year: {last_year} is before first_year {first_year}")
    issued = data.get("issued")
    if issued is not None and not isinstance(issued, dt.date):
        raise SpecError(f"{source}: issued: must be a date such as 2021-09-26")
    template = Template(
        id=_require(data, "id", source),
        version=str(_require(data, "version", source)),
        title=_require(data, "title", source),
        basis=_require(data, "basis", source),
        first_year=first_year,
        sheets=sheets,
        rules=(),
        name=str(data.get("name") or data["id"]),
        last_year=last_year,
        issued=issued,
    )
    if "example" in data:
        template = replace(template, example=_example(data["example"], template, f"{source}: example"))
    return replace(template, rules=_rules(data.get("rules", []), template, f"{source}: rules"))


def _example(node: object, template: Template, where: str) -> tuple[tuple[str, Any], ...]:
    """The example report: a value per field key, and a list of values (in column order) per "table.row"."""
    if not isinstance(node, dict):
        raise SpecError(f"{where}: must be a mapping of input keys to values")
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in template.fields:
            out[key] = value
            continue
        table_key, _, row = str(key).partition(".")
        table = template.tables.get(table_key)
        if table is None or row not in {leaf.key for leaf in table.row_leaves}:
            raise SpecError(f"{where}.{key}: no field and no table row of that name")
        columns = table.column_leaves
        if not isinstance(value, list) or len(value) != len(columns):
            raise SpecError(f"{where}.{key}: needs a list of {len(columns)} values, one per column")
        out |= {table.cell_key(row, c.key): v for c, v in zip(columns, value)}
    missing = [k for k in template.inputs if k not in out]
    if missing:
        raise SpecError(f"{where}: no value for {missing[0]} (the example must fill every input)")
    return tuple((k, out[k]) for k in template.inputs)


def _year(value: object, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1900 < value < 2200:
        raise SpecError(f"{where}: must be a four-digit year")
    return value


def _superseded(ids: object, template: Template, folder: Path, where: str) -> tuple[SupersededFormat, ...]:
    """The older formats a template replaces, each recognised by the labels only the older one prints.

    An older format is a template spec of its own, looked for beside this spec and then among the shipped ones.
    """
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise SpecError(f"{where}: must be a list of template ids")
    out = []
    for i, old_id in enumerate(ids):
        path = next((p for p in (folder / f"{old_id}.yaml", TEMPLATES_DIR / f"{old_id}.yaml") if p.is_file()), None)
        if path is None:
            raise SpecError(f"{where}[{i}]: no template spec '{old_id}.yaml' beside this spec or in {TEMPLATES_DIR}")
        old = load_template(path, resolve=False)
        if old.id != old_id:
            raise SpecError(f"{where}[{i}]: {path} declares id '{old.id}', not '{old_id}'")
        labels = tuple(sorted(old.labels - template.labels))
        out.append(SupersededFormat(old.id, old.name, old.basis, labels))
    return tuple(out)


def load_template(path: str | Path, resolve: bool = True) -> Template:
    """Read and validate a template spec file; `resolve` also loads the older formats it supersedes."""
    path = Path(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, yaml.YAMLError) as exc:
        raise SpecError(f"{path}: {exc}") from exc
    if not isinstance(data, dict):
        raise SpecError(f"{path}: 应为 YAML 映射（id、sheets、rules 等）")
    template = parse_template(data, str(path))
    if resolve and data.get("supersedes"):
        superseded = _superseded(data["supersedes"], template, path.parent, f"{path}: supersedes")
        template = replace(template, superseded=superseded)
    return template
