"""Law over the views (as the flag law of tests/test_diagram_trust15.py): gear placed short of what its load needs
is marked on every view that lists it. The ground truth is the run's own capacity limits (`check`: 'transformer
units needed = 8, transformer units placed = 1'): for each that fails, every card of every view that names the
gear's definition says 'needs N ...: only P placed', in the alert colour, with the limit's N and P."""
from __future__ import annotations

import re

import pytest

from compiler.cli import run_pipeline
from compiler.render.diagram import diagram_dot

SHORT = """\
from systems import GB300_NVL72, DGX_H100_rack
from facility import Transformer_2500kVA, Switchgear_LV_4000A, UPS_1250kVA, Generator_3MW, PDU_300kVA
from facility import CDU_row_2MW, CRAH_150kW, Chiller_WC_1000ton, Pump_3500kW
site s {{
  land_price = 0 USD
  hall h {{
    rack r: GB300_NVL72 x 40
    rack a: DGX_H100_rack x 20
    cdu c: CDU_row_2MW{n}
    crah k: CRAH_150kW{n}
    pump p: Pump_3500kW{n}
    row w {{
      rack q: DGX_H100_rack x 4
      pdu d: PDU_300kVA{n}
    }}
  }}
  transformer t: Transformer_2500kVA{n}
  switchgear g: Switchgear_LV_4000A{n}
  ups u: UPS_1250kVA{n}
  generator e: Generator_3MW{n}
  chiller ch: Chiller_WC_1000ton{n}
}}
"""
# the kind a failing capacity limit's note names -> the definition placed of it
GEAR = {"transformer units": "Transformer_2500kVA", "switchgear units": "Switchgear_LV_4000A",
        "ups units": "UPS_1250kVA", "generator units": "Generator_3MW", "pdu units": "PDU_300kVA",
        "cdus": "CDU_row_2MW", "crahs": "CRAH_150kW", "pumps": "Pump_3500kW", "chillers": "Chiller_WC_1000ton"}
VIEWS = ("physical", "network", "power", "cooling")


