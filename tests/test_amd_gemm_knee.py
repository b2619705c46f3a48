"""CDNA3's GEMM knee as AMD's engines ran it (validate `amd_tuned_gemms`, `--with cdna3_gemm_knee`; compiler/validate.py
CDNA3_GEMM_HALF_ROWS, TUNED_GEMM_CONFIGS; docs/accuracy.md "AMD Instinct as AMD ran it (s12-amd)"): the knee by hand from AMD's own
hipBLASLt timings, and the mechanism's laws. Hand calculations and laws, not the values the code sets."""
from __future__ import annotations

import csv

import pytest

from compiler import validate as V
from compiler.catalogue import describe
from compiler.validate_docs import write_filled

HELDOUT = "tests/data/heldout_shape.csv"

# AMD's hipBLASLt tuning of Llama 2 70B's four tp-1 FP8 GEMMs at the 1,700 MHz perf-determinism clock
# (ntuhpc/inference_results_v5.1@387c3dd0 closed/AMD/code/llama2-70b-99/scripts/gemm_llama2-70b/aa0bda7b/
# tuning_spx_1700_formatted.txt, 2025-09-04): the time of one layer's four GEMMs (QKV + O + gate-up + down, the
# `us` column summed over the four shapes) at m rows, read off the file by hand
LAYER_US = {128: 274.2, 256: 419.9, 512: 727.1, 768: 1030.3, 1024: 1301.3, 1536: 1863.3, 2048: 2557.1, 2560: 3137.6}
LAYER_WEIGHTS = 10240 * 8192 + 8192 * 8192 + 57344 * 8192 + 8192 * 28672   # 855,638,016 FP8 weights a layer


def _serving_efficiency(chip: str) -> float:
    return float(next(r.si for r in describe(chip).rows if r.name == "serving_efficiency"))


def test_the_cdna3_knee_by_hand_from_amds_gemm_timings() -> None:
    """A line t = t0 + c m through the eight points by least squares: c = 1.177 us a row, t0 = 114.7 us (all 1,905 row
    counts of the file, 128-2,560: 121.0 us + 1.203 us m). hipBLASLt's large-shape rate 2 W / c = 1.45 PFLOP/s, 0.69 of
    the 2,614.9 TFLOP/s peak at 1,700 of 2,100 MHz; the model's CDNA3 GEMMs run at the family factor e_c (0.46 at the
    full clock), c' = 2 W / (e_c P 1,700 / 2,100) = 1.757 us a row a layer, 1.49 x c. The knee that keeps AMD's fixed
    time in the model's form c' (m + m0) is m0 = t0 / c' = 65 here, 69 with all the points (t0 / c = 97.5 rows by
    hipBLASLt's own per-row time: the way the H100's 128 was taken). Both lie below the H100's 128."""
    ms, ts = list(LAYER_US), list(LAYER_US.values())
    n, mean_m, mean_t = len(ms), sum(ms) / len(ms), sum(ts) / len(ts)
    c = sum((m - mean_m) * (t - mean_t) for m, t in zip(ms, ts)) / sum((m - mean_m) ** 2 for m in ms)
    t0 = mean_t - c * mean_m
    assert c == pytest.approx(1.177, abs=0.002) and t0 == pytest.approx(114.7, abs=0.2) and n == 8
    assert 2 * LAYER_WEIGHTS / (c * 1e-6) == pytest.approx(1.454e15, rel=0.002)
    assert 2 * LAYER_WEIGHTS / (c * 1e-6) / (2614.9e12 * 1700 / 2100) == pytest.approx(0.687, abs=0.002)
    e_c = _serving_efficiency("MI300X")
    c_model = 2 * LAYER_WEIGHTS / (e_c * 2614.9e12 * 1700 / 2100) * 1e6          # us a row a layer
    assert c_model == pytest.approx(1.757, abs=0.002) and c_model / c == pytest.approx(1.49, abs=0.01)
    assert t0 / c_model == pytest.approx(V.CDNA3_GEMM_HALF_ROWS, rel=0.08)          # 65.3 against 69 (all points)
    assert t0 / c_model < t0 / c < 128                                              # both below the H100's knee
    assert _serving_efficiency("MI325X") == e_c                                      # one die, one family factor


def _rows(tmp_path) -> str:
    rows = [r for r in csv.DictReader(open(HELDOUT, newline="", encoding="utf-8"))
            if r["round"] == "inference-v5.1" and r["benchmark"] == "llama2-70b-99" and r["num_accelerators"] == "8"
            and r["metric"] == "throughput"
            and (("8xMI325X_2xEPYC_9575F_" in r["system"] or "[8xMI300X_2xEPYC_9575F]" in r["system"])
                 or ("B200-SXM-180GBx8" in r["system"] and r["scenario"] == "Interactive"))]
    return str(write_filled(tmp_path / "rows.csv", rows, list(rows[0])))


