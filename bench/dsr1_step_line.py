"""DeepSeek-R1's Server / Offline from the step's line: the runs' ADP-EP8 step at two row counts against the model's.

    PYTHONPATH=. python3 bench/dsr1_step_line.py          (~3 s CPU: the model's step at 10 points, one compile)

Every closed DeepSeek-R1 run of MLPerf Inference v5.1 and v6.0 ran one engine in both scenarios: tensor_parallelism 8
with enable_attention_dp and moe_expert_parallelism 8 (8 attention ranks of one GPU, the experts over the 8), whole
prompts, the ADP balancer (validate's ADP_ENGINE_RANKS, ADP_RANK_BATCH and their sources). So a system's two results
are two points of one step law t(b) (b: rows decoding on a rank): the Server point by Little's law (completed
samples/s x mean latency / GPUs rows, at the tokens' mean step t = b / Server tokens/s a rank: LoadGen's TPOT mean is a
mean over requests, not tokens, and differs from it by up to 21%, GB200 69.6 against 57.7 ms), the Offline point at
the rows its engine holds -- the config's gpu_batch_size a rank, or the KV cache's length-biased rows where that is
less -- at Offline tokens/s a rank = b / t. Through the two points t(b) = f + c b: f the step's part that does not
shrink with the rows, c a row's. The Server result is then the rows that an absolute limit leaves on that line: at
the run's own mean step tau, b_S = (tau - f) / c, and

    Server / Offline = (b_S / tau) / (b_O / (f + c b_O))                                          [D]

-- a floor f near the TPOT limit (80 ms p99) leaves few rows and a low ratio whatever the chip. The model's step at
the same engine (validate `--with adp_engines`: tp 1, pp 1, ep 8, the rank cap as `max_batch_size`) is read at the
same two row counts (its Offline row with the cap set to those rows: t = GPUs x b / tokens/s), its own line
(f_m, c_m) drawn through them, and the ratio the law gives (a) on the model's line at the run's tau (its Server rows
capped at the config's cap), (b) on the model's line with the run's floor in place of its own (f_run, c_m).
Every run figure is a held-out public figure: printed, never fitted (docs/accuracy.md "DeepSeek-R1 Server / Offline:
the step's floor under an absolute TPOT limit", s18-heldserver).

Sources [P], read 2026-12-06: https://github.com/mlcommons/inference_results_v5.1 @965182b0 closed/<submitter>/
results/<system>/deepseek-r1/{Server,Offline}/performance/run_1/mlperf_log_summary.txt (Server: completed samples/s,
mean latency, tokens/s; Offline: tokens/s) and closed/<submitter>/configs/<system>/{Server,Offline}/deepseek-r1.py
(gpu_batch_size a rank: 512 in every v5.1 B200 / GB200 Offline config, 1,536 in NVIDIA's GB300; CoreWeave's GB300 x8
Offline 1,536 [P]); v6.0 via fork gbeezybez/inference_results_v6.0 @232fbf9 (the same files of NVIDIA's GB300 x72).
The KV rows [D, U]: kvcache_free_gpu_mem_frac x (HBM - engine) / (61 x 576 B x 4,971.6 tokens), the length-biased
row of DeepSeek-R1 (803.79 + (1 + 1.07^2) 3,886.23 / 2; docs/accuracy.md "DeepSeek-R1 as NVIDIA ran it", h10-dsr1),
the engine 80 GB on 180-186 GB Blackwell (TensorRT-LLM blog3 "about 80 GB ... 100GB" [P]) and 85 GB on GB300 [U].
"""
from __future__ import annotations

import csv
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from compiler import validate as V  # noqa: E402
from compiler.validate_docs import write_filled  # noqa: E402

HELDOUT = ROOT / "tests" / "data" / "heldout_shape.csv"
KV_ROW_BYTES = 61 * 576 * 4971.6            # FP8 latent cache of the length-biased row [D]
ADP_RANKS = 8

