"""汇总.xlsx: one row per workbook, failures by rule, every finding, 全区合计, and what was left out.

Written with XlsxWriter: a batch of 2,000 workbooks makes ~94k cells, which openpyxl took ~1.7 s to build and save
(a Python object and a style lookup per cell); XlsxWriter writes them in a third of that.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from validator.batch.outcome import Outcome
from validator.batch.rounds import Absent
from validator.batch.rows import (
    FAILED,
    FINDING_HEADERS,
    NOT_RESUBMITTED,
    PASSED,
    ROUND_COLUMNS,
    ROUND_HEADERS,
    absent_file,
    agency,
    agency_of_each,
    compared_with,
    coverage,
    every_rule,
    finding_rows,
    first_errors,
    round_counts,
    rule_agencies,
    status,
)
from validator.batch.totals import write_totals
from validator.findings import SEVERITIES, SEVERITY_ZH
from validator.names import PRIMARY_FILL
from validator.rounds.load import DECISION_COLUMN, DETAILS_SHEET
from validator.spec import default_template
from validator.text import display_width, printable

MAX_WIDTH = 60.0
LINK_COLOUR = "#0563C1"
LONGEST_LINK = 2000  # Excel refuses links over 2,080 characters (XlsxWriter raises), escaping included
HEADER = {"bold": True, "pattern": 1, "bg_color": "#F2F2F2"}
_STATUS_FILL = {PASSED: "#C6EFCE", FAILED: "#" + PRIMARY_FILL["error"]}
_UNREADABLE_FILL = "#D9D9D9"
_TOP = {"valign": "top"}
_WRAP = {"valign": "top", "text_wrap": True}
# What 问题明细's 处理意见 column says when selected: where the decisions typed there take effect (batch's own folder).
DECISIONS_NOTE = "接受：该问题下一轮不再计入；退回：请单位改正。下一轮 nianbao batch --since 本结果目录 即沿用。"


@dataclass(frozen=True)
class Styled:
    """A cell with a look of its own on top of its row's alignment: a fill, or a link to a file beside 汇总.xlsx."""

    value: object
    fill: str | None = None
    link: str | None = None


class Formats:
    """XlsxWriter formats by their properties, each made once (a workbook holds a few dozen at most)."""

    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        self._wb = wb
        self._made: dict[tuple, object] = {}
        self._styled: dict[tuple, object | None] = {}

    def __call__(self, props: dict[str, object]) -> object | None:
        if not props:
            return None
        key = tuple(sorted(props.items()))
        if key not in self._made:
            self._made[key] = self._wb.add_format(props)
        return self._made[key]

    def styled(self, look: dict[str, object], fill: str | None, linked: bool) -> object | None:
        """The format of a `Styled` cell on top of its row's `look`: its fill, a link's colour and underline; found
        once for each (look, fill, link) (a table has a styled cell on every row)."""
        key = (tuple(look.items()), fill, linked)
        if key not in self._styled:
            look = look | ({"pattern": 1, "bg_color": fill} if fill else {})
            self._styled[key] = self(look | ({"font_color": LINK_COLOUR, "underline": 1} if linked else {}))
        return self._styled[key]


