"""The office's decisions from a small YAML or CSV file, given to `nianbao check --decisions` as to the batch: matched
within one agency by finding id, else by rule and place; a bad file is a usage error in Chinese."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from batch_set import T3, agency
from builders import build

from validator.cli import EXIT_USAGE, main

CODE = "11330521MB0000001U"


@pytest.fixture
def report(tmp_path: Path) -> Path:
    """EQ01 and EQ03 on 表三!D5 (errors), PL02 (a warning)."""
    path = tmp_path / "甲局.xlsx"
    build(path, agency("某县甲局", CODE[:17], **{T3.cell_key("new", "natural"): 99, "t2_1.normative.current": 1}))
    return path


def check(capsys: pytest.CaptureFixture, path: Path, decisions: Path) -> tuple[int, dict]:
    code = main(["check", str(path), "--format", "json", "--no-annotate", "--decisions", str(decisions)])
    return code, json.loads(capsys.readouterr().out)["results"][0]


def test_yaml_decisions_by_rule_and_key_or_cell(report: Path, tmp_path: Path, capsys: pytest.CaptureFixture):
    decisions = tmp_path / "意见.yaml"
    decisions.write_text(
        "decisions:\n"
        "  - {rule: EQ01, agency: 某县甲局, key: t3.new.natural, decision: 接受, note: 口径差异}\n"
        f"  - {{rule: EQ03, agency: {CODE}, cell: 表三!D5, decision: accept, year: 2025}}\n"
        "  - {rule: PL02, agency: 某县乙局, decision: 接受}\n",  # another agency's: not this one's
        encoding="utf-8",
    )
    code, result = check(capsys, report, decisions)
    found = {f["rule"]: f for f in result["findings"]}
    assert found["EQ01"]["decision"] == {"by": "office", "value": "accept", "note": "口径差异"}
    assert found["EQ03"]["decision"] == {"by": "office", "value": "accept", "note": ""}
    assert found["PL02"]["decision"] is None and found["PL02"]["state"] == "open"
    assert result["counts"] == {"error": 0, "warning": 1, "info": 0} and result["settled"]["accepted"] == 2
    assert code == 0


def test_csv_decisions_by_id_and_a_year_that_does_not_match(report: Path, tmp_path: Path, capsys):
    _, first = check(capsys, report, _csv(tmp_path / "空.csv", []))
    ids = {f["rule"]: f["id"] for f in first["findings"]}
    rows = [(ids["EQ01"], CODE, "退回", "请改正", ""), (ids["EQ03"], CODE, "接受", "", "2019")]
    rows += [(ids["EQ03"], "11330521MB0000002Y", "接受", "另一单位的同一问题", "")]  # same finding id, not its decision
    code, result = check(capsys, report, _csv(tmp_path / "意见.csv", rows))
    found = {f["rule"]: f for f in result["findings"]}
    assert found["EQ01"]["decision"]["value"] == "reject" and found["EQ01"]["state"] == "open"
    assert found["EQ03"]["decision"] is None  # one decision was for the 2019 report, the other for another agency
    assert code == 1


def _csv(path: Path, rows: list[tuple]) -> Path:
    lines = ["id,agency,decision,note,year", *(",".join(r) for r in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


@pytest.mark.parametrize(
    ("name", "text", "said"),
    [
        (
            "坏.yaml",
            "- {rule: EQ01, agency: 某县甲局, decision: 接受}\n- {rule: EQ01, agency: 某县甲局, decision: 同意}\n",
            "坏.yaml 第 2 条的处理意见「同意」无效，应为「接受」或「退回」",
        ),
        (
            "坏.csv",
            "rule,agency,decision\n\nEQ01,某县甲局,接受\nEQ01,,接受\n",
            "坏.csv 第 4 行没有写明单位（「agency」和「credit_code」都是空的）",
        ),
        ("坏.txt", "x", "无法识别处理意见文件"),
        ("坏.xlsx", "not a workbook", "问题明细"),
    ],
)
def test_a_decisions_file_that_cannot_be_used_is_a_usage_error(report, tmp_path, capsys, name, text, said):
    (tmp_path / name).write_text(text, encoding="utf-8")
    assert main(["check", str(report), "--decisions", str(tmp_path / name)]) == EXIT_USAGE
    assert said in capsys.readouterr().err


def test_since_without_a_previous_round_is_a_usage_error(report: Path, tmp_path: Path, capsys):
    code = main(["batch", str(report), "--out", str(tmp_path / "结果"), "--since", str(tmp_path / "无")])
    assert code == EXIT_USAGE and "找不到上一轮的结果" in capsys.readouterr().err


def test_since_the_summary_the_office_just_edited_reads_its_round(round_two, tmp_path: Path, capsys):
    """--since 第1轮结果/汇总.xlsx (the file the office typed its decisions into) is that round: the report compared
    with it, not taken for an agency never heard from."""
    first, _ = round_two
    out = tmp_path / "第2轮结果（汇总）"
    code = main(
        ["batch", str(tmp_path / "甲局.xlsx"), "--out", str(out), "--jobs", "1", "--since", str(first / "汇总.xlsx")]
    )
    assert code == 1
    [doc] = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert doc["round"]["previous"] == "甲局.xlsx" and doc["round"]["new"] == []


def test_since_a_file_that_holds_no_results_is_a_usage_error(report: Path, tmp_path: Path, capsys):
    other = tmp_path / "名单" / "名单.xlsx"
    other.parent.mkdir()
    other.write_bytes(report.read_bytes())
    code = main(["batch", str(report), "--out", str(tmp_path / "结果"), "--since", str(other)])
    assert code == EXIT_USAGE
    assert f"{other} 不是 nianbao batch 的结果文件（其中没有校验结果）" in capsys.readouterr().err
    assert not (tmp_path / "结果").exists()


def test_a_csv_saved_by_excel_on_chinese_windows_is_read(report: Path, tmp_path: Path, capsys):
    """Excel on Chinese Windows saves 「CSV（逗号分隔）」 in GBK, as the office's roster upload already accepts."""
    decisions = tmp_path / "意见.csv"
    decisions.write_bytes("rule,agency,key,decision,note\nEQ01,某县甲局,t3.new.natural,接受,口径差异\n".encode("gbk"))
    _, result = check(capsys, report, decisions)
    found = {f["rule"]: f for f in result["findings"]}
    assert found["EQ01"]["decision"] == {"by": "office", "value": "accept", "note": "口径差异"}


