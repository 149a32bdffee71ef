"""Error localisation on generated reports with 1, 2 and 3 planted mistakes (a share of them blank totals), and on
half-filled 表三 (HALF_BLANKS cells of it left blank, as by a clerk mid-way, besides 1 and 2 typing mistakes).

Prints, per number of mistakes and table, how often the named correction is exactly the truth (or honestly
"ambiguous"), and the time the localisation takes per report (median, 95th percentile; wall clock and, since the
machine may be shared, the process's CPU time), next to the whole check's wall time per report in the same run. Usage: .venv/bin/python benchmarks/localisation.py [reports per row] [seed]
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

from validator import check_grids
from validator.check.localise import report_localisation
from validator.forms.generated import Planted, _typo, judge, plant_mistakes, planted_grid, random_tables
from validator.forms.sample import balanced_values, fill_workbook
from validator.forms.workbook import write_blank
from validator.locate import locate
from validator.sources.xlsx import read_xlsx
from validator.spec import default_template

TEMPLATE = default_template()
HALF_BLANKS = 10


def half_filled(rng: random.Random, wrong: int) -> Planted:
    """表三 with HALF_BLANKS random cells blank and `wrong` other cells mistyped: the blanks of non-zero cells are
    part of the truth (to be filled), those of zero cells are not."""
    values = random_tables(TEMPLATE, rng)
    keys = [k for k in values if k.startswith("t3.")]
    blanks = rng.sample(keys, HALF_BLANKS)
    typos = {k: _typo(values[k], rng) for k in rng.sample([k for k in keys if k not in blanks], wrong)}
    truth = {k: values[k] for k in blanks if values[k]} | {k: values[k] for k in typos}
    return Planted(values | dict.fromkeys(blanks) | typos, truth)


def _failing(values: dict[str, float]) -> dict[str, list[int]]:
    """The failing equation instances by rule code, as the schema reports them."""
    out: dict[str, list[int]] = {}
    for rule in TEMPLATE.rules:
        for i, eq in enumerate(rule.equations):
            if abs(sum(values[k] for k in eq.lhs) - sum(values[k] for k in eq.rhs)) > 1e-6:
                out.setdefault(rule.code, []).append(i)
    return out


def main(count: int = 200, seed: int = 1) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        write_blank(TEMPLATE, Path(tmp) / "blank.xlsx")
        fill_workbook(Path(tmp) / "blank.xlsx", Path(tmp) / "r.xlsx", balanced_values(TEMPLATE), TEMPLATE)
        grid = read_xlsx(Path(tmp) / "r.xlsx")
    located = locate(grid, TEMPLATE)
    rng = random.Random(seed)
    print(f"{'表':4} {'错误数':>6} {'报告数':>6} {'完全正确':>8} {'如实说明不唯一':>14} {'更省的改法':>10} {'错误':>4}"
          f" {'未求出':>6} {'定位中位数ms':>12} {'定位P95 ms':>10} {'CPU中位数ms':>11} {'整个校验ms/份':>13}")  # fmt: skip
    all_times: list[float] = []
    all_cpu: list[float] = []
    rows = [(table, wrong) for table in ("t3", "t4") for wrong in (1, 2, 3)] + [("半填表三", 1), ("半填表三", 2)]
    for table, wrong in rows:
        if table == "半填表三":
            planted = [half_filled(rng, wrong) for _ in range(count)]
        else:
            planted = [plant_mistakes(random_tables(TEMPLATE, rng), TEMPLATE, rng, wrong, table) for _ in range(count)]
        grids = [planted_grid(grid, located, p.values) for p in planted]
        start = time.perf_counter()
        reports = check_grids(grids, TEMPLATE)
        per_report = (time.perf_counter() - start) / count
        times, cpu = [], []
        for p in planted:
            values = {k: (0.0 if v is None else float(v)) for k, v in p.values.items()}
            cheap = {k for k, v in p.values.items() if v is None}
            failing = _failing(values)
            start, start_cpu = time.perf_counter(), time.process_time()
            report_localisation(located, values, cheap, failing)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        all_times += times
        all_cpu += cpu
        verdicts = Counter(judge(r.localisation, p) for p, r in zip(planted, reports))
        print(
            f"{table:4} {wrong:>6} {count:>6} {verdicts['exact'] / count:>8.1%} {verdicts['ambiguous'] / count:>14.1%}"
            f" {verdicts['cheaper'] / count:>10.1%} {verdicts['wrong']:>4}"
            f" {sum(not r.localisation.solved for r in reports) / count:>6.1%}"
            f" {statistics.median(times) * 1e3:>12.1f} {np.percentile(times, 95) * 1e3:>10.1f}"
            f" {statistics.median(cpu) * 1e3:>11.1f}"
            f" {per_report * 1e3:>13.1f}"
        )
    print(
        f"全部有错误的报告：定位中位数 {statistics.median(all_times) * 1e3:.1f} ms，"
        f"P95 {np.percentile(all_times, 95) * 1e3:.1f} ms，最长 {max(all_times) * 1e3:.1f} ms；"
        f"CPU 时间中位数 {statistics.median(all_cpu) * 1e3:.1f} ms，P95 {np.percentile(all_cpu, 95) * 1e3:.1f} ms"
    )


if __name__ == "__main__":
    main(*map(int, sys.argv[1:3]))
