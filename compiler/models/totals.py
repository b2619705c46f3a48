"""Totals of placed parts: the figures the diagrams show of a part placed `x count`, and the cooling towers a
site places. Renderers read these outputs; they never multiply or add model figures themselves.

Pipeline position: registered model of `compiler.models`; imports numpy and the registry only.

    it_power_all      = it_power * count        (rack, row, hall: every item its parent places together;
    accelerators_all  = accelerators * count     count is the multiplicity in the parent, 1 when placed
    heat_liquid_all   = heat_liquid * count      without one; never the product up the whole path, which
    heat_air_all      = heat_air * count         is the bill of materials' `quantity`)
    cooling_towers    = sum of the counts of the cooling towers the site places (1 for a tower placed without
                        one, as the site's cooling-tower-capacity limit counts it: no model sizes towers)

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
