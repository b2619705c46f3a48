"""Unit algebra: prefixes, bits and bytes, temperature points, SI conversion, dimension names."""
from __future__ import annotations

import math

import pytest

from dsl.units import DIMENSIONLESS, UnitError, dimension_name, parse_unit, si_unit


@pytest.mark.parametrize("text, factor", [
    ("W", 1.0), ("kW", 1e3), ("MW", 1e6), ("GW", 1e9),
    ("GB", 1e9), ("GiB", 2.0**30), ("TB", 1e12), ("TiB", 2.0**40),
    ("Gb/s", 1e9 / 8), ("GB/s", 1e9), ("TB/s", 1e12), ("Gbps", 1e9 / 8),
    ("TFLOP/s", 1e12), ("TFLOPS", 1e12), ("PFLOP/s", 1e15),
    ("kWh", 3.6e6), ("MWh", 3.6e9),
    ("USD/kWh", 1 / 3.6e6), ("USD/Mtok", 1e-6),
    ("ms", 1e-3), ("min", 60.0), ("h", 3600.0), ("yr", 365 * 86400.0),
    ("L/min", 1e-3 / 60), ("m^3/s", 1.0), ("%", 0.01), ("U", 0.04445),
])
def test_factors(text: str, factor: float) -> None:
    assert math.isclose(parse_unit(text).factor, factor, rel_tol=1e-12)


def test_decimal_and_binary_prefixes_differ() -> None:
    assert parse_unit("GB").dim == parse_unit("GiB").dim
    assert parse_unit("GiB").factor / parse_unit("GB").factor == pytest.approx(1.073741824)


def test_bits_are_not_bytes_but_share_a_dimension() -> None:
    assert parse_unit("Gb/s").dim == parse_unit("GB/s").dim
    assert parse_unit("GB/s").factor == 8 * parse_unit("Gb/s").factor


def test_temperature_points_and_differences() -> None:
    c = parse_unit("degC")
    k = parse_unit("K")
    assert c.point and not k.point
    assert c.dim == k.dim
    assert c.to_si(35) == pytest.approx(308.15)
    assert parse_unit("degF").to_si(212) == pytest.approx(373.15)
    with pytest.raises(UnitError):
        parse_unit("W/degC")  # a point cannot be combined; W/K is the heat-per-kelvin unit


@pytest.mark.parametrize("text, si, name", [
    ("kW", "W", "power"), ("MWh", "J", "energy"), ("TB/s", "B/s", "data rate"),
    ("TFLOP/s", "FLOP/s", "compute rate"), ("USD/kWh", "USD/J", "price of energy"),
    ("Mtok", "tok", "tokens"), ("L/min", "m^3/s", "volume flow"), ("K", "K", "temperature difference"),
])
def test_si_units_and_names(text: str, si: str, name: str) -> None:
    dim = parse_unit(text).dim
    assert si_unit(dim) == si
    assert dimension_name(dim) == name


def test_unknown_units_suggest() -> None:
    for bad, suggestion in (("kw", "kW"), ("C", "degC"), ("sec", "s"), ("$", "USD")):
        with pytest.raises(UnitError) as info:
            parse_unit(bad)
        assert info.value.suggestion == suggestion


def test_dimensionless() -> None:
    assert parse_unit("%").dim == DIMENSIONLESS
    assert si_unit(DIMENSIONLESS) == "1"


def test_a_unit_spelt_out_suggests_its_symbol() -> None:
    """A unit written out in words, as a new user writes it (`25 kilowatts`), suggests its symbol, prefixes and
    plurals included, so the editor offers the fix; it suggested nothing ("see the unit table")."""
    for bad, symbol in (("kilowatt", "kW"), ("megawatts", "MW"), ("gigabytes", "GB"), ("watt", "W"),
                        ("terabits", "Tb"), ("milliseconds", "ms"), ("kilowatt-hours", "kWh"), ("joules", "J"),
                        ("gigahertz", "GHz"), ("gibibytes", "GiB"), ("Kilowatts", "kW"), ("meters", "m"),
                        ("litres", "L"), ("tonnes", "t"), ("microseconds", "us")):
        with pytest.raises(UnitError) as info:
            parse_unit(bad)
        assert info.value.suggestion == symbol, bad
        assert parse_unit(symbol) is not None
