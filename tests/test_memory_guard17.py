"""An in-memory sweep is refused, with a diagnostic, where its estimated memory passes the limit (s17-scale2).

`factory eval` without --output evaluated and rendered a sweep of up to 10^7 scenarios in memory with no bound:
enterprise_starter -D racks=1..200000 took 636 MB as a table, 4.4 GB as CSV, 11.7 GB as JSON, so 10^7 scenarios
(34 GB as a table) were killed by the kernel on a 23 GB machine, with no word of why. compiler/memory_guard.py
probes the sweep and refuses it past `--memory-limit` (default half the physical memory), naming the estimate, the
limit and the streamed alternative. Tests use a small limit: nothing here allocates much.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from compiler import evaluate_files
from compiler.cli import main
from compiler.memory_guard import BYTES_PER_CELL, BYTES_PER_VARYING, estimate, parse_size

ROOT = Path(__file__).resolve().parents[1]
SPEC = str(ROOT / "examples" / "enterprise_starter.factory")


def _eval(*args):
    return CliRunner().invoke(main, ["eval", SPEC, *args])


def test_a_sweep_past_the_memory_limit_is_refused_with_the_estimate_and_the_streamed_way():
    res = _eval("-D", "racks=1..1001", "--format", "json", "--memory-limit", "1MB")
    assert res.exit_code == 1, res.output
    assert "Traceback" not in res.output
    text = res.stderr
    assert "error[invalid-range]" in text and "1,001 scenarios" in text, text
    assert "more than the limit of 1 MB" in text and "--output enterprise_starter.parquet" in text, text
    assert res.stdout == "", res.stdout          # nothing evaluated, nothing printed as if it were


def test_the_limit_changes_nothing_but_whether_the_sweep_runs():
    # the probe evaluates the lowering once before the sweep: the output is byte-identical with it and without
    probed = _eval("-D", "racks=1..1200", "--format", "table", "--memory-limit", "100GB")
    plain = _eval("-D", "racks=1..1200", "--format", "table", "--memory-limit", "none")
    assert probed.exit_code == plain.exit_code == 1, probed.output     # its asserts fail at most counts
    assert probed.stdout == plain.stdout and probed.stdout
    assert probed.stderr == plain.stderr


def test_the_estimate_is_its_formula_over_the_figures_the_whole_sweep_varies():
    # estimate = n x (F x 20 B + Q x 150 B for JSON): F the figures that vary, Q the numeric quantities written;
    # the probe (racks 1 and 2) finds the same F and Q as the whole sweep of 50 counts
    import dsl
    from compiler.lower import lower

    checked, sink = dsl.check_files([SPEC], {"racks": "1..50"}, None)
    lowering = lower(checked, sink)
    varying, shown, need = estimate(lowering, sink.sources, "json")
    results, _ = evaluate_files([SPEC], {"racks": "1..50"})
    numeric = [v for v in results.values.values() if isinstance(v, np.ndarray) and v.dtype.kind in "biuf"]
    assert varying == sum(1 for v in numeric if v.size == 50)
    assert shown == len(numeric)
    assert need == 50 * (varying * BYTES_PER_VARYING + shown * BYTES_PER_CELL["json"])


def test_memory_limit_sizes():
    assert parse_size("16GB") == 16 * 10 ** 9 and parse_size("512 mb") == 512 * 10 ** 6
    assert parse_size("2GiB") == 2 * 2 ** 30 and parse_size("none") is None
    res = _eval("--memory-limit", "lots")
    assert res.exit_code == 2 and "not a size" in res.output, res.output


def test_in_memory_and_streamed_counts_read_alike(tmp_path):
    # energy_price < 0 in 500 of 1,001 scenarios: the streamed error said "(in 500 of 1,001 scenarios)", the same
    # error in memory "(in 500 of 1001 scenarios: ...)"; one formatter (compiler.display.in_scenarios) for both
    sweep = ["-D", "energy_price=-0.5 USD/kWh..0.5 USD/kWh step 0.001 USD/kWh", "--select", "headquarters.opex"]
    streamed = _eval(*sweep, "--output", str(tmp_path / "p.csv"), "--quiet", "--chunk-size", "300")
    in_memory = _eval(*sweep, "--format", "csv")
    for res in (streamed, in_memory):
        errors = [line for line in res.stderr.splitlines() if "error[out-of-range]" in line]
        assert errors and "in 500 of 1,001 scenarios" in errors[0], errors


def test_an_unpriced_land_names_the_scenarios_whose_runs_alone_warn():
    # a site that places no IT (no racks) has no building: its run alone gives no `unpriced` land warning; the
    # sweep n=[2, 0] (the estate's racks_per_row=[3, 0] alike) warned in both scenarios (no Diagnostic.scenarios)
    from compiler import evaluate_text

    text = NET.replace("  land_price = 0 USD\n", "")

    def land(n):
        _, sink = evaluate_text(text, "land.factory", {"n": n}, str(ROOT / "examples"))
        return [d for d in sink.items if d.code == "unpriced" and "land_price" in d.message]

    assert land("2") and not land("0")
    assert [d.scenarios for d in land("[2, 0]")] == [[0]]
    assert [d.scenarios for d in land("[2, 3]")] == [None]       # every scenario: none named


NET = """
from systems import GB200_NVL72
from network import OSFP_800G_2xDR4
param n = 2
switch cheap {
  ports = 64
  port_speed = 800 Gb/s
  power = 1000 W
  height = 2 U
}
site s {
  electricity_price = 0.1 USD/kWh
  land_price = 0 USD
  hall h {
    rack r: GB200_NVL72 x n
  }
  network fab {
    role = "scale_out"
    switch = cheap
    transceiver = OSFP_800G_2xDR4
  }
}
"""


def test_an_unpriced_switch_names_the_scenarios_whose_fabric_has_switches():
    # no racks, no endpoints, no switches: the run at n = 0 gives no `unpriced` warning for the fabric's switch model;
    # the sweep n=[2, 0] warned with no scenarios (every one): now scenario 0 only
    from compiler import evaluate_text

    def switch(n):
        _, sink = evaluate_text(NET, "net.factory", {"n": n}, str(ROOT / "examples"))
        return [d for d in sink.items if d.code == "unpriced" and "`cheap`" in d.message]

    assert switch("2") and not switch("0")
    assert [d.scenarios for d in switch("[2, 0]")] == [[0]]
    assert [d.scenarios for d in switch("[0, 2, 0, 3]")] == [[1, 3]]
    assert [d.scenarios for d in switch("[2, 3]")] == [None]


def test_the_other_in_memory_commands_are_guarded(monkeypatch):
    # build, explain and diagram evaluate a sweep in memory as eval does: refused past the limit (before, racks=1..10^7
    # ran into the machine's memory); byte-identical below it with the probe and without (the slow test below)
    import compiler.memory_guard as memory_guard

    monkeypatch.setattr(memory_guard, "default_limit", lambda: 10 ** 6)
    refused = CliRunner().invoke(main, ["explain", SPEC, "headquarters.capex", "-D", "racks=1..1001"])
    assert refused.exit_code == 1 and "more than the limit of 1 MB (half this machine's memory)" in refused.stderr
    assert "factory eval" in refused.stderr and "--output enterprise_starter.parquet" in refused.stderr


@pytest.mark.slow
def test_build_and_explain_of_a_sweep_are_unchanged_by_the_probe(tmp_path, monkeypatch):
    import compiler.memory_guard as memory_guard

    def outputs(limit):
        monkeypatch.setattr(memory_guard, "default_limit", lambda: limit)
        out = tmp_path / str(limit)
        build = CliRunner().invoke(main, ["build", SPEC, "-D", "racks=1..1001", "-o", str(out)])
        explain = CliRunner().invoke(main, ["explain", SPEC, "headquarters.capex", "-D", "racks=1..1001"])
        return [build.exit_code, explain.exit_code, explain.stdout,
                *((out / name).read_bytes() for name in ("report.md", "results.json"))]

    assert outputs(10 ** 12) == outputs(None)
