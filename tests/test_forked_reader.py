"""On Linux the guard's reading worker is a fork of the caller after its imports, not a fresh interpreter.

Each scenario runs in a fresh interpreter: the test process holds other tests' threads (dask's), and from a process
with foreign threads the guard rightly starts a fresh interpreter instead of forking.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from packages import with_shared_strings

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux only")

_PRELUDE = """
import json, os, sys
from pathlib import Path
from validator.sources.grid import ReadError
from validator.sources.guard import Guard
from validator.sources.limits import MB, Limits
from validator.sources.xlsx import load

def command_line(pid):
    return Path(f"/proc/{pid}/cmdline").read_bytes()

book = Path(sys.argv[1])
guard = Guard()
"""


def _scenario(code: str, *args: Path) -> dict:
    """What `code` (after _PRELUDE) prints as JSON on its last line, run in a fresh interpreter."""
    script = _PRELUDE + textwrap.dedent(code) + "\nguard.close()\n"
    done = subprocess.run(
        [sys.executable, "-c", script, *map(str, args)], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_the_worker_is_this_process_forked(balanced_workbook: Path):
    seen = _scenario(
        """
        same = guard.read(book).grid == load(book).grid
        pid = guard._worker.proc.pid
        forked = command_line(pid) == command_line("self")  # a fresh worker runs `-m validator.sources.worker`
        same_hash = guard.read(book).sha256 == load(book).sha256
        print(json.dumps({"same": same, "forked": forked, "hash": same_hash, "reused": guard._worker.proc.pid == pid}))
        """,
        balanced_workbook,
    )
    assert seen == {"same": True, "forked": True, "hash": True, "reused": True}


def test_a_forked_worker_that_aborts_costs_one_file(balanced_workbook: Path, tmp_path: Path):
    """With the count limit lifted python-calamine aborts on this file; another fork reads the next one."""
    bomb = with_shared_strings(balanced_workbook, tmp_path / "sst.xlsx", 999_999_999_999)
    seen = _scenario(
        """
        guard.read(book)
        first = guard._worker.proc.pid
        try:
            guard.read(Path(sys.argv[2]), limits=Limits(shared_strings=10**13))
            refused = ""
        except ReadError as e:
            refused = e.message
        same = guard.read(book).grid == load(book).grid
        print(json.dumps({"refused": refused, "same": same, "replaced": guard._worker.proc.pid != first}))
        """,
        balanced_workbook,
        bomb,
    )
    assert "内存" in seen["refused"] or "异常终止" in seen["refused"]
    assert seen["same"] and seen["replaced"]


def test_the_memory_limit_is_on_what_a_read_adds(balanced_workbook: Path):
    """A forked worker holds its caller's address space from the start: the limit counts from there, or a caller
    holding more than the limit could read nothing."""
    seen = _scenario(
        """
        ballast = bytearray(300 * MB)  # the caller holds more than the limit
        held = int(Path("/proc/self/statm").read_text().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        same = guard.read(book, limits=Limits(memory_bytes=200 * MB)).grid == load(book).grid
        print(json.dumps({"held": held, "same": same}))
        """,
        balanced_workbook,
    )
    assert seen["held"] > 200 * 2**20 and seen["same"]


def test_a_process_forked_after_a_read_reads_with_a_worker_of_its_own(balanced_workbook: Path):
    """A pool forks its workers from a process whose guard may already have a worker: that worker is not theirs."""
    seen = _scenario(
        """
        guard.read(book)
        parent_worker = guard._worker.proc.pid
        pid = os.fork()
        if pid == 0:
            from validator.sources.guard import read_workbook
            ok = read_workbook(book).grid == load(book).grid and guard.read(book).grid == load(book).grid
            os._exit(0 if ok and guard._worker.proc.pid != parent_worker else 1)
        _, status = os.waitpid(pid, 0)
        again = guard.read(book).grid == load(book).grid and guard._worker.proc.pid == parent_worker
        print(json.dumps({"child": os.waitstatus_to_exitcode(status), "parent": again}))
        """,
        balanced_workbook,
    )
    assert seen == {"child": 0, "parent": True}
