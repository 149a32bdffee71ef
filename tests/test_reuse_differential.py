"""Checking reports one after another in one process (a batch worker, the server) gives each what it gets checked alone
in a fresh process: nothing the locator or the rules keep between reports (reused layouts, caches) carries one
report's state into another's result, whatever the order, repeats or templates in between."""

from __future__ import annotations

import json
import multiprocessing
import random
from pathlib import Path

import documents
import pytest
from builders import TEMPLATE, TRIAL, build, half_width, published

from validator.engine import check_paths
from validator.forms.sample import balanced_values, fill_workbook
from validator.forms.workbook import write_blank
from validator.render.json import report_json
from validator.sources.xlsx import load

VALUES = balanced_values(TEMPLATE)
WRONG_T3 = {"t3.unable_not_held.natural": VALUES["t3.unable_not_held.natural"] + 1}
WRONG_T4 = {"t4.cases.direct.pending": VALUES["t4.cases.direct.pending"] + 1}
# A section heading typed into an input: locating reads it as that section's label and its input beside it
HEADING_AS_OVERVIEW = {"overview": "五、存在的主要问题及改进情况"}
INSERTED = {"insert_rows": {"表三": {3: 1, 12: 2}}}
WORKBOOKS = {
    "balanced": ({}, {}),
    "wrong": (WRONG_T3 | WRONG_T4, {}),
    "heading as overview": (HEADING_AS_OVERVIEW, {}),
    "heading as overview, wrong": (HEADING_AS_OVERVIEW | WRONG_T3, {}),
    "blank inputs": ({"t3.new.natural": None, "overview": None, "agency_name": None}, {}),
    "label typed into an input": ({"agency_name": "规范性文件"}, {}),
    "inserted rows": ({}, INSERTED),
    "inserted rows, wrong": (WRONG_T3, INSERTED),
    "one row inserted": (WRONG_T3, {"insert_rows": {"表三": {3: 1}}}),
    "half-width labels": (WRONG_T4, {"relabel": half_width}),
    "renamed sheet": (WRONG_T3, {"rename": {"表三": "Sheet3"}}),
    "missing column": ({}, {"drop_column": {"表三": "其他"}}),
    "moved": (WRONG_T3, {"move": {"表三": (2, 1)}}),
    "transposed": (WRONG_T3, {"transpose": ("表三",)}),
    "extra row": ({}, {"extra_row": {"表三": (9, "其中：网上申请", (2, 0, 0, 0, 0, 0, 2))}}),
    "trial 表二": ({}, {"trial_2019": True}),
}


def _inputs(root: Path) -> list[Path]:
    """Workbooks varied as agencies vary them, generated blanks of both formats filled in (one with a wrong number),
    published reports as a workbook, a web page, a Word file and a PDF (balanced and not), and an unreadable file."""
    made = [build(root / f"{name}.xlsx", VALUES | changes, **variant) for name, (changes, variant) in WORKBOOKS.items()]
    for template in (TEMPLATE, TRIAL):
        blank, values = root / f"{template.id}.xlsx", balanced_values(template)
        write_blank(template, blank)
        for name, changes in (("filled", {}), ("filled wrong", {"t3.new.natural": values["t3.new.natural"] + 1})):
            made.append(root / f"{template.id} {name}.xlsx")
            fill_workbook(blank, made[-1], values | changes, template)
    filled = {k: v for k, v in VALUES.items() if v is not None}
    for name, values in (("published", filled), ("published wrong", filled | WRONG_T3)):
        made.append(published(root / f"{name}.xlsx", values))
        parts = documents.segments(load(made[-1]).grid.sheets[0])
        (root / f"{name}.html").write_bytes(documents.clean_html(parts))
        made += [root / f"{name}.html", documents.docx(parts, root / f"{name}.docx")]
        made.append(documents.pdf(parts, root / f"{name}.pdf"))
    (root / "bad.xlsx").write_bytes(b"PK\x03\x04 no zip")
    return [*made, root / "bad.xlsx"]


def _result(path: Path) -> dict:
    """A report's JSON result (findings, localisation, values, cells…) but its file name."""
    (report,) = check_paths([path], isolated=False)
    return {k: v for k, v in json.loads(json.dumps(report_json(report), default=str)).items() if k != "file"}


def _results(paths: list[Path]) -> list[dict]:
    results = [report_json(r) for r in check_paths(paths, isolated=False, chunk_size=7)]
    return [{k: v for k, v in json.loads(json.dumps(r, default=str)).items() if k != "file"} for r in results]


@pytest.fixture(scope="module")
def alone(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, dict]:
    """Each input checked alone in a fresh process: forked from a server process that has checked nothing."""
    paths = _inputs(tmp_path_factory.mktemp("differential"))
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["validator.engine", "validator.render.json"])
    with context.Pool(1, maxtasksperchild=1) as pool:
        return dict(zip(paths, pool.map(_result, paths, chunksize=1)))


def test_a_report_after_one_with_a_heading_typed_into_an_input_gets_its_own_cells(alone: dict[Path, dict]):
    """The workbook with 「五、存在的主要问题及改进情况」 typed as 总体情况 locates 问题 beside it, in an empty cell; a
    workbook of the same layout checked after it still reads 问题 in its own cell (no TX01 for it as empty)."""
    (heading,) = (p for p in alone if p.stem == "heading as overview")
    (wrong,) = (p for p in alone if p.stem == "wrong")
    after = _results([heading, wrong])
    assert after == [alone[heading], alone[wrong]]
    assert "TX01" not in {f["rule"] for f in after[1]["findings"]}


def test_reports_checked_together_in_any_order_get_what_each_gets_alone(alone: dict[Path, dict]):
    paths = list(alone)
    rng = random.Random(2026)
    shuffled = [rng.sample(paths * 2, 2 * len(paths)) for _ in range(2)]
    for order in (paths, paths[::-1], [p for p in paths for _ in (0, 1)], *shuffled):
        differing = [p.name for p, got in zip(order, _results(order)) if got != alone[p]]
        assert not differing, differing
