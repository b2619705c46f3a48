"""A site's metered draw is found once per evaluation, not once per hall (s23-scale).

Each hall's `facility_power_metered` and `it_power_metered` take the hall's share of the site's services' draws
(compiler.models.cost: `metered_changes` -> `it_changes` -> `service_draws`), and finding that share walks every
hall of the site: its chip types (`_chip_types`, once per hall) and its chain at the metered flows
(facility.metered_change, once per hall). Found afresh at each hall's read, a site of n separately written halls
walked them ~n^2 times (bench/scale_halls.py: 25 / 50 halls took 3.8 / 9.2 s to check, 200 halls minutes). They
are now found once per site and evaluation (`compiler.models.cached`), so the walks grow linearly: this counts
them (a law of the work done, not a timing), and checks the site's metered draw still adds up over its halls.
"""
from __future__ import annotations

import numpy as np

from compiler.models import cost
from test_numbers_hunt17 import _values  # the numbers hunts' evaluation helper (tests/ is on the path)


def _site(halls: int) -> str:
    text = ("from systems import DGX_H100_rack\nfrom models import Llama3_1_8B\n"
            "site s {\n  land_price = 0 USD\n  electricity_price = 0.1 USD/kWh\n")
    for i in range(halls):
        text += f"  hall h{i} {{\n    utilization = {0.3 + 0.6 * (i % 7) / 7:.2f}\n    rack r: DGX_H100_rack x {1 + i % 3}\n  }}\n"
    return text + ("  inference chat {\n    model = Llama3_1_8B\n    rack = DGX_H100_rack\n    accelerators = 8\n"
                   '    precision = "fp8"\n    scenario = "offline"\n    input_tokens = 1000 tok\n'
                   "    output_tokens = 200 tok\n  }\n}\n")


def _walks(monkeypatch, halls: int) -> tuple[dict[str, int], dict[str, float]]:
    calls = {"metered_change": 0, "_chip_types": 0}

    def counting(module, name):
        inner = getattr(module, name)

        def counted(*args, **kwargs):
            calls[name] += 1
            return inner(*args, **kwargs)
        monkeypatch.setattr(module, name, counted)
    counting(cost, "metered_change")      # (replaced where it is read: cost imports it from facility)
    counting(cost, "_chip_types")
    values = _values(_site(halls))
    monkeypatch.undo()
    return calls, values


def test_the_metered_walks_of_a_site_grow_linearly_with_its_halls(monkeypatch) -> None:
    few, _ = _walks(monkeypatch, 4)
    many, values = _walks(monkeypatch, 12)
    # 3x the halls: at most ~3x the walks (+ the site's own, fixed); before, each hall's read walked them all
    # (4 -> 12 halls, before: metered_change 25 -> 169 calls, _chip_types 79 -> 399; now 5 -> 13 and 10 -> 18)
    for name in few:
        assert few[name] > 0 and many[name] <= 3.5 * few[name], (name, few, many)
    # the figures still add up: the site's metered IT is its halls' (count 1 each) plus nothing outside them
    halls_it = sum(values[f"s.h{i}.it_power_metered"] for i in range(12))
    assert np.isclose(values["s.it_power_metered"], halls_it, rtol=1e-9)
    assert values["s.facility_power_metered"] >= sum(values[f"s.h{i}.facility_power_metered"] for i in range(12)) * (1 - 1e-9)


def _evaluated(text: str, counting=None):
    """Check, lower and evaluate `text`; `counting(lowering)` may wrap what it counts before evaluation."""
    import dsl
    from compiler.evaluate import evaluate
    from compiler.lower import lower
    checked, sink = dsl.check_text(text, "walks23.factory")
    lowering = lower(checked, sink)
    if counting is not None:
        counting(lowering)
    results = evaluate(lowering, sink)
    assert not [d for d in sink.items if d.severity == "error"]
    return results


