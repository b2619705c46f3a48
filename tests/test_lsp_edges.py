"""The language server at the edges of what an editor sends it (session 13, s13-editor2), in process, against
`compiler.lsp.server`'s request handlers as pygls calls them:

- positions follow LSP's line breaks (`\\n`, `\\r\\n` and a lone `\\r` alike), so an edit the server sends lands where it
  means to in a document with a lone `\\r` (in a string or a comment: the editor starts a line there);
- a quick fix writes the document's own line ending (a CRLF document gets no bare `\\n`);
- a file-watcher event for a path the file system cannot name (a NUL byte) is ignored, not an error shown.
"""
from __future__ import annotations

import asyncio
import os
import re
from pathlib import Path

import pytest
from lsprotocol import types as t
from pygls.workspace import Workspace

from compiler.lsp import server as lsp_server
from compiler.lsp.analysis import Analysis, quick_fixes

ROOT = Path(__file__).resolve().parents[1]


def _server(tmp: Path, files: dict[str, str]) -> tuple[lsp_server.FactoryServer, dict[str, str]]:
    ls = lsp_server.FactoryServer()
    ls.protocol._workspace = Workspace(tmp.as_uri())
    uris = {}
    for name, text in files.items():
        (tmp / name).write_text(text, encoding="utf-8", newline="")
        uri = (tmp / name).as_uri()
        ls.workspace.put_text_document(t.TextDocumentItem(uri=uri, language_id="factory", version=1, text=text))
        ls.open_uris.add(uri)
        uris[name] = uri
    return ls, uris


def _lsp_lines(text: str) -> list[str]:
    """The document's lines as an editor splits them (LSP 3.17: `\\n`, `\\r\\n` or `\\r` ends a line)."""
    return re.split(r"\r\n|\r|\n", text)


def _apply(text: str, edits: list[t.TextEdit]) -> str:
    """Apply edits as an editor does: each position counted in the editor's own lines (UTF-16 code units)."""
    starts, at = [0], 0
    for m in re.finditer(r"\r\n|\r|\n", text):
        starts.append(m.end())

    def offset(p: t.Position) -> int:
        if p.line >= len(starts):
            return len(text)
        line_end = starts[p.line + 1] if p.line + 1 < len(starts) else len(text)
        line = text[starts[p.line]:line_end].rstrip("\r\n")
        units, col = 0, 0
        while col < len(line) and units < p.character:
            units += 2 if ord(line[col]) > 0xFFFF else 1
            col += 1
        return starts[p.line] + col
    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[:offset(e.range.start)] + e.new_text + text[offset(e.range.end):]
    del at
    return text


LONE_CR = {
    "in a string": 'let s = "a\rb"\nlet   c = 1\n',
    "two in strings": 'let s = "a\r\rb"\nlet t = "c\rd"\nparam   a = 1\n',
    "in a doc string": '"""a spec\rof two lines"""\n\nparam   a = 1\n',
}


@pytest.mark.parametrize("case", sorted(LONE_CR))
def test_formatting_a_document_with_a_lone_cr_gives_what_fmt_gives(tmp_path: Path, case: str) -> None:
    """Law: the formatting edit, applied as the editor applies it, gives `factory fmt`'s text. (The server counted
    lines at `\\n` only while the editor also breaks at a lone `\\r`: the edit's end fell a line short for each lone
    `\\r`, and the text after it was kept twice.)"""
    from dsl.format import format_text

    text = LONE_CR[case]
    ls, uris = _server(tmp_path, {"f.factory": text})
    params = t.DocumentFormattingParams(text_document=t.TextDocumentIdentifier(uri=uris["f.factory"]),
                                        options=t.FormattingOptions(tab_size=2, insert_spaces=True))
    edits = lsp_server.formatting(ls, params)
    want = format_text(text).text
    assert want != text and edits
    assert _apply(text, edits) == want


