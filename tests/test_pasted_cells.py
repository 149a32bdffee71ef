"""Cells as clerks paste and type them: numbers copied from a web page, a WeChat article or an OA system carry
characters nobody sees (zero-width space U+200B, byte order mark U+FEFF, word joiner U+2060) and no-break or
ideographic spaces; the report year is written 「2025 年度」; a credit code has a space in it. Each is read as the
clerk sees it, and told only where telling helps."""

from __future__ import annotations

from pathlib import Path

from builders import TEMPLATE, build
from test_agency_identity import batch, report, results, sheet, summed

from validator import check_paths
from validator.findings import FileReport
from validator.forms.sample import balanced_values, valid_credit_code

BALANCED = balanced_values(TEMPLATE)
T3 = TEMPLATE.tables["t3"]
NATURAL, BUSINESS, PENALTY = T3.cell_key("new", "natural"), T3.cell_key("new", "business"), "t2_6.penalty.decisions"
HIDDEN = "夹有看不见的字符（从网页等处复制时常带入）"


def _checked(path: Path, **changes: object) -> FileReport:
    (checked,) = check_paths([build(path, BALANCED | changes)])
    return checked


def _said(checked: FileReport) -> dict[str, tuple[str, str]]:
    """(rule, message) of each finding, by the layout key of its cell."""
    keys = {cell: key for key, cell in checked.cells.items()}
    return {keys[f.cell]: (f.rule, f.message) for f in checked.findings}


def test_numbers_pasted_with_invisible_characters_are_the_numbers_seen(tmp_path: Path) -> None:
    """Before, each was TY07 「填了「39」，不是数字」 (the clerk sees 39) and the equations through it went unchecked."""
    pasted = {
        NATURAL: f"{BALANCED[NATURAL]}\u200b",
        BUSINESS: f"\ufeff{BALANCED[BUSINESS]}",
        PENALTY: f"{BALANCED[PENALTY]}\u2060",
    }
    checked = _checked(tmp_path / "粘贴.xlsx", **pasted)
    assert checked.coverage.checked == checked.coverage.total
    assert {k: checked.values[k] for k in pasted} == {k: float(BALANCED[k]) for k in pasted}
    for key, (rule, message) in _said(checked).items():
        number = BALANCED[key]
        assert rule == "TY03", message
        assert message.endswith(
            f"是以文本形式存储的数字「{number}」，其中{HIDDEN}，已按 {number} 校验。请清除该单元格后重新键入数值 {number}。"
        )
    assert _said(checked).keys() == pasted.keys()


def test_spaces_around_a_pasted_number_need_no_retyping(tmp_path: Path) -> None:
    """No-break and ideographic spaces are spaces that show: a number stored as text, converted as any other."""
    checked = _checked(tmp_path / "空格.xlsx", **{NATURAL: f"\u00a0{BALANCED[NATURAL]}\u3000\u200b"})
    rule, message = _said(checked)[NATURAL]
    assert (rule, checked.values[NATURAL]) == ("TY03", float(BALANCED[NATURAL]))
    assert HIDDEN in message  # the zero-width space after them: typing again is what clears it
    (plain,) = _said(_checked(tmp_path / "不换行空格.xlsx", **{NATURAL: f"{BALANCED[NATURAL]}\u00a0"})).values()
    assert plain[0] == "TY03" and "看不见" not in plain[1] and plain[1].endswith(f"请改为数值 {BALANCED[NATURAL]}。")


def test_a_table_pasted_from_a_web_page_is_told_once_to_be_typed_again(tmp_path: Path) -> None:
    """Many such cells of a sheet are one finding (as numbers stored as text are), which asks for them to be typed
    again (clearing the characters) rather than converted with 「转换为数字」, as it does for other text numbers."""
    keys = [T3.cell_key("new", c.key) for c in T3.column_leaves]
    checked = _checked(tmp_path / "整表粘贴.xlsx", **{k: f"{BALANCED[k]}\u200b" for k in keys})
    (finding,) = checked.findings
    assert finding.rule == "TY03" and len(finding.related) == len(keys) - 1
    assert f"这些单元格中都{HIDDEN}，已按其中的数字校验。请清除这些单元格后重新键入数值。" in finding.message
    assert "转换为数字" not in finding.message
    assert [checked.values[k] for k in keys] == [float(BALANCED[k]) for k in keys]


