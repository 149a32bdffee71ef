"""Findings and reports: the engine's result model, plain data consumed by writers, renderers, the CLI and tests."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Literal

from validator.audience import BALANCE
from validator.cellref import CellRef
from validator.names import WHOLE_REPORT, WHOLE_WORKBOOK
from validator.provenance import DOCUMENT_FORMATS, Place, in_document_words
from validator.spec.model import Severity
from validator.text import fmt

SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
SEVERITY_ZH: dict[str, str] = {"error": "错误", "warning": "警告", "info": "提示"}
# The identity fields of the agency, as located on the cover; every template declares fields with these keys.
AGENCY_FIELDS: tuple[str, ...] = ("agency_name", "credit_code", "report_year", "agency_level", "agency_type")

Status = Literal["checked", "unreadable", "error"]
MAX_ALTERNATIVES = 6  # equally cheap corrections of one part of a report named at most (there may be more)


@dataclass(frozen=True)
class Related:
    """A cell that takes part in a finding without being its primary cell, and the part it plays."""

    cell: CellRef
    role: str  # Chinese, shown in notes: e.g. "合计", "加数"


DecisionValue = Literal["accept", "reject"]
DECISION_ZH: dict[str, str] = {"accept": "接受", "reject": "退回"}
# What a finding's agency or office has done about it, as the Chinese word every output shows.
EXPLAINED, ACCEPTED = "已说明", "已接受"


@dataclass(frozen=True)
class Decision:
    """The office's decision on one agency's finding: accepted (no longer counted) or sent back, with a note."""

    value: DecisionValue
    note: str = ""
    by: str = "office"


def counts_as_explained(explained: bool, decision: str | None) -> bool:
    """An explanation stands unless the office sent it back (退回)."""
    return explained and decision != "reject"


def settled_state(severity: str, explained: bool, decision: str | None) -> str | None:
    """已接受, 已说明 (an explained warning or info; an explained error stays open) or None: what no longer counts."""
    if decision == "accept":
        return ACCEPTED
    return EXPLAINED if counts_as_explained(explained, decision) and severity != "error" else None


@dataclass(frozen=True)
class Finding:
    """One thing wrong with a workbook. Findings are data, never raised."""

    rule: str
    severity: Severity
    message: str
    cell: CellRef | None = None  # None for problems of the whole workbook or a whole table
    related: tuple[Related, ...] = ()
    expected: float | str | None = None
    actual: float | str | None = None
    key: str | None = None  # layout key of the primary cell (e.g. "t3.disclosed.business"), None when none
    explanation: str | None = None  # what the agency typed in 单位说明 for this finding
    explanation_from: str | None = None  # an explanation carried from an earlier round: that round's results
    decision: Decision | None = None  # the office's decision
    area: str | None = None  # where a finding on no cell is, in words (表三, a place in a document); None: everywhere

    @property
    def state(self) -> str | None:
        """已接受 / 已说明 when the finding no longer counts toward the report's status, else None."""
        return settled_state(self.severity, bool(self.explanation), self.decision and self.decision.value)

    @property
    def explained(self) -> bool:
        """The agency explained it and the office did not send the explanation back."""
        return counts_as_explained(bool(self.explanation), self.decision and self.decision.value)

    @property
    def blocking(self) -> bool:
        """An error neither explained nor accepted: what the exit code counts."""
        return self.severity == "error" and not self.explained and self.state is None

    @property
    def cells(self) -> tuple[CellRef, ...]:
        """The primary cell first, then the related cells."""
        return ((self.cell,) if self.cell else ()) + tuple(r.cell for r in self.related)

    def stable_id(self, template: str | None) -> str:
        """An id that stays the same when the same problem is found again in a resubmitted file.

        It depends on the template, the rule and where the problem is (the layout key, else the cell, else, for
        problems of a whole table or workbook, the message), not on the values that make it wrong.
        """
        where = self.key or (self.cell.ref if self.cell else self.message)
        return hashlib.sha1(f"{template}\x1f{self.rule}\x1f{where}".encode()).hexdigest()[:16]

    def sort_key(self) -> tuple:
        where = (
            (self.cell.workbook or "", self.cell.sheet, self.cell.row, self.cell.col) if self.cell else ("", "", 0, 0)
        )
        return (SEVERITIES.index(self.severity), self.rule, where, self.message)


