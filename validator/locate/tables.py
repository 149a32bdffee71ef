"""Locating one table: data rows by row labels, data columns by header paths, along either axis; ST01–ST06, ST08
and ST11."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator

from validator.audience import (
    LANDSCAPE,
    LANDSCAPE_OR_SMALLER,
    PASTE_AS_TABLE,
    REPLACE_TABLE,
    SPACED_TABLE,
    TABLE_NO_RULES,
    UNRULED_TABLE,
    WHOLE_PAGE,
)
from validator.cellref import CellRef, column_letter
from validator.labels import normalize
from validator.locate.matching import SheetIndex, closeness, fuzzy, groups_named, is_header, matches, same_group
from validator.locate.orientation import Folded, rearranged
from validator.locate.report import Located, LocatedReport, Stray, as_picture, as_text
from validator.spec.model import Leaf, Table, Template

FUZZY_MIN_RATIO = 0.6  # below this a label is treated as unrelated text, not a misspelling
HEADER_WINDOW = 8  # rows above a table's first data row that may hold its column headers
_CLIPPED = (  # why columns are missing from a table read off a PDF page it ran off, and what to do
    f"原文的表格超出了 PDF 页面的边缘（导出 PDF 时表格比页面宽），超出的部分没有印出来。{LANDSCAPE.receiver}"
)


def _under(path: tuple[str, ...]) -> str:
    """The groups a column stands under, as a missing column's finding names them: （申请人情况、法人或其他组织下）."""
    return f"（{'、'.join(path)}下）" if path else ""


