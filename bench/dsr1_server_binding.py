"""DeepSeek-R1 Server as NVIDIA ran it in MLPerf Inference v5.1 against the model's capacity point (a diagnostic).

    PYTHONPATH=. python3 bench/dsr1_server_binding.py               (~3 s CPU)
    PYTHONPATH=. python3 bench/dsr1_server_binding.py --with kv_room (any of validate's MECHANISMS)

For each NVIDIA v5.1 and v6.0 DeepSeek-R1 Server run (the same ADP-EP8 layout in both rounds) it prints what the run's LoadGen summary
says -- the rows a rank by Little's law, the fraction of each limit (TTFT 2 s, TPOT 80 ms) it ran at, the share of its
metric lost to the run's last query (LoadGen's completed rate), its tokens a query -- and the model's capacity point
for the same system (compiler/models/inference/ `search`, bench/capacity_binding.py's labels: which limit refuses
the next grid batch). The run figures are held-out public figures: printed, never fitted (docs/accuracy.md "DeepSeek-R1
Server: what binds the run and the model", s11-dsr1).

Sources of RUNS [P] (read 2026-12-05): https://github.com/mlcommons/inference_results_v5.1 @965182b0 (2025-09-09),
closed/NVIDIA/results/<system>/deepseek-r1/{Server,Offline}/performance/run_1/mlperf_log_summary.txt (completed and
scheduled samples/s, completed tokens/s, mean latency, TTFT p99, TPOT mean and p99, min_query_count, Offline tokens/s
and samples/s) and closed/NVIDIA/configs/<system>/Server/deepseek-r1.py (tensor_parallelism 8 with
enable_attention_dp, moe_expert_parallelism 8: 8 attention ranks of one GPU each per engine; gpu_batch_size 512 a
rank; max_num_tokens 3,456; kvcache_free_gpu_mem_frac 0.9; no speculative decoding; aggregated TensorRT harness).
v6.0: https://github.com/gbeezybez/inference_results_v6.0 @232fbf9 (a fork of mlcommons/inference_results_v6.0, 2026),
the same files (same layout; gpu_batch_size 640 on GB300 / B300; stream_interval 100 on GB300, 20 on B300, the
code/llmlib/config.py default 1 on GB200), read 2026-12-05.
"""
from __future__ import annotations

import csv
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import capacity_binding as CB  # noqa: E402
from compiler.validate_docs import write_filled  # noqa: E402

TTFT_LIMIT_S, TPOT_LIMIT_S = 2.0, 0.080        # mlperf.conf deepseek-r1 Server (same commit) [P]

# (round, result directory): the held-out file's Server / Offline throughput lines (None: no row of that system),
# GPUs, stream_interval (the trtllm-serve extra config: v5.1 code/llmlib/config.py DEFAULT_EXTRA_CONFIG 1, v6.0 the
# same default unless the Server config sets it), the Server summary's completed and scheduled samples/s, completed
# tokens/s, mean latency s, TTFT p99 s, TPOT mean s, TPOT p99 s, LoadGen min_query_count, the Offline summary's
# tokens/s and samples/s, and the config's gpu_batch_size a rank. Every run: tensor_parallelism 8 with attention DP
# and moe_expert_parallelism 8, aggregated, no speculative decoding.
V51, V60 = "inference-v5.1", "inference-v6.0"
RUNS = {
    (V51, "GB300-NVL72_GB300-288GB_aarch64x72_TRT"): dict(line=126, offline_line=125, gpus=72, stream=1,
        completed=56.95, scheduled=60.08, tokens_s=209327.68, latency=233.104690927, ttft_p99=1.939676236,
        tpot_mean=0.063719543, tpot_p99=0.070849584, queries=219400, off_tokens_s=420659, off_samples_s=115.017,
        cap=512),
    (V51, "GB200-NVL72_GB200-186GB_aarch64x72_TRT"): dict(line=121, offline_line=120, gpus=72, stream=1,
        completed=44.76, scheduled=45.06, tokens_s=167578.06, latency=216.208976941, ttft_p99=1.245960713,
        tpot_mean=0.069572752, tpot_p99=0.064452775, queries=210624, off_tokens_s=289712, off_samples_s=77.995,
        cap=512),
    (V51, "B200-SXM-180GBx8_TRT"): dict(line=None, offline_line=None, gpus=8, stream=1, completed=4.96,
        scheduled=5.02, tokens_s=18592.24, latency=248.933888892, ttft_p99=1.695862246, tpot_mean=0.066461232,
        tpot_p99=0.072180235, queries=26328, off_tokens_s=33379, off_samples_s=8.93431, cap=512),
    (V60, "GB300-NVL72_GB300-288GB_aarch64x72_TRT"): dict(line=507, offline_line=506, gpus=72, stream=100,
        completed=106.66, scheduled=110.02, tokens_s=400436.77, latency=207.405891707, ttft_p99=1.001885257,
        tpot_mean=0.056151598, tpot_p99=0.076061582, queries=219400, off_tokens_s=647076, off_samples_s=172.442,
        cap=640),
    (V60, "GB300-NVL72_GB300-288GB_aarch64x288_TRT"): dict(line=504, offline_line=503, gpus=288, stream=100,
        completed=414.63, scheduled=429.73, tokens_s=1555108.58, latency=195.162958224, ttft_p99=0.742539165,
        tpot_mean=0.061507803, tpot_p99=0.060642656, queries=1053120, off_tokens_s=2.49431e6,
        off_samples_s=664.711, cap=640),
    (V60, "GB200-NVL72_GB200-186GB_aarch64x72_TRT"): dict(line=None, offline_line=None, gpus=72, stream=1,
        completed=89.59, scheduled=110.06, tokens_s=336106.48, latency=215.076807821, ttft_p99=1.158921553,
        tpot_mean=0.058306669, tpot_p99=0.079343615, queries=210624, off_tokens_s=486141, off_samples_s=129.533,
        cap=512),
    (V60, "B300-SXM-270GBx8_TRT"): dict(line=None, offline_line=None, gpus=8, stream=20, completed=11.39,
        scheduled=11.53, tokens_s=42721.39, latency=222.444312406, ttft_p99=0.806000185, tpot_mean=0.059389965,
        tpot_p99=0.061657362, queries=105312, off_tokens_s=70325.7, off_samples_s=18.7489, cap=640),
}


