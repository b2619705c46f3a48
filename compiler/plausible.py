"""Plausibility of key inputs: a warning for a value far beyond what published figures span (a unit slip).

Pipeline position: called by `compiler.checks.check_values` once every quantity is computed; reports into the
run's sink. Imports numpy and the diagnostics only.

A value the schema allows (its range) can still be a typo by a factor of 1000: 80 USD/kWh for 0.08, a chip of
700 kW. Each entry of PLAUSIBLE names a field of one kind, the range published figures span (SI, with the source
and its date), and is judged with a tolerance of TOLERANCE on either side: only a value more than ten times below
the lowest published figure or above the highest is an `implausible-value` warning at its span, with the range and
the source, in the scenarios where it is. An entry may judge closer (`tolerance` 1: beyond the published range
itself, where a figure has a physical scale of its own: a PUE of 5, an outdoor design temperature hotter than ever
recorded) or judge an efficiency by its loss (`loss`: 0.5 for 0.95 is a loss of 100% against a published 5%). A zero is not judged: no unit slip makes a figure exactly 0, and a zero
is a choice (free water, a part whose price is in its system's). A warning, never an error: the value is used as
written (an unusual contract can be real); the figures computed from it are as trustworthy as it is.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from dsl.diagnostics import Code

TOLERANCE = 10.0          # a value is implausible beyond published_low / 10 or published_high * 10


@dataclass(frozen=True)
class Plausible:
    kind: str
    field: str
    low: float            # the lowest published figure (SI; of the loss 1/eta - 1 where `loss`)
    high: float           # the highest published figure (SI; likewise)
    shown: str            # the unit the range is written in
    scale: float          # SI value of one `shown` unit
    source: str           # where the published range comes from, with its date
    tolerance: float = TOLERANCE    # judged beyond low / tolerance and high * tolerance (1: beyond the range itself)
    offset: float = 0.0   # SI value of the `shown` unit's zero (degC: 273.15 K)
    loss: bool = False    # an efficiency eta, judged by its loss per watt delivered, 1/eta - 1 (0.99: 1.01%)

    def judged(self, values):
        """The figure judged: the value, or its loss 1/eta - 1 (eta > 0 by the efficiency type's range)."""
        if not self.loss:
            return values
        return 1.0 / np.where(values > 0, values, np.nan) - 1.0

    def beyond(self) -> str:
        """How far beyond the published range a value must lie to be judged implausible, in words."""
        return "outside" if self.tolerance == 1 else f"more than {self.tolerance:g} times beyond"


_KWH = 3.6e6
_KW_MONTH = 1e3 * 2628000.0     # one kW for one month (1/12 of 365 days), as compiler.models.assumptions
_YEAR = 365 * 86400.0           # as the unit `yr`
_GBIT_S = 1e9 / 8               # one Gb/s in SI (bytes per second)

# The stdlib's figures (each cited beside it in stdlib/*.factory) are a published range where the stdlib spans a
# field's market. (kind, field) is unique. Not judged, for want of a published range: totals that scale with the
# plan (land_price, staff_cost, feeds, areas); prices the stdlib only estimates [U] (servers, racks, switches,
# optics, power and cooling gear); a CPU's figures (one class in the stdlib); a switch's port_speed (the stdlib's
# NVLink trays write aggregates). Fractions and efficiencies need no entry for a percent written as a number (85
# for 0.85): their type's range (0..1) refuses it; an efficiency's entry judges its loss (9.6 % for 96 %). A `pue`
# set on a site or hall is judged (its range, dsl/schema.py NAMED_RANGES, refuses above 10); computed it is not.
_STDLIB_CHIPS = "the accelerators of stdlib/chips.factory and stdlib/systems.factory, each figure cited there (read 2026)"

_ACCELERATOR_HOUR = ("rented accelerator-hours on AWS: $0.968 (one Trainium chip in an EC2 Capacity Block, rates in force "
                     "until 2025-01-01: aws.amazon.com/ec2/capacityblocks/pricing) to $12.29 (one H100 of a p5.48xlarge "
                     "on demand, $98.32 an hour for 8: The Next Platform, 2023-07-27); DeepSeek-V3's $2 per H800 "
                     "GPU-hour (arXiv 2412.19437, 2024-12) lies inside")

_LINK_RATE = ("Ethernet and InfiniBand link rates: 10 Gb/s (IEEE Std 802.3ae-2002, 10 Gb/s Ethernet, 2002) to 1.6 Tb/s "
              "(ConnectX-9 SuperNIC, GTC DC 2025-10, and 1.6T OSFP modules of stdlib/network.factory, each cited there, "
              "read 2026)")

_PUE = ("PUE = facility energy / IT energy: 1.0, the definition's ideal (The Green Grid, \"Green Grid Metrics: "
        "Describing Datacenter Power Efficiency\", 2007; ISO/IEC 30134-2:2016), to 3.0 (\"many data centers may have "
        "a PUE of 3.0 or greater\", The Green Grid, 2007); the Uptime Institute Global Data Center Survey's industry "
        "average, ~2.5 in 2007 and 1.56 in 2024, lies inside. Above 10 it is refused (dsl/schema.py NAMED_RANGES)")
# The power gear of stdlib/facility.factory, each efficiency cited there (read 2026): 0.96 (a double-conversion UPS at
# 40-80% load, Eaton 93PM and Schneider Galaxy VX curves) to 0.999 (LV switchgear); DOE 10 CFR 431.196's 2,500 kVA
# liquid-immersed transformer, 99.53% at 50% load, lies inside. Judged by the loss (`loss`): 9.6 % for 96 %, or
# 0.5 for a transformer, is a loss far beyond any published one.
_POWER_GEAR_LOSS = 1 / 0.999 - 1, 1 / 0.96 - 1
_POWER_GEAR_SOURCE = ("the power gear of stdlib/facility.factory, each efficiency cited there (read 2026): 0.96 (a "
                      "double-conversion UPS at 40-80% load, Eaton 93PM and Schneider Galaxy VX curves) to 0.999 (LV "
                      "switchgear), losses 0.1-4.2% of what it delivers; DOE 10 CFR 431.196's 2,500 kVA "
                      "liquid-immersed transformer, 99.53% at 50% load, lies inside")
_KWH_HEAT_L = 1e-3 / _KWH       # one litre of water per kWh of heat rejected, in m^3/J

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
    Plausible("site", "shell_cost", 9.3 * 0.41, 15.0 * 0.41, "USD/W", 1.0,
              "US construction cost $9.3-15.0 per W of critical load over 19 markets, of which shell 21%, white "
              "space 10% and site work 10% (41%): Cushman & Wakefield, Data Center Development Cost Guide 2025, "
              "pp. 6-9 (2025), as stdlib/facility.factory"),
    Plausible("site", "plant_cost", 9.3 * 0.53, 15.0 * 0.53, "USD/W", 1.0,
              "US construction cost $9.3-15.0 per W of critical load over 19 markets, of which critical electrical "
              "and mechanical capacity 53%: Cushman & Wakefield, Data Center Development Cost Guide 2025, pp. 6-9 "
              "(2025), as stdlib/facility.factory"),
    Plausible("site", "water_price", 0.05, 3.14, "USD/m^3", 1.0,
              "water tariffs of GWI's 2011 Water Tariff Survey (308 cities), lowest $0.05/m^3 (India) and highest "
              "$3.14/m^3 (USA) in its three largest countries: D. Zetland, aguanomics.com (2011-10-04); the mean "
              "combined water and wastewater tariff of 568 cities, $2.16/m^3 in 2019, lies inside: IWA H2Open "
              "Journal, Drivers of change in urban water and wastewater tariffs (2020)"),
    Plausible("finance", "depreciation_it", 2 * _YEAR, 6 * _YEAR, "yr", _YEAR,
              "useful lives of servers and network gear in 10-K and 10-Q filings: 2 years (Microsoft network "
              "equipment before July 2020: Microsoft 10-Q, 2020-10-27) to 6 years (Microsoft from fiscal 2023: "
              "10-K, 2022-07-28; Alphabet from 2023: 10-K, 2023-02-03)"),
    Plausible("finance", "depreciation_facility", 15 * _YEAR, 39 * _YEAR, "yr", _YEAR,
              "US tax recovery periods (MACRS, IRC section 168(e)) of a building and its improvements: 15 years "
              "(15-year property, qualified improvement property) to 39 years (nonresidential real property): IRS "
              "Publication 946, How to Depreciate Property, and IRS TCJA depreciation course 73083a (2019-05)"),
    Plausible("finance", "discount_rate", 0.051 / _YEAR, 0.074 / _YEAR, "%/yr", 0.01 / _YEAR,
              "weighted average cost of capital of Digital Realty, a data-centre REIT: 5.1-7.4% per year "
              "(valueinvesting.io, DLR WACC, read 2026)"),
    Plausible("training", "accelerator_cost", 0.968 / 3600, 98.32 / 8 / 3600, "USD/h", 1 / 3600,
              _ACCELERATOR_HOUR),
    Plausible("inference", "accelerator_cost", 0.968 / 3600, 98.32 / 8 / 3600, "USD/h", 1 / 3600,
              _ACCELERATOR_HOUR),
    # s25-hunt: a latency limit typed without its unit's scale (`--tpot 40` for 40 ms reads 40 s, `ttft_limit =
    # 2000 s` for 2,000 ms) held the service to a limit a thousand times looser than meant, without a word
    Plausible("inference", "ttft_limit", 0.45, 20.0, "s", 1.0,
              "MLPerf Inference latency constraints (as compiler/validate.py SERVING records them): a TTFT p99 of "
              "0.45 s (Llama 2 70B Interactive, v4.1, 2024-08) to 20 s (GPT-J Server's whole-query limit, v4.1); "
              "the 2 s (Llama 2 70B Server) and 6 s (Llama 3.1 405B Server, v5.0, 2025-04) limits lie inside"),
    Plausible("inference", "tpot_limit", 1 / 1800, 0.2, "ms", 1e-3,
              "per-user decode speeds and limits: 1,800 tokens/s, 0.56 ms a token (Cerebras CS-3, Llama 3.1 8B: "
              "cerebras.ai blog \"Introducing Cerebras Inference\", 2024-08-27) to MLPerf Inference's loosest TPOT "
              "p99 limit, 200 ms (Llama 2 70B Server, v4.1, 2024-08); its tightest, 15 ms (DeepSeek-R1 and "
              "gpt-oss-120b Interactive, as compiler/validate.py SERVING records them), lies inside"),
    Plausible("rack", "power_limit", 2e3, 600e3, "kW", 1e3,
              "rack densities: 2-5 kW for many years and 12 kW on average in 2024 (AFCOM, State of the Data Center "
              "report 2024, via blog.enconnex.com, read 2026) to 600 kW (NVIDIA's Kyber rack for Rubin Ultra NVL576, "
              "GTC 2025: tomshardware.com, 2025-03-20)"),
    Plausible("server", "max_power", 2447.0, 23e3, "kW", 1e3,
              "the servers of stdlib/systems.factory, each figure cited or derived there (read 2026): 2.45 kW "
              "(a four-chip TPU v5p host, derived from its chips' power) to 23 kW (Cerebras CS-3, 2024); the DGX "
              "H100's 10.2 kW and the DGX B200's 14.3 kW (NVIDIA user guides, 2023-2025) lie inside"),
    Plausible("chip", "tdp", 50.0, 23e3, "W", 1.0,
              "the accelerators of stdlib/chips.factory, each TDP cited there (read 2026): 50 W (GTX 1650 Ti, RTX "
              "2000E Ada) to 23 kW (Cerebras WSE-3, a whole wafer)"),
    Plausible("inference", "power_cap", 50.0, 23e3, "W", 1.0,
              "a power limit per accelerator, within the TDPs of stdlib/chips.factory, each cited there (read 2026): "
              "50 W (GTX 1650 Ti, RTX 2000E Ada) to 23 kW (Cerebras WSE-3, a whole wafer)"),
    Plausible("chip", "price", 349.0, 35000.0, "USD", 1.0,
              f"{_STDLIB_CHIPS}: $349 (Intel Arc Pro B50, 2025-09) to $35,000 (B200, 2024-10)"),
    Plausible("chip", "memory", 230e6, 288e9, "GB", 1e9,
              f"{_STDLIB_CHIPS}: 0.23 GB of SRAM (Groq LPU) to 288 GB of HBM (GB300, Rubin)"),
    Plausible("chip", "memory_bw", 192e9, 21e15, "TB/s", 1e12,
              f"{_STDLIB_CHIPS}: 0.192 TB/s (GTX 1650 Ti) to 21,000 TB/s (Cerebras WSE-3's on-wafer SRAM)"),
    Plausible("chip", "scaleup_bw", 32e9, 3.6e12, "TB/s", 1e12,
              f"{_STDLIB_CHIPS}: 0.032 TB/s (PCIe 3.0 x16 of a GTX 1650 Ti, both ways) to 3.6 TB/s (Rubin's NVLink 6)"),
    Plausible("chip", "bf16", 6.083e12, 2.517e15, "TFLOP/s", 1e12,
              f"{_STDLIB_CHIPS}, dense: 6.08 TFLOP/s (GTX 1650 Ti) to 2,517 TFLOP/s (MI355X)"),
    Plausible("chip", "fp8", 95.95e12, 5.033e15, "TFLOP/s", 1e12,
              f"{_STDLIB_CHIPS}, dense: 96 TFLOP/s (RTX 2000E Ada) to 5,033 TFLOP/s (MI355X)"),
    Plausible("chip", "fp4", 500e12, 35e15, "TFLOP/s", 1e12,
              f"{_STDLIB_CHIPS}, dense: 500 TFLOP/s (GB10) to 35,000 TFLOP/s (Rubin)"),
    Plausible("chip", "int8", 85e12, 1.836e15, "TFLOP/s", 1e12,
              f"{_STDLIB_CHIPS}, dense: 85 TOP/s (Jetson AGX Orin 64GB) to 1,836 TOP/s (TPU v6e)"),
    Plausible("nic", "bandwidth", 10 * _GBIT_S, 1600 * _GBIT_S, "Gb/s", _GBIT_S, _LINK_RATE),
    Plausible("transceiver", "speed", 10 * _GBIT_S, 1600 * _GBIT_S, "Gb/s", _GBIT_S, _LINK_RATE),
)

