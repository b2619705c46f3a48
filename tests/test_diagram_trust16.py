"""Laws of the diagrams found broken in the session-16 diagram hunt (compiler/render/diagram_*.py), read on the DOT
text: a count drawn beside a placed part's name is the count the spec placed, and a label's bandwidth says what
it is a bandwidth of."""
from __future__ import annotations

import re
from pathlib import Path

from compiler.cli import run_pipeline
from compiler.render.diagram import diagram_dot

# a site that rejects its heat through dry coolers (the heat needing compressors goes to chillers): the thermal
# model sizes each plant ({chillers} and {dry} are what the spec places, `x n` or none)
PLANT = """\
from systems import DGX_H100_rack
from facility import Chiller_WC_1000ton, DryCooler_1MW
site s {{
  land_price = 0 USD
  ambient_temp = 38 degC
  heat_rejection = "dry_cooler"
  hall h {{
    power_feed = 5 MW
    rack r: DGX_H100_rack x 40
  }}
  chiller c: Chiller_WC_1000ton{chillers}
  dry_cooler d: DryCooler_1MW{dry}
}}
"""


def _cooling_dot(tmp_path: Path, src: str) -> tuple[str, dict]:
    path = tmp_path / "plant.factory"
    path.write_text(src)
    results, sink = run_pipeline([str(path)], {}, None, evaluate_all=True)
    assert results is not None, [d.message for d in sink.items]
    values = {name: results.values[f"s.{name}"].reshape(-1)[0] for name in ("chillers", "dry_coolers")}
    return diagram_dot(results, "cooling"), values


