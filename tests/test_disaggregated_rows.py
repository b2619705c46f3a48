"""Disaggregated serving at the decode rows in flight (compiler/models/inference/, "Disaggregated serving", decode
rows; s13-disagg; decode layout, s13-disagg2): the decode step in the first token, TPOT and the batch in flight are the decode replica's at the
rows the served rate keeps in flight (Little's law), not at the decode search's full batch. The law a capacity
planner relies on: a tighter latency limit never raises the throughput (every configuration the tighter limit
admits, the looser one admits too), over a small grid of limits, prompts and pool splits; and Little's law and the
TTFT's parts written out at the operating point. The decode layout is the service's (each tp's capacity point
through the served rate), so the law holds where a tighter limit moves it too."""
from __future__ import annotations

import numpy as np
import pytest

from compiler import evaluate_text
from test_disaggregated import wait   # tests/ is on the path


def _spec(values: str, prompt: str, split: str = "", extra: str = "", accelerators: str | None = "16") -> str:
    """A 70B fp8 interactive disaggregated service on DGX H100 with 300 tokens out, `param lim = values` (the field
    it sets is in `split` or `extra`), on `accelerators` (None: unset, a demand sizes the pools)."""
    held = "" if accelerators is None else f"accelerators = {accelerators}"
    return f"""from systems import DGX_H100
from models import Llama3_1_70B
param lim = {values}
site s {{
  inference w {{
    model = Llama3_1_70B
    system = DGX_H100
    precision = "fp8"
    scenario = "interactive"
    input_tokens = {prompt}
    output_tokens = 300 tok
    serving = "disaggregated"
    let operating_fraction = 1     # the laws' floors were measured at the capacity point before 2026-12-07: the
    let capacity_solve = 0         # batch grid under the limits themselves, the knee law at the Hopper FP8 factor
    let gemm_smooth_power = 0      # 0.81 (docs/accuracy.md "Five mechanisms applied": the defaults moved; their
    let gemm_weight_efficiency = 0 # floors at the new point are the lead's to re-derive)
    let inference_gemm_efficiency = 0.81
    {held}
    {split}
    {extra}
  }}
}}
"""


def _run(text: str) -> dict[str, np.ndarray]:
    results, sink = evaluate_text(text, "spec.factory")
    assert results is not None and not sink.errors, [d.message for d in sink.items]
    return {k[len("s.w."):]: np.ravel(np.asarray(v, dtype=float)) for k, v in results.values.items()
            if k.startswith("s.w.") and isinstance(v, np.ndarray) and v.dtype.kind == "f"}


# the solved capacity point's resolution (`capacity_solve` 1, the default since 2026-12-07: 256 sections of a
# bracket of <= 0.27 in ln B, ~1e-3 in ln B, so ~1e-3 of a replica's throughput): a tighter limit may land its root
# one section higher in a bracket that moved (measured: +9e-6 of 7,091 tok/s); the law holds to it, the grid exactly
SOLVE_RESOLUTION = 2 * 0.2726 / 257


def _never_rises(v: dict[str, np.ndarray]) -> None:
    tokens = np.where(v["feasible"] > 0, v["tokens_per_s"], 0.0)
    assert np.all(np.diff(tokens) <= tokens[:-1] * SOLVE_RESOLUTION), tokens


@pytest.mark.parametrize("prompt", ["2000 tok", "8000 tok"])
@pytest.mark.parametrize("split", ["", "prefill_accelerators = 8", "prefill_accelerators = 12"])
def test_a_tighter_latency_limit_never_raises_disaggregated_throughput(prompt, split) -> None:
    # the decode engine given (tp 4, as a submission fixes it): TPOT limits from loose to tight, then TTFT limits
    # from loose to tight; the tokens/s never rise (before s13-disagg, 8,000-token prompts at 12 prefill
    # accelerators: 308.9 tok/s at 50 ms < 329.3 at 30 ms on Llama 2 70B, tests/test_trust_srv13.py)
    _never_rises(_run(_spec("[80 ms, 50 ms, 40 ms, 30 ms, 20 ms]", prompt, split, "tpot_limit = lim\n    tp = 4")))
    _never_rises(_run(_spec("[3 s, 1 s, 600 ms, 450 ms]", prompt, split, "ttft_limit = lim\n    tp = 4")))


