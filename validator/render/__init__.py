"""Renderers: reports as JSON or a terminal table, and the rule reference as Markdown."""
