"""What openpyxl cannot keep when it rewrites a workbook, found in the package before anything is written."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from defusedxml.common import DefusedXmlException
from defusedxml.ElementTree import ParseError

from validator.sources.relationships import relationships, sheet_targets

_SHEET = re.compile(r"xl/worksheets/[^/]+\.xml")


def _uri(*uris: str) -> re.Pattern[str]:
    """A worksheet extension (extLst/ext) by its registered URI; openpyxl drops every worksheet extension."""
    return re.compile("|".join(re.escape(u) for u in uris), re.IGNORECASE)


# (what the user is told, the parts that carry it, what such a part must contain or None); a name may repeat.
_LOSSY: tuple[tuple[str, re.Pattern[str], re.Pattern[str] | None], ...] = (
    ("文本框或形状", re.compile(r"xl/drawings/[^/]+\.xml"), re.compile(r"<(?:\w+:)?(?:sp|cxnSp)[\s>]")),
    ("图表", re.compile(r"xl/charts/chart[^/]*\.xml"), None),
    ("ActiveX 控件", re.compile(r"xl/activeX/[^/]+\.xml"), None),
    ("表单控件", re.compile(r"xl/ctrlProps/[^/]+\.xml"), None),
    ("扩展数据验证", _SHEET, _uri("{CCE6A557-97BC-4B89-ADB6-D9C93CAAB3DF}")),
    ("扩展条件格式", _SHEET, _uri("{78C0D931-6437-407D-A8EE-F0AAD7539E65}")),
    ("迷你图", _SHEET, _uri("{05C60535-1F16-4FD2-B633-F4F36F0B64E0}")),
    ("可回复的新式批注", re.compile(r"xl/threadedComments/[^/]+\.xml"), None),
    ("切片器", re.compile(r"xl/(?:slicers|slicerCaches)/[^/]+\.xml"), None),
    ("切片器", _SHEET, _uri("{A8765BA9-456A-4DAB-B4F3-ACF838C121DE}", "{3A4CF648-6AED-40F4-86FF-DC5316D8AED3}")),
    ("日程表", re.compile(r"xl/(?:timelines|timelineCaches)/[^/]+\.xml"), None),
    ("日程表", _SHEET, _uri("{7E03D99C-DC04-49D9-9315-930204A7B6E9}")),
    ("允许编辑区域", _SHEET, _uri("{FC87AEE6-9EDD-4A0A-B7FB-166176984837}")),
    ("错误检查忽略设置", _SHEET, _uri("{01252117-D84E-4E92-8308-4BE1C098FCBB}")),
    ("Office 加载项", _SHEET, _uri("{F7C9EE02-42E1-4005-9D12-6889AFFD525C}")),
)


def unsupported_parts(path: Path) -> list[str]:
    """Chinese names of the contents openpyxl would drop, with their sheets, e.g. ["文本框或形状（表二）"]."""
    found: dict[str, list[str]] = {}
    with zipfile.ZipFile(path) as zf:
        try:
            owners = _part_owners(zf)
        except (ParseError, DefusedXmlException, KeyError):  # broken relationships: name the parts without sheets
            owners = {}
        for part in zf.namelist():
            for kind in _kinds_in(zf, part):
                sheets = found.setdefault(kind, [])
                if owners.get(part) and owners[part] not in sheets:
                    sheets.append(owners[part])
    kinds = [kind for kind in dict.fromkeys(k for k, _, _ in _LOSSY) if kind in found]  # catalogue order
    return [f"{kind}（{'、'.join(found[kind])}）" if found[kind] else kind for kind in kinds]


def _kinds_in(zf: zipfile.ZipFile, part: str) -> list[str]:
    """What of the catalogue a part carries (its text is read once, and only when a pattern needs it)."""
    rules = [(kind, pattern) for kind, where, pattern in _LOSSY if where.fullmatch(part)]
    text = zf.read(part).decode("utf-8", errors="replace") if any(p for _, p in rules) else ""
    return [kind for kind, pattern in rules if pattern is None or pattern.search(text)]


def _part_owners(zf: zipfile.ZipFile) -> dict[str, str]:
    """Each part reachable from a sheet (its drawings, their charts, controls…) → that sheet's name."""
    names = set(zf.namelist())
    owners: dict[str, str] = {}
    for sheet, part in sheet_targets(zf, names):
        todo = [part] if part else []
        while todo:
            part = todo.pop()
            if part not in owners:
                owners[part] = sheet
                todo.extend(t for _, _, t in relationships(zf, names, part))
    return owners
