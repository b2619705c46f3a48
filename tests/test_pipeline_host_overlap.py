"""Pipeline host overlap (compiler/models/inference/ module docstring, "Pipeline host overlap"): over pp > 1
stages TensorRT-LLM schedules one micro-batch while the others' kernels run (trtGptModelInflightBatching.cpp
forwardAsync / forwardSync), so a pipeline cycle carries only a micro-batch's own host work
h = step_overhead + (B / pp) seq_overhead, and is at least pp h (the one host thread's rounds)."""
from __future__ import annotations

import pytest

from compiler.models import inference as M
from tests.test_inference import run, spec, workload

T0, TS = M.step_overhead.value, M.seq_overhead.value      # 2 ms, 35 us a row


def _fields(tp: int, pp: int) -> dict:
    return dict(model="Llama2_70B", system="DGX_H100", accelerators=8, precision='"fp8"', scenario='"offline"',
                tp=tp, pp=pp, batch=256, input_tokens="512 tok", output_tokens="256 tok")


def test_pipeline_host_overlap_by_hand_llama2_70b_h100() -> None:
    """Llama 2 70B FP8 on an H100 SXM, 256 rows a replica:
        pp 1 (tp 2):        t_over = 2 ms + 256 x 35 us       = 10.96 ms   (the host work and the pass alternate)
        pp 2 (tp 1):        t_over = 2 ms + 256 / 2 x 35 us   = 6.48 ms    (a micro-batch's own 128 rows)
        pp 2, overlap 0:    t_over = 10.96 ms                             (the default: no overlap)
    and the pp 2 step is at least the host's 2 x 6.48 = 12.96 ms a cycle; overlap only shortens the step."""
    v = run(spec(workload("tp2", **_fields(2, 1)) + workload("pp2", **_fields(1, 2), **{"let pipeline_host_overlap": 1})
                 + workload("pp2_serial", **_fields(1, 2))))
    over = {n: v[f"s.{n}.detail.decode_overhead_time"][0] for n in ("tp2", "pp2", "pp2_serial")}
    assert over["tp2"] == pytest.approx(2e-3 + 256 * 35e-6) == pytest.approx(10.96e-3)
    assert over["pp2"] == pytest.approx(2e-3 + 128 * 35e-6) == pytest.approx(6.48e-3)
    assert over["pp2_serial"] == pytest.approx(over["tp2"])
    assert T0 == pytest.approx(2e-3) and TS == pytest.approx(35e-6)
    assert v["s.pp2.tpot"][0] < v["s.pp2_serial.tpot"][0]          # the hidden host work shortens the cycle
    assert v["s.pp2.tpot"][0] >= 2 * over["pp2"]                   # never below the host's pp rounds


def test_pipeline_host_overlap_leaves_pp1_unchanged() -> None:
    """pp = 1: one micro-batch, nothing to overlap; the let changes nothing (byte-identical step)."""
    v = run(spec(workload("off", **_fields(2, 1)) + workload("on", **_fields(2, 1),
                                                              **{"let pipeline_host_overlap": 1})))
    assert v["s.on.tpot"][0] == v["s.off.tpot"][0]
    assert v["s.on.tokens_per_s"][0] == v["s.off.tokens_per_s"][0]


TH = M.seq_overhead_host.value                             # 14.6 us a row: the host's share (an upper bound)


def test_pipeline_overhead_split_by_hand_llama2_70b_h100() -> None:
    """Pipeline overhead split (module docstring): the C++ runtime's last rank syncs on each micro-batch, so its host
    work is serial; the per-layer device rest runs over the stages. Llama 2 70B FP8 on an H100 SXM, 256 rows, pp 2:
        h          = 2 ms + 128 x 14.6 us                       = 3.8688 ms   (a micro-batch's host work)
        device     = 256 x (35 - 14.6) us / 2                   = 2.6112 ms   (per-layer work, over 2 stages)
        split      t_over = 2 h + device = 7.7376 + 2.6112      = 10.3488 ms  (the host serial, none hidden)
        split + overlap: t_over = h + device                    = 6.48 ms     (only the host share hidden), and the
                   cycle at least the host's 2 h = 7.7376 ms
    against 2 ms + 256 x 35 us = 10.96 ms by default."""
    v = run(spec(workload("split", **_fields(1, 2), **{"let pipeline_overhead_split": 1})
                 + workload("both", **_fields(1, 2), **{"let pipeline_overhead_split": 1, "let pipeline_host_overlap": 1})
                 + workload("serial", **_fields(1, 2))))
    over = {n: v[f"s.{n}.detail.decode_overhead_time"][0] for n in ("split", "both", "serial")}
    assert TH == pytest.approx(14.6e-6)
    h = 2e-3 + 128 * 14.6e-6
    assert h == pytest.approx(3.8688e-3)
    device = 256 * (35e-6 - 14.6e-6) / 2
    assert device == pytest.approx(2.6112e-3)
    assert over["split"] == pytest.approx(2 * h + device) == pytest.approx(10.3488e-3)
    assert over["both"] == pytest.approx(h + device) == pytest.approx(6.48e-3)
    assert over["serial"] == pytest.approx(10.96e-3)
    assert v["s.both.tpot"][0] >= 2 * h                           # the host's two rounds a cycle
    assert v["s.both.tpot"][0] < v["s.split.tpot"][0] < v["s.serial.tpot"][0]


def test_pipeline_overhead_split_leaves_pp1_unchanged() -> None:
    """pp = 1: one micro-batch, one stage; the split changes nothing (byte-identical step)."""
    v = run(spec(workload("off", **_fields(2, 1)) + workload("on", **_fields(2, 1),
                                                              **{"let pipeline_overhead_split": 1})))
    assert v["s.on.tpot"][0] == v["s.off.tpot"][0]
    assert v["s.on.tokens_per_s"][0] == v["s.off.tokens_per_s"][0]
