"""Every limit on reading one submitted file, in one place (docs/security.md lists them and how to change them).

A file past a limit is refused with a Chinese message that names the limit; nothing is read past it, so no
submitted file can make the tool hang, crash or exhaust memory. Each limit can be changed for one run with the
environment variable NIANBAO_LIMIT_<NAME> (e.g. NIANBAO_LIMIT_SECONDS=30), or for good here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace

from validator.audience import DELETE_FAR_CELLS, EXTRA, HOSTILE_LIMIT, LONG, RAISE, UNMERGE, Advice
from validator.sources.grid import ReadError

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Upper bounds for one file; a report workbook is a few hundred KiB with 6 sheets and a few thousand cells."""

    file_bytes: int = 100 * MB  # size of the file on disk
    unpacked_bytes: int = 300 * MB  # all zip members inflated (zip bombs)
    entries: int = 10_000  # members of the zip package
    sheets: int = 1_000  # worksheets in the workbook
    cells: int = 5_000_000  # non-empty cells in all sheets together
    sheet_area: int = 2_000_000  # rows × columns spanned by one sheet's cells (readers allocate the rectangle)
    shared_strings: int = 5_000_000  # distinct strings a workbook declares
    string_chars: int = 32_767  # characters in one cell (Excel's own limit)
    xml_depth: int = 256  # nesting of XML elements, for the Word reader (it recurses); workbooks: see package.py
    pages: int = 500  # pages of a PDF (a report has 5 to 30)
    seconds: float = 8.0  # reading one file
    memory_bytes: int = 1024 * MB  # address space reading one file may add to the reading process

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Limits:
        """The defaults, each replaced by NIANBAO_LIMIT_<NAME> when that variable is set to a number."""
        environ = os.environ if environ is None else environ
        changed = {}
        for f in fields(cls):
            raw = environ.get(f"NIANBAO_LIMIT_{f.name.upper()}")
            if raw:
                try:
                    changed[f.name] = type(f.default)(float(raw))
                except ValueError:
                    continue  # a typo in a variable must not stop checking; the default stays
        return replace(cls(), **changed) if changed else cls()


# What each limit is called in messages, with its unit; the variable name tells how to change it.
LABELS = {
    "file_bytes": ("文件大小", "MB"),
    "unpacked_bytes": ("解压后总大小", "MB"),
    "entries": ("压缩包内文件数", "个"),
    "sheets": ("工作表数", "张"),
    "cells": ("非空单元格总数", "个"),
    "sheet_area": ("单张工作表的使用区域", "个单元格"),
    "shared_strings": ("共享字符串数", "个"),
    "string_chars": ("单元格文本长度", "个字符"),
    "xml_depth": ("XML 嵌套层数", "层"),
    "pages": ("PDF 页数", "页"),
    "seconds": ("读取时间", "秒"),
    "memory_bytes": ("读取内存", "MB"),
}


# Why a file is past a limit, and what its sender can do. Past a size a file is most often the agency's own with more
# in it than the report (pictures, scans, other tables), not a hostile one; time and pages are also spent on files
# that are merely long: a yearbook or a gazette issue published as one PDF with the report inside.
Why = tuple[str, Advice]
_HOSTILE: Why = ("疑似损坏或恶意构造的文件", HOSTILE_LIMIT)
_EXTRA: Why = (
    "常见原因是文件中插入了大量图片、扫描件，或附带了与年报无关的工作表、数据",
    EXTRA,
)
_LONG: Why = (
    "文件内容过多（如篇幅很长的 PDF）、已损坏或被恶意构造",
    LONG,
)
_WHY = {"file_bytes": _EXTRA, "sheets": _EXTRA, "cells": _EXTRA, "pages": _LONG, "seconds": _LONG}
# A worksheet whose cells reach far beyond its table: a note or a stray character typed far down or far right
FAR_CELLS: Why = (
    "常见原因是在远离表格的单元格中输入了内容（如很远的行、列中的备注，或误输入的一个字符）",
    DELETE_FAR_CELLS,
)
# A worksheet whose merged ranges cover far more than its table: whole rows or columns merged
MERGED_CELLS: Why = (
    "常见原因是合并了整行、整列等远超表格的范围",
    UNMERGE,
)


def over_limit(limits: Limits, name: str, found: str = "", why: Why | None = None) -> ReadError:
    """The refusal of a file past one limit, naming the limit and how to raise it; `found` says by how much, `why`
    the likely cause and what to do (by default the limit's)."""
    label, unit = LABELS[name]
    value = getattr(limits, name)
    shown = value / MB if unit == "MB" else value
    cause, advice = why or _WHY.get(name, _HOSTILE)
    return ReadError(
        f"{found or '文件'}超过{label}上限（{int(shown) if shown == int(shown) else shown} {unit}），已拒绝读取：{cause}。"
        f"{advice.receiver}；{RAISE.receiver.format(variable=f'NIANBAO_LIMIT_{name.upper()}')}。",
        "too_large",
    )