def test_a_diagnostic_after_a_lone_cr_is_placed_on_the_editors_line(tmp_path: Path) -> None:
    """Law: a diagnostic's range, read in the editor's lines, covers the text the check's span covers."""
    text = 'let s = "x\ry"\nlet t = "\r\r"\nlet b = nope + 1\n'
    ls, uris = _server(tmp_path, {"f.factory": text})
    analysis = ls.analysis(uris["f.factory"])
    diags = [d for d in analysis.sink.items if d.span is not None]
    assert diags
    lines = _lsp_lines(text)
    for d in diags:
        r = lsp_server._range(analysis, d.span)
        assert r.start.line == r.end.line
        assert lines[r.start.line][r.start.character:r.end.character] == text[d.span.start:d.span.end]
        assert lsp_server._offset(analysis, r.start) == d.span.start


def test_a_quick_fix_in_a_crlf_document_writes_crlf(tmp_path: Path) -> None:
    """Law: every line a quick fix adds to a CRLF document ends in CRLF (an import left out and a required field
    left out, both fixed by inserting a line: the line ended in a bare `\\n`, a mixed file)."""
    source = (ROOT / "examples" / "enterprise_starter.factory").read_text()
    text = source.replace("from chips import H100_SXM, Xeon_8480C", "from chips import Xeon_8480C", 1)
    text = text.replace("\n", "\r\n") + "chip c {\r\n  vendor = \"x\"\r\n}\r\n"
    analysis = Analysis(text, str(tmp_path / "m.factory"), str(tmp_path))
    inserts = [f for f in quick_fixes(analysis) if f[4] == "insert"]
    assert len(inserts) >= 2, [(d.code, d.message) for d in analysis.sink.items]
    for _diag, span, new_text, title, _how in inserts:
        fixed = text[:span.start] + new_text + text[span.end:]
        assert not re.search(r"(?<!\r)\n", fixed), (title, new_text)


def test_a_watched_file_event_with_a_nul_byte_in_its_path_is_ignored(tmp_path: Path) -> None:
    """A `didChangeWatchedFiles` event whose path holds a NUL byte (`%00` in its URI: no file system names it)
    changes nothing and raises nothing (it raised `ValueError: embedded null byte`, which pygls shows the user)."""
    ls, uris = _server(tmp_path, {"a.factory": "let a = 1\n"})
    ls.analysis(uris["a.factory"])
    for kind in (t.FileChangeType.Created, t.FileChangeType.Changed, t.FileChangeType.Deleted):
        params = t.DidChangeWatchedFilesParams(changes=[
            t.FileEvent(uri=(tmp_path / "b.factory").as_uri().replace("b.factory", "b%00.factory"), type=kind)])
        asyncio.run(lsp_server.did_change_watched_files(ls, params))


def test_every_quick_fix_is_offered_where_its_diagnostic_is(tmp_path: Path) -> None:
    """Law: a code-action request for the range of a diagnostic (the cursor on its squiggle, as the editor asks)
    offers every quick fix of that diagnostic. (A fix that inserts a line elsewhere, the missing import at the top
    or the required field below the header, or replaces another word, the misspelt keyword, was offered only when the
    cursor was where the edit goes.)"""
    source = (ROOT / "examples" / "enterprise_starter.factory").read_text()
    texts = {"m.factory": source.replace("from chips import H100_SXM, Xeon_8480C", "from chips import Xeon_8480C", 1)
             + 'chip c {\n  vendor = "x"\n}\n',
             "k.factory": source.replace("param racks = 4", "parm racks = 4", 1)}
    ls, uris = _server(tmp_path, texts)
    hows = set()
    for name, uri in uris.items():
        analysis = ls.analysis(uri)
        fixes = quick_fixes(analysis)
        assert fixes, name
        for diag, _span, _new, title, how in fixes:
            hows.add(how)
            rng = lsp_server._range(analysis, diag.span)
            actions = lsp_server.code_actions(ls, t.CodeActionParams(
                text_document=t.TextDocumentIdentifier(uri=uri), range=rng,
                context=t.CodeActionContext(diagnostics=[lsp_server._diagnostic(diag, analysis)])))
            assert title in [a.title for a in actions or []], (title, diag.code, diag.message)
    assert hows == {"insert", "replace"}


