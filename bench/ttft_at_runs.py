"""Every Server / Interactive run's time to first token simulated at its own measured inputs (issue 11, TTFT).

    PYTHONPATH=. python3 bench/ttft_at_runs.py            (~2-4 min CPU: validate twice, then ~4 simulations a run)
    PYTHONPATH=. python3 bench/ttft_at_runs.py --rows     (and one line a run)
    ... --with NAME     (validate's mechanisms, as `validate --with`); --only TEXT (simulate only the runs whose
                        label holds TEXT, e.g. --only interactive)
    ... --mixture       (a dataset of several tasks drawn task by task: DATASET_TASKS, Mixtral's three sets)
    ... --samples PATH  (Mixtral's 15,000 (prompt, output) pairs themselves, from the CSV DATASET_TASKS names)
    ... --kv-pool F     (each simulated engine's KV pool F x the model's own, new prompts admitted only while it
                        holds them: bench/v41_dispatch_sim.py `kv_tokens`; s23-b200tail, docs/accuracy.md "The B200
                        Llama 2 70B Server tail at the runs' own inputs")
    ... --dispatch own  (every simulated engine fed its own Poisson stream, whatever the harness's dispatch: the
                        queue the law assumes; s20-h200int, docs/accuracy.md "The Interactive chunk rounding and the
                        bulk prompt queue")

Is the TTFT error in the prompt queue's law, in the step / operating point that feeds it, or in the engines? For
each run with TTFT p50, TTFT p99 and TPOT mean rows in reference/mlperf_calibration.csv (validate's consecutive
lines of one run, as bench/ttft_steps.py reads them; a -99 / -99.9 repeat simulated once) three figures are put
beside the measured TTFT p50 / p99 (reference/mlperf_ttft_percentiles.csv, the run's own LoadGen summary):

- DES: bench/v41_dispatch_sim.py's step-synchronous discrete-event engines (`simulate`, reused by import) at the
  run's OWN measured inputs: the arrival rate is the run's completed samples/s (its tokens/s over the mean output),
  the prompts and outputs the dataset's (gamma of the benchmark's mean and spread, cut at its longest prompt), and
  the step t = t0 + kappa P (P the prompt tokens a step carries), where t0 (the step of the decode rows alone) and
  kappa (a prompt token's time) are the model's own at validate's solved point for that row (compiler/models/
  inference.py `_budget_ttft`'s parts of the chosen configuration: t_decode, kappa), both scaled by one factor s
  so that the simulated TPOT mean equals the run's measured TPOT mean (secant on s, seed 1). The engines are the
  model's: its replicas of the chosen (tp, pp) (`replicas`), each with the token budget of that configuration
  (room + rows: `room_for`), at most the rows its KV cache holds, chunked context or whole prompts as validate
  gives the row (`whole_prompts`), new prompts admitted every n-th step where validate gives `scheduler_steps` n,
  and the harness's dispatch validate's `dispatch_policy` names for the row (own / shared queue / least busy).
  Requests issued after the first 60 s of max(600 s, 30,000 requests); seeds 1 and 2, their mean printed (the
  printed seed spread is the p99 check: two seeds within ~3%).
- law@meas: the model's prompt-queue law (`_budget_ttft`, every part as validate builds it for the row) fed the
  same inputs as the DES: its step's t_decode and kappa times s, its time-valued parts (the rest of the step in
  flight, the first-token delay, the dispatch's shifts, the scheduler round) times measured TPOT / the model's
  mean step, the room at the measured rows (budget - rows, rows = Little's law: rate / engines x output x TPOT),
  the mean step over a full one at that room, and rho = (rate / engines) I t_full / room. So DES vs law@meas is
  the queue law alone (the same engines, step and load; the DES's dispatch is the harness's, the law's its table).
- model@load: validate `--latency-at load` (the model at the run's measured load, with the model's own step).
- model: validate's default row (the model at its own capacity point).

Printed: the runs by group (chip family and benchmark, bench/ttft_steps.py's groups), then the medians over the TTFT
rows as validate counts them (the -99 / -99.9 repeats counted twice): (a) DES vs measured, (b) law@meas vs DES,
(c) model vs measured. A measurement harness, not the product: validate's numbers are unchanged. docs/accuracy.md
"Every run's first token simulated at its own inputs" (s19-ttftsim) has the tables and what they say.

Not simulated (listed, left out of the medians' DES columns): rows behind AMD's v4.1 harness-side batcher
(`batch_window`: a batcher the engines here lack), pipeline-parallel engines (pp > 1: micro-batches, not one
step), disaggregated pools, speculative decoding.
"""
from __future__ import annotations

