"""A session: what the front end keeps between runs in one process (an editor, a language server, tests).

Pipeline position: drives `dsl.loader` -> `dsl.resolve` -> `dsl.check`. Imports those stages only.
Public class: `Session`, with `check_files` and `check_text`.

A session owns the parse cache of imported files (the stdlib above all: parsed once, then reused while the
file is unchanged). Everything a run learns about the program (bound names, bases, members, types) lives
in the run's own `Scopes` and `Checked`, never in the syntax tree, which is immutable after parsing; so a
session checks any number of specs, in any order, with the results of a fresh process each time. One
session serves one thread at a time; sessions in different threads may run at once (parsing, which uses
the one parser of the process, takes a lock).

Each run pauses Python's cyclic garbage collector and restores its previous state when it ends: a run
allocates many long-lived nodes, which the collector would otherwise scan again and again (on large specs
that was half the time).
"""
from __future__ import annotations

import gc
from contextlib import contextmanager

from .check import Checked, check
from .diagnostics import Sink
from .loader import MAX_CACHED_MODULES, ParseCache, Program, load, load_text
from .resolve import resolve


class Session:
    """Checks specs, reusing the parsed modules of unchanged imported files between runs."""

    def __init__(self, max_cached_modules: int = MAX_CACHED_MODULES):
        self.cache = ParseCache(max_cached_modules)

    def check_files(self, paths: list[str], defines: dict[str, str] | None = None, root: str | None = None,
                    sink: Sink | None = None) -> tuple[Checked | None, Sink]:
        """Load, resolve and check the spec files `paths`; returns the checked program and all diagnostics."""
        sink = sink if sink is not None else Sink()
        with gc_paused():
            program = load(paths, sink, root, self.cache)
            return _finish(program, sink, defines), sink

    def check_text(self, text: str, name: str = "<memory>.factory", defines: dict[str, str] | None = None,
                   root: str | None = None, sink: Sink | None = None,
                   buffers: dict[str, str] | None = None) -> tuple[Checked | None, Sink]:
        """The same for a spec held in memory (an editor buffer, a generated spec); its imports are read
        from `buffers` (absolute path -> text, an editor's other open documents) before the disk."""
        sink = sink if sink is not None else Sink()
        with gc_paused():
            program = load_text(text, name, sink, root, self.cache, buffers)
            return _finish(program, sink, defines), sink


@contextmanager
def gc_paused():
    """Disable the cyclic garbage collector for a block, then restore its previous state."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _finish(program: Program, sink: Sink, defines: dict[str, str] | None) -> Checked | None:
    if not program.entries:
        return None
    scopes = resolve(program, sink)
    return check(program, scopes, sink, defines or {})
