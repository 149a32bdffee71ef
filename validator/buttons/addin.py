"""The 年报校验 ribbon add-in: xlwings' own add-in quickstart with a Chinese ribbon and callbacks from macros/."""

from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import quoteattr

from validator.atomic import write_atomic
from validator.buttons.package import add_defined_names, read_parts, write_parts
from validator.buttons.texts import ADDIN_FILE, TEXTS, defined_names_xml, macros_dir
from validator.buttons.vba import vba_project

INSTALL_HINT = "生成加载项需要 xlwings：请运行 pip install 'nianbao-validator[excel]'。"
QUICKSTART = "quickstart_addin_ribbon.xlam"
RIBBON_PART = "customUI/customUI.xml"
MODULE = "NianbaoRibbon.bas"
# (id, label, callback, built-in icon, tip)
RIBBON_BUTTONS = (
    (
        "nianbaoValidate",
        "校验",
        "OnValidate",
        "AcceptInvitation",
        "校验当前工作簿：问题单元格标色、加批注，并生成「校验结果」表",
    ),
    ("nianbaoClear", "清除标记", "OnClear", "Delete", "去掉全部校验标注，恢复原来的填充和批注"),
    ("nianbaoTemplate", "生成空白模板", "OnTemplate", "FileNew", "另存一份政府信息公开工作年度报告官方空白模板"),
    ("nianbaoHelp", "帮助", "OnHelp", "Help", "各按钮的用法"),
)


def ribbon_xml() -> str:
    """The ribbon: one 年报校验 tab with one group of large buttons, each calling NianbaoRibbon.<callback>."""
    buttons = "".join(
        f'<button id={quoteattr(bid)} label={quoteattr(label)} size="large" onAction="NianbaoRibbon.{callback}" '
        f"imageMso={quoteattr(icon)} screentip={quoteattr(label)} supertip={quoteattr(tip)}/>"
        for bid, label, callback, icon, tip in RIBBON_BUTTONS
    )
    return (
        '<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui"><ribbon><tabs>'
        '<tab id="nianbaoTab" label="年报校验"><group id="nianbaoGroup" label="政府信息公开工作年度报告">'
        f"{buttons}</group></tab></tabs></ribbon></customUI>"
    )


def _quickstart() -> bytes:
    try:
        import xlwings
    except ImportError as exc:
        raise RuntimeError(INSTALL_HINT) from exc
    return (Path(xlwings.__file__).parent / QUICKSTART).read_bytes()


def build_addin() -> bytes:
    """xlwings' ribbon add-in quickstart with our ribbon, our VBA callbacks and their texts.

    The quickstart's own project (one RunMain callback plus xlwings' modules and classes) is replaced: ms-ovba
    writes standard and document modules only, and our callbacks call RunPython of the installed xlwings add-in,
    whose interpreter settings the user sets once in its ribbon tab.
    """
    parts = read_parts(_quickstart())
    parts[RIBBON_PART] = ribbon_xml().encode("utf-8")
    sheets = [
        re.search(rb'codeName="([^"]+)"', data) for name, data in parts.items() if name.startswith("xl/worksheets/")
    ]
    parts["xl/vbaProject.bin"] = vba_project([macros_dir() / MODULE], [m[1].decode() for m in sheets if m])
    add_defined_names(parts, defined_names_xml(TEXTS))
    return write_parts(parts)


def write_addin(folder: Path) -> Path:
    """Write 年报校验.xlam into `folder` (created if needed) atomically; returns its path."""
    data = build_addin()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / ADDIN_FILE
    write_atomic(target, lambda tmp: tmp.write_bytes(data))
    return target
