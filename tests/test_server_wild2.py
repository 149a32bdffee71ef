"""`nianbao serve` as its users meet it, continued: an agency's clerk uploading the agency's own workbook on the upload
page, and the office reviewing the rounds of submissions; each test a defect found so, on a real server."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import httpx
import openpyxl
import pytest
from excel_replay import replay, vba_payload
from test_excel import demo  # the fixture: the workbook of `make demo`
from test_serve_live import PASSWORD, Live, server  # server: the fixture, a service with an office user

from validator import check_paths

__all__ = ["demo", "server"]


def upload(server: Live, name: str, content: bytes) -> dict:
    answer = httpx.post(f"{server.url}/api/check", files={"file": (name, content)}, timeout=300)
    assert answer.status_code == 200, answer.text
    return answer.json()


def office(server: Live) -> httpx.Client:
    """A browser of the office, logged in."""
    client = httpx.Client(base_url=server.url, timeout=300, follow_redirects=True)
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/office/login").text)[1]
    answer = client.post("/office/login", data={"name": "office", "password": PASSWORD, "csrf": token})
    assert "汇总看板" in answer.text
    return client


def with_part(workbook: Path, part: str, content: bytes) -> bytes:
    """The workbook's bytes with one part of its package replaced, as a damaged copy holds it."""
    out = io.BytesIO()
    with zipfile.ZipFile(workbook) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, content if info.filename == part else source.read(info))
    return out.getvalue()


AGAIN = "请用本单位留存的原文件重新保存或导出一份，再重新上传。"
UNREADABLE = {
    "empty": (b"", f"文件是空的（0 字节），可能在保存或拷贝时出错。{AGAIN}"),
    "cut off": (None, f"文件不完整（可能在下载或拷贝时中断），无法解压。{AGAIN}"),
    "broken pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", f"PDF 文件已损坏或不完整，无法读取。{AGAIN}"),
    "png named xlsx": (b"\x89PNG\r\n\x1a\n" + bytes(64), "这是图片文件，不是 Excel 工作簿。请上传 Excel 格式（.xlsx）的年报工作簿。"),
    "broken sheet xml": (b"<worksheet><sheetData>", "打开后重新保存，再重新上传。"),
}  # fmt: skip


