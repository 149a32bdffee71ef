"""Form buttons (Excel's "Button" form control) as a legacy VML drawing part, bound to a macro each."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

SHAPES_PER_DRAWING = 1024  # VML shape ids of drawing n are numbered from n * 1024 + 1


@dataclass(frozen=True)
class Button:
    """A button placed by its anchor: 0-based column and row of its top-left and bottom-right corners, with
    pixel offsets inside those cells, plus the same box in points for the VML style."""

    caption: str
    macro: str
    anchor: tuple[int, int, int, int, int, int, int, int]  # left col, dx, top row, dy, right col, dx, bottom row, dy
    box: tuple[float, float, float, float]  # left, top, width, height in points


def _shape(button: Button, shape_id: int, z_index: int) -> str:
    left, top, width, height = button.box
    style = (
        f"position:absolute;margin-left:{left:g}pt;margin-top:{top:g}pt;width:{width:g}pt;height:{height:g}pt;"
        f"z-index:{z_index};mso-wrap-style:tight"
    )
    anchor = ", ".join(str(n) for n in button.anchor)
    return (
        f'<v:shape id="_x0000_s{shape_id}" type="#_x0000_t201" style="{style}" o:button="t" '
        'fillcolor="buttonFace [67]" strokecolor="windowText [64]" o:insetmode="auto">'
        '<v:fill color2="buttonFace [67]" o:detectmouseclick="t"/><o:lock v:ext="edit" rotation="t"/>'
        '<v:textbox style="mso-direction-alt:auto" o:singleclick="f"><div style="text-align:center">'
        f'<font face="宋体" size="220" color="#000000">{escape(button.caption)}</font></div></v:textbox>'
        f'<x:ClientData ObjectType="Button"><x:Anchor>{anchor}</x:Anchor><x:PrintObject>False</x:PrintObject>'
        f"<x:AutoFill>False</x:AutoFill><x:FmlaMacro>{escape('[0]!' + button.macro)}</x:FmlaMacro>"
        "<x:TextHAlign>Center</x:TextHAlign><x:TextVAlign>Center</x:TextVAlign></x:ClientData></v:shape>"
    )


def vml_drawing(buttons: Sequence[Button], drawing: int) -> bytes:
    """The VML part of the `drawing`-th sheet that has buttons (1-based: shape ids must differ across sheets)."""
    shapes = "".join(_shape(b, drawing * SHAPES_PER_DRAWING + i + 1, i + 1) for i, b in enumerate(buttons))
    xml = (
        '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:x="urn:schemas-microsoft-com:office:excel">'
        f'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data={quoteattr(str(drawing))}/></o:shapelayout>'
        '<v:shapetype id="_x0000_t201" coordsize="21600,21600" o:spt="201" path="m,l,21600r21600,l21600,xe">'
        '<v:stroke joinstyle="miter"/><v:path shadowok="f" o:extrusionok="f" strokeok="f" fillok="f" '
        'o:connecttype="rect"/><o:lock v:ext="edit" shapetype="t"/></v:shapetype>'
        f"{shapes}</xml>"
    )
    return xml.encode("utf-8")
