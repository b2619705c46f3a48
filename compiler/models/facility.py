"""Facility model: power-chain losses, cooling power, facility power, PUE, energy and water.

Pipeline position: registered model of `compiler.models`; imports numpy and the registry only.
Halls and sites carry these outputs; a site adds up its halls and handles racks placed directly in it.

Power chain (efficiency eta from the meter to the IT load):

    The chain is four classes of stage, meter to IT: transformer, switchgear, conversion (UPS or
    rectifier), distribution (PDU or busway). Per class: the gear of that class placed on the block or
    its nearest ancestor that places one (its `efficiency`, else the kind's default), else the default
    stage of `distribution` (placed gear replaces its own class only; the other stages keep their losses):
          ac    = transformer * ups (double conversion) * pdu        = 0.985 * 0.96 * 0.985 = 0.931
          dc800 = transformer * rectifier * DC distribution (busway)  = 0.985 * 0.975 * 0.99 = 0.951
          (no default switchgear stage: its ~0.1% is within the other figures; placed, it counts)
    A row's IT runs through the chain seen from the row: the PDUs, busways or rectifiers a row places replace
    the block's stage of their class for that row's IT (its losses at their efficiency); the block's own stage
    carries the rest (and is no stage where no IT is left to it).
    Transformers placed on several levels (a site's substation and a hall's own units) are each a stage, the
    outermost first (the power is transformed twice). A rack that places its own PDU runs its IT through one
    more stage after the chain of its row or block: that PDU at its `efficiency` (a rack strip after the floor
    PDU). Stages of one kind next to each other add their losses into that kind's <stage>_loss; <stage>_power_in
    is the power into the outermost. Each placement is sized on its own stage's flow (`owned_flows`).
    Example: 1 MW of AC IT under a site's 0.99 and a hall's 0.98 transformers: 1 MW / (0.985 x 0.96 x 0.98 x
    0.99) + C / (0.98 x 0.99) at the meter (the 0.99 stage was charged nothing before, s13-facility2).
    eta = product of the stage efficiencies
    The cooling plant is fed from the low-voltage switchboard: its power C (the block's own cooling_power, peak;
    cooling_power_avg for the average) joins the flow at the last transformer or switchgear stage before the IT
    (not through the UPS, rectifiers or PDUs), so those stages lose power on it as on the IT.
    power_chain_loss = sum of the stage losses = it_power * (1 / eta - 1) + C * (1 / eta_feed - 1),
                       eta_feed = product of the transformer and switchgear stages' efficiencies:
    <stage>_loss     = out * (1 / eta_stage - 1), out = it_power / product(eta of the stages after it)
                       (+ C for a transformer or switchgear stage)
    <stage>_power_in = out + loss
    At the average (facility_power_avg, PUE, energy) each stage's units follow their part-load curve, a no-load
    loss plus a load loss with the square of the load (I^2 R), P_nl + P_ll x^2 at load fraction x of a unit
    (`part_load_loss`, s20-power):
    <stage>_loss_avg = P l_1 (f + (1 - f) (out_avg / P)^2),   l_1 = x_ref (1/eta - 1) / (f + (1 - f) x_ref^2)
                       P = r x out_peak, the capacity placed for the stage (r = max(1, units placed x capacity /
                       the placement's peak load); a default stage: P = out_peak, x_ref = 1)
                       out_avg, out_peak: the sums of the flows through the stage (its rows' IT, the cooling plant
                       its transformers feed): one current in its units (s21-power); a site's gear its halls' chains
                       run through too: each hall's (and the site's own) share P_h l_1 (f + (1 - f) x_h X), x_h its
                       own load fraction, X that of all the flows through the units (s22-power): the shares add up
                       to the loss at the summed flow, whichever hall the racks sit in
                       f: <stage>_fixed_loss_share, the no-load share of a unit's loss AT ITS FULL RATED LOAD
                       (transformer 0.2: DOE 10 CFR 431.196 rates it at 50% load, where a loss-optimized design's
                       core and winding losses are equal; UPS and rectifier 0.36: a datasheet curve fitted; PDU
                       0.11: DOE's 35% for low-voltage dry-type; busway and switchgear 0: I^2R only)
                       x_ref: the load fraction its `efficiency` is read at (REFERENCE_LOAD: transformer and UPS
                       0.5, PDU 0.35, others 1)
                       every unit placed (N+1 spares, both sides of a 2N pair) is energized and draws its no-load
                       loss. At the peak flow a placed stage loses max(out_peak (1/eta - 1), the curve at out_peak):
                       its rated loss, or its units' curve there where that is more (the idle units' cores of gear
                       placed far above its load, or a transformer or PDU away from its loss-optimal test load;
                       s21-power: before, the rated loss whatever the count, so the average could exceed the peak);
                       a default stage its rated loss. Each placement's load (its units_needed, utilization and r) is
                       the power out of its stage, which holds the losses after it but not its own: no count reads
                       itself (size a stage by its `units_needed`, not from power_chain_loss, which holds its loss).
                       Example: 2 x 2.5 MVA transformers (2N, P = 5 MW) at 0.99 at 50% load over 2.0 MW at peak,
                       1.0 MW on average: l_1 = 0.5 x 0.010101 / 0.4 = 0.012626, 5 MW x 0.012626 x (0.2 + 0.8 x
                       0.04) = 14.646 kW, of which no-load 12.626 kW (one unit, N: 2.5 MW x 0.012626 x (0.2 + 0.8 x
                       0.16) = 10.354 kW). Before s20-power: f' L_peak r + (1 - f') out_avg (1/eta - 1), linear,
                       f' 0.4 / 0.3 read at partial load (2N: 0.4 x 20.202 x 2.5 + 0.6 x 10.101 = 26.3 kW)
    power_chain_efficiency = it_power / (it_power + the losses on the IT alone) = eta (one block's chain)
    <stage>_stage_efficiency = out / (out + loss)       (per stage kind present: transformer, switchgear,
                       ups, rectifier, pdu, busway; a site adds its halls' flows and losses)
    a site's <stage>_loss / _power_in / _stage_efficiency _outside_halls: the same for the chain of the IT
                       it holds outside its halls alone (no efficiency where it holds none there in any
                       scenario: that chain does not exist, as a stage it does not place)
    an efficiency (and the PUE) where no power flows (out + loss = 0; a site that places no racks) has no
    value: absent, `n/a` in the table and null in JSON with the reason, never 0
    Example: an AC hall of 1 MW IT placing only transformers (0.99): 0.99 * 0.96 * 0.985 = 0.9361;
    pdu_loss = 1 MW * (1/0.985 - 1) = 15.2 kW, ups_loss = 1.0152 MW * (1/0.96 - 1) = 42.3 kW; with 100 kW of
    cooling, transformer_loss = (1.0575 + 0.1) MW * (1/0.99 - 1) = 11.7 kW (10.7 kW on the IT alone).

Cooling power, per heat stream (liquid at `supply_temp`; air through chilled water 6 K below
`air_supply_temp`):

    pumps and fans   = heat_liquid * pump_fraction + heat_air * crah_fan_fraction; the placed CDU's / CRAH's
                       rated power / capacity in place of the fraction (the block's, and each row's for its heat)
    mechanical       = 0 when the outdoor reference is at least `economizer_approach` below the stream's
                       supply temperature (free cooling); else Q / COP with
                       COP = carnot_fraction * T_evap / (T_cond - T_evap),
                       T_evap = T_supply - approach, T_cond = T_outdoor + approach; a placed chiller
                       with a rated `cop` uses it at AHRI 550/590's rating condition (35 degC dry bulb, on
                       towers 25.6 degC wet bulb), scaled by the lift elsewhere
    rejection fans   = (Q + pumps + fans + mechanical) * heat_rejection_fan_fraction
    heat_rejected    = Q + pumps + fans + mechanical + rejection fans (= IT heat + cooling power), summed
                       over the streams the block cools and its halls
    chiller_load     = (Q + pumps of the liquid stream if it needs compressors at the design ambient)
                       + (Q + fans of the air stream if it does), summed as heat_rejected is: the load the
                       chillers are sized on (chillers = ceil(chiller_load / capacity) + spares)
    chilled_water_temp = air_supply_temp - chilled_water_offset   (the air stream's supply temperature)
    T_outdoor: `ambient_temp` for the peak, `mean_ambient_temp` for the average (not given: min(15 degC,
    the `ambient_temp` the spec writes): a year's mean is never above its design hours); cooling towers see the
    wet bulb (`wet_bulb_temp`, else 8 K below the dry bulb).
    liquid_chillers_run / air_chillers_run = 1 unless the loop cools freely at the design ambient
    liquid_free_cooling_hours / air_free_cooling_hours = 8,760 h when the loop cools freely at the mean
                       ambient, else 0 (the model's year is its mean temperature: all or nothing)
                       (both: none where no heat goes to the loop, heat_liquid / heat_air 0: no such loop)

    facility_power     = it_power + power_chain_loss + cooling_power            (peak)
    facility_power_avg = it_power_avg + its loss + cooling_power_avg            (or it_power_avg * pue: the
                         block's own `pue`, else, for a hall, its site's: set_pue; a site's `pue` covers what
                         its halls' own `pue` does not: pue x (it_power_avg - sum over halls setting one of
                         count x hall it_power_avg) + sum of count x those halls' facility_power_avg, so the
                         halls and the IT outside them add up to the site; the site's `pue` output stays the
                         value it sets, so where a hall sets a different one the limits pue-site-ratio-above/-below
                         flag it: the printed PUE is not the site's ratio then, s19-puetruth)
    pue                = facility_power_metered / it_power_metered (the draw the energy bill meters: the
                         site's workloads at their duty cycles, spares at spare_utilization; compiler.models.cost)
    feed_utilization   = facility_power / power_feed (hall) or / utility_feed (site), where the spec gives it
    energy_year        = facility_power_metered * 8,760 h   (a site: its inference services' accelerators at
                         their duty cycles; a hall: its share of its site's by accelerators; compiler.models.cost
                         "$/Mtoken")
    no_load_loss       = the average chain losses with no IT or cooling flowing (each stage's loss at u = 0,
                         carried through the stages before them); k = facility_slope = (facility_power_avg -
                         no_load_loss) / it_power_avg, the chord of the average from no load (the `pue` if set; the
                         square-law chain losses bend below it, the cooling goes with the heat)
    water_year         = heat rejected by towers * 8,760 h * water_use, the placed towers' rated `water_use`
                         (evaporation and blowdown per unit of heat rejected; their count x capacity-weighted
                         mean, on the block or its nearest ancestor that places them), else
                         heat rejected by towers * 8,760 h / evaporation_heat * c / (c - 1) / rho_water
                         (the physics, 1.98 L/kWh at c = 4: a tower's rating was read by no model before);
                         the heat rejected at the average x it_power_metered / it_power_avg of the IT the block
                         cools itself (`_metered_share`: the draw the energy bill meters, s19-energy2)

Gear sizing (outputs of each power gear, generator, CDU and CRAH a hall or site places; the limits and
the diagrams read these, nothing else computes them):
    units_needed = ceil(load / capacity) + spares of the gear's `redundancy` (N+1: 1, N+2: 2; 2N: twice
                   ceil(load / capacity); not given: N); 0 when there is no load. CDUs and CRAHs: the
                   block's `cdus` / `crahs` (the thermal model's count, N+1 when not given; a site's
                   adds its halls')
    utilization  = load / (capacity * units of the kind placed on the block, spares included; a CDU or
                   CRAH placed without a count stands for its units_needed); none when none is placed
    load: the power out of the stage at peak (transformer, switchgear, UPS, rectifier, PDU, busway: what
          the stage delivers, as `stage_flows` gives it: toward the IT, and for transformers and switchgear
          the cooling plant they feed too); the peak facility power for
          generators (IT, losses and cooling run in an outage); the block's heat_liquid (CDU) or heat_air
          (CRAH)
    Example: a hall of 50.3 MW IT on 800 V DC, rectifiers of 1 MW N+1 x 52: out of the rectifiers
    50.3 / 0.99 (busway) = 50.81 MW, units_needed = ceil(50.81) + 1 = 52, utilization = 50.81 / 52 = 97.7%.
Limits (per hall and site that places the gear): units_needed <= units placed (power gear, generators;
CDUs and CRAHs when the spec gives their count). A `pue` the spec sets: it_power_avg <= it_power_avg x pue
(pue-floor) and it_power_avg x pue <= facility_power, the modelled peak (pue-ceiling: the average cannot exceed
the peak the feeds and generators are sized on).

Gear placed in a row (PDUs, busways, rectifiers, CDUs, CRAHs) or a rack (PDUs, CDUs, power shelves) is sized
per row or rack: ceil(load / capacity) + spares of its `redundancy` (N where it gives none) <= the units placed
there, load = the power out of its stage toward the block's IT (it_power over the efficiencies of the stages
after it), the block's liquid / air heat (CDU / CRAH), the power of the rack's parts (power shelf: it_power x
the shelf's efficiency). Example: a row of 1 MW IT under 500 kW busways 2N needs 2 x ceil(1 / 0.5) = 4.

Floor space (a hall that gives its `area`): racks x rack_floor_area <= area, where racks = the hall's racks'
counts + each row's count x its racks' counts and rack_floor_area = 0.6 m x 4.267 m / 2 = 1.28 m^2 (a 600 mm
rack in a row of the 7-tile hot/cold-aisle pitch: the rack and half of each aisle beside it). A floor on the
white space: end-of-row aisles, egress and the CDUs and CRAHs on the floor need more.
    Example: 4 rows of 10 racks: 40 x 1.28 = 51.2 m^2, more than a hall of 50 m^2 holds (a limit).

A site's own share (the IT it holds outside its halls, which it feeds and cools itself):
    it_power_outside_halls     = it_power - sum(hall count * hall it_power)   (likewise it_power_avg)
    cooling_power_outside_halls = cooling_power - sum(hall count * hall cooling_power)   (>= 0: the site's own
                                 plant's draw beyond its halls', which the power view feeds from the site's chain)
    heat_<stream>_outside_halls = heat_<stream> - sum(hall count * hall heat_<stream>)   (>= 0)
    coolant_flow_outside_halls = heat_liquid_outside_halls / (rho_water * cp_water * liquid_delta_t)
    airflow_outside_halls      = heat_air_outside_halls / (rho_air * cp_air * air_delta_t)
    cdus_outside_halls / crahs_outside_halls = ceil(heat / capacity) + spares, as cdus / crahs
    chillers_outside_halls / dry_coolers_outside_halls = the units the heat outside its halls needs on a plant
                               of its own, sized as chillers / dry_coolers on that heat
    economizer_coils           = ceil(economizer_heat / dry_cooler_capacity) + 1 where heat_rejection is "chiller",
                                 else 0 (a site: on its own and each hall's x its count, one plant, its spare once):
                                 the coils that reject the heat of the loops that cool freely at the design ambient
                                 on air-cooled chillers (the chillers' condensers reject the rest), which the capex
                                 prices as dry coolers (cost.py s24-capex2, s25-design). `dry_coolers` counts the dry
                                 coolers of "dry_cooler" only, so on "chiller" it read 0 beside a heat-rejection
                                 charge nothing counted (s26-contract): the enterprise starter at a 10 degC design
                                 day, $41,152 of it for 67.02 kW, now 2 coils (1 + a spare); its cost is unchanged
    chillers (site)            = ceil((load outside halls + sum(hall count * hall load)) / chiller.capacity) +
                                 spares: chillers and dry coolers are placed on the site only, one plant for its
                                 halls and its own heat, so its N+1 spare is the plant's, once (likewise
                                 dry_coolers on the heat rejected). A hall's `chillers` / `dry_coolers` is what
                                 its heat needs alone (a site of that one hall). Before s19-energy the site's was
                                 sum(hall count * hall chillers) + its own, a spare a hall: four 40-rack DGX H100
                                 halls 8 chillers and 12 dry coolers where one plant needs 4 and 9
                                 (tests/test_energy_laws19.py)

Assumptions: the mean ambient temperature stands for the whole year (no hourly weather); power-chain
losses are rejected without extra cooling power; the chillers' own condenser coils act as economizers; the
cooling plant is fed through the transformers and switchgear of the chain of the IT it cools (no UPS).
"""
from __future__ import annotations

