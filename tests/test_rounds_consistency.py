"""A season of rounds as the office lives it, followed twice: with `nianbao batch --since` round by round, and on the
intranet service (`nianbao serve`) as the agencies upload and the office reads the dashboard. Both must tell the
office the same per agency and round (status, the rules failed, what changed since its previous report, which report
that was), and each report checked alone finds what the rounds find; where they differ by design (the service takes
no 处理意见, carries no 单位说明 between versions, has no rounds to be absent from) the difference is asserted as
docs/server.md and docs/rounds.md state it.

Fifteen agencies 第1局..第15局. Round 1: 1-6 balanced, 7-10 with an unbalanced 表三, 11 an unreadable file, 12 表二 in
the 2019 trial format, 13 two files (the second corrected), 14 a wrong 统一社会信用代码. Round 2: 1 newly broken, 2
renamed its file, 5 renamed itself under its code, 7 fixed, 8 fixed half, 9 unchanged (the office accepted its errors
in round 1), 10 its annotated copy with 单位说明, 11 readable, 12 in the 2021 format, 13 once, 14 its code corrected;
3, 4, 6 silent. Round 3: 3 back, 9 and 10 unchanged (10's original, no explanations; the office accepted one of its
errors and sent the other back), 15 late and unbalanced."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath

import lxml.html
import openpyxl
import pytest
from batch_set import T3, agency
from builders import build
from starlette.testclient import TestClient
from test_rounds_decisions_carried import _decide
from test_rounds_explain import explain
from test_serve import PASSWORD, login
from test_serve_rounds import table

from validator.batch.store import read_jsonl
from validator.cli import main
from validator.server.app import Settings, create_app

KINDS = ("已改正", "新出现", "仍存在", "已说明", "已接受")
EQ = {"EQ01", "EQ03"}


def _name(n: int) -> str:
    return f"某县第{n}局"


def _report(n: int, name: str | None = None, **unbalanced: int) -> dict[str, object]:
    """第n局's balanced report, with 表三「一、本年新收」 of the given columns changed (EQ01 and EQ03 there)."""
    changes = {T3.cell_key("new", col): value for col, value in unbalanced.items()}
    return agency(name or _name(n), f"11330521MB00003{n:02d}", **changes)


def _write_rounds(root: Path) -> dict[int, Path]:
    folders = {n: root / f"第{n}轮" for n in (1, 2, 3)}
    for folder in folders.values():
        folder.mkdir()
    one, two, three = folders.values()
    for n in range(1, 7):
        build(one / f"第{n}局.xlsx", _report(n))
    build(one / "第7局.xlsx", _report(7, natural=99))
    build(one / "第8局.xlsx", _report(8, natural=99, commercial=77))
    for n in (9, 10):
        build(one / f"第{n}局.xlsx", _report(n, natural=99))
    (one / "第11局.xlsx").write_bytes(b"not a workbook")
    build(one / "第12局.xlsx", _report(12), trial_2019=True)
    build(one / "第13局.xlsx", _report(13, natural=99))
    build(one / "第13局（更正）.xlsx", _report(13))
    build(one / "第14局.xlsx", agency(_name(14), "11330521MB0000341"))  # another agency's code, by mistake
    build(two / "第1局.xlsx", _report(1, natural=99))
    build(two / "2局年报.xlsx", _report(2))
    build(two / "第5局.xlsx", _report(5, name="某县第5局（本级）"))
    build(two / "第7局.xlsx", _report(7))
    build(two / "第8局.xlsx", _report(8, commercial=77))
    build(two / "第9局.xlsx", _report(9, natural=99))
    for n in (11, 12, 13, 14):
        build(two / f"第{n}局.xlsx", _report(n))
    build(three / "第3局.xlsx", _report(3))
    for n in (9, 10):
        build(three / f"第{n}局.xlsx", _report(n, natural=99))
    build(three / "第15局.xlsx", _report(15, natural=99))
    return folders


def _batch(folder: Path, out: Path, *options: object) -> int:
    return main(["batch", str(folder), "--out", str(out), "--jobs", "1", *map(str, options)])


def _sheet(workbook: bytes | Path, name: str) -> list[dict[str, object]]:
    wb = openpyxl.load_workbook(io.BytesIO(workbook) if isinstance(workbook, bytes) else workbook)
    if name not in wb.sheetnames:
        return []
    header, *rows = wb[name].values
    return [dict(zip(header, row)) for row in rows]


