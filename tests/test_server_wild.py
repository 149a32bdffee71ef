"""`nianbao serve` as its users meet it: the clerk's 校验/清除标记 button on workbooks as clerks keep them, and the
office's uploads; each test a defect found so."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import zipfile
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import openpyxl
import pytest
from excel_replay import replay, vba_payload
from oletools.olevba import VBA_Parser
from starlette.testclient import TestClient
from test_excel import copy_marks, demo, marked  # demo: the fixture, the workbook of `make demo`
from test_serve_live import Live, online, start  # online: the fixture, the browser allowed to reach 127.0.0.1

from validator import check_paths
from validator.cli import main
from validator.excel.remote import xlwings_addin_dir
from validator.excel.simulate import import_xlwings
from validator.names import MARKS_SHEET
from validator.server import work
from validator.server.app import Settings, create_app
from validator.spec import Template, get_template

__all__ = ["demo", "online"]
XLWINGS = import_xlwings()


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    with TestClient(create_app(Settings(tmp_path_factory.mktemp("serve"), workers=1))) as c:
        yield c


def press(client: TestClient, path: Path, action: str) -> list[dict]:
    answer = client.post(f"/xlwings/{action}", json=vba_payload(path, XLWINGS.__version__))
    assert answer.status_code == 200
    return answer.json()["actions"]


def protect(source: Path, target: Path, sheet: str) -> Path:
    """The sheet protected as Excel's 审阅 → 保护工作表 does by default: only selecting cells allowed."""
    wb = openpyxl.load_workbook(source, rich_text=True)
    wb[sheet].protection.sheet = True
    wb[sheet].protection.formatCells = wb[sheet].protection.objects = True
    wb.save(target)
    return target


def test_the_templates_own_protection_lets_the_button_mark_as_the_command_line(
    client: TestClient, demo: Path, tmp_path: Path
) -> None:
    """The template protects its sheets allowing formatting and notes: the button marks them."""
    assert openpyxl.load_workbook(demo)["表三"].protection.sheet
    actions = press(client, demo, "validate")
    assert actions[-1]["args"][0].startswith("校验完成")
    (report,) = check_paths([demo])
    assert marked(replay(demo, actions, tmp_path / "b.xlsx", vba=True)) == copy_marks(demo, report, tmp_path / "cli")


@pytest.mark.parametrize("action", ["validate", "clear"])
def test_a_sheet_the_clerk_protected_is_told_and_the_book_left_alone(
    client: TestClient, demo: Path, tmp_path: Path, action: str
) -> None:
    """Excel refuses to colour or note a cell of a sheet protected without those permissions: run as answered, the
    earlier actions would be done (marks without their record, which 清除标记 cannot remove) and the clerk told
    the server could not be reached. Instead one message box says which sheet and what to do, and nothing else."""
    book = demo
    if action == "clear":  # marked by the button, then 表三 protected by the clerk
        book = replay(demo, press(client, demo, "validate"), tmp_path / "marked.xlsx", vba=True)
    protected = protect(book, tmp_path / "保护.xlsx", "表三")
    [alert] = press(client, protected, action)
    button = {"validate": "校验", "clear": "清除标记"}[action]
    assert alert["func"] == "alert" and alert["args"][3] == "critical"
    assert alert["args"][0] == (
        "工作表「表三」设置了工作表保护，按钮无法在其中标色、添加或删除批注，工作簿未作改动。"
        f"请点“审阅 → 撤销工作表保护”（设有密码的，输入密码）后再点「{button}」，完成后可重新保护该工作表。"
    )


def test_a_protected_sheet_without_marks_does_not_stop_the_button(
    client: TestClient, demo: Path, tmp_path: Path
) -> None:
    """Only sheets the answer changes matter: 封面 protected, the marks are all on 表三 and 表四."""
    protected = protect(demo, tmp_path / "封面保护.xlsx", "封面")
    actions = press(client, protected, "validate")
    assert actions[-1]["args"][0].startswith("校验完成")
    assert not any(k.startswith("封面!") for k in marked(replay(protected, actions, tmp_path / "b.xlsx", vba=True)))