def _plain(dot: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", dot).replace("&#8194;", " "))


def test_the_plant_cards_give_the_units_placed_and_flag_a_shortfall(tmp_path) -> None:
    """1 chiller and 2 dry coolers placed where the thermal model needs more: the cooling view used to print the
    units the model needs as the count beside the placed model's name ("Chillers × 4 · Chiller_WC_1000ton",
    "Dry coolers × 6 · DryCooler_1MW") and flagged nothing, while `check` failed both limits. Now: the count
    placed, the count needed, in the alert colour."""
    dot, needed = _cooling_dot(tmp_path, PLANT.format(chillers=" x 1", dry=" x 2"))
    text = _plain(dot)
    assert needed["chillers"] > 1 and needed["dry_coolers"] > 2          # the case is a shortfall of both
    assert "Chillers × 1 " in text and "Dry coolers × 2 " in text, text
    assert f"Chillers × {needed['chillers']:.0f} " not in text
    for line in (f"needs {needed['chillers']:.0f} (with spares): only 1 placed",
                 f"needs {needed['dry_coolers']:.0f} (with spares): only 2 placed"):
        assert line in text, text
        red = re.search(r'<FONT COLOR="#C92A2A">[^<]*' + re.escape(line), dot)
        assert red, line


def test_plant_placed_with_enough_units_gives_both_counts_unflagged(tmp_path) -> None:
    """More units placed than needed: the card gives the units placed, and the model's count as what the load
    needs, in the ordinary colour."""
    dot, needed = _cooling_dot(tmp_path, PLANT.format(chillers=" x 9", dry=" x 20"))
    text = _plain(dot)
    assert "Chillers × 9 " in text and "Dry coolers × 20 " in text, text
    assert f"needs {needed['chillers']:.0f}" in text and f"needs {needed['dry_coolers']:.0f}" in text
    assert "only" not in text


def test_plant_sized_by_the_model_gives_the_models_count(tmp_path) -> None:
    """No count written: the thermal model sizes the plant, and the card says so with the model's count."""
    dot, needed = _cooling_dot(tmp_path, PLANT.format(chillers="", dry=""))
    text = _plain(dot)
    assert f"Chillers × {needed['chillers']:.0f} " in text and f"Dry coolers × {needed['dry_coolers']:.0f} " in text
    assert "only" not in text


def test_a_servers_nic_row_gives_the_rate_of_each_nic_not_of_the_server(tmp_path) -> None:
    """A DGX H100 has 8 ConnectX-7 of one 400 Gb/s port: 3.2 Tb/s per server. The network view wrote
    '8 × ConnectX7 · 400 Gb/s per server', which reads as 400 Gb/s for the server; and '2 × BlueField3 · 2 × 400 Gb/s
    per server' for two dual-port DPUs (1.6 Tb/s). Now the rate is each NIC's: hand calculation, 8 x 400 Gb/s."""
    path = tmp_path / "nics.factory"
    path.write_text("from systems import DGX_H100_rack\nsite s {\n  land_price = 0 USD\n"
                    "  hall h {\n    rack r: DGX_H100_rack x 2\n  }\n}\n")
    results, sink = run_pipeline([str(path)], {}, None, evaluate_all=True)
    assert results is not None, [d.message for d in sink.items]
    text = _plain(diagram_dot(results, "network"))
    assert "8 × ConnectX7 per server · 400 Gb/s each · 64 in all" in text, text
    assert "Gb/s per server" not in text


TOWERS = """\
from systems import GB300_NVL72
from facility import CoolingTower_5MW
site s {{
  land_price = 0 USD
  heat_rejection = "cooling_tower"
  hall h {{
    rack r: GB300_NVL72 x {racks}
  }}
  cooling_tower t: CoolingTower_5MW{towers}
}}
"""


def _tower_card(tmp_path: Path, racks: int, towers: str) -> tuple[str, str, list]:
    path = tmp_path / "towers.factory"
    path.write_text(TOWERS.format(racks=racks, towers=towers))
    results, sink = run_pipeline([str(path)], {}, None, evaluate_all=True)
    assert results is not None, [d.message for d in sink.items]
    dot = diagram_dot(results, "cooling")
    card = next(line for line in dot.splitlines() if line.startswith("\ttowers_s ["))
    failed = [c.detail for c in results.checks if not c.ok and "cooling towers" in c.message]
    return card, _plain(card), failed


def test_one_cooling_tower_placed_without_a_count_is_drawn_as_one_and_flagged_when_short(tmp_path) -> None:
    """`cooling_tower t: CoolingTower_5MW` (no count) is one tower to the site's cooling-tower-capacity limit, which
    failed ('cooling towers needed = 3, cooling towers placed = 1' for 100 GB300 racks: 14 MW IT, hand calculation
    ceil(~15 MW / 5 MW) + 1 spare = 4 or so), while the card drew 'Cooling towers' with no count and no flag. Now
    the card gives the towers placed, the towers the heat rejected needs, red when short: the check's numbers."""
    card, text, failed = _tower_card(tmp_path, 100, "")
    assert len(failed) == 1, failed
    needed, placed = (int(x) for x in re.findall(r"= (\d+)", failed[0]))
    assert placed == 1 and needed > 1
    assert "Cooling towers × 1 " in text, text
    assert f"the heat rejected needs {needed} (with spares): only 1 placed" in text, text
    assert '<FONT COLOR="#C92A2A">the heat rejected needs' in card


def test_enough_cooling_towers_are_drawn_unflagged_with_the_need(tmp_path) -> None:
    card, text, failed = _tower_card(tmp_path, 2, " x 2")
    assert not failed
    assert "Cooling towers × 2 " in text and "the heat rejected needs 2 (with spares)" in text, text
    assert "only" not in text and "#C92A2A" not in card


PUMPS = """\
from systems import GB300_NVL72
from facility import Pump_3500kW
site s {{
  land_price = 0 USD
  hall h {{
    rack r: GB300_NVL72 x 40
{hall_pump}  }}
{site_pump}}}
"""


def test_pumps_placed_are_drawn_on_the_loop_they_serve_and_flagged_when_short(tmp_path) -> None:
    """40 GB300 racks put ~4.8 MW into liquid: one 3.5 MW pump is short (the pump-capacity limit fails: needs
    ceil(4.8 / 3.5) + 1 = 3). The cooling view drew no placed pump at all. Now the hall's pumps are on its liquid
    loop card and a site's on its plant card, with the need, red when short: the check's numbers."""
    for hall_pump, site_pump, node in (("    pump p: Pump_3500kW\n", "", "cdus_s__h"),
                                       ("", "  pump p: Pump_3500kW\n", "chillers_s")):
        path = tmp_path / "pumps.factory"
        path.write_text(PUMPS.format(hall_pump=hall_pump, site_pump=site_pump))
        results, sink = run_pipeline([str(path)], {}, None, evaluate_all=True)
        assert results is not None, [d.message for d in sink.items]
        failed = [c.detail for c in results.checks if not c.ok and "pumps" in c.message]
        assert len(failed) == 1, failed
        needed, placed = (int(x) for x in re.findall(r"= (\d+)", failed[0]))
        assert (needed, placed) == (3, 1)
        card = next(line for line in diagram_dot(results, "cooling").splitlines() if line.strip().startswith(f"{node} ["))
        text = _plain(card)
        assert "pumps 1 × Pump_3500kW" in text, text
        assert '<FONT COLOR="#C92A2A">the liquid heat needs 3 (with spares): only 1 placed' in card, card


def test_a_disaggregated_service_shows_its_prefill_and_decode_pools_and_they_add_up(tmp_path) -> None:
    """A disaggregated service drew '1,833 accelerators needed' with nothing of its two pools, the figure that
    sizes a disaggregated deployment. Now the card gives both, read from the results, and they add up to the
    count it shows (the law the example asserts: prefill + decode == accelerators_needed)."""
    path = tmp_path / "disagg.factory"
    path.write_text("from systems import GB200_NVL72\nfrom models import Llama3_1_70B\nsite cloud {\n"
                    "  inference dyn {\n    model = Llama3_1_70B\n    rack = GB200_NVL72\n    precision = \"fp4\"\n"
                    "    scenario = \"server\"\n    serving = \"disaggregated\"\n    input_tokens = 8000 tok\n"
                    "    output_tokens = 500 tok\n    demand = 2 Mtok/s\n  }\n}\n")
    results, sink = run_pipeline([str(path)], {}, None, evaluate_all=True)
    assert results is not None, [d.message for d in sink.items]
    text = _plain(diagram_dot(results, "physical"))
    m = re.search(r"([\d,]+) accelerators needed \(([\d,]+) prefill \+ ([\d,]+) decode\)", text)
    assert m, text
    total, prefill, decode = (int(x.replace(",", "")) for x in m.groups())
    assert prefill + decode == total
    assert total == results.values["cloud.dyn.accelerators_needed"].reshape(-1)[0]
