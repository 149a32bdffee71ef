"""What an agency's name says for certain about its level and kind (机关层级、机关类别), for a report whose cover does
not say it: a published report has no cover, only a title naming the agency ("某某县城关镇人民政府").

Only what the name settles is inferred; a name that fits more than one level ("某某市人民政府": a city with districts,
or a county-level city) gives nothing. The values are the choices of the official cover.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from validator.locate.title import AGENCY_FIELD

LEVEL, KIND = "agency_level", "agency_type"  # the cover fields, in every template
_LOCAL_LEVELS = frozenset({"省级", "设区的市级", "县级", "乡镇级"})  # every level but 国务院部门


@dataclass(frozen=True)
class Inferred:
    """The values a cover field can have by the agency's name (field key → possible choices), and in words."""

    possible: Mapping[str, frozenset[str]]
    said: str  # "乡镇级机关"


# (name pattern, possible values, what it says), the first that matches decides; names are whole, spaces removed.
_NAMES: tuple[tuple[re.Pattern[str], Inferred], ...] = (
    (
        re.compile(r"(?:[镇乡]|苏木)(?:(?:人民)?政府)?$|街道(?:办事处)?$"),  # "城关镇" names its government
        Inferred({LEVEL: frozenset({"乡镇级"})}, "乡镇级机关"),
    ),
    (
        re.compile(r"^(?:北京市|天津市|上海市|重庆市)人民政府$|(?:省|自治区)人民政府$"),
        Inferred({LEVEL: frozenset({"省级"}), KIND: frozenset({"人民政府"})}, "省级人民政府"),
    ),
    (
        re.compile(r"自治州人民政府$"),
        Inferred({LEVEL: frozenset({"设区的市级"}), KIND: frozenset({"人民政府"})}, "设区的市级人民政府（自治州）"),
    ),
    (
        re.compile(r"(?:县|旗|(?<!自治)区)人民政府$"),
        Inferred({LEVEL: frozenset({"县级"}), KIND: frozenset({"人民政府"})}, "县级人民政府"),
    ),
    (  # the office of a county's government: county level (its kind is not certain: 人民政府 or 政府部门)
        re.compile(r"(?:县|旗|(?<!自治)区)人民政府办公室$"),
        Inferred({LEVEL: frozenset({"县级"})}, "县级机关（县级人民政府的办公室）"),
    ),
    (  # a local tax bureau of the State Taxation Administration: a branch, not the 国务院部门 itself
        re.compile(r"^国家税务总局\S+?[省市县区州盟旗]\S*税务局$"),
        Inferred(
            {LEVEL: _LOCAL_LEVELS, KIND: frozenset({"政府部门", "其他"})},
            "国家税务总局设在地方的税务局（不是国务院部门本身，也不是人民政府）",
        ),
    ),
    (  # a department of a local government ("某某市公安局", "某某省教育厅"), not its office (办公厅 reports for it)
        re.compile(
            r"^(?!国家|中国|中华人民共和国|国务院|全国|中央)\S+?[省市县区州盟旗]\S*(?<!办公)(?:局|委员会|委|厅)$"
        ),
        Inferred(
            {LEVEL: _LOCAL_LEVELS, KIND: frozenset({"政府部门", "其他"})},
            "地方政府部门（不是国务院部门，也不是人民政府）",
        ),
    ),
)


# What the names settle, in words for docs/rules.md.
EXAMPLES = (
    "“…镇/乡（人民政府）”“…街道（办事处）”为乡镇级；“…县/区人民政府”为县级人民政府，“…县/区人民政府办公室”为县级机关；“…省/自治区人民政府”和直辖市人民政府为省级人民政府；"
    "“…自治州人民政府”为设区的市级人民政府；地方政府的工作部门（如“某某市公安局”“某某省教育厅”“…委员会”，不含办公室、办公厅）"
    "不是国务院部门，也不是人民政府；国家税务总局设在地方的税务局（如“国家税务总局某某省税务局”）不是国务院部门本身，也不是人民政府"
)


def by_name(name: object) -> Inferred | None:
    """What the agency's name settles about its level and kind; None when it settles nothing."""
    if not isinstance(name, str):
        return None
    whole = re.sub(r"\s+", "", name)
    return next((inferred for pattern, inferred in _NAMES if pattern.search(whole)), None)


def named(row: Mapping[str, object]) -> Inferred | None:
    """by_name of the report's agency name (None without one)."""
    return by_name(row.get(AGENCY_FIELD))


__all__ = ["AGENCY_FIELD", "KIND", "LEVEL", "Inferred", "by_name", "named"]
