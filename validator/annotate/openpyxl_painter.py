"""Writing the annotated copy of a workbook with openpyxl: marked cells, notes, a results sheet, and exact undo."""

from __future__ import annotations

import itertools
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from math import ceil
from pathlib import Path

from defusedxml.ElementTree import fromstring
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.styles.fills import Fill
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import tostring

from validator.annotate.package_parts import unsupported_parts
from validator.annotate.plan import NOTE_AUTHOR, Mark, free_sheet_name, plan_annotation
from validator.annotate.results_sheet import solid, write_results
from validator.annotate.undo import Cleared, Original, SavedNote, UndoRecord, fill_colour, read_record
from validator.atomic import copy_atomic, save_atomic
from validator.findings import FileReport
from validator.names import MARKS_SHEET, RESULT_SHEET, is_results_sheet
from validator.rounds.explain import read_explanations
from validator.sources.grid import ReadError, SheetGrid
from validator.sources.xlsx import load_openpyxl, sniff
from validator.text import display_width, os_reason, printable

ANNOTATED_SUFFIX = ".校验"
VBA_PART = "xl/vbaProject.bin"

# ---------------------------------------------------------------- opening and saving


def has_macros(path: Path) -> bool:
    """Whether the package carries a VBA project (it must then be kept and saved as .xlsm)."""
    with zipfile.ZipFile(path) as zf:
        return VBA_PART in zf.namelist()


def open_workbook(path: Path) -> Workbook:
    """Load for editing with formulas, macros, external links and rich text kept, whatever the file's extension.

    Raises ReadError (a Chinese message) for files that cannot be opened, as the reader does.
    """
    sniff(Path(path))
    with Path(path).open("rb") as fh:
        # openpyxl's English warnings about parts it drops are silenced there; unsupported_parts tells the user.
        return load_openpyxl(fh, keep_vba=has_macros(path), keep_links=True, data_only=False, rich_text=True)


def _suffix(source: Path) -> str:
    return ".xlsm" if has_macros(source) else ".xlsx"


def annotated_path(source: Path, out_dir: Path | None = None, refresh: bool = False) -> Path:
    """`<stem>.校验.xlsx` (`.xlsm` with macros) beside the source or in out_dir.

    With `refresh` (the source is an annotated copy this tool wrote) `x.校验.xlsx` stays `x.校验.xlsx`; a user's own
    file that merely has such a name gets `x.校验.校验.xlsx`, so it is never overwritten.
    """
    stem = source.stem.removesuffix(ANNOTATED_SUFFIX) if refresh else source.stem
    return (out_dir or source.parent) / f"{stem}{ANNOTATED_SUFFIX}{_suffix(source)}"


def backup_path(source: Path) -> Path:
    """`<stem>.bak.xlsx` (`.xlsm` with macros) beside the source; `.bak2`, `.bak3`… when earlier backups exist, so
    that the first backup, which holds the user's original, is never overwritten."""
    names = (f"{source.stem}.bak{n or ''}{_suffix(source)}" for n in itertools.chain([0], itertools.count(2)))
    return next(path for path in map(source.with_name, names) if not path.exists())


# ---------------------------------------------------------------- files


@dataclass(frozen=True)
class Written:
    """What writing an annotated workbook did: where it went, and notes for the user (also on its results sheet)."""

    path: Path
    notices: tuple[str, ...] = ()


