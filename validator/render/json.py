"""Reports as JSON: the one documented shape (docs/json.md) shared by `nianbao check`, batch results and tools."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from validator.findings import (
    ACCEPTED,
    EXPLAINED,
    NO_COPY,
    SEVERITIES,
    Changes,
    Copy,
    Decision,
    FileReport,
    Finding,
    counts_as_explained,
    settled_state,
)
from validator.text import plain_number as number

# Bumped when a field changes meaning or disappears; new fields alone keep the version.
# 3: `counts` leaves out explained warnings/info and accepted findings (see `settled`, `open_errors`); (new fields,
# no bump: where a finding is in an imported document, `source`, `place`, `sources`, `source_format`).
SCHEMA_VERSION = 3
_STATES = {EXPLAINED: "explained", ACCEPTED: "accepted", None: "open"}
EXPLANATION_FROM = "explanation_from"  # a finding's explanation carried from an earlier round: that round's results


def finding_json(f: Finding, template: str | None, report: FileReport | None = None) -> dict:
    place = report.place(f.cell) if report else None
    carried = {EXPLANATION_FROM: f.explanation_from} if f.explanation and f.explanation_from else {}
    return {
        "id": f.stable_id(template),
        "rule": f.rule,
        "severity": f.severity,
        "message": f.message,
        "cell": f.cell.ref if f.cell else None,
        "key": f.key,
        "cells": [c.ref for c in f.cells],
        "expected": number(f.expected),
        "actual": number(f.actual),
        "explanation": f.explanation,
        "decision": _decision_json(f.decision) if f.decision else None,
        "state": _STATES[f.state],
        "source": place.json() if place else None,
        "place": report.where(f) if report and report.origins else None,
    } | carried  # last, as with_explanation puts it


def _decision_json(d: Decision) -> dict:
    return {"by": d.by, "value": d.value, "note": d.note}


def with_decision(f: dict, decision: Decision | None) -> dict:
    """A JSON finding with the office's decision on it (None: none), and the state that decision gives it."""
    decided = f | {"decision": _decision_json(decision) if decision else None}
    return decided | {"state": _STATES[_state(decided)]}


def with_explanation(f: dict, text: str | None, given_in: str | None = None) -> dict:
    """A JSON finding with the agency's explanation `text` (`given_in`: the earlier round's results it was typed
    in, when it is carried from there), or with none, and the state that gives it."""
    explained = {k: v for k, v in f.items() if k != EXPLANATION_FROM} | {"explanation": text}
    explained |= {EXPLANATION_FROM: given_in} if text and given_in else {}
    return explained | {"state": _STATES[_state(explained)]}


def counts_json(findings: Sequence[dict]) -> dict:
    """`counts` (by severity, without what is settled), `settled` and `open_errors` of a result's JSON findings."""
    rows = [(f, _state(f), counts_as_explained(bool(f.get("explanation")), _decision(f))) for f in findings]
    return {
        "counts": {s: sum(f["severity"] == s and st is None for f, st, _ in rows) for s in SEVERITIES},
        "settled": {
            "explained": sum(said and st != ACCEPTED for _, st, said in rows),
            "accepted": sum(st == ACCEPTED for _, st, _ in rows),
        },
        "open_errors": sum(f["severity"] == "error" and not said and st is None for f, st, said in rows),
    }


def _decision(f: dict) -> str | None:
    return (f.get("decision") or {}).get("value")


def _state(f: dict) -> str | None:
    return settled_state(f["severity"], bool(f.get("explanation")), _decision(f))


def coverage_json(r: FileReport) -> dict | None:
    """How many cross-checks were judged; null when the file was not checked."""
    c = r.coverage
    if c is None:
        return None
    return {"total": c.total, "checked": c.checked, "assumed": c.assumed, "unchecked": list(c.unchecked)}


def _changes(changes: Changes) -> list[dict]:
    return [
        {"cell": c.cell.ref if c.cell else None, "key": c.key, "from": number(c.actual), "to": number(c.expected),
         "blank": c.blank, "formula": c.formula, "formula_role": c.role}
        for c in changes
    ]  # fmt: skip


def report_json(r: FileReport, copy: Copy = NO_COPY) -> dict:
    """One file's result, with what writing its annotated copy produced, if anything."""
    doc: dict = {
        "file": r.path,
        "status": r.status,
        "template": r.template,
        "template_version": r.template_version,
        "agency": {k: number(v) for k, v in r.agency.items()},
        "sha256": r.sha256,
        "engine_version": r.engine_version,
        "source_format": r.source_format,
    }
    if r.error:
        doc["error"] = r.error
    findings = [finding_json(f, r.template, r) for f in r.sorted_findings()]
    doc |= counts_json(findings)
    doc |= {"coverage": coverage_json(r), "annotated": copy.annotated, "notices": [*r.notices, *copy.notices]}
    loc = r.localisation
    doc["localisation"] = loc.status
    doc["corrections"] = _changes(loc.corrections)
    doc["alternatives"] = [{"options": [_changes(o) for o in options]} for options in loc.alternatives]
    doc["findings"] = findings
    doc["resolved"] = [{"id": e.id, "rule": e.rule, "cell": e.place, "explanation": e.text} for e in r.resolved]
    doc["values"] = dict(r.values)  # plain numbers already (FileReport.values)
    doc["cells"] = {k: c.ref for k, c in r.cells.items()}
    doc["sources"] = {k: p.json() for k, p in r.sources.items()}
    return doc


def results_document(reports: Sequence[FileReport], copies: Mapping[str, Copy] | None = None) -> dict:
    """The whole output of one run: {"schema_version", "results": [...]}, annotated copies looked up by report path."""
    copies = copies or {}
    results = [report_json(r, copies.get(r.path, NO_COPY)) for r in reports]
    return {"schema_version": SCHEMA_VERSION, "results": results}


def dumps(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)
