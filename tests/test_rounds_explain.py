"""The agency's explanations: typed in 单位说明 of an annotated copy, read back by the command line, the batch and the
Excel button alike, kept through re-checks and clearing, and dropped (listed once) when their finding is fixed."""

from __future__ import annotations

import json
import shutil
import zipfile
from copy import copy
from math import ceil
from pathlib import Path

import documents
import openpyxl
import pytest
from batch_set import T3, agency
from builders import TEMPLATE, build, published
from test_zip_painter import problems

from validator.annotate.results import FINDING_COLUMNS
from validator.annotate.zip_painter import UNDO_PART, clear_file
from validator.cli import main
from validator.excel.actions import check_book, clear_book, validate_book
from validator.excel.simulate import book_json, import_xlwings
from validator.forms.layout import template_layout
from validator.names import EXPLANATION_COLUMN, ID_COLUMN, INPUT_FILL, MARKS_SHEET, RESULT_SHEET
from validator.sources.xlsx import load
from validator.text import display_width

NATURAL = T3.cell_key("new", "natural")
NORMATIVE = "t2_1.normative.current"
TX02_NOTE = "本单位本年度未收取信息处理费，已在正文写明“无”。"
PL02_NOTE = "现行有效件数以清理后的目录为准。"
EQ_NOTE = "数据经核实无误。"


def wrong_report(path: Path) -> Path:
    """Two warnings (TX02 on 正文!B4, PL02) and an unbalanced 表三 (EQ01 and EQ03 on 表三!D5)."""
    build(
        path,
        agency(
            "某县甲局",
            "11330521MB0000001",
            other_matters="本年度没有其他需要报告的事项。",
            **{NATURAL: 99, NORMATIVE: 1},
        ),
    )
    return path


def findings_table(ws) -> tuple[int, dict[str, int]]:
    """The header row of the findings table and its columns by title."""
    for row in ws.iter_rows():
        titles = {c.value: c.column for c in row if isinstance(c.value, str)}
        if ID_COLUMN in titles and EXPLANATION_COLUMN in titles:
            return row[0].row, titles
    raise AssertionError("no findings table")


def explain(path: Path, notes: dict[str, str]) -> None:
    """Type explanations into the 单位说明 cells of the rows of the given rules, as an agency does in Excel."""
    wb = openpyxl.load_workbook(path)
    ws = wb[RESULT_SHEET]
    top, cols = findings_table(ws)
    for row in range(top + 1, ws.max_row + 1):
        rule = ws.cell(row, cols["规则"]).value
        if rule in notes:
            ws.cell(row, cols[EXPLANATION_COLUMN]).value = notes[rule]
    wb.save(path)


def sheet_explanations(path: Path) -> dict[str, str]:
    """Rule → explanation as the results sheet of `path` shows them."""
    ws = openpyxl.load_workbook(path)[RESULT_SHEET]
    top, cols = findings_table(ws)
    out = {}
    for row in range(top + 1, ws.max_row + 1):
        if not ws.cell(row, cols[ID_COLUMN]).value:
            break
        out[ws.cell(row, cols["规则"]).value] = ws.cell(row, cols[EXPLANATION_COLUMN]).value
    return out


def check_json(capsys: pytest.CaptureFixture, path: Path, *options: str) -> tuple[int, dict]:
    code = main(["check", str(path), "--format", "json", *options])
    return code, json.loads(capsys.readouterr().out)["results"][0]


def results(out: Path) -> list[dict]:
    """The results.jsonl of a batch's output folder."""
    return [json.loads(line) for line in (out / "results.jsonl").read_text("utf-8").splitlines()]


def by_rule(result: dict) -> dict[str, dict]:
    return {f["rule"]: f for f in result["findings"]}


@pytest.fixture
def explained_copy(tmp_path: Path, capsys: pytest.CaptureFixture) -> Path:
    source = wrong_report(tmp_path / "甲局.xlsx")
    code, first = check_json(capsys, source)
    assert code == 1 and first["counts"] == {"error": 2, "warning": 2, "info": 0}
    copy = Path(first["annotated"])
    explain(copy, {"TX02": TX02_NOTE, "PL02": PL02_NOTE, "EQ01": EQ_NOTE})
    return copy


