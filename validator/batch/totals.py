"""The 全区合计 sheet: the official 表二/表三/表四 with every figure summed over the reports that passed, one per
agency and only of the batch's 报告年度, and below the tables every report left out and why. With --since, an agency
that did not resubmit counts with its latest report of an earlier round."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import add, itemgetter

from xlsxwriter.worksheet import Worksheet

from validator.agency import Agency, Identity, agencies
from validator.batch.findings import agency_keys, report_year
from validator.batch.rounds import SUBMITTED_IN
from validator.batch.rows import PASSED, status
from validator.cellref import coordinate
from validator.forms.layout import sheet_layout
from validator.forms.look import NUMBER_FORMATS, column_widths, xlsxwriter_properties
from validator.spec.model import NUMERIC_KINDS, Template
from validator.text import printable

NOTE_ROWS = 3  # the explanation above the tables
TITLE = {"font_name": "Cambria", "font_size": 18, "bold": True, "font_color": "#1F497D"}  # Excel's "Title" style


@dataclass(frozen=True)
class LeftOut:
    """A report not summed, and why (Chinese)."""

    file: str
    reason: str


def batch_year(docs: Sequence[dict]) -> int | None:
    """The batch's 报告年度: the most common among the reports read (of equally common years, the latest)."""
    years = Counter(y for d in docs if d.get("status") == "checked" and (y := report_year(d)) is not None)
    return max(years, key=lambda y: (years[y], y)) if years else None


def included(docs: Sequence[dict], template: Template) -> tuple[list[dict], list[LeftOut]]:
    """The reports summed, and the others with the reason each is left out.

    Summed: reports of the batch's year (`batch_year`), one per agency, checked against `template` without errors.
    An agency is as `agencies` tells (the same 机关名称; without one, the same 统一社会信用代码); a report naming
    neither is of no agency and is not summed (it may be another's copy: summing it could count an agency twice).
    Of an agency's
    reports of that year, the last in the batch's order (the order of the 汇总 sheet) is its report, as the comparisons
    with the previous round and year take it; the earlier ones are left out even when the last one has errors.
    """
    year = batch_year(docs)
    idents = [agency_keys(d) for d in docs]
    keys = agencies(idents)
    last: dict[Agency | None, int] = {}  # each agency's report summed: its index in `docs`
    for i, (doc, key) in enumerate(zip(docs, keys, strict=True)):
        if doc.get("status") == "checked" and report_year(doc) == year and key:
            last[key] = i
    summed, left = [], []
    for i, (doc, key) in enumerate(zip(docs, keys, strict=True)):
        later = last.get(key)
        reason = _left_out(doc, idents[i], year, None if later is None else (docs[later], idents[later]), template)
        if reason:
            left.append(LeftOut(_named(doc), reason))
        else:
            summed.append(doc)
    return summed, left


def _left_out(
    doc: dict, ident: Identity, year: int | None, later: tuple[dict, Identity] | None, template: Template
) -> str | None:
    """Why `doc` (of `agency_keys` `ident`) is not summed (`later`: its agency's report that is, when one is, and
    its keys), or None."""
    if doc.get("status") != "checked":  # one of an earlier round's is not in this round's 汇总
        return (
            f"无法读取（原因见 {doc[SUBMITTED_IN]} 的 汇总.xlsx）"
            if SUBMITTED_IN in doc
            else "无法读取（原因见「汇总」工作表）"
        )
    if report_year(doc) != year:
        given = report_year(doc)
        if given is None:
            return f"未填写报告年度，不能确认属于本批的 {year} 年度"
        return f"报告年度为 {given}，不是本批的 {year} 年度；如填错，请单位改正后重新报送"
    code, name = ident
    if not (code or name):
        return (
            "未填写机关名称和统一社会信用代码，无法确认是哪个单位（也无法判断是否与其他报告重复），请单位补填后重新报送"
        )
    if later is not None and later[0] is not doc:
        same = "机关名称" if name and name == later[1][1] else "统一社会信用代码"
        return f"与 {_named(later[0])} 是同一单位（{same}相同），以排在后面的该份为准；如应以本份为准，请撤下另一份后重新校验"
    if doc.get("template") != template.id:
        return f"不是{template.basis}格式，不能与本格式的报告相加"
    if status(doc) != PASSED:
        return "有错误，改正后重新校验即可纳入合计"
    return None


def _named(doc: dict) -> str:
    """The report's file, and for one of an earlier round the round it was submitted in (as 本轮变化 names it)."""
    if SUBMITTED_IN in doc:
        return f"{doc['file']}（本轮未重新报送，最后报送于 {doc[SUBMITTED_IN]}）"
    return doc["file"]


