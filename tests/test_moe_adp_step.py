"""The MoE decode step at attention data parallelism + expert parallelism (docs/accuracy.md "The MoE decode step at
attention DP + EP"): the routed experts' grouped GEMM at the TRTLLM-Gen kernels' tile (`let expert_gemm_tiles`,
inference.py expert_tile_efficiency) by hand and by law, its place in the step, where validate gives it, and the two
held-out sanity runs' decode steps at their measured operating points (Little's law on the public log summaries),
printed by part as an independent check: nothing is fitted to them."""
from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from compiler.models import inference as M
from serving_inputs import deepseek_v3_inputs  # tests/ is on the path


def test_expert_tile_efficiency_by_hand() -> None:
    """e = e_c m / (t ceil(m / t)), t = the next power of two of m kept within 8 and 64 (TRTLLM-Gen's
    `calculate_tile_tokens_dim`): m = 23 -> t 32, one tile, 23 / 32; m = 3 -> t 8, 3 / 8; m = 8 -> 1; m = 100 -> t 64,
    two tiles, 100 / 128; m = 1,000 -> t 64, 16 tiles, 1,000 / 1,024; m = 0 does no work (the 1e-9 floor)."""
    ec = 0.7
    cases = {23.0: 23 / 32, 3.0: 3 / 8, 8.0: 1.0, 9.0: 9 / 16, 64.0: 1.0, 65.0: 65 / 128, 100.0: 100 / 128,
             1000.0: 1000 / 1024, 0.5: 0.5 / 8}
    got = M.expert_tile_efficiency(ec, np.array(list(cases)))
    assert got == pytest.approx(ec * np.array(list(cases.values())), rel=1e-12)
    assert M.expert_tile_efficiency(ec, 0.0) == 1e-9


def test_tiles_never_slower_than_the_shape_law() -> None:
    """Law: a touched expert's rows padded to whole tiles of at most 64 rows are at most m + 63 < m + 128, so the
    tile's rate is never below the shape law at expert_half_rows 128 (e_c m / (m + 128)); both reach e_c for whole
    tiles of many rows, and the tile's rate never exceeds e_c."""
    m = np.arange(1.0, 5000.0)
    tile = M.expert_tile_efficiency(0.7, m)
    shape = M._shape_eff(0.7, m, 128.0)
    assert np.all(tile >= shape) and np.all(tile <= 0.7 + 1e-12)
    assert tile[63] == pytest.approx(0.7) and tile[4095] == pytest.approx(0.7)   # 64 and 4,096 rows: whole tiles


def test_expert_gemm_tiles_in_the_step_by_hand() -> None:
    """DeepSeek-V3 shape (tests/serving_inputs.py), NVFP4 weights, d = 8 ranks of tp 1, 64 rows a rank, offline
    (800 input, 3,200 output tokens: r = 0.25 prompt tokens a row): T = 80 tokens a rank, an expert's rows
    m_e = 8 x 80 x 8 / 256 = 20 over the touched share u = 1 - (1 - 8/256)^640 (~1). The routed experts' GEMM is
    T 2 gamma A_exp / (e P) (tp 1), A_exp = (N - A) k / (E - k) = 20.45e9 active expert parameters, so switching the
    shape law (e_c 20 / (20 + 128)) to the tile (t 32: e_c 20 / 32) changes decode_gemm_time by
    T 2 gamma A_exp (1 / e_tile - 1 / e_shape) / P; nothing else in the step moves."""
    hw, arch, load = deepseek_v3_inputs(weight_bytes=0.5)
    tiled = dataclasses.replace(load, expert_tiles=np.array([1.0]))
    a = M.evaluate_configs(hw, arch, load, [1.0], [1.0], [64.0], [8.0])
    b = M.evaluate_configs(hw, arch, tiled, [1.0], [1.0], [64.0], [8.0])
    assert a["clock_fraction"][0, 0] == 1.0 and b["clock_fraction"][0, 0] == 1.0
    T = 64 * (1 + 800 / 3200)
    u = 1 - (1 - 8 / 256) ** (8 * T)
    m_e = 8 * T * 8 / 256 / u
    gamma = M.rank_imbalance(8 * T * 8, 8.0, 256.0, 0.0, 8.0)
    A_exp = (671e9 - 37e9) * 8 / (256 - 8)
    e_tile, e_shape = 0.7 * m_e / 32, 0.7 * m_e / (m_e + 128)
    delta = T * 2 * gamma * A_exp * (1 / e_tile - 1 / e_shape) / 4500e12
    assert b["decode_gemm_time"][0, 0] - a["decode_gemm_time"][0, 0] == pytest.approx(delta, rel=1e-9)
    assert delta < 0
    for term in ("decode_weights_time", "decode_kv_time", "decode_tp_time", "decode_moe_time",
                 "decode_overhead_time", "decode_attention_time"):
        assert a[term][0, 0] == b[term][0, 0], term


