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
_ERROR_TYPE = re.compile(rb' t="e"')  # as an error cell's type is written (a search: a quarter cheaper than find)


def formulas_read(
    parts: Mapping[str, bytes], flagged: Collection[str]
) -> tuple[dict[str, Cells], dict[str, bytes]] | None:
    """By sheet name, the formula cells without a saved result (as Uncached) and error cells (as ExcelError) of the
    `flagged` worksheet parts, among a package's XML parts (name → bytes, as validator.sources.package read them),
    and the parts of the sheets holding formulas that `calculated_formulas` may find (those of
    `formula_parts` less the flagged parts none of whose formulas has a saved result: a program-written workbook's,
    searched again for nothing when a finding asks for a cell's formula); None when the cells cannot all be read
    with certainty."""
    try:
        sheets = sheet_targets(parts)
    except (ParseError, KeyError):  # a broken workbook part: the exact reader says what is wrong
        return None
    if not set(flagged) <= {part for _, part in sheets}:
        return None
    found = {}
    uncalculated = set()
    for name, part in sheets:
        if part in flagged:
            read = _cells(parts[part])
            if read is None:
                return None
            found[name], calculated = read
            if not calculated:
                uncalculated.add(name)
    return found, _formula_parts(parts, sheets, uncalculated)


def sheet_data(xml: bytes) -> re.Match[bytes] | None:
    """`_SHEET_DATA`'s first match (a worksheet's cells; None in other parts): searched from the tag holding the
    first "sheetData" (a match cannot start before it: no "<" stands between a tag's start and its name), as the
    search from the start would find it after trying every tag before."""
    first = xml.find(b"sheetData")
    return None if first == -1 else _SHEET_DATA.search(xml, xml.rfind(b"<", 0, first))


@dataclass(frozen=True)
class _Patterns:
    """The elements of a cell, with the sheet's namespace prefix."""

    cell_start: bytes  # how a cell's start tag begins
    cell: re.Pattern[bytes]  # a cell's start tag and the white space after it: its attributes
    formula: re.Pattern[bytes]  # every formula element; when it is followed by at most a value and the cell's end:
    # its attributes, its text, the value, the end
    formula_start: re.Pattern[bytes]  # the start of every formula element
    formula_tag: bytes  # how it begins (and other elements' names beginning with "f")
    # A formula element with the start tag of its cell before it (nothing but white space between), attributes
    # free of "<" and ">"; without groups (a tuple per match costs more than the search), and with them: the
    # cell's attributes, then as `formula`
    formula_cell: re.Pattern[bytes]
    formula_cell_parts: re.Pattern[bytes]
    error_cell: re.Pattern[bytes]  # a cell with t="e" and no formula: attributes, value
    no_result: tuple[re.Pattern[bytes], ...]  # a formula followed by no saved result (each with a literal start)


@cache
def _patterns(prefix: bytes) -> _Patterns:
    p = re.escape(prefix)
    cell = rb"<" + p + rb"c(\s[^<>]*+)?+(?<!/)>\s*+"  # possessive: it is tried at every cell
    return _Patterns(
        b"<" + prefix + b"c",
        re.compile(rb"<" + p + rb"c(\s[^>]*?)?(?<!/)>\s*"),
        re.compile(_formula_pattern(p, b"(")),
        re.compile(rb"<" + p + rb"f(?=[\s>/])"),
        b"<" + prefix + b"f",
        re.compile(cell.replace(b"(", b"(?:", 1) + _formula_pattern(p, b"(?:")),
        re.compile(cell + _formula_pattern(p, b"(")),
        re.compile(rb"<" + p + rb'c(\s[^>]*?\st="e"[^>]*?)(?<!/)>\s*' + _value_pattern(p, b"(")),
        (
            re.compile(rb"</" + p + rb"f>\s*(?:</" + p + rb"c>|<" + p + rb"v\s*/>|<" + p + rb"v></" + p + rb"v>)"),
            re.compile(rb"<" + p + rb"f\b[^>]*/>\s*(?:</" + p + rb"c>|<" + p + rb"v\s*/>)"),
        ),
    )


