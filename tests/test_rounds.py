"""Three rounds of resubmission over twenty generated agencies: errors fixed and left, warnings explained, an error
explained and accepted by the office, an explanation sent back, a new error in round 2, an agency that does not
resubmit, a renamed file. Every output (results.jsonl, 汇总.xlsx, report.html in a browser) and the exit code say
exactly what changed for each agency."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from batch_set import T3, agency
from builders import TEMPLATE, build
from test_rounds_explain import explain

from validator.batch.totals import totals
from validator.cli import EXIT_USAGE, main

NEW_NATURAL, NEW_TOTAL = T3.cell_key("new", "natural"), T3.cell_key("new", "total")
E1 = {NEW_NATURAL: 99}  # EQ01 and EQ03 on 表三!D5
E2 = {NEW_TOTAL: 1}  # EQ01 and EQ03 on 表三!J5
W1 = {"other_matters": "本年度没有其他需要报告的事项。"}  # TX02: the fees unmentioned
W2 = {"t2_1.normative.current": 1}  # PL02
EQ = {"EQ01", "EQ03"}
KINDS = ("已改正", "新出现", "仍存在", "已说明", "已接受")
ROUND_KEYS = ("fixed", "new", "open", "explained", "accepted")


def name(n: int) -> str:
    return f"某县第{n:02d}局"


def values(n: int, *changes: dict) -> dict:
    out = agency(name(n), f"11330521MB00000{n:02d}")
    for change in changes:
        out |= change
    return out


@dataclass
class Rounds:
    root: Path
    codes: list[int]
    outs: list[Path]
    docs: list[dict[str, dict]]  # per round: agency name → its result


def _run(root: Path, number: int, *options: str) -> tuple[int, Path, dict[str, dict]]:
    out = root / f"结果{number}"
    code = main(["batch", str(root / f"第{number}轮"), "--out", str(out), "--jobs", "2", *options])
    docs = [json.loads(line) for line in (out / "results.jsonl").read_text("utf-8").splitlines()]
    return code, out, {d["agency"]["agency_name"]: d for d in docs}


def _copy_of(out: Path, doc: dict) -> Path:
    return out / doc["annotated"]


def _decide(summary: Path, decisions: dict[tuple[str, str], tuple[str, str]]) -> None:
    """The office fills 处理意见 and 处理说明 of 问题明细 for (agency, rule)."""
    wb = openpyxl.load_workbook(summary)
    ws = wb["问题明细"]
    header = [c.value for c in ws[1]]
    col = {h: i + 1 for i, h in enumerate(header)}
    for row in range(2, ws.max_row + 1):
        key = (ws.cell(row, col["机关名称"]).value, ws.cell(row, col["规则"]).value)
        if key in decisions:
            ws.cell(row, col["处理意见"]).value, ws.cell(row, col["处理说明"]).value = decisions[key]
    wb.save(summary)


@pytest.fixture(scope="module")
def rounds(tmp_path_factory: pytest.TempPathFactory) -> Rounds:
    root = tmp_path_factory.mktemp("rounds")
    for n in (1, 2, 3):
        (root / f"第{n}轮").mkdir()
    r1, r2, r3 = (root / f"第{n}轮" for n in (1, 2, 3))
    first = {
        2: (E1,), 3: (E1,), 4: (W1,), 5: (E1,), 8: (W2,), 10: (W1, W2), 11: (W2,), 13: (E1, W1),
    }  # fmt: skip
    for n in range(1, 21):
        build(r1 / f"{n:02d}.xlsx", values(n, *first.get(n, ())))
    codes = []
    code, out1, docs1 = _run(root, 1)
    codes.append(code)
    # Round 2: what each agency sends back
    for n in range(1, 21):
        if n == 7:
            continue  # does not resubmit
        target = r2 / f"{n:02d}.xlsx"
        if n == 2:
            build(target, values(n))  # fixed in its own workbook
        elif n == 6:
            build(target, values(n, E2))  # a new error
        elif n == 8:
            shutil.copy(r1 / "08.xlsx", r2 / "08-修改稿.xlsx")  # renamed, unchanged
        elif n == 12:
            build(target, values(n, W1))  # a new warning
        elif n == 13:
            build(target, values(n, W1))  # error fixed, warning left
        elif n in (4, 5, 10, 11):  # the annotated copy, explained, under a name of its own
            copy = _copy_of(out1, docs1[name(n)])
            notes = {4: {"TX02": "本单位未收取信息处理费。"}, 5: {"EQ01": "系统导出数据，经核实无误。",
                     "EQ03": "系统导出数据，经核实无误。"}, 10: {"TX02": "正文已写明。"}, 11: {"PL02": "以目录为准。"}}  # fmt: skip
            explain(copy, notes[n])
            shutil.copy(copy, target)
        else:
            shutil.copy(r1 / f"{n:02d}.xlsx", target)
    code, out2, docs2 = _run(root, 2, "--since", str(out1))
    codes.append(code)
    # The office accepts 05's explained error and sends 11's explanation back
    _decide(
        out2 / "汇总.xlsx",
        {
            (name(5), "EQ01"): ("接受", "系统口径差异，同意"),
            (name(5), "EQ03"): ("接受", "系统口径差异，同意"),
            (name(11), "PL02"): ("退回", "请按实际件数填写"),
        },
    )
    # Round 3
    for path in r2.iterdir():
        shutil.copy(path, r3 / path.name)
    build(r3 / "03.xlsx", values(3))  # fixed at last
    build(r3 / "06.xlsx", values(6))  # the new error fixed
    build(r3 / "07.xlsx", values(7))  # back, clean
    code, out3, docs3 = _run(root, 3, "--since", str(out2 / "results.jsonl"), "--decisions", str(out2 / "汇总.xlsx"))
    codes.append(code)
    return Rounds(root, codes, [out1, out2, out3], [docs1, docs2, docs3])


# Rules of the findings in each kind of change, per agency; agencies not listed have none.
EXPECTED = {
    2: {
        2: {"已改正": EQ},
        3: {"仍存在": EQ},
        4: {"已说明": {"TX02"}},
        5: {"已说明": EQ},
        6: {"新出现": EQ},
        8: {"仍存在": {"PL02"}},
        10: {"已说明": {"TX02"}, "仍存在": {"PL02"}},
        11: {"已说明": {"PL02"}},
        12: {"新出现": {"TX02"}},
        13: {"已改正": EQ, "仍存在": {"TX02"}},
    },
    3: {
        3: {"已改正": EQ},
        4: {"已说明": {"TX02"}},
        5: {"已接受": EQ},
        6: {"已改正": EQ},
        8: {"仍存在": {"PL02"}},
        10: {"已说明": {"TX02"}, "仍存在": {"PL02"}},
        11: {"仍存在": {"PL02"}},  # its explanation was sent back
        12: {"仍存在": {"TX02"}},
        13: {"仍存在": {"TX02"}},
    },
}
ABSENT = {2: [name(7)], 3: []}


def expected_counts(number: int, n: int) -> tuple[int, ...]:
    kinds = EXPECTED[number].get(n, {})
    return tuple(len(kinds.get(k, ())) for k in KINDS)


def _rules(docs_before: dict[str, dict], doc: dict, ids: list[str]) -> set[str]:
    rules = {f["id"]: f["rule"] for f in doc["findings"]}
    before = docs_before.get(doc["agency"]["agency_name"])
    rules |= {f["id"]: f["rule"] for f in before["findings"]} if before else {}
    return {rules[i] for i in ids}


@pytest.mark.parametrize("number", [2, 3])
def test_results_jsonl_says_what_changed_per_agency(rounds: Rounds, number: int):
    docs, before = rounds.docs[number - 1], rounds.docs[number - 2]
    for n in range(1, 21):
        if name(n) not in docs:
            assert n == 7 and number == 2
            continue
        change = docs[name(n)]["round"]
        found = {k: _rules(before, docs[name(n)], change[key]) for k, key in zip(KINDS, ROUND_KEYS)}
        assert {k: v for k, v in found.items() if v} == EXPECTED[number].get(n, {}), name(n)
        assert change["since"] == str(rounds.outs[number - 2] / ("results.jsonl" if number == 3 else ""))
    if number == 3:  # back after a round away: compared with its file of round 1
        assert docs[name(7)]["round"]["previous"] == "第1轮/07.xlsx"
        assert docs[name(7)]["round"]["previous_round"] == str(rounds.outs[0])
    assert docs[name(8)]["file"] == "第2轮/08-修改稿.xlsx" if number == 2 else True


def test_decisions_and_explanations_in_the_json(rounds: Rounds):
    docs = rounds.docs[2]
    accepted = [f for f in docs[name(5)]["findings"]]
    assert {f["rule"]: f["decision"] for f in accepted} == {
        r: {"by": "office", "value": "accept", "note": "系统口径差异，同意"} for r in EQ
    }
    assert docs[name(5)]["counts"]["error"] == 0 and docs[name(5)]["settled"]["accepted"] == 2
    (sent_back,) = docs[name(11)]["findings"]
    assert sent_back["decision"]["value"] == "reject" and sent_back["explanation"] == "以目录为准。"
    assert sent_back["state"] == "open" and docs[name(11)]["counts"]["warning"] == 1
    # in round 2 the explained error still counted as an error, but not toward the exit code
    assert rounds.docs[1][name(5)]["counts"]["error"] == 2 and rounds.docs[1][name(5)]["open_errors"] == 0


def test_exit_codes_count_only_open_unexplained_unaccepted_errors(rounds: Rounds):
    assert rounds.codes == [1, 1, 0]


def _rows(path: Path, sheet: str) -> list[dict]:
    rows = list(openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


@pytest.mark.parametrize("number", [2, 3])
def test_summary_workbook_says_what_changed(rounds: Rounds, number: int):
    summary = rounds.outs[number - 1] / "汇总.xlsx"
    changes = {r["机关名称"]: r for r in _rows(summary, "本轮变化")}
    agencies = {r["机关名称"]: r for r in _rows(summary, "汇总")}
    for n in range(1, 21):
        if name(n) in ABSENT[number]:
            assert changes[name(n)]["状态"] == "未重新报送"
            continue
        assert tuple(changes[name(n)][k] for k in KINDS) == expected_counts(number, n), name(n)
        assert tuple(agencies[name(n)][k] for k in KINDS) == expected_counts(number, n), name(n)
    assert [n for n, r in changes.items() if r["状态"] == "未重新报送"] == ABSENT[number]


def test_summary_details_carry_explanations_and_decisions(rounds: Rounds):
    details = _rows(rounds.outs[2] / "汇总.xlsx", "问题明细")
    row = next(r for r in details if r["机关名称"] == name(5) and r["规则"] == "EQ01")
    assert (row["级别"], row["单位说明"], row["处理意见"], row["处理说明"]) == (
        "错误·已接受",
        "系统导出数据，经核实无误。",
        "接受",
        "系统口径差异，同意",
    )
    ws = openpyxl.load_workbook(rounds.outs[2] / "汇总.xlsx")["问题明细"]
    (choice,) = ws.data_validations.dataValidation
    assert choice.type == "list" and choice.formula1 == '"接受,退回"'


def test_report_html_in_a_browser_shows_and_filters_the_changes(rounds: Rounds, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    for number in (2, 3):
        browser.get((rounds.outs[number - 1] / "report.html").as_uri())
        table = browser.find_element(By.ID, "rounds")
        head = [h.text for h in table.find_elements(By.TAG_NAME, "th")]
        shown = {}
        for row in table.find_elements(By.CSS_SELECTOR, "tbody tr"):
            cells = [c.text for c in row.find_elements(By.TAG_NAME, "td")]
            shown[cells[0]] = cells
        for n in range(1, 21):
            if name(n) in ABSENT[number]:
                assert shown[name(n)][head.index("状态")] == "未重新报送"
            elif name(n) in shown:
                assert tuple(int(shown[name(n)][head.index(k)]) for k in KINDS) == expected_counts(number, n)
        select = Select(browser.find_element(By.ID, "round-filter"))
        for value, wanted in (
            ("new", {n for n, kinds in EXPECTED[number].items() if "新出现" in kinds}),
            ("accepted", {n for n, kinds in EXPECTED[number].items() if "已接受" in kinds}),
            ("absent", {int(a[3:5]) for a in ABSENT[number]}),
        ):
            select.select_by_value(value)
            visible = {r.text.split()[0] for r in table.find_elements(By.CSS_SELECTOR, "tbody tr") if r.is_displayed()}
            assert visible == {name(n) for n in wanted}, value
            assert browser.find_element(By.ID, "round-shown").text == str(len(wanted))
        select.select_by_value("")
        assert all(r.is_displayed() for r in table.find_elements(By.CSS_SELECTOR, "tbody tr"))
        details = browser.find_element(By.CSS_SELECTOR, f'[data-file="第{number}轮/05.xlsx"]')
        browser.execute_script("arguments[0].open = true", details)
        assert "单位说明：系统导出数据，经核实无误。" in details.text
        assert ("审核单位意见：接受，系统口径差异，同意" in details.text) == (number == 3)
        assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


def _results(out: Path) -> dict[str, dict]:
    return {
        d["agency"]["agency_name"]: d for d in map(json.loads, (out / "results.jsonl").read_text("utf-8").splitlines())
    }


def test_totals_take_the_agencies_not_resubmitted_with_their_report_of_an_earlier_round(rounds: Rounds):
    """Round 2: 第07局 (clean in round 1) sends nothing; 全区合计 still counts its round-1 report and says so."""
    out1, out2 = rounds.outs[0], rounds.outs[1]
    summed = [d for d in rounds.docs[1].values() if d["counts"]["error"] == 0] + [rounds.docs[0][name(7)]]
    ws = openpyxl.load_workbook(out2 / "汇总.xlsx")["全区合计"]
    assert ws["A2"].value == (
        f"纳入合计：{len(summed)} 份（2025 年度、校验通过，每个单位一份），其中 1 份是本轮未重新报送的单位此前报送的"
        f"（最后报送于 {out1} 的 1 份）；未纳入：{20 - len(summed)} 份，每份的原因见合计表下方的「未纳入合计的报告」。"
    )
    assert "本轮未重新报送的单位（见「本轮变化」工作表）计入其最后报送的一轮中的报告" in ws["A3"].value
    numbers = [c for row in ws.iter_rows(min_row=4, values_only=True) for c in row if isinstance(c, (int, float))]
    assert sum(numbers) == pytest.approx(sum(totals(summed, TEMPLATE).values()))
    assert not any(str(c).startswith(f"{rounds.docs[0][name(7)]['file']}") for row in ws.iter_rows(values_only=True)
                   for c in row)  # fmt: skip
    for out in (out1, rounds.outs[2]):  # nothing carried: as before
        line = openpyxl.load_workbook(out / "汇总.xlsx")["全区合计"]["A2"].value
        assert line.startswith("纳入合计：") and "其中" not in line


def test_a_rerun_without_since_drops_the_changes_and_keeps_the_folders_decisions(rounds: Rounds, tmp_path: Path):
    again = tmp_path / "结果3"
    shutil.copytree(rounds.outs[2], again)  # resumed in the same folder: unchanged files are not checked again
    assert main(["batch", str(rounds.root / "第3轮"), "--out", str(again), "--jobs", "1"]) == 0
    docs = _results(again)
    assert not any("round" in d for d in docs.values())
    assert {f["decision"]["value"] for f in docs[name(5)]["findings"]} == {"accept"}  # from 结果3/汇总.xlsx
    assert docs[name(5)]["counts"]["error"] == 0 and docs[name(5)]["open_errors"] == 0
    assert [f["state"] for f in docs[name(11)]["findings"]] == ["open"]  # still sent back
    assert "本轮变化" not in openpyxl.load_workbook(again / "汇总.xlsx").sheetnames


def test_a_rerun_keeps_the_decisions_typed_into_the_folders_summary(rounds: Rounds, tmp_path: Path, capsys):
    """Round 2 was run without --decisions and the office typed its decisions into 结果2/汇总.xlsx; running round 2
    again into that folder (a late file) rewrites 汇总.xlsx with those decisions and says so."""
    again = tmp_path / "结果2"
    shutil.copytree(rounds.outs[1], again)
    late = shutil.copytree(rounds.root / "第2轮", tmp_path / "第2轮")
    build(late / "21.xlsx", values(21))
    capsys.readouterr()
    main(["batch", str(late), "--out", str(again), "--since", str(rounds.outs[0]), "--jobs", "1"])
    assert f"沿用 {again / '汇总.xlsx'} 中已填写的 3 条处理意见" in capsys.readouterr().err
    docs = _results(again)
    assert {f["rule"]: f["decision"]["value"] for f in docs[name(5)]["findings"]} == dict.fromkeys(EQ, "accept")
    assert [f["decision"]["value"] for f in docs[name(11)]["findings"]] == ["reject"]
    decided = {
        (r["机关名称"], r["规则"]): (r["处理意见"], r["处理说明"]) for r in _rows(again / "汇总.xlsx", "问题明细")
    }
    assert decided[(name(5), "EQ01")] == ("接受", "系统口径差异，同意")
    assert decided[(name(11), "PL02")] == ("退回", "请按实际件数填写")
    assert name(21) in docs


def test_a_rerun_with_decisions_keeps_those_typed_into_the_folders_summary_too(rounds: Rounds, tmp_path, capsys):
    """Round 3 ran with --decisions 结果2/汇总.xlsx; the office then typed decisions into 结果3/汇总.xlsx, one of them
    overturning a round-2 decision. Running the same command again keeps both, the newer winning."""
    again = tmp_path / "结果3"
    shutil.copytree(rounds.outs[2], again)
    _decide(again / "汇总.xlsx", {(name(11), "PL02"): ("接受", "已核实"), (name(12), "TX02"): ("接受", "")})
    capsys.readouterr()
    code = main(["batch", str(rounds.root / "第3轮"), "--out", str(again), "--jobs", "1", "--since",
                 str(rounds.outs[1] / "results.jsonl"), "--decisions", str(rounds.outs[1] / "汇总.xlsx")])  # fmt: skip
    assert code == 0
    said = capsys.readouterr().err
    assert f"沿用 {again / '汇总.xlsx'} 中已填写的 4 条处理意见" in said and "以本结果目录中的为准" in said
    decided = {
        (r["机关名称"], r["规则"]): (r["处理意见"], r["处理说明"]) for r in _rows(again / "汇总.xlsx", "问题明细")
    }
    assert decided[(name(5), "EQ01")] == decided[(name(5), "EQ03")] == ("接受", "系统口径差异，同意")  # --decisions
    assert decided[(name(11), "PL02")] == ("接受", "已核实")  # was 退回 in 结果2/汇总.xlsx
    assert decided[(name(12), "TX02")] == ("接受", None)
    docs = _results(again)
    assert [f["state"] for f in docs[name(11)]["findings"] + docs[name(12)]["findings"]] == ["accepted", "accepted"]
    assert docs[name(11)]["round"]["accepted"] and docs[name(12)]["round"]["accepted"]


def test_a_decision_in_the_folders_summary_that_cannot_be_used_stops_the_rerun(rounds: Rounds, tmp_path, capsys):
    again = tmp_path / "结果2"
    shutil.copytree(rounds.outs[1], again)
    _decide(again / "汇总.xlsx", {(name(6), "EQ01"): ("同意", "")})
    before = (again / "汇总.xlsx").read_bytes()
    ws = openpyxl.load_workbook(again / "汇总.xlsx")["问题明细"]
    column = [c.value for c in ws[1]].index("处理意见") + 1
    (row,) = [r for r in range(1, ws.max_row + 1) if ws.cell(r, column).value == "同意"]  # the row the office sees
    capsys.readouterr()
    assert main(["batch", str(rounds.root / "第2轮"), "--out", str(again), "--jobs", "1"]) == EXIT_USAGE
    said = capsys.readouterr().err
    assert f"汇总.xlsx 的「问题明细」第 {row} 行的处理意见「同意」无效" in said and "请改正该文件后重新运行" in said
    assert not said.startswith("命令用法有误")  # the command is right; the file it reads is not
    assert (again / "汇总.xlsx").read_bytes() == before


def test_an_agency_with_two_files_in_the_previous_round_is_one_agency(tmp_path: Path, capsys):
    """Round 1: 甲局 twice (two versions, one credit code), 乙局's file encrypted, 丙局. Round 2: 甲局 and 乙局 only.
    甲局 is compared with its last file (the one 全区合计 takes) and named with the other; only 丙局 is 未重新报送;
    乙局's row says its previous file could not be read."""
    r1, r2 = tmp_path / "第1轮", tmp_path / "第2轮"
    r1.mkdir(), r2.mkdir()
    build(r1 / "甲局.xlsx", values(1, E1))
    build(r1 / "甲局（更正版）.xlsx", values(1, E2))
    (r1 / "乙局.xlsx").write_bytes(
        bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504) + "EncryptionInfo".encode("utf-16-le")
    )
    build(r1 / "丙局.xlsx", values(3))
    out1 = tmp_path / "结果1"
    main(["batch", str(r1), "--out", str(out1), "--jobs", "2"])
    first = [json.loads(line) for line in (out1 / "results.jsonl").read_text("utf-8").splitlines()]
    assert [d["status"] for d in first if d["file"] == "第1轮/乙局.xlsx"] == ["unreadable"]
    other, last = [d for d in first if d["file"].startswith("第1轮/甲局")]  # in the batch's order
    left_out = [
        c for row in openpyxl.load_workbook(out1 / "汇总.xlsx")["全区合计"].iter_rows(values_only=True) for c in row
    ]
    assert any(str(c).startswith(f"{other['file']}：与 {last['file']} 是同一单位") for c in left_out)
    build(r2 / "甲局.xlsx", values(1))
    build(r2 / "乙局.xlsx", values(2))
    capsys.readouterr()
    _, out2, docs = _run(tmp_path, 2, "--since", str(out1))
    assert "未重新报送的单位 1 个" in capsys.readouterr().err
    change = docs[name(1)]["round"]
    assert (change["previous"], change["previous_files"]) == (last["file"], [other["file"], last["file"]])
    assert change["fixed"] and set(change["fixed"]) == {f["id"] for f in last["findings"]}
    assert docs[name(2)]["round"] | {"since": ""} == {
        "since": "", "previous": None, "previous_round": None, "previous_files": [], "unreadable": "第1轮/乙局.xlsx",
        "previous_credit_code": None, "previous_agency_name": None, "fixed": [], "new": [], "open": [], "explained": [],
        "accepted": [],
    }  # fmt: skip
    rows = {(r["机关名称"], r["状态"]): r["此前报送的文件"] for r in _rows(out2 / "汇总.xlsx", "本轮变化")}
    assert rows == {
        (name(1), "通过"): f"{last['file']}（按排在最后的此份比较；该单位在该轮另有 {other['file']}）",
        (name(2), "通过"): "第1轮/乙局.xlsx（此前报送的该文件无法读取，未比较，本轮的问题均计为新出现）",
        (name(3), "未重新报送"): "第1轮/丙局.xlsx",
    }


