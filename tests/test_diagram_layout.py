"""The physical view of a spec of many different placements stays a floor plan, not a strip: laws measured
on the SVG drawn by the embedded Graphviz (the README's fallback) and by the system `dot` where there is one.

The defect it guards (session 11): siblings were wrapped WRAP to a line by an invisible edge from the head of
the box WRAP before, which for a container (a row, a hall) is its top node, so the next line's box was
ranked beside the racks of the one above, not below them, and dot put it beside the whole container. A site
of 3 halls of 8 rows of 6 different rack placements was drawn 31,309 pt wide and 916 pt high (62,618 px as
PNG): every rack in one line. Now each box hangs below all the lowest nodes of the box WRAP before it, and
a hall's rows stand one below the other (as on a floor plan).
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from compiler import graphviz_backend
from compiler.cli import run_pipeline
from compiler.render import diagram_physical as DP
from compiler.render.diagram import diagram_dot
from compiler.render.diagram_base import _q

CASE = Path(__file__).parent / "cases" / "diagram" / "air_room.factory"
NS = "{http://www.w3.org/2000/svg}"
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")
HALLS, ROWS, RACKS = 3, 6, 6


def _spec(tmp_path: Path) -> Path:
    """air_room's definitions, placed as a site of HALLS halls of ROWS rows of RACKS different racks each."""
    defs = CASE.read_text(encoding="utf-8").split("hall enterprise_room")[0]
    racks = "\n".join(f"      rack r{k}: air_rack x {k + 1}" for k in range(RACKS))
    rows = "\n".join(f"    row row{r} {{\n{racks}\n    }}" for r in range(ROWS))
    halls = "\n".join(f"  hall hall{h} {{\n    power_feed = 2 MW\n{rows}\n  }}" for h in range(HALLS))
    path = tmp_path / "many.factory"
    path.write_text(defs + "site many {\n" + halls + "\n}\n", encoding="utf-8")
    return path


def _boxes(svg: bytes) -> dict[str, tuple[float, float, float, float]]:
    """title -> (left, top, right, bottom) of each cluster and node."""
    out = {}
    for g in ET.fromstring(svg).iter(NS + "g"):
        if g.get("class") not in ("cluster", "node"):
            continue
        xs, ys = [], []
        for el in g:
            values = ([float(v) for v in NUMBER.findall(el.get("points"))] if el.tag == NS + "polygon" else
                      [float(v) for v in NUMBER.findall(el.get("d"))] if el.tag == NS + "path" else [])
            xs += values[0::2]
            ys += values[1::2]
        if xs:
            out[g.find(NS + "title").text] = (min(xs), min(ys), max(xs), max(ys))
    return out


def _side_by_side(boxes: list[tuple[float, float, float, float]]) -> int:
    """The most boxes that share one horizontal band (their vertical extents overlap at one height)."""
    return max(sum(1 for b in boxes if b[1] < y < b[3]) for y in (b[1] + 1 for b in boxes))


def _programs() -> list[str]:
    return ["embedded"] + (["system"] if graphviz_backend.shutil.which("dot") else [])


@pytest.mark.skipif(graphviz_backend._embedded() is None, reason="graphviz-pure not installed")
@pytest.mark.parametrize("program", _programs())
def test_many_placements_draw_as_a_floor_plan(tmp_path, monkeypatch, program) -> None:
    results, sink = run_pipeline([str(_spec(tmp_path))], {}, None, evaluate_all=True)
    assert results is not None, [d.message for d in sink.items]
    monkeypatch.setenv(graphviz_backend.ENV_VAR, program)
    boxes = _boxes(graphviz_backend.render(diagram_dot(results, "physical"), "svg"))
    halls = {t: b for t, b in boxes.items() if t.startswith("cluster_hall_")}
    assert len(halls) == HALLS and _side_by_side(list(halls.values())) == HALLS          # halls: one line (<= WRAP)
    for h in range(HALLS):
        rows = [b for t, b in boxes.items() if t.startswith(f"cluster_row_many__hall{h}__")]
        assert len(rows) == ROWS and _side_by_side(rows) == 1                            # rows: one below the other
        for r in range(ROWS):
            racks = [b for t, b in boxes.items() if t.startswith(f"rack_many__hall{h}__row{r}__")]
            assert len(racks) == RACKS and _side_by_side(racks) == DP.WRAP               # racks: WRAP to a line
    # so the picture is about as tall as wide: 3 halls of 4 racks across, 6 rows of 2 lines of racks down
    left, top = min(b[0] for b in boxes.values()), min(b[1] for b in boxes.values())
    right, bottom = max(b[2] for b in boxes.values()), max(b[3] for b in boxes.values())
    assert 0.5 < (right - left) / (bottom - top) < 2.0, (right - left, bottom - top)