_RECORDED = ("the air temperatures ever recorded on Earth: -89.2 degC (Vostok, Antarctica, 1983-07-21) to 56.7 degC "
             "(Furnace Creek, Death Valley, 1913-07-10), WMO Archive of Weather and Climate Extremes (read 2026)")
_WATER_CLASSES = ("ASHRAE TC 9.9's facility-water classes for liquid-cooled IT: W1-W4 supply water 2-17, 2-27, 2-32 and "
                  "2-45 degC, W5 above 45 degC for heat reuse (\"2011 Thermal Guidelines for Liquid Cooled Data "
                  "Processing Environments\", ASHRAE TC 9.9 whitepaper, 2011; renamed W17, W27, W32, W40, W45 and W+ in "
                  "\"Thermal Guidelines for Data Processing Environments\", 5th ed., 2021; read 2026-12-06 via "
                  "tr.scribd.com/document/341671353 and mechanical-hub.com \"Liquid Cooling Guidelines for Datacom\"); "
                  "a W+ design above 45 degC is real but rare: a warning, 104 degC for 104 degF a slip")
_AIR_CLASSES = ("ASHRAE TC 9.9's allowable IT inlet air classes: A1 15-32, A2 10-35, A3 5-40, A4 5-45 degC, 18-27 degC "
                "recommended for all (\"Thermal Guidelines for Data Processing Environments\", 5th ed., 2021, and the "
                "2011 whitepaper that added A3/A4; summarized at open-exam-prep.com, EXIN CDCP guide 5.1, read "
                "2026-12-06); 75 degC for 75 degF a slip")

