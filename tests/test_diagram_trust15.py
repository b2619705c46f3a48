"""Laws of the diagrams found broken in the session-15 trust hunt (compiler/render/diagram_*.py), read on the DOT
text: every figure drawn adds up as the results do, and a figure the run flags is flagged where it is drawn."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from compiler.cli import run_pipeline
from compiler.display import format_quantity
from compiler.render.diagram import diagram_dot

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "cases" / "diagram"
SCALE = {"W": 1.0, "kW": 1e3, "MW": 1e6, "GW": 1e9}

TWO_HALLS = """\
from systems import GB300_NVL72
site s {
  land_price = 0 USD
  hall a {
    power_feed = 2 MW
    rack r: GB300_NVL72 x 10
  }
  hall b x 2 {
    power_feed = 2 MW
    rack r: GB300_NVL72 x 5
  }
}
"""

# the same with a site-level fabric: the site's own chain (IT outside halls) feeds the site's own share of the plant
TWO_HALLS_AND_A_FABRIC = TWO_HALLS.replace(
    "from systems import GB300_NVL72\n", "from systems import GB300_NVL72\nfrom network import Q3400, OSFP_800G_2xDR4\n"
).replace("\n}\n", "\n  network backend {\n    role = \"scale_out\"\n    switch = Q3400\n"
          "    transceiver = OSFP_800G_2xDR4\n  }\n}\n")


def _results(path: Path):
    results, sink = run_pipeline([str(path)], {}, None, evaluate_all=True)
    assert results is not None, [d.message for d in sink.items]
    return results


def _plain(label: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", label).replace("&#8194;", " ")).strip()


def _nodes(dot: str) -> dict[str, str]:
    return {m.group(1): _plain(m.group(2)) for m in re.finditer(r"^\t(\w+) \[label=<(.*)>\]$", dot, flags=re.M)}


def _edges(dot: str) -> list[tuple[str, str, str, bool]]:
    """(tail, head, label text, dashed) of every edge."""
    out = []
    for m in re.finditer(r"^\t(\w+) -> (\w+)(?: \[(.*)\])?$", dot, flags=re.M):
        attrs = m.group(3) or ""
        label = re.search(r"label=<(.*)>(?: |$)", attrs)
        out.append((m.group(1), m.group(2), _plain(label.group(1)) if label else "", "style=dashed" in attrs))
    return out


_FLOW = re.compile(r"^(?:([\d,]+) \u00d7 )?([\d.,]+) (W|kW|MW|GW)$")


def _flow(text: str) -> tuple[float, float] | None:
    """(count, power per item in W) of an edge label '4 × 52.2 MW' or '92.5 kW'; None when not a flow."""
    m = _FLOW.match(text)
    if not m:
        return None
    return float((m.group(1) or "1").replace(",", "")), float(m.group(2).replace(",", "")) * SCALE[m.group(3)]


def _card_power(text: str, word: str = "") -> float | None:
    """The power after `word` in a card's text ('in 92.5 kW'), or its first power figure when no word is given."""
    m = re.search(rf"{word + ' ' if word else ''}([\d.,]+) (W|kW|MW|GW)\b", text)
    return float(m.group(1).replace(",", "")) * SCALE[m.group(2)] if m else None


POWER_CASES = [ROOT / "examples" / "enterprise_starter.factory", ROOT / "examples" / "flagship_campus.factory",
               CASES / "air_room.factory", CASES / "campus.factory"]


@pytest.mark.parametrize("case", POWER_CASES + ["two_halls", "two_halls_and_a_fabric"],
                         ids=lambda p: getattr(p, "stem", p))
