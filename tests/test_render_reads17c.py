"""Renderers only read results (s17-render3): the report's figures that report_sections used to compute are model
outputs, each checked here by a law or a hand calculation against results JSON. (1) a fabric's bill-of-materials
lines are its network model's `capex_switching`, `capex_transceivers`, `capex_cables`, `capex_nics`, which add up to
its `capex`; the model's default transceivers, where the spec names none, are a line of their own, not part of the
cables'; parts defined in the spec show their unit figures there. (2) the plant note's per-class figures are the cost
model's `<key>_<class>_with_halls` (own + halls' x counts). (3) a rack's, row's or server's key figures and power
total say what it has (no meter; its capex is its capex_depreciable_it)."""
from __future__ import annotations

import json

from compiler.cli import run_pipeline


def _run(tmp_path, text: str, name: str = "spec.factory"):
    from compiler.render.results import render_results

    path = tmp_path / name
    path.write_text(text)
    results, sink = run_pipeline([str(path)], {}, None, evaluate_all=True)
    assert results is not None, [d.message for d in sink.items]
    doc = json.loads(render_results(results, str(path), sink, "json", None))
    return doc["quantities"], results, sink, str(path)


FABRIC = """\
from systems import DGX_H100_rack
from network import SN5600
site s {
  land_price = 0 USD
  hall h {
    rack r: DGX_H100_rack x 32
  }
  network backend {
    role = "scale_out"
    switch = SN5600
  }
}
"""


def test_a_fabrics_bom_lines_are_its_model_outputs_and_add_up_to_its_capex(tmp_path) -> None:
    """32 DGX H100 racks (1,024 GPUs at 400G) on SN5600 (800G ports) and no transceiver named: the model's default
    module is one per 800G port at optic_price_per_rate ($1,200 per 800G), 1,024 of them = $1,228,800; the cables
    are 1,024 DACs at 400G ($250 per 800G: $125 each) and 1,024 fibres at fiber_price $100 = $230,400; the 40
    switches at $50k = $2,000,000. The lines add up to capex, the transceivers' and cables' to capex_optics, and the
    report prints each line as the JSON value formatted (the cables' line used to hold the transceivers too: $1.46M)."""
    from compiler.render.report import render_markdown
    from compiler.render.report_format import fmt

    q, results, sink, path = _run(tmp_path, FABRIC)
    v = {k[len("s.backend."):]: q[k]["values"][0] for k in q if k.startswith("s.backend.")}
    assert v["transceivers"] == 1024 and v["capex_transceivers"] == 1024 * 1200.0
    assert v["cables_copper"] == v["cables_optical"] == 1024
    assert abs(v["capex_cables"] - (1024 * 125.0 + 1024 * 100.0)) <= 1e-6
    assert v["capex_switching"] == 40 * 50e3 and v["capex_nics"] == 0 == v["nics_counted"]
    lines = v["capex_switching"] + v["capex_transceivers"] + v["capex_cables"] + v["capex_nics"]
    assert abs(lines - v["capex"]) <= 1e-9 * v["capex"]
    assert abs(v["capex_transceivers"] + v["capex_cables"] - v["capex_optics"]) <= 1e-9 * v["capex_optics"]
    text = render_markdown(results, path, sink)
    assert (f"| transceivers, model default \\(backend\\) | transceiver | 1,024 | — | — | "
            f"{fmt(v['capex_transceivers'], 'money')} |") in text
    assert f"| cables \\(backend\\) | cable | 2,048 | — | — | {fmt(v['capex_cables'], 'money')} |" in text
    assert f"| SN5600 \\(backend\\) | switch | 40 | 1 kW | $50.0k | {fmt(v['capex_switching'], 'money')} |" in text


def test_doubling_the_fabrics_endpoints_never_lowers_a_bom_line(tmp_path) -> None:
    """Law: more racks on the fabric never lower a line's cost, and the lines still add up to capex."""
    one, *_ = _run(tmp_path, FABRIC, "a.factory")
    two, *_ = _run(tmp_path, FABRIC.replace("x 32", "x 64"), "b.factory")
    for name in ("capex_switching", "capex_transceivers", "capex_cables"):
        assert two[f"s.backend.{name}"]["values"][0] >= one[f"s.backend.{name}"]["values"][0], name
    lines = sum(two[f"s.backend.{n}"]["values"][0] for n in ("capex_switching", "capex_transceivers", "capex_cables",
                                                               "capex_nics"))
    assert abs(lines - two["s.backend.capex"]["values"][0]) <= 1e-9 * lines


# (2) the plant note's per-class figures
PLANT = """\
from systems import GB300_NVL72
from facility import Chiller_WC_1000ton, CRAH_150kW
site s {
  land_price = 0 USD
  hall h x 3 {
    rack r: GB300_NVL72 x 10
    crah c: CRAH_150kW x 4
  }
  hall g {
    rack r: GB300_NVL72 x 6
  }
  rack own: GB300_NVL72 x 2
  chiller ch: Chiller_WC_1000ton x 2
}
"""
CLASSES = {"capex_power": ("transformer", "switchgear", "conversion", "distribution", "generator", "power_shelves"),
           "capex_cooling": ("cdu", "crah", "chiller", "heat_rejection", "pump")}


