"""The power limit fed back into the step's clock, two corrections (docs/accuracy.md "The attention's draw in an FP4
step and the power limit over a window of steps", s16-clock, 2026-12-06), by hand.

1. The attention's draw in an FP4 step. At precision fp4 a Blackwell Ultra chip's compute dynamic power a is its
   `fp4_dynamic_power` (GB300 4,513 W, B300 3,761 W: a full-rate NVFP4 GEMM's), but the step's attention kernels run
   FP8 / BF16 (the KV cache's format) and draw the TDP-scaled a (1,400 / 1,100 W x 2.5073 = 3,510.2 / 2,758.1 W).
   The step's draw is P_idle + x v^2 (a u_gemm + a_attn u_attn) + b u_m, so the clock law takes
   u_c = u_gemm + (a_attn / a) u_attn (power.attention_power_share).
2. The power limit over a window of steps (`power_limit_window`, opt-in). A board's limiter regulates the power
   averaged over many steps, so a serving replica's prompt-loaded and decode-only steps run at one clock, the one
   their mean draw allows (inference._window_rate), not each at its own.
"""
from __future__ import annotations

import numpy as np
import pytest

from compiler.models.inference import CLOCK_TOLERANCE, _sustained_rate, _window_rate
from compiler.models.power import (GEMM_CLOCK, GEMM_MEMORY_UTILIZATION, H100_MEMORY_POWER, ChipPower,
                                   _gemm_dynamic_power, dynamic_power_share)

A_H100 = _gemm_dynamic_power(0.72)                      # 1,755.1 W: the H100 fit (power.py)
H100 = ChipPower(idle=np.asarray(72.0), dynamic=np.asarray(A_H100), memory=np.asarray(H100_MEMORY_POWER),
                 cap=np.asarray(700.0), floor=np.asarray(0.72))


def _f(value) -> float:
    return float(np.ravel(value)[0])


class _Chip:
    """A chip's figures as chip_power_model reads them (the stdlib's: stdlib/chips.factory)."""

    def __init__(self, **values):
        self.values = values

    def get(self, name, default=None):
        return np.asarray(self.values[name] if name in self.values else getattr(default, "value", default))

    def is_set(self, name):
        return name in self.values

    has = is_set


STDLIB = {"GB300": _Chip(tdp=1400.0, fp4_dynamic_power=4513.0), "B300": _Chip(tdp=1100.0, fp4_dynamic_power=3761.0),
          "GB200": _Chip(tdp=1200.0), "H100_SXM": _Chip(tdp=700.0, idle_power=72.0)}


def test_the_attention_draws_its_own_formats_power_in_an_fp4_step() -> None:
    """a_attn / a by hand: GB300 3,510.2 / 4,513 = 0.7778, B300 2,758.1 / 3,761 = 0.7333 at fp4; 1 at fp8, and 1 on
    a chip without `fp4_dynamic_power` at fp4 (its a is the same at every format)."""
    from compiler.models.power import attention_power_share, chip_power_model

    assert dynamic_power_share.value * 1400 == pytest.approx(3510.2, abs=0.1)
    assert dynamic_power_share.value * 1100 == pytest.approx(2758.1, abs=0.1)
    expect = {("GB300", "fp4"): 3510.2 / 4513, ("B300", "fp4"): 2758.1 / 3761,
              ("GB300", "fp8"): 1.0, ("GB200", "fp4"): 1.0, ("H100_SXM", "fp8"): 1.0}
    assert expect[("GB300", "fp4")] == pytest.approx(0.7778, abs=1e-4)
    assert expect[("B300", "fp4")] == pytest.approx(0.7333, abs=1e-4)
    for (chip, precision), share in expect.items():
        model = chip_power_model(STDLIB[chip], None, precision)
        assert float(np.ravel(attention_power_share(STDLIB[chip], model))[0]) == pytest.approx(share, rel=2e-5)


