"""Diagrams (Graphviz): the physical, network, power and cooling views of an evaluated plan.

Pipeline position: render; reads `compiler.evaluate.Results` (values in SI over the scenario axis) through
`compiler.render.view` and the instance tree of `compiler.graph`, formats with `compiler.display`, builds
DOT with the `graphviz` package and runs the `dot` program to make SVG or PNG. It imports no model: a
figure drawn is a model output (tests/test_layering.py). One module per view: diagram_physical.py,
diagram_network.py, diagram_power.py, diagram_cooling.py; shared pieces in diagram_base.py.

Public API (the CLI's `factory diagram` and the report writer use these):

    diagram_dot(results, view, scenario=0, flags=None, problems=None) -> str
                                                       DOT text of one view ("physical", "network",
                                                       "power", "cooling") for one scenario (0-based);
                                                       `flags` {path: why}: the figures the run flags
                                                       (report_format.flagged_quantities), marked where drawn;
                                                       `problems` (view.problems): errors named in the title
    write_diagram(dot_text, path, fmt) -> str | None   writes svg, png or dot; returns an error message
                                                       (e.g. Graphviz missing: the DOT is written beside
                                                       `path` and the message says how to install it)
    render_diagram(dot_text, fmt) -> bytes             SVG or PNG bytes; raises GraphvizMissing

Contracts: multiplicity is a count, never expanded: a part placed `x 1400` is one box that says so, with
its per-item figures, so a million-accelerator campus draws as fast as one rack. Output is deterministic:
node ids derive from instance paths, parts are drawn in spec order (itself deterministic), nothing depends
on hashing, time or the machine. Every label is an HTML-like label built here with every piece of text
escaped (`_esc`), so names, descriptions and locations cannot break or inject into the DOT or the SVG.
Figures read as the report writes them (power to four significant figures, money, flows: report_format), and a
figure of a quantity the run flags (`flags`) carries eval's mark after it on every view ('14.9 MW (⚠ computed from
an input outside its published range)': `_Plan.value` returns it as a `_Flagged` float that `_q`, `_flow`, `_pct`
and `_pue` mark); a total the diagram adds from flagged figures carries their mark too.
Every figure drawn is an output in results JSON (s18-render: the plan's totals, shares of the IT heat, a fabric over
all its placements). What the views still compute is the tree's counts when they collapse repeats: a rack type's
count in a container (`_Plan.racks_under`, `rack_types_under`: the counts down the tree multiplied, alike
placements added), the halls the power view draws as one, a scale-up domain's racks and a server's NICs in all
(network view); each is a count of placements, not a model figure.

Views:
    physical  site > hall > row as nested clusters, titled with their count and per-item and total IT
              power and accelerators; racks as cards with their count, per-rack power, accelerators and
              the servers inside summarized; the power, cooling and network gear a container holds in one
              "Equipment" card (with the counts the models size when the spec gives none). Siblings are
              laid out in spec order, four to a line.
    network   one cluster per `network` block (a top-level one sized on its own too): tiers top-down with switch
              counts (from the network model's outputs when it gives them), each tier edge's links at the link
              speed ('103,680 x 800 Gb/s': links_endpoint, links_leaf_spine, links_spine_core) and the
              oversubscription; a torus, no tiers; any other numbers the model computes in a details table;
              scale-up domains (racks with switch trays) and NICs.
    power     a one-line diagram: utility feed, the power gear placed (or the chain the facility model
              assumed: AC = transformer, UPS, PDU; dc800 = transformer, rectifier, DC busway), per hall,
              down to the IT load, with the power in and the loss at each stage and the cooling load (off the
              last shared transformer or switchgear, else each chain's share in its own chain).
    cooling   per hall: IT heat split to liquid (CDUs, coolant flow) and air (CRAHs, airflow), side by side, with
              the unit they are counted in (placed, an ancestor's, or the model default); the plant (chillers
              with the load they are sized on, dry coolers, cooling towers) and the heat rejected outdoors,
              with cooling power.
"""
from __future__ import annotations

import os
import re

from .diagram_base import _esc, _Plan, _room  # noqa: F401 - _esc and _room are part of what tests read
from .diagram_cooling import _cooling
from .diagram_network import _network
from .diagram_physical import _physical
from .diagram_power import _power

VIEWS = ("physical", "network", "power", "cooling")
FORMATS = ("svg", "png", "dot")
INSTALL_HINT = ("install Graphviz to render it: `python3 -m pip install graphviz-pure` (the embedded one, "
                "a factory-dsl dependency), `apt-get install graphviz` (Debian/Ubuntu), "
                "`brew install graphviz` (macOS), or see https://graphviz.org/download/")
DIAGRAM_EXIT_WHY = ("exit 2: the diagram asked for was not drawn; `factory build` exits 0 here, its report "
                    "being whole with the diagrams as DOT text")
"""Why `factory diagram` exits 2 where `factory build` exits 0 when nothing can draw: a diagram's one product is
the image it was asked for (a missing program is a missing optional tool, as a missing optional package is in
docs/scale.md); a build's product is its report, written in full with each diagram's DOT text and a note."""


# ============================================================================================ API
_BUILDERS = {"physical": _physical, "network": _network, "power": _power, "cooling": _cooling}


