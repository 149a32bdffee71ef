"""Writing files atomically: the target is always either the old file or the complete new one."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Protocol


class Saveable(Protocol):
    def save(self, filename: str | Path) -> None: ...


def write_atomic(target: Path, write: Callable[[Path], None]) -> None:
    """Call write(tmp) for a temporary file beside target, then move it over target in one step."""
    target = Path(target)
    tmp = target.with_name(f".~{target.stem}.{uuid.uuid4().hex[:8]}{target.suffix}")
    try:
        write(tmp)
        if target.exists():
            shutil.copymode(target, tmp)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def save_atomic(wb: Saveable, target: Path) -> None:
    """Save a workbook (anything with .save(path)) atomically."""
    write_atomic(target, wb.save)
