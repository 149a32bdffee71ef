"""Tables published otherwise than in one piece in the official order: 表四 in several tables or with staggered
headers, a table continued after 「续表」, 表三's rows in another order, a PDF table cut by hand into two tables.

Each case starts from the balanced report laid out as published (builders.published), cuts or rearranges its
tables (documents.Tbl) and renders it as a web page, a Word file or its PDF print: every value must come back
where the official form has it, with the findings of the report on one sheet (and, for rows out of order, ST11).
"""

from __future__ import annotations

from pathlib import Path

import documents
import pdfplumber
import pytest
from builders import published
from test_import import _as_pdf, _findings, _published_as, structure_finding
from test_structure import VALUES

from validator import check_paths
from validator.sources.formats import load_file
from validator.sources.xlsx import load

OUTCOMES = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
_ = ""


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[list, list[tuple]]:
    """The balanced report's parts as published, and the findings of it on one sheet."""
    xlsx = published(tmp_path_factory.mktemp("parts") / "balanced.xlsx", VALUES)
    return documents.segments(load(xlsx).grid.sheets[0]), _findings(xlsx)


def _tbl(rows: list[list[str]], merges: list[tuple[int, int, int, int]]) -> documents.Tbl:
    table = documents.Tbl(
        {(r, c): v for r, row in enumerate(rows, 1) for c, v in enumerate(row, 1) if v},
        merges,
        len(rows),
        max(map(len, rows)),
    )
    table.covered = {(r, c) for t, lf, b, rt in merges for r in range(t, b + 1) for c in range(lf, rt + 1)}
    table.covered -= {m[:2] for m in merges}
    return table


def _index(parts: list, table: str) -> int:
    """Where a table section's table is among the parts: right under its heading."""
    return next(i for i, p in enumerate(parts) if isinstance(p, str) and p.startswith(table)) + 1


def _values(path: Path, table: str) -> dict[str, object]:
    (checked,) = check_paths([path])
    return {k: v for k, v in checked.values.items() if k.startswith(f"{table}.")}


def _expected(table: str) -> dict[str, object]:
    return {k: v for k, v in VALUES.items() if k.startswith(f"{table}.")}


# ---------------------------------------------------------------- 表四 in parts


def _group(label: str, numbers: list[str], outer: str = "") -> documents.Tbl:
    """One group of 表四 as a table of its own: its label (under its outer group's), its outcomes, its numbers."""
    rows = ([[outer, _, _, _, _]] if outer else []) + [[label, _, _, _, _], OUTCOMES, numbers]
    return _tbl(rows, [(r, 1, r, 5) for r in range(1, len(rows) - 1)])


def _litigation(numbers: list[str]) -> documents.Tbl:
    return _tbl(
        [["行政诉讼"] + [_] * 9, ["未经复议直接起诉", _, _, _, _, "复议后起诉", _, _, _, _], OUTCOMES * 2, numbers],
        [(1, 1, 1, 10), (2, 1, 2, 5), (2, 6, 2, 10)],
    )


def _staggered(numbers: list[str]) -> documents.Tbl:
    """The group labels on the first row, 行政复议's outcomes on the second (merged down), the 行政诉讼 groups on the
    second and their outcomes on the third; 行政诉讼's merge one column short of the groups under it."""
    return _tbl(
        [
            ["行政复议", _, _, _, _, "行政诉讼"] + [_] * 9,
            [*OUTCOMES, "未经复议直接起诉", _, _, _, _, "复议后起诉", _, _, _, _],
            [_] * 5 + OUTCOMES * 2,
            numbers,
        ],
        [(1, 1, 1, 5), (1, 6, 1, 14), (2, 6, 2, 10), (2, 11, 2, 15)] + [(2, c, 3, c) for c in range(1, 6)],
    )


def _joined(groups: list[str], numbers: list[str]) -> documents.Tbl:
    """表四 with one row of group labels over its outcomes, each naming its group in full."""
    return _tbl(
        [[g for group in groups for g in (group, _, _, _, _)], OUTCOMES * 3, numbers],
        [(1, 1, 1, 5), (1, 6, 1, 10), (1, 11, 1, 15)],
    )


