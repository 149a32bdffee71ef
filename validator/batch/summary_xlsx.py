"""汇总.xlsx: one row per workbook, failures by rule, every finding, 全区合计, and what was left out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from validator.batch.crossyear import Missing
from validator.batch.outcome import Outcome
from validator.batch.rows import (
    FAILED,
    FINDING_HEADERS,
    NOT_RESUBMITTED,
    PASSED,
    ROUND_COLUMNS,
    agency,
    coverage,
    every_rule,
    finding_rows,
    first_errors,
    round_counts,
    status,
)
from validator.batch.totals import write_totals
from validator.cellref import column_letter
from validator.findings import SEVERITIES, SEVERITY_ZH
from validator.names import PRIMARY_FILL
from validator.rounds.load import DECISION_COLUMN, DETAILS_SHEET
from validator.spec import default_template
from validator.text import display_width, printable

MAX_WIDTH = 60.0
_HEADER_FONT = Font(bold=True)


def solid(rgb: str) -> PatternFill:
    """A solid fill in opaque ARGB, as Excel writes it."""
    return PatternFill(fill_type="solid", start_color=f"FF{rgb}", end_color=f"FF{rgb}")


_HEADER_FILL = solid("F2F2F2")
_LINK_FONT = Font(color="FF0563C1", underline="single")
_STATUS_FILL = {PASSED: solid("C6EFCE"), FAILED: solid(PRIMARY_FILL["error"])}
_UNREADABLE_FILL = solid("D9D9D9")
_TOP = Alignment(vertical="top")
_WRAP = Alignment(vertical="top", wrap_text=True)


def write_summary(path: Path, outcome: Outcome) -> None:
    """Write 汇总.xlsx to `path`."""
    docs, skipped, missing, absent = outcome.docs, outcome.skipped, outcome.missing, outcome.absent
    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    _agencies(ws, docs)
    _table(wb.create_sheet("规则统计"), ("规则", "级别", "类别", "说明", "涉及单位数", "问题数"), _by_rule(docs))
    details = wb.create_sheet(DETAILS_SHEET)
    rows = list(finding_rows(docs))
    _table(details, FINDING_HEADERS, rows)
    _decision_list(details, FINDING_HEADERS.index(DECISION_COLUMN) + 1, len(rows))
    if absent is not None:
        _table(wb.create_sheet(ROUND_SHEET), ROUND_HEADERS, round_rows(docs, absent))
    template = default_template()
    write_totals(wb.create_sheet("全区合计"), docs, template)
    if missing is not None:
        rows = [(m.name, m.credit_code or "", m.file) for m in missing]
        _table(wb.create_sheet("上年报送本年未报送"), ("机关名称", "统一社会信用代码", "上年报告"), rows)
    _table(wb.create_sheet("未校验的文件"), ("文件", "原因"), [(s.name, s.reason) for s in skipped])
    for ws in wb.worksheets:
        _print_setup(ws)
    wb.save(path)


def _print_setup(ws: Worksheet) -> None:
    """Print landscape on A4, all columns on one page width (tables repeat their header row: `_table`)."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = True


def _agencies(ws: Worksheet, docs: Sequence[dict]) -> None:
    with_coverage = any(coverage(d) for d in docs)
    headers = ("机关名称", "统一社会信用代码", "报告年度", "层级", "类别", "模板", "状态")
    headers += (*(SEVERITY_ZH[s] for s in SEVERITIES), *(("已运行检查",) if with_coverage else ()))
    with_round = any(d.get("round") for d in docs)
    headers += tuple(title for _, title in ROUND_COLUMNS) if with_round else ()
    headers += ("主要错误", "标注副本", "文件")
    rows = []
    for d in docs:
        row = [agency(d, k) for k in ("agency_name", "credit_code", "report_year", "agency_level", "agency_type")]
        row += [d.get("template") or "", status(d), *(d["counts"][s] for s in SEVERITIES)]
        row += [coverage(d)] if with_coverage else []
        row += list(round_counts(d) or ("",) * len(ROUND_COLUMNS)) if with_round else []
        rows.append((*row, first_errors(d), "打开" if d.get("annotated") else "", d["file"]))
    _table(ws, headers, rows)
    status_col, link_col = headers.index("状态") + 1, headers.index("标注副本") + 1
    for i, d in enumerate(docs, 2):
        cell = ws.cell(i, status_col)
        cell.fill = _STATUS_FILL.get(cell.value, _UNREADABLE_FILL)
        if d.get("annotated"):
            link = ws.cell(i, link_col)
            link.hyperlink, link.font = d["annotated"], _LINK_FONT