def test_expert_gemm_tiles_only_where_the_engine_runs_trtllm_gen() -> None:
    """validate gives `expert_gemm_tiles` to gpt-oss-120b on datacenter Blackwell (EXPERT_GEMM_TILES: NVIDIA's and
    its partners' engines, MoE backend TRTLLM), in every scenario; not to HPE's RTX PRO 6000 (CUTLASS), RedHat's
    H200 (vLLM's W4A16 kernels), NVIDIA's DeepSeek-R1 engines (WIDEEP / CUTLASS) nor Mixtral (the v5.0 TensorRT
    engines' MoE plugin); `--without expert_gemm_tiles` gives none."""
    from compiler.validate import Row, mechanisms_with, plan

    def row(accelerator, benchmark="gpt-oss-120b", scenario="Offline", round_="inference-v6.0", mechanisms=None):
        data = {"round": round_, "benchmark": benchmark, "scenario": scenario, "system": "sys",
                "accelerator": accelerator, "num_accelerators": "8", "metric": "throughput", "value": "1",
                "unit": "Tokens/s", "source": "x; nodes=1"}
        r = Row(2, data)
        plan(r, mechanisms)
        return r

    for name in ("NVIDIA B200-SXM-180GB", "NVIDIA B300-SXM-270GB", "NVIDIA GB200", "NVIDIA GB300"):
        for scenario in ("Offline", "Server", "Interactive"):
            assert row(name, scenario=scenario).lets.get("expert_gemm_tiles") == 1.0, (name, scenario)
    for name in ("NVIDIA RTX PRO 6000 Blackwell Server Edition", "NVIDIA H200-SXM-141GB"):
        assert "expert_gemm_tiles" not in row(name).lets, name
    assert "expert_gemm_tiles" not in row("NVIDIA GB300", benchmark="deepseek-r1", round_="inference-v5.1").lets
    assert "expert_gemm_tiles" not in row("NVIDIA B200-SXM-180GB", benchmark="mixtral-8x7b",
                                          round_="inference-v5.0").lets
    off = mechanisms_with(off=["expert_gemm_tiles"])
    assert "expert_gemm_tiles" not in row("NVIDIA B300-SXM-270GB", mechanisms=off).lets


# The two held-out sanity runs' decode steps at their measured operating points [P/D], printed by part, never
# asserted (nothing fitted):
# - gpt-oss-120b, NVIDIA GB200 NVL72, MLPerf Inference v6.0 Interactive, disaggregated: 48 decode GPUs as 12 workers of
#   4 attention-DP ranks (EP 4). Log summary (closed/NVIDIA/results/GB200-NVL72_GB200-186GB_aarch64x72_TRT/
#   gpt-oss-120b/Interactive/performance/run_1/mlperf_log_summary.txt, https://github.com/gbeezybez/
#   inference_results_v6.0 @232fbf9, read 2026-12-05): 477.41 completed samples/s, mean latency 18.790 s, mean
#   first-token latency 0.220 s, TPOT mean 14.198 ms, p99 14.736 ms. Requests decoding (Little's law):
#   477.41 x (18.790 - 0.220) = 8,866 over 48 ranks = 184.7 rows a rank at a 14.2 ms mean step.
# - DeepSeek-R1, NVIDIA GB300 NVL72, MLPerf Inference v5.1 Server, aggregated ADP-EP8 (docs/accuracy.md "DeepSeek-R1
#   as NVIDIA ran it"): 184 rows a rank at a 63.7 ms mean TPOT.
GPT_OSS_ROWS_A_RANK = 477.41 * (18.790441988 - 0.220415711) / 48
GPT_OSS_STEP_MS = 14.198
DSR1_ROWS_A_RANK, DSR1_STEP_MS = 184.0, 63.7


