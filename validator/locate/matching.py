"""A sheet's text cells and merges indexed for look-ups, and how cell text is matched against official labels."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from functools import cache

from validator.cellref import CellRef
from validator.labels import item_number, joined, normalize
from validator.sources.grid import SheetGrid
from validator.spec.model import Leaf


class SheetIndex:
    """Normalised text cells and merged ranges of one sheet, for label look-ups."""

    transposed = False  # a view of the sheet with rows and columns swapped (validator/locate/orientation.py)

    def __init__(self, sheet: SheetGrid) -> None:
        self.sheet = sheet
        self.labels = [(r, c, normalize(t)) for r, c, t in sheet.text_cells()]
        self.merge_of = {(r, c): m for m in sheet.merges for r in range(m[0], m[2] + 1) for c in range(m[1], m[3] + 1)}

    def ref(self, row: int, col: int) -> CellRef:
        return CellRef(self.sheet.name, row, col)

    def at_row(self, row: int) -> str:
        """Where a row is, in a message: "工作表「表三」第5行"; nothing for a document's one sheet, which its reader
        never sees (the finding's place in the document is added to the message)."""
        return "" if self.sheet.origins else f"工作表「{self.sheet.name}」第{row}行"

    @property
    def described(self) -> str:
        """The sheet in a message: "工作表「表三」", or "原文" for a document."""
        return "原文" if self.sheet.origins else f"工作表「{self.sheet.name}」"

    def text(self, row: int, col: int) -> str:
        return str(self.sheet.cells.get((row, col), "")).strip()

    def row_start(self, row: int) -> tuple[int, int]:
        """The first text cell of a row (a heading's)."""
        return row, min(c for r, c, _ in self.labels if r == row)

    def span(self, row: int, col: int) -> tuple[int, int]:
        """Columns a header cell covers: its merged range, else until the next text cell in its row."""
        merge = self.merge_of.get((row, col))
        if merge:
            return merge[1], merge[3]
        right = min((c for r, c, _ in self.labels if r == row and c > col), default=10**6)
        return col, right - 1

    def row_has_value(self, row: int, cols: Iterable[int]) -> bool:
        return any(self.sheet.cells.get((row, c)) not in (None, "") for c in cols)


@cache
def leaf_prefixes(leaf: Leaf) -> tuple[str, ...]:
    """Ancestor labels and their item numbers, which real workbooks sometimes prepend to a row label."""
    out = {p for label in leaf.path for p in (normalize(label), item_number(label))} - {""}
    return tuple(sorted(out, key=len, reverse=True))


def matches(text: str, leaf: Leaf) -> bool:
    target = normalize(leaf.label)
    prefixes = leaf_prefixes(leaf)
    while text != target:
        head = next((p for p in prefixes if text.startswith(p) and len(text) > len(p)), None)
        if head is None:
            return False
        text = text[len(head) :]
    return True


# An explanation some reports print after a column header: "本年增/减（指2020年增加或减少的事项数，减用负值表示）".
_REMARK = re.compile(r"\(.*\)")


def is_header(text: str, label: str) -> bool:
    """A header cell showing `label`, possibly followed by a bracketed explanation (not part of the label)."""
    target = normalize(label)
    return text == target or (text.startswith(target) and _REMARK.fullmatch(text[len(target) :]) is not None)


def names_group(text: str, label: str) -> bool:
    """A cell or paragraph naming a group of columns: its label, possibly numbered ("（二）行政诉讼") or explained."""
    return is_header(text, label) or is_header(text[len(item_number(text)) :], label)


def groups_named(text: str, paths: Iterable[tuple[str, ...]]) -> tuple[str, ...]:
    """The column groups a header cell or paragraph names, outermost first: a group with its outer groups, written
    in one cell ("行政诉讼（复议后起诉）", "复议后起诉的行政诉讼"), when they are the groups of one column (`paths`: the
    columns' group labels, outermost first); else one group (as names_group); else none."""
    paths = list(paths)
    body = text[len(item_number(text)) :]
    for path in paths:
        if named := joined(body, path):
            return named
    return next(((g,) for path in paths for g in path if names_group(text, g)), ())


def same_group(text: str, label: str) -> bool:
    """A group label written with another numbering style ("六、其他处理" for "（六）其他处理") or a prefix."""
    body = normalize(label)[len(item_number(label)) :]
    return text == normalize(label) or text[len(item_number(text)) :] == body or text.endswith(normalize(label))


def fuzzy(text: str, label: str) -> float:
    return difflib.SequenceMatcher(None, text, normalize(label)).ratio()


# A bracketed explanation at the end of a label: "（区分处理的，只计这一情形，不计其他情形）" after "部分公开".
_REMARK_AT_END = re.compile(r"\([^()]*\)$")


def _core(text: str) -> str:
    """A normalised label's words: without its item number and the bracketed explanation at its end."""
    body = text[len(item_number(text)) :]
    return _REMARK_AT_END.sub("", body) or body


def closeness(text: str, label: str) -> float:
    """How close a normalised text is to a label: 1 when it says the label's words, only numbered otherwise or not at
    all ("7.总计", "总计" for "（七）总计") or without the label's bracketed explanation ("（二）部分公开"); else `fuzzy`."""
    core = _core(text)
    return 1.0 if core and core == _core(normalize(label)) else fuzzy(text, label)
