"""Checking located reports: parsing cell values, the pandera schema, and the run that turns failures into findings."""
