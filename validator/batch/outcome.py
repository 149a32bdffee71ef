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
    --since, and on the service, where every agency's latest version is listed: none is 未重新报送 there)."""

    docs: Sequence[dict]
    skipped: Sequence[Skipped]
    missing: Sequence[Missing] | None
    absent: Sequence[Absent] | None

    @property
    def compared(self) -> bool:
        """Whether there is a 本轮变化 to show: a batch with --since, or the service once some agency has an earlier
        version."""
        return self.absent is not None or any(d.get("round") for d in self.docs)
