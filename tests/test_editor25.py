"""The editor as a CUE / Pkl / rust-analyzer user judges it, on the flagship and a two-file workspace (session 25,
s25-editor): what such a user missed, each test failing before its fix.

- completion of a reference field (`model = `) or a part's definition (`rack extra: `) offered the stdlib's
  definitions of the kind only while none was imported: with the flagship's `from models import Llama3_1_405B,
  Llama3_1_70B`, `model = ` offered those two and never `Mixtral_8x7B` (rust-analyzer's flyimport offers every
  importable item, with its import);
- an import's path (`from "./co`) completed to nothing: now the .factory files and folders of the folder typed,
  inside the spec's root;
- a choice field's value (`distribution = "dc800"`) hovered as nothing: now the field and its choices;
- an imported param or let (`spare_racks` of `from "./common.factory" import spare_racks`) hovered with no figure
  (it has no node of its own in the document's evaluation): now it shows as written.
"""
from __future__ import annotations

import asyncio
import re
from pathlib import Path

from lsprotocol import types as t
from pygls.workspace import Workspace

from compiler.lsp import server as lsp_server
from compiler.lsp.analysis import Analysis, completions, hover_markdown, quick_fixes

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = (ROOT / "examples" / "flagship_campus.factory").read_text(encoding="utf-8")
NEW_BLOCK = "  inference batch {\n    model = \n  }\n"


def _with_block(block: str) -> tuple[str, int]:
    """The flagship with `block` typed before its finance block; the offset just after the block's `= ` / `: `."""
    anchor = FLAGSHIP.index("  finance books {")
    text = FLAGSHIP[:anchor] + block + FLAGSHIP[anchor:]
    marker = re.search(r"(= |: )\n", block)
    return text, anchor + marker.end() - 1


def _applied(text: str, offset: int, completion) -> str:
    """The text once the editor applied a completion: its import line, then its label at the cursor."""
    word = completion.insert or completion.label
    text = text[:offset] + word + text[offset:]
    if completion.import_line is not None:
        at, line = completion.import_line
        text = text[:at] + line + text[at:]
    return text


def test_a_reference_field_offers_the_stdlib_definitions_besides_those_imported(tmp_path: Path) -> None:
    """`model = ` in a new inference block of the flagship: the two models it imports first (no import needed),
    then every other stdlib model with its import; none twice. Law: each offered model, applied with its import,
    leaves the file with no error at its line and no unknown name."""
    text, offset = _with_block(NEW_BLOCK)
    path = tmp_path / "campus.factory"
    analysis = Analysis(text, str(path), str(tmp_path))
    analysis.fallback = Analysis(FLAGSHIP, str(path), str(tmp_path))     # (the text does not parse: as the server)
    found = completions(analysis, offset)
    models = [c for c in found if c.kind == "definition"]
    labels = [c.label for c in models]
    assert len(labels) == len(set(labels)), labels
    assert {"Llama3_1_405B", "Llama3_1_70B", "Mixtral_8x7B", "DeepSeek_V3"} <= set(labels), labels
    order = sorted(models, key=lambda c: c.sort or c.label)
    assert {c.label for c in order[:2]} == {"Llama3_1_405B", "Llama3_1_70B"}
    assert all(c.import_line is None for c in order[:2])
    # (merged into the flagship's `from models import Llama3_1_405B, Llama3_1_70B` line)
    line_end = text.index("Llama3_1_70B\n") + len("Llama3_1_70B")
    assert all(c.import_line == (line_end, ", " + c.label) for c in order[2:]), order[2].import_line
    for c in (order[0], next(c for c in models if c.label == "Mixtral_8x7B")):
        after = Analysis(_applied(text, offset, c), str(path), str(tmp_path))
        assert not [d for d in after.sink.items if d.code in ("unknown-name", "duplicate-import")], \
            [(d.code, d.message) for d in after.sink.items]


def test_a_part_offers_the_stdlib_definitions_of_its_kind_besides_those_imported(tmp_path: Path) -> None:
    """`rack extra: ` in the flagship's site: GB300_NVL72 (imported) first, GB200_NVL72 (not) with its import."""
    text, offset = _with_block("  rack extra: \n")
    analysis = Analysis(text, str(tmp_path / "c.factory"), str(tmp_path))
    analysis.fallback = Analysis(FLAGSHIP, str(tmp_path / "c.factory"), str(tmp_path))
    found = completions(analysis, offset)
    by = {c.label: c for c in found if c.kind == "definition"}
    assert by["GB300_NVL72"].import_line is None
    assert by["GB200_NVL72"].import_line == (text.index("GB300_NVL72\n") + len("GB300_NVL72"), ", GB200_NVL72")
    assert by["GB300_NVL72"].sort < by["GB200_NVL72"].sort
    assert "Q3400" not in by                       # (a switch is not a rack)


