"""Diagrams (compiler/render/diagram.py and `factory diagram`): golden DOT per view, escaping of hostile
text, determinism, the fallback when Graphviz's `dot` is missing, scale, and the CLI.

Golden files: tests/cases/diagram/<case>.<view>.dot beside each <case>.factory. Rewrite them with
`pytest tests/test_diagram.py --update-goldens`, then read the diff (and look at the pictures:
`factory diagram tests/cases/diagram/campus.factory --view power --format png`).
"""
from __future__ import annotations

import os

import json
import re
import string
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from compiler import graphviz_backend
from compiler.cli import main, run_pipeline
from compiler.render import diagram as D
from compiler.render import diagram_base as DB
from compiler.render import diagram_power as DP
from compiler.render.diagram import VIEWS, diagram_dot, write_diagram

ROOT = Path(__file__).resolve().parents[1]
CASES = Path(__file__).parent / "cases" / "diagram"
EXAMPLES = sorted((ROOT / "examples").glob("*.factory"))
HAVE_DOT = graphviz_backend.find_renderer() is not None     # the system `dot` or the embedded program
needs_dot = pytest.mark.skipif(not HAVE_DOT, reason="no Graphviz program (system dot or graphviz-pure)")


def _results(path, defines=None):
    results, sink = run_pipeline([str(path)], defines or {}, None, evaluate_all=True)
    assert results is not None, [d.message for d in sink.items]
    return results


def _write(tmp_path: Path, text: str, name: str = "spec.factory") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------ goldens
def _golden_cases() -> list[tuple[Path, str]]:
    return [(case, view) for case in sorted(CASES.glob("*.factory")) for view in VIEWS]


@pytest.mark.parametrize("case,view", _golden_cases(), ids=lambda x: x.stem if isinstance(x, Path) else x)
def test_golden_dot(case: Path, view: str, update_goldens: bool) -> None:
    text = diagram_dot(_results(case), view)
    golden = case.with_name(f"{case.stem}.{view}.dot")
    if update_goldens or not golden.exists():
        golden.write_text(text, encoding="utf-8")
        if not update_goldens:
            pytest.fail(f"wrote the missing golden {golden.name}; read it and commit it")
    assert text == golden.read_text(encoding="utf-8")


def test_there_are_golden_cases() -> None:
    assert {c.stem for c in CASES.glob("*.factory")} >= {"campus", "air_room"}


# ------------------------------------------------------------------------------------------ content
def test_campus_views_say_what_matters() -> None:
    results = _results(CASES / "campus.factory")
    physical = diagram_dot(results, "physical")
    assert "GB200_NVL72</B>\u00a0× 16" in physical          # one box per placement, with its count
    assert "72 accelerators each" in physical
    assert "total 110,592 accelerators" in physical           # per-hall totals times the hall count
    assert physical.count("GB200_NVL72</B>") == 1            # never expanded per instance
    power = diagram_dot(results, "power")
    for text in ("Utility feed", "MV_LV_3MVA", "Rectifier_1MW", "DC_busway", "loss", "IT LOAD", "4 × "):
        assert text in power
    cooling = diagram_dot(results, "cooling")
    for text in ("CDUs × 21", "CRAHs × 64", "Chillers", "Dry coolers", "L/min", "rejected"):
        assert text in cooling
    network = diagram_dot(results, "network")
    assert "compute_fabric" in network and "oversubscription 1:1" in network and "oversubscription 3:1" in network
    assert "SCALE-UP DOMAIN" in network and "NVLink5_tray" in network


def test_power_default_chain_follows_distribution(tmp_path: Path) -> None:
    spec = """
server box { max_power = 10 kW }
site s {
  distribution = "DIST"
  hall h { rack r x 4 { server n: box x 2 } }
}
"""
    ac = diagram_dot(_results(_write(tmp_path, spec.replace("DIST", "ac"), "ac.factory")), "power")
    assert "UPS" in ac and "PDU" in ac and "Rectifier" not in ac and "ASSUMED BY THE MODEL" in ac
    dc = diagram_dot(_results(_write(tmp_path, spec.replace("DIST", "dc800"), "dc.factory")), "power")
    assert "Rectifier" in dc and ("DC busway" in dc or "Busway" in dc) and "UPS" not in dc


