"""The workspace index (`compiler.lsp.index`): find-references, rename and workspace symbols read the workspace's files
from it, kept between requests, where the full scan (`compiler.lsp.workspace` without an index) reads and checks them
on each request.

The law: on a generated workspace of many files (a base file, files that import it by name and as a module, files
that import those, files that define the same names and import nothing), after random edits (open documents typed
in, opened and closed; files on disk changed, created and deleted, each told to the index as the editor's watcher
tells the server), every references and rename answer the index gives equals the full scan's, from any name of any
file. And the index does its work once: asked again with nothing changed, it checks no file.
"""
from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from compiler.lsp.analysis import Analysis, RenameRefused
from compiler.lsp.index import WorkspaceIndex
from compiler.lsp.workspace import references, rename

BASE = '''from chips import H100_SXM

server hgx {
  chip gpu: H100_SXM x 8
  max_power = 10.2 kW
}

let budget = 30 kW
param share = 0.5
'''

BY_NAME = '''from "./base.factory" import hgx, budget

rack rack_{i} {{
  server node: hgx x {n}
  power_limit = budget
  let draw_{i} = sum(server.max_power)
  assert draw_{i} <= power_limit, "fits"
}}
'''

AS_MODULE = '''import "./base.factory" as c

rack rack_{i} {{
  server node: c.hgx x {n}
  power_limit = c.budget * 2
  let draw_{i} = sum(server.max_power)
}}
'''

TOP = '''from "./mid_{i}.factory" import rack_{i}

site campus_{j} {{
  electricity_price = 0.12 USD/kWh
  hall room {{
    rack r: rack_{i} x {n}
  }}
}}
'''

ALONE = '''let budget = 5 kW

server hgx {
  max_power = 1 kW
}

rack rack_0 {
  server node: hgx x 1
}
'''


def _workspace(root: Path, rng: random.Random) -> None:
    (root / "base.factory").write_text(BASE, encoding="utf-8")
    for i in range(4):
        template = BY_NAME if i % 2 == 0 else AS_MODULE
        (root / f"mid_{i}.factory").write_text(template.format(i=i, n=rng.randint(1, 4)), encoding="utf-8")
    for j in range(4):
        (root / f"top_{j}.factory").write_text(TOP.format(i=j % 4, j=j, n=rng.randint(1, 3)), encoding="utf-8")
    for k in range(2):
        (root / f"alone_{k}.factory").write_text(ALONE, encoding="utf-8")
    sub = root / "sub"
    sub.mkdir()
    (sub / "far.factory").write_text('import "../base.factory" as b\n\nlet spare = b.budget\n', encoding="utf-8")


# each edit of a text: what a user types (a figure, a new use of a name, a name misspelt, a line removed, a comment)
EDITS = [
    lambda text, rng: text.replace("x 2", f"x {rng.randint(3, 9)}", 1),
    lambda text, rng: text + f"\nlet extra_{rng.randint(0, 99)} = budget * 2\n",
    lambda text, rng: text.replace("budget", "budgte", 1),
    lambda text, rng: text.replace("hgx", "hgx_renamed", 1),
    lambda text, rng: "\n".join(line for line in text.splitlines() if "power_limit" not in line) + "\n",
    lambda text, rng: "# edited\n" + text,
    lambda text, rng: text.replace("let budget = 30 kW", "let budget = 30 kW\nlet budget2 = budget", 1),
    lambda text, rng: text.replace("{", "{{", 1),          # a text that does not parse
]


