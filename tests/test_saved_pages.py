"""Web pages saved with their files ("网页，全部"): a report shown in frames is read from the folder saved beside the
page, nothing else is, and the folder's files are no reports of their own in a batch or a folder check."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import documents
import pytest
from builders import published
from test_structure import VALUES

from validator import check_paths
from validator.batch.inputs import collect, folder_skips
from validator.cli import main
from validator.engine import workbook_paths
from validator.sources.xlsx import load

WRONG = VALUES | {"t3.disclosed.business": VALUES["t3.disclosed.business"] + 5}  # two failing totals in 表三
AD = "<html><body><p>便民服务</p><table><tr><td>热线</td><td>12345</td></tr></table></body></html>"


@pytest.fixture(scope="module")
def parts(tmp_path_factory) -> list:
    """The report with a wrong total, in paragraphs and tables as a site publishes it."""
    xlsx = published(tmp_path_factory.mktemp("src") / "report.xlsx", WRONG)
    return documents.segments(load(xlsx).grid.sheets[0])


def _findings(path: Path) -> list[tuple[str, str]]:
    [report] = check_paths([path])
    assert report.status == "checked", report.error
    return sorted((f.rule, f.message) for f in report.findings)


def _framed(folder: Path, parts: list, name: str = "报告") -> Path:
    """An old site's article page saved by a browser: the report in an iframe after an advertisement's, both pages
    in the folder saved with it (the src percent-encoded, as browsers rewrite it)."""
    saved = folder / f"{name}_files"
    saved.mkdir(parents=True)
    (saved / "ad.html").write_text(AD, encoding="utf-8")
    (saved / "article.html").write_bytes(documents.clean_html(parts))
    encoded = "".join(f"%{b:02X}" for b in name.encode())
    page = folder / f"{name}.htm"
    page.write_text(
        '<html><head><meta charset="utf-8"><title>政府信息公开</title></head><body><div>首页 &gt; 信息公开</div>'
        f'<iframe src="{name}_files/ad.html"></iframe><iframe src="./{encoded}_files/article.html"></iframe>'
        "</body></html>",
        encoding="utf-8",
    )
    return page


def _workbook_page(folder: Path, parts: list) -> Path:
    """A workbook Excel saved as a web page: a frameset showing one sheet and the sheet tabs, every sheet's page
    listed in its head (shLink), the report's sections spread over three sheets."""
    saved = folder / "表.files"
    saved.mkdir(parents=True)
    third = len(parts) // 3
    for i, sheet in enumerate((parts[:third], parts[third : 2 * third], parts[2 * third :]), 1):
        (saved / f"sheet{i:03d}.htm").write_bytes(documents.clean_html(sheet))
    (saved / "tabstrip.htm").write_text('<html><body><a href="sheet001.htm">年报</a></body></html>', encoding="utf-8")
    links = "".join(f'<link id="shLink" href="表.files/sheet{i:03d}.htm">' for i in (1, 2, 3))
    page = folder / "表.htm"
    page.write_text(
        f'<html><head><meta charset="utf-8">{links}</head><frameset rows="*,39">'
        '<frame src="表.files/sheet001.htm" name="frSheet"><frame src="表.files/tabstrip.htm" name="frTabs">'
        "</frameset></html>",
        encoding="utf-8",
    )
    return page


def test_a_report_in_an_iframe_is_read_from_the_saved_folder(parts: list, tmp_path: Path):
    whole = tmp_path / "whole.html"
    whole.write_bytes(documents.clean_html(parts))
    expected = _findings(whole)
    assert any(rule.startswith("EQ") for rule, _ in expected)
    assert _findings(_framed(tmp_path / "site", parts)) == expected


def test_a_workbook_saved_as_a_web_page_is_read_sheet_by_sheet(parts: list, tmp_path: Path):
    whole = tmp_path / "whole.html"
    whole.write_bytes(documents.clean_html(parts))
    assert _findings(_workbook_page(tmp_path / "excel", parts)) == _findings(whole)


def test_a_page_given_without_its_frames_says_where_the_report_may_be(parts: list, tmp_path: Path, capsys):
    page = _framed(tmp_path, parts)
    for file in (page.parent / "报告_files").iterdir():
        file.unlink()
    assert main(["check", str(page), "--no-annotate", "--format", "json"]) == 2
    [result] = json.loads(capsys.readouterr().out)["results"]
    assert result["status"] == "unreadable"
    assert "框架页面「报告_files/ad.html」" in result["error"] and "放在网页旁边" in result["error"]


