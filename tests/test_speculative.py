"""Speculative decoding in the inference model (compiler/models/inference/, "Speculative decoding"): a hand
calculation of a verify step, and its laws: no draft tokens is today's model exactly; drafts that are never
accepted (tau = 1) never help; the geometric acceptance law; validate gives the rules' drafts to MLPerf v6.0
DeepSeek-R1 Interactive rows only."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import dsl
from compiler import validate as V
from compiler.evaluate import evaluate
from compiler.lower import lower
from compiler.models import inference as M
from serving_inputs import llama2_70b_inputs  # tests/ is on the path

E_C, E_M = M.gemm_efficiency.value, M.bandwidth_efficiency.value
M0, T0, TS = M.gemm_half_rows.value, M.step_overhead.value, M.seq_overhead.value


def _dense(**load):
    """A Llama-2-70B-shaped dense model at 1 byte a weight and KV value on one 80 GB chip of 1,979 TFLOP/s and
    3.35 TB/s (no power law: the full clock)."""
    return llama2_70b_inputs(**load)


def _moe(**load):
    """A DeepSeek-V3-shaped MoE (671B, 37B active, 61 layers, 256 experts, 8 active, MLA cache 576 values) at
    FP8 on 8 chips of 180 GB, 8 TB/s, 4.5 PFLOP/s."""
    hw = M.Hardware(peak=np.array([4500e12]), peak_attn=np.array([4500e12]), memory=np.array([180e9]),
                    bandwidth=np.array([8e12]), link=np.array([900e9]), scaleout=np.array([50e9]),
                    scaleup=np.array([8.0]), chips=np.array([8.0]))
    N, A, E, k = 671e9, 37e9, 256.0, 8.0
    arch = M.Architecture(params=np.array([N]), active=np.array([A]), layers=np.array([61.0]),
                          hidden=np.array([7168.0]), attn_width=np.array([16384.0]), kv_width=np.array([576.0]),
                          kv_split=np.array([1.0]), experts=np.array([E]), experts_active=np.array([k]),
                          expert_params=np.array([(N - A) * E / (E - k)]))
    base = dict(input_tokens=np.array([800.0]), output_tokens=np.array([3880.0]), weight_bytes=np.array([1.0]),
                kv_bytes=np.array([1.0]), ttft_limit=np.array([1.5]), tpot_limit=np.array([0.015]),
                gemm_eff=np.array([0.7]), bw_eff=np.array([0.75]), reserve=np.array([0.1]),
                layer_latency=np.array([5e-6]), coll_latency=np.array([8e-6]), queueing=True)
    base.update(load)
    return hw, arch, M.Load(**base)


def test_a_verify_step_by_hand() -> None:
    """Offline, no prompt tokens in the step (disaggregated decode), tp 1, pp 1, 8 rows, 3 draft tokens, tau 2.5:

        verify (q = 4, T = 32 tokens)  GEMM 32 x 2 A / (e_c 32 / (32 + 128) P) = 2 A 160 / (e_c P)
                                       weights A / (BW e_m) = 68.98e9 / (3.35e12 x 0.75) = 27.45 ms (binds)
                                       attention 8 x 4 x 80 x 4 x 8,192 x 447 / (P e_c), KV 8 x 447 x 163,840 B
                                       / (BW e_m) = 0.233 ms (binds); overhead 2 ms + 8 x 35 us; 80 x 5 us
        plain step (q = 1, T = 8)      the same with GEMM 2 A 136 / (e_c P) and attention / 4
        drafts                         3 x (plain - overhead) / 80 = 3 x 28.08 / 80 = 1.05 ms
        a decoded token                (verify + drafts) / 2.5 = 12.6 ms, against the plain step's 30.4 ms"""
    A, P, BW, L = 68.98e9, 1979e12, 3.35e12, 80
    hw, arch, load = _dense(draft_tokens=np.array([3.0]), draft_tau=np.array([2.5]), prefill_in_step=False)
    q = M.evaluate_configs(hw, arch, load, [1.0], [1.0], [8.0])
    weights = A / (BW * E_M)
    assert weights == pytest.approx(27.45e-3, rel=1e-3)
    kv = 8 * 447 * 80 * 2048 / (BW * E_M)
    assert kv == pytest.approx(0.233e-3, rel=2e-3)
    over, layers = T0 + 8 * TS, L * 5e-6

    def step(rows):
        gemm = 8 * rows * 2 * A / (E_C * 8 * rows / (8 * rows + M0) * P)
        attn = 8 * rows * L * 4 * 8192 * 447 / (P * E_C)
        return max(gemm, weights) + max(attn, kv) + over + layers

    verify, plain = step(4), step(1)
    draft = 3 * (plain - over) / L
    assert draft == pytest.approx(1.05e-3, rel=5e-3)
    token = (verify + draft) / 2.5
    assert token == pytest.approx(12.6e-3, rel=5e-3)
    assert q["clock_fraction"][0, 0] == 1.0
    assert q["t_iter"][0, 0] == pytest.approx(token, rel=1e-9)
    assert q["decode_draft_time"][0, 0] == pytest.approx(draft / 2.5, rel=1e-9)
    assert q["throughput"][0, 0] == pytest.approx(8 * 8 / token, rel=1e-9)     # 8 replicas of 8 rows
    # the terms of a decoded token add up to it (each / tau)
    parts = ("decode_gemm_time", "decode_weights_time", "decode_attention_time", "decode_kv_time")
    t = q["decode_weights_time"][0, 0] + q["decode_kv_time"][0, 0] + q["decode_overhead_time"][0, 0] \
        + q["layer_latency_time"][0, 0] + q["decode_draft_time"][0, 0]
    assert all(q[name][0, 0] > 0 for name in parts) and t == pytest.approx(token, rel=1e-9)
    # memory: the draft head's layer holds 1 / L more weights and KV: 68.98e9 (1 + 1/80) B on the chip
    assert q["weights_per_chip"][0, 0] == pytest.approx(68.98e9 * 81 / 80, rel=1e-12)
    free = 80e9 * 0.9 - 68.98e9 * 81 / 80
    assert q["max_batch"][0, 0] == np.floor(free / (80 * 2048 * 81 / 80 * 447))


