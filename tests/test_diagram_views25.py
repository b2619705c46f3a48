"""Laws of the diagrams found in the session-25 look at every view of every example and of planners' specs
(compiler/render/diagram_*.py), read on the DOT text."""
from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from compiler.cli import run_pipeline
from compiler.render.diagram import diagram_dot

# a hall of liquid-cooled racks (heat to liquid and to air); {site_gear} / {hall_gear}: CDUs or CRAHs placed
HALL = """\
from systems import GB200_NVL72
from facility import CDU_row_2MW, CRAH_150kW
site s {{
  land_price = 0 USD
  {site_gear}
  hall h {{
    rack g: GB200_NVL72 x {racks}
    {hall_gear}
  }}
}}
"""


def _results(tmp_path: Path, src: str):
    path = tmp_path / "hall.factory"
    path.write_text(src)
    results, sink = run_pipeline([str(path)], {}, None, evaluate_all=True)
    assert results is not None, [d.message for d in sink.items]
    return results


def _plain(dot: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", dot).replace("&#8194;", " "))


def _card(dot: str, node: str) -> str:
    """The plain text of node `node`'s label."""
    found = re.search(rf"^\s*{node} \[label=<(.*?)>\]$", dot, flags=re.M | re.S)
    assert found, node
    return html.unescape(_plain(found.group(1)))


def test_loops_the_spec_leaves_to_the_model_say_the_unit_they_are_counted_in(tmp_path) -> None:
    """No CDU or CRAH placed: the thermal model counts them in its default units (cdu_capacity 1.5 MW, crah_capacity
    150 kW, N+1: models/thermal.py units_needed), and the cards say so as the chillers' card does. 16 GB200 NVL72 of
    ~124 kW: ~1.68 MW to liquid = ceil(1.68 / 1.5) + 1 = 3 CDUs of 1.5 MW; ~0.30 MW to air = ceil(0.30 / 0.15) + 1 = 3
    CRAHs of 150 kW. Before, the cards gave the count alone, as if the spec had placed them."""
    results = _results(tmp_path, HALL.format(site_gear="", hall_gear="", racks=16))
    dot = diagram_dot(results, "cooling")
    liquid = results.values["s.h.heat_liquid"].reshape(-1)[0]
    air = results.values["s.h.heat_air"].reshape(-1)[0]
    assert 1.5e6 < liquid < 3.0e6 and 0.15e6 < air < 0.45e6, (liquid, air)   # the hand count above holds
    assert results.values["s.h.cdus"].reshape(-1)[0] == 3 and results.values["s.h.crahs"].reshape(-1)[0] == 3
    cdus, crahs = _card(dot, "cdus_s__h"), _card(dot, "crahs_s__h")
    assert "CDUs × 3" in cdus and "1.5 MW each (model default)" in cdus, cdus
    assert "CRAHs × 3" in crahs and "150 kW each (model default)" in crahs, crahs


def test_a_load_under_one_default_unit_reads_as_units_sized_to_it(tmp_path) -> None:
    """One rack: ~21 kW to air, under one 150 kW CRAH: the model's 1 + 1 units are read as sized to the load (as the
    plant's chillers are: diagram_cooling._default_unit), not as 2 x 150 kW."""
    dot = diagram_dot(_results(tmp_path, HALL.format(site_gear="", hall_gear="", racks=1)), "cooling")
    crahs = _card(dot, "crahs_s__h")
    assert "CRAHs × 2" in crahs and "each sized to the load (under the 150 kW model default)" in crahs, crahs


def test_loops_counted_in_the_gear_a_site_places_name_it(tmp_path) -> None:
    """The site places CDU_row_2MW and the hall none: the hall's CDUs are counted in 2 MW units (the nearest ancestor's
    gear, models/thermal.py _nearest), and its card names that gear and where it is placed."""
    dot = diagram_dot(_results(tmp_path, HALL.format(site_gear="cdu loop: CDU_row_2MW", hall_gear="", racks=16)),
                      "cooling")
    cdus = _card(dot, "cdus_s__h")
    assert "CDUs × 2" in cdus and "CDU_row_2MW · 2 MW each, placed in site s" in cdus, cdus   # ceil(1.68/2)+1
    assert "model default" not in cdus


def test_gear_placed_in_the_hall_is_drawn_as_before(tmp_path) -> None:
    """CDUs and CRAHs the hall places: their own name and capacity and the model's sizing, no default named."""
    src = HALL.format(site_gear="", hall_gear="cdu loop: CDU_row_2MW\n    crah air: CRAH_150kW", racks=16)
    dot = diagram_dot(_results(tmp_path, src), "cooling")
    cdus, crahs = _card(dot, "cdus_s__h"), _card(dot, "crahs_s__h")
    assert "CDU_row_2MW · 2 MW each" in cdus and "placed in" not in cdus and "model default" not in cdus
    assert "CRAH_150kW · 150 kW each" in crahs and "model default" not in crahs


def test_a_halls_two_loops_share_a_rank(tmp_path) -> None:
    """The CDUs and CRAHs of one hall stand side by side one step from its heat (rank=same): dot had put the CDUs a
    rank past the CRAHs in the flagship campus, its liquid edge drawn over the CRAH card and the picture 12% wider."""
    dot = diagram_dot(_results(tmp_path, HALL.format(site_gear="", hall_gear="", racks=16)), "cooling")
    assert re.search(r"\{rank=same; cdus_s__h; crahs_s__h\}", dot), dot


# a fat tree of QM9700 (64 x 400 Gb/s, the link speed: one link a port) over DGX H100 racks (32 GPUs, 8 x 400G NICs
# a server: one link an accelerator)
FABRIC = """\
from systems import DGX_H100_rack
from network import QM9700
site s {{
  land_price = 0 USD
  hall h {{
    rack r: DGX_H100_rack x {racks}
  }}
  network ib {{
    role = "scale_out"
    switch = QM9700
    oversubscription = {over}
    {tiers}
  }}
}}
"""


def _net(results, name: str) -> float:
    return float(results.values[f"s.ib.{name}"].reshape(-1)[0])


def test_each_tier_edge_gives_its_links_by_hand(tmp_path) -> None:
    """20 racks, 640 GPUs, non-blocking, top of rack: one leaf a rack with 32 links down and 32 up (20 leaves),
    640 leaf-spine links on ceil(640 / 64) = 10 spines. The network view labels each tier edge with its links at the
    link speed, as a cabling plan does ('640 × 400 Gb/s'); it gave the speed alone."""
    results = _results(tmp_path, FABRIC.format(racks=20, over=1, tiers=""))
    assert (_net(results, "links_endpoint"), _net(results, "links_leaf_spine"), _net(results, "links_spine_core")) \
        == (640, 640, 0)
    assert (_net(results, "switches_leaf"), _net(results, "switches_spine")) == (20, 10)
    dot = _plain(diagram_dot(results, "network"))
    assert re.search(r"tier_s__ib__spine -> tier_s__ib__leaf \[label= 640 × 400 Gb/s oversubscription 1:1", dot), dot
    assert re.search(r"tier_s__ib__leaf -> endpoints_s__ib \[label= 640 × 400 Gb/s >", dot), dot
    assert "links endpoint" not in dot and "links leaf spine" not in dot    # drawn on the edges, not in the details


def test_the_links_are_the_ports_a_fabric_uses(tmp_path) -> None:
    """A law at one link a port (QM9700's ports run at the link speed): every endpoint link takes one leaf port and
    every leaf-spine or spine-core link one port at each end, so ports = endpoint links + 2 x the others, at 2 and 3
    tiers and at any oversubscription; and the endpoint links are the endpoints (one NIC link each)."""
    for racks, over, tiers in ((20, 1, ""), (20, 3, ""), (40, 1, "tiers = 3"), (7, 2, "tiers = 3")):
        results = _results(tmp_path, FABRIC.format(racks=racks, over=over, tiers=tiers))
        links = [_net(results, n) for n in ("links_endpoint", "links_leaf_spine", "links_spine_core")]
        assert links[0] == _net(results, "endpoints") == 32 * racks
        assert _net(results, "ports") == links[0] + 2 * links[1] + 2 * links[2], (racks, over, tiers, links)
        assert (links[2] > 0) == (_net(results, "tiers") == 3)


# two air-cooled halls (all their heat on chilled water, which needs compressors at a 35 degC design day) and a plant
PLANT = """\
from systems import DGX_H100_rack
from facility import Chiller_WC_1000ton
site s {{
  land_price = 0 USD
  ambient_temp = 35 degC
  heat_rejection = "dry_cooler"
  hall h x 2 {{
    rack r: DGX_H100_rack x {racks}
  }}
  chiller c: Chiller_WC_1000ton
}}
"""


def _value(results, path: str) -> float:
    return float(results.values[path].reshape(-1)[0])


def test_the_chillers_card_gives_the_load_they_are_sized_on(tmp_path) -> None:
    """The site's chiller_load (models/facility.py: the heat on loops that need compressors, with their fans) is each
    hall's x 2 (nothing outside the halls), a hall's is its air heat and the CRAH fans' (a few percent more), and the
    chillers are ceil(load / 3.517 MW) + 1 (N+1): the figure the card now gives beside the count, so a planner reads
    why 'Chillers x N'. 60 racks a hall of ~34.9 kW: ~2.09 MW of air heat a hall, ~4.3 MW on the plant."""
    import math
    results = _results(tmp_path, PLANT.format(racks=60))
    hall, site = _value(results, "s.h.chiller_load"), _value(results, "s.chiller_load")
    air = _value(results, "s.h.heat_air")
    assert air < hall < 1.1 * air, (air, hall)
    assert site == 2 * hall
    capacity = _value(results, "s.c.capacity")
    assert _value(results, "s.chillers") == math.ceil(site / capacity) + 1
    card = _card(diagram_dot(results, "cooling"), "chillers_s")
    from compiler.render.diagram_base import _q
    assert f"load {_q(site, 'W')}: the loops on compressors at 35 °C" in card, card


def test_the_chiller_load_leaves_out_a_loop_that_cools_freely(tmp_path) -> None:
    """GB200 NVL72 (hybrid: 85% of the heat to liquid) on a 40 degC warm-water loop at a 20 degC design ambient: the
    liquid loop cools freely (liquid_chillers_run 0), so the chillers carry the air heat and its fans only, never
    the liquid heat five times its size."""
    src = PLANT.replace("DGX_H100_rack", "GB200_NVL72").replace("35 degC", "20 degC").replace(
        'heat_rejection = "dry_cooler"', 'heat_rejection = "dry_cooler"\n  supply_temp = 40 degC')
    results = _results(tmp_path, src.format(racks=4))
    hall_air, hall_load = _value(results, "s.h.heat_air"), _value(results, "s.h.chiller_load")
    assert _value(results, "s.h.liquid_chillers_run") == 0
    assert hall_air < hall_load < 1.1 * hall_air                # the liquid heat is on no chiller


def test_dry_coolers_the_model_counts_say_so(tmp_path) -> None:
    """No dry cooler placed: the card's count is the model's, and it says it is sized for the heat rejected, as the
    chillers' card says theirs (it was drawn bare, as if placed)."""
    card = _card(diagram_dot(_results(tmp_path, PLANT.format(racks=10)), "cooling"), "drycoolers_s")
    assert "Dry coolers × " in card and "sized for the heat rejected, with spares" in card, card


# a TPU-like pod of 2,048 chips in one 3D torus domain, 64 to a rack (sized alone: no site)
STANDALONE = """\
network ici {
  role = "scale_up"
  topology = "torus"
  in_systems = false
  endpoints = 2048
  domain = 2048
  endpoints_per_rack = 64
  injection_bw = 600 GB/s
}
"""


def test_a_fabric_sized_on_its_own_is_drawn(tmp_path) -> None:
    """A spec of one top-level network (no site: a fabric sized on its own, as eval prints it) drew 'No scale-out
    network in this plan . 0 accelerators to connect'; it is drawn, named in the title."""
    dot = diagram_dot(_results(tmp_path, STANDALONE), "network")
    text = _plain(dot)
    assert "No scale-out network" not in text and "ici — network" in text, text
    assert "2,048 endpoints" in _card(dot, "endpoints_ici")


def test_a_torus_draws_no_switch_tiers(tmp_path) -> None:
    """A torus links chip to chip (switches 0 in every tier: network.torus): it was drawn as core, spine and leaf
    tiers of '× 0' switches; it is its endpoints, with the topology said on their card and no tier edge."""
    results = _results(tmp_path, STANDALONE)
    assert _value(results, "ici.switches") == 0
    dot = diagram_dot(results, "network")
    assert "tier_ici" not in dot and " -> " not in dot, dot
    assert "torus: links from chip to chip, no switches" in _card(dot, "endpoints_ici")


# three chains and no gear on the site: each hall's (model) transformer carries its own hall's plant, the site's
# own chain (a fabric outside the halls) the site's own share
THREE_CHAINS = """\
from systems import GB300_NVL72
from network import Q3400, OSFP_800G_2xDR4
site s {
  land_price = 0 USD
  hall a {
    rack r: GB300_NVL72 x 10
  }
  hall b x 2 {
    rack r: GB300_NVL72 x 5
  }
  network backend {
    role = "scale_out"
    switch = Q3400
    transceiver = OSFP_800G_2xDR4
  }
}
"""


def _clusters(dot: str) -> dict[str, str]:
    """{node id: the innermost cluster it is declared in ('' at the top)}."""
    where, stack = {}, []
    for line in dot.splitlines():
        opened = re.match(r"\s*subgraph (cluster_\w+) \{", line)
        if opened:
            stack.append(opened.group(1))
        elif line.strip() == "}" and stack:
            stack.pop()
        else:
            node = re.match(r"\s*(\w+) \[label=", line)
            if node:
                where[node.group(1)] = stack[-1] if stack else ""
    return where


def test_each_chain_feeds_its_own_share_of_the_plant_inside_it(tmp_path) -> None:
    """Without a shared transformer each hall's chain carries its hall's plant (models/facility.py): the one-line drew
    one 'Cooling plant' card that every chain's edge ran to, across the other chains (big sites of three halls: the
    first hall's edge through the second hall's chain). Each chain now draws its share in its own cluster, fed from
    its own stage: no edge into a cooling card leaves another cluster; each card gives its hall's cooling_power
    (per hall, 'each' where the hall is repeated) and the plant in all; the shares add up to the site's."""
    results = _results(tmp_path, THREE_CHAINS)
    dot = diagram_dot(results, "power")
    where = _clusters(dot)
    loads = [n for n in where if n.startswith("coolingload_")]
    assert len(loads) == 3, loads                              # hall a, hall b (x 2), the site's own
    for tail, head in re.findall(r"^\s*(\w+) -> (\w+)", dot, flags=re.M):
        if head in loads:
            assert where[tail] == where[head] != "", (tail, head)
    from compiler.render.diagram_base import _q
    total = _value(results, "s.cooling_power")
    shares = {"coolingload_s__a": _value(results, "s.a.cooling_power"),
              "coolingload_s__b": _value(results, "s.b.cooling_power"),
              "coolingload_s_direct": _value(results, "s.cooling_power_outside_halls")}
    assert shares["coolingload_s__a"] + 2 * shares["coolingload_s__b"] + shares["coolingload_s_direct"] \
        == pytest.approx(total, rel=1e-9)
    for node, share in shares.items():
        card = _card(dot, node)
        each = " each" if node.endswith("__b") else ""
        assert f"{_q(share, 'W')} peak{each} (pumps, fans, chillers)" in card, card
        assert f"its share of the site's plant, {_q(total, 'W')} in all" in card, card


def test_a_shared_transformer_still_feeds_one_plant_card(tmp_path) -> None:
    """With a site transformer ahead of every hall the plant hangs off it as one card (its flow carries it all)."""
    src = THREE_CHAINS.replace("from network", "from facility import Transformer_2500kVA\nfrom network").replace(
        "  land_price = 0 USD\n", "  land_price = 0 USD\n  transformer mv: Transformer_2500kVA x mv.units_needed\n")
    dot = diagram_dot(_results(tmp_path, src), "power")
    loads = [n for n in _clusters(dot) if n.startswith("coolingload_")]
    assert loads == ["coolingload_s"], loads
    assert re.findall(r"^\s*(\w+) -> coolingload_s\b", dot, flags=re.M) == ["stage_s__mv"]


def test_chillers_under_one_default_unit_of_load_read_as_sized_to_it(tmp_path) -> None:
    """A warm-water site whose chillers carry only its air heat (dc800 planner spec: 64 VR NVL72, 701.6 kW on the
    chillers of 14.08 MW rejected): 1 + 1 chillers in the model's 2 MW class were drawn '2 MW each (model default)',
    4 MW for 0.7 MW; the class is read against the chillers' own load (chiller_load), not the heat the plant
    rejects, and the card says they are sized to it, as a small room's are."""
    src = PLANT.replace("DGX_H100_rack", "GB200_NVL72").replace("35 degC", "20 degC").replace(
        'heat_rejection = "dry_cooler"', 'heat_rejection = "dry_cooler"\n  supply_temp = 40 degC').replace(
        "  chiller c: Chiller_WC_1000ton\n", "")
    results = _results(tmp_path, src.format(racks=20))
    load, rejected = _value(results, "s.chiller_load"), _value(results, "s.heat_rejected")
    assert load < 2e6 < rejected, (load, rejected)
    card = _card(diagram_dot(results, "cooling"), "chillers_s")
    assert "Chillers × 2" in card and "each sized to the load (under the 2 MW model default)" in card, card


def test_a_flagged_link_speed_and_link_count_carry_evals_mark(tmp_path) -> None:
    """The network view drew the link speed (tier edges, the endpoints' card) clean even where the run flags it (a
    speed the model assumed: `flags`, report_format.flagged_quantities, as the report and eval mark it); the rate
    and the links drawn now carry eval's mark wherever they are drawn, as every other figure does."""
    results = _results(tmp_path, FABRIC.format(racks=20, over=1, tiers=""))
    why = "computed from an assumed input"
    plain = _plain(diagram_dot(results, "network"))
    assert "⚠" not in plain
    flagged = _plain(diagram_dot(results, "network", flags={"s.ib.link_speed": why, "s.ib.links_endpoint": why}))
    assert re.search(rf"tier_s__ib__leaf -> endpoints_s__ib \[label= 640 \(⚠ {why}\) × 400 Gb/s \(⚠ {why}\) >",
                     flagged), flagged
    assert f"400 Gb/s (⚠ {why}) link each" in flagged
    assert re.search(rf"spine -> tier_s__ib__leaf \[label= 640 × 400 Gb/s \(⚠ {why}\)", flagged), flagged