# s20-power: the facility figures a site, hall or its gear sets (a slip of a percent, a unit or a decimal point),
# judged closer than a tenfold unit slip or by an efficiency's loss (tests/test_facility_ranges20.py); PLAUSIBLE's
# entries keep the plain tenfold contract (tests/test_plausible.py).
PLAUSIBLE_FACILITY: tuple[Plausible, ...] = (
    Plausible("site", "pue", 1.0, 3.0, "", 1.0, _PUE, tolerance=1.0),
    Plausible("hall", "pue", 1.0, 3.0, "", 1.0, _PUE, tolerance=1.0),
    *(Plausible(kind, "efficiency", *_POWER_GEAR_LOSS, "%", 0.01, _POWER_GEAR_SOURCE, loss=True)
      for kind in ("transformer", "switchgear", "ups", "rectifier", "pdu", "busway", "power_shelf")),
    Plausible("server", "psu_efficiency", 1 / 0.96 - 1, 1 / 0.80 - 1, "%", 0.01,
              "80 PLUS power-supply levels: 80% (80 PLUS, at 20, 50 and 100% load, 115 V internal) to 96% (80 PLUS "
              "Titanium at 50% load, 230 V EU internal), losses 4.2-25% of what it delivers (CLEAResult, 80 PLUS "
              "program, read 2026; the DGX H100's Titanium-class PSUs, compiler assumption psu_efficiency)", loss=True),
    Plausible("server", "overhead_fraction", 0.10, 0.25, "", 1.0,
              "fans, memory, drives and board as a share of a server's chips' and NICs' peak power: 0.10 (liquid "
              "cooled) to 0.25 (air cooled; the DGX H100's nameplate less its chips and NICs), compiler assumptions "
              "overhead_fraction_liquid and overhead_fraction_air (read 2026); 25 for 25% is a slip"),
    Plausible("chiller", "cop", 10.1 / 3.412, 3.517 / 0.56, "", 1.0,
              "full-load chiller COPs at AHRI 550/590 conditions, the stdlib's (stdlib/facility.factory, each cited "
              "there, read 2026): 2.96 (ASHRAE 90.1 minimum for air-cooled chillers, EER 10.1) to 6.28 (ASHRAE 90.1 "
              "full-load limit of 0.56 kW/ton for large water-cooled centrifugals); above the Carnot COP at the "
              "rating condition, 12.28, it is refused (dsl/schema.py NAMED_RANGES)", tolerance=2.0),
    Plausible("cooling_tower", "water_use", 1.2 * _KWH_HEAT_L, 2.96 * _KWH_HEAT_L, "L/kWh", _KWH_HEAT_L,
              "water a cooling tower uses per kWh of heat rejected [D]: 3.6 MJ / 2.43 MJ/kg (water's latent heat at "
              "~30 degC) = 1.48 L/kWh with all the heat leaving as vapour, ~1.2 L/kWh at the ~80% evaporative share "
              "of stdlib Tower (stdlib/facility.factory, read 2026), to 2.96 L/kWh with blowdown at 2 cycles of "
              "concentration (x c / (c - 1)); the stdlib tower's 1.6 L/kWh (4 cycles) lies inside"),
    *(Plausible("site", field, 273.15 - 89.2, 273.15 + 56.7, "degC", 1.0, _RECORDED + what, tolerance=1.0,
                offset=273.15) for field, what in (
        ("ambient_temp", "; a design dry bulb beyond them is a slip (95 degC for 95 degF)"),
        ("mean_ambient_temp", "; an annual mean lies within them (s21-power)"),
        ("wet_bulb_temp", "; a wet bulb is never above the dry bulb (s21-power)"))),
    # s21-power: the cooling loops' supply temperatures, by ASHRAE TC 9.9's classes
    *(Plausible(kind, "supply_temp", 273.15 + 2.0, 273.15 + 45.0, "degC", 1.0, _WATER_CLASSES, tolerance=1.0,
                offset=273.15) for kind in ("site", "hall")),
    *(Plausible(kind, "air_supply_temp", 273.15 + 5.0, 273.15 + 45.0, "degC", 1.0, _AIR_CLASSES, tolerance=1.0,
                offset=273.15) for kind in ("site", "hall")),
)


