"""The decode step's clock against the same workload's draw (docs/accuracy.md "The tp 1 step's clock", s14-clock,
2026-12-06): a law the model breaks today, recorded as a strict xfail.

A power limit lowers a chip's clock only when the draw at the full clock would exceed it (compiler/models/power.py:
x < 1 only where P_idle + a u_c + b u_m > cap). The inference step's clock (`clock_fraction`) takes u_c as the
compute kernels' busy time, the GEMM knee included (`gemm_knee_power` 1), while the workload's `accelerator_power`
and `sustained_clock` take u_c as its achieved FLOP/s. At a memory-bound decode step the two disagree: Llama 2 70B
FP8 on one H200 SXM (tp 1, 700 W), 16 rows of 222 / 294 tokens: the step's GEMMs at the full clock 13.4 ms (their
FLOPs at e_c and the knee's m0 = 128 rows), the weight read 19.2 ms, so the step is memory-bound at any clock the
law gives (gemm / rho = 18.4 ms < 19.2 ms) and its time is 22.4 ms at rho 0.729 or 1; yet its clock is 0.729
(u_c = busy / t counts the knee, the weights streaming through the matrix units, as a dense GEMM's draw) where the
same workload reports `sustained_clock` 1.000 and a draw of 295 W, 405 W below the cap. A clock the cap lowered at
a draw far below the cap is not a state the chip can be in. With the knee idle (`let gemm_knee_power = 0`, validate
`--with knee_power_all`) the step's clock is 1.000 and the law holds here.
"""
from __future__ import annotations

import pytest

from test_inference import KNEE_LAW, run, spec, workload   # tests/ is on the path

IMPORTS = "from systems import DGX_H200\nfrom models import Llama2_70B\n"
BASE = dict(model="Llama2_70B", system="DGX_H200", accelerators=1, precision='"fp8"', kv_precision='"fp8"',
            tp=1, pp=1, batch=16, input_tokens="222 tok", output_tokens="294 tok", **KNEE_LAW,
            **{"let inference_gemm_efficiency": 0.81})   # the knee law at the hand calculations' e_c (the stdlib's
# Hopper FP8 factor is 0.77 since 2026-12-07)


def _values(knee: float, **lets) -> dict:
    v = run(spec(workload("w", **BASE, **{"let gemm_knee_power": knee}, **lets), IMPORTS))
    return {k: float(v[f"s.w.{k}"][0]) for k in ("clock_fraction", "sustained_clock", "accelerator_power", "tpot",
                                                    "detail.decode_gemm_time", "detail.decode_weights_time",
                                                    "compute_utilization", "memory_utilization")}


def test_the_memory_bound_step_is_the_same_at_either_knee_draw() -> None:
    """The step's time hardly depends on the knee's draw where its weight read bounds it (hand: 22.4 ms)."""
    on, off = _values(1.0), _values(0.0)
    assert on["detail.decode_gemm_time"] < on["detail.decode_weights_time"]      # memory-bound at its clock
    assert on["tpot"] == pytest.approx(off["tpot"], rel=1e-3)    # 22.401 / 22.398 ms (the mixture's chunk steps)
    assert on["tpot"] == pytest.approx(22.4e-3, rel=5e-3)
    assert off["clock_fraction"] == 1.0 and off["sustained_clock"] == 1.0


@pytest.mark.xfail(strict=True, reason="the step's clock law counts the GEMM knee as a dense GEMM's draw "
                                       "(gemm_knee_power 1): clock 0.729 at a reported draw of 295 W under a "
                                       "700 W cap; docs/accuracy.md 'The tp 1 step's clock' (s14-clock)")
def test_a_step_below_its_cap_runs_at_the_full_clock() -> None:
    v = _values(1.0)
    assert v["accelerator_power"] < 700.0 - 100.0        # well below the cap ...
    assert v["clock_fraction"] == pytest.approx(v["sustained_clock"], abs=1e-3)   # ... so the clock is the full one


