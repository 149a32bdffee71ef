"""The cells python-calamine reads as blanks — formulas with no saved result and error values — found in the sheet XML.

A workbook written by a program rather than saved by Excel/WPS (openpyxl, report generators, our own blank template
before Excel recalculates it) has formulas without results. Reading those cells from the sheet parts costs a regular
expression over the bytes; openpyxl's two streaming passes over the whole workbook cost about fifty times more. What
these expressions do not cover with certainty (a cell without its address, a shared formula whose text sits in
another cell, a sheet whose part cannot be resolved) returns None, and the caller reads the workbook exactly instead.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from xml.parsers import expat

from validator.sources.grid import Cells, ExcelError, Uncached

_NS = rb"(?:[\w.-]+:)?"  # any namespace prefix, as some generators write x:c, x:f, x:v
# A cell with a formula: its attributes, the formula's attributes and text, and its saved value if any.
_FORMULA_CELL = re.compile(
    rb"<" + _NS + rb"c(\s[^>]*?)?(?<!/)>\s*<" + _NS + rb"f\b([^>]*?)(?:/>|>([^<]*)</" + _NS + rb"f>)"
    rb"\s*(?:<" + _NS + rb"v\s*/>|<" + _NS + rb"v>([^<]*)</" + _NS + rb"v>)?"
)
# A cell of type error without a formula (those are covered above): its attributes and value.
_ERROR_CELL = re.compile(rb"<" + _NS + rb"c(\s[^>]*?\st=\"e\"[^>]*?)(?<!/)>\s*<" + _NS + rb"v>([^<]*)</" + _NS + rb"v>")
_REF = re.compile(rb'\sr="([A-Z]{1,3})([0-9]{1,7})"')
_ERROR_TYPE = re.compile(rb'\st="e"')
_OFFICE_DOCUMENT = "/officeDocument"  # the relationship type's ending, in either OOXML namespace


def uncached_cells(zf: zipfile.ZipFile, parts: set[str]) -> dict[str, Cells] | None:
    """By sheet name, the formula cells without a saved result (as Uncached) and error cells (as ExcelError) of the
    given worksheet parts; None when they cannot all be read with certainty."""
    names = _sheet_parts(zf)
    if names is None or not parts <= set(names.values()):
        return None
    out: dict[str, Cells] = {}
    for name, part in names.items():
        if part in parts:
            cells = _cells(zf.read(part))
            if cells is None:
                return None
            out[name] = cells
    return out


def _cells(xml: bytes) -> Cells | None:
    cells: Cells = {}
    for attrs, f_attrs, formula, value in _FORMULA_CELL.findall(xml):
        pos = _position(attrs)
        if pos is None or (not formula and b'"shared"' in f_attrs):
            return None  # no address, or a shared formula's follower: its text is the first cell's, translated
        if _ERROR_TYPE.search(attrs):
            cells[pos] = ExcelError(_text(value))
        elif not value:
            cells[pos] = Uncached("=" + _text(formula))
    for attrs, value in _ERROR_CELL.findall(xml):
        pos = _position(attrs)
        if pos is None:
            return None
        cells[pos] = ExcelError(_text(value))
    return cells


def _position(attrs: bytes) -> tuple[int, int] | None:
    m = _REF.search(attrs)
    if not m:
        return None
    col = 0
    for letter in m[1]:
        col = col * 26 + letter - 64
    return int(m[2]), col


def _text(raw: bytes) -> str:
    return html.unescape(raw.decode("utf-8"))  # XML's five entities and character references


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str] | None:
    """Sheet name → worksheet part, from the workbook part and its relationships."""
    book = next((t for t in _targets(zf, "_rels/.rels").values() if t[1].endswith(_OFFICE_DOCUMENT)), None)
    if book is None:
        return None
    book_part = book[0]
    rels = _targets(zf, posixpath.join(posixpath.dirname(book_part), "_rels", posixpath.basename(book_part) + ".rels"))
    sheets = _elements(zf, book_part, "sheet")
    if sheets is None:
        return None
    out = {}
    for attrs in sheets:
        target = rels.get(next((v for k, v in attrs.items() if k.rsplit(":", 1)[-1] == "id"), ""))
        if "name" not in attrs or target is None:
            return None
        out[attrs["name"]] = target[0]
    return out


def _targets(zf: zipfile.ZipFile, rels_part: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (part it points to, relationship type), for the relationships part given."""
    base = posixpath.dirname(posixpath.dirname(rels_part))
    out = {}
    for attrs in _elements(zf, rels_part, "Relationship") or ():
        target = attrs.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
        out[attrs.get("Id", "")] = (part, attrs.get("Type", ""))
    return out


def _elements(zf: zipfile.ZipFile, part: str, tag: str) -> list[dict[str, str]] | None:
    """The attributes of every element `tag` (any prefix) in a small part; None when the part is missing."""
    try:
        xml = zf.read(part)
    except KeyError:
        return None
    found: list[dict[str, str]] = []
    parser = expat.ParserCreate()
    parser.StartElementHandler = lambda name, attrs: found.append(attrs) if name.rsplit(":", 1)[-1] == tag else None
    parser.Parse(xml, True)  # already checked to be well-formed (validator.sources.package)
    return found
