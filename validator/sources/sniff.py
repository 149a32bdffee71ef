"""Telling what a submitted file is from its bytes, and refusing what is not an OOXML workbook in words a user acts on."""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from validator.audience import ASK_AGAIN, ASK_WORKBOOK, OFD_ELSE, OTHER_ARCHIVE, SAVE_AS_XLSX, UNLOCK, UNPACK
from validator.sources.grid import ReadError
from validator.sources.mhtml import is_web_archive

HEAD = 4096  # the first bytes of a file that tell a text format (Word 2003 XML, a web page) by its marks

SAVE_AS = SAVE_AS_XLSX.receiver
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE compound file: legacy .xls/.et/.doc, or an encrypted .xlsx
PDF_MAGIC = b"%PDF-"  # within the first 1024 bytes, as PDF readers accept it
_ZIP_MAGIC = b"PK\x03\x04"  # local file header: the first bytes of every .xlsx
_EMPTY_ZIP_MAGIC = b"PK\x05\x06"  # end of central directory: all an archive of no files holds
# An OpenDocument spreadsheet's "mimetype" part (.ods: LibreOffice, some WPS setups). The format puts it first and
# stored, so that it also stands within the file's first bytes.
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"  # an OpenDocument text (.odt: LibreOffice, WPS)
_RTF_MAGIC = b"{\\rtf"  # Rich Text Format: what OA systems' 「导出Word」 often writes, named .doc
# A Word 2003 XML document (WordprocessingML, one XML file; also named .doc by OA systems): by its processing
# instruction, or the namespace of its root element where that is left out.
_WORD_XML_MARKS = ('progid="word.document"', "schemas.microsoft.com/office/word/2003/wordml")
_ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
_WORD_STREAM = "WordDocument".encode("utf-16-le")
_BOOK_STREAMS = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))  # BIFF8, and BIFF5 (Excel 95)
_IMAGES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*", b"BM")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# What binary data decodes to and text never holds: control characters other than tab, line breaks and form feed
# (ideographic, no-break and zero-width spaces are text: CMS editors indent paragraphs with them).
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# Zip packages that are not workbooks, by a part only they have.
_OTHER_PACKAGES = (
    ("xl/workbook.bin", f"Excel 二进制工作簿（.xlsb），本工具只能读取 .xlsx/.xlsm。{SAVE_AS}"),
    ("content.xml", f"OpenDocument 文件（.ods/.odt 等），不是 Excel 工作簿。{SAVE_AS}"),
    ("word/document.xml", "Word 文档（.docx），不是 Excel 工作簿。请提交 Excel 格式（.xlsx）的年报工作簿。"),
    ("ppt/presentation.xml", "PowerPoint 演示文稿，不是 Excel 工作簿。请提交 Excel 格式（.xlsx）的年报工作簿。"),
)
# The parts at the root of every OOXML, OpenDocument or EPUB package: a zip without them is an archive of files.
_PACKAGE_MARKS = frozenset({"[Content_Types].xml", "mimetype", "META-INF/manifest.xml"})
# The suffixes of reports, in folders and archives alike. Workbooks: other formats too (.xls/.et, .ods), converted by
# LibreOffice, or their owners are told to save them as .xlsx (.xlsb).
WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".et", ".ods", ".xlsb"})
# Published documents read as one sheet (validator.sources.formats); .doc/.wps/.ofd to tell their owners what to do.
DOCUMENT_SUFFIXES = frozenset(
    {".html", ".htm", ".mht", ".mhtml", ".docx", ".pdf", ".doc", ".wps", ".ofd", ".rtf", ".odt"}
)
# Archives of other formats, by their first bytes and usual suffix: offices receive RAR and 7z, which only zip replaces.
_OTHER_ARCHIVES = ((b"7z\xbc\xaf\x27\x1c", ".7z", "7z"), (b"Rar!\x1a\x07", ".rar", "RAR"))


_HTML_MARKS = ("<html", "<!doctype html", "<table", "<body", "<head", "<meta", "<div", "<p>", "<p ")
OFD_UNSUPPORTED = f"这是 OFD 版式文件，本工具暂不支持读取 OFD。请用数科 OFD 阅读器等软件{OFD_ELSE.receiver}"