SHAPES = {  # 表四 as published, from its one row of numbers
    "复议一表、诉讼一表": lambda n: [_group("行政复议", n[:5]), _litigation(n[5:])],
    "两表之间有段落": lambda n: [_group("行政复议", n[:5]), "行政诉讼情况如下：", _litigation(n[5:])],
    "三组各一表": lambda n: [
        _group("行政复议", n[:5]),
        _group("未经复议直接起诉", n[5:10], "行政诉讼"),
        _group("复议后起诉", n[10:]),
    ],
    "三组各一表，段落写明类别": lambda n: [
        "（一）行政复议",
        _tbl([OUTCOMES, n[:5]], []),
        "（二）行政诉讼",
        _group("未经复议直接起诉", n[5:10]),
        _group("复议后起诉", n[10:]),
    ],
    "表头错层、合并单元格不对齐": lambda n: [_staggered(n)],
    # 行政诉讼 written in each of its groups' cells, no row of its own
    "类别与行政诉讼合写一格": lambda n: [
        _joined(["行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼-复议后起诉"], n)
    ],
    "类别写作“…的行政诉讼”": lambda n: [_joined(["行政复议", "未经复议直接起诉的行政诉讼", "复议后起诉的行政诉讼"], n)],
}


# Every shape as a web page and a Word document; one as a PDF too (LibreOffice's rendering is slow).
SHAPES_AS = [(shape, fmt) for shape in SHAPES for fmt in ("html", "docx")] + [("三组各一表", "pdf")]


@pytest.mark.parametrize(("shape", "fmt"), SHAPES_AS)
def test_table_four_in_parts_or_staggered_is_read_into_its_places(report, tmp_path: Path, shape: str, fmt: str):
    parts, expected = report
    i = _index(parts, "四、")
    numbers = [parts[i].cells[(4, c)] for c in range(1, 16)]
    path = _published_as(parts[:i] + SHAPES[shape](numbers) + parts[i + 1 :], tmp_path / "t4", fmt)
    assert _values(path, "t4") == _expected("t4")
    assert _findings(path) == expected


def _groups_under_outcomes(numbers: list[str]) -> documents.Tbl:
    """表四 with its two lower header rows in the other order: 行政复议 and 行政诉讼 on the first row, every group's
    outcomes on the second, and the row naming 未经复议直接起诉 and 复议后起诉 third, right over the numbers."""
    return _tbl(
        [
            ["行政复议", _, _, _, _, "行政诉讼"] + [_] * 9,
            OUTCOMES * 3,
            [_] * 5 + ["未经复议直接起诉", _, _, _, _, "复议后起诉", _, _, _, _],
            numbers,
        ],
        [(1, 1, 1, 5), (1, 6, 1, 15), (3, 1, 3, 5), (3, 6, 3, 10), (3, 11, 3, 15)],
    )


@pytest.mark.parametrize("fmt", ("html", "docx", "pdf"))
def test_table_four_naming_its_groups_under_their_outcomes_is_read_and_said_so(report, tmp_path: Path, fmt: str):
    """The groups' row under the outcomes' row: a group's name is no number of its 结果维持, and each column is read
    by the groups named over and under it (both 行政诉讼 groups checked); one ST11 says the header's rows are in
    another order than the official one."""
    parts, expected = report
    i = _index(parts, "四、")
    numbers = [parts[i].cells[(4, c)] for c in range(1, 16)]
    path = _published_as([*parts[:i], _groups_under_outcomes(numbers), *parts[i + 1 :]], tmp_path / "t4", fmt)
    assert _values(path, "t4") == _expected("t4")
    checked, said = structure_finding(path)
    assert said.rule == "ST11" and said.message.startswith(
        "表四表头中写明类别的「未经复议直接起诉」「复议后起诉」（第3行）排在「结果维持」等栏目（第2行）之下，"
        "与官方格式的表头不同：官方格式中类别写在其各栏目之上。已按各栏目上下写明的类别读取并校验"
    ), said.message
    assert checked.coverage.checked == checked.coverage.total
    assert [f for f in _findings(path) if f[0] != "ST11"] == expected


