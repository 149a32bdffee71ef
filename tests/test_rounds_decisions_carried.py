"""The office's decisions carried from round to round through `nianbao batch`: those typed into the previous round's
汇总.xlsx with `--since` alone (the documented round-2 command), to an agency renamed between rounds (the same
统一社会信用代码), and over a rerun that reuses the results of unchanged files (after a kill too)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
from batch_set import T3, agency
from builders import build

from validator.batch.store import PROGRESS, read_jsonl
from validator.cli import EXIT_USAGE, main

ROOT = Path(__file__).resolve().parents[1]
E1 = {T3.cell_key("new", "natural"): 99}  # EQ01 and EQ03 on 表三!D5 (errors)
EQ = {"EQ01", "EQ03"}


def _code(n: int) -> str:
    return f"11330521MB00001{n:02d}"


def _decide(summary: Path, decisions: dict[tuple[str, str], str]) -> int:
    """The office types 处理意见 into 问题明细 for (agency, rule), "*" for every agency; returns how many rows."""
    wb = openpyxl.load_workbook(summary)
    ws = wb["问题明细"]
    col = {c.value: c.column for c in ws[1]}
    typed = 0
    for row in range(2, ws.max_row + 1):
        name, rule = ws.cell(row, col["机关名称"]).value, ws.cell(row, col["规则"]).value
        value = decisions.get((name, rule)) or decisions.get(("*", rule))
        if value:
            ws.cell(row, col["处理意见"]).value, typed = value, typed + 1
    wb.save(summary)
    return typed


def _results(out: Path) -> dict[str, dict]:
    return {d["agency"]["agency_name"]: d for d in read_jsonl(out / "results.jsonl")}


def _states(doc: dict) -> dict[str, str]:
    return {f["rule"]: f["state"] for f in doc["findings"]}


def _batch(folder: Path, out: Path, *options: object) -> int:
    return main(["batch", str(folder), "--out", str(out), "--jobs", "1", *map(str, options)])


def test_the_documented_round_two_command_keeps_round_ones_typed_decisions(tmp_path: Path, capsys):
    """docs/rounds.md: round 2 is `--since 第1轮结果` alone. The office accepted both agencies' errors in
    第1轮结果/汇总.xlsx; 甲局 resubmits unchanged, 乙局 skips round 2 and comes back in round 3."""
    r1, r2, r3 = (tmp_path / f"第{n}轮" for n in (1, 2, 3))
    for folder in (r1, r2, r3):
        folder.mkdir()
    jia, yi = agency("某县甲局", _code(1)[:17], **E1), agency("某县乙局", _code(2)[:17], **E1)
    build(r1 / "甲局.xlsx", jia), build(r1 / "乙局.xlsx", yi), build(r2 / "甲局.xlsx", jia), build(r3 / "乙局.xlsx", yi)
    out1, out2, out3 = (tmp_path / f"第{n}轮结果" for n in (1, 2, 3))
    assert _batch(r1, out1) == 1
    assert _decide(out1 / "汇总.xlsx", {("*", rule): "接受" for rule in EQ}) == 4
    capsys.readouterr()
    assert _batch(r2, out2, "--since", out1) == 0
    assert f"沿用上一轮 {out1 / '汇总.xlsx'} 中已填写的 4 条处理意见" in capsys.readouterr().err
    doc = _results(out2)["某县甲局"]
    assert _states(doc) == dict.fromkeys(EQ, "accepted") and set(doc["round"]["accepted"]) == {
        f["id"] for f in doc["findings"]
    }
    total = openpyxl.load_workbook(out2 / "汇总.xlsx")["全区合计"]["A2"].value
    assert total.startswith("纳入合计：2 份")  # 乙局's round-1 report, judged with its acceptance, too
    [carried] = read_jsonl(out2 / "earlier_rounds.jsonl")
    assert {d["rule"] for d in carried["decisions"]} == EQ
    assert _batch(r3, out3, "--since", out2) == 0
    assert _states(_results(out3)["某县乙局"]) == dict.fromkeys(EQ, "accepted")


def test_an_unusable_summary_in_the_since_folder_stops_the_run(tmp_path: Path, capsys):
    r1 = tmp_path / "第1轮"
    r1.mkdir()
    build(r1 / "甲局.xlsx", agency("某县甲局", _code(1)[:17], **E1))
    out1, out2 = tmp_path / "第1轮结果", tmp_path / "第2轮结果"
    _batch(r1, out1)
    _decide(out1 / "汇总.xlsx", {("某县甲局", "EQ01"): "同意"})
    capsys.readouterr()
    assert _batch(r1, out2, "--since", out1) == EXIT_USAGE
    said = capsys.readouterr().err
    assert f"{out1 / '汇总.xlsx'}" in said and "「问题明细」第 2 行的处理意见「同意」无效" in said
    assert "请改正该文件后重新运行" in said
    assert not out2.exists()


def test_every_unusable_decision_of_both_summaries_is_told_in_one_run(tmp_path: Path, capsys):
    """The office typed 同意 for 甲局's EQ01, 接收 for its EQ03, and accepted a finding whose row lost its agency in
    the previous round's 汇总.xlsx, and 同意 again in this round's (a rerun): one run lists all four rows, each with
    its row in 问题明细 and what to write; corrected as told, the next run goes through."""
    r1 = tmp_path / "第1轮"
    r1.mkdir()
    build(r1 / "甲局.xlsx", agency("某县甲局", _code(1)[:17], **E1))
    build(r1 / "乙局.xlsx", agency("某县乙局", _code(2)[:17], other_matters="本年度没有其他需要报告的事项。"))
    out1, out2 = tmp_path / "第1轮结果", tmp_path / "第2轮结果"
    _batch(r1, out1)
    _batch(r1, out2, "--since", out1)
    wb = openpyxl.load_workbook(out1 / "汇总.xlsx")
    ws = wb["问题明细"]
    col = {c.value: c.column for c in ws[1]}
    rows = {(ws.cell(r, col["机关名称"]).value, ws.cell(r, col["规则"]).value): r for r in range(2, ws.max_row + 1)}
    eq01, eq03, tx02 = rows[("某县甲局", "EQ01")], rows[("某县甲局", "EQ03")], rows[("某县乙局", "TX02")]
    ws.cell(eq01, col["处理意见"]).value, ws.cell(eq03, col["处理意见"]).value = "同意", "接收"
    ws.cell(tx02, col["处理意见"]).value = "接受"
    ws.cell(tx02, col["机关名称"]).value = ws.cell(tx02, col["统一社会信用代码"]).value = None
    wb.save(out1 / "汇总.xlsx")
    _decide(out2 / "汇总.xlsx", {("某县甲局", "EQ01"): "同意"})
    here = [
        r for r, row in enumerate(openpyxl.load_workbook(out2 / "汇总.xlsx")["问题明细"].values, 1) if "同意" in row
    ]
    capsys.readouterr()
    assert _batch(r1, out2, "--since", out1) == EXIT_USAGE
    said = capsys.readouterr().err
    assert "汇总.xlsx 中有 3 条处理意见无法使用，请逐条改正" in said
    assert f"「问题明细」第 {eq01} 行的处理意见「同意」无效，应为「接受」或「退回」：请改为其中之一" in said
    assert f"「问题明细」第 {eq03} 行的处理意见「接收」无效，应为「接受」或「退回」" in said
    assert f"「问题明细」第 {tx02} 行没有写明单位（「机关名称」和「统一社会信用代码」都是空的）" in said
    assert "请填写该单位的机关名称或统一社会信用代码" in said
    assert f"{out2 / '汇总.xlsx'} 将重新生成" in said and f"「问题明细」第 {here[0]} 行的处理意见「同意」无效" in said
    assert said.count("无效") == 3
    # corrected as told
    ws.cell(eq01, col["处理意见"]).value, ws.cell(eq03, col["处理意见"]).value = "接受", "退回"
    ws.cell(tx02, col["机关名称"]).value = "某县乙局"
    wb.save(out1 / "汇总.xlsx")
    _decide(out2 / "汇总.xlsx", {("某县甲局", "EQ01"): "接受"})
    assert _batch(r1, out2, "--since", out1) == 1  # EQ03 sent back
    assert _states(_results(out2)["某县甲局"]) == {"EQ01": "accepted", "EQ03": "open"}
    assert _states(_results(out2)["某县乙局"]) == {"TX02": "accepted"}


def _notes(path: Path) -> dict[str, str]:
    """Every note of a workbook, by cell (表三!D5), and every line of its results sheet, by row (校验结果!5)."""
    wb = openpyxl.load_workbook(path)
    notes = {
        f"{ws.title}!{c.coordinate}": c.comment.text for ws in wb for row in ws.iter_rows() for c in row if c.comment
    }
    rows = wb["校验结果"].iter_rows(values_only=True)
    return notes | {f"校验结果!{n}": "｜".join(str(v) for v in row if v) for n, row in enumerate(rows, 1)}


def test_a_copy_says_that_accepted_findings_need_no_correction(tmp_path: Path):
    """Round 1: 甲局 unbalanced (EQ01, EQ03 on 表三!D5) with PL02; 乙局 the same. The office accepts 甲局's three
    findings and 乙局's PL02 in 汇总.xlsx. Round 2, unchanged: 甲局's copy asks for no correction anywhere (notes,
    the results sheet, the correction); 乙局's still asks for its 表三 correction, not for PL02."""
    r1, r2 = tmp_path / "第1轮", tmp_path / "第2轮"
    for folder in (r1, r2):
        folder.mkdir()
        for n, name in ((1, "甲局"), (2, "乙局")):
            build(folder / f"{name}.xlsx", agency(f"某县{name}", _code(n)[:17], **E1, **{"t2_1.normative.current": 1}))
    out1, out2 = tmp_path / "第1轮结果", tmp_path / "第2轮结果"
    _batch(r1, out1)
    wb = openpyxl.load_workbook(out1 / "汇总.xlsx")
    ws = wb["问题明细"]
    col = {c.value: c.column for c in ws[1]}
    for row in range(2, ws.max_row + 1):
        name, rule = ws.cell(row, col["机关名称"]).value, ws.cell(row, col["规则"]).value
        if name == "某县甲局" or rule == "PL02":
            ws.cell(row, col["处理意见"]).value, ws.cell(row, col["处理说明"]).value = "接受", "系统口径"
    wb.save(out1 / "汇总.xlsx")
    assert _batch(r2, out2, "--since", out1) == 1  # 乙局's errors
    docs = _results(out2)
    jia, yi = _notes(out2 / docs["某县甲局"]["annotated"]), _notes(out2 / docs["某县乙局"]["annotated"])
    asked = ("改为", "应填", "请核实", "建议更正", "最少需更正")
    for where, text in jia.items():
        told = text.split("所接受的问题：")[0] if "所接受的问题：" in text else text
        assert not any(word in told for word in asked), (where, text)
    assert jia["表三!D5"].startswith(
        "【错误·已接受·EQ01】审核单位已接受，不需改正（处理说明：系统口径）。所接受的问题：表三"
    )
    assert jia["表三!J5"].startswith("【相关·错误·已接受·EQ03】合计：审核单位已接受，不需改正（处理说明：系统口径）。")
    assert "勾稽关系：不平衡之处涉及的问题审核单位均已接受，不需更正。" in jia.values()
    assert "勾稽关系：最少需更正 1 个单元格。应将 表三!D5 由 99 改为 39。" in yi.values()
    assert any(text.startswith("建议更正：使全部勾稽关系平衡最少需更正 1 个单元格") for text in yi.values())
    assert yi["表二!D5"].startswith("【警告·已接受·PL02】审核单位已接受，不需改正（处理说明：系统口径）。")
    assert "应将 D5 由 99 改为 39" in yi["表三!D5"] and yi["表三!D5"].startswith("【错误·EQ01】")