class TableLocator:
    """Locates one table: its data rows by row labels, its data columns by column header paths."""

    def __init__(self, index: SheetIndex, table: Table, report: LocatedReport, quiet: bool, limit: int) -> None:
        self.index, self.table, self.report = index, table, report
        self.quiet = quiet  # the table is in a superseded format: one ST07 says it all
        self.limit = limit  # the first row of the next section: the table lies above it
        self.rows: dict[str, int] = {}
        self.cols: dict[str, int] = {}
        self.used: set[tuple[int, int]] = set()
        # A table without row labels printed in parts (表四): the row of numbers of each column's part, by column key
        self.data_row: dict[str, int] = {}
        self.said: set[str] = set()  # columns whose absence a finding has already explained

    def add(self, code: str, message: str, cell: CellRef | None = None, keys: Iterable[str] = ()) -> None:
        if not self.quiet:
            self.report.add(code, message, cell, keys, self.table.sheet)

    def keys(self, row: Leaf | None = None, col: Leaf | None = None) -> list[str]:
        """The inputs of one row, one column, or (neither given) the whole table."""
        return [
            self.table.cell_key(r.key, c.key)
            for r in ((row,) if row else self.table.row_leaves)
            for c in ((col,) if col else self.table.column_leaves)
        ]

    def assume_zero(self, leaf: Leaf, keys: list[str]) -> str:
        """Missing parts are checked as 0 (a total cannot be): what the finding says about it."""
        summed = {k for rule in self.report.template.rules for eq in rule.equations for k in eq.cells}
        if self.quiet or _is_total(leaf) or not summed.issuperset(keys):
            return ""
        for key in keys:
            self.report.standins.setdefault(key, "assumed")
        return f"已按「{leaf.label}」为 0 校验相关的合计，不平衡时只作提醒。"

    @property
    def name(self) -> str:
        """The table as messages name it; the caption tells apart the tables of one sheet (表二's four)."""
        sheet = (
            f"{self.table.sheet}（{self.index.sheet.name}）"
            if self.table.sheet != self.index.sheet.name and not self.index.sheet.origins  # a document's is internal
            else self.table.sheet
        )
        return sheet + (self.table.caption or "")

    def _at(self, address: str) -> str:
        """Cells in a message: "表三 E44"; in a document the address alone, which its words name with the table."""
        return address if self.index.sheet.origins else f"{self.name} {address}"

    @property
    def axes(self) -> tuple[str, str]:
        """What the official form's rows and columns are as printed: 行 and 列, or the other way round across."""
        return ("列", "行") if self.index.transposed else ("行", "列")

    def _row(self, row: int, col: int) -> str:
        """Where the official row of cell (row, col) is printed: "第5行" of the sheet, or in a document of the table
        as published; "第 E 列", "第5列" when the table is printed across."""
        return self._line(row, col, across=self.index.transposed)

    def _column(self, row: int, col: int) -> str:
        """Where the official column of cell (row, col) is printed: "第 E 列" of the sheet, or in a document "第5列"
        of the table as published; a row when the table is printed across."""
        return self._line(row, col, across=not self.index.transposed)

    def _line(self, row: int, col: int, across: bool) -> str:
        """The column (`across`) or the row of the sheet's cell at (row, col) of the index, as a message names it."""
        cell, place = self.index.ref(row, col), self.index.sheet.origins.get((row, col))
        if across:
            return f"第{place.column}列" if place and place.column else f"第 {column_letter(cell.col)} 列"
        return f"第{place.row}行" if place and place.row else f"第{cell.row}行"

    def locate_rows(self, below: int) -> None:
        """Row labels in display order, each the first match below the previous one; then the labels of rows printed
        in another order than the official one, anywhere in the table (ST11 says so)."""
        last = below
        for leaf in self.table.row_leaves:
            hits = [(r, c) for r, c, t in self.index.labels if last < r < self.limit and matches(t, leaf)]
            if hits:
                self.rows[leaf.key] = last = hits[0][0]
                self.used.add(hits[0])
        for leaf in (x for x in self.table.row_leaves if x.key not in self.rows):
            taken = set(self.rows.values())
            hits = [
                (r, c)
                for r, c, t in self.index.labels
                if below < r < self.limit and r not in taken and matches(t, leaf)
            ]
            if hits:
                self.rows[leaf.key] = hits[0][0]
                self.used.add(hits[0])
        self.report_order()

    def report_order(self) -> None:
        """ST11 when rows are printed in another order than the official one: the first row found above a row the
        official form puts before it. Each row was read by its label, so nothing else follows from the order."""
        found = [(leaf, self.rows[leaf.key]) for leaf in self.table.row_leaves if leaf.key in self.rows]
        for i, (leaf, row) in enumerate(found):
            later = [(r, before) for before, r in found[:i] if r > row]
            if not later:
                continue
            _, before = min(later, key=lambda entry: entry[0])
            c = next(c for r, c in self.used if r == row)
            self.add(
                "ST11",
                f"{self.name}{self._row(row, c)}「{leaf.label}」排在「{before.label}」之前，与官方格式的{self.axes[0]}顺序不同。"
                "已按各行的标签读取；请按官方格式的顺序排列各行。",
                self.index.ref(row, c),
            )
            return

    def locate_columns(self, top: int, bottom: int) -> None:
        """Column headers inside rows top..bottom, disambiguated by their group headers above."""
        window = [(r, c, t) for r, c, t in self.index.labels if top <= r <= bottom]
        for leaf in self.table.column_leaves:
            hits = [
                (r, c)
                for r, c, t in window
                if is_header(t, leaf.label) and c not in self.cols.values() and self._under_path(leaf, r, c, window)
            ]
            if hits:
                r, c = max(hits, key=lambda h: (h[0], -h[1]))  # the lowest header row is the leaf row
                self.cols[leaf.key] = c
                self.used.add((r, c))

    def locate_parts(self, below: int) -> None:
        """The columns of a table without row labels (表四: a row of numbers under its headers), printed whole or in
        parts: one table for 行政复议 and one for 行政诉讼, or one for each group, with paragraphs between them or not,
        their group headers staggered over rows or not lined up with the columns under them. A column header belongs
        to the groups named above it in its own part (up to the row of numbers of a part above), or between it and its
        numbers (the header's rows in another order: ST11 says so); its number is in the first row below it holding
        any in its part. A part naming no group is read (left to right) only when no part names one; otherwise it is
        said to be unreadable (ST01)."""
        numbered = {
            r for (r, c), v in self.index.sheet.cells.items() if below < r < self.limit and _number(v) is not None
        }
        labelled: dict[int, list[tuple[int, str]]] = {}  # the group labels on each row, with their columns
        for r, c, t in self.index.labels:
            if below < r < self.limit:
                labelled.setdefault(r, []).extend((c, g) for g in groups_named(t, self.table.column_groups))
        leaves = self.table.column_leaves
        header_rows = {
            r for r, c, t in self.index.labels if below < r < self.limit and any(is_header(t, x.label) for x in leaves)
        }
        under = {
            (r, c): self._groups_under(r, c, labelled, numbered) for r, c, t in self.index.labels if r in header_rows
        }
        heads = [  # every text on a row of column headers, with the groups named above it (or under it)
            (r, c, t, self._groups_above(r, c, below, labelled, numbered) + under[(r, c)][0])
            for r, c, t in self.index.labels
            if r in header_rows
        ]
        named = any(chain for *_, t, chain in heads if any(is_header(t, x.label) for x in leaves))

        def spare(leaf: Leaf) -> list[tuple[int, int, str, int]]:
            """The header texts not taken that may be `leaf`'s by the groups above them, deepest named first."""
            return [
                (r, c, t, depth)
                for r, c, t, chain in heads
                if (r, c) not in self.used and (depth := _depth(chain, leaf)) >= 0 and (chain or not named)
            ]

        for leaf in leaves:
            exact = [(-depth, r, c) for r, c, t, depth in spare(leaf) if is_header(t, leaf.label)]
            if exact:
                _, r, c = min(exact)
                self.cols[leaf.key] = c
                self.used.add((r, c))
                self.data_row[leaf.key] = self._numbers_row(r, c, numbered, under[(r, c)][1])
        for leaf in (x for x in leaves if x.key not in self.cols):
            if cell := self._adopt(leaf, [(r, c, t) for r, c, t, _ in spare(leaf)], self.cols, lambda r, c: c, "列"):
                self.data_row[leaf.key] = self._numbers_row(*cell, numbered, under[cell][1])
        self._report_groups_under(under)
        if self.data_row:
            self.rows[self.table.row_leaves[0].key] = min(self.data_row.values())
        unnamed = [
            (r, c)
            for r, c, t, chain in heads
            if not chain and (r, c) not in self.used and is_header(t, leaves[0].label)
        ]
        missing = [leaf for leaf in self.table.column_leaves if leaf.key not in self.cols]
        if named and unnamed and missing:
            r, c = unnamed[0]
            names = list(dict.fromkeys(leaf.path[-1] for leaf in missing if leaf.path))
            numbers_row = self._numbers_row(r, c, numbered)
            self._stray(
                f"{self._row(r, c)}起的表格", self._numbers((numbers_row, col) for row, col in unnamed if row == r)
            )
            self.said |= {leaf.key for leaf in missing}
            self.add(
                "ST01",
                f"{self.name}{self._row(r, c)}起的表格（「{self.index.text(r, c)}」等栏目）没有写明属于"
                f"{'、'.join(names)}中的哪一类，无法确定其中的数字是哪一类的，未参与校验。"
                f"请在该表格的表头按官方格式写明所属的类别（如「{names[0]}」）。",
                self.index.ref(r, c),
                keys=[k for leaf in missing for k in self.keys(col=leaf)],
            )

    def _groups_above(
        self, row: int, col: int, below: int, labelled: dict[int, list[tuple[int, str]]], numbered: set[int]
    ) -> list[str]:
        """The group labels printed above a column header in its own part, over its column, nearest first: up to a
        row of numbers (the part above ends there) or the top of the table's section."""
        out: list[str] = []
        for r in range(row - 1, below, -1):
            if r in numbered:
                break
            out += [
                g
                for c, g in labelled.get(r, ())
                if g not in out and self.index.span(r, c)[0] <= col <= self.index.span(r, c)[1]
            ]
        return out

    def _groups_under(
        self, row: int, col: int, labelled: dict[int, list[tuple[int, str]]], numbered: set[int]
    ) -> tuple[list[str], tuple[int, ...]]:
        """The group labels printed between a column header and its row of numbers, over its column, and their rows:
        a header whose rows are in another order than the official one (表四's row of 未经复议直接起诉 and 复议后起诉
        under the row of 结果维持…总计). Only rows holding nothing over the column but a group label, up to the row of
        numbers: none when another text comes first (the headers of a part below) or no numbers follow."""
        top = self.index.merge_of.get((row, col), (row, col, row, col))[2] + 1
        groups: list[str] = []
        rows: list[int] = []
        for r in range(top, min(top + HEADER_WINDOW, self.limit)):
            if r in numbered:
                return groups, tuple(rows)
            first, left = self.index.merge_of.get((r, col), (r, col, r, col))[:2]
            if first != r or not self.index.text(r, left):
                continue  # nothing printed over the column on this row
            named = [g for c, g in labelled.get(r, ()) if c == left]
            if not named:
                break
            groups += [g for g in named if g not in groups]
            rows.append(r)
        return [], ()

    def _report_groups_under(self, under: dict[tuple[int, int], tuple[list[str], tuple[int, ...]]]) -> None:
        """ST11 when columns were told apart by group labels printed under their headers (the header's rows in
        another order than the official one): which labels, and that the columns were read by them all the same."""
        below = sorted(cell for cell in self.used if under.get(cell, ((), ()))[0])
        if not below:
            return
        groups = "」「".join(dict.fromkeys(g for cell in below for g in under[cell][0]))
        header, row = below[0], under[below[0]][1][0]
        first = min(c for r, c, _ in self.index.labels if r == row)
        self.add(
            "ST11",
            f"{self.name}表头中写明类别的「{groups}」（{self._row(row, first)}）排在「{self.index.text(*header)}」等栏目"
            f"（{self._row(*header)}）之下，与官方格式的表头不同：官方格式中类别写在其各栏目之上。"
            "已按各栏目上下写明的类别读取并校验；请按官方格式排列表头。",
            self.index.ref(row, first),
        )

    def _numbers_row(self, row: int, col: int, numbered: set[int], groups: tuple[int, ...] = ()) -> int:
        """The row of numbers under a column header: the first row below it (and below the header's merge) holding
        a number in its part, before the next row of labels over the column (not one of the rows of group labels
        `groups` printed under the header); else the row right under it."""
        top = self.index.merge_of.get((row, col), (row, col, row, col))[2] + 1
        for r in range(top, min(top + HEADER_WINDOW, self.limit)):
            if r in numbered:
                return r
            if r not in groups and self.index.text(r, col) and _number(self.index.sheet.cells.get((r, col))) is None:
                break  # the headers of a part below
        return top

    def _under_path(self, leaf: Leaf, row: int, col: int, window: list[tuple[int, int, str]]) -> bool:
        """Whether a header cell stands under the column's group labels printed above it. A group label merged down
        to the header's row or below stands beside it (「申请人情况」 in the table's corner, over the row labels), not
        over it."""
        for label in leaf.path:
            groups = [
                (r, c)
                for r, c, t in window
                if is_header(t, label) and r < row and self.index.merge_of.get((r, c), (r, c, r, c))[2] < row
            ]
            if groups and not any(lo <= col <= hi for lo, hi in (self.index.span(r, c) for r, c in groups)):
                return False
        return True

    def fuzzy_rows(self) -> None:
        """Rows whose label is misspelt: the closest unused text cell between the neighbouring rows found."""
        leaves = self.table.row_leaves
        for i, leaf in enumerate(leaves):
            if leaf.key in self.rows:
                continue
            lo = max((self.rows[x.key] for x in leaves[:i] if x.key in self.rows), default=0)
            hi = min((self.rows[x.key] for x in leaves[i + 1 :] if x.key in self.rows), default=self.limit)
            if lo == 0 and hi == self.limit:
                return
            spare = [(r, c, t) for r, c, t in self.index.labels if lo < r < hi and (r, c) not in self.used]
            self._adopt(leaf, spare, self.rows, lambda r, c: r, self.axes[0])

    def fuzzy_columns(self, top: int, bottom: int) -> None:
        """Columns whose header is misspelt: the closest unused header text under the column's group headers."""
        window = [(r, c, t) for r, c, t in self.index.labels if top <= r <= bottom]
        taken, label_limit = set(self.cols.values()), self.label_col_limit()
        spare = [(r, c, t) for r, c, t in window if (r, c) not in self.used and c not in taken and c > label_limit]
        for leaf in self.table.column_leaves:
            if leaf.key not in self.cols:
                under = [(r, c, t) for r, c, t in spare if self._under_path(leaf, r, c, window)]
                self._adopt(leaf, under, self.cols, lambda r, c: c, self.axes[1])

    def number_columns(self) -> list[int]:
        """The columns right of the row labels on the rows found: where a table without a header has its numbers (a
        document's blank cells count, having their place in its table)."""
        rows, right = set(self.rows.values()), self.label_col_limit()
        held = {c for r, c in (*self.index.sheet.cells, *self.index.sheet.origins) if r in rows and c > right}
        return sorted(held)

    def shared_header(self, below: int, first: int) -> None:
        """The header of the table above, when this table's rows were typed on in it (表二's 「行政处罚」「行政强制」
        under 「行政许可」 of 第二十条第（五）项, under one 「本年处理决定数量」): its column labels over this table's rows,
        with only that table's rows between them (no title or header of this table's own). ST04 says so."""
        official = {normalize(leaf.label) for t in self.report.template.tables.values() for leaf in t.row_leaves}
        used = set(self.used)
        self.locate_columns(max(1, first - HEADER_WINDOW), below)
        header = max((r for r, c in self.used - used), default=0)
        between = {t for r, c, t in self.index.labels if header < r < first}
        if not self.cols or not between or not between <= official:
            self.cols.clear()
            self.used = used
            return
        self.add(
            "ST04",
            f"{self.name}与其上的表格键入在同一张表格中（共用其表头），已按该表头读取并校验。"
            "请按官方格式分成单独的表格，写明各自的表格说明和表头。",
            self.index.ref(first, min(c for r, c in self.used if r == first)),
        )

    def headerless(self, below: int, top: int) -> None:
        """A table whose rows are found by their labels but which prints nothing over its numbers (no header, or a
        picture of one above the table): its columns of numbers, when as many as the official form has side by side,
        are read in the official order, and ST04 says so (what a header would show cannot be checked)."""
        columns, leaves = self.number_columns(), self.table.column_leaves
        row = min(self.rows.values())
        cells = [(r, c) for r in set(self.rows.values()) for c in columns]
        if (
            len(columns) != len(leaves)
            or columns[-1] - columns[0] != len(leaves) - 1
            or 2 * len(self._numbers(cells)) < len(cells)  # a row of labels (a table printed across), not numbers
            or _printed_over(self.index, set(columns), top, row)
        ):
            return
        self.cols = {leaf.key: col for leaf, col in zip(leaves, columns)}
        names = "」「".join(leaf.label for leaf in leaves)
        line = self.axes[1]
        pictured = any(below < r < row for r in self.index.sheet.pictures)
        check = f"图片中各{line}的顺序与此相同" if pictured else f"各{line}数字依次是这些栏目的"
        self.add(
            "ST04",
            f"{self.name}{_no_header(self.index, below, row)}。已按官方格式的{line}顺序（「{names}」）读取表格中的 "
            f"{len(columns)} {line}数字并校验（请核对{check}）。"
            f"{_header_advice(self.index, below, row)}",
            self.index.ref(row, min(c for r, c in self.used if r == row)),
        )

    def _adopt(self, leaf: Leaf, spare, found: dict[str, int], pos, axis: str) -> tuple[int, int] | None:
        """The closest text to a label not found, adopted with ST04; its cell, or None when none is close."""
        scored = [(closeness(t, leaf.label), r, c) for r, c, t in spare if (r, c) not in self.used]
        scored = [s for s in scored if s[0] >= FUZZY_MIN_RATIO]
        if not scored:
            return None
        _, r, c = max(scored)
        found[leaf.key] = pos(r, c)
        self.used.add((r, c))
        self.add(
            "ST04",
            f"{self._at(self.index.ref(r, c).coordinate)}「{self.index.text(r, c)}」与官方{axis}标签"
            f"「{leaf.label}」不一致，已按「{leaf.label}」校验。请改为官方标签。",
            self.index.ref(r, c),
        )
        return r, c

    @property
    def score(self) -> int:
        """How well this reading fits the table: its rows and columns found, less its inputs that would be read from
        a cell holding one of its labels (a header taken for a number: the table runs the other way)."""
        labels = _labels(self.table)
        texts = {(r, c): t for r, c, t in self.index.labels}
        return len(self.rows) + len(self.cols) - sum(texts.get((r, c)) in labels for _, r, c in self.inputs())

    @property
    def held(self) -> int:
        """How many of the table's inputs this reading finds, those that would be read from a cell holding one of its
        labels left out."""
        labels = _labels(self.table)
        texts = {(r, c): t for r, c, t in self.index.labels}
        return sum(texts.get((r, c)) not in labels for _, r, c in self.inputs())

    @property
    def complete(self) -> bool:
        """Whether every row and column was found and no input lies on a label."""
        return self.score == len(self.table.row_leaves) + len(self.table.column_leaves)

    @property
    def header_bottom(self) -> int:
        """The lowest row holding a located column header (0 when none was found)."""
        header_cells = [r for r, c in self.used if c in self.cols.values() and r not in self.rows.values()]
        return max(header_cells, default=0)

    def label_col_limit(self) -> int:
        """The rightmost column holding a located row label (data columns lie to its right)."""
        return max((c for r, c in self.used if r in self.rows.values()), default=0)

    def report_missing(self) -> set[int]:
        """ST02/ST03 for rows and columns not found; returns the rows of groups filled as a single row. A table run off
        a PDF page's edge lost the columns as printed (the official rows of a table printed across): one finding names
        them all, with the cause and what to do."""
        single_groups = self._single_row_groups()
        skipped = {leaf.key for leaves in single_groups.values() for leaf in leaves}
        rows = [leaf for leaf in self.table.row_leaves if leaf.key not in self.rows and leaf.key not in skipped]
        cols = [leaf for leaf in self.table.column_leaves if leaf.key not in self.cols and leaf.key not in self.said]
        across = self.index.transposed
        clipped = (rows if across else cols) and self.clipped
        for code, lost, axis, printed in (("ST02", rows, "row", self.axes[0]), ("ST03", cols, "col", self.axes[1])):
            if clipped and printed == "列":
                self._clipped(code, lost, axis)
                continue
            for leaf in lost:
                keys = self._lost_keys(leaf, axis)
                assumed = self.assume_zero(leaf, keys)
                under = _under(leaf.path) if axis == "col" else ""
                add = f"请按官方格式补上该{printed}。"
                self.add(code, f"{self.name}缺少「{leaf.label}」{printed}{under}。{add}{assumed}", keys=keys)
        return set(single_groups)

    def _clipped(self, code: str, lost: list[Leaf], axis: str) -> None:
        """One finding for the columns as printed of a table running off a PDF page's edge: each lost one named (by
        the group it stands under), the cause and what to do said once, those summed checked as 0 as for one."""
        keys, zeros = [], []
        for leaf in lost:
            own = self._lost_keys(leaf, axis)
            keys += own
            if self.assume_zero(leaf, own):
                zeros.append(f"「{leaf.label}」")
        assumed = f"已按{''.join(zeros)}为 0 校验相关的合计，不平衡时只作提醒。" if zeros else ""
        if len(lost) == 1:
            what = f"「{lost[0].label}」列{_under(lost[0].path)}"
        else:  # each run of them under one group named once, in their order
            runs = itertools.groupby(lost, key=lambda leaf: leaf.path)
            what = f" {len(lost)} 列：" + "，".join(
                "".join(f"「{leaf.label}」" for leaf in run) + _under(path) for path, run in runs
            )
        self.add(code, f"{self.name}缺少{what}。{_CLIPPED}{assumed}", keys=keys)

    def _lost_keys(self, leaf: Leaf, axis: str) -> list[str]:
        """The cells of a row or column not found (`axis`: "row" or "col"); a column's without those of a group
        filled as one row, which are ST08's (`said`)."""
        keys = self.keys(**{axis: leaf})
        return keys if axis == "row" else [k for k in keys if self.report.standins.get(k) != "grouped"]

    @property
    def clipped(self) -> bool:
        """Whether the table was read from a PDF table running off the page's edge: what lies beyond is unprinted."""
        if not self.index.sheet.clipped:  # a workbook's, a web page's, a Word file's: nothing to look for
            return False
        rows = set(self.index.sheet.clipped)
        return any(self.index.ref(r, c).row in rows for r, c in self.used)

    def _single_row_groups(self) -> dict[int, list[Leaf]]:
        """Groups whose sub-rows are all missing but whose own label row carries numbers (as older formats had it)."""
        groups: dict[str, list[Leaf]] = {}
        for leaf in self.table.row_leaves:
            if leaf.path and leaf.key not in self.rows:
                groups.setdefault(leaf.path[-1], []).append(leaf)
        data_cols = list(self.cols.values())
        out: dict[int, list[Leaf]] = {}
        for label, missing in groups.items():
            siblings = [x for x in self.table.row_leaves if x.path and x.path[-1] == label]
            lo = max((r for k, r in self.rows.items() if k in self._keys_before(missing[0])), default=0)
            hit = next(((r, c) for r, c, t in self.index.labels if lo < r < self.limit and same_group(t, label)), None)
            if len(missing) == len(siblings) and hit and self.index.row_has_value(hit[0], data_cols):
                out[hit[0]] = missing
                self._stand_for_group(hit[0], label, missing)
                parts = "、".join(f"“{x.label}”" for x in missing)
                self.add(
                    "ST08",
                    f"{self.name}{self._row(*hit)}「{label}」只填了一{self.axes[0]}，"
                    f"{self.report.template.name}应分为{parts}{len(missing)}项分别填报。"
                    f"这一{self.axes[0]}已按{len(missing)}项之和参与校验。",
                    self.index.ref(*hit),
                    keys=[k for leaf in missing for k in self.keys(row=leaf) if self._stands_in(k)],
                )
        return out

    def _stands_in(self, key: str) -> bool:
        return key in self.report.standins or key in self.report.labels

    def _keys_before(self, leaf: Leaf) -> set[str]:
        leaves = self.table.row_leaves
        return {x.key for x in leaves[: leaves.index(leaf)]}

    def _stand_for_group(self, row: int, label: str, missing: list[Leaf]) -> None:
        """The group's one row holds the sum of its sub-rows: the first sub-row takes it, the others are 0."""
        first, *rest = missing
        for leaf in self.table.column_leaves:
            if leaf.key in self.cols:
                key = self.table.cell_key(first.key, leaf.key)
                col = self.cols[leaf.key]
                self.report.cells[key] = Located(key, self.index.ref(row, col), self.index.sheet.cells.get((row, col)))
                self.report.labels[key] = f"{label} / {leaf.label}"
        self.report.places[f"「{first.label}」行"] = f"「{label}」行（只填了一行）"
        for key in (k for leaf in rest for k in self.keys(row=leaf)):
            self.report.standins[key] = "grouped"

    def report_extra_rows(self, single_rows: set[int]) -> None:
        """Rows with numbers but no official label, between the headers and the first blank row after the table, and
        rows with numbers but no label at all between its first and last data row (a clerk's inserted row)."""
        if not self.rows or not self.cols:
            return
        if isinstance(self.index, Folded):
            self._rows_beside_groups(self.index)
            return
        if not self.table.has_row_labels:
            self._rows_under_numbers()
            return
        label_limit = min(self.cols.values())
        known = set(self.rows.values()) | set(self.data_row.values()) | single_rows
        group_labels = {normalize(p) for leaf in self.table.row_leaves for p in leaf.path}
        tables = self.report.template.tables.values()  # another table's rows (表二's next block typed on) end it
        official = {normalize(leaf.label) for t in tables if t.key != self.table.key for leaf in t.row_leaves} | {
            normalize(t.caption) for t in tables if t.caption
        }
        row = self.header_bottom + 1 if self.header_bottom else min(known)
        while row < self.limit and (row <= max(known) or self._row_in_use(row, label_limit, official)):
            # another table's row (one typed on in this) is its own
            if row not in known and not {t for _, t in self._row_labels(row, label_limit)} & official:
                self._extra_row(row, label_limit, group_labels, min(known) < row < max(known))
            row += 1

    def _extra_row(self, row: int, label_limit: int, group_labels: set[str], inside: bool) -> None:
        """ST05 for a row that is no official one: labelled and holding anything, or holding numbers but no label
        at all `inside` the table (between its first and last data row)."""
        texts = self._row_labels(row, label_limit)
        numbers = self._numbers((row, c) for c in sorted(self.cols.values()))
        line = self.axes[0]
        if texts and self.index.row_has_value(row, self.cols.values()):
            c, text = texts[-1]
            what = f"是小计{line}，官方格式没有这一{line}" if text in group_labels else f"不是官方格式中的{line}"
            self._stray(f"{self._row(row, c)}「{self.index.text(row, c)}」", numbers)
            self.add(
                "ST05",
                f"{self.name}{self._row(row, c)}「{self.index.text(row, c)}」{what}，未参与校验。"
                f"请删除该{line}，或把数据并入对应的官方{line}。",
                self.index.ref(row, c),
            )
        elif not texts and numbers and inside:
            first = numbers[0][0]
            self._stray(f"{self._row(row, first.col)}（没有标签）", numbers)
            since = "" if self.index.sheet.origins else f"（自 {first.coordinate} 起）"  # a document has no addresses
            self.add(
                "ST05",
                f"{self.name}{self._row(row, first.col)}有数字{since}但没有{line}标签，不是官方格式中的{line}，"
                f"其中的数字未参与校验。请把这些数字并入对应的官方{line}后删除该{line}；"
                f"如该{line}本是某一官方{line}，请补上官方标签。",
                first,
            )

    def _rows_under_numbers(self) -> None:
        """ST05 for each row holding numbers right under a row of numbers of a table without row labels (表四: a second
        row, or a 合计 row, added under its one row): the official form has no such row, so it is left out of the
        checks. A row holding no number in the part's columns (a blank row, a note, the paragraph or heading that
        follows) ends the table."""
        parts: dict[int, list[int]] = {}  # each row of numbers (one per part) with the columns of its part
        for key, row in self.data_row.items():
            parts.setdefault(row, []).append(self.cols[key])
        for data, cols in sorted(parts.items()):
            row, right = data + 1, max(cols)
            while row < self.limit and row not in parts:
                numbers = self._numbers((row, c) for c in range(min(cols), right + 1))
                if not numbers:
                    break
                self._extra_number_row(row, right, numbers, self._row(data, min(cols)))
                row += 1

    def _rows_beside_groups(self, grid: Folded) -> None:
        """ST05 for each row holding numbers in a grid of column groups (表四 one row per group) that is no group's
        row: between the groups' rows, or right under them (a 合计 row), said at the sheet's own cells as of a table
        without row labels. A row holding no number in the grid's columns under the groups' rows ends the grid."""
        sheet = TableLocator(grid.base, self.table, self.report, self.quiet, grid.limit)
        columns, row = range(grid.first, grid.first + grid.width), grid.header + 1
        groups = "」「".join(dict.fromkeys(path[-1] for path in self.table.column_groups))
        while row < grid.limit:
            numbers = sheet._numbers((row, c) for c in columns)
            if row > grid.groups[-1] and not numbers:
                break
            if numbers and row not in grid.groups:
                sheet._extra_number_row(
                    row, columns[-1], numbers, "所属类别那一行", f"该表每一类别（「{groups}」）一行数字"
                )
            row += 1

    def _extra_number_row(
        self,
        row: int,
        right: int,
        numbers: tuple[tuple[CellRef, float], ...],
        data: str,
        rows: str = "",
    ) -> None:
        """ST05 for a row of numbers beside the rows of numbers of a table without row labels (its one row, at
        `data`; `rows` what they are, when more than one), at the row's first cell up to column `right`; its label,
        when it has one, is the first text in it."""
        filled = [c for c in range(1, right + 1) if self.index.row_has_value(row, (c,))]
        texts = [c for c in filled if _number(self.index.sheet.cells.get((row, c))) is None]
        line, first = self.axes[0], filled[0]
        if texts:
            what = f"{self._row(row, texts[0])}「{self.index.text(row, texts[0])}」"
            said = f"{what}不是官方格式中的{line}"
        else:
            what = f"{self._row(row, first)}（没有标签）"
            since = "" if self.index.sheet.origins else f"（自 {numbers[0][0].coordinate} 起）"
            said = f"{self._row(row, first)}有数字{since}，不是官方格式中的{line}（{rows or f'该表只有一{line}数字'}）"
        self._stray(what, numbers)
        self.add(
            "ST05",
            f"{self.name}{said}，其中的数字未参与校验。"
            f"请删除该{line}；如其中的数字应当计入，请先把它们加到{data}对应的单元格中。",
            self.index.ref(row, first),
        )

    def report_extra_columns(self) -> None:
        """Columns with numbers in the table's rows but no official header: between its first and last column (a
        subtotal column inserted before 总计), or right after its last under a header of their own (a 合计 column
        some agencies add after 总计). Left out of the checks, which the reader must know."""
        if not self.rows or not self.cols:
            return
        located = set(self.cols.values())
        rows = {*self.rows.values(), *self.data_row.values()}
        top = min(self.rows.values())
        inside = [c for c in range(min(located) + 1, max(located)) if c not in located]
        for col in [*inside, *self._headed_columns_after(max(located), rows, top)]:
            if not any(self.index.row_has_value(r, (col,)) for r in rows):
                continue
            heads = [(r, c) for r, c, _ in self.index.labels if c == col and r < top]
            r, c = max(heads, default=(top, col))
            label = f"「{self.index.text(r, c)}」" if heads else ""
            self._stray(
                f"{self._column(r, col)}{label or '（没有表头）'}",
                self._numbers((row, col) for row in sorted(self.rows.values())),
            )
            self.add(
                "ST05",
                f"{self.name}{self._column(r, col)}{label}不是官方格式中的{self.axes[1]}，其中的数字未参与校验。"
                f"请删除该{self.axes[1]}，或把数据并入对应的官方{self.axes[1]}。",
                self.index.ref(r, c),
            )

    def _headed_columns_after(self, last: int, rows: set[int], top: int) -> Iterator[int]:
        """The columns right after the table's last one that print a header of their own (in the header rows above
        `top`, the first row of numbers) and a number in the table's `rows`, up to the first that does not."""
        col = last + 1
        while self._numbers((r, col) for r in rows) and any(
            c == col and top - HEADER_WINDOW <= r < top for r, c, _ in self.index.labels
        ):
            yield col
            col += 1

    def _numbers(self, positions: Iterable[tuple[int, int]]) -> tuple[tuple[CellRef, float], ...]:
        """The cells among `positions` holding a number (stored as a number or as plain digits), with it."""
        out = []
        for r, c in positions:
            value = _number(self.index.sheet.cells.get((r, c)))
            if value is not None:
                out.append((self.index.ref(r, c), value))
        return tuple(out)

    def _stray(self, what: str, numbers: tuple[tuple[CellRef, float], ...]) -> None:
        if numbers and not self.quiet:
            self.report.strays.append(Stray(what, numbers))

    def _row_in_use(self, row: int, label_limit: int, official: set[str]) -> bool:
        """Whether a row below the table still belongs to it: it has numbers and a label that is no official one."""
        texts = {t for _, t in self._row_labels(row, label_limit)}
        return bool(texts) and not texts & official and self.index.row_has_value(row, self.cols.values())

    def _row_labels(self, row: int, label_limit: int) -> list[tuple[int, str]]:
        """(column, text) of the row's labels left of `label_limit` (the table's first column of numbers)."""
        return [(c, t) for r, c, t in self.index.labels if r == row and c < label_limit]

    def inputs(self) -> Iterator[tuple[str, int, int]]:
        """(key, row, column) of each input whose row and column were found."""
        for r_leaf in self.table.row_leaves:
            for c_leaf in self.table.column_leaves:
                if r_leaf.key in self.rows and c_leaf.key in self.cols:
                    row, col = self.data_row.get(c_leaf.key, self.rows[r_leaf.key]), self.cols[c_leaf.key]
                    yield self.table.cell_key(r_leaf.key, c_leaf.key), row, col

    def record_cells(self) -> None:
        for key, row, col in self.inputs():
            raw = self.index.sheet.cells.get((row, col))
            self.report.cells[key] = Located(key, self.index.ref(row, col), raw)

    def report_merged_inputs(self) -> None:
        """A merge over several inputs hides all but one value: report it and treat the hidden ones as unknown."""
        by_merge: dict[tuple[int, int, int, int], list[Located]] = {}
        merges = {self.index.ref(*at): merge for at, merge in self.index.merge_of.items()}  # by the sheet's cells
        for key in [k for k in self.report.cells if k.startswith(f"{self.table.key}.")]:
            loc = self.report.cells[key]
            merge = merges.get(loc.cell)
            if merge:
                by_merge.setdefault(merge, []).append(loc)
        for merge, cells in by_merge.items():
            if len(cells) < 2:
                continue
            top_left = self.index.ref(merge[0], merge[1])  # a view's corners are the sheet's own
            area = f"{top_left.coordinate}:{self.index.ref(merge[2], merge[3]).coordinate}"
            self.add(
                "ST06",
                f"{self._at(area)} 是合并单元格，覆盖了 {len(cells)} 个填报单元格。请取消合并后分别填写。",
                top_left,
            )
            for loc in cells:
                if loc.cell != top_left:
                    del self.report.cells[loc.key]