# (label, GPUs, Server completed samples/s, Server mean latency s, Server tokens/s, Server gpu_batch_size a rank,
# Offline tokens/s, Offline gpu_batch_size a rank, HBM GB, engine GB, kvcache_free_gpu_mem_frac Offline, the held-out
# Offline line of the same chip and count whose model is read): the summaries and configs above [P]
RUNS = (
    ("v5.1 NVIDIA B200 x8", 8, 4.96, 248.933888892, 18592.24, 512, 33379.0, 512, 180, 80, 0.90, 68),
    ("v5.1 Dell XE9680L B200 x8", 8, 3.78, 224.538270152, 13913.33, 512, 30493.3, 512, 180, 80, 0.90, 68),
    ("v5.1 NVIDIA GB200 x72", 72, 44.76, 216.208976941, 167578.06, 512, 289712.0, 512, 186, 80, 0.90, 120),
    ("v5.1 NVIDIA GB300 x72", 72, 56.95, 233.104690927, 209327.68, 512, 420659.0, 1536, 288, 85, 0.95, 125),
    ("v6.0 NVIDIA GB300 x72", 72, 106.66, 207.405891707, 400436.77, 640, 647076.0, 1536, 288, 85, 0.95, 506),
)


def server_rows(gpus: float, completed: float, latency: float) -> float:
    """Rows decoding on a rank, by Little's law: requests in flight over the GPUs (one attention rank a GPU)."""
    return completed * latency / gpus


def offline_rows(cap: float, hbm_gb: float, engine_gb: float, frac: float) -> float:
    """The rows an Offline rank holds: its gpu_batch_size, or the KV cache's length-biased rows where fewer."""
    return min(cap, frac * (hbm_gb - engine_gb) * 1e9 / KV_ROW_BYTES)


def line(b1: float, t1: float, b2: float, t2: float) -> tuple[float, float]:
    """(f, c) of t(b) = f + c b through two points."""
    c = (t2 - t1) / (b2 - b1)
    return t1 - c * b1, c


def server_over_offline(b_s: float, t_s: float, b_o: float, t_o: float) -> float:
    """The throughput ratio of two points of one engine: (b_S / t_S) / (b_O / t_O) (a rank's rows over its step)."""
    return (b_s / t_s) / (b_o / t_o)


def model_steps(points: list[tuple[int, float]], mechanisms=None) -> list[float]:
    """The model's step (s) at each (held-out Offline line, rows a rank) under the configs' ADP engine: the row
    planned with `adp_engines`, its engine cap set to the rows (8 b), t = GPUs x b / tokens/s."""
    mech = mechanisms or V.mechanisms_with(on=("adp_engines",))
    src = list(csv.DictReader(open(HELDOUT, newline="", encoding="utf-8")))
    with tempfile.TemporaryDirectory() as tmp:
        path = write_filled(Path(tmp) / "dsr1_lines.csv", (src[n - 2] for n, _ in points), list(src[0]))
        from dsl.diagnostics import Sink
        rows = V.read_csv(str(path), Sink())
        for r, (_, b) in zip(rows, points):
            V.plan(r, mech)
            r.lets["max_batch_size"] = float(ADP_RANKS * b)
        V._evaluate(rows, None, None, Sink())
    return [float(r.data["num_accelerators"]) * b / r.predicted for r, (_, b) in zip(rows, points)]


def table() -> list[dict]:
    pts = []
    for run in RUNS:
        label, gpus, done, lat, srv, cap_s, off, cap, hbm, eng, frac, held = run
        b_s, b_o = server_rows(gpus, done, lat), offline_rows(cap, hbm, eng, frac)
        pts += [(held, round(b_s)), (held, round(b_o))]
    steps = model_steps(pts)
    out = []
    for i, run in enumerate(RUNS):
        label, gpus, done, lat, srv, cap_s, off, cap, hbm, eng, frac, held = run
        b_s, b_o = server_rows(gpus, done, lat), offline_rows(cap, hbm, eng, frac)
        tau = b_s / (srv / gpus)                                  # the tokens' mean step (b / tokens/s a rank)
        t_o = b_o / (off / gpus)
        f, c = line(b_s, tau, b_o, t_o)
        f_m, c_m = line(round(b_s), steps[2 * i], round(b_o), steps[2 * i + 1])
        b_m = min(cap_s, (tau - f_m) / c_m)                      # the model's rows at the run's tau, capped
        b_f = (tau - f) / c_m                                    # the model's slope under the run's floor
        out.append(dict(label=label, b_s=b_s, tau=tau, b_o=b_o, t_o=t_o, f=f, c=c, f_m=f_m, c_m=c_m,
                        so=server_over_offline(b_s, tau, b_o, t_o),
                        so_model_line=server_over_offline(b_m, tau, b_o, f_m + c_m * b_o),
                        so_run_floor=server_over_offline(b_f, tau, b_o, f + c_m * b_o)))
    return out


