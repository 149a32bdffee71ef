"""The service's work, run in a bounded pool of worker processes: a hostile file or payload costs one request.

Files are read by the guarded reader (validator/sources/guard.py) inside each pool worker, as `nianbao check` does.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any

from validator.audience import UNPACK, for_uploader
from validator.batch.copies import write_copy
from validator.engine import check_paths
from validator.render.json import report_json
from validator.sources.sniff import HEAD, archive_contents, other_archive, other_archive_refusal

TIMEOUT_SECONDS = 120.0  # far beyond a report's normal second: only a hang reaches it


class Busy(Exception):
    """The pool's queue is full; the message is Chinese."""


class NotAReport(Exception):
    """The upload is an archive of files, not one report: not kept as a submission; the message is Chinese."""


def check_file(path: str, filename: str) -> dict:
    """The file's result, as `nianbao check --format json` gives it, named by the uploaded file name; raises
    NotAReport for an archive, whatever its name (the upload page does not unpack it, as `nianbao batch` does)."""
    (report,) = check_paths([path])
    report.path = filename
    if report.error:
        data = Path(path).read_bytes()
        if (archive := archive_contents(data)) is not None:
            raise NotAReport(archive.message(UNPACK.uploader))
        if kind := other_archive(data[:HEAD]):
            suffix = Path(filename).suffix
            named = "" if other_archive(suffix=suffix) == kind else suffix
            raise NotAReport(for_uploader(other_archive_refusal(kind, named)))
    return report_json(report)


def annotate_file(path: str, filename: str, folder: str, uploader: bool) -> str:
    """Write the annotated copy into `folder`, named as `nianbao check` names it after the uploaded file (年报.校验.xlsx;
    a document's converted copy 年报.html.校验.xlsx); its path, or the Chinese reason there is none ("!" first). The
    `uploader`'s copy speaks to the agency that uploaded the file, as the upload page does; the office's keeps the
    words for whoever received the file."""
    with tempfile.TemporaryDirectory(prefix="nianbao-serve-") as tmp:
        source = Path(tmp) / filename  # the stored file is named by its hash; copies and their sheets by the upload
        shutil.copyfile(path, source)
        (report,) = check_paths([source])
        if report.error:
            return f"!无法生成标注副本：{report.error}"
        written = write_copy(source, report, Path(folder), words=for_uploader if uploader else None)
    return f"!{written}" if isinstance(written, str) else str(written.path)


def remote_answer(action: str, body: bytes) -> dict:
    """The answer to the Excel button's request body (validator/excel/remote.py), or a message box saying what is
    wrong; parsed here, in the worker, so that a huge or hostile body costs the worker, never the server."""
    from validator.excel.remote import PayloadError, answer, error_answer

    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: nested past the parser's limit
        payload = None
    try:
        return answer(action, payload)
    except PayloadError as exc:
        return error_answer(str(exc))


class Pool:
    """A pebble process pool of `workers` processes with at most `queue` jobs waiting."""

    def __init__(self, workers: int, queue: int) -> None:
        from pebble import ProcessPool

        os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # see validator/excel/simulate.py
        self._pool = ProcessPool(max_workers=workers)
        self._slots = asyncio.Semaphore(workers + queue)
        self._limit = workers + queue

    async def run(self, func: Callable[..., Any], *args: object) -> Any:
        """func(*args) in a worker; raises Busy when the queue is full, TimeoutError for a hang, or what it raised
        (a worker that died raises pebble's ProcessExpired)."""
        if self._slots.locked():
            raise Busy(f"服务器正忙（已有 {self._limit} 个文件在排队），请稍后重试。")
        async with self._slots:
            future = self._pool.schedule(func, args, timeout=TIMEOUT_SECONDS)
            try:
                return await asyncio.wrap_future(future)
            except FutureTimeout as exc:
                raise TimeoutError from exc

    def close(self) -> None:
        self._pool.stop()
        self._pool.join()
