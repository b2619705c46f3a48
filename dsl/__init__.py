"""The .factory front end: text -> checked AST + diagnostics.

Stages (one module each): source -> parser -> build -> loader -> resolve -> check; `dsl.session.Session`
drives them and owns what is kept between runs (the parse cache of imported files).
This package never imports numpy, jinja2, graphviz or `compiler` (a test enforces it), so an editor
or `factory check` loads fast.

`check_files` / `check_text` are the one-call API: they use a default session of this module (so the
stdlib is parsed once per process); a program that wants its own cache (a language server's workspace,
a test) makes its own `Session`. The syntax tree is immutable after parsing, so runs never disturb each
other, whichever session they use.
"""
from __future__ import annotations

from .check import Checked, check
from .diagnostics import Sink
from .loader import Program, load, load_text
from .resolve import resolve
from .session import Session, gc_paused

__all__ = ["Checked", "Program", "Session", "Sink", "check", "check_files", "check_text", "default_session",
           "gc_paused", "load", "load_text", "resolve"]

_default: Session | None = None


def default_session() -> Session:
    """The session `check_files` and `check_text` use (made on first use)."""
    global _default
    if _default is None:
        _default = Session()
    return _default


def check_files(paths: list[str], defines: dict[str, str] | None = None, root: str | None = None,
                sink: Sink | None = None) -> tuple[Checked | None, Sink]:
    """Load, resolve and check the spec files `paths`; returns the checked program and all diagnostics."""
    return default_session().check_files(paths, defines, root, sink)


def check_text(text: str, name: str = "<memory>.factory", defines: dict[str, str] | None = None,
               root: str | None = None, sink: Sink | None = None) -> tuple[Checked | None, Sink]:
    """The same for a spec held in memory (an editor buffer, a generated spec)."""
    return default_session().check_text(text, name, defines, root, sink)
