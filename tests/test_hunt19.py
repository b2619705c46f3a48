"""Session 19's trust hunt: laws over combinations (extends chains in imported modules swept and planned, odd training
and serving specs, the LSP and the diagrams on the same specs). Each test names the defect it caught."""
from __future__ import annotations

from pathlib import Path

import pytest

from compiler import evaluate_text
from compiler.lsp.analysis import Analysis, RenameRefused, rename_edits
from tests.test_lsp import SPEC


@pytest.mark.parametrize("new_name", ["max", "sum", "floor", "param", "1x"])
def test_the_document_rename_refuses_what_the_workspace_rename_refuses(tmp_path: Path, new_name: str) -> None:
    """Law: the document's rename (`rename_edits`) refuses a new name exactly as the workspace's does
    (`refuse_unusable_name`): no identifier, a keyword, or a built-in function's name, with the same reason.
    (It refused the first two only: renaming `draw` to `max` was accepted, a let named after a built-in.)"""
    from compiler.lsp import workspace

    analysis = Analysis(SPEC, str(tmp_path.resolve() / "r.factory"), str(tmp_path))
    offset = SPEC.index("draw")
    with pytest.raises(RenameRefused) as in_workspace:
        workspace.rename(analysis, offset, new_name, str(tmp_path))
    with pytest.raises(RenameRefused) as in_document:
        rename_edits(analysis, offset, new_name)
    assert str(in_document.value) == str(in_workspace.value)


PARAM_UNITS = '''param lease = 180 USD/kW/month
param leases = [0 USD/kW/month, 150 USD/kW/month]
param hours = 8760 h
param supply = [20 degC, 30 degC]
param uplink = 400 Gb/s
let lease_let = 180 USD/kW/month
let hours_let = 8760 h

site dc {
  location = "a colocation hall"
  colocation_price = leases
}
'''


def test_a_param_reads_in_the_unit_it_was_written_in_as_a_let_does(tmp_path: Path) -> None:
    """Law: a `param` is shown in the unit its literal was written in, as a `let` with the same literal is
    (`compiler.lower.written_unit`): the eval table, the scenario banner and the plan's `compared:` line. A swept
    param whose values share one written unit reads in it. (A param went on its dimension's ladder: `param lease =
    180 USD/kW/month` read 0.2466 USD/kWh beside the let's 180 USD/kW/month, `param hours = 8760 h` read 1 yr,
    `[20 degC, 30 degC]` read 293.1 K, `400 Gb/s` 50 GB/s,
    and the plan compared `scenario 2 of 2 (leases = 0.2055 USD/kWh)`, an energy price, for a lease.)"""
    from compiler.plan import _scenario_text, snapshot
    from compiler.render.view import ResultsView
    from tests.spec_eval import run

    results, _sink = run(PARAM_UNITS)
    view = ResultsView(results, 2)
    assert view.show("lease") == view.show("lease_let") == "180 USD/kW/month"
    assert view.show("hours") == view.show("hours_let") == "8,760 h"
    assert view.show("leases") == view.show("dc.colocation_price") == "150 USD/kW/month"
    assert (view.show("supply"), view.show("uplink")) == ("20 degC", "400 Gb/s")
    assert view.parameters(2) == [("leases", "150 USD/kW/month"), ("supply", "20 degC")]
    spec = tmp_path / "lease.factory"
    spec.write_text(PARAM_UNITS)
    snap = snapshot([str(spec)], str(spec), {}, None, 2)
    assert _scenario_text(snap, 2) == "scenario 3 of 4 (leases = 150 USD/kW/month, supply = 20 degC)"


BEYOND_CONTEXT = '''from systems import DGX_H100
from models import Llama3_1_70B, Llama3_1_8B

site lab {
  location = "lab"
  inference chat {
    model = Llama3_1_70B
    system = DGX_H100
    input_tokens = 200000 tok
  }
  training tiny {
    model = Llama3_1_8B
    system = DGX_H100
    accelerators = 8
    tokens = 1 Ttok
    global_batch = 1 tok
  }
}
'''


