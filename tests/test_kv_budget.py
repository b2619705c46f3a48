"""The KV cache budget laws (compiler/models/inference/ kv_budget), by hand."""
from __future__ import annotations

import numpy as np

from compiler.models import inference as M


def test_reserve_law_when_no_fraction_is_set() -> None:
    # vLLM's gpu_memory_utilization 0.9 on an 80 GB chip holding 34.5 GB of weights: 0.9 x 80 - 34.5 = 37.5 GB
    free = M.kv_budget(80e9, 0.10, 34.5e9, 0.0, 8192.0, 1e5)
    assert np.isclose(free, 37.5e9)


def test_tensorrt_llm_free_fraction_by_hand() -> None:
    # TensorRT-LLM: free_gpu_memory_fraction 0.95 of what is free after weights and activation workspace.
    # H100 SXM as nvidia-smi reports it, 81,559 MiB = 85.52 GB; Llama 2 70B FP8 over pp 2: 34.5 GB a chip;
    # workspace 1,024 tokens x (856 M weights a layer / 8,192 hidden) x 2 B = 1,024 x 104,492 x 2 = 0.214 GB
    memory = 81559 * 2.0**20
    act = 856e6 / 8192 * 2.0
    free = M.kv_budget(memory, 0.0, 34.5e9, 0.95, 1024.0, act)
    by_hand = 0.95 * (memory - 34.5e9 - 1024 * act)
    assert np.isclose(free, by_hand)
    assert 48.1e9 < free < 48.4e9          # 0.95 x (85.52 - 34.5 - 0.21) GB = 0.95 x 50.81 GB = 48.27 GB


def test_vllm_law_is_fraction_one_with_reserve_one_minus_utilization() -> None:
    # vLLM: KV = u M - W - A; with f = 1 and reserve = 1 - u the law is the same
    u, memory, weights, tokens, act = 0.98, 205822885888.0, 69e9, 8192.0, 2e5
    assert np.isclose(M.kv_budget(memory, 1 - u, weights, 1.0, tokens, act), u * memory - weights - tokens * act)


def test_the_option_is_off_by_default() -> None:
    assert M.kv_cache_fraction.value == 0.0
