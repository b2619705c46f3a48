"""Blackwell FP4's family factor split into cuBLASLt's measured NVFP4 rate and a per-token term
(`validate --with blackwell_token_split`; docs/accuracy.md "Blackwell FP4's factor split", s13-405b): opt-in, only
the Blackwell chips at fp4 (Blackwell Ultra included), its constants by hand."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from compiler import validate as V

ROOT = Path(__file__).resolve().parent.parent
HELDOUT = ROOT / "tests" / "data" / "heldout_shape.csv"


def test_split_constants_by_hand() -> None:
    """e_max: large cuBLASLt NVFP4 GEMMs (Azure ND GB200 v6 best 7,609 TFLOP/s at 8,192^3; ND GB300 v6 8,640 at
    16,384^3) over the clock law's full-efficiency rate on the same chips (6,786 and 7,917 TFLOP/s, s11-bwultra):
    1.121 and 1.091, both above the factor's range, so e_max = 1.0, its top. The per-token term is a point of the
    family's own fine grid (0-0.1 us by 0.005 us), where the fit found it."""
    assert 7609 / 6786 == pytest.approx(1.121, abs=0.001)
    assert 8640 / 7917 == pytest.approx(1.091, abs=0.001)
    assert V.BLACKWELL_SPLIT_GEMM_EFFICIENCY == min(1.0, 7609 / 6786, 8640 / 7917)
    grid = V.TOKEN_TIME_GRIDS["Blackwell FP4"]
    assert grid[0] == 0.0 and grid[-1] == pytest.approx(0.1) and len(grid) == 21
    assert any(V.BLACKWELL_TOKEN_LAYER_TIME == pytest.approx(g * 1e-6) for g in grid)
    assert V.TOKEN_TIME_SPLITS["blackwell_token_split"] == "Blackwell FP4"
    assert set(V.BLACKWELL_SPLIT_CHIPS) >= {c for c, f in V.FAMILIES.items() if f == "Blackwell FP4"}


def _rows(tmp_path) -> str:
    rows = [r for r in csv.DictReader(open(HELDOUT, newline="", encoding="utf-8"))
            if r["metric"] == "throughput" and r["value"]
            and ((r["benchmark"] == "llama3.1-405b" and "GB300" in r["accelerator"])
                 or (r["benchmark"] == "llama2-70b-99" and r["round"] == "inference-v5.1"
                     and ("MI325X" in r["accelerator"] or "B200" in r["accelerator"])))]
    path = tmp_path / "split.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return str(path)


def test_the_split_is_opt_in_and_only_on_blackwell_fp4_rows(tmp_path) -> None:
    """Laws of `--with blackwell_token_split`: not applied by default; a Blackwell row at fp4 (B200, and GB300, which
    the family fit never saw) takes the measured GEMM rate and the fitted per-token term and moves; an AMD row takes
    nothing and does not move."""
    path = _rows(tmp_path)
    default, sink = V.run(path)
    assert not sink.items, [d.message for d in sink.items]
    split, _ = V.run(path, mechanisms=V.mechanisms_with(on=("blackwell_token_split",)))
    assert V.MECHANISMS["blackwell_token_split"] == ()
    assert {"B200", "GB300", "MI325X"} <= {r.chip for r in default}
    for base, on in zip(default, split):
        assert "token_layer_time" not in base.lets
        if on.chip in V.BLACKWELL_SPLIT_CHIPS:
            assert on.lets["inference_gemm_efficiency"] == V.BLACKWELL_SPLIT_GEMM_EFFICIENCY
            assert "token_layer_time" in on.lets
            assert on.predicted != base.predicted
        else:
            assert on.lets == base.lets and on.predicted == base.predicted


def test_sm100_kernels_on_blackwell_ultra_by_hand() -> None:
    """`fp4_mma_rate` 64 / 96 (SM100's K = 64 block-scaled MMA where SM103's full rate needs K = 96) scales a Blackwell
    Ultra chip's FP4 peak, knee and FP4 dynamic power to its Blackwell twin's, a clock: GB300 15,000 x 2/3 = 10,000
    TFLOP/s (GB200's), knee 970 x 2/3 = 646.7 (GB200's 647), a_fp4 4,513 x 2/3 = 3,008.7 W (GB200's TDP-scaled
    1,200 x 2.5073 = 3,008.8); B300 13,500 x 2/3 = 9,000 (B200's), 873 x 2/3 = 582, 3,761 x 2/3 = 2,507.3 W."""
    r = V.SM100_FP4_MMA_RATE
    assert r == pytest.approx(64 / 96)
    assert 15000 * r == pytest.approx(10000) and 13500 * r == pytest.approx(9000)
    assert 970 * r == pytest.approx(647, abs=0.5) and 873 * r == pytest.approx(582, abs=0.5)
    assert 4513 * r == pytest.approx(1200 * 2.5073, abs=0.5) and 3761 * r == pytest.approx(1000 * 2.5073, abs=0.5)


def test_sm100_kernels_only_on_v51_blackwell_ultra_inference_rows(tmp_path) -> None:
    """Laws of `--with sm100_fp4_kernels`: not applied by default; it reaches the v5.1 inference rows of B300 / GB300
    at fp4 only (the rounds built before SM103 FP4 kernels), where a slower FP4 MMA never speeds the run up; a v6.0
    Blackwell Ultra row, a training row and any other chip do not move."""
    rows = [r for r in csv.DictReader(open(HELDOUT, newline="", encoding="utf-8")) if r["value"]
            and ("GB300" in r["accelerator"] or "B300" in r["accelerator"] or "B200" in r["accelerator"])]
    path = tmp_path / "ultra.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    default, sink = V.run(str(path))
    assert not sink.items, [d.message for d in sink.items]
    on, _ = V.run(str(path), mechanisms=V.mechanisms_with(on=("sm100_fp4_kernels",)))
    assert V.MECHANISMS["sm100_fp4_kernels"] == ()
    moved = 0
    for base, with_ in zip(default, on):
        assert "fp4_mma_rate" not in base.lets
        reached = (base.data["round"] in V.SM100_FP4_KERNEL_ROUNDS and base.chip in V.SM103_CHIPS
                   and base.kind == "inference")
        if not reached:
            assert with_.lets == base.lets and with_.predicted == base.predicted
            continue
        assert with_.lets["fp4_mma_rate"] == V.SM100_FP4_MMA_RATE
        if base.output == "tokens_per_s" and base.data["benchmark"] == "llama3.1-405b":
            assert with_.predicted < base.predicted      # the 405B step is FP4 GEMM work
            moved += 1
    assert moved == 2                                    # GB300 405B Offline and Server
