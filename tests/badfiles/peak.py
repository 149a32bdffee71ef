"""`python peak.py REPORT COMMAND...`: run COMMAND, then write to REPORT the largest resident memory (bytes) any
process of its tree reached, and exit with COMMAND's status.

Why a launcher: on Linux a program's ru_maxrss starts at the high-water mark of the process that started it (exec
records the parent's memory map as the child's). Measured straight from pytest, a small run reported the test
process's own 1 GiB; started from this small process, it reports only itself and its descendants.
"""

import os
import sys

report, *command = sys.argv[1:]
pid = os.fork()
if pid == 0:
    os.execv(command[0], command)
_, status, usage = os.wait4(pid, 0)
with open(report, "w") as f:
    f.write(str(usage.ru_maxrss * 1024))
sys.exit(os.waitstatus_to_exitcode(status) % 256)