def test_a_tighter_limit_with_the_decode_layout_searched_holds_where_the_layout_stays() -> None:
    # the searched decode layout stays tp 4 from 50 to 30 ms (12 prefill accelerators, 8,000-token prompts)
    v = _run(_spec("[80 ms, 50 ms, 30 ms]", "8000 tok", "prefill_accelerators = 12", "tpot_limit = lim"))
    assert np.all(v["tp"] == v["tp"][0])
    _never_rises(v)


def test_a_tighter_tpot_limit_that_moves_the_decode_layout_never_raises_throughput() -> None:
    # 2,000-token prompts, 8 prefill accelerators: before s13-disagg2 40 ms picked tp 2 x 4 replicas (the decode
    # pool's own best; step 20.4 ms at 23.8 rows in flight), 4,665.6 tok/s, and 30 ms tp 4 x 2 (13.2 ms at 31.3
    # rows), 4,725.8 tok/s: +1.3%. The decode layout is now the service's best (each tp's capacity point through
    # the served rate): one layout at both (tp 8, 4,653.4 tok/s with the ring all-reduce, `let allreduce_kernels = 0`;
    # 4,505.8 with TensorRT-LLM's kernels, the default since 2026-12-06), and a looser limit admits every layout the
    # tighter one does: the pick serves at least tp 4 x 2 at 30 ms does, 4,630.1 (s18-hopper, the Hopper FP8 factor
    # 0.81: at 0.82 4,746.1 / 4,595.1 against tp 4's 4,722.9; the floor was the 4,725.8 before s13-disagg2)
    ring = _run(_spec("[40 ms, 30 ms]", "2000 tok", "prefill_accelerators = 8",
                      "tpot_limit = lim\n    let allreduce_kernels = 0"))
    _never_rises(ring)
    assert ring["tokens_per_s"][0] >= 4630.1 - 0.1, ring["tokens_per_s"]
    v = _run(_spec("[40 ms, 30 ms]", "2000 tok", "prefill_accelerators = 8", "tpot_limit = lim"))
    _never_rises(v)


@pytest.mark.parametrize("prompt", ["2000 tok", "8000 tok"])
@pytest.mark.parametrize("split", ["", "prefill_accelerators = 8", "prefill_accelerators = 12"])
def test_a_tighter_latency_limit_never_raises_throughput_with_the_decode_layout_searched(prompt, split) -> None:
    # the decode layout searched (no tp given): before s13-disagg2 8,000-token prompts at 8 prefill accelerators
    # served 110.1 tok/s at 30 ms (tp 4 x 2) < 111.6 at 20 ms (tp 8 x 1)
    _never_rises(_run(_spec("[80 ms, 50 ms, 40 ms, 30 ms, 20 ms]", prompt, split, "tpot_limit = lim")))
    _never_rises(_run(_spec("[3 s, 1 s, 600 ms, 450 ms]", prompt, split, "ttft_limit = lim")))


def test_a_tighter_tpot_limit_never_raises_throughput_through_the_prefill_workers_pick() -> None:
    # 500-token prompts, 4 prefill accelerators, the decode engine given (tp 4 x 3): before s13-disagg2 the prefill
    # worker's passes were scored with the decode step at the search's full batch B (1,065 rows at 100 ms, 616 at
    # 60 ms), so the looser limit's longer step left a shorter TTFT budget and picked passes of 2 prompts, not 4:
    # 12,164.7 tok/s at 100 ms < 12,458.3 at 60 ms, while 56-58 rows a rank were in flight
    v = _run(_spec("[100 ms, 60 ms]", "500 tok", "prefill_accelerators = 4", "tpot_limit = lim\n    tp = 4"))
    _never_rises(v)
    assert v["prefill_batch"][0] == v["prefill_batch"][1], v["prefill_batch"]


