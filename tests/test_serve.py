"""`nianbao serve` in-process (Starlette's test client): uploads stored with their results, downloads by id only,
the office's login, dashboard, roster and downloads, and every request the service must refuse."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import sqlite3
import subprocess
import sys
import traceback
import zipfile
from pathlib import Path

import documents
import openpyxl
import pytest
from batch_set import agency
from builders import build, published
from killing import children, killed_while_busy, slow_report
from starlette.testclient import TestClient
from test_excel import demo, marked  # demo: the fixture, the workbook of `make demo`
from test_structure import VALUES

from validator.cli import main
from validator.forms.sample import valid_credit_code
from validator.server.app import Settings, create_app
from validator.server.store import Store
from validator.sources.xlsx import load
from validator.version import ENGINE_VERSION

__all__ = ["demo"]
PASSWORD = "correct horse battery"
HOSTILE = '<script>alert("x")</script>某局'


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("serve-data")
    proc = subprocess.run(
        [sys.executable, "-m", "validator", "serve", "--data", str(folder), "--add-user", "office"],
        input=PASSWORD + "\n", capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 0 and "office" in proc.stdout, proc.stderr
    return folder


@pytest.fixture(scope="module")
def client(data: Path):
    with TestClient(create_app(Settings(data, workers=1, max_file=2 * 2**20, max_request=4 * 2**20))) as c:
        yield c


def upload(client: TestClient, *files: tuple[str, bytes], headers: dict | None = None):
    return client.post("/api/check", files=[("file", f) for f in files], headers=headers or {})


def login(client: TestClient) -> None:
    client.cookies.clear()
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/office/login").text)[1]
    answer = client.post("/office/login", data={"name": "office", "password": PASSWORD, "csrf": token})
    assert answer.status_code == 200 and "汇总看板" in answer.text  # redirected to the dashboard


def test_healthz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "engine_version": ENGINE_VERSION}


def test_an_upload_answers_the_cli_json_and_is_stored_with_its_file(
    client: TestClient, data: Path, demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    answer = upload(client, ("示例.xlsx", demo.read_bytes()))
    assert answer.status_code == 200
    [result] = answer.json()["results"]
    main(["check", str(demo), "--format", "json", "--no-annotate"])
    [cli] = json.loads(capsys.readouterr().out)["results"]
    ignore = {"file", "annotated", "submission", "download"}
    assert {k: v for k, v in result.items() if k not in ignore} == {k: v for k, v in cli.items() if k not in ignore}
    assert result["file"] == "示例.xlsx" and result["download"] == f"/api/submissions/{result['submission']}/annotated"

    with sqlite3.connect(data / "nianbao.sqlite3") as db:
        row = db.execute("SELECT sha256, agency, status, errors FROM submissions WHERE id = ?", [result["submission"]])
        assert row.fetchone() == (result["sha256"], "某县人民政府办公室", "checked", 3)
    assert (data / "files" / result["sha256"][:2] / f"{result['sha256']}.xlsx").read_bytes() == demo.read_bytes()

    copy = client.get(result["download"])
    assert copy.status_code == 200 and "attachment" in copy.headers["content-disposition"]
    (by_server := tmp_path / "server.xlsx").write_bytes(copy.content)
    main(["check", str(demo), "--out", str(tmp_path / "cli")])
    assert marked(by_server) == marked(tmp_path / "cli" / "示例.校验.xlsx")


def test_an_unreadable_upload_is_stored_and_explained(client: TestClient) -> None:
    client.cookies.clear()
    [result] = upload(client, ("年报.xlsx", "不是工作簿".encode())).json()["results"]
    assert result["status"] == "unreadable" and "文本文件" in result["error"] and result["submission"]
    assert result["download"] is None  # no annotated copy: no link that would answer 422
    asked = client.get(f"/api/submissions/{result['submission']}/annotated")
    assert asked.status_code == 422 and asked.json()["error"].startswith("无法生成标注副本")  # asked anyway: why
    login(client)
    listed = client.get("/api/submissions").json()["submissions"]
    assert next(s for s in listed if s["submission"] == result["submission"])["download"] is None
    page = client.get(f"/office/submissions/{result['submission']}").text
    assert "无法校验" in page and "下载标注副本" not in page and "下载原文件" in page
    client.cookies.clear()  # as the other uploads are made: by a script


def test_a_worker_dying_on_an_upload_or_its_copy_is_logged_with_the_number_the_user_is_told(
    demo: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The worker checking an upload, then the one writing its annotated copy, dies (killed, as a native crash or the
    OOM killer kills it): the upload is kept as unreadable and the copy refused, each saying an error number that the
    server's log gives with the traceback."""
    others = children(os.getpid())  # this process's own readers, not the server's pool
    slow = slow_report(demo, tmp_path / "年报.xlsx")
    with (
        TestClient(create_app(Settings(tmp_path / "data", workers=1))) as own,
        caplog.at_level(logging.ERROR, "validator.server"),
    ):
        answer = killed_while_busy(os.getpid(), others, lambda: upload(own, ("年报.xlsx", slow.read_bytes())))
        [result] = answer.json()["results"]
        assert result["status"] == "unreadable" and result["submission"]
        [(id_upload, record_upload)] = logged(caplog)
        assert "上传的文件「年报.xlsx」" in record_upload.getMessage()
        assert result["error"] == (
            "读取该文件时校验进程异常终止或超时：文件可能已损坏或被恶意构造。请用 Excel 或 WPS 打开后另存再上传；"
            f"另存后仍如此，请把错误编号 {id_upload} 告知政务公开办的服务器管理员（详情已记入服务器日志）。"
        )
        caplog.clear()
        [checked] = upload(own, ("年报.xlsx", slow.read_bytes())).json()["results"]  # the same file, a worker alive
        copy = killed_while_busy(os.getpid(), others, lambda: own.get(checked["download"]))
        [(id_copy, record_copy)] = logged(caplog)
        assert copy.status_code == 422 and copy.json()["error"] == (
            f"无法生成标注副本：读取该文件时校验进程异常终止或超时。请把错误编号 {id_copy} "
            "告知政务公开办的服务器管理员（详情已记入服务器日志）。"
        )
        assert f"提交 {checked['submission']} 的标注副本" in record_copy.getMessage()
        assert own.get(checked["download"]).status_code == 200  # asked again: the pool's new worker writes it
    for record in (record_upload, record_copy):
        assert "ProcessExpired: Abnormal termination" in "".join(traceback.format_exception(*record.exc_info))


