"""Finding every template input in a workbook by its labels; what is structurally wrong becomes ST findings."""

from __future__ import annotations

from validator.audience import FURTHER_REPORT
from validator.cellref import CellRef
from validator.labels import normalize
from validator.locate.cover import Cover, read_cover
from validator.locate.matching import SheetIndex, fuzzy
from validator.locate.report import Located, LocatedReport, joined
from validator.locate.reuse import remember, reused
from validator.locate.sections import (
    END,
    Section,
    body_end,
    find_section,
    further_report,
    sections_out_of_order,
)
from validator.locate.sheets import another_agency, assign_sheets, candidates, distinct_labels, holding, say_choice
from validator.locate.tables import (
    FUZZY_MIN_RATIO,
    check_heading,
    locate_table,
    official_labels,
    on_other_pages,
    report_missing,
)
from validator.locate.title import AGENCY_FIELD, YEAR_FIELD
from validator.report_titles import read_title
from validator.sources.grid import FurtherReport, WorkbookGrid
from validator.spec.model import Field, Sheet, Template

__all__ = ["Located", "LocatedReport", "locate"]


def _superseded_hits(index: SheetIndex, template: Template) -> list[tuple[str, str, str, CellRef]]:
    """(format name, basis, label found, its first cell) for every superseded-format label present in the sheet."""
    cells: dict[str, CellRef] = {}
    for r, c, text in index.labels:
        cells.setdefault(text, index.ref(r, c))
    return [
        (fmt.name, fmt.basis, label, cells[normalize(label)])
        for fmt in template.superseded
        for label in fmt.labels
        if normalize(label) in cells
    ]


def _locate_field(indexes: list[SheetIndex], f: Field, report: LocatedReport) -> bool:
    """A field's value is the first non-empty cell right of its label, else (long text) the paragraphs below it
    up to the next label; a section heading written otherwise is adopted with ST04."""
    target = normalize(f.label)
    found = next(((index, (r, c)) for index in indexes for r, c, t in index.labels if t == target), None)
    if found is None and f.kind == "longtext":
        found = _altered_heading(indexes, f, report)
    if found is None:
        return False
    index, (r, c) = found
    right_edge = index.merge_of.get((r, c), (r, c, r, c))[3]
    rights = sorted(col for (row, col) in index.sheet.cells if row == r and col > right_edge)
    if rights:
        report.cells[f.key] = Located(f.key, index.ref(r, rights[0]), index.sheet.cells.get((r, rights[0])))
    elif f.kind == "longtext" and (paragraphs := _paragraphs(index, r + 1, official_labels(report.template))):
        report.cells[f.key] = joined(f.key, paragraphs)
    else:
        report.cells[f.key] = Located(f.key, index.ref(r, right_edge + 1), index.sheet.cells.get((r, right_edge + 1)))
    return True


def _paragraphs(index: SheetIndex, top: int, labels: set[str]) -> list[tuple[str, CellRef]]:
    """(text, first cell) of the text rows from `top` down to the next label or a row holding anything but text."""
    out = []
    for row in range(top, max((r for r, _ in index.sheet.cells), default=0) + 1):
        cells = sorted((c, v) for (r, c), v in index.sheet.cells.items() if r == row)
        if not cells:
            continue
        if any(not isinstance(v, str) for _, v in cells) or any(normalize(v) in labels for _, v in cells):
            break
        if text := "".join(str(v).strip() for _, v in cells):
            out.append((text, index.ref(row, cells[0][0])))
    return out


def _altered_heading(
    indexes: list[SheetIndex], f: Field, report: LocatedReport
) -> tuple[SheetIndex, tuple[int, int]] | None:
    """A section heading written otherwise ("五、存在的问题和改进措施"): the closest text that is no official label."""
    official = official_labels(report.template)
    scored = [
        (fuzzy(t, f.label), i, r, c)
        for i, index in enumerate(indexes)
        for r, c, t in index.labels
        if t not in official and len(t) < 2 * len(f.label)
    ]
    best = max((s for s in scored if s[0] >= FUZZY_MIN_RATIO), default=None)
    if best is None:
        return None
    _, i, r, c = best
    index = indexes[i]
    report.add(
        "ST04",
        f"{index.sheet.name} {index.ref(r, c).coordinate}「{index.text(r, c)}」与官方标题「{f.label}」不一致，"
        f"已按「{f.label}」读取。请改为官方标题。",
        index.ref(r, c),
    )
    return index, (r, c)


