"""Every regular file of the bad-input corpus uploaded to `nianbao serve`: answered as `nianbao check` answers it (the
same status and Chinese message, its advice to whoever received the file addressed to the uploader), stored as a
submission, and the server serving on (the heavy hostile kinds included: each costs its own request only); a file
`nianbao batch` would skip as no report (a lock file, another kind of file) is listed as skipped with batch's reason
(so addressed) and not stored."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest
from kinds import KINDS, SECRET, Sources, build_corpus
from starlette.testclient import TestClient
from test_audience import OFFICE_WORDS

from validator import check_paths
from validator.audience import for_uploader
from validator.batch.inputs import skip_reason
from validator.findings import FileReport
from validator.server.app import Settings, create_app

PASSWORD = "correct horse battery"
CJK = re.compile(r"[\u4e00-\u9fff]")

SPECIAL = {"directory", "missing", "used_range_max", "too_many_sheets", "hundreds_of_sheets", "long_extra_sheet"}
UPLOADABLE = [n for n, k in KINDS.items() if not (k.posix or k.needs_libreoffice) and n not in SPECIAL]


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("badfiles-serve")


@pytest.fixture(scope="module")
def corpus(balanced_workbook: Path, root: Path) -> dict[str, Path]:
    (secret := root / "secret.txt").write_text(SECRET)
    (root / "corpus").mkdir()
    return build_corpus(root / "corpus", Sources(balanced_workbook, secret, None), UPLOADABLE)


@pytest.fixture(scope="module")
def uploaded(balanced_workbook: Path, root: Path, corpus: dict[str, Path]) -> dict[str, tuple[dict, FileReport]]:
    """Each kind's answer, from one server that also answered every other kind before it, and the CLI's report."""
    paths, answers = corpus, {}
    with TestClient(create_app(Settings(root / "data", workers=2))) as client:
        for name, path in paths.items():
            answer = client.post("/api/check", files={"file": (path.name, path.read_bytes())})
            assert answer.status_code == 200, (name, answer.text)
            answers[name] = (answer.json(), check_paths([path])[0])
        assert client.get("/healthz").json()["status"] == "ok"
        good = client.post("/api/check", files={"file": ("good.xlsx", balanced_workbook.read_bytes())})
        assert good.json()["results"][0]["counts"]["error"] == 0  # still serving
    return answers


def told_to_the_uploader(answered: str, told: str) -> bool:
    """Whether the upload page `answered` what `nianbao check` or `batch` `told`, but for the advice to whoever
    received the file (ask the agency for it, pack archives again as a zip): on the page the uploader is that agency,
    and the page unpacks no archive."""
    return answered == for_uploader(told) and not OFFICE_WORDS.search(answered) and "打包为 zip" not in answered


@pytest.mark.parametrize("name", UPLOADABLE)
def test_each_bad_upload_is_answered_with_its_message(uploaded: dict[str, tuple[dict, FileReport]], name: str) -> None:
    answer, cli = uploaded[name]
    file = Path(cli.path).name
    by_name = skip_reason(PurePosixPath(file))
    if answer["skipped"]:  # by its name, as batch skips it, or an archive of other files
        (skipped,) = answer["skipped"]
        assert answer["results"] == [] and skipped["file"] == file
        if by_name:
            assert told_to_the_uploader(skipped["reason"], by_name)
        else:
            assert cli.status == "unreadable" and "压缩包" in skipped["reason"]
        return
    assert by_name is None
    (result,) = answer["results"]
    assert result["status"] == cli.status and result["submission"]
    assert told_to_the_uploader(result["error"], cli.error) if cli.error else result.get("error") is None
    assert result["status"] == "checked" or CJK.search(result["error"])
    assert SECRET not in str(result)


def test_a_bad_workbook_given_as_the_roster_is_refused_as_a_submission_is(root: Path, corpus: dict[str, Path]) -> None:
    """The office's roster upload reads workbooks through the same guarded reader, within the same limits."""
    data = root / "roster-data"
    proc = subprocess.run([sys.executable, "-m", "validator", "serve", "--data", str(data), "--add-user", "office"],
                          input=PASSWORD + "\n", capture_output=True, text=True)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    workbooks = {n: p for n, p in corpus.items() if p.suffix in (".xlsx", ".xlsm")}
    refused = 0
    with TestClient(create_app(Settings(data, workers=1))) as client:
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/office/login").text)[1]
        client.post("/office/login", data={"name": "office", "password": PASSWORD, "csrf": token})
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/office").text)[1]
        for name, path in workbooks.items():
            answer = client.post(
                "/office/roster", data={"csrf": token}, files={"roster": (path.name, path.read_bytes())}
            )
            assert SECRET not in answer.text, name
            cli = check_paths([path])[0]
            if cli.status == "unreadable":
                refused += 1
                assert answer.status_code == 400 and cli.error in html.unescape(answer.text), (name, answer.text)
            else:
                assert answer.status_code == 200, (name, answer.text)
        assert client.get("/healthz").json()["status"] == "ok"
    assert refused >= 10  # the corpus's hostile workbooks are most of it
