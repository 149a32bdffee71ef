"""Frozen dataclasses describing a report template: sheets, tables, fields, input cells and rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from functools import cached_property
from typing import Any, Literal

from frozendict import deepfreeze, frozendict

Kind = Literal["count", "signed_count", "money", "amount", "text", "longtext", "choice", "year", "credit_code"]
# count: a non-negative whole number; signed_count: a change that may be negative (2019 表二「本年增/减」);
# money: 万元 as printed in the header; amount: a sum of money whose unit the format does not print.
NUMERIC_KINDS: frozenset[str] = frozenset({"count", "signed_count", "money", "amount"})
COUNT_KINDS: frozenset[str] = frozenset({"count", "signed_count"})
SIGNED_KINDS: frozenset[str] = frozenset({"signed_count"})
Severity = Literal["error", "warning", "info"]


class SpecError(Exception):
    """The template spec is malformed; the message names the path inside the spec (e.g. `rules[5].op: …`)."""


@dataclass(frozen=True)
class Header:
    """One node of a row or column header tree; a leaf carries data, a group only spans its children."""

    label: str
    key: str | None = None
    children: tuple[Header, ...] = ()
    kind: Kind | None = None  # a column whose cells differ from the table's kind

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def depth(self) -> int:
        return 1 + max((c.depth() for c in self.children), default=0)


@dataclass(frozen=True)
class Leaf:
    """A data row or column: its key (keyed ancestors joined by dots), label, and ancestor labels."""

    key: str
    label: str
    path: tuple[str, ...]  # ancestor labels, outermost first
    path_keys: tuple[str | None, ...] = ()  # ancestor keys, parallel to path
    kind: Kind | None = None

    def group_label(self, key: str) -> str:
        """The label of the ancestor group whose key is `key`."""
        return self.path[self.path_keys.index(key)]


def leaves(
    headers: tuple[Header, ...], path: tuple[str, ...] = (), path_keys: tuple[str | None, ...] = (), prefix: str = ""
) -> tuple[Leaf, ...]:
    """Flatten a header tree into its leaves, in display order."""
    out: list[Leaf] = []
    for h in headers:
        key = f"{prefix}.{h.key}" if prefix and h.key else (h.key or prefix)
        if h.is_leaf:
            out.append(Leaf(key=key, label=h.label, path=path, path_keys=path_keys, kind=h.kind))
        else:
            out.extend(leaves(h.children, (*path, h.label), (*path_keys, h.key), key))
    return tuple(out)


@dataclass(frozen=True)
class Table:
    """A grid of input cells with hierarchical row and column headers."""

    key: str
    sheet: str
    kind: Kind
    columns: tuple[Header, ...]
    rows: tuple[Header, ...]
    caption: str | None = None
    corner: str | None = None

    @cached_property
    def column_leaves(self) -> tuple[Leaf, ...]:
        return leaves(self.columns)

    @cached_property
    def row_leaves(self) -> tuple[Leaf, ...]:
        return leaves(self.rows)

    @cached_property
    def column_groups(self) -> tuple[tuple[str, ...], ...]:
        """The group labels over each column, outermost first, each path once (表四: 行政复议; 行政诉讼, 复议后起诉…)."""
        return tuple(dict.fromkeys(leaf.path for leaf in self.column_leaves if leaf.path))

    @property
    def has_row_labels(self) -> bool:
        return any(leaf.label for leaf in self.row_leaves)

    def cell_key(self, row: str, col: str) -> str:
        return f"{self.key}.{row}.{col}"


@dataclass(frozen=True)
class Field:
    """A single labelled input on a form sheet (cover data or a text section)."""

    key: str
    label: str
    kind: Kind
    sheet: str
    required: bool = False
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sheet:
    """A worksheet of the template: either form fields or tables."""

    name: str
    title: str
    fields: tuple[Field, ...] = ()
    tables: tuple[Table, ...] = ()


@dataclass(frozen=True)
class InputCell:
    """One input of the template: a table cell or a form field, with its official labels."""

    key: str
    sheet: str
    kind: Kind
    required: bool
    table: str | None = None
    row: Leaf | None = None
    col: Leaf | None = None
    label: str = ""  # field label, or "row / column" for a table cell

    def axis_label(self, axis: str) -> str:
        """The row or the column label of a table cell."""
        return (self.row if axis == "row" else self.col).label


@dataclass(frozen=True)
class Equation:
    """sum(lhs) == sum(rhs) over input cells; the first lhs cell is the one the message is about."""

    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    context: str  # where the equation applies, e.g. "「自然人」列"
    term_axis: Literal["row", "column"] = "row"  # the terms are rows of one column, or columns of one row

    @property
    def cells(self) -> tuple[str, ...]:
        return self.lhs + self.rhs


@dataclass(frozen=True)
class RuleSpec:
    """A template rule as declared in the spec: code, kind, severity, summary and its parameters.

    The parameters are frozen (lists become tuples, mappings frozendicts), so that they take part in equality and
    hashing: two templates that differ only in a rule's parameters never share a cached schema.
    """

    code: str
    kind: str
    severity: Severity
    summary: str
    params: Mapping[str, Any] = field(default_factory=frozendict)
    equations: tuple[Equation, ...] = ()  # expanded instances, for kind "equation"

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", deepfreeze(self.params))


@dataclass(frozen=True)
class SupersededFormat:
    """An older official format that is recognised (and reported) by its distinctive labels."""

    template_id: str
    name: str
    basis: str
    labels: tuple[str, ...]  # labels of the older format that this template does not have


@dataclass(frozen=True)
class Template:
    """A complete report template: identity, sheets, inputs and rules."""

    id: str
    version: str
    title: str
    basis: str
    first_year: int
    sheets: tuple[Sheet, ...]
    rules: tuple[RuleSpec, ...]
    superseded: tuple[SupersededFormat, ...] = ()
    name: str = ""  # the format's short name in messages, e.g. "2021年格式"
    last_year: int | None = None  # the last report year of this format; None while it is current
    issued: date | None = None  # the basis document's date (the creation date of generated workbooks)
    example: tuple[tuple[str, Any], ...] = ()  # a balanced example report: (input key, value) for every input

    def __hash__(self) -> int:
        # Templates key caches and per-chunk groups; the generated hash would walk every sheet and rule each time.
        return self._hash

    @cached_property
    def _hash(self) -> int:
        return hash(tuple(getattr(self, f.name) for f in fields(self) if f.compare))

    @property
    def years(self) -> str:
        """The report years of this format, in words: "2019—2020年度", "2021年度及以后"."""
        if self.last_year is None:
            return f"{self.first_year}年度及以后"
        if self.last_year == self.first_year:
            return f"{self.first_year}年度"
        return f"{self.first_year}—{self.last_year}年度"

    def covers(self, year: int) -> bool:
        """Whether reports of `year` use this format."""
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)

    @cached_property
    def labels(self) -> frozenset[str]:
        """Every label printed in the format: sheet titles, field labels, captions, corners, row and column headers."""
        out = set()
        for sheet in self.sheets:
            out |= {sheet.title, *(f.label for f in sheet.fields)}
            for t in sheet.tables:
                out |= {x for x in (t.caption, t.corner) if x}
                for leaf in (*t.row_leaves, *t.column_leaves):
                    out |= {leaf.label, *leaf.path}
        return frozenset(out - {""})

    @cached_property
    def tables(self) -> dict[str, Table]:
        return {t.key: t for s in self.sheets for t in s.tables}

    @cached_property
    def fields(self) -> dict[str, Field]:
        return {f.key: f for s in self.sheets for f in s.fields}

    @cached_property
    def section_texts(self) -> dict[str, str]:
        """The text a published report writes under a table section's heading (二、三、四), by key: its heading. No
        cell of the official workbook holds it, but what it states is checked against the tables all the same."""
        return {f"{s.name}.正文": s.title for s in self.sheets if s.tables}

    @cached_property
    def inputs(self) -> dict[str, InputCell]:
        """Every input of the template by key, in display order (sheets, then rows, then columns)."""
        out: dict[str, InputCell] = {}
        for sheet in self.sheets:
            for f in sheet.fields:
                out[f.key] = InputCell(f.key, sheet.name, f.kind, f.required, label=f.label)
            for t in sheet.tables:
                for r in t.row_leaves:
                    for c in t.column_leaves:
                        key = t.cell_key(r.key, c.key)
                        # Without a row label, a column's group tells its cells apart (表四's three 结果维持).
                        label = f"{r.label or (c.path[-1] if c.path else '')} / {c.label}".lstrip(" /")
                        kind = c.kind or r.kind or t.kind
                        out[key] = InputCell(key, sheet.name, kind, True, t.key, r, c, label)
        return out
