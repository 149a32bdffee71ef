"""The spec loader rejects malformed specs with a message that names the place in the spec; parameters count."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
import yaml

from validator import check_paths
from validator.check.schema import build_schema
from validator.spec import default_template
from validator.spec.load import TEMPLATES_DIR, SpecError, load_template, parse_template

TRIAL = TEMPLATES_DIR / "gov-info-annual-report-2019.yaml"

# Rules of the shipped spec by position: 0 EQ01 … 3 EQ04 (equation), 4 PL01 (zero_unless), 5 PL02 (compare),
# 6 CV01 (credit_code), 7 CV02 (year_range), 8 TX02 (text_mentions), 9 TT01, 10 TT02 … 19 TT11 (text_number) …
# 28 PL04 (magnitude).
EQ01, PL01, PL02, CV01, TX02, TT01, TT02, TT11, PL04 = 0, 4, 5, 6, 8, 9, 10, 19, 28


def _spec(edit, path: Path | None = None) -> dict:
    data = yaml.safe_load((path or TEMPLATES_DIR / f"{default_template().id}.yaml").read_text(encoding="utf-8"))
    edit(data)
    return data


def _set(index: int, **changes):
    return lambda d: d["rules"][index].update(changes)


def _drop(index: int, key: str):
    return lambda d: d["rules"][index].pop(key)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        # the sheets
        (
            lambda d: d["sheets"][0]["fields"][0].update(kind="date"),
            "sheets[0].fields[0].kind: 「date」不是单元格类型（可用：amount、choice、count、",
        ),
        (
            lambda d: d["sheets"][0]["fields"][3]["choices"].append("市,县"),
            "sheets[0].fields[3].choices: 可选值中不能有逗号（Excel 的下拉列表以逗号分隔各项）",
        ),
        # unknown kinds
        (
            _set(TX02, kind="regex"),
            "rules[8].kind: 「regex」不是已注册的规则类型"
            "（可用：equation、compare、zero_unless、credit_code、year_range、text_mentions、text_number、text_states、"
            "text_basis、magnitude）",
        ),
        (_set(PL02, kind="comapre"), "rules[5].kind: 「comapre」不是已注册的规则类型"),
        # unknown or missing parameters
        (
            _set(PL02, tolerance=1),
            "rules[5].tolerance: compare 类规则没有参数「tolerance」（可用参数：left、op、right）",
        ),
        (_set(CV01, advice="请核对"), "rules[6].advice: credit_code 类规则没有参数「advice」（可用参数：field）"),
        (_drop(PL02, "right"), "rules[5]: 缺少 compare 类规则的参数「right」"),
        (_drop(EQ01, "each"), "rules[0]: 缺少 equation 类规则的参数「each」"),
        (_drop(TX02, "summary"), "rules[8]: 缺少「summary」"),
        (_set(TX02, any_of=[]), "rules[8].any_of: 应为非空的列表"),
        (_set(TX02, any_of=["收费", ""]), "rules[8].any_of[1]: 应为非空的文字"),
        (lambda d: d["rules"].__setitem__(PL02, "PL02"), "rules[5]: 应为映射（code、kind、summary 和该类规则的参数）"),
        # parameters that name nothing in the template
        (_set(PL02, left="t2_1.normative.valid"), "rules[5].left: 「t2_1.normative.valid」不是模板中的填报项"),
        (
            _set(PL02, right="t2_1.normative.isued"),
            "rules[5].right: 「t2_1.normative.isued」不是模板中的填报项。是否应为「t2_1.normative.issued」？",
        ),
        (
            _set(PL01, cells=["t2_1.rules.issued", "t2_1.rule.current"]),
            "rules[4].cells[1]: 「t2_1.rule.current」不是模板中的填报项",
        ),
        (_set(CV01, field="credit"), "rules[6].field: 「credit」不是模板中的字段"),
        (_set(EQ01, table="t9"), "rules[0].table: 「t9」不是模板中的表格（可用：t2_1、"),
        (
            _set(EQ01, lhs=["new", "nonexistent"]),
            "rules[0].lhs: 「nonexistent」不是表格 t3 的行（each: column 时各项是行）",
        ),
        (_set(EQ01, rhs=["natural"]), "rules[0].rhs: 「natural」不是表格 t3 的行（each: column 时各项是行）"),
        (
            _set(PL01, allowed=[{"agency_level": ["省部级"]}]),
            "rules[4].allowed[0].agency_level[0]: 「省部级」不是「机关层级」的可选值",
        ),
        (_set(PL01, allowed=[{"agency_rank": ["省级"]}]), "rules[4].allowed[0]: 「agency_rank」不是模板中的字段"),
        # bad operators and other choices
        (_set(PL02, op="=>"), "rules[5].op: 「=>」不是参数 op 的可用值（可用：>=、>、<=、<、==）"),
        (_set(PL02, op="≥"), "rules[5].op: 「≥」不是参数 op 的可用值（可用：>=、>、<=、<、==）"),
        (_set(EQ01, each="diagonal"), "rules[0].each: 「diagonal」不是参数 each 的可用值（可用：row、column）"),
        (_set(PL04, limit=0), "rules[28].limit: 应为正数，如 10000000"),
        (_set(PL04, limit="一千万"), "rules[28].limit: 应为正数，如 10000000"),
        (
            _set(PL04, of="money_total"),
            "rules[28].of: 「money_total」不是参数 of 的可用值（可用：count、money、amount）",
        ),
        # text_number: the words making a statement a part, and the sentences showing them
        (_set(TT01, parts=["自然人("]), "rules[9].parts[0]: 不是有效的正则表达式"),
        (
            _set(TT01, parts=["法律服务机构"]),
            "rules[9].parts_example: 示例句子「全年收到自然人申请39件」中的数字没有被 parts 识别为部分数字",
        ),
        (
            _set(TT01, parts_example="全年办结自然人申请39件"),
            "rules[9].parts_example: 示例句子「全年办结自然人申请39件」没有被任何短语识别",
        ),
        (
            _set(TT02, others=["诉讼"]),
            "rules[10].others_example: 示例句子「本年度发生政府信息公开行政复议4件（含上年结转1件）」中的数字没有被 others 识别为部分数字",
        ),
        # a phrase shared by rules of several subjects, and a rule naming none
        (_set(TT01, phrases=["{subject}申请{n}件"]), "rules[9].phrases: 短语中有「{subject}」，但规则没有给出 subject"),
        # the words the rule reference names for a subject must be what the subject matches
        (
            _set(TT11, subject_names=["自然人", "居民"]),
            "rules[19].subject_names[1]: 「居民」不符合 subject，请修改 subject 或删去该名称",
        ),
        (_set(PL02, severity="fatal"), "rules[5].severity: 「fatal」不是规则级别（可用：error、info、warning）"),
        # malformed codes, unknown families, built-in codes, duplicates
        (_set(PL02, code="PL2"), "rules[5].code: 规则编号「PL2」应为两个大写字母加两位数字，如 PL03"),
        (_set(PL02, code="pl02"), "rules[5].code: 规则编号「pl02」应为两个大写字母加两位数字"),
        (_set(PL02, code="PL002"), "rules[5].code: 规则编号「PL002」应为两个大写字母加两位数字"),
        (_set(PL02, code="QQ01"), "rules[5].code: 「QQ」不是已定义的规则类别（可用：ST、TY、TX、TT、EQ、PL、CV"),
        (_set(PL02, code="TY05"), "rules[5].code: TY05 是本工具内置规则的编号，请换一个编号"),
        (_set(TX02, code="TX01"), "rules[8].code: TX01 是本工具内置规则的编号，请换一个编号"),
        (_set(TX02, code="EQ01"), "rules[8].code: 规则编号 EQ01 与 rules[0] 重复"),
        # template-level fields
        (lambda d: d.update(last_year=2020), "last_year: 2020 is before first_year 2021"),
        (lambda d: d.update(first_year="2021年"), "first_year: must be a four-digit year"),
        (lambda d: d["example"].update({"t3.new": [1, 2]}), "example.t3.new: needs a list of 7 values"),
        (lambda d: d["example"].pop("phone"), "example: no value for phone"),
        (lambda d: d["example"].update({"t3.nothing": [0] * 7}), "example.t3.nothing: no field and no table row"),
        (
            lambda d: d["sheets"][2]["tables"][0]["columns"][0].update(kind="int"),
            "sheets[2].tables[0].columns[0].kind: 「int」不是单元格类型",
        ),
    ],
)
def test_malformed_spec_is_named(edit, message: str):
    with pytest.raises(SpecError) as raised:
        parse_template(_spec(edit), "spec")
    assert str(raised.value).startswith(f"spec: {message}"), str(raised.value)


def test_shipped_spec_expands_every_equation():
    template = parse_template(_spec(lambda d: None))
    assert [(r.code, len(r.equations)) for r in template.rules if r.kind == "equation"] == [
        ("EQ01", 7),
        ("EQ02", 7),
        ("EQ03", 25),
        ("EQ04", 3),
    ]


def test_trial_spec_has_one_row_for_other_handling_and_signed_changes():
    template = parse_template(_spec(lambda d: None, TRIAL))
    assert len(template.tables["t3"].row_leaves) == 23
    assert [(r.code, len(r.equations)) for r in template.rules if r.kind == "equation"] == [
        ("EQ01", 7),
        ("EQ02", 7),
        ("EQ03", 23),
        ("EQ04", 3),
    ]
    signed = [k for k, cell in template.inputs.items() if cell.kind == "signed_count"]
    assert signed == [f"{t}.{row}.change" for t, row in (("t2_5", "licensing"), ("t2_5", "other_services"),
                      ("t2_6", "penalty"), ("t2_6", "enforcement"), ("t2_8", "fees"))]  # fmt: skip


def test_superseded_labels_come_from_the_older_spec(tmp_path: Path):
    """The current format recognises the trial format by the labels only the trial format prints."""
    current, trial = default_template(), load_template(TRIAL)
    (old,) = current.superseded
    assert (old.template_id, old.name, old.basis) == (trial.id, trial.name, trial.basis)
    assert {"本年增/减", "规范性文件", "政府集中采购"} <= set(old.labels)
    assert not set(old.labels) & current.labels
    spec = tmp_path / "mine.yaml"
    spec.write_text(yaml.safe_dump(_spec(lambda d: d.update(supersedes=["no-such-format"])), allow_unicode=True))
    with pytest.raises(SpecError, match=r"supersedes\[0\]: no template spec 'no-such-format.yaml'"):
        load_template(spec)


def test_optional_parameters_get_their_defaults():
    template = parse_template(_spec(_drop(TX02, "advice")))
    assert template.rules[TX02].params["advice"] == ""
    assert template.rules[EQ01].params["groups"] == ()


def test_rule_parameters_take_part_in_equality_and_cached_schemas(balanced_workbook: Path, tmp_path: Path):
    at_least = parse_template(_spec(lambda d: None))
    more_than = parse_template(_spec(_set(PL02, op=">")))
    assert at_least != more_than and at_least == parse_template(_spec(lambda d: None))
    assert build_schema(at_least) is not build_schema(more_than)

    # 现行有效 = 本年制发 = 4: passes ">=", fails ">"; each template must run its own comparison
    path = tmp_path / "equal.xlsx"
    wb = openpyxl.load_workbook(balanced_workbook)
    wb["表二"]["D5"] = 4
    wb.save(path)
    (report_at_least,) = check_paths([path], at_least)
    (report_more_than,) = check_paths([path], more_than)
    assert [f.rule for f in report_at_least.findings] == []
    assert [(f.rule, f.cell.ref) for f in report_more_than.findings] == [("PL02", "表二!D5")]


@pytest.mark.parametrize("path", sorted(TEMPLATES_DIR.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_input_is_named_apart_from_the_others_of_its_table(path: Path):
    """Messages name a cell by its labels: 表四's three 「结果维持」 are told apart by their group."""
    template = load_template(path)
    for table in template.tables:
        labels = [i.label for i in template.inputs.values() if i.table == table]
        assert len(labels) == len(set(labels)), table
    if "t4.cases.after_review.upheld" in template.inputs:
        assert template.inputs["t4.cases.after_review.upheld"].label == "复议后起诉 / 结果维持"
