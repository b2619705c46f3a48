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