def test_a_halls_metered_figures_hold_the_sites_solve_once_not_every_hall() -> None:
    """Each hall's metered figures record two reads (its own average and the key of its site's solve, `Graph.solves`:
    `Node.deps`), not every figure the site's solve read, of every hall (before: 121 reads each at 12 halls, so n
    halls recorded ~n^2, and the solve's reads were replayed per hall); the solve's reads are held once, and what a
    hall's figure depends on, through them, still reaches every hall's figures (a sweep or a flag follows it:
    `report_format.readers_of`), and nothing else of the site (s23-scale read them through the site's metered
    figure, whose own flags and failures then reached every hall; s24-scale). All the reads recorded, 4 -> 12
    halls: 9,090 -> 14,706 (s23-scale)."""
    from compiler.graph import expand_reads
    from compiler.render.report_format import readers_of, reached_from

    totals = []
    for halls in (4, 12):
        results = _evaluated(_site(halls))
        graph = results.graph
        assert sorted(graph.nodes["s.h1.facility_power_metered"].deps) == ["s.h1.facility_power_avg",
                                                                           "s:metered_changes"]
        assert sorted(graph.nodes["s.h1.it_power_metered"].deps) == ["s.h1.it_power_avg", "s:it_changes"]
        # what it depends on is what the solve read: the same as the site's own metered figure's reads of it
        site_reads = set(graph.nodes["s.facility_power_metered"].deps)
        assert set(expand_reads(graph.solves, ["s:metered_changes"])) <= site_reads
        users = readers_of(graph)
        for i in range(halls):          # every hall's average reaches hall 1's metered figure, and no site figure
            reached = reached_from(users, [f"s.h{i}.facility_power_avg"])
            assert "s.h1.facility_power_metered" in reached and "s:metered_changes" not in reached
        totals.append(sum(len(node.deps) for node in dict.values(graph.nodes))
                      + sum(len(reads) for reads in graph.solves.values()))
    assert totals[1] <= 3.5 * totals[0], totals     # 3x the halls, at most ~3x the reads recorded


class _CountedParts(list):
    """A block's parts that count the scans over them (`iter`)."""
    scans = 0

    def __iter__(self):
        _CountedParts.scans += 1
        return super().__iter__()


def _scans(halls: int) -> int:
    def counting(lowering):
        site = next(root for root in lowering.graph.roots if root.path == "s")
        site.parts = _CountedParts(site.parts)
    _CountedParts.scans = 0
    _evaluated(_site(halls), counting)
    return _CountedParts.scans


def test_a_sites_parts_are_scanned_a_number_of_times_that_does_not_grow_with_its_halls() -> None:
    """`Context.parts(kind)` picks a block's parts of some kinds: it scanned all of the site's parts at each call,
    and a site of n halls is asked for its workloads or its halls about once per hall (~n^2 part visits); the
    positions of each asked set of kinds are now found once per block (s23-scale). 4 / 12 / 24 halls: before, 3,235 /
    7,795 / 14,635 scans of the site's parts (each of 5 / 13 / 25 parts); now 26 / 26 / 26."""
    few, many = _scans(4), _scans(12)
    assert many <= few + 4, (few, many)


def test_binding_holds_a_number_of_inputs_linear_in_a_sites_halls() -> None:
    """A hall's chain outputs declare reads of every hall's gear of its site (`up:parts:hall.all:...`, for the gear a
    site shares among its halls): bound per hall, n halls held ~n^2 input ids (compiler.ir; at 1,000 halls binding
    took 76 of 116 s). The site's list is now held once and read by each hall as one shared input (`_Shared`), in
    the same order; the edges it stands for, and so the order and `factory graph`, are unchanged. 12 -> 24 halls:
    ids held 26,655 -> 75,747 before (2.8x), 16,851 -> 31,035 now (1.8x)."""
    import dsl
    from compiler.ir import bind
    from compiler.lower import lower

    def bound(halls):
        checked, sink = dsl.check_text(_site(halls), "walks23.factory")
        return bind(lower(checked, sink))
    few, many = bound(12), bound(24)
    assert many.held_count <= 2.1 * few.held_count, (few.held_count, many.held_count)
    assert many.edge_count > 2.5 * few.edge_count          # what they stand for: still every hall's gear
