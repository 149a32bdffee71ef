"""Annotated copies, in-place marking and clearing of workbook files at zip level: only the parts the plan changes are
rewritten, every other entry is copied byte for byte, and clearing gives back the changed parts exactly."""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from validator.annotate.marked_sheet import MarkedSheet, shape_ids, unrecognised_drawing
from validator.annotate.package import CONTENT_TYPES, MACRO_BOOK_TYPE, Package, parse, serialise
from validator.annotate.plan import Mark, free_sheet_name, plan_annotation
from validator.annotate.results_xml import marks_sheet, results_sheet
from validator.annotate.sheet_xml import deselect, merges
from validator.annotate.styles import StyleBook
from validator.annotate.undo import KEPT, SHOWN, Cleared, Original, UndoRecord
from validator.annotate.vml import NotADrawing
from validator.annotate.workbook_xml import Book, workbook_part
from validator.annotate.zip_clear import clear_cells, drop_results, results_sheets, take_off_marks
from validator.atomic import copy_atomic, refuse_read_only, write_atomic
from validator.audience import ANNOTATE_DRAWING, ANNOTATE_RESAVE
from validator.findings import FileReport
from validator.names import MARKS_SHEET, RESULT_SHEET
from validator.provenance import DOCUMENT_FORMATS, FORMAT_ZH
from validator.sources.files import read_regular
from validator.sources.grid import ReadError
from validator.sources.limits import Limits
from validator.sources.sniff import SAVE_AS, file_format
from validator.sources.xlsx import sniff
from validator.text import in_use_hint, os_reason

ANNOTATED_SUFFIX = ".校验"
CONVERTED_FORMATS = ("xls", "ods")  # workbooks checked through LibreOffice: their copy is the converted workbook
PAINTER = "zip"
UNDO_PART = "nianbao/undo.zip"  # the changed parts as they were, and digests of what was written
UNDO_TYPE = "application/zip"
BOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
# Excel opens a file only when its extension agrees with its workbook part's content type. Per type: that extension
# (a backup's), and the type of an annotated copy: a template's or add-in's copy, opened to be corrected, is a workbook.
WORKBOOK_TYPES = {
    BOOK_TYPE: (".xlsx", BOOK_TYPE),
    MACRO_BOOK_TYPE: (".xlsm", MACRO_BOOK_TYPE),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": (".xltx", BOOK_TYPE),
    "application/vnd.ms-excel.template.macroEnabled.main+xml": (".xltm", MACRO_BOOK_TYPE),
    "application/vnd.ms-excel.addin.macroEnabled.main+xml": (".xlam", MACRO_BOOK_TYPE),
}

# ---------------------------------------------------------------- paths


def _declared_type(pkg: Package) -> str | None:
    return pkg.content_type(workbook_part(pkg)) if pkg.has(CONTENT_TYPES) else None


def workbook_type(pkg: Package) -> tuple[str, str]:
    """(the extension the package's workbook content type wants, the content type of its annotated copy). A package
    of no known type (Excel opens none) is told by its VBA project: .xlsm with one, else .xlsx."""
    declared = _declared_type(pkg)
    if declared in WORKBOOK_TYPES:
        return WORKBOOK_TYPES[declared]
    macros = any(name.casefold().endswith("vbaproject.bin") for name in pkg.entries())
    return (".xlsm", MACRO_BOOK_TYPE) if macros else (".xlsx", BOOK_TYPE)


def _suffixes(source: Path, pkg: Package | None) -> tuple[str, str]:
    """(the source's own extension, its annotated copy's), as its workbook content type wants them; `pkg` is the
    source's package when it is open already."""
    own, copy_type = workbook_type(pkg or Package.open(source))
    return own, WORKBOOK_TYPES[copy_type][0]


def annotated_path(
    source: Path,
    out_dir: Path | None = None,
    refresh: bool = False,
    name: str | None = None,
    pkg: Package | None = None,
) -> Path:
    """`<stem>.校验.xlsx` (`.xlsm` for a macro-enabled workbook or template, by its content type) beside the source or
    in out_dir; the stem is that of `name` when given (the name the file is reported under, a batch's 年报~2.xlsx), else
    the source's.

    With `refresh` (the source is an annotated copy this tool wrote) `x.校验.xlsx` stays `x.校验.xlsx`; a user's own
    file that merely has such a name gets `x.校验.校验.xlsx`, so it is never overwritten.
    """
    stem = PurePosixPath(name).stem if name else source.stem
    stem = stem.removesuffix(ANNOTATED_SUFFIX) if refresh else stem
    return (out_dir or source.parent) / f"{stem}{ANNOTATED_SUFFIX}{_suffixes(source, pkg)[1]}"