def server_template_macros(folder: Path) -> tuple[dict[str, str], dict[str, str]]:
    """The VBA modules (name → code) and defined names (name → value) of `nianbao template --xlsm --server`."""
    path = folder / "服务器模板.xlsm"
    assert main(["template", "--xlsm", "--server", "http://10.0.0.5:8421", "-o", str(path)]) == 0
    parser = VBA_Parser(str(path))
    try:
        modules = {Path(name).stem: code.replace("\r\n", "\n") for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()
    names = openpyxl.load_workbook(path, keep_vba=True).defined_names
    return modules, {name: names[name].attr_text for name in names}


def test_the_button_tells_what_stops_remote_bas_before_it_sends(tmp_path: Path) -> None:
    """Two workbooks Remote.bas cannot send, told before anything is sent or changed (there is no Excel here to run
    the macro: this reads the shipped code). A used range past row 32767 (cells formatted down to row 100000)
    overflows Remote.bas's Integer row count; a protected workbook structure refuses the facts sheet. Either stopped
    the button with 「无法连接校验服务器……请检查网络」, the wrong cause."""
    remote_bas = (xlwings_addin_dir() / "Remote.bas").read_text(encoding="ascii")
    assert re.search(r"Dim startRow As Integer, startCol As Integer", remote_bas)  # what the limit comes from
    modules, names = server_template_macros(tmp_path)
    ours = modules["NianbaoServer"]
    run = ours[ours.index("Public Sub NianbaoServerRun") :]
    run = run[: run.index("End Sub")]
    assert run.index("If Not CanSend(wb) Then Exit Sub") < run.index("WriteFacts wb") < run.index("RunServerPython")
    assert re.search(r"Private Const MAX_ROWS As Long = 32767\n", ours)
    can_send = ours[ours.index("Private Function CanSend") :]
    can_send = can_send[: can_send.index("End Function")]
    assert "If wb.ProtectStructure Then" in can_send and 'NianbaoText("NianbaoServerStructure")' in can_send
    assert "If last > MAX_ROWS Then" in can_send and 'NianbaoText("NianbaoServerRows")' in can_send
    assert "“审阅 → 保护工作簿”取消保护" in names["NianbaoServerStructure"]
    assert "{sheet}" in names["NianbaoServerRows"] and "超过按钮一次能发送的 32767 行" in names["NianbaoServerRows"]


@pytest.mark.parametrize(
    "typed", [dt.datetime(2025, 1, 1), dt.datetime(2025, 3, 5, 14, 30)], ids=["date", "date and time"]
)
def test_a_date_typed_where_a_number_belongs_is_told_as_the_command_line_tells_it(
    client: TestClient, balanced_workbook: Path, tmp_path: Path, typed: dt.datetime
) -> None:
    """报告年度 typed as a date (a cell formatted 'yyyy' shows 2025): xlwings reads every date cell as a datetime, and
    the note said 「2025-01-01 00:00:00」 where the command line's says 「2025-01-01」."""
    wb = openpyxl.load_workbook(balanced_workbook, rich_text=True)
    wb["封面"]["B4"] = typed
    wb["封面"]["B4"].number_format = "yyyy"
    wb.save(path := tmp_path / "日期.xlsx")
    actions = press(client, path, "validate")
    (report,) = check_paths([path])
    by_button = marked(replay(path, actions, tmp_path / "b.xlsx", vba=True))
    assert by_button == copy_marks(path, report, tmp_path / "cli") and "封面!B4" in by_button


def test_the_button_waits_for_the_server_as_long_as_the_server_may_take(tmp_path: Path) -> None:
    """Remote.bas gives up after 30 s unless told otherwise, with an English box 「Request Timeout … (408)」, while the
    server works on (a check waits for a free worker, and a worker gets 120 s per file): the answer was lost. The
    button passes a timeout past the server's own (as the nginx example's proxy_read_timeout 300s)."""
    remote_bas = (xlwings_addin_dir() / "Remote.bas").read_text(encoding="ascii")
    assert "myClient.TimeoutMs = 30000" in remote_bas  # what it would otherwise wait
    modules, _ = server_template_macros(tmp_path)
    ours = modules["NianbaoServer"]
    call = re.search(r"^\s*RunServerPython (.*)$", ours, re.M)[1]
    timeout = re.search(r"timeout:=(\w+)", call)
    assert timeout, call
    milliseconds = int(re.search(rf"Private Const {timeout[1]} As Long = (\d+)\n", ours)[1])
    assert milliseconds > 1000 * (work.TIMEOUT_SECONDS + 60)


# What nginx answers itself: past client_max_body_size, and when the service does not answer within
# proxy_read_timeout (docs/server.md's example).
NGINX = {
    413: "<html><head><title>413 Request Entity Too Large</title></head><body><center><h1>413 Request Entity Too "
    "Large</h1></center><hr><center>nginx</center></body></html>",
    504: "<html><head><title>504 Gateway Time-out</title></head><body><center><h1>504 Gateway Time-out</h1></center>"
    "<hr><center>nginx</center></body></html>",
}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    server = start(tmp_path_factory.mktemp("live"))
    yield server
    server.stop()


def nginx(upstream: str, status: int) -> ThreadingHTTPServer:
    """A front like nginx in docs/server.md: pages passed through from the service, every upload answered by nginx
    itself with its own HTML page of `status`."""

    class Front(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            answer = httpx.get(upstream + self.path, headers={"cookie": self.headers.get("cookie", "")})
            headers = [(k, v) for k, v in answer.headers.multi_items() if k in ("content-type", "set-cookie",
                       "content-security-policy")]  # fmt: skip
            self.reply(answer.status_code, headers, answer.content)

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["content-length"]))
            self.reply(status, [("content-type", "text/html")], NGINX[status].encode())

        def reply(self, code: int, headers: list[tuple[str, str]], body: bytes) -> None:
            self.send_response(code)
            for key, value in [*headers, ("content-length", str(len(body)))]:
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    front = ThreadingHTTPServer(("127.0.0.1", 0), Front)
    threading.Thread(target=front.serve_forever, daemon=True).start()
    return front


