"""The DeepSeek-R1 decode step at expert parallelism by its parts (docs/accuracy.md "The expert-parallel step by its
parts"): the all-to-all law against TensorRT-LLM's measured dispatch + combine kernels, the hot-expert imbalance
against TensorRT-LLM's measured routing statistics (hand calculations, laws), and TensorRT-LLM's own published
DeepSeek-R1 runs at attention data parallelism with EP 8 as an independent check (printed, never asserted: nothing
is fitted to them)."""
from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from compiler.models import inference as M
from serving_inputs import deepseek_v3_inputs  # tests/ is on the path


def deepseek_ep_inputs(weight_bytes: float = 1.0, popularity_cv: float = 1.28, chips: float = 8.0,
                       balance: float = 1.0):
    """A DeepSeek-V3-shaped model (tests/serving_inputs.py: 671B, 37B active, 61 layers, 256 experts, 8 active, MLA
    cache 576 values) with hot experts (cv 1.28) on `chips` chips of 180 GB, 8 TB/s, 4.5 PFLOP/s, 900 GB/s a
    direction in one domain; 800 input and 2,000 output tokens; the ADP ranks balanced (`adp_balance` 1) unless
    `balance` is 0."""
    return deepseek_v3_inputs(chips, output_tokens=2000.0, weight_bytes=weight_bytes, popularity_cv=popularity_cv,
                              adp_balance=np.array([balance]))

# NVLinkOneSided dispatch + combine, GB200 NVL72, DeepSeek-V3 shape (h 7,168, top-8 of 256), BF16 both ways,
# EP 8, tokens a rank -> (dispatch us, combine us): NVIDIA/TensorRT-LLM docs/source/blogs/tech_blog/
# blog18_Optimizing_MoE_Communication_with_One_Sided_AlltoAll_Over_NVLink.md, "Scaling With Batch Size and EP Size"
# (read 2026-12-05) [P]
BLOG18_EP8 = {1: (18.9, 31.0), 2: (18.4, 31.1), 4: (18.1, 31.4), 8: (17.6, 31.4), 16: (18.5, 32.6),
              32: (18.2, 32.7), 64: (22.3, 34.1), 128: (31.7, 38.1), 256: (50.8, 53.0), 512: (89.5, 91.7),
              1024: (166.3, 175.6), 2048: (311.8, 322.6)}


def a2a_law_us(tokens: float, remote: float = 7, bytes_each_way: float = 2 + 2, h: int = 7168,
               link: float = 900e9) -> float:
    """One MoE layer's dispatch + combine by the model's law (module docstring, "Expert parallelism",
    all-to-all): max(49.9 us, 32.1 us + tokens x remote x h x bytes / (900 GB/s x 0.76))."""
    moved = tokens * remote * h * bytes_each_way / (link * M.EP_A2A_EFFICIENCY)
    return 1e6 * max(M.EP_A2A_FLOOR, M.EP_A2A_LATENCY + moved)


def test_all_to_all_law_by_hand_and_against_the_measured_kernels() -> None:
    """By hand at 512 tokens a rank (the bench's perfect router sends a token to all 7 other ranks of EP 8, BF16
    each way: 7 x 7,168 x 4 = 200,704 B a token): 32.1 + 512 x 200,704 / (900e9 x 0.76) us = 32.1 + 150.2 = 182.3 us
    (measured 89.5 + 91.7 = 181.2). Over the table: within -10% .. +3% from 64 tokens a rank up; below, the floor
    49.9 us (measured 49.9-50.9 at 1-32 tokens)."""
    assert a2a_law_us(512) == pytest.approx(32.1 + 512 * 200704 / (900e9 * 0.76) * 1e6, rel=1e-12)
    assert a2a_law_us(512) == pytest.approx(182.3, abs=0.1)
    for tokens, (disp, comb) in BLOG18_EP8.items():
        err = a2a_law_us(tokens) / (disp + comb) - 1
        if tokens >= 64:
            assert -0.11 < err < 0.04, (tokens, err)
        else:
            assert abs(err) < 0.03, (tokens, err)


