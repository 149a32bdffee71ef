"""Collecting a batch's submissions: folders, zips as Windows and hostile senders make them, what is skipped."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path, PurePosixPath

import documents
import openpyxl
import pytest
from builders import published
from test_structure import VALUES

from validator.batch import inputs
from validator.batch.inputs import collect, entry_name, safe_parts
from validator.cli import main
from validator.engine import workbook_paths
from validator.sources.sniff import is_system_file
from validator.sources.xlsx import load

SOFFICE = shutil.which("soffice")


def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return path


def test_windows_zip_names_are_read_as_gbk(tmp_path: Path):
    gbk = "某县/甲局年报.xlsx".encode("gbk")
    placeholder = b"#" * (len(gbk) - 5) + b".xlsx"
    archive = _zip(tmp_path / "a.zip", {placeholder.decode(): b"PK"})
    archive.write_bytes(archive.read_bytes().replace(placeholder, gbk))  # no UTF-8 flag, GBK bytes: as Windows writes
    with zipfile.ZipFile(archive) as zf:
        (info,) = zf.infolist()
        assert not info.flag_bits & 0x800
        assert entry_name(info) == "某县/甲局年报.xlsx"
    found = collect([archive], tmp_path / "staging")
    assert [i.name for i in found.items] == ["a.zip/某县/甲局年报.xlsx"]
    assert Path(found.items[0].path).read_bytes() == b"PK"


def test_utf8_names_with_the_flag_stay_as_they_are(tmp_path: Path):
    archive = _zip(tmp_path / "a.zip", {"乡镇/乙.xlsx": b"PK"})
    assert [i.name for i in collect([archive], tmp_path / "s").items] == ["a.zip/乡镇/乙.xlsx"]


@pytest.mark.parametrize("name", ["../x.xlsx", "/etc/x.xlsx", "a/../../x.xlsx", "C:/x.xlsx", "..\\x.xlsx"])
def test_entries_leaving_the_folder_are_refused(name: str, tmp_path: Path):
    assert safe_parts(name) is None
    staging = tmp_path / "deep" / "staging"
    found = collect([_zip(tmp_path / "a.zip", {name: b"PK"})], staging)
    assert found.items == [] and len(found.skipped) == 1
    assert [p for p in tmp_path.rglob("x.xlsx")] == []


def test_archive_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(inputs, "MAX_ENTRY_BYTES", 1000)
    archive = _zip(tmp_path / "bomb.zip", {"big.xlsx": b"\0" * 5000, "small.xlsx": b"PK"})
    found = collect([archive], tmp_path / "s")
    errors = {i.name: i.error for i in found.items}
    assert "异常庞大" in errors["bomb.zip/big.xlsx"] and errors["bomb.zip/small.xlsx"] is None
    monkeypatch.setattr(inputs, "MAX_ENTRIES", 1)
    (item,) = collect([archive], tmp_path / "s2").items
    assert item.name == "bomb.zip" and "超过 1 个" in item.error


def test_broken_archive_and_nested_archives(tmp_path: Path):
    inner = _zip(tmp_path / "inner.zip", {"丙.xlsx": b"PK"})
    outer = _zip(tmp_path / "outer.zip", {"inner.zip": inner.read_bytes()})
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 cut off")
    found = collect([outer, tmp_path / "broken.zip"], tmp_path / "s")
    assert [(i.name, i.error is None) for i in found.items] == [
        ("outer.zip/inner.zip/丙.xlsx", True),
        ("broken.zip", False),
    ]


def test_folders_skip_lock_files_our_outputs_and_other_files(tmp_path: Path):
    root = tmp_path / "收到"
    (root / "sub").mkdir(parents=True)
    for name in ("a.xlsx", "sub/b.xlsm", "~$a.xlsx", "a.校验.xlsx", "a.bak.xlsx", "说明.txt", ".DS_Store", "c.xls"):
        (root / name).write_bytes(b"PK")
    out = root / "结果"
    out.mkdir()
    (out / "汇总.xlsx").write_bytes(b"PK")
    (root / "sub" / "链接.xlsx").symlink_to(out / "汇总.xlsx")  # our output all the same
    (tmp_path / "捷径").symlink_to(root, target_is_directory=True)  # the outputs seen through a linked folder
    for given in (root, tmp_path / "捷径"):
        found = collect([given], tmp_path / "s", exclude=[out])
        assert [i.name.split("/", 1)[1] for i in found.items] == ["a.xlsx", "c.xls", "sub/b.xlsm"]
    assert {s.name for s in found.skipped} == {
        "收到/~$a.xlsx",
        "收到/a.校验.xlsx",
        "收到/a.bak.xlsx",
        "收到/说明.txt",
        "收到/.DS_Store",
    }


def test_a_copy_is_skipped_beside_its_original_and_checked_alone(tmp_path: Path):
    """An annotated copy or backup beside the file it was made from is our output; alone it is what an agency sent
    back (a returned copy carrying its 单位说明). Folders, archives, files given and `nianbao check` agree."""
    root = tmp_path / "第2轮"
    names = ("甲局.xlsx", "甲局.校验.xlsx", "甲局.bak.xlsx", "年报.pdf", "年报.pdf.校验.xlsx", "B.XLSM", "b.校验.xlsm",
             "乡镇/乙局.校验.xlsx", "乡镇/丙局.bak2.xlsx", "乡镇/丁局.校验.校验.xlsx", "乡镇/丁局.校验.xlsx")  # fmt: skip
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(b"PK")
    returned = ["B.XLSM", "乡镇/丁局.校验.xlsx", "乡镇/丙局.bak2.xlsx", "乡镇/乙局.校验.xlsx", "年报.pdf", "甲局.xlsx"]
    beside = {
        "甲局.校验.xlsx": "本工具为同一文件夹中的「甲局.xlsx」生成的标注副本，不再校验。"
        "如果这是单位改正后报回的标注副本，请把「甲局.xlsx」移出该文件夹后再校验",
        "甲局.bak.xlsx": "本工具为同一文件夹中的「甲局.xlsx」生成的备份，不再校验",
        "年报.pdf.校验.xlsx": "本工具为同一文件夹中的「年报.pdf」生成的标注副本，不再校验。"
        "如果这是单位改正后报回的标注副本，请把「年报.pdf」移出该文件夹后再校验",
        "b.校验.xlsm": "本工具为同一文件夹中的「B.XLSM」生成的标注副本，不再校验。"
        "如果这是单位改正后报回的标注副本，请把「B.XLSM」移出该文件夹后再校验",
        "乡镇/丁局.校验.校验.xlsx": "本工具为同一文件夹中的「丁局.校验.xlsx」生成的标注副本，不再校验。"
        "如果这是单位改正后报回的标注副本，请把「丁局.校验.xlsx」移出该文件夹后再校验",
    }
    found = collect([root], tmp_path / "s")
    assert sorted(i.name for i in found.items) == sorted(f"第2轮/{n}" for n in returned)
    assert {s.name: s.reason for s in found.skipped} == {f"第2轮/{n}": r for n, r in beside.items()}
    checked = [f.relative_to(root).as_posix() for f, _ in workbook_paths([root])]
    assert sorted(checked) == sorted(returned)
    archive = _zip(tmp_path / "第2轮.zip", {n: b"PK" for n in names})
    found = collect([archive], tmp_path / "s2")
    assert sorted(i.name for i in found.items) == sorted(f"第2轮.zip/{n}" for n in returned)
    assert {s.name: s.reason for s in found.skipped} == {f"第2轮.zip/{n}": r for n, r in beside.items()}
    given = collect([root / "甲局.xlsx", root / "甲局.校验.xlsx", root / "乡镇" / "乙局.校验.xlsx"], tmp_path / "s3")
    assert [i.name for i in given.items] == ["甲局.xlsx", "乙局.校验.xlsx"]
    assert [s.name for s in given.skipped] == ["甲局.校验.xlsx"]
    assert [i.name for i in collect([root / "甲局.校验.xlsx"], tmp_path / "s4").items] == ["甲局.校验.xlsx"]


def test_same_names_from_two_places_stay_apart(tmp_path: Path):
    for folder in ("x", "y"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "年报.xlsx").write_bytes(b"PK")
    found = collect([tmp_path / "x" / "年报.xlsx", tmp_path / "y" / "年报.xlsx"], tmp_path / "s")
    assert [i.name for i in found.items] == ["年报.xlsx", "年报~2.xlsx"]
    for folder in ("x", "y"):  # two folders, or two archives, of one name: the second's files keep together
        (tmp_path / folder / "年报").mkdir()
        (tmp_path / folder / "年报" / "办公室.xlsx").write_bytes(b"PK")
        _zip(
            tmp_path / folder / "年报.zip",
            {"办公室.xlsx": b"PK", "站所.zip": _zip(tmp_path / "in.zip", {}).read_bytes()},
        )
    given = [tmp_path / f / n for n in ("年报", "年报.zip") for f in ("x", "y")]
    assert [i.name for i in collect(given, tmp_path / "s2").items] == [
        "年报/办公室.xlsx",
        "年报~2/办公室.xlsx",
        "年报.zip/办公室.xlsx",
        "年报~2.zip/办公室.xlsx",
    ]
    twice = _zip(tmp_path / "twice.zip", {"A.xlsx": b"PK", "a.xlsx": b"PK"})  # one name for Windows: two copies
    assert [i.name for i in collect([twice], tmp_path / "s3").items] == ["twice.zip/A.xlsx", "twice.zip/a~2.xlsx"]


def test_rar_and_7z_archives_are_told_among_the_reports_whatever_their_name(tmp_path: Path):
    """An office receives RAR and 7z archives: each is an unreadable submission saying what it is and what to do,
    not skipped as "not a report" (it holds reports), and a 7z named .zip is not called a broken zip."""
    root = tmp_path / "收到"
    root.mkdir()
    seven = b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(100)
    (root / "甲局.rar").write_bytes(b"Rar!\x1a\x07\x01\x00" + bytes(100))
    (root / "乙局.7z").write_bytes(seven)
    (root / "丙局.zip").write_bytes(seven)
    found = collect([root], tmp_path / "s")
    assert found.skipped == []
    errors = {i.name: i.error for i in found.items}
    assert errors.keys() == {"收到/甲局.rar", "收到/乙局.7z", "收到/丙局.zip"}
    assert errors["收到/甲局.rar"].startswith("这是 RAR 压缩包，本工具只能解开 zip 压缩包。请用解压软件解压后")
    assert errors["收到/乙局.7z"].startswith("这是 7z 压缩包，")
    assert errors["收到/丙局.zip"].startswith("这是 7z 压缩包（扩展名却是 .zip）")


def test_folders_and_archives_list_their_files_in_natural_order(tmp_path: Path):
    folder = tmp_path / "第3批"
    for name in ("报告10.xlsx", "报告2.xlsx", "报告1.xlsx", "报告.xlsx", "乡镇/报告１１.xlsx", "乡镇/报告9.xlsx"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(b"PK")
    names = [i.name for i in collect([folder], tmp_path / "s").items]
    assert names == [
        f"第3批/{n}"
        for n in ("乡镇/报告9.xlsx", "乡镇/报告１１.xlsx", "报告.xlsx", "报告1.xlsx", "报告2.xlsx", "报告10.xlsx")
    ]
    archive = _zip(tmp_path / "a.zip", {"12月.xlsx": b"PK", "2月.xlsx": b"PK", "1月.xlsx": b"PK"})
    assert [i.name for i in collect([archive], tmp_path / "s2").items] == [
        "a.zip/1月.xlsx",
        "a.zip/2月.xlsx",
        "a.zip/12月.xlsx",
    ]


@pytest.mark.parametrize("name", ["", ".", "..", "/", " "])
def test_a_name_with_nothing_to_tell_a_report_by_is_said_to_be_none(name: str):
    """What an upload may be called (curl's filename="", a tool's "."): a reason, not an error."""
    assert inputs.skip_reason(PurePosixPath(name)) == inputs.NO_NAME
    assert is_system_file(PurePosixPath(name).parts) is (name == "..")  # a name of no parts is none of them


def test_word_documents_saved_as_rtf_or_odt_are_collected_as_reports(tmp_path: Path):
    """An agency's report saved by an OA system's 「导出Word」 as RTF, or by WPS or LibreOffice as .odt, is one of the
    reports (read through LibreOffice): collected, never skipped as not a report and so left out of the count."""
    root = tmp_path / "收到"
    root.mkdir()
    for name in ("甲局.rtf", "乙局.ODT", "丙局.doc", "说明.txt"):
        (root / name).write_bytes(b"{\\rtf1}")
    with zipfile.ZipFile(tmp_path / "报送.zip", "w") as zf:
        zf.writestr("丁局.rtf", b"{\\rtf1}")
    found = collect([root, tmp_path / "报送.zip"], tmp_path / "s")
    assert sorted(i.name for i in found.items) == [
        "报送.zip/丁局.rtf",
        "收到/丙局.doc",
        "收到/乙局.ODT",
        "收到/甲局.rtf",
    ]
    assert [s.name for s in found.skipped] == ["收到/说明.txt"]


def test_word_2003_xml_named_xml_is_collected_by_its_bytes_and_other_xml_is_skipped(tmp_path: Path):
    """An OA system's 「导出Word」 may save the report as Word 2003 XML named .xml: collected as a report (read as
    `nianbao check` reads it), from a folder or an archive, told by its bytes; any other .xml (a system's export of
    data, a configuration) is no report, skipped with its reason in 汇总.xlsx「未校验的文件」, as `nianbao check`
    skips it in a folder."""
    xlsx = published(tmp_path / "年报.xlsx", {k: x for k, x in VALUES.items() if x is not None})
    parts = documents.segments(load(xlsx).grid.sheets[0])
    root = tmp_path / "收到"
    root.mkdir()
    report = documents.word_2003_xml(parts, root / "甲局.xml")
    other = b'<?xml version="1.0" encoding="UTF-8"?><config><item name="year">2025</item></config>'
    (root / "配置.xml").write_bytes(other)
    with zipfile.ZipFile(tmp_path / "报送.zip", "w") as zf:
        zf.writestr("乙局.xml", report.read_bytes())
        zf.writestr("数据.xml", other)
    found = collect([root, tmp_path / "报送.zip"], tmp_path / "s")
    assert sorted(i.name for i in found.items) == ["报送.zip/乙局.xml", "收到/甲局.xml"]
    reason = inputs.skip_reason(PurePosixPath("配置.xml"))
    assert reason and reason.startswith("不是报告")
    assert sorted((s.name, s.reason) for s in found.skipped) == [
        ("报送.zip/数据.xml", reason),
        ("收到/配置.xml", reason),
    ]
    assert [f.name for f, _ in workbook_paths([root])] == ["甲局.xml"]  # nianbao check takes the same
    assert [(s.name, s.reason) for s in inputs.folder_skips([root])] == [("配置.xml", reason)]

    out = tmp_path / "结果"
    main(["batch", str(root), "--out", str(out), "--jobs", "1", "--no-annotate"])
    summary = openpyxl.load_workbook(out / "汇总.xlsx")
    rows = [dict(zip(r[0], row)) for r in [list(summary["汇总"].iter_rows(values_only=True))] for row in r[1:]]
    assert [row["文件"] for row in rows] == ["收到/甲局.xml"]
    if SOFFICE:  # read through LibreOffice, as a .doc is: the balanced report passes
        assert rows[0]["状态"] == "通过"
    skipped = [tuple(r) for r in summary["未校验的文件"].iter_rows(min_row=2, values_only=True)]
    assert [r[:2] for r in skipped] == [("收到/配置.xml", reason)]


def test_a_binary_workbook_in_a_folder_is_an_agency_told_to_save_as_xlsx(tmp_path: Path):
    """An agency that saved its report as .xlsb sent a workbook, not some other file: the office's summary lists it
    as a report that could not be read, saying to save it as .xlsx, not as a file skipped for being no report."""
    folder = tmp_path / "报送"
    folder.mkdir()
    _zip(folder / "甲局.xlsb", {"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\x83\x01\x00"})
    found = collect([folder], tmp_path / "staging")
    assert found.skipped == [] and [i.name for i in found.items] == ["报送/甲局.xlsb"]
    assert main(["batch", str(folder), "--out", str(tmp_path / "out"), "--no-annotate"]) == 2
    (row,) = [
        json.loads(line) for line in (tmp_path / "out" / "results.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert row["status"] == "unreadable" and ".xlsb" in row["error"] and "另存为" in row["error"]
