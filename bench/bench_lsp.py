"""Benchmark of the language server: how long after a keystroke the editor sees diagnostics.

Not a test: run it by hand and read the ratios.

    python3 bench/bench_lsp.py [--lines 2000] [--edits 10] [--pause 0]

It starts `factory lsp` as a subprocess and talks to it through a real LSP client (pygls) over stdio, as an
editor does: it opens a generated spec of about `--lines` lines (the generator of bench_check.py), then
sends `--edits` one-character edits (each a full-document change, as VS Code sends for small files) and
measures, for each, the wall time from sending `didChange` to receiving the first `publishDiagnostics` of
that version, minus the server's debounce (the pause it waits for more keystrokes). It also times hover and
completion requests, and the server's memory after the edits (its peak beside). `--pause S`: the client waits S
seconds after each edit (a user who stops typing: with S above the whole evaluation's time, the server is idle and
collects its garbage between edits). Target (issue Editor): diagnostics within 0.2 s of a keystroke on a 2,000-line spec.

First (`--open RUNS`, `--open-only`): a fresh server per run opens the 2,000-line spec and the two largest examples,
each ending with a failing assert so every stage publishes: the wall time from starting the process to the answer to
`initialize`, and from didOpen to the check's diagnostics, to the checks' stage's (the first evaluation; target 0.2 s)
and to the whole evaluation's. Servers start with bytecode allowed (an installed package has its bytecode).

Then, in this process (CPU seconds, not a server), references and rename on a generated workspace of
`--workspace-files` files (a base file defining `hgx` and `budget`, files importing it by name and as a module, files
importing those, files of the same names importing nothing): the full scan (`compiler.lsp.workspace` without an
index: every file that writes the name read and checked on each request) against the workspace index
(`compiler.lsp.index`: the first request as costly, then nothing re-checked until a file changes; after one importer
changes, that file alone), each as a ratio to the full scan.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from lsprotocol import types as t  # noqa: E402
from pygls.lsp.client import LanguageClient  # noqa: E402

from bench_check import generate  # noqa: E402
from compiler.lsp.server import DEBOUNCE_S  # noqa: E402

TARGET_S = 0.2
# appended to each spec `--open` opens, so its checks' stage (the first evaluation) has a diagnostic to publish
FAILING_ASSERT = '\nassert 1 W > 2 W, "bench: the checks stage publishes this"\n'


def _server_env() -> dict[str, str]:
    """The server's environment: bytecode allowed (an installed package has its modules compiled; with
    PYTHONDONTWRITEBYTECODE and no cache each start compiles ~140 modules, ~0.25 s), kept in a folder of its own."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.setdefault("PYTHONPYCACHEPREFIX", os.path.join(tempfile.gettempdir(), "factory-bench-pycache"))
    return env


