"""The submissions of a batch: files, folders and .zip archives (extracted safely) → workbooks to check, and skips."""

from __future__ import annotations

import re
import stat
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from types import MappingProxyType

from validator.engine import COPY, REPORT_SUFFIXES, copy_beside, is_folder, names_by_folder, workbook_paths
from validator.findings import Finding
from validator.rounds.decide import DecisionRecord
from validator.sources.saved_page import saved_pages, saved_with, saved_with_reason
from validator.sources.sniff import (
    HEAD,
    is_lock_file,
    is_system_file,
    is_word_xml,
    is_word_xml_file,
    other_archive,
    other_archive_refusal,
)
from validator.text import natural_key

MAX_ENTRIES = 50_000  # entries of one archive: a province's submissions fit, a zip bomb of empty entries does not
MAX_ENTRY_BYTES = 300 * 1024 * 1024  # one inflated entry; a report workbook is a few hundred KiB
MAX_ARCHIVE_BYTES = 8 * 1024 * 1024 * 1024  # all entries of one archive together, inflated
MAX_DEPTH = 3  # archives inside archives
_UTF8_FLAG = 0x800  # zip general-purpose flag bit 11: the entry name is UTF-8
_ENCRYPTED_FLAG = 0x1
_DRIVE = re.compile(r"^[A-Za-z]:$")
NOTHING_BESIDE: Mapping[str, str] = MappingProxyType({})  # a file judged by its name alone (an upload)
_WORD_XML_SUFFIX = ".xml"  # a Word 2003 XML document (OA systems' 「导出Word」) may be named so: its bytes tell


@dataclass(frozen=True)
class Item:
    """One workbook to check: where to read it, its name in the outputs (a relative posix path), or why it cannot be
    read at all (an entry of an archive that could not be extracted), findings from comparing it with other
    reports, to be reported and marked with the engine's, the office's decisions known to concern it (None: those
    of the run that concern it, as `DecisionRecord.concerns` tells), and the explanations its agency gave in an
    earlier round for findings its file may leave unexplained (finding id, explanation, that round's results)."""

    path: str
    name: str
    error: str | None = None
    findings: tuple[Finding, ...] = ()
    decisions: tuple[DecisionRecord, ...] | None = None
    explanations: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class Skipped:
    """Something given that is not a submission to check, and why (Chinese); `original` is the file an annotated copy
    lies beside, when it is skipped as this tool's copy of that file (it may be a copy an agency returned: its
    单位说明 are not read)."""

    name: str
    reason: str
    original: str | None = None


@dataclass
class Inputs:
    items: list[Item] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


class MissingInput(Exception):
    """Paths given that do not exist (a mistyped folder): the run stops before it writes anything; Chinese message."""


def require(paths: Sequence[str | Path]) -> None:
    """Raise MissingInput naming every path of `paths` that does not exist (a broken link included)."""
    missing = [str(p) for p in paths if not Path(p).exists()]
    if missing:
        raise MissingInput(f"找不到 {'、'.join(missing)}，请检查路径。未校验任何文件，结果目录中原有的结果未作改动。")


def collect(paths: Sequence[str | Path], staging: Path, exclude: Sequence[Path] = ()) -> Inputs:
    """Every workbook among `paths`, archives extracted under `staging`; nothing under `exclude` (our own outputs),
    nor an annotated copy or backup this tool wrote beside its original (one given with its original, too).
    A folder's and an archive's files come in natural order (报告2 before 报告10), as a file manager lists them.
    A path that does not exist raises MissingInput: it is not a submission that could not be read, nor one to skip."""
    require(paths)
    out = Inputs()
    excluded = [p.resolve() for p in exclude]
    folders: dict[Path, Path] = {}  # each folder resolved once for all its files
    given = [Path(p) for p in paths if not Path(p).is_dir()]
    given_beside = names_by_folder(f.parent.resolve() / f.name for f in given)
    roots: set[str] = set()  # two inputs of one name (东镇/年报.zip, 西镇/年报.zip): the second is 年报~2.zip
    for path in map(Path, paths):
        root = input_name(path, roots)
        if path.is_dir():
            files = [
                f
                for f in path.rglob("*")
                if f.is_file() and not any(_real(f, folders).is_relative_to(e) for e in excluded)
            ]
            beside, pages = names_by_folder(files), saved_pages(files)
            for f in sorted(files, key=lambda f: natural_key(f.relative_to(path).as_posix())):
                name = f"{root}/{f.relative_to(path).as_posix()}"
                _add_file(out, f, name, staging, 0, beside[f.parent], saved_with(f, pages))
        else:
            _add_file(out, path, root, staging, 0, given_beside[path.parent.resolve()])
    _unique_names(out.items)
    return out


