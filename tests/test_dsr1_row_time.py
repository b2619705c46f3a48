"""The DeepSeek-R1 attention-DP step's per-row time (compiler/validate.py ADP_SEQ_OVERHEAD, MECHANISMS "adp_row_time",
opt-in; bench/dsr1_row_time.py; docs/accuracy.md "The DeepSeek-R1 attention-DP step's per-row time", s20-dsr1).

The finding it rests on, by hand from TensorRT-LLM's published B200 ADP-EP8 runs (tests/test_moe_ep_step.py
PUBLISHED): the model's missing time a step is a row's -- 65.6 us a row at 384 rows with a BF16 KV cache, 72.3 us at
896 rows with an FP8 one (half the bytes a cached token), so neither the KV reads nor a fixed floor; one constant a row
puts both runs within 2% at once. Laws: the mechanism is opt-in, reaches only the DeepSeek-R1 Offline / Server rows of
v5.1 that `adp_engines` gives the configs' engine, and raises the step's slope by the added time a row."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from compiler import validate as V
from test_moe_ep_step import evaluate_published  # tests/ is on the path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import dsr1_step_line as L  # noqa: E402
from test_dsr1_step_line import planned as planned_rows  # noqa: E402

B200_RUNS = ("b200_fp4_bf16kv_1k2k", "b200_fp4_fp8kv_1k2k")


def at(seq_us: float) -> dict:
    from test_moe_ep_step import PUBLISHED
    runs = evaluate_published({r[0]: {"seq_overhead": f"{seq_us} us"} for r in PUBLISHED})
    return {name: (rows, measured, model, tpot) for name, rows, measured, model, tpot, _ in runs}


def test_the_missing_time_is_a_rows_and_the_constant_reproduces_both_runs() -> None:
    """At the model's 35 us: 384 rows / 4,548.0105 tok/s = 84.43 ms measured; the deficit a row (measured step -
    model step) / rows is within 15% at 384 rows (BF16 KV) and 896 rows (FP8 KV). At ADP_SEQ_OVERHEAD (105 us) both
    runs are within 2%."""
    base = at(35)
    rows, measured, _, _ = base["b200_fp4_bf16kv_1k2k"]
    assert rows / measured == pytest.approx(0.08443, abs=1e-5)
    deficit = {n: (r / m - r / p) / r for n, (r, m, p, _) in base.items()}
    a, b = (deficit[n] for n in B200_RUNS)
    assert 60e-6 < a < 80e-6 and 60e-6 < b < 80e-6 and abs(a / b - 1) < 0.15
    assert V.ADP_SEQ_OVERHEAD == pytest.approx(105e-6)
    fit = at(1e6 * V.ADP_SEQ_OVERHEAD)
    for n in B200_RUNS:
        assert fit[n][2] / fit[n][1] - 1 == pytest.approx(0.0, abs=0.02), n
    # more time a row: a longer step and fewer tokens, on every run
    for n in base:
        assert fit[n][2] < base[n][2] and fit[n][3] > base[n][3]


def test_the_mechanism_is_opt_in_and_scoped(tmp_path) -> None:
    assert V.MECHANISM_TABLE["adp_row_time"].applied == ()
    assert set(V.MECHANISM_TABLE["adp_row_time"].concerns) == {"offline", "server"}
    lines = ("inference-v5.1,deepseek-r1,Server,s,NVIDIA GB300,72",
             "inference-v5.1,deepseek-r1,Offline,s,NVIDIA B200-SXM-180GB,8",
             "inference-v6.0,deepseek-r1,Offline,s,NVIDIA GB300,72",
             "inference-v5.1,llama2-70b-99,Server,s,NVIDIA B200-SXM-180GB,8")

    def planned(*on):
        return planned_rows(tmp_path / "rows.csv", lines, *on)

    alone, engines, both = planned("adp_row_time"), planned("adp_engines"), planned("adp_engines", "adp_row_time")
    assert all("seq_overhead" not in r.lets for r in alone + engines)   # alone (the search's layouts): nothing
    for r in both[:2]:                                                   # v5.1 on the configs' engine
        assert r.lets["seq_overhead"].value == pytest.approx(105e-6)
        assert r.lets["adp_balance"] == 1.0
    assert both[2].key == engines[2].key                                 # v6.0: its engine, not the v5.1 software
    assert both[3].key == engines[3].key                                 # not DeepSeek-R1: untouched


@pytest.mark.slow
def test_the_step_line_slope_rises_by_the_added_time_a_row() -> None:
    """NVIDIA's v5.1 B200 x8 engine at the run's two row counts (Server 154, Offline 512, bench/dsr1_step_line.py):
    the model's slope c rises by ADP_SEQ_OVERHEAD - 35 us = 70 us a row (within 10%: the clock moves with the step),
    its floor f within 2 ms; the run's slope (0.157 ms a row) is then within 5%."""
    run = L.RUNS[0]
    label, gpus, done, lat, srv, cap_s, off, cap, hbm, eng, frac, held = run
    pts = [(held, round(L.server_rows(gpus, done, lat))), (held, round(L.offline_rows(cap, hbm, eng, frac)))]
    lines = []
    for on in (("adp_engines",), ("adp_engines", "adp_row_time")):
        t = L.model_steps(pts, V.mechanisms_with(on=on))
        lines.append(L.line(pts[0][1], t[0], pts[1][1], t[1]))
    (f0, c0), (f1, c1) = lines
    assert c1 - c0 == pytest.approx(V.ADP_SEQ_OVERHEAD - 35e-6, rel=0.10)
    assert abs(f1 - f0) < 2e-3
    t_s = L.server_rows(gpus, done, lat) / (srv / gpus)
    _, c_run = L.line(L.server_rows(gpus, done, lat), t_s, 512, 512 / (off / gpus))
    assert c1 == pytest.approx(c_run, rel=0.05)
