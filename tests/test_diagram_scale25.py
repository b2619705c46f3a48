"""The power diagram of a site of n halls is drawn in work linear in n (s25-scale).

Each hall's power stages looked for the gear of each stage kind on the hall, then on its site (`_nearest_gear`),
and a site's parts are its n halls: n^2 parts looked at for a site of n halls (bench/scale_halls.py: 7,513 part
kinds asked at 50 halls, 89,713 at 200). Each level's first part of a kind is now found from an index of its parts
built once per plan (`_Plan.first_part`): 1,966 and 7,516. This counts the part kinds asked (a law of the work,
not a timing) and checks that the DOT text is that of the scan of every level's parts.
"""
from __future__ import annotations

from compiler import evaluate_text
from compiler.render import diagram, diagram_base
from test_site_halls_walks23 import _site      # tests/ is on the path


def _power_dot(monkeypatch, halls: int) -> tuple[int, str]:
    results, _ = evaluate_text(_site(halls), "spec.factory")
    asked = []
    kind = diagram_base._Plan.kind
    monkeypatch.setattr(diagram_base._Plan, "kind", staticmethod(lambda inst: asked.append(1) or kind(inst)))
    text = diagram.diagram_dot(results, "power")
    monkeypatch.undo()
    return len(asked), text


def test_the_power_view_asks_a_few_part_kinds_a_hall(monkeypatch) -> None:
    """4 -> 16 halls: 127 -> 1,051 part kinds asked before (8.3x for 4x the halls), 64 -> 220 now."""
    few, _ = _power_dot(monkeypatch, 4)
    many, _ = _power_dot(monkeypatch, 16)
    assert many <= 4 * few, (few, many)                  # 4x the halls, at most 4x the work
    assert many - few <= 30 * (16 - 4), (few, many)      # a few tens a hall, not one per hall of the site


def test_the_power_view_is_the_scan_of_every_level_s_parts(monkeypatch) -> None:
    """The DOT text with each level's first part of a kind found by a scan of its parts (the code before)."""
    _, indexed = _power_dot(monkeypatch, 5)
    monkeypatch.setattr(diagram_base._Plan, "first_part",
                        lambda self, inst, kind: next((p for p in inst.parts if self.kind(p) == kind), None))
    results, _ = evaluate_text(_site(5), "spec.factory")
    assert diagram.diagram_dot(results, "power") == indexed
