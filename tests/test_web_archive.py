"""Published reports saved by a browser or Word as one file (MHTML web archives: .mht/.mhtml): the page the archive
holds is read as that page saved as .html is, through `nianbao check` and `nianbao batch`; a broken archive is
refused in words that say what to do.

The archives are written with the standard library's email package (tests/documents.py `mhtml`) as Chrome/Edge
(Blink: quoted-printable, UTF-8, no charset on the page's part), Internet Explorer (GBK, quoted-printable) and Word
(a base64 body) write them, each around the page tests/documents.py renders for a report.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import documents
import openpyxl
import pytest
from builders import published
from test_import import DEFECTS
from test_structure import VALUES

from validator import check_paths
from validator.sources.formats import read_document
from validator.sources.grid import ReadError
from validator.sources.limits import Limits
from validator.sources.sniff import file_format
from validator.sources.xlsx import load

# name → (the page's renderer, how it is archived)
ARCHIVES = {
    "chrome.mhtml": (documents.clean_html, {"style": "chrome"}),
    "ie.mht": (documents.word_html, {"style": "ie", "charset": "gb2312"}),
    "base64.mht": (documents.word_html, {"style": "word", "charset": "gb2312", "cte": "base64", "linesep": "\n"}),
}
_OWN = ("file", "sha256", "annotated")  # what differs between two files of the same report


def _parts(root: Path, values: dict) -> list:
    xlsx = published(root / "report.xlsx", {k: v for k, v in values.items() if v is not None})
    return documents.segments(load(xlsx).grid.sheets[0])


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> dict[str, Path]:
    """The balanced report saved as pages (.html) and as archives of them: {name: path}."""
    root = tmp_path_factory.mktemp("archives")
    parts = _parts(root, VALUES)
    out = {}
    for renderer in (documents.clean_html, documents.word_html):
        out[f"{renderer.__name__}.html"] = root / f"{renderer.__name__}.html"
        out[f"{renderer.__name__}.html"].write_bytes(renderer(parts))
    for name, (renderer, how) in ARCHIVES.items():
        out[name] = root / name
        out[name].write_bytes(documents.mhtml(renderer(parts), **how))
    return out


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "validator", *args], capture_output=True, text=True, timeout=300, check=False
    )


def _result(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k not in _OWN}


def _page_of(name: str) -> str:
    return f"{ARCHIVES[name][0].__name__}.html"


def test_an_archive_is_known_by_its_bytes_as_a_web_page(saved) -> None:
    for name in ARCHIVES:
        assert file_format(saved[name].read_bytes()) == "html", name


def test_check_reads_each_archive_as_the_page_it_holds(saved) -> None:
    """`nianbao check` on the archives and on the pages they hold: the same clean results, exit 0."""
    names = [*ARCHIVES, "clean_html.html", "word_html.html"]
    done = _cli("check", *(str(saved[n]) for n in names), "--format", "json", "--no-annotate")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    results = dict(zip(names, json.loads(done.stdout)["results"]))
    for name in ARCHIVES:
        got, page = results[name], results[_page_of(name)]
        assert got["status"] == "checked" and got["source_format"] == "html", got
        assert got["findings"] == [] and got["coverage"]["checked"] == got["coverage"]["total"]
        assert _result(got) == _result(page), name


def test_batch_takes_archives_in_folders_and_zips_and_checks_them_clean(saved, tmp_path: Path) -> None:
    inbox = tmp_path / "收到"
    inbox.mkdir()
    for name in ("chrome.mhtml", "ie.mht", "clean_html.html"):
        (inbox / name).write_bytes(saved[name].read_bytes())
    with zipfile.ZipFile(tmp_path / "乡镇.zip", "w") as zf:
        zf.write(saved["base64.mht"], "base64.mht")
    out = tmp_path / "out"
    done = _cli("batch", str(inbox), str(tmp_path / "乡镇.zip"), "--out", str(out), "--jobs", "1")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    docs = {Path(d["file"]).name: d for d in map(json.loads, (out / "results.jsonl").read_text("utf-8").splitlines())}
    assert sorted(docs) == ["base64.mht", "chrome.mhtml", "clean_html.html", "ie.mht"]
    for name in ("base64.mht", "chrome.mhtml", "ie.mht"):
        assert docs[name]["status"] == "checked" and docs[name]["source_format"] == "html", docs[name]
        assert docs[name]["agency"] == docs["clean_html.html"]["agency"]
        # the one finding: the same agency's report is in the batch four times (XY03), as the .html's is
        assert [f["rule"] for f in docs[name]["findings"]] == [f["rule"] for f in docs["clean_html.html"]["findings"]]
        assert {f["rule"] for f in docs[name]["findings"]} <= {"XY03"}
    skipped = openpyxl.load_workbook(out / "汇总.xlsx")["未校验的文件"]
    assert not [row for row in skipped.iter_rows(values_only=True) if any(".mht" in str(v) for v in row)]


def test_a_defective_archive_gets_the_page_s_findings_and_its_annotated_copy(tmp_path: Path) -> None:
    """The copy of an archive is the official workbook the page converts into, marked, as for a page."""
    page = documents.word_html(_parts(tmp_path, VALUES | DEFECTS))
    (tmp_path / "年报.html").write_bytes(page)
    (tmp_path / "年报.mht").write_bytes(documents.mhtml(page, "ie", charset="gb2312"))
    done = _cli("check", str(tmp_path / "年报.mht"), str(tmp_path / "年报.html"))
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-3000:]
    sheets = {}
    for name in ("年报.mht", "年报.html"):
        book = openpyxl.load_workbook(tmp_path / f"{name}.校验.xlsx")
        assert {"校验结果", "表三"} <= set(book.sheetnames)
        rows = book["校验结果"].iter_rows(values_only=True)
        sheets[name] = [tuple(str(v).replace(name, "年报") if v else v for v in row) for row in rows]
    assert sheets["年报.mht"] == sheets["年报.html"]
    assert "原文件是网页，标注副本是按原样转换为官方模板后的工作簿" in done.stdout.replace("\n", "")


@pytest.mark.parametrize("named_by", ["start", "location"])
def test_the_page_the_archive_names_is_read_not_a_frame_before_it(saved, named_by: str) -> None:
    """An archive whose first part is a frame of the page (a share widget) names its page: by the start parameter
    (its Content-ID) or by its Content-Location."""
    page = saved["clean_html.html"].read_bytes()
    archive = saved["clean_html.html"].with_name(f"framed-{named_by}.mhtml")
    archive.write_bytes(documents.mhtml(page, "chrome", frame_first=named_by))
    (got, want) = check_paths([archive, saved["clean_html.html"]])
    assert got.error is None and got.findings == want.findings == []
    assert got.agency == want.agency


def _without_page(archive: bytes) -> bytes:
    """The archive with its page's part declared as something else: no text/html part is left but the frame's."""
    return archive.replace(b"Content-Type: text/html; charset", b"Content-Type: application/octet-stream; charset", 1)


BROKEN = {
    # multipart/related, but its parts are none of them a page (a picture saved alone)
    "no page": lambda a: _without_page(a).replace(b"Content-Type: text/html\r\n", b"Content-Type: text/plain\r\n"),
    # the boundary the header names is not the one between the parts: no part is found at all
    "wrong boundary": lambda a: a.replace(b'boundary="', b'boundary="x', 1),
    # cut in the middle of the page (a download stopped): the page's part runs to the end without a closing boundary
    "cut off": lambda a: a[: len(a) // 2],
}


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_archive_is_refused_saying_so(saved, case: str, tmp_path: Path) -> None:
    path = tmp_path / "年报.mht"
    path.write_bytes(BROKEN[case](saved["ie.mht"].read_bytes()))
    (report,) = check_paths([path])
    assert report.status == "unreadable" and "网页存档" in (report.error or ""), report.error
    done = _cli("check", str(path), "--no-annotate")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_an_archive_nested_without_end_is_refused(tmp_path: Path) -> None:
    """Multiparts inside multiparts thousands deep (made by hand): refused as broken, not a crash of the reader."""
    nested = b"".join(b'Content-Type: multipart/related; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i) for i in range(5000))
    path = tmp_path / "深.mht"
    path.write_bytes(b"MIME-Version: 1.0\r\n" + nested)
    (report,) = check_paths([path])
    assert report.status == "unreadable" and "网页存档" in (report.error or ""), report.error


def test_reading_limits_apply_to_the_decoded_page(saved) -> None:
    """The page decoded from the archive is held to the file size limit, as a page saved alone is."""
    data = saved["base64.mht"].read_bytes()
    small = Limits(file_bytes=len(saved["word_html.html"].read_bytes()) - 1)
    with pytest.raises(ReadError) as refused:
        read_document(data, file_format(data), small)
    assert refused.value.reason == "too_large" and "网页存档" in refused.value.message
