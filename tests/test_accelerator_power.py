"""Accelerator power that depends on the workload (compiler.models.power, the DVFS section; the workload outputs
in compiler.models.workloads): hand calculations of the measured H100 SXM points and the model's laws.

Reference points, one H100 SXM (reference/h100_microbench.md, 2026-11-27): idle 72 W; sustained 8192^3 bf16
GEMMs at the 700 W limit with the SM clock throttled from 1,980 to 1,350 MHz (669 TFLOP/s sustained, 778 burst);
decode-like (memory-bound) work at full clock below the limit.
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from compiler import evaluate_text
from compiler.models import Assumption
from compiler.models import power as P

# The fit, by hand (written out, not read from the code):
GEMM_BYTES = 3 * 8192 ** 2 * 2                      # A, B and C once: 402,653,184 B
GEMM_TIME = 2 * 8192 ** 3 / 669e12                  # 1.6435 ms per GEMM at the sustained rate
U_M_GEMM = GEMM_BYTES / GEMM_TIME / 3.35e12         # 0.0731 of the 3.35 TB/s peak
B_H100 = 3.35e12 * 8 * 3.9e-12                      # 104.5 W: HBM at 3.9 pJ/bit, full bandwidth
X_GEMM = 1350 / 1980                                # 0.6818
V_FLOOR = 0.72                                      # supply voltage floor / full-clock voltage (fitted on the H200)
# dynamic power a u_c x v(x)^2, v(x) = max(0.72, x): 1,350 MHz lies on the voltage floor
A_H100 = (700 - 72 - B_H100 * U_M_GEMM) / (X_GEMM * V_FLOOR ** 2)   # 620.4 / (0.6818 * 0.5184) = 1,755 W
G_GEMM = 669 / 989 / X_GEMM                         # 0.992: the GEMM rate at the full clock, rate proportional to x


class Chip:
    """A chip's fields as the models read them (get / is_set), assumptions at their defaults."""

    def __init__(self, **fields):
        self.fields = fields

    def is_set(self, name):
        return name in self.fields

    has = is_set

    def get(self, name, default=None):
        if name in self.fields:
            return np.asarray([float(self.fields[name])])
        return np.asarray([default.value if isinstance(default, Assumption) else float(default)])


H100 = Chip(tdp=700, idle_power=72)


def test_fit_by_hand() -> None:
    assert U_M_GEMM == pytest.approx(0.0731, abs=1e-4)
    assert B_H100 == pytest.approx(104.52, abs=0.01)
    assert A_H100 == pytest.approx(1755, abs=1)
    model = P.chip_power_model(H100)
    assert model.dynamic[0] == pytest.approx(A_H100, rel=1e-3)
    assert model.memory[0] == pytest.approx(B_H100, rel=1e-3)
    assert model.floor[0] == pytest.approx(V_FLOOR)
    assert P.clock_scaled_share.value == 1.0            # the compute rate is proportional to the clock
    assert P.gemm_peak_fraction.value == pytest.approx(G_GEMM)
    assert G_GEMM == pytest.approx(0.992, abs=1e-3)


def test_h100_points_by_hand() -> None:
    model = P.chip_power_model(H100)
    # idle: no compute, no memory traffic
    assert P.chip_draw(model, 0.0, 0.0)[0] == pytest.approx(72.0)
    assert P.sustained_clock(model, 0.0, 0.0)[0] == 1.0
    # sustained dense GEMM: at the 700 W limit, 1,350 MHz, 669 TFLOP/s (0.992 x 989 x 0.6818)
    x = P.sustained_clock(model, 1.0, U_M_GEMM)[0]
    assert x * 1980 == pytest.approx(1350, abs=2)
    assert P.chip_draw(model, 1.0, U_M_GEMM)[0] == pytest.approx(700.0)
    assert P.compute_rate(x, P.clock_scaled_share.value) * G_GEMM * 989 == pytest.approx(669, rel=2e-3)
    # decode-like: a batch-64 weight GEMM reaches 162 TFLOP/s reading 2.58 of 3.35 TB/s: its matrix units busy
    # at most 162 / 981 = 0.165 of the time, 72 + 1755 * 0.165 + 104.5 * 0.770 = 442 W, below 700 W: full clock
    u_c, u_m = 162 / (G_GEMM * 989), 2.58 / 3.35
    assert P.chip_draw(model, u_c, u_m)[0] == pytest.approx(72 + A_H100 * u_c + B_H100 * u_m, rel=1e-3)
    assert P.chip_draw(model, u_c, u_m)[0] == pytest.approx(442, abs=2)
    assert P.sustained_clock(model, u_c, u_m)[0] == 1.0


