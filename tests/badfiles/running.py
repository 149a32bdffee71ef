"""Running `nianbao` as a user does, measured: exit code, output, wall time and peak memory of the process tree."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HANG_SECONDS = 120  # a run still going then is killed, and fails its test instead of blocking the suite
# The reading time limit is tested on its own (tests/test_isolation.py); here a busy machine must not decide outcomes.
# benchmarks/badfiles.py measures every kind with the default limits.
RELAXED = {"NIANBAO_LIMIT_SECONDS": "60"}


@dataclass
class Run:
    args: list[str]
    code: int
    stdout: str
    stderr: str
    seconds: float
    peak_bytes: int

    def results(self) -> dict[str, dict]:
        return {r["file"]: r for r in json.loads(self.stdout)["results"]}


def measured(args: list[str], cwd: Path, extra_env: dict[str, str] | None = None) -> Run:
    """`python -m validator args` with its wall time and the peak resident memory of its whole process tree."""
    env = {**os.environ, "COLUMNS": "200", "PYTHONIOENCODING": "utf-8", **(extra_env or {})}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "validator", *args], cwd=cwd, env=env, stdout=out, stderr=err)
        killer = threading.Timer(HANG_SECONDS, proc.kill)
        killer.start()
        _, status, usage = os.wait4(proc.pid, 0)  # the usage includes the reading worker the run waited for
        killer.cancel()
        seconds = time.monotonic() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0), err.seek(0)
        return Run(args, proc.returncode, out.read().decode(), err.read().decode(), seconds, usage.ru_maxrss * 1024)
