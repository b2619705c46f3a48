"""Chunked, streamed sweeps (compiler/sweep.py, docs/scale.md): the laws they keep.

- a chunk is a product of slices, and the chunks in order are the whole Cartesian product;
- a streamed sweep equals the in-process evaluation of the same sweep, value for value (SI, repr round-trip);
- the bytes written do not depend on the chunk size or the number of worker processes;
- absent and non-finite values are empty (CSV) or null (JSON Lines, Parquet), never a number;
- Ctrl-C keeps the rows written so far, whole chunks only.
"""
from __future__ import annotations

import csv
import itertools
import json
import math

import numpy as np
import pytest
from click.testing import CliRunner

from compiler.cli import main
from compiler.evaluate import evaluate
from compiler.lower import lower
from compiler import sweep

SPEC = """
from chips import GB200, Grace
param racks_per_hall = 1..3
param halls = 1..3
param utilization = [0.6, 0.7, 0.8, 0.9]

server tray {
  chip gpu: GB200 x 4
  cpu host: Grace x 2
  cooling = "liquid"
  psu_efficiency = 1
}

power_shelf shelf {
  capacity = 33 kW
  efficiency = 0.97
}

rack nvl72 {
  server t: tray x 18
  power_shelf ps: shelf x 8
  price = 3000000 USD
  power_limit = 140 kW
}

site campus {
  utilization = utilization
  distribution = "dc800"
  ambient_temp = 35 degC
  mean_ambient_temp = 14 degC
  electricity_price = 0.08 USD/kWh
  hall h x halls {
    rack r: nvl72 x racks_per_hall
  }
}

assert campus.facility_power <= 1 MW, "the campus fits its 1 MW feed"
"""


