"""docs/design.md, the map of the code, names only paths that exist, so it cannot drift from the code again."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DESIGN = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
TOP = ("validator/", "tests/", "docs/", "templates/", "benchmarks/", "macros/")


def _named_paths() -> set[str]:
    """Every `validator/…` path, and every code-quoted path with a folder (relative to validator/ unless it starts
    at the top of the repository); placeholders such as `<kind>.py` are skipped."""
    paths = {m.rstrip(".,;:") for m in re.findall(r"validator/[\w./*-]+", DESIGN)}
    for quoted in re.findall(r"`([^`\s]+)`", DESIGN):
        if "/" in quoted and quoted.endswith((".py", "/")) and not quoted.startswith(TOP):
            paths.add(f"validator/{quoted}")
    return {p for p in paths if "<" not in p}


def test_design_names_many_paths() -> None:
    assert len(_named_paths()) > 40


def test_every_path_design_names_exists() -> None:
    missing = sorted(p for p in _named_paths() if not any(ROOT.glob(p.rstrip("/"))))
    assert missing == []