def test_the_load_cards_count_each_rack_type_once(tmp_path) -> None:
    """The power view's IT load card and the cooling view's IT heat card of each hall list rack types: one
    line per definition, with the count of all its placements. The many-placements spec places one type,
    `air_rack`, x 1 .. x RACKS in each of ROWS rows: ROWS * RACKS * (RACKS + 1) / 2 = 6 * 21 = 126 racks
    a hall. Before, each placement had a line (`1 x air_rack`, `2 x air_rack`, ...) and all but 8 were cut
    as "... and 28 more rack types" of a hall that has one."""
    results, sink = run_pipeline([str(_spec(tmp_path))], {}, None, evaluate_all=True)
    assert results is not None, [d.message for d in sink.items]
    per_hall = ROWS * RACKS * (RACKS + 1) // 2
    for view, cards in (("power", 1), ("cooling", 1)):     # both views draw halls alike once, `× 3`
        dot = diagram_dot(results, view)
        lines = re.findall(r"([\d,]+) \u00d7 air_rack \u00b7 ([\d.]+) kW each", dot)
        assert [int(n.replace(",", "")) for n, _ in lines] == [per_hall] * cards, (view, lines)
        assert "more rack types" not in dot, view


def test_a_long_workload_name_never_cuts_its_figures() -> None:
    """The published NeMo runs (42 training workloads of names up to 64 characters, no building): each
    listed row ends with the workload's accelerator count as the results hold it, and the rows listed plus
    the '... and N more' line count every workload once. Before, a row was cut at 110 characters, and 14 of
    the 16 shown lost their count ('· 64 accelerat…')."""
    spec = Path(__file__).resolve().parents[1] / "examples" / "published" / "nemo_perf.factory"
    results, sink = run_pipeline([str(spec)], {}, None, evaluate_all=True)
    assert results is not None, [d.message for d in sink.items]
    dot = diagram_dot(results, "physical")
    rows = re.findall(r"training (\w+) \u00b7 [^<]*? \u00b7 ([\d,]+) accelerators?(?:&#8194;)*</FONT>", dot)
    workloads = {p.rsplit(".", 1)[0] for p in results.values                 # site.workload, not the site's own
                 if p.endswith(".time_to_train") and p.count(".") == 2}
    more = re.search(r"\u2026 and (\d+) more", dot)
    assert len(rows) + int(more.group(1)) == len(workloads) == 42
    for name, count in rows:
        path = next(w for w in workloads if w.endswith("." + name))
        assert int(count.replace(",", "")) == round(float(results.values[f"{path}.accelerators"][0])), name


@pytest.mark.parametrize("example", ["published/nemo_perf", "inference_shootout"])
def test_a_site_of_workloads_is_not_headed_zero(example) -> None:
    """A site that places no building, only workloads (on the systems they name), was headed '0 accelerators ·
    0 W IT peak · 0 W at the meter' above a list of workloads on thousands of accelerators. Law: its
    physical view prints no zero figure of power or accelerators, and its headline counts the workloads."""
    spec = Path(__file__).resolve().parents[1] / "examples" / f"{example}.factory"
    results, sink = run_pipeline([str(spec)], {}, None, evaluate_all=True)
    assert results is not None, [d.message for d in sink.items]
    dot = diagram_dot(results, "physical")
    text = re.sub(r"<[^>]*>", " ", dot)
    assert not re.search(r"(?<![\d.,])0 (W|kW|MW|accelerators)\b", text), re.findall(r".{40}(?<![\d.,])0 (?:W|acc).{20}", text)
    n = len({p.rsplit(".", 1)[0] for p in results.values if p.count(".") == 2 and
             p.endswith((".time_to_train", ".tokens_per_s"))})
    assert f"no building placed \u00b7 {n} workload(s) on the systems they name" in dot