def test_a_tighter_tpot_limit_never_raises_throughput_with_the_split_searched() -> None:
    # 16 H100, 4,000-token prompts, the split and the decode layout searched: 2,332.3 tok/s at 60 ms (tp 4, 12
    # prefill accelerators; tp 2's candidate is pp 2, B 319: 2,261.8 at 12) < 2,881.4 at 45 ms (tp 2 pp 1, B 108,
    # 14 prefill accelerators; at 60 ms tp 2 pp 1 on the 2 chips 14 leave serves 2,881.4 too). Before s13-disagg2
    # 2,332.3 at both (the pool's own tp 4), the law held here by the layout never moving. The candidates are now
    # every (tp, pp) (s14-disagg3): at 60 ms tp 2 pp 1 is one, and serves 2,881.4 at 14 prefill accelerators. These
    # figures are the ring all-reduce's (`let allreduce_kernels = 0`); at the defaults (the kernels by message size,
    # s14-defaults) the law holds too (2,757.7 at both; 2,826.7 at the Hopper FP8 factor 0.82)
    v = _run(_spec("[60 ms, 45 ms]", "4000 tok", "", "tpot_limit = lim\n    let allreduce_kernels = 0"))
    _never_rises(v)
    assert v["tokens_per_s"][0] >= 2808.9 - 0.1, v["tokens_per_s"]     # 2,879.1 at Hopper 0.82, 2,881.4 before the converged clock
    _never_rises(_run(_spec("[60 ms, 45 ms]", "4000 tok", "", "tpot_limit = lim")))



def test_a_tighter_tpot_limit_never_raises_throughput_with_the_tp_given_and_pp_searched() -> None:
    # the same service with the decode tp given (2) and its pp searched: before s14-disagg3 a given tp ran the
    # search's own layout alone, pp 2 at 60 ms (B 319): 2,261.8 tok/s < 2,881.4 at 45 ms (pp 1, B 108); every pp
    # at that tp is now a candidate: 2,881.4 at both (the ring all-reduce's figures, as above; the law at the defaults)
    v = _run(_spec("[60 ms, 45 ms]", "4000 tok", "", "tpot_limit = lim\n    tp = 2\n    let allreduce_kernels = 0"))
    _never_rises(v)
    assert np.all(v["tp"] == 2) and v["tokens_per_s"][0] >= 2808.9 - 0.1, (v["tp"], v["tokens_per_s"])   # s18-hopper (2,879.1 at Hopper 0.82)
    _never_rises(_run(_spec("[60 ms, 45 ms]", "4000 tok", "", "tpot_limit = lim\n    tp = 2")))


def test_the_operating_point_by_hand() -> None:
    """16 H100, 70B fp8, 8,000-token prompts, 300 out, 12 prefill accelerators (the prefill pool binds): at the served
    rate lam = tokens/s / O the decode pool's R replicas of d ranks hold b rows a rank (Little's law: every row emits
    one token a step t(b) = tpot_mean), b = lam O t(b) / (R d), below the search's batch B; the first token is the
    prefill pool's p99 wait at rho = lam / (c mu) plus the pass, the KV transfer and the decode step t(b), and it sits
    on the 450 ms limit (the prefill pool binds: its rate is the largest whose p99 fits)."""
    v = _run(_spec("1", "8000 tok", "prefill_accelerators = 12"))
    O, lam = 300.0, v["tokens_per_s"][0] / 300.0
    R, d, t_b = v["replicas"][0], 1.0, v["tpot_mean"][0]         # a dense model: d = 1
    b = v["batch_in_flight"][0] / d
    assert b == pytest.approx(lam * O * t_b / (R * d), rel=1e-9) and 1 <= b < v["batch"][0] / d
    c = v["prefill_accelerators"][0] / v["prefill_tp"][0]
    t_pass, xfer = v["detail.prefill_time"][0], v["detail.kv_transfer_time"][0]
    mu = v["prefill_batch"][0] / t_pass
    w99 = wait(lam / (c * mu), c, mu, 0.99)
    assert v["detail.prefill_queue_time"][0] == pytest.approx(w99, rel=1e-9)
    assert v["ttft_p99"][0] == pytest.approx(w99 + t_pass + xfer + t_b, rel=1e-9)
    assert v["ttft_p99"][0] == pytest.approx(0.45, rel=1e-6)            # on its limit: the prefill pool binds