def backup_path(source: Path, pkg: Package | None = None) -> Path:
    """`<stem>.bak.xlsx` beside the source, with the extension its content type wants (.xlsm, .xltx…: the backup is
    the source's bytes); `.bak2`, `.bak3`… when earlier backups exist, so that the first backup, which holds the
    user's original, is never overwritten."""
    suffix = _suffixes(source, pkg)[0]
    names = (f"{source.stem}.bak{n or ''}{suffix}" for n in itertools.chain([0], itertools.count(2)))
    return next(path for path in map(source.with_name, names) if not path.exists())


# ---------------------------------------------------------------- files


@dataclass(frozen=True)
class Written:
    """What writing an annotated workbook did: where it went, and notes for the user (also on its results sheet)."""

    path: Path
    notices: tuple[str, ...] = ()


def open_package(path: Path, clearing: bool = False) -> Package:
    """The package of a workbook file, wherever its workbook part is; ReadError (a Chinese message) for files that
    are not workbooks (`clearing`: the message says where the marks to clear are)."""
    path, limits = Path(path), Limits.from_env()
    data = read_regular(path, limits)
    if (fmt := file_format(data)) in DOCUMENT_FORMATS:  # checked, it is read into the official workbook: its copy
        raise ReadError(
            f"这是{FORMAT_ZH[fmt]}，不是 Excel 工作簿，其中没有也不能写入校验标注。校验它生成的标注副本是"
            f"「{path.name}{ANNOTATED_SUFFIX}.xlsx」，标注在该副本中（清除标注也请对该副本操作）。",
            "not_workbook",
        )
    if clearing and fmt in CONVERTED_FORMATS:  # checked, it is converted: its copy is a workbook of its own
        raise ReadError(
            f"这是{FORMAT_ZH[fmt]}，本工具只在 Excel 工作簿（.xlsx/.xlsm）中写入和清除校验标注。校验此文件生成的标注副本是"
            f"「{path.name}{ANNOTATED_SUFFIX}.xlsx」，标注在该副本中，请对该副本清除标注；如果此文件是另存为"
            f"{FORMAT_ZH[fmt]}的标注副本，请用 Excel 或 WPS 打开该文件，“另存为”Excel 工作簿（*.xlsx）后再清除标注。",
            "not_workbook",
        )
    try:
        pkg = Package(data)
        if pkg.has(workbook_part(pkg)):
            return pkg
    except ReadError:
        pass
    sniff(path, limits)  # says what the file is instead
    raise ReadError(f"文件中没有工作簿，不是 Excel 工作簿。{SAVE_AS}", "not_workbook")


def write_annotated(
    source: Path,
    report: FileReport,
    out_dir: Path | None = None,
    in_place: bool = False,
    name: str | None = None,
    words: Callable[[str], str] | None = None,
) -> Written:
    """Write the annotated workbook, named after `name` (see annotated_path); in place, the original is first copied
    to a .bak file. The report is not changed; `words` rewords the copy's texts for their reader (see `mark`).

    Earlier marks of the tool are cleared first, so that checking an annotated copy again refreshes its marks.
    """
    source = Path(source)
    pkg = open_package(source)
    book = Book(pkg)
    marked = MARKS_SHEET in book.names
    notices: list[str] = []
    if in_place:
        target = source
        refuse_read_only(target)  # before the backup: a refused write leaves nothing behind
        backup = backup_path(source, pkg)  # named by the package as read, written once it is marked
    else:
        target = annotated_path(source, out_dir, refresh=marked, name=name, pkg=pkg)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.resolve() == source.resolve():  # an annotated copy checked again: refresh its marks
            notices.append("该文件本身是校验生成的标注副本，已在其中更新标注；原始工作簿不受影响。")
    # earlier marks, and results sheets kept or copied in (their explanations were read)
    painted, _ = cleared(pkg, book=book)
    if not in_place:
        painted = as_workbook(painted)
    remarks = [n for n in notices if n not in report.notices]  # the painter's own, said after the report's
    data = mark(painted, report, remarks, book if painted is pkg else None, words)
    if in_place:  # once marked: a workbook that cannot be marked leaves no backup behind
        copy_atomic(source, backup)  # a run killed while copying must not leave a partial backup
    write_atomic(target, lambda tmp: tmp.write_bytes(data))
    return Written(target, tuple(notices))


