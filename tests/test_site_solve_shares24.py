"""A hall's share of its site's solve depends on what the solve read, and on nothing else of the site (s24-scale).

Each hall's `facility_power_metered` and `it_power_metered` take the hall's share of its site's services' draws
(compiler.models.cost: `metered_changes`, `it_changes`), a solve that reads every hall. Session 23 solved it once per
site (`compiler.models.cached`) and had each hall read it through the site's own metered figure, so that n halls
did not record the solve's ~n reads each. That figure reads more than the solve (the site's own average: its
fabrics, its gear), so through it (s23-scale, reverted):

* the site figure's own flags reached every hall: the `infeasible-workload` flag that a service which cannot run
  puts on the site's metered draw marked a hall holding none of its chip type (tests/test_hunt21.py);
* its failures did too: a site whose scale-up torus gives no `domain` has no facility power (`model-input-missing`),
  and its hall's metered draw, energy, opex, PUE and water, computed before, were silently left out of the results
  (21 figures of tests/test_let_range_taint.py's `site_air_tower`: its hall's `let cycles_of_concentration` was then
  read nowhere).

The solve's reads are now held once per site (`Graph.solves`) and each hall records the solve's key in their place
(`models.solved_through`): what a hall's figure depends on is what it read before session 23 (`graph.expand_reads`),
held in ~n entries, not n^2. The laws below: the flags are those of the graph with every figure holding the solve's
reads itself, in both directions (a flag in one hall's chain reaches the other halls' shares through the solve, the
site figure's own does not); the hall's figures exist where the site's fails; and the solve read once per site
reads each hall's own `let`s there, as the solve run afresh for each hall did, bit for bit.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from compiler import evaluate_text
from compiler.graph import expand_reads
from compiler.render.report_format import graph_flags
from test_hunt21 import TWO_HALLS  # tests/ is on the path
from test_let_range_taint import TEMPLATES
from test_site_halls_walks23 import _site


def _flags_as_if_each_read_the_solve(results, sink) -> dict[str, set[str]]:
    """`graph_flags` over a copy of the graph in which every figure holds the reads of the solves it took its share
    of itself (`expand_reads`: what each recorded before session 23), and no solve is held once."""
    nodes = {path: dataclasses.replace(node, deps=expand_reads(results.graph.solves, node.deps))
             for path, node in results.graph.nodes.items()}
    flat = dataclasses.replace(results.graph, nodes=nodes, solves={})
    return graph_flags(flat, sink.items)


def test_the_flags_follow_the_solves_reads_in_both_directions_and_nothing_else_of_the_site() -> None:
    # hall `h`'s service cannot run (its TPOT limit is 1 ms); hall `amd` states a PUE of 5 (implausible: a flag
    # on its own figures, its chain's slope among them, which the site's solve reads)
    text = TWO_HALLS.replace("param tpot_max = 50 ms", "param tpot_max = 1 ms").replace(
        "  hall amd {\n", "  hall amd {\n    pue = 5\n")
    results, sink = evaluate_text(text, "spec.factory")
    codes = {d.code for d in sink.items}
    assert {"infeasible-workload", "implausible-value"} <= codes, codes
    flags = graph_flags(results.graph, sink.items)
    assert flags == _flags_as_if_each_read_the_solve(results, sink)
    for name in ("facility_power_metered", "it_power_metered", "energy_year"):
        # the infeasible service's planning draw: named on its chip type's hall, not on the other one
        assert "infeasible-workload" in flags[f"lab.h.{name}"], name
        assert "infeasible-workload" not in flags.get(f"lab.amd.{name}", set()), name
    # a flag in one hall's chain reaches the other hall's metered draw through the solve, which reads every hall's
    # chain; not its metered IT, whose solve (`it_changes`) reads no chain
    for hall in ("h", "amd"):
        assert "implausible-value" in flags[f"lab.{hall}.facility_power_metered"], hall
        assert "implausible-value" in flags[f"lab.{hall}.energy_year"], hall
    assert "implausible-value" not in flags["lab.h.it_power_metered"]


def test_a_halls_metered_figures_do_not_fail_with_what_its_site_reads_outside_the_solve() -> None:
    """The site's facility power fails (its torus gives no `domain`: `model-input-missing`); its hall's metered
    figures, which do not read it, are computed, and a hall's `let` read by them is read there."""
    _, template = TEMPLATES["site_air_tower"]
    text = template.replace("  #LET#\n", "")
    results, sink = evaluate_text(text, "spec.factory")
    assert "campus.facility_power_metered" not in results.values           # (the site's own figure: missing)
    for name in ("facility_power_metered", "it_power_metered", "pue", "energy_year", "opex_energy", "water_year"):
        value = results.values[f"campus.h.{name}"]
        assert np.all(np.isfinite(value)) and np.all(value > 0), name
    # the water a cooling tower evaporates is c / (c - 1) per kg lost (default c = 4): c = 2 is (2 / 1) / (4 / 3)
    again, _ = evaluate_text(text.replace("  hall h {\n", "  hall h {\n    let cycles_of_concentration = 2\n"),
                             "spec.factory")
    assert again.values["campus.h.water_year"] == pytest.approx(results.values["campus.h.water_year"] * 1.5,
                                                                rel=1e-12)