def test_h200_at_500_w_by_hand() -> None:
    """The H200 (GH100 die, 700 W TDP, idle 72 W) capped at 500 W, a compute-bound phase (u_c = 1, u_m = 0.0731):
    headroom h = (500 - 72 - 104.5 x 0.0731) / 1,755 = 420.4 / 1,755 = 0.2395, below the voltage floor's
    v0^3 = 0.3732, so the voltage stays at its floor and the power is linear in the clock: x = h / v0^2 =
    0.2395 / 0.5184 = 0.462 (915 MHz); the rate is proportional: 0.462 / 0.6818 = 0.678 of the 700 W rate.
    A lighter phase (u_c = 0.6, the compute kernels 60% of its time): h = 420.4 / 1,053 = 0.399 >= 0.3732, the
    voltage scales with the clock: x = 0.399^(1/3) = 0.736."""
    model = P.chip_power_model(Chip(tdp=700, idle_power=72), np.asarray([500.0]))
    h = (500 - 72 - B_H100 * U_M_GEMM) / A_H100
    assert h == pytest.approx(0.2395, abs=1e-4) and h < V_FLOOR ** 3
    x = P.sustained_clock(model, 1.0, U_M_GEMM)[0]
    assert x == pytest.approx(h / V_FLOOR ** 2, rel=1e-9)
    assert x == pytest.approx(0.462, abs=1e-3)
    assert P.compute_rate_at(model, 1.0, 1.0, U_M_GEMM)[0] / X_GEMM == pytest.approx(0.678, abs=1e-3)
    # the draw at that clock is the cap: 72 + 1,755 x 0.462 x 0.72^2 + 104.5 x 0.0731 = 500 W
    assert 72 + P.dynamic_draw(model, 1.0, x)[0] + B_H100 * U_M_GEMM == pytest.approx(500.0, rel=1e-9)
    h_light = (500 - 72 - B_H100 * U_M_GEMM) / (A_H100 * 0.6)
    assert P.sustained_clock(model, 0.6, U_M_GEMM)[0] == pytest.approx(h_light ** (1 / 3), rel=1e-9)
    assert P.sustained_clock(model, 0.6, U_M_GEMM)[0] == pytest.approx(0.736, abs=1e-3)


@pytest.mark.parametrize("u_m", [0.0, 0.0731, 0.5])
@pytest.mark.parametrize("u_c", [0.2, 0.6, 1.0])
def test_a_lower_cap_never_raises_the_rate_and_the_draw_never_exceeds_the_cap(u_c, u_m) -> None:
    """Laws over the cap (100-1,000 W on the H100 SXM): the sustained clock and the compute rate never rise when
    the cap drops; the power at the sustained clock, P_idle + a u_c x v(x)^2 + b u_m, never exceeds the cap
    where the cap leaves headroom above idle and memory power, and equals it wherever the chip throttles."""
    caps = np.linspace(100.0, 1000.0, 91)
    rates, clocks = [], []
    for cap in caps:
        model = P.chip_power_model(H100, np.asarray([cap]))
        x = P.sustained_clock(model, u_c, u_m)[0]
        clocks.append(x)
        rates.append(P.compute_rate_at(model, P.clock_scaled_share.value, u_c, u_m)[0])
        draw = 72 + P.dynamic_draw(model, u_c, x)[0] + B_H100 * u_m
        limit = min(cap, 700.0)
        if limit > 72 + B_H100 * u_m + A_H100 * u_c * 0.05 * V_FLOOR ** 2:   # above the floor clock 0.05
            assert draw <= limit * (1 + 1e-9)
            if x < 1:
                assert draw == pytest.approx(limit, rel=1e-9)
        assert P.chip_draw(model, u_c, u_m)[0] <= limit + 1e-9
    assert np.all(np.diff(clocks) >= -1e-12) and np.all(np.diff(rates) >= -1e-12)


GRID = np.linspace(0.0, 1.0, 11)