def test_the_power_one_line_conserves_power_at_every_node(case, tmp_path) -> None:
    """enterprise_starter's one-line drew the utility feed's 92.5 kW into the hall (whose transformer's 'in 92.5 kW'
    carries the cooling plant too) and a second, dashed 20.2 kW edge from the feed to the cooling plant: the feed's
    edges summed 112.7 kW against its 92.5 kW at the meter, and the hall transformer's 92.5 kW in less its 1.39 kW
    loss left 91.1 kW where one 70.9 kW edge went out. Law (Kirchhoff on the drawing, 3-digit labels): the flows
    out of the utility feed sum to the facility power at the meter; the flows out of a stage sum to its power in
    less its loss (per item, where the card says 'each'); the flows into the cooling plant sum to its power."""
    if isinstance(case, str):
        text = TWO_HALLS if case == "two_halls" else TWO_HALLS_AND_A_FABRIC
        case = tmp_path / f"{case}.factory"
        case.write_text(text)
    results = _results(case)
    dot = diagram_dot(results, "power")
    nodes, edges = _nodes(dot), _edges(dot)
    if "fabric" in case.stem:                  # the site's own chain is drawn, and feeds the plant
        assert any(h.startswith("coolingload_") and "direct" in t for t, h, _l, _d in edges), edges
    root = next(n for n in nodes if n.startswith("utility_"))
    facility = _card_power(nodes[root])          # its first figure: '92.5 kW peak at the meter'
    outs = [_flow(label) for tail, _h, label, _d in edges if tail == root and _flow(label)]
    assert sum(c * p for c, p in outs) == pytest.approx(facility, rel=0.01), (nodes[root], outs)
    for node, text in nodes.items():
        if not node.startswith("stage_"):
            continue
        into, loss = _card_power(text, "in"), _card_power(text, "loss")
        flows = [_flow(label) for tail, _h, label, _d in edges if tail == node and _flow(label)]
        each = " each" in text
        out = sum(p if each else c * p for c, p in flows)
        assert out == pytest.approx(into - loss, rel=0.01, abs=1.0), (node, text, flows)
    cooling = [n for n in nodes if n.startswith("coolingload_")]
    for node in cooling:
        plant = _card_power(nodes[node])
        flows = [_flow(label) for _t, head, label, _d in edges if head == node and _flow(label)]
        assert sum(c * p for c, p in flows) == pytest.approx(plant, rel=0.01), (nodes[node], flows)


ZERO = re.compile(r"(?<![\d.,])0 (W|kW|MW|accelerators)\b")


@pytest.mark.parametrize("view", ["power", "cooling"])
@pytest.mark.parametrize("example", ["moe_training_rubin_vs_blackwell", "inference_shootout"])
def test_a_site_of_workloads_has_no_zero_watts_in_its_title(example, view) -> None:
    """A site that places no building, only workloads on the systems they name: its power view was titled
    '0 W at the meter (peak) · 0 W IT · chain efficiency n/a' and its cooling view '0 W IT heat · 0 W to liquid ·
    0 W to air · cooling power 0 W peak', above a note saying there is nothing to draw (the physical view says
    'no building placed · 4 workload(s) on the systems they name'). Law: no zero power is printed for it; the
    title says what the physical view's says."""
    dot = diagram_dot(_results(ROOT / "examples" / f"{example}.factory"), view)
    text = _plain(dot)
    assert not ZERO.search(text), re.findall(r".{40}(?<![\d.,])0 (?:W|kW|MW)\b.{20}", text)
    assert "no building placed" in text and "workload(s) on the systems they name" in text


UNPRICED_SWITCH = """\
from systems import DGX_H100_rack
switch cheap {
  ports = 64
  port_speed = 400 Gb/s
  power = 1 kW
  height = 1 U
}
site s {
  land_price = 0 USD
  hall h {
    rack r: DGX_H100_rack x 16
  }
  network fab {
    role = "scale_out"
    switch = cheap
  }
}
"""


def test_a_capex_that_counts_an_unpriced_switch_is_flagged_on_the_network_view(tmp_path) -> None:
    """A fabric of a switch with no price: eval prints `s.fab.capex 729.6 kUSD (⚠ incomplete: counts unpriced parts
    as $0)` and the report marks it, but the network view (CLI and the report's own diagram) printed 'capex $730k'
    as a clean figure. Law: a figure the run flags is flagged where the diagram draws it, with eval's words."""
    from click.testing import CliRunner

    from compiler.cli import main
    from compiler.render.report import make_diagrams

    spec = tmp_path / "unpriced.factory"
    spec.write_text(UNPRICED_SWITCH)
    done = CliRunner().invoke(main, ["diagram", str(spec), "--view", "network", "--format", "dot", "-o", "-"])
    text = _plain(done.output)
    assert "capex $730k (\u26a0 incomplete: counts unpriced parts as $0)" in text, text[:600]
    assert "optics capex $730k" in text and "optics capex $730k (\u26a0" not in text     # the optics are priced
    results, sink = run_pipeline([str(spec)], {}, None, evaluate_all=True)
    (tmp_path / "build").mkdir()
    drawn = make_diagrams(results, str(tmp_path / "build"), sink)
    svg = (tmp_path / "build" / "network.svg").read_text() if drawn["network"]["file"] == "network.svg" else \
        (tmp_path / "build" / "network.dot").read_text()
    assert "incomplete: counts unpriced parts as $0" in svg