def write_annotated(source: Path, report: FileReport, out_dir: Path | None = None, in_place: bool = False) -> Written:
    """Write the annotated workbook; in place, the original is first copied to a .bak file. The report is not changed.

    What openpyxl cannot keep is detected first and told in the returned notices and on the results sheet.
    """
    source = Path(source)
    wb = open_workbook(source)
    lost = unsupported_parts(source)
    notices: list[str] = []
    if in_place:
        target = source
        backup = backup_path(source)
        copy_atomic(source, backup)  # a run killed while copying must not leave a partial backup
        advice = f"原文件已备份为 {backup.name}，请对照备份查看这些内容。"
    else:
        target = annotated_path(source, out_dir, refresh=MARKS_SHEET in wb.sheetnames)
        target.parent.mkdir(parents=True, exist_ok=True)
        advice = "原文件未改动，请对照原文件查看这些内容。"
        if target.resolve() == source.resolve():  # an annotated copy checked again: refresh its marks
            advice = "请对照原始工作簿查看这些内容。"
            notices.append("该文件本身是校验生成的标注副本，已在其中更新标注；原始工作簿不受影响。")
    if lost:
        notices.append(f"标注后的文件无法保留：{'、'.join(lost)}。{advice}")
    annotate(wb, report, [n for n in notices if n not in report.notices])
    save_atomic(wb, target)
    return Written(target, tuple(notices))


def try_write_annotated(
    source: Path, report: FileReport, out_dir: Path | None = None, in_place: bool = False
) -> Written | str:
    """write_annotated, or the Chinese reason the copy could not be written (for the file's notices)."""
    try:
        return write_annotated(source, report, out_dir, in_place)
    except ReadError as exc:  # readable for checking, but openpyxl cannot open it for writing
        return f"无法生成标注副本：{exc.message}"
    except OSError as exc:
        return f"无法写入标注副本（{os_reason(exc)}）。如文件正在 Excel 中打开，请关闭后重试，或用 --out 指定其他目录。"


def clear_file(source: Path, out: Path | None = None, keep_explanations: bool = True) -> Cleared:
    """Remove the tool's marks and sheets, saving in place or to out; nothing is written if there were none.

    A results sheet holding the agency's explanations is kept unless `keep_explanations` is False.
    """
    wb = open_workbook(source)
    cleared = clear(wb, keep_explanations)
    if cleared.changed:
        save_atomic(wb, Path(out or source))
    return cleared


# ---------------------------------------------------------------- marking and undoing

PAINTER = "openpyxl"


def annotate(wb: Workbook, report: FileReport, notices: Sequence[str] = ()) -> None:
    """Paint the annotation plan of report: marks, the results sheet first and active, the undo record.

    Earlier marks are cleared first; everything needed to undo is stored in the very hidden marks sheet.
    """
    clear(wb)
    view = _view_state(wb)
    active = wb.active.title if wb.active is not None else None
    # Worksheets only: a chart sheet has no cells to mark.
    merges = {
        ws.title: [(r.min_row, r.min_col, r.max_row, r.max_col) for r in ws.merged_cells.ranges] for ws in wb.worksheets
    }
    plan = plan_annotation(report, merges, notices)
    results = wb.create_sheet(free_sheet_name(RESULT_SHEET, wb.sheetnames), 0)
    record = UndoRecord(PAINTER, results.title, active, view)
    for mark in plan.marks:
        cell = wb[mark.cell.sheet].cell(mark.cell.row, mark.cell.col)
        record.originals.append(Original(mark.cell.sheet, cell.coordinate, _fill_xml(cell), _saved(cell.comment)))
        _paint(cell, mark)
    store = wb.create_sheet(MARKS_SHEET)
    store.sheet_state = "veryHidden"
    for row in record.rows():
        store.append(row)
    write_results(results, plan.results)
    deselected = {name: [None] * len(flags) for name, flags in view["tabs"].items()}
    _apply_view_state(wb, {"active": 0, "tabs": deselected | {results.title: [True]}, "first_sheet": 0})


