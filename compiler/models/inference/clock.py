"""The clock law: the rate a power limit allows a step at its own activity.

Part of the inference model (compiler/models/inference/__init__.py holds its formulas and assumptions).
"""
from __future__ import annotations

import numpy as np

from .physics import (Hardware, _col)


CLOCK_TOLERANCE = 1e-9    # the clock solve's bracket on the clock fraction x, or its draw's distance to the cap / cap
CLOCK_SECANT_STEPS = 10   # the clock solve's bracketed secant steps (Anderson-Bjorck), then bisection
CLOCK_STEPS = CLOCK_SECANT_STEPS + 40   # its most steps: 40 halvings take any bracket in [0, 1] to 1e-12


def _power_law(hw: Hardware):
    """The chip's draw law with its arrays as (scenarios, 1) columns, and s; (None, None) without one."""
    if hw.power is None:
        return None, None
    from dataclasses import fields

    from ..power import ChipPower
    model = hw.power
    return ChipPower(*(_col(getattr(model, f.name)) for f in fields(model))), _col(hw.clock_share)


def _solve_clock(power, share, activity) -> np.ndarray:
    """rho = compute_rate(x, s) at the clock fraction x the power limit allows a phase whose time, compute activity
    and traffic depend on its own clock: `activity(rho)` -> (t, busy, moved), t the phase's time with its compute
    at rate rho, busy its compute kernels' time at the full clock (a large GEMM's rate), moved its bytes' time at
    peak bandwidth. The clock law (compiler.models.power.sustained_clock) at the phase's own activity:
        x = the highest clock in [MIN_CLOCK, 1] with  D(x) = P_idle + a u_c(x) x v(x)^2 + b u_m(x) <= cap,
        u_c(x) = min(busy / (rho(x) t(x)), 1),   u_m(x) = min(moved / t(x), 1),   rho(x) = 1 / (s / x + 1 - s),
    i.e. the fixed point x = sustained_clock(u_c(x), u_m(x)). D is the step's dynamic energy over its time,
    a busy v(x)^2 (x / rho(x)) / t(x) + b moved / t(x): with t non-increasing in the clock (its compute at rate
    rho) every factor is non-decreasing in x, so D rises with x, the root of D(x) = cap is unique and bracketed.
    x = 1 where the full clock fits (or the phase has no compute: rho exactly 1). Else the root is bracketed by
    x_lo = sustained_clock(1, 1) (D(x_lo) <= cap whatever the activity: u_c, u_m <= 1; MIN_CLOCK, the law's floor,
    where even that misses the cap, as sustained_clock) and 1, split first at the voltage floor v0 (D's kink), then
    narrowed by CLOCK_SECANT_STEPS regula falsi steps (Anderson-Bjorck: an end kept twice has its excess scaled
    down) and bisection after them, so it converges whatever D's shape (a compute-bound step under the voltage
    floor draws nearly the same at every clock: a flat D the secant crosses slowly), until the bracket is within
    CLOCK_TOLERANCE or one end's draw within CLOCK_TOLERANCE x cap of the cap (that end is returned; else the
    fitting end). Vectorised over the scenarios, deterministic; 5-9 evaluations of the phase's time on validate's
    rows, at most CLOCK_STEPS. It replaces a fixed point iterated two passes from the full clock (docs/accuracy.md
    "The bigger chip's clock", part 4: up to 27% above this clock on a grid of step compositions, and not
    monotone in the memory's speed; "The converged clock", s17-converge)."""
    from ..power import compute_rate, dynamic_draw, sustained_clock

    def excess(x):                 # D(x) - cap (W), and where the phase has no compute to clock
        rho = compute_rate(x, share)
        t, busy, moved = activity(rho)
        t = np.maximum(t, 1e-30)
        u_c = np.clip(busy / (rho * t), 0.0, 1.0)
        u_m = np.clip(moved / t, 0.0, 1.0)
        return power.idle + dynamic_draw(power, u_c, x) + power.memory * u_m - power.cap, u_c == 0

    f_hi, idle = excess(np.ones(1))
    top = (f_hi <= 0) | idle
    bad = ~np.isfinite(f_hi) & ~top                             # an undefined step: its clock too (NaN)
    if np.all(top):
        return compute_rate(np.ones(np.shape(top)), share)
    lo = np.broadcast_to(sustained_clock(power, 1.0, 1.0), np.shape(top)).copy()   # fits whatever u_c, u_m <= 1
    f_lo = excess(lo)[0]
    hi = np.ones_like(lo)
    done = top | bad | (f_lo > 0)                               # the full clock fits; MIN_CLOCK does not
    f_true = f_lo                                               # the draw's excess at lo (the secant scales f_lo)
    h_true = f_hi                                               # and at hi
    last = np.zeros(np.shape(top), dtype=int)                   # the end the previous step moved: -1 lo, 1 hi
    cap = np.broadcast_to(power.cap, np.shape(top))
    floor = np.broadcast_to(power.floor, np.shape(top))
    for step in range(CLOCK_STEPS):
        done = done | (hi - lo <= CLOCK_TOLERANCE) | (np.minimum(-f_true, h_true) <= CLOCK_TOLERANCE * cap)
        if np.all(done):
            break
        with np.errstate(divide="ignore", invalid="ignore"):
            secant = lo - f_lo * (hi - lo) / (f_hi - f_lo)      # f_lo <= 0 < f_hi: inside the bracket
        mid = np.where(np.isfinite(secant) & (step < CLOCK_SECANT_STEPS), secant, 0.5 * (lo + hi))
        if step == 0:                                           # first split at the voltage floor, D's kink
            mid = np.where((lo < floor) & (floor < hi), floor, mid)
        mid = np.where(done, lo, np.clip(mid, lo, hi))
        f, _ = excess(mid)
        fit = (f <= 0) & ~done
        miss = (f > 0) & ~done
        with np.errstate(divide="ignore", invalid="ignore"):    # Anderson-Bjorck: an end kept twice, its
            m_hi = 1 - f / f_lo                                 # excess scaled by 1 - f(new) / f(replaced),
            m_lo = 1 - f / f_hi                                 # by 1 / 2 where that is not positive
        f_hi = np.where(fit & (last == -1), np.where(m_hi > 0, m_hi, 0.5) * f_hi, f_hi)
        f_lo = np.where(miss & (last == 1), np.where(m_lo > 0, m_lo, 0.5) * f_lo, f_lo)
        lo, f_lo, f_true = np.where(fit, mid, lo), np.where(fit, f, f_lo), np.where(fit, f, f_true)
        hi, f_hi, h_true = np.where(miss, mid, hi), np.where(miss, f, f_hi), np.where(miss, f, h_true)
        last = np.where(fit, -1, np.where(miss, 1, last))
    above = (h_true <= CLOCK_TOLERANCE * cap) & (h_true < -f_true)   # hi the nearer root, its draw within tolerance
    return compute_rate(np.where(top, 1.0, np.where(bad, np.nan, np.where(above, hi, lo))), share)


