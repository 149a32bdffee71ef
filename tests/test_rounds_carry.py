"""What rounds carry for an agency that does not send back what it was sent: a file of an earlier round that could not
be read and was never resent stays listed as not resubmitted, and an explanation typed in an earlier round still
settles its finding when the agency resubmits its own master file instead of the returned annotated copy."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from builders import build
from test_rounds import _rows, name, values

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