import collections
import csv
import math
import statistics as st
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ttft_steps import group as chip_group  # noqa: E402
from bench.v41_dispatch_sim import simulate  # noqa: E402
from compiler import validate as V  # noqa: E402
from compiler.models import inference as M  # noqa: E402

CALIBRATION = ROOT / "reference" / "mlperf_calibration.csv"
PERCENTILES = ROOT / "reference" / "mlperf_ttft_percentiles.csv"
# the datasets' prompt lengths (mean, cv, longest) where they differ from the model's mean input: Mixtral's
# 15k-sample pickle has mean 427.39 (compiler/validate.py SERVING's comment; the model keeps 480 [U])
DATASET_PROMPT_MEAN = {"mixtral-8x7b": 427.39}
# `--mixture`: a dataset's tasks, each (share, prompt (mean, cv, shortest, longest), output (mean, cv, shortest,
# longest)) in tokens, for bench/v41_dispatch_sim.py `simulate(mixture=...)`. Mixtral 8x7B: "randomly sampling from
# the validation split of 3 datasets, open_orca_gpt4, GSM8k and MBXP. 5K samples from each one" (mlcommons/inference
# language/mixtral-8x7b/README.md, read 2026-12-06 [P]): shares 1/3 each; each task's lengths are the population
# mean, spread, shortest and longest of the `tok_input_len` / `tok_ref_output_len` of its 5,000 rows of the
# benchmark's 09292024_mixtral_15k_mintoken2_v1.pkl as extracted in openshift-psap/performance-dashboard
# mlperf-data/summaries/mixtral-8x7b.csv (commit 67033bae, 2025-11-20, read 2026-12-06 [P]; rows 0-4999 GSM8K [D],
# 5000-9999 OpenOrca [P] by mlcommons/inference issue 1777, 10000-14999 MBXP [D]; docs/accuracy.md "Mixtral's
# dataset lengths, sourced"). The outputs are the reference answers (Mixtral's own, greedy, at most 1,024 tokens).
# `--samples PATH` draws the 15,000 (prompt, output) pairs of that CSV themselves (the check of the gamma form).
DATASET_TASKS = {"mixtral-8x7b": (
    (1 / 3, (665.59, 23.53 / 665.59, 614, 834), (129.96, 0.476, 7, 1024)),        # GSM8K (few-shot math)
    (1 / 3, (415.39, 457.13 / 415.39, 35, 1948), (205.87, 0.719, 2, 1024)),       # OpenOrca (GPT-4 answers)
    (1 / 3, (201.20, 80.02 / 201.20, 104, 997), (98.70, 0.804, 19, 1024)))}       # MBXP (code)
REQUESTS = 20000            # requests a simulated run at least (the p99 from ~200 above it)
SEEDS = (1, 2)
TIME_PARTS = (0, 7, 9, 10, 17, 18, 20)   # _budget_ttft's parts that are times proportional to the mean step