def input_name(path: Path, roots: set[str]) -> str:
    """The name in the outputs of a file or folder given, its files named under it: its own name, or for the second
    input of one name (东镇/年报.zip, 西镇/年报.zip, or two folders 年报) name~2, the input as a whole; `roots` holds
    the names of the inputs before it, and gets this one."""
    if is_folder(path):
        return unique_name(path.resolve().name or "根目录", roots, folder=True)
    return unique_name(path.name, roots)


def named_reports(paths: Sequence[str | Path]) -> list[tuple[Path, str]]:
    """The reports `nianbao check` takes from `paths` (engine.workbook_paths), each with the relative posix name its
    annotated copy is named after under --out: as collect names a batch's, so that two inputs of one name (东镇/年报.xlsx
    and 西镇/年报.xlsx, or two folders 年报) never write one copy. A single input's files keep their names relative to
    it (a folder's 乡镇/b.xlsx); several inputs' are named under input_name, a folder's files in a folder of its name."""
    files: list[Path] = []
    names: list[str] = []
    roots: set[str] = set()
    for path in map(Path, paths):
        root, given_folder = input_name(path, roots), is_folder(path)
        for file, folder in workbook_paths([path]):
            files.append(file)
            name = (folder / file.name).as_posix()
            names.append(name if len(paths) == 1 else f"{root}/{name}" if given_folder else root)
    return list(zip(files, distinct_names(names)))


def folder_skips(paths: Sequence[str | Path]) -> list[Skipped]:
    """The files in the folders of `paths` that `nianbao check` does not check (engine.workbook_paths leaves them
    out), each named as named_reports names the reports and with the reason a batch gives: an annotated copy or
    backup beside its original, a lock file, a file that is no report… A .zip in a folder is not extracted: a batch
    checks the reports in it."""
    out: list[Skipped] = []
    roots: set[str] = set()
    for path in map(Path, paths):
        root = input_name(path, roots)
        if not is_folder(path):
            continue
        checked = {file for file, _ in workbook_paths([path])}
        every = [f for f in path.rglob("*") if f.is_file()]
        beside, pages = names_by_folder(every), saved_pages(every)
        files = [f for f in every if f not in checked]
        for f in sorted(files, key=lambda f: natural_key(f.relative_to(path).as_posix())):
            relative = f.relative_to(path).as_posix()
            name = relative if len(paths) == 1 else f"{root}/{relative}"
            reason = skip_reason(PurePosixPath(name), beside[f.parent], page=saved_with(f, pages)) or _ZIP_IN_FOLDER
            out.append(Skipped(name, reason, copy_original(f.name, beside[f.parent])))
    return out


_ZIP_IN_FOLDER = "压缩包，nianbao check 不解压。请解压后再校验，或用 nianbao batch 校验其中的报告"