@pytest.mark.parametrize("fmt", ("html", "docx"))
def test_a_part_of_table_four_naming_no_group_is_said_unreadable(report, tmp_path: Path, fmt: str):
    """行政诉讼's outcomes printed under 行政复议's table with nothing naming their group: ST01 for that part only."""
    parts, _expected_findings = report
    i = _index(parts, "四、")
    numbers = [parts[i].cells[(4, c)] for c in range(1, 16)]
    shape = [_group("行政复议", numbers[:5]), "行政诉讼情况", _tbl([OUTCOMES * 2, numbers[5:]], [])]
    (checked,) = check_paths([_published_as(parts[:i] + shape + parts[i + 1 :], tmp_path / "t4", fmt)])
    (missing,) = [f for f in checked.findings if f.rule == "ST01"]
    assert "没有写明属于未经复议直接起诉、复议后起诉中的哪一类" in missing.message
    assert "EQ04「未经复议直接起诉」组、EQ04「复议后起诉」组" in missing.message
    assert not [f for f in checked.findings if f.rule in ("ST03", "EQ04")]
    assert {k: v for k, v in checked.values.items() if k.startswith("t4.cases.review.")} == {
        k: v for k, v in VALUES.items() if k.startswith("t4.cases.review.")
    }


def _grown(table: documents.Tbl, rows: list[list[str]], merges: tuple[tuple[int, int, int, int], ...] = ()):
    """`table` with `rows` (and their `merges`, numbered from the first of them) added under its last row."""
    top = table.rows
    cells = table.cells | {(top + r, c): v for r, row in enumerate(rows, 1) for c, v in enumerate(row, 1) if v}
    return _tbl(
        [[cells.get((r, c), _) for c in range(1, table.cols + 1)] for r in range(1, top + len(rows) + 1)],
        table.merges + [(t + top, lf, b + top, rt) for t, lf, b, rt in merges],
    )


EXTRA_T4_ROWS = {  # rows added to 表四's table as published (its one row of numbers is its 4th): what ST05 says
    "合计行": (lambda n: [["合计", *n[1:5]]], ["表四第5行「合计」不是官方格式中的行，其中的数字未参与校验。"]),
    "第二行数字": (lambda n: [n], ["表四第5行有数字，不是官方格式中的行（该表只有一行数字）"]),
    "表内注释": (lambda n: [["注：本表数字单位为件。"] + [_] * 14], []),
}


@pytest.mark.parametrize("fmt", ("html", "docx"))
@pytest.mark.parametrize("extra", EXTRA_T4_ROWS)
def test_a_row_added_to_table_four_as_published(report, tmp_path: Path, extra: str, fmt: str):
    """A row under 表四's one row of numbers, in its table: ST05 when it holds numbers, nothing for a note."""
    parts, expected = report
    i = _index(parts, "四、")
    numbers = [parts[i].cells[(4, c)] for c in range(1, 16)]
    rows, said = EXTRA_T4_ROWS[extra]
    table = _grown(parts[i], rows(numbers), ((1, 1, 1, 15),) if extra == "表内注释" else ())
    path = _published_as([*parts[:i], table, *parts[i + 1 :]], tmp_path / "t4", fmt)
    (checked,) = check_paths([path])
    st05 = [f.message for f in checked.findings if f.rule == "ST05"]
    assert len(st05) == len(said) and all(m.startswith(s) for m, s in zip(st05, said, strict=True))
    assert [f for f in _findings(path) if f[0] != "ST05"] == expected
    assert {k: v for k, v in checked.values.items() if k.startswith("t4.")} == _expected("t4")


# ---------------------------------------------------------------- 表三's rows in another order


def _reordered(table: documents.Tbl, order: list[int]) -> documents.Tbl:
    """The table with its rows in `order` (old row numbers, top to bottom); a merge over several rows spans the rows
    it covered, which must stay together."""
    new = {old: r for r, old in enumerate(order, 1)}
    merges = []
    for t, lf, b, rt in table.merges:
        rows = sorted(new[r] for r in range(t, b + 1))
        assert rows == list(range(rows[0], rows[-1] + 1)), "a merge over rows kept together"
        merges.append((rows[0], lf, rows[-1], rt))
    tops = {m[:2]: (t, lf) for m, (t, lf, _b, _r) in zip(table.merges, merges)}
    cells = {tops.get((r, c), (new[r], c)): v for (r, c), v in table.cells.items()}
    return _tbl([[cells.get((r, c), "") for c in range(1, table.cols + 1)] for r in range(1, table.rows + 1)], merges)