def test_the_results_sheet_has_a_typing_column_and_says_so(tmp_path: Path, capsys: pytest.CaptureFixture):
    _, result = check_json(capsys, wrong_report(tmp_path / "甲局.xlsx"))
    ws = openpyxl.load_workbook(result["annotated"])[RESULT_SHEET]
    top, cols = findings_table(ws)
    assert "本表唯一供填写的单元格" in ws.cell(top - 1, 1).value
    assert ws.protection.sheet
    typing = ws.cell(top + 1, cols[EXPLANATION_COLUMN])
    assert not typing.protection.locked and typing.fill.fgColor.rgb == f"FF{INPUT_FILL}"
    assert ws.cell(top + 1, cols["说明"]).protection.locked
    ids = {ws.cell(r, cols[ID_COLUMN]).value for r in range(top + 1, top + 5)}
    assert ids == {f["id"] for f in result["findings"]}


def test_cli_reads_explanations_back(explained_copy: Path, capsys: pytest.CaptureFixture):
    code, result = check_json(capsys, explained_copy)
    found = by_rule(result)
    assert (found["TX02"]["state"], found["TX02"]["explanation"]) == ("explained", TX02_NOTE)
    assert (found["PL02"]["state"], found["PL02"]["explanation"]) == ("explained", PL02_NOTE)
    assert (found["EQ01"]["state"], found["EQ01"]["explanation"]) == ("open", EQ_NOTE)  # an error stays an error
    assert found["EQ03"]["explanation"] is None
    assert result["counts"] == {"error": 2, "warning": 0, "info": 0}
    assert result["settled"] == {"explained": 3, "accepted": 0} and result["open_errors"] == 1
    assert code == 1  # EQ03 is neither explained nor accepted
    # the refreshed copy shows them again, and the explained error's note says what the agency wrote
    assert sheet_explanations(explained_copy) == {"EQ01": EQ_NOTE, "EQ03": None, "TX02": TX02_NOTE, "PL02": PL02_NOTE}
    wb = openpyxl.load_workbook(explained_copy)
    assert f"单位说明：{EQ_NOTE}" in wb["表三"]["D5"].comment.text
    assert "【警告·已说明·TX02】" in wb["正文"]["B4"].comment.text


def test_a_long_explanation_makes_its_row_tall_enough(explained_copy: Path, capsys: pytest.CaptureFixture):
    note = "经核实，本单位本年度未收到此类申请。" * 8
    explain(explained_copy, {"TX02": note})
    check_json(capsys, explained_copy)
    ws = openpyxl.load_workbook(explained_copy)[RESULT_SHEET]
    top, cols = findings_table(ws)
    row = next(r for r in range(top + 1, ws.max_row + 1) if ws.cell(r, cols["规则"]).value == "TX02")
    assert ws.cell(row, cols[EXPLANATION_COLUMN]).value == note
    assert ws.row_dimensions[row].height >= 16 * ceil(display_width(note) / dict(FINDING_COLUMNS)[EXPLANATION_COLUMN])


def test_explaining_every_error_clears_the_exit_code(explained_copy: Path, capsys: pytest.CaptureFixture):
    explain(explained_copy, {"EQ03": EQ_NOTE})
    code, result = check_json(capsys, explained_copy, "--no-annotate")
    assert result["open_errors"] == 0 and result["counts"]["error"] == 2 and code == 0


def test_batch_reads_explanations_of_a_resubmitted_copy(explained_copy: Path, tmp_path: Path):
    inbox = tmp_path / "第二轮"
    inbox.mkdir()
    shutil.copy(explained_copy, inbox / "甲局（改）.xlsx")  # renamed: a copy is read whatever its name
    assert main(["batch", str(inbox), "--out", str(tmp_path / "结果"), "--jobs", "1"]) == 1
    (doc,) = [json.loads(line) for line in (tmp_path / "结果" / "results.jsonl").read_text("utf-8").splitlines()]
    found = by_rule(doc)
    assert {r: f["explanation"] for r, f in found.items()} == {
        "EQ01": EQ_NOTE,
        "EQ03": None,
        "TX02": TX02_NOTE,
        "PL02": PL02_NOTE,
    }
    copy = tmp_path / "结果" / doc["annotated"]
    assert sheet_explanations(copy)["TX02"] == TX02_NOTE