@dataclass(frozen=True)
class Coverage:
    """How many cross-checks (勾稽关系, one per equation instance) of a report could be judged."""

    total: int
    checked: int  # judged, including those judged with a missing part taken as 0
    assumed: int = 0  # judged with a missing part (row or column) taken as 0
    unchecked: tuple[str, ...] = ()  # "EQ03「…」行" for each one that could not be judged

    def line(self) -> str:
        """The Chinese summary: "42项勾稽关系中校验了35项（其中23项按缺少的数据为 0 校验），7项无法校验（…）…"."""
        text = f"{self.total}项勾稽关系中校验了{self.checked}项"
        if self.assumed:
            text += f"（其中{self.assumed}项按缺少的数据为 0 校验）"
        if self.unchecked:
            shown = "、".join(self.unchecked[:6]) + ("等" if len(self.unchecked) > 6 else "")
            text += f"，{len(self.unchecked)}项无法校验（{shown}），原因见各结构问题"
        return text


Changes = tuple["Correction", ...]
# Why a formula's result is to change (rules/kinds/equation.py formula_role): its range is wrong, it follows a corrected
# cell (nothing to do), a part is a number stored as text, its saved result is stale, or its references are to check.
FormulaRole = Literal["range", "follows", "text", "stale", "check"]


@dataclass(frozen=True)
class Correction:
    """One cell change of a report's correction: the value checked and the value that balances the equations."""

    key: str  # layout key, e.g. "t3.disclosed.business"
    cell: CellRef | None
    actual: float  # as checked: a blank or a placeholder counts as 0
    expected: float
    blank: bool = False  # the cell was blank or held a placeholder
    formula: str | None = None  # the cell shows this formula's saved result: the formula is what to correct
    role: FormulaRole | None = None  # for a formula: why its result changes ("follows": nothing to do)

    @property
    def follows(self) -> bool:
        """A formula over the right range whose result follows a corrected cell: no cell for the clerk to change."""
        return self.role == "follows"

    def phrase(self, sheet: bool = True) -> str:
        """ "表三!E7 由 40 改为 4", "J7（未填数字）改为 8", "J7（公式 =SUM(D7:H7)）的结果由 28 改为 29"; without
        the sheet when the text names it already."""
        where = (self.cell.ref if sheet else self.cell.coordinate) if self.cell else self.key
        if self.blank:
            was = "（未填数字）"
        elif self.follows:
            return (
                f"{where}（公式 {self.formula}）的结果随之由 {fmt(self.actual)} 变为 {fmt(self.expected)}（不必改动）"
            )
        elif self.formula:
            was = f"（公式 {self.formula}）的结果由 {fmt(self.actual)} "
        else:
            was = f" 由 {fmt(self.actual)} "
        return f"{where}{was}改为 {fmt(self.expected)}"


def phrases(changes: Changes, sheet: bool = True) -> str:
    """Several changes in one sentence."""
    return "、".join(c.phrase(sheet) for c in changes)


@dataclass(frozen=True)
class Localisation:
    """Which cells to change so that every checkable equation balances, with the fewest (weighted) changes.

    `corrections` is what every cheapest correction shares; each entry of `alternatives` is a part of the report
    where several corrections are equally cheap, as its options (one of which is to be chosen).
    """

    status: Literal["none", "unique", "ambiguous"] = "none"
    corrections: Changes = ()
    alternatives: tuple[tuple[Changes, ...], ...] = ()

    @property
    def solved(self) -> bool:
        """Whether a correction was found for every unbalanced part (a count is then its smallest size)."""
        return all(self.alternatives)

    @property
    def size(self) -> int:
        """How many cells the clerk changes (with the smallest option of each ambiguous part); formulas that only
        follow a corrected cell are not counted."""

        def count(changes: Changes) -> int:
            return sum(not c.follows for c in changes)

        return count(self.corrections) + sum(min(map(count, options), default=0) for options in self.alternatives)

    def without(self, settled: Callable[[CellRef | None], bool]) -> Localisation:
        """The correction without the changes of the cells `settled` says need none (the office accepted every finding
        on them); a part with equally cheap options goes when every option's cells do."""
        corrections = tuple(c for c in self.corrections if not settled(c.cell))
        alternatives = tuple(
            options for options in self.alternatives if not options or not all(
                settled(c.cell) for option in options for c in option
            )
        )  # fmt: skip
        return replace(self, corrections=corrections, alternatives=alternatives)

    def summary(self) -> list[str]:
        """Chinese lines for the report's heading: how many cells to change, which, and what is undecided."""
        if self.status == "none":
            return []
        lines = [
            f"勾稽关系：最少需更正 {self.size} 个单元格。" if self.solved else "勾稽关系：部分不平衡未能求出更正。"
        ]
        if self.corrections:
            lines[0] += f"应将 {phrases(self.corrections)}。"
        lines += [f"无法唯一确定的第 {n} 处：{undecided(options)}" for n, options in enumerate(self.alternatives, 1)]
        return lines