# a hall's own chain figures, which the site's solve reads on that hall (each changes its chain at the metered flows)
HALL_LETS = ("    let ups_efficiency = 0.9\n    let pdu_fixed_loss_share = 0.3\n"
             "    let transformer_fixed_loss_share = 0.4\n")


def _metered(text: str, monkeypatch=None) -> dict[str, np.ndarray]:
    results, sink = evaluate_text(text, "spec.factory")
    assert not [d for d in sink.items if d.severity == "error"]
    return {path: v for path, v in results.values.items() if isinstance(v, np.ndarray)}


def test_a_halls_lets_read_by_the_site_solve_move_its_figures_as_the_solve_run_for_each_hall_did(monkeypatch) -> None:
    from compiler.models import cost

    text = _site(3).replace("  hall h1 {\n", "  hall h1 {\n" + HALL_LETS)
    plain = _metered(_site(3))
    held = _metered(text)
    # the hall's lets move its metered draw (and its IT's metered draw does not move: they are chain losses)
    assert held["s.h1.facility_power_metered"] != plain["s.h1.facility_power_metered"]
    assert held["s.h1.it_power_metered"] == plain["s.h1.it_power_metered"]
    # ... exactly as the solve run afresh for each hall, in that hall's reads (before session 23), moved them
    monkeypatch.setattr(cost, "cached", lambda ctx, kind, solve, shared=False: solve(ctx))
    monkeypatch.setattr(cost, "solved_through", lambda block, kind, solve: solve(block))
    afresh = _metered(text)
    monkeypatch.undo()
    assert afresh.keys() == held.keys()
    assert [p for p in held if not np.array_equal(held[p], afresh[p], equal_nan=True)] == []


def test_a_halls_let_outside_its_range_read_by_the_site_solve_is_refused_at_its_span() -> None:
    text = _site(3).replace("  hall h1 {\n", "  hall h1 {\n    let transformer_fixed_loss_share = 1.5\n")
    line = text.splitlines().index("    let transformer_fixed_loss_share = 1.5") + 1
    results, sink = evaluate_text(text, "spec.factory")
    errors = [d for d in sink.items if d.severity == "error"]
    assert [(d.code, d.span.line) for d in errors] == [("out-of-range", line)], [d.message for d in errors]
    # no figure is computed from it: every hall's share of the solve that read it is absent (null in JSON)
    for hall in ("h0", "h1", "h2"):
        assert f"s.{hall}.facility_power_metered" in results.absent, hall


