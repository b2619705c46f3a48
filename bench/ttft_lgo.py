"""Leave-one-group-out TTFT estimates for restricted first-token parameterisations, read off a saved error surface
(issue 11, TTFT generalisation; docs/accuracy.md "The first-token pair with fewer constants", s17-ttft).

    PYTHONPATH=. python3 bench/cross_round.py --ttft [--with dispatch_p50] --save S.npz   (the surface, ~10 min)
    PYTHONPATH=. python3 bench/ttft_lgo.py S.npz [S2.npz ...]                             (seconds)
    PYTHONPATH=. python3 bench/ttft_lgo.py --families     (the chip families' factors refit per fold too; ~3 min)

`bench/cross_round.py --ttft --save` writes every TTFT row's error at every (a, b) point it evaluated (a the
first-token delay d or its residual, b the p99's share d99). A parameterisation with fewer constants is a subset of
those points: "pair" (a, b) free, two constants (cross_round's own estimate); "tie" b = a, one constant (one
unexplained delay, the same at every quantile: no per-percentile choice); "p99 0" b = 0 (the p99 reads no delay); "p50 0" a = 0 (the p50 reads no
delay: with `dispatch_p50` the dispatch's p50 column alone, sourced, and only the p99's share fitted);
"none" a = b = 0 (no fitted constant). Each is judged as cross_round judges the pair: the least TTFT p50 + p99
median over the fit rows picks the point (`cross_round.pair_score`, `pair_pick`), and every row of a held-out group
(one benchmark, chip family or submitter, the fit on both rounds or on v5.0 only) is read at its own fold's pick
(`cross_round.held_out`); the pooled held-out medians are printed beside the in-sample fit. The groups are
cross_round's (`BENCHMARK_GROUPS`, `V.FAMILIES`, the system's submitter), recovered by the rows' file lines from one
validate pass over the calibration file's TTFT rows (3 s).

`--families`: cross_round's `--ttft` holds the chip families' serving factors at their shipped values, fitted on
every row, the held-out group's throughput rows included. Here each family's factor is refit by its own rule
(`validate --fit`: the least median |log error| of the family's throughput rows, step 0.01; `cross_round.argmin_median`)
without the held-out benchmark or submitter, on a grid of +-0.06 about the shipped value, and the group's TTFT rows
are read at their fold's factor (the first-token pair at its shipped value; one pass a family for its throughput
rows and one for its TTFT rows). A family held out whole has no factor to read (not estimable; s14-loro).
"""
from __future__ import annotations

import sys

import numpy as np

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import cross_round as C  # noqa: E402

PARAMETERISATIONS = {"pair": lambda a, b: True, "tie": lambda a, b: abs(a - b) < 1e-9,
            "p99 0": lambda a, b: abs(b) < 1e-9, "p50 0": lambda a, b: abs(a) < 1e-9, "none": lambda a, b: abs(a) < 1e-9 and abs(b) < 1e-9}


def labels_by_line() -> dict:
    """{(file line, category): (benchmark group, chip family, submitter)} of the calibration file's TTFT rows."""
    rows = C.evaluate(keep=(C.INFERENCE_ROUNDS, ("ttft_p50", "ttft_p99")))
    return {(r.line, r.category): (C.BENCHMARK_GROUPS.get(r.data.get("benchmark"), r.data.get("benchmark")),
                                   C.V.FAMILIES.get(r.chip, "?"), (r.data.get("system") or "?").split(":")[0])
            for r in rows if r.category in C.TTFT}


def columns(points, parameterisation: str) -> np.ndarray:
    """The indices of the surface's points in a parameterisation (the first of any repeated point)."""
    seen, out = set(), []
    for i, (a, b) in enumerate(map(tuple, points)):
        key = (round(float(a), 4), round(float(b), 4))
        if key not in seen and PARAMETERISATIONS[parameterisation](*key):
            seen.add(key)
            out.append(i)
    return np.asarray(out, dtype=int)


def estimate(errors: np.ndarray, cats, rounds, groups: dict) -> dict:
    """{'in-sample': (pick index or None, p50, p99), (what, scope): (p50, p99) pooled held out} on `errors`
    (rows x points)."""
    cats, rounds = np.asarray(cats), np.asarray(rounds)
    j = C.pair_pick(C.pair_score(cats, errors, np.ones(len(cats), dtype=bool)))
    med = [float(np.nanmedian(np.abs(errors[cats == c, j]))) * 100 if j is not None else np.nan for c in C.TTFT]
    out = {"in-sample": (j, *med)}
    for what, labels in groups.items():
        for scope, mask in (("both", None), ("v5.0", rounds == "inference-v5.0")):
            pooled = C.held_out(cats, errors, labels, mask)[None][1]
            out[(what, scope)] = (pooled["TTFT p50"], pooled["TTFT p99"])
    return out


