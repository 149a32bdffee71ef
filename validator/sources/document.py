"""A published document as one sheet in reading order: a paragraph per row in column A, each table as a block with
its real merges, and where each cell came from (validator.provenance).

The checker already reads a whole report pasted onto one sheet; the readers of HTML, Word and PDF only produce
`Table`s and paragraphs and hand them to `Assembler`. Cell text stays as published, except that text which is
plainly an ASCII number ("12", "86.4", "-3") becomes that number, as a spreadsheet types it on entry: full-width
digits, units, notes, "/", "—" and "无" stay text, so the value rules (TY) judge them as in a workbook.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from validator.audience import COPYABLE, GARBLED, SIMPLIFIED
from validator.provenance import Place
from validator.radicals import ideographs
from validator.report_titles import titles_a_year
from validator.sources.grid import FurtherReport, ReadError, SheetGrid, WorkbookGrid
from validator.sources.limits import Limits, over_limit
from validator.text import NOTE_NUMBERS, NOTE_SYMBOLS, ZERO_LETTERS, ZERO_NUMERALS, visible

SHEET_NAME = "原文"  # the one sheet an imported document becomes
_NUMBER = re.compile(r"-?(?:0|[1-9]\d{0,14})(?:\.\d+)?")
_HEADING = re.compile(r"^\s*([一二三四五六七八九十]+)\s*[、.．]")
# A unit only after a digit: "12项" is an entry, "项" alone a label's last character (a page break cuts "8.属于行政查询事⏎项").
_VALUE_LIKE = re.compile(
    r"[\s\d０-９.,，．+\-－/／\\—–（）()]*(?:(?<=[\d０-９])\s*(?:件|个|项|次|条|宗|人次|万元|元))?"
)
# A number with a note after it, as reports print some: "22（其中修订16件）", "55（含自然失效29件）".
_NOTED = re.compile(r"\s*[\d０-９][\d０-９.,，．\s]*(?:件|个|项|次|条|宗|人次|万元|元)?\s*[（(][^（）()]*[）)]\s*")
# A footnote mark printed raised after a number or a word (HTML's <sup>, Word's superscript): "1", "①", "*", "[1]",
# "注1". Not part of what the cell says: "39" with a raised "1" is 39, not 391 (the PDF reader drops raised marks too).
_NOTE_MARK = re.compile(
    rf"\s*[\[［〔【(（]?\s*(?:\d{{1,2}}|[{NOTE_NUMBERS}]|[{NOTE_SYMBOLS}]{{1,3}}|注\s*\d{{0,2}})\s*[\]］〕】)）]?\s*"
)
# Dates and document numbers (索引号) in a page's metadata or link lists: digits, but no entry of a report's table.
_DATE_OR_CODE = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}|\d+\s*[/／-]\s*\d+\s*[/／-]\s*\d")
# A section heading of a report ("一、总体情况", "三、收到和处理政府信息公开申请情况"…), however numbered; its words
# tell which of the six sections it is (a number may be wrong), and the sections with tables are the 2nd to 4th.
_SECTION_WORDS = ("总体情况", "主动公开", "收到和处理", "政府信息公开行政复议", "存在的主要问题", "其他需要报告")
_SECTION = re.compile(rf"\s*([一二三四五六七八九十\d]+)\s*[、.．]\s*({'|'.join(_SECTION_WORDS)})")
_TABLE_SECTIONS = (2, 3, 4)
# Characters common in reports written differently in traditional and in simplified characters, pair by pair: a
# mirror converted to traditional characters is told by more of the first than of the second.
_TRADITIONAL, _SIMPLIFIED = (
    "開報處請機關總計結轉數國審訴議糾維項條規許罰強會與體說發務門網應們這個為對時實現進當經無從",
    "开报处请机关总计结转数国审诉议纠维项条规许罚强会与体说发务门网应们这个为对时实现进当经无从",
)
_TRADITIONAL_MIN = 20  # traditional characters at least: a simplified report may quote a name or two in them
# Chinese text whose bytes were decoded in a Western code page (GBK or UTF-8 read as Latin-1 or Windows-1252, then
# saved or printed so): Latin letters with accents and signs where the characters were (「Ä³ÏØÈËÃñÕþ¸®」).
_MOJIBAKE = re.compile(r"[\u0080-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2018-\u203a]")
_MOJIBAKE_RUN = re.compile(r"[^\s\u4e00-\u9fff!-~]{4,}")
_MOJIBAKE_MIN = 50  # such characters at least (and more than Chinese ones): a report may print a few (×, °, ·, “”)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_PLACEHOLDERS = frozenset({"无", "暂无", "没有", "不适用", "空"})
_LETTER = re.compile(r"[\u4e00-\u9fffA-Za-z]")
_WS = re.compile(r"\s+")
# A line saying that the table below goes on with the one above: 「续表」「续表三」「表三（续）」「（续上表）」.
CONTINUED = re.compile(
    r"[（(]?\s*(?:续\s*上?\s*表\s*[一二三四\d]?|表\s*[一二三四\d]\s*[（(]?\s*续(?:上?表)?\s*[)）]?)\s*[)）]?\s*[:：]?"
)
_LABEL_CHARS = 24  # a label longer than this is cut in messages
_BESIDE_ROWS = 3  # rows labelled alike at least, for a table to be the further columns of the one above
_BLANK_PLACES = 100_000  # blank table cells given a place; a report's tables have a few thousand cells in all


@dataclass
class Table:
    """A table as read: raw text by 1-based (row, col) of each cell's top-left, merges (top, left, bottom, right),
    and for PDF the page of each row and whether the table runs off the page's edge (what lies beyond is not printed).
    """

    cells: dict[tuple[int, int], str]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    pages: dict[int, int] = field(default_factory=dict)
    clipped: bool = False

    @property
    def size(self) -> tuple[int, int]:
        corners = [(r, c) for r, c in self.cells] + [(b, r) for _, _, b, r in self.merges]
        return max((r for r, _ in corners), default=0), max((c for _, c in corners), default=0)


# A grid column narrower than a character (五号, 10.5 points) holds no text: only a border dragged in some rows makes it
NARROW_COLUMN = 10.0  # points


def shared_borders(edges: Sequence[float], narrow: float) -> list[int] | None:
    """For each border of a table's grid (`edges`, their positions), the border of the columns its rows share it is
    one with: borders less than `narrow` apart are one (a border dragged in some rows only, as a hand-edited Word
    table has them, makes grid columns narrower than a character, and such a row's cells start one grid column
    right of the header over them). None when no column is that narrow."""
    if len(edges) < 3 or all(b - a >= narrow for a, b in itertools.pairwise(edges)):
        return None
    border, start, shared = 0, edges[0], []
    for i, edge in enumerate(edges):
        if i and edge - start >= narrow:
            border, start = border + 1, edge
        shared.append(border)
    return shared


def on_shared(shared: list[int], left: int, right: int) -> tuple[int, int]:
    """The columns (1-based, first and last) on the shared borders of a cell on grid columns `left` to `right`."""
    first = shared[left - 1] + 1
    return first, max(shared[right], first)


def on_shared_columns(table: Table, edges: Sequence[float], narrow: float) -> Table:
    """The table on the columns its rows share (shared_borders), each cell under the column it is printed under, as
    a reader sees it; kept as it is when two cells would then share a place (a narrow column holding a cell of its
    own) or a cell lies beyond the grid `edges` declare."""
    shared = shared_borders(edges, narrow)
    if shared is None:
        return table
    spans = {(t, lf): (b, rt) for t, lf, b, rt in table.merges}
    placed: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    taken: set[tuple[int, int]] = set()
    for t, lf in {*table.cells, *spans}:
        b, rt = spans.get((t, lf), (t, lf))
        if rt >= len(shared):
            return table
        left, right = on_shared(shared, lf, rt)
        places = {(r, c) for r in range(t, b + 1) for c in range(left, right + 1)}
        if places & taken:
            return table
        taken |= places
        placed[(t, lf)] = (t, left, b, right)
    return Table(
        {(r, placed[(r, c)][1]): text for (r, c), text in table.cells.items()},
        [m for m in placed.values() if m[2] > m[0] or m[3] > m[1]],
        table.pages,
        table.clipped,
    )


def cell_value(text: str) -> object:
    """The value a spreadsheet would hold for typed `text`: an ASCII number as a number, anything else as is."""
    stripped = text.strip()
    if _NUMBER.fullmatch(stripped):
        number = float(stripped)
        return int(number) if number.is_integer() and "." not in stripped else number
    return text


def is_note_mark(text: str) -> bool:
    """Whether raised text (superscript) is a footnote mark, which is no part of the text it is printed after."""
    return bool(text.strip()) and _NOTE_MARK.fullmatch(text) is not None


def is_entry(value: object) -> bool:
    """Whether a cell holds an entry (a number, a number with a unit, a placeholder) rather than a label."""
    if not isinstance(value, str):
        return True
    text = value.strip()
    if _DATE_OR_CODE.search(text):
        return False
    return bool(_VALUE_LIKE.fullmatch(text) or _NOTED.fullmatch(text)) or text in _PLACEHOLDERS


def _label(text: str | None) -> str | None:
    """A cell's text as a label naming its row or column; None for an entry (「零」「O」 typed for 0 too)."""
    if not text or not _LETTER.search(text) or is_entry(text) or _typed_zero(text):
        return None
    compact = _WS.sub("", text)
    return compact if len(compact) <= _LABEL_CHARS else compact[: _LABEL_CHARS - 1] + "…"


