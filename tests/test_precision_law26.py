"""The precision law of the serving model (session 26, s26-sramfp4): a chip that rates a narrower format faster runs
a model at least as fast in it, fp4 >= fp8 in tokens/s, over the stdlib's chips that rate both (DGX B200, MI355X,
GB200 and GB300 NVL72, Maia 200) and its models.

Stated twice, as the brief asked:
- at a fixed layout and batch (tp, pp 1, batch B, offline): the FP4 step moves half the weight bytes, holds more KV
  room and computes at twice (or more) the rate; its extra costs (the rate-scaled FP4 GEMM knee, the activations'
  quantize kernels, the block scales' bytes) are charged, and still it is never slower;
- at the capacity point (the searched layout and batch, equal limits): every (layout, batch) fp8 can run, fp4 can
  run too (more KV room) and at least as fast with no longer latencies, so its best is no worse.

Two exceptions, each stated where it lives:
- the FP4 GEMM knee's time counted whole as compute power (`gemm_knee_power` 1, the shipped default) throttles a
  few-row FP4 step on Blackwell: Llama 3.1 70B on a GB300 at batch 1 runs at clock 0.59 and 0.74x the fp8 step's
  tokens/s (B200 / GB200 0.85-0.98x at batch 1-8). The law holds with `let knee_under_weights = 1` (the knee's time
  that the weight read covers draws nothing: inference.options; `validate --with knee_under_weights`), measured
  and left opt-in (on 2026-12-07's defaults TTFT p50 8.49 -> 8.79%, held-out Server 13.46 -> 14.53%: s26-knee);
  the default's break is an xfail(strict) below, so that applying it shows.
- gpt-oss-120b's FP4 checkpoint is not an FP4 computation: its attention, router and unembedding stay bf16 and its
  MXFP4 experts take MXFP8 activations on Blackwell and MI355X (W4A8; `let fp4_bf16_params`,
  `fp4_expert_activation_bits`, the model's sources in stdlib/models.factory), so its GEMMs run at 1 / (0.30 /
  P_bf16 + 0.70 / P_fp8), 0.77 of the fp8 rate on a GB200, where `precision = "fp8"` computes every GEMM at the FP8
  rate. A compute-bound step is then slower in fp4 (0.89-0.94x at 1,024 rows), physically; a memory-bound one
  faster (1.2-1.6x at 8-64 rows). Excluded from the law; `test_gpt_oss_fp4_is_its_checkpoints_rate` checks the
  cause.
"""
from __future__ import annotations

import numpy as np
import pytest

from compiler import evaluate_text

HOLDERS = [("system", "DGX_B200", 8), ("system", "MI355X_8GPU", 8), ("rack", "GB200_NVL72", 72),
           ("rack", "GB300_NVL72", 72), ("rack", "Maia200_rack", 32)]
# tp: the fp8 weights fit a chip's memory at tp 1 but for the two largest (tp 8)
MODELS = {"Llama3_1_8B": 1, "Llama3_1_70B": 1, "Llama3_1_405B": 8, "Mixtral_8x7B": 1, "DeepSeek_R1": 8,
          "Llama2_70B": 1, "GPT_J_6B": 1}
BATCHES = [1, 8, 64, 256, 1024]
UNDER = "    let knee_under_weights = 1\n"


def _ratios(holder: tuple, scenario: str, fixed: bool, extra: str = "", models=MODELS) -> dict[str, np.ndarray]:
    """tokens_per_s fp4 / fp8 per model (per batch of BATCHES where `fixed`), NaN where a layout does not fit."""
    kind, name, n = holder
    body = (f"    tp = {{tp}}\n    pp = 1\n    batch = b\n" if fixed else "    ttft_limit = 2 s\n    tpot_limit = 0.2 s\n")
    blocks = "".join(
        f"  inference {m.lower()}_{p} {{\n    model = {m}\n    {kind} = {name}\n    precision = \"{p}\"\n"
        f"    scenario = \"{scenario}\"\n    accelerators = {n}\n{body.format(tp=tp)}{extra}"
        f"    input_tokens = 1000 tok\n    output_tokens = 200 tok\n  }}\n"
        for m, tp in models.items() for p in ("fp8", "fp4"))
    param = f"param b = {BATCHES}\n" if fixed else ""
    results, sink = evaluate_text(f"from systems import {name}\nfrom models import {', '.join(models)}\n{param}"
                                  f"site s {{\n{blocks}}}\n", "precision_law26.factory")
    assert results is not None, [d.message for d in sink.items]
    out = {}
    for m in models:
        fp8, fp4 = (np.asarray(results.values.get(f"s.{m.lower()}_{p}.tokens_per_s", np.nan), dtype=float).reshape(-1)
                    for p in ("fp8", "fp4"))
        out[m] = fp4 / fp8
    return out


