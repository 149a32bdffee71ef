"""Checking located reports: parse values, run the pandera schema once for all reports, and turn failures into findings."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from operator import itemgetter
from typing import NamedTuple

import numpy as np
import pandas as pd

from validator.audience import SAVE_RESULTS
from validator.catalogue import BUILTIN, builtin_finding
from validator.cellref import CellRef
from validator.check.coverage import coverage, equation_states, with_consequences
from validator.check.localise import report_localisation
from validator.check.schema import FLOAT_KINDS, FrameRule, failing_instances, frame_rules, report_passes
from validator.check.values import PLACEHOLDERS, Parsed, parse_number, parse_text, parse_year
from validator.findings import Coverage, Finding, Localisation, Related
from validator.locate import LocatedReport
from validator.rules import assumptions, strays
from validator.rules.context import ReportContext
from validator.rules.kinds import KINDS
from validator.sources.uncached import calculated_formulas, summed_cells
from validator.spec.model import NUMERIC_KINDS, InputCell, RuleSpec, Template
from validator.text import INVISIBLE_SAID, fmt, plain_numbers, visible


@dataclass
class _Parsed:
    values: dict[str, object] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    cheap: set[str] = field(default_factory=set)  # blank or placeholder: counted as 0, the first to correct
    # the cells of entries told together when many of a table are alike (blank, one placeholder, one unit): (layout
    # key, what is wrong with each)
    alike: dict[CellRef, tuple[str, str]] = field(default_factory=dict)


def _no_year() -> str:
    """After "为空" for a blank year (a placeholder is not a year: TY07): what it is needed for, and what to write."""
    return (
        "报告年度决定报告应采用的格式，也用于与上年报告核对和计入本批合计。"
        f"请填写报告所属的年度（四位数字），如 {dt.date.today().year - 1}。"
    )


_PLAIN_NUMBERS = (int, float)  # exactly these types (a bool is an int, and parse_number tells it apart)


def _placeholder_text(kind: str, value: object) -> bool:
    """A text entry that is only a placeholder ("无", "/", "—"), which says nothing of what is asked."""
    return kind not in NUMERIC_KINDS and isinstance(value, str) and value.strip() in PLACEHOLDERS


def _parse_cell(kind: str, raw: object, required: bool) -> Parsed:
    if kind in NUMERIC_KINDS:
        return parse_number(raw, kind, required)
    if kind == "year":
        return parse_year(raw)
    return Parsed(parse_text(raw, as_written=kind == "credit_code"))


# A formula whose saved result shows a blank, as =IF(SUM(D9:I9)=0,"",SUM(D9:I9)) hides zeros: saving again changes
# nothing (before, it was told to, as a formula without a saved result).
_BLANK_RESULT = "是公式，结果显示为空。没有发生的应显示 0：请改正公式，不要把 0 显示为空；已按 0 校验。"


@cache
def _inputs(template: Template) -> tuple[tuple[str, InputCell, bool], ...]:
    """The template's inputs in order, each with whether it holds a number (what `_parse` asks of every input)."""
    return tuple((key, cell, cell.kind in NUMERIC_KINDS) for key, cell in template.inputs.items())