@pytest.mark.parametrize("src", ["cid:frame-2@example", "http://share.example.com/widget.html"])
def test_a_web_archive_holds_the_pages_of_its_frames(parts: list, tmp_path: Path, src: str):
    """Chrome saves a frame's page in the archive under a Content-ID its iframe names (cid:), IE under the address it
    came from; the report there is read as from the saved folder."""
    whole = tmp_path / "whole.html"
    whole.write_bytes(documents.clean_html(parts))
    shell = f'<html><body><div>首页</div><iframe src="{src}"></iframe></body></html>'.encode()
    archive = tmp_path / "报告.mht"
    archive.write_bytes(documents.mhtml(shell, frame=documents.clean_html(parts)))
    assert _findings(archive) == _findings(whole)


def test_a_web_archive_without_the_frames_page_says_so(tmp_path: Path):
    archive = tmp_path / "报告.mht"
    archive.write_bytes(documents.mhtml(b'<html><body><iframe src="cid:other@example"></iframe></body></html>'))
    [report] = check_paths([archive])
    assert report.status == "unreadable"
    assert "框架页面「cid:other@example」中，而网页存档中没有该页面" in report.error and "_files" not in report.error


def test_frames_outside_the_saved_folder_are_never_read(parts: list, tmp_path: Path):
    """A report lying beside the page, above it, at an absolute path, or behind a link in the saved folder that
    leads out: none is read (a page uploaded to the server could otherwise name another agency's upload)."""
    (tmp_path / "secret").mkdir()
    secret = tmp_path / "secret" / "other.html"
    secret.write_bytes(documents.clean_html(parts))
    folder = tmp_path / "site"
    (folder / "页_files").mkdir(parents=True)
    (folder / "beside.html").write_bytes(documents.clean_html(parts))
    os.symlink(secret, folder / "页_files" / "link.html")
    sources = ["beside.html", "../secret/other.html", str(secret), secret.as_uri(), "页_files/link.html"]
    frames = "".join(f'<iframe src="{src}"></iframe>' for src in sources)
    page = folder / "页.htm"
    page.write_text(f"<html><body>{frames}</body></html>", encoding="utf-8")
    [report] = check_paths([page])
    assert report.status == "unreadable" and "没有一起提供" in report.error


def test_the_saved_folders_files_are_no_reports_of_their_own(parts: list, tmp_path: Path):
    """In a batch (a folder and a zip of it) and a folder check, the page is one report and its folder's pages are
    skipped as its files; a folder named like one but without its page beside it is checked as any other."""
    folder = tmp_path / "报送"
    _framed(folder, parts)
    _workbook_page(folder, parts)
    (folder / "资料_files").mkdir()
    (folder / "资料_files" / "年报.html").write_bytes(documents.clean_html(parts))
    reports = ["报送/报告.htm", "报送/表.htm", "报送/资料_files/年报.html"]
    found = collect([folder], tmp_path / "staging")
    assert sorted(i.name for i in found.items) == sorted(reports)
    skipped = {s.name: s.reason for s in found.skipped}
    assert sorted(skipped) == [
        "报送/报告_files/ad.html",
        "报送/报告_files/article.html",
        "报送/表.files/sheet001.htm",
        "报送/表.files/sheet002.htm",
        "报送/表.files/sheet003.htm",
        "报送/表.files/tabstrip.htm",
    ]
    assert "网页「报告.htm」另存时附带的文件夹中的文件" in skipped["报送/报告_files/ad.html"]
    assert "网页「表.htm」" in skipped["报送/表.files/tabstrip.htm"]

    archive = tmp_path / "报送.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for file in folder.rglob("*"):
            zf.write(file, file.relative_to(tmp_path).as_posix())
    zipped = collect([archive], tmp_path / "unzipped")
    assert sorted(i.name for i in zipped.items) == sorted(f"报送.zip/{r}" for r in reports)
    assert len(zipped.skipped) == len(skipped)

    checked = sorted(file.relative_to(tmp_path).as_posix() for file, _ in workbook_paths([folder]))
    assert checked == sorted(reports)
    assert sorted(s.name for s in folder_skips([folder])) == sorted(n.removeprefix("报送/") for n in skipped)


def test_the_frames_pages_together_are_within_one_files_size_limit(parts: list, tmp_path: Path, monkeypatch):
    """Each frame's page under the limit, the two together over it: refused as one file past the limit would be
    (a page could otherwise name thirty pages each just under it)."""
    page = _framed(tmp_path, parts)
    size = len((page.parent / "报告_files" / "article.html").read_bytes())
    monkeypatch.setenv("NIANBAO_LIMIT_FILE_BYTES", str(size + len(AD.encode()) // 2))
    [report] = check_paths([page])
    assert report.status == "unreadable" and "网页框架中的各页面合计超过" in report.error
