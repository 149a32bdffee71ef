"""Four rounds in which agencies skip rounds: each round compares an agency with its latest submission in any earlier
round (not only the previous one), keeps the office's decisions made where it last submitted, and lists as 未重新报送
every agency of the earlier rounds that is missing, with the round it last submitted in. Each round is given only the
previous round's output folder (--since) and 汇总.xlsx (--decisions)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import lxml.html
import openpyxl
import pytest
from batch_set import T3, agency
from builders import build

from validator.cli import main

E1 = {T3.cell_key("new", "natural"): 99}  # EQ01 and EQ03 on 表三!D5 (errors)
W1 = {"other_matters": "本年度没有其他需要报告的事项。"}  # TX02 (a warning)
W2 = {"t2_1.normative.current": 1}  # PL02 (a warning)
EQ = {"EQ01", "EQ03"}
JIA, YI, BING, DING, WU = (f"某县{c}局" for c in "甲乙丙丁戊")
CODES = {JIA: "11330521MB0000001", YI: "11330521MB0000002", BING: "11330521MB0000003", DING: "11330521MB0000004",
         WU: "11330521MB0000005"}  # fmt: skip
# What each agency sends in which round: 甲 skips round 2 and comes back in round 3 with PL02 fixed; 乙 comes back
# only in round 4, unchanged; 丁 stops after round 2; 戊 never comes back.
SENT = {
    1: {JIA: (E1, W2), YI: (W1,), BING: (), DING: (), WU: ()},
    2: {BING: (), DING: ()},
    3: {JIA: (E1,), BING: ()},
    4: {YI: (W1,), BING: ()},
}
NOTE = "系统口径差异，同意"


def _decide(summary: Path, decisions: dict[tuple[str, str], str]) -> None:
    """The office accepts findings of 问题明细 by (agency, rule), with a note."""
    wb = openpyxl.load_workbook(summary)
    ws = wb["问题明细"]
    col = {c.value: i + 1 for i, c in enumerate(ws[1])}
    for row in range(2, ws.max_row + 1):
        key = (ws.cell(row, col["机关名称"]).value, ws.cell(row, col["规则"]).value)
        if key in decisions:
            ws.cell(row, col["处理意见"]).value, ws.cell(row, col["处理说明"]).value = decisions[key], NOTE
    wb.save(summary)


@pytest.fixture(scope="module")
def rounds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path], list[int]]:
    root = tmp_path_factory.mktemp("skipped")
    outs, codes = [], []
    for number, sent in SENT.items():
        folder = root / f"第{number}轮"
        folder.mkdir()
        for name, changes in sent.items():
            values = agency(name, CODES[name])
            for change in changes:
                values |= change
            build(folder / f"{name}.xlsx", values)
        options = []
        if outs:  # the previous round's folder only (round 4 names its results.jsonl), and its 汇总.xlsx
            since = outs[-1] / "results.jsonl" if number == 4 else outs[-1]
            options = ["--since", str(since), "--decisions", str(outs[-1] / "汇总.xlsx")]
        outs.append(root / f"结果{number}")
        codes.append(main(["batch", str(folder), "--out", str(outs[-1]), "--jobs", "2", *options]))
        if number == 1:  # accepted in round 1, when 甲 and 乙 last submitted before coming back
            _decide(outs[0] / "汇总.xlsx", {(JIA, "EQ01"): "接受", (JIA, "EQ03"): "接受", (YI, "TX02"): "接受"})
    return root, outs, codes


def _results(out: Path) -> dict[str, dict]:
    docs = map(json.loads, (out / "results.jsonl").read_text("utf-8").splitlines())
    return {d["agency"]["agency_name"]: d for d in docs}


def _rows(path: Path, sheet: str) -> list[dict]:
    rows = list(openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def _rules(doc: dict, ids: list[str], earlier: dict) -> set[str]:
    rules = {f["id"]: f["rule"] for f in (*doc["findings"], *earlier["findings"])}
    return {rules[i] for i in ids}


def test_an_agency_back_after_skipping_rounds_is_compared_with_its_last_submission(rounds):
    _, outs, codes = rounds
    first, third = _results(outs[0]), _results(outs[2])
    jia = third[JIA]
    assert jia["round"]["previous"] == f"第1轮/{JIA}.xlsx" and jia["round"].get("previous_round") == str(outs[0])
    kinds = {k: _rules(jia, jia["round"][k], first[JIA]) for k in ("fixed", "new", "open", "explained", "accepted")}
    assert kinds == {"fixed": {"PL02"}, "new": set(), "open": set(), "explained": set(), "accepted": EQ}
    assert {f["rule"]: f["decision"] for f in jia["findings"]} == {
        r: {"by": "office", "value": "accept", "note": NOTE} for r in EQ
    }  # decided in round 1's 汇总.xlsx, carried through round 2, which 甲 skipped
    assert jia["open_errors"] == 0 and jia["settled"]["accepted"] == 2
    yi = _results(outs[3])[YI]  # away for two rounds
    assert yi["round"]["previous"] == f"第1轮/{YI}.xlsx" and yi["round"].get("previous_round") == str(outs[0])
    assert _rules(yi, yi["round"]["accepted"], first[YI]) == {"TX02"} and yi["round"]["new"] == []
    assert [(f["state"], f["decision"]["value"]) for f in yi["findings"]] == [("accepted", "accept")]
    assert codes == [1, 0, 0, 0]  # round 1: 甲's errors; later rounds: accepted where they were decided


def test_the_summary_lists_every_agency_of_earlier_rounds_not_resubmitted(rounds):
    _, outs, _ = rounds
    absent, ok = "未重新报送", "通过"
    r1, r2, r3 = str(outs[0]), str(outs[1]), str(outs[2] / "results.jsonl")  # round 4 was given 结果3/results.jsonl
    expected = {  # agency: (状态, 此前最后报送于, 此前报送的文件)
        2: {JIA: (absent, r1, f"第1轮/{JIA}.xlsx"), YI: (absent, r1, f"第1轮/{YI}.xlsx"),
            WU: (absent, r1, f"第1轮/{WU}.xlsx"), BING: (ok, r1, f"第1轮/{BING}.xlsx"),
            DING: (ok, r1, f"第1轮/{DING}.xlsx")},
        3: {DING: (absent, r2, f"第2轮/{DING}.xlsx"), YI: (absent, r1, f"第1轮/{YI}.xlsx"),
            WU: (absent, r1, f"第1轮/{WU}.xlsx"), BING: (ok, r2, f"第2轮/{BING}.xlsx"),
            JIA: (ok, r1, f"第1轮/{JIA}.xlsx")},
        4: {JIA: (absent, r3, f"第3轮/{JIA}.xlsx"), DING: (absent, r2, f"第2轮/{DING}.xlsx"),
            WU: (absent, r1, f"第1轮/{WU}.xlsx"), BING: (ok, r3, f"第3轮/{BING}.xlsx"),
            YI: (ok, r1, f"第1轮/{YI}.xlsx")},
    }  # fmt: skip
    for number, wanted in expected.items():
        rows = _rows(outs[number - 1] / "汇总.xlsx", "本轮变化")
        assert {r["机关名称"]: r["状态"] for r in rows} == {name: row[0] for name, row in wanted.items()}, number
    for number, wanted in expected.items():
        rows = _rows(outs[number - 1] / "汇总.xlsx", "本轮变化")
        got = {r["机关名称"]: (r["状态"], r["此前最后报送于"], r["此前报送的文件"]) for r in rows}
        assert got == wanted, number
        tree = lxml.html.parse(str(outs[number - 1] / "report.html"))
        head = [th.text_content() for th in tree.xpath('//table[@id="rounds"]/thead/tr/th')]
        html = {
            cells[0]: (cells[head.index("状态")], cells[head.index("此前最后报送于")])
            for cells in ([td.text_content() for td in tr.xpath("./td")] for tr in tree.xpath('//table[@id="rounds"]/tbody/tr'))
        }  # fmt: skip
        assert html == {name: (state, last) for name, (state, last, _) in wanted.items()}, number


def test_decisions_on_a_returning_agency_reach_the_next_summary(rounds):
    _, outs, _ = rounds
    details = _rows(outs[2] / "汇总.xlsx", "问题明细")
    decided = {(r["机关名称"], r["规则"]): (r["级别"], r["处理意见"], r["处理说明"]) for r in details}
    assert decided == {(JIA, r): ("错误·已接受", "接受", NOTE) for r in EQ}


def test_a_rerun_without_since_leaves_no_carried_agencies(rounds, tmp_path: Path):
    root, outs, _ = rounds
    again = shutil.copytree(outs[2], tmp_path / "结果3")
    assert (again / "earlier_rounds.jsonl").is_file()
    assert main(["batch", str(root / "第3轮"), "--out", str(again), "--jobs", "1"]) == 0
    assert not (again / "earlier_rounds.jsonl").exists()
    assert "本轮变化" not in openpyxl.load_workbook(again / "汇总.xlsx").sheetnames
