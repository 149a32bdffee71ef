"""Reading a decisions file: 汇总.xlsx of an earlier round (its 问题明细 sheet), or a small YAML or CSV file."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

import yaml

from validator.rounds.decide import DecisionError, DecisionRecord, item, records_from_rows
from validator.text import decode_text, os_reason

DETAILS_SHEET = "问题明细"  # the sheet of 汇总.xlsx the office fills in
DECISION_COLUMN, DECISION_NOTE_COLUMN = "处理意见", "处理说明"  # its columns for the office (接受 / 退回, and why)


def load_decisions(path: Path) -> list[DecisionRecord]:
    """The decisions in `path`; raises DecisionError (Chinese) when it cannot be read or used."""
    suffix = path.suffix.lower()
    where = item
    if not path.exists():
        raise DecisionError(f"找不到处理意见文件 {path}，请检查路径。")
    try:
        if suffix in (".xlsx", ".xlsm"):
            rows = _sheet_rows(path)
            where = _sheet_row
        elif suffix in (".yaml", ".yml"):
            data = yaml.safe_load(_text(path))
            rows = data.get("decisions", []) if isinstance(data, dict) else data
            if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                raise DecisionError(
                    f"{path.name} 应为处理意见的列表（每条含 rule、agency、key 或 cell、decision、note）。"
                )
        elif suffix == ".csv":
            rows, where = _csv_rows(io.StringIO(_text(path), newline=""))
        else:
            raise DecisionError(f"无法识别处理意见文件 {path.name}：应为上一轮的 汇总.xlsx，或 .yaml、.csv 文件。")
    except OSError as exc:
        raise DecisionError(f"无法读取处理意见文件 {path}（{os_reason(exc)}）。") from exc
    except (yaml.YAMLError, csv.Error) as exc:
        raise DecisionError(f"处理意见文件 {path.name} 格式有误（{type(exc).__name__}），请检查后重试。") from exc
    return records_from_rows(rows, path.name, where)


def _text(path: Path) -> str:
    """A YAML or CSV file as saved on the office's PCs: UTF-8 (with a BOM or without) or GB18030 (GBK)."""
    text = decode_text(path.read_bytes())
    if text is None:
        raise DecisionError(
            f"无法识别处理意见文件 {path.name} 的编码：请另存为 UTF-8 编码（Excel：另存为「CSV UTF-8」）。"
        )
    return text


def _sheet_row(n: int) -> str:
    """The n-th row under 问题明细's header as Excel numbers it (the header is row 1), after the file's name."""
    return f"的「{DETAILS_SHEET}」第 {n + 1} 行"


def _csv_rows(fh: TextIO) -> tuple[list[dict], Callable[[int], str]]:
    """The records of a CSV file, and where the n-th one starts: its line as a text editor numbers it (the header is
    line 1; blank lines are skipped; a quoted value may span lines)."""
    reader, rows, starts = csv.DictReader(fh), [], []
    for row in reader:
        rows.append(row)
        starts.append(reader.line_num - sum(str(v).count("\n") for v in row.values() if v))
    return rows, lambda n: f"第 {starts[n - 1]} 行"


def _sheet_rows(path: Path) -> list[dict]:
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        table = book.get_sheet_by_name(DETAILS_SHEET).to_python()
    except Exception as exc:  # calamine raises its own types for a missing sheet or a damaged file
        raise DecisionError(
            f"{path.name} 中没有可读取的「{DETAILS_SHEET}」工作表。请指定上一轮 nianbao batch 生成的 汇总.xlsx。"
        ) from exc
    if not table:
        return []
    header = [str(h).strip() for h in table[0]]
    return [dict(zip(header, row)) for row in table[1:]]