@pytest.mark.parametrize("holder", HOLDERS, ids=[h[1] for h in HOLDERS])
def test_fp4_is_never_slower_than_fp8_at_a_fixed_batch(holder: tuple) -> None:
    """At tp fixed, pp 1 and batch 1 .. 1,024 (offline, 1,000-token prompts, 200-token answers), fp4 >= fp8 on every
    model whose FP4 checkpoint computes at the FP4 rate (DeepSeek-R1's bf16 share, 14%, still leaves it above the
    fp8 rate), with the knee's time under the weight read drawing nothing (module docstring)."""
    for model, ratio in _ratios(holder, "offline", True, UNDER).items():
        ran = np.isfinite(ratio)
        assert np.all(ratio[ran] >= 1 - 1e-9), (holder[1], model, dict(zip(BATCHES, ratio)))


@pytest.mark.parametrize("holder,scenario", [
    *[pytest.param(h, "single_stream", id=f"{h[1]}-single_stream") for h in HOLDERS],
    *[pytest.param(h, sc, id=f"{h[1]}-{sc}", marks=pytest.mark.slow)            # 11-16 s each: the capacity solve
      for h in HOLDERS for sc in ("server", "offline")]])
def test_fp4_is_never_slower_than_fp8_at_the_capacity_point(holder: tuple, scenario: str) -> None:
    """The searched layout and batch, TTFT 2 s and TPOT 0.2 s limits: single_stream (the stream's own search),
    server (the capacity solve with its queues) and offline, fp4 >= fp8 (measured 2026-12-07: all hold)."""
    for model, ratio in _ratios(holder, scenario, False, UNDER).items():
        assert not np.all(np.isfinite(ratio)) or ratio[0] >= 1 - 1e-9, (holder[1], scenario, model, ratio)


@pytest.mark.xfail(strict=True, reason="the shipped knee draw (gemm_knee_power 1 counts the whole FP4 knee as "
                                       "compute) throttles a few-row FP4 step: Llama 3.1 70B on GB300 at batch 1 "
                                       "0.74x fp8; `knee_under_weights` is opt-in (module docstring)")
def test_fp4_is_never_slower_than_fp8_at_few_rows_on_the_defaults() -> None:
    ratio = _ratios(("rack", "GB300_NVL72", 72), "offline", True, models={"Llama3_1_70B": 1})["Llama3_1_70B"]
    assert np.all(ratio[np.isfinite(ratio)] >= 1 - 1e-9), ratio


def test_gpt_oss_fp4_is_its_checkpoints_rate() -> None:
    """gpt-oss-120b at 1,024 rows on a GB200 (compute-bound): fp4 below fp8 because its checkpoint's GEMMs run at
    the bf16 and fp8 rates, not for any FP4 cost: with the experts' activations at 4 bits (`let
    fp4_expert_activation_bits = 4`, W4A4; the attention still bf16) the same step is faster than fp8, and at 8
    rows (memory-bound: half the weight bytes) the checkpoint as shipped is faster too."""
    holder, models = ("rack", "GB200_NVL72", 72), {"GPT_OSS_120B": 1}
    shipped = _ratios(holder, "offline", True, UNDER, models)["GPT_OSS_120B"]
    w4a4 = _ratios(holder, "offline", True, UNDER + "    let fp4_expert_activation_bits = 4\n", models)["GPT_OSS_120B"]
    assert shipped[-1] < 0.95 and shipped[1] > 1.2, shipped          # 1,024 rows 0.93x; 8 rows 1.58x
    assert np.all(w4a4 >= 1 - 1e-9), w4a4