import numpy as np

from . import POSITIVE, SHARE, Assumption, NON_NEGATIVE, cached, left_over, limit, output
from . import assumptions as A
from .power import part_power, places_power
from .thermal import SPARES, unit_count, units_needed

POWER_GEAR = ("transformer", "switchgear", "ups", "rectifier", "pdu", "busway")
# The stages of the chain, meter to IT, each a class of gear: placed gear of a class replaces that class's
# default stage only. The default chain has no switchgear stage (its ~0.1% is within the rounding of the
# transformer and PDU figures), so switchgear counts only when placed.
STAGE_CLASSES = (("transformer", ("transformer",)), ("switchgear", ("switchgear",)),
                 ("conversion", ("ups", "rectifier")), ("distribution", ("pdu", "busway")))
_DEFAULT_STAGE = {   # class -> {distribution: (stage kind, assumption)}
    "transformer": {"ac": ("transformer", A.transformer_efficiency),
                    "dc800": ("transformer", A.transformer_efficiency)},
    "switchgear": {},
    "conversion": {"ac": ("ups", A.ups_efficiency), "dc800": ("rectifier", A.rectifier_efficiency)},
    "distribution": {"ac": ("pdu", A.pdu_efficiency), "dc800": ("busway", A.dc_distribution_efficiency)},
}
switchgear_efficiency = Assumption("switchgear_efficiency", 0.999, "1", "switchgear losses ~0.1% [U]")
_GEAR_DEFAULT = {"transformer": A.transformer_efficiency, "ups": A.ups_efficiency, "pdu": A.pdu_efficiency,
                 "rectifier": A.rectifier_efficiency, "busway": A.dc_distribution_efficiency,
                 "switchgear": switchgear_efficiency}
chilled_water_offset = Assumption(
    "chilled_water_offset", 6.0, "K",
    "chilled-water supply below the cold-aisle air temperature across the CRAH coil [U]: 5-8 K typical; at or "
    "below 0 K refused (s21-power: the coil cannot cool the air to the supply with water no colder than it)",
    range=POSITIVE)
wet_bulb_depression = Assumption(
    "wet_bulb_depression", 8.0, "K",
    "wet bulb below dry bulb when the site gives no wet bulb [U]: 5-12 K in temperate summers", range=NON_NEGATIVE)
chiller_rating_dry_bulb = Assumption(
    "chiller_rating_dry_bulb", 273.15 + 35.0, "K",
    "outdoor dry bulb at which a chiller's `cop` is rated [P]: AHRI Standard 550/590 (I-P), 2023 edition, standard "
    "rating conditions, air-cooled condenser entering air 95.0 degF (35 degC); the full-load kW/ton and EER limits "
    "of ASHRAE 90.1-2022 that the stdlib chillers cite are at these conditions", point=True)
chiller_rating_wet_bulb = Assumption(
    "chiller_rating_wet_bulb", 273.15 + 25.6, "K",
    "outdoor wet bulb at which a chiller on cooling towers has its `cop` rated [S]: AHRI Standard 550/590 (I-P), "
    "2023, rates water-cooled chillers at 85 degF (29.4 degC) entering condenser water, the cold water of a tower "
    "at its customary 95/85/78 degF design (78 degF = 25.6 degC wet bulb; Cooling Technology Institute, CTI "
    "STD-201, 2017, certifies towers at such points)", point=True)


def _nearest_gear(ctx, kind):
    """The gear of `kind` placed on this block or its nearest ancestor that places one (None if none)."""
    level = ctx
    while level is not None:
        gear = level.parts(kind)
        if gear:
            return gear[0]
        level = level.parent
    return None


def _gear_levels(ctx, kind):
    """[(gear, the block placing it)] of `kind`, one per level of this block and its ancestors that places one,
    outermost (the site) first."""
    found, level = [], ctx
    while level is not None:
        gear = level.parts(kind)
        if gear:
            found.append((gear[0], level))
        level = level.parent
    return found[::-1]


STACKED = ("transformer",)    # a class whose gear on every level is a stage of its own (site substation, hall unit)


def chain_stages(ctx) -> list[tuple[str, object, str | None]]:
    """[(stage kind, efficiency, path of the block that places the gear or None for a default stage)] from the
    meter to the IT load of this block's own IT.

    Per class (transformer, switchgear, conversion = UPS or rectifier, distribution = PDU or busway): the
    nearest gear of each kind of the class placed on this block or an ancestor, with its `efficiency`
    (else the kind's default); when no gear of the class is placed, the default stage of the block's
    `distribution` (ac: transformer, UPS, PDU; dc800: transformer, rectifier, busway = DC distribution).
    Transformers placed on several levels (a site's substation and a hall's own unit) are each a stage, the
    outermost first: the power is transformed twice, and both lose on it."""
    distribution = ctx.inherited_text("distribution", "ac")
    stages = []
    for cls, kinds in STAGE_CLASSES:
        placed = []
        for k in kinds:
            levels = _gear_levels(ctx, k)
            placed += [(k, g, level.path) for g, level in (levels if k in STACKED else levels[-1:])]
        if placed:
            stages += [(k, g.get("efficiency", _GEAR_DEFAULT[k]), owner) for k, g, owner in placed]
        elif distribution in _DEFAULT_STAGE[cls]:
            kind, assumption = _DEFAULT_STAGE[cls][distribution]
            stages.append((kind, ctx.get(assumption.name, assumption), None))
    return stages


def halls(ctx):
    """The halls a site holds (each cools and feeds its own IT); none for a hall."""
    return ctx.parts("hall") if ctx.kind == "site" else []


def stage_flows(ctx, peak: bool) -> dict[str, tuple[object, object]]:
    """{stage kind: (power out of the stage, loss in it)} for this block's IT (a site adds its halls').

    Walking up from the IT load P: out_k = P / product(eta_j of the stages after k), loss_k =
    out_k * (1 / eta_k - 1); the losses add up to P * (1 / eta - 1). At peak found once per block and
    evaluation (`cached`): each of a block's stage figures (loss, power in, efficiency of each stage kind, its
    own chain's and all it feeds: ~18 a hall) reads it, and a site's read every hall's (s24-scale2: ~40 walks a
    hall before, 3 now, tests/test_site_chain_walks24.py; 2,000 halls' evaluation 34.9 -> 24.2 s CPU)."""
    if peak:
        return cached(ctx, "stage_flows peak", lambda block: _stage_flows(block, True))
    return _stage_flows(ctx, peak)


def _stage_flows(ctx, peak: bool) -> dict[str, tuple[object, object]]:
    flows: dict[str, list] = {}
    for hall in halls(ctx):
        for kind, (out, loss) in stage_flows(hall, peak).items():
            total = flows.setdefault(kind, [np.zeros(1), np.zeros(1)])
            total[0], total[1] = total[0] + hall.count * out, total[1] + hall.count * loss
    for kind, (out, loss) in _own_stages(ctx, peak):
        total = flows.setdefault(kind, [np.zeros(1), np.zeros(1)])
        total[0], total[1] = total[0] + out, total[1] + loss
    return {kind: (o, l) for kind, (o, l) in flows.items()}


def owned_flows(ctx, stop=None) -> dict[tuple[str, str], object]:
    """{(stage kind, path of the block placing the gear): power out of that gear's stage at peak} over this
    block's IT and cooling plant (a site adds its halls', whose chains may run through the site's gear): the
    load each placement carries, apart from another level's gear of the same kind. `stop` (kind, owner path): the
    walk ends at that placement's stage, its power out found without its own loss (which its count sets)."""
    owned: dict[tuple[str, str], object] = {}
    for hall in halls(ctx):
        for key, out in owned_flows(hall, stop).items():
            owned[key] = owned.get(key, np.zeros(1)) + hall.count * out
    for key, out in _carry_chain(ctx, True, stop=stop)[1].items():
        owned[key] = owned.get(key, np.zeros(1)) + out
    return owned


COOLING_FEED = ("transformer", "switchgear")    # the stages that feed the mechanical plant as well as the IT


def _it_groups(ctx, average: bool):
    """[(IT power at peak, at the average (None unless `average`), chain stages)] of the IT this block feeds
    itself: each row it places directly under the chain seen from that row (the PDUs, busways or rectifiers the
    row places replace the block's for its IT), the rest under the block's own chain; the racks (in the block
    or its rows) that place their own PDU take it as one more stage after those (`_rack_pdus`)."""
    groups, in_rows, in_rows_avg = [], np.zeros(1), np.zeros(1)
    for row in ctx.parts("row"):
        it = row.count * row.get("it_power")
        it_avg = row.count * row.get("it_power_avg") if average else None
        in_rows = in_rows + it
        if average:
            in_rows_avg = in_rows_avg + it_avg
        groups += _rack_pdus(row, row.count, it, it_avg, chain_stages(row), average)
    own_avg = _own_it(ctx, False) if average else None
    if not groups:
        return _rack_pdus(ctx, np.ones(1), _own_it(ctx, True), own_avg, chain_stages(ctx), average)
    rest = np.maximum(left_over(_own_it(ctx, True), in_rows), 0.0)
    rest_avg = np.maximum(left_over(own_avg, in_rows_avg), 0.0) if average else None
    # the block's own chain where IT outside its rows uses it (in some scenario): a PDU no power passes is none
    return (_rack_pdus(ctx, np.ones(1), rest, rest_avg, chain_stages(ctx), average) if np.any(rest > 0)
            else []) + groups


