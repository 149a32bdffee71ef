"""The zip-level painter on every kind of package: untouched entries stay byte for byte, clearing gives back every
part, and openpyxl, python-calamine, LibreOffice and openxml-audit accept each copy as they accepted its input."""

from __future__ import annotations

import json
import posixpath
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from collections.abc import Callable
from copy import copy
from pathlib import Path

import openpyxl
import pytest
from lxml import etree
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter
from packages import with_shared_strings
from python_calamine import CalamineWorkbook
from test_writeback import C8, D8, J8, T4_C5, build_source, entries, sample_report

from validator.annotate.zip_painter import UNDO_PART, clear_file, write_annotated
from validator.cellref import CellRef
from validator.cli import main
from validator.findings import FileReport, Finding, Related
from validator.names import MARKS_SHEET, RESULT_SHEET

Build = Callable[[Path], Path]
MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STRICT_MAIN = b"http://purl.oclc.org/ooxml/spreadsheetml/main"
STRICT_RELS = b"http://purl.oclc.org/ooxml/officeDocument/relationships"
NEW_ROW = CellRef("表四", 40, 8)  # no row 40 on 表四: the row and the cell are added in order
MERGED = CellRef("表三", 1, 5)  # inside A1:J1, marked on A1
# What marking may rewrite; everything else (drawings, charts, media, VBA, theme, core properties…) stays as it is.
CHANGEABLE = re.compile(
    r".*(?:styles\.xml|workbook\.xml|\.rels|\[Content_Types\]\.xml|app\.xml|/sheet\d+\.xml|"
    r"comments?\d*\.xml|\.vml)"
)


def report_for(path: Path) -> FileReport:
    report = sample_report(path)
    report.findings += [
        Finding("TY01", "warning", "应填写整数", NEW_ROW),
        Finding("TX01", "info", "标题有误", MERGED),
    ]
    return report


def rewrite(source: Path, target: Path, edit: Callable[[str, bytes], tuple[str, bytes]]) -> Path:
    """A copy of a package with each entry renamed and edited by `edit(name, data) → (name, data)`."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(*edit(info.filename, zin.read(info)))
    return target


# ---------------------------------------------------------------- kinds of input


def by_openpyxl(folder: Path) -> Path:
    """openpyxl's package: shared strings, relative targets, a picture, notes, a rich-text cell."""
    return build_source(folder / "openpyxl.xlsx")


def with_chart_protection_and_hidden(folder: Path) -> Path:
    """A chart (a drawing and its chart part), a protected sheet and a hidden one."""
    path = build_source(folder / "chart.xlsx")
    wb = openpyxl.load_workbook(path, rich_text=True)
    chart = BarChart()
    chart.add_data(Reference(wb["表四"], min_col=3, max_col=5, min_row=5, max_row=5))
    wb["表四"].add_chart(chart, "H2")
    wb["表三"].protection.sheet = True
    wb["表二"].sheet_state = "hidden"
    wb.save(path)
    return path


def shared_implied(folder: Path) -> Path:
    """Shared strings (as Excel and WPS save them) and cells without their address (positions implied)."""
    shared = with_shared_strings(by_openpyxl(folder / "src"), folder / "src" / "shared.xlsx", declared=0)

    def edit(name: str, data: bytes) -> tuple[str, bytes]:
        if name.startswith("xl/worksheets/sheet"):
            data = re.sub(rb'<c r="[A-Z]+\d+"', b"<c", data)
        elif name == "xl/sharedStrings.xml":
            count = str(data.count(b"<si>")).encode()
            data = re.sub(rb'count="0" uniqueCount="0"', b'count="%s" uniqueCount="%s"' % (count, count), data)
        return name, data

    return rewrite(shared, folder / "shared.xlsx", edit)


EXCEL_APP = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
 xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><Application>Microsoft Excel</Application>
