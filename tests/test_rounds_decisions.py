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
        ("坏.csv", "rule,agency,decision\n\nEQ01,某县甲局,接受\nEQ01,,接受\n", "坏.csv 第 4 行缺少单位"),
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
