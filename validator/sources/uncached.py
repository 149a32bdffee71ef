"""The cells python-calamine reads as blanks — formulas with no saved result and error values — found in the sheet XML.

A workbook written by a program rather than saved by Excel/WPS (openpyxl, report generators, our own blank template
before Excel recalculates it) has formulas without results. Reading those cells from the sheet parts costs a few
searches over the bytes; openpyxl's two streaming passes over the whole workbook cost about fifty times more. What
these searches do not cover with certainty (a cell without its address, a shared formula whose text sits in
another cell, a sheet whose part cannot be resolved) returns None, and the caller reads the workbook exactly instead.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from xml.etree.ElementTree import ParseError
from xml.parsers import expat

from validator.cellref import column_letter, column_number
from validator.sources.grid import Cells, ExcelError, Uncached
from validator.sources.relationships import sheet_targets

_SHEET_DATA = re.compile(rb"<([\w.-]+:)?sheetData\b")  # its namespace prefix, as some generators write x:c
_ENCODING = re.compile(rb"(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)")
_REF = re.compile(rb'\sr="([A-Z]{1,3})([0-9]{1,7})"')
# A formula cell whose saved result is text: with an empty value it shows a blank, as =IF(…=0,"",…) does to hide
# zeros; a saved result all the same (saving again writes it again), unlike an empty value without this type.
_TEXT_RESULT = re.compile(rb"""\st\s*=\s*["']str["']""")


def uncached_cells(parts: Mapping[str, bytes], flagged: Collection[str]) -> dict[str, Cells] | None:
    """By sheet name, the formula cells without a saved result (as Uncached) and error cells (as ExcelError) of the
    `flagged` worksheet parts, among a package's XML parts (name → bytes, as validator.sources.package read them);
    None when they cannot all be read with certainty."""
    try:
        sheets = sheet_targets(parts)
    except (ParseError, KeyError):  # a broken workbook part: the exact reader says what is wrong
        return None
    if not set(flagged) <= {part for _, part in sheets}:
        return None
    found = {}
    for name, part in sheets:
        if part in flagged:
            cells = _cells(parts[part])
            if cells is None:
                return None
            found[name] = cells
    texts = iter(_texts([raw for cells in found.values() for _, _, raw in cells]))
    return {name: {pos: kind(next(texts)) for pos, kind, _ in cells} for name, cells in found.items()}


@dataclass(frozen=True)
class _Patterns:
    """The elements of a cell, with the sheet's namespace prefix."""

    cell_start: bytes  # how a cell's start tag begins
    cell: re.Pattern[bytes]  # a cell's start tag and the white space after it: its attributes
    formula: re.Pattern[bytes]  # every formula element; when it is followed by at most a value and the cell's end:
    # its attributes, its text, the value, the end
    error_cell: re.Pattern[bytes]  # a cell with t="e" and no formula: attributes, value
    no_result: tuple[re.Pattern[bytes], ...]  # a formula followed by no saved result (each with a literal start)


@cache
def _patterns(prefix: bytes) -> _Patterns:
    p = re.escape(prefix)
    value = rb"(?:<" + p + rb"v\s*/>|<" + p + rb"v\s*>([^<]*)</" + p + rb"v\s*>)?\s*(</" + p + rb"c\s*>)"
    return _Patterns(
        b"<" + prefix + b"c",
        re.compile(rb"<" + p + rb"c(\s[^>]*?)?(?<!/)>\s*"),
        re.compile(rb"<" + p + rb"f(?=[\s>/])(?:([^>]*?)(?:/>|>([^<]*)</" + p + rb"f\s*>)\s*" + value + rb")?"),
        re.compile(rb"<" + p + rb'c(\s[^>]*?\st="e"[^>]*?)(?<!/)>\s*' + value),
        (
            re.compile(rb"</" + p + rb"f>\s*(?:</" + p + rb"c>|<" + p + rb"v\s*/>|<" + p + rb"v></" + p + rb"v>)"),
            re.compile(rb"<" + p + rb"f\b[^>]*/>\s*(?:</" + p + rb"c>|<" + p + rb"v\s*/>)"),
        ),
    )


def has_uncached(xml: bytes) -> bool:
    """Whether a sheet part has a formula without a saved result or an error value (a cheap first look: a formula
    with a saved result, as Excel, WPS and LibreOffice save them, is read by python-calamine like any value)."""
    data = _SHEET_DATA.search(xml)
    if data is None:
        return False
    pattern = _patterns(data[1] or b"")
    return xml.find(b' t="e"', data.end()) != -1 or any(p.search(xml, data.end()) for p in pattern.no_result)


def _cells(xml: bytes) -> list[tuple[tuple[int, int], type, bytes]] | None:
    """(position, Uncached or ExcelError, raw text) of the formula cells without a result and the error cells of one
    sheet part; None when a formula or an error value is in a cell of another shape. One search finds every formula
    and what follows it; only its cell's start tag is looked up in Python (a step per marker costs more than
    reading the sheet)."""
    data = _SHEET_DATA.search(xml)
    if data is None:
        return []
    declared = _ENCODING.match(xml)
    if declared and declared[1].lower() not in (b"utf-8", b"utf8"):
        return None  # the texts are decoded as UTF-8
    pattern = _patterns(data[1] or b"")
    found = []
    errors = 0
    for m in pattern.formula.finditer(xml, data.end()):
        formula_attrs, text, value, end = m.groups()
        cell = pattern.cell.fullmatch(xml, xml.rfind(pattern.cell_start, 0, m.start()), m.start())
        pos = _position(cell[1]) if cell and end else None
        if pos is None or (not text and not value and b'"shared"' in formula_attrs):
            return None  # another shape, no address, or a shared formula's follower (its text is the first cell's)
        if b' t="e"' in (cell[1] or b""):
            found.append((pos, ExcelError, value or b""))
            errors += 1
        elif not value and not _TEXT_RESULT.search(cell[1] or b""):
            found.append((pos, Uncached, b"=" + (text or b"")))
    if xml.find(b' t="e"', data.end()) != -1:
        for attrs, value, _end in pattern.error_cell.findall(xml, data.end()):
            pos = _position(attrs)
            if pos is None:
                return None
            found.append((pos, ExcelError, value))
            errors += 1
        if errors != xml.count(b' t="e"', data.end()):
            return None  # an error value in a cell of another shape
    return found


@lru_cache(maxsize=4096)  # a cell's start tag: workbooks of one template repeat them
def _position(attrs: bytes | None) -> tuple[int, int] | None:
    m = _REF.search(attrs or b"")
    if not m:
        return None
    col = 0
    for letter in m[1]:
        col = col * 26 + letter - 64
    return int(m[2]), col


def _texts(raws: list[bytes]) -> list[str]:
    """`_unescaped` texts, each parsed once while the texts of recent workbooks are remembered: workbooks made from
    one template repeat their formulas (a few hundred texts of at most 16 KiB: at most a few MiB)."""
    new = [raw for raw in dict.fromkeys(raws) if raw not in _DECODED]
    decoded = dict(zip(new, _unescaped(new)))
    out = [decoded[raw] if raw in decoded else _DECODED[raw] for raw in raws]
    if len(_DECODED) + len(decoded) > _DECODED_ENTRIES:
        _DECODED.clear()
    _DECODED.update((raw, text) for raw, text in decoded.items() if len(raw) <= _DECODED_BYTES)
    return out


_DECODED: dict[bytes, str] = {}
_DECODED_ENTRIES, _DECODED_BYTES = 256, 16 * 1024


def _unescaped(raws: list[bytes]) -> list[str]:
    """The raw texts (no "<" in them: matched up to the next tag) with XML's entities and character references
    resolved, in one parse: a Python call per reference costs more than reading the sheet (a generated workbook's
    formulas spell every Chinese character as a reference). The part passed the inspection's DOCTYPE check, and
    these texts cannot declare one, so the standard parser is safe here; with buffered text it calls back once
    per text, and once per element starting one."""
    if not any(b"&" in raw for raw in raws):
        return [raw.decode("utf-8") for raw in raws]
    pieces: list[str | None] = []
    parser = expat.ParserCreate("utf-8")
    parser.buffer_text = True
    parser.buffer_size = max(parser.buffer_size, sum(map(len, raws)) + 1)
    parser.CharacterDataHandler = pieces.append
    parser.StartElementHandler = lambda _name, _attrs: pieces.append(None)
    parser.Parse(b"<t>" + b"<s/>".join(raws) + b"</t>", True)  # each text starts with an element
    texts: list[str] = []
    for piece in pieces:
        if piece is None:
            texts.append("")
        else:
            texts[-1] += piece
    return texts


def formula_parts(parts: Mapping[str, bytes]) -> dict[str, bytes]:
    """By sheet name, the parts of the sheets that hold formulas (one search of each sheet's bytes)."""
    try:
        sheets = sheet_targets(parts)
    except (ParseError, KeyError):
        return {}
    found = ((name, parts.get(part) if part else None) for name, part in sheets)
    return {name: xml for name, xml in found if xml is not None and (b"</f>" in xml or b":f>" in xml)}


@lru_cache(maxsize=16)  # a report's findings ask for the formulas of a few cells of the same sheets
def calculated_formulas(xml: bytes) -> dict[tuple[int, int], str]:
    """The formulas ("=SUM(D7:H7)") of a sheet part's cells whose saved result is read as their value, so that a
    finding about such a cell can say it is a formula; a cell of a shared formula (a total filled down a column)
    gets the first cell's formula with its relative references moved, as Excel shows it."""
    data = _SHEET_DATA.search(xml)
    if data is None:
        return {}
    pattern = _patterns(data[1] or b"")
    own: list[tuple[tuple[int, int], bytes]] = []
    masters: dict[bytes, int] = {}  # a shared formula's index → its first cell's place in `own`
    followers: list[tuple[tuple[int, int], bytes]] = []
    for m in pattern.formula.finditer(xml, data.end()):
        attrs, text, value, end = m.groups()
        cell = pattern.cell.fullmatch(xml, xml.rfind(pattern.cell_start, 0, m.start()), m.start())
        saved = value or (cell and _TEXT_RESULT.search(cell[1] or b""))
        pos = _position(cell[1]) if cell and end and saved else None  # no saved result: TY09, told apart
        shared = _SHARED_INDEX.search(attrs) if attrs and b"shared" in attrs else None
        if pos is None:
            continue
        if text:
            if shared:
                masters[shared[1]] = len(own)
            own.append((pos, text))
        elif shared:
            followers.append((pos, shared[1]))
    texts = dict(zip((pos for pos, _ in own), ("=" + t for t in _texts([raw for _, raw in own]))))
    for pos, index in followers:
        if index in masters:
            (row, col), _ = first = own[masters[index]]
            texts[pos] = shifted(texts[first[0]], pos[0] - row, pos[1] - col)
    return texts


_SHARED_INDEX = re.compile(rb"""\bsi\s*=\s*["']([0-9]+)""")  # which shared formula a cell's <f t="shared"> is
# A reference in a formula (A1, $D$5, the ends of D5:I5, 表三!D5), or a quoted text, which holds none.
_REFERENCE = re.compile(r'("[^"]*")|(?<![A-Za-z0-9_.$])(\$?)([A-Z]{1,3})(\$?)([0-9]{1,7})(?![A-Za-z0-9_(.])')


def shifted(formula: str, rows: int, cols: int) -> str:
    """`formula` as copied `rows` down and `cols` right: relative references move, $-anchored parts stay (whole
    rows or columns, such as D:D, are left as they are)."""

    def move(m: re.Match[str]) -> str:
        if m[1]:
            return m[1]
        col = m[3] if m[2] else column_letter(column_number(m[3]) + cols)
        row = m[5] if m[4] else str(int(m[5]) + rows)
        return f"{m[2]}{col}{m[4]}{row}"

    return _REFERENCE.sub(move, formula)


_QUOTED_TEXT = re.compile(r'"[^"]*"')


def refers_to(formula: str, sheet: str) -> bool:
    """Whether `formula` refers to a cell of the sheet named `sheet` (数据源!B1, '表三 (2)'!D5; names compared as Excel
    does, ignoring case), text in quotes aside."""
    text = _QUOTED_TEXT.sub("", formula).casefold()
    name = sheet.casefold()
    quoted = "'" + name.replace("'", "''") + "'!"
    return quoted in text or re.search(rf"(?<![\w.'\]]){re.escape(name)}!", text) is not None


_SUM = re.compile(r"SUM\(([^()!\"]*)\)")  # one SUM over references of its own sheet
_SUMMED = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]{1,7})(?::\$?([A-Z]{1,3})\$?([0-9]{1,7}))?")


