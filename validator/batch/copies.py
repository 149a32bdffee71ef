"""Annotated copies of any submission: a workbook marked as it is; a published document (web page, Word, PDF)
converted into the official workbook of its format and that workbook marked (the document itself is never changed)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from validator.annotate.zip_painter import Written, try_write_annotated
from validator.engine import check_paths
from validator.findings import FileReport
from validator.provenance import FORMAT_ZH
from validator.sources.grid import ReadError
from validator.spec.catalog import template_by_id

CONVERTED = "原文件是{what}，标注副本是按原样转换为官方模板后的工作簿（副本中的问题位置以该工作簿为准，问题在原文中的位置见命令行或 JSON 输出）。"
_WHAT = {
    "html": "网页",
    "docx": "Word 文档",
    "pdf": "PDF",
    "doc": "Word 97-2003 或 WPS 文档",
    "xls": "旧版 Excel 或 WPS 表格",
}


def write_copy(source: Path, report: FileReport, out_dir: Path | None = None, in_place: bool = False) -> Written | str:
    """The annotated copy of a checked submission, or the Chinese reason it could not be written."""
    if report.source_format == "xlsx":
        return try_write_annotated(source, report, out_dir, in_place)
    from validator.forms.imported import convert  # openpyxl: only documents' copies need it, not a batch's start

    with tempfile.TemporaryDirectory(prefix="nianbao-copy-") as tmp:
        converted = Path(tmp) / f"{source.name}.xlsx"  # 年报.pdf → 年报.pdf.校验.xlsx: never 年报.xlsx's copy
        try:
            convert(source, converted, template_by_id(report.template) if report.template else None)
        except (ReadError, OSError) as exc:
            return f"无法生成标注副本：{getattr(exc, 'message', exc)}"
        (checked,) = check_paths([converted])
        written = try_write_annotated(converted, checked, out_dir or source.parent)
    if isinstance(written, str):
        return written
    return Written(written.path, (CONVERTED.format(what=FORMAT_ZH[report.source_format]), *written.notices))
