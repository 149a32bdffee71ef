"""The `nianbao` command line: check, template, templates, rules, clear. Messages are Chinese; exit codes are documented."""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from validator.findings import SEVERITY_ZH, Copy, FileReport
from validator.spec import SpecError, Template, default_template, get_template, list_templates
from validator.text import in_use_hint, os_reason

EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE, EXIT_USAGE, EXIT_WRITE, EXIT_INTERNAL = 0, 1, 2, 3, 4, 5
_SERVER_URL = re.compile(r"^https?://[\x21-\x7e]{1,200}$")  # kept in a defined name: a formula constant, ASCII


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
        "check",
        help="校验工作簿或网页、Word、PDF 版年报，生成标注副本",
        description="校验一个或多个年报：报送的工作簿（.xlsx/.xlsm），或已发布的网页（.html/.htm，网页存档 .mht/.mhtml）、Word（.docx）、"
        "PDF 版年报（按文件内容识别格式）。网页、Word、PDF 的问题按原文的表格和行列指明位置，"
        "标注副本是转换为官方模板后再标注的工作簿。",
    )
    check.add_argument("files", nargs="+", metavar="文件", help="要校验的年报文件，或包含这些文件的文件夹")
    check.add_argument(
        "--format", choices=("table", "json"), default="table", help="输出格式：table（表格，默认）或 json"
    )
    check.add_argument(
        "--template",
        metavar="模板",
        help="按指定模板校验：模板编号（见 nianbao templates）或模板规格文件路径；默认按每个工作簿自动识别",
    )
    _decisions_option(check)
    output = check.add_mutually_exclusive_group()
    output.add_argument("--out", metavar="目录", type=Path, help="标注副本写到该目录（默认与原文件同目录）")
    output.add_argument(
        "--in-place",
        action="store_true",
        help="直接在原工作簿中标注（先保留 <文件名>.bak.xlsx）；网页、Word、PDF 不改动原文件，仍写出副本",
    )
    output.add_argument("--no-annotate", action="store_true", help="只校验，不生成标注副本")
    _batch_parser(sub)
    _serve_parser(sub)
    template = sub.add_parser(
        "template",
        help="生成空白官方模板",
        description="生成空白官方模板（默认为现行格式；可用 --template 指定其他格式，见 nianbao templates）",
    )
    template.add_argument("--template", metavar="模板", help="模板编号（见 nianbao templates）或模板规格文件路径")
    out = template.add_mutually_exclusive_group(required=True)
    out.add_argument("-o", "--output", metavar="路径", type=Path, help="模板保存路径（.xlsx）")
    out.add_argument("--layout", action="store_true", help="以 JSON 输出每个填报单元格的位置和官方标签")
    template.add_argument(
        "--xlsm", action="store_true", help="生成带「校验」「清除标记」按钮的启用宏模板（与 -o 一起使用，扩展名 .xlsm）"
    )
    template.add_argument(
        "--server",
        metavar="地址",
        help="与 --xlsm 一起使用：按钮把工作簿发送到该校验服务器（nianbao serve）校验，电脑上无需安装 Python，"
        "如 http://10.0.0.5:8421",
    )
    imports = sub.add_parser(
        "import",
        help="把网页、Word、PDF 版年报转换为官方模板工作簿",
        description="把已发布的年报（网页、Word、PDF，或按发布样式排在一张表上的工作簿）按原样写入所属格式的官方空白模板",
    )
    imports.add_argument("files", nargs="+", metavar="文件", help="要转换的年报文件，或包含这些文件的文件夹")
    imports.add_argument(
        "-o", "--output", metavar="目录或文件", type=Path, required=True,
        help="转换结果保存到该目录（每份年报一个 <文件名>.xlsx）；只转换一个文件时也可以是 .xlsx 文件路径",
    )  # fmt: skip
    imports.add_argument("--template", metavar="模板", help="按指定模板转换；默认按每份年报自动识别格式")
    sub.add_parser("templates", help="列出可用的模板", description="列出本工具提供的模板（格式版本）")
    rules = sub.add_parser("rules", help="列出全部校验规则", description="列出全部校验规则")
    rules.add_argument(
        "--template", metavar="模板", help="只列出该模板的规则（模板编号或规格文件路径）；默认为现行格式"
    )
    rules.add_argument(
        "--markdown",
        action="store_true",
        help="输出 Markdown；不指定 --template 时为全部模板（即 docs/rules.md 的内容）",
    )
    excel = sub.add_parser("excel", help="在 Excel 中校验：生成加载项", description="在 Excel 中使用校验按钮")
    excel_sub = excel.add_subparsers(
        dest="excel_command", title="命令", metavar="命令", parser_class=_Parser, required=True
    )
    addin = excel_sub.add_parser(
        "addin",
        help="生成「年报校验」功能区加载项",
        description="生成带「年报校验」选项卡的 Excel 加载项（年报校验.xlam）",
    )
    addin.add_argument("-o", "--output", metavar="目录", type=Path, required=True, help="加载项保存到该目录")
    addin.set_defaults(excel_handler=_excel_addin)
    clear = sub.add_parser(
        "clear", help="清除标注，恢复原样", description="清除工作簿中的校验标注，恢复原来的填充和批注"
    )
    clear.add_argument("files", nargs="+", metavar="文件", help="已标注的工作簿")
    clear.add_argument(
        "--all", action="store_true", help="连同填写了单位说明的「校验结果」工作表一并删除（默认保留单位说明）"
    )
    simulate = excel_sub.add_parser(
        "simulate",
        help="模拟在 Excel 中点击「校验」：输出发现的问题和按钮将执行的操作（JSON）",
        description="在工作簿文件上模拟 Excel 中的「校验」（或 --clear：「清除标记」）按钮，输出 JSON："
        "findings 与 nianbao check --format json 相同，actions 为 xlwings 将在 Excel 中执行的操作",
    )
    simulate.add_argument("file", metavar="文件", type=Path, help="工作簿（.xlsx/.xlsm）")
    simulate.add_argument("--clear", action="store_true", help="模拟「清除标记」按钮")
    simulate.set_defaults(excel_handler=_excel_simulate)
    return parser


