"""A disaggregated service sized to a demand (compiler/models/inference/, "Disaggregated serving", pools): the
laws a capacity planner relies on when it reads the chip count. The pools serve the demand within the latency
limits; no other candidate of the search space (a decode layout (tp, pp) within one system, a prefill worker's tp)
serves it within the limits on fewer accelerators, nor do one fewer accelerator at the layout it picked; more demand
never needs fewer accelerators; and a sweep over the demand equals the runs one at a time. Before s15-disagg the
pools were sized at the decode layout of most throughput and the prefill worker of most requests/s a chip at
ceil(lam / mu) workers, not at the fewest accelerators (2,000-token prompts: 18 accelerators for 2.5 ktok/s, 16 for
5 ktok/s; 4,000-token prompts at 2.5 ktok/s: 20, where tp 2 with prefill tp 2 serves it on 16)."""
from __future__ import annotations

import re

import numpy as np
import pytest

from compiler import evaluate_text

from test_disaggregated_rows import _run, _spec   # tests/ is on the path

DEMANDS = ("2.5 ktok/s", "5 ktok/s", "20 ktok/s")


def _sized(demands: tuple[str, ...], prompt: str, extra: str = "") -> dict[str, np.ndarray]:
    return _run(_spec(f"[{', '.join(demands)}]" if len(demands) > 1 else demands[0], prompt, "demand = lim", extra,
                      accelerators=None))


@pytest.mark.parametrize("prompt", ["2000 tok", "4000 tok"])
def test_no_candidate_layout_serves_the_demand_on_fewer_accelerators(prompt) -> None:
    # every decode layout tp x pp within the DGX's 8 GPUs (pp 1 and 2: a deeper pipeline of a 70B model's decode
    # never took fewer here, and the sweep stays small) and every prefill worker's tp, each sized to the demand on
    # its own (tp, pp and prefill_tp given): none needs fewer accelerators than the service that searches them
    free = _sized(DEMANDS, prompt)
    assert np.all(free["feasible"] > 0)
    text = _spec(f"[{', '.join(DEMANDS)}]", prompt, "demand = lim", "tp = tps\n    pp = pps\n    prefill_tp = ptps",
                 accelerators=None)
    text = text.replace("param lim", "param tps = [1, 2, 4, 8]\nparam pps = [1, 2]\nparam ptps = [1, 2, 4, 8]\n"
                        "param lim")
    results, _ = evaluate_text(text, "spec.factory")
    need = np.where(np.ravel(results.values["s.w.feasible"]) > 0, np.ravel(results.values["s.w.accelerators_needed"]),
                    np.inf)
    demand = np.ravel(results.values["s.w.demand"])
    fewest = np.array([need[demand == d].min() for d in np.unique(demand)])      # ascending, as DEMANDS
    assert np.all(free["accelerators_needed"] <= fewest), (free["accelerators_needed"], fewest)


def test_more_demand_never_needs_fewer_accelerators() -> None:
    # pools that carry a demand carry any smaller one (a lower utilization waits less, fewer rows in flight step
    # faster), so the fewest accelerators never fall as the demand rises (before s15-disagg, 2,000-token prompts:
    # 18 at 2.5 ktok/s, 16 at 5 ktok/s)
    v = _sized(("1 ktok/s", "2.5 ktok/s", "5 ktok/s", "7.5 ktok/s", "10 ktok/s", "20 ktok/s"), "2000 tok")
    n = v["accelerators_needed"]
    assert np.all(v["feasible"] > 0) and np.all(np.diff(n) >= 0), n


