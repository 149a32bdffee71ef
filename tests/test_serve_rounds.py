"""`nianbao serve` with rounds and published documents: an agency's versions compared as `batch --since` compares
rounds (已改正 / 新出现 / 仍存在 / 已说明 / 已接受) on the dashboard, the agency's page, the API, report.html and
汇总.xlsx; explanations typed in the server's own annotated copy read back; web pages and Word documents uploaded,
their findings placed in the document and their annotated copy the converted workbook."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote

import documents
import httpx
import lxml.html
import openpyxl
import pytest
from batch_set import COLUMNS, T3, agency
from builders import build, published
from starlette.testclient import TestClient
from test_import import DEFECTS
from test_rounds_explain import NORMATIVE, TX02_NOTE, explain, findings_table, wrong_report
from test_serve import PASSWORD, client, data, login, upload
from test_serve_live import online, post, server
from test_structure import VALUES

from validator.cli import main
from validator.names import ID_COLUMN, RESULT_SHEET
from validator.sources.xlsx import load

__all__ = ["client", "data", "online", "server"]
CODE17 = "11330521MB0000001"
SOFFICE = shutil.which("soffice")
NOTE = TX02_NOTE + "<img src=x onerror=alert(1)>"  # typed by the agency: shown, never run
KINDS = ("fixed", "new", "open", "explained", "accepted")


def rules_at(result: dict) -> dict[str, tuple[str, str | None]]:
    """Finding id → (rule, cell) of a JSON result."""
    return {f["id"]: (f["rule"], f["cell"]) for f in result["findings"]}


def table(html: str, table_id: str) -> list[dict[str, str]]:
    """The rows of a page's table by its header titles (cell text, whitespace stripped)."""
    tree = lxml.html.fromstring(html)
    [node] = tree.xpath(f'//table[@id="{table_id}"]')
    titles = [th.text_content().strip() for th in node.xpath("./thead/tr/th")]
    return [
        dict(zip(titles, (td.text_content().strip() for td in tr.xpath("./td")), strict=True))
        for tr in node.xpath("./tbody/tr")
    ]