def logged(caplog: pytest.LogCaptureFixture) -> list[tuple[str, logging.LogRecord]]:
    """(error number, record) of each error the service logged."""
    records = [r for r in caplog.records if r.name.startswith("validator.server") and r.levelno == logging.ERROR]
    return [(re.search(r"错误编号 ([0-9a-f]{8})", r.getMessage())[1], r) for r in records]


def test_word_2003_xml_named_xml_is_taken_by_its_bytes(client: TestClient, tmp_path: Path) -> None:
    """An OA system's 「导出Word」 saved as Word 2003 XML named .xml is a report, as a batch takes it; any other .xml
    is refused as no report."""
    xlsx = published(tmp_path / "年报.xlsx", {k: x for k, x in VALUES.items() if x is not None})
    report = documents.word_2003_xml(documents.segments(load(xlsx).grid.sheets[0]), tmp_path / "甲局.xml")
    other = b'<?xml version="1.0" encoding="UTF-8"?><config><item name="year">2025</item></config>'
    answer = upload(client, ("甲局.xml", report.read_bytes()), ("配置.xml", other)).json()
    assert [r["file"] for r in answer["results"]] == ["甲局.xml"]
    assert [(s["file"], s["reason"][:3]) for s in answer["skipped"]] == [("配置.xml", "不是报")]


