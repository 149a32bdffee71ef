"""A web page saved with its files ("网页，全部"): the folder beside it, and the pages of its frames found there.

Browsers and Office save a page as 报告.htm and a folder 报告_files (报告.files in Chinese Office and older IE) of
what it shows: pictures, styles, and the pages of its frames and iframes. Old government sites show an article in a
frame, and Excel saves a workbook as a frameset of one page per sheet: the report is then in that folder, and the
folder's pages are parts of the page, not reports of their own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path, PurePath
from urllib.parse import unquote, urlsplit

from validator.sources.files import read_regular
from validator.sources.grid import ReadError
from validator.sources.limits import Limits
from validator.sources.package import WEB_PAGE_SUFFIXES

_FOLDER = re.compile(r"(?P<stem>.+)(?:_files|\.files)", re.IGNORECASE)  # the folder a page is saved with
MAX_FRAMES = 30  # frame pages read for one page (Excel saves a page per sheet; a site shows a few frames)

# A frame's src → its page's bytes and the charset declared for them (None: the page says), None when it cannot be read
FramePage = Callable[[str], tuple[bytes, str | None] | None]


def saved_pages(paths: Iterable[PurePath]) -> dict[PurePath, str]:
    """The folders among the parents of `paths` (files, as listed in a folder or an archive) that were saved with a
    page beside them, each with that page's file name: 报告_files → 报告.htm."""
    names: dict[PurePath, set[str]] = {}
    for path in paths:
        names.setdefault(path.parent, set()).add(path.name.casefold())
    folders: dict[PurePath, str] = {}
    for folder in {parent for path in names for parent in (path, *path.parents)}:
        saved = _FOLDER.fullmatch(folder.name)
        beside = names.get(folder.parent, set()) if saved else set()
        pages = [f"{saved['stem']}{suffix}" for suffix in WEB_PAGE_SUFFIXES] if saved else []
        if page := next((name for name in pages if name.casefold() in beside), None):
            folders[folder] = page
    return folders


def saved_with(path: PurePath, folders: Mapping[PurePath, str]) -> str | None:
    """The page (its file name) that `path` was saved with, when it is in one of `folders` (`saved_pages`)."""
    return next((folders[parent] for parent in path.parents if parent in folders), None)


def saved_with_reason(page: str) -> str:
    """Why a file of a page's folder is not checked on its own (Chinese)."""
    return f"网页「{page}」另存时附带的文件夹中的文件（图片、样式、框架页等），属于该网页，不单独校验"


def frame_pages(page: Path, limits: Limits) -> FramePage:
    """Reads the frame pages of the page saved at `page` from the folder it was saved with (报告_files or
    报告.files beside 报告.htm) and nowhere else: a relative src naming a file in that folder, never a site's
    address, an absolute path, a path climbing out or a link leading out (an uploaded page names no other upload);
    each within the size limit. The pages are read, never run or fetched."""
    saved = [page.parent / f"{page.stem}{suffix}" for suffix in ("_files", ".files")]

    def read(src: str) -> tuple[bytes, str | None] | None:
        parts = urlsplit(src.strip().replace("\\", "/"))
        relative = unquote(parts.path)
        if parts.scheme or parts.netloc or not relative or relative.startswith("/") or ".." in relative.split("/"):
            return None
        try:
            target = (page.parent / relative).resolve()
            if not any(target.is_relative_to(folder.resolve()) for folder in saved):
                return None
            return read_regular(target, limits), None
        except (ReadError, OSError):  # missing, not a file, too large: the page says its frames are missing
            return None

    return read
