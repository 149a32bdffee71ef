"""Commands that only load specs (`nianbao template`, `nianbao templates`) run without importing pandas."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

# Runs the command in this fresh interpreter, then prints which heavy modules it imported.
PROBE = """
import sys
from validator.cli import main
code = main(sys.argv[1:])
print("HEAVY", code, sorted(m for m in ("pandas", "pandera", "numpy") if m in sys.modules))
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