@pytest.mark.parametrize("cap", [None, 650.0, 400.0, 150.0, 900.0])
def test_laws_monotone_capped_idle(cap) -> None:
    """Draw rises with compute and memory activity, never exceeds min(tdp, cap), is idle at zero load;
    the sustained clock never rises with compute activity."""
    model = P.chip_power_model(H100, None if cap is None else np.asarray([cap]))
    limit = min(700.0, cap or 700.0)
    for u_m in GRID:
        draws = np.array([P.chip_draw(model, u_c, u_m)[0] for u_c in GRID])
        clocks = np.array([P.sustained_clock(model, u_c, u_m)[0] for u_c in GRID])
        assert np.all(np.diff(draws) >= -1e-9) and np.all(draws <= limit + 1e-9)
        assert np.all(np.diff(clocks) <= 1e-12) and np.all((clocks > 0) & (clocks <= 1))
    for u_c in GRID:
        draws = np.array([P.chip_draw(model, u_c, u_m)[0] for u_m in GRID])
        assert np.all(np.diff(draws) >= -1e-9)
    assert P.chip_draw(model, 0.0, 0.0)[0] == pytest.approx(min(72.0, limit))


def test_a_lower_cap_lowers_the_clock_and_a_cap_above_tdp_changes_nothing() -> None:
    class Job(Chip):
        pass
    at_tdp = P.compute_clock_fraction(Job(), H100)[0]
    assert at_tdp == pytest.approx(1350 / 1980, rel=2e-3)          # the rate proportional to the clock
    assert P.compute_clock_fraction(Job(power_cap=500), H100)[0] < at_tdp
    assert P.compute_clock_fraction(Job(power_cap=900), H100)[0] == pytest.approx(at_tdp)


def test_other_chips_are_proportional_to_tdp() -> None:
    """A chip with twice the TDP and idle power has twice the draw at every activity and the same clock."""
    big = P.chip_power_model(Chip(tdp=1400, idle_power=144))
    small = P.chip_power_model(H100)
    for u_c, u_m in itertools.product(GRID[::2], GRID[::2]):
        assert P.chip_draw(big, u_c, u_m)[0] == pytest.approx(2 * P.chip_draw(small, u_c, u_m)[0])
        assert P.sustained_clock(big, u_c, u_m)[0] == pytest.approx(P.sustained_clock(small, u_c, u_m)[0])


SPEC = """from systems import DGX_H100
from models import Llama3_1_8B, Llama2_70B
site s {
  inference a {
    model = Llama3_1_8B
    system = DGX_H100
    power_cap = 500 W
  }
  inference b {
    model = Llama3_1_8B
    system = DGX_H100
    power_cap = 400 W
  }
  training t {
    model = Llama2_70B
    system = DGX_H100
    accelerators = 8
    method = "lora"
    tokens = 1 Gtok
    seq_len = 8192 tok
    global_batch = 65536 tok
  }
}
"""


@pytest.fixture(scope="module")
def values():
    results, sink = evaluate_text(SPEC, "t.factory")
    assert not sink.errors, [d.message for d in sink.errors]
    return {k: float(v[0]) for k, v in results.values.items() if isinstance(v, np.ndarray) and v.dtype.kind == "f"}


def test_workload_power_under_caps(values) -> None:
    """Both caps bind (u_c ~0.3: 72 + 0.3 * 1755 > 500 W), so each accelerator draws its cap, and the DGX H100's
    wall power is linear in it: 8 GPUs, overhead 25% of the parts at full load scaled by the load, PSU 0.94, so
    100 W more per GPU is 8 * 100 * 1.25 / 0.94 = 1,063.8 W more at the wall."""
    assert values["s.a.accelerator_power"] == pytest.approx(500)
    assert values["s.b.accelerator_power"] == pytest.approx(400)
    assert values["s.b.sustained_clock"] < values["s.a.sustained_clock"] < 1
    assert values["s.a.system_power"] - values["s.b.system_power"] == pytest.approx(8 * 100 * 1.25 / 0.94, rel=1e-9)
    assert values["s.a.system_power_dc"] == pytest.approx(values["s.a.system_power"] * 0.94)