def test_little_law_rows_of_the_gpt_oss_decode_pool_by_hand() -> None:
    """477.41 requests/s x 18.57 s decoding = 8,866 requests over 48 decode ranks: 184.7 rows a rank; at the 14.2 ms
    mean step they make 184.7 / 14.198 ms = 13.0k tokens/s a decode GPU (the run's 624,929 tokens/s over 48)."""
    assert GPT_OSS_ROWS_A_RANK == pytest.approx(184.7, abs=0.05)
    assert GPT_OSS_ROWS_A_RANK / (GPT_OSS_STEP_MS * 1e-3) == pytest.approx(624929.29 / 48, rel=0.01)


TERMS = ("decode_gemm_time", "decode_weights_time", "decode_kv_time", "decode_attention_time", "decode_tp_time",
         "decode_moe_time", "decode_overhead_time", "decode_context_attention_time")


def _step_at(row_data: dict, rows_a_rank: float, ranks: int, fixed: dict, lets: dict) -> dict:
    """The validate row's workload at a fixed replica batch (ranks x rows a rank) with the latency limits lifted:
    its mean step and the step's parts (explain's detail terms) at that batch."""
    import dsl
    from compiler.evaluate import Evaluator
    from compiler.lower import lower
    from compiler.validate import Q, Row, plan, spec_text

    r = Row(2, {"system": "sys", "metric": "throughput", "value": "1", "unit": "Tokens/s", "source": "x; nodes=18",
                **row_data})
    plan(r)
    r.fields.update(fixed)
    r.fields["batch"] = float(round(ranks * rows_a_rank))
    r.fields["tpot_limit"] = Q(10.0, "s")
    r.fields["ttft_limit"] = Q(1000.0, "s")
    r.lets.update(lets)
    checked, sink = dsl.check_text(spec_text([r]), name="step.factory")
    ev = Evaluator(lower(checked, sink), sink)

    def value(name):
        return float(np.asarray(ev.node_value(f"validation.{r.block}.{name}"), dtype=float).ravel()[0])

    step = {name: value(name) for name in ("tokens_per_s", "tp", "ep", "batch", "tpot", "tpot_mean")}   # (detail after tpot)
    return {**step, **{t: value(f"detail.{t}") for t in TERMS}}


def test_the_sanity_runs_decode_steps_by_part_printed() -> None:
    """Printed, never asserted beyond finiteness (an independent check: docs/accuracy.md "The MoE decode step at
    attention DP + EP"). gpt-oss-120b's decode worker (GB200, tp 1 ranks, EP 4, disaggregated) at 184.7 rows a rank
    against the measured 14.2 ms mean step, with and without the TRTLLM-Gen tiles; DeepSeek-R1 on GB300 at NVIDIA's
    ADP-EP8 layout (tp 1, ep 8) at 184 rows a rank against the measured 63.7 ms."""
    oss = dict(round="inference-v6.0", benchmark="gpt-oss-120b", scenario="Interactive", accelerator="NVIDIA GB200",
               num_accelerators="72",
               source="https://github.com/mlcommons/inference_results_v6.0/tree/main/closed/NVIDIA/results/"
                      "GB200-NVL72_GB200-186GB_aarch64x72_TRT/gpt-oss-120b/Interactive x; nodes=18")
    dsr1 = dict(round="inference-v5.1", benchmark="deepseek-r1", scenario="Server", accelerator="NVIDIA GB300",
                num_accelerators="72")
    runs = [("gpt-oss GB200 decode, shape law", oss, GPT_OSS_ROWS_A_RANK, 4, {}, {"expert_gemm_tiles": 0.0},
             GPT_OSS_STEP_MS),
            ("gpt-oss GB200 decode, tiles", oss, GPT_OSS_ROWS_A_RANK, 4, {}, {"expert_gemm_tiles": 1.0},
             GPT_OSS_STEP_MS),
            ("DeepSeek-R1 GB300 ADP-EP8 Server", dsr1, DSR1_ROWS_A_RANK, 8, {"tp": 1.0, "pp": 1.0, "ep": 8.0}, {},
             DSR1_STEP_MS)]
    print(f"\n{'run':34s} {'rows':>6s} {'measured':>9s} {'model':>7s} " + " ".join(f"{t[7:-5][:8]:>8s}" for t in TERMS))
    for label, data, rows, ranks, fixed, lets, measured in runs:
        s = _step_at(data, rows, ranks, fixed, lets)
        assert math.isfinite(s["tpot_mean"]) and s["tpot_mean"] > 0
        print(f"{label:34s} {rows:6.1f} {measured:7.1f}ms {1e3 * s['tpot_mean']:5.1f}ms "
              + " ".join(f"{1e3 * s[t]:8.2f}" for t in TERMS))
