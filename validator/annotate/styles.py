"""styles.xml edited for marking: fills read and added, cell formats copied with another fill, results-sheet styles."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from lxml import etree

from validator.annotate.package import child, children, local

# CT_Stylesheet's elements in schema order; a missing section is created in its place.
_ORDER = (
    "numFmts",
    "fonts",
    "fills",
    "borders",
    "cellStyleXfs",
    "cellXfs",
    "cellStyles",
    "dxfs",
    "tableStyles",
    "colors",
    "extLst",
)
_FONT_ORDER = (
    "b",
    "i",
    "strike",
    "condense",
    "extend",
    "outline",
    "shadow",
    "u",
    "vertAlign",
    "sz",
    "color",
    "name",
    "family",
    "charset",
    "scheme",
)


@dataclass(frozen=True)
class CellStyle:
    """A format for a cell the painter writes (the results sheet): font changes, fill, bottom border, alignment,
    and whether the cell stays open for typing when the sheet is protected."""

    bold: bool = False
    size: float | None = None
    colour: str | None = None  # font colour, ARGB
    underline: bool = False
    fill: str | None = None  # RGB
    bottom_border: bool = False
    horizontal: str | None = None
    wrap: bool = True
    unlocked: bool = False


class StyleBook:
    """The styles part of one package, changed in memory; new formats are appended, never reordered."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self.ns = etree.QName(root).namespace
        self._made: dict[object, int] = {}
        self._fill_xml: dict[int, str] = {}

    def _el(self, name: str, **attrs: str) -> etree._Element:
        return etree.Element(f"{{{self.ns}}}{name}", **attrs)

    def section(self, name: str) -> etree._Element:
        found = child(self.root, name)
        if found is None:
            found = self._el(name, count="0")
            later = [c for c in self.root if local(c) in _ORDER[_ORDER.index(name) + 1 :]]
            (later[0].addprevious(found) if later else self.root.append(found))
        return found

    def _append(self, name: str, item: etree._Element) -> int:
        """Append to a section, keeping its count; the new index."""
        section = self.section(name)
        section.append(item)
        section.set("count", str(len(section)))
        return len(section) - 1

    def _xf(self, index: int) -> etree._Element:
        xfs = children(self.section("cellXfs"), "xf")
        if not xfs:  # a package without any cell format: the default one, as Excel writes it
            self._append("cellXfs", self._el("xf", numFmtId="0", fontId="0", fillId="0", borderId="0", xfId="0"))
            xfs = children(self.section("cellXfs"), "xf")
        return xfs[index] if 0 <= index < len(xfs) else xfs[0]

    # ------------------------------------------------------------ fills of cells

    def fill_xml(self, xf: int) -> str:
        """The exact `<fill>` of a cell format, without namespaces (the undo record's form); "none" without one."""
        if xf not in self._fill_xml:
            self._fill_xml[xf] = self._plain_fill(xf)
        return self._fill_xml[xf]

    def _plain_fill(self, xf: int) -> str:
        fills = children(self.section("fills"), "fill")
        fill_id = int(self._xf(xf).get("fillId", "0"))
        if not 0 <= fill_id < len(fills):
            return "none"
        plain = copy.deepcopy(fills[fill_id])
        for el in plain.iter():
            if isinstance(el.tag, str):
                el.tag = local(el)
        etree.cleanup_namespaces(plain)
        return etree.tostring(plain, encoding="unicode")

    def with_fill(self, xf: int, fill: etree._Element) -> int:
        """The index of a format like `xf` but with `fill` (made once per pair)."""
        key = (xf, etree.tostring(fill))
        if key not in self._made:
            fill_id = self._fill(fill)
            new = copy.deepcopy(self._xf(xf))
            new.set("fillId", str(fill_id))
            new.set("applyFill", "1")
            self._made[key] = self._append("cellXfs", new)
        return self._made[key]

    def with_solid(self, xf: int, rgb: str) -> int:
        """with_fill(xf, solid(rgb)), the pair looked up before a fill is built: a painter marks many cells alike."""
        key = ("solid", xf, rgb)
        if key not in self._made:
            self._made[key] = self.with_fill(xf, self.solid(rgb))
        return self._made[key]

    def solid(self, rgb: str) -> etree._Element:
        """A solid fill in opaque ARGB, as Excel writes it."""
        fill, pattern = self._el("fill"), self._el("patternFill", patternType="solid")
        fill.append(pattern)
        etree.SubElement(pattern, f"{{{self.ns}}}fgColor", rgb=f"FF{rgb}")
        etree.SubElement(pattern, f"{{{self.ns}}}bgColor", rgb=f"FF{rgb}")
        return fill

    def parsed_fill(self, xml: str) -> etree._Element:
        """A fill from the undo record's form, in this part's namespace."""
        fill = etree.fromstring(xml.encode())
        for el in fill.iter():
            if isinstance(el.tag, str):
                el.tag = f"{{{self.ns}}}{local(el)}"
        return fill

    def _fill(self, fill: etree._Element) -> int:
        key = ("fill", etree.tostring(fill))
        if key not in self._made:
            self._made[key] = self._append("fills", fill)
        return self._made[key]

    # ------------------------------------------------------------ formats of new cells

    def style(self, spec: CellStyle) -> int:
        """The index of a new cell format for `spec` (made once)."""
        if spec not in self._made:
            font = self._font(spec)
            fill = self._fill(self.solid(spec.fill)) if spec.fill else 0
            border = self._border() if spec.bottom_border else 0
            xf = self._el(
                "xf",
                numFmtId="0",
                fontId=str(font),
                fillId=str(fill),
                borderId=str(border),
                xfId="0",
                applyFont="1",
                applyFill="1",
                applyBorder="1",
                applyAlignment="1",
            )
            alignment = etree.SubElement(xf, f"{{{self.ns}}}alignment", vertical="top")
            if spec.horizontal:
                alignment.set("horizontal", spec.horizontal)
            if spec.wrap:
                alignment.set("wrapText", "1")
            if spec.unlocked:  # CT_Xf: alignment, then protection
                xf.set("applyProtection", "1")
                etree.SubElement(xf, f"{{{self.ns}}}protection", locked="0")
            self._made[spec] = self._append("cellXfs", xf)
        return self._made[spec]

    def _font(self, spec: CellStyle) -> int:
        """The workbook's default font with the spec's changes."""
        key = ("font", spec.bold, spec.size, spec.colour, spec.underline)
        if key not in self._made:
            base = child(self.section("fonts"), "font")
            font = copy.deepcopy(base) if base is not None else self._el("font")
            changes = {
                "b": spec.bold and {},
                "u": spec.underline and {},
                "sz": spec.size and {"val": f"{spec.size:g}"},
                "color": spec.colour and {"rgb": spec.colour},
            }
            for name, attrs in changes.items():
                if attrs is False or attrs is None:
                    continue
                for old in children(font, name):
                    font.remove(old)
                font.append(self._el(name, **attrs))
            # CT_Font's children in schema order (the SDK's validator reads it as a sequence)
            font[:] = sorted(font, key=lambda el: _FONT_ORDER.index(local(el)) if local(el) in _FONT_ORDER else 99)
            self._made[key] = self._append("fonts", font)
        return self._made[key]

    def _border(self) -> int:
        if "border" not in self._made:
            border = self._el("border")
            for side in ("left", "right", "top", "bottom", "diagonal"):
                el = etree.SubElement(border, f"{{{self.ns}}}{side}")
                if side == "bottom":
                    el.set("style", "thin")
                    etree.SubElement(el, f"{{{self.ns}}}color", indexed="64")
            self._made["border"] = self._append("borders", border)
        return self._made["border"]