def test_the_knee_goes_where_amds_config_loads_the_tuned_gemms(tmp_path) -> None:
    """Laws: by default (`amd_tuned_gemms`) the knee goes to the rows whose AMD config loads the tuned hipBLASLt
    solutions (v5.1 MI325X Server and Interactive) and to no other (MI325X Offline, every MI300X, B200 keep theirs);
    `--with cdna3_gemm_knee` gives it to every CDNA3 row; `--without amd_tuned_gemms` to none. A knee below the H100's
    128 rows makes no row's GEMMs slower, so no predicted throughput falls; the rows without it do not move."""
    path = _rows(tmp_path)
    default, sink = V.run(path)
    assert not sink.items, [d.message for d in sink.items]
    everywhere, _ = V.run(path, mechanisms=V.mechanisms_with(on=("cdna3_gemm_knee",)))
    nowhere, _ = V.run(path, mechanisms=V.mechanisms_with(off=("amd_tuned_gemms",)))
    assert V.MECHANISMS["cdna3_gemm_knee"] == () and V.MECHANISMS["amd_tuned_gemms"]
    keys = [(r.data["round"], r.model, r.fields["scenario"], r.chip) for r in default]
    assert {k for k in keys if k in V.TUNED_GEMM_CONFIGS} == V.TUNED_GEMM_CONFIGS   # both tuned rows are here
    assert {"MI300X", "MI325X", "B200"} <= {k[3] for k in keys}
    for key, base, on, off in zip(keys, default, everywhere, nowhere):
        cdna3 = key[3] in ("MI300X", "MI325X")
        assert ("gemm_half_rows" in base.lets) == (key in V.TUNED_GEMM_CONFIGS)
        assert ("gemm_half_rows" in on.lets) == cdna3 and "gemm_half_rows" not in off.lets
        assert all(r.lets.get("gemm_half_rows", V.CDNA3_GEMM_HALF_ROWS) == V.CDNA3_GEMM_HALF_ROWS for r in (base, on))
        assert base.predicted >= off.predicted * (1 - 1e-9) and on.predicted >= off.predicted * (1 - 1e-9)
        if not cdna3:
            assert base.predicted == on.predicted == off.predicted
        elif key not in V.TUNED_GEMM_CONFIGS:
            assert base.predicted == off.predicted


# ----------------------------------------------------------------------------- CDNA3's factor split (s12-cdna3)
def test_the_split_gemm_rate_and_knee_by_hand_from_amds_line() -> None:
    """AMD's line through all 1,905 row counts of the tuning file: t = 121.0 us + 1.203 us m a layer. hipBLASLt's
    large-shape rate 2 W / c = 2 x 855,638,016 / 1.203 us = 1.4225 PFLOP/s, at the file's 1,700 MHz against the FP8
    peak there (2,614.9 TFLOP/s x 1,700 / 2,100 = 2,116.8): 0.672 -> the split's e_c 0.67. The knee at that per-row
    time, t0 / c = 121.0 / 1.203 = 100.6 rows -> 100. The rest of the old factor a token and layer, by hand:
    c'(0.46) - c = 1.757 - 1.203 = 0.554 us; the fit on the CDNA3 rows found 1.00 us, more than the hand split."""
    c, t0 = 1.203e-6, 121.0e-6
    rate = 2 * LAYER_WEIGHTS / c
    assert rate == pytest.approx(1.4225e15, rel=1e-3)
    e_c = rate / (2614.9e12 * 1700 / 2100)
    assert e_c == pytest.approx(0.672, abs=0.001)
    assert V.CDNA3_SPLIT_GEMM_EFFICIENCY == pytest.approx(e_c, abs=0.005)
    assert t0 / c == pytest.approx(100.6, abs=0.1)
    assert V.CDNA3_SPLIT_HALF_ROWS == pytest.approx(t0 / c, abs=1.0)
    c_old = 2 * LAYER_WEIGHTS / (_serving_efficiency("MI300X") * 2614.9e12 * 1700 / 2100)
    assert (c_old - c) * 1e6 == pytest.approx(0.554, abs=0.002)
    assert V.CDNA3_TOKEN_LAYER_TIME in {g * 1e-6 for g in V.TOKEN_TIME_GRID}    # a grid point of the fit
    assert V.CDNA3_TOKEN_LAYER_TIME > c_old - c                                # the fit wants more than the hand split


def _split_rows(tmp_path) -> str:
    rows = [r for r in csv.DictReader(open(HELDOUT, newline="", encoding="utf-8"))
            if r["round"] == "inference-v5.1" and r["benchmark"] == "llama2-70b-99" and r["num_accelerators"] == "8"
            and r["metric"] == "throughput"
            and ("8xMI325X_2xEPYC_9575F_" in r["system"] or "MI355X" in r["accelerator"])]
    return str(write_filled(tmp_path / "split.csv", rows, list(rows[0])))


def test_the_split_is_opt_in_and_only_on_cdna3_rows(tmp_path) -> None:
    """Laws of `--with cdna3_token_split`: not applied by default; a CDNA3 row takes AMD's measured GEMM rate and the
    fitted per-token term, and its tuned knee at hipBLASLt's own 100 rows (the 69 belongs to the 0.46 factor); a CDNA4
    row (MI355X: no CDNA3 fit) takes nothing and does not move. A per-token time only adds to a step; a faster GEMM
    rate only shortens it, so the split's sign is not fixed by law: only that the rows change."""
    path = _split_rows(tmp_path)
    default, sink = V.run(path)
    assert not sink.items, [d.message for d in sink.items]
    split, _ = V.run(path, mechanisms=V.mechanisms_with(on=("cdna3_token_split",)))
    assert V.MECHANISMS["cdna3_token_split"] == ()
    chips = {r.chip for r in default}
    assert {"MI325X", "MI355X"} <= chips
    for base, on in zip(default, split):
        assert "token_layer_time" not in base.lets and "inference_gemm_efficiency" not in base.lets
        if on.chip == "MI355X":
            assert on.lets == base.lets and on.predicted == base.predicted
        else:
            assert on.lets["inference_gemm_efficiency"] == V.CDNA3_SPLIT_GEMM_EFFICIENCY
            assert "token_layer_time" in on.lets
            if "gemm_half_rows" in base.lets:
                assert on.lets["gemm_half_rows"] == V.CDNA3_SPLIT_HALF_ROWS
            assert on.predicted != base.predicted
