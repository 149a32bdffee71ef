"""The agency's explanations (pure): read from the results sheets of a checked workbook, put on the findings again.

Each explanation follows its finding by the finding's stable id (the 编号 column), so that it survives a resubmitted
or renamed file and the rewrite of the results sheet; one whose finding is gone is kept as resolved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from validator.findings import Explanation, FileReport
from validator.names import EXPLANATION_COLUMN, ID_COLUMN
from validator.sources.grid import SheetGrid

_RULE, _PLACE, _MESSAGE = "规则", "位置", "说明"


def read_explanations(sheets: Sequence[SheetGrid]) -> dict[str, Explanation]:
    """Every explanation typed in the findings tables of `sheets`, by finding id (a later sheet's over an earlier)."""
    found: dict[str, Explanation] = {}
    for sheet in sheets:
        found |= _sheet_explanations(sheet)
    return found


def _sheet_explanations(sheet: SheetGrid) -> dict[str, Explanation]:
    cells = sheet.cells
    headers: dict[int, dict[str, int]] = {}
    for (row, col), value in cells.items():
        if isinstance(value, str):
            headers.setdefault(row, {})[value.strip()] = col
    found: dict[str, Explanation] = {}
    for top, columns in sorted(headers.items()):
        if ID_COLUMN not in columns or EXPLANATION_COLUMN not in columns:
            continue
        row = top + 1
        while isinstance(finding := cells.get((row, columns[ID_COLUMN])), str) and finding.strip():
            text = _text(cells.get((row, columns[EXPLANATION_COLUMN])))
            if text:
                fields = {name: _text(cells.get((row, columns[name]))) if name in columns else "" for name in
                          (_RULE, _PLACE, _MESSAGE)}  # fmt: skip
                found[finding.strip()] = Explanation(
                    finding.strip(), text, fields[_RULE], fields[_PLACE], fields[_MESSAGE]
                )
            row += 1
    return found


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def apply_explanations(report: FileReport) -> None:
    """Put each of the report's explanations on its finding; those without a finding become `resolved`.

    Idempotent: run again after findings were added (comparisons between reports) it gives the same result.
    """
    if not report.explanations:
        report.resolved = []
        return
    ids = set()
    findings = []
    for f in report.findings:
        ids.add(fid := f.stable_id(report.template))
        given = report.explanations.get(fid)
        findings.append(replace(f, explanation=given.text if given else None))
    report.findings = findings
    report.resolved = [e for fid, e in report.explanations.items() if fid not in ids]


def carry_explanations(report: FileReport, carried: Sequence[tuple[str, str, str]]) -> None:
    """Put on the findings the report's own file leaves unexplained the explanations its agency gave for them in an
    earlier round (finding id, explanation, that round's results), marked as carried from there: its annotated copy
    shows them as it shows the file's own, and the agency need not type them again."""
    if not carried:
        return
    given = {fid: (text, given_in) for fid, text, given_in in carried}
    findings = []
    for f in report.findings:
        old = None if f.explanation else given.get(f.stable_id(report.template))
        findings.append(replace(f, explanation=old[0], explanation_from=old[1]) if old else f)
    report.findings = findings