def _serve_parser(sub: argparse._SubParsersAction) -> None:
    from validator.server.run import add_arguments

    serve = sub.add_parser(
        "serve",
        help="运行局域网校验服务：Excel 按钮、上传页面和汇总看板",
        description="运行局域网校验服务（见 docs/server.md）：Excel 按钮经服务器校验、各单位在网页上传报告、"
        "管理员在 /office 查看全部提交。",
    )
    add_arguments(serve)


def _serve(args: argparse.Namespace) -> int:
    from validator.server.run import DataUnwritable, PortUnavailable, serve
    from validator.server.store import DatabaseUnusable

    try:
        return serve(args)
    except RuntimeError as exc:  # an optional dependency is missing; the message says what to install
        raise _UsageError(str(exc)) from exc
    except PortUnavailable as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    except DataUnwritable as exc:
        print(exc, file=sys.stderr)
        return EXIT_WRITE
    except DatabaseUnusable as exc:  # the database cannot be read: as a damaged file
        print(exc, file=sys.stderr)
        return EXIT_UNREADABLE


def _batch_parser(sub: argparse._SubParsersAction) -> None:
    batch = sub.add_parser(
        "batch",
        help="批量校验报送的年报，生成汇总表、网页报告和标注副本",
        description="批量校验文件、文件夹（含子文件夹）和 .zip 压缩包中的年报（工作簿，或网页、Word、PDF 版年报），"
        "结果写到 --out 目录："
        "汇总.xlsx、report.html、results.jsonl、results.csv 和 标注/ 中的标注副本。"
        "再次运行同一命令时，内容未变的文件不再重复校验。",
    )
    batch.add_argument(
        "inputs", nargs="+", metavar="输入", help="年报文件（工作簿、网页、Word、PDF）、文件夹或 .zip 压缩包"
    )
    batch.add_argument("--out", metavar="目录", type=Path, required=True, help="结果目录（不存在时自动创建）")
    batch.add_argument("--no-annotate", action="store_true", help="不生成标注副本")
    batch.add_argument("--jobs", metavar="N", type=int, default=0, help="同时校验的进程数（默认：全部 CPU 核）")
    batch.add_argument(
        "--timeout", metavar="秒", type=float, default=60.0, help="单个文件的校验时限，超时按无法读取处理（默认 60）"
    )
    batch.add_argument(
        "--previous",
        metavar="上年",
        action="append",
        default=[],
        help="上一年度的报告（工作簿、文件夹、.zip 或上年的 results.jsonl），用于跨年度核对；可多次指定",
    )
    batch.add_argument("--template", metavar="模板", help="按指定模板校验（默认按每个工作簿自动识别）")
    _decisions_option(batch)
    batch.add_argument(
        "--since",
        metavar="上一轮",
        type=Path,
        help="上一轮的结果目录（或其中的 results.jsonl、汇总.xlsx）：每个单位与其此前最后一次报送（上一轮未报送的，为更早的一轮）比较，"
        "按单位列出已改正、新出现、仍存在、已说明、已接受的问题，以及此前报送过、本轮未报送的单位；"
        "并沿用该目录 汇总.xlsx 中填写的处理意见（不必另加 --decisions）",
    )
    batch.add_argument(
        "--scheduler",
        metavar="tcp://主机:端口",
        help="在 dask.distributed 集群上校验（见 docs/cluster.md）；默认使用本机的全部 CPU 核",
    )
    batch.add_argument(
        "--send-files",
        action="store_true",
        help="与 --scheduler 同用：集群各机器不共享本机的文件夹时，把工作簿内容发送过去、标注副本传回本机",
    )


