"""Kind `text_number` (TT): a number the report states in words must equal the tables (受理申请2件 vs 表三 新收 3)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING

from validator.findings import Finding
from validator.rules.kinds.base import Param, RuleKind, related, rows_mask
from validator.rules.numerals import NUMBER, number
from validator.rules.statements import Statement, broken_down, owner, phrase, quote, restricted, stated
from validator.spec.model import RuleSpec, SpecError, Template
from validator.text import fmt

if TYPE_CHECKING:  # a spec loads its rule kinds without pandas; checking imports it where it runs
    import pandas as pd

    from validator.rules.context import ReportContext

TOLERANCE = 1e-6
# Words before a number in its clause that make it another period's figure: 较上年, 比去年, 同比, 较2024年…
_COMPARED = re.compile(r"较|相比|同比|环比|比(?:上|去|前|\d)|上年|去年|上一年|前年|往年")
# Words before a number in its sentence that make it a figure of several years or of a whole area ("近三年共收到申请
# 350件", "全县各级行政机关共收到申请1523件"): not this agency's figure of the year, unless the sentence returns to
# this year or this agency after them ("近三年共收到申请350件，其中本年度收到128件"). 累计 after 本年/全年/…年 is the
# year's own total ("全年累计受理申请128件").
_ELSEWHERE = re.compile(
    r"近(?:[一二两三四五六七八九十]|\d{1,2})年|近年来|历年|(?<![年度])累计|各级|全系统|全(?:省|自治区|市|州|盟|县|区|旗)"
)
_THIS_YEAR = re.compile(r"本年|今年|当年|全年|本机关|本单位")
_YEAR = re.compile(r"(?<!\d)(\d{4})\s*年")  # a year its words name: "2024年结转3件"
# The time a sentence gives its figures, before a statement: a year by its number, this year, or the years before it
# ("2024年收到申请42件", "上一年度，本机关收到申请42件"), the last one named before the statement; not a year compared
# with (较上年, 与2024年相比), bounding a period (截至2024年, 至2025年), of an event (2019年修订, 2008年5月1日起施行),
# of a report or its format (上年度年报, 2021年版格式), nor 上年 of 上年结转 (the applications carried over, a column of this year's table).
# 全年 and 当年 name no year of their own ("2024年全年收到…").
_TIME = re.compile(
    r"(?<![较比与同至到止])(?:(?<!\d)(?P<year>\d{4})\s*年|(?P<this>本年|今年)|(?P<last>上一?年|去年)|(?P<two>前年))"
    r"(?!度?(?:\d{1,2}月(?:\d{1,2}日)?)?(?:以来|起|修订|修正|印发|发布|颁布|施行|实施|出台|结转|年报|报告|版|格式|同期相比))"
)
# A statement that is what another figure is compared with: "与2024年收到的申请42件相比"
_COMPARED_WITH = re.compile(r"^[^，,。；;\d]{0,4}?(?:相比|相较|比较)")
# The year a rule's figure is of, as its statements name it, from the report's year: 上年 for the applications
# carried over from the year before ("2024年结转3件" in the 2025 report)
YEARS = {"本年": 0, "上年": -1}
_SUBJECT = "{subject}"  # in a phrase: the rule's `subject`
# A sum written after the parts it adds up, in their sentence: "自然人申请39件、法人或其他组织申请15件，共计54件"
_SUM = re.compile(rf"[，,、]\s*(?:共计|合计|总计|总共|一共|共)\s*(?P<n>{NUMBER})\s*(?:件|个|宗|条|份|起|次)")


@cache
def text_fields(template: Template) -> tuple[str, ...]:
    """The report's text, where statements are looked for: its text sections (一、五、六), then the text a published
    report writes under its table sections (二、三、四)."""
    return (*(k for k, f in template.fields.items() if f.kind == "longtext"), *template.section_texts)


@cache
def year_field(template: Template) -> str | None:
    """The report year's field (its cover's; a published report's title names it)."""
    return next((k for k, f in template.fields.items() if f.kind == "year"), None)


