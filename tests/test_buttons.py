"""The buttons: the macro-enabled template and the ribbon add-in, proven as far as Linux can (olevba, LibreOffice)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from oletools.olevba import VBA_Parser
from openpyxl import load_workbook

from tests.conftest import Convert
from validator.buttons.addin import QUICKSTART, RIBBON_BUTTONS
from validator.buttons.texts import TEXTS, macros_dir
from validator.spec import default_template

MACROS = macros_dir()
TEMPLATE = default_template()
BUTTON_SHEETS = [TEMPLATE.sheets[0].name] + [s.name for s in TEMPLATE.sheets if s.tables]
NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "form": "urn:oasis:names:tc:opendocument:xmlns:form:1.0",
    "script": "urn:oasis:names:tc:opendocument:xmlns:script:1.0",
    "xlink": "http://www.w3.org/1999/xlink",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
}


def nianbao(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "validator", *args], cwd=cwd, capture_output=True, text=True)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The .xlsx and .xlsm templates and the add-in, built by the command line."""
    folder = tmp_path_factory.mktemp("buttons")
    for args in (
        ("template", "-o", "t.xlsx"),
        ("template", "--xlsm", "-o", "t.xlsm"),
        ("excel", "addin", "-o", "addin"),
    ):
        proc = nianbao(*args, cwd=folder)
        assert proc.returncode == 0, proc.stderr
    return folder


def _modules(path: Path) -> dict[str, str]:
    """VBA module name → source, as olevba reads them back from a built file."""
    parser = VBA_Parser(str(path))
    try:
        return {Path(name).stem: code.replace("\r\n", "\n").strip() for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def _source(bas: str) -> str:
    return (MACROS / bas).read_text(encoding="ascii").strip()


def _public_subs(bas: str) -> set[str]:
    return set(re.findall(r"^Public Sub (\w+)", (MACROS / bas).read_text(encoding="ascii"), re.M))


def test_macro_sources_are_ascii() -> None:
    for bas in MACROS.glob("*.bas"):
        bas.read_text(encoding="ascii")  # raises on any other character


def test_olevba_reads_back_the_modules(built: Path) -> None:
    xlsm = _modules(built / "t.xlsm")
    assert xlsm["Nianbao"] == _source("Nianbao.bas")
    sheets = {f"Sheet{i}" for i in range(1, len(TEMPLATE.sheets) + 2)}  # and the hidden template-info sheet
    assert set(xlsm) == {"ThisWorkbook", "Nianbao"} | sheets
    addin = _modules(built / "addin" / "年报校验.xlam")
    assert addin["NianbaoRibbon"] == _source("NianbaoRibbon.bas")


def test_libreoffice_binds_every_button_to_its_macro(built: Path, convert: Convert, tmp_path: Path) -> None:
    fods = ElementTree.parse(convert(built / "t.xlsm", "fods", tmp_path))
    bound: dict[str, list[tuple[str, str]]] = {}
    for table in fods.getroot().iter(f"{{{NS['table']}}}table"):
        name = table.get(f"{{{NS['table']}}}name")
        for button in table.iter(f"{{{NS['form']}}}button"):
            listener = button.find(".//script:event-listener", NS)
            event = listener.get(f"{{{NS['script']}}}event-name")
            href = listener.get(f"{{{NS['xlink']}}}href")
            bound.setdefault(name, []).append((button.get(f"{{{NS['form']}}}label"), f"{event} {href}"))
    target = "form:performaction vnd.sun.star.script:VBAProject.Nianbao.{}?language=Basic&location=document"
    expected = [("校验", target.format("NianbaoValidate")), ("清除标记", target.format("NianbaoClear"))]
    assert bound == dict.fromkeys(BUTTON_SHEETS, expected)
    assert {"NianbaoValidate", "NianbaoClear"} <= _public_subs("Nianbao.bas")


def test_xlsm_is_the_same_workbook_with_texts_for_the_macros(built: Path) -> None:
    xlsx, xlsm = load_workbook(built / "t.xlsx"), load_workbook(built / "t.xlsm", keep_vba=True)
    assert xlsm.sheetnames == xlsx.sheetnames
    for ws in xlsx.worksheets:
        other = xlsm[ws.title]
        assert [[c.value for c in row] for row in ws.iter_rows()] == [
            [c.value for c in row] for row in other.iter_rows()
        ]
        assert {str(r) for r in ws.merged_cells.ranges} == {str(r) for r in other.merged_cells.ranges}
        assert other.protection.sheet and ws.freeze_panes == other.freeze_panes
    names = {name: xlsm.defined_names[name].attr_text for name in TEXTS}
    assert names == {name: '"' + text.replace('"', '""') + '"' for name, text in TEXTS.items()}
    with zipfile.ZipFile(built / "t.xlsm") as archive:
        assert "macroEnabled" in archive.read("[Content_Types].xml").decode()


def test_checking_the_xlsm_equals_checking_the_xlsx(built: Path) -> None:
    reports = {}
    for name in ("t.xlsx", "t.xlsm"):
        proc = nianbao("check", name, "--format", "json", "--no-annotate", cwd=built)
        assert proc.returncode == 1, proc.stderr  # blank: required cells are empty
        [report] = json.loads(proc.stdout)["results"]
        reports[name] = [(f["rule"], f.get("cell"), f["message"]) for f in report["findings"]]
    assert reports["t.xlsm"] == reports["t.xlsx"] and reports["t.xlsx"]


def test_addin_is_the_quickstart_with_a_chinese_ribbon(built: Path) -> None:
    import xlwings

    quickstart = zipfile.ZipFile(Path(xlwings.__file__).parent / QUICKSTART)
    addin = zipfile.ZipFile(built / "addin" / "年报校验.xlam")
    changed = {"customUI/customUI.xml", "xl/vbaProject.bin", "xl/workbook.xml"}
    assert set(addin.namelist()) == set(quickstart.namelist())
    assert all(addin.read(n) == quickstart.read(n) for n in set(quickstart.namelist()) - changed)
    ribbon = ElementTree.fromstring(addin.read("customUI/customUI.xml"))
    ns = {"ui": "http://schemas.microsoft.com/office/2006/01/customui"}
    assert ribbon.find(".//ui:tab", ns).get("label") == "年报校验"
    buttons = [(b.get("label"), b.get("onAction")) for b in ribbon.iterfind(".//ui:button", ns)]
    assert [label for label, _ in buttons] == ["校验", "清除标记", "生成空白模板", "帮助"]
    callbacks = _public_subs("NianbaoRibbon.bas")
    assert all(
        action == f"NianbaoRibbon.{cb}" and cb in callbacks
        for (_, action), (_, _, cb, _, _) in zip(buttons, RIBBON_BUTTONS)
    )
    # The .xlsm hands its actions to the add-in's public NianbaoAction when the add-in is loaded.
    assert "NianbaoRibbon.NianbaoAction" in (MACROS / "Nianbao.bas").read_text() and "NianbaoAction" in callbacks


def test_xlsm_needs_the_xlsm_extension(tmp_path: Path) -> None:
    proc = nianbao("template", "--xlsm", "-o", "t.xlsx", cwd=tmp_path)
    assert proc.returncode == 3 and ".xlsm" in proc.stderr
    assert not list(tmp_path.iterdir())
