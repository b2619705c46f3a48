"""AMD's serving engines, one per-token term each (validate `--with cdna3_engine_split`; compiler/validate.py
CDNA3_ENGINE_TOKEN_TIME, cdna3_engine; docs/accuracy.md "AMD's engines, one per-token term each", s15-amd), and AMD's
MXFP4 engine's own answer length (ENGINE_OUTPUT_TOKENS, `--with engine_output_lengths`). Hand calculations and laws on
planned rows (no evaluation: fast)."""
from __future__ import annotations

import pytest

from compiler import validate as V

V41 = ("https://github.com/mlcommons/inference_results_v4.1/tree/main/closed/AMD/results/8xMI300X_2xEPYC-9374F/"
       "llama2-70b-99/Offline")
V50_AMD = "https://github.com/mlcommons/inference_results_v5.0/tree/main/closed/AMD/results/8xMI325X_2xEPYC_9575F"
V50_PARTNER = ("https://github.com/mlcommons/inference_results_v5.0/tree/main/closed/ASUSTeK/results/"
               "ESC_A8A_MI325X_256GBx8")
V50_LLMBOOST = ("https://github.com/mlcommons/inference_results_v5.0/tree/main/closed/MangoBoost/results/"
                "32xMI300X_2xEPYC_9534")
V51_LLMBOOST = ("https://github.com/mlcommons/inference_results_v5.1/tree/main/closed/Dell_MangoBoost/results/"
                "16xMI300X_4xXeon_8460Y/llama2-70b-99/Offline")


def _row(round_: str, accelerator: str, n: int, source: str, scenario: str = "Offline") -> V.Row:
    data = {"round": round_, "benchmark": "llama2-70b-99", "scenario": scenario, "system": "s",
            "accelerator": accelerator, "num_accelerators": str(n), "metric": "throughput", "value": "1000",
            "unit": "Tokens/s", "source": source}
    return V.Row(2, data)


def test_the_engine_of_a_cdna3_row_is_read_off_its_round_and_submitter() -> None:
    """v4.1: AMD's vLLM 0.4-era harness; v5.0 on: AMD's vLLM configs, run by AMD and the partners that copy them; any
    round's MangoBoost system: LLMBoost (its own stack), grouped with v4.1's harness (the fit's second group)."""
    assert V.cdna3_engine("inference-v4.1", V41) == "v4.1 harness, LLMBoost"
    assert V.cdna3_engine("inference-v5.0", V50_AMD) == "AMD vLLM"
    assert V.cdna3_engine("inference-v5.0", V50_PARTNER) == "AMD vLLM"
    assert V.cdna3_engine("inference-v5.0", V50_LLMBOOST) == "v4.1 harness, LLMBoost"
    assert V.cdna3_engine("inference-v5.1", V51_LLMBOOST) == "v4.1 harness, LLMBoost"
    # AMD's v5.1 MI325X Interactive config runs vLLM V1, one step a round: an engine no calibration row ran
    assert V.SCHEDULER_STEPS_BY_CHIP[("inference-v5.1", "Llama2_70B", "interactive", "MI325X")] == 1
    assert V.cdna3_engine("inference-v5.1", V50_AMD, 1) == "AMD vLLM V1" not in V.CDNA3_ENGINE_TOKEN_TIME
    assert V.cdna3_engine("inference-v5.1", V50_AMD, 9) == "AMD vLLM"
    assert set(V.CDNA3_ENGINE_TOKEN_TIME) == {"AMD vLLM", "v4.1 harness, LLMBoost"}


def test_the_engine_split_slope_by_hand_against_the_runs() -> None:
    """Llama 2 70B tp 1 on MI325X at AMD's 1,700 MHz: a decoded row carries 1 + I / O = 1 + 222.33 / 294.45 = 1.755
    tokens a step (interleaved prompts), each through 80 layers. Per row a layer: the family factor's GEMM (e_c 0.46)
    c' = 2 x 855,638,016 / (0.46 x 2,614.9 TFLOP/s x 1,700 / 2,100) = 1.757 us; the split's hipBLASLt GEMM (0.67)
    1.207 us plus AMD's vLLM per-token term 0.45 us = 1.657 us. A row a step: 1.757 x 80 x 1.755 = 0.2467 ms against
    1.657 x 80 x 1.755 = 0.2326 ms; the four v5.0 MI325X Server runs' cross-system slope 0.209 +- 0.012 ms a row
    (docs/accuracy.md "The Server step's slope per row", s14): the engine's own term moves the slope toward the runs'.
    The v4.1 harness's term is the larger (the fit: 0.85 against 0.45 us): its engines do more per token."""
    weights, peak, clock = 10240 * 8192 + 8192 * 8192 + 57344 * 8192 + 8192 * 28672, 2614.9e12, 1700 / 2100
    tokens = 1 + 222.33 / 294.45
    assert tokens == pytest.approx(1.755, abs=0.001)
    family = 2 * weights / (0.46 * peak * clock)
    split = 2 * weights / (V.CDNA3_SPLIT_GEMM_EFFICIENCY * peak * clock) + V.CDNA3_ENGINE_TOKEN_TIME["AMD vLLM"]
    assert family * 1e6 == pytest.approx(1.757, abs=0.002) and split * 1e6 == pytest.approx(1.657, abs=0.002)
    runs = 0.209e-3
    assert family * 80 * tokens == pytest.approx(0.2467e-3, rel=2e-3)
    assert split * 80 * tokens == pytest.approx(0.2326e-3, rel=2e-3)
    assert abs(split * 80 * tokens - runs) < abs(family * 80 * tokens - runs)
    assert V.CDNA3_ENGINE_TOKEN_TIME["AMD vLLM"] < V.CDNA3_ENGINE_TOKEN_TIME["v4.1 harness, LLMBoost"]
    for t in V.CDNA3_ENGINE_TOKEN_TIME.values():                      # each a grid point of its fit
        assert any(abs(t - g * 1e-6) < 1e-12 for g in V.TOKEN_TIME_GRID)


