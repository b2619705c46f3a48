"""Trust defects left by session 19's energy work (s19-puetruth): a site's printed `pue` against its realized ratio
of facility to IT power, and `factory plan`'s pairing of a sweep over a text param. Each test states a law and
names the numbers before the fix; none asserts a value the spec itself set."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from dsl.diagnostics import Code
from test_energy_laws19b import TWO_PUES
from test_numbers_hunt17 import _run


@pytest.mark.parametrize("site_pue, hall_pue",
                         list(itertools.product(("", "pue = 1.4"), ("", "pue = 1.15", "pue = 1.4"))))
def test_a_sites_printed_pue_is_its_ratio_or_flagged(site_pue: str, hall_pue: str) -> None:
    """Law: a site's printed `pue` is its facility_power_metered / it_power_metered (the output's stated model,
    dsl/schema.py) in every combination of site and hall `pue` set or unset, or the run is flagged: an error
    (`limit-exceeded`, exit 1) naming the site's `pue`. A set output is the value the spec sets (the contract:
    docs/kinds.md, compiler/models/__init__.py), and a site's set `pue` states the PUE of the IT its halls' own
    `pue` does not cover, so a hall setting a different one makes the site's ratio differ from the figure printed
    as its PUE. Before: site 1.4 over hall h at 1.15 printed `s.pue` 1.4 at exit 0 while the site drew 1.3025 W per
    W of IT (h's 236.7 kW of IT at 1.15, the rest at 1.4). Each hall's printed `pue` is its own ratio throughout."""
    results, errors = _run(TWO_PUES.format(site_pue=site_pue, hall_pue=hall_pue))
    assert results is not None
    v = {p: np.asarray(x, dtype=float).ravel() for p, x in results.values.items()
         if isinstance(x, np.ndarray) and x.dtype.kind in "fiub"}
    for block in ("s.h", "s.k"):
        assert np.allclose(v[f"{block}.pue"], v[f"{block}.facility_power_metered"] / v[f"{block}.it_power_metered"],
                           rtol=1e-9), block
    ratio = v["s.facility_power_metered"] / v["s.it_power_metered"]
    flagged = [d for d in errors if d.code == Code.LIMIT_EXCEEDED and "`s`" in d.message and "pue" in d.message]
    if np.allclose(v["s.pue"], ratio, rtol=1e-9):
        assert not errors, [d.message for d in errors]
    else:
        assert flagged, (v["s.pue"], ratio, [d.message for d in errors])
        assert errors == flagged, [d.message for d in errors]
    # the flag fires exactly where the site and a hall set different figures (1.4 over 1.4 is one PUE)
    assert bool(flagged) == (site_pue == "pue = 1.4" and hall_pue == "pue = 1.15")


def test_a_text_sweep_pairs_by_its_text_so_reordering_it_changes_nothing(tmp_path) -> None:
    """Law: `factory plan` pairs scenarios by their points, a text value by its text: the old spec's sweep
    `cool = ["air", "liquid"]` against the head's `["liquid", "air"]` pairs air with air (new scenario 1 with old
    2), nothing added or removed. A spec cannot sweep text today (a `type-mismatch` error at the first text item:
    no scenarios to pair), so the pairing is stated on snapshots as `snapshot` would build them. (Before:
    `_point_value` made a float of every value: float("air") raised ValueError.)"""
    from compiler.plan import Snapshot, scenario_pairs

    def snap(values: tuple) -> Snapshot:
        return Snapshot("s", True, scenario_count=2, parameters={"cool": (values[0], "")},
                        sweeps={"cool": values})

    old, new = snap(("air", "liquid")), snap(("liquid", "air"))
    assert scenario_pairs(old, new) == ({0: 1, 1: 0}, [], [])
    assert scenario_pairs(old, snap(("air", "water"))) == ({0: 0}, [1], [1])
    # the spec itself: a text sweep is refused at its first text item, and the plan of its reordering is empty
    from test_plancolo19 import SWEPT, _plan
    text = SWEPT.replace("param kw = [10 kW, 20 kW]", 'param kw = 10 kW\nparam cool = ["air", "liquid"]') \
        .replace('cooling = "air"', "cooling = cool")
    results, errors = _run(text)
    assert results is None and [e.code for e in errors] == [Code.TYPE_MISMATCH]
    doc = _plan(tmp_path, text, text.replace('["air", "liquid"]', '["liquid", "air"]'))
    assert not doc["changed"] and not [k for k in doc["kpis"] if k["changed"]]
