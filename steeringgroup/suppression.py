"""Small-count suppression that no arithmetic undoes: within a table, between tables, between reports.

Every count a report publishes is a *cell*: a sum over the atoms of a
*population* (the referrals received, the decisions made, the sessions held,
...), an atom being one combination of the population's categories in one
month (or, for figures that describe a moment, at one snapshot date). What an
attacker knows is then a system of linear facts over the atoms: a shown cell
equals its value, a «<5» cell lies in 1..threshold−1, a cell hidden to protect
another («:») is at least the threshold, a withheld one is at least zero, and
every atom is a whole number ≥ 0. That holds for row and column totals, for two
tables of one report that count the same population, and for every report
published before over overlapping periods (their cells are stored).

A value is *recoverable* when the facts leave it one possible value. For each
secret (a «<5» or «:» cell of any published report, and each small count hidden
in the difference between this report's cells and earlier reports' cells over
nested or overlapping periods), ``_range`` asks an integer program for its
smallest and largest value consistent with every fact; the secret is safe when
they differ. Cells are hidden further (the smallest shown cell that shares atoms
with an unsafe secret) until every secret is safe; when that does not settle it,
the population's tables are withheld from this report, which adds no fact.
"""

import dataclasses
import itertools
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix

SHOWN = "shown"
SMALL = "small"  # primary: 1..threshold-1, published as «<5»
HIDDEN = "hidden"  # secondary: at least the threshold, published as «:»
WITHHELD = "withheld"  # the table is not published in this report: nothing is known
SECRET = (SMALL, HIDDEN)
MAX_ROUNDS = 40
# How many candidate cells are tried, each on its own, before one is hidden to go on.
MAX_TRIES = 12


@dataclass(frozen=True)
class Support:
    """The atoms a cell sums: the categories it is restricted to, and the months (or snapshot) it covers."""

    population: str
    filters: tuple[tuple[str, str], ...]
    times: tuple[str, ...]

    def atoms(self, categories: dict[str, list[str]]) -> list[tuple]:
        fixed = dict(self.filters)
        dims = sorted(categories)
        choices = [[fixed[d]] if d in fixed else categories[d] for d in dims]
        return [(combo, time) for time in self.times for combo in itertools.product(*choices)]


@dataclass
class Cell:
    """One count of one report: where it is shown, what it sums, its true value and how it is published."""

    report: str
    table: str
    row: str
    col: str
    support: Support
    value: int
    status: str = SHOWN

    @property
    def key(self):
        return (self.report, self.table, self.row, self.col)


@dataclass
class Outcome:
    cells: list[Cell]
    hidden_for_earlier_reports: bool = False
    withheld_populations: list[str] = field(default_factory=list)


def _system(cells: list[Cell], categories: dict[str, dict[str, list[str]]], threshold: int):
    """The attacker's facts: (atom index, rows of A, lower and upper bounds) for the cells of one population."""
    index: dict[tuple, int] = {}
    rows = []
    for cell in cells:
        atoms = cell.support.atoms(categories[cell.support.population])
        columns = [index.setdefault(atom, len(index)) for atom in atoms]
        if cell.status == SHOWN:
            low, high = cell.value, cell.value
        elif cell.status == SMALL:
            low, high = 1, threshold - 1
        elif cell.status == HIDDEN:
            low, high = threshold, np.inf
        else:
            continue
        rows.append((columns, low, high))
    return index, rows


