"""DeepSeek-R1's Server / Offline from one engine's step line (bench/dsr1_step_line.py; compiler/validate.py
MECHANISMS "adp_engines", opt-in; docs/accuracy.md "DeepSeek-R1 Server / Offline: the step's floor under an absolute
TPOT limit", s18-heldserver).

Hand calculations (NVIDIA's v5.1 B200 x8 run, its public summaries and configs): Little's law for the Server rows a
rank, the Offline rows at the config's cap where the KV cache holds more, the line through the two points, and the
law Server / Offline = (b_S / t_S) / (b_O / t_O), which on a run's own points is its measured ratio. Laws: at a fixed
slope and mean step a higher floor lowers the ratio; the mechanism is opt-in, reaches DeepSeek-R1 Offline and Server
rows only and gives them the configs' engine (tp 1, pp 1, ep 8, gpu_batch_size a rank, the ADP balancer)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from compiler import validate as V

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import dsr1_step_line as L  # noqa: E402

HEAD = "round,benchmark,scenario,system,accelerator,num_accelerators,metric,value,unit,source\n"


def test_nvidia_b200_by_hand() -> None:
    # Server: 4.96 samples/s x 248.934 s in flight over 8 ranks; the tokens' mean step b / (18,592.24 / 8 tok/s)
    b_s = L.server_rows(8, 4.96, 248.933888892)
    assert b_s == pytest.approx(4.96 * 248.933888892 / 8) == pytest.approx(154.34, abs=0.01)
    t_s = b_s / (18592.24 / 8)
    assert t_s == pytest.approx(0.06641, abs=1e-5)
    # Offline: 0.9 x (180 - 80) GB / (61 x 576 B x 4,971.6 tokens) = 515.3 rows of cache > the cap 512 -> 512
    assert 0.9 * 100e9 / (61 * 576 * 4971.6) == pytest.approx(515.3, abs=0.1)
    b_o = L.offline_rows(512, 180, 80, 0.90)
    assert b_o == 512
    t_o = 512 / (33379.0 / 8)
    assert t_o == pytest.approx(0.12271, abs=1e-5)
    f, c = L.line(b_s, t_s, b_o, t_o)
    assert c == pytest.approx((0.12271 - 0.06641) / (512 - 154.34), rel=1e-3)       # 0.157 ms a row
    assert f == pytest.approx(0.06641 - c * 154.34, rel=1e-3)                         # 42.1 ms
    assert f == pytest.approx(0.0421, abs=2e-4)
    # the law on the run's own points is its measured ratio, 18,592.24 / 33,379
    assert L.server_over_offline(b_s, t_s, b_o, t_o) == pytest.approx(18592.24 / 33379.0, rel=1e-9)


def test_the_law_gives_every_run_its_measured_ratio() -> None:
    for label, gpus, done, lat, srv, cap_s, off, cap, hbm, eng, frac, held in L.RUNS:
        b_s, b_o = L.server_rows(gpus, done, lat), L.offline_rows(cap, hbm, eng, frac)
        t_s, t_o = b_s / (srv / gpus), b_o / (off / gpus)
        assert L.server_over_offline(b_s, t_s, b_o, t_o) == pytest.approx(srv / off, rel=1e-9), label
        assert b_s < min(cap_s, b_o), label                    # the Server rows: below the cap and the Offline rows


def test_a_higher_floor_lowers_the_ratio() -> None:
    c, tau, b_o = 0.085e-3, 0.0552, 1104.0           # v6.0 GB300's slope, mean step and Offline rows
    ratios = []
    for f in (0.010, 0.015, 0.020, 0.025, 0.030, 0.035):
        b_s = (tau - f) / c                            # the rows the line leaves at the mean step tau
        ratios.append(L.server_over_offline(b_s, tau, b_o, f + c * b_o))
    assert all(a > b for a, b in zip(ratios, ratios[1:]))
    assert ratios[0] < 1.0


def planned(path: Path, lines: tuple[str, ...], *on: str) -> list:
    """validate's rows of `lines` (round, benchmark, scenario, system, accelerator, GPUs: throughput rows valued 1)
    written to `path`, planned with the mechanisms `on` (none: validate's defaults)."""
    from dsl.diagnostics import Sink
    path.write_text(HEAD + "".join(f"{line},throughput,1,Tokens/s,x\n" for line in lines))
    rows = V.read_csv(str(path), Sink())
    for r in rows:
        V.plan(r, V.mechanisms_with(on=on) if on else None)
    return rows


def test_the_mechanism_is_opt_in_and_gives_the_configs_engine(tmp_path) -> None:
    assert V.MECHANISM_TABLE["adp_engines"].applied == ()
    assert set(V.MECHANISM_TABLE["adp_engines"].concerns) == {"offline", "server"}
    lines = ("inference-v5.1,deepseek-r1,Server,s,NVIDIA GB300,72",
             "inference-v5.1,deepseek-r1,Offline,s,NVIDIA GB300,72",
             "inference-v6.0,deepseek-r1,Offline,s,NVIDIA GB300,8",
             "inference-v5.1,llama2-70b-99,Server,s,NVIDIA B200-SXM-180GB,8")
    off, on = planned(tmp_path / "rows.csv", lines), planned(tmp_path / "rows.csv", lines, "adp_engines")
    assert all("ep" not in r.fields and "adp_balance" not in r.lets for r in off)      # default: the search's layouts
    for r, cap in zip(on[:3], (512, 1536, 1024)):       # v5.1 Server, v5.1 GB300 Offline, v6.0 GB300 x8 Offline
        assert (r.fields["tp"], r.fields["pp"], r.fields["ep"]) == (1.0, 1.0, 8.0)
        assert r.lets["max_batch_size"] == 8 * cap and r.lets["adp_balance"] == 1.0
    assert on[3].key == off[3].key                      # not DeepSeek-R1: untouched


def test_decode_only_run_by_hand() -> None:
    # 66.90 samples/s decode for 42.158 - 0.420 s over 64 decode GPUs; 2.82 tokens a row a step at 250,633.67 tok/s
    d = L.DECODE_ONLY[0]
    rows = 66.90 * (42.157978246 - 0.420372223) / 64
    assert rows == pytest.approx(43.6, abs=0.05)
    step = rows * 2.82 / (250633.67 / 64)
    assert step == pytest.approx(0.0314, abs=1e-4)
    assert d["completed"] * (d["latency"] - d["ttft"]) / d["decode_gpus"] == pytest.approx(rows, rel=1e-12)


@pytest.mark.slow
def test_the_model_floor_is_below_every_runs_floor() -> None:
    """The located gap (bench output, docs/accuracy.md): at the configs' engine the model's step line has a lower
    floor than each run's, and the law on the model's line gives a higher ratio than the run's (~8 s)."""
    for r in L.table():
        assert r["f_m"] < r["f"], r["label"]
        assert r["so_model_line"] > r["so"], r["label"]


def _batch_one_step(tmp_path, lets=None) -> float:
    """The model's DeepSeek-R1 step at tp 8 and one request on 8 B200 (an Offline row, its batch capped at 1)."""
    from dsl.diagnostics import Sink
    path = tmp_path / "b1.csv"
    path.write_text(HEAD + "inference-v5.1,deepseek-r1,Offline,s,NVIDIA B200-SXM-180GB,8,throughput,1,Tokens/s,x\n")
    rows = V.read_csv(str(path), Sink())
    V.plan(rows[0], None)
    rows[0].fields["tp"], rows[0].fields["pp"] = 8.0, 1.0
    rows[0].lets["max_batch_size"] = 1.0
    rows[0].lets.update(lets or {})
    V._evaluate(rows, None, None, Sink())
    return 1.0 / rows[0].predicted               # one replica of 8 GPUs decoding one row: tokens/s = 1 / t


def test_the_stdlib_layer_latency_reproduces_its_source(tmp_path) -> None:
    # stdlib DeepSeek_R1 `layer_latency` = 5 us + (1 / 111 s - 5.56 ms) / 61 layers = 61.54 us: TensorRT-LLM's
    # one-request B200 step (blog1, 111 tokens/s a user without MTP) against the model's 5.56 ms with the 5 us
    # default there. Session 18's opt-in `mla_layer_latency` gave validate's rows the same; since s19-mla the
    # model carries it (tests/test_model_layer_latency.py), so validate has no mechanism of that name.
    assert "mla_layer_latency" not in V.MECHANISM_TABLE
    assert _batch_one_step(tmp_path) == pytest.approx(1 / 111, rel=0.01)
    assert _batch_one_step(tmp_path, {"layer_latency": V.Q(5e-6, "s")}) == pytest.approx(5.56e-3, abs=0.01e-3)
