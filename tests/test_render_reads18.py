"""Renderers only read results, session 18 (s18-render): every number a renderer shows is a model output results
JSON also has, so the table, the report, the diagrams and JSON never disagree.

Laws: (1) `explain` of a sweep marks a figure flagged in some scenarios only with those scenarios (as results JSON's
`flagged.scenarios`), never as flagged in every scenario; (2) each figure the renderers used to compute is an output
in results JSON that multiplies out from the figures it is made of, and the report and the diagrams print that
output: the shares of a breakdown's total and of the IT heat (`<part>_share`), a fabric over all its placements
(`quantity`, `total_switches`, `total_power`, ...), a bill-of-materials line (`bill_of_materials`: its placements'
outputs added) and the share of each latency limit a service's p99 takes (`ttft_limit_use`, `tpot_limit_use`).
"""
from __future__ import annotations

import json
import pathlib

import pytest
from click.testing import CliRunner

from compiler.cli import main, run_pipeline
from compiler.explain import render_text
from compiler.render.diagram import diagram_dot
from compiler.render.diagram_base import _pct
from compiler.render.report import report_context
from compiler.render.report_format import fmt
from compiler.render.results import render_results
from dsl.schema import SHARES
from tests.test_report2_hunt17 import NO_FIT


# ---------------------------------------------------------------------------------------------- explain's flags
def _explain(tmp_path, *args) -> tuple[int, str]:
    spec = tmp_path / "nofit.factory"
    spec.write_text(NO_FIT, encoding="utf-8")
    res = CliRunner().invoke(main, ["explain", str(spec), "s.energy_year", "--depth", "1", *args])
    return res.exit_code, res.stdout


def _flags(tree: dict) -> dict:
    out = {tree["path"]: (tree.get("flagged"), tree.get("flagged_scenarios"))}
    for child in tree.get("inputs") if isinstance(tree.get("inputs"), list) else []:
        out.update(_flags(child))
    return out


def test_explain_of_a_sweep_flags_a_figure_in_the_scenarios_its_flag_holds_in(tmp_path) -> None:
    # acc = [8, 1]: `chat` cannot run at acc=1 (its weights do not fit one chip), and the site's energy bill is
    # flagged there alone (results JSON: flagged.scenarios [1]); explain marked it as flagged in every scenario
    rc, out = _explain(tmp_path, "-D", "acc=[8, 1]", "--format", "json")
    tree = json.loads(out)
    flags = _flags(tree)
    # results JSON flags both in scenario 1 alone (tests/test_report2_hunt17.py: flagged.scenarios == [1])
    assert set(flags) == {"s.energy_year", "s.facility_power_metered"}, flags
    for path, (why, scenarios) in flags.items():
        assert why and scenarios == [1], (path, why, scenarios)
    # the text names the scenario, as eval's table does
    first = render_text(tree).splitlines()[0]
    assert "⚠" in first and "in 1 of 2 scenarios: acc=1" in first, first


# ---------------------------------------------------------------------------------------------- shares
ROOT = pathlib.Path(__file__).resolve().parent.parent
FLAGSHIP = str(ROOT / "examples" / "flagship_campus.factory")


@pytest.fixture(scope="module")
def flagship():
    results, sink = run_pipeline([FLAGSHIP], {}, None, evaluate_all=True)
    doc = json.loads(render_results(results, FLAGSHIP, sink, "json", None))
    return results, sink, doc


def _value(doc, path):
    q = doc["quantities"].get(path)
    return None if q is None or q["values"][0] is None else q["values"][0]


def test_every_share_in_results_json_is_its_part_over_its_total(flagship) -> None:
    results, _, doc = flagship
    checked = 0
    for path, q in doc["quantities"].items():
        inst = getattr(results.graph.nodes.get(path), "instance", None)
        name = path.rsplit(".", 1)[-1]
        if inst is None or not name.endswith("_share") or inst.kind not in SHARES:
            continue
        part = name[:-len("_share")]
        total = next(t for t, _, parts in SHARES[inst.kind] if part in parts)
        whole, value = _value(doc, f"{inst.path}.{total}"), _value(doc, f"{inst.path}.{part}")
        assert q["values"][0] == value / whole, (path, q["values"], value, whole)
        checked += 1
    # the site and its hall: power by component and stage, capex, cost per year, heat; its racks: power, capex, heat
    assert checked >= 60, checked


