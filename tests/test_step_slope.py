"""bench/step_slope.py: the per-row physics floor by hand and the runs' slope fit as laws (no validate run)."""
import math

import numpy as np

from bench import step_slope as S


def test_gemm_floor_by_hand():
    # Llama 2 70B Server: I = 222.33, O = 294.45 (compiler/validate.py SERVING), so a row carries 1 + I / O = 1.7551
    # tokens a step; 2 x 68.98e9 FLOPs each = 242.1 GFLOP at 1,418 TFLOP/s (reference/h100_microbench.md fp8
    # 8,192^3 at the full clock) = 0.1708 ms a row
    t = S.gemm_floor(68.98e9, 222.33, 294.45)
    assert math.isclose(t, (1 + 222.33 / 294.45) * 2 * 68.98e9 / 1418e12, rel_tol=1e-12)
    assert 0.1700e-3 < t < 0.1715e-3


def test_kv_floor_by_hand():
    # FP8 KV of Llama 2 70B: 80 layers x 2 (K, V) x 8 heads x 128 x 1 B = 163,840 B a token; the mean context
    # 222.33 + 294.45 / 2 = 369.555 tokens = 60.55 MB at 0.91 x 4.8 TB/s = 0.01386 ms a row
    t = S.kv_floor(163840.0, 222.33, 294.45, 4.8e12)
    assert math.isclose(t, 369.555 * 163840 / (4.8e12 * 0.91), rel_tol=1e-12)
    assert 0.0138e-3 < t < 0.0139e-3


def test_fit_line_recovers_a_line_and_shifts_only_its_intercept():
    b = np.array([543.0, 612.0, 658.0, 745.0, 780.0])
    c, se, a = S.fit_line(b, 0.030 + 0.00019 * b)
    assert math.isclose(c, 0.00019, rel_tol=1e-9) and math.isclose(a, 0.030, rel_tol=1e-9) and se < 1e-12
    c2, _, a2 = S.fit_line(b, 0.040 + 0.00019 * b)            # a constant added to every step: the slope stays
    assert math.isclose(c2, c, rel_tol=1e-9) and math.isclose(a2 - a, 0.010, rel_tol=1e-9)
    assert math.isnan(S.fit_line(b[:2], 0.03 + 0.00019 * b[:2])[1])   # two runs: no error estimate


def test_serving_by_benchmark_name():
    assert S.serving("llama2-70b-99.9").output_tokens == 294.45
    assert S.serving("llama2-70b-interactive-99").output_tokens == 294.45
    assert S.serving("mixtral-8x7b").output_tokens == 144.84
    assert S.serving("resnet") is None
