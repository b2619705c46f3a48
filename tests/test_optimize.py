"""`factory optimize` (compiler/optimize.py): checked against a brute-force sweep done here, one `factory eval`
run per grid point (an independent loop, not the chunked search).

Law: the chosen plan is the feasible grid point with the least objective (ties: the first), where feasible
means the spec's asserts hold (`eval` exits 0) and the --subject-to constraint holds; the Pareto front is the
set of feasible points no other feasible point dominates.
"""
from __future__ import annotations

import itertools
import json

import pytest
from click.testing import CliRunner

from compiler.cli import main

from test_sweep import SPEC  # noqa: E402  (tests/ is on the path)

GRID = {"racks_per_hall": [1, 2, 3], "halls": [1, 2, 3]}
CAP_W = 600e3


@pytest.fixture(scope="module")
def spec_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("opt") / "small.factory"
    path.write_text(SPEC.replace("param utilization = [0.6, 0.7, 0.8, 0.9]", "param utilization = 0.8"),
                    encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def brute(spec_file):
    """Every grid point evaluated alone: (racks_per_hall, halls) -> (asserts ok, quantities)."""
    out = {}
    for r, h in itertools.product(GRID["racks_per_hall"], GRID["halls"]):
        res = CliRunner().invoke(main, ["eval", spec_file, "--format", "json", "--select", "campus.*",
                                        "-D", f"racks_per_hall={r}", "-D", f"halls={h}"])
        assert res.exit_code in (0, 1), res.output
        doc = json.loads(res.stdout)
        out[(r, h)] = (res.exit_code == 0, {k: v["values"][0] for k, v in doc["quantities"].items()})
    return out


def _optimize(spec_file, *args):
    res = CliRunner().invoke(main, ["optimize", spec_file, "--vary", "racks_per_hall=1..3", "--vary", "halls=1..3",
                                    "--format", "json", "--quiet", "--chunk-size", "4", *args])
    assert res.exit_code in (0, 1), res.output
    return res.exit_code, json.loads(res.stdout)


def test_cheapest_under_a_power_cap_matches_brute_force(spec_file, brute):
    feasible = {k: q for k, (ok, q) in brute.items()
                if ok and q["campus.facility_power"] <= CAP_W}
    assert feasible                                            # the cap leaves something to choose from
    code, doc = _optimize(spec_file, "--minimize", "capex", "--subject-to", "facility_power <= 600 kW")
    assert code == 0
    best_key = min(feasible, key=lambda k: (feasible[k]["campus.capex"], list(brute).index(k)))
    # the cheapest plan under the cap: one rack in one hall
    assert doc["best"]["parameters"] == {"racks_per_hall": float(best_key[0]), "halls": float(best_key[1])}
    assert doc["best"]["values"]["campus.capex"] == feasible[best_key]["campus.capex"]
    assert doc["objectives"][0]["path"] == "campus.capex"
    assert doc["scenarios"]["feasible"] == len(feasible)


def test_biggest_plan_under_the_cap(spec_file, brute):
    code, doc = _optimize(spec_file, "--maximize", "campus.accelerators", "--subject-to", "facility_power <= 600 kW")
    feasible = {k: q for k, (ok, q) in brute.items() if ok and q["campus.facility_power"] <= CAP_W}
    most = max(q["campus.accelerators"] for q in feasible.values())
    first = next(k for k, q in feasible.items() if q["campus.accelerators"] == most)   # ties: the first
    assert code == 0 and doc["best"]["values"]["campus.accelerators"] == most
    assert doc["best"]["parameters"] == {"racks_per_hall": float(first[0]), "halls": float(first[1])}


def test_pareto_front_matches_brute_force(spec_file, brute):
    code, doc = _optimize(spec_file, "--minimize", "facility_power", "--maximize", "campus.accelerators")
    points = {k: (q["campus.facility_power"], -q["campus.accelerators"]) for k, (ok, q) in brute.items() if ok}

    def dominated(a):
        return any(all(x <= y for x, y in zip(b, a)) and b != a for b in points.values())

    expected = sorted((float(k[0]), float(k[1])) for k, v in points.items() if not dominated(v))
    got = sorted((r["parameters"]["racks_per_hall"], r["parameters"]["halls"]) for r in doc["pareto"])
    assert code == 0 and got == expected and doc["best"] is None


def test_no_feasible_plan_exits_1_and_says_so(spec_file):
    res = CliRunner().invoke(main, ["optimize", spec_file, "--vary", "halls=1..2", "--minimize", "capex",
                                    "--subject-to", "facility_power <= 1 kW", "--quiet"])
    assert res.exit_code == 1 and "no feasible plan" in res.output


@pytest.mark.parametrize("args, message", [
    (["--minimize", "no_such_thing"], "is not a quantity"),
    (["--minimize", "capex", "--subject-to", "facility_power <= 3 m"], "is in m, but"),
    (["--minimize", "capex", "--subject-to", "facility_power is small"], "write QUANTITY OP NUMBER"),
    ([], "give one objective"),
])
def test_bad_use_is_exit_2_with_one_line(spec_file, args, message):
    res = CliRunner().invoke(main, ["optimize", spec_file, "--vary", "halls=1..2", "--quiet", *args])
    assert res.exit_code == 2 and message in res.output and "Traceback" not in res.output


def test_heatmap_grey_exactly_where_infeasible(spec_file, brute, tmp_path):
    import xml.etree.ElementTree as ET

    out = tmp_path / "h.svg"
    res = CliRunner().invoke(main, ["optimize", spec_file, "--vary", "racks_per_hall=1..3", "--vary", "halls=1..3",
                                    "--minimize", "capex", "--subject-to", "facility_power <= 600 kW",
                                    "--heatmap", str(out), "--quiet"])
    assert res.exit_code == 0, res.output
    ns = "{http://www.w3.org/2000/svg}"
    rects = [r for r in ET.parse(out).getroot().iter(f"{ns}rect") if r.get("width") == r.get("height") == "14"]
    cells = rects[:9]                                    # row-major: racks_per_hall rows, halls columns
    grey = [r.get("fill") == "#cccccc" for r in cells]
    expected = [not (brute[(r, h)][0] and brute[(r, h)][1]["campus.facility_power"] <= CAP_W)
                for r, h in itertools.product(GRID["racks_per_hall"], GRID["halls"])]
    assert grey == expected
    assert any(r.get("stroke") for r in rects)           # the chosen plan is outlined
    res = CliRunner().invoke(main, ["optimize", spec_file, "--vary", "halls=1..2", "--minimize", "capex",
                                    "--heatmap", str(out), "--quiet", "-D", "racks_per_hall=1"])
    assert res.exit_code == 2 and "exactly two varied parameters" in res.output


def _dominated_by_definition(keys):
    return [i for i, r in enumerate(keys)
            if not any((s <= r).all() and (s < r).any() for s in keys)]


def test_the_pareto_front_is_the_definition_with_ties_and_duplicates():
    # s15-scale: the front of a 16,000-scenario sweep took 4.9 s (quadratic: each kept row tested against all the
    # kept ones, and the kept array copied per row); the two-objective front is now one sort and a running
    # minimum (bench/bench_search.py --part pareto). Law: the same rows as the definition, ties and
    # duplicates included (neither of two equal rows dominates the other), -0.0 equal to 0.0.
    import numpy as np

    from compiler.optimize import _nondominated
    rng = np.random.default_rng(15)
    for k in (2, 3):
        for _ in range(40):
            keys = rng.integers(0, 5, size=(int(rng.integers(1, 30)), k)).astype(float)
            keys[keys == 0] = -0.0 if rng.random() < 0.5 else 0.0
            assert _nondominated(keys) == _dominated_by_definition(keys)
    line = np.stack([np.linspace(0, 1, 500), np.linspace(1, 0, 500)], axis=1)   # every row on the front
    assert _nondominated(line) == list(range(500))


def test_the_three_objective_front_is_the_definition_at_every_level():
    # s16-scale: the three-objective front was O(n x front) (8.4 s for 20,000 rows all on it); it is now divide
    # and conquer over the lexicographic order (0.03 s; bench/bench_search.py --part pareto). Law: the definition,
    # on sizes that cross several levels of blocks (not powers of two), with ties, duplicates and -0.0 == 0.0.
    import numpy as np

    from compiler.optimize import _nondominated
    rng = np.random.default_rng(16)
    for _ in range(60):
        n = int(rng.integers(1, 150))
        keys = rng.integers(0, int(rng.integers(1, 7)), size=(n, 3)).astype(float)
        keys[keys == 0] = -0.0 if rng.random() < 0.5 else 0.0
        assert _nondominated(keys) == _dominated_by_definition(keys)
    t = rng.random(700)
    plane = np.stack([t, 1.0 - t, np.zeros(700)], axis=1)          # every row on the front
    assert _nondominated(plane) == list(range(700))


def test_the_front_over_chunks_skips_rows_without_a_value_and_infeasible_ones():
    # the Search keeps the front over chunks: a row with an absent (NaN) or infinite objective, or an infeasible
    # one, is never on it and never dominates; the front is the definition over the rest, whatever the chunking
    import numpy as np

    from compiler.optimize import Objective, Search
    from compiler.sweep import Chunk, ChunkResult
    rng = np.random.default_rng(7)
    n = 120
    a, b, c = (rng.integers(0, 4, n).astype(float) for _ in range(3))
    a[rng.random(n) < 0.1] = np.nan
    b[rng.random(n) < 0.05] = np.inf
    feasible = rng.random(n) > 0.2
    a[5], b[5], c[5], feasible[5] = -100.0, -100.0, -100.0, False          # would dominate all, infeasible
    keys = np.stack([a, -b, c], axis=1)                                    # b is maximized
    ok = feasible & np.isfinite(keys).all(axis=1)
    rows = np.flatnonzero(ok)
    expected = [int(rows[i]) for i in _dominated_by_definition(keys[rows])]
    for size in (n, 7, 50):
        search = Search([Objective("a", "min"), Objective("b", "max"), Objective("c", "min")], [], [])
        for start in range(0, n, size):
            stop = min(n, start + size)
            cols = {"x.a": a[start:stop], "x.b": b[start:stop], "x.c": c[start:stop]}
            search.add(ChunkResult(Chunk(0, start, stop, {}), cols, {}, {}, feasible[start:stop], {}, {}, []), {})
        assert [r["scenario"] for r in search.front] == expected
        assert search.feasible == int(ok.sum())
