"""The language server, driven by a real LSP client (pygls's) over stdio against `python -m compiler.cli lsp`:
one scripted session covers initialize, diagnostics on open and after a fix, hover, completion, definition,
references, symbols, inlay hints, formatting, rename, code actions and shutdown. Smaller questions are
asked of `compiler.lsp.analysis` directly."""
from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

import pytest
from lsprotocol import types as t
from pygls.lsp.client import LanguageClient

from compiler.lsp.analysis import Analysis, completions, hover_markdown, quick_fixes

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "examples" / "flagship_campus.factory"

SPEC = '''from chips import H100_SXM

param racks = 4

server hgx {
  chip gpu: H100_SXM x 8
  max_power = 10.2 kW
}

rack air_rack {
  server node: hgx x 2
  power_limit = 25 kW
  let draw = sum(server.max_power)
}

site office {
  electricity_price = 0.12 USD/kWh
  hall room {
    rack r: air_rack x racks
  }
  land_price = 0 USD
}
'''

ANNEX = 'from "./office.factory" import air_rack\n\nrack spare: air_rack {\n  power_limit = 30 kW\n}\n'


async def _stop(client: LanguageClient) -> None:
    """Stop the client and its server. pygls's `stop` waits for the server to exit, which it does only when told
    (`exit`): after a failed assertion it never is, and the test hung in place of failing. So the server is given
    10 s to exit, then killed."""
    server = getattr(client, "_server", None)
    if server is not None and server.returncode is None:
        try:
            await asyncio.wait_for(server.wait(), 10)
        except asyncio.TimeoutError:
            server.kill()
    await client.stop()


def _pos(text: str, needle: str, delta: int = 0) -> t.Position:
    offset = text.index(needle) + delta
    line = text.count("\n", 0, offset)
    return t.Position(line=line, character=offset - (text.rfind("\n", 0, offset) + 1))


async def _hover_showing(client: LanguageClient, doc: t.TextDocumentIdentifier, position: t.Position,
                         text: str):
    """The hover at `position` once it shows `text`, or the last one after 30 s. A field's value and a rack's
    figures come from the evaluation the server runs after the check, and a hover waits for it only VALUE_WAIT_S
    (0.3 s): on a loaded machine (the suite runs on every core) the first hover may come before it, so ask again,
    as an editor does on the next mouse move."""
    hover = None
    for _ in range(60):
        hover = await client.text_document_hover_async(t.HoverParams(text_document=doc, position=position))
        if hover is not None and text in hover.contents.value:
            break
        await asyncio.sleep(0.5)
    return hover


async def _session(tmp: Path) -> dict:
    spec = tmp / "office.factory"
    spec.write_text(SPEC, encoding="utf-8")
    (tmp / "annex.factory").write_text(ANNEX, encoding="utf-8")        # on disk, never opened: imports air_rack
    uri = spec.as_uri()
    client = LanguageClient("factory-test", "1")
    published: list[t.PublishDiagnosticsParams] = []
    got = asyncio.Event()

    @client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: t.PublishDiagnosticsParams) -> None:
        published.append(params)
        got.set()

    async def next_diagnostics() -> list[t.Diagnostic]:
        await asyncio.wait_for(got.wait(), 60)
        got.clear()
        return published[-1].diagnostics

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    await client.start_io(sys.executable, "-m", "compiler.cli", "lsp", cwd=str(ROOT), env=env)
    out: dict = {}
    try:
        out["initialize"] = await client.initialize_async(t.InitializeParams(
            capabilities=t.ClientCapabilities(text_document=t.TextDocumentClientCapabilities(
                rename=t.RenameClientCapabilities(prepare_support=True))), root_uri=tmp.as_uri(),
            initialization_options={"factory": {"inlayHints": True}}))
        client.initialized(t.InitializedParams())
        broken = SPEC.replace("power_limit = 25 kW", "power_limit = 25 TB/s")
        client.text_document_did_open(t.DidOpenTextDocumentParams(
            text_document=t.TextDocumentItem(uri=uri, language_id="factory", version=1, text=broken)))
        out["open"] = await next_diagnostics()
        client.text_document_did_change(t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[t.TextDocumentContentChangeWholeDocument(text=SPEC)]))
        out["fixed"] = await next_diagnostics()
        doc = t.TextDocumentIdentifier(uri=uri)
        # a field's value and the rack's figures come from the evaluation the server runs after the check: a hover
        # waits for it only VALUE_WAIT_S (0.3 s), so on a loaded machine (the suite runs on every core) the first
        # hover may come before it; ask again until the figures are there (what an editor does on the next mouse
        # move), for at most 30 s
        out["hover"] = await _hover_showing(client, doc, _pos(SPEC, "max_power = 10.2", 2), "10.2 kW")
        out["hover_rack"] = await _hover_showing(client, doc, _pos(SPEC, "rack r:", 5), "| accelerators |")
        out["completion_fields"] = await client.text_document_completion_async(t.CompletionParams(
            text_document=doc, position=_pos(SPEC, "  power_limit", 2)))
        out["completion_defs"] = await client.text_document_completion_async(t.CompletionParams(
            text_document=doc, position=_pos(SPEC, "hgx x 2", 0)))
        out["definition"] = await client.text_document_definition_async(t.DefinitionParams(
            text_document=doc, position=_pos(SPEC, "air_rack x racks", 1)))
        out["definition_stdlib"] = await client.text_document_definition_async(t.DefinitionParams(
            text_document=doc, position=_pos(SPEC, "H100_SXM x 8", 1)))
        out["references"] = await client.text_document_references_async(t.ReferenceParams(
            text_document=doc, position=_pos(SPEC, "param racks", 7),
            context=t.ReferenceContext(include_declaration=True)))
        out["symbols"] = await client.text_document_document_symbol_async(t.DocumentSymbolParams(text_document=doc))
        out["folds"] = await client.text_document_folding_range_async(t.FoldingRangeParams(text_document=doc))
        out["hints"] = await client.text_document_inlay_hint_async(t.InlayHintParams(
            text_document=doc, range=t.Range(start=t.Position(line=0, character=0),
                                             end=t.Position(line=30, character=0))))
        out["formatting"] = await client.text_document_formatting_async(t.DocumentFormattingParams(
            text_document=doc, options=t.FormattingOptions(tab_size=2, insert_spaces=True)))
        out["signature"] = await client.text_document_signature_help_async(t.SignatureHelpParams(
            text_document=doc, position=_pos(SPEC, "sum(server", 4)))
        out["workspace_symbols"] = await client.workspace_symbol_async(t.WorkspaceSymbolParams(query="h100sxm"))
        out["workspace_own"] = await client.workspace_symbol_async(t.WorkspaceSymbolParams(query="air_rack"))
        out["highlight"] = await client.text_document_document_highlight_async(t.DocumentHighlightParams(
            text_document=doc, position=_pos(SPEC, "x racks", 3)))
        out["prepare_rename"] = await client.text_document_prepare_rename_async(t.PrepareRenameParams(
            text_document=doc, position=_pos(SPEC, "air_rack x racks", 3)))
        out["rename"] = await client.text_document_rename_async(t.RenameParams(
            text_document=doc, position=_pos(SPEC, "air_rack {", 1), new_name="liquid_rack"))
        client.text_document_did_change(t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=3),
            content_changes=[t.TextDocumentContentChangeWholeDocument(text=SPEC.replace("x racks", "x rackz"))]))
        out["typo"] = await next_diagnostics()
        out["actions"] = await client.text_document_code_action_async(t.CodeActionParams(
            text_document=doc, range=t.Range(start=_pos(SPEC, "racks\n  }"), end=_pos(SPEC, "racks\n  }", 5)),
            context=t.CodeActionContext(diagnostics=out["typo"])))
        # a buffer that is not a spec at all must not bring the server down
        client.text_document_did_change(t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=4),
            content_changes=[t.TextDocumentContentChangeWholeDocument(text="{{{ \x00 ]] \"")]))
        out["garbage"] = await next_diagnostics()
        out["garbage_hover"] = await client.text_document_hover_async(t.HoverParams(
            text_document=doc, position=t.Position(line=0, character=1)))
        await client.shutdown_async(None)
        client.exit(None)
    finally:
        await _stop(client)
    return out


