"""Renderers are trustworthy with hostile text and without Graphviz: Markdown and HTML escaping of spec
strings (links, images, raw HTML), Graphviz escapes in diagram labels, and a report that does not depend
on where it is built or on whether `dot` is installed (apart from the diagrams themselves)."""
from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli import main, run_pipeline
from compiler.render import diagram as D
from compiler.render import report

ROOT = Path(__file__).resolve().parent.parent
STARTER = ROOT / "examples" / "enterprise_starter.factory"

LINKS = '''"""Plan ![pixel](https://evil.example/p.png) and [click](https://evil.example) `code` *em* _u_ # h.

Second <img src=https://evil.example/x.png> paragraph.
"""
from chips import H100_SXM

param racks = 2

site s {
  description = "![img](https://evil.example/i.png) <img src=https://evil.example/x.png> [a](b) | c"
  location = "1. not a list \\\\N \\\\G \\\\E \\\\L \\\\T \\\\H"
  hall h {
    rack r x racks {
      server n {
        max_power = 10 kW
      }
      assert 1 > 2, "![bad](https://evil.example/b.png) fails"
    }
  }
}
'''


def _build(tmp_path: Path, text: str, name: str = "out"):
    spec = tmp_path / "links.factory"
    spec.write_text(text, encoding="utf-8")
    out = tmp_path / name
    result = CliRunner().invoke(main, ["build", str(spec), "-o", str(out)])
    return result, out


def test_markdown_makes_links_and_images_inert(tmp_path: Path) -> None:
    result, out = _build(tmp_path, LINKS)
    assert result.exit_code == 1, result.output         # the assert fails; the report is written anyway
    md = (out / "report.md").read_text(encoding="utf-8")
    # no Markdown image or link can open: every `!`, `[`, `]`, `(`, `)` of user text is escaped
    assert not re.search(r"(?<!\\)!(?<!\\)\[", md)
    assert not re.search(r"(?<!\\)\]\(", md)
    assert "\\!\\[pixel\\]\\(https://evil.example/p.png\\)" in md
    assert "<img" not in md and "&lt;img src=https://evil.example/x.png&gt;" in md
    assert "\\`code\\` \\*em\\* \\_u\\_ \\# h" in md
    assert "\\!\\[bad\\]\\(https://evil.example/b.png\\) fails" in md


def test_html_escapes_the_same_text(tmp_path: Path) -> None:
    _, out = _build(tmp_path, LINKS)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<img" not in html
    assert "&lt;img src=https://evil.example/x.png&gt;" in html
    attrs: list[str] = []

    class Page(HTMLParser):
        def handle_starttag(self, tag, pairs):
            attrs.extend(v or "" for k, v in pairs if k in ("src", "href", "xlink:href", "srcset", "data"))
    Page().feed(html)
    assert attrs and not [a for a in attrs if not a.startswith("#")]    # nothing loads or links out


def test_markdown_escape_table() -> None:
    cases = {
        "![x](http://a/b.png)": "\\!\\[x\\]\\(http://a/b.png\\)",
        "a|b": "a\\|b",
        "<b>&": "&lt;b&gt;&amp;",
        "power_chain_loss": "power\\_chain\\_loss",
        "back\\slash": "back\\\\slash",
        "two\n lines": "two lines",
    }
    for text, expected in cases.items():
        assert report._md_escape(text) == expected, text
    # at the start of a line (a paragraph), a list cannot open; inside a line or a cell, 222.5 stays 222.5
    assert report._md_escape("1. first", line_start=True) == "1\\. first"
    assert report._md_escape("- item", line_start=True) == "\\- item"
    assert report._md_escape("222.5 MW") == "222.5 MW"


def test_graphviz_escapes_in_user_text_are_doubled(tmp_path: Path) -> None:
    assert D._esc("a\\N b\\G") == "a\\\\N b\\\\G"
    spec = tmp_path / "links.factory"
    spec.write_text(LINKS, encoding="utf-8")
    results, _ = run_pipeline([str(spec)], {}, None, evaluate_all=True)
    dot = D.diagram_dot(results, "physical")
    assert "\\\\N \\\\G \\\\E \\\\L \\\\T \\\\H" in dot
    assert not re.search(r"(?<!\\)\\[NGELTH]", dot)     # no single backslash escape left for Graphviz


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_graphviz_escapes_show_as_written_in_svg(tmp_path: Path) -> None:
    spec = tmp_path / "links.factory"
    spec.write_text(LINKS, encoding="utf-8")
    results, _ = run_pipeline([str(spec)], {}, None, evaluate_all=True)
    svg = D.render_diagram(D.diagram_dot(results, "physical"), "svg").decode("utf-8")
    assert "\\N \\G \\E \\L \\T \\H" in svg


def _fake_dot(dot_text: str, fmt: str) -> bytes:
    return b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><g id="graph0"><text>x</text></g></svg>'


def _no_dot(dot_text: str, fmt: str) -> bytes:
    raise D.GraphvizMissing("dot not found")


def _without_diagrams(html: str) -> str:
    return re.sub(r'<section id="diagrams">.*?</section>', "", html, flags=re.S)


def test_report_is_the_same_wherever_it_is_built_and_with_or_without_dot(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(D, "render_diagram", _no_dot)
    builds = {}
    for name in ("a", "deeper/b"):
        result = CliRunner().invoke(main, ["build", str(STARTER), "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        builds[name] = {f: (tmp_path / name / f).read_bytes() for f in ("report.html", "report.md", "results.json")}
        assert str(tmp_path) not in builds[name]["report.html"].decode("utf-8")
    assert builds["a"] == builds["deeper/b"]
    assert (tmp_path / "a" / "power.dot").is_file() and not (tmp_path / "a" / "power.svg").exists()
    monkeypatch.setattr(D, "render_diagram", _fake_dot)
    result = CliRunner().invoke(main, ["build", str(STARTER), "-o", str(tmp_path / "a")])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "a" / "report.html").read_text(encoding="utf-8")
    assert 'id="diagram-power"' in html
    assert not (tmp_path / "a" / "power.dot").exists()           # no stale DOT beside the SVG
    assert _without_diagrams(html) == _without_diagrams(builds["a"]["report.html"].decode("utf-8"))
    assert (tmp_path / "a" / "report.md").read_bytes() == builds["a"]["report.md"]
