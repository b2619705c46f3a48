"""Every temperature a spec sets is judged, not only ambient_temp (s21-power, session 21).

Warnings (compiler/plausible.py PLAUSIBLE_FACILITY, beyond the published range itself, at the value's span): a
liquid supply outside ASHRAE TC 9.9's facility-water classes W17-W45 (2-45 degC), a cold-aisle air supply outside
its allowable classes A1-A4 (5-45 degC), and the site's annual mean and design wet bulb outside the air temperatures
ever recorded (as ambient_temp). Refused (physically impossible, `out-of-range` at the span): a chilled-water offset
at or below 0 K (the CRAH coil would have to cool the air to its supply temperature with water no colder than it:
heat does not flow from cold to hot), a loop or air temperature rise at or below 0 K (the return below or at the
supply), and an approach below 0 K. Before: `supply_temp = 104 degC` (104 degF for 40 degC), `air_supply_temp = 75
degC` (75 degF for 24 degC) and `let chilled_water_offset = -6 K` passed without a word.
"""
from __future__ import annotations

import pytest

from test_facility_ranges20 import _diagnostics  # tests/ is on the path


@pytest.mark.parametrize("where,line,code", [
    ("site", "supply_temp = 104 degC", "implausible-value"),      # 104 degF (40 degC) written as degC
    ("hall", "supply_temp = 1 degC", "implausible-value"),        # below W17's 2 degC
    ("hall", "air_supply_temp = 75 degC", "implausible-value"),   # 75 degF (24 degC) written as degC
    ("site", "air_supply_temp = 2 degC", "implausible-value"),    # below A3/A4's 5 degC
    ("site", "mean_ambient_temp = -95 degC", "implausible-value"),   # colder than ever recorded
    ("site", "wet_bulb_temp = -95 degC", "implausible-value"),
    ("hall", "let chilled_water_offset = -6 K", "out-of-range"),  # chilled water warmer than the air it cools
    ("hall", "let chilled_water_offset = 0 K", "out-of-range"),
    ("hall", "liquid_delta_t = -5 K", "out-of-range"),            # return below supply
    ("site", "air_delta_t = 0 K", "out-of-range"),
    ("hall", "let chiller_approach = -2 K", "out-of-range"),
    ("site", "let economizer_approach = -1 K", "out-of-range"),
])
def test_an_absurd_or_implausible_temperature_is_flagged_at_its_value(where, line, code) -> None:
    found, (row, col) = _diagnostics(where, line)
    assert [d.code for d in found] == [code], [(d.code, d.message) for d in found]
    span = found[0].span
    assert span.line == row, (str(span), row, col)
    assert (found[0].severity == "error") == (code == "out-of-range")


@pytest.mark.parametrize("where,line", [
    ("site", "supply_temp = 45 degC"), ("hall", "supply_temp = 2 degC"), ("hall", "supply_temp = 17 degC"),
    ("site", "air_supply_temp = 27 degC"), ("hall", "air_supply_temp = 45 degC"), ("hall", "air_supply_temp = 5 degC"),
    ("site", "mean_ambient_temp = -20 degC"), ("site", "wet_bulb_temp = 28 degC"),
    ("hall", "let chilled_water_offset = 3 K"), ("hall", "liquid_delta_t = 15 K"), ("site", "air_delta_t = 20 K"),
])
def test_published_temperatures_raise_nothing(where, line) -> None:
    found, _ = _diagnostics(where, line)
    assert not found, [(d.code, d.message) for d in found]
