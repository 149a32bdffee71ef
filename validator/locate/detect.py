"""Which template a workbook was filled in: the labels that only one of the candidate formats prints."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from validator.labels import normalize
from validator.sources.grid import WorkbookGrid
from validator.spec.model import Template


@cache
def _normalized(template: Template) -> frozenset[str]:
    return frozenset(normalize(label) for label in template.labels) - {""}


def distinctive_hits(grid: WorkbookGrid, templates: Sequence[Template]) -> dict[Template, int]:
    """For each template, how many of the labels that no other candidate prints appear in the workbook."""
    texts = {normalize(text) for sheet in grid.sheets for _, _, text in sheet.text_cells()}
    labels = {t: _normalized(t) for t in templates}
    out = {}
    for t in templates:
        others = frozenset().union(*(labels[o] for o in templates if o is not t))
        out[t] = len((labels[t] - others) & texts)
    return out