def report(path: str, labels: dict) -> None:
    z = np.load(path, allow_pickle=False)
    points, errs, cats, rounds = z["points"], z["errors"], z["categories"], z["rounds"]
    keys = list(zip(z["lines"].tolist(), cats.tolist()))
    groups = {what: [labels[k][i] for k in keys] for i, what in enumerate(("benchmark", "family", "submitter"))}
    print(f"\n{path}: {len(keys)} rows x {len(points)} points")
    print(f"  {'param.':<8}{'k':>2}  {'in-sample pick':>16}  p50 / p99     benchmark out (both; v5.0)      "
          f"family out (both; v5.0)         submitter out (both; v5.0)")
    for name, k in (("pair", 2), ("tie", 1), ("p99 0", 1), ("p50 0", 1), ("none", 0)):
        cols = columns(points, name)
        if not len(cols):
            continue
        est = estimate(errs[:, cols], cats, rounds, groups)
        j, p50, p99 = est["in-sample"]
        pick = tuple(float(x) for x in points[cols[j]]) if j is not None else "-"
        line = f"  {name:<8}{k:>2}  {str(pick):>16}  {p50:4.2f} / {p99:4.2f}"
        for what in groups:
            b, v = est[(what, "both")], est[(what, "v5.0")]
            line += f"  {b[0]:5.2f} / {b[1]:5.2f}; {v[0]:5.2f} / {v[1]:5.2f}"
        print(line)


def factor_folds(grid, thr_err: np.ndarray, thr_groups, tt_err: np.ndarray, tt_groups) -> tuple:
    """Leave one group out for a family factor: for each group g of the TTFT rows, the factor the rule picks on the
    throughput rows outside g (`cross_round.argmin_median`), and g's TTFT rows at it. Returns (each TTFT row's error
    at its fold's factor, NaN where the fold has no throughput row; {g: factor})."""
    thr_groups, tt_groups = np.asarray(thr_groups), np.asarray(tt_groups)
    out, picks = np.full(len(tt_groups), np.nan), {}
    for g in sorted(set(tt_groups.tolist())):
        keep = thr_groups != g
        value = C.argmin_median(thr_err[keep], grid)[0] if keep.any() else float("nan")
        picks[g] = value
        if value == value:
            mine = tt_groups == g
            out[mine] = tt_err[mine, list(grid).index(value)]
    return out, picks


def families() -> None:
    """`--families`: the pooled held-out TTFT p50 / p99 with every family's factor refit per fold."""
    def label(r):
        return {"benchmark": C.BENCHMARK_GROUPS.get(r.data.get("benchmark"), r.data.get("benchmark")),
                "submitter": (r.data.get("system") or "?").split(":")[0]}
    pooled = {w: {c: [] for c in C.TTFT} for w in ("benchmark", "submitter")}
    for fam, shipped in C.SHIPPED_FAMILY.items():
        grid = [round(shipped + 0.01 * i, 2) for i in range(-6, 7)]
        chips = tuple(c for c, f in C.V.FAMILIES.items() if f == fam)
        moves = {"params": {"e_": grid}, "family": {fam: C.Name("e_")}}
        thr = [r for r in C.evaluate(keep=(C.INFERENCE_ROUNDS, C.THROUGHPUT_METRICS, chips), **moves)
               if r.output == "tokens_per_s" and C.V.FAMILIES.get(r.chip) == fam]
        tt = [r for r in C.evaluate(keep=(C.INFERENCE_ROUNDS, ("ttft_p50", "ttft_p99"), chips), **moves)
              if r.category in C.TTFT and C.V.FAMILIES.get(r.chip) == fam]
        thr_err, tt_err = C.grid_errors(thr, len(grid)), C.grid_errors(tt, len(grid))
        print(f"  {fam}: {len(thr)} throughput rows, {len(tt)} TTFT rows; all rows: "
              f"{C.argmin_median(thr_err, grid)[0]} (shipped {shipped})", flush=True)
        for what in pooled:
            errs, picks = factor_folds(grid, thr_err, [label(r)[what] for r in thr], tt_err,
                                       [label(r)[what] for r in tt])
            moved = {g: v for g, v in picks.items() if v != shipped}
            if moved:
                print(f"    {what} out, factors that move: {moved}")
            for c in C.TTFT:
                pooled[what][c] += errs[[r.category == c for r in tt]].tolist()
    for what, by in pooled.items():
        with C._quiet():
            print(f"  one {what} out, factors refit, pair shipped: pooled held-out TTFT p50 / p99 "
                  + " / ".join(f"{np.nanmedian(np.abs(by[c])) * 100:.2f}" for c in C.TTFT))


def main(argv=None) -> int:
    paths = sys.argv[1:] if argv is None else argv
    if paths == ["--families"]:
        families()
        return 0
    labels = labels_by_line()
    for p in paths:
        report(p, labels)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