def _formula_pattern(p: bytes, group: bytes) -> bytes:
    """A formula element and, when they follow, at most a value and its cell's end (with the escaped namespace
    prefix `p`; `group` opens each group: "(" to capture, "(?:" not to)."""
    return (
        (rb"<" + p + rb"f(?=[\s>/])(?:" + group + rb"[^>]*?)(?:/>|>" + group + rb"[^<]*)</" + p + rb"f\s*>)\s*")
        + _value_pattern(p, group)
        + rb")?"
    )


def _value_pattern(p: bytes, group: bytes) -> bytes:
    """At most a value, then the cell's end (as `_formula_pattern`)."""
    v, end = b"<" + p + b"v", b"</" + p + b"c"
    return rb"(?:" + v + rb"\s*/>|" + v + rb"\s*>" + group + rb"[^<]*)</" + p + rb"v\s*>)?\s*" + group + end + rb"\s*>)"


def has_uncached(xml: bytes, data: re.Match[bytes] | None = None) -> bool:
    """Whether a sheet part has a formula without a saved result or an error value (a cheap first look: a formula
    with a saved result, as Excel, WPS and LibreOffice save them, is read by python-calamine like any value);
    `data`: its `sheet_data`, when known."""
    data = data or sheet_data(xml)
    if data is None:
        return False
    pattern = _patterns(data[1] or b"")  # formulas first: that search stops at the first, the other reads on
    return any(p.search(xml, data.end()) for p in pattern.no_result) or _ERROR_TYPE.search(xml, data.end()) is not None


def _cells(xml: bytes) -> tuple[Cells, bool] | None:
    """The formula cells without a result (Uncached) and the error cells (ExcelError) of one sheet part, and whether
    a formula of it has a saved result; None when a formula or an error value is in a cell of another shape.

    One search finds every formula with its cell's start tag, and what follows it; when that is every formula
    element of the sheet, each such cell is looked up among those of recent workbooks (made from one template, they
    repeat them byte for byte), and only the others are read in Python. Otherwise each formula's cell is looked up
    on its own. (A step per marker costs more than reading the sheet.)"""
    data = sheet_data(xml)
    if data is None:
        return {}, False
    declared = _ENCODING.match(xml)
    if declared and declared[1].lower() not in (b"utf-8", b"utf8"):
        return None  # the texts are decoded as UTF-8
    pattern = _patterns(data[1] or b"")
    found = pattern.formula_cell.findall(xml, data.end())
    if len(found) == _formula_count(xml, data.end(), len(found), pattern):
        formulas = _remembered(found, pattern.formula_cell_parts)
    else:  # a formula not right after its cell's start tag (or one with "<" or ">" in its attributes)
        formulas = _one_by_one(xml, data.end(), pattern)
    if formulas is None:
        return None
    cells = {pos: value for pos, value, _ in formulas if value is not None}
    calculated = any(saved for _, _, saved in formulas)
    if _ERROR_TYPE.search(xml, data.end()):
        errors = sum(type(value) is ExcelError for _, value, _ in formulas)
        found_errors = []
        for attrs, value, _end in pattern.error_cell.findall(xml, data.end()):
            pos = _position(attrs)
            if pos is None:
                return None
            found_errors.append((pos, value))
        if errors + len(found_errors) != xml.count(b' t="e"', data.end()):
            return None  # an error value in a cell of another shape
        cells.update(zip((pos for pos, _ in found_errors), map(ExcelError, _texts([v for _, v in found_errors]))))
    return cells, calculated


def _formula_count(xml: bytes, start: int, found: int, pattern: _Patterns) -> int:
    """The number of formula elements after `start` (`formula_start`'s matches), or `found` when it is that: every
    "<f" up to the last "sheetData" (the cells' end) counted in C, an upper bound, then the elements after it."""
    end = max(xml.rfind(b"sheetData"), start)
    after = len(pattern.formula_start.findall(xml, end))
    if xml.count(pattern.formula_tag, start, end) + after == found:
        return found  # at least `found` (each formula cell has one), at most the bound
    return len(pattern.formula_start.findall(xml, start))


_Formula = tuple[tuple[int, int], str | None, bool]  # a formula's cell: position, value read for it, saved result
_Read = tuple[tuple[int, int], type | None, bytes, bool]  # a formula's cell as read: its kind and raw text instead


