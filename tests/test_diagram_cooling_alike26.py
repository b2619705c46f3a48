"""The cooling view draws halls alike once (compiler/render/diagram_cooling._alike_branches), as the power view does:
a campus of 1,000 halls of 6 kinds was 1,000 clusters, ~4.9 MB of DOT that Graphviz took over a minute to lay out
(bench/diagram_scale.py; docs/scale.md). Laws read on the DOT text: the totals a collapsed card draws are the sums
over its halls of the figures eval gives each; halls that differ keep their own cards; the size of the view does
not grow with the number of halls alike."""
from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from compiler import graphviz_backend
from compiler.cli import run_pipeline
from compiler.render.diagram import diagram_dot
from compiler.render.diagram_base import _q

CASE = Path(__file__).parent / "cases" / "diagram" / "air_room.factory"


def _results(tmp_path: Path, racks: list[int], counts: list[int] | None = None):
    """air_room's definitions, placed as a site of one hall per entry of `racks` (named h0, h1, ...; hall i placed
    `x counts[i]` where given), each with the same gear and that many racks in one row."""
    defs = CASE.read_text(encoding="utf-8").split("hall enterprise_room")[0]
    counts = counts or [1] * len(racks)
    halls = "\n".join(f"  hall h{i}{f' x {m}' if m != 1 else ''} {{\n    power_feed = 900 kW\n"
                      f"    row a {{\n      rack gpu: air_rack x {n}\n    }}\n  }}"
                      for i, (n, m) in enumerate(zip(racks, counts)))
    path = tmp_path / "halls.factory"
    path.write_text(defs + "site campus {\n" + halls + "\n}\n", encoding="utf-8")
    results, sink = run_pipeline([str(path)], {}, None, evaluate_all=True)
    assert results is not None, [d.message for d in sink.items]
    return results


def _plain(dot: str) -> str:
    """The text of the DOT labels, each run of spaces (a tag, a no-break space, an en space) one space."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]*>", " ", dot)).replace("\u2002", " "))


def _value(results, path: str) -> float:
    return float(results.values[path][0])


def test_a_collapsed_card_totals_its_halls(tmp_path) -> None:
    """Six halls of 10, 10, 12, 10, 12, 10 racks: two kinds, drawn `h0, h1, h3, h5 × 4` and `h2 and h4 × 2`, in
    the order of their first hall. Law: each card's totals (IT heat, cooling power; each loop's heat 'from n halls')
    are the sums over its halls of eval's figures of each hall, and its `× n` counts them; the per-hall figures it
    draws are those of each of its halls."""
    racks = [10, 10, 12, 10, 12, 10]
    results = _results(tmp_path, racks)
    dot = diagram_dot(results, "cooling")
    text = _plain(dot)
    assert "h0, h1, h3, h5 \u00d7 4" in text and "h2 and h4 \u00d7 2" in text, text[:600]
    assert text.index("h0, h1, h3, h5 \u00d7 4") < text.index("h2 and h4 \u00d7 2")
    assert dot.count("subgraph cluster_hallheat") == 2 and dot.count("IT HEAT") == 2
    for kind, n in ((10, 4), (12, 2)):
        halls = [f"campus.h{i}" for i, r in enumerate(racks) if r == kind]
        it = sum(_value(results, f"{h}.it_power") for h in halls)
        cooling = sum(_value(results, f"{h}.cooling_power") for h in halls)
        assert f"{n} halls: {_q(it, 'W')} IT heat \u00b7 cooling power {_q(cooling, 'W')}" in text
        one = {_q(_value(results, f"{h}.cooling_power"), "W") for h in halls}
        assert len(one) == 1 and f"cooling power {one.pop()} each" in text
        for stream in ("liquid", "air"):
            heat = sum(_value(results, f"{h}.heat_{stream}") for h in halls)
            if heat > 0:
                assert f"{_q(heat, 'W')} from {n} halls" in text, (stream, kind)


def test_halls_placed_x_n_count_in_their_card(tmp_path) -> None:
    """h0 (10 racks) placed once and h1 (10 racks) placed `x 3`: alike per hall, one card `× 4` whose totals are
    one hall's figures times 4, as eval's `heat_<stream>_all` of each add."""
    results = _results(tmp_path, [10, 10], [1, 3])
    text = _plain(diagram_dot(results, "cooling"))
    assert "h0 and h1 \u00d7 4" in text, text[:600]
    it = _value(results, "campus.h0.it_power_all") + _value(results, "campus.h1.it_power_all")
    assert f"4 halls: {_q(it, 'W')} IT heat" in text
    air = _value(results, "campus.h0.heat_air_all") + _value(results, "campus.h1.heat_air_all")
    assert f"{_q(air, 'W')} from 4 halls" in text


def test_halls_that_all_differ_collapse_nothing(tmp_path) -> None:
    """Three halls of 10, 11 and 12 racks: three cards, each hall's own name and no count, nothing drawn as one;
    and the view is the same text drawn twice (deterministic)."""
    results = _results(tmp_path, [10, 11, 12])
    dot = diagram_dot(results, "cooling")
    assert dot == diagram_dot(results, "cooling")
    assert "drawn as one" not in dot and " halls:" not in dot
    assert dot.count("subgraph cluster_hallheat") == 3
    for i in range(3):
        assert f"<B>h{i}</B>" in dot


def test_the_view_does_not_grow_with_halls_alike(tmp_path) -> None:
    """2 kinds of hall, 4 halls or 24: the same two cards; the DOT text grows by the names and counts only (under
    5%; it grew ~5 KB a hall before)."""
    small = diagram_dot(_results(tmp_path, [10, 12] * 2), "cooling")
    large = diagram_dot(_results(tmp_path, [10, 12] * 12), "cooling")
    assert large.count("subgraph cluster_hallheat") == small.count("subgraph cluster_hallheat") == 2
    assert len(large) < 1.05 * len(small), (len(small), len(large))


@pytest.mark.skipif(graphviz_backend.find_renderer() is None, reason="no Graphviz program")
def test_a_collapsed_card_fits_its_text(tmp_path) -> None:
    """The collapsed cards' added rows (the halls named, their totals in bold) fit their boxes, and every edge
    label its place, as laid out by the Graphviz program build uses (tests/test_diagram_text_fit.py's laws)."""
    from test_diagram_text_fit import edge_label_problems, text_fit_problems

    svg = graphviz_backend.render(diagram_dot(_results(tmp_path, [10, 10, 12, 10, 12, 10]), "cooling"), "svg")
    assert text_fit_problems(svg) == [] and edge_label_problems(svg) == []
