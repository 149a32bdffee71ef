"""What rounds carry for an agency that does not send back what it was sent: a file of an earlier round that could not
be read and was never resent stays listed as not resubmitted, and an explanation typed in an earlier round still
settles its finding when the agency resubmits its own master file instead of the returned annotated copy."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from builders import build
from test_rounds import E1, W1, W2, _decide, _rows, name, values
from test_rounds_explain import explain, sheet_explanations

from validator.cli import main

ENCRYPTED = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504) + "EncryptionInfo".encode("utf-16-le")


def _batch(root: Path, number: int, *options: str) -> tuple[int, Path]:
    out = root / f"结果{number}"
    code = main(["batch", str(root / f"第{number}轮"), "--out", str(out), "--jobs", "1", *options])
    return code, out


def _results(out: Path, name: str = "results.jsonl") -> list[dict]:
    path = out / name
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()] if path.exists() else []


def _by_agency(out: Path) -> dict[str, dict]:
    return {d["agency"]["agency_name"]: d for d in _results(out)}


def test_an_unreadable_file_never_resent_stays_listed_by_its_name(tmp_path: Path, capsys: pytest.CaptureFixture):
    """Round 1: 第06局's file is encrypted. Round 2: 第06局 sends nothing; round 3 neither; round 3 again (另一结果):
    it sends its report under the same name. Until then its file is listed as not resubmitted, in every output."""
    for n in (1, 2, 3):
        (tmp_path / f"第{n}轮").mkdir()
        build(tmp_path / f"第{n}轮" / "01.xlsx", values(1))
    (tmp_path / "第1轮" / "06.xlsx").write_bytes(ENCRYPTED)
    _, out1 = _batch(tmp_path, 1)
    capsys.readouterr()
    code, out2 = _batch(tmp_path, 2, "--since", str(out1))
    said = capsys.readouterr().err
    assert code == 0  # as for any agency not resubmitted
    assert "未重新报送的单位 1 个" in said
    assert "其中 1 个是此前无法读取、不能确定是哪个单位的文件：第1轮/06.xlsx" in said
    [row] = [r for r in _rows(out2 / "汇总.xlsx", "本轮变化") if r["状态"] == "未重新报送"]
    assert (row["机关名称"], row["此前最后报送于"]) == ("第1轮/06.xlsx", str(out1))
    assert row["此前报送的文件"].startswith("第1轮/06.xlsx（无法读取，不能确定是哪个单位；本轮没有同名的文件")
    assert "第1轮/06.xlsx" in (out2 / "report.html").read_text("utf-8")
    left_out = [
        c for r in openpyxl.load_workbook(out2 / "汇总.xlsx")["全区合计"].iter_rows(values_only=True) for c in r
    ]
    assert f"第1轮/06.xlsx（本轮未重新报送，最后报送于 {out1}）：无法读取（原因见 {out1} 的 汇总.xlsx）" in left_out
    [carried] = _results(out2, "earlier_rounds.jsonl")
    assert (carried["file"], carried["status"], carried["submitted_in"]) == ("第1轮/06.xlsx", "unreadable", str(out1))
    # round 3, still nothing from 第06局: still listed, as last submitted in round 1
    _, out3 = _batch(tmp_path, 3, "--since", str(out2))
    [row] = [r for r in _rows(out3 / "汇总.xlsx", "本轮变化") if r["状态"] == "未重新报送"]
    assert (row["机关名称"], row["此前最后报送于"]) == ("第1轮/06.xlsx", str(out1))
    # round 3 as it should be: the file resent under its name is that submission, compared with nothing
    build(tmp_path / "第3轮" / "06.xlsx", values(6))
    capsys.readouterr()
    main(["batch", str(tmp_path / "第3轮"), "--out", str(tmp_path / "结果3b"), "--jobs", "1", "--since", str(out2)])
    assert "未重新报送的单位 0 个" in capsys.readouterr().err
    assert _by_agency(tmp_path / "结果3b")[name(6)]["round"]["unreadable"] == "第1轮/06.xlsx"
    assert not _results(tmp_path / "结果3b", "earlier_rounds.jsonl")


def _by_rule(doc: dict) -> dict[str, dict]:
    return {f["rule"]: f for f in doc["findings"]}


def test_an_explanation_of_an_earlier_round_settles_its_finding_in_the_agencys_own_file(tmp_path: Path, capsys):
    """Round 2: 第01局 and 第02局 explain their findings in the returned copies; the office sends 第01局's PL02
    explanation back. Round 3: 第01局 sends its own master file again, with no explanation in it; 第02局 the copy
    with a new explanation. Round 4: 第01局's master file once more. Its explanations follow it, marked as given in
    round 2 (the one sent back too, but it settles nothing, and after that round it is not carried); 第02局's new one
    wins. A rerun without --since carries nothing."""
    for n in (1, 2, 3, 4):
        (tmp_path / f"第{n}轮").mkdir()
    master = values(1, E1, W1, W2)
    build(tmp_path / "第1轮" / "01.xlsx", master)
    build(tmp_path / "第1轮" / "02.xlsx", values(2, W1))
    _, out1 = _batch(tmp_path, 1)
    notes = {
        1: {"EQ01": "系统导出数据。", "EQ03": "系统导出数据。", "TX02": "未收取信息处理费。", "PL02": "以目录为准。"},
        2: {"TX02": "旧的说明。"},
    }
    for doc in _results(out1):
        copy = tmp_path / "第2轮" / Path(doc["file"]).name
        shutil.copy(out1 / doc["annotated"], copy)
        explain(copy, notes[int(copy.stem)])
    _, out2 = _batch(tmp_path, 2, "--since", str(out1))
    assert _by_agency(out2)[name(1)]["open_errors"] == 0
    _decide(out2 / "汇总.xlsx", {(name(1), "PL02"): ("退回", "请按实际件数填写")})
    build(tmp_path / "第3轮" / "01.xlsx", master)  # its own file, as it keeps it
    shutil.copy(out2 / _by_agency(out2)[name(2)]["annotated"], tmp_path / "第3轮" / "02.xlsx")
    explain(tmp_path / "第3轮" / "02.xlsx", {"TX02": "新的说明。"})
    code, out3 = _batch(tmp_path, 3, "--since", str(out2), "--decisions", str(out2 / "汇总.xlsx"))
    assert code == 0  # 第01局's errors stay explained: nothing open
    docs = _by_agency(out3)
    first = _by_rule(docs[name(1)])
    for rule in ("EQ01", "EQ03", "TX02", "PL02"):
        assert (first[rule]["explanation"], first[rule]["explanation_from"]) == (notes[1][rule], str(out2)), rule
    # an explained error waits for the office; PL02's explanation was sent back
    assert {rule: f["state"] for rule, f in first.items()} == {
        "EQ01": "open", "EQ03": "open", "TX02": "explained", "PL02": "open",
    }  # fmt: skip
    assert docs[name(1)]["open_errors"] == 0 and docs[name(1)]["counts"]["warning"] == 1
    change = docs[name(1)]["round"]
    ids = _rule_of(first)
    assert {k: {ids[i] for i in change[k]} for k in ("open", "explained")} == {
        "open": {"PL02"}, "explained": {"EQ01", "EQ03", "TX02"},
    }  # fmt: skip
    tx02 = _by_rule(docs[name(2)])["TX02"]
    assert (tx02["explanation"], tx02.get("explanation_from"), tx02["state"]) == ("新的说明。", None, "explained")
    details = {(r["机关名称"], r["规则"]): r for r in _rows(out3 / "汇总.xlsx", "问题明细")}
    row = details[(name(1), "TX02")]
    assert (row["级别"], row["单位说明"]) == (
        "警告·已说明",
        f"未收取信息处理费。（沿用 {out2} 中的单位说明；本轮报送的文件未填写）",
    )
    assert details[(name(2), "TX02")]["单位说明"] == "新的说明。"
    [changes] = [r for r in _rows(out3 / "汇总.xlsx", "本轮变化") if r["机关名称"] == name(1)]
    assert (changes["已说明"], changes["仍存在"]) == (3, 1)
    assert changes["此前报送的文件"] == "第2轮/01.xlsx；4 项问题本轮报送的文件未填写单位说明，沿用此前填写的"
    # round 4: carried on from where it was given; the explanation sent back in round 3 is not carried again
    build(tmp_path / "第4轮" / "01.xlsx", master)
    code, out4 = _batch(tmp_path, 4, "--since", str(out3))
    assert code == 0
    fourth = _by_rule(_by_agency(out4)[name(1)])
    assert (fourth["TX02"]["explanation_from"], fourth["TX02"]["state"]) == (str(out2), "explained")
    assert (fourth["PL02"]["explanation"], fourth["PL02"]["state"]) == (None, "open")
    # the same folder again without --since: only what the file itself holds, of the result stored there too
    capsys.readouterr()
    code = main(["batch", str(tmp_path / "第4轮"), "--out", str(out4), "--jobs", "1"])
    assert code == 1 and "1 份内容未变、沿用上次结果" in capsys.readouterr().err
    again = _by_rule(_by_agency(out4)[name(1)])
    assert all(f["explanation"] is None and "explanation_from" not in f for f in again.values())


def test_the_copy_shows_the_explanations_carried_from_an_earlier_round(tmp_path: Path, capsys):
    """Round 2: 第01局 explains EQ01 and TX02 in the returned copy. Round 3: it sends its own file, without them: its
    copy shows them as its own (单位说明 column, notes, counts), so that returning that copy keeps them (round 4)
    without the agency typing them again. A rerun of round 3 reuses the copy; one without --since takes them off."""
    for n in (1, 2, 3, 4):
        (tmp_path / f"第{n}轮").mkdir()
    master = values(1, E1, W1)
    build(tmp_path / "第1轮" / "01.xlsx", master)
    _, out1 = _batch(tmp_path, 1)
    returned = shutil.copy(out1 / _results(out1)[0]["annotated"], tmp_path / "第2轮" / "01.xlsx")
    notes = {"EQ01": "系统导出数据。", "TX02": "未收取信息处理费。"}
    explain(returned, notes)
    _, out2 = _batch(tmp_path, 2, "--since", str(out1))
    build(tmp_path / "第3轮" / "01.xlsx", master)
    _, out3 = _batch(tmp_path, 3, "--since", str(out2))
    [doc] = _results(out3)
    assert {f["rule"]: f.get("explanation_from") for f in doc["findings"]} == {
        "EQ01": str(out2), "EQ03": None, "TX02": str(out2),
    }  # fmt: skip
    copy = out3 / doc["annotated"]
    assert sheet_explanations(copy) == {"EQ01": notes["EQ01"], "EQ03": None, "TX02": notes["TX02"]}
    wb = openpyxl.load_workbook(copy)
    assert (
        "【错误·EQ01】" in wb["表三"]["D5"].comment.text
        and "（单位说明：系统导出数据。）" in wb["表三"]["D5"].comment.text
    )
    assert wb["正文"]["B4"].comment.text.startswith("【警告·已说明·TX02】")
    lines = [row[0] for row in wb["校验结果"].iter_rows(max_col=1, values_only=True)]
    assert (
        "结果：错误 2 项，警告 0 项，提示 0 项（另有已说明 1 项，不计入）；其中 1 项错误已说明，待审核单位接受" in lines
    )
    # the same command again: nothing checked nor painted anew
    written = copy.stat().st_mtime_ns
    capsys.readouterr()
    _batch(tmp_path, 3, "--since", str(out2))
    assert "本次校验 0 份" in capsys.readouterr().err and copy.stat().st_mtime_ns == written
    assert _results(out3) == [doc]
    # round 4: the copy returned as it is: its explanations are the agency's own now
    shutil.copy(copy, tmp_path / "第4轮" / "01.xlsx")
    _, out4 = _batch(tmp_path, 4, "--since", str(out3))
    [fourth] = _results(out4)
    assert {f["rule"]: (f["explanation"], f.get("explanation_from")) for f in fourth["findings"]} == {
        "EQ01": (notes["EQ01"], None), "EQ03": (None, None), "TX02": (notes["TX02"], None),
    }  # fmt: skip
    # round 3 again without --since: nothing is carried, and the copy shows nothing carried
    _batch(tmp_path, 3)
    [again] = _results(out3)
    assert all(f["explanation"] is None for f in again["findings"])
    assert set(sheet_explanations(out3 / again["annotated"]).values()) == {None}


def _rule_of(findings: dict[str, dict]) -> dict[str, str]:
    return {f["id"]: rule for rule, f in findings.items()}


def test_a_report_naming_no_agency_is_followed_by_its_file_name(tmp_path: Path, capsys: pytest.CaptureFixture):
    """无名.xlsx is read but names no agency (机关名称 and 统一社会信用代码 blank), 06.xlsx cannot be read. Round 2:
    无名.xlsx again, unchanged: compared with round 1's by its name. Round 3: neither is resent: both are listed as not
    resubmitted, by their files (06.xlsx still, though round 2 held a report naming no agency too). Round 4: the
    annotated copy of round 2 comes back (无名.校验.xlsx), TX02 explained: compared with round 2's 无名.xlsx."""
    for n in (1, 2, 3, 4):
        (tmp_path / f"第{n}轮").mkdir()
    unnamed = values(2, E1, W1) | {"agency_name": None, "credit_code": None}
    for n in (1, 2, 3):
        build(tmp_path / f"第{n}轮" / "01.xlsx", values(1))
    build(tmp_path / "第1轮" / "无名.xlsx", unnamed)
    build(tmp_path / "第2轮" / "无名.xlsx", unnamed)
    (tmp_path / "第1轮" / "06.xlsx").write_bytes(ENCRYPTED)
    _, out1 = _batch(tmp_path, 1)
    _, out2 = _batch(tmp_path, 2, "--since", str(out1))
    [second] = [d for d in _results(out2) if d["file"] == "第2轮/无名.xlsx"]
    [earlier] = [d for d in _results(out1) if d["file"] == "第1轮/无名.xlsx"]
    first = {f["id"]: f["rule"] for f in earlier["findings"]}
    assert second["round"]["previous"] == "第1轮/无名.xlsx" and second["round"]["new"] == []
    assert sorted(second["round"]["open"]) == sorted(first) and {"EQ01", "EQ03", "TX02"} <= set(first.values())
    [row] = [r for r in _rows(out2 / "汇总.xlsx", "本轮变化") if r["文件"] == "第2轮/无名.xlsx"]
    assert row["此前报送的文件"] == "第1轮/无名.xlsx（该报告未填写机关名称和统一社会信用代码，按文件名对应）"
    assert (row["仍存在"], row["新出现"], row["此前最后报送于"]) == (len(first), 0, str(out1))
    capsys.readouterr()
    _, out3 = _batch(tmp_path, 3, "--since", str(out2))
    said = capsys.readouterr().err
    assert "未重新报送的单位 2 个，其中 1 个是此前无法读取、不能确定是哪个单位的文件：第1轮/06.xlsx；" in said
    assert "06.xlsx；1 个是未填写机关名称和统一社会信用代码、不能确定是哪个单位的报告：第2轮/无名.xlsx" in said
    absent = {r["机关名称"]: r for r in _rows(out3 / "汇总.xlsx", "本轮变化") if r["状态"] == "未重新报送"}
    assert {k: r["此前最后报送于"] for k, r in absent.items()} == {
        "第1轮/06.xlsx": str(out1),
        "第2轮/无名.xlsx": str(out2),
    }
    assert absent["第2轮/无名.xlsx"]["此前报送的文件"].startswith(
        "第2轮/无名.xlsx（未填写机关名称和统一社会信用代码，不能确定是哪个单位；本轮没有同名的文件。"
        "请报送该文件的单位在封面填写机关名称和统一社会信用代码后重新报送"
    )
    assert "第2轮/无名.xlsx" in (out3 / "report.html").read_text("utf-8")
    assert {d["file"] for d in _results(out3, "earlier_rounds.jsonl")} == {"第1轮/06.xlsx", "第2轮/无名.xlsx"}
    returned = shutil.copy(out2 / second["annotated"], tmp_path / "第4轮" / "无名.校验.xlsx")
    explain(returned, {"TX02": "未收取信息处理费。"})
    _, out4 = _batch(tmp_path, 4, "--since", str(out3))
    [fourth] = _results(out4)
    assert (fourth["round"]["previous"], fourth["round"]["previous_round"]) == ("第2轮/无名.xlsx", str(out2))
    assert [first[i] for i in fourth["round"]["explained"]] == ["TX02"] and fourth["round"]["new"] == []
    assert {r["机关名称"] for r in _rows(out4 / "汇总.xlsx", "本轮变化") if r["状态"] == "未重新报送"} == {
        "某县第01局",
        "第1轮/06.xlsx",
    }
