"""Benchmark of the language server: how long after a keystroke the editor sees diagnostics.

Not a test: run it by hand and read the ratios.

    python3 bench/bench_lsp.py [--lines 2000] [--edits 10]

It starts `factory lsp` as a subprocess and talks to it through a real LSP client (pygls) over stdio, as an
editor does: it opens a generated spec of about `--lines` lines (the generator of bench_check.py), then
sends `--edits` one-character edits (each a full-document change, as VS Code sends for small files) and
measures, for each, the wall time from sending `didChange` to receiving the first `publishDiagnostics` of
that version, minus the server's debounce (the pause it waits for more keystrokes). It also times hover and
completion requests. Target (issue Editor): diagnostics within 0.2 s of a keystroke on a 2,000-line spec.
"""
from __future__ import annotations

import argparse
import asyncio
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


async def run(lines: int, edits: int) -> dict[str, list[float]]:
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

        await client.start_io(sys.executable, "-m", "compiler.cli", "lsp", cwd=str(ROOT))
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
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()
        return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--edits", type=int, default=10)
    args = parser.parse_args()
    out = asyncio.run(run(args.lines, args.edits))
    print(f"factory lsp on a {args.lines:,}-line spec ({args.edits} edits; debounce {DEBOUNCE_S} s not counted)")
    print(f"  open -> first diagnostics: {out['open'][0]:.3f} s (grammar and stdlib loaded once per process)")
    for what in ("change", "hover", "completion"):
        values = out[what]
        print(f"  {what:<10} median {statistics.median(values):.3f} s, best {min(values):.3f} s, "
              f"worst {max(values):.3f} s")
    median = statistics.median(out["change"])
    print(f"keystroke -> diagnostics: {median:.3f} s against a target of {TARGET_S} s: ratio "
          f"{TARGET_S / median:.2f} (above 1.00 meets it)")


if __name__ == "__main__":
    main()
