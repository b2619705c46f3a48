"""Thermal model: heat to liquid and to air, coolant and air flows, and cooling-equipment counts.

Pipeline position: registered model of `compiler.models`; imports numpy and the registry only.

Formulas:

    server.heat_liquid = liquid_fraction * peak_power   liquid_fraction: the field, else by `cooling`:
                                                         air 0, hybrid 0.70, liquid 0.85
    server.heat_air    = peak_power - heat_liquid
    rack.heat_liquid   = liquid_fraction * it_power when the rack sets it (or is air-cooled: 0),
                         else sum(count * server.heat_liquid); heat_air = it_power - heat_liquid
    row/hall/site heat = sum over parts (all IT power ends up as heat)
    coolant_flow       = heat_liquid / (rho_water * cp_water * liquid_delta_t)      (Q = m * cp * dT)
    airflow            = heat_air / (rho_air * cp_air * air_delta_t)
    cdus               = ceil(heat_liquid / cdu.capacity) + spares        (N+1 unless the cdu says)
    crahs              = ceil(heat_air / crah.capacity) + spares
                         (the gear placed on the block or its nearest ancestor; else the default capacity)
    A class the spec does not place is counted in units of its default capacity (cdu_capacity 1.5 MW, crah_capacity
    150 kW, chiller_capacity 2 MW, dry_cooler_capacity 1 MW), N+1; a load under one such unit is 1 + 1 units, read
    as units sized to the load (a 67 kW room's 2 chillers are two units of ~87 kW, not 2 x 2 MW: the cooling
    diagram says so). Nothing else reads the class: its capex is the per-W estimate (compiler.models.cost) and its
    cooling power the fractions and COP per W of heat (compiler.models.facility), so a small room's plant per W of
    IT is a large hall's (tests/test_small_site17.py). The one place the count x capacity is priced: a site's own
    CDUs / CRAHs where its halls place priced ones (cost._units_at: whole units at the halls' price per W).

Example: 100 kW at 10 K needs 100e3 / (997 * 4186 * 10) = 2.40e-3 m^3/s = 143.8 L/min of water.
Assumptions: all IT power becomes heat in the room; power-chain losses are rejected by the electrical
rooms' own cooling (counted in the facility model's cooling power, not here).
"""
from __future__ import annotations

import numpy as np

from dsl.diagnostics import Code

from . import Assumption, SHARE, limit, output, rule
from . import assumptions as A
from .power import FACILITY_KINDS

liquid_fraction_liquid = Assumption(
    "liquid_fraction_liquid", 0.85, "1",
    "share of a liquid-cooled rack's heat captured by cold plates [U]: GB200 NVL72 is often quoted at "
    "~85% liquid, with no primary source; NVIDIA does not publish the fraction", range=SHARE)
liquid_fraction_hybrid = Assumption(
    "liquid_fraction_hybrid", 0.70, "1",
    "share of heat captured by liquid in a hybrid server (cold plates on GPUs only) [U]", range=SHARE)

SPARES = {"N": 0, "N+1": 1, "N+2": 2}


def _liquid_fraction(ctx):
    if ctx.is_set("liquid_fraction"):
        return ctx.get("liquid_fraction")
    cooling = ctx.text("cooling", "air")
    if cooling == "liquid":
        return ctx.get("liquid_fraction_liquid", liquid_fraction_liquid)
    if cooling == "hybrid":
        return ctx.get("liquid_fraction_hybrid", liquid_fraction_hybrid)
    return np.zeros(1)


@output("server", "heat_liquid", "liquid_fraction * peak_power")
def server_heat_liquid(ctx):
    return _liquid_fraction(ctx) * ctx.get("peak_power")


@output("server", "heat_air", "peak_power - heat_liquid")
def server_heat_air(ctx):
    return ctx.get("peak_power") - ctx.get("heat_liquid")


