"""Web archives (MHTML: .mht/.mhtml): a web page saved in one file with its pictures, as a MIME message
(multipart/related) — by Chrome and Edge (「网页，单个文件」), Internet Explorer, and Word (「单个文件网页」; a Word
document may also embed one as its body, w:altChunk). The page is taken out of the message by the standard library's
email package (its transfer encoding undone, its declared charset kept) for the web page reader.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from validator.audience import PAGE_OR_DOCUMENT
from validator.sources.grid import ReadError
from validator.sources.limits import Limits, over_limit
from validator.sources.saved_page import FramePage

if TYPE_CHECKING:
    from email.message import Message

_HEAD = 16 * 1024  # an archive's own headers: a few hundred bytes (a long Subject folded over lines)
_HEADER_LINE = re.compile(rb"[!-9;-~]+:")  # a field name (printable ASCII but ":") and its colon (RFC 5322)
WHAT = "网页存档（.mht/.mhtml，“网页，单个文件”）"
SAVE_AS_PAGE = (
    f"请在浏览器中打开年报网页，“另存为”网页（.html，“网页，全部”或“网页，仅 HTML”）{PAGE_OR_DOCUMENT.receiver}"
)


class Page(NamedTuple):
    """The page an archive holds: its bytes as saved, the charset its part declares (None: the page says), and the
    archive's other pages, by the src of a frame showing one."""

    html: bytes
    charset: str | None
    frames: FramePage


def is_web_archive(data: bytes) -> bool:
    """Whether the bytes are a web archive: they open with a MIME message's headers (field lines up to the first
    blank line) that declare multipart/related content, or a single text/html body with MIME-Version."""
    head = data[:_HEAD]
    end = re.search(rb"\r?\n\r?\n", head)
    if end is None or not _HEADER_LINE.match(head):
        return False
    lines = head[: end.start()].splitlines()
    if not all(_HEADER_LINE.match(line) or line[:1] in (b" ", b"\t") for line in lines):
        return False
    import email.parser  # here: every file is sniffed, few are archives (the email package costs a cold start ~17 ms)
    import email.policy

    headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(head[: end.end()])
    kind = headers.get_content_type()
    return kind == "multipart/related" or (kind == "text/html" and "MIME-Version" in headers)


def main_page(data: bytes, limits: Limits, what: str = WHAT, advice: str = SAVE_AS_PAGE) -> Page:
    """The archive's page: the part its start parameter names (by Content-ID), else the one its Content-Location
    (Chrome: Snapshot-Content-Location) names, else its first text/html part; its transfer encoding undone. A
    ReadError naming the archive as `what` and ending in `advice` when the archive holds no page, its page is cut
    off, or it is malformed past reading; and when the decoded page is past the size limit of a file."""
    import email
    import email.errors
    import email.policy

    try:
        message = email.message_from_bytes(data, policy=email.policy.compat32)
        parts = [part for part in message.walk() if not part.is_multipart()]
    except RecursionError as exc:  # multiparts nested thousands deep: made by hand
        raise ReadError(f"{what}中的各部分层层嵌套过深，疑似恶意构造，已拒绝读取。{advice}", "corrupt") from exc
    except (email.errors.MessageError, ValueError) as exc:
        raise ReadError(f"{what}的结构异常，无法读取（{type(exc).__name__}）。{advice}", "corrupt") from exc
    pages = [part for part in parts if part.get_content_type() == "text/html"]
    page = _named(message, pages) or next(iter(pages), None)
    if page is None:
        raise ReadError(f"{what}中找不到网页（其中没有 HTML 部分），可能已损坏或不是保存的网页。{advice}", "corrupt")
    if page is parts[-1] and any(isinstance(d, email.errors.CloseBoundaryNotFoundDefect) for d in _defects(message)):
        raise ReadError(
            f"{what}不完整：网页部分在文件末尾被截断（可能在下载、保存或拷贝时中断）。{advice}",
            "corrupt",
        )
    html = page.get_payload(decode=True)
    html = html if isinstance(html, bytes) else b""
    if len(html) > limits.file_bytes:
        raise over_limit(limits, "file_bytes", f"{what}中的网页（解码后）")
    return Page(html, page.get_content_charset(), _frames(pages, page, limits))


def _frames(pages: list[Message], page: Message, limits: Limits) -> FramePage:
    """Reads the archive's pages other than `page` by a frame's src: "cid:…" naming its Content-ID (Chrome saves a
    frame's page so), else its address, relative to the page's, naming its Content-Location."""
    from urllib.parse import urljoin

    others = [p for p in pages if p is not page]
    by_id = {(p.get("Content-ID") or "").strip().strip("<>"): p for p in others}
    by_location = {(p.get("Content-Location") or "").strip(): p for p in others}
    base = (page.get("Content-Location") or "").strip()

    def read(src: str) -> tuple[bytes, str | None] | None:
        if src.lower().startswith("cid:"):
            part = by_id.get(src[4:].strip().strip("<>"))
        else:
            part = by_location.get(urljoin(base, src))
        html = part.get_payload(decode=True) if part is not None else None
        if not isinstance(html, bytes) or len(html) > limits.file_bytes:
            return None
        return html, part.get_content_charset()

    return read


def _named(message: Message, pages: list[Message]) -> Message | None:
    """The page the archive names as its root: by the start parameter (RFC 2387), else by its location."""
    start = message.get_param("start") if message.is_multipart() else None
    if isinstance(start, str) and start.strip():
        found = next((p for p in pages if (p.get("Content-ID") or "").strip() == start.strip()), None)
        if found is not None:
            return found
    location = message.get("Snapshot-Content-Location") or message.get("Content-Location")
    if location:
        return next((p for p in pages if (p.get("Content-Location") or "").strip() == location.strip()), None)
    return None


def _defects(message: Message) -> list:
    """The defects the parser found in the message and its multiparts (each records its own)."""
    found = []
    for part in message.walk():
        if part.is_multipart():
            found += part.defects
    return found