_WORKBOOKS = ("xlsx", "xls", "ods")  # source formats of submitted workbooks, which the template gives a cover


def locate(grid: WorkbookGrid, template: Template) -> LocatedReport:
    """Find every input of `template` in `grid`; structure problems become findings, never exceptions.

    A workbook laid out exactly like one located cleanly before reuses that layout (validator/locate/reuse.py).
    """
    report = reused(grid, template)
    if report is None:
        report = _locate_labels(grid, template)
        remember(grid, report)
    report.formula_parts = {s.name: s.formula_xml for s in grid.sheets if s.formula_xml}
    report.unpublished = grid.unpublished
    for sheet in grid.sheets:
        if sheet.further is not None:
            report.add("ST10", _further_report(sheet.further), CellRef(sheet.name, sheet.further.row, 1))
    return report


def _further_report(further: FurtherReport) -> str:
    """ST10 for a document holding a further report after the one checked (validator.sources.document)."""
    which = f"其后的「{further.text}」" if further.titled else f"其后从「{further.text[:40]}」起的另一份年报"
    return f"原文中有不止一份年报：只校验了前面的一份，{which}未校验。{FURTHER_REPORT.receiver}"


def _further_on_sheet(index: SheetIndex, row: int, report: LocatedReport) -> str:
    """ST12 for a sheet holding a further report below the one checked (two reports pasted one under the other)."""
    text = index.text(*index.row_start(row))
    named = read_title(text)
    read = report.cells.get(AGENCY_FIELD)
    other = named[0] if named and named[0] and (read is None or normalize(named[0]) != normalize(read.raw)) else None
    which = f"第{row}行起的「{text}」" if named else f"第{row}行「{text}」起的另一份年报"
    batch = f"，批量校验也不会把「{other}」计为已报送" if other else ""
    return (
        f"工作表「{index.sheet.name}」中有不止一份年报：只校验了前面的一份，{which}未校验，其中的问题不会被发现{batch}。"
        "请把每份年报分别保存为一个工作簿文件，各自报送、校验。"
    )