_DIGITS = re.compile(r"[+-]?\d+(?:\.\d+)?")


def _number(value: object) -> float | None:
    """A cell's number: stored as one, or as plain digits (a document's cells are text); None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().replace(",", "") if isinstance(value, str) else ""
    return float(text) if _DIGITS.fullmatch(text) else None


def _depth(chain: list[str], leaf: Leaf) -> int:
    """How deep in a column's groups the group labels above a header name it (2: 复议后起诉 under 行政诉讼; 0: none),
    or -1 when they name another group."""
    if any(label not in leaf.path for label in chain):
        return -1
    return max((leaf.path.index(label) + 1 for label in chain), default=0)


def _is_total(leaf: Leaf) -> bool:
    return "总计" in leaf.label or "合计" in leaf.label


def _labels(table: Table) -> set[str]:
    """A table's labels, normalised: its row and column labels and their groups, its caption and corner."""
    heads = [x for leaf in (*table.row_leaves, *table.column_leaves) for x in (leaf.label, *leaf.path)]
    return {normalize(x) for x in (*heads, table.caption, table.corner) if x}


def _own_labels(table: Table, template: Template) -> set[str]:
    """The labels only this table has: a table is found by these, never by a 总计 it shares with another."""
    others = set().union(*(_labels(t) for t in template.tables.values() if t.key != table.key))
    return _labels(table) - others - {""}


