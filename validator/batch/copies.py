"""Annotated copies of any submission: a workbook marked as it is; a published document (web page, Word, PDF)
converted into the official workbook of its format and that workbook marked (the document itself is never changed)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path, PurePosixPath

from validator.annotate.zip_painter import Written, try_write_annotated
from validator.cellref import CellRef
from validator.engine import check_paths, unpublished_notice
from validator.findings import FileReport
from validator.provenance import FORMAT_ZH
from validator.sources.grid import ReadError
from validator.spec.catalog import template_by_id

CONVERTED = (
    "原文件是{what}，标注副本是按原样转换为官方模板后的工作簿。所列问题与校验原文件的结果相同；"
    "填报单元格的问题标在该工作簿的对应单元格上，其余问题（如标签、正文）的位置是原文中的位置。"
)
NOT_IN_PLACE = "--in-place 只适用于 Excel 工作簿：原文件不是工作簿，未作改动，标注写在另存的标注副本中。"


def write_copy(
    source: Path,
    report: FileReport,
    out_dir: Path | None = None,
    in_place: bool = False,
    name: str | None = None,
    words: Callable[[str], str] | None = None,
) -> Written | str:
    """The annotated copy of a checked submission, or the Chinese reason it could not be written; it is named after
    `name` (the file name the submission is reported under: a batch's 年报~2.xlsx), else after the source. `words`
    rewords its notes and results sheet for their reader (zip_painter.mark)."""
    if report.source_format == "xlsx":
        return try_write_annotated(source, report, out_dir, in_place, name, words)
    from validator.forms.imported import convert  # openpyxl: only documents' copies need it, not a batch's start

    with tempfile.TemporaryDirectory(prefix="nianbao-copy-") as tmp:
        named = PurePosixPath(name).name if name else source.name
        converted = Path(tmp) / f"{named}.xlsx"  # 年报.pdf → 年报.pdf.校验.xlsx: never 年报.xlsx's copy
        try:
            done = convert(source, converted, template_by_id(report.template) if report.template else None)
        except (ReadError, OSError) as exc:
            return f"无法生成标注副本：{getattr(exc, 'message', exc)}"
        (checked,) = check_paths([converted])
        shown = on_copy(report, checked)
        if done.unpublished:  # on its results sheet: the agency fills them in the copy it returns
            asked = unpublished_notice(done.template, done.unpublished, copy=True)
            shown = replace(shown, notices=[*shown.notices, asked])
        written = try_write_annotated(converted, shown, out_dir or source.parent, words=words)
    if isinstance(written, str):
        return written
    kept = (NOT_IN_PLACE,) if in_place else ()  # the original is no workbook to mark: it is left as it was
    return Written(written.path, (CONVERTED.format(what=FORMAT_ZH[report.source_format]), *kept, *written.notices))


def on_copy(report: FileReport, converted: FileReport) -> FileReport:
    """The document's report as its copy shows it: the same findings, counts and correction, each cell holding an
    input moved to the input's cell in the converted workbook (`converted` is that workbook checked). The converted
    workbook is not reported on: its blank cover (a published report has none) is no finding of the document."""
    keys = {(c.sheet, c.row, c.col): key for key, c in report.cells.items()}

    def moved(cell: CellRef | None) -> CellRef | None:
        key = keys.get((cell.sheet, cell.row, cell.col)) if cell else None
        return converted.cells.get(key, cell) if key else cell  # a label or a paragraph: its place in the document

    findings = [
        replace(f, cell=moved(f.cell), related=tuple(replace(r, cell=moved(r.cell)) for r in f.related))
        for f in report.findings
    ]
    loc = report.localisation
    localisation = replace(
        loc,
        corrections=tuple(replace(c, cell=moved(c.cell)) for c in loc.corrections),
        alternatives=tuple(
            tuple(tuple(replace(c, cell=moved(c.cell)) for c in o) for o in a) for a in loc.alternatives
        ),
    )
    return replace(report, findings=findings, localisation=localisation)
