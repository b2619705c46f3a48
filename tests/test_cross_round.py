"""bench/cross_round.py's fit (docs/accuracy.md "Constants refitted round by round"): the selection rule recovers a
known constant from synthetic rows, and the patch it runs validate under leaves the module as it found it. The
bench itself (~14 validate passes) is not run here."""
from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import cross_round as C  # noqa: E402


def synthetic_errors(true: float, grid, noise) -> np.ndarray:
    """rows x grid: a throughput proportional to the efficiency e, measured at e = `true` with a row's own
    multiplicative noise: predicted / measured - 1 = (e / true) exp(-n) - 1."""
    g = np.asarray(grid, dtype=float)
    return np.asarray([g / true * math.exp(-n) - 1 for n in noise])


def test_fit_recovers_a_known_factor() -> None:
    # noise symmetric about 0 with a zero: at e = true the |log errors| are {0.1, 0.05, 0, 0.05, 0.1}, median
    # 0.05; at true (1 + d) they are {d, 0.05 - d, 0.05 + d, ...}, median 0.05 + d: the least is at e = true
    noise = (-0.10, -0.05, 0.0, 0.05, 0.10)
    for true in (0.46, 0.63, 0.82):
        value, med = C.argmin_median(synthetic_errors(true, C.EFF_GRID, noise), C.EFF_GRID)
        assert value == true
        assert abs(med - 0.05) < 1e-12


def test_fit_leaves_out_rows_without_a_prediction() -> None:
    errs = synthetic_errors(0.55, C.EFF_GRID, (-0.10, -0.05, 0.0, 0.05, 0.10))
    errs = np.vstack([errs, np.full(len(C.EFF_GRID), np.nan)])
    assert C.argmin_median(errs, C.EFF_GRID)[0] == 0.55
    assert all(math.isnan(x) for x in C.argmin_median(np.full((2, 3), np.nan), (1, 2, 3)))


def test_patch_restores_validate() -> None:
    V = C.V
    before = (V.plan, V.RESIDUAL_TAIL_P99_DELAY, V.ADDIN_CAPACITY_MARGIN)
    try:
        with C.patched(tail=0.1, margin=0.2):
            assert V.ADDIN_CAPACITY_MARGIN == 0.2 and V.plan is not before[0]
            raise RuntimeError
    except RuntimeError:
        pass
    assert (V.plan, V.RESIDUAL_TAIL_P99_DELAY, V.ADDIN_CAPACITY_MARGIN) == before


def test_shipped_values_are_the_modules() -> None:
    # the bench's "shipped" column reads the constants validate applies, not copies that could drift
    assert C.SHIPPED["first_token_delay"] == C.V.FIRST_TOKEN_DELAY
    assert C.SHIPPED["residual_tail_p99"] == C.V.RESIDUAL_TAIL_P99_DELAY
    assert C.SHIPPED["capacity_margin"] == C.V.ADDIN_CAPACITY_MARGIN
    assert set(C.SHIPPED_FAMILY) == set(C.V.FAMILIES.values())
