"""Running `nianbao` as a user does, measured: exit code, output, wall time and peak memory of its largest process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PEAK = Path(__file__).with_name("peak.py")  # the launcher that measures the run's own peak
HANG_SECONDS = 300  # a run still going then is killed and fails its test instead of blocking the suite (the batch over
# the whole corpus converts documents with LibreOffice: on a machine loaded 10+ deep it took over 120 s)
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
    """`python -m validator args` with its wall time and the peak resident memory of the largest process of its tree
    (the run and the workers it waited for)."""
    env = {**os.environ, "COLUMNS": "200", "PYTHONIOENCODING": "utf-8", **(extra_env or {})}
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        peak = Path(tmp) / "peak"
        command = [sys.executable, str(PEAK), str(peak), sys.executable, "-m", "validator", *args]
        start = time.monotonic()
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=err, start_new_session=True)
        killer = threading.Timer(HANG_SECONDS, os.killpg, (proc.pid, signal.SIGKILL))  # the run and its workers
        killer.start()
        proc.wait()
        killer.cancel()
        seconds = time.monotonic() - start
        out.seek(0), err.seek(0)
        peak_bytes = int(peak.read_text()) if peak.exists() else 0  # none when the run was killed
        return Run(args, proc.returncode, out.read().decode(), err.read().decode(), seconds, peak_bytes)
