"""One notion of "the same agency" for a batch's duplicates (XY03), 全区合计, 规则统计, the rounds and the service:
a clerk copies a neighbour's filled report and keeps its 统一社会信用代码, then corrects it; another agency first
uploads without a code. Two agencies are never one, one agency is never two, and none is lost between rounds."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import openpyxl
import pytest
from batch_set import agency
from builders import build
from starlette.testclient import TestClient
from test_serve import client, data, login, upload

from validator.cli import main
from validator.forms.sample import valid_credit_code

__all__ = ["client", "data"]
C01, C42, C43, C44 = (valid_credit_code(f"11330521MB00000{n:02d}") for n in (1, 42, 43, 44))
SHARED = "本报告的统一社会信用代码 {code} 与本批中 {other}（{name}）的相同，但机关名称不同，两者按不同单位分别统计"


def report(n: int, code: str | None, **changes: object) -> dict:
    return agency(f"某县第{n:02d}局", "11330521MB0000000") | {"credit_code": code} | changes


def batch(root: Path, number: int, files: dict[str, dict], *options: str) -> Path:
    folder, out = root / f"第{number}轮", root / f"结果{number}"
    folder.mkdir()
    for name, values in files.items():
        build(folder / name, values)
    main(["batch", str(folder), "--out", str(out), "--jobs", "1", *options])
    return out


def results(out: Path) -> dict[str, dict]:
    docs = [json.loads(line) for line in (out / "results.jsonl").read_text("utf-8").splitlines()]
    return {Path(d["file"]).name: d for d in docs}


def sheet(out: Path, name: str) -> list[dict[str, object]]:
    ws = openpyxl.load_workbook(out / "汇总.xlsx")[name]
    header, *rows = ws.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


def summed(out: Path) -> str:
    ws = openpyxl.load_workbook(out / "汇总.xlsx")["全区合计"]
    return str(ws["A2"].value)


@pytest.fixture(scope="module")
def rounds(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Round 1: 第44局 typed 第43局's code; 第01局 sent two versions. Round 2: 第44局 corrected its code, 第43局 sent
    nothing. Round 3: 第43局 again."""
    root = tmp_path_factory.mktemp("identity")
    first = {
        "43.xlsx": report(43, C43),
        "44.xlsx": report(44, C43),
        "01.xlsx": report(1, C01),
        "01-更正.xlsx": report(1, C01, contact="李四"),
    }
    out1 = batch(root, 1, first)
    out2 = batch(root, 2, {"44.xlsx": report(44, C44), "01.xlsx": report(1, C01)}, "--since", str(root / "结果1"))
    out3 = batch(root, 3, {"43.xlsx": report(43, C43)}, "--since", str(out2))
    return [out1, out2, out3]


def test_a_shared_code_is_two_agencies_told_to_check_their_code(rounds: list[Path]) -> None:
    docs = results(rounds[0])
    xy03 = {name: [f for f in d["findings"] if f["rule"] == "XY03"] for name, d in docs.items()}
    [on43], [on44] = xy03["43.xlsx"], xy03["44.xlsx"]
    assert on43["message"].startswith(SHARED.format(code=C43, other="第1轮/44.xlsx", name="某县第44局"))
    assert on44["message"].startswith(SHARED.format(code=C43, other="第1轮/43.xlsx", name="某县第43局"))
    for finding in (on43, on44):
        assert "请核对统一社会信用代码" in finding["message"] and "撤下其余的" not in finding["message"]
        assert finding["cell"] == "封面!B3"  # the code's cell, marked in the annotated copy
    [on01] = xy03["01.xlsx"]
    assert on01["message"] == (
        "本批中另有同一机关的报告：第1轮/01-更正.xlsx（机关名称相同）。请确认哪一份是最终报送的版本，撤下其余的。"
    )
    # 第43局 and 第44局 both summed; of 第01局's two reports the last only
    assert summed(rounds[0]).startswith("纳入合计：3 份（2025 年度、校验通过，每个单位一份）；未纳入：1 份")
    [rule] = [r for r in sheet(rounds[0], "规则统计") if r["规则"] == "XY03"]
    assert (rule["涉及单位数"], rule["问题数"]) == (3, 4)  # 第43局, 第44局, 第01局 (two reports, one agency)


