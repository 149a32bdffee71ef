"""Converting legacy binary files (.doc/.wps, .xls/.et), other word-processing formats (RTF, OpenDocument text .odt,
Word 2003 XML) and OpenDocument spreadsheets (.ods) with LibreOffice, headless, in a throwaway profile, within a time
limit; the converted bytes are then read like any .docx/.xlsx."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from validator.audience import CONVERT_RESAVE, CONVERT_SAVE_AS
from validator.sources.grid import ReadError

SECONDS = 90  # LibreOffice's start-up on a busy machine plus the conversion; a hang costs this much, once
_TARGET = {"doc": "docx", "rtf": "docx", "odt": "docx", "wordxml": "docx", "xls": "xlsx", "ods": "xlsx"}
_SUFFIX = {"wordxml": "xml"}  # the source's suffix, by which LibreOffice is told its format: the format's name else
_WHAT = {"ods": " OpenDocument 表格（.ods）"}  # what it could not convert: "文件" else


def soffice() -> str | None:
    """The LibreOffice program, if installed (NIANBAO_SOFFICE names it explicitly)."""
    return os.environ.get("NIANBAO_SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")


def _no_memory_cap() -> None:
    """LibreOffice maps far more address space than a reader may use: lift the reading worker's soft cap for it."""
    try:
        import resource
    except ImportError:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def convert_legacy(data: bytes, fmt: str, program: str) -> bytes:
    """The .docx/.xlsx LibreOffice makes of `data` (a file of a format in _TARGET: "doc", "rtf", "xls"…); a ReadError
    when it cannot."""
    target = _TARGET[fmt]
    with tempfile.TemporaryDirectory(prefix="nianbao-convert-") as tmp:
        source = Path(tmp) / f"source.{_SUFFIX.get(fmt, fmt)}"
        source.write_bytes(data)
        command = [
            program, f"-env:UserInstallation={(Path(tmp) / 'profile').as_uri()}", "--headless", "--norestore",
            "--convert-to", target, "--outdir", tmp, str(source),
        ]  # fmt: skip
        try:
            subprocess.run(
                command,
                capture_output=True,
                timeout=SECONDS,
                check=False,
                preexec_fn=_no_memory_cap if os.name == "posix" else None,
            )
        except subprocess.TimeoutExpired as exc:
            raise ReadError(
                f"用 LibreOffice 转换该文件超过 {SECONDS} 秒仍未完成，已放弃。{CONVERT_RESAVE.receiver.format(target=target)}",
                "legacy",
            ) from exc
        except OSError as exc:
            raise ReadError(
                f"无法运行 LibreOffice（{exc}）。{CONVERT_SAVE_AS.receiver.format(target=target)}", "legacy"
            ) from exc
        converted = Path(tmp) / f"source.{target}"
        if not converted.is_file():
            raise ReadError(
                f"LibreOffice 无法转换该{_WHAT.get(fmt, '文件')}，可能已损坏或加密。{CONVERT_RESAVE.receiver.format(target=target)}",
                "legacy",
            )
        return converted.read_bytes()