def test_the_stdlib_blackwell_ultra_figures_are_the_ones_above() -> None:
    from compiler import catalogue

    values = catalogue._module("chips").results.values
    for chip, fake in STDLIB.items():
        for name, value in fake.values.items():
            assert float(np.ravel(values[f"{chip}.{name}"])[0]) == value, (chip, name)


def test_a_window_of_one_kind_of_step_is_that_steps_own_clock() -> None:
    """A window of compute-bound steps only (f = 1: 10 ms of GEMMs at the full clock, u_c = 1 at any clock, their
    traffic the fit's, u_m = 0.0731 at x = 0.6818) is the step's own clock law, solved alike, and within 0.5% of
    the H100 fit x = 1,350 / 1,980 = 0.6818 (power.py; `moved`, the bytes at peak bandwidth, is fixed, so u_m
    = moved / t follows the step's time, as in _sustained_rate)."""
    moved = GEMM_MEMORY_UTILIZATION * 0.010 / GEMM_CLOCK

    def steps(rho):
        loaded = (0.010 / rho, 0.010 + 0 * rho, moved + 0 * rho)
        return loaded, loaded
    rho = _window_rate(H100, np.asarray(1.0), 1.0, steps)
    own = _sustained_rate(H100, np.asarray(1.0), 0.010, moved, lambda r: 0.010 / r)
    assert _f(rho) == pytest.approx(_f(own), rel=1e-12)
    assert _f(rho) == pytest.approx(GEMM_CLOCK, rel=5e-3)


def test_the_window_clock_by_hand() -> None:
    """Half the steps carry 10 ms of GEMMs at the full clock (compute-bound: 10 / x ms at clock x, the GEMMs'
    traffic u_m 0.0731), half are 20 ms decode-only steps (no compute, 15 ms of memory traffic: u_m 0.75).

    Step at a time: the loaded step is the fit, x = 0.6818 (a 14.67 ms step), the decode-only step draws
    72 + 104.5 x 0.75 = 150 W, x = 1: mean step 0.5 x 14.67 + 0.5 x 20 = 17.33 ms.
    Over the window (one clock x, the mean draw at the cap), the fixed point x = h(x)^(1/3) of
        T = 0.5 x 10 / x + 0.5 x 20 ms,   u_c = 5 / (x T),   u_m = (0.5 x 0.731 + 0.5 x 15) / T,
        h = (700 - 72 - 104.5 u_m) / (1,755.1 u_c)
    iterated from x = 1 (each pass by hand):
        pass 1  T = 15 ms, u_c = 5 / 15 = 0.3333, u_m = (0.3655 + 7.5) / 15 = 0.5244;
                h = (628 - 104.5 x 0.5244) / (1,755.1 x 0.3333) = 573.2 / 585.0 = 0.9798, x = h^(1/3) = 0.9932
        pass 2  T = 5 / 0.9932 + 10 = 15.034 ms, u_c = 0.3349, u_m = 0.5232; h = 573.3 / 587.7 = 0.9755, x = 0.9918
        pass 3  T = 15.041 ms, u_c = 0.3352, u_m = 0.5229; h = 0.9746, x = 0.9915
        ... converged: T = 15.043 ms, u_c = 0.33526, u_m = 0.52286, h = 0.97439, x = 0.99139
    (the model stopped at pass 2, 0.9918, until s17-converge; the solve is now the law's root, within
    CLOCK_TOLERANCE): the mean step 5 / 0.99139 + 10 = 15.04 ms, 13% shorter than step at a time: the
    decode-only steps' unused headroom runs the loaded ones' GEMMs, as a limiter averaging over both does."""
    gemm, decode, moved = 0.010, 0.020, 0.015
    gemm_moved = GEMM_MEMORY_UTILIZATION * gemm       # the GEMMs' bytes: 0.731 ms at peak bandwidth

    def steps(rho):
        return (gemm / rho, gemm + 0 * rho, gemm_moved + 0 * rho), (decode + 0 * rho, 0 * rho,
                                                                                   moved + 0 * rho)
    x = _f(_window_rate(H100, np.asarray(1.0), 0.5, steps))
    # the same passes written out, to the fixed point (each pass moves x by about a fifth of the last move)
    a, b, head = A_H100, H100_MEMORY_POWER, 700.0 - 72.0
    hand, passes = 1.0, []
    for _ in range(60):
        t = 0.5 * gemm / hand + 0.5 * decode
        u_c = 0.5 * gemm / (hand * t)
        u_m = (0.5 * gemm_moved + 0.5 * moved) / t
        h = (head - b * u_m) / (a * u_c)
        hand = h ** (1 / 3)                       # 0.72^3 = 0.373 <= h < 1: the voltage follows the clock
        passes.append(hand)
    assert passes[0] == pytest.approx(0.9932, abs=1e-4) and passes[1] == pytest.approx(0.9918, abs=1e-4)
    assert passes[2] == pytest.approx(0.9915, abs=1e-4)
    assert x == pytest.approx(hand, abs=10 * CLOCK_TOLERANCE)
    assert x == pytest.approx(0.99139, abs=1e-5)
    window_step = 0.5 * gemm / x + 0.5 * decode
    own_step = 0.5 * gemm / GEMM_CLOCK + 0.5 * decode
    assert window_step == pytest.approx(15.04e-3, abs=0.01e-3) and own_step == pytest.approx(17.33e-3, abs=0.01e-3)


