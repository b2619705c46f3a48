"""bench/mixtral_kv_operating_point.py: the step line's amplification of the rows in flight and the engine KV
wait at a run's own rows, by hand and by their laws (docs/accuracy.md "The Mixtral KV wait at the runs' own operating
point", s23-mixtail)."""
from __future__ import annotations

import math

import pytest

from bench.mixtral_kv_operating_point import amplification, best_single, kv_wait, step_line

# validate's v4.1 8x H100 SXM Mixtral Server column (one tp 1 engine of eight): capacity point B 698 rows at a TPOT
# mean of 108.5 ms; at the Sustainable Metal Cloud run's rate (6,302 tokens/s an engine) `--latency-at load` gives a
# TPOT mean of 98.9 ms, i.e. 6,302 x 0.0989 = 623.3 rows
B, T_B, X, T_L = 698.0, 0.1085, 6302.0, 0.0989


def test_step_line_and_amplification_by_hand() -> None:
    b_L = X * T_L
    k = step_line(B, T_B, b_L, T_L)
    # k = (0.1085 - 0.0989) / (698 - 623.27) = 0.0096 / 74.73 = 1.2846e-4 s a row; x k = 0.8096; A = 1 / 0.1904 = 5.25
    assert b_L == pytest.approx(623.27, rel=1e-4)
    assert k == pytest.approx(1.2846e-4, rel=1e-3)
    assert amplification(X, 1.0, k) == pytest.approx(5.25, rel=2e-3)
    assert math.isnan(step_line(B, T_B, B, T_B))                  # the run at the model's capacity: no line
    assert amplification(X, 1.3, k) == math.inf                   # x s k >= 1: no rows carry that rate


def test_amplification_is_the_fixed_points_elasticity() -> None:
    """The law: at one rate x the rows solve a = x s t(a) on t(b) = t_L + k (b - b_L), so a(s) = x s (t_L - k b_L) /
    (1 - x s k); its elasticity d ln a / d ln s (a central difference) is amplification(x, s, k), and a 1% slower
    step puts ~5% more rows in flight at the H100 SXM Mixtral operating point."""
    b_L = X * T_L
    k = step_line(B, T_B, b_L, T_L)

    def rows(s):
        return X * s * (T_L - k * b_L) / (1 - X * s * k)
    assert rows(1.0) == pytest.approx(b_L, rel=1e-12)            # s 1: the model's own point at the run's rate
    for s in (0.97, 1.0, 1.02):
        h = 1e-6
        elasticity = (math.log(rows(s * (1 + h))) - math.log(rows(s * (1 - h)))) / (2 * h)
        assert elasticity == pytest.approx(amplification(X, s, k), rel=1e-6)
    assert rows(1.01) / rows(1.0) - 1 == pytest.approx(0.0556, abs=2e-3)


def test_engine_kv_wait_knife_edge_by_hand() -> None:
    """Erlang C at c 699 rows (the model's cache an engine), life O T (144.84 tokens x TPOT): NVIDIA's DGX run (646
    rows, 102.6 ms): beta = 53 / sqrt(646) = 2.0853, P_w = 1 / (1 + beta Phi / phi) = 0.02168, W_99 = 14.861 / 53 x
    ln(2.168) = 0.2170 s; a Supermicro run (682 rows, 108.5 ms): beta 0.6510, P_w 0.4004, W_99 = 15.715 / 17 x
    ln(40.04) = 3.411 s: 5.6% more rows, 16x the wait; the 4x Fujitsu run (570 rows): no wait at the p99."""
    assert kv_wait(699.0, 646.0, 144.84 * 0.1026, 0.99) == pytest.approx(0.2170, rel=1e-3)
    assert kv_wait(699.0, 682.0, 144.84 * 0.1085, 0.99) == pytest.approx(3.411, rel=1e-3)
    assert kv_wait(699.0, 570.0, 144.84 * 0.0905, 0.99) == 0.0


def test_best_single_prediction_is_no_worse_than_the_model() -> None:
    """Part 3's bound: the group's one figure minimizes the median |error| of all rows, so it is never worse than
    any figure among its candidates (a group's measured values x 0.90..1.10), the row's own included."""
    rows = {1: (1.0,), 2: (1.1,), 3: (5.0,), 4: (2.0,), 5: (3.0,)}
    cur = {1: 0.5, 2: 0.5, 3: 0.8, 4: 0.05, 5: 0.12}
    before = sorted(cur.values())[2]
    m, P = best_single(rows, [1, 2, 3], cur)
    assert m <= before
    assert m == pytest.approx(sorted(cur.values())[2])
    assert P in {v[0] * f for v in rows.values() for f in (0.90, 0.95, 1.0, 1.05, 1.10)}
    assert abs(P / 1.0 - 1) <= 0.10 and abs(P / 1.1 - 1) <= 0.10    # two of three rows within 10%
