"""Disaggregated serving (compiler/models/inference/, "Disaggregated serving"): a prefill pool of workers and a
decode pool of replicas. Hand calculations of small services (pool sizes, rates, the binding constraint, the
parts of the time to first token) and the laws of the pools."""
from __future__ import annotations

import math

import numpy as np
import pytest

from compiler.models import inference as M
from test_inference import run, spec, workload   # tests/ is on the path

SMALL = dict(model="Llama3_1_8B", system="DGX_H100", precision='"fp8"', serving='"disaggregated"',
             input_tokens="2000 tok", output_tokens="200 tok")
I, O = 2000.0, 200.0
KV_8B = 32 * 2 * 8 * 128 * 1                    # Llama 3.1 8B: 32 layers x 2 x 8 KV heads x 128 x 1 byte (fp8)
E_L = M.link_efficiency.value                   # 0.8
NVLINK_H100 = 900e9 / 2                         # B/s a direction (chips.factory H100_SXM scaleup_bw 900 GB/s)
# DGX H100's NICs per GPU (systems.factory): 8 ConnectX-7 of 400 Gb/s (compute) + 2 dual-port 400 Gb/s (storage)
SCALEOUT_DGX_H100 = (8 * 400e9 + 2 * 2 * 400e9) / 8 / 8


def wait(rho: float, c: float, mu: float, q: float, cv: float = 1.0) -> float:
    """The prefill pool's wait, written out: M/G/c with Sakasegawa's chance to wait P_w = rho^(sqrt(2 (c + 1)) - 1)
    and the M/M/c tail of those who wait, scaled by Kingman's (1 + cv^2) / 2 (cv = prompt_length_cv, 1)."""
    if rho >= 1:
        return math.inf
    busy = rho ** (math.sqrt(2 * (c + 1)) - 1)
    return max(math.log(busy / (1 - q)), 0.0) * (1 + cv * cv) / 2 / (c * mu * (1 - rho))


def outputs(**fields) -> dict[str, float]:
    v = run(spec(workload("dis", **{**SMALL, **fields})))
    return {k[len("s.dis."):]: float(np.asarray(x, dtype=float).reshape(-1)[0]) for k, x in v.items()
            if k.startswith("s.dis.") and isinstance(x, np.ndarray) and x.dtype.kind == "f"}


def test_a_small_service_sized_to_its_demand_by_hand() -> None:
    """Llama 3.1 8B FP8 on DGX H100, server, 2,000-token prompts, 200 tokens out, 20 ktok/s: lam = 100 requests/s.
    Prefill worker: tp 1 (the most requests/s a chip), its pass carries floor(8,192 / 2,000) = 4 whole prompts
    (their KV, 4 x 2,000 x 65,536 B = 0.5 GB, far below its free memory), mu = 4 / t_pass requests/s.
    Decode replica: tp 1, its B rows at the step t(B) serve B / (t(B) O) requests/s, reps = ceil(lam / that); at
    the demand each replica holds the rows lam / reps keeps in flight (Little's law), b = (lam O / reps) t(b) <= B,
    and its step t(b) is tpot_mean (the decode step at the rows in flight, since 2026-12-05).
    Prefill pool: the fewest workers c whose p99 TTFT fits the 2 s limit; here capacity binds, c = ceil(lam / mu).
    Both pools in the DGX's 8-GPU NVLink domain: the KV transfer I kv / (450 GB/s x 0.8) = 0.364 ms.
    TTFT_q = W_q + t_pass + t_xfer + t(b)."""
    v = outputs(scenario='"server"', demand="20 ktok/s")
    t_pass, t_dec, B = v["detail.prefill_time"], v["tpot_mean"], v["batch"]
    assert v["prefill_tp"] == 1 and v["prefill_batch"] == 4 and v["tp"] == 1 and v["pp"] == 1
    mu, lam = 4 / t_pass, 20e3 / O
    reps = v["replicas"]
    assert v["decode_accelerators"] == reps
    b = v["batch_in_flight"]                              # 100 x 200 x 13.3 ms / 3 = 88.9 rows of B = 464
    assert b == pytest.approx(lam * O * t_dec / reps, rel=1e-9) and 1 <= b < B
    c = v["prefill_accelerators"]
    assert c == math.ceil(lam / mu)                       # capacity binds: c - 1 workers carry less than lam
    assert v["accelerators_needed"] == c + reps <= 8
    xfer = I * KV_8B / (1 * NVLINK_H100 * E_L)
    assert xfer == pytest.approx(0.364e-3, rel=1e-3)
    assert v["detail.kv_transfer_time"] == pytest.approx(xfer, rel=1e-9)
    rho = lam / (c * mu)
    assert v["ttft_p99"] == pytest.approx(wait(rho, c, mu, 0.99) + t_pass + xfer + t_dec, rel=1e-9)
    assert v["ttft_p50"] == pytest.approx(wait(rho, c, mu, 0.50) + t_pass + xfer + t_dec, rel=1e-9)
    assert v["detail.prefill_queue_time"] == pytest.approx(wait(rho, c, mu, 0.99), rel=1e-9)
    assert v["ttft_p99"] <= 2.0 and v["tokens_per_s"] == pytest.approx(20e3)


