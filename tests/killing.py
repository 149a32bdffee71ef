"""Killing a service's pool worker while it is busy with a request, as a native crash or the kernel's OOM killer
kills it: the request's own worker, found among the server process's children (Linux /proc)."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path
from typing import TypeVar

import openpyxl

T = TypeVar("T")
BUSY_TICKS = (
    10  # CPU time (clock ticks, 0.1 s) a worker spends on the request before it is killed; idle, it spends none
)


def children(pid: int) -> set[int]:
    """The child processes of `pid`."""
    return {int(c) for task in Path(f"/proc/{pid}/task").iterdir() for c in (task / "children").read_text().split()}


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime


def killed_while_busy(server: int, others: set[int], request: Callable[[], T]) -> T:
    """request()'s answer, its worker (a child of the `server` process, not one of `others`) killed with SIGKILL once
    it is busy: once it has spent BUSY_TICKS of CPU time since it was first seen."""
    with ThreadPoolExecutor(1) as thread:
        answer = thread.submit(request)
        seen: dict[int, int] = {}
        while not answer.done():
            for pid in children(server) - others:
                with suppress(OSError):  # gone meanwhile
                    ticks = _cpu_ticks(pid)
                    if ticks - seen.setdefault(pid, ticks) >= BUSY_TICKS:
                        os.kill(pid, signal.SIGKILL)
            time.sleep(0.01)
        return answer.result()


def slow_report(report: Path, path: Path) -> Path:
    """`report` with a sheet of 250,000 numbers: checked, painted or annotated in tenths of a second (a report alone
    takes hundredths), long enough for its worker to be seen busy."""
    wb = openpyxl.load_workbook(report)
    padding = wb.create_sheet("附表")
    for row in range(5000):
        padding.append(list(range(row, row + 50)))
    wb.save(path)
    return path
