"""Leave-one-group-out TTFT estimates for restricted first-token parameterisations, read off a saved error surface
(issue 11, TTFT generalisation; docs/accuracy.md "The first-token pair with fewer constants", s17-ttft).

    PYTHONPATH=. python3 bench/cross_round.py --ttft [--with dispatch_p50] --save S.npz   (the surface, ~10 min)
    PYTHONPATH=. python3 bench/ttft_lgo.py S.npz [S2.npz ...]                             (seconds)

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
"""
from __future__ import annotations

import sys

import numpy as np

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import cross_round as C  # noqa: E402

FAMILIES = {"pair": lambda a, b: True, "tie": lambda a, b: abs(a - b) < 1e-9,
            "p99 0": lambda a, b: abs(b) < 1e-9, "p50 0": lambda a, b: abs(a) < 1e-9, "none": lambda a, b: abs(a) < 1e-9 and abs(b) < 1e-9}


def labels_by_line() -> dict:
    """{(file line, category): (benchmark group, chip family, submitter)} of the calibration file's TTFT rows."""
    rows = C.evaluate(keep=(C.INFERENCE_ROUNDS, ("ttft_p50", "ttft_p99")))
    return {(r.line, r.category): (C.BENCHMARK_GROUPS.get(r.data.get("benchmark"), r.data.get("benchmark")),
                                   C.V.FAMILIES.get(r.chip, "?"), (r.data.get("system") or "?").split(":")[0])
            for r in rows if r.category in C.TTFT}


def columns(points, family: str) -> np.ndarray:
    """The indices of the surface's points in a parameterisation (the first of any repeated point)."""
    seen, out = set(), []
    for i, (a, b) in enumerate(map(tuple, points)):
        key = (round(float(a), 4), round(float(b), 4))
        if key not in seen and FAMILIES[family](*key):
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
    for fam, k in (("pair", 2), ("tie", 1), ("p99 0", 1), ("p50 0", 1), ("none", 0)):
        cols = columns(points, fam)
        if not len(cols):
            continue
        est = estimate(errs[:, cols], cats, rounds, groups)
        j, p50, p99 = est["in-sample"]
        pick = tuple(float(x) for x in points[cols[j]]) if j is not None else "-"
        line = f"  {fam:<8}{k:>2}  {str(pick):>16}  {p50:4.2f} / {p99:4.2f}"
        for what in groups:
            b, v = est[(what, "both")], est[(what, "v5.0")]
            line += f"  {b[0]:5.2f} / {b[1]:5.2f}; {v[0]:5.2f} / {v[1]:5.2f}"
        print(line)


def main(argv=None) -> int:
    paths = sys.argv[1:] if argv is None else argv
    labels = labels_by_line()
    for p in paths:
        report(p, labels)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
