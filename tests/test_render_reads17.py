"""Renderers and `explain` only read results (ARCHITECTURE.md: "render/: diagram views and report sections read
results; they never re-derive a model"). Laws: (1) `explain` reaches the evaluation through its public API
(`Results.evaluator`, `Evaluator.readable`, `Evaluator.module_value`), no private attribute of another object;
(2) an imported module's `let` still shows, evaluated, in the derivation; (3) the figures renderers used to
compute are model or results outputs that multiply out from results JSON: the plan's totals (the diagrams' totals
lines), the amounts of the report's note on $/Mtok, the chillers, dry coolers and pumps placed (cooling view)."""
from __future__ import annotations

import ast
import pathlib

from compiler.cli import run_pipeline
from compiler.explain import derivation

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _private_reads(path: pathlib.Path) -> list[str]:
    """`obj._name` reads in a module where obj is not `self` (a dunder is no private attribute)."""
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__") \
                and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
            out.append(f"{path.name}:{node.lineno}: .{node.attr}")
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "getattr" and len(node.args) >= 2 \
                and isinstance(node.args[1], ast.Constant) and str(node.args[1].value).startswith("_") \
                and not str(node.args[1].value).startswith("__"):
            out.append(f"{path.name}:{node.lineno}: getattr {node.args[1].value}")
    return out


def test_explain_reads_no_private_attribute() -> None:
    assert _private_reads(ROOT / "compiler" / "explain.py") == []


def test_explain_evaluates_an_imported_let_through_the_public_api(tmp_path) -> None:
    (tmp_path / "lib.factory").write_text("let watts = 300 W\nlet twice = watts * 2\n")
    (tmp_path / "main.factory").write_text(
        'import "./lib.factory" as lib\nfrom "./lib.factory" import twice\n'
        "site s {\n  land_price = 0 USD\n  let x = twice + lib.watts\n}\n")
    results, sink = run_pipeline([str(tmp_path / "main.factory")], {}, None, evaluate_all=True)
    assert results is not None and results.evaluator is not None and results.evaluator.readable
    tree = derivation(results, "s.x", sink.sources)
    shown = {c["path"]: c["value"] for c in tree["inputs"]}
    assert shown == {"lib.watts": "300 W", "twice": "600 W"}, shown      # 300 W + 2 x 300 W = 900 W
    results.release()
    assert not results.evaluator.readable
    assert derivation(results, "s.x", sink.sources).get("inputs", []) == []    # released: nothing evaluated


# ---------------------------------------------------------------------------------------------- figures renderers read
THREE = """\
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
  hall g {
    rack r: GB300_NVL72 x 3
  }
}
"""


def _json(tmp_path, text: str, name: str = "spec.factory", defines=None) -> dict:
    import json

    from compiler.render.results import render_results

    path = tmp_path / name
    path.write_text(text)
    results, sink = run_pipeline([str(path)], defines or {}, None, evaluate_all=True)
    assert results is not None, [d.message for d in sink.items]
    return json.loads(render_results(results, str(path), sink, "json", None))


def test_every_plan_total_is_the_sum_of_its_terms_in_results_json(tmp_path) -> None:
    """The totals lines of the diagrams are results JSON's `totals`, each the sum of count x figure of its terms
    (the top-level sites), read from the same document: east 1.743 + west 1.444 MW at the meter, as
    tests/test_diagram_shortfall16.py's two sites have it, here with a third hall."""
    doc = _json(tmp_path, THREE)
    q = doc["quantities"]
    assert sorted(doc["totals"]) == ["accelerators", "cooling_power", "facility_power", "heat_air", "heat_liquid",
                                     "it_power"]
    for name, total in doc["totals"].items():
        assert [t["figure"] for t in total["terms"]] == [f"east.{name}", f"west.{name}"], total
        assert total["unit"] == q[f"east.{name}"]["unit"]
        by_hand = q[f"east.{name}"]["values"][0] + q[f"west.{name}"]["values"][0]
        assert abs(total["values"][0] - by_hand) <= 1e-9 * abs(by_hand), (name, total, by_hand)
    assert q["east.accelerators"]["values"][0] == 10 * 72          # GB300 NVL72: 72 GPUs a rack