def test_all_to_all_in_the_step_by_hand() -> None:
    """The step's all-to-all term uses that law with the model's own routing (n_r = 7 (1 - (7/8)^8) = 4.595 other
    ranks a token, random routing) and payloads (NVFP4 experts: dispatch 4,032 B a token = 0.5625 B a value, combine
    2 B), times the busiest chip's gamma, over 61 MoE layers; decode_tp_time at tp 1 is the all-to-all alone."""
    hw, arch, load = deepseek_ep_inputs(weight_bytes=0.5)
    q = M.evaluate_configs(hw, arch, load, [1.0], [1.0], [256.0], [8.0])   # d = 8 ranks of 256 rows
    tokens = 256 * (1 + 800 / 2000)                                     # rows and their prompt tokens a step
    remote = 7 * (1 - (7 / 8) ** 8)
    n = 8 * tokens * 8                                                  # (token, expert) pairs a step
    gamma = 1 + M._normal_max(8) * math.sqrt(7 / n + 1.28 ** 2 * 7 / 256)
    moved = gamma * tokens * remote * 7168 * (4032 / 7168 + 2) / (900e9 * 0.76)
    a2a = 61 * max(49.9e-6, 32.1e-6 + moved)
    assert q["decode_tp_time"][0, 0] == pytest.approx(a2a, rel=1e-6)


def test_hot_expert_imbalance_by_hand_and_against_tensorrt_llm_routing() -> None:
    """gamma = 1 + z_c sqrt((c - 1) / n + cv_e^2 (r - 1) / E). TensorRT-LLM's DeepSeek-R1 at EP 32 without a load
    balancer (blog4 Table 1 [P]): per expert slot mean 128, std 164.1; per rank mean 1,024, std 491.6. The law's
    per-rank relative std: sqrt(31 / 32,768 + 1.28^2 x 31 / 256) = 0.447 (measured 491.6 / 1,024 = 0.480: -7%).
    Its maximum, 1 + z_32 x 0.447 = 1.93, stays under the measured 2.56 (a skewed distribution's maximum; the law is
    normal). At NVIDIA's MLPerf layout (EP 8, 512 rows a rank: 32,768 pairs): 1 + 1.42 sqrt(7 / 32,768 +
    1.28^2 x 7 / 256) = 1.30, against 1.021 for the multinomial alone. Zero popularity: the law of before."""
    rank_std = math.sqrt(31 / 32768 + 1.28 ** 2 * 31 / 256)
    assert rank_std == pytest.approx(0.447, abs=1e-3)
    assert rank_std / (491.6 / 1024) - 1 == pytest.approx(-0.069, abs=0.005)
    g32 = M.rank_imbalance(32768.0, 32.0, 256.0, 1.28, 32.0)
    assert g32 == pytest.approx(1 + M._normal_max(32) * rank_std, rel=1e-12)
    assert 1.85 < g32 < 2.56                                            # below the measured hottest rank
    g8 = M.rank_imbalance(8 * 512 * 8.0, 8.0, 256.0, 1.28, 8.0)
    assert g8 == pytest.approx(1 + M._normal_max(8) * math.sqrt(7 / 32768 + 1.28 ** 2 * 7 / 256), rel=1e-12)
    assert g8 == pytest.approx(1.30, abs=0.01)
    assert M.rank_imbalance(32768.0, 8.0, 256.0, 0.0, 8.0) == pytest.approx(M.expert_imbalance(32768.0, 8.0))
    # laws: more popular spread, more imbalance; the data term does not shrink with the batch
    cvs = np.array([0.0, 0.5, 1.0, 1.28, 2.0])
    assert np.all(np.diff(M.rank_imbalance(32768.0, 8.0, 256.0, cvs, 8.0)) > 0)
    n = np.array([1e3, 1e4, 1e5, 1e7])
    g = M.rank_imbalance(n, 8.0, 256.0, 1.28, 8.0)
    assert np.all(np.diff(g) < 0) and g[-1] == pytest.approx(1 + M._normal_max(8) * 1.28 * math.sqrt(7 / 256),
                                                               rel=1e-3)
    assert M.rank_imbalance(0.0, 8.0, 256.0, 1.28, 8.0) == 1.0 and M.rank_imbalance(1e4, 1.0, 256.0, 1.28, 1.0) == 1.0


