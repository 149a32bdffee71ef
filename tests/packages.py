"""Editing the parts of generated workbook packages: copies with members changed, added or dropped."""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path


def repack(
    source: Path,
    target: Path,
    edit: Callable[[str, bytes], bytes] = lambda _name, data: data,
    add: dict[str, bytes] | None = None,
    drop: frozenset[str] = frozenset(),
) -> Path:
    """A copy of the package `source` with members edited, added or dropped."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename not in drop:
                zout.writestr(info.filename, edit(info.filename, zin.read(info)))
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return target


def move_part(
    source: Path, target: Path, part: str, moved: str, change: Callable[[bytes], bytes] = lambda xml: xml
) -> Path:
    """A copy of `source` whose member `part` (under xl/) is stored as `moved` (under xl/) and edited by `change`;
    the workbook's relationships and content types name the new part, which readers follow whatever its name."""
    old, new = part.removeprefix("xl/").encode(), moved.removeprefix("xl/").encode()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == part:
                zout.writestr(moved, change(data))
                continue
            if info.filename in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
                data = data.replace(old, new)
            zout.writestr(info.filename, data)
    return target


def edit_part(part: str, change: Callable[[bytes], bytes]) -> Callable[[str, bytes], bytes]:
    return lambda name, data: change(data) if name == part else data


def add_row(xml: bytes, row: bytes) -> bytes:
    return xml.replace(b"</sheetData>", row + b"</sheetData>", 1)


def with_shared_strings(source: Path, target: Path, declared: int) -> Path:
    """`source` with its inline strings moved to a shared-strings part that declares `declared` strings."""
    strings: list[bytes] = []

    def shared(m: re.Match) -> bytes:
        strings.append(m[2])
        return m[1].replace(b't="inlineStr"', b't="s"') + b"<v>%d</v></c>" % (len(strings) - 1)

    rel = b'<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    override = b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'

    def edit(name: str, data: bytes) -> bytes:
        if name.startswith("xl/worksheets/"):
            return re.sub(rb'(<c [^>]*t="inlineStr"[^>]*>)<is><t[^>]*>(.*?)</t></is></c>', shared, data)
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(b"</Relationships>", rel + b"</Relationships>")
        return data.replace(b"</Types>", override + b"</Types>") if name == "[Content_Types].xml" else data

    repack(source, target, edit)
    items = b"".join(b"<si><t>%s</t></si>" % s for s in strings)
    head = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">'
    with zipfile.ZipFile(target, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/sharedStrings.xml", head % (declared, declared) + items + b"</sst>")
    return target


def png(width: int, height: int) -> bytes:
    """A plain white greyscale PNG of the size given."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = (b"\x00" + b"\xff" * width) * height  # each row: filter type 0, then its pixels
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
