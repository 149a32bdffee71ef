"""Inside Excel through xlwings: live values as a WorkbookGrid, the annotation plan painted into the open workbook."""