def _remembered(cells: list[bytes], parts: re.Pattern[bytes]) -> list[_Formula] | None:
    """The formula cells (the bytes `formula_cell` found; `parts`: its pattern with groups) as `_formula` reads
    them, those of recent workbooks remembered (cells without a saved value: those repeat)."""
    formulas = list(map(_FORMULA_CELLS.get, cells))
    missing = [i for i, formula in enumerate(formulas) if formula is None]
    if not missing:
        return formulas  # type: ignore[return-value]
    groups = [parts.fullmatch(cells[i]) for i in missing]  # none when the formula is not followed as `formula` says
    read = [_formula(m[1] or b"", *m.groups()[1:]) if m else None for m in groups]
    if None in read:
        return None
    for i, formula, m in zip(missing, _values(read), groups):  # type: ignore[arg-type]
        formulas[i] = formula
        if not m[4] and len(cells[i]) <= _DECODED_BYTES:  # type: ignore[index]  # no saved value
            _FORMULA_CELLS.add(cells[i], formula)
    return formulas  # type: ignore[return-value]


class _Remembered:
    """Values by bytes, all forgotten at once when their keys would exceed `budget` bytes."""

    def __init__(self, budget: int) -> None:
        self.items: dict[bytes, _Formula] = {}
        self.get = self.items.get
        self.budget, self.size = budget, 0

    def add(self, key: bytes, value: _Formula) -> None:
        if self.size + len(key) > self.budget:
            self.items.clear()
            self.size = 0
        self.items[key] = value
        self.size += len(key)


_FORMULA_CELLS = _Remembered(4 << 20)  # a template's formula cells take tens of KiB


def _one_by_one(xml: bytes, start: int, pattern: _Patterns) -> list[_Formula] | None:
    """The formula cells after `start`, as `_formula` reads them, each formula's cell start tag looked up alone."""
    read = []
    for m in pattern.formula.finditer(xml, start):
        cell = pattern.cell.fullmatch(xml, xml.rfind(pattern.cell_start, 0, m.start()), m.start())
        formula = _formula(cell[1] or b"", *m.groups()) if cell else None
        if formula is None:
            return None
        read.append(formula)
    return _values(read)


def _formula(
    attrs: bytes, formula_attrs: bytes | None, text: bytes | None, value: bytes | None, end: bytes | None
) -> _Read | None:
    """A formula's cell from its attributes and `formula`'s groups: its position; Uncached and the formula's text
    when it has no saved result, ExcelError and the value when it holds an error value, else None (python-calamine
    reads the value); and whether its result is saved. None when it has another shape, no address, or is a shared
    formula's follower without a result (its text is the first cell's)."""
    pos = _position(attrs) if end else None
    if pos is None or (not text and not value and b'"shared"' in (formula_attrs or b"")):
        return None
    saved = bool(value) or _TEXT_RESULT.search(attrs) is not None
    if b' t="e"' in attrs:
        return pos, ExcelError, value or b"", saved
    if not saved:
        return pos, Uncached, b"=" + (text or b""), saved
    return pos, None, b"", saved


def _values(read: list[_Read]) -> list[_Formula]:
    """Formula cells as read, with their texts unescaped."""
    texts = iter(_texts([raw for _, kind, raw, _ in read if kind is not None]))
    return [(pos, kind(next(texts)) if kind else None, saved) for pos, kind, _, saved in read]


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
    return _formula_parts(parts, sheets, ())


def _formula_parts(
    parts: Mapping[str, bytes], sheets: list[tuple[str, str | None]], without: Collection[str]
) -> dict[str, bytes]:
    found = ((name, parts.get(part) if part else None) for name, part in sheets if name not in without)
    return {name: xml for name, xml in found if xml is not None and _FORMULA_END.search(xml)}


_FORMULA_END = re.compile(rb"f>(?:(?<=</f>)|(?<=:f>))")  # "</f>" or ":f>": one search for "f>", 4× cheaper than two


@lru_cache(maxsize=16)  # a report's findings ask for the formulas of a few cells of the same sheets
def calculated_formulas(xml: bytes) -> dict[tuple[int, int], str]:
    """The formulas ("=SUM(D7:H7)") of a sheet part's cells whose saved result is read as their value, so that a
    finding about such a cell can say it is a formula; a cell of a shared formula (a total filled down a column)
    gets the first cell's formula with its relative references moved, as Excel shows it."""
    data = sheet_data(xml)
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