def _parse(located: LocatedReport) -> _Parsed:
    """Each located raw value → the value the schema checks, plus TY/TX findings about the entry itself."""
    out = _Parsed()
    ctx = ReportContext({}, located)
    grouped: dict[str, list[_Entry]] = {"TY03": [], "TY09": []}  # told once per sheet
    values, cells, standins = out.values, located.cells, located.standins
    for key, cell, numeric in _inputs(located.template):
        loc = cells.get(key)
        if key in standins:  # the workbook lacks it; taken as 0 (see LocatedReport.standins)
            values[key] = 0.0
            continue
        if numeric and loc and type(loc.raw) in _PLAIN_NUMBERS:
            values[key] = float(loc.raw)  # most inputs: what parse_number would say, without its findings
            continue
        parsed = _parse_cell(cell.kind, loc.raw, cell.required) if loc else Parsed(None)
        if parsed.rule == "TY01" and located.formula(key):
            parsed = replace(parsed, problem=_BLANK_RESULT)
        out.values[key] = float("nan") if parsed.value is None and cell.kind in FLOAT_KINDS else parsed.value
        if loc is None:
            continue  # not found: a structure finding says so, and the value stays unknown
        if parsed.rule in ("TY01", "TY02"):
            out.cheap.add(key)
            out.alike[loc.cell] = (key, parsed.problem)
        elif parsed.alike:
            out.alike[loc.cell] = (key, parsed.alike)
        if parsed.rule in grouped:
            grouped[parsed.rule].append(
                _Entry(key, loc.cell, str(loc.raw), f"{ctx.where(key)}{parsed.problem}", parsed.value)
            )
        elif parsed.rule:
            message = f"{ctx.where(key)}{parsed.problem}"
            out.findings.append(builtin_finding(parsed.rule, message, loc.cell))
        if cell.required and cell.kind == "year" and parsed.value is None:
            out.findings.append(builtin_finding("TX07", f"{ctx.where(key)}为空。{_no_year()}", loc.cell))
        elif parsed.value is None and key in located.unpublished:
            pass  # the published report this workbook was converted from has no cover: judged as that report
        elif cell.required and (parsed.value is None or _placeholder_text(cell.kind, parsed.value)):
            said = "为空" if parsed.value is None else f"只填了「{parsed.value}」"
            out.values[key] = None  # as if blank: the rules about its content would only repeat this
            out.findings.append(builtin_finding("TX01", f"{ctx.where(key)}{said}。请填写{cell.label}。", loc.cell))
    texts = {e.key: float(e.value) for e in grouped["TY03"]}  # type: ignore[arg-type]
    left_out = _text_left_out(located, out.values, texts) if texts and located.formula_parts else {}
    out.findings += _per_sheet("TY09", grouped["TY09"], _UNCALCULATED)
    out.findings += _per_sheet(
        "TY03", grouped["TY03"], _TEXT, lambda keys: _left_out_note(keys, left_out, texts, located)
    )
    for key in located.template.section_texts:  # no input of the format, but read by the rules on the text
        loc = located.section_texts.get(key)
        out.values[key] = parse_text(loc.raw) if loc else None
    return out


class _Entry(NamedTuple):
    """A cell told with others of its sheet: its key, cell, raw content, own message and parsed value."""

    key: str
    cell: CellRef
    raw: str
    alone: str
    value: object


@dataclass(frozen=True)
class _Grouped:
    """How a rule is told once for many cells of a sheet: the message (sheet, ranges, the cells: the first one named)
    and the part the other cells play."""

    many: Callable[[str, str, list[_Entry]], str]
    role: str
    least: int = 2  # fewer cells of a sheet are told one by one


_UNCALCULATED = _Grouped(
    lambda sheet, where, cells: (
        f"{sheet}有 {len(cells)} 个单元格是公式，但文件中没有保存计算结果（{where}；如 {cells[0].cell.coordinate} 的公式为 "
        f"{cells[0].raw}），这些单元格未参与勾稽校验。{SAVE_RESULTS.receiver}"
    ),
    "同样未保存计算结果的公式",
)


def _texts(sheet: str, where: str, cells: list[_Entry]) -> str:
    """TY03 for many cells of a sheet; those holding characters nobody sees (a table pasted from a web page) are to be
    typed again, which clears the characters (a changed number format keeps them)."""
    first, hidden = cells[0], [e.cell for e in cells if visible(e.raw) != e.raw]
    told = f"{sheet}有 {len(cells)} 个单元格是以文本形式存储的数字（{where}；"
    told += f"如 {first.cell.coordinate} 填的是「{visible(first.raw)}」）"
    if len(hidden) == len(cells):
        return f"{told}，这些单元格中都夹有{INVISIBLE_SAID}，已按其中的数字校验。请清除这些单元格后重新键入数值。"
    convert = "请把它们改为数值（在 Excel 中选中这些单元格，点旁边的提示图标，选「转换为数字」）"
    if not hidden:
        return f"{told}，已按其中的数字校验。{convert}。"
    return f"{told}，已按其中的数字校验。{convert}；其中 {_ranges(hidden)} 夹有{INVISIBLE_SAID}，请清除后重新键入数值。"


