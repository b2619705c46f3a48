"""`factory explain` of a workload figure shows the model's intermediate terms (prefill compute, memory and
communication times, the decode step's components, the pipeline bubble, data-parallel communication), and they
add up to the figure by the formula in the model's docstring."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler import evaluate_files
from compiler.cli import main

ROOT = Path(__file__).resolve().parents[1]
SHOOTOUT = str(ROOT / "examples" / "inference_shootout.factory")
FLAGSHIP = str(ROOT / "examples" / "flagship_campus.factory")


def explain_inputs(spec: str, path: str) -> dict[str, dict]:
    result = CliRunner().invoke(main, ["explain", spec, path, "--format", "json", "--depth", "1"])
    assert result.exit_code == 0, result.output
    return {item["path"]: item for item in json.loads(result.output)["inputs"]}


def test_explain_tpot_shows_the_decode_step_terms_and_they_add_up() -> None:
    w = "shootout.b200_70b"
    inputs = explain_inputs(SHOOTOUT, f"{w}.tpot")
    terms = ("decode_gemm_time", "decode_weights_time", "decode_attention_time", "decode_kv_time",
             "decode_context_attention_time", "decode_tp_time", "decode_pp_time", "decode_overhead_time",
             "layer_latency_time", "decode_elementwise_time")
    for term in terms:
        assert f"{w}.detail.{term}" in inputs and inputs[f"{w}.detail.{term}"]["formula"], term
    v = evaluate_files([SHOOTOUT])[0].values
    t = {term: v[f"{w}.detail.{term}"][0] for term in terms}
    # tpot = max(t_gemm, t_weights) + max(t_attention, t_kv) + t_context_attention + t_tp + t_pp + t_overhead
    #        + layers * layer_latency (the prompt chunks' attention is its own kernel: it adds)
    # (b200_70b is a server workload: its TPOT is the step at the p99 prompt load, its tokens/s the mean step)
    expected = (max(t["decode_gemm_time"], t["decode_weights_time"]) + max(t["decode_attention_time"],
                t["decode_kv_time"]) + t["decode_context_attention_time"] + t["decode_tp_time"]
                + t["decode_pp_time"] + t["decode_overhead_time"] + t["layer_latency_time"]
                + t["decode_elementwise_time"])
    assert v[f"{w}.tpot"][0] == pytest.approx(expected, rel=1e-12)
    assert t["layer_latency_time"] == pytest.approx(80 * 5e-6)          # 80 layers x 5 us


def test_explain_ttft_shows_the_prefill_terms_and_they_add_up() -> None:
    w = "shootout.b200_70b"
    inputs = explain_inputs(SHOOTOUT, f"{w}.ttft")
    for term in ("prefill_compute_time", "prefill_memory_time", "prefill_comm_time", "prefill_time",
                 "ttft_wait_time"):
        assert f"{w}.detail.{term}" in inputs, term
    v = evaluate_files([SHOOTOUT])[0].values
    d = {k.rsplit(".", 1)[1]: v[k][0] for k in v if k.startswith(f"{w}.detail.")}
    assert d["prefill_time"] == pytest.approx(max(d["prefill_compute_time"], d["prefill_memory_time"])
                                              + d["prefill_comm_time"] + d["layer_latency_time"]
                                              + d["prefill_elementwise_time"], rel=1e-12)
    assert v[f"{w}.ttft"][0] == pytest.approx(d["prefill_time"] + d["ttft_wait_time"], rel=1e-12)


def test_explain_step_time_shows_bubble_and_data_parallel_communication() -> None:
    w = "frontier_campus.frontier_run"
    inputs = explain_inputs(FLAGSHIP, f"{w}.step_time")
    terms = ("compute_time", "elementwise_time", "recompute_time", "bubble_time", "tp_comm_time", "tp_comm_exposed_time",
             "step_overhead_time", "pp_comm_time", "pp_comm_exposed_time", "cp_comm_time", "cp_comm_exposed_time",
             "dp_comm_time", "dp_comm_exposed_time", "ep_comm_time", "ep_comm_exposed_time")
    for term in terms:
        assert f"{w}.detail.{term}" in inputs, term
    v = evaluate_files([FLAGSHIP])[0].values
    t = {term: v[f"{w}.detail.{term}"][0] for term in terms}
    # t_step = t_c + t_mem + bubble + exposed t_tp + t_fix + exposed t_pp + exposed t_cp + exposed t_dp
    # + exposed t_ep (recomputation is part of t_c)
    assert v[f"{w}.step_time"][0] == pytest.approx(
        t["compute_time"] + t["elementwise_time"] + t["bubble_time"] + t["tp_comm_exposed_time"] + t["step_overhead_time"]
        + t["pp_comm_exposed_time"]
        + t["cp_comm_exposed_time"] + t["dp_comm_exposed_time"] + t["ep_comm_exposed_time"], rel=1e-12)
    assert t["recompute_time"] <= t["compute_time"]
    assert t["dp_comm_time"] > 0                                     # 77,760 GPUs: data parallel over the fabric
    inputs = explain_inputs(FLAGSHIP, f"{w}.time_to_train")
    assert f"{w}.detail.time_without_failures" in inputs
