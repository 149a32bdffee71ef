"""Published reports giving the table sections 二、三、四 as an appendix (附表, 附件) after the text: an appendix title
names its section whatever its appendix number (no misspelt heading, ST04), and a text holding no heading of those
sections at all is told once that the format wants them in the text, in order, with their tables (ST11)."""

from __future__ import annotations

from pathlib import Path

import documents
import pytest
from test_import import SOFFICE, _published_as
from test_sections import _APPENDIX_HEADINGS, _TABLED, WRONG, _appended, _parts, _titled
from test_sections import _findings as _not_st11

from validator import check_paths

TITLES = {  # an appendix title as real reports write it, by its place among the three table sections (0 to 2)
    "附表1：": lambda i, title: f"附表{i + 1}：{title[2:]}",
    "附表1:": lambda i, title: f"附表{i + 1}:{title[2:]}",
    "附表一、": lambda i, title: f"附表{'一二三'[i]}、{title[2:]}",
    "附件1": lambda i, title: f"附件{i + 1} {title[2:]}",
    "附表1：二、": lambda i, title: f"附表{i + 1}：{title}",
    "附：": lambda i, title: f"附：{title[2:]}",
}
MISSING = "".join(f"「{title}」" for title in _TABLED)
TOLD = (
    f"正文中没有{MISSING}这几部分：表二、表三、表四只作为附表给出（如表二{{where}}，放在「六、其他需要报告的事项」之后）。"
    "已按各表的栏目找到并照常校验；按官方格式（国办公开办函〔2021〕30号），正文应按顺序包含这几部分，各表放在其章节标题之下。"
    f"请在正文中按顺序写上{MISSING}，并把各表移到对应的标题之下。"
)
SIGNATURE = ["某县人民政府办公室", "2026年1月20日"]


def _appendix_only(parts: list, title, caption: bool = False, signed: bool = False) -> list:
    """The report whose text goes 一、五、六 (and its signature, when `signed`), the table sections given only in an
    appendix after it, each table under `title(i, section title)` (none when it gives None), that title a paragraph
    above the table or, with `caption`, the table's first row."""
    appended = _appended(parts, title)
    at = appended.index("附表")
    dropped = {i + k for i, p in enumerate(appended[:at]) if p in _TABLED for k in (0, 1)}  # heading, 「详见附表」
    text = [p for i, p in enumerate(appended[:at]) if i not in dropped] + (SIGNATURE if signed else [])
    appendix = appended[at:]
    if caption:
        heads = [i for i, p in enumerate(appendix) if isinstance(p, str) and p != "附表"]
        appendix = [
            _titled(p, appendix[i - 1]) if i - 1 in heads else p for i, p in enumerate(appendix) if i not in heads
        ]
    return text + appendix


@pytest.fixture(scope="module")
def expected(tmp_path_factory) -> dict[str, list]:
    """The findings of the report with its tables in place, but for ST11, by format."""
    tmp = tmp_path_factory.mktemp("in_place")
    parts = _parts(tmp, WRONG)
    return {fmt: _not_st11(_published_as(parts, tmp / fmt, fmt)) for fmt in ("html", "docx")}


@pytest.mark.parametrize("fmt", ["html", "docx"])
@pytest.mark.parametrize("caption", [False, True], ids=["title above", "caption row"])
@pytest.mark.parametrize("style", TITLES)
def test_sections_given_only_as_appended_tables_are_said_once(
    tmp_path: Path, expected: dict, style: str, caption: bool, fmt: str
) -> None:
    """The text without 二、三、四, the appendix after 六 giving each table under 「附表1：主动公开政府信息情况」 (or
    「附表一、」, 「附件1」, 「附：」, with 二、 inside, either colon; a paragraph or the table's caption row): one ST11
    saying the text lacks the three sections, where the tables are, and what the format wants; not three ST04 calling
    each appendix title a misspelt section heading (「请改为官方写法」). Every table is read and checked as in place."""
    parts = _appendix_only(_parts(tmp_path, WRONG), TITLES[style], caption)
    path = _published_as(parts, tmp_path / "appendix", fmt)
    (checked,) = check_paths([path])
    assert not [f.message for f in checked.findings if f.rule == "ST04"]
    (told,) = [f for f in checked.findings if f.rule == "ST11"]
    assert told.message.startswith(TOLD.format(where=f"在「{TITLES[style](0, _TABLED[0])}」之下")), told.message
    assert told.severity == "warning"
    assert _not_st11(path) == expected[fmt]