def test_the_measured_decode_draw_bounds_the_knee_share() -> None:
    """The knee's share k from public measurements (s15-knee): H200 decode draws 137-300 W of its 700 W, no cap
    triggering (Ma, Afzal, Eitzinger, Wellein, arXiv 2605.11999, 2026-05-12 [S]): the board's draw (the quantity a
    board-level cap limits, as the model's `accelerator_power`: P_idle 72 W, the 700 W TGP) over the decode phase
    alone, measured apart from the prefill ("phase-aware"). The model's `accelerator_power` of a serving workload is
    its mean over the request, the prompt's GEMMs included: u_c counts F = 2A (1 + I/O) + 4LD(I + O/2) + 2LD I^2/O
    FLOPs an output token (compiler.models.workloads.activity), of which the prompt's 2A I/O + 2LD I^2/O. Llama 2
    70B (A = 68.98e9, L = 80, D = 8,192), I = 222, O = 294: F_decode = 138.92 GFLOP, F_prompt = 104.39 GFLOP, a
    share 0.4290 of u_c. The decode-phase draw is the served draw less the prompt's FLOP energy at the same step
    (memory-bound: the weight read sets its time and traffic, the prompt rows ride in it), P_dec = P - a u_c 0.4290:
        floor 0.72 (a 1,755.1 W): 295.4 - 1,755.1 x 0.0885 x 0.4290 = 228.7 W
        floor 0.67 (a 1,957.4 W, validate --with converged_voltage_floor): 313.3 - 1,957.4 x 0.0885 x 0.4290 = 238.9 W
    both inside the measured range; the served mean at 0.67 (313 W) is not the measured quantity (s18-refit). At
    the full clock the knee takes 0.486 of the step's time, so a knee share k adds a k 0.486 (951 W at k 1 and
    a 1,957 W): the measured <= 300 W asks k <= (300 - 238.9) / (1,957.4 x 0.486) = 0.064 (0.084 at 0.72), the knee
    draws nothing the measurement can see, k ~ 0. Here: the decode-phase draw at k 0 is inside the measured range at
    either floor and its clock the full one; at k 1 the same step's clock law throttles (0.729) at the same draw."""
    from compiler.models import power as P
    prompt_share = (2 * 68976648192 * 222 / 294 + 2 * 80 * 8192 * 222 ** 2 / 294) / (
        2 * 68976648192 * (1 + 222 / 294) + 4 * 80 * 8192 * (222 + 294 / 2) + 2 * 80 * 8192 * 222 ** 2 / 294)
    assert prompt_share == pytest.approx(0.4290, abs=1e-4)
    k0, k1 = _values(0.0), _values(1.0)
    k0_refit = _values(0.0, **{"let power_fit_voltage_floor": 0.67})
    for v, floor in ((k0, 0.72), (k0_refit, 0.67)):
        a = P._gemm_dynamic_power(floor)                          # 1,755.1 / 1,957.4 W
        assert v["accelerator_power"] == pytest.approx(           # the served mean draw, uncapped, by hand
            72 + a * v["compute_utilization"] + P.H100_MEMORY_POWER * v["memory_utilization"], rel=1e-9)
        decode = v["accelerator_power"] - a * v["compute_utilization"] * prompt_share
        assert 137.0 <= decode <= 300.0
        assert (300.0 - decode) / (a * 0.486) < 0.1              # k ~ 0: 0.084 / 0.064
        assert v["clock_fraction"] == 1.0
    assert k0_refit["accelerator_power"] > 300.0                 # the served mean (313 W), prompt included
    assert 72 + 1755 * (0.107 + 0.486 * 1.0) + 105 * 0.651 > 700.0       # k 1: demand above the cap (1,181 W)
    assert k1["clock_fraction"] < 0.8 and k1["accelerator_power"] == pytest.approx(k0["accelerator_power"], rel=1e-3)


@pytest.mark.xfail(strict=True, reason="with the knee idle a 64-row H200 tp 1 step still runs at clock 0.956 where "
                                       "the workload reports 638 W of 700: the clock law counts the FLOPs at e_c "
                                       "(serving_efficiency 0.81) as dense-GEMM time, the draw at "
                                       "gemm_peak_fraction 0.992 (x 1.22); docs/accuracy.md s15-knee")
def test_no_step_runs_below_the_clock_its_draw_allows_with_the_knee_idle() -> None:
    v = run(spec(workload("w", **{**BASE, "batch": 64}, **{"let gemm_knee_power": 0.0}), IMPORTS))
    power, clock = float(v["s.w.accelerator_power"][0]), float(v["s.w.clock_fraction"][0])
    assert power < 700.0 - 50.0
    assert clock == pytest.approx(1.0, abs=1e-3)


def test_with_the_draws_activity_the_64_row_step_runs_at_the_full_clock() -> None:
    """`let clock_draw_activity = 1` (validate `--with clock_draw`, measured, not applied; s15-knee) with the knee
    idle: the clock law counts the step's FLOPs at the draw's rate g = 0.992 (not at e_c = 0.81). Its law: a step
    whose draw at the full clock fits the cap runs at the full clock; one whose draw does not is held at the cap, at
    the clock that draw allows. Floor 0.72 (a 1,755 W): the 64-row step's full-clock draw is 659 W of 700, so it
    runs at the full clock (0.956 without it) and its TPOT falls to the full-clock step's (26.43 ms, the kbound
    probe's t at rho 1; 27.39 ms at 0.956). Floor 0.67 (a 1,957 W, validate --with converged_voltage_floor): the same
    step's full-clock demand is 72 + 1,957 x 0.300 + 104.5 x 0.574 = 719 W, above the cap, so it is held at 700 W
    at 0.988 (the mean activity's clock 0.992: the step mixture's spread) and TPOT 26.68 ms (28.23 ms without it).
    (At the Hopper factor 0.82: 664 W, 26.18 / 27.12 ms; 726 W, 0.985 / 0.990, 26.50 / 27.95 ms.)
    The full-clock claim was the 1,755 W fit's number; the law holds at both (s18-refit)."""
    lets = {"let gemm_knee_power": 0.0, "let clock_draw_activity": 1.0}
    v = run(spec(workload("w", **{**BASE, "batch": 64}, **lets), IMPORTS))
    power, clock = float(v["s.w.accelerator_power"][0]), float(v["s.w.clock_fraction"][0])
    assert power < 700.0 - 30.0
    assert clock == 1.0
    assert float(v["s.w.tpot"][0]) == pytest.approx(26.43e-3, rel=2e-3)
    r = run(spec(workload("w", **{**BASE, "batch": 64}, **lets, **{"let power_fit_voltage_floor": 0.67}), IMPORTS))
    demand = 72 + 1957.4 * float(r["s.w.compute_utilization"][0]) + 104.52 * float(r["s.w.memory_utilization"][0])
    assert demand > 700.0                                        # 719 W at the full clock
    assert float(r["s.w.accelerator_power"][0]) == pytest.approx(700.0, rel=1e-9)   # held at the cap
    assert float(r["s.w.clock_fraction"][0]) == pytest.approx(float(r["s.w.sustained_clock"][0]), rel=1e-2)
    assert float(r["s.w.clock_fraction"][0]) < 1.0
    assert float(r["s.w.tpot"][0]) == pytest.approx(26.68e-3, rel=2e-3)