def locate_table(
    index: SheetIndex,
    table: Table,
    report: LocatedReport,
    below: int,
    quiet: bool,
    limit: int = 10**6,
    heading: int = 0,
    missing: list[tuple[TableLocator, int, int]] | None = None,
    after_found: bool = False,
) -> int:
    """Locate one table whose rows lie between rows `below` and `limit`; returns its last data row (or `below`).

    `heading` is the row of the section heading the table belongs under, when the sheet prints one. A table not
    found whole is also looked for printed across (its official rows as columns) and, a table of column groups,
    printed as a grid (one row per group); the reading finding most of its labels is kept, and a table read
    otherwise than the official form prints it is said to be so (ST11, as rows out of order are). A table not found
    at all is added to `missing` with its heading row and the row it was looked for below (the heading's, or
    `below` when it comes `after_found` tables), for `report_missing` to say once for all of a sheet's tables
    (表二's four blocks); without `missing` it is said at once.
    """
    loc = _find(index, table, report, below, quiet, limit)
    for view in () if loc.complete else rearranged(index, table, below, limit):
        other = _find(view, table, report, 0, quiet, 10**6)
        if other.score > loc.score:
            loc = other
    loc.report, trial = report, loc.report
    if loc.index is not index and loc.rows and loc.cols:  # said before what the reading found, which it explains
        message = _folded(loc) if isinstance(loc.index, Folded) else _across(loc)
        loc.add("ST11", message, loc.index.ref(*min(loc.used)))
    report.take(trial)
    if not loc.rows or not loc.cols:
        found = (loc, heading, below if after_found else heading)
        if missing is None:
            report_missing(index, [found], limit)
        else:
            missing.append(found)
        return below
    loc.report_extra_rows(loc.report_missing())
    loc.report_extra_columns()
    loc.record_cells()
    loc.report_merged_inputs()
    if table.caption and not quiet:
        top = min(loc.index.ref(r, c).row for r, c in loc.used)
        check_heading(index, report, table.caption, below, top, f"{loc.name}的表格说明")
    return max(loc.index.ref(r, c).row for r in loc.rows.values() for c in loc.cols.values())


