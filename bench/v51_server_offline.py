"""Server / Offline of every MLPerf Inference v5.1 closed Llama 3.1 405B and DeepSeek-R1 pair, measured and modelled.

    PYTHONPATH=. python3 bench/v51_server_offline.py           (~4 s CPU: validate on the held-out file's 26 rows)
    PYTHONPATH=. python3 bench/v51_server_offline.py --step    (and the model's 405B step at the GB300 x72 Server
                                                                run's own rows, bench/step405_rows.py: ~40 s more)

A held-out row can miss in one scenario and not the other (GB300 x72: 405B Offline +44.3% / Server +12.8%,
DeepSeek-R1 Offline -3.3% / Server +43.5%). The ratio Server / Offline of one system says which scenario the model
misses: a system's two results share the chips, the software and (mostly) the engine, so a ratio that is stable across
submitters and chips in the runs and not in the model puts the miss on the scenario whose error moves. This prints
the ratio for every v5.1 closed pair of the two benchmarks (the runs), the model's for the systems the held-out file
has a row of (tests/data/heldout_shape.csv, validate's plan, values filled with 1 as tests/test_heldout_shape.py
does), and, for DeepSeek-R1 Server, each run's rows a rank by Little's law (completed samples/s x mean latency /
GPUs: one attention rank a GPU, tensor_parallelism 8 with enable_attention_dp) and its mean step (TPOT mean).
Every run figure is a held-out public figure: printed, never fitted (docs/accuracy.md "GB300 NVL72's held-out
misses against every v5.1 submitter", s17-gb300).

Sources [P], read 2026-12-06: https://github.com/mlcommons/inference_results_v5.1 @965182b0 (2025-09-09)
summary_results.json (`Performance_Result`, Tokens/s, of each closed result; the result directory is the
`Location`'s fourth part), closed/<submitter>/results/<dir>/deepseek-r1/Server/performance/run_1/
mlperf_log_summary.txt (completed samples/s, mean latency, TTFT p99, TPOT mean and p99) and closed/<submitter>/
configs/<system>/Server/deepseek-r1.py (`moe_backend`, `gpu_batch_size`, runtime `max_num_tokens`).
"""
from __future__ import annotations

import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from compiler import validate as V  # noqa: E402
from v51_interactive_offline import heldout_predictions  # noqa: E402

L405, DSR1 = "llama3.1-405b", "deepseek-r1"