def _halls_spec(tmp_path: Path, racks: list[int]) -> Path:
    """air_room's definitions, placed as a site of one hall per entry of `racks`, each its own block (named
    h0, h1, ...) with the same gear and that many racks."""
    defs = CASE.read_text(encoding="utf-8").split("hall enterprise_room")[0]
    halls = "\n".join(f"  hall h{i} {{\n    power_feed = 900 kW\n    transformer tx: tx_2MVA\n    ups ups: ups_500 x 2\n"
                      f"    pdu pdu: pdu_300 x 4\n    row a {{\n      rack gpu: air_rack x {n}\n    }}\n  }}"
                      for i, n in enumerate(racks))
    path = tmp_path / "halls.factory"
    path.write_text(defs + "site campus {\n" + halls + "\n}\n", encoding="utf-8")
    return path


@pytest.mark.skipif(graphviz_backend._embedded() is None, reason="graphviz-pure not installed")
@pytest.mark.parametrize("program", _programs())
def test_halls_drawn_alike_are_drawn_once(tmp_path, monkeypatch, program) -> None:
    """The power view draws a hall's chain once per hall; ten halls alike in all it draws (gear, sizing,
    flows, racks) but their names were ten identical columns side by side (4,821 x 837 pt). Law: halls
    alike are one branch `× n` whose title names the first and last, whose edge carries `n × ` the power of
    one, and whose stages are drawn once; a hall that differs (more racks) keeps its own branch; the text
    of the picture fits its boxes (tests/test_diagram_text_fit.py)."""
    from test_diagram_text_fit import edge_label_problems, text_fit_problems

    results, sink = run_pipeline([str(_halls_spec(tmp_path, [10] * 9 + [12]))], {}, None, evaluate_all=True)
    assert results is not None, [d.message for d in sink.items]
    dot = diagram_dot(results, "power")
    assert "<B>h0\u2013h8</B>\u00a0\u00d7 9" in dot and "9 halls drawn as one" in dot
    assert "<B>h9</B>" in dot                                     # 12 racks: not alike, its own branch
    assert dot.count("<B>tx_2MVA</B>") == 2 and dot.count("IT LOAD (RACKS)") == 2
    one = results.values["campus.h0.transformer_power_in"][0]
    assert f"9 \u00d7 {_q(one, 'W')}" in dot
    monkeypatch.setenv(graphviz_backend.ENV_VAR, program)
    svg = graphviz_backend.render(dot, "svg")
    assert text_fit_problems(svg) == [] and edge_label_problems(svg) == []
    left, top, right, bottom = (f(b[i] for b in _boxes(svg).values()) for f, i in ((min, 0), (min, 1), (max, 2), (max, 3)))
    assert (right - left) / (bottom - top) < 2.0


