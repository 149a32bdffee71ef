"""Running a check: read workbooks, locate and check them in bounded chunks, and return one FileReport per input.

A failure inside the tool (a rule, a locator) stays with its own file: that file's report gets status "error", a
Chinese message and a saved traceback, and every other file is checked normally.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import tempfile
import traceback
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from itertools import islice
from pathlib import Path, PurePath

from validator.audience import NEWER_TEMPLATE
from validator.catalogue import builtin_finding
from validator.check.run import check_located
from validator.check.values import parse_year
from validator.findings import AGENCY_FIELDS, FileReport, Finding, document_words, place_of
from validator.labels import label_words
from validator.locate import LocatedReport, locate
from validator.locate.detect import distinctive_hits
from validator.locate.title import YEAR_FIELD
from validator.provenance import Place
from validator.rounds.explain import apply_explanations, read_explanations
from validator.sources.formats import load_file as load
from validator.sources.grid import ReadError, WorkbookGrid
from validator.sources.guard import read_workbook
from validator.sources.limits import Limits
from validator.sources.saved_page import saved_pages, saved_with
from validator.sources.sniff import DOCUMENT_SUFFIXES, WORKBOOK_SUFFIXES, is_lock_file, is_system_file, is_word_xml_file
from validator.sources.xlsx import Loaded
from validator.spec.catalog import default_template, list_templates, template_by_id, template_for_year
from validator.spec.model import Template
from validator.text import natural_key
from validator.version import ENGINE_VERSION

# Reports validated per pandera call: large enough to amortise the call, small enough that memory stays flat.
CHUNK_SIZE = 200
# How this tool names what it writes beside a file (validator.annotate.zip_painter): an annotated copy x.校验.xlsx
# (a document's x.pdf.校验.xlsx) and --in-place backups x.bak.xlsx, x.bak2.xlsx; .xlsm for a macro-enabled workbook.
_OWN_OUTPUT = re.compile(r"(?P<stem>.+)(?:(?P<copy>\.校验)|\.bak\d*)\.(?:xlsx|xlsm)", re.IGNORECASE)
REPORT_SUFFIXES = WORKBOOK_SUFFIXES | DOCUMENT_SUFFIXES


# ---------------------------------------------------------------- choosing the files


def workbook_paths(paths: Sequence[str | Path]) -> list[tuple[Path, Path]]:
    """(file, its folder relative to the folder named) for every workbook to check.

    Files are taken as given; a folder stands for the reports in it and its subfolders, as `nianbao batch` takes
    them: without the annotated copies and backups this tool wrote beside them (see copy_beside), Office's "~$"
    lock files, hidden files (among them this tool's temporaries of a write that was killed), macOS's __MACOSX
    copies, and the files of the folder a web page was saved with (its frames' pages are read with the page). An
    empty folder stays, to be reported. The relative folder lets copies written elsewhere (--out) keep the folder
    structure, so that two b.xlsx in two subfolders do not overwrite each other's copy.
    """
    out: list[tuple[Path, Path]] = []
    for path in map(Path, paths):
        found = _reports_in(path) if is_folder(path) else []
        out += [(f, f.parent.relative_to(path)) for f in found] or [(path, Path())]
    return out


def is_folder(path: Path) -> bool:
    """Whether `path` is a folder; False when it cannot be told (a name too long, no permission)."""
    try:
        return path.is_dir()
    except OSError:  # a name too long, no permission…: reading it will say so in Chinese
        return False


def _reports_in(folder: Path) -> list[Path]:
    files = [f for f in folder.rglob("*") if (f.suffix.lower() in REPORT_SUFFIXES or _word_xml(f)) and f.is_file()]
    files.sort(key=lambda f: natural_key(f.relative_to(folder).as_posix()))  # as batch lists them: 2 before 10
    beside, pages = names_by_folder(files), saved_pages(files)
    return [
        f
        for f in files
        if not is_lock_file(f.name)
        and not is_system_file(f.relative_to(folder).parts)
        and not copy_beside(f.name, beside[f.parent])
        and not saved_with(f, pages)
    ]


def _word_xml(path: Path) -> bool:
    """Whether a .xml file is a Word 2003 XML document (as OA systems' 「导出Word」 may name one), told by its bytes:
    a report, as `nianbao batch` collects it."""
    return path.suffix.lower() == ".xml" and path.is_file() and is_word_xml_file(path)


def is_own_output(name: str) -> bool:
    """Whether a file is named as this tool names its annotated copies (x.校验.xlsx) and --in-place backups."""
    return _OWN_OUTPUT.fullmatch(name) is not None


def names_by_folder(paths: Iterable[PurePath]) -> dict[PurePath, dict[str, str]]:
    """The names of `paths` by their folder, each under its casefolded form (Windows and macOS folders ignore case):
    what copy_beside looks in."""
    names: defaultdict[PurePath, dict[str, str]] = defaultdict(dict)
    for path in paths:
        names[path.parent][path.name.casefold()] = path.name
    return dict(names)


COPY, BACKUP = "标注副本", "备份"  # what copy_beside says a file beside its original is


def copy_beside(name: str, beside: Mapping[str, str]) -> tuple[str, str] | None:
    """(COPY 标注副本 or BACKUP 备份, the original's name) when `name` is what this tool wrote beside a file: named as the tool's
    copy or backup of a file that is in the same folder (`beside`: its names by their casefolded form). Such a copy is
    not checked again. Without its original it is a submission: an annotated copy an agency returned, its explanations
    typed in (docs/rounds.md)."""
    own = _OWN_OUTPUT.fullmatch(name)
    if own is None:
        return None
    stem = own["stem"]
    originals = [stem] if PurePath(stem).suffix.lower() in REPORT_SUFFIXES else [stem + ".xlsx", stem + ".xlsm"]
    original = next((beside[o.casefold()] for o in originals if o.casefold() in beside), None)
    return ((COPY if own["copy"] else BACKUP), original) if original else None


# ---------------------------------------------------------------- the public entry points


def check_paths(
    paths: Iterable[str | Path], template: Template | None = None, chunk_size: int = CHUNK_SIZE, isolated: bool = True
) -> list[FileReport]:
    """Reports in the order of `paths`; each workbook's template is `template`, else detected from the workbook.

    Workbooks are read in a guarded worker process that a native crash or hang cannot take down with the caller;
    a caller that is itself such a disposable worker (a batch worker) passes isolated=False and reads directly.
    """
    return [r for chunk in iter_check_paths(paths, template, chunk_size, isolated) for r in chunk]


def iter_check_paths(
    paths: Iterable[str | Path], template: Template | None = None, chunk_size: int = CHUNK_SIZE, isolated: bool = True
) -> Iterator[list[FileReport]]:
    """Like check_paths, one chunk of reports at a time: only one chunk's workbooks are in memory at once."""
    paths = iter(paths)
    labels = reader_labels(template)
    read = partial(read_workbook if isolated else load, limits=Limits.from_env(), labels=labels)  # each read once
    while chunk := list(islice(paths, chunk_size)):
        yield _check_chunk([_read(Path(p), read) for p in chunk], template)


def check_grids(
    grids: Sequence[WorkbookGrid],
    template: Template | None = None,
    names: Sequence[str] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> list[FileReport]:
    """Reports for workbooks already read (from a file, a live Excel book…), named by `names` (default "#1", "#2"…)."""
    names = list(names) if names is not None else [f"#{i}" for i in range(1, len(grids) + 1)]
    entries = [(FileReport(name, engine_version=ENGINE_VERSION), grid) for name, grid in zip(names, grids)]
    return [r for i in range(0, len(entries), chunk_size) for r in _check_chunk(entries[i : i + chunk_size], template)]


def read_located(path: str | Path, template: Template | None = None) -> tuple[WorkbookGrid, LocatedReport]:
    """One file read in the guarded worker and its inputs located (the template detected unless given); raises
    ReadError when it cannot be read."""
    grid = read_workbook(Path(path), labels=reader_labels(template)).grid
    return grid, locate(grid, template or _detect(grid))


def reader_labels(template: Template | None) -> frozenset[str]:
    """The words of the labels a file's reader may meet (validator.sources.formats.read_document): those of the
    shipped formats, whichever the file is in, and of the template the user gives (a spec file of their own)."""
    templates = (*list_templates(), *([template] if template else []))
    return label_words(label for t in templates for label in t.labels)


# ---------------------------------------------------------------- one chunk


_Entry = tuple[FileReport, "WorkbookGrid | None"]


def _read(path: Path, read: Callable[[Path], Loaded]) -> _Entry:
    report = FileReport(str(path), engine_version=ENGINE_VERSION)
    try:
        if is_folder(path):  # what workbook_paths leaves of a folder without workbooks
            raise ReadError(
                f"文件夹 {path} 中没有 .xlsx/.xlsm 工作簿。请指定工作簿文件，或包含工作簿的文件夹。", "missing"
            )
        loaded = read(path)
        report.sha256 = loaded.sha256
        return report, loaded.grid
    except ReadError as exc:
        report.error, report.failure, report.source_format = exc.message, "unreadable", exc.fmt
    except Exception as exc:  # a workbook shaped like nothing we foresaw must not stop the other files
        _internal_error(report, exc)
    return report, None


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's content, in hex."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class _Pending:
    report: FileReport
    located: LocatedReport


def _check_chunk(entries: Sequence[_Entry], chosen: Template | None) -> list[FileReport]:
    pending: dict[Template, list[_Pending]] = {}
    for report, grid in entries:
        if grid is None:
            continue
        try:
            template = chosen or _detect(grid)
            _describe_template(report, grid, template)
            pending.setdefault(template, []).append(_Pending(report, locate(grid, template)))
        except Exception as exc:
            _internal_error(report, exc)
    for group in pending.values():
        _check_group(group)
    for report, grid in entries:
        if grid is not None and grid.results and report.status == "checked":
            report.explanations = read_explanations(grid.results)
            apply_explanations(report)
    return [report for report, _ in entries]


def _detect(grid: WorkbookGrid) -> Template:
    """The template a workbook was filled in.

    In this order: the id a generated workbook declares, unless its labels are only another format's (tables pasted
    into an old generated workbook); the labels only one format prints (when several formats'
    labels appear, e.g. an old 表二 copied into a new report, the format of the report year decides, else the newest
    of them); the report year alone; the current format.
    """
    templates = list_templates()
    hits = distinctive_hits(grid, templates)
    found = [t for t in templates if hits[t]]
    declared = grid.template_id and template_by_id(grid.template_id)
    if declared and (declared in found or not found):
        return declared
    if len(found) == 1:
        return found[0]
    year = _report_year(grid, found or templates)
    by_year = next((t for t in found or templates if year is not None and t.covers(year)), None)
    # Without a year, the newest format found: its labels cannot have been copied from an older report.
    return by_year or (found[0] if found else default_template())


def _report_year(grid: WorkbookGrid, templates: Sequence[Template]) -> int | None:
    """The 报告年度 written in the workbook, read with the first template that has that field."""
    template = next((t for t in templates if YEAR_FIELD in t.fields), None)
    cell = locate(grid, template).cells.get(YEAR_FIELD) if template else None
    year = parse_year(cell.raw).value if cell else None
    return int(year) if isinstance(year, float) and year == year else None


def _outdated_format(report: FileReport, template: Template) -> None:
    """ST07 for a report whose year is later than its format's last year: it should use the newer format."""
    year = report.agency.get(YEAR_FIELD)
    if not isinstance(year, int) or template.last_year is None or year <= template.last_year:
        return
    newer = template_for_year(year)
    name = f"{newer.name}（{newer.basis}）" if newer else "现行格式"
    ask = NEWER_TEMPLATE.receiver.format(template=(newer or default_template()).id)
    report.findings.append(
        builtin_finding(
            "ST07",
            f"本报告采用的是{template.name}（{template.basis}），该格式用于{template.years}的报告；报告年度为{year}，"
            f"应使用{name}。{ask}各表已按{template.name}校验。",
            report.cells.get(YEAR_FIELD),
        )
    )


def _describe_template(report: FileReport, grid: WorkbookGrid, template: Template) -> None:
    report.template, report.template_version = template.id, template.version
    report.source_format = grid.source_format
    report.origins = document_origins(grid)
    if grid.template_id and grid.template_id != template.id:
        report.notices.append(
            f"该工作簿由模板「{grid.template_id}」生成，本次按「{template.id}」（{template.basis}）校验。"
        )


def _check_group(group: list[_Pending]) -> None:
    """Check reports of one template together; if that fails, one at a time, so that only the culprit fails."""
    try:
        results = check_located([p.located for p in group])
    except Exception as exc:
        if len(group) == 1:
            _internal_error(group[0].report, exc)
            return
        for p in group:
            _check_group([p])
        return
    for p, checked in zip(group, results):
        p.report.findings = checked.findings
        p.report.localisation = checked.localisation
        p.report.values = checked.values
        p.report.agency = {k: p.report.values.get(k) for k in AGENCY_FIELDS}
        p.report.coverage = checked.coverage
        p.report.notices += map(p.report.in_words, checked.notices)
        p.report.cells = {k: loc.cell for k, loc in p.located.cells.items()}
        _name_places(p.report)
        _outdated_format(p.report, p.located.template)
        blank = [k for k in p.located.unpublished if p.report.values.get(k) is None]
        if blank:
            p.report.notices.append(unpublished_notice(p.located.template, blank, copy=False))


def unpublished_notice(template: Template, keys: Iterable[str], copy: bool) -> str:
    """What a published report converted into the official workbook says of the required cover fields the report
    had no value for (`keys`, still blank): to fill them in for the office; while blank they are judged as in the
    published report, which has no cover (no TX01). `copy`: said on the report's annotated copy, else on a check of
    the converted workbook (the copy an agency returned, a workbook of nianbao import)."""
    fields = [f for s in template.sheets for f in s.fields if f.key in set(keys)]
    sheet = next(s.name for s in template.sheets if fields[0] in s.fields)
    named = "".join(f"「{f.label}」" for f in fields)
    said = (
        f"原文没有封面，标注副本「{sheet}」表中的{named}为空"
        if copy
        else f"本工作簿由已发布的年报转换而来，原文没有封面：「{sheet}」表中的{named}尚未填写"
    )
    later = "报回时仍未填写的" if copy else "未填写的"
    return f"{said}，请补填（政务公开办汇总和核对单位需要）；{later}按已发布的年报校验，不作为问题。"


def document_origins(grid: WorkbookGrid) -> dict[tuple[str, int, int], Place]:
    """Where each cell of an imported document came from, by (sheet, row, col); empty for a workbook."""
    return {(s.name, r, c): place for s in grid.sheets for (r, c), place in s.origins.items()}


def with_places(findings: Iterable[Finding], origins: dict[tuple[str, int, int], Place]) -> list[Finding]:
    """The findings on an imported document in its words (see `in_document_words`), each on a cell with its place in
    the document added to its message."""
    if not origins:
        return list(findings)
    words = document_words(origins)
    out = []
    for f in findings:
        own = place_of(origins, f.cell) if f.cell else None
        message = words(f.message, own)
        out.append(replace(f, message=f"{message}（原文位置：{own.phrase()}）" if own else message))
    return out


def _name_places(report: FileReport) -> None:
    """A document's findings in its words; without TY03, which is about how a spreadsheet stores a number (as text:
    full-width digits, thousands separators): a page or document prints every number as text, and the number is
    checked all the same."""
    if report.origins:
        report.findings = with_places((f for f in report.findings if f.rule != "TY03"), report.origins)


# ---------------------------------------------------------------- internal errors


def error_log_dir() -> Path:
    """Where tracebacks of internal errors are saved ($NIANBAO_LOG_DIR, else the system's temporary folder)."""
    return Path(os.environ.get("NIANBAO_LOG_DIR") or Path(tempfile.gettempdir()) / "nianbao-validator")


def _internal_error(report: FileReport, exc: BaseException) -> None:
    """Mark the report as failed by a defect of the tool, and save the traceback for its maintainers."""
    detail = "".join(traceback.format_exception(exc))
    where = "（错误详情未能保存）"
    try:
        folder = error_log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        log = folder / f"内部错误-{stamp}-{hashlib.sha1(detail.encode()).hexdigest()[:8]}.log"
        log.write_text(f"文件：{report.path}\n引擎版本：{ENGINE_VERSION}\n\n{detail}", encoding="utf-8")
        where = f"，错误详情已保存到 {log}"
    except OSError:
        pass
    report.findings, report.failure = [], "internal"
    report.error = (
        f"本工具内部出错（{type(exc).__name__}），该文件未能校验。这是本工具的缺陷，不是工作簿的问题{where}。"
        "请把该文件和错误详情发给本工具的维护人员；其他文件的校验不受影响。"
    )
