"""Render the screenshots of docs/excel.md from real generated files: LibreOffice → PDF → PNG (pdftoppm).

Run from the repository root: .venv/bin/python docs/img/render.py  (needs soffice and pdftoppm)
"""

from __future__ import annotations

import re
import subprocess
import tempfile
import zipfile
from pathlib import Path

from openpyxl import load_workbook
from PIL import Image, ImageOps

from validator.buttons.xlsm import write_xlsm
from validator.forms.sample import balanced_values, fill_workbook
from validator.forms.workbook import write_blank
from validator.spec import default_template

OUT = Path(__file__).parent
DPI = 110


def _pdf_png(path: Path, name: str) -> None:
    """Convert with LibreOffice (which recalculates the live checks), render page 1, crop the margins."""
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(path.parent), str(path)], check=True,
                   capture_output=True)  # fmt: skip
    prefix = path.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(DPI), "-f", "1", "-l", "1", str(prefix) + ".pdf", str(prefix)], check=True
    )
    image = Image.open(f"{prefix}-1.png").convert("RGB")
    box = ImageOps.invert(image).getbbox()
    image.crop((box[0] - 8, box[1] - 8, box[2] + 8, box[3] + 8)).save(OUT / name, optimize=True)


def _only(path: Path, sheet: str, area: str) -> None:
    """Keep one sheet and print `area` of it, so that the status cell right of the form is on the page."""
    wb = load_workbook(path)
    for other in [n for n in wb.sheetnames if n != sheet]:
        wb.remove(wb[other])
    wb[sheet].print_area = area
    wb.save(path)


def main() -> None:
    template = default_template()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_blank(template, folder / "blank.xlsx")
        values = balanced_values(template)
        wrong = values | {"t3.new.nonprofit": values["t3.new.nonprofit"] + 5}
        fill_workbook(folder / "blank.xlsx", folder / "live.xlsx", wrong, template)
        _only(folder / "live.xlsx", "表三", "A1:T29")
        _pdf_png(folder / "live.xlsx", "live-check.png")
        # The buttons: the cover of the .xlsm, with the buttons printed and the print area widened for the picture.
        write_xlsm(template, folder / "buttons.xlsm")
        with zipfile.ZipFile(folder / "buttons.xlsm") as src, zipfile.ZipFile(folder / "cover.xlsm", "w") as dst:
            for name in src.namelist():
                data = src.read(name)
                if name.endswith(".vml"):
                    data = data.replace(b"<x:PrintObject>False", b"<x:PrintObject>True")
                if name == "xl/workbook.xml":
                    data = re.sub(rb"\$A\$1:\$B\$8", b"$A$1:$H$8", data)
                dst.writestr(name, data)
        _pdf_png(folder / "cover.xlsm", "buttons.png")


if __name__ == "__main__":
    main()
