"""`make demo`: generate the blank template, fill a realistic report with two mistakes, and check it."""

from __future__ import annotations

from pathlib import Path

from validator.cli import main as cli
from validator.forms.sample import balanced_values, fill_workbook
from validator.forms.workbook import write_blank
from validator.spec import default_template

DEMO_DIR = Path("build/demo")
# Two deliberate mistakes: a typo in a 表三 requester count, and "/" typed instead of 0 in 表四.
MISTAKES = {"t3.disclosed.business": 40, "t4.cases.direct.corrected": "/"}


def main() -> int:
    template = default_template()
    DEMO_DIR.mkdir(parents=True, exist_ok=True)
    blank = DEMO_DIR / "政府信息公开工作年度报告-空白模板.xlsx"
    report = DEMO_DIR / "示例-某县人民政府办公室-2025年度报告.xlsx"
    write_blank(template, blank)
    print(f"1. 已生成空白官方模板：{blank}")
    fill_workbook(blank, report, balanced_values(template) | MISTAKES, template)
    print(f"2. 已填写示例报告（故意留了两处错误）：{report}")
    print("3. 校验结果：\n")
    return cli(["check", str(report)])


if __name__ == "__main__":
    main()  # the demo shows findings on purpose: its exit code is not a failure