def test_power_stage_losses_add_up_to_the_model() -> None:
    """The stages drawn (the facility model's per-stage losses) lose what its power_chain_loss says."""
    for case in (CASES / "campus.factory", CASES / "air_room.factory",
                 ROOT / "examples" / "enterprise_starter.factory"):
        plan = D._Plan(_results(case))
        for root in plan.roots():
            branches = DP._power_branches(plan, root)
            drawn = sum(b.count * sum(s.loss for s in b.stages) for b in branches)
            assert drawn == pytest.approx(plan.get(root, "power_chain_loss"), rel=1e-9), case.name


_NEEDS = re.compile(r"needs ([\d,]+)(?: \([^)]*\))?(?: \u00b7 ([\d.]+%) used)?")
_USED = re.compile(r"([\d.]+%) used")


@pytest.mark.parametrize("case", EXAMPLES + sorted(CASES.glob("*.factory")), ids=lambda p: p.stem)
def test_every_sizing_figure_drawn_is_the_models(case: Path) -> None:
    """Every "needs N" and "% used" a diagram prints is a model output (a gear's units_needed and
    utilization, a feed's or a power limit's utilization), never a figure the renderer worked out: the
    flagship's one-line once said its rectifiers needed 53 (their input power, no spare) where the
    model's limit, on the power they deliver with N+1, needs 52."""
    results = _results(case)
    plan = D._Plan(results)
    pairs, used = set(), set()
    for path in results.values:
        if path.endswith(".units_needed"):
            gear = path.removesuffix(".units_needed")
            pct = DB._pct(plan.value(f"{gear}.utilization"))
            pairs.add((DB._count_text(plan.value(path)), pct))
            used.add(pct)
        elif path.endswith((".feed_utilization", ".power_limit_utilization")):
            used.add(DB._pct(plan.value(path)))
    for view in VIEWS:
        dot = diagram_dot(results, view)
        for m in _NEEDS.finditer(dot):
            assert (m[1], m[2] or DB._pct(None)) in pairs or (m[2] is None and m[1] in {n for n, _ in pairs}), \
                f"{case.name} {view}: {m[0]!r} is not a model output ({sorted(pairs)})"
        for m in _USED.finditer(dot):
            assert m[1] in used, f"{case.name} {view}: {m[0]!r} is not a model output ({sorted(used)})"


def test_network_view_reads_per_tier_outputs_whatever_their_names() -> None:
    import numpy as np
    results = _results(CASES / "campus.factory")
    prefix = "campus.compute_fabric."
    for name in [p for p in results.values if p.startswith(prefix + "switches_")]:
        del results.values[name]
    results.values[prefix + "leaf_switches"] = np.array([3000.0])
    results.values[prefix + "spine_switches"] = np.array([2000.0])
    results.values[prefix + "core_switches"] = np.array([1000.0])
    dot = diagram_dot(results, "network")
    assert "Core × 1,000" in dot and "Spine × 2,000" in dot and "Leaf × 3,000" in dot
    assert dot.index("Core × 1,000") < dot.index("Spine × 2,000") < dot.index("Leaf × 3,000")


def test_network_view_without_network_blocks(tmp_path: Path) -> None:
    dot = diagram_dot(_results(ROOT / "examples" / "enterprise_starter.factory"), "network")
    assert "No scale-out network in this plan" in dot and "64 accelerators" in dot


def test_views_of_a_spec_with_no_facility(tmp_path: Path) -> None:
    path = _write(tmp_path, "chip c { tdp = 700 W }\n")
    for view in VIEWS:
        dot = diagram_dot(_results(path), view)
        assert dot.startswith(f"digraph {view} {{")


def test_rack_only_plan(tmp_path: Path) -> None:
    path = _write(tmp_path, "server box { max_power = 10 kW\n cooling = \"air\" }\nrack r { server n: box x 4 }\n")
    results = _results(path)
    assert "4 × box · 10 kW each" in diagram_dot(results, "physical")
    assert "40 kW heat" in diagram_dot(results, "cooling")
    assert "No power chain to draw" in diagram_dot(results, "power")


