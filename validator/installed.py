"""Where the package's own data is: the template specs, in a checkout or where a wheel installs them."""

from __future__ import annotations

import sysconfig
from pathlib import Path


def _templates_dir() -> Path:
    """templates/ of the source tree (a checkout, an editable install), else where a wheel installs it."""
    source_tree = Path(__file__).resolve().parents[1] / "templates"
    if source_tree.is_dir():
        return source_tree
    return Path(sysconfig.get_path("data")) / "share" / "nianbao-validator" / "templates"


TEMPLATES_DIR = _templates_dir()