@pytest.mark.parametrize("prompt", ["2000 tok", "4000 tok"])
def test_one_fewer_accelerator_serves_less_than_the_demand(prompt) -> None:
    # the service on one accelerator fewer than the pools sized to the demand, at their decode layout and prefill
    # worker's tp, its split searched (the most it serves on them): below the demand
    v = _sized(DEMANDS, prompt)
    for i, demand in enumerate((2.5e3, 5e3, 20e3)):
        tp, pp, ptp, n = (v[k][i] for k in ("tp", "pp", "prefill_tp", "accelerators_needed"))
        w = _run(_spec("1", prompt, f"prefill_tp = {ptp:g}", f"tp = {tp:g}\n    pp = {pp:g}",
                       accelerators=f"{n - 1:g}"))
        served = w["tokens_per_s"][0] if w["feasible"][0] > 0 else 0.0
        assert served < demand, (prompt, demand, n, served)


def test_a_sweep_over_the_demand_equals_the_runs_one_at_a_time() -> None:
    swept = _sized(DEMANDS, "4000 tok")
    for i, demand in enumerate(DEMANDS):
        alone = _sized((demand,), "4000 tok")
        for name in ("accelerators_needed", "prefill_accelerators", "decode_accelerators", "tp", "pp", "prefill_tp",
                     "prefill_batch", "replicas", "ttft", "tpot_mean", "batch_in_flight", "power"):
            assert swept[name][i] == alone[name][0], (name, demand, swept[name][i], alone[name][0])


SMALL_SIZED = """from systems import DGX_H100
from models import Llama3_1_8B
param lim = %s
site s {
  inference w {
    model = Llama3_1_8B
    system = DGX_H100
    precision = "fp8"
    scenario = "server"
    input_tokens = 2000 tok
    output_tokens = 200 tok
    serving = "disaggregated"
    demand = 20 ktok/s
    %s = lim
  }
}
"""


@pytest.mark.parametrize("field", ["pp", "tp"])
def test_a_sweep_over_the_decode_layout_equals_the_runs_one_at_a_time(field) -> None:
    # Llama 3.1 8B fp8 on DGX H100 sized to 20 ktok/s (100 requests/s of 2,000 tokens in, 200 out), the decode
    # layout's tp or pp given as [1, 2]. Alone: at 1 the decode pool is 3 replicas of 1 chip (3 accelerators), at 2
    # it is 2 replicas of 2 chips (4); the prefill pool 4 workers of tp 1 in both; 7 and 8 in all. The decode pool
    # is its replicas x tp x pp. Before s26-sweeplaw the sweep's layouts were the union of its rows' given values,
    # so its 2 row took the 1 row's cheaper pools (3 replicas, 3 decode accelerators, 7 in all) under tp/pp 2.
    swept = _run(SMALL_SIZED % ("[1, 2]", field))
    for i, value in enumerate(("1", "2")):
        alone = _run(SMALL_SIZED % (value, field))
        for name, one in alone.items():
            got = np.broadcast_to(swept[name], (2,))[i]
            assert got == one[0] or (np.isnan(got) and np.isnan(one[0])), (field, value, name, got, one[0])
    assert list(swept[field]) == [1, 2]
    assert list(swept["decode_accelerators"]) == [3, 4] and list(swept["accelerators_needed"]) == [7, 8]
    assert np.all(swept["decode_accelerators"] == swept["replicas"] * swept["tp"] * swept["pp"])


@pytest.mark.parametrize("demand", ["2.5 ktok/s", "5 ktok/s"])
def test_the_accelerators_a_demand_is_sized_to_serve_it_with_the_split_searched(demand) -> None:
    # the service given the accelerators the demand is sized to (2.5 ktok/s: one DGX's 8), its split and decode
    # layout searched, serves at least the demand (before s15-disagg on 8 it picked a prefill worker of tp 8, the
    # whole DGX, and was refused: "the prefill pool of 8 accelerator(s) leaves none of the 8 to decode")
    v = _sized((demand,), "2000 tok")
    w = _run(_spec("1", "2000 tok", accelerators=f"{v['accelerators_needed'][0]:g}"))
    assert w["feasible"][0] > 0 and w["tokens_per_s"][0] >= v["tokens_per_s"][0] * (1 - 1e-9), \
        (v["accelerators_needed"][0], w["tokens_per_s"][0])


