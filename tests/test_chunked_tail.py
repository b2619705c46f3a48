"""The chunked engines' p99 (docs/accuracy.md "The chunked engines' p99"): two opt-in terms of the time to first
token, `integer_chunk_steps` (MECHANISMS "chunk_steps": whole steps at each quantile) and `step_residual_tail`
(MECHANISMS "residual_tail": the rest of the step in flight at its spread), each with hand calculations on
_budget_ttft's test point, and the opt-in law."""
from __future__ import annotations

import math

import numpy as np
import pytest

from compiler import validate as V
from compiler.models import inference as M


def _parts(room: float = 8000.0, chunk_steps: float = 0.0, rest_in_flight: float = 0.0) -> tuple:
    """test_harness_dispatch's chunked point (base 5 ms, t_decode 10 ms, kappa 10 us a token, I = 200, share 1, no
    longest prompt, no dispatch shift) at `room`, then the two switches' entries."""
    values = (5e-3, 10e-3, 1e-5, room, 200.0, 1.0, math.inf, 0.0, 0.0, 10e-3, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0,
              0.0, 0.0, chunk_steps, rest_in_flight)
    return tuple(np.array([v]) for v in values)


def _ttft(parts, q: float) -> float:
    return float(M._budget_ttft(parts, None, np.array([0.05]), np.array([1.0]), q)[0])


def test_switches_off_are_the_law_before() -> None:
    """Both entries 0 give test_harness_dispatch's hand values (p50 18.459 ms, p99 26.695 ms)."""
    assert _ttft(_parts(), 0.50) == pytest.approx(18.459e-3, rel=1e-4)
    assert _ttft(_parts(), 0.99) == pytest.approx(26.695e-3, rel=1e-4)


def test_integer_steps_by_hand() -> None:
    """rho 0.05, cv 1: E[X] = 200 (1 + 0.05 / 0.95) = 210.526 tokens. Room 300: X_99 = 210.526 x 4.60517 = 969.51,
    X_99 / room = 3.2317: the law's 3.7317 steps, whole steps ceil = 4: +0.2683 x 10 ms = +2.683 ms. X_50 =
    145.925, 0.486 of the room: one step either way (the p50 unchanged)."""
    law, whole = _parts(room=300.0), _parts(room=300.0, chunk_steps=1.0)
    assert _ttft(whole, 0.99) - _ttft(law, 0.99) == pytest.approx(2.683e-3, rel=1e-3)
    assert _ttft(whole, 0.50) == pytest.approx(_ttft(law, 0.50), rel=1e-12)


def test_residual_tail_by_hand() -> None:
    """The rest of the step in flight R = 5 ms: U uniform over T = 10 ms. The law's tail scale at the p99 (one step:
    S linear in L) theta = E[X] kappa = 210.526 x 10 us = 2.10526 ms. The p99 of U + E solves
    (theta / T) e^(-x / theta) (e^(T / theta) - 1) = 0.01 above T: x = T + theta ln(theta (1 - e^(-T / theta)) /
    (0.01 T)) = 10 + 2.10526 ln(20.870) = 16.3965 ms; less T / 2 + theta ln 100 = 5 + 9.6951: +1.7014 ms."""
    law, tail = _parts(), _parts(rest_in_flight=5e-3)
    assert _ttft(tail, 0.99) - _ttft(law, 0.99) == pytest.approx(1.7014e-3, rel=2e-3)


def test_residual_excess_limits() -> None:
    """A queue with no spread waits the uniform's own quantile, q T, not T / 2 (excess (q - 1/2) T); no step in
    flight, nothing; the excess falls as the queue's spread grows beside the step (theta / T 0.1, 0.3, 1: 0.270,
    0.128, 0.041 T at the p99, against 2,000,000 Monte Carlo draws 0.270, 0.125, 0.046)."""
    ex = M._residual_excess(np.array([1.0, 0.0, 1.0, 1.0, 1.0]), np.array([1e-12, 1.0, 0.1, 0.3, 1.0]), 0.99)
    assert ex[0] == pytest.approx(0.49, abs=1e-6)
    assert ex[1] == 0.0
    assert ex[2] > ex[3] > ex[4] > 0
    assert ex[2:] == pytest.approx([0.2697, 0.1279, 0.0413], abs=2e-3)


@pytest.mark.parametrize("q", [0.01, 0.5, 0.99, 0.999])
def test_residual_excess_is_the_quantile_of_its_sum(q: float) -> None:
    """The law itself: at the returned x = excess + T / 2 + theta ln(1 / (1 - q)), the chance that U + E (U
    uniform over [0, T], E exponential of scale theta) exceeds x is 1 - q. The chance is integrated here over u,
    P = (1 / T) int_0^T P(E > x - u) du, by the midpoint rule on 200,000 slices (within 1e-5 of the exact chance), independent of the closed form
    and of the Newton steps in _residual_excess; theta / T from 1e-3 (the uniform's own quantile) to 1e3 (the
    exponential's), on both sides of x = T."""
    T = np.full(8, 1e-2)
    theta = T * np.array([1e-3, 1e-2, 0.1, 0.3, 1.0, 3.0, 30.0, 1e3])
    x = M._residual_excess(T, theta, q) + T / 2 + theta * math.log(1 / (1 - q))
    u = (np.arange(200_000) + 0.5) / 200_000
    for Ti, th, xi in zip(T, theta, x):
        exceed = np.exp(np.minimum(-(xi - u * Ti) / th, 0.0)).mean()
        assert exceed == pytest.approx(1 - q, rel=1e-5)


def test_opt_in_and_the_delay_constants() -> None:
    """`residual_tail` is applied on the Server and Interactive rows (since 2026-12-05, with knee_power,
    capacity_margin and allreduce_kernels: TTFT p99 12.0% -> 9.9%), `chunk_steps` not; the p99 delays are stated
    against the inference model's fitted delay."""
    assert V.MECHANISMS["chunk_steps"] == () and V.MECHANISMS["residual_tail"] == ("server", "interactive")
    assert V.FIRST_TOKEN_DELAY == M.first_token_delay.value
    assert 0.0 <= V.RESIDUAL_TAIL_P99_DELAY <= V.FIRST_TOKEN_DELAY
