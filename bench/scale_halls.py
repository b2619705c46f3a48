"""Benchmark of large specs (docs/scale.md, "Large specs"): `check` and `eval` time against the size of a spec.

Three shapes, each written out line by line (no `x n` count: every hall or row is its own definition, as a user
who lays a campus out by hand writes it; the halls are shaped like examples/flagship_campus.factory's):

* `halls`: one site of n separately written halls, each with its rows, racks, rectifiers, CDUs and CRAHs, no gear
  at the site (the site carries the halls' sums, a training run and a chat service, and its books);
* `gear`: the same site with its own gear over the halls (a transformer stage sized from its load, N+1 standby
  generators, dry coolers and a trim chiller): the site's gear shares read every hall;
* `rows`: one hall of n separately written rows.

    python3 bench/scale_halls.py [--shape halls|gear|rows] [--n 10,50,200,1000,2000] [--build-max 50]
                                 [--phases N] [--profile N] [--build-phases N] [--build-profile N]
                                 [--write N > spec.factory]

Each measurement runs in a fresh subprocess (its own imports, its own CPU time: time.process_time, the figure to
trust on a shared machine). It prints, per n, the CPU seconds of check (front end only) and eval (front end,
lowering, evaluation and the JSON rendering of every value), `build` up to --build-max, and each time's ratio to
the n = 50 time (linear is n / 50). `--phases N` prints the CPU time of each stage of eval at n = N (front end:
parse, resolve, typecheck; lower; bind; evaluate; render), `--profile N` the same under cProfile with the top
functions by cumulative time; `--build-phases N` the CPU time of each stage of `build` after the evaluation
(each diagram's DOT text and Graphviz's layout of it, unless --no-graphviz; the report's context, report.html,
report.md, results.json),
`--build-profile N` the same under cProfile; `--write N` prints the spec of size N.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from estate import BOOKS    # (bench/ is on the path of a script run from it)

ROOT = Path(__file__).resolve().parent.parent

PARAMS = ["param energy_price = 0.0774 USD/kWh", "param gpu_utilization = 0.85", "param racks_per_row = 40"]
FACILITY = "Rectifier_800VDC_1MW, CDU_row_2MW, CRAH_150kW"
GEAR = ", DryCooler_1MW, Chiller_AC_500ton, Transformer_2500kVA, Generator_3MW"


def _hall(name: str, i: int, indent: str = "  ") -> list[str]:
    """One hall, shaped like the flagship's, its rows' count and rack kind varied with i (so halls differ)."""
    rack = ("GB300_NVL72", "GB200_NVL72")[i % 2]
    return [f"{indent}hall {name} {{",
            f"{indent}  area = 12000 m^2",
            f"{indent}  power_feed = 60 MW",
            f"{indent}  row pod x {7 + i % 3} {{",
            f"{indent}    rack nvl: {rack} x racks_per_row",
            f"{indent}  }}",
            f"{indent}  rectifier dc: Rectifier_800VDC_1MW x ceil(1.1 * it_power / 1 MW) + 1",
            f"{indent}  cdu loop: CDU_row_2MW",
            f"{indent}  crah air: CRAH_150kW",
            f"{indent}}}"]


def _site_tail(accelerators: str) -> list[str]:
    return ["  training frontier_run {",
            "    model = Llama3_1_405B", "    rack = GB300_NVL72",
            f"    accelerators = {accelerators}",
            "    tokens = 15.6 Ttok", '    precision = "fp8"', "    seq_len = 8192 tok", "    global_batch = 16 Mtok",
            "  }",
            "  inference chat {",
            "    model = Llama3_1_70B", "    rack = GB300_NVL72",
            "    accelerators = 7 * racks_per_row * 72",
            '    precision = "fp4"', '    scenario = "server"',
            "    input_tokens = 2000 tok", "    output_tokens = 400 tok", "    ttft_limit = 2 s", "    tpot_limit = 50 ms",
            "  }"] + BOOKS + ["}"]


def _site_head(feed_mw: int) -> list[str]:
    return ["site campus {",
            "  electricity_price = energy_price",
            "  ambient_temp = 35 degC",
            "  mean_ambient_temp = 10 degC",
            "  supply_temp = 40 degC",
            '  distribution = "dc800"',
            '  heat_rejection = "dry_cooler"',
            "  utilization = gpu_utilization",
            "  land_price = 40000000 USD",
            f"  utility_feed = {feed_mw} MW"]


def spec(shape: str, n: int) -> str:
    """The spec of the given shape and size n (halls, or rows for `rows`)."""
    out = ["from systems import GB300_NVL72, GB200_NVL72",
           f"from facility import {FACILITY}{GEAR if shape == 'gear' else ''}"]
    if shape == "rows":
        out += ["param gpu_utilization = 0.85", "hall big {", f"  area = {400 * n} m^2", f"  power_feed = {8 * n} MW",
                "  utilization = gpu_utilization"]
        for i in range(n):
            rack = ("GB300_NVL72", "GB200_NVL72")[i % 2]
            out += [f"  row r{i} {{", f"    rack nvl: {rack} x {30 + i % 11}", "  }"]
        out += ["  rectifier dc: Rectifier_800VDC_1MW x ceil(1.1 * it_power / 1 MW) + 1",
                "  cdu loop: CDU_row_2MW", "  crah air: CRAH_150kW", "}"]
        return "\n".join(out) + "\n"
    out += ["from models import Llama3_1_405B, Llama3_1_70B"] + PARAMS + _site_head(60 * n)
    if shape == "gear":
        out += ["  transformer mv: Transformer_2500kVA x mv.units_needed",
                "  generator standby: Generator_3MW x ceil(facility_power / 3 MW) + 1",
                "  dry_cooler plant: DryCooler_1MW",
                "  chiller trim: Chiller_AC_500ton"]
    for i in range(n):
        out += _hall(f"h{i}", i)
    out += _site_tail("7 * racks_per_row * 72")
    return "\n".join(out) + "\n"


CHILD = r"""
import io, json, os, sys, time, contextlib
sys.path.insert(0, {root!r})
from compiler.cli import main
argv = {argv!r}
c0 = time.process_time()
sys.argv = ["factory"] + argv
with contextlib.redirect_stdout(io.StringIO()) as out, contextlib.redirect_stderr(io.StringIO()):
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code
print(json.dumps({{"cpu": time.process_time() - c0, "code": code}}))
"""


def _run(argv: list[str]) -> dict:
    proc = subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT), argv=argv)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-2000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _laps(out: dict):
    """lap(name): the CPU seconds since the last lap (or this call) written to out[name]."""
    import time
    clock = [time.process_time()]

    def lap(name: str) -> None:
        now = time.process_time()
        out[name] = now - clock[0]
        clock[0] = now
    return lap


def _phases(path: str, prof=None) -> dict[str, float]:
    """CPU seconds of each stage of `eval --format json` on `path`: front end (parse, resolve, typecheck: the
    stdlib's modules too), lower, bind (the IR's inputs and order), evaluate, render."""
    sys.path.insert(0, str(ROOT))
    import dsl
    from compiler.evaluate import evaluate
    from compiler.ir import bind
    from compiler.lower import lower
    from compiler.render.results import render_results
    out: dict[str, float] = {}
    lap = _laps(out)
    if prof is not None:
        prof.enable()
    checked, sink = dsl.check_files([path])
    lap("front end")
    lowering = lower(checked, sink)
    lap("lower")
    ir = bind(lowering)
    lap("bind")
    results = evaluate(lowering, sink, ir=ir)
    lap("evaluate")
    render_results(results, path, sink, "json", None)
    lap("render")
    if prof is not None:
        prof.disable()
    return out


def _build_phases(path: str, prof=None, graphviz: bool = True) -> dict[str, float]:
    """CPU seconds of each stage of `build` on `path` after the evaluation (`evaluate_all`, as `factory build`
    runs it): each diagram's DOT text (`diagram_dot`), Graphviz's layout of it (the `dot` process: its own CPU,
    children's time), the report's context, report.html, report.md and results.json; the cyclic garbage collector
    paused over them, as `build` pauses it."""
    sys.path.insert(0, str(ROOT))
    from compiler import evaluate_files
    out: dict = {}
    lap = _laps(out)
    results, sink = evaluate_files([path], {}, None, True, None)
    lap("evaluate")
    from dsl import gc_paused
    with gc_paused():               # as `build` makes them (compiler.render.report.build)
        _build_stages(results, path, sink, lap, prof, graphviz, out)
    return out


def _build_stages(results, path: str, sink, lap, prof, graphviz: bool, out: dict) -> None:
    from compiler.render import diagram
    from compiler.render.report import VIEWS, render_html, render_markdown, report_context
    from compiler.render.report_format import flagged_quantities
    from compiler.render.results import render_results
    from compiler.render.view import problems
    if prof is not None:
        prof.enable()
    flags, found = flagged_quantities(results, sink), problems(results, sink)
    lap("flags")
    for view in VIEWS:
        text = diagram.diagram_dot(results, view, flags=flags, problems=found)
        lap(f"{view} dot")
        children = os.times()
        if not graphviz:
            lap(f"{view} svg (this process)")
            continue
        try:
            diagram.render_diagram(text, "svg")
        except Exception as exc:  # noqa: BLE001 - measured, not drawn
            out[f"{view} graphviz failed"] = str(exc)[:80]
        done = os.times()
        out[f"{view} graphviz"] = done.children_user + done.children_system - children.children_user \
            - children.children_system
        lap(f"{view} svg (this process)")
    context = report_context(results, path, sink, None)
    lap("report context")
    for name, render in (("report.html", lambda: render_html(results, path, sink, context=context)),
                         ("report.md", lambda: render_markdown(results, path, sink, context=context)),
                         ("results.json", lambda: render_results(results, path, sink, "json", None))):
        render()
        lap(name)
    if prof is not None:
        prof.disable()


def _profile(path: str) -> None:
    import cProfile
    import pstats
    prof = cProfile.Profile()
    phases = _phases(path, prof)
    pstats.Stats(prof).sort_stats("cumulative").print_stats(45)
    print("CPU seconds under cProfile: " + ", ".join(f"{k} {v:.2f}" for k, v in phases.items()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shape", choices=("halls", "gear", "rows"), default="halls")
    ap.add_argument("--n", default="10,50,200,1000,2000")
    ap.add_argument("--build-max", type=int, default=50)
    ap.add_argument("--skip-eval-above", type=int, default=10 ** 9, help="check only above this n")
    ap.add_argument("--profile", type=int)
    ap.add_argument("--write", type=int)
    ap.add_argument("--phases", type=int, help="time each stage of eval at this n, in this process")
    ap.add_argument("--build-phases", type=int, help="time each stage of build after the evaluation at this n")
    ap.add_argument("--build-profile", type=int, help="--build-phases under cProfile")
    ap.add_argument("--no-graphviz", action="store_true", help="--build-phases without Graphviz's layouts")
    args = ap.parse_args()
    if args.write is not None:
        sys.stdout.write(spec(args.shape, args.write))
        return
    tmp = tempfile.mkdtemp(prefix="scale_halls_")
    if args.profile is not None:
        path = os.path.join(tmp, f"{args.shape}_{args.profile}.factory")
        Path(path).write_text(spec(args.shape, args.profile))
        _profile(path)
        return
    if args.build_phases is not None or args.build_profile is not None:
        n = args.build_phases if args.build_phases is not None else args.build_profile
        path = os.path.join(tmp, f"{args.shape}_{n}.factory")
        Path(path).write_text(spec(args.shape, n))
        prof = None
        if args.build_profile is not None:
            import cProfile
            import pstats
            prof = cProfile.Profile()
        got = _build_phases(path, prof, graphviz=not args.no_graphviz)
        print(f"{args.shape} n = {n}, build stages, CPU seconds: " +
              ", ".join(f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}" for k, v in got.items()))
        if prof is not None:
            pstats.Stats(prof).sort_stats("cumulative").print_stats(45)
        return
    if args.phases is not None:
        path = os.path.join(tmp, f"{args.shape}_{args.phases}.factory")
        Path(path).write_text(spec(args.shape, args.phases))
        print(f"{args.shape} n = {args.phases}, CPU seconds: " +
              ", ".join(f"{k} {v:.2f}" for k, v in _phases(path).items()))
        return
    sizes = [int(x) for x in args.n.split(",")]
    base: dict[str, float] = {}
    print(f"shape {args.shape}: CPU seconds (ratio to n = 50; linear is n / 50)")
    for n in sizes:
        path = os.path.join(tmp, f"{args.shape}_{n}.factory")
        Path(path).write_text(spec(args.shape, n))
        row = {"check": _run(["check", path])}
        if n <= args.skip_eval_above:
            row["eval"] = _run(["eval", path, "--format", "json"])
        if n <= args.build_max:
            row["build"] = _run(["build", path, "-o", os.path.join(tmp, f"build_{n}")])
        cells = []
        for what, got in row.items():
            if n == 50:
                base[what] = got["cpu"]
            ratio = f" ({got['cpu'] / base[what]:.1f}x)" if what in base else ""
            cells.append(f"{what} {got['cpu']:7.2f} s{ratio} exit {got['code']}")
        print(f"n = {n:5d}: " + " | ".join(cells), flush=True)


if __name__ == "__main__":
    main()
