"""The prompt queue's wait at the busy steps' mean length (`busy_step_length`, compiler/models/inference/
busy_step_fraction; MECHANISMS "busy_step_mean", compiler/validate.py; docs/accuracy.md "The busy step's mean
length", s18-busystep): g by hand, its limits (every busy step full: today's wait; no prompt traffic: no wait), the
TTFT law it enters, and the opt-in."""
from __future__ import annotations

import math

import numpy as np
import pytest

from compiler import validate as V
from compiler.models import inference as M
from tests.test_interactive_engines import _interactive_row, _parts, _spread_parts


def _g(rho, s, d) -> float:
    return float(M.busy_step_fraction(rho, s, d))


def test_g_by_hand() -> None:
    """u = s / max(1 - rho, s + (1 - rho) / 2), g = d + u (1 - d). bench/least_busy_share.py's H200 tp 1 step
    (t(0) 26.5 ms, kappa 0.1166 ms a token, room 174: t_full 46.79 ms, d = 0.5664; s = 222.33 / 174 = 1.2778) at
    rho 0.5: u = 1.2778 / 1.5278 = 0.8364, g = 0.5664 + 0.8364 x 0.4336 = 0.9290 (the simulation's busy steps:
    0.925). Short prompts (s 0.1, rho 0.6): max(0.4, 0.3) = 0.4, u = 0.25 (a busy period's one step)."""
    d = 0.0265 / (0.0265 + 0.1166e-3 * 174)
    assert d == pytest.approx(0.5664, abs=1e-4)
    assert _g(0.5, 222.33 / 174, d) == pytest.approx(0.9290, abs=1e-4)
    assert _g(0.6, 0.1, 0.0) == pytest.approx(0.25, abs=1e-12)


def test_the_limits() -> None:
    """Every busy step full (rho -> 1, or prompts of many steps s -> infinity) or prompt tokens free (d = 1): g = 1,
    today's law. g lies in [d, 1] and rises with rho and s."""
    for d in (0.0, 0.5, 1.0):
        assert _g(1.0, 1.3, d) == 1.0
        assert _g(0.5, 1e12, d) == pytest.approx(1.0, abs=1e-9)
        assert _g(0.3, 1.3, 1.0) == 1.0
    rho = np.linspace(0.0, 1.0, 101)
    for s in (0.2, 1.0, 3.0):
        g = M.busy_step_fraction(rho, s, 0.4)
        assert np.all(np.diff(g) > 0) and np.all((g >= 0.4) & (g <= 1.0))
    gs = [M.busy_step_fraction(0.5, s, 0.4) for s in (0.1, 0.5, 1.0, 2.0, 8.0)]
    assert all(b > a for a, b in zip(gs, gs[1:]))


def _with(parts, busy: float, room: float = 150.0, share: float = 0.6) -> tuple:
    """tests/test_interactive_engines.py's chunked point (t_decode = t_mean 10 ms, I 200) with `room` and the mean
    step's `share` of a full one (d = t_decode share / t_mean = share), no least-busy law, and the flag."""
    p = list(parts)
    p[3], p[5] = np.array([room]), np.array([share])
    return tuple(p) + (np.array([0.0]), np.array([busy]))


def _ttft(parts, rho, q) -> float:
    return float(M._budget_ttft(parts, None, np.array([rho]), np.array([1.0]), q)[0])


def test_the_ttft_law_by_hand() -> None:
    """Room 150, I 200 (s 1.3333), share 0.6 (d 0.6), rho 0.5, cv 1, p99 (L = ln 100): u = 1.3333 / 1.5833 =
    0.8421, g = 0.6 + 0.8421 x 0.4 = 0.9368, rho g = 0.4684, w = 0.4684 / 0.5316 = 0.8812 (at rho: 1);
    X = 200 (1 + w) L = 1,732.64 tokens (1,842.07), N = X / 150 + 1/2 = 12.051 steps, others 0.5 x 0.5 x 150 x 0.6
    = 22.5 tokens: TTFT = 5 + 12.051 x 10 + (1,732.64 + 22.5) x 0.01 = 143.06 ms (without: 151.45 ms)."""
    assert _ttft(_with(_parts(1.0), 1.0), 0.5, 0.99) == pytest.approx(143.06e-3, rel=1e-4)
    assert _ttft(_with(_parts(1.0), 0.0), 0.5, 0.99) == pytest.approx(151.45e-3, rel=1e-4)


def test_off_full_steps_and_no_traffic_leave_the_law() -> None:
    """The flag 0 is the law without the entry, bit for bit; on, prompts that fit a step (I <= room: not checked,
    left alone), prompt tokens free (share 1: d = 1, every busy step as long as a full one) and no prompt traffic
    (rho 0: no wait either way) give today's TTFT; elsewhere it is shorter and still rises with rho (the own prompt
    at its spread and the residual tail on)."""
    for q in (0.50, 0.99):
        for rho in (0.0, 0.3, 0.7):
            ref = _ttft(_with(_parts(1.0), 0.0), rho, q)
            assert _ttft(tuple(_with(_parts(1.0), 0.0))[:-1], rho, q) == ref
            assert _ttft(_with(_parts(1.0), 1.0, room=256.0), rho, q) == _ttft(_with(_parts(1.0), 0.0, room=256.0),
                                                                               rho, q)
            assert _ttft(_with(_parts(1.0), 1.0, share=1.0), rho, q) == pytest.approx(
                _ttft(_with(_parts(1.0), 0.0, share=1.0), rho, q), rel=1e-12)
        assert _ttft(_with(_parts(1.0), 1.0), 0.0, q) == _ttft(_with(_parts(1.0), 0.0), 0.0, q)
        on = [_ttft(_with(_spread_parts(1.0), 1.0), r, q) for r in (0.05, 0.3, 0.6, 0.9)]
        off = [_ttft(_with(_spread_parts(1.0), 0.0), r, q) for r in (0.05, 0.3, 0.6, 0.9)]
        assert all(math.isfinite(v) for v in on) and all(b < a for a, b in zip(off, on))
        assert all(b > a for a, b in zip(on, on[1:]))


def test_opt_in() -> None:
    """Applied since 2026-12-07 (the model's default 1, docs/accuracy.md "Five mechanisms applied"): the chunked
    rows (the v5.0 H200 Interactive one here) read the flag; `--without busy_step_mean` gives them 0 (every busy
    step full, the model before)."""
    assert V.MECHANISMS["busy_step_mean"] == ("server", "interactive") and M.busy_step_length.value == 1.0
    assert _interactive_row(None).lets["busy_step_length"] == 1.0
    assert _interactive_row(V.mechanisms_with(off=("busy_step_mean",))).lets["busy_step_length"] == 0.0
