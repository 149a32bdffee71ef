"""xlwings' VBA client (`RunServerPython` of Remote.bas): its payload read, the button's action run on it, and the
answer limited to actions the shipped VBA can carry out.

Remote.bas sends each worksheet's values from A1, the names and the active sheet; it does not send merges, notes,
visibility or protection. Our button macro (macros/NianbaoServer.bas) writes those into a very hidden sheet
(`FACTS_SHEET`, last) just before the request, so they arrive as that sheet's values, and deletes it afterwards.
Remote.bas runs each answered action by name (`Application.Run action("func")`) and stops at the first it lacks; what
the painter needs beyond them goes through its `runMacro` to a macro of NianbaoServer.bas. An answer that would change a protected
sheet against its protection is replaced by a message box (Excel would stop at that action, half done).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from validator.annotate.plan import Merge
from validator.cellref import coordinate, parse_ref
from validator.excel.actions import clear_book, validate_book
from validator.excel.simulate import import_xlwings
from validator.excel.source import Supplement
from validator.names import FACTS_SHEET, MARKS_SHEET  # written by NianbaoServer.bas: rows (kind, sheet, address, text)
from validator.sources.limits import Limits

MODULE = "NianbaoServer"
TITLE = "年报校验"
ACTIONS: Mapping[str, Callable[[Any, Supplement], str]] = {
    "validate": validate_book,
    "clear": lambda book, supplement: clear_book(book, supplement.notes),
}
_VISIBILITY = {"hidden": "Hidden", "veryhidden": "VeryHidden"}


class PayloadError(ValueError):
    """The request is not what Remote.bas sends; the message is Chinese."""


@cache
def remote_functions() -> frozenset[str]:
    """The actions the shipped Remote.bas defines (`Sub name(wb As Workbook, action As Dictionary)`)."""
    source = (xlwings_addin_dir() / "Remote.bas").read_text(encoding="ascii")
    return frozenset(re.findall(r"^Sub (\w+)\(wb As Workbook, action As Dictionary\)", source, re.M))


def xlwings_addin_dir() -> Path:
    """The folder of xlwings' VBA modules, as the installed xlwings ships them."""
    return Path(import_xlwings().__file__).parent / "addin"


def answer(action: str, payload: object) -> dict:
    """{"actions": [...]} for Remote.bas: the button's action run on the payload's book, then a message box."""
    xw = import_xlwings()
    document, supplement, protected = read_payload(payload, xw.__version__)
    names = [s["name"] for s in document["sheets"]]  # before the book, which changes the document, runs
    book = xw.Book(json=document)
    try:
        message = ACTIONS[action](book, supplement)
        actions = book.json()["actions"]
    finally:
        book.close()
    targets = _targets(actions, names, protected)
    if sheet := _forbidden(actions, targets):
        return error_answer(PROTECTED.format(sheet=sheet, button=BUTTONS[action]))
    actions = [_very_hidden(a, sheet) for a, sheet in zip(actions, targets, strict=True)]
    if not any(a["func"] == "alert" for a in actions):  # a problem was already shown as one
        actions.append(_alert(message, "info"))
    return {"actions": [runnable(a) for a in actions]}


def error_answer(message: str) -> dict:
    """The answer showing one message box, for a request that could not be served."""
    return {"actions": [_alert(message, "critical")]}


def too_large(megabytes: int) -> str:
    """What the button tells of a workbook whose request is past the service's limit (`megabytes`): the filler reads
    it in Excel, where checking again is clicking 校验."""
    return (
        f"工作簿发送到服务器的数据超过校验服务一次能接收的 {megabytes} MB，无法校验，工作簿未作改动。"
        "请删除表格之外多余的行列（或其中的格式）和多余的工作表后再校验。"
    )


def _alert(message: str, mode: str) -> dict:
    return {"func": "alert", "args": [message, TITLE, "ok", mode, ""], "values": None, "sheet_position": None,
            "start_row": None, "start_column": None, "row_count": None, "column_count": None}  # fmt: skip


# ---------------------------------------------------------------- the request


