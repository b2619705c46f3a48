"""The per-request TPOT as a busy period of the prompt queue, against the discrete-event engines (issue 11, TPOT;
s22-tpot405, docs/accuracy.md "The per-request TPOT as a busy period of the prompt queue").

    PYTHONPATH=. python3 bench/tpot_busy_window.py [--only TEXT]... [--requests N] [--seeds N]

For each run bench/ttft_at_runs.py simulates (the model's engines, budget, rows and chunking at validate's point
for the row) whose harness gives every engine its own stream (policy "own": the law's queue), the engines of
bench/v41_dispatch_sim.py are run at the run's own measured rate with the model's own step t = t0 + kappa P
(t0 the decode-only step, kappa a prompt token's time: bench/ttft_at_runs.py's parts), no row term, and the
simulated per-request TPOT (LoadGen's (latency - TTFT) / (o - 1), requests issued after 60 s and three mean lives
before the stream stops) is put beside
- law: compiler/models/inference/ busy_window_tpot at the same inputs (t_decode t0, kappa, lam the rate an engine,
  t_mean t0 / (1 - kappa lam I), room the budget less the rows lam O t_mean, t_full t0 + kappa room);
- today: _tpot_tail's prompt term alone on the same linear step (row_averaging 0: the DES has no row term), the
  output grid at the benchmark's output cv, the mean the mean step.
Printed per run: the simulated mean step, the per-request mean over it (- 1), mean / p99 and p99 / p50, each as
simulated / law / today. A measurement harness; validate is unchanged. Default runs: every 405B run and the v5.0
GH200 Llama 2 70B and Mixtral runs (short prompts: one step carries a whole prompt).
"""
from __future__ import annotations

import statistics as st
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import ttft_at_runs as T  # noqa: E402
from bench.v41_dispatch_sim import simulate  # noqa: E402
from compiler.models import inference as M  # noqa: E402

DEFAULT_ONLY = ("llama3.1-405b", "GH200")


def laws(e: dict, rate: float, t0: float, kappa: float) -> dict:
    """The busy-window law and today's prompt term at the DES's inputs (module docstring)."""
    lam = rate / e["engines"]
    (I, cv, _), (O, ocv) = e["prompt"], e["output"]
    rho_p = kappa * lam * I
    t_mean = t0 / (1 - rho_p)
    rows = lam * O * t_mean
    room = max(e["budget"] - rows, 1.0)
    t_full = t0 + kappa * room
    mean, p99 = M.busy_window_tpot(t0, t_mean, t_full, kappa, lam, I, cv, room, O, ocv, 0.99)
    p50 = M.busy_window_tpot(t0, t_mean, t_full, kappa, lam, I, cv, room, O, ocv, 0.50)[1]

    def step(share, b):
        return t0 + kappa * np.asarray(share) * b, {}
    col = lambda v: np.asarray([[float(v)]])  # noqa: E731
    today = M._tpot_tail(step, col(rows), col(I / O), col(cv), col(M.Z99), col(0.0), col(ocv), col(O),
                         col(t_mean))[0]
    return {"mean": float(mean), "p99": float(p99), "p50": float(p50), "t_mean": t_mean, "today": float(today[0, 0]),
            "rho": lam * I * t_full / room, "rho_p": rho_p, "rows": rows}


def main() -> None:
    args = sys.argv[1:]
    only = [args[i + 1] for i, a in enumerate(args[:-1]) if a == "--only"] or list(DEFAULT_ONLY)
    requests = next((int(args[i + 1]) for i, a in enumerate(args[:-1]) if a == "--requests"), 20000)
    seeds = next((int(args[i + 1]) for i, a in enumerate(args[:-1]) if a == "--seeds"), 2)
    runs, _ = T.collect()
    print("| run | rho / rho' | rows | mean step ms: DES / law | per-request mean / mean step - 1: DES / law | "
          "mean / p99: DES / law / today | p99 / p50: DES / law |")
    print("|---|---|---|---|---|---|---|")
    seen = set()
    for run in runs:
        if run.get("skip") or not any(o in run["label"] for o in only) or run["engine"]["policy"] != "own":
            continue
        e, p, m = run["engine"], run["parts"], run["m"]
        rate, t0, kappa = float(m["completed_samples_per_s"]), p[1], p[2]
        key = (run["group"], e["engines"], round(rate, 2), round(t0, 5))
        if key in seen:
            continue
        seen.add(key)
        law = laws(e, rate, t0, kappa)
        duration = max(600.0, requests / rate + 60.0)
        sims = [simulate("own", e["engines"], rate, duration, seed=s, kappa=kappa, t0=t0, row_time=0.0,
                         step_target=t0 + kappa * 465.0, budget=int(round(e["budget"])), max_rows=e["max_rows"],
                         prompt=e["prompt"], output=e["output"], chunked=e["chunked"],
                         admit_every=e["admit_every"]) for s in range(1, seeds + 1)]
        sim = {k: st.mean(s[k] for s in sims) for k in ("tpot_mean_steady", "step_mean", "tpot_p99", "tpot_p50")}
        print(f"| {run['group']}: {run['label'][:60]} {rate:.2f}/s | {law['rho']:.2f} / {law['rho_p']:.2f} | "
              f"{law['rows']:.0f} | {sim['step_mean'] * 1e3:.1f} / {law['t_mean'] * 1e3:.1f} | "
              f"{sim['tpot_mean_steady'] / sim['step_mean'] - 1:+.2%} / {law['mean'] / law['t_mean'] - 1:+.2%} | "
              f"{sim['tpot_mean_steady'] / sim['tpot_p99']:.3f} / {law['mean'] / law['p99']:.3f} / "
              f"{law['t_mean'] / law['today']:.3f} | {sim['tpot_p99'] / sim['tpot_p50']:.3f} / "
              f"{law['p99'] / law['p50']:.3f} |", flush=True)


if __name__ == "__main__":
    main()
