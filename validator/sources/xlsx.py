"""Reading an .xlsx/.xlsm file into a WorkbookGrid without executing anything (openpyxl, cached values)."""

from __future__ import annotations

import hashlib
import io
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    import python_calamine
    from openpyxl import Workbook

from validator.names import MARKS_SHEET, TEMPLATE_INFO_SHEET, is_results_sheet
from validator.sources.files import read_regular
from validator.sources.grid import Cells, ExcelError, ReadError, SheetGrid, Uncached, WorkbookGrid, template_info
from validator.sources.limits import Limits, over_limit
from validator.sources.package import inspect_package
from validator.sources.sniff import SAVE_AS, open_package
from validator.sources.uncached import formula_parts, formulas_read


@dataclass(frozen=True)
class Loaded:
    """A workbook as read, and the SHA-256 of exactly the bytes it was read from."""

    grid: WorkbookGrid
    sha256: str


def sniff(path: Path, limits: Limits | None = None) -> None:
    """Raise a ReadError that names the problem when the file is not a readable OOXML workbook."""
    limits = limits or Limits.from_env()
    data = read_regular(Path(path), limits)
    with open_package(data, Path(path)) as zf:
        inspect_package(zf, data, limits)


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
        raise ReadError(f"文件已损坏或结构不完整，无法读取（{type(exc).__name__}）。{SAVE_AS}", "corrupt") from exc
    except Exception as exc:  # XML parse errors, defusedxml refusals: hostile or broken content
        raise ReadError(f"文件内容无法解析（{type(exc).__name__}），可能已损坏或被篡改。{SAVE_AS}", "corrupt") from exc


def _formula_cells(data: bytes) -> dict[str, dict[tuple[int, int], str]]:
    """Formula cells per sheet, from a streaming pass over the formulas (the values load cannot see them)."""
    with io.BytesIO(data) as fh:
        wb = load_openpyxl(fh, read_only=True, data_only=False)
        return {
            ws.title: {
                (cell.row, cell.column): cell.value
                for row in _all_rows(ws)
                for cell in row
                if getattr(cell, "data_type", None) == "f"
            }
            for ws in wb.worksheets
        }


def _all_rows(ws):
    """Every row of a read-only sheet: its declared dimension is not trusted (a stale or forged <dimension> would
    hide the cells beyond it)."""
    ws.reset_dimensions()
    return ws.iter_rows()


def _cell_value(value: object, data_type: str) -> object:
    return ExcelError(value) if data_type == "e" and isinstance(value, str) else value


def _streamed_cells(ws) -> tuple[Cells, set[tuple[int, int]]]:
    """A sheet's values, and where a formula's saved result is an empty text (it shows a blank: a saved result,
    not a formula to calculate)."""
    cells: Cells = {}
    blanks = set()
    for row in _all_rows(ws):
        for cell in row:
            if cell.value is not None and cell.value != "":
                cells[cell.row, cell.column] = _cell_value(cell.value, cell.data_type)
            elif cell.data_type == "str":
                blanks.add((cell.row, cell.column))
    return cells, blanks


def _openpyxl_cells(data: bytes) -> dict[str, Cells]:
    """Exact cells: cached values and error values streamed by openpyxl, plus formulas that have no saved result."""
    formulas = _formula_cells(data)
    with io.BytesIO(data) as fh:
        wb = load_openpyxl(fh, read_only=True, data_only=True)
        out = {}
        for ws in wb.worksheets:
            cells, blanks = _streamed_cells(ws)
            for pos, formula in formulas.get(ws.title, {}).items():
                if pos not in blanks:
                    cells.setdefault(pos, Uncached(formula))
            out[ws.title] = cells
        return out


def _calamine_cells(sheet: python_calamine.CalamineSheet) -> Cells:
    rows = sheet.to_python(skip_empty_area=False)
    return {(i, j): v for i, row in enumerate(rows, 1) for j, v in enumerate(row, 1) if v != "" and v is not None}


def read_xlsx(path: str | Path, exact: bool = False, limits: Limits | None = None) -> WorkbookGrid:
    """Read cached cell values, merged ranges and sheet states; tool sheets are skipped (see `load`)."""
    return load(path, exact, limits).grid