ORDERS = {  # 表三's 28 rows: 3 header rows, 一 and 二, 三's 22 rows, 四
    "（一）（二）对调": [1, 2, 3, 4, 5, 7, 6, *range(8, 29)],
    "四排在三之前": [1, 2, 3, 4, 5, 28, *range(6, 28)],
}


@pytest.mark.parametrize("fmt", ("html", "docx"))
@pytest.mark.parametrize("order", ORDERS)
def test_rows_of_table_three_in_another_order_are_read_by_their_labels(report, tmp_path: Path, order: str, fmt):
    parts, expected = report
    i = _index(parts, "三、")
    path = _published_as([*parts[:i], _reordered(parts[i], ORDERS[order]), *parts[i + 1 :]], tmp_path / "t3", fmt)
    assert _values(path, "t3") == _expected("t3")
    (checked,) = check_paths([path])
    (said,) = [f for f in checked.findings if f.rule == "ST11"]
    assert said.severity == "warning" and "与官方格式的行顺序不同" in said.message
    assert [f for f in _findings(path) if f[0] != "ST11"] == expected


# ---------------------------------------------------------------- a table in two parts


def _cut(table: documents.Tbl, at: int, header: int = 0) -> list[documents.Tbl]:
    """The table cut above row `at` (no merge crossing it) into two tables, its first `header` rows repeated on top
    of the second."""
    shift = at - header - 1
    first = _tbl(
        [[table.cells.get((r, c), "") for c in range(1, table.cols + 1)] for r in range(1, at)],
        [m for m in table.merges if m[2] < at],
    )
    kept = [*range(1, header + 1), *range(at, table.rows + 1)]
    second = _tbl(
        [[table.cells.get((r, c), "") for c in range(1, table.cols + 1)] for r in kept],
        [m for m in table.merges if m[2] <= header]
        + [(t - shift, lf, b - shift, rt) for t, lf, b, rt in table.merges if t >= at],
    )
    return [first, second]


def _one_table(path: Path, name: str) -> None:
    """The table `name` is read as one table, its rows counted on from its first part."""
    (sheet,) = load_file(path).grid.sheets
    places = [p for p in sheet.origins.values() if p.table_name == name]
    assert len({p.table for p in places}) == 1
    assert max(p.row for p in places) == 28


@pytest.mark.parametrize("fmt", ("html", "docx", "pdf"))
@pytest.mark.parametrize("marker", ("续表", "表三（续）", "（续上表）"))
def test_a_table_continued_after_a_line_saying_so_is_one_table(report, tmp_path: Path, marker: str, fmt: str):
    """表三 cut in two, a line saying it goes on between the parts and its header repeated on the second or not."""
    parts, expected = report
    i = _index(parts, "三、")
    for header in (3, 0):
        first, second = _cut(parts[i], 16, header)
        path = _published_as([*parts[:i], first, marker, second, *parts[i + 1 :]], tmp_path / f"t3-{header}", fmt)
        assert _findings(path) == expected  # no ST05 for the repeated header, no label of it taken for a row
        _one_table(path, "表三")


@pytest.mark.parametrize(("marker", "header"), (("续表", 0), ("", 3)))
def test_a_footnote_in_a_word_table_cut_in_two_is_read_after_its_last_part(
    report, tmp_path: Path, marker: str, header: int
) -> None:
    """A footnote referred to from the first part of a Word table cut in two (a line saying it goes on between the
    parts, or its header repeated on the second) is read after the last part, as its PDF reads it at the page's
    foot: the parts stay one table."""
    parts, expected = report
    i = _index(parts, "三、")
    first, second = _cut(parts[i], 16, header)
    first.cells[min(rc for rc, text in first.cells.items() if text.isdigit())] += "[^1]"
    note = "含通过信函收到的申请3件。"
    blocks = [*parts[:i], first, *([marker] if marker else []), second, *parts[i + 1 :]]
    path = documents.docx(blocks, tmp_path / "t3.docx", footnotes={1: note})
    assert _findings(path) == expected
    _one_table(path, "表三")
    (sheet,) = load_file(path).grid.sheets
    (row,) = [r for (r, _), text in sheet.cells.items() if text == note]
    assert row > max(r for (r, _), place in sheet.origins.items() if place.table_name == "表三")


