"""The work on one chunk of submissions: check them, write annotated copies, return their JSON results.

A plain function of (items, options) → results, so that it runs alike in this process, a local worker process or a
worker of a cluster; the results are plain JSON-ready dicts (docs/json.md).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from validator.annotate.zip_painter import ANNOTATED_SUFFIX
from validator.batch.copies import write_copy
from validator.batch.inputs import Item
from validator.engine import check_paths
from validator.findings import NO_COPY, Copy, FileReport
from validator.render.json import report_json
from validator.rounds.decide import DecisionRecord, apply_decisions
from validator.rounds.explain import apply_explanations, carry_explanations
from validator.spec.catalog import get_template
from validator.version import ENGINE_VERSION

COPIES_FOLDER = "标注"  # annotated copies, under the output folder, mirroring the submissions' relative paths


@dataclass(frozen=True)
class Options:
    """What every chunk is checked with: the output folder (None: no annotated copies) and a template (None: detect)."""

    out: str | None = None
    template: str | None = None
    # Read each workbook in the engine's guarded reader process. A local pool worker is disposable and timed by the
    # pool already, so it reads directly; a cluster worker has no per-file time limit of its own.
    isolated: bool = False
    decisions: tuple[DecisionRecord, ...] = ()  # the office's decisions of earlier rounds


def check_chunk(items: Sequence[Item], options: Options) -> list[dict]:
    """One JSON result per item, in order; `file` is the item's name, `annotated` relative to the output folder."""
    with collection_paused(collect_after=True):
        return _check_chunk(items, options)


@contextmanager
def collection_paused(collect_after: bool) -> Iterator[None]:
    """No cyclic garbage collection inside the block; with `collect_after`, one collection of what it left after it
    (with the collector paused, nothing ages out of the youngest generation). What the block builds stays alive
    until it ends and the collector scanned it again and again: a chunk's workbooks in a worker (~10 % of its time),
    a run's results in the main process (two full passes in a 2,000-workbook run's serial end). A worker forked
    while the main process has it paused collects after every chunk all the same."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        if collect_after:
            gc.collect(0)


def _check_chunk(items: Sequence[Item], options: Options) -> list[dict]:
    template = get_template(options.template) if options.template else None
    readable = [item for item in items if item.error is None]
    checked = dict(
        zip((i.name for i in readable), check_paths([i.path for i in readable], template, isolated=options.isolated))
    )
    for item in readable:
        report = checked[item.name]
        if report.status == "checked":
            report.findings += item.findings
            apply_explanations(report)  # the comparisons' findings can be explained too
            carry_explanations(report, item.explanations)
            if item.decisions is None:
                apply_decisions(report, options.decisions)
            else:
                apply_decisions(report, item.decisions, matched=True)
    results = [
        _result(item, checked.get(item.name) or unreadable(item.name, item.error or ""), options) for item in items
    ]
    return _sharing_address_maps(results)


def _sharing_address_maps(results: list[dict]) -> list[dict]:
    """Results whose address maps (`cells`, ~250 addresses) are equal hold one map: reports of one layout, nearly
    all of a batch, are sent to the main process with their map pickled once per chunk, and kept there once (a
    third of a result's bytes; nothing changes a result's map)."""
    maps: dict[tuple, dict] = {}
    for doc in results:
        doc["cells"] = maps.setdefault(tuple(doc["cells"].items()), doc["cells"])
    return results


def is_copy_of(name: str, copy: str) -> bool:
    """Whether `copy` (relative to the output folder) is named as _result names the annotated copy of the file
    reported as `name`: a workbook's <stem>.校验.xlsx/.xlsm (a returned copy's <stem> without its .校验), a published
    document's <name>.校验.xlsx, in the copies' folder mirroring the name's."""
    path, item = PurePosixPath(copy), PurePosixPath(name)
    if path.parent != PurePosixPath(COPIES_FOLDER, item.parent):
        return False
    stems = (item.stem, item.stem.removesuffix(ANNOTATED_SUFFIX), item.name)
    return path.name.casefold() in {f"{s}{ANNOTATED_SUFFIX}{x}".casefold() for s in stems for x in (".xlsx", ".xlsm")}


def unreadable(name: str, reason: str) -> FileReport:
    """The report of a file that could not be checked at all, for the reason given (Chinese)."""
    return FileReport(name, engine_version=ENGINE_VERSION, error=reason, failure="unreadable")


def _result(item: Item, report: FileReport, options: Options) -> dict:
    copy = NO_COPY
    if options.out and report.status == "checked" and report.findings:
        out = Path(options.out)
        folder = out / COPIES_FOLDER / PurePosixPath(item.name).parent
        written = write_copy(Path(item.path), report, folder, name=item.name)  # the item's name: unique in the batch
        if isinstance(written, str):
            copy = Copy(notices=(written,))
        else:
            copy = Copy(written.path.relative_to(out).as_posix(), written.notices)
    report.path = item.name
    return report_json(report, copy)
