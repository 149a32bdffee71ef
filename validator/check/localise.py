"""Error localisation (Fellegi–Holt): the cheapest set of cell changes that balances every checkable equation.

All equations of a report are solved together, so that each cell gets one suggested value however many failing
equations it is part of. Blank cells, placeholders and formula cells are cheaper to change than typed numbers (a
blank total is filled rather than its parts zeroed; a formula's result follows its cells); a corrected count is a whole number and never becomes negative. The search
goes by connected part of the equation system: a single cell that explains every failing equation of a part is
found by arithmetic; anything else is a small mixed-integer program (scipy's HiGHS), re-solved with the found
support excluded to tell whether another correction is just as cheap.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, cached_property

import numpy as np

from validator.findings import MAX_ALTERNATIVES, Changes, Correction, Localisation
from validator.locate import LocatedReport
from validator.rules.kinds.equation import coefficients, formula_role
from validator.spec.model import Template

FILLED_WEIGHT = 1.0
# Cheaper than a filled cell, yet two blanks cost more than one filled cell: blanks are preferred, not multiplied.
BLANK_WEIGHT = 0.7
TOLERANCE = 1e-6
SOLVER_SECONDS = 1.0  # per solve; large corrections (many blanks) can take the solver long to prove

Change = tuple[str, float, float]  # (input key, value checked, value that balances)


@dataclass(frozen=True)
class EquationSystem:
    """Every equation of a template as rows of a ±1 matrix over the cells they use."""

    keys: tuple[str, ...]
    matrix: np.ndarray  # rows: equations, columns: keys; +1 for lhs, −1 for rhs terms
    instances: tuple[tuple[str, int], ...]  # (rule code, equation index within the rule) per row
    integer: np.ndarray  # per key: a count (whole numbers) rather than money
    signed: np.ndarray  # per key: may be negative (a change from last year)

    @cached_property
    def uses(self) -> np.ndarray:
        """Whether each equation (row) uses each cell (column)."""
        return self.matrix != 0

    @cached_property
    def index(self) -> dict[tuple[str, int], int]:
        """System row by (rule code, equation index)."""
        return {instance: i for i, instance in enumerate(self.instances)}


@cache
def equation_system(template: Template) -> EquationSystem:
    rules = [r for r in template.rules if r.kind == "equation"]
    instances = tuple((r.code, i) for r in rules for i in range(len(r.equations)))
    equations = [eq for r in rules for eq in r.equations]
    keys = tuple(dict.fromkeys(k for eq in equations for k in eq.cells))
    matrix = coefficients(equations, keys)
    kinds = [template.inputs[k].kind for k in keys]
    integer = np.array([kind in ("count", "signed_count") for kind in kinds])
    return EquationSystem(keys, matrix, instances, integer, np.array([kind == "signed_count" for kind in kinds]))


@dataclass(frozen=True)
class Part:
    """A connected part of a report's unbalanced equations: its cheapest corrections (one = unique)."""

    options: tuple[tuple[Change, ...], ...]  # empty when the solver gave no answer
    proven: bool = True  # False: the solver ran out of time; its correction may not be the cheapest

    @property
    def unique(self) -> bool:
        return self.proven and len(self.options) == 1