_TYPED_ZEROS = frozenset(ZERO_NUMERALS + ZERO_LETTERS)


def _typed_zero(text: str) -> bool:
    return unicodedata.normalize("NFKC", text).strip() in _TYPED_ZEROS


NOT_A_REPORT = (
    "{what}中没有年报的表格和章节（如“一、总体情况”），不像是政府信息公开工作年度报告。请核对是否选错或报送错了文件。"
)
# A document whose report is pictures (scanned pages or screenshots, in a Word document, a web page or a PDF): refused.
PICTURES_ONLY = (
    "{what}中的年报是图片（如扫描件或截图），没有文字的表格和章节标题：表格是图片，无法读取数字；" + COPYABLE.receiver
)
# The same refusal of a report whose section headings are typed but whose tables are all pictures (scanned pages, or
# tables pasted as pictures, under the headings).
TABLES_PICTURED = (
    "{what}中的年报表格都是图片（如扫描件或截图），章节标题是文字，但没有一张文字的表格：表格是图片，无法读取数字；"
    + COPYABLE.receiver
)


class Assembler:
    """Collects paragraphs and tables in reading order into one sheet and its provenance."""

    def __init__(self, fmt: str, limits: Limits) -> None:
        self.fmt, self.limits = fmt, limits
        self.cells: dict[tuple[int, int], object] = {}
        self.merges: list[tuple[int, int, int, int]] = []
        self.origins: dict[tuple[int, int], Place] = {}
        self.row = 1  # the next free row
        self.paragraphs = self.tables = 0
        self.heading: str | None = None  # the numeral of the last section heading (三 → 表三)
        self.blank_places = 0
        self.last_top = 0  # the row the table just placed begins on
        self.last_table: Table | None = None  # the table just placed (all its parts), while nothing but a line
        # saying it goes on (CONTINUED) has been written after it
        self.continued = False  # such a line was just read: the next table is the last one's next part
        self.pictures: list[int] = []
        self.worksheets: list[int] = []  # the pictures showing a worksheet pasted in as an object
        # A further report after the first (see _further): the sections read, by their words, and the tables
        self.section = 0  # the section (1 to 6) of the last section heading
        self.headed: set[int] = set()  # the sections whose heading was read
        self.pictured: set[int] = set()  # the sections holding a picture (0: before any heading)
        self.run = 0  # the highest section of the headings since the numbering last went back
        self.title_row: int | None = None  # a title read since the last section heading
        self.restart: int | None = None  # where the numbering last went back: the heading, or the title above it
        self.tabled: list[tuple[int, int]] = []  # (row, section) of each table placed
        self.further: FurtherReport | None = None
        self.paged = ""  # a web page shown in several pages: what its pager says (validator.sources.html)
        self.clipped: list[int] = []  # the rows of tables running off a PDF page's edge
        self.unruled: list[int] = []  # the rows of a PDF's text lines of numbers set in columns, without rules

    def paragraph(self, text: str, page: int | None = None, shown: bool = True, unruled: bool = False) -> None:
        """A paragraph of text; one not `shown` on the page (a web page's <title>, in the browser's tab) is read but
        neither counted nor given a place: paragraphs are numbered as the reader sees them. An `unruled` one is a
        PDF's line of numbers set in columns: a table's row printed without rules (locate says so)."""
        text = _as_read(text).strip()
        if not text or self.further:
            return
        self.continued = self.last_table is not None and bool(CONTINUED.fullmatch(text))
        if not self.continued:
            self.last_table = None
        self.paragraphs += shown
        if m := _HEADING.match(text):
            self.heading = m[1]
        if self.title_row is None and titles_a_year(text):
            self.title_row = self.row
        if m := _SECTION.match(text):
            self._section(_SECTION_WORDS.index(m[2]) + 1, m[1].isdigit())
        self._put(self.row, 1, text, Place(self.fmt, page, paragraph=self.paragraphs) if shown else None)
        if unruled:
            self.unruled.append(self.row)
        self.row += 1

    def _section(self, section: int, arabic: bool) -> None:
        """A section heading: where the sections' numbering goes back to an earlier section under a heading numbered
        as the official format does ("一、"; not a sub-item "1.主动公开方面" of a section), a further report may begin:
        at its title, if one was read since the previous heading."""
        if section < self.run and not arabic:
            self.restart = self.title_row if self.title_row is not None else self.row
            self.run = section
        self.run = max(self.run, section)
        self.section, self.title_row = section, None
        self.headed.add(section)

    def _further(self) -> bool:
        """Whether a table read now begins a further report, and if so everything from where it begins is dropped:
        a table of a section with tables (二 to 四) after the numbering went back, when a table of that section was
        read before. A report's own tables never do, nor do tables in its other sections, nor a heading merely
        numbered wrong (sections are told by their words), nor a section put before an earlier one (四 typed before
        三: 表三 comes after the numbering went back, but no 表三 was read before it)."""
        if self.section not in _TABLE_SECTIONS or self.restart is None:
            return False
        if not any(row < self.restart and section == self.section for row, section in self.tabled):
            return False
        row = self.restart
        text = str(self.cells.get((row, 1), ""))
        self.further = FurtherReport(row, text, titles_a_year(text))
        start = self.origins.get((row, 1))
        self.cells = {rc: v for rc, v in self.cells.items() if rc[0] < row}
        self.origins = {rc: p for rc, p in self.origins.items() if rc[0] < row}
        if start is not None:
            self.origins[(row, 1)] = start  # where the further report begins is said there
        self.merges = [m for m in self.merges if m[0] < row]
        self.pictures = [r for r in self.pictures if r < row]
        self.worksheets = [r for r in self.worksheets if r < row]
        self.unruled = [r for r in self.unruled if r < row]
        return True

    def looks_like_a_report(self) -> bool:
        """Whether what was read has a table, a picture or a section heading of a report: anything else is some other
        document (a list page, a letter, a notice), which checking would only call a report missing every table."""
        return bool(self.pictures) or self._in_text()

    def pictures_only(self) -> bool:
        """Whether the report is pictures: pictures, but neither a table nor a section heading in text (its pages
        scanned and pasted in), or headings in text but no table, a picture under each heading of a section with
        tables (二 to 四) read: which checking would only call a report missing every table, or each a picture."""
        return bool(self.pictures) and (not self._in_text() or self._tables_pictured())

    def _tables_pictured(self) -> bool:
        """Whether no table was read, and each section with tables whose heading was read holds a picture."""
        headed = self.headed.intersection(_TABLE_SECTIONS)
        return not self.tables and bool(headed) and headed <= self.pictured

    def refusal(self, what: str) -> str:
        """What to say of a report of pictures (pictures_only) read from `what` (「Word 文档」): that nothing of it is
        text, or that its headings are but its tables are pictures."""
        return (TABLES_PICTURED if self._in_text() else PICTURES_ONLY).format(what=what)

    def _in_text(self) -> bool:
        """Whether a table or a section heading of a report was read as text."""
        return bool(self.tables) or any(isinstance(v, str) and _SECTION.match(v) for v in self.cells.values())

    def readable(self, what: str) -> None:
        """A ReadError unless what was read of `what` (「Word 文档」) can be checked as a report: it is pictures
        (PICTURES_ONLY), or nothing of a report (NOT_A_REPORT)."""
        if self.pictures_only():
            raise ReadError(self.refusal(what), "image_only")
        if not self.looks_like_a_report():
            raise ReadError(NOT_A_REPORT.format(what=what), "not_report")

    def picture(self, worksheet: bool = False) -> None:
        """A picture in the text, on a row of its own: a table published as an image is said so (locate), and one
        pasted in as a `worksheet` object, of which the document shows a preview picture, is said to be that."""
        if self.further:
            return
        self.last_table = None
        self.pictures.append(self.row)
        self.pictured.add(self.section)
        if worksheet:
            self.worksheets.append(self.row)
        self.row += 1

    def table(self, table: Table, page: int | None = None) -> None:
        if self.further or (table.cells and self._further()):
            return
        table = Table(
            {rc: _as_read(text) for rc, text in table.cells.items()}, table.merges, table.pages, table.clipped
        )
        whole, continued = self.last_table, self.continued
        self.continued = False
        if whole is not None and (labels := _beside(whole, table)):
            self._beside(whole, table, labels, page)
            return
        if whole is not None and ((cut := repeated_header(whole, table)) or continued):
            # the next part of a table cut by hand (its header copied onto it), or after a line saying it goes on:
            # one table, its rows counted on and named by the header of its first part
            table = _below(table, cut)
            offset = whole.size[0]
            whole = _under(whole, table)
        else:
            offset = 0
            whole = table
        if not table.cells:
            return
        self.last_table = whole
        rows, cols = table.size
        if rows * cols > self.limits.sheet_area:
            raise over_limit(self.limits, "sheet_area", f"文档中的表格异常大（{rows} 行 × {cols} 列），")
        if not offset:
            self.tables += 1
        top = self.row + 1  # a blank row before and after each table, as when a report is pasted into a sheet
        if not offset:
            self.last_top = top
        self._place(table, whole, top, offset, page)
        self.tabled.append((top, self.section))
        self.row = top + rows + 1

    def _beside(self, first: Table, more: Table, labels: int, page: int | None) -> None:
        """A table's further columns printed as a table of their own under it (a table too wide for the page or the
        editor split by its columns, each part with the row labels): they go on right of the first part's, on its
        rows, as one table."""
        shift = first.size[1] - labels
        right = Table(
            {(r, c + shift): text for (r, c), text in more.cells.items() if c > labels},
            [(t, max(lf, labels + 1) + shift, b, rt + shift) for t, lf, b, rt in more.merges if rt > labels],
            more.pages,
            more.clipped,
        )
        whole = Table(
            first.cells | right.cells, first.merges + right.merges, first.pages, first.clipped or more.clipped
        )
        self.last_table = whole
        self._place(right, whole, self.last_top, 0, page, first=shift + labels + 1)

    def _place(self, table: Table, whole: Table, top: int, offset: int, page: int | None, first: int = 1) -> None:
        """The cells of `table` (a part of `whole`, `offset` rows down it, from its column `first`) put on the sheet
        from row `top`, each with its place in the document named by the labels of `whole`."""
        rows, cols = table.size
        name = f"表{self.heading}" if self.heading in ("二", "三", "四") else None
        cover = _covering(whole)
        values = _values(whole)  # entries that read as words ("减3", "未发生"): no label of a row or column
        left, above = _Labels(whole, True, values), _Labels(whole, False, values)
        labels = (_label(text) for rc, text in whole.cells.items() if rc not in values)
        repeated = {t for t, n in Counter(labels).items() if t and n > 1}

        def named(at: tuple[int, int]) -> str | None:
            return None if at in values else _label(whole.cells.get(at))

        def place(r: int, c: int) -> Place:
            r += offset  # the row in the whole table
            own = named((r, c))  # a label cell is named by its own text
            covering = named(cover(r, c))  # a cell a label's merge covers is in the label's row
            header = None if own else above.nearest(c, r)
            # A header the table has more than once (表四's 总计 under 行政复议 and under each 行政诉讼 group) is named
            # with the header of its group, above it.
            group = above.nearest(header.line, header.at) if header and header.text in repeated else None
            return Place(
                self.fmt,
                whole.pages.get(r, page),
                self.tables,
                r,
                c,
                table_name=name,
                row_label=own or covering or (label.text if (label := left.nearest(r, c)) else None),
                column_label=header.text if header else None,
                column_group=group.text if group else None,
            )

        for (r, c), text in table.cells.items():
            self._put(top + r - 1, c, text, place(r, c))
        # A blank cell has its place too, so that a missing number is reported where it is missing; up to a budget,
        # since a ragged table of a few cells can span a huge rectangle of blanks.
        blanks = ((r, c) for r in range(1, rows + 1) for c in range(first, cols + 1) if (r, c) not in table.cells)
        for r, c in blanks:
            if self.blank_places >= _BLANK_PLACES:
                break
            self.origins[(top + r - 1, c)] = place(r, c)  # a cell a merge covers too: the reader may look there
            self.blank_places += 1
        self.merges += [(top + t - 1, left, top + b - 1, right) for t, left, b, right in table.merges]
        if table.clipped:
            self.clipped += range(top, top + rows)

    def _put(self, row: int, col: int, text: str, place: Place | None) -> None:
        if not text.strip():
            return
        if len(self.cells) >= self.limits.cells:
            raise over_limit(self.limits, "cells", "文档中的单元格和段落过多，")
        if len(text) > self.limits.string_chars:
            raise over_limit(self.limits, "string_chars", f"文档第 {row} 行的文字有 {len(text)} 个字符，")
        self.cells[(row, col)] = cell_value(text)
        if place is not None:
            self.origins[(row, col)] = place

    def grid(self) -> WorkbookGrid:
        """The sheet; a ReadError for a document in traditional characters, whose labels are no official label, and
        for one whose text is garbled (mojibake), which has none of a report's labels."""
        if sample := mojibake(self.cells.values()):
            raise ReadError(
                f"原文的文字是乱码（如「{sample}」）：文件中的中文被按错误的编码转换过（常见于把 GBK 或 UTF-8 编码的网页"
                f"按西文编码打开后另存或打印），读不出年报的标题、章节和表格。{GARBLED.receiver}",
                "garbled",
            )
        if found := traditional(self.cells.values()):
            raise ReadError(
                f"原文是繁体字（如「{'」「'.join(found)}」），而官方格式的表格和栏目是简体字，"
                f"按繁体字校验会误报缺表、标签不符。{SIMPLIFIED.receiver}",
                "traditional",
            )
        sheet = SheetGrid(
            SHEET_NAME,
            self.cells,
            tuple(self.merges),
            origins=self.origins,
            pictures=tuple(self.pictures),
            worksheets=tuple(self.worksheets),
            further=self.further,
            paged=self.paged,
            clipped=tuple(self.clipped),
            unruled=tuple(self.unruled),
        )
        return WorkbookGrid([sheet], source_format=self.fmt)


