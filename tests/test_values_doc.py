"""docs/values.md tells users what each kind of entry means; every example in it is checked against the parser."""

from __future__ import annotations

import math
import re
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from validator.catalogue import BUILTIN
from validator.check.values import parse_number, parse_year
from validator.findings import SEVERITY_ZH
from validator.rules.cells import CELL_RULES
from validator.sources.grid import ExcelError, Uncached
from validator.spec import default_template

DOC = Path(__file__).resolve().parents[1] / "docs" / "values.md"
MONEY = "金额栏："  # examples after this mark are written in a money cell, the others in a count cell
TEMPLATE = default_template()


def _raw(example: str) -> object:
    """The cell value an example stands for: quoted = text, #… = error value, =… = formula without a result."""
    if len(example) >= 2 and example[0] == example[-1] == '"':
        return example[1:-1]
    if example.startswith("#"):
        return ExcelError(example)
    if example.startswith("="):
        return Uncached(example)
    if example in ("TRUE", "FALSE"):
        return example == "TRUE"
    try:
        return float(example) if "." in example else int(example)
    except ValueError:
        return example


def _examples(cell: str) -> list[tuple[str, str]]:
    """(kind, example) for every `example` in a table cell."""
    out = []
    for part in cell.split("；"):
        kind = "money" if part.startswith(MONEY) else "count"
        out += [(kind, e) for e in re.findall(r"`([^`]*)`", part)]
    return out


def _rows() -> list:
    lines = DOC.read_text(encoding="utf-8").splitlines()
    start = lines.index(next(line for line in lines if line.startswith("| 单元格中的内容 | 示例 |")))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        _what, examples, rule, level, value, _hint = (c.strip() for c in line.strip("|").split("|"))
        for kind, example in _examples(examples):
            rows.append(pytest.param(kind, example, rule, level, value, id=f"{rule}-{kind}-{example}"))
    return rows


def _expected(raw: object, kind: str, value: str) -> float:
    """The number the doc says the entry is checked as, worked out from the doc's own words."""
    if value == "原数值":
        return float(raw)
    if value == "0":
        return 0.0
    if value == "未知":
        return math.nan
    if value == "标记前的数字":  # before NFKC, which makes a circled or superscript mark a digit
        return float(re.match(r"\d+(\.\d+)?", str(raw))[0])
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    if value == "对应数字":
        return float(text.lstrip("'").replace(",", "").replace(" ", ""))
    assert value in ("换算后的数字", "括号前的数字"), value
    number = float(re.match(r"\d+(\.\d+)?", text)[0])
    return number / 10000 if kind == "money" and text.endswith("元") and not text.endswith("万元") else number


def _cell_rule_fails(code: str, kind: str, number: float) -> bool:
    """Whether the per-cell rule `code` (judged on the whole frame, not by the parser) rejects the number."""
    rule = next(r for r in CELL_RULES if r.code == code)
    key, cell = next((k, c) for k, c in TEMPLATE.inputs.items() if c.kind == kind)
    return rule.applies(cell, TEMPLATE) and not rule.passes(pd.DataFrame({key: [number]}), TEMPLATE)[key].iloc[0]


def test_the_doc_has_examples_for_every_value_rule():
    codes = {p.values[2] for p in _rows()}
    assert codes == {"—"} | {f"TY0{i}" for i in range(1, 10)}


@pytest.mark.parametrize(("kind", "example", "rule", "level", "value"), _rows())
def test_documented_meaning(kind: str, example: str, rule: str, level: str, value: str):
    raw = _raw(example)
    parsed = parse_number(raw, kind)
    expected = _expected(raw, kind, value)
    assert parsed.value == pytest.approx(expected, nan_ok=True), parsed
    if rule in ("TY05", "TY06"):  # judged on the frame: the parser keeps the number, the cell rule rejects it
        assert parsed.rule is None and _cell_rule_fails(rule, kind, parsed.value)
    else:
        assert parsed.rule == (None if rule == "—" else rule), parsed
    if rule == "—":  # a plain number passes the per-cell rules too
        assert not any(_cell_rule_fails(code, kind, parsed.value) for code in ("TY05", "TY06"))
    else:
        assert SEVERITY_ZH[BUILTIN[rule].severity] == level


def test_documented_report_years():
    line = next(line for line in DOC.read_text(encoding="utf-8").splitlines() if "报告年度写成" in line)
    valid, invalid = (re.findall(r"`([^`]*)`", part) for part in line.split("；", 1))
    assert valid and invalid
    for example in valid:
        parsed = parse_year(_raw(example))
        assert (parsed.value, parsed.rule) == (2024.0, None), example
    for example in invalid:
        assert parse_year(_raw(example)).rule == "TY07", example


def test_advice_never_contradicts_another_rule_or_the_header():
    """A decimal count stored as text is not told to become that decimal (TY06 forbids it); a count with a unit is
    not told that its header names the unit (表三's does not)."""
    decimal = parse_number("21.5", "count")
    assert decimal.rule == "TY03" and "请改为数值 21.5" not in decimal.problem and "整数" in decimal.problem
    assert "请改为数值 21.5" in parse_number("21.5", "money").problem
    assert parse_number("12件", "count").problem == "填了「12件」，带有单位或文字。请只填数字 12。"
    assert "表头注明" in parse_number("3.5万元", "money").problem


def test_a_two_digit_report_year_is_asked_about_not_guessed():
    """24 cannot choose the format (2019 or 2021): an error asking whether 2024 is meant, not a CV02 about year 24."""
    for raw in (24, "24", "24年"):
        parsed = parse_year(raw)
        assert (parsed.rule, parsed.value != parsed.value) == ("TY07", True), raw
        assert parsed.problem.endswith(
            "只有两位数字，无法据此确定报告应采用的格式，也无法与上年报告核对。如指 2024 年，请填写四位数字 2024。"
        )
