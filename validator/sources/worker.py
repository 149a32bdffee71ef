"""The reading worker: `python -m validator.sources.worker`, or a fork of the caller (validator.sources.forked),
loads workbooks sent by validator.sources.guard.

Requests and answers are pickles on stdin/stdout. A request is (path, exact, limits, labels); the answer is
("ok", Loaded), ("refused", message, reason, format) or ("failed", traceback text). A native reader that aborts takes
only this process down; the guard tells the user and starts a new one.
"""

from __future__ import annotations

import os
import pickle
import sys
import traceback

from validator.sources.formats import load_file as load
from validator.sources.grid import ReadError
from validator.sources.limits import Limits

READY = "ready"


def _cap_memory(limits: Limits, held: int) -> None:
    """Let an allocation past the limit fail here instead of exhausting the machine (POSIX only); `held` is the
    address space the worker held before its first file (a forked worker holds its caller's)."""
    try:
        import resource
    except ImportError:  # Windows: the time limit still applies
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = held + limits.memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))


def _address_space() -> int:
    """The address space this process holds (Linux; 0 elsewhere, where the limit is on the whole process)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def serve(requests, answers) -> None:
    """Answer requests until the guard closes the pipe."""
    held = _address_space()
    pickle.dump(READY, answers)
    answers.flush()
    while True:
        try:
            path, exact, limits, labels = pickle.load(requests)
        except EOFError:
            return
        _cap_memory(limits, held)
        try:
            answer = ("ok", load(path, exact, limits, labels))
        except ReadError as exc:
            answer = ("refused", exc.message, exc.reason, exc.fmt)
        except MemoryError:
            answer = ("memory",)
        except Exception:
            answer = ("failed", traceback.format_exc())
        pickle.dump(answer, answers)
        answers.flush()


if __name__ == "__main__":
    # Answers get the real stdout; anything else that writes there (a stray print, a native library) goes to stderr.
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    serve(sys.stdin.buffer, answers)
