"""Commands that only load specs (`nianbao template`, `nianbao templates`) run without importing pandas."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from validator.forms.layout import template_layout
from validator.spec import default_template

# Runs the command in this fresh interpreter, then prints which heavy modules it imported.
PROBE = """
import sys
from validator.cli import main
code = main(sys.argv[1:])
print("HEAVY", code, sorted(m for m in ("pandas", "pandera", "numpy", "openpyxl") if m in sys.modules))
"""


def _heavy(*args: str) -> tuple[int, str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=True)
    line = next(x for x in done.stdout.splitlines() if x.startswith("HEAVY"))
    _, code, modules = line.split(" ", 2)
    return int(code), modules


@pytest.mark.parametrize("suffix", [".xlsx", ".xlsm"])
def test_template_writes_without_pandas(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"blank{suffix}"
    code, modules = _heavy("template", "-o", str(out))
    assert code == 0
    assert "pandas" not in modules and "pandera" not in modules
    assert "表三" in openpyxl.load_workbook(out).sheetnames


def test_templates_lists_without_pandas() -> None:
    code, modules = _heavy("templates")
    assert code == 0
    assert "pandas" not in modules and "pandera" not in modules


@pytest.mark.parametrize("command", ["check", "batch"])
def test_workbooks_checked_and_marked_without_openpyxl(balanced_workbook: Path, tmp_path: Path, command: str) -> None:
    """openpyxl (~0.15 s to import) writes blank workbooks and converted documents only: a check or a batch of
    workbooks, annotated copies and 汇总.xlsx included, never loads it."""
    wrong = tmp_path / "wrong.xlsx"
    book = openpyxl.load_workbook(balanced_workbook)
    slot = next(s for sheet in template_layout(default_template()) if sheet.name == "表三" for s in sheet.slots)
    book["表三"].cell(slot.row, slot.col, 999)  # unbalances 表三: a copy is written
    book.save(wrong)
    code, modules = _heavy(command, str(wrong), "--out", str(tmp_path / "out"))
    assert code == 1
    assert list((tmp_path / "out").rglob("*.校验.xlsx"))
    assert "pandera" in modules and "openpyxl" not in modules


def test_check_runs_without_importing_hypothesis(balanced_workbook: Path) -> None:
    """pandera imports hypothesis (installed with the dev extras) on its first validation, only for data synthesis;
    the `nianbao` command keeps it out (~0.3 s of a cold check) and still checks."""
    probe = (
        "import sys\nsys.argv = ['nianbao', *sys.argv[1:]]\nfrom validator.cli import main\ncode = main()\n"
        "print('HYPOTHESIS', code, sys.modules.get('hypothesis') is not None)"
    )
    args = ["check", str(balanced_workbook), "--no-annotate"]
    done = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, check=True)
    assert "HYPOTHESIS 0 False" in done.stdout, done.stdout[-2000:] + done.stderr[-2000:]


def _collector_after(args: list[str], own_process: bool) -> str:
    """A command run in a fresh interpreter as the command itself (argv from sys.argv) or by a caller passing argv."""
    call = "main()" if own_process else "main(sys.argv[1:])"
    probe = (
        "import gc, sys\nsys.argv = ['nianbao', *sys.argv[1:]]\nfrom validator.cli import main\n"
        f"frozen = gc.get_freeze_count()\ncode = {call}\n"
        "print('GC', code, gc.isenabled(), gc.get_freeze_count() > frozen + 100000)"
    )
    done = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, check=True)
    return next(x for x in done.stdout.splitlines() if x.startswith("GC"))


@pytest.mark.parametrize("command", ["check", "batch"])
def test_commands_freeze_what_their_imports_built(balanced_workbook: Path, tmp_path: Path, command: str) -> None:
    """The command's own process freezes the objects its imports built (no collection rescans them, nor copies the
    pages the forked reader or batch workers share) and collects garbage again afterwards; a caller's collector is
    left alone."""
    args = [
        command,
        str(balanced_workbook),
        "--no-annotate",
        *(["--out", str(tmp_path / "out")] if command == "batch" else []),
    ]
    assert _collector_after(args, own_process=True) == "GC 0 True True"
    assert _collector_after(args, own_process=False) == "GC 0 True False"
