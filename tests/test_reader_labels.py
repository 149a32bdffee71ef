"""The reader holds a PDF's table row cut by a page break against the official labels the engine gives it: those of
the shipped formats and of a template the user gives (`--template`, a spec file of their own)."""

from __future__ import annotations

import re
from pathlib import Path

import documents
import pytest
from builders import published
from test_import import SOFFICE, _as_pdf
from test_published_variants import _cut_tops, _with_t3
from test_structure import VALUES

from validator import check_paths
from validator.installed import TEMPLATES_DIR
from validator.sources.xlsx import load
from validator.spec.load import load_template

# two of 表三's labels worded otherwise, each as long as the official one (the page breaks fall alike)
RENAMED = {"属于四类过程性信息": "属于四类过程中信息", "属于行政执法案卷": "属于行政执法卷宗"}


def _own_template(folder: Path) -> Path:
    """A spec file of the user's own: the 2021 format with two of 表三's row labels worded otherwise."""
    text = (TEMPLATES_DIR / "gov-info-annual-report-2021.yaml").read_text(encoding="utf-8")
    text = text.replace("id: gov-info-annual-report-2021", "id: own-annual-report")
    for official, own in RENAMED.items():
        assert f".{official}}}" in text  # {key: …, label: 6.属于四类过程性信息}
        text = text.replace(f".{official}}}", f".{own}}}")
    (path := folder / "own.yaml").write_text(text, encoding="utf-8")
    return path


def _t3_said(path: Path, template) -> list[str]:
    (checked,) = check_paths([path], template)
    assert checked.error is None
    return sorted(f.message.split("（原文位置")[0] for f in checked.findings if f.message.startswith("表三"))


@pytest.mark.skipif(not SOFFICE, reason="LibreOffice (soffice) is needed to print documents as PDF")
def test_a_row_cut_by_a_page_break_is_told_by_the_labels_of_a_template_given(tmp_path: Path) -> None:
    """A report in a template of the user's own (two of 表三's labels worded otherwise), its 表三 sub-rows typed
    without their numbers and its zeros left blank, printed by LibreOffice with the page break under the blank row
    「属于四类过程中信息」 (its label filling its last line) and 「属于行政执法卷宗」 whole on top of the next page:
    checked against that template, the two are two rows, as in the Word file. Before, the reader held the rows
    against the shipped templates' labels only, read the two as one row cut by the page break, and 表三 lacked a
    row."""
    template = load_template(_own_template(tmp_path))
    xlsx = published(tmp_path / "report.xlsx", {k: v for k, v in VALUES.items() if v is not None})
    parts = documents.segments(load(xlsx).grid.sheets[0])
    t3 = parts[documents.section_table(parts, "三")]
    changed = {k: "" for k, v in t3.cells.items() if v == "0"}
    changed |= {k: RENAMED.get(label := re.sub(r"^\d\.", "", v), label) for k, v in t3.cells.items() if k[1] == 3}
    docx = documents.docx(_with_t3(parts, changed), tmp_path / "own.docx")
    (pdf_path,) = _as_pdf(tmp_path, docx)
    assert "属于行政执法卷宗" in [top[2] for top in _cut_tops(pdf_path) if len(top) > 3]  # whole, on top of a page
    assert _t3_said(pdf_path, template) == _t3_said(docx, template)
