"""What Word does not show of a document body, taken out of it before it is read: text deleted or moved away in
tracked changes (w:del, w:moveFrom, and the runs between w:moveFromRangeStart and w:moveFromRangeEnd), and hidden
text (w:vanish: on the run, or by its character style, its paragraph's style or the document's defaults). A paragraph whose mark is hidden, deleted or moved away runs on into the next paragraph, as Word shows
it. Inserted and moved-in text (w:ins, w:moveTo) stays: it is the text as it now reads.

An old number typed over and hidden, or struck out and moved, would otherwise be read into the one shown ("3839").
"""

from __future__ import annotations

from itertools import pairwise

from validator.sources.wordml import STYLE_DEPTH, attr, child, local, val

_GONE = frozenset({"del", "moveFrom"})  # wrappers of runs deleted or moved away
_OFF = frozenset({"0", "false", "off"})


def _vanish(rpr) -> bool | None:
    """Whether run properties hide the text: True or False when they say, None when they leave it to the styles."""
    vanish = child(rpr, "vanish")
    return None if vanish is None else (attr(vanish, "val") or "").lower() not in _OFF


class _Styles:
    """Which styles hide their text: a style's own w:vanish, else its w:basedOn's."""

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
        for _ in range(STYLE_DEPTH):
            style = self.styles.get(style_id) if style_id else None
            if style is None:
                return None
            said = _vanish(child(style, "rPr"))
            if said is not None:
                return said
            style_id = val(style, "basedOn")
        return None


def remove_hidden(body, styles) -> None:
    """Take out of `body` (a w:body element) what Word does not show; `styles` is the styles part, or None."""
    _prune(body, _Styles(styles), None, set())


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
