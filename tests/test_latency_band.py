"""The latency band of a served p99 (compiler/models/inference.py `latency_band`, the outputs ttft_p99_low /
ttft_p99_high / tpot_p99_low / tpot_p99_high) and the `latency-knife-edge` warning (compiler/checks.py
`_check_latency_knife_edge`), by law:

- the band holds the point, at every load and at the capacity;
- its ends are the model's own p99 at the load x 0.95 and x 1.05, run one at a time (the upper TTFT end adds the wait
  for KV room, 0 far from the cache's rows), and the band shrinks to the point as its delta goes to 0;
- it is narrow at a light load and widens toward the capacity (the rows in flight grow like 1 / (1 - x / c));
- a sweep gives each scenario its run's band;
- a spec far from any knee gets no warning; one at its KV cap does, with its figures flagged in the JSON, and the exit
  code stays 0 (a warning: the figure is the model's at its stated load).
s21-range, session 21 (issue 11 / trust).
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import compiler.models.inference as inference
from compiler.cli import main
from tests.spec_eval import run, value

SPEC = """
from systems import DGX_H100
from models import Llama3_1_70B

site s {{
  inference chat {{
    model = Llama3_1_70B
    system = DGX_H100
    accelerators = 8
    precision = "fp8"
    scenario = "server"
    input_tokens = 1000 tok
    output_tokens = 250 tok
    {load}
  }}
}}
"""
CHAT = "s.chat"
ENDS = ("", "_low", "_high")


def _spec(load: str = "") -> str:
    return SPEC.format(load=load)


@pytest.fixture(scope="module")
def capacity() -> float:
    results, _ = run(_spec())
    return value(results, f"{CHAT}.tokens_per_s")


def _band(results, what: str) -> tuple[float, float, float]:
    return tuple(value(results, f"{CHAT}.{what}_p99{end}") for end in ENDS)


def _at(load: float):
    results, sink = run(_spec(f"offered_load = {load!r} tok/s"))
    return results, sink


def _knife_edges(sink) -> list:
    return [d for d in sink.items if d.code == "latency-knife-edge"]


@pytest.mark.parametrize("share", [0.3, 0.6, 0.8, 0.9, 0.95, None])
def test_band_holds_the_point(capacity, share) -> None:
    results, _ = run(_spec()) if share is None else _at(share * capacity)
    for what in ("ttft", "tpot"):
        point, low, high = _band(results, what)
        assert low <= point, (what, low, point)
        assert np.isnan(high) or point <= high, (what, point, high)     # nan: unbounded above (absent)


def test_ends_are_the_runs_at_those_loads(capacity) -> None:
    """At 60% of the capacity (rows far below the KV cache's: no wait for KV room) the band's ends are the p99s of
    the same service offered 0.95 x and 1.05 x the load, each run alone."""
    x = 0.6 * capacity
    results, _ = _at(x)
    below, _ = _at(x * (1 - inference.LATENCY_BAND_LOAD))
    above, _ = _at(x * (1 + inference.LATENCY_BAND_LOAD))
    for what in ("ttft", "tpot"):
        _, low, high = _band(results, what)
        assert low == pytest.approx(value(below, f"{CHAT}.{what}_p99"), rel=1e-7)
        assert high == pytest.approx(value(above, f"{CHAT}.{what}_p99"), rel=1e-7)


def test_band_shrinks_to_the_point(capacity, monkeypatch) -> None:
    monkeypatch.setattr(inference, "LATENCY_BAND_LOAD", 1e-7)
    results, _ = _at(0.8 * capacity)
    for what in ("ttft", "tpot"):
        point, low, high = _band(results, what)
        assert low == pytest.approx(point, rel=1e-5) and high == pytest.approx(point, rel=1e-5)


def test_narrow_when_light_wider_toward_the_capacity(capacity) -> None:
    """High / low rises with the load's share of the capacity; at 30% both p99s are within 10% and no warning is
    given; past the knee (95%) one is."""
    ratios = {"ttft": [], "tpot": []}
    for share in (0.3, 0.6, 0.8, 0.9):
        results, sink = _at(share * capacity)
        for what in ratios:
            _, low, high = _band(results, what)
            ratios[what].append(high / low)
        if share <= 0.6:
            assert not _knife_edges(sink), [d.message for d in _knife_edges(sink)]
    for what, r in ratios.items():
        assert all(b > a for a, b in zip(r, r[1:])), (what, r)
        assert r[0] < 1.1, (what, r)
    _, sink = _at(0.95 * capacity)
    assert len(_knife_edges(sink)) == 1


def test_upper_end_carries_the_wait_for_kv_room(capacity) -> None:
    """At 95% of a KV-bound capacity 5% more load puts the rows in flight within a few sqrt of the cache's rows: the
    upper end is the run at that load plus the Erlang-C wait for a row (the default point leaves it out), so above
    that run's own p99; the TPOT end is that run's."""
    x = 0.95 * capacity
    results, sink = _at(x)
    above, _ = _at(x * (1 + inference.LATENCY_BAND_LOAD))
    assert value(results, f"{CHAT}.ttft_p99_high") > 1.5 * value(above, f"{CHAT}.ttft_p99")
    assert value(results, f"{CHAT}.tpot_p99_high") == pytest.approx(value(above, f"{CHAT}.tpot_p99"), rel=1e-7)
    assert "TTFT p99" in _knife_edges(sink)[0].message


def test_capacity_at_the_kv_cap_is_unbounded_above() -> None:
    """The capacity point fills the KV cache (batch = max_batch): 5% more load has no room, so the upper ends are
    absent with their reason and the warning says so, naming the cache's rows."""
    results, sink = run(_spec())
    assert value(results, f"{CHAT}.batch") == value(results, f"{CHAT}.max_batch")
    for what in ("ttft", "tpot"):
        assert np.isnan(value(results, f"{CHAT}.{what}_p99_high"))
        assert "unbounded" in results.absent[f"{CHAT}.{what}_p99_high"].reason
    (warning,) = _knife_edges(sink)
    assert warning.severity == "warning" and "no steady value at 105%" in warning.message
    assert any("KV cache" in note for note in warning.notes)
    assert f"{CHAT}.ttft_p99" in warning.quantities and f"{CHAT}.tpot_p99" in warning.quantities
    # the absent upper ends are flagged by the warning that explains them, not only listed absent
    assert f"{CHAT}.ttft_p99_high" in warning.quantities and f"{CHAT}.tpot_p99_high" in warning.quantities


def test_sweep_equals_the_runs_one_at_a_time(capacity) -> None:
    loads = [0.5 * capacity, 0.9 * capacity]
    swept, _ = run(_spec("offered_load = x").replace("site s", f"param x = [{loads[0]!r} tok/s, "
                                                                  f"{loads[1]!r} tok/s]\n\nsite s"))
    for i, x in enumerate(loads):
        alone, _ = _at(x)
        for what in ("ttft", "tpot"):
            for end in ENDS:
                path = f"{CHAT}.{what}_p99{end}"
                got = np.broadcast_to(np.asarray(swept.values[path], dtype=float).ravel(), (2,))[i]
                assert got == pytest.approx(value(alone, path), rel=1e-12), path


def test_no_band_outside_aggregated_serving() -> None:
    """Offline, single stream and disaggregated services have no band (their latencies do not queue on the
    service's own load, or queue at a prefill pool the band does not move)."""
    results, _ = run(_spec().replace('"server"', '"offline"'))
    assert not any(p.endswith(("_p99_low", "_p99_high")) for p in results.values)


def test_cli_warns_flags_and_exits_zero(tmp_path) -> None:
    spec = tmp_path / "chat.factory"
    spec.write_text(_spec(), encoding="utf-8")
    checked = CliRunner().invoke(main, ["check", str(spec)])
    assert checked.exit_code == 0 and "warning[latency-knife-edge]" in checked.output
    evaluated = CliRunner().invoke(main, ["eval", str(spec), "--format", "json"])
    assert evaluated.exit_code == 0
    doc = json.loads(evaluated.stdout)
    assert "latency-knife-edge" in doc["quantities"][f"{CHAT}.ttft_p99"]["flagged"]["codes"]
    assert "flagged" not in doc["quantities"][f"{CHAT}.ttft_p99_low"]
    assert any(d["code"] == "latency-knife-edge" for d in doc["diagnostics"])


def test_flagship_example_is_far_from_any_knee() -> None:
    """examples/flagship_campus.factory's chat (TPOT-bound, 157 of 609 rows) checks clean: its band is narrow."""
    from compiler import evaluate_files
    results, sink = evaluate_files([str(Path(__file__).resolve().parents[1] / "examples" / "flagship_campus.factory")])
    assert not _knife_edges(sink)
    point, low, high = (value(results, f"frontier_campus.chat.ttft_p99{end}") for end in ENDS)
    assert high / low < inference.LATENCY_KNIFE_EDGE and low <= point <= high


def test_with_kv_room_wait_the_upper_end_is_the_runs_own() -> None:
    """With `let kv_room_wait = 1` the model's own p99 carries the wait for KV room already: the upper end is the
    service offered 1.05 x the load, run alone (the wait counted once, not twice)."""
    spec = lambda load: _spec(load + "\n    let kv_room_wait = 1")          # noqa: E731
    capacity_, _ = run(spec(""))
    x = 0.9 * value(capacity_, f"{CHAT}.tokens_per_s")
    results, _ = run(spec(f"offered_load = {x!r} tok/s"))
    above, _ = run(spec(f"offered_load = {x * (1 + inference.LATENCY_BAND_LOAD)!r} tok/s"))
    assert value(results, f"{CHAT}.ttft_p99_high") == pytest.approx(value(above, f"{CHAT}.ttft_p99"), rel=1e-7)