def table_fit(index: SheetIndex, table: Table, template: Template) -> int:
    """How many of `table`'s inputs a sheet holds, in the reading finding most of them (as the official form prints
    the table, or otherwise): a ledger or a note naming a few of its labels holds few or none (a row label with no
    column found holds no input), a sheet showing only labels it shares with another table (表四's 总计) none."""
    trial = LocatedReport(template)
    readings = (index, *rearranged(index, table, 0, 10**6))
    return max(_find(view, table, trial, 0, True, 10**6).held for view in readings)


def _find(index: SheetIndex, table: Table, report: LocatedReport, below: int, quiet: bool, limit: int) -> TableLocator:
    """A table's rows and columns found by their labels in `index`, what that says (misspelt labels) kept apart in
    a report of its own until this reading is the one kept."""
    loc = TableLocator(index, table, LocatedReport(report.template), quiet, limit)
    if table.has_row_labels:
        loc.locate_rows(below)
        loc.fuzzy_rows()
        if loc.rows:
            first = min(loc.rows.values())
            top = max(below + 1, first - HEADER_WINDOW)
            loc.locate_columns(top, first - 1)
            loc.fuzzy_columns(top, first - 1)
            if not loc.cols and below:
                loc.shared_header(below, first)
            if not loc.cols:
                loc.headerless(below, top)
    else:
        loc.locate_parts(below)
        own = _own_labels(table, report.template)
        if not any(t in own for r, c, t in index.labels if (r, c) in loc.used):
            loc.cols.clear()  # only labels shared with another table (总计): that table's, not this one
    return loc