def _workspace(tmp: Path) -> Path:
    (tmp / "common.factory").write_text("param spare_racks = 2\nlet doubled = spare_racks * 2\n", encoding="utf-8")
    (tmp / "sub").mkdir()
    (tmp / "sub" / "extra.factory").write_text("param q = 1\n", encoding="utf-8")
    (tmp / ".hidden.factory").write_text("param h = 1\n", encoding="utf-8")
    (tmp / "notes.txt").write_text("not a spec\n", encoding="utf-8")
    return tmp / "campus.factory"


def _server_with(tmp: Path, path: Path, text: str) -> tuple[lsp_server.FactoryServer, str]:
    ls = lsp_server.FactoryServer()
    ls.protocol._workspace = Workspace(tmp.as_uri())
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    ls.workspace.put_text_document(t.TextDocumentItem(uri=uri, language_id="factory", version=1, text=text))
    ls.open_uris.add(uri)
    return ls, uri


def _complete(ls, uri: str, text: str, offset: int, trigger: str | None = None) -> list[t.CompletionItem]:
    line = text.count("\n", 0, offset)
    position = t.Position(line=line, character=offset - (text.rfind("\n", 0, offset) + 1))
    context = t.CompletionContext(trigger_kind=t.CompletionTriggerKind.TriggerCharacter, trigger_character=trigger) \
        if trigger else None
    return lsp_server.completion(ls, t.CompletionParams(text_document=t.TextDocumentIdentifier(uri=uri),
                                                        position=position, context=context)).items


def _apply_edit(text: str, edit: t.TextEdit) -> str:
    def offset(p: t.Position) -> int:
        starts = [0] + [m.end() for m in re.finditer("\n", text)]
        return starts[p.line] + p.character
    return text[:offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end):]


def test_an_import_path_completes_to_the_files_of_the_folder_typed(tmp_path: Path) -> None:
    """Inside an import's quotes: the .factory files and folders of the folder typed, each replacing the path's last
    part (`./common.fa` -> `./common.factory`, where the editor's word would stop at the `.`); not the document
    itself, a hidden file or a file of another type; nothing outside the spec's root (`../`: import-escapes-root).
    Law: each file offered, applied, is an import that loads."""
    tmp_path = tmp_path.resolve()
    path = _workspace(tmp_path)
    for typed, expect in [("", {"./common.factory", "./sub/"}), ("./", {"common.factory", "sub/"}),
                          ("./common.fa", {"common.factory", "sub/"}), ("./sub/", {"extra.factory"}),
                          ("../", set()), ("/etc/", set())]:
        text = f'from "{typed}" import spare_racks\n\nparam halls = 4\n'
        ls, uri = _server_with(tmp_path, path, text)
        offset = text.index('"') + 1 + len(typed)
        items = _complete(ls, uri, text, offset, trigger="/" if typed.endswith("/") else '"')
        assert {i.label for i in items} == expect, (typed, [i.label for i in items])
        for item in items:
            if item.kind == t.CompletionItemKind.File:
                done = _apply_edit(text, item.text_edit)
                assert re.match(r'from "\./(sub/)?\w+\.factory" import', done), done
                analysis = Analysis(done, str(path), str(tmp_path))
                assert not [d for d in analysis.sink.items if d.code.startswith("import-")], \
                    (done, [(d.code, d.message) for d in analysis.sink.items])


def test_a_slash_outside_an_import_path_asks_for_nothing(tmp_path: Path) -> None:
    """`/` is a trigger character for an import's path only: in a division or a unit (`USD/`) the list would be the
    names in scope, which the Enter key that ends the line would accept."""
    tmp_path = tmp_path.resolve()
    path = _workspace(tmp_path)
    text = "param price = 0.12 USD/\nparam half = price /\n"
    ls, uri = _server_with(tmp_path, path, text)
    for needle in ("USD/", "price /"):
        assert _complete(ls, uri, text, text.index(needle) + len(needle), trigger="/") == []