def test_training_power_by_hand(values) -> None:
    """The mean activity u_c = mfu / 0.992 (669 / 989 / 0.6818) is reported, but the draw is not that of one
    activity: its compute-bound share f_c
    (compute_bound_share) runs at the cap and the rest at 72 + 0.35 * 628 = 291.8 W, so the draw is
    f_c * 700 + (1 - f_c) * 291.8, below the cap (tests/test_training_power_phases.py writes out one node)."""
    u_c = min(1.0, values["s.t.mfu"] / G_GEMM)
    assert values["s.t.compute_utilization"] == pytest.approx(u_c)
    f_c = values["s.t.compute_bound_share"]
    assert 0 < f_c < 1
    assert values["s.t.accelerator_power"] == pytest.approx(f_c * 700 + (1 - f_c) * (72 + 0.35 * 628), rel=1e-3)
    assert values["s.t.accelerator_power"] < 700
    assert values["s.t.system_power"] <= values["systems.DGX_H100.peak_power"]


def test_wall_power_per_accelerator_is_the_systems_share(values) -> None:
    """What inference.power and training.power read once wired (one call each): a DGX H100's wall power at
    the workload's load over its 8 GPUs."""
    assert values["s.a.system_power"] / 8 == pytest.approx(values["s.a.system_power"] / values[
        "systems.DGX_H100.accelerators"])


def test_mlperf_training_node_power_printed() -> None:
    """The workload power model against MLPerf Training v4.0's measured 8x H100 node power (AC wall, switch
    power excluded; reference/mlperf_calibration.csv), the error printed, never tuned per row. Law only: the
    prediction lies between the node's idle and its peak (each GPU between 72 W and its 700 W limit)."""
    import csv
    from pathlib import Path

    from compiler.validate import TRAINING
    rows = list(csv.DictReader(open(Path(__file__).resolve().parents[1] / "reference" / "mlperf_calibration.csv")))
    measured = {}
    for r in rows:
        if r["metric"] == "mean_power_per_8GPU_node (AC)" and r["benchmark"] in TRAINING and r["num_accelerators"]:
            measured.setdefault((r["benchmark"], int(r["num_accelerators"])), float(r["value"]))
    assert measured
    lines = []
    for (bench, n), watts in sorted(measured.items()):
        job = TRAINING[bench]
        spec = (f"from systems import DGX_H100\nfrom models import {job['model']}\nsite s {{\n  training t {{\n"
                f"    model = {job['model']}\n    system = DGX_H100\n    accelerators = {n}\n"
                f"    tokens = {job['tokens']:g} tok\n    seq_len = {job['seq']:g} tok\n"
                f"    global_batch = {job['batch']:g} tok\n    method = \"{job['method']}\"\n  }}\n}}\n")
        results, sink = evaluate_text(spec, "m.factory")
        assert not sink.errors, [d.message for d in sink.errors]
        v = {k: float(x[0]) for k, x in results.values.items() if isinstance(x, np.ndarray) and x.dtype.kind == "f"}
        predicted = v["s.t.system_power"]
        assert v["systems.DGX_H100.idle_power"] <= predicted <= v["systems.DGX_H100.peak_power"]
        lines.append(f"{bench:<16} {n:>4} GPUs  mfu {v['s.t.mfu']:.2f}  u_c {v['s.t.compute_utilization']:.2f}  "
                     f"GPU {v['s.t.accelerator_power']:.0f} W  node {predicted:6.0f} W  measured {watts:6.0f} W  "
                     f"error {predicted / watts - 1:+.1%}")
    print("\n".join(lines))


@pytest.mark.parametrize("scenario", ["offline", "server"])
def test_throughput_never_rises_when_the_cap_drops_and_the_draw_stays_under_it(scenario) -> None:
    """Law over whole inference workloads (the model's search at each cap): Llama 2 70B on a DGX H100 at per-GPU
    limits 300-900 W serves no more tokens/s at a lower limit (every configuration's steps are no faster, so the
    best one is no faster), and each GPU's draw (accelerator_power) never exceeds min(tdp, cap)."""
    caps = (300, 400, 500, 600, 700, 900)
    body = "".join(f"""  inference c{cap} {{
    model = Llama2_70B
    system = DGX_H100
    precision = "fp8"
    scenario = "{scenario}"
    power_cap = {cap} W
  }}
""" for cap in caps)
    results, sink = evaluate_text("from systems import DGX_H100\nfrom models import Llama2_70B\nsite s {\n" + body
                                  + "}\n", "caps.factory")
    assert not sink.errors, [d.message for d in sink.errors]
    tokens = [float(results.values[f"s.c{cap}.tokens_per_s"][0]) for cap in caps]
    assert all(np.isfinite(tokens)) and all(b >= a * (1 - 1e-9) for a, b in zip(tokens, tokens[1:]))
    assert tokens[0] < tokens[4]                          # 300 W does bind
    for cap in caps:
        assert float(results.values[f"s.c{cap}.accelerator_power"][0]) <= min(cap, 700) + 1e-9


