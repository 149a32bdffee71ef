"""Writing the annotated copy of a workbook with openpyxl: marked cells, notes, a results sheet, and exact undo."""

from __future__ import annotations

import io
import json
import os
import posixpath
import re
import shutil
import unicodedata
import uuid
import warnings
import zipfile
from dataclasses import replace
from math import ceil
from pathlib import Path

import openpyxl
from defusedxml.ElementTree import fromstring
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.fills import Fill
from openpyxl.workbook import Workbook
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import tostring

from validator.cellref import column_letter
from validator.findings import SEVERITIES, SEVERITY_ZH, CellRef, FileReport, Finding, Related
from validator.marks import PRIMARY_FILL, Mark, plan_marks
from validator.names import MARKS_SHEET, RESULT_SHEET

NOTE_AUTHOR = "年报校验"
ORIGINAL_NOTE_SEPARATOR = "——原批注——"
ANNOTATED_SUFFIX = ".校验"
VBA_PART = "xl/vbaProject.bin"

# ---------------------------------------------------------------- parts openpyxl cannot keep

_SHEET = re.compile(r"xl/worksheets/[^/]+\.xml")


def _uri(*uris: str) -> re.Pattern[str]:
    """A worksheet extension (extLst/ext) by its registered URI; openpyxl drops every worksheet extension."""
    return re.compile("|".join(re.escape(u) for u in uris), re.IGNORECASE)


# (what the user is told, the parts that carry it, what such a part must contain or None); a name may repeat.
_LOSSY: tuple[tuple[str, re.Pattern[str], re.Pattern[str] | None], ...] = (
    ("文本框或形状", re.compile(r"xl/drawings/[^/]+\.xml"), re.compile(r"<(?:\w+:)?(?:sp|cxnSp)[\s>]")),
    ("图表", re.compile(r"xl/charts/chart[^/]*\.xml"), None),
    ("ActiveX 控件", re.compile(r"xl/activeX/[^/]+\.xml"), None),
    ("表单控件", re.compile(r"xl/ctrlProps/[^/]+\.xml"), None),
    ("扩展数据验证", _SHEET, _uri("{CCE6A557-97BC-4B89-ADB6-D9C93CAAB3DF}")),
    ("扩展条件格式", _SHEET, _uri("{78C0D931-6437-407D-A8EE-F0AAD7539E65}")),
    ("迷你图", _SHEET, _uri("{05C60535-1F16-4FD2-B633-F4F36F0B64E0}")),
    ("可回复的新式批注", re.compile(r"xl/threadedComments/[^/]+\.xml"), None),
    ("切片器", re.compile(r"xl/(?:slicers|slicerCaches)/[^/]+\.xml"), None),
    ("切片器", _SHEET, _uri("{A8765BA9-456A-4DAB-B4F3-ACF838C121DE}", "{3A4CF648-6AED-40F4-86FF-DC5316D8AED3}")),
    ("日程表", re.compile(r"xl/(?:timelines|timelineCaches)/[^/]+\.xml"), None),
    ("日程表", _SHEET, _uri("{7E03D99C-DC04-49D9-9315-930204A7B6E9}")),
    ("允许编辑区域", _SHEET, _uri("{FC87AEE6-9EDD-4A0A-B7FB-166176984837}")),
    ("错误检查忽略设置", _SHEET, _uri("{01252117-D84E-4E92-8308-4BE1C098FCBB}")),
    ("Office 加载项", _SHEET, _uri("{F7C9EE02-42E1-4005-9D12-6889AFFD525C}")),
)


def unsupported_parts(path: Path) -> list[str]:
    """Chinese names of the contents openpyxl would drop, with their sheets, e.g. ["文本框或形状（表二）"]."""
    found: dict[str, list[str]] = {}
    with zipfile.ZipFile(path) as zf:
        owners = _part_owners(zf)
        for part in zf.namelist():
            for kind in _kinds_in(zf, part):
                sheets = found.setdefault(kind, [])
                if owners.get(part) and owners[part] not in sheets:
                    sheets.append(owners[part])
    kinds = [kind for kind in dict.fromkeys(k for k, _, _ in _LOSSY) if kind in found]  # catalogue order
    return [f"{kind}（{'、'.join(found[kind])}）" if found[kind] else kind for kind in kinds]


def _kinds_in(zf: zipfile.ZipFile, part: str) -> list[str]:
    """What of the catalogue a part carries (its text is read once, and only when a pattern needs it)."""
    rules = [(kind, pattern) for kind, where, pattern in _LOSSY if where.fullmatch(part)]
    text = zf.read(part).decode("utf-8", errors="replace") if any(p for _, p in rules) else ""
    return [kind for kind, pattern in rules if pattern is None or pattern.search(text)]


