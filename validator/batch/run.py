"""One batch run: collect the submissions, check what earlier runs have not, compare reports, write the outputs."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from math import ceil
from pathlib import Path

from rich.console import Console

from validator.batch import outputs
from validator.batch.cluster import run_on_cluster
from validator.batch.crossyear import compare_years
from validator.batch.duplicates import duplicate_findings
from validator.batch.findings import Carried, add_findings, decide_result, decided, with_carried
from validator.batch.inputs import Item, collect, require
from validator.batch.pool import run_chunks
from validator.batch.progress import Batch, bar
from validator.batch.rounds import (
    EARLIER_ROUNDS,
    carried_explanations,
    compare_rounds,
    concerning,
    dropped_decisions,
    previous_round,
    same_rounds,
)
from validator.batch.store import PROGRESS, ProgressFile, earlier_results, read_jsonl
from validator.batch.work import COPIES_FOLDER, Options, collection_paused, is_copy_of
from validator.engine import file_sha256, is_own_output
from validator.findings import Finding
from validator.rounds.decide import DecisionError, DecisionRecord
from validator.rounds.load import load_decisions
from validator.spec.catalog import get_template
from validator.version import ENGINE_VERSION

MAX_CHUNK = 100  # files per task: a pandera call per 100 reports costs 2 ms less per report than per 25; a killed run loses little
MIN_CHUNK = 25  # the last tasks shrink to this, so that the workers finish together (a pandera call costs ~15 ms)
STAGING = ".解压"  # archives are extracted here, inside the output folder, and removed after the run


@dataclass
class Settings:
    out: Path
    annotate: bool = True
    jobs: int = 0  # 0: every core
    timeout: float = 60.0  # seconds per file
    template: str | None = None
    previous: list[str] = field(default_factory=list)
    scheduler: str | None = None  # tcp://HOST:PORT of a dask.distributed scheduler; None: local worker processes
    send_files: bool = False  # cluster workers do not share this file system: send the workbooks' bytes
    decisions: tuple[DecisionRecord, ...] = ()  # the office's decisions of earlier rounds (--decisions)
    since: Path | None = None  # the previous round's output folder or results.jsonl (--since)


@collection_paused(collect_after=False)  # its results hold no cycles; the process ends soon after
def run_batch(inputs: Sequence[str], settings: Settings, console: Console) -> Batch:
    """Check `inputs` into settings.out and write every output there."""
    start = time.monotonic()
    require([*inputs, *settings.previous])  # a mistyped path stops before any work, as a wrong --since does
    before = previous_round(settings.since, settings.out) if settings.since else None
    if notice := same_rounds(settings.out, settings.since):  # refused before anything is written
        console.print(notice, markup=False, highlight=False, soft_wrap=True)
    carried = before.decisions if before else ()  # made in earlier rounds on agencies absent from the previous one
    typed = _decisions(settings, console, before.docs if before else [])
    settings = replace(settings, decisions=carried + typed)  # the newest last: it wins
    earlier_docs = before.docs if before else []
    out = settings.out
    out.mkdir(parents=True, exist_ok=True)
    staging = out / STAGING
    shutil.rmtree(staging, ignore_errors=True)
    try:
        found = collect(inputs, staging / "本年", exclude=[out])
        options = Options(str(out) if settings.annotate else None, settings.template, decisions=settings.decisions)
        earlier = earlier_results(out)
        docs, checked = _check(found.items, options, settings, console, "本年报告", resume=out, earlier=earlier)
        across, missing = duplicate_findings(docs), None
        if settings.previous:
            by_year, missing = compare_years(docs, _previous(settings, staging, console))
            for name, findings in by_year.items():
                across.setdefault(name, []).extend(findings)
        concerned = concerning(docs, earlier_docs, settings.decisions)
        since = str(settings.since)
        explained = carried_explanations(docs, earlier_docs, since, settings.decisions) if before else [{}] * len(docs)
        docs = _add_across(found.items, docs, across, concerned, explained, options, settings, console)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    absent = compare_rounds(docs, before.docs, str(settings.since), settings.decisions) if before else None
    batch = Batch(docs, found.skipped, missing, absent, checked, time.monotonic() - start)
    outputs.write_all(out, batch)
    if absent is None:
        (out / EARLIER_ROUNDS).unlink(missing_ok=True)  # an earlier run's, with --since: not this run's outcome
    (out / PROGRESS).unlink(missing_ok=True)  # everything it held is in results.jsonl now
    _remove_withdrawn_copies(out, earlier, docs)
    return batch


def _decisions(settings: Settings, console: Console, previous: Sequence[dict]) -> tuple[DecisionRecord, ...]:
    """Those the office typed into the previous round's 汇总.xlsx (`_typed_summary`), then those of
    --decisions, then those it typed into the output folder's 汇总.xlsx, which this run rewrites: for the same finding,
    the later is the newer and wins (`apply_decisions` takes the last). Decisions that cannot be used stop the run,
    before anything is written, all of both files told at once. The decisions on the previous round's results
    (`previous`) that its 汇总.xlsx no longer holds are told of: they are not carried."""
    typed: tuple[DecisionRecord, ...] = ()
    said, failed = [], []  # what to say of each file's decisions, and why those of a file cannot be used
    if settings.since:
        last = _typed_summary(settings.since)
        typed, why = _typed(last)
        said += [f"沿用上一轮 {last} 中已填写的 {len(typed)} 条处理意见。"] if typed else []
        failed += (
            [f"上一轮的 {last} 中填写的处理意见应沿用到本轮，但无法使用：{why}\n请改正该文件后重新运行。"]
            if why
            else []
        )
    summary = settings.out / outputs.SUMMARY
    both = "；与 --decisions 指定的处理意见一并使用，同一问题两处都有的，以本结果目录中的为准"
    given = both if settings.decisions else ""
    here, why = _typed(summary)
    said += [f"沿用 {summary} 中已填写的 {len(here)} 条处理意见（该文件将重新生成{given}）。"] if here else []
    if why:
        failed.append(
            f"结果目录中的 {summary} 将重新生成，其中填写的处理意见应沿用，但无法使用：{why}\n"
            "请改正该文件后重新运行；如不需要沿用其中的处理意见，请先把它移出结果目录。"
        )
    if failed:
        raise DecisionError("\n".join(failed))
    if settings.since and (gone := dropped_decisions(previous, str(settings.since), typed + settings.decisions + here)):
        named = "、".join(gone[:5]) + (f" 等 {len(gone)} 项" if len(gone) > 5 else "")
        said.append(
            f"注意：上一轮的结果中对 {named} 作出的处理意见，在 {last} 中已没有"
            f"（{'该行已删除，或处理意见已清空' if last.is_file() else '该文件不存在'}），本轮不再沿用。"
            "如是误删，请恢复后重新运行（也可以用 --decisions 另行指定处理意见文件）。"
        )
    for line in said:
        console.print(line, markup=False, highlight=False, soft_wrap=True)  # one line, as long as it is
    return typed + settings.decisions + here


def _typed_summary(since: Path) -> Path:
    """The 汇总.xlsx of the previous round the office typed its decisions into: the workbook --since names, whatever
    its name (a copy saved beside the results, 汇总（已审核）.xlsx), else the 汇总.xlsx of the folder --since names."""
    if since.is_file() and since.suffix.lower() in (".xlsx", ".xlsm"):
        return since
    return (since if since.is_dir() else since.parent) / outputs.SUMMARY


def _typed(summary: Path) -> tuple[tuple[DecisionRecord, ...], str | None]:
    """The decisions typed into the 汇总.xlsx of an earlier run (none without one), or why they cannot be used."""
    if not summary.is_file():
        return (), None
    try:
        return tuple(load_decisions(summary)), None
    except DecisionError as exc:
        return (), str(exc)


def _add_across(
    items: list[Item],
    docs: list[dict],
    across: dict[str, list[Finding]],
    concerned: list[tuple[DecisionRecord, ...]],
    carried: list[Carried],
    options: Options,
    settings: Settings,
    console: Console,
) -> list[dict]:
    """The results with the findings of comparisons added, with the office's decisions that concern each
    (`concerned`, as the rounds match them) and no others, and with the explanations carried from an earlier round
    (`carried`) and no others: a result checked or reused with other decisions or explanations is decided anew. With
    annotated copies, the workbooks whose copies would change are checked again with these findings, decisions and
    explanations, so that their copies show them too."""
    anew = [with_carried(decided(d, mine), c) for d, mine, c in zip(docs, concerned, carried, strict=True)]
    changed = {d["file"] for d, new in zip(docs, anew) if new["findings"] != d["findings"]}
    again = [
        replace(i, findings=tuple(across.get(i.name, ())), decisions=mine, explanations=_listed(c))
        for i, d, mine, c in zip(items, docs, concerned, carried, strict=True)
        if _repaint(d, across, changed, options)
    ]
    marked = dict(zip((i.name for i in again), _check(again, options, settings, console, "重新标注")[0]))
    out = []
    for doc, mine, c in zip(anew, concerned, carried):
        if doc["file"] in marked:
            doc = marked[doc["file"]]
        elif doc["file"] in across:
            add_findings(doc, across[doc["file"]])
            decide_result(doc, mine, matched=True)
            doc = with_carried(doc, c)
        out.append(doc)
    return out


def _listed(carried: Carried) -> tuple[tuple[str, str, str], ...]:
    """Carried explanations as an item takes them (finding id, explanation, the round it was typed in)."""
    return tuple((fid, text, given_in) for fid, (text, given_in) in carried.items())


def _repaint(doc: dict, across: dict[str, list[Finding]], changed: set[str], options: Options) -> bool:
    return bool(options.out) and (doc["file"] in across or doc["file"] in changed) and doc["status"] == "checked"


def _check(
    items: list[Item],
    options: Options,
    settings: Settings,
    console: Console,
    label: str,
    resume: Path | None = None,
    earlier: dict[str, dict] | None = None,
) -> tuple[list[dict], int]:
    """Results for every item, in order; with `resume`, results of unchanged files come from `earlier` (the results
    of earlier runs there) and each new result is appended to its progress file."""
    earlier = earlier or {}
    # Hashed here only to compare with an earlier result; otherwise the reader's hash of the bytes it read is used.
    shas = {item.name: _sha(item) for item in items if item.name in earlier}
    ready = {i.name: earlier[i.name] for i in items if _reusable(earlier.get(i.name), shas.get(i.name), options)}
    todo = [item for item in items if item.name not in ready]
    by_name = {item.name: item for item in todo}
    progress = ProgressFile(resume) if resume else None
    with bar(console, len(items), len(ready), label) as advance:

        def done(results: list[dict]) -> None:
            for doc in results:
                name = doc["file"]  # a file the reader could not read has no hash of its own
                doc["sha256"] = doc.get("sha256") or shas.get(name) or _sha(by_name[name])
                ready[name] = doc
                _remove_stale_copy(earlier.get(name), doc, options)
            if progress:
                progress.append(results)
            advance(len(results))

        jobs = settings.jobs or os.cpu_count() or 1
        chunks = _chunks(todo, jobs)
        try:
            if settings.scheduler:
                run_on_cluster(chunks, options, settings.scheduler, settings.send_files, done)
            else:
                run_chunks(chunks, options, jobs, settings.timeout, done)
        finally:
            if progress:
                progress.close()
    return [ready[item.name] for item in items], len(todo)


def _chunks(todo: list[Item], jobs: int) -> list[list[Item]]:
    """Tasks of up to MAX_CHUNK files, each half of what is left per worker, so that the last ones are small and no
    worker idles while another finishes a large one; a few files are spread over every worker. Each task costs a
    pandera call whatever its size: halving rather than quartering what is left makes a quarter fewer of them
    (25 instead of 31 at 2,000 files on 2 cores), and the last tasks are as small as before (MIN_CHUNK)."""
    chunks, start = [], 0
    smallest = min(MIN_CHUNK, ceil(len(todo) / (jobs * 2)))
    while start < len(todo):
        size = min(MAX_CHUNK, max(smallest, ceil((len(todo) - start) / (jobs * 2))))
        chunks.append(todo[start : start + size])
        start += size
    return chunks


def _remove_stale_copy(old: dict | None, new: dict, options: Options) -> None:
    """An annotated copy an earlier run wrote for a file that has since changed and no longer gets one there."""
    if options.out and old and old.get("annotated") != new.get("annotated"):
        _remove_own_copy(Path(options.out), old.get("annotated"), old["file"])


def _remove_withdrawn_copies(out: Path, earlier: dict[str, dict], docs: list[dict]) -> None:
    """The annotated copies earlier runs into `out` wrote for files no longer submitted, but not this run's."""
    submitted = {d["file"] for d in docs}
    current = {d.get("annotated") for d in docs}
    for name, doc in earlier.items():
        if name not in submitted and doc.get("annotated") not in current:
            _remove_own_copy(out, doc.get("annotated"), name)