@pytest.mark.skipif(graphviz_backend._embedded() is None, reason="graphviz-pure not installed")
@pytest.mark.parametrize("program", _programs())
def test_many_halls_read_in_spec_order(tmp_path, monkeypatch, program) -> None:
    """A site of 12 halls (h0 .. h11, one rack card each) and a workload: 13 boxes, WRAP = 4 to a line. Each box of
    a later line hangs below the box WRAP before it by an edge of weight 0, a lower bound only, so dot was free to
    draw a box lower still: h9 and h10 went down to the workload card's line, and the third line read h8, h11, the
    fourth h9, h10 (system dot and the embedded program alike; s18-huntci). Law: the halls read in spec order, line
    by line: hall i's box is in line i // WRAP (the boxes of a line start at one height, below every box of the line
    above) and left of hall i + 1 within its line."""
    defs = CASE.read_text(encoding="utf-8").split("hall enterprise_room")[0]
    halls = "\n".join(f"  hall h{i} {{\n    rack r: air_rack x {i + 1}\n  }}" for i in range(12))
    work = "  inference w {\n    model = Llama3_1_70B\n    system = DGX_H100\n    accelerators = 8\n  }\n"
    path = tmp_path / "halls.factory"
    path.write_text("from models import Llama3_1_70B\nfrom systems import DGX_H100\n" + defs + "site campus {\n"
                    + halls + "\n" + work + "}\n", encoding="utf-8")
    results, sink = run_pipeline([str(path)], {}, None, evaluate_all=True)
    assert results is not None, [d.message for d in sink.items]
    monkeypatch.setenv(graphviz_backend.ENV_VAR, program)
    boxes = _boxes(graphviz_backend.render(diagram_dot(results, "physical"), "svg"))
    hall = [boxes[f"cluster_hall_campus__h{i}"] for i in range(12)]
    lines = [hall[i:i + DP.WRAP] for i in range(0, 12, DP.WRAP)]
    for above, line in zip(lines, lines[1:]):
        assert min(b[1] for b in line) > max(b[3] for b in above), [[round(b[1]) for b in x] for x in lines]
    for line in lines:
        assert max(b[1] for b in line) - min(b[1] for b in line) < 20, [round(b[1]) for b in line]
        assert all(a[2] < b[0] for a, b in zip(line, line[1:])), [round(b[0]) for b in line]


def test_halls_drawn_alike_name_a_range_only_when_they_are_one(tmp_path) -> None:
    """Halls alike are titled by their first and last name, `h0–h8 × 9`, read as the run h0 .. h8. Six halls of 10,
    12, 10, 10, 12, 10 racks drew `h0–h5 × 4` (h0, h2, h3, h5) beside `h1 and h4 × 2`: the title said h0 to h5, six
    halls, two of which are the other branch. Law: a title `a–b` names halls that stand together in the spec (every
    hall between a and b is in the group); a group with gaps names each hall, or the first and how many more."""
    results, sink = run_pipeline([str(_halls_spec(tmp_path, [10, 12, 10, 10, 12, 10]))], {}, None, evaluate_all=True)
    assert results is not None, [d.message for d in sink.items]
    dot = diagram_dot(results, "power")
    titles = re.findall(r"<B>([^<]*)</B>\u00a0\u00d7 (\d+)", dot)
    assert ("h1 and h4", "2") in titles, titles
    assert not [t for t, _ in titles if "\u2013" in t], titles                 # no range over halls of another group
    assert ("h0, h2, h3, h5", "4") in titles, titles


def test_a_title_of_several_sites_names_each_or_counts_those_it_leaves_out(tmp_path) -> None:
    """Every view's title names the plan's top-level blocks, `a, b — physical layout`, above the totals of all of
    them. A site named in 70 characters beside a site `second` was titled `very_long…_name_for_testi… — physical
    layout` over '2,496 accelerators' of both sites: the title named one site and the figures were of two. Law: the
    title names each top-level block or says how many it does not name."""
    defs = CASE.read_text(encoding="utf-8").split("hall enterprise_room")[0]
    long = "a_campus_with_a_very_long_descriptive_name_that_goes_on_for_seventy_ch"
    path = tmp_path / "two.factory"
    path.write_text(defs + "".join(f"site {name} {{\n  hall h {{\n    rack r: air_rack x 2\n  }}\n}}\n"
                                   for name in (long, "second")), encoding="utf-8")
    results, sink = run_pipeline([str(path)], {}, None, evaluate_all=True)
    assert results is not None, [d.message for d in sink.items]
    for view in ("physical", "power", "cooling", "network"):
        title = re.search(r"<B>([^<]*) \u2014 [^<]*</B>", diagram_dot(results, view)).group(1)
        assert "second" in title or "1 more" in title, (view, title)