_TEXT = _Grouped(
    _texts,
    "同样是以文本形式存储的数字",
    6,  # a few are told one by one, each with what it holds (full-width digits, an apostrophe…)
)


def _per_sheet(
    rule: str, entries: Sequence[_Entry], how: _Grouped, note: Callable[[list[str]], str] = lambda _keys: ""
) -> list[Finding]:
    """One finding per sheet for a rule many cells of a sheet break at once (TY09: a workbook saved by a program
    rather than Excel or WPS has every formula without its result; TY03: a table pasted as text): it names them
    all, and each cell is still marked, as a related cell. `note` adds what the cells' keys cause elsewhere."""
    out = []
    for sheet, group in itertools.groupby(sorted(entries, key=lambda e: e.cell), key=lambda e: e.cell.sheet):
        first, *others = cells = list(group)
        if len(cells) < how.least:
            out += [builtin_finding(rule, e.alone + note([e.key]), e.cell) for e in cells]
            continue
        keys = [e.key for e in cells]
        message = how.many(sheet, _ranges([first.cell, *(e.cell for e in others)]), cells) + note(keys)
        related = tuple(Related(e.cell, how.role) for e in others)
        out.append(Finding(rule, BUILTIN[rule].severity, message, first.cell, related))
    return out


def _text_left_out(located: LocatedReport, values: dict[str, object], texts: dict[str, float]) -> dict[str, list[str]]:
    """Formulas that are one SUM over a range holding numbers stored as text, whose saved result is exactly what
    Excel computed with the text left out (a SUM adds up no text), directly or through such another formula: each
    is checked with the value it will have once the text is a number (`values` are raised by what it left out),
    so that no correct cell is blamed for it. By text cell: the coordinates of the formulas that leave it out."""
    at = {(loc.cell.sheet, loc.cell.row, loc.cell.col): key for key, loc in located.cells.items()}
    sums: dict[str, list[str]] = {}
    for sheet, xml in located.formula_parts.items():
        for (row, col), formula in calculated_formulas(xml).items():
            key, cells = at.get((sheet, row, col)), summed_cells(formula)
            parts = [at.get((sheet, r, c)) for r, c in cells or ()]
            if key and cells and None not in parts and isinstance(values.get(key), float):
                sums[key] = parts  # type: ignore[assignment]
    lost: dict[str, dict[str, float]] = {}  # formula → text cell → how much of it its saved result leaves out
    judged: set[str] = set()

    def leaves_out(key: str) -> dict[str, float]:
        if key in texts:
            return {key: texts[key]}
        if key not in sums or key in judged:  # not a SUM, or already judged (or being judged: a cycle)
            return lost.get(key, {})
        judged.add(key)
        found: dict[str, float] = {}
        for part in sums[key]:
            for text, amount in leaves_out(part).items():
                found[text] = found.get(text, 0.0) + amount
        saved, total = values[key], sum(float(values[p]) for p in sums[key])  # type: ignore[arg-type]
        if found and abs(saved + sum(found.values()) - total) < 1e-6:  # type: ignore[operator]
            lost[key] = found
            values[key] = total
        return lost.get(key, {})

    for key in sums:
        leaves_out(key)
    out: dict[str, list[str]] = {}
    for key, found in sorted(
        lost.items(), key=lambda kv: (located.cells[kv[0]].cell.col, located.cells[kv[0]].cell.row)
    ):
        for text in found:
            out.setdefault(text, []).append(located.cells[key].cell.coordinate)
    return out


def _left_out_note(
    keys: list[str], left_out: dict[str, list[str]], texts: dict[str, float], located: LocatedReport
) -> str:
    """What SUM formulas over these text cells left out, and that converting the cells corrects them."""
    told = [(k, left_out[k]) for k in keys if k in left_out]
    if not told:
        return ""
    each = "，".join(
        f"{f' {located.cells[k].cell.coordinate} ' if len(keys) > 1 else '它'}未计入 {'、'.join(formulas)} 的公式结果"
        f"（{'各' if len(formulas) > 1 else ''}少算 {fmt(texts[k])}）"
        for k, formulas in told
    )
    return f"SUM 不计入文本，因此{each}；改为数值后这些结果随之更正，不必改动公式。"