def _part_owners(zf: zipfile.ZipFile) -> dict[str, str]:
    """Each part reachable from a sheet (its drawings, their charts, controls…) → that sheet's name."""
    names = set(zf.namelist())
    book = next((t for _, kind, t in _rels(zf, names, "") if kind.endswith("/officeDocument")), "xl/workbook.xml")
    targets = {rid: t for rid, _, t in _rels(zf, names, book)}
    owners: dict[str, str] = {}
    for el in fromstring(zf.read(book)).iter():
        if el.tag.endswith("}sheet"):
            rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
            todo = [targets[rid]] if rid in targets else []
            while todo:
                part = todo.pop()
                if part not in owners:
                    owners[part] = el.get("name", "")
                    todo.extend(t for _, _, t in _rels(zf, names, part))
    return owners


def _rels(zf: zipfile.ZipFile, names: set[str], part: str) -> list[tuple[str, str, str]]:
    """(id, type, resolved target part) of a part's internal relationships."""
    folder, base = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{base}.rels")
    if rels not in names:
        return []
    out = []
    for rel in fromstring(zf.read(rels)):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External" or not target:
            continue
        resolved = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out.append((rel.get("Id", ""), rel.get("Type", ""), resolved))
    return out


# ---------------------------------------------------------------- opening and saving


def has_macros(path: Path) -> bool:
    """Whether the package carries a VBA project (it must then be kept and saved as .xlsm)."""
    with zipfile.ZipFile(path) as zf:
        return VBA_PART in zf.namelist()


def open_workbook(path: Path) -> Workbook:
    """Load for editing with formulas, macros, external links and rich text kept, whatever the file's extension."""
    data = Path(path).read_bytes()  # a file object, not a name: openpyxl rejects names with unknown extensions
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        macros = VBA_PART in zf.namelist()
    with warnings.catch_warnings():
        # openpyxl warns in English about extensions it drops; unsupported_parts tells the user in Chinese.
        warnings.simplefilter("ignore", UserWarning)
        return openpyxl.load_workbook(
            io.BytesIO(data), keep_vba=macros, keep_links=True, data_only=False, rich_text=True
        )


def save_atomic(wb: Workbook, target: Path) -> None:
    """Save through a temporary file beside the target, so the target is either the old or the new file."""
    target = Path(target)
    tmp = target.with_name(f".~{target.stem}.{uuid.uuid4().hex[:8]}{target.suffix}")
    try:
        wb.save(tmp)
        if target.exists():
            shutil.copymode(target, tmp)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _suffix(source: Path) -> str:
    return ".xlsm" if has_macros(source) else ".xlsx"


def annotated_path(source: Path, out_dir: Path | None = None) -> Path:
    """`<stem>.校验.xlsx` (`.xlsm` with macros) beside the source or in out_dir, never `.校验.校验`."""
    stem = source.stem.removesuffix(ANNOTATED_SUFFIX)
    return (out_dir or source.parent) / f"{stem}{ANNOTATED_SUFFIX}{_suffix(source)}"


def backup_path(source: Path) -> Path:
    """`<stem>.bak.xlsx` (`.xlsm` with macros) beside the source."""
    return source.with_name(f"{source.stem}.bak{_suffix(source)}")


# ---------------------------------------------------------------- files


