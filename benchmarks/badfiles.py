"""Wall time and peak memory of `nianbao check` on each kind of bad input alone, against the budget per file.

The corpus is the one tests/badfiles/ builds (without the kinds that need LibreOffice conversions); each kind runs
in a fresh interpreter, as a user's command would. Usage: .venv/bin/python benchmarks/badfiles.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "badfiles")]

from kinds import KINDS, SECRET, Sources, build_corpus  # noqa: E402
from running import measured  # noqa: E402

from validator.forms.sample import balanced_values, fill_workbook  # noqa: E402
from validator.forms.workbook import write_blank  # noqa: E402
from validator.spec import default_template  # noqa: E402

BUDGET_SECONDS = 10
BUDGET_BYTES = 1 << 30


def main() -> None:
    template = default_template()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_blank(template, root / "blank.xlsx")
        fill_workbook(root / "blank.xlsx", root / "good.xlsx", balanced_values(template), template)
        (root / "secret.txt").write_text(SECRET)
        names = [n for n in KINDS if not KINDS[n].needs_libreoffice]
        paths = build_corpus(root, Sources(root / "good.xlsx", root / "secret.txt", None), names)
        measured(["check", str(root / "good.xlsx"), "--no-annotate"], root)  # warm the OS file cache
        print(f"{'kind':28s} {'status':10s} {'seconds':>8s} {'peak MiB':>9s}  share of budget (time, memory)")
        worst = (0.0, 0.0)
        for name, path in paths.items():
            run = measured(["check", str(path), "--format", "json", "--no-annotate"], root)
            (result,) = run.results().values()
            shares = (run.seconds / BUDGET_SECONDS, run.peak_bytes / BUDGET_BYTES)
            worst = (max(worst[0], shares[0]), max(worst[1], shares[1]))
            print(
                f"{name:28s} {result['status']:10s} {run.seconds:8.2f} {run.peak_bytes / 2**20:9.0f}  {shares[0]:5.2f}  {shares[1]:5.2f}"
            )
    print(
        f"worst share of the budget ({BUDGET_SECONDS} s, {BUDGET_BYTES >> 20} MiB): {worst[0]:.2f} time, {worst[1]:.2f} memory"
    )


if __name__ == "__main__":
    main()
