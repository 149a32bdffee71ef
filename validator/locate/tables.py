"""Locating one table: data rows by row labels, data columns by header paths; ST01–ST06 and ST08."""

from __future__ import annotations

from validator.cellref import CellRef
from validator.labels import normalize
from validator.locate.matching import SheetIndex, fuzzy, matches, same_group
from validator.locate.report import Located, LocatedReport
from validator.spec.model import Leaf, Table

FUZZY_MIN_RATIO = 0.6  # below this a label is treated as unrelated text, not a misspelling
HEADER_WINDOW = 8  # rows above a table's first data row that may hold its column headers


class TableLocator:
    """Locates one table: its data rows by row labels, its data columns by column header paths."""

    def __init__(self, index: SheetIndex, table: Table, report: LocatedReport, quiet: bool) -> None:
        self.index, self.table, self.report = index, table, report
        self.quiet = quiet  # the table is in a superseded format: one ST07 says it all
        self.rows: dict[str, int] = {}
        self.cols: dict[str, int] = {}
        self.used: set[tuple[int, int]] = set()

    def add(self, code: str, message: str, cell: CellRef | None = None) -> None:
        if not self.quiet:
            self.report.add(code, message, cell)

    @property
    def name(self) -> str:
        return (
            f"{self.table.sheet}（{self.index.sheet.name}）"
            if self.table.sheet != self.index.sheet.name
            else self.table.sheet
        )

    def locate_rows(self, below: int) -> None:
        """Row labels in display order, each the first match below the previous one."""
        last = below
        for leaf in self.table.row_leaves:
            hits = [(r, c) for r, c, t in self.index.labels if r > last and matches(t, leaf)]
            if hits:
                self.rows[leaf.key] = last = hits[0][0]
                self.used.add(hits[0])

    def locate_columns(self, top: int, bottom: int) -> None:
        """Column headers inside rows top..bottom, disambiguated by their group headers above."""
        window = [(r, c, t) for r, c, t in self.index.labels if top <= r <= bottom]
        for leaf in self.table.column_leaves:
            hits = [
                (r, c)
                for r, c, t in window
                if t == normalize(leaf.label) and c not in self.cols.values() and self._under_path(leaf, r, c, window)
            ]
            if hits:
                r, c = max(hits, key=lambda h: (h[0], -h[1]))  # the lowest header row is the leaf row
                self.cols[leaf.key] = c
                self.used.add((r, c))

    def _under_path(self, leaf: Leaf, row: int, col: int, window: list[tuple[int, int, str]]) -> bool:
        for label in leaf.path:
            groups = [(r, c) for r, c, t in window if t == normalize(label) and r < row]
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
            hi = min((self.rows[x.key] for x in leaves[i + 1 :] if x.key in self.rows), default=10**6)
            if lo == 0 and hi == 10**6:
                return
            spare = [(r, c, t) for r, c, t in self.index.labels if lo < r < hi and (r, c) not in self.used]
            self._adopt(leaf, spare, self.rows, lambda r, c: r, "行")

    def fuzzy_columns(self, top: int, bottom: int) -> None:
        """Columns whose header is misspelt: the closest unused header text under the column's group headers."""
        window = [(r, c, t) for r, c, t in self.index.labels if top <= r <= bottom]
        taken, label_limit = set(self.cols.values()), self.label_col_limit()
        spare = [(r, c, t) for r, c, t in window if (r, c) not in self.used and c not in taken and c > label_limit]
        for leaf in self.table.column_leaves:
            if leaf.key not in self.cols:
                under = [(r, c, t) for r, c, t in spare if self._under_path(leaf, r, c, window)]
                self._adopt(leaf, under, self.cols, lambda r, c: c, "列")

    def _adopt(self, leaf: Leaf, spare, found: dict[str, int], pos, axis: str) -> None:
        scored = [(fuzzy(t, leaf.label), r, c) for r, c, t in spare if (r, c) not in self.used]
        scored = [s for s in scored if s[0] >= FUZZY_MIN_RATIO]
        if not scored:
            return
        _, r, c = max(scored)
        found[leaf.key] = pos(r, c)
        self.used.add((r, c))
        self.add(
            "ST04",
            f"{self.name} {self.index.ref(r, c).coordinate}「{self.index.text(r, c)}」与官方{axis}标签"
            f"「{leaf.label}」不一致，已按「{leaf.label}」校验。请改为官方标签。",
            self.index.ref(r, c),
        )

    @property
    def header_bottom(self) -> int:
        """The lowest row holding a located column header (0 when none was found)."""
        header_cells = [r for r, c in self.used if c in self.cols.values() and r not in self.rows.values()]
        return max(header_cells, default=0)

    def label_col_limit(self) -> int:
        """The rightmost column holding a located row label (data columns lie to its right)."""
        return max((c for r, c in self.used if r in self.rows.values()), default=0)

    def report_missing(self) -> set[int]:
        """ST02/ST03 for rows and columns not found; returns the rows of groups filled as a single row."""
        single_groups = self._single_row_groups()
        skipped = {leaf.key for leaves in single_groups.values() for leaf in leaves}
        for leaf in self.table.row_leaves:
            if leaf.key not in self.rows and leaf.key not in skipped:
                self.add(
                    "ST02", f"{self.name}缺少「{leaf.label}」行。涉及该行的勾稽关系无法校验，请按官方格式补上该行。"
                )
        for leaf in self.table.column_leaves:
            if leaf.key not in self.cols:
                under = f"（{'、'.join(leaf.path)}下）" if leaf.path else ""
                self.add(
                    "ST03",
                    f"{self.name}缺少「{leaf.label}」列{under}。涉及该列的勾稽关系无法校验，请按官方格式补上该列。",
                )
        return set(single_groups)

    def _single_row_groups(self) -> dict[int, list[Leaf]]:
        """Groups whose sub-rows are all missing but whose own label row carries numbers (2019 style)."""
        groups: dict[str, list[Leaf]] = {}
        for leaf in self.table.row_leaves:
            if leaf.path and leaf.key not in self.rows:
                groups.setdefault(leaf.path[-1], []).append(leaf)
        data_cols = list(self.cols.values())
        out: dict[int, list[Leaf]] = {}
        for label, missing in groups.items():
            siblings = [x for x in self.table.row_leaves if x.path and x.path[-1] == label]
            hit = next(((r, c) for r, c, t in self.index.labels if same_group(t, label)), None)
            if len(missing) == len(siblings) and hit and self.index.row_has_value(hit[0], data_cols):
                out[hit[0]] = missing
                parts = "、".join(f"“{x.label}”" for x in missing)
                self.add(
                    "ST08",
                    f"{self.name}第{hit[0]}行「{label}」只填了一行（2019年试行格式的写法），"
                    f"2021年格式应分为{parts}{len(missing)}项分别填报。该组数据未参与勾稽校验。",
                    self.index.ref(*hit),
                )
        return out

    def report_extra_rows(self, single_rows: set[int]) -> None:
        """Rows with numbers but no official label, between the headers and the first blank row after the table."""
        if not self.rows or not self.cols:
            return
        label_limit = min(self.cols.values())
        known = set(self.rows.values()) | single_rows
        group_labels = {normalize(p) for leaf in self.table.row_leaves for p in leaf.path}
        official = {normalize(x.label) for x in self.report.template.inputs.values() if x.row} | {
            normalize(t.caption) for t in self.report.template.tables.values() if t.caption
        }
        row = self.header_bottom + 1 if self.header_bottom else min(known)
        while row <= max(known) or self._row_in_use(row, label_limit, official):
            texts = [(c, t) for r, c, t in self.index.labels if r == row and c < label_limit]
            if row not in known and texts and self.index.row_has_value(row, self.cols.values()):
                c, text = texts[-1]
                what = "是小计行，官方格式没有这一行" if text in group_labels else "不是官方格式中的行"
                self.add(
                    "ST05",
                    f"{self.name}第{row}行「{self.index.text(row, c)}」{what}，未参与校验。"
                    "请删除该行，或把数据并入对应的官方行。",
                    self.index.ref(row, c),
                )
            row += 1

    def _row_in_use(self, row: int, label_limit: int, official: set[str]) -> bool:
        """Whether a row below the table still belongs to it: it has numbers and a label that is no official one."""
        texts = [t for r, c, t in self.index.labels if r == row and c < label_limit]
        return bool(texts) and not set(texts) & official and self.index.row_has_value(row, self.cols.values())

    def record_cells(self) -> None:
        for r_leaf in self.table.row_leaves:
            for c_leaf in self.table.column_leaves:
                if r_leaf.key in self.rows and c_leaf.key in self.cols:
                    row, col = self.rows[r_leaf.key], self.cols[c_leaf.key]
                    key = self.table.cell_key(r_leaf.key, c_leaf.key)
                    raw = self.index.sheet.cells.get((row, col))
                    self.report.cells[key] = Located(key, self.index.ref(row, col), raw)

    def report_merged_inputs(self) -> None:
        """A merge over several inputs hides all but one value: report it and treat the hidden ones as unknown."""
        by_merge: dict[tuple[int, int, int, int], list[Located]] = {}
        for key in [k for k in self.report.cells if k.startswith(f"{self.table.key}.")]:
            loc = self.report.cells[key]
            merge = self.index.merge_of.get((loc.cell.row, loc.cell.col))
            if merge:
                by_merge.setdefault(merge, []).append(loc)
        for merge, cells in by_merge.items():
            if len(cells) < 2:
                continue
            top_left = CellRef(self.index.sheet.name, merge[0], merge[1])
            area = f"{top_left.coordinate}:{CellRef('', merge[2], merge[3]).coordinate}"
            self.add(
                "ST06",
                f"{self.name} {area} 是合并单元格，覆盖了 {len(cells)} 个填报单元格。请取消合并后分别填写。",
                top_left,
            )
            for loc in cells:
                if loc.cell != top_left:
                    del self.report.cells[loc.key]


