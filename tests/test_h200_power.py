"""The H200's power parameters against public data (docs/accuracy.md "The H200's power parameters", s17-h200,
2026-12-06): two opt-in re-basings of the power fit, by hand and as laws. Neither is applied (validate's defaults do
not read them).

1. HBM3e's memory power. The law's b is the H100's 104.5 W (3.35 TB/s x 8 bit x 3.9 pJ/bit) scaled by the TDP, so a
   700 W H200 at 4.8 TB/s is charged 104.5 / (4.8e12 x 8) = 2.72 pJ/bit, 30% less a bit than the H100's HBM3.
   HBM3E is quoted at 3.9 pJ/bit: `let hbm_access_energy_pj = 3.9` gives b = 4.8e12 x 8 x 3.9e-12 = 149.76 W.
2. The voltage floor on the converged clock. v0 = 0.72 was fitted (its rule: the model's H200 500 W / 700 W Offline
   ratio equal to the measured 0.807) on the two-pass clock; `let power_fit_voltage_floor` re-bases the fit on v0':
   every floor x v0' / 0.72, every a x a(v0') / a(0.72), so the H100's dense GEMM still holds 700 W at x_g = 1,350 /
   1,980 = 0.6818 (the fit's anchor): at v0' = 0.67 (below x_g) a = 620.4 / 0.6818^3 = 1,957.4 W.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from compiler import validate as V
from compiler.models.power import (GEMM_CLOCK, GEMM_MEMORY_UTILIZATION, chip_power_model, dynamic_draw,
                                   hbm_access_energy_pj, power_fit_voltage_floor, workload_memory_power)
from test_power_window import _Chip          # a chip's figures as chip_power_model reads them (tests/ on the path)

H200 = _Chip(tdp=700.0, idle_power=72.0, memory_bw=4.8e12)
H100 = _Chip(tdp=700.0, idle_power=72.0, memory_bw=3.35e12)


class _Workload:
    """A workload's lets as workload_memory_power reads them."""

    def __init__(self, **lets):
        self.lets = lets

    def is_set(self, name):
        return name in self.lets

    def get(self, name, default=None):
        return np.asarray(self.lets[name] if name in self.lets else getattr(default, "value", default))


def test_the_h200s_memory_power_by_hand() -> None:
    """Default: 104.5 W on both 700 W chips, 2.72 pJ/bit on the H200's 4.8 TB/s; at 3.9 pJ/bit 149.76 W on the H200 and
    the H100's own 104.52 W (the H100's b is that energy a bit: the re-basing leaves it where it was)."""
    p200 = chip_power_model(H200, None, "fp8")
    assert float(p200.memory) == pytest.approx(3.35e12 * 8 * 3.9e-12, rel=1e-9)              # 104.52 W
    assert float(p200.memory) / (4.8e12 * 8) * 1e12 == pytest.approx(2.722, abs=1e-3)       # pJ/bit charged
    hbm3e = _Workload(hbm_access_energy_pj=3.9)
    assert float(workload_memory_power(hbm3e, H200, p200).memory) == pytest.approx(149.76, rel=1e-9)
    p100 = chip_power_model(H100, None, "fp8")
    assert float(workload_memory_power(hbm3e, H100, p100).memory) == pytest.approx(float(p100.memory), rel=1e-9)
    assert hbm_access_energy_pj.value == 0.0                              # the let's default: the chip's own b
    assert workload_memory_power(_Workload(), H200, p200) == p200          # no let: unchanged


def test_more_memory_power_never_raises_the_clock() -> None:
    """The clock law's monotonicity in b: at the same activity the H200 at 3.9 pJ/bit sustains no higher clock than at
    the TDP share, on a grid of (u_c, u_m); equal where the full clock fits either way."""
    from compiler.models.power import sustained_clock
    p = chip_power_model(H200, None, "fp8")
    q = workload_memory_power(_Workload(hbm_access_energy_pj=3.9), H200, p)
    uc, um = np.meshgrid(np.linspace(0.05, 1, 20), np.linspace(0, 1, 21))
    x_p, x_q = sustained_clock(p, uc, um), sustained_clock(q, uc, um)
    assert np.all(x_q <= x_p + 1e-12)
    assert np.any(x_q < x_p - 1e-3)


@pytest.mark.parametrize("v0", [0.60, 0.67, 0.6818, 0.70, 0.72, 0.80])
def test_the_rebased_fit_keeps_its_anchor(v0) -> None:
    """Whatever the floor, the H100's sustained dense GEMM (u_c 1, u_m 0.0731) draws exactly 700 W at x_g = 0.6818:
    idle + a' x_g v'(x_g)^2 + b u_g = 72 + 620.4 + 7.6."""
    base = chip_power_model(H100, None, "fp8")
    m = workload_memory_power(_Workload(power_fit_voltage_floor=v0), H100, base)
    draw = float(m.idle) + float(dynamic_draw(m, 1.0, GEMM_CLOCK)) + float(m.memory) * GEMM_MEMORY_UTILIZATION
    assert draw == pytest.approx(700.0, rel=1e-12)
    assert float(m.floor) == pytest.approx(v0, rel=1e-12)