def _told(docs: list[dict], summary: bytes | Path) -> dict[str, dict]:
    """What the office is told of each agency's latest report: its status in 汇总, the findings (rule, cell, state),
    the counts of 本轮变化 and the file compared with (its name)."""
    status = {r["机关名称"] or PurePosixPath(r["文件"]).name: r["状态"] for r in _sheet(summary, "汇总")}
    changes = {r["机关名称"]: r for r in _sheet(summary, "本轮变化") if r["状态"] != "未重新报送"}
    told = {}
    for d in docs:
        name = (d.get("agency") or {}).get("agency_name") or PurePosixPath(d["file"]).name
        row = changes.get(name)
        told[name] = {
            "status": status.get(name, d["status"]),
            "findings": sorted((f["rule"], f["cell"], f["state"]) for f in d.get("findings", [])),
            "changes": tuple(row[k] for k in KINDS) if row else None,
            "previous": PurePosixPath((d.get("round") or {}).get("previous") or "").name or None,
        }
    return told


def _service(data: Path) -> TestClient:
    """The service on a new data folder with the office's account, to be entered as a context."""
    proc = subprocess.run(
        [sys.executable, "-m", "validator", "serve", "--data", str(data), "--add-user", "office"],
        input=PASSWORD + "\n", capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return TestClient(create_app(Settings(data, workers=1)))


def _upload(client: TestClient, name: str, path: Path) -> str:
    """An agency uploads `path` as `name` (without the office's login); the submission's id."""
    client.cookies.clear()
    answer = client.post("/api/check", files=[("file", (name, path.read_bytes()))])
    assert answer.status_code == 200, answer.text
    return answer.json()["results"][0]["submission"]


@pytest.fixture(scope="module")
def season(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The three rounds checked by the command line and uploaded to the service; after each round, what each says."""
    root = tmp_path_factory.mktemp("season")
    folders = _write_rounds(root)
    outs = {n: root / f"第{n}轮结果" for n in (1, 2, 3)}
    said: dict = {"folders": folders, "outs": outs, "cli": {}, "served": {}, "dashboard": {}, "codes": {}}
    with _service(root / "服务数据") as client:
        for n, folder in folders.items():
            if n == 2:  # 第10局 sends back its round-1 copy, explained; the office accepts 第9局's errors
                copy = outs[1] / next(d["annotated"] for d in read_jsonl(outs[1] / "results.jsonl")
                                      if d["file"].endswith("/第10局.xlsx"))  # fmt: skip
                shutil.copy(copy, folder / "第10局.校验.xlsx")
                explain(folder / "第10局.校验.xlsx", dict.fromkeys(EQ, "系统统计口径"))
                assert _decide(outs[1] / "汇总.xlsx", {(_name(9), rule): "接受" for rule in EQ}) == 2
            if n == 3:  # on 第10局's explained errors: one accepted, one sent back
                assert _decide(outs[2] / "汇总.xlsx", {(_name(10), "EQ01"): "接受", (_name(10), "EQ03"): "退回"}) == 2
            since = ("--since", outs[n - 1]) if n > 1 else ()
            said["codes"][n] = _batch(folder, outs[n], *since)
            said["cli"][n] = _told(list(read_jsonl(outs[n] / "results.jsonl")), outs[n] / "汇总.xlsx")
            client.cookies.clear()  # the agencies upload without the office's login
            for path in sorted(folder.iterdir()):
                answer = client.post("/api/check", files=[("file", (path.name, path.read_bytes()))])
                assert answer.status_code == 200 and not answer.json()["skipped"], answer.text
            login(client)
            docs = [json.loads(line) for line in client.get("/office/results.jsonl").text.splitlines()]
            said.setdefault("served summary", {})[n] = client.get("/office/汇总.xlsx").content
            said["served"][n] = _told(docs, said["served summary"][n])
            dashboard = client.get("/office").text
            said["dashboard"][n] = table(dashboard, "agencies")
            said.setdefault("dashboard words", {})[n] = lxml.html.fromstring(dashboard).text_content()
            listed = client.get("/api/submissions").json()["submissions"]
            latest = next(s["submission"] for s in listed if s["agency"] == _name(10))  # newest first
            said.setdefault("page of 第10局", {})[n] = client.get(f"/office/submissions/{latest}").text
            if n == 2:
                latest = next(s["submission"] for s in listed if s["agency"] == _name(11))
                page = lxml.html.fromstring(client.get(f"/office/submissions/{latest}").text)
                said["page of 第11局"] = {n: page.text_content()}
    return said


def test_the_rounds_run_as_the_office_expects(season: dict) -> None:
    assert season["codes"] == {1: 2, 2: 1, 3: 1}  # round 1: an unreadable file; then errors


@pytest.mark.parametrize("n", [1, 2, 3])
def test_the_service_tells_each_agency_what_the_rounds_tell(season: dict, n: int) -> None:
    """Every agency that reported in round n: the same status, findings, changes and file compared with, on the
    dashboard's downloads as in the round's results, but for the differences the docs state."""
    cli, served = season["cli"][n], season["served"][n]
    expected = {name: dict(told) for name, told in cli.items()}
    if n == 1:  # 第13局's two files: on the service the second is its second version (no XY03, compared with the first)
        expected[_name(13)] = cli[_name(13)] | {
            "findings": [], "changes": (2, 0, 0, 0, 0), "previous": "第13局.xlsx"}  # fmt: skip
    open_eq = [("EQ01", "表三!D5", "open"), ("EQ03", "表三!D5", "open")]
    if n == 2:  # the service makes no comparisons across reports (XY): 第13局's XY03 of round 1 is not 已改正 there
        assert cli[_name(13)]["changes"] == (1, 0, 0, 0, 0) and cli[_name(13)]["previous"] == "第13局（更正）.xlsx"
        expected[_name(13)] |= {"changes": (0, 0, 0, 0, 0)}
    # an agency's first version, or its first read, is compared with nothing on the service: it is not in 本轮变化,
    # where the rounds list it with every finding new (此前各轮均无该单位, or 此前报送的该文件无法读取，未比较)
    firsts = {2: [_name(11)], 3: [_name(15)]}.get(n, [])
    for name in firsts:
        assert cli[name]["changes"] == (0, len(cli[name]["findings"]), 0, 0, 0) and cli[name]["previous"] is None
        expected[name] |= {"changes": None}
    if n > 1:  # the service takes no 处理意见 (docs/server.md「处理意见」): 第9局's accepted errors stay open there
        assert cli[_name(9)]["changes"] == (0, 0, 0, 0, 2)
        expected[_name(9)] |= {"status": "有错误", "findings": open_eq, "changes": (0, 0, 2, 0, 0)}
    if n == 3:  # nor carries 单位说明 between versions: 第10局's original has none, its errors are open again there
        assert cli[_name(10)]["changes"] == (0, 0, 1, 0, 1)  # EQ01 accepted, EQ03 sent back: its explanation is moot
        expected[_name(10)] |= {"findings": open_eq, "changes": (0, 0, 2, 0, 0)}
    for name, told in expected.items():
        assert served[name] == told, name


def test_an_unreadable_file_is_followed_by_the_next_file_of_its_name_on_the_service(season: dict) -> None:
    """第11局's round-1 file could not be read; its round-2 file of the same name can. The rounds follow it by its
    name (本轮变化: 此前报送的该文件无法读取，未比较) and no unreadable report is left; so does the service: the unreadable upload
    is the agency's earlier version, not an unidentified row of its own ever after."""
    assert season["cli"][1]["第11局.xlsx"]["status"] == "无法读取"
    assert "第11局.xlsx" not in season["cli"][2] and "第11局.xlsx" not in season["served"][2]
    for n in (2, 3):
        rows = {r["机关名称"]: r for r in season["dashboard"][n]}
        assert "（未识别）" not in rows
        assert (rows[_name(11)]["状态"], rows[_name(11)]["版本数"]) == ("通过", "2")
        assert [rows[_name(11)][k] for k in KINDS] == ["—"] * 5  # its first version could not be read
    for words in (season["dashboard words"][2], season["page of 第11局"][2]):  # what — stands for
        assert "此前的版本都无法读取" in words and "只有一个版本）" not in words


def test_agencies_not_resubmitted_are_the_ones_the_dashboard_shows_unchanged(season: dict) -> None:
    """The rounds list who sent nothing (未重新报送, by their last round); the service, without rounds, shows their
    latest version as it was: the same agencies, with the status of that version."""
    for n in (2, 3):
        absent = {
            r["机关名称"]: r for r in _sheet(season["outs"][n] / "汇总.xlsx", "本轮变化") if r["状态"] == "未重新报送"
        }
        assert set(absent) == {name for name in season["served"][n] if name not in season["cli"][n]}
        for name, row in absent.items():
            last = next(m for m in (2, 1) if name in season["cli"][m] and m < n)
            assert row["此前最后报送于"] == str(season["outs"][last])
            assert season["served"][n][name]["status"] == season["served"][last][name]["status"]


def test_each_report_checked_alone_finds_what_its_round_finds(season: dict, capsys: pytest.CaptureFixture) -> None:
    """`nianbao check` on each file of each round finds the findings of the round's results (but the comparisons
    across reports, XY); with --decisions naming the previous round's 汇总.xlsx, as an agency checks itself, each in
    the state the round gives it (accepted, or sent back)."""
    for n, folder in season["folders"].items():
        rounds = {d["file"]: d for d in read_jsonl(season["outs"][n] / "results.jsonl")}
        for path in sorted(folder.iterdir()):
            batch = rounds[f"{folder.name}/{path.name}"]
            within = [(f["id"], f["rule"], f["cell"], f["state"]) for f in batch["findings"] if f["rule"][:2] != "XY"]
            decided = ("--decisions", season["outs"][n - 1] / "汇总.xlsx") if n > 1 else ()
            for options in {(), decided}:
                capsys.readouterr()
                main(["check", str(path), "--no-annotate", "--format", "json", *map(str, options)])
                [alone] = json.loads(capsys.readouterr().out)["results"]
                assert alone["status"] == batch["status"], path
                found = [(f["id"], f["rule"], f["cell"], f["state"]) for f in alone["findings"]]
                assert found == within if options == decided else [f[:3] for f in found] == [f[:3] for f in within]


def test_an_agency_is_compared_with_its_own_version_not_with_an_unnamed_file_of_its_name(tmp_path: Path) -> None:
    """第7局 uploads 年报.xlsx unbalanced; someone uploads a 年报.xlsx that names no agency; 第7局 uploads 年报.xlsx
    fixed. As the rounds would (the unnamed file matches no agency; 第7局 its own earlier report), the unnamed file
    stands alone until the next 年报.xlsx, then is an earlier version of it; 第7局's last version is compared with
    its first (2 fixed), not with the unnamed one."""
    versions = [_report(7, natural=99), _report(7) | {"agency_name": None, "credit_code": None}, _report(7)]
    with _service(tmp_path / "服务数据") as client:
        rows, ids = [], []
        for n, values in enumerate(versions, 1):
            build(tmp_path / f"{n}.xlsx", values)
            ids.append(_upload(client, "年报.xlsx", tmp_path / f"{n}.xlsx"))
            login(client)
            rows.append({r["机关名称"]: r for r in table(client.get("/office").text, "agencies")})
        listed = {s["submission"]: s["changes"] for s in client.get("/api/submissions").json()["submissions"]}
    assert rows[1]["（未识别）"]["版本数"] == "1" and rows[1][_name(7)]["版本数"] == "1"
    [row] = rows[2].values()
    assert (row["机关名称"], row["版本数"]) == (_name(7), "3")
    assert [row[k] for k in KINDS] == ["2", "0", "0", "0", "0"]
    assert listed[ids[2]]["previous"] == ids[0] and listed[ids[1]] is None


def test_a_version_compared_with_an_unnamed_file_of_its_name_is_said_to_be_so(tmp_path: Path) -> None:
    """乙局's first upload gives neither 机关名称 nor 统一社会信用代码, its second (same file name) both: compared by
    the file name, as 本轮变化 says (按文件名对应); the agency's page does not say that the two versions had the same
    name, or the same code, and that the other changed."""
    build(tmp_path / "1.xlsx", _report(2) | {"agency_name": None, "credit_code": None})
    build(tmp_path / "2.xlsx", _report(2))
    with _service(tmp_path / "服务数据") as client:
        first, second = (_upload(client, "乙局.xlsx", tmp_path / f"{n}.xlsx") for n in (1, 2))
        login(client)
        page = lxml.html.fromstring(client.get(f"/office/submissions/{second}").text)
        summary = client.get("/office/汇总.xlsx").content
    assert page.xpath('//p[@id="changes"]//a/@href') == [f"/office/submissions/{first}"]
    assert "按文件名" in page.xpath('//p[@id="by-file-name"]')[0].text_content()
    assert not page.xpath('//p[@id="credit-code"]') and not page.xpath('//p[@id="agency-name"]')
    [row] = _sheet(summary, "本轮变化")
    assert row["此前报送的文件"] == "乙局.xlsx（该报告未填写机关名称和统一社会信用代码，按文件名对应）"


def test_the_changes_are_said_to_count_an_explained_error_as_an_error(season: dict) -> None:
    """Round 2: 第10局 explained both its errors and is still 有错误 (an explained error waits for the office), in
    the rounds as on the service; the words above the changes (report.html, the agency's page) say so, not that
    explained findings are no longer errors."""
    assert season["cli"][2][_name(10)]["status"] == season["served"][2][_name(10)]["status"] == "有错误"
    assert season["cli"][2][_name(10)]["changes"] == (0, 0, 0, 2, 0)
    report = lxml.html.parse(season["outs"][2] / "report.html").getroot()
    [words] = [p.text_content() for p in report.xpath('//h2[text()="本轮变化"]/following-sibling::p[1]')]
    page = lxml.html.fromstring(season["page of 第10局"][2]).xpath('//p[@id="changes"]')[0].text_content()
    for said in (words, page):
        assert "已说明的错误仍计为错误，直到政务公开办接受" in said and "已说明、已接受的问题不计入错误" not in said


def test_the_first_errors_are_told_in_sentences(season: dict) -> None:
    """汇总「主要错误」and report.html quote an agency's first errors, each ending in 。, one after another."""
    [row] = [r for r in _sheet(season["outs"][2] / "汇总.xlsx", "汇总") if r["机关名称"] == _name(1)]
    assert row["主要错误"].count("表三!D5：") == 2 and "。；" not in row["主要错误"] and row["主要错误"].endswith("。")


def test_a_file_unreadable_two_rounds_ago_is_not_said_to_be_of_the_last_round(tmp_path: Path) -> None:
    """乙局's round-1 file could not be read; it sent nothing in round 2 (carried, by its name) and a readable file of
    that name in round 3: 本轮变化 says the file sent before could not be read, not that round 2's could not."""
    folders = [tmp_path / f"第{n}轮" for n in (1, 2, 3)]
    for folder in folders:
        folder.mkdir()
    (folders[0] / "乙局.xlsx").write_bytes(b"not a workbook")
    for folder in folders[:2]:
        build(folder / "甲局.xlsx", _report(1))
    build(folders[2] / "乙局.xlsx", _report(2))
    for n, folder in enumerate(folders, 1):
        since = ("--since", tmp_path / f"第{n - 1}轮结果") if n > 1 else ()
        _batch(folder, tmp_path / f"第{n}轮结果", *since)
    [row] = [r for r in _sheet(tmp_path / "第3轮结果" / "汇总.xlsx", "本轮变化") if r["机关名称"] == _name(2)]
    assert row["此前报送的文件"] == "第1轮/乙局.xlsx（此前报送的该文件无法读取，未比较，本轮的问题均计为新出现）"


def test_the_region_totals_differ_by_the_accepted_report_only(season: dict) -> None:
    """After round 3 both sum each agency's latest report that passes: the rounds also 第9局's, whose errors the office
    accepted (the service takes no decisions); the others are the same reports, whether sent this round or before."""
    said = {}
    for source, summary in (("cli", season["outs"][3] / "汇总.xlsx"), ("served", season["served summary"][3])):
        wb = openpyxl.load_workbook(io.BytesIO(summary) if isinstance(summary, bytes) else summary)
        said[source] = wb["全区合计"]["A2"].value
    assert said["cli"].startswith("纳入合计：12 份") and "其中 10 份是本轮未重新报送的单位此前报送的" in said["cli"]
    assert said["served"].startswith("纳入合计：11 份") and "未纳入：4 份" in said["served"]