class _Workspace:
    """The workspace's disk and open documents, changed at random; every change told to the index."""

    def __init__(self, root: Path, index: WorkspaceIndex, rng: random.Random):
        self.root, self.index, self.rng = root, index, rng
        self.buffers: dict[str, str] = {}            # real path -> text of each open document
        self.clock = 1_700_000_000_000_000_000        # each write gets its own modification time (ns)

    def files(self) -> list[str]:
        return sorted(str(p.resolve()) for p in self.root.rglob("*.factory"))

    def text(self, path: str) -> str:
        return self.buffers[path] if path in self.buffers else Path(path).read_text(encoding="utf-8")

    def write(self, path: str, text: str) -> None:
        Path(path).write_text(text, encoding="utf-8")
        self.clock += 1_000_000
        os.utime(path, ns=(self.clock, self.clock))

    def step(self) -> str:
        rng, files = self.rng, self.files()
        path = rng.choice(files)
        what = rng.choice(["type", "type", "open", "close", "disk", "disk", "create", "delete"])
        if what == "type" or (what == "open" and path in self.buffers):
            self.buffers[path] = rng.choice(EDITS)(self.text(path), rng)
            self.index.changed(path)                  # didChange
        elif what == "open":
            self.buffers[path] = self.text(path)
            self.index.changed(path)                  # didOpen
        elif what == "close":
            if self.buffers:
                path = rng.choice(sorted(self.buffers))
                del self.buffers[path]
                self.index.changed(path)              # didClose
        elif what == "disk":
            self.write(path, rng.choice(EDITS)(Path(path).read_text(encoding="utf-8"), rng))
            self.index.changed(path)                  # didChangeWatchedFiles: changed
        elif what == "create":
            new = str(self.root.resolve() / f"new_{rng.randint(0, 999)}.factory")
            template = rng.choice([BY_NAME, AS_MODULE])
            self.write(new, template.format(i=rng.randint(10, 99), n=rng.randint(1, 4)))
            self.index.created(new)                   # didChangeWatchedFiles: created
        elif what == "delete" and not path.endswith("base.factory"):
            os.remove(path)
            self.buffers.pop(path, None)
            self.index.deleted(path)                  # didChangeWatchedFiles: deleted
        return f"{what} {Path(path).name}"

    def request_from(self, path: str) -> Analysis:
        """The analysis of `path` as the server has it for an open document (its buffers: the other open ones)."""
        return Analysis(self.text(path), path, os.path.dirname(path), None,
                        {p: t for p, t in self.buffers.items() if p != path})


def _places(found: list) -> list[tuple[str, int, int]]:
    return [(os.path.realpath(a.path), span.start, span.end) for a, span in found]


def _renamed(analysis: Analysis, offset: int, root: str, index) -> object:
    try:
        edits = rename(analysis, offset, "fresh_name_9", root, index)
    except RenameRefused as exc:
        return ("refused", str(exc))
    return sorted((path, span.start, span.end, new) for path, (_a, spans) in edits.items() for span, new in spans)


@pytest.mark.parametrize("watched, kept, steps", [(True, None, 4), (False, None, 4), (True, 3, 4),
                                                  pytest.param(True, None, 30, marks=pytest.mark.slow),
                                                  pytest.param(True, 3, 30, marks=pytest.mark.slow)])
def test_the_index_answers_as_the_full_scan_after_random_edits(tmp_path: Path, watched: bool, kept, steps: int,
                                                               monkeypatch) -> None:
    """Law: references (with and without the declaration) and rename, from sampled names of sampled files, after each
    of `steps` random edits (4 edits and 3 + 1 sampled requests a file in the default suite, 30 edits and 8 + 2 under
    the slow marker: the full scan it is compared with reads and checks every file), are the same with the index as with the full scan; with the walk kept between
    requests (watched) or not, and with at most 3 analyses kept (the least recently used dropped)."""
    import compiler.lsp.index

    if kept is not None:
        monkeypatch.setattr(compiler.lsp.index, "MAX_ANALYSES", kept)
    rng = random.Random(20261205 + watched + (kept or 0))
    root = tmp_path.resolve()
    _workspace(root, rng)
    index = WorkspaceIndex()
    index.watched = watched
    workspace = _Workspace(root, index, rng)
    compared = renamed = 0
    for step in range(steps):
        done = workspace.step()
        for path in rng.sample(workspace.files(), 2):
            analysis = workspace.request_from(path)
            offsets = sorted({occ.span.start for occ in analysis.occurrences})
            for offset in rng.sample(offsets, min(8 if steps > 4 else 3, len(offsets))):
                declaration = rng.random() < 0.7
                with_index = _places(references(analysis, offset, str(root), declaration, index))
                scanned = _places(references(analysis, offset, str(root), declaration))
                assert with_index == scanned, (step, done, Path(path).name, offset, declaration)
                compared += bool(scanned)
            for offset in rng.sample(offsets, min(2 if steps > 4 else 1, len(offsets))):
                answer = _renamed(analysis, offset, str(root), index)
                assert answer == _renamed(analysis, offset, str(root), None), (step, done, Path(path).name, offset)
                renamed += answer[0] != "refused"
    assert compared >= 2 * steps and renamed >= 1, (compared, renamed)
    assert kept is None or sum(e.analysis is not None for e in index.entries.values()) <= kept