def _locate_labels(grid: WorkbookGrid, template: Template) -> LocatedReport:
    report = LocatedReport(template)
    indexes = [SheetIndex(s) for s in grid.sheets]
    hits = {index.sheet.name: _superseded_hits(index, template) for index in indexes}
    superseded: set[str] = set()
    for index in indexes:
        for name, basis, label, cell in hits[index.sheet.name]:
            if name not in superseded:
                superseded.add(name)
                report.add(
                    "ST07",
                    f"{index.described}使用了{name}（{basis}）的栏目，如「{label}」。"
                    f"本报告按{template.name}（{template.basis}）校验，请改用该格式的模板重新填写该表。",
                    cell if index.sheet.origins else None,  # a document's one sheet: where in it (the table)
                )
    found = holding(candidates(indexes, template), template)
    distinct = distinct_labels(template)
    moved: list[tuple[SheetIndex, Sheet, Section]] = []  # table sheets found away from their section heading
    appended: list[tuple[SheetIndex, Sheet, Section, int]] = []  # ... and the text has none: only 附表, first row
    assigned = assign_sheets(found)
    taken = {c.position for c in assigned.values()}
    paged = next((i.sheet.paged for i in indexes if i.sheet.paged), "")  # a web page's other pages were not read
    for spec in template.sheets:
        if spec.name not in assigned:
            titled = _cover_from_title(indexes, spec, report) if spec.fields else None
            if titled is not None and grid.source_format not in _WORKBOOKS:
                # a published report has no cover: its title names the agency and the year, else it is asked for
                index, cover = titled
                if lacking := cover.lacking():
                    report.add("ST09", lacking, index.ref(*cover.title.cell) if cover.title else None)
                continue
            what = "、".join(f.label for f in spec.fields) or spec.title
            said = titled[1].taken() if titled else ""
            add = on_other_pages(paged, "该部分") if paged else "请按官方格式补上。"
            report.add("ST09" if spec.fields else "ST01", f"找不到「{spec.name}」（{what}）。{said}{add}")
            continue
        best = assigned[spec.name].index
        if spec.fields:
            ordered = [best] + [i for i in indexes if i is not best]
            missing = [f.label for f in spec.fields if not _locate_field(ordered, f, report)]
            if missing:
                add = on_other_pages(paged, "这些内容") if paged else "请按官方格式补上。"
                report.add("ST09", f"找不到填报项：{'、'.join(missing)}。{add}")
            continue
        tables = {t.key for t in spec.tables}
        quiet = bool(hits[best.sheet.name])  # a superseded table: one ST07 says it all
        own = distinct[spec.name] - {normalize(spec.title)}  # its tables' labels, not its heading
        section = find_section(best, spec, template, own)
        below = section.top
        missing: list = []  # the tables not found, said once for the sheet (表二's four blocks)
        for table in spec.tables:
            at = section.heading if section.under_heading else 0
            # a table after one found is looked for below that one (what stands there instead is said of it)
            below = locate_table(best, table, report, below, quiet, section.limit, at, missing, below != section.top)
        rows = [loc.cell.row for k, loc in report.cells.items() if k.split(".")[0] in tables]
        report_missing(best, missing, section.limit, rows)
        first = min(rows, default=0)
        if section.appended and first and not quiet:
            appended.append((best, spec, section, first))
        elif section.moved and first and not quiet:
            moved.append((best, spec, section))
        elif first and not _official(best, section.heading, spec) and not quiet:
            # a workbook's sheet by its name; a document's one sheet is the tool's own: its words are the section's
            what = f"{spec.name}前的章节标题" if best.sheet.origins else f"{spec.name}（{best.sheet.name}）的标题"
            check_heading(best, report, spec.title, 0, first, what)
        if section.heading:
            _section_text(best, spec, report, (section.heading, section.end), range(first, max(rows, default=0) + 1))
    if moved:
        report.add("ST11", _moved(moved), moved[0][0].ref(*moved[0][0].row_start(moved[0][2].moved)))
    if appended:
        index, _, section, first = appended[0]
        report.add("ST11", _appended_only(appended, template), index.ref(*index.row_start(section.heading or first)))
    own = {s.name: distinct[s.name] - {normalize(s.title)} for s in template.sheets if s.tables}
    for index in dict.fromkeys(assigned[s].index for s in own if s in assigned):
        row = further_report(index, template, own)
        if row and grid.source_format in _WORKBOOKS:  # a document's reader cuts a further report itself (ST10)
            report.add("ST12", _further_on_sheet(index, row, report), index.ref(*index.row_start(row)))
        # tables moved elsewhere (附表) are said already: the order is that of the sections' headings above them
        appendix = min((s.moved for i, _, s in moved if i is index), default=END)
        if swapped := sections_out_of_order(index, template, min(row or END, appendix)):
            report.add("ST11", _out_of_order(*swapped[1:]), index.ref(*index.row_start(swapped[0])))
    theirs = another_agency(report, found, taken)  # sheets of another agency's report are no copies
    for spec in template.sheets:
        if spec.name in assigned:
            say_choice(report, assigned[spec.name], [c for c in found if c.position not in theirs], taken, grid.sheets)
    return report


def _section_text(
    index: SheetIndex, spec: Sheet, report: LocatedReport, section: tuple[int, int], table: range
) -> None:
    """The paragraphs a published report writes under a table section's heading ("本年度发生政府信息公开行政复议案件
    3件"): rows of text only between the heading and the next one, outside the tables (the rows from the first input
    to the last, a document's table rows) and holding no label of the format (captions, table headers)."""
    heading, limit = section
    labels = official_labels(report.template)
    by_row: dict[int, list[tuple[int, object]]] = {}
    for (r, c), value in index.sheet.cells.items():
        if heading < r < limit and r not in table:
            by_row.setdefault(r, []).append((c, value))
    paragraphs = []
    for r, cells in sorted(by_row.items()):
        if any(not isinstance(v, str) or normalize(v) in labels for _, v in cells):
            continue
        if any((place := index.sheet.origins.get((r, c))) and place.table is not None for c, _ in cells):
            continue
        text = "".join(str(v).strip() for _, v in sorted(cells))
        if text:
            paragraphs.append((text, index.ref(r, min(c for c, _ in cells))))
    if paragraphs:
        key = f"{spec.name}.正文"
        report.section_texts[key] = joined(key, paragraphs)