def test_a_sweeps_total_is_the_sum_of_its_terms_in_every_scenario(tmp_path) -> None:
    doc = _json(tmp_path, "param n = 10\n" + THREE.replace("GB300_NVL72 x 10", "GB300_NVL72 x n"),
                defines={"n": "[5, 10, 20]"})
    q = doc["quantities"]
    total = doc["totals"]["it_power"]["values"]
    assert len(total) == 3 and total[0] < total[1] < total[2]
    for i in range(3):
        assert abs(total[i] - q["east.it_power"]["values"][i] - q["west.it_power"]["values"][i]) <= 1e-6 * total[i]


SERVICES = """\
from systems import DGX_H100
from models import Llama3_1_70B
site s {
  land_price = 0 USD
  hall h {
    rack r { server n: DGX_H100 x 4 }
  }
  inference chat {
    model = Llama3_1_70B
    system = DGX_H100
    accelerators = 16
  }
  inference chat2 {
    model = Llama3_1_70B
    system = DGX_H100
    accelerators = 8
    utilization = 0.3
  }
}
"""


def test_the_mtok_notes_amounts_multiply_out_to_the_figure(tmp_path) -> None:
    """The report's note on $/Mtok prints the site's services_cost_per_hour, services_accelerators_held and
    services_accelerator_hour (compiler/models/workloads.py): by hand, dollars an hour = held x the hour, and
    $/Mtok = dollars an hour / (tokens served an hour) x 1e6, i.e. in SI usd_per_mtok = services_cost_per_hour
    / served_tokens_per_s; held = 16 + 8."""
    q = _json(tmp_path, SERVICES)["quantities"]
    v = {k[2:]: q[k]["values"][0] for k in q if k.startswith("s.") and k.count(".") == 1}
    assert v["services_accelerators_held"] == 16 + 8
    assert abs(v["services_cost_per_hour"] - q["s.chat.cost_per_hour"]["values"][0]
               - q["s.chat2.cost_per_hour"]["values"][0]) <= 1e-12 * v["services_cost_per_hour"]
    assert abs(v["services_accelerator_hour"] * 24 - v["services_cost_per_hour"]) <= 1e-12 * v["services_cost_per_hour"]
    assert abs(v["usd_per_mtok"] - v["services_cost_per_hour"] / v["served_tokens_per_s"]) <= 1e-9 * v["usd_per_mtok"]


PLANT = """\
from systems import GB300_NVL72
from facility import Chiller_WC_1000ton, Pump_3500kW, DryCooler_1MW
site s {
  land_price = 0 USD
  heat_rejection = "dry_cooler"
  hall h {
    rack r: GB300_NVL72 x 40
    pump p: Pump_3500kW x 3
    pump q: Pump_3500kW
  }
  chiller ch: Chiller_WC_1000ton x 2
  dry_cooler dc: DryCooler_1MW x 5
  pump sp: Pump_3500kW x 2
}
"""


def test_the_placed_units_the_cooling_view_draws_are_model_outputs(tmp_path) -> None:
    """Chillers, dry coolers and pumps placed (compiler/models/totals.py), counted as the capacity limits count
    them: the hall's pumps 3 + 1 (one without a count), the site's 2, its chillers 2, its dry coolers 5; and the
    cooling view draws those counts."""
    from compiler.render.diagram import diagram_dot

    q = _json(tmp_path, PLANT)["quantities"]
    assert {k: q[k]["values"][0] for k in q if k.endswith("_placed")} == {
        "s.h.pumps_placed": 4.0, "s.pumps_placed": 2.0, "s.chillers_placed": 2.0, "s.dry_coolers_placed": 5.0,
        "s.h.r.power_shelf_units_placed": 8.0}                  # the GB300 NVL72 rack's 8 power shelves
    results, _ = run_pipeline([str(tmp_path / "spec.factory")], {}, None, evaluate_all=True)
    dot = diagram_dot(results, "cooling")
    assert "Chillers \u00d7 2" in dot and "Dry coolers \u00d7 5" in dot
    assert "pumps 4 \u00d7 Pump_3500kW" in dot and "pumps 2 \u00d7 Pump_3500kW" in dot


