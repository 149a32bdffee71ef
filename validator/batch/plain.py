"""results.jsonl (one engine result per line) and results.csv (one row per finding, UTF-8 with BOM for Excel)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from validator.batch.rows import FINDING_HEADERS, finding_rows
from validator.batch.store import json_line

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(value: object) -> object:
    """Text that a spreadsheet opening the CSV cannot take for a formula: a leading ' when it starts like one."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_jsonl(docs: Sequence[dict], path: Path) -> None:
    """Line by line: joined first, 10,000 results (~170 MB) took as much again and more in memory."""
    with path.open("wb") as fh:
        for doc in docs:
            fh.write(json_line(doc))


def write_csv(docs: Sequence[dict], path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(FINDING_HEADERS)
        writer.writerows([inert(v) for v in row] for row in finding_rows(docs))
