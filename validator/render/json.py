"""Reports as JSON: the one documented shape (docs/json.md) shared by `nianbao check`, batch results and tools."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from validator.findings import NO_COPY, Changes, Copy, FileReport, Finding
from validator.text import plain_number as number

# Bumped when a field changes meaning or disappears; new fields alone keep the version.
SCHEMA_VERSION = 2


def finding_json(f: Finding, template: str | None) -> dict:
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
    }


def coverage_json(r: FileReport) -> dict | None:
    """How many cross-checks were judged; null when the file was not checked."""
    c = r.coverage
    if c is None:
        return None
    return {"total": c.total, "checked": c.checked, "assumed": c.assumed, "unchecked": list(c.unchecked)}


def _changes(changes: Changes) -> list[dict]:
    return [
        {"cell": c.cell.ref if c.cell else None, "key": c.key, "from": number(c.actual), "to": number(c.expected),
         "blank": c.blank}
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
    }
    if r.error:
        doc["error"] = r.error
    doc |= {
        "counts": r.counts,
        "coverage": coverage_json(r),
        "annotated": copy.annotated,
        "notices": [*r.notices, *copy.notices],
    }
    loc = r.localisation
    doc["localisation"] = loc.status
    doc["corrections"] = _changes(loc.corrections)
    doc["alternatives"] = [{"options": [_changes(o) for o in options]} for options in loc.alternatives]
    doc["findings"] = [finding_json(f, r.template) for f in r.sorted_findings()]
    doc["values"] = {k: number(v) for k, v in r.values.items()}
    doc["cells"] = {k: c.ref for k, c in r.cells.items()}
    return doc


def results_document(reports: Sequence[FileReport], copies: Mapping[str, Copy] | None = None) -> dict:
    """The whole output of one run: {"schema_version", "results": [...]}, annotated copies looked up by report path."""
    copies = copies or {}
    results = [report_json(r, copies.get(r.path, NO_COPY)) for r in reports]
    return {"schema_version": SCHEMA_VERSION, "results": results}


def dumps(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)
