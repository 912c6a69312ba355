"""No suppressed value can be recovered from what has been published: a property test (hypothesis).

Hypothesis makes the data (counts by category and month, many of them small)
and a sequence of reports over nested and overlapping periods (months, their
quarter, the whole span), each with a category × month table with row and
column totals and a second table of the same population by category only.
Each report is suppressed against the ones published before it.

The proof does not trust the suppression's own arithmetic. For every secret
(a «<5» or «:» cell of any report, and every small count hidden in the
difference of two reports' cells), it asks an integer program for *two
datasets* that publish exactly the same thing, «<5» and «:» included, and
differ in that secret; then it recomputes every published cell from each
dataset in plain Python and compares it with what was published. Two datasets
the reader cannot tell apart, with different values for the secret: the secret
cannot be recovered.
"""

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from steeringgroup.suppression import HIDDEN, SHOWN, SMALL, WITHHELD, Cell, Support, display, suppress

T = 5
CATEGORIES = ("a", "b", "c")
MONTHS = ("m1", "m2", "m3", "m4")
DIMS = {"pop": {"kind": list(CATEGORIES)}}
ATOMS = [(c, m) for c in CATEGORIES for m in MONTHS]


def true_value(data: dict, support: Support) -> int:
    kind = dict(support.filters).get("kind")
    return sum(n for (c, m), n in data.items() if m in support.times and (kind is None or c == kind))


def report(name: str, months: tuple[str, ...], data: dict) -> list[Cell]:
    cells = []
    for row in (*CATEGORIES, "total"):
        filters = () if row == "total" else (("kind", row),)
        for col in (*months, "total"):
            times = months if col == "total" else (col,)
            support = Support("pop", filters, times)
            cells.append(Cell(name, "by_month", row, col, support, true_value(data, support)))
        support = Support("pop", filters, months)
        cells.append(Cell(name, "by_kind", row, "count", support, true_value(data, support)))
    return cells


def witness(published: list[Cell], target: Support, sense: float) -> dict | None:
    """Whole-number data publishing exactly ``published`` (as displayed) that minimises (sense 1) or maximises
    (sense −1) ``target``; None if there is none."""
    index = {atom: i for i, atom in enumerate(ATOMS)}

    def row(support):
        vector = np.zeros(len(ATOMS))
        for (c, m), i in index.items():
            if m in support.times and (not support.filters or c == dict(support.filters)["kind"]):
                vector[i] = 1
        return vector

    rows, lows, highs = [], [], []
    for cell in published:
        if cell.status == WITHHELD:
            continue
        rows.append(row(cell.support))
        if cell.status == SHOWN:
            lows.append(cell.value)
            highs.append(cell.value)
        elif cell.status == SMALL:
            lows.append(1)
            highs.append(T - 1)
        else:
            lows.append(T)
            highs.append(1000)
    result = milp(
        sense * row(target),
        constraints=[LinearConstraint(np.array(rows), lows, highs)],
        integrality=np.ones(len(ATOMS)),
        bounds=Bounds(np.zeros(len(ATOMS)), np.full(len(ATOMS), 1000)),
    )
    if result.x is None:
        return None
    return {atom: int(round(result.x[i])) for atom, i in index.items()}


def reads_the_same(data: dict, published: list[Cell]) -> bool:
    """Recomputed from ``data``, every published cell reads exactly as it was published."""
    for cell in published:
        if cell.status == WITHHELD:
            continue
        value = true_value(data, cell.support)
        again = Cell(cell.report, cell.table, cell.row, cell.col, cell.support, value, cell.status)
        if cell.status == SHOWN and value != cell.value:
            return False
        if cell.status == SMALL and not 0 < value < T:
            return False
        if cell.status == HIDDEN and value < T:
            return False
        assert display(again, T) == display(cell, T) or cell.status != SHOWN
    return True


PERIODS = [("m1",), ("m2",), ("m1", "m2"), ("m2", "m3"), ("m1", "m2", "m3"), MONTHS, ("m3", "m4")]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    counts=st.lists(st.integers(min_value=0, max_value=9), min_size=len(ATOMS), max_size=len(ATOMS)),
    sequence=st.lists(st.sampled_from(PERIODS), min_size=1, max_size=3, unique=True),
)
def test_no_suppressed_value_can_be_recovered(counts, sequence):
    data = dict(zip(ATOMS, counts, strict=True))
    published: list[Cell] = []
    for number, months in enumerate(sequence):
        cells = report(f"r{number}", months, data)
        suppress(cells, published, DIMS, threshold=T, atom_value=lambda support: true_value(data, support))
        assert all(cell.status != SHOWN or not 0 < cell.value < T for cell in cells), "a small count was shown"
        published.extend(cells)

    # Every «<5», and every «:» whose cell no report shows.
    public = {cell.support for cell in published if cell.status == SHOWN}
    secrets = [c.support for c in published if c.status == SMALL or (c.status == HIDDEN and c.support not in public)]
    # Small counts in the difference of two reports' cells over nested or overlapping months.
    for one, two in itertools.combinations([c for c in published if c.status == SHOWN], 2):
        if one.report == two.report or one.support.filters != two.support.filters:
            continue
        a, b = set(one.support.times), set(two.support.times)
        for part in (a - b, b - a, a & b):
            if part and a != b and a & b:
                support = Support("pop", one.support.filters, tuple(sorted(part)))
                if 0 < true_value(data, support) < T:
                    secrets.append(support)

    for secret in secrets:
        low, high = witness(published, secret, 1.0), witness(published, secret, -1.0)
        assert low is not None and high is not None, "the published figures fit no data at all"
        assert reads_the_same(low, published) and reads_the_same(high, published)
        assert true_value(low, secret) != true_value(high, secret), (
            f"{secret} can be recovered: every dataset that publishes the same gives {true_value(low, secret)}"
        )


def test_a_month_against_its_quarter_is_hidden_further():
    # January 7 (shown alone), the quarter 9: February and March together would be 2.
    data = {(c, m): 0 for c, m in ATOMS}
    data.update({("a", "m1"): 7, ("a", "m2"): 1, ("a", "m3"): 1, ("b", "m1"): 9, ("b", "m2"): 8, ("b", "m3"): 7})
    january = report("jan", ("m1",), data)
    suppress(january, [], DIMS, threshold=T, atom_value=lambda s: true_value(data, s))
    assert next(c for c in january if c.table == "by_kind" and c.row == "a").status == SHOWN
    quarter = report("q1", ("m1", "m2", "m3"), data)
    outcome = suppress(quarter, january, DIMS, threshold=T, atom_value=lambda s: true_value(data, s))
    row_a = next(c for c in quarter if c.table == "by_kind" and c.row == "a")
    assert row_a.status != SHOWN  # 9 − 7 would give away February and March
    assert outcome.hidden_for_earlier_reports


@pytest.mark.parametrize("value,shown", [(0, "0"), (3, "<5"), (5, "5")])
def test_small_counts_read_less_than_the_threshold(value, shown):
    cell = Cell("r", "t", "a", "b", Support("pop", (), ("m1",)), value)
    suppress([cell], [], DIMS, threshold=T)
    assert display(cell, T) == shown