def undecided(options: tuple[Changes, ...], sheet: bool = True) -> str:
    """What to say about a part of a report whose cheapest correction is not unique (or not proven the cheapest)."""
    if not options:
        return f"需改动的单元格较多，未能确定最少需更正哪些单元格。{BALANCE.receiver}"
    if len(options) == 1:
        return f"改动较多，未能确认是否还有同样少的更正；可将 {phrases(options[0], sheet)}，请核对。"
    choices = "；或将 ".join(phrases(o, sheet) for o in options)
    many = "至少有" if len(options) >= MAX_ALTERNATIVES else "有"
    return f"{many} {len(options)} 种同样少的更正，无法确定是哪一种：可将 {choices}。请核对后选择其一。"


@dataclass(frozen=True)
class Explanation:
    """What the agency typed in 单位说明 next to a finding of the results sheet, with the finding as it was listed."""

    id: str
    text: str
    rule: str = ""
    place: str = ""
    message: str = ""


@dataclass(frozen=True)
class Copy:
    """What writing a report's annotated copy produced, as shown to the user: where the copy is (None when none was
    written) and the writer's notices (Chinese), e.g. parts the copy could not keep or why it could not be written."""

    annotated: str | None = None
    notices: tuple[str, ...] = ()


NO_COPY = Copy()  # a report whose file got no annotated copy (none asked for, or nothing to mark)


@dataclass
class FileReport:
    """The outcome of checking one workbook: who it is from, what was found, or why it could not be checked."""

    path: str
    template: str | None = None
    template_version: str | None = None
    agency: dict[str, object] = field(default_factory=dict)  # AGENCY_FIELDS as located (None when not found)
    # checked value by layout key, as JSON gives it: plain numbers (text.plain_number: whole ones as int, None = unknown)
    values: dict[str, object] = field(default_factory=dict)
    cells: dict[str, CellRef] = field(default_factory=dict)  # where each input was found, by layout key
    sha256: str | None = None
    engine_version: str | None = None
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None  # Chinese reason the file could not be checked
    failure: Literal["unreadable", "internal"] | None = None
    notices: list[str] = field(default_factory=list)  # Chinese notes about the check itself
    coverage: Coverage | None = None  # None when the file was not checked
    # xlsx, or html, docx, pdf…: a published document read as one sheet; for a file that could not be read, what its
    # bytes were recognised as (sources.sniff.file_format), None when they were not read or not recognised
    source_format: str | None = None
    origins: dict[tuple[str, int, int], Place] = field(default_factory=dict)  # (sheet, row, col) → place in it

    localisation: Localisation = field(default_factory=Localisation)  # the correction the equations call for
    explanations: dict[str, Explanation] = field(default_factory=dict)  # read from the workbook, by finding id
    resolved: list[Explanation] = field(default_factory=list)  # explanations whose finding is gone (fixed)

    @property
    def status(self) -> Status:
        if self.failure == "internal":
            return "error"
        return "unreadable" if self.error else "checked"

    @property
    def counts(self) -> dict[str, int]:
        """Findings by severity that count toward the status: without the explained warnings/info and the accepted."""
        c = Counter(f.severity for f in self.findings if f.state is None)
        return {s: c.get(s, 0) for s in SEVERITIES}

    @property
    def settled(self) -> dict[str, int]:
        """How many findings are explained (and not accepted), and how many accepted."""
        return {
            "explained": sum(f.explained and f.state != ACCEPTED for f in self.findings),
            "accepted": sum(f.state == ACCEPTED for f in self.findings),
        }

    @property
    def blocking(self) -> int:
        """Errors neither explained nor accepted."""
        return sum(f.blocking for f in self.findings)

    def in_words(self, text: str) -> str:
        """`text` about this report's cells in the words of its document (a workbook's as it is)."""
        return document_words(self.origins)(text, None) if self.origins else text

    def where(self, finding: Finding) -> str:
        """Where a finding is, as every output lists it: a workbook's cell or 整个工作簿; in a document its place, else
        the table it is about, else 整份年报 (the sheet a document is read into is never named)."""
        if not self.origins:  # a workbook, or a document nothing of which was read into the sheet
            if finding.cell:
                return finding.cell.ref
            return WHOLE_REPORT if self.source_format in DOCUMENT_FORMATS else WHOLE_WORKBOOK
        place = self.place(finding.cell)
        return place.phrase() if place else finding.area or WHOLE_REPORT

    def place(self, cell: CellRef | None) -> Place | None:
        """Where a cell of an imported document was in the document (None for workbooks and other files' cells)."""
        return place_of(self.origins, cell) if cell and not cell.workbook else None

    @property
    def sources(self) -> dict[str, Place]:
        """The place in the document of each input found, by layout key (empty for workbooks)."""
        return {k: p for k, c in self.cells.items() if (p := self.place(c))} if self.origins else {}

    def sorted_findings(self) -> list[Finding]:
        return sorted(self.findings, key=Finding.sort_key)

    def accepted(self, cell: CellRef | None) -> bool:
        """Whether the office accepted every finding on `cell` (as its primary or a related cell): none asks for a
        change there."""
        states = [f.state == ACCEPTED for f in self.findings if cell is not None and cell in f.cells]
        return bool(states) and all(states)

    @property
    def to_correct(self) -> Localisation:
        """The correction the agency is asked for: without the cells whose every finding the office accepted."""
        return self.localisation.without(self.accepted) if self.settled["accepted"] else self.localisation

    def correction_lines(self) -> list[str]:
        """The correction's lines for the report's heading (`Localisation.summary` of `to_correct`); one saying that
        none is asked for when the office accepted every finding of every cell it would change."""
        left = self.to_correct
        if self.localisation.status != "none" and not (left.corrections or left.alternatives):
            return ["勾稽关系：不平衡之处涉及的问题审核单位均已接受，不需更正。"]
        return left.summary()

    def flatten(self) -> list[tuple[str, str]]:
        """(rule, primary cell ref) pairs: a compact form for assertions and CSV."""
        return sorted((f.rule, f.cell.ref if f.cell else "") for f in self.findings)


