"""One die under two board limits (compiler/models/power.py "One die under two board limits"; docs/accuracy.md "One die
under two power caps", s22-bwratio, 2026-12-06): the stdlib's die figures by hand, the twin's power fit at the chip's
top clock by hand, and the laws the reading is built for -- one die under one cap runs one step; more board power
never makes it slower -- on a grid of step compositions; validate's opt-in moves the twins' rows only.

The clock law's draw P_idle + a u_c x v(x)^2 + b u_m at clock x = f / f_max. A chip run as its twin's die to r times
the twin's top clock has a_twin r^3, v0 / r and the twin's P_idle and b; at one absolute clock (x_chip = x_twin / r)
its draw is the twin's, a_twin r^3 (x / r) max(v0 / r, x / r)^2 = a_twin x max(v0, x)^2, and its full-clock rate
r x the twin's, so each compute term of a step takes the twin's time at the twin's clock: under one cap, where the
twin throttles, the two steps are one.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from compiler.catalogue import describe
from compiler.models.inference import _sustained_rate
from compiler.models.power import (die_knee_scale, die_peak_scale, die_power_model, chip_power_model,
                                   dynamic_power_share, memory_power_share, one_die)
from test_power_window import _Chip          # a chip's figures as chip_power_model reads them (tests/ on the path)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
MHZ = 1e6


def _figures(name: str) -> dict[str, float]:
    """A stdlib chip's numeric figures in SI (stdlib/chips.factory, as the compiler reads them)."""
    return {r.name: r.si for r in describe(name).rows if isinstance(r.si, float)}


B200, GB200, H200, NVL = (_figures(n) for n in ("B200", "GB200", "H200", "H200_NVL"))
DIE = ("tdp", "die_tdp", "die_idle_power", "die_clock_ratio", "die_peak_scale", "idle_power")


def _chip(f: dict) -> _Chip:
    return _Chip(**{k: v for k, v in f.items() if k in DIE})


def test_the_stdlib_die_figures_by_hand() -> None:
    """GB200 is B200's die: top clocks 2,062 / 1,965 MHz (nvidia-smi), r = 1.0494; the datasheets' dense BF16 peaks
    over 148 SMs x 8,192 FLOP a clock are 1,855.8 MHz (B200, below its top) and 2,062.0 MHz (GB200, its top); its
    full-clock rate is B200's peak x r, s = 2,250 / 2,500 x 1.0494 = 0.9444 at every format (FP8 4,500 / 5,000, FP4
    9,000 / 10,000: the same 0.9). The H200 NVL is the H200 SXM's die: 1,785 / 1,980 MHz, r = 0.9015, s = 989 /
    835.5 x 0.9015 = 1.0671, its twin's 700 W and 72 W idle; the H200-CTS its twin's module at 1,000 W (r = s = 1)."""
    assert GB200["die_clock_ratio"] == pytest.approx(GB200["max_clock"] / B200["max_clock"]) == \
        pytest.approx(2062 / 1965)
    assert B200["peak_clock"] / MHZ == pytest.approx(1855.8, abs=0.1)
    assert B200["peak_clock"] < B200["max_clock"]
    assert GB200["peak_clock"] == pytest.approx(GB200["max_clock"], rel=1e-5)
    assert GB200["die_tdp"] == B200["tdp"] == 1000.0
    for fmt in ("bf16", "fp8", "fp4"):
        assert GB200["die_peak_scale"] == pytest.approx(B200[fmt] / GB200[fmt] * GB200["die_clock_ratio"], rel=1e-9)
    assert GB200["die_peak_scale"] == pytest.approx(0.94443, abs=1e-5)
    assert NVL["die_clock_ratio"] == pytest.approx(NVL["max_clock"] / H200["max_clock"]) == pytest.approx(1785 / 1980)
    assert NVL["die_tdp"] == H200["tdp"] == 700.0 and NVL["die_idle_power"] == H200["idle_power"] == 72.0
    assert NVL["die_peak_scale"] == pytest.approx(H200["bf16"] / NVL["bf16"] * NVL["die_clock_ratio"], rel=1e-9)
    assert NVL["die_peak_scale"] == pytest.approx(1.06714, abs=1e-5)
    cts = _figures("H200_CTS")           # one module at 1,000 W: the twin's top clock and peaks, its idle and b
    assert (cts["die_tdp"], cts["die_idle_power"], cts["die_clock_ratio"], cts["die_peak_scale"]) == \
        (H200["tdp"], H200["idle_power"], 1.0, 1.0) and cts["max_clock"] == H200["max_clock"]
    # the GEMM knee's half-rows go back to the twin's: m0 x s / r = m0 x P_twin / P (GB200 647 -> 582 FP4 rows)
    on = _Chip(one_die_power=1.0)
    assert float(die_knee_scale(on, _chip(GB200))) * 647 == pytest.approx(582.3, abs=0.1)
    assert float(die_peak_scale(on, _chip(GB200))) == pytest.approx(GB200["die_peak_scale"])
    # no twin's figures where the chip carries its own FP4 dynamic power (Blackwell Ultra): not modelled
    for name in ("B300", "GB300"):
        assert "die_tdp" not in _figures(name)