def test_a_returned_copy_is_the_agencys_next_round(tmp_path: Path):
    """Round 2 holds 甲局's annotated copy as the agency sent it back, explanations typed in: it is 甲局's
    resubmission, compared with round 1 and its explanations carried. 乙局's copy lying beside 乙局.xlsx (as
    `nianbao check` on the folder leaves it) is ours, skipped with the reason."""
    first, second = tmp_path / "第1轮", tmp_path / "第2轮"
    first.mkdir(), second.mkdir()
    wrong_report(first / "甲局.xlsx")
    yi = agency("某县乙局", "11330521MB0000002", other_matters="本年度没有其他需要报告的事项。")  # TX02
    build(first / "乙局.xlsx", yi)
    assert main(["batch", str(first), "--out", str(tmp_path / "结果1"), "--jobs", "1"]) == 1
    docs = {Path(d["file"]).name: d for d in results(tmp_path / "结果1")}
    returned = shutil.copy(tmp_path / "结果1" / docs["甲局.xlsx"]["annotated"], second / "甲局.校验.xlsx")
    explain(returned, {"TX02": TX02_NOTE, "PL02": PL02_NOTE, "EQ01": EQ_NOTE})
    build(second / "乙局.xlsx", yi)
    shutil.copy(tmp_path / "结果1" / docs["乙局.xlsx"]["annotated"], second / "乙局.校验.xlsx")
    out = tmp_path / "结果2"
    assert main(["batch", str(second), "--out", str(out), "--since", str(tmp_path / "结果1"), "--jobs", "1"]) == 1
    (jia,) = [d for d in results(out) if d["file"] == "第2轮/甲局.校验.xlsx"]
    assert {r: f["explanation"] for r, f in by_rule(jia).items()} == {
        "EQ01": EQ_NOTE,
        "EQ03": None,
        "TX02": TX02_NOTE,
        "PL02": PL02_NOTE,
    }
    assert jia["round"]["previous"] == "第1轮/甲局.xlsx"
    summary = openpyxl.load_workbook(out / "汇总.xlsx")
    rows = list(summary["本轮变化"].iter_rows(values_only=True))
    changes = {row[0]: dict(zip(rows[0], row)) for row in rows[1:]}
    assert {n: (r["状态"], r["文件"], r["此前报送的文件"]) for n, r in changes.items()} == {
        "某县甲局": ("有错误", "第2轮/甲局.校验.xlsx", "第1轮/甲局.xlsx"),
        "某县乙局": ("通过", "第2轮/乙局.xlsx", "第1轮/乙局.xlsx"),
    }
    assert [changes["某县甲局"][k] for k in ("已改正", "新出现", "仍存在", "已说明", "已接受")] == [0, 0, 1, 3, 0]
    assert list(summary["未校验的文件"].iter_rows(values_only=True))[1:] == [
        (
            "第2轮/乙局.校验.xlsx",
            "本工具为同一文件夹中的「乙局.xlsx」生成的标注副本，不再校验。"
            "如果这是单位改正后报回的标注副本，请把「乙局.xlsx」移出该文件夹后再校验",
        )
    ]
    assert sheet_explanations(out / jia["annotated"])["TX02"] == TX02_NOTE


