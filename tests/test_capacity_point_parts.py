"""bench/capacity_point_parts.py's prompt queue: the model's rho against the run's, by hand and by its laws."""
from __future__ import annotations

import math

import pytest

from bench.capacity_point_parts import prompt_queue

# validate's v5.0 8x H200 SXM Llama 2 70B Server capacity point (one tp 1 engine of eight): 616 rows, room
# 1,536 - 616 - 15.5 = 904.5 tokens, t0 115.5 ms, kappa 121.26 us a token, mean step 172.0 ms; the dataset's
# I 222.33 / O 294.45; and one run (reference/mlperf_ttft_percentiles.csv, NVIDIA's H200-SXM-141GBx8_TRT Server:
# 113.04 samples/s, TPOT mean 169.96 ms)
H200 = dict(t0=0.1155, kappa=121.26e-6, room=904.5, t_mean=0.1720, rows=616.0, budget=1520.5, I=222.33, O=294.45)


def test_h200_server_by_hand() -> None:
    x = prompt_queue(**H200, rate=113.04, engines=8, T=0.16996)
    # the model: lam = 616 / (294.45 x 0.172) = 12.163 /s; t_full = 0.1155 + 121.26e-6 x 904.5 = 0.22518 s;
    # rho = 12.163 x 222.33 x 0.22518 / 904.5 = 0.6732
    assert x["lam_m"] == pytest.approx(12.163, rel=1e-3)
    assert x["t_full_m"] == pytest.approx(0.22518, rel=1e-4)
    assert x["rho_m"] == pytest.approx(0.6732, rel=1e-3)
    # the run: lam = 113.04 / 8 = 14.13 /s; rows = 14.13 x 294.45 x 0.16996 = 707.1; room = 813.4;
    # s = 0.16996 / (0.1155 + 0.16996 x 121.26e-6 x 14.13 x 222.33) = 0.16996 / 0.18025 = 0.9429;
    # t_full = s (0.1155 + 121.26e-6 x 813.4) = 0.9429 x 0.21413 = 0.2019 s;
    # rho = 14.13 x 222.33 x 0.2019 / 813.4 = 0.7798
    assert x["rows_r"] == pytest.approx(707.1, rel=1e-3)
    assert x["room_r"] == pytest.approx(813.4, rel=1e-3)
    assert x["s"] == pytest.approx(0.9429, rel=1e-3)
    assert x["t_full_r"] == pytest.approx(0.2019, rel=1e-3)
    assert x["rho_r"] == pytest.approx(0.7798, rel=1e-3)


@pytest.mark.parametrize("rate,T", [(113.04, 0.16996), (104.13, 0.14164), (112.92, 0.18463), (50.25, 0.14248)])
def test_the_three_factors_multiply_to_the_ratio(rate, T) -> None:
    x = prompt_queue(**H200, rate=rate, engines=8, T=T)
    assert x["rate"] * x["full"] * x["room"] == pytest.approx(x["rho_m"] / x["rho_r"], rel=1e-12)


def test_a_run_at_the_models_own_point_is_the_models_queue() -> None:
    # a run at the model's rate and mean step holds the model's rows and room; its step scale is 1 where the
    # model's mean step is its own line at the mean prompt load (t_mean = t0 + kappa lam I t_mean)
    lam = 12.0
    t_mean = H200["t0"] / (1 - H200["kappa"] * lam * H200["I"])
    rows = lam * H200["O"] * t_mean
    own = dict(H200, t_mean=t_mean, rows=rows, room=H200["budget"] - rows)
    x = prompt_queue(**own, rate=lam * 8, engines=8, T=t_mean)
    assert x["s"] == pytest.approx(1.0, rel=1e-12)
    for k in ("rate", "full", "room"):
        assert x[k] == pytest.approx(1.0, rel=1e-12)
    assert x["rho_m"] == pytest.approx(x["rho_r"], rel=1e-12)
    assert math.isfinite(x["rho_m"]) and 0 < x["rho_m"] < 1