def test_figures_of_a_request_beyond_the_context_or_a_batch_below_a_sequence_are_flagged() -> None:
    """Law: a figure is right for its stated model or flagged where it is shown. A request longer than its model's
    context and a training batch below one sequence are `out-of-range` errors whose note says the figures are for a
    run that cannot happen; every figure of that workload, and what is computed from them, is flagged in the JSON
    and marked in the table (`Diagnostic.quantities`). (The errors named no figure: eval's table and `factory
    estimate` printed `tokens_per_s 23.36 tok/s`, `usd_per_mtok 237.7 USD/Mtok` and the run's `cost 191.7 kUSD`,
    `feasible 1`, as clean numbers; only the exit code said otherwise.)"""
    from compiler.render.report_format import flagged_codes
    from compiler.render.results import results_json
    from compiler.render.table import render_table

    results, sink = evaluate_text(BEYOND_CONTEXT, "lab.factory")
    assert sorted(d.code for d in sink.errors) == ["out-of-range", "out-of-range"]
    flags = flagged_codes(results, sink)
    doc = results_json(results, "lab.factory", [d.to_json() for d in sink.sorted()], None, flags)
    for path in ("lab.chat.tokens_per_s", "lab.chat.usd_per_mtok", "lab.chat.ttft", "lab.usd_per_mtok",
                 "lab.tiny.tokens_per_s", "lab.tiny.cost", "lab.tiny.time_to_train", "lab.tiny.feasible"):
        assert doc["quantities"][path]["flagged"]["codes"] == ["out-of-range"], path
    assert "flagged" not in doc["quantities"].get("lab.tiny.global_batch", {})     # the input itself: as written
    table = render_table(results, sink, "lab.*.tokens_per_s")[0]
    assert table.count("(⚠ computed from an input outside its range)") == 2, table


LEASED_HALL = PARAM_UNITS.replace('''  colocation_price = leases
}''', '''  colocation_price = leases
  electricity_price = 0.1 USD/kWh
  hall h {
    rack r x 2 {
      server n: box x 2
    }
  }
}

server box {
  max_power = 10 kW
  cooling = "air"
}''')


@pytest.mark.parametrize("view", ["physical", "power", "cooling"])
def test_a_diagram_names_its_scenario_as_the_table_does(view: str) -> None:
    """Law: a sweep's diagram names the scenario it draws with the texts the table's and report's banners give
    (`ResultsView.parameters`): the same values, each in the unit the spec wrote. (Its note formatted the SI value
    anew: `leases = 0.205 USD/kWh` above a plan whose eval says 150 USD/kW/month.)"""
    from compiler.render.diagram import diagram_dot
    from compiler.render.view import ResultsView

    results, sink = evaluate_text(LEASED_HALL, "lease.factory")
    assert not sink.errors, [d.message for d in sink.errors]
    texts = ResultsView(results, 2).parameters(2)
    assert texts == [("leases", "150 USD/kW/month"), ("supply", "20 degC")]
    dot = diagram_dot(results, view, scenario=2)
    assert "scenario 3 of 4: leases = 150 USD/kW/month, supply = 20 degC" in dot, dot[:600]