def test_a_choice_value_hovers_with_its_field_and_choices(tmp_path: Path) -> None:
    """`distribution = "dc800"` of the flagship: the field, its doc and its choices, the one written in bold."""
    analysis = Analysis(FLAGSHIP, str(tmp_path / "campus.factory"), str(tmp_path))
    at = FLAGSHIP.index('"dc800"')
    for offset in (at, at + 3, at + 6):
        text, span = hover_markdown(analysis, offset)
        assert text.startswith('**choice** `"dc800"` of field `distribution` of site `frontier_campus`'), text
        assert 'One of "ac", **"dc800"**' in text, text
        assert (span.start, span.end) == (at, at + len('"dc800"'))
    assert hover_markdown(analysis, FLAGSHIP.index('"central Iowa') + 2) is None     # (a string of no choice)


def test_an_imported_param_or_let_hovers_as_written(tmp_path: Path) -> None:
    """A param and a let imported from a file of the workspace: the hover shows each as its file writes it (it has
    no figure of its own in the document's evaluation); a param of the document keeps its evaluated value."""
    tmp_path = tmp_path.resolve()
    path = _workspace(tmp_path)
    text = 'from "./common.factory" import spare_racks, doubled\n\nparam halls = 4 + spare_racks\nlet d = doubled\n'
    path.write_text(text, encoding="utf-8")
    analysis = Analysis(text, str(path), str(tmp_path))
    analysis.results
    shown, _span = hover_markdown(analysis, text.index("spare_racks\n") + 2)
    assert "```factory\nparam spare_racks = 2\n```" in shown, shown
    shown, _span = hover_markdown(analysis, text.index("doubled\n") + 2)
    assert "```factory\nlet doubled = spare_racks * 2\n```" in shown, shown
    shown, _span = hover_markdown(analysis, text.index("halls") + 1)
    assert "= **6**" in shown and "```" not in shown, shown


def test_the_hovers_and_completions_answer_on_the_server_in_process(tmp_path: Path) -> None:
    """The same through the server's handlers, as pygls calls them: a choice's hover and the model completion with
    its import as an additional edit."""
    tmp_path = tmp_path.resolve()
    text, offset = _with_block(NEW_BLOCK)
    ls, uri = _server_with(tmp_path, tmp_path / "campus.factory", FLAGSHIP)
    ls.analysis(uri)
    ls.workspace.put_text_document(t.TextDocumentItem(uri=uri, language_id="factory", version=2, text=text))
    items = {i.label: i for i in _complete(ls, uri, text, offset)}
    mixtral = items["Mixtral_8x7B"]
    assert [e.new_text for e in mixtral.additional_text_edits] == [", Mixtral_8x7B"]
    at = FLAGSHIP.index('"dc800"') + 2
    ls, uri = _server_with(tmp_path, tmp_path / "campus.factory", FLAGSHIP)
    hover = asyncio.run(lsp_server.hover(ls, t.HoverParams(text_document=t.TextDocumentIdentifier(uri=uri),
                                                           position=_position(FLAGSHIP, at))))
    assert "**choice**" in hover.contents.value


def _position(text: str, offset: int) -> t.Position:
    return t.Position(line=text.count("\n", 0, offset), character=offset - (text.rfind("\n", 0, offset) + 1))


def _decoded(text: str, data: list[int]) -> list[tuple[int, int, str, int]]:
    """LSP's five integers per semantic token, back to (line, column, the token's text, its type)."""
    lines, out, line, col = text.split("\n"), [], 0, 0
    for i in range(0, len(data), 5):
        d_line, d_col, length, kind, _mods = data[i:i + 5]
        line, col = line + d_line, (col + d_col if d_line == 0 else d_col)
        out.append((line, col, lines[line][col:col + length], kind))
    return out


TYPED = ('  inference batch {\n    model = Llama3_1_70B\n    rack = GB300_NVL72\n    accelerators = 72 * 4\n'
         '    precision = "fp8"\n  }\n')


