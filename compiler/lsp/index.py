"""The workspace index: what find-references, rename and workspace symbols read of the workspace's .factory files,
kept between requests, where `compiler.lsp.workspace` without it reads, scans and checks every file that may name a
definition on each request (the full scan, which stays the reference: the law below).

Pipeline position: beside `compiler.lsp.workspace` (which reads it) over `compiler.lsp.analysis`; speaks in real
paths, never in LSP types. The server keeps one (`FactoryServer.index`) and tells it of every change it hears of.

Per file (its real path), an `Entry`:

- its text: the open document's buffer, else the disk's, with the file's stamp (modification time, size);
- the words it writes (every maximal run of word characters): a file that does not write a name cannot name it,
  as the full scan's `\\bname\\b` search says;
- its analysis, made when a request first needs it (the file checked as the full scan checks it, with the open
  documents read before the disk), with what it was made from: the text (buffer or stamp) of every file it read
  (`Analysis.imports`) and of every file under its root that an import names and it could not load (a text that
  does not parse, or no file there: `Analysis.unloaded`; that import binds nothing until the file changes); at most
  MAX_ANALYSES are kept, the least recently used dropped first;
- its outline (the definitions it writes, parsed only), for workspace symbols.

An entry answers only while it is what the full scan would make now, checked at each use: its own text is the
buffer's (an open document) or its stamp the disk's, and each file its analysis read has the text it had then (an
analysis that could not find an import is made again each time: the file may be there now). The editor's
notifications only drop entries early (`changed`: didOpen, didChange, didClose, didChangeWatchedFiles: the file's
entry and every entry whose analysis read it). The files under a root are walked once and kept while the editor
tells of files created and deleted on disk (`watched`: the server registered a watcher); else each request walks the
root again (cheap beside reading and checking the files).

The law (tests/test_lsp_index.py): on a generated workspace of many files, after random edits (open buffers, files
on disk changed, created and deleted), the index answers every references, rename and readers question as the full
scan does.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from dsl.diagnostics import Code, Sink
from dsl.source import Source

from .analysis import Analysis, Symbol, _stamp, symbols_of

SKIPPED_FOLDERS = {"node_modules", "__pycache__", "venv", "build", "dist"}   # and every folder whose name starts with .
MAX_FILES = 5000          # .factory files read under a workspace root at most (a root set at / must not read the disk)
MAX_ANALYSES = 500        # analyses kept at most (the least recently used go first): the index's memory is bounded
WORD = re.compile(r"\w+")


def walk(root: str | None) -> list[str]:
    """The real paths of the .factory files on disk under `root` (at most MAX_FILES), sorted."""
    found: set[str] = set()
    if root and os.path.isdir(root):
        for folder, subfolders, names in os.walk(root):
            subfolders[:] = sorted(d for d in subfolders if not d.startswith(".") and d not in SKIPPED_FOLDERS)
            found.update(os.path.realpath(os.path.join(folder, name)) for name in names if name.endswith(".factory"))
            if len(found) >= MAX_FILES:
                break
    return sorted(found)


def read_text(path: str, buffers: dict[str, str]) -> str | None:
    """An open document's buffer, else the file on disk; None when it cannot be read."""
    if path in buffers:
        return buffers[path]
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError):
        return None


def _version(path: str, buffers: dict[str, str]) -> tuple:
    """What a file is now, for an analysis that read it: its buffer's text, or its stamp on disk."""
    return ("buffer", buffers[path]) if path in buffers else ("disk", _stamp(path))


@dataclass
class Entry:
    text: str
    stamp: tuple | None               # (mtime in ns, size) of the disk's file read; None: an open document's buffer
    words: frozenset[str]
    analysis: Analysis | None = None
    reads: dict[str, tuple] = field(default_factory=dict)   # real path of each file it read -> `_version` then
    symbols: list[Symbol] | None = None


