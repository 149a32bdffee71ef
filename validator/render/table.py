"""Reports and the template list as Chinese tables in the terminal (rich); cell text is never parsed as rich markup."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from validator.findings import NO_COPY, Copy, FileReport, counts_line, severity_text, told
from validator.spec.model import Template

_STYLE = {"error": "red", "warning": "yellow", "info": "cyan"}
PIPED_WIDTH = 120  # columns of the findings tables when the output is not a terminal
_COLUMNS = (
    ("级别", {"no_wrap": True}),
    ("规则", {"no_wrap": True}),
    ("位置", {"max_width": 32, "overflow": "fold"}),  # a place in a document is longer than a cell address
    ("说明", {"ratio": 1, "overflow": "fold"}),
)


def print_reports(reports: Sequence[FileReport], copies: Mapping[str, Copy] | None = None) -> None:
    """A heading and a table of findings per file; annotated copies are looked up by report path."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    copies = copies or {}
    console = Console(highlight=False)
    if not console.is_terminal:  # a log or a pipe: sentences stay whole lines, tables get room for their text
        console.soft_wrap = True
        if "COLUMNS" not in os.environ:  # as rich itself, a width the user sets wins
            console.width = PIPED_WIDTH
    for r in reports:
        if r.error:
            title = "内部错误" if r.status == "error" else "无法校验"
            console.print(Text.assemble((title, "bold red"), f"：{r.path}\n  {r.error}"))
            continue
        console.print(Text.assemble((r.path, "bold"), f"：{counts_line(r)}"))
        for line in r.correction_lines():
            console.print(Text(r.in_words(line)))
        if r.findings:
            table = Table(show_lines=False, expand=True)
            for name, kw in _COLUMNS:
                table.add_column(name, **kw)
            for f in r.sorted_findings():
                where = r.where(f)
                said = f"（单位说明：{f.explanation}）" if f.explanation else ""
                message = Text(told(f) + said)
                table.add_row(Text(severity_text(f), _STYLE[f.severity]), f.rule, Text(where), message)
            console.print(table)
        for e in r.resolved:
            console.print(Text(f"已改正：{e.rule} {e.place}（单位说明「{e.text}」不再需要）"))
        copy = copies.get(r.path, NO_COPY)
        for notice in (*r.notices, *copy.notices):
            console.print(Text.assemble(("注意", "yellow"), f"：{notice}"))
        if copy.annotated is not None:
            console.print(Text(f"标注副本：{copy.annotated}"))


def templates_text(templates: Sequence[Template], default: Template) -> str:
    """The templates the tool provides, one block each (id, format, version, title, basis, report years)."""
    lines = []
    for t in templates:
        lines += [
            f"{t.id}{'（默认）' if t is default else ''}",
            f"  {t.name}，版本 {t.version}：{t.title}",
            f"  格式依据：{t.basis}；适用于{t.years}的报告",
        ]
    lines.append("校验时未指定 --template 的，按工作簿中的模板编号、各格式特有的栏目和报告年度自动识别格式。")
    return "\n".join(lines)