def test_an_agency_is_never_lost_when_another_corrects_the_code_it_shared(rounds: list[Path]) -> None:
    changes = {r["机关名称"]: r for r in sheet(rounds[1], "本轮变化")}
    assert changes["某县第43局"]["状态"] == "未重新报送"
    assert changes["某县第43局"]["此前报送的文件"] == "第1轮/43.xlsx"
    assert changes["某县第44局"]["此前报送的文件"] == (
        f"第1轮/44.xlsx；统一社会信用代码此前为 {C43}，本轮为 {C44}（按机关名称对应为同一单位）"
    )
    assert results(rounds[1])["44.xlsx"]["round"]["previous_credit_code"] == C43
    carried = [json.loads(line) for line in (rounds[1] / "earlier_rounds.jsonl").read_text("utf-8").splitlines()]
    assert [d["agency"]["agency_name"] for d in carried] == ["某县第43局"]
    # round 3: 第43局 compared with its round-1 report, not new
    [row] = [r for r in sheet(rounds[2], "本轮变化") if r["机关名称"] == "某县第43局"]
    assert (row["此前最后报送于"], row["此前报送的文件"]) == (str(rounds[0].parent / "结果1"), "第1轮/43.xlsx")


def test_an_agency_writing_its_name_otherwise_keeps_its_code_and_its_history(tmp_path: Path) -> None:
    """Round 2 writes the name otherwise (a rename, or just typed differently) under the same code, which no other
    agency gives: the same agency, compared with its round-1 report, not a new one beside a 未重新报送."""
    code = valid_credit_code("11330521MB0000005")
    first = batch(tmp_path, 1, {"05.xlsx": report(5, code)})
    second = batch(tmp_path, 2, {"05.xlsx": report(5, code, agency_name="某县第五局")}, "--since", str(first))
    assert results(second)["05.xlsx"]["round"]["previous"] == "第1轮/05.xlsx"
    assert [r["状态"] for r in sheet(second, "本轮变化")] != ["未重新报送"]
    assert not (second / "earlier_rounds.jsonl").exists() or not (second / "earlier_rounds.jsonl").read_text("utf-8")


def test_a_new_name_under_the_same_code_is_noted_as_a_changed_code_is(tmp_path: Path) -> None:
    """机构改革: round 2 under a new name with the same code (matched by the code), as 本轮变化 notes a code
    changed under the same name; a name written otherwise only in its spacing is not a change."""
    c05, c06 = (valid_credit_code(f"11330521MB00000{n:02d}") for n in (5, 6))
    first = batch(tmp_path, 1, {"05.xlsx": report(5, c05), "06.xlsx": report(6, c06)})
    renamed = {
        "05.xlsx": report(5, c05, agency_name="某县第五事务服务中心"),
        "06.xlsx": report(6, c06, agency_name="某县 第06局"),
    }
    second = batch(tmp_path, 2, renamed, "--since", str(first))
    changes = {r["机关名称"]: r["此前报送的文件"] for r in sheet(second, "本轮变化")}
    assert changes == {
        "某县第五事务服务中心": "第1轮/05.xlsx；机关名称此前为 某县第05局，本轮为 某县第五事务服务中心（按统一社会信用代码对应为同一单位）",
        "某县 第06局": "第1轮/06.xlsx",
    }
    assert results(second)["05.xlsx"]["round"]["previous_agency_name"] == "某县第05局"


def test_a_code_copied_in_a_later_round_does_not_take_another_agency(tmp_path: Path) -> None:
    """Round 2: 第13局 resubmits with 第12局's code (copied), 第12局 sends nothing: 第13局 is compared with its own
    report, and 第12局 stays 未重新报送, carried with its round-1 report (before, 第12局 vanished)."""
    c12, c13 = (valid_credit_code(f"11330521MB00000{n}") for n in (12, 13))
    first = batch(tmp_path, 1, {"12.xlsx": report(12, c12), "13.xlsx": report(13, c13)})
    second = batch(tmp_path, 2, {"13.xlsx": report(13, c12)}, "--since", str(first))
    assert results(second)["13.xlsx"]["round"]["previous"] == "第1轮/13.xlsx"
    changes = {r["机关名称"]: r["状态"] for r in sheet(second, "本轮变化")}
    assert changes["某县第12局"] == "未重新报送"
    carried = [json.loads(line) for line in (second / "earlier_rounds.jsonl").read_text("utf-8").splitlines()]
    assert [d["agency"]["agency_name"] for d in carried] == ["某县第12局"]


