"""Laws of a figure computed over parts of which one could not be evaluated (session 14, s14-evalhas).

A colleague found that `-D servers_per_rack=0.5` on examples/enterprise_starter.factory (a multiplicity that is no
whole number) printed `headquarters.capex_it 0 USD` with no flag: the server count failed, `Context.has` then said the
rack had no `capex_it`, and every sum over the parts skipped it (a partial sum: here all of it). In the sweep
`servers_per_rack=[0.5, 1]` evaluated in memory the count failed for the whole scenario axis, so `capex_it` was 0 USD
in the valid scenario too (the run with `-D servers_per_rack=1` alone gives 965,680 USD). The laws:

- a sweep equals the runs one at a time, every figure, in every scenario (in memory, and streamed whatever the
  chunk size): so a valid scenario's figures never depend on an invalid neighbour in the same sweep or chunk;
- a figure read from a part that has no value in a scenario (here: a count that is not whole) has none there either
  (NaN, null in JSON with the reason, `n/a` with the reason in the table and in the report), never a partial sum;
- a scenario is infeasible exactly where the spec has an error, whatever the chunk it is evaluated in.
"""
from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli import main

ROOT = Path(__file__).resolve().parent.parent
STARTER = str(ROOT / "examples" / "enterprise_starter.factory")
# servers per rack: 0.5 is no count; 1 and 2 are valid; the invalid one first (the streamed sweep's probe meets it)
# and last (it does not: its figures are decided on valid scenarios alone)
ORDERS = (("0.5", "1", "2"), ("1", "2", "0.5"))


def _cli(*args):
    return CliRunner().invoke(main, [*args])


def _json(*args) -> dict:
    res = _cli("eval", STARTER, *args, "--format", "json")
    return json.loads(res.stdout)


def _one(value: str) -> dict:
    return _json("-D", f"servers_per_rack={value}")


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return a == b or (isinstance(a, float) and isinstance(b, float) and math.isclose(a, b, rel_tol=1e-12))


def test_a_sum_over_parts_is_absent_with_the_reason_where_a_part_count_is_not_whole():
    # one run, servers_per_rack = 0.5: the servers' count has no value, so neither has any figure summed over them
    res = _cli("eval", STARTER, "-D", "servers_per_rack=0.5", "--format", "json")
    assert res.exit_code == 1
    doc = json.loads(res.stdout)
    for path in ("headquarters.capex_it", "headquarters.capex", "headquarters.it_power", "headquarters.accelerators",
                 "headquarters.server_room.capex_it"):
        q = doc["quantities"][path]
        assert q["values"] == [None], (path, q["values"])           # was 0 USD for capex_it (no flag)
        assert "not a whole number" in q["absent"]["reason"], path
    assert [d["code"] for d in doc["diagnostics"] if d["severity"] == "error"] == ["invalid-count"]
    # the figures that do not read the count keep their values
    assert doc["quantities"]["headquarters.capex_land"]["values"] == [0.0]
    table = _cli("eval", STARTER, "-D", "servers_per_rack=0.5", "--select", "headquarters.capex_it")
    assert table.exit_code == 1
    line = [x for x in table.stdout.splitlines() if x.startswith("headquarters.capex_it")]
    assert len(line) == 1 and "n/a" in line[0] and "not a whole number" in line[0] and "0 USD" not in line[0]


def test_the_report_shows_no_figure_and_no_zero_quantity_read_from_a_count_that_is_not_whole(tmp_path):
    res = _cli("build", STARTER, "-D", "servers_per_rack=0.5", "-o", str(tmp_path / "out"))
    assert res.exit_code == 1
    md = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    capex = [x for x in md.splitlines() if x.startswith("| Capex |")]
    assert len(capex) == 1 and "n/a" in capex[0] and "not a whole number" in capex[0], capex
    assert "no racks placed" not in md              # (four racks are placed: their servers' count is the error)
    server = [x for x in md.splitlines() if x.startswith("| hgx\\_h100 | server |")]
    assert len(server) == 1 and server[0].split("|")[3].strip() == "n/a", server    # was a quantity of 0


