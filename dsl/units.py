"""Physical units and dimensions: parsing unit text, dimension algebra, SI conversion and unit names.

Pipeline position: used by `dsl.check` (static dimension checking) and by the compiler (SI values,
display units). Imports `dsl.resources` only. The unit table is data: stdlib/units.txt.

A dimension is an exponent vector over BASE_DIMENSIONS. A `UnitDef` has a dimension, a factor to SI
and, for temperature points (degC), an offset: si = value * factor + offset.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from .resources import stdlib_dir

BASE_DIMENSIONS = ("length", "mass", "time", "temperature", "current", "information", "currency",
                   "tokens", "compute")
BASE_SYMBOLS = ("m", "kg", "s", "K", "A", "B", "USD", "tok", "FLOP")
Dim = tuple  # tuple[int, ...] of len(BASE_DIMENSIONS)
DIMENSIONLESS: Dim = (0,) * len(BASE_DIMENSIONS)

DECIMAL_LARGE = {"k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18}
DECIMAL_SMALL = {"m": 1e-3, "u": 1e-6, "µ": 1e-6, "n": 1e-9, "p": 1e-12}
BINARY = {"Ki": 2.0**10, "Mi": 2.0**20, "Gi": 2.0**30, "Ti": 2.0**40, "Pi": 2.0**50, "Ei": 2.0**60}
PREFIX_SETS = {
    "decimal": {**DECIMAL_LARGE, **DECIMAL_SMALL},
    "large": DECIMAL_LARGE,
    "binary": BINARY,
    "bytes": {**DECIMAL_LARGE, **BINARY},
    "none": {},
}


class UnitError(ValueError):
    """Unit text that cannot be understood; `.atom` is the offending part and `.suggestion` a close match."""

    def __init__(self, message: str, atom: str = "", suggestion: str | None = None, suggest=None):
        super().__init__(message)
        self.atom = atom
        self._suggestion = suggestion
        self._suggest = suggest   # computes the suggestion when first asked for (it compares many names)

    @property
    def suggestion(self) -> str | None:
        if self._suggest is not None:
            self._suggestion, self._suggest = self._suggest(), None
        return self._suggestion


@dataclass(frozen=True)
class UnitDef:
    name: str
    dim: Dim
    factor: float
    offset: float = 0.0       # non-zero only for temperature points
    point: bool = False       # a temperature point (degC, degF)
    prefixes: str = "none"
    description: str = ""


def dim_mul(a: Dim, b: Dim) -> Dim:
    return tuple(x + y for x, y in zip(a, b))


def dim_div(a: Dim, b: Dim) -> Dim:
    return tuple(x - y for x, y in zip(a, b))


def dim_pow(a: Dim, k: int) -> Dim:
    return tuple(x * k for x in a)


# ----------------------------------------------------------------------------- the table

class UnitTable:
    def __init__(self, text: str):
        self.units: dict[str, UnitDef] = {}
        self._all_names: list[str] | None = None
        self._spelt: dict[str, str] | None = None
        self.dim_names: dict[Dim, str] = {}
        self.dim_units: dict[Dim, str] = {}
        for number, raw in enumerate(text.splitlines(), 1):
            line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("%") else raw.strip()
            if not line:
                continue
            if line.startswith("dimension "):
                name, expr = line[len("dimension "):].split("=", 1)
                dim, _factor = self._expr_si(expr.strip())
                self.dim_names.setdefault(dim, name.strip())
                self.dim_units.setdefault(dim, expr.strip())
                continue
            name, rest = line.split("=", 1)
            definition, prefixes, description = (part.strip() for part in rest.split("|", 2))
            name = name.strip()
            self.units[name] = self._define(name, definition, prefixes, description, number)

    def _define(self, name: str, definition: str, prefixes: str, description: str, number: int) -> UnitDef:
        if definition.startswith("["):
            base = definition.strip("[]")
            dim = tuple(1 if b == base else 0 for b in BASE_DIMENSIONS)
            if base not in BASE_DIMENSIONS:
                raise ValueError(f"units.txt:{number}: unknown base dimension {base}")
            return UnitDef(name, dim, 1.0, prefixes=prefixes, description=description)
        if definition.startswith("point "):
            parts = definition.split()
            if len(parts) == 3:
                _, unit, offset = parts
                scale = 1.0
            else:
                _, scale_text, unit, offset = parts
                scale = float(scale_text)
            dim, factor = self._expr_si(unit)
            return UnitDef(name, dim, scale * factor, float(offset), True, prefixes, description)
        head, _, unit_expr = definition.partition(" ")
        try:
            scale = float(head)
        except ValueError:
            scale, unit_expr = 1.0, definition
        dim, factor = self._expr_si(unit_expr.strip() or "1")
        return UnitDef(name, dim, scale * factor, prefixes=prefixes, description=description)

    def _expr_si(self, text: str) -> tuple[Dim, float]:
        parsed = parse_unit_with(self, text)
        return parsed.dim, parsed.factor

    # lookup ----------------------------------------------------------------------------
    def atom(self, text: str) -> UnitDef:
        if text in self.units:
            return self.units[text]
        for size in (2, 1):
            prefix, rest = text[:size], text[size:]
            unit = self.units.get(rest)
            if unit and rest:
                table = PREFIX_SETS[unit.prefixes]
                if prefix in table and not unit.point:
                    return UnitDef(text, unit.dim, table[prefix] * unit.factor, prefixes="none",
                                   description=f"{prefix}-{unit.name}")
        raise UnitError(f"unknown unit `{text}`", text, suggest=lambda: self.suggest(text))

    def all_names(self) -> list[str]:
        if self._all_names is None:
            names = set(self.units)
            for unit in self.units.values():
                for prefix in PREFIX_SETS[unit.prefixes]:
                    if prefix != "µ":
                        names.add(prefix + unit.name)
            self._all_names = sorted(names)
        return self._all_names

    def suggest(self, text: str) -> str | None:
        from .diagnostics import suggest  # local: diagnostics imports nothing of units
        # Common spellings of other tools first.
        aliases = {"C": "degC", "°C": "degC", "celsius": "degC", "F": "degF", "kwh": "kWh", "KW": "kW",
                   "Kw": "kW", "mw": "MW", "gbps": "Gb/s", "Gbit/s": "Gb/s", "bit": "b", "sec": "s",
                   "hr": "h", "hrs": "h", "hours": "h", "year": "yr", "years": "yr", "y": "yr",
                   "days": "day", "mins": "min", "$": "USD", "dollars": "USD", "token": "tok",
                   "flops": "FLOP/s", "TFlops": "TFLOP/s", "liters": "L", "l": "L", "lpm": "L/min"}
        if text in aliases:
            return aliases[text]
        if text.endswith("Bps") and text[:-3] + "B" in self.all_names():
            return text[:-3] + "B/s"      # `GBps` is bytes per second; the closest name, `Gbps`, is 8x less
        spelt = self.spelt_out().get(text.lower())
        if spelt is not None:
            return spelt
        return suggest(text, self.all_names(), cutoff=0.7)

    def spelt_out(self) -> dict[str, str]:
        """A unit written in words (`kilowatts`, `gigabytes`, `milliseconds`) -> its symbol: each unit's name as the
        table describes it (its description's first words: watt, watt-hour, byte, metre), with its US spelling
        (meter, liter) and plural, after each word prefix the unit takes (kilo, mega, milli, gibi, ...)."""
        if self._spelt is None:
            prefix_words = {"k": "kilo", "M": "mega", "G": "giga", "T": "tera", "P": "peta", "E": "exa",
                            "m": "milli", "u": "micro", "n": "nano", "p": "pico", "Ki": "kibi", "Mi": "mebi",
                            "Gi": "gibi", "Ti": "tebi", "Pi": "pebi", "Ei": "exbi"}
            words: dict[str, str] = {}
            for unit in self.units.values():
                m = re.match(r"[a-z]+(?:-[a-z]+)?", unit.description or "")
                if m is None or m.group(0) in ("one", "same", "degree", "floating-point", "rack", "refrigeration"):
                    continue                  # (a description that does not begin with the unit's name)
                names = {m.group(0), m.group(0).replace("metre", "meter").replace("litre", "liter")}
                for prefix, word in [("", "")] + [(p, prefix_words[p]) for p in PREFIX_SETS[unit.prefixes]
                                                  if p in prefix_words]:
                    for name in names:
                        for spelt in (word + name, word + name + "s", (word + name).replace("-", "")):
                            words.setdefault(spelt, prefix + unit.name)
            self._spelt = words
        return self._spelt


@dataclass(frozen=True)
class ParsedUnit:
    text: str
    dim: Dim
    factor: float
    offset: float = 0.0
    point: bool = False

    def to_si(self, value: float) -> float:
        return value * self.factor + self.offset


MAX_UNIT_POWER = 12          # `m^3`, `s^-2`: a power beyond 12 is a typo, and `kW^400` overflows a float64
_TINY, _HUGE = 1e-200, 1e200  # one of a unit in SI units: beyond these a value and its unit leave float64's range

_ATOM = re.compile(r"([^*/^]+)(?:\^(-?[0-9]+))?")


def parse_unit_with(table: UnitTable, text: str) -> ParsedUnit:
    """Parse `TB/s`, `USD/kWh`, `m^3/s`, `kg*m^2/s^2` (left to right, like pint)."""
    if text == "1":
        return ParsedUnit(text, DIMENSIONLESS, 1.0)
    parts = re.split(r"([*/])", text)
    dim, factor, sign = DIMENSIONLESS, 1.0, 1
    atoms = 0
    point: UnitDef | None = None
    for part in parts:
        if part in ("*", "/"):
            sign = 1 if part == "*" else -1
            continue
        match = _ATOM.fullmatch(part)
        if not match:
            raise UnitError(f"cannot read unit `{text}`", part)
        name, power = match.group(1), int(match.group(2) or 1)
        if abs(power) > MAX_UNIT_POWER:
            raise UnitError(f"the power `^{match.group(2)}` in `{text}` is out of range: a unit's powers go from "
                            f"-{MAX_UNIT_POWER} to {MAX_UNIT_POWER}", part)
        if name == "1":
            unit = UnitDef("1", DIMENSIONLESS, 1.0)
        else:
            unit = table.atom(name)
        atoms += 1
        if unit.point:
            point = unit
        dim = dim_mul(dim, dim_pow(unit.dim, sign * power))
        try:
            factor *= unit.factor ** (sign * power)
        except OverflowError:
            factor = math.inf
    if not (math.isfinite(factor) and factor > 0) or not (_TINY <= factor <= _HUGE):
        raise UnitError(f"`{text}` is {'too large' if factor > 1 else 'too small'} a unit to compute with: one of it "
                        f"is {factor:.3g} in SI units", text)
    if point is not None:
        if atoms != 1 or parts[0] != point.name:
            raise UnitError(f"a temperature point (`{point.name}`) cannot be combined with other units; "
                            f"use K for differences, as in `W/K`", point.name, "K")
        return ParsedUnit(text, point.dim, point.factor, point.offset, True)
    return ParsedUnit(text, dim, factor)


@lru_cache(maxsize=1)
def table() -> UnitTable:
    return UnitTable((stdlib_dir() / "units.txt").read_text(encoding="utf-8"))


@lru_cache(maxsize=4096)
def parse_unit(text: str) -> ParsedUnit:
    return parse_unit_with(table(), text)


# ----------------------------------------------------------------------------- naming

@lru_cache(maxsize=4096)
def si_unit(dim: Dim) -> str:
    """The SI unit string of a dimension, as in results JSON: W, J, B/s, FLOP/s, USD/J, ... (memoized:
    lowering asks it for every output of every instance)."""
    named = _named_si().get(dim)
    if named:
        return named
    num, den = [], []
    for symbol, exp in zip(BASE_SYMBOLS, dim):
        if exp:
            text = symbol if abs(exp) == 1 else f"{symbol}^{abs(exp)}"
            (num if exp > 0 else den).append(text)
    top = "*".join(num) or "1"
    return top + ("/" + "/".join(den) if den else "")


@lru_cache(maxsize=1)
def _named_si() -> dict[Dim, str]:
    out: dict[Dim, str] = {DIMENSIONLESS: "1"}
    for expr in ("W", "J", "Pa", "V", "W/K", "J/tok", "tok/J", "USD/J", "USD/W", "J/kg/K", "USD/FLOP"):
        parsed = parse_unit(expr)
        out[parsed.dim] = expr
    return out


def dimension_name(dim: Dim) -> str:
    """Words for a dimension ("power", "data rate"), or its SI unit when it has no common name."""
    name = table().dim_names.get(dim)
    return name if name else f"a quantity in {si_unit(dim)}"