def test_scripted_session(tmp_path: Path) -> None:
    out = asyncio.run(_session(tmp_path))
    assert [d.code for d in out["open"]] == ["unit-mismatch"]
    assert out["open"][0].range.start.line == 11                     # 0-based at the protocol boundary
    assert list(out["fixed"]) == []
    hover = out["hover"].contents.value
    assert "max_power" in hover and "10.2 kW" in hover
    # the rack placed 4 times: 2 servers x 10.2 kW nameplate = 20.4 kW; hover shows its evaluated figures
    assert "| accelerators | 16 |" in out["hover_rack"].contents.value
    labels = {i.label for i in out["completion_fields"].items}
    assert {"power_limit", "price", "cooling", "server"} <= labels
    assert "hgx" in {i.label for i in out["completion_defs"].items}
    (loc,) = out["definition"]
    assert loc.uri.endswith("office.factory") and loc.range.start.line == 9
    (std,) = out["definition_stdlib"]
    assert std.uri.endswith("stdlib/chips.factory")
    assert len(out["references"]) == 2                                # `param racks` and `x racks`
    # the blocks fold from their header to the line before their brace; the import line alone does not
    assert (_pos(SPEC, "rack air_rack").line, _pos(SPEC, "  let draw").line) in {
        (f.start_line, f.end_line) for f in out["folds"]}
    names = [s.name for s in out["symbols"]]
    assert names == ["racks", "hgx", "air_rack", "office"]
    office = out["symbols"][3]
    assert office.children[1].name == "room" and office.children[1].children[0].name == "r"
    hints = [h.label for h in out["hints"]]
    assert " = 20.4 kW" in hints                                      # draw = sum(server.max_power)
    assert list(out["formatting"]) == []                                    # already formatted
    assert out["signature"].signatures[0].label.startswith("sum(") and out["signature"].active_parameter == 0
    (h100,) = [s for s in out["workspace_symbols"] if s.name == "H100_SXM"]
    assert h100.location.uri.endswith("stdlib/chips.factory")
    own = [s for s in out["workspace_own"] if s.location.uri.endswith("office.factory")]
    assert [(s.name, s.location.range.start.line) for s in own] == [("air_rack", _pos(SPEC, "air_rack {").line)]
    # the highlights of a name are its references: `param racks` (written) and `x racks` (read)
    assert sorted((h.range.start.line, h.kind) for h in out["highlight"]) == [
        (_pos(SPEC, "param racks").line, t.DocumentHighlightKind.Write),
        (_pos(SPEC, "x racks").line, t.DocumentHighlightKind.Read)]
    assert sorted((h.range.start.line, h.range.start.character) for h in out["highlight"]) == sorted(
        (r.range.start.line, r.range.start.character) for r in out["references"])
    assert out["initialize"].capabilities.rename_provider.prepare_provider
    prepared = out["prepare_rename"]
    assert prepared.placeholder == "air_rack" and prepared.range.start == _pos(SPEC, "air_rack x racks")
    edits = out["rename"].changes[(tmp_path / "office.factory").as_uri()]
    assert len(edits) == 2 and all(e.new_text == "liquid_rack" for e in edits)
    # the file on disk that imports air_rack is renamed too: its import and its base
    annex = out["rename"].changes[(tmp_path / "annex.factory").resolve().as_uri()]
    assert sorted((e.range.start.line, e.range.start.character) for e in annex) == [
        (_pos(ANNEX, "air_rack\n").line, _pos(ANNEX, "air_rack\n").character),
        (_pos(ANNEX, "air_rack {").line, _pos(ANNEX, "air_rack {").character)]
    assert any(d.code == "unknown-name" for d in out["typo"])
    titles = [a.title for a in out["actions"]]
    assert "Replace with `racks`" in titles
    assert out["garbage"] and out["garbage_hover"] is None


def test_hover_on_a_sweep_shows_the_range(tmp_path: Path) -> None:
    text = SPEC.replace("param racks = 4", "param racks = [2, 4, 8]").replace(
        "  let draw", "  let total = draw * 1\n  let draw")
    spec = tmp_path / "sweep.factory"
    analysis = Analysis(text, str(spec), str(tmp_path))
    hover, _ = hover_markdown(analysis, text.index("electricity_price") + 1)
    assert "0.12 USD/kWh" in hover
    hints = {h.label for h in analysis.inlay_hints()}
    assert " = 20.4 kW" in hints


def test_units_and_choices_complete(tmp_path: Path) -> None:
    text = SPEC.replace('electricity_price = 0.12 USD/kWh', 'electricity_price = 0.12 \n  distribution = "')
    analysis = Analysis(text, str(tmp_path / "a.factory"), str(tmp_path))
    units = {c.label for c in completions(analysis, text.index("0.12 ") + 5)}
    assert {"USD/kWh", "USD/MWh"} <= units and "kW" not in units     # the field is a price of energy
    choices = {c.label for c in completions(analysis, text.index('distribution = "') + len('distribution = "'))}
    assert "dc800" in choices


def test_missing_field_quick_fix_inserts_the_field(tmp_path: Path) -> None:
    text = "chip c {\n  vendor = \"x\"\n}\n"
    analysis = Analysis(text, str(tmp_path / "c.factory"), str(tmp_path))
    fixes = [f for f in quick_fixes(analysis) if f[4] == "insert"]
    assert fixes, [d.message for d in analysis.sink.items]
    _diag, span, new_text, title, _how = fixes[0]
    assert new_text.startswith("  ") and new_text.endswith(" = \n") and span.start == text.index("  vendor")


def test_imports_read_open_buffers_before_the_disk(tmp_path: Path) -> None:
    common = tmp_path / "common.factory"
    common.write_text("chip c {\n  tdp = 700 W\n}\n", encoding="utf-8")
    text = 'from "./common.factory" import c, d\n'
    main_path = str(tmp_path / "main.factory")
    on_disk = Analysis(text, main_path, str(tmp_path))
    assert [d.code for d in on_disk.sink.errors] == ["unknown-name"]            # `d` is not saved yet
    unsaved = {str(common.resolve()): "chip c {\n  tdp = 700 W\n}\nchip d {\n  tdp = 1 kW\n}\n"}
    with_buffer = Analysis(text, main_path, str(tmp_path), buffers=unsaved)
    assert with_buffer.sink.errors == []
    assert with_buffer.stale(text, {}) and not with_buffer.stale(text, unsaved)
    # a buffer that was never saved can be imported too
    fresh = {str((tmp_path / "new.factory").resolve()): "let x = 1\n"}
    assert Analysis('from "./new.factory" import x\n', main_path, str(tmp_path), buffers=fresh).sink.errors == []


async def _two_documents(tmp: Path) -> list[list[str]]:
    common, spec = tmp / "common.factory", tmp / "main.factory"
    common.write_text("let budget = 10 kW\n", encoding="utf-8")
    spec.write_text('from "./common.factory" import budget\nassert budget >= 20 kW, "enough"\n', encoding="utf-8")
    client = LanguageClient("factory-test", "1")
    seen: dict[str, list] = {}
    got = asyncio.Event()

    @client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: t.PublishDiagnosticsParams) -> None:
        seen.setdefault(params.uri, []).append([d.code for d in params.diagnostics])
        got.set()

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    await client.start_io(sys.executable, "-m", "compiler.cli", "lsp", cwd=str(ROOT), env=env)
    try:
        await client.initialize_async(t.InitializeParams(capabilities=t.ClientCapabilities()))
        client.initialized(t.InitializedParams())
        for path in (spec, common):
            client.text_document_did_open(t.DidOpenTextDocumentParams(text_document=t.TextDocumentItem(
                uri=path.as_uri(), language_id="factory", version=1, text=path.read_text(encoding="utf-8"))))
        # the assert fails with the text on disk ...
        for _ in range(150):
            if ["assert-failed"] in seen.get(spec.as_uri(), []):
                break
            await asyncio.sleep(0.2)
        # ... and raising the budget in the unsaved buffer of common fixes main
        client.text_document_did_change(t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=common.as_uri(), version=2),
            content_changes=[t.TextDocumentContentChangeWholeDocument(text="let budget = 30 kW\n")]))
        for _ in range(150):
            await asyncio.sleep(0.2)
            history = seen.get(spec.as_uri(), [])
            if ["assert-failed"] in history and history[-1] == []:
                break
        await client.shutdown_async(None)
        client.exit(None)
    finally:
        await _stop(client)
    return seen[spec.as_uri()]


def test_a_change_in_an_imported_buffer_rechecks_its_importers(tmp_path: Path) -> None:
    history = asyncio.run(_two_documents(tmp_path))
    # the check's diagnostics come first, then the evaluation's (the failed assert); after the edit, none
    assert ["assert-failed"] in history[:-1] and history[-1] == []


