"""Where a table sheet's tables lie on a sheet printing a whole report: under its section heading, or elsewhere
(appended after the text as 附表, under headings of their own or none)."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache

from validator.labels import normalize
from validator.locate.matching import SheetIndex
from validator.locate.title import paragraphs
from validator.report_titles import titles_a_year
from validator.spec.model import Sheet, Template

END = 10**6  # a row below any sheet's last

# What marks an appended table's title (after normalize's NFKC: "：" is ":"): "附表2：", "附表二、", "附件1", "附：".
_APPENDIX = r"附[表件]?[一二三四五六七八九十\d]*[:.、]?"
# What numbers a section heading or an appended table's title: "三、", "（三）", "3.", "第三部分", "附表2：三、".
_NUMBERING = re.compile(rf"^(?:{_APPENDIX})?(?:[（(]?[一二三四五六七八九十\d]+[)）.、]|第[一二三四五六七八九十]+部分)?")
_WORDS_MIN = 4  # a heading's words are at least this long ("总体情况"), not a numbered item's "其他"


def words(text: str) -> str:
    """A heading's words without its numbering, normalised ("三、收到和处理…", "附表2：收到和处理…" alike)."""
    return _NUMBERING.sub("", normalize(text))


@dataclass(frozen=True)
class Section:
    """Where one table sheet's tables are looked for: below row `top` and above row `limit`.

    `heading` is the row of the section's heading, written as the official one or otherwise (0: the sheet prints
    none), and `end` the row of the next section's heading: the section's text lies between. `moved` is the row
    where the tables lie instead when they are not under their heading (appended after the text: 附表).
    """

    heading: int
    end: int
    top: int
    limit: int
    moved: int = 0
    titled: bool = False  # `moved` holds a heading of the section ("附表2：收到和处理…"), not the tables' first row
    appended: bool = False  # the text has no heading of the section: it and its tables are given only as 附表

    @property
    def under_heading(self) -> bool:
        return bool(self.heading) and not self.moved


def section_headings(template: Template) -> dict[str, str]:
    """The words of the report's section headings (一、总体情况 … 六、其他需要报告的事项), by spec sheet or field."""
    out = {words(s.title): s.name for s in template.sheets if s.tables}
    out |= {words(f.label): f.key for f in template.fields.values() if f.kind == "longtext"}
    return {w: name for w, name in out.items() if len(w) >= _WORDS_MIN}


def find_section(index: SheetIndex, spec: Sheet, template: Template, own: set[str]) -> Section:
    """Where `spec`'s tables lie: the rows after its section heading up to the next section's heading (a heading
    repeated at once, as a table's first row, is the same heading); when no rows there hold the tables' `own`
    labels, the rows under a later heading of the section that do (the tables appended after the text, under the
    same or a renumbered heading, or under "附表2：…"), else the rows from the first of their labels anywhere.
    Nothing is looked for beyond a further report's title (validator.sources.document drops such a report only when
    the first one had tables)."""
    spans = _spans(index, spec, template)
    hits = [r for r, _, t in index.labels if t in own]
    # headed nowhere in the text: only under appended titles ("附表2：…") or below the last section's heading (六)
    body = body_end(index, template)
    appended = all(row > body or re.match(_APPENDIX, text) for row, _, text in spans)
    # The heading numbered as the format numbers it, where the sheet prints one: the same words numbered otherwise
    # above it are an item of another section ("一、总体情况" → "（一）主动公开政府信息情况"), not this section.
    official = normalize(spec.title)
    spans = spans[next((i for i, (_, _, text) in enumerate(spans) if text == official), 0) :]
    if not spans:
        return Section(0, END, 0, END, appended=body < min(hits, default=0))
    heading, end, _ = spans[0]
    if any(heading < r < end for r in hits):
        return Section(heading, end, heading, end, appended=appended)
    stop = _further_title(index, heading)
    hits = [r for r in hits if r < stop]
    later = [(start, limit) for start, limit, _ in spans[1:] if any(start < r < limit for r in hits)]
    if later:
        start, limit = max(later, key=lambda span: sum(span[0] < r < span[1] for r in hits))
        return Section(heading, end, start, limit, moved=start, titled=True)
    if hits:
        return Section(heading, end, min(hits) - 1, stop, moved=min(hits))
    return Section(heading, end, heading, end)


def body_end(index: SheetIndex, template: Template) -> int:
    """The row of the heading of the format's last section (六、其他需要报告的事项), where the text's last part begins,
    else END: its heading as written officially, else its first (「（六）其他需要报告的事项」 above it may be an item of
    「一、总体情况」)."""
    headings, places = section_headings(template), _places(template)
    if not places:  # a template numbering no section
        return END
    last = max(places, key=places.__getitem__)
    official = normalize(_titles(template)[last])
    rows = [(t != official, r) for r, _, t in index.labels if headings.get(words(t)) == last]
    return min(rows, default=(False, END))[1]


