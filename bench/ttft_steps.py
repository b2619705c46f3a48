"""Each Server run's time to first token split into its step and its steps: TTFT = TPOT mean x (TTFT / TPOT mean).

    PYTHONPATH=. python3 bench/ttft_steps.py                 (~12 s CPU: validate once, its default rows)
    PYTHONPATH=. python3 bench/ttft_steps.py --with NAME     (any of validate's mechanisms, `--with` again for more)

For every run with TTFT p50, TTFT p99 and TPOT mean rows (validate's consecutive lines of one run; a run counted
once where its -99 and -99.9 rows repeat it), the model's error on the TTFT quantile is the product of two factors:

    TTFT_model / TTFT_run = (TPOT_model / TPOT_run) x ((TTFT_model / TPOT_model) / (TTFT_run / TPOT_run))

the first the step at the model's operating point (TPOT mean ~ the mean step, LoadGen's per-request mean: docs/
accuracy.md "TPOT mean by mechanism"), the second the first token counted in mean steps: the token budget queue's
law (compiler/models/inference/ `_budget_ttft`: the rest of the step in flight, the first-token delay, the steps
that clear the prompt tokens ahead, the prompt tokens' time) read against the run's own ratio. A group whose TTFT
miss is in the first factor is missed by its step or operating point (the capacity point on a flat throughput
curve), one whose miss is in the second by the first-token law itself. Printed by chip group: medians of the run
errors (so the three columns need not multiply exactly). A measurement harness, not the product: validate's numbers
are unchanged. docs/accuracy.md "The L40S's 90% TTFT miss, taken apart" (s16-groups) has the table and what it says.
"""
from __future__ import annotations

import collections
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from compiler import validate as V  # noqa: E402

CALIBRATION = ROOT / "reference" / "mlperf_calibration.csv"


def group(accelerator: str, benchmark: str) -> str:
    """The chip group of a run (the groups docs/accuracy.md names), with its benchmark where it is not Llama 2 70B."""
    a = accelerator
    chip = ("L40S" if "L40S" in a else "Blackwell" if ("B200" in a or "B300" in a) else "AMD" if "MI3" in a
            else "GH200" if "GH200" in a else "NVL/PCIe" if ("NVL" in a or "PCIe" in a) else "Hopper SXM")
    return chip + (" Mixtral" if "mixtral" in benchmark else " 405B" if "405b" in benchmark
                   else " Interactive" if "interactive" in benchmark else "")


def runs(rows) -> list[dict]:
    """One dict per run: its group and the (measured, predicted) pairs of TTFT p50, TTFT p99 and TPOT mean."""
    by_line = {r.line: r for r in rows if r.fields and np.isfinite(r.predicted) and r.data.get("metric")}
    out, seen = [], set()
    for line, r in sorted(by_line.items()):
        p99, tpot = by_line.get(line + 1), by_line.get(line + 2)
        if (r.data["metric"] != "ttft_p50" or p99 is None or tpot is None
                or p99.data["metric"] != "ttft_p99" or tpot.data["metric"] != "tpot_mean"):
            continue
        pairs = {x.data["metric"]: (float(x.data["value"]) / 1000, x.predicted) for x in (r, p99, tpot)}
        key = (r.data["round"], r.data["benchmark"].replace("-99.9", "-99"), r.data["accelerator"],
               r.data["num_accelerators"], *(m for m, _ in pairs.values()))
        if key in seen:
            continue
        seen.add(key)
        out.append({"group": group(r.data["accelerator"], r.data["benchmark"]), **pairs})
    return out


def factors(run: dict, quantile: str = "ttft_p50") -> tuple[float, float, float]:
    """(TTFT error, step error, in-steps error) of one run, each as model / run - 1."""
    (mq, pq), (mt, pt) = run[quantile], run["tpot_mean"]
    return pq / mq - 1, pt / mt - 1, (pq / pt) / (mq / mt) - 1


def main() -> None:
    args = sys.argv[1:]
    on = [args[i + 1] for i, a in enumerate(args[:-1]) if a == "--with"]
    rows, _ = V.run(str(CALIBRATION), mechanisms=V.mechanisms_with(on=on) if on else None)
    table = collections.defaultdict(list)
    for run in runs(rows):
        table[run["group"]].append(run)
    print("group                   runs | TTFT p50 = step (TPOT mean) x in steps | TTFT p99, in steps")
    for name, members in sorted(table.items()):
        p50 = np.array([factors(r) for r in members])
        p99 = np.array([factors(r, "ttft_p99") for r in members])
        print(f"{name:<23} {len(members):>4} | {100 * np.median(p50[:, 0]):+6.0f}% = {100 * np.median(p50[:, 1]):+5.0f}%"
              f" x {100 * np.median(p50[:, 2]):+5.0f}% | {100 * np.median(p99[:, 0]):+6.0f}%, "
              f"{100 * np.median(p99[:, 2]):+5.0f}%")


if __name__ == "__main__":
    main()
