"""One report, every way it is filed and published, read alike: seeded random reports (balanced, with 1–3 wrong
cells, zeros, blanks, numbers printed with thousands separators) written into the template workbook, published on one
sheet, as a plain rowspan/colspan page, as a page with its tables inside styled div/p/span and &nbsp;, as a
Word-exported page, as a DOCX and as its PDF printed by LibreOffice. Each rendering must give the values of the
template workbook per key and its table findings (rule, key); findings only a workbook can have are set aside
(`_workbook_only`)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import documents
import pytest
from builders import TEMPLATE, build, published

from validator import check_paths
from validator.findings import FileReport
from validator.forms.sample import balanced_values
from validator.sources.xlsx import load

BALANCED = balanced_values(TEMPLATE)
T3 = TEMPLATE.tables["t3"]
T3_ROWS = [r.key for r in T3.row_leaves]
T3_COLUMNS = [c.key for c in T3.column_leaves]
T3_OUTCOMES = T3_ROWS[T3_ROWS.index("disclosed") : T3_ROWS.index("outcome_total")]
T4_GROUPS = ("review", "direct", "after_review")
T4_RESULTS = ("upheld", "corrected", "other", "pending")
T2_COUNTS = [k for k in BALANCED if k.startswith("t2_") and k != "t2_8.fees.amount"]
TEXT_KEYS = ("overview", "problems", "other_matters")


def _count(rng: random.Random, large: bool) -> int:
    """Mostly zeros and small counts, as agencies report them; `large`: thousands to tens of thousands."""
    if large:
        return rng.randrange(1000, 60000)
    return rng.choice((0, 0, 0, rng.randrange(1, 10), rng.randrange(1, 200)))


def report_values(seed: int) -> tuple[dict[str, object], dict[str, str]]:
    """The seed's report: {key: value} for the workbook (None: a blank cell), and {key: text} for the numbers a
    published report prints with thousands separators ("12,345"). Balanced, then 0–3 cells made wrong."""
    rng = random.Random(seed)
    large = rng.random() < 0.4
    values: dict[str, object] = {k: BALANCED[k] for k in ("agency_name", "credit_code", "report_year")}
    values |= {k: BALANCED[k] for k in ("agency_level", "agency_type", "contact", "phone")}
    values |= {k: _count(rng, large and rng.random() < 0.3) for k in T2_COUNTS}
    values["t2_1.rules.issued"] = values["t2_1.rules.repealed"] = values["t2_1.rules.current"] = 0  # PL01: a county
    values["t2_8.fees.amount"] = rng.choice((0, round(rng.uniform(0, 99999), rng.choice((0, 1, 2)))))
    for col in T3_COLUMNS[:-1]:
        busy = col == "natural" or rng.random() < 0.5
        for row in T3_OUTCOMES:
            values[f"t3.{row}.{col}"] = _count(rng, large and busy and rng.random() < 0.2) if busy else 0
        total = sum(values[f"t3.{row}.{col}"] for row in T3_OUTCOMES)
        values[f"t3.outcome_total.{col}"] = total
        values[f"t3.carried_out.{col}"] = carried_out = rng.choice((0, rng.randrange(0, 20)))
        values[f"t3.carried_in.{col}"] = carried_in = rng.randrange(0, min(total + carried_out, 20) + 1)
        values[f"t3.new.{col}"] = total + carried_out - carried_in
    for row in T3_ROWS:
        values[f"t3.{row}.total"] = sum(values[f"t3.{row}.{col}"] for col in T3_COLUMNS[:-1])
    for group in T4_GROUPS:
        for result in T4_RESULTS:
            values[f"t4.cases.{group}.{result}"] = rng.choice((0, 0, rng.randrange(0, 15)))
        values[f"t4.cases.{group}.total"] = sum(values[f"t4.cases.{group}.{r}"] for r in T4_RESULTS)
    numbers = [k for k in values if k.startswith(("t3.", "t4."))]
    for key in rng.sample(numbers, rng.choice((0, 0, 1, 2, 3))):
        values[key] += rng.choice((1, 2, 5, 10, 100))
    zeros = [k for k in numbers + T2_COUNTS if values[k] == 0]
    for key in rng.sample(zeros, min(len(zeros), rng.choice((0, 0, 1, 3)))):
        values[key] = None  # a blank cell: counted as 0, with TY01, in every format
    stated = values["t3.new.total"] + rng.choice((0, 0, 0, 1))  # the text states it, now and then wrongly
    values["overview"] = f"{BALANCED['overview']}全年共收到政府信息公开申请{stated}件。"
    values["problems"], values["other_matters"] = BALANCED["problems"], BALANCED["other_matters"]
    return values, rng.random() < 0.6, rng.choice((9, 10.5, 12, 14))


def _separated(parts: list) -> list:
    """The published parts with every whole number from 1000 on printed with thousands separators (12,345)."""
    out = []
    for part in parts:
        if isinstance(part, documents.Tbl):
            cells = {at: f"{int(t.split('.')[0]):,}{t[len(t.split('.')[0]):]}" if re.fullmatch(r"\d{4,}(\.\d+)?", t) else t for at, t in part.cells.items()}
            part = documents.Tbl(cells, part.merges, part.rows, part.cols, part.covered)
        out.append(part)
    return out


def _styled(page: bytes) -> bytes:
    """A CMS page whose editor wraps each cell's text in a styled div, p and span, padded with &nbsp;."""
    return re.sub(
        r'<p align="center">(.*?)</p>',
        r'<div style="text-align:center;line-height:1.5"><p style="margin:0;text-indent:0">'
        r'<span style="font-family:仿宋_GB2312;font-size:14px">&nbsp;\1&nbsp;</span></p></div>',
        page.decode(),
    ).encode()