def test_a_sites_cooling_power_outside_its_halls_is_its_own_less_its_halls(tmp_path) -> None:
    """The power view feeds a site's plant beyond its halls' from `cooling_power_outside_halls` (models/facility.py)
    rather than subtracting the halls' cooling power itself: by hand from results JSON, the site's cooling_power less
    the halls' (each once: placed without a count), and > 0 where the site holds racks outside its halls."""
    spec = THREE.replace("site west {\n  land_price = 0 USD\n", "site west {\n  land_price = 0 USD\n"
                         "  rack d: DGX_H100_rack x 2\n")
    q = _json(tmp_path, spec)["quantities"]
    for site, halls in (("east", ("h",)), ("west", ("h", "g"))):
        by_hand = q[f"{site}.cooling_power"]["values"][0] - sum(q[f"{site}.{h}.cooling_power"]["values"][0]
                                                                  for h in halls)
        got = q[f"{site}.cooling_power_outside_halls"]["values"][0]
        assert abs(got - max(by_hand, 0.0)) <= 1e-9 * q[f"{site}.cooling_power"]["values"][0], (site, got, by_hand)
    assert q["west.cooling_power_outside_halls"]["values"][0] > 0 == q["east.cooling_power_outside_halls"]["values"][0]


# ----------------------------------------------------------------- s17-render2: the rest of the renderers' arithmetic
SHORT = """\
from systems import GB300_NVL72
from facility import Transformer_2500kVA, PDU_300kVA
site s {
  land_price = 0 USD
  hall h {
    rack r: GB300_NVL72 x 40
    transformer t: Transformer_2500kVA x 2
    transformer u: Transformer_2500kVA
  }
}
"""


def test_the_units_placed_a_capacity_limit_counts_are_outputs_the_diagrams_read(tmp_path) -> None:
    """A hall's transformers placed are its `transformer_units_placed` (models/facility.py), the sum of the
    placements' counts with 1 where none is written: 2 + 1 = 3; by hand the 40 racks x ~140 kW (5.5 MW and more with
    the cooling) need 2 x ceil(load / 2.5 MVA) (2N) > 3, so the limit fails on the same two figures the physical
    and power views print (': only 3 placed', `units_needed` of the first placement)."""
    from compiler.render.diagram import diagram_dot

    doc = _json(tmp_path, SHORT)
    q = doc["quantities"]
    placed, needed = q["s.h.transformer_units_placed"]["values"][0], q["s.h.t.units_needed"]["values"][0]
    assert placed == 2 + 1 and needed > placed and needed % 2 == 0            # 2N: an even count
    results, sink = run_pipeline([str(tmp_path / "spec.factory")], {}, None, evaluate_all=True)
    assert any("transformer" in d.message and "limit exceeded" in d.message for d in sink.items)
    for view in ("physical", "power"):
        assert f"only {placed:.0f} placed" in diagram_dot(results, view), view


def test_the_cost_notes_amounts_are_the_cost_models_outputs(tmp_path) -> None:
    """The report's notes on depreciation, maintenance and the building print capex_depreciable_it (= capex_it +
    capex_network + capex_optics), capex_depreciable_facility (= power + cooling + building), capex_maintained (=
    capex - building - land) and capex_building_per_watt (= capex_building / it_power), each from results JSON by
    hand; with the default discount rate 0 the depreciation is the straight line on that amount (CRF = 1 / life:
    the IT's 5 years, the facility's 20, per second), and the report shows each amount as the JSON value formatted."""
    from compiler.models import assumptions as A
    from compiler.render.report import render_markdown
    from compiler.render.report_format import fmt

    doc = _json(tmp_path, THREE.replace("land_price = 0 USD", "land_price = 5000000 USD", 1))
    q = doc["quantities"]
    for site in ("east", "west"):
        v = {k[len(site) + 1:]: q[k]["values"][0] for k in q if k.startswith(site + ".") and k.count(".") == 1}
        assert v["capex_depreciable_it"] == v["capex_it"] + v["capex_network"] + v["capex_optics"]
        assert v["capex_depreciable_facility"] == v["capex_power"] + v["capex_cooling"] + v["capex_building"]
        assert v["capex_maintained"] == v["capex"] - v["capex_building"] - v["capex_land"]
        assert abs(v["capex_building_per_watt"] * v["it_power"] - v["capex_building"]) <= 1e-9 * v["capex_building"]
        life = 5 * 8760 * 3600.0                                  # 5 years of 8,760 h, in seconds (JSON's USD/s)
        assert A.depreciation_it.value == life
        assert abs(v["depreciation_it_year"] * life - v["capex_depreciable_it"]) <= 1e-9 * v["capex_depreciable_it"]
    assert q["east.capex_maintained"]["values"][0] < q["east.capex"]["values"][0] - 5e6      # the land left out
    results, sink = run_pipeline([str(tmp_path / "spec.factory")], {}, None, evaluate_all=True)
    text = render_markdown(results, str(tmp_path / "spec.factory"), sink)
    for name, words in (("capex_depreciable_it", "of IT, network and optics"),
                        ("capex_depreciable_facility", "of power, cooling and building"),
                        ("capex_maintained", "capex less building and land")):
        for site in ("east", "west"):
            assert f"{fmt(q[f'{site}.{name}']['values'][0], 'money')} {words}" in text, (site, name)