<HeadingPairs><vt:vector size="4" baseType="variant"><vt:variant><vt:lpstr>工作表</vt:lpstr></vt:variant>
<vt:variant><vt:i4>3</vt:i4></vt:variant><vt:variant><vt:lpstr>命名范围</vt:lpstr></vt:variant>
<vt:variant><vt:i4>1</vt:i4></vt:variant></vt:vector></HeadingPairs>
<TitlesOfParts><vt:vector size="4" baseType="lpstr"><vt:lpstr>表二</vt:lpstr><vt:lpstr>表三</vt:lpstr><vt:lpstr>表四</vt:lpstr>
<vt:lpstr>申请合计</vt:lpstr></vt:vector></TitlesOfParts></Properties>""".encode()


def absolute_elsewhere(folder: Path) -> Path:
    """As Excel saves: absolute part names and the sheet titles in docProps/app.xml; and the workbook's parts in
    `excel/` instead of `xl/` (found through relationships)."""
    source = with_chart_protection_and_hidden(folder / "src")

    def edit(name: str, data: bytes) -> tuple[str, bytes]:
        if name == "docProps/app.xml":
            return name, EXCEL_APP
        data = re.sub(
            rb'Target="(?:\.\./)?(worksheets|theme|styles|sharedStrings|drawings|charts|media|comments)',
            lambda m: b'Target="/excel/' + m[1] if name.startswith("xl/") else m[0],
            data,
        )
        for old in (b'Target="xl/', b'Target="/xl/', b'PartName="/xl/'):
            data = data.replace(old, old.replace(b"xl/", b"excel/").replace(b'"excel', b'"/excel'))
        return re.sub(r"^xl/", "excel/", name), data

    return rewrite(source, folder / "elsewhere.xlsx", edit)


def strict(folder: Path) -> Path:
    """Strict OOXML: the ISO namespaces for the spreadsheet and its relationships."""
    source = by_openpyxl(folder / "src")

    def edit(name: str, data: bytes) -> tuple[str, bytes]:
        data = data.replace(MAIN, STRICT_MAIN).replace(RELS, STRICT_RELS)
        if name == "xl/workbook.xml":
            data = data.replace(b"<workbook ", b'<workbook conformance="strict" ', 1)
        return name, data

    return rewrite(source, folder / "strict.xlsx", edit)


THREADED = (
    '<ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments">'
    '<threadedComment ref="J8" dT="2024-01-01T00:00:00.00" personId="{00000000-0000-0000-0000-000000000001}"'
    ' id="{00000000-0000-0000-0000-000000000002}"><text>请核对合计</text></threadedComment></ThreadedComments>'
)


def threaded(folder: Path) -> Path:
    """A threaded comment on 表三!J8, which keeps its legacy note too, as Excel saves them."""
    source = by_openpyxl(folder / "src")
    rel = (
        b'<Relationship Id="rIdT" Type="http://schemas.microsoft.com/office/2017/10/relationships/threadedComment"'
        b' Target="../threadedComments/threadedComment1.xml"/></Relationships>'
    )
    override = (
        b'<Override PartName="/xl/threadedComments/threadedComment1.xml"'
        b' ContentType="application/vnd.ms-excel.threadedcomments+xml"/></Types>'
    )

    def edit(name: str, data: bytes) -> tuple[str, bytes]:
        if name == "xl/worksheets/_rels/sheet2.xml.rels":
            data = data.replace(b"</Relationships>", rel)
        return name, data.replace(b"</Types>", override) if name == "[Content_Types].xml" else data

    path = rewrite(source, folder / "threaded.xlsx", edit)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/threadedComments/threadedComment1.xml", THREADED)
    return path


def xlsm_template(folder: Path) -> Path:
    """The macro-enabled template with its VBA project and buttons (VML drawings of form controls)."""
    path = folder / "模板.xlsm"
    assert main(["template", "--xlsm", "-o", str(path)]) == 0
    return path


def with_folders(folder: Path) -> Path:
    """As `zip -r` and some file managers pack an unpacked workbook again: an entry for each folder before its parts
    (Excel opens such a package; the copy keeps those entries too)."""
    source = by_openpyxl(folder / "src")
    path = folder / "folders.xlsx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        made: set[str] = set()
        for info in zin.infolist():
            parts = info.filename.split("/")[:-1]
            for depth in range(1, len(parts) + 1):
                if (entry := "/".join(parts[:depth]) + "/") not in made:
                    made.add(entry)
                    zout.writestr(zipfile.ZipInfo(entry), b"")  # a name ending in "/": zipfile marks it a folder
            zout.writestr(info.filename, zin.read(info))
    return path


def by_libreoffice(folder: Path, convert: Callable[[Path, str, Path], Path]) -> Path:
    return convert(by_openpyxl(folder / "src"), "xlsx:Calc MS Excel 2007 XML", folder)


KINDS: dict[str, Build] = {
    "openpyxl": by_openpyxl,
    "chart-protected-hidden": with_chart_protection_and_hidden,
    "shared-implied": shared_implied,
    "absolute-elsewhere": absolute_elsewhere,
    "strict": strict,
    "threaded": threaded,
    "xlsm": xlsm_template,
    "folders": with_folders,
}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory, convert) -> dict[str, Path]:
    made = {}
    for kind, build in KINDS.items():
        folder = tmp_path_factory.mktemp(kind)
        (folder / "src").mkdir()
        made[kind] = build(folder)
    folder = tmp_path_factory.mktemp("libreoffice")
    (folder / "src").mkdir()
    made["libreoffice"] = by_libreoffice(folder, convert)
    return made


@pytest.fixture(scope="module")
def copies(inputs: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("copies")
    return {kind: write_annotated(path, report_for(path), out / kind).path for kind, path in inputs.items()}


ALL = [*KINDS, "libreoffice"]


# ---------------------------------------------------------------- what every copy must be


@pytest.mark.parametrize("kind", ALL)
def test_untouched_entries_are_copied_byte_for_byte_in_order(kind: str, inputs, copies) -> None:
    before, after = entries(inputs[kind]), entries(copies[kind])
    assert list(after)[: len(before)] == list(before)
    changed = [name for name in before if after[name] != before[name]]
    assert changed and all(CHANGEABLE.fullmatch(name) for name in changed), changed
    with zipfile.ZipFile(inputs[kind]) as a, zipfile.ZipFile(copies[kind]) as b:
        for name in set(before) - set(changed):
            assert a.getinfo(name).compress_type == b.getinfo(name).compress_type, name
        assert b.testzip() is None


@pytest.mark.parametrize("kind", ALL)
def test_clearing_gives_back_every_part(kind: str, inputs, copies, tmp_path: Path) -> None:
    cleared = tmp_path / "cleared.xlsx"
    assert clear_file(copies[kind], cleared)
    assert list(entries(cleared).items()) == list(entries(inputs[kind]).items())


OPENPYXL_CANNOT = ("strict", "absolute-elsewhere")  # it cannot open these inputs either: LibreOffice converts them


@pytest.mark.parametrize("kind", [k for k in ALL if k not in OPENPYXL_CANNOT])
def test_openpyxl_reads_the_marks(kind: str, inputs, copies) -> None:
    wb = openpyxl.load_workbook(copies[kind])
    assert wb.sheetnames[0] == RESULT_SHEET and wb.sheetnames[-1] == MARKS_SHEET and wb.active.title == RESULT_SHEET
    assert [ws.title for ws in wb if ws.sheet_view.tabSelected] == [RESULT_SHEET]
    assert wb[MARKS_SHEET].sheet_state == "veryHidden"
    c8 = CellRef("表三", 8, 2) if kind == "xlsm" else C8  # the template merges B8:C8: marked on B8
    for ref, rgb in ((J8, "FFFFC7CE"), (c8, "FFFDEBEE"), (NEW_ROW, "FFFFEB9C"), (CellRef("表三", 1, 1), "FFDDEBF7")):
        cell = wb[ref.sheet][ref.coordinate]
        assert (cell.fill.fill_type, cell.fill.fgColor.rgb) == ("solid", rgb), ref
    assert wb["表四"][NEW_ROW.coordinate].comment.text == "【警告·TY01】应填写整数"
    assert wb["表四"][T4_C5.coordinate].comment.author == "年报校验"
    j8 = wb["表三"]["J8"].comment
    if kind == "threaded":  # a threaded comment is left as it is: the fill and the results sheet tell the finding
        assert j8.text == "填报人：合计按系统导出"
    elif kind != "xlsm":
        assert j8.text.startswith("【错误·EQ03】") and j8.text.endswith("——原批注——\n填报人：合计按系统导出")
    links = [c.hyperlink.location for c in wb[RESULT_SHEET]["D"] if c.hyperlink]
    assert "'表三'!J8" in links


@pytest.mark.parametrize("kind", ALL)
def test_calamine_reads_the_same_values(kind: str, inputs, copies) -> None:
    before, after = CalamineWorkbook.from_path(str(inputs[kind])), CalamineWorkbook.from_path(str(copies[kind]))
    assert after.sheet_names == [RESULT_SHEET, *before.sheet_names, MARKS_SHEET]
    for name in before.sheet_names:
        assert after.get_sheet_by_name(name).to_python() == before.get_sheet_by_name(name).to_python(), name
    results = after.get_sheet_by_name(RESULT_SHEET).to_python()
    assert results[0][0] == "政府信息公开工作年度报告校验结果"


VML = "urn:schemas-microsoft-com:vml"
OFFICE = "urn:schemas-microsoft-com:office:office"
EXCEL = "urn:schemas-microsoft-com:office:excel"


def drawings(path: Path) -> dict[str, etree._Element]:
    """Every VML drawing of a package, parsed by lxml: one that is not namespace-well-formed XML fails."""
    return {name: etree.fromstring(data) for name, data in entries(path).items() if name.endswith(".vml")}


def shape_ids(drawing: etree._Element) -> list[int]:
    """The numbers of the `_x0000_s<n>` ids (and `o:spid`s) of a drawing's shapes, whatever their prefixes."""
    found = (
        shape.get(attribute) for shape in drawing.iter(f"{{{VML}}}shape") for attribute in ("id", f"{{{OFFICE}}}spid")
    )
    return [int(m[1]) for value in found if (m := re.fullmatch(r"_x0000_s(\d+)", value or ""))]


