"""Reading cached values: python-calamine plus the sheet XML for formulas and errors agrees with openpyxl."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import documents
import openpyxl
import pytest
from packages import add_row, edit_part, repack

from validator import check_paths
from validator.sources.docx import read_docx
from validator.sources.files import read_regular
from validator.sources.grid import ExcelError, ReadError, Uncached
from validator.sources.limits import Limits
from validator.sources.uncached import formulas_read
from validator.sources.xlsx import read_xlsx

SHEETS = {"表三": "xl/worksheets/sheet4.xml", "表四": "xl/worksheets/sheet5.xml"}  # parts of the generated workbook


def _comparable(value: object) -> object:
    # calamine gives dates as date, openpyxl as midnight datetimes; both are "a date" to the value rules.
    return value.date() if isinstance(value, dt.datetime) else value


def test_fast_and_exact_reads_agree(balanced_workbook: Path, tmp_path: Path):
    wb = openpyxl.load_workbook(balanced_workbook)
    ws = wb["表三"]
    ws["D7"], ws["E7"], ws["F7"], ws["G7"] = "２１", True, dt.datetime(2024, 3, 1), " 4 "
    ws.merge_cells("L2:M3")
    hidden = wb.create_sheet("备注")
    hidden.sheet_state = "hidden"
    hidden["A1"] = "内部备注"
    path = tmp_path / "mixed.xlsx"
    wb.save(path)
    fast, exact = read_xlsx(path), read_xlsx(path, exact=True)
    assert (
        [s.name for s in fast.sheets]
        == [s.name for s in exact.sheets]
        == ["封面", "正文", "表二", "表三", "表四", "备注"]
    )
    assert fast.template_id == exact.template_id == "gov-info-annual-report-2021"
    for a, b in zip(fast.sheets, exact.sheets):
        assert {k: _comparable(v) for k, v in a.cells.items()} == {k: _comparable(v) for k, v in b.cells.items()}
        assert sorted(a.merges) == sorted(b.merges)
        assert a.visible == b.visible
    assert not fast.sheets[-1].visible
    assert (2, 12, 3, 13) in fast.sheet("表三").merges


def test_formulas_and_errors_are_seen(balanced_workbook: Path, tmp_path: Path):
    wb = openpyxl.load_workbook(balanced_workbook)
    wb["表三"]["J7"] = "=SUM(D7:I7)"  # openpyxl saves no result: Excel never calculated it
    wb["表三"]["J8"] = "#DIV/0!"
    path = tmp_path / "formulas.xlsx"
    wb.save(path)
    cells = read_xlsx(path).sheet("表三").cells
    assert isinstance(cells[(7, 10)], Uncached) and cells[(7, 10)] == "=SUM(D7:I7)"
    assert isinstance(cells[(8, 10)], ExcelError) and cells[(8, 10)] == "#DIV/0!"


def _typed(grid) -> dict[str, dict]:
    """Cells by sheet, comparable across readers: calamine's 7.0 is openpyxl's 7, formulas and errors keep their type."""
    return {
        s.name: {
            k: (type(v).__name__ if isinstance(v, (Uncached, ExcelError)) else "", _comparable(v))
            for k, v in s.cells.items()
        }
        for s in grid.sheets
    }


def test_formulas_without_results_are_read_from_the_sheet_xml_as_openpyxl_reads_them(
    balanced_workbook: Path, tmp_path: Path
):
    wb = openpyxl.load_workbook(balanced_workbook)
    ws = wb["表三"]
    ws["J7"] = '=IF(D7<>"",SUM(D7:I7),"空 & 无")'  # escaped in the XML: &lt;&gt; &quot; &amp;
    ws["J8"] = "#N/A"
    ws["J9"].value, ws["J9"].data_type = "#REF!", "e"
    wb["表四"]["B5"] = "=表三!J7*2"
    path = tmp_path / "formulas.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path) as zf:  # read from the sheet XML, not by falling back to the exact reader
        assert formulas_read({p: zf.read(p) for p in zf.namelist()}, [SHEETS["表三"], SHEETS["表四"]]) is not None
    fast, exact = read_xlsx(path), read_xlsx(path, exact=True)
    assert _typed(fast) == _typed(exact)
    cells = fast.sheet("表三").cells
    assert cells[(7, 10)] == Uncached('=IF(D7<>"",SUM(D7:I7),"空 & 无")')
    assert isinstance(cells[(9, 10)], ExcelError) and cells[(9, 10)] == "#REF!"
    assert fast.sheet("表四").cells[(5, 2)] == Uncached("=表三!J7*2")


def test_a_shared_formula_without_results_is_read_exactly(balanced_workbook: Path, tmp_path: Path):
    """A shared formula's followers carry no text of their own: the exact reader translates the first cell's."""
    master = b'<c r="J7"><f t="shared" ref="J7:J8" si="0">SUM(D7:I7)</f><v></v></c>'
    follower = b'<c r="J8"><f t="shared" si="0"/><v></v></c>'

    def share(xml: bytes) -> bytes:
        xml = re.sub(rb'<c r="J7"[^>]*?(/>|>.*?</c>)', master, xml, count=1)
        return re.sub(rb'<c r="J8"[^>]*?(/>|>.*?</c>)', follower, xml, count=1)

    path = repack(balanced_workbook, tmp_path / "shared.xlsx", edit_part(SHEETS["表三"], share))
    with zipfile.ZipFile(path) as zf:
        assert formulas_read({p: zf.read(p) for p in zf.namelist()}, [SHEETS["表三"]]) is None
    cells = read_xlsx(path).sheet("表三").cells
    assert cells[(7, 10)] == Uncached("=SUM(D7:I7)")
    assert cells[(8, 10)] == Uncached("=SUM(D8:I8)")


def _with_cell(source: Path, target: Path, cell: bytes) -> Path:
    """`source` with 表三's J7 replaced by the XML `cell`."""
    return repack(
        source,
        target,
        edit_part(SHEETS["表三"], lambda xml: re.sub(rb'<c r="J7"[^>]*?(/>|>.*?</c>)', cell, xml, count=1)),
    )


