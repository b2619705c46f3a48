"""bench/ttft_lgo.py (docs/accuracy.md "The first-token pair with fewer constants", s17-ttft): the parameterisations
are the right subsets of a saved surface, and the held-out estimate obeys two laws: a parameterisation with no
free constant (one point) is judged held out exactly as in-sample (nothing is fitted, nothing can leak), and
fewer candidate points never lower the in-sample score (a least over a subset is no less than over the set)."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import cross_round as C  # noqa: E402
import ttft_lgo as L  # noqa: E402

POINTS = np.asarray([(0.0, 0.0), (0.1, 0.1), (0.1, 0.2), (0.0, 0.2), (0.1, 0.1)])


def test_the_parameterisations_are_the_surfaces_subsets() -> None:
    # by hand: the repeated (0.1, 0.1) counts once (its first index, 1)
    assert L.columns(POINTS, "pair").tolist() == [0, 1, 2, 3]
    assert L.columns(POINTS, "tie").tolist() == [0, 1]
    assert L.columns(POINTS, "p99 0").tolist() == [0]
    assert L.columns(POINTS, "p50 0").tolist() == [0, 3]
    assert L.columns(POINTS, "none").tolist() == [0]


def _surface(seed: int = 7):
    rng = np.random.default_rng(seed)
    n = 24
    cats = np.asarray(["TTFT p50", "TTFT p99"] * (n // 2))
    rounds = np.asarray(["inference-v5.0"] * 16 + ["inference-v4.1"] * 8)
    errors = rng.normal(0.0, 0.15, size=(n, 4)) + np.asarray([0.05, -0.02, 0.0, 0.08])
    groups = {"benchmark": [f"b{i % 3}" for i in range(n)], "family": [f"f{i % 4}" for i in range(n)]}
    return errors, cats, rounds, groups


def test_no_free_constant_is_judged_held_out_as_in_sample() -> None:
    errors, cats, rounds, groups = _surface()
    one = errors[:, [2]]
    est = L.estimate(one, cats, rounds, groups)
    _, p50, p99 = est["in-sample"]
    held = {k: v for k, v in est.items() if k != "in-sample"}
    assert len(held) == 4                       # two groupings x (fit on both rounds, on v5.0)
    for key, (h50, h99) in held.items():
        assert abs(h50 - p50) < 1e-12 and abs(h99 - p99) < 1e-12, key


def test_fewer_points_never_lower_the_in_sample_score() -> None:
    errors, cats, rounds, groups = _surface()
    mask = np.ones(len(cats), dtype=bool)
    full = np.nanmin(C.pair_score(cats, errors, mask))
    for cols in ([0, 1], [1, 3], [2]):
        assert np.nanmin(C.pair_score(cats, errors[:, cols], mask)) >= full - 1e-12


def test_a_family_factor_is_refit_without_the_held_out_group() -> None:
    # throughput proportional to the factor e; group "a" measured at e = 0.80, group "b" at 0.84 (two rows each,
    # errors e / true - 1). By hand: without "a" the rule sees only "b" rows and picks 0.84; without "b", 0.80.
    # The TTFT rows of each group are read at the OTHER group's pick: a's at column 0.84, b's at column 0.80.
    grid = [0.78, 0.80, 0.82, 0.84, 0.86]
    g = np.asarray(grid)
    thr = np.asarray([g / 0.80 - 1, g / 0.80 - 1, g / 0.84 - 1, g / 0.84 - 1])
    tt = np.asarray([[10.0, 11.0, 12.0, 13.0, 14.0], [20.0, 21.0, 22.0, 23.0, 24.0]])
    errs, picks = L.factor_folds(grid, thr, ["a", "a", "b", "b"], tt, ["a", "b"])
    assert picks == {"a": 0.84, "b": 0.80}
    assert errs.tolist() == [13.0, 21.0]
    # a fold with no throughput row left (every row is the held-out group's): no factor (NaN), never the grid's
    # first point; the other group reads the rule's pick on "a"'s two rows, 0.80
    errs, picks = L.factor_folds(grid, thr[:2], ["a", "a"], tt, ["a", "b"])
    assert np.isnan(picks["a"]) and np.isnan(errs[0])
    assert picks["b"] == 0.80 and errs[1] == 21.0
