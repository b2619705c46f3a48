"""Inputs of the inference model's vectorized search for tests that call it directly (tests/test_inference.py,
test_engine_batch_cap.py, test_speculative.py, test_moe_ep_step.py): one Llama 2 70B on H100-like chips and one
DeepSeek-V3-shaped MoE on B200-like chips, built once here."""
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


def deepseek_v3_inputs(chips: float = 8.0, output_tokens: float = 3200.0, weight_bytes: float = 1.0,
                       popularity_cv: float = 0.0, **load):
    """(Hardware, Architecture, Load): a DeepSeek-V3-shaped model (671B, 37B active, 61 layers, hidden 7,168, 256
    experts, 8 active, MLA cache 576 values; `popularity_cv` the experts' popularity spread, 0 uniform) at
    `weight_bytes` a weight and 1 byte a KV value on `chips` chips of 180 GB, 8 TB/s, 4.5 PFLOP/s and 900 GB/s a
    direction in one domain; 800 input tokens and `output_tokens`, no latency limits, GEMM efficiency 0.7,
    bandwidth 0.75, reserve 0.1, 5 us a layer, 8 us a collective. `load` overrides or adds Load fields."""
    hw = M.Hardware(peak=np.array([4500e12]), peak_attn=np.array([4500e12]), memory=np.array([180e9]),
                    bandwidth=np.array([8e12]), link=np.array([900e9]), scaleout=np.array([50e9]),
                    scaleup=np.array([chips]), chips=np.array([chips]))
    N, A, E, k = 671e9, 37e9, 256.0, 8.0
    arch = M.Architecture(params=np.array([N]), active=np.array([A]), layers=np.array([61.0]),
                          hidden=np.array([7168.0]), attn_width=np.array([16384.0]), kv_width=np.array([576.0]),
                          kv_split=np.array([1.0]), experts=np.array([E]), experts_active=np.array([k]),
                          expert_params=np.array([(N - A) * E / (E - k)]), expert_cv=np.array([popularity_cv]))
    base = dict(input_tokens=np.array([800.0]), output_tokens=np.array([output_tokens]),
                weight_bytes=np.array([weight_bytes]), kv_bytes=np.array([1.0]), ttft_limit=np.array([np.inf]),
                tpot_limit=np.array([np.inf]), gemm_eff=np.array([0.7]), bw_eff=np.array([0.75]),
                reserve=np.array([0.1]), layer_latency=np.array([5e-6]), coll_latency=np.array([8e-6]))
    base.update(load)
    return hw, arch, M.Load(**base)
