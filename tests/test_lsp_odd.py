"""The language server as a user meets it at odd places, driven by a real LSP client (pygls's) over stdio against
`python -m compiler.cli lsp`, as tests/test_lsp.py does:

- every request (hover, definition, references, highlights, completion, signature help, prepareRename, rename, code
  actions, formatting, symbols, semantic tokens, folds, inlay hints, code lenses, workspace symbols) at odd positions
  (the start and end of each line, the end of the file, past it, past a line's end) of odd buffers (CRLF, unicode
  in comments and strings, a parse cut in half, empty, an unterminated string, deep brackets) answers, with a result
  or nothing, never an error (a rename refused with its reason is an answer);
- a refused rename writes no traceback to the server's log (a client that does not read the log stopped getting
  answers once the pipe filled);
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
    positions = [t.Position(line=len(lines) - 1, character=len(lines[-1])), t.Position(line=len(lines) + 3, character=0),
                 t.Position(line=0, character=9999)]
    for i, line in enumerate(lines[:30]):
        positions += [t.Position(line=i, character=c) for c in sorted({0, len(line) // 2, len(line)})]
    whole = t.Range(start=t.Position(line=0, character=0), end=t.Position(line=len(lines) + 5, character=0))
    out: list[tuple[str, object]] = []
    for p in positions:
        out += [("hover", client.text_document_hover_async(t.HoverParams(text_document=doc, position=p))),
                ("definition", client.text_document_definition_async(t.DefinitionParams(text_document=doc, position=p))),
                ("references", client.text_document_references_async(t.ReferenceParams(
                    text_document=doc, position=p, context=t.ReferenceContext(include_declaration=True)))),
                ("highlight", client.text_document_document_highlight_async(
                    t.DocumentHighlightParams(text_document=doc, position=p))),
                ("completion", client.text_document_completion_async(t.CompletionParams(text_document=doc, position=p))),
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
