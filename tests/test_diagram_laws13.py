"""Laws of the diagrams found broken in the session-13 trust hunt (compiler/render/diagram_*.py): every label is
true to the results, and nothing is drawn that is not there (no chain of 0 W stages, no "0 accelerators")."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from compiler.cli import run_pipeline
from compiler.render.diagram import diagram_dot
from compiler.render.report_format import fmt      # power as the report writes it (four figures)

ROOT = Path(__file__).resolve().parents[1]
ZERO = re.compile(r"(?<![\d.,])0 (W|kW|MW|accelerators)\b")

EMPTY_HALL = """\
from systems import GB300_NVL72
site campus {
  land_price = 0 USD
  hall live {
    rack nvl: GB300_NVL72 x 4
  }
  hall shell {
    area = 1000 m^2
  }
}
"""


def _text(dot: str) -> str:
    return re.sub(r"<[^>]*>", " ", dot)


def _results(path: Path):
    results, sink = run_pipeline([str(path)], {}, None, evaluate_all=True)
    assert results is not None, [d.message for d in sink.items]
    return results


@pytest.mark.parametrize("view", ["power", "cooling"])
def test_a_hall_that_draws_nothing_is_a_note_not_a_chain_of_zero_watts(tmp_path, view) -> None:
    """A site with a hall of racks and an empty shell (`hall shell { area = 1000 m^2 }`): the power view drew the
    shell's own transformer, UPS and PDU cards at "η n/a · in 0 W · loss 0 W", a "0 W" edge and a "0 W IT peak"
    load, and the cooling view a "0 W heat" card (the physical view says "(empty)"). Law: no zero power is printed
    for it; it is drawn, by name, as a hall that places nothing that draws power; the live hall is drawn as before."""
    spec = tmp_path / "campus.factory"
    spec.write_text(EMPTY_HALL)
    dot = diagram_dot(_results(spec), view)
    text = _text(dot)
    assert not ZERO.search(text), re.findall(r".{60}(?<![\d.,])0 (?:W|kW|MW)\b", text)
    assert "shell" in text and "places nothing that draws power" in text
    assert "live" in text and ("560 kW" in text or "IT peak" in text or "heat" in text)


@pytest.mark.parametrize("example", ["moe_training_rubin_vs_blackwell", "inference_shootout"])
def test_a_site_of_workloads_has_no_zero_accelerators_to_connect(example) -> None:
    """A site that places no building, only workloads on the systems they name (thousands of accelerators): the
    network view said "0 accelerators to connect" and advised adding a `network` block to size its switches, which
    would size a network for the 0 accelerators the site places. Law: the view prints no zero count; it counts the
    workloads and says they run on the systems they name, as the physical and power views do."""
    results = _results(ROOT / "examples" / f"{example}.factory")
    dot = diagram_dot(results, "network")
    text = _text(dot)
    assert not ZERO.search(text), re.findall(r".{40}(?<![\d.,])0 accelerators.{20}", text)
    n = len({p.rsplit(".", 1)[0] for p in results.values if p.count(".") == 2 and
             p.endswith((".time_to_train", ".tokens_per_s"))})
    assert f"its {n} workload(s) run on the systems they name" in text


def test_a_network_placed_several_times_says_per_network_not_per_switch(tmp_path) -> None:
    """A `network` block in a hall `x 4`: its cluster read "900 switches · 3.82 MW each", which reads as 3.82 MW a
    switch (a Q3400 draws a few kW). Law: the per-network figures say so ("per network"), and the total over the
    placements is given, equal to the count times the per-network figures of the results."""
    spec = tmp_path / "hnet.factory"
    spec.write_text("from systems import GB300_NVL72\nfrom network import Q3400, OSFP_800G_2xDR4\n"
                    "site s {\n  land_price = 0 USD\n  hall h x 4 {\n    row pod x 9 {\n"
                    "      rack nvl: GB300_NVL72 x 40\n    }\n    network backend {\n      role = \"scale_out\"\n"
                    "      switch = Q3400\n      transceiver = OSFP_800G_2xDR4\n      oversubscription = 1\n"
                    "    }\n  }\n}\n")
    results = _results(spec)
    switches, power = (results.values[f"s.h.backend.{n}"][0] for n in ("switches", "power"))
    text = _text(diagram_dot(results, "network"))
    assert f"{switches:,.0f} switches \u00b7 {fmt(power, 'power')} per network" in text
    assert f"total {4 * switches:,.0f} switches \u00b7 {fmt(4 * power, 'power')}" in text
    assert "MW each" not in text


def test_the_physical_view_says_a_networks_draw_is_per_hall_when_the_hall_is_repeated(tmp_path) -> None:
    """The same hall `x 4` with its own `network`: the hall's equipment card said "900 switches · draws 3.82 MW in
    all", but the four halls' networks draw 4 x 3.82 MW. Law: a network's draw is "in all" only where it is placed
    once; in a repeated container it is per container ("per hall"), as the container's own figures are "each"."""
    spec = tmp_path / "hnet.factory"
    spec.write_text("from systems import GB300_NVL72\nfrom network import Q3400, OSFP_800G_2xDR4\n"
                    "site s {\n  land_price = 0 USD\n  hall h x 4 {\n    row pod x 9 {\n"
                    "      rack nvl: GB300_NVL72 x 40\n    }\n    network backend {\n      role = \"scale_out\"\n"
                    "      switch = Q3400\n      transceiver = OSFP_800G_2xDR4\n      oversubscription = 1\n"
                    "    }\n  }\n}\n")
    results = _results(spec)
    power = results.values["s.h.backend.power"][0]
    text = _text(diagram_dot(results, "physical"))
    assert f"draws {fmt(power, 'power')} per hall" in text and "in all" not in text
    campus = _text(diagram_dot(_results(ROOT / "examples" / "flagship_campus.factory"), "physical"))
    assert "switches \u00b7 draws 18.59 MW in all" in campus          # placed once, on the site
