"""Names of the sheets the tool itself writes into workbooks (readers skip them), and the fills it uses."""

RESULT_SHEET = "校验结果"  # first sheet of an annotated copy: every finding with a link to its cell
MARKS_SHEET = "_校验标记"  # very hidden: original fills and notes of marked cells, for exact restoring
TEMPLATE_INFO_SHEET = "_模板信息"  # hidden: template id and version of a generated blank workbook
# A row of TEMPLATE_INFO_SHEET in a published report converted into the official workbook (nianbao import, the report's
# annotated copy): the keys of the required cover fields the report had no value for (a published report has no cover).
UNPUBLISHED_ROW = "原文没有的封面项"
FACTS_SHEET = "_校验请求"  # very hidden, only during a request of the server button: merges, notes, visibility
TOOL_SHEETS = frozenset({RESULT_SHEET, MARKS_SHEET, TEMPLATE_INFO_SHEET})
RESULT_TITLE = "政府信息公开工作年度报告校验结果"  # A1 of the results sheet: how a copied-in results sheet is known
EXPLANATION_COLUMN = "单位说明"  # the results sheet's column for the agency's explanations (the cells to type in)
ID_COLUMN = "编号"  # the results sheet's column of stable finding ids, which explanations follow
WHOLE_WORKBOOK = "整个工作簿"  # the place of a finding on no cell, wherever findings are listed (and read back)
WHOLE_REPORT = "整份年报"  # the same for a published document (web page, Word, PDF), which has no workbook


def is_results_sheet(name: str, first_cell: object) -> bool:
    """A results sheet this tool wrote: named 校验结果 (or 校验结果1… beside a user's own), or titled as one."""
    return name == RESULT_SHEET or first_cell == RESULT_TITLE


# Fills of the blank official workbook (RGB). Red, yellow and blue tones are reserved for marks. A painter that cannot
# read a marked cell's original fill restores INPUT_FILL, the fill that the template gives every input cell.
INPUT_FILL = "EBF5E9"  # pale green
LABEL_FILL = "F2F2F2"

# Marks (RGB): the primary cell of a finding is strong, its related cells a paler tone of the same hue.
PRIMARY_FILL: dict[str, str] = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}
RELATED_FILL: dict[str, str] = {"error": "FDEBEE", "warning": "FFF6D5", "info": "EEF5FB"}
