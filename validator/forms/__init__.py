"""The blank official workbook: layout geometry (pure), the workbook itself, and the filled example."""
