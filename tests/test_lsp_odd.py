"""The language server as a user meets it at odd places, driven by a real LSP client (pygls's) over stdio against
`python -m compiler.cli lsp`, as tests/test_lsp.py does:

- every request (hover, definition, references, highlights, completion, signature help, prepareRename, rename, code
  actions, formatting, symbols, semantic tokens, folds, inlay hints, code lenses, workspace symbols) at odd positions
  (the start and end of each line, the end of the file, past it, past a line's end) of odd buffers (CRLF, unicode
  in comments and strings, a parse cut in half, empty, an unterminated string, deep brackets) answers, with a result
  or nothing, never an error (a rename refused with its reason is an answer);
- a refused rename writes no traceback to the server's log (a client that does not read the log stopped getting
  answers once the pipe filled);
- the diagnostics of a document follow the documents it imports as they change in the editor: a syntax error in an
  imported buffer, then its fix; an import of a file created in the editor and not yet saved;
- a version does not go stale when an open document it does not read changes.
"""
from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from lsprotocol import types as t
from pygls.lsp.client import LanguageClient

from test_lsp import SPEC, _stop

ROOT = Path(__file__).resolve().parents[1]

ODD = {
    "crlf": SPEC.replace("\n", "\r\n"),
    "unicode": "# 电源 ⚡ 😀 comment\n" + SPEC.replace(
        "param racks = 4", 'param racks = 4  # 😀😀 racks\nlet label = "日本語 😀 text"'),
    "cut": SPEC[:len(SPEC) // 2],
    "empty": "",
    "string_eof": 'let x = "unterminated',
    "deep": "let x = " + "(" * 300 + "1" + ")" * 300 + "\n",
}


async def _client(tmp: Path, published: dict[str, list] | None = None) -> LanguageClient:
    client = LanguageClient("factory-test", "1")

    @client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: t.PublishDiagnosticsParams) -> None:
        if published is not None:
            published.setdefault(params.uri, []).append([d.code for d in params.diagnostics])

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    await client.start_io(sys.executable, "-m", "compiler.cli", "lsp", cwd=str(ROOT), env=env)
    await client.initialize_async(t.InitializeParams(capabilities=t.ClientCapabilities(), root_uri=tmp.as_uri(),
                                                     initialization_options={"factory": {"inlayHints": True}}))
    client.initialized(t.InitializedParams())
    return client


def _open(client: LanguageClient, path: Path, text: str, version: int = 1) -> None:
    client.text_document_did_open(t.DidOpenTextDocumentParams(text_document=t.TextDocumentItem(
        uri=path.as_uri(), language_id="factory", version=version, text=text)))


def _change(client: LanguageClient, path: Path, text: str, version: int) -> None:
    client.text_document_did_change(t.DidChangeTextDocumentParams(
        text_document=t.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=version),
        content_changes=[t.TextDocumentContentChangeWholeDocument(text=text)]))


