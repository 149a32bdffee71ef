"""Findings that compare a report with other reports (family XY), added to and removed from JSON results; the
office's decisions put on JSON results."""

from __future__ import annotations

from collections.abc import Sequence

from validator.agency import Identity, identity
from validator.catalogue import ACROSS_FAMILY, BUILTIN
from validator.cellref import CellRef
from validator.findings import SEVERITIES, Finding, Related
from validator.names import WHOLE_REPORT
from validator.provenance import DOCUMENT_FORMATS
from validator.render.json import EXPLANATION_FROM, counts_json, finding_json, with_decision, with_explanation
from validator.rounds.decide import DecisionRecord, decider, matched_decider
from validator.text import plain_number


def across_finding(
    code: str,
    message: str,
    cell: CellRef | None = None,
    related: tuple[Related, ...] = (),
    expected: object = None,
    actual: object = None,
    key: str | None = None,
) -> Finding:
    return Finding(code, BUILTIN[code].severity, message, cell, related, expected, actual, key)  # type: ignore[arg-type]


def add_findings(doc: dict, findings: list[Finding]) -> None:
    """Append findings to a JSON result, keeping its order (severity, rule, cell) and counts; a published document's
    findings on no cell are placed on 整份年报, as the engine places its own (a document has no workbook)."""
    added = [finding_json(f, doc.get("template")) for f in findings]
    if doc.get("source_format") in DOCUMENT_FORMATS:
        added = [f if f["cell"] or f["place"] else f | {"place": WHOLE_REPORT} for f in added]
    doc["findings"] = sorted(
        doc["findings"] + added,
        key=lambda f: (SEVERITIES.index(f["severity"]), f["rule"], f["cell"] or ""),
    )
    _count(doc)


def decide_result(doc: dict, records: Sequence[DecisionRecord], matched: bool = False) -> None:
    """Put the office's decisions on a JSON result's findings as the workers put them on a report (`decider`; with
    `matched`, every one of `records` is known to concern it), with the counts made anew: a result of an earlier
    round, judged with the decisions carried with it."""
    decide = matched_decider(records) if matched else decider(records, doc.get("agency") or {})
    if decide is None or doc.get("status") != "checked":
        return
    findings = []
    for f in doc["findings"]:
        decision = decide(f["id"], f["rule"], f.get("key"), f.get("cell"))
        findings.append(with_decision(f, decision) if decision else f)
    doc["findings"] = findings
    _count(doc)


def decided(doc: dict, records: Sequence[DecisionRecord]) -> dict:
    """A result with the decisions `records` (those that concern it, oldest first) give its findings, and no others:
    what checking its file with these decisions gives, whatever decisions it was checked with."""
    if doc.get("status") != "checked" or not any(f.get("decision") for f in doc["findings"]):
        out = dict(doc)
    else:
        out = doc | {"findings": [with_decision(f, None) for f in doc["findings"]]}
        _count(out)
    decide_result(out, records, matched=True)
    return out


Carried = dict[str, tuple[str, str]]  # finding id → (the agency's explanation, the earlier round's results it is from)


def explanations_of(earlier: dict, given_in: str) -> Carried:
    """The explanations of `earlier`, an agency's result of an earlier round (`given_in`: that round's results), that
    its next file carries for the same findings (by id) it leaves unexplained, each with the round it was typed in;
    one the office sent back (退回) there is not carried."""
    return {
        f["id"]: (f["explanation"], f.get(EXPLANATION_FROM) or given_in)
        for f in earlier.get("findings") or ()
        if f.get("explanation") and (f.get("decision") or {}).get("value") != "reject"
    }


def with_carried(doc: dict, carried: Carried) -> dict:
    """A JSON result whose findings carry exactly `carried` from earlier rounds: those its own file explains keep
    their explanation, the others of `carried` take theirs (marked as carried, EXPLANATION_FROM), and one an earlier
    run carried that `carried` no longer holds (a rerun without --since) loses it."""
    findings = []
    for f in doc["findings"]:
        if f.get("explanation") and not f.get(EXPLANATION_FROM):
            findings.append(f)
        elif f["id"] in carried:
            findings.append(with_explanation(f, *carried[f["id"]]))
        else:
            findings.append(with_explanation(f, None) if f.get(EXPLANATION_FROM) else f)
    out = doc | {"findings": findings}
    _count(out)
    return out


def without_across(doc: dict) -> dict:
    """A result as the engine made it: without the findings of an earlier batch's comparisons, nor its `round`
    (the explanations carried from an earlier round stay: `with_carried` sets them anew)."""
    doc["findings"] = [f for f in doc["findings"] if not f["rule"].startswith(ACROSS_FAMILY)]
    doc.pop("round", None)
    _count(doc)
    return doc


def _count(doc: dict) -> None:
    doc |= counts_json(doc["findings"])


def agency_keys(doc: dict) -> Identity:
    """(统一社会信用代码, normalised 机关名称) of a result, None where missing: what `agencies` tells agencies by."""
    agency = doc.get("agency") or {}
    return identity(agency.get("credit_code"), agency.get("agency_name"))


def report_year(doc: dict) -> int | None:
    """The 报告年度 of a result, None where missing or not a year."""
    year = plain_number((doc.get("agency") or {}).get("report_year"))
    return year if isinstance(year, int) and not isinstance(year, bool) else None


def display_name(doc: dict) -> str:
    """The agency's name as written, else the file's name."""
    return str((doc.get("agency") or {}).get("agency_name") or "").strip() or doc["file"]
