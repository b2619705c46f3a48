"""Session 14 CFO audit of the flagship report (examples/flagship_campus.factory): each figure a reader signs from,
recomputed by hand from the spec, the stdlib and the models' docstrings, and checked against what the report
prints beside it."""
from __future__ import annotations

import math
from pathlib import Path

import pytest

from compiler import evaluate_files
from compiler.render import report

ROOT = Path(__file__).resolve().parent.parent
FLAGSHIP = "examples/flagship_campus.factory"
MW = 1e6


@pytest.fixture(scope="module")
def flagship():
    results, sink = evaluate_files([str(ROOT / FLAGSHIP)])
    assert results is not None, [d.message for d in sink.items]
    context = report.report_context(results, FLAGSHIP, sink)
    markdown = report.render_markdown(results, FLAGSHIP, sink, context=context)
    subject = next(s for s in context["subjects"] if s["path"] == "frontier_campus")
    return results, subject, markdown


def _v(results, path: str) -> float:
    return float(results.values[path].ravel()[0])


def test_the_sites_chillers_and_dry_coolers_are_the_halls_plus_its_own(flagship) -> None:
    """Hand calculation (facility.py `_count`: a site's chillers and dry coolers are its halls' units, each hall
    with its own spare, plus the site's own for the heat outside its halls). Chiller_AC_500ton 1,758 kW, N+1:
    a hall's air loop needs compressors at 35 degC: its 7.557 MW of air heat + 4% CRAH fans = 7.859 MW -> ceil(4.47)
    + 1 = 6; the fabrics' 20.99 MW outside the halls (all to air) + 4% = 21.83 MW -> ceil(12.42) + 1 = 14;
    4 x 6 + 14 = 38. Dry coolers (1 MW, N+1): a hall rejects 54.79 MW -> 56, the site's own 31, 4 x 56 + 31 = 255.
    The report printed 38 and 255 as the site total under a note saying they were 'its own plant's, sized on the
    site's whole heat, not a sum of the halls'', with the Outside halls row blank: 4 x 6 = 24, not 38."""
    results, subject, markdown = flagship
    chiller = 500 * 3.5168528421e3                     # 500 refrigeration tons in W
    hall_air = _v(results, "frontier_campus.data_hall.heat_air")
    outside_air = _v(results, "frontier_campus.heat_air_outside_halls")
    assert hall_air == pytest.approx(0.15 * 360 * (18 * 7380 + 9 * 400) / 0.975, rel=1e-9)   # 15% of the racks' heat
    assert outside_air == pytest.approx(3600 * 2400 + 622080 * 16 + 1845 * 1000 + 34560 * 16 + 25920 * 0.1)
    hall_chillers = math.ceil(hall_air * 1.04 / chiller) + 1
    own_chillers = math.ceil(outside_air * 1.04 / chiller) + 1
    assert (hall_chillers, own_chillers) == (6, 14)
    assert _v(results, "frontier_campus.data_hall.chillers") == hall_chillers
    assert _v(results, "frontier_campus.chillers_outside_halls") == own_chillers
    assert _v(results, "frontier_campus.chillers") == 4 * hall_chillers + own_chillers == 38
    hall_dry = math.ceil(_v(results, "frontier_campus.data_hall.heat_rejected") / MW) + 1
    assert hall_dry == 56
    assert _v(results, "frontier_campus.dry_coolers") == 4 * hall_dry + _v(
        results, "frontier_campus.dry_coolers_outside_halls") == 255
    outside = next(r for r in subject["halls"]["rows"] if r["name"] == "Outside halls")
    columns = subject["halls"]["columns"]
    assert outside["cells"][columns.index("Chillers")] == "14"
    assert outside["cells"][columns.index("Dry coolers")] == "31"
    assert "chillers" not in subject["halls"]["note"].split("; the site's ")[-1]
    assert "not a sum of the halls'" not in markdown