async def cold_open(text: str, name: str) -> dict[str, float]:
    """A fresh server opens one spec: wall seconds from starting the process to the initialize answer, and from
    didOpen to each stage's diagnostics (the check's; the checks' stage, the first evaluation; the whole
    evaluation's). The spec ends with FAILING_ASSERT so that each stage publishes."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_text(text + FAILING_ASSERT, encoding="utf-8")
        uri = path.as_uri()
        client = LanguageClient("bench", "1")
        stamps: list[float] = []
        event = asyncio.Event()

        @client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: t.PublishDiagnosticsParams) -> None:
            if params.uri == uri:
                stamps.append(time.perf_counter())
                event.set()

        spawned = time.perf_counter()
        await client.start_io(sys.executable, "-m", "compiler.cli", "lsp", cwd=str(ROOT), env=_server_env())
        await client.initialize_async(t.InitializeParams(capabilities=t.ClientCapabilities()))
        ready = time.perf_counter()
        client.initialized(t.InitializedParams())
        opened = time.perf_counter()
        client.text_document_did_open(t.DidOpenTextDocumentParams(text_document=t.TextDocumentItem(
            uri=uri, language_id="factory", version=1, text=path.read_text(encoding="utf-8"))))
        while len(stamps) < 3:
            event.clear()
            await asyncio.wait_for(event.wait(), 120)
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()
        return {"start": ready - spawned, "check": stamps[0] - opened, "checks": stamps[1] - opened,
                "whole": stamps[2] - opened}


def bench_open(runs: int) -> None:
    """`cold_open` of the 2,000-line spec and the two largest examples, best of `runs` each (a fresh server each)."""
    specs = [("bench-2000.factory", generate(2000))]
    for name in ("flagship_campus.factory", "inference_shootout.factory"):
        specs.append((name, (ROOT / "examples" / name).read_text(encoding="utf-8")))
    print(f"a fresh server opens a spec (wall s, best of {runs}; each spec ends with a failing assert):")
    print(f"  {'spec':<28} {'start->ready':>12} {'open->check':>12} {'open->checks':>13} {'open->whole':>12} "
          f"{'start->checks':>14}")
    for name, text in specs:
        best: dict[str, float] = {}
        for _ in range(runs):
            got = asyncio.run(cold_open(text, name))
            got["total"] = got["start"] + got["checks"]
            best = {k: min(v, best.get(k, v)) for k, v in got.items()}
        print(f"  {name:<28} {best['start']:>12.3f} {best['check']:>12.3f} {best['checks']:>13.3f} "
              f"{best['whole']:>12.3f} {best['total']:>14.3f}")
    print(f"  (open->checks: the first evaluation, target {TARGET_S} s)")


async def run(lines: int, edits: int, pause: float = 0.0) -> dict[str, list[float]]:
    text = generate(lines)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.factory"
        path.write_text(text, encoding="utf-8")
        uri = path.as_uri()
        client = LanguageClient("bench", "1")
        arrived: dict[int, float] = {}
        event = asyncio.Event()

        @client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: t.PublishDiagnosticsParams) -> None:
            arrived.setdefault(params.version or 0, time.perf_counter())
            event.set()

        await client.start_io(sys.executable, "-m", "compiler.cli", "lsp", cwd=str(ROOT), env=_server_env())
        await client.initialize_async(t.InitializeParams(capabilities=t.ClientCapabilities()))
        client.initialized(t.InitializedParams())
        opened = time.perf_counter()
        client.text_document_did_open(t.DidOpenTextDocumentParams(
            text_document=t.TextDocumentItem(uri=uri, language_id="factory", version=1, text=text)))
        await asyncio.wait_for(event.wait(), 120)
        out: dict[str, list[float]] = {"open": [arrived[1] - opened], "change": [], "hover": [], "completion": []}
        # warm-up edit, then the measured ones; each edit changes one digit of a figure
        anchor = text.index(" W  ")
        for version in range(2, edits + 3):
            edited = text[:anchor - 1] + str(version % 10) + text[anchor:]
            event.clear()
            sent = time.perf_counter()
            client.text_document_did_change(t.DidChangeTextDocumentParams(
                text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[t.TextDocumentContentChangeWholeDocument(text=edited)]))
            while version not in arrived:
                event.clear()
                await asyncio.wait_for(event.wait(), 60)
            if version > 2:
                out["change"].append(arrived[version] - sent - DEBOUNCE_S)
            line = edited.count("\n", 0, anchor)
            start = time.perf_counter()
            await client.text_document_hover_async(t.HoverParams(
                text_document=t.TextDocumentIdentifier(uri=uri), position=t.Position(line=line, character=4)))
            out["hover"].append(time.perf_counter() - start)
            start = time.perf_counter()
            await client.text_document_completion_async(t.CompletionParams(
                text_document=t.TextDocumentIdentifier(uri=uri), position=t.Position(line=line, character=2)))
            out["completion"].append(time.perf_counter() - start)
            if pause:
                await asyncio.sleep(pause)          # a user who stops: the whole evaluation ends, the server is idle
        out["rss"] = [_rss_mb(client._server.pid, "VmRSS"), _rss_mb(client._server.pid, "VmHWM")]
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()
        return out


def _rss_mb(pid: int, field: str) -> float:
    """The server's resident memory (VmRSS: now; VmHWM: its peak), MB, from /proc (Linux; 0 elsewhere)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


WORKSPACE_BASE = """from chips import H100_SXM

server hgx {
  chip gpu: H100_SXM x 8
  max_power = 10.2 kW
}

let budget = 30 kW
"""


def _workspace_file(i: int) -> str:
    """File i of the generated workspace: an importer of base (by name, or as a module), an importer of an importer,
    or a file with names of its own."""
    if i % 4 == 0:
        return (f'from "./base.factory" import hgx, budget\n\nrack rack_{i} {{\n  server node: hgx x 2\n'
                f'  power_limit = budget\n  let draw_{i} = sum(server.max_power)\n'
                f'  assert draw_{i} <= power_limit, "fits"\n}}\n')
    if i % 4 == 1:
        return (f'import "./base.factory" as c\n\nrack rack_{i} {{\n  server node: c.hgx x 1\n'
                f'  power_limit = c.budget * 2\n}}\n')
    if i % 4 == 2:
        return (f'from "./file_{i - 2}.factory" import rack_{i - 2}\n\nsite campus_{i} {{\n'
                f'  electricity_price = 0.12 USD/kWh\n  hall room {{\n    rack r: rack_{i - 2} x 2\n  }}\n}}\n')
    return f"let budget = 5 kW\n\nserver hgx {{\n  max_power = 1 kW\n}}\n"