def write_annotated(source: Path, report: FileReport, out_dir: Path | None = None, in_place: bool = False) -> Path:
    """Write the annotated workbook and return its path; in place, the original is first copied to a .bak file.

    What openpyxl cannot keep is detected first and told in report.notices (and so on the results sheet).
    """
    source = Path(source)
    lost = unsupported_parts(source)
    if in_place:
        target = source
        backup = backup_path(source)
        shutil.copy2(source, backup)
        advice = f"原文件已备份为 {backup.name}，请对照备份查看这些内容。"
    else:
        target = annotated_path(source, out_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        advice = "原文件未改动，请对照原文件查看这些内容。"
    if lost:
        notice = f"标注后的文件无法保留：{'、'.join(lost)}。{advice}"
        if notice not in report.notices:
            report.notices.append(notice)
    wb = open_workbook(source)
    annotate(wb, report)
    save_atomic(wb, target)
    report.annotated = str(target)
    return target


def clear_file(source: Path, out: Path | None = None) -> bool:
    """Remove the tool's marks and sheets, saving in place or to out; False (and nothing written) if unmarked."""
    wb = open_workbook(source)
    if not clear(wb):
        return False
    save_atomic(wb, Path(out or source))
    return True


# ---------------------------------------------------------------- marking and undoing


def annotate(wb: Workbook, report: FileReport) -> None:
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
    _write_results(wb, results, report)
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


def _solid(rgb: str) -> PatternFill:
    """A solid fill in opaque ARGB, as Excel writes it."""
    return PatternFill(fill_type="solid", start_color=f"FF{rgb}", end_color=f"FF{rgb}")


def _paint(cell: Cell, mark: Mark) -> None:
    cell.fill = _solid(mark.colour)
    text = mark.note if cell.comment is None else f"{mark.note}\n{ORIGINAL_NOTE_SEPARATOR}\n{cell.comment.text}"
    width, height = _note_size(text)
    cell.comment = Comment(text, NOTE_AUTHOR, height=height, width=width)


def _units(line: str) -> int:
    """Display width in half-width characters (CJK characters and full-width punctuation count two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WFA" else 1 for c in line)


_NOTE_LINE_UNITS = 56  # a note wraps after this many half-width characters


def _note_size(text: str) -> tuple[int, int]:
    """Pixel width and height of a note box that shows all of text (9-pt font: about 7 px per half-width char)."""
    units = [_units(line) for line in text.split("\n")]
    per_line = max(16, min(max(units), _NOTE_LINE_UNITS))
    lines = sum(max(1, ceil(u / per_line)) for u in units)
    return per_line * 7 + 24, lines * 18 + 14


# ---------------------------------------------------------------- results sheet

_COLUMNS = (("序号", 6), ("规则", 10), ("级别", 8), ("位置", 16), ("说明", 80))
_TABLE_UNITS = sum(width for _, width in _COLUMNS)
_HEADER_FILL = _solid("F2F2F2")
_HEADER_BORDER = Border(bottom=Side(style="thin"))
_LINK_FONT = Font(color="FF0563C1", underline="single")
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTRED = Alignment(wrap_text=True, vertical="top", horizontal="center")


def _write_results(wb: Workbook, ws: Worksheet, report: FileReport) -> None:
    """The first sheet: what was checked, the counts and notices, then one linked row per finding."""
    counts = "，".join(f"{SEVERITY_ZH[s]} {report.counts[s]} 项" for s in SEVERITIES)
    lines = [f"文件：{Path(report.path).name}", f"模板：{report.template or '未识别'}", f"结果：{counts}"]
    lines += [f"无法校验：{report.error}"] if report.error else []
    lines += [f"说明：{notice}" for notice in report.notices]
    _text_row(ws, 1, "政府信息公开工作年度报告校验结果", Font(bold=True, size=14))
    ws.row_dimensions[1].height = 24  # Excel does not grow a merged row for a larger font
    for row, line in enumerate(lines, 2):
        _text_row(ws, row, line)
    table_row = len(lines) + 3
    for col, (_, width) in enumerate(_COLUMNS, 1):
        ws.column_dimensions[column_letter(col)].width = width
    if not report.findings:
        _text_row(ws, table_row, "未发现问题。", Font(bold=True, color="FF006100"))
        return
    _write_table(wb, ws, table_row, report.sorted_findings())


def _text_row(ws: Worksheet, row: int, text: str, font: Font | None = None) -> None:
    """A line of text across the table's width; merged cells do not grow by themselves, so set the height."""
    cell = ws.cell(row, 1, text)
    cell.alignment = _WRAP
    if font is not None:
        cell.font = font
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(_COLUMNS))
    _fit_height(ws, row, text, _TABLE_UNITS)


def _fit_height(ws: Worksheet, row: int, text: str, width: int) -> None:
    """Give a row the height its wrapped text needs: neither Excel nor LibreOffice grows it when opening a file."""
    lines = ceil(_units(text) / width)
    if lines > 1:
        ws.row_dimensions[row].height = 16 * lines


def _write_table(wb: Workbook, ws: Worksheet, top: int, findings: list[Finding]) -> None:
    for col, (title, _) in enumerate(_COLUMNS, 1):
        cell = ws.cell(top, col, title)
        cell.font, cell.fill, cell.border = Font(bold=True), _HEADER_FILL, _HEADER_BORDER
    ws.freeze_panes = ws.cell(top + 1, 1).coordinate
    ws.print_title_rows = f"{top}:{top}"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    for number, f in enumerate(findings, 1):
        row = top + number
        place = f.cell.ref if f.cell else "整个工作簿"
        for col, value in enumerate((number, f.rule, SEVERITY_ZH[f.severity], place, f.message), 1):
            ws.cell(row, col, value).alignment = _CENTRED if col in (1, 3) else _WRAP
        ws.cell(row, 3).fill = _solid(PRIMARY_FILL[f.severity])
        _fit_height(ws, row, f.message, _COLUMNS[-1][1] - 2)  # a little slack: wrapping breaks before the edge
        if f.cell and f.cell.sheet in wb.sheetnames:
            link = ws.cell(row, 4)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=_link_location(f.cell))
            link.font = _LINK_FONT


def _link_location(ref: CellRef) -> str:
    """An internal hyperlink target: "'表三'!J8"."""
    return "'{}'!{}".format(ref.sheet.replace("'", "''"), ref.coordinate)
