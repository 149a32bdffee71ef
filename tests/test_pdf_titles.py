"""A published report's title read from its PDF print names the same agency and year, and its report gets the same
template and findings, as the same report published as a web page or a Word file.

Printed large, as titles are, the space that Word and LibreOffice set between Chinese and Latin text (autospace) is
wider than the gap that parts words: it is no space typed, and no part of the agency's name ("某县XX局", not
"某县 XX 局").
"""

from __future__ import annotations

from pathlib import Path

import documents
import pytest
from builders import TEMPLATE, TRIAL, published
from test_import import _as_pdf

from validator import check_paths
from validator.forms.layout import template_layout
from validator.forms.sample import balanced_values
from validator.sources.xlsx import load

TITLES = {  # title: the format its year chooses, the agency and year it names
    "XX县人民政府办公室2025年政府信息公开工作年度报告": (TEMPLATE, "XX县人民政府办公室", 2025),
    "某县人民政府办公室2020年度政府信息公开工作年度报告": (TRIAL, "某县人民政府办公室", 2020),
    "某县ABC产业园区管理委员会２０２５年度政府信息公开工作年度报告": (TEMPLATE, "某县ABC产业园区管理委员会", 2025),
    "关于印发《某市大数据局（ICT中心）2024年度政府信息公开工作年度报告》的通知": (
        TEMPLATE,
        "某市大数据局（ICT中心）",
        2024,
    ),
}


def _outcome(report) -> tuple:
    assert report.error is None
    findings = sorted(
        repr((f.rule, f.key, f.expected, f.actual, f.message)) for f in report.findings if f.rule != "TY03"
    )
    return report.template, report.agency["agency_name"], report.agency["report_year"], findings


@pytest.fixture(scope="module")
def renderings(tmp_path_factory) -> list[tuple[Path, Path, Path]]:
    """Each title's report as a web page, a Word file in large print (16 pt) and its PDF print."""
    folder = tmp_path_factory.mktemp("titles")
    out = []
    for n, (title, (template, *_)) in enumerate(TITLES.items()):
        values = {k: v for k, v in balanced_values(template).items() if v is not None}
        variant = {"layout": template_layout(TRIAL)} if template is TRIAL else {}
        parts = documents.segments(load(published(folder / f"{n}.xlsx", values, title=title, **variant)).grid.sheets[0])
        (page := folder / f"{n}.html").write_bytes(documents.clean_html(parts))
        out.append((page, documents.docx(parts, folder / f"{n}.docx", font_pt=16)))
    pdfs = _as_pdf(folder, *(docx for _, docx in out))
    return [(page, docx, pdf) for (page, docx), pdf in zip(out, pdfs)]


@pytest.mark.parametrize("n", range(len(TITLES)))
def test_a_pdf_title_reads_as_the_page_s_and_the_word_file_s(renderings, n: int) -> None:
    page, docx, pdf = map(_outcome, check_paths(renderings[n]))
    template, agency, year = list(TITLES.values())[n]
    assert page[:3] == (template.id, agency, year)
    assert docx == page
    assert pdf == page
