"""The supervising office's season of rounds, as it really goes: 汇总.xlsx saved under another name before --since
names it, a round re-run into its results folder without --since or with another round's, --since pointed at a file
of the results folder other than results.jsonl. Each test builds real workbooks and runs the command line."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from batch_set import T3, agency
from builders import build
from test_rounds_decisions_carried import _batch, _decide  # the office types 处理意见 as there

from validator.batch.store import read_jsonl
from validator.cli import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE

E1 = {T3.cell_key("new", "natural"): 99}  # EQ01 and EQ03 on 表三!D5 (errors)
EQ = {"EQ01", "EQ03"}


def _states(out: Path) -> dict[str, dict[str, str]]:
    """Agency name → rule → state of its finding, from the results of `out`."""
    return {
        d["agency"]["agency_name"]: {f["rule"]: f["state"] for f in d["findings"]}
        for d in read_jsonl(out / "results.jsonl")
    }


@pytest.fixture
def season(tmp_path: Path) -> Path:
    """Round 1 checked into 第1轮结果: 甲局 and 乙局 with an unbalanced 表三 (EQ01, EQ03), 丙局 clean; round 2's folder
    holds the same three reports."""
    r1, r2 = tmp_path / "第1轮", tmp_path / "第2轮"
    r1.mkdir(), r2.mkdir()
    reports = {
        "甲局": agency("某县甲局", "11330521MB0000201", **E1),
        "乙局": agency("某县乙局", "11330521MB0000202", **E1),
        "丙局": agency("某县丙局", "11330521MB0000203"),
    }
    for file, values in reports.items():
        build(r1 / f"{file}.xlsx", values)
        build(r2 / f"{file}.xlsx", values)
    assert _batch(r1, tmp_path / "第1轮结果") == EXIT_FINDINGS
    return tmp_path


def test_since_naming_a_copy_of_the_summary_takes_the_decisions_typed_there(season: Path, capsys):
    """The office typed its decisions into a copy it saved beside the results (汇总（已审核）.xlsx) and names that copy
    with --since, as docs/rounds.md allows for 汇总.xlsx: its decisions are the ones carried, not the untouched
    汇总.xlsx's."""
    out1 = season / "第1轮结果"
    reviewed = out1 / "汇总（已审核）.xlsx"
    shutil.copy(out1 / "汇总.xlsx", reviewed)
    assert _decide(reviewed, {("某县甲局", rule): "接受" for rule in EQ}) == 2
    capsys.readouterr()
    assert _batch(season / "第2轮", season / "第2轮结果", "--since", reviewed) == EXIT_FINDINGS
    assert f"沿用上一轮 {reviewed} 中已填写的 2 条处理意见" in capsys.readouterr().err
    states = _states(season / "第2轮结果")
    assert states["某县甲局"] == dict.fromkeys(EQ, "accepted") and states["某县乙局"] == dict.fromkeys(EQ, "open")


def test_since_naming_a_summary_saved_elsewhere_says_how_to_use_it(season: Path, capsys):
    """The decisions typed into a 汇总.xlsx saved away from the results (on the desktop): --since refuses it, saying to
    name the results folder with --since and the summary with --decisions, and that command carries them."""
    desk = season / "桌面" / "汇总.xlsx"
    desk.parent.mkdir()
    shutil.copy(season / "第1轮结果" / "汇总.xlsx", desk)
    assert _decide(desk, {("某县甲局", rule): "接受" for rule in EQ}) == 2
    capsys.readouterr()
    assert _batch(season / "第2轮", season / "第2轮结果", "--since", desk) == EXIT_USAGE
    said = capsys.readouterr().err
    assert f"请用 --since 上一轮的结果目录 --decisions {desk}" in said
    assert not (season / "第2轮结果").exists()
    assert _batch(season / "第2轮", season / "第2轮结果", "--since", season / "第1轮结果", "--decisions", desk) == 1
    assert _states(season / "第2轮结果")["某县甲局"] == dict.fromkeys(EQ, "accepted")


def _outputs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}


def test_a_round_rerun_without_since_says_what_it_dropped_and_how_to_bring_it_back(season: Path, capsys):
    """Round 2 re-run into its results folder with round 1's command (no --since): it runs, as before, but says that
    the comparison and the agency absent (丙局, in earlier_rounds.jsonl) are dropped, and the command that brings
    them back; that command does."""
    out1, out2 = season / "第1轮结果", season / "第2轮结果"
    (season / "第2轮" / "丙局.xlsx").unlink()  # absent in round 2: carried in earlier_rounds.jsonl
    assert _batch(season / "第2轮", out2, "--since", out1) == EXIT_FINDINGS
    carried = (out2 / "earlier_rounds.jsonl").read_bytes()
    capsys.readouterr()
    assert _batch(season / "第2轮", out2) == EXIT_FINDINGS
    said = capsys.readouterr().err
    assert f"结果目录 {out2} 中原是逐轮校验的结果" in said and f"请加上 --since {out1} 重新运行" in said
    assert not (out2 / "earlier_rounds.jsonl").exists()
    assert _batch(season / "第2轮", out2, "--since", out1) == EXIT_FINDINGS
    assert "原是逐轮校验的结果" not in capsys.readouterr().err
    assert (out2 / "earlier_rounds.jsonl").read_bytes() == carried


