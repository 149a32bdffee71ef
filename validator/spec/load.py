"""Loading a template spec from YAML into the frozen model, with errors that name the offending path."""

from __future__ import annotations

import sysconfig
from functools import cache
from pathlib import Path
from typing import Any, get_args

import yaml

from validator.spec.model import (
    Equation,
    Field,
    Header,
    Kind,
    RuleSpec,
    Severity,
    Sheet,
    SupersededFormat,
    Table,
    Template,
)


def _templates_dir() -> Path:
    """templates/ of the source tree (a checkout, an editable install), else where a wheel installs it."""
    source_tree = Path(__file__).resolve().parents[2] / "templates"
    if source_tree.is_dir():
        return source_tree
    return Path(sysconfig.get_path("data")) / "share" / "nianbao-validator" / "templates"


TEMPLATES_DIR = _templates_dir()
DEFAULT_TEMPLATE = TEMPLATES_DIR / "gov-info-annual-report-2021.yaml"
KINDS = set(get_args(Kind))
SEVERITIES = set(get_args(Severity))
RULE_KINDS = {"equation", "zero_unless", "compare", "credit_code", "year_range", "text_mentions"}


class SpecError(Exception):
    """The template spec is malformed; the message names the path inside the spec."""


def _require(node: dict[str, Any], key: str, where: str) -> Any:
    if key not in node:
        raise SpecError(f"{where}: missing '{key}'")
    return node[key]


def _headers(nodes: list[dict[str, Any]], where: str) -> tuple[Header, ...]:
    out = []
    for i, n in enumerate(nodes):
        here = f"{where}[{i}]"
        children = _headers(n.get("children", []), f"{here}.children")
        if not children and not n.get("key"):
            raise SpecError(f"{here}: a leaf needs a 'key'")
        out.append(Header(label=str(_require(n, "label", here)), key=n.get("key"), children=children))
    return tuple(out)


def _kind(value: str, where: str) -> str:
    if value not in KINDS:
        raise SpecError(f"{where}: unknown kind '{value}' (one of {sorted(KINDS)})")
    return value


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
        raise SpecError(f"{where}.choices: a choice cannot contain a comma (Excel dropdown lists are comma-separated)")
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


def _equations(node: dict[str, Any], tables: dict[str, Table], where: str) -> tuple[Equation, ...]:
    """Expand one equation rule into an instance per row or column (and per column group, if given)."""
    table = tables.get(_require(node, "table", where))
    if table is None:
        raise SpecError(f"{where}.table: no table '{node['table']}'")
    each = _require(node, "each", where)
    if each not in ("row", "column"):
        raise SpecError(f"{where}.each: must be 'row' or 'column'")
    # "each: column" means the equation holds in every column, so its terms are rows (and the reverse).
    term_axis = "row" if each == "column" else "column"
    terms_leaves, other_leaves = (
        (table.row_leaves, table.column_leaves) if term_axis == "row" else (table.column_leaves, table.row_leaves)
    )
    terms = {leaf.key: leaf for leaf in terms_leaves}
    out = []
    for group in node.get("groups") or [None]:
        sides = [[f"{group}.{k}" if group else k for k in _require(node, side, where)] for side in ("lhs", "rhs")]
        unknown = [k for side in sides for k in side if k not in terms]
        if unknown:
            raise SpecError(f"{where}: '{unknown[0]}' is not a {term_axis} of {table.key}")
        group_part = f"「{terms[sides[0][0]].group_label(group)}」组" if group else ""
        for leaf in other_leaves:
            place = f"「{leaf.label}」{'列' if each == 'column' else '行'}" if leaf.label else ""
            lhs, rhs = (
                tuple(table.cell_key(k, leaf.key) if term_axis == "row" else table.cell_key(leaf.key, k) for k in side)
                for side in sides
            )
            out.append(Equation(lhs, rhs, group_part + place, term_axis))
    return tuple(out)


def _rule(node: dict[str, Any], template_tables: dict[str, Table], fields: set[str], where: str) -> RuleSpec:
    code = _require(node, "code", where)
    kind = _require(node, "kind", where)
    if kind not in RULE_KINDS:
        raise SpecError(f"{where}.kind: unknown rule kind '{kind}' (one of {sorted(RULE_KINDS)})")
    severity = node.get("severity", "error")
    if severity not in SEVERITIES:
        raise SpecError(f"{where}.severity: must be one of {sorted(SEVERITIES)}")
    if "field" in node and node["field"] not in fields:
        raise SpecError(f"{where}.field: no field '{node['field']}'")
    params = {k: v for k, v in node.items() if k not in ("code", "kind", "severity", "summary")}
    equations = _equations(node, template_tables, where) if kind == "equation" else ()
    return RuleSpec(code, kind, severity, _require(node, "summary", where), params, equations)


def parse_template(data: dict[str, Any], source: str = "<spec>") -> Template:
    """Build a Template from already-parsed YAML data."""
    sheets = tuple(_sheet(s, f"{source}: sheets[{i}]") for i, s in enumerate(_require(data, "sheets", source)))
    tables = {t.key: t for s in sheets for t in s.tables}
    fields = {f.key for s in sheets for f in s.fields}
    rules = tuple(_rule(r, tables, fields, f"{source}: rules[{i}]") for i, r in enumerate(data.get("rules", [])))
    codes = [r.code for r in rules]
    if len(set(codes)) != len(codes):
        raise SpecError(f"{source}: duplicate rule codes")
    template = Template(
        id=_require(data, "id", source),
        version=str(_require(data, "version", source)),
        title=_require(data, "title", source),
        basis=_require(data, "basis", source),
        first_year=int(_require(data, "first_year", source)),
        sheets=sheets,
        rules=rules,
        superseded=tuple(
            SupersededFormat(s["name"], s["basis"], tuple(s["labels"])) for s in data.get("superseded", [])
        ),
    )
    for rule in rules:
        for key in rule.params.get("cells", []) + [rule.params[k] for k in ("left", "right") if k in rule.params]:
            if key not in template.inputs:
                raise SpecError(f"{source}: rule {rule.code} names unknown cell '{key}'")
    return template


def load_template(path: str | Path) -> Template:
    """Read and validate a template spec file."""
    path = Path(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, yaml.YAMLError) as exc:
        raise SpecError(f"{path}: {exc}") from exc
    if not isinstance(data, dict):
        raise SpecError(f"{path}: not a mapping")
    return parse_template(data, str(path))


@cache
def default_template() -> Template:
    """The official 2021 template shipped with the package."""
    return load_template(DEFAULT_TEMPLATE)
