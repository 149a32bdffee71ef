"""Inspecting a workbook package against the limits before any reader parses it (bombs, hostile XML, huge areas)."""

from __future__ import annotations

import contextlib
import posixpath
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError
from xml.parsers import expat

from validator.audience import ASK_AGAIN, HOSTILE_PACKAGE, RESAVE_OR_ASK
from validator.cellref import column_letter
from validator.sources.grid import ReadError
from validator.sources.limits import FAR_CELLS, MERGED_CELLS, Limits, Why, over_limit
from validator.sources.relationships import sheet_targets
from validator.sources.uncached import has_uncached, sheet_data

# An address: XML allows white space around "=" and either quote, and so do the readers.
_ADDRESS = rb"""r\s*=\s*["']([A-Za-z]+)([0-9]+)["']"""
_CELL_REF = re.compile(rb"<(?:\w+:)?c\b[^>]*?\s" + _ADDRESS)
_ANY_REF = re.compile(_ADDRESS)  # cells' addresses and a few more (sqref, ref): 4× cheaper
# A cell whose first attribute is not its address: readers put a cell without one after the cell before it in its
# row, and a row without a number after the row before it. Searched first as "c" after "<" or ":" (one pass at the
# speed of a one-byte literal), then, only where that finds one, with its prefix checked (a leading "<" and an
# optional prefix tried at every tag: three times slower).
_UNADDRESSED = re.compile(rb"<(?:\w+:)?c(?:/?>|\s+(?!r\s*=)[A-Za-z_])")
_UNADDRESSED_HINT = re.compile(rb"c(?<=[<:]c)(?:/?>|\s+(?!r\s*=)[A-Za-z_])")
# An address past column ZZ or row 999 in an attribute whose name ends in r (a cell's among them): where a sheet has
# none, its area is at most _NEAR_AREA cells, and nothing needs to be collected.
# The white space before the name is checked after its "r" matched (one pass at the speed of a one-byte literal).
_FAR_REF = re.compile(rb"""r(?<=\sr)\s*+=\s*+["'](?:[A-Za-z]{3}|[A-Za-z]++[0-9]{4})""")
_NEAR_AREA = 999 * (26 + 26 * 26)
# A merged range's corners (the second absent for a single cell): the locator indexes every cell of each
_MERGE_REF = re.compile(
    rb"""<(?:\w+:)?mergeCell\b[^>]*?\sref\s*=\s*["']\$?([A-Za-z]+)\$?([0-9]+)(?::\$?([A-Za-z]+)\$?([0-9]+))?"""
)
_ROW_NUMBER = re.compile(rb"""<(?:\w+:)?row\b[^>]*?\sr\s*=\s*["']([0-9]+)["']""")
_ROW_START = re.compile(rb"<(?:\w+:)?row[\s/>]")
_CELL_START = re.compile(rb"<(?:\w+:)?c[\s/>]")
_LOCAL_HEADER = struct.Struct("<26xHH")  # a member's local header: …, the lengths of its name and extra field
LOCAL_HEADER_SIZE = zipfile.sizeFileHeader
_ENCRYPTED = 0x1  # the general purpose flag of a member encrypted with the zip format's own password
_MAX_ROW, _MAX_COLUMN = 1_048_576, 16_384  # XFD1048576, the last cell of an Excel sheet
_SHEET = re.compile(rb"<(?:\w+:)?sheet\s")
_DRIVE = re.compile(r"[A-Za-z]:")  # a Windows path's drive, at the start of a name
_STRING_COUNT = re.compile(rb'<(?:\w+:)?sst\b[^>]*?\s(?:unique)?[cC]ount="([0-9]+)"')
_XML_SUFFIXES = (".xml", ".rels", ".vml")
# What reading a member can raise when the package is broken or uses what zipfile cannot read.
_UNREADABLE = (
    zipfile.BadZipFile,
    OSError,
    EOFError,
    ValueError,
    NotImplementedError,
    RuntimeError,
    zlib.error,
    struct.error,
)
_HEAD = 64  # bytes looked at to tell whether a member named otherwise is XML
_XML_START = re.compile(rb"(?:\xef\xbb\xbf|\xff\xfe|\xfe\xff)?[ \t\r\n\x00]*<")  # UTF-8 or UTF-16, any byte order
_PROLOG = re.compile(rb"(?:\xef\xbb\xbf)?(<\?xml[ \t\r\n][^<>\x00]*?\?>)?(?:[ \t\r\n]+|<\?[^<>\x00]*?\?>)*<[A-Za-z_]")
_ENCODING = re.compile(rb"encoding[ \t\r\n]*=[ \t\r\n]*[\"']([^\"']*)")
# Encodings in which the bytes of "<" and a letter are those characters (not UTF-7, UTF-16, EBCDIC code pages…)
_ASCII_BASED = re.compile(rb"(?i)utf-?8|gb2312|gbk|gb18030|big5|(?:us-)?ascii|iso-8859-[0-9]+|windows-125[0-8]")
_METADATA = ("docProps/", "customXml/")  # no reader needs these: broken XML there is tolerated, hostile XML is not
_HOSTILE = f"这不是 Excel、Word 或 WPS 正常保存的文件，疑似恶意构造，已拒绝读取。{HOSTILE_PACKAGE.receiver}"