def _ranges(cells: Sequence[CellRef], shown: int = 8) -> str:
    """ "J5:J29、D30" for cells of one sheet (sorted by row, then column): runs down a column as ranges."""
    runs: list[list[CellRef]] = []
    for cell in sorted(cells, key=lambda c: (c.col, c.row)):
        if runs and runs[-1][-1].col == cell.col and runs[-1][-1].row + 1 == cell.row:
            runs[-1].append(cell)
        else:
            runs.append([cell])
    parts = [f"{r[0].coordinate}:{r[-1].coordinate}" if len(r) > 1 else r[0].coordinate for r in runs]
    return "、".join(parts[:shown]) + ("等" if len(parts) > shown else "")


def _frame(template: Template, rows: Sequence[dict[str, object]]) -> pd.DataFrame:
    """One row per report, one column per input and per section text; numbers as float64 (NaN = unknown), text as
    objects.

    Built as two blocks: a Series per column would cost ~70 ms for the 210 inputs of one report.
    """
    numbers, texts = _columns(template)
    values = np.array([_row(row, numbers) for row in rows], dtype=float).reshape(len(rows), len(numbers))
    words = pd.DataFrame([_row(row, texts) for row in rows], columns=texts, dtype=object)
    return pd.concat([pd.DataFrame(values, columns=numbers), words], axis=1)


@cache
def _columns(template: Template) -> tuple[list[str], list[str]]:
    """The frame's columns: the inputs held as numbers, then the other inputs and the section texts."""
    numbers = [k for k, c in template.inputs.items() if c.kind in FLOAT_KINDS]
    texts = [k for k, c in template.inputs.items() if c.kind not in FLOAT_KINDS] + list(template.section_texts)
    return numbers, texts


def _row(row: dict[str, object], keys: list[str]) -> tuple[object, ...]:
    """The values of `keys` in a report's row, in order (itemgetter: one call for a report's ~250 values)."""
    return itemgetter(*keys)(row) if len(keys) > 1 else tuple(row[k] for k in keys)


def _findings_from_errors(
    failing: dict[str, pd.DataFrame],
    contexts: list[ReportContext],
    parsed: Sequence[_Parsed],
    template: Template,
) -> list[list[Finding]]:
    """The only translation from pandera failures to findings.

    pandera reports which rules some report fails; each such rule's instance mask, as the validation computed it,
    says which reports fail it and which cells or equations. Rules are explained once every failing equation of a
    report is known and localised together, so that each cell gets one suggested value whichever equations mention it.
    """
    rules = frame_rules(template)
    failed: list[dict[str, list[int]]] = [{} for _ in contexts]
    for code, instances in failing.items():
        flags = instances.to_numpy(dtype=bool)
        for row in np.flatnonzero(~report_passes(instances)).tolist():
            failed[row][code] = np.flatnonzero(~flags[row]).tolist()
    out: list[list[Finding]] = []
    for ctx, by_rule, p in zip(contexts, failed, parsed):
        hints = {code: _assumed_ids(rules[code].spec, ids, ctx) for code, ids in by_rule.items()}
        by_rule = {code: [i for i in ids if i not in hints[code]] for code, ids in by_rule.items()}
        strayed = {code: _strayed_ids(rules[code].spec, ids, ctx) for code, ids in by_rule.items()}
        by_rule = {code: [i for i in ids if i not in strayed[code]] for code, ids in by_rule.items()}
        ctx.unbalanced = [
            spec.equations[i]
            for code, ids in by_rule.items()
            if (spec := rules[code].spec)
            for i in ids
            if spec.equations
        ]
        if ctx.unbalanced:
            ctx.localisation = _localised(ctx, p, by_rule, strayed, rules)
            p.findings = [_fill_advice(f, ctx.localisation) for f in p.findings]
        found = [f for code, ids in by_rule.items() if ids for f in rules[code].describe(ids, ctx)]
        found += [f for code, ids in hints.items() if ids for f in assumptions.describe(rules[code].spec, ids, ctx)]
        found += [f for code, ids in strayed.items() if ids for f in strays.describe(rules[code].spec, ids, ctx)]
        out.append(found)
    return out