def _rack_pdus(holder, mult, it, it_avg, stages, average: bool):
    """Split the IT `it` (at the average `it_avg`) fed through `stages` by `holder` (a row, x mult of them, or
    the block itself): each rack placed directly in it with its own PDU (a rack PDU: the strip or metered unit
    after the floor PDU) runs through one more stage, that PDU at its `efficiency` (else pdu_efficiency), its
    out = mult x rack.count x rack.it_power; the rest through `stages` alone."""
    groups, in_racks, in_racks_avg = [], np.zeros(1), np.zeros(1)
    for rack in holder.parts("rack"):
        pdus = rack.parts("pdu")
        if not pdus:
            continue
        r = mult * rack.count * rack.get("it_power")
        r_avg = mult * rack.count * rack.get("it_power_avg") if average else None
        in_racks = in_racks + r
        if average:
            in_racks_avg = in_racks_avg + r_avg
        eta = pdus[0].get("efficiency", _GEAR_DEFAULT["pdu"])
        groups.append((r, r_avg, stages + [("pdu", eta, rack.path)]))
    if not groups:
        return [(it, it_avg, stages)]
    rest = np.maximum(left_over(it, in_racks), 0.0)
    rest_avg = np.maximum(left_over(it_avg, in_racks_avg), 0.0) if average else None
    return ([(rest, rest_avg, stages)] if np.any(rest > 0) else []) + groups


# Part-load losses (s20-power, restating s19-redund): each unit of a stage has the loss curve of a transformer or
# converter, a no-load part drawn while energized and a load part with the square of its load (I^2 R in windings,
# conductors and conduction), at load fraction x of its rating:
#     unit loss = P_nl + P_ll x^2 = l_1 C (f + (1 - f) x^2)
# C its rating, l_1 its loss at full load per W of rating, f = P_nl / (P_nl + P_ll) its no-load share AT FULL UNIT
# LOAD (<kind>_fixed_loss_share). Its `efficiency` eta is read at the load fraction x_ref of its kind's test
# (REFERENCE_LOAD: a transformer's DOE 50%), where it loses x_ref (1/eta - 1) of its rating, which fixes
#     l_1 = x_ref (1/eta - 1) / (f + (1 - f) x_ref^2).
# The units placed for a stage share its flow y equally: capacity P = units x C, loss(y) = P l_1 (f + (1 - f)
# (y/P)^2) (`part_load_loss`); P = r y_peak, r = `_energized_ratio` (capacity placed / peak load, at least 1) of the
# placement. The flows through one stage (each row's IT, the rack PDUs' groups, the cooling plant its transformers
# feed) are one current in its units: the stage is walked once at their sum, y and y_peak the summed average and
# peak flows (s21-power; before, each flow on its share of P proportional to its peak, so rows at different
# utilizations, or a cooling plant whose average is a different share of its peak than the IT's, summed their
# square-law parts, >= that of the sum by Cauchy-Schwarz: flagship PUE 1.08040 -> 1.08017). Every unit placed (N+1 spares, both
# sides of a 2N pair) is energized and draws its no-load loss (Schneider Electric White Paper 108 rev 2, V. Avelar,
# "Making Large UPS Systems More Efficient", scribd.com/document/698929559, read 2026-12-06 [S]: no-load losses are
# "independent of load" and each side of a 2N system runs at <= 50% load, 20-40% in field surveys; US DOE 10 CFR
# 431.196, a transformer's core loss is drawn while energized). A default stage (no gear placed) is sized on its
# own peak flow with its efficiency read there: P = y_peak, x_ref = 1, loss(u) = y_peak (1/eta - 1) (f + (1 - f) u^2).
# The curve sets the AVERAGE (facility_power_avg, PUE, energy, opex) and, for placed gear, the PEAK (facility_power,
# power_chain_loss, the stage losses, the loads of the stages before it) where it is above the rated loss y_peak
# (1/eta - 1): max(rated, curve at y_peak) (s21-power). Before, the peak was the rated loss whatever the count, so
# the idle units' cores of gear placed far above its load counted at the average only, which then exceeded the peak
# (4 x 2.5 MVA 2N over 40 DGX H100 racks at utilization 1: 104.0 kW of average loss, 99.5 kW at the peak). The
# rated loss stays the floor: the nameplate figure the planner gives (a UPS or rectifier above its 50% test load,
# a busway below its rating, would lose less on the curve; the peak does not go below the rating given).
# The cycle: the peak loss of a placement reads its count (r), so a count sized from a figure that holds its own
# loss (`x 2 * ceil((it_power + power_chain_loss + cooling_power) / 2.5 MW)`, the flagship's before s21-power) is a
# definition cycle (said with its chain). Its closed form: a unit is rated for what it delivers, the power out of
# its stage (`gear_load`, walked with `stop` at the placement: the losses after it, not its own), so its
# `units_needed` = ceil(out / capacity) + spares reads no count of its own and `x mv.units_needed` sizes it; a
# fixed point of the old formula would differ only by the stage's own loss in the ceil (flagship: 208 -> 206 units).
# Laws (tests/test_part_load_losses20.py): loss >= 0; it never falls as the flow rises; over the same peak, more
# capacity raises the average loss where the units run below their loss-optimal load x* = sqrt(f / (1 - f)) (0.5
# for a transformer: the no-load parts added outweigh the square-law parts saved) and lowers it above x*.
# Before s20-power: f' L_peak r + (1 - f') y (1/eta - 1), linear in the load, f' (0.4 transformer, 0.3 UPS) read
# at the partial loads redundant gear runs at, the no-load part taken from the peak loss, r times.
# A site's gear that its halls' chains run through carries all their flows and the site's own at once: each walk's
# flow there takes its share of the units' current, P_h l_1 (f + (1 - f) x_h X), X the load fraction of all of them
# (`_shared_fraction`; s22-power: before, each hall its own square-law part on its share of the units, which summed
# over halls of different load factors to more than the units lose, tests/test_shared_site_gear22.py).
# Assumptions: the units of a placement share its load equally; the
# metered draw (compiler.models.cost) walks the chain again at the metered flows (`metered_change`). Pumps and fans
# are not given a fixed part: they are modelled proportional to the heat, which already sits above the fan affinity
# law (power ~ flow^3) down to a minimum speed of 30-50%.
transformer_fixed_loss_share = Assumption(
    "transformer_fixed_loss_share", 0.2, "1",
    "no-load (core) share of a distribution transformer's loss at its full rated load, P_nl / (P_nl + P_ll) "
    "[P][D]: US DOE 10 CFR 431.196 (2016 levels) sets the efficiency of liquid-immersed and medium-voltage "
    "dry-type distribution transformers at 50% per-unit load (liquid-immersed three-phase 2,500 kVA: 99.53%; "
    "self-law.org/code/us/cfr/t10/s431.196, read 2026-12-05 [P]; the test load, 10 CFR 431 Subpart K appendix A); "
    "a design loss-optimized for that test point has its core loss equal to its load (winding) loss there, "
    "P_nl = P_ll x 0.5^2 (a transformer's efficiency peaks where the two are equal) [D], so P_nl = 0.25 P_ll: "
    "f = 0.25 / 1.25 = 0.2 at rating (0.5 of the loss at 50% load). The 2,500 kVA unit at 99.53%: loss at 50% "
    "= 1,250 kW x (1/0.9953 - 1) = 5.90 kW, core 2.95 kW, winding 11.8 kW at rating [D]. Range 0.1-0.3 (older "
    "or oversized designs run their core share lower at rating)", range=SHARE)
ups_fixed_loss_share = Assumption(
    "ups_fixed_loss_share", 0.36, "1",
    "no-load share of a double-conversion UPS's loss at its full rated load (control, fans, magnetics and "
    "capacitor losses, drawn at any load) [U][D]: the curve P_nl + P_ll x^2 through the vendor curves of the Eaton "
    "93PM and Schneider Galaxy VX (read 2026, as stdlib UPS_1250kVA: flat at 96-97% from 40% to 100% load, "
    "~94.5% at 25%; the Galaxy VS is marketed at \"up to 97% at every load level\" in double conversion, "
    "eatonupsus.com, read 2026-12-06 [S]): 96.5% at 100% and 94.5% at 25% give a loss of 0.03627 and 0.01455 of "
    "rating, P_ll = (0.03627 - 0.01455) / (1 - 1/16) = 0.02317, P_nl = 0.01310 [D]: f = 0.36; the fit gives "
    "96.4% at 50% and 96.6% at 75% (the curve's flat top). Schneider White Paper 108 (no-load losses \"can "
    "represent over 40% of all UPS losses\" at the partial loads UPS run at) agrees. Range 0.2-0.5", range=SHARE)
rectifier_fixed_loss_share = Assumption(
    "rectifier_fixed_loss_share", 0.36, "1",
    "no-load share of an AC-to-DC rectifier's loss at its full rated load [U]: the UPS's figure (both are "
    "switch-mode converters with fixed control, fan and magnetics losses; 800 V DC rectifier curves are not yet "
    "public). Range 0.15-0.5", range=SHARE)
pdu_fixed_loss_share = Assumption(
    "pdu_fixed_loss_share", 0.11, "1",
    "no-load share of a floor PDU's loss at its full rated load [D][U]: its isolation transformer is low-voltage "
    "dry-type, which US DOE 10 CFR 431.196(a) rates at 35% per-unit load (read 2026-12-05 [P]); loss-optimized "
    "there, P_nl = P_ll x 0.35^2, f = 0.1225 / 1.1225 = 0.11 at rating [D]; its cable and breaker I^2R losses "
    "(no fixed part) would lower it. Range 0.05-0.2 (a PDU without a transformer: ~0)", range=SHARE)
# The load fraction of its rating at which a placed unit's `efficiency` is read (x_ref): a transformer's at DOE 10 CFR
# 431.196's 50% per-unit test load (liquid-immersed and medium-voltage dry-type: the stdlib Transformer_2500kVA's
# 0.99 is "at 50% load"), a floor PDU's at the 35% low-voltage dry-type test load of the same rule (read 2026-12-05
# [P]), a UPS's and a rectifier's at 50% (the stdlib UPS_1250kVA's 0.96 is "at 40-80% load", the curve flat there
# [U]); busways, switchgear and power shelves at their rating [U]. A default stage (no gear placed) has no units:
# its efficiency is the chain's at its peak flow (x_ref 1, r 1).
REFERENCE_LOAD = {"transformer": 0.5, "pdu": 0.35, "ups": 0.5, "rectifier": 0.5}
# Busways, DC distribution and switchgear are conductors and contacts: I^2R losses only, no fixed part.
FIXED_LOSS_SHARE = {"transformer": transformer_fixed_loss_share, "ups": ups_fixed_loss_share,
                    "rectifier": rectifier_fixed_loss_share, "pdu": pdu_fixed_loss_share}


def part_load_loss(out, out_peak, eta, f, r, x_ref, shared=None):
    """A stage's loss at the flow `out`, its units' curve P_nl + P_ll x^2 (see the comment above the fixed shares):
    the units placed for it hold r x out_peak of capacity (r = `_energized_ratio`; 1 for a default stage, sized on its
    peak flow `out_peak`), each loses 1/eta - 1 of what it delivers at load fraction x_ref of its rating, f of a
    unit's loss at full load is no-load:
        capacity P = r out_peak,  a unit's full-load loss per W of rating l_1 = x_ref (1/eta - 1) / (f + (1 - f) x_ref^2)
        loss = P l_1 (f + (1 - f) (out / P)^2)
    0 where no power flows at peak (P = 0). Hand check: 2 x 2.5 MVA transformers (2N, P = 5 MW) at 0.99 at 50% load
    (x_ref 0.5, f 0.2) over 2.0 MW at peak: l_1 = 0.5 x 0.010101 / 0.4 = 0.012626; at peak 5 MW x 0.012626 x (0.2 +
    0.8 x 0.16) = 20.707 kW, at 1.0 MW 5 MW x 0.012626 x (0.2 + 0.8 x 0.04) = 14.646 kW, no-load 12.626 kW (2 x
    2.5 MVA x 0.2 x 0.012626 = 2 x 6.31 kW).
    `shared`: X, the load fraction of all the units of the placement where flows of other blocks run through them
    too (a site's gear under its halls, `_shared_fraction`): this flow's share of the square-law part is its share of
    the current, loss = P l_1 (f + (1 - f) x X), x = out / P its own (the shares of all the flows through the units
    add up to their loss at the summed flow, P_all l_1 (f + (1 - f) X^2); s22-power). None: X = x."""
    capacity = r * out_peak
    full = x_ref * (1 / eta - 1) / (f + (1 - f) * x_ref * x_ref)
    x = out / np.where(capacity > 0, capacity, 1.0)
    both = x if shared is None else shared
    return np.where(capacity > 0, capacity * full * (f + (1 - f) * x * both), 0.0)