def localise(
    system: EquationSystem,
    values: np.ndarray,
    cheap: Callable[[np.ndarray], np.ndarray],
    fixed: np.ndarray,
    failing: Sequence[int],
    offset: np.ndarray | None = None,
) -> list[Part]:
    """The cheapest corrections of one report, by connected part of its failing equations.

    `values` and `fixed` (known but not a cell to change) are per system key, `cheap` says which of the keys of a
    part (by system column) are cheaper to change (blank, placeholder, formula: asked only of the parts found); NaN
    values are unknown: equations using them cannot be checked and are left out, and unknown cells never change.
    `offset` (per equation) is added to lhs − rhs: numbers outside the inputs that an equation is taken to include.
    """
    if not failing:
        return []
    known = ~np.isnan(values)
    uses = system.uses
    checkable = ~(uses & ~known).any(axis=1)
    x = np.where(known, values, 0.0)
    residual = system.matrix @ x + (0.0 if offset is None else offset)
    parts, seen = [], set()
    for start in failing:
        if start in seen or not checkable[start]:
            continue
        rows, cols = _component(uses, checkable, start)
        seen.update(rows)
        cols = cols[~fixed[cols]]
        problem = _Problem(
            system.matrix[np.ix_(rows, cols)],
            residual[rows],
            x[cols],
            np.where(cheap(cols), BLANK_WEIGHT, FILLED_WEIGHT),
            system.integer[cols],
            system.signed[cols],
        )
        options = _search(problem)
        proven = options is not None
        if options is None:
            options, proven = _solve(problem)
        changes = tuple(
            tuple((system.keys[cols[j]], float(x[cols[j]]), float(x[cols[j]] + d)) for j, d in option)
            for option in options
        )
        parts.append(Part(changes, proven))
    return [shared for part in parts for shared in _split_shared(part)]


def _split_shared(part: Part) -> list[Part]:
    """A change that every option of an ambiguous part makes is certain: it becomes a unique part of its own."""
    if part.unique or not 2 <= len(part.options) < MAX_ALTERNATIVES:  # a full list may leave options unnamed
        return [part]
    common = set(part.options[0]).intersection(*part.options[1:])
    if not common:
        return [part]
    rest = tuple(tuple(c for c in o if c not in common) for o in part.options)
    return [Part((tuple(sorted(common)),)), Part(rest)]


def _component(uses: np.ndarray, checkable: np.ndarray, start: int) -> tuple[np.ndarray, np.ndarray]:
    """Checkable equations connected to `start` through shared cells, and those cells."""
    rows = np.zeros(len(uses), dtype=bool)
    rows[start] = True
    while True:
        cols = uses[rows].any(axis=0)
        grown = checkable & uses[:, cols].any(axis=1)
        if (grown == rows).all():
            return np.flatnonzero(rows), np.flatnonzero(cols)
        rows = grown


@dataclass(frozen=True)
class _Problem:
    """One part: A·(x + d) = 0 is wanted, i.e. A·d = −residual, changing as few (weighted) cells as possible."""

    matrix: np.ndarray
    residual: np.ndarray
    values: np.ndarray
    weights: np.ndarray
    integer: np.ndarray
    signed: np.ndarray

    @cached_property
    def lowest(self) -> np.ndarray:
        """The smallest corrected value: a cell never becomes negative unless it already is or may be."""
        return np.where(self.signed, -np.inf, np.minimum(self.values, 0.0))

    def allowed(self, col: int, change: float) -> bool:
        corrected = self.values[col] + change
        whole = not self.integer[col] or abs(corrected - round(corrected)) < TOLERANCE  # 21.5 may become 21
        return whole and corrected >= self.lowest[col] - TOLERANCE

    def rounded(self, change: np.ndarray, cols: Sequence[int] | slice = slice(None)) -> np.ndarray:
        """Changes as exact as the cells hold: a count's corrected value whole, money to 4 decimals."""
        values = self.values[cols]
        return np.where(self.integer[cols], np.round(values + change) - values, np.round(change, 4))


Option = tuple[tuple[int, float], ...]  # (column within the part, change)
MAX_SEARCHED = 6  # corrections of up to this many cells are searched for exactly; larger ones go to the solver
MAX_NODES = 20000  # sets of cells tried before the search gives way to the solver