JUDGED = PLAUSIBLE + PLAUSIBLE_FACILITY       # every entry check_plausible judges; (kind, field) unique


def check_plausible(ev, results, count: int, found: list | None = None) -> None:
    """An `implausible-value` warning at each field of PLAUSIBLE that the spec sets (constant, swept or computed)
    beyond its tolerance in some scenario: the value, the plausible range and its source. One warning per place
    (the same definition placed again is named in a note). `found`: the walk `checks._fields_of` reads."""
    from .checks import _CopyField, _fields_of, _noted_again, _per_scenario, _scalar, _scenarios, _span_of
    from .display import format_number

    table = {(p.kind, p.field): p for p in JUDGED}
    reported: dict = {}
    found_at: set[int] = set()          # the items (not copies) that gave a finding
    for node, _, name, entry in _fields_of(results, table, found, found_at):
        if type(node) is _CopyField and id(node.first) not in found_at and node.same_as_first(results.values, None):
            continue                    # a shared copy with its first's value, which gave nothing
        value = results.values.get(node.path)
        lo, hi = entry.low / entry.tolerance, entry.high * entry.tolerance
        if _scalar(value) and not entry.loss:   # one figure (most): judged without array arithmetic
            v = float(value.flat[0])
            if not math.isfinite(v) or v == 0 or lo <= v <= hi:
                continue
        values = _per_scenario(np.asarray(np.nan if value is None else value, dtype=float), count)
        if values is None:
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            judged = entry.judged(values)
        bad = np.isfinite(judged) & (judged != 0) & ((judged < lo) | (judged > hi))
        if not bad.any():
            continue
        found_at.add(id(node))
        span = _span_of(node)
        key = (span, name)
        if _noted_again(reported, key, node.path):
            reported[key].quantities.append(node.path)      # the figures computed from it are flagged too
            held = reported[key].scenarios                  # and where: the scenarios of every placement
            reported[key].scenarios = None if held is None or bad.all() else sorted({*held, *map(int, np.flatnonzero(bad))})
            continue
        first = int(np.flatnonzero(bad)[0])
        where = "" if bad.all() else _scenarios(ev, results, np.flatnonzero(bad), count)
        if entry.loss:                  # an efficiency: its value, and its loss against the published losses
            what = (f"`{node.path}` = {format_number(float(values[first]))}, a loss of "
                    f"{format_number(float(judged[first]) * 100)}% of what it delivers,")
            unit = "% lost"
        else:
            what = (f"`{node.path}` = {format_number((float(values[first]) - entry.offset) / entry.scale)}"
                    f"{' ' + entry.shown if entry.shown else ''}")
            unit = entry.shown
        reported[key] = ev.sink.warning(
            Code.IMPLAUSIBLE_VALUE, f"{what} is {entry.beyond()} the published "
            f"{format_number((entry.low - entry.offset) / entry.scale)}{' to ' if entry.low < entry.offset else '-'}"
            f"{format_number((entry.high - entry.offset) / entry.scale)}{' ' + unit if unit else ''}{where}: "
            f"{'a unit slip' if entry.shown else 'a slip'}?", span,
            notes=[f"published range: {entry.source}",
                   "the value is used as written; a warning only (an unusual figure can be real)"],
            help=f"check the figure and its unit (`{name} = ...{' ' + entry.shown if entry.shown and not entry.loss else ''}`)",
            quantities=[node.path],
            scenarios=None if bad.all() else [int(i) for i in np.flatnonzero(bad)])