def test_the_checks_are_published_before_the_whole_evaluation(tmp_path: Path) -> None:
    """The editor's second stage (Analysis.checks_diagnostics: evaluate(..., only_checks=True)) gives the failing
    assert (one diagnostic for the definition and its placement) exactly as the whole evaluation does (its
    diagnostics are a subset of the whole evaluation's, and hold every error of it), and once the whole evaluation has run it
    answers with that."""
    text = SPEC.replace(
        "  let draw = sum(server.max_power)", "  let draw = sum(server.max_power)\n  assert draw <= 1 kW, \"too much\"")
    analysis = Analysis(text, str(tmp_path / "checks.factory"), str(tmp_path))
    key = (lambda d: (d.code, d.message, str(d.span)))
    first = analysis.checks_diagnostics()
    # the definition's and its placement's failure are one (compiler.checks.merge_placements), naming both
    assert [d for d in first if "too much" in d.message and any("office.room.r" in note for note in d.notes)]
    analysis.results
    full = {key(d) for d in analysis.eval_diagnostics}
    assert {key(d) for d in first} <= full
    failed = {key(d) for d in analysis.eval_diagnostics if d.severity == "error"}
    assert failed and failed <= {key(d) for d in first}
    assert analysis.checks_diagnostics() is analysis.eval_diagnostics


# ----------------------------------------------------------------------------- the editor shows what build shows

EXAMPLES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "examples").rglob("*.factory"))
FAST_EXAMPLES = ("examples/enterprise_starter.factory", "examples/flagship_campus.factory")   # the rest: `slow`
ENTERPRISE = "examples/enterprise_starter.factory"
# a broken variant of the enterprise example: (the line replaced, what replaces it), and what it breaks
BROKEN = {
    "idle-above-nameplate": ('  height = 8 U\n', '  height = 8 U\n  idle_power = 12 kW\n'),   # ORDERED server
    "chip-idle-above-tdp": ('from chips import H100_SXM, Xeon_8480C\n',
                            'from chips import H100_SXM, Xeon_8480C\nchip hot {\n  tdp = 700 W\n  idle_power = 900 W\n}\n'
                            'server box {\n  chip gpu: hot x 8\n}\n'),
    "price-unit-slip": ('0.12 USD/kWh', '120 USD/kWh'),                                          # plausibility
    "tdp-unit-slip": ('from chips import H100_SXM, Xeon_8480C\n',
                      'from chips import H100_SXM, Xeon_8480C\nchip big {\n  tdp = 700 kW\n}\n'),
    "wet-bulb-above-dry-bulb": ('  land_price = 0 USD', '  land_price = 0 USD\n  ambient_temp = 30 degC\n'
                                '  wet_bulb_temp = 35 degC'),                                   # ORDERED site
    "let-out-of-its-range": ('  height = 42 U\n', '  height = 42 U\n  let utilization = 1.5\n'),
    "unit-typo": ('power_limit = 25 kW', 'power_limit = 25 kWW'),
    "name-typo": ('x racks', 'x rackz'),
    "assert-fails": ('gpus == 64', 'gpus == 65'),
}
# What the editor's first evaluation (the checks alone, `Analysis.checks_diagnostics`) leaves to the whole one, and
# why (README "In an editor"): each needs a model that only the whole evaluation runs. Everything else `factory
# build` reports is shown by the check at once or by the checks' stage.
LEFT_TO_THE_WHOLE_EVALUATION = {
    "unpriced": "a part with no price is found by the cost model, which no assert, limit or rule reads",
    "out-of-range": "at a `let` only: a let standing for a model's assumption is judged when that model runs",
    "latency-knife-edge": "the latency band is the serving model's solve at 95% and 105% of its load, which only the "
                          "whole evaluation runs",
}


def _editor_and_build(path: Path, text: str) -> tuple[set, set, set]:
    """(the editor's first diagnostics: the check's and the checks' stage's, the editor's last: the check's and
    the whole evaluation's, what `factory build` reports), each as a set of (code, file, line, col)."""
    from compiler.cli import run_pipeline

    def key(d) -> tuple:
        return (d.code, d.span.file, d.span.line, d.span.col) if d.span is not None else (d.code,)
    path.write_text(text, encoding="utf-8")
    analysis = Analysis(text, str(path), str(path.parent))
    first = {key(d) for d in [*analysis.sink.items, *analysis.checks_diagnostics()]}
    analysis.results
    last = {key(d) for d in [*analysis.sink.items, *analysis.eval_diagnostics]}
    _results, sink = run_pipeline([str(path)], {}, None, evaluate_all=True)      # what `factory build` runs
    return first, last, {key(d) for d in sink.items}


def _assert_the_editor_shows_what_build_shows(path: Path, text: str) -> set:
    first, last, build = _editor_and_build(path, text)
    assert last == build                          # the editor's last publish is build's diagnostics, at their columns
    assert first <= build                         # what it shows first is a part of them ...
    lines = text.splitlines()
    for code, file, line, _col in sorted(build - first):        # ... and leaves only what needs the models
        assert code in LEFT_TO_THE_WHOLE_EVALUATION, (code, file, line)
        if code == "out-of-range" and file == str(path):
            assert lines[line - 1].lstrip().startswith("let "), lines[line - 1]
    return build


@pytest.mark.parametrize("example", [e if e in FAST_EXAMPLES else pytest.param(e, marks=pytest.mark.slow)
                                     for e in EXAMPLES])
def test_the_editor_shows_what_build_shows_for_every_example(tmp_path: Path, example: str) -> None:
    """Law: for every example, the set of (code, file, line, col) the editor shows once the whole evaluation has run
    is the set `factory build` reports; what it shows first (the check, then the asserts', limits' and rules'
    evaluation) is a part of it that lacks only what `LEFT_TO_THE_WHOLE_EVALUATION` names, each with its reason."""
    source = ROOT / example                       # (the examples import the stdlib only: they check alike anywhere)
    _assert_the_editor_shows_what_build_shows(tmp_path / source.name, source.read_text())


@pytest.mark.parametrize("broken", sorted(BROKEN))
def test_the_editor_shows_what_build_shows_for_a_broken_spec(tmp_path: Path, broken: str) -> None:
    """The same law for broken variants of an example; and each one's mistake is reported. An idle power above the
    TDP or the nameplate, a wet bulb above the dry bulb, a price or a TDP a thousand times off (`dsl.schema.ORDERED`,
    `compiler.plausible`) are judged on the figures the spec writes, so the editor shows them in its first stage,
    as the user types (they were shown only once everything else had been computed: seconds on a large spec)."""
    old, new = BROKEN[broken]
    text = (ROOT / ENTERPRISE).read_text()
    assert old in text
    path = tmp_path / f"{broken}.factory"
    build = _assert_the_editor_shows_what_build_shows(path, text.replace(old, new, 1))
    first, _last, _build = _editor_and_build(path, text.replace(old, new, 1))
    assert build, broken
    if broken in ("idle-above-nameplate", "chip-idle-above-tdp", "price-unit-slip", "tdp-unit-slip",
                  "wet-bulb-above-dry-bulb"):
        shown_first = {k for k in build if k[0] in ("out-of-range", "implausible-value")}
        assert shown_first and shown_first <= first, build - first


# ----------------------------------------------------------------------------- positions in imported files