def clear(wb: Workbook, keep_explanations: bool = False) -> Cleared:
    """Undo the marks of any painter: original fills, notes and sheet tabs back, tool sheets removed.

    Results sheets (the record's, a kept or a copied-in one) go too, but with `keep_explanations` one holding the
    agency's explanations stays, moved last and not selected, so that the next check reads them.
    """
    results = [ws for ws in wb.worksheets if ws.title.startswith(RESULT_SHEET) and _titled_as_results(ws)]
    kept = next((ws for ws in results if keep_explanations and _explained(ws)), None)
    if MARKS_SHEET not in wb.sheetnames:
        record = None
    else:
        store = wb[MARKS_SHEET]
        record = read_record(list(store.iter_rows(max_col=4, values_only=True)), wb.sheetnames)
        for original in record.originals:
            if original.sheet in wb.sheetnames:  # the user may have renamed or deleted the sheet in the copy
                _restore(wb[original.sheet][original.cell], original)
        wb.remove(store)
        if record.results in wb.sheetnames and wb[record.results] not in results:
            results.append(wb[record.results])
    gone = [ws for ws in results if ws is not kept]
    for ws in gone:
        wb.remove(ws)
    if kept is not None:
        wb.move_sheet(kept, len(wb.sheetnames) - 1 - wb.index(kept))
        for view in kept.views.sheetView:
            view.tabSelected = None
    if record is not None and record.painter == PAINTER:
        _apply_view_state(wb, record.view)
    elif record is not None and record.active in wb.sheetnames:
        wb.active = wb.sheetnames.index(record.active)
    return Cleared(record is not None or bool(gone), kept.title if kept is not None else None)


def _titled_as_results(ws: Worksheet) -> bool:
    """A results sheet this tool wrote (kept by clearing, or copied in), not a user's sheet of that name."""
    return is_results_sheet("", ws.cell(1, 1).value)


def _explained(ws: Worksheet) -> bool:
    """Whether a results sheet holds any explanation typed by the agency."""
    cells = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value is not None}
    return bool(read_explanations([SheetGrid(ws.title, cells)]))


def _restore(cell: Cell, original: Original) -> None:
    if original.fill.startswith("<"):
        cell.fill = Fill.from_tree(fromstring(original.fill))
    else:
        colour = fill_colour(original.fill)
        cell.fill = solid(colour) if colour else PatternFill()
    if not original.note_kept:
        note = original.note
        cell.comment = note and Comment(note.text, note.author or "", height=note.height, width=note.width)


def _sheet_views(sheet: object) -> list:
    return (sheet.views if isinstance(sheet, Worksheet) else sheet.sheetViews).sheetView


def _view_state(wb: Workbook) -> dict:
    """The active sheet, the selected tabs (raw flags per view) and the first tab shown in the tab bar."""
    tabs = {name: [v.tabSelected for v in _sheet_views(wb[name])] for name in wb.sheetnames}
    return {
        "active": wb.index(wb.active) if wb.active is not None else 0,
        "tabs": {name: flags for name, flags in tabs.items() if any(flags)},
        "first_sheet": wb.views[0].firstSheet if wb.views else None,
    }


def _apply_view_state(wb: Workbook, state: dict) -> None:
    wb.active = state["active"]
    for name, flags in state["tabs"].items():
        if name in wb.sheetnames:
            for view, flag in zip(_sheet_views(wb[name]), flags, strict=False):
                view.tabSelected = flag
    if wb.views:
        wb.views[0].firstSheet = state["first_sheet"]


def _fill_xml(cell: Cell) -> str:
    return tostring(cell.fill.to_tree()).decode()


def _saved(comment: Comment | None) -> SavedNote | None:
    if comment is None:
        return None
    return SavedNote(comment.text, comment.author, comment.width, comment.height)


def _paint(cell: Cell, mark: Mark) -> None:
    cell.fill = solid(mark.colour)
    text = mark.note_over(cell.comment.text if cell.comment else None)
    width, height = _note_size(text)
    cell.comment = Comment(printable(text), NOTE_AUTHOR, height=height, width=width)


_NOTE_LINE_UNITS = 56  # a note wraps after this many half-width characters


def _note_size(text: str) -> tuple[int, int]:
    """Pixel width and height of a note box that shows all of text (9-pt font: about 7 px per half-width char)."""
    units = [display_width(line) for line in text.split("\n")]
    per_line = max(16, min(max(units), _NOTE_LINE_UNITS))
    lines = sum(max(1, ceil(u / per_line)) for u in units)
    return per_line * 7 + 24, lines * 18 + 14