@pytest.mark.parametrize(
    ("status", "told"),
    [
        (413, "上传内容过大（HTTP 413），没有校验、也没有保存任何文件：请分批上传（每个文件不超过 20 MB，一次合计不超过 100 MB）。"),
        (504, "服务器没有及时答复（HTTP 504）：文件可能仍在校验，校验完成后照常保存为报送。"
              "请几分钟后重新上传同一文件查看结果；仍如此，请联系政务公开办。"),
    ],
)  # fmt: skip
def test_the_upload_page_says_what_nginx_in_front_of_the_service_answered(
    live: Live, online, demo: Path, status: int, told: str
) -> None:
    """The page read every answer as the service's JSON: nginx's own HTML page (an upload past client_max_body_size,
    the service slower than proxy_read_timeout) was told as 「无法连接校验服务器，请检查网络后重试。」."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    front = nginx(live.url, status)
    try:
        online.get(f"http://127.0.0.1:{front.server_port}/")
        assert "合计不超过 100 MB" in online.find_element(By.TAG_NAME, "main").text
        online.find_element(By.ID, "file").send_keys(str(demo))
        line = online.find_element(By.ID, "status")
        WebDriverWait(online, 60).until(lambda b: not line.text.startswith("正在校验"))
        assert line.text == told
    finally:
        front.shutdown()


def zipped(members: dict[str, bytes]) -> bytes:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    return data.getvalue()


RAR = b"Rar!\x1a\x07\x01\x00" + bytes(200)  # RAR 5's signature, as WinRAR writes it
SEVEN_ZIP = b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(200)


@pytest.mark.parametrize(
    ("name", "data", "told"),
    [
        ("空文件夹.zip", zipped({}), "这是压缩包，其中没有工作簿或年报文件，不是 Excel 工作簿。"),
        ("年报.xlsx", RAR, "这是 RAR 压缩包（扩展名却是 .xlsx），上传页面不解压压缩包。请解压后在上传页面选择其中的"),
        ("年报.xls", SEVEN_ZIP, "这是 7z 压缩包（扩展名却是 .xls），上传页面不解压压缩包。请解压后在上传页面选择"),
    ],
    ids=["empty zip", "rar named xlsx", "7z named xls"],
)
def test_every_archive_is_refused_as_the_upload_page_refuses_a_zip(
    client: TestClient, name: str, data: bytes, told: str
) -> None:
    """The page unpacks no archive: a zip of reports is not received, with what to do. A zip of an empty folder, and
    a RAR or 7z archive under a workbook's name, were kept as submissions (「（未识别）」 rows of the dashboard and of
    汇总.xlsx), the latter told to be packed again as a zip, which the page then refuses."""
    answer = client.post("/api/check", files=[("file", (name, data))])
    assert answer.status_code == 200
    assert answer.json()["results"] == []
    [skipped] = answer.json()["skipped"]
    assert skipped["file"] == name and skipped["reason"].startswith(told) and "zip" not in skipped["reason"]


def test_a_copy_the_command_line_annotated_is_checked_again_by_the_button(
    client: TestClient, demo: Path, tmp_path: Path
) -> None:
    """The copy's 校验结果 is protected (only its 单位说明 cells open): replaced by the button's own results sheet of the
    same name, which it protects by nothing."""
    assert main(["check", str(demo), "--out", str(tmp_path)]) == 1
    copy = tmp_path / "示例.校验.xlsx"
    assert openpyxl.load_workbook(copy)["校验结果"].protection.sheet
    actions = press(client, copy, "validate")
    assert actions[-1]["args"][0].startswith("校验完成：错误 3 项")
    (report,) = check_paths([demo])
    assert marked(replay(copy, actions, tmp_path / "b.xlsx", vba=True)) == copy_marks(demo, report, tmp_path / "cli")


PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, str]]:
    """A logged-in office client of a service of its own (no submissions), and its dashboard's CSRF token."""
    data = tmp_path_factory.mktemp("office")
    assert subprocess.run([sys.executable, "-m", "validator", "serve", "--data", str(data), "--add-user", "office"],
                          input=PASSWORD + "\n", capture_output=True, text=True).returncode == 0  # fmt: skip
    with TestClient(create_app(Settings(data, workers=1))) as c:
        token = re.search(r'name="csrf" value="([^"]+)"', c.get("/office/login").text)[1]
        c.post("/office/login", data={"name": "office", "password": PASSWORD, "csrf": token})
        yield c, re.search(r'name="csrf" value="([^"]+)"', c.get("/office").text)[1]