def test_the_reports_share_columns_print_the_share_outputs_of_results_json(flagship) -> None:
    # the report divided each row by its total itself; now each share is the output `<row>_share`: the cell is
    # that output, formatted, so the report and results JSON cannot disagree
    results, sink, doc = flagship
    context = report_context(results, FLAGSHIP, sink)
    seen = 0
    for subject in context["subjects"]:
        breakdowns = [subject["power"]["component"], subject["cost"]["capex"], subject["cost"]["year"]]
        rows = [r for b in breakdowns if b for r in b["rows"]] + [s for s in subject["power"]["stages"] if s["share"]]
        for row in rows:
            assert row["share"] == fmt(_value(doc, f"{row['path']}_share"), "percent"), (row, doc["quantities"].get(
                f"{row['path']}_share"))
            seen += 1
    assert seen >= 20, seen


def test_the_cooling_views_split_of_the_heat_prints_the_share_outputs(flagship) -> None:
    # flagship's data hall: 85% of its IT heat to liquid, 15% to air (the hall's heat_liquid_share, heat_air_share)
    results, sink, doc = flagship
    dot = diagram_dot(results, "cooling")
    hall = "frontier_campus.data_hall"
    liquid, air = _value(doc, f"{hall}.heat_liquid_share"), _value(doc, f"{hall}.heat_air_share")
    assert liquid == _value(doc, f"{hall}.heat_liquid") / _value(doc, f"{hall}.it_power")
    assert f"{_pct(liquid)} to liquid \u00b7 {_pct(air)} to air" in dot, dot


# ---------------------------------------------------------------------------------------------- a fabric placed x n
PODS = '''"""Two halls, each with its own backend fabric: a fabric placed x 2."""
from systems import GB300_NVL72
from network import Q3400, OSFP_800G_2xDR4

site s {
  land_price = 0 USD
  hall h x 2 {
    rack r: GB300_NVL72 x 4
    network backend {
      role = "scale_out"
      switch = Q3400
      transceiver = OSFP_800G_2xDR4
    }
  }
}
'''


@pytest.fixture(scope="module")
def pods(tmp_path_factory):
    spec = tmp_path_factory.mktemp("pods") / "pods.factory"
    spec.write_text(PODS, encoding="utf-8")
    results, sink = run_pipeline([str(spec)], {}, None, evaluate_all=True)
    doc = json.loads(render_results(results, str(spec), sink, "json", None))
    return str(spec), results, sink, doc


def test_a_fabrics_figures_over_its_placements_are_outputs_that_multiply_out(pods) -> None:
    # the fabric is placed once in each of 2 halls: quantity 2; each total is its figure x 2 (6 switches a hall:
    # 12 in the plan; 23.64 kW a hall: 47.29 kW)
    _, _, _, doc = pods
    n = "s.h.backend"
    assert _value(doc, f"{n}.quantity") == 2.0
    for name in ("power", "switches", "transceivers", "nics_counted", "capex_switching", "capex_transceivers",
                 "capex_cables", "capex_nics"):
        assert _value(doc, f"{n}.total_{name}") == _value(doc, f"{n}.{name}") * 2.0, name
    cables = sum(_value(doc, f"{n}.cables_{k}") for k in ("copper", "active", "optical"))
    assert _value(doc, f"{n}.total_cables") == cables * 2.0
    # the switch line's power: its switches over the plan x the named switch's power (Q3400: 2.4 kW)
    assert _value(doc, f"{n}.total_switch_power") == _value(doc, f"{n}.total_switches") * 2400.0


def test_the_network_view_and_the_bill_of_materials_print_the_fabrics_totals(pods) -> None:
    spec, results, sink, doc = pods
    n = "s.h.backend"
    dot = diagram_dot(results, "network")
    switches, power = _value(doc, f"{n}.total_switches"), _value(doc, f"{n}.total_power")
    whole = f"total {switches:,.0f} switches \u00b7 {fmt(power, 'power')}"
    assert whole in dot, dot
    assert f"<B>backend</B>\xa0\u00d7 {_value(doc, f'{n}.quantity'):,.0f}" in dot, dot     # its quantity, 2
    context = report_context(results, spec, sink)
    lines = {r["kind"]: r for g in context["subjects"][0]["bom"]["groups"] for r in g["rows"] if "backend" in r["item"]}
    assert lines["switch"]["qty"] == fmt(_value(doc, f"{n}.total_switches"), "count") == "12"
    assert lines["switch"]["total_price"] == fmt(_value(doc, f"{n}.total_capex_switching"), "money")
    assert lines["switch"]["total_power"] == fmt(_value(doc, f"{n}.total_switch_power"), "power")
    assert lines["transceiver"]["total_power"] == fmt(_value(doc, f"{n}.total_transceiver_power"), "power")
    assert lines["cable"]["qty"] == fmt(_value(doc, f"{n}.total_cables"), "count")
    fabric = context["subjects"][0]["bom"]["fabrics"][0]
    assert fabric["count"] == fmt(_value(doc, f"{n}.quantity"), "count") == "2"


