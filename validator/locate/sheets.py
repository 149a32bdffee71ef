"""Which workbook sheet holds each spec sheet: every sheet scored by the labels only that spec sheet has, those
holding it (not merely naming a few of its labels) ranked, and ST10 when the one taken is hidden or copies exist;
ST12 when the sheets not read are another agency's report."""

from __future__ import annotations

import re
from dataclasses import dataclass

from validator.agency import agencies, identity
from validator.cellref import CellRef
from validator.labels import normalize
from validator.locate.matching import SheetIndex
from validator.locate.report import Located, LocatedReport
from validator.locate.tables import table_fit
from validator.locate.title import AGENCY_FIELD, find_title
from validator.sources.grid import SheetGrid, Uncached
from validator.sources.uncached import calculated_formulas, refers_to
from validator.spec.model import Sheet, Template


def _sheet_labels(spec: Sheet) -> set[str]:
    labels = {normalize(spec.title)} | {normalize(f.label) for f in spec.fields}
    for t in spec.tables:
        labels |= {normalize(x.label) for x in (*t.row_leaves, *t.column_leaves)}
        labels |= {normalize(x) for x in (t.caption, t.corner) if x}
    return labels - {""}


# A section heading's own numbering: "一、", "（一）", "1.", "第一部分" (reports number their sections otherwise too).
_SECTION_NUMBER = re.compile(r"^(?:[（(]?[一二三四五六七八九十\d]+[)）.、]?|第[一二三四五六七八九十]+部分)\s*")


def _unnumbered(labels) -> set[str]:
    """Labels without a leading section number, those of at least four characters left (a heading, not "1.其他")."""
    return {rest for label in labels if len(rest := _SECTION_NUMBER.sub("", label)) >= 4}


def distinct_labels(template: Template) -> dict[str, set[str]]:
    """The labels of each spec sheet no other spec sheet has, by its name."""
    labels = {s.name: _sheet_labels(s) for s in template.sheets}
    return {n: ls - set().union(*(o for m, o in labels.items() if m != n)) for n, ls in labels.items()}


@dataclass(frozen=True)
class Candidate:
    """A workbook sheet showing labels only one spec sheet has: how many, and whether it bears that sheet's name."""

    spec: str
    index: SheetIndex
    position: int  # the sheet's place in the workbook
    hits: int
    named: bool

    @property
    def rank(self) -> tuple[int, int]:
        """Higher is better: its distinctive labels, more for the spec sheet's name and more again for a visible
        sheet (a clerk edits a visible copy and hides the stale original, whatever their names), then the earlier.
        Only sheets holding the spec sheet are ranked (`holding`): one with a few of its labels never wins over one
        holding its tables for being visible or named."""
        return self.hits + (3 if self.named else 0) + (5 if self.index.sheet.visible else 0), -self.position


def candidates(indexes: list[SheetIndex], template: Template) -> list[Candidate]:
    """Every (spec sheet, workbook sheet) pair scored by the labels only that spec sheet has (so 表四 never claims
    表三 for their shared 总计), best first."""
    distinct = distinct_labels(template)
    unnumbered = {n: _unnumbered(ls) for n, ls in distinct.items()}
    texts = [{text for _, _, text in index.labels} for index in indexes]
    texts_unnumbered = [_unnumbered(t) for t in texts]  # for a spec sheet none of whose labels is there as written
    out = []
    for spec in template.sheets:
        for position, index in enumerate(indexes):
            hits = len(distinct[spec.name] & texts[position]) or len(unnumbered[spec.name] & texts_unnumbered[position])
            if hits:
                named = normalize(index.sheet.name) == normalize(spec.name)
                out.append(Candidate(spec.name, index, position, hits, named))
    return sorted(out, key=lambda c: (c.rank[0], c.spec, *c.rank[1:]), reverse=True)


def holding(found: list[Candidate], template: Template) -> list[Candidate]:
    """The candidates holding their spec sheet whole or in good part, best first: where several sheets show its
    labels, those holding at least half as much of it as the sheet holding most (copies of it, edited or not),
    never a sheet merely naming a few of its labels (a note, a ledger of cases, a helper sheet of figures), however
    many other spec sheets the sheet holding it holds too (all tables stacked on one sheet). How much: the inputs of
    its tables the sheet holds (validator.locate.tables.table_fit), or its labels for a sheet of fields."""
    specs = {s.name: s for s in template.sheets}
    kept = set(found)
    for name in {c.spec for c in found}:
        group = [c for c in found if c.spec == name]
        if len(group) < 2:
            continue
        spec = specs[name]
        fits = {c: sum(table_fit(c.index, t, template) for t in spec.tables) if spec.tables else c.hits for c in group}
        most = max(fits.values())
        kept -= {c for c, fit in fits.items() if 2 * fit < most}
    return [c for c in found if c in kept]


def assign_sheets(held: list[Candidate]) -> dict[str, Candidate]:
    """The workbook sheet of each spec sheet: the best of the sheets holding it (`holding`), whether or not another
    spec sheet is read from it too (all tables stacked on one sheet, the cover beside the text)."""
    assigned: dict[str, Candidate] = {}
    for c in held:
        assigned.setdefault(c.spec, c)
    return assigned