@pytest.mark.parametrize("inputs, scenario", [(_dense, {}), (_dense, {"queueing": True}),
                                              (_moe, {}), (_moe, {"queueing": False})])
def test_no_draft_tokens_is_the_plain_model_exactly(inputs, scenario) -> None:
    """draft_tokens = 0: every output of every configuration is the plain model's, bit for bit, whatever tau says."""
    hw, arch, load = inputs(**scenario)
    off = dataclasses.replace(load, draft_tokens=np.array([0.0]), draft_tau=np.array([2.7]))
    tp, pp, b = (np.array([1.0, 2.0, 4.0, 8.0, 2.0]), np.array([1.0, 1.0, 2.0, 1.0, 2.0]),
                 np.array([1.0, 16.0, 64.0, 256.0, 8.0]))
    plain, drafted = M.evaluate_configs(hw, arch, load, tp, pp, b), M.evaluate_configs(hw, arch, off, tp, pp, b)
    assert plain.keys() == drafted.keys()
    for name in plain:
        np.testing.assert_array_equal(plain[name], drafted[name], err_msg=name)
    assert np.all(drafted["decode_draft_time"] == 0)


@pytest.mark.parametrize("inputs", [_dense, _moe])
def test_drafts_that_are_never_accepted_never_help(inputs) -> None:
    """tau = 1 with draft tokens: a verify step of q > 1 tokens a row is never shorter than one of 1, and the
    drafts add; so no configuration of the same batch is faster per token, none serves more, and the capacity
    search finds no more."""
    hw, arch, load = inputs(queueing=True)
    tp, pp, b = (np.repeat([1.0, 2.0, 8.0], 4), np.ones(12), np.tile([1.0, 8.0, 64.0, 512.0], 3))
    plain = M.evaluate_configs(hw, arch, load, tp, pp, b)
    for k in (1.0, 3.0):
        wasted = dataclasses.replace(load, draft_tokens=np.array([k]), draft_tau=np.array([1.0]))
        q = M.evaluate_configs(hw, arch, wasted, tp, pp, b)
        ok = plain["fits"] & q["fits"]
        assert np.all(q["throughput"][ok] <= plain["throughput"][ok] * (1 + 1e-12))
        same = ok & (q["batch"] == plain["batch"])     # (the draft head's memory may cap the batch lower)
        assert same.sum() >= 4
        assert np.all(q["t_iter"][same] >= plain["t_iter"][same] * (1 - 1e-12))
        assert np.all(q["tpot"][same] >= plain["tpot"][same] * (1 - 1e-12))
        assert np.nan_to_num(M.search(hw, arch, wasted)["throughput"]).max() <= \
            np.nan_to_num(M.search(hw, arch, load)["throughput"]).max() * (1 + 1e-12)
    # and accepted drafts do help where the TPOT limit binds (the MoE at 15 ms): a larger batch meets it
    if inputs is _moe:
        good = dataclasses.replace(load, draft_tokens=np.array([3.0]), draft_tau=np.array([2.82]))
        assert np.nanmax(M.search(hw, arch, good)["throughput"]) > np.nanmax(M.search(hw, arch, load)["throughput"])