def test_a_renamed_agency_keeps_its_accepted_errors_accepted(tmp_path: Path):
    """机构改革: round 2 names 甲局 anew under the same code; the rounds compare it with 甲局's round-1 report, and the
    office's acceptances follow it there. 乙局 copied 甲局's code (and its errors) in round 2: not 甲局's decisions."""
    r1, r2 = tmp_path / "第1轮", tmp_path / "第2轮"
    r1.mkdir(), r2.mkdir()
    build(r1 / "甲局.xlsx", agency("某县甲局", _code(1)[:17], **E1))
    build(r2 / "甲中心.xlsx", agency("某县甲事务服务中心", _code(1)[:17], **E1))
    out1, out2 = tmp_path / "第1轮结果", tmp_path / "第2轮结果"
    _batch(r1, out1)
    _decide(out1 / "汇总.xlsx", {("某县甲局", rule): "接受" for rule in EQ})
    assert _batch(r2, out2, "--since", out1, "--decisions", out1 / "汇总.xlsx") == 0
    doc = _results(out2)["某县甲事务服务中心"]
    assert doc["round"]["previous"] == "第1轮/甲局.xlsx"
    assert _states(doc) == dict.fromkeys(EQ, "accepted")
    copy = openpyxl.load_workbook(out2 / doc["annotated"])["校验结果"]
    assert any("已接受" in str(c) for row in copy.iter_rows(values_only=True) for c in row)