def test_the_summary_says_how_many_copies_beside_their_originals_were_skipped(tmp_path: Path, capsys):
    """甲局 sent back its corrected workbook and the annotated copy with its explanations into one folder; 乙局 did
    the same inside a zip. Both copies are skipped as the tool's own output, and the terminal's summary says so,
    apart from a file that is no report, and what to do when a copy is the one to go by."""
    inbox = tmp_path / "第2轮"
    inbox.mkdir()
    _, first = check_json(capsys, wrong_report(inbox / "甲局.xlsx"))
    explain(Path(first["annotated"]), {"TX02": TX02_NOTE})
    zipped = wrong_report(tmp_path / "乙局.xlsx")
    _, second = check_json(capsys, zipped)
    with zipfile.ZipFile(inbox / "乙局.zip", "w") as zf:
        zf.write(zipped, "乙局.xlsx"), zf.write(second["annotated"], "乙局.校验.xlsx")
    (inbox / "报送说明.txt").write_text("请查收", encoding="utf-8")
    capsys.readouterr()
    main(["batch", str(inbox), "--out", str(tmp_path / "结果"), "--jobs", "1"])
    said = capsys.readouterr().err
    assert (
        "跳过 3 个文件（见 汇总.xlsx「未校验的文件」），其中 2 个是与原文件放在同一文件夹中的标注副本"
        "（第2轮/乙局.zip/乙局.校验.xlsx、第2轮/甲局.校验.xlsx）：按本工具在原文件旁生成的副本处理，未校验，"
        "其中填写的单位说明也未读取。如果是单位报回、应以其为准的标注副本，请把同一文件夹中的原文件移出后重新运行；"
        "其余 1 个不是报告，或是备份、临时文件等。"
    ) in said.replace("\n", "")


def test_the_excel_button_reads_explanations_and_keeps_them_when_clearing(explained_copy: Path):
    xw = import_xlwings()
    document, supplement = book_json(explained_copy)
    book = xw.Book(json=document)
    told = validate_book(book, supplement)
    assert told.startswith("校验完成：错误 2 项，警告 0 项，提示 0 项（另有已说明 2 项，不计入）；其中 1 项错误已说明")
    document, supplement = book_json(explained_copy)  # the file, not the book the first press changed
    book = xw.Book(json=document)
    report, _ = check_book(book, supplement)
    explained = {f.rule: f.explanation for f in report.findings}
    assert explained == {"EQ01": EQ_NOTE, "EQ03": None, "TX02": TX02_NOTE, "PL02": PL02_NOTE}
    assert report.counts == {"error": 2, "warning": 0, "info": 0}
    # the rewritten results sheet carries the explanations in the 单位说明 column
    actions = book.json()["actions"]
    written = [a for a in actions if a["func"] == "setValues" and a["sheet_position"] == 0]
    assert any(TX02_NOTE in json.dumps(a["values"], ensure_ascii=False) for a in written)
    # 清除标记 keeps the results sheet holding explanations
    book = xw.Book(json=book_json(explained_copy)[0])
    assert "单位说明已保留" in clear_book(book)
    deleted = [a["sheet_position"] for a in book.json()["actions"] if a["func"] == "sheetDelete"]
    names = [s["name"] for s in book_json(explained_copy)[0]["sheets"]]
    assert deleted == [names.index("_校验标记")]  # the marks record went, the results sheet stays


def test_rechecking_after_a_fix_keeps_the_other_explanations(explained_copy: Path, capsys: pytest.CaptureFixture):
    wb = openpyxl.load_workbook(explained_copy)
    wb["表三"]["D5"].value = 39  # the correction the results sheet suggested
    wb.save(explained_copy)
    _, first = check_json(capsys, explained_copy)
    assert {f["rule"] for f in first["findings"]} == {"TX02", "PL02"}
    assert [r["rule"] for r in first["resolved"]] == ["EQ01"]  # its explanation is dropped, listed once
    ws = openpyxl.load_workbook(explained_copy)[RESULT_SHEET]
    resolved = [row[:6] for row in ws.iter_rows(values_only=True) if row[2] == "已改正"]
    assert resolved == [(1, "EQ01", "已改正", "表三!D5", resolved[0][4], EQ_NOTE)]
    _, second = check_json(capsys, explained_copy)
    assert {f["rule"]: f["explanation"] for f in second["findings"]} == {"TX02": TX02_NOTE, "PL02": PL02_NOTE}
    assert second["resolved"] == []  # listed once only
    assert second["counts"] == {"error": 0, "warning": 0, "info": 0}
    assert sheet_explanations(explained_copy) == {"TX02": TX02_NOTE, "PL02": PL02_NOTE}