TRAIN = """\
from systems import GB200_NVL72, DGX_H100
from models import Llama3_1_70B, Llama3_1_8B
site s {
  location = "no building"
  training run {
    model = Llama3_1_8B
    rack = GB200_NVL72
    tokens = 100 Gtok
  }
  inference chat {
    model = Llama3_1_70B
    system = DGX_H100
    demand = 20 ktok/s
  }
  training fixed {
    model = Llama3_1_8B
    rack = GB200_NVL72
    tokens = 100 Gtok
    accelerators = 144
  }
  inference fixed2 {
    model = Llama3_1_70B
    system = DGX_H100
    accelerators = 8
  }
}
"""


def test_a_workload_without_accelerators_shows_the_count_its_figures_are_for(tmp_path) -> None:
    """A workload that sets no `accelerators` shows its `accelerators_held` marked "(default)" in the column of
    the workloads that set theirs (report_sections `_ran_on` reads it): by hand it is the count its figures are for, a run's accelerator_hours / time_to_train
    (one GB200 NVL72 rack: 72) and a service's tokens_per_s / tokens_per_s_per_chip."""
    from compiler.render.report import render_html
    from compiler.render.report_format import fmt

    q = _json(tmp_path, TRAIN)["quantities"]
    v = {k: q[k]["values"][0] for k in q if k.count(".") == 2}
    assert v["s.run.accelerators_held"] == 72 == round(v["s.run.accelerator_hours"] / v["s.run.time_to_train"])
    assert v["s.chat.accelerators_held"] == round(v["s.chat.tokens_per_s"] / v["s.chat.tokens_per_s_per_chip"])
    results, sink = run_pipeline([str(tmp_path / "spec.factory")], {}, None, evaluate_all=True)
    text = render_html(results, str(tmp_path / "spec.factory"), sink)
    for name in ("run", "chat"):
        assert f">{fmt(v[f's.{name}.accelerators_held'], 'count')} (default)</td>" in text, name


def test_a_racks_breakdown_totals_are_its_model_outputs(tmp_path) -> None:
    """A rack has no capex or facility power: its breakdowns' totals (and the share column's divisor) are its
    `capex_depreciable_it` (= capex_it + capex_network + capex_optics, all the capex a rack has) and its
    `it_power` (= the four power buckets + power_overhead, the overhead being what they leave of it), by hand from
    results JSON, and the report prints each total as the JSON value formatted. Four DGX H100: 32 GPUs."""
    from compiler.render.report import render_markdown
    from compiler.render.report_format import fmt

    q = _json(tmp_path, "from systems import DGX_H100\nrack r { server n: DGX_H100 x 4 }\n")["quantities"]
    v = {k[2:]: q[k]["values"][0] for k in q if k.startswith("r.") and k.count(".") == 1}
    assert v["accelerators"] == 32
    assert v["capex_depreciable_it"] == v["capex_it"] + v["capex_network"] + v["capex_optics"] > 0
    parts = sum(v[f"power_{b}"] for b in ("accelerators", "cpus", "memory", "network")) + v["power_overhead"]
    assert abs(parts - v["it_power"]) <= 1e-9 * v["it_power"]
    results, sink = run_pipeline([str(tmp_path / "spec.factory")], {}, None, evaluate_all=True)
    text = render_markdown(results, str(tmp_path / "spec.factory"), sink)
    assert f"| **Total capex** | **{fmt(v['capex_depreciable_it'], 'money')}** |" in text
    assert f"| **{fmt(v['it_power'], 'power')}** |" in text