def test_an_uploaded_archive_is_said_to_be_one_to_unzip(client: TestClient, demo: Path) -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("报送/甲局.xlsx", demo.read_bytes())
        zf.writestr("报送/乙局.xlsx", demo.read_bytes())
        zf.writestr("报送/丙局.pdf", b"%PDF-1.4")
    answer = upload(client, ("报送.zip", archive.getvalue())).json()
    assert answer["results"] == []  # not kept as a submission
    assert answer["skipped"] == [
        {
            "file": "报送.zip",
            "reason": "这是压缩包，其中有 2 个工作簿、1 个网页、Word 或 PDF 文件，不是单个工作簿。"
            "请解压后在上传页面选择其中的文件上传（可一次选择多个）。",
        }
    ]


def test_files_that_are_not_reports_are_not_kept_and_told_why(tmp_path: Path, demo: Path) -> None:
    """As `nianbao batch` skips them: an Office lock file, a text file, an archive, hidden files (by the name as
    sent, its leading dot included); a report beside them is kept."""
    Store(tmp_path).set_user("office", PASSWORD)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("甲局.xlsx", demo.read_bytes())
    with TestClient(create_app(Settings(tmp_path, workers=1))) as fresh:
        apple = b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        " + bytes(60)  # macOS's AppleDouble file
        sent = [("示例.xlsx", demo.read_bytes()), ("~$示例.xlsx", b"\x0bcorp" + bytes(150)),
                ("报送说明.txt", "请查收本单位年报。".encode()), ("年报.zip", archive.getvalue()),
                ("._示例.xlsx", apple), (".DS_Store", b"\x00\x00\x00\x01Bud1")]  # fmt: skip
        answer = upload(fresh, *sent).json()
        assert [r["file"] for r in answer["results"]] == ["示例.xlsx"]
        reasons = {s["file"]: s["reason"] for s in answer["skipped"]}
        assert reasons == {
            "~$示例.xlsx": "Office 的临时锁定文件（工作簿正在打开时产生），不是报告",
            "报送说明.txt": "不是报告（只校验 .xlsx/.xlsm/.xls/.et/.ods 工作簿和网页、Word、PDF 版年报）",
            "年报.zip": "这是压缩包，其中有 1 个工作簿，不是单个工作簿。请解压后在上传页面选择其中的工作簿上传（可一次选择多个）。",
            "._示例.xlsx": "隐藏文件或 macOS 附加文件，不是报告",
            ".DS_Store": "隐藏文件或 macOS 附加文件，不是报告",
        }
        login(fresh)
        listed = fresh.get("/api/submissions").json()["submissions"]
        page = fresh.get("/office").text
        totals = openpyxl.load_workbook(io.BytesIO(fresh.get("/office/汇总.xlsx").content))["全区合计"]["A2"].value
    assert [s["file"] for s in listed] == ["示例.xlsx"] and "（未识别）" not in page
    assert "；未纳入：1 份" in totals  # 示例.xlsx, which has errors: nothing counted as 无法读取
    assert [p.name for p in (tmp_path / "files").rglob("*") if p.is_file()] == [
        f"{answer['results'][0]['sha256']}.xlsx"
    ]


def test_a_file_over_the_size_limit_is_not_received_and_the_others_are(tmp_path: Path, demo: Path) -> None:
    """One file of a multi-file upload too large: the files before and after it are checked, stored and answered;
    it is listed as not received, and why (the upload page shows the skipped list), and nothing of it is kept."""
    Store(tmp_path).set_user("office", PASSWORD)
    other = openpyxl.load_workbook(demo)
    other["封面"]["B2"].value, other["封面"]["B3"].value = "某县乙局", "11330521MB7654321X"
    (other_path := tmp_path / "乙局.xlsx").parent.mkdir(exist_ok=True)
    other.save(other_path)
    with TestClient(create_app(Settings(tmp_path / "data", workers=1, max_file=2**20, max_request=8 * 2**20))) as fresh:
        sent = [("示例.xlsx", demo.read_bytes()), ("扫描件.pdf", b"%PDF-1.7\n" + bytes(2**20)),
                ("乙局.xlsx", other_path.read_bytes())]  # fmt: skip
        answer = upload(fresh, *sent)
    assert answer.status_code == 200
    results = answer.json()["results"]
    assert [(r["file"], r["agency"]["agency_name"]) for r in results] == [("示例.xlsx", "某县人民政府办公室"),
                                                                           ("乙局.xlsx", "某县乙局")]  # fmt: skip
    assert all(r["submission"] and r["download"] for r in results)
    assert answer.json()["skipped"] == [
        {"file": "扫描件.pdf", "reason": "文件超过 1 MB（单个文件的上限）：请删除其中的图片等多余内容，另存后重新上传"}
    ]
    with sqlite3.connect(tmp_path / "data" / "nianbao.sqlite3") as db:
        stored = db.execute("SELECT id, filename FROM submissions ORDER BY received").fetchall()
    assert stored == [(r["submission"], r["file"]) for r in results]
    kept = sorted(p.name for p in (tmp_path / "data" / "files").rglob("*") if p.is_file())
    assert kept == sorted(f"{r['sha256']}.xlsx" for r in results)
    assert not any(p.is_file() for p in (tmp_path / "data" / "incoming").rglob("*"))


