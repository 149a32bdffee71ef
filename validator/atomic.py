"""Saving a workbook atomically: the target is always either the old file or the complete new one."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from openpyxl.workbook import Workbook


def save_atomic(wb: Workbook, target: Path) -> None:
    """Save through a temporary file beside the target, so the target is either the old or the new file."""
    target = Path(target)
    tmp = target.with_name(f".~{target.stem}.{uuid.uuid4().hex[:8]}{target.suffix}")
    try:
        wb.save(tmp)
        if target.exists():
            shutil.copymode(target, tmp)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
