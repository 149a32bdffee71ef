"""Running chunks of submissions on a dask.distributed cluster: the same per-chunk work as on local cores.

Workers either share the file system (paths are sent, copies are written by the workers) or not (`send_files`: the
workbooks' bytes travel to the workers, and the annotated copies' bytes travel back to be written here).
"""

from __future__ import annotations

import concurrent.futures as cf
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path, PurePosixPath

from validator.atomic import write_atomic
from validator.batch.inputs import Item
from validator.batch.pool import Results, drive, internal, worker_died
from validator.batch.work import Options, check_chunk, unreadable
from validator.render.json import report_json

INSTALL_HINT = "使用 --scheduler 需要安装 dask.distributed：pip install 'nianbao-validator[cluster]'"
Shipped = list[tuple[dict, bytes | None]]  # each result, with the bytes of its annotated copy (if any)


class ClusterError(Exception):
    """The cluster cannot be used (not installed, scheduler unreachable); the message is Chinese."""


def run_on_cluster(
    chunks: Sequence[Sequence[Item]], options: Options, scheduler: str, send_files: bool, done: Results
) -> None:
    """Check every chunk on the cluster whose scheduler listens at `scheduler` (tcp://HOST:PORT)."""
    try:
        from distributed import Client, KilledWorker
    except ImportError as exc:
        raise ClusterError(INSTALL_HINT) from exc
    try:
        client = Client(scheduler, timeout="10s", set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ClusterError(
            f"无法连接调度器 {scheduler}（{exc}）。请确认调度器已启动、地址和端口正确、防火墙允许访问。"
        ) from exc

    def failed(item: Item, exc: BaseException) -> dict:
        reason = worker_died("未知") if isinstance(exc, KilledWorker) else internal(exc)
        return report_json(unreadable(item.name, reason))

    options = replace(options, isolated=True)
    with client, client.get_executor(pure=False) as executor:
        if send_files:

            def submit(chunk: Sequence[Item]) -> cf.Future:
                return executor.submit(check_shipped, [(item, _bytes(item)) for item in chunk], options)

            drive(chunks, submit, failed, lambda shipped: done(_land(shipped, options)))
        else:
            drive(
                chunks, lambda chunk: executor.submit(check_chunk, list(map(_absolute, chunk)), options), failed, done
            )


def _absolute(item: Item) -> Item:
    """Workers run elsewhere: a path relative to this process's folder means nothing to them."""
    return replace(item, path=str(Path(item.path).absolute()))


def _bytes(item: Item) -> bytes:
    if item.error is not None:
        return b""
    try:
        return Path(item.path).read_bytes()
    except OSError:
        return b""  # checking the empty content says the file cannot be read, as on this machine


def check_shipped(files: Sequence[tuple[Item, bytes]], options: Options) -> Shipped:
    """On a worker: write the workbooks to a temporary folder, check them, and return results and copies as bytes."""
    with tempfile.TemporaryDirectory(prefix="nianbao-") as tmp:
        local = []
        for i, (item, data) in enumerate(files):
            path = Path(tmp, "in", str(i), PurePosixPath(item.name).name)
            path.parent.mkdir(parents=True)
            path.write_bytes(data)
            local.append(replace(item, path=str(path)))
        out = Path(tmp, "out")
        results = check_chunk(local, replace(options, out=str(out) if options.out else None))
        return [(doc, (out / doc["annotated"]).read_bytes() if doc.get("annotated") else None) for doc in results]


def _land(shipped: Shipped, options: Options) -> list[dict]:
    """Write the annotated copies that came back from a worker into the output folder; the results as they are."""
    for doc, copy in shipped:
        if copy is not None and options.out:
            target = Path(options.out, doc["annotated"])
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, lambda tmp, data=copy: tmp.write_bytes(data))
    return [doc for doc, _ in shipped]
