"""The cells python-calamine reads as blanks — formulas with no saved result and error values — found in the sheet XML.

A workbook written by a program rather than saved by Excel/WPS (openpyxl, report generators, our own blank template
before Excel recalculates it) has formulas without results. Reading those cells from the sheet parts costs a few
searches over the bytes; openpyxl's two streaming passes over the whole workbook cost about fifty times more. What
these searches do not cover with certainty (a cell without its address, a shared formula whose text sits in
another cell, a sheet whose part cannot be resolved) returns None, and the caller reads the workbook exactly instead.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from xml.etree.ElementTree import fromstring

from defusedxml.common import DefusedXmlException
from defusedxml.ElementTree import ParseError

from validator.sources.grid import Cells, ExcelError, Uncached
from validator.sources.relationships import sheet_targets

_SHEET_DATA = re.compile(rb"<([\w.-]+:)?sheetData\b")  # its namespace prefix, as some generators write x:c
_REF = re.compile(rb'\sr="([A-Z]{1,3})([0-9]{1,7})"')
_ERROR_TYPE = re.compile(rb'\st="e"')


def uncached_cells(zf: zipfile.ZipFile, parts: Mapping[str, bytes]) -> dict[str, Cells] | None:
    """By sheet name, the formula cells without a saved result (as Uncached) and error cells (as ExcelError) of the
    given worksheet parts (name → XML, as validator.sources.package read them); None when they cannot all be read
    with certainty."""
    try:
        sheets = sheet_targets(zf, set(zf.namelist()))
    except (ParseError, DefusedXmlException, KeyError):  # a broken workbook part: the exact reader says what is wrong
        return None
    if not parts.keys() <= {part for _, part in sheets}:
        return None
    out: dict[str, Cells] = {}
    for name, part in sheets:
        if part in parts:
            cells = _cells(parts[part])
            if cells is None:
                return None
            out[name] = cells
    return out


@dataclass(frozen=True)
class _Patterns:
    """The elements of a cell, with the sheet's namespace prefix."""

    cell: re.Pattern[bytes]  # the start tag of a <c> element (its attributes)
    cell_end: bytes  # its end tag
    formula: re.Pattern[bytes]  # attributes and text of its <f>
    value: re.Pattern[bytes]  # text of its <v>
    markers: tuple[bytes, ...]  # what only cells with a formula or an error value contain
    no_result: tuple[re.Pattern[bytes], ...]  # a formula followed by no saved result (each with a literal start)


@cache
def _patterns(prefix: bytes) -> _Patterns:
    p = re.escape(prefix)
    return _Patterns(
        re.compile(rb"<" + p + rb"c(\s[^>]*?)?(?<!/)>"),
        b"</" + prefix + b"c>",
        re.compile(rb"<" + p + rb"f\b([^>]*?)(?:/>|>([^<]*)</" + p + rb"f>)"),
        re.compile(rb"<" + p + rb"v>([^<]*)</" + p + rb"v>"),
        (b"<" + prefix + b"f>", b"<" + prefix + b"f ", b"<" + prefix + b"f/", b' t="e"'),
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


def _cells(xml: bytes) -> Cells | None:
    """Formula cells without a result and error cells of one sheet part. Only the cells holding a marker are parsed:
    a pattern tried at every element costs more than the rest of reading the sheet."""
    data = _SHEET_DATA.search(xml)
    if data is None:
        return {}
    prefix = data[1] or b""
    pattern = _patterns(prefix)
    found: list[tuple[tuple[int, int], type, bytes]] = []
    seen: set[int] = set()
    for at in _positions(xml, pattern.markers, data.end()):
        start = xml.rfind(b"<" + prefix + b"c", 0, at)
        if start in seen:
            continue
        seen.add(start)
        cell = pattern.cell.match(xml, start)
        end = xml.find(pattern.cell_end, cell.end()) if cell else -1
        if end < at:
            return None  # not inside a cell as expected
        entry = _entry(cell[1] or b"", xml[cell.end() : end], pattern)
        if entry is None:
            return None
        if entry[1] is not None:
            found.append((entry[0], *entry[1]))
    texts = _texts([raw for _, _, raw in found])
    return {pos: kind(text) for (pos, kind, _), text in zip(found, texts)}


def _positions(xml: bytes, markers: tuple[bytes, ...], start: int) -> list[int]:
    found = []
    for marker in markers:
        at = xml.find(marker, start)
        while at != -1:
            found.append(at)
            at = xml.find(marker, at + 1)
    return sorted(found)


def _entry(attrs: bytes, content: bytes, pattern: _Patterns) -> tuple[tuple[int, int], tuple | None] | None:
    """(position, (ExcelError or Uncached, its raw text) or None when calamine reads it right); None when not
    certain."""
    pos = _position(attrs)
    formula = pattern.formula.search(content)
    value = pattern.value.search(content)
    text = value[1] if value else b""
    if pos is None or (formula and not formula[2] and b'"shared"' in formula[1] and not text):
        return None  # no address, or a shared formula's follower: its text is the first cell's, translated
    if _ERROR_TYPE.search(attrs):
        return pos, (ExcelError, text)
    if formula and not text:
        return pos, (Uncached, b"=" + (formula[2] or b""))
    return pos, None


def _position(attrs: bytes) -> tuple[int, int] | None:
    m = _REF.search(attrs)
    if not m:
        return None
    col = 0
    for letter in m[1]:
        col = col * 26 + letter - 64
    return int(m[2]), col


def _texts(raws: list[bytes]) -> list[str]:
    """The raw texts (no "<" in them: matched up to the next tag) with XML's entities and character references
    resolved, in one parse: a Python call per reference costs more than reading the sheet (a generated workbook's
    formulas spell every Chinese character as a reference). The part passed the inspection's DOCTYPE check, and
    these texts cannot declare one, so the standard parser is safe here."""
    if not any(b"&" in raw for raw in raws):
        return [raw.decode("utf-8") for raw in raws]
    return [el.text or "" for el in fromstring(b"<t><v>" + b"</v><v>".join(raws) + b"</v></t>")]
