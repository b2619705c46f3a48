"""The dense GEMMs' rate by engine release (`let dense_gemm_release_rate`; compiler/models/inference/; compiler/
validate.py ENGINE_RELEASE_GEMM, MECHANISMS "engine_release_gemm", measured, not applied; docs/accuracy.md "The dense
GEMM rate by engine release"; bench/trtllm_release_ratio.py)."""
from __future__ import annotations

import numpy as np
import pytest

from bench import trtllm_release_ratio as R
from compiler import validate as V
from test_inference import KNEE_LAW, run, spec, workload   # tests/ is on the path

IMPORTS = "from systems import DGX_H200\nfrom models import Llama2_70B, Mixtral_8x7B\n"
LLAMA = dict(model="Llama2_70B", system="DGX_H200", accelerators=8, precision='"fp8"', kv_precision='"fp8"',
             tp=1, pp=1, batch=900, input_tokens="222.33 tok", output_tokens="294.45 tok", **KNEE_LAW)   # knee law
MIXTRAL = dict(LLAMA, model="Mixtral_8x7B")
V41 = "https://github.com/mlcommons/inference_results_v4.1/tree/main/closed/NVIDIA/results/x/llama2-70b-99/Offline"
V50 = "https://github.com/mlcommons/inference_results_v5.0/tree/main/closed/NVIDIA/results/x/llama2-70b-99/Offline"


def _gemm_at_full_clock(v: dict, name: str) -> float:
    """The step's GEMM time at the full clock: decode_gemm_time x clock_fraction (no launch term by default)."""
    return v[f"s.{name}.detail.decode_gemm_time"][0] * v[f"s.{name}.clock_fraction"][0]


def test_the_release_ratio_from_nvidias_two_tables() -> None:
    """NVIDIA's perf overview at TensorRT-LLM 0.12.0 and 0.17.0, same chips, same trtllm-bench flow: Llama 3 / 3.1 70B
    FP8 (one shape), the 25 (GPU, tp, ISL/OSL) pairs both list, median 0.17 / 0.12 = 1.161 (H200 alone 1.161);
    Mixtral 8x7B 1.017. By hand, H200 tp 2 128/2048: 8,290.35 / 7,007.27 = 1.1831; the validate constant is the
    median, rounded to the third place."""
    pairs = R.ratios("Llama-3.1-70B")
    assert len(pairs) == 25
    assert dict(pairs)[("H200", 2, 128, 2048)] == pytest.approx(8290.35 / 7007.27, rel=1e-12)
    assert 8290.35 / 7007.27 == pytest.approx(1.1831, abs=1e-4)
    assert R.median_ratio("Llama-3.1-70B") == pytest.approx(V.ENGINE_RELEASE_RATIO, abs=5e-4)
    assert R.median_ratio("Llama-3.1-70B", "H200") == pytest.approx(1.161, abs=5e-4)
    assert R.median_ratio("Mixtral-8x7B") == pytest.approx(1.017, abs=5e-4)


def test_dense_gemm_release_rate_by_hand() -> None:
    """Llama 2 70B FP8 (68,976,648,192 parameters, all dense), tp 1, 900 rows of 222.33 + 294.45 tokens on an H200
    (1,979 TFLOP/s dense FP8, the Hopper FP8 factor e_c 0.77, m0 128 rows: the knee law, KNEE_LAW): T = 900 (1 + 222.33 / 294.45) = 1,579.56
    tokens a step, the GEMMs at the full clock

        2 A (T + m0) / (P e_c)        = 2 x 68.977e9 x 1,707.56 / (1,979e12 x 0.77)         = 154.59 ms
        with s = 1 / 1.161 (TensorRT-LLM 0.12's dense rate):  154.59 x 1.161               = 179.48 ms

    Laws: s = 1 is the model without the let, output for output; a slower release lengthens the step and TTFT; on
    Mixtral 8x7B only the dense share (attention projections) moves: its GEMM time grows by less than 1.161x (the
    tables' 1.017 for the same two releases)."""
    s = 1 / V.ENGINE_RELEASE_RATIO
    v = run(spec(workload("base", **LLAMA) + workload("rel", **LLAMA, **{"let dense_gemm_release_rate": s})
                 + workload("one", **LLAMA, **{"let dense_gemm_release_rate": 1})
                 + workload("mb", **MIXTRAL) + workload("mr", **MIXTRAL, **{"let dense_gemm_release_rate": s}),
                 IMPORTS))
    T = 900 * (1 + 222.33 / 294.45)
    hand = 2 * 68976648192 * (T + 128) / (1979e12 * 0.77)
    assert hand == pytest.approx(0.15459, rel=1e-4)
    assert _gemm_at_full_clock(v, "base") == pytest.approx(hand, rel=1e-9)
    assert _gemm_at_full_clock(v, "rel") == pytest.approx(hand * 1.161, rel=1e-9)
    assert _gemm_at_full_clock(v, "rel") == pytest.approx(0.17948, rel=1e-4)
    for key in [k for k in v if k.startswith("s.base.")]:
        other = key.replace("s.base.", "s.one.", 1)
        assert np.array_equal(np.asarray(v[key]), np.asarray(v[other])), key   # s = 1: the same numbers exactly
    assert v["s.rel.tpot"][0] > v["s.base.tpot"][0] and v["s.rel.ttft"][0] > v["s.base.ttft"][0]
    grow = _gemm_at_full_clock(v, "mr") / _gemm_at_full_clock(v, "mb")
    assert 1.0 < grow < 1.05                                  # the experts' grouped GEMMs keep e_c


def test_the_mechanism_marks_the_v41_hopper_rows_only() -> None:
    """Opt-in: not applied; with it a v4.1 Hopper row (TensorRT-LLM ~0.12) takes s = 1 / 1.161, a v5.0 one (the
    family factor's engines) and a v4.1 non-Hopper one nothing."""
    assert "engine_release_gemm" not in {k for k, v in V.MECHANISMS.items() if v}

    def row(round_, accelerator, source):
        data = {"round": round_, "benchmark": "llama2-70b-99", "scenario": "Offline", "system": "s",
                "accelerator": accelerator, "num_accelerators": "8", "metric": "throughput", "value": "1000",
                "unit": "Tokens/s", "source": source}
        r = V.Row(2, data)
        V.plan(r, V.mechanisms_with(on=("engine_release_gemm",)))
        return r.lets.get("dense_gemm_release_rate")

    assert row("inference-v4.1", "NVIDIA H200-SXM-141GB", V41) == pytest.approx(1 / 1.161)
    assert row("inference-v4.1", "NVIDIA H100-SXM-80GB", V41) == pytest.approx(1 / 1.161)
    assert row("inference-v5.0", "NVIDIA H200-SXM-141GB", V50) is None
    assert row("inference-v4.1", "NVIDIA B200-SXM-180GB", V41) is None
