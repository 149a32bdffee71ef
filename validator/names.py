"""Names of the sheets the tool itself writes into workbooks; readers skip them."""

RESULT_SHEET = "校验结果"  # first sheet of an annotated copy: every finding with a link to its cell
MARKS_SHEET = "_校验标记"  # very hidden: original fills and notes of marked cells, for exact restoring
TEMPLATE_INFO_SHEET = "_模板信息"  # hidden: template id and version of a generated blank workbook
TOOL_SHEETS = frozenset({RESULT_SHEET, MARKS_SHEET, TEMPLATE_INFO_SHEET})
