"""Where a workbook's time goes in a batch worker: each step of checking, per workbook, in one process.

Uses the set of benchmarks/bulk.py (generated when missing) and prints milliseconds per workbook for reading the
bytes, inspecting the package, reading formulas without results, the whole read (with python-calamine), locating,
checking many reports per pandera call (and each rule's mask on one call's frame), and the whole worker task,
beside the floor of benchmarks/bulk.py.

Usage: .venv/bin/python benchmarks/bulk_steps.py [N]   (default: 500 workbooks of the 2,000-workbook set)
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import python_calamine
from bulk import generate

from validator.batch.inputs import collect
from validator.batch.work import Options, check_chunk
from validator.check.run import check_located, checking_frame
from validator.check.schema import frame_rules
from validator.locate import locate
from validator.sources.files import read_regular
from validator.sources.limits import Limits
from validator.sources.package import Inspected, inspect_package
from validator.sources.sniff import open_package
from validator.sources.uncached import uncached_cells
from validator.sources.xlsx import load, read_xlsx
from validator.spec import default_template
from validator.spec.model import Template

T = TypeVar("T")
CHUNK = 100  # reports per pandera call, as a batch worker's task (validator/batch/run.py MAX_CHUNK)


def step(label: str, count: int, run: Callable[[], T]) -> T:
    start = time.perf_counter()
    result = run()
    print(f"{label:52s} {(time.perf_counter() - start) / count * 1000:7.2f} ms")
    return result


def floor(path: Path) -> None:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()


def rule_masks(located: list, template: Template, shown: int = 6) -> None:
    """The rules' masks over one pandera call's frame: the slowest few and all of them, per workbook (what the
    schema runs; a rule whose mask grows shows here first)."""
    frame = checking_frame(located)
    times = []
    for code, rule in frame_rules(template).items():
        start = time.perf_counter()
        rule.instances(frame)
        times.append(((time.perf_counter() - start) / len(located) * 1000, code))
    slowest = "、".join(f"{code} {ms:.3f}" for ms, code in sorted(times, reverse=True)[:shown])
    print(f"{'  rule masks, all ' + str(len(times)):52s} {sum(ms for ms, _ in times):7.2f} ms   slowest: {slowest}")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    files = sorted(generate(2000).glob("*.xlsx"))[:n]
    limits, template = Limits.from_env(), default_template()
    read_xlsx(files[0])  # imports and first-use caches are not a workbook's cost
    print(f"{len(files)} workbooks, milliseconds per workbook")
    step("floor: python-calamine reads every cell", len(files), lambda: [floor(p) for p in files])
    data = step("reading the bytes", len(files), lambda: [read_regular(p, limits) for p in files])

    def inspect() -> list[Inspected]:
        out = []
        for path, raw in zip(files, data):
            with open_package(raw, path) as zf:
                out.append(inspect_package(zf, raw, limits))
        return out

    inspected = step("package inspection", len(files), inspect)
    step(
        "formulas without results, error values",
        len(files),
        lambda: [uncached_cells(i.parts, i.uncached) for i in inspected if i.uncached],
    )
    grids = step("whole read (the above and python-calamine)", len(files), lambda: [load(p).grid for p in files])
    located = step("locating", len(files), lambda: [locate(g, template) for g in grids])
    chunks = range(0, len(files), CHUNK)
    step(
        f"checking, {CHUNK} reports per pandera call",
        len(files),
        lambda: [check_located(located[i : i + CHUNK]) for i in chunks],
    )
    rule_masks(located[:CHUNK], template)
    items = collect([str(p) for p in files], Path("build/bench/steps"), exclude=[]).items
    step(
        "whole worker task (check_chunk)",
        len(files),
        lambda: [check_chunk(items[i : i + CHUNK], Options()) for i in chunks],
    )


if __name__ == "__main__":
    main()
