"""What the diagram views draw (compiler/render/diagram.py): the power one-line's topology, labels that
leave room for the browser's font, and diagrams that read the results rather than the models."""
from __future__ import annotations

import re
from pathlib import Path

from compiler.cli import run_pipeline
from compiler.render.diagram import diagram_dot

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "cases" / "diagram"


def _dot(path: Path, view: str = "power") -> str:
    results, sink = run_pipeline([str(path)], {}, None, evaluate_all=True)
    assert results is not None, [d.message for d in sink.items]
    return diagram_dot(results, view)


def _edges(dot: str) -> list[tuple[str, str]]:
    return re.findall(r"^\s*(\w+) -> (\w+)", dot, flags=re.M)


def test_cooling_plant_is_fed_through_the_shared_transformer_or_switchgear() -> None:
    """campus.factory places one site transformer ahead of every hall; air_room.factory a transformer
    then LV switchgear. The cooling plant hangs off the last of them, never off the utility feed."""
    for case, tap in (("campus", "stage_campus__tx"), ("air_room", "stage_enterprise_room__lv")):
        edges = _edges(_dot(CASES / f"{case}.factory"))
        into_cooling = [a for a, b in edges if b.startswith("coolingload_")]
        assert into_cooling == [tap], (case, into_cooling)
        assert not any(a.startswith("utility_") and b.startswith("coolingload_") for a, b in edges)


def test_cooling_load_is_counted_in_the_gear_that_carries_it() -> None:
    """air_room: 324.9 kW IT, 83.94 kW cooling: the switchgear carries the UPS's input plus the cooling."""
    dot = _dot(CASES / "air_room.factory")
    assert "of which cooling 83.94 kW" in dot
    switchgear_in = re.search(r"lv_gear.*?in ([\d.]+) kW", dot, flags=re.S)
    ups_in = re.search(r"ups_500.*?in ([\d.]+) kW", dot, flags=re.S)
    assert switchgear_in and ups_in
    assert abs(float(switchgear_in.group(1)) - (float(ups_in.group(1)) + 83.9)) < 1.0


def test_without_shared_gear_each_hall_feeds_its_plant_from_its_own_transformer() -> None:
    """enterprise_starter's hall has its own (assumed) transformer, whose flow carries the hall's cooling plant
    (compiler.models.facility: each hall's plant is fed through the hall's own chain): the plant hangs off that
    transformer, not off the utility feed through a second 'mechanical feed' (whose 20.2 kW edge was drawn beside
    the 92.5 kW into the hall that already carried it; tests/test_diagram_trust15.py checks the sums)."""
    edges = _edges(_dot(ROOT / "examples" / "enterprise_starter.factory"))
    into_cooling = [a for a, b in edges if b.startswith("coolingload_")]
    assert into_cooling == ["stage_default_transformer_headquarters__server_room_headquarters__server_room"]
    assert not any(a.startswith("utility_") and b.startswith(("coolingload_", "mechfeed_")) for a, b in edges)


def test_every_label_line_leaves_room_for_a_wider_font() -> None:
    """Each line of every label ends with en spaces (0.5 em) worth at least a tenth of its width (at
    about 0.55 em a character), so a browser font up to ~10% wider than the one Graphviz measured with
    stays inside the box."""
    from compiler.render.diagram import _room

    assert _room("") == ""
    line = "360 × GB300_NVL72 · 140 kW each · hybrid"            # 40 characters
    padded = _room(line)
    assert padded.startswith(line) and padded[len(line):] == "&#8194;" * 6   # ceil(40 * 0.12 * 0.55 / 0.5)
    assert _room("<B>a&amp;b</B>").endswith("&#8194;")                        # tags and entities are not text
    dot = _dot(ROOT / "examples" / "flagship_campus.factory", "cooling")
    for cell in re.findall(r"<FONT[^>]*>(.*?)</FONT>", dot):
        if "<FONT" in cell:
            continue
        text = re.sub(r"<[^>]*>", "", cell).replace("&#8194;", "\u2002")
        visible = text.rstrip("\u2002")
        if visible:
            assert (len(text) - len(visible)) * 0.5 >= 0.1 * 0.55 * len(visible), cell


