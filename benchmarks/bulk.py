"""Bulk speed: `nianbao batch` against the floor of merely reading the same workbooks with python-calamine, in one run.

Generates N realistic filled workbooks (most balanced, a share with wrong cells, some with rows inserted into 表三,
some with formulas; each agency different), then measures
  (a) the floor: python-calamine reading every cell of every file in one process, and nothing else;
  (b) `nianbao batch --no-annotate` (every core);
  (c) `nianbao batch` writing annotated copies;
and prints files/s, the ratios b/a and c/a, and the peak memory of each run (the whole process tree); and (b)'s CPU
(all its processes), which bounds b/a from below however well the cores are used, and how busy they were: what is
lost to the parts where one process works alone (starting, writing the outputs) shows there.

The host's speed drifts from minute to minute (the floor alone varies by a quarter between runs), so with
--repeat K, (a), (b) and (c) are measured K times alternated and the median of each ratio's K values is printed,
each round's times too.
The command runs the `validator` package of the current directory (`python -m validator`, as a worktree has it).

Usage: .venv/bin/python benchmarks/bulk.py [N] [--big] [--repeat K]
       (--big: N = 10,000; the set is cached in build/bench/N)
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path

import openpyxl
import psutil
import python_calamine

from validator.forms.layout import template_layout
from validator.forms.sample import balanced_values, valid_credit_code
from validator.forms.workbook import write_blank
from validator.spec import default_template

ROOT = Path("build/bench")
SHARES = {"balanced": 0.70, "wrong": 0.20, "inserted_rows": 0.05, "formulas": 0.05}


def _values(i: int, rng: random.Random) -> dict[str, object]:
    """A balanced report of agency i: the example's 表三/表四 scaled (sums stay balanced), its own name and code."""
    template = default_template()
    values = balanced_values(template)
    k = rng.randint(1, 9)
    for key, value in values.items():
        if key.startswith(("t3.", "t4.")):
            values[key] = value * k
    values["agency_name"] = f"某县第{i}局"
    values["credit_code"] = valid_credit_code(f"11330521MB{i:07d}")
    return values


@cache
def _blank(path: Path) -> openpyxl.Workbook:
    """The blank template, loaded once per process: filling every input anew on each use leaves nothing behind."""
    return openpyxl.load_workbook(path)


def _make(args: tuple[Path, Path, int, str]) -> None:
    blank, target, i, kind = args
    rng = random.Random(i)
    template = default_template()
    values = _values(i, rng)
    t3 = [k for k in values if k.startswith("t3.")]
    if kind == "wrong":
        for key in rng.sample(t3, rng.randint(1, 3)):
            values[key] = int(values[key]) + rng.randint(1, 9)
    # Inserting rows changes the workbook for good: only that kind starts from a freshly loaded blank.
    wb = openpyxl.load_workbook(blank) if kind == "inserted_rows" else _blank(blank)
    for sheet in template_layout(template):
        ws = wb[sheet.name]
        for slot in sheet.slots:
            value = values.get(slot.key)
            if kind == "formulas" and slot.key.endswith(".total") and slot.key.startswith("t3."):
                value = f"=SUM(C{slot.row}:H{slot.row})"  # as typed in Excel: the total column as a formula
            ws.cell(slot.row, slot.col, value)
    if kind == "inserted_rows":
        wb["表三"].insert_rows(8, 2)  # blank rows in the middle of the table: located by labels all the same
    wb.save(target)


def generate(n: int) -> Path:
    """N workbooks in build/bench/N (reused when complete)."""
    folder = ROOT / str(n) / "报送"
    if folder.is_dir() and len(list(folder.glob("*.xlsx"))) == n:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    blank = ROOT / "blank.xlsx"
    write_blank(default_template(), blank)
    kinds = random.Random(0).choices(list(SHARES), weights=list(SHARES.values()), k=n)
    jobs = [(blank, folder / f"{i:05d}.xlsx", i, kind) for i, kind in enumerate(kinds)]
    with ProcessPoolExecutor() as pool:
        list(pool.map(_make, jobs, chunksize=50))
    return folder


