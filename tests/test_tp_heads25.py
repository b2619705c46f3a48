"""A tensor-parallel group holds whole attention heads: tp divides the model's query heads (Megatron-LM's
`num_attention_heads % tensor_model_parallel_size == 0`; vLLM and TensorRT-LLM refuse the same layouts).

Before (s25-hunt's report), `tp = 3` on Llama 3.1 70B (64 heads) ran with figures and exit 0, and the search could
pick tp 128 for a 64-head model on a wide enough domain (the shoot-out's Groq services did), splitting a head."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli import main

SPEC = """from systems import GB200_NVL72
from models import Llama3_1_70B, Llama2_70B

site s {{
  inference chat {{
    model = {model}
    rack = GB200_NVL72
    precision = "fp8"
{tp}    input_tokens = 1000 tok
    output_tokens = 200 tok
  }}
}}
"""


def _eval(tmp_path: Path, model: str, tp: str = ""):
    spec = tmp_path / "s.factory"
    spec.write_text(SPEC.format(model=model, tp=f"    tp = {tp}\n" if tp else ""))
    result = CliRunner().invoke(main, ["eval", str(spec), "--format", "json"])
    return result, json.loads(result.output)


def test_a_tp_that_splits_a_head_is_no_layout(tmp_path: Path) -> None:
    result, doc = _eval(tmp_path, "Llama3_1_70B", "3")
    assert result.exit_code == 1
    assert doc["quantities"]["s.chat.tokens_per_s"]["values"] == [None]
    messages = [d["message"] for d in doc["diagnostics"] if d["code"] == "infeasible-workload"]
    assert messages and "64 attention heads" in messages[0] and "divides the attention heads" in messages[0]
    located = [d for d in doc["diagnostics"] if d["code"] == "infeasible-workload"][0]["location"]
    assert (located["line"], located["col"]) == (9, 10)          # at the `3` of `tp = 3`


@pytest.mark.parametrize("tp", ["1", "2", "4", "8", "16", "32", "64"])
def test_every_tp_that_divides_the_heads_runs(tmp_path: Path, tp: str) -> None:
    result, doc = _eval(tmp_path, "Llama3_1_70B", tp)
    assert result.exit_code == 0, result.output
    assert doc["quantities"]["s.chat.tp"]["values"] == [float(tp)]
    assert doc["quantities"]["s.chat.tokens_per_s"]["values"][0] > 0


def test_the_search_never_splits_a_head() -> None:
    """The shoot-out's Groq services (576 LPUs, one domain) search tp freely: 64 heads, so tp <= 64 and divides it."""
    result = CliRunner().invoke(main, ["eval", "examples/inference_shootout.factory", "--format", "json"])
    doc = json.loads(result.output)
    heads = {"groq_70b": 64, "groq_7b": 32}                       # Llama 2 70B / 7B config.json num_attention_heads
    for name, h in heads.items():
        tp = doc["quantities"][f"shootout.{name}.tp"]["values"][0]
        assert h % tp == 0, (name, tp)