def _localised(
    ctx: ReportContext,
    p: _Parsed,
    by_rule: dict[str, list[int]],
    strayed: dict[str, list[int]],
    rules: dict[str, FrameRule],
) -> Localisation:
    """The report's correction. Numbers of rows outside the official format that lie among an equation's terms are
    taken to be included where they balance it exactly (`strayed`: their row is the cause, not an official cell);
    the correction that takes every such equation to include them (a total's formula widened over the row) is
    kept instead when it changes fewer cells, or when only it is found (`ctx.strays_counted` then says so)."""
    if not ctx.located.strays:
        return report_localisation(ctx.located, p.values, p.cheap, by_rule)
    everywhere = {
        (code, i): value
        for code, rule in rules.items()
        if rule.spec is not None and rule.spec.kind == "equation"
        for i, eq in enumerate(rule.spec.equations)
        if (value := strays.offset(eq, ctx))
    }
    exact = {(code, i): everywhere[code, i] for code, ids in strayed.items() for i in ids}
    plain = report_localisation(ctx.located, p.values, p.cheap, by_rule, exact)
    if everywhere == exact:
        return plain
    counted = report_localisation(ctx.located, p.values, p.cheap, by_rule, everywhere)
    ctx.strays_counted = counted.solved and (not plain.solved or counted.size < plain.size)
    return counted if ctx.strays_counted else plain


def _fill_advice(f: Finding, loc: Localisation) -> Finding:
    """A blank or placeholder that the correction fills is told its value, not "填 0" (one value per cell)."""
    if f.rule not in ("TY01", "TY02"):
        return f
    what = f.message.split("。")[0]
    sure = next((c for c in loc.corrections if c.cell == f.cell), None)
    if sure:
        return replace(f, message=f"{what}。按全部勾稽关系推算，应填 {fmt(sure.expected)}。", expected=sure.expected)
    maybe = sorted({c.expected for options in loc.alternatives for o in options for c in o if c.cell == f.cell})
    if maybe:
        values = "或".join(map(fmt, maybe))
        return replace(
            f, message=f"{f.message}勾稽关系的一种可能的更正是在此填 {values}，见相关的勾稽关系问题，请核对。"
        )
    return f


def _assumed_ids(rule: RuleSpec | None, ids: Sequence[int], ctx: ReportContext) -> list[int]:
    """Failing equations judged with a missing part taken as 0: hints about that part, not localised errors."""
    if rule is None or rule.kind != "equation":
        return []
    return [i for i in ids if assumptions.assumed(rule.equations[i], ctx)]


def _strayed_ids(rule: RuleSpec | None, ids: Sequence[int], ctx: ReportContext) -> list[int]:
    """Failing equations that numbers in a row or column outside the official format balance exactly: that row is
    the likely cause, so no official cell is to be corrected for them."""
    if rule is None or rule.kind != "equation":
        return []
    return [i for i in ids if strays.explains(rule.equations[i], ctx)]


@dataclass(frozen=True)
class Checked:
    """One report's findings and the values they were judged on (by layout key, as plain numbers: whole numbers as
    int, None = unknown or lacking)."""

    findings: list[Finding]
    values: dict[str, object]
    coverage: Coverage
    localisation: Localisation
    notices: tuple[str, ...] = ()  # rules that could not be judged, and why (Chinese)


def checking_frame(reports: Sequence[LocatedReport]) -> pd.DataFrame:
    """The frame the schema validates for `reports` of one template (benchmarks/bulk_steps.py times the rules on it)."""
    return _parsed_frame(reports)[1]


def _parsed_frame(reports: Sequence[LocatedReport]) -> tuple[list[_Parsed], pd.DataFrame]:
    parsed = [_parse(r) for r in reports]
    return parsed, _frame(reports[0].template, [p.values for p in parsed])


def check_located(reports: Sequence[LocatedReport]) -> list[Checked]:
    """Findings for many located reports of one template, with a single pandera validation."""
    if not reports:
        return []
    template = reports[0].template
    parsed, frame = _parsed_frame(reports)
    failing = failing_instances(template, frame)
    contexts = [ReportContext(p.values, r, blank=frozenset(p.cheap)) for p, r in zip(parsed, reports)]  # frame rows
    found = _findings_from_errors(failing, contexts, parsed, template)
    return [_checked(r, p, f, ctx) for r, p, f, ctx in zip(reports, parsed, found, contexts)]