def capture(latency_at: str = "capacity"):
    """validate's rows, and {block: (search grid, _budget_ttft parts of the grid)} of each block's first
    evaluation (bench/capacity_binding.py's `capture`, with the prompt queue's parts kept as well)."""
    kept, current, calls = {}, [None], [None]
    solve, evaluate, budget = M._solve, M.evaluate_configs, M._budget_ttft

    def solving(ctx):
        current[0] = ctx.path
        return solve(ctx)

    def recording(parts, *args, **kw):
        if calls[0] is not None and "parts" not in calls[0]:
            calls[0]["parts"] = parts
        return budget(parts, *args, **kw)

    def evaluating(*args, **kw):
        calls[0] = {}
        q = evaluate(*args, **kw)
        kept.setdefault(current[0], (q, calls[0].get("parts")))
        calls[0] = None
        return q
    _values = (solving, evaluating, recording)   # set where every module of the inference package reads them
    for _m in (M, M.band, M.grid_search, M.queues, M.solution, M.step):
        _m._solve, _m.evaluate_configs, _m._budget_ttft = _values
    try:
        rows, _ = V.run(str(CALIBRATION), latency_at=latency_at, mechanisms=mechanisms())
    finally:
        _values = (solve, evaluate, budget)   # set where every module of the inference package reads them
        for _m in (M, M.band, M.grid_search, M.queues, M.solution, M.step):
            _m._solve, _m.evaluate_configs, _m._budget_ttft = _values
    return rows, kept


def chosen(q: dict, parts) -> tuple[dict, list] | None:
    """The search's pick among the grid's columns (bench/capacity_binding.py's `binding` rule: the most throughput
    among the columns meeting both limits, at their own rate where any does) and its parts, as floats."""
    shape = np.broadcast_shapes(*(np.shape(v) for v in q.values()))
    g = {k: np.broadcast_to(v, shape)[0] for k, v in q.items()}
    own = g["ok"] & (g["own_rate_share"] >= 1 - M.OWN_RATE_TOLERANCE)
    score = np.where(own if own.any() else g["ok"], g["throughput"] / (1 + 1e-6 * g["t_iter"]), -np.inf)
    if not np.isfinite(score).any() or parts is None:
        return None
    i = int(np.argmax(score))
    p = [float(np.broadcast_to(np.asarray(x, dtype=float), shape)[0][i]) for x in parts]
    return {k: float(v[i]) for k, v in g.items() if np.ndim(v) == 1}, p


def law_inputs(p: list, s: float, t_meas: float, lam: float, rows: float, budget: float,
               prompt: float) -> tuple[list, float, float]:
    """The model's parts `p` of the row fed the run's measured inputs (module docstring, law@meas): t_decode and
    kappa times s, the time parts times t_meas / the model's mean step, the mean prompt the DES's, the room at `rows`
    decode rows, the mean step over the full one at that room; and the service time and rho = lam I t_full / room
    (lam: requests/s an engine). Returns (parts, service, rho)."""
    p = list(p)
    ratio = t_meas / p[9]
    for k in TIME_PARTS:
        p[k] *= ratio
    p[1], p[2], p[4] = p[1] * s, p[2] * s, prompt
    p[3] = room = max(budget - rows, 1.0)
    t_full = p[1] + p[2] * room
    p[5] = min(t_meas / t_full, 1.0)
    service = prompt * t_full / room
    return p, service, lam * service


def law_at(p: list, s: float, t_meas: float, lam: float, rows: float, budget: float, prompt: float, cv: float,
           q: float) -> float:
    """_budget_ttft at quantile q at the run's measured inputs (law_inputs)."""
    p, service, rho = law_inputs(p, s, t_meas, lam, rows, budget, prompt)
    arr = lambda x: np.asarray(x, dtype=float).reshape(1)  # noqa: E731  (the law's arrays, one column)
    return float(M._budget_ttft(tuple(arr(x) for x in p), arr(service), arr(rho), arr(cv), q)[0])


def run_key(r) -> tuple:
    """One simulation a configuration and its measurements (a -99 / -99.9 repeat of the same run counted once)."""
    d = r.data
    return (d["round"], d["benchmark"].replace("-99.9", "-99"), d["accelerator"], d["num_accelerators"], r.block,
            d["source"].split(" ")[0].replace("-99.9", "-99"))


