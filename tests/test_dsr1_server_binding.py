"""DeepSeek-R1 Server as NVIDIA ran it in MLPerf Inference v5.1 (bench/dsr1_server_binding.py): the run's figures
by hand, and what binds the model's point (docs/accuracy.md "DeepSeek-R1 Server: what binds the run and the model",
s11-dsr1). The run figures are held-out public figures: these laws check the arithmetic, never a fitted value."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import dsr1_server_binding as D  # noqa: E402

GB300 = D.RUNS[(D.V51, "GB300-NVL72_GB300-288GB_aarch64x72_TRT")]


def test_rows_a_rank_by_littles_law() -> None:
    # 56.95 queries/s x 233.10 s in flight over 72 attention ranks (tp 8 attention DP: one rank a GPU)
    assert D.rows_a_rank(GB300) == pytest.approx(56.95 * 233.104690927 / 72)
    assert D.rows_a_rank(GB300) == pytest.approx(184.4, abs=0.1)
    for run in D.RUNS.values():      # every run holds fewer rows a rank than its engine's batch cap (512)
        assert D.rows_a_rank(run) < run["cap"]


def test_last_query_share_is_loadgens_completed_over_scheduled() -> None:
    # T_sched = 219,399 / 60.08 = 3,651.8 s; T_done = 219,399 / 56.95 = 3,852.5 s; the last query's latency 200.7 s
    f, lat = D.last_query_share(GB300)
    assert f == pytest.approx(56.95 / 60.08)
    assert lat == pytest.approx(219399 / 56.95 - 219399 / 60.08)
    assert lat == pytest.approx(200.7, abs=0.1)
    # a law: the factor is below 1 and the latency below the run's longest (a query cannot finish before it starts)
    for run in D.RUNS.values():
        f, lat = D.last_query_share(run)
        assert 0 < f <= 1 and 0 <= lat


def test_limit_fractions_by_hand() -> None:
    ttft, tpot = D.fractions(GB300)
    assert ttft == pytest.approx(1.939676236 / 2.0)     # 0.97: the TTFT p99 limit binds the run
    assert tpot == pytest.approx(0.070849584 / 0.080)   # 0.89
    assert ttft > tpot


def test_every_run_is_one_layout_and_its_stream_interval() -> None:
    # both rounds: 8 attention ranks a GPU each (tp 8, attention DP, EP 8), so GPUs a multiple of 8; v5.1 streamed
    # every token (stream_interval 1), v6.0 GB300 every 100
    for (round_, name), run in D.RUNS.items():
        assert run["gpus"] % 8 == 0 and run["stream"] >= 1
    assert all(r["stream"] == 1 for (rd, _), r in D.RUNS.items() if rd == D.V51)
    assert D.RUNS[(D.V60, "GB300-NVL72_GB300-288GB_aarch64x72_TRT")]["stream"] == 100


def test_server_over_offline_tokens_by_hand() -> None:
    # completed tokens/s over Offline tokens/s: 209,327.68 / 420,659 = 0.498
    assert GB300["tokens_s"] / GB300["off_tokens_s"] == pytest.approx(0.4976, abs=1e-4)
    # tokens a query: Server 209,327.68 / 56.95 = 3,675.6; Offline 420,659 / 115.017 = 3,657.4
    assert GB300["tokens_s"] / GB300["completed"] == pytest.approx(3675.6, abs=0.1)
    assert GB300["off_tokens_s"] / GB300["off_samples_s"] == pytest.approx(3657.4, abs=0.1)


def test_model_point_meets_both_limits() -> None:
    """A law of the search, whatever the step: the model's Server point meets TTFT p99 and TPOT p99 limits, and
    its throughput is the replicas' rows over the step cut by the TTFT rate factor (no figure asserted). Stated on
    the batch grid's point (`continuous_capacity` off): the bench reads the grid's columns, and the solved point
    (applied since 2026-12-07) lies between them."""
    from compiler import validate as V
    points = D.model_points(V.mechanisms_with(on=[], off=["continuous_capacity"]))
    assert set(points) == {125, 126, 120, 121, 506, 507, 503, 504}
    for line, (row, b) in points.items():
        assert (b is None) == (row.data["scenario"] == "Offline")
        if b is None:
            continue
        assert b["tpot"] <= D.TPOT_LIMIT_S * (1 + 1e-9) and b["ttft"] <= D.TTFT_LIMIT_S * (1 + 1e-9)
        assert b["B"] <= b["kv_rows"] * (1 + 1e-9)
        assert row.predicted == pytest.approx(b["throughput"])