def test_the_twins_power_fit_at_the_chips_top_clock_by_hand() -> None:
    """GB200 as B200's die: P_idle = 1,000 x 0.10 = 100 W, a = 1,000 x 2.50733 x 1.0494^3 = 2,897.3 W (TDP share
    3,008.8), b = 1,000 x 104.52 / 700 = 149.31 W (179.2), v0 = 0.72 / 1.0494 = 0.6861, its own 1,200 W cap. The H200
    NVL as the SXM's die: 72 W, a = 700 x 2.50733 x 0.9015^3 = 1,286.0 W (its own reading 1,059), b = 104.5 W (89.6),
    v0 = 0.72 / 0.9015 = 0.7986 (0.852), its own 600 W cap. Off (`one_die_power` 0), the chip's own figures."""
    assert dynamic_power_share.value * 700 == pytest.approx(1755.1, abs=0.1)
    gb = _chip(GB200)
    die = die_power_model(gb, chip_power_model(gb, None, "fp4"))
    assert (float(die.idle), float(die.dynamic), float(die.memory), float(die.floor), float(die.cap)) == \
        pytest.approx((100.0, 1000 * dynamic_power_share.value * (2062 / 1965) ** 3, 149.31, 0.72 * 1965 / 2062,
                       1200.0), rel=1e-4)
    assert float(die.dynamic) == pytest.approx(2897.3, abs=0.1)
    nvl = _Chip(**{k: v for k, v in NVL.items() if k in DIE}, dynamic_power=1059.0, voltage_floor=0.852)
    die = die_power_model(nvl, chip_power_model(nvl, None, "fp8"))
    assert (float(die.idle), float(die.dynamic), float(die.memory), float(die.floor), float(die.cap)) == \
        pytest.approx((72.0, 1286.0, 700 * memory_power_share.value, 0.72 * 1980 / 1785, 600.0), abs=0.1)
    assert not one_die(_Chip(one_die_power=0.0), gb) and not one_die(_Chip(one_die_power=1.0), _chip(B200))
    assert one_die(_Chip(one_die_power=1.0), gb)


def _step(power, flops, knee, attn, weights, rest):
    """A decode step's time under the clock law (tests/test_knee_own_power.py's shape): its GEMMs (FLOPs at the
    large-GEMM rate plus the knee) overlap the weight read, the attention runs beside them, the rest keeps its
    time; the compute terms are their times at the full clock."""
    def duration(rho):
        return np.maximum((flops + knee) / rho, weights) + attn / rho + rest
    return duration(_sustained_rate(power, 1.0, flops + knee + attn, weights, duration))


def _grid():
    g = np.geomspace(1e-4, 0.1, 7)
    return (x.ravel() for x in np.meshgrid(g, g, g, g, np.r_[0.0, 1e-3, 1e-2], indexing="ij"))