@pytest.mark.parametrize("name", ["", ".", "..", "/"])
def test_an_upload_without_a_file_name_is_told_so(client: TestClient, demo: Path, name: str) -> None:
    """As curl -F "file=@年报.xlsx;filename=" and upload tools send it: not a server error, the file not kept."""
    client.cookies.clear()
    body = (f'--b\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n\r\n'.encode()
            + demo.read_bytes() + b"\r\n--b--\r\n")  # fmt: skip
    answer = client.post("/api/check", content=body, headers={"content-type": "multipart/form-data; boundary=b"})
    assert answer.status_code == 200
    assert answer.json()["results"] == []
    assert answer.json()["skipped"] == [
        {"file": name, "reason": "没有文件名，无法判断是不是报告：请以带扩展名的文件名（如 年报.xlsx）重新提交"}
    ]


def test_limits_are_told_in_chinese(client: TestClient) -> None:
    too_big = upload(client, ("大.xlsx", b"0" * (2 * 2**20 + 1)))
    assert too_big.status_code == 200 and too_big.json()["results"] == []
    [skipped] = too_big.json()["skipped"]
    assert skipped["file"] == "大.xlsx" and skipped["reason"].startswith("文件超过 2 MB（单个文件的上限）")
    request_too_big = upload(client, ("a.xlsx", b"0" * 2**20), ("b.xlsx", b"0" * 2**20), ("c.xlsx", b"0" * 2**20),
                             ("d.xlsx", b"0" * 2**20))  # fmt: skip
    assert request_too_big.status_code == 413 and "一次最多 4 MB" in request_too_big.json()["error"]
    many = upload(client, *((f"{i}.xlsx", b"x") for i in range(51)))
    assert many.status_code == 400 and many.json()["error"] == "文件过多：一次最多上传 50 个文件，请分批上传。"
    broken = client.post("/api/check", content=b"garbage", headers={"content-type": "multipart/form-data; boundary=x"})
    assert broken.status_code == 400 and broken.json()["error"].startswith("上传内容格式有误：")
    assert "文件过多" not in broken.json()["error"]  # each told what is wrong, not both
    streamed = iter([b"name=" + b"x" * 2**20] * 5)  # no Content-Length: counted as it arrives
    form = {"content-type": "application/x-www-form-urlencoded"}
    no_length = client.post("/office/login", content=streamed, headers=form)
    assert no_length.status_code == 413 and "一次最多 4 MB" in no_length.text
    client.cookies.clear()  # the refusal page set the CSRF cookie a browser would keep
    nothing = client.post("/api/check", data={"x": "1"})
    assert nothing.status_code == 400 and "没有收到文件" in nothing.json()["error"]
    page = client.get("/没有这个")
    assert page.status_code == 404 and "没有这个页面" in page.text and page.headers["content-security-policy"]


@pytest.mark.parametrize("ident", ["..%2F..%2Fnianbao.sqlite3", "0" * 32, "../files", "%00"])
def test_downloads_are_by_id_only(client: TestClient, ident: str) -> None:
    assert client.get(f"/api/submissions/{ident}/annotated").status_code == 404


def test_the_office_needs_a_login(client: TestClient) -> None:
    client.cookies.clear()
    assert client.get("/api/submissions").status_code == 401
    for path in ("/office", "/office/汇总.xlsx", "/office/results.jsonl", "/office/report"):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == "/office/login"


