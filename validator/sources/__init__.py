"""Adapters that read cells from somewhere (a file, later a live Excel book) into a WorkbookGrid."""

from validator.sources.grid import ExcelError, ReadError, SheetGrid, Uncached, WorkbookGrid

__all__ = ["ExcelError", "ReadError", "SheetGrid", "Uncached", "WorkbookGrid"]