def test_a_sweep_of_the_tpot_limit_equals_the_runs_one_at_a_time() -> None:
    swept = _run(_spec("[50 ms, 30 ms]", "8000 tok", "", "tpot_limit = lim"))
    for i, limit in enumerate(("50 ms", "30 ms")):
        alone = _run(_spec(limit, "8000 tok", "", "tpot_limit = lim"))
        for name in ("tokens_per_s", "tpot_mean", "ttft", "batch_in_flight", "prefill_accelerators"):
            assert swept[name][i] == alone[name][0], (name, limit)


def test_an_offered_load_does_not_move_the_capacity_and_keeps_littles_law() -> None:
    # before s13-disagg the TTFT budget took the decode search's step at the offered load's rows over the search's
    # own replicas (4 of tp 4 on all 16 chips, not the pool's 1): 332.86 tok/s of capacity at 50-300 tok/s offered,
    # 332.43 at 1 ktok/s; the capacity is the service's whatever it is offered
    v = _run(_spec("[50 tok/s, 150 tok/s, 300 tok/s]", "8000 tok", "", "offered_load = lim"))
    alone = _run(_spec("1", "8000 tok", ""))
    assert np.all(v["tokens_per_s"] == alone["tokens_per_s"][0]), (v["tokens_per_s"], alone["tokens_per_s"])
    offered = np.array([50.0, 150.0, 300.0])
    b = np.maximum(offered / v["replicas"] * v["tpot_mean"], 1.0)      # Little's law, at least one row
    assert np.allclose(v["batch_in_flight"], b, rtol=1e-9), (v["batch_in_flight"], b)


def test_a_sweep_whose_decode_layouts_differ_equals_the_runs_one_at_a_time() -> None:
    # 8,000-token prompts, the split and the layout searched: the TTFT limits pick tp 4, 2, 4 (s13-disagg2: each
    # scenario takes its own best candidate, _served_more, never a neighbour's)
    limits = ("3 s", "1 s", "600 ms")
    swept = _run(_spec(f"[{', '.join(limits)}]", "8000 tok", "", "ttft_limit = lim"))
    assert len(set(swept["tp"])) > 1, swept["tp"]
    for i, limit in enumerate(limits):
        alone = _run(_spec(limit, "8000 tok", "", "ttft_limit = lim"))
        for name in ("tokens_per_s", "tp", "pp", "batch", "tpot_mean", "ttft", "batch_in_flight",
                     "prefill_accelerators", "prefill_tp", "prefill_batch", "power"):
            if name in alone:
                assert swept[name][i] == alone[name][0], (name, limit)


