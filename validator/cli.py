"""The `nianbao` command line: check, template, rules, clear. Messages are Chinese; exit codes are documented."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from validator.findings import SEVERITY_ZH, FileReport, Finding
from validator.spec import default_template

EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE, EXIT_USAGE, EXIT_WRITE = 0, 1, 2, 3, 4


# argparse's own error texts are English; these are the ones users can trigger.
_ARGPARSE_ZH = (
    (r"the following arguments are required: (.*)", r"缺少参数 \1"),
    (r"unrecognized arguments: (.*)", r"无法识别的参数 \1"),
    (r"argument (\S+): invalid choice: (\S+) \(choose from (.*)\)", r"参数 \1 的取值 \2 无效，可选：\3"),
    (r"argument (\S+): expected one argument", r"参数 \1 后面需要一个值"),
    (r"argument (\S+): not allowed with argument (\S+)", r"参数 \1 不能与 \2 同时使用"),
    (r"one of the arguments (.*) is required", r"必须指定 \1 之一"),
)


class _Parser(argparse.ArgumentParser):
    """argparse with Chinese headings and a usage-error exit code of its own."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, add_help=False, formatter_class=_Formatter, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def error(self, message: str) -> None:
        for pattern, chinese in _ARGPARSE_ZH:
            message = re.sub(pattern, chinese, message)
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"命令用法有误：{message}。运行 nianbao -h 查看用法。\n")


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        super().add_usage(usage, actions, groups, prefix="用法：" if prefix is None else prefix)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="nianbao", description="政府信息公开工作年度报告模板校验")
    sub = parser.add_subparsers(dest="command", title="命令", metavar="命令", parser_class=_Parser, required=True)
    check = sub.add_parser(
        "check", help="校验工作簿，生成标注副本", description="校验一个或多个年报工作簿（.xlsx/.xlsm）"
    )
    check.add_argument("files", nargs="+", metavar="文件", help="要校验的工作簿，或包含工作簿的文件夹")
    check.add_argument(
        "--format", choices=("table", "json"), default="table", help="输出格式：table（表格，默认）或 json"
    )
    output = check.add_mutually_exclusive_group()
    output.add_argument("--out", metavar="目录", type=Path, help="标注副本写到该目录（默认与原文件同目录）")
    output.add_argument("--in-place", action="store_true", help="直接在原文件中标注（先保留 <文件名>.bak.xlsx）")
    output.add_argument("--no-annotate", action="store_true", help="只校验，不生成标注副本")
    template = sub.add_parser("template", help="生成空白官方模板", description="生成2021年格式的空白官方模板")
    out = template.add_mutually_exclusive_group(required=True)
    out.add_argument("-o", "--output", metavar="路径", type=Path, help="模板保存路径（.xlsx）")
    out.add_argument("--layout", action="store_true", help="以 JSON 输出每个填报单元格的位置和官方标签")
    rules = sub.add_parser("rules", help="列出全部校验规则", description="列出全部校验规则")
    rules.add_argument("--markdown", action="store_true", help="输出 Markdown（即 docs/rules.md 的内容）")
    clear = sub.add_parser(
        "clear", help="清除标注，恢复原样", description="清除工作簿中的校验标注，恢复原来的填充和批注"
    )
    clear.add_argument("files", nargs="+", metavar="文件", help="已标注的工作簿")
    return parser


def _number(value: object) -> object:
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    return value


def _finding_json(f: Finding) -> dict:
    return {
        "rule": f.rule,
        "severity": f.severity,
        "message": f.message,
        "cell": f.cell.ref if f.cell else None,
        "cells": [c.ref for c in f.cells],
        "expected": _number(f.expected),
        "actual": _number(f.actual),
    }


def _report_json(r: FileReport) -> dict:
    doc: dict = {"file": r.path, "template": r.template, "status": r.status}
    if r.error:
        doc["error"] = r.error
    doc |= {"counts": r.counts, "annotated": r.annotated, "notices": r.notices}
    doc["findings"] = [_finding_json(f) for f in r.sorted_findings()]
    return doc