def as_workbook(pkg: Package) -> Package:
    """The package with the content type of its annotated copy (a template's copy is a workbook, named .xlsx or
    .xlsm): the change is part of the copy, which clearing keeps."""
    declared = _declared_type(pkg)
    if declared not in WORKBOOK_TYPES or WORKBOOK_TYPES[declared][1] == declared:
        return pkg
    pkg.retype(workbook_part(pkg), WORKBOOK_TYPES[declared][1])
    return Package(pkg.bytes())


def try_write_annotated(
    source: Path,
    report: FileReport,
    out_dir: Path | None = None,
    in_place: bool = False,
    name: str | None = None,
    words: Callable[[str], str] | None = None,
) -> Written | str:
    """write_annotated, or the Chinese reason the copy could not be written (for the file's notices)."""
    try:
        return write_annotated(source, report, out_dir, in_place, name, words)
    except ReadError as exc:  # readable for checking, but its package cannot be edited
        return f"无法生成标注副本：{exc.message}"
    except OSError as exc:
        return f"无法写入标注副本（{os_reason(exc)}）。{in_use_hint(exc, '，或用 --out 指定其他目录')}"


def clear_file(source: Path, out: Path | None = None, keep_explanations: bool = True) -> Cleared:
    """Remove the tool's marks and sheets, saving in place or to out; nothing is written if there were none.

    A results sheet holding the agency's explanations is kept unless `keep_explanations` is False.
    """
    pkg, done = cleared(open_package(source, clearing=True), keep_explanations)
    if done:
        data = pkg.bytes()
        write_atomic(Path(out or source), lambda tmp: tmp.write_bytes(data))
    return done


# ---------------------------------------------------------------- marking


def mark(
    pkg: Package,
    report: FileReport,
    notices: Sequence[str] = (),
    book: Book | None = None,
    words: Callable[[str], str] | None = None,
) -> bytes:
    """The package with the plan of `report` painted: marks, the results sheet first and active, the undo record.
    `book` is the package's workbook when it is parsed already (it is changed). `words` rewords every note and
    results text (`audience.for_uploader` for the copy the upload page gives); the 编号 column stays the report's,
    so that explanations typed in either copy follow their findings."""
    book = book or Book(pkg)
    names_before = book.names
    worksheets = book.worksheets()
    touched = {ref.sheet for f in report.findings for ref in f.cells if ref is not None and ref.local}
    roots = {name: parse(pkg.read(part)) for name, part in worksheets.items() if name in touched}
    sheets = {name: merges(roots[name]) if name in roots else () for name in worksheets}
    plan = plan_annotation(report, sheets, notices)
    plan = plan.worded(words) if words else plan
    if book.styles is None or not pkg.has(book.styles):
        raise ReadError(f"工作簿缺少样式部件，无法写入标注。{ANNOTATE_RESAVE.receiver}", "corrupt")
    styles = StyleBook(parse(pkg.read(book.styles)))
    record = UndoRecord(PAINTER, free_sheet_name(RESULT_SHEET, book.names), book.active)
    ids = shape_ids(pkg)
    for name in sorted({m.cell.sheet for m in plan.marks}):
        sheet = MarkedSheet.open(pkg, book, worksheets[name], roots[name], ids)
        try:
            record.originals += _mark_sheet(sheet, [m for m in plan.marks if m.cell.sheet == name], styles)
        except NotADrawing as exc:
            raise unrecognised_drawing(name, sheet.vml, ANNOTATE_DRAWING.receiver) from exc
        if any((shown := sheet.cells.shown).values()):
            record.view.setdefault(SHOWN, {})[name] = shown
        deselect(sheet.root)  # the results sheet becomes the only selected tab
        sheet.save(pkg, book)
    painted = {worksheets[m.cell.sheet] for m in plan.marks}
    for sheet in book.sheets:  # the others, read only to be unselected
        if sheet.part in painted:
            continue
        if sheet.part and pkg.has(sheet.part) and b"tabSelected" in (data := pkg.read(sheet.part)):
            root = parse(data)
            if deselect(root):
                pkg.put(sheet.part, serialise(root))
    body, header = results_sheet(plan.results, styles, book.ns)
    book.add_sheet(record.results, body, first=True)
    book.add_sheet(MARKS_SHEET, marks_sheet(record.rows(), styles, book.ns), first=False, state="veryHidden")
    if header:
        book.print_titles(0, f"${header}:${header}")
    book.show_first()
    book.save()
    pkg.put(book.styles, serialise(styles.root))
    book.update_titles(names_before)
    _keep_originals(pkg)
    return pkg.bytes()