def write_summary(path: Path, outcome: Outcome, decisions_note: str = DECISIONS_NOTE) -> None:
    """Write 汇总.xlsx to `path`; `decisions_note`: what the 处理意见 column says of how its decisions are used."""
    docs, skipped, missing, absent = outcome.docs, outcome.skipped, outcome.missing, outcome.absent
    # Every value is written by type (text with write_string), so nothing a submission typed can become a formula.
    wb = xlsxwriter.Workbook(str(path), {"nan_inf_to_errors": True})
    formats = Formats(wb)
    _agencies(wb.add_worksheet("汇总"), formats, docs)
    rule_headers = ("规则", "级别", "类别", "说明", "涉及单位数", "问题数")
    _table(wb.add_worksheet("规则统计"), formats, rule_headers, _by_rule(docs))
    details = wb.add_worksheet(DETAILS_SHEET)
    rows = list(finding_rows(docs))
    _table(details, formats, FINDING_HEADERS, rows)
    _decision_list(details, FINDING_HEADERS.index(DECISION_COLUMN), len(rows), decisions_note)
    if outcome.compared:
        _table(wb.add_worksheet(ROUND_SHEET), formats, ROUND_HEADERS, round_rows(docs, absent or ()))
    carried = [d for a in absent or () for d in a.carried]  # each agency's latest report of an earlier round
    write_totals(wb.add_worksheet("全区合计"), formats, docs, default_template(), carried)
    if missing is not None:
        rows = [(m.name, m.credit_code or "", m.file) for m in missing]
        _table(wb.add_worksheet("上年报送本年未报送"), formats, ("机关名称", "统一社会信用代码", "上年报告"), rows)
    _table(wb.add_worksheet("未校验的文件"), formats, ("文件", "原因"), [(s.name, s.reason) for s in skipped])
    for ws in wb.worksheets():
        _print_setup(ws)
    wb.close()


def _print_setup(ws: Worksheet) -> None:
    """Print landscape on A4, all columns on one page width (tables repeat their header row: `_table`)."""
    ws.set_paper(9)  # A4
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.hide_gridlines(0)  # gridlines on screen and on paper


def _agencies(ws: Worksheet, formats: Formats, docs: Sequence[dict]) -> None:
    with_coverage = any(coverage(d) for d in docs)
    headers = ("机关名称", "统一社会信用代码", "报告年度", "层级", "类别", "模板", "状态")
    headers += (*(SEVERITY_ZH[s] for s in SEVERITIES), *(("已运行检查",) if with_coverage else ()))
    with_round = any(d.get("round") for d in docs)
    headers += tuple(title for _, title in ROUND_COLUMNS) if with_round else ()
    headers += ("主要错误", "标注副本", "文件")
    rows = []
    for d in docs:
        state = status(d)
        row = [agency(d, k) for k in ("agency_name", "credit_code", "report_year", "agency_level", "agency_type")]
        row += [d.get("template") or "", Styled(state, fill=_STATUS_FILL.get(state, _UNREADABLE_FILL))]
        row += [d["counts"][s] for s in SEVERITIES]
        row += [coverage(d)] if with_coverage else []
        row += list(round_counts(d) or ("",) * len(ROUND_COLUMNS)) if with_round else []
        copy = Styled("打开", link=d["annotated"]) if d.get("annotated") else ""
        rows.append((*row, first_errors(d), copy, d["file"]))
    _table(ws, formats, headers, rows)


def _decision_list(ws: Worksheet, col: int, rows: int, note: str) -> None:
    """The office's column: a list of 接受 / 退回 on every row of findings, and `note` saying what it does."""
    choice = {
        "validate": "list",
        "source": ["接受", "退回"],
        "ignore_blank": True,
        "show_input": True,
        "input_message": note,
        "show_error": True,
        "error_title": "处理意见",
        "error_message": "请选择「接受」或「退回」。",
    }
    ws.data_validation(1, col, max(rows, 1), col, choice)


ROUND_SHEET = "本轮变化"


def round_rows(docs: Sequence[dict], absent: Sequence[Absent]) -> list[tuple]:
    """One row per report compared with an earlier round, then one per agency of earlier rounds that did not
    resubmit, with the round it last submitted in."""
    rows = [
        (agency(d, "agency_name") or "", agency(d, "credit_code") or "", status(d), *counts, d["file"],
         d["round"].get("previous_round") or "", compared_with(d))
        for d in docs
        if (counts := round_counts(d)) is not None
    ]  # fmt: skip
    blank = ("",) * len(ROUND_COLUMNS)
    return rows + [
        (m.name, m.credit_code or "", NOT_RESUBMITTED, *blank, "", m.last_round, absent_file(m)) for m in absent
    ]