@pytest.mark.parametrize("kind", UNREADABLE)
def test_an_unreadable_upload_tells_its_uploader_what_to_do_not_to_ask_itself(
    server: Live, demo: Path, tmp_path: Path, kind: str
) -> None:
    """The messages shared with `nianbao check`/`batch` tell whoever received the file 「向报送（发布）单位索取」: on
    the upload page the uploader is that agency, told to ask itself. It is told what to do; the office's record keeps the
    office's words, as `nianbao check` gives them."""
    content, told = UNREADABLE[kind]
    if content is None:
        content = demo.read_bytes()[: demo.stat().st_size // 2]
    elif kind == "broken sheet xml":
        content = with_part(demo, "xl/worksheets/sheet2.xml", content)
    name = f"{kind}.{'pdf' if 'pdf' in kind else 'xlsx'}"
    (result,) = upload(server, name, content)["results"]
    assert result["status"] == "unreadable" and result["error"].endswith(told), result["error"]
    assert "索取" not in result["error"] and "报送单位" not in result["error"]
    (tmp_path / name).write_bytes(content)
    (cli,) = check_paths([tmp_path / name])
    assert re.search("向(报送|发布)单位索取", cli.error)  # the office's words, for the office's record
    stored = [json.loads(line) for line in office(server).get("/office/results.jsonl").text.splitlines()]
    assert [d["error"] for d in stored if d["file"] == name] == [cli.error]


@pytest.mark.parametrize(("name", "kind", "magic"), [("报送材料.rar", "RAR", b"Rar!\x1a\x07\x01\x00"),
                                                     ("报送材料.7z", "7z", b"7z\xbc\xaf\x27\x1c\x00\x04")])  # fmt: skip
def test_a_rar_or_7z_archive_under_its_own_name_is_told_to_be_unpacked_and_its_files_uploaded(
    server: Live, name: str, kind: str, magic: bytes
) -> None:
    """Under its own name the archive got batch's 「请用解压软件解压后校验其中的报告，或把它们重新打包为 zip」: the
    upload page refuses a zip too. Told as the page tells it of one under a workbook's name."""
    answer = upload(server, name, magic + bytes(200))
    assert answer["results"] == []
    assert answer["skipped"] == [
        {"file": name, "reason": f"这是 {kind} 压缩包，上传页面不解压压缩包。请解压后在上传页面选择其中的文件上传（可一次选择多个）。"}
    ]  # fmt: skip


def agency_book(demo: Path, name: str, code: str) -> bytes:
    """The demo report (three errors) as the agency `name` of 统一社会信用代码 `code` fills it in."""
    wb = openpyxl.load_workbook(demo)
    wb["封面"]["B2"].value, wb["封面"]["B3"].value = name, code
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def dashboard_rows(page: str) -> list[str]:
    """The dashboard's rows, each its cells' text joined by |."""
    body = re.search(r'<table id="agencies">.*?<tbody>(.*?)</tbody>', page, re.S)[1]
    return [
        "|".join(
            re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        )
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def test_an_agency_renamed_under_its_code_is_one_unit_named_anew_noting_its_old_name(server: Live, demo: Path) -> None:
    """A 机构改革 renames an agency, its 统一社会信用代码 unchanged: the service showed it as two units (the old name's
    version as an agency that has not resubmitted, the new one's as a first version), unlike `nianbao batch --since`.
    It is one unit under its new name, the old one noted, its versions compared; two agencies sending versions at the
    same time under one code (one copied the other's) stay two."""
    code, copied = "11330521MB0000011X", "11330521MB0000022X"
    sent = [("甲局.xlsx", "某县甲局", code), ("乙局.xlsx", "某县乙局", "11330521MB0000033X"),
            ("甲局-改革后.xlsx", "某县甲服务中心", code),
            ("丙局.xlsx", "某县丙局", copied), ("丁局.xlsx", "某县丁局", copied), ("丙局-改.xlsx", "某县丙局", copied)]  # fmt: skip
    for file, name, given in sent:
        assert upload(server, file, agency_book(demo, name, given))["results"][0]["status"] == "checked"
    browser = office(server)
    page = browser.get("/office").text
    assert re.search(r'<h2 id="count">(.*?)</h2>', page)[1].startswith("各单位最新提交（4 个单位")  # others: unread
    rows = dashboard_rows(page)
    (renamed,) = [r for r in rows if "甲" in r]
    assert renamed.startswith(f"某县甲服务中心 原名称：某县甲局|{code}|甲局-改革后.xlsx|") and renamed.endswith("|2")
    assert [r.split("|")[0] for r in rows if "丙" in r or "丁" in r] == ["某县丙局", "某县丁局"]  # newest first
    latest = re.search(r'<a href="(/office/submissions/[0-9a-f]+)">某县甲服务中心</a>', page)[1]
    unit = browser.get(latest).text
    assert re.search(r'<p id="agency-name">(.*?)</p>', unit)[1].startswith(
        "机关名称：上一版本为 某县甲局，这一版本为 某县甲服务中心。两个版本的统一社会信用代码相同，按同一单位"
    )
    results = [json.loads(line) for line in browser.get("/office/results.jsonl").text.splitlines()]
    (doc,) = [d for d in results if d["agency"].get("credit_code") == code]
    assert (doc["file"], doc["round"]["previous"], doc["round"]["previous_agency_name"]) == (
        "甲局-改革后.xlsx", "甲局.xlsx", "某县甲局",
    )  # fmt: skip
    assert doc["round"]["open"] and not doc["round"]["new"]  # the same findings: still open, none new
    shown = re.search(r'<span class="change open" data-kind="open">仍存在 (\d+)</span>', unit)[1]
    assert int(shown) == len(doc["round"]["open"])
    book = openpyxl.load_workbook(io.BytesIO(browser.get("/office/汇总.xlsx").content))
    texts = [str(v) for row in book["本轮变化"].iter_rows(values_only=True) for v in row if v]
    assert any("机关名称此前为 某县甲局，本轮为 某县甲服务中心（按统一社会信用代码对应为同一单位）" in t for t in texts)


def test_what_the_service_refuses_the_button_is_told_in_a_message_box_of_its_own(
    server: Live, demo: Path, tmp_path: Path
) -> None:
    """Remote.bas shows the body of any answer but 200 as it is, in a box titled "Error": the clerk read
    `{"error": "上传内容过大：一次最多 100 MB。"}`, about an upload they never made. Each refusal is an answer Remote.bas
    runs: one message box of the button's own title, the workbook untouched."""
    xlwings = pytest.importorskip("xlwings")
    payload = vba_payload(demo, xlwings.__version__)
    wide = [{"name": "台账", "pictures": [], "tables": [], "values": [["一行备注" * 50] * 100] * 200}]
    big = payload | {"sheets": wide * 9 + payload["sheets"]}  # a used range formatted far past the tables
    assert len(json.dumps(big, ensure_ascii=False).encode()) > 100 * 2**20
    told = {
        "too large": (httpx.post(f"{server.url}/xlwings/validate", json=big, timeout=300),
                      "工作簿发送到服务器的数据超过校验服务一次能接收的 100 MB，无法校验，工作簿未作改动。"
                      "请删除表格之外多余的行列（或其中的格式）和多余的工作表后再校验。"),
        "no such action": (httpx.post(f"{server.url}/xlwings/check", json=payload, timeout=300),
                           "没有这个操作：按钮只调用 /xlwings/validate 和 /xlwings/clear。"),
    }  # fmt: skip
    for case, (answer, message) in told.items():
        assert answer.status_code == 200, (case, answer.text)
        [alert] = answer.json()["actions"]
        assert (
            alert["func"] == "alert" and alert["args"][:2] == [message, "年报校验"] and alert["args"][3] == "critical"
        )
        kept = replay(demo, answer.json()["actions"], tmp_path / f"{case}.xlsx", vba=True)
        assert openpyxl.load_workbook(kept).sheetnames == openpyxl.load_workbook(demo).sheetnames, case
