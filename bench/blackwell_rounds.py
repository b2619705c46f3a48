"""Blackwell and Blackwell Ultra across MLPerf Inference rounds: the runs a GPU against the model (a diagnostic).

    PYTHONPATH=. python3 bench/blackwell_rounds.py                                  (~5 s CPU: validate once)
    PYTHONPATH=. python3 bench/blackwell_rounds.py --with engine_output_lengths_405b (any of validate's MECHANISMS)

It prints, for NVIDIA's Llama 3.1 405B Offline runs of v5.0, v5.1 and v6.0 and the gpt-oss-120b Offline runs of v6.0,
the measured tokens/s a GPU, the model's (validate's rows: the submitters' layouts of compiler/validate.py LAYOUTS, the
default mechanisms) and the error, then the per-GPU ratios between chips that the rows allow. The run figures are
public figures of the later rounds: printed, never fitted (docs/accuracy.md "The Blackwell held-out rows against the
submissions themselves", s15-bw).

Sources of RUNS [P] (the runs' performance/run_1/mlperf_log_summary.txt "Tokens per second", read 2026-12-06):
v5.0: reference/mlperf_calibration.csv lines 1228 and 1252 (ntuhpc/mlperf_inference_results_v5.0 @cf354115);
v5.1: https://github.com/mlcommons/inference_results_v5.1 @965182b0 closed/NVIDIA/results/<system>/llama3.1-405b/Offline;
v6.0: https://github.com/gbeezybez/inference_results_v6.0 @232fbf9 (a fork of mlcommons/inference_results_v6.0)
closed/<submitter>/results/<system>/{llama3.1-405b,gpt-oss-120b}/Offline.
"""
from __future__ import annotations

import csv
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from compiler import validate as V  # noqa: E402

V50 = "https://github.com/ntuhpc/mlperf_inference_results_v5.0/tree/main/closed/NVIDIA/results/{}/llama3_1-405b/Offline"
V51 = "https://github.com/mlcommons/inference_results_v5.1/tree/main/closed/NVIDIA/results/{}/{}/Offline"
V60 = "https://github.com/mlcommons/inference_results_v6.0/tree/main/closed/{}/results/{}/{}/Offline"
B200, GB200, GB300, B300 = ("NVIDIA B200-SXM-180GB", "NVIDIA GB200", "NVIDIA GB300", "NVIDIA B300-SXM-270GB")
# (round, benchmark, label, accelerator, GPUs, measured tokens/s, source)
RUNS = [
    ("inference-v5.0", "llama3.1-405b", "NVIDIA 8x B200", B200, 8, 1526.29, V50.format("B200-SXM-180GBx8_TRT")),
    ("inference-v5.0", "llama3.1-405b", "NVIDIA GB200 NVL72", GB200, 72, 13886.4,
     V50.format("GB200-NVL72_GB200-186GB_aarch64x72_TRT_Triton")),
    ("inference-v5.1", "llama3.1-405b", "NVIDIA 8x B200", B200, 8, 1624.11, V51.format("B200-SXM-180GBx8_TRT",
                                                                                      "llama3.1-405b")),
    ("inference-v5.1", "llama3.1-405b", "NVIDIA GB200 NVL72", GB200, 72, 14774.3,
     V51.format("GB200-NVL72_GB200-186GB_aarch64x72_TRT", "llama3.1-405b")),
    ("inference-v5.1", "llama3.1-405b", "NVIDIA GB300 NVL72", GB300, 72, 16104.1,
     V51.format("GB300-NVL72_GB300-288GB_aarch64x72_TRT", "llama3.1-405b")),
    ("inference-v6.0", "llama3.1-405b", "NVIDIA GB200 NVL72", GB200, 72, 15461.5,
     V60.format("NVIDIA", "GB200-NVL72_GB200-186GB_aarch64x72_TRT", "llama3.1-405b")),
    ("inference-v6.0", "llama3.1-405b", "NVIDIA GB300 NVL72", GB300, 72, 19511.7,
     V60.format("NVIDIA", "GB300-NVL72_GB300-288GB_aarch64x72_TRT", "llama3.1-405b")),
    ("inference-v6.0", "llama3.1-405b", "NVIDIA 8x B300", B300, 8, 1951.6,
     V60.format("NVIDIA", "B300-SXM-270GBx8_TRT", "llama3.1-405b")),
    ("inference-v6.0", "llama3.1-405b", "Cisco 8x B300", B300, 8, 1971.11,
     V60.format("Cisco", "C880A_M8_B300_288GBx8_TRT", "llama3.1-405b")),
    ("inference-v6.0", "gpt-oss-120b", "Nebius 8x B200", B200, 8, 85921.2,
     V60.format("Nebius", "nebius_b200_n1", "gpt-oss-120b")),
    ("inference-v6.0", "gpt-oss-120b", "NVIDIA GB200 NVL72", GB200, 72, 879542.0,
     V60.format("NVIDIA", "GB200-NVL72_GB200-186GB_aarch64x72_TRT", "gpt-oss-120b")),
    ("inference-v6.0", "gpt-oss-120b", "NVIDIA GB300 NVL72", GB300, 72, 1042980.0,
     V60.format("NVIDIA", "GB300-NVL72_GB300-288GB_aarch64x72_TRT", "gpt-oss-120b")),
    ("inference-v6.0", "gpt-oss-120b", "NVIDIA 8x B300 (held-out 489)", B300, 8, 103961.0,
     V60.format("NVIDIA", "B300-SXM-270GBx8_TRT", "gpt-oss-120b")),
]
HEADER = ["round", "benchmark", "scenario", "system", "accelerator", "num_accelerators", "metric", "value", "unit",
          "source"]