def test_a_round_rerun_with_another_since_is_refused(season: Path, capsys):
    """The office accepted 甲局's errors in round 1 and sent them back in round 2. Round 3 run first with --since
    pointing at round 1's results by mistake, then again into the same folder with round 2's: the decisions carried
    into that folder's 汇总.xlsx from round 1 would win over round 2's; refused, and run into a new folder round 2's
    decisions hold. The same round named by its 汇总.xlsx is the same --since."""
    out1, out2, out3 = (season / f"第{n}轮结果" for n in (1, 2, 3))
    _decide(out1 / "汇总.xlsx", {("某县甲局", rule): "接受" for rule in EQ})
    assert _batch(season / "第2轮", out2, "--since", out1) == EXIT_FINDINGS
    _decide(out2 / "汇总.xlsx", {("某县甲局", rule): "退回" for rule in EQ})
    assert _batch(season / "第2轮", out3, "--since", out1) == EXIT_FINDINGS  # the wrong round
    assert _states(out3)["某县甲局"] == dict.fromkeys(EQ, "accepted")
    before = _outputs(out3)
    capsys.readouterr()
    assert _batch(season / "第2轮", out3, "--since", out2) == EXIT_USAGE
    said = capsys.readouterr().err
    assert f"结果目录 {out3} 中的结果上次是与 {out1} 比较的，本次 --since 为 {out2}" in said
    assert _outputs(out3) == before
    assert _batch(season / "第2轮", out3, "--since", out1 / "汇总.xlsx") == EXIT_FINDINGS  # round 1 again
    assert _batch(season / "第2轮", season / "第3轮结果-重", "--since", out2) == EXIT_FINDINGS
    assert _states(season / "第3轮结果-重")["某县甲局"] == dict.fromkeys(EQ, "open")


def test_since_naming_earlier_rounds_jsonl_is_its_folder(season: Path):
    """--since 第2轮结果/earlier_rounds.jsonl (the name says "earlier rounds"): it holds only the agencies round 2 did
    not hear from, so taken alone every other agency would be new; it names its folder, as its 汇总.xlsx does."""
    out1, out2, out3 = (season / f"第{n}轮结果" for n in (1, 2, 3))
    shutil.move(season / "第2轮" / "丙局.xlsx", season / "丙局.xlsx")  # absent in round 2, back in round 3
    assert _batch(season / "第2轮", out2, "--since", out1) == EXIT_FINDINGS
    shutil.move(season / "丙局.xlsx", season / "第2轮" / "丙局.xlsx")
    assert _batch(season / "第2轮", out3, "--since", out2 / "earlier_rounds.jsonl") == EXIT_FINDINGS
    docs = {d["agency"]["agency_name"]: d["round"] for d in read_jsonl(out3 / "results.jsonl")}
    assert docs["某县甲局"]["previous"] == "第2轮/甲局.xlsx" and docs["某县甲局"]["open"]
    assert docs["某县丙局"]["previous"] == "第1轮/丙局.xlsx" and docs["某县丙局"]["previous_round"] == str(out1)


def test_decisions_whose_rows_were_deleted_from_the_previous_summary_are_told(season: Path, capsys):
    """Round 1's acceptances of both agencies' errors are carried into round 2's 汇总.xlsx; tidying it, the office
    sorts 问题明细 and deletes 甲局's rows. Round 3 carries 乙局's acceptances and says that those on 甲局 are no
    longer there and not carried, rather than letting its errors come back unexplained."""
    out1, out2, out3 = (season / f"第{n}轮结果" for n in (1, 2, 3))
    assert _decide(out1 / "汇总.xlsx", {(a, rule): "接受" for a in ("某县甲局", "某县乙局") for rule in EQ}) == 4
    assert _batch(season / "第2轮", out2, "--since", out1) == EXIT_OK
    wb = openpyxl.load_workbook(out2 / "汇总.xlsx")
    ws = wb["问题明细"]
    rows = sorted((r for r in ws.iter_rows(min_row=2, values_only=True) if r[1] != "某县甲局"), key=str, reverse=True)
    ws.delete_rows(2, ws.max_row)
    for row in rows:
        ws.append(row)
    wb.save(out2 / "汇总.xlsx")
    capsys.readouterr()
    assert _batch(season / "第2轮", out3, "--since", out2) == EXIT_FINDINGS
    said = capsys.readouterr().err
    assert "沿用上一轮" in said and "已填写的 2 条处理意见" in said
    assert "注意：上一轮的结果中对 某县甲局 EQ01（表三!D5）、某县甲局 EQ03（表三!D5） 作出的处理意见" in said
    assert "已没有（该行已删除，或处理意见已清空），本轮不再沿用" in said
    states = _states(out3)
    assert states["某县甲局"] == dict.fromkeys(EQ, "open") and states["某县乙局"] == dict.fromkeys(EQ, "accepted")
    capsys.readouterr()
    assert _batch(season / "第2轮", out3, "--since", out2) == EXIT_FINDINGS  # the same round again: told again
    assert "某县甲局 EQ01（表三!D5）" in capsys.readouterr().err