def _decisions_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--decisions",
        metavar="文件",
        type=Path,
        help="审核单位的处理意见：上一轮的 汇总.xlsx（问题明细的「处理意见」列），或 .yaml/.csv 文件；"
        "接受的问题标为「已接受」，不再计入",
    )


def _load_decisions(args: argparse.Namespace) -> tuple:
    """The decisions of --decisions (none without it); a file that cannot be used is a usage error."""
    if not args.decisions:
        return ()
    from validator.rounds.decide import DecisionError
    from validator.rounds.load import load_decisions

    try:
        return tuple(load_decisions(args.decisions))
    except DecisionError as exc:
        raise _UnusableInput(str(exc)) from exc


@dataclass
class _Outputs:
    """What writing annotated copies produced, by report path, and whether every copy could be written."""

    copies: dict[str, Copy] = field(default_factory=dict)
    ok: bool = True


def _annotate(reports: Sequence[FileReport], names: Sequence[str], out: Path | None, in_place: bool) -> _Outputs:
    """Write annotated copies, under `out` named after `names` (batch.inputs.named_reports), else beside each file;
    a copy that cannot be written is explained in its file's notices."""
    from validator.batch.copies import write_copy

    done = _Outputs()
    for r, name in zip(reports, names):
        if r.error:
            continue
        folder = out / PurePosixPath(name).parent if out else None
        written = write_copy(Path(r.path), r, folder, in_place, name if out else None)
        if isinstance(written, str):
            done.ok = False
            done.copies[r.path] = Copy(notices=(written,))
        else:
            apart = (_NAMED_APART.format(copy=written.path.name),) if out and _renamed(r.path, name) else ()
            done.copies[r.path] = Copy(str(written.path), (*written.notices, *apart))
    return done


_NAMED_APART = (
    "另一个输入与本文件（或其所在的文件夹）同名，为免两份标注副本互相覆盖，本文件的标注副本命名为「{copy}」。"
)


def _renamed(path: str, name: str) -> bool:
    """Whether the name a file's copy is named after was made apart from another input's (年报~2.xlsx, 年报~2/…)."""
    return any(
        part.casefold() != given.casefold()
        for part, given in zip(reversed(PurePosixPath(name).parts), reversed(Path(path).parts))
    )


def _named_template(args: argparse.Namespace) -> Template:
    """The template named by --template, else the current official format."""
    return _chosen_template(args) or default_template()


def _chosen_template(args: argparse.Namespace) -> Template | None:
    """The template named by --template, or None to detect it per workbook; a bad spec is a usage error."""
    if not getattr(args, "template", None):
        return None
    try:
        return get_template(args.template)
    except SpecError as exc:
        raise _UnusableInput(f"模板规格有误：{exc}。请修正该规格文件，或用 nianbao templates 查看可用的模板。") from exc


def _without_data_synthesis() -> None:
    """Keep pandera from importing hypothesis: pandera imports it on its first validation when it is installed (the
    dev extras install it), only to offer data synthesis, which checking never uses; ~0.3 s of CPU per process."""
    sys.modules.setdefault("hypothesis", None)  # importing it then fails, and pandera goes without


class _UsageError(Exception):
    """A command that cannot run as given; the message is Chinese."""

    prefix = "命令用法有误："