async def _published(tmp: Path, opened: Path) -> dict[str, list[t.Diagnostic]]:
    """Open `opened` in a real server and return what it published, by uri, once it published for every file."""
    client = LanguageClient("factory-test", "1")
    last: dict[str, list[t.Diagnostic]] = {}

    @client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: t.PublishDiagnosticsParams) -> None:
        last[params.uri] = list(params.diagnostics)

    await client.start_io(sys.executable, "-m", "compiler.cli", "lsp", cwd=str(ROOT),
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    try:
        await client.initialize_async(t.InitializeParams(capabilities=t.ClientCapabilities(), root_uri=tmp.as_uri()))
        client.initialized(t.InitializedParams())
        client.text_document_did_open(t.DidOpenTextDocumentParams(text_document=t.TextDocumentItem(
            uri=opened.as_uri(), language_id="factory", version=1, text=opened.read_text(encoding="utf-8"))))
        for _ in range(300):
            if len([u for u, found in last.items() if found]) >= 2:
                break
            await asyncio.sleep(0.05)
        await client.shutdown_async(None)
        client.exit(None)
    finally:
        await _stop(client)
    return last


def _utf16(line: str, col0: int) -> int:
    return len(line[:col0].encode("utf-16-le")) // 2


def test_a_diagnostic_in_an_imported_file_is_placed_in_utf16_code_units(tmp_path: Path) -> None:
    """Law (LSP's default position encoding, utf-16): a column the server publishes counts UTF-16 code units, in the
    document and in every file it imports alike: an emoji before the span is two units (one character), a CJK
    character one. The error in common.factory, found by checking main.factory, is published for common.factory
    at the column where `nope` starts: units before it = characters before it + 1 (the emoji's second unit). (It was
    published in characters, one column to the left, for an imported file.) Its end, and the document's own
    diagnostic after the same characters, follow the same rule."""
    line = 'let pick = if "🚀中" == "x" then 1 kW else nope'
    (tmp_path / "common.factory").write_text(line + "\n", encoding="utf-8")
    main = tmp_path / "main.factory"
    main.write_text('from "./common.factory" import pick\nlet y = if "🚀中" == "y" then pick else nada\n',
                    encoding="utf-8")
    published = asyncio.run(_published(tmp_path, main))
    (found,) = published[(tmp_path / "common.factory").as_uri()]
    col = line.index("nope")
    assert (found.code, found.range.start.line) == ("unknown-name", 0)
    assert found.range.start.character == _utf16(line, col) == col + 1
    assert found.range.end.character == _utf16(line, col + 4)
    (own,) = published[main.as_uri()]
    own_line = main.read_text(encoding="utf-8").splitlines()[1]
    assert own.range.start.character == _utf16(own_line, own_line.index("nada")) == own_line.index("nada") + 1


# ----------------------------------------------------------------------------- completion

@pytest.mark.parametrize("example", ["examples/enterprise_starter.factory", "examples/flagship_campus.factory"])
def test_completion_never_offers_a_field_the_block_sets(tmp_path: Path, example: str) -> None:
    """Law: at the start of a statement inside a block, the fields completion offers are exactly the kind's input
    fields the block does not set yet: accepting one never makes a second `name =` (a `duplicate` error), and none is
    lost. (It offered every field, `max_power` again in a server that sets it.) Checked at an empty line opened at the
    top of every block of the example, and with the block's last line half typed (the buffer does not parse)."""
    import re

    from dsl import nodes as n
    from dsl.schema import kind as kind_spec

    text = re.sub(r"\{\n", "{\n\n", (ROOT / example).read_text())
    analysis = Analysis(text, str(tmp_path / "c.factory"), str(tmp_path))
    assert analysis.sink.errors == []
    blocks = [stmt for stmt, _ in analysis.statements if isinstance(stmt, n.Block) and stmt.has_body]
    assert len(blocks) >= 4
    for block in blocks:
        at = text.index("{\n\n", block.span.start) + 2
        offered = {c.label for c in completions(analysis, at) if c.kind == "field"}
        sets = {s.name for s in block.body if isinstance(s, n.Field)}
        inputs = {name for name, f in kind_spec(block.kind).fields.items() if not f.output}
        assert offered == inputs - sets, (block.name, offered & sets, inputs - sets - offered)
        half = text[:at] + "  pow" + text[at:]                  # typing a name: the buffer no longer parses
        typing = Analysis(half, str(tmp_path / "c.factory"), str(tmp_path))
        assert {c.label for c in completions(typing, at + 5) if c.kind == "field"} == inputs - sets, block.name


# ----------------------------------------------------------------------------- hover

def test_the_hover_of_a_unit_says_what_it_is_in_si(tmp_path: Path) -> None:
    """Law: every unit the examples write after a number has a hover (it had none) that names its dimension and its
    value in the SI unit results JSON gives, by hand: 1 kW = 1000 W; 1 USD/kWh = 1/(3.6e6 J) USD = 2.77778e-07
    USD/J; 1 U = 1.75 in = 0.04445 m; a temperature point is an offset, x degC = x + 273.15 K."""
    import re

    from compiler.lsp.analysis import unit_markdown

    text = (ROOT / "examples" / "flagship_campus.factory").read_text()
    analysis = Analysis(text, str(tmp_path / "u.factory"), str(tmp_path))
    assert len(analysis.units) >= 20
    for span, unit in analysis.units:
        shown, where = hover_markdown(analysis, span.start + 1)
        assert where == span and shown.startswith(f"**unit** `{unit}`: ") and "not a unit" not in shown, shown
        factor = re.search(rf"1 {re.escape(unit)} = (\S+) ", shown)
        from dsl.units import parse_unit
        assert factor is None or abs(float(factor.group(1)) / parse_unit(unit).factor - 1) < 1e-5, shown
    assert "1 kW = 1000 W (SI" in unit_markdown("kW")
    assert "1 USD/kWh = 2.77778e-07 USD/J" in unit_markdown("USD/kWh") and "price of energy" in unit_markdown("USD/kWh")
    assert "1 U = 0.04445 m" in unit_markdown("U")
    assert "x degC = x + 273.15 K" in unit_markdown("degC")


def test_the_hover_of_a_stdlib_part_shows_its_figures_with_their_sources(tmp_path: Path) -> None:
    """Law: hovering a stdlib part a spec places (`H100_SXM` in `chip gpu: H100_SXM x 8`) shows where it is defined
    and each figure its definition writes, as the stdlib file's line writes it, with the source its comment cites
    (document and date): read here from the file's own lines. It showed the doc string only, so a new user could
    not see the 700 W of a TDP nor where it comes from without opening the file."""
    import re

    from dsl import nodes as n

    text = (ROOT / "examples" / "enterprise_starter.factory").read_text()
    analysis = Analysis(text, str(tmp_path / "h.factory"), str(tmp_path))
    shown = 0
    for occ in analysis.occurrences:
        target = analysis.resolve(occ)
        if occ.role != "base" or not isinstance(target, n.Block) or target.name_span.file == analysis.path:
            continue
        hover, _ = hover_markdown(analysis, occ.span.start + 1)
        file = target.name_span.file.replace("<stdlib>", str(ROOT / "stdlib"))
        assert f"Defined at `{target.name_span.file}:{target.name_span.line}:" in hover
        lines = Path(file).read_text().splitlines()
        body = lines[target.span.line:target.span.end_line - 1]
        for line in body:
            m = re.match(r"\s*(let )?([a-z_]\w*) = (.*?)\s*(?:#\s*(.*))?$", line)
            if m:
                expected = f"- `{m.group(1) or ''}{m.group(2)} = {m.group(3)}`" + (f": {m.group(4)}" if m.group(4) else "")
                assert expected in hover.splitlines(), (expected, hover)
                shown += 1
    assert shown >= 10
    assert "- `tdp = 700 W`: configurable TDP. Llama 3.1 model card" in hover_markdown(
        analysis, text.index("H100_SXM x 8") + 1)[0]


# ----------------------------------------------------------------------------- quick fixes

# the commonest mistakes of a new user, each a change to the enterprise example: (what is replaced, by what)
MISTAKES = {
    "unit typo": ("power_limit = 25 kW", "power_limit = 25 kWW"),
    "unit spelt as elsewhere": ("power_limit = 25 kW", "power_limit = 25 KW"),
    "no unit": ("power_limit = 25 kW", "power_limit = 25"),
    "field typo": ("power_limit = 25 kW", "power_limt = 25 kW"),
    "name typo": ("x racks", "x rackz"),
    "kind typo": ("rack air_rack {", "rakc air_rack {"),
    "choice typo": ('cooling = "air"\n  height = 8 U', 'cooling = "ari"\n  height = 8 U'),
    "choice without quotes": ('cooling = "air"\n  height = 8 U', 'cooling = air\n  height = 8 U'),
    "import left out": ("from chips import H100_SXM, Xeon_8480C", "from chips import Xeon_8480C"),
    "imported name typo": ("from chips import H100_SXM, Xeon_8480C", "from chips import H100_SXM, Xeon_8480"),
    "module typo": ("from chips import", "from chipz import"),
    "temperature without unit": ("  land_price = 0 USD", "  land_price = 0 USD\n  ambient_temp = 30"),
    "keyword typo": ("param racks = 4", "parm racks = 4"),
    "keyword typo inside a block": ("  let gpus", "  lett gpus"),
    "assert typo": ("  assert sum(server.max_power) <= power_limit", "  asert sum(server.max_power) <= power_limit"),
    "from typo": ("from chips import H100_SXM", "form chips import H100_SXM"),
    "a value of the user's own": ("power_limit = 25 kW", "power_limit = 25 kW\n  spare_fans = 4"),
    "unit spelt out": ("power_limit = 25 kW", "power_limit = 25 kilowatts"),
    "single quotes": ('cooling = "air"\n  height = 8 U', "cooling = 'air'\n  height = 8 U"),
    "import typo": ("from chips import H100_SXM, Xeon_8480C", "from chips import H100_SXM, Xeon_8480C\nimprot network"),
}


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_a_quick_fix_clears_its_diagnostic_and_adds_none(tmp_path: Path, mistake: str) -> None:
    """Law: each of a new user's commonest mistakes gets a quick fix, and applying any quick fix offered removes the
    diagnostic it fixes and adds no error the spec did not have. (A misspelt choice, `"ari"`, was replaced by `air`
    without its quotes: an unknown name. A plain number where a quantity goes, `power_limit = 25`, and a choice
    written without quotes, `cooling = air`, had no fix. A misspelt keyword, `parm racks = 4`, was fixed by writing
    the keyword over the `=` the parser stopped at: `parm racks param 4`; `asert ...` and `form chips import ...` had no
    did-you-mean.) A help that shows what to write, applied, is right too."""
    import re
    from collections import Counter

    old, new = MISTAKES[mistake]
    source = (ROOT / "examples" / "enterprise_starter.factory").read_text()
    assert old in source
    text = source.replace(old, new, 1)
    path = str(tmp_path / "m.factory")
    analysis = Analysis(text, path, str(tmp_path))
    fixes = quick_fixes(analysis)
    assert fixes, [(d.code, d.message, d.help) for d in analysis.sink.items]
    errors_before = Counter(d.code for d in analysis.sink.errors)
    for diag, span, new_text, title, _how in fixes:
        fixed = text[:span.start] + new_text + text[span.end:]
        after = Analysis(fixed, path, str(tmp_path))
        assert not [d for d in after.sink.items if d.code == diag.code and d.message == diag.message], (title, fixed)
        added = Counter(d.code for d in after.sink.errors) - errors_before
        assert not added, (title, [(d.code, d.message) for d in after.sink.errors])
        if diag.code == "syntax-error" and errors_before["syntax-error"] == 1:   # (another error at the line is
            assert not [d for d in after.sink.errors if d.code == "syntax-error"], (title, fixed)  # not a fix)
    for diag in analysis.sink.items:              # a help that shows what to write (`like `30 degC``) is right too
        shown = re.search(r"like `([^`]+)`$", diag.help or "")
        if shown and diag.span.file == path:
            after = Analysis(text[:diag.span.start] + shown.group(1) + text[diag.span.end:], path, str(tmp_path))
            assert not [d for d in after.sink.items if d.code == diag.code], (diag.help, after.sink.items)
            assert not Counter(d.code for d in after.sink.errors) - errors_before, (diag.help, after.sink.errors)


@pytest.mark.parametrize("reach", ["document", "workspace"])
def test_prepare_rename_agrees_with_rename(tmp_path: Path, reach: str) -> None:
    """Law: at every name of a spec, prepareRename accepts exactly where rename with a fresh name succeeds, and the
    range it gives is the name under the cursor, one of the rename's edits; where it refuses, rename refuses with the
    same reason. (The server had no prepareRename: the editor asked for a new name over a field, a stdlib part or a
    keyword, and refused only after it was typed.) The same of the workspace-wide rename the server answers with."""
    from compiler.lsp import workspace
    from compiler.lsp.analysis import RenameRefused, rename_edits, rename_range

    if reach == "workspace":
        def rename_edits(analysis, offset, name):     # noqa: F811 - the workspace's, this file's edits
            return workspace.rename(analysis, offset, name, str(tmp_path))[analysis.path][1]

        def rename_range(analysis, offset):           # noqa: F811
            return workspace.rename_target(analysis, offset, str(tmp_path))

    text = SPEC.replace("  let draw", "  let share = draw / 2\n  let draw")
    analysis = Analysis(text, str(tmp_path.resolve() / "r.factory"), str(tmp_path))
    accepted = refused = 0
    for occ in analysis.occurrences:
        for offset in (occ.span.start, occ.span.end):
            try:
                edits = rename_edits(analysis, offset, "fresh_name")
            except RenameRefused as exc:
                try:
                    rename_range(analysis, offset)
                    raise AssertionError(f"prepareRename accepted {text[occ.span.start:occ.span.end]!r}")
                except RenameRefused as prepared:
                    assert str(prepared) == str(exc)
                refused += 1
                continue
            span, name = rename_range(analysis, offset)
            assert text[span.start:span.end] == name and span.start <= offset <= span.end
            assert span in [e for e, _ in edits]
            accepted += 1
    assert accepted >= 10 and refused >= 4


# ----------------------------------------------------------------------------- semantic tokens

def test_semantic_tokens_colour_each_name_by_what_it_means(tmp_path: Path) -> None:
    """Law: decoding the server's semantic tokens (five integers each, positions relative, UTF-16) gives, in document
    order and without overlap, one token per name and unit of the spec; each token's text is the name it colours,
    and its type is what the name refers to as go-to-definition finds it: a param `parameter` (readonly), a let
    `variable`, a field `property`, a definition or part `class` (`defaultLibrary` for the stdlib's), a unit
    `type`. An emoji in a string before tokens on the same line counts two units. (The server had no semantic
    tokens: a param and a let looked alike.)"""
    from dsl import nodes as n

    from compiler.lsp.analysis import TOKEN_MODIFIERS, TOKEN_TYPES
    from compiler.lsp.server import _encode_tokens

    text = SPEC.replace("  let draw = sum(server.max_power)",
                        '  let draw = sum(server.max_power)\n  let tag = if "🚀中" == "x" then draw else racks * 1 kW')
    analysis = Analysis(text, str(tmp_path / "s.factory"), str(tmp_path))
    assert analysis.sink.errors == []
    data = _encode_tokens(analysis)
    lines = text.splitlines()
    line = start = 0
    previous_end = (-1, -1)
    decoded = []
    for i in range(0, len(data), 5):
        d_line, d_start, length, kind, bits = data[i:i + 5]
        line, start = line + d_line, (start + d_start if d_line == 0 else d_start)
        units = lines[line].encode("utf-16-le")
        word = units[2 * start:2 * (start + length)].decode("utf-16-le")
        assert (line, start) >= previous_end, "tokens overlap or go backwards"
        previous_end = (line, start + length)
        mods = {m for j, m in enumerate(TOKEN_MODIFIERS) if bits >> j & 1}
        decoded.append((line, word, TOKEN_TYPES[kind], mods))
    by_word = {}
    for _line, word, kind, mods in decoded:
        by_word.setdefault(word, set()).add((kind, frozenset(mods)))
    assert by_word["racks"] == {("parameter", frozenset({"declaration", "readonly"})), ("parameter", frozenset({"readonly"}))}
    assert ("variable", frozenset({"declaration"})) in by_word["draw"] and ("variable", frozenset()) in by_word["draw"]
    assert by_word["H100_SXM"] == {("class", frozenset({"defaultLibrary"}))}
    assert ("property", frozenset({"declaration"})) in by_word["max_power"]
    assert {"kW", "USD/kWh"} <= {w for _l, w, k, _m in decoded if k == "type"}
    tag_line = next(i for i, l in enumerate(lines) if "let tag" in l)
    assert [w for l, w, _k, _m in decoded if l == tag_line] == ["tag", "draw", "racks", "kW"]
    # every token's type agrees with what the name resolves to
    kinds = {n.Block: "class", n.Field: "property", n.Let: "variable", n.Param: "parameter", n.Module: "namespace"}
    assert by_word["chips"] == {("namespace", frozenset())}          # the module an import reads
    expected = sorted((occ.span.line - 1, kinds[type(analysis.resolve(occ))]) for occ in analysis.occurrences
                      if type(analysis.resolve(occ)) in kinds)
    assert sorted((l, k) for l, _w, k, _m in decoded if k != "type") == expected


# ----------------------------------------------------------------------------- signature help

def test_signature_help_names_the_function_and_parameter_the_cursor_is_in(tmp_path: Path) -> None:
    """Law: inside a call of each built-in function (`dsl.check.FUNCTIONS`) the signature help is that function's,
    its label the one the checker's messages quote, each parameter a part of the label (LSP's rule for a parameter
    given as a string), and the active parameter the count of the call's own commas before the cursor (a nested
    call's do not count); outside a call, after it closes, or inside a string there is none. (There was no
    signature help: `clamp(` showed nothing of what it takes.)"""
    from dsl.check import FUNCTIONS

    from compiler.lsp.analysis import signature_at

    def at(typed: str):
        return signature_at(Analysis(typed, str(tmp_path / "s.factory"), str(tmp_path)), len(typed))
    for name, quoted in FUNCTIONS.items():
        found = at(f"let v = {name}(")
        assert found is not None and found.label == quoted.partition(": ")[0] and found.active == 0, name
        assert found.label.startswith(f"{name}(") and all(p in found.label for p in found.parameters), found
    assert at("let v = clamp(1 kW, ").active == 1
    assert at("let v = clamp(1 kW, max(2 kW, 3 kW), ").active == 2            # max's comma is max's own
    assert at("let v = clamp(1 kW, max(2 kW, ").label.startswith("max(")        # the innermost call
    assert at("let v = max(2, 3)") is None and at('let v = "sum(') is None and at("let v = 2 * (1 + ") is None


def test_the_units_offered_after_a_number_are_those_its_field_takes(tmp_path: Path) -> None:
    """Law: after `field = 1 ` in a block, for every quantity field of every kind, each unit completion offers has the
    field's dimension and is a temperature point exactly where the field is one, and the first one offered, accepted,
    gives no unit-mismatch or temperature-point error; the field's completion item says the dimension and the units
    it is most often written in. (A plain-number field, `overhead_fraction = 0.5 `, was offered every unit, W and GB
    first; a temperature point, `ambient_temp = 30 `, K, which the check refuses.)"""
    from dsl.schema import QuantityKind, kinds
    from dsl.units import DIMENSIONLESS, dimension_name, parse_unit

    from compiler.lsp.analysis import _field_detail

    checked, accepted_for = 0, set()
    for kind_name, spec in sorted(kinds().items()):
        for name, fspec in sorted(spec.fields.items()):
            if fspec.output or not isinstance(fspec.kind, QuantityKind):
                continue
            text = f"{kind_name} probe {{\n  {name} = 1 \n}}\n"
            analysis = Analysis(text, str(tmp_path / "u.factory"), str(tmp_path))
            offered = [c.label for c in completions(analysis, text.index("= 1 ") + 4)]
            assert offered, (kind_name, name)
            for unit in offered:
                parsed = parse_unit(unit)
                assert (parsed.dim, parsed.point) == (fspec.kind.dim, fspec.kind.point), (kind_name, name, unit)
            detail = _field_detail(kind_name, name)
            if fspec.kind.dim != DIMENSIONLESS and not fspec.kind.point:
                assert detail.startswith(dimension_name(fspec.kind.dim) + ": ") and offered[0] in detail, detail
            checked += 1
            if (fspec.kind.dim, fspec.kind.point, offered[0]) in accepted_for:
                continue                                  # (accepted once per dimension and unit: the test's time)
            accepted_for.add((fspec.kind.dim, fspec.kind.point, offered[0]))
            accepted = Analysis(text.replace("= 1 ", f"= 1 {offered[0]}"), str(tmp_path / "u.factory"), str(tmp_path))
            assert not [d for d in accepted.sink.errors if d.code in ("unit-mismatch", "temperature-point")], \
                (kind_name, name, offered[0], [d.message for d in accepted.sink.errors])
    assert checked >= 50 and len(accepted_for) >= 10


# ----------------------------------------------------------------------------- outline while typing

@pytest.mark.parametrize("typed", ["  rack extra: ", "  let x = (", "  chip g: H100_SXM x", '  cooling = "'])
def test_the_outline_stays_while_a_statement_is_half_typed(tmp_path: Path, typed: str) -> None:
    """Law: while the text does not parse, the outline is the last parsed version's (the server keeps it as the
    analysis's fallback), every symbol moved to where its text now is: each one's name range covers its name in the
    new text, and each range lies inside the new text. (The outline was empty for as long as a statement was half
    typed: it blinked away on every keystroke.) Typed at the top of a block, in the middle of the example, and on the
    last line."""
    from compiler.lsp.analysis import Symbol

    text = (ROOT / "examples" / "enterprise_starter.factory").read_text()
    path = str(tmp_path / "o.factory")
    parsed = Analysis(text, path, str(tmp_path))
    assert parsed.module is not None

    def flat(symbols: list[Symbol]) -> list[Symbol]:
        out = []
        for sym in symbols:
            out += [sym, *flat(sym.children)]
        return out
    names = [s.name for s in flat(parsed.symbols())]
    for at in (text.index("{\n") + 2, text.index("  rack gpu"), len(text)):
        broken = text[:at] + typed + "\n" + text[at:]
        typing = Analysis(broken, path, str(tmp_path))
        assert typing.module is None and typing.symbols() == []
        typing.fallback = parsed
        moved = flat(typing.outline())
        assert [s.name for s in moved] == names
        for sym in moved:
            assert broken[sym.selection.start:sym.selection.end] == sym.name, (sym.name, at)
            assert 0 <= sym.span.start <= sym.selection.start <= sym.selection.end <= sym.span.end <= len(broken)


def test_the_hover_of_a_built_in_function_says_what_it_computes(tmp_path: Path) -> None:
    """Law: hovering the name of each built-in function in a call shows it as the checker's messages quote it
    (`dsl.check.FUNCTIONS`), over the name; a name that is not a call, or a function's name inside a string or a
    comment, shows no function. (It showed nothing: `sum` in `sum(server.max_power)` was no name the index knew.)"""
    from dsl.check import FUNCTIONS

    for name, quoted in FUNCTIONS.items():
        text = f'let a = 2\nlet v = {name}(a)   # {name}(a)\nlet w = "{name}(a)"\n'
        analysis = Analysis(text, str(tmp_path / "f.factory"), str(tmp_path))
        shown, span = hover_markdown(analysis, text.index(f"{name}(") + 1)
        label, _, doc = quoted.partition(": ")
        assert shown == f"**function** `{label}`\n\n{doc}" and text[span.start:span.end] == name
        in_comment = hover_markdown(analysis, text.index(f"# {name}(") + 3)
        in_string = hover_markdown(analysis, text.index(f'"{name}(') + 2)
        assert in_comment is None and in_string is None, name


def test_completion_while_typing_reads_the_block_the_cursor_is_in(tmp_path: Path) -> None:
    """Law: while the buffer does not parse, the names completion offers are those of the block the cursor is in,
    read on the last version that parsed with the cursor moved to where that text was. (It used the cursor's offset
    in the new text on the old text: after some lines typed in rack `a`, that offset lay in rack `b`, whose names it
    offered.)"""
    text = "rack a {\n  let a_only = 1\n}\nrack b {\n  let b_only = 2\n}\n"
    path = str(tmp_path / "t.factory")
    parsed = Analysis(text, path, str(tmp_path))
    typed = "".join(f"  let v{i} = (\n" for i in range(8)) + "  let w = "
    at = text.index("}\nrack b")
    broken = text[:at] + typed + text[at:]
    typing = Analysis(broken, path, str(tmp_path))
    assert typing.module is None
    typing.fallback = parsed
    names = {c.label for c in completions(typing, at + len(typed)) if c.kind == "name"}
    assert "a_only" in names and "b_only" not in names, names


# ----------------------------------------------------------------------------- workspace symbols

def test_workspace_symbols_find_every_stdlib_definition_by_its_name() -> None:
    """Law: searching the workspace for a stdlib definition's name finds it, at its name on the line of
    stdlib/<module>.factory that defines it (`<kind> <name>`), read here from the file itself; a query matches a name
    whose letters it has in order, case ignored, and the names holding the query as written come first. (There were
    no workspace symbols: a new user could not find H100_SXM without knowing it lives in chips.factory.)"""
    from compiler.lsp.analysis import matches, stdlib_symbols

    every = stdlib_symbols("")
    assert len(every) >= 50
    for name, kind, module, span in every:
        lines = (ROOT / "stdlib" / f"{module}.factory").read_text(encoding="utf-8").splitlines()
        line = lines[span.line - 1]
        assert line.startswith(f"{kind} {name}") and line[span.col - 1:span.end_col - 1] == name, (name, line)
        assert name in [found[0] for found in stdlib_symbols(name)]
    assert matches("h1sxm", "H100_SXM") and not matches("sxmh", "H100_SXM") and matches("", "x")
    found = [name for name, *_ in stdlib_symbols("h100")]
    assert found[0].startswith("H100") and all("h100" in n.lower() for n in found[:3])


def test_a_hover_waiting_for_values_does_not_hold_the_server(tmp_path: Path) -> None:
    """Law: while a hover waits for an evaluation still running (up to `VALUE_WAIT_S`, its values), the server's
    event loop goes on running, so the keystrokes that arrive meanwhile are read and checked; the hover then answers
    with what it has (the field's doc and type) without the values. The evaluation is held running here by holding
    its lock from this thread; the loop's ticks of 10 ms are measured. (A hover ran on the server's thread and held
    every message behind it for 0.3 s: bench/bench_lsp.py's hover on a 2,000-line spec took 0.33 s.)"""
    import time

    from pygls.workspace import Workspace

    from compiler.lsp import server as lsp_server
    from compiler.lsp.analysis import VALUE_WAIT_S

    ls = lsp_server.FactoryServer()
    ls.protocol._workspace = Workspace(tmp_path.as_uri())
    uri = (tmp_path / "h.factory").as_uri()
    ls.workspace.put_text_document(t.TextDocumentItem(uri=uri, language_id="factory", version=1, text=SPEC))
    ls.open_uris.add(uri)
    analysis = ls.analysis(uri)
    params = t.HoverParams(text_document=t.TextDocumentIdentifier(uri=uri), position=_pos(SPEC, "max_power = 10", 2))

    async def hover_while_ticking():
        task = asyncio.ensure_future(lsp_server.hover(ls, params))
        gaps, last = [], time.perf_counter()
        while not task.done():
            await asyncio.sleep(0.01)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now
        return task.result(), gaps
    analysis._lock.acquire()                          # an evaluation still running
    try:
        answer, gaps = asyncio.run(hover_while_ticking())
    finally:
        analysis._lock.release()
    assert answer is not None and "**field** `max_power`" in answer.contents.value
    assert sum(gaps) >= VALUE_WAIT_S * 0.9 and len(gaps) >= 5 and max(gaps) < VALUE_WAIT_S * 2 / 3, gaps


def test_a_hover_never_runs_the_whole_evaluation_in_its_own_thread(tmp_path: Path) -> None:
    """Law: for an analysis the server evaluates in its stages (`background`), asking for values within a time
    (a hover's `results_within`) waits for that evaluation and never runs it in the asking thread: the answer is None
    when it is not done in time, the values once it is, and an evaluation no stage began is begun elsewhere. (A hover
    that found the evaluation not yet begun ran all of it itself: 3.2 s for one hover on a 2,000-line spec.)"""
    import threading

    analysis = Analysis(SPEC, str(tmp_path / "b.factory"), str(tmp_path))
    analysis.background = True
    analysis._lock.acquire()                          # a stage is evaluating it
    try:
        assert analysis.results_within(0.05) is None and not analysis._evaluated
    finally:
        analysis._lock.release()
    ran_in: list[str] = []
    original = analysis._evaluate_now

    def recording() -> None:
        ran_in.append(threading.current_thread().name)
        original()
    analysis._evaluate_now = recording
    assert analysis.results_within(30) is not None          # begun elsewhere, waited for
    assert ran_in and ran_in[0] != threading.current_thread().name


# ----------------------------------------------------------------------------- references and rename, workspace-wide

COMMON = '''from chips import H100_SXM

server hgx {
  chip gpu: H100_SXM x 8
  max_power = 10.2 kW
}

let budget = 30 kW
'''

IMPORTER = '''from "./common.factory" import hgx, budget

rack air_rack {
  server node: hgx x 2
  power_limit = budget
  let draw = sum(server.max_power)
  assert draw <= power_limit, "fits"
}

site office {
  electricity_price = 0.12 USD/kWh
  hall room {
    rack r: air_rack x 2
  }
}
'''

MODULE_IMPORTER = '''import "./common.factory" as c

rack big {
  server node: c.hgx x 1
  power_limit = c.budget
}
'''

UNRELATED = '''let budget = 5 kW

server hgx {
  max_power = 1 kW
}
'''


def _workspace(tmp: Path) -> Path:
    """common.factory defines hgx and budget; main.factory imports them by name, other.factory as a module (`c.hgx`);
    alone.factory defines its own of the same names and imports nothing."""
    (tmp / "common.factory").write_text(COMMON, encoding="utf-8")
    (tmp / "main.factory").write_text(IMPORTER, encoding="utf-8")
    (tmp / "other.factory").write_text(MODULE_IMPORTER, encoding="utf-8")
    (tmp / "alone.factory").write_text(UNRELATED, encoding="utf-8")
    return tmp


def _diagnosed(path: Path, buffers: dict[str, str]) -> list[tuple[str, str, str, int]]:
    """(severity, code, file, line) of what checking `path` reports, its text and its imports read from `buffers`
    first (a rename changes names, never lines)."""
    import dsl
    text = buffers.get(str(path.resolve()), path.read_text(encoding="utf-8"))
    _checked, sink = dsl.Session().check_text(text, str(path.resolve()), root=str(path.parent), buffers=buffers)
    return sorted((d.severity, d.code, Path(d.span.file).name, d.span.line) for d in sink.items if d.span is not None)


def test_references_are_the_places_the_resolver_binds_across_files(tmp_path: Path) -> None:
    """Law: the references of a definition are the places the checker binds to it, in every file of the workspace.
    The places are found without the editor: renaming the definition alone (its declaration, in common.factory)
    leaves exactly those places unbound, so each becomes an error (at the name's end) in the files that import it;
    the definition itself is the first reference. alone.factory's own `budget` and `hgx` are never among them."""
    from compiler.lsp.workspace import references

    root = _workspace(tmp_path.resolve())
    common = root / "common.factory"
    analysis = Analysis(COMMON, str(common), str(root))
    for name in ("hgx", "budget"):
        decl = COMMON.index(f"{name} ") if name == "hgx" else COMMON.index("budget")
        places = references(analysis, decl, str(root))
        assert (Path(places[0][0].path), places[0][1].start) == (common, decl)
        found = {(Path(a.path).name, s.line, s.end_col) for a, s in places[1:]}
        hidden = {str(common): COMMON[:decl] + "zz_" + COMMON[decl:]}
        unbound = set()
        for importer in ("main.factory", "other.factory", "alone.factory"):
            before = set(_diagnosed(root / importer, {}))
            for d in dsl_items(root / importer, hidden):
                if (d.severity, d.code, Path(d.span.file).name, d.span.line) not in before:
                    unbound.add((Path(d.span.file).name, d.span.line, d.span.end_col))
            # a name its import cannot bind is said once, at the import (session 18): the uses are the places left
            # unbound when the import names the hidden definition (`from ... import zz_hgx`)
            text = (root / importer).read_text(encoding="utf-8")
            imports = re.sub(rf"^(from .* import .*)\b{name}\b", rf"\g<1>zz_{name}", text, flags=re.M)
            if imports != text:
                renamed = root / f"renamed_{importer}"
                renamed.write_text(imports, encoding="utf-8")
                for d in dsl_items(renamed, hidden):
                    if (d.severity, d.code, importer, d.span.line) not in before and d.code == "unknown-name":
                        unbound.add((importer, d.span.line, d.span.end_col))
                renamed.unlink()
        assert found == unbound and len(found) >= 3, (name, found, unbound)
    # from a use in another file: the same places
    main = root / "main.factory"
    from_use = references(Analysis(IMPORTER, str(main), str(root)), IMPORTER.index("budget\n"), str(root))
    assert {(Path(a.path).name, s.start) for a, s in from_use} == {
        (Path(a.path).name, s.start) for a, s in references(analysis, COMMON.index("budget"), str(root))}
    without = references(analysis, COMMON.index("budget"), str(root), include_declaration=False)
    assert [(a.path, s.start) for a, s in without] == [(a.path, s.start) for a, s in from_use[1:]]


def dsl_items(path: Path, buffers: dict[str, str]) -> list:
    import dsl
    text = path.read_text(encoding="utf-8")
    return dsl.Session().check_text(text, str(path), root=str(path.parent), buffers=buffers)[1].items


def _apply_workspace(edits: dict) -> dict[str, str]:
    out = {}
    for path, (analysis, file_edits) in edits.items():
        text = analysis.text
        for span, new in sorted(file_edits, key=lambda e: -e[0].start):
            text = text[:span.start] + new + text[span.end:]
        out[path] = text
    return out


def test_a_workspace_rename_edits_every_importer_and_keeps_the_diagnostics(tmp_path: Path) -> None:
    """Law: renaming a definition edits its file and every file that imports it (open or on disk) and no other, and
    checking each file afterwards gives the diagnostics it gave before. A rename that would break the workspace is
    refused with its reason: a clash (a name main.factory defines), a keyword, a built-in function, a definition of
    the standard library, a field."""
    from compiler.lsp.analysis import RenameRefused
    from compiler.lsp.workspace import rename, rename_target

    root = _workspace(tmp_path.resolve())
    main = root / "main.factory"
    analysis = Analysis(IMPORTER, str(main), str(root))
    before = {name: _diagnosed(root / name, {}) for name in ("common.factory", "main.factory", "other.factory")}
    for at, new in (("hgx x 2", "dgx"), ("budget\n", "rack_budget")):
        edits = rename(analysis, IMPORTER.index(at), new, str(root))
        assert sorted(Path(p).name for p in edits) == ["common.factory", "main.factory", "other.factory"]
        renamed = _apply_workspace(edits)
        assert all(new in text for text in renamed.values())
        for name, diagnosed in before.items():
            assert _diagnosed(root / name, renamed) == diagnosed, (new, name)
    refusals = {("hgx x 2", "air_rack"): "duplicate-definition", ("hgx x 2", "if"): "not a name",
                ("budget\n", "sum"): "built-in function", ("max_power)", "x2"): "is a field"}
    for (at, new), reason in refusals.items():
        with pytest.raises(RenameRefused, match=reason):
            rename(analysis, IMPORTER.index(at), new, str(root))
    common = Analysis(COMMON, str(root / "common.factory"), str(root))
    with pytest.raises(RenameRefused, match="standard library"):
        rename_target(common, COMMON.index("H100_SXM x"), str(root))


@pytest.mark.parametrize("example", ["enterprise_starter.factory", pytest.param(
    "flagship_campus.factory", marks=pytest.mark.slow), pytest.param("inference_shootout.factory",
                                                                     marks=pytest.mark.slow)])
def test_renaming_any_definition_of_an_example_keeps_its_diagnostics(tmp_path: Path, example: str) -> None:
    """Law, on an example (each imports the stdlib): renaming any of its own definitions to a fresh name, then checking,
    gives the same diagnostics at the same lines as before; renaming a stdlib definition it imports is refused."""
    from compiler.lsp.analysis import RenameRefused
    from compiler.lsp.workspace import rename
    from dsl import nodes as n

    text = (ROOT / "examples" / example).read_text(encoding="utf-8")
    path = tmp_path.resolve() / example
    path.write_text(text, encoding="utf-8")
    analysis = Analysis(text, str(path), str(tmp_path))
    before = _diagnosed(path, {})
    renamed = stdlib = 0
    for occ in analysis.occurrences:
        if occ.role == "definition" and not isinstance(occ.node, (n.Field,)):
            edits = rename(analysis, occ.span.start, "fresh_name_1", str(tmp_path))
            assert _diagnosed(path, _apply_workspace(edits)) == before, text[occ.span.start:occ.span.end]
            renamed += 1
        elif occ.role == "imported":
            with pytest.raises(RenameRefused, match="standard library"):
                rename(analysis, occ.span.start, "fresh_name_1", str(tmp_path))
            stdlib += 1
    assert renamed >= 5 and stdlib >= 1


# ----------------------------------------------------------------------------- folding ranges

@pytest.mark.parametrize("example", ["flagship_campus.factory", "inference_shootout.factory"])
def test_every_block_folds_from_its_header_to_the_line_before_its_brace(example: str) -> None:
    """Law: each block of an example written over several lines folds from its header's line to the line before its
    closing brace (which stays shown); the doc string and each run of two or more comment lines fold as comments; the
    folds nest or are apart, never cross. Half typed (the file cut in the middle of a block), the blocks already
    closed still fold."""
    from compiler.lsp.analysis import folding_ranges
    from dsl import nodes as n

    text = (ROOT / "examples" / example).read_text(encoding="utf-8")
    analysis = Analysis(text, str(ROOT / "examples" / example), str(ROOT / "examples"))
    folds = folding_ranges(text)
    regions = {(f.start_line, f.end_line) for f in folds if f.kind == "region"}
    blocks = {(stmt.span.line - 1, stmt.span.end_line - 2) for stmt, _ in analysis.statements
              if isinstance(stmt, n.Block) and stmt.span.end_line - 2 > stmt.span.line - 1}
    assert blocks and blocks <= regions
    lines = text.split("\n")
    comments = {(f.start_line, f.end_line) for f in folds if f.kind == "comment"}
    for start, end in comments:
        run = lines[start:end + 1]
        assert run[0].lstrip().startswith('"""') or all(line.lstrip().startswith("#") for line in run)
    for a in folds:
        for b in folds:
            assert not (a.start_line < b.start_line <= a.end_line < b.end_line), (a, b)
    cut = text.rfind("\n", 0, len(text) * 2 // 3) + 1
    half = folding_ranges(text[:cut] + "    let half = (")
    assert {(f.start_line, f.end_line) for f in half if f.kind == "region"} >= {
        r for r in blocks if r[1] + 1 < text.count("\n", 0, cut)}     # (its brace kept)


def test_brackets_in_strings_and_comments_fold_nothing() -> None:
    from compiler.lsp.analysis import folding_ranges

    text = 'rack a {\n  # { not a block\n  let s = "{ ["\n  power_limit = 1 kW\n}\n'
    assert [(f.start_line, f.end_line, f.kind) for f in folding_ranges(text)] == [(0, 3, "region")]


# ----------------------------------------------------------------------------- code lens

LENS_SPEC = '''from systems import DGX_H200
from models import Llama2_70B

inference svc {
  model = Llama2_70B
  system = DGX_H200
  accelerators = 8
  scenario = "server"
}

site s {
  inference a: svc
  inference solo {
    model = Llama2_70B
    system = DGX_H200
    accelerators = 8
    scenario = "offline"
  }
}
'''


async def _lens_session(spec: Path) -> tuple[list, object]:
    client = LanguageClient("factory-test", "1")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    await client.start_io(sys.executable, "-m", "compiler.cli", "lsp", cwd=str(ROOT), env=env)
    try:
        await client.initialize_async(t.InitializeParams(capabilities=t.ClientCapabilities(),
                                                         root_uri=spec.parent.as_uri()))
        client.initialized(t.InitializedParams())
        client.text_document_did_open(t.DidOpenTextDocumentParams(text_document=t.TextDocumentItem(
            uri=spec.as_uri(), language_id="factory", version=1, text=LENS_SPEC)))
        lenses: list = []
        for _ in range(100):                      # none until the evaluation is ready
            lenses = await client.text_document_code_lens_async(t.CodeLensParams(
                text_document=t.TextDocumentIdentifier(uri=spec.as_uri()))) or []
            if lenses:
                break
            await asyncio.sleep(0.2)
        explained = None
        if lenses:
            explained = await client.workspace_execute_command_async(t.ExecuteCommandParams(
                command=lenses[-1].command.command, arguments=lenses[-1].command.arguments))
        await client.shutdown_async(None)
        client.exit(None)
    finally:
        await _stop(client)
    return lenses, explained


def test_a_workload_lens_shows_its_headline_figures_and_explains_them(tmp_path: Path) -> None:
    """Law: above each workload the document places, a lens shows its throughput and cost per Mtok as an independent
    evaluation of the spec computes them (formatted as `factory eval` prints them), and its command answers with what
    `factory explain SPEC <workload>.tokens_per_s` prints."""
    from compiler import evaluate_files
    from compiler.display import format_quantity
    from compiler.explain import derivation, render_text

    spec = tmp_path / "lens.factory"
    spec.write_text(LENS_SPEC, encoding="utf-8")
    lenses, explained = asyncio.run(_lens_session(spec))
    results, sink = evaluate_files([str(spec)], {}, None, True)
    assert {lens.command.arguments[1] for lens in lenses} == {
        "svc.tokens_per_s", "s.a.tokens_per_s", "s.solo.tokens_per_s"}
    for lens in lenses:
        workload = lens.command.arguments[1].rpartition(".")[0]
        for output in ("tokens_per_s", "usd_per_mtok"):
            path = f"{workload}.{output}"
            shown = format_quantity(float(results.values[path].flat[0]), results.units[path],
                                    results.graph.nodes[path].display)
            assert shown in lens.command.title, (shown, lens.command.title)
        assert lens.range.start.line == _pos(LENS_SPEC, f"inference {workload.rpartition('.')[2]}", 10).line
    assert explained == render_text(derivation(results, "s.solo.tokens_per_s", sink.sources))
