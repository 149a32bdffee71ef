"""A generated set of submissions with known defects, for the batch tests: this year's folder, a zip, last year's."""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from builders import LAYOUT, TEMPLATE, build

from validator.cellref import coordinate
from validator.forms.sample import balanced_values, valid_credit_code

HOSTILE = '=HYPERLINK("http://x","y")<script>alert(1)</script>'
T3 = TEMPLATE.tables["t3"]
COLUMNS = [c.key for c in T3.column_leaves]


def agency(name: str, code17: str, **changes: object) -> dict[str, object]:
    """The balanced example report of another agency, with `changes` (layout key → value)."""
    return balanced_values(TEMPLATE) | {"agency_name": name, "credit_code": valid_credit_code(code17)} | changes


def carried_in_equal_out(values: dict[str, object]) -> dict[str, object]:
    """The same report with 二、上年结转 equal to 四、结转下年度 (still balanced: 一、本年新收 = （七）总计)."""
    out = dict(values)
    for col in COLUMNS:
        out[T3.cell_key("carried_in", col)] = values[T3.cell_key("carried_out", col)]
        out[T3.cell_key("new", col)] = values[T3.cell_key("outcome_total", col)]
    return out


@dataclass
class Expected:
    """What the batch must report: (file, rule, cell) of every finding beyond the engine's own, and more."""

    across: set[tuple[str, str, str]] = field(default_factory=set)
    unreadable: set[str] = field(default_factory=set)
    missing: set[str] = field(default_factory=set)  # last year's agency names without a report this year
    values: dict[str, dict[str, object]] = field(default_factory=dict)  # what each report that passes holds
    superseded: set[str] = field(default_factory=set)  # passes, but its agency's later report is summed instead
    sources: dict[str, Path] = field(default_factory=dict)  # the workbook behind each name (a zip entry's original)
    skipped: set[str] = field(default_factory=set)


def make_set(root: Path) -> tuple[Path, Path, Expected]:
    """Write this year's submissions (a folder holding a zip) and last year's; returns both folders and what to expect."""
    now, last, exp = root / "本年", root / "上年", Expected()
    (now / "县直").mkdir(parents=True)
    last.mkdir()
    # 甲: this year's 上年结转 differs from last year's 结转下年度 in the 自然人 column (and so in 总计); 表三 moved
    jia = agency("某县甲局", "11330521MB0000001")
    build(now / "县直" / "甲局.xlsx", jia, move={"表三": (2, 1)})
    carried = {T3.cell_key("carried_out", c): jia[T3.cell_key("carried_in", c)] for c in COLUMNS}
    natural, total = (T3.cell_key("carried_out", c) for c in ("natural", "total"))
    changed = {natural: carried[natural] + 3, total: carried[total] + 3, "report_year": 2024}
    build(last / "甲局2024.xlsx", jia | carried | changed)
    for col in ("natural", "total"):
        slot = next(s for s in LAYOUT[3].slots if s.key == T3.cell_key("carried_in", col))
        exp.across.add(("本年/县直/甲局.xlsx", "XY01", f"表三!{coordinate(slot.row + 2, slot.col + 1)}"))
    # 乙: last year's tables resubmitted unchanged
    yi = carried_in_equal_out(agency("某县乙局", "11330521MB0000002"))
    build(now / "县直" / "乙局.xlsx", yi)
    build(last / "乙局2024.xlsx", yi | {"report_year": 2024})
    exp.across.add(("本年/县直/乙局.xlsx", "XY02", ""))
    # 丙: reported last year only
    build(last / "丙局2024.xlsx", agency("某县丙局", "11330521MB0000003", report_year=2024))
    exp.missing.add("某县丙局")
    # 丁: a hostile name and an unbalanced 表三; its identical twin submitted again under another name
    ding = agency(HOSTILE, "11330521MB0000004", **{T3.cell_key("new", "natural"): 99})
    build(now / "丁.xlsx", ding)
    shutil.copy(now / "丁.xlsx", now / "县直" / "丁（重报）.xlsx")
    for name in ("本年/丁.xlsx", "本年/县直/丁（重报）.xlsx"):
        exp.across.add((name, "XY04", ""))
    # 戊: two different reports of the same agency (same name and credit code)
    wu = agency("某县戊局", "11330521MB0000005")
    build(now / "戊局.xlsx", wu)
    build(now / "戊局-修改.xlsx", wu | {"contact": "李四"})  # 通过: warnings only
    for name in ("本年/戊局.xlsx", "本年/戊局-修改.xlsx"):
        exp.across.add((name, "XY03", ""))
    exp.superseded.add("本年/戊局-修改.xlsx")  # 本年/戊局.xlsx comes after it in the batch's order
    # 己 (clean) inside a zip made by Windows: GBK entry names without the UTF-8 flag; an unsafe and a lock entry
    ji = agency("某县己局", "11330521MB0000006")
    build(root / "己局.xlsx", ji)
    gbk = "乡镇/己局.xlsx".encode("gbk")
    placeholder = b"#" * (len(gbk) - 5) + b".xlsx"  # zipfile writes non-ASCII names as UTF-8 with the flag set
    with zipfile.ZipFile(now / "乡镇.zip", "w") as zf:
        zf.writestr(placeholder.decode(), (root / "己局.xlsx").read_bytes())
        zf.writestr("../逃逸.xlsx", b"x")
        zf.writestr("乡镇/~$己局.xlsx", b"x")
    archive = now / "乡镇.zip"
    archive.write_bytes(archive.read_bytes().replace(placeholder, gbk))  # the name, as Windows writes it
    exp.skipped |= {"本年/乡镇.zip/../逃逸.xlsx", "本年/乡镇.zip/乡镇/~$己局.xlsx"}
    # unreadable: not a workbook at all, and a legacy .xls
    (now / "损坏.xlsx").write_bytes(b"not a workbook")
    (now / "旧版.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    exp.unreadable |= {"本年/损坏.xlsx", "本年/旧版.xls"}
    (now / "说明.txt").write_text("报送说明", encoding="utf-8")
    exp.skipped.add("本年/说明.txt")
    for path in now.rglob("*.xlsx"):
        exp.sources[f"本年/{path.relative_to(now).as_posix()}"] = path
    exp.sources["本年/乡镇.zip/乡镇/己局.xlsx"] = root / "己局.xlsx"
    exp.values = {  # the reports without errors (warnings allowed), summed in 全区合计
        "本年/县直/乙局.xlsx": yi,
        "本年/戊局.xlsx": wu,
        "本年/戊局-修改.xlsx": wu | {"contact": "李四"},
        "本年/乡镇.zip/乡镇/己局.xlsx": ji,
    }
    return now, last, exp
