"""The office's decisions (pure): records from a decisions file or 汇总.xlsx, matched to one agency's findings.

A decision belongs to one agency's finding: it is matched within the agency (as the rounds match a report of an earlier
round: the same normalised name, else the same credit code; and the report year when given) by the finding's stable id first, then by (rule, layout key or cell), so that a
resubmitted or renamed file keeps it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from validator.agency import Identity, agencies, identity, plain_code
from validator.findings import Decision, DecisionValue, FileReport
from validator.labels import normalize
from validator.names import WHOLE_WORKBOOK

_VALUES: dict[str, DecisionValue] = {"接受": "accept", "accept": "accept", "退回": "reject", "reject": "reject"}
_CREDIT_CODE = re.compile(r"^[0-9A-Z]{18}$")
# Column or field names, in the words of 汇总.xlsx's 问题明细 and of a YAML/CSV decisions file.
_FIELDS = {
    "id": ("id", "编号"),
    "rule": ("rule", "规则"),
    "key": ("key",),
    "cell": ("cell", "位置"),
    "credit_code": ("credit_code", "统一社会信用代码"),
    "agency": ("agency", "name", "机关名称"),
    "year": ("year", "报告年度"),
    "decision": ("decision", "处理意见"),  # as DECISION_COLUMN of 问题明细
    "note": ("note", "处理说明"),
}


@dataclass(frozen=True)
class DecisionRecord:
    """One decision as the office wrote it: for which agency and finding, and what."""

    decision: Decision
    rule: str = ""
    id: str = ""
    key: str = ""
    cell: str = ""
    credit_code: str = ""
    agency: str = ""  # normalised name
    year: int | None = None

    def concerns(self, agency: Mapping[str, object]) -> bool:
        """Whether the decision is about the report of `agency` (a report's cover fields), and its year when it names
        one. The decision was made on a report of an earlier run, so the two are matched as the rounds match a report
        with an earlier round's (`agencies`): the same name, or the same code under a new name (机构改革). A batch
        matches its decisions with every report of both rounds at hand (`validator.batch.rounds.concerning`)."""
        if not self.of_year(agency):
            return False
        first, second = agencies(
            [self.identity(), identity(agency.get("credit_code"), agency.get("agency_name"))], [0, 1]
        )
        return first is not None and first == second

    def of_year(self, agency: Mapping[str, object]) -> bool:
        """Whether the report of `agency` is of the year the decision names, if it names one."""
        return self.year is None or agency.get("report_year") in (self.year, float(self.year))

    def identity(self) -> Identity:
        """The agency the decision was made on, as `agencies` tells agencies."""
        return self.credit_code or None, self.agency or None

    def row(self) -> dict[str, object]:
        """The decision as a row of named fields, which `records_from_rows` reads back as this record."""
        fields = {"id": self.id, "rule": self.rule, "key": self.key, "cell": self.cell}
        fields |= {"credit_code": self.credit_code, "agency": self.agency, "year": self.year}
        return fields | {"decision": self.decision.value, "note": self.decision.note}

    def same_place(self, rule: str, key: str | None, cell: str | None) -> bool:
        """Whether the decision is about the finding of `rule` at layout `key` or `cell` (a reference, e.g. 表三!D5)."""
        if self.rule != rule:
            return False
        if self.key:
            return self.key == key
        return (self.cell or "") == (cell or "")


class DecisionError(Exception):
    """A decisions file that cannot be used; the message is Chinese and says what to change."""


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def item(n: int) -> str:
    """Where the n-th row (1-based) of a list of decisions is: its item (a YAML list, a carried result's rows)."""
    return f"第 {n} 条"


def records_from_rows(
    rows: Iterable[Mapping[str, object]], source: str, where: Callable[[int], str] = item
) -> list[DecisionRecord]:
    """Decision records from rows of named fields (a sheet's header, CSV, YAML); rows without a decision are skipped.

    Raises DecisionError for decisions other than 接受/退回 (accept/reject), or rows naming no agency or finding:
    every such row at once, each named as `where` gives it for its 1-based number (the row of a sheet the office
    sees), with what to write instead, so that one correction of the file is enough.
    """
    out, problems = [], []
    for n, row in enumerate(rows, 1):
        get = {field: next((_text(row[k]) for k in names if k in row and _text(row[k])), "") for field, names in
               _FIELDS.items()}  # fmt: skip
        if not get["decision"]:
            continue
        if problem := _problem(get, row):
            problems.append(f"{source} {where(n)}{problem}")
            continue
        agency, code = get["agency"], plain_code(get["credit_code"])
        if not code and _CREDIT_CODE.match(plain_code(agency)):
            agency, code = "", plain_code(agency)
        year = int(float(get["year"])) if re.fullmatch(r"\d{4}(\.0)?", get["year"]) else None
        cell = "" if get["cell"] == WHOLE_WORKBOOK else get["cell"]
        decision = Decision(_VALUES[get["decision"].lower()], get["note"])
        out.append(DecisionRecord(decision, get["rule"], get["id"], get["key"], cell, code, normalize(agency), year))
    if len(problems) == 1:
        raise DecisionError(problems[0])
    if problems:
        lines = "\n".join(f"  {n}. {p}" for n, p in enumerate(problems, 1))
        raise DecisionError(f"{source} 中有 {len(problems)} 条处理意见无法使用，请逐条改正：\n{lines}")
    return out


def _problem(get: Mapping[str, str], row: Mapping[str, object]) -> str:
    """Why a row with a decision cannot be used, and what to write instead (Chinese), or ""; fields are named as
    the row's own header names them (汇总.xlsx's columns, a YAML or CSV file's keys)."""

    def named(field: str) -> str:
        names = _FIELDS[field]
        return f"「{next((k for k in names if k in row), names[0])}」"

    if get["decision"].lower() not in _VALUES:
        return f"的处理意见「{get['decision']}」无效，应为「接受」或「退回」：请改为其中之一；不作处理意见的，请清空。"
    if not (get["agency"] or plain_code(get["credit_code"])):
        return (
            f"没有写明单位（{named('agency')}和{named('credit_code')}都是空的），无法对应到单位的问题："
            f"请填写该单位的机关名称或统一社会信用代码；报告未填写这两项的，请清空处理意见，待单位在封面补填后再作处理意见。"
        )
    if not (get["id"] or get["rule"]):
        return (
            f"没有写明问题（{named('id')}和{named('rule')}都是空的），无法对应到问题："
            f"请填写该问题的{named('id')}，或{named('rule')}和{named('cell')}；这一行不是问题（如无法读取的文件）的，"
            "不能作处理意见，请清空。"
        )
    return ""


Decide = Callable[[str, str, str | None, str | None], Decision | None]  # (id, rule, key, cell) → decision


def decider(records: Sequence[DecisionRecord], agency: Mapping[str, object]) -> Decide | None:
    """How to find the office's decision on a finding of the report of `agency` (its cover fields): by the finding's
    id, else by rule and place; None when no record concerns that report. `records` are oldest first: of two
    decisions on the same finding, the later wins. The one matching for engine findings and JSON results alike."""
    return matched_decider([r for r in records if r.concerns(agency)])


def matched_decider(mine: Sequence[DecisionRecord]) -> Decide | None:
    """As `decider`, with `mine` the records known to concern the report (oldest first); None when there are none."""
    if not mine:
        return None
    by_id = {r.id: r for r in mine if r.id}

    def decide(id: str, rule: str, key: str | None, cell: str | None) -> Decision | None:
        record = by_id.get(id) or next((r for r in reversed(mine) if r.same_place(rule, key, cell)), None)
        return record.decision if record else None

    return decide


def apply_decisions(report: FileReport, records: Sequence[DecisionRecord], matched: bool = False) -> None:
    """Put the office's decision on each finding of the report it concerns (`decider`; with `matched`, every one of
    `records` is known to concern it); the others keep theirs."""
    decide = matched_decider(records) if matched else decider(records, report.agency)
    if decide is None:
        return
    findings = []
    for f in report.findings:
        decision = decide(f.stable_id(report.template), f.rule, f.key, f.cell.ref if f.cell else None)
        findings.append(replace(f, decision=decision) if decision else f)
    report.findings = findings