def load(path: str | Path, exact: bool = False, limits: Limits | None = None) -> Loaded:
    """Read a workbook in this process, within `limits` (default: Limits.from_env()).

    python-calamine reads values and merges about 20 times faster than openpyxl; the formulas without a saved result
    and the error values it would blank are read from the sheet XML (validator.sources.uncached), or, where that is
    not certain (or `exact` is set), every cell comes from openpyxl's streaming passes.
    A native reader can still abort the process on input nobody foresaw: validator.sources.guard runs this in a
    worker process that survives that.
    """
    path = Path(path)
    limits = limits or Limits.from_env()
    return load_bytes(read_regular(path, limits), path, exact, limits)


def load_bytes(data: bytes, path: Path, exact: bool, limits: Limits, package: zipfile.ZipFile | None = None) -> Loaded:
    """Like `load`, for the bytes already read from `path` (`package`: their zip, opened already; closed here)."""
    with open_package(data, path, package) as zf:
        inspected = inspect_package(zf, data, limits)
        try:
            read = formulas_read(inspected.parts, inspected.uncached) if inspected.uncached and not exact else None
            if read is None:  # none to read, or not with certainty
                exact_cells = _openpyxl_cells(data) if inspected.uncached or exact else None
                grid = _grid(data, exact_cells, {}, formula_parts(inspected.parts))
            else:
                grid = _grid(data, None, *read)
        except ReadError:
            raise
        except Exception as exc:  # calamine parses sheets lazily and raises its own error types
            inspect_package(zf, data, limits, parse=True)  # a part that is not well-formed XML is named
            raise ReadError(
                f"文件中有无法解析的内容（{type(exc).__name__}），可能已损坏或被恶意构造，已拒绝读取。{SAVE_AS}",
                "corrupt",
            ) from exc
    # A cell's text comes from one part, and a character takes at least one byte there (no DOCTYPE: no entities).
    if max(map(len, inspected.parts.values()), default=0) > limits.string_chars:
        _check_strings(grid, limits)
    return Loaded(grid, hashlib.sha256(data).hexdigest())


def _check_strings(grid: WorkbookGrid, limits: Limits) -> None:
    for sheet in grid.sheets:
        for (row, col), value in sheet.cells.items():
            if isinstance(value, str) and len(value) > limits.string_chars:
                cell = f"工作表「{sheet.name}」第 {row} 行第 {col} 列的文本有 {len(value)} 个字符，"
                raise over_limit(limits, "string_chars", cell)


def _grid(
    data: bytes,
    exact_cells: dict[str, Cells] | None,
    overlay: dict[str, Cells],
    formulas: dict[str, bytes],
) -> WorkbookGrid:
    """The workbook's sheets: cells as read exactly if given, else python-calamine's with `overlay`'s on top; with
    the parts of the sheets that hold `formulas`."""
    import python_calamine  # native: not importable where only open workbooks are read (xlwings Lite in Pyodide)

    with io.BytesIO(data) as fh:
        book = python_calamine.CalamineWorkbook.from_filelike(fh)
    sheets, results = [], []
    template_id, unpublished = None, frozenset()
    for meta in book.sheets_metadata:
        if meta.typ != python_calamine.SheetTypeEnum.WorkSheet or meta.name == MARKS_SHEET:
            continue
        sheet = book.get_sheet_by_name(meta.name)
        if exact_cells is not None:
            cells = exact_cells.get(meta.name, {})
        else:
            cells = _calamine_cells(sheet) | overlay.get(meta.name, {})
        if meta.name == TEMPLATE_INFO_SHEET:
            template_id, unpublished = template_info(cells)
            continue
        merges = tuple((r0 + 1, c0 + 1, r1 + 1, c1 + 1) for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or ())
        visible = meta.visible == python_calamine.SheetVisibleEnum.Visible
        kept = results if is_results_sheet(meta.name, cells.get((1, 1))) else sheets
        kept.append(SheetGrid(meta.name, cells, merges, visible, formula_xml=formulas.get(meta.name, b"")))
    return WorkbookGrid(sheets, template_id, results, unpublished=unpublished)
