"""Session 19's defects found by the hunt and left open (s19-plancolo): a leased site's land, a plan that pairs
scenarios by index, a training run smaller than one step, `ep` on a dense model. Each test names its defect."""
from __future__ import annotations

import numpy as np

from compiler import evaluate_text
from dsl.diagnostics import Code

LEASED = '''param land = [0 USD, 5000000 USD, 80000000 USD]
param rate = 0.08 / 1 yr

site dc {
  location = "a colocation hall"
  colocation_price = 180 USD/kW/month
  electricity_price = 0.1 USD/kWh
  land_price = land
  finance f {
    discount_rate = rate
  }
  hall h {
    rack r x 2 {
      server n: box x 2
    }
  }
}

server box {
  max_power = 10 kW
  cooling = "air"
  price = 100000 USD
}
'''


def test_a_leased_site_buys_no_land_and_says_its_land_price_changes_nothing() -> None:
    """Law: a leased site (`colocation_price`) rents its building, power and cooling plant and the land they stand
    on, so its `land_price` never changes its capex or TCO: a sweep over the land price gives one capex and one TCO,
    the same as the spec without it, and a `no-effect` warning at the `land_price` field says so. (It counted the
    land on top of the lease: capex $0.4M of servers -> $5.4M with a $5M land price, exit 0, no warning.)"""
    results, sink = evaluate_text(LEASED)
    assert results is not None and not sink.errors, [d.message for d in sink.errors]
    without, _ = evaluate_text(LEASED.replace("  land_price = land\n", ""))
    for figure in ("dc.capex", "dc.tco_year", "dc.capex_land", "dc.land_capital_year"):
        swept = np.broadcast_to(np.asarray(results.values[figure], dtype=float), (3,))
        base = float(np.asarray(without.values[figure], dtype=float).ravel()[0])
        assert np.all(swept == base), (figure, swept, base)
    assert float(np.asarray(results.values["dc.capex"]).ravel()[0]) == 400_000.0    # 4 servers x $100k, by hand
    warned = [d for d in sink.items if d.code == Code.NO_EFFECT and "land_price" in d.message]
    assert len(warned) == 1, [d.message for d in sink.items]
    line = LEASED.splitlines().index("  land_price = land") + 1
    assert warned[0].span.line == line and "colocation_price" in warned[0].message
    # the building shell and the plant are rented too: their prices change nothing either, and say so
    priced = LEASED.replace("  land_price = land\n", "  shell_cost = 3 USD/W\n  plant_cost = 9 USD/W\n")
    results, sink = evaluate_text(priced)
    assert sorted(d.message.split("`")[1] for d in sink.items if d.code == Code.NO_EFFECT) == \
        ["dc.plant_cost", "dc.shell_cost"]
    for figure in ("dc.capex", "dc.tco_year"):
        assert float(np.asarray(results.values[figure]).ravel()[0]) == \
            float(np.asarray(without.values[figure]).ravel()[0])


SWEPT = '''param racks = [2, 4]
param kw = [10 kW, 20 kW]

site s {
  location = "lab"
  electricity_price = 0.1 USD/kWh
  land_price = 0 USD
  hall h {
    rack r x racks {
      server n: box x 2
    }
  }
}

server box {
  max_power = kw
  cooling = "air"
  price = 1000 USD
}
'''
GATES = '''[facility_power]
max_increase = "0%"
max_decrease = "0%"
[capex]
max_increase = "0%"
max_decrease = "0%"
'''


def _plan(tmp_path, old_text: str, new_text: str, scenario: int = 0) -> dict:
    """`factory plan OLD NEW --policy GATES --scenario N` as the CLI builds it (the new spec first, then the old one
    at the same point)."""
    from compiler.plan import compare, load_policy, snapshot

    (tmp_path / "old.factory").write_text(old_text)
    (tmp_path / "new.factory").write_text(new_text)
    (tmp_path / "gates.toml").write_text(GATES)
    new = snapshot([str(tmp_path / "new.factory")], "new", {}, None, scenario)
    old = snapshot([str(tmp_path / "old.factory")], "old", {}, None, scenario, new)
    return compare(old, new, load_policy(str(tmp_path / "gates.toml")), scenario)


