"""Running chunks of submissions on every core: a file that crashes or hangs its worker fails alone, the rest go on."""

from __future__ import annotations

import concurrent.futures as cf
from collections.abc import Callable, Sequence

from validator.batch.inputs import Item
from validator.batch.work import Options, check_chunk, unreadable
from validator.render.json import report_json

Results = Callable[[list[dict]], None]
NORMAL_SECONDS_PER_FILE = 3.0  # generous: checking a report takes well under a second


def _failed(item: Item, exc: BaseException, timeout: float) -> dict:
    """The result of a file whose worker crashed, hung or failed outside the engine's own isolation."""
    from pebble import ProcessExpired

    if isinstance(exc, cf.TimeoutError):
        reason = f"校验该文件超过 {timeout:g} 秒仍未完成，已停止。文件可能构造异常；请在 Excel 中打开核实后另存再校验。"
    elif isinstance(exc, ProcessExpired):
        reason = (
            f"读取该文件时校验进程异常退出（退出码 {exc.exitcode}），文件可能已损坏或构造异常。"
            "请在 Excel 中打开核实后另存再校验；其他文件不受影响。"
        )
    else:
        reason = f"本工具内部出错（{type(exc).__name__}: {exc}），该文件未能校验。请把该文件发给本工具的维护人员。"
    return report_json(unreadable(item.name, reason))


def run_chunks(chunks: Sequence[Sequence[Item]], options: Options, jobs: int, timeout: float, done: Results) -> None:
    """Check every chunk in a pool of `jobs` worker processes, calling done(results) as each chunk finishes.

    A chunk whose worker dies, runs too long or raises is checked again file by file, so that only the culprit (a
    file over `timeout` seconds, or one that kills its worker) becomes an unreadable result. On an interrupt the workers are stopped at once.
    """
    from pebble import ProcessPool

    pool = ProcessPool(max_workers=jobs)
    pending: dict[cf.Future, Sequence[Item]] = {}

    def submit(chunk: Sequence[Item]) -> None:
        # A hang is noticed after one file's limit plus what the rest normally take; the chunk is then retried file
        # by file, so a slow but sound chunk only costs time.
        limit = timeout + NORMAL_SECONDS_PER_FILE * (len(chunk) - 1)
        pending[pool.schedule(check_chunk, (list(chunk), options), timeout=limit)] = chunk

    try:
        for chunk in chunks:
            submit(chunk)
        while pending:
            finished, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            for future in finished:
                chunk = pending.pop(future)
                try:
                    results = future.result()
                except Exception as exc:
                    if len(chunk) > 1:
                        for item in chunk:
                            submit([item])
                        continue
                    results = [_failed(chunk[0], exc, timeout)]
                done(results)
    finally:
        if pending:
            pool.stop()
        else:
            pool.close()
        pool.join()