def is_lock_file(name: str) -> bool:
    """The lock file Excel, Word and WPS keep beside a file while it is open (~$年报.xlsx): never a report."""
    return name.startswith("~$")


def is_system_file(parts: Sequence[str]) -> bool:
    """A hidden file (a leading dot: this tool's temporaries too) or macOS's resource copies (__MACOSX/), by the
    parts of its path: never a report. No parts (an upload named "" or "."): not one of these."""
    return bool(parts) and (parts[-1].startswith(".") or "__MACOSX" in parts)


def file_format(data: bytes) -> str:
    """What the bytes are: "docx", "pdf", "html" (a web page, or a web archive holding one: .mht/.mhtml), "ofd",
    "doc" (Word 97-2003 or WPS 文字), "rtf", "odt" (an OpenDocument text), "wordxml" (a Word 2003 XML document),
    "xls" (Excel 97-2003 or WPS 表格), "ods" (an OpenDocument spreadsheet), else "xlsx" (which `open_package` checks
    and explains, an encrypted workbook included)."""
    fmt, package = sniffed(data)
    if package is not None:
        package.close()
    return fmt


def sniffed(data: bytes) -> tuple[str, zipfile.ZipFile | None]:
    """What the bytes are (see `file_format`), and for "xlsx" bytes that are a zip, the package opened to tell it:
    `open_package` takes it rather than parse the zip's directory again (the caller closes it)."""
    if not data.startswith(_ZIP_MAGIC):
        return _unzipped_format(data), None
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError):
        return "xlsx", None
    names = set(zf.namelist())
    try:
        fmt = _package_format(zf, names)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError):
        fmt = None  # its "mimetype" part cannot be read: open_package opens it afresh and says what is wrong
    if fmt == "xlsx":
        return fmt, zf
    zf.close()
    return fmt or "xlsx", None


def _package_format(zf: zipfile.ZipFile, names: set[str]) -> str:
    if "xl/workbook.xml" not in names and (kind := _open_document(zf, names)):
        return kind
    if "word/document.xml" in names:
        return "docx"
    if "OFD.xml" in names or "ofd.xml" in names:
        return "ofd"
    return "xlsx"


def _unzipped_format(data: bytes) -> str:
    if _is_rtf(data):
        return "rtf"
    if data.startswith(CFB_MAGIC):
        if _ENCRYPTION_STREAM in data:
            return "xlsx"  # an encrypted workbook: open_package says so
        if _WORD_STREAM in data:
            return "doc"
        # Only a compound file holding a workbook stream is worth converting; anything else is explained as is.
        return "xls" if _BOOK_STREAMS[0] in data or _BOOK_STREAMS[1] in data else "xlsx"
    if is_web_archive(data):  # before the page's own marks: a quoted-printable page shows "<html" as it is
        return "html"
    if PDF_MAGIC in data[:1024]:
        return "pdf"
    text = _as_text(data[:HEAD])
    if text is not None and _is_word_xml(text):
        return "wordxml"
    if text is not None and any(mark in text.lower() for mark in _HTML_MARKS):
        return "html"
    return "xlsx"


def _is_rtf(data: bytes) -> bool:
    return data[:64].lstrip().startswith(_RTF_MAGIC)


def _is_word_xml(text: str) -> bool:
    lower = text.lower()
    return lower.lstrip("\ufeff \t\r\n").startswith("<?xml") and any(mark in lower for mark in _WORD_XML_MARKS)


def _open_document(zf: zipfile.ZipFile, names: set[str]) -> str | None:
    """What an OpenDocument package is, "ods" (a spreadsheet) or "odt" (a text), by its "mimetype" part (a few bytes;
    a larger one is not); None for anything else."""
    if "mimetype" not in names or "content.xml" not in names or zf.getinfo("mimetype").file_size > 100:
        return None
    return {ODS_MIMETYPE: "ods", ODT_MIMETYPE: "odt"}.get(zf.read("mimetype").strip())


def is_word_xml(head: bytes) -> bool:
    """Whether a file's first bytes (HEAD of them are enough) are a Word 2003 XML document's (WordprocessingML in one XML
    file, as Word 2003's 「另存为 XML 文档」 and OA systems' 「导出Word」 write it, often named .xml): an XML
    declaration, then Word's processing instruction or namespace."""
    text = _as_text(head[:HEAD])
    return text is not None and _is_word_xml(text)