def _across(loc: TableLocator) -> str:
    """ST11 for a table read across: which of its labels run the other way, and that nothing is lost by it."""
    column = "」「".join((*loc.table.column_leaves[0].path, loc.table.column_leaves[0].label))
    rows = f"，官方格式左侧的「{loc.table.row_leaves[0].label}」等各行印成了列" if loc.table.has_row_labels else ""
    return (
        f"{loc.name}的行和列与官方格式对调：官方格式表头中的「{column}」等各列印成了行{rows}。"
        "已按各栏目的标签读取并校验；请按官方格式的行列排列该表。"
    )


def _folded(loc: TableLocator) -> str:
    """ST11 for a table of column groups read from a grid of one row per group: which rows and columns it has."""
    groups = "」「".join(dict.fromkeys(leaf.path[-1] for leaf in loc.table.column_leaves))
    columns = list(dict.fromkeys(leaf.label for leaf in loc.table.column_leaves))
    return (
        f"{loc.name}按类别分行排列：「{groups}」各占一行，共用「{columns[0]}」至「{columns[-1]}」各列；"
        "官方格式中各类别的各列在同一行依次排开。已按各栏目的标签读到官方格式的对应位置并校验；请按官方格式排列该表。"
    )


def check_heading(index: SheetIndex, report: LocatedReport, expected: str, lo: int, hi: int, what: str) -> None:
    """ST04 when a heading or caption expected between rows lo and hi is missing or written otherwise."""
    target = normalize(expected)
    texts = [(r, c, t) for r, c, t in index.labels if lo <= r < hi]
    if any(t == target for *_, t in texts):
        return
    official = official_labels(report.template)
    scored = [(fuzzy(t, expected), r, c) for r, c, t in texts if t not in official]
    best = max((s for s in scored if s[0] >= FUZZY_MIN_RATIO), default=None)
    if best is None:
        report.add("ST04", f"{what}缺少「{expected}」。请按官方格式补上。")
        return
    _, r, c = best
    report.add(
        "ST04",
        f"{what}{index.ref(r, c).coordinate}「{index.text(r, c)}」与官方的「{expected}」不一致。请改为官方写法。",
        index.ref(r, c),
    )