def test_a_plan_names_only_the_swept_param_whose_list_changed(tmp_path: Path) -> None:
    """Law: in a sweep of two params, an edit of one param's list is one changed input, each side its list as the
    spec writes it; the other param, untouched, is no change. (The plan compared each param's values over the
    scenario grid: adding 0.9 to `util` also reported `colo: [0 USD/kW/month, 150 USD/kW/month, 0 USD/kW/month,
    150 USD/kW/month] -> [... six values]` as a change, and showed `util` as `[0.3, 0.3, 0.6, 0.6] -> [0.3, 0.3,
    0.6, 0.6, 0.9, 0.9]`.)"""
    import json

    from click.testing import CliRunner

    from compiler.cli import main

    spec = PARAM_UNITS.replace("param lease = 180 USD/kW/month\n", "param util = [0.3, 0.6]\n") + \
        "let busy = util * 2\n"
    old, new = tmp_path / "old.factory", tmp_path / "new.factory"
    old.write_text(spec)
    new.write_text(spec.replace("param util = [0.3, 0.6]", "param util = [0.3, 0.6, 0.9]"))
    result = CliRunner().invoke(main, ["plan", str(old), str(new), "--format", "json"])
    doc = json.loads(result.stdout)
    assert result.exit_code == 3, result.output
    assert [(i["name"], i["old"], i["new"]) for i in doc["inputs"]] == [("util", "[0.3, 0.6]", "[0.3, 0.6, 0.9]")]
    same = CliRunner().invoke(main, ["plan", str(old), str(old), "--format", "json"])
    assert same.exit_code == 0 and json.loads(same.stdout)["inputs"] == []


LATE = '''param margin = 2 kW

server base_srv {
  max_power = 10 kW
  let budget = max_power + margin
  cooling = "air"
}

server mid_srv extends base_srv {
  max_power = 11 kW
  let extra = 1 kW
}

server top_srv extends mid_srv {
  let total = budget + extra
}

rack r {
  server n: top_srv x 2
}
'''


@pytest.mark.parametrize("reach", ["document", "workspace"])
@pytest.mark.parametrize("word, new_name", [("margin", "extra"), ("extra", "margin")])
def test_a_rename_that_an_inherited_formula_would_bind_late_is_refused(tmp_path: Path, reach: str, word: str,
                                                                     new_name: str) -> None:
    """Law: a rename changes no figure. Inherited formulas bind late (dsl/resolve.py): `budget = max_power + margin`
    of base_srv, evaluated in mid_srv, reads mid_srv's member of that name where it has one. Renaming the param
    `margin` to `extra` (or mid_srv's `extra` to `margin`) makes mid_srv's inherited budget read mid_srv's 1 kW
    let instead of the 2 kW param: r.n.budget 13 kW -> 12 kW, r.n.total 14 kW -> 13 kW. Both renames were
    accepted (the check compared the names the checker binds in the base, not in the blocks that inherit it);
    they are refused, with the reason, and a rename that no inherited formula reads the new name in still goes."""
    from compiler.lsp import workspace

    path = tmp_path / "late.factory"
    path.write_text(LATE)
    analysis = Analysis(LATE, str(path.resolve()), str(tmp_path))

    def rename(offset: int, name: str):
        if reach == "document":
            return rename_edits(analysis, offset, name)
        return workspace.rename(analysis, offset, name, str(tmp_path))

    with pytest.raises(RenameRefused, match="inherited formula"):
        rename(LATE.index(word), new_name)
    assert rename(LATE.index(word), "spare")


LATE_TYPES = '''from chips import H100_SXM

param margin = 2 kW

server base_srv {
  max_power = 10 kW
  let x = 1 kW
  let budget = max_power + x + margin
  cooling = "air"
}

server mid_srv extends base_srv {
  #OVERRIDE#
}
'''