def say_choice(
    report: LocatedReport, used: Candidate, candidates: list[Candidate], taken: set[int], sheets: list[SheetGrid]
) -> None:
    """ST10 when a spec sheet was read from a hidden sheet, or other sheets no spec sheet was read from hold it too
    (a copy): which sheet was used, and why; a copy that formulas of other sheets refer to (the figures a table's
    cells are calculated from) is to be kept, any other to be deleted."""
    others = [c for c in candidates if c.spec == used.spec and c.position not in taken]
    if used.index.sheet.visible and not others:
        return
    name = used.index.sheet.name
    hidden = "" if used.index.sheet.visible else "隐藏的"
    if not others:
        report.add(
            "ST10",
            f"「{used.spec}」按{hidden}工作表「{name}」校验（只有这张工作表有「{used.spec}」的栏目）。"
            f"如该表是要报送的内容，请取消隐藏；否则请删除。",
        )
        return
    rival = others[0]
    if used.hits > rival.hits:
        why = f"它有「{used.spec}」独有的栏目 {used.hits} 个，多于另一张的 {rival.hits} 个"
    elif used.index.sheet.visible != rival.index.sheet.visible:
        why = "各表栏目相当，取未隐藏的一张"
    elif used.named != rival.named:
        why = f"各表栏目相当，取名称为「{used.spec}」的一张"
    else:
        why = "各表栏目相当，取排在前面的一张"
    referred = {c.position: _referred(sheets, c.index.sheet.name) for c in others}
    spare = [c for c in others if referred[c.position] is None]
    advice = ""
    if spare:
        which = "" if len(spare) == len(others) else f"（{_names(spare)}）"
        advice = f"请删除多余的工作表{which}，只保留要报送的一张。"
    for c in others:
        if found := referred[c.position]:
            cell, formula = found
            advice += (
                f"「{c.index.sheet.name}」被其他工作表的公式引用（如 {cell.ref} 的公式 {formula}），删除会使这些公式出错，"
                f"请保留；校验的是「{name}」中的数字。"
            )
    report.add(
        "ST10",
        f"工作簿中有 {len(others) + 1} 张工作表有「{used.spec}」的栏目：按{hidden}工作表「{name}」校验（{why}），"
        f"未校验{_names(others)}。{advice}",
    )


def _names(candidates: list[Candidate]) -> str:
    return "、".join(f"「{c.index.sheet.name}」" for c in candidates)


def _referred(sheets: list[SheetGrid], name: str) -> tuple[CellRef, str] | None:
    """The first cell of another sheet whose formula refers to sheet `name`, and that formula, or None."""
    for sheet in sheets:
        if sheet.name == name:
            continue
        formulas = dict(calculated_formulas(sheet.formula_xml)) if sheet.formula_xml else {}
        formulas |= {rc: v for rc, v in sheet.cells.items() if isinstance(v, Uncached)}
        for (row, col), formula in sorted(formulas.items()):
            if refers_to(formula, name):
                return CellRef(sheet.name, row, col), formula if formula.startswith("=") else f"={formula}"
    return None


_CODE_FIELD = "credit_code"


def another_agency(report: LocatedReport, held: list[Candidate], taken: set[int]) -> set[int]:
    """ST12 when sheets holding spec sheets, none of which was read (a second set: 「封面(城关镇)」「表三(城关镇)」…),
    name another agency than the report read (by the one rule of validator.agency) on a visible sheet (a hidden one
    is a stale copy, even of another agency's workbook reused): its report is in the workbook, unchecked, and those
    sheets are no copies to delete. The positions of those sheets, when said; else none."""
    spare = dict(sorted({c.position: c.index for c in held if c.position not in taken}.items()))
    read = report.cells.get(AGENCY_FIELD)
    if not spare or read is None or not normalize(read.raw):
        return set()
    code = report.cells.get(_CODE_FIELD)
    own = identity(code.raw if code else None, read.raw)
    others = []
    for index in (index for index in spare.values() if index.sheet.visible):
        named = _named(index, report, AGENCY_FIELD)
        if named is None or not normalize(named.raw):
            continue
        theirs = _named(index, report, _CODE_FIELD)
        first, second = agencies([own, identity(theirs.raw if theirs else None, named.raw)])
        if first != second:
            others.append((index, named))
    if not others:
        return set()
    names = "、".join(
        f"工作表「{index.sheet.name}」的机关名称为「{str(named.raw).strip()}」" for index, named in others
    )
    agency = "、".join(dict.fromkeys(f"「{str(named.raw).strip()}」" for _, named in others))
    sheets = "".join(f"「{index.sheet.name}」" for index in spare.values())
    report.add(
        "ST12",
        f"工作簿中还有另一个机关的年报：{names}，而本次校验的是「{str(read.raw).strip()}」的年报。"
        f"工作表{sheets}都未校验，其中的问题不会被发现，批量校验也不会把{agency}计为已报送。"
        "请把每个机关的年报分别保存为一个工作簿文件，各自报送、校验；不要直接删除这些工作表。",
        others[0][1].cell,
    )
    return set(spare)


def _named(index: SheetIndex, report: LocatedReport, key: str) -> Located | None:
    """What a sheet gives for a cover field: the first cell right of its label (a cover), else for the agency what
    the sheet's title names (a report pasted whole); None when it gives nothing."""
    field = report.template.fields.get(key)
    label = normalize(field.label) if field else None
    for r, c, text in index.labels:
        if text == label:
            edge = index.merge_of.get((r, c), (r, c, r, c))[3]
            right = sorted((col, v) for (row, col), v in index.sheet.cells.items() if row == r and col > edge)
            return Located(key, index.ref(r, right[0][0]), right[0][1]) if right else None
    title = find_title(index.sheet) if key == AGENCY_FIELD else None
    return Located(key, index.ref(*title.cell), title.agency) if title and title.agency else None