def official_labels(template: Template) -> set[str]:
    """Every label of the template, normalised: headings, captions, corners, row and column labels, fields."""
    out = {normalize(s.title) for s in template.sheets} | {normalize(f.label) for f in template.fields.values()}
    for t in template.tables.values():
        heads = [x for leaf in (*t.row_leaves, *t.column_leaves) for x in (leaf.label, *leaf.path)]
        out |= {normalize(x) for x in (*heads, t.caption, t.corner) if x}
    return out - {""}


def report_missing(
    index: SheetIndex, missing: list[tuple[TableLocator, int, int]], limit: int, found: Iterable[int] = ()
) -> None:
    """One ST01 for the tables of a sheet not found (with their heading rows and the row each was looked for below,
    `locate_table`) that have the same reason, not one per table: 表二's four blocks under one picture, or under a
    heading with no table under it, are one finding, at the heading, naming the blocks when only some of the sheet's
    are missing. What stands where a table was looked for is its reason: below its heading, or below the table found
    before it, up to the next one found (`found`: the rows of the sheet's tables' cells) or the section's `limit`."""
    plain: list[tuple[TableLocator, int]] = []  # nothing under the heading or no heading: said of them all at once
    reasons: dict[str, list[tuple[TableLocator, tuple[int, int, int]]]] = {}
    rows = sorted(found)
    for loc, heading, start in missing:
        where = (heading, start, next((r for r in rows if r > start), limit))
        if (reason := _missing_reason(index, loc, where, loc.table.sheet)) is None:
            plain.append((loc, heading if start == heading else 0))  # below a table found: not "under the heading"
        else:
            reasons.setdefault(reason, []).append((loc, where))
    said = [
        (_missing_reason(index, g[0][0], g[0][1], _subject(g)) or "", g[0][1][0], [loc for loc, _ in g])
        for g in reasons.values()
    ]
    if plain:
        heading = max(h for _, h in plain)
        tables = [loc.table for loc, _ in plain]
        said.append((_absent(index, tables, _sheet_tables(plain[0][0]), heading), heading, [loc for loc, _ in plain]))
    for message, heading, locs in said:
        cell = index.ref(*index.row_start(heading)) if heading else None
        locs[0].add("ST01", message, cell, keys=itertools.chain.from_iterable(loc.keys() for loc in locs))


def _sheet_tables(loc: TableLocator) -> list[Table]:
    """The tables of the official format's sheet `loc`'s table belongs to (表二's four blocks), in order."""
    return [t for t in loc.report.template.tables.values() if t.sheet == loc.table.sheet]


def _captions(tables: list[Table]) -> str:
    """Tables named by their captions: "「第二十条第（五）项」「第二十条第（六）项」"."""
    return "".join(f"「{t.caption}」" for t in tables if t.caption)


def _subject(group: list[tuple[TableLocator, tuple[int, int, int]]]) -> str:
    """What a finding about the tables of `group` is about: the sheet when they are all of its tables ("表二"),
    else the blocks missing named ("表二的表格「第二十条第（五）项」")."""
    loc = group[0][0]
    tables = [g.table for g, _ in group]
    if len(tables) == len(_sheet_tables(loc)) or not _captions(tables):
        return loc.table.sheet
    return f"{loc.table.sheet}的表格{_captions(tables)}"


def _absent(index: SheetIndex, tables: list[Table], official: list[Table], heading: int) -> str:
    """ST01 for tables of one sheet with nothing said of why they are missing: none under the sheet's heading, or
    no heading either. All of a sheet's blocks (表二's four) are named at once, and only some of them as those."""
    sheet, captions, several = tables[0].sheet, _captions(tables), len(tables) > 1
    add = _add_table(index, "这些表格" if several else "该表")
    if not captions:
        name = "表格"
    elif len(tables) == len(official):
        name = f"{sheet}的表格{captions}" if several else f"表格{captions}"
    else:
        name = f"表格{captions}（{sheet}的其他表格已找到）"
    if heading:
        title = index.text(*index.row_start(heading))
        lacks = "缺失" if len(tables) == len(official) else "缺少部分表格"
        return f"{sheet}{lacks}：{index.at_row(heading)}有标题「{title}」，但其下没有{name}。{add}"
    return f"找不到{name if name.startswith(sheet) else f'{sheet}中的{name}'}。{add}"


