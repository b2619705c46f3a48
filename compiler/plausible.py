"""Plausibility of key inputs: a warning for a value far beyond what published figures span (a unit slip).

Pipeline position: called by `compiler.checks.check_values` once every quantity is computed; reports into the
run's sink. Imports numpy and the diagnostics only.

A value the schema allows (its range) can still be a typo by a factor of 1000: 80 USD/kWh for 0.08, a chip of
700 kW. Each entry of PLAUSIBLE names a field of one kind, the range published figures span (SI, with the source
and its date), and is judged with a tolerance of TOLERANCE on either side: only a value more than ten times below
the lowest published figure or above the highest is an `implausible-value` warning at its span, with the range and
the source, in the scenarios where it is. A warning, never an error: the value is used as written (an unusual
contract can be real); the figures computed from it are as trustworthy as it is.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dsl.diagnostics import Code

TOLERANCE = 10.0          # a value is implausible beyond published_low / 10 or published_high * 10


@dataclass(frozen=True)
class Plausible:
    kind: str
    field: str
    low: float            # the lowest published figure (SI)
    high: float           # the highest published figure (SI)
    shown: str            # the unit the range is written in
    scale: float          # SI value of one `shown` unit
    source: str           # where the published range comes from, with its date


_KWH = 3.6e6
_KW_MONTH = 1e3 * 2628000.0     # one kW for one month (1/12 of 365 days), as compiler.models.assumptions

PLAUSIBLE: tuple[Plausible, ...] = (
    Plausible("site", "electricity_price", 0.0575 / _KWH, 0.4239 / _KWH, "USD/kWh", 1 / _KWH,
              "US state averages 5.75 cents/kWh (New Mexico, industrial) to 42.39 cents/kWh (Hawaii, residential): "
              "EIA Electric Power Annual 2023, average revenue per kWh by state and sector (2024-10-17); EU "
              "non-household prices, 0.094 (Finland) to 0.256 EUR/kWh (Ireland), lie inside: Eurostat, Electricity "
              "price statistics, first half of 2024 (extracted 2024-10)"),
    Plausible("site", "colocation_price", 174.06 / _KW_MONTH, 184.06 / _KW_MONTH, "USD/kW/month", 1 / _KW_MONTH,
              "wholesale colocation asking rent for 250-500 kW in North American primary markets, $174.06 (H1 2024) "
              "and $184.06 per kW-month (H2 2024): CBRE, North America Data Center Trends H1 2024 (2024-08-19) and "
              "H2 2024 (2025-02-26)"),
    Plausible("chip", "tdp", 50.0, 23e3, "W", 1.0,
              "the accelerators of stdlib/chips.factory, each TDP cited there (read 2026): 50 W (GTX 1650 Ti, RTX "
              "2000E Ada) to 23 kW (Cerebras WSE-3, a whole wafer)"),
)


def check_plausible(ev, results, count: int) -> None:
    """An `implausible-value` warning at each field of PLAUSIBLE that the spec sets (constant, swept or computed)
    beyond its tolerance in some scenario: the value, the plausible range and its source. One warning per place
    (the same definition placed again is named in a note)."""
    from .checks import _noted_again, _per_scenario, _scenarios, _span_of, _table_fields
    from .display import format_number

    table = {(p.kind, p.field): p for p in PLAUSIBLE}
    reported: dict = {}
    for node, _, name, entry in _table_fields(results, table):
        values = _per_scenario(np.asarray(results.values.get(node.path, np.nan), dtype=float), count)
        if values is None:
            continue
        lo, hi = entry.low / TOLERANCE, entry.high * TOLERANCE
        bad = np.isfinite(values) & ((values < lo) | (values > hi))
        if not bad.any():
            continue
        span = _span_of(node)
        key = (span, name)
        if _noted_again(reported, key, node.path):
            continue
        shown = float(values[np.flatnonzero(bad)[0]]) / entry.scale
        where = "" if bad.all() else _scenarios(ev, results, np.flatnonzero(bad), count)
        reported[key] = ev.sink.warning(
            Code.IMPLAUSIBLE_VALUE, f"`{node.path}` = {format_number(shown)} {entry.shown} is more than {TOLERANCE:g} "
            f"times beyond the published {format_number(entry.low / entry.scale)}-"
            f"{format_number(entry.high / entry.scale)} {entry.shown}{where}: a unit slip?", span,
            notes=[f"published range: {entry.source}",
                   "the value is used as written; a warning only (an unusual figure can be real)"],
            help=f"check the figure and its unit (`{name} = ... {entry.shown}`)")
