"""Checking workbook files: read each, check them all together, and return one FileReport per file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from validator.check import check_located
from validator.findings import FileReport
from validator.locate import locate
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
    located = []
    for report, grid in readable:
        try:
            located.append((report, locate(grid, template)))
        except Exception as exc:  # a workbook shaped like nothing we foresaw must not stop the other files
            report.error = (
                f"校验时出现内部错误（{type(exc).__name__}: {exc}），该文件未能校验。请把该文件发给本工具的维护人员。"
            )
    for (report, _), findings in zip(located, check_located([loc for _, loc in located])):
        report.findings = findings
    return reports
