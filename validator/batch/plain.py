"""results.jsonl (one engine result per line) and results.csv (one row per finding, UTF-8 with BOM for Excel)."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path

from validator.batch.rows import FINDING_HEADERS, finding_rows

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(value: object) -> object:
    """Text that a spreadsheet opening the CSV cannot take for a formula: a leading ' when it starts like one."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_jsonl(docs: Sequence[dict], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.writelines(json.dumps(doc, ensure_ascii=False) + "\n" for doc in docs)


def write_csv(docs: Sequence[dict], path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(FINDING_HEADERS)
        writer.writerows([inert(v) for v in row] for row in finding_rows(docs))
