"""Screenshots of a spec in a real editor: Monaco (VS Code's editor component) in headless Chromium, with the
project's TextMate grammar (grammar/factory.tmLanguage.json, applied by Shiki as VS Code's TextMate engine
does) and the hover and inlay hints that `factory lsp` gives for it.

    npm install --prefix /tmp/edshot monaco-editor@0.52.2 shiki @shikijs/monaco esbuild
    python3 docs/screenshots/editor/take.py /tmp/edshot/node_modules docs/screenshots

1. starts `factory lsp` and asks it, through a real LSP client (pygls), for the hover at the placed rack
   and the inlay hints of the whole file (examples/enterprise_starter.factory), as an editor would;
2. bundles page.js (Monaco + Shiki) with esbuild into a temporary folder with the answers (data.json);
3. serves that folder on 127.0.0.1 and takes editor-hover.png (hover open) and editor-highlight.png
   (highlighting and inlay hints) with Playwright, using Debian's `chromium` (or $CHROMIUM).
The hover text and the hints are the server's, byte for byte; only the editor around them is Monaco's.
"""
from __future__ import annotations

import asyncio
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parent
SPEC = ROOT / "examples" / "enterprise_starter.factory"


async def ask_server(text: str, hover_at: tuple[int, int]) -> dict:
    from lsprotocol import types as t
    from pygls.lsp.client import LanguageClient

    client = LanguageClient("screenshot", "1")
    done = asyncio.Event()

    @client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params) -> None:
        done.set()

    await client.start_io(sys.executable, "-m", "compiler.cli", "lsp", cwd=str(ROOT))
    await client.initialize_async(t.InitializeParams(capabilities=t.ClientCapabilities(),
                                                     initialization_options={"factory": {"inlayHints": True}}))
    client.initialized(t.InitializedParams())
    uri = SPEC.as_uri()
    client.text_document_did_open(t.DidOpenTextDocumentParams(
        text_document=t.TextDocumentItem(uri=uri, language_id="factory", version=1, text=text)))
    await asyncio.wait_for(done.wait(), 60)
    doc = t.TextDocumentIdentifier(uri=uri)
    hover = await client.text_document_hover_async(t.HoverParams(
        text_document=doc, position=t.Position(line=hover_at[0], character=hover_at[1])))
    lines = text.count("\n") + 1
    hints = await client.text_document_inlay_hint_async(t.InlayHintParams(
        text_document=doc, range=t.Range(start=t.Position(line=0, character=0),
                                         end=t.Position(line=lines, character=0))))
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    hovers = []
    if hover is not None:
        r = hover.range
        hovers.append({"line": r.start.line, "start": r.start.character, "end": r.end.character,
                       "markdown": hover.contents.value})
    return {"text": text, "hovers": hovers, "focus": {"line": hover_at[0], "character": hover_at[1]},
            "hints": [{"line": h.position.line, "character": h.position.character, "label": h.label}
                      for h in hints or []]}


def bundle(node_modules: Path, out: Path) -> None:
    esbuild = node_modules / ".bin" / "esbuild"
    env = dict(os.environ, NODE_PATH=str(node_modules))
    shutil.copy(HERE / "page.js", node_modules.parent / "page.js")
    common = ["--bundle", "--format=iife", "--loader:.ttf=file", "--log-level=warning"]
    subprocess.run([str(esbuild), str(node_modules.parent / "page.js"), *common,
                    f"--outfile={out / 'page.bundle.js'}"], check=True, env=env, cwd=node_modules.parent)
    if (out / "page.bundle.css").exists():
        (out / "page.bundle.css").rename(out / "page.css")
    worker = node_modules / "monaco-editor" / "esm" / "vs" / "editor" / "editor.worker.js"
    subprocess.run([str(esbuild), str(worker), *common, f"--outfile={out / 'editor.worker.js'}"],
                   check=True, env=env, cwd=node_modules.parent)
    shutil.copy(HERE / "index.html", out / "index.html")
    shutil.copy(ROOT / "grammar" / "factory.tmLanguage.json", out / "factory.tmLanguage.json")


def shoot(folder: Path, out_dir: Path) -> None:
    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/index.html"
    binary = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=binary, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1100, "height": 780}, device_scale_factor=1)
            page.on("console", lambda msg: print(f"page: {msg.type}: {msg.text}", file=sys.stderr))
            page.on("pageerror", lambda err: print(f"page error: {err}", file=sys.stderr))
            page.goto(url)
            page.wait_for_selector("body[data-ready='1']", timeout=30000)
            page.wait_for_timeout(800)
            page.screenshot(path=str(out_dir / "editor-hover.png"))
            page.keyboard.press("Escape")
            page.mouse.click(1000, 740)
            page.wait_for_timeout(300)
            page.screenshot(path=str(out_dir / "editor-highlight.png"))
            browser.close()
    finally:
        httpd.shutdown()


def main(node_modules: str, out_dir: str) -> int:
    text = SPEC.read_text(encoding="utf-8")
    needle = "rack gpu: air_rack"
    offset = text.index(needle) + len("rack ")
    line = text.count("\n", 0, offset)
    character = offset - (text.rfind("\n", 0, offset) + 1)
    data = asyncio.run(ask_server(text, (line, character)))
    if not data["hovers"]:
        print("the server gave no hover at the rack", file=sys.stderr)
        return 1
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "data.json").write_text(json.dumps(data), encoding="utf-8")
        bundle(Path(node_modules).resolve(), folder)
        shoot(folder, out)
    print(f"wrote {out / 'editor-hover.png'} and {out / 'editor-highlight.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
