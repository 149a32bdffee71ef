"""Reading an .xlsx/.xlsm file into a WorkbookGrid without executing anything (openpyxl, cached values)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import BinaryIO

import openpyxl
import python_calamine
from openpyxl.utils.exceptions import InvalidFileException

from validator.names import TEMPLATE_INFO_SHEET, TOOL_SHEETS
from validator.sources.grid import ExcelError, ReadError, SheetGrid, Uncached, WorkbookGrid

# A report workbook is a few hundred KiB; refuse archives that inflate past this (zip bombs).
MAX_UNPACKED_BYTES = 300 * 1024 * 1024
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE compound file: legacy .xls/.et, or an encrypted .xlsx
_ZIP_MAGIC = b"PK\x03\x04"  # local file header: the first bytes of every .xlsx
_ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
_SAVE_AS = "请用 Excel 或 WPS 打开该文件，“另存为”Excel 工作簿（*.xlsx）后再校验。"


def _sniff(path: Path) -> None:
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
        raise ReadError(f"{path} 是文件夹，不是工作簿。请指定 .xlsx 文件。", "not_workbook")
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


def _load(source: Path | BinaryIO, **options: bool) -> openpyxl.Workbook:
    # A file object skips openpyxl's extension check, so a renamed workbook still opens.
    try:
        if isinstance(source, Path):
            with source.open("rb") as fh:
                return openpyxl.load_workbook(fh, **options)
        return openpyxl.load_workbook(source, **options)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
        raise ReadError(f"文件已损坏或结构不完整，无法读取（{type(exc).__name__}）。{_SAVE_AS}", "corrupt") from exc
    except Exception as exc:  # XML parse errors, defusedxml refusals: hostile or broken content
        raise ReadError(f"文件内容无法解析（{type(exc).__name__}），可能已损坏或被篡改。{_SAVE_AS}", "corrupt") from exc


def _formula_cells(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    """Formula cells per sheet, from a streaming pass over the formulas (the values load cannot see them)."""
    with path.open("rb") as fh:
        wb = _load(fh, read_only=True, data_only=False)
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


def _merged_ranges(path: Path) -> dict[str, tuple[tuple[int, int, int, int], ...]]:
    """Merged ranges per sheet, 1-based; python-calamine reads them without openpyxl's full (slow) load."""
    try:
        with path.open("rb") as fh:
            book = python_calamine.CalamineWorkbook.from_filelike(fh)
            return {
                name: tuple(
                    (r0 + 1, c0 + 1, r1 + 1, c1 + 1)
                    for (r0, c0), (r1, c1) in book.get_sheet_by_name(name).merged_cell_ranges or ()
                )
                for name in book.sheet_names
            }
    except Exception as exc:  # calamine raises its own error types for broken packages
        raise ReadError(f"文件已损坏或结构不完整，无法读取（{type(exc).__name__}）。{_SAVE_AS}", "corrupt") from exc


def read_xlsx(path: str | Path) -> WorkbookGrid:
    """Read cached cell values (streamed), merged ranges and sheet states; tool sheets are skipped."""
    path = Path(path)
    _sniff(path)
    formulas = _formula_cells(path)
    merges = _merged_ranges(path)
    sheets = []
    template_id = None
    with path.open("rb") as fh:
        wb = _load(fh, read_only=True, data_only=True)
        for ws in wb.worksheets:
            cells = _streamed_cells(ws)
            if ws.title == TEMPLATE_INFO_SHEET:
                template_id = cells.get((1, 2))
            if ws.title in TOOL_SHEETS:
                continue
            for pos, formula in formulas.get(ws.title, {}).items():
                cells.setdefault(pos, Uncached(formula))
            sheets.append(SheetGrid(ws.title, cells, merges.get(ws.title, ()), ws.sheet_state == "visible"))
    return WorkbookGrid(sheets, template_id if isinstance(template_id, str) else None)
