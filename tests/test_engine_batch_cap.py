"""The serving engine's batch cap (compiler/models/inference/ `engine_batch_cap`, `let max_batch_size`) and the
engine limits of validate's NVIDIA rows (compiler/validate.py "Engine limits"), by hand."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import compiler.validate as V
from compiler.models import inference as M
from serving_inputs import llama2_70b_inputs  # tests/ is on the path
from test_validate import _row as validate_row
from compiler.validate import Row


def _inputs():
    """One H100-like chip (80 GB, FP8 weights and KV) serving Llama 2 70B (68.98e9 parameters, 80 layers, KV
    width 2,048, 8 KV heads) at I = 300, O = 294, memory_reserve 0.1."""
    return llama2_70b_inputs(gemm_eff=np.array([0.82]), bw_eff=np.array([0.75]), queueing=True)


def test_kv_room_by_hand_and_the_cap_below_it() -> None:
    """tp 4: the weights are 68.98 / 4 = 17.245 GB a chip, free 0.9 x 80 - 17.245 = 54.755 GB; a row holds
    I + O/2 = 447 tokens of 80 x 2,048 x 1 B / 4 = 40,960 B a chip: 18,309,120 B, so the KV cache holds
    floor(54.755e9 / 18,309,120) = 2,990 rows. An engine cap of 1,000 sequences keeps the batch at 1,000 where the
    grid offers 4,096; a batch below the cap is the uncapped one, term for term; no cap (inf) changes nothing."""
    hw, arch, load = _inputs()
    tp, pp, b = [4, 4], [1, 1], [4096, 512]
    free = 0.9 * 80e9 - 68.98e9 / 4
    room = np.floor(free / (447 * 80 * 2048 / 4))
    assert room == 2990
    plain = M.evaluate_configs(hw, arch, load, tp, pp, b)
    assert plain["max_batch"][0, 0] == room and plain["batch"][0, 0] == room
    capped = M.evaluate_configs(hw, arch, dataclasses.replace(load, batch_cap=np.array([1000.0])), tp, pp, b)
    assert capped["batch"][0, 0] == 1000 and capped["batch"][0, 1] == 512
    assert capped["max_batch"][0, 0] == room                 # the KV room is the memory's, whatever the cap
    for name in ("t_iter", "tpot", "ttft", "throughput"):
        assert capped[name][0, 1] == plain[name][0, 1], name
    none = M.evaluate_configs(hw, arch, dataclasses.replace(load, batch_cap=np.array([np.inf])), tp, pp, b)
    for name in ("batch", "t_iter", "tpot", "ttft", "throughput"):
        assert np.array_equal(none[name], plain[name]), name


def test_cap_is_per_engine_over_its_attention_ranks() -> None:
    """B <= floor(cap / d): 1,024 sequences an engine are 256 a rank over d = 4 attention ranks, 341 over 3."""
    assert M.engine_batch_cap(1024.0, np.array([[1.0, 3.0, 4.0]])).tolist() == [[1024.0, 341.0, 256.0]]


def test_a_fixed_batch_above_the_cap_does_not_fit() -> None:
    """A spec's `batch` the engine cannot hold (above its cap, within the KV room) is not a layout that fits."""
    hw, arch, load = _inputs()
    for batch, fits in ((800.0, 1.0), (1200.0, 0.0)):
        fixed = dataclasses.replace(load, batch_cap=np.array([1000.0]), fixed_batch=np.array([batch]))
        q = M.evaluate_configs(hw, arch, fixed, [4], [1], np.array([[batch]]))
        assert q["fits"][0, 0] == fits, batch


def test_the_option_is_unset_by_default() -> None:
    assert M.Load(input_tokens=np.ones(1), output_tokens=np.ones(1), weight_bytes=np.ones(1), kv_bytes=np.ones(1),
                  ttft_limit=np.ones(1), tpot_limit=np.ones(1), gemm_eff=np.ones(1), bw_eff=np.ones(1),
                  reserve=np.zeros(1), layer_latency=np.zeros(1), coll_latency=np.zeros(1)).batch_cap[0] == np.inf


def test_a_workload_let_caps_the_search() -> None:
    """`let max_batch_size` on a spec's inference block bounds the batch the search picks (per tp x pp replica)."""
    from compiler import evaluate_text
    spec = ("from systems import DGX_H100\nfrom models import Llama2_70B\nsite s {\n  inference svc {\n"
            "    model = Llama2_70B\n    system = DGX_H100\n    accelerators = 8\n    scenario = \"offline\"\n"
            "    tp = 2\n{extra}  }\n}\n")
    def batch(extra: str) -> float:
        results, sink = evaluate_text(spec.replace("{extra}", extra), "cap.factory", {})
        assert results is not None and not sink.errors, [d.message for d in sink.items]
        return float(results.values["s.svc.batch"][0])
    free = batch("")
    assert free > 300
    assert batch("    let max_batch_size = 300\n") == 300
    results, sink = evaluate_text(spec.replace("{extra}", "    let max_batch_size = 0\n"), "cap.factory", {})
    assert "out-of-range" in [d.code for d in sink.errors]              # an engine holds at least one sequence


# ----------------------------------------------------------------------------- validate's engine limits (data)
def _row(**kw) -> Row:
    """A planned v5.0 8x H100 SXM Llama 2 70B Server row (test_validate's row, in the Server scenario)."""
    return validate_row(**{"scenario": "Server", **kw})


def test_engine_limits_from_the_configs() -> None:
    """NVIDIA's v5.0 Llama 2 70B H100 SXM engine: gpu_batch_size 1,024 at pp 2 = 2,048 sequences, free fraction
    0.95; H200-CTS: 1,024 on the 8-GPU system, 850 on one; v4.1 H200 896 at the default fraction 0.90; an AMD row
    (vLLM) gets neither; a benchmark without a config (405B) the fraction only."""
    lim = V.engine_limits
    assert lim("inference-v5.0", "Llama2_70B", "server", "H100_SXM", 8) == \
        {"max_batch_size": 2048.0, "kv_cache_fraction": 0.95, "memory_reserve": 0.0}
    assert lim("inference-v5.0", "Llama2_70B", "server", "H200_CTS", 8)["max_batch_size"] == 1024
    assert lim("inference-v5.0", "Llama2_70B", "server", "H200_CTS", 1)["max_batch_size"] == 850
    assert lim("inference-v4.1", "Llama2_70B", "server", "H200", 8) == \
        {"max_batch_size": 896.0, "kv_cache_fraction": 0.90, "memory_reserve": 0.0}
    assert lim("inference-v5.0", "Llama2_70B", "server", "MI300X", 8) == {}
    assert lim("inference-v5.0", "Llama3_1_405B", "server", "H200", 8) == \
        {"kv_cache_fraction": 0.90, "memory_reserve": 0.0}


def test_engine_limits_are_not_applied_to_validate_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Measured, not applied (docs/accuracy.md "Engine limits as data"): a row carries none of the lets; with the
    switch on it carries the config's."""
    assert V.MECHANISMS["engine_limits"] == ()
    assert "max_batch_size" not in _row().lets and "kv_cache_fraction" not in _row().lets
    monkeypatch.setitem(V.MECHANISMS, "engine_limits", V.MECHANISM_TABLE["engine_limits"].concerns)
    row = _row()
    assert row.lets["max_batch_size"] == 2048 and row.lets["kv_cache_fraction"] == 0.95
