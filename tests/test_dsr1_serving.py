"""DeepSeek-R1 serving as NVIDIA ran it (docs/accuracy.md "DeepSeek-R1 as NVIDIA ran it"): the rows in flight are
length-biased (compiler/models/inference/ in_flight_age, `let kv_length_biased`) and TensorRT-LLM's attention-data-
parallel balancer releases new contexts once every T steps (compiler/validate.py ADP_BALANCE_STEPS, given to the
rows as `scheduler_steps`), by hand and as laws."""
from __future__ import annotations

import math

import numpy as np
import pytest

from compiler import validate as V
from compiler.models import inference as M
from serving_inputs import llama2_70b_inputs

HEAD = "round,benchmark,scenario,system,accelerator,num_accelerators,metric,value,unit,source\n"


def test_in_flight_age_by_hand() -> None:
    # A slot of a continuous batch runs requests back to back; two output lengths, 1,000 and 3,000 tokens, equally
    # likely: over a long run the slot spends 1,000 of every 4,000 steps on a short request and 3,000 on a long one,
    # and a step sees a request uniformly far into its life: mean age (1,000 x 500 + 3,000 x 1,500) / 4,000 = 1,250.
    # E[o] = 2,000, cv^2 = 1,000^2 / 2,000^2 = 0.25: (1 + 0.25) x 2,000 / 2 = 1,250 the same
    assert np.isclose(M.in_flight_age(2000.0, 0.5), (1000 * 500 + 3000 * 1500) / 4000)
    assert np.isclose(M.in_flight_age(2000.0, 0.0), 1000.0)          # one length: half of it, the model before
    # DeepSeek-R1 (the benchmark's 3,886.23 output tokens, TEST06 cv 1.07): 2.1449 x 1,943.1 = 4,167.8 tokens, the
    # mean context of a row in flight 803.79 + 4,167.8 = 4,971.6, 1.81x the mean I + O / 2 = 2,746.9
    age = float(M.in_flight_age(3886.23, 1.07))
    assert abs(age - 4167.8) < 0.1
    assert abs((803.79 + age) / (803.79 + 3886.23 / 2) - 1.8099) < 1e-3


def test_length_biased_rows_read_and_hold_the_longer_context() -> None:
    """With `kv_length_biased` the step's KV reads and the cache's rows take I + (1 + cv^2) O / 2 in place of
    I + O / 2: at a fixed layout and batch the KV read time scales by that ratio and the rows the cache holds by its
    inverse; the weights' read and the GEMMs do not move."""
    cv = 1.07
    hw, arch, plain = llama2_70b_inputs(output_cv=np.array([cv]))          # cv alone: the memory law of before
    _, _, biased = llama2_70b_inputs(output_cv=np.array([cv]), kv_biased=np.array([1.0]))
    tp, pp, b = np.array([8.0]), np.array([1.0]), np.array([64.0])
    q0, q1 = (M.evaluate_configs(hw, arch, x, tp, pp, b) for x in (plain, biased))
    ratio = (300 + (1 + cv ** 2) * 294 / 2) / (300 + 294 / 2)               # 614.3 / 447 = 1.3743
    assert np.isclose(q1["decode_kv_time"][0, 0] / q0["decode_kv_time"][0, 0], ratio)
    assert np.isclose(q1["kv_slots"][0, 0] / q0["kv_slots"][0, 0], 1 / ratio)
    for term in ("decode_weights_time", "decode_gemm_time"):
        assert q1[term][0, 0] == q0[term][0, 0]


def _run(tmp_path, rows: str):
    path = tmp_path / "rows.csv"
    path.write_text(HEAD + rows)
    out, sink = V.run(str(path))
    assert not sink.items, [d.message for d in sink.items]
    return {(r.data["round"], r.data["metric"]): r for r in out}


def test_adp_balance_release_adds_the_rest_of_its_round(tmp_path) -> None:
    """NVIDIA's v5.1 GB300 DeepSeek-R1 Server config releases contexts every `adp_balancing_timeout_iters` = 6 steps
    ([P], ADP_BALANCE_STEPS): a request waits a uniform share of the 5 further steps of the round, so its TTFT p50
    gains 0.5 x 5 mean steps and its p99 0.99 x 5 (the law of `scheduler_steps`), and the throughput and the step
    stay (the rate cut keeps TTFT p99 under 2 s). The same row in a round without an entry (v5.0) has no wait."""
    assert V.ADP_BALANCE_STEPS[("inference-v5.1", "GB300")] == 6
    assert V.ADP_BALANCE_STEPS[("inference-v5.1", "B200")] == V.ADP_BALANCE_STEPS[("inference-v5.1", "GB200")] == 9
    rows = ""
    for round_ in ("inference-v5.1", "inference-v5.0"):
        for metric, unit in (("throughput", "Tokens/s"), ("ttft_p50", "ms"), ("ttft_p99", "ms"),
                             ("tpot_mean", "ms")):
            rows += f"{round_},deepseek-r1,Server,s,NVIDIA GB300,72,{metric},1,{unit},x\n"
    got = _run(tmp_path, rows)
    new, old = "inference-v5.1", "inference-v5.0"
    step = got[(new, "tpot_mean")].predicted                               # ms, the mean step (no drafts: tau 1)
    assert step == pytest.approx(got[(old, "tpot_mean")].predicted)
    assert got[(new, "throughput")].predicted == pytest.approx(got[(old, "throughput")].predicted)
    assert got[(new, "ttft_p50")].predicted - got[(old, "ttft_p50")].predicted == pytest.approx(0.5 * 5 * step,
                                                                                              rel=1e-6)
    assert got[(new, "ttft_p99")].predicted - got[(old, "ttft_p99")].predicted == pytest.approx(0.99 * 5 * step,
                                                                                              rel=1e-6)
    assert got[(new, "ttft_p99")].predicted < 2000.0
    assert math.isfinite(got[(new, "ttft_p50")].predicted)


def test_adp_balance_is_the_server_rows_of_deepseek_r1_only(tmp_path) -> None:
    """Offline has no TTFT, Interactive (v6.0: MTP, NVIDIA's GB200/GB300 disaggregated) and other benchmarks run
    other engines: no release wait there."""
    rows = ("inference-v5.1,deepseek-r1,Offline,s,NVIDIA GB300,72,throughput,1,Tokens/s,x\n"
            "inference-v5.1,llama3.1-405b,Server,s,NVIDIA GB300,72,ttft_p50,1,ms,x\n"
            "inference-v5.1,deepseek-r1,Server,s,NVIDIA GB300,72,ttft_p50,1,ms,x\n")
    path = tmp_path / "rows.csv"
    path.write_text(HEAD + rows)
    out, _ = V.run(str(path))
    assert [r.lets.get("scheduler_steps") for r in out] == [None, None, 6.0]
