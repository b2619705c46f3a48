"""Laws of a site's water, PUE and metered power when halls and the site state their own figures (s19-energy2,
session 19): the water and the modelled PUE follow the draw the energy bill uses, and a site's metered power is its
halls' plus what it holds outside them whichever of them sets a `pue`.

Each test states a law across runs of the compiler (or a hand calculation written out) and names the numbers
before the fix; none asserts a value the spec itself set.
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from test_energy_laws19 import _never_falls, _sweep


# ----------------------------------------------------------------------------- a site's and its hall's set PUE

TWO_PUES = """\
from systems import DGX_H100, DGX_H100_rack
from network import Q3400, OSFP_800G_2xDR4
from models import Llama3_1_70B
site s {{
  land_price = 0 USD
  {site_pue}
  hall h {{
    {hall_pue}
    rack r: DGX_H100_rack x 8
  }}
  hall k x 2 {{
    rack r: DGX_H100_rack x 4
  }}
  network be {{
    role = "scale_out"
    switch = Q3400
    transceiver = OSFP_800G_2xDR4
  }}
  inference chat {{
    model = Llama3_1_70B
    system = DGX_H100
    accelerators = 64
    precision = "fp8"
    scenario = "server"
    input_tokens = 2000 tok
    output_tokens = 400 tok
  }}
}}
"""


@pytest.mark.parametrize("site_pue, hall_pue", list(itertools.product(("", "pue = 1.4"), ("", "pue = 1.15"))))
def test_a_sites_metered_power_is_its_halls_plus_its_it_outside_them(site_pue: str, hall_pue: str) -> None:
    """Whichever of a site and its hall h set a `pue`, the hall's own states its facility power, the site's states
    that of the rest (its other halls and the fabric outside them), and the site's figures are the sum: metered =
    sum(count x hall metered) + what lies outside the halls (here the fabric: no accelerator, so no service
    changes its draw, and at a site's pue it is pue x its IT). Before: with both set (site 1.4, h 1.15) the site
    said 1.4 x all its IT (734.7 kW average) and the hall h 1.15 x its own: 131.2 kW lay "outside the halls" for a
    51.4 kW fabric (72.0 kW at 1.4), 59.2 kW (0.25 x h's 236.7 kW of IT) counted twice; now 675.5 kW."""
    v = _sweep(TWO_PUES.format(site_pue=site_pue, hall_pue=hall_pue), {})
    halls_metered = v["s.h.facility_power_metered"] + 2 * v["s.k.facility_power_metered"]
    halls_avg = v["s.h.facility_power_avg"] + 2 * v["s.k.facility_power_avg"]
    outside = v["s.facility_power_avg"] - halls_avg
    assert np.allclose(v["s.facility_power_metered"], halls_metered + outside, rtol=1e-9), (
        v["s.facility_power_metered"], halls_metered, outside)
    assert np.all(outside >= v["s.it_power_avg_outside_halls"] * (1 - 1e-12))
    if site_pue:
        assert np.allclose(outside, 1.4 * v["s.it_power_avg_outside_halls"], rtol=1e-9)
        assert np.allclose(v["s.k.facility_power_avg"], 1.4 * v["s.k.it_power_avg"], rtol=1e-12)
    if hall_pue:
        assert np.allclose(v["s.h.facility_power_avg"], 1.15 * v["s.h.it_power_avg"], rtol=1e-12)
    # the services' change falls on the halls that hold the H100 at each one's own slope
    assert np.all(v["s.facility_power_metered"] < v["s.facility_power_avg"])