class _UnusableInput(_UsageError):
    """A file the command was given (a decisions file, a template spec) that cannot be used: the message says
    which and what to change."""

    prefix = ""


@contextlib.contextmanager
def _imports_uncollected(own_process: bool) -> Iterator[None]:
    """In the command's own process, import without garbage collection and freeze what the imports built.

    Imports build hundreds of thousands of objects that live until exit and leave next to no garbage; collecting
    while pandas and pandera load scans the growing heap again and again, and every later scan also writes to pages
    shared with the reading worker (forked at the first read) or a batch's workers, which the kernel must then copy
    (the collector alone took ~85 ms of a check, ~0.6 s of a batch of 2,000 workbooks).
    A program that calls main(argv) itself (tests, scripts) keeps its collector untouched.
    """
    if not own_process:
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def _check(args: argparse.Namespace) -> int:
    from validator.sources import guard

    guard.start()  # the reading worker imports its readers while this process imports the checking core
    with _imports_uncollected(args.own_process):
        from validator.batch.inputs import folder_skips, named_reports, skipped_notice
        from validator.engine import check_paths
        from validator.render.json import dumps, results_document
        from validator.render.table import print_reports

    template = _chosen_template(args)
    if args.out:
        try:
            args.out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            print(f"无法创建目录 {args.out}（{os_reason(exc)}）。请用 --out 指定一个可写入的目录。", file=sys.stderr)
            return EXIT_WRITE
    decisions = _load_decisions(args)
    inputs = named_reports(args.files)
    skipped = folder_skips(args.files)  # before the copies this run writes beside the reports
    reports = check_paths([path for path, _ in inputs], template)
    if decisions:
        from validator.rounds.decide import apply_decisions

        for report in reports:
            apply_decisions(report, decisions)
    names = [name for _, name in inputs]
    written = _Outputs() if args.no_annotate else _annotate(reports, names, args.out, args.in_place)
    if args.format == "json":
        print(dumps(results_document(reports, written.copies)))
    else:
        print_reports(reports, written.copies)
    if skipped:  # on stderr: the JSON on stdout stays whole
        print(skipped_notice(skipped), file=sys.stderr)
    return _exit_code([r.status for r in reports], any(r.blocking for r in reports), written.ok)


_COVER_ZH = {"agency_name": "机关名称", "report_year": "报告年度"}


def _import(args: argparse.Namespace) -> int:
    from validator.batch.inputs import unique_name
    from validator.engine import workbook_paths
    from validator.forms.imported import convert
    from validator.sources.grid import ReadError

    inputs = [path for path, _ in workbook_paths(args.files)]
    single = args.output.suffix.lower() == ".xlsx"
    if single and len(inputs) > 1:
        raise _UsageError(f"要转换 {len(inputs)} 个文件，-o 应是一个目录，而不是 {args.output.name}")
    status, used = EXIT_OK, set()
    stems = Counter(path.stem.casefold() for path in inputs)
    for path in inputs:
        # Its stem, or its whole name beside another file of that stem (年报.docx, 年报.pdf); never a name taken
        # before (年报.docx in two folders: 年报~2.docx), so that no conversion overwrites another.
        name = unique_name(path.stem if stems[path.stem.casefold()] == 1 else path.name, used)
        target = args.output if single else args.output / f"{name}.xlsx"
        if target.resolve() == path.resolve():
            raise _UsageError(f"转换结果不能覆盖原文件 {path}；请用 -o 指定另一个目录")
        try:
            done = convert(path, target, _chosen_template(args))
        except ReadError as exc:
            print(f"无法转换：{path}\n  {exc.message}")
            status = EXIT_UNREADABLE
            continue
        except OSError as exc:
            print(f"无法写入 {target}（{os_reason(exc)}）。请用 -o 指定一个可写入的目录。", file=sys.stderr)
            return EXIT_WRITE
        print(f"已转换：{path} → {done.target}（{done.template.name}）")
        if done.cover_from:
            taken = "，".join(f"{_COVER_ZH[k]}「{v}」取自{where}" for k, v, where in done.cover_from)
            print(f"  年报没有封面，{taken}，其余封面项请补填。")
        for problem in done.problems:
            print(f"  结构问题：{problem}")
        if done.unplaced:
            print(f"  以下 {len(done.unplaced)} 个数字未能放入模板，请核对：")
            for line in done.unplaced:
                print(f"    {line}")
        if done.uncarried:
            print(
                "  以下文字写在二、三、四部分的标题之下、表格之外。官方模板的「正文」表只有一、五、六三部分，没有它们的位置，"
                "未写入转换结果；直接校验原文时其中的数字已与表格核对，校验转换结果时不再核对。"
                "如需保留，请写入转换结果「正文」表的「一、总体情况」："
            )
            for line in done.uncarried:
                print(f"    {line}")
    return status


