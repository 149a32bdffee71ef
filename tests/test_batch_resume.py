"""A batch that is killed, hangs on a file or loses a worker: outputs stay whole and a re-run finishes the work."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
from builders import TEMPLATE, build

from validator.batch.store import PROGRESS, RESULTS, read_jsonl
from validator.cli import main
from validator.forms.sample import balanced_values, valid_credit_code

ROOT = Path(__file__).resolve().parents[1]


def _submissions(folder: Path, workbook: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        shutil.copy(workbook, folder / f"单位{i:03d}.xlsx")
    return folder


def _batch(*args: str, **popen) -> subprocess.Popen:
    command = [sys.executable, "-m", "validator", "batch", *args]
    return subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True, start_new_session=True, **popen)


def _progress_lines(out: Path) -> int:
    """Files whose results the progress file holds in full."""
    return len(list(read_jsonl(out / PROGRESS)))


def _wait_for(condition, proc: subprocess.Popen, limit: float = 120) -> None:
    end = time.monotonic() + limit
    while not condition():
        assert proc.poll() is None, proc.stderr.read()
        assert time.monotonic() < end, "timed out"
        time.sleep(0.02)


def _reused_and_checked(stderr: str) -> tuple[int, int]:
    checked = int(re.search(r"本次校验 (\d+) 份", stderr)[1])
    reused = re.search(r"(\d+) 份内容未变", stderr)
    return (int(reused[1]) if reused else 0), checked


NEW = 60  # files added for the second run: enough that the kill lands midway however late the test notices


def test_killed_midway_then_resumed_without_rechecking(balanced_workbook: Path, tmp_path: Path):
    src, out = _submissions(tmp_path / "收到", balanced_workbook, 4), tmp_path / "结果"
    first = _batch(str(src), "--out", str(out), "--jobs", "1")
    assert first.wait(timeout=300) == 0, first.stderr.read()
    before = {name: (out / name).read_bytes() for name in ("results.jsonl", "results.csv", "汇总.xlsx", "report.html")}
    _submissions(src, balanced_workbook, 4 + NEW)
    stopped = _batch(str(src), "--out", str(out), "--jobs", "1")
    _wait_for(lambda: _progress_lines(out) >= 1, stopped)
    stopped.send_signal(signal.SIGTERM)  # as a service manager or `kill` stops it: like Ctrl-C
    assert stopped.wait(timeout=60) == 130
    assert "再次运行同一命令将从中断处继续" in stopped.stderr.read()
    assert {name: (out / name).read_bytes() for name in before} == before
    first_part = _progress_lines(out)
    killed = _batch(str(src), "--out", str(out), "--jobs", "1")
    _wait_for(lambda: _progress_lines(out) > first_part, killed)
    os.killpg(killed.pid, signal.SIGKILL)  # the batch and its workers, with no chance to tidy up
    killed.wait(timeout=30)
    finished = _progress_lines(out)
    assert 0 < finished < NEW
    # every output is still the complete one of the first run
    assert {name: (out / name).read_bytes() for name in before} == before
    openpyxl.load_workbook(out / "汇总.xlsx")
    resumed = _batch(str(src), "--out", str(out), "--jobs", "1")
    assert resumed.wait(timeout=300) == 0
    assert _reused_and_checked(resumed.stderr.read()) == (4 + finished, NEW - finished)
    docs = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(docs) == 4 + NEW and all(d["status"] == "checked" for d in docs)
    assert not (out / PROGRESS).exists()


def test_a_file_over_the_time_limit_becomes_unreadable(balanced_workbook: Path, tmp_path: Path):
    # A report is checked (and its copy written) faster than the pool looks at its time limits (every ~0.1 s): a
    # sheet of 100,000 numbers makes each file take several tenths of a second to read.
    slow = openpyxl.load_workbook(balanced_workbook)
    padding = slow.create_sheet("附表")
    for row in range(2000):
        padding.append(list(range(row, row + 50)))
    slow.save(tmp_path / "slow.xlsx")
    src, out = _submissions(tmp_path / "收到", tmp_path / "slow.xlsx", 2), tmp_path / "结果"
    run = _batch(str(src), "--out", str(out), "--jobs", "1", "--timeout", "0.01")
    assert run.wait(timeout=300) == 2  # unreadable files
    docs = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(d["status"], "超过 0.01 秒" in d["error"]) for d in docs] == [("unreadable", True)] * 2


def test_a_worker_killed_midway_does_not_stop_the_batch(balanced_workbook: Path, tmp_path: Path):
    src, out = _submissions(tmp_path / "收到", balanced_workbook, 16), tmp_path / "结果"
    run = _batch(str(src), "--out", str(out), "--jobs", "1")
    _wait_for(lambda: _progress_lines(out) >= 1, run)
    children = [
        pid for task in Path(f"/proc/{run.pid}/task").iterdir() for pid in (task / "children").read_text().split()
    ]
    assert children
    for pid in children:  # the worker, busy with the next chunk (a native crash looks the same to the pool)
        os.kill(int(pid), signal.SIGKILL)
    assert run.wait(timeout=300) == 0, run.stderr.read()
    docs = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(docs) == 16 and all(d["status"] == "checked" for d in docs)


def test_a_result_whose_text_holds_a_line_separator_is_read_back_whole(tmp_path: Path):
    """A file's name can hold U+2028 (line separator; cells' text reads it as a line break), which JSON lines carry
    as it is: an unchanged file's result must still be read back from results.jsonl, not checked again."""
    from builders import build
    from test_structure import VALUES

    src, out = tmp_path / "收到", tmp_path / "结果"
    src.mkdir()
    build(src / "单位\u2028报告.xlsx", VALUES | {"problems": "一是公开不够及时。\u2028二是解读形式单一。"})
    first = _batch(str(src), "--out", str(out), "--no-annotate")
    assert first.wait(timeout=300) == 0, first.stderr.read()
    assert "\u2028" in (out / "results.jsonl").read_text(encoding="utf-8")
    (doc,) = read_jsonl(out / "results.jsonl")
    assert doc["file"] == "收到/单位\u2028报告.xlsx"
    assert doc["values"]["problems"] == "一是公开不够及时。\n二是解读形式单一。"
    again = _batch(str(src), "--out", str(out), "--no-annotate")
    assert again.wait(timeout=300) == 0
    assert _reused_and_checked(again.stderr.read()) == (1, 0)