def renderings(seed: int, folder: Path) -> dict[str, Path]:
    """The seed's report as the template workbook, the report on one sheet, and its renderings (not yet the PDF)."""
    values, separators, font_pt = report_values(seed)
    filled = {k: v for k, v in values.items() if v is not None}
    files = {"template": build(folder / f"{seed}.template.xlsx", filled)}
    files["sheet"] = published(folder / f"{seed}.sheet.xlsx", filled)
    parts = documents.segments(load(files["sheet"]).grid.sheets[0])
    parts = _separated(parts) if separators else parts
    pages = {
        "html": documents.clean_html(parts),
        "styled.html": _styled(documents.clean_html(parts)),
        "word.html": documents.word_html(parts),
    }
    for name, page in pages.items():
        files[name] = folder / f"{seed}.{name}"
        files[name].write_bytes(page)
    files["docx"] = documents.docx(parts, folder / f"{seed}.docx", font_pt=font_pt)
    return files


def _workbook_only(report: FileReport) -> list:
    """Findings only a workbook can have, set aside: its cover (a published report has none, ST09, TX01, CV01) and
    numbers stored as text (TY03: a page prints every number as text)."""
    return [f for f in report.findings if f.rule in ("TY03", "ST09", "CV01") or f.key in TEMPLATE_COVER]


TEMPLATE_COVER = frozenset(f.key for s in TEMPLATE.sheets for f in s.fields if not f.label[:1] in "一五六")


def reading(path: Path) -> tuple[dict[str, object], list[tuple]]:
    """The values by key and the findings (rule, key, expected, actual) a check of `path` gives."""
    (report,) = check_paths([path])
    assert report.error is None, report.error
    aside = _workbook_only(report)
    values = {k: v for k, v in report.values.items() if k not in TEMPLATE_COVER}
    return values, sorted((f.rule, f.key or "", str(f.expected), str(f.actual)) for f in report.findings if f not in aside)


SEEDS = range(20, 30)  # seed 27's fees carry two decimals (84500.91 万元); the sweep of docs/import.md ran 0–29
FORMATS = ("sheet", "html", "styled.html", "word.html", "docx", "pdf")


@pytest.fixture(scope="module")
def reports(tmp_path_factory, convert_all) -> dict[int, dict[str, Path]]:
    """{seed: {format: file}}, the DOCX files printed to PDF with one LibreOffice start."""
    folder = tmp_path_factory.mktemp("differential")
    made = {seed: renderings(seed, folder) for seed in SEEDS}
    pdfs = convert_all([files["docx"] for files in made.values()], "pdf", folder)
    for files, pdf in zip(made.values(), pdfs):
        files["pdf"] = pdf
    return made


@pytest.mark.parametrize("seed", SEEDS)
def test_every_format_reads_as_the_template_workbook(reports, seed: int) -> None:
    values, findings = reading(reports[seed]["template"])
    for fmt in FORMATS:
        assert reading(reports[seed][fmt]) == (values, findings), fmt


def test_an_amount_is_advised_with_every_digit_typed(tmp_path: Path) -> None:
    """「84500.91万元」: the advice says to type 84500.91, not 84500.9; a count of 1234567.5 is printed as typed, not
    as 1.23457e+06."""
    workbook = build(tmp_path / "r.xlsx", BALANCED | {"t2_8.fees.amount": "84500.91万元", "t3.new.natural": 1234567.5})
    (report,) = check_paths([workbook])
    messages = {f.rule: f.message for f in report.findings if f.key in ("t2_8.fees.amount", "t3.new.natural")}
    assert "请只填数字 84500.91（" in messages["TY04"]
    assert "= 1234567.5，件数应为整数" in messages["TY06"]
