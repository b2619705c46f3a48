"""The Ada FP8 family factor split into the L40S's measured FP8 GEMM rate and knee and a per-token term
(`validate --with ada_token_split`; docs/accuracy.md "The L40S and MI325X serving steps against sourced physics",
s21-l40s): the constants by hand from the measurements, opt-in, only the Ada rows at fp8."""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from compiler import validate as V
from compiler.validate_docs import write_filled

ROOT = Path(__file__).resolve().parent.parent
CALIBRATION = ROOT / "reference" / "mlperf_calibration.csv"

# vllm-project/vllm pull 6677 (one L40S, Llama 2 7B's tp-1 FP8 shapes, the better of torch._scaled_mm and vLLM's
# CUTLASS kernel, us): (K, N) -> {M: time}
L40S_FP8_TIMES = {(4096, 12288): {128: 37.9, 256: 85.2, 512: 139.6},
                  (4096, 4096): {128: 18.4, 256: 26.5, 512: 45.5},
                  (4096, 22016): {128: 94.8, 256: 169.4},
                  (11008, 4096): {128: 43.9, 256: 70.1}}


def test_split_constants_by_hand() -> None:
    """Per shape the least-squares line t = t0 + c M over M 128-512; a layer's four GEMMs: sum c = 1.116 us a row for
    2 (K N) summed = 404.8 MFLOP a row, 363 TFLOP/s = 0.49 of the L40S's 733 TFLOP/s dense FP8; sum t0 = 57.5 us,
    the knee t0 / c = 52 rows."""
    c_sum = t0_sum = flops = 0.0
    for (k, n), times in L40S_FP8_TIMES.items():
        m, t = np.array(list(times), dtype=float), np.array(list(times.values()))
        c, t0 = np.polyfit(m, t, 1)
        c_sum, t0_sum, flops = c_sum + c, t0_sum + t0, flops + 2 * k * n
    assert c_sum == pytest.approx(1.116, abs=0.002) and t0_sum == pytest.approx(57.5, abs=0.3)
    assert flops / (c_sum * 1e-6) / 1e12 == pytest.approx(363, abs=1)
    assert V.ADA_SPLIT_GEMM_EFFICIENCY == round(flops / (c_sum * 1e-6) / 733e12, 2)
    assert V.ADA_SPLIT_HALF_ROWS == round(t0_sum / c_sum)
    grid = V.TOKEN_TIME_GRIDS["Ada FP8"]
    assert grid[0] == 0.0 and any(V.ADA_TOKEN_LAYER_TIME == pytest.approx(g * 1e-6) for g in grid)
    assert V.TOKEN_TIME_SPLITS["ada_token_split"] == "Ada FP8"


def _rows(tmp_path) -> str:
    """The L40S throughput rows (Llama 2 70B, GPT-J) and the v4.1 MI300X ones."""
    rows = [r for r in csv.DictReader(open(CALIBRATION, newline="", encoding="utf-8"))
            if r["metric"] == "throughput" and (r["accelerator"] == "NVIDIA L40S" or (
                "MI300X" in r["accelerator"] and r["round"] == "inference-v4.1"))]
    return str(write_filled(tmp_path / "ada.csv", rows, list(rows[0])))


def test_the_split_is_opt_in_and_only_on_ada_fp8_rows(tmp_path) -> None:
    """Laws of `--with ada_token_split`: not applied by default; an L40S row at fp8 takes the measured rate, knee and
    per-token term; a faster GEMM never slows a row down (the term is 0); a row of another chip takes nothing and does
    not move."""
    path = _rows(tmp_path)
    default, sink = V.run(path)
    assert not sink.items, [d.message for d in sink.items]
    split, _ = V.run(path, mechanisms=V.mechanisms_with(on=("ada_token_split",)))
    assert V.MECHANISMS["ada_token_split"] == ()
    assert {("L40S", "fp8"), ("MI300X", "fp8")} <= {(r.chip, r.fields.get("precision")) for r in default if r.fields}
    moved = 0
    for base, on in zip(default, split):
        assert "token_layer_time" not in base.lets
        if on.chip == "L40S" and on.fields and on.fields.get("precision") == "fp8":
            assert on.lets["inference_gemm_efficiency"] == V.ADA_SPLIT_GEMM_EFFICIENCY
            assert on.lets["gemm_half_rows"] == V.ADA_SPLIT_HALF_ROWS
            if V.ADA_TOKEN_LAYER_TIME == 0:
                assert on.predicted >= base.predicted
            moved += on.predicted != base.predicted
        else:
            assert on.lets == base.lets and (on.predicted == base.predicted or not on.covered)
    assert moved >= 8
