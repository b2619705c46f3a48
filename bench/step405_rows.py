"""Llama 3.1 405B: the model's decode step at each run's own rows in flight, against the run's TPOT mean, by engine.

    PYTHONPATH=. python3 bench/step405_rows.py                      (~60 s CPU: 6 runs x 14 offered loads)
    PYTHONPATH=. python3 bench/step405_rows.py --with fp4_quantize  (any of validate's MECHANISMS; repeatable)

Every run is an NVIDIA TensorRT-LLM engine (the TensorRT flow, `trtllm_executor_core`) whose summary gives its
completed tokens/s and TPOT mean (mlperf_log_summary.txt of the result directory named in RUNS). By Little's law an
engine of tp x pp GPUs holds

    b = (tokens/s of the run) / engines x TPOT mean,         engines = GPUs / (tp pp)

rows (bench/step_at_rows.py `rows_in_flight`). The model's TPOT mean at the same b is read off a sweep of the row's
validate block (validate's plan: layout, budget, the 405B prompt distribution, every applied mechanism) over
`offered_load`, interpolated in b; the latency limits are lifted for the sweep only (the step at b does not depend on
them; without it the model's TTFT bound stops the GB200 Interactive sweep at 19 of the run's 36 rows). So nothing is
fitted, and the v5.1 runs (held out of reference/mlperf_calibration.csv) are read as checks, never fitted.

At the run's own load (validate --latency-at load) the model's rows are its own: b_m = lambda t_m with lambda the
run's rows a second an engine, so a step that is short by a share d at fixed b is shorter still at fixed load:
for t(b) = a + c b, t = a / (1 - lambda c) (`at_load_step`), which is how a -10..-25% step at the runs' rows reads
as -40% at their load (docs/accuracy.md, s15-b405).

Engine flags (the config each run names; `use_graphs` False in all: "CUDA Graphs are not supported in TRT/C++ backend
yet", closed/NVIDIA/code/llmlib/config.py `TrtllmExtraYAMLConfig`, mlcommons/inference_results_v5.1 @965182b0,
read 2026-12-06 [P]):
- v5.1 B200 Interactive / Server, GB200 NVL72 Server: tp 4 pp 1, runtime `max_num_tokens` 1,536 / 2,048 / 2,048,
  `gemm_allreduce_plugin` float16, no `gemm_plugin` (closed/NVIDIA/configs/{B200-SXM-180GBx8,GB200-NVL72_GB200-186GB_
  aarch64x72}/{Interactive,Server}/llama3_1-405b.py, the Custom harness entry, same commit [P]);
- v5.1 GB200 NVL72 Interactive: tp 4 pp 1, 1,024, `gemm_plugin` fp4, no `gemm_allreduce_plugin` (same tree [P]);
- v5.0 H200 Server: tp 8 pp 1, 2,560, `max_batch_size` 64, `gemm_allreduce_plugin` float16 (ntuhpc/mlperf_inference_
  results_v5.0 @cf354115 closed/Cisco/configs/llama3_1-405b/Server/__init__.py, H200_SXM_141GBx8_TP8PP1 [P]);
- v5.0 B200 Server: tp 2 pp 2, 1,024, `gemm_plugin` fp4, `gemm_allreduce_plugin` commented out (same file,
  B200_SXM_180GB_TP2PP2x2 [P]).
A measurement harness, not the product: validate's numbers are unchanged.
"""
from __future__ import annotations

import csv
import os
import re
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from compiler import validate as V  # noqa: E402

_V51 = "https://github.com/mlcommons/inference_results_v5.1/tree/main/closed/NVIDIA/results/{}/llama3.1-405b/{}"
_V50 = ("https://github.com/mlcommons/inference_results_v5.0/tree/main/closed/NVIDIA/results/{}/llama3.1-405b/{}")
# (label, round, result directory, scenario, accelerator, GPUs, tok/s, TPOT mean s, tp, pp, budget, plugin):
# the summaries' "Completed tokens per second" and "Mean Time to Output Token" (v5.1: mlcommons/inference_results_v5.1
# @965182b0 .../performance/run_1/mlperf_log_summary.txt, read 2026-12-06 [P]; v5.0: reference/mlperf_calibration.csv
# lines 586/589 and 1223/1226, the same summaries [P]); the engine columns from the configs in the docstring.
RUNS = (
    ("v5.1 8x B200 Interactive", "inference-v5.1", "B200-SXM-180GBx8_TRT", "Interactive",
     "NVIDIA B200-SXM-180GB", 8, 751.37, 0.062316, 4, 1, 1536, True),
    ("v5.1 8x B200 Server", "inference-v5.1", "B200-SXM-180GBx8_TRT", "Server",
     "NVIDIA B200-SXM-180GB", 8, 1240.42, 0.101335, 4, 1, 2048, True),
    ("v5.1 GB200 x72 Interactive", "inference-v5.1", "GB200-NVL72_GB200-186GB_aarch64x72_TRT", "Interactive",
     "NVIDIA GB200", 72, 9921.02, 0.066169, 4, 1, 1024, False),
    ("v5.1 GB200 x72 Server", "inference-v5.1", "GB200-NVL72_GB200-186GB_aarch64x72_TRT", "Server",
     "NVIDIA GB200", 72, 11614.28, 0.104261, 4, 1, 2048, True),
    ("v5.0 8x H200 Server", "inference-v5.0", "H200-SXM-141GBx8_TRT", "Server",
     "NVIDIA H200-SXM-141GB", 8, 291.18, 0.05668, 8, 1, 2560, True),
    ("v5.0 8x B200 Server", "inference-v5.0", "B200-SXM-180GBx8_TRT", "Server",
     "NVIDIA B200-SXM-180GB", 8, 845.82, 0.08702, 2, 2, 1024, False),
)
LOADS = np.geomspace(0.3, 1.6, 14)     # offered loads swept, as shares of the run's own tokens/s


