"""Inputs of the inference model's vectorized search for tests that call it directly (tests/test_inference.py,
test_engine_batch_cap.py, test_speculative.py): one Llama 2 70B on H100-like chips, built once here."""
from __future__ import annotations

import numpy as np

from compiler.models import inference as M


def llama2_70b_inputs(scaleup: float = 8.0, chips: float = 8.0, **load):
    """(Hardware, Architecture, Load): a Llama-2-70B-shaped dense model (68.98e9 parameters, 80 layers, hidden and
    attention width 8,192, KV width 2,048 over 8 KV heads) at 1 byte a weight and KV value, on chips of 80 GB,
    1,979 TFLOP/s, 3.35 TB/s and 450 GB/s links (no power law: the full clock), `chips` of them in domains of
    `scaleup`; prompts of 300 and answers of 294 tokens under the 2 s / 200 ms limits, the model's default GEMM and
    bandwidth efficiencies, reserve 0.1, 5 us a layer, 8 us a collective. `load` overrides or adds Load fields."""
    hw = M.Hardware(peak=np.array([1979e12]), peak_attn=np.array([1979e12]), memory=np.array([80e9]),
                    bandwidth=np.array([3.35e12]), link=np.array([450e9]), scaleout=np.array([50e9]),
                    scaleup=np.array([scaleup]), chips=np.array([chips]))
    arch = M.Architecture(params=np.array([68.98e9]), active=np.array([68.98e9]), layers=np.array([80.0]),
                          hidden=np.array([8192.0]), attn_width=np.array([8192.0]), kv_width=np.array([2048.0]),
                          kv_split=np.array([8.0]), experts=np.zeros(1), experts_active=np.zeros(1),
                          expert_params=np.zeros(1))
    base = dict(input_tokens=np.array([300.0]), output_tokens=np.array([294.0]), weight_bytes=np.array([1.0]),
                kv_bytes=np.array([1.0]), ttft_limit=np.array([2.0]), tpot_limit=np.array([0.2]),
                gemm_eff=np.array([M.gemm_efficiency.value]), bw_eff=np.array([M.bandwidth_efficiency.value]),
                reserve=np.array([0.1]), layer_latency=np.array([5e-6]), coll_latency=np.array([8e-6]))
    base.update(load)
    return hw, arch, M.Load(**base)
