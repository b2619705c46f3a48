"""Benchmark: an editing session on the flagship, driven in process through the language server's handlers.

Not a test: run it by hand and read the latencies.

    PYTHONPATH=$PWD python3 bench/editor_session.py [--step 1]

A copy of examples/flagship_campus.factory that imports a param from a second file (`from "./common.factory" import
spare_racks`), in a temporary folder, is opened in a `compiler.lsp.server.FactoryServer` (no process, no JSON: the
handlers as pygls calls them, so what is timed is the server's own work); then a new inference block is typed into
it one character at a time (every `--step`th prefix; most of them do not parse), and at each version the server is
asked what an editor asks on a keystroke: the check (`FactoryServer.analysis`), completion at the cursor, a hover
just before it, document symbols, semantic tokens, code actions, signature help, highlights and folding ranges.
Then, on the finished text: definition into the stdlib, references and rename across the two files, formatting,
inlay hints and code lenses (these two wait for the evaluation, which is run first and timed apart).

Printed per request: how many, the median and the worst wall time (ms), and how many answered nothing while the
buffer did not parse (hover, definition, references and semantic tokens answer from the last version that parsed
since session 25).
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

from lsprotocol import types as t  # noqa: E402
from pygls.workspace import Workspace  # noqa: E402

from compiler.lsp import server as S  # noqa: E402

BLOCK = ('  inference batch {\n    model = Llama3_1_70B\n    rack = GB300_NVL72\n    accelerators = 72 * 4\n'
         '    precision = "fp8"\n    scenario = "offline"\n    input_tokens = 1000 tok\n    output_tokens = 200 tok\n'
         '  }\n')


def _position(text: str, offset: int) -> t.Position:
    return t.Position(line=text.count("\n", 0, offset), character=offset - (text.rfind("\n", 0, offset) + 1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--step", type=int, default=1, help="type every STEP-th prefix of the block")
    args = parser.parse_args()
    flagship = (ROOT / "examples" / "flagship_campus.factory").read_text(encoding="utf-8")
    campus = flagship.replace("from models import Llama3_1_405B, Llama3_1_70B\n",
                              "from models import Llama3_1_405B, Llama3_1_70B\n"
                              "from \"./common.factory\" import spare_racks\n")
    campus = campus.replace("param halls = 4", "param halls = 4 + spare_racks * 0")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name).resolve()
        (tmp / "common.factory").write_text("param spare_racks = 2\n", encoding="utf-8")
        (tmp / "campus.factory").write_text(campus, encoding="utf-8")
        ls = S.FactoryServer()
        ls.protocol._workspace = Workspace(tmp.as_uri())
        ls.text_document_publish_diagnostics = lambda params: None
        uri = (tmp / "campus.factory").as_uri()
        doc = t.TextDocumentIdentifier(uri=uri)
        times: dict[str, list[float]] = {}
        empty: dict[str, int] = {}

        def timed(name: str, call, broken: bool = False):
            start = time.perf_counter()
            answer = call()
            times.setdefault(name, []).append(time.perf_counter() - start)
            if broken and not (answer.data if isinstance(answer, t.SemanticTokens) else answer):
                empty[name] = empty.get(name, 0) + 1
            return answer

        def put(text: str, version: int) -> None:
            ls.workspace.put_text_document(t.TextDocumentItem(uri=uri, language_id="factory", version=version,
                                                              text=text))
            ls.open_uris.add(uri)

        put(campus, 1)
        timed("open (all stages)", lambda: asyncio.run(ls.publish_in_stages(uri)))
        anchor = campus.index("  finance books {")
        version, broken_versions = 1, 0
        for i in list(range(1, len(BLOCK) + 1, args.step)) + [len(BLOCK)]:
            version += 1
            text = campus[:anchor] + BLOCK[:i] + campus[anchor:]
            put(text, version)
            here = _position(text, anchor + i)
            before = _position(text, max(anchor + i - 2, 0))
            analysis = timed("check", lambda: ls.analysis(uri))
            broken = analysis.module is None
            broken_versions += broken
            timed("completion", lambda: S.completion(ls, t.CompletionParams(text_document=doc, position=here)))
            timed("hover", lambda: asyncio.run(S.hover(ls, t.HoverParams(text_document=doc, position=before))))
            far = _position(text, text.index("depreciation_it") + 3)
            timed("hover below the edit", lambda: asyncio.run(S.hover(ls, t.HoverParams(text_document=doc,
                                                                                          position=far))), broken)
            timed("definition below the edit", lambda: S.definition(ls, t.DefinitionParams(
                text_document=doc, position=_position(text, text.index("assert frontier_run.accelerators") + 9))), broken)
            timed("references below the edit", lambda: S.references(ls, t.ReferenceParams(
                text_document=doc, position=_position(text, text.index("assert frontier_run.accelerators") + 9),
                context=t.ReferenceContext(include_declaration=True))), broken)
            timed("document symbols", lambda: S.document_symbols(ls, t.DocumentSymbolParams(text_document=doc)),
                  broken)
            timed("semantic tokens", lambda: S.semantic_tokens_full(ls, t.SemanticTokensParams(text_document=doc)),
                  broken)
            timed("code actions", lambda: S.code_actions(ls, t.CodeActionParams(
                text_document=doc, range=t.Range(start=here, end=here), context=t.CodeActionContext(diagnostics=[]))))
            timed("signature help", lambda: S.signature_help(ls, t.SignatureHelpParams(text_document=doc,
                                                                                         position=here)))
            timed("highlights", lambda: S.document_highlight(ls, t.DocumentHighlightParams(text_document=doc,
                                                                                            position=before)))
            timed("folding ranges", lambda: S.folding_range(ls, t.FoldingRangeParams(text_document=doc)))
        timed("stages of the last version", lambda: asyncio.run(ls.publish_in_stages(uri)))
        text = ls.workspace.get_text_document(uri).source
        gpu = _position(text, text.index("GB300_NVL72 x racks") + 2)
        spare = _position(text, text.index("spare_racks * 0") + 2)
        timed("definition (stdlib)", lambda: S.definition(ls, t.DefinitionParams(text_document=doc, position=gpu)))
        timed("references (2 files)", lambda: S.references(ls, t.ReferenceParams(
            text_document=doc, position=spare, context=t.ReferenceContext(include_declaration=True))))
        timed("rename (2 files)", lambda: S.rename(ls, t.RenameParams(text_document=doc, position=spare,
                                                                      new_name="spares")))
        timed("formatting", lambda: S.formatting(ls, t.DocumentFormattingParams(
            text_document=doc, options=t.FormattingOptions(tab_size=2, insert_spaces=True))))
        ls.inlay_hints = True
        timed("inlay hints", lambda: asyncio.run(S.inlay_hints(ls, t.InlayHintParams(
            text_document=doc, range=t.Range(start=t.Position(line=0, character=0),
                                             end=t.Position(line=10_000, character=0))))))
        timed("code lenses", lambda: asyncio.run(S.code_lens(ls, t.CodeLensParams(text_document=doc))))
        print(f"{version - 1} versions typed, {broken_versions} of them do not parse")
        print(f"{'request':28s} {'n':>4s} {'median ms':>10s} {'worst ms':>9s}  empty while broken")
        counted = ("hover below the edit", "definition below the edit", "references below the edit",
                   "document symbols", "semantic tokens")
        for name, values in times.items():
            print(f"{name:28s} {len(values):4d} {statistics.median(values) * 1000:10.1f} {max(values) * 1000:9.1f}"
                  f"  {empty.get(name, 0) if name in counted else ''}")


if __name__ == "__main__":
    main()
