"""Checking workbook files: read each, check them all together, and return one FileReport per file."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from validator.check import check_located
from validator.findings import FileReport
from validator.locate import locate
from validator.sources.grid import ReadError, WorkbookGrid
from validator.sources.xlsx import read_xlsx
from validator.spec import Template, default_template

_BACKUP = re.compile(r"\.bak\d*\.")  # x.bak.xlsx, x.bak2.xlsx: what --in-place keeps
WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".et"})  # old formats too: their owners are told to convert


def workbook_paths(paths: Sequence[str | Path]) -> list[tuple[Path, Path]]:
    """(file, its folder relative to the folder named) for every workbook to check.

    Files are taken as given; a folder stands for the workbooks in it and its subfolders, without the annotated
    copies and backups this tool writes and without Office's "~$" lock files. An empty folder stays, to be reported.
    The relative folder lets copies written elsewhere (--out) keep the folder structure, so that two b.xlsx in two
    subfolders do not overwrite each other's copy.
    """
    out: list[tuple[Path, Path]] = []
    for path in map(Path, paths):
        found = sorted(f for f in path.rglob("*") if _is_report(f)) if _is_folder(path) else []
        out += [(f, f.parent.relative_to(path)) for f in found] or [(path, Path())]
    return out


def _is_folder(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # a name too long, no permission…: reading it will say so in Chinese
        return False


def _is_report(path: Path) -> bool:
    name = path.name
    ours = ".校验." in name or _BACKUP.search(name) or name.startswith("~$")
    return path.is_file() and path.suffix.lower() in WORKBOOK_SUFFIXES and not ours


def check_files(paths: Sequence[str | Path], template: Template | None = None) -> list[FileReport]:
    """Reports in the order of `paths`; a file that cannot be checked gets a Chinese error instead of findings."""
    template = template or default_template()
    reports = [FileReport(str(p)) for p in paths]
    located = []
    for report in reports:
        try:
            grid = _read(Path(report.path))
            located.append((report, locate(grid, template)))
        except ReadError as exc:
            report.error = exc.message
            continue
        except Exception as exc:  # a workbook shaped like nothing we foresaw must not stop the other files
            report.error = (
                f"校验时出现内部错误（{type(exc).__name__}: {exc}），该文件未能校验。请把该文件发给本工具的维护人员。"
            )
            continue
        report.template = template.id
        if grid.template_id and grid.template_id != template.id:
            report.notices.append(
                f"该工作簿由模板「{grid.template_id}」生成，本次按「{template.id}」（{template.basis}）校验。"
            )
    for (report, _), findings in zip(located, check_located([loc for _, loc in located])):
        report.findings = findings
    return reports


def _read(path: Path) -> WorkbookGrid:
    if _is_folder(path):  # what workbook_paths leaves of a folder without workbooks
        raise ReadError(f"文件夹 {path} 中没有 .xlsx/.xlsm 工作簿。请指定工作簿文件，或包含工作簿的文件夹。", "missing")
    return read_xlsx(path)