def engine(r, col: dict, p: list) -> dict:
    """The engines the DES runs for row r: the model's replicas of its chosen configuration with that
    configuration's budget, rows, prompt handling and scheduler, and the harness's dispatch (module docstring)."""
    d = r.data
    bench, _ = V._benchmark(d["benchmark"])
    serving = V.SERVING[bench]
    alias = V.alias_for(d["accelerator"])
    family = V.FAMILIES.get(alias.chip, "")
    scenario = "interactive" if "interactive" in d["benchmark"] else "server"
    n = float(d["num_accelerators"])
    layout = V.layout_for(d["round"], serving.model, scenario, alias.chip, d.get("source", ""))
    d_ranks = max(col["ep_ranks"], 1.0)
    why = ("harness batcher" if p[11] > 0 else "pp > 1" if col["pp"] > 1 else
           "speculative" if serving.drafts else "")
    policy = V.dispatch_policy(d["round"], family, layout, n)[0]
    args = sys.argv[1:]
    policy = next((args[i + 1] for i, a in enumerate(args[:-1]) if a == "--dispatch"), policy)
    return {"engines": max(1, int(round(p[12]))), "policy": policy,
            "budget": p[3] + col["batch"] / d_ranks, "max_rows": max(1, int(col["max_batch"] / d_ranks)),
            "chunked": p[8] <= 0, "admit_every": max(1, int(round(p[7] / p[9])) + 1),
            "prompt": (DATASET_PROMPT_MEAN.get(bench, serving.input_tokens), serving.prompt_cv,
                       serving.max_input or 1e9),
            "output": (row_output(r, serving), V.OUTPUT_CVS.get(serving.model, 0.0)), "skip": why,
            "mixture": DATASET_TASKS.get(bench) if "--mixture" in sys.argv else None,
            "samples": dataset_samples() if "--samples" in sys.argv and bench == "mixtral-8x7b" else None,
            "tp": int(col["tp"]), "pp": int(col["pp"]), "kv_tokens": kv_pool(col, d_ranks, r, serving)}


def flag(name: str, default: float | None = None) -> float | None:
    args = sys.argv[1:]
    return next((float(args[i + 1]) for i, a in enumerate(args[:-1]) if a == name), default)


def kv_pool(col: dict, d_ranks: float, r, serving) -> float | None:
    """`--kv-pool F` (s23-b200tail): each simulated engine's KV pool in tokens, F x the model's own (its KV rows at
    the model's mean context a row, the prompt and half the answer: col["max_batch"] (I + O / 2)); the DES then
    admits a new prompt only while the pool holds it (bench/v41_dispatch_sim.py `kv_tokens`). None (default): no
    pool, only the rows cap."""
    f = flag("--kv-pool")
    if f is None:
        return None
    return f * col["max_batch"] / d_ranks * (serving.input_tokens + row_output(r, serving) / 2)


def row_output(r, serving) -> float:
    """The mean output validate gives the row (its `output_tokens`: the reference's, or the engine's own answers
    where `--with engine_output_lengths` gives them, ENGINE_OUTPUT_TOKENS), so the DES and Little's law read it."""
    q = (r.fields or {}).get("output_tokens")
    return float(q.value) if q is not None else serving.output_tokens


