"""An annotated copy and an --in-place backup are named as their workbook's content type wants: Excel refuses a file
whose extension disagrees with it ("文件格式或文件扩展名无效"), which LibreOffice, openpyxl and calamine do not mind."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree
from packages import repack
from python_calamine import CalamineWorkbook
from test_writeback import build_source, entries, sample_report

from validator.annotate.zip_painter import clear_file, write_annotated
from validator.names import MARKS_SHEET, RESULT_SHEET

CONTENT_TYPES = "[Content_Types].xml"
BOOK = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_BOOK = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
TEMPLATE = "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml"
MACRO_TEMPLATE = "application/vnd.ms-excel.template.macroEnabled.main+xml"
ADDIN = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
# The extension Excel wants for each workbook content type.
EXTENSION = {BOOK: ".xlsx", MACRO_BOOK: ".xlsm", TEMPLATE: ".xltx", MACRO_TEMPLATE: ".xltm", ADDIN: ".xlam"}
VBA = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504  # a compound file's header: a stray VBA project

# (file, its workbook type, whether it carries a VBA project, the type its annotated copy must have)
CASES = [
    ("无宏.xlsm", MACRO_BOOK, False, MACRO_BOOK),  # saved as "Excel 启用宏的工作簿" from a workbook without VBA
    ("模板.xltx", TEMPLATE, False, BOOK),  # a template's copy is a workbook the agency opens to correct
    ("宏模板.xltm", MACRO_TEMPLATE, True, MACRO_BOOK),
    ("加载项.xlam", ADDIN, True, MACRO_BOOK),
    ("多余.xlsx", BOOK, True, BOOK),  # a stray vbaProject.bin does not make a workbook macro-enabled
]


def workbook_type(path: Path) -> str:
    """The content type [Content_Types].xml gives the workbook part."""
    with zipfile.ZipFile(path) as zf:
        types = etree.fromstring(zf.read(CONTENT_TYPES))
    return next(e.get("ContentType") for e in types if e.get("PartName") == "/xl/workbook.xml")


def declarations(data: bytes) -> list[tuple[str, dict[str, str]]]:
    """The entries of a [Content_Types].xml, in order."""
    return [(etree.QName(e).localname, dict(e.attrib)) for e in etree.fromstring(data)]


def typed(folder: Path, name: str, content_type: str, vba: bool) -> Path:
    """The report of test_writeback as a package of another workbook type, with a VBA project or without."""
    source = build_source(folder / "src.xlsx")
    retyped = repack(
        source,
        folder / name,
        lambda part, data: data.replace(BOOK.encode(), content_type.encode()) if part == CONTENT_TYPES else data,
        add={"xl/vbaProject.bin": VBA} if vba else None,
    )
    assert workbook_type(retyped) == content_type
    return retyped


@pytest.mark.parametrize(("name", "content_type", "vba", "copy_type"), CASES)
def test_the_copy_is_named_as_its_content_type_wants(
    name: str, content_type: str, vba: bool, copy_type: str, tmp_path: Path
) -> None:
    source = typed(tmp_path, name, content_type, vba)
    copied = write_annotated(source, sample_report(source), tmp_path / "out").path
    assert workbook_type(copied) == copy_type
    assert copied.name == f"{source.stem}.校验{EXTENSION[copy_type]}"
    wb = openpyxl.load_workbook(copied)
    assert wb.sheetnames == [RESULT_SHEET, "表二", "表三", "表四", MARKS_SHEET]
    assert wb["表三"]["J8"].comment.text.startswith("【错误·EQ03】")
    before, after = CalamineWorkbook.from_path(str(source)), CalamineWorkbook.from_path(str(copied))
    for sheet in before.sheet_names:
        assert after.get_sheet_by_name(sheet).to_python() == before.get_sheet_by_name(sheet).to_python(), sheet

    # Checked again, the copy is refreshed under its own name; cleared, it is the input as a workbook of its type.
    assert write_annotated(copied, sample_report(copied)).path == copied
    assert clear_file(copied)
    before, after = entries(source), entries(copied)
    assert list(after) == list(before)
    assert [name for name in before if after[name] != before[name]] == ([CONTENT_TYPES] * (copy_type != content_type))
    retyped = before[CONTENT_TYPES].replace(content_type.encode(), copy_type.encode())
    assert declarations(after[CONTENT_TYPES]) == declarations(retyped)


@pytest.mark.parametrize(("name", "content_type", "vba", "copy_type"), CASES)
def test_in_place_the_file_keeps_its_type_and_its_backup_is_named_after_it(
    name: str, content_type: str, vba: bool, copy_type: str, tmp_path: Path
) -> None:
    source = typed(tmp_path, name, content_type, vba)
    original = source.read_bytes()
    assert write_annotated(source, sample_report(source), in_place=True).path == source
    backup = source.with_name(f"{source.stem}.bak{EXTENSION[content_type]}")
    assert backup.read_bytes() == original
    assert workbook_type(source) == content_type
    marked = CalamineWorkbook.from_filelike(io.BytesIO(source.read_bytes()))  # openpyxl refuses add-ins
    assert marked.sheet_names == [RESULT_SHEET, "表二", "表三", "表四", MARKS_SHEET]
    assert [p.name for p in tmp_path.iterdir() if ".bak" in p.name] == [backup.name]