def totals(docs: Sequence[dict], template: Template) -> dict[str, float]:
    """Sum of every table input over `docs` (unknown values count as 0: a report that passed has none), each added
    in the order of `docs`."""
    keys = [k for k, cell in template.inputs.items() if cell.table and cell.kind in NUMERIC_KINDS]
    if not keys:
        return {}
    pick, sums = itemgetter(*keys), [0.0] * len(keys)
    for values in (d["values"] for d in docs):
        try:  # a report's figures all at once (~200 per report: a loop per figure took half as long again)
            figures = pick(values) if len(keys) > 1 else (pick(values),)  # itemgetter of one key gives the value
            sums = list(map(add, sums, map(float, figures)))
        except (KeyError, TypeError, ValueError):  # a figure missing, unknown (None) or empty: counted as 0
            sums = list(map(add, sums, [float(values.get(k) or 0) for k in keys]))
    return {k: round(total, 6) for k, total in zip(keys, sums, strict=True)}


def write_totals(
    ws: Worksheet,
    formats: Callable[[dict[str, object]], object],
    docs: Sequence[dict],
    template: Template,
    carried: Sequence[dict] = (),
) -> dict[str, str]:
    """Lay the table sheets out one below the other with the sums in the input cells; returns key → cell.

    `carried` (with --since): the reports of the agencies that did not resubmit, of the round each last submitted in
    (SUBMITTED_IN); they are summed and left out by the same rules as this round's, each agency's being its latest.
    `formats` makes the workbook's XlsxWriter format of a set of properties; rows and columns below are 1-based.
    """
    every = [*docs, *carried]  # no agency has both: one of this round's is not carried
    summed, left = included(every, template)
    year = f"{y} 年度" if (y := batch_year(every)) else "本年度"
    ws.write_string(0, 0, f"全区合计（{year}，{template.basis}格式）", formats(TITLE))
    where = f"，每份的原因见合计表下方的「{LEFT_OUT}」" if left else ""
    ws.write_string(
        1,
        0,
        f"纳入合计：{len(summed)} 份（{year}、校验通过，每个单位一份）{_earlier(summed)}；未纳入：{len(left)} 份{where}。",
    )
    rule = (
        "同一单位（机关名称相同，或统一社会信用代码相同而机关名称不冲突）报送了多份的，只计入在「汇总」工作表中排在最后的一份；"
        "其他报告年度的报告、机关名称和统一社会信用代码都未填写的报告不计入。有错误的报告改正后重新校验即可纳入合计。"
    )
    if carried:
        rule += "本轮未重新报送的单位（见「本轮变化」工作表）计入其最后报送的一轮中的报告，规则相同。"
    ws.write_string(2, 0, rule)
    sums = totals(summed, template)
    positions: dict[str, str] = {}
    top, widths = NOTE_ROWS + 1, {}
    for sheet in (s for s in template.sheets if s.tables):
        layout = sheet_layout(sheet)
        for b in layout.blocks:
            look = formats(xlsxwriter_properties(b.role))
            first, last = (b.top + top - 1, b.left - 1), (b.bottom + top - 1, b.right - 1)
            if b.merged:
                ws.merge_range(*first, *last, b.text, look)
            else:
                ws.write_string(*first, b.text, look)
        for slot in layout.slots:
            number = formats({"num_format": NUMBER_FORMATS[template.inputs[slot.key].kind]})
            ws.write_number(slot.row + top - 1, slot.col - 1, sums[slot.key], number)
            positions[slot.key] = coordinate(slot.row + top, slot.col)
        kinds = {slot.key: template.inputs[slot.key].kind for slot in layout.slots}
        for col, width in column_widths(layout, kinds).items():
            widths[col] = max(widths.get(col, 0), width)
        top += max(b.bottom for b in layout.blocks) + 1
    for col, width in widths.items():
        ws.set_column(col - 1, col - 1, width)
    if left:
        _left_out_list(ws, formats, top, left)
    return positions


LEFT_OUT = "未纳入合计的报告"


def _earlier(summed: Sequence[dict]) -> str:
    """How many of the reports summed are of earlier rounds, by the round they were submitted in."""
    rounds = Counter(d[SUBMITTED_IN] for d in summed if SUBMITTED_IN in d)
    if not rounds:
        return ""
    each = "、".join(f"最后报送于 {r} 的 {n} 份" for r, n in rounds.items())
    return f"，其中 {rounds.total()} 份是本轮未重新报送的单位此前报送的（{each}）"


def _left_out_list(
    ws: Worksheet, formats: Callable[[dict[str, object]], object], row: int, left: list[LeftOut]
) -> None:
    """Below the tables, from 0-based `row`: each report left out and why, one line each in column A (the form's
    columns are too narrow for a file's name; the text runs on into the empty cells on its right)."""
    ws.write_string(row, 0, f"{LEFT_OUT}（{len(left)} 份）", formats({"bold": True}))
    for n, item in enumerate(left, row + 1):
        ws.write_string(n, 0, printable(f"{item.file}：{item.reason}"))
