"""What a batch shows on stderr while it runs (a progress bar with files/s and ETA) and when it ends (a summary of
the `Batch` it produced)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn, TimeRemainingColumn
from rich.text import Text

from validator.batch.inputs import first_names, skipped_notice
from validator.batch.outcome import Outcome
from validator.batch.rows import FAILED, NOT_RESUBMITTED, PASSED, ROUND_COLUMNS, UNREADABLE, status


@dataclass
class Batch(Outcome):
    """What a run produced, and what it took."""

    checked: int  # files checked in this run (the others were unchanged since an earlier run)
    seconds: float


class _Rate(ProgressColumn):
    def render(self, task: Task) -> Text:
        return Text(f"{task.speed:.1f} 份/秒" if task.speed else "", style="progress.data.speed")


@contextmanager
def bar(console: Console, total: int, done: int, label: str) -> Iterator[Callable[[int], None]]:
    """A progress bar over `total` files of which `done` are already done; yields advance(n). Drawn four times a
    second (rich's ten cost the main process ~0.1 s of a 2,000-file run), and only on a terminal: a transient bar
    leaves nothing in a log or a pipe, where rich would still draw it."""
    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), _Rate(), TextColumn("剩余"), TimeRemainingColumn())
    with Progress(
        *columns, console=console, transient=True, refresh_per_second=4, disable=not console.is_terminal
    ) as progress:
        task = progress.add_task(label, total=total, completed=done)
        yield lambda n: progress.advance(task, n)


def print_summary(console: Console, batch: Batch, out: Path) -> None:
    """What the run found, in one paragraph, and where the outputs are."""
    statuses = Counter(status(d) for d in batch.docs)
    reused = len(batch.docs) - batch.checked
    rate = f"，{batch.checked / batch.seconds:.1f} 份/秒" if batch.checked and batch.seconds else ""
    lines = [
        f"共 {len(batch.docs)} 份报告：{PASSED} {statuses[PASSED]} 份，{FAILED} {statuses[FAILED]} 份，"
        f"{UNREADABLE} {statuses[UNREADABLE]} 份。",
        f"本次校验 {batch.checked} 份（用时 {batch.seconds:.1f} 秒{rate}）"
        + (f"，{reused} 份内容未变、沿用上次结果。" if reused else "。"),
    ]
    unreadable = [d["file"] for d in batch.docs if status(d) == UNREADABLE]
    if unreadable:
        lines.append(
            f"{UNREADABLE}：{first_names(unreadable, '份')}"
            f"（原因见 汇总.xlsx「汇总」表的「主要错误」列，或 report.html）。"
        )
    if batch.skipped:
        lines.append(skipped_notice(batch.skipped, "汇总.xlsx「未校验的文件」"))
    if batch.missing:
        lines.append(f"上年报送、本年未报送的单位 {len(batch.missing)} 个（见 汇总.xlsx 和 report.html）。")
    if batch.absent is not None:
        totals = [sum(len(d["round"][key]) for d in batch.docs if d.get("round")) for key, _ in ROUND_COLUMNS]
        changed = "，".join(f"{title} {n} 项" for (_, title), n in zip(ROUND_COLUMNS, totals))
        unread = _files([m.file for m in batch.absent if m.unreadable], "此前无法读取、不能确定是哪个单位的文件")
        unnamed = _files(
            [m.file for m in batch.absent if m.unnamed], "未填写机关名称和统一社会信用代码、不能确定是哪个单位的报告"
        )
        files = f"，其中 {'；'.join(unread + unnamed)}" if unread or unnamed else ""
        lines.append(
            f"与此前各轮相比：{changed}；{NOT_RESUBMITTED}的单位 {len(batch.absent)} 个{files}（见 汇总.xlsx「本轮变化」）。"
        )
    lines.append(f"结果：{out / '汇总.xlsx'}、{out / 'report.html'}、{out / 'results.jsonl'}、{out / 'results.csv'}")
    console.print("\n".join(lines), markup=False, highlight=False)


def _files(files: Sequence[str], what: str) -> list[str]:
    """ "N 个是<what>：a、b、c 等 N 个", or nothing without files."""
    return [f"{len(files)} 个是{what}：{first_names(files)}"] if files else []
