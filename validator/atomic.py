"""Writing files atomically: the target is always either the old file or the complete new one."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Protocol


class Saveable(Protocol):
    def save(self, filename: str | Path) -> None: ...


def write_atomic(target: Path, write: Callable[[Path], None]) -> None:
    """Call write(tmp) for a temporary file beside target, then move it over target in one step."""
    write_all_atomic({Path(target): write})


def write_all_atomic(writers: Mapping[Path, Callable[[Path], None]]) -> None:
    """Write every target to a temporary file first, then move them all into place, so that files made together
    are replaced together: an interruption while writing leaves every target as it was."""
    temporary = {
        target: target.with_name(f".~{target.stem}.{uuid.uuid4().hex[:8]}{target.suffix}") for target in writers
    }
    try:
        for target, write in writers.items():
            write(temporary[target])
            if target.exists():
                shutil.copymode(target, temporary[target])
        for target, tmp in temporary.items():
            os.replace(tmp, target)
    except BaseException:
        for tmp in temporary.values():
            tmp.unlink(missing_ok=True)
        raise


def save_atomic(wb: Saveable, target: Path) -> None:
    """Save a workbook (anything with .save(path)) atomically."""
    write_atomic(target, wb.save)