OVER_FEED = """\
from systems import DGX_H100_rack
site s {
  land_price = 0 USD
  utility_feed = 1 MW
  hall h {
    power_feed = 100 kW
    rack r: DGX_H100_rack x 4
  }
}
"""


def test_a_hall_over_its_feed_is_flagged_on_the_physical_view(tmp_path) -> None:
    """A hall of 4 DGX H100 racks on a 100 kW feed: `eval` reports limit-exceeded (facility_power 193 kW against
    power_feed 100 kW) and the power view prints the feed in red, but the physical view titled the hall
    '128 accelerators · 140 kW IT · 193 kW at the meter' with no word of its feed. Law: the physical view gives each
    hall's and site's feed and its use (the model's feed_utilization), in the alert colour when over 100%."""
    from compiler.render.diagram_base import ALERT

    spec = tmp_path / "over.factory"
    spec.write_text(OVER_FEED)
    results = _results(spec)
    dot = diagram_dot(results, "physical")
    used = results.values["s.h.feed_utilization"].item()
    assert used > 1
    line = re.search(rf'<FONT COLOR="{ALERT}">feed 100 kW \(([\d.]+)% used\)', dot)
    assert line and float(line.group(1)) == pytest.approx(used * 100, abs=0.05), dot[:2000]
    site_used = results.values["s.feed_utilization"].item()
    assert site_used < 1
    assert f"feed 1 MW ({site_used * 100:.1f}% used)" in _plain(dot)
    assert not re.search(rf'<FONT COLOR="{ALERT}">feed 1 MW', dot)


def test_the_physical_title_says_its_pue_is_the_annual_one() -> None:
    """The flagship's physical view was titled '103,680 accelerators · 223 MW IT peak · 259 MW at the meter ·
    PUE 1.09': the peak figures beside it make 259 / 223 = 1.16, and the 1.09 is the annual PUE (average facility
    over average IT power, 211.3 / 194.7 MW; the report says 'annual average'). Law: the PUE the title prints is
    named annual, and it is the model's `pue`, which the two peak figures beside it do not give."""
    results = _results(ROOT / "examples" / "flagship_campus.factory")
    text = _plain(diagram_dot(results, "physical"))
    pue = results.values["frontier_campus.pue"].item()
    assert f"annual PUE {format_quantity(pue, '1')}" in text
    peak = results.values["frontier_campus.facility_power"].item() / results.values["frontier_campus.it_power"].item()
    assert f"{peak:.2f}" != f"{pue:.2f}"


def test_a_workload_on_a_site_with_a_building_is_drawn_and_flagged_when_it_cannot_run(tmp_path) -> None:
    """enterprise_starter with `inference big { model = Llama3_1_405B  rack = air_rack  accelerators = 8 }`: eval
    reports infeasible-workload (811.7 GB of weights on 8 x 72 GB usable), but no view drew the workload at all: the
    physical view lists workloads only on a site that places no building (the flagship's chat and frontier_run were
    never drawn either). Law: every workload of a drawn site is listed on its physical view, and one that cannot run
    is marked so, in the alert colour."""
    from compiler.render.diagram_base import ALERT

    text = (ROOT / "examples" / "enterprise_starter.factory").read_text().replace(
        "from chips import H100_SXM, Xeon_8480C",
        "from chips import H100_SXM, Xeon_8480C\nfrom models import Llama3_1_405B")
    body, last = text.rstrip().rsplit("}", 1)
    spec = tmp_path / "infeasible.factory"
    spec.write_text(body + "  inference big {\n    model = Llama3_1_405B\n    rack = air_rack\n    accelerators = 8\n"
                    "    precision = \"bf16\"\n  }\n}" + last + "\n")
    results, sink = run_pipeline([str(spec)], {}, None, evaluate_all=True)
    assert any(d.code == "infeasible-workload" for d in sink.items)
    dot = diagram_dot(results, "physical")
    assert re.search(rf"inference big \u00b7 Llama3_1_405B on air_rack \u00b7 8 accelerators.*?"
                     rf"<FONT COLOR=\"{ALERT}\"> \u00b7 cannot run \(infeasible-workload\)", dot), _plain(dot)
    flagship = _plain(diagram_dot(_results(ROOT / "examples" / "flagship_campus.factory"), "physical"))
    assert "training frontier_run" in flagship and "inference chat" in flagship
    assert "cannot run" not in flagship


