"""Time to read a published report per format, beside the bare parse by the library it uses (one run, ratios).

Usage: python benchmarks/import.py FILE.html FILE.docx FILE.pdf …  (e.g. the renderings tests/test_import.py builds)
"""

from __future__ import annotations

import io
import sys
import time
import zipfile
from pathlib import Path

from validator.sources.formats import read_document
from validator.sources.limits import Limits
from validator.sources.sniff import file_format


def _bare(data: bytes, fmt: str) -> None:
    if fmt == "html":
        import lxml.html

        lxml.html.document_fromstring(data)
    elif fmt == "docx":
        import defusedxml.ElementTree as et

        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            et.fromstring(zf.read("word/document.xml"))
    else:
        import pdfplumber

        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                page.find_tables()


def _best(fn, *args, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - start)
    return min(times)


def main(paths: list[str]) -> None:
    limits = Limits.from_env()
    for path in map(Path, paths):
        data = path.read_bytes()
        fmt = file_format(data)
        ours = _best(read_document, data, fmt, limits)
        bare = _best(_bare, data, fmt)
        pages = ""
        if fmt == "pdf":
            import pdfplumber

            with pdfplumber.open(io.BytesIO(data)) as pdf:
                pages = f"，{len(pdf.pages)} 页，每页 {ours * 1000 / len(pdf.pages):.0f} ms"
        print(
            f"{path.name}\t{fmt}\t导入 {ours * 1000:.1f} ms\t库本身 {bare * 1000:.1f} ms\t比值 {ours / bare:.2f}{pages}"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
