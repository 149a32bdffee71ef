"""Writing the annotated copy of a workbook with openpyxl: marked cells, notes, a results sheet, and exact undo."""

from __future__ import annotations

import itertools
import json
import shutil
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from math import ceil
from pathlib import Path

from defusedxml.ElementTree import fromstring
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles.fills import Fill
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import tostring

from validator.annotate.package_parts import unsupported_parts
from validator.annotate.plan import Mark, plan_marks
from validator.annotate.results_sheet import printable, solid, write_results
from validator.atomic import save_atomic
from validator.cellref import CellRef
from validator.findings import FileReport, Finding, Related
from validator.names import MARKS_SHEET, RESULT_SHEET
from validator.sources.xlsx import load_openpyxl, sniff
from validator.text import display_width

NOTE_AUTHOR = "年报校验"
ORIGINAL_NOTE_SEPARATOR = "——原批注——"
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
        shutil.copy2(source, backup)
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


def clear_file(source: Path, out: Path | None = None) -> bool:
    """Remove the tool's marks and sheets, saving in place or to out; False (and nothing written) if unmarked."""
    wb = open_workbook(source)
    if not clear(wb):
        return False
    save_atomic(wb, Path(out or source))
    return True


# ---------------------------------------------------------------- marking and undoing


def annotate(wb: Workbook, report: FileReport, notices: Sequence[str] = ()) -> None:
    """Mark the cells of report's findings, add the results sheet first and make it active.

    Earlier marks are cleared first; everything needed to undo is stored in the very hidden marks sheet.
    """
    clear(wb)
    state = _view_state(wb)
    results = wb.create_sheet(RESULT_SHEET, 0)  # openpyxl renames it if the user has a sheet of that name
    store = wb.create_sheet(MARKS_SHEET)
    store.sheet_state = "veryHidden"
    store.append(["状态", json.dumps(state | {"results": results.title}, ensure_ascii=False)])
    store.append(["工作表", "单元格", "原填充", "原批注"])
    for mark in plan_marks([_anchored(wb, f) for f in report.findings]):
        cell = _cell(wb, mark.cell)
        if cell is not None:
            store.append([cell.parent.title, cell.coordinate, _fill_xml(cell), _comment_json(cell.comment)])
            _paint(cell, mark)
    write_results(wb, results, report, notices)
    deselected = {name: [None] * len(flags) for name, flags in state["tabs"].items()}
    _apply_view_state(wb, {"active": 0, "tabs": deselected | {results.title: [True]}, "first_sheet": 0})


def clear(wb: Workbook) -> bool:
    """Undo annotate exactly: original fills, notes and sheet tabs back, tool sheets removed. False if unmarked."""
    if MARKS_SHEET not in wb.sheetnames:
        return False
    store = wb[MARKS_SHEET]
    state = json.loads(store["B1"].value)
    for sheet, coordinate, fill_xml, comment_json in store.iter_rows(min_row=3, max_col=4, values_only=True):
        if sheet in wb.sheetnames:  # the user may have renamed or deleted the sheet in the copy
            cell = wb[sheet][coordinate]
            cell.fill = Fill.from_tree(fromstring(fill_xml))
            cell.comment = _comment(comment_json)
    wb.remove(store)
    if state["results"] in wb.sheetnames:
        wb.remove(wb[state["results"]])
    _apply_view_state(wb, state)
    return True


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


def _anchor(wb: Workbook, ref: CellRef) -> CellRef:
    """The top-left cell of the merged range containing ref (the one that holds value and note), else ref."""
    ws = wb[ref.sheet] if ref.sheet in wb.sheetnames else None
    if isinstance(ws, Worksheet):
        for rng in ws.merged_cells.ranges:
            if rng.min_row <= ref.row <= rng.max_row and rng.min_col <= ref.col <= rng.max_col:
                return CellRef(ref.sheet, rng.min_row, rng.min_col)
    return ref


def _anchored(wb: Workbook, finding: Finding) -> Finding:
    return replace(
        finding,
        cell=_anchor(wb, finding.cell) if finding.cell else None,
        related=tuple(Related(_anchor(wb, r.cell), r.role) for r in finding.related),
    )


def _cell(wb: Workbook, ref: CellRef) -> Cell | None:
    ws = wb[ref.sheet] if ref.sheet in wb.sheetnames else None
    return ws.cell(ref.row, ref.col) if isinstance(ws, Worksheet) else None


def _fill_xml(cell: Cell) -> str:
    return tostring(cell.fill.to_tree()).decode()


def _comment_json(comment: Comment | None) -> str | None:
    if comment is None:
        return None
    # JSON escapes control characters, which a cell may not hold but a note may.
    fields = {"text": comment.text, "author": comment.author, "width": comment.width, "height": comment.height}
    return json.dumps(fields, ensure_ascii=False)


def _comment(saved: str | None) -> Comment | None:
    if saved is None:
        return None
    fields = json.loads(saved)
    return Comment(fields["text"], fields["author"], height=fields["height"], width=fields["width"])


def _paint(cell: Cell, mark: Mark) -> None:
    cell.fill = solid(mark.colour)
    text = mark.note if cell.comment is None else f"{mark.note}\n{ORIGINAL_NOTE_SEPARATOR}\n{cell.comment.text}"
    width, height = _note_size(text)
    cell.comment = Comment(printable(text), NOTE_AUTHOR, height=height, width=width)


_NOTE_LINE_UNITS = 56  # a note wraps after this many half-width characters


def _note_size(text: str) -> tuple[int, int]:
    """Pixel width and height of a note box that shows all of text (9-pt font: about 7 px per half-width char)."""
    units = [display_width(line) for line in text.split("\n")]
    per_line = max(16, min(max(units), _NOTE_LINE_UNITS))
    lines = sum(max(1, ceil(u / per_line)) for u in units)
    return per_line * 7 + 24, lines * 18 + 14