def bench_workspace(files: int, repeat: int = 3) -> None:
    import dsl
    from compiler.lsp.analysis import Analysis
    from compiler.lsp.index import WorkspaceIndex
    from compiler.lsp.workspace import references, rename

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp).resolve()
        base = root / "base.factory"
        base.write_text(WORKSPACE_BASE, encoding="utf-8")
        for i in range(files - 1):
            (root / f"file_{i}.factory").write_text(_workspace_file(i), encoding="utf-8")
        session = dsl.Session()
        analysis = Analysis(WORKSPACE_BASE, str(base), str(root), session)
        at_budget, at_hgx = WORKSPACE_BASE.index("budget"), WORKSPACE_BASE.index("hgx")

        def cpu(func) -> float:
            c0 = time.process_time()
            func()
            return time.process_time() - c0

        def refs(index) -> int:
            return len(references(analysis, at_budget, str(root), True, index))

        def edits(index) -> int:
            return sum(len(e) for _a, e in rename(analysis, at_hgx, "hgx_9", str(root), index).values())

        print(f"references of `budget` and rename of `hgx` on a {files}-file workspace, CPU s per request "
              f"(best of {repeat}):")
        for label, ask in (("references", refs), ("rename", edits)):
            scan = min(cpu(lambda: ask(None)) for _ in range(repeat))
            cold = None
            for _ in range(repeat):                                 # a new index each time: its first request
                index = WorkspaceIndex()
                index.watched = True
                took = cpu(lambda: ask(index))
                cold = took if cold is None else min(cold, took)
            warm = min(cpu(lambda: ask(index)) for _ in range(repeat))
            changed = []
            for k in range(repeat):
                edited = root / f"file_{4 * k}.factory"
                edited.write_text(_workspace_file(4 * k) + f"\nlet more_{label}_{k} = budget\n", encoding="utf-8")
                index.changed(str(edited))                          # as didChangeWatchedFiles tells it
                changed.append(cpu(lambda: ask(index)))
            assert ask(index) == ask(None), "the index answers as the full scan"
            print(f"  {label} ({ask(None)} places): full scan (no index, every request) {scan:.3f} s")
            for what, value in (("index, first request", cold), ("index, nothing changed", warm),
                                ("index, one importer changed", min(changed))):
                print(f"    {what + ':':<30} {value:.3f} s (the full scan's time / this: {scan / value:.1f}x)")
        print("  (a rename still checks each file that reads the definition with the edits applied: the law that "
              "it changes no meaning)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--pause", type=float, default=0.0,
                        help="seconds to wait after each edit's requests (default 0: typing without a pause)")
    parser.add_argument("--workspace-files", type=int, default=200)
    parser.add_argument("--workspace-only", action="store_true", help="only the workspace references and rename")
    parser.add_argument("--open", type=int, default=3, metavar="RUNS",
                        help="fresh servers per spec for the first-open figures (default 3; 0: none)")
    parser.add_argument("--open-only", action="store_true", help="only the first-open figures")
    args = parser.parse_args()
    if args.open:
        bench_open(args.open)
    if args.open_only:
        return
    if args.workspace_files:
        bench_workspace(args.workspace_files)
    if args.workspace_only:
        return
    out = asyncio.run(run(args.lines, args.edits, args.pause))
    print(f"factory lsp on a {args.lines:,}-line spec ({args.edits} edits"
          + (f", a pause of {args.pause} s after each" if args.pause else "") + f"; debounce {DEBOUNCE_S} s not counted)")
    print(f"  open -> first diagnostics: {out['open'][0]:.3f} s (grammar and stdlib loaded once per process)")
    for what in ("change", "hover", "completion"):
        values = out[what]
        print(f"  {what:<10} median {statistics.median(values):.3f} s, best {min(values):.3f} s, "
              f"worst {max(values):.3f} s")
    print("  keystroke -> diagnostics, each edit in order: " + " ".join(f"{v:.2f}" for v in out["change"]))
    print(f"  server memory after the edits: {out['rss'][0]:.0f} MB resident (peak {out['rss'][1]:.0f} MB)")
    median = statistics.median(out["change"])
    print(f"keystroke -> diagnostics: {median:.3f} s against a target of {TARGET_S} s: ratio "
          f"{TARGET_S / median:.2f} (above 1.00 meets it)")


if __name__ == "__main__":
    main()
