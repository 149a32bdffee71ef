"""Loading a template spec from YAML into the frozen model, with errors that name the offending path."""

from __future__ import annotations

import datetime as dt
import sysconfig
from dataclasses import replace
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
        kind = _kind(n["kind"], f"{here}.kind") if "kind" in n else None
        out.append(Header(label=str(_require(n, "label", here)), key=n.get("key"), children=children, kind=kind))
    return tuple(out)


def _kind(value: str, where: str) -> Kind:
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
        rules=rules,
        name=str(data.get("name") or data["id"]),
        last_year=last_year,
        issued=issued,
    )
    if "example" in data:
        template = replace(template, example=_example(data["example"], template, f"{source}: example"))
    for rule in rules:
        for key in rule.params.get("cells", []) + [rule.params[k] for k in ("left", "right") if k in rule.params]:
            if key not in template.inputs:
                raise SpecError(f"{source}: rule {rule.code} names unknown cell '{key}'")
    return template


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
        raise SpecError(f"{path}: not a mapping")
    template = parse_template(data, str(path))
    if resolve and data.get("supersedes"):
        superseded = _superseded(data["supersedes"], template, path.parent, f"{path}: supersedes")
        template = replace(template, superseded=superseded)
    return template