def _parts_heat_liquid(ctx, kinds=("server", *FACILITY_KINDS)):
    """sum(count * part.heat_liquid) over the parts of `kinds` placed on the block."""
    total = np.zeros(1)
    for part in ctx.parts(*kinds):
        total = total + part.count * part.get("heat_liquid")
    return total


def _heat_liquid(ctx):
    if ctx.kind == "rack" and (ctx.is_set("liquid_fraction") or ctx.text("cooling", "") == "air"):
        return _liquid_fraction(ctx) * ctx.get("it_power")
    return _parts_heat_liquid(ctx)      # switches, NICs and power-shelf losses go to air


for _kind in ("rack", "row", "hall", "site"):
    output(_kind, "heat_liquid", "liquid_fraction * it_power, or sum(count * part.heat_liquid)")(_heat_liquid)
    output(_kind, "heat_air", "it_power - heat_liquid")(lambda ctx: ctx.get("it_power") - ctx.get("heat_liquid"))
    output(_kind, "coolant_flow", "heat_liquid / (water_density * water_cp * liquid_delta_t)")(
        lambda ctx: ctx.get("heat_liquid") / (ctx.get("water_density", A.water_density)
                                             * ctx.get("water_cp", A.water_cp)
                                             * ctx.inherited("liquid_delta_t", A.liquid_delta_t)))
    output(_kind, "airflow", "heat_air / (air_density * air_cp * air_delta_t)")(
        lambda ctx: ctx.get("heat_air") / (ctx.get("air_density", A.air_density) * ctx.get("air_cp", A.air_cp)
                                          * ctx.inherited("air_delta_t", A.air_delta_t)))


@rule("rack", Code.INVALID_VALUE, "the rack's heat to liquid holds its servers'")
def rack_liquid_holds_servers(ctx):
    """A rack that sets `liquid_fraction` puts liquid_fraction * it_power into liquid; its servers put
    sum(count * server.heat_liquid) there (their cold plates feed the rack's loop). Less at the rack leaves
    part of the servers' liquid heat nowhere (the CDUs sized for the rack's figure, the rest sent to air): an
    error, in each scenario where it holds (relative tolerance 1e-9). More is fine: a rear-door heat exchanger
    takes air-cooled servers' heat to liquid (docs/kinds.md). A rack that leaves the fraction unset is the sum
    over its servers: the rule does not apply. Reported at the rack's `liquid_fraction`, with both figures."""
    from ..display import format_quantity

    if not ctx.is_set("liquid_fraction") or not ctx.parts("server"):
        return None
    rack = np.asarray(ctx.get("heat_liquid"), dtype=float)
    rack, servers = np.broadcast_arrays(rack, np.asarray(_parts_heat_liquid(ctx, ("server",)), dtype=float))
    failing = rack < servers * (1 - 1e-9)
    if not failing.any():
        return []
    i = int(np.flatnonzero(failing)[0])
    share = float(np.broadcast_to(ctx.get("liquid_fraction"), failing.shape)[i])
    message = (f"rack `{ctx.path}` puts {format_quantity(float(rack[i]), 'W')} of heat into liquid "
               f"(liquid_fraction {share:g} of its IT power), less than its servers' "
               f"{format_quantity(float(servers[i]), 'W')} (their cold plates' heat goes to the rack's loop)")
    notes = ["raise the rack's `liquid_fraction` to at least its servers' share, or leave it unset (the sum over "
             "its servers); a rack that takes more (a rear-door heat exchanger) is fine"]
    return [(failing, message, notes, "liquid_fraction")]


def _nearest(ctx, gear_kind: str):
    level = ctx
    while level is not None:
        gear = level.parts(gear_kind)
        if gear:
            return gear[0]
        level = level.parent
    return None