def test_semantic_tokens_and_hover_stay_while_a_block_is_typed_character_by_character(tmp_path: Path) -> None:
    """A block typed into the flagship one character at a time, through the server as an editor drives it (every
    intermediate text that does not parse has the last parsed version as its `fallback`): at each step the semantic
    tokens are those of the last parsed version away from the edited lines, each on the same text (a name keeps its
    colour), and a hover on a name below the edit answers as it did before the edit. Before: no token at all and
    no hover anywhere in the file while the statement was half typed (the editor's colours went at each keystroke)."""
    tmp_path = tmp_path.resolve()
    path = tmp_path / "campus.factory"
    ls, uri = _server_with(tmp_path, path, FLAGSHIP)
    doc = t.TextDocumentIdentifier(uri=uri)
    full = _decoded(FLAGSHIP, lsp_server.semantic_tokens_full(ls, t.SemanticTokensParams(text_document=doc)).data)
    anchor = FLAGSHIP.index("  finance books {")
    below = {(text, kind) for line, _col, text, kind in full if line >= FLAGSHIP.count("\n", 0, anchor)}
    name = FLAGSHIP.index("depreciation_it") + 3
    before = asyncio.run(lsp_server.hover(ls, t.HoverParams(text_document=doc, position=_position(FLAGSHIP, name))))
    broken = 0
    for i in range(1, len(TYPED) + 1, 7):
        text = FLAGSHIP[:anchor] + TYPED[:i] + FLAGSHIP[anchor:]
        ls.workspace.put_text_document(t.TextDocumentItem(uri=uri, language_id="factory", version=i + 1, text=text))
        analysis = ls.analysis(uri)
        if analysis.module is not None:
            continue
        broken += 1
        tokens = _decoded(text, lsp_server.semantic_tokens_full(ls, t.SemanticTokensParams(text_document=doc)).data)
        old = [(text_, kind) for _line, _col, text_, kind in full]
        assert tokens and all((tok, kind) in old for _l, _c, tok, kind in tokens)
        assert below <= {(tok, kind) for _l, _c, tok, kind in tokens}
        at = text.index("depreciation_it") + 3
        hover = asyncio.run(lsp_server.hover(ls, t.HoverParams(text_document=doc, position=_position(text, at))))
        # (the same head and doc; its figure is the last parsed version's once that was evaluated)
        assert hover is not None and hover.contents.value.split("\n\n")[:2] == before.contents.value.split("\n\n")[:2]
        assert text[lsp_server._offset(analysis, hover.range.start):lsp_server._offset(analysis, hover.range.end)] \
            == "depreciation_it"
    assert broken >= 10


STARTER = (ROOT / "examples" / "enterprise_starter.factory").read_text(encoding="utf-8")
FAILING = STARTER.replace("from chips import H100_SXM, Xeon_8480C", "from chips import H100_SXM, Xeon_8480C\n"
                          "from models import Llama3_1_8B").replace("assert gpus == 64", "assert gpus == 65").replace(
    "  hall server_room {", "  training tune {\n    model = Llama3_1_8B\n    rack = air_rack\n    accelerators = 64\n"
    "    tokens = 1 Ttok\n    precision = \"bf16\"\n    seq_len = 8192 tok\n    global_batch = 4 Mtok\n"
    "    utilization = 0.9\n  }\n  hall server_room {")       # an assert fails; a training run's `utilization`


def _published_stages(tmp: Path, versions: list[str]) -> list[list[list[tuple[str, int]]]]:
    """Open the first text in a server in process and run all its stages, then each later text as the editor sends a
    change (its stages after it): per version, every publication of the document, as (code, line) of each
    diagnostic, the code starred where the diagnostic says it was carried from the version before."""
    path = tmp / "campus.factory"
    ls, uri = _server_with(tmp, path, versions[0])
    out: list[list[list[tuple[str, int]]]] = []

    def record(params: t.PublishDiagnosticsParams) -> None:
        if params.uri == uri:
            out[-1].append(sorted((d.code + ("*" if lsp_server.CARRIED_NOTE in d.message else ""), d.range.start.line)
                                  for d in params.diagnostics))
    ls.text_document_publish_diagnostics = record
    for version, text in enumerate(versions, 1):
        out.append([])
        ls.workspace.put_text_document(t.TextDocumentItem(uri=uri, language_id="factory", version=version, text=text))
        asyncio.run(ls.publish_in_stages(uri))
    return out


