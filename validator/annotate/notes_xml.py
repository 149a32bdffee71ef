"""A worksheet's notes at zip level: its comments part and legacy VML drawing, new or merged with the existing ones."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from math import ceil

from lxml import etree

from validator.annotate.package import child, children, parse, serialise
from validator.annotate.plan import NOTE_AUTHOR
from validator.annotate.undo import SavedNote
from validator.annotate.vml import EXCEL_NS, OFFICE_NS, VML_NS, ShapeIds, VmlDrawing, new_drawing
from validator.text import display_width, printable

XML_NS = "http://www.w3.org/XML/1998/namespace"
COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
VML_TYPE = "application/vnd.openxmlformats-officedocument.vmlDrawing"
# A note's shape (and its shape type) in the drawing's own prefixes v, o and x.
_NOTE_SHAPETYPE = (
    ' <{v}:shapetype id="_x0000_t202" coordsize="21600,21600" {o}:spt="202" path="m,l,21600r21600,l21600,xe">'
    '<{v}:stroke joinstyle="miter"/><{v}:path gradientshapeok="t" {o}:connecttype="rect"/></{v}:shapetype>\n'
)
_NOTE_SHAPE = (
    ' <{v}:shape id="_x0000_s{id}" type="#_x0000_t202" style="position:absolute;margin-left:59.25pt;'
    'margin-top:1.5pt;width:{width}px;height:{height}px;z-index:{id};visibility:hidden" fillcolor="#ffffe1"'
    ' {o}:insetmode="auto"><{v}:fill color2="#ffffe1"/><{v}:shadow on="t" color="black" obscured="t"/>'
    '<{v}:path {o}:connecttype="none"/><{v}:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div>'
    '</{v}:textbox><{x}:ClientData ObjectType="Note"><{x}:MoveWithCells/><{x}:SizeWithCells/>'
    "<{x}:AutoFill>False</{x}:AutoFill><{x}:Row>{row}</{x}:Row><{x}:Column>{col}</{x}:Column></{x}:ClientData>"
    "</{v}:shape>\n"
)
_NOTE_LINE_UNITS = 56  # a note wraps after this many half-width characters


def note_size(text: str) -> tuple[int, int]:
    """Pixel width and height of a note box that shows all of text (9-pt font: about 7 px per half-width char)."""
    units = [display_width(line) for line in text.split("\n")]
    per_line = max(16, min(max(units), _NOTE_LINE_UNITS))
    lines = sum(max(1, ceil(u / per_line)) for u in units)
    return per_line * 7 + 24, lines * 18 + 14


def comment_text(comment: etree._Element) -> str:
    """The plain text of a `<comment>`."""
    text = child(comment, "text")
    return "" if text is None else rich_text(text)


def rich_text(el: etree._Element) -> str:
    """The plain text of rich text (`<text>`, `<is>`, `<si>`): its runs joined, phonetic hints left out."""
    return "".join(
        t.text or ""
        for t in el.iter()
        if isinstance(t.tag, str)
        and t.tag.endswith("}t")
        and not any(a.tag.endswith("}rPh") for a in t.iterancestors())
    )


@dataclass
class SheetNotes:
    """The notes of one sheet being marked: the comments part (parsed) and the VML drawing (text)."""

    comments: etree._Element
    drawing: VmlDrawing
    ids: ShapeIds  # the workbook's shape ids, which new shapes must not repeat
    key: str  # the drawing's part name (a name of its own for a new drawing), for `ids`
    threaded: frozenset[str] = frozenset()  # cells whose note is a threaded comment: left alone
    changed: bool = False
    _by_ref: dict[str, etree._Element] = field(default_factory=dict)
    _author_ids: dict[str, int] = field(default_factory=dict)  # the authors' indexes, read once
    _comment_list: etree._Element | None = None

    def __post_init__(self) -> None:
        self.ns = etree.QName(self.comments).namespace
        for comment in self._list():
            self._by_ref[comment.get("ref", "").upper()] = comment

    @classmethod
    def of(
        cls,
        comments: bytes | None,
        vml: bytes | None,
        main_ns: str,
        ids: ShapeIds,
        key: str,
        threaded: frozenset[str],
    ) -> SheetNotes:
        """A sheet's notes from its comments part and VML drawing, either of which may not exist yet."""
        if comments is None:
            root = etree.Element(f"{{{main_ns}}}comments", nsmap={None: main_ns})
            etree.SubElement(root, f"{{{main_ns}}}authors")
            etree.SubElement(root, f"{{{main_ns}}}commentList")
        else:
            root = parse(comments)
        return cls(root, VmlDrawing(vml or new_drawing()), ids, key, threaded)

    @property
    def vml(self) -> bytes:
        """The drawing's bytes."""
        return self.drawing.data

    def _list(self) -> etree._Element:
        if self._comment_list is None:
            found = child(self.comments, "commentList")
            if found is None:
                found = etree.SubElement(self.comments, f"{{{self.ns}}}commentList")
            self._comment_list = found
        return self._comment_list

    def _author(self, name: str) -> int:
        """The index of an author (added when new); the first of equal names, as a reader looking it up finds."""
        if name in self._author_ids:
            return self._author_ids[name]
        authors = child(self.comments, "authors")
        if authors is None:
            authors = etree.Element(f"{{{self.ns}}}authors")
            self.comments.insert(0, authors)
        names = [a.text or "" for a in children(authors, "author")]
        if name not in names:
            etree.SubElement(authors, f"{{{self.ns}}}author").text = name
            names.append(name)
        self._author_ids[name] = names.index(name)
        return self._author_ids[name]

    def saved(self, ref: str) -> SavedNote | None:
        comment = self._by_ref.get(ref)
        if comment is None:
            return None
        authors = child(self.comments, "authors")
        names = [a.text for a in children(authors, "author")] if authors is not None else []
        author_id = int(comment.get("authorId", "-1"))
        return SavedNote(comment_text(comment), names[author_id] if 0 <= author_id < len(names) else None)

    def write(self, ref: str, row: int, col: int, text: str, author: str | None = NOTE_AUTHOR) -> None:
        """Make `text` the note of the cell (replacing the text of its note, or adding a note and its shape)."""
        text = printable(text)
        self.changed = True
        width, height = note_size(text)
        comment = self._by_ref.get(ref)
        if comment is None:
            comment = etree.SubElement(self._list(), f"{{{self.ns}}}comment", ref=ref, authorId="0")
            self._by_ref[ref] = comment
            self._add_shape(row - 1, col - 1, width, height)
        else:
            self._resize_shape(row - 1, col - 1, width, height)
            for old in list(comment):
                comment.remove(old)
        comment.set("authorId", str(self._author(author or "")))
        body = etree.SubElement(comment, f"{{{self.ns}}}text")
        t = etree.SubElement(body, f"{{{self.ns}}}t")
        t.text = text
        t.set(f"{{{XML_NS}}}space", "preserve")

    def _add_shape(self, row: int, col: int, width: int, height: int) -> None:
        """A note shape for the cell (0-based), in the drawing's own prefixes, its id new to the workbook."""
        shape_id = self.ids.take(self.key, self.drawing)
        v, o, x = (self.drawing.prefix(ns) for ns in (VML_NS, OFFICE_NS, EXCEL_NS))
        shape = _NOTE_SHAPE.format(v=v, o=o, x=x, id=shape_id, width=width, height=height, row=row, col=col)
        head = "" if b"_x0000_t202" in self.drawing.data else _NOTE_SHAPETYPE.format(v=v, o=o)
        self.drawing.append((head + shape).encode())

    def delete(self, ref: str, row: int, col: int) -> None:
        """Remove the cell's note and its shape."""
        comment = self._by_ref.pop(ref, None)
        if comment is not None:
            comment.getparent().remove(comment)
            self.changed = True
            shape = self._shape(row - 1, col - 1)
            if shape is not None:
                self.drawing.remove(shape.start(), shape.end())

    def _shape(self, row: int, col: int) -> re.Match[bytes] | None:
        """The note shape anchored on a cell (0-based row and column), in the VML text."""
        return next((m for m, anchor in self.drawing.notes() if anchor == (row, col)), None)

    def _resize_shape(self, row: int, col: int, width: int, height: int) -> None:
        """A note whose text grew gets a box large enough to show it."""
        m = self._shape(row, col)
        if m is not None:
            new = re.sub(rb"(?<![-\w])width:[^;\"]*", f"width:{width}px".encode(), m[0], count=1)
            new = re.sub(rb"(?<![-\w])height:[^;\"]*", f"height:{height}px".encode(), new, count=1)
            self.drawing.replace(m.start(), m.end(), new)

    def comments_bytes(self) -> bytes:
        return serialise(self.comments)


def threaded_refs(data: bytes) -> frozenset[str]:
    """The cells a threadedComments part has notes on."""
    return frozenset(c.get("ref", "").upper() for c in parse(data) if c.get("ref"))