def test_hot_experts_only_at_expert_parallelism() -> None:
    """At d = 1 every chip holds a slice of every expert: the popularity moves nothing; at d = 8 the routed
    experts' GEMM, the expanded rows and the all-to-all grow, the weights' read does not."""
    hw, arch0, load = deepseek_ep_inputs(weight_bytes=0.5, popularity_cv=0.0)
    _, arch1, _ = deepseek_ep_inputs(weight_bytes=0.5, popularity_cv=1.28)
    a = M.evaluate_configs(hw, arch0, load, [8.0], [1.0], [256.0], [1.0])
    b = M.evaluate_configs(hw, arch1, load, [8.0], [1.0], [256.0], [1.0])
    for term in ("decode_gemm_time", "decode_moe_time", "decode_tp_time", "tpot"):
        assert a[term][0, 0] == b[term][0, 0]
    a = M.evaluate_configs(hw, arch0, load, [1.0], [1.0], [256.0], [8.0])
    b = M.evaluate_configs(hw, arch1, load, [1.0], [1.0], [256.0], [8.0])
    for term in ("decode_gemm_time", "decode_moe_time", "decode_tp_time"):
        assert b[term][0, 0] > a[term][0, 0]
    assert b["decode_weights_time"][0, 0] == a["decode_weights_time"][0, 0]


def test_adp_context_excess_by_hand() -> None:
    """E[max over d ranks of Poisson(lambda) contexts] / lambda. lambda = 0.14 (512 rows a rank, 3,654 output tokens:
    a rank refills 512 / 3,654 rows a step), d = 8: P(max >= 1) = 1 - e^(-8 x 0.14) = 0.674, P(max >= 2) = 1 - (e^-0.14
    (1 + 0.14))^8 = 0.0695, P(max >= 3) = 1 - (e^-0.14 (1 + 0.14 + 0.0098))^8 = 0.00335: E[max] = 0.747, 5.33x the
    mean. Laws: d = 1 or lambda = 0: 1; lambda -> 0: d; falls with lambda toward 1; the normal form above 50."""
    lam = 512 / 3654
    p1 = 1 - math.exp(-8 * lam)
    p2 = 1 - (math.exp(-lam) * (1 + lam)) ** 8
    p3 = 1 - (math.exp(-lam) * (1 + lam + lam ** 2 / 2)) ** 8
    assert M.adp_context_excess(lam, 8.0) == pytest.approx((p1 + p2 + p3) / lam, rel=2e-3)
    assert M.adp_context_excess(lam, 8.0) == pytest.approx(5.33, abs=0.01)
    assert M.adp_context_excess(0.3, 1.0) == 1.0 and M.adp_context_excess(0.0, 8.0) == 1.0
    assert M.adp_context_excess(1e-6, 8.0) == pytest.approx(8.0, rel=1e-4)
    lams = np.array([0.01, 0.1, 1.0, 10.0, 49.0, 51.0, 1e3])
    x = M.adp_context_excess(lams, 8.0)
    assert np.all(np.diff(x) < 0) and x[-1] == pytest.approx(1 + M._normal_max(8) / math.sqrt(1e3))
    assert x[4] == pytest.approx(x[5], rel=0.01)                       # the two forms meet near 50


