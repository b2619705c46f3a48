"""reference/mlperf_ttft_percentiles.csv: the whole first-token and per-token latency distribution of every MLPerf
Server run whose TTFT/TPOT rows reference/mlperf_calibration.csv compares (the LoadGen summaries, reference/README.md).
Laws of the data, not values: a distribution's quantiles never fall, the limits are the benchmark's, and the four
figures both files hold are the same run's."""
from __future__ import annotations

import csv
import re
from itertools import pairwise
from pathlib import Path

import pytest

from compiler import validate as V

ROOT = Path(__file__).resolve().parents[1]


def _read(name: str) -> list[dict]:
    with open(ROOT / "reference" / name) as f:
        return list(csv.DictReader(f))


ROWS = _read("mlperf_ttft_percentiles.csv")
CALIBRATION = _read("mlperf_calibration.csv")
TTFT = ("min", "p50", "p90", "p95", "p97", "p99", "p99.9", "max")
TPOT = ("p50", "p90", "p99", "p99.9")


def _ms(row, name):
    return float(row[f"{name}_ms"])


def test_every_calibration_server_run_has_its_distribution_once() -> None:
    """One row per LoadGen summary, and every Server TTFT row of the calibration file names one of them."""
    sources = [r["source"] for r in ROWS]
    assert len(sources) == len(set(sources))
    calibrated = {r["source"].split(" ")[0] for r in CALIBRATION
                  if r["scenario"] == "Server" and r["metric"].startswith(("ttft", "tpot"))}
    assert calibrated == set(sources)
    for r in ROWS:
        assert re.fullmatch(r"https://github\.com/mlcommons/inference_results_v(4\.1|5\.0)/blob/main/closed/\S+/"
                            r"[Ss]erver/performance/run_1/mlperf_log_summary\.txt", r["source"]), r["source"]
        assert r["round"] == "inference-v" + r["source"].split("inference_results_v")[1].split("/")[0]
        assert re.match(r"\S+/\S+@[0-9a-f]{12} \(", r["read_from"]), r["read_from"]


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["source"].split("/closed/")[1][:70])
def test_quantiles_never_fall_and_the_limits_are_the_benchmarks(row) -> None:
    """min <= p50 <= ... <= p99.9 <= max for the first token (the mean between min and max) and p50 <= ... <= p99.9
    for the time per output token; the TTFT and TPOT limits the run was held to are the benchmark's
    (compiler/validate.py SERVING, scenario Server or its interactive variant); a run completes at most the
    samples it was sent."""
    ttft = [_ms(row, f"ttft_{k}") for k in TTFT]
    assert all(b >= a for a, b in pairwise(ttft)), ttft
    assert ttft[0] <= _ms(row, "ttft_mean") <= ttft[-1]
    tpot = [_ms(row, f"tpot_{k}") for k in TPOT]
    assert all(b >= a for a, b in pairwise(tpot)), tpot
    bench, interactive = V._benchmark(row["benchmark"])
    limits = V.SERVING[bench].limits["interactive" if interactive else "server"]
    assert _ms(row, "ttft_limit") == pytest.approx(1e3 * limits[0])
    assert _ms(row, "tpot_limit") == pytest.approx(1e3 * limits[1])
    assert _ms(row, "ttft_p99") <= _ms(row, "ttft_limit") and _ms(row, "tpot_p99") <= _ms(row, "tpot_limit")
    assert float(row["completed_samples_per_s"]) <= float(row["scheduled_samples_per_s"]) * 1.001


def test_the_figures_both_files_hold_are_the_same_runs() -> None:
    """TTFT p50 and p99, TPOT mean and p99 of each calibration row equal this file's for the same summary (both
    read from it; the calibration file rounds to 0.01 ms)."""
    by_source = {r["source"]: r for r in ROWS}
    compared = 0
    for c in CALIBRATION:
        if c["scenario"] == "Server" and c["metric"] in ("ttft_p50", "ttft_p99", "tpot_mean", "tpot_p99"):
            row = by_source[c["source"].split(" ")[0]]
            assert _ms(row, c["metric"]) == pytest.approx(float(c["value"]), abs=0.011), (c["source"], c["metric"])
            assert c["benchmark"] in row["reported_as"].split(";")
            compared += 1
    assert compared == 4 * 209
