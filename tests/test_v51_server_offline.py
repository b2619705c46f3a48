"""Server / Offline of the v5.1 closed Llama 3.1 405B and DeepSeek-R1 pairs (bench/v51_server_offline.py;
docs/accuracy.md "GB300 NVL72's held-out misses against every v5.1 submitter", s17-gb300). The run figures are
held-out public figures: these tests check the arithmetic and the data's consistency, never a fitted value."""
from __future__ import annotations

import csv
import statistics
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import v51_server_offline as B  # noqa: E402

# one validate run of the held-out file a session (test_heldout_shape.predictions), on one pytest-xdist worker
pytestmark = pytest.mark.xdist_group("heldout")

CHIP_IN_NAME = {"GB300": "GB300", "GB200": "GB200", "B200": "B200", "H200": "H200", "H100": "H100"}


def test_ratios_by_hand() -> None:
    # NVIDIA GB300 x72: 405B 12,248.4 / 16,104.1 = 0.7606; DeepSeek-R1 209,328 / 420,659 = 0.4976
    assert B.server_over_offline(16104.1, 12248.4) == pytest.approx(0.7606, abs=1e-4)
    assert B.server_over_offline(420659.0, 209328.0) == pytest.approx(0.4976, abs=1e-4)


def test_rows_a_rank_by_littles_law() -> None:
    # CoreWeave GB300 x8 DeepSeek-R1 Server: 6.13 queries/s x 233.79 s in flight over 8 ranks = 179.1
    assert B.rows_a_rank(6.13, 233.789068581, 8) == pytest.approx(179.14, abs=0.01)
    # NVIDIA GB300 x72: 56.95 x 233.10 / 72 = 184.4 (bench/dsr1_server_binding.py has the same figure)
    assert B.rows_a_rank(56.95, 233.104690927, 72) == pytest.approx(184.37, abs=0.01)


def test_server_never_exceeds_offline_in_the_runs() -> None:
    # a law of the data (and a check of its transcription): the latency-bound scenario serves at most what the same
    # system serves unconstrained
    for pair in B.PAIRS:
        assert 0 < B.server_over_offline(pair[5], pair[6]) <= 1, pair[:3]


def test_held_out_lines_name_the_same_benchmark_chip_and_count() -> None:
    rows = list(csv.DictReader(open(B.ROOT / "tests" / "data" / "heldout_shape.csv", newline="", encoding="utf-8")))
    for bench, _, _, chip, n, _, _, (off, srv) in B.PAIRS:
        for line, scenario in ((off, "Offline"), (srv, "Server")):
            r = rows[line - 2]
            assert (r["round"], r["benchmark"], r["scenario"], r["metric"]) == (
                "inference-v5.1", bench, scenario, "throughput"), line
            assert CHIP_IN_NAME[chip] in r["accelerator"] and int(r["num_accelerators"]) == n, line
            if r["value"]:                       # a published figure in the held-out file is the pair's own
                pair = [p for p in B.PAIRS if p[7] == (off, srv) and p[1] == "NVIDIA"]
                assert float(r["value"]) == pytest.approx(pair[0][5 if scenario == "Offline" else 6])


def test_the_server_only_config_facts_do_not_separate_the_deepseek_ratios() -> None:
    # CoreWeave's GB300 x8 Server ran the Offline engine (CUTLASS MoE, 1,536 rows a rank, 6,656 tokens); every other
    # v5.1 DeepSeek-R1 Server ran WIDEEP at 512-768 rows and 3,456 tokens. Its Server / Offline (0.469) lies inside
    # the others' range (0.453-0.578): the backend, the cap and the budget are not what sets the ratio
    ratio = {(p[1], p[2]): B.server_over_offline(p[5], p[6]) for p in B.PAIRS if p[0] == B.DSR1}
    cutlass = [(s, d) for s, d, *_, moe, cap, budget in B.DSR1_SERVER if moe == "CUTLASS"]
    assert cutlass == [("CoreWeave", "GB300-NVL8-CoreWeave_TRT")]
    others = [v for k, v in ratio.items() if k not in cutlass]
    assert min(others) < ratio[cutlass[0]] < max(others)
    assert ratio[cutlass[0]] == pytest.approx(22545.1 / 48047.0)


def test_the_deepseek_server_step_is_the_same_on_both_chips() -> None:
    # the runs' mean step (TPOT mean) at their rows a rank: B200 58.5-66.5 ms at 105-154 rows, GB300 63.6-63.7 ms at
    # 179-184 rows; the spread of the step (1.19x) is less than the spread of the rows (1.76x)
    steps = [r[6] for r in B.DSR1_SERVER]
    rows = [B.rows_a_rank(r[3], r[4], r[2]) for r in B.DSR1_SERVER]
    assert max(steps) / min(steps) == pytest.approx(0.069572752 / 0.058452306)
    assert max(steps) / min(steps) < 1.2 < 1.7 < max(rows) / min(rows)
    b200 = [r[6] for r in B.DSR1_SERVER if "B200" in r[1]]
    gb300 = [r[6] for r in B.DSR1_SERVER if "GB300" in r[1]]
    assert min(b200) < statistics.median(gb300) < max(b200)


@pytest.mark.slow
def test_the_model_ratio_is_validates_own() -> None:
    # the bench's model ratio is validate's prediction on the held-out rows (~4 s: validate on 26 rows)
    pred = B.model_predictions()
    assert pred[128] / pred[127] == pytest.approx(0.59, abs=0.01)
    # 0.74 before the stdlib's DeepSeek-R1 `layer_latency` (s19-mla: Server -4.5%, Offline -1.4%)
    assert pred[126] / pred[125] == pytest.approx(0.72, abs=0.01)
