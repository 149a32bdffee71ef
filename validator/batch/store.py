"""Results kept between runs: the last complete run's results.jsonl and the progress file of an interrupted run."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import orjson

from validator.batch.findings import without_across

RESULTS = "results.jsonl"
PROGRESS = ".进度.jsonl"  # one line per checked file, appended as chunks finish; removed once the outputs are written


def json_line(doc: dict) -> bytes:
    """One result as a JSON line in UTF-8. orjson: ~35 MB of results at 2,000 workbooks in a third of the standard
    library's time, in the main process while the workers check (keys that are not text are written as text)."""
    return orjson.dumps(doc, option=orjson.OPT_APPEND_NEWLINE | orjson.OPT_NON_STR_KEYS)


def read_jsonl(path: Path) -> Iterator[dict]:
    """The complete lines of a JSON-lines file, read line by line (10,000 results are ~170 MB); a line cut off by a
    kill is ignored."""
    try:
        fh = path.open(encoding="utf-8", errors="replace")
    except OSError:
        return
    with fh:
        for line in fh:
            try:
                doc = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(doc, dict) and isinstance(doc.get("file"), str) and isinstance(doc.get("findings"), list):
                yield doc


def earlier_results(out: Path) -> dict[str, dict]:
    """Results of earlier runs into `out` by file name, the interrupted run's over the last complete run's."""
    docs: dict[str, dict] = {}
    for name in (RESULTS, PROGRESS):
        docs |= {doc["file"]: without_across(doc) for doc in read_jsonl(out / name)}
    return docs


class ProgressFile:
    """Appends results as they come, each line flushed to disk, so that a killed run loses no finished file."""

    def __init__(self, out: Path) -> None:
        self._fh = (out / PROGRESS).open("a+b")
        if self._fh.seek(0, os.SEEK_END):  # a line cut off by a kill must not swallow the next one
            self._fh.seek(-1, os.SEEK_END)
            if self._fh.read(1) != b"\n":
                self._fh.write(b"\n")

    def append(self, docs: list[dict]) -> None:
        self._fh.write(b"".join(map(json_line, docs)))
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def close(self) -> None:
        self._fh.close()
