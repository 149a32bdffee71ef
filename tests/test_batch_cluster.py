"""`nianbao batch --scheduler` on a real dask.distributed cluster (scheduler and worker processes on loopback): the
outputs equal those of the local run, whether the workers read the files themselves or are sent their bytes."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import openpyxl
import pytest
from batch_set import make_set

from validator.cli import main

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def scheduler() -> str:
    # The workers read through the guarded reader, whose time limit a loaded CI machine must not reach.
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        env={"NIANBAO_LIMIT_SECONDS": "300"},
    )
    yield cluster.scheduler_address
    cluster.close()


@pytest.fixture(scope="module")
def submissions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    root = tmp_path_factory.mktemp("cluster")
    now, last, _ = make_set(root)
    return root, now, last


def _run(root: Path, now: Path, last: Path, name: str, *extra: str) -> tuple[int, Path]:
    out = root / name
    return main(["batch", str(now), "--out", str(out), "--previous", str(last), *extra]), out


def _outputs(out: Path) -> dict:
    """Everything a person gets from a run, in a comparable form."""
    summary = openpyxl.load_workbook(out / "汇总.xlsx")
    return {
        "jsonl": [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()],
        "csv": (out / "results.csv").read_bytes(),
        "xlsx": {ws.title: list(ws.iter_rows(values_only=True)) for ws in summary.worksheets},
        "copies": sorted(p.relative_to(out).as_posix() for p in (out / "标注").rglob("*.xlsx")),
        "html": (out / "report.html").read_text(encoding="utf-8"),
    }


@pytest.fixture(scope="module")
def local(submissions: tuple[Path, Path, Path]) -> tuple[int, dict]:
    code, out = _run(*submissions, "本机", "--jobs", "1")
    return code, _outputs(out)


@pytest.mark.parametrize("mode", [(), ("--send-files",)], ids=["shared-folders", "files-sent"])
def test_cluster_run_equals_local_run(
    submissions: tuple[Path, Path, Path], local: tuple[int, dict], scheduler: str, mode: tuple[str, ...]
):
    local_code, expected = local
    cluster_code, remote = _run(*submissions, f"集群{len(mode)}", "--scheduler", scheduler, *mode)
    assert cluster_code == local_code
    got = _outputs(remote)
    for name in ("jsonl", "csv", "xlsx", "html", "copies"):
        assert got[name] == expected[name], name
    assert got["copies"], "the set has workbooks with findings"


def test_unreachable_scheduler_is_explained(submissions: tuple[Path, Path, Path], capsys: pytest.CaptureFixture):
    code, _ = _run(*submissions, "无调度器", "--scheduler", "tcp://127.0.0.1:9")
    assert code == 3
    assert "无法连接调度器 tcp://127.0.0.1:9" in capsys.readouterr().err


def test_send_files_needs_a_scheduler(submissions: tuple[Path, Path, Path], capsys: pytest.CaptureFixture):
    """Refused before the run takes SIGTERM over: a program that calls main() keeps its own handler."""
    handler = signal.getsignal(signal.SIGTERM)
    code, _ = _run(*submissions, "缺调度器", "--send-files")
    assert code == 3 and "--send-files 只能与 --scheduler 同用" in capsys.readouterr().err
    assert signal.getsignal(signal.SIGTERM) is handler
