"""One worksheet being marked or cleared at zip level: its XML, its notes (comments part and VML drawing), saved back."""

from __future__ import annotations

import itertools
import posixpath
from dataclasses import dataclass

from lxml import etree

from validator.annotate.notes_xml import COMMENTS_TYPE, IDMAP, VML_TYPE, SheetNotes, threaded_refs
from validator.annotate.package import Package, serialise
from validator.annotate.sheet_xml import SheetEdit
from validator.annotate.workbook_xml import Book


@dataclass
class MarkedSheet:
    """A worksheet part parsed for editing, with the notes it has (or will have)."""

    part: str
    root: etree._Element
    cells: SheetEdit
    notes: SheetNotes
    comments: str | None  # the comments part, if the sheet has one
    vml: str | None  # the notes' VML drawing, if the sheet has one

    @classmethod
    def open(cls, pkg: Package, book: Book, part: str, root: etree._Element, blocks: itertools.count) -> MarkedSheet:
        """`root` is the sheet part parsed; `blocks` gives a new drawing its shape-id block."""
        cells = SheetEdit(root)
        rels = pkg.relationships(part)
        comments = next((r.target for r in rels if r.type.endswith("/comments") and pkg.has(r.target)), None)
        vml_id = cells.legacy_drawing()
        vml = next((r.target for r in rels if r.id == vml_id and pkg.has(r.target)), None) if vml_id else None
        threaded = frozenset().union(
            *(
                threaded_refs(pkg.read(r.target))
                for r in rels
                if r.type.endswith("/threadedComment") and pkg.has(r.target)
            )
        )
        vml_bytes = pkg.read(vml) if vml else None
        block = vml_block(vml_bytes) if vml_bytes else next(blocks)
        # A drawing of form controls (buttons) without notes gets the notes' shapes too.
        notes = SheetNotes.of(pkg.read(comments) if comments else None, vml_bytes, book.ns, block, threaded)
        return cls(part, root, cells, notes, comments, vml)

    def save(self, pkg: Package, book: Book) -> None:
        """Put the sheet back, with its notes parts (added, related and declared when new)."""
        if self.notes.changed:
            folder = posixpath.dirname(posixpath.dirname(self.part)) or "."
            if self.comments is None:
                self.comments = pkg.free_name(posixpath.join(folder, "comments{}.xml").removeprefix("./"))
                pkg.declare(self.comments, COMMENTS_TYPE)
                pkg.relate(self.part, f"{book.rel_ns}/comments", self.comments)
            pkg.put(self.comments, self.notes.comments_bytes())
            if self.vml is None:
                self.vml = pkg.free_name(posixpath.join(folder, "drawings", "vmlDrawing{}.vml").removeprefix("./"))
                pkg.declare("*.vml", VML_TYPE)
                rid = pkg.relate(self.part, f"{book.rel_ns}/vmlDrawing", self.vml)
                self.cells.add_legacy_drawing(rid, book.rel_ns)
            pkg.put(self.vml, self.notes.vml)
        pkg.put(self.part, serialise(self.root))


def vml_block(vml: bytes) -> int:
    """The first shape-id block (o:idmap) a VML drawing declares."""
    m = IDMAP.search(vml)
    numbers = [int(n) for n in m[1].replace(b" ", b"").split(b",") if n] if m else []
    return numbers[0] if numbers else 1


def next_blocks(pkg: Package) -> itertools.count:
    """Shape-id blocks no VML drawing of the package uses (shape ids are unique per workbook)."""
    used = [0]
    for name in pkg.entries():
        if name.casefold().endswith(".vml"):
            m = IDMAP.search(pkg.read(name))
            used += [int(n) for n in m[1].replace(b" ", b"").split(b",") if n] if m else []
    return itertools.count(max(used) + 1)
