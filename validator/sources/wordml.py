"""WordprocessingML elements found by their local names (so Strict OOXML, with its other namespace, reads too):
what the Word reader and the parts it consults (list numbering, hidden text) share."""

from __future__ import annotations

STYLE_DEPTH = 16  # w:basedOn links followed at most (a loop of styles is made by hand)


def local(el) -> str:
    """An element's name without its namespace ("" for comments and processing instructions)."""
    return el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""


def child(el, name: str):
    """el's first child named `name`, or None (also when el is None)."""
    return next((c for c in el if local(c) == name), None) if el is not None else None


def attr(el, name: str) -> str | None:
    """el's attribute `name`, whatever its namespace, or None."""
    return next((v for k, v in el.attrib.items() if k.rsplit("}", 1)[-1] == name), None)


def val(el, name: str) -> str | None:
    """The w:val of el's child `name` (a property: w:pStyle, w:numId…), or None when it has no such child or value."""
    prop = child(el, name)
    return attr(prop, "val") if prop is not None else None