def floor(folder: Path) -> float:
    """Seconds to read every cell of every workbook with python-calamine, in this one process."""
    start = time.perf_counter()
    for path in sorted(folder.glob("*.xlsx")):
        wb = python_calamine.CalamineWorkbook.from_path(str(path))
        for name in wb.sheet_names:
            wb.get_sheet_by_name(name).to_python()
    return time.perf_counter() - start


def timed(command: list[str]) -> tuple[float, float, float]:
    """Seconds, peak memory (MiB) and seconds of CPU of one command, the command and all its worker processes
    together."""
    before = _children_cpu()
    start = time.perf_counter()
    proc = psutil.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while proc.poll() is None:
        try:
            tree = [proc, *proc.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass  # a worker ended between listing and measuring
        time.sleep(0.05)
    return time.perf_counter() - start, peak / 2**20, _children_cpu() - before


def _children_cpu() -> float:
    """CPU seconds of every process this one has waited for, and of those each of them waited for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def batch(folder: Path, out: Path, *options: str) -> tuple[float, float, float]:
    """`nianbao batch` of the folder into a fresh `out`: seconds, peak memory and CPU seconds."""
    shutil.rmtree(out, ignore_errors=True)
    return timed([sys.executable, "-m", "validator", "batch", str(folder), "--out", str(out), *options])


def main() -> None:
    parser = argparse.ArgumentParser(description="bulk speed against the python-calamine floor")
    parser.add_argument("n", nargs="?", type=int, default=2000, help="workbooks (default 2,000)")
    parser.add_argument("--big", action="store_true", help="10,000 workbooks")
    parser.add_argument("--repeat", type=int, default=1, help="(a), (b) and (c) measured this many times, alternated")
    args = parser.parse_args()
    n, repeat = 10_000 if args.big else args.n, max(args.repeat, 1)
    folder = generate(n)
    out = ROOT / str(n) / "结果"
    rounds = []
    for _ in range(repeat):
        a = floor(folder)
        rounds.append((a, batch(folder, out, "--no-annotate"), batch(folder, out)))
    # each ratio's median round: (b) and (c) against the (a) measured just before them
    a, (b, b_mem, b_cpu), _ = _median(rounds, lambda r: r[1][0] / r[0])
    a_c, _, (c, c_mem, _) = _median(rounds, lambda r: r[2][0] / r[0])
    cores = os.cpu_count() or 1
    print(f"{n} workbooks, {cores} cores, {sys.platform}")
    if repeat > 1:
        print(
            "(a)/(b)/(c) alternated: "
            + "  ".join(f"{a_:.2f}/{b_[0]:.2f}/{c_[0]:.2f} s (b/a {b_[0] / a_:.2f})" for a_, b_, c_ in rounds)
        )
    print(f"(a) calamine reads every cell      {a:8.1f} s  {n / a:7.1f} files/s")
    median = " (median)" if repeat > 1 else ""
    print(
        f"(b) nianbao batch --no-annotate    {b:8.1f} s  {n / b:7.1f} files/s  peak {b_mem:6.0f} MiB"
        f"  b/a = {b / a:.2f}{median}"
    )
    # b/a cannot fall below (b)'s CPU spread over every core; the rest is time some core waited (serial phases)
    print(
        f"    its processes' CPU {b_cpu:.1f} s = {b_cpu / a:.2f} × a: b/a ≥ {b_cpu / cores / a:.2f} on {cores} cores;"
        f" the cores were busy {b_cpu / cores / b:.0%} of (b)"
    )
    print(
        f"(c) nianbao batch (with copies)    {c:8.1f} s  {n / c:7.1f} files/s  peak {c_mem:6.0f} MiB"
        f"  c/a = {c / a_c:.2f}{median}"
    )


def _median(rounds: list, ratio: Callable[[tuple], float]) -> tuple:
    return sorted(rounds, key=ratio)[len(rounds) // 2]


if __name__ == "__main__":
    main()