class _Search:
    """Every cheapest correction of exactly `size` cells, by branching on the equations it must touch.

    Complete: while a failing equation has no chosen cell, every correction contains one of its cells; once all
    are touched but the chosen cells cannot balance them, every correction adds a cell sharing an equation with them.
    Smaller corrections were found by the runs for smaller sizes, which lets a run prune by cost and by coverage.
    """

    def __init__(self, p: _Problem) -> None:
        self.p = p
        uses = p.matrix != 0
        self.rows_of = [0] * uses.shape[1]  # per cell: its equations as bits
        self.cols_of: list[list[int]] = [[] for _ in uses]  # per equation: its cells
        for i, j in zip(*(a.tolist() for a in np.nonzero(uses))):
            self.rows_of[j] |= 1 << i
            self.cols_of[i].append(j)
        self.widest = int(uses.sum(axis=0).max())  # most equations one cell is in
        self.failing = sum(1 << int(i) for i in np.flatnonzero(np.abs(p.residual) > TOLERANCE))
        self.weights: list[float] = p.weights.tolist()  # read at every node: Python floats, not numpy scalars
        self.best = np.inf
        self.found: dict[frozenset[int], Option] = {}
        self.nodes = 0

    def run(self, size: int) -> None:
        self.size, self.seen = size, set()
        self._grow((), 0.0, 0)

    def _grow(self, chosen: tuple[int, ...], cost: float, touched: int) -> None:
        key = frozenset(chosen)
        if key in self.seen or self.nodes > MAX_NODES:
            return
        self.seen.add(key)
        self.nodes += 1
        untouched = self.failing & ~touched
        if len(chosen) == self.size:
            if not untouched and self._may_balance(chosen) and (option := self._balance(chosen)) is not None:
                if cost < self.best - TOLERANCE:
                    self.best, self.found = cost, {}
                self.found[key] = option
            return
        left = self.size - len(chosen)
        if untouched.bit_count() > left * self.widest:
            return  # too few cells left to touch every failing equation
        if untouched:  # branch on the failing equation with the fewest cells
            candidates = min((self.cols_of[i] for i in _bits(untouched)), key=len)
        else:
            candidates = sorted({j for i in _bits(touched) for j in self.cols_of[i]})
        floor, weights = cost + (left - 1) * BLANK_WEIGHT, self.weights  # the cheapest completion after one more cell
        for j in candidates:
            if j not in chosen and floor + weights[j] <= self.best + TOLERANCE:
                self._grow((*chosen, j), cost + weights[j], touched | self.rows_of[j])

    def _may_balance(self, chosen: tuple[int, ...]) -> bool:
        """A quick necessary condition: an equation that only one chosen cell is in must be a failing one."""
        for j in chosen:
            others = 0
            for k in chosen:
                if k != j:
                    others |= self.rows_of[k]
            if self.rows_of[j] & ~others & ~self.failing:
                return False
        return True

    def _balance(self, chosen: tuple[int, ...]) -> Option | None:
        """The one allowed change of the chosen cells that balances every equation, if there is one."""
        cols = list(chosen)
        a = self.p.matrix[:, cols]
        change, _, rank, _ = np.linalg.lstsq(a, -self.p.residual, rcond=None)
        change = self.p.rounded(change, cols)
        if rank < len(cols) or not _close(a @ change, -self.p.residual):
            return None
        if any(abs(d) < TOLERANCE or not self.p.allowed(j, d) for j, d in zip(cols, change)):
            return None
        return tuple(sorted((j, float(d)) for j, d in zip(cols, change)))


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    """np.allclose(a, b, atol=TOLERANCE), its test written out for finite values (asked of every candidate
    correction; numpy's wrappers cost more than the test)."""
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        return bool(np.allclose(a, b, atol=TOLERANCE))
    return bool((np.abs(a - b) <= TOLERANCE + 1e-05 * np.abs(b)).all())  # allclose's rtol: 1e-05


def _bits(mask: int) -> list[int]:
    """The set bits' positions, lowest first (one step per set bit: the masks are sparse)."""
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