def summed_cells(formula: str) -> tuple[tuple[int, int], ...] | None:
    """The cells (row, column) a formula that is one SUM over cells and ranges of its own sheet adds up
    ("=SUM(D5:I5)", "=SUM(D5,F5:G5)"), each once as SUM counts it; None for any other formula."""
    body = formula.upper().replace(" ", "")
    m = _SUM.fullmatch(body, 1) if body.startswith("=") else None
    cells = _arguments(m[1]) if m else None
    return None if cells is None else tuple(cells)


def added_cells(formula: str) -> tuple[tuple[int, int], ...] | None:
    """The cells (row, column) a formula that only adds up cells of its own sheet adds, each as often as it counts:
    SUMs and single cells joined by + ("=SUM(D5:I5)", "=D5+E5+F5+G5+H5+I5", "=+D5+SUM(E5:I5)", as clerks write a
    total by hand); None for any other formula."""
    body = formula.upper().replace(" ", "")
    if not body.startswith("="):
        return None
    cells: list[tuple[int, int]] = []
    for term in body[1:].removeprefix("+").split("+"):
        m = _SUM.fullmatch(term)
        single = not m and ":" not in term and "," not in term  # a range outside SUM is no sum in Excel
        found = _arguments(m[1]) if m else _arguments(term) if single else None
        if found is None:
            return None
        cells += found
    return tuple(cells)


def _arguments(arguments: str) -> list[tuple[int, int]] | None:
    """The cells of SUM's arguments (cells and ranges, separated by commas), each as often as SUM counts it."""
    cells: list[tuple[int, int]] = []
    for arg in arguments.split(","):
        ref = _SUMMED.fullmatch(arg)
        if ref is None:
            return None
        first = int(ref[2]), column_number(ref[1])
        last = (int(ref[4]), column_number(ref[3])) if ref[3] else first
        rows = range(min(first[0], last[0]), max(first[0], last[0]) + 1)
        cols = range(min(first[1], last[1]), max(first[1], last[1]) + 1)
        if len(rows) * len(cols) > 10000:  # a whole column: not a total of the report's cells
            return None
        cells += [(r, c) for r in rows for c in cols]
    return cells