def test_the_upload_page_names_the_login_as_the_offices(client: TestClient) -> None:
    """Clerks read 单位管理员 as their own unit's administrator: the link to the office's login says whose it is."""
    page = client.get("/").text
    assert "政务公开办登录" in page and "单位管理员" not in page
    assert "单位管理员" not in client.get("/office").text  # the login form itself


def test_cross_site_posts_and_missing_tokens_are_refused(client: TestClient, demo: Path) -> None:
    client.cookies.clear()
    evil = {"origin": "http://evil.example"}
    assert client.post("/office/login", data={"name": "office", "password": PASSWORD}, headers=evil).status_code == 403
    refused = upload(client, ("示例.xlsx", demo.read_bytes()), headers=evil)
    assert refused.status_code == 403 and "其他网站" in refused.json()["error"]
    client.get("/")  # now the browser holds the page's CSRF cookie: its posts must carry the token
    assert upload(client, ("示例.xlsx", demo.read_bytes())).status_code == 403
    login(client)
    assert client.post("/office/logout", data={}).status_code == 403  # a session's form without its token


def test_logins_are_rate_limited(data: Path) -> None:
    with TestClient(create_app(Settings(data, workers=1))) as fresh:
        token = re.search(r'name="csrf" value="([^"]+)"', fresh.get("/office/login").text)[1]
        codes = [
            fresh.post("/office/login", data={"name": "office", "password": f"wrong{i}", "csrf": token}).status_code
            for i in range(6)
        ]
        assert codes == [401] * 5 + [429]
        right = fresh.post("/office/login", data={"name": "office", "password": PASSWORD, "csrf": token})
        assert right.status_code == 429 and "5 分钟" in right.text


def test_the_dashboard_lists_latest_submissions_roster_and_downloads(client: TestClient, demo: Path) -> None:
    wb = openpyxl.load_workbook(demo)
    wb["封面"]["B2"].value, wb["封面"]["B3"].value = HOSTILE, "11330521MB7654321X"
    buffer = io.BytesIO()
    wb.save(buffer)
    client.cookies.clear()  # as a script uploads (no cookies, no token)
    assert upload(client, ("hostile.xlsx", buffer.getvalue()), ("示例.xlsx", demo.read_bytes())).status_code == 200
    login(client)
    page = client.get("/office").text
    assert HOSTILE not in page and "&lt;script&gt;" in page  # escaped
    token = re.search(r'name="csrf" value="([^"]+)"', page)[1]
    roster = "机关名称,统一社会信用代码\n某县人民政府办公室,11330521MB1234567G\n某县未报送局,11330521MB0000000X\n"
    answer = client.post(
        "/office/roster", data={"csrf": token}, files={"roster": ("名单.csv", roster.encode("gb18030"))}
    )
    assert answer.status_code == 200
    assert re.search(r'<ul id="missing"><li>某县未报送局（11330521MB0000000X）</li></ul>', answer.text)

    listed = client.get("/api/submissions").json()["submissions"]
    assert {s["file"] for s in listed} >= {"示例.xlsx", "hostile.xlsx"}
    jsonl = [json.loads(line) for line in client.get("/office/results.jsonl").text.splitlines()]
    latest_demo = next(d for d in jsonl if d["agency"].get("agency_name") == "某县人民政府办公室")
    assert latest_demo["file"] == "示例.xlsx"  # the newest version of that agency, once
    assert sum(d["agency"].get("agency_name") == "某县人民政府办公室" for d in jsonl) == 1
    summary = openpyxl.load_workbook(io.BytesIO(client.get("/office/汇总.xlsx").content))
    assert summary.sheetnames[0] == "汇总" and summary["汇总"].max_row >= 2
    report = client.get("/office/report")
    assert report.status_code == 200 and "sha256-" in report.headers["content-security-policy"]
    agency = client.get(f"/office/submissions/{listed[0]['submission']}")
    assert agency.status_code == 200 and "提交历史" in agency.text