def roster_table(rows: list[list[object]], path: Path) -> Path:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


NUMBERED = [["序号", "单位名称", "统一社会信用代码", "联系人"], [1, "某县名单局", "11330521MB7777777X", "张三"],
            [2, "某县无代码局", None, "李四"]]  # fmt: skip


@pytest.mark.parametrize("kind", ["xlsx", "csv", "xls"])
def test_a_roster_with_a_serial_number_column_is_read_by_its_headers(
    office: tuple[TestClient, str], tmp_path: Path, kind: str
) -> None:
    """An office's roster as kept in Excel: 序号 first, the columns named in the first row. The first two columns were
    taken as name and code (「1.0（某县名单局）」, 「序号（单位名称）」 listed as agencies); an .xls roster was told
    「无法识别名单文件的编码」."""
    client, token = office
    path = roster_table(NUMBERED, tmp_path / "名单.xlsx")
    if kind == "csv":
        text = "\n".join(",".join("" if v is None else str(v) for v in row) for row in NUMBERED)
        (path := tmp_path / "名单.csv").write_bytes(text.encode("gbk"))
    elif kind == "xls":
        if shutil.which("soffice") is None:
            pytest.skip("LibreOffice converts the roster to .xls")
        subprocess.run(["soffice", "--headless", "--convert-to", "xls", "--outdir", str(tmp_path), str(path)],
                       check=True, capture_output=True, timeout=120)  # fmt: skip
        path = tmp_path / "名单.xls"
    answer = client.post("/office/roster", data={"csrf": token}, files={"roster": (path.name, path.read_bytes())})
    assert answer.status_code == 200, answer.text
    missing = re.findall(r"<li>(.*?)</li>", re.search(r'<ul id="missing">(.*?)</ul>', answer.text, re.S)[1])
    assert missing == ["某县名单局（11330521MB7777777X）", "某县无代码局"]


def test_the_buttons_marks_sheet_is_very_hidden_as_in_the_command_lines_copy(
    client: TestClient, demo: Path, tmp_path: Path
) -> None:
    """It was only hidden: Excel listed 「_校验标记」 among the sheets to unhide, and a clerk who unhid and deleted it
    left marks that 清除标记 cannot remove (while saying it restored them)."""
    assert main(["check", str(demo), "--out", str(tmp_path)]) == 1
    by_cli = openpyxl.load_workbook(tmp_path / "示例.校验.xlsx")[MARKS_SHEET].sheet_state
    by_button = replay(demo, press(client, demo, "validate"), tmp_path / "b.xlsx", vba=True)
    assert openpyxl.load_workbook(by_button)[MARKS_SHEET].sheet_state == by_cli == "veryHidden"
    cleared = replay(by_button, press(client, by_button, "clear"), tmp_path / "c.xlsx", vba=True)
    assert MARKS_SHEET not in openpyxl.load_workbook(cleared).sheetnames