def is_word_xml_file(path: Path) -> bool:
    """Whether the file at `path` is a Word 2003 XML document, told by its first bytes (is_word_xml); False when it
    cannot be read (reading it says why)."""
    try:
        with path.open("rb") as fh:
            return is_word_xml(fh.read(HEAD))
    except OSError:
        return False


def is_converted_head(head: bytes) -> bool:
    """Whether a file's first bytes are those of a format LibreOffice converts before it is read (but an OLE compound
    file's): an OpenDocument spreadsheet or text as its format writes it (its stored "mimetype" part first), RTF or a
    Word 2003 XML document: enough to allow for its conversion's time before it is read."""
    if head.startswith(_ZIP_MAGIC):
        return ODS_MIMETYPE in head[:200] or ODT_MIMETYPE in head[:200]
    text = _as_text(head)
    return _is_rtf(head) or (text is not None and _is_word_xml(text))


def open_package(data: bytes, path: Path, package: zipfile.ZipFile | None = None) -> zipfile.ZipFile:
    """The file as a zip package holding xl/workbook.xml; a ReadError that says what the file is otherwise.
    `package`: the bytes' zip already opened (by `sniffed`)."""
    zf = package if package is not None else _zip(data, path)
    names = set(zf.namelist())
    if "xl/workbook.xml" not in names:
        kind = next((text for part, text in _OTHER_PACKAGES if part in names), None)
        archive = _archive(names)
        if archive is not None:
            raise ReadError(archive.message(UNPACK.receiver), "not_workbook")
        raise ReadError(f"这是{kind or f'其他格式的压缩包，不是 Excel 工作簿。{SAVE_AS}'}", "not_workbook")
    return zf


def _zip(data: bytes, path: Path) -> zipfile.ZipFile:
    """The bytes as a zip; a ReadError that says what they are otherwise."""
    if not data:
        raise ReadError(f"文件是空的（0 字节），可能在保存或拷贝时出错。{ASK_AGAIN.receiver}", "corrupt")
    if data.startswith(CFB_MAGIC):
        raise _compound_file(data)
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        if data.startswith(_ZIP_MAGIC):  # a zip without its directory at the end: cut off while copying
            raise ReadError(f"文件不完整（可能在下载或拷贝时中断），无法解压。{ASK_AGAIN.receiver}", "corrupt") from exc
        raise _not_a_package(data, path) from exc


def other_archive(head: bytes = b"", suffix: str = "") -> str | None:
    """The format ("7z", "RAR") of an archive that is not a zip, known by its first bytes or else its suffix."""
    return next(
        (
            kind
            for magic, ext, kind in _OTHER_ARCHIVES
            if head.startswith(magic) or (not head and suffix.lower() == ext)
        ),
        None,
    )


def other_archive_refusal(kind: str, suffix: str = "") -> str:
    """Why an archive of another format is not checked, and what to do (`suffix`: the one it wrongly bears)."""
    named = f"（扩展名却是 {suffix}）" if suffix else ""
    return f"这是 {kind} 压缩包{named}，{OTHER_ARCHIVE.receiver}"


class Archive(NamedTuple):
    """A zip archive of files (not a package such as .xlsx or .docx): how many reports it holds, as `nianbao batch`
    would check them (lock files, hidden files and macOS' resource forks are not counted)."""

    workbooks: int
    documents: int  # published reports: web pages, Word documents, PDF
    archives: int  # archives inside

    def message(self, unpack: str) -> str:
        """The Chinese refusal: what the archive holds, then `unpack` with {what} the files to check in it."""
        held = "、".join(
            ([f"{self.workbooks} 个工作簿"] if self.workbooks else [])
            + ([f"{self.documents} 个网页、Word 或 PDF 文件"] if self.documents else [])
            + ([f"{self.archives} 个压缩包"] if self.archives else [])
        )
        if not held:
            return "这是压缩包，其中没有工作簿或年报文件，不是 Excel 工作簿。请提交 Excel 格式（.xlsx）的年报工作簿。"
        what = "文件" if self.documents or self.archives else "工作簿"
        return f"这是压缩包，其中有 {held}，不是单个工作簿。{unpack.format(what=what)}"


