"""The bill of materials of each top-level block: one line per definition of each part kind it holds, its placements'
figures added up (the report's bill-of-materials lines).

Pipeline position: after `compiler.evaluate` (which stores it as `Results.bill_of_materials`), read by render (the
report's Bill of materials) and written in results JSON (`bill_of_materials`). Imports numpy only.

A line is (kind, item): the parts of one kind placed under the block at any depth whose definition is `item` (the
definition they extend, `chip g: H100_SXM` -> H100_SXM, else their own name), in the spec's order of first
placement. Over its placements p, per scenario:

    quantity    = sum(p.quantity)                  (null where one of them has no value: a count not whole)
    total_price = sum(p.total_price) of those that have one   (null where none has: no price given, or priced
    total_power = sum(p.total_power) of those that have one    inside a system priced as a whole)

`quantity`, `total_price` and `total_power` are the cost model's outputs of each placement (compiler/models/cost.py:
quantity x price, quantity x peak power). This is a grouping of the placements by the definition they name, which no
one block's model output can be (a line's name is the spec's, not a field of the schema), so it sits beside the plan's
totals (compiler/plan_totals.py) and is published the same way. Example: a site of two halls, each of racks of
`server n: hgx x 2` with `chip g: H100_SXM x 8`: one H100_SXM line, quantity = the sum of the two placements'.
(A fabric's own switches, optics and cables are the network's outputs, `total_switches`, ...: models/totals.py.)
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .plan_totals import FACILITY_LEVELS, _array, _kind

# the kinds a bill of materials lists, in its groups' order (as compiler/models/cost.py BOM_KINDS)
BOM_KINDS = ("rack", "server", "chip", "cpu", "memory", "storage", "switch", "nic", "dpu", "transceiver", "cable")


@dataclass(frozen=True)
class Line:
    kind: str
    item: str
    placements: tuple[str, ...]     # the placed parts' paths, in the spec's order
    quantity: np.ndarray            # one value per scenario (NaN: no value)
    total_price: np.ndarray
    total_power: np.ndarray


def _walk(inst):
    for part in inst.parts:
        yield part
        yield from _walk(part)


def _item(inst) -> str:
    return inst.block.base[-1] if inst.block.base else inst.block.name


def _sum_of_present(arrays: list[np.ndarray], n: int) -> np.ndarray:
    """The sum of the finite terms per scenario; NaN where none is."""
    if not arrays:
        return np.full(n, np.nan)
    stack = np.vstack(arrays)
    finite = np.isfinite(stack)
    return np.where(finite.any(axis=0), np.where(finite, stack, 0.0).sum(axis=0), np.nan)


def bill_of_materials(graph, values: dict, scenario_count: int) -> dict[str, tuple[Line, ...]]:
    """{block path: its lines} for every top-level block of a facility kind (site, hall, row, rack, server)."""
    n = scenario_count
    out: dict[str, tuple[Line, ...]] = {}
    for root in graph.roots:
        if _kind(root) not in FACILITY_LEVELS:
            continue
        groups: dict[tuple[str, str], list] = {}
        for inst in _walk(root):
            if inst.kind in BOM_KINDS:
                groups.setdefault((inst.kind, _item(inst)), []).append(inst)
        lines = []
        for (kind, item), placed in groups.items():
            def figures(name):
                return [_array(values, f"{p.path}.{name}", n) for p in placed if f"{p.path}.{name}" in values]
            quantities = [_array(values, f"{p.path}.quantity", n) for p in placed]
            lines.append(Line(kind, item, tuple(p.path for p in placed), np.sum(quantities, axis=0),
                              _sum_of_present(figures("total_price"), n), _sum_of_present(figures("total_power"), n)))
        out[root.path] = tuple(lines)
    return out
