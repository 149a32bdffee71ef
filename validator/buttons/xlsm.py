"""The macro-enabled template: the blank workbook plus the VBA module of macros/ and 校验 / 清除标记 form buttons;
with a server address, also xlwings' VBA client for xlwings Server, embedded as xlwings ships it."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import io
import tempfile
from pathlib import Path

from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from validator.annotate.package import MACRO_BOOK_TYPE
from validator.atomic import write_atomic
from validator.buttons.package import (
    VBA_REL,
    VBA_TYPE,
    VML_REL,
    VML_TYPE,
    add_defined_names,
    add_legacy_drawing,
    add_relationship,
    read_parts,
    set_content_types,
    sheet_parts,
    write_parts,
)
from validator.buttons.texts import TEXTS, defined_names_xml, macros_dir, server_name_xml
from validator.buttons.vba import vba_project
from validator.buttons.vml import Button, vml_drawing
from validator.forms.layout import STATUS_GAP, template_layout
from validator.forms.workbook import build_workbook
from validator.spec.model import Template

MODULES = ("Nianbao.bas",)
SERVER_MODULES = ("NianbaoServer.bas",)
# What `xlwings release` imports into a workbook for xlwings Server without the add-in (xlwings/cli.py).
XLWINGS_MODULES = ("xlwings.bas", "addin/Dictionary.cls", "addin/Remote.bas", "addin/IWebAuthenticator.cls",
                   "addin/WebClient.cls", "addin/WebRequest.cls", "addin/WebResponse.cls", "addin/WebHelpers.bas")  # fmt: skip
LICENSE_MODULE = "XlwingsLicense"
BUTTONS = (("校验", "NianbaoValidate"), ("清除标记", "NianbaoClear"))
BUTTON_ROW = 3  # 1-based: below the title and the status cells of the first table
BUTTON_COLUMNS = 2  # default-width columns per button
BUTTON_HEIGHT = 30  # pixels, unless the row is lower
DEFAULT_WIDTH, DEFAULT_HEIGHT = 8.43, 15.0  # Excel's column width (characters) and row height (points)


def _px_width(ws: Worksheet, col: int) -> int:
    letter = get_column_letter(col)
    width = ws.column_dimensions[letter].width if letter in ws.column_dimensions else None
    return int((width or DEFAULT_WIDTH) * 7 + 5)


def _px_height(ws: Worksheet, row: int) -> int:
    height = ws.row_dimensions[row].height if row in ws.row_dimensions else None
    return round((height or DEFAULT_HEIGHT) * 4 / 3)


def _buttons(ws: Worksheet, first_col: int) -> list[Button]:
    """The two buttons side by side in BUTTON_ROW, from column `first_col` (1-based) on."""
    row_height = _px_height(ws, BUTTON_ROW)
    height = min(BUTTON_HEIGHT, row_height - 4)
    top_px = sum(_px_height(ws, r) for r in range(1, BUTTON_ROW)) + 2
    out = []
    for i, (caption, macro) in enumerate(BUTTONS):
        left = first_col + i * BUTTON_COLUMNS
        left_px = sum(_px_width(ws, c) for c in range(1, left)) + 4
        width = sum(_px_width(ws, c) for c in range(left, left + BUTTON_COLUMNS)) - 8
        last = left + BUTTON_COLUMNS - 1
        anchor = (left - 1, 4, BUTTON_ROW - 1, 2, last - 1, _px_width(ws, last) - 4, BUTTON_ROW - 1, 2 + height)
        box = tuple(px * 0.75 for px in (left_px, top_px, width, height))
        out.append(Button(caption, f"Nianbao.{macro}", anchor, box))
    return out


def _code_names(wb: Workbook) -> list[str]:
    """Give the workbook and its sheets the code names the VBA project's document modules carry."""
    wb.code_name = "ThisWorkbook"
    names = [f"Sheet{i}" for i in range(1, len(wb.worksheets) + 1)]
    for ws, name in zip(wb.worksheets, names):
        ws.sheet_properties.codeName = name
    return names


