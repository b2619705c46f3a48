"""The dense GEMM rate of TensorRT-LLM 0.17 against 0.12 on Hopper, from NVIDIA's own perf overview tables.

    PYTHONPATH=. python3 bench/trtllm_release_ratio.py          (instant; prints every ratio and the medians)

NVIDIA's perf overview measured the same chips with the same tool at both releases: `trtllm-bench --model M build
--tp_size T --quantization FP8 --dataset D`, then `trtllm-bench throughput` (fixed lengths, standard deviation 0,
every request queued at once, in-flight batching), total output tokens/s:

- 0.12.0 (2024-08): NVIDIA/TensorRT-LLM docs/source/performance/perf-overview.md at tag v0.12.0, "All data in the
  table below was generated using version 0.12.0" [P] (read through the stored public index, 2026-12-06): the FP8
  columns of H200 141GB HBM3 and H100 80GB HBM3, "LLaMA v3 70B" and "Mixtral 8x7B" (typed in below, V012);
- 0.17.0 (2025-02): reference/trtllm_perf_overview.csv (NVIDIA/TensorRT-LLM@258c7540 perf-overview.md [P]),
  "Llama 3.1 70B" and "Mixtral 8x7B", the same GPUs, FP8, pp 1.

Llama 3 70B and Llama 3.1 70B are one shape (80 layers, 8,192 wide, 64 / 8 heads, 28,672 FFN, 128,256 vocabulary;
3.1 changes the rotary scaling only), so the ratio is the software's. The pairs are every (GPU, tp, ISL/OSL) both
releases list: tp 2, 4, 8 on H200, tp 4, 8 on H100, ISL/OSL 128/128, 128/2048, 128/4096, 2048/128, 2048/2048.
NVIDIA's MLPerf v4.1 Hopper engines are TensorRT-LLM ~0.12, its v5.0 ones ~0.17 (TensorRT 10.8; docs/accuracy.md
"Hopper Llama 2 70B, v4.1 against v5.0"), so the dense model's median is the dense GEMMs' rate of the v5.0-era
engines against the v4.1-era (compiler/validate.py ENGINE_RELEASE_GEMM); Mixtral's, whose GEMMs are mostly its
experts' grouped GEMMs, says the gain is not in those. A measurement harness: nothing here is fitted to MLPerf rows.
docs/accuracy.md "The dense GEMM rate by engine release" has what it prints.
"""
from __future__ import annotations

import csv
import statistics as st
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CSV = ROOT / "reference" / "trtllm_perf_overview.csv"
LENGTHS = ((128, 128), (128, 2048), (128, 4096), (2048, 128), (2048, 2048))
# TensorRT-LLM 0.12.0 perf overview, FP8 columns, total output tokens/s in LENGTHS' order [P]
V012 = {
    ("H200", "Llama-3.1-70B", 2): (5386.88, 7007.27, 6183.85, 696.59, 3525.18),
    ("H200", "Llama-3.1-70B", 4): (8944.26, 12906.75, 8859.54, 1044.35, 6550.76),
    ("H200", "Llama-3.1-70B", 8): (16125.20, 19417.37, 13969.95, 2018.47, 9706.95),
    ("H100", "Llama-3.1-70B", 4): (8642.05, 8978.95, 6073.48, 1022.06, 4870.26),
    ("H100", "Llama-3.1-70B", 8): (15397.47, 14822.93, 10094.57, 1933.15, 7670.04),
    ("H200", "Mixtral-8x7B", 2): (24895.03, 29389.21, 21480.27, 2934.44, 14029.17),
    ("H200", "Mixtral-8x7B", 4): (42014.24, 52348.10, 39182.04, 5152.40, 25436.05),
    ("H100", "Mixtral-8x7B", 2): (24394.71, 20873.02, 12838.28, 2898.27, 10479.45),
    ("H100", "Mixtral-8x7B", 4): (40197.42, 40588.05, 28337.31, 5028.61, 19971.72),
}


def v017() -> dict:
    """The 0.17 perf overview's TensorRT-engine figures: (GPU, model, tp, ISL, OSL) -> total output tokens/s."""
    with open(CSV, newline="", encoding="utf-8") as fh:
        return {(r["gpu"], r["model"], int(r["tp"]), int(r["isl"]), int(r["osl"])): float(r["published"])
                for r in csv.DictReader(fh) if r["release"] == "0.17" and r["pp"] == "1"}


def ratios(model: str, gpu: str | None = None) -> list[tuple[tuple, float]]:
    """Every pair both releases list: ((GPU, tp, ISL, OSL), 0.17 / 0.12)."""
    new = v017()
    return [((g, tp, i, o), new[(g, m, tp, i, o)] / old)
            for (g, m, tp), row in V012.items() if m == model and gpu in (None, g)
            for (i, o), old in zip(LENGTHS, row)]


def median_ratio(model: str, gpu: str | None = None) -> float:
    return st.median(r for _, r in ratios(model, gpu))


def main() -> None:
    for model in ("Llama-3.1-70B", "Mixtral-8x7B"):
        for key, r in ratios(model):
            print(f"{model:14s} {key[0]} tp {key[1]} {key[2]:>4d}/{key[3]:<4d} 0.17 / 0.12 = {r:.3f}")
        print(f"{model}: median {median_ratio(model):.3f} over {len(ratios(model))} pairs (H200 "
              f"{median_ratio(model, 'H200'):.3f}, H100 {median_ratio(model, 'H100'):.3f})\n")


if __name__ == "__main__":
    sys.exit(main())
