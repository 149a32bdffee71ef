"""Advice whose words depend on who reads it (validator/audience.py): the upload page shows every message in the
uploader's words, the office's pages, results.jsonl and 汇总.xlsx keep the words for whoever received the file; an
office's advice written into a message anywhere but a pair fails here."""

from __future__ import annotations

import ast
import io
import json
import re
from pathlib import Path

import openpyxl
from test_serve_live import Live, server  # server: the fixture, a service with an office user
from test_server_wild2 import office, upload

import validator
from validator import audience, check_paths
from validator.audience import EVERY, SAVE_RESULTS, for_uploader

__all__ = ["server"]

# Advice only the receiver of a file can follow: check again, ask the agency, unpack, raise a limit, install a program,
# make a template
OFFICE_WORDS = re.compile(
    r"(?<!不)再校验|另行校验|xlsx 再试|向(报送|发布)单位索取|请报送单位重新导出|发布单位网站|环境变量|由管理员"
    r"|安装 LibreOffice|本机未安装|解压后校验|nianbao template"
)
PACKAGE = Path(validator.__file__).parent
# Modules whose messages never reach the upload page or an annotated copy's page
NEVER_UPLOADED = {
    "cli.py": "the command line",
    "demo.py": "make demo",
    "batch": "folders and archives, which the service never reads: of batch it shows skip_reason for one upload",
    "excel": "the Excel button: its reader is the filler in Excel, where checking again is clicking 校验",
    "buttons": "the Excel button's macros",
    "render/rules_doc.py": "docs/rules.md",
    "rounds/load.py": "the decisions file given to nianbao batch",
    "server/run.py": "nianbao serve's command line",
    "sources/files.py": "a path's reading errors: the service reads its own stored copy",
    "audience.py": "the pairs themselves",
}
# ...but these, which the service uses: the annotated copy it writes (server/work.py), in the uploader's words too
UPLOADED_AFTER_ALL = ("batch/copies.py",)

UPLOAD_PAGES = ("templates/base.html", "templates/upload.html", "templates/refused.html", "static/upload.js")


def _strings(path: Path) -> list[tuple[int, str]]:
    """The string literals of a module but its docstrings (a literal run of an f-string counts by itself)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
    ]


def test_no_message_the_upload_page_can_show_writes_the_offices_advice_but_through_a_pair() -> None:
    """Every message is written once, for whoever received the file; the upload page swaps each pair's words for the
    uploader's. Advice written outside a pair would reach the uploader in the office's words: 「…后再校验」 told to a
    clerk who checks nothing, 「向报送单位索取」 told to that agency."""
    skipped = tuple(PACKAGE / name for name in NEVER_UPLOADED)
    uploaded = {PACKAGE / name for name in UPLOADED_AFTER_ALL}
    leaks = [
        f"{path.relative_to(PACKAGE)}:{line}: {text}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path in uploaded or not any(path == s or s in path.parents for s in skipped)
        for line, text in _strings(path)
        if OFFICE_WORDS.search(text)
    ]
    pages = [PACKAGE / "server" / page for page in UPLOAD_PAGES]  # the page's own words, and the spec's messages
    for path in [*pages, *(PACKAGE.parent / "templates").glob("*.yaml")]:
        leaks += [
            f"{path.name}: {line}"
            for line in path.read_text(encoding="utf-8").splitlines()
            if OFFICE_WORDS.search(line)
        ]
    assert leaks == []


def test_each_pair_tells_the_uploader_what_to_do_on_the_page_and_is_used() -> None:
    names = {advice: name for name, advice in vars(audience).items() if isinstance(advice, audience.Advice)}
    sources = "\n".join(p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py") if p.name != "audience.py")
    for advice in EVERY:
        assert not OFFICE_WORDS.search(advice.uploader), advice
        assert OFFICE_WORDS.search(advice.receiver) or "本机" in advice.receiver, advice
        assert re.search(rf"\b{names[advice]}\b", sources), f"{names[advice]} is no message's"
        assert for_uploader(advice.receiver) == advice.uploader


def test_for_uploader_puts_a_pairs_words_where_the_message_put_them() -> None:
    """A {name} in a pair stands for words the message chose: a limit's variable, an archive's files."""
    raised = audience.RAISE.receiver.format(variable="NIANBAO_LIMIT_CELLS")
    assert for_uploader(f"表三超过上限。请删除与年报无关的内容后另存再校验；{raised}。") == (
        f"表三超过上限。{audience.EXTRA.uploader}；{audience.RAISE.uploader}。"
    )
    unpack = audience.UNPACK
    assert for_uploader(unpack.receiver.format(what="工作簿")) == unpack.uploader.format(what="工作簿")


def test_a_findings_advice_is_told_to_the_uploader_and_kept_in_the_offices_words(
    server: Live, balanced_workbook: Path, tmp_path: Path
) -> None:
    """A workbook a program wrote, its totals formulas without saved results: the upload page's finding said 「请在
    Excel 或 WPS 中打开该文件，保存后再校验」 (only refusals were addressed to the uploader); the clerk uploads again.
    The office's record and 汇总.xlsx keep the command line's words."""
    wb = openpyxl.load_workbook(balanced_workbook)
    wb["表四"]["E5"] = "=SUM(A5:D5)"
    wb.save(path := tmp_path / "公式年报.xlsx")
    (cli,) = check_paths([path])
    said = [f.message for f in cli.findings if SAVE_RESULTS.receiver in f.message]
    assert said, [f.message for f in cli.findings]

    (result,) = upload(server, path.name, path.read_bytes())["results"]
    shown = [f["message"] for f in result["findings"]]
    assert [m for m in shown if SAVE_RESULTS.uploader in m] == [
        m.replace(SAVE_RESULTS.receiver, SAVE_RESULTS.uploader) for m in said
    ]
    assert not any(OFFICE_WORDS.search(m) for m in shown), shown

    reader = office(server)
    stored = [json.loads(line) for line in reader.get("/office/results.jsonl").text.splitlines()]
    (kept,) = [d for d in stored if d["file"] == path.name]
    assert [f["message"] for f in kept["findings"] if SAVE_RESULTS.receiver in f["message"]] == said
    summary = openpyxl.load_workbook(io.BytesIO(reader.get("/office/汇总.xlsx").content), read_only=True)
    cells = [str(v) for ws in summary.worksheets for row in ws.iter_rows(values_only=True) for v in row if v]
    assert any(SAVE_RESULTS.receiver in v for v in cells)
    assert SAVE_RESULTS.receiver in reader.get(f"/office/submissions/{result['submission']}").text