def units_needed(ctx, gear_kind: str, load, default_capacity: Assumption):
    """ceil(load / capacity) + spares, with the capacity and redundancy of the gear the block (or its
    nearest ancestor that places one: a site's chillers serve its halls) names."""
    gear = _nearest(ctx, gear_kind)
    if gear is not None:
        capacity = gear.get("capacity")
        spares = SPARES.get(gear.text("redundancy", "N+1"), None)
    else:
        capacity = ctx.get(f"{gear_kind}_capacity", default_capacity)
        spares = 1
    return unit_count(load, capacity, spares)


def unit_count(load, capacity, spares):
    """ceil(load / capacity) units + `spares` (N+1: 1), or twice the ceil where `spares` is None (2N); 0 where the
    load is 0: the whole units a redundancy buys for a load."""
    needed = np.ceil(load / capacity - 1e-9)
    return np.where(load > 0, 2 * needed if spares is None else needed + spares, 0.0)


def _places_with_count(ctx, gear_kind: str) -> bool:
    """Whether the spec places gear of `gear_kind` with a count (`cdu c: X x 4`) rather than leaving the count to
    the model; the units it places so are the block's `<gear_kind>s_placed` (compiler/models/totals.py)."""
    return any(g.count_is_explicit for g in ctx.parts(gear_kind))


def _placed_units(gear_kind: str):
    """A limit that applies when the spec places gear with a count: the gear's `units_needed` (the block's
    `cdus` / `crahs`) <= units placed."""
    def measure(ctx):
        if not _places_with_count(ctx, gear_kind):
            return None
        declared = ctx.get(f"{gear_kind}s_placed")       # compiler/models/totals.py: the same sum
        gear = [g for g in ctx.parts(gear_kind) if g.count_is_explicit]
        return gear[0].get("units_needed"), declared
    return measure


def _given_limit(measured: str, limit_field: str):
    """A limit that applies when the spec gives `limit_field`: measured <= limit."""
    def measure(ctx):
        return (ctx.get(measured), ctx.get(limit_field)) if ctx.is_set(limit_field) else None
    return measure


for _kind, _measured, _limit, _message in (
        ("rack", "heat_air", "air_cooling_limit", "the rack's heat to air is within the room's air-cooling limit"),
        ("rack", "it_power", "power_limit", "the rack's peak IT power is within its power limit"),
        ("row", "it_power", "power_limit", "the row's peak IT power is within its power limit"),
        ("hall", "facility_power", "power_feed", "the hall's peak facility power is within its feed"),
        ("site", "facility_power", "utility_feed", "the site's peak facility power is within the utility feed")):
    limit(_kind, _limit, _given_limit(_measured, _limit), _measured, _limit, _message)


def _rack_height(ctx):
    """A limit on a rack that gives its usable `height`: sum(count x height) of the parts placed in it that give one
    (servers, switches, power shelves, storage) <= height. None where the rack or none of its parts gives a height.
    Without it, six 8 U servers and a 2 U switch (50 U) in a 42 U rack printed their power and cost, exit 0."""
    if not ctx.is_set("height"):
        return None
    stacked = [part for part in ctx.parts("server", "switch", "power_shelf", "storage") if part.is_set("height")]
    if not stacked:
        return None
    return sum((part.count * part.get("height") for part in stacked), np.zeros(1)), ctx.get("height")


limit("rack", "height", _rack_height, "height of the parts stacked", "height",
      "what the rack holds fits its usable height (sum of count x height of the parts that give one)")


def _placed_plant(gear_kind: str, needed: str):
    """A limit on a site that places chillers or dry coolers (a site's plant: never in a hall) with a count: the
    units the thermal model sizes (the site's `chillers` / `dry_coolers`, its halls' heat included) <= units
    placed. Without it, `chiller c: X x 1` where 5 are needed priced one and failed nothing."""
    def measure(ctx):
        if not _places_with_count(ctx, gear_kind):
            return None
        return ctx.get(needed), ctx.get(f"{gear_kind}s_placed")     # compiler/models/totals.py
    return measure


limit("site", "chiller-capacity", _placed_plant("chiller", "chillers"), "chillers needed", "chillers placed",
      "the chillers placed can carry the heat that needs compressors (with spares)")