def test_a_tight_ttft_limit_adds_prefill_workers_by_hand() -> None:
    """The same service at a 0.2 s TTFT limit: the queue binds, not the capacity. c is the fewest workers whose
    p99 fits: W_99(c) + t_pass + t_xfer + t_iter <= 0.2 s, and c - 1 misses it (or cannot carry lam)."""
    v = outputs(scenario='"server"', demand="20 ktok/s", ttft_limit="0.2 s")
    t_pass, t_dec, n = v["detail.prefill_time"], v["tpot_mean"], v["prefill_batch"]
    assert v["prefill_tp"] == 1 and 1 <= n <= 4
    mu, lam, c = n / t_pass, 20e3 / O, v["prefill_accelerators"]
    total = c + v["decode_accelerators"]
    link = NVLINK_H100 if total <= 8 else SCALEOUT_DGX_H100
    xfer = I * KV_8B / (link * E_L)
    assert v["detail.kv_transfer_time"] == pytest.approx(xfer, rel=1e-9)
    p99 = lambda workers: wait(lam / (workers * mu), workers, mu, 0.99) + t_pass + xfer + t_dec
    assert c > math.ceil(lam / mu)                        # more workers than the capacity needs: the queue binds
    assert p99(c) <= 0.2 < p99(c - 1)
    assert v["ttft_p99"] == pytest.approx(p99(c), rel=1e-9)


def test_a_fixed_split_offline_by_hand() -> None:
    """16 H100s (two DGX), offline, the split given: prefill_accelerators 4 at prefill_tp 2 = 2 workers, each pass
    floor(2 x 8,192 / 2,000) = 8 prompts; the decode pool the other 12 chips. Offline has no queue: the pools'
    rates are 2 x 8 / t_pass and floor(12 / R_d) B / (t_iter O) requests/s; the service serves O x the smaller,
    the binding pool. The pools span two NVLink domains: the KV goes over the NICs, 75 GB/s a GPU, from
    min(2, 8) = 2 chips holding distinct KV heads."""
    v = outputs(scenario='"offline"', accelerators=16, prefill_accelerators=4, prefill_tp=2)
    t_pass, t_dec, B = v["detail.prefill_time"], v["tpot_mean"], v["batch"]
    assert v["prefill_accelerators"] == 4 and v["prefill_tp"] == 2 and v["decode_accelerators"] == 12
    assert v["prefill_batch"] == 8
    R_d = v["tp"] * v["pp"]
    assert v["replicas"] == math.floor(12 / R_d)
    prefill_rate = 2 * 8 / t_pass
    decode_rate = v["replicas"] * B / (t_dec * O)
    assert prefill_rate < decode_rate                     # the prefill pool binds (~119 against ~560 requests/s)
    assert v["tokens_per_s"] == pytest.approx(O * min(prefill_rate, decode_rate), rel=1e-9)
    xfer = I * KV_8B / (2 * SCALEOUT_DGX_H100 * E_L)
    assert v["detail.kv_transfer_time"] == pytest.approx(xfer, rel=1e-9)
    assert v["ttft"] == pytest.approx(t_pass + xfer + t_dec, rel=1e-9)   # no queue offline
    assert v["ttft_p50"] == v["ttft"]