def _single_cells(p: _Problem) -> list[Option]:
    """The cheapest single cells that each balance the whole part, by array arithmetic (the common case).

    A cell qualifies if it is in every failing equation and in no balanced one, with one change for all. Any
    correction of two or more cells costs more than one cell (2 × BLANK_WEIGHT > FILLED_WEIGHT).
    """
    failing = np.abs(p.residual) > TOLERANCE
    uses = p.matrix != 0
    found = []
    for j in np.flatnonzero(uses[failing].all(axis=0) & ~uses[~failing].any(axis=0)):
        changes = -p.residual[failing] / p.matrix[failing, j]
        if np.ptp(changes) < TOLERANCE and p.allowed(j, changes[0]):
            found.append((int(j), float(changes[0])))
    best = min((p.weights[j] for j, _ in found), default=np.inf)
    return [((j, d),) for j, d in found if p.weights[j] <= best + TOLERANCE][:MAX_ALTERNATIVES]


def _search(p: _Problem) -> list[Option] | None:
    """The cheapest corrections when one of at most MAX_SEARCHED cells exists; None when the solver must decide."""
    if single := _single_cells(p):
        return single
    search = _Search(p)
    for size in range(1, MAX_SEARCHED + 1):
        search.run(size)
        if search.nodes > MAX_NODES:
            return None
        # A correction of more cells costs at least BLANK_WEIGHT per cell: below that, nothing larger ties.
        if search.best < BLANK_WEIGHT * (size + 1) - TOLERANCE:
            return sorted(search.found.values())[:MAX_ALTERNATIVES]
    return None