def test_b200_clock_under_a_large_fp4_gemm_by_hand() -> None:
    """A B200 (stdlib: tdp 1,000 W only, so the H100 fit scaled by TDP) under a large FP4 GEMM (u_c = 1, the fit's
    GEMM traffic u_m = 0.0731), by hand: P_idle = 0.10 x 1,000 = 100 W, a = 1,755.1 x 1,000 / 700 = 2,507.3 W,
    b = 104.5 x 1,000 / 700 = 149.3 W; h = (1,000 - 100 - 149.3 x 0.0731) / 2,507.3 = 889.1 / 2,507.3 = 0.3546,
    below v0^3 = 0.3732: on the voltage floor, x = 0.3546 / 0.72^2 = 0.684 (1,344 of 1,965 MHz), the FP4 rate
    0.992 x 0.684 x 9,000 = 6,108 TFLOP/s. A GB200 (1,200 W, everything x 1.2) holds the same x: 6,786 of 10,000
    TFLOP/s, against 5,262-5,604 sustained and 7,609 at 8,192^3 measured with cuBLASLt on an Azure ND GB200 v6
    (egmsft/AI-benchmarking-guide; docs/accuracy.md 'Blackwell under its power limit')."""
    a = 1755.1228589972352 * 1000 / 700
    b = B_H100 * 1000 / 700
    h = (1000 - 100 - b * U_M_GEMM) / a
    assert a == pytest.approx(2507.3, abs=0.1) and h == pytest.approx(0.3546, abs=1e-4) and h < V_FLOOR ** 3
    x = h / V_FLOOR ** 2
    assert x == pytest.approx(0.684, abs=1e-3) and x * 1965 == pytest.approx(1344, abs=1)
    results, sink = evaluate_text("""from systems import DGX_B200
from models import Llama2_70B
site s {
  training t {
    model = Llama2_70B
    system = DGX_B200
    accelerators = 8
    method = "lora"
    tokens = 1 Gtok
    seq_len = 8192 tok
    global_batch = 65536 tok
  }
}
""", "b200.factory")
    assert not sink.errors, [d.message for d in sink.errors]
    assert float(results.values["s.t.sustained_clock"][0]) == pytest.approx(x, rel=1e-6)   # the stdlib B200
    b200 = P.chip_power_model(Chip(tdp=1000))
    assert P.sustained_clock(b200, 1.0, U_M_GEMM)[0] == pytest.approx(x, rel=1e-9)
    assert P.compute_rate(x, 1.0) * G_GEMM * 9000 == pytest.approx(6108, abs=2)
    gb200 = P.chip_power_model(Chip(tdp=1200))
    assert P.sustained_clock(gb200, 1.0, U_M_GEMM)[0] == pytest.approx(x, rel=1e-9)
    assert P.compute_rate(x, 1.0) * G_GEMM * 10000 == pytest.approx(6786, abs=2)


