"""A reading worker that cannot start says why, as a defect of the tool, never as the file's fault, and the next
file gets a new worker.

The forked worker imports validator.sources.worker from disk when it starts; a long-running service whose package
is replaced under it (an upgrade) meets that. Each scenario runs the guard of a copy of the package, in a fresh
interpreter (a process without other threads forks its worker), and changes that copy's worker module first.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from test_engine_version import _tree
from test_forked_reader import _scenario

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux only")

_SCENARIO = """
import json, sys
from pathlib import Path
from validator.sources import guard
from validator.sources.grid import ReadError
from validator.sources.xlsx import load

book = Path(sys.argv[1])
module = Path(guard.__file__).with_name("worker.py")
kept = module.read_bytes()
reader = guard.Guard()
{change}
try:
    reader.read(book)
    said = ""
except (guard.WorkerError, ReadError) as exc:
    said = f"{{type(exc).__name__}}: {{exc}}"
module.write_bytes(kept)
print(json.dumps({{"said": said, "next": reader.read(book).grid == load(book).grid}}))
reader.close()
"""


def _first_read(tmp_path: Path, book: Path, change: str) -> dict:
    """What the guard of a package copy says of its first read after `change`, and whether the next read, with the
    package restored, gives the file's cells."""
    tree = _tree(tmp_path / "tool")
    script = _SCENARIO.format(change=textwrap.dedent(change))
    done = subprocess.run(
        [sys.executable, "-c", script, str(book)], cwd=tree, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_a_worker_that_fails_to_start_shows_its_traceback(balanced_workbook: Path, tmp_path: Path):
    """The forked worker's traceback used to stay in its stderr buffer, dropped by os._exit: 「读取进程未能启动：」 and
    nothing after it."""
    seen = _first_read(tmp_path, balanced_workbook, "module.unlink()  # an upgrade removed it")
    assert seen["said"].startswith("WorkerError: 读取进程未能启动（退出码 1）。这是本工具的问题"), seen
    assert "ModuleNotFoundError: No module named 'validator.sources.worker'" in seen["said"], seen
    assert seen["next"]


def test_a_worker_that_hangs_at_start_is_not_the_files_time_limit(balanced_workbook: Path, tmp_path: Path):
    """A start past the start-up allowance was reported as the file being over the 8-second reading limit."""
    hang = """
        module.write_text("import time\\ntime.sleep(600)\\n")
        guard._STARTUP_SECONDS = 3
    """
    seen = _first_read(tmp_path, balanced_workbook, hang)
    assert seen["said"].startswith("WorkerError: 读取进程在 3 秒内未能启动。这是本工具的问题，与文件无关"), seen
    assert seen["next"]


def test_a_file_the_caller_has_not_collected_leaves_the_workers_pipes_alone(balanced_workbook: Path):
    """Garbage of the caller holding a file on descriptor 3 was collected in the forked worker once 3 was its answers
    pipe: the pipe closed, 「读取进程未能启动」 at every file. A service's pool worker has such garbage: the SQLite
    connection (descriptor 3) of the thread that opened the store, a thread the fork did not copy."""
    seen = _scenario(
        """
        class Cycle:
            pass

        held = Cycle()
        held.me, held.file = held, open(book, "rb")  # unreachable once deleted, closed when next collected
        fd = held.file.fileno()
        del held
        reads = []
        for _ in range(2):
            try:
                reads.append(guard.read(book).grid == load(book).grid)
            except Exception as exc:
                reads.append(f"{type(exc).__name__}: {exc}")
        print(json.dumps({"fd": fd, "reads": reads}))
        """,
        balanced_workbook,
    )
    assert seen == {"fd": 3, "reads": [True, True]}