def _mark_sheet(sheet: MarkedSheet, marks: Sequence[Mark], styles: StyleBook) -> list[Original]:
    """Fill and note every mark of one sheet, showing its row and column if hidden; what each cell had before."""
    originals = []
    for planned in marks:
        row, col, ref = planned.cell.row, planned.cell.col, planned.cell.coordinate
        m = planned.shown(*sheet.cells.show(row, col))  # its note says what was hidden
        xf = sheet.cells.style(row, col)
        fill = styles.fill_xml(xf)
        sheet.cells.set_style(row, col, styles.with_solid(xf, m.colour))
        if ref in sheet.notes.threaded:  # a threaded comment shows instead of any note: left as it is
            originals.append(Original(m.cell.sheet, ref, fill, KEPT))
            continue
        saved = sheet.notes.saved(ref)
        sheet.notes.write(ref, row, col, m.note_over(saved.text if saved else None))
        originals.append(Original(m.cell.sheet, ref, fill, saved))
    return originals


# ---------------------------------------------------------------- the undo store and clearing


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _keep_originals(pkg: Package) -> None:
    """Store the changed parts as they were and digests of what is written, so that clearing can restore exactly."""
    pkg.declare(UNDO_PART, UNDO_TYPE)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as store:
        written = {name: _digest(data) for name, data in (*pkg.changed.items(), *pkg.added.items())}
        manifest = {"version": 1, "added": list(pkg.added), "written": written}
        # Dated as zip's epoch, not now: marking a workbook twice writes the same record (no clock in its bytes).
        entry = zipfile.ZipInfo("manifest.json", date_time=(1980, 1, 1, 0, 0, 0))
        store.writestr(entry, json.dumps(manifest, ensure_ascii=False), zipfile.ZIP_DEFLATED)
        for name in pkg.changed:
            pkg.copy_original(name, store, f"parts/{name}")
    pkg.put(UNDO_PART, buffer.getvalue(), stored=True)  # its entries are compressed: deflating it again gains nothing


def cleared(pkg: Package, keep_explanations: bool = False, book: Book | None = None) -> tuple[Package, Cleared]:
    """The package without the tool's marks and results sheets: exactly as before marking when the marked parts are
    as written, else cleared cell by cell from the undo record (a copy that was edited and saved by another program).

    With `keep_explanations`, a results sheet holding the agency's explanations stays (last, not selected); the marks
    are then cleared cell by cell, since the exact parts from before marking would drop the styles it uses.
    `book` is the package's workbook when it is parsed already (it is only read).
    """
    book = book or Book(pkg)
    found = results_sheets(pkg, book)
    kept = next((name for name, explained in found.items() if explained and keep_explanations), None)
    marked = MARKS_SHEET in book.names
    guessed: list[str] = []  # cells whose marks moved since marking: their fill is a guess (`_take_off`)
    if marked:
        exact = None if kept else _restored(pkg)
        if exact is None and pkg.has(UNDO_PART):  # its parts no longer apply
            pkg.remove(UNDO_PART)
            pkg.undeclare(UNDO_PART)
        pkg, guessed = (exact, []) if exact is not None else clear_cells(pkg, keep=kept)
    elif book.styles and pkg.has(book.styles) and (unrecorded := take_off_marks(pkg, book)) is not None:
        (pkg, guessed), marked = unrecorded, True  # marks whose record (the marks sheet) was deleted
    names = Book(pkg).names if marked else book.names
    gone = [name for name in found if name != kept and name in names]
    if gone or (marked and kept):
        pkg = drop_results(pkg, gone, kept)
    return pkg, Cleared(marked or bool(gone), kept, tuple(guessed))


def _restored(pkg: Package) -> Package | None:
    if not pkg.has(UNDO_PART):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(pkg.read(UNDO_PART))) as store:
            manifest = json.loads(store.read("manifest.json"))
            originals = {n.removeprefix("parts/"): store.read(n) for n in store.namelist() if n.startswith("parts/")}
    except (zipfile.BadZipFile, KeyError, ValueError):
        return None
    written = manifest.get("written", {})
    if any(not pkg.has(name) or _digest(pkg.read(name)) != digest for name, digest in written.items()):
        return None  # edited since marking
    for name in (*manifest.get("added", ()), UNDO_PART):
        pkg.remove(name)
    for name, data in originals.items():
        pkg.put(name, data)
    return Package(pkg.bytes())
