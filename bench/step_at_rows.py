"""The model's decode step at each run's own rows in flight, term by term, at the submitter's engine layout.

    PYTHONPATH=. python3 bench/step_at_rows.py                  (~4 s CPU: validate once, the search's grid kept)
    PYTHONPATH=. python3 bench/step_at_rows.py --with knee_power_all   (any of validate's MECHANISMS, `--with` again
                                                                      for more)

A Server run's rows in flight per engine follow from Little's law: every row emits one token a step, so an engine
of tp x pp GPUs holding b rows at a mean step t emits b / t tokens a second, and

    b = (tokens/s of the run) / (engines) x TPOT mean,   engines = GPUs / (tp pp),   t = TPOT mean

(tokens/s = completed queries/s x the benchmark's mean output, 294.45 tokens for Llama 2 70B; TPOT mean is
LoadGen's per-request mean, ~the mean step: docs/accuracy.md "TPOT mean by mechanism"; reference/
mlperf_ttft_percentiles.csv, MLCommons inference v4.1 / v5.0 results, read 2026-12). The model's step at the same b
is its mean step `t_iter` on the search's batch grid of the row's own validate block at that layout, interpolated in
ln b between the grid's batches (the grid's columns are the model at B rows in flight with its prompts at the rate
those rows carry, B r prompt tokens a step): so nothing here is fitted and nothing is read off the run but b. The
terms (`decode_*_time`, `clock_fraction`) are those of the TPOT design point at that b, as `factory explain` prints
them. The layouts printed are the model's own pick and, where they differ, tp 1 x pp 1 and tp 1 x pp 2 (NVIDIA's
v5.0 H200 Interactive and H100 SXM Server engines: ntuhpc/mlperf_inference_results_v5.0@cf354115
closed/Cisco/configs/{llama2-70b,llama2-70b-interactive}/Server/__init__.py, NVIDIA's classes, read 2026-12-05 [P]).

A measurement harness, not the product: validate's numbers are unchanged. docs/accuracy.md "The step and the prompt
queue at the runs' own rows" (s11-istep) has the tables this prints and what they say.
"""
from __future__ import annotations

import csv
import statistics as st
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import capacity_binding as CB  # noqa: E402  (the search's grid kept per validate block)

OUTPUT_TOKENS = {"llama2-70b": 294.45}      # mean output tokens (compiler/validate.py SERVING, the benchmark's)
GROUPS = (("inference-v5.0", "llama2-70b-interactive", "H200-SXM", 8, "v5.0 8x H200 Interactive", (1, 1)),
          ("inference-v5.0", "llama2-70b-99", "H100-SXM", 8, "v5.0 8x H100 Server", (1, 2)),
          ("inference-v4.1", "llama2-70b-99", "H100-SXM", 8, "v4.1 8x H100 Server", (2, 1)),
          ("inference-v5.0", "llama2-70b-99", "H200-SXM", 8, "v5.0 8x H200 Server", (1, 1)),
          ("inference-v4.1", "llama2-70b-99", "H200-SXM", 8, "v4.1 8x H200 Server", (1, 1)),
          ("inference-v5.0", "llama2-70b-99", "B200", 8, "v5.0 8x B200 Server", (1, 1)))
TERMS = ("gemm", "weights", "kv", "tp", "pp", "overhead")


def rows_in_flight(queries_per_s: float, output_tokens: float, gpus: int, tp: int, pp: int,
                   tpot_mean: float) -> float:
    """Little's law: the rows an engine of tp x pp GPUs holds, b = queries/s x output tokens / engines x TPOT mean."""
    return queries_per_s * output_tokens / (gpus / (tp * pp)) * tpot_mean


def grid_at(g: dict, tp: int, pp: int, b: float, terms=TERMS) -> dict | None:
    """The grid's columns of one layout interpolated in ln B to b rows (None: the layout holds no such batch)."""
    sel = (g["tp"] == tp) & (g["pp"] == pp) & g["fits"]
    if not sel.any() or b > g["batch"][sel].max() * (1 + 1e-9) or b < g["batch"][sel].min():
        return None
    B = g["batch"][sel]
    order = np.argsort(B)
    keys = ["t_iter", "tpot", "clock_fraction", "layer_latency_time"] + [f"decode_{t}_time" for t in terms]
    return {k: float(np.interp(np.log(b), np.log(B[order]), g[k][sel][order])) for k in keys}


