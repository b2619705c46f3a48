"""CUDA graphs and the host's per-step launch cost in training (compiler/models/training.py `fixed`,
`ungraphed_host_time`, `cuda_graphs`; compiler/validate.py TRAINING_CUDA_GRAPHS; docs/accuracy.md "Training v9")."""
from __future__ import annotations

import numpy as np

from compiler.models import training as T

JOB = """from systems import DGX_H100
from models import Llama3_1_70B
param g = 0
param batch = 512
site s {
  training run {
    model = Llama3_1_70B
    system = DGX_H100
    accelerators = 64
    seq_len = 1024 tok
    global_batch = batch * 1024 tok
    precision = "bf16"
    recompute = "none"
    tp = 8
    pp = 4
    cp = 1
    microbatch = 1
    virtual_stages = 1
    tokens = 1 Ttok
    failure_rate = 0 / 1 s
    let cuda_graphs = g
  }
}
"""


def _values(knobs: dict) -> dict[str, np.ndarray]:
    from compiler import evaluate_text

    results, sink = evaluate_text(JOB, "graphs.factory", knobs)
    assert results is not None and not sink.errors, [d.message for d in sink.errors]
    return {k: np.asarray(v, dtype=float).reshape(-1) for k, v in results.values.items() if isinstance(v, np.ndarray)}


def test_the_ungraphed_host_time_is_the_log_pairs_difference_by_hand() -> None:
    """NVIDIA's MLPerf Training Llama 2 70B LoRA step logs at one layout (tp 4 cp 2, one micro-batch of 80 layers a
    GPU), v4.0 without CUDA graphs, v4.1 with per-layer graphs (LAYER_CUDA_GRAPH=1): 64 H100 0.637 -> 0.541 s,
    1,024 H100 0.651 -> 0.549 s: (0.096 + 0.102) / 2 = 0.099 s, taken as 0.10 s; the residual c_0 0.15 s is the
    grid's (docs/accuracy.md "Training v9"), and the two together are the 0.25 s fitted before the split (so an
    un-graphed run, the default, keeps its step)."""
    assert abs(((0.637 - 0.541) + (0.651 - 0.549)) / 2 - T.ungraphed_host_time.value) < 0.002
    assert T.cuda_graphs.value == 0
    assert abs(T.step_overhead.value + T.ungraphed_host_time.value - 0.25) < 1e-12


def test_a_graphed_step_saves_the_host_time_once_a_step_at_any_scope_and_any_micro_batch_count() -> None:
    """Law: capturing CUDA graphs (per layer, 1, or the full iteration, 2) removes `ungraphed_host_time` from the
    step's fixed cost and nothing else; the saving is a time a step (0.10 s), the same at 256 and 512
    micro-batches a replica, and the time to train falls by exactly steps x 0.10 s."""
    for batch in (256, 512):
        v = _values({"g": "[0, 1, 2]", "batch": f"[{batch}]"})
        fixed, step = v["s.run.detail.step_overhead_time"], v["s.run.step_time"]
        np.testing.assert_allclose(fixed[0] - fixed[1:], T.ungraphed_host_time.value, rtol=1e-9)
        np.testing.assert_allclose(step[0] - step[1:], T.ungraphed_host_time.value, rtol=1e-9)
        np.testing.assert_allclose(v["s.run.detail.compute_time"], v["s.run.detail.compute_time"][0], rtol=1e-12)
        steps = 1e12 / (batch * 1024)
        t = v["s.run.time_to_train"]
        np.testing.assert_allclose(t[0] - t[1:], steps * T.ungraphed_host_time.value, rtol=1e-6)


def test_validate_gives_the_graph_scope_of_each_run_from_its_configuration(tmp_path) -> None:
    """NVIDIA's v4.1 LoRA on 64 H100 (eos_n8_ngc24.09_nemo: config_DGXH100_8x8x1xtp4pp1cp2.sh LAYER_CUDA_GRAPH=1)
    runs with per-layer graphs, its v4.0 run at the same layout (eos_n8_ngc24.04_nemo) and its v4.1 one-node run
    (eos_ngc24.09_nemo, config_DGXH100_1x8x4xtp4pp1cp1.sh) with none; v5.1's 8-GPU Llama 3.1 8B per layer
    (FULL_CUDA_GRAPH=0 after config_common_cg.sh), its 405B runs the full iteration; v6.0's gpt-oss-20b runs the full
    iteration (config_GB300_128x4x1xtp2pp1cp4ep8.sh sources config_common_cg.sh, CUDA_GRAPH_SCOPE=full_iteration)."""
    from dsl.diagnostics import Sink

    from compiler import validate as V

    base = "https://github.com/mlcommons/training_results_v{}/tree/main/NVIDIA/results/{}/{}"
    runs = (("4.1", "eos_n8_ngc24.09_nemo", "llama2_70b_lora", "NVIDIA H100-SXM5-80GB", 64, 1),
            ("4.0", "eos_n8_ngc24.04_nemo", "llama2_70b_lora", "NVIDIA H100-SXM5-80GB", 64, None),
            ("4.1", "eos_ngc24.09_nemo", "llama2_70b_lora", "NVIDIA H100-SXM5-80GB", 8, None),
            ("5.1", "tyche_ngpu8_ngc25.09_nemo", "llama31_8b", "NVIDIA GB200", 8, 1),
            ("5.1", "theia_ngpu512_ngc25.09_nemo", "llama31_405b", "NVIDIA GB300", 512, 2),
            ("6.0", "theia_ngpu512_ngc26.04_nemo", "gpt_oss_20b", "NVIDIA GB300", 512, 2),
            ("6.0", "theia_ngpu72_ngc26.04_nemo", "gpt_oss_20b", "NVIDIA GB300", 72, 2),
            ("6.0", "theia_ngpu8_ngc26.04_nemo", "gpt_oss_20b", "NVIDIA GB300", 8, 2))
    path = tmp_path / "runs.csv"
    path.write_text("round,benchmark,scenario,system,accelerator,num_accelerators,metric,value,unit,source\n" + "".join(
        f"training-v{r},{b},training closed,s,{chip},{n},time_to_train,10,minutes,{base.format(r, d, b)}\n"
        for r, d, b, chip, n, _ in runs))
    rows = V.read_csv(str(path), Sink())
    for row, (*_, expected) in zip(rows, runs):
        V.plan(row)
        assert row.covered, row.reason
        got = row.lets.get("cuda_graphs")
        assert (None if got is None else float(got.value)) == expected, (row.data["source"], got)
