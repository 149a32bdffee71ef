"""What the macros show and run, written into the workbooks as hidden defined names (the VBA source stays ASCII)."""

from __future__ import annotations

import sysconfig
from pathlib import Path
from xml.sax.saxutils import escape

from validator.names import FACTS_SHEET

ADDIN_FILE = "年报校验.xlam"
ACTIONS = ("validate_book", "clear_book")  # functions of validator.excel.actions, called with the caller's book
MAX_CONSTANT = 255  # the longest string constant an Excel formula (and so a defined name) may hold

TEXTS = {
    "NianbaoTitle": "年报校验",
    "NianbaoAddinName": ADDIN_FILE,
    "NianbaoTemplateName": "政府信息公开工作年度报告模板.xlsx",
    "NianbaoNoBook": "请先打开要校验的年报工作簿，再点击「校验」。",
    "NianbaoMissing": (
        "没有找到「年报校验」加载项或 xlwings 加载项，无法在 Excel 中校验。请按使用说明（docs/excel.md）安装："
        "1. 安装 Python；2. pip install nianbao-validator[excel]；3. xlwings addin install；"
        "4. nianbao excel addin -o 文件夹，并加载其中的 年报校验.xlam。"
        "WPS 不能运行按钮，但表三、表四右侧的状态单元格会随填写实时检查勾稽关系。"
    ),
    "NianbaoServerMissing": "该工作簿没有填写校验服务器地址：请在“公式 → 名称管理器”中把 NianbaoServer 改为本单位校验服务器的地址。",
    "NianbaoServerFailed": "无法连接校验服务器，工作簿未作改动。请检查网络，或在“公式 → 名称管理器”中核对 NianbaoServer 的地址。",
    "NianbaoServerError": (
        "校验未完成：发送工作簿或执行服务器的答复时出错（原因见下行），工作簿可能已部分改动。"
        "请关闭工作簿、不保存，重新打开后再点按钮；仍如此，请把下行的原因告知政务公开办的服务器管理员。"
    ),
    "NianbaoServerStructure": (
        "工作簿设置了“保护工作簿”（结构），按钮无法添加或删除「校验结果」等工作表，工作簿未作改动。"
        "请点“审阅 → 保护工作簿”取消保护（设有密码的，输入密码）后再点按钮，完成后可重新保护。"
    ),
    "NianbaoServerRows": (
        "工作表「{sheet}」的使用区域到第 {rows} 行，超过按钮一次能发送的 32767 行，工作簿未作改动。"
        "请选中表格下方多余的行（直到第 {rows} 行），右键“删除”，保存工作簿后再点按钮。"
    ),
    "NianbaoFactsSheet": FACTS_SHEET,
    "NianbaoHelp": (
        "校验：检查当前工作簿，有问题的单元格标色并加批注，第一张工作表「校验结果」列出全部问题，可点击跳转。"
        "改正后再点「校验」，标注随之更新。清除标记：去掉全部校验标注，恢复原来的填充和批注。"
        "生成空白模板：另存一份官方空白模板。表三、表四右侧的状态单元格不需要 Python，随填写实时显示勾稽关系是否平衡。"
    ),
} | {
    f"NianbaoPython_{a}": f"import xlwings as xw; from validator.excel.actions import {a}; {a}(xw.Book.caller())"
    for a in ACTIONS
}


def macros_dir() -> Path:
    """macros/ of the source tree (a checkout, an editable install), else where a wheel installs it."""
    source_tree = Path(__file__).resolve().parents[2] / "macros"
    if source_tree.is_dir():
        return source_tree
    return Path(sysconfig.get_path("data")) / "share" / "nianbao-validator" / "macros"


SERVER_NAME = "NianbaoServer"  # visible defined name: the server's address, to be changed in the Name Manager


def server_name_xml(url: str) -> str:
    """The visible defined name holding the server's address."""
    return f'<definedName name="{SERVER_NAME}">{escape(_constant(url))}</definedName>'


def _constant(text: str) -> str:
    """A string constant of a formula: in double quotes, inner quotes doubled."""
    return chr(34) + text.replace(chr(34), chr(34) * 2) + chr(34)


def defined_names_xml(texts: dict[str, str]) -> str:
    """Hidden workbook-level names whose value is a string constant, as <definedName> elements."""
    too_long = [name for name, text in texts.items() if len(text) > MAX_CONSTANT]
    if too_long:
        raise ValueError(f"defined names longer than {MAX_CONSTANT} characters: {too_long}")
    return "".join(
        f'<definedName name="{name}" hidden="1">{escape(_constant(text))}</definedName>' for name, text in texts.items()
    )
