"""Reading a submitted file's bytes: regular files only, never blocking on a pipe or a device, within the size limit."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from validator.sources.grid import ReadError
from validator.sources.limits import Limits, over_limit

_CHECK_PATH = "请检查路径和读取权限；如文件正在其他程序中打开，请关闭后重试。"
_ERRNO_ZH = {
    errno.ENOENT: "找不到文件：{path}。请检查路径是否正确。",
    errno.EACCES: "没有读取 {path} 的权限。请检查文件权限，或复制到自己的文件夹后再校验。",
    errno.EPERM: "没有读取 {path} 的权限。请检查文件权限，或复制到自己的文件夹后再校验。",
    errno.ELOOP: "{path} 是循环的符号链接（快捷方式指向自身），无法打开。请指定真实的工作簿文件。",
    errno.ENAMETOOLONG: "无法打开文件 {path}（文件名过长）。请把文件改名为较短的名称后再校验。",
    errno.ENOTDIR: "找不到文件：{path}（路径中的某一级不是文件夹）。请检查路径是否正确。",
}
_SPECIAL = (
    (stat.S_ISDIR, "是文件夹，不是工作簿。请指定 .xlsx/.xlsm 文件"),
    (stat.S_ISFIFO, "是命名管道，不是工作簿文件"),
    (stat.S_ISCHR, "是设备文件，不是工作簿文件"),
    (stat.S_ISBLK, "是设备文件，不是工作簿文件"),
    (stat.S_ISSOCK, "是套接字，不是工作簿文件"),
)
# Never wait for a writer on a FIFO that appeared after the check; text-mode translation off on Windows.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def read_regular(path: Path, limits: Limits) -> bytes:
    """The whole content of `path`, which must be a regular file (a symlink to one is fine) within the size limit.

    The type is checked before opening (a FIFO or a device would block or never end), and again on the opened
    descriptor, so that a file swapped in between is refused as well.
    """
    try:
        _require_regular(path, os.stat(path).st_mode)
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise _open_error(path, exc) from exc
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fd)
        _require_regular(path, info.st_mode)
        if info.st_size > limits.file_bytes:
            raise over_limit(limits, "file_bytes", f"文件大小 {info.st_size / 1024 / 1024:.0f} MB ")
        data = fh.read(info.st_size + 1)  # a buffer of the limit's size per file cost more than the reading
        if len(data) > info.st_size:  # still growing: not read past the limit
            data += fh.read(limits.file_bytes + 1 - len(data))
    if len(data) > limits.file_bytes:
        raise over_limit(limits, "file_bytes")
    return data


def _require_regular(path: Path, mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    what = next((text for test, text in _SPECIAL if test(mode)), "不是普通文件")
    reason = "not_workbook" if stat.S_ISDIR(mode) else "special_file"
    raise ReadError(f"{path} {what}。请指定要校验的工作簿文件（.xlsx/.xlsm）。", reason)


def _open_error(path: Path, exc: OSError) -> ReadError:
    template = _ERRNO_ZH.get(exc.errno or 0)
    if template:
        return ReadError(template.format(path=path), "missing")
    return ReadError(f"无法打开文件 {path}（{exc.strerror or exc}）。{_CHECK_PATH}", "missing")