def _fixed_share(ctx, kind: str):
    """f of the stage `kind` (0 for busways and switchgear); a `let <kind>_fixed_loss_share` on the block sets it."""
    assumption = FIXED_LOSS_SHARE.get(kind)
    return np.zeros(1) if assumption is None else ctx.get(assumption.name, assumption)


def _own_stages(ctx, peak: bool, cooling_fed: bool = True):
    """[(stage kind, (power out, loss))] of the IT this block feeds itself (a site's halls feed theirs; each row
    through its own chain, `_it_groups`) and of the cooling plant that cools it: the plant's power (the block's
    own cooling power, peak or average) joins the flow at the last transformer or switchgear stage before the IT
    (the mechanical plant is fed from the low-voltage switchboard, not through the UPS, rectifiers or PDUs), so
    those stages lose power on it too. At peak, fed to the cooling plant too, found once per block and
    evaluation (`cached`, as `stage_flows`)."""
    if peak and cooling_fed:
        return cached(ctx, "own_stages peak", lambda block: _carry_chain(block, True)[0])
    return _carry_chain(ctx, peak, cooling_fed)[0]


def _carry_chain(ctx, peak: bool, cooling_fed: bool = True, no_load: bool = False, scale=1.0, stop=None,
                 scales=None, memo=None):
    """([(stage kind, (power out, loss))], {(kind, owner path): power out}) of `_own_stages`. Stages of one kind
    next to each other in a chain (a site's and a hall's transformers, a floor PDU and a rack's) count as one
    stage of that kind: their losses add up, its power out is the innermost one's (so out + loss is the power
    into the outermost); each placement's own out is kept apart by its owner for sizing (`owned_flows`).
    `no_load` (average only): the chain's losses with no IT and no cooling power flowing (each stage's fixed
    part f * L_peak, carried through the stages before it): the intercept of the average losses, affine in the
    average IT and cooling power (`no_load_loss`). `scale` (average only): the block's own average IT and cooling
    flows times it (`metered_change`). `stop` ((kind, owner path)): the walk ends at that placement's stage, its
    power out kept (peak: `gear_load`; average: `_shared_fraction`) and its loss, which reads its units' count, not
    computed. `scales` (average only): {block path: scale} of the chains of the site at this walk (the metered
    draw's, `metered_change`; None: every other chain at its average), which a site's gear shared with its halls
    reads for its load fraction (`_shared_fraction`); `memo` holds those fractions for one walk and the walks it makes
    (each found once: a site's stages nested inside each other would walk its halls once per stage per level)."""
    # the flows entering each stage, keyed by the chain from the meter down to it (meter-side stages first): the
    # groups whose chains share that prefix run through the same units, so each stage is walked once at the sum of
    # its flows (s21-power: the square-law part is of the summed current, not a sum of each flow's own)
    entering: dict[tuple, list] = {}

    def enter(stages, out_peak, out_avg):
        key = tuple((kind, owner) for kind, _, owner in stages)
        entering.setdefault(key, [stages, []])[1].append((out_peak, out_avg, None))

    for it_peak, it_avg, stages in _it_groups(ctx, average=not peak):
        if stages:
            enter(stages, it_peak, None if peak else (0.0 * it_avg if no_load else it_avg * scale))
    feed = [stage for stage in chain_stages(ctx) if stage[0] in COOLING_FEED]
    if cooling_fed and feed:
        enter(feed, _own_cooling(ctx, True),
              None if peak else (np.zeros(1) if no_load else _own_cooling(ctx, False) * scale))
    flows: dict[str, list] = {}
    owned: dict[tuple[str, str], object] = {}
    # innermost stages first (a longer prefix lies nearer the IT); a stage's flows: (peak, average, the kind of the
    # stage they come out of, None from the IT or plant)
    while entering:
        key = max(entering, key=len)
        stages, into = entering.pop(key)
        kind, eta, owner = stages[len(key) - 1]
        out_peak = sum((p for p, _, _ in into), np.zeros(1))
        if stop is not None and (key[-1] == stop or stop not in key):
            # the stop's stage: its power out; a stage not after it (before it, or on another branch): not needed
            if key[-1] == stop:
                owned[stop] = owned.get(stop, np.zeros(1)) + (
                    out_peak if peak else sum((a for _, a, _ in into), np.zeros(1)))
            continue
        # its loss at the average flow, its units' curve (`part_load_loss`) at the summed flow, r =
        # `_energized_ratio` of the placement; at the peak flow its rated loss out_peak (1/eta - 1), or for placed
        # gear the curve there where that is more (`_peak_loss`: the idle units' cores of gear placed far above its
        # load; s21-power, before counted at the average only)
        energized = _energized_ratio(ctx, kind, owner) if owner is not None else None
        loss_peak = out_peak * (1 / eta - 1) if owner is None else \
            np.maximum(out_peak * (1 / eta - 1), _placed_loss(ctx, kind, out_peak, out_peak, eta, energized))
        if peak:
            out, loss, counted = out_peak, loss_peak, sum((p for p, _, k in into if k != kind), np.zeros(1))
            passed = out_peak + loss_peak
        else:
            out_avg = sum((a for _, a, _ in into), np.zeros(1))
            # a site's gear that its halls' chains run through too: this walk's flow takes its share of the current
            # of all of them (`_shared_fraction`; s22-power: before, each hall's flow its own square-law part)
            if memo is None:
                memo = {}
            shared = None if owner is None or no_load else _shared_fraction(ctx, kind, owner, scales, memo)
            loss = part_load_loss(out_avg, out_peak, eta, _fixed_share(ctx, kind), np.ones(1), 1.0) \
                if owner is None else _placed_loss(ctx, kind, out_avg, out_peak, eta, energized, shared)
            out, counted = out_avg, sum((a for _, a, k in into if k != kind), np.zeros(1))
            passed = out_avg + loss
        # stages of one kind next to each other count as one: its power out is the innermost one's
        total = flows.setdefault(kind, [np.zeros(1), np.zeros(1)])
        total[0], total[1] = total[0] + counted, total[1] + loss
        if owner is not None:
            owned[(kind, owner)] = owned.get((kind, owner), np.zeros(1)) + out
        if len(key) > 1:
            entering.setdefault(key[:-1], [stages, []])[1].append((out_peak + loss_peak, passed, kind))
    return [(kind, tuple(flows[kind])) for kind in POWER_GEAR if kind in flows], owned


def _placed_loss(ctx, kind: str, out, out_peak, eta, energized, shared=None):
    """The loss of a placed stage at the flow `out` (peak flow `out_peak`): its units' curve with r = `energized`
    (`_energized_ratio`), its efficiency read at its kind's test load (REFERENCE_LOAD); `shared` the load fraction
    of all its units where other blocks' flows run through them too (`_shared_fraction`)."""
    return part_load_loss(out, out_peak, eta, _fixed_share(ctx, kind), energized, REFERENCE_LOAD.get(kind, 1.0),
                          shared)


def _shared_fraction(ctx, kind: str, owner: str, scales=None, memo=None):
    """X = Y / P of the `kind` gear a site places (`owner` its path) where its halls' chains run through it: Y the
    sum of the average flows out of that stage over everything it feeds (each hall x its count, and the site's own
    IT and cooling plant), each chain at its scale in `scales` ({block path: scale}, 1 where absent: the metered
    draw's, `metered_change`), P = r x its peak load (`gear_load`), the capacity its units hold. The units carry one
    current: a flow's share of their square-law loss is its share of that current (`part_load_loss`'s `shared`),
    so the shares add up to the loss at the summed flow, P l_1 (f + (1 - f) X^2). Before s22-power each hall
    walked its own flow through the site's gear on its share of the units, sum_h P_h (y_h / P_h)^2 >= (sum y_h)^2 / P
    (Cauchy-Schwarz): halls, or a site's own IT and plant, of different load factors summed their square-law parts.
    None (each flow its own, x) for gear placed elsewhere (a hall's, a row's, a rack's: one walk holds all its
    flows) or on a site without halls. `memo` ({(owner, kind): X}) keeps each found once over one walk."""
    memo = {} if memo is None else memo
    if (owner, kind) in memo:
        return memo[(owner, kind)]
    site = _placement_block(ctx, owner)
    if site is None or site.kind != "site" or not halls(site):
        memo[(owner, kind)] = None
        return None
    # at every chain's average (no `scales`) the fraction is one per evaluation (`cached`): each hall's average
    # walk reads it, so found per walk a site of n halls walked them ~n^2 times
    memo[(owner, kind)] = _site_shared_fraction(site, kind, scales, memo) if scales is not None else \
        cached(site, f"shared_fraction {kind}", lambda block: _site_shared_fraction(block, kind, None, {}),
               shared=True)
    return memo[(owner, kind)]


def _site_shared_fraction(site, kind: str, scales, memo):
    """X of `_shared_fraction` for the `kind` gear the site `site` places (its halls' chains run through it)."""
    stop = (kind, site.path)

    def into(block):
        at = np.ones(1) if scales is None else scales.get(block.path, np.ones(1))
        return _carry_chain(block, False, scale=at, stop=stop, scales=scales, memo=memo)[1].get(stop, np.zeros(1))

    flow = into(site) + sum((hall.count * into(hall) for hall in halls(site)), np.zeros(1))
    load = gear_load(site, kind)
    capacity = _energized_ratio(site, kind, site.path) * (np.zeros(1) if load is None else load)
    return np.where(capacity > 0, flow / np.where(capacity > 0, capacity, 1.0), 0.0)


def _placement_block(ctx, owner: str):
    """The block at path `owner` that places a stage of this block's chain: the block or an ancestor (hall, site),
    a row it places, or a rack in it or in one of its rows (a rack's own PDU); None where none is."""
    level = ctx
    while level is not None:
        if level.path == owner:
            return level
        level = level.parent
    for row in ctx.parts("row"):
        if row.path == owner:
            return row
        for rack in row.parts("rack"):
            if rack.path == owner:
                return rack
    return next((rack for rack in ctx.parts("rack") if rack.path == owner), None)


def _energized_ratio(ctx, kind: str, owner: str):
    """r = max(1, units placed x capacity / peak load) of the `kind` gear placed by `owner`: how many times the
    peak load the energized gear is rated for. Every unit placed is energized (an N+1 spare and both sides of a
    2N pair share the load) and draws its no-load loss (transformer core loss, UPS and rectifier control, fan
    and magnetics losses) whatever its share of the load, so the stage's fixed loss is that of the capacity
    placed, not of the capacity the load needs (s19-redund). The load: the placement's power out at peak
    (`gear_load` for a hall's or site's gear, its halls' flows through it included; `local_gear_load` per row
    or rack for gear placed there, against the units placed in one row or rack). 1 where the gear places less
    capacity than its load (the units-needed limit flags it) or gives no capacity, or no power flows."""
    block = _placement_block(ctx, owner)
    if block is None:
        return np.ones(1)
    gear = block.parts(kind)
    if block.kind in ("hall", "site"):
        load = gear_load(block, kind)
        placed = sum((_units_placed(g) * g.get("capacity", 0.0) for g in gear), np.zeros(1))
    else:
        load = local_gear_load(block, kind)
        placed = sum((g.count * g.get("capacity", 0.0) for g in gear), np.zeros(1))
    if load is None:
        return np.ones(1)
    return np.where(load > 0, np.maximum(1.0, placed / np.where(load > 0, load, 1.0)), 1.0)


