"""report.html's 本轮变化 says what 汇总.xlsx's says of the file each report was compared with (此前报送的文件: an
agency renamed under its 统一社会信用代码, a code changed under the same name, two files of one agency in a round), in
a batch with --since and on the service; and only the batch, which has rounds to be absent from, speaks of 未重新报送
(docs/server.md「与逐轮批量校验的不同」)."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest
from batch_set import T3, agency
from builders import build
from test_rounds_consistency import _batch, _service, _sheet, _upload
from test_serve import login
from test_serve_rounds import table

from validator.batch.rows import NOT_RESUBMITTED, PREVIOUS_FILE

CODES = {"甲": "11330521MB0000401", "乙": "11330521MB0000402", "丙": "11330521MB0000403", "丁": "11330521MB0000404"}
UNBALANCED = {T3.cell_key("new", "natural"): 99}


def _rounds(root: Path) -> tuple[Path, Path]:
    """Round 1: 甲乙丁 once, 丙 twice (the second corrected). Round 2: 甲 renamed under its code, 乙 under its name with
    another code, 丙 once; 丁 silent."""
    one, two = root / "第1轮", root / "第2轮"
    one.mkdir()
    two.mkdir()
    for key in ("甲", "乙", "丁"):
        build(one / f"{key}局.xlsx", agency(f"某县{key}局", CODES[key], **UNBALANCED))
    build(one / "丙局.xlsx", agency("某县丙局", CODES["丙"], **UNBALANCED))
    build(one / "丙局（更正）.xlsx", agency("某县丙局", CODES["丙"]))
    build(two / "甲局.xlsx", agency("某县甲局（本级）", CODES["甲"]))
    build(two / "乙局.xlsx", agency("某县乙局", "11330521MB0000499"))
    build(two / "丙局.xlsx", agency("某县丙局", CODES["丙"]))
    return one, two


def _previous(report_html: str, summary: bytes | Path) -> tuple[dict[str, str], dict[str, str]]:
    """Each agency's 此前报送的文件 in report.html's 本轮变化, and in 汇总.xlsx's."""
    html = {r["机关名称"]: r[PREVIOUS_FILE] for r in table(report_html, "rounds")}
    xlsx = {r["机关名称"]: r[PREVIOUS_FILE] for r in _sheet(summary, "本轮变化")}
    return html, xlsx


@pytest.fixture(scope="module")
def rounds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    root = tmp_path_factory.mktemp("report-rounds")
    one, two = _rounds(root)
    return root, one, two


def test_batch_report_html_says_what_the_summary_says_of_the_file_compared_with(rounds) -> None:
    root, one, two = rounds
    out1, out2 = root / "第1轮结果", root / "第2轮结果"
    _batch(one, out1)
    _batch(two, out2, "--since", out1)
    page = (out2 / "report.html").read_text("utf-8")
    html, xlsx = _previous(page, out2 / "汇总.xlsx")
    assert html == xlsx
    assert "机关名称此前为 某县甲局" in html["某县甲局（本级）"]
    assert "统一社会信用代码此前为" in html["某县乙局"]
    assert "该单位在该轮另有" in html["某县丙局"]
    assert html["某县丁局"] == "第1轮/丁局.xlsx"  # not resubmitted: its last file, compared with when it is
    statuses = {r["机关名称"]: r["状态"] for r in table(page, "rounds")}
    assert statuses["某县丁局"] == NOT_RESUBMITTED  # a batch with --since keeps who did not resubmit
    assert f'<option value="absent">{NOT_RESUBMITTED}</option>' in page


def test_the_services_report_has_the_file_compared_with_and_no_agency_not_resubmitted(rounds) -> None:
    root, one, two = rounds
    with _service(root / "服务数据") as client:
        for folder in (one, two):
            for path in sorted(folder.iterdir()):
                _upload(client, path.name, path)
        login(client)
        page = client.get("/office/report").text
        html, xlsx = _previous(page, client.get("/office/汇总.xlsx").content)
    assert html == xlsx and len(html) == 3  # 甲乙丙 have earlier versions; 丁 only its first
    assert "机关名称此前为 某县甲局" in html["某县甲局（本级）"]
    assert "统一社会信用代码此前为" in html["某县乙局"]
    # every agency is listed with its latest version: no 未重新报送 card, filter, sentence or row
    assert NOT_RESUBMITTED not in lxml.html.fromstring(page).text_content()
    assert NOT_RESUBMITTED not in page