@pytest.fixture(scope="module")
def first_two(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two versions of one agency's report: v1 with an unbalanced 表三 column 自然人 and two warnings; v2 with that
    column fixed and 商业企业 unbalanced instead."""
    folder = tmp_path_factory.mktemp("versions")
    v1 = wrong_report(folder / "甲局.xlsx")
    v2 = folder / "甲局-改.xlsx"
    build(
        v2,
        agency(
            "某县甲局",
            CODE17,
            other_matters="本年度没有其他需要报告的事项。",
            **{NORMATIVE: 1, T3.cell_key("new", COLUMNS[1]): 77},
        ),
    )
    return v1, v2


@pytest.fixture(scope="module")
def versions(client: TestClient, first_two: tuple[Path, Path]) -> list[dict]:
    """The two versions uploaded in turn, then v3: the server's annotated copy of v2 with an explanation typed in
    单位说明 for the TX02 warning."""
    folder = first_two[0].parent
    results = [upload(client, (p.name, p.read_bytes())).json()["results"][0] for p in first_two]
    copy = client.get(results[1]["download"])
    assert copy.status_code == 200
    v3 = folder / "甲局-改.校验.xlsx"  # the name the server gave the copy, sent back as agencies do
    v3.write_bytes(copy.content)
    explain(v3, {"TX02": NOTE})
    results.append(upload(client, (v3.name, v3.read_bytes())).json()["results"][0])
    return results


def test_each_version_is_compared_with_the_previous_one(client: TestClient, versions: list[dict]) -> None:
    v1, v2, v3 = versions
    assert {r for r, _ in rules_at(v1).values()} == {"EQ01", "EQ03", "TX02", "PL02"}
    assert ("TX02", "正文!B4") in rules_at(v3).values()
    [tx02] = [f for f in v3["findings"] if f["rule"] == "TX02"]
    assert (tx02["explanation"], tx02["state"]) == (NOTE, "explained")  # read back from the server's own copy
    expected = {  # by rule and cell: 自然人 (D) fixed, 商业企业 (E) newly unbalanced, the warnings still there
        v2["submission"]: {"previous": v1["submission"], "fixed": {("EQ01", "表三!D5"), ("EQ03", "表三!D5")},
                           "new": {("EQ01", "表三!E5"), ("EQ03", "表三!E5")},
                           "open": {("TX02", "正文!B4"), ("PL02", "表二!D5")}, "explained": set(), "accepted": set()},
        v3["submission"]: {"previous": v2["submission"], "fixed": set(), "new": set(),
                           "open": {("EQ01", "表三!E5"), ("EQ03", "表三!E5"), ("PL02", "表二!D5")},
                           "explained": {("TX02", "正文!B4")}, "accepted": set()},
    }  # fmt: skip
    login(client)
    listed = {s["submission"]: s for s in client.get("/api/submissions").json()["submissions"]}
    assert listed[v1["submission"]]["changes"] is None  # the first version
    for version, want in expected.items():
        counts = {k: v if k == "previous" else len(v) for k, v in want.items()}
        assert listed[version]["changes"] == counts

    # the agency's page of v2: the counts, the fixed findings (from v1), each finding's change; v1..v3 in its history
    page = client.get(f"/office/submissions/{v2['submission']}").text
    words = lxml.html.fromstring(page).xpath('//p[@id="changes"]')[0].text_content()
    assert "已改正 2" in words and "新出现 2" in words and "仍存在 2" in words and "甲局.xlsx" in words
    fixed = table(page, "fixed")
    assert {(r["已改正的问题"], r["位置"]) for r in fixed} == expected[v2["submission"]]["fixed"]
    findings = table(page, "findings")
    by_change = {(r["规则"], r["位置"]): r["与上一版本比"] for r in findings}
    assert by_change == {**dict.fromkeys(expected[v2["submission"]]["new"], "新出现"),
                         **dict.fromkeys(expected[v2["submission"]]["open"], "仍存在")}  # fmt: skip
    history = table(page, "history")
    assert [r["文件"] for r in history] == ["甲局-改.校验.xlsx", "甲局-改.xlsx", "甲局.xlsx"]
    assert [(r["已改正"], r["新出现"], r["仍存在"], r["已说明"]) for r in history] == [
        ("0", "0", "3", "1"), ("2", "2", "2", "0"), ("—", "—", "—", "—")]  # fmt: skip

    # v3's page: the agency's explanation and the finding's state
    page = client.get(f"/office/submissions/{v3['submission']}").text
    [row] = [r for r in table(page, "findings") if r["规则"] == "TX02"]
    assert (row["单位说明"], row["状态"], row["与上一版本比"]) == (NOTE, "已说明", "已说明")
    assert "<img" not in page and "&lt;img" in page  # what the agency typed is shown as text

    # the dashboard: one agency, its latest version (v3) against v2
    [row] = [r for r in table(client.get("/office").text, "agencies") if r["统一社会信用代码"].startswith(CODE17)]
    assert (row["文件"], row["版本数"]) == ("甲局-改.校验.xlsx", "3")
    assert [row[t] for t in ("已改正", "新出现", "仍存在", "已说明", "已接受")] == ["0", "0", "3", "1", "0"]


def test_report_summary_and_results_show_the_changes(client: TestClient, versions: list[dict]) -> None:
    login(client)
    latest = versions[2]
    rows = table(client.get("/office/report").text, "rounds")  # report.html's own 本轮变化 section
    [row] = [r for r in rows if r["统一社会信用代码"].startswith(CODE17)]
    assert [row[t] for t in ("已改正", "新出现", "仍存在", "已说明", "已接受")] == ["0", "0", "3", "1", "0"]
    docs = [json.loads(line) for line in client.get("/office/results.jsonl").text.splitlines()]
    [doc] = [d for d in docs if d["sha256"] == latest["sha256"]]
    assert {k: len(doc["round"][k]) for k in KINDS} == {"fixed": 0, "new": 0, "open": 3, "explained": 1, "accepted": 0}
    assert doc["round"]["previous"] == "甲局-改.xlsx" and doc["round"]["previous_round"] == "该单位上一版本"
    wb = openpyxl.load_workbook(io.BytesIO(client.get("/office/汇总.xlsx").content))
    ws = wb["汇总"]
    header = [c.value for c in ws[1]]
    [values] = [[c.value for c in r] for r in ws.iter_rows(min_row=2) if "某县甲局" in str(r[0].value)]
    assert [values[header.index(t)] for t in ("已改正", "新出现", "仍存在", "已说明", "已接受")] == [0, 0, 3, 1, 0]


def test_the_served_summary_tells_how_its_decisions_take_effect(
    client: TestClient, versions: list[dict], tmp_path: Path
) -> None:
    """The service records no 处理意见: its 汇总.xlsx does not promise that `batch --since` a result folder carries
    them (there is none), and says how they do take effect: the agencies' original files checked by batch with the
    downloaded 汇总.xlsx as --decisions, which this test does."""
    login(client)
    latest = versions[2]
    dashboard = lxml.html.fromstring(client.get("/office").text)
    hint = dashboard.xpath('//p[@id="decisions"]')[0].text_content()
    assert "不记录处理意见" in hint and "--decisions 汇总.xlsx" in hint
    summary = tmp_path / "汇总.xlsx"
    summary.write_bytes(client.get("/office/汇总.xlsx").content)
    wb = openpyxl.load_workbook(summary)
    ws = wb["问题明细"]
    (choice,) = ws.data_validations.dataValidation
    assert "--since" not in choice.prompt and "不会改变看板" in choice.prompt and "--decisions" in choice.prompt
    header = [c.value for c in ws[1]]
    [row] = [r for r in ws.iter_rows(min_row=2) if r[header.index("文件")].value == latest["file"]
             and r[header.index("规则")].value == "EQ01"]  # fmt: skip
    row[header.index("处理意见")].value = "接受"
    wb.save(summary)

    reports = tmp_path / "报告"
    reports.mkdir()
    original = client.get(f"/api/submissions/{latest['submission']}/original")
    (reports / latest["file"]).write_bytes(original.content)
    out = tmp_path / "结果"
    assert main(["batch", str(reports), "--out", str(out), "--jobs", "1", "--decisions", str(summary)]) == 1
    [doc] = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {(f["rule"], f["cell"]): f["state"] for f in doc["findings"]}[("EQ01", "表三!E5")] == "accepted"


# ------------------------------------------------------------------ published documents


@pytest.fixture(scope="module")
def defective(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A defective report (test_import's defects) published as a web page and as a Word document."""
    root = tmp_path_factory.mktemp("published")
    xlsx = published(root / "年报.xlsx", {k: v for k, v in (VALUES | DEFECTS).items() if v is not None})
    parts = documents.segments(load(xlsx).grid.sheets[0])
    (root / "年报.html").write_bytes(documents.clean_html(parts))
    out = {"html": root / "年报.html", "docx": documents.docx(parts, root / "年报.docx")}
    if SOFFICE:  # a PDF and a Word 97-2003 file made from the DOCX by LibreOffice, as test_import makes them
        for kind in ("pdf", "doc"):
            subprocess.run(
                [SOFFICE, f"-env:UserInstallation={(root / 'lo').as_uri()}", "--headless", "--convert-to", kind,
                 "--outdir", str(root), str(out["docx"])], check=True, capture_output=True, timeout=300,
            )  # fmt: skip
            out[kind] = root / f"年报.{kind}"
    return out


def test_the_upload_page_accepts_published_documents(client: TestClient) -> None:
    [accept] = lxml.html.fromstring(client.get("/").text).xpath('//input[@id="file"]/@accept')
    assert {".html", ".htm", ".docx", ".pdf", ".doc", ".wps", ".xlsx", ".xlsm"} <= set(accept.split(","))


@pytest.mark.parametrize("kind", ["html", "docx", "pdf", "doc"])
def test_a_document_is_checked_in_place_and_its_copy_is_the_converted_workbook(
    client: TestClient, data: Path, defective: dict[str, Path], kind: str, capsys: pytest.CaptureFixture, tmp_path: Path
) -> None:
    if kind not in defective:
        pytest.skip("LibreOffice is needed to make a PDF and a .doc (and to read the .doc)")
    source = defective[kind]
    client.cookies.clear()  # an agency, not the office's session
    [result] = upload(client, (source.name, source.read_bytes())).json()["results"]
    main(["check", str(source), "--format", "json", "--no-annotate"])
    [cli] = json.loads(capsys.readouterr().out)["results"]
    ignore = {"file", "annotated", "submission", "download", "notices"}
    assert {k: v for k, v in result.items() if k not in ignore} == {k: v for k, v in cli.items() if k not in ignore}
    assert result["source_format"] == kind and result["counts"]["error"] > 0
    placed = [f for f in result["findings"] if f["cell"]]
    # Each defect's cell (the blank t3.carried_in.total too), but for the full-width digits: a page prints numbers as
    # text, so that is no finding on a document (TY03 is for workbooks).
    assert len({f["cell"] for f in placed}) >= len(DEFECTS) - 1
    assert all(f["place"] and f["source"] for f in placed)
    assert any("表三" in (f["place"] or "") for f in placed)
    stored = data / "files" / result["sha256"][:2] / f"{result['sha256']}{source.suffix}"
    assert stored.read_bytes() == source.read_bytes()  # kept with its own suffix

    copy = client.get(result["download"])
    assert copy.status_code == 200 and f"{source.name}.校验.xlsx".encode() in _disposition(copy)
    wb = openpyxl.load_workbook(io.BytesIO(copy.content))
    assert RESULT_SHEET in wb.sheetnames and "表三" in wb.sheetnames  # the official workbook, converted and marked
    main(["check", str(source), "--out", str(tmp_path)])  # the copy `nianbao check` writes for the same document
    by_cli = openpyxl.load_workbook(tmp_path / f"{source.name}.校验.xlsx")
    assert marks(wb) == marks(by_cli) and len(marks(wb)) > 1
    assert [[c.value for c in r] for r in wb["表三"].iter_rows()] == [
        [c.value for c in r] for r in by_cli["表三"].iter_rows()
    ]

    login(client)  # the office's page of the submission names the place in the document, not a cell of its grid
    rows = table(client.get(f"/office/submissions/{result['submission']}").text, "findings")
    assert [r["位置"] for r in rows] == [f["place"] or f["cell"] or "" for f in result["findings"]]


def marks(wb: openpyxl.Workbook) -> list[tuple]:
    """(规则, 位置, 编号) of each row of a copy's findings table."""
    ws = wb[RESULT_SHEET]
    top, cols = findings_table(ws)
    rows = [[ws.cell(r, cols[t]).value for t in ("规则", "位置", ID_COLUMN)] for r in range(top + 1, ws.max_row + 1)]
    return [tuple(r) for r in rows if r[2]]


def _disposition(response) -> bytes:
    return unquote(response.headers["content-disposition"]).encode()


def test_in_a_browser_on_a_real_server(
    server, online, first_two: tuple[Path, Path], defective: dict[str, Path]
) -> None:
    """The upload page shows a web page's findings at their places; the dashboard and the agency's page show what
    changed between the agency's two versions; no console errors (the pages' CSP allows only their own scripts)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser, wait = online, WebDriverWait(online, 120)
    for version in first_two:
        assert post(server.url, version.name, version.read_bytes()).status_code == 200
    browser.get(f"{server.url}/")
    browser.find_element(By.ID, "file").send_keys(str(defective["html"]))
    report = wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, "section.report"))[0]
    assert "年报.html" in report.text and "原文件是网页" in report.text
    places = [tr.find_elements(By.TAG_NAME, "td")[3].text for tr in report.find_elements(By.CSS_SELECTOR, "tbody tr")]
    assert any(p.startswith("表三 第") for p in places), places
    copy = httpx.get(report.find_element(By.CSS_SELECTOR, "a.download").get_attribute("href"))
    assert copy.status_code == 200 and "年报.html.校验.xlsx" in unquote(copy.headers["content-disposition"])
    assert openpyxl.load_workbook(io.BytesIO(copy.content))[RESULT_SHEET]

    browser.get(f"{server.url}/office")
    browser.find_element(By.ID, "name").send_keys("office")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.ID, "login").click()
    table_ = wait.until(lambda b: b.find_elements(By.ID, "agencies"))[0]
    [row] = [r for r in table_.find_elements(By.CSS_SELECTOR, "tbody tr") if "某县甲局" in r.text]
    cells = {td.get_attribute("data-kind"): td.text for td in row.find_elements(By.CSS_SELECTOR, "td[data-kind]")}
    assert cells == {"fixed": "2", "new": "2", "open": "2", "explained": "0", "accepted": "0"}
    row.find_element(By.TAG_NAME, "a").click()
    changes = wait.until(lambda b: b.find_elements(By.ID, "changes"))[0]
    assert "已改正 2" in changes.text and "甲局.xlsx" in changes.text
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