# The world's electricity generation in 2023, 29,925 TWh ("Demand for electricity around the world grew 2.5% in 2023
# to reach a record level of 29,925 terawatt-hours": Energy Institute, Statistical Review of World Energy 2024,
# 2024-06-20, via industrialinfo.com 2024-06-28; Ember's Global Electricity Review 2024 counts 29,471 TWh), as an
# average power over the year's 8,760 hours: 3.42 TW. A site drawing more on average than every power plant on Earth
# generates is no plan any grid can supply: a count slip (halls `x 1000000000`) or a unit slip is likely.
WORLD_GENERATION_AVG = 29925e12 / 8760          # W


def _figures_over(results, count: int, kind: str, wanted, limit: float):
    """(instance, its values per scenario, the scenarios over `limit`) of each model figure of a `kind` block that
    `wanted(instance, name)` picks and that exceeds `limit` in some scenario, in path order: what
    check_world_supply and check_training_time warn of."""
    from .checks import _per_scenario

    for path in sorted(results.values):
        node = results.graph.nodes.get(path)
        inst = node.instance if node is not None else None
        if inst is None or inst.kind != kind or node.kind != "model" or not wanted(inst, path[len(inst.path) + 1:]):
            continue
        values = _per_scenario(np.asarray(results.values[path], dtype=float), count)
        bad = np.isfinite(values) & (values > limit) if values is not None else None
        if bad is not None and bad.any():
            yield inst, values, bad