def _range(target: Support, cells: list[Cell], categories, threshold: int) -> tuple[float, float] | None:
    """The smallest and largest whole value ``target`` can take given the published ``cells``; None if infeasible."""
    index, rows = _system(cells, categories, threshold)
    target_columns = [index.setdefault(atom, len(index)) for atom in target.atoms(categories[target.population])]
    n = len(index)
    objective = np.zeros(n)
    objective[target_columns] = 1.0
    constraints = []
    if rows:
        # Each row sums its cell's atoms (each once): written straight in compressed rows, not entry by entry.
        row_columns = [sorted(set(columns)) for columns, _low, _high in rows]
        indptr = np.cumsum([0] + [len(columns) for columns in row_columns])
        indices = np.fromiter(itertools.chain.from_iterable(row_columns), dtype=np.int64, count=indptr[-1])
        matrix = csr_matrix((np.ones(len(indices)), indices, indptr), shape=(len(rows), n))
        lows = np.array([low for _columns, low, _high in rows], dtype=float)
        highs = np.array([high for _columns, _low, high in rows], dtype=float)
        constraints.append(LinearConstraint(matrix, lows, highs))
    bounds = Bounds(np.zeros(n), np.full(n, np.inf))
    low = high = None
    for sign in (1.0, -1.0):  # minimise the target, then maximise it (minimise its negation)
        result = milp(
            sign * objective,
            constraints=constraints,
            integrality=np.ones(n),
            bounds=bounds,
            options={"time_limit": 10},
        )
        if result.status == 2:  # infeasible: the stored facts no longer fit the data (records erased or voided)
            return None
        # Unbounded (status 3): no largest value.
        value = np.inf if result.status == 3 or result.x is None else sign * result.fun
        if sign > 0:
            low = value
        else:
            high = value
    return low, high


def _safe(target: Support, cells, categories, threshold) -> bool | None:
    found = _range(target, cells, categories, threshold)
    if found is None:
        return None
    low, high = found
    return high - low >= 1 - 1e-6


def _difference_secrets(new: list[Cell], old: list[Cell], atom_value, threshold) -> list[Support]:
    """Small counts an attacker could find by subtracting an earlier report's cell from this one's (same categories,
    nested or overlapping months): each part (this only, the earlier only, both) whose true value is 1..threshold−1."""
    secrets = []
    earlier = {}
    for cell in old:
        if cell.status == SHOWN:
            earlier.setdefault((cell.support.population, cell.support.filters), []).append(cell)
    for cell in new:
        if cell.status != SHOWN:
            continue
        for other in earlier.get((cell.support.population, cell.support.filters), []):
            mine, theirs = set(cell.support.times), set(other.support.times)
            if mine == theirs or not (mine & theirs):
                continue
            both = Support(cell.support.population, cell.support.filters, tuple(sorted(mine & theirs)))
            only_mine = Support(cell.support.population, cell.support.filters, tuple(sorted(mine - theirs)))
            only_theirs = Support(cell.support.population, cell.support.filters, tuple(sorted(theirs - mine)))
            both_value = atom_value(both)
            parts = [(both, both_value), (only_theirs, other.value - both_value)]
            if only_mine.times:
                parts.append((only_mine, cell.value - both_value))
            secrets.extend(part for part, value in parts if part.times and 0 < value < threshold)
    return secrets


def suppress(
    new: list[Cell],
    history: list[Cell],
    categories: dict[str, dict[str, list[str]]],
    *,
    threshold: int,
    atom_value=None,
) -> Outcome:
    """Decide how each of ``new``'s cells is published, given the cells of every report published before.

    ``atom_value(support)`` gives the true count of any support within this
    report's months (from the figures' atoms), for the differences with earlier
    reports. ``new`` cells come with ``status=SHOWN``; they leave with their status.
    """
    outcome = Outcome(cells=new)
    for cell in new:
        if 0 < cell.value < threshold:
            cell.status = SMALL
    for population in sorted({cell.support.population for cell in new}):
        mine = [cell for cell in new if cell.support.population == population]
        old = _linked(mine, history)
        alone = [dataclasses.replace(cell) for cell in mine] if old else None
        if _settle(mine, old, categories, threshold, atom_value or (lambda support: 0)) is None:
            for cell in mine:
                cell.status = WITHHELD
            outcome.withheld_populations.append(population)
        if alone is not None:
            # What this report would hide on its own: anything more is hidden because of the earlier reports.
            if _settle(alone, [], categories, threshold, atom_value or (lambda support: 0)) is None:
                for cell in alone:
                    cell.status = WITHHELD
            if any(cell.status != SHOWN and own.status == SHOWN for cell, own in zip(mine, alone, strict=True)):
                outcome.hidden_for_earlier_reports = True
    return outcome


