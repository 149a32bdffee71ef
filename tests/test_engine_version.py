"""The engine version in every result follows the code and the template specs: results of other rules are stale."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _tree(target: Path) -> Path:
    """A copy of the package and its template specs, to be changed as an upgrade changes them."""
    for part in ("validator", "templates"):
        shutil.copytree(ROOT / part, target / part, ignore=shutil.ignore_patterns("__pycache__", "*.xlsx"))
    return target


def _batch(tree: Path, src: Path, out: Path) -> tuple[int, int]:
    """(results reused, reports checked) of a batch run with the package of `tree`."""
    command = [sys.executable, "-m", "validator", "batch", str(src), "--out", str(out), "--no-annotate", "--jobs", "1"]
    done = subprocess.run(command, cwd=tree, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    reused = re.search(r"(\d+) 份内容未变", done.stderr)
    return (int(reused[1]) if reused else 0), int(re.search(r"本次校验 (\d+) 份", done.stderr)[1])


def _version(tree: Path) -> str:
    code = "from validator.version import ENGINE_VERSION; print(ENGINE_VERSION)"
    return subprocess.run([sys.executable, "-c", code], cwd=tree, capture_output=True, text=True, check=True).stdout


def test_a_rerun_after_a_template_spec_changed_checks_every_file_again(balanced_workbook: Path, tmp_path: Path):
    tree, src, out = _tree(tmp_path / "tool"), tmp_path / "收到", tmp_path / "结果"
    src.mkdir()
    for name in ("甲.xlsx", "乙.xlsx"):
        shutil.copy(balanced_workbook, src / name)
    assert _batch(tree, src, out) == (0, 2)
    assert _batch(tree, src, out) == (2, 0)  # nothing changed: the results stand
    before = _version(tree)
    spec = next((tree / "templates").glob("*2021.yaml"))
    spec.write_text(
        spec.read_text(encoding="utf-8").replace("summary: 正文所述上年结转申请数", "summary: 正文中的上年结转申请数"),
        encoding="utf-8",
    )
    assert _version(tree) != before
    assert _batch(tree, src, out) == (0, 2)  # a rule may have changed: every file is checked again


def test_the_code_is_part_of_the_version(tmp_path: Path):
    tree = _tree(tmp_path / "tool")
    before = _version(tree)
    with (tree / "validator" / "rules" / "statements.py").open("a", encoding="utf-8") as fh:
        fh.write("\n# a mended rule\n")
    assert _version(tree) != before
    assert before.startswith("0.") and "+" in before  # the release, then the digest
