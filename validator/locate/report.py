"""What locating produces: where each input was found, the structure findings (ST), and what they cost."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Literal, NamedTuple

from validator.audience import AS_TEXT
from validator.catalogue import builtin_finding
from validator.cellref import CellRef
from validator.findings import Finding
from validator.sources.uncached import calculated_formulas
from validator.spec.model import Template

# Why a cell the workbook lacks is taken as 0 all the same:
# "assumed": a missing part (a non-total row or column), checked as 0 and any difference only a warning;
# "grouped": a sub-row of a group filled as one row, whose first sub-row carries the group's value.
Standin = Literal["assumed", "grouped"]


class Stray(NamedTuple):
    """Numbers in a table outside every input: a row or column the official format lacks (ST05), left out of the
    checks. `what` names it in a message ("第25行「6.其他不予处理情形」"); `numbers` are its cells holding numbers."""

    what: str
    numbers: tuple[tuple[CellRef, float], ...]


class Located(NamedTuple):
    """Where an input was found and the raw value in that cell (a tuple: a report makes one per input).

    A text read from several cells (the paragraphs under a heading, joined by line breaks) starts at `cell`; `parts`
    says where each further paragraph starts in `raw` and its cell, so that a sentence is shown where it is written.
    """

    key: str
    cell: CellRef
    raw: Any
    parts: tuple[tuple[int, CellRef], ...] = ()

    def cell_at(self, at: int) -> CellRef:
        """The cell holding character `at` of the text as read: `raw` without the blanks around it."""
        if not self.parts:
            return self.cell
        at += len(self.raw) - len(self.raw.lstrip())
        return next((cell for start, cell in reversed(self.parts) if start <= at), self.cell)


def joined(key: str, paragraphs: list[tuple[str, CellRef]]) -> Located:
    """A text written in several cells, one paragraph each, as one value: the paragraphs joined by line breaks."""
    parts, start = [], 0
    for text, cell in paragraphs:
        parts.append((start, cell))
        start += len(text) + 1
    return Located(key, paragraphs[0][1], "\n".join(text for text, _ in paragraphs), tuple(parts[1:]))


@dataclass
class LocatedReport:
    """Inputs found in one workbook, and the structure findings; inputs not found have unknown values.

    `effects` maps the index of a structure finding to the inputs it removed or replaced, so that checking can
    say what the problem costs; `standins` are inputs taken as 0 although the workbook lacks them, and `labels`
    the label of a cell that stands for more than its input (a group filled as one row).
    """

    template: Template
    cells: dict[str, Located] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    effects: dict[int, frozenset[str]] = field(default_factory=dict)
    standins: dict[str, Standin] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    strays: list[Stray] = field(default_factory=list)  # rows and columns of numbers that are no inputs (ST05)
    places: dict[str, str] = field(default_factory=dict)  # an equation's official place → where it is in the workbook
    cover_from: dict[str, str] = field(default_factory=dict)  # cover field → where a report without one names it
    section_texts: dict[str, Located] = field(default_factory=dict)  # text under 二、三、四 (Template.section_texts)
    formula_parts: dict[str, bytes] = field(default_factory=dict, repr=False)  # sheet → its part, if it has formulas
    unpublished: frozenset[str] = frozenset()  # cover fields judged as in the published report (WorkbookGrid's)

    def formula(self, key: str) -> str | None:
        """The formula ("=SUM(D7:H7)") of an input's cell, when the cell shows the formula's saved result."""
        loc = self.cells.get(key)
        xml = self.formula_parts.get(loc.cell.sheet) if loc else None
        if xml is None or isinstance(loc.raw, str):  # a formula never calculated is TY09, told apart
            return None
        return calculated_formulas(xml).get((loc.cell.row, loc.cell.col))

    def formulas(self, keys: Iterable[str]) -> dict[str, str]:
        """`formula` of each of `keys` that has one, by key."""
        return {key: formula for key in keys if (formula := self.formula(key)) is not None}

    def add(
        self, code: str, message: str, cell: CellRef | None = None, keys: Iterable[str] = (), table: str | None = None
    ) -> None:
        """A structure finding; `keys` are the inputs it leaves unknown or replaces, `table` the table it is about."""
        keys = frozenset(keys)
        finding = replace(builtin_finding(code, message, cell), area=table)
        if finding in self.findings:  # said of several tables at once (表二's four under one picture): said once
            i = self.findings.index(finding)
            self.effects[i] = self.effects.get(i, frozenset()) | keys
            return
        if keys:
            self.effects[len(self.findings)] = keys
        self.findings.append(finding)

    def take(self, trial: LocatedReport) -> None:
        """The findings and strays of a trial reading (a table read both ways round), once it is the one kept."""
        for i, finding in enumerate(trial.findings):
            if i in trial.effects:
                self.effects[len(self.findings)] = trial.effects[i]
            self.findings.append(finding)
        self.strays += trial.strays


def as_picture(what: str, instead: str, unread: str) -> str:
    """How something published as a picture is said (a table, ST01; the title, ST09): "表三以图片形式发布：标题「…」下
    是图片而不是表格，无法读取其中的数字"."""
    return f"{what}以图片形式发布：{instead}，无法读取其中的{unread}"


def as_text(what: str) -> str:
    """What to provide instead of a picture: "提供表格为文字（可复制）的网页、Word 或 PDF 版本后再校验"."""
    return AS_TEXT.receiver.format(what=what)
