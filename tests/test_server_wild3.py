"""`nianbao serve` as an agency's clerk meets it, continued: the advice of the messages shared with `nianbao check` and
`batch` (written for whoever received a file) told to the clerk who uploaded it, on a real server; each test a defect
found so."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import openpyxl
import pytest
from packages import add_row, edit_part, repack
from test_excel import demo  # the fixture: the workbook of `make demo`
from test_serve_live import Live, server, start  # server: the fixture, a service with an office user
from test_server_wild2 import office, upload

from validator import check_paths

__all__ = ["demo", "server"]

OFFICE_RAISES = re.compile(r"可由管理员调高该上限（环境变量 NIANBAO_LIMIT_[A-Z_]+，见 docs/security\.md）")
ASK_OFFICE = "如年报确实需要这些内容，请联系政务公开办调高校验服务的该项上限。"


def told_and_kept(server: Live, tmp_path: Path, name: str, content: bytes) -> tuple[str, str]:
    """What the upload page told of the file, and what `nianbao check` tells of it; the office's record keeps the
    latter (its own words, as the dashboard, 汇总.xlsx and results.jsonl give them)."""
    (result,) = upload(server, name, content)["results"]
    assert result["status"] == "unreadable", result
    (tmp_path / name).write_bytes(content)
    (cli,) = check_paths([tmp_path / name])
    stored = [json.loads(line) for line in office(server).get("/office/results.jsonl").text.splitlines()]
    assert [d["error"] for d in stored if d["file"] == name][-1] == cli.error
    return result["error"], cli.error


def test_a_workbook_over_a_reading_limit_tells_its_uploader_what_to_remove_and_who_raises_the_limit(
    server: Live, demo: Path, tmp_path: Path
) -> None:
    """A clerk's workbook with a note typed far down an extra sheet (row 100000) is past the limit on one sheet's used
    range. The page told the clerk 「请核实文件来源…再校验；如确需处理更大的文件，可由管理员调高该上限（环境变量
    NIANBAO_LIMIT_SHEET_AREA…）」: the clerk's own file, no check to run again, and a server they do not administer.
    They are told what to remove before uploading again, and that the office raises the limit if the report needs it."""
    wb = openpyxl.load_workbook(demo)
    wb.create_sheet("台账").cell(row=100_000, column=30).value = "备注"
    out = io.BytesIO()
    wb.save(out)
    told, cli = told_and_kept(server, tmp_path, "带台账的年报.xlsx", out.getvalue())
    assert told == (
        "工作表「台账」的使用区域异常大（用到第 100000 行、第 AD 列，共 100000 行 × 30 列），超过单张工作表的使用区域"
        "上限（2000000 个单元格），已拒绝读取：常见原因是在远离表格的单元格中输入了内容（如很远的行、列中的备注，"
        "或误输入的一个字符）。请在该工作表中按 Ctrl+End 找到最远的单元格，删除表格以外多余的行、列，另存后重新上传；"
        f"{ASK_OFFICE}"
    )
    assert OFFICE_RAISES.search(cli) and "另存再校验" in cli  # the office's words, for the office's record


@pytest.fixture(scope="module")
def hurried(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """A service whose office set a reading time limit no file meets (NIANBAO_LIMIT_SECONDS, docs/security.md)."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("NIANBAO_LIMIT_SECONDS", "0.001")
        live = start(tmp_path_factory.mktemp("hurried"))
    yield live
    live.stop()


def test_a_file_over_the_reading_time_limit_tells_its_uploader_to_upload_the_report_alone(
    hurried: Live, demo: Path
) -> None:
    """Past the time limit the page told the clerk 「请只提交年报部分…再校验；…可由管理员调高该上限（环境变量
    NIANBAO_LIMIT_SECONDS…）」."""
    (result,) = upload(hurried, "年报.xlsx", demo.read_bytes())["results"]
    assert result["status"] == "unreadable"
    assert result["error"].endswith(
        "请只上传年报部分（如从 PDF 中提取年报所在的页）；如年报确实需要这些内容，请联系政务公开办调高校验服务的该项上限。"
    ), result["error"]
    assert not OFFICE_RAISES.search(result["error"]) and "再校验" not in result["error"]