def test_sweep_draws_the_chosen_scenario(tmp_path: Path) -> None:
    text = (CASES / "campus.factory").read_text(encoding="utf-8").replace("param halls = 4",
                                                                          "param halls = [1, 2, 4]")
    results = _results(_write(tmp_path, text))
    second = diagram_dot(results, "physical", scenario=1)
    assert "scenario 2 of 3: halls = 2" in second and "55,296" in second
    with pytest.raises(ValueError):
        diagram_dot(results, "physical", scenario=3)
    with pytest.raises(ValueError):
        diagram_dot(results, "floorplan")


@pytest.mark.parametrize("defines", [{"halls": "0"}, {"rows_per_hall": "0"}, {"halls": "0", "rows_per_hall": "0"}])
def test_empty_counts_draw_without_errors(defines: dict) -> None:
    results, _ = run_pipeline([str(CASES / "campus.factory")], defines, None, evaluate_all=True)
    assert results is not None
    for view in VIEWS:
        assert diagram_dot(results, view).startswith(f"digraph {view} {{")


def test_cli_scenario_option(tmp_path: Path) -> None:
    text = (CASES / "air_room.factory").read_text(encoding="utf-8").replace(
        "row a x 2 {", "row a x rows {").replace("chip accel {", "param rows = [1, 2, 3]\n\nchip accel {")
    spec = _write(tmp_path, text)
    result = CliRunner().invoke(main, ["diagram", str(spec), "--format", "dot", "-o", "-", "--scenario", "3"])
    assert result.exit_code == 0, result.output
    assert "scenario 3 of 3: rows = 3" in result.output and "480 accelerators" in result.output


# ------------------------------------------------------------------------------------------ escaping
HOSTILE = """
server box { max_power = 10 kW
  cooling = "air" }
site s {
  location = "<script>alert('x')</script> & &amp; \\\\N"
  description = "\\"]; injected [label=\\"pwned\\"]; } digraph { a -> b } {braces} [x] |p| \\\\"
  hall h {
    description = "<b>bold</b> <!-- c --> ]]> <TABLE> </TD></TR></TABLE>> \\n new line"
    rack r x 2 { server n: box x 2 }
  }
  network fab {
    role = "frontend"
    tiers = 2
  }
}
"""


def test_escape_never_lets_markup_through() -> None:
    text = D._esc("<a href=\"x\">'&amp;'</a>\x00\x1b", 0)
    assert text == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;amp;&#39;&lt;/a&gt;"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=string.printable + "<>&\"'{}[]\\|;\u00e9\u2603\x00\x01", max_size=120))
def test_escape_property(text: str) -> None:
    out = D._esc(text, 0)
    assert not set(out) & set("<>\"'\x00\x01")
    for i, ch in enumerate(out):
        if ch == "&":
            assert out[i:].startswith(("&amp;", "&lt;", "&gt;", "&quot;", "&#39;"))


def test_hostile_text_stays_text_in_dot(tmp_path: Path) -> None:
    results = _results(_write(tmp_path, HOSTILE))
    for view in VIEWS:
        dot = diagram_dot(results, view)
        assert "<script>" not in dot and "injected [label" not in dot.replace("&quot;", '"').split("<")[0]
        assert "pwned" not in dot or "&quot;pwned&quot;" in dot
    physical = diagram_dot(results, "physical")
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in physical


@needs_dot
def test_hostile_text_stays_text_in_svg(tmp_path: Path) -> None:
    results = _results(_write(tmp_path, HOSTILE))
    for view in VIEWS:
        dot = diagram_dot(results, view)
        layout = json.loads(graphviz_backend.render(dot, "json"))
        names = {o["name"] for o in layout.get("objects", [])}
        assert not {"injected", "a", "b", "pwned"} & names, names
        svg = D.render_diagram(dot, "svg")
        tree = ET.fromstring(svg)                    # well-formed XML
        tags = {el.tag.rsplit("}", 1)[-1] for el in tree.iter()}
        assert not tags & {"script", "b", "TABLE", "foreignObject"}, tags
        if view == "physical":
            text = " ".join(t for el in tree.iter() for t in [el.text] if t)
            assert "<script>alert('x')</script>" in text
            assert '"]; injected [label="pwned"]; } digraph' in text


