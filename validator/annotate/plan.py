"""The annotation plan (pure; no workbook library): which cells to mark, in what colour, with what note, and the
content of the results sheet. Painters (openpyxl for files, xlwings for open workbooks) only carry it out."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from validator.annotate.results import ResultsContent, results_content
from validator.cellref import CellRef
from validator.findings import (
    ACCEPTED,
    SEVERITIES,
    SEVERITY_ZH,
    FileReport,
    Finding,
    Related,
    Severity,
    severity_text,
    told,
)
from validator.names import PRIMARY_FILL, RELATED_FILL

NOTE_AUTHOR = "年报校验"
ORIGINAL_NOTE_SEPARATOR = "——原批注——"

Merge = tuple[int, int, int, int]  # top, left, bottom, right (1-based), as in SheetGrid.merges


@dataclass(frozen=True)
class Mark:
    """One marked cell: the worst severity touching it, whether it is any finding's primary cell, and its note."""

    cell: CellRef
    severity: Severity
    primary: bool
    note: str

    @property
    def colour(self) -> str:
        """RGB fill colour, e.g. "FFC7CE"."""
        return (PRIMARY_FILL if self.primary else RELATED_FILL)[self.severity]

    def note_over(self, original: str | None) -> str:
        """The note to write when the cell already has a note of its own: ours first, the original kept below."""
        return self.note if original is None else f"{self.note}\n{ORIGINAL_NOTE_SEPARATOR}\n{original}"

    def shown(self, row: bool, column: bool) -> Mark:
        """The mark with a line saying that the painter showed the cell's hidden row or column (if it did)."""
        if not (row or column):
            return self
        what = "该行和该列" if row and column else "该行" if row else "该列"
        return replace(self, note=f"{self.note}\n（{what}原为隐藏，已在本副本中显示）")


@dataclass(frozen=True)
class AnnotationPlan:
    """Everything a painter writes: the marks (anchored, only cells of this workbook) and the results sheet."""

    marks: tuple[Mark, ...]
    results: ResultsContent

    def worded(self, words: Callable[[str], str]) -> AnnotationPlan:
        """The plan with every note and results text passed through `words` (`audience.for_uploader`: the copy the
        upload page gives the agency that uploaded the file speaks to it, as the page does)."""
        marks = tuple(replace(m, note=words(m.note)) for m in self.marks)
        return AnnotationPlan(marks, self.results.worded(words))


def plan_annotation(
    report: FileReport, sheets: Mapping[str, Sequence[Merge]], notices: Sequence[str] = ()
) -> AnnotationPlan:
    """The plan for painting `report` into the workbook whose sheets (name → merged ranges) are `sheets`.

    A cell inside a merged range is marked on the range's top-left cell (the one holding value and note); cells of
    other workbooks (cross-year findings) and of sheets the workbook does not have are not marked. `notices` are the
    painter's own remarks (e.g. parts it cannot keep), listed on the results sheet after the report's.
    """

    def anchored(ref: CellRef) -> CellRef:
        for top, left, bottom, right in sheets.get(ref.sheet, ()):
            if top <= ref.row <= bottom and left <= ref.col <= right:
                return CellRef(ref.sheet, top, left)
        return ref

    def paintable(ref: CellRef | None) -> bool:
        return ref is not None and ref.local and ref.sheet in sheets

    findings = [
        replace(
            f,
            cell=anchored(f.cell) if paintable(f.cell) else None,
            related=tuple(Related(anchored(r.cell), r.role) for r in f.related if paintable(r.cell)),
        )
        for f in report.findings
    ]
    return AnnotationPlan(tuple(plan_marks(findings)), results_content(report, notices, linkable=paintable))


def free_sheet_name(name: str, existing: Sequence[str]) -> str:
    """`name`, or `name1`, `name2`… when a sheet of that name exists (sheet names ignore case in Excel)."""
    taken = {n.casefold() for n in existing}
    return next(c for c in (f"{name}{n or ''}" for n in itertools.count()) if c.casefold() not in taken)


def primary_line(finding: Finding) -> str:
    """The note line for a finding's primary cell: "【错误·EQ03】<message>", with the agency's explanation and the
    office's decision when there are (`told`: an accepted one asks for no correction)."""
    said = f"（单位说明：{finding.explanation}）" if finding.explanation else ""
    return f"【{severity_text(finding)}·{finding.rule}】{told(finding)}{said}"


def related_line(finding: Finding, role: str) -> str:
    """The note line for a related cell: "【相关·错误·EQ03】<role>：<message>" ("【相关·错误·已接受·EQ03】…", as
    `told`, when the office accepted it)."""
    prefix = f"{role}：" if role else ""
    if finding.state == ACCEPTED:
        return f"【相关·{severity_text(finding)}·{finding.rule}】{prefix}{told(finding)}"
    return f"【相关·{SEVERITY_ZH[finding.severity]}·{finding.rule}】{prefix}{finding.message}"


def is_mark_note(text: str) -> bool:
    """Whether a note's text is one of the tool's marks (`primary_line`, `related_line` first), whoever saved it since
    (LibreOffice drops a note's author)."""
    return _MARK_NOTE.match(text) is not None


# 【错误·EQ03】, 【警告·已说明·TX01】, 【相关·错误·EQ01】: never a user's own 【提示】
_MARK_NOTE = re.compile(
    rf"【(?:相关·)?(?:{'|'.join(map(re.escape, SEVERITY_ZH.values()))})(?:·[^·】]+)*·[A-Z]{{2}}\d{{2}}】"
)


@dataclass
class _Touches:
    severities: list[Severity]
    primary: list[str]
    related: list[str]


def plan_marks(findings: Sequence[Finding]) -> list[Mark]:
    """One mark per cell touched by any finding, sorted by sheet name, row and column.

    A note lists the findings whose primary cell it is first, then those it is related to,
    each group in report order; findings without a cell produce no mark.
    """
    touched: dict[CellRef, _Touches] = {}

    def touch(cell: CellRef, severity: Severity) -> _Touches:
        entry = touched.setdefault(cell, _Touches([], [], []))
        entry.severities.append(severity)
        return entry

    for f in sorted(findings, key=Finding.sort_key):
        if f.cell is not None:
            touch(f.cell, f.severity).primary.append(primary_line(f))
        for r in f.related:
            if r.cell != f.cell:  # a cell that is already the primary one gets a single line
                touch(r.cell, f.severity).related.append(related_line(f, r.role))
    return [
        Mark(
            cell=cell,
            severity=min(t.severities, key=SEVERITIES.index),
            primary=bool(t.primary),
            note="\n".join(dict.fromkeys(t.primary + t.related)),  # dict keeps order and drops repeats
        )
        for cell, t in sorted(touched.items())
    ]
