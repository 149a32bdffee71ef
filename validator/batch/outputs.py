"""Writing every output of a batch together: each complete, and all replaced at the same moment."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from validator.atomic import write_all_atomic
from validator.batch.html import write_html
from validator.batch.outcome import Outcome
from validator.batch.plain import write_csv, write_jsonl
from validator.batch.rounds import EARLIER_ROUNDS
from validator.batch.store import RESULTS
from validator.batch.summary_xlsx import write_summary

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
    write_all_atomic(writers)