def test_clear_keeps_explanations_unless_all(explained_copy: Path, capsys: pytest.CaptureFixture):
    assert main(["clear", str(explained_copy)]) == 0
    assert "单位说明已保留" in capsys.readouterr().out
    wb = openpyxl.load_workbook(explained_copy)
    assert wb.sheetnames[-1] == RESULT_SHEET and "_校验标记" not in wb.sheetnames
    assert wb["表三"]["D5"].comment is None  # the marks are gone
    _, result = check_json(capsys, explained_copy)  # checked again: the kept explanations carry over
    assert by_rule(result)["TX02"]["explanation"] == TX02_NOTE
    assert openpyxl.load_workbook(explained_copy).sheetnames.count(RESULT_SHEET) == 1
    assert clear_file(explained_copy, keep_explanations=False)
    assert RESULT_SHEET not in openpyxl.load_workbook(explained_copy).sheetnames


def test_clearing_the_zip_painters_own_copy_keeps_its_explanations(explained_copy: Path, capsys):
    """The copy as the zip painter writes it, explanations included and not saved again by another program (its undo
    store still applies): clearing keeps the results sheet with its typing cells, and the next check reads it."""
    original = explained_copy.with_name("甲局.xlsx")
    typed = problems(explained_copy)  # as the agency saved it (here by openpyxl)
    check_json(capsys, explained_copy)  # refreshed: the zip painter writes the explanations itself
    assert UNDO_PART in zipfile.ZipFile(explained_copy).namelist()
    assert main(["clear", str(explained_copy)]) == 0
    assert "单位说明已保留" in capsys.readouterr().out
    assert UNDO_PART not in zipfile.ZipFile(explained_copy).namelist()
    before, wb = openpyxl.load_workbook(original), openpyxl.load_workbook(explained_copy)
    assert wb.sheetnames == [*before.sheetnames, RESULT_SHEET] and wb.active.title == before.active.title
    ws = wb[RESULT_SHEET]
    assert not ws.sheet_view.tabSelected and ws.protection.sheet
    top, cols = findings_table(ws)
    typing = ws.cell(top + 1, cols[EXPLANATION_COLUMN])
    assert not typing.protection.locked and typing.fill.fgColor.rgb == f"FF{INPUT_FILL}"
    for sheet, ref in (("表三", "D5"), ("正文", "B4")):  # the marks are gone: fills and notes as in the original
        after, was = wb[sheet][ref], before[sheet][ref]
        assert copy(after.fill) == copy(was.fill) and after.comment is None and was.comment is None
    assert sheet_explanations(explained_copy) == {"EQ01": EQ_NOTE, "EQ03": None, "TX02": TX02_NOTE, "PL02": PL02_NOTE}
    assert problems(explained_copy) - typed == set()
    _, result = check_json(capsys, explained_copy)  # read back; the new copy has only its own results sheet
    assert {r: f["explanation"] for r, f in by_rule(result).items()} == {
        "EQ01": EQ_NOTE,
        "EQ03": None,
        "TX02": TX02_NOTE,
        "PL02": PL02_NOTE,
    }
    assert openpyxl.load_workbook(result["annotated"]).sheetnames == [RESULT_SHEET, *before.sheetnames, MARKS_SHEET]


def test_a_results_sheet_copied_into_the_original_is_read(explained_copy: Path, tmp_path: Path, capsys):
    original = wrong_report(tmp_path / "原件.xlsx")
    source = openpyxl.load_workbook(explained_copy)[RESULT_SHEET]
    wb = openpyxl.load_workbook(original)
    sheets = list(wb.sheetnames)
    target = wb.create_sheet("校验结果 (2)")
    for row in source.iter_rows():
        for c in row:
            target.cell(c.row, c.column, c.value)
    wb.save(original)
    _, result = check_json(capsys, original, "--no-annotate")
    assert by_rule(result)["PL02"]["explanation"] == PL02_NOTE
    # the annotated copy carries the explanations on its own results sheet; the copied-in one, read, goes
    _, result = check_json(capsys, original)
    assert openpyxl.load_workbook(result["annotated"]).sheetnames == [RESULT_SHEET, *sheets, MARKS_SHEET]
    assert sheet_explanations(Path(result["annotated"]))["PL02"] == PL02_NOTE