# Web pages a Word document embeds as its content (w:altChunk): HTML, not XML (an HTML <!DOCTYPE html> declares no
# entities), read by the HTML reader only.
WEB_PAGE_SUFFIXES = (".htm", ".html", ".xhtml", ".xht", ".mht", ".mhtml")


@dataclass(frozen=True)
class Inspected:
    """What the inspection read: every XML part (name → bytes; read once), and the worksheet parts with formulas
    without a saved result or error values (python-calamine reads those as blanks: see validator.sources.uncached);
    with `web_pages`, the members named as web pages, apart."""

    parts: dict[str, bytes]
    uncached: frozenset[str]
    pages: dict[str, bytes] = field(default_factory=dict)


def inspect_package(
    zf: zipfile.ZipFile,
    data: bytes,
    limits: Limits,
    parse: bool = False,
    nested: bool = False,
    web_pages: bool = False,
) -> Inspected:
    """Refuse the package `zf` (of the bytes `data`) past a limit or with hostile XML; say what it read.

    What is dangerous is found in the bytes; a part is parsed only when they cannot tell (see `_plain`), or when
    `parse` is set: after a reader failed, to name the part that is not well-formed XML. Element nesting only
    threatens a reader that recurses over the tree: `nested` counts it for one (the Word reader); python-calamine's
    XML reader is iterative, and lxml (openpyxl, the zip painter) refuses more than 256 levels by itself.
    With `web_pages` (the Word reader), members named as web pages (WEB_PAGE_SUFFIXES) are read into `pages`, not
    checked as XML: they are never among `parts`, so no XML reader is handed one whatever a relationship names.
    """
    infos = zf.infolist()
    if len(infos) > limits.entries:
        raise over_limit(limits, "entries", f"压缩包内有 {len(infos)} 个文件，")
    if sum(i.file_size for i in infos) > limits.unpacked_bytes:
        raise over_limit(limits, "unpacked_bytes", "文件解压后异常庞大，")
    parts: dict[str, bytes] = {}
    uncached = set()
    cells = 0
    # No more is inflated than the sizes declared, and a cell takes at least 4 bytes (<c/>): most packages are
    # too small to hold too many cells, and need no count.
    counted = sum(i.file_size for i in infos) // len(b"<c/>") > limits.cells
    pages: dict[str, bytes] = {}
    past: tuple[str, str, Why] | None = None  # a worksheet part past the area limit, by how much, and why
    for info in infos:
        _check_name(info.filename)
        if web_pages and info.filename.lower().endswith(WEB_PAGE_SUFFIXES):
            pages[info.filename] = _read_part(zf, data, info)
            continue
        if not _xml_member(zf, data, info):
            continue
        xml = parts[info.filename] = _read_part(zf, data, info)
        _check_xml(xml, info.filename, limits, parse, nested)
        if info.filename == "xl/workbook.xml" and len(_SHEET.findall(xml)) > limits.sheets:
            raise over_limit(limits, "sheets", f"工作簿有 {len(_SHEET.findall(xml))} 张工作表，")
        if info.filename == "xl/sharedStrings.xml":
            _check_string_count(xml, limits)
        cells_start = sheet_data(xml)  # a worksheet wherever it is stored (its cells are in <sheetData>)
        if cells_start is not None:
            if counted:
                cells += xml.count(b"<c") + (xml.count(b":c") if b":c" in xml else 0)  # <col…> too: an upper bound
                if cells > limits.cells:
                    raise over_limit(limits, "cells", "工作簿中的单元格过多，")
            if past is None and (found := _past_area(xml, limits) or _past_merges(xml, limits)):
                past = (info.filename, *found)
            if has_uncached(xml, cells_start):
                uncached.add(info.filename)
    if past:  # refused once every part passed: the workbook part then names the sheet safely
        raise _sheet_past_area(parts, *past, limits)
    return Inspected(parts, frozenset(uncached), pages)