def _batch(args: argparse.Namespace) -> int:
    import signal

    with _imports_uncollected(args.own_process):  # the workers are forked from this process: fewer pages to copy
        from rich.console import Console

        from validator.batch.cluster import ClusterError
        from validator.batch.inputs import MissingInput
        from validator.batch.progress import print_summary
        from validator.batch.rounds import NoPreviousRound
        from validator.batch.run import Settings, run_batch
        from validator.rounds.decide import DecisionError
        from validator.spec.catalog import list_templates

        list_templates()  # parsed once here: each worker would parse them again, and the summary after them

    _chosen_template(args)  # a bad --template is a usage error before any work
    if args.jobs < 0 or args.timeout <= 0:
        raise _UsageError("--jobs 应为不小于 0 的整数（0 表示全部 CPU 核），--timeout 应为正数。")
    if args.send_files and not args.scheduler:
        raise _UsageError("--send-files 只能与 --scheduler 同用。")
    settings = Settings(
        args.out,
        not args.no_annotate,
        args.jobs,
        args.timeout,
        args.template,
        args.previous,
        args.scheduler,
        args.send_files,
        _load_decisions(args),
        args.since,
    )
    console = Console(stderr=True)
    console.soft_wrap = not console.is_terminal  # a log or a pipe: a line stays whole (rich would cut it at 80 columns)
    # Only around the run, which restores it: a refusal above leaves a program that calls main() its own handler.
    stop = signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop like Ctrl-C: workers ended, outputs intact
    try:
        batch = run_batch(args.inputs, settings, console)
    except KeyboardInterrupt:
        print(
            f"已中断。已校验的文件记录在 {args.out} 中，再次运行同一命令将从中断处继续；"
            "该目录中原有的汇总结果保持不变。",
            file=sys.stderr,
        )
        return 130
    except (ClusterError, MissingInput, NoPreviousRound, DecisionError) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"无法写入结果目录 {args.out}（{os_reason(exc)}）。请用 --out 指定一个可写入的目录。", file=sys.stderr)
        return EXIT_WRITE
    finally:
        signal.signal(signal.SIGTERM, stop)
    print_summary(console, batch, args.out)
    return _exit_code([d["status"] for d in batch.docs], any(d["open_errors"] for d in batch.docs))


def _exit_code(statuses: Sequence[str], errors_found: bool, written: bool = True) -> int:
    """The most urgent outcome decides: a defect of the tool, an unreadable file, a copy not written, errors found
    (errors neither explained by the agency nor accepted by the office)."""
    if "error" in statuses:
        return EXIT_INTERNAL
    if "unreadable" in statuses:
        return EXIT_UNREADABLE
    if not written:
        return EXIT_WRITE
    return EXIT_FINDINGS if errors_found else EXIT_OK


def _template(args: argparse.Namespace) -> int:
    template = _named_template(args)
    if args.xlsm and args.layout:
        raise _UsageError("--xlsm 需要与 -o 一起使用，不能与 --layout 同时使用。")
    if args.layout:
        from validator.forms.layout import layout_document

        print(json.dumps(layout_document(template), ensure_ascii=False, indent=2))
        return EXIT_OK
    if args.server is not None and not args.xlsm:
        raise _UsageError("--server 需要与 --xlsm 一起使用。")
    if args.server is not None and not _SERVER_URL.match(args.server):
        raise _UsageError(
            f"服务器地址应以 http:// 或 https:// 开头，不含空格和中文，如 http://10.0.0.5:8421；收到：{args.server}"
        )
    if args.xlsm:
        if args.output.suffix.lower() != ".xlsm":
            raise _UsageError(
                f"启用宏的模板必须以 .xlsm 为扩展名（Excel 不会打开扩展名不符的文件），如 {args.output.stem}.xlsm。"
            )
        from validator.buttons.xlsm import write_xlsm

        def write(template: Template, path: Path) -> None:
            write_xlsm(template, path, args.server)
    else:
        from validator.forms.workbook import write_blank as write
    try:
        write(template, args.output)
    except OSError as exc:
        print(f"无法写入 {args.output}（{os_reason(exc)}）。请检查目录是否存在、是否有写入权限。", file=sys.stderr)
        return EXIT_WRITE
    except RuntimeError as exc:  # an optional dependency is missing; the message says what to install
        raise _UsageError(str(exc)) from exc
    made = "带按钮的启用宏模板" if args.xlsm else "空白模板"
    print(f"已生成{made}：{args.output}（{template.name}，{template.basis}，适用于{template.years}的报告）")
    return EXIT_OK