class WorkspaceIndex:
    """The entries of the workspace's files (see the module's doc), made as requests need them."""

    def __init__(self) -> None:
        self.entries: dict[str, Entry] = {}
        self.walked: dict[str, list[str]] = {}       # root -> the files on disk under it (kept while `watched`)
        self.watched = False                         # the editor tells of files changed, created, deleted on disk
        self.made = 0                                # analyses made (a test counts them)
        self.analysed: dict[str, None] = {}          # the paths whose entry holds an analysis, least recently used first

    # ------------------------------------------------------------------ what the editor says
    def changed(self, path: str) -> None:
        """A file's text changed (its buffer, or on disk): its entry and every entry whose analysis read it go."""
        path = os.path.realpath(path)
        self.entries.pop(path, None)
        self.analysed.pop(path, None)
        for other, entry in list(self.entries.items()):
            if path in entry.reads:
                del self.entries[other]
                self.analysed.pop(other, None)

    def created(self, path: str) -> None:
        """A file appeared on disk: listed under the roots it is in; entries that missed an import are made again."""
        path = os.path.realpath(path)
        self.changed(path)
        for root, files in self.walked.items():
            if path.endswith(".factory") and path not in files and _inside(path, root):
                files.append(path)
                files.sort()

    def deleted(self, path: str) -> None:
        path = os.path.realpath(path)
        self.changed(path)
        for files in self.walked.values():
            if path in files:
                files.remove(path)

    # ------------------------------------------------------------------ what requests read
    def files(self, root: str | None, buffers: dict[str, str]) -> list[str]:
        """`compiler.lsp.workspace.workspace_files`: the open documents and the files on disk under `root`."""
        if root and self.watched and root in self.walked:
            disk = self.walked[root]
        else:
            disk = walk(root)
            if root:
                self.walked[root] = disk
        return sorted(set(disk) | {os.path.realpath(p) for p in buffers})

    def entry(self, path: str, buffers: dict[str, str]) -> Entry | None:
        """The file's entry as it is now (its text the buffer's or the disk's); None when it cannot be read."""
        entry = self.entries.get(path)
        if path in buffers:
            if entry is not None and entry.stamp is None and entry.text == buffers[path]:
                return entry
            stamp = None
        else:
            stamp = _stamp(path)
            if entry is not None and entry.stamp is not None and entry.stamp == stamp:
                return entry
        text = read_text(path, buffers)
        if text is None:
            self.entries.pop(path, None)
            return None
        entry = self.entries[path] = Entry(text, stamp, frozenset(WORD.findall(text)))
        return entry

    def analysis(self, path: str, buffers: dict[str, str], session) -> tuple[Analysis, set[str]] | None:
        """(the file's analysis as the full scan makes it, the real paths of the files it read); None when it cannot
        be read. `buffers`: real path -> text of every open document."""
        entry = self.entry(path, buffers)
        if entry is None:
            return None
        if entry.analysis is not None and all(_version(p, buffers) == v for p, v in entry.reads.items()):
            self._used(path)
            return entry.analysis, set(entry.reads) | {path}
        analysis = Analysis(entry.text, path, os.path.dirname(path), session,
                            {p: t for p, t in buffers.items() if p != path})
        self.made += 1
        reads = ({os.path.realpath(p) for p in analysis.imports} | analysis.unloaded) - {path}
        missing = any(d.code == Code.IMPORT_NOT_FOUND for d in analysis.sink.items)
        entry.analysis = None if missing else analysis        # (a missing import may be there at the next request)
        entry.reads = {p: _version(p, buffers) for p in sorted(reads)}
        if entry.analysis is not None:
            self._used(path)
        return analysis, reads | {path}

    def _used(self, path: str) -> None:
        """`path`'s analysis was just read: the most recently used; beyond MAX_ANALYSES the least recent is dropped
        (its entry keeps its text and words; its analysis is made again when asked)."""
        self.analysed.pop(path, None)
        self.analysed[path] = None
        while len(self.analysed) > MAX_ANALYSES:
            oldest = next(iter(self.analysed))
            del self.analysed[oldest]
            entry = self.entries.get(oldest)
            if entry is not None:
                entry.analysis, entry.reads = None, {}

    def symbols(self, path: str, buffers: dict[str, str]) -> list[Symbol]:
        """The definitions the file writes (its outline), from a parse of its text; [] when it does not parse."""
        from dsl.parser import parse

        entry = self.entry(path, buffers)
        if entry is None:
            return []
        if entry.symbols is None:
            parsed = parse(Source(path, entry.text), Sink())
            entry.symbols = symbols_of(parsed.statements) if parsed is not None else []
        return entry.symbols


def _inside(path: str, root: str) -> bool:
    root = os.path.realpath(root)
    return os.path.commonpath([root, path]) == root
