"""`nianbao serve` as a real server on 127.0.0.1: the upload page and the dashboard in headless Chromium, 50
concurrent uploads stored once each, and SIGKILL during uploads losing nothing that was acknowledged."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import openpyxl
import pytest
from excel_replay import vba_payload
from killing import killed_while_busy, slow_report
from test_excel import demo  # the fixture: the workbook of `make demo`

__all__ = ["demo"]
PASSWORD = "correct horse battery"
STARTUP_SECONDS = 90  # a loaded machine


@dataclass
class Live:
    proc: subprocess.Popen
    url: str
    data: Path

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Stop the server and what it started (its own process group, as systemd stops a service)."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
        self.proc.wait(timeout=60)


def start(data: Path) -> Live:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "validator", "serve", "--data", str(data), "--port", str(port), "--workers", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read().decode()
        try:
            if httpx.get(f"{url}/healthz").status_code == 200:
                return Live(proc, url, data)
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("the server did not start")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    data = tmp_path_factory.mktemp("live")
    subprocess.run([sys.executable, "-m", "validator", "serve", "--data", str(data), "--add-user", "office"],
                   input=PASSWORD + "\n", text=True, check=True, capture_output=True)  # fmt: skip
    live = start(data)
    yield live
    live.stop()


def variants(demo: Path, n: int) -> list[tuple[str, bytes]]:
    """`n` reports of different agencies (the demo with another name and credit code)."""
    out = []
    for i in range(n):
        wb = openpyxl.load_workbook(demo)
        wb["封面"]["B2"].value = f"某县第{i}局"
        wb["封面"]["B3"].value = f"11330521MB{i:07d}X"
        buffer = io.BytesIO()
        wb.save(buffer)
        out.append((f"第{i}局.xlsx", buffer.getvalue()))
    return out


def post(url: str, name: str, content: bytes) -> httpx.Response:
    return httpx.post(f"{url}/api/check", files={"file": (name, content)}, timeout=300)


def rows(data: Path) -> list[tuple]:
    with sqlite3.connect(data / "nianbao.sqlite3") as db:
        return db.execute("SELECT id, sha256, suffix, result FROM submissions").fetchall()


def test_fifty_concurrent_uploads_are_answered_and_stored_once_each(server: Live, demo: Path) -> None:
    files = variants(demo, 5) * 10
    before = {r[0] for r in rows(server.data)}
    with ThreadPoolExecutor(50) as pool:
        answers = list(pool.map(lambda f: post(server.url, *f), files))
    assert [a.status_code for a in answers] == [200] * 50
    results = [a.json()["results"][0] for a in answers]
    assert [r["sha256"] for r in results] == [hashlib.sha256(content).hexdigest() for _, content in files]
    assert all(r["status"] == "checked" and r["counts"]["error"] == 3 for r in results)
    stored = {r[0]: r[1] for r in rows(server.data) if r[0] not in before}
    assert stored == {r["submission"]: r["sha256"] for r in results}  # 50 rows, one per upload
    kept = list((server.data / "files").glob("*/*"))
    assert {p.stem for p in kept} >= {r["sha256"] for r in results}
    assert len({r["sha256"] for r in results} & {p.stem for p in kept}) == 5  # the same content is kept once


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_command(data: Path, port: int) -> list[str]:
    return [sys.executable, "-m", "validator", "serve", "--data", str(data), "--port", str(port), "--workers", "1"]


def test_start_up_is_announced_once_listening_and_its_failures_are_told(tmp_path: Path, demo: Path) -> None:
    """As an administrator starts it: the announcement comes once requests are answered; a second copy on the same port
    says so in Chinese (exit 3) without cleaning up the running copy's data folder; a --data that cannot be created
    is told (exit 4); and a failure of the Excel button on the server is in its log (standard error) with the
    traceback and the error number the clerk was told."""
    from validator.excel.simulate import import_xlwings

    port = free_port()
    proc = subprocess.Popen(serve_command(tmp_path / "data", port), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)  # fmt: skip
    live = Live(proc, f"http://127.0.0.1:{port}", tmp_path / "data")
    try:
        announced = proc.stdout.readline()
        assert announced.startswith(f"年报校验服务已启动：http://127.0.0.1:{port}/"), proc.stderr.read()
        assert httpx.get(f"{live.url}/healthz").status_code == 200  # at once: it listens when it says so
        (partial := live.data / "incoming" / "a1b2" / "年报.xlsx").parent.mkdir()
        partial.write_bytes(b"PK")  # as an upload in progress leaves it
        second = subprocess.run(serve_command(live.data, port), capture_output=True, text=True, timeout=120)
        assert (second.returncode, second.stdout) == (3, "")
        assert second.stderr == (
            f"端口 {port} 已被占用（可能已有一个校验服务在运行）：请先停止它，或用 --port 指定其他端口。\n"
        )
        assert partial.exists()  # the running copy's upload left alone
        (blocker := tmp_path / "不是文件夹").write_text("")
        unwritable = subprocess.run(serve_command(blocker / "data", free_port()), capture_output=True, text=True,
                                    timeout=120)  # fmt: skip
        assert (unwritable.returncode, unwritable.stdout) == (4, "")
        assert unwritable.stderr.startswith(f"无法创建或写入数据目录 {blocker / 'data'}（路径中的某一级不是文件夹）：")
        assert "Traceback" not in unwritable.stderr
        adding = subprocess.run([*serve_command(blocker / "data", 1)[:6], "--add-user", "office"], input=PASSWORD,
                                capture_output=True, text=True, timeout=120)  # fmt: skip
        assert adding.returncode == 4 and adding.stderr == unwritable.stderr

        payload = vba_payload(slow_report(demo, tmp_path / "年报.xlsx"), import_xlwings().__version__)
        answer = killed_while_busy(  # the worker checking it dies (a native crash, the OOM killer)
            proc.pid, set(), lambda: httpx.post(f"{live.url}/xlwings/validate", json=payload, timeout=120)
        )
        [alert] = answer.json()["actions"]
        ref = re.search(r"错误编号 ([0-9a-f]{8})", alert["args"][0])[1]
    finally:
        live.stop()
    log = proc.stderr.read()
    assert f"错误编号 {ref}" in log and "Traceback" in log and "ProcessExpired: Abnormal termination" in log


def test_sigkill_during_uploads_loses_nothing_acknowledged(tmp_path: Path, demo: Path) -> None:
    live = start(tmp_path)
    files = variants(demo, 3) * 6
    acknowledged: list[dict] = []

    def send(f: tuple[str, bytes]) -> None:
        try:
            answer = post(live.url, *f)
        except httpx.TransportError:
            return
        if answer.status_code == 200:
            acknowledged.append(answer.json()["results"][0])

    with ThreadPoolExecutor(len(files)) as pool:
        futures = [pool.submit(send, f) for f in files]
        deadline = time.monotonic() + 120
        while len(acknowledged) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        live.stop(signal.SIGKILL)
        for future in futures:
            future.result()
    assert 2 <= len(acknowledged) < len(files)

    again = start(tmp_path)
    try:
        stored = rows(tmp_path)
        ids = {r[0] for r in stored}
        assert {a["submission"] for a in acknowledged} <= ids
        for _, sha, suffix, result in stored:  # every row is whole: its file and its result
            assert hashlib.sha256((tmp_path / "files" / sha[:2] / f"{sha}{suffix}").read_bytes()).hexdigest() == sha
            assert json.loads(result)["status"] == "checked"
        assert {p.stem for p in (tmp_path / "files").glob("*/*")} == {r[1] for r in stored}  # no file left over
        assert list((tmp_path / "incoming").iterdir()) == []
        with sqlite3.connect(tmp_path / "nianbao.sqlite3") as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert post(again.url, *files[0]).status_code == 200  # and it serves on
    finally:
        again.stop()


@pytest.fixture
def online(browser):
    """The session's browser, allowed to reach 127.0.0.1 for one test (it is offline otherwise)."""
    conditions = {"latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
    browser.execute_cdp_cmd("Network.emulateNetworkConditions", {"offline": False, **conditions})
    browser.get_log("browser")  # what earlier tests logged
    yield browser
    browser.execute_cdp_cmd("Network.emulateNetworkConditions", {"offline": True, **conditions})


def test_upload_page_and_dashboard_in_a_browser(server: Live, demo: Path, online, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser = online
    wait = WebDriverWait(browser, 120)
    assert post(server.url, *variants(demo, 2)[1]).status_code == 200  # another agency's report, for the search
    browser.get(f"{server.url}/")
    assert browser.title == "政府信息公开工作年度报告校验"
    browser.find_element(By.ID, "file").send_keys(str(demo))
    report = wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, "section.report"))[0]
    assert "示例.xlsx" in report.text and "错误 3 项" in report.text
    rules = [tr.find_elements(By.TAG_NAME, "td")[1].text for tr in report.find_elements(By.CSS_SELECTOR, "tbody tr")]
    assert {"EQ02", "EQ03", "TY02"} <= set(rules)
    link = report.find_element(By.CSS_SELECTOR, "a.download").get_attribute("href")
    copy = httpx.get(link)
    assert copy.status_code == 200 and copy.content[:2] == b"PK"
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
    # a PDF that cannot be read: why, and nothing about where its findings are placed nor about its copy
    (broken := tmp_path / "年报.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    browser.find_element(By.ID, "file").send_keys(str(broken))
    said = wait.until(lambda b: [s for s in b.find_elements(By.CSS_SELECTOR, "section.report") if "年报.pdf" in s.text])
    assert "PDF 文件已损坏或不完整" in said[0].text and "原文件是" not in said[0].text, said[0].text
    # several at once, one of them over the size limit: that one listed as not received, the others checked
    (big := tmp_path / "扫描件.pdf").write_bytes(b"%PDF-1.7\n" + bytes(21 * 2**20))
    (again := tmp_path / "示例改.xlsx").write_bytes(demo.read_bytes())
    browser.find_element(By.ID, "file").send_keys(f"{big}\n{again}")
    told = "已校验 1 个文件；1 个文件未接收（原因见下方）。"
    assert wait.until(lambda b: b.find_element(By.ID, "status").text == told)
    sections = [s.text for s in browser.find_elements(By.CSS_SELECTOR, "section.report")]
    assert any(s.startswith("扫描件.pdf\n未接收，不作为报送保存：文件超过 20 MB（单个文件的上限）") for s in sections)
    assert any(s.startswith("示例改.xlsx") and "错误 3 项" in s for s in sections)

    browser.get(f"{server.url}/office")
    assert browser.current_url.endswith("/office/login")
    browser.find_element(By.ID, "name").send_keys("office")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.ID, "login").click()
    table = wait.until(lambda b: b.find_elements(By.ID, "agencies"))[0]
    rows_ = table.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert any("某县人民政府办公室" in r.text for r in rows_)
    box = browser.find_element(By.ID, "search")
    box.send_keys("某县第1局")
    shown = [r.text for r in rows_ if r.is_displayed()]
    assert len(shown) == 1 and "某县第1局" in shown[0] and browser.find_element(By.ID, "shown").text == "1"
    # the roster: who has not submitted
    (roster := tmp_path / "名单.csv").write_text(
        "机关名称,统一社会信用代码\n某县第1局,11330521MB0000001X\n某县未报送局,\n"
    )
    browser.find_element(By.ID, "roster").send_keys(str(roster))
    browser.find_element(By.ID, "roster-submit").click()
    missing = wait.until(lambda b: b.find_elements(By.ID, "missing"))[0]
    assert missing.text == "某县未报送局"
    # the downloads, fetched by the page with its session
    fetch = (
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0]).then(r => r.arrayBuffer().then(b => done([r.status, r.headers.get('content-type'),"
        " new TextDecoder().decode(b.slice(0, 200))])));"
    )
    for link, expected in (("summary", "PK"), ("jsonl", '{"file"')):
        href = browser.find_element(By.ID, link).get_attribute("href")
        status, _, start = browser.execute_async_script(fetch, href)
        assert status == 200 and start.startswith(expected), (link, start)
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
    browser.find_element(By.CSS_SELECTOR, "header form button").click()  # log out
    assert wait.until(lambda b: b.current_url.endswith("/office/login"))