# ------------------------------------------------------------------------------------------ determinism
def test_dot_is_byte_identical_across_runs() -> None:
    for case in (CASES / "campus.factory", ROOT / "examples" / "enterprise_starter.factory"):
        for view in VIEWS:
            assert diagram_dot(_results(case), view) == diagram_dot(_results(case), view)


@needs_dot
def test_svg_is_byte_identical_across_runs(tmp_path: Path) -> None:
    results = _results(CASES / "campus.factory")
    for view in VIEWS:
        dot = diagram_dot(results, view)
        assert write_diagram(dot, str(tmp_path / f"a.{view}.svg"), "svg") is None
        assert write_diagram(diagram_dot(_results(CASES / "campus.factory"), view),
                             str(tmp_path / f"b.{view}.svg"), "svg") is None
        assert (tmp_path / f"a.{view}.svg").read_bytes() == (tmp_path / f"b.{view}.svg").read_bytes()


def test_ids_are_derived_from_paths() -> None:
    ids = DB._Ids()
    assert ids("rack", "campus.gpu.pod.nvl") == "rack_campus__gpu__pod__nvl"
    assert ids("rack", "campus.gpu.pod.nvl") == "rack_campus__gpu__pod__nvl"     # memoized
    assert ids("x", "a-b") == "x_a_b" and ids("x", "a b") == "x_a_b_2"           # unique after cleaning


# ------------------------------------------------------------------------------------------ scale
def test_a_million_accelerators_draws_as_fast_as_a_rack(tmp_path: Path) -> None:
    small = _results(CASES / "campus.factory", {"halls": "1", "rows_per_hall": "1"})
    big = _results(CASES / "campus.factory", {"halls": "40", "rows_per_hall": "24"})
    start = time.perf_counter()
    dots = {view: diagram_dot(big, view) for view in VIEWS}
    assert time.perf_counter() - start < 5
    assert "1,105,920 accelerators" in dots["physical"]
    for view in VIEWS:                                     # the same drawing, other numbers
        assert abs(len(dots[view]) - len(diagram_dot(small, view))) < 2000
        assert len(dots[view]) < 60_000
    if HAVE_DOT:
        start = time.perf_counter()
        for view in VIEWS:
            assert write_diagram(dots[view], str(tmp_path / f"{view}.svg"), "svg") is None
        assert time.perf_counter() - start < 20


