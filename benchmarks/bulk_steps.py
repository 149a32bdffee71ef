"""Where a workbook's time goes in a batch worker: each step of checking, per workbook, in one process.

Uses the set of benchmarks/bulk.py (generated when missing) and prints milliseconds of this process's CPU time per
workbook (a busy machine inflates them little) for reading the bytes, inspecting the package, reading formulas
without results, the whole read (with python-calamine), locating, checking many reports per pandera call (and each
rule's mask on one call's frame; the text rules' also on texts as long as a published report's, each report's its
own), and the whole worker task, beside the floor of benchmarks/bulk.py.

Usage: .venv/bin/python benchmarks/bulk_steps.py [N]   (default: 500 workbooks of the 2,000-workbook set)
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import python_calamine
from bulk import generate

from validator.batch.inputs import collect
from validator.batch.work import Options, check_chunk
from validator.check.run import check_located, checking_frame
from validator.check.schema import frame_rules
from validator.locate import locate
from validator.sources.files import read_regular
from validator.sources.limits import Limits
from validator.sources.package import Inspected, inspect_package
from validator.sources.sniff import open_package
from validator.sources.uncached import formulas_read
from validator.sources.xlsx import load, read_xlsx
from validator.spec import default_template
from validator.spec.model import Template

T = TypeVar("T")
CHUNK = 100  # reports per pandera call, as a batch worker's task (validator/batch/run.py MAX_CHUNK)


def step(label: str, count: int, run: Callable[[], T]) -> T:
    start = time.process_time()
    result = run()
    print(f"{label:52s} {(time.process_time() - start) / count * 1000:7.2f} ms")
    return result


def floor(path: Path) -> None:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()


def rule_masks(located: list, template: Template, shown: int = 6) -> None:
    """The rules' masks over one pandera call's frame: the slowest few and all of them, per workbook (what the
    schema runs; a rule whose mask grows shows here first)."""
    frame = checking_frame(located)
    times = []
    for code, rule in frame_rules(template).items():
        start = time.process_time()
        rule.instances(frame)
        times.append(((time.process_time() - start) / len(located) * 1000, code))
    slowest = "、".join(f"{code} {ms:.3f}" for ms, code in sorted(times, reverse=True)[:shown])
    print(f"{'  rule masks, all ' + str(len(times)):52s} {sum(ms for ms, _ in times):7.2f} ms   slowest: {slowest}")


def _long_text(row: dict, i: int) -> str:
    """Report i's 一、总体情况 as long as a published report's (~2,000 characters), stating its own figures the ways
    reports write them (a total, then its parts in a sentence opening with 其中; by applicant type)."""
    v = {k: int(x) if x == x else 0 for k, x in row.items() if isinstance(x, float)}
    t3 = {k: v.get(f"t3.{k}.total", 0) for k in ("new", "carried_in", "carried_out")}
    natural = v.get("t3.new.natural", 0)
    filler = [
        f"本单位（{i}）坚持以公开为常态、不公开为例外，持续完善政府信息公开工作制度，规范信息发布审核流程，"
        f"严格落实保密审查要求，确保信息公开及时、准确、全面（{k}）。"
        for k in range(24)
    ]
    return "\n".join(
        [
            "本报告根据《中华人民共和国政府信息公开条例》和国办公开办函〔2021〕30号的要求编制。",
            "2025年，本机关认真贯彻《中华人民共和国政府信息公开条例》，扎实推进政府信息公开各项工作。",
            f"（一）主动公开。全年主动公开政府信息{300 + i}条，其中政策文件{20 + i % 7}件。"
            f"本年度制发行政规范性文件{v.get('t2_1.normative.issued', 0)}件，"
            f"现行有效行政规范性文件{v.get('t2_1.normative.current', 0)}件。",
            *filler[:12],
            f"（二）依申请公开。本年度共受理政府信息公开申请{t3['new'] + t3['carried_in']}件。"
            f"其中，新收{t3['new']}件，上年结转{t3['carried_in']}件。本年度共收到政府信息公开申请{t3['new']}件，"
            f"其中自然人申请{natural}件，法人或其他组织申请{t3['new'] - natural}件。"
            f"结转下年度继续办理{t3['carried_out']}件。",
            *filler[12:],
            f"（三）监督保障。本年度发生政府信息公开行政复议案件{v.get('t4.cases.review.total', 0)}件。",
        ]
    )


def text_rules(located: list, template: Template, shown: int = 4, first: int = 0) -> float:
    """The text rules' masks (TT, TX) as real reports give them work: each report's text its own and as long as a
    published report's, stating its figures. The bench's workbooks all carry the example's short texts, which a
    rule reading each text once reads once for all of them. `first`: the number of the first report (its texts are
    those of no other run)."""
    frame = checking_frame(located)
    frame["overview"] = [_long_text(row, first + i) for i, row in enumerate(frame.to_dict("records"))]
    times = []
    for code, rule in frame_rules(template).items():
        if code.startswith(("TT", "TX")):
            start = time.process_time()
            rule.instances(frame)
            times.append(((time.process_time() - start) / len(located) * 1000, code))
    slowest = "、".join(f"{code} {ms:.3f}" for ms, code in sorted(times, reverse=True)[:shown])
    label = f"  text rules ({len(times)}), long texts of their own"
    print(f"{label:52s} {sum(ms for ms, _ in times):7.2f} ms   slowest: {slowest}")
    return sum(ms for ms, _ in times)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    files = sorted(generate(2000).glob("*.xlsx"))[:n]
    limits, template = Limits.from_env(), default_template()
    read_xlsx(files[0])  # imports and first-use caches are not a workbook's cost
    print(f"{len(files)} workbooks, milliseconds of CPU per workbook")
    step("floor: python-calamine reads every cell", len(files), lambda: [floor(p) for p in files])
    data = step("reading the bytes", len(files), lambda: [read_regular(p, limits) for p in files])

    def inspect() -> list[Inspected]:
        out = []
        for path, raw in zip(files, data):
            with open_package(raw, path) as zf:
                out.append(inspect_package(zf, raw, limits))
        return out

    inspected = step("package inspection", len(files), inspect)
    step(
        "formulas without results, error values",
        len(files),
        lambda: [formulas_read(i.parts, i.uncached) for i in inspected if i.uncached],
    )
    grids = step("whole read (the above and python-calamine)", len(files), lambda: [load(p).grid for p in files])
    located = step("locating", len(files), lambda: [locate(g, template) for g in grids])
    chunks = range(0, len(files), CHUNK)
    check_located(located[:1])  # pandera's first validation registers its backends (~0.4 s of imports, once a worker)
    step(
        f"checking, {CHUNK} reports per pandera call",
        len(files),
        lambda: [check_located(located[i : i + CHUNK]) for i in chunks],
    )
    rule_masks(located[:CHUNK], template)
    text_rules(located[:CHUNK], template)
    items = collect([str(p) for p in files], Path("build/bench/steps"), exclude=[]).items
    step(
        "whole worker task (check_chunk)",
        len(files),
        lambda: [check_chunk(items[i : i + CHUNK], Options()) for i in chunks],
    )


if __name__ == "__main__":
    main()