def blank_pdf() -> bytes:
    """A PDF of one empty page: a report printed with its text turned into outlines reads as this."""
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def bodiless_docx() -> bytes:
    """A Word document whose main part has no body, as a broken export leaves it."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
                   'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
                   "</Types>")  # fmt: skip
        z.writestr("_rels/.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="r1" Target="word/document.xml" Type="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships/officeDocument"/></Relationships>')  # fmt: skip
        z.writestr(
            "word/document.xml", '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'
        )
    return out.getvalue()


ATTACHED = (
    '<html><body><h1>某县财政局2024年政府信息公开工作年度报告</h1><p>详见附件：<a href="/upload/2025/nb.pdf">'
    "某县财政局2024年政府信息公开工作年度报告.pdf</a></p></body></html>"
).encode()
MHT = (
    b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b"\r\n\r\n'
    b"--b\r\nContent-Type: image/png\r\nContent-Location: a.png\r\n\r\nxx\r\n--b--\r\n"
)  # a web archive saved without its page: only a picture
AGAIN = {
    "CSV saved as .xlsx": ("数据.xlsx", "单位,数量\n某局,3\n".encode("gb18030"),
                           "请用 Excel 或 WPS 打开该文件，“另存为”Excel 工作簿（*.xlsx）后重新上传。"),
    "PDF without text": ("年报.pdf", blank_pdf(), "无法读取数字；请上传可复制文字的 PDF、Word 或网页版本。"),
    "Word without a body": ("年报.docx", bodiless_docx(), "请确认文件是年度报告本身，或用 Word 重新保存后重新上传。"),
    "page with the report attached": ("附件.html", ATTACHED, "中。请上传该附件（PDF、Word 或 Excel 文件）。"),
    "page of a frame": ("框架.html", b'<html><body><iframe src="content.html"></iframe></body></html>',
                        "而该页面没有一起提供。请在浏览器中打开框架中的年报正文（右键框架，选择“在新标签页中打开”），"
                        "另存为网页后重新上传，或上传年报的 PDF、Word 版本。"),
    "web archive without a page": ("年报.mht", MHT, "“另存为”网页（.html，“网页，全部”或“网页，仅 HTML”）后重新上传，"
                                   "或上传年报的 PDF、Word 版本。"),
}  # fmt: skip


@pytest.mark.parametrize("kind", AGAIN)
def test_a_refusal_that_asks_for_another_check_asks_the_uploader_for_another_upload(
    server: Live, tmp_path: Path, kind: str
) -> None:
    """Shared refusals end 「…后再校验」 (or 「请提供/下载…后再校验」): on the upload page the clerk checks nothing, and
    what they provide is what they upload; their next step is to upload again."""
    name, content, step = AGAIN[kind]
    told, cli = told_and_kept(server, tmp_path, name, content)
    assert told.endswith(step) and "再校验" not in told, told
    assert "再校验" in cli  # the office's words, for the office's record


@pytest.fixture(scope="module")
def bare(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """A service on a machine without LibreOffice (none on its PATH)."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PATH", str(tmp_path_factory.mktemp("no-programs")))
        env.delenv("NIANBAO_SOFFICE", raising=False)
        live = start(tmp_path_factory.mktemp("bare"))
    yield live
    live.stop()


def test_a_document_the_server_cannot_convert_asks_the_uploader_for_a_docx_not_to_install_libreoffice(
    bare: Live,
) -> None:
    """An RTF report (what OA systems' 「导出Word」 writes) on a server without LibreOffice told the clerk 「本机未安装
    ……后再校验；或安装 LibreOffice 后重试」: their machine is not the server, and installing it there is not theirs."""
    (result,) = upload(bare, "年报.rtf", b"{\\rtf1\\ansi 2024\\par}")["results"]
    assert result["error"] == (
        "这是RTF（富文本）格式的 Word 文档，需要 LibreOffice 才能读取，校验服务器未安装。"
        "请用 Word 或 WPS 打开，“另存为”Word 文档（*.docx）后重新上传。"
    ), result["error"]


def deeply_nested(demo: Path, target: Path) -> Path:
    """The demo (its wrong totals on 表三 and 表四) with a rich-text cell on 表三 nested 300 elements deep: the
    checking readers read it; the copy's XML parser refuses past 256."""
    cell = b'<row r="90"><c r="A90" t="inlineStr"><is>' + b"<r>" * 300 + b"</r>" * 300 + b"</is></c></row>"
    return repack(demo, target, edit_part("xl/worksheets/sheet4.xml", lambda xml: add_row(xml, cell)))


def test_an_annotated_copy_that_cannot_be_written_says_who_saves_the_file_anew(
    server: Live, demo: Path, tmp_path: Path
) -> None:
    """The page of the annotated copy refused with 「请用 Excel 打开后另存为 .xlsx 再试，或请报送单位重新导出」: the
    uploader there is the 报送单位, asked to ask itself, and the office has no file to save. Both read who does what."""
    content = deeply_nested(demo, tmp_path / "年报.xlsx").read_bytes()
    (result,) = upload(server, "年报.xlsx", content)["results"]
    assert result["status"] == "checked" and result["download"], result
    for reader in (httpx.Client(base_url=server.url, timeout=300), office(server)):
        answer = reader.get(result["download"])
        assert answer.status_code == 422, answer.text
        assert answer.json()["error"].endswith(
            "无法写入标注。请报送单位用 Excel 或 WPS 打开本单位留存的原文件，另存为 .xlsx 后重新上传。"
        ), answer.text