# (benchmark, submitter, result directory, accelerator, GPUs, Offline tok/s, Server tok/s, the held-out file's
# Offline / Server lines of the same accelerator and count): summary_results.json [P]
PAIRS = (
    (L405, "NVIDIA", "GB300-NVL72_GB300-288GB_aarch64x72_TRT", "GB300", 72, 16104.1, 12248.4, (127, 128)),
    (L405, "NVIDIA", "GB200-NVL72_GB200-186GB_aarch64x72_TRT", "GB200", 72, 14774.3, 11614.3, (123, 124)),
    (L405, "Azure", "ND_GB200_v6", "GB200", 4, 847.233, 584.008, (30, 31)),
    (L405, "Nebius", "GB200-NVL72_GB200-186GB_aarch64x4_TRT", "GB200", 4, 855.82, 596.108, (30, 31)),
    (L405, "NVIDIA", "B200-SXM-180GBx8_TRT", "B200", 8, 1624.11, 1240.42, (32, 33)),
    (L405, "Broadcom_Supermicro", "vSYS-422GA-NBRT-B200-SXM-180GBx8_TRT", "B200", 8, 1650.43, 1243.86, (32, 33)),
    (L405, "Dell", "XE9680L_B200_SXM_180GBx8_TRT", "B200", 8, 1648.03, 1243.17, (32, 33)),
    (L405, "Dell", "XE9685L_B200_SXM_180GBx8_TRT", "B200", 8, 1660.71, 1246.56, (32, 33)),
    (L405, "GigaComputing", "G894-SD1_B200-SXM-180GBx8_TRT", "B200", 8, 1625.66, 1244.97, (32, 33)),
    (L405, "Google", "B200-SXM-180GBx8_TRT", "B200", 8, 1655.36, 1246.79, (32, 33)),
    (L405, "Lambda", "B200-SXM-180GBx8_TRT", "B200", 8, 1648.6, 1246.79, (32, 33)),
    (L405, "Lenovo", "SR780a_V3_B200SXMx8_TRT", "B200", 8, 1637.11, 1249.04, (32, 33)),
    (L405, "Nebius", "B200-SXM-180GBx8_TRT", "B200", 8, 1659.5, 1279.53, (32, 33)),
    (L405, "Oracle", "B200-SXM-180GBx8_TRT", "B200", 8, 1615.85, 1243.67, (32, 33)),
    (L405, "Supermicro", "SYS-422GA-NBRT-LCC_B200-SXM-180GBx8_TRT", "B200", 8, 1641.34, 1240.44, (32, 33)),
    (L405, "Supermicro", "SYS-422GS-NBRT-LCC_B200-SXM-180GBx8_TRT", "B200", 8, 1650.51, 1244.69, (32, 33)),
    (L405, "Supermicro", "SYS-A21GE-NBRT_B200-SXM-180GBx8_TRT", "B200", 8, 1621.72, 1242.84, (32, 33)),
    (L405, "Nebius", "H200-SXM-141GBx8_TRT", "H200", 8, 552.749, 295.36, (130, 131)),
    (L405, "Quanta_Cloud_Technology", "D74U-7U_H200-SXM-141GBx8_TRT", "H200", 8, 550.106, 295.523, (130, 131)),
    (L405, "Cisco", "C885A_M8_H200_SXM_141GBx16_TRT", "H200", 16, 1086.01, 584.291, (42, 43)),
    (L405, "Cisco", "HGX-H100_H100-SXM-80GBx16_TRT", "H100", 16, 783.131, 563.365, (52, 53)),
    (L405, "Cisco", "HGX-H100_H100-SXM-80GBx32_TRT", "H100", 32, 1561.57, 1126.94, (58, 59)),
    (DSR1, "NVIDIA", "GB300-NVL72_GB300-288GB_aarch64x72_TRT", "GB300", 72, 420659.0, 209328.0, (125, 126)),
    (DSR1, "CoreWeave", "GB300-NVL8-CoreWeave_TRT", "GB300", 8, 48047.0, 22545.1, (155, 156)),
    (DSR1, "NVIDIA", "GB200-NVL72_GB200-186GB_aarch64x72_TRT", "GB200", 72, 289712.0, 167578.0, (120, 121)),
    (DSR1, "NVIDIA", "B200-SXM-180GBx8_TRT", "B200", 8, 33379.0, 18592.2, (68, 69)),
    (DSR1, "Dell", "XE9680L_B200_SXM_180GBx8_TRT", "B200", 8, 30493.3, 13913.3, (68, 69)),
    (DSR1, "Dell", "XE9685L_B200_SXM_180GBx8_TRT", "B200", 8, 30766.5, 13963.0, (68, 69)),
    (DSR1, "GigaComputing", "G894-SD1_B200-SXM-180GBx8_TRT", "B200", 8, 30873.9, 15977.9, (68, 69)),
    (DSR1, "Google", "B200-SXM-180GBx8_TRT", "B200", 8, 31920.3, 14630.7, (68, 69)),
)

# DeepSeek-R1 Server runs (every one tensor_parallelism 8 + enable_attention_dp + moe_expert_parallelism 8, the ADP
# balancer, whole prompts): (submitter, result directory, GPUs, completed samples/s, mean latency s, TTFT p99 s,
# TPOT mean s, TPOT p99 s, moe_backend, gpu_batch_size a rank, runtime max_num_tokens) [P]
DSR1_SERVER = (
    ("NVIDIA", "GB300-NVL72_GB300-288GB_aarch64x72_TRT", 72, 56.95, 233.104690927, 1.939676236, 0.063719543,
     0.070849584, "WIDEEP", 512, 3456),
    ("CoreWeave", "GB300-NVL8-CoreWeave_TRT", 8, 6.13, 233.789068581, 1.210188305, 0.063589813, 0.067341349,
     "CUTLASS", 1536, 6656),
    ("NVIDIA", "GB200-NVL72_GB200-186GB_aarch64x72_TRT", 72, 44.76, 216.208976941, 1.245960713, 0.069572752,
     0.064452775, "WIDEEP", 512, 3456),
    ("NVIDIA", "B200-SXM-180GBx8_TRT", 8, 4.96, 248.933888892, 1.695862246, 0.066461232, 0.072180235,
     "WIDEEP", 512, 3456),
    ("Dell", "XE9680L_B200_SXM_180GBx8_TRT", 8, 3.78, 224.538270152, 1.631088424, 0.061003180, 0.064867284,
     "WIDEEP", 512, 3456),
    ("Dell", "XE9685L_B200_SXM_180GBx8_TRT", 8, 3.79, 220.974550837, 1.834625744, 0.059934795, 0.063378012,
     "WIDEEP", 512, 3456),
    ("GigaComputing", "G894-SD1_B200-SXM-180GBx8_TRT", 8, 4.28, 218.210263550, 1.773829552, 0.058452306,
     0.061738578, "WIDEEP", 768, 3456),
    ("Google", "B200-SXM-180GBx8_TRT", 8, 3.98, 225.046402606, 1.803047226, 0.061274613, 0.065038994,
     "WIDEEP", 512, 3456),
)


