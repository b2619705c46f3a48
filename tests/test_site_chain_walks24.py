"""A block's chain at peak is walked once per evaluation, not once per stage figure (s24-scale2).

Each hall's stage figures (the loss, power in and efficiency of each stage kind: of its whole chain,
`stage_flows`, and of its own, `_own_stages`) walked the hall's chain at peak afresh (`_carry_chain`): ~18 walks a
hall, and each of the site's stage figures walked every hall again (~40 walks a hall in all, 45% of the evaluation
of bench/scale_halls.py's halls, under cProfile). The walk at peak is now found once per block and evaluation
(`compiler.models.cached`), and a reader after the first replays its reads, solve keys included (`Graph.solves`:
a hall's gear load, `gear_load`, is read through one), so each figure records what it recorded when it walked.
These count the walks (a law of the work, not a timing) and check that what each figure depends on and its value
are those of the walk done afresh for every figure.
"""
from __future__ import annotations

import numpy as np

from compiler import evaluate_text
from compiler.graph import expand_reads
from compiler.models import facility
from test_site_solve_shares24 import _gear_site   # tests/ is on the path
from test_site_halls_walks23 import _site


def _peak_walks(monkeypatch, text: str) -> int:
    calls = []
    walk = facility._carry_chain
    monkeypatch.setattr(facility, "_carry_chain",
                        lambda ctx, peak, *a, **k: (calls.append(1) if peak else None) or walk(ctx, peak, *a, **k))
    _, sink = evaluate_text(text, "spec.factory")
    monkeypatch.undo()
    assert not [d for d in sink.items if d.severity == "error"]
    return len(calls)


def test_the_peak_walks_of_a_site_are_a_few_a_hall(monkeypatch) -> None:
    """4 -> 12 halls (tests/test_site_halls_walks23.py's site, default stages): peak walks 194 -> 506 before (39 more
    a hall: each of a hall's ~18 stage figures walked its chain, and each of the site's walked every hall again),
    14 -> 38 now (3 a hall); under the site's own transformers, UPS and PDUs (`_gear_site`): 209 -> 545 before (42 a
    hall), 29 -> 77 now (6 a hall)."""
    for site in (_site, _gear_site):
        few, many = _peak_walks(monkeypatch, site(4)), _peak_walks(monkeypatch, site(12))
        assert many <= 3 * few, (site.__name__, few, many)            # 3x the halls, at most 3x the walks
        assert many - few <= 8 * (12 - 4), (site.__name__, few, many)   # at most 8 walks a hall (before: ~40)


def _evaluated(text: str) -> tuple[dict[str, list[str]], dict[str, bytes]]:
    results, sink = evaluate_text(text, "spec.factory")
    assert not [d for d in sink.items if d.severity == "error"]
    graph = results.graph
    reads = {path: sorted(set(expand_reads(graph.solves, node.deps))) for path, node in dict.items(graph.nodes)}
    values = {path: np.asarray(v, dtype=float).tobytes() for path, v in results.values.items()
              if isinstance(v, np.ndarray)}
    return reads, values


def test_a_figure_reading_the_walk_held_once_depends_on_what_it_did_when_it_walked(monkeypatch) -> None:
    """Every figure's reads (`Node.deps`, each solve's key expanded) and value, bit for bit, with the peak walk held
    once per block and walked afresh for every figure (the code before s24-scale2), on a site of halls placing
    their own gear (a hall's gear load is read through a solve key) and on one under its own gear."""
    for text in (_site(3), _gear_site(3)):
        held = _evaluated(text)
        monkeypatch.setattr(facility, "stage_flows", lambda ctx, peak: facility._stage_flows(ctx, peak))
        monkeypatch.setattr(facility, "_own_stages",
                            lambda ctx, peak, cooling_fed=True: facility._carry_chain(ctx, peak, cooling_fed)[0])
        walked = _evaluated(text)
        monkeypatch.undo()
        assert held[1] == walked[1]
        assert held[0] == walked[0]
