"""The harness's dispatch term (`dispatch_wait_p50` / `dispatch_wait_p99`, compiler/models/inference/; MECHANISMS
"harness_dispatch", compiler/validate.py DISPATCH_WAITS; docs/accuracy.md "The harness's dispatch in place of the
first-token delay"): hand calculations of the quantile shift, the harness by round and layout, and the opt-in law."""
from __future__ import annotations

import math

import numpy as np
import pytest

from compiler import validate as V
from compiler.models import inference as M


def _parts(d50: float, d99: float) -> tuple:
    """A chunked-context point of _budget_ttft with every entry (test_inference's whole-prompt point, chunked):
    base 5 ms, t_decode 10 ms, kappa 10 us a token, room 8,000, I = 200, share 1, no longest prompt, no round;
    whole 0, t_mean 10 ms, fill 0, no batcher window, 1 engine, no batcher terms, 1 server, no spread; then the
    dispatch shifts in seconds."""
    values = (5e-3, 10e-3, 1e-5, 8000.0, 200.0, 1.0, math.inf, 0.0, 0.0, 10e-3, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0,
              d50, d99)
    return tuple(np.array([v]) for v in values)


def _ttft(parts, q: float) -> float:
    return float(M._budget_ttft(parts, None, np.array([0.05]), np.array([1.0]), q)[0])


def test_dispatch_shift_by_hand() -> None:
    """rho 0.05, cv 1: chunked p50 = 15 + (145.925 + 200) x 0.01 = 18.459 ms, p99 = 15 + (969.509 + 200) x 0.01 =
    26.695 ms (test_inference's hand calculation). A shared queue of 8 engines at the model's 10 ms step,
    (-0.24, -0.11) steps = (-2.4, -1.1) ms: p50 16.059 ms, p99 25.595 ms; between them the shift moves as the law's
    own rise does (test_dispatch_p50_shift_by_hand: at q = 0.745, u = 0.1721 of it), -2.4 + 0.1721 x 1.3 = -2.176 ms
    (linear in q it was the mean, -1.75 ms)."""
    none, shared = _parts(0.0, 0.0), _parts(-2.4e-3, -1.1e-3)
    assert _ttft(none, 0.50) == pytest.approx(18.459e-3, rel=1e-4)
    assert _ttft(none, 0.99) == pytest.approx(26.695e-3, rel=1e-4)
    assert _ttft(shared, 0.50) == pytest.approx(16.059e-3, rel=1e-4)
    assert _ttft(shared, 0.99) == pytest.approx(25.595e-3, rel=1e-4)
    assert _ttft(shared, 0.745) - _ttft(none, 0.745) == pytest.approx(-2.1762e-3, rel=1e-4)
    # zero shifts are the law without them (the 17-entry parts of every caller before)
    assert _ttft(none, 0.99) == _ttft(none[:17], 0.99) and _ttft(none, 0.50) == _ttft(none[:17], 0.50)


def test_dispatch_by_harness() -> None:
    """NVIDIA's v4.1 harness: one shared queue at tp x pp 1, the least busy engine above; v5.0 on: the least busy
    engine; other harnesses and a single engine: independent queues (the prompt queue's law)."""
    tp1, tp2 = V.Layout(1, 1, 0, ""), V.Layout(2, 1, 0, "")
    assert V.dispatch_policy("inference-v4.1", "Hopper FP8", tp1, 8) == ("shared", 8)
    assert V.dispatch_policy("inference-v4.1", "Hopper FP8", tp2, 8) == ("least", 4)
    assert V.dispatch_policy("inference-v4.1", "Hopper FP8", tp1, 1)[0] == "own"
    assert V.dispatch_policy("inference-v5.0", "Blackwell FP4", tp1, 8) == ("least", 8)
    assert V.dispatch_policy("inference-v5.0", "Hopper FP8", None, 8) == ("least", 8)   # one chip an engine
    assert V.dispatch_policy("inference-v5.0", "CDNA3 FP8", tp1, 8)[0] == "own"
    assert V.dispatch_waits("own", 8) == (0.0, 0.0) and V.dispatch_waits("least", 1) == (0.0, 0.0)
    assert V.dispatch_waits("shared", 72) == V.DISPATCH_WAITS["shared"][8]                # more than 8: 8's
    assert V.dispatch_waits("least", 6) == V.DISPATCH_WAITS["least"][4]


def test_dispatch_table_has_the_sketchs_signs() -> None:
    """bench/v41_dispatch_sim.py: a shared queue brings the median forward, the least busy engine pushes it back,
    more so with more engines; both move the p99 far less than one step."""
    shared, least = V.DISPATCH_WAITS["shared"], V.DISPATCH_WAITS["least"]
    assert shared[8][0] < shared[4][0] < shared[2][0] < 0 < least[2][0] < least[4][0] < least[8][0]
    assert all(abs(p99) < 0.5 for table in (shared, least) for _, p99 in table.values())


def test_opt_in() -> None:
    assert V.MECHANISMS["harness_dispatch"] == () and V.MECHANISM_SCENARIOS["harness_dispatch"] == ("server",
                                                                                                  "interactive")