def _outside_halls(ctx, name: str):
    """The block's figure `name` less its halls' (count x each hall's): what it holds itself, a site's IT, heat or
    cooling outside its halls (the block's own figure where it has no halls); 0 for round-off (left_over), never
    negative."""
    in_halls = sum((hall.count * hall.get(name) for hall in halls(ctx)), np.zeros(1))
    return np.maximum(left_over(ctx.get(name), in_halls), 0.0)


def _own_cooling(ctx, peak: bool):
    """The cooling power of the heat this block cools itself: its cooling_power (peak or average) less its
    halls' (each hall's plant is fed through the hall's own chain)."""
    return _outside_halls(ctx, "cooling_power" if peak else "cooling_power_avg")


def _it_path_loss(ctx):
    """The chain's peak losses on the IT power alone (without the cooling plant its transformers feed): the
    `power_chain_efficiency` of the IT path (a site adds its halls')."""
    total = sum((loss for _, (_, loss) in _own_stages(ctx, True, cooling_fed=False)), np.zeros(1))
    for hall in halls(ctx):
        total = total + hall.count * _it_path_loss(hall)
    return total


def _loss(ctx, peak: bool):
    """The sum of the stage losses; a site takes each hall's own `power_chain_loss` (which a spec may set)."""
    total = np.zeros(1)
    for hall in halls(ctx):
        total = total + hall.count * (hall.get("power_chain_loss") if peak else _loss(hall, False))
    for _, (_, loss) in _own_stages(ctx, peak):
        total = total + loss
    return total


def no_load_loss(ctx):
    """The average chain losses with no IT and no cooling power flowing: sum over stages of the fixed part
    f * L_peak, each carried through the stages before it (a site adds its halls', as its average loss does).
    facility_power_avg is affine in the average IT power, facility_power_avg = no_load_loss + k * it_power_avg
    (the variable chain losses and the cooling power, pumps, fans, compressors at the mean ambient and rejection
    fans, all go with the heat; `facility_slope`)."""
    if set_pue(ctx) is not None:           # a set pue: facility = pue x IT, no fixed part
        return np.zeros(1)
    total = np.zeros(1)
    for hall in halls(ctx):
        total = total + hall.count * no_load_loss(hall)
    for _, (_, loss) in _carry_chain(ctx, False, no_load=True)[0]:
        total = total + loss
    return total


def set_pue(ctx):
    """The `pue` that states the block's facility power: its own where it sets one, else (a hall) its site's: a
    site's `pue` is its facility power over all its IT, its halls' included, so each hall's average is its IT x
    that pue and the halls and the IT outside them add up to the site's (before s19-energy a hall kept its
    modelled average under a site's pue, 292.0 kW at its own 1.234 while the site said 1.05, and took only the
    services' change at the site's pue: raising the site's pue lowered the hall's bill,
    tests/test_energy_laws19.py). None where neither sets one."""
    if ctx.is_set("pue"):
        return ctx.get("pue")
    site = ctx.parent
    if ctx.kind == "hall" and site is not None and site.kind == "site" and site.is_set("pue"):
        return site.get("pue")
    return None


def facility_slope(ctx):
    """k, the facility watts at the meter per watt of average IT power: (facility_power_avg - no_load_loss) /
    it_power_avg (the `pue` where the spec sets one: its average is it_power_avg * pue; 0 without IT power). Exact where all the block's IT runs
    through one chain and one cooling plant; over halls or rows of different chains, their IT-weighted mean."""
    pue = set_pue(ctx)
    if pue is not None and not any(hall.is_set("pue") for hall in halls(ctx)):
        return pue
    it_avg = ctx.get("it_power_avg")
    slope = (ctx.get("facility_power_avg") - no_load_loss(ctx)) / np.where(it_avg > 0, it_avg, 1.0)
    return np.where(it_avg > 0, slope, 0.0)


def metered_change(ctx, change, scales=None, memo=None):
    """The change of the block's own average facility power (a site's: outside its halls) when its own average IT
    power I changes by `change` (its share of the services' draws, compiler.models.cost.metered_changes):
        F(s) - F(1),   F(s) = s (I + C) + the chain's average losses with its IT and cooling flows at s times
        their averages,   s = max(0, 1 + change / I)
    (C its own average cooling power, which goes with the heat). The chain's square-law losses are walked at the
    metered flows, not along a slope: a chain whose accelerators the services all hold draws the same at any
    planning `utilization` (its metered flows are the services' whatever the planning draw). Exact where the
    block's own IT runs through one chain group; over rows or rack PDUs of different load factors it scales each
    group by the same s. A set `pue` (the block's, else a hall's site's): pue x change. A block with no IT of its
    own: facility_slope x change (no services' accelerators there: change 0). `scales` ({block path: s}, the
    metered scale of every chain of the site, `metered_scale`): the site's gear its halls share is walked with all
    of them at their metered flows (its units' load fraction, `_shared_fraction`), so the halls' and the site's
    changes add up to the change of the shared units' loss (s22-power); None: the other chains at their averages.
    `memo` ({(owner, kind): X}, `_shared_fraction`): the shared gear's load fractions at `scales`, found once for
    the walks of every chain of the site at those scales (each a walk of every hall: found per hall, a site of n
    halls under its own gear walked them ~n^2 times; s24-scale)."""
    pue = set_pue(ctx)
    if pue is not None:                 # its own part is pue x its own IT (_facility_avg), whatever its halls set
        return pue * change
    it = _own_it(ctx, False)
    own = it > 0
    scale = metered_scale(ctx, change)
    at_scales = dict(scales or {}, **{ctx.path: scale})

    def losses(at, shared):
        walked = _carry_chain(ctx, False, scale=at, scales=shared, memo=memo if shared is not None else None)
        return sum((loss for _, (_, loss) in walked[0]), np.zeros(1))

    moved = (scale - 1.0) * (it + _own_cooling(ctx, False)) + losses(scale, at_scales) - losses(1.0, None)
    return np.where(own, moved, facility_slope(ctx) * change)


def metered_scale(ctx, change):
    """s = max(0, 1 + change / I) of the block's own average IT I (a site's: outside its halls; 1 without IT of
    its own): the factor the services' draws put on its own IT and cooling flows (`metered_change`)."""
    it = _own_it(ctx, False)
    own = it > 0
    return np.where(own, np.maximum(1.0 + change / np.where(own, it, 1.0), 0.0), 1.0)


def _stage_output(kind: str, what: str, own: bool = False):
    """`what` (loss, power_in, efficiency) of the `kind` stage at peak: of all the block feeds (a site's
    halls included), or (`own`) of a site's chain for its IT outside its halls."""
    def compute(ctx):
        flows = dict(_own_stages(ctx, peak=True)) if own else stage_flows(ctx, peak=True)
        if kind not in flows:
            ctx.not_applicable()
        out, loss = flows[kind]
        if what == "efficiency":
            if own and not np.any(out + loss > 0):      # no IT outside its halls in any scenario: no such chain
                ctx.not_applicable()
            return _ratio(ctx, out, out + loss, f"no power flows through its {kind} stage")
        return {"loss": loss, "power_in": out + loss}[what]
    return compute


def _outdoor(ctx, peak: bool, tower: bool):
    if peak:
        dry = ctx.inherited("ambient_temp", A.ambient_temp)
        if tower and ctx.inherited_is_set("wet_bulb_temp"):
            return ctx.inherited("wet_bulb_temp", A.ambient_temp)
    else:
        dry = ctx.inherited("mean_ambient_temp", A.mean_ambient_temp)
        if not ctx.inherited_is_set("mean_ambient_temp") and ctx.inherited_is_set("ambient_temp"):
            # a year's mean is never above its design hours: a spec that writes a design ambient_temp below the
            # default mean (15 degC) and no mean is read at its design temperature (session 24; before, a -30 degC
            # site's PUE and energy were computed at 15 degC)
            dry = np.minimum(dry, ctx.inherited("ambient_temp", A.ambient_temp))
    if tower:
        return dry - ctx.get("wet_bulb_depression", wet_bulb_depression)
    return dry


def _placed_chiller(ctx):
    level = ctx
    while level is not None:
        for gear in level.parts("chiller"):
            if gear.is_set("cop"):
                return gear
        level = level.parent
    return None


def _mechanical(ctx, heat, t_supply, t_outdoor):
    """Compressor power to reject `heat` from a loop supplied at t_supply, and whether it is needed.

    COP = carnot_fraction * T_evap / lift; a placed chiller with a rated `cop` instead gives
    COP = cop * lift(rated) / lift(t_outdoor): its rating, scaled by the lift. The rating is at the standard
    condition of AHRI 550/590, whatever the site's climate: the condenser's outdoor reference at 35 degC dry bulb
    (chiller_rating_dry_bulb), on cooling towers 25.6 degC wet bulb (chiller_rating_wet_bulb: 85 degF condenser
    water), with the loop's own evaporator (the supply less the approach). Before s19-energy2 the reference was
    the site's design `ambient_temp`, so a hotter design day made the same chiller better on every other day
    (30 -> 45 degC with the mean at 15 degC: 8 DGX H100 racks on Chiller_AC_500ton, energy 2.704 -> 2.583 GWh/yr,
    PUE 1.304 -> 1.246), and on towers the dry bulb while the condenser saw the wet bulb (a water-cooled chiller
    rated 6.28 gave 8.29 at 35 degC dry / 27 degC wet; tests/test_energy_laws19b.py)."""
    approach = ctx.get("chiller_approach", A.chiller_approach)
    free = _free_cooling(ctx, t_supply, t_outdoor)
    t_evap = t_supply - approach
    lift = np.maximum(t_outdoor + approach - t_evap, 1e-9)
    chiller = _placed_chiller(ctx)
    if chiller is not None:
        design = ctx.get("chiller_rating_wet_bulb", chiller_rating_wet_bulb) if _tower(ctx) else \
            ctx.get("chiller_rating_dry_bulb", chiller_rating_dry_bulb)
        cop = chiller.get("cop") * np.maximum(design + approach - t_evap, 1e-9) / lift
    else:
        cop = ctx.get("carnot_fraction", A.carnot_fraction) * t_evap / lift
    return np.where(free, 0.0, heat / cop), ~free


def _free_cooling(ctx, t_supply, t_outdoor):
    """Free cooling: the outdoor reference is at least `economizer_approach` below the loop's supply."""
    return t_outdoor <= t_supply - ctx.get("economizer_approach", A.economizer_approach)


def _loop_supply(ctx, loop: str):
    """Supply temperature of the liquid loop (`supply_temp`) or of the chilled water feeding the CRAHs
    (`air_supply_temp` - chilled_water_offset)."""
    if loop == "liquid":
        return ctx.inherited("supply_temp", A.supply_temp)
    return ctx.inherited("air_supply_temp", A.air_supply_temp) - ctx.get("chilled_water_offset",
                                                                        chilled_water_offset)


def _tower(ctx) -> bool:
    return ctx.inherited_text("heat_rejection", "chiller") == "cooling_tower"


def _loop_present(ctx, loop: str):
    """Where the block has no such loop (heat_liquid, or heat_air, 0: no heat goes to it): in no scenario, its
    figures do not apply (left out of the results, as `_stage_output`'s efficiency of a chain with no flow); in
    some scenarios of a sweep (a count swept through 0), absent there with the reason. Returns that mask."""
    none = np.asarray(ctx.get(f"heat_{loop}"), dtype=float) <= 0
    if none.all():
        ctx.not_applicable()
    if none.any():
        ctx.absent(none, f"no {loop} loop: no heat goes to {loop} here (heat_{loop} 0 W)")
    return none


def _cools_freely_at_design(ctx, loop: str):
    """Whether `loop` cools freely at the design ambient (its dry or, on towers, wet bulb): where it does not it
    needs compressors, what chillers are sized for."""
    return _free_cooling(ctx, _loop_supply(ctx, loop), _outdoor(ctx, peak=True, tower=_tower(ctx)))


def _chillers_run(loop: str):
    """1 when the loop needs compressors at the design ambient (what chillers are sized for), else 0; none where
    the block has no such loop (`_loop_present`: four air-cooled DGX H100 racks have no liquid loop to run
    chillers for)."""
    def compute(ctx):
        none = _loop_present(ctx, loop)
        return np.where(_cools_freely_at_design(ctx, loop), 0.0, 1.0) + 0 * none
    return compute