def _remove_own_copy(out: Path, copy: object, name: str) -> None:
    """Delete a copy an earlier result of the file `name` lists as `annotated`, and nothing else: the copy named after
    that file, inside the copies' folder (results.jsonl is only a text file: its paths are not trusted further).
    An earlier version named a copy after the file's own name, not the name it was reported under (年报~2.xlsx got
    年报.校验.xlsx, the other 年报.xlsx's copy): such a path is another file's copy now, and is left alone."""
    if not isinstance(copy, str) or not is_copy_of(name, copy):
        return
    path = out / copy
    if is_own_output(path.name) and path.resolve().is_relative_to((out / COPIES_FOLDER).resolve()) and path.is_file():
        path.unlink(missing_ok=True)


def _sha(item: Item) -> str | None:
    try:
        return file_sha256(Path(item.path)) if item.error is None else None
    except OSError:
        return None


def _reusable(doc: dict | None, sha: str | None, options: Options) -> bool:
    """An earlier result still holds for the same content, engine and template, with its annotated copy if wanted
    (the office's decisions are put on the results afterwards, and a copy they change is made anew: `_add_across`)."""
    if doc is None or sha is None or doc.get("sha256") != sha or doc.get("engine_version") != ENGINE_VERSION:
        return False
    if options.template and doc.get("template") != get_template(options.template).id:
        return False
    needs_copy = options.out and doc.get("status") == "checked" and doc["findings"]
    return not needs_copy or bool(doc.get("annotated") and (Path(options.out) / doc["annotated"]).exists())


def _previous(settings: Settings, staging: Path, console: Console) -> list[dict]:
    """Last year's results: read from results.jsonl files, or checked from workbooks, folders and archives."""
    docs = [doc for p in settings.previous if p.endswith(".jsonl") for doc in read_jsonl(Path(p))]
    workbooks = [p for p in settings.previous if not p.endswith(".jsonl")]
    if workbooks:
        found = collect(workbooks, staging / "上年", exclude=[settings.out])
        docs += _check(found.items, Options(None, settings.template), settings, console, "上年报告")[0]
    return docs
