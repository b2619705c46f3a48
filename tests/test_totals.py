"""compiler/models/totals.py: the figures the diagrams show of a part placed `x count`, and a site's placed
cooling towers. Hand calculations written out; the diagrams read these outputs (tests/test_layering.py)."""
from __future__ import annotations

from spec_eval import run, value

SPEC = """
chip acc {
  tdp = 1000 W
}
server box {
  chip gpu: acc x 8
  max_power = 10 kW
}
cooling_tower tower {
  capacity = 5 MW
  power = 75 kW
}
rack frame {
  server n: box x 4
}
site s {
  heat_rejection = "cooling_tower"
  hall h x 3 {
    row pod x 2 {
      rack r: frame x 5
    }
  }
  cooling_tower a: tower x 2
  cooling_tower b: tower x 3
  cooling_tower c: tower
}
"""


def test_placed_totals_are_per_item_figures_times_the_count_in_the_parent() -> None:
    results, _ = run(SPEC)
    # a rack holds 4 servers of 8 chips: 32 accelerators; the row places 5 racks: 160
    assert value(results, "s.h.pod.r.accelerators") == 32
    assert value(results, "s.h.pod.r.accelerators_all") == 32 * 5
    # a row: 5 racks of 32 = 160; the hall places 2 rows: 320 (not x 3 halls: that is the path, `quantity`)
    assert value(results, "s.h.pod.accelerators_all") == 160 * 2
    # a hall: 2 rows of 160 = 320; the site places 3 halls: 960
    assert value(results, "s.h.accelerators_all") == 320 * 3
    for path, count in (("s.h.pod.r", 5), ("s.h.pod", 2), ("s.h", 3)):
        assert value(results, f"{path}.it_power_all") == value(results, f"{path}.it_power") * count
    for stream in ("liquid", "air"):
        assert value(results, f"s.h.heat_{stream}_all") == value(results, f"s.h.heat_{stream}") * 3


def test_a_block_nothing_places_has_no_placed_total() -> None:
    results, _ = run("rack solo {\n  power_limit = 10 kW\n}\nhall lone {\n  area = 100 m^2\n}\n")
    for path in ("solo.it_power_all", "solo.accelerators_all", "lone.it_power_all", "lone.heat_air_all"):
        assert path not in results.values


def test_cooling_towers_count_every_tower_placed_one_where_no_count_is_written() -> None:
    """As the site's cooling-tower-capacity limit counts them (session 16: the output skipped a tower placed
    without a count, so the cooling view drew 'Cooling towers' with no number where the limit said 1 placed)."""
    results, _ = run(SPEC)
    assert value(results, "s.cooling_towers") == 2 + 3 + 1    # `c` is placed without a count: one tower
    bare, _ = run(SPEC.replace("  cooling_tower a: tower x 2\n  cooling_tower b: tower x 3\n", ""))
    assert value(bare, "s.cooling_towers") == 1
    none, _ = run(SPEC.replace("  cooling_tower a: tower x 2\n  cooling_tower b: tower x 3\n", "")
                  .replace("  cooling_tower c: tower\n", ""))
    assert "s.cooling_towers" not in none.values