def test_a_keystroke_does_not_blank_the_evaluations_diagnostics_until_its_stages_find_them(tmp_path: Path) -> None:
    """The starter with a failed assert (found by the checks' stage) and a training run's `utilization`, which no
    model reads (`no-effect`: found by the whole evaluation only). A line typed above them: every publication of the
    new version shows both, at their moved lines (before session 25, the check's stage showed neither and the checks'
    stage the assert alone: each keystroke blanked them for 0.02-0.25 s, then 1 s), and its last equals what a
    fresh server shows for that text. Then an edit that mends the assert: its last publication has no assert (what
    was carried is replaced); one on the assert's own line: its first does not show it (the edited lines carry
    nothing), its last does."""
    tmp_path = tmp_path.resolve()
    typed = FAILING.replace("  training tune {", "  # a comment typed\n  training tune {")
    lines = typed.split("\n")
    want = {("assert-failed", lines.index("    assert gpus == 65, \"four racks of two 8-GPU servers\"")),
            ("no-effect", lines.index("    utilization = 0.9"))}
    mended = typed.replace("gpus == 65", "gpus == 64")
    on_line = typed.replace("gpus == 65", "gpus == 66")
    after, fixed, _again, edited = _published_stages(tmp_path, [FAILING, typed, mended, typed, on_line])[1:]
    assert after and all(want <= {(code.rstrip("*"), line) for code, line in found} for found in after), after
    # said to be carried until a stage judges it: both before the checks' stage, the no-effect before the whole's
    assert {code for code, _line in after[0]} == {"assert-failed*", "no-effect*"}, after
    assert {code for code, _line in after[-1]} == {"assert-failed", "no-effect"}, after
    assert [{code for code, _line in found} for found in after[1:-1]] == [{"assert-failed", "no-effect*"}], after
    assert not [code for code, _line in fixed[-1] if code.startswith("assert-failed")], fixed
    failed = min(want)
    assert {(code.rstrip("*"), line) for code, line in edited[0]}.isdisjoint({failed}), edited
    assert failed in edited[-1], edited
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    assert after[-1] == _published_stages(fresh, [typed])[0][-1]


def test_definition_and_highlights_answer_while_a_line_is_half_typed(tmp_path: Path) -> None:
    """A param half typed below the flagship's params (`param extra = `: the text does not parse): go-to-definition
    and document highlights of names above and below it give what they gave before the line was begun, each place
    below it a line further down. Before: nothing anywhere in the file while the line was half typed."""
    tmp_path = tmp_path.resolve()
    ls, uri = _server_with(tmp_path, tmp_path / "campus.factory", FLAGSHIP)
    doc = t.TextDocumentIdentifier(uri=uri)
    anchor = FLAGSHIP.index("\n", FLAGSHIP.index("param gpu_utilization")) + 1
    added = FLAGSHIP.count("\n", 0, anchor)              # the 0-based line the half-typed one takes
    broken = FLAGSHIP[:anchor] + "param extra = \n" + FLAGSHIP[anchor:]

    def asked(text: str, needle: str, delta: int):
        position = _position(text, text.index(needle) + delta)
        found = lsp_server.definition(ls, t.DefinitionParams(text_document=doc, position=position))
        marks = lsp_server.document_highlight(ls, t.DocumentHighlightParams(text_document=doc, position=position))
        return ([(loc.uri.rsplit("/", 1)[-1], loc.range.start.line, loc.range.start.character) for loc in found or []],
                sorted((h.range.start.line, h.range.start.character, h.kind) for h in marks or []))

    needles = [("rows_per_hall * racks_per_row * 72", 2), ("= gpu_utilization", 4), ("= energy_price", 4),
               ("model = Llama3_1_70B", 10), ("halls {", 1)]
    before = [asked(FLAGSHIP, needle, delta) for needle, delta in needles]
    assert all(found and marks for found, marks in before[:3]), before
    ls.workspace.put_text_document(t.TextDocumentItem(uri=uri, language_id="factory", version=2, text=broken))
    assert ls.analysis(uri).module is None
    after = [asked(broken, needle, delta) for needle, delta in needles]

    def moved(place: tuple) -> tuple:
        return (place[0] + (place[0] >= added), *place[1:])
    for (found, marks), (found_now, marks_now) in zip(before, after):
        assert found_now == [(f, line + (f == "campus.factory" and line >= added), col) for f, line, col in found]
        assert marks_now == [moved(m) for m in marks]