def test_formula_cells_of_earlier_workbooks_are_read_as_this_workbook_saves_them(
    balanced_workbook: Path, tmp_path: Path
):
    """Formula cells are remembered from workbook to workbook (a template's repeat byte for byte): the same formula
    with a saved result, or an error value, in the next workbook is read as saved there."""
    formula = b'<c r="J7"><f>SUM(D7:I7)</f>%s</c>'
    unsaved = _with_cell(balanced_workbook, tmp_path / "未计算.xlsx", formula % b"<v></v>")
    saved = _with_cell(balanced_workbook, tmp_path / "已计算.xlsx", formula % b"<v>28</v>")
    error = _with_cell(balanced_workbook, tmp_path / "错误值.xlsx", b'<c r="J7" t="e"><f>SUM(D7:I7)</f><v>#N/A</v></c>')
    for path, expected in [(unsaved, Uncached("=SUM(D7:I7)")), (saved, 28.0), (error, ExcelError("#N/A"))] * 2:
        fast, exact = read_xlsx(path), read_xlsx(path, exact=True)
        assert _typed(fast) == _typed(exact)
        value = fast.sheet("表三").cells[(7, 10)]
        assert value == expected and type(value) is type(expected), path.name


def test_a_formula_not_right_after_its_cells_start_tag_is_read_exactly(balanced_workbook: Path, tmp_path: Path):
    """A formula that the one search over the sheet does not find with its cell (a comment between them) is looked
    up on its own: another shape, read by the exact reader."""
    path = _with_cell(
        balanced_workbook, tmp_path / "注释.xlsx", '<c r="J7"><!-- 合计 --><f>SUM(D7:I7)</f><v></v></c>'.encode()
    )
    with zipfile.ZipFile(path) as zf:
        assert formulas_read({p: zf.read(p) for p in zf.namelist()}, [SHEETS["表三"]]) is None
    assert read_xlsx(path).sheet("表三").cells[(7, 10)] == Uncached("=SUM(D7:I7)")


def test_a_far_away_cell_is_refused_before_any_reader_allocates_it(balanced_workbook: Path, tmp_path: Path):
    wb = openpyxl.load_workbook(balanced_workbook)
    wb["表三"]["XFD1048576"] = 1
    path = tmp_path / "far.xlsx"
    wb.save(path)
    with pytest.raises(ReadError, match="使用区域异常大") as refused:
        read_xlsx(path)
    assert refused.value.reason == "too_large"