def test_adp_contexts_in_the_step() -> None:
    """Without the balancer, with output lengths that vary (cv 1), the busiest rank carries excess x the mean
    prompt tokens through its own layers (dense GEMMs, context attention, dispatch), the experts the d ranks' sum:
    the step grows, the expert module (t_moe) and the weights do not; balanced (adp_balance 1), or lengths equal
    offline (lockstep), or d = 1: unchanged."""
    hw, arch, load = deepseek_ep_inputs(weight_bytes=0.5, balance=1.0)
    _, _, free = deepseek_ep_inputs(weight_bytes=0.5, balance=0.0)
    cv = dict(output_cv=np.array([1.0]))
    bal = M.evaluate_configs(hw, arch, dataclasses.replace(load, **cv), [1.0], [1.0], [256.0], [8.0])
    unb = M.evaluate_configs(hw, arch, dataclasses.replace(free, **cv), [1.0], [1.0], [256.0], [8.0])
    lock = M.evaluate_configs(hw, arch, free, [1.0], [1.0], [256.0], [8.0])
    base = M.evaluate_configs(hw, arch, load, [1.0], [1.0], [256.0], [8.0])
    assert unb["tpot"][0, 0] > bal["tpot"][0, 0]
    assert unb["decode_moe_time"][0, 0] == bal["decode_moe_time"][0, 0]
    assert unb["decode_weights_time"][0, 0] == bal["decode_weights_time"][0, 0]
    assert unb["decode_tp_time"][0, 0] > bal["decode_tp_time"][0, 0]
    assert lock["tpot"][0, 0] == base["tpot"][0, 0]
    one = M.evaluate_configs(hw, arch, dataclasses.replace(free, **cv), [8.0], [1.0], [256.0], [1.0])
    one_bal = M.evaluate_configs(hw, arch, dataclasses.replace(load, **cv), [8.0], [1.0], [256.0], [1.0])
    assert one["tpot"][0, 0] == one_bal["tpot"][0, 0]


# TensorRT-LLM's published DeepSeek-R1 runs at attention data parallelism (tp 1 ranks) with EP 8 on 8 GPUs
# (name, chip, precision, KV precision, ISL, OSL, rows a rank, measured output tok/s/GPU, source). Offline
# (trtllm-bench throughput, every request queued; fixed lengths where the source says so). A check, never fitted.
PUBLISHED = [
    ("b200_fp4_bf16kv_1k2k", "B200", "fp4", "bf16", 1024, 2048, 384, 4548.0105,
     "NVIDIA/TensorRT-LLM docs/source/blogs/Best_perf_practice_on_DeepSeek-R1_in_TensorRT-LLM.md, 'B200 "
     "max-throughput for R1 with FP16 KV cache' (commit b6261862; concurrency 3,072, max_batch_size 384, "
     "max_num_tokens 1,536, no ADP balancer, token-norm-dist stdev 0) [P]"),
    ("b200_fp4_fp8kv_1k2k", "B200", "fp4", "fp8", 1024, 2048, 896, 5393.2755,
     "same file, 'B200 max-throughput for R1-0528 with FP8 KV cache' (concurrency 7,168, max_batch_size 896, "
     "max_num_tokens 2,048, no ADP balancer; dataset lengths as the 1K/2K runs [U]) [P]"),
    ("h200_fp8_1k2k", "H200", "fp8", "fp8", 1024, 2048, 128, 1436.1584,
     "same file, 'H200 max-throughput' (concurrency 1,024, max_batch_size 128, max_num_tokens 1,151, "
     "token-norm-dist stdev 0; KV cache precision not stated, the FP8 checkpoint's default [U]) [P]"),
    ("gb200_fp4_fp8kv_mlperf", "GB200", "fp4", "fp8", 803, 3654, 512, 34140 / 8,
     "NVIDIA/TensorRT-LLM docs/source/blogs/tech_blog/bloc_x_adp-scheduler-opt.md (blog10, ADP Balance): "
     "DeepSeekV3-NVFP4, TP 8 EP 8 attention DP, max_batch_size 512, concurrency 5,120, real lengths avg 803.1 / "
     "3,653.8, context chunking off, ADP balance on: 34,140 tok/s on 8 GPUs (25,664 without the balancer; "
     "39,552 at perfect balance) [P]"),
    ("gb200_fp4_fp8kv_mlperf_nobal", "GB200", "fp4", "fp8", 803, 3654, 512, 25664 / 8,
     "same blog, its baseline without the ADP balance (25,664 tok/s on 8 GPUs, avg balance ratio 54%) [P]"),
]