def test_a_plan_pairs_scenarios_by_their_params_values_so_reordering_a_sweep_changes_nothing(tmp_path) -> None:
    """Law: a plan pairs a sweep's scenarios by their swept params' values, never by number: the head that lists
    the same params in the other order (its scenarios numbered anew) is no change at every `--scenario`, and no
    gate is violated. (Scenario 2 of `racks = [2, 4]`, `kw = [10 kW, 20 kW]` is racks 2, kw 20; of the reordered
    head, kw 10, racks 4: the plan compared and gated those two, facility power 40 kW -> 40 kW at scenario 2 of
    the old and 80 kW at its pair, exit 4 for a change that changes nothing.)"""
    head = SWEPT.replace("param racks = [2, 4]\nparam kw = [10 kW, 20 kW]",
                         "param kw = [10 kW, 20 kW]\nparam racks = [2, 4]")
    for scenario in (0, 1):
        doc = _plan(tmp_path, SWEPT, head, scenario)
        assert not doc["changed"], (scenario, [k for k in doc["kpis"] if k["changed"]], doc["costs"])
        assert all(g["ok"] for g in doc["policy"]), [g["message"] for g in doc["policy"] if not g["ok"]]
        assert doc["scenarios"]["added"] == doc["scenarios"]["removed"] == []
        assert doc["scenarios"]["old"]["parameters"] == doc["scenarios"]["new"]["parameters"]


def test_a_value_inserted_into_a_sweep_is_one_added_scenario_and_every_other_pair_unchanged(tmp_path) -> None:
    """Law: inserting a value into a swept list adds the scenarios at that value, named in the plan, and pairs
    every other scenario with its old self: each pair unchanged, so no change gate is broken, and the scenario
    compared is the same point on both sides. (Index pairing judged racks 3 against racks 4 and racks 4 against
    nothing: `max_increase = 0%` and `max_decrease = 0%` were violated for an insertion.)"""
    one = SWEPT.replace("param kw = [10 kW, 20 kW]", "param kw = 10 kW")
    head = one.replace("param racks = [2, 4]", "param racks = [2, 3, 4]")
    for scenario in (0, 2):
        doc = _plan(tmp_path, one, head, scenario)
        assert doc["scenarios"]["added"] == ["scenario 2 of 3 (racks = 3)"] and doc["scenarios"]["removed"] == []
        assert doc["changed"]
        assert all(g["ok"] for g in doc["policy"]), [g["message"] for g in doc["policy"] if not g["ok"]]
        assert not [k for k in doc["kpis"] if k["changed"]]
        assert doc["scenarios"]["old"]["parameters"] == doc["scenarios"]["new"]["parameters"]
    added = _plan(tmp_path, one, head, 1)       # the added scenario compared: nothing to compare it with
    assert "added by the change" in added["scenarios"]["old"]["text"]
    assert all(k["old"] is None for k in added["kpis"]) and all(g["ok"] for g in added["policy"])
    from compiler.plan import render_text
    assert "scenarios added (the old spec has no such point): scenario 2 of 3 (racks = 3)" in render_text(added)


def test_the_added_scenarios_are_said_in_every_plan_format(tmp_path) -> None:
    """Law: the scenarios on one side only are said in the text, markdown and github formats as in JSON."""
    from compiler.ci_formats import RepositoryPaths
    from compiler.plan import render_github, render_markdown, render_text

    one = SWEPT.replace("param kw = [10 kW, 20 kW]", "param kw = 10 kW")
    doc = _plan(tmp_path, one, one.replace("param racks = [2, 4]", "param racks = [2, 3, 4]"))
    for text in (render_text(doc), render_markdown(doc), render_github(doc, RepositoryPaths())):
        assert "scenario 2 of 3 (racks = 3)" in text, text


ONE_STEP = '''from systems import DGX_H100
from models import Llama3_1_8B

param batch = [512 Mtok, 2 Gtok]

site lab {
  location = "lab"
  training tiny {
    model = Llama3_1_8B
    system = DGX_H100
    accelerators = 8
    tokens = 1 Gtok
    global_batch = batch
  }
}
'''


