"""Bulk checking (`nianbao batch`): many submissions → results, a summary workbook, an HTML report, annotated copies."""