def _by_rule(docs: Sequence[dict]) -> list[tuple]:
    rules = every_rule()
    agencies = rule_agencies(docs, agency_of_each(docs))
    findings = Counter(f["rule"] for d in docs for f in d["findings"])
    rows = []
    for code, n in sorted(agencies.items(), key=lambda kv: (-kv[1], kv[0])):
        rule = rules.get(code)
        severity, family, summary = (SEVERITY_ZH[rule.severity], rule.family, rule.summary) if rule else ("", "", "")
        rows.append((code, severity, family, summary, n, findings[code]))
    return rows


def put(ws: Worksheet, row: int, col: int, value: object, fmt: object | None) -> None:
    """Write a value (0-based row and column) by its type: text from submissions stays text, even when it starts
    like a formula; a blank cell is written only when it has a format (a tall row's alignment)."""
    if isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, value, fmt)
    elif value is None or value == "":
        if fmt is not None:
            ws.write_blank(row, col, None, fmt)
    else:
        ws.write_string(row, col, printable(str(value)), fmt)


def _put_styled(ws: Worksheet, formats: Formats, row: int, col: int, cell: Styled, look: dict[str, object]) -> None:
    linked = bool(cell.link) and len(cell.link) < LONGEST_LINK
    fmt = formats.styled(look, cell.fill, linked)
    if linked:
        ws.write_url(row, col, "external:" + cell.link, fmt, printable(str(cell.value)))
    else:  # a copy's path longer than Excel takes for a link is shown as text
        put(ws, row, col, cell.link or cell.value, fmt)


def width(value: object) -> float:
    """The display width of a cell's text, exact up to MAX_WIDTH (a longer text wraps in a column that wide)."""
    text = str(value.value if isinstance(value, Styled) else "" if value is None else value)
    return MAX_WIDTH + 1 if len(text) > MAX_WIDTH else display_width(text)


class _Texts(dict[str, tuple[str, float]]):
    """Each distinct text of a table: what its cell holds (`printable`) and its `width`, found once (most of a
    table's cells repeat a few values: statuses, years, counts' blanks)."""

    def __missing__(self, text: str) -> tuple[str, float]:
        self[text] = known = (printable(text), width(text))
        return known


def _table(ws: Worksheet, formats: Formats, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A table with a frozen, filtered header row repeated on every printed page, and columns as wide as their
    content (up to MAX_WIDTH).

    Text wider than a column wraps; the other cells of such a row are aligned to its top. Rows of one line need no
    alignment.
    """
    widths = [display_width(h) for h in headers]
    header = formats(HEADER)
    for col, title in enumerate(headers):
        ws.write_string(0, col, title, header)
    looks = {(False, False): {}, (True, False): _TOP, (True, True): _WRAP}
    made = {key: formats(look) for key, look in looks.items()}
    texts = _Texts()
    write_string = ws.write_string
    for r, row in enumerate(rows, 1):
        # Text (most cells) by its entry in `texts`; any other value as `put` and `width` take it.
        shown = [texts[value] if type(value) is str else (value, width(value)) for value in row]
        tall = max(w for _, w in shown) > MAX_WIDTH
        for col, (value, w) in enumerate(shown):
            fmt = made[tall, tall and w > MAX_WIDTH]
            if type(value) is str and value:  # `value` is the printable text here
                write_string(r, col, value, fmt)
            elif isinstance(value, Styled):
                _put_styled(ws, formats, r, col, value, looks[tall, tall and w > MAX_WIDTH])
            else:
                put(ws, r, col, value, fmt)
            if w > widths[col]:
                widths[col] = w
    for col, w in enumerate(widths):
        ws.set_column(col, col, min(w + 2, MAX_WIDTH))
    ws.freeze_panes(1, 0)
    ws.repeat_rows(0)  # the header on every printed page
    ws.autofilter(0, 0, len(rows), len(headers) - 1)