def test_the_engine_split_is_opt_in_and_keys_each_cdna3_row_by_its_engine() -> None:
    """Laws of `--with cdna3_engine_split`: off by default (no row's lets move); on, a CDNA3 row takes hipBLASLt's GEMM
    rate and its engine's per-token term, and is marked with its engine's fit group; an MI355X (CDNA4, no family), an
    H100 row and AMD's vLLM V1 engine (no fitted term) take nothing from it."""
    assert V.MECHANISMS["cdna3_engine_split"] == ()
    assert V.TOKEN_TIME_SPLITS["cdna3_engine_split"] == "CDNA3 FP8"
    on = V.mechanisms_with(on=("cdna3_engine_split",))
    cases = [(_row("inference-v4.1", "AMD Instinct MI300X-NPS1-SPX-192GB-750W", 8, V41), "v4.1 harness, LLMBoost"),
             (_row("inference-v5.0", "AMD Instinct MI325X 256GB HBM3e", 8, V50_AMD), "AMD vLLM"),
             (_row("inference-v5.0", "AMD Instinct MI300X 192GB HBM3", 32, V50_LLMBOOST), "v4.1 harness, LLMBoost")]
    for row, engine in cases:
        base = V.Row(row.line, dict(row.data))
        V.plan(base)
        V.plan(row, on)
        assert base.covered and row.covered
        assert "token_layer_time" not in base.lets and "token_group" not in base.extra
        assert row.lets["inference_gemm_efficiency"] == V.CDNA3_SPLIT_GEMM_EFFICIENCY
        assert row.lets["token_layer_time"].value == pytest.approx(V.CDNA3_ENGINE_TOKEN_TIME[engine])
        assert row.extra["token_group"] == f"CDNA3 FP8 / {engine}"
    for accelerator, scenario in (("AMD Instinct MI355X 288GB HBM3e", "Offline"), ("NVIDIA H100-SXM-80GB", "Offline"),
                                  ("AMD Instinct MI325X 256GB HBM3e", "Interactive")):   # the last: vLLM V1
        base = _row("inference-v5.1", accelerator, 8, V50_AMD, scenario)
        row = _row("inference-v5.1", accelerator, 8, V50_AMD, scenario)
        V.plan(base)
        V.plan(row, on)
        assert base.covered and row.lets == base.lets and "token_group" not in row.extra


def test_amds_mxfp4_engine_answers_shorter_by_hand() -> None:
    """AMD's MI355X MXFP4 Llama 2 70B (v5.1 open): 285.7 tokens a sample in its accuracy run, 93,045.8 tok/s / 333.216
    samples/s = 279.2 in its performance run; AMD's FP8 MI325X engine 300.5; the reference 294.45. Shorter answers:
    each generated token carries 222.33 / 285.7 = 0.778 prompt tokens against 0.755, 3.1% more prefill a token. Opt-in
    with the Blackwell entry (`engine_output_lengths`); the MI355X row takes it by chip (no family)."""
    assert 93045.8 / 333.216 == pytest.approx(279.2, abs=0.05)
    assert V.ENGINE_OUTPUT_TOKENS[("Llama2_70B", "MI355X")] == 285.7
    assert (222.33 / 285.7) / (222.33 / 294.45) == pytest.approx(1.031, abs=0.001)
    assert "engine_output_lengths" not in {k for k, v in V.MECHANISMS.items() if v}
    row, base = (_row("inference-v5.1", "AMD Instinct MI355X 288GB HBM3e", 8, V50_AMD) for _ in range(2))
    V.plan(base)
    V.plan(row, V.mechanisms_with(on=("engine_output_lengths",)))
    assert base.fields["output_tokens"].value == pytest.approx(294.45, abs=0.01)
    assert row.fields["output_tokens"].value == pytest.approx(285.7)