def traditional(values) -> list[str]:
    """The commonest traditional characters of text `values` written mostly in traditional characters, else []."""
    text = "".join(v for v in values if isinstance(v, str))
    counts = {t: text.count(t) for t in _TRADITIONAL}
    if sum(counts.values()) < max(_TRADITIONAL_MIN, sum(text.count(s) for s in _SIMPLIFIED) + 1):
        return []
    return sorted((t for t in counts if counts[t]), key=lambda t: -counts[t])[:5]


def mojibake(values) -> str:
    """A sample of text `values` that are mostly Chinese decoded in a Western code page, else ""."""
    text = "".join(v for v in values if isinstance(v, str))
    signs = len(_MOJIBAKE.findall(text))
    if signs < max(_MOJIBAKE_MIN, len(_CJK.findall(text)) + 1):
        return ""
    run = _MOJIBAKE_RUN.search(text)
    return run[0][:8] if run else ""


def _as_read(text: str) -> str:
    """A document's text as its reader sees it: without the characters nobody sees (validator.text.visible), and
    radicals as the ideographs they print (a PDF that Chrome or Edge saved, text copied out of one: validator.radicals)."""
    return ideographs(visible(text))


def repeated_header(first: Table, more: Table) -> int:
    """How many top rows of `more` repeat the top rows of `first` (labels only, and not all of `more`): a header
    repeated on a table's continuation."""
    rows, _ = first.size
    repeated = 0
    while repeated < min(rows, more.size[0] - 1):
        row = _row_texts(more, repeated + 1)
        if not row or row != _row_texts(first, repeated + 1) or any(is_entry(text) for text in row):
            break
        repeated += 1
    return repeated