def _row(system: str, benchmark: str, mechanisms):
    from pathlib import Path

    from compiler import validate as V
    rows = V.read_csv(str(Path(__file__).resolve().parents[1] / "reference" / "mlperf_calibration.csv"))
    row = next(r for r in rows if r.data["system"] == system and r.data["benchmark"] == benchmark
               and r.data["metric"] == "throughput")
    V.plan(row, mechanisms)
    return row


def test_knee_power_hopper_is_opt_in_and_reaches_the_gh100_sxm_chips_only() -> None:
    """validate `--with knee_power_hopper` (measured, not applied): off by default; on, a v5.0 H200 SXM row gets
    `gemm_knee_power` 0 and a B200 row keeps the law's default (no let)."""
    from compiler import validate as V
    assert V.MECHANISMS["knee_power_hopper"] == ()
    on = V.mechanisms_with(on=("knee_power_hopper",))
    h200 = "NVIDIA: H200 [H200-SXM-141GBx8_TRT]"
    assert "gemm_knee_power" not in _row(h200, "llama2-70b-interactive-99", None).lets
    assert _row(h200, "llama2-70b-interactive-99", on).lets["gemm_knee_power"] == 0.0
    b200 = next(r.data["system"] for r in V.read_csv(V.__file__.replace("compiler/validate.py",
                                                                         "reference/mlperf_calibration.csv"))
                if "B200-SXM" in r.data.get("accelerator", "") and r.data["benchmark"] == "llama2-70b-99")
    assert "gemm_knee_power" not in _row(b200, "llama2-70b-99", on).lets


def test_clock_draw_is_opt_in_and_reaches_the_gh100_sxm_chips_only() -> None:
    from compiler import validate as V
    assert V.MECHANISMS["clock_draw"] == ()
    h200 = "NVIDIA: H200 [H200-SXM-141GBx8_TRT]"
    assert "clock_draw_activity" not in _row(h200, "llama2-70b-interactive-99", None).lets
    on = V.mechanisms_with(on=("clock_draw",))
    assert _row(h200, "llama2-70b-interactive-99", on).lets["clock_draw_activity"] == 1.0


def test_step_draw_is_opt_in_and_one_law_for_every_chip() -> None:
    """validate `--with step_draw` (s18-tp1step, measured, not applied): the step's clock at its energy a FLOP done
    and a byte moved on every chip, not on the GH100 SXM ones only: off by default; on, the v5.0 H200 SXM row and a
    B200 row both get `gemm_knee_power` 0 and `clock_draw_activity` 1 (the same two lets as `knee_power_hopper` +
    `clock_draw` on the H200)."""
    from compiler import validate as V
    assert V.MECHANISMS["step_draw"] == ()
    on = V.mechanisms_with(on=("step_draw",))
    h200 = "NVIDIA: H200 [H200-SXM-141GBx8_TRT]"
    off = _row(h200, "llama2-70b-interactive-99", None).lets
    assert "clock_draw_activity" not in off and "gemm_knee_power" not in off
    hopper = V.mechanisms_with(on=("knee_power_hopper", "clock_draw"))
    both = _row(h200, "llama2-70b-interactive-99", hopper).lets
    lets = _row(h200, "llama2-70b-interactive-99", on).lets
    assert (lets["gemm_knee_power"], lets["clock_draw_activity"]) == (0.0, 1.0)
    assert (both["gemm_knee_power"], both["clock_draw_activity"]) == (0.0, 1.0)
    b200 = next(r.data["system"] for r in V.read_csv(V.__file__.replace("compiler/validate.py",
                                                                         "reference/mlperf_calibration.csv"))
                if "B200-SXM" in r.data.get("accelerator", "") and r.data["benchmark"] == "llama2-70b-99")
    lets = _row(b200, "llama2-70b-99", on).lets
    assert (lets["gemm_knee_power"], lets["clock_draw_activity"]) == (0.0, 1.0)
