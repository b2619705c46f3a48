"""The block kinds of the language: their fields (with dimensions), required fields, outputs and parts.

Pipeline position: data for `dsl.check` (and for the compiler's models, which read the same field names).
Imports `dsl.units`. A field type is a unit expression (its dimension is what counts: `W` accepts kW, MW),
or one of the plain numbers `count` (a whole number), `ratio` (a non-negative ratio: PUE, COP,
oversubscription), `fraction` (a share of a whole, 0..1) and `efficiency` (output over input, above 0 and
at most 1); or `text`, `bool`, `temp` (a temperature point, degC), `choice:a|b` (one of the listed strings)
or `ref:kind` (a definition of that kind).
`output` fields are computed by the compiler's models; a spec may read them, or set them to override.

Every numeric field type has a declared range (RANGES, one entry per type; every other unit-typed field
is a physical magnitude, >= 0; a temperature rise in K is > 0). `dsl.check` refuses a constant value outside it at its span; the compiler checks
values that vary by scenario (`compiler/checks.py`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from .units import DIMENSIONLESS, Dim, UnitError, parse_unit

PLAIN_NUMBER_TYPES = ("count", "ratio", "fraction", "efficiency", "stage")


# ----------------------------------------------------------------------------- typed field kinds
# What a field holds, parsed once from its type text (when the kinds table is first built), so the checker
# and the compiler ask a typed object instead of re-reading strings like `choice:a|b` on every use.

@dataclass(frozen=True)
class FieldKind:
    """The base of the typed field kinds; `text` is the type as declared (`W`, `count`, `ref:chip`)."""

    text: str


@dataclass(frozen=True)
class QuantityKind(FieldKind):
    """A number of a dimension: a unit (`W`, `USD/kWh`: any unit of its dimension is accepted), a plain
    number (`count`, `ratio`, `fraction`, `efficiency`: `number` names which), or `temp` (a temperature
    point; shown in K). `scale` is the SI value of one `display` unit ('' for a plain number)."""

    dim: Dim = DIMENSIONLESS
    point: bool = False
    number: str = ""
    scale: float = 1.0
    display: str = ""


@dataclass(frozen=True)
class TextKind(FieldKind):
    """Free text."""


@dataclass(frozen=True)
class BoolKind(FieldKind):
    """true or false."""


@dataclass(frozen=True)
class ChoiceKind(FieldKind):
    """One of the listed strings."""

    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class RefKind(FieldKind):
    """A definition of the kind `kind` (a block name, not a value)."""

    kind: str = ""


def field_kind(text: str) -> FieldKind:
    """The typed kind of a field type text (raises UnitError for a unit the units table does not know)."""
    if text in PLAIN_NUMBER_TYPES:
        return QuantityKind(text, number=text)
    if text == "text":
        return TextKind(text)
    if text == "bool":
        return BoolKind(text)
    if text.startswith("choice:"):
        return ChoiceKind(text, tuple(text[len("choice:"):].split("|")))
    if text.startswith("ref:"):
        return RefKind(text, text[len("ref:"):])
    if text == "temp":
        return QuantityKind(text, parse_unit("K").dim, point=True, display="K")
    unit = parse_unit(text)
    return QuantityKind(text, unit.dim, scale=unit.to_si(1.0), display=text)


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str                 # the declared type text, for display; `kind` is its parsed form
    required: bool = False
    output: bool = False
    doc: str = ""
    positive: bool = False    # a quantity the models divide by: its range is RANGES["positive"] (`field_range`)
    kind: FieldKind = field(default=None, compare=False, repr=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.kind is None:
            object.__setattr__(self, "kind", field_kind(self.type))


@dataclass(frozen=True)
class Range:
    """The values a field of one type may take: lo..hi (None: unbounded), each end open or closed; `values`, where
    given, the only ones (a format's bits: 4, 8 or 16)."""

    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    hi_open: bool = False
    integral: bool = False
    values: tuple[float, ...] | None = None

    def contains(self, value: float) -> bool:
        """Is `value` (SI, finite) in the range?"""
        if self.values is not None:
            return value in self.values
        if self.lo is not None and (value < self.lo or (self.lo_open and value == self.lo)):
            return False
        if self.hi is not None and (value > self.hi or (self.hi_open and value == self.hi)):
            return False
        return not self.integral or value == int(value)

    def describe(self, fmt=lambda v: f"{v:g}") -> str:
        """`in (0, 1]`, `>= 0`, `a whole number from 0 to 2^53`, `one of 4, 8, 16`; `fmt` writes a bound in the
        field's unit."""
        if self.values is not None:
            return "one of " + ", ".join(fmt(v) for v in self.values)
        if self.integral:
            hi = "2^53" if self.hi == 2.0 ** 53 else fmt(self.hi)
            return f"a whole number from {fmt(self.lo)} to {hi}"
        if self.hi is None:
            return f"{'>' if self.lo_open else '>='} {fmt(self.lo)}"
        return f"in {'(' if self.lo_open else '['}{fmt(self.lo)}, {fmt(self.hi)}{')' if self.hi_open else ']'}"


# One range per field type. A count is exact only up to 2^53 (float64 has 53 bits of mantissa).
RANGES: dict[str, Range] = {
    "count": Range(0.0, 2.0 ** 53, integral=True),
    "stage": Range(0.0, 3.0, integral=True),   # a ZeRO stage: 0 (none) to 3 (weights sharded too)
    "ratio": Range(0.0),
    "fraction": Range(0.0, 1.0),
    "efficiency": Range(0.0, 1.0, lo_open=True),
    "temp": Range(0.0),          # a temperature point: not below absolute zero (0 K)
    "K": Range(0.0, lo_open=True),  # a temperature rise across the racks: 0 would need an infinite flow
    "quantity": Range(0.0),      # every unit-typed field: powers, prices, sizes, rates, durations, flows
    "positive": Range(0.0, lo_open=True),  # a unit-typed field marked `positive`: a quantity a model divides by
    "positive count": Range(1.0, 2.0 ** 53, integral=True),  # a count marked `positive`: a model divides by it
    "positive fraction": Range(0.0, 1.0, lo_open=True),  # a fraction marked `positive`: a share a model divides by
}


# Pairs of fields of one kind whose values are ordered by what they mean, (kind, lower, upper, why): a value above
# its bound is refused as a value outside its range is (`out-of-range` at the lower field's value, in the
# scenarios where it is; compiler/checks.py), whichever of the two the spec wrote.
ORDERED: tuple[tuple[str, str, str, str], ...] = (
    ("chip", "idle_power", "tdp", "a chip idles below what it draws at full load"),
    ("cpu", "idle_power", "tdp", "a CPU idles below what it draws at full load"),
    ("server", "idle_power", "max_power", "a server idles below its nameplate input power"),
    ("server", "overhead_power", "max_power", "the board, fans and drives are part of the server's input power"),
    ("site", "wet_bulb_temp", "ambient_temp", "a wet-bulb temperature is never above the dry-bulb one"),
    ("site", "mean_ambient_temp", "ambient_temp", "the annual mean is below the design (hottest hours') dry bulb"),
    ("inference", "input_tokens", "max_input_tokens", "the mean prompt is no longer than the longest one"),
    ("training", "seq_len", "global_batch", "an optimizer step holds at least one whole sequence"),
)


# Fields whose quantity is bounded beyond its type's range, by field name wherever a kind declares it: a value
# outside is physically absurd and refused (`out-of-range` at its span); a value inside but beyond what published
# figures span is an `implausible-value` warning (compiler/plausible.py, PLAUSIBLE).
# pue (hall, site): PUE = total facility energy / IT energy is at least 1 by definition, its ideal 1.0 (The Green
# Grid, "Green Grid Metrics: Describing Datacenter Power Efficiency", 2007; ISO/IEC 30134-2:2016, which made it a
# standard [S]): a facility draws at least the power of its IT. At most 10 (s20-power): a facility's overhead is its
# power chain's losses (at most ~0.25 W per IT W: an 85% UPS behind 97% transformers and PDUs) and the cooling of
# the IT heat (a vapour-compression plant at COP >= 1 with its fans, ~1.3 W per W at worst), so even a poor room
# runs 2-3 ("many data centers may have a PUE of 3.0 or greater", The Green Grid 2007; the Uptime Institute Global
# Data Center Survey's industry average fell from ~2.5 in 2007 to 1.56 in 2024 [S]); 9 W of overhead per IT W is
# not a design figure but a slip (`pue = 96` for 1.096). A nearly empty facility can meter more; a planning `pue`
# is a design's. 3 to 10 is the plausibility warning. The physical one is the modelled plant's too (a set `pue`
# whose average exceeds the peak facility power is the pue-ceiling limit, compiler/models/facility.py). A range,
# not the pue-floor limit alone: on a site with no IT that limit compares 0 with 0 x pue and passes `pue = 0.5`.
# cop (chiller): at most the Carnot COP at the rating condition the model reads it at (AHRI 550/590: chilled water
# leaving at 44 degF = 6.67 degC, condenser water entering at 85 degF = 29.44 degC; compiler/models/facility.py
# chiller_rating_wet_bulb): T_cold / (T_hot - T_cold) = 279.82 / 22.78 = 12.28 with no approach on either side,
# the second law's bound; air-cooled (35 degC entering air) it is 9.88 [D]. Real full-load chillers: 2.96 (ASHRAE
# 90.1 minimum, air-cooled) to ~7.5 (0.47 kW/ton, the best water-cooled centrifugals) [S].
CARNOT_COP_RATING = (273.15 + (44.0 - 32.0) * 5.0 / 9.0) / ((85.0 - 44.0) * 5.0 / 9.0)
NAMED_RANGES: dict[str, Range] = {"pue": Range(1.0, 10.0), "cop": Range(0.0, round(CARNOT_COP_RATING, 2), lo_open=True)}


def field_range(fspec: "FieldSpec") -> Range | None:
    """The declared range of a field (None for text, bool, choice and ref fields): its NAMED_RANGES entry, else
    its type's."""
    kind = fspec.kind
    if not isinstance(kind, QuantityKind):
        return None
    if fspec.name in NAMED_RANGES:
        return NAMED_RANGES[fspec.name]
    if fspec.positive:
        return RANGES.get(f"positive {kind.text}") or RANGES["positive"]
    return RANGES.get(kind.text) or RANGES["quantity"]


@dataclass
class KindSpec:
    name: str
    doc: str
    fields: dict[str, FieldSpec]
    contains: tuple[str, ...] = ()
    group: str = ""


_COMMON = """
vendor        text              maker of the part
source        text              where the figures of this definition come from
description   text              free text shown in reports
"""

_POWER_GEAR = """
capacity      W       required positive  rated power it can carry
efficiency    efficiency        fraction of input power delivered (losses = 1 - efficiency)
price         USD               equipment price per unit, before installation (the cost model costs placed plant gear x its category's installation factor, unless `installed = true`; power shelves as priced)
installed     bool              true: its `price` is already installed (setting, wiring, piping, commissioning), so the cost model takes it as written, not x the installation factor (default false: an equipment price)
redundancy    choice:N|N+1|N+2|2N  how many spare units the design carries
voltage       V                 voltage at its output
"""

# Sizing outputs of gear a hall or site places (compiler.models.facility): what the limits and diagrams read.
_GEAR_SIZING = """
units_needed  count   output    units the load needs with the gear's redundancy (ceil(load / capacity) + spares), where a hall, site, row or rack places it
utilization   ratio   output    load / (capacity of the units of this kind placed there, spares included)
"""

_COOLING_GEAR = """
capacity      W       required positive  heat it can remove at its design point
power         W                 electrical power it draws at full load (fans, pumps, compressors)
price         USD               equipment price per unit, before installation (the cost model costs placed plant gear x the cooling installation factor, unless `installed = true`)
installed     bool              true: its `price` is already installed (setting, rigging, piping, commissioning), so the cost model takes it as written, not x the installation factor (default false: an equipment price)
redundancy    choice:N|N+1|N+2|2N  how many spare units the design carries
"""

_POWER_SPLIT = """
power_accelerators W      output  peak power of the accelerators inside (count * chip TDP)
power_cpus        W       output  peak power of the host CPUs inside (count * CPU TDP)
power_memory      W       output  power of the memory and storage inside
power_network     W       output  power of the NICs, DPUs, switches, optics, cables and fabrics inside
power_overhead    W       output  the rest of the peak IT power: server fans, boards and PSU losses, power-shelf losses, nameplate-only servers
"""

# What a bill of materials lists of a placed part (compiler.models.cost); none for a definition on its own.
_BOM_OUTPUTS = """
quantity      count   output    units in the plan: its count times the counts of the blocks it is in, up to the top
total_price   USD     output    quantity * price, where the price is given
total_power   W       output    quantity * peak power (chips, CPUs, servers: peak_power; racks: it_power; others: power), where given
"""

_IT_OUTPUTS = _POWER_SPLIT + """
accelerators      count   output  accelerators inside, counting multiplicities
it_power          W       output  IT power at peak: every accelerator at its TDP (what feeds and cooling are sized for)
it_power_avg      W       output  IT power at the average utilization (the planning draw; the bill meters it_power_metered)
heat_liquid       W       output  peak heat carried away by liquid (direct liquid cooling)
heat_air          W       output  peak heat carried away by air
coolant_flow      L/min   output  liquid coolant flow that carries heat_liquid at the loop's temperature rise
airflow           m^3/h   output  air flow that carries heat_air at the room's temperature rise
capex_it          USD     output  purchase cost of servers, accelerators and rack-scale systems
capex_network     USD     output  purchase cost of switches, NICs and DPUs (outside priced systems)
capex_optics      USD     output  purchase cost of transceivers and cables
capex_depreciable_it USD output  the capex depreciated over the IT life: capex_it + capex_network + capex_optics (a rack's or row's whole capex)
"""

_FACILITY_OUTPUTS = _IT_OUTPUTS + """
power_chain_efficiency efficiency output  fraction of the power the chain draws for the IT load that reaches it (the IT path's stages)
power_chain_loss  W       output  peak losses in transformers, UPS, rectifiers and distribution, on the IT and on the cooling plant the transformers and switchgear feed
cooling_power     W       output  peak power of pumps, fans, chillers and heat-rejection fans
transformer_loss  W       output  peak loss in the chain's transformer stage (where the chain has one)
transformer_stage_efficiency ratio output  power out / power in of the transformer stage
transformer_power_in W       output  peak power into the chain's transformer stage (its power out plus its loss)
switchgear_loss   W       output  peak loss in the chain's switchgear stage (where the chain has one)
switchgear_stage_efficiency ratio output  power out / power in of the switchgear stage
switchgear_power_in W       output  peak power into the chain's switchgear stage (its power out plus its loss)
ups_loss          W       output  peak loss in the chain's UPS (double conversion) stage (where the chain has one)
ups_stage_efficiency ratio output  power out / power in of the UPS (double conversion) stage
ups_power_in      W       output  peak power into the chain's UPS (double conversion) stage (its power out plus its loss)
rectifier_loss    W       output  peak loss in the chain's rectifier (AC to 800 V DC) stage (where the chain has one)
rectifier_stage_efficiency ratio output  power out / power in of the rectifier (AC to 800 V DC) stage
rectifier_power_in W       output  peak power into the chain's rectifier (AC to 800 V DC) stage (its power out plus its loss)
pdu_loss          W       output  peak loss in the chain's floor PDU stage (where the chain has one)
pdu_stage_efficiency ratio output  power out / power in of the floor PDU stage
pdu_power_in      W       output  peak power into the chain's floor PDU stage (its power out plus its loss)
busway_loss       W       output  peak loss in the chain's busway (DC distribution) stage (where the chain has one)
busway_stage_efficiency ratio output  power out / power in of the busway (DC distribution) stage
busway_power_in   W       output  peak power into the chain's busway (DC distribution) stage (its power out plus its loss)
liquid_chillers_run ratio output 1 when the liquid loop needs chillers at the design ambient, else 0 (free cooling); none without a liquid loop (no liquid heat)
air_chillers_run  ratio   output  1 when the chilled-water (air) loop needs chillers at the design ambient, else 0; none without air heat
liquid_free_cooling_hours h output hours a year the liquid loop runs without chillers (at the mean ambient)
chilled_water_temp temp   output  chilled-water supply temperature feeding the CRAHs: air_supply_temp - chilled_water_offset
air_free_cooling_hours h  output  hours a year the chilled-water (air) loop runs without chillers (at the mean ambient)
cooling_power_avg W       output  cooling power at the average load and the mean ambient temperature
heat_rejected     W       output  peak heat the plant rejects outdoors: the IT heat plus the cooling power
it_power_outside_racks W  output  peak IT power of what no rack holds: switches, fabrics and gear placed in the rows and here (a site: outside its halls)
facility_power    W       output  peak power at the meter: IT plus power-chain losses plus cooling
feed_utilization  ratio   output  facility_power / the feed (a hall's power_feed, a site's utility_feed), where given
facility_power_avg W      output  average power at the meter
facility_power_metered W  output  average power at the meter as drawn: facility_power_avg with the accelerators the site's inference services hold at their own duty cycles (a hall: the site's service draws where their chip types sit, by its share of each type's accelerators; energy_year and opex_energy bill it)
it_power_metered  W       output  average IT power as drawn: it_power_avg with the site's workloads at their duty cycles and the accelerators none holds at spare_utilization (the IT of facility_power_metered; pue and water_year follow it)
pue               ratio   output  power usage effectiveness: facility_power_metered / it_power_metered (the draw the energy bill meters); a `pue` the spec sets states the facility power as pue x IT (a site's: of the IT its halls' own `pue` does not cover; a hall's own wins for its hall, and the site adds them up; a site's set `pue` is printed as set, so a hall setting a different one is a limit-exceeded error: the site's ratio would differ)
energy_year       MWh     output  energy at the meter in one year, as drawn (facility_power_metered)
water_year        m^3     output  water evaporated for heat rejection in one year
cdus              count   output  coolant distribution units, including redundant spares
crahs             count   output  computer-room air handlers, including redundant spares
chillers          count   output  chillers, including redundant spares
chiller_load      W       output  peak heat the chillers carry at the design ambient (the loops that need compressors, with their pumps' and fans' heat): what their count is sized on
dry_coolers       count   output  dry coolers, including redundant spares, where heat_rejection is "dry_cooler" (0 on "chiller": see economizer_coils)
economizer_coils  count   output  free-cooling coils where heat_rejection is "chiller", in dry-cooler units with spares: they reject the heat of the loops that cool freely at the design ambient (the chillers' own condensers reject the rest), priced in capex_cooling as dry coolers; 0 on "dry_cooler" and "cooling_tower"
capex_power       USD     output  power-chain equipment (transformers, switchgear, UPS, rectifiers, distribution)
capex_cooling     USD     output  cooling equipment (CDUs, CRAHs, chillers, dry coolers, towers, pumps)
capex_building    USD     output  building shell and fit-out
capex_land        USD     output  land
capex             USD     output  all purchase cost: the sum of the capex categories
capex_depreciable_facility USD output the capex depreciated over the facility life: capex_power + capex_cooling + capex_building (land is not depreciated)
capex_maintained  USD     output  the equipment capex maintenance is a share of: capex - capex_building - capex_land
capex_building_per_watt USD/W output the building's cost per watt of peak IT power: capex_building / it_power
depreciation_it_year USD/yr output IT, network and optics capex spread over their life (with the cost of capital)
depreciation_facility_year USD/yr output power, cooling and building capex spread over their life
depreciation_year USD/yr  output  depreciation_it_year + depreciation_facility_year
land_capital_year USD/yr  output  the capital held in land at the discount rate: discount_rate * capex_land (land is not depreciated)
opex_energy       USD/yr  output  energy at the meter times its price
opex_maintenance  USD/yr  output  maintenance as a share of equipment capex
opex_staff        USD/yr  output  operations staff
opex_water        USD/yr  output  water for heat rejection
opex              USD/yr  output  all running cost per year
tco_year          USD/yr  output  total cost of ownership per year: depreciation plus the land's cost of capital plus opex
cost_per_accelerator_hour USD/h output  TCO per accelerator per hour
cost_per_mw       USD/W   output  capex per watt of peak IT power (shown per MW)
"""

_THERMAL_INPUTS = """
utilization   fraction          average accelerator utilization (0 idle .. 1 at TDP); pue is set by outputs
distribution  choice:ac|dc800   power chain: AC with double-conversion UPS, or 800 V DC to the rack
heat_rejection choice:chiller|dry_cooler|cooling_tower  how the plant rejects heat outdoors
liquid_delta_t K                temperature rise of the liquid coolant across the racks
air_delta_t   K                 temperature rise of the air across the racks
air_supply_temp temp            cold-aisle air supply temperature
"""

# A site's chain for the IT it holds outside its halls (compiler.models.facility), per stage kind.
_STAGE_OUTSIDE_HALLS = "".join(
    f"{k}_loss_outside_halls W output  peak loss in the {k} stage feeding the IT outside the site's halls\n"
    f"{k}_power_in_outside_halls W output  peak power into that stage\n"
    f"{k}_stage_efficiency_outside_halls ratio output  power out / power in of that stage\n"
    for k in ("transformer", "switchgear", "ups", "rectifier", "pdu", "busway"))

_KINDS_TEXT: dict[str, tuple[str, str, str, str]] = {
    # kind: (group, doc, fields, contains)
    "chip": ("compute", "An accelerator package: a GPU, TPU, wafer-scale engine or LPU. Figures are dense.", """
        bf16          FLOP/s  positive  dense BF16/FP16 matrix throughput (unset when the chip has none)
        fp8           FLOP/s  positive  dense FP8 matrix throughput (unset when the chip has none)
        fp4           FLOP/s  positive  dense FP4 matrix throughput (unset when the chip has none)
        int8          FLOP/s  positive  dense INT8 throughput (counted in OP/s; unset when the chip has none)
        memory        B                 usable HBM (or on-chip SRAM when that is all there is)
        memory_bw     B/s     positive  memory bandwidth
        sram          B                 on-chip SRAM
        sram_bw       B/s               on-chip SRAM bandwidth
        scaleup_bw    B/s               scale-up link bandwidth per chip, both directions
        tdp           W       required  thermal design power (TDP/TGP) at full load
        idle_power    W                 power when idle
        price         USD               unit price
        released      text              when it was announced or shipped
        power         W       output    average power at the utilization of its placement
        peak_power    W       output    power at full load (TDP)
        dynamic_power W                 compute dynamic power at full clock with the matrix units always busy (default: the H100 fit scaled by TDP)
        memory_power  W                 memory power at full bandwidth (default: the H100 fit scaled by TDP)
        """ + _BOM_OUTPUTS, ""),
    "cpu": ("compute", "A host processor.", """
        cores         count             cores
        tdp           W       required  thermal design power
        idle_power    W                 power when idle
        price         USD               unit price
        utilization   fraction          average load (0 idle .. 1 at TDP)
        power         W       output    average power at its utilization
        peak_power    W       output    power at full load (TDP)
        """ + _BOM_OUTPUTS, ""),
    "memory": ("compute", "Host memory (DIMMs, LPDDR).", """
        capacity      B       required  capacity
        bandwidth     B/s               bandwidth
        power         W                 power
        price         USD               unit price
        """ + _BOM_OUTPUTS, ""),
    "storage": ("compute", "A drive or storage appliance.", """
        capacity      B       required  capacity
        bandwidth     B/s               bandwidth
        power         W                 power
        price         USD               unit price
        """ + _BOM_OUTPUTS, ""),
    "nic": ("network", "A network interface card (SuperNIC).", """
        bandwidth     b/s     required  line rate per port
        ports         count             ports
        power         W       required  power
        price         USD               unit price
        """ + _BOM_OUTPUTS, ""),
    "dpu": ("network", "A data processing unit (BlueField).", """
        bandwidth     b/s     required  line rate per port
        ports         count             ports
        cores         count             cores
        power         W       required  power
        price         USD               unit price
        """ + _BOM_OUTPUTS, ""),
    "server": ("compute", "A server, node or compute tray: accelerators, CPUs, NICs and the box around them.", """
        max_power     W                 maximum input power (nameplate)
        idle_power    W                 input power when idle
        overhead_power W                fans, memory, drives and board power beyond chips and NICs, at full load
        overhead_fraction ratio         the same as a share of the chips' and NICs' peak power (default by cooling)
        psu_efficiency efficiency       power-supply efficiency
        price         USD               purchase price of the whole server
        height        m                 height in the rack (10 U)
        weight        kg                weight
        cooling       choice:air|liquid|hybrid  how it rejects heat
        liquid_fraction fraction        fraction of heat captured by liquid
        utilization   fraction          average accelerator utilization (0 idle .. 1 at TDP)
        power         W       output    average wall (input) power at the utilization
        peak_power    W       output    wall power with every chip at TDP (bounded by max_power when given)
        accelerators  count   output    accelerators inside
        heat_liquid   W       output    peak heat carried away by liquid
        heat_air      W       output    peak heat carried away by air
        capex_it      USD     output    purchase cost (its price, or the sum of its parts' prices)
        capex_network USD     output    purchase cost of its NICs, DPUs and switches (none when its price is given: they are in it)
        capex_depreciable_it USD output all a server costs: capex_it + capex_network (the report's Capex key figure for a server)
        """ + _BOM_OUTPUTS + _POWER_SPLIT, "chip cpu memory storage nic dpu switch"),
    "switch": ("network", "A network switch, NVLink switch tray, or switch ASIC.", """
        ports         count   required  ports
        port_speed    b/s     required  speed of one port
        power         W       required  power without optics
        price         USD               unit price
        height        m                 height in the rack
        """ + _BOM_OUTPUTS, "transceiver"),
    "transceiver": ("network", "An optical transceiver module.", """
        speed         b/s     required  line rate
        power         W       required  power
        price         USD               unit price
        reach         m                 maximum reach
        """ + _BOM_OUTPUTS, ""),
    "cable": ("network", "A cable: copper (DAC), active copper (AEC/ACC), active optical or fibre.", """
        speed         b/s     required  line rate
        medium        choice:copper|active_copper|aoc|fiber  what it is made of
        reach         m                 maximum reach
        power         W                 power (active cables)
        price         USD               unit price
        """ + _BOM_OUTPUTS, ""),
    "network": ("network", "A fabric: scale-up domain, scale-out Clos, front-end or storage network. Its switch, "
                "port, optic and cable counts, bandwidths, power and cost are computed (compiler/models/network.py); "
                "switches, optics and cables placed in it as parts are added to its power and cost.", """
        role          choice:scale_up|scale_out|frontend|storage  what the fabric is for (default scale_out)
        topology      choice:nvlink|fat_tree|rail_optimized|torus|dragonfly|single_switch  its shape (default: nvlink for scale_up, else fat_tree; dragonfly is counted as a fat tree)
        switch        ref:switch        the switch of every tier (the spine and core too unless they are given)
        switch_spine  ref:switch        the tier-2 (spine) switch when it differs from `switch`
        switch_core   ref:switch        the tier-3 (core) switch when it differs from `switch`
        transceiver   ref:transceiver   the optic at the switch ends of optical links (default: a generic module per port)
        endpoint_transceiver ref:transceiver  the optic at the endpoint (NIC) end of optical links (default: `transceiver`)
        copper_cable  ref:cable         passive copper (DAC) used where it reaches (default 3 m)
        active_cable  ref:cable         active copper (ACC/AEC) used where a DAC does not reach and it does (default 5 m)
        aoc           ref:cable         active optical cable used where copper does not reach and it does (default: none)
        nic           ref:nic           the adapter of each endpoint: sets link_speed and injection_bw; counted in power and cost only when the servers hold no NICs
        oversubscription ratio          downlink to uplink bandwidth at the leaf (1 = non-blocking, 0.5 = twice the uplink)
        oversubscription_spine ratio    downlink to uplink bandwidth at the spine, above the pods of a 3-tier Clos (1 = non-blocking)
        endpoints_per_leaf count        endpoint links on one leaf (default: all its radix allows at the oversubscription; with top-of-rack leaves, one rack's)
        pod_endpoints count             endpoints in one pod of a 3-tier Clos (default: as many as the spines' downlinks allow)
        endpoints_per_rack count        endpoints in one rack (default: those of the first rack under the network's parent block)
        leaf_placement choice:top_of_rack|next_rack|end_of_row  where the leaves stand: sets the endpoint links' length (default: end_of_row for rail_optimized, else top_of_rack)
        domain        count             accelerators per scale-up domain: 72 for NVL72, 8 for HGX, the chips of a TPU slice or pod
        dims          count             torus dimensions (default 3)
        in_systems    bool              its switches, optics and cables are already parts of the racks or servers (NVL72 trays, HGX NVSwitches): counted here, not in power and cost (default: true for scale_up nvlink and torus)
        endpoints     count   output    endpoints attached (default: the accelerators under the network's parent block; front-end and storage: its servers)
        link_speed    b/s     output    speed of one link, each way (default: the NIC's line rate or the switch port speed, whichever is lower)
        injection_bw  b/s     output    bandwidth one endpoint puts into the fabric, each way (default: the NIC's line rate; scale_up: half the chip's bidirectional scaleup_bw)
        tiers         count   output    switching tiers, 1 to 3 (default: the fewest that hold the endpoints)
        max_endpoints count   output    the most endpoints its tiers can attach (scale_up: per domain)
        domains       count   output    scale-up domains (1 for other roles)
        switches_leaf count   output    tier-1 (leaf, top-of-rack, NVLink or NVSwitch) switches
        switches_spine count  output    tier-2 (spine) switches
        switches_core count   output    tier-3 (core, super-spine) switches
        switches      count   output    switches in all tiers
        ports         count   output    switch ports in use (a port split into lanes counts once)
        links_endpoint count  output    links from the endpoints to the leaves, at link_speed (endpoints x links each; all domains)
        links_leaf_spine count output   links from the leaves to the spines, at link_speed (0 with one tier)
        links_spine_core count output   links from the spines to the cores, at link_speed (0 below three tiers)
        transceivers  count   output    optical transceiver modules, both ends of every optical link
        cables_copper count   output    passive copper cables (DAC)
        cables_active count   output    active copper cables (ACC/AEC)
        cables_optical count  output    active optical cables and fibres between transceivers
        bisection_bw  b/s     output    bandwidth across the worst cut into two equal halves, each way (scale_up: of one domain)
        alltoall_bw   b/s     output    per-endpoint bandwidth of a uniform all-to-all over all endpoints (scale_up: within a domain)
        power         W       output    switches, optics, active cables and counted NICs (zero for the fabric when in_systems)
        capex         USD     output    purchase cost of switches, optics, cables and counted NICs
        capex_optics  USD     output    the part of capex spent on transceivers and cables
        capex_switching USD    output    the fabric's own switches, priced (0 when in_systems); its bill-of-materials line
        capex_transceivers USD output   the fabric's own transceivers, named or the model's default, priced (0 when in_systems)
        capex_cables  USD     output    the fabric's own copper cables, AOCs and fibres, priced (0 when in_systems)
        nics_counted  count   output    NICs the fabric counts itself: its endpoints where it names a `nic` and its parent places none
        capex_nics    USD     output    the NICs it counts itself, priced; capex = switches + transceivers + cables + NICs + the parts placed in it
        quantity      count   output    fabrics in the plan: its count times the counts of the blocks it is in, up to the top
        total_power   W       output    power * quantity: the fabric's power over all its placements
        total_switches count  output    switches * quantity: its bill-of-materials line of switches
        total_transceivers count output transceivers * quantity
        total_cables  count   output    (cables_copper + cables_active + cables_optical) * quantity
        total_nics_counted count output nics_counted * quantity
        total_capex_switching USD output capex_switching * quantity
        total_capex_transceivers USD output capex_transceivers * quantity
        total_capex_cables USD output   capex_cables * quantity
        total_capex_nics USD  output    capex_nics * quantity
        total_switch_power W  output    total_switches * the power of the `switch` it names (none where it names none)
        total_transceiver_power W output total_transceivers * the power of the `transceiver` it names (none where it names none)
        total_nic_power W     output    total_nics_counted * the power of the `nic` it names (none where it names none)
        """, "switch transceiver cable"),
    "rack": ("facility", "A rack: servers, switches and power shelves in one frame, or a rack-scale system.", """
        power_limit   W                 power the rack's feed and shelves can deliver
        power_limit_utilization ratio output  it_power / power_limit, where given
        air_cooling_limit W             heat the room's air can take from this rack
        liquid_fraction fraction        fraction of heat captured by liquid
        cooling       choice:air|liquid|hybrid  how it rejects heat
        price         USD               price of the rack itself, or of the whole system when it is one
        height        m                 usable height (48 U)
        weight        kg                weight when loaded
        utilization   fraction          average accelerator utilization (0 idle .. 1 at TDP)
        """ + _BOM_OUTPUTS + _IT_OUTPUTS, "server switch nic dpu storage power_shelf pdu cdu chip network"),
    "row": ("facility", "A row of racks (a pod) sharing power and cooling distribution.", """
        power_limit   W                 power the row's busway or PDUs can deliver
        power_limit_utilization ratio output  it_power / power_limit, where given
        it_power_outside_racks W output  peak IT power of what no rack in the row holds (switches, fabrics)
        utilization   fraction          average accelerator utilization (0 idle .. 1 at TDP)
        """ + _IT_OUTPUTS, "rack pdu busway rectifier cdu crah switch network"),
    "hall": ("facility", "A data hall: rows of racks in one room with its power feed and cooling.", """
        power_feed    W                 power the hall's feed can deliver
        area          m^2               floor area of white space (checked: racks x rack_floor_area, 1.28 m^2 a rack with its aisles, fits it)
        supply_temp   temp              liquid coolant supply temperature (warm water: 30-45 degC)
        """ + _THERMAL_INPUTS + _FACILITY_OUTPUTS + """
        opex_lease    USD/yr  output    colocation lease: the site's colocation_price * it_power (where the site leases)
        """, "row rack cdu crah pdu busway ups transformer switchgear rectifier pump network"),
    "site": ("facility", "A site or campus: halls, plant, power intake and the workloads run there.", """
        location      text              where it is
        electricity_price USD/kWh       price of energy at the meter
        ambient_temp  temp              design outdoor dry-bulb temperature
        wet_bulb_temp temp              design outdoor wet-bulb temperature
        utility_feed  W                 power the utility can deliver
        mean_ambient_temp temp          annual mean outdoor dry-bulb temperature (for energy and PUE)
        land_price    USD               price of the land
        shell_cost    USD/W             building shell and fit-out cost per watt of peak IT power
        plant_cost    USD/W             power and cooling plant cost per watt, used where no priced gear is given
        water_price   USD/m^3           price of water
        supply_temp   temp              liquid coolant supply temperature (warm water: 30-45 degC)
        """ + _THERMAL_INPUTS + _FACILITY_OUTPUTS + """
        it_power_outside_halls W output  peak IT power of the racks and gear the site holds outside its halls
        it_power_avg_outside_halls W output  average IT power outside its halls
        it_power_metered_outside_halls W output  average IT power as drawn (it_power_metered) outside its halls
        cooling_power_outside_halls W output  cooling power beyond its halls' own: cooling_power - sum(count * hall.cooling_power)
        heat_liquid_outside_halls W output  liquid heat of the IT outside its halls (which the site cools itself)
        heat_air_outside_halls W output  air heat of the IT outside its halls
        coolant_flow_outside_halls L/min output  coolant flow for the liquid heat outside its halls (at the site's temperature rise)
        airflow_outside_halls m^3/h output  airflow for the air heat outside its halls (at the site's temperature rise)
        cdus_outside_halls count output  CDUs for the liquid heat outside its halls, with spares
        crahs_outside_halls count output  CRAHs for the air heat outside its halls, with spares
        chillers_outside_halls count output  chillers for the heat outside its halls that needs compressors, with spares
        dry_coolers_outside_halls count output  dry coolers for the heat rejected outside its halls, with spares
        """ + _STAGE_OUTSIDE_HALLS + """
        tokens_per_s  tok/s   output    output tokens per second of the inference workloads placed here
        tokens_per_joule tok/J output   their output tokens per joule at the wall
        served_tokens_per_s tok/s output output tokens per second its inference services serve on average (each one's load carried while busy x its duty cycle)
        usd_per_mtok  USD/Mtok output   their cost per million output tokens: the services' dollars over the tokens they serve (served_tokens_per_s)
        services_cost_per_hour USD/h output what its inference services pay an hour, busy or idle: sum(count * cost_per_hour) (usd_per_mtok x served_tokens_per_s)
        services_accelerators_held count output the accelerators its inference services hold: sum(count * accelerators_held)
        services_accelerator_hour USD/h output their mean accelerator-hour: services_cost_per_hour / services_accelerators_held (each service's own hour, its energy at its own draw)
        time_to_train s       output    the longest time to train of the training workloads placed here
        colocation_price USD/kW/month price of a colocation lease per kW of peak IT power per month: leasing replaces owning the building, its power and cooling plant and its land
        opex_lease    USD/yr  output    colocation lease: colocation_price * it_power (where the site leases)
        """, "hall row rack transformer ups switchgear generator busway pdu rectifier chiller "
                                "dry_cooler cooling_tower cdu crah pump network training inference finance"),
    "transformer": ("power", "A transformer stepping the utility voltage down.", _POWER_GEAR + _GEAR_SIZING, ""),
    "switchgear": ("power", "Medium- or low-voltage switchgear.", _POWER_GEAR + _GEAR_SIZING, ""),
    "ups": ("power", "An uninterruptible power supply.", _POWER_GEAR + _GEAR_SIZING, ""),
    "generator": ("power", "A backup generator.", _POWER_GEAR + _GEAR_SIZING, ""),
    "rectifier": ("power", "An AC-to-DC rectifier (800 V DC distribution).", _POWER_GEAR + _GEAR_SIZING, ""),
    "pdu": ("power", "A power distribution unit.", _POWER_GEAR + _GEAR_SIZING, ""),
    "busway": ("power", "An overhead busway.", _POWER_GEAR + _GEAR_SIZING, ""),
    "power_shelf": ("power", "A rack power shelf (PSUs).", _POWER_GEAR + _GEAR_SIZING, ""),
    "cdu": ("cooling", "A coolant distribution unit for direct liquid cooling.", _COOLING_GEAR + _GEAR_SIZING + """
        flow          m^3/s             rated coolant flow
        """, ""),
    "crah": ("cooling", "A computer-room air handler.", _COOLING_GEAR + _GEAR_SIZING + """
        airflow       m^3/s             rated airflow
        """, ""),
    "chiller": ("cooling", "A chiller.", _COOLING_GEAR + """
        cop           ratio    positive coefficient of performance at the design point
        """, ""),
    "dry_cooler": ("cooling", "A dry cooler (no water use).", _COOLING_GEAR, ""),
    "cooling_tower": ("cooling", "An evaporative cooling tower.", _COOLING_GEAR + """
        water_use     m^3/J             water evaporated per unit of heat rejected
        """, ""),
    "pump": ("cooling", "A pump.", _COOLING_GEAR, ""),
    "model": ("workload", "A neural network model's architecture (dense or mixture-of-experts). A model with "
              "latent attention (MLA) gives `let kv_cache_width = ...`: values cached per token and layer.", """
        params        count   required positive  total parameters
        active_params count             parameters active per token (MoE); defaults to params
        layers        count   positive  transformer layers
        hidden        count   positive  hidden size
        heads         count   positive  attention heads
        kv_heads      count   positive  key/value heads (GQA); defaults to heads
        head_dim      count   positive  size of one head; defaults to hidden / heads
        ffn           count             feed-forward inner size (of one expert for MoE)
        vocab         count             vocabulary size
        experts       count             routed experts per MoE layer (0 or unset: dense)
        experts_active count            routed experts active per token
        context       tok               maximum context length
        layer_latency s                 fixed latency per layer and step of the architecture's kernel chain on a GPU (default: the inference workload's `layer_latency`, which replaces it, else 5 us; SRAM-only chips: their stage latency)
        """, ""),
    "training": ("workload", "A training (or fine-tuning) job placed on the factory. It runs on `accelerators` "
                 "chips of `system` (a server), `rack` (a rack-scale system) or `chip`.", """
        model         ref:model required the model trained
        system        ref:server        the server (node, tray) the job runs on: its chips and NICs
        rack          ref:rack          or a rack-scale system (one scale-up domain when it holds switches)
        chip          ref:chip          or bare chips (scale-up domain: `scaleup_size`)
        accelerators  count             accelerators used (default: one system or rack; with a `demand`, the fewest whole replicas carrying it)
        scaleup_size  count    positive chips in one scale-up (NVLink) domain (default: from the system)
        scaleout_bw   B/s               scale-out bandwidth per accelerator (default: the system's NICs)
        tokens        tok               training tokens to process
        eval_tokens   tok               forward-only tokens processed during the run (evaluation)
        evaluations   count   positive  evaluation passes the eval_tokens are split into (default 1; a run without evaluations leaves eval_tokens unset)
        startup_time  s                 time the run spends before its steady steps (warm-up, graph capture; default 0)
        seq_len       tok      positive sequence length (default 4096, or the model's context if shorter)
        global_batch  tok      positive tokens per optimizer step (default 4 Mtok, at least one sequence per replica)
        method        choice:full|lora  full training, or LoRA fine-tuning (frozen base weights)
        precision     choice:bf16|fp8|fp4|int8  compute precision of the matrix multiplies
        attention_precision choice:bf16|fp8|int8  precision of the attention core (default: the run's; fp8 when the run is fp4)
        recompute     choice:none|selective|full  activation recomputation (default: the least that fits in memory)
        pp_schedule   choice:1f1b|interleaved  pipeline schedule (default: interleaved where it is faster)
        zero          stage             data-parallel sharding (ZeRO stage): 0 none (every data-parallel rank holds the whole optimizer state), 1 the optimizer state (default, Megatron's distributed optimizer), 2 also the gradients (FSDP without resharding), 3 also the weights
        deadline      s                 time the run must finish in (gives accelerators_needed)
        utilization   fraction          not read (a no-effect warning): the run's power, energy and cost are its own draw at its MFU and clock
        failure_rate  1/s               interruptions per accelerator per second (default: Llama 3, 16k H100)
        checkpoint_time s               time to write one checkpoint (blocking part)
        restart_time  s                 time to restart after an interruption (detect, reschedule, reload)
        accelerator_cost USD/h          cost of one accelerator-hour (default: the site's TCO, else capex + energy)
        tp            count   output    tensor-parallel degree (set it to fix it)
        pp            count   output    pipeline-parallel degree (set it to fix it)
        dp            count   output    data-parallel replicas
        idle_accelerators count output  accelerators the layout leaves idle: accelerators - tp pp cp dp (held and paid for: hours, cost and MFU count all the accelerators; power and energy count the idle ones at their idle draw)
        cp            count   output    context-parallel degree: each sequence split over cp chips (set it to fix it)
        ep            count   output    expert-parallel degree (MoE; set it to fix it)
        virtual_stages count  output    pipeline stages per chip (interleaved schedule; 1: 1F1B; set it to fix it)
        microbatch    count   output    sequences per micro-batch (set it to fix it)
        recompute_share fraction output  share of the layers whose activations are recomputed in full
        memory_per_accelerator B output  memory one accelerator holds: weights, gradients, optimizer state, activations
        flops_per_token FLOP/tok output  training FLOPs per token (6N + attention; 4N + attention for LoRA)
        step_time     s       output    time of one optimizer step
        tokens_per_s  tok/s   output    training throughput
        mfu           fraction output    model FLOPs utilization: model FLOP/s / peak FLOP/s at the precision
        time_to_train s       output    wall-clock time to process the tokens, with interruptions
        accelerator_hours h   output    accelerators x time to train (shown in hours)
        gpu_hours     h       output    same as accelerator_hours
        energy        J       output    energy at the wall of the accelerators' servers
        cost          USD     output    accelerator-hours x accelerator_cost
        goodput       fraction output    useful fraction of wall time (failures, restarts, checkpoints)
        power         W       output    wall power of the servers used, while training
        accelerators_needed count output accelerators to finish `tokens` within `deadline` (none without a deadline)
        accelerators_held count output  accelerators the run holds and its figures are for: accelerators, else the default (one system or rack)
        feasible      count   output    1 when a parallel layout fits in memory, else 0
        accelerator_power W   output    mean board power of one accelerator the layout uses over a step (an idle one draws its idle power): compute-bound phases at the cap's clock, the rest (collective waits, bubble, memory-bound kernels) lighter
        compute_utilization fraction output share of the matrix units' cycles busy at a large GEMM's rate (u_c)
        memory_utilization fraction output bytes moved per second / peak memory bandwidth (u_m)
        sustained_clock fraction output  SM clock / full clock the chip holds under its power limit in the step's compute-bound phases
        compute_bound_share fraction output share of the step time in compute-bound phases (model FLOPs at a large GEMM's rate under the cap)
        system_power  W       output    wall (AC) power of one server or rack-scale system it runs on, at this load
        system_power_dc W     output    the same after the power supplies (DC): a server's times its psu_efficiency, a rack's before its power shelves
        """, ""),
    "inference": ("workload", "An inference service placed on the factory. It runs on `accelerators` chips of "
                  "`system` (a server), `rack` (a rack-scale system) or `chip`; the best parallelism and batch "
                  "are searched for, within the latency limits.", """
        model         ref:model required the model served
        system        ref:server        the server (node, tray) it runs on: its chips and NICs
        rack          ref:rack          or a rack-scale system (one scale-up domain when it holds switches)
        chip          ref:chip          or bare chips (scale-up domain: `scaleup_size`)
        accelerators  count             accelerators used (default: one system or rack; with a `demand`, the fewest whole replicas carrying it)
        scaleup_size  count    positive chips in one scale-up domain (default: the system's; SRAM-only chips: all)
        precision     choice:bf16|fp8|fp4|int8  weight and matrix-multiply precision
        kv_precision  choice:bf16|fp8|fp4|int8  KV-cache precision (default: fp8 if the chip has it)
        scenario      choice:offline|server|interactive|single_stream  MLPerf-style scenario
        serving       choice:aggregated|disaggregated  prefill and decode on the same chips, or separate pools
        input_tokens  tok      positive prompt length (mean)
        output_tokens tok      positive generated tokens per request (mean)
        ttft_limit    s                 time-to-first-token limit
        tpot_limit    s                 time-per-output-token limit
        demand        tok/s    positive generated (output) tokens per second to serve while busy (disaggregated: sizes the pools, their tokens/s is it; with `accelerators` the service holds them, pools that need more are an `infeasible-workload` error, the rest idle; aggregated: the load it carries, as an `offered_load` where none is set: served tokens, $/Mtoken, power, tokens/J and latencies are at it; without `accelerators` it sizes the service, which holds accelerators_needed, the fewest whole replicas carrying it; with them, above their capacity the `overloaded` error)
        power_cap     W        positive power limit per accelerator (below TDP lowers the clocks)
        layer_latency s                 fixed latency per layer and step (kernel launch, synchronization; default: the model's `layer_latency`, else 5 us; SRAM-only chips: their stage latency)
        utilization   fraction positive share of time the service is busy, carrying its load (served_tokens_per_s and $/Mtoken; default service_utilization 0.6)
        accelerator_cost USD/h          cost of one accelerator-hour (default: the site's TCO, else capex + energy)
        tp            count   output    tensor-parallel degree (set it to fix it)
        pp            count   output    pipeline-parallel degree (set it to fix it)
        ep            count   output    chips the experts are spread over (MoE)
        batch         count   output    sequences decoded together per replica (set it to fix it; disaggregated: per decode replica)
        replicas      count   output    model replicas (disaggregated: the decode pool's replicas)
        max_batch     count   output    largest batch that fits in memory at the chosen parallelism
        weights_per_chip B    output    weight bytes held by each chip
        kv_per_token  B/tok   output    KV-cache bytes per token (all layers)
        tokens_per_s  tok/s   output    output tokens per second of the whole service at its capacity: the most it carries within its latency limits (not the load it serves: served_tokens_per_s)
        tokens_per_s_per_chip tok/s output output tokens per second per accelerator
        tokens_per_s_per_user tok/s output decode speed one user sees: 1 / tpot
        tokens_per_s_per_system tok/s output output tokens per second per server or rack-scale system it runs on
        tokens_per_s_per_mw tok/s/MW output  output tokens per second per MW of wall power
        ttft          s       output    time to first token
        tpot          s       output    time per output token (one decode step)
        ttft_p50      s       output    median time to first token (server, interactive: with queueing)
        ttft_p99      s       output    99th percentile time to first token (= ttft)
        tpot_mean     s       output    mean time per output token (one decode step at the mean load)
        tpot_p99      s       output    99th percentile over requests of the time per output token (= tpot)
        feasible      count   output    1 when a configuration meets the memory and latency limits, else 0
        prefill_accelerators count output accelerators in the prefill pool (disaggregated; set it to fix it; absent when aggregated: no pools)
        prefill_tp    count   output    tensor-parallel degree of one prefill worker (disaggregated; set it to fix it; absent when aggregated)
        prefill_batch count   output    whole prompts one prefill pass carries (disaggregated; absent when aggregated)
        decode_accelerators count output accelerators in the decode pool (disaggregated; absent when aggregated: every accelerator prefills and decodes)
        accelerators_needed count output accelerators needed to serve `demand` (none without a demand)
        idle_accelerators count output  accelerators the layout leaves idle: accelerators - replicas x tp x pp x d (held and paid for: $/Mtok and tokens/s per chip count all the accelerators; power counts the idle ones at their idle draw)
        power         W       output    wall power of the servers used, while serving
        accelerators_held count output  accelerators it holds and pays for every hour, busy or idle (accelerators, else accelerators_needed)
        power_avg     W       output    mean wall power over the hour: busy its duty cycle (utilization) at power, idle the rest with every accelerator held at its idle draw
        tokens_per_joule tok/J output   output tokens per joule at the wall
        served_tokens_per_s tok/s output output tokens per second served on average: the load carried while busy (offered_load, else demand, else the capacity, at most the capacity) x the duty cycle (`utilization`)
        usd_per_mtok  USD/Mtok output   cost per million output tokens served: every accelerator it holds, every hour, at its chips' accelerator-hour / served_tokens_per_s
        cost_per_hour USD/h   output    what the service pays an hour, busy or idle: every accelerator it holds at its chips' accelerator-hour (usd_per_mtok x served_tokens_per_s)
        clock_fraction fraction output    compute clock relative to full speed under the power cap
        accelerator_power W   output    board power of one accelerator the layout uses while the workload runs (an idle one draws its idle power): idle + a u_c x max(v0, x)^2 + b u_m, at most min(tdp, power_cap)
        compute_utilization fraction output share of the matrix units' cycles busy at a large GEMM's rate (u_c)
        memory_utilization fraction output bytes moved per second / peak memory bandwidth (u_m)
        sustained_clock fraction output  SM clock / full clock the chip holds under its power limit at this load
        system_power  W       output    wall (AC) power of one server or rack-scale system it runs on, at this load
        system_power_dc W     output    the same after the power supplies (DC): a server's times its psu_efficiency, a rack's before its power shelves
        offered_load  tok/s    positive generated (output) tokens per second offered to the service: its latencies are those at this load (default: at its capacity, tokens_per_s)
        batch_in_flight count output    sequences in flight per replica at the offered load (Little's law), else batch
        ttft_limit_held s     output    the TTFT p99 limit of the service: its ttft_limit, else the MLPerf limit of its model's benchmark (server and interactive only); its capacity point is held to operating_fraction x it (by default the scenario's submitters' share, 0.88 server, 0.925 interactive)
        tpot_limit_held s     output    the TPOT p99 limit of the service: its tpot_limit, else the MLPerf limit of its model's benchmark (server and interactive only); its capacity point is held to operating_fraction x it (by default the scenario's submitters' share, 0.88 server, 0.925 interactive)
        ttft_limit_use ratio  output    ttft_p99 / ttft_limit_held: the share of its TTFT limit its p99 takes (the report's note on what bounds its capacity; none without a finite limit)
        tpot_limit_use ratio  output    tpot_p99 / tpot_limit_held: the share of its TPOT limit its p99 takes (none without a finite limit)
        ttft_p99_low  s       output    latency band: the least TTFT p99 at the service's load (offered_load, else its capacity) x 0.95, x 1 and x 1.05, its layout held (server and interactive, aggregated)
        ttft_p99_high s       output    latency band: the most TTFT p99 at the load x 0.95, x 1 and x 1.05 (at x 1.05 with the wait for KV room); absent where 5% more load grows the queue without bound; above 1.5 x ttft_p99_low a `latency-knife-edge` warning flags ttft_p99
        tpot_p99_low  s       output    latency band: the least TPOT p99 at the load x 0.95, x 1 and x 1.05
        tpot_p99_high s       output    latency band: the most TPOT p99 at the load x 0.95, x 1 and x 1.05; absent where 5% more load grows the queue without bound
        ttft_p50_low  s       output    latency band: the least TTFT p50 at the load x 0.95, x 1 and x 1.05
        ttft_p50_high s       output    latency band: the most TTFT p50 at the load x 0.95, x 1 and x 1.05 (at x 1.05 with the median wait for KV room); absent where 5% more load grows the queue without bound; above 1.5 x ttft_p50_low a `latency-knife-edge` warning flags ttft_p50
        tpot_mean_low s       output    latency band: the least TPOT mean (the mean step) at the load x 0.95, x 1 and x 1.05
        tpot_mean_high s      output    latency band: the most TPOT mean at the load x 0.95, x 1 and x 1.05; absent where 5% more load grows the queue without bound
        room_load     tok/s   output    the load with room: the largest share of 90%, 80%, ..., 30% of its capacity at which every latency's band (TTFT p99 / p50, TPOT p99 / mean at that load x 0.95, x 1, x 1.05) is bounded and within 1.5x (server and interactive, aggregated, where a latency is on a knife edge): the `offered_load` a `latency-knife-edge` warning's help names; absent where no share has room
        offered_share fraction output   offered_load (aggregated, else demand) / tokens_per_s (1 when neither is set: the service is taken at its capacity); above 1 the service cannot carry the load: its latencies are absent there ("offered load above capacity") and `overloaded` is an error
        max_num_tokens tok positive     token budget of one forward pass per tensor-parallel rank, an engine of tp ranks carries tp times it (default 8192): decode rows first, then prompt chunks first come first served; a small budget queues the prompts (server TTFT); over pipeline stages the first chunk pays the pipeline fill. TensorRT-LLM's max_num_tokens counts per engine: per rank is this model's assumption [U], which fits NVIDIA's v5.0 budgets at the layouts the search picks
        max_input_tokens tok positive   the longest prompt (the benchmark's or engine's max_input_len; default: unbounded): caps the prompt-length tail in the server TTFT p99
        """, ""),
    "finance": ("cost", "Financial assumptions: depreciation, staffing, maintenance.", """
        depreciation_it        s positive       depreciation period of IT equipment
        depreciation_facility  s positive       depreciation period of the building and plant
        maintenance_rate       1/s      yearly maintenance as a fraction of capex (per yr)
        staff_cost             USD/s    staff cost per year
        discount_rate          1/s      cost of capital per year
        """, ""),
}


def _parse_fields(text: str) -> dict[str, FieldSpec]:
    out: dict[str, FieldSpec] = {}
    for raw in text.strip().splitlines():
        parts = raw.split()
        if not parts:
            continue
        name, ftype, rest = parts[0], parts[1], parts[2:]
        required = output = positive = False
        seen: set[str] = set()
        # the flags lead the description, each once: "output output tokens per second" is the flag and a
        # description that starts with the word; a description that starts with a flag's word and has no flag
        # is written so that it does not ("generated (output) tokens", "voltage at its output")
        while rest and rest[0] in ("required", "output", "positive") and rest[0] not in seen:
            seen.add(rest[0])
            required |= rest[0] == "required"
            output |= rest[0] == "output"
            positive |= rest[0] == "positive"
            rest = rest[1:]
        out[name] = FieldSpec(name, ftype, required, output, " ".join(rest), positive)
    return out


# What the diagrams show of a part placed `x count` (compiler.models.totals): the figures of all the items
# its parent places together, per item times the count (never up the whole path: that is `quantity`).
# Added to the kinds' own fields by `kinds()`.
_PLACED_TOTALS = """
it_power_all      W       output  it_power of all the items its parent places together: it_power * count
accelerators_all  count   output  accelerators of all the items its parent places together: accelerators * count
"""


def _units_placed(gear: tuple[str, ...]) -> str:
    """The `<gear>_units_placed` outputs of a block (compiler/models/facility.py): what its capacity limits count."""
    return "".join(f"{g}_units_placed count output {g} units the block places (one where a {g} is placed without a "
                   f"count), as its {g}-capacity limit counts them\n" for g in gear)


_FACILITY_PLACED = _units_placed(("transformer", "switchgear", "ups", "rectifier", "pdu", "busway")) + """
cdus_placed       count   output  CDUs the block places with a count, as its cdu-capacity limit counts them (absent where the model sizes them)
crahs_placed      count   output  CRAHs the block places with a count, as its crah-capacity limit counts them (absent where the model sizes them)
"""
_EXTRA_FIELDS = {
    "rack": _PLACED_TOTALS + _units_placed(("pdu", "cdu", "power_shelf")),
    "row": _PLACED_TOTALS + _units_placed(("pdu", "busway", "rectifier", "cdu", "crah")),
    "hall": _PLACED_TOTALS + _FACILITY_PLACED + """
heat_liquid_all   W       output  heat_liquid of all the halls its parent places together: heat_liquid * count
heat_air_all      W       output  heat_air of all the halls its parent places together: heat_air * count
pumps_needed      count   output  pumps the liquid heat needs where the hall places pumps: ceil(heat_liquid / pump capacity) + spares
pumps_placed      count   output  pumps the hall places (one where a pump is placed without a count), as its pump-capacity limit counts them
""",
    "site": _FACILITY_PLACED + _units_placed(("generator",)) + """
cooling_towers    count   output  cooling towers the site places (one where a tower is placed without a count: the plant model does not size towers)
pumps_needed      count   output  pumps the liquid heat needs where the site places pumps: ceil(liquid heat its pumps carry (its halls' but for halls with pumps of their own) / pump capacity) + spares
cooling_towers_needed count output  cooling towers the site's heat rejected needs: ceil(heat_rejected / tower capacity) + spares (a site that rejects its heat through the towers it places)
pumps_placed      count   output  pumps the site places (one where a pump is placed without a count), as its pump-capacity limit counts them
chillers_placed   count   output  chillers the site places with a count, as its chiller-capacity limit counts them (absent where the model sizes them)
dry_coolers_placed count  output  dry coolers the site places with a count, as its dry-cooler-capacity limit counts them (absent where the model sizes them)
""",
}


# Shares of a block's totals (compiler.models.shares): `<part>_share = part / total`, each (total, what it is in
# words, its parts) of a kind: the share columns of the report's breakdowns (power by component and by stage over
# the power total the breakdown adds up to, capex by category, cost per year) and the cooling view's split of the
# IT heat to liquid and air. A share is absent where its total is 0 or has no value.
_POWER_PARTS = ("power_accelerators", "power_cpus", "power_memory", "power_network", "power_overhead")
_CAPEX_PARTS = ("capex_it", "capex_network", "capex_optics")
_FACILITY_SHARES = (
    ("facility_power", "peak power at the meter", _POWER_PARTS + (
        "power_chain_loss", "cooling_power", "facility_power", "it_power", "facility_power_avg", "it_power_avg",
        "facility_power_metered")),
    ("capex", "capex", _CAPEX_PARTS + ("capex_power", "capex_cooling", "capex_building", "capex_land")),
    ("tco_year", "TCO per year", ("depreciation_it_year", "depreciation_facility_year", "land_capital_year",
                                  "opex_energy", "opex_maintenance", "opex_staff", "opex_water", "opex_lease")),
    ("it_power", "peak IT power", ("heat_liquid", "heat_air")))
_IT_SHARES = (
    ("it_power", "peak IT power", _POWER_PARTS + ("it_power", "it_power_avg", "heat_liquid", "heat_air")),
    ("capex_depreciable_it", "capex (IT, network and optics)", _CAPEX_PARTS))
SHARES: dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]] = {
    "site": _FACILITY_SHARES + (
        ("it_power_outside_halls", "peak IT power outside its halls",
         ("heat_liquid_outside_halls", "heat_air_outside_halls")),),
    "hall": _FACILITY_SHARES,
    "row": _IT_SHARES,
    "rack": _IT_SHARES,
    "server": (("peak_power", "peak power at the wall", _POWER_PARTS),
               ("capex_depreciable_it", "capex (IT and network)", ("capex_it", "capex_network"))),
}


