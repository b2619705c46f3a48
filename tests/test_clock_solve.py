"""The step clock's solve (compiler/models/inference/ _solve_clock; docs/accuracy.md "The converged clock",
s17-converge, 2026-12-06), as laws on a grid of step compositions.

The clock law gives a phase the highest clock x in [MIN_CLOCK, 1] whose draw at its own activity fits the cap:
    D(x) = P_idle + a u_c(x) x v(x)^2 + b u_m(x) <= cap,   u_c = busy / (rho t(rho)),   u_m = moved / t(rho),
rho = x (s = 1), t the step's time with its compute at rate rho. D rises with x, so the solve is a bracketed root:
  1. the solved clock satisfies its equation: x = 1 with D(1) <= cap, or D(x) = cap within CLOCK_TOLERANCE x cap
     (equivalently the fixed point x = sustained_clock(u_c(x), u_m(x)));
  2. it is monotone: a lower cap never gives a higher clock (more FLOPs need not lower it: they dilute the
     step's memory traffic, whose power then leaves more headroom);
  3. a sweep is the runs one at a time: the grid solved at once is bit for bit each composition solved alone.
"""
from __future__ import annotations

import numpy as np

from compiler.models.inference import CLOCK_TOLERANCE, _sustained_rate
from compiler.models.power import ChipPower, dynamic_draw, sustained_clock
from test_power_window import H100           # the H100 SXM's draw law (tests/ on the path)


def _grid():
    """1,875 decode-step compositions (inference.verify's shape): GEMM FLOPs, knee, attention, weight read 0.1-100 ms
    (5 each), the rest 0 / 1 / 10 ms."""
    g = np.geomspace(1e-4, 0.1, 5)
    return [x.ravel() for x in np.meshgrid(g, g, g, g, np.r_[0.0, 1e-3, 1e-2], indexing="ij")]


def _phase(flops, knee, attn, weights, rest):
    def duration(rho):
        return np.maximum((flops + knee) / rho, weights) + attn / rho + rest
    return flops + knee + attn, weights, duration


def _draw(power: ChipPower, busy, moved, duration, x):
    t = duration(x)
    u_c, u_m = np.clip(busy / (x * t), 0, 1), np.clip(moved / t, 0, 1)
    return power.idle + dynamic_draw(power, u_c, x) + power.memory * u_m, u_c, u_m


def _capped(cap: float) -> ChipPower:
    return ChipPower(idle=H100.idle, dynamic=H100.dynamic, memory=H100.memory, cap=np.asarray(cap), floor=H100.floor)


def test_the_solved_clock_satisfies_its_equation_on_a_grid() -> None:
    busy, moved, duration = _phase(*_grid())
    for cap in (700.0, 450.0, 250.0):
        power = _capped(cap)
        x = _sustained_rate(power, np.asarray(1.0), busy, moved, duration)
        draw, u_c, u_m = _draw(power, busy, moved, duration, x)
        full = x == 1.0
        assert np.all(draw[full] <= cap)                                            # the full clock fits
        assert np.all(np.abs(draw[~full] - cap) <= 2 * CLOCK_TOLERANCE * cap)       # the draw is the cap
        assert np.all(np.abs(sustained_clock(power, u_c, u_m) - x) <= 1e-8)        # the fixed point
        assert np.sum(~full) > 100                                                 # the grid throttles


def test_the_clock_is_monotone_in_the_cap() -> None:
    busy, moved, duration = _phase(*_grid())
    clocks = [_sustained_rate(_capped(cap), np.asarray(1.0), busy, moved, duration) for cap in (700, 600, 450, 300)]
    for higher, lower in zip(clocks, clocks[1:]):
        assert np.all(lower <= higher + 1e-9)


def test_the_grid_solved_at_once_is_each_composition_solved_alone() -> None:
    flops, knee, attn, weights, rest = _grid()
    busy, moved, duration = _phase(flops, knee, attn, weights, rest)
    together = _sustained_rate(H100, np.asarray(1.0), busy, moved, duration)
    for i in range(0, flops.size, 37):
        b, m, d = _phase(flops[i], knee[i], attn[i], weights[i], rest[i])
        assert float(np.ravel(_sustained_rate(H100, np.asarray(1.0), b, m, d))[0]) == together[i]


def test_a_step_with_no_compute_keeps_the_full_clock_and_an_undefined_one_stays_undefined() -> None:
    """A step with no compute has no clock to lower (rho exactly 1, whatever its traffic: as sustained_clock); an
    undefined step (NaN time) gets a NaN clock, as the two-pass iterate gave it, not a number; the others beside
    them are solved as alone."""
    busy = np.array([0.0, np.nan, 0.010])
    moved = np.array([0.019, 0.001, 0.0007])
    duration = lambda rho: np.array([0.020, np.nan, 0.0]) + busy / rho     # noqa: E731
    x = _sustained_rate(H100, np.asarray(1.0), np.nan_to_num(busy), moved, duration)
    alone = _sustained_rate(H100, np.asarray(1.0), 0.010, 0.0007, lambda rho: 0.010 / rho)
    assert x[0] == 1.0 and np.isnan(x[1]) and x[2] == float(np.ravel(alone)[0]) < 1.0
