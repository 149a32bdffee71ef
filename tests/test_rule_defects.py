"""A defect inside a rule stays with the file that triggers it: that file gets status "error", the others are checked."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from validator import check_paths, get_template
from validator.demo import MISTAKES
from validator.forms.sample import balanced_values, fill_workbook
from validator.forms.workbook import write_blank
from validator.installed import TEMPLATES_DIR
from validator.rules.kinds import KINDS, Param, RuleKind
from validator.spec import RuleSpec, Template
from validator.spec.load import parse_template

TRIGGER = "触发缺陷"  # the agency name that makes the defective rule raise


def _defective_mask(frame: pd.DataFrame, rule: RuleSpec, _template: Template) -> pd.DataFrame:
    names = frame[rule.params["field"]].astype(str)
    if names.str.contains(TRIGGER).any():
        raise ZeroDivisionError("a defect of the rule kind")
    return pd.DataFrame({"ok": True}, index=frame.index)


DEFECTIVE = RuleKind(
    "defective",
    (Param("field", "field"),),
    mask=_defective_mask,
    describe=lambda _rule, _failed, _ctx: [],
    detail=lambda _rule, _template: "",
)


@pytest.fixture
def template(monkeypatch: pytest.MonkeyPatch) -> Template:
    """The official spec plus one rule of a kind registered in the real registry, whose mask raises on TRIGGER."""
    monkeypatch.setitem(KINDS, DEFECTIVE.name, DEFECTIVE)
    data = yaml.safe_load((TEMPLATES_DIR / f"{get_template().id}.yaml").read_text(encoding="utf-8"))
    data["rules"].append(
        {"code": "PL09", "kind": "defective", "severity": "warning", "summary": "测试用规则", "field": "agency_name"}
    )
    return parse_template(data, "defective.yaml")


def test_a_rule_that_raises_on_one_file_leaves_the_other_files_intact(
    template: Template, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    logs = tmp_path / "logs"
    monkeypatch.setenv("NIANBAO_LOG_DIR", str(logs))
    write_blank(template, tmp_path / "blank.xlsx")
    values = balanced_values(template)
    files = {
        "clean": values,
        "culprit": values | {"agency_name": f"某县{TRIGGER}局"},
        "wrong": values | MISTAKES,
    }
    paths = [tmp_path / f"{name}.xlsx" for name in files]
    for path, filled in zip(paths, files.values()):
        fill_workbook(tmp_path / "blank.xlsx", path, filled, template)

    clean, culprit, wrong = check_paths(paths, template)

    assert culprit.status == "error" and culprit.findings == []
    assert culprit.error.startswith(
        "本工具内部出错（ZeroDivisionError），该文件未能校验。这是本工具的缺陷，不是工作簿的问题"
    )
    log = Path(re.search(r"错误详情已保存到 (.+?\.log)", culprit.error)[1])
    assert log.parent == logs
    saved = log.read_text(encoding="utf-8")
    assert str(paths[1]) in saved and "ZeroDivisionError: a defect of the rule kind" in saved

    # the others: exactly what the official template finds in them, with the defective rule run on them too
    (wrong_officially,) = check_paths([paths[2]], get_template())
    assert clean.status == wrong.status == "checked"
    assert clean.findings == []
    assert wrong.findings == wrong_officially.findings != []
