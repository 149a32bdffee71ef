"""Nothing is lost when a run is killed (SIGKILL) at any moment while it writes: the target is the old file or a
complete new one, backups are whole copies of the original, and the input is intact.

The kills land after the imports (the driver says "ready" then), spread over the time an uninterrupted run takes
to check and write. NIANBAO_KILL_RUNS sets the number of kills per mode (default 4).
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from validator.names import RESULT_SHEET

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
KILLS = int(os.environ.get("NIANBAO_KILL_RUNS", "4"))
DRIVER = """
import sys
import validator.annotate.zip_painter, validator.engine, validator.render.table  # paid before "ready"
from validator.cli import main
print("ready", flush=True)
sys.exit(main(sys.argv[1:]))
"""


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def start(folder: Path, *args: str) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", DRIVER, "check", "report.xlsx", *args],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert proc.stdout.readline().strip() == b"ready"
    return proc


def complete_annotated(path: Path) -> bool:
    """A whole workbook written by the tool: it opens and has its results sheet."""
    return RESULT_SHEET in openpyxl.load_workbook(path, read_only=True).sheetnames


@pytest.mark.parametrize("mode", [("--in-place",), ()], ids=["in-place", "annotated-copy"])
def test_killed_at_any_moment_nothing_is_lost(mode: tuple[str, ...], tmp_path: Path, balanced_workbook: Path):
    original = sha(balanced_workbook)
    target_name = "report.xlsx" if mode else "report.校验.xlsx"
    calibration = tmp_path / "calibration"
    calibration.mkdir()
    shutil.copyfile(balanced_workbook, calibration / "report.xlsx")
    began = time.monotonic()
    assert start(calibration, *mode).wait(timeout=300) == 0
    window = time.monotonic() - began
    assert complete_annotated(calibration / target_name)
    rng = random.Random(f"{mode}-{KILLS}")
    for i in range(KILLS):
        folder = tmp_path / f"run{i}"
        folder.mkdir()
        shutil.copyfile(balanced_workbook, folder / "report.xlsx")
        proc = start(folder, *mode)
        time.sleep(rng.uniform(0, window * 1.1))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        target = folder / target_name
        if mode:
            assert sha(target) == original or complete_annotated(target), f"kill {i}: target damaged"
            for backup in folder.glob("report.bak*.xlsx"):
                assert sha(backup) == original, f"kill {i}: partial backup {backup.name}"
        else:
            assert sha(folder / "report.xlsx") == original, f"kill {i}: input changed"
            assert not target.exists() or complete_annotated(target), f"kill {i}: partial copy"


STUCK_WRITER = """
import sys, time
from pathlib import Path
from validator.atomic import write_atomic

def write(tmp: Path) -> None:
    tmp.write_bytes(b"PK partial")
    print(tmp.name, flush=True)
    time.sleep(600)  # killed here, in the middle of the write

write_atomic(Path(sys.argv[1]), write)
"""


def stuck_writer(target: Path) -> tuple[subprocess.Popen, Path]:
    """A write of `target` stopped midway; its temporary file."""
    proc = subprocess.Popen([sys.executable, "-c", STUCK_WRITER, str(target)], stdout=subprocess.PIPE)
    return proc, target.with_name(proc.stdout.readline().decode().strip())


def test_the_next_write_sweeps_what_a_killed_write_left(tmp_path: Path, balanced_workbook: Path) -> None:
    shutil.copyfile(balanced_workbook, tmp_path / "report.xlsx")
    target = tmp_path / "report.校验.xlsx"
    proc, temporary = stuck_writer(target)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert temporary.name.startswith(".~report.校验.") and temporary.is_file()  # what a killed write leaves
    own = tmp_path / ".~report.校验.notours.xlsx"  # not of the tool's naming: never touched
    own.write_bytes(b"user file")

    running, busy = stuck_writer(target)  # another run writing the same target right now keeps its file
    try:
        assert start(tmp_path).wait(timeout=300) == 0  # nothing wrong in it; the copy is written all the same
        assert complete_annotated(target)
        assert not temporary.exists() and busy.is_file() and own.read_bytes() == b"user file"
    finally:
        running.kill()
        running.wait()