def runs(groups=GROUPS, terms=TERMS):
    """Every TTFT p99 row of the groups: (group, line, system, b per engine at the submitter's layout, measured
    step, the model at that b at the submitter's layout, the model's own layout and its step at its b)."""
    measured = {m["source"]: m for m in csv.DictReader(open(CB.PERCENTILES))}
    rows, kept = CB.capture()
    out = []
    for r in rows:
        if r.category != "TTFT p99" or not np.isfinite(r.predicted):
            continue
        d = r.data
        group = next((grp for grp in groups if d["round"] == grp[0] and d["benchmark"].startswith(grp[1])
                      and grp[2] in d["accelerator"] and int(d["num_accelerators"]) == grp[3]), None)
        m = measured.get(d["source"].split(" ")[0])
        q = kept.get(f"validation.{r.block}")
        if group is None or m is None or q is None:
            continue
        shape = np.broadcast_shapes(*(np.shape(v) for v in q.values()))
        g = {k: np.broadcast_to(v, shape)[0] for k, v in q.items()}
        score = np.where(g["ok"], g["throughput"], -np.inf)
        i = int(np.argmax(score))
        n = int(d["num_accelerators"])
        qps = float(m["completed_samples_per_s"])
        t = float(m["tpot_mean_ms"]) / 1e3
        layouts = {group[5], (int(g["tp"][i]), int(g["pp"][i]))}
        model = {}
        for tp, pp in sorted(layouts):
            b = rows_in_flight(qps, OUTPUT_TOKENS["llama2-70b"], n, tp, pp, t)
            model[(tp, pp)] = (b, grid_at(g, tp, pp, b, terms))
        out.append({"group": group[4], "line": r.line, "system": m["system"], "t": t, "own": group[5],
                    "pick": (int(g["tp"][i]), int(g["pp"][i])), "model": model, "ttft_err": r.error})
    return out


def main(groups=GROUPS, terms=TERMS) -> None:
    points = runs(groups, terms)
    for name in dict.fromkeys(p["group"] for p in points):
        group = [p for p in points if p["group"] == name]
        print(f"\n{name}: {len(group)} TTFT p99 rows (runs listed once per system)")
        seen = set()
        for p in group:
            if p["system"] in seen:
                continue
            seen.add(p["system"])
            parts = []
            for (tp, pp), (b, at) in sorted(p["model"].items()):
                mark = "*" if (tp, pp) == p["own"] else " "
                if at is None:
                    parts.append(f"{mark}tp{tp}pp{pp} b {b:5.0f}: beyond the layout's rows")
                    continue
                shown = " ".join(f"{k} {at[f'decode_{k}_time'] * 1e3:.1f}" for k in terms)
                parts.append(f"{mark}tp{tp}pp{pp} b {b:5.0f}: model {at['t_iter'] * 1e3:6.1f} ms "
                             f"({at['t_iter'] / p['t'] - 1:+6.1%}) clock {at['clock_fraction']:.2f} [{shown}]")
            print(f"  {p['system'][:44]:44s} step {p['t'] * 1e3:6.1f} ms | " + "\n" + " " * 62 + " | ".join(parts)
                  if len(parts) > 1 else f"  {p['system'][:44]:44s} step {p['t'] * 1e3:6.1f} ms | {parts[0]}")
        for lay in sorted({k for p in group for k in p["model"]}):
            e = [p["model"][lay][1]["t_iter"] / p["t"] - 1 for p in group if p["model"].get(lay, (0, None))[1]]
            if e:
                tag = "submitter's" if lay == group[0]["own"] else "model's pick"
                print(f"  tp{lay[0]}pp{lay[1]} ({tag}): model step / measured - 1, median {st.median(e):+.1%} "
                      f"(range {min(e):+.1%} .. {max(e):+.1%}) over {len(e)} rows")


if __name__ == "__main__":
    main()
