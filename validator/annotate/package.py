"""A workbook package edited in place at zip level: parts read, replaced, added and removed; the rest copied raw."""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from validator.audience import ANNOTATE_RESAVE, ANNOTATE_RESAVE_OR_ASK
from validator.sources.grid import ReadError
from validator.sources.package import LOCAL_HEADER_SIZE, member_data_offset
from validator.sources.relationships import resolve

PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "[Content_Types].xml"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
MACRO_BOOK_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"  # the workbook part of an .xlsm
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_FLAG_DATA_DESCRIPTOR = 0x08
MAX_DEPTH = 256  # libxml2 refuses deeper elements unless huge_tree is set


def parse(data: bytes) -> etree._Element:
    """A part's root element; a part with a DOCTYPE (entity tricks) or that is not XML is refused."""
    try:
        tree = etree.parse(io.BytesIO(data), _PARSER)
    except etree.XMLSyntaxError as exc:
        if "depth" in exc.msg:  # libxml2's own limit: the readers of checking do not recurse and need none
            raise ReadError(
                f"文件中有 XML 嵌套超过 {MAX_DEPTH} 层的部件，疑似恶意构造，无法写入标注。"
                f"{ANNOTATE_RESAVE_OR_ASK.receiver}",
                "corrupt",
            ) from exc
        raise ReadError(
            f"文件中的部件不是有效的 XML（{exc.msg}），无法写入标注。{ANNOTATE_RESAVE.receiver}", "corrupt"
        ) from exc
    if tree.docinfo.doctype:
        raise ReadError(f"文件中含有 DOCTYPE 声明，出于安全原因不写入标注。{ANNOTATE_RESAVE.receiver}", "corrupt")
    return tree.getroot()