@pytest.mark.parametrize("view", ["physical", "network", "power", "cooling"])
def test_a_plan_with_errors_says_so_on_every_view(tmp_path, view) -> None:
    """A hall on a 100 kW feed under 193 kW, and an assert that fails: `factory diagram` prints the errors and exits
    1, but the picture, which is what reaches a design review, read as a clean plan (the failed assert nowhere on it).
    Law: a view of a plan with errors or failing checks says so in its title, in the alert colour, with the count
    `factory eval` gives; a clean plan's views say nothing of the kind."""
    from click.testing import CliRunner

    from compiler.cli import main
    from compiler.render.diagram_base import ALERT

    spec = tmp_path / "over.factory"
    failing = "    rack r: DGX_H100_rack x 4\n    assert it_power <= 100 kW, \"a small room\"\n"
    spec.write_text(OVER_FEED.replace("    rack r: DGX_H100_rack x 4\n", failing))
    done = CliRunner().invoke(main, ["diagram", str(spec), "--view", view, "--format", "dot", "-o", "-"])
    assert done.exit_code == 1
    assert re.search(rf'<FONT COLOR="{ALERT}">\u2717 [^<]*\d+ errors?[^<]*checks? fail', done.output), \
        _plain(done.output)[:400]
    clean = CliRunner().invoke(main, ["diagram", str(ROOT / "examples" / "enterprise_starter.factory"), "--view",
                                      view, "--format", "dot", "-o", "-"])
    assert clean.exit_code == 0 and "\u2717" not in clean.output


@pytest.mark.parametrize("racks_per_row", ["40", "80"])
def test_the_cooling_view_gives_flows_in_the_reports_units(racks_per_row) -> None:
    """The cooling view drew the flagship hall's airflow as '530 m³/s' where the report's hall table (and eval) give
    '1,910,000 m³/h', and a hall's coolant switched to m³/s above 100 m³/min (the flagship at 80 racks a row:
    2.05 m³/s against the report's '123,000 L/min'). Law: every flow the view draws is in the report's units and
    rounding (report_format styles flow_liquid, L/min, and flow_air, m³/h): the hall's coolant and airflow appear as
    the report writes them, and no m³/s."""
    from compiler.render.report_format import fmt

    results, sink = run_pipeline([str(ROOT / "examples" / "flagship_campus.factory")],
                                 {"racks_per_row": racks_per_row}, None, evaluate_all=True)
    text = _plain(diagram_dot(results, "cooling"))
    hall = "frontier_campus.data_hall"
    assert f"coolant {fmt(results.values[hall + '.coolant_flow'].item(), 'flow_liquid')}" in text, text
    assert f"airflow {fmt(results.values[hall + '.airflow'].item(), 'flow_air')}" in text, text
    assert "m\u00b3/s" not in text