def test_a_rerun_removes_the_copies_of_withdrawn_files_and_nothing_else(tmp_path: Path):
    src, out = tmp_path / "收到", tmp_path / "结果"
    wrong = balanced_values(TEMPLATE) | {"t3.new.total": 999}
    (src / "县直").mkdir(parents=True)
    build(src / "甲.xlsx", wrong)
    build(src / "县直" / "乙.xlsx", wrong | {"credit_code": valid_credit_code("11330521MB0000002")})
    main(["batch", str(src), "--out", str(out), "--jobs", "1"])
    copies = {d["file"]: out / d["annotated"] for d in read_jsonl(out / RESULTS)}
    assert all(copy.is_file() for copy in copies.values()) and len(copies) == 2
    own = [out / "标注" / "说明.xlsx", out / "标注" / "收到" / "丙.校验.xlsx", tmp_path / "外部.校验.xlsx"]
    for path in own:  # the office's files, and a copy no result lists
        path.write_bytes(b"x")
    with (out / RESULTS).open("a", encoding="utf-8") as fh:  # a line pointing outside the copies' folder
        fh.write(json.dumps({"file": "收到/丁.xlsx", "findings": [], "annotated": "../外部.校验.xlsx"}) + "\n")
    (src / "县直" / "乙.xlsx").unlink()  # withdrawn
    assert main(["batch", str(src), "--out", str(out), "--jobs", "1"]) == 1
    assert copies["收到/甲.xlsx"].is_file() and not copies["收到/县直/乙.xlsx"].exists()
    assert all(path.read_bytes() == b"x" for path in own)
    assert [d["file"] for d in read_jsonl(out / RESULTS)] == ["收到/甲.xlsx"]
