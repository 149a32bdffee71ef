"""The advice of messages shared with `nianbao check` and `nianbao batch`, told to the uploader of the upload page.

Those messages are written for whoever received the file: ask the submitting (publishing) agency for a complete
one, pack archives again as a zip. On the upload page the reader is that agency, and the page unpacks no archive:
each such advice is replaced by what the uploader does. The messages keep one source; the result the office sees
(stored, on its pages and in 汇总.xlsx) keeps their words for the office.
"""

from __future__ import annotations

UNPACK = "请解压后在上传页面选择其中的{what}上传（可一次选择多个）。"
_UPLOAD_AGAIN = "请用本单位留存的原文件重新保存或导出一份，再重新上传。"

# (the receiver's advice, the uploader's): each as the shared messages write it, its whole clause
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
)


def for_uploader(message: str) -> str:
    """`message`, its advice addressed to the agency that uploaded the file."""
    for receiver, uploader in ADVICE:
        message = message.replace(receiver, uploader)
    return message