def skipped_notice(skipped: Sequence[Skipped], listed: str | None = None) -> str:
    """How many files were skipped and why, in one sentence (Chinese), the annotated copies among them apart: a copy
    lying beside its original is taken as this tool's output, but it may be a copy an agency returned, its 单位说明
    typed in. `listed`: where every skipped file is listed with its reason (a batch's 汇总.xlsx); without it, the
    other files are named here too, the first few of them. The .zip files `nianbao check` found in a folder (a batch
    extracts them) are told apart: they hold reports."""
    archives = [s for s in skipped if s.reason == _ZIP_IN_FOLDER]
    rest = [s for s in skipped if s.reason != _ZIP_IN_FOLDER]
    told = _notice(rest, listed) if rest else ""
    if archives:
        told += (
            f"{'另' if rest else ''}跳过 {len(archives)} 个 .zip 压缩包{_named([s.name for s in archives])}："
            "nianbao check 不解压，请解压后再校验，或用 nianbao batch 校验其中的报告。"
        )
    return told


def _notice(skipped: Sequence[Skipped], listed: str | None) -> str:
    copies = [s for s in skipped if s.original]
    others = [s for s in skipped if not s.original]
    see = f"（见 {listed}）" if listed else ""
    named = "" if listed else _named([s.name for s in others])
    if not copies:
        return f"跳过 {len(skipped)} 个文件{named}：不是报告，或是本工具生成的备份、Office 临时文件等{see}。"
    text = (
        f"跳过 {len(skipped)} 个文件{see}，其中 {len(copies)} 个是与原文件放在同一文件夹中的"
        f"标注副本{_named([s.name for s in copies])}：按本工具在原文件旁生成的副本处理，未校验，"
        "其中填写的单位说明也未读取。如果是单位报回、应以其为准的标注副本，请把同一文件夹中的原文件移出后重新运行"
    )
    return text + (f"；其余 {len(others)} 个{named}不是报告，或是备份、临时文件等。" if others else "。")


_NAMED = 3  # files named in a one-line notice; the outputs list them all


def first_names(names: Sequence[str], unit: str = "个") -> str:
    """ "a、b、c 等 N 个": the first few names, and how many there are when they are more."""
    more = f" 等 {len(names)} {unit}" if len(names) > _NAMED else ""
    return "、".join(names[:_NAMED]) + more


def _named(names: Sequence[str]) -> str:
    """ "（a、b、c 等 N 个）", or nothing without names."""
    return f"（{first_names(names)}）" if names else ""


def _real(f: Path, folders: dict[Path, Path]) -> Path:
    """Where a file really is: in its folder's real path, unless it is a link itself."""
    if f.is_symlink():
        return f.resolve()
    if f.parent not in folders:
        folders[f.parent] = f.parent.resolve()
    return folders[f.parent] / f.name


def _add_file(
    out: Inputs,
    path: Path,
    name: str,
    staging: Path,
    depth: int,
    beside: Mapping[str, str] = NOTHING_BESIDE,
    page: str | None = None,
) -> None:
    """Add a file given, found in a folder or extracted; `beside` and `page`: see skip_reason."""
    reason = skip_reason(PurePosixPath(name), beside, lambda: is_word_xml_file(path), page)
    if kind := other_archive(suffix=path.suffix):  # it may hold reports: told among them, not as "not a report"
        out.items.append(Item(str(path), name, other_archive_refusal(kind)))
    elif reason:
        out.skipped.append(Skipped(name, reason, copy_original(path.name, beside)))
    elif path.suffix.lower() == ".zip":
        _add_archive(out, path, name, staging, depth)
    else:
        out.items.append(Item(str(path), name))


NO_NAME = "没有文件名，无法判断是不是报告：请以带扩展名的文件名（如 年报.xlsx）重新提交"