def test_the_index_checks_a_file_once_until_it_or_a_file_it_reads_changes(tmp_path: Path) -> None:
    """Asked again with nothing changed, the index checks no file; a file changed on disk is checked again alone;
    base.factory typed in re-checks the files that read it and no other."""
    rng = random.Random(1)
    root = tmp_path.resolve()
    _workspace(root, rng)
    index = WorkspaceIndex()
    index.watched = True
    base = str(root / "base.factory")
    analysis = Analysis(BASE, base, str(root))
    offset = BASE.index("budget")
    first = _places(references(analysis, offset, str(root), True, index))
    made = index.made
    assert made == 7                                  # mid_*, alone_* and sub/far write `budget`; top_* do not
    assert _places(references(analysis, offset, str(root), True, index)) == first and index.made == made
    # a file that reads base changes on disk: it alone is checked again (its words too), then nothing
    mid = root / "mid_1.factory"
    mid.write_text(mid.read_text(encoding="utf-8") + "\nlet more = c.budget\n", encoding="utf-8")
    os.utime(mid, ns=(2_000_000_000_000_000_000, 2_000_000_000_000_000_000))
    index.changed(str(mid))
    again = _places(references(analysis, offset, str(root), True, index))
    assert index.made == made + 1 and len(again) == len(first) + 1
    assert again == _places(references(analysis, offset, str(root), True))
    # base.factory itself is opened and typed in: every entry that read it is made again, the alone files are not
    index.changed(base)
    typed = BASE + "\n# typed\n"
    analysis = Analysis(typed, base, str(root))
    made = index.made
    _places(references(analysis, offset, str(root), True, index))
    remade = index.made - made
    readers = [p for p in index.entries if p != base and index.entries[p].reads and base in index.entries[p].reads]
    assert remade == len(readers) == 4                # mid_* (sub/far may not import ../base: outside its root)


def test_the_index_outline_is_the_analysis_outline(tmp_path: Path) -> None:
    """Workspace symbols read each file's outline from the index (a parse only): the same symbols, at the same spans,
    as the document's own outline (its analysis, a check); a file that does not parse has none."""
    rng = random.Random(2)
    root = tmp_path.resolve()
    _workspace(root, rng)
    index = WorkspaceIndex()

    def flat(symbols) -> list[tuple]:
        out, todo = [], list(symbols)
        while todo:
            sym = todo.pop(0)
            todo.extend(sym.children)
            out.append((sym.name, sym.kind, sym.span.start, sym.span.end, sym.selection.start, sym.selection.end))
        return out
    files = index.files(str(root), {})
    assert len(files) == 12
    for path in files:
        text = Path(path).read_text(encoding="utf-8")
        assert flat(index.symbols(path, {})) == flat(Analysis(text, path, os.path.dirname(path)).symbols()), path
    broken = files[0]
    assert index.symbols(broken, {broken: "rack {{ broken"}) == []


