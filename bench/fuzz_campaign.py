"""Fuzz campaign: mutated examples and grammar-generated specs through check, eval, explain and build.

    python3 bench/fuzz_campaign.py [--n 100000] [--build-n 1000] [--seed 0] [--workers CORES]
                                   [--timeout 20] [--minutes M] [--out build/fuzz_failures]

Input i is a pure function of (seed, i): even i a mutation of an example, odd i a grammar-aware random spec
(tests/fuzz_gen.py), so a failure is reproduced with `--only I`. Each input runs, in-process through the
CLI (click's CliRunner), `eval --format json`; one in ten also `check --format json` and `explain` of one
quantity; `--build-n` of them (spread evenly) also `build`. Workers are separate processes; one that runs
past `--timeout` seconds on an input is killed and the input counted as a hang.

Failure classes (the contract in README.md and ARCHITECTURE.md):
  internal-error     a traceback, "internal error" or an exception escaped the CLI
  hang               no answer within the per-input time limit
  exit-code          an exit code outside the contract (0 clean / 1 spec errors; 2 only for usage), or the
                     JSON's `ok` disagreeing with it
  check-eval-differ  `check` and `eval` of the same input exit differently
  no-location        a diagnostic without file:line:col
  nonfinite-silent   eval exits 0 with a null (NaN/inf) value in results JSON that is not flagged absent
                     (with its reason); a warning does not excuse it
  negative-output    eval exits 0 with a negative model output (power, cost, count, rate ...), no diagnostic
  explain-failed     `explain` of a quantity that eval printed does not exit 0
  sweep-crash        the input evaluates, but a `-D knob=[a,b,c]` sweep of one of its params or literals
                     (made params by tests/test_laws.py's parametrize_spec) is an internal error (one input
                     in four that evaluate)
  sweep-differs      that sweep's scenario k differs from the single run `-D knob=<k-th value>` (one in
                     twenty; the first differing path is shown)
Prints counts per class, the rate, and writes each failing input (and what failed) to --out/<class>/.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

import fuzz_gen  # noqa: E402


def make_input(seed: int, i: int) -> tuple[str, bytes]:
    rng = random.Random(seed * 1_000_003 + i)
    if i % 2 == 0:
        name, data = fuzz_gen.mutate(rng)
        return f"mutant-{name}", data
    return "grammar.factory", fuzz_gen.generate(rng, budget=rng.choice([20, 40, 80, 160])).encode()


# ----------------------------------------------------------------------------- one input

def _crashed(result) -> str | None:
    out = result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return f"{type(result.exception).__name__}: {result.exception}"
    for line in out.splitlines():
        if "internal error" in line.lower() or line.startswith("Traceback"):
            return line.strip()[:300]
    return None


def _locations_ok(diags: list[dict]) -> str | None:
    for d in diags:
        loc = d.get("location")
        if not loc or loc.get("line", 0) < 1 or loc.get("col", 0) < 1:
            return f"{d.get('code')}: {d.get('message', '')[:200]}"
    return None


def run_one(path: Path, i: int, do_check: bool, do_build: bool, out_dir: Path,
            sweep: int = 0) -> list[tuple[str, str]]:
    """Failures of one input file, as (class, detail)."""
    from click.testing import CliRunner

    from compiler.cli import main

    runner = CliRunner()
    fails: list[tuple[str, str]] = []
    ev = runner.invoke(main, ["eval", str(path), "--format", "json"], catch_exceptions=True)
    crash = _crashed(ev)
    if crash:
        return [("internal-error", f"eval: {crash}")]
    if ev.exit_code not in (0, 1):
        fails.append(("exit-code", f"eval exited {ev.exit_code}: {ev.output[-300:]}"))
    report = None
    if ev.exit_code in (0, 1) and ev.stdout.lstrip().startswith("{"):
        try:
            report = json.loads(ev.stdout)
        except ValueError:
            fails.append(("exit-code", "eval --format json printed no JSON"))
    if report is not None:
        diags = report["diagnostics"]
        bad = _locations_ok(diags)
        if bad:
            fails.append(("no-location", f"eval: {bad}"))
        has_errors = any(d["severity"] == "error" for d in diags)
        if has_errors != (ev.exit_code == 1):
            fails.append(("exit-code", f"eval exited {ev.exit_code} with errors={has_errors}"))
        if ev.exit_code == 0:   # a warning explains no null; an absent value carries its own reason
            nulls = [p for p, q in report["quantities"].items()
                     if any(v is None for v in q["values"]) and not q.get("absent", {}).get("reason")]
            if nulls:
                leaves = sorted({q.rpartition(".")[2] for q in nulls})
                fails.append(("nonfinite-silent", "null (NaN/inf) values of " + ", ".join(leaves[:6])))
            negative = _negative_outputs(path, report)
            if negative:
                leaves = sorted({q.rpartition(".")[2] for q in negative})
                fails.append(("negative-output", "negative values of " + ", ".join(leaves[:6])))
    if do_check:
        ch = runner.invoke(main, ["check", str(path), "--format", "json"], catch_exceptions=True)
        crash = _crashed(ch)
        if crash:
            fails.append(("internal-error", f"check: {crash}"))
        else:
            if ch.exit_code not in (0, 1):
                fails.append(("exit-code", f"check exited {ch.exit_code}: {ch.output[-300:]}"))
            elif ev.exit_code in (0, 1) and ch.exit_code != ev.exit_code:
                fails.append(("check-eval-differ", f"check exited {ch.exit_code}, eval {ev.exit_code}"))
            try:
                creport = json.loads(ch.stdout)
                if creport["ok"] != (ch.exit_code == 0):
                    fails.append(("exit-code", f"check ok={creport['ok']} but exit {ch.exit_code}"))
                bad = _locations_ok(creport["diagnostics"])
                if bad:
                    fails.append(("no-location", f"check: {bad}"))
            except (ValueError, KeyError):
                fails.append(("exit-code", f"check --format json printed no JSON (exit {ch.exit_code})"))
        if report is not None and report["quantities"]:
            quantity = random.Random(i).choice(sorted(report["quantities"]))
            ex = runner.invoke(main, ["explain", str(path), quantity], catch_exceptions=True)
            crash = _crashed(ex)
            if crash:
                fails.append(("internal-error", f"explain {quantity}: {crash}"))
            elif ex.exit_code != ev.exit_code and ex.exit_code != 0:
                fails.append(("explain-failed", f"explain {quantity} exited {ex.exit_code}: {ex.output[-200:]}"))
    if sweep and report is not None and report["quantities"]:
        fails += _sweep(path, i, sweep >= 2, runner, main)
    if do_build:
        build_dir = out_dir / "build"
        bu = runner.invoke(main, ["build", str(path), "-o", str(build_dir)], catch_exceptions=True)
        crash = _crashed(bu)
        if crash:
            fails.append(("internal-error", f"build: {crash}"))
        elif bu.exit_code not in (0, 1):
            fails.append(("exit-code", f"build exited {bu.exit_code}: {bu.output[-300:]}"))
        elif ev.exit_code in (0, 1) and bu.exit_code != ev.exit_code:
            fails.append(("check-eval-differ", f"build exited {bu.exit_code}, eval {ev.exit_code}"))
        shutil.rmtree(build_dir, ignore_errors=True)
    return fails


def _sweep(path: Path, i: int, compare: bool, runner, main) -> list[tuple[str, str]]:
    """Sweep one knob of the input: no crash; with `compare`, scenario k equals the single run k."""
    import test_laws

    text = path.read_text(encoding="utf-8", errors="replace")
    new_text, knobs = test_laws.parametrize_spec(text)
    if not knobs:
        return []
    knob = random.Random(i).choice(knobs)
    values = knob.values()
    swept = path.with_name("sweep.factory")
    swept.write_text(new_text, encoding="utf-8")
    define = f"{knob.name}=[{', '.join(values)}]"
    sw = runner.invoke(main, ["eval", str(swept), "--format", "json", "-D", define], catch_exceptions=True)
    crash = _crashed(sw)
    if crash:
        return [("sweep-crash", f"-D {define}: {crash}")]
    if not compare or sw.exit_code not in (0, 1):
        return []
    sweep = test_laws.evaluate(new_text, str(swept), {knob.name: "[" + ", ".join(values) + "]"})
    singles = [test_laws.evaluate(new_text, str(swept), {knob.name: v}) for v in values]
    diffs = test_laws.sweep_differences(sweep, singles)
    if diffs:
        return [("sweep-differs", f"-D {define}: {len(diffs)} differences, first {diffs[0][:200]}")]
    return []


def _negative_outputs(path: Path, report: dict) -> list[str]:
    """Model outputs (not the spec's own lets/params/fields) below zero: re-evaluate to read node kinds."""
    negatives = [p for p, q in report["quantities"].items() if any(v is not None and v < 0 for v in q["values"])]
    if not negatives:
        return []
    from compiler import evaluate_files

    results, _ = evaluate_files([str(path)])
    if results is None:
        return []
    return [p for p in negatives if p in results.graph.nodes and results.graph.nodes[p].kind in ("model", "count")]


# ----------------------------------------------------------------------------- workers

def _worker(conn, seed: int, n: int, build_n: int) -> None:
    import warnings
    warnings.simplefilter("ignore")
    tmp = Path(tempfile.mkdtemp(prefix="factory-fuzz-"))
    build_every = max(1, n // build_n) if build_n else 0
    while True:
        i = conn.recv()
        if i is None:
            break
        name, data = make_input(seed, i)
        path = tmp / "fuzz.factory"
        path.write_bytes(data)
        try:
            fails = run_one(path, i, i % 10 == 0 or i % 10 == 1,
                            bool(build_every) and (i // 2) % build_every == 0 and i // 2 // build_every < build_n,
                            tmp, sweep=(2 if i % 20 in (0, 1) else 1 if i % 4 in (0, 1) else 0))
        except Exception as exc:  # noqa: BLE001 - the harness itself must keep going
            fails = [("harness-error", f"{type(exc).__name__}: {exc}")]
        conn.send((i, fails))


def campaign(n: int, build_n: int, seed: int, workers: int, timeout: float, minutes: float | None,
             out: Path, only: int | None = None) -> dict:
    ctx = mp.get_context("fork")
    indices = [only] if only is not None else list(range(n))
    todo = iter(indices)
    pool: dict = {}
    counts: Counter = Counter()
    failing: list[tuple[int, str, str]] = []
    done = 0
    start = time.monotonic()
    deadline = start + minutes * 60 if minutes else None

    def spawn():
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_worker, args=(child, seed, n, build_n), daemon=True)
        proc.start()
        return proc, parent

    def feed(slot) -> bool:
        if deadline and time.monotonic() > deadline:
            return False
        i = next(todo, None)
        if i is None:
            return False
        proc, conn = pool[slot][:2]
        conn.send(i)
        pool[slot] = (proc, conn, i, time.monotonic())
        return True

    for slot in range(workers):
        proc, conn = spawn()
        pool[slot] = (proc, conn, None, 0.0)
        if not feed(slot):
            break
    while any(item[2] is not None for item in pool.values()):
        conns = {item[1]: slot for slot, item in pool.items() if item[2] is not None}
        ready = mp.connection.wait(list(conns), timeout=1.0)
        for conn in ready:
            slot = conns[conn]
            proc, _, i, _ = pool[slot]
            try:
                _, fails = conn.recv()
            except EOFError:
                fails = [("internal-error", "the worker process died (segfault or out of memory)")]
                proc, conn = spawn()
            pool[slot] = (proc, conn, None, 0.0)
            _record(i, fails, counts, failing, seed, out)
            done += 1
            feed(slot)
        now = time.monotonic()
        for slot, (proc, conn, i, began) in list(pool.items()):
            if i is not None and now - began > timeout:
                proc.kill()
                proc.join()
                _record(i, [("hang", f"no answer within {timeout:g} s")], counts, failing, seed, out)
                done += 1
                proc, conn = spawn()
                pool[slot] = (proc, conn, None, 0.0)
                feed(slot)
    for proc, conn, _, _ in pool.values():
        try:
            conn.send(None)
        except (BrokenPipeError, OSError):
            pass
        proc.join(timeout=5)
        if proc.is_alive():
            proc.kill()
    elapsed = time.monotonic() - start
    return {"inputs": done, "seconds": elapsed, "rate": done / elapsed if elapsed else 0.0,
            "counts": dict(counts), "failing": failing}


def _record(i, fails, counts, failing, seed, out: Path) -> None:
    for cls in sorted({c for c, _ in fails}):
        counts[cls] += 1
    if not fails:
        return
    name, data = make_input(seed, i)
    for cls, detail in fails:
        failing.append((i, cls, detail))
        folder = out / cls
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{i:07d}.factory").write_bytes(data)
        with open(folder / f"{i:07d}.txt", "a", encoding="utf-8") as fh:
            fh.write(f"input {i} (seed {seed}, from {name}): {detail}\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=100_000, help="inputs through eval (and check on one in ten)")
    ap.add_argument("--build-n", type=int, default=1_000, help="inputs also built (spread evenly)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--timeout", type=float, default=20.0, help="seconds per input before it counts as a hang")
    ap.add_argument("--minutes", type=float, default=None, help="stop feeding new inputs after this long")
    ap.add_argument("--out", type=Path, default=REPO / "build" / "fuzz_failures")  # build/ is ignored by git
    ap.add_argument("--only", type=int, default=None, help="run input I alone (reproduce a failure)")
    args = ap.parse_args()
    if args.out.exists() and args.only is None:
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True, exist_ok=True)
    summary = campaign(args.n, args.build_n, args.seed, args.workers, args.timeout, args.minutes, args.out,
                       args.only)
    print(f"{summary['inputs']} inputs in {summary['seconds']:.0f} s ({summary['rate']:.1f}/s) "
          f"with {args.workers} workers, seed {args.seed}")
    for cls, count in sorted(summary["counts"].items(), key=lambda kv: -kv[1]):
        print(f"  {cls:<18} {count}")
    if not summary["counts"]:
        print("  no failures")
    signatures = Counter((cls, _signature(detail)) for _, cls, detail in summary["failing"])
    print("distinct failures (class, signature, count, first input):")
    first = {}
    for i, cls, detail in summary["failing"]:
        first.setdefault((cls, _signature(detail)), i)
    for (cls, sig), count in signatures.most_common():
        print(f"  {cls:<18} {count:>5}  input {first[(cls, sig)]:>7}  {sig}")
    print(f"failing inputs: {args.out}/<class>/")


def _signature(detail: str) -> str:
    import re
    text = re.sub(r"\d+(\.\d+)?", "N", detail)
    text = re.sub(r"`[^`]*`", "`_`", text)
    text = re.sub(r"'[^']*'", "'_'", text)
    return text[:140]


if __name__ == "__main__":
    main()
