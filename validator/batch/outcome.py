"""What every report of a batch shows: the results, and who and what is not among them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from validator.batch.crossyear import Missing
from validator.batch.inputs import Skipped
from validator.batch.rounds import Absent


@dataclass
class Outcome:
    """One JSON result per report in input order, the files that were not reports, last year's agencies without a
    report (None when no earlier year was given) and the agencies of earlier rounds not resubmitted (None without
    --since)."""

    docs: Sequence[dict]
    skipped: Sequence[Skipped]
    missing: Sequence[Missing] | None
    absent: Sequence[Absent] | None
