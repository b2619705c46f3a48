"""The cooling view of several sites: each hall's box names its site, and the sites are drawn in the spec's order.

Two sites each with a hall `h` drew two boxes both labelled 'h' (no site name: which is east's?), and the
Graphviz layout of the LR view put the sites' disconnected parts bottom-up: the last site written on top (east,
written first, drawn below west). Laws: (1) every hall box of a multi-site cooling view names its site, and no two
boxes carry the same name; (2) the sites' plants, top to bottom, follow the order the spec writes them in."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from compiler import graphviz_backend
from compiler.cli import run_pipeline
from compiler.render.diagram import diagram_dot

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
site north {
  land_price = 0 USD
  hall h {
    rack r: DGX_H100_rack x 3
  }
}
"""
SITES = ["east", "west", "north"]
NS = "{http://www.w3.org/2000/svg}"


def _dot(tmp_path) -> str:
    path = tmp_path / "three.factory"
    path.write_text(THREE)
    results, sink = run_pipeline([str(path)], {}, None, evaluate_all=True)
    assert results is not None, [d.message for d in sink.items]
    return diagram_dot(results, "cooling")


def _hall_names(dot: str) -> dict[str, str]:
    """cluster id -> the bold name in its label (the line under the 'HALL' caption)."""
    out = {}
    for cid, label in re.findall(r"subgraph (cluster_hallheat_\w+) \{\n\t\t[^\n]*?label=<(.*?)> labeljust", dot):
        out[cid] = re.sub(r"<[^>]+>", "", re.search(r"<B>(.*?)</B>", label).group(1))
    return out


def test_each_hall_box_of_a_multi_site_cooling_view_names_its_site(tmp_path) -> None:
    names = _hall_names(_dot(tmp_path))
    assert sorted(names) == sorted(["cluster_hallheat_east__h", "cluster_hallheat_west__h",
                                    "cluster_hallheat_west__g", "cluster_hallheat_north__h"]), names
    for cid, name in names.items():
        site = cid.split("_")[2]
        assert site in name, (cid, name)
    assert len(set(names.values())) == len(names), names


@pytest.mark.skipif(graphviz_backend._embedded() is None and not graphviz_backend.shutil.which("dot"),
                    reason="no Graphviz")
def test_the_sites_are_drawn_top_to_bottom_in_the_specs_order(tmp_path) -> None:
    svg = graphviz_backend.render(_dot(tmp_path), "svg")
    top = {}
    for g in ET.fromstring(svg).iter(NS + "g"):
        title = g.find(NS + "title")
        if g.get("class") == "node" and title is not None and title.text.startswith("chillers_"):
            poly = next(el for el in g if el.tag in (NS + "path", NS + "polygon"))
            ys = [float(v) for v in re.findall(r"-?\d+\.?\d*", poly.get("points") or poly.get("d"))][1::2]
            top[title.text[len("chillers_"):]] = min(ys)
    assert sorted(top, key=top.get) == SITES, top
