"""The rows in flight under the harness's dispatch and the token budget's hold (issue 11, latency; s16-tpot;
docs/accuracy.md "The rows in flight under the harness's dispatch"): compiler/models/inference/
`dispatch_row_share`, `budget_hold_slope` and their use in `_tpot_tail`; validate's `dispatch_held_rows` and
`budget_held_rows` entries. Hand calculations and laws, no model evaluation (each test well under a second)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from compiler import validate as V
from compiler.models import inference as M


def _w(x: float) -> float:
    """The Ornstein-Uhlenbeck window share, written out: 2 (x - 1 + e^-x) / x^2."""
    return 2.0 * (x - 1.0 + math.exp(-x)) / (x * x)


def test_dispatch_row_share_by_hand() -> None:
    """eps = 1/9, k = 8 engines (w(1/9) = 0.96397, w(1) = 2 / e = 0.73576):
        independent  w(eps) / (eps w(1)) = 0.96397 / (0.11111 x 0.73576)             = 11.7915
        least busy   (1 / 8) x 11.7915                                              =  1.4739
        shared queue eps_d = 1/9 + (8/9)(7/8) = 8/9, w(8/9) = 0.75938:
                     1.4739 + (7/8) x 0.75938 / (0.88889 x 0.73576)                 =  2.4899"""
    eps, k = 1.0 / 9.0, 8.0
    own = _w(eps) / (eps * _w(1.0))
    assert own == pytest.approx(11.7915, rel=1e-4)
    assert float(M.dispatch_row_share(eps, k, 0)) == pytest.approx(own, rel=1e-12)
    assert float(M.dispatch_row_share(eps, k, 2)) == pytest.approx(1.4739, rel=1e-4)
    assert float(M.dispatch_row_share(eps, k, 1)) == pytest.approx(2.4899, rel=1e-4)


def test_dispatch_row_share_laws() -> None:
    """One engine: every dispatch is the birth-death count alone; independent engines do not depend on k; the least
    busy dispatch holds an engine's rows at most as wide as a shared queue, and that at most as wide as independent
    queues; eps = 1 with independent queues is the Poisson count (share 1); more engines never widen a held count."""
    eps = np.array([0.05, 0.11, 0.2, 0.41, 0.9, 1.0])
    alone = np.array([_w(x) / (x * _w(1.0)) for x in eps])
    for dispatch in (0, 1, 2):
        assert np.allclose(M.dispatch_row_share(eps, 1.0, dispatch), alone, rtol=1e-12)
    for k in (2.0, 4.0, 8.0, 16.0):
        own, shared, least = (M.dispatch_row_share(eps, k, d) for d in (0, 1, 2))
        assert np.allclose(own, alone, rtol=1e-12)
        assert np.all(least <= shared + 1e-12) and np.all(shared <= own + 1e-12)
        assert np.allclose(least, alone / k, rtol=1e-12)
    assert float(M.dispatch_row_share(1.0, 8.0, 0)) == pytest.approx(1.0)
    for d in (1, 2):
        shares = [M.dispatch_row_share(eps, k, d) for k in (1.0, 2.0, 4.0, 8.0, 16.0)]
        assert all(np.all(b <= a + 1e-12) for a, b in zip(shares, shares[1:]))


def _linear_step(share, rows):
    """t = 10 ms + 0.2 ms x rows + 0.05 ms x prompt tokens (prompt tokens = rows x share)."""
    return 10e-3 + 0.2e-3 * rows + 0.05e-3 * rows * share, {}


def _tail(**kw):
    b, r, one = np.array([[400.0]]), np.array([[0.75]]), np.array([[1.0]])
    p99, _ = M._tpot_tail(_linear_step, b, r, one, np.array([[2.326]]), np.array([[math.sqrt(2 / 3)]]), **kw)
    return float(p99[0, 0])


def test_tpot_tail_under_the_least_busy_dispatch_by_hand() -> None:
    """tests/test_inference.py's linear step at b = 400 rows, r = 0.75 (300 prompt tokens a step): t = 105 ms,
    e_b = 400 x 0.2 / 105 = 0.7619, e_P = 300 x 0.05 / 105 = 0.1429, eps = 1 - 0.7619 / 0.8571 = 1/9.
    Least busy of 8 engines: share 1.4739 (above), s_b = sqrt(2/3) x 20 x sqrt(1.4739) = 19.826 rows,
    a = 0.2 ms x 19.826 = 3.965 ms, c = 0.05 ms x 300 x sqrt(2 / 400) = 1.061 ms, S = 4.105 ms,
    p99 = 105 + 2.326 x 4.105 = 114.55 ms. Independent queues (the birth-death count alone): share 11.79,
    s_b 56.08, S 11.27 ms, p99 131.20 ms; the Poisson count (elastic 0): 112.99 ms."""
    assert _tail() == pytest.approx(112.99e-3, rel=1e-4)
    assert _tail(elastic=np.array([[1.0]]), engines=np.array([[8.0]]), dispatch=np.array([[2.0]])) \
        == pytest.approx(114.547e-3, rel=1e-4)
    assert _tail(elastic=np.array([[1.0]])) == pytest.approx(131.20e-3, rel=1e-4)
    assert _tail(elastic=np.array([[1.0]]), engines=np.array([[8.0]]), dispatch=np.array([[1.0]])) \
        == pytest.approx(117.238e-3, rel=1e-4)


def test_dispatch_and_hold_are_read_only_with_the_birth_death_count() -> None:
    """elastic 0 (the model's default): engines, dispatch and hold change nothing, bit for bit; a hold that takes
    eps to 1 or past it gives the Poisson count again (the share w(1) / w(1) = 1)."""
    base = _tail()
    assert _tail(engines=np.array([[8.0]]), dispatch=np.array([[2.0]]), hold=np.array([[0.5]])) == base
    assert _tail(elastic=np.array([[1.0]]), hold=np.array([[1.0]])) == pytest.approx(base, rel=1e-12)
    held = [_tail(elastic=np.array([[1.0]]), hold=np.array([[h]])) for h in (0.0, 0.1, 0.3, 0.6, 0.9)]
    assert all(b <= a for a, b in zip(held, held[1:]))          # a stronger hold never widens the tail


def test_budget_hold_slope_by_hand() -> None:
    """hold = rho q / (tau r), rho = min(1, b r / room): b = 100 rows, r = 2 prompt tokens a row a step, room 400
    tokens: rho = 200 / 400 = 0.5, hold = 0.5 / 2 = 0.25; room 150: rho held at 1, hold 0.5; a 2-token verify step
    (q 2) at tau 1.6: 0.5 x 2 / (1.6 x 2) = 0.3125; no prompt tokens (r = 0): 0."""
    assert float(M.budget_hold_slope(100.0, 2.0, 400.0)) == pytest.approx(0.25)
    assert float(M.budget_hold_slope(100.0, 2.0, 150.0)) == pytest.approx(0.5)
    assert float(M.budget_hold_slope(100.0, 2.0, 400.0, q_rows=2.0, tau=1.6)) == pytest.approx(0.3125)
    assert float(M.budget_hold_slope(100.0, 0.0, 400.0)) == 0.0


def test_the_entries_are_opt_in_and_name_their_lets() -> None:
    """Both mechanisms are measured, not applied: validate's defaults leave them off."""
    for name in ("dispatch_held_rows", "budget_held_rows"):
        assert V.MECHANISM_TABLE[name].applied == ()
        assert set(V.MECHANISM_TABLE[name].concerns) == {"server", "interactive"}
    assert M.row_dispatch_engines.value == 1.0 and M.row_dispatch.value == 0.0 and M.row_budget_hold.value == 0.0
