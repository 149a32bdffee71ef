"""The work on one chunk of submissions: check them, write annotated copies, return their JSON results.

A plain function of (items, options) → results, so that it runs alike in this process, a local worker process or a
worker of a cluster; the results are plain JSON-ready dicts (docs/json.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from validator.annotate.openpyxl_painter import try_write_annotated
from validator.batch.inputs import Item
from validator.engine import check_paths
from validator.findings import NO_COPY, Copy, FileReport
from validator.render.json import report_json
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


def check_chunk(items: Sequence[Item], options: Options) -> list[dict]:
    """One JSON result per item, in order; `file` is the item's name, `annotated` relative to the output folder."""
    template = get_template(options.template) if options.template else None
    readable = [item for item in items if item.error is None]
    checked = dict(
        zip((i.name for i in readable), check_paths([i.path for i in readable], template, isolated=options.isolated))
    )
    for item in readable:
        if checked[item.name].status == "checked":
            checked[item.name].findings += item.findings
    return [_result(item, checked.get(item.name) or unreadable(item.name, item.error or ""), options) for item in items]


def unreadable(name: str, reason: str) -> FileReport:
    """The report of a file that could not be checked at all, for the reason given (Chinese)."""
    return FileReport(name, engine_version=ENGINE_VERSION, error=reason, failure="unreadable")


def _result(item: Item, report: FileReport, options: Options) -> dict:
    copy = NO_COPY
    if options.out and report.status == "checked" and report.findings:
        out = Path(options.out)
        written = try_write_annotated(Path(item.path), report, out / COPIES_FOLDER / PurePosixPath(item.name).parent)
        if isinstance(written, str):
            copy = Copy(notices=(written,))
        else:
            copy = Copy(written.path.relative_to(out).as_posix(), written.notices)
    report.path = item.name
    return report_json(report, copy)