def test_a_decision_does_not_follow_a_code_another_agency_copied(tmp_path: Path):
    r1, r2 = tmp_path / "第1轮", tmp_path / "第2轮"
    r1.mkdir(), r2.mkdir()
    build(r1 / "甲局.xlsx", agency("某县甲局", _code(1)[:17], **E1))
    build(r2 / "甲局.xlsx", agency("某县甲局", _code(1)[:17], **E1))
    build(r2 / "乙局.xlsx", agency("某县乙局", _code(1)[:17], **E1))  # 甲局's report, its name changed only
    out1, out2 = tmp_path / "第1轮结果", tmp_path / "第2轮结果"
    _batch(r1, out1)
    _decide(out1 / "汇总.xlsx", {("某县甲局", rule): "接受" for rule in EQ})
    assert _batch(r2, out2, "--since", out1) == 1
    docs = _results(out2)
    assert _states(docs["某县甲局"]) == dict.fromkeys(EQ, "accepted") | {"XY03": "open"}
    assert _states(docs["某县乙局"]) == dict.fromkeys(EQ, "open") | {"XY03": "open"}
    copy = openpyxl.load_workbook(out2 / docs["某县乙局"]["annotated"])["校验结果"]
    assert not any("已接受" in str(c) for row in copy.iter_rows(values_only=True) for c in row)


