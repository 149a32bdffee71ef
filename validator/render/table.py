"""Reports and the template list as Chinese tables in the terminal (rich); cell text is never parsed as rich markup."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from validator.findings import NO_COPY, SEVERITY_ZH, Copy, FileReport
from validator.spec.model import Template

_STYLE = {"error": "red", "warning": "yellow", "info": "cyan"}
_COLUMNS = (
    ("级别", {"no_wrap": True}),
    ("规则", {"no_wrap": True}),
    ("位置", {"no_wrap": True}),
    ("说明", {"ratio": 1, "overflow": "fold"}),
)


def print_reports(reports: Sequence[FileReport], copies: Mapping[str, Copy] | None = None) -> None:
    """A heading and a table of findings per file; annotated copies are looked up by report path."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    copies = copies or {}
    console = Console(highlight=False)
    for r in reports:
        if r.error:
            title = "内部错误" if r.status == "error" else "无法校验"
            console.print(Text.assemble((title, "bold red"), f"：{r.path}\n  {r.error}"))
            continue
        c = r.counts
        console.print(
            Text.assemble((r.path, "bold"), f"：错误 {c['error']} 处，警告 {c['warning']} 处，提示 {c['info']} 处")
        )
        for line in r.localisation.summary():
            console.print(Text(line))
        if r.findings:
            table = Table(show_lines=False, expand=True)
            for name, kw in _COLUMNS:
                table.add_column(name, **kw)
            for f in r.sorted_findings():
                where = f.cell.ref if f.cell else "整个工作簿"
                table.add_row(Text(SEVERITY_ZH[f.severity], _STYLE[f.severity]), f.rule, Text(where), Text(f.message))
            console.print(table)
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