def _print_table(reports: Sequence[FileReport]) -> None:
    """A Chinese table per file. Paths, messages and cell text are passed as Text, never parsed as rich markup."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False)
    style = {"error": "red", "warning": "yellow", "info": "cyan"}
    for r in reports:
        if r.error:
            console.print(Text.assemble(("无法校验", "bold red"), f"：{r.path}\n  {r.error}"))
            continue
        c = r.counts
        console.print(
            Text.assemble((r.path, "bold"), f"：错误 {c['error']} 处，警告 {c['warning']} 处，提示 {c['info']} 处")
        )
        if r.findings:
            table = Table(show_lines=False, expand=True)
            for name, kw in (
                ("级别", {"no_wrap": True}),
                ("规则", {"no_wrap": True}),
                ("位置", {"no_wrap": True}),
                ("说明", {"ratio": 1, "overflow": "fold"}),
            ):
                table.add_column(name, **kw)
            for f in r.sorted_findings():
                where = f.cell.ref if f.cell else "整个工作簿"
                table.add_row(Text(SEVERITY_ZH[f.severity], style[f.severity]), f.rule, Text(where), Text(f.message))
            console.print(table)
        for notice in r.notices:
            console.print(Text.assemble(("注意", "yellow"), f"：{notice}"))
        if r.annotated:
            console.print(Text(f"标注副本：{r.annotated}"))


def _annotate(reports: Sequence[FileReport], out_dirs: Sequence[Path | None], in_place: bool) -> bool:
    """Write annotated copies; returns False when any could not be written (the reason goes into notices)."""
    from validator.sources.grid import ReadError
    from validator.writeback import write_annotated

    ok = True
    for r, out in zip(reports, out_dirs):
        if r.error:
            continue
        try:
            write_annotated(Path(r.path), r, out, in_place)
        except ReadError as exc:  # readable for checking, but openpyxl cannot open it for writing
            ok = False
            r.notices.append(f"无法生成标注副本：{exc.message}")
        except OSError as exc:
            ok = False
            r.notices.append(
                f"无法写入标注副本（{exc.strerror or exc}）。如文件正在 Excel 中打开，请关闭后重试，或用 --out 指定其他目录。"
            )
    return ok


def _check(args: argparse.Namespace) -> int:
    from validator.files import check_files, workbook_paths

    if args.out:
        try:
            args.out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            print(
                f"无法创建目录 {args.out}（{exc.strerror or exc}）。请用 --out 指定一个可写入的目录。", file=sys.stderr
            )
            return EXIT_WRITE
    inputs = workbook_paths(args.files)
    reports = check_files([path for path, _ in inputs])
    out_dirs = [args.out / folder if args.out else None for _, folder in inputs]
    written = True if args.no_annotate else _annotate(reports, out_dirs, args.in_place)
    if args.format == "json":
        print(json.dumps({"results": [_report_json(r) for r in reports]}, ensure_ascii=False, indent=2))
    else:
        _print_table(reports)
    if any(r.error for r in reports):
        return EXIT_UNREADABLE
    if not written:
        return EXIT_WRITE
    return EXIT_FINDINGS if any(r.counts["error"] for r in reports) else EXIT_OK


def _template(args: argparse.Namespace) -> int:
    template = default_template()
    if args.layout:
        from validator.layout import layout_document

        print(json.dumps(layout_document(template), ensure_ascii=False, indent=2))
        return EXIT_OK
    from validator.forms import write_blank

    try:
        write_blank(template, args.output)
    except OSError as exc:
        print(f"无法写入 {args.output}（{exc.strerror or exc}）。请检查目录是否存在、是否有写入权限。", file=sys.stderr)
        return EXIT_WRITE
    print(f"已生成空白模板：{args.output}")
    return EXIT_OK


def _rules(args: argparse.Namespace) -> int:
    from validator.reference import rules_markdown
    from validator.rules.registry import all_rules

    template = default_template()
    if args.markdown:
        print(rules_markdown(template))
        return EXIT_OK
    for r in all_rules(template).values():
        print(f"{r.code}  {SEVERITY_ZH[r.severity]}  {r.family}  {r.summary}")
    return EXIT_OK


def _clear(args: argparse.Namespace) -> int:
    from validator.sources.grid import ReadError
    from validator.writeback import clear_file

    code = EXIT_OK
    for name in args.files:
        path = Path(name)
        try:
            changed = clear_file(path)
        except ReadError as exc:
            print(f"无法处理 {path}：{exc.message}", file=sys.stderr)
            code = EXIT_UNREADABLE
            continue
        except OSError as exc:
            print(f"无法写入 {path}（{exc.strerror or exc}）。如文件正在 Excel 中打开，请关闭后重试。", file=sys.stderr)
            code = max(code, EXIT_WRITE)
            continue
        print(f"{path}：{'已清除校验标注，恢复了原来的填充和批注' if changed else '没有校验标注，未作改动'}")
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `nianbao`; returns the exit code."""
    args = _parser().parse_args(argv)
    handlers = {"check": _check, "template": _template, "rules": _rules, "clear": _clear}
    try:
        return handlers[args.command](args)
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like, which stopped reading
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so that the exit flush does not fail too
        return 141