def _contradictions(
    row: Mapping[str, object],
    rule: RuleSpec,
    fields: Sequence[str],
    year: str | None,
    blank: frozenset[str] = frozenset(),
) -> list[tuple[str, Statement, float]]:
    """(text field, statement, table value) for every statement that differs from the tables; none when a table
    cell is `blank` (counted as 0 in sums, but TY01/TY02 and the equations say what it should be, not the text).
    `year` is the field holding the report's year, which a statement naming a year must fit."""
    table = [float(row[k]) for k in rule.params["cells"]]
    if any(math.isnan(v) for v in table) or not blank.isdisjoint(rule.params["cells"]):
        return []  # a table value is unknown: structure or value findings say why
    total = math.fsum(table)
    p = rule.params
    reported = row.get(year) if year else None
    report_year = int(reported) if isinstance(reported, int | float) and reported == reported else None
    return [
        (key, s, total)
        for key in fields
        if isinstance(row[key], str)
        for s in _claims([s for s in statements(row[key], p) if _of_year(s, report_year, p["year"])], total)
        if abs(s.value - total) > TOLERANCE
    ]


def _of_year(s: Statement, report_year: int | None, year: str) -> bool:
    """Whether a statement may be of the rule's `year` in the report of `report_year` (None: not known): the first
    year its words name, if any, is that year ("2025年结转3件" in the 2025 report is no carry-over from the year
    before), and the time its sentence gives before it, if any, is the report's year ("2024年收到申请42件",
    "上一年度，本机关收到申请42件" are last year's figures)."""
    named = _YEAR.search(s.words)
    if report_year is not None and named is not None and int(named[1]) != report_year + YEARS[year]:
        return False
    times = list(_TIME.finditer(s.head))
    if not times:
        return True
    time = times[-1]
    if time["year"]:
        return report_year is None or int(time["year"]) == report_year
    return bool(time["this"])


def statements(text: str, params: Mapping[str, object]) -> list[Statement]:
    """The numbers a text states for a rule: those its phrases find, but for a total of more than the rule's figure,
    as the words after it say (its `totals`: "共受理申请57件，其中新收54件、上年结转3件"), and for a part of it or
    of something else (`_part`)."""
    found = stated(text, params["phrases"], params["zero_phrases"])
    return [s for s in found if not any(phrase(t).match(s.tail) for t in params["totals"]) and not _part(s, params)]


def _part(s: Statement, params: Mapping[str, object]) -> bool:
    """Whether a statement counts only a part of what the rule's figure counts: its words restrict it by subject or
    after 其中, 含, 包括 or an open parenthesis ("涉及征地拆迁的申请20件", "其中涉企行政许可856件", "（含通过信函收到的
    申请3件）"), or by the rule's `parts` ("收到自然人申请39件"),
    or it stands in a 含/其中 clause or parenthesis after `others` ("行政复议4件（含上年结转1件）")."""
    return (
        restricted(s)
        or any(phrase(p).search(s.before + s.words) for p in params["parts"])
        or bool(params["others"] and any(phrase(p).search(owner(s)) for p in params["others"]))
    )


def _claims(found: list[Statement], total: float) -> list[Statement]:
    """The statements that claim this year's figure: not one compared with another period ("较2024年收到的申请47
    件", "与2024年收到的申请42件相比") nor one of several years or a whole area ("近三年共收到申请350件"), nor one in
    a breakdown (其中, 从…看, 含, 包括, a parenthesis) of a statement before it in its sentence, nor any of a sentence that states the
    figure itself, as a statement or as the sum written after them ("网上收到申请30件，另有信函24件，共计54件"), or
    parts adding up to it ("网上收到申请30件，信函收到申请24件")."""
    by_sentence: dict[int, list[Statement]] = {}
    for s in found:
        if not _COMPARED.search(s.before) and not _COMPARED_WITH.match(s.tail) and not _elsewhere(s.head):
            said = by_sentence.setdefault(s.sentence, [])
            if not (said and broken_down(s, said[0])):  # a part of the figure stated before it
                said.append(s)
    return [
        s
        for said in by_sentence.values()
        if not any(abs(v - total) <= TOLERANCE for v in [*(s.value for s in said), *_sums(said)])
        and not (len(said) > 1 and abs(math.fsum(s.value for s in said) - total) <= TOLERANCE)
        for s in said
    ]


