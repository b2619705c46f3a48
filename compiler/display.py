"""Display units: SI values back into readable units (43.2 kW, 3.35 TB/s, 1.2 MUSD) for tables and reports.

Pipeline position: render helper; imports `dsl.units` only. Values stay SI everywhere else.
"""
from __future__ import annotations

import math

# SI unit -> candidate display units, largest first; the first whose value is >= 1 is used.
_LADDERS: dict[str, list[tuple[str, float]]] = {
    "W": [("GW", 1e9), ("MW", 1e6), ("kW", 1e3), ("W", 1.0)],
    "J": [("GWh", 3.6e12), ("MWh", 3.6e9), ("kWh", 3.6e6), ("J", 1.0)],
    "B": [("PB", 1e15), ("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3), ("B", 1.0)],
    "B/s": [("PB/s", 1e15), ("TB/s", 1e12), ("GB/s", 1e9), ("MB/s", 1e6), ("B/s", 1.0)],
    "FLOP/s": [("EFLOP/s", 1e18), ("PFLOP/s", 1e15), ("TFLOP/s", 1e12), ("GFLOP/s", 1e9), ("FLOP/s", 1.0)],
    "FLOP": [("EFLOP", 1e18), ("PFLOP", 1e15), ("TFLOP", 1e12), ("FLOP", 1.0)],
    "USD": [("GUSD", 1e9), ("MUSD", 1e6), ("kUSD", 1e3), ("USD", 1.0)],
    "s": [("yr", 31536000.0), ("day", 86400.0), ("h", 3600.0), ("min", 60.0), ("s", 1.0), ("ms", 1e-3),
          ("us", 1e-6)],
    "tok/s": [("Mtok/s", 1e6), ("ktok/s", 1e3), ("tok/s", 1.0)],
    "tok": [("Ttok", 1e12), ("Gtok", 1e9), ("Mtok", 1e6), ("ktok", 1e3), ("tok", 1.0)],
    "m^3/s": [("m^3/s", 1.0), ("L/min", 1 / 60000)],
    "USD/J": [("USD/kWh", 1 / 3.6e6)],
    "USD/s": [("GUSD/yr", 1e9 / 31536000.0), ("MUSD/yr", 1e6 / 31536000.0), ("kUSD/yr", 1e3 / 31536000.0),
              ("USD/yr", 1 / 31536000.0)],
    "USD/tok": [("USD/Mtok", 1e-6)],
    "m": [("km", 1e3), ("m", 1.0), ("mm", 1e-3)],
}


def format_number(value: float) -> str:
    if not math.isfinite(value):
        return "inf" if value > 0 else ("-inf" if value < 0 else "nan")
    if value == 0:
        return "0"
    magnitude = abs(value)
    if 1e6 <= magnitude < 1e10:
        return f"{float(f'{value:.4g}'):,.0f}"
    if magnitude >= 1e6 or magnitude < 1e-3:
        return f"{value:.4g}"
    if value == round(value) and magnitude < 1e6:
        return f"{int(round(value)):,}"
    digits = max(0, 3 - int(math.floor(math.log10(magnitude))))
    text = f"{value:,.{min(digits, 4)}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text     # 2,280 keeps its zero


def display_unit(value: float, si_unit: str) -> tuple[float, str]:
    """The value and unit to show for an SI value."""
    if si_unit == "K_point":
        return value - 273.15, "degC"
    ladder = _LADDERS.get(si_unit)
    if not ladder or not math.isfinite(value):
        return value, si_unit
    magnitude = abs(value)
    for name, factor in ladder:
        if magnitude >= factor * 0.9995:
            return value / factor, name
    name, factor = ladder[-1]
    return value / factor, name


def format_quantity(value: float, si_unit: str, declared: str = "") -> str:
    """`value` (SI) in readable units: the declared unit of its field when that is not on the SI
    unit's ladder (`USD/h`, `L/min`), else the ladder's best step (`43.2 kW`)."""
    if declared == "temp" and si_unit == "K" and math.isfinite(value):
        return f"{format_number(value - 273.15)} degC"
    if declared and declared not in _PLAIN and declared != si_unit and math.isfinite(value):
        ladder = [name for name, _ in _LADDERS.get(si_unit, [])]
        if declared not in ladder or declared in _KEEP_DECLARED:
            from dsl.units import UnitError, parse_unit
            try:
                factor = parse_unit(declared).to_si(1.0)
            except UnitError:
                factor = 0.0
            if factor:
                return f"{format_number(value / factor)} {declared}"
    shown, unit = display_unit(value, si_unit)
    text = format_number(shown)
    return f"{text} {unit}" if unit and unit != "1" else text


_PLAIN = {"count", "ratio", "text", "bool", "temp"}
_KEEP_DECLARED = {"h"}          # accelerator-hours read in hours, however many there are
