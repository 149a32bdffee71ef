"""Annotation: what to mark (a pure plan) and painters that write it into a workbook."""