def test_a_note_typed_far_from_the_table_is_refused_as_the_clerks_own_with_the_sheet_and_what_to_delete(
    balanced_workbook: Path, tmp_path: Path
):
    """A clerk's own workbook with a note typed far down an extra sheet is past the area limit. It was refused as
    「疑似损坏或恶意构造的文件」 with 「请核实文件来源」: the clerk was told nothing of where the cell is. It now names the
    sheet and how far its cells reach, the likely cause, and how to find the cell (Ctrl+End) and delete it."""
    wb = openpyxl.load_workbook(balanced_workbook)
    wb.create_sheet("台账").cell(row=100_000, column=30).value = "备注"
    path = tmp_path / "带台账的年报.xlsx"
    wb.save(path)
    with pytest.raises(ReadError) as refused:
        read_xlsx(path)
    message = refused.value.message
    assert message.startswith(
        "工作表「台账」的使用区域异常大（用到第 100000 行、第 AD 列，共 100000 行 × 30 列），"
        "超过单张工作表的使用区域上限（2000000 个单元格），已拒绝读取：常见原因是在远离表格的单元格中输入了内容"
    ), message
    assert "按 Ctrl+End 找到最远的单元格" in message and "NIANBAO_LIMIT_SHEET_AREA" in message
    assert "恶意构造" not in message and "核实文件来源" not in message
    assert refused.value.reason == "too_large"


@pytest.mark.parametrize("merged", ["A1:B1048576", "$C$1:$A$1048576", "A1:XFD1048576"])
def test_merges_covering_far_more_than_the_table_are_refused_before_the_locator_indexes_them(
    balanced_workbook: Path, tmp_path: Path, merged: str
):
    """A merge is no cell: merging whole columns (or a forged A1:XFD1048576) left every cell's address within the
    table, so the sheet passed the area limit and the locator, which indexes every merged cell, took millions of
    entries. The merged ranges of a sheet now count against that limit, and the clerk is told what to undo."""

    def merge(xml: bytes) -> bytes:
        return xml.replace(b"</mergeCells>", f'<mergeCell ref="{merged}"/></mergeCells>'.encode())

    path = repack(balanced_workbook, tmp_path / "合并.xlsx", edit_part(SHEETS["表三"], merge))
    with pytest.raises(ReadError) as refused:
        read_xlsx(path)
    message = refused.value.message
    assert message.startswith("工作表「表三」中合并单元格的范围合计"), message
    assert "常见原因是合并了整行、整列" in message and "取消合并后另存再校验" in message
    assert refused.value.reason == "too_large"


def test_a_file_past_a_size_limit_is_told_what_usually_makes_it_large(balanced_workbook: Path, tmp_path: Path):
    """Past the file size, a workbook is most often the agency's own with pictures or other tables in it: the
    message says so and to delete them, not that the file looks hostile."""
    with pytest.raises(ReadError) as refused:
        read_xlsx(balanced_workbook, limits=Limits(file_bytes=1024))
    message = refused.value.message
    assert "超过文件大小上限" in message and "插入了大量图片、扫描件" in message, message
    assert "请删除与年报无关的内容后另存再校验" in message and "恶意构造" not in message


@pytest.mark.parametrize(
    ("address", "refused"),
    [("ZZ999", False), ("A1400", False), ("AAA2", False), ("AAA2900", True), ("ZZ2900", True), ("zz2900", True)],
)
@pytest.mark.parametrize("quote", ['"', "'"])
def test_a_sheet_area_just_past_a_small_sheet_is_measured(
    balanced_workbook: Path, tmp_path: Path, address: str, refused: bool, quote: str
):
    """A sheet whose addresses all lie within ZZ999 is passed by one search; one address past it has the area
    measured (2,000,000 cells at most): AAA2900 spans 703 columns × 2,900 rows and is refused, A1400 is read."""
    row = int(re.sub("[A-Za-z]", "", address))
    cell = f"<row r={quote}{row}{quote}><c r={quote}{address}{quote}><v>7</v></c></row>".encode()
    path = repack(balanced_workbook, tmp_path / "edge.xlsx", edit_part(SHEETS["表三"], lambda xml: add_row(xml, cell)))
    if refused:
        with pytest.raises(ReadError, match="使用区域异常大"):
            read_xlsx(path)
    else:
        col = sum((ord(c) - 64) * 26**i for i, c in enumerate(reversed(re.sub("[0-9]", "", address).upper())))
        assert read_xlsx(path).sheet("表三").cells[(row, col)] == 7


