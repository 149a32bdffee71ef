"""Render the pictures of docs/rounds.md: one agency through three rounds of `nianbao batch`, from real outputs.

Run from the repository root: .venv/bin/python docs/img/rounds.py  (needs soffice and pdftoppm)
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from openpyxl import load_workbook
from render import _only, _pdf_png  # the same LibreOffice → PDF → PNG steps as docs/excel.md's pictures

from validator.cli import main as nianbao
from validator.forms.sample import balanced_values, fill_workbook, valid_credit_code
from validator.forms.workbook import write_blank
from validator.spec import default_template

NAME = "某县甲局"
WRONG = {"t3.new.natural": 99, "other_matters": "无", "t2_1.normative.current": 1}  # EQ01/EQ03, TX02, PL02
NOTES = {
    "TX02": "本单位本年度未收取信息处理费，正文“无”即指此项。",
    "PL02": "现行有效件数以清理后的目录为准。",
    "EQ01": "系统导出数据，经核实无误。",
    "EQ03": "系统导出数据，经核实无误。",
}


def _type(path: Path, sheet: str, key_column: str, values: dict[str, dict[str, str]]) -> None:
    """Fill cells of `sheet` as a user does: in the rows whose `key_column` holds a key of `values`."""
    wb = load_workbook(path)
    ws = wb[sheet]
    for row in ws.iter_rows():
        titles = {c.value: c.column for c in row if isinstance(c.value, str)}
        if key_column in titles and all(t in titles for v in values.values() for t in v):
            header = titles
            for below in ws.iter_rows(min_row=row[0].row + 1):
                wanted = values.get(below[header[key_column] - 1].value, {})
                for title, text in wanted.items():
                    ws.cell(below[0].row, header[title], text)
            break
    wb.save(path)


def _narrow(path: Path, sheet: str, hidden: tuple[str, ...], widths: dict[str, float]) -> None:
    """Hide columns and narrow others, so that the picture stays readable."""
    wb = load_workbook(path)
    ws = wb[sheet]
    for col in hidden:
        ws.column_dimensions[col].hidden = True
    for col, width in widths.items():
        ws.column_dimensions[col].width = width
    wb.save(path)


def _batch(root: Path, number: int, *options: str) -> Path:
    out = root / f"第{number}轮结果"
    nianbao(["batch", str(root / f"第{number}轮"), "--out", str(out), "--jobs", "1", *options])
    return out


def main() -> None:
    template = default_template()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for n in (1, 2, 3):
            (root / f"第{n}轮").mkdir()
        write_blank(template, root / "blank.xlsx")
        values = balanced_values(template) | {
            "agency_name": NAME,
            "credit_code": valid_credit_code("11330521MB0000001"),
        }
        fill_workbook(root / "blank.xlsx", root / "第1轮" / "甲局.xlsx", values | WRONG, template)
        out1 = _batch(root, 1)
        # The agency explains in its annotated copy (the 表三 error too) and sends it back under its own name.
        copy = out1 / "标注" / "第1轮" / "甲局.校验.xlsx"
        _type(copy, "校验结果", "规则", {rule: {"单位说明": text} for rule, text in NOTES.items()})
        shutil.copy(copy, root / "第2轮" / "甲局.xlsx")
        picture = root / "说明.xlsx"
        shutil.copy(copy, picture)
        _only(picture, "校验结果", "A1:G16")
        _pdf_png(picture, "rounds-explain.png")
        out2 = _batch(root, 2, "--since", str(out1))
        # The office accepts the explained error and sends the PL02 explanation back.
        decisions = {"EQ01": {"处理意见": "接受", "处理说明": "系统口径差异，同意"},
                     "EQ03": {"处理意见": "接受", "处理说明": "系统口径差异，同意"},
                     "PL02": {"处理意见": "退回", "处理说明": "请按实际件数填写"}}  # fmt: skip
        _type(out2 / "汇总.xlsx", "问题明细", "规则", decisions)
        picture = root / "意见.xlsx"
        shutil.copy(out2 / "汇总.xlsx", picture)
        _only(picture, "问题明细", "A1:O5")
        _narrow(picture, "问题明细", hidden=("A", "D", "I", "J", "N"), widths={"H": 36, "K": 24, "M": 16, "O": 18})
        _pdf_png(picture, "rounds-decide.png")
        # Round 3: the agency corrects PL02; the office runs with its decisions.
        fill_workbook(
            root / "blank.xlsx",
            root / "第3轮" / "甲局-终稿.xlsx",
            values | WRONG | {"t2_1.normative.current": 37},
            template,
        )
        third = load_workbook(root / "第3轮" / "甲局-终稿.xlsx")
        explained = load_workbook(copy)["校验结果"]
        sheet = third.create_sheet("校验结果")  # the agency copies its results sheet into the final version
        for row in explained.iter_rows():
            for c in row:
                sheet.cell(c.row, c.column, c.value)
        third.save(root / "第3轮" / "甲局-终稿.xlsx")
        out3 = _batch(root, 3, "--since", str(out2))
        picture = root / "变化.xlsx"
        shutil.copy(out3 / "汇总.xlsx", picture)
        _only(picture, "本轮变化", "A1:J2")
        _pdf_png(picture, "rounds-changes.png")


if __name__ == "__main__":
    sys.exit(main())