def test_the_prefill_pass_is_the_aggregated_prefill_step() -> None:
    """A prompt longer than the worker's budget (20,000 > 8,192 tokens) runs alone in its pass: the pass is the
    aggregated model's prefill of one prompt at the same layout (GEMMs at their efficiency, attention, TP
    all-reduces, per-layer time, the clock at its activity), term by term."""
    long = dict(input_tokens="20000 tok", scenario='"offline"', accelerators=8)
    dis = outputs(**long, prefill_tp=2)
    agg = outputs(**{**long, "serving": '"aggregated"'}, tp=2, pp=1)
    for term in ("prefill_compute_time", "prefill_memory_time", "prefill_comm_time", "prefill_time"):
        assert dis["detail." + term] == pytest.approx(agg["detail." + term], rel=1e-12), term
    assert dis["detail.prefill_comm_time"] > 0            # tp 2: the all-reduces count


# ----------------------------------------------------------------------------- laws
@pytest.mark.parametrize("scenario", ['"offline"', '"server"'])
@pytest.mark.parametrize("fixed", [{}, {"prefill_accelerators": 6}])
def test_the_pools_add_up_to_the_accelerators(scenario, fixed) -> None:
    v = outputs(scenario=scenario, accelerators=24, **fixed)
    assert v["prefill_accelerators"] + v["decode_accelerators"] == 24
    assert v["replicas"] == math.floor(v["decode_accelerators"] / (v["tp"] * v["pp"]))


def test_doubling_both_pools_doubles_the_throughput() -> None:
    """Offline (no queue) the pools' rates are linear in their workers and replicas: exactly 2x. In a server
    scenario the prefill pool's queue pools its waits (more servers at the same utilization wait less), so at
    least 2x."""
    one = outputs(scenario='"offline"', accelerators=16, prefill_accelerators=4, prefill_tp=2, tp=2)
    two = outputs(scenario='"offline"', accelerators=32, prefill_accelerators=8, prefill_tp=2, tp=2)
    assert two["tokens_per_s"] == pytest.approx(2 * one["tokens_per_s"], rel=1e-9)
    one = outputs(scenario='"server"', accelerators=16, prefill_accelerators=4, prefill_tp=2, tp=2)
    two = outputs(scenario='"server"', accelerators=32, prefill_accelerators=8, prefill_tp=2, tp=2)
    assert two["tokens_per_s"] >= 2 * one["tokens_per_s"] * (1 - 1e-9)


@pytest.mark.parametrize("fixed", [{}, {"prefill_accelerators": 6}])
def test_a_faster_chip_never_serves_less(fixed) -> None:
    """A chip held at a lower power cap runs its prefill passes and decode steps at a lower clock: the pools'
    rates never rise, so neither does the service's (the split searched or fixed)."""
    fast = outputs(scenario='"server"', accelerators=24, **fixed)
    slow = outputs(scenario='"server"', accelerators=24, power_cap="400 W", **fixed)
    assert slow["detail.prefill_time"] > fast["detail.prefill_time"]
    assert slow["tokens_per_s"] <= fast["tokens_per_s"] * (1 + 1e-9)