def check_world_supply(ev, results, count: int) -> None:
    """An `implausible-value` warning at each site whose average facility power (`facility_power_avg`, else its
    peak `facility_power`) exceeds WORLD_GENERATION_AVG in some scenario, naming both; its figures are used as
    computed (a warning, as the input ranges above)."""
    from .checks import _scenarios
    from .display import format_quantity

    def drawn(inst, name: str) -> bool:     # its average draw, else its peak where it has no average
        return name == "facility_power_avg" or (name == "facility_power"
                                                and f"{inst.path}.facility_power_avg" not in results.values)
    for inst, values, bad in _figures_over(results, count, "site", drawn, WORLD_GENERATION_AVG):
        shown = float(values[np.flatnonzero(bad)[0]])
        where = "" if bad.all() else _scenarios(ev, results, np.flatnonzero(bad), count)
        flagged = [q for q in (f"{inst.path}.facility_power_avg", f"{inst.path}.facility_power",
                               f"{inst.path}.energy_year") if q in results.values]
        ev.sink.warning(
            Code.IMPLAUSIBLE_VALUE, f"site `{inst.path}` draws {format_quantity(shown, 'W')} on average{where}, more "
            f"than the whole world's electricity generation ({format_quantity(WORLD_GENERATION_AVG, 'W')} on "
            f"average): no grid can supply it", inst.block.name_span,
            notes=["the world generated 29,925 TWh of electricity in 2023 (Energy Institute, Statistical Review of "
                   "World Energy 2024): 3.42 TW over the year's 8,760 hours",
                   "the figures are used as computed; a warning only"],
            help="check the counts (`x ...`) and units of the halls, racks and servers placed", quantities=flagged,
            scenarios=None if bad.all() else [int(i) for i in np.flatnonzero(bad)])


