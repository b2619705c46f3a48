"""The H200 NVL's partner runs at the add-in cards' capacity margin (MECHANISMS "nvl_margin", compiler/validate.py
MARGIN_ONLY_CHIPS, NVL_CAPACITY_MARGIN; docs/accuracy.md "The H200 NVL's prompt queue and the PCIe cards' operating
point" (s14-pcie)): measured, not applied. Laws, on four MLPerf v5.0 rows read through validate itself:

- opt-in: by default no row carries the H200 NVL margin, and `--with nvl_margin` gives it only to H200 NVL
  Server / Interactive rows (an H200 SXM row of the same benchmark is byte-identical with and without it);
- the margin's own law (`let capacity_margin` delta): the H200 NVL Server throughput with it lies in
  [(1 - delta) x0, x0] of the throughput x0 without it, and its TPOT p99 is no higher;
- the TTFT p99 is no higher either (a lighter prompt queue at a lower rate: the reason the mechanism was built).
"""
from __future__ import annotations

import math

import compiler.validate as V

HEADER = "round,benchmark,scenario,system,accelerator,num_accelerators,metric,value,unit,source\n"
# Dell's XE7745 8x H200 NVL and NVIDIA's 8x H200 SXM, Llama 2 70B Server, MLPerf Inference v5.0
# (reference/mlperf_calibration.csv lines 667, 669, 671 and 1279: the measured values as there)
ROWS = (
    'inference-v5.0,llama2-70b-99,Server,"Dell: XE7745 [XE7745_H200_NVL_141GBx8_TRT]",NVIDIA H200-NVL-141GB,8,'
    'throughput,28848.4,Tokens/s,closed/Dell/results/XE7745_H200_NVL_141GBx8_TRT/llama2-70b-99/Server\n'
    'inference-v5.0,llama2-70b-99,Server,"Dell: XE7745 [XE7745_H200_NVL_141GBx8_TRT]",NVIDIA H200-NVL-141GB,8,'
    'ttft_p99,833.85,ms,closed/Dell/results/XE7745_H200_NVL_141GBx8_TRT/llama2-70b-99/Server\n'
    'inference-v5.0,llama2-70b-99,Server,"Dell: XE7745 [XE7745_H200_NVL_141GBx8_TRT]",NVIDIA H200-NVL-141GB,8,'
    'tpot_p99,194.0,ms,closed/Dell/results/XE7745_H200_NVL_141GBx8_TRT/llama2-70b-99/Server\n'
    'inference-v5.0,llama2-70b-99,Server,"NVIDIA: H200 [H200-SXM-141GBx8_TRT]",NVIDIA H200-SXM-141GB,8,'
    'throughput,33071.5,Tokens/s,closed/NVIDIA/results/H200-SXM-141GBx8_TRT/llama2-70b-99/Server\n'
)


def _run(tmp_path, on=()):
    path = tmp_path / f"rows{len(on)}.csv"
    path.write_text(HEADER + ROWS)
    rows, _ = V.run(str(path), mechanisms=V.mechanisms_with(on=on))
    return rows


def test_nvl_margin_is_opt_in_and_keyed_on_the_h200_nvl(tmp_path) -> None:
    assert V.MECHANISMS["nvl_margin"] == () and V.MECHANISM_TABLE["nvl_margin"].concerns == ("server", "interactive")
    assert V.MARGIN_ONLY_CHIPS == ("H200_NVL",) and not set(V.MARGIN_ONLY_CHIPS) & set(V.KNEE_POWER_CHIPS)
    assert 0 < V.NVL_CAPACITY_MARGIN < 1
    base, margin = _run(tmp_path), _run(tmp_path, ("nvl_margin",))
    for b, m in zip(base, margin):
        nvl = "H200-NVL" in b.data["accelerator"]
        assert ("capacity_margin" in b.lets) is False
        assert m.lets.get("capacity_margin") == (V.NVL_CAPACITY_MARGIN if nvl else None)
        if not nvl:                                   # the H200 SXM row does not move
            assert m.predicted == b.predicted and m.fields == b.fields


def test_nvl_margin_keeps_the_margins_law(tmp_path) -> None:
    base = {r.output: r.predicted for r in _run(tmp_path) if "H200-NVL" in r.data["accelerator"]}
    margin = {r.output: r.predicted for r in _run(tmp_path, ("nvl_margin",)) if "H200-NVL" in r.data["accelerator"]}
    assert all(math.isfinite(v) and v > 0 for v in (*base.values(), *margin.values()))
    x0, x = base["tokens_per_s"], margin["tokens_per_s"]
    assert (1 - V.NVL_CAPACITY_MARGIN) * x0 * (1 - 1e-9) <= x <= x0 * (1 + 1e-9)
    assert margin["tpot_p99"] <= base["tpot_p99"] * (1 + 1e-9)
    assert margin["ttft_p99"] <= base["ttft_p99"] * (1 + 1e-9)


def test_target_shares_law() -> None:
    """MECHANISMS "target_share" (measured, not applied): every run's share is its LoadGen target over the top
    target of its round, benchmark, accelerator and count, so 0 < share <= 1 and each group's top run has 1; by
    hand on the three v5.0 8x H200 NVL Llama 2 70B runs of reference/mlperf_ttft_percentiles.csv: targets 95.00
    (ASUSTeK), 99.825 (Dell; 99.83 as the log prints it), 95.50 (HPE): 95.00 / 99.83 = 0.9516, 95.50 / 99.83 = 0.9566.
    Opt-in: no row is moved by default."""
    import csv
    shares = V.target_shares()
    assert shares and all(0 < s <= 1 for s in shares.values())
    with open(V.TARGET_QPS_FILE, newline="") as f:
        runs = list(csv.DictReader(f))
    groups: dict = {}
    for r in runs:
        workload = r["benchmark"].replace("-99.9", "").replace("-99", "")
        groups.setdefault((r["round"], workload, r["accelerator"], r["num_accelerators"]), []).append(
            shares[r["source"].strip()])
    assert all(max(g) == 1.0 for g in groups.values())
    nvl = {r["system"].split(":")[0]: shares[r["source"].strip()] for r in runs
           if r["round"] == "inference-v5.0" and r["benchmark"] in ("llama2-70b-99", "llama2-70b-99.9")
           and "H200-NVL" in r["accelerator"] and r["num_accelerators"] == "8"}
    assert nvl["Dell"] == 1.0
    assert math.isclose(nvl["ASUSTeK"], 95.00 / 99.83, rel_tol=1e-9)
    assert math.isclose(nvl["HPE"], 95.50 / 99.83, rel_tol=1e-9)
    assert V.MECHANISMS["target_share"] == ()
