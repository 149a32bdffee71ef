"""What the 校验结果 sheet says (pure): a title, lines about the check, and tables with links to cells.

Painters lay it out: the title on row 1, one line per row below it, a blank row, then each table (a heading row if it
has one, a header row, its rows), tables separated by a blank row. New sections are new tables.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from validator.cellref import CellRef
from validator.findings import Correction, FileReport, counts_line, severity_text, told
from validator.names import EXPLANATION_COLUMN, ID_COLUMN, PRIMARY_FILL, RESULT_TITLE, WHOLE_WORKBOOK
from validator.spec.catalog import template_by_id
from validator.text import fmt, printable

TITLE = RESULT_TITLE
NO_FINDINGS = "未发现问题。"


@dataclass(frozen=True)
class ResultCell:
    """One cell of a results table: its value, an internal link, a fill (RGB), whether it is centred, and whether it
    is meant for typing (unlocked, with the template's input fill, in a sheet otherwise protected)."""

    value: str | int | None
    link: CellRef | None = None
    fill: str | None = None
    centred: bool = False
    typing: bool = False


@dataclass(frozen=True)
class ResultsTable:
    """Columns as (title, width in characters), rows of cells; `heading` is a line shown above the header."""

    columns: tuple[tuple[str, int], ...]
    rows: tuple[tuple[ResultCell, ...], ...]
    heading: str | None = None


@dataclass(frozen=True)
class ResultsContent:
    """The whole sheet; `empty` is shown (instead of tables) when there is nothing to list."""

    title: str
    lines: tuple[str, ...]
    tables: tuple[ResultsTable, ...]
    empty: str | None = None

    @property
    def width(self) -> int:
        """Columns the sheet spans: lines are merged across it."""
        return max((len(t.columns) for t in self.tables), default=len(FINDING_COLUMNS))

    def worded(self, words: Callable[[str], str]) -> ResultsContent:
        """The sheet with its lines, headings and cells passed through `words`; what the agency typed (the
        单位说明 cells) stays as typed: it is read back as its explanation."""

        def cell(c: ResultCell) -> ResultCell:
            return replace(c, value=words(c.value)) if isinstance(c.value, str) and not c.typing else c

        tables = tuple(
            replace(t, rows=tuple(tuple(map(cell, row)) for row in t.rows), heading=t.heading and words(t.heading))
            for t in self.tables
        )
        return replace(self, lines=tuple(map(words, self.lines)), tables=tables, empty=self.empty and words(self.empty))


FINDING_COLUMNS = (
    ("序号", 6),
    ("规则", 10),
    ("级别", 12),
    ("位置", 16),
    ("说明", 64),
    (EXPLANATION_COLUMN, 40),
    (ID_COLUMN, 18),
)
FINDINGS_HEADING = (
    f"问题清单：对不需改正的问题，请在「{EXPLANATION_COLUMN}」列（绿色单元格，本表唯一供填写的单元格）写明理由。"
    f"再次校验时说明按「{ID_COLUMN}」随问题保留；已说明的警告、提示不再计入结果，错误须改正或经审核单位接受。"
)
SETTLED_FILL = "E2EFDA"  # 已说明 / 已接受: no longer counted
RESOLVED_COLUMNS = (("序号", 6), ("规则", 10), ("状态", 12), ("位置", 16), ("说明", 64), (EXPLANATION_COLUMN, 40))
RESOLVED_HEADING = "已改正：以下问题本次校验已不存在，其单位说明不再需要（仅列出这一次）"


def template_name(template_id: str | None) -> str:
    """A shipped template as its format and basis (with the id), any other by its id."""
    known = template_by_id(template_id) if template_id else None
    return f"{known.name}（{known.basis}，{known.id}）" if known else template_id or "未识别"


def results_content(
    report: FileReport, notices: Sequence[str] = (), linkable: Callable[[CellRef], bool] = lambda ref: ref.local
) -> ResultsContent:
    """What was checked, the counts, notices (the report's, then the painter's), one row per finding.

    A finding's place links to its cell when `linkable` says the cell is in the painted workbook; else it is said in
    words (a document's place of it, 整个工作簿…).
    """
    lines = [
        f"文件：{Path(report.path).name}",
        f"模板：{template_name(report.template)}",
        f"结果：{counts_line(report)}",
    ]
    lines += [f"校验范围：{report.coverage.line()}"] if report.coverage else []
    lines += [f"无法校验：{report.error}"] if report.error else []
    lines += report.correction_lines()
    lines += [f"说明：{notice}" for notice in (*report.notices, *notices)]
    rows = tuple(
        (
            ResultCell(number, centred=True),
            ResultCell(f.rule),
            ResultCell(severity_text(f), fill=SETTLED_FILL if f.state else PRIMARY_FILL[f.severity], centred=True),
            ResultCell(f.cell.ref, link=f.cell) if f.cell and linkable(f.cell) else ResultCell(report.where(f)),
            ResultCell(printable(told(f))),
            ResultCell(printable(f.explanation) if f.explanation else None, typing=True),
            ResultCell(f.stable_id(report.template)),
        )
        for number, f in enumerate(report.sorted_findings(), 1)
    )
    tables = (ResultsTable(FINDING_COLUMNS, rows, FINDINGS_HEADING),) if rows else ()
    tables += _corrections_table(report, linkable)  # after the findings: their table sets widths and frozen header
    tables += _resolved_table(report)
    return ResultsContent(TITLE, tuple(map(printable, lines)), tables, None if rows else NO_FINDINGS)


def _resolved_table(report: FileReport) -> tuple[ResultsTable, ...]:
    """Explanations whose finding is gone, listed once (this table has no id column, so it is not read again)."""
    rows = tuple(
        (ResultCell(n, centred=True), ResultCell(e.rule), ResultCell("已改正", centred=True), ResultCell(e.place),
         ResultCell(printable(e.message)), ResultCell(printable(e.text)))
        for n, e in enumerate(report.resolved, 1)
    )  # fmt: skip
    return (ResultsTable(RESOLVED_COLUMNS, rows, RESOLVED_HEADING),) if rows else ()


CORRECTION_COLUMNS = (("序号", 6), ("位置", 10), ("现值", 12), ("建议改为", 16), ("说明", 64))  # widths as the findings


def _corrections_table(report: FileReport, linkable: Callable[[CellRef], bool]) -> tuple[ResultsTable, ...]:
    """The report's correction, each cell once, with the findings it settles; undecided parts as numbered options.
    Cells whose every finding the office accepted are not listed: nothing is to be changed there."""
    loc = report.to_correct
    entries = [(c, "随之变化，不必改动" if c.follows else "确定") for c in loc.corrections]
    for n, options in enumerate(loc.alternatives, 1):
        for m, option in enumerate(options, 1):
            entries += [
                (c, f"无法唯一确定的第 {n} 处，方案 {m}/{len(options)}（各方案同样少，请核对后选择其一）")
                for c in option
            ]
    if not entries:
        return ()
    rows = tuple(
        (
            ResultCell(number, centred=True),
            ResultCell(c.cell.ref, link=c.cell) if c.cell and linkable(c.cell) else ResultCell(_place(c.cell)),
            ResultCell("未填数字" if c.blank else fmt(c.actual), centred=True),
            ResultCell(fmt(c.expected), centred=True),
            ResultCell(f"{status}；{_formula(c)}{_settles(report, c.cell)}"),
        )
        for number, (c, status) in enumerate(entries, 1)
    )
    reduced = loc != report.localisation
    which = "审核单位未接受的勾稽关系" if reduced else "全部勾稽关系"
    once = "每个单元格只列一次" + ("；审核单位已接受的问题涉及的单元格不需更正，不列出" if reduced else "")
    heading = (
        f"建议更正：使{which}平衡最少需更正 {loc.size} 个单元格（{once}）"
        if loc.solved
        else f"建议更正：部分不平衡未能求出更正，以下为能求出的部分（{once}）"
    )
    return (ResultsTable(CORRECTION_COLUMNS, rows, heading),)


_FORMULA_ROLES = {
    "range": "该单元格是公式 {}，求和范围不对：请改正公式，不要直接改填数字；",
    "follows": "该单元格是公式 {}，范围正确；",
    "text": "该单元格是公式 {}，范围正确，但其中有文本形式的数字（SUM 不计入文本）：请把它们改为数值，再重新计算后保存；",
    "stale": "该单元格是公式 {}，范围正确，保存的结果未重新计算：请在 Excel 中重新计算（按 F9）后保存；",
    "check": "该单元格是公式 {}，请核对它引用的单元格，不要直接改填数字；",
}


def _formula(c: Correction) -> str:
    """What to do with a formula cell of the correction, as its finding says (Correction.role)."""
    return _FORMULA_ROLES[c.role or "check"].format(c.formula) if c.formula else ""


def _settles(report: FileReport, cell: CellRef | None) -> str:
    rules = sorted({f.rule for f in report.findings if cell in f.cells})
    return f"涉及问题：{'、'.join(rules)}" if rules else "涉及问题见下表"


def _place(ref: CellRef | None) -> str:
    return ref.ref if ref else WHOLE_WORKBOOK


def link_location(ref: CellRef) -> str:
    """An internal hyperlink target: "'表三'!J8"."""
    return "'{}'!{}".format(ref.sheet.replace("'", "''"), ref.coordinate)
