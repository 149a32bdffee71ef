"""Reading a report made from the template with live checks, as saved by an office suite, in one run.

The live checks put formulas in the template. A saved workbook carries their results, so python-calamine reads it;
the exact (openpyxl) reader is only needed for formulas without saved results. This prints the median time of both
readers on the same LibreOffice-saved report and their ratio. Usage: .venv/bin/python benchmarks/live_checks_read.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from validator.forms.sample import balanced_values, fill_workbook
from validator.forms.workbook import write_blank
from validator.sources.xlsx import read_xlsx
from validator.spec import default_template


def _median(read, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        read()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(runs: int = 15) -> None:
    template = default_template()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_blank(template, folder / "blank.xlsx")
        fill_workbook(folder / "blank.xlsx", folder / "report.xlsx", balanced_values(template), template)
        (folder / "saved").mkdir()
        subprocess.run(
            ["soffice", f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--convert-to", "xlsx",
             "--outdir", str(folder / "saved"), str(folder / "report.xlsx")],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
        saved = folder / "saved" / "report.xlsx"
        fast = _median(lambda: read_xlsx(saved), runs)
        exact = _median(lambda: read_xlsx(saved, exact=True), runs)
    print(f"LibreOffice-saved report with live checks, median of {runs} reads:")
    print(f"  python-calamine (used): {fast * 1000:.1f} ms")
    print(f"  openpyxl exact reader:  {exact * 1000:.1f} ms")
    print(f"  exact / used = {exact / fast:.1f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