def _sums(said: list[Statement]) -> list[float]:
    """The sums a sentence writes after its statements ("…，共计54件")."""
    return [v for s in said for m in _SUM.finditer(s.tail) if (v := number(m["n"])) is not None]


def _elsewhere(head: str) -> bool:
    """Whether the words before a statement in its sentence last name several years or a whole area."""
    other = [m.end() for m in _ELSEWHERE.finditer(head)]
    return bool(other) and not any(m.start() >= other[-1] for m in _THIS_YEAR.finditer(head))


def mask(frame: pd.DataFrame, rule: RuleSpec, template: Template) -> pd.DataFrame:
    # Every text column, filled or not: _contradictions reads only the texts a row has (a workbook has no text under
    # its tables), and telling the empty columns apart cost each rule more than its statements.
    fields = text_fields(template)
    year = year_field(template) if year_field(template) in frame else None
    keys = [*rule.params["cells"], *fields, *([year] if year else [])]
    return rows_mask(frame, keys, lambda row: not _contradictions(row, rule, fields, year))


def describe(rule: RuleSpec, _failed: Sequence[int], ctx: ReportContext) -> list[Finding]:
    cells = rule.params["cells"]
    where = "＋".join(ctx.where(k) for k in cells)
    out = []
    template = ctx.located.template
    for key, s, total in _contradictions(ctx.values, rule, text_fields(template), year_field(template), ctx.blank):
        message = (
            f"{ctx.text_where(key, s.at)}写“{quote(s.words)}”（{fmt(s.value)}），但{where} = {fmt(total)}。"
            f"{rule.summary}。请核对后修改正文或表格，使两者一致。"
        )
        out.append(
            Finding(
                rule.code, rule.severity, message, ctx.cell(key, s.at), related(cells, ctx, "表格数据"), total, s.value
            )
        )
    return out


def detail(rule: RuleSpec, template: Template) -> str:
    cells = "＋".join(f"「{template.inputs[k].label}」" for k in rule.params["cells"])
    example = rule.params["totals_example"]
    totals = f"，注明了含有其他部分的合计数（如“{example}”中的合计数，其后所写的各部分照常比较）" if example else ""
    parts = "".join(
        f"“{rule.params[f'{name}_example']}”" for name in ("parts", "others") if rule.params[f"{name}_example"]
    )
    year = (
        "；写明了年份的（如“2024年结转3件”），只在该年份为报告年度的上一年时比较"
        if rule.params["year"] == "上年"
        else ""
    )
    names = rule.params["subject_names"]
    named = f"，申请人写作{''.join(f'“{n}”' for n in names)}的都按此比较" if names else ""
    return (
        f"正文（包括写在二、三、四部分标题之下、表格之外的文字）所述的数字应等于 {cells}（如“{rule.params['example']}”{named}）；"
        "以“其中”或“从申请主体看”“从申请方式看”等开头的句子与同一段中的前一句合起来读"
        "（“……共58件。其中，……”“……共54件。从申请主体看，……”），前面已写出该数字的，其后分项（以“其中”“含”“包括”"
        "或括号写出的）中的同类数字是它的一部分，不另外比较（如“共收到申请54件。从申请方式看，网上收到申请30件，信函收到申请24件”"
        "“共收到申请54件（含通过信函收到的申请3件）”）；"
        "句中在数字之前写明是其他年份的数字（“2024年收到…”“上一年度，本机关…”“去年…”；“上年结转”是本年表格中的一栏，照常比较）、"
        "与往年比较的数字（“较上年…”“与2024年收到的…相比”），几年合计或整个地区的数字（“近三年共…”“历年累计…”“全县各级行政机关共…”）"
        f"{totals}，只统计其中一部分的数字（限定了内容的，如“涉及征地拆迁的…”“其中涉企…”{'，又如' + parts if parts else ''}），"
        "以及同一句中写出了该数字（包括写在各分项之后的合计，如“…，共计54件”）或加起来等于它的各分项数字，"
        f"不算不一致{year}；"
        "表格中的该数字为空或填了占位符的，不与正文比较（由数值规则和勾稽关系指出应填的数字）"
    )


