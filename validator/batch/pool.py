"""Running chunks of submissions on every core: a file that crashes or hangs its worker fails alone, the rest go on."""

from __future__ import annotations

import concurrent.futures as cf
from collections.abc import Callable, Sequence

from validator.batch.inputs import Item
from validator.batch.work import Options, check_chunk, unreadable
from validator.render.json import report_json

Results = Callable[[list[dict]], None]
Submit = Callable[[Sequence[Item]], cf.Future]
Failed = Callable[[Item, BaseException], dict]
NORMAL_SECONDS_PER_FILE = 3.0  # generous: checking a report takes well under a second


def worker_died(exitcode: object) -> str:
    return (
        f"读取该文件时校验进程异常退出（退出码 {exitcode}），文件可能已损坏或构造异常。"
        "请在 Excel 中打开核实后另存再校验；其他文件不受影响。"
    )


def internal(exc: BaseException) -> str:
    return f"本工具内部出错（{type(exc).__name__}: {exc}），该文件未能校验。请把该文件发给本工具的维护人员。"


def drive(chunks: Sequence[Sequence[Item]], submit: Submit, failed: Failed, done: Results) -> None:
    """Submit every chunk and call done(results) as each finishes, on any executor with concurrent.futures futures.

    A chunk that fails as a whole (its worker died, it ran too long, it raised) is submitted again file by file, so
    that only the culprit becomes an unreadable result, described by failed(item, exception).
    """
    pending = {submit(chunk): chunk for chunk in chunks}
    while pending:
        finished, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
        for future in finished:
            chunk = pending.pop(future)
            try:
                results = future.result()
            except Exception as exc:
                if len(chunk) > 1:
                    pending.update({submit([item]): [item] for item in chunk})
                    continue
                results = [failed(chunk[0], exc)]
            done(results)


def run_chunks(chunks: Sequence[Sequence[Item]], options: Options, jobs: int, timeout: float, done: Results) -> None:
    """Check every chunk in a pool of `jobs` local worker processes (a file over `timeout` seconds is stopped).

    On an interrupt the workers are stopped at once.
    """
    from pebble import ProcessExpired, ProcessPool

    def submit(chunk: Sequence[Item]) -> cf.Future:
        # A hang is noticed after one file's limit plus what the rest normally take; the chunk is then retried file
        # by file, so a slow but sound chunk only costs time.
        limit = timeout + NORMAL_SECONDS_PER_FILE * (len(chunk) - 1)
        return pool.schedule(check_chunk, (list(chunk), options), timeout=limit)

    def failed(item: Item, exc: BaseException) -> dict:
        if isinstance(exc, cf.TimeoutError):
            reason = (
                f"校验该文件超过 {timeout:g} 秒仍未完成，已停止。文件可能构造异常；请在 Excel 中打开核实后另存再校验。"
            )
        else:
            reason = worker_died(exc.exitcode) if isinstance(exc, ProcessExpired) else internal(exc)
        return report_json(unreadable(item.name, reason))

    pool = ProcessPool(max_workers=jobs)
    stopped = True
    try:
        drive(chunks, submit, failed, done)
        stopped = False
    finally:
        if stopped:  # interrupted or failed: do not wait for the chunks still running
            pool.stop()
        else:
            pool.close()
        pool.join()
