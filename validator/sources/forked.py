"""A reading worker forked from the calling process after its imports (Linux), with the few methods of
subprocess.Popen that validator.sources.guard uses.

A fresh interpreter for the worker costs about as much CPU as checking one file; a fork costs a few milliseconds
and shares what the caller has imported. Only where forking is safe: on Linux (macOS system libraries may abort
in a forked child, Windows has no fork) and with no other Python thread running (but the guard's, which only wait
on their own worker's pipes), since a thread holding a lock at the fork would leave it held for ever in the child.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import subprocess
import sys
import threading
import time

READER_THREAD = "nianbao-reader"  # name of the guard's own threads: they only wait on their worker's pipes


def can_fork() -> bool:
    """Whether a worker may be forked from this process now: on Linux, and from its only thread but the guard's."""
    current = threading.current_thread()
    return sys.platform == "linux" and all(t is current or t.name == READER_THREAD for t in threading.enumerate())


class Forked:
    """A forked `validator.sources.worker.serve` loop, its stdin, stdout and stderr being pipes to this process."""

    def __init__(self) -> None:
        requests, self._requests = os.pipe()
        self._answers, answers = os.pipe()
        self._errors, errors = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            _child(requests, answers, errors)  # never returns
        for fd in (requests, answers, errors):
            os.close(fd)
        self.stdin = os.fdopen(self._requests, "wb")
        self.stdout = os.fdopen(self._answers, "rb")
        self.stderr = os.fdopen(self._errors, "rb")
        self.returncode: int | None = None

    def poll(self) -> int | None:
        """The exit code (negative: the signal that ended it), None while it runs."""
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is None:
                self.returncode = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])
            elif time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"worker {self.pid}", timeout)
            else:
                time.sleep(0.01)
        return self.returncode

    def kill(self) -> None:
        if self.poll() is None:
            os.kill(self.pid, signal.SIGKILL)


def _child(requests: int, answers: int, errors: int) -> None:
    """Serve requests until the pipe closes, then end without running the caller's exit handlers."""
    code = 1
    try:
        import fcntl  # POSIX only: imported where a fork happens

        # The caller's objects stay here but their descriptors are closed or become the pipes below: none may be
        # collected here, or a file the caller had not yet collected (any long-running process has some at times) would
        # close the worker's own pipe, e.g. its answers on descriptor 3. Also spares copying the caller's pages.
        gc.freeze()
        # Replaced before the pipes take 0-3: a stream dropped here closes its own descriptor, not a pipe.
        sys.stdin = open(0, "rb", closefd=False)  # noqa: SIM115 - ends with the process
        sys.stdout = sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115 - fresh: no lock inherited
        requests, answers, errors = (fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (requests, answers, errors))
        for fd, to in ((requests, 0), (errors, 1), (errors, 2), (answers, 3)):
            os.dup2(fd, to)  # anything written to stdout (a stray print, a native library) goes to stderr
        for fd in map(int, os.listdir("/proc/self/fd")):  # the caller's files and other workers' pipes stay theirs
            if fd > 3:
                with contextlib.suppress(OSError):  # the listing's own descriptor, closed by now
                    os.close(fd)
        os.environ["RUST_BACKTRACE"] = "0"  # a Rust abort then says only why, e.g. an allocation failed
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the caller's; the worker ends with its pipe
        from validator.sources.worker import serve

        serve(sys.stdin, open(3, "wb", closefd=False))  # noqa: SIM115
        code = 0
    except BaseException:
        import traceback

        # Straight to the descriptor: sys.stderr buffers, and os._exit below would drop what it holds.
        os.write(2, traceback.format_exc().encode("utf-8", "replace"))
    finally:
        os._exit(code)