def rows_a_rank(run: dict) -> float:
    """Little's law: requests in flight = completed queries/s x mean latency, over the attention ranks (one a GPU)."""
    return run["completed"] * run["latency"] / run["gpus"]


def last_query_share(run: dict) -> tuple[float, float]:
    """LoadGen's Server metric divides by the completion time of the last issued query (loadgen results.cc
    `tps_as_completed = token_count / final_query_all_samples_done_time`; the scheduled rate divides by the last
    query's scheduled time): T_sched = (N - 1) / scheduled, T_done = (N - 1) / completed. Returns (the factor
    T_sched / T_done = completed / scheduled, the last query's latency T_done - T_sched in s)."""
    n = run["queries"] - 1
    t_sched, t_done = n / run["scheduled"], n / run["completed"]
    return t_sched / t_done, t_done - t_sched


def fractions(run: dict) -> tuple[float, float]:
    """The run's TTFT p99 and TPOT p99 over the benchmark's limits."""
    return run["ttft_p99"] / TTFT_LIMIT_S, run["tpot_p99"] / TPOT_LIMIT_S


def model_points(mechanisms=None) -> dict:
    """The model's Server capacity point on each run's held-out throughput row (validate on those rows alone)."""
    rows = list(csv.DictReader(open(ROOT / "tests" / "data" / "heldout_shape.csv", newline="", encoding="utf-8")))
    lines = [n for r in RUNS.values() for n in (r["offline_line"], r["line"]) if n]
    keep = [rows[i - 2] for i in lines]
    with tempfile.TemporaryDirectory() as tmp:
        path = write_filled(Path(tmp) / "dsr1.csv", keep, list(rows[0]))
        saved = CB.CALIBRATION, CB.mechanisms
        CB.CALIBRATION = path
        if mechanisms is not None:
            CB.mechanisms = lambda: mechanisms
        try:
            out, kept = CB.capture()
        finally:
            CB.CALIBRATION, CB.mechanisms = saved
    points = {}
    for line, r in zip(lines, out):
        q = kept.get(f"validation.{r.block}")
        scenario_server = r.data["scenario"] == "Server"
        points[line] = (r, CB.binding(q, TPOT_LIMIT_S, TTFT_LIMIT_S) if q is not None and scenario_server else None)
    return points


def main() -> None:
    mech = CB.mechanisms()
    points = model_points(mech)
    print("run                                              interval rows/rank TTFT/lim TPOT/lim  last-query (s)"
          "  tok/query S / O  S/O   model S/O  Server: measured, model (error)")
    for (round_, name), run in RUNS.items():
        f, lat = last_query_share(run)
        ttft, tpot = fractions(run)
        s_o = run["tokens_s"] / run["off_tokens_s"]
        model = ""
        if run["line"] and run["offline_line"]:
            ms, mo = points[run["line"]][0].predicted, points[run["offline_line"]][0].predicted
            model = f"{ms / mo:9.2f}  {run['tokens_s']:11,.0f} {ms:11,.0f} ({ms / run['tokens_s'] - 1:+.1%})"
        print(f"{round_[-4:]} {name:43s} {run['stream']:5d} {rows_a_rank(run):8.0f} {ttft:8.2f} {tpot:8.2f}"
              f"  {f:6.3f} ({lat:4.0f})  {run['tokens_s'] / run['completed']:6.0f} / "
              f"{run['off_tokens_s'] / run['off_samples_s']:5.0f}  {s_o:.2f} {model}")
    print("\nmodel (held-out line)   predicted tok/s  layout      B   TPOT p99/lim  TTFT p99/lim  next batch refused by")
    for line, (r, b) in points.items():
        if b is None:
            continue
        print(f"{line:5d}  {r.predicted:16,.0f}  tp{int(b['tp'])} pp{int(b['pp'])}  {b['B']:6.0f}  "
              f"{b['tpot'] / TPOT_LIMIT_S:12.2f}  {b['ttft'] / TTFT_LIMIT_S:12.2f}  {b['next']}"
              f"  (KV rows {b['kv_rows']:.0f})")


if __name__ == "__main__":
    main()
