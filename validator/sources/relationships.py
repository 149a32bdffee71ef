"""Finding parts in a workbook package by its relationships: the workbook part, its sheets, what a part refers to.

Only for a package that passed validator.sources.package's inspection: its parts have no DOCTYPE, so nothing in them
declares an entity, and the standard parser (twice as fast as defusedxml's wrapping of it) is safe.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from functools import lru_cache
from xml.etree.ElementTree import fromstring

_OFFICE_DOCUMENT = "/officeDocument"  # the relationship type's ending, in either OOXML namespace


def relationships(parts: Mapping[str, bytes], part: str) -> list[tuple[str, str, str]]:
    """(id, type, part it points to) of the internal relationships of `part` ("" for the package's own); `parts` are
    the package's XML parts (name → bytes).

    Raises ElementTree's ParseError for a relationships part that is not well-formed XML.
    """
    folder, base = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{base}.rels")
    if rels not in parts:
        return []
    return list(_relationships(folder, parts[rels]))


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


def workbook_part(parts: Mapping[str, bytes]) -> str:
    """The workbook part the package declares (xl/workbook.xml when it declares none)."""
    declared = (t for _, kind, t in relationships(parts, "") if kind.endswith(_OFFICE_DOCUMENT))
    return next(declared, "xl/workbook.xml")


def sheet_targets(parts: Mapping[str, bytes]) -> list[tuple[str, str | None]]:
    """(sheet name, its part or None when no relationship resolves it), in the workbook's order; raises KeyError
    when the workbook part is not among `parts`."""
    book = workbook_part(parts)
    targets = {rid: t for rid, _, t in relationships(parts, book)}
    return [(name, targets.get(rid)) for name, rid in _sheets(parts[book])]


@lru_cache(maxsize=64)
def _sheets(xml: bytes) -> tuple[tuple[str, str | None], ...]:
    """(name, relationship id) of the sheets a workbook part lists, parsed once per distinct part."""
    out = []
    for el in fromstring(xml).iter():
        if el.tag.endswith("}sheet") or el.tag == "sheet":
            out.append((el.get("name", ""), next((v for k, v in el.attrib.items() if k.endswith("}id")), None)))
    return tuple(out)