def diagram_dot(results, view: str, scenario: int = 0, flags: dict[str, str] | None = None,
                problems=None) -> str:
    """DOT text of one view of evaluated results (one scenario, 0-based). Deterministic. `flags`: {path: why} of
    the figures the run's diagnostics flag (`report_format.flagged_quantities(results, sink)`, as eval and the
    report mark them): a flagged figure the view draws carries the same mark. `problems`: the run's
    (`view.problems(results, sink)`); with errors or failing checks the title says so, in red."""
    if view not in _BUILDERS:
        raise ValueError(f"unknown view {view!r}; choose one of: {', '.join(VIEWS)}")
    n = max(int(results.scenario_count), 1)
    if not 0 <= scenario < n:
        raise ValueError(f"scenario {scenario} is out of range: the plan has {n} scenario(s)")
    plan = _Plan(results, scenario, flags)
    if problems is not None and (problems.errors or problems.checks_failed):
        plan.banner = _banner(results, scenario, problems)
    return _BUILDERS[view](plan)


def _banner(results, scenario: int, problems) -> str:
    """The title line of a plan with errors or failing checks: their count (eval's), and in a sweep the checks that
    fail in the scenario drawn (a check failing at 2 racks is not the 4-rack picture's)."""
    where = " (`factory eval` lists them)"
    if max(int(results.scenario_count), 1) == 1:
        counts = [problems.headline()] + ([problems.checks_line()] if problems.checks_failed else [])
        return "\u2717 this plan has " + " \u00b7 ".join(counts) + where
    here = sum(1 for c in results.checks if not c.ok and scenario in c.failing)
    if here:
        return (f"\u2717 {here} of {len(results.checks)} checks fail in this scenario "
                f"(the sweep has {problems.headline()}){where}")
    return f"\u2717 the sweep has {problems.headline()}, no check fails in this scenario{where}"


# The embedded Graphviz (graphviz-pure) draws PNG text in its own font, which has neither the banner's cross nor
# eval's warning sign: both came out as the font's empty box. Its PNGs draw them as the nearest shapes it has (a
# multiplication cross, a triangle); its SVG and the system `dot` keep them (tests/test_diagram_shortfall16.py).
EMBEDDED_PNG_GLYPHS = {"\u2717": "\u00d7", "\u26a0": "\u25b2"}


class GraphvizMissing(RuntimeError):
    """No Graphviz program draws in the current FACTORY_GRAPHVIZ mode: neither the system `dot` nor the embedded
    `graphviz-pure` (its message: `graphviz_backend.missing_reason`)."""


def missing_text(exc: Exception) -> str:
    """The reason of a GraphvizMissing as a clause ("No Graphviz program was found: ..."), as build and diagram say it."""
    text = str(exc) or "no Graphviz program was found"
    return text[0].upper() + text[1:]


def render_diagram(dot_text: str, fmt: str) -> bytes:
    """SVG or PNG bytes of DOT text, made by the system `dot` or the embedded Graphviz that pip installs
    (`compiler.graphviz_backend`; FACTORY_GRAPHVIZ=auto|system|embedded chooses).

    Raises GraphvizMissing when neither is available, RuntimeError when Graphviz rejects the input."""
    from .. import graphviz_backend

    if fmt not in ("svg", "png"):
        raise ValueError(f"cannot render {fmt!r}; choose svg or png")
    data = dot_text
    if fmt == "png":            # sharper text than the 96 dpi default; SVG is resolution-free
        data = re.sub(r"\{", "{\n\tdpi=144", dot_text, count=1)
        found = graphviz_backend.find_renderer()
        if found is not None and found[0] == "embedded":     # glyphs its PNG font lacks, as shapes it draws
            for glyph, drawn in EMBEDDED_PNG_GLYPHS.items():
                data = data.replace(glyph, drawn)
    try:
        return graphviz_backend.render(data, fmt)
    except graphviz_backend.RendererMissing as exc:
        raise GraphvizMissing(str(exc)) from None
    except graphviz_backend.RenderFailed as exc:
        raise RuntimeError(f"Graphviz failed: {exc}") from None


def write_diagram(dot_text: str, path: str, fmt: str) -> str | None:
    """Write `dot_text` to `path` as svg, png or dot. Returns None on success, else an error message.

    When Graphviz's `dot` program is missing, the DOT text is written beside `path` with a `.dot` suffix
    and the message says so and how to install Graphviz."""
    if fmt not in FORMATS:
        return f"unknown diagram format {fmt!r}; choose one of: {', '.join(FORMATS)}"
    try:
        if fmt == "dot":
            _write_bytes(path, dot_text.encode("utf-8"))
            return None
        try:
            rendered = render_diagram(dot_text, fmt)
        except GraphvizMissing as exc:
            fallback = os.path.splitext(path)[0] + ".dot"
            _write_bytes(fallback, dot_text.encode("utf-8"))
            return (f"{missing_text(exc)}, so {path} was not made; the DOT text is in "
                    f"{fallback}. {INSTALL_HINT[0].upper()}{INSTALL_HINT[1:]}, then run again "
                    f"(or `dot -T{fmt} {fallback} -o {path}`) ({DIAGRAM_EXIT_WHY})")
        except RuntimeError as exc:
            return f"cannot render {path}: {exc}"
        _write_bytes(path, rendered)
        return None
    except OSError as exc:
        return f"cannot write {path}: {exc.strerror or exc}"


def _write_bytes(path: str, data: bytes) -> None:
    folder = os.path.dirname(path)
    blocking = folder
    while blocking and not os.path.exists(blocking):      # the nearest part of the folder that exists
        blocking = os.path.dirname(blocking)
    if blocking and not os.path.isdir(blocking):        # makedirs says only "File exists"
        raise NotADirectoryError(0, f"{blocking} is a file, not a folder")
    if folder:
        os.makedirs(folder, exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(data)
