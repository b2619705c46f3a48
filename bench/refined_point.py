"""A mechanism set's figures at the grid's capacity point and at the refined one (`batch_refinement`): is a gain the
batch grid's resolution?

    PYTHONPATH=. python3 bench/refined_point.py                        (validate's defaults; two validate runs,
                                                                        ~20 s of CPU)
    ... --with NAME [--with NAME ...] [--without NAME ...]             (validate's MECHANISMS, as `validate --with`)
    ... --group "inference-v5.0,interactive,H200-SXM,8"                (the group: round, a substring of the
                                                                        benchmark, of the accelerator, the count;
                                                                        this one is the default)
    ... --factor "Hopper FP8=0.80"                                     (a chip family's inference_gemm_efficiency
                                                                        set on its rows, as a refit would; repeatable)
    ... --heldout                                                      (and the held-out shape file's rows with a
                                                                        public figure, tests/data/heldout_shape.csv)

The model's capacity point is the best column of a geometric batch grid (ratio 1.146, BATCH_GRID), so a TPOT- or
TTFT-bound point stops 0-14.6% of the rows short of its binding limit wherever the grid falls. A mechanism that
moves the model's step or first token moves where the grid stops, and a gain at the grid's point can be the grid's
resolution rather than the mechanism (docs/accuracy.md, s24-ieknee: the v5.0 8x H200 Interactive group's TTFT p99
+10.6% at the grid's point, +22.8% refined). This runs validate twice with the same mechanisms, without and with
`batch_refinement` (BATCH_REFINEMENT sub-steps between the grid's batches around the capacity point: the point
within ~1% of the rows of its binding limit), and prints for each: every category's median |error| (median signed;
rows within 10%; rows compared), the group's per metric (and its capacity batch per replica), and the CPU seconds
each validate took. A figure that moves a lot between the two columns rests on where the grid falls.

Exits 1 if a row compared at the grid's point is not compared at the refined one (a defect of the refinement, as the
ValueError of batch_refinement beside capacity_solve was before 2026-12-07: docs/accuracy.md "Batch refinement
beside the solved batch"). A measurement harness, not the product: validate's own figures are unchanged.
"""
from __future__ import annotations

import csv
import statistics as st
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from compiler import validate as V
from compiler.validate_docs import HELDOUT, ORDER, write_filled

CALIBRATION = ROOT / "reference" / "mlperf_calibration.csv"
DEFAULT_GROUP = "inference-v5.0,interactive,H200-SXM,8"


def options(args: list[str]) -> dict:
    """The command line: --with / --without (repeatable), --group, --factor (repeatable), --heldout."""
    def values(flag):
        return [args[i + 1] for i, a in enumerate(args[:-1]) if a == flag]
    group = (values("--group") or [DEFAULT_GROUP])[-1].split(",")
    if len(group) != 4:
        raise SystemExit(f"--group takes round,benchmark,accelerator,count, not {','.join(group)!r}")
    factors = {}
    for item in values("--factor"):
        family, _, value = item.partition("=")
        factors[family.strip()] = float(value)
    return {"with": values("--with"), "without": values("--without"), "group": group, "factors": factors,
            "heldout": "--heldout" in args}


def in_group(row, group) -> bool:
    round_, bench, chip, count = group
    d = row.data
    return (d.get("round", "").strip() == round_ and bench in d.get("benchmark", "")
            and chip in d.get("accelerator", "") and d.get("num_accelerators", "").strip() == count)


def run(path: str, mechanisms: dict, factors: dict) -> tuple[list, float]:
    """validate's rows of `path` under `mechanisms`, each family of `factors` at its factor; and the CPU seconds
    (process time: the shared cores' wall clock would count the other processes)."""
    plan = V.plan

    def planned(row, mech=None):
        plan(row, mech)
        family = V.FAMILIES.get(getattr(row, "chip", ""), "")
        if family in factors and row.kind == "inference":
            row.lets["inference_gemm_efficiency"] = factors[family]
    V.plan = planned
    try:
        start = time.process_time()
        rows, _ = V.run(path, mechanisms=mechanisms)
        return rows, time.process_time() - start
    finally:
        V.plan = plan