def test_cells_without_addresses_are_read_where_readers_place_them(balanced_workbook: Path, tmp_path: Path):
    """A cell may leave out its address (some generators do): it follows the cell before it in its row. Such a
    sheet is read like any other when it is small, by both readers alike; far away, see tests/badfiles."""

    def strip(xml: bytes) -> bytes:
        return re.sub(rb'(<c) r="[A-Z]+[0-9]+"', rb"\1", xml)

    path = repack(balanced_workbook, tmp_path / "no-addresses.xlsx", edit_part(SHEETS["表四"], strip))
    with zipfile.ZipFile(path) as zf:
        assert b"<c " in zf.read(SHEETS["表四"]) and b'<c r="' not in zf.read(SHEETS["表四"])
    assert _typed(read_xlsx(path)) == _typed(read_xlsx(path, exact=True))


def test_a_sheet_nested_100000_deep_is_read_without_harm(balanced_workbook: Path, tmp_path: Path):
    """python-calamine's XML reader is iterative, and openpyxl streams sheets: nesting is no danger to either, so it
    is not counted for them (the Word reader, which recurses, still counts it: see test_docx_reading.py)."""
    nested = b"<r>" * 100_000 + b"</r>" * 100_000
    row = b'<row r="90"><c r="A90" t="inlineStr"><is>' + nested + b'</is></c><c r="B90"><v>7</v></c></row>'
    path = repack(balanced_workbook, tmp_path / "deep.xlsx", edit_part(SHEETS["表三"], lambda xml: add_row(xml, row)))
    for exact in (False, True):
        assert read_xlsx(path, exact=exact).sheet("表三").cells[(90, 2)] == 7


@pytest.mark.parametrize("depth", [256, 257])
@pytest.mark.parametrize(
    "markup",
    ["", "<w:t>1 &gt; 0 > -1</w:t>", '<w:t a="x>y"/>', "<!-- 批注 -->"],
    ids=["tags only", "a > in text", "a > in an attribute", "with a comment"],
)
def test_word_nested_past_the_limit_is_refused(tmp_path: Path, depth: int, markup: str):
    """The Word reader recurses into content controls, so nesting is counted for it: over the bytes when every "<"
    starts a tag (">" may be in text), by the parser otherwise (a ">" inside an attribute, a comment)."""
    nested = b"<w:sdt>" * (depth - 2) + b"</w:sdt>" * (depth - 2)  # inside document, body
    paragraph = b"<w:p><w:r>" + markup.encode() + b"</w:r></w:p>"
    plain = documents.docx(["政府信息公开工作年度报告", "一、总体情况"], tmp_path / "plain.docx")
    change = lambda xml: xml.replace(b"<w:body>", b"<w:body>" + paragraph + nested, 1)  # noqa: E731
    data = repack(plain, tmp_path / "deep.docx", edit_part("word/document.xml", change)).read_bytes()
    if depth <= 256:
        read_docx(data, Limits())
        return
    with pytest.raises(ReadError, match="XML 嵌套层数上限"):
        read_docx(data, Limits())


@pytest.mark.parametrize(
    "prolog",
    [
        '<!-- 说明 --><!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/hostname">]>',
        '<?note <x?><!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/hostname">]>',
    ],
    ids=["after a comment", "after an instruction holding a tag"],
)
def test_a_doctype_anywhere_in_the_prolog_is_refused(balanced_workbook: Path, tmp_path: Path, prolog: str):
    """Only a prolog of a declaration, instructions and white space is taken as plain; any other is parsed."""

    def change(xml: bytes) -> bytes:
        decl, body = xml.split(b"?>", 1) if xml.startswith(b"<?xml") else (b'<?xml version="1.0"', xml)
        return decl + b"?>" + prolog.encode() + body

    path = repack(balanced_workbook, tmp_path / "prolog.xlsx", edit_part(SHEETS["表三"], change))
    with pytest.raises(ReadError, match="DOCTYPE"):
        read_xlsx(path)


def _sheet_declared(workbook: Path, folder: Path, head: bytes) -> Path:
    """The workbook with 表三's XML declaration replaced by `head` (a declaration and what follows it)."""

    def change(xml: bytes) -> bytes:
        return head + (xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml)

    return repack(workbook, folder / "declared.xlsx", edit_part(SHEETS["表三"], change))


