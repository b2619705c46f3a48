"""Llama 3.1 405B on Blackwell by chip: validate's plan and step of NVIDIA's Offline / Server runs, term by term.

    PYTHONPATH=. python3 bench/blackwell_405_steps.py                 (~15 s CPU: one validate evaluation)
    PYTHONPATH=. python3 bench/blackwell_405_steps.py --with NAME     (any of validate's MECHANISMS; repeatable)

Each run is planned as validate plans its row (layout, budget, caps, every applied mechanism) and evaluated once;
printed: the measured and predicted tokens/s a GPU, the layout and rows, the step (tpot) and its decode terms
(`detail.decode_*_time`, ms) and the clock fraction. The figures: reference/mlperf_calibration.csv lines 1228 / 1252
(v5.0, in-sample) and bench/v51_server_offline.py's PAIRS (v5.1, NVIDIA's summaries; held out, printed, never
fitted). docs/accuracy.md "The DeepSeek-R1 attention-DP step's per-row time; Blackwell 405B by chip", section 3.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from compiler import evaluate_text  # noqa: E402
from compiler import validate as V  # noqa: E402
from compiler.validate_docs import write_filled  # noqa: E402

_SRC = "https://github.com/mlcommons/inference_results_{}/tree/main/closed/NVIDIA/results/{}"
RUNS = (   # (round, scenario, result directory, accelerator, GPUs, tokens/s)
    ("inference-v5.1", "Offline", "GB300-NVL72_GB300-288GB_aarch64x72_TRT", "NVIDIA GB300", 72, 16104.1),
    ("inference-v5.1", "Offline", "GB200-NVL72_GB200-186GB_aarch64x72_TRT", "NVIDIA GB200", 72, 14774.3),
    ("inference-v5.1", "Offline", "B200-SXM-180GBx8_TRT", "NVIDIA B200-SXM-180GB", 8, 1624.0),
    ("inference-v5.0", "Offline", "GB200-NVL72_GB200-186GB_aarch64x72_TRT_Triton", "NVIDIA GB200", 72, 13886.4),
    ("inference-v5.0", "Offline", "B200-SXM-180GBx8_TRT", "NVIDIA B200-SXM-180GB", 8, 1526.29),
    ("inference-v5.1", "Server", "GB300-NVL72_GB300-288GB_aarch64x72_TRT", "NVIDIA GB300", 72, 12248.4),
    ("inference-v5.1", "Server", "GB200-NVL72_GB200-186GB_aarch64x72_TRT", "NVIDIA GB200", 72, 11614.3),
)
TERMS = ("gemm", "weights", "kv", "attention", "context_attention", "tp", "pp", "overhead")


def evaluate(mechanisms=None) -> list[dict]:
    """[{run fields, per-GPU measured / model, layout, tpot, terms}] of RUNS under `mechanisms`."""
    fields = ["round", "benchmark", "scenario", "system", "accelerator", "num_accelerators", "metric", "value", "unit",
              "source"]
    data = [dict(zip(fields, (rnd, "llama3.1-405b", scen, f"NVIDIA: [{directory}]", acc, n, "throughput", tps,
                              "Tokens/s", _SRC.format(rnd.split("-")[1], directory))))
            for rnd, scen, directory, acc, n, tps in RUNS]
    with tempfile.TemporaryDirectory() as tmp:
        rows = V.read_csv(str(write_filled(Path(tmp) / "blackwell_405.csv", data, fields)))
    for r in rows:
        V.plan(r, mechanisms)
    rows = [r for r in rows if not r.problem and r.fields]
    res, _ = evaluate_text(V.spec_text(rows), "blackwell_405.factory", {})
    out = []
    for r in rows:
        def v(key: str) -> float:
            return float(np.asarray(res.values[f"validation.{r.block}.{key}"], dtype=float).reshape(-1)[0])
        n = float(r.data["num_accelerators"])
        out.append(dict(label=f"{r.data['round'][-4:]} {r.data['scenario']} {r.data['accelerator'][7:]} x{n:.0f}",
                        measured=float(r.data["value"]) / n, model=v("tokens_per_s") / n,
                        layout=f"tp{v('tp'):.0f} pp{v('pp'):.0f} B{v('batch'):.0f}", tpot=v("tpot"),
                        clock=v("clock_fraction"), terms={t: v(f"detail.decode_{t}_time") for t in TERMS}))
    return out


def main(argv: list[str]) -> None:
    on = [argv[i + 1] for i, a in enumerate(argv) if a == "--with"]
    print(f"mechanisms on: {on or 'validate default'}")
    for r in evaluate(V.mechanisms_with(on=on) if on else None):
        terms = " ".join(f"{k} {1e3 * x:.1f}" for k, x in r["terms"].items())
        print(f"{r['label']:32s} tok/s a GPU measured {r['measured']:6.1f} model {r['model']:6.1f} "
              f"({r['model'] / r['measured'] - 1:+6.1%}) {r['layout']:14s} step {1e3 * r['tpot']:6.1f} ms "
              f"clock {r['clock']:.3f} | {terms}")


if __name__ == "__main__":
    main(sys.argv[1:])