def archive_contents(data: bytes) -> Archive | None:
    """The file as a zip archive of files; None for anything else (a workbook, another package, not a zip)."""
    if not data.startswith((_ZIP_MAGIC, _EMPTY_ZIP_MAGIC)):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return _archive(set(zf.namelist()))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None


def _archive(names: set[str]) -> Archive | None:
    if names & _PACKAGE_MARKS or "xl/workbook.xml" in names or any(part in names for part, _ in _OTHER_PACKAGES):
        return None  # a package, even one without its content types (a PowerPoint file made by hand)
    paths = [PurePosixPath(n.replace("\\", "/")) for n in names if not n.endswith(("/", "\\"))]
    kept = [p.suffix.lower() for p in paths if not is_lock_file(p.name) and not is_system_file(p.parts)]
    books, documents = sum(s in WORKBOOK_SUFFIXES for s in kept), sum(s in DOCUMENT_SUFFIXES for s in kept)
    return Archive(books, documents, kept.count(".zip"))


def _compound_file(data: bytes) -> ReadError:
    if _ENCRYPTION_STREAM in data:
        return ReadError(f"文件设置了打开密码（已加密），无法读取。{UNLOCK.receiver}", "encrypted")
    if _WORD_STREAM in data:
        return ReadError(
            "这是 Word 97-2003 文档（.doc），不是 Excel 工作簿。请提交 Excel 格式（.xlsx）的年报工作簿。",
            "not_workbook",
        )
    return ReadError(
        f"这是旧版 Excel 97-2003（.xls）或 WPS（.et）格式，本工具只能读取 .xlsx/.xlsm。{SAVE_AS}", "legacy"
    )


def _not_a_package(data: bytes, path: Path) -> ReadError:
    head = data[:4096]
    if is_lock_file(path.name) and len(data) < 4096:
        text = f"这是 Excel 或 WPS 打开工作簿时生成的临时锁定文件（{path.name}），不是工作簿。请校验不带“~$”的原文件。"
    elif head.startswith(b"%PDF"):
        text = f"这是 PDF 文件，不是 Excel 工作簿。{ASK_WORKBOOK.receiver}"
    elif kind := other_archive(head):
        text = other_archive_refusal(kind)
    elif head.startswith(_IMAGES) or (head.startswith(b"RIFF") and head[8:12] == b"WEBP"):
        text = f"这是图片文件，不是 Excel 工作簿。{ASK_WORKBOOK.receiver}"
    elif (text_head := _as_text(head)) is not None:
        lower = text_head.lower()
        if "<html" in lower or "<table" in lower:
            text = f"这是网页（HTML）格式的表格，只是扩展名为 Excel 的，不是真正的 Excel 工作簿。{SAVE_AS}"
        elif "urn:schemas-microsoft-com:office:spreadsheet" in lower:
            text = f"这是 Excel 2003 XML 表格，不是 .xlsx 工作簿。{SAVE_AS}"
        elif _is_rtf(head) or _is_word_xml(text_head):
            kind = "RTF" if _is_rtf(head) else "Word 2003 XML"
            text = f"这是 {kind} 格式的 Word 文档，不是 Excel 工作簿。请提交 Excel 格式（.xlsx）的年报工作簿。"
        else:
            text = f"这是文本文件（如 CSV），不是 Excel 工作簿。{SAVE_AS}"
    else:
        text = f"文件不是 Excel 工作簿（无法识别的内容）。{SAVE_AS}"
    return ReadError(text, "not_workbook")


def _as_text(head: bytes) -> str | None:
    """The head decoded when it reads as text (UTF-8, UTF-16 with a BOM, or GB18030), else None."""
    if head.startswith(_UTF16_BOMS):
        return head.decode("utf-16", errors="replace")
    for encoding in ("utf-8-sig", "gb18030"):
        try:  # not final: the head may end in the middle of a character
            text = codecs.getincrementaldecoder(encoding)().decode(head)
        except UnicodeDecodeError:
            continue
        if not _CONTROL.search(text):
            return text
    return None
