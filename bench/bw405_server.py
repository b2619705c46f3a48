"""Llama 3.1 405B Server runs: what limits their rate, measured against the model at their own load.

    PYTHONPATH=. python3 bench/bw405_server.py          (~65 s CPU: validate run six times)

For every MLPerf Inference v5.0 Llama 3.1 405B Server run whose whole first-token distribution
reference/mlperf_ttft_percentiles.csv holds (13 runs: 8x B200, GB200 NVL72, 8x H200, 8x H100), this prints:

- the run: its target QPS per engine (the submission's layout in compiler/validate.py LAYOUTS), its TTFT p50 / p90 /
  p99 and TPOT mean / p99, each limit's share (TTFT p99 / 6 s, TPOT p99 / 175 ms: which limit is near), and the
  run's Server / Offline throughput (the same system's Offline row of reference/mlperf_calibration.csv);
- the model at the run's own load (validate `--latency-at load`: the measured throughput offered): TTFT p50 /
  p90 / p99 and TPOT mean / p99, and the model's capacity (validate's throughput row, at the limits).

Two model states: validate as it is (the submitters' layouts for long prompts, serial context chunks, the 405B
prompt distribution: MECHANISMS, SERVING) and "before" (those three off: the search's layout, chunks pooled, ~9,400
[U] tokens at the default spread). The model's TTFT at q = 0.90 is read by substituting it for the p50 output (the
p50 output is read by nothing else; the p99 the rate is cut by is untouched), as bench/ttft_shape.py does.
docs/accuracy.md "Llama 3.1 405B Server on Blackwell: the layout, the chunks, the operating point" has the tables.
"""
from __future__ import annotations

import csv
import dataclasses
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from compiler import validate as V
from compiler.models import inference as M

CALIBRATION = ROOT / "reference" / "mlperf_calibration.csv"
PERCENTILES = ROOT / "reference" / "mlperf_ttft_percentiles.csv"
BEFORE_SERVING = dataclasses.replace(V.SERVING["llama3.1-405b"], input_tokens=9400.0, max_input=20000.0,
                                     prompt_cv=0.0)
BEFORE_MECHANISMS = V.mechanisms_with(off=("long_prompt_layouts", "serial_context_chunks"))


def measured_runs() -> list[dict]:
    with open(PERCENTILES, newline="", encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if r["benchmark"] == "llama3.1-405b"]


def offline_rates() -> dict[str, float]:
    """The Offline throughput of each system (its result directory) that ran 405B."""
    out = {}
    with open(CALIBRATION, newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["benchmark"] == "llama3.1-405b" and r["scenario"] == "Offline" and r["metric"] == "throughput":
                out[V._result_system(r["source"])] = float(r["value"])
    return out


def model(mechanisms: dict, quantile: float, before: bool) -> tuple[dict, dict]:
    """validate's 405B Server rows at the measured load (by result directory and metric) and its capacity rows,
    with the TTFT p50 output read at `quantile`."""
    law, serving = M._budget_ttft, V.SERVING["llama3.1-405b"]

    def reading(parts, service, rho, cv, q):
        return law(parts, service, rho, cv, quantile if q == 0.50 else q)

    M.queues._budget_ttft = M.step._budget_ttft = M._budget_ttft = reading
    if before:
        V.SERVING["llama3.1-405b"] = BEFORE_SERVING
    try:
        at_load, _ = V.run(str(CALIBRATION), latency_at="load", mechanisms=mechanisms)
        capacity, _ = V.run(str(CALIBRATION), mechanisms=mechanisms)
    finally:
        M._budget_ttft, V.SERVING["llama3.1-405b"] = law, serving

    def table(rows):
        return {(V._result_system(r.data["source"]), r.data["metric"]): r for r in rows
                if r.data["benchmark"] == "llama3.1-405b" and r.data["scenario"] == "Server" and r.fields}
    return table(at_load), table(capacity)


def main() -> None:
    runs, offline = measured_runs(), offline_rates()
    engines = {}                        # the submission's engines (its layout: validate's rows as they are)
    for label, mechanisms, before in (("validate as it is", V.MECHANISMS, False),
                                      ("before: search layout, pooled chunks, 9,400 tokens, default spread",
                                       BEFORE_MECHANISMS, True)):
        p50_load, cap = model(mechanisms, 0.50, before)
        p90_load, _ = model(mechanisms, 0.90, before)
        print(f"\n{label}")
        print("run | qps/engine | meas. TTFT p50/p90/p99 s | TPOT mean/p99 ms | limit share TTFT/TPOT | Srv/Off "
              "| model at the load: TTFT p50/p90/p99 | TPOT mean/p99 | model capacity tok/s (meas.) | layout")
        for run in runs:
            system = V._result_system(run["source"])
            key = (system, "throughput")
            if key not in cap:
                continue
            thr = cap[key]
            tp, pp = thr.extra["tp"], thr.extra["pp"]
            engines.setdefault(system, float(run["num_accelerators"]) / (tp * pp))
            qps = float(run["completed_samples_per_s"]) / engines[system]
            ttft = [float(run[f"ttft_{q}_ms"]) / 1e3 for q in ("p50", "p90", "p99")]
            tpot = [float(run[f"tpot_{q}_ms"]) for q in ("mean", "p99")]
            ratio = thr.measured / offline[system] if system in offline else float("nan")
            m50, m99 = (p50_load[(system, k)].predicted for k in ("ttft_p50", "ttft_p99"))
            m90 = p90_load[(system, "ttft_p50")].predicted
            t_mean, t_99 = (1e3 * p50_load[(system, k)].predicted for k in ("tpot_mean", "tpot_p99"))
            name = system.split("/")[0][:10] + " " + run["accelerator"].split()[1]
            print(f"{name:28s} | {qps:.3f} | {ttft[0]:.2f} / {ttft[1]:.2f} / {ttft[2]:.2f} | {tpot[0]:.0f} / "
                  f"{tpot[1]:.0f} | {ttft[2] / 6:.2f} / {tpot[1] / 175:.2f} | {ratio:.2f} | {m50:.2f} / {m90:.2f} / "
                  f"{m99:.2f} | {t_mean:.0f} / {t_99:.0f} | {thr.predicted:,.0f} ({thr.measured:,.0f}, "
                  f"{100 * thr.error:+.1f}%) | tp{tp:.0f} pp{pp:.0f} B{thr.extra['batch']:.0f}")


if __name__ == "__main__":
    main()
