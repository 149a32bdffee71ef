"""End-to-end tests of the `nianbao` command line: the real CLI in a subprocess, on real files.

Each subprocess costs about 1.5 s, so related assertions share one invocation, and the costly inputs
(the balanced workbook, the zip bomb, the run on a workbook with a wrong value) are built once.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml
from batch_set import T3, agency
from builders import build
from openpyxl.xml.functions import tostring
from rich.cells import cell_len

from validator import check_paths
from validator.forms.layout import template_layout
from validator.forms.sample import balanced_values, fill_workbook
from validator.forms.workbook import write_blank
from validator.installed import TEMPLATES_DIR
from validator.names import MARKS_SHEET, RESULT_SHEET
from validator.render.table import PIPED_WIDTH
from validator.rules.registry import all_rules
from validator.sources.limits import Limits
from validator.spec import default_template

ROOT = Path(__file__).resolve().parents[1]
RULES_MD = ROOT / "docs" / "rules.md"
EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE, EXIT_USAGE, EXIT_WRITE = 0, 1, 2, 3, 4
CJK = re.compile(r"[\u4e00-\u9fff]")
WRONG_KEY = "t3.disclosed.business"  # 表三「（一）予以公开 / 商业企业」
WRONG_DELTA = 5


# ---------------------------------------------------------------- helpers


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m validator args…`; a wide terminal keeps rich from wrapping the table output."""
    env = {**os.environ, "COLUMNS": "200", "PYTHONIOENCODING": "utf-8"}
    env.pop("OPENPYXL_DEFUSEDXML", None)
    return subprocess.run(
        [sys.executable, "-m", "validator", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def results(proc: subprocess.CompletedProcess[str]) -> list[dict]:
    """The results of `check --format json`: stdout must be exactly one JSON document."""
    assert "Traceback" not in proc.stderr, proc.stderr
    return json.loads(proc.stdout)["results"]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


def copy(source: Path, target: Path) -> Path:
    shutil.copyfile(source, target)
    return target


def address(key: str) -> tuple[str, str]:
    """(sheet, coordinate) of an input cell of the default template."""
    for sheet in template_layout(default_template()):
        for slot in sheet.slots:
            if slot.key == key:
                return sheet.name, slot.coordinate
    raise KeyError(key)


# ---------------------------------------------------------------- workbooks built once


@pytest.fixture(scope="session")
def books(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with blank.xlsx, balanced.xlsx and wrong.xlsx (one 表三 value off by WRONG_DELTA)."""
    folder = tmp_path_factory.mktemp("books")
    template = default_template()
    write_blank(template, folder / "blank.xlsx")
    values = balanced_values(template)
    fill_workbook(folder / "blank.xlsx", folder / "balanced.xlsx", values, template)
    wrong = values | {WRONG_KEY: values[WRONG_KEY] + WRONG_DELTA}
    fill_workbook(folder / "blank.xlsx", folder / "wrong.xlsx", wrong, template)
    return folder


@pytest.fixture(scope="session")
def balanced(books: Path) -> Path:
    return books / "balanced.xlsx"


@pytest.fixture(scope="module")
def wrong_run(books: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """`check wrong.xlsx --format json` in a folder of its own (the annotated copy is written beside it)."""
    folder = tmp_path_factory.mktemp("wrong")
    copy(books / "wrong.xlsx", folder / "wrong.xlsx")
    return folder, run("check", "wrong.xlsx", "--format", "json", cwd=folder)


# ---------------------------------------------------------------- check: readable workbooks


def test_check_balanced_table(balanced: Path, tmp_path: Path) -> None:
    source = copy(balanced, tmp_path / "balanced.xlsx")
    before = sha(source)
    proc = run("check", "balanced.xlsx", cwd=tmp_path)
    assert proc.returncode == EXIT_OK, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert "错误 0 项" in proc.stdout
    assert "标注副本" in proc.stdout
    assert (tmp_path / "balanced.校验.xlsx").is_file()
    assert sha(source) == before, "without --in-place the input must not change"


def test_piped_output_keeps_sentences_whole(books: Path, tmp_path: Path) -> None:
    """Into a log or a pipe (no terminal, no COLUMNS): the correction line is one line, not cut at 80 columns, and
    the findings table is 120 columns wide."""
    copy(books / "wrong.xlsx", tmp_path / "wrong.xlsx")
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"} | {"PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run(
        [sys.executable, "-m", "validator", "check", "wrong.xlsx", "--no-annotate"],
        cwd=tmp_path, env=env, capture_output=True, encoding="utf-8", timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == EXIT_FINDINGS, proc.stderr
    lines = proc.stdout.splitlines()
    (summary,) = [line for line in lines if line.startswith("勾稽关系：")]
    assert "应将 表三!" in summary and summary.endswith("。")
    assert max(map(cell_len, lines)) == PIPED_WIDTH  # as rich counts columns


def test_check_balanced_json(balanced: Path, tmp_path: Path) -> None:
    source = copy(balanced, tmp_path / "balanced.xlsx")
    before = sha(source)
    proc = run("check", "balanced.xlsx", "--format", "json", cwd=tmp_path)
    assert proc.returncode == EXIT_OK, proc.stdout + proc.stderr
    [r] = results(proc)
    assert r["file"] == "balanced.xlsx"
    assert r["template"] == default_template().id
    assert r["status"] == "checked"
    assert "error" not in r
    assert r["counts"] == {"error": 0, "warning": 0, "info": 0}
    assert r["findings"] == []
    annotated = tmp_path / r["annotated"]
    assert annotated.is_file()
    assert annotated.name == "balanced.校验.xlsx"
    assert annotated.parent == source.parent
    assert openpyxl.load_workbook(annotated).sheetnames[0] == RESULT_SHEET
    assert sha(source) == before
    assert listing(tmp_path) == {"balanced.xlsx", "balanced.校验.xlsx"}


def test_check_wrong_value_reports_the_cell_and_the_balancing_value(
    books: Path, wrong_run: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    folder, proc = wrong_run
    assert proc.returncode == EXIT_FINDINGS, proc.stdout + proc.stderr
    [r] = results(proc)
    assert r["status"] == "checked"
    assert "error" not in r
    assert (folder / r["annotated"]).is_file()
    errors = [f for f in r["findings"] if f["severity"] == "error"]
    assert errors
    assert r["counts"]["error"] == len(errors)
    sheet, coordinate = address(WRONG_KEY)
    original = balanced_values(default_template())[WRONG_KEY]
    for f in errors:
        assert set(f) >= {"rule", "severity", "message", "cell", "cells", "expected", "actual"}
        assert re.fullmatch(r"[A-Z]+\d+", f["rule"]), f["rule"]
        assert CJK.search(f["message"]), f["message"]
        assert f["cell"] == f"{sheet}!{coordinate}"
        assert isinstance(f["cells"], list)
        assert f["cells"][0] == f["cell"]
        assert isinstance(f["expected"], int | float)
        assert isinstance(f["actual"], int | float)
        assert f["actual"] == original + WRONG_DELTA
        assert f["expected"] == original

    # The suggested value really balances the workbook.
    wb = openpyxl.load_workbook(books / "wrong.xlsx")
    wb[sheet][coordinate] = errors[0]["expected"]
    wb.save(tmp_path / "fixed.xlsx")
    before = listing(tmp_path)
    proc = run("check", "fixed.xlsx", "--format", "json", "--no-annotate", cwd=tmp_path)
    assert proc.returncode == EXIT_OK, proc.stdout
    [r] = results(proc)
    assert r["counts"]["error"] == 0
    assert r["annotated"] is None
    assert listing(tmp_path) == before, "--no-annotate must write no file"


def test_check_out_dir(balanced: Path, tmp_path: Path) -> None:
    source = copy(balanced, tmp_path / "report.xlsx")
    before = sha(source)
    proc = run("check", "report.xlsx", "--out", "out/sub", "--format", "json", cwd=tmp_path)
    assert proc.returncode == EXIT_OK, proc.stdout + proc.stderr
    [r] = results(proc)
    assert Path(r["annotated"]) == Path("out/sub/report.校验.xlsx")
    assert (tmp_path / "out" / "sub" / "report.校验.xlsx").is_file()
    assert not (tmp_path / "report.校验.xlsx").exists()
    assert sha(source) == before


def test_check_out_dir_that_is_a_file(balanced: Path, tmp_path: Path) -> None:
    copy(balanced, tmp_path / "report.xlsx")
    (tmp_path / "out").write_text("not a folder")
    proc = run("check", "report.xlsx", "--out", "out", cwd=tmp_path)
    assert proc.returncode == EXIT_WRITE
    assert "Traceback" not in proc.stderr
    assert "无法创建目录" in proc.stderr and "已有同名的文件" in proc.stderr  # the reason in Chinese too


def test_check_in_place_keeps_a_backup(balanced: Path, tmp_path: Path) -> None:
    source = copy(balanced, tmp_path / "report.xlsx")
    original = source.read_bytes()
    proc = run("check", "report.xlsx", "--in-place", "--format", "json", cwd=tmp_path)
    assert proc.returncode == EXIT_OK, proc.stdout + proc.stderr
    [r] = results(proc)
    assert r["annotated"] == "report.xlsx"
    assert (tmp_path / "report.bak.xlsx").read_bytes() == original
    assert source.read_bytes() != original
    assert RESULT_SHEET in openpyxl.load_workbook(source).sheetnames
    assert listing(tmp_path) == {"report.xlsx", "report.bak.xlsx"}


def test_a_read_only_file_is_never_marked_in_place_nor_cleared(balanced: Path, tmp_path: Path) -> None:
    """Windows users mark a submitted file read-only on purpose: a rename would replace it all the same."""
    source = copy(balanced, tmp_path / "report.xlsx")
    original = source.read_bytes()
    source.chmod(0o444)
    proc = run("check", "report.xlsx", "--in-place", cwd=tmp_path)
    assert proc.returncode == EXIT_WRITE
    assert "文件设为只读，请去掉只读属性后重试" in proc.stdout.replace("\n", "") and "Excel 中打开" not in proc.stdout
    assert source.read_bytes() == original and listing(tmp_path) == {"report.xlsx"}  # no backup left either
    proc = run("check", "report.xlsx", cwd=tmp_path)  # a copy beside it is still written
    assert (tmp_path / "report.校验.xlsx").is_file() and source.read_bytes() == original
    copy(tmp_path / "report.校验.xlsx", marked := tmp_path / "marked.xlsx")
    marked.chmod(0o444)
    proc = run("clear", "marked.xlsx", cwd=tmp_path)
    assert proc.returncode == EXIT_WRITE and "文件设为只读" in proc.stderr


def test_check_sniffs_content_not_extension(balanced: Path, tmp_path: Path) -> None:
    copy(balanced, tmp_path / "as_xls.xls")
    copy(balanced, tmp_path / "as_txt.txt")
    proc = run("check", "as_xls.xls", "as_txt.txt", "--format", "json", cwd=tmp_path)
    assert proc.returncode == EXIT_OK, proc.stdout + proc.stderr
    reports = results(proc)
    assert [r["status"] for r in reports] == ["checked", "checked"]
    assert [r["counts"]["error"] for r in reports] == [0, 0]
    assert [Path(r["annotated"]).name for r in reports] == ["as_xls.校验.xlsx", "as_txt.校验.xlsx"]


# ---------------------------------------------------------------- check: unreadable inputs


def _ole(body: bytes = b"") -> bytes:
    """An OLE compound file as far as sniffing goes: the magic number, padding, and optionally a stream name."""
    return bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504) + body + bytes(512)


def _zip_bomb(path: Path) -> None:
    """A small, quickly written zip whose members inflate past the reader's limit (zeros, deflated in chunks)."""
    chunk = bytes(4 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/media/zeros.bin", "w", force_zip64=True) as fh:
            for _ in range(Limits().unpacked_bytes // len(chunk) + 1):
                fh.write(chunk)


# name → (file name, what the Chinese message must say, the format its bytes are reported as: null when not read or
# not recognised)
UNREADABLE = {
    "missing": ("missing.xlsx", "找不到文件", None),
    "random_bytes": ("random.xlsx", "不是 Excel 工作簿", None),
    "legacy_xls": ("legacy.xls", "旧版", "xls"),
    "legacy_et": ("legacy.et", "旧版", "xls"),
    "encrypted": ("encrypted.xlsx", "密码", "xlsx"),
    "truncated": ("truncated.xlsx", "不完整", "xlsx"),
    "zip_not_workbook": ("archive.xlsx", "压缩包", None),
    "zip_of_workbooks": (
        "报送.zip",
        "其中有 2 个工作簿，不是单个工作簿。请解压后校验其中的工作簿，或用 nianbao batch",
        None,
    ),
    "ods": ("spreadsheet.xlsx", ".ods", "ods"),
    "zip_bomb": ("bomb.xlsx", "异常庞大", "xlsx"),
    "directory": ("folder.xlsx", "文件夹", None),
    "name_too_long": ("a" * 300 + ".xlsx", "无法打开文件", None),
    "broken_pdf": ("年报.pdf", "PDF 文件已损坏或不完整", "pdf"),
    "empty_page": ("年报.xlsx.html", "网页中没有年报的表格和章节", "html"),
}


@pytest.fixture(scope="module")
def unreadable_run(balanced: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[set, set, dict, str]:
    """One `check` over every unreadable input: (files before, files after, result per case, stderr)."""
    folder = tmp_path_factory.mktemp("unreadable")
    real = balanced.read_bytes()
    (folder / "random.xlsx").write_bytes(os.urandom(8192))
    (folder / "legacy.xls").write_bytes(_ole())
    (folder / "legacy.et").write_bytes(_ole())
    (folder / "encrypted.xlsx").write_bytes(_ole("EncryptionInfo".encode("utf-16-le")))
    (folder / "truncated.xlsx").write_bytes(real[: len(real) // 2])
    with zipfile.ZipFile(folder / "archive.xlsx", "w") as zf:
        zf.writestr("readme.txt", "hello")
    with zipfile.ZipFile(folder / "报送.zip", "w") as zf:  # lock files and macOS' forks are not counted
        for name in ("乡镇/甲镇.xlsx", "乡镇/乙镇.XLSX", "乡镇/~$甲镇.xlsx", "__MACOSX/乡镇/._甲镇.xlsx"):
            zf.writestr(name, real)
    with zipfile.ZipFile(folder / "spreadsheet.xlsx", "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content/>")
    _zip_bomb(folder / "bomb.xlsx")
    (folder / "folder.xlsx").mkdir()
    (folder / "年报.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 16)
    (folder / "年报.xlsx.html").write_text(
        "<html><head><title>年报</title></head><body></body></html>", encoding="utf-8"
    )
    before = listing(folder)
    names = [name for name, *_ in UNREADABLE.values()]
    proc = run("check", *names, "--format", "json", cwd=folder)
    assert proc.returncode == EXIT_UNREADABLE, proc.stdout + proc.stderr
    reports = results(proc)
    assert [r["file"] for r in reports] == names
    return before, listing(folder), dict(zip(UNREADABLE, reports)), proc.stderr


@pytest.mark.parametrize("case", list(UNREADABLE))
def test_check_unreadable(case: str, unreadable_run: tuple[set, set, dict, str]) -> None:
    before, after, reports, stderr = unreadable_run
    r = reports[case]
    assert "Traceback" not in stderr
    assert r["status"] == "unreadable"
    assert r["template"] is None
    assert CJK.search(r["error"]), r["error"]
    assert UNREADABLE[case][1] in r["error"], r["error"]
    assert r["source_format"] == UNREADABLE[case][2]  # what the file was, never "xlsx" for any file
    assert "请" in r["error"], f"the message should say what to do: {r['error']}"
    assert r["counts"] == {"error": 0, "warning": 0, "info": 0}
    assert r["findings"] == []
    assert r["annotated"] is None
    assert after == before, "no file may be written for unreadable inputs"


def test_check_unreadable_table(tmp_path: Path) -> None:
    proc = run("check", "missing.xlsx", cwd=tmp_path)
    assert proc.returncode == EXIT_UNREADABLE
    assert "Traceback" not in proc.stderr
    assert "无法校验" in proc.stdout
    assert "找不到文件" in proc.stdout
    assert listing(tmp_path) == set()


def test_check_several_files_one_unreadable(balanced: Path, books: Path, tmp_path: Path) -> None:
    copy(balanced, tmp_path / "a.xlsx")
    copy(books / "wrong.xlsx", tmp_path / "c.xlsx")
    proc = run("check", "a.xlsx", "missing.xlsx", "c.xlsx", "--format", "json", cwd=tmp_path)
    assert proc.returncode == EXIT_UNREADABLE, "an unreadable file outranks findings"
    a, missing, c = results(proc)
    assert (a["status"], missing["status"], c["status"]) == ("checked", "unreadable", "checked")
    assert a["counts"]["error"] == 0
    assert c["counts"]["error"] > 0
    assert (tmp_path / "a.校验.xlsx").is_file()
    assert (tmp_path / "c.校验.xlsx").is_file()
    assert "找不到文件" in missing["error"]


def test_check_hostile_xml(balanced: Path, tmp_path: Path) -> None:
    assert importlib.util.find_spec("defusedxml"), "defusedxml is a declared dependency: pip install -e ."
    doctype = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n'
    )
    with zipfile.ZipFile(balanced) as zin, zipfile.ZipFile(tmp_path / "hostile.xlsx", "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                if data.startswith(b"<?xml"):
                    data = data.split(b"?>", 1)[1].lstrip()
                cell = b'<row r="99"><c r="A99" t="inlineStr"><is><t>&lol3;</t></is></c></row>'
                data = doctype + data.replace(b"</sheetData>", cell + b"</sheetData>", 1)
            zout.writestr(info, data)
    before = listing(tmp_path)
    proc = run("check", "hostile.xlsx", "--format", "json", cwd=tmp_path)
    assert proc.returncode == EXIT_UNREADABLE, proc.stdout + proc.stderr
    [r] = results(proc)
    assert r["status"] == "unreadable"
    assert CJK.search(r["error"]), r["error"]
    assert listing(tmp_path) == before


# ---------------------------------------------------------------- template


def test_template_output_and_layout(tmp_path: Path) -> None:
    proc = run("template", "-o", "x.xlsx", cwd=tmp_path)
    assert proc.returncode == EXIT_OK, proc.stderr
    assert "已生成空白模板" in proc.stdout
    wb = openpyxl.load_workbook(tmp_path / "x.xlsx")

    proc = run("template", "--layout")
    assert proc.returncode == EXIT_OK, proc.stderr
    doc = json.loads(proc.stdout)
    template = default_template()
    assert doc["template"] == template.id
    assert doc["version"] == template.version
    cells = [c for c in doc["cells"] if c["kind"] != "status"]
    assert len(cells) == 210
    assert sum(c["table"] == "t3" for c in cells) == 175
    assert len({c["key"] for c in doc["cells"]}) == len(doc["cells"])
    for c in cells:
        assert {"key", "sheet", "cell", "row_label", "col_label", "kind"} <= set(c), c
        cell = wb[c["sheet"]][c["cell"]]
        assert cell.protection.locked is False, f"{c['sheet']}!{c['cell']} ({c['key']}) is not an input cell"
    assert wb["表三"]["A1"].protection.locked, "labels stay locked"
    # One live-check status cell per table with equations: a locked formula cell.
    statuses = [c for c in doc["cells"] if c["kind"] == "status"]
    assert [(c["key"], c["sheet"], c["table"]) for c in statuses] == [
        ("status.t3", "表三", "t3"),
        ("status.t4", "表四", "t4"),
    ]
    for c in statuses:
        cell = wb[c["sheet"]][c["cell"]]
        assert cell.protection.locked and str(cell.value).startswith("=IF("), c


# ---------------------------------------------------------------- rules


def test_rules_lists_every_code() -> None:
    proc = run("rules")
    assert proc.returncode == EXIT_OK, proc.stderr
    listed = {line.split()[0] for line in proc.stdout.splitlines() if line.strip()}
    codes = set(all_rules(default_template()))
    assert codes
    assert codes <= listed


def test_rules_markdown_matches_docs() -> None:
    command = ".venv/bin/nianbao rules --markdown > docs/rules.md"
    assert RULES_MD.is_file(), f"docs/rules.md is missing; run `{command}`"
    proc = subprocess.run(
        [sys.executable, "-m", "validator", "rules", "--markdown"], capture_output=True, timeout=120, check=False
    )
    assert proc.returncode == EXIT_OK, proc.stderr
    assert proc.stdout == RULES_MD.read_bytes(), f"docs/rules.md is out of date; run `{command}`"


# ---------------------------------------------------------------- clear


def test_clear_annotated_copy(
    books: Path, wrong_run: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    folder, proc = wrong_run
    marked = copy(folder / results(proc)[0]["annotated"], tmp_path / "marked.xlsx")
    sheet, coordinate = address(WRONG_KEY)
    before = openpyxl.load_workbook(marked)
    assert RESULT_SHEET in before.sheetnames
    assert before[sheet][coordinate].comment is not None, "the wrong cell is marked with a note"

    proc = run("clear", "marked.xlsx", cwd=tmp_path)
    assert proc.returncode == EXIT_OK, proc.stdout + proc.stderr
    assert "已清除" in proc.stdout
    assert "Traceback" not in proc.stderr
    cleared = openpyxl.load_workbook(marked)
    original = openpyxl.load_workbook(books / "wrong.xlsx")
    assert cleared.sheetnames == original.sheetnames
    assert RESULT_SHEET not in cleared.sheetnames
    assert MARKS_SHEET not in cleared.sheetnames
    assert cleared[sheet][coordinate].comment is None
    # Compare the fills' XML: openpyxl's style proxies never compare equal to each other.
    restored, kept = (tostring(wb[sheet][coordinate].fill.to_tree()) for wb in (cleared, original))
    assert restored == kept


def test_clear_unmarked_workbook_is_untouched(balanced: Path, tmp_path: Path) -> None:
    source = copy(balanced, tmp_path / "plain.xlsx")
    before = sha(source)
    proc = run("clear", "plain.xlsx", cwd=tmp_path)
    assert proc.returncode == EXIT_OK, proc.stdout + proc.stderr
    assert "没有校验标注" in proc.stdout
    assert sha(source) == before
    assert listing(tmp_path) == {"plain.xlsx"}


def test_clear_unreadable(tmp_path: Path) -> None:
    (tmp_path / "random.xlsx").write_bytes(os.urandom(4096))
    proc = run("clear", "random.xlsx", "missing.xlsx", cwd=tmp_path)
    assert proc.returncode == EXIT_UNREADABLE
    assert "Traceback" not in proc.stderr
    assert "无法处理 random.xlsx" in proc.stderr
    assert "找不到文件" in proc.stderr
    assert listing(tmp_path) == {"random.xlsx"}


# ---------------------------------------------------------------- usage errors


@pytest.mark.parametrize(
    "args",
    [
        pytest.param([], id="no-args"),
        pytest.param(["frobnicate"], id="unknown-command"),
        pytest.param(["check", "--format", "xml", "a.xlsx"], id="bad-format"),
    ],
)
def test_usage_errors(args: list[str], tmp_path: Path) -> None:
    proc = run(*args, cwd=tmp_path)
    assert proc.returncode == EXIT_USAGE
    assert proc.stdout == ""
    assert "命令用法有误" in proc.stderr
    assert "用法：" in proc.stderr
    for english in ("Traceback", "the following arguments are required", "invalid choice", "usage:", "error:"):
        assert english not in proc.stderr, proc.stderr


def test_check_with_a_malformed_spec_names_the_place_in_it(balanced: Path, tmp_path: Path) -> None:
    """A custom spec given with --template is refused before any file is read, naming the path of the problem."""
    data = yaml.safe_load((TEMPLATES_DIR / f"{default_template().id}.yaml").read_text(encoding="utf-8"))
    data["rules"][5]["op"] = "=>"  # PL02
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    report = copy(balanced, tmp_path / "a.xlsx")
    proc = run("check", "--template", str(bad), str(report), cwd=tmp_path)
    assert proc.returncode == EXIT_USAGE
    assert proc.stdout == ""
    assert proc.stderr.startswith("模板规格有误：")
    assert f"模板规格有误：{bad}: rules[5].op: 「=>」不是参数 op 的可用值（可用：>=、>、<=、<、==）" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert listing(tmp_path) == {"a.xlsx", "bad.yaml"}


def test_check_a_folder(balanced: Path, books: Path, tmp_path: Path) -> None:
    """A folder stands for its workbooks (subfolders too), not for our own copies, backups, Office lock files, hidden
    files (a killed write's temporary) or macOS's __MACOSX copies, as a batch takes it."""
    (tmp_path / "乡镇").mkdir()
    for name in ("a.xlsx", "a10.xlsx", "a2.xlsx"):
        copy(balanced, tmp_path / name)
    copy(books / "wrong.xlsx", tmp_path / "乡镇" / "b.xlsx")
    for skipped in (
        "a.校验.xlsx",
        "a.bak.xlsx",
        "~$a.xlsx",
        "说明.txt",
        ".~a.校验.1a2b3c4d.xlsx",
        "__MACOSX/._a.xlsx",
        "报送.zip",
    ):
        (tmp_path / skipped).parent.mkdir(exist_ok=True)
        copy(balanced, tmp_path / skipped)
    proc = run("check", ".", "--format", "json", "--no-annotate", cwd=tmp_path)
    assert proc.returncode == EXIT_FINDINGS
    listed = [Path(r["file"]).as_posix() for r in results(proc)]
    assert listed == ["a.xlsx", "a2.xlsx", "a10.xlsx", "乡镇/b.xlsx"]  # in natural order, as batch lists them
    # What it left out is told in one line on stderr, as a batch tells it, the copy beside its original named
    assert proc.stderr.strip() == (
        "跳过 6 个文件，其中 1 个是与原文件放在同一文件夹中的标注副本（a.校验.xlsx）：按本工具在原文件旁生成的副本处理，"
        "未校验，其中填写的单位说明也未读取。如果是单位报回、应以其为准的标注副本，请把同一文件夹中的原文件移出后重新运行；"
        "其余 5 个（.~a.校验.1a2b3c4d.xlsx、__MACOSX/._a.xlsx、a.bak.xlsx 等 5 个）不是报告，或是备份、临时文件等。"
        "另跳过 1 个 .zip 压缩包（报送.zip）：nianbao check 不解压，请解压后再校验，或用 nianbao batch 校验其中的报告。"
    )
    proc = run("check", ".", "--out", "标注", cwd=tmp_path)
    assert (tmp_path / "标注" / "a.校验.xlsx").is_file() and (tmp_path / "标注" / "乡镇" / "b.校验.xlsx").is_file()
    (tmp_path / "空").mkdir()
    (empty,) = results(run("check", "空", "--format", "json", cwd=tmp_path))
    assert empty["status"] == "unreadable" and "没有 .xlsx/.xlsm 工作簿" in empty["error"]


def _sheet_text(path: Path, sheet: str) -> str:
    """Every text of one sheet of a workbook, one cell a line."""
    ws = openpyxl.load_workbook(path)[sheet]
    return "\n".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None)


def test_check_out_keeps_each_agencys_copy_apart(tmp_path: Path) -> None:
    """`check 东镇/年报.xlsx 西镇/年报.xlsx --out X` and `check 县直/年报 乡镇/年报 --out Y` (each folder holding
    办公室.xlsx): the second input is named apart as a whole (年报~2), as batch names it, so that neither copy
    overwrites the other; the output says where each went, and each copy holds its own agency's report and marks."""
    natural = T3.cell_key("new", "natural")
    towns = {"东镇": ("11330521MB0000011", 90), "西镇": ("11330521MB0000012", 91)}
    for town, (code, value) in towns.items():
        (tmp_path / town).mkdir()
        build(tmp_path / town / "年报.xlsx", agency(f"某县{town}人民政府", code, **{natural: value}))
        (tmp_path / f"{town}办" / "年报").mkdir(parents=True)
        build(tmp_path / f"{town}办" / "年报" / "办公室.xlsx", agency(f"某县{town}办公室", code, **{natural: value}))

    def own_copies(found: list[dict], out: str, names: list[str]) -> None:
        assert [r["annotated"] for r in found] == [f"{out}/{n}" for n in names]  # where each copy went
        for r, (town, (_, value)) in zip(found, towns.items()):
            copy = tmp_path / r["annotated"]
            (checked,) = check_paths([copy])  # the copy read as any workbook: whose report it holds
            assert checked.agency["agency_name"].startswith(f"某县{town}"), r["annotated"]
            assert checked.values[natural] == value
            marks = _sheet_text(copy, RESULT_SHEET)
            assert all(f["message"] in marks for f in r["findings"]), r["annotated"]  # its own marks
            assert f"由 {value} 改为" in marks and f"由 {191 - value} 改为" not in marks

    proc = run("check", "东镇/年报.xlsx", "西镇/年报.xlsx", "--out", "X", "--format", "json", cwd=tmp_path)
    assert proc.returncode == EXIT_FINDINGS, proc.stdout + proc.stderr
    found = results(proc)
    own_copies(found, "X", ["年报.校验.xlsx", "年报~2.校验.xlsx"])
    assert any("年报~2.校验.xlsx" in n and "同名" in n for n in found[1]["notices"]), found[1]["notices"]
    assert not any("同名" in n for n in found[0]["notices"])
    proc = run("check", "东镇办/年报", "西镇办/年报", "--out", "Y", "--format", "json", cwd=tmp_path)
    own_copies(results(proc), "Y", ["年报/办公室.校验.xlsx", "年报~2/办公室.校验.xlsx"])
    proc = run("check", "东镇办/年报", "西镇办/年报", "--out", "Y", cwd=tmp_path)  # the table output says it too
    assert "标注副本：Y/年报/办公室.校验.xlsx" in proc.stdout and "标注副本：Y/年报~2/办公室.校验.xlsx" in proc.stdout


def test_check_an_annotated_copy_again_refreshes_it(books: Path, tmp_path: Path) -> None:
    """Fixing values in the annotated copy and checking it again updates that copy, and says so."""
    source = copy(books / "wrong.xlsx", tmp_path / "report.xlsx")
    before = sha(source)
    assert run("check", "report.xlsx", cwd=tmp_path).returncode == EXIT_FINDINGS
    fixed = openpyxl.load_workbook(tmp_path / "report.校验.xlsx")
    key_sheet, key_cell = address(WRONG_KEY)
    fixed[key_sheet][key_cell] = balanced_values(default_template())[WRONG_KEY]
    fixed.save(tmp_path / "report.校验.xlsx")
    (again,) = results(run("check", "report.校验.xlsx", "--format", "json", cwd=tmp_path))
    assert again["counts"]["error"] == 0
    assert again["annotated"] == "report.校验.xlsx"
    assert any("已在其中更新标注" in n for n in again["notices"])
    assert sha(source) == before
    assert listing(tmp_path) == {"report.xlsx", "report.校验.xlsx"}


@pytest.fixture
def plain_balanced(tmp_path: Path) -> Path:
    """The balanced report in a workbook without formulas (no live checks), which python-calamine reads."""
    return build(tmp_path / "plain.xlsx", balanced_values(default_template()))


def test_cell_text_and_paths_are_never_markup_or_illegal_xml(plain_balanced: Path, tmp_path: Path) -> None:
    """Text typed into cells ends up in messages: "[/]" must not be read as rich markup, and a control character
    (which Excel stores as _x0001_) must not break the annotated copy."""
    wb = openpyxl.load_workbook(plain_balanced)
    wb["表三"]["F9"] = "[/]"
    wb["表三"]["G9"] = "12_x0001_"  # how Excel stores the control character U+0001
    wb.save(tmp_path / "a[bold]b[red].xlsx")
    proc = run("check", "a[bold]b[red].xlsx", cwd=tmp_path)
    assert proc.returncode == EXIT_FINDINGS, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "a[bold]b[red].xlsx" in proc.stdout and "填了「[/]」" in proc.stdout
    copy_ = openpyxl.load_workbook(tmp_path / "a[bold]b[red].校验.xlsx")
    assert "12\ufffd" in copy_["表三"]["G9"].comment.text


def broken_copy(source: Path, target: Path, part: str) -> Path:
    """source with one part cut off after its first tag."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():
            zout.writestr(name, zin.read(name).split(b">")[0] if name == part else zin.read(name))
    return target


def test_a_package_openpyxl_cannot_open_is_checked_and_annotated(plain_balanced: Path, tmp_path: Path) -> None:
    """Values read fine (calamine) and a broken document-properties part, which would stop openpyxl, is not one the
    copy needs to change: it is copied as it is."""
    broken_copy(plain_balanced, tmp_path / "broken.xlsx", "docProps/core.xml")
    (result,) = results(proc := run("check", "broken.xlsx", "--format", "json", cwd=tmp_path))
    assert proc.returncode == EXIT_OK and result["annotated"] == "broken.校验.xlsx"
    with zipfile.ZipFile(tmp_path / "broken.xlsx") as zin, zipfile.ZipFile(tmp_path / "broken.校验.xlsx") as zout:
        assert zin.read("docProps/core.xml") == zout.read("docProps/core.xml")
    assert run("clear", "broken.校验.xlsx", cwd=tmp_path).returncode == EXIT_OK


@pytest.mark.parametrize(
    "options", [("--in-place", "--out", "x"), ("--in-place", "--no-annotate"), ("--out", "x", "--no-annotate")]
)
def test_output_modes_exclude_each_other(balanced: Path, options: tuple[str, ...]) -> None:
    proc = run("check", str(balanced), *options)
    assert proc.returncode == EXIT_USAGE and "不能与" in proc.stderr


def test_output_piped_into_a_reader_that_stops_early() -> None:
    """`nianbao template --layout | head -1`: the reader closing the pipe is no reason for a traceback."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "validator", "template", "--layout"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout.readline().strip() == b"{"
    proc.stdout.close()
    assert proc.wait(timeout=60) in (0, 141)
    assert b"Traceback" not in proc.stderr.read()


def test_check_help_says_it_reads_published_pages_word_and_pdf() -> None:
    proc = run("check", "--help")
    assert proc.returncode == 0
    text = re.sub(r"\s+", "", proc.stdout)
    assert (
        "网页（.html/.htm，网页存档.mht/.mhtml）、Word（.docx）、PDF版年报" in text and "工作簿（.xlsx/.xlsm）" in text
    )
    assert "要校验的年报文件" in text
    batch = re.sub(r"\s+", "", run("batch", "--help").stdout)
    assert "年报（工作簿，或网页、Word、PDF版年报）" in batch