@pytest.mark.parametrize("prompt", ["2000 tok", "8000 tok"])
def test_pools_sized_to_a_demand_serve_it_at_the_layout_the_search_picks(prompt) -> None:
    # s14-disagg3: a service sized to a demand (no accelerators given) sizes its pools at the decode layout and
    # prefill worker it reports; that service given those pools as a split (accelerators, prefill_accelerators,
    # prefill_tp, tp, pp) and no demand is evaluated at the same layout and carries at least the demand within
    # the same limits (2k prompts at 5 / 10 / 20 ktok/s: 16 / 20 / 34 accelerators carry 7,290.6 / 10,454.1 /
    # 20,502.0 tok/s)
    demands = np.array([5e3, 1e4, 2e4])
    v = _run(_spec("[5 ktok/s, 10 ktok/s, 20 ktok/s]", prompt, "demand = lim", accelerators=None))
    assert np.all(v["feasible"] > 0) and np.allclose(v["tokens_per_s"], demands, rtol=1e-12)
    assert np.allclose(v["prefill_accelerators"] + v["decode_accelerators"], v["accelerators_needed"])
    for i, demand in enumerate(demands):
        pre, dec, tp, pp, ptp = (v[k][i] for k in ("prefill_accelerators", "decode_accelerators", "tp", "pp",
                                                   "prefill_tp"))
        assert dec == v["replicas"][i] * tp * pp                  # the decode pool: whole replicas of the layout
        w = _run(_spec("1", prompt, f"prefill_accelerators = {pre:g}\n    prefill_tp = {ptp:g}",
                       f"tp = {tp:g}\n    pp = {pp:g}", accelerators=f"{pre + dec:g}"))
        assert w["feasible"][0] > 0 and w["tp"][0] == tp and w["pp"][0] == pp and w["replicas"][0] == v["replicas"][i]
        assert w["tokens_per_s"][0] >= demand * (1 - 1e-9), (prompt, demand, w["tokens_per_s"][0])


def test_doubling_a_demand_at_most_doubles_the_pools() -> None:
    # two copies of the pools sized to a demand carry twice it (each its own half, the same layout), so the pools
    # sized to twice the demand need at most twice the accelerators; fewer where one larger prefill pool queues
    # better (Erlang C: its p99 wait at a given utilization falls with the servers) and where a whole replica or
    # worker of the smaller service was rounding up; never fewer than the smaller demand's
    v = _run(_spec("[2.5 ktok/s, 5 ktok/s, 10 ktok/s, 20 ktok/s, 40 ktok/s]", "4000 tok", "demand = lim",
                accelerators=None))
    n = v["accelerators_needed"]
    assert np.all(v["feasible"] > 0)
    assert np.all(n[1:] >= n[:-1]) and np.all(n[1:] <= 2 * n[:-1]), n
    assert np.all(v["decode_accelerators"][1:] <= 2 * v["decode_accelerators"][:-1]), v["decode_accelerators"]


@pytest.mark.parametrize("spec", [("[60 ms, 45 ms]", "4000 tok", "", "tpot_limit = lim"),
                                  ("[3 s, 1 s, 600 ms]", "8000 tok", "", "ttft_limit = lim"),
                                  ("[40 ms, 30 ms]", "2000 tok", "prefill_accelerators = 8", "tpot_limit = lim"),
                                  ("[1 ktok/s, 2.5 ktok/s, 5 ktok/s]", "2000 tok", "", "demand = lim")])
def test_the_decode_layout_pruning_changes_no_figure(spec, monkeypatch) -> None:
    # s14-disagg3: the (tp, pp) candidates are pruned by two bounds (a layout's grid capacity before its search,
    # its pools' rate at t(1) before the served rate's bisection; s15-disagg: the latter solved for every candidate
    # in one pass, _pools_bounds; with a demand, each layout's floor of accelerators, _decode_floor + _prefill_floor);
    # every candidate run through the pools without them gives the same service
    from compiler.models import inference
    pruned = _run(_spec(*spec))
    monkeypatch.setattr(inference.solution, "_layout_capacity_bounds", lambda *a, **k: None)
    monkeypatch.setattr(inference.solution, "_pools_bounds", lambda *a, **k: [None] * len(a[6]))   # the stacked bounds
    monkeypatch.setattr(inference.solution, "_decode_floor", lambda *a, **k: np.zeros(1))   # a demand's floors (s15-disagg)
    monkeypatch.setattr(inference.solution, "_prefill_floor", lambda *a, **k: np.zeros(1))
    whole = inference._disaggregated
    monkeypatch.setattr(inference.solution, "_disaggregated", lambda *a, beat=None, **k: whole(*a, **k))
    every = _run(_spec(*spec))
    for name in ("tokens_per_s", "tp", "pp", "batch", "prefill_accelerators", "decode_accelerators", "prefill_tp",
                 "ttft", "tpot_mean"):
        assert np.array_equal(pruned[name], every[name]), (name, pruned[name], every[name])
