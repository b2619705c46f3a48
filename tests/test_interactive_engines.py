"""NVIDIA's v5.0 Interactive engines and the least-busy dispatch's share of the prompt queue's wait
(`dispatch_wait_share`, compiler/models/inference/; MECHANISMS "interactive_engines", compiler/validate.py
LEAST_DISPATCH_WAIT_SHARE; docs/accuracy.md "The H200 Interactive TTFT gap"): a hand calculation of the law, the
opt-in plan, and the simulation's order (bench/interactive_dispatch_sim.py)."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from compiler import validate as V
from compiler.models import inference as M


def _parts(share: float | None) -> tuple:
    """tests/test_harness_dispatch.py's chunked point of _budget_ttft (base 5 ms, t_decode 10 ms, kappa 10 us a
    token, room 8,000, I = 200, share of a full step 1, one engine, one server, no spread, no dispatch shifts, no
    whole steps, no residual tail), then the wait's share (none: the 21 entries of every caller before)."""
    values = (5e-3, 10e-3, 1e-5, 8000.0, 200.0, 1.0, math.inf, 0.0, 0.0, 10e-3, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0,
              0.0, 0.0, 0.0, 0.0) + (() if share is None else (share,))
    return tuple(np.array([v]) for v in values)


def _ttft(parts, q: float) -> float:
    return float(M._budget_ttft(parts, None, np.array([0.05]), np.array([1.0]), q)[0])


def test_wait_share_by_hand() -> None:
    """rho 0.05, cv 1 (c = 1): w = share x 0.05 / 0.95. p99 (L = ln 100 = 4.60517): X = 200 (1 + w) L; one step
    (X / 8,000 + 1/2 < 1); the step's others half a step's arrivals, 0.05 x 8,000 / 2 = 200 tokens:
        share 1:    X = 969.509, TTFT = 5 + 10 + (969.509 + 200) x 0.01 = 26.695 ms (test_harness_dispatch's);
        share 1/3:  X = 200 x 1.017544 x 4.60517 = 937.194, TTFT = 26.372 ms;
        share 0:    X = 921.034 (the own prompt alone), TTFT = 26.210 ms."""
    assert _ttft(_parts(1.0), 0.99) == pytest.approx(26.695e-3, rel=1e-4)
    assert _ttft(_parts(1 / 3), 0.99) == pytest.approx(26.372e-3, rel=1e-4)
    assert _ttft(_parts(0.0), 0.99) == pytest.approx(26.210e-3, rel=1e-4)
    # share 1 is the law without the entry, bit for bit, at both quantiles
    for q in (0.50, 0.99):
        assert _ttft(_parts(1.0), q) == _ttft(_parts(None), q)


def test_a_smaller_share_never_raises_a_quantile() -> None:
    """The wait's share scales the chance to wait; a smaller share never lengthens any quantile, at light and heavy
    prompt queues, with the own prompt at its spread and the residual tail on (validate's chunked rows)."""
    for rho in (0.05, 0.5, 0.9):
        for q in (0.50, 0.90, 0.99):
            values = [float(M._budget_ttft(_spread_parts(s), None, np.array([rho]), np.array([0.77]), q)[0])
                      for s in (1.0, 0.66, 0.33, 0.0)]
            assert all(np.isfinite(values)) and all(b <= a * (1 + 1e-12) for a, b in zip(values, values[1:]))


def _spread_parts(share: float) -> tuple:
    """The chunked point above with a 256-token room (prompts span steps), the own prompt at its spread and the
    rest of the step in flight (5 ms) at its spread."""
    p = list(_parts(share))
    p[3], p[16], p[20] = np.array([256.0]), np.array([1.0]), np.array([5e-3])
    return tuple(p)


def _planned(match, mechanisms):
    """The first v5.0 Llama 2 70B Interactive TTFT p99 row of reference/mlperf_calibration.csv whose data `match`
    accepts, planned with `mechanisms`."""
    rows = V.read_csv(str(Path(__file__).resolve().parents[1] / "reference" / "mlperf_calibration.csv"))
    row = next(r for r in rows if match(r.data) and r.data["round"] == "inference-v5.0"
               and r.data["benchmark"] == "llama2-70b-interactive-99" and r.data["metric"] == "ttft_p99")
    V.plan(row, mechanisms)
    return row


def _interactive_row(mechanisms):
    return _planned(lambda d: d["system"] == "NVIDIA: H200 [H200-SXM-141GBx8_TRT]", mechanisms)


def _b200_row(*names, off=()):
    """The v5.0 8x B200 Interactive TTFT p99 row (its engine tp 1 at 768 tokens) planned with the mechanisms `names`
    on and `off` off."""
    return _planned(lambda d: "B200" in d["accelerator"], V.mechanisms_with(on=names, off=off))


def test_opt_in_and_what_it_gives() -> None:
    """Applied since 2026-12-07 (docs/accuracy.md "Five mechanisms applied"): the v5.0 H200 Interactive row runs
    NVIDIA's engine (tp 1 pp 1, 256 tokens: LAYOUTS) with the least-busy dispatch's share of the wait; off
    (`--without interactive_engines`), the model searches the layout and the wait is the engine's own."""
    assert V.MECHANISMS["interactive_engines"] == ("interactive",)
    assert V.MECHANISM_SCENARIOS["interactive_engines"] == ("interactive",)
    off = _interactive_row(V.mechanisms_with(off=("interactive_engines",)))
    assert "tp" not in off.fields and "dispatch_wait_share" not in off.lets
    on = _interactive_row(None)
    assert (on.fields["tp"], on.fields["pp"]) == (1.0, 1.0)
    assert on.fields["max_num_tokens"].value == 256.0
    assert on.lets["dispatch_wait_share"] == V.LEAST_DISPATCH_WAIT_SHARE
    assert 0.0 < V.LEAST_DISPATCH_WAIT_SHARE < 1.0


