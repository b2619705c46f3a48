"""The TTFT tail as a wait for an engine's own KV rows (bench/mixtral_slots.py, bench/v41_dispatch_sim.py
`pull_rows`, validate `--with engine_kv_wait`; docs/accuracy.md "The Mixtral H100 tail as a wait for an engine's own
KV rows", s20-mixtail). Hand calculations and laws; no evaluation of a spec (fast)."""
from __future__ import annotations

import math

import pytest

from bench import mixtral_slots as S
from bench.v41_dispatch_sim import simulate
from compiler import validate as V


def test_halfin_whitt_chance_to_wait_by_hand_and_its_inverse() -> None:
    """beta 1: Phi(1) = 0.841345, phi(1) = 0.241971, P_w = 1 / (1 + 0.841345 / 0.241971) = 0.223374; beta 0 waits
    always; the inverse returns the beta."""
    assert S.p_wait(1.0) == pytest.approx(1 / (1 + 0.841345 / 0.241971), rel=1e-5)
    assert S.p_wait(0.0) == pytest.approx(1.0)
    for beta in (0.3, 1.0, 1.7, 2.5):
        assert S.beta_for(S.p_wait(beta)) == pytest.approx(beta, abs=1e-6)


def test_the_tail_of_an_erlang_c_wait_gives_back_its_slots_and_a_poisson_count() -> None:
    """A run whose TTFT is b + the Erlang-C wait of c = 680 rows at a = 650 in flight, life S = 15 s (eps 1): by
    hand beta = 30 / sqrt(650) = 1.1767, Phi 0.88034, phi 0.19970, P_w = 1 / (1 + 5.1873) = 0.1616, the wait's scale S / (c - a) = 0.5 s, so x_q = b + 0.5
    ln(P_w / (1 - q)) for q >= 1 - P_w (b = p50). Its percentiles read back c = 680 and eps = 1 (part 1's law,
    inverted), and the scale is the same in every interval (an exponential tail)."""
    a, life, c, b = 650.0, 15.0, 680.0, 0.2
    pw = S.p_wait((c - a) / math.sqrt(a))
    assert pw == pytest.approx(0.1616, abs=2e-4)
    x = {q: b + life / (c - a) * math.log(pw / (1 - q)) for q in (0.95, 0.97, 0.99, 0.999)}
    out, tokens = 144.84, 1.0
    tpot = life / out
    run = {"ttft_p50_ms": str(1e3 * b), "num_accelerators": "1", "benchmark": "mixtral-8x7b",
           "completed_samples_per_s": str(a / (out * tpot)), "tpot_mean_ms": str(1e3 * tpot * tokens)}
    run.update({f"ttft_{k}_ms": str(1e3 * x[q]) for k, q in (("p95", 0.95), ("p97", 0.97), ("p99", 0.99),
                                                              ("p99.9", 0.999))})
    t = S.tail(run)
    assert t["a"] == pytest.approx(a) and t["life"] == pytest.approx(life)
    assert all(s == pytest.approx(0.5, rel=1e-9) for s in t["scales"])
    assert t["pw"] == pytest.approx(pw, rel=1e-9)
    assert t["eps"] == pytest.approx(1.0, rel=1e-4) and t["c"] == pytest.approx(c, rel=1e-5)
    assert t["c1"] == pytest.approx(c) and t["pw1"] == pytest.approx(pw)


def test_one_engine_pulling_its_requests_is_the_engine_taking_them() -> None:
    """One engine: moving the shared queue's requests into its own queue before it admits them (GptManager's
    fetch, `pull_rows`) changes nothing, whatever the pull: the same first come first served order, bit for bit."""
    kw = dict(kappa=0.0001, t0=0.02, step_target=0.08, budget=2048, max_rows=60, prompt=(200.0, 0.5, 800),
              output=(40.0, 0.5))
    pooled = simulate("shared", 1, 12.0, 200.0, seed=3, **kw)
    for pull in (60, 100, 10 ** 9):
        assert simulate("shared", 1, 12.0, 200.0, seed=3, pull_rows=pull, **kw) == pooled


def test_pulled_engines_wait_for_their_own_rows_where_pooled_ones_do_not() -> None:
    """Eight engines near their KV rows: 60 rows each, a step of ~56 ms (t0 50 ms, no per-row term, 10 us a prompt
    token), lives of 40 steps, 23 requests/s an engine: ~52 rows in flight. Pooled (an engine takes from the shared
    queue only what it admits) an arrival waits only when all eight are full (Halfin-Whitt over 480 rows: beta ~2.4,
    P_w ~1%); pulled to 100 each (GptManager asks for max_num_sequences - active), it waits for its own engine's rows
    (beta ~1.1 of one engine, P_w ~0.2, a wait of scale S / (c - a) ~0.3 s): a p99 several times longer, the p50
    barely moved."""
    kw = dict(kappa=0.00001, t0=0.05, step_target=0.05 + 0.00001 * 465.0, budget=4096, max_rows=60,
              prompt=(200.0, 0.5, 800), output=(40.0, 0.5), seed=5)
    pooled = simulate("shared", 8, 8 * 23.0, 300.0, **kw)
    pulled = simulate("shared", 8, 8 * 23.0, 300.0, pull_rows=100, **kw)
    assert pulled["p99"] > 2.0 * pooled["p99"]
    assert pulled["p50"] < 1.3 * pooled["p50"]


def _row(round_: str) -> V.Row:
    data = {"round": round_, "benchmark": "mixtral-8x7b", "scenario": "Server", "system": "s",
            "accelerator": "NVIDIA H100-SXM-80GB", "num_accelerators": "8", "metric": "throughput",
            "value": "1000", "unit": "Tokens/s", "source": "s"}
    return V.Row(2, data)


def test_the_wait_is_opt_in_and_only_where_the_harness_does_not_pool_the_engines() -> None:
    """`engine_kv_wait`: v4.1's NVIDIA harness at tp 1 (one shared queue, each engine pulling its own requests) gets
    `kv_room_wait` 1 with no length spread (the batch's own KV rows); v5.0's least-busy dispatch (the engines' rows
    balanced, close to one pool) does not; neither by default."""
    assert "engine_kv_wait" not in {k for k, v in V.MECHANISMS.items() if v}
    on = V.mechanisms_with(on=("engine_kv_wait",))
    for round_, policy, waits in (("inference-v4.1", "shared", True), ("inference-v5.0", "least", False)):
        row, base = _row(round_), _row(round_)
        V.plan(base)
        V.plan(row, on)
        assert "kv_room_wait" not in base.lets
        assert row.lets.get("kv_room_wait") == (1.0 if waits else None)
        assert "output_length_cv" not in row.lets