def _templates(args: argparse.Namespace) -> int:
    from validator.render.table import templates_text

    print(templates_text(list_templates(), default_template()))
    return EXIT_OK


def _excel(args: argparse.Namespace) -> int:
    return args.excel_handler(args)


def _excel_addin(args: argparse.Namespace) -> int:
    from validator.buttons.addin import write_addin

    try:
        path = write_addin(args.output)
    except OSError as exc:
        print(f"无法写入 {args.output}（{os_reason(exc)}）。请检查是否有写入权限。", file=sys.stderr)
        return EXIT_WRITE
    except RuntimeError as exc:
        raise _UsageError(str(exc)) from exc
    print(f'已生成加载项：{path}。安装方法见 docs/excel.md（xlwings addin install --file "{path}"）。')
    return EXIT_OK


def _rules(args: argparse.Namespace) -> int:
    from validator.render.rules_doc import rules_document, rules_markdown
    from validator.rules.registry import all_rules

    template = _named_template(args)
    if args.markdown:
        print(rules_markdown(template) if args.template else rules_document(list_templates()))
        return EXIT_OK
    for r in all_rules(template).values():
        print(f"{r.code}  {SEVERITY_ZH[r.severity]}  {r.family}  {r.summary}")
    return EXIT_OK


def _clear(args: argparse.Namespace) -> int:
    from validator.annotate.zip_painter import clear_file
    from validator.sources.grid import ReadError

    code = EXIT_OK
    for name in args.files:
        path = Path(name)
        try:
            cleared = clear_file(path, keep_explanations=not args.all)
        except ReadError as exc:
            print(f"无法处理 {path}：{exc.message}", file=sys.stderr)
            code = EXIT_UNREADABLE
            continue
        except OSError as exc:
            print(f"无法写入 {path}（{os_reason(exc)}）。{in_use_hint(exc)}", file=sys.stderr)
            code = max(code, EXIT_WRITE)
            continue
        said = "已清除校验标注，恢复了原来的填充和批注" if cleared else "没有校验标注，未作改动"
        if cleared.guessed:
            said += f"；但 {cleared.guessed_fills}"
        if cleared.kept:
            said += f"；「{cleared.kept}」工作表中填写的单位说明已保留，再次校验时沿用（如需一并删除，请加 --all）"
        print(f"{path}：{said}")
    return code


def _excel_simulate(args: argparse.Namespace) -> int:
    from validator.excel.painter import CannotPaint
    from validator.excel.simulate import MissingXlwings, simulate
    from validator.render.json import counts_json, dumps
    from validator.sources.grid import ReadError

    try:
        document = simulate(args.file, clear=args.clear)
    except (ReadError, CannotPaint) as exc:
        print(f"无法处理 {args.file}：{exc.message}", file=sys.stderr)
        return EXIT_UNREADABLE
    except MissingXlwings as exc:
        raise _UsageError(str(exc)) from exc
    print(dumps(document))
    return EXIT_FINDINGS if counts_json(document["findings"])["open_errors"] else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `nianbao`; returns the exit code."""
    if argv is None:  # this process is the command (and the batch workers it forks)
        _without_data_synthesis()
    args = _parser().parse_args(argv)
    args.own_process = argv is None
    handlers = {
        "check": _check,
        "batch": _batch,
        "template": _template,
        "templates": _templates,
        "import": _import,
        "rules": _rules,
        "clear": _clear,
        "excel": _excel,
        "serve": _serve,
    }
    try:
        return handlers[args.command](args)
    except _UsageError as exc:
        print(f"{exc.prefix}{exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like, which stopped reading
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so that the exit flush does not fail too
        return 141
