"""xlwings Lite script: the 校验 and 清除标记 buttons in Excel's xlwings Lite task pane.

Paste this file into xlwings Lite's main.py and requirements.txt beside it into its requirements.txt. Both
functions call the same adapter as the desktop buttons and `nianbao excel simulate` (validator.excel.actions).
Limits: see README.md in this folder.
"""

import xlwings as xw
from xlwings import script

from validator.excel.actions import clear_book, validate_book


@script
def 校验(book: xw.Book):
    """Check the open workbook's current values; mark the wrong cells and add the 校验结果 sheet."""
    print(validate_book(book))


@script
def 清除标记(book: xw.Book):
    """Remove the marks and the 校验结果 sheet; restore fills and notes."""
    print(clear_book(book))