def test_an_unreachable_server_is_told_in_chinese_and_other_failures_as_what_they_are(
    client: TestClient, tmp_path: Path
) -> None:
    """Remote.bas turns no connection, an unknown name and a timeout into a 408 answer it shows itself, as an English
    box 「Request Timeout: … (408)」: 「无法连接校验服务器」 never showed for them. It showed instead for every error of
    Excel's while writing the facts or running the answer, where the server had been reached and the workbook may be
    half marked. The button asks the server's health check first (nothing written yet), and tells the other errors
    as what they are."""
    webclient = (xlwings_addin_dir() / "WebClient.cls").read_text(encoding="ascii")
    assert "web_Response.StatusCode = WebStatusCode.RequestTimeout" in webclient  # what Remote.bas is given
    assert client.get("/healthz").json()["status"] == "ok"
    modules, names = server_template_macros(tmp_path)
    ours = modules["NianbaoServer"]
    run = ours[ours.index("Public Sub NianbaoServerRun") :]
    run = run[: run.index("End Sub")]
    reach = run.index("If Not Reachable(url) Then")
    assert reach < run.index('MsgBox NianbaoText("NianbaoServerFailed")') < run.index("WriteFacts wb")
    assert run.index("Failed:") < run.index('MsgBox NianbaoText("NianbaoServerError") & vbLf & Err.Description')
    reachable = ours[ours.index("Private Function Reachable") :]
    reachable = reachable[: reachable.index("End Function")]
    assert 'request.Resource = "healthz"' in reachable
    assert "Reachable = client.Execute(request).StatusCode <> WebStatusCode.RequestTimeout" in reachable
    assert names["NianbaoServerFailed"].startswith('"无法连接校验服务器，工作簿未作改动。')
    assert "工作簿可能已部分改动" in names["NianbaoServerError"] and "关闭工作簿、不保存" in names["NianbaoServerError"]


def test_the_upload_page_names_the_format_as_the_results_sheet_does(
    live: Live, online, demo: Path, balanced_of: Callable[[Template], Path]
) -> None:
    """The page said 「模板：gov-info-annual-report-2021」, an identifier, where the 校验结果 sheet of the same check
    says which format and basis."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    trial = balanced_of(get_template("gov-info-annual-report-2019"))
    online.get(f"{live.url}/")
    online.find_element(By.ID, "file").send_keys(f"{demo}\n{trial}")
    WebDriverWait(online, 120).until(lambda b: len(b.find_elements(By.CSS_SELECTOR, "section.report")) == 2)
    lines = [s.text.split("\n")[1] for s in online.find_elements(By.CSS_SELECTOR, "section.report")]
    assert sorted(lines) == sorted(
        f"模板：{t.name}（{t.basis}，{t.id}）"
        for t in (get_template("gov-info-annual-report-2021"), get_template("gov-info-annual-report-2019"))
    )
    assert [e for e in online.get_log("browser") if e["level"] == "SEVERE"] == []


def test_a_session_cookie_the_server_no_longer_knows_does_not_refuse_every_post(tmp_path: Path, demo: Path) -> None:
    """An office user's session ends after 8 hours while the browser, left open, keeps its cookie (or the service's
    data was set up anew, or another instance on the same host set it: cookies do not tell ports apart). Every post
    — logging in again, every upload — was refused with 「页面已过期，请刷新页面后重试」, and refreshing never helped."""
    data = tmp_path / "data"
    password = "correct horse battery"
    subprocess.run([sys.executable, "-m", "validator", "serve", "--data", str(data), "--add-user", "office"],
                   input=password + "\n", text=True, check=True, capture_output=True)  # fmt: skip
    with TestClient(create_app(Settings(data, workers=1))) as browser:
        token = re.search(r'name="csrf" value="([^"]+)"', browser.get("/office/login").text)[1]
        assert browser.post("/office/login", data={"name": "office", "password": password, "csrf": token}).is_success
        with sqlite3.connect(data / "nianbao.sqlite3") as db:
            db.execute("UPDATE sessions SET expires = 0")  # eight hours later
        page = browser.get("/")
        token = re.search(r'name="csrf-token" content="([^"]+)"', page.text)[1]
        answer = browser.post("/api/check", files=[("file", ("示例.xlsx", demo.read_bytes()))],
                              headers={"x-csrf-token": token})  # fmt: skip
        assert answer.status_code == 200, answer.text
        token = re.search(r'name="csrf" value="([^"]+)"', browser.get("/office/login").text)[1]
        again = browser.post("/office/login", data={"name": "office", "password": password, "csrf": token})
        assert again.status_code == 200 and "汇总看板" in again.text