# ---------------------------------------------------------------------------------------------- bill of materials
TWO_HALLS = '''"""One rack definition placed in two halls: one bill-of-materials line."""
from systems import GB300_NVL72

site s {
  land_price = 0 USD
  hall a {
    rack r1: GB300_NVL72 x 2
  }
  hall b {
    rack r2: GB300_NVL72 x 3
  }
}
'''


def test_a_bill_of_materials_line_is_its_placements_outputs_added_and_the_report_prints_it(tmp_path) -> None:
    # GB300_NVL72 placed 2 + 3 times: one line of quantity 5, its total price and power the placements' sums (each
    # the cost model's quantity x price, quantity x it_power); the report printed sums it made itself
    spec = tmp_path / "two.factory"
    spec.write_text(TWO_HALLS, encoding="utf-8")
    results, sink = run_pipeline([str(spec)], {}, None, evaluate_all=True)
    doc = json.loads(render_results(results, str(spec), sink, "json", None))
    lines = {(line["kind"], line["item"]): line for line in doc["bill_of_materials"]["s"]}
    rack = lines[("rack", "GB300_NVL72")]
    assert rack["placements"] == ["s.a.r1", "s.b.r2"] and rack["quantity"] == [5.0]
    for name in ("quantity", "total_price", "total_power"):
        assert rack[name][0] == sum(_value(doc, f"{p}.{name}") for p in rack["placements"]), name
    assert rack["total_price"][0] == 5 * _value(doc, "s.a.r1.price")
    chips = lines[("chip", "GB300")]
    assert chips["quantity"] == [5 * 72.0]
    context = report_context(results, str(spec), sink)
    shown = {(r["kind"], r["item"]): r for g in context["subjects"][0]["bom"]["groups"] for r in g["rows"]}
    for key, line in lines.items():
        row = shown[key]
        assert row["qty"] == fmt(line["quantity"][0], "count"), (key, row)
        assert row["total_power"] == (fmt(line["total_power"][0], "power") if line["total_power"][0] is not None
                                      else "—"), (key, row)
        if line["total_price"][0] is not None:
            assert row["total_price"].startswith(fmt(line["total_price"][0], "money")), (key, row)


def test_the_capacity_note_reads_the_share_of_each_latency_limit_its_p99_takes(flagship) -> None:
    # flagship's chat: TPOT p99 takes 96.25% of its limit, TTFT p99 18.8% (the outputs tpot_limit_use,
    # ttft_limit_use = p99 / limit held); the note says the TPOT limit binds (>= 85%, the larger), as the report
    # computed from the two figures itself before
    results, sink, doc = flagship
    chat = "frontier_campus.chat"
    for what in ("ttft", "tpot"):
        assert _value(doc, f"{chat}.{what}_limit_use") == \
            _value(doc, f"{chat}.{what}_p99") / _value(doc, f"{chat}.{what}_limit_held")
    assert _value(doc, f"{chat}.tpot_limit_use") >= 0.85 > _value(doc, f"{chat}.ttft_limit_use")
    context = report_context(results, FLAGSHIP, sink)
    bounds = [b for t in context["subjects"][0]["workload_tables"] for b in t["bounds"]]
    assert any(b.startswith("chat: capacity bound by TPOT p99") for b in bounds), bounds


def test_the_capacity_note_names_the_kv_cache_where_the_batch_is_the_rows_it_holds() -> None:
    # the shootout's b200_70b: batch 597 = max_batch 597 (the rows its KV cache holds), TTFT p99 367.7 ms of 2 s and
    # TPOT p99 96.61 ms of 200 ms (neither >= 85%): the search stopped at the KV cache, not at a limit. Before
    # (s24-hunt2), the note read "no latency limit binds its capacity (...): the most throughput its batch search
    # finds", beside the knife-edge warning's "its rows in flight (597) are ... what its KV cache holds (597 rows)"
    spec = str(ROOT / "examples" / "inference_shootout.factory")
    results, sink = run_pipeline([spec], {}, None, evaluate_all=True)
    doc = json.loads(render_results(results, spec, sink, "json", None))
    path = "shootout.b200_70b"
    assert _value(doc, f"{path}.batch") == _value(doc, f"{path}.max_batch")
    assert max(_value(doc, f"{path}.ttft_limit_use"), _value(doc, f"{path}.tpot_limit_use")) < 0.85
    bounds = [b for s in report_context(results, spec, sink)["subjects"] for t in s["workload_tables"]
              for b in t["bounds"]]
    assert any(b.startswith("b200_70b: its KV cache binds its capacity: the batch is the 597 rows it holds")
               for b in bounds), bounds
    assert not any(b.startswith("b200_70b: no latency limit binds") for b in bounds)