def _titles(template: Template) -> dict[str, str]:
    """Each section's official title, by the name section_headings gives it."""
    titles = {s.name: s.title for s in template.sheets if s.tables}
    return titles | {f.key: f.label for f in template.fields.values() if f.kind == "longtext"}


def _spans(index: SheetIndex, spec: Sheet, template: Template) -> list[tuple[int, int, str]]:
    """(heading row, next section's heading row, the heading as written) of each place the sheet prints `spec`'s
    section heading, by its words; headings of one section printed one right after the other (a paragraph and the
    table's first row repeating it) are one."""
    headings = section_headings(template)
    rows = sorted({r: (headings[w], t) for r, _, t in index.labels if (w := _NUMBERING.sub("", t)) in headings}.items())
    out = []
    for i, (row, (name, text)) in enumerate(rows):
        if name == spec.name and (i == 0 or rows[i - 1][1][0] != name):
            out.append((row, next((r for r, (other, _) in rows[i:] if other != name), END), text))
    return out


def _further_title(index: SheetIndex, after: int) -> int:
    """The row of the first paragraph after row `after` titling a report of a year (a further report), else END."""
    titles = (r for r, text in paragraphs(index.sheet) if r > after and titles_a_year(text))
    return next(titles, END)


_NUMERALS = "一二三四五六七八九十"


@cache
def _places(template: Template) -> dict[str, int]:
    """Each section's place in the report ("一、总体情况" → 1), by the name section_headings gives it."""
    return {name: _NUMERALS.index(text[0]) + 1 for name, text in _titles(template).items() if text[:1] in _NUMERALS}


def further_report(index: SheetIndex, template: Template, own: dict[str, set[str]]) -> int | None:
    """The row where a further report begins on a sheet holding a whole report (two reports pasted one under the
    other), else None: where the heading of a section with tables comes again below that section's tables (a
    report's own sections only go forward; a table appended after the text comes after no table of its section).
    It begins at the last title naming a year between the two (validator.report_titles), else at the first heading
    between them of a section up to that one (the further report's "一、总体情况"), else at that heading; as
    validator.sources.document cuts a further report from a document. `own`: the labels of each table sheet's
    tables, by its name."""
    headings, places = section_headings(template), _places(template)
    rows = sorted({r: headings[w] for r, _, t in index.labels if (w := words(t)) in headings}.items())
    owner = {label: name for name, labels in own.items() for label in labels}
    tabled: dict[str, list[int]] = {}  # the rows of each table sheet's labels, in order
    for r, _, t in index.labels:
        if t in owner:
            tabled.setdefault(owner[t], []).append(r)
    for heading, name in rows:
        above = bisect_left(tabled.get(name, ()), heading)
        if not above:
            continue
        between = range(tabled[name][above - 1] + 1, heading)
        titles = [r for r, text in paragraphs(index.sheet) if r in between and titles_a_year(text)]
        back = [r for r, other in rows if r in between and places.get(other, END) <= places.get(name, 0)]
        return titles[-1] if titles else back[0] if back else heading
    return None


def sections_out_of_order(index: SheetIndex, template: Template, limit: int = END) -> tuple[int, str, str] | None:
    """The first section heading printed before the heading of a section the format puts before it (「四、…」 typed
    before 「三、…」), above row `limit` (a further report's start): its row, its official title and that of the
    section it comes before; None when the report's sections go in the format's order. A section is where its
    heading is written as the official one, else at its first heading (the same words numbered otherwise above it
    may be an item of another section: 「（一）主动公开政府信息情况」 under 「一、总体情况」, as find_section reads it).
    Sections with tables headed first after the format's last section (六) are an appendix of tables after the text
    (附表 under the sections' headings), no sections out of order."""
    headings, places, titles = section_headings(template), _places(template), _titles(template)
    found: dict[str, list[tuple[bool, int]]] = {}
    for r, _, t in index.labels:
        if r < limit and (name := headings.get(words(t))) in places:
            found.setdefault(name, []).append((t != normalize(titles[name]), r))
    first = {name: min(rows)[1] for name, rows in found.items()}
    if (last := max(places, key=places.__getitem__)) in first:
        tabled = {s.name for s in template.sheets if s.tables}
        first = {name: row for name, row in first.items() if name not in tabled or row < first[last]}
    order = sorted(first, key=first.__getitem__)
    for i, name in enumerate(order):
        if ahead := next((other for other in order[:i] if places[other] > places[name]), None):
            return first[ahead], titles[ahead], titles[name]
    return None
