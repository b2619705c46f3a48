"""The smooth GEMM law's exponent p fitted once to the H100 weight GEMMs (issue 11, s25-gemm).

    PYTHONPATH=. python3 bench/gemm_smooth_fit.py        (< 1 s)

A fit, not the product's model. reference/h100_microbench.md (one H100 SXM, PyTorch 2.11 / cuBLAS, 2026-11-27)
times the weight GEMM C[M, 14336] = A[M, 4096] W[4096, 14336] at M 1..1,024 in bf16 and M 64 / 256 / 4,096 in fp8.
For each dtype the two legs of compiler/models/inference/queues.py gemm_smooth_time are taken from the table itself:
    t_w  the weight read (with its launch): bf16 the mean of M 1 / 8 / 32 / 64, fp8 M 64 (the smallest measured)
    t_c  the FLOPs at the large-shape rate, M x t(4,096 rows) / 4,096 (bf16 634 us, fp8 355 us)
and p minimizes the root mean square of log(t_model / t_measured) over every M of the two columns (12 points).
Printed: p, each point's model against measured, the hard roofline's (p -> inf) and the knee law's
(max(t_w, (M + 128) t_c / M), gemm_half_rows 128) beside it, and what p does to a row's marginal cost at the
H200 tp 1 Interactive engine's steps (M / M_ridge). validate's GEMM_SMOOTH_POWER is p rounded to 0.05.
"""
from __future__ import annotations

import math
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from compiler.models.inference.queues import gemm_smooth_time  # noqa: E402

HALF_ROWS = 128.0                                 # gemm_half_rows, the knee law's m0


def table() -> dict[str, dict[int, float]]:
    """The K 4,096 x N 14,336 rows of the microbench's GEMM table, {dtype: {M: us}}."""
    out: dict[str, dict[int, float]] = {"bf16": {}, "fp8": {}}
    text = (ROOT / "reference" / "h100_microbench.md").read_text()
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 5 or not re.fullmatch(r"[\d,.]+ us", cells[4]):
            continue
        dtype = "bf16" if cells[0] == "bf16" else "fp8" if cells[0].startswith("fp8") else None
        m, k, n = (int(c.replace(",", "")) for c in cells[1:4])
        if dtype and k == 4096 and n == 14336:
            out[dtype][m] = float(cells[4].split()[0].replace(",", ""))
    return out


def legs(col: dict[int, float], dtype: str) -> tuple[float, float]:
    """(t_w us, t_c us a row) of one dtype's column."""
    small = [1, 8, 32, 64] if dtype == "bf16" else [64]
    t_w = float(np.mean([col[m] for m in small]))
    return t_w, col[4096] / 4096                  # the large-shape rate: the 4,096-row GEMM


def errors(tab, p: float) -> np.ndarray:
    out = []
    for dtype, col in tab.items():
        t_w, c = legs(col, dtype)
        for m, t in sorted(col.items()):
            out.append(math.log(float(gemm_smooth_time(c * m, t_w, p)) / t))
    return np.asarray(out)


def fit(tab) -> float:
    grid = np.arange(1.0, 8.0 + 1e-9, 0.005)
    rms = [float(np.sqrt(np.mean(errors(tab, p) ** 2))) for p in grid]
    return float(grid[int(np.argmin(rms))])


def main() -> None:
    tab = table()
    assert len(tab["bf16"]) == 9 and len(tab["fp8"]) == 3, tab
    p = fit(tab)
    knee = []
    for dtype, col in tab.items():
        t_w, c = legs(col, dtype)
        knee += [math.log(max(t_w, c * (m + HALF_ROWS)) / t) for m, t in col.items()]
    print(f"p = {p:.3f} (rms log error {np.sqrt(np.mean(errors(tab, p) ** 2)) * 100:.2f}%; "
          f"hard roofline {np.sqrt(np.mean(errors(tab, 0.0) ** 2)) * 100:.2f}%; the knee law "
          f"{np.sqrt(np.mean(np.square(knee))) * 100:.2f}%); GEMM_SMOOTH_POWER {round(p * 20) / 20:.2f}")
    print("| dtype | M | measured us | t_w | t_c | smooth (p) | err | roofline err | knee law err |")
    print("|---|---|---|---|---|---|---|---|---|")
    for dtype, col in tab.items():
        t_w, c = legs(col, dtype)
        for m, t in sorted(col.items()):
            s = float(gemm_smooth_time(c * m, t_w, p))
            knee = max(t_w, c * (m + HALF_ROWS))
            print(f"| {dtype} | {m} | {t:.1f} | {t_w:.1f} | {c * m:.1f} | {s:.1f} | {(s / t - 1) * 100:+.1f}% | "
                  f"{(max(t_w, c * m) / t - 1) * 100:+.1f}% | {(knee / t - 1) * 100:+.1f}% |")
    print("\nA row's marginal cost dt/dM against its FLOPs' c, x = M / M_ridge: (x / (1 + x^p)^(1/p))^(p - 1)")
    print("| x | 0.25 | 0.37 | 0.5 | 0.75 | 1.0 | 1.1 | 1.5 | 2 | 4 |")
    xs = [0.25, 0.37, 0.5, 0.75, 1.0, 1.1, 1.5, 2.0, 4.0]
    print("| dt/dM / c | " + " | ".join(f"{(x / (1 + x ** p) ** (1 / p)) ** (p - 1):.2f}" for x in xs) + " |")
    print("| t / t_w | " + " | ".join(f"{float(gemm_smooth_time(x, 1.0, p)):.3f}" for x in xs) + " |")


if __name__ == "__main__":
    main()