@pytest.mark.parametrize("override, code", [
    ("let x = 3 Gb/s", "unit-mismatch"),          # an inherited let overridden with another dimension
    ("let margin = 3 Gb/s", "unit-mismatch"),     # a name the base reads outside it, taken by the derived block
    ('let x = "wide"', "type-mismatch"),
    ("chip margin: H100_SXM x 8", "type-mismatch"),   # a part named as the param: the budget had no value
    ("let x = 2 kW", None),                       # the same dimension: late binding as the language means it
    ("let margin = 500 W", None),
])
def test_an_inherited_formula_reads_a_late_bound_member_of_its_own_dimension(override: str, code) -> None:
    """Law: no figure from an ill-typed formula. Inherited formulas bind late, so a block that extends a base and
    gives one of the names its formulas read another dimension changes what they compute; the checker checked them
    in the base only. `let x = 3 Gb/s` in mid_srv made `budget = max_power + x + margin` add a power and a data
    rate: mid_srv.budget read 375 MW, exit 0, no diagnostic (`"wide"`, or a part named `margin`: no value, no
    diagnostic). Now an error at
    the derived block's member, naming the base formula that reads it as another type; the same dimension is fine."""
    from compiler import check_text

    text = LATE_TYPES.replace("#OVERRIDE#", override)
    _checks, sink = check_text(text, "late.factory")
    errors = [(d.code, d.span.line) for d in sink.errors]
    if code is None:
        assert errors == [], [d.message for d in sink.errors]
    else:
        assert errors == [(code, 13)], [d.message for d in sink.errors]
        assert "base_srv" in sink.errors[0].message and "budget" in sink.errors[0].message


def test_a_part_reads_an_enclosing_blocks_member_of_its_formulas_type() -> None:
    """The same law where the late-bound member is the enclosing block's: a server placed in a rack that has `let
    margin = 3 Gb/s` evaluates its base's `budget = max_power + margin` with the rack's margin (r.n.budget read 375
    MW, exit 0); a rack `let margin = 3 kW` is read as the language says, without an error."""
    from compiler import check_text

    text = LATE_TYPES.replace("#OVERRIDE#", "") + "rack r {\n  let margin = #M#\n  server n: mid_srv x 1\n}\n"
    _checks, sink = check_text(text.replace("#M#", "3 Gb/s"), "late.factory")
    assert [(d.code, d.span.line) for d in sink.errors] == [("unit-mismatch", 16)], [d.message for d in sink.errors]
    assert "placed in `r`" in sink.errors[0].message
    _checks, sink = check_text(text.replace("#M#", "3 kW"), "late.factory")
    assert not sink.errors, [d.message for d in sink.errors]


def test_a_rename_that_an_enclosing_block_would_capture_is_refused(tmp_path: Path) -> None:
    """The rename law with the capture by an enclosing block: renaming the rack's `let spare` to `margin` makes the
    server placed in it read the rack's 1 kW in its base's `budget = max_power + margin` in place of the 2 kW param
    (r.n.budget 13 kW -> 12 kW): refused; renaming it to `slack` still goes."""
    text = LATE.replace("rack r {\n", "rack r {\n  let spare = 1 kW\n")
    analysis = Analysis(text, str(tmp_path.resolve() / "late.factory"), str(tmp_path))
    with pytest.raises(RenameRefused, match="inherited formula"):
        rename_edits(analysis, text.index("spare"), "margin")
    assert rename_edits(analysis, text.index("spare"), "slack")


@pytest.mark.parametrize("given, error", [("3 kW", True), ("4", False)])
def test_an_inherited_part_count_reads_a_late_bound_member_of_its_type(given: str, error: bool) -> None:
    """The late-binding type law for a part's count: `server node: box x per_rack` in a base rack, and a derived
    rack's `let per_rack = 3 kW`, placed 3,000 servers (3 kW read as the number 3,000 W): it_power 30 MW, exit 0.
    Now a unit-mismatch at the derived let; a plain number is the count the base reads, as the language means."""
    from compiler import check_text

    text = ("param per_rack = 2\n\nserver box {\n  max_power = 10 kW\n  cooling = \"air\"\n}\n\n"
            "rack base_rack {\n  server node: box x per_rack\n}\n\n"
            f"rack mid_rack extends base_rack {{\n  let per_rack = {given}\n}}\n")
    _checks, sink = check_text(text, "count.factory")
    found = [(d.code, d.span.line) for d in sink.errors]
    assert found == ([("unit-mismatch", 13)] if error else []), [d.message for d in sink.errors]
