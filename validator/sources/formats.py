"""Reading any submitted file by what its bytes are: a workbook, a web page, a Word document or a PDF."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

from validator.audience import DOCX_OR_INSTALL, NOT_INSTALLED, XLSX_OR_INSTALL
from validator.sources.convert import convert_legacy, soffice
from validator.sources.files import read_regular
from validator.sources.grid import ReadError, WorkbookGrid
from validator.sources.limits import Limits
from validator.sources.saved_page import frame_pages
from validator.sources.sniff import OFD_UNSUPPORTED, sniffed
from validator.sources.xlsx import Loaded, load_bytes

DOCUMENT_FORMATS = ("html", "docx", "pdf")
LEGACY_WORD = f"这是 Word 97-2003（.doc）或 WPS 文字（.wps）文档，{NOT_INSTALLED.receiver}{DOCX_OR_INSTALL.receiver}"
# Word documents in other formats than .doc, which LibreOffice converts too, by their name for users
WORD_FORMATS = {"rtf": "RTF（富文本）格式", "odt": "OpenDocument 文本（.odt）格式", "wordxml": "Word 2003 XML 格式"}
OTHER_WORD = "这是{what}的 Word 文档，" + NOT_INSTALLED.receiver + DOCX_OR_INSTALL.receiver
LEGACY_ODS = (
    f"这是 OpenDocument 表格（.ods，LibreOffice 或 WPS 保存的格式），{NOT_INSTALLED.receiver}{XLSX_OR_INSTALL.receiver}"
)


def read_document(
    data: bytes, fmt: str, limits: Limits, path: Path | None = None, labels: frozenset[str] = frozenset()
) -> WorkbookGrid:
    """A web page, Word document or PDF as one sheet in reading order (validator.sources.document); `path`: where
    a web page was saved, its frames' pages beside it (validator.sources.saved_page); `labels`: the words of the
    official labels, which tell a PDF's table row a page break cut (validator.sources.pdf)."""
    if fmt == "html":
        from validator.sources.html import read_html

        return read_html(data, limits, frame_pages(path, limits) if path else None)
    if fmt == "docx":
        from validator.sources.docx import read_docx

        return read_docx(data, limits)
    from validator.sources.pdf import read_pdf

    return read_pdf(data, limits, labels)


def load_file(
    path: str | Path, exact: bool = False, limits: Limits | None = None, labels: frozenset[str] = frozenset()
) -> Loaded:
    """Read a workbook or a published document in this process, within `limits` (`labels`: read_document's); a
    ReadError says why not."""
    path = Path(path)
    limits = limits or Limits.from_env()
    data = read_regular(path, limits)
    fmt, package = sniffed(data)  # a workbook's zip is opened once, to tell what it is and to read it
    try:
        return _load(data, fmt, path, exact, limits, package, labels)
    except ReadError as exc:
        exc.fmt = _UNREAD_XLSX.get(exc.reason, fmt) if fmt == "xlsx" else fmt
        raise
    finally:
        if package is not None:
            package.close()


# "xlsx" is also what file_format says of bytes it leaves to open_package to explain: bytes it does not know or a zip
# of other files (no workbook: unknown), and an OLE compound file without a stream to convert (a .xls or .et).
_UNREAD_XLSX: dict[str, str | None] = {"not_workbook": None, "legacy": "xls"}


def _load(
    data: bytes,
    fmt: str,
    path: Path,
    exact: bool,
    limits: Limits,
    package: zipfile.ZipFile | None,
    labels: frozenset[str],
) -> Loaded:
    if fmt == "ofd":
        raise ReadError(OFD_UNSUPPORTED, "unsupported")
    if fmt == "xlsx":
        return load_bytes(data, path, exact, limits, package)  # digests the bytes itself
    digest = hashlib.sha256(data).hexdigest()
    if fmt in ("doc", "xls", "ods", *WORD_FORMATS):
        program = soffice()
        if program is None:
            if fmt in WORD_FORMATS:
                raise ReadError(OTHER_WORD.format(what=WORD_FORMATS[fmt]), "legacy")
            if fmt != "xls":
                raise ReadError(LEGACY_WORD if fmt == "doc" else LEGACY_ODS, "legacy")
            return load_bytes(data, path, exact, limits)  # says how to save as .xlsx
        converted = convert_legacy(data, fmt, program)
        grid = (
            load_bytes(converted, path, exact, limits).grid
            if fmt in ("xls", "ods")
            else read_document(converted, "docx", limits)
        )
        grid.source_format = fmt  # its annotated copy is the official workbook it converts into
        return Loaded(grid, digest)
    return Loaded(read_document(data, fmt, limits, path, labels), digest)