def test_an_import_a_completion_or_quick_fix_adds_joins_the_modules_import_line(tmp_path: Path) -> None:
    """A stdlib name not imported, whose module the file imports names from already: the completion's import and
    the quick fix add it to that line (the last of them: the flagship has two `from facility import` lines), as
    rust-analyzer merges an import; a module the file does not import from yet gets a line of its own. Law: the
    fixed file checks with no error and no duplicate import. Before: a new `from facility import` line each time."""
    text = FLAGSHIP.replace(", CRAH_150kW", "")
    analysis = Analysis(text, str(tmp_path / "campus.factory"), str(tmp_path))
    (fix,) = [f for f in quick_fixes(analysis) if f[3] == "Add `from facility import CRAH_150kW`"]
    _diag, span, new_text, _title, how = fix
    assert how == "insert" and new_text == ", CRAH_150kW"
    assert span.start == text.index("Chiller_AC_500ton\n") + len("Chiller_AC_500ton")
    fixed = text[:span.start] + new_text + text[span.start:]
    assert "from facility import CDU_row_2MW, DryCooler_1MW, Chiller_AC_500ton, CRAH_150kW\n" in fixed
    assert not Analysis(fixed, str(tmp_path / "campus.factory"), str(tmp_path)).sink.items
    alone = "site s {\n  rack r: GB300_NVL72 x 1\n}\n"
    (fix,) = [f for f in quick_fixes(Analysis(alone, str(tmp_path / "a.factory"), str(tmp_path)))
              if f[3].startswith("Add `from")]
    assert fix[2] == "from systems import GB300_NVL72\n" and fix[1].start == 0


def test_the_editor_is_asked_to_refresh_its_code_lenses_once_the_figures_are_evaluated(tmp_path: Path) -> None:
    """An editor that supports `workspace/codeLens/refresh` (and `inlayHint/refresh`, hints shown) is asked once the
    whole evaluation of the current version has run, and the lenses it then asks for have their figures. Before: a
    lens asked for before the evaluation ended (it waits 0.3 s) stayed empty until the next change, so a spec just
    opened showed none. An editor without the capability is not asked."""
    tmp_path = tmp_path.resolve()
    for supported in (True, False):
        ls, uri = _server_with(tmp_path, tmp_path / "starter.factory", FAILING)
        ls.inlay_hints = True
        ls.protocol.client_capabilities = t.ClientCapabilities(workspace=t.WorkspaceClientCapabilities(
            code_lens=t.CodeLensWorkspaceClientCapabilities(refresh_support=supported),
            inlay_hint=t.InlayHintWorkspaceClientCapabilities(refresh_support=supported)))
        asked: list[str] = []
        ls.workspace_code_lens_refresh = lambda params: asked.append("codeLens")
        ls.workspace_inlay_hint_refresh = lambda params: asked.append("inlayHint")
        ls.text_document_publish_diagnostics = lambda params: None
        asyncio.run(ls.publish_in_stages(uri))
        assert asked == (["codeLens", "inlayHint"] if supported else []), asked
    lenses = asyncio.run(lsp_server.code_lens(ls, t.CodeLensParams(text_document=t.TextDocumentIdentifier(uri=uri))))
    assert [lens.command.title for lens in lenses] and all("time to train" in lens.command.title for lens in lenses)


def test_references_answer_across_the_files_while_a_line_is_half_typed(tmp_path: Path) -> None:
    """`spare_racks`, defined in common.factory and read twice by campus.factory: find-references from a use in
    campus while a line above it is half typed gives what it gave before the line was begun (the declaration in
    common, the import and the uses in campus, those below the line one line down). Before: nothing."""
    tmp_path = tmp_path.resolve()
    (tmp_path / "common.factory").write_text("param spare_racks = 2\n", encoding="utf-8")
    text = FLAGSHIP.replace("from models import Llama3_1_405B, Llama3_1_70B\n", "from models import Llama3_1_405B, "
                            "Llama3_1_70B\nfrom \"./common.factory\" import spare_racks\n").replace(
        "param halls = 4", "param halls = 4 + spare_racks * 0").replace("param rows_per_hall = 9",
                                                                        "param rows_per_hall = 9 + spare_racks * 0")
    ls, uri = _server_with(tmp_path, tmp_path / "campus.factory", text)
    doc = t.TextDocumentIdentifier(uri=uri)

    def asked(now: str) -> list[tuple[str, int, int]]:
        position = _position(now, now.index("9 + spare_racks") + 6)
        found = lsp_server.references(ls, t.ReferenceParams(text_document=doc, position=position,
                                                            context=t.ReferenceContext(include_declaration=True)))
        return [(loc.uri.rsplit("/", 1)[-1], loc.range.start.line, loc.range.start.character) for loc in found or []]
    before = asked(text)
    assert len(before) == 4 and before[0][0] == "common.factory", before
    anchor = text.index("param halls")
    broken = text[:anchor] + "param extra = \n" + text[anchor:]
    ls.workspace.put_text_document(t.TextDocumentItem(uri=uri, language_id="factory", version=2, text=broken))
    assert ls.analysis(uri).module is None
    line = text.count("\n", 0, anchor)
    assert asked(broken) == [(f, n + (f == "campus.factory" and n >= line), c) for f, n, c in before]


