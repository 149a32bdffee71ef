"""Every regular file of the bad-input corpus uploaded to `nianbao serve`: answered as `nianbao check` answers it (the
same status and Chinese message), stored as a submission, and the server serving on (the heavy hostile kinds
included: each costs its own request only)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from kinds import KINDS, SECRET, Sources, build_corpus
from starlette.testclient import TestClient

from validator import check_paths
from validator.findings import FileReport
from validator.server.app import Settings, create_app

CJK = re.compile(r"[\u4e00-\u9fff]")

SPECIAL = {"directory", "missing", "used_range_max", "too_many_sheets", "hundreds_of_sheets", "long_extra_sheet"}
UPLOADABLE = [n for n, k in KINDS.items() if not (k.posix or k.needs_libreoffice) and n not in SPECIAL]


@pytest.fixture(scope="module")
def uploaded(balanced_workbook: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[dict, FileReport]]:
    """Each kind's answer, from one server that also answered every other kind before it, and the CLI's report."""
    root = tmp_path_factory.mktemp("badfiles-serve")
    (secret := root / "secret.txt").write_text(SECRET)
    (root / "corpus").mkdir()
    paths = build_corpus(root / "corpus", Sources(balanced_workbook, secret, None), UPLOADABLE)
    answers = {}
    with TestClient(create_app(Settings(root / "data", workers=2))) as client:
        for name, path in paths.items():
            answer = client.post("/api/check", files={"file": (path.name, path.read_bytes())})
            assert answer.status_code == 200, (name, answer.text)
            answers[name] = (answer.json()["results"][0], check_paths([path])[0])
        assert client.get("/healthz").json()["status"] == "ok"
        good = client.post("/api/check", files={"file": ("good.xlsx", balanced_workbook.read_bytes())})
        assert good.json()["results"][0]["counts"]["error"] == 0  # still serving
    return answers


@pytest.mark.parametrize("name", UPLOADABLE)
def test_each_bad_upload_is_answered_with_its_message(uploaded: dict[str, tuple[dict, FileReport]], name: str) -> None:
    result, cli = uploaded[name]
    assert (result["status"], result.get("error")) == (cli.status, cli.error) and result["submission"]
    assert result["status"] == "checked" or CJK.search(result["error"])
    assert SECRET not in str(result)