limit("site", "dry-cooler-capacity", _placed_plant("dry_cooler", "dry_coolers"), "dry coolers needed",
      "dry coolers placed", "the dry coolers placed can reject the heat (with spares)")


def _rejects_through_towers(ctx) -> bool:
    return bool(ctx.parts("cooling_tower")) and ctx.inherited_text("heat_rejection", "chiller") == "cooling_tower"


@output("site", "cooling_towers_needed", "ceil(heat_rejected / cooling_tower.capacity) + spares (redundancy)",
        reads=("heat_rejected", "heat_rejection", "up:heat_rejection", "parts:cooling_tower.capacity",
               "parts:cooling_tower.redundancy"))
def _cooling_towers_needed(ctx):
    """The towers a site that rejects its heat through the cooling towers it places needs: ceil(heat rejected /
    tower capacity) + spares (N+1 unless the tower gives its `redundancy`). Absent for any other site (its heat
    goes to dry coolers or the chillers' own condensers: `dry_coolers`, `chillers`)."""
    if not _rejects_through_towers(ctx):
        ctx.not_applicable()
    return units_needed(ctx, "cooling_tower", ctx.get("heat_rejected"), None)   # a tower is placed: its capacity


def _placed_towers(ctx):
    """A limit on a site that rejects its heat through the cooling towers it places: `cooling_towers_needed` <=
    towers placed (their count, 1 where none is written: towers are not sized by the model), so one 5 MW tower
    for 6 MW of heat rejected fails."""
    if not _rejects_through_towers(ctx):
        return None
    return ctx.get("cooling_towers_needed"), ctx.get("cooling_towers")     # compiler/models/totals.py


limit("site", "cooling-tower-capacity", _placed_towers, "cooling towers needed", "cooling towers placed",
      "the cooling towers placed can reject the heat (with spares)")


def _pumps_needed(ctx):
    """The pumps a hall or site that places pumps needs: ceil(liquid heat they carry / pump capacity) + spares
    (N+1 unless the pump gives its `redundancy`). A site's pumps carry its halls' liquid heat but for halls that
    place pumps of their own. Absent where no pump is placed (the cooling model's pumping power stands in)."""
    if not ctx.parts("pump"):
        ctx.not_applicable()
    carried = ctx.get("heat_liquid")
    for hall in ctx.parts("hall"):
        if hall.parts("pump"):
            carried = carried - hall.count * hall.get("heat_liquid")
    return units_needed(ctx, "pump", carried, None)       # a pump is placed: its capacity


for _kind, _halls in (("hall", ()), ("site", ("parts:hall.count", "parts:hall.heat_liquid"))):
    output(_kind, "pumps_needed", "ceil(liquid heat the pumps carry / pump.capacity) + spares (redundancy)",
           reads=("heat_liquid", "parts:pump.capacity", "parts:pump.redundancy") + _halls)(_pumps_needed)


def _placed_pumps(ctx):
    """A limit on a hall or site that places pumps: `pumps_needed` <= pumps placed (their count, 1 where none is
    written), so one 3.5 MW pump for a hall of 4.8 MW to liquid fails."""
    if not ctx.parts("pump"):
        return None
    return ctx.get("pumps_needed"), ctx.get("pumps_placed")       # compiler/models/totals.py


for _kind in ("hall", "site"):
    limit(_kind, "pump-capacity", _placed_pumps, "pumps needed", "pumps placed",
          "the pumps placed can carry the liquid heat (with spares)")


for _kind in ("hall", "site"):
    limit(_kind, "cdu-capacity", _placed_units("cdu"), "cdus needed", "cdus placed",
          "the CDUs placed can carry the liquid heat (with spares)")
    limit(_kind, "crah-capacity", _placed_units("crah"), "crahs needed", "crahs placed",
          "the CRAHs placed can carry the air heat (with spares)")
