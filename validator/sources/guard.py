"""Reading submitted files in a reused worker process, so that a native abort, a hang or a memory blow-up in a
reader costs one file's result and never the caller (a CLI run, a batch worker, Excel).

One worker per process serves every file in turn, so a normal file pays only the pickling of its cells; a worker
that dies or overruns the time limit is replaced for the next file. On Linux the worker is forked from the caller
after its imports (validator.sources.forked), elsewhere it is a fresh interpreter. `read_workbook` is thread-safe.
"""

from __future__ import annotations

import atexit
import collections
import os
import pickle
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

from validator.audience import RESAVE_OR_ASK
from validator.sources import convert
from validator.sources.forked import READER_THREAD, Forked, can_fork
from validator.sources.grid import ReadError
from validator.sources.limits import Limits, over_limit
from validator.sources.sniff import CFB_MAGIC, PDF_MAGIC, is_converted_head
from validator.sources.xlsx import Loaded

_PDF_PAGE_SECONDS = 0.1  # pdfplumber's layout of one page of a report, with room for a busy machine
_STARTUP_SECONDS = 60  # importing the readers on a busy machine; a worker that cannot start is a defect of the tool
_CRASHED = (
    "读取该文件时，表格解析组件异常终止（{how}）：文件内部结构异常，可能已损坏或被恶意构造，已拒绝读取。"
    f"请用 Excel 或 WPS {RESAVE_OR_ASK.receiver}；其他文件的校验不受影响。"
)


_REPORT_DEFECT = "这是本工具的问题，与文件无关：请重试；仍然出现时，请把以下信息发给本工具的维护人员。\n"


class WorkerError(RuntimeError):
    """The worker could not start or broke the protocol: a defect of the tool, not of the file."""