def test_an_explanation_that_looks_like_a_formula_stays_text(explained_copy: Path, capsys: pytest.CaptureFixture):
    hostile = '=HYPERLINK("http://x","y")'
    wb = openpyxl.load_workbook(explained_copy)
    ws = wb[RESULT_SHEET]
    top, cols = findings_table(ws)
    row = next(r for r in range(top + 1, ws.max_row + 1) if ws.cell(r, cols["规则"]).value == "TX02")
    cell = ws.cell(row, cols[EXPLANATION_COLUMN], hostile)
    cell.data_type = "s"  # typed as text, as Excel keeps a leading apostrophe
    wb.save(explained_copy)
    _, result = check_json(capsys, explained_copy)
    assert by_rule(result)["TX02"]["explanation"] == hostile
    ws = openpyxl.load_workbook(explained_copy)[RESULT_SHEET]
    top, cols = findings_table(ws)
    row = next(r for r in range(top + 1, ws.max_row + 1) if ws.cell(r, cols["规则"]).value == "TX02")
    written = ws.cell(row, cols[EXPLANATION_COLUMN])
    assert (written.value, written.data_type) == (hostile, "s")


def _results_text(path: Path) -> str:
    """Every text of a workbook's results sheet (its notices, findings and explanations), one cell a line."""
    ws = openpyxl.load_workbook(path)[RESULT_SHEET]
    return "\n".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None)


def test_a_returned_copy_of_a_published_report_brings_nothing_new_for_its_blank_cover(tmp_path: Path):
    """Round 1 holds 戊局's published Word report (no cover: its title gives the agency and the year). Its copy, the
    report converted into the official workbook, asks for the cover fields a published report lacks. The agency
    returns that copy in round 2 with an explanation typed in and only 机关层级 filled: the cover fields still blank
    are judged as in the published report (no TX01, nothing 新出现 in 本轮变化), the filled one is read, and the
    next copy still asks for the rest."""
    first, second = tmp_path / "第1轮", tmp_path / "第2轮"
    first.mkdir(), second.mkdir()
    values = agency("某县戊局", "11330521MB0000005", other_matters="本年度没有其他需要报告的事项。", **{NATURAL: 99})
    sheet = published(tmp_path / "原文.xlsx", values, title="某县戊局2025年度政府信息公开工作年度报告")
    documents.docx(documents.segments(load(sheet).grid.sheets[0]), first / "戊局年报.docx")
    assert main(["batch", str(first), "--out", str(tmp_path / "结果1"), "--jobs", "1"]) == 1
    (doc1,) = results(tmp_path / "结果1")
    assert sorted(by_rule(doc1)) == ["EQ01", "EQ03", "TX02"]
    copy1 = tmp_path / "结果1" / doc1["annotated"]
    asked = "原文没有封面，标注副本「封面」表中的「统一社会信用代码」「机关层级」「机关类别」为空，请补填"
    assert asked in _results_text(copy1)

    returned = shutil.copy(copy1, second / copy1.name)
    explain(returned, {"TX02": TX02_NOTE})
    book = openpyxl.load_workbook(returned)
    level = next(s for sheet in template_layout(TEMPLATE) for s in sheet.slots if s.key == "agency_level")
    book["封面"].cell(level.row, level.col, "县级")
    book.save(returned)
    out = tmp_path / "结果2"
    assert main(["batch", str(second), "--out", str(out), "--since", str(tmp_path / "结果1"), "--jobs", "1"]) == 1
    (doc2,) = results(out)
    assert sorted(by_rule(doc2)) == ["EQ01", "EQ03", "TX02"]  # no TX01 on the cover the report never had
    assert doc2["agency"]["agency_level"] == "县级" and doc2["agency"]["credit_code"] is None
    assert doc2["round"]["previous"] == "第1轮/戊局年报.docx" and doc2["round"]["new"] == []
    rows = list(openpyxl.load_workbook(out / "汇总.xlsx")["本轮变化"].iter_rows(values_only=True))
    (change,) = [dict(zip(rows[0], row)) for row in rows[1:]]
    assert [change[k] for k in ("已改正", "新出现", "仍存在", "已说明", "已接受")] == [0, 0, 2, 1, 0]
    copy2 = _results_text(out / doc2["annotated"])
    assert "「统一社会信用代码」「机关类别」尚未填写" in copy2 and "机关层级」" not in copy2.split("尚未填写")[0][-30:]
    assert "TX01" not in copy2