def read_payload(payload: object, version: str) -> tuple[dict, Supplement, dict[str, frozenset[str]]]:
    """The JSON Book document, what the facts sheet says, and the protected sheets (sheet → what their protection
    allows: `PERMISSIONS`); PayloadError for anything Remote.bas would not send."""
    if not isinstance(payload, dict) or payload.get("client") != "VBA" or not isinstance(payload.get("sheets"), list):
        raise PayloadError("请求不是 Excel 按钮（xlwings 的 RunServerPython）发出的校验请求。")
    if payload.get("version") != version:
        raise PayloadError(
            f"工作簿中的 xlwings 宏版本（{payload.get('version')}）与服务器（{version}）不同："
            "请从服务器下载新的模板，或在新模板中填写后再校验。"
        )
    book = payload.get("book")
    if not isinstance(book, dict) or not isinstance(book.get("name"), str):
        raise PayloadError("请求缺少工作簿信息。")
    limits = Limits.from_env()
    if len(payload["sheets"]) > limits.sheets:
        raise PayloadError(f"工作簿的工作表超过 {limits.sheets} 张，超出校验服务的上限，无法校验。")
    sheets, facts = [], []
    for sheet in payload["sheets"]:
        if not isinstance(sheet, dict) or not isinstance(sheet.get("name"), str) or not _is_grid(sheet.get("values")):
            raise PayloadError("请求中的工作表数据格式有误。")
        if len(sheet["values"]) * max(map(len, sheet["values"]), default=0) > limits.sheet_area:
            raise PayloadError(
                f"工作表「{sheet['name']}」的使用区域超过 {limits.sheet_area} 个单元格，超出校验服务的上限。"
                "请删除表格之外多余的行列（或其中的格式）后再校验。"
            )
        if sheet["name"] == FACTS_SHEET:
            facts = sheet["values"]
        else:
            sheets.append(sheet)
    merges, notes, visibility, protected = _facts(facts, {s["name"] for s in sheets})
    for name, bounds in merges.items():  # the locator indexes every merged cell: a merge of whole columns is millions
        if sum((abs(r1 - r0) + 1) * (abs(c1 - c0) + 1) for r0, c0, r1, c1 in bounds) > limits.sheet_area:
            raise PayloadError(
                f"工作表「{name}」中合并单元格的范围合计超过 {limits.sheet_area} 个单元格，超出校验服务的上限。"
                "请取消合并整行、整列等远超表格的范围后再校验。"
            )
    index = book.get("active_sheet_index")
    document = {
        "client": "Office.js",  # the JSON Book records notes for this client only; `runnable` translates every action
        "version": version,
        "book": {**book, "active_sheet_index": index if isinstance(index, int) and 0 <= index < len(sheets) else 0},
        "names": payload.get("names") if isinstance(payload.get("names"), list) else [],
        "sheets": [_sheet(s, notes.get(s["name"], {}), visibility.get(s["name"], "Visible")) for s in sheets],
    }
    return document, Supplement(merges, notes=notes), protected


def _is_grid(values: object) -> bool:
    return isinstance(values, list) and all(
        isinstance(row, list) and all(v is None or isinstance(v, str | int | float | bool) for v in row)
        for row in values
    )


def _sheet(sheet: dict, notes: Mapping[str, str], visibility: str) -> dict:
    """A sheet as the JSON Book reads it: Remote.bas's keys, plus what the facts told."""
    return {
        "name": sheet["name"],
        "values": [["" if v is None else v for v in row] for row in sheet["values"]] or [[]],
        "visibility": visibility,
        "notes": [{"address": address} for address in notes],
        "pictures": [],
        "shapes": [],
        "charts": [],
        "tables": [],
        "print_area": None,
    }


def _facts(rows: Sequence[Sequence[object]], names: set[str]) -> tuple[dict, dict, dict, dict]:
    """Merges (sheet → bounds), notes (sheet → address → text), visibility (sheet → xlwings' word) and protection
    (sheet → the permissions its protection grants; the address column lists them after "Protected")."""
    merges: dict[str, list[Merge]] = {}
    notes: dict[str, dict[str, str]] = {}
    visibility: dict[str, str] = {}
    protected: dict[str, frozenset[str]] = {}
    for row in rows:
        kind, sheet, address, text = (list(row) + [None] * 4)[:4]
        if sheet not in names or not isinstance(address, str):
            continue
        try:
            if kind == "merge":
                first, _, last = address.partition(":")
                merges.setdefault(sheet, []).append((*parse_ref(first), *parse_ref(last or first)))
            elif kind == "note":
                notes.setdefault(sheet, {})[coordinate(*parse_ref(address))] = "" if text is None else str(text)
            elif kind == "visibility" and address.lower() in _VISIBILITY:
                visibility[sheet] = _VISIBILITY[address.lower()]
            elif kind == "protection":
                protected[sheet] = frozenset(address.split()) & PERMISSIONS
        except ValueError as exc:
            raise PayloadError(f"请求中的单元格地址有误：{address}") from exc
    return {k: sorted(v) for k, v in merges.items()}, notes, visibility, protected


# ---------------------------------------------------------------- the answer