def declared_blocks(drawing: etree._Element) -> set[int]:
    """The shape-id blocks a drawing's `idmap` declares (data="1,2")."""
    return {
        int(n) for idmap in drawing.iter(f"{{{OFFICE}}}idmap") for n in idmap.get("data", "").split(",") if n.strip()
    }


def assert_shape_ids_unique(path: Path, shared: frozenset[int] = frozenset()) -> None:
    """Every shape id is unique across the workbook: each drawing's ids lie in blocks it declares, and no two
    drawings use or declare a block (ISO 29500-1 14.2.2.14; Excel asks to repair a workbook whose drawings share
    ids), apart from the blocks `shared` that the input's own drawings already declared twice."""
    found = drawings(path)
    used = {name: {n // 1024 for n in shape_ids(drawing)} for name, drawing in found.items()}
    for name, drawing in found.items():
        assert used[name] <= declared_blocks(drawing), name
    repeated = [n for n, times in Counter(n for d in found.values() for n in shape_ids(d)).items() if times > 1]
    assert repeated == []
    blocks = [block for name in found for block in used[name]]
    assert len(blocks) == len(set(blocks)), used
    declared = Counter(block for drawing in found.values() for block in declared_blocks(drawing))
    assert {block for block, times in declared.items() if times > 1} <= shared


def notes_and_shapes(path: Path) -> dict[str, tuple[list[str], list[str]]]:
    """Per worksheet with notes: the cells its comments part has notes on, and the cells its VML drawing's note
    shapes are anchored on (by namespace, whatever the prefixes)."""
    parts, out = entries(path), {}
    for rels, data in parts.items():
        folder, _, name = rels.rpartition("_rels/")
        if not name.endswith(".xml.rels") or not folder.endswith("worksheets/"):
            continue
        targets = {}
        for rel in etree.fromstring(data):
            target = rel.get("Target", "")
            kind = rel.get("Type", "").rpartition("/")[2]
            targets[kind] = target[1:] if target.startswith("/") else posixpath.normpath(folder + target)
        if "comments" not in targets and "vmlDrawing" not in targets:
            continue
        comments = etree.fromstring(parts[targets["comments"]]) if "comments" in targets else None
        refs = [] if comments is None else [c.get("ref") for c in comments.iter("{*}comment")]
        anchors = []
        drawing = etree.fromstring(parts[targets["vmlDrawing"]]) if "vmlDrawing" in targets else None
        for data_el in [] if drawing is None else drawing.iter(f"{{{EXCEL}}}ClientData"):
            if data_el.get("ObjectType") == "Note":
                row, col = int(data_el.findtext(f"{{{EXCEL}}}Row")), int(data_el.findtext(f"{{{EXCEL}}}Column"))
                anchors.append(f"{get_column_letter(col + 1)}{row + 1}")
        out[folder + name.removesuffix(".rels")] = (sorted(refs), sorted(anchors))
    return out


def assert_one_shape_per_note(path: Path) -> None:
    """Every note has its shape in the drawing and every note shape its note: none lost, none left behind."""
    for sheet, (refs, anchors) in notes_and_shapes(path).items():
        assert refs == anchors, sheet


@pytest.mark.parametrize("kind", ALL)
def test_notes_drawings_are_well_formed_with_ids_unique_across_the_workbook(kind: str, inputs, copies) -> None:
    assert_shape_ids_unique(inputs[kind])  # what the copy must keep true
    assert_shape_ids_unique(copies[kind])
    assert_one_shape_per_note(copies[kind])
    assert len(notes_and_shapes(copies[kind])) >= 2  # 表三 and 表四 have notes


def problems(path: Path) -> set[str]:
    """openxml-audit's findings, with part and sheet numbers left out (a copy has more sheets of the same kind)."""
    from openxml_audit import OpenXmlValidator

    found = OpenXmlValidator(max_errors=10_000).validate(str(path)).errors
    return {re.sub(r"\d+", "N", f"{e.error_type.value} {e.path} {e.description}") for e in found}


@pytest.mark.parametrize("kind", ALL)
def test_openxml_audit_finds_nothing_new(kind: str, inputs, copies) -> None:
    assert problems(copies[kind]) - problems(inputs[kind]) == set()


def test_libreoffice_renders_every_copy(copies, convert_all, pdftotext: str, tmp_path: Path) -> None:
    kinds = list(copies)
    pdfs = convert_all([copies[k] for k in kinds], "pdf", tmp_path)
    for kind, pdf in zip(kinds, pdfs, strict=True):
        first = subprocess.run([pdftotext, "-l", "1", str(pdf), "-"], check=True, capture_output=True, text=True)
        assert "校验结果" in first.stdout and "EQ03" in first.stdout, kind


def test_app_properties_list_the_sheets_as_excel_does(copies) -> None:
    app = entries(copies["absolute-elsewhere"])["docProps/app.xml"].decode()
    titles = re.findall(r"<vt:lpstr>([^<]*)</vt:lpstr>", app.split("<TitlesOfParts>")[1])
    assert titles == [RESULT_SHEET, "表二", "表三", "表四", MARKS_SHEET, "申请合计"]
    assert "<vt:i4>5</vt:i4>" in app and '<vt:vector size="6" baseType="lpstr">' in app


def test_a_strict_copy_is_strict(copies) -> None:
    added = entries(copies["strict"])
    assert all(MAIN not in data and RELS not in data for data in added.values())
    assert STRICT_MAIN in added["xl/worksheets/sheet4.xml"]  # the results sheet


@pytest.mark.parametrize("kind", OPENPYXL_CANNOT)
def test_libreoffice_reads_the_marks_openpyxl_cannot_open(kind: str, copies, convert, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(convert(copies[kind], "xlsx:Calc MS Excel 2007 XML", tmp_path))
    assert wb.sheetnames[0] == RESULT_SHEET
    assert wb["表三"]["J8"].fill.fgColor.rgb == "FFFFC7CE" and wb["表三"]["J8"].comment.text.startswith("【错误·EQ03】")


def test_the_xlsm_keeps_its_macros_and_buttons_beside_the_notes(inputs, copies) -> None:
    before, after = entries(inputs["xlsm"]), entries(copies["xlsm"])
    assert copies["xlsm"].suffix == ".xlsm" and after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    with zipfile.ZipFile(inputs["xlsm"]) as zf:
        rels = zf.read("xl/worksheets/_rels/sheet4.xml.rels").decode()  # 表三
    vml = "xl/drawings/" + re.search(r"vmlDrawing\d+\.vml", rels)[0]
    assert after[vml].count(b'ObjectType="Button"') == before[vml].count(b'ObjectType="Button"') > 0
    assert b'ObjectType="Note"' in after[vml]
    ids = re.findall(rb'id="(_x0000_s\d+)"', b"".join(d for n, d in after.items() if n.endswith(".vml")))
    assert len(ids) == len(set(ids))  # shape ids stay unique across the workbook


def test_an_annotated_copy_checked_again_is_refreshed_and_cleared_exactly(inputs, tmp_path: Path) -> None:
    source = inputs["xlsm"]
    once = write_annotated(source, report_for(source), tmp_path).path
    again = write_annotated(once, FileReport(path=str(once), findings=[Finding("EQ01", "warning", "不等", D8)]))
    assert again.path == once and again.notices
    wb = openpyxl.load_workbook(once)
    assert wb["表三"]["J8"].comment is None or not wb["表三"]["J8"].comment.text.startswith("【")
    assert wb["表三"]["D8"].fill.fgColor.rgb == "FFFFEB9C" and wb["表三"]["J8"].fill.fgColor.rgb != "FFFFC7CE"
    assert clear_file(once)
    assert list(entries(once).items()) == list(entries(source).items())


def test_a_copy_edited_in_another_program_is_still_cleared(inputs, tmp_path: Path) -> None:
    """Saved again by another program (here openpyxl), the undo store no longer matches: cleared cell by cell."""
    source = inputs["openpyxl"]
    marked = write_annotated(source, report_for(source), tmp_path).path
    wb = openpyxl.load_workbook(marked, rich_text=True)
    wb["表二"]["A20"] = "用户后来填写的内容"
    wb.save(marked)
    assert UNDO_PART not in entries(marked)
    assert clear_file(marked)
    cleared = openpyxl.load_workbook(marked)
    assert cleared.sheetnames == ["表二", "表三", "表四"] and cleared["表二"]["A20"].value == "用户后来填写的内容"
    assert cleared["表三"]["J8"].comment.text == "填报人：合计按系统导出"
    assert cleared["表三"]["J8"].fill.fill_type is None


def test_a_copy_saved_again_by_libreoffice_is_cleared_cell_by_cell(copies, inputs, convert, tmp_path: Path) -> None:
    """LibreOffice rewrites every part (shared strings in the undo record, its own styles): cleared from the record."""
    resaved = convert(copies["openpyxl"], "xlsx:Calc MS Excel 2007 XML", tmp_path)
    assert clear_file(resaved)
    cleared, original = openpyxl.load_workbook(resaved), openpyxl.load_workbook(inputs["openpyxl"])
    assert cleared.sheetnames == original.sheetnames and cleared.active.title == "表三"
    for ref in (J8, C8, D8, T4_C5, NEW_ROW, CellRef("表三", 1, 1)):
        after, before = cleared[ref.sheet][ref.coordinate], original[ref.sheet][ref.coordinate]
        assert copy(after.fill) == copy(before.fill), ref  # the exact fill: a theme colour, a gradient
        assert (after.comment.text if after.comment else None) == (before.comment.text if before.comment else None)


def test_a_copy_saved_by_openpyxl_is_cleared_and_checked_again_one_shape_per_note(inputs, tmp_path: Path) -> None:
    """openpyxl writes the notes' drawings with prefixes ns0/ns1/ns2: the note shapes are found and added whatever
    the prefixes, so clearing leaves no shape behind and checking again does not double them."""
    source = inputs["openpyxl"]
    marked = write_annotated(source, report_for(source), tmp_path).path
    openpyxl.load_workbook(marked, rich_text=True).save(marked)
    assert any(b"<ns1:shape " in data for data in map(entries(marked).get, drawings(marked)))
    again = write_annotated(marked, report_for(source), tmp_path / "again").path
    assert_shape_ids_unique(again, shared=frozenset({1}))  # openpyxl declares block 1 in each drawing
    assert_one_shape_per_note(again)
    assert clear_file(marked)
    assert_one_shape_per_note(marked)
    assert [refs for refs, _ in notes_and_shapes(marked).values() if refs] == [["A8", "J8"]]  # 表三's own notes


def spelled_blocks(name: str, data: bytes) -> tuple[str, bytes]:
    """openpyxl's drawing declaring two blocks, one of them unused: data="1, 3"."""
    return name, data.replace(b'data="1"', b'data="1, 3"') if name.endswith(".vml") else data


def undeclared_blocks(name: str, data: bytes) -> tuple[str, bytes]:
    """A drawing without an idmap, its shapes numbered in block 2: its block is told by their ids."""
    if name.endswith(".vml"):
        data = re.sub(rb"<ns0:shapelayout.*?</ns0:shapelayout>", b"", data)
        data = re.sub(rb"_x0000_s1(\d\d\d)", lambda m: b"_x0000_s%d" % (int(m[1]) + 2048), data)
    return name, data


@pytest.mark.parametrize(("edit", "blocks"), [(spelled_blocks, [{1, 3}, {4}]), (undeclared_blocks, [{2}, {3}])])
def test_blocks_are_read_however_the_drawing_spells_them(edit, blocks: list[set[int]], inputs, tmp_path: Path):
    """The blocks a drawing uses, in openpyxl's prefixes: all those its idmap lists, or those of its shapes' ids when
    it has none. 表三's notes go in its own block, declared; 表四's new drawing gets the next block."""
    source = rewrite(inputs["openpyxl"], tmp_path / "blocks.xlsx", edit)
    copied = write_annotated(source, report_for(source), tmp_path / "out").path
    assert_shape_ids_unique(copied)
    assert_one_shape_per_note(copied)
    t3 = "xl/drawings/commentsDrawing1.vml"
    assert [declared_blocks(d) for d in drawings(copied).values()] == blocks and t3 in drawings(copied)
    assert {n // 1024 for n in shape_ids(drawings(copied)[t3])} == {min(blocks[0])}


def test_a_copy_saved_by_libreoffice_and_checked_again_keeps_ids_unique(copies, convert, tmp_path: Path) -> None:
    """The README's round: the copy corrected in LibreOffice, saved, checked again. LibreOffice's drawings declare no
    id block (shapes "shape_0"…): the notes added to each get a block of their own."""
    resaved = convert(copies["openpyxl"], "xlsx:Calc MS Excel 2007 XML", tmp_path)
    assert not any(declared_blocks(d) for d in drawings(resaved).values())
    again = write_annotated(resaved, report_for(resaved), tmp_path / "again").path
    assert_shape_ids_unique(again)
    assert_one_shape_per_note(again)
    assert openpyxl.load_workbook(again)["表四"][NEW_ROW.coordinate].comment.text == "【警告·TY01】应填写整数"


# ---------------------------------------------------------------- hidden rows and columns


def hidden_columns(ws) -> set[int]:
    return {n for d in ws.column_dimensions.values() if d.hidden for n in range(d.min, d.max + 1)}


def hidden_rows(ws) -> set[int]:
    return {n for n, d in ws.row_dimensions.items() if d.hidden}


E8, C9, K8 = CellRef("表三", 8, 5), CellRef("表三", 9, 3), CellRef("表三", 8, 11)


def with_hidden_parts(tmp_path: Path) -> tuple[Path, Path]:
    """A workbook with one `<col>` range C:H hidden, rows 9 and 10 hidden and column K 0 wide, and its copy marked
    on E8 (related), C9 and K8."""
    source = build_source(tmp_path / "隐藏.xlsx")
    wb = openpyxl.load_workbook(source, rich_text=True)
    t3 = wb["表三"]
    t3.column_dimensions.group("C", "H", hidden=True)
    t3.row_dimensions[9].hidden = t3.row_dimensions[10].hidden = True
    wb.save(source)

    def zero_wide_k(name: str, data: bytes) -> tuple[str, bytes]:  # openpyxl does not write a 0 width
        if name == "xl/worksheets/sheet2.xml":
            data = data.replace(b"</cols>", b'<col min="11" max="11" width="0" customWidth="1"/></cols>')
        return name, data

    source = rewrite(source, tmp_path / "隐藏K.xlsx", zero_wide_k)
    report = FileReport(
        path=str(source),
        findings=[
            Finding("EQ03", "error", "合计应为 20，实为 7", J8, (Related(E8, "加数"),)),
            Finding("TY01", "warning", "应填写整数", C9),
            Finding("TY01", "warning", "应填写整数", K8),
        ],
    )
    return source, write_annotated(source, report, tmp_path / "out").path


def test_marked_cells_in_hidden_rows_and_columns_are_shown_and_clearing_hides_them_again(tmp_path: Path) -> None:
    source, marked = with_hidden_parts(tmp_path)
    t3 = openpyxl.load_workbook(marked)["表三"]
    assert hidden_columns(t3) == {4, 6, 7, 8} and hidden_rows(t3) == {10}  # only what holds a mark is shown
    assert t3.column_dimensions["K"].width > 0
    for ref, rgb, said in (
        (E8, "FFFDEBEE", "（该列原为隐藏，已在本副本中显示）"),
        (C9, "FFFFEB9C", "（该行和该列原为隐藏，已在本副本中显示）"),
        (K8, "FFFFEB9C", "（该列原为隐藏，已在本副本中显示）"),
    ):
        cell = t3[ref.coordinate]
        assert cell.fill.fgColor.rgb == rgb and cell.comment.text.endswith(said), ref
    assert "隐藏" not in t3["J8"].comment.text

    cleared = tmp_path / "cleared.xlsx"
    assert clear_file(marked, cleared)
    assert list(entries(cleared).items()) == list(entries(source).items())


def test_a_copy_saved_again_hides_the_shown_rows_and_columns_when_cleared(tmp_path: Path) -> None:
    """Cleared cell by cell from the undo record, the rows and columns shown for marks are hidden again."""
    _, marked = with_hidden_parts(tmp_path)
    openpyxl.load_workbook(marked, rich_text=True).save(marked)
    assert UNDO_PART not in entries(marked)
    assert clear_file(marked)
    t3 = openpyxl.load_workbook(marked)["表三"]
    assert hidden_columns(t3) == {3, 4, 5, 6, 7, 8, 11} and hidden_rows(t3) == {9, 10}
    assert t3["E8"].comment is None and t3["C9"].fill.fill_type is None


# ---------------------------------------------------------------- a notes drawing the painter cannot edit


def unrecognised_drawing(name: str, data: bytes) -> tuple[str, bytes]:
    """A notes drawing cut off inside its first tag (a damaged file): the workbook is read and checked all the same,
    since no reader needs the drawing, but no note can be added to it."""
    return name, data[: data.index(b'"') + 5] if name.endswith(".vml") else data


def test_a_notes_drawing_that_is_no_drawing_is_checked_but_no_copy_is_written(
    balanced_workbook: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The findings are reported; the copy cannot be: said in Chinese (which part, what to do), exit code 4 as for
    any copy that cannot be written, and nothing written, neither a copy nor, in place, a backup."""
    wb = openpyxl.load_workbook(balanced_workbook)
    t3 = wb["表三"]
    number = next(c for row in t3.iter_rows() for c in row if type(c.value) is int and c.value > 0)
    number.value += 5  # a cross-total fails: 表三 gets notes
    t3["A1"].comment = Comment("原有批注", "张三")
    wb.save(tmp_path / "saved.xlsx")
    source = rewrite(tmp_path / "saved.xlsx", tmp_path / "年报.xlsx", unrecognised_drawing)
    (tmp_path / "saved.xlsx").unlink()
    original = source.read_bytes()

    out = tmp_path / "标注"
    assert main(["check", str(source), "--out", str(out), "--format", "json"]) == 4
    [result] = json.loads(capsys.readouterr().out)["results"]
    assert result["open_errors"] and any(f["rule"].startswith("EQ") for f in result["findings"])
    assert result["annotated"] is None
    said = " ".join(result["notices"])
    assert "无法生成标注副本" in said and "「表三」" in said and ".vml" in said and "另存" in said, said
    assert not any(p.is_file() for p in out.rglob("*"))

    assert main(["batch", str(source), "--out", str(tmp_path / "结果"), "--jobs", "1"]) == 1  # as other copies
    [line] = (tmp_path / "结果" / "results.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["annotated"] is None and "「表三」" in " ".join(json.loads(line)["notices"])
    shutil.rmtree(tmp_path / "结果")

    assert main(["check", str(source), "--in-place"]) == 4
    assert "「表三」" in capsys.readouterr().out
    assert source.read_bytes() == original and sorted(p.name for p in tmp_path.iterdir()) == ["年报.xlsx", "标注"]