@pytest.mark.parametrize(
    ("title", "signed", "where"),
    [
        (_APPENDIX_HEADINGS["official"], False, f"在「{_TABLED[0]}」之下"),
        (_APPENDIX_HEADINGS["none"], True, "没有标题"),
    ],
    ids=["official headings after 六", "untitled tables after the signature"],
)
@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_sections_headed_only_after_the_last_section_are_said_once(
    tmp_path: Path, expected: dict, fmt: str, title, signed: bool, where: str
) -> None:
    """The text going 一、五、六, then 二、三、四 with their tables under their official headings, or the tables without
    any after the signature: the format's sections 二、三、四 are not in the text, which one ST11 says (before: no
    finding at all, or an ST04 「缺少」 per table); sections out of order are not said (「五、…」 before 「二、…」)."""
    path = _published_as(_appendix_only(_parts(tmp_path, WRONG), title, signed=signed), tmp_path / "after", fmt)
    (checked,) = check_paths([path])
    assert [f.message for f in checked.findings if f.rule in ("ST04", "ST11")] == [
        f.message for f in checked.findings if f.message.startswith(TOLD.format(where=where))
    ]
    assert len([f for f in checked.findings if f.rule == "ST11"]) == 1
    assert _not_st11(path) == expected[fmt]


def test_only_the_sections_the_text_lacks_are_named(tmp_path: Path, expected: dict) -> None:
    """二 and its table in place, 三 and 四 given only as 「附表2：」 「附表3：」 after 六: the one ST11 names 三 and 四."""
    parts = _parts(tmp_path, WRONG)
    two = documents.section_table(parts, "二")
    rest = _appendix_only(parts[two + 4 :], TITLES["附表1："])  # after 表二's four blocks
    page = _published_as(parts[: two + 4] + rest, tmp_path / "two_in_place", "html")
    (checked,) = check_paths([page])
    (told,) = [f.message for f in checked.findings if f.rule in ("ST04", "ST11")]
    missing = "".join(f"「{title}」" for title in _TABLED[1:])
    assert told.startswith(
        f"正文中没有{missing}这几部分：表三、表四只作为附表给出（如表三在「附表2：收到和处理政府信息公开申请情况」之下"
    )
    assert f"请在正文中按顺序写上{missing}，并把各表移到对应的标题之下。" in told
    assert _not_st11(page) == expected["html"]


def test_an_appendix_titled_fu_names_its_section(tmp_path: Path) -> None:
    """The text headed 二、三、四 saying 「详见附表」, the tables appended under 「附：主动公开政府信息情况」…: the moved
    tables' ST11 names the title they are under, as for 「附表1：」 (before: 「在原文另一处」, the title not read as one)."""
    path = _published_as(_appended(_parts(tmp_path, WRONG), TITLES["附："]), tmp_path / "fu", "html")
    (checked,) = check_paths([path])
    (moved,) = [f.message for f in checked.findings if f.rule == "ST11"]
    assert "而在「附：主动公开政府信息情况」之下" in moved, moved


@pytest.mark.skipif(not SOFFICE, reason="LibreOffice (soffice) is needed to print documents as PDF")
@pytest.mark.parametrize("caption", [False, True], ids=["title above", "caption row"])
def test_an_appendix_only_pdf_is_said_once(tmp_path: Path, caption: bool) -> None:
    """The Word report of the tests above printed as PDF by LibreOffice: the same one ST11, no ST04."""
    parts = _appendix_only(_parts(tmp_path, WRONG), TITLES["附表1：二、"], caption)
    (checked,) = check_paths([_published_as(parts, tmp_path / "appendix", "pdf")])
    said = [f.message for f in checked.findings if f.rule in ("ST04", "ST11")]
    assert len(said) == 1 and said[0].startswith(TOLD.format(where="在「附表1：二、主动公开政府信息情况」之下")), said
