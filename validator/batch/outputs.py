"""Writing every output of a batch together: each complete, and all replaced at the same moment."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path

from validator.atomic import write_all_atomic
from validator.batch.crossyear import Missing
from validator.batch.html import write_html
from validator.batch.inputs import Skipped
from validator.batch.plain import write_csv, write_jsonl
from validator.batch.store import RESULTS
from validator.batch.summary_xlsx import write_summary

SUMMARY, CSV, HTML = "汇总.xlsx", "results.csv", "report.html"


def write_all(
    out: Path,
    docs: Sequence[dict],
    skipped: Sequence[Skipped],
    missing: Sequence[Missing] | None,
    absent: Sequence[Missing] | None = None,
) -> None:
    """`missing`: last year's agencies without a report (None: no earlier year given); `absent`: the previous round's
    agencies not resubmitted (None: no --since)."""
    write_all_atomic(
        {
            out / RESULTS: partial(write_jsonl, docs),
            out / CSV: partial(write_csv, docs),
            out / SUMMARY: lambda path: write_summary(path, docs, skipped, missing, absent),
            out / HTML: lambda path: write_html(path, docs, skipped, missing, absent),
        }
    )