def test_the_rebased_fit_by_hand() -> None:
    """v0' = 0.67 below x_g: a = 620.4 / 0.6818^3 = 1,957 W (1,755 W at 0.72: 620.4 / (0.6818 x 0.72^2)); an add-in
    card's own floor (H100 PCIe 0.814 = 0.72 / 0.885) scales with it: 0.814 x 0.67 / 0.72 = 0.7575; v0' = 0.72 is
    the fit as it stands, bit for bit."""
    base = chip_power_model(H100, None, "fp8")
    assert float(base.dynamic) == pytest.approx(1755.0, abs=0.5)
    m = workload_memory_power(_Workload(power_fit_voltage_floor=0.67), H100, base)
    assert float(m.dynamic) == pytest.approx(620.4 / GEMM_CLOCK ** 3, abs=0.2)
    assert float(m.dynamic) == pytest.approx(1957.4, abs=0.5)
    pcie = _Chip(tdp=350.0, dynamic_power=1051.0, voltage_floor=0.814, memory_bw=2.0e12)
    mp = workload_memory_power(_Workload(power_fit_voltage_floor=0.67), pcie, chip_power_model(pcie, None, "fp8"))
    assert float(mp.floor) == pytest.approx(0.814 * 0.67 / 0.72, rel=1e-12)
    assert float(mp.dynamic) == pytest.approx(1051.0 * 1957.4 / 1755.0, rel=1e-3)
    same = workload_memory_power(_Workload(power_fit_voltage_floor=0.72), H100, base)
    assert dataclasses.astuple(same) == pytest.approx(dataclasses.astuple(base), rel=1e-15)
    assert power_fit_voltage_floor.value == 0.72


def test_both_are_opt_in() -> None:
    """Measured, not applied: validate's defaults read neither let."""
    for name in ("hbm3e_memory_power", "converged_voltage_floor"):
        assert V.MECHANISMS[name] == ()
    assert V.HBM3E_ACCESS_ENERGY_PJ == 3.9 and "GH200_96GB" not in V.HBM3E_CHIPS


def test_the_attention_share_stays_the_chips_own_under_the_re_basing() -> None:
    """a_attn / a (power.attention_power_share) is a ratio of two a's of one chip, and the re-basing scales every a by
    the same a(v0') / a(0.72): on a chip whose workload a is its own the share stays 1 (s18-refit: before, the opt-in
    divided the un-re-based a by the re-based one, 1,755 / 1,957 = 0.897 on every chip); at fp4 on an FP4 Ultra
    chip it stays a_own / a_fp4."""
    from compiler.models.power import attention_power_share
    rebase = _Workload(power_fit_voltage_floor=0.67)
    for chip, precision in ((H200, "fp8"), (_Chip(tdp=1400.0, fp4_dynamic_power=4513.0), "fp4")):
        plain = chip_power_model(chip, None, precision)
        moved = workload_memory_power(rebase, chip, plain)
        own = workload_memory_power(rebase, chip, chip_power_model(chip, None, None))
        assert float(attention_power_share(chip, moved, own)) == pytest.approx(
            float(attention_power_share(chip, plain)), rel=1e-12)
    assert float(attention_power_share(H200, chip_power_model(H200, None, "fp8"))) == 1.0


def test_the_refit_floor_brings_its_first_token_pair() -> None:
    """`--with converged_voltage_floor` sets the floor 0.67 and the first-token pair refit with it by the pair's own
    rule, (d, d99) = (0.3, 0.1) (bench/cross_round.py --ttft: TTFT p50 / p99 11.2 / 12.5% against 12.2 / 13.2% with
    the shipped (0.325, 0.175)): d on a Server row that sets none, d99 where the residual tail's default stood;
    Offline rows get the floor only; off, the row is the default's."""
    from pathlib import Path
    rows = V.read_csv(str(Path(__file__).resolve().parents[1] / "reference" / "mlperf_calibration.csv"))
    on = V.mechanisms_with(on=("converged_voltage_floor",))
    assert V.CONVERGED_FIRST_TOKEN_PAIR == (0.3, 0.1)
    seen = set()
    for row in rows:
        if row.data.get("metric") != "throughput" or "H200-SXM" not in row.data.get("accelerator", ""):
            continue
        scenario = row.data["scenario"].lower()
        V.plan(row, None)
        base = dict(row.lets)
        V.plan(row, on)
        refit = dict(row.lets)
        assert refit["power_fit_voltage_floor"] == 0.67 and "power_fit_voltage_floor" not in base
        if scenario == "offline":
            assert "first_token_delay" not in refit
        else:
            assert refit["first_token_delay"] == base.get("first_token_delay", 0.3)
            if base.get("first_token_delay_p99") == V.RESIDUAL_TAIL_P99_DELAY:
                assert refit["first_token_delay_p99"] == 0.1
                seen.add("d99")
        seen.add(scenario)
    assert {"offline", "server", "d99"} <= seen