def skip_reason(
    name: PurePosixPath,
    beside: Mapping[str, str] = NOTHING_BESIDE,
    word_xml: Callable[[], bool] | None = None,
    page: str | None = None,
) -> str | None:
    """Why a file of this name is not a submission to check (Chinese), or None. `beside`: the names of the files in
    its folder by their casefolded form (engine.names_by_folder); an annotated copy or backup of one of them is this
    tool's output, not checked again. Any other annotated copy is a submission: an agency's returned copy brings its
    单位说明 (an upload, a round's folder). `word_xml`: whether the file's bytes are a Word 2003 XML document's, asked
    only of a .xml (a report when they are); without it, such a file is judged by its name. `page`: the web page
    whose saved folder holds the file (validator.sources.saved_page), if any."""
    base = name.name
    if not base.strip(" ."):  # "", ".", "..", "/": an upload's name a client may send, nothing to tell a report by
        return NO_NAME
    if is_lock_file(base):
        return "Office 的临时锁定文件（工作簿正在打开时产生），不是报告"
    if is_system_file(name.parts):
        return "隐藏文件或 macOS 附加文件，不是报告"
    if page:
        return saved_with_reason(page)
    suffix = name.suffix.lower()
    if own := copy_beside(base, beside):
        what, original = own
        returned = f"。如果这是单位改正后报回的标注副本，请把「{original}」移出该文件夹后再校验" if what == COPY else ""
        return f"本工具为同一文件夹中的「{original}」生成的{what}，不再校验{returned}"
    if kind := other_archive(suffix=suffix):
        return other_archive_refusal(kind)
    if suffix not in REPORT_SUFFIXES | {".zip"} and not (suffix == _WORD_XML_SUFFIX and word_xml and word_xml()):
        return "不是报告（只校验 .xlsx/.xlsm/.xls/.et/.ods 工作簿和网页、Word、PDF 版年报）"
    return None


