"""Laws of the three ways people use factory-dsl (session 10 audit): the editor (compiler/lsp), plans in CI
(compiler/plan.py) and diagrams. Each test states a law a user relies on; the specs are small and written here."""
from __future__ import annotations

from pathlib import Path

import pytest

from compiler.lsp.analysis import Analysis, hover_markdown

SPEC = '''from chips import H100_SXM

param racks = 4

server hgx {
  chip gpu: H100_SXM x 8
  max_power = 10.2 kW
}

rack air_rack {
  server node: hgx x 2
  power_limit = 25 kW
  let draw = sum(server.max_power)
  assert draw <= power_limit, "fits"
}

site office {
  electricity_price = 0.12 USD/kWh
  hall room {
    rack r: air_rack x racks
    let total = sum(rack.draw)
  }
}
'''


@pytest.fixture(scope="module")
def office(tmp_path_factory) -> Analysis:
    folder = tmp_path_factory.mktemp("uses")
    return Analysis(SPEC, str(folder / "office.factory"), str(folder))


# ------------------------------------------------------------------------------------------- editor
def test_a_selection_by_kind_refers_to_the_members_it_reaches(office) -> None:
    """`sum(server.max_power)` and `sum(rack.draw)` read the field and the let of the parts they select (the
    checker's reading): hover, go-to-definition and references see them as the plain name `draw` does."""
    field = office.resolve(office.at(SPEC.index("server.max_power") + 8))
    assert field is not None and field.name == "max_power" and field.name_span.start == SPEC.index("max_power = 10.2")
    let = office.resolve(office.at(SPEC.index("rack.draw") + 6))
    assert let is office.resolve(office.at(SPEC.index("let draw") + 5))
    starts = sorted(s.start for s in office.references(let))
    assert starts == sorted([SPEC.index("let draw") + 4, SPEC.index("draw <= "), SPEC.index("rack.draw") + 5])
    hover, _ = hover_markdown(office, SPEC.index("rack.draw") + 6)
    plain, _ = hover_markdown(office, SPEC.index("draw <= ") + 1)
    assert hover == plain and "20.4 kW" in hover          # 2 servers x 10.2 kW
    # the selection's head names a kind, not the part: it is no reference to rename
    node = office.resolve(office.at(SPEC.index("server node") + 8))
    assert [s.start for s in office.references(node)] == [SPEC.index("server node") + 7]
