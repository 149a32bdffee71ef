"""Cold time of `nianbao check` on the demo report against importing pandera and openpyxl, in one run.

Each command runs in a fresh interpreter (what a user clicking a button or a script calling the CLI pays);
the medians of several runs are compared. Usage: .venv/bin/python benchmarks/cold_start.py [runs] [other tree]

An other source tree (e.g. a `git worktree` of main) adds its `check --no-annotate` to the same rounds: a before/after
comparison that the machine's load drifts over alike.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from validator.demo import MISTAKES
from validator.forms.sample import balanced_values, fill_workbook
from validator.forms.workbook import write_blank
from validator.spec import default_template

# A command, and the source tree it runs from (None: this one); `-m validator` imports from the working directory.
_Case = tuple[list[str], Path | None]


def _seconds(command: list[str], tree: Path | None) -> float:
    env = {**os.environ, "PYTHONPATH": str(tree)} if tree else None
    start = time.perf_counter()
    subprocess.run(command, check=False, capture_output=True, cwd=tree, env=env)
    return time.perf_counter() - start


def _medians(cases: dict[str, _Case], runs: int) -> dict[str, float]:
    """Rounds that run every command once, so that drift in machine load hits all commands alike."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, (command, tree) in cases.items():
            times[name].append(_seconds(command, tree))
    return {name: statistics.median(t) for name, t in times.items()}


def main(runs: int = 7, other: Path | None = None) -> None:
    template = default_template()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_blank(template, folder / "blank.xlsx")
        report = folder / "demo.xlsx"
        fill_workbook(folder / "blank.xlsx", report, balanced_values(template) | MISTAKES, template)
        py = sys.executable
        check = [py, "-m", "validator", "check", str(report)]
        cases: dict[str, _Case] = {
            "import pandera.pandas, openpyxl": ([py, "-c", "import pandera.pandas, openpyxl"], None),
            "nianbao check (annotated copy)": ([*check, "--out", tmp], None),
            "nianbao check --no-annotate": ([*check, "--no-annotate"], None),
            "nianbao check --format json": ([*check, "--format", "json", "--out", tmp], None),
        }
        if other:
            cases["check --no-annotate, other tree"] = ([*check, "--no-annotate"], other)
        _medians(cases, 1)  # warm the OS file cache
        results = _medians(cases, runs)
    base = results["import pandera.pandas, openpyxl"]
    print(f"median of {runs} interleaved cold runs each")
    for name, seconds in results.items():
        print(f"{name:36s} {seconds * 1000:7.0f} ms   {seconds / base:5.2f}×")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7, Path(sys.argv[2]).resolve() if len(sys.argv) > 2 else None)