def prepare(rule: RuleSpec, _template: Template, where: str) -> RuleSpec:
    """The rule's `subject` put for "{subject}" in its phrases (rules of several subjects share one list of
    phrases); every phrase must compile, and a number phrase must say where the number is."""
    phrases = rule.params["phrases"]
    if any(_SUBJECT in p for p in phrases) and not rule.params["subject"]:
        raise SpecError(f"{where}.phrases: 短语中有「{_SUBJECT}」，但规则没有给出 subject")
    subject = f"(?:{rule.params['subject']})"
    rule = replace(rule, params={**rule.params, "phrases": tuple(p.replace(_SUBJECT, subject) for p in phrases)})
    for i, name in enumerate(rule.params["subject_names"]):
        if not re.fullmatch(subject, name):
            raise SpecError(f"{where}.subject_names[{i}]: 「{name}」不符合 subject，请修改 subject 或删去该名称")
    for name in ("phrases", "zero_phrases", "totals", "parts", "others"):
        for i, pattern in enumerate(rule.params[name]):
            if name == "phrases" and "{n}" not in pattern:
                raise SpecError(f"{where}.{name}[{i}]: 缺少表示数字的「{{n}}」")
            try:
                phrase(pattern)
            except Exception as exc:  # re.error, or a named group used twice
                raise SpecError(f"{where}.{name}[{i}]: 不是有效的正则表达式（{exc}）") from exc
    if not statements(rule.params["example"], rule.params):
        raise SpecError(f"{where}.example: 示例句子「{rule.params['example']}」没有被任何短语识别")
    if (total := rule.params["totals_example"]) and not statements(total, {**rule.params, "totals": ()}):
        raise SpecError(f"{where}.totals_example: 示例句子「{total}」没有被任何短语识别")
    if total and len(statements(total, rule.params)) == len(statements(total, {**rule.params, "totals": ()})):
        raise SpecError(f"{where}.totals_example: 示例句子「{total}」中的合计数没有被 totals 识别")
    for name in ("parts", "others"):
        if not (part := rule.params[f"{name}_example"]):
            continue
        if not statements(part, {**rule.params, name: ()}):
            raise SpecError(f"{where}.{name}_example: 示例句子「{part}」没有被任何短语识别")
        if statements(part, rule.params):
            raise SpecError(f"{where}.{name}_example: 示例句子「{part}」中的数字没有被 {name} 识别为部分数字")
    return rule


KIND = RuleKind(
    "text_number",
    (
        Param("cells", "cells"),
        Param("phrases", "texts"),
        Param("zero_phrases", "texts", required=False, default=()),
        # the words after a number, from its start, that make it a total of more than the rule's figure
        Param("totals", "texts", required=False, default=()),
        Param("totals_example", "text", required=False, default=""),  # a sentence stating such a total
        # words in a statement or its clause before it that make it a part of the rule's figure (an applicant type)
        Param("parts", "texts", required=False, default=()),
        Param("parts_example", "text", required=False, default=""),  # a sentence stating such a part
        # words naming other things counted, whose 含/其中 clauses and parentheses count parts of those things
        Param("others", "texts", required=False, default=()),
        Param("others_example", "text", required=False, default=""),  # a sentence stating such a part
        Param("example", "text"),
        # what the figure counts, put for "{subject}" in the phrases (a regular expression: 自然人, (?:商业)?企业)
        Param("subject", "text", required=False, default=""),
        # the words reports use for the subject, as the rule reference names them: each is what `subject` matches
        Param("subject_names", "texts", required=False, default=()),
        # the year of the figure, which a year named in a statement's words must be: the report's or the one before
        Param("year", "choice", required=False, default="本年", choices=tuple(YEARS)),
    ),
    mask=mask,
    describe=describe,
    detail=detail,
    prepare=prepare,
)