def des(e: dict, rate: float, t0: float, kappa: float, t_meas: float, row_share: float = 0.0) -> dict:
    """The DES at the run's rate with the step t = s (t0 + kappa P), s solved so the TPOT mean is t_meas (seed 1;
    start: the mean step's fixed point s t0 / (1 - s kappa lam I) = t_meas), then seed 2 at that s. `row_share` x:
    the decode step's share x in proportion to the rows, t0 ((1 - x) + x N / N_run), N_run the run's rows an engine
    by Little's law (0: a step whatever its rows, as before)."""
    lam, (I, _, _) = rate / e["engines"], e["prompt"]
    s = t_meas / (t0 + t_meas * kappa * lam * I)
    duration = max(600.0, REQUESTS / rate + 60.0)
    rows = lam * e["output"][0] * t_meas                  # the run's rows an engine (Little's law)

    def sim(scale, seed, length=duration):
        return simulate(e["policy"], e["engines"], rate, length, seed=seed, kappa=kappa * scale,
                        t0=t0 * (1 - row_share) * scale, row_time=t0 * row_share / rows * scale,
                        step_target=(t0 + kappa * 465.0) * scale, budget=int(round(e["budget"])),
                        max_rows=e["max_rows"], prompt=e["prompt"], output=e["output"], chunked=e["chunked"],
                        admit_every=e["admit_every"], mixture=e.get("mixture"), samples=e.get("samples"),
                        pull_rows=e.get("pull_rows"), kv_tokens=e.get("kv_tokens"), step_cv=e.get("step_cv", 0.0))
    short = max(300.0, duration / 4)                  # s solved on a quarter-length run, then checked at full length
    for _ in range(4):
        out = sim(s, SEEDS[0], short)
        if abs(out["tpot_mean"] / t_meas - 1) < 0.003:
            break
        s *= t_meas / out["tpot_mean"]
    out = sim(s, SEEDS[0])
    if abs(out["tpot_mean"] / t_meas - 1) > 0.005:
        s *= t_meas / out["tpot_mean"]
        out = sim(s, SEEDS[0])
    other = sim(s, SEEDS[1])
    both = {k: (out[k] + other[k]) / 2 for k in ("tpot_mean", "tpot_p50", "tpot_p99", "step_mean", "row_step_mean",
                                                 "tpot_mean_steady", "tpot_mean_loadgen", "kv_mean", "kv_stopped",
                                                 "p90", "p999")}
    return {"s": s, "tpot": out["tpot_mean"], "p50": (out["p50"] + other["p50"]) / 2,
            "p99": (out["p99"] + other["p99"]) / 2, "spread50": other["p50"] / out["p50"] - 1,
            "spread99": other["p99"] / out["p99"] - 1, "requests": out["requests"], "seeds": both}


_SAMPLES = []


def dataset_samples() -> list:
    """The (prompt, output) token pairs of `--samples PATH` (a CSV with input_length, output_length columns: the
    performance-dashboard summary named at DATASET_TASKS), read once."""
    if not _SAMPLES:
        args = sys.argv[1:]
        path = args[args.index("--samples") + 1]
        _SAMPLES.extend((int(r["input_length"]), int(r["output_length"])) for r in csv.DictReader(open(path)))
    return _SAMPLES


def mechanisms():
    args = sys.argv[1:]
    on = [args[i + 1] for i, a in enumerate(args[:-1]) if a == "--with"]
    return V.mechanisms_with(on=on) if on else None


def collect() -> tuple[list, list]:
    """(runs, TTFT rows): one dict a simulated run; each TTFT row of validate as (row, its run's key)."""
    rows, kept = capture()
    at_load = {r.line: r.predicted for r in V.run(str(CALIBRATION), latency_at="load",
                                                    mechanisms=mechanisms())[0]}
    measured = {m["source"]: m for m in csv.DictReader(open(PERCENTILES))}
    runs, ttft_rows = {}, []
    for r in rows:
        if r.category not in ("TTFT p50", "TTFT p99") or not math.isfinite(r.predicted):
            continue
        key = run_key(r)
        ttft_rows.append((r, key))
        if key in runs:
            runs[key]["rows"][r.category] = r
            continue
        m = measured.get(r.data["source"].split(" ")[0])
        pick = chosen(*kept.get(f"validation.{r.block}", ({}, None))) if m else None
        run = {"key": key, "rows": {r.category: r}, "m": m, "at_load": at_load, "label": r.label,
               "group": f"{r.data['round'][-4:]} {chip_group(r.data['accelerator'], r.data['benchmark'])}"}
        runs[key] = run
        if pick is None:
            run["skip"] = "no percentiles row" if m is None else "no solved column"
            continue
        col, p = pick
        e = engine(r, col, p)
        run.update(engine=e, col=col, parts=p, skip=e["skip"])
    return list(runs.values()), ttft_rows