def rows_in_flight(tokens_per_s: float, gpus: int, tp: int, pp: int, tpot_mean: float) -> float:
    """Little's law: the rows an engine of tp x pp GPUs holds, b = tokens/s / (GPUs / (tp pp)) x TPOT mean."""
    return tokens_per_s / (gpus / (tp * pp)) * tpot_mean


def at_load_step(a: float, c: float, rate: float) -> float:
    """The step of a linear t(b) = a + c b at a fixed arrival of `rate` rows a second an engine (b = rate t):
    t = a + c rate t, so t = a / (1 - c rate); infinite where c rate >= 1 (no steady state)."""
    return a / (1.0 - c * rate) if c * rate < 1.0 else float("inf")


def _blocks(mechanisms: dict) -> dict[str, tuple[str, str]]:
    """The validate block (the spec text's header and the block) of each run's TPOT mean row."""
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["round", "benchmark", "scenario", "system", "accelerator", "num_accelerators", "metric",
                    "value", "unit", "source"])
        for label, rnd, directory, scen, acc, n, tps, tpot, *_ in RUNS:
            src = (_V51 if rnd == "inference-v5.1" else _V50).format(directory, scen)
            w.writerow([rnd, "llama3.1-405b", scen, f"NVIDIA: {label} [{directory}]", acc, n, "tpot_mean",
                        tpot * 1e3, "ms", src])
        path = fh.name
    try:
        rows = V.read_csv(path)
    finally:
        os.unlink(path)
    for r in rows:
        V.plan(r, mechanisms)
    rows = [r for r in rows if not r.problem and r.fields]
    text = V.spec_text(rows)
    text = re.sub(r"ttft_limit = .*", "ttft_limit = 1000 s", text)
    text = re.sub(r"tpot_limit = .*", "tpot_limit = 10 s", text)
    parts = re.split(r"(?=  inference w\d{4} \{)", text)
    head = parts[0]
    body = {re.search(r"inference (w\d{4})", blk).group(1): blk.split("\n}\n")[0].rstrip() + "\n"
            for blk in parts[1:]}
    return {re.search(r"NVIDIA: (.*) \[", r.data["system"]).group(1): (head, body[r.block]) for r in rows}


def sweep(head: str, block: str, tokens_per_s: float) -> list[tuple[float, float, dict]]:
    """(rows in flight, TPOT mean, step terms) of the block at each offered load of LOADS x the run's tokens/s."""
    from compiler import evaluate_text

    name = re.search(r"inference (w\d{4})", block).group(1)
    out = []
    for share in LOADS:
        text = head + block.replace("    scenario", f"    offered_load = {share * tokens_per_s:.4f} tok/s\n"
                                    "    scenario", 1) + "}\n"
        res, _ = evaluate_text(text, "step405.factory", {})
        if res is None:
            continue

        def v(key: str) -> float:
            return float(np.asarray(res.values[f"validation.{name}.{key}"], dtype=float).reshape(-1)[0])
        try:
            b, t = v("batch_in_flight"), v("tpot_mean")
        except KeyError:
            continue
        if np.isfinite(b) and np.isfinite(t):
            terms = {k: v(f"detail.decode_{k}_time") for k in ("gemm", "tp", "kv", "context_attention",
                                                               "overhead", "weights")}
            out.append((b, t, terms))
    return sorted(out, key=lambda x: x[0])


def main(argv: list[str]) -> None:
    on = [argv[i + 1] for i, a in enumerate(argv) if a == "--with"]
    mechanisms = V.mechanisms_with(on=on) if on else None
    blocks = _blocks(mechanisms)
    print(f"mechanisms on: {on or 'validate default'}")
    errors = {True: [], False: []}
    for label, rnd, directory, scen, acc, n, tps, tpot, tp, pp, budget, plugin in RUNS:
        b = rows_in_flight(tps, n, tp, pp, tpot)
        pts = sweep(*blocks[label], tps)
        bs, ts = np.array([p[0] for p in pts]), np.array([p[1] for p in pts])
        if not len(bs) or b < bs.min() or b > bs.max():
            print(f"{label:28s} b {b:5.1f}: outside the model's swept rows")
            continue
        t_m = float(np.interp(b, bs, ts))
        i = int(np.argmin(abs(bs - b)))
        terms = " ".join(f"{k} {x * 1e3:.1f}" for k, x in pts[i][2].items())
        errors[plugin].append(t_m / tpot - 1)
        print(f"{label:28s} tp{tp}pp{pp} {budget:5d} tok {'GEMM+AR plugin' if plugin else 'no plugin     '} "
              f"b {b:5.1f}: run {tpot * 1e3:6.1f} ms, model {t_m * 1e3:6.1f} ms ({t_m / tpot - 1:+6.1%}) "
              f"[at b {bs[i]:.1f}: {terms}]")
    for plugin, e in errors.items():
        if e:
            print(f"{'with' if plugin else 'without'} gemm_allreduce_plugin: model / run - 1 median "
                  f"{float(np.median(e)):+.1%} over {len(e)} runs")


if __name__ == "__main__":
    main(sys.argv[1:])
