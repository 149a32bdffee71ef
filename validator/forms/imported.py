"""A published report (web page, Word, PDF or a workbook laid out as published) written into the official blank
workbook of its format: each value exactly as published, the text sections into 正文, the agency and year from the
title where the report has no cover, and a list of the numbers that could not be placed and of the text the workbook
has no place for (written under 二、三、四)."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from validator.cellref import CellRef, coordinate
from validator.engine import document_origins, read_located, with_places
from validator.forms.sample import fill_workbook
from validator.forms.workbook import write_blank
from validator.locate.title import AGENCY_FIELD
from validator.names import UNPUBLISHED_ROW
from validator.provenance import DOCUMENT_FORMATS, Place
from validator.sources.document import is_entry
from validator.sources.grid import SheetGrid
from validator.spec.model import Template


@dataclass(frozen=True)
class Conversion:
    """What `convert` wrote, in which format, and the published numbers it found no place for (Chinese lines)."""

    target: Path
    template: Template
    unplaced: tuple[str, ...]
    problems: tuple[str, ...]  # the structure findings of the report (missing tables, columns, rows…)
    cover_from: tuple[tuple[str, object, str], ...] = ()  # cover fields (key, value, where) of a report without a cover
    uncarried: tuple[str, ...] = ()  # text under a table section (二、三、四): where it is, and how it begins
    unpublished: tuple[str, ...] = ()  # the required cover fields a published report has no value for, left blank


def convert(source: Path, target: Path, template: Template | None = None) -> Conversion:
    """Write the report in `source` into the official blank workbook saved as `target`; raises ReadError."""
    grid, located = read_located(source, template)
    template = located.template
    values = {key: loc.raw for key, loc in located.cells.items() if loc.raw is not None}
    used = {(loc.cell.sheet, loc.cell.row, loc.cell.col) for loc in located.cells.values()}
    cover_from = tuple((key, values[key], where) for key, where in located.cover_from.items())
    unpublished = _unpublished(template, located.cells) if grid.source_format in DOCUMENT_FORMATS else ()
    with tempfile.TemporaryDirectory(prefix="nianbao-import-") as tmp:
        blank = Path(tmp) / "blank.xlsx"
        write_blank(template, blank)
        target.parent.mkdir(parents=True, exist_ok=True)
        fill_workbook(
            blank, target, values, template, {UNPUBLISHED_ROW: " ".join(unpublished)} if unpublished else None
        )
    origins = document_origins(grid)
    problems = tuple(f.message for f in with_places(located.findings, origins))
    uncarried = tuple(
        f"「{template.section_texts[key]}」之下（{_place(loc.cell, origins)}{_count(loc.raw)}）：{_beginning(loc.raw)}"
        for key, loc in located.section_texts.items()
    )
    unplaced = tuple(_unplaced(grid.sheets, used))
    return Conversion(target, template, unplaced, problems, cover_from, uncarried, unpublished)


def _unpublished(template: Template, located: Mapping[str, object]) -> tuple[str, ...]:
    """The required fields of the cover (the sheet holding the agency's name) that a published report, which has no
    cover, gave no value for: its title names the agency and the year, nothing names the rest (统一社会信用代码…)."""
    cover = next((s for s in template.sheets if AGENCY_FIELD in {f.key for f in s.fields}), None)
    return tuple(f.key for f in cover.fields if f.required and f.key not in located) if cover else ()


_SHOWN = 40  # characters of a text shown where the text is not carried


def _place(cell: CellRef, origins: dict[tuple[str, int, int], Place]) -> str:
    """ "正文第14段" in a document, "Sheet1!A28" in a workbook."""
    place = origins.get((cell.sheet, cell.row, cell.col))
    return place.phrase() if place else f"{cell.sheet}!{cell.coordinate}"


def _count(text: str) -> str:
    """ "起，共3段" after the place of a text of several paragraphs."""
    paragraphs = text.count("\n") + 1
    return f"起，共{paragraphs}段" if paragraphs > 1 else ""


def _beginning(text: str) -> str:
    """A text as a line names it: its first paragraph's beginning, "…" when there is more."""
    first = text.split("\n")[0]
    return first[:_SHOWN] + ("…" if len(first) > _SHOWN or "\n" in text else "")


def _unplaced(sheets: list[SheetGrid], used: set[tuple[str, int, int]]) -> list[str]:
    """Each number (or entry in a number's place) in a table that no input of the format took, with its place."""
    out = []
    for sheet in sheets:
        for (r, c), value in sorted(sheet.cells.items()):
            place = sheet.origins.get((r, c))
            in_table = place is None or place.table is not None
            if in_table and is_entry(value) and (sheet.name, r, c) not in used:
                where = place.phrase() if place else f"{sheet.name}!{coordinate(r, c)}"
                out.append(f"{where}：{value}")
    return out