def _missing_reason(index: SheetIndex, loc: TableLocator, where: tuple[int, int, int], subject: str) -> str | None:
    """ST01 for a table (`subject`: "表二", or blocks of it) not found under its heading when something else stands
    where it was looked for (`where`: its heading's row, and the rows it was looked for between): a picture, an
    embedded worksheet, a PDF's numbers set in columns without rules, another table of the format, a table of
    numbers printing no header over them (a picture of one above it, or nothing); None when nothing does (or there
    is no heading: `_absent`)."""
    table = loc.table
    at, heading, limit = where
    if at:
        title = index.text(*index.row_start(at))
        numbers = sorted(
            (r, c) for (r, c), v in index.sheet.cells.items() if heading < r < limit and _number(v) is not None
        )
        row = numbers[0][0] if numbers else limit
        columns = {c for r, c in numbers if r == row}
        if numbers and not _printed_over(index, columns, heading, row):
            held = loc.number_columns() if loc.index is index and loc.rows else []
            count = f"（表格有 {len(held)} 列数字，官方格式有 {len(table.column_leaves)} 列）" if held else ""
            return (
                f"{subject}{_no_header(index, heading, row)}，无法确定其中的数字各属于哪一栏{count}，相关勾稽关系未校验。"
                f"{_header_advice(index, heading, row)}"
            )
        if any(heading < row < limit for row in index.sheet.worksheets):
            return (
                f"{subject}是嵌入的 Excel 工作表对象：标题「{title}」下不是 Word 表格，而是从 Excel 粘贴成“对象”的工作表，"
                "文档中只有它的预览图，无法读取其中的数字，相关勾稽关系未校验。请在 Word 中双击该对象打开，复制其中的单元格，"
                f"{PASTE_AS_TABLE.receiver}"
            )
        if any(heading < row < limit for row in index.sheet.pictures):
            pictured = as_picture(subject, f"标题「{title}」下是图片而不是表格", "数字")
            return f"{pictured}，相关勾稽关系未校验。请{as_text('表格')}。"
        if any(heading < row < limit for row in index.sheet.clipped):
            return (
                f"{subject}无法读取：标题「{title}」下的表格超出了 PDF 页面的边缘（导出或打印 PDF 时表格比页面宽），"
                "超出的部分没有印出来，无法完整读取该表的栏目和数字，相关勾稽关系未校验。"
                f"{LANDSCAPE_OR_SMALLER.receiver}"
            )
        if any(heading < row < limit for row in index.sheet.unruled):
            return (
                f"{subject}无法读取：标题「{title}」下的数字按列排开，但没有表格线（框线），无法还原成表格、读取其中的数字，"
                f"相关勾稽关系未校验。{TABLE_NO_RULES.receiver}"
            )
        if other := _other_table(index, loc, heading, limit):
            return f"{subject}缺失：标题「{title}」下的表格不是{table.sheet}，{other}"
    return None


_OTHER_LABELS = 3  # labels only another table has, at least, for what stands under a heading to be that table
_LABELS_SAID = 3  # of which a message names this many


def _other_table(index: SheetIndex, loc: TableLocator, heading: int, limit: int) -> str | None:
    """What to say of another table of the format standing under a table's heading instead of it (表三 pasted again
    under 四、…), told by labels only that table has: whose they are, whether that table was read elsewhere (this
    copy then is not checked), and what to do; None when no other table's labels stand there."""
    template = loc.report.template
    texts = [(r, c, t) for r, c, t in index.labels if heading < r < limit]
    found: dict[str, list[tuple[int, int]]] = {}
    for other in template.tables.values():
        if other.sheet != loc.table.sheet:
            own = _own_labels(other, template)
            found.setdefault(other.sheet, []).extend((r, c) for r, c, t in texts if t in own)
    sheet, cells = max(found.items(), key=lambda item: len(set(item[1])), default=("", []))
    cells = sorted(set(cells))
    if len(cells) < _OTHER_LABELS:
        return None
    others = [t for t in template.tables.values() if t.sheet == sheet]
    columns = {normalize(leaf.label) for t in others for leaf in t.column_leaves}
    rows = {normalize(leaf.label) for t in others for leaf in t.row_leaves}
    notes = {normalize(x) for t in others for x in (t.caption, t.corner) if x}
    texts_at = {(r, c): t for r, c, t in texts}

    def rank(text: str) -> int:
        """Its column labels first (「自然人」「商业企业」), then its row and group labels, its long corner last."""
        return 0 if text in columns else 1 if text in rows else 3 if text in notes else 2

    named = sorted((rank(texts_at[rc]), rc) for rc in cells)
    names = "」「".join(dict.fromkeys(index.text(*rc) for _, rc in named[:_LABELS_SAID]))
    other_keys = {t.key for t in others}
    read = [
        located.cell
        for key, located in loc.report.cells.items()
        if key.split(".")[0] in other_keys
        and (located.cell.sheet != index.sheet.name or not heading < located.cell.row < limit)
    ]
    add = REPLACE_TABLE.receiver.format(table=loc.table.sheet)
    if not read:
        return f"而是{sheet}（其栏目「{names}」是{sheet}的）。如它是{sheet}，请放到{sheet}的章节标题之下；{add}"
    first = min(read, key=lambda cell: (cell.sheet != index.sheet.name, cell.row))
    if first.sheet != index.sheet.name:
        where = f"工作表「{first.sheet}」中"
    else:
        where = f"{index.described}{'前面' if first.row < heading else '后面'}"
    return f"而是又一张{sheet}（其栏目「{names}」是{sheet}的）：{sheet}已按{where}的那张校验，这一张未校验。{add}"


def _printed_over(index: SheetIndex, columns: set[int], top: int, row: int) -> bool:
    """Whether any text is printed over `columns` between rows `top` and `row` (exclusive): a header, however unlike
    the official one. In a document only the text of tables counts (a paragraph above a table is no header)."""
    origins = index.sheet.origins
    for r, c, _ in index.labels:
        if not top < r < row or (origins and getattr(origins.get((r, c)), "table", None) is None):
            continue
        _, left, _, right = index.merge_of.get((r, c), (r, c, r, c))
        if columns.intersection(range(left, right + 1)):
            return True
    return False


def _no_header(index: SheetIndex, top: int, row: int) -> str:
    """After a table's name: that it prints no header over its numbers (from row `row`), and the picture between
    row `top` and the table, when there is one (most likely the header, published as a picture)."""
    said = "的表格没有表头（各栏目的名称）"
    if any(top < r < row for r in index.sheet.pictures):
        said += "，表格上方是一张图片（表头可能以图片形式发布）"
    return said


def _header_advice(index: SheetIndex, top: int, row: int) -> str:
    """What to do about a table printed without a header: a version whose header is text, or the header added."""
    if any(top < r < row for r in index.sheet.pictures):
        return f"请{as_text('表头')}。"
    return "请按官方格式补上表头。"


def on_other_pages(paged: str, what: str) -> str:
    """Advice about something missing from a web page shown in several pages: only the page saved was read."""
    return (
        f"网页分页显示（{paged}），只读取了保存的这一页，{what}可能在其他页中。请在网页上选择“全文”或“打印”"
        f"{WHOLE_PAGE.receiver}"
    )


def _add_table(index: SheetIndex, what: str = "该表") -> str:
    """What to do about a missing table (`what`: 该表, 这些表格): add it; in a document, first make sure it is not
    just unreadable or on another page of the web page."""
    if index.sheet.paged:
        return on_other_pages(index.sheet.paged, what)
    add = f"请按官方格式补上{what}，没有发生的填 0。"
    formats = {place.format for place in index.sheet.origins.values()}
    if formats == {"pdf"}:  # a table printed without its rules is no table to a reader of the PDF
        return f"如原文中其实有{what}（例如表格没有框线，无法还原成表格），{UNRULED_TABLE.receiver}{add}"
    if formats:  # a web page or Word document: a table is one only when it was inserted as a table
        return f"如原文中其实有{what}（例如用空格或制表符排成、而不是插入的表格），{SPACED_TABLE.receiver}{add}"
    return add