def serialise(root: etree._Element) -> bytes:
    """A part's bytes as Excel writes them: a double-quoted standalone declaration, UTF-8."""
    body = etree.tostring(root, encoding="UTF-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n' + body


def local(el: etree._Element) -> str:
    """An element's tag without its namespace."""
    tag = el.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def children(el: etree._Element, name: str) -> list[etree._Element]:
    """Child elements of a local name, in any namespace (transitional or strict) or none; lxml's own filter."""
    return list(el.iterchildren(f"{{*}}{name}"))


def child(el: etree._Element, name: str) -> etree._Element | None:
    return next(el.iterchildren(f"{{*}}{name}"), None)


def rels_name(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{base}.rels")


@dataclass(frozen=True)
class Relationship:
    id: str
    type: str
    target: str  # the part it points to, resolved (no leading slash); "" when external


class Package:
    """The entries of a zip package in order; parts changed or added are held as bytes until `write`."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            self.infos = self.zip.infolist()  # folder entries too (`zip -r` packs them): written back as they are
        except (zipfile.BadZipFile, OSError) as exc:
            raise ReadError("文件不是完整的工作簿（zip 包已损坏），无法写入标注。", "corrupt") from exc
        self._names = {i.filename.casefold(): i.filename for i in self.infos if not i.is_dir()}
        self.changed: dict[str, bytes] = {}
        self.added: dict[str, bytes] = {}
        self.removed: set[str] = set()
        self.stored: set[str] = set()  # parts added uncompressed (their data is compressed already)
        self._trees: dict[str, etree._Element] = {}  # parts this class parsed, as they are now (see _tree)

    @classmethod
    def open(cls, path: Path) -> Package:
        return cls(Path(path).read_bytes())

    # ------------------------------------------------------------ parts

    def name(self, part: str) -> str | None:
        """The entry holding a part (part names ignore case), or None."""
        part = part.lstrip("/")
        if part in self.added:
            return part
        found = self._names.get(part.casefold())
        return None if found is None or found in self.removed else found

    def has(self, part: str) -> bool:
        return self.name(part) is not None

    def read(self, part: str) -> bytes:
        name = self.name(part)
        if name is None:
            raise KeyError(part)
        if name in self.added:
            return self.added[name]
        if name in self.changed:
            return self.changed[name]
        return self.zip.read(name)

    def put(self, part: str, data: bytes, stored: bool = False) -> None:
        """Replace a part's bytes, or add the part at the end (`stored`: an added part uncompressed, for data that is
        compressed already, such as a zip; a part of the package keeps its own method)."""
        name = self.name(part)
        self._trees.pop(name or part.lstrip("/"), None)
        if name is None or name in self.added:
            name = name or part.lstrip("/")
            self.added[name] = data
            (self.stored.add if stored else self.stored.discard)(name)
        else:
            self.changed[name] = data

    def remove(self, part: str) -> None:
        name = self.name(part)
        if name is not None:
            self._trees.pop(name, None)
        if name in self.added:
            del self.added[name]
            self.stored.discard(name)
        elif name is not None:
            self.removed.add(name)
            self.changed.pop(name, None)

    def copy_original(self, part: str, out: zipfile.ZipFile, name: str) -> None:
        """Add a part as the package was opened to another zip as entry `name`, its compressed bytes copied as they
        are (not inflated and deflated again)."""
        _copy_raw(self.zip, self.zip.getinfo(self._names[part.lstrip("/").casefold()]), out, name)

    def info(self, part: str) -> zipfile.ZipInfo | None:
        name = self._names.get(part.lstrip("/").casefold())
        return None if name is None else self.zip.getinfo(name)

    def _tree(self, part: str) -> etree._Element:
        """A relationships or content types part parsed, kept while this class edits it: they are read and changed
        many times for one copy. Callers only read it; `_put_tree` stores a change."""
        name = self.name(part)
        if name is None:
            raise KeyError(part)
        if name not in self._trees:
            self._trees[name] = parse(self.read(name))
        return self._trees[name]

    def _put_tree(self, part: str, root: etree._Element) -> None:
        self.put(part, serialise(root))
        self._trees[self.name(part) or part.lstrip("/")] = root

    def free_name(self, pattern: str) -> str:
        """The first part name `pattern.format(n)` (n = 1, 2, …) not in the package."""
        return next(pattern.format(n) for n in range(1, 1 << 20) if not self.has(pattern.format(n)))

    # ------------------------------------------------------------ relationships and content types

    def relationships(self, part: str) -> list[Relationship]:
        """The relationships of `part` ("" for the package's own), targets resolved to part names."""
        rels = rels_name(part)
        if not self.has(rels):
            return []
        folder = posixpath.dirname(part)
        out = []
        for rel in self._tree(rels):
            target = rel.get("Target", "")
            if rel.get("TargetMode") == "External" or not target:
                out.append(Relationship(rel.get("Id", ""), rel.get("Type", ""), ""))
                continue
            out.append(Relationship(rel.get("Id", ""), rel.get("Type", ""), resolve(folder, target)))
        return out

    def relate(self, part: str, kind: str, target: str) -> str:
        """Add a relationship from `part` to the part `target` (a relative reference); its new id."""
        rels = rels_name(part)
        root = (
            self._tree(rels)
            if self.has(rels)
            else etree.Element(f"{{{PKG_RELS}}}Relationships", nsmap={None: PKG_RELS})
        )
        taken = {r.get("Id") for r in root}
        rid = next(f"rId{n}" for n in range(1, len(taken) + 2) if f"rId{n}" not in taken)
        reference = posixpath.relpath(target, posixpath.dirname(part) or ".")
        etree.SubElement(root, f"{{{PKG_RELS}}}Relationship", Id=rid, Type=kind, Target=reference)
        self._put_tree(rels, root)
        return rid

    def unrelate(self, part: str, rid: str) -> None:
        rels = rels_name(part)
        root = self._tree(rels)
        for rel in [r for r in root if r.get("Id") == rid]:
            root.remove(rel)
        self._put_tree(rels, root)

    def declare(self, part: str, content_type: str) -> None:
        """Give a new part its content type (an Override, or a Default for its extension when `part` is "*.ext")."""
        root = self._tree(CONTENT_TYPES)
        if part.startswith("*."):
            extension = part[2:]
            if any(d.get("Extension", "").casefold() == extension for d in children(root, "Default")):
                return
            defaults = children(root, "Default")
            el = etree.Element(f"{{{CT_NS}}}Default", Extension=extension, ContentType=content_type)
            (defaults[-1].addnext(el) if defaults else root.insert(0, el))
        else:
            etree.SubElement(root, f"{{{CT_NS}}}Override", PartName=f"/{part}", ContentType=content_type)
        self._put_tree(CONTENT_TYPES, root)

    def content_type(self, part: str) -> str | None:
        """A part's content type: its Override, else the Default for its extension."""
        root = self._tree(CONTENT_TYPES)
        name, extension = f"/{part.lstrip('/')}".casefold(), posixpath.splitext(part)[1][1:].casefold()
        overrides = [e for e in children(root, "Override") if e.get("PartName", "").casefold() == name]
        defaults = [e for e in children(root, "Default") if e.get("Extension", "").casefold() == extension]
        return next((e.get("ContentType") for e in (*overrides, *defaults)), None)

    def retype(self, part: str, content_type: str) -> None:
        """Give a part another content type (its Override changed, or one added)."""
        root = self._tree(CONTENT_TYPES)
        name = f"/{part.lstrip('/')}".casefold()
        override = next((e for e in children(root, "Override") if e.get("PartName", "").casefold() == name), None)
        if override is None:
            self.declare(part, content_type)
            return
        override.set("ContentType", content_type)
        self._put_tree(CONTENT_TYPES, root)

    def undeclare(self, part: str) -> None:
        root = self._tree(CONTENT_TYPES)
        for el in children(root, "Override"):
            if el.get("PartName", "").lstrip("/").casefold() == part.casefold():
                root.remove(el)
        self._put_tree(CONTENT_TYPES, root)

    # ------------------------------------------------------------ writing

    def entries(self) -> Iterator[str]:
        yield from (i.filename for i in self.infos if i.filename not in self.removed and not i.is_dir())
        yield from self.added

    def write(self, out: Path | io.BytesIO) -> None:
        """Write the package: untouched entries byte for byte (their compressed data copied as it is), in order;
        changed ones recompressed with their own method; added ones deflated (or stored) at the end."""
        with zipfile.ZipFile(out, "w") as zout:
            for info in self.infos:
                if info.filename in self.removed:
                    continue
                if info.filename in self.changed:
                    fresh = zipfile.ZipInfo(info.filename, info.date_time)
                    fresh.compress_type, fresh.external_attr = info.compress_type, info.external_attr
                    zout.writestr(fresh, self.changed[info.filename])
                else:
                    _copy_raw(self.zip, info, zout)
            for name, data in self.added.items():
                zout.writestr(name, data, zipfile.ZIP_STORED if name in self.stored else zipfile.ZIP_DEFLATED)

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.write(buffer)
        return buffer.getvalue()


def _copy_raw(zin: zipfile.ZipFile, info: zipfile.ZipInfo, zout: zipfile.ZipFile, name: str | None = None) -> None:
    """Copy an entry's compressed bytes without inflating them (zipfile has no public call for this), as entry
    `name` when given."""
    fp = zin.fp
    fp.seek(info.header_offset)
    fp.seek(member_data_offset(info, fp.read(LOCAL_HEADER_SIZE)))
    raw = fp.read(info.compress_size)
    copy = zipfile.ZipInfo(name or info.filename, info.date_time)
    for attribute in (
        "compress_type",
        "external_attr",
        "create_system",
        "create_version",
        "extract_version",
        "CRC",
        "compress_size",
        "file_size",
        "internal_attr",
        "comment",
    ):
        setattr(copy, attribute, getattr(info, attribute))
    copy.flag_bits = info.flag_bits & ~_FLAG_DATA_DESCRIPTOR  # sizes go in the local header instead
    copy.extra = b""  # a zip64 extra is rebuilt by FileHeader when needed
    copy.header_offset = zout.fp.tell()
    zout.fp.write(copy.FileHeader())
    zout.fp.write(raw)
    zout.start_dir = zout.fp.tell()
    zout.filelist.append(copy)
    zout.NameToInfo[copy.filename] = copy
    zout._didModify = True
