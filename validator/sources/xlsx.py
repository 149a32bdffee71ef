"""Reading an .xlsx/.xlsm file into a WorkbookGrid without executing anything (openpyxl, cached values)."""

from __future__ import annotations

import re
import warnings
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import python_calamine

if TYPE_CHECKING:
    from openpyxl import Workbook

from validator.names import TEMPLATE_INFO_SHEET, TOOL_SHEETS
from validator.sources.grid import ExcelError, ReadError, SheetGrid, Uncached, WorkbookGrid

# A report workbook is a few hundred KiB; refuse archives that inflate past this (zip bombs).
MAX_UNPACKED_BYTES = 300 * 1024 * 1024
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE compound file: legacy .xls/.et, or an encrypted .xlsx
_ZIP_MAGIC = b"PK\x03\x04"  # local file header: the first bytes of every .xlsx
_ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
MAX_SHEET_CELLS = 2_000_000  # rows × columns of one sheet's used area; a report sheet uses a few hundred
_CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\sr="([A-Z]{1,3})([0-9]{1,7})"')
_FORMULA_OR_ERROR = re.compile(rb"<(?:\w+:)?f[\s>/]|\st=\"e\"")  # a <f> element, or a cell of type error
_SAVE_AS = "请用 Excel 或 WPS 打开该文件，“另存为”Excel 工作簿（*.xlsx）后再校验。"


def sniff(path: Path) -> None:
    """Raise a ReadError that names the problem when the file is not a readable OOXML workbook."""
    try:
        _sniff_file(path)
    except OSError as exc:  # no permission, a name too long, a file locked by another program…
        raise ReadError(
            f"无法打开文件 {path}（{exc.strerror or exc}）。请检查路径和读取权限；如文件正在其他程序中打开，请关闭后重试。",
            "missing",
        ) from exc


def _sniff_file(path: Path) -> None:
    if not path.exists():
        raise ReadError(f"找不到文件：{path}。请检查路径是否正确。", "missing")
    if path.is_dir():
        raise ReadError(f"{path} 是文件夹，不是工作簿。请指定 .xlsx/.xlsm 文件。", "not_workbook")
    with path.open("rb") as fh:
        head = fh.read(8)
        if head == _CFB_MAGIC:
            if _ENCRYPTION_STREAM in fh.read():
                raise ReadError(
                    "文件设置了打开密码（已加密），无法读取。请在 Excel 或 WPS 中取消密码后保存，再校验。", "encrypted"
                )
            raise ReadError(
                f"这是旧版 Excel 97-2003（.xls）或 WPS（.et）格式，本工具只能读取 .xlsx/.xlsm。{_SAVE_AS}", "legacy"
            )
    if not zipfile.is_zipfile(path):
        if head.startswith(_ZIP_MAGIC):  # a zip without its directory at the end: cut off while copying
            raise ReadError(
                "文件不完整（可能在下载或拷贝时中断），无法解压。请重新导出或向报送单位索取完整文件。", "corrupt"
            )
        raise ReadError(f"文件不是 Excel 工作簿（无法识别的内容）。{_SAVE_AS}", "not_workbook")
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            unpacked = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise ReadError(f"文件已损坏，无法解压（{exc}）。请重新导出或向报送单位索取完整文件。", "corrupt") from exc
    if "xl/workbook.xml" not in names:
        kind = "OpenDocument 表格（.ods）" if "content.xml" in names else "其他格式的压缩包"
        raise ReadError(f"这是{kind}，不是 Excel 工作簿。{_SAVE_AS}", "not_workbook")
    if unpacked > MAX_UNPACKED_BYTES:
        raise ReadError("文件解压后异常庞大，疑似恶意构造的文件，已拒绝读取。请核实文件来源。", "too_large")


def load_openpyxl(source: BinaryIO, **options: bool) -> Workbook:
    """openpyxl's load with its failures turned into ReadError; a file object skips openpyxl's extension check, so
    a renamed workbook still opens."""
    import openpyxl  # only workbooks with formulas or error values, and the writer, need it: keep it off start-up
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # English notes on features skipped; values are all we read
            return openpyxl.load_workbook(source, **options)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
        raise ReadError(f"文件已损坏或结构不完整，无法读取（{type(exc).__name__}）。{_SAVE_AS}", "corrupt") from exc
    except Exception as exc:  # XML parse errors, defusedxml refusals: hostile or broken content
        raise ReadError(f"文件内容无法解析（{type(exc).__name__}），可能已损坏或被篡改。{_SAVE_AS}", "corrupt") from exc