def _cover_from_title(indexes: list[SheetIndex], spec: Sheet, report: LocatedReport) -> tuple[SheetIndex, Cover] | None:
    """The agency name and report year of a report without a cover, located at its title (what it lacks, where the
    text states it), from the first sheet naming either, and that sheet; None when the spec sheet holds no such
    fields."""
    if not {AGENCY_FIELD, YEAR_FIELD} <= {f.key for f in spec.fields} or not indexes:
        return None
    covers = [(index, read_cover(index.sheet)) for index in indexes]
    index, cover = next(((i, c) for i, c in covers if c.fields()), covers[0])
    for key, ((r, c), value, where) in cover.fields().items():
        report.cells[key] = Located(key, index.ref(r, c), value)
        report.cover_from[key] = where
    return index, cover


def _official(index: SheetIndex, row: int, spec: Sheet) -> bool:
    """Whether row `row` holds `spec`'s section heading written as the official one."""
    return bool(row) and any(r == row and t == normalize(spec.title) for r, _, t in index.labels)


def _out_of_order(ahead: str, behind: str) -> str:
    """ST11 for a section printed before one the format puts before it (「四、…」 typed before 「三、…」)."""
    return (
        f"年报各部分的顺序与官方格式不同：「{ahead}」排在了「{behind}」之前。各部分已按其标题读取并照常校验；"
        f"请把「{behind}」移到「{ahead}」之前，按官方格式的顺序排列各部分。"
    )


def _appended_only(appended: list[tuple[SheetIndex, Sheet, Section, int]], template: Template) -> str:
    """ST11 for table sections the text has no heading of, given only as tables appended to it (附表, after its last
    section or its signature): which, where the first lies, and that the format wants them in the text, in order."""
    names = "、".join(spec.name for _, spec, _, _ in appended)
    titles = "".join(f"「{spec.title}」" for _, spec, _, _ in appended)
    index, spec, section, first = appended[0]
    where = f"在「{index.text(*index.row_start(section.heading))}」之下" if section.heading else "没有标题"
    if (last := body_end(index, template)) < first:
        where += f"，放在「{index.text(*index.row_start(last))}」之后"
    parts = "这几部分" if len(appended) > 1 else "这一部分"
    return (
        f"正文中没有{titles}{parts}：{names}只作为附表给出（如{spec.name}{where}）。已按各表的栏目找到并照常校验；"
        f"按官方格式（{template.basis}），正文应按顺序包含{parts}，各表放在其章节标题之下。"
        f"请在正文中按顺序写上{titles}，并把{'各表' if len(appended) > 1 else '该表'}移到对应的标题之下。"
    )


def _moved(moved: list[tuple[SheetIndex, Sheet, Section]]) -> str:
    """ST11 for tables not under their section headings (appended after the text as 附表): where the first lies,
    and that they were read by their labels all the same."""
    names = "、".join(spec.name for _, spec, _ in moved)
    index, spec, section = moved[0]
    heading = index.text(*index.row_start(section.heading))
    there = index.text(*index.row_start(section.moved))
    at = index.at_row(section.moved) or "见原文位置"
    if not section.titled:
        where = f"在原文另一处（{at}）"
    elif there == heading:
        where = f"在其后重复的同一标题（{at}）之下"
    else:
        where = f"在「{there}」之下"
    several = len(moved) > 1
    return (
        f"{names}没有放在{'各自的' if several else '其'}章节标题之下（如{spec.name}的表格不在「{heading}」之下，"
        f"而{where}）。已按各表的栏目找到并照常校验；请按官方格式把{'各表' if several else '该表'}放在对应的章节标题之下。"
    )
