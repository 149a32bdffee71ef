"""On Linux the guard's reading worker is a fork of the caller after its imports, not a fresh interpreter."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from packages import with_shared_strings

from validator.sources.grid import ReadError
from validator.sources.guard import Guard
from validator.sources.limits import MB, Limits
from validator.sources.xlsx import load

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux only")


def _command_line(pid: int | str) -> bytes:
    return Path(f"/proc/{pid}/cmdline").read_bytes()


def test_the_worker_is_this_process_forked(balanced_workbook: Path):
    guard = Guard()
    try:
        assert guard.read(balanced_workbook).grid == load(balanced_workbook).grid
        pid = guard._worker.proc.pid
        assert _command_line(pid) == _command_line("self")  # a fresh worker runs `-m validator.sources.worker`
        assert guard.read(balanced_workbook).sha256 == load(balanced_workbook).sha256
        assert guard._worker.proc.pid == pid  # reused for the next file
    finally:
        guard.close()


def test_a_forked_worker_that_aborts_costs_one_file(balanced_workbook: Path, tmp_path: Path):
    """With the count limit lifted python-calamine aborts on this file; another fork reads the next one."""
    bomb = with_shared_strings(balanced_workbook, tmp_path / "sst.xlsx", 999_999_999_999)
    lifted = Limits(shared_strings=10**13)
    guard = Guard()
    try:
        guard.read(balanced_workbook)
        first = guard._worker.proc.pid
        with pytest.raises(ReadError) as refused:
            guard.read(bomb, limits=lifted)
        assert "内存" in refused.value.message or "异常终止" in refused.value.message
        assert guard.read(balanced_workbook).grid == load(balanced_workbook).grid
        assert guard._worker.proc.pid != first
    finally:
        guard.close()


def test_the_memory_limit_is_on_what_a_read_adds(balanced_workbook: Path):
    """A forked worker holds its caller's address space from the start: the limit counts from there, or a caller
    holding more than the limit could read nothing."""
    held = int(Path("/proc/self/statm").read_text().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    limit = 200 * MB
    assert held > limit, "this test needs a caller holding more than the limit"
    guard = Guard()
    try:
        assert guard.read(balanced_workbook, limits=Limits(memory_bytes=limit)).grid == load(balanced_workbook).grid
    finally:
        guard.close()
