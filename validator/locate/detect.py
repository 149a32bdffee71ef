"""Which template a workbook was filled in: the labels that only one of the candidate formats prints."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from validator.labels import normalize
from validator.sources.grid import WorkbookGrid
from validator.spec.model import Template


@cache
def _distinctive(templates: tuple[Template, ...]) -> dict[Template, frozenset[str]]:
    """For each template, the normalised labels that no other of `templates` prints."""
    labels = {t: frozenset(normalize(label) for label in t.labels) - {""} for t in templates}
    return {t: labels[t].difference(*(labels[o] for o in templates if o is not t)) for t in templates}


def distinctive_hits(grid: WorkbookGrid, templates: Sequence[Template]) -> dict[Template, int]:
    """For each template, how many of the labels that no other candidate prints appear in the workbook."""
    texts = {normalize(v) for sheet in grid.sheets for v in sheet.cells.values() if isinstance(v, str)}
    return {t: len(only & texts) for t, only in _distinctive(tuple(templates)).items()}