def test_the_service_tells_agencies_apart_as_the_rounds_do(client: TestClient, tmp_path: Path) -> None:
    """第42局 uploads without a code, then with it; 第44局 with 第43局's code, then corrected: three agencies."""
    ids = {}
    for name, values in {
        "第42局（无代码）": report(42, None),
        "第42局": report(42, C42),
        "第43局": report(43, C43),
        "第44局（代码填错）": report(44, C43),
        "第44局": report(44, C44),
    }.items():
        path = build(tmp_path / f"{name}.xlsx", values)
        ids[name] = upload(client, (path.name, path.read_bytes())).json()["results"][0]["submission"]
    login(client)
    office = lxml.html.fromstring(client.get("/office").text)
    assert office.xpath('string(//h2[@id="count"])') == "各单位最新提交（3 个单位）"
    listed = {s["submission"]: s["changes"] for s in client.get("/api/submissions").json()["submissions"]}
    assert listed[ids["第42局"]]["previous"] == ids["第42局（无代码）"]
    assert listed[ids["第44局"]]["previous"] == ids["第44局（代码填错）"]
    assert listed[ids["第43局"]] is None and listed[ids["第44局（代码填错）"]] is None  # 第43局 has one version
    page = lxml.html.fromstring(client.get(f"/office/submissions/{ids['第44局']}").text)
    assert page.xpath('string(//p[@id="credit-code"])').startswith(
        f"统一社会信用代码：上一版本为 {C43}，这一版本为 {C44}。两个版本的机关名称相同，按同一单位的两个版本比较"
    )
    history = page.xpath('//table[@id="history"]/tbody/tr/@data-id')
    assert history == [ids["第44局"], ids["第44局（代码填错）"]]
    page43 = lxml.html.fromstring(client.get(f"/office/submissions/{ids['第43局']}").text)
    assert page43.xpath('//table[@id="history"]/tbody/tr/@data-id') == [ids["第43局"]]
    (tmp_path / "汇总.xlsx").write_bytes(client.get("/office/汇总.xlsx").content)
    assert summed(tmp_path).startswith("纳入合计：3 份")


def test_the_same_agency_s_reports_of_other_years_are_no_duplicates(tmp_path: Path) -> None:
    """An agency's 2024 and 2025 reports in one batch are compared across the years, not called two versions of one
    report; a report without its year may still be one."""
    out = batch(
        tmp_path,
        1,
        {
            "2024.xlsx": report(1, C01, report_year=2024),
            "2025.xlsx": report(1, C01, report_year=2025),
            "未填年度.xlsx": report(1, C01, report_year=None),
        },
    )
    xy03 = {name: [f["message"] for f in d["findings"] if f["rule"] == "XY03"] for name, d in results(out).items()}
    assert (
        xy03["2024.xlsx"]
        == xy03["2025.xlsx"]
        == ["本批中另有同一机关的报告：第1轮/未填年度.xlsx（机关名称相同）。请确认哪一份是最终报送的版本，撤下其余的。"]
    )
    assert xy03["未填年度.xlsx"] == [
        "本批中另有同一机关的报告：第1轮/2024.xlsx、第1轮/2025.xlsx（机关名称相同）。请确认哪一份是最终报送的版本，撤下其余的。"
    ]


def test_a_code_typed_with_a_space_is_shown_as_typed_and_matched_as_the_code(tmp_path: Path) -> None:
    """The agency must correct a code typed with a space (CV01), so 汇总 shows it as typed; every column that tells
    agencies apart (XY03, 本轮变化, 全区合计) takes it as the code it is."""
    c07 = valid_credit_code("11330521MB0000007")
    spaced = f"{c07[:8]} {c07[8:]}"
    first = batch(tmp_path, 1, {"07.xlsx": report(7, c07)})
    second = batch(
        tmp_path,
        2,
        {"07.xlsx": report(7, spaced), "无名称.xlsx": report(7, c07, agency_name=None)},
        "--since",
        str(first),
    )
    rows = {r["文件"]: r for r in sheet(second, "汇总")}
    assert rows["第2轮/07.xlsx"]["统一社会信用代码"] == spaced
    docs = results(second)
    assert any(f["rule"] == "CV01" for f in docs["07.xlsx"]["findings"])
    [xy03] = [f["message"] for f in docs["无名称.xlsx"]["findings"] if f["rule"] == "XY03"]
    assert "第2轮/07.xlsx" in xy03 and "统一社会信用代码相同" in xy03
    changes = {r["机关名称"]: r["此前报送的文件"] for r in sheet(second, "本轮变化")}
    assert changes["某县第07局"] == "第1轮/07.xlsx"  # no 「统一社会信用代码此前为」: the same code
    assert summed(second).startswith("纳入合计：1 份") and "未纳入：1 份" in summed(second)  # one agency, counted once
    [rule] = [r for r in sheet(second, "规则统计") if r["规则"] == "XY03"]
    assert (rule["涉及单位数"], rule["问题数"]) == (1, 2)
