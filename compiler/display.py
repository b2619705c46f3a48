"""Display units: SI values back into readable units (43.2 kW, 3.35 TB/s, 800 Gb/s, 1.2 MUSD) for tables,
reports and diagrams.

Pipeline position: render helper; imports `dsl.units` only. Values stay SI everywhere else.

Rules (one mechanism for every figure):
- the unit: the declared unit of the field picks the family (`b/s` -> the bit-rate ladder, `USD/h` ->
  hours); within a ladder the largest step whose value is >= 1 is used (`8e11 b/s` -> `800 Gb/s`); a
  declared unit on no ladder is kept as written (`USD/h`, `L/min`, `FLOP/tok`). A zero fits no step: it
  reads in its declared unit when that is on the ladder (`0 MWh/yr`, `0 ms`), else in the SI step (`0 s`, `0 W`).
- the number (`format_number`): four significant digits, thousands separators, no exponent between
  1e-3 and 1e15 (whole numbers below a million show every digit); `inf`, `-inf`, `nan` as such, still
  with the unit the figure is read in.
"""
from __future__ import annotations

import math

_YEAR = 31536000.0

# SI unit -> candidate display units, largest first; the first whose value is >= 1 is used.
_LADDERS: dict[str, list[tuple[str, float]]] = {
    "W": [("GW", 1e9), ("MW", 1e6), ("kW", 1e3), ("W", 1.0)],
    "J": [("GWh", 3.6e12), ("MWh", 3.6e9), ("kWh", 3.6e6), ("J", 1.0)],
    "B": [("PB", 1e15), ("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3), ("B", 1.0)],
    "B/s": [("PB/s", 1e15), ("TB/s", 1e12), ("GB/s", 1e9), ("MB/s", 1e6), ("B/s", 1.0)],
    "FLOP/s": [("EFLOP/s", 1e18), ("PFLOP/s", 1e15), ("TFLOP/s", 1e12), ("GFLOP/s", 1e9), ("FLOP/s", 1.0)],
    "FLOP": [("EFLOP", 1e18), ("PFLOP", 1e15), ("TFLOP", 1e12), ("FLOP", 1.0)],
    "FLOP/tok": [("TFLOP/tok", 1e12), ("GFLOP/tok", 1e9), ("MFLOP/tok", 1e6), ("FLOP/tok", 1.0)],
    "USD": [("GUSD", 1e9), ("MUSD", 1e6), ("kUSD", 1e3), ("USD", 1.0)],
    "s": [("yr", _YEAR), ("day", 86400.0), ("h", 3600.0), ("min", 60.0), ("s", 1.0), ("ms", 1e-3),
          ("us", 1e-6)],
    "tok/s": [("Mtok/s", 1e6), ("ktok/s", 1e3), ("tok/s", 1.0)],
    "tok": [("Ttok", 1e12), ("Gtok", 1e9), ("Mtok", 1e6), ("ktok", 1e3), ("tok", 1.0)],
    "m^3/s": [("m^3/s", 1.0), ("L/min", 1 / 60000)],
    "USD/J": [("USD/kWh", 1 / 3.6e6)],
    "USD/s": [("GUSD/yr", 1e9 / _YEAR), ("MUSD/yr", 1e6 / _YEAR), ("kUSD/yr", 1e3 / _YEAR),
              ("USD/yr", 1 / _YEAR)],
    "USD/tok": [("USD/Mtok", 1e-6)],
    "1/s": [("1/s", 1.0), ("1/h", 1 / 3600.0), ("1/yr", 1 / _YEAR)],
    "USD/(s*W)": [("kUSD/yr/MW", 1e3 / _YEAR / 1e6), ("USD/yr/MW", 1 / _YEAR / 1e6)],
    "m": [("km", 1e3), ("m", 1.0), ("mm", 1e-3)],
    # per unit of line rate (compiler.models.network's optic and cable assumptions): in the units the trade quotes,
    # "20 pJ/b" and "0.3125 USD/Gbps" ($250 per 800G cable), not "1.6e-10 J/B" and "2.5e-09 USD*s/B"; both parse
    # as written (dsl.units), so a `let` can take the figure back as shown
    "J/B": [("pJ/b", 8e-12)],
    "USD*s/B": [("USD/Gbps", 8e-9)],
}

# ladders a declared unit selects for an SI unit: declaring `Gb/s` (or `b/s`) reads a B/s value in bits
_FAMILIES: dict[tuple[str, str], list[tuple[str, float]]] = {
    ("B/s", "bits"): [("Pb/s", 1.25e14), ("Tb/s", 1.25e11), ("Gb/s", 1.25e8), ("Mb/s", 1.25e5), ("kb/s", 125.0),
                      ("b/s", 0.125)],
    ("B", "bits"): [("Tb", 1.25e11), ("Gb", 1.25e8), ("Mb", 1.25e5), ("kb", 125.0), ("b", 0.125)],
}
_BITS = {"Pb/s", "Tb/s", "Gb/s", "Mb/s", "kb/s", "b/s", "Tb", "Gb", "Mb", "kb", "b"}


def format_count(count: int) -> str:
    """A count of scenarios (or of anything whole), thousands separated: 193245 -> "193,245"; the one form every
    "(in 193,245 of 198,200 scenarios)" takes, in memory and streamed alike."""
    return f"{int(count):,}"


def in_scenarios(part: int, whole: int) -> str:
    """`193,245 of 198,200 scenarios`: how many scenarios of a sweep something holds in (`format_count`)."""
    return f"{format_count(part)} of {format_count(whole)} scenarios"


def format_number(value: float) -> str:
    """A number to four significant digits, thousands separated, no exponent from 1e-3 to 1e15:
    667710.19 -> "667,710"; 120000.4 -> "120,000"; 2.486e12 -> "2,486,000,000,000"; 0.012345 ->
    "0.01235"; 4.1e-5 -> "4.1e-05"."""
    if not math.isfinite(value):
        return "inf" if value > 0 else ("-inf" if value < 0 else "nan")
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 1e15 or magnitude < 1e-3:
        return f"{value:.4g}"
    exponent = int(math.floor(math.log10(magnitude)))
    if exponent >= 6:                                   # four significant digits, as a whole number
        rounded = round(value, 3 - exponent)
        return f"{int(rounded):,}"
    if exponent >= 3 or value == round(value):          # 1,000 .. 999,999: to the unit
        return f"{int(round(value)):,}"
    text = f"{value:,.{3 - exponent}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _ladder(si_unit: str, declared: str = "") -> list[tuple[str, float]] | None:
    if declared in _BITS:
        return _FAMILIES.get((si_unit, "bits"))
    return _LADDERS.get(si_unit)


PER_YEAR = ("energy_year", "water_year")
"""Model outputs that are a year's total (J, m^3 over 8,760 h): their declared unit carries "/yr" (`MWh/yr`,
`m^3/yr`; compiler.lower._models_of), so every surface that shows them (eval table, report, plan text, markdown
and JSON `display_unit`, explain) says "per year" as the cost rows and the money per year do (a KPI row
`609.8 MWh/yr` beside its cost row's `609.8 MWh/yr`, never a bare `609.8 MWh`). The SI value is the year's total."""


def _per_year(declared: str, si_unit: str) -> tuple[str, str]:
    """(the declared unit without "/yr", "/yr") for a year's total (`MWh/yr` of an SI J), else (declared, "")."""
    if declared.endswith("/yr") and "/" not in si_unit and si_unit not in ("", "1", "USD"):
        return declared[:-3], "/yr"
    return declared, ""


def display_unit(value: float, si_unit: str, declared: str = "") -> tuple[float, str]:
    """The value and unit to show for an SI value (`declared`: the unit the field was written in)."""
    declared, per = _per_year(declared, si_unit)
    if per:
        shown, unit = display_unit(value, si_unit, declared)
        return shown, unit + per
    if si_unit == "K_point":
        return value - 273.15, "degC"
    ladder = _ladder(si_unit, declared)
    if not ladder:
        return value, si_unit
    if not math.isfinite(value):
        name, factor = ladder[-1]
        return value, name
    magnitude = abs(value)
    if magnitude == 0:                      # no step fits a zero: the unit it was declared in, else the SI step
        steps = dict(ladder)                # ("0 MWh/yr", "0 ms", "0 s"; never the ladder's last, "0 J", "0 us")
        name = declared if declared in steps else next((n for n, f in ladder if f == 1.0), ladder[-1][0])
        return 0.0, name
    for name, factor in ladder:
        if magnitude >= factor * 0.9995:
            return value / factor, name
    name, factor = ladder[-1]
    return value / factor, name


def _declared_factor(declared: str, si_unit: str) -> float:
    """SI value of one `declared` unit, when `declared` is a unit to show (not a count, a ratio, ...)
    that is on no ladder of `si_unit` (`USD/h`, `L/min`, `h`); else 0."""
    declared, _ = _per_year(declared, si_unit)
    if not declared or declared in _PLAIN or declared == si_unit or declared in _BITS:
        return 0.0
    ladder = [name for name, _ in _LADDERS.get(si_unit, [])]
    if declared in ladder and declared not in _KEEP_DECLARED:
        return 0.0
    from dsl.units import UnitError, parse_unit
    try:
        return parse_unit(declared).to_si(1.0)
    except UnitError:
        return 0.0


def format_quantity(value: float, si_unit: str, declared: str = "") -> str:
    """`value` (SI) in readable units: the declared unit of its field when that is on no ladder of the
    SI unit (`USD/h`, `L/min`), else the best step of the ladder the declared unit selects."""
    if declared == "temp" and si_unit == "K":
        return f"{format_number(value - 273.15)} degC"
    base, per = _per_year(declared, si_unit)
    if per:
        return format_quantity(value, si_unit, base) + per
    factor = _declared_factor(declared, si_unit)
    if factor:
        return f"{format_number(value / factor)} {declared}"
    shown, unit = display_unit(value, si_unit, declared)
    text = format_number(shown)
    return f"{text} {unit}" if unit and unit != "1" else text


def format_significant(value: float, digits: int = 3) -> str:
    """`value` to `digits` significant figures, with thousands separators and no exponent."""
    if value == 0 or not math.isfinite(value):
        return format_number(value)
    magnitude = int(math.floor(math.log10(abs(value))))
    if magnitude >= digits:                          # 1,909,731 -> 1,910,000: no more digits than it has
        value = round(value, digits - 1 - magnitude)
    decimals = max(0, digits - 1 - magnitude)
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_money(value: float) -> str:
    """Dollars as the report, `factory plan` and the diagrams print them: at least three significant digits and
    never a dropped zero, so a figure shows its own precision: $2.54M, $2.50M, $533k, $533, $12.35, $2.40, $0.50,
    $0.242, $0.0261, $0.0700. From $1 to $100 to the cent ($2.40, never $2.4: a dollar figure that shows cents shows
    both); below $1 at least the cents and three significant digits (to the cent alone $0.0261 / Mtok read
    $0.03, 15% off), the zeros kept below $0.10 ($0.0700 / Mtok beside $0.107, never $0.07); from $100 three
    significant digits ($533, $533k, $2.50M, $1.00M: the trailing zeros kept).
    Every printed figure is within 0.5% of the value. `inf` and `nan` print as such. The JSON carries the
    unrounded number (results JSON: values are plain floats in USD)."""
    if not math.isfinite(value):
        return format_number(value)
    sign = "-" if value < 0 else ""
    magnitude = abs(value)
    for factor, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if magnitude >= factor * 0.9995:
            return f"{sign}${_three_digits(magnitude / factor)}{suffix}"
    if magnitude == 0:
        return "$0"
    if round(magnitude, 2) >= 100:
        return f"{sign}${_three_digits(magnitude)}"
    if magnitude >= 1 or round(magnitude, 2) >= 1:
        return f"{sign}${magnitude:.2f}"
    decimals = max(2, 2 - int(math.floor(math.log10(magnitude))))
    text = f"{magnitude:.{decimals}f}"
    if round(magnitude, decimals) >= 0.1:              # $0.50, $0.24: to the cent where that is 3 digits' worth
        while text.endswith("0") and len(text.partition(".")[2]) > 2:
            text = text[:-1]
    return f"{sign}${text}"                            # below $0.10 three significant digits: $0.0700, not $0.07


def _three_digits(value: float) -> str:
    """A positive `value` to three significant digits with its trailing zeros (2.50, 31.0, 533, 1,910), thousands
    separated; a value that rounds up to the next decade is written at that decade (999.6 -> 1,000)."""
    magnitude = int(math.floor(math.log10(value)))
    rounded = round(value, 2 - magnitude)
    magnitude = int(math.floor(math.log10(rounded)))
    return f"{rounded:,.{max(0, 2 - magnitude)}f}"


_PLAIN = {"count", "ratio", "text", "bool", "temp"}
_KEEP_DECLARED = {"h"}          # accelerator-hours read in hours, however many there are
