"""Cold time of `nianbao check` on the demo report against importing pandera and openpyxl, in one run.

Each command runs in a fresh interpreter (what a user clicking a button or a script calling the CLI pays);
the medians of several runs are compared. Usage: .venv/bin/python benchmarks/cold_start.py [runs]
"""

from __future__ import annotations

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


def _seconds(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=False, capture_output=True)
    return time.perf_counter() - start


def _medians(cases: dict[str, list[str]], runs: int) -> dict[str, float]:
    """Rounds that run every command once, so that drift in machine load hits all commands alike."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, command in cases.items():
            times[name].append(_seconds(command))
    return {name: statistics.median(t) for name, t in times.items()}


def main(runs: int = 7) -> None:
    template = default_template()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_blank(template, folder / "blank.xlsx")
        report = folder / "demo.xlsx"
        fill_workbook(folder / "blank.xlsx", report, balanced_values(template) | MISTAKES, template)
        py = sys.executable
        cases = {
            "import pandera.pandas, openpyxl": [py, "-c", "import pandera.pandas, openpyxl"],
            "nianbao check (annotated copy)": [py, "-m", "validator", "check", str(report), "--out", tmp],
            "nianbao check --no-annotate": [py, "-m", "validator", "check", str(report), "--no-annotate"],
            "nianbao check --format json": [
                py,
                "-m",
                "validator",
                "check",
                str(report),
                "--format",
                "json",
                "--out",
                tmp,
            ],
        }
        _medians(cases, 1)  # warm the OS file cache
        results = _medians(cases, runs)
    base = results["import pandera.pandas, openpyxl"]
    print(f"median of {runs} interleaved cold runs each")
    for name, seconds in results.items():
        print(f"{name:36s} {seconds * 1000:7.0f} ms   {seconds / base:5.2f}×")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