# ------------------------------------------------------------------------------------------ dot missing
def test_missing_dot_writes_the_dot_text_and_says_how_to_install(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("FACTORY_GRAPHVIZ", "system")            # no system dot, and the embedded one refused
    dot = diagram_dot(_results(CASES / "air_room.factory"), "power")
    message = write_diagram(dot, str(tmp_path / "out" / "power.svg"), "svg")
    assert message is not None
    assert "apt-get install graphviz" in message and "brew install graphviz" in message
    assert (tmp_path / "out" / "power.dot").read_text(encoding="utf-8") == dot
    assert not (tmp_path / "out" / "power.svg").exists()
    assert write_diagram(dot, str(tmp_path / "out" / "plain.dot"), "dot") is None   # needs no Graphviz


def test_missing_dot_from_the_cli(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("FACTORY_GRAPHVIZ", "system")            # no system dot, and the embedded one refused
    out = tmp_path / "cool.png"
    result = CliRunner().invoke(main, ["diagram", str(CASES / "air_room.factory"), "--view", "cooling",
                                       "--format", "png", "-o", str(out)])
    assert result.exit_code == 2
    assert "apt-get install graphviz" in result.output
    assert (tmp_path / "cool.dot").exists() and not out.exists()


def test_no_graphviz_at_all_diagram_and_build_say_the_same_and_why_their_exits_differ(tmp_path: Path,
                                                                                      monkeypatch) -> None:
    """FACTORY_GRAPHVIZ=auto, no system `dot` and no embedded `graphviz-pure` (s18-small): `factory diagram` exits 2
    (the one file it was asked for was not made: a missing program, as a missing optional package, docs/scale.md)
    and `factory build` exits 0 (its report is whole; the diagrams in it are DOT text). Both name the same reason,
    that neither program is there (it said "Graphviz's `dot` program was not found" with no word of the embedded
    one or of pip), and diagram says why its exit differs from build's."""
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.delenv("FACTORY_GRAPHVIZ", raising=False)
    monkeypatch.setattr(graphviz_backend, "_embedded", lambda: None)
    spec = str(CASES / "air_room.factory")
    drawn = CliRunner().invoke(main, ["diagram", spec, "-o", str(tmp_path / "power.svg")])
    built = CliRunner().invoke(main, ["build", spec, "-o", str(tmp_path / "built")])
    assert (drawn.exit_code, built.exit_code) == (2, 0), (drawn.output, built.output)
    reason = "neither the system `dot` nor the embedded `graphviz-pure`"
    for output in (drawn.output, built.output):
        assert reason in output and "pip install graphviz-pure" in output, output
    assert "`factory build` exits 0" in drawn.output, drawn.output
    assert (tmp_path / "power.dot").exists() and (tmp_path / "built" / "power.dot").exists()


# ------------------------------------------------------------------------------------------ CLI
@pytest.mark.parametrize("view", VIEWS)
def test_cli_writes_each_view(tmp_path: Path, view: str, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    fmt = "svg" if HAVE_DOT else "dot"
    result = CliRunner().invoke(main, ["diagram", str(CASES / "campus.factory"), "--view", view, "--format", fmt])
    assert result.exit_code == 0, result.output
    # without -o the diagram goes to `build/`, the folder `factory build` writes to, never the current folder
    # (debug .dot files were committed at the repository root that way)
    out = tmp_path / "build" / f"campus.{view}.{fmt}"
    assert f"wrote {os.path.join('build', f'campus.{view}.{fmt}')}" in result.output and out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]
    if fmt == "svg":
        ET.fromstring(out.read_bytes())


def test_cli_dot_to_stdout_and_defines(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["diagram", str(CASES / "campus.factory"), "--format", "dot", "-o", "-",
                                       "-D", "halls=2"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("digraph physical {") and "55,296 accelerators" in result.output


def test_cli_usage_errors(tmp_path: Path) -> None:
    spec = str(CASES / "air_room.factory")
    runner = CliRunner()
    assert runner.invoke(main, ["diagram", spec, "--format", "png", "-o", "-"]).exit_code == 2
    assert runner.invoke(main, ["diagram", spec, "--scenario", "2", "-o", str(tmp_path / "x.dot")]).exit_code == 2
    assert runner.invoke(main, ["diagram", spec, "--view", "floor"]).exit_code == 2
    assert runner.invoke(main, ["diagram", str(tmp_path / "nope.factory")]).exit_code == 2


def test_cli_failed_assert_still_draws_and_exits_1(tmp_path: Path) -> None:
    spec = _write(tmp_path, "server box { max_power = 10 kW }\nsite s { hall h { rack r x 2 { server n: box x 3\n"
                            "  assert sum(server.max_power) <= 20 kW, \"fits\" } } }\n")
    out = tmp_path / "p.dot"
    result = CliRunner().invoke(main, ["diagram", str(spec), "--format", "dot", "-o", str(out)])
    assert result.exit_code == 1
    assert "assert failed: fits" in result.output and out.exists()


def test_cli_spec_errors_exit_1(tmp_path: Path) -> None:
    spec = _write(tmp_path, "site s { hall h { rack r x 2 { power_limit = 3 kw } } }\n")
    result = CliRunner().invoke(main, ["diagram", str(spec), "--format", "dot", "-o", str(tmp_path / "x.dot")])
    assert result.exit_code == 1 and "unknown-unit" in result.output


# ------------------------------------------------------------------------------------------ examples
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_draws_every_view(path: Path, tmp_path: Path) -> None:
    results = _results(path)
    for view in VIEWS:
        dot = diagram_dot(results, view)
        assert dot.startswith(f"digraph {view} {{")
        if HAVE_DOT:
            assert write_diagram(dot, str(tmp_path / f"{view}.svg"), "svg") is None
            ET.fromstring((tmp_path / f"{view}.svg").read_bytes())
