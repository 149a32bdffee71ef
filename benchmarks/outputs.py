"""A batch's end-of-run outputs: seconds for each writer and for `outputs.write_all` on real results, in one process.

Runs `nianbao batch --no-annotate` once over the set of benchmarks/bulk.py (N workbooks, generated when missing) into
a folder under the temporary directory (kept, and reused while it holds N results), rebuilds the run's Outcome from
its results.jsonl, then times (this process's CPU time, best of three) each output alone, all of them through
`outputs.write_all` (what a run pays at its end), and the progress file taking every result in chunks as the run's
main process does while the workers check.

Usage: .venv/bin/python benchmarks/outputs.py [N]   (default 2,000)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from bulk import generate

from validator.batch import outputs
from validator.batch.html import write_html
from validator.batch.outcome import Outcome
from validator.batch.plain import write_csv, write_jsonl
from validator.batch.run import MAX_CHUNK
from validator.batch.store import RESULTS, ProgressFile, read_jsonl
from validator.batch.summary_xlsx import write_summary

BUDGET = 0.6  # seconds for every output at 2,000 workbooks (issue 14 §2: the whole run within 2.5× the read floor)


def results(n: int) -> list[dict]:
    """The JSON results of a real batch over the N-workbook set."""
    out = Path(tempfile.gettempdir()) / f"nianbao-outputs-bench-{n}"
    docs = list(read_jsonl(out / RESULTS))
    if len(docs) != n:
        nianbao = str(Path(sys.executable).with_name("nianbao"))
        run = subprocess.run([nianbao, "batch", str(generate(n)), "--out", str(out), "--no-annotate"])
        if run.returncode not in (0, 1):  # 1: the run found problems, as it does in this set
            raise SystemExit(f"nianbao batch failed with exit code {run.returncode}")
        docs = list(read_jsonl(out / RESULTS))
    return docs


def best(run: Callable[[], object], times: int = 3) -> float:
    """This process's CPU seconds of the fastest of `times` runs: the machine may be shared, and other processes'
    load inflates CPU time little where it would inflate wall time (writing waits on nothing but the disk cache)."""
    seconds = []
    for _ in range(times):
        start = time.process_time()
        run()
        seconds.append(time.process_time() - start)
    return min(seconds)


def progress(docs: list[dict], folder: Path) -> None:
    (folder / ".进度.jsonl").unlink(missing_ok=True)
    file = ProgressFile(folder)
    for i in range(0, len(docs), MAX_CHUNK):
        file.append(docs[i : i + MAX_CHUNK])
    file.close()


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    docs = results(n)
    outcome = Outcome(docs, [], None, None)
    findings = sum(len(d["findings"]) for d in docs)
    print(f"{len(docs)} results, {findings} findings; CPU seconds of this process, best of 3")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        writers = {
            "汇总.xlsx": partial(write_summary, folder / "汇总.xlsx", outcome),
            "report.html": partial(write_html, folder / "report.html", outcome),
            "results.jsonl": partial(write_jsonl, docs, folder / "results.jsonl"),
            "results.csv": partial(write_csv, docs, folder / "results.csv"),
        }
        for name, write in writers.items():
            print(f"  {name:40s} {best(write):6.3f} s")
        total = best(partial(outputs.write_all, folder, outcome))
        print(
            f"outputs.write_all (all four, atomic)     {total:6.3f} s  budget {BUDGET} s at 2,000: {total / BUDGET:.2f}×"
        )
        print(f"progress file, every result in chunks of {MAX_CHUNK} {best(partial(progress, docs, folder)):6.3f} s")


if __name__ == "__main__":
    main()