def _solve(p: _Problem) -> tuple[list[Option], bool]:
    """Every cheapest correction (up to MAX_ALTERNATIVES) by mixed-integer programming, each with its support excluded.

    After the first, the cost is capped at its cost, so that "infeasible" proves there is no other. False when the
    solver runs out of time: with nothing when the first is not proven the cheapest, else with the proven ones.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp

    n = len(p.values)
    # Big-M: a decrease never exceeds the value (no cell goes below 0, so setting every cell to 0 stays feasible);
    # an increase is bounded by twice the total imbalance. M must stay small: the solver's integrality tolerance
    # times M must not buy a whole unit of change, and a large M leaves the relaxation too weak to prove anything.
    big = 2 * float(np.abs(p.residual).sum()) + 10
    down = np.where(p.signed, big, p.values - p.lowest)
    eye = np.eye(n)
    failing = np.abs(p.residual) > TOLERANCE
    rows = [
        np.hstack([p.matrix, np.zeros_like(p.matrix)]),  # A·d = −residual
        np.hstack([eye, -big * eye]),  # d ≤ M·z
        np.hstack([-eye, -np.diag(down)]),  # −d ≤ (x − lowest)·z
        # Not needed for correctness, but what lets the solver prove a large correction cheapest in time: every
        # failing equation needs a changed cell of its own.
        np.hstack([np.zeros((failing.sum(), n)), (p.matrix[failing] != 0).astype(float)]),
    ]
    lower = [-p.residual, np.full(n, -np.inf), np.full(n, -np.inf), np.ones(failing.sum())]
    upper = [-p.residual, np.zeros(n), np.zeros(n), np.full(failing.sum(), np.inf)]
    bounds = Bounds(np.concatenate([p.lowest - p.values, np.zeros(n)]), np.concatenate([np.full(n, big), np.ones(n)]))
    # A count's change is whole when its value is (a decimal count, itself a TY06, changes by a fraction to a whole
    # number: `rounded` and the check below see to that).
    integrality = np.concatenate([p.integer & (p.values == np.round(p.values)), np.ones(n)]).astype(int)
    cost = np.concatenate([np.zeros(n), p.weights])
    options: list[Option] = []
    while len(options) < MAX_ALTERNATIVES:
        constraints = LinearConstraint(np.vstack(rows), np.concatenate(lower), np.concatenate(upper))
        with _solver_output_silenced():
            result = milp(cost, constraints=constraints, integrality=integrality, bounds=bounds,
                          options={"time_limit": SOLVER_SECONDS})  # fmt: skip
        if result.status == 2:  # infeasible: no other correction as cheap
            break
        if result.status != 0:
            # Out of time: what the solver holds then depends on how far it got, i.e. on the machine's load, and a
            # report's findings (their cells and ids, which rounds match explanations and decisions by) must depend
            # on its content only. So an unproven correction is never offered: none when the first is not proven
            # the cheapest, the proven first alone (unconfirmed) when another as cheap could not be ruled out.
            return options, False
        change = p.rounded(result.x[:n])
        support = np.flatnonzero(np.abs(change) > TOLERANCE)
        if not np.allclose(p.matrix[:, support] @ change[support], -p.residual, atol=TOLERANCE):
            return options, False  # a tolerance artefact of the solver, not a correction
        options.append(tuple((int(j), float(change[j])) for j in support))
        if len(options) == 1:  # from now on only corrections as cheap as this one are wanted
            rows.append(cost[None, :])
            lower.append(np.array([-np.inf]))
            upper.append(np.array([result.fun + TOLERANCE]))
        cut = np.zeros(2 * n)
        cut[n + support] = 1  # no-good cut: not all of these cells again
        rows.append(cut[None, :])
        lower.append(np.array([-np.inf]))
        upper.append(np.array([len(support) - 1.0]))
    return options, True


@contextmanager
def _solver_output_silenced() -> Iterator[None]:
    """HiGHS (scipy 1.17) prints some diagnostics straight to file descriptor 1 whatever its options say, which
    would corrupt the JSON a check prints: the descriptor points at the null device while the solver runs."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def report_localisation(
    located: LocatedReport,
    values: dict[str, float],
    cheap: set[str],
    failing: dict[str, Sequence[int]],
    offsets: Mapping[tuple[str, int], float] | None = None,
) -> Localisation:
    """The correction of one report whose failing equation instances (by rule code) the schema found.

    Inputs the workbook lacks are never changed: a missing part taken as 0 makes its equations hints, not
    localised errors, so they are left out; the sub-rows of a group filled as one row keep their values.
    `offsets` (lhs − rhs, by rule code and equation index) are numbers the equations are taken to include besides
    their inputs: those of a row that is no official one, lying among the terms (validator/rules/strays.py).
    """
    system = equation_system(located.template)
    rows = [system.index[code, i] for code, ids in failing.items() for i in ids if (code, i) in system.index]
    offset = np.zeros(len(system.instances))
    for instance, value in (offsets or {}).items():
        offset[system.index[instance]] = value
    standin = located.standins.get
    x = np.array([np.nan if standin(k) == "assumed" else values[k] for k in system.keys], dtype=float)
    fixed = np.array([standin(k) == "grouped" for k in system.keys])
    # A formula's result follows its cells (or its range is what is wrong): as cheap to change as a blank.
    formulas: dict[str, str] = {}

    def cheaper(cols: np.ndarray) -> np.ndarray:  # a part's keys: the sheets of its cells only are read for formulas
        keys = [system.keys[j] for j in cols]
        formulas.update(located.formulas(keys))
        return np.array([k in cheap or k in formulas for k in keys], dtype=bool)

    parts = localise(system, x, cheaper, fixed, rows, offset)
    if not parts:
        return Localisation()

    certain = {k for p in parts if p.unique for k, _, _ in p.options[0]}

    def changes(option: tuple[Change, ...]) -> Changes:
        changed = certain | {k for k, _, _ in option}
        return tuple(
            Correction(
                k, located.cells[k].cell if k in located.cells else None, a, e, k in cheap, formula,
                formula_role(k, formula, changed, located) if formula else None,
            )
            for k, a, e in option
            for formula in [formulas.get(k)]
        )  # fmt: skip

    sure = [changes(p.options[0]) for p in parts if p.unique]
    unsure = [tuple(changes(o) for o in p.options) for p in parts if not p.unique]
    return Localisation("ambiguous" if unsure else "unique", tuple(c for s in sure for c in s), tuple(unsure))