def _beside(first: Table, more: Table) -> int:
    """How many label columns `more` repeats of `first`, when it is `first`'s further columns printed under it: as
    many rows, the same row labels row by row (or none in one of them, as over a header), at least three, and other
    columns right of them; else 0."""
    rows = first.size[0]
    labels = _label_columns(first)
    if not labels or more.size[0] != rows or _label_columns(more) != labels or more.size[1] <= labels:
        return 0
    named = 0
    for r in range(1, rows + 1):
        own, again = ([t.cells.get((r, c), "").strip() for c in range(1, labels + 1)] for t in (first, more))
        if any(own) and any(again) and own != again:
            return 0
        named += any(own) and own == again
    right = {(r, c - labels): text for (r, c), text in more.cells.items() if c > labels}
    return labels if named >= _BESIDE_ROWS and right != {rc: t for rc, t in first.cells.items() if rc in right} else 0


def _label_columns(table: Table) -> int:
    """The columns left of a table's first column holding an entry (a number): its label columns."""
    return min((c for (_, c), text in table.cells.items() if is_entry(cell_value(text))), default=1) - 1


def _row_texts(table: Table, r: int) -> tuple[str, ...]:
    return tuple(text for (row, _), text in sorted(table.cells.items()) if row == r)


def _under(first: Table, more: Table) -> Table:
    """`more` appended under `first`, as one table."""
    rows, _ = first.size
    return Table(
        first.cells | {(r + rows, c): text for (r, c), text in more.cells.items()},
        first.merges + [(t + rows, lf, b + rows, rt) for t, lf, b, rt in more.merges],
        first.pages | {r + rows: page for r, page in more.pages.items()},
        first.clipped or more.clipped,
    )


