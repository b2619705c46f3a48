"""Benchmark of the middle end: lowering, binding (compiler.ir) and evaluation stay linear in spec size.

Not a test: run it by hand and read the exponent.

    python3 bench/bench_lower.py [--lines 1000,3000,9000] [--repeat 2]

For each size it generates the realistic spec of `bench/bench_check.py` (chip, server and rack families;
a site with halls, rows and rack parts; lets and asserts), checks it once, then times on one core, best of
`--repeat` runs, each on a fresh check of the text:

* lower: `compiler.lower.lower` (the checked AST to the graph of instances and quantities);
* bind: `compiler.ir.bind` (every name resolved once, the topological order);
* evaluate: `compiler.evaluate.evaluate` over that order (models included), and the three together.

Then, for each stage, the exponent k of time ~ lines^k fitted by least squares on log-log (1.00 is linear;
the target is k <= 1.15, which leaves room for measurement noise). Times are process CPU seconds.
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import dsl  # noqa: E402
from bench_check import _pin_one_core, generate  # noqa: E402
from compiler.evaluate import evaluate  # noqa: E402
from compiler.ir import bind  # noqa: E402
from compiler.lower import lower  # noqa: E402

TARGET_EXPONENT = 1.15


def _fit(sizes: list[int], times: list[float]) -> float:
    xs = [math.log(s) for s in sizes]
    ys = [math.log(max(t, 1e-9)) for t in times]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def measure(text: str, repeat: int) -> tuple[int, dict[str, float]]:
    best = {"lower": math.inf, "bind": math.inf, "evaluate": math.inf, "total": math.inf}
    nodes = 0
    for _ in range(repeat):
        checked, sink = dsl.check_text(text, "bench_lower.factory")
        if checked is None or sink.has_errors():
            raise SystemExit(f"the generated spec has errors: {[d.message for d in sink.errors][:3]}")
        t0 = time.process_time()
        lowering = lower(checked, sink)
        t1 = time.process_time()
        ir = bind(lowering)
        t2 = time.process_time()
        evaluate(lowering, sink, ir=ir)
        t3 = time.process_time()
        nodes = len(ir.nodes)
        for key, value in (("lower", t1 - t0), ("bind", t2 - t1), ("evaluate", t3 - t2), ("total", t3 - t0)):
            best[key] = min(best[key], value)
    return nodes, best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", default="1000,3000,9000")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    if len(set(args.lines.split(","))) < 2:
        parser.error("--lines needs at least two sizes to fit the growth exponent")
    print(f"pinned: {_pin_one_core()}")
    sizes, rows = [], []
    for target in (int(x) for x in args.lines.split(",")):
        text = generate(target)
        lines = text.count("\n") + 1
        nodes, best = measure(text, args.repeat)
        sizes.append(lines)
        rows.append(best)
        print(f"{lines:>7,} lines {nodes:>8,} nodes   lower {best['lower']:7.3f} s   bind {best['bind']:7.3f} s   "
              f"evaluate {best['evaluate']:7.3f} s   total {best['total']:7.3f} s   "
              f"({lines / best['total']:,.0f} lines/s)")
    print()
    for key in ("lower", "bind", "evaluate", "total"):
        k = _fit(sizes, [r[key] for r in rows])
        verdict = "linear" if k <= TARGET_EXPONENT else "SUPERLINEAR"
        print(f"{key:>9}: time ~ lines^{k:.2f}  ({verdict}; target <= {TARGET_EXPONENT})")


if __name__ == "__main__":
    main()
