"""`nianbao batch` end to end on a generated set with known defects: every defect in every output, nothing else."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path, PureWindowsPath
from urllib.parse import quote, unquote, urlparse
from urllib.request import url2pathname

import lxml.html
import openpyxl
import pytest
from batch_set import HOSTILE, T3, agency, make_set
from builders import build
from rich.console import Console

from validator import check_paths
from validator.batch.progress import bar
from validator.batch.summary_xlsx import MAX_WIDTH
from validator.cli import main
from validator.forms.layout import sheet_layout, template_layout
from validator.spec import get_template
from validator.text import display_width

Finding = tuple[str, str, str]  # file, rule, cell ("" for the whole workbook)


class Run:
    def __init__(self, root: Path) -> None:
        self.now, self.last, self.exp = make_set(root)
        self.out = root / "结果"
        self.inputs_before = _hashes(root)
        self.code = main(["batch", str(self.now), "--out", str(self.out), "--previous", str(self.last), "--jobs", "2"])
        self.inputs_after = _hashes(root, exclude=self.out)
        self.docs = [json.loads(line) for line in (self.out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
        self.summary = openpyxl.load_workbook(self.out / "汇总.xlsx")


def _hashes(root: Path, exclude: Path | None = None) -> dict[str, str]:
    files = (p for p in root.rglob("*") if p.is_file() and not (exclude and p.is_relative_to(exclude)))
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return Run(tmp_path_factory.mktemp("batch"))


@pytest.fixture(scope="module")
def expected_findings(run: Run) -> set[Finding]:
    """The engine's own findings for each workbook, checked alone, plus the comparisons the set was built with."""
    names = list(run.exp.sources)
    reports = check_paths([run.exp.sources[n] for n in names])
    own = {(n, f.rule, f.cell.ref if f.cell else "") for n, r in zip(names, reports) for f in r.findings}
    return own | run.exp.across


def _cell(where: str) -> str:
    return "" if where == "整个工作簿" else where


