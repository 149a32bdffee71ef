"""What Word does not show of a document body, taken out of it before it is read: text deleted or moved away in
tracked changes (w:del, w:moveFrom, and the runs between w:moveFromRangeStart and w:moveFromRangeEnd), and hidden
text (w:vanish: on the run, or by its character style, its paragraph's style or the document's defaults). A paragraph whose mark is hidden, deleted or moved away runs on into the next paragraph, as Word shows
it. Inserted and moved-in text (w:ins, w:moveTo) stays: it is the text as it now reads.

An old number typed over and hidden, or struck out and moved, would otherwise be read into the one shown ("3839").

Also taken out: footnote marks printed raised (superscript, on the run or by its character style) after a number or
a word ("39" and a raised "1"): Word shows them, but they are no part of the number, which would read as 391 (the PDF
reader drops raised marks too). Word's own footnote references are notes, read where they are referred to.
"""

from __future__ import annotations

from itertools import pairwise

from validator.sources.document import is_note_mark
from validator.sources.wordml import STYLE_DEPTH, attr, child, local, val

_GONE = frozenset({"del", "moveFrom"})  # wrappers of runs deleted or moved away
_OFF = frozenset({"0", "false", "off"})


def _vanish(rpr) -> bool | None:
    """Whether run properties hide the text: True or False when they say, None when they leave it to the styles."""
    vanish = child(rpr, "vanish")
    return None if vanish is None else (attr(vanish, "val") or "").lower() not in _OFF


def _superscript(rpr) -> bool | None:
    """Whether run properties raise the text as superscript: True or False when they say, None when they leave it to
    the styles."""
    align = val(rpr, "vertAlign") if rpr is not None else None
    return None if align is None else align == "superscript"


class _Styles:
    """Which styles hide their text: a style's own w:vanish, else its w:basedOn's (and which raise it: w:vertAlign)."""

    def __init__(self, styles) -> None:
        self.styles: dict[str, object] = {}
        self.default_paragraph: str | None = None
        self.default: bool | None = None  # what the document's default run properties say
        if styles is None:
            return
        for style in (el for el in styles.iter() if local(el) == "style"):
            sid = attr(style, "styleId")
            self.styles[sid] = style
            if attr(style, "type") == "paragraph" and (attr(style, "default") or "").lower() in ("1", "true", "on"):
                self.default_paragraph = sid
        defaults = next((el for el in styles.iter() if local(el) == "rPrDefault"), None)
        self.default = _vanish(child(defaults, "rPr"))

    def hides(self, style_id: str | None) -> bool | None:
        """Whether the style hides its text, None when neither it nor a style it is based on says."""
        return self._says(style_id, _vanish)

    def raises(self, style_id: str | None) -> bool | None:
        """Whether the (character) style prints its text as superscript, None when no style in its chain says."""
        return self._says(style_id, _superscript)

    def _says(self, style_id: str | None, prop) -> bool | None:
        for _ in range(STYLE_DEPTH):
            style = self.styles.get(style_id) if style_id else None
            if style is None:
                return None
            said = prop(child(style, "rPr"))
            if said is not None:
                return said
            style_id = val(style, "basedOn")
        return None


def remove_hidden(body, styles) -> None:
    """Take out of `body` (a w:body element) what Word does not show; `styles` is the styles part, or None."""
    _prune(body, _Styles(styles), None, set())


def remove_raised_marks(body, styles) -> None:
    """Take out of `body` the runs printed as superscript that hold a footnote mark only ("1", "①", "*", "[1]")."""
    known = _Styles(styles)
    for parent in list(body.iter()):
        for run in [el for el in parent if local(el) == "r"]:
            rpr = child(run, "rPr")
            raised = _superscript(rpr)
            if not (raised if raised is not None else known.raises(val(rpr, "rStyle"))):
                continue
            text = "".join(t.text or "" for t in run if local(t) == "t")
            if is_note_mark(text) and not any(local(el) in ("footnoteReference", "endnoteReference") for el in run):
                parent.remove(run)


def _prune(el, styles: _Styles, paragraph_style: str | None, moving: set[str]) -> None:
    """Remove from el's subtree what is not shown, in document order (a moved range can span paragraphs); the
    recursion is as deep as the XML, which the package inspection limits."""
    for node in list(el):
        tag = local(node)
        if tag.endswith("Pr"):  # properties (w:pPr, w:rPr…): a w:del there marks what it is in, see _run_on
            continue
        if tag == "moveFromRangeStart":
            moving.add(attr(node, "id") or "")
        elif tag == "moveFromRangeEnd":
            moving.discard(attr(node, "id") or "")
        elif tag in _GONE or (tag == "r" and (moving or _hides(child(node, "rPr"), styles, paragraph_style))):
            el.remove(node)
        else:
            _prune(node, styles, _paragraph_style(node, styles) if tag == "p" else paragraph_style, moving)
    _run_on(el, styles)


def _paragraph_style(paragraph, styles: _Styles) -> str | None:
    return val(child(paragraph, "pPr"), "pStyle") or styles.default_paragraph


def _hides(rpr, styles: _Styles, paragraph_style: str | None) -> bool:
    """Whether run properties (of a run or a paragraph mark) hide it: said there, else by the run's character
    style, else by the paragraph's style, else by the document's defaults."""
    for said in (_vanish(rpr), styles.hides(val(rpr, "rStyle")), styles.hides(paragraph_style), styles.default):
        if said is not None:
            return said
    return False


def _run_on(el, styles: _Styles) -> None:
    """A paragraph whose mark is not shown runs on into the next paragraph, which keeps its own properties."""
    children = list(el)
    for first, second in pairwise(children):
        if local(first) != "p" or local(second) != "p":
            continue
        mark = child(child(first, "pPr"), "rPr")
        gone = mark is not None and any(local(prop) in _GONE for prop in mark)
        if gone or _hides(mark, styles, _paragraph_style(first, styles)):
            at = 1 if len(second) and local(second[0]) == "pPr" else 0
            for i, node in enumerate(node for node in first if local(node) != "pPr"):
                second.insert(at + i, node)
            el.remove(first)
