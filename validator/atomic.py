"""Writing files atomically: the target is always either the old file or the complete new one."""

from __future__ import annotations

import errno
import os
import re
import shutil
import stat
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Protocol

try:
    import fcntl
except ImportError:  # Windows: a file another process holds open cannot be deleted, which marks it as in use
    fcntl = None

_HEX8 = re.compile(r"[0-9a-f]{8}")
_TEMPORARY_MARK = ".~"  # how every temporary name begins


class Saveable(Protocol):
    def save(self, filename: str | Path) -> None: ...


def write_atomic(target: Path, write: Callable[[Path], None]) -> None:
    """Call write(tmp) for a temporary file beside target, then move it over target in one step."""
    write_all_atomic({Path(target): write})


def write_all_atomic(writers: Mapping[Path, Callable[[Path], None]]) -> None:
    """Write every target to a temporary file first, then move them all into place, so that files made together
    are replaced together: an interruption while writing leaves every target as it was."""
    for target in writers:
        refuse_read_only(target)
    temporary = {target: _temporary(target) for target in writers}
    held: dict[Path, int] = {}
    try:
        for target, write in writers.items():
            _sweep_stale(target)
            held[target] = _hold(temporary[target])
            write(temporary[target])
            _flush_to_disk(temporary[target])
            if target.exists():
                shutil.copymode(target, temporary[target])
        for target, tmp in temporary.items():
            os.close(held.pop(target))  # Windows renames only files nobody holds open
            os.replace(tmp, target)
    except BaseException:
        for fd in held.values():
            os.close(fd)
        for tmp in temporary.values():
            tmp.unlink(missing_ok=True)
        raise


class ReadOnlyFile(PermissionError):
    """A file set read-only, which is not replaced."""

    user_reason = "文件设为只读，请去掉只读属性后重试"


def refuse_read_only(target: Path) -> None:
    """A file its owner set read-only is not replaced (a rename would, the folder being writable): Windows users
    mark submitted files read-only on purpose."""
    if target.exists() and (not os.stat(target).st_mode & stat.S_IWUSR or not os.access(target, os.W_OK)):
        raise ReadOnlyFile(errno.EACCES, "read-only file", str(target))


def _temporary(target: Path) -> Path:
    """A hidden name beside the target (same file system, so the move is atomic), no longer than the target's: a
    target whose name is near the file system's limit must not fail for its temporary file alone."""
    return target.with_name(f"{_prefix(target)}{uuid.uuid4().hex[:8]}{target.suffix}")


def _prefix(target: Path) -> str:
    return f"{_TEMPORARY_MARK}{target.stem[:40]}."


def _hold(tmp: Path) -> int:
    """Create the temporary file and hold it for the time of the write, so that no other run takes it for stale."""
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def _sweep_stale(target: Path) -> None:
    """Delete the temporary files an earlier write of the same target left when it was killed (a broken workbook
    beside the user's, and on Windows a leading dot hides nothing); files another run is writing are left.

    One listing of the folder, told apart by a prefix test: a batch writes thousands of copies into one folder, and
    a glob there costs a pattern match per file on every write. Names compare as the file system does (ignoring
    case on Windows)."""
    prefix, suffix = os.path.normcase(_prefix(target)), os.path.normcase(target.suffix)
    try:
        with os.scandir(target.parent) as entries:
            candidates = [entry for entry in entries if entry.name.startswith(_TEMPORARY_MARK)]
    except OSError:  # no folder: nothing to sweep, and the write itself says why it fails
        return
    for entry in candidates:
        name = os.path.normcase(entry.name)
        if not (
            name.startswith(prefix)
            and name.endswith(suffix)
            and _HEX8.fullmatch(name, len(prefix), len(name) - len(suffix))
            and entry.is_file()
        ):
            continue
        path = Path(entry.path)
        try:
            if fcntl is not None:
                with path.open("rb") as fh:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises while a writer holds it
                    path.unlink()
            else:
                path.unlink()  # fails while a writer holds it open
        except OSError:
            continue


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