# `dispatch_p50` (docs/accuracy.md "The first-token pair by round", s16-dispatch): DISPATCH_WAITS' p50 column with the
# residual tail kept and the first-token pair refit, opt-in
def _server_row(round_: str, accelerator: str, n: int) -> V.Row:
    data = {"round": round_, "benchmark": "llama2-70b-99", "scenario": "Server", "system": "s",
            "accelerator": accelerator, "num_accelerators": str(n), "metric": "ttft_p50", "value": "300",
            "unit": "ms", "source": "https://github.com/mlcommons/inference_results_v5.0/tree/main/closed/s/results/x"}
    return V.Row(2, data)


def test_dispatch_p50_shift_by_hand() -> None:
    """The p50 column alone (D99 0): with the hand point above, least-busy at 8 engines (+0.22 step = +2.2 ms) moves
    the p50 18.459 -> 20.659 ms and leaves the p99 at 26.695 ms. A shift that falls from the p50 to the p99 is
    reached as the law's own rise is (so it cannot make the quantile fall): at q = 0.745 the law without shifts is
    15 + (210.526 x ln(1 / 0.255) + 200) x 0.01 = 19.877 ms, u = (19.877 - 18.459) / (26.695 - 18.459) = 0.1721 of
    its p50 -> p99 rise, so the shift there is 2.2 (1 - 0.1721) = +1.821 ms (linear in q it was half, +1.1 ms)."""
    none, p50 = _parts(0.0, 0.0), _parts(2.2e-3, 0.0)
    assert _ttft(p50, 0.50) == pytest.approx(20.659e-3, rel=1e-4)
    assert _ttft(p50, 0.99) == _ttft(none, 0.99)
    assert _ttft(p50, 0.745) - _ttft(none, 0.745) == pytest.approx(1.8213e-3, rel=1e-4)


def test_dispatch_p50_is_opt_in_and_sets_the_p50_column_and_the_refit_pair() -> None:
    """Off by default (no row's lets move but the v4.1 least-busy whole-prompt row's p50 shift, which `whole_step_least`
    applies); on a v5.0 NVIDIA chunked Server row: the least-busy p50 at its engines,
    no p99 shift, the refit pair in place of (0.325, 0.175), the residual tail kept; on a v4.1 row of whole prompts:
    the shared-queue p50 at 8 engines (-0.24 step) and no delay read; AMD's vLLM row: no dispatch (its own queues),
    the refit delay."""
    assert V.MECHANISMS["dispatch_p50"] == () and V.MECHANISM_SCENARIOS["dispatch_p50"] == ("server", "interactive")
    on = V.mechanisms_with(on=("dispatch_p50",))
    for round_, accelerator, n in (("inference-v5.0", "NVIDIA H200-SXM-141GB", 8),
                                   ("inference-v4.1", "NVIDIA H100-SXM-80GB", 8),
                                   ("inference-v5.0", "AMD Instinct MI325X 256GB HBM3e", 8)):
        base, row = _server_row(round_, accelerator, n), _server_row(round_, accelerator, n)
        V.plan(base)
        V.plan(row, on)
        assert base.covered and row.covered
        assert "dispatch_wait_p99" not in row.lets
        if "whole_prompts" in base.lets:     # the v4.1 least-busy whole-prompt row reads it by default since
            # session 21 (`whole_step_least`), the same table value as dispatch_p50's
            assert base.lets["dispatch_wait_p50"] == V.DISPATCH_WAITS["least"][4][0]
        else:
            assert "dispatch_wait_p50" not in base.lets
        fam = V.FAMILIES.get(row.chip)
        if fam == "CDNA3 FP8":
            assert row.lets["dispatch_wait_p50"] == 0.0 and row.lets.get("step_residual_tail", 0.0) == 0.0
        elif round_ == "inference-v4.1":
            # NVIDIA's v4.1 H100 x8 engines are tp 2 (LAYOUTS): the least busy of 4 engines, +0.14 step
            assert row.lets["whole_prompts"] and row.lets["dispatch_wait_p50"] == V.DISPATCH_WAITS["least"][4][0]
        else:
            assert row.lets["dispatch_wait_p50"] > 0                                     # least busy
            assert row.lets["step_residual_tail"] == 1.0 == base.lets["step_residual_tail"]
            assert base.lets["first_token_delay_p99"] == V.RESIDUAL_TAIL_P99_DELAY
            assert row.lets["first_token_delay_p99"] == V.DISPATCH_P50_DELAY[1]
        assert row.lets["first_token_delay"] == V.DISPATCH_P50_DELAY[0]


def test_dispatch_p50_residual_and_the_sourced_shift_make_the_old_delay() -> None:
    """The refit residual plus the least-busy p50 shift at v5.0's 4-8 engines is the old fitted delay within a grid
    step: 0.15 + 0.14..0.22 = 0.29..0.37 mean steps about 0.325 -- the dispatch sources ~half of it."""
    lo = V.DISPATCH_P50_DELAY[0] + V.DISPATCH_WAITS["least"][4][0]
    hi = V.DISPATCH_P50_DELAY[0] + V.DISPATCH_WAITS["least"][8][0]
    assert lo - 0.05 <= V.FIRST_TOKEN_DELAY <= hi + 0.05