def _free_cooling_hours(loop: str):
    """8,760 h when the loop cools freely at the mean ambient, else 0: the model's year is its mean
    ambient temperature (no hourly weather), so a loop runs on chillers all year or none of it. Where the block
    has no such loop (heat_liquid, or heat_air, 0: no heat goes to it), not 8,760 h of a loop that is not there
    (four air-cooled DGX H100 racks have no liquid_free_cooling_hours): in no scenario, not applicable (left out
    of the results, as `_stage_output`'s efficiency of a chain with no flow); in some scenarios of a sweep (a
    count swept through 0), absent there with the reason."""
    def compute(ctx):
        none = _loop_present(ctx, loop)
        free = _free_cooling(ctx, _loop_supply(ctx, loop), _outdoor(ctx, peak=False, tower=_tower(ctx)))
        return np.where(free, A.YEAR, 0.0) + 0 * none
    return compute


def _gear_fraction(ctx, gear_kind, default: Assumption):
    gear = ctx.parts(gear_kind)
    if gear and gear[0].is_set("power"):
        return gear[0].get("power") / gear[0].get("capacity")
    return ctx.get(default.name, default)


def _mover_power(ctx, heat, kind: str, default: Assumption, scale):
    """Pump (CDU) or fan (CRAH) power of `heat` (liquid / air) that this block cools itself: the heat of each row
    it places whose own CDUs / CRAHs give a rated `power` at that row's rate (power / capacity of the row's gear:
    a 2 MW CDU drawing 100 kW pumps 5% of its heat), the rest at the block's gear's rate or the default fraction.
        movers = sum(row.count * row heat * scale * row rate) + (heat - those rows' heat) * block rate
    scale: it_power_avg / it_power of the block at the average, 1 at the peak."""
    name = "heat_liquid" if kind == "cdu" else "heat_air"
    in_rows, total = np.zeros(1), np.zeros(1)
    for row in ctx.parts("row"):
        gear = row.parts(kind)
        if gear and gear[0].is_set("power"):
            row_heat = row.count * row.get(name) * scale
            in_rows = in_rows + row_heat
            total = total + row_heat * gear[0].get("power") / _nonzero(gear[0].get("capacity"))
    rest = np.maximum(left_over(heat, in_rows), 0.0)
    return total + rest * _gear_fraction(ctx, kind, default)


def own_average_share(ctx):
    """it_power_avg / it_power of the IT this block cools and feeds itself (a site: less its halls'), the share of
    its peak heat it puts out on average; 1 without IT of its own. A site's own IT (a fabric, racks outside its
    halls) is scaled by its own share, not by the site's whole (which its halls' load moves): before s18-huntnum
    the site's own liquid heat took (its halls' liquid heat) x (site share - hall share) with it, so a fabric's
    cooling rose with the halls' utilization."""
    it, it_avg = _own_it(ctx, True), _own_it(ctx, False)
    return np.where(it > 0, it_avg / _nonzero(it), 1.0)


def direct_heat(ctx, peak: bool):
    """Heat (liquid, air) of the IT this block cools itself (a site's halls cool their own): its peak heat less its
    halls', at the average times its own share (`own_average_share`)."""
    scale = np.ones(1) if peak else own_average_share(ctx)
    # round-off of the halls' heat summed twice is none (left_over): 6e-11 W of it sized a spare CRAH outside the halls
    return _outside_halls(ctx, "heat_liquid") * scale, _outside_halls(ctx, "heat_air") * scale


def _nonzero(x):
    return np.where(x == 0, 1.0, x)


def _ratio(ctx, num, den, nothing: str):
    """num / den, an efficiency or a PUE: absent (no value; `nothing` says why) where den is 0, as a ratio
    of no power has none (never a 0 that reads as a plant losing everything). A block that places nothing that
    draws power (a site of workloads alone: no building) has no such ratio at all: not applicable, left out of
    the results as a site with no inference has no tokens/s (it was NaN in every scenario, which no diagnostic
    flagged); a placement whose count is 0 (`racks = 0`, or a sweep through 0) keeps the absent value and its
    reason in those scenarios."""
    if not places_power(ctx):
        ctx.not_applicable()
    empty = np.asarray(den) <= 0
    if np.any(empty):
        ctx.absent(empty, nothing)
    return np.where(empty, np.nan, num / _nonzero(den))


def stream_cooling(ctx, peak: bool):
    """(cooling power, mechanical heat load, total heat rejected) of the heat this block cools itself."""
    liquid, air = direct_heat(ctx, peak)
    outdoor = _outdoor(ctx, peak, _tower(ctx))
    scale = np.ones(1) if peak else own_average_share(ctx)
    pumps = _mover_power(ctx, liquid, "cdu", A.pump_fraction, scale)
    fans = _mover_power(ctx, air, "crah", A.crah_fan_fraction, scale)
    t_liquid, t_air = _loop_supply(ctx, "liquid"), _loop_supply(ctx, "air")
    mech_liquid, needs_liquid = _mechanical(ctx, liquid + pumps, t_liquid, outdoor)
    mech_air, needs_air = _mechanical(ctx, air + fans, t_air, outdoor)
    mechanical = mech_liquid + mech_air
    rejected = liquid + air + pumps + fans + mechanical
    rejection_fans = rejected * ctx.get("heat_rejection_fan_fraction", A.heat_rejection_fan_fraction)
    chiller_load = np.where(needs_liquid, liquid + pumps, 0.0) + np.where(needs_air, air + fans, 0.0)
    return pumps + fans + mechanical + rejection_fans, chiller_load, rejected + rejection_fans


def compressor_heat(ctx):
    """The heat of the IT this block cools itself (`direct_heat`, peak) on the loops that need compressors at the
    design ambient: heat_liquid where the liquid loop does not cool freely, + heat_air where the chilled water does
    not (`_free_cooling` at `ambient_temp`, or the wet bulb on towers): the heat chillers are sized for
    (stream_cooling's chiller load, less the pumps' and fans' own heat). The duty of the chiller class's estimate
    (compiler.models.cost, s24-capex): the flagship's 40 degC liquid loop cools freely at 35 degC, its air does not,
    so a hall's is its 7.56 MW of air heat, not its 50.38 MW of IT."""
    liquid, air = direct_heat(ctx, peak=True)
    return (np.where(_cools_freely_at_design(ctx, "liquid"), 0.0, liquid)
            + np.where(_cools_freely_at_design(ctx, "air"), 0.0, air))


def economizer_heat(ctx):
    """The heat of the IT this block cools itself (`direct_heat`, peak) on the loops that cool freely at the design
    ambient: direct heat - compressor_heat. Where `heat_rejection` is "chiller" (air-cooled chillers, the default)
    this is the heat outside the chillers' compressors, rejected by the economizer coils (the assumption above: the
    chillers' own condenser coils act as economizers; the thermal model runs rejection fans on it); the heat on
    loops that need compressors the chillers' integral condensers reject. The duty of the heat-rejection class's
    estimate in that mode (compiler.models.cost, s24-capex2): an air-cooled room at a 35 degC design day has none
    (all its air heat is on the chillers), a 40 degC liquid loop all of its liquid heat."""
    liquid, air = direct_heat(ctx, peak=True)
    return np.maximum(liquid + air - compressor_heat(ctx), 0.0)


def _cooling(ctx, peak: bool):
    own, _, _ = stream_cooling(ctx, peak)
    for hall in halls(ctx):
        own = own + hall.count * hall.get("cooling_power" if peak else "cooling_power_avg")
    return own


def _count(ctx, name, compute):
    total = compute(ctx)
    for hall in halls(ctx):
        total = total + hall.count * hall.get(name)
    return total


def _chillers_own(ctx):
    _, chiller_load, _ = stream_cooling(ctx, peak=True)
    return units_needed(ctx, "chiller", chiller_load, A.chiller_capacity)


def _dry_coolers_own(ctx):
    if ctx.inherited_text("heat_rejection", "chiller") != "dry_cooler":
        return np.zeros(1)
    _, _, rejected = stream_cooling(ctx, peak=True)
    return units_needed(ctx, "dry_cooler", rejected, A.dry_cooler_capacity)


def _economizer_load(block):
    """The heat a block on heat_rejection "chiller" rejects through economizer coils: its `economizer_heat` (the
    loops that cool freely at the design ambient; the chillers' own condensers reject the rest); 0 on "dry_cooler"
    and "cooling_tower", whose dry coolers or towers reject all of it."""
    if block.inherited_text("heat_rejection", "chiller") != "chiller":
        return np.zeros(1)
    return economizer_heat(block)


def _coils(ctx, load):
    """Economizer coils for `load`: dry-cooler units (`dry_cooler_capacity`, N+1), as the capex's heat-rejection
    estimate prices them (its reference row, DryCooler_1MW at N+1: compiler.models.cost `_sized`). No load, no
    coil: the capacity is not read (a campus on "dry_cooler" lists no dry-cooler assumption it never uses)."""
    if not np.any(load > 0):
        return np.zeros(1)
    return unit_count(load, ctx.get("dry_cooler_capacity", A.dry_cooler_capacity), 1)


def _economizer_coils_own(ctx):
    return _coils(ctx, _economizer_load(ctx))


def _plant_economizer_coils(ctx):
    """A site's economizer coils: one plant for its halls and its own heat, as its dry coolers (spares once)."""
    return _coils(ctx, _economizer_load(ctx) + sum((hall.count * _economizer_load(hall) for hall in halls(ctx)),
                                                   np.zeros(1)))


def _plant_load(ctx, which: int, dry: bool = False):
    """The load on the site's plant: its own (stream_cooling's [1] the heat needing compressors, [2] the heat
    rejected) + sum(hall count x each hall's), the halls' where they reject through dry coolers for `dry`."""
    def own(block):
        if dry and block.inherited_text("heat_rejection", "chiller") != "dry_cooler":
            return np.zeros(1)
        return stream_cooling(block, peak=True)[which]
    return own(ctx) + sum((hall.count * own(hall) for hall in halls(ctx)), np.zeros(1))


def _plant_chillers(ctx):
    """A site's chillers: one plant for its halls and its own heat (chillers are placed on a site only), sized on
    the whole load with the plant's spares once: ceil(sum of the loads needing compressors / capacity) + spares."""
    return units_needed(ctx, "chiller", _plant_load(ctx, 1), A.chiller_capacity)


def _plant_dry_coolers(ctx):
    """A site's dry coolers: as its chillers, on the heat its plant rejects through them."""
    load = _plant_load(ctx, 2, dry=True)
    return np.where(load > 0, units_needed(ctx, "dry_cooler", load, A.dry_cooler_capacity), 0.0)


def _cdus_own(ctx):
    liquid, _ = direct_heat(ctx, peak=True)
    return units_needed(ctx, "cdu", liquid, A.cdu_capacity)


def _crahs_own(ctx):
    _, air = direct_heat(ctx, peak=True)
    return units_needed(ctx, "crah", air, A.crah_capacity)


def _rated_water_use(ctx):
    """The water the placed cooling towers evaporate and blow down per joule of heat rejected (their `water_use`,
    m^3/J in SI): the towers on the block or its nearest ancestor that places them, their ratings weighted by
    count x capacity (by count where one gives no capacity); None where none is placed or one gives no rating."""
    level = ctx
    while level is not None and not level.parts("cooling_tower"):
        level = level.parent
    if level is None:
        return None
    towers = level.parts("cooling_tower")
    if not all(t.is_set("water_use") for t in towers):
        return None
    sized = all(t.is_set("capacity") for t in towers)
    weights = [t.count * (t.get("capacity") if sized else 1.0) for t in towers]
    total = sum(weights, np.zeros(1))
    rated = sum((w * t.get("water_use") for w, t in zip(weights, towers)), np.zeros(1))
    return np.where(total > 0, rated / np.where(total > 0, total, 1.0), np.nan)   # none placed: nan, the physics


def _metered_share(ctx):
    """The IT power the block cools itself at the metered draw over that at the planning average (a site: less its
    halls'): 1 + its workloads' change / its own it_power_avg, 1 without IT of its own. The heat its plant rejects
    is linear in that IT's heat (pumps, fans, compressors at the mean ambient and rejection fans in proportion), so
    it scales by this as the energy's slope does (cost.facility_power_metered)."""
    it_avg, metered = _own_it(ctx, False), _outside_halls(ctx, "it_power_metered")
    own = it_avg > 1e-9 * np.maximum(ctx.get("it_power_avg"), 1e-300)
    return np.where(own, metered / np.where(own, it_avg, 1.0), 1.0)