def server_over_offline(offline: float, server: float) -> float:
    """A system's Server / Offline throughput."""
    return server / offline


def rows_a_rank(samples_s: float, latency_s: float, gpus: int) -> float:
    """Little's law: requests in flight (arrival x mean time in the system) over the attention ranks, one a GPU."""
    return samples_s * latency_s / gpus


def model_predictions(mechanisms=None) -> dict[int, float]:
    """{held-out line: validate's predicted throughput} for the lines PAIRS names (validate on those rows alone:
    v51_interactive_offline.heldout_predictions)."""
    return heldout_predictions(sorted({n for p in PAIRS for n in p[7]}), mechanisms)


def main(argv: list[str]) -> None:
    on = [argv[i + 1] for i, a in enumerate(argv) if a == "--with"]
    pred = model_predictions(V.mechanisms_with(on=on) if on else None)
    print(f"mechanisms on: {on or 'validate default'}")
    print(f"{'benchmark':14s} {'submitter':24s} {'chip':6s} {'GPUs':>4s} {'Offline':>10s} {'Server':>10s} {'S/O':>5s}"
          f" | model S/O, Offline / Server error (held-out lines)")
    by_chip: dict[tuple, list[float]] = {}
    for bench, sub, _, chip, n, off, srv, (lo, ls) in PAIRS:
        ratio = server_over_offline(off, srv)
        by_chip.setdefault((bench, chip), []).append(ratio)
        model = ""
        if lo in pred and ls in pred:
            model = (f"{pred[ls] / pred[lo]:.2f}, {pred[lo] / off - 1:+.1%} / {pred[ls] / srv - 1:+.1%}"
                     f" ({lo}/{ls})")
        print(f"{bench:14s} {sub[:24]:24s} {chip:6s} {n:4d} {off:10,.0f} {srv:10,.0f} {ratio:5.2f} | {model}")
    print("\nmeasured S/O by benchmark and chip: median (min-max, runs)")
    for (bench, chip), rs in by_chip.items():
        print(f"  {bench:14s} {chip:6s} {statistics.median(rs):.2f} ({min(rs):.2f}-{max(rs):.2f}, {len(rs)})")
    print("\nDeepSeek-R1 v5.1 Server runs: rows a rank (Little), mean step, limits' shares (TTFT 2 s, TPOT 80 ms)")
    for sub, d, n, qps, lat, ttft99, tpot, tpot99, moe, cap, budget in DSR1_SERVER:
        print(f"  {sub:14s} {d[:40]:40s} x{n:<3d} rows {rows_a_rank(qps, lat, n):6.1f}  step {tpot * 1e3:5.1f} ms"
              f"  TTFT {ttft99 / 2.0:.2f}  TPOT {tpot99 / 0.080:.2f}  {moe:8s} cap {cap:5d}  budget {budget}")
    if "--step" in argv:
        import step405_rows as S
        S.RUNS = (("v5.1 GB300 x72 Server", "inference-v5.1", "GB300-NVL72_GB300-288GB_aarch64x72_TRT", "Server",
                   "NVIDIA GB300", 72, 12248.42, 0.075739203, 2, 1, 1536, True),) + S.RUNS[3:4]
        S.main([a for a in argv if a != "--step"])


if __name__ == "__main__":
    main(sys.argv[1:])