def _linked(mine: list[Cell], history: list[Cell]) -> list[Cell]:
    """The earlier reports' cells tied to ``mine``: sharing a month with them, directly or through one another."""
    population = mine[0].support.population
    related = [cell for cell in history if cell.support.population == population]
    linked = {time for cell in mine for time in cell.support.times}
    grew = True
    while grew:
        grew = False
        for cell in related:
            times = set(cell.support.times)
            if times & linked and not times <= linked:
                linked |= times
                grew = True
    return [cell for cell in related if set(cell.support.times) & linked]


def _secrets(cells: list[Cell]) -> list[Support]:
    """The suppressed cells whose value is not public anyway: every «<5», and each «:» that no report shows."""
    public = {cell.support for cell in cells if cell.status == SHOWN}
    secrets = []
    for cell in cells:
        if (
            cell.status in SECRET
            and (cell.status == SMALL or cell.support not in public)
            and cell.support not in secrets
        ):
            secrets.append(cell.support)
    return secrets


def _settle(mine: list[Cell], old: list[Cell], categories, threshold, atom_value) -> bool | None:
    """Hide cells of ``mine`` until every secret is safe: True; None when it cannot be settled (the caller
    withholds the population)."""
    # A secret found safe stays safe: hiding a cell only widens what the facts allow (a shown value ≥ the
    # threshold becomes «at least the threshold»), so each round asks only the secrets not yet found safe.
    safe: set[Support] = set()
    for _round in range(MAX_ROUNDS):
        cells = old + mine
        secrets = _secrets(cells)
        for support in _difference_secrets(mine, old, atom_value, threshold):
            if support not in secrets:
                secrets.append(support)
        unsafe = None
        for secret in secrets:
            if secret in safe:
                continue
            verdict = _safe(secret, cells, categories, threshold)
            if verdict is None:
                return None
            if not verdict:
                unsafe = secret
                break
            safe.add(secret)
        if unsafe is None:
            return True
        candidate = _companion(unsafe, mine, cells, categories, threshold)
        if candidate is None:
            return None
        candidate.status = HIDDEN
    return None


def _companion(unsafe: Support, mine: list[Cell], cells: list[Cell], categories, threshold) -> Cell | None:
    """The cell of this report to hide next, so that the unsafe secret gains a second possible value.

    Candidates: shown cells (at least the threshold) that share a sum with the
    secret but no atom (another cell of the same row or column, or of the same
    months in another report), then shown cells that contain it (its totals);
    inner cells before totals, the smallest first. The first whose hiding makes
    the secret safe on its own is taken; if none does, the first candidate, and
    the next round goes on from there.
    """

    def atoms(support):
        return frozenset(support.atoms(categories[support.population]))

    target = atoms(unsafe)
    sums = [atoms(cell.support) for cell in cells if cell.status == SHOWN and atoms(cell.support) > target]
    public_elsewhere = {cell.support for cell in cells if cell.status == SHOWN and cell not in mine}
    shown = [
        cell
        for cell in mine
        if cell.status == SHOWN
        and cell.value >= threshold
        and cell.support != unsafe
        and cell.support not in public_elsewhere  # hiding what another report shows gains nothing
    ]
    beside = [
        cell
        for cell in shown
        if not (atoms(cell.support) & target) and any(atoms(cell.support) <= total for total in sums)
    ]
    around = [cell for cell in shown if atoms(cell.support) & target]

    def order(cell):
        return ("total" in (cell.row, cell.col), cell.value, cell.key)

    candidates = sorted(beside, key=order) + sorted(around, key=order)
    for candidate in candidates[:MAX_TRIES]:
        candidate.status = HIDDEN
        fixed = _safe(unsafe, cells, categories, threshold)
        candidate.status = SHOWN
        if fixed:
            return candidate
    return candidates[0] if candidates else None


def display(cell: Cell, threshold: int) -> str:
    """How a cell reads in the report: the number, «<5», or «:»."""
    if cell.status == SHOWN:
        return str(cell.value)
    if cell.status == SMALL:
        return f"<{threshold}"
    return ":"