def test_go_to_definition_on_an_imported_module_opens_its_file(tmp_path: Path) -> None:
    """Go to definition on the module of an import (`chips` in `from chips import H100_SXM`, `network` in
    `import network as net`, `"./common.factory"`) opens that file, stdlib or the user's, as on a name it defines;
    hover on it says which file it is. (Both answered nothing.)"""
    main = ('from chips import H100_SXM\nimport network as net\nfrom "./common.factory" import budget\n'
            'let tdp_sum = H100_SXM.tdp + budget\n')
    ls, uris = _server(tmp_path, {"common.factory": "let budget = 30 W\n", "main.factory": main})
    doc = t.TextDocumentIdentifier(uri=uris["main.factory"])
    ls.analysis(uris["main.factory"])
    for line, character, file in ((0, 7, "stdlib/chips.factory"), (1, 9, "stdlib/network.factory"),
                                  (2, 8, str(tmp_path.name) + "/common.factory")):
        position = t.Position(line=line, character=character)
        found = lsp_server.definition(ls, t.DefinitionParams(text_document=doc, position=position))
        assert found and found[0].uri.endswith(file), (line, found)
        hover = asyncio.run(lsp_server.hover(ls, t.HoverParams(text_document=doc, position=position)))
        assert hover is not None and Path(file).name in hover.contents.value, (line, hover)


def test_an_import_completes_the_modules_and_the_names_they_define(tmp_path: Path) -> None:
    """Completion in an import: after `from` or `import` the stdlib's modules; after `from chips import` (and after
    `H100_SXM, `) the names the module defines that the line does not import yet, with their kind; the same for a
    file of the user's (`from "./common.factory" import`). (It offered nothing there, and the expression keywords,
    `if`, `then`, once a name was begun.)"""
    from compiler.lsp.analysis import completions
    from dsl.resources import stdlib_modules

    (tmp_path / "common.factory").write_text('let budget = 30 W\nrack spare {\n  power_limit = 1 kW\n}\n')

    def labels(text: str) -> list[str]:
        analysis = Analysis(text, str(tmp_path / "m.factory"), str(tmp_path))
        return [c.label for c in completions(analysis, text.index("|"))]
    assert labels("from |\n") == labels("import |\n") == labels("from ch|\n") == stdlib_modules()
    chips = labels("from chips import |\n")
    assert "H100_SXM" in chips and "B200" in chips and "if" not in chips
    assert "H100_SXM" in labels("from chips import H1|\n")
    assert "H100_SXM" not in labels("from chips import H100_SXM, |\n") and "B200" in labels(
        "from chips import H100_SXM, |\n")
    assert set(labels('from "./common.factory" import |\n')) == {"budget", "spare"}


