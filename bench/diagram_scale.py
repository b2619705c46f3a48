"""Benchmark of the diagrams at scale (docs/scale.md, "Diagrams at scale"): each view's DOT size and Graphviz's
layout time against the number of halls of a site.

The spec is bench/scale_halls.py's `halls` shape (one site of n separately written halls, each its own
definition; their rack kind alternates and their row count cycles through 7, 8, 9, so a site of n >= 6 halls holds
6 kinds of hall, each drawn alike where a view draws halls alike).

    python3 bench/diagram_scale.py [--n 10,100,200,1000,2000] [--views physical,network,power,cooling]
                                   [--timeout 120] [--save DIR] [--no-graphviz]

For each n, in one process: the spec is evaluated once (as `factory build` does), then each view's DOT text is made
(`diagram.diagram_dot`, as build makes it) and laid out by the Graphviz program build uses
(`graphviz_backend.find_renderer`, `-Tsvg`), stopped after --timeout seconds (build's own limit,
`graphviz_backend.TIMEOUT_S`, is 120 s). It prints, per n and view, the DOT bytes, the CPU seconds making it, the
layout's wall seconds and the `dot` process's CPU seconds (the figure to trust on a shared machine), each with its
ratio to the n = 10 figure (linear is n / 10; a view that draws alike halls once stays flat), and "FAILED" with
Graphviz's first line or "TIMEOUT" where no picture came. --save DIR writes each DOT text as DIR/<view>_<n>.dot.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from scale_halls import spec  # noqa: E402 - bench/ on the path first


def dot_texts(path: str, views: list[str]) -> dict[str, tuple[str, float]]:
    """{view: (DOT text, CPU seconds making it)} of the spec at `path`, made as `factory build` makes them (the
    cyclic collector paused, as build pauses it)."""
    from compiler import evaluate_files
    from compiler.render import diagram
    from compiler.render.report_format import flagged_quantities
    from compiler.render.view import problems
    from dsl import gc_paused
    results, sink = evaluate_files([path], {}, None, True, None)
    flags, found = flagged_quantities(results, sink), problems(results, sink)
    out = {}
    with gc_paused():
        for view in views:
            start = time.process_time()
            text = diagram.diagram_dot(results, view, flags=flags, problems=found)
            out[view] = (text, time.process_time() - start)
    return out


def layout(text: str, timeout: float) -> tuple[float, float, str]:
    """(wall seconds, the program's CPU seconds, "" or why no picture came) of Graphviz's SVG of `text`."""
    from compiler import graphviz_backend
    found = graphviz_backend.find_renderer()
    if found is None:
        return 0.0, 0.0, "no Graphviz"
    before, start = os.times(), time.perf_counter()
    why = ""
    try:
        done = subprocess.run([found[1], "-Tsvg"], input=text.encode("utf-8"), capture_output=True,
                              timeout=timeout, check=False)
        if done.returncode != 0 or not done.stdout:
            first = done.stderr.decode("utf-8", "replace").strip().splitlines()
            why = "FAILED: " + (first[0] if first else f"exit {done.returncode}")[:60]
    except subprocess.TimeoutExpired:
        why = f"TIMEOUT after {timeout:.0f} s"
    wall, after = time.perf_counter() - start, os.times()
    cpu = after.children_user + after.children_system - before.children_user - before.children_system
    return wall, cpu, why


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", default="10,100,200,1000,2000")
    ap.add_argument("--views", default="physical,network,power,cooling")
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--save", help="write each view's DOT text to this folder")
    ap.add_argument("--no-graphviz", action="store_true", help="DOT sizes only")
    args = ap.parse_args()
    views = args.views.split(",")
    tmp = tempfile.mkdtemp(prefix="diagram_scale_")
    base: dict[tuple[str, str], float] = {}
    print("per view: DOT bytes, CPU s making it, Graphviz layout wall s and CPU s (ratio to n = 10; linear is n / 10)")
    for n in (int(x) for x in args.n.split(",")):
        path = os.path.join(tmp, f"halls_{n}.factory")
        Path(path).write_text(spec("halls", n))
        texts = dot_texts(path, views)
        for view, (text, making) in texts.items():
            if args.save:
                os.makedirs(args.save, exist_ok=True)
                Path(args.save, f"{view}_{n}.dot").write_text(text, encoding="utf-8")
            figures = {"bytes": float(len(text.encode("utf-8"))), "DOT made in": making}
            why = ""
            if not args.no_graphviz:
                figures["wall"], figures["cpu"], why = layout(text, args.timeout)
            cells = []
            for what, value in figures.items():
                if n == 10:
                    base[(view, what)] = value
                b = base.get((view, what))
                ratio = f" ({value / b:.1f}x)" if b else ""
                cells.append(f"{what} {value:,.0f}{ratio}" if what == "bytes" else f"{what} {value:.2f} s{ratio}")
            print(f"n = {n:5d} {view:8s}: " + " | ".join(cells) + (f" | {why}" if why else ""), flush=True)


if __name__ == "__main__":
    main()