def test_the_editors_memo_lends_a_halls_share_where_the_solves_reads_are_the_same(tmp_path, monkeypatch) -> None:
    """The editor's memo (`compiler.memo`) keeps a solve's key where it keeps every read of the solve, and lends a
    hall's share where those are the same (s23-scale never kept it: `Round.opaque`): after each edit, every value,
    what each read and the solves' reads equal a fresh evaluation's; an edit the solve does not read (the land
    price) lends the hall's metered draw, one it reads (a hall's utilization) computes it again."""
    import dsl
    from compiler.memo import ValueMemo
    from test_memo import _evaluated

    def whole(text, session, memo):
        results, diags, checks = _evaluated(text, tmp_path / "spec.factory", session, memo, only_checks=False)
        values = {p: [None if x != x else x for x in v.reshape(-1).tolist()]
                  for p, v in results.values.items() if isinstance(v, np.ndarray)}
        found = (diags, checks, values, {p: list(node.deps) for p, node in results.graph.nodes.items()},
                 {k: list(v) for k, v in results.graph.solves.items()})
        results.release()
        return found

    from compiler.models import cost

    solves = []
    solve = cost._metered_changes
    monkeypatch.setattr(cost, "_metered_changes", lambda site: solves.append(site.path) or solve(site))
    session, memo = dsl.Session(), ValueMemo().whole
    text = _site(3)
    assert whole(text, session, memo) == whole(text, dsl.Session(), None)
    for edit, lent in (("land_price = 1 USD", True), ("utilization = 0.50", False)):
        text = text.replace("land_price = 0 USD", edit) if lent else text.replace("utilization = 0.39", edit)
        solves.clear()
        got = whole(text, session, memo)
        assert solves == ([] if lent else ["s"]), edit          # lent: the solve is not run again
        assert "s.h0.facility_power_metered" in memo.entries, edit
        assert got == whole(text, dsl.Session(), None), edit


def _gear_site(halls: int) -> str:
    """tests/test_site_gear_walks22.py's site of n halls under its own transformers, UPS and PDUs, with a service."""
    from test_site_gear_walks22 import _site as gear_site

    return gear_site(halls).removesuffix("}\n").replace("from systems import DGX_H100_rack\n",
                                                         "from systems import DGX_H100_rack\nfrom models import "
                                                         "Llama3_1_8B\n") + (
        "  inference chat {\n    model = Llama3_1_8B\n    rack = DGX_H100_rack\n    accelerators = 8\n"
        '    precision = "fp8"\n    scenario = "offline"\n    input_tokens = 1000 tok\n    output_tokens = 200 tok\n'
        "  }\n}\n")


def test_a_site_under_its_own_gear_is_walked_and_read_linearly_in_its_halls(monkeypatch) -> None:
    """A site's gear that its halls share: each hall's chain figures read the gear's load (`gear_load`) and its load
    fraction (`_shared_fraction`), solves of every hall, and replayed their reads (~n each); the metered solve
    walked the gear's fraction at the metered flows once per hall, each a walk of every hall. Now the reads are held
    once (`cached(shared=True)`) and the metered fractions found once per solve (`metered_change`'s `memo`). 4 -> 12
    halls: chain walks 703 -> 7,863 on main (11.2x), 327 -> 1,167 with the metered solve cached (3.6x), 267 -> 699
    now (2.6x); reads recorded (`Node.deps` and `Graph.solves`) 11,077 -> 27,197, 10,429 -> 20,677, 10,283 -> 17,547."""
    from compiler.models import facility

    def counted(halls):
        calls = []
        walk = facility._carry_chain
        monkeypatch.setattr(facility, "_carry_chain", lambda *a, **k: calls.append(1) or walk(*a, **k))
        results, sink = evaluate_text(_gear_site(halls), "spec.factory")
        monkeypatch.undo()
        assert not [d for d in sink.items if d.severity == "error"]
        graph = results.graph
        reads = sum(len(node.deps) for node in dict.values(graph.nodes)) + sum(map(len, graph.solves.values()))
        return len(calls), reads
    (few_walks, few_reads), (many_walks, many_reads) = counted(4), counted(12)
    assert many_walks <= 3 * few_walks, (few_walks, many_walks)     # 3x the halls, at most 3x the work
    assert many_reads <= 3 * few_reads, (few_reads, many_reads)
