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
