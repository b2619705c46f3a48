"""A request's TPOT as a busy period of the prompt queue (`prompt_busy_window`, compiler/models/inference/
busy_window_tpot; validate's opt-in `prompt_busy_window` / `prompt_busy_window_all`; docs/accuracy.md "The per-request
TPOT as a busy period of the prompt queue", s22-tpot405). bench/tpot_busy_window.py checks the law against the
discrete-event engines; these tests pin it by hand and by its laws."""
from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest

from compiler import validate as V
from compiler.models import inference as M
from compiler import evaluate_text

# a long-prompt engine of one replica (Llama 3.1 405B's shape, round numbers): decode-only step 30 ms, 0.1 ms a
# prompt token, 0.5 requests/s of 8,000-token prompts (cv 0.5), 2,000 tokens of room a step, 500-token answers
T_D, KAPPA, LAM, I, CV, ROOM, O = 0.030, 1e-4, 0.5, 8000.0, 0.5, 2000.0, 500.0


def _law(q, output=O, output_cv=0.0, lam=LAM):
    rho_p = KAPPA * lam * I
    t_mean = T_D / (1 - rho_p)
    return M.busy_window_tpot(T_D, t_mean, T_D + KAPPA * ROOM, KAPPA, lam, I, CV, ROOM, output, output_cv, q)


def test_the_law_by_hand_at_one_output_length() -> None:
    """Every request 500 tokens (499 decode steps after its first token), written out:
    rho' = kappa lam I = 0.4, t_mean = t_d / (1 - rho') = 50 ms; t_full = 30 + 0.1 x 2,000 = 230 ms, a prompt's time
    S = I t_full / room = 0.92 s, rho = lam S = 0.46; the queue's work E[V] = rho S (1 + cv^2) / (2 (1 - rho)) =
    0.48981 s, left behind by a departure rho S + rho E[V] = 0.64851 s, at a step E[V] t_mean / t_full = 0.10648 s;
    X = (1 - t_d / t_full) (0.64851 - 0.10648) = 0.47133 s; mean = t_mean + X / ((1 - rho') 499) = 51.574 ms.
    m2 = lam (kappa I)^2 (1 + cv^2) = 0.4, m3 = lam (kappa I)^3 (1 + cv^2)(1 + 2 cv^2) = 0.96;
    Var = t_d m2 / (0.6^3 x 499), k3 = t_d (m3 / 0.6^4 + 3 m2^2 / 0.6^5) / 499^2; the p99 is the Cornish-Fisher
    quantile mean + sd (z + (z^2 - 1) g / 6), z = 2.32635 (one length: the bisection inverts that expansion)."""
    rho_p, t_mean, t_full = 0.4, 0.05, 0.23
    S = I * t_full / ROOM
    rho = LAM * S
    work = rho * S * (1 + CV ** 2) / (2 * (1 - rho))
    X = (1 - T_D / t_full) * (rho * S + rho * work - work * t_mean / t_full)
    assert (rho, round(work, 5), round(X, 5)) == (pytest.approx(0.46), 0.48981, 0.47133)
    mean = t_mean + X / ((1 - rho_p) * (O - 1))
    m2 = LAM * (KAPPA * I) ** 2 * (1 + CV ** 2)
    m3 = LAM * (KAPPA * I) ** 3 * (1 + CV ** 2) * (1 + 2 * CV ** 2)
    var = T_D * m2 / ((1 - rho_p) ** 3 * (O - 1))
    third = T_D * (m3 / (1 - rho_p) ** 4 + 3 * m2 ** 2 / (1 - rho_p) ** 5) / (O - 1) ** 2
    z, g = NormalDist().inv_cdf(0.99), third / var ** 1.5
    p99 = mean + math.sqrt(var) * (z + (z * z - 1) * g / 6)
    got_mean, got_p99 = _law(0.99)
    assert float(got_mean) == pytest.approx(mean, rel=1e-12)
    assert mean == pytest.approx(0.051574, abs=1e-6)
    assert float(got_p99) == pytest.approx(p99, rel=1e-6)


def test_no_prompt_load_is_the_decode_step_and_an_unstable_queue_is_inf() -> None:
    """No prompts (lam 0, t_mean = t_decode): every request's steps are decode-only steps, mean and p99 alike; a
    queue at rho >= 1 never clears, so no request has a finite TPOT."""
    mean, p99 = M.busy_window_tpot(T_D, T_D, T_D + KAPPA * ROOM, KAPPA, 0.0, I, CV, ROOM, O, 0.35, 0.99)
    assert float(mean) == pytest.approx(T_D, rel=1e-12) and float(p99) == pytest.approx(T_D, rel=1e-9)
    assert np.isinf(_law(0.99, lam=2.0 / (I * (T_D + KAPPA * ROOM) / ROOM))).all()