def _share_fields(kind: str) -> str:
    # `ratio`, not `fraction`: a spec that sets a total below its part (`facility_power = 1 MW` under its IT) gets
    # the quotient it implies, above 1, not a range error on a figure it never wrote
    return "".join(f"{part}_share ratio  output  {part} / {total}: its share of the {words}\n"
                   for total, words, parts in SHARES.get(kind, ()) for part in parts)


@lru_cache(maxsize=1)
def kinds() -> dict[str, KindSpec]:
    common = _parse_fields(_COMMON)
    out: dict[str, KindSpec] = {}
    for name, (group, doc, fields_text, contains) in _KINDS_TEXT.items():
        fields = {**common, **_parse_fields(fields_text + _EXTRA_FIELDS.get(name, "") + _share_fields(name))}
        out[name] = KindSpec(name, doc, fields, tuple(contains.split()), group)
    return out


KIND_ALIASES = {"node": "server", "gpu": "chip", "accelerator": "chip", "optic": "transceiver",
                "fabric": "network", "campus": "site", "pod": "row"}


_BY_NAME: dict[str, KindSpec] | None = None   # every kind under its name and its aliases (made on first use)


def kind(name: str) -> KindSpec | None:
    """The kind `name` names (a kind or an alias: `gpu` is `chip`), or None. Called for every part on
    every selection by the checker and the evaluator, so it is one dictionary look-up."""
    global _BY_NAME
    table = _BY_NAME
    if table is None:
        kinds_ = kinds()      # an alias wins over a kind of the same name, as `kind` always read it
        table = _BY_NAME = {**kinds_, **{alias: kinds_[target] for alias, target in KIND_ALIASES.items()}}
    return table.get(name)
