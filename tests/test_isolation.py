"""Reading never blocks on special files, and a reader that aborts, hangs or overruns costs one file, not the run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from packages import with_shared_strings

from validator import check_paths
from validator.sources.grid import ReadError
from validator.sources.guard import Guard
from validator.sources.limits import Limits
from validator.sources.xlsx import load

posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs, devices and signals are POSIX")


def test_shared_strings_read_like_inline_strings(balanced_workbook: Path, tmp_path: Path):
    shared = with_shared_strings(balanced_workbook, tmp_path / "shared.xlsx", 200)
    assert load(shared).grid == load(balanced_workbook).grid


def test_an_absurd_string_count_is_refused_by_the_limit(balanced_workbook: Path, tmp_path: Path):
    bomb = with_shared_strings(balanced_workbook, tmp_path / "sst.xlsx", 999_999_999_999)
    (report,) = check_paths([bomb])
    assert report.status == "unreadable"
    assert "共享字符串数上限" in report.error and "NIANBAO_LIMIT_SHARED_STRINGS" in report.error


@posix_only
def test_a_native_abort_costs_one_file_and_the_worker_is_replaced(balanced_workbook: Path, tmp_path: Path):
    """With the count limit lifted, python-calamine really aborts (SIGABRT) on this file; the guard survives it."""
    bomb = with_shared_strings(balanced_workbook, tmp_path / "sst.xlsx", 999_999_999_999)
    lifted = Limits(shared_strings=10**13)
    guard = Guard()
    try:
        with pytest.raises(ReadError) as refused:
            guard.read(bomb, limits=lifted)
        assert "内存" in refused.value.message or "异常终止" in refused.value.message
        first = guard._worker
        assert guard.read(balanced_workbook, limits=lifted).grid == load(balanced_workbook).grid
        assert guard._worker is not first
    finally:
        guard.close()


def test_a_read_past_the_time_limit_is_stopped_and_named(balanced_workbook: Path):
    guard = Guard()
    try:
        guard.start()
        guard.read(balanced_workbook)  # the worker is up: what follows is one file's read
        with pytest.raises(ReadError, match="读取时间上限") as refused:
            guard.read(balanced_workbook, limits=Limits(seconds=0.0001))
        assert "NIANBAO_LIMIT_SECONDS" in refused.value.message
        assert guard.read(balanced_workbook).sha256 == load(balanced_workbook).sha256
    finally:
        guard.close()


def test_a_pdf_is_given_time_for_its_pages_and_a_slow_read_is_not_called_hostile(
    balanced_workbook: Path, tmp_path: Path
):
    """A long PDF (a gazette issue holding the report) is laid out page by page: within the page limit it gets the
    time its pages take; past the time, the message names length as a cause and says what to send instead."""
    pdf = tmp_path / "年报.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
                    b"trailer<</Root 1 0 R>>\n%%EOF\n")  # fmt: skip
    guard = Guard()
    try:
        guard.start()
        guard.read(balanced_workbook)  # the worker is up: what follows is one file's read
        with pytest.raises(ReadError) as read:  # an empty PDF: refused for its content, within its pages' time
            guard.read(pdf, limits=Limits(seconds=0.0001, pages=50))
        assert "读取时间上限" not in read.value.message
        with pytest.raises(ReadError, match="读取时间上限") as refused:
            guard.read(pdf, limits=Limits(seconds=0.0001, pages=0))
        assert "篇幅很长的 PDF" in refused.value.message and "提取年报所在的页" in refused.value.message
        assert "恶意构造" in refused.value.message  # still one of the causes
    finally:
        guard.close()


@posix_only
def test_special_files_are_refused_without_blocking(tmp_path: Path):
    os.mkfifo(tmp_path / "pipe.xlsx")
    (tmp_path / "zero.xlsx").symlink_to("/dev/zero")
    (tmp_path / "loop-a.xlsx").symlink_to(tmp_path / "loop-b.xlsx")
    (tmp_path / "loop-b.xlsx").symlink_to(tmp_path / "loop-a.xlsx")
    names = ["pipe.xlsx", "zero.xlsx", "loop-a.xlsx"]
    reports = check_paths([tmp_path / n for n in names])
    assert [r.status for r in reports] == ["unreadable"] * 3
    assert "命名管道" in reports[0].error
    assert "设备文件" in reports[1].error
    assert "循环的符号链接" in reports[2].error


def test_the_limits_can_be_changed_by_environment():
    limits = Limits.from_env({"NIANBAO_LIMIT_SECONDS": "30", "NIANBAO_LIMIT_SHEETS": "12", "NIANBAO_LIMIT_CELLS": "x"})
    assert (limits.seconds, limits.sheets, limits.cells) == (30.0, 12, Limits().cells)