# A training run that would take longer than a decade is no plan: the servers it runs on are written off in 2 to 6
# years (the useful lives published in 10-K filings, depreciation_it's range above) and retired before it ends, and
# published pre-training runs take weeks to months (DeepSeek-V3, 14.8T tokens on 2,048 H800: "less than two months",
# arXiv 2412.19437, 2024-12). A token count slip (`1e18 tok` for `1e13 tok`) or too few accelerators is likely.
TRAINING_TIME_LIMIT = 10 * _YEAR            # s
_TRAINING_FLAGGED = ("time_to_train", "accelerator_hours", "gpu_hours", "energy", "cost")


def check_training_time(ev, results, count: int) -> None:
    """An `implausible-value` warning at the `tokens` of each training run whose `time_to_train` exceeds
    TRAINING_TIME_LIMIT in some scenario (at the run's name where `tokens` is not written), naming the time, the
    tokens and the accelerators; its figures are used as computed (a warning, as the input ranges above)."""
    from .checks import _per_scenario, _scenarios, _span_of
    from .display import format_quantity

    for inst, values, bad in _figures_over(results, count, "training", lambda inst, name: name == "time_to_train",
                                           TRAINING_TIME_LIMIT):
        first = int(np.flatnonzero(bad)[0])
        where = "" if bad.all() else _scenarios(ev, results, np.flatnonzero(bad), count)

        def shown(name: str, unit: str) -> str:
            vals = _per_scenario(np.asarray(results.values.get(f"{inst.path}.{name}", np.nan), dtype=float), count)
            return format_quantity(float(vals[first]), unit) if vals is not None else "?"
        tokens = results.graph.nodes.get(f"{inst.path}.tokens")
        span = _span_of(tokens) if tokens is not None and tokens.kind == "field" else inst.block.name_span
        ev.sink.warning(
            Code.IMPLAUSIBLE_VALUE, f"training `{inst.path}` takes {format_quantity(float(values[first]), 's')} "
            f"to train {shown('tokens', 'tok')} on {shown('accelerators_held', '')} accelerators{where}, more than "
            f"a decade: a slip in the token count or the accelerators?", span,
            notes=["a run longer than a decade outlives the servers it runs on (written off in 2 to 6 years: "
                   "Microsoft and Alphabet 10-K filings, 2022-2023); published pre-training runs take weeks to "
                   "months (DeepSeek-V3, 14.8T tokens on 2,048 H800: less than two months, arXiv 2412.19437)",
                   "the figures are used as computed; a warning only"],
            help="check `tokens` and its unit (`Ttok` is 1e12 tokens), or give more `accelerators` or a `deadline`",
            quantities=[q for q in (f"{inst.path}.{name}" for name in _TRAINING_FLAGGED) if q in results.values],
            scenarios=None if bad.all() else [int(i) for i in np.flatnonzero(bad)])