def test_a_doctype_in_an_encoding_the_parser_cannot_read_is_refused(balanced_workbook: Path, tmp_path: Path):
    """expat reads no multi-byte encoding (Shift_JIS…); those are ASCII-based, so "<!" in the bytes decides."""
    head = b'<?xml version="1.0" encoding="Shift_JIS"?><!DOCTYPE worksheet [<!ENTITY x "y">]>'
    with pytest.raises(ReadError, match="DOCTYPE"):
        read_xlsx(_sheet_declared(balanced_workbook, tmp_path, head))


def test_a_doctype_in_utf7_is_found_by_parsing(balanced_workbook: Path, tmp_path: Path):
    """In UTF-7 "+ADw-" is "<": a declaration of an encoding that is not ASCII-based makes the part parsed."""
    head = b'<?xml version="1.0" encoding="UTF-7"?>+ADw-!DOCTYPE worksheet+AD4-'
    with pytest.raises(ReadError):
        read_xlsx(_sheet_declared(balanced_workbook, tmp_path, head))


def test_a_doctype_the_bytes_cannot_show_is_found_by_parsing(balanced_workbook: Path, tmp_path: Path):
    """A part in UTF-16 spells "<!DOCTYPE" with NUL bytes between the letters: it is parsed, and refused."""

    def utf16_with_doctype(xml: bytes) -> bytes:
        body = xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml
        doctype = '<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
        return ('<?xml version="1.0" encoding="UTF-16"?>' + doctype + body.decode("utf-8")).encode("utf-16")

    path = repack(balanced_workbook, tmp_path / "utf16.xlsx", edit_part(SHEETS["表三"], utf16_with_doctype))
    with pytest.raises(ReadError, match="DOCTYPE"):
        read_xlsx(path)


def test_a_part_that_is_not_well_formed_is_named(balanced_workbook: Path, tmp_path: Path):
    """Plain parts are not parsed before python-calamine reads them; when it fails, the broken part is named."""
    path = repack(balanced_workbook, tmp_path / "cut.xlsx", edit_part(SHEETS["表三"], lambda xml: xml[: len(xml) // 2]))
    with pytest.raises(ReadError, match=f"{SHEETS['表三']} 不是完整有效的 XML"):
        read_xlsx(path)


def test_a_workbook_made_from_another_template_is_told(balanced_workbook: Path, tmp_path: Path):
    wb = openpyxl.load_workbook(balanced_workbook)
    wb["_模板信息"]["B1"] = "gov-info-annual-report-2019"
    path = tmp_path / "other.xlsx"
    wb.save(path)
    (report,) = check_paths([path])
    assert report.findings == []
    assert report.notices == [
        "该工作簿由模板「gov-info-annual-report-2019」生成，本次按「gov-info-annual-report-2021」（国办公开办函〔2021〕30号）校验。"
    ]


@pytest.mark.parametrize(
    "cells",
    [b"<c><v>1</v></c><c><v>2</v></c>", b'<x:c xmlns:x="%s"><x:v>1</x:v></x:c>' * 2],
    ids=["plain", "prefixed"],
)
def test_cells_without_addresses_in_the_last_row_are_refused_with_or_without_a_prefix(
    balanced_workbook: Path, tmp_path: Path, cells: bytes
):
    """Cells of the main namespace under a prefix of their own are cells to every reader: without addresses in the
    sheet's last row, they span its whole height."""
    main = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    row = b'<row r="1048576">%s</row>' % (cells.replace(b"%s", main))
    path = repack(balanced_workbook, tmp_path / "no-ref.xlsx", edit_part(SHEETS["表三"], lambda xml: add_row(xml, row)))
    with pytest.raises(ReadError, match="使用区域异常大"):
        read_xlsx(path)


def test_a_file_is_read_whole_whatever_size_it_states(tmp_path: Path):
    """The size a file's status gives is only where reading starts: a file that grew since (here one that states
    none, as Linux's /proc files do) is read to its end, and refused past the limit."""
    status = Path("/proc/self/status")
    if not status.is_file():
        pytest.skip("no /proc")
    assert status.stat().st_size == 0
    assert read_regular(status, Limits()).startswith(b"Name:")
    with pytest.raises(ReadError, match="文件大小上限"):
        read_regular(status, Limits(file_bytes=10))