def test_files_of_no_known_agency_are_not_counted_as_agencies(tmp_path: Path, demo: Path) -> None:
    Store(tmp_path).set_user("office", PASSWORD)
    with TestClient(create_app(Settings(tmp_path, workers=1))) as fresh:
        unreadable = [(f"年报{i}.xlsx", "不是工作簿".encode()) for i in range(2)]
        assert upload(fresh, ("示例.xlsx", demo.read_bytes()), *unreadable).status_code == 200
        login(fresh)
        page = fresh.get("/office").text
    heading = re.search(r'<h2 id="count">(.*?)</h2>', page)[1]
    assert heading == "各单位最新提交（1 个单位；另有 2 份文件未识别出单位，各占一行）"
    assert page.count("（未识别）") == 2


def test_the_roster_finds_every_agency_as_batch_tells_agencies(tmp_path: Path) -> None:
    """A roster entry has submitted when any version of an agency is of it by `nianbao batch`'s rule: the name
    normalised (full-width digits, spaces, parentheses of either width) or the code in either case."""
    Store(tmp_path).set_user("office", PASSWORD)
    sent = {
        "6.xlsx": agency("某县第６局", "11330521MB0000006", credit_code=None),
        "7.xlsx": agency("某县（第7局）", "11330521MB0000007", credit_code=None),
        "8.xlsx": agency("某县第8局", "11330521MB0000008"),
        "9.xlsx": agency("某县 第9局", "11330521MB0000009", credit_code=valid_credit_code("11330521MB0000009").lower()),
        "12.xlsx": agency("某县第12局", "11330521MB0000012"),
        "12-更名.xlsx": agency("某县第12局（新名称）", "11330521MB0000012"),  # the latest version, renamed
    }
    with TestClient(create_app(Settings(tmp_path, workers=1))) as fresh:
        for file, values in sent.items():
            assert upload(fresh, (file, build(tmp_path / file, values).read_bytes())).status_code == 200
        login(fresh)
        token = re.search(r'name="csrf" value="([^"]+)"', fresh.get("/office").text)[1]
        rows = ["某县第6局,", "某县(第7局),", f"某县第8局（旧称）,{valid_credit_code('11330521MB0000008').lower()}",
                f"某县第9局,{valid_credit_code('11330521MB0000009')}", "某县第10局,", "某县第12局,"]  # fmt: skip
        roster = "机关名称,统一社会信用代码\n" + "\n".join(rows) + "\n"
        answer = fresh.post("/office/roster", data={"csrf": token}, files={"roster": ("名单.csv", roster.encode())})
    assert re.search(r'<ul id="missing">(.*?)</ul>', answer.text, re.S)[1] == "<li>某县第10局</li>"


def test_add_user_needs_a_password(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "validator", "serve", "--data", str(tmp_path), "--add-user", "x"],
                          input="\n", capture_output=True, text=True)  # fmt: skip
    assert proc.returncode == 3 and "至少 8 个字符" in proc.stderr


def test_a_roster_workbook_is_read_from_its_first_sheet(client: TestClient, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["机关名称", "统一社会信用代码"])
    wb.active.append(["某县名单局", "11330521MB7777777X"])
    wb.active.append(["某县无代码局"])
    wb.create_sheet("备注").append(["不是名单"])
    buffer = io.BytesIO()
    wb.save(buffer)
    login(client)
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/office").text)[1]
    answer = client.post("/office/roster", data={"csrf": token}, files={"roster": ("名单.xlsx", buffer.getvalue())})
    assert answer.status_code == 200
    missing = re.search(r'<ul id="missing">(.*?)</ul>', answer.text, re.S)[1]
    assert "某县名单局（11330521MB7777777X）" in missing and "某县无代码局" in missing and "不是名单" not in missing
    broken = client.post("/office/roster", data={"csrf": token}, files={"roster": ("名单.xlsx", b"PK\x03\x04broken")})
    assert broken.status_code == 400 and "无法读取名单工作簿" in broken.text
    assert '<a href="/office" id="back">返回汇总看板</a>' in broken.text  # where the roster was chosen
    client.cookies.clear()
    assert '<a href="/" id="back">返回上传页面</a>' in client.get("/没有这个").text
