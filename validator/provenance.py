"""Where a cell of an imported document came from: page, table, row and column, or text paragraph."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

FORMAT_ZH = {
    "xlsx": "Excel 工作簿",
    "html": "网页",
    "docx": "Word 文档",
    "pdf": "PDF",
    "doc": "Word 97-2003 或 WPS 文档",
    "rtf": "RTF 格式的 Word 文档",
    "odt": "OpenDocument 文本（.odt）",
    "wordxml": "Word 2003 XML 文档",
    "xls": "旧版 Excel 或 WPS 表格",
    "ods": "OpenDocument 表格",
}
DOCUMENT_FORMATS = frozenset(FORMAT_ZH) - {"xlsx", "xls", "ods"}  # published documents, read as one sheet


@dataclass(frozen=True)
class Place:
    """A place in a published document, as a reader finds it (all numbers 1-based)."""

    format: str  # html, docx, pdf
    page: int | None = None  # PDF only
    table: int | None = None  # the table's place among the document's tables
    row: int | None = None  # row within the table (a table continued on the next page keeps counting)
    column: int | None = None
    paragraph: int | None = None  # text paragraph, counted over the whole document
    table_name: str | None = None  # 表三, from the heading above the table
    row_label: str | None = None  # the label left of the cell in its row
    column_label: str | None = None  # the header above the cell in its column
    column_group: str | None = None  # the header above that one, when the table has that header more than once

    def json(self) -> dict:
        """The documented JSON shape: {"format","page","table","row","column"} or {"format","page","paragraph"}."""
        if self.paragraph is not None:
            return {"format": self.format, "page": self.page, "paragraph": self.paragraph}
        return {"format": self.format, "page": self.page, "table": self.table, "row": self.row, "column": self.column}

    def phrase(self) -> str:
        """ "第3页 表三 第5行「（一）予以公开」「商业企业」列" — how a person finds the place in the document."""
        page = f"第{self.page}页 " if self.page else ""
        if self.paragraph is not None:
            return f"{page}正文第{self.paragraph}段"
        row = f"第{self.row}行" + (f"「{self.row_label}」" if self.row_label else "")
        column = f"{self._column}列" if self.column_label else f"第{self.column}列"
        return f"{page}{self._table} {row}{column}"

    def short(self) -> str:
        """ "表三「（一）予以公开」「商业企业」" — the cell named by its table and labels, inside a sentence."""
        if self.paragraph is not None:
            return self.phrase()
        row = f"「{self.row_label}」" if self.row_label else f"第{self.row}行"
        column = self._column if self.column_label else f"第{self.column}列"
        return f"{self._table}{row}{column}"

    @property
    def _column(self) -> str:
        """ "「商业企业」", "「行政复议」「总计」": the column's header, with its group's where the table repeats it."""
        return (f"「{self.column_group}」" if self.column_group else "") + f"「{self.column_label}」"

    @property
    def _table(self) -> str:
        return self.table_name or f"第{self.table}个表格"


_CELL = r"[A-Z]{1,3}[1-9][0-9]*"
_CELLS = re.compile(rf"(?<![A-Za-z0-9])({_CELL})(?::({_CELL}))?(?![A-Za-z0-9])")


def in_document_words(text: str, sheet: str, place_at: Callable[[str], Place | None], table: str | None) -> str:
    """`text` written about the sheet a document was imported into, in the document's words.

    The sheet exists only inside this tool: its name becomes `table` (the table of the finding's own cell) or goes
    before a cell, a range in parentheses goes (its ends are named already), and a cell address becomes its table and
    labels — only its table when its labels follow anyway ("E56「（七）总计 / 商业企业」").
    """
    text = re.sub(rf"（{_CELL}:{_CELL}）", "", text)
    text = re.sub(rf"{re.escape(sheet)}[!\s]?(?={_CELL})", "", text)
    text = text.replace(f"{sheet}「", f"{table or ''}「")

    def name(m: re.Match) -> str:
        before = m.string[: m.start()]
        if before.count("「") > before.count("」"):  # quoted text of the report ("G20峰会") is not an address
            return m[0]
        first, last = place_at(m[1]), m[2] and place_at(m[2])
        if first is None or (m[2] and last is None):
            return m[0]
        if last:
            return f"{first.short()}至{last.short()}"
        return (first.table_name or "") if m.string.startswith("「", m.end()) else first.short()

    return _CELLS.sub(name, text)
