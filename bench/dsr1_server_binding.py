"""DeepSeek-R1 Server as NVIDIA ran it in MLPerf Inference v5.1 against the model's capacity point (a diagnostic).

    PYTHONPATH=. python3 bench/dsr1_server_binding.py               (~3 s CPU)
    PYTHONPATH=. python3 bench/dsr1_server_binding.py --with kv_room (any of validate's MECHANISMS)

For each NVIDIA v5.1 DeepSeek-R1 Server run (GB300 x72, GB200 x72, B200 x8) it prints what the run's LoadGen summary
says -- the rows a rank by Little's law, the fraction of each limit (TTFT 2 s, TPOT 80 ms) it ran at, the share of its
metric lost to the run's last query (LoadGen's completed rate), its tokens a query -- and the model's capacity point
for the same system (compiler/models/inference.py `search`, bench/capacity_binding.py's labels: which limit refuses
the next grid batch). The run figures are held-out public figures: printed, never fitted (docs/accuracy.md "DeepSeek-R1
Server: what binds the run and the model", s11-dsr1).

Sources of RUNS [P] (read 2026-12-05): https://github.com/mlcommons/inference_results_v5.1 @965182b0 (2025-09-09),
closed/NVIDIA/results/<system>/deepseek-r1/{Server,Offline}/performance/run_1/mlperf_log_summary.txt (completed and
scheduled samples/s, completed tokens/s, mean latency, TTFT p99, TPOT mean and p99, min_query_count, Offline tokens/s
and samples/s) and closed/NVIDIA/configs/<system>/Server/deepseek-r1.py (tensor_parallelism 8 with
enable_attention_dp, moe_expert_parallelism 8: 8 attention ranks of one GPU each per engine; gpu_batch_size 512 a
rank; max_num_tokens 3,456; kvcache_free_gpu_mem_frac 0.9; no speculative decoding; aggregated TensorRT harness).
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

TTFT_LIMIT_S, TPOT_LIMIT_S = 2.0, 0.080        # mlperf.conf deepseek-r1 Server (same commit) [P]

# name: heldout line of the Server throughput row, GPUs, completed and scheduled samples/s, completed tokens/s, mean
# latency s, TTFT p99 s, TPOT mean s, TPOT p99 s, LoadGen min_query_count, Offline tokens/s, Offline samples/s,
# gpu_batch_size a rank (configs)
RUNS = {
    "GB300-NVL72_GB300-288GB_aarch64x72_TRT": dict(line=126, gpus=72, completed=56.95, scheduled=60.08,
        tokens_s=209327.68, latency=233.104690927, ttft_p99=1.939676236, tpot_mean=0.063719543,
        tpot_p99=0.070849584, queries=219400, off_tokens_s=420659, off_samples_s=115.017, cap=512),
    "GB200-NVL72_GB200-186GB_aarch64x72_TRT": dict(line=121, gpus=72, completed=44.76, scheduled=45.06,
        tokens_s=167578.06, latency=216.208976941, ttft_p99=1.245960713, tpot_mean=0.069572752,
        tpot_p99=0.064452775, queries=210624, off_tokens_s=289712, off_samples_s=77.995, cap=512),
    "B200-SXM-180GBx8_TRT": dict(line=None, gpus=8, completed=4.96, scheduled=5.02, tokens_s=18592.24,
        latency=248.933888892, ttft_p99=1.695862246, tpot_mean=0.066461232, tpot_p99=0.072180235,
        queries=26328, off_tokens_s=33379, off_samples_s=8.93431, cap=512),
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
    lines = [r["line"] for r in RUNS.values() if r["line"]]
    keep = [rows[i - 2] for i in lines]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "dsr1.csv"
        with open(path, "w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows({**r, "value": r["value"] or "1"} for r in keep)
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
        points[line] = (r, CB.binding(q, TPOT_LIMIT_S, TTFT_LIMIT_S) if q is not None else None)
    return points


def main() -> None:
    mech = CB.mechanisms()
    points = model_points(mech)
    print("run (v5.1 NVIDIA)                         rows/rank  TTFT p99/lim  TPOT p99/lim  last-query factor (s)"
          "  tok/query S / O   S/O")
    for name, run in RUNS.items():
        f, lat = last_query_share(run)
        ttft, tpot = fractions(run)
        print(f"{name:42s} {rows_a_rank(run):8.0f}  {ttft:12.2f}  {tpot:12.2f}  {f:8.3f} ({lat:5.0f})"
              f"        {run['tokens_s'] / run['completed']:6.0f} / {run['off_tokens_s'] / run['off_samples_s']:5.0f}"
              f"  {run['tokens_s'] / run['off_tokens_s']:.2f}")
    print("\nmodel (held-out line)   predicted tok/s  layout      B   TPOT p99/lim  TTFT p99/lim  next batch refused by")
    for line, (r, b) in points.items():
        if b is None:
            continue
        print(f"{line:5d}  {r.predicted:16,.0f}  tp{int(b['tp'])} pp{int(b['pp'])}  {b['B']:6.0f}  "
              f"{b['tpot'] / TPOT_LIMIT_S:12.2f}  {b['ttft'] / TTFT_LIMIT_S:12.2f}  {b['next']}"
              f"  (KV rows {b['kv_rows']:.0f})")


if __name__ == "__main__":
    main()
