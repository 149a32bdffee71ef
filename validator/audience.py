"""Advice whose words depend on who reads it, each a named pair: the receiver's words and the uploader's.

The readers, locators and rules write their messages once, for whoever received the file (the office at the command
line or in a batch, the filler at the Excel button): ask the submitting (publishing) agency for a complete file,
unpack archives, check it again once saved anew, have the administrator raise a reading limit. On the service's upload
page the reader is that agency itself: the page unpacks no archive, the next step is to upload again, and the
server's limits are the office's to raise. A message puts each such clause in by its pair's `receiver`; the service
shows the uploader the message with every pair's `uploader` words instead (`for_uploader`), and keeps the receiver's
words for the office. tests/test_audience.py fails on an office phrase written anywhere else in a message the upload
page can show. A {name} in a pair stands for words the message puts there (a limit's variable, a file's suffix).
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Advice(NamedTuple):
    """One clause of advice in its two readers' words."""

    receiver: str  # for whoever received the file: the office, or the filler at the Excel button
    uploader: str  # for the agency that uploaded the file to the service


# Files the agency sends again
_UPLOAD_AGAIN = "请用本单位留存的原文件重新保存或导出一份，再重新上传。"
ASK_AGAIN = Advice("请重新导出或向报送单位索取完整文件。", _UPLOAD_AGAIN)
ASK_PUBLISHER_AGAIN = Advice("请重新导出或向发布单位索取完整文件。", _UPLOAD_AGAIN)
DOWNLOAD_AGAIN = Advice("请重新下载或向发布单位索取完整文件。", _UPLOAD_AGAIN)
RESAVE_OR_ASK = Advice("打开后重新保存，或向报送单位索取完整文件", "打开后重新保存，再重新上传")
ASK_WORKBOOK = Advice("请向报送单位索取 Excel 格式（.xlsx）的年报工作簿。", "请上传 Excel 格式（.xlsx）的年报工作簿。")
HOSTILE_PACKAGE = Advice(
    "请核实文件来源，或请报送单位重新导出。", "请用 Excel 或 WPS 打开本单位留存的原文件，另存后重新上传。"
)
SAVE_AS_XLSX = Advice(
    "请用 Excel 或 WPS 打开该文件，“另存为”Excel 工作簿（*.xlsx）后再校验。",
    "请用 Excel 或 WPS 打开该文件，“另存为”Excel 工作簿（*.xlsx）后重新上传。",
)
UNLOCK = Advice("请在 Excel 或 WPS 中取消密码后保存，再校验。", "请在 Excel 或 WPS 中取消密码后保存，再重新上传。")
OFD_ELSE = Advice(
    "把它另存（导出）为 PDF，或向发布单位索取 Word、网页或 Excel 版本后再校验。",
    "把它另存（导出）为 PDF 后重新上传，或改为上传年报的 Word、网页或 Excel 版本。",
)
# Archives: the upload page unpacks none
UNPACK = Advice(
    "请解压后校验其中的{what}，或用 nianbao batch 校验整个压缩包。",
    "请解压后在上传页面选择其中的{what}上传（可一次选择多个）。",
)
OTHER_ARCHIVE = Advice(
    "本工具只能解开 zip 压缩包。请用解压软件解压后校验其中的报告，或把它们重新打包为 zip。",
    "上传页面不解压压缩包。请解压后在上传页面选择其中的文件上传（可一次选择多个）。",
)
# Reading limits (validator/sources/limits.py): the server's are the office's to raise
_REMOVE_EXTRA = "请删除文件中与年报无关的内容（如图片、多余的工作表或页面），用 Excel、WPS 或 Word 另存后重新上传"
HOSTILE_LIMIT = Advice("请核实文件来源，删除多余内容后另存再校验", _REMOVE_EXTRA)
EXTRA = Advice("请删除与年报无关的内容后另存再校验", _REMOVE_EXTRA)
LONG = Advice(
    "如年报只是长文件中的一部分，请只提交年报部分（如从 PDF 中提取年报所在的页）再校验",
    "如年报只是长文件中的一部分，请只上传年报部分（如从 PDF 中提取年报所在的页）",
)
DELETE_FAR_CELLS = Advice(
    "请在该工作表中按 Ctrl+End 找到最远的单元格，删除表格以外多余的行、列后另存再校验",
    "请在该工作表中按 Ctrl+End 找到最远的单元格，删除表格以外多余的行、列，另存后重新上传",
)
UNMERGE = Advice(
    "请在该工作表中选中这些合并单元格，取消合并后另存再校验",
    "请在该工作表中选中这些合并单元格，取消合并，另存后重新上传",
)
RAISE = Advice(
    "如确需处理更大的文件，可由管理员调高该上限（环境变量 {variable}，见 docs/security.md）",
    "如年报确实需要这些内容，请联系政务公开办调高校验服务的该项上限",
)
# Documents: what the agency uploads instead
COPYABLE = Advice("请提供可复制文字的 PDF、Word 或网页版本后再校验。", "请上传可复制文字的 PDF、Word 或网页版本。")
AS_TEXT = Advice(
    "提供{what}为文字（可复制）的网页、Word 或 PDF 版本后再校验", "上传{what}为文字（可复制）的网页、Word 或 PDF 版本"
)
PDF_ENCRYPTED = Advice(
    "请向发布单位索取未加密的版本，或用 PDF 阅读器输入密码打开后另存（打印）为不加密的 PDF，再校验。",
    "请上传未加密的版本，或用 PDF 阅读器输入密码打开后另存（打印）为不加密的 PDF，再重新上传。",
)
PDF_NO_RULES = Advice(
    "请提供 Word 或网页版本，或在 Word/WPS 中给表格加上框线后重新导出 PDF，再校验。",
    "请上传 Word 或网页版本，或在 Word/WPS 中给表格加上框线后重新导出 PDF，再重新上传。",
)
TABLE_NO_RULES = Advice(
    "请提供 Word 或网页版本，或在 Word/WPS 中给该表加上框线后重新导出 PDF，再校验。",
    "请上传 Word 或网页版本，或在 Word/WPS 中给该表加上框线后重新导出 PDF，再重新上传。",
)
LANDSCAPE = Advice(
    "请提供 Word 或网页版本，或把该页设为横向重新导出 PDF 后再校验。",
    "请上传 Word 或网页版本，或把该页设为横向重新导出 PDF 后重新上传。",
)
LANDSCAPE_OR_SMALLER = Advice(
    "请提供 Word 或网页版本，或把该页设为横向（或缩小表格）重新导出 PDF 后再校验。",
    "请上传 Word 或网页版本，或把该页设为横向（或缩小表格）重新导出 PDF 后重新上传。",
)
PASTE_AS_TABLE = Advice(
    "在原处粘贴为 Word 表格并删除该对象后再校验（或直接报送按官方格式填写的 Excel 工作簿）。",
    "在原处粘贴为 Word 表格并删除该对象后重新上传（或直接上传按官方格式填写的 Excel 工作簿）。",
)
UNRULED_TABLE = Advice("请提供 Word 或网页版本后再校验；否则", "请上传 Word 或网页版本；否则")
SPACED_TABLE = Advice("请以表格形式重新排版后再校验；否则", "请以表格形式重新排版后重新上传；否则")
REPLACE_TABLE = Advice(
    "请在此换成{table}（按官方格式，没有发生的填 0）后再校验。",
    "请在此换成{table}（按官方格式，没有发生的填 0）后重新上传。",
)
WHOLE_PAGE = Advice(
    "显示整篇后另存为网页再校验，或下载年报的 PDF、Word 附件（也可向发布单位索取完整文件）。",
    "显示整篇后另存为网页，再重新上传，或上传年报的 PDF、Word 附件。",
)
FURTHER_REPORT = Advice(
    "请把它单独保存为一个文件（或向发布单位索取单独的文件）后另行校验。", "请把它单独保存为一个文件，另行上传。"
)
GARBLED = Advice(
    "请在浏览器中打开发布单位网站上的原文，确认文字显示正常后再另存为网页（或下载年报的 Word、PDF 版本），然后再校验。",
    "请在浏览器中打开本单位网站上的原文，确认文字显示正常后再另存为网页（或下载年报的 Word、PDF 版本），然后重新上传。",
)
SIMPLIFIED = Advice(
    "请提供简体字版本（发布单位网站上的原文页面或其 Word、PDF 文件）后再校验。",
    "请上传简体字版本（本单位网站上的原文页面或其 Word、PDF 文件）。",
)
DOCX_RESAVE = Advice(
    "请用 Word 打开该文档，“另存为” Word 文档（.docx）后再校验。",
    "请用 Word 打开该文档，“另存为” Word 文档（.docx）后重新上传。",
)
DOCX_BODILESS = Advice(
    "请确认文件是年度报告本身，或用 Word 重新保存后再校验。", "请确认文件是年度报告本身，或用 Word 重新保存后重新上传。"
)
DOCX_BROKEN = Advice("请用 Word 或 WPS 打开后重新保存再校验。", "请用 Word 或 WPS 打开后重新保存，再重新上传。")
# Web pages
PAGE_OR_DOCUMENT = Advice("后再校验，或下载年报的 PDF、Word 版本。", "后重新上传，或上传年报的 PDF、Word 版本。")
PAGE_SHOWN = Advice(
    "待内容显示后“另存为”网页（全部）再校验，或下载年报的 PDF、Word 版本。",
    "待内容显示后“另存为”网页（全部），再重新上传，或上传年报的 PDF、Word 版本。",
)
FRAMES_FOLDER = Advice("请把另存网页时附带的文件夹（与网页同名，如「报告_files」）放在网页旁边再校验；或", "请")
ATTACHMENT = Advice("请下载该附件（PDF、Word 或 Excel 文件）后再校验。", "请上传该附件（PDF、Word 或 Excel 文件）。")
# LibreOffice on a server without it, or failing there: installing it is the office's to do
NOT_INSTALLED = Advice("需要 LibreOffice 才能读取，本机未安装。", "需要 LibreOffice 才能读取，校验服务器未安装。")
DOCX_OR_INSTALL = Advice(
    "请用 Word 或 WPS 打开，“另存为”Word 文档（*.docx）后再校验；或安装 LibreOffice 后重试。",
    "请用 Word 或 WPS 打开，“另存为”Word 文档（*.docx）后重新上传。",
)
XLSX_OR_INSTALL = Advice(
    "请用 Excel、WPS 或 LibreOffice 打开该文件，“另存为”Excel 工作簿（*.xlsx）后再校验；或安装 LibreOffice 后重试。",
    "请用 Excel、WPS 或 LibreOffice 打开该文件，“另存为”Excel 工作簿（*.xlsx）后重新上传。",
)
CONVERT_RESAVE = Advice(
    "请用 Word/WPS/Excel 打开后另存为 .{target} 再校验。", "请用 Word/WPS/Excel 打开后另存为 .{target}，再重新上传。"
)
CONVERT_SAVE_AS = Advice("请把文件另存为 .{target} 后再校验。", "请把文件另存为 .{target} 后重新上传。")
# Findings
BALANCE = Advice(
    "请逐一核对不平衡的勾稽关系涉及的单元格（空白的先填写，没有发生的填 0）后再校验。",
    "请逐一核对不平衡的勾稽关系涉及的单元格（空白的先填写，没有发生的填 0）后重新上传。",
)
RECALCULATE = Advice(
    "请在 Excel 中重新计算（按 F9）后保存，再校验。", "请在 Excel 中重新计算（按 F9）后保存，再重新上传。"
)
RECALCULATE_VALUES = Advice(
    "改为数值后请在 Excel 中重新计算（按 F9）并保存，再校验。",
    "改为数值后请在 Excel 中重新计算（按 F9）并保存，再重新上传。",
)
SAVE_RESULTS = Advice(
    "请在 Excel 或 WPS 中打开该文件，保存后再校验。", "请在 Excel 或 WPS 中打开该文件，保存后重新上传。"
)
# ST07: the office gives out the newer format's template (nianbao template); the agency asks the office for it. The
# receiver's words serve both: a clerk's Excel button and command line show them as the office's do
NEWER_TEMPLATE = Advice(
    "请改用该格式的模板重新填写：报送单位可向政务公开办索取，政务公开办可用 nianbao template --template {template}"
    " -o 年报模板.xlsx 生成空白模板。",
    "请向政务公开办索取该格式的模板，重新填写后再上传。",
)
# The annotated copy (validator/annotate): its page is read by the uploader and the office alike, so the uploader's
# words name who does what
_AGENCY_RESAVES = "请报送单位用 Excel 或 WPS 打开本单位留存的原文件，另存为 .xlsx 后重新上传。"
ANNOTATE_RESAVE = Advice("请用 Excel 打开后另存为 .xlsx 再试。", _AGENCY_RESAVES)
ANNOTATE_RESAVE_OR_ASK = Advice("请用 Excel 打开后另存为 .xlsx 再试，或请报送单位重新导出。", _AGENCY_RESAVES)
ANNOTATE_DRAWING = Advice("请在 Excel 中打开该工作簿，另存为 .xlsx 后再校验。", _AGENCY_RESAVES)

EVERY = tuple(value for value in tuple(globals().values()) if isinstance(value, Advice))


def _pattern(advice: Advice) -> tuple[re.Pattern[str], str]:
    """The receiver's words as a pattern, literal but for its {name}s (the words a message put there, up to a
    clause's end); the uploader's as its replacement, a {name} there the same words."""
    parts = re.split(r"\{(\w+)\}", advice.receiver)
    pattern = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>[^，。；（）]+?)" for i, p in enumerate(parts))
    return re.compile(pattern), re.sub(r"\{(\w+)\}", r"\\g<\1>", advice.uploader.replace("\\", "\\\\"))


# Longest first: a pair whose receiver's words hold another's is replaced whole
_PATTERNS = tuple(map(_pattern, sorted(EVERY, key=lambda a: -len(a.receiver))))


def for_uploader(message: str) -> str:
    """`message`, its advice addressed to the agency that uploaded the file to the service."""
    for receiver, uploader in _PATTERNS:
        message = receiver.sub(uploader, message)
    return message
