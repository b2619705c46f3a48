"""Benchmark of the language server's checks' stage (its first evaluation: `Analysis.checks_diagnostics`,
`evaluate(..., only_checks=True)`) on a first open and on a keystroke, CPU seconds per stage, against another tree.

Not a test: run it by hand and read the ratios.

    python3 bench/bench_checks_stage.py [--lines 2000] [--edits 7] [--against /work/main]

In process, as the server runs it (Python's cyclic garbage collector off; `compiler.lsp.server` collects when idle),
for the generated spec of about `--lines` lines (bench_check.py's generator: 636 rack placements of 12 definitions
at 2,000 lines) and for examples/inference_shootout.factory:

* first open: a fresh `dsl.Session`, the text checked (`Analysis(...)`: the front end) and its checks' stage;
* a keystroke: `--edits` one-character edits of a figure (on the generated spec: a chip's `tdp`, which every hall
  reaches, and hall_0's `power_feed`, which one hall reads; and a space typed in a chip's comment) (the session kept, as the server keeps it, and the
  document's memo of values, `compiler.memo`, where the tree has one), each checked and its checks' stage run; the
  median;

each split into stages: the front end (`check`), lowering, and within the checks' evaluation the placements shared
(`compiler.share`: finding the copies and evaluating the first of each), the asserts, the built-in limits, the
rules and the field tables (ordered pairs, plausibility). `--against TREE` runs the same measurement on another
checkout (main's, before the share) in a subprocess and prints each figure's ratio (TREE's / this tree's: above 1
is faster here). The checks' diagnostics of both trees are compared (they must be equal).

`--value-bound`: the most a cache of values across document versions could save (the next step named in
session 14: a keystroke inside one block should not re-evaluate the blocks it cannot affect). Each keystroke's
evaluation starts with *every* value of the previous version's evaluation already in place (those of the nodes that
lowering made: an unsound oracle, its diagnostics may differ; a sound cache reuses a subset of them), so what is
left is the work no value cache removes: the front end, lowering, the share's classes, and the walks of every
check, limit, rule and field table over the placements. Printed beside the keystroke's figures, with the ratio.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# the baseline (docs/editor.md, session 15: a keystroke's checks' stage on the 2,000-line spec, CPU s on the shared VM)
# and the target (issue Editor); a ratio against them is printed (`--against TREE` measures a tree back to back)
BASELINE_S = {"generated 2000-line spec": 0.24}
TARGET_S = 0.1
STAGES = ("check", "lower", "share", "asserts", "limits", "rules", "field tables", "checks stage")


def measure(tree: Path, lines: int, edits: int, value_bound: bool = False, profile: bool = False) -> dict:
    """CPU seconds per stage in `tree` (its modules imported from there): {spec: {"open": {...}, "edit": {...},
    "diagnostics": [...]}}."""
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(tree))
    import dsl
    import compiler.checks as C
    import compiler.evaluate as E
    import compiler.lower as L
    from bench_check import generate
    from compiler.lsp.analysis import Analysis

    spent: dict[str, float] = {}

    def timed(owner, name: str, stage: str) -> None:
        inner = getattr(owner, name)

        def wrapper(*args, **kwargs):
            start = time.process_time()
            try:
                return inner(*args, **kwargs)
            finally:
                spent[stage] = spent.get(stage, 0.0) + time.process_time() - start
        setattr(owner, name, wrapper)

    timed(E, "evaluate_check", "asserts")
    timed(E, "evaluate_limit", "limits")
    timed(E, "evaluate_rules", "rules")
    timed(C, "check_field_tables", "field tables")
    timed(L, "lower", "lower")
    seed: dict = {}
    if value_bound:                     # every value of the previous version's evaluation in place (an oracle)
        inner = E._evaluate_with

        def seeded(ev, *args, **kwargs):
            nodes = ev.graph.nodes
            ev.values.update({p: v for p, v in seed.get("last", {}).items() if p in nodes})
            try:
                return inner(ev, *args, **kwargs)
            finally:
                seed["next"] = dict(ev.values)
        E._evaluate_with = seeded
    try:
        import compiler.share as S
        timed(S.PlacementShare, "prepare", "share")
    except ImportError:                 # (a tree without the share)
        pass

    try:                                # the server's memo of a document's values (`compiler.memo`), if the tree has it
        from compiler.memo import ValueMemo
    except ImportError:
        ValueMemo = None

    def one(text: str, path: str, session, memo=None) -> tuple[dict, list]:
        spent.clear()
        start = time.process_time()
        analysis = Analysis(text, path, str(Path(path).parent), session, **({"memo": memo} if memo else {}))
        spent["check"] = time.process_time() - start
        start = time.process_time()
        diags = analysis.checks_diagnostics()
        if value_bound:
            seed.setdefault("next", {})
        spent["checks stage"] = time.process_time() - start
        folder = str(Path(path).parent)             # (each tree's run has its own temporary folder)
        shown = [(d.severity, d.code, d.message.replace(folder, "<tmp>"), d.span.line if d.span else None,
                  d.span.col if d.span else None, [note.replace(folder, "<tmp>") for note in d.notes]) for d in diags]
        analysis.release()
        del analysis
        gc.collect()
        return dict(spent), shown

    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        generated = generate(lines)
        specs = [(f"generated {lines}-line spec", generated, " W  "),
                 # a figure one hall reads (hall_0's power_feed, in the site block): the halls it does not reach keep
                 # their values (`compiler.memo`), the front end checks the whole site block again
                 (f"generated {lines}-line spec, one hall's feed", generated, " MW\n    area"),
                 # a comment typed in (a chip's `# datasheet, rev 0`): the same program, its diagnostics moved
                 # (`compiler.memo.ValueMemo.reuse_checks`)
                 (f"generated {lines}-line spec, a comment", generated, ", rev ")]
        example = (tree / "examples" / "inference_shootout.factory")
        if example.exists():
            specs.append(("examples/inference_shootout.factory", example.read_text(encoding="utf-8"), " W"))
            # a figure of one workload (groq_70b's accelerators, 576): what the memo of values is for
            specs.append(("inference_shootout, one workload's figure", example.read_text(encoding="utf-8"),
                          "          # 9 GroqRacks"))
        for name, text, anchor in specs:
            path = os.path.join(tmp, name.replace("/", "_").replace(" ", "_") + ".factory")
            gc.collect()
            gc.disable()
            try:
                first, shown = one(text, path, dsl.Session())
                session = dsl.Session()
                memo = ValueMemo() if ValueMemo is not None and not value_bound else None
                one(text, path, session, memo)                  # the server's session, warm
                at = text.index(anchor)
                runs = []
                for k in range(edits):
                    edited = text[:at - 1] + str((int(text[at - 1]) + k + 1) % 10) + text[at:] \
                        if text[at - 1].isdigit() else text[:at] + " " * (k % 2 + 1) + text[at:]   # (each a new text)
                    seed["last"] = seed.get("next", {}) if value_bound else {}
                    got, _ = one(edited, path, session, memo)
                    runs.append(got)
                if profile and name == f"generated {lines}-line spec":   # (one more keystroke, under cProfile: ~4x slower)
                    import cProfile
                    import pstats
                    prof = cProfile.Profile()
                    prof.enable()
                    one(text[:at - 1] + str((int(text[at - 1]) + edits + 1) % 10) + text[at:], path, session, memo)
                    prof.disable()
                    print(f"cProfile of a keystroke's check and checks' stage ({name}), by own time:")
                    pstats.Stats(prof, stream=sys.stdout).sort_stats("tottime").print_stats(25)
            finally:
                gc.enable()
            edit = {stage: statistics.median(r.get(stage, 0.0) for r in runs) for stage in STAGES}
            out[name] = {"open": first, "edit": edit, "diagnostics": shown}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--edits", type=int, default=7)
    parser.add_argument("--against", default=None, metavar="TREE", help="another checkout to compare (main's)")
    parser.add_argument("--value-bound", action="store_true",
                        help="also each keystroke with every value of the version before in place (an oracle)")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile one keystroke of the generated spec (after the timed ones): the top functions")
    parser.add_argument("--tree", default=str(HERE.parent), help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.json:                       # (the subprocess of --against)
        print(json.dumps(measure(Path(args.tree), args.lines, args.edits, args.value_bound)))
        return
    other = None
    if args.against:
        env = dict(os.environ, PYTHONPATH=args.against)
        done = subprocess.run([sys.executable, __file__, "--json", "--tree", args.against, "--lines",
                               str(args.lines), "--edits", str(args.edits)], capture_output=True, text=True, env=env,
                              cwd=args.against, check=True)
        other = json.loads(done.stdout)
    mine = measure(Path(args.tree), args.lines, args.edits, profile=args.profile)
    bound = None
    if args.value_bound:                # (in a subprocess: the oracle patches the evaluator's module)
        done = subprocess.run([sys.executable, __file__, "--json", "--value-bound", "--tree", args.tree, "--lines",
                               str(args.lines), "--edits", str(args.edits)], capture_output=True, text=True,
                              check=True)
        bound = json.loads(done.stdout)
    print(f"the checks' stage, CPU s (gc off, as the server runs; a keystroke: median of {args.edits} edits)"
          + (f"; ratio = {args.against}'s / this tree's" if other else ""))
    for name, got in mine.items():
        print(f"  {name}:")
        for when in ("open", "edit"):
            row = []
            for stage in STAGES:
                value = got[when].get(stage, 0.0)
                text = f"{stage} {value:.3f}"
                if other and name in other:
                    base = other[name][when].get(stage, 0.0)
                    text += f" ({base:.3f}, {base / value:.2f}x)" if value > 0.0005 else f" ({base:.3f})"
                row.append(text)
            print(f"    {('first open' if when == 'open' else 'keystroke'):<10} " + "; ".join(row))
        if bound and name in bound:
            mine_s = got["edit"]["check"] + got["edit"]["checks stage"]
            best = bound[name]["edit"]["check"] + bound[name]["edit"]["checks stage"]
            print(f"    value-cache bound (every value of the version before in place): " + "; ".join(
                f"{stage} {bound[name]['edit'].get(stage, 0.0):.3f}" for stage in STAGES))
            print(f"    keystroke (check + checks stage) {mine_s:.3f} s -> at best {best:.3f} s with a value cache "
                  f"(ratio {mine_s / best:.2f}x; target 0.1 s)")
        mine_s = got["edit"]["check"] + got["edit"]["checks stage"]
        line = f"    keystroke, check + checks' stage: {mine_s:.3f} s"
        if other and name in other:
            base_s = other[name]["edit"]["check"] + other[name]["edit"]["checks stage"]
            line += f"; {args.against}'s {base_s:.3f} s (ratio {base_s / mine_s:.2f}x)"
        if name in BASELINE_S:
            stage = got["edit"]["checks stage"]
            line += (f"; the checks' stage {stage:.3f} s against session 15's {BASELINE_S[name]:.2f} s (ratio "
                     f"{BASELINE_S[name] / stage:.2f}x; target {TARGET_S} s)")
        print(line)
        if other and name in other:
            same = other[name]["diagnostics"] == json.loads(json.dumps(got["diagnostics"]))   # (as the other's)
            print(f"    diagnostics of the first open equal {args.against}'s: {same}")


if __name__ == "__main__":
    main()