@pytest.mark.parametrize("order", ORDERS)
def test_a_sweep_equals_the_runs_one_at_a_time_in_every_scenario(order):
    # in memory: every figure of every scenario, the invalid one included (absent in both, for the same reason)
    sweep = _json("-D", f"servers_per_rack=[{', '.join(order)}]")
    assert sweep["scenarios"]["count"] == len(order)
    for i, value in enumerate(order):
        one = _one(value)
        for path, q in one["quantities"].items():
            assert path in sweep["quantities"], (value, path)
            values = sweep["quantities"][path]["values"]
            got = values[i if len(values) > 1 else 0]
            assert _same(got, q["values"][0]), (value, path, got, q["values"][0])
        if value != "0.5":              # a valid scenario: no figure of the sweep's that the run alone lacks
            extra = [p for p, q in sweep["quantities"].items() if p not in one["quantities"]
                     and q["values"][i if len(q["values"]) > 1 else 0] is not None]
            assert not extra, (value, extra[:5])
    assert sweep["quantities"]["headquarters.capex_it"]["values"][order.index("1")] == 4 * 241_420.0   # 4 x 1 server


def test_a_valid_scenario_does_not_depend_on_an_invalid_neighbour():
    alone = _one("1")["quantities"]
    beside = _json("-D", "servers_per_rack=[1, 0.5]")["quantities"]
    for path, q in alone.items():
        values = beside[path]["values"]
        assert _same(values[0], q["values"][0]), path


@pytest.mark.parametrize("order", ORDERS)
def test_a_streamed_sweep_equals_the_runs_one_at_a_time_whatever_the_chunk(tmp_path, order):
    ones = {v: _one(v)["quantities"] for v in order}
    # feasible: the run alone has no error (no failed assert: 1 server per rack fails `gpus == 64`)
    feasible = ["true" if _cli("eval", STARTER, "-D", f"servers_per_rack={v}", "--quiet").exit_code == 0 else "false"
                for v in order]
    for size in ("1", "2", "3"):
        out = tmp_path / f"s{size}.csv"
        res = _cli("eval", STARTER, "-D", f"servers_per_rack=[{', '.join(order)}]", "--output", str(out),
                   "--chunk-size", size, "--quiet")
        assert res.exit_code == 1, res.output
        rows = list(csv.DictReader(out.open(encoding="utf-8")))
        assert [r["feasible"] for r in rows] == feasible, size
        for row, value in zip(rows, order):
            for path, cell in row.items():
                if path in ("scenario", "feasible", "servers_per_rack") or path not in ones[value]:
                    continue
                want = ones[value][path]["values"][0]
                got = None if cell in ("", "nan", "NaN") else float(cell)
                assert _same(got, want), (size, value, path, cell, want)


def test_feasibility_of_a_scenario_does_not_depend_on_the_chunk_with_an_invalid_count(tmp_path):
    # the known limit: an invalid count made every scenario of its chunk infeasible (`--chunk-size 1` separated them)
    seen = []
    for size in ("1", "2"):
        out = tmp_path / f"f{size}.csv"
        res = _cli("eval", STARTER, "-D", "servers_per_rack=[0.5, 2]", "--output", str(out), "--chunk-size", size,
                   "--quiet", "--select", "headquarters.capex_it")
        assert res.exit_code == 1 and "multiplicity" in res.stderr
        seen.append([r["feasible"] for r in csv.DictReader(out.open(encoding="utf-8"))])
    assert seen == [["false", "true"], ["false", "true"]]


CYCLE_SPEC = """
from chips import H100_SXM
server s1 {
  chip gpu: H100_SXM x 8
  cooling = "air"
  price = 200000 USD
}
site x {
  location = "x"
  electricity_price = 0.1 USD/kWh
  land_price = 0 USD
  hall h {
    rack r1 {
      server a: s1 x 2
    }
    rack r2 {
      server a: s1 x 2
      price = capex_it
    }
  }
}
"""


def test_a_sum_over_parts_is_absent_where_a_part_failed_with_an_error_not_a_partial_sum(tmp_path):
    # r2's price is a definition cycle (an error): `Context.has` said r2 had no capex_it, and the hall's and the
    # site's capex_it were r1's alone, 400 kUSD, shown as a figure of the site (exit 1 for the cycle only)
    spec = tmp_path / "c.factory"
    spec.write_text(CYCLE_SPEC, encoding="utf-8")
    res = _cli("eval", str(spec), "--format", "json")
    assert res.exit_code == 1
    doc = json.loads(res.stdout)
    assert [d["code"] for d in doc["diagnostics"] if d["severity"] == "error"] == ["definition-cycle"]
    for path in ("x.capex_it", "x.h.capex_it", "x.capex"):
        q = doc["quantities"].get(path)
        assert q is not None and q["values"] == [None], (path, q)         # was 400,000 USD for the capex_it
        assert "cycle" in q["absent"]["reason"], path
    assert doc["quantities"]["x.h.r1.capex_it"]["values"] == [400_000.0]    # the part that has one keeps it
