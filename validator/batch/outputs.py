"""Writing every output of a batch together: each complete, and all replaced at the same moment."""

from __future__ import annotations

import gc
from functools import partial
from pathlib import Path

from validator.atomic import write_all_atomic
from validator.batch.html import write_html
from validator.batch.outcome import Outcome
from validator.batch.plain import write_csv, write_jsonl
from validator.batch.rounds import EARLIER_ROUNDS
from validator.batch.store import RESULTS
from validator.batch.summary_xlsx import write_summary
from validator.batch.work import collection_paused

SUMMARY, CSV, HTML = "汇总.xlsx", "results.csv", "report.html"


def write_all(out: Path, outcome: Outcome) -> None:
    """Every output; with rounds, also the absent agencies' results carried to the next round."""
    writers = {
        out / RESULTS: partial(write_jsonl, outcome.docs),
        out / CSV: partial(write_csv, outcome.docs),
        out / SUMMARY: partial(write_summary, outcome=outcome),
        out / HTML: partial(write_html, outcome=outcome),
    }
    if outcome.absent is not None:
        writers[out / EARLIER_ROUNDS] = partial(write_jsonl, [d for a in outcome.absent for d in a.carried])
    # No collection while writing: each pass over the run's results (every doc alive until the run ends) found nothing
    # to free and took ~0.1 s of 0.7 at 2,000 workbooks; what the writers leave in cycles is young, collected after
    # (when the caller had the collector running: a batch has it paused for the whole run).
    with collection_paused(collect_after=gc.isenabled()):
        write_all_atomic(writers)