def _with_outputs(path: Path, extra: dict[str, float]):
    """Results with model outputs the facility model gives (per-stage losses, whether chillers run) set
    by hand, to check the views read them rather than restating the model."""
    import numpy as np

    results, sink = run_pipeline([str(path)], {}, None, evaluate_all=True)
    assert results is not None, [d.message for d in sink.items]
    for name, value in extra.items():
        results.values[name] = np.array([value])
        results.units[name] = "W" if name.endswith("_loss") else "1"
    return results


def test_power_view_draws_the_models_stage_losses_when_given() -> None:
    """air_room: 325 kW IT through transformer, switchgear, UPS, PDU. With stage losses of 5, 0.4, 14 and
    5 kW given as outputs, the cards show them; each stage's input is the model's (the output below plus the
    model's loss: PDU in = 325 + 5.1 = 330 kW, UPS in = 330 + 17.2 = 347 kW)."""
    room = "enterprise_room"
    results = _with_outputs(CASES / "air_room.factory", {
        f"{room}.transformer_loss": 5000.0, f"{room}.switchgear_loss": 400.0, f"{room}.ups_loss": 14000.0,
        f"{room}.pdu_loss": 5000.0, f"{room}.ups_stage_efficiency": 330 / 344})
    it = results.values[f"{room}.it_power"][0]
    dot = diagram_dot(results, "power")
    for text in ("loss 5 kW", "loss 400 W", "loss 14 kW", "\u03b7 95.9%"):
        assert text in dot, text
    # the cards' inputs are the model's `<stage>_power_in`: the output below plus the model's own loss (s21-power:
    # the two 500 kVA UPS units run at 34% at peak, below the 50% their efficiency is read at: their curve loses
    # 17.2 kW there, no longer ~the 14 kW given, so the inputs are checked against the model's stage figures)
    v = {k: results.values[f"{room}.{k}"][0] for k in ("pdu_power_in", "ups_power_in")}
    pdu_in = re.search(r"pdu_300.*?in ([\d.]+) kW", dot, flags=re.S)
    ups_in = re.search(r"ups_500.*?in ([\d.]+) kW", dot, flags=re.S)
    assert abs(float(pdu_in.group(1)) * 1e3 - v["pdu_power_in"]) < 500 and v["pdu_power_in"] > it
    assert abs(float(ups_in.group(1)) * 1e3 - v["ups_power_in"]) < 500 and v["ups_power_in"] > v["pdu_power_in"]


def test_cooling_view_reads_whether_chillers_run() -> None:
    """The air loop of air_room goes to the chillers by the restated rule; with the model's
    `air_chillers_run = 0` it is drawn as free cooling straight to heat rejection."""
    room = "enterprise_room"
    before = _edges(_dot(CASES / "air_room.factory", "cooling"))
    assert (f"crahs_{room}", f"chillers_{room}") in before
    after = diagram_dot(_with_outputs(CASES / "air_room.factory", {f"{room}.air_chillers_run": 0.0}), "cooling")
    assert (f"crahs_{room}", f"towers_{room}") in _edges(after) and "free cooling" in after


def test_physical_view_draws_every_watt_of_a_containers_it_power() -> None:
    """Law: a site's, hall's or row's IT power is the sum of what the physical view draws inside it: its halls,
    rows, racks and servers (count x IT power) and the IT gear on its equipment card (networks, switches, NICs
    ...: `draws ...`, each gear's power as the diagram writes it). The flagship drew its networks' 21 MW
    without a figure, so its campus's 223 MW IT could not be read off its halls' 202 MW."""
    from compiler.render.diagram_base import _Plan, _q
    from compiler.render.diagram_physical import IT_GEAR

    results, sink = run_pipeline([str(CASES / "campus.factory")], {}, None, evaluate_all=True)
    dot, plan = diagram_dot(results, "physical"), _Plan(results)
    todo, checked = list(results.graph.roots), 0
    while todo:
        inst = todo.pop()
        todo.extend(inst.parts)
        if plan.kind(inst) not in ("site", "hall", "row"):
            continue
        drawn = 0.0
        for part in inst.parts:
            count = plan.count(part) or 1.0
            if plan.kind(part) in ("hall", "row", "rack"):
                drawn += count * plan.get(part, "it_power")
            elif plan.kind(part) == "server":
                drawn += count * plan.get(part, "peak_power")
            elif plan.kind(part) in IT_GEAR:
                power = plan.get(part, "power")
                drawn += count * power
                assert f"draws {_q(power, 'W')}" in dot, part.path
        assert abs(drawn - plan.get(inst, "it_power")) <= 1e-9 * plan.get(inst, "it_power"), inst.path
        checked += 1
    assert checked >= 4          # the site, its two halls, their rows