def test_blackwell_ultra_fp4_dynamic_power_by_hand() -> None:
    """Blackwell Ultra under a large NVFP4 GEMM (compiler/models/power.py "FP4 dynamic power"; docs/accuracy.md
    "Llama 3.1 405B Offline on Blackwell Ultra"), by hand. The same 4NP die doing 1.5x the dense FP4 work a clock
    draws a_fp4 = a(GB200) x 15 / 10 = 1,755.1 x 1,200 / 700 x 1.5 = 4,513.2 W (stdlib GB300 `let
    fp4_dynamic_power = 4513 W`); P_idle = 140 W, b = 104.5 x 2 = 209.0 W; h = (1,400 - 140 - 209.0 x 0.0731)
    / 4,513 = 1,244.7 / 4,513 = 0.2758, on the voltage floor: x = 0.2758 / 0.72^2 = 0.532, the FP4 rate 0.992 x
    0.532 x 15,000 = 7,917 TFLOP/s (Azure ND GB300 v6 cuBLASLt: 8,555-8,640). A GB200 gives 6,786, so the ratio is
    1,244.7 / 1,066.9 = 1.167, the board limits' headroom, where the TDP-scaled a gave the peaks' 1.5 (10,179).
    An FP8 run on the same chip keeps the TDP-scaled a (3,510 W) and the clock of every chip at its TDP, 0.684."""
    a_gb200 = 1755.1228589972352 * 1200 / 700
    a_fp4 = a_gb200 * 15 / 10
    assert a_gb200 == pytest.approx(3008.8, abs=0.1) and a_fp4 == pytest.approx(4513, abs=0.5)
    b = B_H100 * 2
    head_gb300 = 1400 - 140 - b * U_M_GEMM
    head_gb200 = 1200 - 120 - b * 1200 / 1400 * U_M_GEMM
    h = head_gb300 / 4513
    assert head_gb300 == pytest.approx(1244.7, abs=0.1) and h == pytest.approx(0.2758, abs=1e-4) and h < V_FLOOR ** 3
    x = h / V_FLOOR ** 2
    assert x == pytest.approx(0.532, abs=1e-3)
    assert G_GEMM * x * 15000 == pytest.approx(7917, abs=2)
    x_gb200 = head_gb200 / a_gb200 / V_FLOOR ** 2
    assert G_GEMM * x * 15000 / (G_GEMM * x_gb200 * 10000) == pytest.approx(head_gb300 / head_gb200, rel=1e-3)
    assert head_gb300 / head_gb200 == pytest.approx(1.167, abs=1e-3)
    # the law reads the let only at fp4
    ultra = Chip(tdp=1400, fp4_dynamic_power=4513)
    assert P.sustained_clock(P.chip_power_model(ultra, None, "fp4"), 1.0, U_M_GEMM)[0] == pytest.approx(x, rel=1e-6)
    for precision in ("fp8", "bf16", None):
        assert P.chip_power_model(ultra, None, precision).dynamic[0] == pytest.approx(1755.1228589972352 * 2)
    # the stdlib GB300, through a workload: fp4 on the floor at 0.532, fp8 at every chip's 0.684
    for precision, clock in (("fp4", x), ("fp8", 0.684)):
        results, sink = evaluate_text(f"""from systems import GB300_compute_tray
from models import Llama3_1_8B
site s {{
  training t {{
    model = Llama3_1_8B
    system = GB300_compute_tray
    accelerators = 4
    precision = "{precision}"
    tokens = 1 Gtok
    seq_len = 8192 tok
    global_batch = 65536 tok
  }}
}}
""", "gb300.factory")
        assert not sink.errors, [d.message for d in sink.errors]
        assert float(results.values["s.t.sustained_clock"][0]) == pytest.approx(clock, abs=1e-3)


@pytest.mark.parametrize("k", [0.8, 1.25, 1.5])
def test_a_chip_dynamic_power_moves_every_throttled_phase_alike(k) -> None:
    """Law: scaling a chip's dynamic power a by k scales the sustained clock of every phase that throttles above
    the voltage floor at both values by k^(-1/3) (x = h^(1/3), h = (cap - P_idle - b u_m) / (a u_c)), and on the
    floor at both by 1 / k (x = h / v0^2), whatever its activities u_c, u_m. So no per-chip `dynamic_power` can
    slow one throttled workload (Llama 3.1 405B's prompt-heavy steps) relative to another (Llama 2 70B's): their
    ratio moves only where one of them stops throttling or crosses the floor (docs/accuracy.md 'Blackwell under
    its power limit')."""
    base = P.chip_power_model(Chip(tdp=1000))
    scaled = P.ChipPower(base.idle, base.dynamic * k, base.memory, base.cap, base.floor)
    checked = 0
    for u_c, u_m in itertools.product(GRID[1:], GRID[:8]):
        x0, x1 = P.sustained_clock(base, u_c, u_m)[0], P.sustained_clock(scaled, u_c, u_m)[0]
        if V_FLOOR < min(x0, x1) and max(x0, x1) < 1:
            assert x1 / x0 == pytest.approx(k ** (-1 / 3), rel=1e-9)
            checked += 1
        elif 0.05 < min(x0, x1) and max(x0, x1) < V_FLOOR:
            assert x1 / x0 == pytest.approx(1 / k, rel=1e-9)
            checked += 1
    assert checked >= 10
