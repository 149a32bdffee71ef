"""Shared fixtures: external tools (LibreOffice, poppler) for end-to-end rendering tests."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from validator.spec.model import Template

# xlwings' JSON Book (its remote engine) needs a licence key when xlwings is imported. "noncommercial" is the key of
# xlwings' PolyForm Noncommercial licence, which permits use by government institutions (the users of this tool).
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

SOFFICE_TIMEOUT = 120  # seconds; the first start with a fresh profile is the slow one

Convert = Callable[[Path, str, Path], Path]
ConvertAll = Callable[[list[Path], str, Path], list[Path]]


def _tool(*names: str) -> str:
    """The path of the first installed program of `names`; skips the test when none is, fails on CI."""
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    message = f"{names[0]} is not installed"
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI must have it")
    pytest.skip(message)


@pytest.fixture(scope="session")
def soffice() -> str:
    """LibreOffice's command-line program."""
    return _tool("soffice", "libreoffice")


@pytest.fixture(scope="session")
def pdftotext() -> str:
    """poppler's PDF-to-text program."""
    return _tool("pdftotext")


@pytest.fixture(scope="session")
def convert_all(soffice: str, tmp_path_factory: pytest.TempPathFactory) -> ConvertAll:
    """`convert_all(paths, fmt, outdir)` → the converted files, with one LibreOffice start for all of them.

    Converting to "xlsx" recalculates every formula. A private LibreOffice profile keeps tests apart from (and
    unblocked by) a user's running LibreOffice.
    """
    profile = tmp_path_factory.mktemp("lo-profile").as_uri()

    def run(paths: list[Path], fmt: str, outdir: Path) -> list[Path]:
        outs = [outdir / f"{path.stem}.{fmt.split(':')[0]}" for path in paths]
        for out in outs:
            out.unlink(missing_ok=True)
        command = [soffice, f"-env:UserInstallation={profile}", "--headless"]
        command += ["--convert-to", fmt, "--outdir", str(outdir), *map(str, paths)]
        timeout = SOFFICE_TIMEOUT + 10 * len(paths)
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        # soffice may exit 0 without writing anything, so the output files are the real test.
        missing = [str(p) for p, out in zip(paths, outs) if not out.exists()]
        if missing:
            raise AssertionError(f"soffice did not convert {missing} to {fmt}:\n{result.stdout}\n{result.stderr}")
        return outs

    return run


@pytest.fixture(scope="session")
def convert(convert_all: ConvertAll) -> Convert:
    """`convert(path, fmt, outdir)` → the converted file, e.g. fmt "pdf" or "png"."""
    return lambda path, fmt, outdir: convert_all([path], fmt, outdir)[0]


@pytest.fixture(scope="session")
def balanced_of(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Template], Path]:
    """`balanced_of(template)`: its generated blank workbook filled with its balanced example (every rule passes)."""
    from validator.forms.sample import balanced_values, fill_workbook
    from validator.forms.workbook import write_blank

    made: dict[str, Path] = {}

    def make(template: Template) -> Path:
        if template.id not in made:
            folder = tmp_path_factory.mktemp("balanced")
            write_blank(template, folder / "blank.xlsx")
            fill_workbook(folder / "blank.xlsx", folder / "balanced.xlsx", balanced_values(template), template)
            made[template.id] = folder / "balanced.xlsx"
        return made[template.id]

    return make


@pytest.fixture(scope="session")
def balanced_workbook(balanced_of: Callable[[Template], Path]) -> Path:
    """The current format's blank workbook filled with its balanced example report."""
    from validator.spec import default_template

    return balanced_of(default_template())


@pytest.fixture(scope="session")
def browser():
    """Debian's headless chromium driven by selenium, with the network switched off and the console log kept."""
    from selenium import webdriver

    chromium, chromedriver = _tool("chromium", "chromium-browser"), _tool("chromedriver")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=chromedriver))
    driver.execute_cdp_cmd("Network.enable", {})
    offline = {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0}
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", offline)
    yield driver
    driver.quit()