def test_an_agency_not_resubmitted_is_judged_with_the_decisions_carried_with_it(tmp_path: Path):
    """Round 1: the office accepts 第11局's errors in 结果1/汇总.xlsx. Round 2 (--decisions 结果1/汇总.xlsx): 第11局
    sends nothing; its round-1 report is carried with the decisions and judged with them, as round 1 checked again
    with them judges it: no open error, so 全区合计 sums it; round 3 (--since 结果2 alone) still does."""
    for n in (1, 2, 3):
        (tmp_path / f"第{n}轮").mkdir()
    build(tmp_path / "第1轮" / "11.xlsx", values(11, E1))
    for n in (1, 2, 3):
        build(tmp_path / f"第{n}轮" / "01.xlsx", values(1))
    _, out1, _ = _run(tmp_path, 1)
    _decide(out1 / "汇总.xlsx", {(name(11), rule): ("接受", "口径差异") for rule in EQ})
    _run(tmp_path, 2, "--since", str(out1), "--decisions", str(out1 / "汇总.xlsx"))
    _run(tmp_path, 3, "--since", str(tmp_path / "结果2"))
    again = tmp_path / "结果1-重新校验"
    main(["batch", str(tmp_path / "第1轮"), "--out", str(again), "--jobs", "2", "--decisions", str(out1 / "汇总.xlsx")])
    rechecked = _results(again)[name(11)]
    assert rechecked["open_errors"] == 0 and rechecked["counts"]["error"] == 0  # what a re-run of round 1 says
    for out in (tmp_path / "结果2", tmp_path / "结果3"):
        [carried] = [json.loads(line) for line in (out / "earlier_rounds.jsonl").read_text("utf-8").splitlines()]
        assert carried["file"] == "第1轮/11.xlsx" and carried["submitted_in"] == str(out1)
        for key in ("counts", "settled", "open_errors"):
            assert carried[key] == rechecked[key], key
        assert [(f["id"], f["state"], f["decision"]) for f in carried["findings"]] == [
            (f["id"], f["state"], f["decision"]) for f in rechecked["findings"]
        ]
        ws = openpyxl.load_workbook(out / "汇总.xlsx")["全区合计"]
        assert ws["A2"].value.startswith(
            "纳入合计：2 份（2025 年度、校验通过，每个单位一份），其中 1 份是本轮未重新报送"
        )
        assert "；未纳入：0 份" in ws["A2"].value