@pytest.mark.parametrize("before", ["does not parse", "missing"])
def test_an_open_document_is_checked_again_once_its_import_is_mended_on_disk(tmp_path: Path, before: str) -> None:
    """Law: mid.factory open, its import base.factory on disk only and not loadable (a text that does not parse, or
    no file there), then base written on disk as it should be (a `git checkout`, another program) and the file watcher
    told: the diagnostics published for mid (and those found in base) are then a fresh server's, and the analysis
    the server keeps for mid is stale as soon as base changed, notification or not (a hover or an editor without a
    watcher). (`Analysis.disk` held the stamps of the loaded imports alone, so `stale` stayed False in both cases;
    and the watcher re-checked only documents with a missing import or a loaded one changed: for a base that did
    not parse, mid kept `budget` unknown until the user typed in it. A missing base was re-checked by the watcher.)"""
    tmp_path = tmp_path.resolve()
    base, mid = tmp_path / "base.factory", tmp_path / "mid.factory"
    mid.write_text('from "./base.factory" import budget\n\nlet b = budget * 2\n', encoding="utf-8")
    if before == "does not parse":
        base.write_text("param budget = {{\n", encoding="utf-8")

    def opened() -> tuple[lsp_server.FactoryServer, dict[str, list]]:
        ls = lsp_server.FactoryServer()
        ls.protocol._workspace = Workspace(tmp_path.as_uri())
        published: dict[str, list] = {}
        ls.text_document_publish_diagnostics = lambda p: published.__setitem__(
            p.uri, [(d.code, d.message, d.range.start.line, d.range.start.character) for d in p.diagnostics])
        ls.workspace.put_text_document(t.TextDocumentItem(uri=mid.as_uri(), language_id="factory", version=1,
                                                          text=mid.read_text(encoding="utf-8")))
        ls.open_uris.add(mid.as_uri())
        asyncio.run(ls.publish_in_stages(mid.as_uri()))
        return ls, published

    ls, published = opened()
    # (a missing import is said once, at its line; a base that does not parse has its error in base, and mid's use of
    # `budget` is mid's sign of it: session 18, tests/test_editor_hunt18.py)
    said = "unknown-name" if before == "does not parse" else "import-not-found"
    assert any(code == said for code, *_ in published[mid.as_uri()])
    base.write_text("param budget = 10\n", encoding="utf-8")
    stamp = 2_000_000_000_000_000_000           # (a stamp no earlier write had, whatever the clock's resolution)
    os.utime(base, ns=(stamp, stamp))
    analysis = ls.analyses[mid.as_uri()]
    assert analysis.stale(analysis.text, ls.buffers(mid.as_uri()))
    published.clear()
    kind = t.FileChangeType.Changed if before == "does not parse" else t.FileChangeType.Created
    asyncio.run(lsp_server.did_change_watched_files(ls, t.DidChangeWatchedFilesParams(
        changes=[t.FileEvent(uri=base.as_uri(), type=kind)])))
    _fresh, fresh = opened()
    assert fresh[mid.as_uri()] == []
    assert published.get(mid.as_uri()) == fresh[mid.as_uri()]
    assert published.get(base.as_uri(), []) == fresh.get(base.as_uri(), [])


LATE = '''param margin = 1 kW

server base {
  max_power = 10 kW
  let budget = max_power + margin
}

server big extends base {
  max_power = 20 kW
}

server wide extends base {
  let margin = 3 kW
}

rack r {
  server a: base x 1
  server b: big x 1
  server c: wide x 1
  power_limit = 100 kW
}
'''


def test_a_name_in_an_inherited_formula_leads_to_the_members_the_derived_blocks_read(tmp_path: Path) -> None:
    """Formulas bind late (docs/language.md): `budget = max_power + margin` written in `base` reads, evaluated in
    `big`, big's own `max_power` (20 kW + 1 kW = 21 kW) and, in `wide`, wide's `let margin` (10 kW + 3 kW = 13 kW),
    not the base's field nor the param. Go-to-definition on those names in the base's formula gave only the base's
    binding (line 4, the param on line 1) and hover showed only its value, so the editor named a figure the derived
    blocks' formula never reads. Now both name the base's binding and then each member a derived block reads."""
    ls, uris = _server(tmp_path, {"late.factory": LATE})
    doc = t.TextDocumentIdentifier(uri=uris["late.factory"])
    analysis = ls.analysis(uris["late.factory"])
    values = analysis.results_within(60).values
    assert values["r.b.budget"] == pytest.approx(21e3) and values["r.c.budget"] == pytest.approx(13e3)
    line = LATE.splitlines().index("  let budget = max_power + margin")
    expected = {"max_power": ([3, 8], "20 kW"), "margin": ([0, 12], "3 kW")}
    for name, (lines, late_value) in expected.items():
        position = t.Position(line=line, character=LATE.splitlines()[line].index(name) + 1)
        found = lsp_server.definition(ls, t.DefinitionParams(text_document=doc, position=position))
        assert [loc.range.start.line for loc in found or []] == lines, (name, found)
        hover = asyncio.run(lsp_server.hover(ls, t.HoverParams(text_document=doc, position=position)))
        assert hover is not None and "bind late" in hover.contents.value and late_value in hover.contents.value, \
            (name, hover)
    # a name the derived blocks do not rebind (a placement `a: base` reads the base's own) adds nothing
    plain = Analysis("server base {\n  max_power = 10 kW\n  let budget = max_power * 2\n}\nrack r {\n"
                     "  server a: base x 1\n  power_limit = 30 kW\n}\n", str(tmp_path / "plain.factory"))
    occ = plain.at(plain.text.index("max_power * 2"))
    assert plain.late_targets(occ) == []
