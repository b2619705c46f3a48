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

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .check import Checked
    from .diagnostics import Sink
    from .loader import Program
    from .session import Session, gc_paused

# The public names and the module that defines each: imported on first use (PEP 562), so that a program
# that needs only `dsl.diagnostics` (the CLI before it knows its command) does not load Lark and the checker.
# The stage functions are reached through their modules (`dsl.loader.load`, `dsl.resolve.resolve`,
# `dsl.check.check`): a package attribute named like a submodule would be replaced by the submodule as
# soon as anything imports it.
_LAZY = {"Checked": "check", "Sink": "diagnostics", "Program": "loader", "Session": "session",
         "gc_paused": "session"}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'dsl' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


__all__ = ["Checked", "Program", "Session", "Sink", "check_files", "check_text", "default_session", "gc_paused"]

_default: Session | None = None


def default_session() -> Session:
    """The session `check_files` and `check_text` use (made on first use)."""
    global _default
    if _default is None:
        from .session import Session

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