@pytest.mark.parametrize("twin, chip, cap", [(B200, GB200, 1000.0), (H200, NVL, 600.0)])
def test_one_die_under_one_cap_runs_one_step(twin: dict, chip: dict, cap: float) -> None:
    """On 7^4 x 3 = 7,203 step compositions the chip run as its twin's die (every compute term 1 / r of the twin's
    time at the full clock: its rate r x the twin's) under one cap takes the twin's step wherever the twin's clock
    is below both top clocks (x_twin < min(1, r)); elsewhere only the top clocks differ: the higher one (GB200, r >
    1) is never slower, the lower one (the H200 NVL, r < 1) never faster."""
    flops, knee, attn, weights, rest = _grid()
    c, r = _chip(chip), chip["die_clock_ratio"]
    twin_model = (chip_power_model(_Chip(tdp=twin["tdp"], **({"idle_power": twin["idle_power"]}
                                                             if "idle_power" in twin else {})), cap, "fp8"))
    die = die_power_model(c, chip_power_model(c, cap, "fp8"))
    t_twin = _step(twin_model, flops, knee, attn, weights, rest)
    t_chip = _step(die, flops / r, knee / r, attn / r, weights, rest)
    rho_twin = _sustained_rate(twin_model, 1.0, flops + knee + attn, weights,
                               lambda rho: np.maximum((flops + knee) / rho, weights) + attn / rho + rest)
    shared = rho_twin < min(1.0, r) - 1e-6
    assert shared.sum() > 1000
    np.testing.assert_allclose(t_chip[shared], t_twin[shared], rtol=1e-7)
    if r > 1:
        assert np.all(t_chip <= t_twin * (1 + 1e-7))
    else:
        assert np.all(t_chip >= t_twin * (1 - 1e-7))


def test_by_default_one_die_under_one_cap_is_two_steps() -> None:
    """What the reading corrects: by default (each board its TDP share, its datasheet peak at the full clock) a
    GB200 capped at B200's 1,000 W is the slower of the two on 5,342 of the 7,203 compositions (up to 1.23x): its
    die charged 1.2x the idle and memory power and 1.2x a for a 10 / 9 rate (its knee's time B200's: m0 with the
    rate)."""
    flops, knee, attn, weights, rest = _grid()
    b200 = chip_power_model(_Chip(tdp=1000.0), 1000.0, "fp8")
    gb200 = chip_power_model(_Chip(tdp=1200.0), 1000.0, "fp8")
    r = GB200["bf16"] / B200["bf16"]
    t_b, t_g = (_step(b200, flops, knee, attn, weights, rest), _step(gb200, flops / r, knee, attn / r, weights, rest))
    assert int(np.sum(t_g > t_b * (1 + 1e-9))) == 5342
    assert float(np.max(t_g / t_b)) == pytest.approx(1.2271, abs=1e-4)


@pytest.mark.parametrize("chip", [GB200, NVL])
def test_more_board_power_never_makes_the_die_slower(chip: dict) -> None:
    """The same die's step at its own cap against 0.9 x and 0.75 x that cap, on the grid: never slower with more."""
    flops, knee, attn, weights, rest = _grid()
    c = _chip(chip)
    times = [_step(die_power_model(c, chip_power_model(c, chip["tdp"] * f, "fp8")), flops, knee, attn, weights, rest)
             for f in (0.75, 0.9, 1.0)]
    assert np.all(times[1] <= times[0] * (1 + 1e-9)) and np.all(times[2] <= times[1] * (1 + 1e-9))
    assert np.any(times[2] < times[0] * (1 - 1e-3))


def test_the_opt_in_moves_the_twins_rows_only() -> None:
    """validate `--with one_die_power` on the same-die pairs (bench/same_die_pairs.py): the B200, B300, GB300 and H200
    SXM members bit for bit, every GB200 and H200 NVL member moved; by default nothing is read."""
    from compiler import validate as V
    from same_die_pairs import per_gpu          # bench/ on the path (above)
    off, on = per_gpu(), per_gpu(V.mechanisms_with(on=("one_die_power",)))
    for a, b in zip(off, on):
        if a["chip"] in ("GB200", "H200_NVL"):
            assert b["model"] != a["model"], a
        else:
            assert b["model"] == a["model"], a
