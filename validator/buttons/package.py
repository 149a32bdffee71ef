"""Small edits of an Office package's XML parts as text, so that everything else stays byte for byte."""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from xml.etree import ElementTree

REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
VML_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing"
VBA_TYPE = "application/vnd.ms-office.vbaProject"
VML_TYPE = "application/vnd.openxmlformats-officedocument.vmlDrawing"
ADDIN_BOOK_TYPE = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
# Children of <worksheet> that must come after <legacyDrawing> (ECMA-376 order).
_AFTER_LEGACY_DRAWING = ("<legacyDrawingHF", "<drawingHF", "<picture", "<oleObjects", "<controls", "<webPublishItems",
                         "<tableParts", "<extLst", "</worksheet>")  # fmt: skip


def read_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_parts(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def rels_path(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def add_relationship(parts: dict[str, bytes], part: str, rel_type: str, target: str) -> str:
    """Add a relationship from `part` (creating its .rels part if needed); returns its new id."""
    path = rels_path(part)
    xml = parts.get(path, f'<Relationships xmlns="{PKG_REL_NS}"></Relationships>'.encode()).decode("utf-8")
    used = {int(n) for n in re.findall(r'Id="rId(\d+)"', xml)}
    rid = f"rId{max(used, default=0) + 1}"
    xml = xml.replace(
        "</Relationships>", f'<Relationship Id="{rid}" Type="{rel_type}" Target="{target}"/></Relationships>'
    )
    parts[path] = xml.encode("utf-8")
    return rid


def set_content_types(parts: dict[str, bytes], defaults: dict[str, str], overrides: dict[str, str]) -> None:
    """Declare default content types by extension and replace (or add) the overrides of given parts."""
    xml = parts["[Content_Types].xml"].decode("utf-8")
    for ext, ctype in defaults.items():
        if f'Extension="{ext}"' not in xml:
            xml = xml.replace("</Types>", f'<Default Extension="{ext}" ContentType="{ctype}"/></Types>')
    for part, ctype in overrides.items():
        xml = re.sub(rf'<Override PartName="{re.escape(part)}"[^>]*/>', "", xml)
        xml = xml.replace("</Types>", f'<Override PartName="{part}" ContentType="{ctype}"/></Types>')
    parts["[Content_Types].xml"] = xml.encode("utf-8")


def sheet_parts(parts: dict[str, bytes]) -> dict[str, str]:
    """Sheet name → its part path, from xl/workbook.xml and its relationships."""
    book = ElementTree.fromstring(parts["xl/workbook.xml"])
    rels = ElementTree.fromstring(parts[rels_path("xl/workbook.xml")])
    targets = {r.get("Id"): r.get("Target") for r in rels}
    out = {}
    for sheet in book.iter(f"{{{MAIN_NS}}}sheet"):
        target = targets[sheet.get(f"{{{REL_NS}}}id")]
        out[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
    return out


def add_defined_names(parts: dict[str, bytes], names_xml: str) -> None:
    """Append <definedName> elements to xl/workbook.xml (creating <definedNames> after <sheets> if needed)."""
    xml = parts["xl/workbook.xml"].decode("utf-8")
    if "</definedNames>" in xml:
        xml = xml.replace("</definedNames>", f"{names_xml}</definedNames>")
    else:
        xml = xml.replace("</sheets>", f"</sheets><definedNames>{names_xml}</definedNames>")
    parts["xl/workbook.xml"] = xml.encode("utf-8")


def add_legacy_drawing(sheet_xml: str, rid: str) -> str:
    """Reference a VML drawing from a worksheet, at the place the schema requires."""
    if f'xmlns:r="{REL_NS}"' not in sheet_xml:
        sheet_xml = re.sub(r"<worksheet\b", f'<worksheet xmlns:r="{REL_NS}"', sheet_xml, count=1)
    at = min(i for i in (sheet_xml.find(tag) for tag in _AFTER_LEGACY_DRAWING) if i >= 0)
    return f'{sheet_xml[:at]}<legacyDrawing r:id="{rid}"/>{sheet_xml[at:]}'