def _check_name(name: str) -> None:
    """Part names are relative and never climb: anything else is made by hand, to attack an unzipping tool."""
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or ".." in parts or _DRIVE.match(name) or "\x00" in name:
        raise ReadError(f"压缩包中有路径异常的条目（{posixpath.basename(name)[:60]}）。{_HOSTILE}", "corrupt")


def _xml_member(zf: zipfile.ZipFile, data: bytes, info: zipfile.ZipInfo) -> bool:
    """Whether a member is XML: by its name, or else by its first bytes — readers follow relationships to any part
    name, so a worksheet named sheet1.dat is parsed all the same."""
    if info.filename.lower().endswith(_XML_SUFFIXES):
        return True
    try:
        if info.flag_bits & _ENCRYPTED or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            with zf.open(info) as fh:
                head = fh.read(_HEAD)
        else:
            head = _inflate(data, info, _HEAD)
    except _UNREADABLE:  # inspected as a part, which names what is wrong
        return True
    return _XML_START.match(head) is not None


def _read_part(zf: zipfile.ZipFile, data: bytes, info: zipfile.ZipInfo) -> bytes:
    """A member inflated, never past its declared size (a member lying about it is refused as broken)."""
    try:
        if info.flag_bits & _ENCRYPTED or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            with zf.open(info) as fh:  # zipfile says what is wrong, or reads the rare methods
                xml = fh.read(info.file_size + 1)
        else:
            xml = _inflate(data, info)
        if len(xml) != info.file_size or zlib.crc32(xml) != info.CRC:
            raise zipfile.BadZipFile("size or CRC-32 differs from the directory's")
    except _UNREADABLE as exc:
        raise ReadError(
            f"文件已损坏，无法解压其中的 {info.filename}（{type(exc).__name__}）。{ASK_AGAIN.receiver}",
            "corrupt",
        ) from exc
    return xml