def _checked(located: LocatedReport, parsed: _Parsed, found: list[Finding], ctx: ReportContext) -> Checked:
    states = equation_states(located.template, parsed.values, located)
    own = _told_together(parsed, ctx) if len(parsed.alike) >= _TOGETHER else parsed.findings
    return Checked(
        _with_keys(with_consequences(states, parsed.values, located) + own + found, located),
        _plain_inputs(parsed.values, located),
        coverage(states),
        ctx.localisation,
        tuple(filter(None, (KINDS[r.kind].unjudged(r, ctx) for r in located.template.rules))),
    )


def _plain_inputs(values: dict[str, object], located: LocatedReport) -> dict[str, object]:
    """The inputs' values (`_parse`'s: every input's, then the section texts') as plain numbers (text.plain_numbers),
    in the template's order; None for those the workbook lacks (standins). One pass over a report's ~250 values, the
    section texts and the standins put right after it."""
    plain, template = plain_numbers(values), located.template
    for key in template.section_texts:
        if key not in template.inputs:
            plain.pop(key, None)
    for key in located.standins:
        if key in plain:
            plain[key] = None
    return plain


_TOGETHER = 6  # cells of a table alike (blank, one placeholder, one unit) that are told together, as TY03 tells text
_SAME = {"TY01": "同样为空的单元格", "TY02": "同样填了该占位符的单元格", "TY04": "同样带有该单位的单元格"}


def _told_together(parsed: _Parsed, ctx: ReportContext) -> list[Finding]:
    """The report's own findings, with many cells of one table left blank (TY01), holding one placeholder (TY02) or
    numbers with one unit (TY04: 「2件」 typed in every cell) told once (a column of 法人 left blank is one thing to fix,
    not dozens), each cell still marked as a related cell. A cell the correction gives a value of its own stays told
    alone, with that value."""
    loc = ctx.localisation
    advised = (
        {c.cell for c in loc.corrections} | {c.cell for o in loc.alternatives for cs in o for c in cs} if loc else set()
    )
    groups: dict[tuple[str, str, str], list[tuple[str, Finding]]] = {}
    for f in parsed.findings:
        if f.rule in _SAME and f.cell in parsed.alike and f.cell not in advised:
            key, problem = parsed.alike[f.cell]
            groups.setdefault((f.rule, ctx.located.template.inputs[key].sheet, problem), []).append((key, f))
    told, grouped = [], set()
    for (rule, _, problem), members in groups.items():
        if len(members) < _TOGETHER:
            continue
        (key, first), *others = sorted(members, key=lambda m: (m[1].cell.row, m[1].cell.col))
        related = tuple(Related(f.cell, _SAME[rule]) for _, f in others)
        message = f"{ctx.where(key)}等 {len(members)} 个单元格{problem}"
        told.append(Finding(rule, first.severity, message, first.cell, related))
        grouped |= {id(f) for _, f in members}
    return [f for f in parsed.findings if id(f) not in grouped] + told


def _input_cells(located: LocatedReport) -> dict[CellRef, str]:
    """Each input's cell, and each further paragraph's of a text, by layout key: a sentence of 「一、总体情况」's second
    paragraph is the section's as much as one of its first."""
    return {cell: key for key, loc in located.cells.items() for cell in (loc.cell, *(at for _, at in loc.parts))}


def _with_keys(findings: list[Finding], located: LocatedReport) -> list[Finding]:
    """Give every finding whose primary cell is an input (of a text written in several paragraphs, any of them) that
    input's layout key; related inputs the workbook lacks (taken as 0 for a sum) have no cell to show."""
    keys: dict[CellRef, str] | None = None  # built for the first finding that needs it
    out = []
    for f in findings:
        if f.key is None and f.cell:
            keys = keys if keys is not None else _input_cells(located)
            f = replace(f, key=keys.get(f.cell))
        if not all(r.cell for r in f.related):
            f = replace(f, related=tuple(r for r in f.related if r.cell))
        out.append(f)
    return out