def test_a_cell_holding_only_an_invisible_character_is_blank(tmp_path: Path) -> None:
    """Told as the blank cell it looks like (TY01, and what the equations call for), not as text 「」 (TY07)."""
    said = [(f.rule, f.message) for f in _checked(tmp_path / "零宽.xlsx", **{NATURAL: "\u200b"}).findings]
    assert said == [(f.rule, f.message) for f in _checked(tmp_path / "空白.xlsx", **{NATURAL: None}).findings]
    assert said[0][0] == "TY01"


def test_cover_text_is_read_without_invisible_characters(tmp_path: Path) -> None:
    """A name and a drop-down value pasted with a zero-width space: the agency as named (the batch tells agencies by
    it), the level one of the list (before: TX03 「不是下拉列表中的值」 for what looks like 县级)."""
    checked = _checked(
        tmp_path / "封面.xlsx",
        agency_name="\ufeff某县人民政府办公室\u200b",
        agency_level="县级\u200b",
        report_year="2025\u200b",
    )
    assert checked.findings == []
    assert (checked.agency["agency_name"], checked.agency["agency_level"]) == ("某县人民政府办公室", "县级")
    assert checked.agency["report_year"] == 2025


def test_report_years_as_agencies_write_them(tmp_path: Path) -> None:
    """「2025 年」「2025 年度」 (before: 「不是年份」, and the report year was empty), full-width digits and spaces,
    Chinese numerals with 〇 written as ○; what is no year is still refused."""
    for written in ("2025 年", "2025 年度", "2025年度", "２０２５　年度", "二○二五年", "二〇二五 年度"):
        checked = _checked(tmp_path / "年度.xlsx", report_year=written)
        assert (checked.findings, checked.agency["report_year"]) == ([], 2025), written
    for written in ("2024-2025", "2025年年", "一二三四"):
        checked = _checked(tmp_path / "非年度.xlsx", report_year=written)
        assert [f.rule for f in checked.findings] == ["TY07"], written
        assert checked.agency["report_year"] is None


def test_a_year_written_with_a_space_is_counted_in_the_region_s_totals(tmp_path: Path) -> None:
    code1, code2 = (valid_credit_code(f"11330521MB00000{n:02d}") for n in (1, 2))
    out = batch(tmp_path, 1, {"01.xlsx": report(1, code1, report_year="2025 年度"), "02.xlsx": report(2, code2)})
    assert [d["agency"]["report_year"] for d in results(out).values()] == [2025, 2025]
    assert summed(out).startswith("纳入合计：2 份")


def test_a_credit_code_with_a_space_says_where_and_that_it_is_valid_without(tmp_path: Path) -> None:
    """Before: 「应为 18 位，实际为 19 位」, while the clerk counts 18 characters on the certificate and in the cell."""
    code = BALANCED["credit_code"]
    spaced = _checked(tmp_path / "空格.xlsx", credit_code=f"{code[:8]} {code[8:]}")
    assert [(f.rule, f.severity, f.message) for f in spaced.findings] == [
        (
            "CV01",
            "warning",
            f"封面 B3「统一社会信用代码」「{code[:8]} {code[8:]}」第 8 位与第 9 位之间有空格，去掉后符合编码规则。"
            "请删除其中的空格。",
        )
    ]
    pasted = _checked(tmp_path / "粘贴.xlsx", credit_code=f"{code}\u200b")
    (finding,) = pasted.findings
    assert finding.message.endswith(
        "末尾有看不见的字符（从网页等处复制时常带入），去掉后符合编码规则。请清除该单元格后重新键入这 18 位代码。"
    )
    short = _checked(tmp_path / "位数.xlsx", credit_code=f"{code[:8]} {code[8:-1]}")
    (finding,) = short.findings
    assert finding.message.endswith(
        "第 8 位与第 9 位之间有空格；去掉后，应为 18 位，实际为 17 位。请对照登记证书核对后重新填写。"
    )


def test_a_credit_code_typed_with_a_space_is_still_the_agency_s_code(tmp_path: Path) -> None:
    """Round 1 typed the code with a space, round 2 (renamed, 机构改革) without: one agency, matched by its code, not
    a new one beside a 未重新报送."""
    code = valid_credit_code("11330521MB0000005")
    first = batch(tmp_path, 1, {"05.xlsx": report(5, f"{code[:8]} {code[8:]}")})
    second = batch(tmp_path, 2, {"05.xlsx": report(5, code, agency_name="某县第五事务服务中心")}, "--since", str(first))
    assert results(second)["05.xlsx"]["round"]["previous"] == "第1轮/05.xlsx"
    assert [r["状态"] for r in sheet(second, "本轮变化")] != ["未重新报送"]
    assert "统一社会信用代码此前为" not in str(sheet(second, "本轮变化"))
