"""Facility gaps (session 13, s13-facility): a plan whose space, power path or gear is short of its load must fail
with a limit at its span and a non-zero exit, and the facility's power figures count every loss of the load they
carry. Laws compare runs of the same spec; hand calculations are written out beside each assertion."""
from __future__ import annotations

import math

import pytest

from compiler import evaluate_text
from compiler.models.facility import rack_floor_area
from spec_eval import run, value


def _limits(sink, word: str = ""):
    return [d for d in sink.items if d.code == "limit-exceeded" and word in d.message]


# ---------------------------------------------------------------- 1. hall floor area

AREA_HALL = """
server box {
  max_power = 50 kW
  price = 1 USD
}
rack frame { server n: box }
site s {
  hall h {
    area = AREA m^2
    row r x ROWS { rack k: frame x 10 }
  }
}
"""


def test_rack_floor_area_is_the_7_tile_pitch() -> None:
    # 0.6 m wide rack x half of 7 tiles of 2 ft (7 x 0.6096 m = 4.267 m between cold-aisle centres, two rows):
    # 0.6 x 2.1336 = 1.28016 m^2
    assert rack_floor_area.value == pytest.approx(0.6 * 2.1336)


def test_a_hall_smaller_than_its_racks_is_a_limit() -> None:
    # 4 rows x 10 racks = 40 racks x 1.28016 m^2 = 51.2 m^2 > 50 m^2: a limit naming the hall's area
    _, sink = evaluate_text(AREA_HALL.replace("AREA", "50").replace("ROWS", "4"))
    errors = _limits(sink, "floor area")
    assert len(errors) == 1 and errors[0].span.line == 9, [d.message for d in sink.items]
    assert "51.2" in errors[0].notes[0] and "50 m^2" in errors[0].notes[0]
    # 52 m^2 holds them
    _, sink = evaluate_text(AREA_HALL.replace("AREA", "52").replace("ROWS", "4"))
    assert not _limits(sink, "floor area")


def test_shrinking_the_area_below_the_racks_fails_and_growing_the_racks_does_too() -> None:
    # law: shrinking a capacity below its load gives a limit; a hall that held 40 racks in 60 m^2 cannot hold 50
    _, sink = evaluate_text(AREA_HALL.replace("AREA", "60").replace("ROWS", "4"))
    assert not _limits(sink, "floor area")
    _, sink = evaluate_text(AREA_HALL.replace("AREA", "60").replace("ROWS", "5"))   # 50 x 1.28 = 64.0 m^2
    assert len(_limits(sink, "floor area")) == 1


def test_the_cli_exits_non_zero_on_a_hall_too_small(tmp_path) -> None:
    from click.testing import CliRunner
    from compiler.cli import main
    spec = tmp_path / "small.factory"
    spec.write_text(AREA_HALL.replace("AREA", "10").replace("ROWS", "4"))
    result = CliRunner().invoke(main, ["check", str(spec)])
    assert result.exit_code != 0 and "floor area" in result.output