def test_the_per_request_mean_is_above_the_mean_step_and_falls_as_one_over_the_steps() -> None:
    """A window begins where its own prompt leaves the queue, with more work behind it than a step sees: the
    per-request mean exceeds t_mean by X / ((1 - rho') (o - 1)), halving the excess as the steps after the first
    token double (499 -> 998)."""
    t_mean = T_D / (1 - KAPPA * LAM * I)
    short, long = (float(_law(0.5, output=o)[0]) - t_mean for o in (500.0, 999.0))
    assert short > 0 and long == pytest.approx(short / 2, rel=1e-12)


def test_the_tail_narrows_with_longer_answers_and_the_quantiles_are_ordered() -> None:
    """A longer life averages more of the queue's busy periods: mean / p99 rises with the output; p50 <= p99; the
    outputs' spread (gamma cv 0.35) widens the p99 over the mean length's."""
    ratios = [float(np.divide(*_law(0.99, output=o))) for o in (250.0, 500.0, 1000.0, 2000.0)]
    assert ratios == sorted(ratios) and ratios[-1] < 1
    assert float(_law(0.50)[1]) <= float(_law(0.99)[1])
    assert float(_law(0.99, output_cv=0.35)[1]) > float(_law(0.99)[1])


def test_the_feedback_vanishes_at_a_light_prompt_load() -> None:
    """rho' -> 0: the busy period's variance t_decode m2 / ((1 - rho')^3 n) becomes today's compound-Poisson prompt
    term, t_mean m2 / n (kappa^2 b r^2 (1 + cv^2) with b = lam O t_mean arrivals a life: _tpot_tail). Few arrivals
    a life make the skewness large, so at a light load the law's p99 excess over its mean is today's sd times the
    Cornish-Fisher quantile at its clipped skewness 2, z + (z^2 - 1) / 3."""
    z = NormalDist().inv_cdf(0.99)
    lam = 5e-5
    mean, p99 = _law(0.99, lam=lam)
    t_mean = T_D / (1 - KAPPA * lam * I)
    sd_today = math.sqrt(t_mean * lam * (KAPPA * I) ** 2 * (1 + CV ** 2) / (O - 1))
    assert (float(p99) - float(mean)) / sd_today == pytest.approx(z + (z * z - 1) / 3, rel=1e-3)


SERVER = """from systems import DGX_H200
from models import Llama2_70B
inference svc {
  model = Llama2_70B
  system = DGX_H200
  accelerators = 8
  scenario = "server"
  input_tokens = %s tok
  output_tokens = 500 tok
%s}
"""


def _outputs(text: str) -> dict:
    results, sink = evaluate_text(text, "spec.factory")
    assert not [d for d in sink.items if d.severity == "error"]
    return {path: np.asarray(v, dtype=float) for path, v in results.values.items()
            if path.startswith("svc.") and isinstance(v, np.ndarray) and v.dtype.kind in "fiu"}


def test_short_prompts_keep_todays_law_and_long_ones_take_the_busy_window() -> None:
    """`let prompt_busy_window = 1` reduces to today's law where a mean prompt fits one step's room (a 500-token
    prompt against the default budget, 8,192 tokens a rank): every output the same. Where a mean prompt fills
    several steps (3,000 tokens at `max_num_tokens` 256 a rank, pp 1), the TPOT mean is the per-request mean,
    above the mean step (t_iter, and with it the throughput, unchanged), and the p99 the busy period's."""
    let = "  let prompt_busy_window = 1\n"
    short, short_on = (_outputs(SERVER % ("500", extra)) for extra in ("", let))
    assert all(np.allclose(short[k], short_on[k], rtol=1e-12, atol=0, equal_nan=True) for k in short
               if k != "svc.prompt_busy_window")
    budget = "  pp = 1\n  let max_num_tokens = 256 tok\n"
    long, long_on = (_outputs(SERVER % ("3000", budget + extra)) for extra in ("", let))
    # a TTFT-bound capacity point (tp 4, 46 rows): the rate and the mean step stay, the per-request mean and the
    # p99 rise (23.9 -> 24.3 ms, 29.4 -> 37.1 ms at this commit)
    on, off = ({k: float(np.ravel(v)[0]) for k, v in o.items() if np.size(v) == 1} for o in (long_on, long))
    assert on["svc.tokens_per_s"] == pytest.approx(off["svc.tokens_per_s"], rel=1e-12)
    assert on["svc.tpot_mean"] > off["svc.tpot_mean"]
    assert on["svc.tpot_p99"] > off["svc.tpot_p99"] > on["svc.tpot_mean"]


def test_the_mechanisms_give_the_let_where_they_apply() -> None:
    """`prompt_busy_window` is applied to Server and Interactive rows (session 22: the let 1, and 405B's output
    spread where a mean prompt exceeds its pp 1 engine's budget); the `_all` variant (the let 2 on every row) is
    measured, not applied."""
    assert set(V.MECHANISMS["prompt_busy_window"]) == {"server", "interactive"}
    assert V.MECHANISMS["prompt_busy_window_all"] == ()
    assert set(V.MECHANISM_SCENARIOS["prompt_busy_window_all"]) == {"server", "interactive"}