# Decode-only checks (no context ever enters these ranks, so every step is a CUDA graph; TensorRT-LLM runs graphs
# only on generation-only batches): NVIDIA's v6.0 GB300 x72 and GB200 x72 DeepSeek-R1 Interactive runs,
# disaggregated -- 4 decode workers of 16 GPUs, tensor_parallel_size 16 with enable_attention_dp and
# moe_expert_parallel_size 16, MTP with 3 draft tokens (closed/NVIDIA/configs/{GB300-NVL72_GB300-288GB_aarch64x72,
# GB200-NVL72_GB200-186GB_aarch64x72}/Interactive/deepseek-r1.py and their *x16/Interactive/disagg_decode/
# deepseek-r1.yml; the summaries' completed samples/s, tokens/s, mean latency and mean first token; fork
# gbeezybez/inference_results_v6.0 @232fbf9 [P]); the tokens a step a row: validate's sourced MTP acceptance, 2.82
# (Serving drafts) [S]
DECODE_ONLY = (
    dict(label="v6.0 GB300 x72", line=505, decode_gpus=64, completed=66.90, tokens_s=250633.67,
         latency=42.157978246, ttft=0.420372223, accepted=2.82),
    dict(label="v6.0 GB200 x72", line=490, decode_gpus=64, completed=63.90, tokens_s=240317.85,
         latency=43.932930773, ttft=0.333476905, accepted=2.82),
)


def decode_only_checks() -> list[dict]:
    """Each run's decode rows a rank (Little's law over the decode time), its step (rows x accepted tokens / tokens/s
    a rank) and the model's step at the same rows (validate's default plan of the row, the 16-rank decode engine's
    cap set to those rows: t = the model's TPOT mean x accepted tokens); one compile for both."""
    src = list(csv.DictReader(open(HELDOUT, newline="", encoding="utf-8")))
    runs = []
    for d in DECODE_ONLY:
        b = d["completed"] * (d["latency"] - d["ttft"]) / d["decode_gpus"]
        runs.append(dict(label=d["label"], rows=b, step=b * d["accepted"] / (d["tokens_s"] / d["decode_gpus"])))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "dsr1_decode.csv"
        with open(path, "w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=list(src[0]))
            w.writeheader()
            w.writerows({**src[d["line"] - 2], "metric": "tpot_mean", "value": "1", "unit": "ms"} for d in DECODE_ONLY)
        from dsl.diagnostics import Sink
        rows = V.read_csv(str(path), Sink())
        for r, run in zip(rows, runs):
            V.plan(r, None)
            r.lets["max_batch_size"] = float(16 * round(run["rows"]))    # a 16-rank decode engine at the run's rows
        V._evaluate(rows, None, None, Sink())
    for r, run, d in zip(rows, runs, DECODE_ONLY):
        run["model_step"] = r.predicted * d["accepted"]
    return runs


def main() -> None:
    print("DeepSeek-R1, one ADP-EP8 engine in both scenarios: the step's line t(b) = f + c b through the run's Server"
          " point (Little) and Offline point (cap or KV rows)")
    print(f"{'run':28s} {'Server b':>8s} {'tau ms':>6s} {'Offline b':>9s} {'t_O ms':>7s} | {'f ms':>5s} {'c ms':>6s}"
          f" | {'model f':>7s} {'c':>6s} | {'S/O run':>7s} {'model line':>10s} {'run floor':>9s}")
    for r in table():
        print(f"{r['label']:28s} {r['b_s']:8.1f} {r['tau'] * 1e3:6.1f} {r['b_o']:9.0f} {r['t_o'] * 1e3:7.1f} | "
              f"{r['f'] * 1e3:5.1f} {r['c'] * 1e3:6.3f} | {r['f_m'] * 1e3:7.1f} {r['c_m'] * 1e3:6.3f} | "
              f"{r['so']:7.2f} {r['so_model_line']:10.2f} {r['so_run_floor']:9.2f}")
    print("S/O run: the law on the run's own two points (the measured ratio); model line: the model's step law at the"
          " run's tau (Server rows capped at gpu_batch_size); run floor: the model's slope with the run's floor")
    for c in decode_only_checks():
        print(f"decode-only check ({c['label']} Interactive, disaggregated ADP16 EP16 decode ranks, MTP 2.82 tokens "
              f"a step): {c['rows']:.1f} rows a rank, step {c['step'] * 1e3:.1f} ms; the model at those rows "
              f"{c['model_step'] * 1e3:.1f} ms ({c['model_step'] / c['step'] - 1:+.0%})")


if __name__ == "__main__":
    main()
