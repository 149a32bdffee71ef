"""A warm click on 校验 against checking the same file, in one process: the cost of the Excel path over the engine.

The click path is what the Python side of the button does each time: take the workbook's payload (xlwings' JSON
Book, as the Office.js client sends it), read its live values into a WorkbookGrid, check, and record the actions
that mark the workbook. The baseline checks the demo file in-process (read + check). Rounds alternate the two, so
that drift in machine load hits both alike; medians are compared.
Usage: .venv/bin/python benchmarks/excel_click.py [rounds]
"""

from __future__ import annotations

import copy
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from validator import check_paths
from validator.demo import MISTAKES
from validator.excel.actions import check_book
from validator.excel.simulate import book_json, import_xlwings
from validator.forms.sample import balanced_values, fill_workbook
from validator.forms.workbook import write_blank
from validator.spec import default_template


def _seconds(run: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock and CPU time of one run (CPU time is steadier on a shared machine)."""
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def main(rounds: int = 15) -> None:
    xw = import_xlwings()
    template = default_template()
    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp) / "demo.xlsx"
        write_blank(template, Path(tmp) / "blank.xlsx")
        fill_workbook(Path(tmp) / "blank.xlsx", demo, balanced_values(template) | MISTAKES, template)
        payload, supplement = book_json(demo)

        def click() -> list:
            book = xw.Book(json=copy.deepcopy(payload))  # the server parses a fresh payload on every click
            check_book(book, supplement)
            actions = book.json()["actions"]
            book.close()
            return actions

        cases = {
            "click (live values → findings → actions)": click,
            "check file in-process": lambda: check_paths([demo]),
        }
        for run in cases.values():  # warm: imports, spec, compiled schemas
            run()
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
        for _ in range(rounds):
            for name, run in cases.items():
                times[name].append(_seconds(run))
    wall = {name: statistics.median(w for w, _ in t) for name, t in times.items()}
    cpu = {name: statistics.median(c for _, c in t) for name, t in times.items()}
    for name in cases:
        print(f"{name:45s} {wall[name] * 1000:8.1f} ms wall, {cpu[name] * 1000:8.1f} ms CPU (medians of {rounds})")
    (click_wall, check_wall), (click_cpu, check_cpu) = wall.values(), cpu.values()
    print(f"ratio click / check: {click_wall / check_wall:.2f}× wall, {click_cpu / check_cpu:.2f}× CPU (aim ≤ 1.5×)")
    print(f"actions per click: {len(click())}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:2]))