def _requests(client: LanguageClient, uri: str, text: str) -> list[tuple[str, object]]:
    doc = t.TextDocumentIdentifier(uri=uri)
    lines = text.replace("\r\n", "\n").split("\n")
    positions = [t.Position(line=len(lines) - 1, character=len(lines[-1])),
                 t.Position(line=len(lines) + 3, character=0),
                 t.Position(line=0, character=9999)]
    for i, line in enumerate(lines[:30]):
        positions += [t.Position(line=i, character=c) for c in sorted({0, len(line) // 2, len(line)})]
    whole = t.Range(start=t.Position(line=0, character=0), end=t.Position(line=len(lines) + 5, character=0))
    out: list[tuple[str, object]] = []
    for p in positions:
        out += [("hover", client.text_document_hover_async(t.HoverParams(text_document=doc, position=p))),
                ("definition", client.text_document_definition_async(
                    t.DefinitionParams(text_document=doc, position=p))),
                ("references", client.text_document_references_async(t.ReferenceParams(
                    text_document=doc, position=p, context=t.ReferenceContext(include_declaration=True)))),
                ("highlight", client.text_document_document_highlight_async(
                    t.DocumentHighlightParams(text_document=doc, position=p))),
                ("completion", client.text_document_completion_async(
                    t.CompletionParams(text_document=doc, position=p))),
                ("signature", client.text_document_signature_help_async(
                    t.SignatureHelpParams(text_document=doc, position=p))),
                ("prepareRename", client.text_document_prepare_rename_async(
                    t.PrepareRenameParams(text_document=doc, position=p))),
                ("rename", client.text_document_rename_async(t.RenameParams(text_document=doc, position=p,
                                                                             new_name="renamed_9")))]
    out += [("codeAction", client.text_document_code_action_async(t.CodeActionParams(
                text_document=doc, range=whole, context=t.CodeActionContext(diagnostics=[])))),
            ("formatting", client.text_document_formatting_async(t.DocumentFormattingParams(
                text_document=doc, options=t.FormattingOptions(tab_size=2, insert_spaces=True)))),
            ("documentSymbol", client.text_document_document_symbol_async(t.DocumentSymbolParams(text_document=doc))),
            ("semanticTokens", client.text_document_semantic_tokens_full_async(
                t.SemanticTokensParams(text_document=doc))),
            ("foldingRange", client.text_document_folding_range_async(t.FoldingRangeParams(text_document=doc))),
            ("inlayHint", client.text_document_inlay_hint_async(t.InlayHintParams(text_document=doc, range=whole))),
            ("codeLens", client.text_document_code_lens_async(t.CodeLensParams(text_document=doc))),
            ("workspaceSymbol", client.workspace_symbol_async(t.WorkspaceSymbolParams(query="a")))]
    return out


async def _odd_session(tmp: Path) -> tuple[list[tuple[str, str, str]], int, int, bytes]:
    client = await _client(tmp)
    failures: list[tuple[str, str, str]] = []
    answered = total = 0
    try:
        for name, text in ODD.items():
            path = tmp / f"{name}.factory"
            path.write_text(text, encoding="utf-8", newline="")
            _open(client, path, text)
            for what, request in _requests(client, path.as_uri(), text):
                total += 1
                try:
                    await asyncio.wait_for(request, 30)
                    answered += 1
                except Exception as exc:  # noqa: BLE001 - every failure is listed
                    if what in ("prepareRename", "rename") and str(exc).startswith("cannot rename"):
                        answered += 1           # a refusal with its reason: the editor shows it
                        continue
                    failures.append((name, what, f"{type(exc).__name__}: {str(exc)[:200]}"))
        await client.shutdown_async(None)
        client.exit(None)
    finally:
        await _stop(client)
    log = await client._server.stderr.read() if client._server is not None and client._server.stderr else b""
    return failures, answered, total, log


def test_every_request_at_odd_positions_answers_without_an_error_or_a_traceback(tmp_path: Path) -> None:
    failures, answered, total, log = asyncio.run(_odd_session(tmp_path))
    assert failures == []
    assert answered == total > 1000         # (every request of every buffer answered)
    assert b"Traceback" not in log, log.decode(errors="replace")[-2000:]


async def _imported_buffer_session(tmp: Path) -> dict[str, list]:
    """main imports common; both open. common gets a syntax error, then is fixed; then main imports a file made in
    the editor and not saved. Returns every publication of main's diagnostics, in order, with markers."""
    common, main, fresh = tmp / "common.factory", tmp / "main.factory", tmp / "fresh.factory"
    common.write_text("let budget = 30 kW\n", encoding="utf-8")
    main_text = 'from "./common.factory" import budget\nassert budget >= 20 kW, "enough"\n'
    main.write_text(main_text, encoding="utf-8")
    published: dict[str, list] = {}
    client = await _client(tmp, published)
    history = published.setdefault(main.as_uri(), [])

    async def settled(want) -> None:
        for _ in range(100):
            await asyncio.sleep(0.1)
            if history and want(history[-1]):
                await asyncio.sleep(0.6)       # (what else follows)
                return

    try:
        _open(client, main, main_text)
        _open(client, common, common.read_text(encoding="utf-8"))
        await settled(lambda codes: codes == [])
        history.append("broken")
        _change(client, common, "let budget = 30 kW +\n", 2)           # a syntax error in the imported buffer
        await settled(lambda codes: codes != [])
        history.append("fixed")
        _change(client, common, "let budget = 31 kW\n", 3)
        await settled(lambda codes: codes == [])
        history.append("new import")
        main_text2 = main_text + 'from "./fresh.factory" import extra\nassert extra > 0 kW, "some"\n'
        _change(client, main, main_text2, 2)
        await settled(lambda codes: codes != [])
        history.append("fresh opened")
        _open(client, fresh, "let extra = 1 kW\n")                      # made in the editor, never saved
        await settled(lambda codes: codes == [])
        await client.shutdown_async(None)
        client.exit(None)
    finally:
        await _stop(client)
    return {"main": history}


def test_the_diagnostics_follow_an_imported_buffer_broken_fixed_and_created(tmp_path: Path) -> None:
    history = asyncio.run(_imported_buffer_session(tmp_path))["main"]
    marks = [i for i, h in enumerate(history) if isinstance(h, str)]
    broken, fixed, new_import, fresh = marks
    assert history[broken - 1] == []
    assert history[fixed - 1] != []                 # the broken import is shown in main
    assert history[new_import - 1] == [], history   # and cleared once common is fixed
    assert "import-not-found" in history[fresh - 1]
    assert history[-1] == [], history               # the unsaved file is read once it is open


def test_an_open_document_a_version_does_not_read_leaves_it_current(tmp_path: Path) -> None:
    from compiler.lsp.analysis import Analysis

    other = str((tmp_path / "other.factory").resolve())
    common = str((tmp_path / "common.factory").resolve())
    Path(common).write_text("let budget = 10 kW\n", encoding="utf-8")
    text = 'from "./common.factory" import budget\nlet twice = budget * 2\n'
    analysis = Analysis(text, str(tmp_path / "main.factory"), str(tmp_path), buffers={other: "let x = 1\n"})
    assert not analysis.stale(text, {other: "let x = 2\n"})       # typing in a document it does not import
    assert not analysis.stale(text, {})                           # closing it
    assert analysis.stale(text, {other: "let x = 1\n", common: "let budget = 11 kW\n"})   # what it imports
    missing = Analysis('from "./later.factory" import y\n', str(tmp_path / "m.factory"), str(tmp_path))
    later = str((tmp_path / "later.factory").resolve())
    assert missing.stale(missing.text, {later: "let y = 1\n"})     # an import it could not find, now open


def test_a_hover_in_a_long_string_answers_at_once(tmp_path: Path) -> None:
    """The hover of a built-in function's name looked for `name(` from every character of the line: quadratic in a
    long word (a 20,000-character string: 3.1 CPU s for one hover; 200,000: minutes, the server held). Linear now:
    a 200,000-character string is answered as a short one is, within a CPU second; the function's hover stays."""
    import time

    from compiler.lsp.analysis import Analysis, hover_markdown

    text = 'let s = "' + "a" * 200_000 + '"\nlet y = sum([1 W, 2 W])\n'
    analysis = Analysis(text, str(tmp_path / "long.factory"), str(tmp_path))
    start = time.process_time()
    for offset in (9, 100_000, 200_008):
        hover_markdown(analysis, offset)
    assert time.process_time() - start < 1.0
    found = hover_markdown(analysis, text.index("sum(") + 1)
    assert found is not None and found[0].startswith("**function** `sum")
