"""The annotated copy as each reader downloads it from `nianbao serve`: the upload page's copy speaks to the agency
that uploaded the file in the words the page shows (validator/audience.py `for_uploader`), the office's copy keeps
the words of `nianbao check`; ST07's advice in each reader's words; whom the server button's failure is told to."""

from __future__ import annotations

import io
import re
import shlex
from pathlib import Path

import httpx
import openpyxl
from test_audience import OFFICE_WORDS
from test_import import _published_as, _two_reports
from test_serve_live import Live, server  # server: the fixture, a service with an office user
from test_server_wild import server_template_macros
from test_server_wild2 import office, upload
from test_templates import CURRENT, TRIAL, trial_book

from validator import check_paths
from validator.audience import FURTHER_REPORT, NEWER_TEMPLATE, SAVE_RESULTS
from validator.cli import main
from validator.locate.title import YEAR_FIELD
from validator.names import ID_COLUMN, RESULT_SHEET

__all__ = ["server"]


def texts(copy: bytes) -> tuple[dict[str, str], list[str], list[str]]:
    """An annotated copy's notes (by sheet!cell), its results sheet's texts, and that sheet's 编号 column."""
    book = openpyxl.load_workbook(io.BytesIO(copy))
    notes = {f"{ws.title}!{c.coordinate}": c.comment.text for ws in book for row in ws.iter_rows() for c in row
             if c.comment}  # fmt: skip
    rows = [[c.value for c in row] for row in book[RESULT_SHEET].iter_rows()]
    header = next(row for row in rows if ID_COLUMN in row)
    ids = [row[header.index(ID_COLUMN)] for row in rows[rows.index(header) + 1 :] if row[header.index(ID_COLUMN)]]
    return notes, [v for row in rows for v in row if isinstance(v, str)], ids


def both_copies(server: Live, path: Path) -> tuple[dict, bytes, bytes]:
    """The upload's result as the page shows it, its copy as the page downloads it, and as the office does from its
    page of the submission."""
    (result,) = upload(server, path.name, path.read_bytes())["results"]
    uploader = httpx.get(f"{server.url}{result['download']}", timeout=300)
    reader = office(server)
    page = reader.get(f"/office/submissions/{result['submission']}").text
    (link,) = re.findall(r'<a href="([^"]+)">下载标注副本</a>', page)
    listed = {s["submission"]: s for s in reader.get("/api/submissions").json()["submissions"]}
    assert listed[result["submission"]]["download"] == link  # the office's API gives the office's copy
    offices = reader.get(link)
    assert uploader.status_code == offices.status_code == 200, (uploader.text, offices.text)
    assert httpx.get(f"{server.url}{link}").headers["location"] == "/office/login"  # the office's, behind its login
    return result, uploader.content, offices.content


def test_the_upload_pages_copy_speaks_to_the_uploader_and_the_offices_keeps_its_words(
    server: Live, balanced_workbook: Path, tmp_path: Path
) -> None:
    """One cached copy served both: the clerk's copy said 「保存后再校验」 in 表四!E5's note and on 校验结果, where the
    upload page said 「保存后重新上传」. Each reader's copy is written (and kept) for that reader; the ids that
    explanations follow are the same in both, and the office's copy is the one `nianbao check` writes."""
    wb = openpyxl.load_workbook(balanced_workbook)
    wb["表四"]["E5"] = "=SUM(A5:D5)"  # a formula without a saved result: a finding with advice
    wb.save(path := tmp_path / "公式年报.xlsx")
    result, for_uploader, for_office = both_copies(server, path)
    main(["check", str(path), "--out", str(tmp_path / "cli")])
    cli = texts((tmp_path / "cli" / "公式年报.校验.xlsx").read_bytes())
    (notes, results, ids), (office_notes, office_results, office_ids) = texts(for_uploader), texts(for_office)

    assert (office_notes, office_results, office_ids) == cli
    assert SAVE_RESULTS.receiver in office_notes["表四!E5"]
    assert any(SAVE_RESULTS.receiver in v for v in office_results)

    def said(text: str) -> str:
        return text.replace(SAVE_RESULTS.receiver, SAVE_RESULTS.uploader)

    assert notes == {cell: said(note) for cell, note in office_notes.items()} != office_notes
    assert results == [said(v) for v in office_results] != office_results
    assert ids == office_ids
    assert not [t for t in [*notes.values(), *results] if OFFICE_WORDS.search(t)]
    shown = [f["message"] for f in result["findings"] if f["cell"] == "表四!E5"]
    assert shown and all(m in notes["表四!E5"] for m in shown)  # the page's words, in the note

    # asked again, each reader gets the copy kept for it
    assert httpx.get(f"{server.url}{result['download']}", timeout=300).content == for_uploader
    assert office(server).get(f"/office/submissions/{result['submission']}/annotated").content == for_office


def test_a_published_reports_copy_speaks_to_its_reader_too(server: Live, tmp_path: Path) -> None:
    """A web page's copy is the official workbook it was converted into, painted with the page's findings: the one
    the page gives says what the uploader does with a further report on the page (upload it apart), the office's
    keeps 「另行校验」. The finding has no cell, its 编号 is made from its words: the same in both copies."""
    page = _published_as(_two_reports(tmp_path, titled=True), tmp_path / "两份年报", "html")
    _, for_uploader, for_office = both_copies(server, page)
    (_, results, ids), (_, office_results, office_ids) = texts(for_uploader), texts(for_office)
    assert [v for v in office_results if FURTHER_REPORT.receiver in v]
    assert results == [v.replace(FURTHER_REPORT.receiver, FURTHER_REPORT.uploader) for v in office_results]
    assert ids == office_ids and not [v for v in results if OFFICE_WORDS.search(v)]


def test_a_later_years_trial_report_is_told_whom_to_ask_for_the_newer_template(server: Live, tmp_path: Path) -> None:
    """ST07 told the office, the receiver of the file, 「请向政务公开办索取该格式的模板」. The command line and the
    Excel button (the office or a clerk) say who gives the template out and how the office makes it; the uploading
    agency is told to ask the office for it."""
    book = trial_book(tmp_path / "2022年度.xlsx", {"report_year": 2022})
    (cli,) = check_paths([book])
    (said,) = [f.message for f in cli.findings if f.rule == "ST07"]
    asked = NEWER_TEMPLATE.receiver.format(template=CURRENT.id)
    assert asked in said and "请向政务公开办索取" not in said and TRIAL.name in said and CURRENT.name in said

    command = re.search(r"可用 nianbao (.+?) 生成", said)[1].replace("年报模板.xlsx", str(tmp_path / "年报模板.xlsx"))
    assert main(shlex.split(command)) == 0
    (blank,) = check_paths([tmp_path / "年报模板.xlsx"])
    assert blank.template == CURRENT.id  # the command makes the format the message names

    result, for_uploader, for_office = both_copies(server, book)
    (shown,) = [f["message"] for f in result["findings"] if f["rule"] == "ST07"]
    assert shown == said.replace(asked, NEWER_TEMPLATE.uploader)
    year = cli.cells[YEAR_FIELD].ref  # ST07's cell
    assert NEWER_TEMPLATE.uploader in texts(for_uploader)[0][year]
    assert asked in texts(for_office)[0][year]


def test_the_server_buttons_failure_names_whose_administrator_to_tell(tmp_path: Path) -> None:
    """「请把下行的原因告知管理员」: the clerk's own unit's administrator, or the service's? The service is the office's."""
    _, names = server_template_macros(tmp_path)
    assert "请把下行的原因告知政务公开办的服务器管理员。" in names["NianbaoServerError"]