def _popen(*args: object) -> subprocess.Popen:
    command = ["nice", "-n", "19", sys.executable, "-m", "validator", "batch", *map(str, args), "--jobs", "1"]
    return subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True, start_new_session=True)


def _checked(stderr: str) -> int:
    return int(re.search(r"本次校验 (\d+) 份", stderr)[1])


def _outputs(out: Path) -> dict[str, object]:
    """What the office reads: every result, every sheet of 汇总.xlsx, each annotated copy's 校验结果 sheet."""
    docs = sorted(read_jsonl(out / "results.jsonl"), key=lambda d: d["file"])
    summary = openpyxl.load_workbook(out / "汇总.xlsx")
    sheets = {ws.title: list(ws.iter_rows(values_only=True)) for ws in summary}
    copies = {
        p.relative_to(out).as_posix(): list(openpyxl.load_workbook(p)["校验结果"].iter_rows(values_only=True))
        for p in sorted((out / "标注").rglob("*.xlsx"))
    }
    return {"results": docs, "sheets": sheets, "copies": copies}


def test_a_rerun_after_a_kill_with_decisions_checks_only_what_was_not_done(tmp_path: Path):
    """Round 2 (`--since 第1轮结果 --decisions 第1轮结果/汇总.xlsx`) killed midway, then run again: only the files not
    done are checked, and every output equals an uninterrupted run's. Then the office sends one acceptance back in
    the round's own 汇总.xlsx: nothing is checked anew, and that agency's error is open again, in its copy too."""
    r1 = tmp_path / "第1轮"
    r1.mkdir()
    n = 16
    for i in range(n):
        build(r1 / f"{i:02d}.xlsx", agency(f"某县第{i:02d}局", _code(i)[:17], **E1))
    out1, ref, out2 = tmp_path / "第1轮结果", tmp_path / "参照", tmp_path / "第2轮结果"
    _batch(r1, out1)
    _decide(out1 / "汇总.xlsx", {("*", rule): "接受" for rule in EQ})
    options = ("--since", out1, "--decisions", out1 / "汇总.xlsx")
    whole = _popen(r1, "--out", ref, *options)
    assert whole.wait(timeout=600) == 0, whole.stderr.read()
    killed = _popen(r1, "--out", out2, *options)
    end = time.monotonic() + 300
    while not len(list(read_jsonl(out2 / PROGRESS))):
        assert killed.poll() is None and time.monotonic() < end, killed.stderr.read()
        time.sleep(0.02)
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait(timeout=30)
    done = len(list(read_jsonl(out2 / PROGRESS)))
    assert 0 < done < n
    resumed = _popen(r1, "--out", out2, *options)
    assert resumed.wait(timeout=600) == 0
    assert _checked(resumed.stderr.read()) == n - done
    assert _outputs(out2) == _outputs(ref)
    _decide(out2 / "汇总.xlsx", {("某县第03局", rule): "退回" for rule in EQ})
    again = _popen(r1, "--out", out2, *options)
    assert again.wait(timeout=600) == 1
    assert _checked(again.stderr.read()) == 0
    docs = _results(out2)
    assert _states(docs["某县第03局"]) == dict.fromkeys(EQ, "open")
    assert all(_states(d) == dict.fromkeys(EQ, "accepted") for name, d in docs.items() if name != "某县第03局")
    copy = openpyxl.load_workbook(out2 / docs["某县第03局"]["annotated"])["校验结果"]
    assert any("退回" in str(c) for row in copy.iter_rows(values_only=True) for c in row)
