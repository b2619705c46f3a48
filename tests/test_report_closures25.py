"""The report walks each key figure's reads once (s25-scale).

A key figure's basis (`report_sections.basis`: the inputs it was computed from) and its derivation (the assumptions
and cited figures under it) each read the figure's transitive reads (`_closure`), at a site's figures a walk of
nearly the whole graph; the derivation walked them again. They are now found once per report
(`_closure_held`, held by the report's view): a site's report walked 28 closures for 21 figures, now 21. This
counts them (a law of the work, not a timing); the report's bytes are those of before (tests/test_goldens.py and
the comparisons of docs/scale.md).
"""
from __future__ import annotations

import collections

from compiler import evaluate_text
from compiler.render import report_sections
from compiler.render.report import render_markdown, report_context
from test_site_halls_walks23 import _site      # tests/ is on the path


def test_each_figure_s_reads_are_walked_once_a_report(monkeypatch) -> None:
    results, sink = evaluate_text(_site(3), "spec.factory")
    before = render_markdown(results, "spec.factory", sink)
    walks = collections.Counter()
    walk = report_sections._closure
    monkeypatch.setattr(report_sections, "_closure", lambda results, path: walks.update([path]) or walk(results, path))
    context = report_context(results, "spec.factory", sink, None)
    assert len(walks) >= 10                     # the site's key figures and their bases (21 paths)
    assert max(walks.values()) == 1, walks.most_common(3)
    assert render_markdown(results, "spec.factory", sink, context=context) == before


def test_building_the_report_runs_no_full_garbage_collection(tmp_path) -> None:
    """`build` (the diagrams, the report's context, report.html, report.md, results.json) runs no full collection of
    the cyclic garbage collector, each a walk of the whole evaluation still alive (at most the young one that
    re-enabling it starts, over what the build made), and leaves it as it found it."""
    from compiler.render.report import build
    from test_render_scale24 import collections_during

    results, sink = evaluate_text(_site(6), "spec.factory")
    collections, _ = collections_during(lambda: build(results, "spec.factory", sink, str(tmp_path / "out")))
    assert collections.count(2) == 0 and len(collections) <= 1, collections