def _window_rate(power, share, loaded, steps) -> np.ndarray:
    """rho, the compute rate a power limiter that regulates the mean draw over many steps allows a serving
    replica's mixture (`power_limit_window` 1; compiler.models.power, the one clock law, over the window): a share
    f = `loaded` of its steps carries prompt chunks, the rest none (_step_mixture); at clock rate rho the loaded
    and decode-only steps take t_l(rho), t_0(rho) with compute activity busy_l, busy_0 (at the full clock) and
    traffic moved_l, moved_0 (`steps(rho)` -> ((t_l, busy_l, moved_l), (t_0, busy_0, moved_0))). Over a window
    of many steps the board draws the time-weighted mean, so
        T = f t_l + (1 - f) t_0,   u_c = (f busy_l + (1 - f) busy_0) / (rho T),   u_m = (f moved_l + (1 - f)
        moved_0) / T,   rho = compute_rate_at(u_c, u_m)
    one clock for every step of the window: the energy of the window's work over its time, whatever each step's
    length. Solved as _sustained_rate (_solve_clock: the highest clock whose draw fits, a bracketed solve). 1 without
    a law."""
    if power is None:
        return np.ones(1)

    def activity(rho):
        (t_l, busy_l, moved_l), (t_0, busy_0, moved_0) = steps(rho)
        return (loaded * t_l + (1 - loaded) * t_0, loaded * busy_l + (1 - loaded) * busy_0,
                loaded * moved_l + (1 - loaded) * moved_0)
    return _solve_clock(power, share, activity)


def _either(mask, on, off) -> tuple:
    """(t, terms) of `on` where `mask`, of `off` elsewhere."""
    pick = lambda a, b: np.where(mask, a, b)
    return pick(on[0], off[0]), {name: pick(on[1][name], off[1][name]) for name in on[1]}


def _sustained_rate(power, share, busy, moved, duration) -> np.ndarray:
    """rho, the compute rate the power limit allows a phase at its own activity (compiler.models.power, the one
    clock law): u_c = busy / (rho t), the share of the phase's time t the matrix units work at a large GEMM's
    rate (busy: the phase's FLOPs at that rate at the full clock; at clock rate rho they take busy / rho),
    u_m = moved / t (moved: its bytes at peak bandwidth); rho = compute_rate_at(u_c, u_m). `duration(rho)` is
    the phase's time with its compute at rate rho. The law's fixed point solved by _solve_clock (the highest
    clock whose draw at its own activity fits the cap, a bracketed solve to CLOCK_TOLERANCE). 1 without a law."""
    if power is None:
        return np.ones(1)
    return _solve_clock(power, share, lambda rho: (duration(rho), busy, moved))