def _water_own(ctx):
    if ctx.inherited_text("heat_rejection", "chiller") != "cooling_tower":
        return np.zeros(1)
    _, _, rejected = stream_cooling(ctx, peak=False)
    rejected = rejected * _metered_share(ctx)
    c = ctx.get("cycles_of_concentration", A.cycles_of_concentration)
    mass = rejected * A.YEAR / ctx.get("evaporation_heat", A.evaporation_heat) * c / (c - 1)
    physics = mass / ctx.get("water_density", A.water_density)
    rated = _rated_water_use(ctx)
    return physics if rated is None else np.where(np.isnan(rated), physics, rejected * A.YEAR * rated)


def _facility_avg(ctx):
    it_avg = ctx.get("it_power_avg")
    pue = set_pue(ctx)
    if pue is not None:
        total = it_avg * pue
        for hall in halls(ctx):
            # a site's `pue` states the facility power of what its halls' own `pue` does not: a hall that sets one
            # is its own pue x its IT, the rest at the site's (before s19-energy2 the site said pue x all its IT
            # and the hall its own pue x its IT: a site at 1.4 over a hall at 1.15 drew 59.2 kW more than its
            # halls and the fabric outside them, tests/test_energy_laws19b.py)
            if hall.is_set("pue"):
                total = total + hall.count * (hall.get("facility_power_avg") - pue * hall.get("it_power_avg"))
        return total
    total = it_avg + _loss(ctx, peak=False) + ctx.get("cooling_power_avg")
    for hall in halls(ctx):
        # a hall that sets its own `pue` states its facility power: the site takes it in place of the hall's
        # modelled IT, losses and cooling (before s19-energy the site ignored it: a hall at pue 1.1 -> 1.5 drew
        # 260.3 -> 355.0 kW under a site at 584.1 kW throughout, tests/test_energy_laws19.py)
        if hall.is_set("pue"):
            total = total + hall.count * (hall.get("facility_power_avg") - _modelled_avg(hall))
    return total


def _modelled_avg(hall):
    """A hall's average facility power as the models give it (its IT, average chain loss and average cooling),
    whatever `pue` it sets: what its site's loss and cooling sums hold of it."""
    return hall.get("it_power_avg") + _loss(hall, peak=False) + hall.get("cooling_power_avg")


def _feed_utilization(ctx):
    """facility_power / the block's feed (a hall's `power_feed`, a site's `utility_feed`); none when not given."""
    feed = "utility_feed" if ctx.kind == "site" else "power_feed"
    if not ctx.is_set(feed):
        ctx.not_applicable()
    limit_ = ctx.get(feed)
    if np.any(limit_ <= 0):
        ctx.absent(limit_ <= 0, f"its {feed} is 0")
    return np.where(limit_ > 0, ctx.get("facility_power") / _nonzero(limit_), np.nan)


for _kind in ("hall", "site"):
    output(_kind, "power_chain_efficiency", "it_power / (it_power + the chain's losses on the IT power); none "
                                            "without IT power")(
        lambda ctx: _ratio(ctx, ctx.get("it_power"), ctx.get("it_power") + _it_path_loss(ctx),
                           f"no IT power: the {ctx.kind} places no racks or servers"))
    output(_kind, "power_chain_loss", "it_power * (1 / eta - 1), eta = product of power-gear efficiencies")(
        lambda ctx: _loss(ctx, peak=True))
    for _stage in POWER_GEAR:
        output(_kind, f"{_stage}_loss", f"{_stage} power out * (1 / eta_{_stage} - 1) (peak)")(
            _stage_output(_stage, "loss"))
        output(_kind, f"{_stage}_power_in", f"{_stage} power out + {_stage}_loss (peak)")(
            _stage_output(_stage, "power_in"))
        output(_kind, f"{_stage}_stage_efficiency", f"{_stage} power out / power in")(
            _stage_output(_stage, "efficiency"))
    output(_kind, "chilled_water_temp", "air_supply_temp - chilled_water_offset")(
        lambda ctx: _loop_supply(ctx, "air"))
    for _loop in ("liquid", "air"):
        output(_kind, f"{_loop}_chillers_run", "1 unless T_outdoor(design) <= T_supply - economizer_approach")(
            _chillers_run(_loop))
        output(_kind, f"{_loop}_free_cooling_hours", "8760 h when T_outdoor(mean) <= T_supply - "
               "economizer_approach, else 0")(_free_cooling_hours(_loop))
    output(_kind, "cooling_power", "pumps + CRAH fans + heat / COP(supply, ambient) + rejection fans")(
        lambda ctx: _cooling(ctx, peak=True))
    output(_kind, "heat_rejected", "heat + pumps + fans + compressors + rejection fans")(
        lambda ctx: _count(ctx, "heat_rejected", lambda c: stream_cooling(c, peak=True)[2]))
    output(_kind, "cooling_power_avg", "cooling_power at it_power_avg and mean_ambient_temp")(
        lambda ctx: _cooling(ctx, peak=False))
    output(_kind, "facility_power", "it_power + power_chain_loss + cooling_power")(
        lambda ctx: ctx.get("it_power") + ctx.get("power_chain_loss") + ctx.get("cooling_power"))
    output(_kind, "feed_utilization", "facility_power / power_feed (hall) or utility_feed (site)")(_feed_utilization)
    output(_kind, "facility_power_avg", "it_power_avg + average chain loss + cooling_power_avg")(_facility_avg)
    output(_kind, "pue", "facility_power_metered / it_power_metered (the draw the energy bill meters); none "
                         "without IT power")(
        lambda ctx: _ratio(ctx, ctx.get("facility_power_metered"), ctx.get("it_power_metered"),
                           f"no IT power: the {ctx.kind} places no racks or servers"))
    output(_kind, "energy_year", "facility_power_metered * 8760 h")(
        lambda ctx: ctx.get("facility_power_metered") * A.YEAR)
    output(_kind, "cdus", "ceil(heat_liquid / cdu.capacity) + spares")(lambda ctx: _count(ctx, "cdus", _cdus_own))
    output(_kind, "crahs", "ceil(heat_air / crah.capacity) + spares")(lambda ctx: _count(ctx, "crahs", _crahs_own))
    output(_kind, "chillers", "ceil(heat needing compressors at design ambient / chiller.capacity) + spares "
                              "(a site: one plant for its halls and its own heat, its spares once)")(
        _plant_chillers if _kind == "site" else _chillers_own)
    output(_kind, "chiller_load", "heat on the loops that need compressors at the design ambient + their pumps "
                                  "and fans (a site: its own and each hall's x its count)")(
        (lambda ctx: _plant_load(ctx, 1)) if _kind == "site" else (lambda ctx: stream_cooling(ctx, peak=True)[1]))
    output(_kind, "dry_coolers", "ceil(heat rejected / dry_cooler.capacity) + spares (a site: one plant for its "
                                 "halls and its own heat, its spares once)")(
        _plant_dry_coolers if _kind == "site" else _dry_coolers_own)
    output(_kind, "economizer_coils", "ceil(economizer_heat / dry_cooler_capacity) + 1 where heat_rejection is "
                                      "\"chiller\", else 0 (a site: one plant for its halls and its own heat, its "
                                      "spares once)")(
        _plant_economizer_coils if _kind == "site" else _economizer_coils_own)
    output(_kind, "water_year", "heat rejected by towers * 1 yr * the towers' rated water_use, else / "
                                "evaporation_heat * c / (c - 1) / rho_water")(
        lambda ctx: _count(ctx, "water_year", _water_own))


# ------------------------------------------------------------------ a site's IT outside its halls
def _own_it(ctx, peak: bool):
    return _outside_halls(ctx, "it_power" if peak else "it_power_avg")


output("site", "it_power_outside_halls", "it_power - sum(count * hall.it_power)")(lambda ctx: _own_it(ctx, True))
output("site", "it_power_avg_outside_halls", "it_power_avg - sum(count * hall.it_power_avg)")(
    lambda ctx: _own_it(ctx, False))
output("site", "cooling_power_outside_halls", "cooling_power - sum(count * hall.cooling_power)",
       reads=("cooling_power", "parts:hall.count", "parts:hall.cooling_power"))(
    lambda ctx: np.maximum(left_over(ctx.get("cooling_power"), sum(
        (hall.count * hall.get("cooling_power") for hall in halls(ctx)), np.zeros(1))), 0.0))
output("site", "heat_liquid_outside_halls", "heat_liquid - sum(count * hall.heat_liquid)")(
    lambda ctx: direct_heat(ctx, peak=True)[0])
output("site", "heat_air_outside_halls", "heat_air - sum(count * hall.heat_air)")(
    lambda ctx: direct_heat(ctx, peak=True)[1])
output("site", "coolant_flow_outside_halls", "heat_liquid_outside_halls / (water_density * water_cp * "
       "liquid_delta_t)")(
    lambda ctx: direct_heat(ctx, peak=True)[0] / (ctx.get("water_density", A.water_density)
                                                  * ctx.get("water_cp", A.water_cp)
                                                  * ctx.inherited("liquid_delta_t", A.liquid_delta_t)))
output("site", "airflow_outside_halls", "heat_air_outside_halls / (air_density * air_cp * air_delta_t)")(
    lambda ctx: direct_heat(ctx, peak=True)[1] / (ctx.get("air_density", A.air_density)
                                                  * ctx.get("air_cp", A.air_cp)
                                                  * ctx.inherited("air_delta_t", A.air_delta_t)))
for _stage in POWER_GEAR:
    output("site", f"{_stage}_loss_outside_halls", f"{_stage}_loss of the chain feeding the IT outside halls")(
        _stage_output(_stage, "loss", own=True))
    output("site", f"{_stage}_power_in_outside_halls", f"{_stage}_power_in of that chain")(
        _stage_output(_stage, "power_in", own=True))
    output("site", f"{_stage}_stage_efficiency_outside_halls", f"{_stage}_stage_efficiency of that chain")(
        _stage_output(_stage, "efficiency", own=True))
output("site", "cdus_outside_halls", "ceil(heat_liquid_outside_halls / cdu.capacity) + spares")(_cdus_own)
output("site", "crahs_outside_halls", "ceil(heat_air_outside_halls / crah.capacity) + spares")(_crahs_own)
output("site", "chillers_outside_halls", "ceil(heat outside halls needing compressors at design ambient / "
       "chiller.capacity) + spares: what that heat needs on a plant of its own")(_chillers_own)
output("site", "dry_coolers_outside_halls", "ceil(heat rejected outside halls / dry_cooler.capacity) + spares: what "
       "that heat needs on a plant of its own")(_dry_coolers_own)


# ------------------------------------------------------------------ gear sizing and its limits
SIZED_GEAR = POWER_GEAR + ("generator", "cdu", "crah")


def gear_load(block, kind: str):
    """The peak load the gear of `kind` placed on `block` (a hall or site) carries; None where the block's
    chain has no such stage. Power gear: the power out of its stage, which for transformers and switchgear
    carries the cooling plant too (`_own_stages`: sized on the IT path alone, 379 kW through a 300 kVA
    transformer read 98% used);
    generators: the facility power; CDUs / CRAHs: the block's liquid / air heat (a site's includes its
    halls', as its `cdus` / `crahs` do)."""
    if kind == "generator":
        return block.get("facility_power")
    if kind in ("cdu", "crah"):
        return block.get("heat_liquid" if kind == "cdu" else "heat_air")
    # the power out of this placement's own stage (a transformer's or switchgear's carries the cooling plant,
    # _own_stages; another level's gear of the same kind is apart: a hall's unit under the site's substation).
    # Found once per evaluation (`cached`): a site's stages size each other (a stage's loss reads the energized
    # ratio of the stages after it, each a walk of every hall), so unmemoized a site of n halls under k stages of
    # its own walked its halls ~n^k times (10 halls under a transformer, UPS and PDU: 65 s; 25 halls: > 5 min)
    return cached(block, f"gear_load {kind}", lambda b: owned_flows(b, stop=(kind, b.path)).get((kind, b.path)),
                  shared=True)


def _gear_units_needed(load, gear):
    """ceil(load / capacity) + spares by the gear's `redundancy` (2N doubles). Gear that gives no
    redundancy is sized for capacity alone (N): the spec has not said how many spares it carries."""
    capacity = gear.get("capacity")
    needed = np.where(load > 0, np.ceil(load / _nonzero(capacity) - 1e-9), 0.0)
    redundancy = gear.text("redundancy", "N")
    if redundancy == "2N":
        return 2 * needed
    return np.where(load > 0, needed + SPARES[redundancy], 0.0)


def _units_placed(gear):
    """The units of one gear placement: its count; a CDU or CRAH placed without a count stands for the
    units the model sizes (its `units_needed`), as the thermal model's `cdus` / `crahs` do."""
    if gear.kind in ("cdu", "crah") and not gear.count_is_explicit:
        return gear.get("units_needed")
    return gear.count


