"""One worksheet being marked or cleared at zip level: its XML, its notes (comments part and VML drawing), saved back."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from lxml import etree

from validator.annotate.notes_xml import COMMENTS_TYPE, VML_TYPE, SheetNotes, threaded_refs
from validator.annotate.package import Package, serialise
from validator.annotate.sheet_xml import SheetEdit
from validator.annotate.vml import ShapeIds
from validator.annotate.workbook_xml import Book
from validator.sources.grid import ReadError


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
    def open(cls, pkg: Package, book: Book, part: str, root: etree._Element, ids: ShapeIds) -> MarkedSheet:
        """`root` is the sheet part parsed; `ids` gives new note shapes ids no drawing of the workbook uses."""
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
        # A drawing of form controls (buttons) without notes gets the notes' shapes too.
        key = vml or f"{part}#notes"  # a new drawing is known by its sheet until it is named
        notes = SheetNotes.of(
            pkg.read(comments) if comments else None, pkg.read(vml) if vml else None, book.ns, ids, key, threaded
        )
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


def unrecognised_drawing(sheet: str, part: str | None, then: str) -> ReadError:
    """The error for a sheet whose notes drawing cannot be edited (vml.NotADrawing); `then`: what to do, the workbook
    saved again in Excel (validator.audience ANNOTATE_DRAWING, or clearing's own)."""
    return ReadError(
        f"工作表「{sheet}」的批注绘图部件（{part}）已损坏或无法识别，无法在其中写入批注。{then}",
        "corrupt",
    )


def shape_ids(pkg: Package) -> ShapeIds:
    """The shape ids the package's VML drawings use (shape ids are unique per workbook)."""
    return ShapeIds({name: pkg.read(name) for name in pkg.entries() if name.casefold().endswith(".vml")})