class _Worker:
    """One `python -m validator.sources.worker` process, its answers read by a thread (portable timeouts)."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen | Forked = (
            Forked()
            if can_fork()
            else subprocess.Popen(
                [sys.executable, "-m", "validator.sources.worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env={**os.environ, "RUST_BACKTRACE": "0"},  # a Rust abort then says only why, e.g. allocating
            )
        )
        self.answers: queue.Queue = queue.Queue()
        self.ready = False
        self.stderr: collections.deque[bytes] = collections.deque(maxlen=40)
        threading.Thread(target=self._read_answers, daemon=True, name=READER_THREAD).start()
        self._stderr_reader = threading.Thread(target=self._read_stderr, daemon=True, name=READER_THREAD)
        self._stderr_reader.start()

    def _read_answers(self) -> None:
        try:
            while True:
                self.answers.put(pickle.load(self.proc.stdout))
        except Exception:  # EOF: the worker ended (or died); the waiting side looks at why
            self.answers.put(None)

    def _read_stderr(self) -> None:
        for line in self.proc.stderr:
            self.stderr.append(line)

    def ask(self, request: tuple, seconds: float) -> tuple | str | None:
        """The answer to `request`, None when the worker died, or raise queue.Empty after `seconds`."""
        pickle.dump(request, self.proc.stdin)
        self.proc.stdin.flush()
        return self.answers.get(timeout=seconds)

    def wait_ready(self) -> None:
        """Wait for the worker's imports once; it may have started long before the first file. A worker that does
        not start is the tool's defect, never the file's: raise WorkerError saying how it ended."""
        if self.ready:
            return
        try:
            answer = self.answers.get(timeout=_STARTUP_SECONDS)
        except queue.Empty:
            self.stop()
            raise WorkerError(f"读取进程在 {_STARTUP_SECONDS} 秒内未能启动。{_REPORT_DEFECT}{self._tail()}") from None
        if answer != "ready":
            try:
                how = _how(self.proc.wait(timeout=5))  # its answers ended: it is ending
            except subprocess.TimeoutExpired:
                self.stop()
                how = "未按约定应答"
            raise WorkerError(f"读取进程未能启动（{how}）。{_REPORT_DEFECT}{self._tail()}")
        self.ready = True

    def _tail(self) -> str:
        """The end of what the worker wrote to stderr (complete once it has ended)."""
        if self.proc.poll() is not None:
            self._stderr_reader.join(timeout=2)
        return b"".join(self.stderr).decode("utf-8", "replace")[-2000:]

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()

    def close(self) -> None:
        """Let the worker end by itself at the end of its input."""
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.stop()


class Guard:
    """Reads workbooks through a reused worker process; see the module docstring."""

    def __init__(self) -> None:
        self._worker: _Worker | None = None
        self._lock = threading.Lock()
        atexit.register(self.close)
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=self._forget)

    def _forget(self) -> None:
        """In a process forked from this one (a pool's worker): the worker and the lock are the parent's, never this
        process's to use or stop; it starts its own worker at its first read."""
        self._worker = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start a fresh interpreter's worker now (it imports its readers while the caller imports the rest); a
        forked worker is started at the first read, after the caller's imports."""
        if can_fork():
            return
        with self._lock:
            self._ensure()

    def _ensure(self) -> _Worker:
        if self._worker is None or self._worker.proc.poll() is not None:
            try:
                self._worker = _Worker()
            except OSError as exc:
                raise WorkerError(f"无法启动读取进程：{exc}") from exc
        return self._worker

    def read(
        self, path: Path, exact: bool = False, limits: Limits | None = None, labels: frozenset[str] = frozenset()
    ) -> Loaded:
        """Like validator.sources.xlsx.load, with the file's failures (a crash, the time or memory limit) turned
        into ReadError; raises WorkerError when the worker itself is broken."""
        limits = limits or Limits.from_env()
        seconds = limits.seconds + _extra_seconds(path, limits)
        with self._lock:
            worker = self._ensure()
            try:
                worker.wait_ready()
            except WorkerError:
                self._worker = None
                raise
            try:
                answer = worker.ask((str(path), exact, limits, labels), seconds)
            except queue.Empty:
                worker.stop()
                self._worker = None
                raise over_limit(limits, "seconds", "读取该文件") from None
            except (OSError, ValueError) as exc:  # the pipe broke: the worker died between two files
                worker.stop()
                self._worker = None
                raise WorkerError(f"读取进程意外退出：{exc}") from exc
            if answer is None:
                return self._died(worker, limits)
        return _unpack(answer, limits)

    def _died(self, worker: _Worker, limits: Limits) -> Loaded:
        code = worker.proc.wait()
        tail = worker._tail()
        self._worker = None
        if "memory allocation" in tail or "MemoryError" in tail:
            raise over_limit(limits, "memory_bytes", "读取该文件所需内存")
        raise ReadError(_CRASHED.format(how=_how(code)), "crashed")

    def close(self) -> None:
        with self._lock:
            if self._worker is not None:
                self._worker.close()
                self._worker = None


def _extra_seconds(path: Path, limits: Limits) -> float:
    """The time beyond the limit that a file takes for what it is: an OLE compound file (.doc/.wps/.xls/.et), an
    OpenDocument spreadsheet or text (.ods/.odt), RTF or Word 2003 XML may be converted by LibreOffice first, and a
    long PDF is laid out page by page (~70 ms each), so that a PDF within the page limit is read rather than refused as if it were hostile."""
    try:
        if not Path(path).is_file():  # a FIFO or device is refused by the worker, never opened here
            return 0
        with open(path, "rb") as fh:
            head = fh.read(1024)
    except OSError:
        return 0
    if head.startswith(CFB_MAGIC) or is_converted_head(head):
        return convert.SECONDS
    return limits.pages * _PDF_PAGE_SECONDS if PDF_MAGIC in head else 0


def _unpack(answer: tuple, limits: Limits) -> Loaded:
    kind, *rest = answer
    if kind == "ok":
        return rest[0]
    if kind == "refused":
        raise ReadError(*rest)
    if kind == "memory":
        raise over_limit(limits, "memory_bytes", "读取该文件所需内存")
    raise WorkerError(f"读取时出现内部错误：\n{rest[0]}")


def _how(code: int) -> str:
    if code < 0:
        try:
            return f"信号 {signal.Signals(-code).name}"
        except ValueError:
            return f"信号 {-code}"
    return f"退出码 {code}"


_GUARD = Guard()


def read_workbook(
    path: Path, exact: bool = False, limits: Limits | None = None, labels: frozenset[str] = frozenset()
) -> Loaded:
    """Read one workbook through the process-wide guard (`labels`: validator.sources.formats.read_document's)."""
    return _GUARD.read(path, exact, limits, labels)


def start() -> None:
    """Start the process-wide worker ahead of the first file."""
    _GUARD.start()