WORKLOADS_ONLY = '''
from systems import DGX_H100
from models import Llama3_1_8B

site compare {
  inference given {
    model = Llama3_1_8B
    system = DGX_H100
    accelerators = 8
    precision = "bf16"
    scenario = "offline"
    input_tokens = 1000 tok
    output_tokens = 200 tok
  }
  inference sized {
    model = Llama3_1_8B
    system = DGX_H100
    precision = "bf16"
    scenario = "single_stream"
    input_tokens = 1000 tok
    output_tokens = 200 tok
  }
}
'''


def test_physical_view_of_a_site_of_workloads_lists_each_with_its_accelerators(tmp_path) -> None:
    """A site that places no building but runs workloads (the shoot-out and MoE examples) was drawn "(empty)".
    Law: the view lists every workload of the spec once, with the system it names and its accelerator count as
    the results hold it (given, else `accelerators_needed`, else `accelerators_held`)."""
    spec = tmp_path / "workloads.factory"
    spec.write_text(WORKLOADS_ONLY)
    results, sink = run_pipeline([str(spec)], {}, None, evaluate_all=True)
    assert results is not None, [d.message for d in sink.items]
    dot = diagram_dot(results, "physical")
    assert "(empty)" not in dot and "2 workload(s)" in dot and "cannot run" not in dot
    for name, field in (("given", "accelerators"), ("sized", "accelerators_held")):     # no demand: held
        n = int(round(float(results.values[f"compare.{name}.{field}"][0])))
        line = f"inference {name} \u00b7 Llama3_1_8B on DGX_H100 \u00b7 {n:,} accelerator{'' if n == 1 else 's'}"
        assert dot.count(line) == 1, (line, dot)
    # a workload that cannot run (70B weights in 16 bits on one 80 GB GPU) is marked, the other is not
    spec.write_text(WORKLOADS_ONLY.replace("accelerators = 8", "accelerators = 1").replace(
        "model = Llama3_1_8B\n    system = DGX_H100\n    accelerators", "model = Llama3_1_70B\n    system = DGX_H100\n"
        "    accelerators").replace("import Llama3_1_8B", "import Llama3_1_8B, Llama3_1_70B"))
    results, sink = run_pipeline([str(spec)], {}, None, evaluate_all=True)
    lines = [row for row in diagram_dot(results, "physical").split("<TR>") if "inference " in row]   # a row each
    marked = {name for name in ("given", "sized") if any(f"inference {name} " in x and "cannot run" in x for x in lines)}
    assert marked == {"given"}, lines


def test_edge_label_text_keeps_clear_of_its_edge(monkeypatch) -> None:
    """Law: the text of a label on a vertical edge starts at least EDGE_GAP (less half a point of rounding) to
    the right of the edge, with each Graphviz program there is here. dot sets a label's box against its
    edge: the network view's "800 Gb/s" touched the line, and the embedded program drew "oversubscription
    1:1 (non-blocking)" across it."""
    import shutil

    import pytest

    from compiler import graphviz_backend
    from compiler.render.diagram_base import EDGE_GAP

    programs = [p for p, here in (("system", shutil.which("dot")), ("embedded", graphviz_backend._embedded()))
                if here]
    if not programs:
        pytest.skip("no Graphviz program here")
    dot = _dot(CASES / "campus.factory", "network")
    for program in programs:
        monkeypatch.setenv("FACTORY_GRAPHVIZ", program)
        svg = graphviz_backend.render(dot, "svg").decode()
        vertical = 0
        for edge in re.findall(r'class="edge">(.*?)</g>', svg, re.S):
            xs = {float(x) for x in re.findall(r"(-?[\d.]+),-?[\d.]+", re.search(r' d="([^"]*)"', edge).group(1))}
            starts = [float(x) for x in re.findall(r'text-anchor="start" x="(-?[\d.]+)"', edge)]
            if len(xs) == 1 and starts:
                vertical += 1
                assert min(starts) >= xs.pop() + EDGE_GAP - 0.5, (program, edge)
        assert vertical >= 3, program


