"""Annotated copies: the zip-level painter against openpyxl rewriting the same workbooks, in one run and one process.

Checks the bulk set of benchmarks/bulk.py of 4·N workbooks (build/bench/<4N>, generated when missing; about a quarter
have findings), takes those with findings, then measures per workbook
  (a) the floor: python-calamine reading every cell;
  (b) the zip painter writing the annotated copy (`write_annotated`);
  (c) openpyxl loading the workbook for editing and saving it, which is the least the former openpyxl painter cost
      (it also painted the marks and laid out the results sheet);
and prints CPU milliseconds per workbook and the ratios b/a and c/b.

Usage: .venv/bin/python benchmarks/painter.py [N]   (default 50)
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import python_calamine
from bulk import generate

from validator.annotate.zip_painter import write_annotated
from validator.engine import check_paths
from validator.sources.xlsx import load_openpyxl


def per_workbook(paths: list[Path], step: Callable[[Path], object]) -> float:
    """CPU milliseconds per workbook of `step` (the machine may be shared), the best of three passes over all."""
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        for path in paths:
            step(path)
        best = min(best, time.process_time() - start)
    return best / len(paths) * 1000


def read_all(path: Path) -> None:
    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    for name in wb.sheet_names:
        wb.get_sheet_by_name(name).to_python()


def openpyxl_round_trip(path: Path) -> None:
    with path.open("rb") as fh:
        wb = load_openpyxl(fh, keep_vba=False, keep_links=True, data_only=False, rich_text=True)
    wb.save(io.BytesIO())


def main() -> None:
    n = int(next((a for a in sys.argv[1:] if a.isdigit()), 50))
    reports = {Path(r.path): r for r in check_paths(sorted(generate(4 * n).glob("*.xlsx"))) if r.findings}
    paths = list(reports)
    with tempfile.TemporaryDirectory() as out:
        a = per_workbook(paths, read_all)
        b = per_workbook(paths, lambda path: write_annotated(path, reports[path], Path(out)))
        c = per_workbook(paths, openpyxl_round_trip)
    print(
        f"{len(paths)} workbooks with findings (mean {sum(len(r.findings) for r in reports.values()) / len(paths):.1f} findings)"
    )
    print(f"(a) python-calamine reads every cell      {a:7.2f} ms")
    print(f"(b) zip painter writes the annotated copy {b:7.2f} ms   b/a = {b / a:.1f}")
    print(f"(c) openpyxl loads and saves the workbook {c:7.2f} ms   c/b = {c / b:.1f}")


if __name__ == "__main__":
    main()
