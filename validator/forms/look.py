"""How the official form looks, whichever library writes it: cell looks, number formats, column widths, row heights.

openpyxl writes the blank workbook (validator.forms.workbook) and XlsxWriter the batch's 全区合计
(validator.batch.totals); both take their looks from here, so that a batch never imports openpyxl.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

from validator.forms.layout import Role, SheetLayout
from validator.names import INPUT_FILL, LABEL_FILL
from validator.spec.model import NUMERIC_KINDS, Kind
from validator.text import display_width

FONT_NAME = "宋体"
DATA_WIDTH = 12.0  # numeric input columns, unless their headers need more
DATA_MAX = 18.0  # 表二「本年处理决定数量」on one line; longer headers wrap
FIELD_WIDTH = 40.0  # short text inputs of form sheets (机关名称 …)
MIN_LABEL_WIDTH = 12.0
GROUP_LABEL_MAX = 16.0  # outer row-label columns of tables (表三「三、本年度办理结果」may wrap)
LEAF_LABEL_MAX = 40.0  # the innermost row-label column; longer labels wrap
LONGTEXT_WIDTH = 80.0
LONGTEXT_HEIGHT = 180.0
ROW_HEIGHT = 20.0
TITLE_HEIGHT = 30.0
LINE_HEIGHT = 15.0  # points per wrapped line of 11 pt CJK text

NUMBER_FORMATS: dict[Kind, str] = {
    "count": "0",
    "signed_count": "0",
    "money": "0.0000",
    "amount": "0.00",
    "year": "0",
    "text": "@",
    "longtext": "@",
    "choice": "@",
    "credit_code": "@",
}


@dataclass(frozen=True)
class Look:
    """How one kind of cell looks; None keeps the writer's default."""

    size: float = 11
    bold: bool = False
    color: str | None = None  # RGB of the text
    horizontal: str | None = None
    vertical: str | None = "center"
    wrap: bool = False
    fill: str | None = None  # RGB of a solid fill
    border: bool = False  # thin on every side
    unlocked: bool = False  # takes input on a protected sheet
    font: str = FONT_NAME


def _label(horizontal: str, bold: bool = False) -> Look:
    """A bordered grey label cell."""
    return Look(bold=bold, horizontal=horizontal, wrap=True, fill=LABEL_FILL, border=True)


def _input(**where: object) -> Look:
    """A bordered, unlocked input cell in the template's input fill."""
    return Look(fill=INPUT_FILL, border=True, unlocked=True, **where)


# Every cell the form styles, by name: a block's role, an input ("input", or "longtext" for long texts) or the status
# cell of a live check.
LOOKS: dict[Role | str, Look] = {
    "title": Look(size=16, bold=True, horizontal="center"),
    "caption": _label("center", bold=True),
    "corner": _label("center"),
    "col_header": _label("center"),
    "row_header": _label("left"),
    "field_label": _label("left"),
    "input": _input(),
    "longtext": _input(horizontal="left", vertical="top", wrap=True),
    "status": Look(bold=True, color="00843D"),
}

_VALIGN = {"center": "vcenter"}  # XlsxWriter's name for the vertical "center"


def xlsxwriter_properties(role: Role) -> dict[str, object]:
    """How a block of `role` looks, as XlsxWriter format properties."""
    look = LOOKS[role]
    props: dict[str, object] = {"font_name": look.font, "font_size": look.size, "bold": look.bold}
    if look.color:
        props["font_color"] = "#" + look.color
    if look.horizontal:
        props["align"] = look.horizontal
    if look.vertical:
        props["valign"] = _VALIGN.get(look.vertical, look.vertical)
    if look.wrap:
        props["text_wrap"] = True
    if look.fill:
        props |= {"pattern": 1, "bg_color": "#" + look.fill}
    if look.border:
        props["border"] = 1
    return props


def column_widths(layout: SheetLayout, kinds: dict[str, Kind]) -> dict[int, float]:
    """Label columns fit their labels (the leaf-label column widest); numeric columns share one width."""
    first_input = min((slot.col for slot in layout.slots), default=layout.width + 1)

    def labels(first: int, last: int) -> list[str]:
        """Texts of the one-column labels in columns first..last."""
        return [b.text for b in layout.blocks if b.role != "title" and first <= b.left == b.right <= last]

    widths = {col: _fit(labels(col, col), MIN_LABEL_WIDTH, GROUP_LABEL_MAX) for col in range(1, first_input)}
    if first_input > 1:
        widths[first_input - 1] = _fit(labels(first_input - 1, first_input - 1), MIN_LABEL_WIDTH, LEAF_LABEL_MAX)
    if "longtext" in kinds.values():
        input_width = LONGTEXT_WIDTH
    elif set(kinds.values()) <= NUMERIC_KINDS:
        input_width = _fit(labels(first_input, layout.width), DATA_WIDTH, DATA_MAX)
    else:
        input_width = FIELD_WIDTH
    widths.update(dict.fromkeys(range(first_input, layout.width + 1), input_width))
    return widths


def _fit(texts: list[str], low: float, high: float) -> float:
    """A column width that shows the widest text on one line, within [low, high]."""
    return min(max(max(map(display_width, texts), default=0) + 2, low), high)


def row_heights(layout: SheetLayout, widths: dict[int, float], kinds: dict[str, Kind]) -> dict[int, float]:
    """Row heights that fit every wrapped label; a block spanning rows takes its shortfall on its last row."""
    last_row = max([b.bottom for b in layout.blocks] + [s.row for s in layout.slots])
    heights = {row: ROW_HEIGHT for row in range(1, last_row + 1)}
    for slot in layout.slots:
        if kinds[slot.key] == "longtext":
            heights[slot.row] = LONGTEXT_HEIGHT
    labels = []
    for b in layout.blocks:
        if b.role == "title":
            heights[b.top] = TITLE_HEIGHT
        else:
            labels.append(b)
    for b in sorted(labels, key=lambda b: b.bottom - b.top):
        span = sum(widths[col] for col in range(b.left, b.right + 1))
        # Cells lose about 1.5 width units to padding; add 5 pt so wrapped lines are not flush with the border.
        needed = LINE_HEIGHT * ceil(display_width(b.text) / max(span - 1.5, 1)) + 5
        shortfall = needed - sum(heights[row] for row in range(b.top, b.bottom + 1))
        if shortfall > 0:
            heights[b.bottom] += shortfall
    return heights