@pytest.mark.skipif(graphviz_backend._embedded() is None, reason="graphviz-pure not installed")
@pytest.mark.parametrize("program", _programs())
def test_many_networks_wrap_as_the_physical_view_does(tmp_path, monkeypatch, program) -> None:
    """The network view drew one cluster per `network` block side by side, never wrapped: a site of 8 scale-out
    fabrics (and the node-level cluster) was a strip of 9 boxes, 7,926 x 1,056 px (3,963 x 528 pt). Law: the clusters
    are laid out as the physical view lays out its boxes, WRAP to a line in spec order (net0 .. net3 on the first),
    so at most WRAP stand side by side and the picture is less than twice as wide as it is tall."""
    nets = "".join(f"  network net{i} {{\n    role = \"scale_out\"\n    switch = QM9700\n"
                   f"    transceiver = OSFP_400G_SR4\n  }}\n" for i in range(8))
    path = tmp_path / "nets.factory"
    path.write_text("from systems import DGX_H100_rack\nfrom network import QM9700, OSFP_400G_SR4\nsite s {\n"
                    "  land_price = 0 USD\n  hall h {\n    rack r: DGX_H100_rack x 40\n  }\n" + nets + "}\n")
    results, sink = run_pipeline([str(path)], {}, None, evaluate_all=True)
    assert results is not None, [d.message for d in sink.items]
    monkeypatch.setenv(graphviz_backend.ENV_VAR, program)
    boxes = _boxes(graphviz_backend.render(diagram_dot(results, "network"), "svg"))
    clusters = [boxes[f"cluster_net_s__net{i}"] for i in range(8)]
    assert _side_by_side(clusters + [b for t, b in boxes.items() if t.startswith("cluster_scaleup")]) <= DP.WRAP
    first = clusters[:DP.WRAP]
    assert all(a[2] < b[0] for a, b in zip(first, first[1:])), [round(b[0]) for b in first]     # in spec order
    assert min(b[1] for b in clusters[DP.WRAP:]) > max(b[3] for b in first)
    left, top, right, bottom = (f(b[i] for b in boxes.values()) for f, i in ((min, 0), (min, 1), (max, 2), (max, 3)))
    assert (right - left) / (bottom - top) < 2.0, (right - left, bottom - top)


@pytest.mark.skipif(graphviz_backend._embedded() is None, reason="graphviz-pure not installed")
def test_many_sites_wrap_in_the_power_view(tmp_path, monkeypatch) -> None:
    """The power view drew one chain per site side by side: six sites of 2 .. 7 DGX H100 racks were a strip of six
    chains, 6,043 x 1,576 px (the physical view wraps the same sites 4 to a line). Law: the utility feeds of the
    sites stand WRAP to a line in spec order, the next line's below every box of the line above."""
    path = tmp_path / "sites.factory"
    path.write_text("from systems import DGX_H100_rack\n" + "".join(
        f"site site{i} {{\n  land_price = 0 USD\n  hall h {{\n    rack r: DGX_H100_rack x {i + 2}\n  }}\n}}\n"
        for i in range(6)))
    results, sink = run_pipeline([str(path)], {}, None, evaluate_all=True)
    assert results is not None, [d.message for d in sink.items]
    monkeypatch.setenv(graphviz_backend.ENV_VAR, "embedded")
    boxes = _boxes(graphviz_backend.render(diagram_dot(results, "power"), "svg"))
    feeds = [boxes[f"utility_site{i}"] for i in range(6)]
    assert _side_by_side(feeds) == DP.WRAP, feeds
    first = feeds[:DP.WRAP]
    assert all(a[2] < b[0] for a, b in zip(first, first[1:]))
    lowest = max(b[3] for t, b in boxes.items() if any(f"site{i}" in t for i in range(DP.WRAP)))
    assert min(b[1] for b in feeds[DP.WRAP:]) > lowest