def per_gpu(mechanisms=None) -> list[dict]:
    """Each run with its measured and modelled tokens/s a GPU (validate's rows, one pass)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "runs.csv"
        with open(path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(HEADER)
            for rnd, bench, label, acc, n, value, source in RUNS:
                writer.writerow([rnd, bench, "Offline", label, acc, n, "throughput", value, "Tokens/s", source])
        out, sink = V.run(str(path), mechanisms=mechanisms)
    assert not sink.items, [d.message for d in sink.items]
    rows = []
    for run, r in zip(RUNS, out):
        n = run[4]
        rows.append(dict(round=run[0], benchmark=run[1], label=run[2], chip=r.chip, measured=run[5] / n,
                         model=r.predicted / n, error=r.predicted / run[5] - 1))
    return rows


def main(argv: list[str]) -> None:
    on = tuple(argv[i + 1] for i, a in enumerate(argv) if a == "--with")
    rows = per_gpu(V.mechanisms_with(on=on) if on else None)
    print(f"{'round':15s} {'benchmark':14s} {'run':30s} {'tok/s a GPU':>12s} {'model':>9s} {'error':>7s}")
    for r in rows:
        print(f"{r['round']:15s} {r['benchmark']:14s} {r['label']:30s} {r['measured']:12,.1f} {r['model']:9,.1f} "
              f"{r['error'] * 100:+6.1f}%")
    by = {(r["round"], r["benchmark"], r["label"]): r for r in rows}
    pairs = [("405B v6.0 GB300 / v5.1 GB300 (one engine class)", ("inference-v6.0", "llama3.1-405b", "NVIDIA GB300 NVL72"),
              ("inference-v5.1", "llama3.1-405b", "NVIDIA GB300 NVL72")),
             ("405B v6.0 GB300 / GB200", ("inference-v6.0", "llama3.1-405b", "NVIDIA GB300 NVL72"),
              ("inference-v6.0", "llama3.1-405b", "NVIDIA GB200 NVL72")),
             ("gpt-oss GB300 / GB200", ("inference-v6.0", "gpt-oss-120b", "NVIDIA GB300 NVL72"),
              ("inference-v6.0", "gpt-oss-120b", "NVIDIA GB200 NVL72")),
             ("gpt-oss B300 / GB300", ("inference-v6.0", "gpt-oss-120b", "NVIDIA 8x B300 (held-out 489)"),
              ("inference-v6.0", "gpt-oss-120b", "NVIDIA GB300 NVL72")),
             ("gpt-oss B200 / GB200", ("inference-v6.0", "gpt-oss-120b", "Nebius 8x B200"),
              ("inference-v6.0", "gpt-oss-120b", "NVIDIA GB200 NVL72"))]
    print("\nratio a GPU                                        measured    model")
    for name, a, b in pairs:
        print(f"{name:50s} {by[a]['measured'] / by[b]['measured']:8.3f} {by[a]['model'] / by[b]['model']:8.3f}")


if __name__ == "__main__":
    main(sys.argv[1:])
