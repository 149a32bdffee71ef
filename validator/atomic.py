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
    # Beside each target (same file system, so the move is atomic), with a name no longer than the target's: a
    # target whose name is near the file system's limit must not fail for its temporary file alone.
    temporary = {
        target: target.with_name(f".~{target.stem[:40]}.{uuid.uuid4().hex[:8]}{target.suffix}") for target in writers
    }
    try:
        for target, write in writers.items():
            write(temporary[target])
            _flush_to_disk(temporary[target])
            if target.exists():
                shutil.copymode(target, temporary[target])
        for target, tmp in temporary.items():
            os.replace(tmp, target)
    except BaseException:
        for tmp in temporary.values():
            tmp.unlink(missing_ok=True)
        raise


def _flush_to_disk(path: Path) -> None:
    """Have the content on disk before the move, so that a power cut cannot leave an empty target."""
    fd = os.open(path, os.O_RDONLY)  # read-only: a copy may carry a read-only file's permissions
    try:
        os.fsync(fd)
    except OSError:  # Windows flushes only writable handles; the move is atomic all the same
        pass
    finally:
        os.close(fd)


def save_atomic(wb: Saveable, target: Path) -> None:
    """Save a workbook (anything with .save(path)) atomically."""
    write_atomic(target, wb.save)


def copy_atomic(source: Path, target: Path) -> None:
    """Copy a file (content, permissions and times) so that target is never a partial copy."""
    write_atomic(target, lambda tmp: shutil.copy2(source, tmp))