def simulate_runs(runs: list) -> None:
    """Fill each run's measured, DES and law@meas figures (s)."""
    args = sys.argv[1:]
    only = [args[i + 1] for i, a in enumerate(args[:-1]) if a == "--only"]
    for run in runs:
        if run.get("skip") or (only and not any(o in run["label"] for o in only)):
            continue
        m, e, p = run["m"], run["engine"], run["parts"]
        rate, t_meas = float(m["completed_samples_per_s"]), float(m["tpot_mean_ms"]) / 1e3
        lam = rate / e["engines"]
        rows = lam * e["output"][0] * t_meas                 # Little's law: decode rows an engine holds
        clock = time.time()
        sim = des(e, rate, p[1], p[2], t_meas)
        print(f"  {run['label'][:60]}: {time.time() - clock:.1f} s", file=sys.stderr, flush=True)
        cv = float(run["rows"][next(iter(run["rows"]))].lets.get("prompt_length_cv", e["prompt"][1]))
        law = {q: law_at(p, sim["s"], t_meas, lam, rows, e["budget"], e["prompt"][0], cv, q) for q in (0.50, 0.99)}
        t_full = sim["s"] * (p[1] + p[2] * max(e["budget"] - rows, 1.0))
        run.update(sim=sim, law=law, rate=rate, t_meas=t_meas, rows_meas=rows,
                   rho=lam * e["prompt"][0] * t_full / max(e["budget"] - rows, 1.0),
                   meas={0.50: float(m["ttft_p50_ms"]) / 1e3, 0.99: float(m["ttft_p99_ms"]) / 1e3})


QUANTILES = {"TTFT p50": (0.50, "p50"), "TTFT p99": (0.99, "p99")}


def errors(run: dict, category: str) -> dict:
    """The run's errors at one quantile: (a) DES / measured, (b) law@meas / DES, (c) model / measured, and
    law@meas / measured, model@load / measured (each - 1; absent where not simulated)."""
    q, name = QUANTILES[category]
    r = run["rows"][category]
    out = {"c": r.error, "load": run["at_load"].get(r.line, math.nan) / r.measured - 1}
    if "sim" in run:
        out.update(a=run["sim"][name] / run["meas"][q] - 1, b=run["law"][q] / run["sim"][name] - 1,
                   lawm=run["law"][q] / run["meas"][q] - 1)
    return out


