"""The whole-prompt engine's TTFT p50 from its queue (`whole_step_engines`, compiler/models/inference/
_whole_step_ttft; validate's opt-in `whole_step_p50`; docs/accuracy.md "The whole-prompt engines' first token",
s21-v41): the wait for the next step boundary plus the step that takes every waiting prompt whole."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from bench.v41_dispatch_sim import simulate
from compiler import validate as V
from compiler.models import inference as M

CALIBRATION = Path(__file__).resolve().parents[1] / "reference" / "mlperf_calibration.csv"


def arr(x) -> np.ndarray:
    return np.asarray(x, dtype=float).reshape(1)


def law(k, lam_tokens, t_mean, q=0.5, t_decode=0.117, kappa=0.106e-3, room=3400.0, I=222.33, cv=0.771):
    return float(M._whole_step_ttft(arr(t_decode), arr(kappa), arr(room), arr(I), arr(cv), arr(lam_tokens),
                                    arr(t_mean), arr(k), q)[0])


def test_a_lone_prompt_by_hand() -> None:
    """No other traffic (lam -> 0) and prompts of one length (cv 0): a request waits a uniform share of the step in
    flight (one engine: U t_mean) and then one step of the decode rows and its own prompt, so the TTFT is uniform
    over [t_decode + kappa I, t_mean + t_decode + kappa I] and its median is the middle, by hand
    0.120 / 2 + 0.117 + 0.106e-3 x 222.33 = 0.200567 s. Over k engines draining one queue the wait is the first of k
    uniform boundaries, mean t_mean / (k + 1): at k = 8 its median 1 - 0.5^(1/8) = 0.0830 of the step
    (Cornish-Fisher from Beta(1, 8)'s cumulants: within 2% of the exact 0.0830 t_mean + 0.140567 s)."""
    assert math.isclose(law(1, 1e-12, 0.120, cv=0.0), 0.120 / 2 + 0.117 + 0.106e-3 * 222.33, rel_tol=1e-9)
    exact = (1 - 0.5 ** (1 / 8)) * 0.120 + 0.117 + 0.106e-3 * 222.33
    assert math.isclose(law(8, 1e-12, 0.120, cv=0.0), exact, rel_tol=0.02)


def test_more_engines_on_one_queue_wait_less() -> None:
    """At one load a queue drained by more engines' step starts reaches a boundary sooner: the p50 falls with k,
    and a heavier load (more prompt tokens a second, a longer mean step) raises it at every k."""
    p50 = [law(k, 13.2 * 222.33, 0.166) for k in (1, 2, 4, 8, 16)]
    assert all(a > b for a, b in zip(p50, p50[1:]))
    assert all(law(k, 16.0 * 222.33, 0.183) > law(k, 13.2 * 222.33, 0.166) for k in (1, 8))


def test_the_p99_is_the_budget_laws() -> None:
    """The switch moves only the p50 (and lower quantiles): at the p99 `_budget_ttft` is the same with and without
    it, on a whole-prompt row's parts (bench/whole_step_p50.py builds them so); k is capped at the service's own
    engines (a queue cannot be drained by engines the service does not have)."""
    t_mean, room, I = 0.166, 3400.0, 222.33
    t_full = 0.117 + 0.106e-3 * room
    service = I * t_full / room
    base = [arr(x) for x in (0.5 * t_mean, 0.117, 0.106e-3, room, I, t_mean / t_full, 1021.0, 0.0, 1.0, t_mean,
                             0.0, 0.0, 8.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0)]
    on = base + [arr(8.0)]
    off = base + [arr(0.0)]
    more = base + [arr(16.0)]          # more engines on the queue than the service has: its 8 (parts[12])
    rho = arr(13.2 * service)
    for q in (0.5, 0.99):
        a, b = (float(M._budget_ttft(tuple(p), arr(service), rho, arr(0.771), q)[0]) for p in (on, off))
        assert (a == b) == (q > 0.5)
    assert math.isclose(float(M._budget_ttft(tuple(on), arr(service), rho, arr(0.771), 0.5)[0]),
                        law(8, 13.2 * I, t_mean, room=room), rel_tol=1e-12)
    assert float(M._budget_ttft(tuple(more), arr(service), rho, arr(0.771), 0.5)[0]) == \
        float(M._budget_ttft(tuple(on), arr(service), rho, arr(0.771), 0.5)[0])


def test_against_the_simulation() -> None:
    """bench/v41_dispatch_sim.py's whole-prompt engines (t = t_decode + kappa P exactly), 13.2 requests/s an engine:
    one queue drained by 8 engines (NVIDIA's v4.1 harness at tp 1), and an engine's own queue. The law is within 7%
    of the simulated p50 at both; the budget law (validate's today) is within 3% on the own queue but over the
    shared one's by more than 10% (the rest of the step in flight at t_mean / 2, not the first of 8 boundaries)."""
    from bench.whole_step_p50 import BUDGET, KAPPA, OUTPUT, PROMPT, T_DECODE, laws
    for policy, engines, budget_law_ok in (("shared", 8, False), ("own", 1, True)):
        sim = simulate(policy, engines, 13.2 * engines, 400.0, seed=1, kappa=KAPPA, t0=T_DECODE,
                       step_target=T_DECODE + KAPPA * 465.0, budget=BUDGET, max_rows=2048, prompt=PROMPT,
                       output=OUTPUT)
        rows = 13.2 * OUTPUT[0] * sim["tpot_mean"]
        whole, budget = laws(engines if policy == "shared" else 1, 13.2, sim["tpot_mean"], rows, 0.5)
        assert abs(whole / sim["p50"] - 1) < 0.07
        assert (abs(budget / sim["p50"] - 1) < 0.03) == budget_law_ok
        assert budget_law_ok or budget / sim["p50"] - 1 > 0.10


def _row(round_: str, accelerator: str, mechanisms):
    row = next(r for r in V.read_csv(str(CALIBRATION)) if r.data["round"] == round_
               and r.data["benchmark"] == "llama2-70b-99" and r.data["metric"] == "ttft_p50"
               and r.data["accelerator"] == accelerator and r.data["num_accelerators"] in ("8", 8, 8.0))
    V.plan(row, mechanisms)
    return row


def test_applied_and_where_it_applies() -> None:
    """Applied on Server and Interactive (session 21): the v4.1 8x H200 row (tp 1: one queue, 8 engines) reads k = 8,
    the v4.1 8x H100 row (tp 2: least busy, each engine's own queue as the law takes it) k = 1, a v5.0 row (chunked)
    nothing; `--without whole_step_p50` leaves every row without it."""
    assert set(V.MECHANISMS["whole_step_p50"]) == {"server", "interactive"}
    on = V.MECHANISMS
    assert "whole_step_engines" not in _row("inference-v4.1", "NVIDIA H200-SXM-141GB",
                                            V.mechanisms_with(off=("whole_step_p50",))).lets
    assert _row("inference-v4.1", "NVIDIA H200-SXM-141GB", on).lets["whole_step_engines"] == 8.0
    assert _row("inference-v4.1", "NVIDIA H100-SXM-80GB", on).lets["whole_step_engines"] == 1.0
    assert "whole_step_engines" not in _row("inference-v5.0", "NVIDIA H200-SXM-141GB", on).lets


def test_the_least_busy_shift_adds_to_the_p50() -> None:
    """`whole_step_least` (applied, session 21): on a whole-prompt row a least-busy harness dispatches, DISPATCH_WAITS' simulated
    least-busy p50 shift (bench/v41_dispatch_sim.py: +0.14 mean steps at 4 engines) rides on the whole-step p50, by
    hand law + 0.14 t_mean; the v4.1 8x H100 row (tp 2, 4 engines, least busy) reads it, the 8x H200 row (tp 1, one
    shared queue: the law's own k) does not."""
    t_mean, room, I = 0.166, 3400.0, 222.33
    t_full = 0.117 + 0.106e-3 * room
    service = I * t_full / room
    shift = V.DISPATCH_WAITS["least"][4][0] * t_mean
    parts = [arr(x) for x in (0.5 * t_mean, 0.117, 0.106e-3, room, I, t_mean / t_full, 1021.0, 0.0, 1.0, t_mean,
                              0.0, 0.0, 4.0, 0.0, 0.0, 1.0, 0.0, shift, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0)]
    got = float(M._budget_ttft(tuple(parts), arr(service), arr(13.2 * service), arr(0.771), 0.5)[0])
    assert math.isclose(got, law(1, 13.2 * I, t_mean, room=room) + 0.14 * t_mean, rel_tol=1e-12)
    on = V.MECHANISMS
    assert set(V.MECHANISMS["whole_step_least"]) == {"server", "interactive"}
    assert _row("inference-v4.1", "NVIDIA H100-SXM-80GB", on).lets["dispatch_wait_p50"] == 0.14
    assert "dispatch_wait_p50" not in _row("inference-v4.1", "NVIDIA H200-SXM-141GB", on).lets
    assert "dispatch_wait_p50" not in _row("inference-v4.1", "NVIDIA H100-SXM-80GB",
                                           V.mechanisms_with(off=("whole_step_least",))).lets
    # the tabulated dispatch (`harness_dispatch`, `dispatch_p50`, opt-in) leaves the shared queue's p50 to the law
    for name in ("harness_dispatch", "dispatch_p50"):
        both = V.mechanisms_with(on=(name,))
        assert _row("inference-v4.1", "NVIDIA H200-SXM-141GB", both).lets["dispatch_wait_p50"] == 0.0
        assert _row("inference-v4.1", "NVIDIA H100-SXM-80GB", both).lets["dispatch_wait_p50"] == 0.14