def test_code_lenses_stay_marked_while_the_text_is_not_evaluated(tmp_path: Path) -> None:
    """The starter's training lens, once evaluated; then a line half typed above the workload (the text does not
    parse, so nothing is evaluated): the lens stays on the workload's moved line, its figure marked as the last
    evaluated version's (before: no lens, and the text below moved up a line at each such keystroke, then back)."""
    tmp_path = tmp_path.resolve()
    ls, uri = _server_with(tmp_path, tmp_path / "starter.factory", FAILING)
    ls.text_document_publish_diagnostics = lambda params: None
    doc = t.TextDocumentIdentifier(uri=uri)
    asyncio.run(ls.publish_in_stages(uri))
    (lens,) = asyncio.run(lsp_server.code_lens(ls, t.CodeLensParams(text_document=doc)))
    assert lens.command.title.startswith("time to train") and lsp_server.STALE_LENS not in lens.command.title
    anchor = FAILING.index("  training tune {")
    broken = FAILING[:anchor] + "  let half = \n" + FAILING[anchor:]
    ls.workspace.put_text_document(t.TextDocumentItem(uri=uri, language_id="factory", version=2, text=broken))
    (moved,) = asyncio.run(lsp_server.code_lens(ls, t.CodeLensParams(text_document=doc)))
    assert moved.range.start.line == lens.range.start.line + 1
    assert moved.command.title == f"{lens.command.title} [{lsp_server.STALE_LENS}]"
    assert moved.command.arguments == lens.command.arguments


def test_a_rename_in_a_text_that_does_not_parse_is_refused_with_that_reason(tmp_path: Path) -> None:
    """prepareRename on a name while a line is half typed: refused, saying the file does not parse (before: "there
    is no name here to rename", on a name)."""
    from pygls.exceptions import JsonRpcException

    tmp_path = tmp_path.resolve()
    broken = FLAGSHIP.replace("param halls = 4", "param extra = \nparam halls = 4")
    ls, uri = _server_with(tmp_path, tmp_path / "campus.factory", broken)
    at = broken.index("x halls") + 3
    try:
        lsp_server.prepare_rename(ls, t.PrepareRenameParams(text_document=t.TextDocumentIdentifier(uri=uri),
                                                            position=_position(broken, at)))
    except JsonRpcException as exc:
        assert "does not parse" in str(exc), exc
    else:
        raise AssertionError("a rename in a text that does not parse was offered")


def test_the_required_field_quick_fix_adds_the_field_not_the_blocks_name(tmp_path: Path) -> None:
    """`inference batch {}` typed into the flagship: "inference `batch` does not set `model`". The fix adds `model = `
    below the header (before session 25: `batch = `, the first name between backticks in the message: a field the
    kind does not have); with a value typed after it the block checks with no missing field."""
    anchor = FLAGSHIP.index("  finance books {")
    text = FLAGSHIP[:anchor] + "  inference batch {\n  }\n" + FLAGSHIP[anchor:]
    analysis = Analysis(text, str(tmp_path / "campus.factory"), str(tmp_path))
    (fix,) = [f for f in quick_fixes(analysis) if f[0].code == "missing-field"]
    _diag, span, new_text, title, how = fix
    assert (title, new_text, how) == ("Add the required field `model`", "    model = \n", "insert")
    fixed = text[:span.start] + new_text.replace("= ", "= Llama3_1_70B") + text[span.start:]
    assert "  inference batch {\n    model = Llama3_1_70B\n  }\n" in fixed
    after = Analysis(fixed, str(tmp_path / "campus.factory"), str(tmp_path))
    assert not [d for d in after.sink.items if d.code in ("missing-field", "unknown-field")], \
        [(d.code, d.message) for d in after.sink.items]
