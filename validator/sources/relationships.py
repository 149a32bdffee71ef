"""Finding parts in a workbook package by its relationships: the workbook part, its sheets, what a part refers to.

Only for a package that passed validator.sources.package's inspection: its parts have no DOCTYPE, so nothing in them
declares an entity, and the standard parser (twice as fast as defusedxml's wrapping of it) is safe.
"""

from __future__ import annotations

import posixpath
import zipfile
from functools import lru_cache
from xml.etree.ElementTree import fromstring

_OFFICE_DOCUMENT = "/officeDocument"  # the relationship type's ending, in either OOXML namespace


def relationships(zf: zipfile.ZipFile, names: set[str], part: str) -> list[tuple[str, str, str]]:
    """(id, type, part it points to) of the internal relationships of `part` ("" for the package's own); `names`
    are the package's part names.

    Raises ElementTree's ParseError for a relationships part that is not well-formed XML.
    """
    folder, base = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{base}.rels")
    if rels not in names:
        return []
    return list(_relationships(folder, zf.read(rels)))


@lru_cache(maxsize=64)
def _relationships(folder: str, xml: bytes) -> tuple[tuple[str, str, str], ...]:
    """Parsed once per distinct part: workbooks made from one template share most of them."""
    out = []
    for rel in fromstring(xml):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External" or not target:
            continue
        out.append((rel.get("Id", ""), rel.get("Type", ""), resolve(folder, target)))
    return tuple(out)


def resolve(folder: str, target: str) -> str:
    """The part a relationship's target names: absolute ("/xl/…") or relative to the folder of its source part."""
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))


def workbook_part(zf: zipfile.ZipFile, names: set[str]) -> str:
    """The workbook part the package declares (xl/workbook.xml when it declares none)."""
    declared = (t for _, kind, t in relationships(zf, names, "") if kind.endswith(_OFFICE_DOCUMENT))
    return next(declared, "xl/workbook.xml")


def sheet_targets(zf: zipfile.ZipFile, names: set[str]) -> list[tuple[str, str | None]]:
    """(sheet name, its part or None when no relationship resolves it), in the workbook's order."""
    book = workbook_part(zf, names)
    targets = {rid: t for rid, _, t in relationships(zf, names, book)}
    return [(name, targets.get(rid)) for name, rid in _sheets(zf.read(book))]


@lru_cache(maxsize=64)
def _sheets(xml: bytes) -> tuple[tuple[str, str | None], ...]:
    """(name, relationship id) of the sheets a workbook part lists, parsed once per distinct part."""
    out = []
    for el in fromstring(xml).iter():
        if el.tag.endswith("}sheet") or el.tag == "sheet":
            out.append((el.get("name", ""), next((v for k, v in el.attrib.items() if k.endswith("}id")), None)))
    return tuple(out)