def test_diagrams_write_money_as_the_report_does() -> None:
    """The network view wrote a fabric's capex as "1.29 GUSD" and "964 MUSD" where the report and the plan write
    $1.29B. Law: no view of the campus case writes a scaled currency unit, and each network's capex is there in
    the report's form."""
    from compiler.render.report_format import _money

    results, sink = run_pipeline([str(CASES / "campus.factory")], {}, None, evaluate_all=True)
    for view in ("physical", "network", "power", "cooling"):
        assert "USD" not in diagram_dot(results, view), view
    network = diagram_dot(results, "network")
    for net in ("compute_fabric", "frontend"):
        assert f"capex {_money(float(results.values[f'campus.{net}.capex'][0]))[0]}" in network


def test_power_and_cooling_views_of_a_site_that_draws_nothing_say_so(tmp_path) -> None:
    """The MoE example's site places only workloads: its power view drew a transformer, a UPS and a PDU of
    "η n/a · in 0 W" and its cooling view "Chillers × 0". Law: a site of 0 W IT gets one note in each of the two
    views, and no stage or plant."""
    spec = tmp_path / "workloads.factory"
    spec.write_text(WORKLOADS_ONLY)
    results, sink = run_pipeline([str(spec)], {}, None, evaluate_all=True)
    assert float(results.values["compare.it_power"][0]) == 0
    for view, note, drawn in (("power", "No power chain to draw", ("Transformer", "UPS", "PDU", "IT LOAD")),
                              ("cooling", "No heat to draw", ("Chillers", "IT HEAT", "OUTDOORS"))):
        dot = diagram_dot(results, view)
        assert dot.count(note) == 1 and "2 workload(s) run on the systems they name" in dot, view
        assert not any(word in dot for word in drawn), view


def test_a_rack_cards_lines_add_up_to_its_it_power() -> None:
    """Law (compiler/models/power.py): a rack's IT power is the sum of its parts' peak power over its power
    shelves' efficiency; the card draws each part with what it adds (a server's or switch's draw, a shelf's η),
    so the figure on the card is the sum of its lines. The GB300 NVL72 card listed 9 switch trays and 8 power
    shelves with no figure, and 18 x 7.38 kW = 133 kW did not make its 140 kW."""
    import html

    from compiler.render.diagram_base import _Plan, _q

    results, sink = run_pipeline([str(CASES / "campus.factory")], {}, None, evaluate_all=True)
    dot, plan = html.unescape(diagram_dot(results, "physical")), _Plan(results)
    racks = [inst for inst, _ in plan.find(results.graph.roots[-1], ("rack",))]
    assert racks
    for rack in racks:
        drawn, eta = 0.0, 1.0
        for part in rack.parts:
            kind, count = plan.kind(part), plan.count(part) or 1.0
            if kind == "power_shelf":
                eta = plan.get(part, "efficiency") or plan.assumption("power_shelf_efficiency")
                assert f"({'Power shelf'}) \u00b7 \u03b7 {eta * 100:.1f}%" in dot, rack.path
            elif kind in ("server", "chip"):
                drawn += count * plan.get(part, "peak_power")
            elif kind in ("switch", "nic", "dpu", "storage"):
                drawn += count * plan.get(part, "power")
                each = " each" if count != 1 else ""
                assert re.search(rf"{plan.definition(part)} \([^)]*\) \u00b7 {re.escape(_q(plan.get(part, 'power'), 'W'))}{each}", dot)
        assert abs(drawn / eta - plan.get(rack, "it_power")) <= 1e-9 * plan.get(rack, "it_power"), rack.path