def _formula_cells(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    """Formula cells per sheet, from a streaming pass over the formulas (the values load cannot see them)."""
    with path.open("rb") as fh:
        wb = load_openpyxl(fh, read_only=True, data_only=False)
        return {
            ws.title: {
                (cell.row, cell.column): cell.value
                for row in ws.iter_rows()
                for cell in row
                if getattr(cell, "data_type", None) == "f"
            }
            for ws in wb.worksheets
        }


def _cell_value(value: object, data_type: str) -> object:
    return ExcelError(value) if data_type == "e" and isinstance(value, str) else value


def _streamed_cells(ws) -> dict[tuple[int, int], object]:
    return {
        (cell.row, cell.column): _cell_value(cell.value, cell.data_type)
        for row in ws.iter_rows()
        for cell in row
        if cell.value is not None and cell.value != ""
    }


def _openpyxl_cells(path: Path) -> dict[str, dict[tuple[int, int], object]]:
    """Exact cells: cached values and error values streamed by openpyxl, plus formulas that have no saved result."""
    formulas = _formula_cells(path)
    with path.open("rb") as fh:
        wb = load_openpyxl(fh, read_only=True, data_only=True)
        out = {}
        for ws in wb.worksheets:
            cells = _streamed_cells(ws)
            for pos, formula in formulas.get(ws.title, {}).items():
                cells.setdefault(pos, Uncached(formula))
            out[ws.title] = cells
        return out


def _inspect_worksheets(path: Path) -> bool:
    """Whether any sheet holds a formula or an error value (python-calamine would read them as blanks).

    Also refuses a sheet whose cells span a huge area: readers allocate the whole rectangle, so one cell typed
    at XFD1048576 in a tiny file would exhaust memory.
    """
    found = False
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            xml = zf.read(name)
            found = found or bool(_FORMULA_OR_ERROR.search(xml))
            refs = _CELL_REF.findall(xml)
            rows = max((int(r) for _, r in refs), default=0)
            cols = max((_column_index(c) for c, _ in refs), default=0)
            if rows * cols > MAX_SHEET_CELLS:
                raise ReadError(
                    f"工作表的使用区域异常大（{rows} 行 × {cols} 列），疑似恶意构造，已拒绝读取。"
                    "如确有远处单元格误填了内容，请删除后另存再校验。",
                    "too_large",
                )
    return found


def _column_index(letters: bytes) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index


def _calamine_cells(sheet: python_calamine.CalamineSheet) -> dict[tuple[int, int], object]:
    rows = sheet.to_python(skip_empty_area=False)
    return {(i + 1, j + 1): v for i, row in enumerate(rows) for j, v in enumerate(row) if v is not None and v != ""}


def read_xlsx(path: str | Path, exact: bool = False) -> WorkbookGrid:
    """Read cached cell values, merged ranges and sheet states; tool sheets are skipped.

    python-calamine reads values and merges about 20 times faster than openpyxl; openpyxl's streaming passes are
    used instead when the workbook has formulas or error values (or `exact` is set), which calamine would blank.
    """
    path = Path(path)
    sniff(path)
    exact_cells = _openpyxl_cells(path) if _inspect_worksheets(path) or exact else None
    try:
        return _grid(path, exact_cells)
    except ReadError:
        raise
    except Exception as exc:  # calamine parses sheets lazily and raises its own error types
        raise ReadError(
            f"文件中有无法解析的内容（{type(exc).__name__}），可能已损坏或被恶意构造，已拒绝读取。{_SAVE_AS}", "corrupt"
        ) from exc


def _grid(path: Path, exact_cells: dict[str, dict[tuple[int, int], object]] | None) -> WorkbookGrid:
    with path.open("rb") as fh:
        book = python_calamine.CalamineWorkbook.from_filelike(fh)
    sheets = []
    template_id = None
    for meta in book.sheets_metadata:
        if meta.typ != python_calamine.SheetTypeEnum.WorkSheet or meta.name in TOOL_SHEETS - {TEMPLATE_INFO_SHEET}:
            continue  # the results sheet of an annotated copy can be long and is never read
        sheet = book.get_sheet_by_name(meta.name)
        cells = exact_cells.get(meta.name, {}) if exact_cells is not None else _calamine_cells(sheet)
        if meta.name == TEMPLATE_INFO_SHEET:
            template_id = cells.get((1, 2))
            continue
        merges = tuple((r0 + 1, c0 + 1, r1 + 1, c1 + 1) for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or ())
        visible = meta.visible == python_calamine.SheetVisibleEnum.Visible
        sheets.append(SheetGrid(meta.name, cells, merges, visible))
    return WorkbookGrid(sheets, template_id if isinstance(template_id, str) else None)
