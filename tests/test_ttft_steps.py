"""bench/ttft_steps.py: a run's TTFT error split into its step and its steps, by hand (docs/accuracy.md "The L40S's
90% TTFT miss, taken apart", s16-groups).

Dell's XE7745 8x L40S Llama 2 70B Server run (MLPerf Inference v5.0, reference/mlperf_ttft_percentiles.csv):
TTFT p50 187.26 ms, p99 469.20 ms, TPOT mean 98.74 ms; validate's default predictions at the model's capacity point
391.4, 992.8 and 160.5 ms (docs/accuracy.md, the same section). By hand:
    TTFT p50: 391.4 / 187.26 - 1 = +109.0%;  step: 160.5 / 98.74 - 1 = +62.5%;
    in steps: (391.4 / 160.5) / (187.26 / 98.74) - 1 = 2.4386 / 1.8965 - 1 = +28.6%,
and the law: (1 + TTFT error) = (1 + step error) (1 + in-steps error), 1.625 x 1.286 = 2.090.
"""
from __future__ import annotations

import math

from bench import ttft_steps as T


def test_the_l40s_run_split_by_hand() -> None:
    run = {"ttft_p50": (0.18726, 0.3914), "ttft_p99": (0.4692, 0.9928), "tpot_mean": (0.09874, 0.1605)}
    ttft, step, steps = T.factors(run)
    assert math.isclose(ttft, 0.3914 / 0.18726 - 1) and abs(ttft - 1.090) < 1e-3
    assert abs(step - 0.6255) < 1e-3 and abs(steps - 0.2859) < 1e-3
    assert math.isclose(1 + ttft, (1 + step) * (1 + steps), rel_tol=1e-12)   # the split is exact, run by run
    ttft99, step99, steps99 = T.factors(run, "ttft_p99")
    assert step99 == step and math.isclose(1 + ttft99, (1 + step) * (1 + steps99), rel_tol=1e-12)


def test_groups_name_the_chip_and_the_benchmark() -> None:
    assert T.group("NVIDIA L40S", "llama2-70b-99") == "L40S"
    assert T.group("NVIDIA B200-SXM-180GB", "mixtral-8x7b") == "Blackwell Mixtral"
    assert T.group("NVIDIA GH200 Grace Hopper Superchip 144GB", "llama3.1-405b") == "GH200 405B"
    assert T.group("NVIDIA H200-NVL-141GB", "llama2-70b-interactive-99") == "NVL/PCIe Interactive"
    assert T.group("NVIDIA H100-SXM-80GB", "llama2-70b-99.9") == "Hopper SXM"