# What a protected sheet's protection may allow, as NianbaoServer.bas's facts name it, and what each xlwings action
# changing a sheet needs (None: nothing allows it; our painter writes values and links only on sheets it adds).
PERMISSIONS = frozenset({"FormatCells", "FormatColumns", "Objects", "Hyperlinks"})
_NEEDS: Mapping[str, str | None] = {
    "setRangeColor": "FormatCells",
    "setFontProperty": "FormatCells",
    "setWrapText": "FormatCells",
    "setColumnWidth": "FormatColumns",
    "addNote": "Objects",  # Excel's "edit objects": notes are drawing objects
    "deleteNote": "Objects",
    "addHyperlink": "Hyperlinks",
    "setValues": None,
}
BUTTONS = {"validate": "校验", "clear": "清除标记"}
PROTECTED = (
    "工作表「{sheet}」设置了工作表保护，按钮无法在其中标色、添加或删除批注，工作簿未作改动。"
    "请点“审阅 → 撤销工作表保护”（设有密码的，输入密码）后再点「{button}」，完成后可重新保护该工作表。"
)


class _Sheet(NamedTuple):
    name: str
    allowed: frozenset[str] | None  # what its protection allows; None: not protected


def _forbidden(actions: Sequence[dict], sheets: Sequence[_Sheet | None]) -> str | None:
    """The first protected sheet some action would change in a way its protection forbids (Excel stops there with
    a run-time error, the earlier actions done: marks without their record), or None."""
    for a, sheet in zip(actions, sheets, strict=True):
        if a["func"] in _NEEDS and sheet is not None and not _allows(sheet.allowed, _NEEDS[a["func"]]):
            return sheet.name
    return None


def _targets(
    actions: Sequence[dict], names: Sequence[str], protected: Mapping[str, frozenset[str]]
) -> list[_Sheet | None]:
    """The sheet each action changes (None: no sheet, or one it adds or deletes), at its turn: actions name a sheet by
    its position then, so the sheets added (never protected, even under the name of a protected one deleted before,
    as a results sheet is replaced) and deleted before it are followed."""
    sheets = [_Sheet(name, protected.get(name)) for name in names]
    targets: list[_Sheet | None] = []
    for a in actions:
        func, position = a["func"], a["sheet_position"]
        targets.append(None if func in ("addSheet", "sheetDelete") or position is None else sheets[position])
        if func == "addSheet":
            sheets.insert(a["args"][0], _Sheet(a["args"][1], None))
        elif func == "sheetDelete":
            del sheets[position]
    return targets


def _very_hidden(action: dict, sheet: _Sheet | None) -> dict:
    """The marks sheet very hidden, as the command line's copies and the desktop button keep it (xlwings' API only
    hides a sheet; our macro can very-hide it), so that Excel does not list it among the sheets to unhide."""
    if action["func"] == "setSheetVisibility" and action["args"] == ["Hidden"] and sheet and sheet.name == MARKS_SHEET:
        return {**action, "args": ["VeryHidden"]}
    return action


def _allows(allowed: frozenset[str] | None, need: str | None) -> bool:
    """Whether a sheet protected with `allowed` (None: not protected) lets an action needing `need` run."""
    return allowed is None or (need is not None and need in allowed)


def _range(a: dict) -> list:
    return [a["sheet_position"], a["start_row"], a["start_column"], a["row_count"], a["column_count"]]


# xlwings action → (our macro, its arguments after the workbook)
_MACROS: Mapping[str, tuple[str, Callable[[dict], list]]] = {
    "addSheet": ("NianbaoAddSheet", lambda a: list(a["args"])),
    "setSheetVisibility": ("NianbaoSheetVisibility", lambda a: [a["sheet_position"], a["args"][0]]),
    "addNote": ("NianbaoAddNote", lambda a: [a["sheet_position"], *a["args"]]),
    "deleteNote": ("NianbaoDeleteNote", lambda a: [a["sheet_position"], a["args"][0]]),
    "setColumnWidth": ("NianbaoColumnWidth", lambda a: [*_range(a), a["args"][0]]),
    "setWrapText": ("NianbaoWrapText", lambda a: [*_range(a), a["args"][0]]),
    "setFontProperty": ("NianbaoFont", lambda a: [*_range(a), *a["args"]]),
    "setRangeColor": ("NianbaoNoFill", _range),  # only for "no fill": Remote.bas's HexToRgb needs a colour
}


def runnable(action: dict) -> dict:
    """The action as Remote.bas can run it: its own, or `runMacro` to our module's macro doing the same.

    Remote.bas's own addSheet places the sheet next to the active one, and its setRangeColor cannot remove a fill:
    those go to our macros too.
    """
    func = action["func"]
    ours = func in _MACROS and (func != "setRangeColor" or action["args"][0] is None)
    if not ours and func in remote_functions():
        return action
    if not ours:
        raise RuntimeError(f"no macro of {MODULE}.bas carries out the xlwings action {func!r}")
    macro, args = _MACROS[func]
    return {**action, "func": "runMacro", "args": [f"{MODULE}.{macro}", *args(action)]}
