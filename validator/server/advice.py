"""The advice of messages shared with `nianbao check` and `nianbao batch`, told to the uploader of the upload page.

Those messages are written for whoever received the file: ask the submitting (publishing) agency for a complete
one, pack archives again as a zip, check it again once saved anew, have the administrator raise a reading limit. On
the upload page the reader is that agency, the page unpacks no archive, the next step is to upload again, and the
server's limits are the office's to raise: each such advice is replaced by what the uploader does (on the page of an
annotated copy, read by the office too, by words naming who does what). The messages keep one source; the result the
office sees (stored, on its pages and in 汇总.xlsx) keeps their words for the office.
"""

from __future__ import annotations

import re

UNPACK = "请解压后在上传页面选择其中的{what}上传（可一次选择多个）。"
_UPLOAD_AGAIN = "请用本单位留存的原文件重新保存或导出一份，再重新上传。"
_REMOVE_EXTRA = "请删除文件中与年报无关的内容（如图片、多余的工作表或页面），用 Excel、WPS 或 Word 另存后重新上传"

# (the receiver's advice, the uploader's): each as the shared messages write it, its whole clause; a {name} in the
# receiver's stands for the words the message puts there (validator/sources/limits.py RAISE: the limit's variable)
ADVICE = (
    ("请重新导出或向报送单位索取完整文件。", _UPLOAD_AGAIN),  # validator/sources/sniff.py, package.py
    ("请重新导出或向发布单位索取完整文件。", _UPLOAD_AGAIN),  # validator/sources/pdf.py
    ("请重新下载或向发布单位索取完整文件。", _UPLOAD_AGAIN),
    ("打开后重新保存，或向报送单位索取完整文件", "打开后重新保存，再重新上传"),  # package.py, guard.py
    ("请向报送单位索取 Excel 格式（.xlsx）的年报工作簿。", "请上传 Excel 格式（.xlsx）的年报工作簿。"),  # sniff.py
    ("请向发布单位索取未加密的版本，", "请上传未加密的版本，"),  # pdf.py
    ("请核实文件来源，或请报送单位重新导出。", "请用 Excel 或 WPS 打开本单位留存的原文件，另存后重新上传。"),
    ("或向发布单位索取 Word、网页或 Excel 版本后再校验。", "或改为上传年报的 Word、网页或 Excel 版本。"),  # sniff.py
    (
        "本工具只能解开 zip 压缩包。请用解压软件解压后校验其中的报告，或把它们重新打包为 zip。",  # sniff.py
        f"上传页面不解压压缩包。{UNPACK.format(what='文件')}",
    ),
    # limits.py: the server's reading limits are the office's to raise
    ("请核实文件来源，删除多余内容后另存再校验", _REMOVE_EXTRA),
    ("请删除与年报无关的内容后另存再校验", _REMOVE_EXTRA),
    ("删除表格以外多余的行、列后另存再校验", "删除表格以外多余的行、列，另存后重新上传"),  # limits.py FAR_CELLS
    ("取消合并后另存再校验", "取消合并，另存后重新上传"),  # limits.py MERGED_CELLS
    ("请只提交年报部分（如从 PDF 中提取年报所在的页）再校验", "请只上传年报部分（如从 PDF 中提取年报所在的页）"),
    (
        "如确需处理更大的文件，可由管理员调高该上限（环境变量 {variable}，见 docs/security.md）",
        "如年报确实需要这些内容，请联系政务公开办调高校验服务的该项上限",
    ),
    # the next step on the upload page is to upload again
    ("“另存为”Excel 工作簿（*.xlsx）后再校验。", "“另存为”Excel 工作簿（*.xlsx）后重新上传。"),  # sniff.py SAVE_AS
    ("或用 Word 重新保存后再校验。", "或用 Word 重新保存后重新上传。"),  # docx.py
    ("请提供可复制文字的 PDF、Word 或网页版本后再校验。", "请上传可复制文字的 PDF、Word 或网页版本。"),
    ("请下载该附件（PDF、Word 或 Excel 文件）后再校验。", "请上传该附件（PDF、Word 或 Excel 文件）。"),  # html.py
    ("后再校验，或下载年报的 PDF、Word 版本。", "后重新上传，或上传年报的 PDF、Word 版本。"),  # html.py, mhtml.py
    (
        "请把另存网页时附带的文件夹（与网页同名，如「报告_files」）放在网页旁边再校验；或",
        "请",
    ),  # html.py: no folders here
    # validator/sources/formats.py, on a server without LibreOffice: installing it is the office's to do
    ("需要 LibreOffice 才能读取，本机未安装。", "需要 LibreOffice 才能读取，校验服务器未安装。"),
    ("后再校验；或安装 LibreOffice 后重试。", "后重新上传。"),
    # validator/annotate/package.py, on the page of an annotated copy: read by the uploader and the office alike
    (
        "请用 Excel 打开后另存为 .xlsx 再试，或请报送单位重新导出。",
        "请报送单位用 Excel 或 WPS 打开本单位留存的原文件，另存为 .xlsx 后重新上传。",
    ),
)
# Each receiver's words as a pattern, literal but for its {name}s; each uploader's as a replacement, literal
_PATTERNS = tuple(
    (re.compile("[^，。；（）]+".join(map(re.escape, re.split(r"\{\w+\}", receiver)))), uploader.replace("\\", r"\\"))
    for receiver, uploader in ADVICE
)


def for_uploader(message: str) -> str:
    """`message`, its advice addressed to the agency that uploaded the file."""
    for receiver, uploader in _PATTERNS:
        message = receiver.sub(uploader, message)
    return message