def figures(rows) -> dict:
    """Per category: (median |error|, median signed, within 10%, compared, total)."""
    out = {}
    for name, c in V.summary(rows).items():
        out[name] = ((c["median"], c["bias"], int(round(c["within"] * c["count"])) if c["count"] else 0,
                      c["count"], c["total"]))
    return out


def cell(f) -> str:
    median, bias, within, count, total = f
    if not count:
        return f"- (0 of {total})"
    return f"{median:6.2%} ({bias:+.1%}; {within} within; {count} of {total})"


def table(title: str, grid: dict, refined: dict) -> None:
    print(f"\n{title}")
    print(f"  {'category':24s} {'grid':44s} refined")
    for name in sorted(set(grid) | set(refined), key=lambda c: (ORDER.index(c) if c in ORDER else len(ORDER), c)):
        print(f"  {name:24s} {cell(grid[name]) if name in grid else '-':44s} "
              f"{cell(refined[name]) if name in refined else '-'}")


def main() -> int:
    opt = options(sys.argv[1:])
    base = V.mechanisms_with(on=opt["with"], off=opt["without"])
    refined_on = V.mechanisms_with(on=opt["with"] + ["batch_refinement"], off=opt["without"])
    print(f"mechanisms: --with {' --with '.join(opt['with']) or '(none)'}"
          + (f" --without {' --without '.join(opt['without'])}" if opt["without"] else "")
          + (f"; factors {opt['factors']}" if opt["factors"] else "")
          + f"; refined: batch_refinement = {V.BATCH_REFINEMENT}")
    grid, t_grid = run(str(CALIBRATION), base, opt["factors"])
    refined, t_refined = run(str(CALIBRATION), refined_on, opt["factors"])
    print(f"validate: {t_grid:.1f} s CPU at the grid's point, {t_refined:.1f} s refined")
    table("whole file (reference/mlperf_calibration.csv)", figures(grid), figures(refined))
    group = opt["group"]
    g_rows = [r for r in grid if in_group(r, group)]
    r_rows = [r for r in refined if in_group(r, group)]
    table(f"group {','.join(group)} ({len(g_rows)} rows)", figures(g_rows), figures(r_rows))
    for label, rows in (("grid", g_rows), ("refined", r_rows)):
        batches = [r.extra["batch"] for r in rows if r.fields and np.isfinite(r.extra.get("batch", np.nan))]
        if batches:
            print(f"  capacity batch per replica, {label}: median {st.median(batches):.1f} "
                  f"({min(batches):.1f}-{max(batches):.1f})")
    if opt["heldout"]:
        with open(HELDOUT, newline="", encoding="utf-8") as fh:
            shape = list(csv.DictReader(fh))
        known = {i + 2 for i, r in enumerate(shape) if r["value"]}
        with tempfile.TemporaryDirectory() as folder:
            filled = str(write_filled(Path(folder) / "heldout_filled.csv", shape, list(shape[0])))
            h_grid, _ = run(filled, base, opt["factors"])
            h_refined, _ = run(filled, refined_on, opt["factors"])
        table("held-out rows with a public figure (tests/data/heldout_shape.csv)",
              figures([r for r in h_grid if r.line in known]), figures([r for r in h_refined if r.line in known]))
    lost = [g.line for g, r in zip(grid, refined) if g.fields and np.isfinite(g.predicted)
            and not (r.fields and np.isfinite(r.predicted))]
    if lost:
        print(f"\nDEFECT: {len(lost)} rows compared at the grid's point are not compared refined: lines "
              + ", ".join(map(str, lost[:20])) + (" ..." if len(lost) > 20 else ""))
        return 1
    print("\nevery row compared at the grid's point is compared refined")
    return 0


if __name__ == "__main__":
    sys.exit(main())
