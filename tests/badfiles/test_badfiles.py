"""Every kind of bad input in kinds.py through `nianbao check`, as a user runs it: a clear Chinese message and the
documented outcome, no traceback, within 10 s and 1 GiB, the input's bytes unchanged, no local file leaked.

The cheap kinds share two runs (refused ones, readable ones: a run that finishes within the limit bounds every
file in it); each heavy kind gets a run of its own. Time is the whole run's; peak memory is that of its largest
process (the run or a worker).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from kinds import KINDS, SECRET, Sources, build_corpus
from running import RELAXED, Run, measured

SECONDS = 10
MEMORY = 1 << 30
CJK = re.compile(r"[\u4e00-\u9fff]")
EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE, EXIT_WRITE = 0, 1, 2, 4
HAS_SOFFICE = bool(shutil.which("soffice") or shutil.which("libreoffice"))


def fingerprint(path: Path) -> object:
    """What must not change: the bytes of a regular file, else what the path is."""
    try:
        info = path.lstat()
    except OSError:
        return None
    if path.is_symlink():
        return ("link", os.readlink(path))
    if path.is_file():
        return hashlib.sha256(path.read_bytes()).hexdigest()
    return ("special", info.st_mode)


def leaked(folder: Path) -> list[str]:
    """Files under `folder` that contain the secret, also inside zip packages (annotated copies)."""
    found = []
    for path in folder.rglob("*"):
        if path.is_symlink() or not path.is_file():
            continue
        if SECRET.encode() in path.read_bytes() or SECRET.encode() in _unzipped(path):
            found.append(str(path))
    return found


def _unzipped(path: Path) -> bytes:
    """The members of a zip package joined (empty for anything else, or a package too broken to read)."""
    try:
        with zipfile.ZipFile(path) as zf:
            return b"".join(zf.read(i) for i in zf.infolist() if i.file_size < 50 << 20)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError):
        return b""


@dataclass
class Corpus:
    root: Path
    paths: dict[str, Path]
    before: dict[str, object]
    listings: dict[str, set[str]]
    runs: dict[str, Run]  # kind → the run that checked it


def applicable(name: str) -> bool:
    kind = KINDS[name]
    return not (kind.posix and os.name != "posix") and not (kind.needs_libreoffice and not HAS_SOFFICE)


@pytest.fixture(scope="session")
def corpus(balanced_workbook: Path, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Corpus:
    root = tmp_path_factory.mktemp("badfiles")
    secret = root / "secret.txt"
    secret.write_text(SECRET)
    conversions = None
    if any(k.needs_libreoffice for k in KINDS.values()) and (HAS_SOFFICE or os.environ.get("CI")):
        convert = request.getfixturevalue("convert")
        lo = root / "libreoffice"
        lo.mkdir()
        conversions = {fmt: convert(balanced_workbook, fmt, lo) for fmt in ("xls", "ods", "xlsx")}
    sources = Sources(balanced_workbook, secret, conversions)
    paths = build_corpus(root, sources, filter(applicable, KINDS))
    before = {name: fingerprint(p) for name, p in paths.items()}
    listings = {name: {p.name for p in (root / name).iterdir()} for name in paths}
    runs: dict[str, Run] = {}
    groups = [
        [n for n in paths if not KINDS[n].heavy and KINDS[n].status == status] for status in ("unreadable", "checked")
    ] + [[n] for n in paths if KINDS[n].heavy]
    for group in groups:
        run = measured(["check", *(str(paths[n]) for n in group), "--format", "json"], root, RELAXED)
        runs |= dict.fromkeys(group, run)
    return Corpus(root, paths, before, listings, runs)


def test_the_corpus_has_at_least_45_kinds():
    assert len(KINDS) >= 45
    assert sum(applicable(n) for n in KINDS) >= 45


def test_peak_memory_is_the_runs_own(tmp_path: Path):
    """A run's peak memory leaves out the test process's own: on Linux a child's ru_maxrss starts at its parent's
    high-water mark, and late in the suite pytest alone holds about 1 GiB."""
    held = bytearray(MEMORY + (64 << 20))
    held[:: 1 << 12] = b"\x01" * len(held[:: 1 << 12])  # resident, not just reserved
    run = measured(["--help"], tmp_path)
    assert run.code == EXIT_OK and run.peak_bytes < MEMORY // 4, f"{run.peak_bytes >> 20} MiB"


@pytest.mark.parametrize("name", list(KINDS))
def test_each_kind(name: str, corpus: Corpus):
    if not applicable(name):
        pytest.skip("needs a POSIX system" if KINDS[name].posix else "needs LibreOffice")
    kind, run, path = KINDS[name], corpus.runs[name], corpus.paths[name]
    assert "Traceback" not in run.stdout + run.stderr, run.stderr
    assert run.peak_bytes < MEMORY, f"{run.peak_bytes >> 20} MiB"
    result = run.results()[str(path)]
    assert result["status"] == kind.status, result["error"] or [f["message"] for f in result["findings"]]
    if kind.status == "unreadable":
        assert CJK.search(result["error"]) and "请" in result["error"], result["error"]
        assert kind.says in result["error"], result["error"]
        assert result["findings"] == [] and result["annotated"] is None
        assert {p.name for p in (corpus.root / name).iterdir()} == corpus.listings[name], "nothing may be written"
    else:
        said = [f["message"] for f in result["findings"]] + result["notices"]
        assert not kind.says or any(kind.says in text for text in said), said
        assert all(CJK.search(text) for text in said), said
        if kind.clean:
            assert result["counts"]["error"] == 0, said
        written = {p.name for p in (corpus.root / name).iterdir()} - corpus.listings[name]
        assert written == ({Path(result["annotated"]).name} if result["annotated"] else set()), written
    assert fingerprint(path) == corpus.before[name], "the input must stay byte for byte as it was"


def test_exit_codes_are_the_documented_ones(corpus: Corpus):
    for run in {id(r): r for r in corpus.runs.values()}.values():
        results = run.results().values()
        statuses = {r["status"] for r in results}
        expected = (
            EXIT_UNREADABLE
            if "unreadable" in statuses
            else EXIT_WRITE
            if any(r["annotated"] is None for r in results)
            else EXIT_FINDINGS
            if any(r["counts"]["error"] for r in results)
            else EXIT_OK
        )
        assert run.code == expected, (run.files, run.stderr)


def test_no_local_file_leaks_into_any_output(corpus: Corpus):
    for run in corpus.runs.values():
        assert SECRET not in run.stdout + run.stderr
    assert leaked(corpus.root) == [str(corpus.root / "secret.txt")]


def test_batch_over_the_whole_corpus(corpus: Corpus, tmp_path: Path):
    """`nianbao batch` on the folder of all kinds: every workbook-named kind gets the same outcome as with `check`,
    the special files do not stop it, and nothing is changed or leaked."""
    out = tmp_path / "batch"
    run = measured(["batch", str(corpus.root), "--out", str(out), "--jobs", "2"], corpus.root, RELAXED)
    assert "Traceback" not in run.stdout + run.stderr, run.stderr
    assert run.code == EXIT_UNREADABLE, run.stdout + run.stderr
    assert run.peak_bytes < MEMORY, f"{run.peak_bytes >> 20} MiB"
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    seen = set()
    for row in rows:
        name = Path(row["file"]).parent.name
        if name not in corpus.paths:
            continue  # the LibreOffice conversions the corpus was built from
        seen.add(name)
        kind = KINDS[name]
        assert row["status"] == kind.status, (name, row.get("error"))
        if kind.status == "unreadable":
            assert kind.says in row["error"], (name, row["error"])
    assert seen >= {n for n in corpus.paths if KINDS[n].status == "checked"}
    assert len(seen) >= 40
    assert {n: fingerprint(p) for n, p in corpus.paths.items()} == corpus.before
    assert leaked(out) == []


@pytest.mark.parametrize("name", ["deep_xml", "deep_xml_marked"])
def test_clear_on_deeply_nested_workbooks(name: str, corpus: Corpus, tmp_path: Path):
    """`nianbao clear` on a workbook nested 100,000 deep, and on its annotated copy when one was written: a clear
    Chinese outcome, no traceback, the input unchanged when it has no marks."""
    original = Path(shutil.copy(corpus.paths[name], tmp_path / corpus.paths[name].name))
    annotated = corpus.runs[name].results()[str(corpus.paths[name])]["annotated"]
    copies = [Path(shutil.copy(annotated, tmp_path / "copy.xlsx"))] if annotated else []
    for target in [original, *copies]:
        before = fingerprint(target)
        run = measured(["clear", str(target)], tmp_path, RELAXED)
        assert "Traceback" not in run.stdout + run.stderr, run.stderr
        assert run.code == 0 and CJK.search(run.stdout + run.stderr), (run.code, run.stdout, run.stderr)
        if target == original:
            assert fingerprint(target) == before, "a workbook without marks is not written"