def locate_table(index: SheetIndex, table: Table, report: LocatedReport, below: int, quiet: bool) -> int:
    """Locate one table whose rows start below row `below`; returns its last data row (or `below`)."""
    loc = TableLocator(index, table, report, quiet)
    if table.has_row_labels:
        loc.locate_rows(below)
        loc.fuzzy_rows()
        if not loc.rows:
            loc.add(
                "ST01",
                f"找不到{table.sheet}中的表格「{table.caption or table.corner or table.key}」。请按官方格式补上该表。",
            )
            return below
        first = min(loc.rows.values())
        top = max(below + 1, first - HEADER_WINDOW)
        loc.locate_columns(top, first - 1)
        loc.fuzzy_columns(top, first - 1)
    else:
        loc.locate_columns(below + 1, 10**6)
        loc.fuzzy_columns(below + 1, 10**6)
        if loc.cols:
            header_bottom = max(r for r, c in loc.used)
            data = [r for r in range(header_bottom + 1, header_bottom + 6) if index.row_has_value(r, loc.cols.values())]
            loc.rows[table.row_leaves[0].key] = data[0] if data else header_bottom + 1
    if not loc.cols:
        loc.add(
            "ST01", f"找不到「{table.sheet}」的表头（如「{table.column_leaves[0].label}」）。请按官方格式补上该表。"
        )
        return below
    loc.report_extra_rows(loc.report_missing())
    loc.record_cells()
    loc.report_merged_inputs()
    return max(loc.rows.values())