def test_a_sites_plant_classes_are_its_own_terms_plus_its_halls_times_their_counts(tmp_path) -> None:
    """Law: a site's `<key>_<class>_with_halls` (compiler/models/cost.py) = its own `<key>_<class>` + sum over its
    halls of theirs x the hall's count (h x 3, g once), a hall's being its own term; over the classes they add up
    to the site's capex_power / capex_cooling; and the report's plant note prints them (it used to sum the terms
    over the halls itself)."""
    from compiler.render.report import render_markdown
    from compiler.render.report_format import fmt

    q, results, sink, path = _run(tmp_path, PLANT)
    v = {k: q[k]["values"][0] for k in q}
    for key, classes in CLASSES.items():
        for part in classes + ("priced_installed",):
            for hall in ("s.h", "s.g"):
                assert v[f"{hall}.detail.{key}_{part}_with_halls"] == v[f"{hall}.detail.{key}_{part}"]
            by_hand = (v[f"s.detail.{key}_{part}"] + 3 * v[f"s.h.detail.{key}_{part}"]
                       + v[f"s.g.detail.{key}_{part}"])
            got = v[f"s.detail.{key}_{part}_with_halls"]
            assert abs(got - by_hand) <= 1e-9 * max(abs(by_hand), 1.0), (key, part, got, by_hand)
        total = sum(v[f"s.detail.{key}_{part}_with_halls"] for part in classes)
        assert abs(total - v[f"s.{key}"]) <= 1e-9 * v[f"s.{key}"], (key, total, v[f"s.{key}"])
    assert v["s.h.detail.capex_cooling_crah"] > 0 and v["s.detail.capex_cooling_chiller"] > 0
    text = render_markdown(results, path, sink)
    assert f"CRAHs {fmt(v['s.detail.capex_cooling_crah_with_halls'], 'money')}" in text
    assert f"chillers {fmt(v['s.detail.capex_cooling_chiller_with_halls'], 'money')}" in text


# (3) a rack, row or server as the report's subject
def test_a_rack_or_server_subjects_key_figures_and_totals_say_what_it_has(tmp_path) -> None:
    """A rack has no meter and no facility capex: its power breakdown's total is its IT power ("Total IT power",
    not "Total at the meter") and its Capex key figure is its `capex_depreciable_it` (IT, network and optics: 4 x
    DGX H100 at $400k = $1.60M), the figure the report's "Total capex" prints, never "not an output of this rack"
    beside it. A server's IT power key figure is its `peak_power` and its total "at the wall"; its Capex
    its capex_depreciable_it = capex_it + capex_network ($400k)."""
    from compiler.render.report import render_markdown
    from compiler.render.report_format import fmt

    q, results, sink, path = _run(tmp_path, "from systems import DGX_H100\nrack r { server n: DGX_H100 x 4 }\n",
                                  "rack.factory")
    text = render_markdown(results, path, sink)
    capex = q["r.capex_depreciable_it"]["values"][0]
    assert capex == 4 * 400e3
    assert f"| Capex | {fmt(capex, 'money')} |" in text and "`r.capex_depreciable_it`" in text
    assert f"| **Total capex** | **{fmt(capex, 'money')}** |" in text
    assert "at the meter" not in text.split("#### Power at each stage")[0].split("### Key figures")[1]
    assert f"| **Total IT power** | **{fmt(q['r.it_power']['values'][0], 'power')}** |" in text

    q, results, sink, path = _run(tmp_path, "from systems import DGX_H100\nserver n: DGX_H100\n", "server.factory")
    text = render_markdown(results, path, sink)
    v = {k[2:]: q[k]["values"][0] for k in q if k.startswith("n.") and k.count(".") == 1}
    assert v["capex_depreciable_it"] == v["capex_it"] + v["capex_network"] == 400e3
    assert f"| IT power | {fmt(v['peak_power'], 'power')} |" in text and "`n.peak_power`" in text
    assert f"| Capex | {fmt(v['capex_depreciable_it'], 'money')} |" in text
    assert f"| **Total at the wall** | **{fmt(v['peak_power'], 'power')}** |" in text


LOCAL_PARTS = FABRIC.replace("from network import SN5600\n", """\
switch sw {
  ports = 64
  port_speed = 800 Gb/s
  power = 1000 W
  price = 40000 USD
}
transceiver o {
  speed = 800 Gb/s
  power = 15 W
  price = 900 USD
}
""").replace("switch = SN5600", "switch = sw\n    transceiver = o")


def test_a_fabrics_parts_defined_in_the_spec_show_their_unit_figures(tmp_path) -> None:
    """A switch and transceiver defined in the spec itself (not imported) show their power and price on the
    fabric's lines as they do imported (they read "—"), and each line's cost is its count x that price:
    1,024 modules x $900 = $921,600; 40 switches x $40k = $1.60M."""
    from compiler.render.report import render_markdown

    q, results, sink, path = _run(tmp_path, LOCAL_PARTS)
    assert q["s.backend.capex_transceivers"]["values"][0] == 1024 * 900.0
    assert q["s.backend.capex_switching"]["values"][0] == 40 * 40e3
    text = render_markdown(results, path, sink)
    assert "| o \\(backend\\) | transceiver | 1,024 | 15 W | $900 | $922k |" in text
    assert "| sw \\(backend\\) | switch | 40 | 1 kW | $40.0k | $1.60M |" in text