def _inflate(data: bytes, info: zipfile.ZipInfo, size: int | None = None) -> bytes:
    """A stored or deflated member (or its first `size` bytes) straight from the package's bytes, where the directory
    says it is: zipfile's file object per member cost more than inflating the member (~15 parts per workbook)."""
    if data[info.header_offset : info.header_offset + 4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("no local header where the directory points")
    start = member_data_offset(info, data[info.header_offset : info.header_offset + LOCAL_HEADER_SIZE])
    size = info.file_size + 1 if size is None else size
    with memoryview(data)[start : start + info.compress_size] as raw:
        if info.compress_type == zipfile.ZIP_STORED:
            return bytes(raw[:size])
        return zlib.decompressobj(-zlib.MAX_WBITS).decompress(raw, size)


def member_data_offset(info: zipfile.ZipInfo, header: bytes) -> int:
    """Where a member's compressed data starts in its package, given the local header found at its offset (its
    name and extra field lengths there may differ from the directory's)."""
    name, extra = _LOCAL_HEADER.unpack_from(header)
    return info.header_offset + LOCAL_HEADER_SIZE + name + extra


def _check_xml(xml: bytes, name: str, limits: Limits, parse: bool, nested: bool) -> None:
    """No DOCTYPE (entity bombs, external entities), well-formed when parsed, and not nested past the limit when
    a recursive reader reads it next."""
    if (parse or not _plain(xml)) and not _well_formed(xml, name):
        return  # broken metadata: no reader needs it
    if not nested:
        return
    try:
        deep = _too_deep(xml, limits.xml_depth)
    except expat.ExpatError:  # counting needed the parser, and the part is not well-formed
        _well_formed(xml, name)  # refuses it, naming the part (unless it is metadata)
        return
    if deep:
        raise over_limit(limits, "xml_depth", f"{name} 的 XML 嵌套过深，")


def _plain(xml: bytes) -> bool:
    """Whether the bytes alone show that a part has no DOCTYPE: one can only stand in the prolog, before the root
    element, and here the prolog is at most a UTF-8 byte order mark, a declaration of an ASCII-based encoding (or
    of none: UTF-8), processing instructions and white space, and then "<" and a letter: the root's start tag.
    Anything else is parsed (`_well_formed`). A part that is not well-formed fails the reader that parses it, and
    is named then (see `inspect_package`)."""
    prolog = _PROLOG.match(xml)
    if prolog is None:
        return False
    declared = _ENCODING.search(prolog[1] or b"")
    return declared is None or _ASCII_BASED.fullmatch(declared[1]) is not None


def _well_formed(xml: bytes, name: str) -> bool:
    """Parse the part: refuse a DOCTYPE, and XML that is not well-formed unless it is metadata (then False)."""

    def doctype(*_args: object) -> None:
        raise ReadError(f"{name} 中含有 DOCTYPE 声明（可用来展开实体或读取本机文件）。{_HOSTILE}", "corrupt")

    parser = expat.ParserCreate()  # no element handlers: a Python call per element would triple the time
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    try:
        parser.Parse(xml, True)
    except ValueError:  # a multi-byte encoding expat cannot read (Shift_JIS…): ASCII-based, so the bytes tell
        if b"<!" in xml:
            raise ReadError(
                f"{name} 使用了无法检查的字符编码，且可能含有 DOCTYPE 声明。{_HOSTILE}", "corrupt"
            ) from None
    except expat.ExpatError as exc:
        if name.startswith(_METADATA):
            return False
        raise ReadError(
            f"文件中的 {name} 不是完整有效的 XML（第 {exc.lineno} 行：{expat.ErrorString(exc.code)}），"
            f"可能已损坏。请用 Excel、Word 或 WPS {RESAVE_OR_ASK.receiver}。",
            "corrupt",
        ) from exc
    return True


def _too_deep(xml: bytes, limit: int) -> bool:
    """Whether elements nest deeper than `limit` in a part without a DOCTYPE; raises ExpatError when it had to
    parse a part that is not well-formed.

    Counted over the bytes when every "<" starts a tag (UTF-8, no comments, CDATA, or processing instructions past
    the declaration): a tag ends at the first ">" after its "<" unless that ">" is quoted in an attribute (an odd
    number of quotes before it; ">" in text comes after the tag's end), and then "<" + name opens, "</" closes and
    "/>" closes at once. Otherwise the parser counts, a Python call per element.
    """
    tags = xml.count(b"<")
    if tags <= limit:
        return False  # every element has a "<"
    if b"<!" in xml or b"\x00" in xml or xml.count(b"<?") > 1:
        return _parsed_depth(xml, limit) > limit
    import numpy as np  # only for large parts; numpy comes with pandas

    data = np.frombuffer(xml, np.uint8)
    starts = np.flatnonzero(data == ord("<"))
    closers = np.flatnonzero(data == ord(">"))
    if not len(closers) or closers[-1] < starts[-1]:
        return _parsed_depth(xml, limit) > limit  # a tag never closed: not well-formed, the parser raises
    if len(closers) != tags:  # ">" in text or attributes (as many of each: the i-th ">" ends the i-th tag)
        closers = closers[np.searchsorted(closers, starts)]  # well-formed: every "<" has a ">" after it
        quotes = np.flatnonzero((data == ord('"')) | (data == ord("'")))
        if ((np.searchsorted(quotes, closers) - np.searchsorted(quotes, starts)) % 2).any():
            return _parsed_depth(xml, limit) > limit
    after, before = data[starts + 1], data[closers - 1]
    step = np.where(after == ord("/"), -1, ((after != ord("?")) & (before != ord("/"))).astype(np.int8))
    return int(np.cumsum(step, dtype=np.int64).max(initial=0)) > limit


def _parsed_depth(xml: bytes, limit: int) -> int:
    """The deepest nesting, counting no further than `limit` + 1."""
    parser = expat.ParserCreate()
    depth = deepest = 0

    def start(_tag: str, _attrs: dict) -> None:
        nonlocal depth, deepest
        depth += 1
        deepest = max(deepest, depth)
        if depth > limit:
            raise _TooDeep

    def end(_tag: str) -> None:
        nonlocal depth
        depth -= 1

    parser.StartElementHandler, parser.EndElementHandler = start, end
    with contextlib.suppress(_TooDeep):
        parser.Parse(xml, True)
    return deepest


class _TooDeep(Exception):
    """Stops counting once past the limit."""


def _check_string_count(xml: bytes, limits: Limits) -> None:
    """Readers reserve room for the declared number of strings up front: an absurd count would exhaust memory."""
    declared = max((int(n) for n in _STRING_COUNT.findall(xml[:4096])), default=0)
    if declared > limits.shared_strings:
        raise over_limit(limits, "shared_strings", f"工作簿声明了 {declared} 个共享字符串，")


def _past_area(xml: bytes, limits: Limits) -> tuple[str, Why] | None:
    """How far a worksheet's cells reach, and why, when the rectangle they span is past the area limit: readers
    allocate a sheet's whole rectangle, so one cell typed at XFD1048576 in a tiny file would exhaust memory.
    Addresses past Excel's own range are refused here."""
    unaddressed = _unaddressed(xml)
    if not unaddressed and limits.sheet_area >= _NEAR_AREA and not _far_address(xml):
        return None  # every address within ZZ999: most sheets, told by one search
    rows, cols = _extent(xml, _ANY_REF.findall(xml), unaddressed)  # a superset of the addresses: within is final
    if rows > _MAX_ROW or cols > _MAX_COLUMN or rows * cols > limits.sheet_area:
        rows, cols = _extent(xml, _CELL_REF.findall(xml), unaddressed)  # a far selection or hyperlink is not a cell
    if rows > _MAX_ROW or cols > _MAX_COLUMN:
        raise ReadError(
            f"工作表中有超出 Excel 范围的单元格地址（最远到第 {rows} 行、第 {cols} 列；Excel 最多 {_MAX_ROW} 行、{_MAX_COLUMN} 列）。{_HOSTILE}",
            "corrupt",
        )
    if rows * cols <= limits.sheet_area:
        return None
    return f"的使用区域异常大（用到第 {rows} 行、第 {column_letter(cols)} 列，共 {rows} 行 × {cols} 列），", FAR_CELLS


def _past_merges(xml: bytes, limits: Limits) -> tuple[str, Why] | None:
    """How many cells a worksheet's merged ranges cover together, and why, when past the area limit: the locator
    indexes every merged cell, and a merge is no cell, so a merge of A1:XFD1048576 escapes the cells' extent."""
    first = xml.find(b"mergeCell")
    if first == -1:
        return None
    total = 0  # searched from the tag holding the first "mergeCell": after the cells, as Excel orders a sheet's parts
    for first_col, first_row, last_col, last_row in _MERGE_REF.findall(xml, xml.rfind(b"<", 0, first)):
        rows = abs(int(last_row or first_row) - int(first_row)) + 1
        cols = abs(_column_index((last_col or first_col).upper()) - _column_index(first_col.upper())) + 1
        total += rows * cols
    return (f"中合并单元格的范围合计 {total} 个单元格，", MERGED_CELLS) if total > limits.sheet_area else None


def _sheet_past_area(parts: dict[str, bytes], part: str, found: str, why: Why, limits: Limits) -> ReadError:
    """The refusal of the worksheet `part` past the area limit (`found`: by how much), named as the workbook names
    it."""
    try:
        name = next((n for n, target in sheet_targets(parts) if target == part), None)
    except (ParseError, KeyError):  # a workbook part missing or broken: the sheet goes unnamed
        name = None
    sheet = f"工作表「{name}」" if name else "工作表"
    return over_limit(limits, "sheet_area", sheet + found, why=why)


def _unaddressed(xml: bytes) -> bool:
    """Whether a cell of the sheet has no address."""
    return _UNADDRESSED_HINT.search(xml) is not None and _UNADDRESSED.search(xml) is not None


def _far_address(xml: bytes) -> bool:
    """Whether a cell's address (an attribute named r, after white space) may lie past column ZZ or row 999."""
    return _FAR_REF.search(xml) is not None


def _extent(xml: bytes, refs: list[tuple[bytes, bytes]], unaddressed: bool) -> tuple[int, int]:
    """The last row and column the addresses reach; with cells that have none, as far as they can go past them."""
    letters, numbers = zip(*refs) if refs else ((), ())  # apart in C: sets of few distinct values
    rows = max(map(int, set(numbers)), default=0)
    cols = max(map(_column_index, {c.upper() for c in set(letters)}), default=0)
    if unaddressed:  # in the last numbered row or in rows after it, each column after the cell before it
        numbered = _ROW_NUMBER.findall(xml)
        rows = max(rows, *map(int, numbered), 0) + len(_ROW_START.findall(xml)) - len(numbered)
        cols += max(len(_CELL_START.findall(row)) for row in _ROW_START.split(xml))
    return rows, cols


def _column_index(letters: bytes) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index
