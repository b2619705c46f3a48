"""Totals of placed parts: the figures the diagrams show of a part placed `x count`, and the cooling towers a
site places. Renderers read these outputs; they never multiply or add model figures themselves.

Pipeline position: registered model of `compiler.models`; imports numpy and the registry only.

    it_power_all      = it_power * count        (rack, row, hall: every item its parent places together;
    accelerators_all  = accelerators * count     count is the multiplicity in the parent, 1 when placed
    heat_liquid_all   = heat_liquid * count      without one; never the product up the whole path, which
    heat_air_all      = heat_air * count         is the bill of materials' `quantity`)
    cooling_towers    = sum of the counts of the cooling towers the site places (1 for a tower placed without
                        one, as the site's cooling-tower-capacity limit counts it: no model sizes towers)
    chillers_placed   = sum of the counts of the chillers the site places with a count (`chiller c: X x 2`);
    dry_coolers_placed  the same for dry coolers: the units its chiller-capacity / dry-cooler-capacity limit
                        judges against `chillers` / `dry_coolers`; absent where none is placed with a count (the
                        model sizes them)
    pumps_placed      = sum of the counts of the pumps a hall or site places (1 where none is written), as its
                        pump-capacity limit counts them; absent where it places none
    cdus_placed       = sum of the counts of the CDUs (CRAHs) a hall or site places with a count, as its
    crahs_placed        cdu-capacity (crah-capacity) limit counts them; absent where none is placed with one
                        (the thermal model sizes them: `cdus`, `crahs`)
    (the power gear's and a row's or rack's gear: `<kind>_units_placed`, compiler/models/facility.py)
The capacity limits (models/thermal.py, models/facility.py) read these counts; so do the diagrams.

A network fabric over all its placements (the network view's totals line, the report's bill-of-materials lines):
    quantity             = count * the counts of the blocks it is in, up to the top (as a part's, cost.py)
    total_power          = power * quantity
    total_<x>            = <x> * quantity      for switches, transceivers, nics_counted, capex_switching,
                                               capex_transceivers, capex_cables, capex_nics
    total_cables         = (cables_copper + cables_active + cables_optical) * quantity
    total_<part>_power   = total_<part>s * <part>.power   for the switch, transceiver and NIC the fabric names (the
                           line's unit power x its quantity; none where it names none: the model's default part)

Example: `hall h: big_hall x 3` with it_power = 12 MW and 4,096 accelerators per hall: it_power_all = 36 MW,
accelerators_all = 12,288. Each output is absent where its per-item figure is (a rack with no IT figure), and for a block nothing places
(a definition on its own, a root hall).
"""
from __future__ import annotations

import numpy as np

from . import output


def _times_count(name: str):
    def compute(ctx):
        if ctx.parent is None or not ctx.has(name):     # a definition on its own, or no per-item figure
            ctx.not_applicable()
        return ctx.get(name) * ctx.count
    return compute


for _kind in ("rack", "row", "hall"):
    output(_kind, "it_power_all", "it_power * count")(_times_count("it_power"))
    output(_kind, "accelerators_all", "accelerators * count")(_times_count("accelerators"))
for _name in ("heat_liquid", "heat_air"):
    output("hall", f"{_name}_all", f"{_name} * count")(_times_count(_name))


@output("site", "cooling_towers", "sum of the counts of the cooling towers placed (1 where none is written)",
        reads=("parts:cooling_tower.count",))
def _cooling_towers(ctx):
    placed = ctx.parts("cooling_tower")
    if not placed:
        ctx.not_applicable()
    total = np.zeros(1)
    for part in placed:
        total = total + part.count
    return total


def _placed_with_count(gear_kind: str):
    """`<gear_kind>s_placed`: the sum of the counts of the gear of `gear_kind` the block places with a count; absent
    where it places none so (the thermal model sizes them)."""
    def compute(ctx):
        placed = [g for g in ctx.parts(gear_kind) if g.count_is_explicit]
        if not placed:                              # none placed, or the model sizes them
            ctx.not_applicable()
        return sum((g.count for g in placed), np.zeros(1))
    return compute


output("site", "chillers_placed", "sum of the counts of the chillers placed with a count",
       reads=("parts:chiller.count",))(_placed_with_count("chiller"))
output("site", "dry_coolers_placed", "sum of the counts of the dry coolers placed with a count",
       reads=("parts:dry_cooler.count",))(_placed_with_count("dry_cooler"))
for _kind in ("hall", "site"):
    output(_kind, "cdus_placed", "sum of the counts of the CDUs placed with a count",
           reads=("parts:cdu.count",))(_placed_with_count("cdu"))
    output(_kind, "crahs_placed", "sum of the counts of the CRAHs placed with a count",
           reads=("parts:crah.count",))(_placed_with_count("crah"))


def _pumps_placed(ctx):
    pumps = ctx.parts("pump")
    if not pumps:
        ctx.not_applicable()
    return sum((pump.count for pump in pumps), np.zeros(1))


for _kind in ("hall", "site"):
    output(_kind, "pumps_placed", "sum of the counts of the pumps placed (1 where none is written)",
           reads=("parts:pump.count",))(_pumps_placed)


# ------------------------------------------------------------------ a network fabric over all its placements
def _network_quantity(ctx):
    from .cost import _quantity
    return _quantity(ctx)


def _network_times(*names: str):
    def compute(ctx):
        if ctx.parent is None or not all(ctx.has(name) for name in names):
            ctx.not_applicable()
        return sum((ctx.get(name) for name in names), np.zeros(1)) * ctx.get("quantity")
    return compute


def _line_power(field: str, quantity: str):
    """The bill-of-materials line's power: its quantity over the plan x the unit power of the part the fabric
    names; none where it names none (the model's default part has no definition) or the part gives no power."""
    def compute(ctx):
        if not ctx.has(field) or not ctx.has(quantity):
            ctx.not_applicable()
        part = ctx.ref(field)
        if not part.has("power"):
            ctx.not_applicable()
        return ctx.get(quantity) * part.get("power")
    return compute


output("network", "quantity", "count * the counts of the blocks it is in")(_network_quantity)
output("network", "total_power", "power * quantity")(_network_times("power"))
for _name in ("switches", "transceivers", "nics_counted", "capex_switching", "capex_transceivers", "capex_cables",
              "capex_nics"):
    output("network", f"total_{_name}", f"{_name} * quantity")(_network_times(_name))
output("network", "total_cables", "(cables_copper + cables_active + cables_optical) * quantity")(
    _network_times("cables_copper", "cables_active", "cables_optical"))
output("network", "total_switch_power", "total_switches * switch.power")(_line_power("switch", "total_switches"))
output("network", "total_transceiver_power", "total_transceivers * transceiver.power")(
    _line_power("transceiver", "total_transceivers"))
output("network", "total_nic_power", "total_nics_counted * nic.power")(_line_power("nic", "total_nics_counted"))
