"""A click on 校验 through `nianbao serve` over loopback against checking the same file in-process.

The click is what Remote.bas does: POST the workbook's request (values from A1, the facts sheet of our macro) to
/xlwings/validate and receive the actions, on a real server on 127.0.0.1 (its pool worker is warm after the first
click). The baseline checks the demo file in-process (read + check). Rounds alternate the two, so that drift in
machine load hits both alike; medians are compared.
Usage: .venv/bin/python benchmarks/serve_click.py [rounds]
"""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from excel_replay import vba_payload  # noqa: E402

from validator import check_paths  # noqa: E402
from validator.demo import MISTAKES  # noqa: E402
from validator.excel.simulate import import_xlwings  # noqa: E402
from validator.forms.sample import balanced_values, fill_workbook  # noqa: E402
from validator.forms.workbook import write_blank  # noqa: E402
from validator.spec import default_template  # noqa: E402


def _server(data: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "validator", "serve", "--data", str(data), "--port", str(port), "--workers", "1"],
        stdout=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            httpx.get(f"{url}/healthz")
            return proc, url
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start")


def main(rounds: int = 15) -> None:
    template = default_template()
    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp) / "demo.xlsx"
        write_blank(template, Path(tmp) / "blank.xlsx")
        fill_workbook(Path(tmp) / "blank.xlsx", demo, balanced_values(template) | MISTAKES, template)
        payload = vba_payload(demo, import_xlwings().__version__)
        proc, url = _server(Path(tmp) / "data")
        try:
            with httpx.Client() as client:
                cases = {
                    "click over loopback (request → actions)": lambda: client.post(
                        f"{url}/xlwings/validate", json=payload, timeout=120
                    ).json(),
                    "check file in-process": lambda: check_paths([demo]),
                }
                for run in cases.values():  # warm: imports, spec, compiled schemas, the pool's worker
                    run()
                times: dict[str, list[float]] = {name: [] for name in cases}
                for _ in range(rounds):
                    for name, run in cases.items():
                        start = time.perf_counter()
                        run()
                        times[name].append(time.perf_counter() - start)
                actions = len(cases["click over loopback (request → actions)"]()["actions"])
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait()
    wall = {name: statistics.median(t) for name, t in times.items()}
    for name in cases:
        print(f"{name:45s} {wall[name] * 1000:8.1f} ms wall (median of {rounds})")
    click, check = wall.values()
    print(f"ratio click / check: {click / check:.2f}× wall (aim ≤ 1.5×); actions per click: {actions}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:2]))