def build_xlsm(template: Template, server: str | None = None) -> bytes:
    """The .xlsm package: the same workbook as the .xlsx template, plus macros, buttons and their texts.

    With `server` (the nianbao server's address), the buttons send the workbook to it: no Python on the PC. The
    address is the visible defined name NianbaoServer (公式 → 名称管理器), to be changed there later.
    """
    wb = build_workbook(template)
    code_names = _code_names(wb)
    # The cover and every sheet with tables, right of the form (where the status cells are).
    placed = {
        layout.name: _buttons(wb[layout.name], layout.width + STATUS_GAP + 1)
        for sheet, layout in zip(template.sheets, template_layout(template))
        if sheet is template.sheets[0] or sheet.tables
    }
    buffer = io.BytesIO()
    wb.save(buffer)
    parts = read_parts(buffer.getvalue())
    sheets = sheet_parts(parts)
    for n, (name, buttons) in enumerate(placed.items(), start=1):
        vml = f"xl/drawings/vmlDrawing{n}.vml"
        parts[vml] = vml_drawing(buttons, n)
        rid = add_relationship(parts, sheets[name], VML_REL, f"../drawings/vmlDrawing{n}.vml")
        parts[sheets[name]] = add_legacy_drawing(parts[sheets[name]].decode("utf-8"), rid).encode("utf-8")
    with tempfile.TemporaryDirectory(prefix="nianbao-xlsm-") as tmp:
        modules = [macros_dir() / m for m in MODULES]
        if server is not None:
            modules += [macros_dir() / m for m in SERVER_MODULES] + xlwings_modules(Path(tmp))
        parts["xl/vbaProject.bin"] = vba_project(modules, code_names)
    add_relationship(parts, "xl/workbook.xml", VBA_REL, "vbaProject.bin")
    add_defined_names(parts, defined_names_xml(TEXTS) + (server_name_xml(server) if server is not None else ""))
    set_content_types(parts, {"bin": VBA_TYPE, "vml": VML_TYPE}, {"/xl/workbook.xml": MACRO_BOOK_TYPE})
    return write_parts(parts)


def xlwings_modules(folder: Path) -> list[Path]:
    """xlwings' VBA client for xlwings Server as the installed xlwings ships it, and a module quoting its licence
    (BSD-3; Dictionary and the Web* modules carry their own MIT notices), written into `folder`."""
    spec = importlib.util.find_spec("xlwings")  # found, not imported: importing xlwings imports pandas
    if spec is None or spec.origin is None:
        raise RuntimeError("生成连接服务器的模板需要 xlwings：请运行 pip install 'nianbao-validator[excel]'。")
    root, version = Path(spec.origin).parent, importlib.metadata.version("xlwings")
    licence = next(root.parent.glob(f"xlwings-{version}.dist-info/licenses/LICENSE.txt"))
    quoted = "".join(f"' {line}".rstrip() + "\r\n" for line in licence.read_text(encoding="ascii").splitlines())
    header = f"' xlwings {version}: the modules xlwings, Dictionary, Remote, IWebAuthenticator, WebClient,\r\n"
    header += (
        "' WebRequest, WebResponse and WebHelpers are xlwings' own files, embedded unchanged under this licence.\r\n"
    )
    module = folder / f"{LICENSE_MODULE}.bas"
    module.write_text(f'Attribute VB_Name = "{LICENSE_MODULE}"\r\n{header}\r\n{quoted}', encoding="ascii")
    return [root / m for m in XLWINGS_MODULES] + [module]


def write_xlsm(template: Template, path: Path, server: str | None = None) -> None:
    """Write the macro-enabled template to `path` atomically."""
    data = build_xlsm(template, server)
    write_atomic(Path(path), lambda tmp: tmp.write_bytes(data))