def _sheet_rows(run: Run, sheet: str) -> list[dict]:
    rows = list(run.summary[sheet].iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def test_results_jsonl_has_every_finding_and_nothing_else(run: Run, expected_findings: set[Finding]):
    found = {(d["file"], f["rule"], f["cell"] or "") for d in run.docs for f in d["findings"]}
    assert found == expected_findings
    assert {d["file"] for d in run.docs if d["status"] == "unreadable"} == run.exp.unreadable
    assert {d["file"] for d in run.docs} == set(run.exp.sources) | run.exp.unreadable
    # what an unreadable file's bytes were, when known: the compound file is an old Excel one, the text nothing known
    unread = {d["file"]: d["source_format"] for d in run.docs if d["status"] == "unreadable"}
    assert unread == {"本年/旧版.xls": "xls", "本年/损坏.xlsx": None}


def test_results_csv_has_every_finding_and_each_unreadable_file(run: Run, expected_findings: set[Finding]):
    raw = (run.out / "results.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with a BOM
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert {(r["文件"], r["规则"], _cell(r["位置"])) for r in rows if r["级别"] != "无法读取"} == expected_findings
    assert {r["文件"] for r in rows if r["级别"] == "无法读取"} == run.exp.unreadable
    hostile = {r["机关名称"] for r in rows if "HYPERLINK" in r["机关名称"]}
    assert hostile == {"'" + HOSTILE}  # a spreadsheet opening the CSV shows the text, runs nothing


def test_summary_workbook(run: Run, expected_findings: set[Finding]):
    details = _sheet_rows(run, "问题明细")
    assert {(r["文件"], r["规则"], _cell(r["位置"])) for r in details if r["级别"] != "无法读取"} == expected_findings
    agencies = {r["文件"]: r for r in _sheet_rows(run, "汇总")}
    assert {f for f, r in agencies.items() if r["状态"] == "通过"} == set(run.exp.values)
    assert {f for f, r in agencies.items() if r["状态"] == "无法读取"} == run.exp.unreadable
    for doc in run.docs:
        row = agencies[doc["file"]]
        assert (row["错误"], row["警告"], row["提示"]) == tuple(doc["counts"].values())
        link = run.summary["汇总"].cell(list(agencies).index(doc["file"]) + 2, list(row).index("标注副本") + 1)
        if doc["annotated"]:
            # Relative to 汇总.xlsx, in Windows separators and URL-escaped, as Excel writes a link to a file
            target = PureWindowsPath(unquote(link.hyperlink.target)).as_posix()
            assert (run.out / target).is_file()
            assert ".校验." in target and target.startswith("标注/")
        else:
            assert link.hyperlink is None
    assert {r["机关名称"] for r in _sheet_rows(run, "上年报送本年未报送")} == run.exp.missing
    assert {r["文件"] for r in _sheet_rows(run, "未校验的文件")} == run.exp.skipped
    ws = run.summary["汇总"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    detail = run.summary["问题明细"]
    for row in detail.iter_rows(min_row=2):
        wide = [c for c in row if isinstance(c.value, str) and display_width(c.value) > MAX_WIDTH]
        assert [c for c in row if c.alignment.wrap_text] == wide  # long text wraps, in its column's width
        assert all(c.alignment.vertical == ("top" if wide else None) for c in row)  # a tall row aligns to its top
    assert any(c.alignment.wrap_text for row in detail.iter_rows(min_row=2) for c in row)


def test_failures_by_rule_count_agencies(run: Run, expected_findings: set[Finding]):
    """An agency's several reports (丁 sent twice, 戊's two versions) count once."""
    by_rule = {r["规则"]: r["涉及单位数"] for r in _sheet_rows(run, "规则统计")}
    agency = {d["file"]: (d.get("agency") or {}).get("agency_name") or d["file"] for d in run.docs}
    assert by_rule == {
        rule: len({agency[f] for f, r, _ in expected_findings if r == rule})
        for rule in {r for _, r, _ in expected_findings}
    }


def test_region_totals_sum_the_reports_that_passed(run: Run):
    ws = run.summary["全区合计"]
    summed = {name: values for name, values in run.exp.values.items() if name not in run.exp.superseded}
    assert f"纳入合计：{len(summed)} 份" in ws["A2"].value
    top = 4  # three lines of explanation, then the tables one below the other
    from builders import TEMPLATE

    for sheet in (s for s in TEMPLATE.sheets if s.tables):
        layout = sheet_layout(sheet)
        for slot in layout.slots:
            expected = sum(v[slot.key] for v in summed.values())
            assert ws.cell(slot.row + top, slot.col).value == pytest.approx(expected), slot.key
        assert ws.cell(layout.blocks[0].top + top, 1).value == sheet.title
        top += max(b.bottom for b in layout.blocks) + 1


def test_hostile_text_stays_text_in_the_workbook(run: Run, convert, tmp_path: Path):
    for ws in run.summary:
        assert not [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"], ws.title
    assert HOSTILE in {r["机关名称"] for r in _sheet_rows(run, "汇总")}
    # LibreOffice computes formulas when converting: the name must come out as typed, not as the link text "y".
    text = convert(run.out / "汇总.xlsx", "csv:Text - txt - csv (StarCalc):44,34,76", tmp_path).read_text("utf-8")
    assert HOSTILE.replace('"', '""') in text


def test_summary_prints_whole_columns_with_the_header_on_every_page(run: Run, convert, pdftotext: str, tmp_path: Path):
    """汇总.xlsx printed (LibreOffice → PDF): landscape, each sheet one page wide, its header row on every page."""
    for ws in run.summary:
        fit = (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight)  # 1 is the schema's default, often left out
        assert (ws.page_setup.orientation, *fit, ws.sheet_properties.pageSetUpPr.fitToPage) == ("landscape", 1, 0, True)
    pdf = convert(run.out / "汇总.xlsx", "pdf", tmp_path)
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = [re.sub(r"\s+", "", page) for page in text.split("\f") if page.strip()]
    headers = [[c.value for c in ws[1]] for ws in run.summary if ws.freeze_panes == "A2"]
    for number, page in enumerate(pages, 1):
        # a page of a table sheet shows its first and last column titles; 全区合计 ends each table with 总计
        tables = [h for h in headers if h[0] in page and h[-1] in page]
        assert tables or "总计" in page, f"page {number} is cut through the columns: {page[:80]}"
    assert len(pages) < 3 * len(run.summary.worksheets)


class _Details(HTMLParser):
    """The text of each <details> of the HTML report, by the file it is about."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: dict[str, str] = {}
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "details":
            self._open = dict(attrs)["data-file"]
            self.texts[self._open] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "details":
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open:
            self.texts[self._open] += data


def test_html_report_lists_every_finding_and_escapes_submissions(run: Run, expected_findings: set[Finding]):
    html = (run.out / "report.html").read_text(encoding="utf-8")
    parser = _Details()
    parser.feed(html)
    by_file = parser.texts
    found = {
        (file, rule, _cell(cell))
        for file, text in by_file.items()
        for rule, cell in re.findall(r"(\w\w\d\d)（[^）]+）(\S+?)：", text)
    }
    assert found == expected_findings
    assert {f for f, t in by_file.items() if "无法读取：" in t} == run.exp.unreadable
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "某县丙局" in html  # missing this year
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", html)  # nothing fetched from anywhere


def test_html_chart_ranks_rules_by_agencies_then_by_rule(run: Run):
    """The chart's bars: the most agencies first, rules with as many in rule order (the same on every run)."""
    page = lxml.html.fromstring((run.out / "report.html").read_bytes())
    bars = [(g.xpath("string(text[1])"), int(g.xpath("string(text[2])"))) for g in page.xpath("//svg/g")]
    assert len(bars) > 2 and len({n for _, n in bars}) < len(bars)  # ties to order
    assert bars == sorted(bars, key=lambda bar: (-bar[1], bar[0]))


def test_html_report_ranks_each_agency_once(run: Run):
    """丁's report submitted twice (identical files) is one agency among those with the most errors."""
    page = lxml.html.fromstring((run.out / "report.html").read_bytes())
    (top,) = page.xpath("//h2[starts-with(., '错误最多')]/following-sibling::*[1]")
    names = [li.xpath("string(a)") for li in top.xpath("li")]
    assert len(names) == len(set(names)) and HOSTILE in names
    (ding,) = [li.text_content() for li in top.xpath("li") if li.xpath("string(a)") == HOSTILE]
    assert ding.endswith("（本批共有该单位的 2 份报告，此为错误最多的一份）")


def test_annotated_copies_mark_every_finding_of_their_workbook(run: Run):
    for doc in (d for d in run.docs if d["annotated"]):
        results = openpyxl.load_workbook(run.out / doc["annotated"])["校验结果"]
        rows = [r for r in results.iter_rows(values_only=True) if re.fullmatch(r"[A-Z]{2}\d\d", str(r[1]))]
        assert {(r[1], _cell(r[3])) for r in rows} == {(f["rule"], f["cell"] or "") for f in doc["findings"]}
    copies = {d["file"] for d in run.docs if d["annotated"]}
    assert copies == {d["file"] for d in run.docs if d["status"] == "checked" and d["findings"]}


def test_last_years_results_jsonl_serves_as_previous(run: Run, tmp_path: Path):
    last_out, out = tmp_path / "上年结果", tmp_path / "本年结果"
    assert main(["batch", str(run.last), "--out", str(last_out), "--jobs", "1", "--no-annotate"]) in (0, 1)
    previous = str(last_out / "results.jsonl")
    main(["batch", str(run.now), "--out", str(out), "--previous", previous, "--jobs", "2", "--no-annotate"])
    docs = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    found = {(d["file"], f["rule"], f["cell"] or "") for d in docs for f in d["findings"]}
    assert found == {(d["file"], f["rule"], f["cell"] or "") for d in run.docs for f in d["findings"]}
    assert {f for f in found if f[1].startswith("XY")} == run.exp.across
    assert not (out / "标注").exists() and all(d["annotated"] is None for d in docs)
    missing = openpyxl.load_workbook(out / "汇总.xlsx")["上年报送本年未报送"]
    assert [r[0] for r in missing.iter_rows(min_row=2, values_only=True)] == sorted(run.exp.missing)


def test_exit_code_and_inputs_untouched(run: Run):
    assert run.code == 2  # some files unreadable
    assert run.inputs_after == run.inputs_before


def test_html_report_in_a_browser_offline(run: Run, browser):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    browser.get((run.out / "report.html").as_uri())
    assert browser.title == "政府信息公开工作年度报告批量校验结果"
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0  # nothing fetched
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert  # noqa: B018 - the hostile name's <script> must not have run
    table = browser.find_element(By.ID, "agencies")
    rows = table.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(rows) == len(run.docs)
    assert HOSTILE in table.text
    # search
    box = browser.find_element(By.ID, "search")
    box.send_keys("某县己局")
    assert [r.text.split()[0] for r in rows if r.is_displayed()] == ["某县己局"]
    assert browser.find_element(By.ID, "shown").text == "1"
    box.clear()
    box.send_keys(" ")  # an input event with an empty query shows every row again
    assert all(r.is_displayed() for r in rows)
    # sort by the number of errors, both ways
    header = table.find_element(By.XPATH, ".//th[text()='错误']")
    column = [h.text for h in table.find_elements(By.TAG_NAME, "th")].index("错误")
    for order in (sorted, lambda xs: sorted(xs, reverse=True)):
        header.click()
        errors = [
            int(r.find_elements(By.TAG_NAME, "td")[column].text)
            for r in table.find_elements(By.CSS_SELECTOR, "tbody tr")
        ]
        assert errors == order(errors)
    # every link resolves: to a part of the page, or to an annotated copy beside it
    for link in browser.find_elements(By.TAG_NAME, "a"):
        href = link.get_attribute("href")
        if "#" in href:
            assert browser.find_elements(By.ID, href.split("#", 1)[1]), href
        else:
            assert Path(url2pathname(unquote(urlparse(href).path))).is_file(), href
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


def test_rules_of_an_older_format_are_described(balanced_of, tmp_path: Path):
    """A batch mixes formats: 规则统计 describes a rule only the 2019 trial format has (PL03) in its own words."""
    trial = get_template("gov-info-annual-report-2019")
    wb = openpyxl.load_workbook(balanced_of(trial))
    slots = {slot.key: (sheet.name, slot.row, slot.col) for sheet in template_layout(trial) for slot in sheet.slots}
    name, row, col = slots["t2_1.normative.total_public"]
    wb[name].cell(row, col, 0)  # fewer in force than published this year
    wb.save(tmp_path / "2019.xlsx")
    main(["batch", str(tmp_path / "2019.xlsx"), "--out", str(tmp_path / "out"), "--no-annotate", "--jobs", "1"])
    rules = list(openpyxl.load_workbook(tmp_path / "out" / "汇总.xlsx")["规则统计"].iter_rows(values_only=True))
    described = {r[0]: r[3] for r in rules[1:]}
    assert described["PL03"] == next(r.summary for r in trial.rules if r.code == "PL03")


def test_summary_lines_stay_whole_in_a_log_and_name_unreadable_files(
    balanced_workbook: Path, tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Written to a file or a pipe (not a terminal), the summary is not cut at 80 columns: paths stay whole; it names
    the files that could not be read and where their reasons are."""
    monkeypatch.delenv("COLUMNS", raising=False)
    (tmp_path / "报送").mkdir()
    (tmp_path / "报送" / "某县人民政府办公室 2025年度 政务公开年报.xlsx").write_bytes(balanced_workbook.read_bytes())
    (tmp_path / "报送" / "损坏.xlsx").write_bytes(b"PK\x03\x04")
    out = tmp_path / "一个很长的结果目录名称_用来让路径超过八十列_2025年度政府信息公开工作年度报告汇总"
    main(["batch", str(tmp_path / "报送"), "--out", str(out), "--no-annotate", "--jobs", "1"])
    lines = capsys.readouterr().err.splitlines()
    assert "无法读取：报送/损坏.xlsx（原因见 汇总.xlsx「汇总」表的「主要错误」列，或 report.html）。" in lines
    assert f"结果：{out / '汇总.xlsx'}、{out / 'report.html'}、{out / 'results.jsonl'}、{out / 'results.csv'}" in lines


# ---------------------------------------------------------------- inputs of the same name


def _town_report(path: Path, town: str, code17: str, natural: int) -> Path:
    """An unbalanced report (表三's 自然人 column) of 某县<town>人民政府: it gets an annotated copy."""
    build(path, agency(f"某县{town}人民政府", code17, **{T3.cell_key("new", "natural"): natural}))
    return path


def _zip_of(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return path


def _copies_by_row(out: Path) -> dict[str, str]:
    """The agency of the annotated copy that each row's 「打开」 link of 汇总.xlsx opens, by the row's agency."""
    ws = openpyxl.load_workbook(out / "汇总.xlsx")["汇总"]
    header = [c.value for c in ws[1]]
    opened = {}
    for row in ws.iter_rows(min_row=2):
        link = row[header.index("标注副本")].hyperlink
        target = out / PureWindowsPath(unquote(link.target)).as_posix()
        (copy,) = check_paths([target])  # the copy read as any workbook: whose report it holds
        opened[row[header.index("机关名称")].value] = copy.agency["agency_name"]
    return opened


def _batch_docs(out: Path, *args: Path | str) -> dict[str, dict]:
    main(["batch", *map(str, args), "--out", str(out), "--jobs", "1"])
    docs = (json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines())
    return {d["agency"]["agency_name"]: d for d in docs}


def test_two_archives_of_the_same_name_keep_each_agencys_copy(tmp_path: Path):
    """`batch 东镇/年报.zip 西镇/年报.zip`: each township's 党政办.xlsx (and the one in a zip inside) gets its own copy,
    and 汇总.xlsx's link of each row opens that agency's copy, never the other township's."""
    towns = {"东镇": ("11330521MB0000011", 90), "西镇": ("11330521MB0000012", 91)}
    archives = []
    for town, (code, natural) in towns.items():
        (tmp_path / town).mkdir()
        office = _town_report(tmp_path / f"{town}.xlsx", town, code, natural).read_bytes()
        station = _town_report(tmp_path / f"{town}站.xlsx", f"{town}农业站", code[:-2] + "21", natural).read_bytes()
        inner = _zip_of(tmp_path / f"{town}内.zip", {"站所/农业站.xlsx": station}).read_bytes()
        archives.append(_zip_of(tmp_path / town / "年报.zip", {"党政办.xlsx": office, "站所.zip": inner}))
    out = tmp_path / "结果"
    docs = _batch_docs(out, *archives)
    agencies = [f"某县{t}人民政府" for t in towns] + [f"某县{t}农业站人民政府" for t in towns]
    assert sorted(docs) == sorted(agencies)
    assert len({d["annotated"] for d in docs.values()}) == 4  # four copies, none overwritten
    for name, doc in docs.items():
        (copy,) = check_paths([out / doc["annotated"]])
        assert copy.agency["agency_name"] == name, doc["annotated"]
    assert _copies_by_row(out) == {name: name for name in agencies}
    html = (out / "report.html").read_text(encoding="utf-8")
    assert all(quote(d["annotated"]) in html for d in docs.values())


def test_two_folders_of_the_same_name_keep_each_agencys_copy_through_reruns_and_rounds(tmp_path: Path):
    """`batch 县直/年报 乡镇/年报`, each holding 办公室.xlsx of another agency: two copies, each row's link opens its
    own; a rerun reuses both, a next round (--since) compares each with its own agency, and a rerun without one of
    the folders removes that folder's copy and no other."""
    folders = {
        "县直": ("人民政府办公室", "11330521MB0000001", 99),
        "乡镇": ("东镇人民政府办公室", "11330521MB0000002", 98),
    }
    given = []
    for parent, (name, code, natural) in folders.items():
        (tmp_path / parent / "年报").mkdir(parents=True)
        given.append(tmp_path / parent / "年报")
        build(given[-1] / "办公室.xlsx", agency(f"某县{name}", code, **{T3.cell_key("new", "natural"): natural}))
    agencies = [f"某县{name}" for name, _, _ in folders.values()]
    out = tmp_path / "结果"
    first = _batch_docs(out, *given)
    assert len({d["annotated"] for d in first.values()}) == 2
    assert _copies_by_row(out) == {name: name for name in agencies}
    again = _batch_docs(out, *given)  # a rerun: nothing changed, both results and both copies kept
    assert {n: d["annotated"] for n, d in again.items()} == {n: d["annotated"] for n, d in first.items()}
    assert _copies_by_row(out) == {name: name for name in agencies}
    second = tmp_path / "第2轮"
    rounds = _batch_docs(second, *given, "--since", out)
    assert _copies_by_row(second) == {name: name for name in agencies}
    for name, doc in rounds.items():
        assert doc["round"]["previous"] == first[name]["file"]
    township = agencies[1]
    alone = _batch_docs(out, given[1])  # 县直 withdrew: its copy goes, 乡镇's stays (now under the plain name)
    assert list(alone) == [township] and _copies_by_row(out) == {township: township}
    assert sorted(p.relative_to(out).as_posix() for p in (out / "标注").rglob("*.xlsx")) == [
        alone[township]["annotated"]
    ]


def test_a_copy_an_earlier_version_named_after_the_wrong_file_is_not_removed(tmp_path: Path):
    """Results of an earlier version listed the copy of `y/年报.xlsx` (年报~2.xlsx) as 年报.校验.xlsx, the copy of
    `x/年报.xlsx`: rerun, the second file gets its own copy, and the first file's copy is not deleted as stale."""
    given = []
    for folder, town, code in (("x", "东镇", "11330521MB0000011"), ("y", "西镇", "11330521MB0000012")):
        (tmp_path / folder).mkdir()
        given.append(_town_report(tmp_path / folder / "年报.xlsx", town, code, 90))
    out = tmp_path / "结果"
    first = _batch_docs(out, *given)
    assert {d["file"]: d["annotated"] for d in first.values()} == {
        "年报.xlsx": "标注/年报.校验.xlsx",
        "年报~2.xlsx": "标注/年报~2.校验.xlsx",
    }
    lines = []
    for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines():
        doc = json.loads(line) | {"annotated": "标注/年报.校验.xlsx", "engine_version": "0.1.0"}
        lines.append(json.dumps(doc, ensure_ascii=False))
    (out / "results.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out / "标注" / "年报~2.校验.xlsx").unlink()
    _batch_docs(out, *given)
    assert _copies_by_row(out) == {"某县东镇人民政府": "某县东镇人民政府", "某县西镇人民政府": "某县西镇人民政府"}


def test_the_progress_bar_draws_on_a_terminal_only():
    """On a terminal the bar shows files done and the rate; in a log or a pipe it leaves nothing (nor is drawn)."""
    shown = {}
    for terminal in (True, False):
        out = io.StringIO()
        with bar(Console(file=out, force_terminal=terminal, width=100), 10, 2, "本年报告") as advance:
            advance(5)
        shown[terminal] = out.getvalue()
    assert "本年报告" in shown[True] and "7/10" in shown[True]
    assert shown[False] == ""