def _entry_head(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """An archive entry's first bytes; none when they cannot be read (encrypted, broken: judged by its name)."""
    try:
        with zf.open(info) as fh:
            return fh.read(HEAD)
    except Exception:  # a password, a broken or unsupported entry: said when it is extracted, if it is a report
        return b""


def copy_original(name: str, beside: Mapping[str, str]) -> str | None:
    """The file of `beside` (names in the same folder, see skip_reason) that the file `name` is an annotated copy of,
    or None (not an annotated copy, a backup, or one without its original beside it)."""
    own = copy_beside(name, beside)
    return own[1] if own and own[0] == COPY else None


# ---------------------------------------------------------------- archives


def entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's name as its author saw it: Windows' zip tools write GBK (CP936) names without the UTF-8 flag,
    which zipfile decodes as CP437; undo that and try UTF-8 (some tools omit the flag), then GB18030 (⊃ GBK)."""
    if info.flag_bits & _UTF8_FLAG:
        return info.filename
    raw = info.filename.encode("cp437")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def safe_parts(name: str) -> tuple[str, ...] | None:
    """The folder and file names of an entry, or None when it would escape the extraction folder."""
    if name.startswith(("/", "\\")) or "\x00" in name:
        return None
    parts = tuple(p for p in re.split(r"[/\\]", name) if p not in ("", "."))
    if not parts or ".." in parts or _DRIVE.match(parts[0]):
        return None
    return parts


def _add_archive(out: Inputs, path: Path, name: str, staging: Path, depth: int) -> None:
    if depth >= MAX_DEPTH:
        out.skipped.append(Skipped(name, f"压缩包嵌套超过 {MAX_DEPTH} 层，未解压。请解压后再校验"))
        return
    staging.mkdir(parents=True, exist_ok=True)
    target = Path(tempfile.mkdtemp(dir=staging))  # one folder per archive: equal entry names of two archives
    try:
        with path.open("rb") as fh:
            kind = other_archive(fh.read(8))
        if kind:
            out.items.append(Item(str(path), name, other_archive_refusal(kind, path.suffix)))
            return
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_ENTRIES:
                out.items.append(Item(str(path), name, f"压缩包中的文件超过 {MAX_ENTRIES} 个，疑似恶意构造，未解压。"))
                return
            budget = MAX_ARCHIVE_BYTES
            for info, parts in _entries(out, zf, name):
                inner, dest = PurePosixPath(name, *parts), target.joinpath(*parts)
                error = _entry_problem(info, budget)
                if error is None:
                    try:
                        budget -= _extract(zf, info, dest)
                    except (OSError, zipfile.BadZipFile, _TooLarge) as exc:
                        error = f"无法从压缩包中解压该文件（{exc}）。请解压后直接校验该文件，或向报送单位索取。"
                if error:
                    out.items.append(Item(str(path), inner.as_posix(), error))
                else:
                    _add_file(out, dest, inner.as_posix(), staging, depth + 1)
    except (OSError, zipfile.BadZipFile) as exc:
        out.items.append(Item(str(path), name, f"压缩包已损坏或无法打开（{exc}）。请重新打包或向报送单位索取。"))


def _entries(out: Inputs, zf: zipfile.ZipFile, name: str) -> Iterator[tuple[zipfile.ZipInfo, tuple[str, ...]]]:
    """The file entries of an archive to extract, with their safe path parts; the others are listed as skipped."""
    safe: list[tuple[zipfile.ZipInfo, PurePosixPath]] = []
    named = sorted(((entry_name(i), i) for i in zf.infolist()), key=lambda e: natural_key(e[0]))
    for decoded, info in named:  # in the order the folder it came from lists them
        if info.is_dir() or stat.S_ISDIR(info.external_attr >> 16):
            continue
        parts = safe_parts(decoded)
        if parts is None or stat.S_ISLNK(info.external_attr >> 16):
            out.skipped.append(Skipped(f"{name}/{decoded}", "压缩包中的路径不安全（指向压缩包以外或是链接），未解压"))
        else:
            safe.append((info, PurePosixPath(*parts)))
    beside, pages = names_by_folder(inner for _, inner in safe), saved_pages(inner for _, inner in safe)
    for info, inner in safe:
        page = saved_with(inner, pages)
        if reason := skip_reason(
            inner, beside[inner.parent], lambda info=info: is_word_xml(_entry_head(zf, info)), page
        ):
            original = copy_original(inner.name, beside[inner.parent])
            out.skipped.append(Skipped(PurePosixPath(name, inner).as_posix(), reason, original))
        else:
            yield info, inner.parts


def _entry_problem(info: zipfile.ZipInfo, budget: int) -> str | None:
    if info.flag_bits & _ENCRYPTED_FLAG:
        return "压缩包中的该文件设置了密码，无法解压。请向报送单位索取未加密的文件。"
    if info.file_size > MAX_ENTRY_BYTES or info.file_size > budget:
        return "该文件解压后异常庞大，疑似恶意构造，未解压。请核实文件来源。"
    return None


class _TooLarge(Exception):
    def __str__(self) -> str:
        return "解压后的大小超过压缩包中记录的大小"


def _extract(zf: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path) -> int:
    """Copy one entry to dest, counting real bytes (the recorded size may lie); returns the bytes written."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with zf.open(info) as src, dest.open("wb") as dst:
        while block := src.read(1 << 20):
            written += len(block)
            if written > max(info.file_size, 0) or written > MAX_ENTRY_BYTES:
                raise _TooLarge
            dst.write(block)
    return written


def unique_name(name: str, seen: set[str], folder: bool = False) -> str:
    """`name`, or the first of name~2, name~3… (before a file's suffix) that `seen` does not hold casefolded (Windows and
    macOS folders ignore case); the name returned is added to `seen`."""
    unique, n = name, 1
    while unique.casefold() in seen:
        n += 1
        path = PurePosixPath(name)
        unique = f"{name}~{n}" if folder else str(path.with_name(f"{path.stem}~{n}{path.suffix}"))
    seen.add(unique.casefold())
    return unique


def _unique_names(items: list[Item]) -> None:
    """Items of one name get distinct names, as their annotated copies are named after them (validator.batch.work):
    two inputs of one name are told apart by their first part already (collect), what is left is entries of one
    archive that differ only in case, or that the archive holds twice."""
    for i, (item, name) in enumerate(zip(items, distinct_names(item.name for item in items))):
        if name != item.name:
            items[i] = replace(item, name=name)


def distinct_names(names: Iterable[str]) -> list[str]:
    """Each name, or the first of name~2, name~3… (see unique_name) that none before it took."""
    seen: set[str] = set()
    return [unique_name(name, seen) for name in names]