def test_the_estimate_table_shows_a_disaggregated_services_pools() -> None:
    # `factory estimate --serving disaggregated` printed replicas 1 (the decode pool's, tp 2: 2 chips) and no
    # pool or count for a service of 8 accelerators; the table now shows the pools, which add up to the
    # accelerators, and tokens/s a chip times them is the tokens/s
    from click.testing import CliRunner

    from compiler.cli import main
    result = CliRunner().invoke(main, ["estimate", "inference", "--system", "DGX_H100", "--model", "Llama3_1_70B",
                                       "--precision", "fp8", "--input-tokens", "2000", "--output-tokens", "300",
                                       "--scenario", "interactive", "--serving", "disaggregated", "--demand",
                                       "2.5ktok/s"])
    assert result.exit_code == 0, result.output
    rows = dict(line.split(None, 1) for line in result.output.splitlines() if line.strip())
    pre, dec, need = (float(rows[k].split()[0]) for k in ("prefill_accelerators", "decode_accelerators",
                                                          "accelerators_needed"))
    # (10 since 2026-12-07, 8 before: under s26-apply's defaults 3 prefill workers of tp 2 carry at most 2,203 tok/s
    # within 0.925 of the TTFT limit, 2,363 within the limit itself, below the 2,500 asked: 4 workers, 8 + 2 decode)
    assert pre + dec == need == 10, rows
    per_chip, tokens = float(rows["tokens_per_s_per_chip"].split()[0]), float(rows["tokens_per_s"].split()[0])
    assert per_chip * need == pytest.approx(tokens * 1e3, rel=1e-3), rows     # 250 tok/s x 10 = 2.5 ktok/s


def test_a_demand_no_pool_carries_is_refused_with_the_first_tokens_parts_not_a_pool_size() -> None:
    # a 100 ms TTFT limit that a 4k prompt's pass (108 ms at tp 8) alone misses: before s15-disagg the refusal named
    # "the prefill pool of 160 accelerators (20 workers of tp 8) carries at most 0 tok/s", the bisection's upper end
    # (ceil(lam / mu / 0.05) + 1 workers), a pool of no meaning; now the first token's time without a queue
    results, sink = evaluate_text(_spec("2.5 ktok/s", "4000 tok", "demand = lim", "ttft_limit = 100 ms",
                                        accelerators=None), "spec.factory")
    message = " ".join(d.message for d in sink.errors)
    assert "no prefill pool carries the demand 2,500 tok/s within the TTFT limit 100 ms" in message, message
    assert "accelerators (" not in message, message
    parts = [float(x) for x in re.findall(r"takes ([\d.]+) ms without a queue \(prefill pass ([\d.]+) ms of \d+ "
                                          r"prompts at tp \d+, KV transfer ([\d.]+) ms, decode step ([\d.]+) ms",
                                          message)[0]]
    assert parts[0] > 100 and parts[0] == pytest.approx(sum(parts[1:]), abs=1.0), parts


@pytest.mark.parametrize("prompt", ["2000 tok", "4000 tok"])
def test_more_accelerators_never_serve_less(prompt) -> None:
    # the split searched: 9 accelerators can leave one idle and serve what 8 do. Before s15-disagg pools of all 9
    # spanned two DGX and sent the KV over the scale-out network, 8 over NVLink: 2k prompts 2,688.9 tok/s on 9 <
    # 2,704.3 on 8 (4k: 481.7 < 491.6); the pools now take the better of all the accelerators and one domain's
    v = _run(_spec("[8, 9, 16, 17]", prompt, accelerators="lim"))
    tokens = np.where(v["feasible"] > 0, v["tokens_per_s"], 0.0)
    assert np.all(np.diff(tokens) >= 0), tokens
    held = np.array([8.0, 9.0, 16.0, 17.0])
    assert np.all(v["accelerators_held"] == held), v["accelerators_held"]       # held and paid for, idle or not
    assert np.all(v["prefill_accelerators"] + v["decode_accelerators"] <= held), v