def _below(table: Table, top: int) -> Table:
    """The table without its first `top` rows."""
    if not top:
        return table
    return Table(
        {(r - top, c): text for (r, c), text in table.cells.items() if r > top},
        [(max(t, top + 1) - top, lf, b - top, rt) for t, lf, b, rt in table.merges if b > top],
        {r - top: page for r, page in table.pages.items() if r > top},
        table.clipped,
    )


@dataclass(frozen=True)
class _Label:
    """A label of a table as found on a row or column: its text, and where it starts on that `line` (`at`)."""

    text: str
    line: int
    at: int


class _Labels:
    """The labels of a table along its rows (`across`) or its columns: `nearest(line, before)` is the label nearest
    before position `before` on that row or column, a merged label counting on every row and column it covers; the
    cells `values` hold entries, however worded, and label nothing."""

    def __init__(self, table: Table, across: bool, values: set[tuple[int, int]]) -> None:
        spans = {(t, lf): (b, rt) for t, lf, b, rt in table.merges}
        self._lines: dict[int, list[tuple[int, _Label]]] = {}
        for (r, c), text in table.cells.items():
            if (r, c) in values or (label := _label(text)) is None:
                continue
            bottom, right = spans.get((r, c), (r, c))
            lines, end, at = (range(r, bottom + 1), right, c) if across else (range(c, right + 1), bottom, r)
            for line in lines:
                self._lines.setdefault(line, []).append((end, _Label(label, line, at)))
        for entries in self._lines.values():
            entries.sort(key=lambda entry: entry[0])

    def nearest(self, line: int, before: int) -> _Label | None:
        entries = self._lines.get(line, [])
        i = bisect_left(entries, before, key=lambda entry: entry[0])
        return entries[i - 1][1] if i else None


def _values(table: Table) -> set[tuple[int, int]]:
    """The cells of a table that hold entries although they read as words (「减3」「增加2」「未发生」「见附件」 typed
    where a number goes): in a row holding entries, the words right of one of them (a row's labels come before its
    numbers), and the words in a column whose cells in such rows are mostly entries (a column of numbers)."""
    entries = {rc for rc, text in table.cells.items() if text.strip() and is_entry(cell_value(text))}
    first = {}  # the column of each row's first entry
    for r, c in entries:
        first[r] = min(c, first.get(r, c))
    words = {(r, c) for (r, c), text in table.cells.items() if r in first and _label(text)}
    numbers, worded = Counter(c for _, c in entries), Counter(c for _, c in words)
    return {(r, c) for r, c in words if c > first[r] or numbers[c] > worded[c]}


def _covering(table: Table):
    """(row, col) → the top-left of the merge covering it, else itself."""
    owner = {
        (r, c): (t, left) for t, left, b, right in table.merges for r in range(t, b + 1) for c in range(left, right + 1)
    }
    return lambda r, c: owner.get((r, c), (r, c))