# the runs' own settings the model reads as lets: the GB200 run's ADP balancer and its dataset's output spread
# (the MLPerf DeepSeek-R1 shape: output cv 1.07, compiler/validate.py OUTPUT_CVS [P])
PUBLISHED_LETS = {"gb200_fp4_fp8kv_mlperf": {"adp_balance": 1, "output_length_cv": 1.07},
                  "gb200_fp4_fp8kv_mlperf_nobal": {"adp_balance": 0, "output_length_cv": 1.07}}


def published_spec(extra_lets: dict | None = None) -> str:
    chips = sorted({r[1] for r in PUBLISHED})
    lines = ['"""TensorRT-LLM\'s published DeepSeek-R1 runs at ADP-EP8 (tests/test_moe_ep_step.py)."""',
             "from chips import " + ", ".join(chips), "from models import DeepSeek_R1", "", "site trtllm_dsr1 {"]
    for name, chip, prec, kv, isl, osl, rows, _, _ in PUBLISHED:
        lines += [f"  inference {name} {{", "    model = DeepSeek_R1", f"    chip = {chip}", "    scaleup_size = 8",
                  "    accelerators = 8", "    tp = 1", "    pp = 1", "    ep = 8", f"    batch = {rows * 8}",
                  f'    precision = "{prec}"', f'    kv_precision = "{kv}"', '    scenario = "offline"',
                  f"    input_tokens = {isl} tok", f"    output_tokens = {osl} tok"]
        lets = dict(PUBLISHED_LETS.get(name, {}), **(extra_lets or {}).get(name, {}))
        lines += [f"    let {k} = {v}" for k, v in sorted(lets.items())] + ["  }"]
    lines.append("}")
    return "\n".join(lines) + "\n"


def evaluate_published(extra_lets: dict | None = None) -> list[tuple]:
    import dsl

    from compiler.evaluate import Evaluator
    from compiler.lower import lower

    checked, sink = dsl.check_text(published_spec(extra_lets), name="trtllm_dsr1.factory")
    assert checked is not None and not sink.errors, [d.message for d in sink.errors]
    ev = Evaluator(lower(checked, sink), sink)
    out = []
    for name, chip, prec, kv, isl, osl, rows, measured, _ in PUBLISHED:
        per_chip = float(np.asarray(ev.node_value(f"trtllm_dsr1.{name}.tokens_per_s_per_chip"))[0])
        tpot = float(np.asarray(ev.node_value(f"trtllm_dsr1.{name}.tpot"))[0])
        out.append((name, rows, measured, per_chip, tpot, rows / measured))
    return out


def test_published_deepseek_r1_runs_compared(capsys) -> None:
    """Every published run is evaluated at its own layout and batch (finite, positive); the comparison is printed
    (docs/accuracy.md), not asserted."""
    rows = evaluate_published()
    lines = ["run                        rows/rank  measured tok/s/GPU  model  error  model step  measured step"]
    lines += [f"{name:26s} {n:9d} {measured:19,.0f} {model:6,.0f} {model / measured - 1:+6.1%} "
              f"{1e3 * tpot:8.1f} ms {1e3 * step:9.1f} ms" for name, n, measured, model, tpot, step in rows]
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    from compiler.validate_docs import missing_from_head     # docs/accuracy.md "Where accuracy stands" quotes them
    assert not missing_from_head(lines), "docs/accuracy.md's head quotes other figures: update it"
    assert all(np.isfinite(r[3]) and r[3] > 0 for r in rows)