def _run(body: str, errors: tuple[str, ...] = ()) -> dict:
    text = "from chips import B200\nfrom models import DeepSeek_R1\nsite s {\n" + body + "\n}\n"
    checked, sink = dsl.check_text(text, name="test.factory")
    assert checked is not None and not sink.has_errors(), [d.message for d in sink.items]
    results = evaluate(lower(checked, sink), sink)
    assert [d.code for d in sink.errors] == list(errors), [d.message for d in sink.errors]
    return results.values


def _workload(name: str, lets: str) -> str:
    return (f"  inference {name} {{\n    model = DeepSeek_R1\n    chip = B200\n    accelerators = 8\n    tp = 8\n"
            f"    precision = \"fp4\"\n    scenario = \"single_stream\"\n    input_tokens = 1000 tok\n"
            f"    output_tokens = 2000 tok\n{lets}  }}\n")


def test_geometric_acceptance_law_and_the_range_of_a_measured_length() -> None:
    """tau = (1 - a^(k+1)) / (1 - a): a = 0.5 over 3 drafts gives 1 + 0.5 + 0.25 + 0.125 = 1.875 tokens a verify
    step, the same model as `let draft_accepted_length = 1.875`; a measured length above k + 1 (every draft and
    the target's own token) is an infeasible-workload error, never a clipped gain."""
    v = _run(_workload("law", "    let draft_tokens = 3\n    let draft_acceptance = 0.5\n")
             + _workload("measured", "    let draft_tokens = 3\n    let draft_accepted_length = 1.875\n")
             + _workload("plain", ""))
    assert v["s.law.tpot"] == pytest.approx(v["s.measured.tpot"], rel=1e-12)
    assert v["s.law.tpot"] < v["s.plain.tpot"]
    _run(_workload("over", "    let draft_tokens = 1\n    let draft_accepted_length = 2.5\n"),
         errors=("infeasible-workload",))


def test_validate_gives_the_rules_drafts_to_v6_deepseek_r1_interactive_only(tmp_path) -> None:
    """MLPerf Inference v6.0 rules: DeepSeek-R1 Interactive runs the reference MTP head, 3 draft tokens, topk 1
    (mlcommons/inference_policies, appendix-speculative-decoding); v5.1 (no such rule; its NVIDIA configs set no
    speculative decoding), Server and Offline rows run none."""
    head = "round,benchmark,scenario,system,accelerator,num_accelerators,metric,value,unit,source\n"
    path = tmp_path / "r.csv"
    path.write_text(head + "".join(f"{r},deepseek-r1,{s},x,NVIDIA B200-SXM-180GB,8,throughput,1000,Tokens/s,x\n"
                                   for r, s in (("inference-v6.0", "Interactive"), ("inference-v6.0", "Server"),
                                                ("inference-v5.1", "Server"), ("inference-v6.0", "Offline"))))
    out, sink = V.run(str(path))
    assert not sink.items and all(r.covered for r in out)
    assert out[0].lets["draft_tokens"] == 3 and out[0].lets["draft_accepted_length"] == 2.82
    assert all("draft_tokens" not in r.lets for r in out[1:])
    assert V._round_version("inference-v6.0") == 6.0 and V._round_version("inference-v5.1") == 5.1
