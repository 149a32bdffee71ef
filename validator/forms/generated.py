"""Random balanced 表三/表四 values with planted mistakes: the ground truth for measuring error localisation."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from typing import Literal

from validator.check.localise import BLANK_WEIGHT, FILLED_WEIGHT
from validator.findings import Localisation
from validator.locate import LocatedReport
from validator.sources.grid import WorkbookGrid
from validator.spec.model import Template

_T4_PARTS = ("upheld", "corrected", "other", "pending")


def random_tables(template: Template, rng: random.Random) -> dict[str, float]:
    """Balanced 表三 and 表四 counts, mostly small and often zero, as real reports have them."""
    t3 = template.tables["t3"]
    requesters = [c.key for c in t3.column_leaves if c.key != "total"]
    outcomes = [r.key for r in t3.row_leaves if r.key not in ("new", "carried_in", "outcome_total", "carried_out")]

    def count() -> int:
        return 0 if rng.random() < 0.55 else int(rng.paretovariate(1.2)) + rng.randrange(30)

    rows = {r: [count() for _ in requesters] for r in outcomes}
    rows["outcome_total"] = [sum(rows[r][i] for r in outcomes) for i in range(len(requesters))]
    rows["carried_out"] = [count() // 3 for _ in requesters]
    rows["carried_in"] = [rng.randint(0, t + o) // 3 for t, o in zip(rows["outcome_total"], rows["carried_out"])]
    rows["new"] = [t + o - i for t, o, i in zip(rows["outcome_total"], rows["carried_out"], rows["carried_in"])]
    values: dict[str, float] = {}
    for row, numbers in rows.items():
        values |= {t3.cell_key(row, col): n for col, n in zip(requesters, numbers)}
        values[t3.cell_key(row, "total")] = sum(numbers)
    for group in ("review", "direct", "after_review"):
        parts = [count() // 4 for _ in _T4_PARTS]
        values |= {f"t4.cases.{group}.{col}": n for col, n in zip(_T4_PARTS, parts)}
        values[f"t4.cases.{group}.total"] = sum(parts)
    return {k: float(v) for k, v in values.items()}


@dataclass(frozen=True)
class Planted:
    """Values as entered (None = blank) and the cells that were changed, with their true values."""

    values: dict[str, float | None]
    truth: dict[str, float]


def plant_mistakes(
    values: dict[str, float], template: Template, rng: random.Random, wrong: int, table: str = "t3", blank: float = 0.25
) -> Planted:
    """Change `wrong` cells of one table: a non-zero total left blank (share `blank`), else a typing mistake."""
    keys = [k for k, c in template.inputs.items() if c.table == table]
    totals = [k for k in keys if values[k] and (k.endswith(".total") or ".outcome_total." in k)]
    changed: dict[str, float | None] = {}
    while len(changed) < wrong:
        if rng.random() < blank and (free := [k for k in totals if k not in changed]):
            changed[rng.choice(free)] = None
            continue
        key = rng.choice([k for k in keys if k not in changed])
        changed[key] = _typo(values[key], rng)
    return Planted(values | changed, {k: values[k] for k in changed})


def _typo(value: float, rng: random.Random) -> float:
    """A different, non-negative number as a clerk mistypes it: a digit dropped or added, or off by a little."""
    n = int(value)
    candidates = [n * 10 + rng.randrange(10), n + rng.randint(1, 9), abs(n - rng.randint(1, 9))]
    if n >= 10:
        digits = str(n)
        cut = rng.randrange(len(digits))
        candidates.append(int(digits[:cut] + digits[cut + 1 :]))
    return float(rng.choice([c for c in candidates if c != n] or [n + 1]))


def planted_grid(grid: WorkbookGrid, located: LocatedReport, values: dict[str, float | None]) -> WorkbookGrid:
    """A copy of a read workbook with `values` written into the located cells (None = blank)."""
    sheets = {s.name: replace(s, cells=dict(s.cells)) for s in grid.sheets}
    for key, value in values.items():
        cell = located.cells[key].cell
        cells = sheets[cell.sheet].cells
        if value is None:
            cells.pop((cell.row, cell.col), None)
        else:
            cells[(cell.row, cell.col)] = value
    return replace(grid, sheets=list(sheets.values()))


Verdict = Literal["exact", "ambiguous", "cheaper", "wrong"]


def judge(localisation: Localisation, planted: Planted) -> Verdict:
    """How a localisation compares with the truth.

    exact: one correction, restoring exactly the changed cells; ambiguous: several equally cheap corrections were
    named; cheaper: a correction cheaper than undoing the mistakes exists (nobody could find them); wrong: anything
    else, i.e. a silent guess or a defect.
    """
    if localisation.status == "ambiguous":
        return "ambiguous"
    found = {c.key: c.expected for c in localisation.corrections}
    if found == planted.truth:
        return "exact"
    cost = sum(BLANK_WEIGHT if c.blank else FILLED_WEIGHT for c in localisation.corrections)
    truth = sum(BLANK_WEIGHT if planted.values[k] is None else FILLED_WEIGHT for k in planted.truth)
    return "cheaper" if cost < truth - 1e-6 else "wrong"