def _plain(dot: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", dot).replace("&#8194;", " "))


def _run(tmp_path, count: str):
    path = tmp_path / "short.factory"
    path.write_text(SHORT.format(n=count))
    results, sink = run_pipeline([str(path)], {}, None, evaluate_all=True)
    assert results is not None, [d.message for d in sink.items]
    short = {}
    for c in results.checks:
        m = re.match(r"(.+?) needed = (\d+), .+? placed = (\d+)$", c.detail)
        if not c.ok and m:
            short[GEAR[m.group(1)]] = (int(m.group(2)), int(m.group(3)))
    return results, short


@pytest.mark.parametrize("count", [" x 1", ""])
def test_gear_placed_short_is_marked_on_every_view_that_lists_it(tmp_path, count) -> None:
    """One unit of each gear (written `x 1`, or no count: one unit to the limits, which fail for the power gear,
    pumps; CDUs, CRAHs and chillers without a count are sized by the model and fail nothing). The physical view's
    equipment card listed '1 × Transformer_2500kVA · 2.5 MW each' clean where the power view flagged it and `check`
    failed 8 needed, 1 placed; and the power view drew a transformer and UPS placed without a count clean."""
    results, short = _run(tmp_path, count)
    expected = {"Transformer_2500kVA", "Switchgear_LV_4000A", "UPS_1250kVA", "Generator_3MW", "PDU_300kVA",
                "Pump_3500kW"} | ({"CDU_row_2MW", "CRAH_150kW", "Chiller_WC_1000ton"} if count else set())
    assert set(short) == expected, short
    listed = {name: [] for name in short}
    for view in VIEWS:
        for line in diagram_dot(results, view).splitlines():
            text = _plain(line)
            for name, (needed, placed) in short.items():
                if re.search(rf"\b{name}\b", text):
                    listed[name].append(view)
                    red = re.findall(r'<FONT COLOR="#C92A2A">([^<]*)', line)
                    assert any(re.search(rf"needs {needed}\b[^:]*: only {placed} placed", r) for r in red), \
                        (view, name, needed, placed, text[:500])
    assert all("physical" in views for views in listed.values()), listed
    assert all("power" in listed[n] for n in ("Transformer_2500kVA", "UPS_1250kVA", "Generator_3MW", "PDU_300kVA"))


def test_gear_placed_with_enough_units_is_marked_nowhere(tmp_path) -> None:
    results, short = _run(tmp_path, " x 20")
    assert not short
    for view in VIEWS:
        assert "only " not in _plain(diagram_dot(results, view)), view


def test_gear_a_rack_places_short_is_marked_on_its_rack_card(tmp_path) -> None:
    """A GB300 rack of ~119 kW to liquid with one 150 kW CDU at N+1: the rack's cdu-capacity limit fails (needs
    ceil(119 / 150) + 1 = 2, 1 placed); its rack card listed '1 × CDU_rack_150kW (CDU)' clean."""
    path = tmp_path / "rack.factory"
    path.write_text("from systems import GB300_NVL72\nfrom facility import CDU_rack_150kW\n"
                    "rack big extends GB300_NVL72 {\n  cdu c: CDU_rack_150kW x 1 {\n    redundancy = \"N+1\"\n  }\n}\n"
                    "site s {\n  land_price = 0 USD\n  hall h {\n    rack r: big x 2\n  }\n}\n")
    results, sink = run_pipeline([str(path)], {}, None, evaluate_all=True)
    assert results is not None, [d.message for d in sink.items]
    assert [c.detail for c in results.checks if not c.ok and c.name.startswith("s.h.r:")] == \
        ["cdu units needed = 2, cdu units placed = 1"]
    card = next(line for line in diagram_dot(results, "physical").splitlines() if "CDU_rack_150kW" in line)
    assert re.search(r'<FONT COLOR="#C92A2A">[^<]*needs 2 \(N\+1\): only 1 placed', card), _plain(card)


TWO_SITES = """\
from systems import GB300_NVL72, DGX_H100_rack
site east {
  land_price = 0 USD
  hall h {
    rack r: GB300_NVL72 x 10
  }
}
site west {
  land_price = 0 USD
  hall h {
    rack r: DGX_H100_rack x 30
  }
}
"""


def test_a_multi_site_power_view_has_the_totals_line_eval_adds_up_to(tmp_path) -> None:
    """A single site's power view says '1.743 MW at the meter (peak) · 1.399 MW IT · ...' under its title; two sites'
    said nothing. Now the sum of eval's figures of the sites, in the report's format: by hand from `factory eval`
    (east 1.743 + west 1.444 MW at the meter, 1.399 + 1.047 MW IT) 3.187 MW and 2.446 MW, as the physical view's
    totals line gives them."""
    from compiler.render.report_format import fmt

    path = tmp_path / "two.factory"
    path.write_text(TWO_SITES)
    results, sink = run_pipeline([str(path)], {}, None, evaluate_all=True)
    assert results is not None, [d.message for d in sink.items]
    total = {n: sum(results.values[f"{s}.{n}"].item() for s in ("east", "west")) for n in ("facility_power", "it_power")}
    line = f"{fmt(total['facility_power'], 'power')} at the meter (peak) \u00b7 {fmt(total['it_power'], 'power')} IT"
    assert line == "3.187 MW at the meter (peak) \u00b7 2.446 MW IT"
    power = _plain(diagram_dot(results, "power").split("\n\tnode", 1)[0])
    assert f"east, west \u2014 power one-line {line}" in power, power
    physical = _plain(diagram_dot(results, "physical").split("\n\tnode", 1)[0])
    assert "2.446 MW IT peak \u00b7 3.187 MW at the meter" in physical, physical


def test_every_glyph_the_diagrams_draw_is_in_the_embedded_pngs_font(monkeypatch) -> None:
    """The embedded Graphviz (graphviz-pure) draws PNG text in its own font, which has no '✗' (U+2717: the title's
    'this plan has 9 errors' banner) and no '⚠' (U+26A0: eval's mark after every flagged figure): both were drawn
    as the font's empty box, the same picture as a private-use character it cannot have. Law: each non-ASCII
    character the diagram modules write, as render_diagram sends it to the embedded program for PNG, draws
    something other than that box."""
    import glob

    from compiler import graphviz_backend
    from compiler.render import diagram

    monkeypatch.setenv("FACTORY_GRAPHVIZ", "embedded")
    if graphviz_backend.find_renderer() is None:
        pytest.skip("graphviz-pure is not installed")
    chars = {"\u2002"}                         # the en spaces that pad the labels (&#8194;)
    for f in glob.glob("compiler/render/diagram*.py") + ["compiler/render/report_format.py"]:
        src = open(f, encoding="utf-8").read()
        chars |= {chr(int(h, 16)) for h in re.findall(r"\\u([0-9a-fA-F]{4})", src)} | {c for c in src if ord(c) > 127}
    chars = sorted(c for c in chars if not 0xD800 <= ord(c) <= 0xDFFF and not c.isspace())

    def png(text: str) -> bytes:
        return diagram.render_diagram(f"digraph {{\n\ta [shape=plain fontname=Helvetica label=<{text}>]\n}}", "png")
    box = png("\ue000")
    missing = [f"U+{ord(c):04X}" for c in chars if png(c) == box]
    assert not missing, missing


def test_a_multi_site_cooling_view_has_the_totals_line_eval_adds_up_to(tmp_path) -> None:
    """As the power view: a single site's cooling view says '<IT heat> IT heat · <liquid> to liquid · <air> to air ·
    cooling power <p> peak' under its title, two sites' said nothing. Now each figure is the sum of eval's figures
    of the sites, in the report's format."""
    from compiler.render.report_format import fmt

    path = tmp_path / "two.factory"
    path.write_text(TWO_SITES)
    results, sink = run_pipeline([str(path)], {}, None, evaluate_all=True)
    assert results is not None, [d.message for d in sink.items]
    total = {n: fmt(sum(results.values[f"{s}.{n}"].item() for s in ("east", "west")), "power")
             for n in ("it_power", "heat_liquid", "heat_air", "cooling_power")}
    line = (f"{total['it_power']} IT heat \u00b7 {total['heat_liquid']} to liquid \u00b7 {total['heat_air']} to air "
            f"\u00b7 cooling power {total['cooling_power']} peak")
    cooling = _plain(diagram_dot(results, "cooling").split("\n\tnode", 1)[0])
    assert f"east, west \u2014 cooling {line}" in cooling, (line, cooling)