def test_a_training_run_smaller_than_one_step_is_flagged_with_both_figures() -> None:
    """Law: a figure is right for its stated model or flagged where it is shown. A run whose global batch (tokens a
    step) exceeds its `tokens` runs one whole step by design (compiler/models/training.py `steps`): more tokens than
    it asked for, so its time to train and what is computed from it (cost, energy) are of that step. A warning at
    the workload names both figures, in the scenarios where it holds, and the table and JSON flag its time to
    train. (A 1 Gtok run at a 2 Gtok batch printed time_to_train 4.3 h, the 2 Gtok step, as a clean figure, exit 0.)"""
    from compiler.render.report_format import flagged_codes
    from compiler.render.results import results_json
    from compiler.render.table import render_table

    results, sink = evaluate_text(ONE_STEP, "lab.factory")
    assert not sink.errors, [d.message for d in sink.errors]
    warned = [d for d in sink.items if d.code == Code.BATCH_BEYOND_RUN]
    assert len(warned) == 1, [(d.code, d.message) for d in sink.items]
    assert "2 Gtok" in warned[0].message and "1 Gtok" in warned[0].message, warned[0].message
    assert warned[0].scenarios == [1] and warned[0].span.line == ONE_STEP.splitlines().index("  training tiny {") + 1
    flags = flagged_codes(results, sink)
    doc = results_json(results, "lab.factory", [d.to_json() for d in sink.sorted()], None, flags)
    for path in ("lab.tiny.time_to_train", "lab.time_to_train"):
        assert doc["quantities"][path]["flagged"]["codes"] == [Code.BATCH_BEYOND_RUN], path
    assert "flagged" not in doc["quantities"]["lab.tiny.tokens_per_s"]      # the step's rate is right
    table = render_table(results, sink, "lab.tiny.time_to_train")[0]
    assert "⚠" in table, table


DENSE_EP = '''from systems import DGX_H100
from models import Llama3_1_8B

site lab {
  location = "lab"
  training tiny {
    model = Llama3_1_8B
    system = DGX_H100
    accelerators = 8
    tokens = 1 Ttok
    ep = 2
  }
}
'''


def test_ep_on_a_dense_model_is_an_error_at_ep_that_says_the_model_has_no_experts() -> None:
    """Law: bad input gets a clear diagnostic at its span. A training run that sets `ep` on a dense model (no routed
    experts) has no layout: the error names `ep` and says the model has no experts, at the `ep` field. (It was at
    the workload's name, "no parallel layout exists: 8 accelerators, a scale-up domain of 8, 32 layers (...)",
    naming neither `ep` nor the experts.) `ep = 1` is no expert parallelism: a dense model runs at it."""
    results, sink = evaluate_text(DENSE_EP, "lab.factory")
    errors = [d for d in sink.errors if d.code == Code.INFEASIBLE_WORKLOAD]
    assert len(errors) == 1, [d.message for d in sink.items]
    assert "`ep` = 2" in errors[0].message and "no experts" in errors[0].message, errors[0].message
    line = DENSE_EP.splitlines().index("    ep = 2") + 1
    assert (errors[0].span.line, errors[0].span.col) == (line, DENSE_EP.splitlines()[line - 1].index("2") + 1)
    _, sink = evaluate_text(DENSE_EP.replace("ep = 2", "ep = 1"), "lab.factory")
    assert not sink.errors, [d.message for d in sink.errors]


def test_ep_on_a_dense_service_is_a_no_effect_warning_at_ep() -> None:
    """Law: an input that changes nothing is said where it is written. An inference service of a dense model reads
    no `ep` (no experts to spread): a `no-effect` warning at the `ep` field that says the model has no experts, and
    the figures are those of the spec without it. (It was silent.)"""
    service = DENSE_EP.replace("training tiny", "inference chat").replace("    accelerators = 8\n    tokens = 1 Ttok\n", "")
    results, sink = evaluate_text(service, "lab.factory")
    warned = [d for d in sink.items if d.code == Code.NO_EFFECT]
    assert len(warned) == 1 and "no experts" in warned[0].message and "`lab.chat.ep`" in warned[0].message
    assert warned[0].span.line == service.splitlines().index("    ep = 2") + 1
    plain, _ = evaluate_text(service.replace("    ep = 2\n", ""), "lab.factory")
    assert float(np.asarray(results.values["lab.chat.tokens_per_s"]).ravel()[0]) == \
        float(np.asarray(plain.values["lab.chat.tokens_per_s"]).ravel()[0])


def test_a_point_met_twice_pairs_in_order(tmp_path) -> None:
    """Law: a sweep that lists a value twice has two scenarios at one point; they pair in order, so a spec against
    itself is no change at each of them (the old side read at the same one, never an internal error)."""
    twice = SWEPT.replace("param racks = [2, 4]", "param racks = [2, 4, 2]")
    for scenario in range(6):
        doc = _plan(tmp_path, twice, twice, scenario)
        assert not doc["changed"] and all(g["ok"] for g in doc["policy"]), scenario
        assert doc["scenarios"]["old"]["text"] == doc["scenarios"]["new"]["text"]