def _sizing(what: str):
    """The `units_needed` or `utilization` output of a gear placed on a hall or site (else none)."""
    def compute(ctx):
        block = ctx.parent
        if block is not None and block.kind in LOCAL_GEAR and ctx.kind in LOCAL_GEAR[block.kind]:
            return _local_sizing(ctx, block, what)
        if block is None or block.kind not in ("hall", "site") or ctx.kind == "power_shelf":
            ctx.not_applicable()
        load = gear_load(block, ctx.kind)
        if load is None:
            ctx.not_applicable()
        if what == "units_needed":
            if ctx.kind in ("cdu", "crah"):                 # the thermal model's count for the block
                return block.get("cdus" if ctx.kind == "cdu" else "crahs")
            return _gear_units_needed(load, ctx)
        placed = sum((_units_placed(g) * g.get("capacity") for g in block.parts(ctx.kind)), np.zeros(1))
        if np.any(placed <= 0):
            ctx.absent(placed <= 0, "no capacity of it is placed")
        return np.where(placed > 0, load / _nonzero(placed), np.nan)
    return compute


def _local_sizing(ctx, block, what: str):
    """`units_needed` / `utilization` of gear placed in a row or rack (per row or rack): ceil(load / capacity) +
    spares of its redundancy, and load / (capacity x the units of its kind placed there), load =
    `local_gear_load` (the figures the row's and rack's capacity limits compare)."""
    load = local_gear_load(block, ctx.kind)
    if load is None:
        ctx.not_applicable()
    if what == "units_needed":
        return _gear_units_needed(load, ctx)
    placed = sum((g.count * g.get("capacity") for g in block.parts(ctx.kind)), np.zeros(1))
    if np.any(placed <= 0):
        ctx.absent(placed <= 0, "no capacity of it is placed")
    return np.where(placed > 0, load / _nonzero(placed), np.nan)


for _gear in SIZED_GEAR + ("power_shelf",):
    output(_gear, "units_needed", {"generator": "ceil(facility_power / capacity) + spares (redundancy)",
                                   "cdu": "the block's cdus (in a row or rack: ceil(its heat_liquid / capacity) + "
                                          "spares)",
                                   "crah": "the block's crahs (in a row: ceil(its heat_air / capacity) + spares)",
                                   "power_shelf": "in a rack: ceil(power of the rack's parts / capacity) + spares"}.get(
        _gear, "ceil(power out of the stage (+ the block's cooling_power: transformer, switchgear) / capacity) + "
               "spares (redundancy); in a row or rack, of the stage toward its IT"))(_sizing("units_needed"))
    output(_gear, "utilization", "load / (capacity * units placed)")(_sizing("utilization"))


def _power_gear_units(kind: str):
    """A limit on a block that places `kind`: the gear's `units_needed` <= units placed (`<kind>_units_placed`,
    see `_sizing`)."""
    def measure(ctx):
        gear = ctx.parts(kind)
        if not gear or gear_load(ctx, kind) is None:
            return None
        return gear[0].get("units_needed"), ctx.get(f"{kind}_units_placed")
    return measure


def _gear_units_placed(kind: str):
    """`<kind>_units_placed` of a block: the sum of the counts of the gear of `kind` it places (1 where none is
    written), the units its `<kind>-capacity` limit judges against the gear's units_needed; absent where it places
    none. The diagrams read it to mark gear short (compiler/render/diagram_base.py `_shortfall`)."""
    def compute(ctx):
        gear = ctx.parts(kind)
        if not gear:
            ctx.not_applicable()
        return sum((g.count for g in gear), np.zeros(1))
    return compute


LOCAL_GEAR = {"row": ("pdu", "busway", "rectifier", "cdu", "crah"), "rack": ("pdu", "cdu", "power_shelf")}


def local_gear_load(block, kind: str):
    """The peak load the gear of `kind` placed in a row or rack carries (per row or rack): a PDU, busway or
    rectifier the power out of its stage toward the block's IT, walked as the chain walks it (`_carry_chain` with a
    `stop` at the placement: the stages after it at their peak losses, the rack PDUs' units' curve where that is
    above their rating; None where the chain has no such stage), over the row's count; a rack's own PDU its IT (the
    last stage); a CDU / CRAH the block's liquid / air heat; a power shelf the power of the rack's parts it feeds
    (its output: it_power x the shelf efficiency). Before s22-power a row's gear read it_power over the rated
    efficiencies of the stages after it, while a hall's or site's gear reads its walked flow (`gear_load`): its
    units' energized capacity r x the walked flow was not the capacity placed (a row PDU over racks whose own 2 x
    300 kVA PDUs lose 1.65 kW at 35 kW, their rating 0.53 kW: 1.238 MW energized for 1.2 MW placed)."""
    if kind in ("cdu", "crah"):
        return block.get("heat_liquid" if kind == "cdu" else "heat_air")
    if kind == "power_shelf":
        return part_power(block, peak=True)
    if block.kind == "rack" and kind == "pdu":          # a rack's own PDU: the last stage (_rack_pdus)
        return block.get("it_power")
    if not any(stage == kind for stage, _, _ in chain_stages(block)):
        return None
    holder, stop = block.parent, (kind, block.path)
    out = _carry_chain(holder, True, cooling_fed=False, stop=stop)[1].get(stop, np.zeros(1))
    count = block.count
    return np.where(count > 0, out / np.where(count > 0, count, 1.0), 0.0)


def _local_gear_units(kind: str):
    """A limit on a row or rack that places `kind`: ceil(load / capacity) + spares of the gear's `redundancy`
    (N where it gives none) <= the units placed there (their counts). Without it, one 575 kW busway over a row of
    2.8 MW, or one 2 MW CDU for its 2.4 MW of liquid heat, priced and failed nothing: only gear placed on a hall or
    site was sized."""
    def measure(ctx):
        gear = ctx.parts(kind)
        if not gear:
            return None
        load = local_gear_load(ctx, kind)
        if load is None:
            return None
        return gear[0].get("units_needed"), ctx.get(f"{kind}_units_placed")
    return measure


for _kind, _gears in LOCAL_GEAR.items():
    for _gear in _gears:
        output(_kind, f"{_gear}_units_placed", f"sum of the counts of the {_gear} gear placed (1 where none is "
               "written)", reads=(f"parts:{_gear}.count",))(_gear_units_placed(_gear))
        _what = {"pdu": "PDUs", "cdu": "CDUs", "crah": "CRAHs", "power_shelf": "power shelves"}.get(_gear, _gear + "s")
        limit(_kind, f"{_gear}-capacity", _local_gear_units(_gear), f"{_gear} units needed", f"{_gear} units placed",
              f"the {_what} placed in the {_kind} carry its peak load with their redundancy "
              "(ceil(load / capacity) + spares)")


rack_floor_area = Assumption(
    "rack_floor_area", 0.6 * 7 * 0.6096 / 2, "m^2",
    "white-space floor one rack position takes in a hot/cold-aisle row, aisles included [S][D]: a 600 mm wide "
    "rack (the EIA-310 19-inch frame in a 600 mm cabinet; NVIDIA MGX / GB300 NVL72 racks are 600 x 1,068 mm "
    "[P]) times half the row-to-row pitch of the common 7-tile layout (two rows between the centres of adjacent "
    "cold aisles 7 x 2 ft = 4.27 m apart: a 4 ft cold aisle, a 3 ft hot aisle and two 42 in racks; "
    "server-racks.com 'What is Aisle Pitch?', read 2026-12-05 [S]): 0.6 m x 2.134 m = 1.28 m^2. A floor: no "
    "end-of-row aisles, egress, CDUs, CRAHs or columns (planning figures of 2.5-4 m^2 per rack add those [U])",
    range=POSITIVE)


def racks_in(hall):
    """Rack positions on a hall's floor: its racks' counts plus each row's count x its racks' counts."""
    total = sum((rack.count for rack in hall.parts("rack")), np.zeros(1))
    for row in hall.parts("row"):
        total = total + row.count * sum((rack.count for rack in row.parts("rack")), np.zeros(1))
    return total


def _hall_area(ctx):
    """A limit on a hall that gives its `area`: racks x rack_floor_area <= area (the racks' own footprint and
    their share of the hot and cold aisles, a floor on the white space they need). Without it, 1,440 racks in a
    hall of 100 m^2 printed their power, PUE and cost, exit 0."""
    if not ctx.is_set("area"):
        return None
    return racks_in(ctx) * ctx.get(rack_floor_area.name, rack_floor_area), ctx.get("area")


limit("hall", "area", _hall_area, "floor area the racks need (racks x rack_floor_area)", "area",
      "the hall's floor area holds its racks with their hot and cold aisles (racks x rack_floor_area)")


def _pue_floor(ctx):
    """A `pue` the spec sets: the facility's average power it gives is not below the IT power it feeds (a PUE
    below 1 would make power); none when the models compute the PUE (it is >= 1 by construction)."""
    if not ctx.is_set("pue"):
        return None
    return ctx.get("it_power_avg"), ctx.get("facility_power_avg")


def _pue_ceiling(ctx):
    """A `pue` the spec sets gives the average facility power (it_power_avg x pue) while the models give the peak
    (IT, chain losses and cooling at the design ambient, which feeds, transformers and generators are sized on):
    the average may not exceed the peak. A PUE whose average does (4 DGX H100 racks, `pue = 2`: 112.8 kW on
    average, 92.48 kW at peak) states more overhead than the plant modelled draws at its worst; the error names
    both figures (set `facility_power` too, or a lower `pue`). None when the models compute the PUE (the average
    is below the peak by construction)."""
    if not ctx.is_set("pue"):
        return None
    return ctx.get("facility_power_avg"), ctx.get("facility_power")


def _pue_site_ratio(above: bool):
    """A site's set `pue` is the value printed as its `pue` (a set output overrides its model: docs/kinds.md), and
    it states the PUE of the IT its halls' own `pue` does not cover (set_pue): where a hall sets a different one,
    the site's facility_power_metered / it_power_metered (the output's stated model) is not that figure, so the
    printed PUE would be wrong at exit 0 (s19-puetruth: site 1.4 over a hall at 1.15 printed 1.4 for a ratio of
    1.3025). The two limits (the ratio neither above nor below the set `pue`) flag it. None where the site sets
    no `pue` or none of its halls does (its ratio is its `pue` then, by construction)."""
    def measure(ctx):
        if not ctx.is_set("pue") or not any(hall.is_set("pue") for hall in halls(ctx)):
            return None
        it = ctx.get("it_power_metered")
        ratio = np.where(it > 0, ctx.get("facility_power_metered") / np.where(it > 0, it, 1.0), np.nan)
        return (ratio, ctx.get("pue")) if above else (ctx.get("pue"), ratio)
    return measure


limit("site", "pue-site-ratio-above", _pue_site_ratio(True), "facility_power_metered / it_power_metered", "pue",
      "the site's PUE is the `pue` set on it: its facility power over its IT (its halls' own `pue` included) is not "
      "above it (set `pue` on its halls, not on the site, where they differ)")
limit("site", "pue-site-ratio-below", _pue_site_ratio(False), "pue", "facility_power_metered / it_power_metered",
      "the site's PUE is the `pue` set on it: its facility power over its IT (its halls' own `pue` included) is not "
      "below it (set `pue` on its halls, not on the site, where they differ)")


for _kind in ("hall", "site"):
    limit(_kind, "pue-floor", _pue_floor, "it_power_avg", "facility_power_avg",
          "the PUE set on it is at least 1 (the facility draws at least the power of its IT)")
    limit(_kind, "pue-ceiling", _pue_ceiling, "facility_power_avg", "facility_power",
          "the average facility power the PUE set on it gives is within the peak facility power")
    for _gear in POWER_GEAR + (("generator",) if _kind == "site" else ()):    # a hall holds no generator
        output(_kind, f"{_gear}_units_placed", f"sum of the counts of the {_gear} gear placed (1 where none is "
               "written)", reads=(f"parts:{_gear}.count",))(_gear_units_placed(_gear))
    for _gear in POWER_GEAR + ("generator",):
        _what = {"ups": "UPS", "pdu": "PDUs", "switchgear": "switchgear lineups"}.get(_gear, _gear + "s")
        limit(_kind, f"{_gear}-capacity", _power_gear_units(_gear), f"{_gear} units needed",
              f"{_gear} units placed",
              f"the {_what} placed carry the peak load with their redundancy (ceil(load / capacity) + spares)")