def _decision_list(ws: Worksheet, col: int, rows: int) -> None:
    """The office's column: a list of 接受 / 退回 on every row of findings, and a note saying what it does."""
    letter = column_letter(col)
    choice = DataValidation(type="list", formula1='"接受,退回"', allow_blank=True, showErrorMessage=True)
    choice.error, choice.errorTitle = "请选择「接受」或「退回」。", "处理意见"
    choice.prompt = "接受：该问题下一轮不再计入；退回：请单位改正。下一轮用 nianbao batch --decisions 本文件 沿用。"
    choice.showInputMessage = True
    choice.add(f"{letter}2:{letter}{max(rows, 1) + 1}")
    ws.add_data_validation(choice)


ROUND_SHEET = "本轮变化"
ROUND_HEADERS = ("机关名称", "统一社会信用代码", "状态", *(title for _, title in ROUND_COLUMNS), "文件", "上一轮文件")


def round_rows(docs: Sequence[dict], absent: Sequence[Missing]) -> list[tuple]:
    """One row per report compared with the previous round, then one per agency that did not resubmit."""
    rows = [
        (agency(d, "agency_name") or "", agency(d, "credit_code") or "", status(d), *counts, d["file"],
         d["round"]["previous"] or "（上一轮无该单位）")
        for d in docs
        if (counts := round_counts(d)) is not None
    ]  # fmt: skip
    blank = ("",) * len(ROUND_COLUMNS)
    return rows + [(m.name, m.credit_code or "", NOT_RESUBMITTED, *blank, "", m.file) for m in absent]


def _by_rule(docs: Sequence[dict]) -> list[tuple]:
    rules = every_rule()
    agencies: Counter[str] = Counter()
    findings: Counter[str] = Counter()
    for d in docs:
        codes = [f["rule"] for f in d["findings"]]
        findings.update(codes)
        agencies.update(set(codes))
    rows = []
    for code, n in sorted(agencies.items(), key=lambda kv: (-kv[1], kv[0])):
        rule = rules.get(code)
        severity, family, summary = (SEVERITY_ZH[rule.severity], rule.family, rule.summary) if rule else ("", "", "")
        rows.append((code, severity, family, summary, n, findings[code]))
    return rows


def put(ws: Worksheet, row: int, col: int, value: object, alignment: Alignment | None) -> None:
    """Write a value; text from submissions stays text even when it starts like a formula."""
    if isinstance(value, str):
        value = printable(value)
    cell = ws.cell(row, col, value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl takes "=…" for a formula; a submission's text must never run
    if alignment is not None:
        cell.alignment = alignment


def _table(ws: Worksheet, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A table with a frozen, filtered header row and columns as wide as their content (up to MAX_WIDTH).

    Text wider than a column wraps; the other cells of such a row are aligned to its top. Rows of one line need no
    alignment, which saves most of the time openpyxl spends on styles.
    """
    widths = [display_width(h) for h in headers]
    for col, title in enumerate(headers, 1):
        cell = ws.cell(1, col, title)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    for r, row in enumerate(rows, 2):
        shown = [display_width(str(value)) for value in row]
        tall = any(width > MAX_WIDTH for width in shown)
        for col, (value, width) in enumerate(zip(row, shown), 1):
            put(ws, r, col, value, (_WRAP if width > MAX_WIDTH else _TOP) if tall else None)
            widths[col - 1] = max(widths[col - 1], width)
    for col, width in enumerate(widths, 1):
        ws.column_dimensions[column_letter(col)].width = min(width + 2, MAX_WIDTH)
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"  # the header on every printed page
    ws.auto_filter.ref = f"A1:{column_letter(len(headers))}{len(rows) + 1}"