def counts_line(report: FileReport) -> str:
    """ "错误 1 项，警告 0 项，提示 0 项（另有已说明 2 项、已接受 1 项，不计入）"; explained errors still count."""
    text = "，".join(f"{SEVERITY_ZH[s]} {report.counts[s]} 项" for s in SEVERITIES)
    states = Counter(f.state for f in report.findings if f.state)
    settled = "、".join(f"{state} {states[state]} 项" for state in (EXPLAINED, ACCEPTED) if states[state])
    waiting = sum(f.severity == "error" and f.explained and not f.state for f in report.findings)
    text += f"（另有{settled}，不计入）" if settled else ""
    return text + (f"；其中 {waiting} 项错误已说明，待审核单位接受" if waiting else "")


def severity_text(finding: Finding) -> str:
    """错误, 警告·已说明, 错误·已接受…"""
    return SEVERITY_ZH[finding.severity] + (f"·{finding.state}" if finding.state else "")


def told(finding: Finding) -> str:
    """A finding's message as the agency reads it (the annotated copy, the terminal), with the office's decision; an
    accepted one says first that it needs no correction, and then what was accepted: its advice is not asked for."""
    if finding.state == ACCEPTED and finding.decision:
        why = f"（处理说明：{finding.decision.note}）" if finding.decision.note else ""
        return f"审核单位已接受，不需改正{why}。所接受的问题：{finding.message}"
    return finding.message + decision_text(finding)


def decision_text(finding: Finding) -> str:
    """The office's decision as words to append to the message, or ""."""
    return decision_phrase(finding.decision.value, finding.decision.note) if finding.decision else ""


def decision_phrase(value: str, note: str) -> str:
    """ "（审核单位意见：接受，<note>）"."""
    return f"（审核单位意见：{DECISION_ZH.get(value, value)}{'，' + note if note else ''}）"


def document_words(origins: dict[tuple[str, int, int], Place]) -> Callable[[str, Place | None], str]:
    """`in_document_words` for the sheet of these origins (an imported document's): text and the place of the cell
    it is about → text."""
    (sheet, *_), *_ = origins

    def place_at(coordinate: str) -> Place | None:
        return place_of(origins, CellRef.parse(f"{sheet}!{coordinate}"))

    return lambda text, own: in_document_words(text, sheet, place_at, own.table_name if own else None)


def place_of(origins: dict[tuple[str, int, int], Place], cell: CellRef) -> Place | None:
    """Where `cell` of an imported document's sheet is in the document. A cell the reader added to a table row (right
    of its last cell, past the budget of blank cells) is in that row, counted on from the nearest cell left of it."""
    if place := origins.get((cell.sheet, cell.row, cell.col)):
        return place
    for col in range(cell.col - 1, 0, -1):
        if (near := origins.get((cell.sheet, cell.row, col))) is not None:
            if near.table is None:
                return None
            return replace(near, column=near.column + cell.col - col, column_label=None, column_group=None)
    return None