def test_a_decisions_file_that_does_not_exist_is_told_as_missing(report: Path, tmp_path: Path, capsys):
    missing = tmp_path / "第1轮结果" / "汇总.xlsx"
    assert main(["check", str(report), "--decisions", str(missing)]) == EXIT_USAGE
    assert f"找不到处理意见文件 {missing}，请检查路径。" in capsys.readouterr().err


def _outputs(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture
def round_two(report: Path, tmp_path: Path) -> tuple[Path, Path]:
    """Round 1 and round 2 (--since round 1) of `report`, each with its annotated copy; the two output folders."""
    first, second = tmp_path / "第1轮结果", tmp_path / "第2轮结果"
    assert main(["batch", str(report), "--out", str(first), "--jobs", "1"]) == 1
    assert main(["batch", str(report), "--out", str(second), "--jobs", "1", "--since", str(first)]) == 1
    assert list((second / "标注").rglob("*.校验.xlsx"))
    return first, second


@pytest.mark.parametrize("typo", ["第2伦", "乡镇报送.zip"])
def test_an_input_that_does_not_exist_stops_the_run_before_anything_is_written(round_two, tmp_path, capsys, typo):
    """A mistyped folder or archive is not a submission (nor one that could not be read): rerunning round 2 with it
    would rewrite the round as empty (every copy deleted, every agency 未重新报送); nothing is touched."""
    first, second = round_two
    before = {out: _outputs(out) for out in (first, second)}
    capsys.readouterr()
    code = main(["batch", str(tmp_path / typo), "--out", str(second), "--jobs", "1", "--since", str(first)])
    assert code == EXIT_USAGE
    said = capsys.readouterr().err
    assert f"找不到 {tmp_path / typo}，请检查路径。未校验任何文件，结果目录中原有的结果未作改动。" in said
    assert {out: _outputs(out) for out in (first, second)} == before
    fresh = tmp_path / "新结果"
    code = main(["batch", str(tmp_path / "甲局.xlsx"), "--out", str(fresh), "--previous", str(tmp_path / typo)])
    assert code == EXIT_USAGE
    assert not fresh.exists()  # a mistyped --previous too, before the output folder is made


@pytest.mark.parametrize(("out", "since"), [("第1轮结果", "第1轮结果"), ("第1轮结果", "第1轮结果/results.jsonl"),
                                            ("第1轮结果/results.jsonl", "第1轮结果")])  # fmt: skip
def test_out_cannot_be_the_folder_of_since(round_two, tmp_path: Path, capsys, out: str, since: str):
    """The next round written over the previous one would delete the copies of agencies that did not resubmit."""
    first, _ = round_two
    before = _outputs(first)
    capsys.readouterr()
    code = main(["batch", str(tmp_path / "甲局.xlsx"), "--out", str(tmp_path / out), "--since", str(tmp_path / since)])
    assert code == EXIT_USAGE
    assert capsys.readouterr().err.startswith(
        f"--out 不能与 --since 为同一目录（{tmp_path / out}）：本轮的结果会覆盖上一轮"
    )
    assert _outputs(first) == before


def test_the_terminal_asks_no_correction_for_accepted_errors(report: Path, tmp_path: Path, capsys):
    decisions = tmp_path / "意见.yaml"
    decisions.write_text(
        f"- {{rule: EQ01, agency: {CODE}, cell: 表三!D5, decision: 接受, note: 系统口径}}\n"
        f"- {{rule: EQ03, agency: {CODE}, cell: 表三!D5, decision: 接受}}\n",
        encoding="utf-8",
    )
    assert main(["check", str(report), "--no-annotate", "--decisions", str(decisions)]) == 0
    said = capsys.readouterr().out.replace("\n", "").replace(" ", "").replace("│", "")
    assert "勾稽关系：不平衡之处涉及的问题审核单位均已接受，不需更正。" in said and "最少需更正" not in said
    assert "审核单位已接受，不需改正（处理说明：系统口径）。所接受的问题：表三" in said
