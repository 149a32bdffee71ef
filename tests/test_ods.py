"""OpenDocument spreadsheets (.ods: what LibreOffice and some WPS setups save) are checked as the workbook they hold,
converted by LibreOffice like .xls, by `check` (a file, a folder) and `batch` (a folder, an archive), and recognised
by their content whatever their name; without LibreOffice they are refused saying how to save them as .xlsx."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from batch_set import T3, agency
from builders import build

from validator import check_paths
from validator.cli import main

NATURAL = T3.cell_key("new", "natural")


def _findings(path: Path) -> list[tuple]:
    (report,) = check_paths([path])
    assert report.status == "checked", report.error
    return sorted((f.rule, f.severity, f.key, f.expected, f.actual) for f in report.findings)


@pytest.fixture(scope="module")
def saved(convert_all, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """甲局 (balanced) and 乙局 (表三 unbalanced) as .xlsx, and each as LibreOffice saves it as .ods."""
    folder = tmp_path_factory.mktemp("ods")
    books = {
        "甲局": build(folder / "甲局.xlsx", agency("某县甲局", "11330521MB0000001")),
        "乙局": build(folder / "乙局.xlsx", agency("某县乙局", "11330521MB0000002", **{NATURAL: 90})),
    }
    (folder / "ods").mkdir()
    odss = convert_all(list(books.values()), "ods", folder / "ods")
    return {**{f"{n}.xlsx": p for n, p in books.items()}, **{f"{n}.ods": p for n, p in zip(books, odss)}}


def test_an_ods_is_checked_as_its_workbook(saved: dict[str, Path], tmp_path: Path):
    for name in ("甲局", "乙局"):
        ods = saved[f"{name}.ods"]
        assert zipfile.ZipFile(ods).read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
        (report,) = check_paths([ods])
        assert report.source_format == "ods"
        assert _findings(ods) == _findings(saved[f"{name}.xlsx"])
    assert _findings(saved["甲局.ods"]) == []  # clean, as its .xlsx
    renamed = shutil.copy(saved["乙局.ods"], tmp_path / "乙局.xlsx")  # told by its content, not its name
    assert _findings(Path(renamed)) == _findings(saved["乙局.xlsx"])


def test_check_writes_the_copy_of_an_ods_as_a_workbook(saved: dict[str, Path], tmp_path: Path, capsys):
    folder = tmp_path / "收到"
    folder.mkdir()
    for name in ("甲局.ods", "乙局.ods"):
        shutil.copy(saved[name], folder / name)
    code = main(["check", str(folder), "--format", "json"])
    results = {Path(r["file"]).name: r for r in json.loads(capsys.readouterr().out)["results"]}
    assert code == 1 and sorted(results) == ["乙局.ods", "甲局.ods"]
    assert results["甲局.ods"]["counts"]["error"] == 0 and results["乙局.ods"]["counts"]["error"] > 0
    copy = folder / "乙局.ods.校验.xlsx"
    assert results["乙局.ods"]["annotated"] == str(copy)
    assert _findings(copy) == _findings(saved["乙局.xlsx"])  # the findings stay with the report
    assert openpyxl.load_workbook(copy).sheetnames[0] == "校验结果"


def test_batch_checks_ods_in_folders_and_archives(saved: dict[str, Path], tmp_path: Path):
    folder = tmp_path / "收到"
    folder.mkdir()
    shutil.copy(saved["甲局.ods"], folder / "甲局.ods")
    with zipfile.ZipFile(folder / "乡镇.zip", "w") as zf:
        zf.write(saved["乙局.ods"], "乙局.ods")
    out = tmp_path / "结果"
    main(["batch", str(folder), "--out", str(out), "--jobs", "1"])
    docs = {d["file"]: d for d in map(json.loads, (out / "results.jsonl").read_text(encoding="utf-8").splitlines())}
    assert {f: (d["status"], d["counts"]["error"] > 0) for f, d in docs.items()} == {
        "收到/甲局.ods": ("checked", False),
        "收到/乡镇.zip/乙局.ods": ("checked", True),
    }
    assert docs["收到/乡镇.zip/乙局.ods"]["annotated"] == "标注/收到/乡镇.zip/乙局.ods.校验.xlsx"
    skipped = openpyxl.load_workbook(out / "汇总.xlsx")["未校验的文件"]
    assert skipped.max_row == 1  # nothing skipped as 「不是报告」


def test_without_libreoffice_an_ods_is_refused_saying_how_to_save_it(saved: dict[str, Path], tmp_path: Path):
    env = {**os.environ, "PATH": str(Path(sys.executable).parent)}  # soffice cannot be found
    env.pop("NIANBAO_SOFFICE", None)
    command = [sys.executable, "-m", "validator", "check", str(saved["甲局.ods"]), "--format", "json"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 2
    error = json.loads(done.stdout)["results"][0]["error"]
    assert "OpenDocument 表格（.ods" in error and "LibreOffice" in error and "*.xlsx" in error