def test_the_window_clock_follows_the_mean_draw_not_the_steps_length() -> None:
    """The same work in steps half as long, twice as many (every time, activity and traffic halved): the same mean
    draw, the same clock."""
    def steps(scale):
        def at(rho):
            return ((scale * 0.010 / rho, scale * 0.010 + 0 * rho, scale * 0.0007 + 0 * rho),
                    (scale * 0.020 + 0 * rho, 0 * rho, scale * 0.015 + 0 * rho))
        return at
    one = _f(_window_rate(H100, np.asarray(1.0), 0.6, steps(1.0)))
    half = _f(_window_rate(H100, np.asarray(1.0), 0.6, steps(0.5)))
    assert half == pytest.approx(one, rel=1e-12) and one < 1.0


def test_the_window_clock_needs_no_law_without_a_power_model() -> None:
    assert _f(_window_rate(None, None, 0.5, lambda rho: None)) == 1.0


def test_a_serving_replica_is_no_slower_with_the_window_clock() -> None:
    """Over the limiter's window the decode-only steps' unused headroom runs the loaded steps' compute: at a fixed
    layout and batch the mean step is no longer than step at a time, and every step reports the window's one clock
    (a Server replica of Llama 2 70B FP8 on 8 H100 SXM at 700 W, tp 8, 64 rows: its loaded steps alone throttle to
    0.985, the mixture's mean draw fits the cap). Offline runs every step at the mean load: nothing to average."""
    from test_inference import run, spec, workload   # tests/ is on the path

    def values(window: float) -> dict:
        v = run(spec(workload("w", model="Llama2_70B", system="DGX_H100", accelerators=8, tp=8, pp=1, batch=64,
                              precision='"fp8"', kv_precision='"fp8"', scenario='"server"',
                              input_tokens="2048 tok", output_tokens="256 tok",
                              **{"let power_limit_window": window})))
        return {k: float(v[f"s.w.{k}"][0]) for k in ("tpot_mean", "clock_fraction", "tokens_per_s")}
    own, window = values(0.0), values(1.0)
    assert own["clock_fraction"] < 1.0                       # the loaded steps throttle on their own
    assert window["tpot_mean"] <= own["tpot_mean"] * (1 + 1e-12)
    assert window["clock_fraction"] >= own["clock_fraction"]     # 1.000 against 0.985 (the mixture's mean fits)
    assert window["tokens_per_s"] >= own["tokens_per_s"]          # 2,568 against 2,541 tok/s