@pytest.mark.parametrize(
    "at", (27, 16)
)  # the second part without a rule of the first (「（七）总计」 over two columns)
def test_a_pdf_table_cut_by_hand_into_two_tables_is_one_table(report, tmp_path: Path, at: int):
    parts, expected = report
    i = _index(parts, "三、")
    path = _published_as([*parts[:i], *_cut(parts[i], at), *parts[i + 1 :]], tmp_path / "t3", "pdf")
    assert _values(path, "t3") == _expected("t3")
    assert _findings(path) == expected
    _one_table(path, "表三")


@pytest.mark.parametrize("at", (16, 28))  # 表三 cut inside 「三、本年度办理结果」, and above its last row
def test_a_web_page_table_cut_in_two_printed_to_pdf_is_one_table(report, tmp_path: Path, at: int):
    """表三 published as two <table>s one right under the other (a CMS's page break), printed to PDF: the browser
    sizes each by its content, so the parts touch, each with its own column rules, and pdfplumber finds them as one
    table. They are read as the two parts of one table, each on its own columns, not on the rules of both."""
    parts, expected = report
    i = _index(parts, "三、")
    page = tmp_path / "t3.html"
    cut = documents.clean_html([*parts[:i], *_cut(parts[i], at), *parts[i + 1 :]])
    page.write_bytes(cut.replace(b" nowrap", b""))  # cells wrap: the table fits the page
    (path,) = _as_pdf(tmp_path, page)
    with pdfplumber.open(path) as pdf:  # found as one table: column rules that stop at the seam, others that start
        found = [t for p in pdf.pages for t in p.find_tables()]
    assert any(len({round(x) for cell in t.cells for x in (cell[0], cell[2])}) > 11 for t in found)  # 表三: 10 cols
    assert _values(path, "t3") == _expected("t3")
    assert _findings(path) == expected
    _one_table(path, "表三")


def _cut_markup(table: documents.Tbl, at: int, header: int = 0) -> list[documents.Tbl]:
    """The table's markup cut above row `at` into two <table>s, as a CMS cuts a page's HTML (its page break) or an
    author pastes a table in two pieces: a cell spanning the cut keeps its rowspan in the first (a browser stops it
    at the table's last row), and the rows below lack the cells it covered; the first `header` rows repeated on top
    of the second."""
    first = documents.Tbl({k: v for k, v in table.cells.items() if k[0] < at}, [], at - 1, table.cols)
    first.merges = [m for m in table.merges if m[0] < at]
    first.covered = {(r, c) for r, c in table.covered if r < at}
    kept = [*range(1, header + 1), *range(at, table.rows + 1)]
    row = {r: i for i, r in enumerate(kept, 1)}
    second = documents.Tbl({(row[r], c): v for (r, c), v in table.cells.items() if r in row}, [], len(kept), table.cols)
    second.merges = [(row[t], lf, row[b], rt) for t, lf, b, rt in table.merges if t in row and b in row]
    second.covered = {(row[r], c) for r, c in table.covered if r in row}  # those under a merge from the first, too
    return [first, second]


@pytest.mark.parametrize("header", (0, 3))
@pytest.mark.parametrize("at", (16, 10))  # 表三 cut inside 「（四）无法提供」's group, inside 「（三）不予公开」's
def test_a_table_cut_in_two_tables_in_the_markup_reads_where_the_whole_table_has_it(
    report, tmp_path: Path, at: int, header: int
):
    """表三 cut into two <table>s in the page's markup: the rows of the second lack the cells that 「三、本年度办理结果」
    (and 「（三）不予公开」) covered, so a browser shows their labels and numbers pushed left, under the wrong columns.
    Those spans go on over the second table's rows (after its repeated header), and every number is read where the
    whole table has it."""
    parts, expected = report
    i = _index(parts, "三、")
    page = tmp_path / "t3.html"
    page.write_bytes(documents.clean_html([*parts[:i], *_cut_markup(parts[i], at, header), *parts[i + 1 :]]))
    assert page.read_bytes().count(b"<table") == len([p for p in parts if isinstance(p, documents.Tbl)]) + 1
    assert _values(page, "t3") == _expected("t3")
    assert _findings(page) == expected
