"""Legacy VML drawings edited as text (Excel's own are not always well-formed XML): their namespaces under whatever
prefixes a drawing declares (v:/o:/x: as Excel writes, ns0:/ns1:/ns2: as openpyxl does), their shapes, and the
shape-id blocks each uses, so that shapes added anywhere get ids unique across the workbook."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

VML_NS = "urn:schemas-microsoft-com:vml"
OFFICE_NS = "urn:schemas-microsoft-com:office:office"
EXCEL_NS = "urn:schemas-microsoft-com:office:excel"
BLOCK_SIZE = 1024  # the shape ids of block n are n * 1024 … n * 1024 + 1023 (<o:idmap data="n">)
_CONVENTIONAL = {VML_NS: "v", OFFICE_NS: "o", EXCEL_NS: "x"}
_XMLNS = re.compile(rb"""\sxmlns(?::([\w.-]+))?\s*=\s*(["'])(.*?)\2""", re.DOTALL)
_IN_TAG = rb"""(?:[^>"']|"[^"]*"|'[^']*')*?"""  # the rest of a start tag, quoted values may hold ">"
_ROOT = re.compile(rb"<(?![?!])([\w.:-]+)(" + _IN_TAG + rb")(/?)>")
_SHAPE_ID = re.compile(rb"_x0000_s(\d+)")
_DATA = re.compile(rb"""\sdata\s*=\s*(["'])([^"']*)\1""")


class NotADrawing(ValueError):
    """A drawing whose root element cannot be found (cut off or damaged): nothing can be added to it."""


def new_drawing() -> bytes:
    """An empty drawing declaring the three namespaces as Excel does."""
    declared = "".join(f' xmlns:{prefix}="{ns}"' for ns, prefix in _CONVENTIONAL.items())
    return f"<xml{declared}>\n</xml>".encode()


class VmlDrawing:
    """The text of one VML drawing, its elements found by namespace whatever their prefixes."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        # (prefix, namespace) of every declaration anywhere ("" for a default namespace), read once: the markup
        # added declares nothing but what `prefix` declares on the root
        self._bound = {((m[1] or b"").decode(), m[3].strip().decode()) for m in _XMLNS.finditer(data)}
        self._chosen: dict[str, str] = {}  # the root's prefix of each namespace used for added markup

    def _prefixes(self, ns: str) -> list[str]:
        """Every prefix the drawing binds to `ns` anywhere ("" for a default namespace)."""
        return sorted(prefix for prefix, bound in self._bound if bound == ns)

    def _element(self, ns: str, name: str) -> bytes:
        """A regex for `<` and the name of an element `name` of `ns`, its prefix as group 1 (`v:`, or "" for a
        default namespace); it matches nothing when the drawing never declares `ns`."""
        prefixes = self._prefixes(ns)
        if not prefixes:
            return b"<()(?!)"
        return b"<(" + b"|".join(re.escape(f"{p}:".encode()) if p else b"" for p in prefixes) + b")" + name.encode()

    def _tag(self, ns: str, name: str) -> re.Pattern[bytes]:
        """A start (or empty) tag of an element `name` of `ns`, whole."""
        return re.compile(self._element(ns, name) + rb"\b" + _IN_TAG + rb"/?>")

    def notes(self) -> Iterator[tuple[re.Match[bytes], tuple[int, int]]]:
        """Every note shape (a `<v:shape>` whose client data is of a note), whole, with the 0-based (row, column) it
        is anchored on; buttons and other shapes are left out."""
        shape = re.compile(
            self._element(VML_NS, "shape") + rb"\b(?:" + _IN_TAG + rb"/>|" + _IN_TAG + rb">.*?</\1shape\s*>)", re.S
        )
        note = re.compile(self._element(EXCEL_NS, "ClientData") + rb"\b[^>]*\bObjectType\s*=\s*[\"']Note[\"']")
        row, col = (re.compile(self._element(EXCEL_NS, n) + rb"\s*>\s*(\d+)\s*</") for n in ("Row", "Column"))
        for m in shape.finditer(self.data):
            if note.search(m[0]) and (r := row.search(m[0])) and (c := col.search(m[0])):
                yield m, (int(r[2]), int(c[2]))

    def declared_blocks(self) -> list[int]:
        """The shape-id blocks the drawing's `<o:idmap data="…">` declares."""
        idmap = self._tag(OFFICE_NS, "idmap").search(self.data)
        data = _DATA.search(idmap[0]) if idmap else None
        return [int(n) for n in re.findall(rb"\d+", data[2])] if data else []

    def used_blocks(self) -> set[int]:
        """The blocks the drawing declares and those its shapes' ids are in (a drawing may declare none)."""
        return {*self.declared_blocks(), *(n // BLOCK_SIZE for n in self.shape_ids())}

    def shape_ids(self) -> set[int]:
        """The numbers of the `_x0000_s<n>` shape ids the drawing uses (as ids or `o:spid`)."""
        return {int(n) for n in _SHAPE_ID.findall(self.data)}

    def prefix(self, ns: str) -> str:
        """A prefix bound to `ns` on the root element, for markup added as its child; declared there if none is."""
        if ns not in self._chosen:
            self._chosen[ns] = self._root_prefix(ns)
        return self._chosen[ns]

    def _root_prefix(self, ns: str) -> str:
        root = self._root()
        bound = {(m[1] or b"").decode(): m[3].strip().decode() for m in _XMLNS.finditer(root[2])}
        conventional = _CONVENTIONAL[ns]
        found = sorted((p for p, uri in bound.items() if p and uri == ns), key=lambda p: (p != conventional, p))
        if found:
            return found[0]
        prefix = next(p for p in (conventional, *(f"{conventional}{n}" for n in range(1, 100))) if p not in bound)
        self._insert(root.end(2), f' xmlns:{prefix}="{ns}"'.encode())
        self._bound.add((prefix, ns))
        return prefix

    def _root(self) -> re.Match[bytes]:
        root = _ROOT.search(self.data)
        if root is None:
            raise NotADrawing("no root element")
        if root[3]:  # an empty drawing <xml …/>: opened, so that shapes can go in
            self.data = self.data[: root.start(3)] + b"></" + root[1] + b">" + self.data[root.end() :]
            root = _ROOT.search(self.data)
        return root

    def _insert(self, at: int, markup: bytes) -> None:
        self.data = self.data[:at] + markup + self.data[at:]

    def append(self, markup: bytes) -> None:
        """Add markup as the root's last children."""
        self._insert(self.data.rindex(b"</" + self._root()[1]), markup)

    def remove(self, start: int, end: int) -> None:
        self.data = self.data[:start] + self.data[end:]

    def replace(self, start: int, end: int, markup: bytes) -> None:
        self.data = self.data[:start] + markup + self.data[end:]

    def declare_block(self, block: int) -> None:
        """Add a block to the drawing's idmap (data="1" → "1,5"), or give the drawing an idmap declaring it."""
        idmap = self._tag(OFFICE_NS, "idmap").search(self.data)
        if idmap is None:
            v, o = self.prefix(VML_NS), self.prefix(OFFICE_NS)
            layout = f'\n <{o}:shapelayout {v}:ext="edit"><{o}:idmap {v}:ext="edit" data="{block}"/></{o}:shapelayout>'
            self._insert(self._root().end(), layout.encode())
        elif (data := _DATA.search(idmap[0])) is None:
            self._insert(idmap.end() - (2 if idmap[0].endswith(b"/>") else 1), f' data="{block}"'.encode())
        else:
            numbers = [*re.findall(rb"\d+", data[2]), str(block).encode()]
            self.replace(idmap.start() + data.start(2), idmap.start() + data.end(2), b",".join(numbers))


class ShapeIds:
    """The shape ids of a workbook's VML drawings: new shapes get ids no drawing uses, in a block their drawing
    declares (its own, or a new one past every block in use)."""

    def __init__(self, drawings: Mapping[str, bytes]) -> None:
        parsed = {name: VmlDrawing(data) for name, data in drawings.items()}
        self._blocks = {name: d.used_blocks() for name, d in parsed.items()}
        self._ids = set().union(*(d.shape_ids() for d in parsed.values()))
        self._declared: dict[str, set[int]] = {}  # the blocks each drawing given shapes declares
        self._top: dict[int, int] = {}  # the highest id in use in a block (its first id - 1 when none), once looked up

    def take(self, key: str, drawing: VmlDrawing) -> int:
        """A new shape id for the drawing known as `key` (its part name, or a name for a new drawing): in a block
        only that drawing uses, else in a new block past every one in use; the drawing declares the block."""
        if key not in self._blocks:
            self._blocks[key] = drawing.used_blocks()
        if key not in self._declared:
            self._declared[key] = set(drawing.declared_blocks())
        blocks = self._blocks[key]
        others = set().union(*(b for k, b in self._blocks.items() if k != key))
        for block in sorted(blocks - others):
            if (found := self._top_of(block) + 1) < (block + 1) * BLOCK_SIZE:  # past every id in use there
                break
        else:
            block = max(set().union(*self._blocks.values()), default=0) + 1
            blocks.add(block)
            found = block * BLOCK_SIZE + 1
        if block not in self._declared[key]:
            drawing.declare_block(block)
            self._declared[key].add(block)
        self._ids.add(found)
        self._top[block] = found
        return found

    def _top_of(self, block: int) -> int:
        if block not in self._top:
            low, high = block * BLOCK_SIZE, (block + 1) * BLOCK_SIZE
            self._top[block] = max((n for n in self._ids if low <= n < high), default=low)
        return self._top[block]
