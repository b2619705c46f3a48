"""A model's `layer_latency` (its architecture's kernel chain a layer and step on a GPU; dsl/schema.py `model`,
compiler/models/inference/ `_layer_latency`; docs/accuracy.md "DeepSeek-R1's layer latency in the stdlib", s19-mla).

The stdlib's DeepSeek-R1 carries 61.5 us a layer (stdlib/models.factory: TensorRT-LLM's one-request B200 step, blog1,
9.01 ms, less the model's 5.56 ms with the 5 us default, over 61 layers, plus the 5 us). So a user's spec serving
DeepSeek-R1 gets it; the workload's `layer_latency` replaces it; a negative one is refused at its span.

Hand calculation (one spec, two services on one DGX B200 at tp 8, pp 1, batch 1, fp4; the second sets the
workload's `layer_latency = 5 us`, the step the model had before):
    the model's layer_latency   l = 5 us + (1 s / 111 - 5.56 ms) / 61 = 5 + 3,449.01 / 61 = 61.54 us
    layer_latency_time         61 x 61.54 us = 3.754 ms a step (was 61 x 5 us = 0.305 ms)
    the step (tpot) changes by 61 x (61.54 - 5) us = 3.449 ms, every other term alike (batch 1: nothing else
    depends on the layer's latency)."""
from __future__ import annotations

import numpy as np
import pytest

from compiler import check_text, evaluate_text

L_R1 = 5e-6 + (1 / 111 - 5.56e-3) / 61            # s a layer: 61.54 us (stdlib/models.factory, DeepSeek_R1)

SPEC = """\
from models import DeepSeek_R1
from systems import DGX_B200

inference stdlib_step {
    model = DeepSeek_R1
    system = DGX_B200
    precision = "fp4"
    scenario = "offline"
    tp = 8
    pp = 1
    batch = 1
}

inference default_step {
    model = DeepSeek_R1
    system = DGX_B200
    precision = "fp4"
    scenario = "offline"
    tp = 8
    pp = 1
    batch = 1
    layer_latency = 5 us
}
"""


@pytest.fixture(scope="module")
def values() -> dict[str, float]:
    results, sink = evaluate_text(SPEC, "layer_latency.factory")
    assert results is not None, [d.message for d in sink.items if d.severity == "error"]
    return {path: float(np.asarray(x, dtype=float).ravel()[0]) for path, x in results.values.items()
            if isinstance(x, np.ndarray) and x.dtype.kind in "fiub"}


def test_the_stdlib_deepseek_r1_step_carries_its_layer_latency_by_hand(values) -> None:
    assert L_R1 == pytest.approx(61.54e-6, abs=0.01e-6)
    assert values["models.DeepSeek_R1.layer_latency"] == pytest.approx(L_R1, rel=1e-12)
    # 61 layers x 61.54 us = 3.754 ms a step; the workload's 5 us: 61 x 5 us = 0.305 ms
    assert values["stdlib_step.detail.layer_latency_time"] == pytest.approx(61 * L_R1, rel=1e-12)
    assert values["stdlib_step.detail.layer_latency_time"] == pytest.approx(3.754e-3, abs=0.001e-3)
    assert values["default_step.detail.layer_latency_time"] == pytest.approx(61 * 5e-6, rel=1e-12)
    # the step moves by exactly 61 x (61.54 - 5) us = 3.449 ms = 1 / 111 s - 5.56 ms, and nothing else does
    step = values["stdlib_step.tpot"] - values["default_step.tpot"]
    assert step == pytest.approx(61 * (L_R1 - 5e-6), rel=1e-9)
    assert step == pytest.approx(1 / 111 - 5.56e-3, rel=1e-9)
    for term in ("decode_gemm_time", "decode_weights_time", "decode_tp_time", "decode_moe_time",
                 "decode_overhead_time", "decode_attention_time", "decode_kv_time"):
        assert values[f"stdlib_step.detail.{term}"] == values[f"default_step.detail.{term}"], term


def _errors_of_layer_latency(value: str, name: str) -> list:
    """The errors of a model extending DeepSeek_R1 with `layer_latency = value` on line 3."""
    text = ("from models import DeepSeek_R1\n"
            "model Slow extends DeepSeek_R1 {\n"
            f"    layer_latency = {value}\n"
            "}\n")
    _, sink = check_text(text, name)
    return [d for d in sink.items if d.severity == "error"]


def test_a_negative_model_layer_latency_is_refused_at_its_span() -> None:
    errors = _errors_of_layer_latency("-1 us", "neg.factory")
    assert [d.code for d in errors] == ["out-of-range"], [(d.code, d.message) for d in errors]
    assert errors[0].span.line == 3 and "layer_latency" in errors[0].message


def test_a_model_layer_latency_of_another_dimension_is_a_unit_error() -> None:
    errors = _errors_of_layer_latency("5 GB", "unit.factory")
    assert [d.code for d in errors] == ["unit-mismatch"], [(d.code, d.message) for d in errors]
    assert errors[0].span.line == 3