def test_the_diagram_format_follows_the_output_file_and_never_contradicts_it(tmp_path) -> None:
    """`factory diagram SPEC -o plan.png` wrote SVG text into plan.png (the format defaults to svg whatever the file
    is called: an image viewer cannot open it), and `-o plan.pdf` wrote SVG into a .pdf, both with exit 0. Law: the
    format comes from -o's suffix when --format is not given (.svg, .png, .dot); a suffix that names another format
    than --format, or that is none of the three, is a usage error (exit 2) that says so; without -o, svg as before."""
    from click.testing import CliRunner

    from compiler import graphviz_backend
    from compiler.cli import main

    spec = str(ROOT / "examples" / "enterprise_starter.factory")
    run = CliRunner().invoke
    done = run(main, ["diagram", spec, "--view", "power", "-o", str(tmp_path / "plan.dot")])
    assert done.exit_code == 0 and (tmp_path / "plan.dot").read_text().startswith("digraph power {")
    if graphviz_backend.find_renderer() is not None:
        done = run(main, ["diagram", spec, "--view", "power", "-o", str(tmp_path / "plan.png")])
        assert done.exit_code == 0 and (tmp_path / "plan.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    done = run(main, ["diagram", spec, "--view", "power", "--format", "svg", "-o", str(tmp_path / "bad.png")])
    assert done.exit_code == 2 and "--format svg" in done.output and ".png" in done.output
    assert not (tmp_path / "bad.png").exists()
    done = run(main, ["diagram", spec, "--view", "power", "-o", str(tmp_path / "plan.pdf")])
    assert done.exit_code == 2 and ".pdf" in done.output and not (tmp_path / "plan.pdf").exists()


def test_a_sweeps_error_banner_speaks_of_the_scenario_drawn() -> None:
    """enterprise_starter swept over racks = [2, 4]: its assert 'gpus == 64' fails at 2 racks only. The picture of
    scenario 2 (4 racks, every check holds) was titled '✗ this plan has 1 error · 1 of 19 checks fail'. Law: the
    banner counts the checks failing in the scenario drawn; a scenario whose checks all hold says the sweep's errors
    are elsewhere, never that its own checks fail."""
    from click.testing import CliRunner

    from compiler.cli import main

    spec = str(ROOT / "examples" / "enterprise_starter.factory")
    shown = {}
    for scenario in (1, 2):
        done = CliRunner().invoke(main, ["diagram", spec, "-D", "racks=[2, 4]", "--scenario", str(scenario),
                                         "--view", "physical", "--format", "dot", "-o", "-"])
        assert done.exit_code == 1
        shown[scenario] = re.search(r"\u2717[^<]*", done.output).group(0)
    assert re.search(r"1 of \d+ checks fail in this scenario", shown[1]), shown[1]
    assert "checks fail" not in shown[2] and "no check fails in this scenario" in shown[2], shown[2]


@pytest.mark.parametrize("head", ["hall h x 3 {", "site s x 2 {"])
def test_a_count_on_a_top_level_block_is_an_error_not_ignored(tmp_path, head) -> None:
    """`hall h x 3 { rack r: GB300_NVL72 x 8 }` at the top of a file: check said 'no problems', eval gave 576
    accelerators (one hall's) and every diagram drew one hall with no '× 3': the count was dropped without a word
    (`site s x 2` too), so the plan read a third (a half) of what its author wrote. Law: a multiplicity on a
    top-level block (a definition, or the root a plan draws) is an invalid-count error at the count, exit 1."""
    from click.testing import CliRunner

    from compiler.cli import main

    body = ("  rack r: GB300_NVL72 x 8\n" if head.startswith("hall")
            else "  land_price = 0 USD\n  hall h {\n    rack r: GB300_NVL72 x 8\n  }\n")
    spec = tmp_path / "root.factory"
    spec.write_text("from systems import GB300_NVL72\n" + head + "\n" + body + "}\n")
    done = CliRunner().invoke(main, ["check", str(spec)])
    assert done.exit_code == 1, done.output
    assert "error[invalid-count]" in done.output and ":2:" in done.output, done.output


@pytest.mark.parametrize("view", ["cooling", "power"])
def test_a_plant_the_models_could_not_size_is_drawn_n_a_not_zero(view) -> None:
    """The flagship at -D racks_per_row=2.5 (invalid-count: every figure built on the racks has no value, n/a in
    eval): the cooling view drew 'Chillers × 0 · no compressor load at the design ambient · plant power 0 W peak ·
    n/a average', 'Dry coolers × 0' and '0 × GB300_NVL72', zeros made from absent figures (`or 0.0`), beside eval's
    n/a, and titled the hall's heat 'Nothing to draw: hall data_hall places nothing that draws power' (the power
    view too, under 'Generator_3MW × 0'). Law: a figure
    the results do not have is drawn n/a, never 0, and no conclusion ('no compressor load') is drawn from it."""
    results, sink = run_pipeline([str(ROOT / "examples" / "flagship_campus.factory")], {"racks_per_row": "2.5"},
                                 None, evaluate_all=True)
    assert results is not None and results.values["frontier_campus.chillers"].size
    text = _plain(diagram_dot(results, view))
    assert not ZERO.search(text), re.findall(r".{40}(?<![\d.,])0 (?:W|kW|MW)\b.{20}", text)
    assert not re.search(r"(?<![\d.,])0 \u00d7", text) and "\u00d7 0 " not in text, text
    assert "no compressor load" not in text and "places nothing that draws power" not in text
    if view == "power":
        return
    assert "Chillers \u00d7 n/a" in text and "Dry coolers \u00d7 n/a" in text and "plant power n/a peak" in text


def test_a_limit_computed_from_an_implausible_input_is_flagged_on_the_rack_card() -> None:
    """enterprise_starter with `power_limit = 250000 kW` (a unit slip: eval warns implausible-value and marks
    `air_rack.power_limit 250 MW (⚠ computed from an input outside its published range)`): the physical view's rack
    card read 'limit 250 MW (0.0% used)' as a clean figure, through `factory diagram` and the report alike. Law: the
    rack's limit line carries eval's mark, in the alert colour."""
    from click.testing import CliRunner

    from compiler.cli import main
    from compiler.render.diagram_base import ALERT

    text = (ROOT / "examples" / "enterprise_starter.factory").read_text().replace(
        "  power_limit = 25 kW ", "  power_limit = 250000 kW ")
    runner = CliRunner()
    with runner.isolated_filesystem():
        Path("slip.factory").write_text(text)
        done = runner.invoke(main, ["diagram", "slip.factory", "--view", "physical", "--format", "dot", "-o", "-"])
    assert re.search(rf'<FONT COLOR="{ALERT}">limit 250 MW \(0.0% used\) \(\u26a0 computed from an input outside '
                     r"its published range\)", done.output), _plain(done.output)


@pytest.mark.parametrize("view", ["physical", "power", "cooling"])
def test_a_power_figure_reads_the_same_on_the_diagram_as_in_the_report(view) -> None:
    """The flagship's IT power is 222.5 MW in the report and eval (report_format: four significant figures,
    display.format_number), but every diagram printed '223 MW' (three). Law: a power figure the diagram prints is
    the report's text of the same quantity: the site's IT power reads as `_View.show` writes it, and no
    three-figure rounding of it appears."""
    from compiler.render.report_format import _View

    results = _results(ROOT / "examples" / "flagship_campus.factory")
    it = results.values["frontier_campus.it_power"].item()
    shown = _View(results, 0).show("frontier_campus.it_power")
    assert shown == "222.5 MW"                       # by hand: 222,5xx,xxx W to four significant figures
    text = _plain(diagram_dot(results, view))
    assert shown in text, text[:400]
    assert "223 MW" not in text and it / 1e6 != pytest.approx(223, abs=0.05)


HOT_CHIP = """\
from chips import H100_SXM
from systems import DGX_H100, DGX_H100_rack
chip hot extends H100_SXM {
  tdp = 700 kW
}
server slip extends DGX_H100 {
  chip gpu: hot x 8
  max_power = 8000 kW
}
rack slip_rack {
  server s: slip x 1
}
site s {
  land_price = 0 USD
  utility_feed = 100 MW
  hall a {
    rack r: slip_rack x 2
  }
  hall b {
    power_feed = 1 MW
    rack r: DGX_H100_rack x 2
  }
}
"""

_SIZED = {"chillers": "Chillers", "dry_coolers": "Dry coolers", "crahs": "CRAHs", "cdus": "CDUs"}
_FIGURE = re.compile(r"(?<![\d.,$])((?:Chillers|Dry coolers|CRAHs|CDUs) \u00d7 [\d,]+|\$[\d.,]+[kMB]?|[\d.,]+ (?:W|kW|MW|GW|L/min|m\u00b3/h)(?![\w.])|[\d.]+%|PUE [\d.]+\d)")


@pytest.mark.parametrize("spec", ["hot_chip", "unpriced_switch"])
def test_every_figure_the_run_flags_is_marked_on_every_view_and_no_other(spec, tmp_path) -> None:
    """A chip written `tdp = 700 kW` (a unit slip for 700 W: eval warns implausible-value and marks hall a's
    `it_power 14.9 MW (⚠ computed from an input outside its published range)`, its heat, cooling and facility
    power, and the site's totals): the power view printed '14.9 MW IT', the cooling view '14.9 MW heat' and the
    physical view's titles '14.9 MW IT' as clean figures; only the network view's capex and the rack limit carried
    eval's mark. Law, on every view, in DOT and SVG: every power, money, flow, share, PUE or sized-gear count printed for a quantity the run
    flags (`flagged_quantities`, eval's) is followed by eval's mark, and a figure of a quantity it does not flag
    is not; every mark follows a flagged figure. (A figure text two quantities share, one flagged and one not,
    says nothing and is skipped; hall b, clean DGX H100 racks, is the unflagged half.)"""
    from compiler import graphviz_backend
    from compiler.render.diagram import render_diagram
    from compiler.render.report_format import flagged_quantities, fmt

    path = tmp_path / f"{spec}.factory"
    path.write_text(HOT_CHIP if spec == "hot_chip" else UNPRICED_SWITCH)
    results, sink = run_pipeline([str(path)], {}, None, evaluate_all=True)
    flags = flagged_quantities(results, sink)
    assert flags and any(p.endswith(".it_power") for p in flags) == (spec == "hot_chip")
    shown: dict[str, set[str]] = {}            # figure text -> the reasons of the quantities it is the text of
    for p, arr in results.values.items():
        unit = results.units.get(p, "")
        if not hasattr(arr, "size") or not p.startswith("s.") or arr.size != 1:
            continue
        if p.rsplit(".", 1)[-1] in _SIZED:           # a count the models size: 'CRAHs × 101'
            shown.setdefault(f"{_SIZED[p.rsplit('.', 1)[-1]]} \u00d7 {arr.item():,.0f}", set()).add(flags.get(p, ""))
            continue
        if unit in ("", "1") and 0 <= arr.item() <= 10 and not float(arr.item()).is_integer():  # a share, a PUE
            shown.setdefault(f"{arr.item() * 100:.1f}%", set()).add(flags.get(p, ""))
            if p.endswith(".pue"):
                shown.setdefault(f"PUE {format_quantity(arr.item(), '1')}", set()).add(flags.get(p, ""))
            continue
        if unit not in ("W", "USD", "m^3/s"):
            continue
        styles = {"W": ["power"], "USD": ["money"], "m^3/s": ["flow_liquid", "flow_air"]}[unit]
        for style in styles:
            shown.setdefault(fmt(arr.item(), style), set()).add(flags.get(p, ""))
    flagged = {t: next(iter(w)) for t, w in shown.items() if len(w) == 1 and "" not in w}
    clean = {t for t, w in shown.items() if w == {""}}
    svg_ok = graphviz_backend.find_renderer() is not None
    for view in ("physical", "network", "power", "cooling"):
        dot = diagram_dot(results, view, flags=flags)
        text = _plain(dot)
        checked = 0
        for m in _FIGURE.finditer(text):
            after = text[m.end():]
            if m.group(1) in flagged:
                assert after.startswith(f" (\u26a0 {flagged[m.group(1)]})"), (view, text[m.start() - 60:m.end() + 60])
                checked += 1
            elif m.group(1) in clean:
                assert not after.startswith(" (\u26a0"), (view, text[m.start() - 60:m.end() + 60])
        for m in re.finditer(r" \(\u26a0", text):     # the figure a mark follows is a flagged one's text
            before = list(_FIGURE.finditer(text[max(0, m.start() - 40):m.start()]))
            assert before and before[-1].group(1) in set(shown) - clean, (view, text[m.start() - 60:m.end() + 60])
        if spec == "hot_chip" and view != "network":
            assert checked, (view, text[:600])          # the view draws hall a's power: some flagged figure
        if svg_ok:
            svg = render_diagram(dot, "svg").decode()
            assert svg.count("\u26a0") == dot.count("\u26a0"), view
