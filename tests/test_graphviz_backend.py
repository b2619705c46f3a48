"""The Graphviz program that draws the diagrams (compiler/graphviz_backend.py): the system `dot` when there is
one, else the embedded `graphviz-pure` that pip installs; FACTORY_GRAPHVIZ forces either. On a machine without
an OS Graphviz the README's build must still write SVG, byte-identical between runs."""
from __future__ import annotations

import os
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler import graphviz_backend
from compiler.cli import main, run_pipeline
from compiler.render.diagram import VIEWS, GraphvizMissing, diagram_dot, render_diagram, write_diagram

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "examples" / "flagship_campus.factory"
HAVE_EMBEDDED = graphviz_backend._embedded() is not None
needs_embedded = pytest.mark.skipif(not HAVE_EMBEDDED, reason="graphviz-pure is not installed")


def _no_system_dot(monkeypatch, tmp_path: Path) -> None:
    """A PATH without `dot` (and without anything else)."""
    empty = tmp_path / "empty-path"
    empty.mkdir(exist_ok=True)
    monkeypatch.setenv("PATH", str(empty))


@pytest.fixture(scope="module")
def flagship_dots() -> dict[str, str]:
    results, sink = run_pipeline([str(FLAGSHIP)], {}, None, evaluate_all=True)
    assert results is not None, [d.message for d in sink.items]
    return {view: diagram_dot(results, view) for view in VIEWS}


@needs_embedded
def test_embedded_draws_the_flagship_byte_identically(monkeypatch, tmp_path, flagship_dots) -> None:
    _no_system_dot(monkeypatch, tmp_path)
    monkeypatch.delenv("FACTORY_GRAPHVIZ", raising=False)
    assert graphviz_backend.find_renderer()[0] == "embedded"
    for view, dot in flagship_dots.items():
        first, second = render_diagram(dot, "svg"), render_diagram(dot, "svg")
        assert first == second, view
        tree = ET.fromstring(first)
        texts = " ".join(el.text or "" for el in tree.iter() if el.tag.endswith("}text"))
        # HTML-like labels are drawn as text (a Graphviz without expat would draw the node ids instead)
        assert "frontier_campus" in texts and not any(t.startswith("rack_frontier") for t in texts.split())
    assert render_diagram(flagship_dots["power"], "png").startswith(b"\x89PNG\r\n\x1a\n")


def test_auto_prefers_the_system_dot(monkeypatch, tmp_path) -> None:
    fake = tmp_path / "bin"
    fake.mkdir()
    dot = fake / "dot"
    dot.write_text("#!/bin/sh\ncat >/dev/null; printf '<svg/>'\n")
    dot.chmod(0o755)
    monkeypatch.setenv("PATH", str(fake) + os.pathsep + os.environ.get("PATH", ""))
    monkeypatch.delenv("FACTORY_GRAPHVIZ", raising=False)
    assert graphviz_backend.find_renderer() == ("system", str(dot))
    assert render_diagram("digraph g { a }", "svg") == b"<svg/>"
    monkeypatch.setenv("FACTORY_GRAPHVIZ", "embedded")
    found = graphviz_backend.find_renderer()
    assert found is None or found[0] == "embedded"


def test_no_program_at_all_is_graphviz_missing(monkeypatch, tmp_path) -> None:
    _no_system_dot(monkeypatch, tmp_path)
    monkeypatch.setenv("FACTORY_GRAPHVIZ", "system")
    assert graphviz_backend.find_renderer() is None
    with pytest.raises(GraphvizMissing):
        render_diagram("digraph g { a }", "svg")


def test_an_unknown_mode_is_named(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("FACTORY_GRAPHVIZ", "cairo")
    assert graphviz_backend.find_renderer() is None
    with pytest.raises(RuntimeError, match="FACTORY_GRAPHVIZ='cairo' is not one of auto, system, embedded"):
        render_diagram("digraph g { a }", "svg")
    message = write_diagram("digraph g { a }", str(tmp_path / "g.svg"), "svg")
    assert message is not None and "FACTORY_GRAPHVIZ='cairo'" in message


def test_a_failing_program_is_a_runtime_error(monkeypatch, tmp_path) -> None:
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "dot").write_text("#!/bin/sh\necho 'Error: syntax error in line 1' >&2\nexit 1\n")
    (fake / "dot").chmod(0o755)
    monkeypatch.setenv("PATH", str(fake))
    monkeypatch.setenv("FACTORY_GRAPHVIZ", "system")
    with pytest.raises(RuntimeError, match="syntax error in line 1"):
        render_diagram("digraph g { a }", "svg")


@needs_embedded
def test_readme_build_writes_svg_without_a_system_graphviz(monkeypatch, tmp_path) -> None:
    """The README's first Quickstart command on a machine with no OS Graphviz: four SVG files, no .dot."""
    _no_system_dot(monkeypatch, tmp_path)
    monkeypatch.delenv("FACTORY_GRAPHVIZ", raising=False)
    assert shutil.which("dot") is None
    out = tmp_path / "flagship"
    result = CliRunner().invoke(main, ["build", str(FLAGSHIP), "-o", str(out)])
    assert result.exit_code == 0, result.output
    for view in VIEWS:
        assert (out / f"{view}.svg").read_bytes().lstrip().startswith(b"<?xml"), view
        assert not (out / f"{view}.dot").exists()