def main() -> None:
    runs, ttft_rows = collect()
    simulate_runs(runs)
    by_key = {run["key"]: run for run in runs}
    if "--rows" in sys.argv:
        print("| run | engines (policy, budget, prompts) | rho | s | TPOT ms | TTFT p50 ms: meas / DES / law@meas / "
              "model@load / model | TTFT p99 ms: meas / DES / law@meas / model@load / model | seeds p99 |")
        print("|---|---|---|---|---|---|---|---|")
        for run in sorted(runs, key=lambda x: (x["group"], x["label"])):
            cells = []
            for cat in QUANTILES:
                r = run["rows"].get(cat)
                if r is None:
                    cells.append("-")
                    continue
                q, name = QUANTILES[cat]
                fig = lambda v: f"{v * 1e3:.0f}" if math.isfinite(v) else "-"  # noqa: E731
                sim = run.get("sim")
                cells.append(" / ".join((fig(r.measured), fig(sim[name]) if sim else "-",
                                         fig(run["law"][q]) if sim else "-",
                                         fig(run["at_load"].get(r.line, math.nan)), fig(r.predicted))))
            e = run.get("engine")
            eng = (f"{e['engines']}x tp{e['tp']}pp{e['pp']} {e['policy']}, {e['budget']:.0f} tok, "
                   f"{'chunked' if e['chunked'] else 'whole'}{', n ' + str(e['admit_every']) if e['admit_every'] > 1 else ''}"
                   if e else "-")
            if run.get("skip"):
                eng += f" [not simulated: {run['skip']}]"
            sim = run.get("sim")
            print(f"| {run['group']}: {run['label'][:70]} | {eng} | "
                  f"{run['rho']:.2f} | {sim['s']:.3f} | {run['t_meas'] * 1e3:.1f} | "
                  if sim else f"| {run['group']}: {run['label'][:70]} | {eng} | - | - | - | ", end="")
            print(f"{cells[0]} | {cells[1]} | {sim['spread99']:+.1%} |" if sim else f"{cells[0]} | {cells[1]} | - |")
    # groups: signed medians over the group's TTFT rows (validate's counting)
    print("\n| group | TTFT rows (simulated) | (a) DES vs measured p50 / p99 | (b) law@meas vs DES p50 / p99 | "
          "(c) model vs measured p50 / p99 | model@load vs measured p50 / p99 |")
    print("|---|---|---|---|---|---|")
    table = collections.defaultdict(lambda: collections.defaultdict(list))
    for r, key in ttft_rows:
        run = by_key[key]
        for k, v in errors(run, r.category).items():
            table[run["group"]][(k, r.category)].append(v)
        table[run["group"]]["n"].append("sim" in run)

    def med(xs):
        xs = [x for x in xs if math.isfinite(x)]
        return f"{st.median(xs):+.1%}" if xs else "-"
    for name, t in sorted(table.items()):
        cols = [" / ".join(med(t[(k, c)]) for c in QUANTILES) for k in ("a", "b", "c", "load")]
        print(f"| {name} | {len(t['n']) // 1} ({sum(t['n'])}) | " + " | ".join(cols) + " |")
    # the three medians of |error| over the TTFT rows as validate counts them
    print("\nmedian |error| over validate's TTFT rows (the -99 / -99.9 repeats counted twice); "
          "in brackets: over the rows the DES simulates")
    for cat in QUANTILES:
        all_rows = [(r, by_key[key]) for r, key in ttft_rows if r.category == cat]
        sims = [(r, run) for r, run in all_rows if "sim" in run]

        def m(pairs, k):
            xs = [abs(errors(run, cat)[k]) for _, run in pairs if math.isfinite(errors(run, cat).get(k, math.nan))]
            return f"{st.median(xs):.1%} ({sum(x <= 0.10 for x in xs)}/{len(xs)} within 10%)" if xs else "-"
        print(f"{cat}: (a) DES vs measured {m(sims, 'a')}; (b) law@meas vs DES {m(sims, 'b')}; "
              f"law@meas vs measured {m(sims, 'lawm')}; (c) model vs measured {m(all_rows, 'c')} "
              f"[{m(sims, 'c')}]; model@load vs measured {m(all_rows, 'load')} [{m(sims, 'load')}]")
    spreads = [abs(run["sim"][k]) for run in runs if "sim" in run for k in ("spread50", "spread99")]
    tp = [abs(run["sim"]["tpot"] / run["t_meas"] - 1) for run in runs if "sim" in run]
    print(f"runs simulated {sum('sim' in run for run in runs)} of {len(runs)}; seed 1 / seed 2 TTFT quantiles: "
          f"median |spread| {st.median(spreads):.1%}, max {max(spreads):.1%}; simulated TPOT mean vs measured: "
          f"max |error| {max(tp):.2%}")
    skipped = collections.Counter(run.get("skip") for run in runs if "sim" not in run)
    print("not simulated: " + ", ".join(f"{k} {v}" for k, v in skipped.items()))


if __name__ == "__main__":
    main()