def test_a_checkpoint_slower_than_the_wider_rate_says_so() -> None:
    """gpt-oss-120b at fp4 on a GB200 gets a `slower-precision` warning at its precision naming its checkpoint's
    GEMM rate, 1 / (0.30 / 2.5 + 0.70 / 5) = 3.84 PFLOP/s, and the chip's fp8 rate (5 PFLOP/s); Llama 3.1 70B
    (every GEMM FP4) and DeepSeek-R1 (14% bf16: 1 / (0.143 / 2.5 + 0.857 / 10) = 6.99 PFLOP/s, above fp8) get
    none; the figures are not flagged (exit 0)."""
    blocks = "".join(f"  inference {m.lower()} {{\n    model = {m}\n    rack = GB200_NVL72\n    precision = \"fp4\"\n"
                     f"    scenario = \"offline\"\n    accelerators = 72\n  }}\n"
                     for m in ("GPT_OSS_120B", "Llama3_1_70B", "DeepSeek_R1"))
    results, sink = evaluate_text("from systems import GB200_NVL72\nfrom models import GPT_OSS_120B, Llama3_1_70B, "
                                  f"DeepSeek_R1\nsite s {{\n{blocks}}}\n", "precision_law26.factory")
    assert results is not None
    found = [d for d in sink.items if d.code == "slower-precision"]
    assert len(found) == 1 and found[0].severity == "warning", [d.message for d in found]
    assert "`s.gpt_oss_120b`" in found[0].message and "3.841 PFLOP/s" in found[0].message
    assert "`fp8` rate 5 PFLOP/s" in found[0].message and not found[0].quantities


def _tokens(holder: tuple, models: dict, extra: str) -> dict[str, np.ndarray]:
    """tokens_per_s at fp4 per model and batch of BATCHES (offline, tp fixed, pp 1), with `extra` lets."""
    kind, name, n = holder
    blocks = "".join(
        f"  inference {m.lower()} {{\n    model = {m}\n    {kind} = {name}\n    precision = \"fp4\"\n"
        f"    scenario = \"offline\"\n    accelerators = {n}\n    tp = {tp}\n    pp = 1\n    batch = b\n{extra}"
        f"    input_tokens = 1000 tok\n    output_tokens = 200 tok\n  }}\n" for m, tp in models.items())
    results, sink = evaluate_text(f"from systems import {name}\nfrom models import {', '.join(models)}\n"
                                  f"param b = {BATCHES}\nsite s {{\n{blocks}}}\n", "precision_law26.factory")
    assert results is not None, [d.message for d in sink.items]
    return {m: np.asarray(results.values[f"s.{m.lower()}.tokens_per_s"], dtype=float).reshape(-1) for m in models}


@pytest.mark.parametrize("holder", [h for h in HOLDERS if h[1] in ("DGX_B200", "GB300_NVL72")], ids=lambda h: h[1])
def test_the_knee_under_the_weights_drawing_nothing_never_slows_a_step(holder: tuple) -> None:
    """`knee_under_weights` 1 only takes compute activity out of the clock law (the knee's time the weight read
    covers), so a step's clock can only rise: tokens/s never falls at any batch that fits, and at the largest
    batch that fits (its FLOPs at e_c above its weight read) Llama 3.1 70B's does not move, bit for bit."""
    models = {"Llama3_1_70B": 1, "Mixtral_8x7B": 1}
    shipped, under = _tokens(holder, models, ""), _tokens(holder, models, UNDER)
    for m in models:
        ran = np.isfinite(shipped[m])
        assert np.array_equal(ran, np.isfinite(under[m])), (holder[1], m)
        assert np.all(under[m][ran] >= shipped[m][ran] * (1 - 1e-12)), (holder[1], m, under[m] / shipped[m])
    last = np.flatnonzero(np.isfinite(shipped["Llama3_1_70B"]))[-1]
    assert under["Llama3_1_70B"][last] == shipped["Llama3_1_70B"][last]
    assert under["Llama3_1_70B"][0] > 1.05 * shipped["Llama3_1_70B"][0]     # batch 1: the throttle lifted


def test_validate_applies_the_knee_under_the_weights_only_when_asked() -> None:
    """`validate --with knee_under_weights` (MECHANISM_TABLE, opt-in: measured 2026-12-07, s26-knee) gives every
    scenario's row the let; the defaults give none."""
    from compiler import validate as V
    assert V.MECHANISMS["knee_under_weights"] == ()
    assert V.MECHANISM_TABLE["knee_under_weights"].concerns == ("offline", "server", "interactive")
    for scenario in ("Offline", "Server", "Interactive"):
        data = {"round": "inference-v5.0", "benchmark": "llama2-70b-99", "scenario": scenario, "system": "sys",
                "accelerator": "NVIDIA B200-SXM-180GB", "num_accelerators": "8", "metric": "throughput",
                "value": "1", "unit": "Tokens/s", "source": "x; nodes=1"}
        default, asked = V.Row(2, dict(data)), V.Row(2, dict(data))
        V.plan(default)
        V.plan(asked, V.mechanisms_with(on=["knee_under_weights"], off=[]))
        assert default.covered and "knee_under_weights" not in default.lets, scenario
        assert asked.lets["knee_under_weights"] == 1.0, scenario