def test_a_decode_replica_is_not_held_by_a_prefill_it_does_not_run() -> None:
    """Llama 2 70B at tp 2 with 9,400-token prompts (a prefill of seconds on its own chips): the decode replica's
    batch is its memory's or its TPOT limit's, not cut by its own prefill time (the law before 2026-12-05 held
    replica tokens/s <= rho_max O / t_prefill). Its context is stretched to 16k (a 10.1k-token request is beyond
    the 4k it was trained on: an `out-of-range` error), its benchmark (and limits) still Llama 2 70B's."""
    long = "model Llama2_70B_16k extends Llama2_70B { context = 16384 tok }\n"
    v = run(long + spec(workload("dis", model="Llama2_70B_16k", system="DGX_H100", precision='"fp8"',
                                 serving='"disaggregated"', scenario='"server"', input_tokens="9400 tok",
                                 output_tokens="700 tok", tp=2, accelerators=16)))
    batch, most = v["s.dis.batch"][0], v["s.dis.max_batch"][0]
    tpot, limit = v["s.dis.tpot_p99"][0], 0.2                      # Llama 2 70B's server limit: 200 ms
    next_batch = M.BATCH_GRID[M.BATCH_GRID > batch]
    assert batch == most or tpot > 0.75 * limit or (next_batch.size and next_batch[0] > most), (batch, most, tpot)


def test_a_fixed_prefill_pool_too_small_for_the_demand_is_infeasible() -> None:
    v = run(spec(workload("dis", **SMALL, scenario='"server"', demand="200 ktok/s", prefill_accelerators=1,
                          accelerators=64)), errors=("infeasible-workload",))
    assert v["s.dis.feasible"][0] == 0


def test_a_prefill_pool_on_an_aggregated_service_is_a_warning() -> None:
    """`prefill_accelerators` / `prefill_tp` are read only for the prefill pool: set on an aggregated service they
    change nothing, a `no-effect` warning at the value; on a disaggregated one nothing is said."""
    import dsl
    from compiler.evaluate import evaluate
    from compiler.lower import lower

    def items(serving: str) -> list:
        text = spec(workload("w", model="Llama3_1_8B", system="DGX_H100", precision='"fp8"', serving=serving,
                             prefill_accelerators=2, prefill_tp=1))
        checked, sink = dsl.check_text(text, name="t.factory")
        evaluate(lower(checked, sink), sink)
        return [(d.severity, d.code, d.span.line) for d in sink.items if d.code != "unused-import"]   # (spec's imports)

    assert items('"aggregated"') == [("warning", "no-effect", 9), ("warning", "no-effect", 10)]
    assert items('"disaggregated"') == []


def test_a_sweep_of_the_prefill_pool_equals_the_runs_one_at_a_time() -> None:
    imports = "from systems import DGX_H100\nfrom models import Llama3_1_8B\nparam p = [2, 4, 6]\n"
    fields = dict(SMALL, scenario='"server"', accelerators=16)
    swept = run(spec(workload("dis", **fields, prefill_accelerators="p"), imports))
    for i, pre in enumerate((2, 4, 6)):
        one = outputs(scenario='"server"', accelerators=16, prefill_accelerators=pre)
        for name in ("tokens_per_s", "ttft_p99", "decode_accelerators", "replicas", "prefill_tp"):
            assert swept[f"s.dis.{name}"][i] == pytest.approx(one[name], rel=1e-12), (pre, name)


def test_a_prefill_pool_of_every_accelerator_leaves_none_to_decode() -> None:
    v = run(spec(workload("dis", **SMALL, scenario='"server"', accelerators=8, prefill_accelerators=8)),
            errors=("infeasible-workload",))
    assert v["s.dis.feasible"][0] == 0


def test_a_pass_of_several_prompts_is_longer_than_one_and_serves_more() -> None:
    """Offline (no TTFT limit) the worker's pass carries as many prompts as its budget holds: 8,192 / 2,000 -> 4 at
    the default budget, 1 at a 2,000-token budget. The 4-prompt pass is longer than the 1-prompt pass (it does
    four prompts' GEMM rows and attention) but at most 4 times it (the weights are read once, the GEMMs run at
    more rows), so the worker serves at least as many requests a second."""
    four = outputs(scenario='"offline"', accelerators=16, prefill_accelerators=4, prefill_tp=1)
    one = outputs(scenario='"offline"', accelerators=16, prefill_accelerators=4, prefill_tp=1,
                  max_num_tokens="2000 tok")
    assert (four["prefill_batch"], one["prefill_batch"]) == (4, 1)
    t4, t1 = four["detail.prefill_time"], one["detail.prefill_time"]
    assert t1 < t4 <= 4 * t1
    assert 4 / t4 >= 1 / t1