@pytest.fixture(scope="module")
def spec_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("sweep") / "small.factory"
    path.write_text(SPEC, encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def plan(spec_file):
    p = sweep.prepare([spec_file])
    assert p.lowering is not None, [d.message for d in p.sink.items]
    return p


def _key(spec_file):
    return ((spec_file,), (), None)


def test_chunks_are_products_of_slices_covering_the_product_in_order():
    plan = sweep.Plan(None, None, 3 * 4 * 5, ["a", "b", "c"],
                      {"a": [1, 2, 3], "b": [10, 20, 30, 40], "c": [0.1, 0.2, 0.3, 0.4, 0.5]})
    full = list(itertools.product(*plan.values.values()))
    for size in (1, 2, 3, 5, 7, 20, 21, 59, 60, 1000):
        got = []
        for chunk in sweep.chunks(plan, size):
            part = list(itertools.product(*chunk.values.values()))
            assert len(part) == chunk.stop - chunk.start <= size
            assert part == full[chunk.start:chunk.stop]
            got += part
        assert got == full


def test_chunks_of_a_changing_size_are_still_products_in_order():
    plan = sweep.Plan(None, None, 3 * 4 * 5, ["a", "b", "c"],
                      {"a": [1, 2, 3], "b": [10, 20, 30, 40], "c": [0.1, 0.2, 0.3, 0.4, 0.5]})
    full = list(itertools.product(*plan.values.values()))

    class Sizes:                       # what AutoSize does: the size changes between chunks
        sequence = iter([1, 2, 3, 7, 20, 1, 13, 4, 60, 2])
        size = 1

    sizes = Sizes()
    got = []
    for chunk in sweep.chunks(plan, sizes):
        part = list(itertools.product(*chunk.values.values()))
        assert len(part) == chunk.stop - chunk.start <= sizes.size
        assert part == full[chunk.start:chunk.stop]
        got += part
        sizes.size = next(sizes.sequence, 5)
    assert got == full


def test_auto_size_grows_while_the_rate_improves_then_keeps_the_best():
    auto = sweep.AutoSize(start=100, budget_mb=1e9)
    auto.observe(100, 1.0)             # 100/s
    assert auto.size == 200
    auto.observe(200, 1.0)             # 200/s: better, grow
    assert auto.size == 400
    auto.observe(400, 4.0)             # 100/s: worse (a model costing more than linearly): back to 200
    assert auto.size == 200 and not auto.growing
    auto.observe(200, 0.1)
    assert auto.size == 200
    # each chunk costs a fixed time besides its scenarios: a rate a little below the best (noise, or the fixed
    # cost nearly paid off) keeps growing; only one more than 20 % below stops it
    noisy = sweep.AutoSize(start=100, budget_mb=1e9)
    noisy.observe(100, 1.0)            # 100/s
    noisy.observe(200, 2.2)            # 91/s: within 20 %, grow
    assert noisy.size == 400 and noisy.growing
    noisy.observe(400, 5.5)            # 73/s: more than 20 % below 100/s: back to the best, 100
    assert noisy.size == 100 and not noisy.growing
    small = sweep.AutoSize(start=1000, budget_mb=0.0)   # over the memory budget: shrink 4x
    small.observe(1000, 1.0)
    assert small.size == 250 and not small.growing
    # defect: the process's peak never falls, so every later chunk shrank 4x again, down to 1 scenario (a 10^6
    # flagship sweep at 32 scenarios/s); a peak already answered no longer shrinks it
    small.observe(250, 1.0)
    small.observe(250, 1.0)
    assert small.size == 250


def test_format_column_is_repr_and_absent_is_empty():
    values = np.array([0.1, 1e16, -0.0, 3.0, 1e-5, 2.0 ** -1074, np.nan, np.inf, -np.inf, 123456789.123456789])
    text = sweep.format_column(values)
    assert text[:6] == [repr(float(v)) for v in values[:6]]
    assert text[6:9] == ["", "", ""]
    assert [float(t) for t in text if t] == [v for v in values.tolist() if math.isfinite(v)]


def test_streamed_csv_equals_in_process_sweep(spec_file, plan, tmp_path):
    import dsl

    out = tmp_path / "s.csv"
    outcome = sweep.stream(plan, _key(spec_file), output=str(out), chunk_size=5)
    assert outcome.written == plan.count == 36
    checked, sink = dsl.check_files([spec_file])
    results = evaluate(lower(checked, sink), sink)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [int(r["scenario"]) for r in rows] == list(range(36))
    varying = [c for c in outcome.columns if c not in ("scenario", "feasible")]
    assert "campus.facility_power" in varying and "halls" in varying
    for name in varying:
        expected = np.broadcast_to(results.values[name], (36,))
        got = np.array([float(r[name]) if r[name] else np.nan for r in rows])
        np.testing.assert_array_equal(got, expected)
    for name, value in outcome.constants.items():
        if np.isnan(value):         # absent in every scenario whatever the swept values: one constant, no value
            assert sweep._everywhere(results.absent, results.absent[name]), name
            continue
        assert np.asarray(results.values[name]).size == 1 and float(results.values[name][0]) == value
    # feasible: the one assert (facility power <= 1 MW) holds, scenario by scenario
    power = np.broadcast_to(results.values["campus.facility_power"], (36,))
    assert [r["feasible"] == "true" for r in rows] == list(power <= 1e6 * (1 + 1e-12))
    assert outcome.failing["spec: the campus fits its 1 MW feed"] == int(np.sum(power > 1e6))


def _run_eval(args):
    result = CliRunner().invoke(main, ["eval", *args, "--quiet"])
    assert result.exit_code in (0, 1), result.output
    return result


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_bytes_do_not_depend_on_chunk_size_or_workers(spec_file, tmp_path, fmt):
    outputs = []
    for i, extra in enumerate((["--chunk-size", "1"], ["--chunk-size", "7"], ["--chunk-size", "1000"],
                               ["--chunk-size", "4", "--workers", "2"])):
        out = tmp_path / f"o{i}.{fmt}"
        _run_eval([spec_file, "--output", str(out), *extra])
        outputs.append((out.read_bytes(), (tmp_path / f"o{i}.{fmt}.meta.json").read_bytes()))
    assert all(o == outputs[0] for o in outputs[1:])


def test_jsonl_rows_and_null_for_absent(spec_file, plan, tmp_path):
    out = tmp_path / "s.jsonl"
    table = {"scenario": np.arange(3), "feasible": np.array([True, False, True]),
             "x": np.array([1.5, np.nan, np.inf])}
    writer = sweep.JsonlWriter(str(out), ["scenario", "feasible", "x"])
    writer.write(table, 3)
    writer.close()
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows == [{"scenario": 0, "feasible": True, "x": 1.5}, {"scenario": 1, "feasible": False, "x": None},
                    {"scenario": 2, "feasible": True, "x": None}]
    csv_out = tmp_path / "s.csv"
    writer = sweep.CsvWriter(str(csv_out), ["scenario", "feasible", "x"])
    writer.write(table, 3)
    writer.close()
    assert csv_out.read_text() == "scenario,feasible,x\n0,true,1.5\n1,false,\n2,true,\n"


def test_parquet_round_trips(spec_file, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "s.parquet"
    _run_eval([spec_file, "--output", str(out), "--chunk-size", "5"])
    csv_out = tmp_path / "s.csv"
    _run_eval([spec_file, "--output", str(csv_out)])
    table = pq.read_table(str(out)).to_pydict()
    rows = list(csv.DictReader(csv_out.open(encoding="utf-8")))
    assert table["scenario"] == list(range(36))
    for name in ("halls", "campus.facility_power", "campus.capex"):
        assert table[name] == [float(r[name]) for r in rows]


def test_parquet_bytes_do_not_depend_on_the_chunk_size(spec_file, tmp_path):
    # defect (s15-scale): each chunk became a Parquet row group, so the file's bytes followed --chunk-size, and
    # with the default (AutoSize, sized from measured CPU time) two runs of the same sweep could differ. Rows are
    # now written in row groups of a fixed size whatever the chunks.
    pytest.importorskip("pyarrow.parquet")
    files = []
    for size in ("5", "36"):
        out = tmp_path / f"s{size}.parquet"
        _run_eval([spec_file, "--output", str(out), "--chunk-size", size])
        files.append(out.read_bytes())
    assert files[0] == files[1]
    sizes = iter([3, 40, 1, 7, 2, 64, 5])
    for groups in (sweep.ParquetWriter.ROW_GROUP, 4):     # a small row group: the buffering itself
        outs = []
        for chunks in ([36], [next(sizes) for _ in range(3)] + [36]):
            path = tmp_path / f"w{groups}_{len(chunks)}.parquet"
            writer = sweep.ParquetWriter(str(path), ["scenario", "feasible", "x"], row_group=groups)
            start = 0
            for n in chunks:
                n = min(n, 36 - start)
                if n <= 0:
                    break
                index = np.arange(start, start + n)
                writer.write({"scenario": index, "feasible": index % 2 == 0, "x": index * 0.5}, n)
                start += n
            writer.close()
            outs.append(path.read_bytes())
        assert outs[0] == outs[1]


def test_parquet_without_pyarrow_is_a_clear_error(spec_file, tmp_path, monkeypatch):
    import builtins

    real = builtins.__import__

    def fake(name, *args, **kwargs):
        if name.startswith("pyarrow"):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake)
    result = CliRunner().invoke(main, ["eval", spec_file, "--output", str(tmp_path / "x.parquet"), "--quiet"])
    assert result.exit_code == 2
    assert "needs pyarrow" in result.output and "Traceback" not in result.output


def test_interrupt_keeps_whole_chunks_written(spec_file, plan, tmp_path):
    out = tmp_path / "s.csv"
    seen = []

    def on_chunk(result, table):
        seen.append(result.chunk.stop)
        if len(seen) == 2:
            sweep.INTERRUPT.set()          # what Ctrl-C does while a stream runs

    outcome = sweep.stream(plan, _key(spec_file), output=str(out), chunk_size=4, on_chunk=on_chunk)
    assert outcome.interrupted and outcome.written == 8
    lines = out.read_text().splitlines()
    assert len(lines) == 1 + 8 and lines[-1].startswith("7,")


def test_summary_table_and_meta(spec_file, tmp_path):
    out = tmp_path / "s.csv"
    result = _run_eval([spec_file, "--output", str(out)])
    assert result.exit_code == 1                         # the assert fails in some scenarios
    assert "36 of 36 scenarios evaluated" in result.output
    assert "FAIL  spec: the campus fits its 1 MW feed  (in " in result.output
    meta = json.loads((tmp_path / "s.csv.meta.json").read_text())
    assert meta["scenarios"]["complete"] and meta["columns"][:5] == ["scenario", "racks_per_hall", "halls",
                                                                      "utilization", "feasible"]
    assert all(c not in meta["columns"] for c in meta["constants"])


@pytest.mark.slow
def test_meta_names_the_failing_scenarios_by_index(spec_file, tmp_path, monkeypatch):
    """Law: a check's `failing` in FILE.meta.json is, in order and whatever the chunk size, the `failing` of the
    in-memory results JSON; the union over the checks is the scenarios whose row says `feasible` false; past
    FAILING_LISTED it is the first ones, and `failing_listed_all` says so."""
    name = "spec: the campus fits its 1 MW feed"
    in_memory = json.loads(CliRunner().invoke(main, ["eval", spec_file, "--format", "json"]).output)
    expected = next(c["failing"] for c in in_memory["checks"] if c["name"] == name)
    for chunk in ("1", "5", "1000"):
        out = tmp_path / f"f{chunk}.csv"
        _run_eval([spec_file, "--output", str(out), "--chunk-size", chunk])
        rows = list(csv.DictReader(out.open()))
        checks = json.loads((tmp_path / f"f{chunk}.csv.meta.json").read_text())["checks"]
        check = next(c for c in checks if c["name"] == name)
        assert check["failing_listed_all"] and check["failing"] == expected
        assert check["failing_scenarios"] == len(expected) > 0
        union = sorted({i for c in checks for i in c["failing"]})
        assert union == [int(r["scenario"]) for r in rows if r["feasible"] == "false"]
    monkeypatch.setattr(sweep, "FAILING_LISTED", 3)
    out = tmp_path / "few.csv"
    _run_eval([spec_file, "--output", str(out), "--chunk-size", "2"])
    checks = json.loads((tmp_path / "few.csv.meta.json").read_text())["checks"]
    check = next(c for c in checks if c["name"] == name)
    assert check["failing"] == expected[:3] and not check["failing_listed_all"]


@pytest.mark.slow          # a LocalCluster takes seconds to start
def test_dask_local_cluster_gives_the_same_bytes(spec_file, tmp_path):
    pytest.importorskip("distributed")
    serial, dask = tmp_path / "a.csv", tmp_path / "b.csv"
    _run_eval([spec_file, "--output", str(serial), "--chunk-size", "6"])
    _run_eval([spec_file, "--output", str(dask), "--chunk-size", "6", "--scheduler", "local", "--workers", "2"])
    assert serial.read_bytes() == dask.read_bytes()


def test_absent_values_are_empty_never_a_number(spec_file, tmp_path, monkeypatch):
    """`Results.absent[path]` (mask, reason): those scenarios are empty in CSV, null in JSON Lines, and
    infeasible for optimize; the other scenarios keep their numbers."""
    from types import SimpleNamespace

    import compiler.evaluate as ev

    real = ev.evaluate

    def with_absent(lowering, sink, only_checks=False, **given):
        res = real(lowering, sink, only_checks, **given)
        power = np.broadcast_to(res.values["campus.facility_power"], (res.scenario_count,))
        mask = power > 500e3                       # pretend the figure has no value there
        res.values["campus.capex"] = np.where(mask, np.nan, res.values["campus.capex"])
        res.absent = {"campus.capex": SimpleNamespace(mask=mask, reason="pretend", origin="campus.capex")}
        return res

    monkeypatch.setattr(ev, "evaluate", with_absent)
    plan = sweep.prepare([spec_file])
    out = tmp_path / "s.csv"
    sweep.stream(plan, _key(spec_file), output=str(out), chunk_size=5)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    for r in rows:
        assert (r["campus.capex"] == "") == (float(r["campus.facility_power"]) > 500e3)
    assert any(r["campus.capex"] for r in rows) and any(not r["campus.capex"] for r in rows)


def test_table_of_a_large_sweep_is_the_summary_and_equals_the_streamed_one(spec_file):
    args = [spec_file, "-D", "racks_per_hall=1..20", "-D", "halls=1..15", "--select", "campus.*"]
    in_memory = CliRunner().invoke(main, ["eval", *args])            # 1,200 scenarios > SUMMARY_AT
    streamed = CliRunner().invoke(main, ["eval", *args, "--chunk-size", "128", "--quiet"])
    assert in_memory.exit_code == streamed.exit_code == 1            # the 1 MW assert fails in some
    assert in_memory.stdout == streamed.stdout
    assert in_memory.stdout.startswith("1,200 of 1,200 scenarios evaluated; ")
    assert "campus.facility_power" in in_memory.stdout and "median" in in_memory.stdout


def test_a_failed_check_is_reported_once_without_a_chunk_count(spec_file):
    res = CliRunner().invoke(main, ["eval", spec_file, "--chunk-size", "5"])
    assert res.exit_code == 1
    assert res.stderr.count("error[assert-failed]") == 1 and " of 5 scenarios" not in res.stderr
    assert "FAIL  spec: the campus fits its 1 MW feed  (in " in res.stdout


def test_projected_time_of_a_sweep_by_hand() -> None:
    """The projection is the whole count at the measured rate: 1,000,000 of 100,000,000 in 10 s is 100,000/s,
    so 1,000 s (16.67 min) in all; the duration reads in the unit that fits (compiler.display's ladder)."""
    from compiler.sweep import projection_text

    text = projection_text(100_000_000, 1_000_000, 10.0)
    assert "(100,000 scenarios/s)" in text and "16.67 min" in text
    assert "42 s" in projection_text(4_200, 1_000, 10.0)
    assert "1.5 min" in projection_text(9_000, 1_000, 10.0)
    assert "2 h" in projection_text(720_000, 1_000, 10.0)
    assert "1.5 day" in projection_text(12_960_000, 1_000, 10.0)
    assert "3 day" in projection_text(25_920_000, 1_000, 10.0)


def _chunks_taken(auto, total: int, fixed_s: float, per_scenario_s: float) -> list[int]:
    """The chunk sizes AutoSize picks over a sweep of `total` scenarios when a chunk of n costs
    fixed_s + per_scenario_s * n CPU seconds (the probe, of 1 scenario, told as the fixed cost)."""
    auto.fixed(fixed_s + per_scenario_s)
    sizes, done = [], 0
    while done < total:
        n = min(auto.size, total - done)
        sizes.append(n)
        auto.observe(n, fixed_s + per_scenario_s * n)
        done += n
    return sizes


def test_auto_size_amortises_a_large_fixed_cost_per_chunk_in_few_chunks():
    # defect (s15-scale): a big estate (3 sites, 36 halls, ~13,000 racks) costs ~1.5 s per chunk whatever its
    # length (every node of the graph is evaluated again), ~1e-5 s per scenario: doubling from 128 took 7 chunks
    # for 9,900 scenarios (streamed 8.2x the in-process time). With the fixed cost known from the probe, the
    # size leaps (at most 16x a step) towards where the fixed cost is a tenth of a chunk's time.
    sizes = _chunks_taken(sweep.AutoSize(budget_mb=1e9), 9_900, 1.5, 1e-5)
    assert len(sizes) <= 3, sizes
    assert sizes[0] == 128 and all(b <= 16 * a for a, b in zip(sizes, sizes[1:]))
    # a cost with no fixed part: no leap, the doubling of before
    linear = _chunks_taken(sweep.AutoSize(budget_mb=1e9), 2_000, 0.0, 1e-3)
    assert linear[:3] == [128, 256, 512], linear


def test_the_projected_time_counts_a_chunks_fixed_cost_once_per_chunk():
    # defect (s15-scale): the 9,900-scenario estate sweep printed "all 9,900 are projected to take 7.005 min"
    # and took 11.4 s: the first chunk (99 scenarios, 1.5 s of it the graph's fixed cost) was extrapolated
    # linearly. With the fixed cost a (the probe) and the cost per scenario b, the rest costs a per chunk
    # AutoSize will take plus b per scenario: here a = 1.5 s, b = 1e-5 s, chunks 2,048 and 7,724 left.
    auto = sweep.AutoSize(budget_mb=1e9)
    auto.fixed(1.5)
    auto.observe(128, 1.5 + 128e-5)
    left = 9_900 - 128
    exact = 2 * 1.5 + left * 1e-5                       # 3.098 s: what the simulated sweep takes
    assert abs(auto.remaining_cpu(left) - exact) < 1e-9
    linear = left / (128 / (1.5 + 128e-5))              # the old projection: 114.6 s, 37x
    assert linear > 30 * exact
    text = sweep.projection_text(9_900, 128, 3.0, remaining_s=auto.remaining_cpu(left))
    assert "6.098 s" in text, text                       # 3.0 s so far and 3.098 s to come
    # no model (a fixed chunk size, workers): the linear projection, as before
    assert sweep.AutoSize().remaining_cpu(100) is None