async def _server_session(root: Path) -> dict:
    """A real server (`python -m compiler.cli lsp`) with `root` as its workspace and base.factory open: workspace
    symbols, then references of `budget` before and after files change on disk (each told by didChangeWatchedFiles)."""
    import asyncio
    import sys

    from lsprotocol import types as t
    from pygls.lsp.client import LanguageClient

    from tests.test_lsp import ROOT, _pos, _stop

    client = LanguageClient("factory-test", "1")
    await client.start_io(sys.executable, "-m", "compiler.cli", "lsp", cwd=str(ROOT),
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    out: dict = {}
    base = root / "base.factory"
    doc = t.TextDocumentIdentifier(uri=base.as_uri())

    async def budget_references() -> list[str]:
        found = await client.text_document_references_async(t.ReferenceParams(
            text_document=doc, position=_pos(BASE, "budget"), context=t.ReferenceContext(include_declaration=True)))
        return sorted(f"{Path(loc.uri[len('file://'):]).name}:{loc.range.start.line}" for loc in found or [])
    try:
        await client.initialize_async(t.InitializeParams(capabilities=t.ClientCapabilities(), root_uri=root.as_uri()))
        client.initialized(t.InitializedParams())
        client.text_document_did_open(t.DidOpenTextDocumentParams(text_document=t.TextDocumentItem(
            uri=base.as_uri(), language_id="factory", version=1, text=BASE)))
        out["symbols"] = await client.workspace_symbol_async(t.WorkspaceSymbolParams(query="rack_3"))
        out["before"] = await budget_references()
        (root / "new.factory").write_text('from "./base.factory" import budget\n\nlet twice = budget * 2\n',
                                          encoding="utf-8")
        mid = root / "mid_0.factory"
        mid.write_text(mid.read_text(encoding="utf-8").replace("power_limit = budget", "power_limit = 9 kW"),
                       encoding="utf-8")
        client.workspace_did_change_watched_files(t.DidChangeWatchedFilesParams(changes=[
            t.FileEvent(uri=(root / "new.factory").as_uri(), type=t.FileChangeType.Created),
            t.FileEvent(uri=mid.as_uri(), type=t.FileChangeType.Changed)]))
        await asyncio.sleep(0.2)
        out["after"] = await budget_references()
        await client.shutdown_async(None)
        client.exit(None)
    finally:
        await _stop(client)
    return out


def test_the_server_reads_the_workspace_through_its_index(tmp_path: Path) -> None:
    """Through the server: workspace symbols find a definition in a file on disk that is not open (mid_3's rack_3),
    and references follow files created and changed on disk (a new importer's use is found, a use removed is gone)."""
    import asyncio

    root = tmp_path.resolve()
    _workspace(root, random.Random(3))
    out = asyncio.run(_server_session(root))
    assert [(s.name, Path(s.location.uri).name) for s in out["symbols"]] == [("rack_3", "mid_3.factory")]
    assert "mid_0.factory:4" in out["before"] and not any(p.startswith("new.factory") for p in out["before"])
    assert set(out["after"]) == set(out["before"]) - {"mid_0.factory:4"} | {"new.factory:0", "new.factory:2"}


@pytest.mark.parametrize("where", ["buffer", "disk"])
def test_a_reader_checked_while_its_import_did_not_parse_is_checked_again_once_it_does(tmp_path: Path,
                                                                                        where: str) -> None:
    """Law, on the shortest edit sequence the random one found (seed 20261206, step 20): base.factory typed into a
    text that does not parse (`{{`), a request that checks mid_1.factory (it writes `budget`) while base cannot be
    loaded, base's text restored: references of `budget` from base, with the index, are the full scan's (mid_1's
    `c.budget` among them). The broken text is held in an open document (`buffer`: didChange, then didClose) or
    written on disk (`disk`: didChangeWatchedFiles twice)."""
    root = tmp_path.resolve()
    _workspace(root, random.Random(4))
    index = WorkspaceIndex()
    index.watched = True
    base, alone = str(root / "base.factory"), str(root / "alone_0.factory")
    broken = BASE.replace("{", "{{", 1)
    buffers: dict[str, str] = {}

    def set_base(text: str | None) -> None:
        if where == "buffer":
            buffers.pop(base, None) if text is None else buffers.update({base: text})
        else:
            Path(base).write_text(broken if text is not None else BASE, encoding="utf-8")
            stamp = 2_000_000_000_000_000_000 + (text is not None)
            os.utime(base, ns=(stamp, stamp))
        index.changed(base)

    def budget_references(path: str, text: str) -> tuple[list, list]:
        analysis = Analysis(text, path, str(root), None, {p: t for p, t in buffers.items() if p != path})
        offset = text.index("budget")
        return (_places(references(analysis, offset, str(root), True, index)),
                _places(references(analysis, offset, str(root), True)))

    set_base(broken)
    with_index, scanned = budget_references(alone, ALONE)      # checks mid_* while base does not parse
    assert with_index == scanned
    set_base(None)
    with_index, scanned = budget_references(base, BASE)
    assert any(p.endswith("mid_1.factory") for p, _s, _e in scanned)
    assert with_index == scanned
