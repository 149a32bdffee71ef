"""Checking workbook files: read each, check them all together, and return one FileReport per file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from validator.check import check_grids
from validator.findings import FileReport
from validator.sources.grid import ReadError
from validator.sources.xlsx import read_xlsx
from validator.spec import Template, default_template


def check_files(paths: Sequence[str | Path], template: Template | None = None) -> list[FileReport]:
    """Reports in the order of `paths`; unreadable files get a report with a Chinese error instead of findings."""
    template = template or default_template()
    reports = [FileReport(str(p), template.id) for p in paths]
    readable = []
    for report in reports:
        try:
            readable.append((report, read_xlsx(report.path)))
        except ReadError as exc:
            report.error = exc.message
            report.template = None
    for (report, _), findings in zip(readable, check_grids([g for _, g in readable], template)):
        report.findings = findings
    return reports