def test_the_share_is_the_one_derived_on_the_step_the_row_runs() -> None:
    """With the GEMM knee idle on the GH100 SXM chips (`knee_power_hopper`, s15-knee) the row takes the share the
    same rule gives on that step (LEAST_DISPATCH_WAIT_SHARE_KNEE_IDLE 0.44: the simulated least-busy / independent
    p99 ratio 371.6 / 460.9 = 0.806 at the runs' load, and the law at share 1 494.4 ms, at 0.40 / 0.45 389.9 / 401.1
    ms, so 0.806 x 494.4 = 398.6 ms at 0.40 + 0.05 (398.6 - 389.9) / (401.1 - 389.9) = 0.439); with the knee drawing,
    0.33 (s14-gap)."""
    assert abs(0.40 + 0.05 * (0.806 * 494.4 - 389.9) / (401.1 - 389.9) - V.LEAST_DISPATCH_WAIT_SHARE_KNEE_IDLE) < 0.005
    both = _interactive_row(V.mechanisms_with(on=("interactive_engines", "knee_power_hopper")))
    assert both.lets["gemm_knee_power"] == 0.0
    assert both.lets["dispatch_wait_share"] == V.LEAST_DISPATCH_WAIT_SHARE_KNEE_IDLE
    alone = _interactive_row(V.mechanisms_with(on=("interactive_engines",)))
    assert alone.lets["dispatch_wait_share"] == V.LEAST_DISPATCH_WAIT_SHARE


def test_the_share_scope_keeps_it_on_the_simulated_engine_only() -> None:
    """`least_share_scope` (applied since 2026-12-07): with `interactive_engines` the least-busy share stays on the engine it
    was simulated on (tp 1 pp 1, 256 tokens: the H200 row, either share) and leaves a B200 Interactive row (tp 1 at
    768 tokens, LAYOUTS) its own queue's law, as without the scope; the B200 row still runs its LAYOUTS engine."""
    assert V.MECHANISMS["least_share_scope"] == ("interactive",)
    assert V.LEAST_SHARE_ENGINES == ((1, 1, 256.0),)
    for extra, share in (((), V.LEAST_DISPATCH_WAIT_SHARE),
                         (("knee_power_hopper",), V.LEAST_DISPATCH_WAIT_SHARE_KNEE_IDLE)):
        on = V.mechanisms_with(on=("interactive_engines", "least_share_scope") + extra)
        assert _interactive_row(on).lets["dispatch_wait_share"] == share
    unscoped = _b200_row("interactive_engines", off=("least_share_scope",))
    assert unscoped.lets["dispatch_wait_share"] == V.LEAST_DISPATCH_WAIT_SHARE
    scoped = _b200_row("interactive_engines", "least_share_scope")
    assert "dispatch_wait_share" not in scoped.lets
    assert "dispatch_wait_share" not in _b200_row().lets
    assert (scoped.fields["tp"], scoped.fields["pp"], scoped.fields["max_num_tokens"].value) == (1.0, 1.0, 768.0)


def test_the_roofline_on_the_dies_it_was_measured_on_only() -> None:
    """`gemm_roofline_hopper` (off by default; docs/accuracy.md "NVIDIA's Interactive engines taken apart"): the
    H200 row gets `gemm_roofline`'s two lets exactly (GEMM_ROOFLINE_LAUNCH, GEMM_WEIGHT_EFFICIENCY: H100 fp8
    measurements, a GH100 die), a B200 row (Blackwell FP4) none; `gemm_roofline` gives both."""
    assert V.MECHANISMS["gemm_roofline_hopper"] == ()
    assert V.GEMM_ROOFLINE_FAMILIES == ("Hopper FP8", "Hopper add-in FP8")
    h200 = _interactive_row(V.mechanisms_with(on=("gemm_roofline_hopper",)))
    assert h200.lets["gemm_launch_time"].value == V.GEMM_ROOFLINE_LAUNCH
    assert h200.lets["gemm_weight_efficiency"] == V.GEMM_WEIGHT_EFFICIENCY
    assert "gemm_launch_time" not in _interactive_row(None).lets

    assert "gemm_launch_time" not in _b200_row("gemm_roofline_hopper").lets
    assert _b200_row("gemm_roofline").lets["gemm_launch_time"].value == V.GEMM_ROOFLINE_LAUNCH


def test_least_busy_dispatch_shortens_the_tail_at_nvidias_engines() -> None:
    """bench/interactive_dispatch_sim.py's order at NVIDIA's engines (8 of tp 1, 256 tokens) and the runs' load, in
    a short run (240 s, seed 1): least-busy dispatch's TTFT p99 below independent engines' by more than 10%, its
    p50 within 10% of theirs (the dispatch cuts the queue's tail, not the own prompt's chunks)."""
    from bench import interactive_dispatch_sim as S
    from bench.v41_dispatch_sim import simulate

    engines, budget, rows, (t0, beta, kappa, _) = S.layouts()["NVIDIA tp 1, 256 tokens, 8 engines"]
    target = beta * 615.0 + t0 + kappa * 465.0
    own, least = (simulate(p, engines, S.RATE, 240.0, seed=1, kappa=kappa, t0=t0, step_target=target,
                           budget=budget, max_rows=rows, chunked=True) for p in ("own", "least"))
    assert least["p99"] < 0.9 * own["p99"]
    assert abs(least["p50"] / own["p50"] - 1) < 0.10
