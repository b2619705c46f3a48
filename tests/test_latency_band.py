"""The latency band of a served p99 (compiler/models/inference/ `latency_band`, the outputs ttft_p99_low /
ttft_p99_high / tpot_p99_low / tpot_p99_high) and the `latency-knife-edge` warning (compiler/checks.py
`_check_latency_knife_edge`), by law:

- the band holds the point, at every load and at the capacity;
- its ends are the model's own p99 at the load x 0.95 and x 1.05, run one at a time (the upper TTFT end adds the wait
  for KV room, 0 far from the cache's rows), and the band shrinks to the point as its delta goes to 0;
- it is narrow at a light load and widens toward the capacity (the rows in flight grow like 1 / (1 - x / c));
- a sweep gives each scenario its run's band;
- a spec far from any knee gets no warning; one at its KV cap does, with its figures flagged in the JSON, and the exit
  code stays 0 (a warning: the figure is the model's at its stated load).
s21-range, session 21 (issue 11 / trust). Session 22 (s22-band): the TTFT p50 and TPOT mean are banded too (every law
above holds for the four); the offered load and the band share one root solver (little_rows: a hand-calculated root,
the same answer at any pass size); the band at delta 0 is the figure and a wider delta never narrows it; the
threshold is a monotone family (flagged at T: flagged at every T' < T); the warning's help names the load with room
(`room_load`), at which the spec checks clean.
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
    let operating_fraction = 1   # the capacity point on the batch grid under the limits themselves (the model's
    let capacity_solve = 0       # default before 2026-12-07): KV-bound at 398 rows, the knee's case
    {load}
  }}
}}
"""
CHAT = "s.chat"
ENDS = ("", "_low", "_high")
BANDED = [name for name, _, _ in inference.BANDED]          # ttft_p99, tpot_p99, ttft_p50, tpot_mean


def _spec(load: str = "") -> str:
    return SPEC.format(load=load)


@pytest.fixture(scope="module")
def capacity() -> float:
    results, _ = run(_spec())
    return value(results, f"{CHAT}.tokens_per_s")


def _band(results, what: str) -> tuple[float, float, float]:
    """(point, low, high) of a banded latency: `what` ttft / tpot (the p99s) or a BANDED name."""
    name = what if "_" in what else f"{what}_p99"
    return tuple(value(results, f"{CHAT}.{name}{end}") for end in ENDS)


def _at(load: float):
    results, sink = run(_spec(f"offered_load = {load!r} tok/s"))
    return results, sink


def _knife_edges(sink) -> list:
    return [d for d in sink.items if d.code == "latency-knife-edge"]


@pytest.mark.parametrize("share", [0.3, 0.6, 0.8, 0.9, 0.95, None])
def test_band_holds_the_point(capacity, share) -> None:
    results, _ = run(_spec()) if share is None else _at(share * capacity)
    for what in BANDED:
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
    for what in BANDED:
        _, low, high = _band(results, what)
        assert low == pytest.approx(value(below, f"{CHAT}.{what}"), rel=1e-8), what
        assert high == pytest.approx(value(above, f"{CHAT}.{what}"), rel=1e-8), what


def test_band_shrinks_to_the_point(capacity, monkeypatch) -> None:
    monkeypatch.setattr(inference.band, "LATENCY_BAND_LOAD", 1e-7)
    results, _ = _at(0.8 * capacity)
    for what in BANDED:
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
    for what in BANDED:
        assert np.isnan(value(results, f"{CHAT}.{what}_high"))
        assert "unbounded" in results.absent[f"{CHAT}.{what}_high"].reason
    (warning,) = _knife_edges(sink)
    assert warning.severity == "warning" and "no steady value at 105%" in warning.message
    assert any("KV cache" in note for note in warning.notes)
    for what in BANDED:            # every banded latency judged and flagged; the absent upper ends by the warning too
        assert f"{CHAT}.{what}" in warning.quantities and f"{CHAT}.{what}_high" in warning.quantities, what


def test_sweep_equals_the_runs_one_at_a_time(capacity) -> None:
    loads = [0.5 * capacity, 0.9 * capacity]
    swept, _ = run(_spec("offered_load = x").replace("site s", f"param x = [{loads[0]!r} tok/s, "
                                                                  f"{loads[1]!r} tok/s]\n\nsite s"))
    for i, x in enumerate(loads):
        alone, _ = _at(x)
        for what in BANDED:
            for end in ENDS:
                path = f"{CHAT}.{what}{end}"
                got = np.broadcast_to(np.asarray(swept.values[path], dtype=float).ravel(), (2,))[i]
                assert got == pytest.approx(value(alone, path), rel=1e-12), path


def test_no_band_outside_aggregated_serving() -> None:
    """Offline, single stream and disaggregated services have no band (their latencies do not queue on the
    service's own load, or queue at a prefill pool the band does not move)."""
    results, _ = run(_spec().replace('"server"', '"offline"'))
    assert not any(p.endswith(("_low", "_high")) or p.endswith("room_load") for p in results.values)


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
    """examples/flagship_campus.factory's chat (TPOT-bound, 133 of 609 rows) checks clean: its band is narrow."""
    from compiler import evaluate_files
    results, sink = evaluate_files([str(Path(__file__).resolve().parents[1] / "examples" / "flagship_campus.factory")])
    assert not _knife_edges(sink)
    for what in BANDED:
        point, low, high = (value(results, f"frontier_campus.chat.{what}{end}") for end in ENDS)
        assert high / low < inference.LATENCY_KNIFE_EDGE and low <= point <= high, what
    assert "frontier_campus.chat.room_load" not in results.values        # only where a latency is on a knife edge


def test_with_kv_room_wait_the_upper_end_is_the_runs_own() -> None:
    """With `let kv_room_wait = 1` the model's own p99 carries the wait for KV room already: the upper end is the
    service offered 1.05 x the load, run alone (the wait counted once, not twice)."""
    spec = lambda load: _spec(load + "\n    let kv_room_wait = 1")          # noqa: E731
    capacity_, _ = run(spec(""))
    x = 0.9 * value(capacity_, f"{CHAT}.tokens_per_s")
    results, _ = run(spec(f"offered_load = {x!r} tok/s"))
    above, _ = run(spec(f"offered_load = {x * (1 + inference.LATENCY_BAND_LOAD)!r} tok/s"))
    assert value(results, f"{CHAT}.ttft_p99_high") == pytest.approx(value(above, f"{CHAT}.ttft_p99"), rel=1e-7)


# ---------------------------------------------------------------- session 22 (s22-band): one solver, laws, room_load
@pytest.mark.parametrize("points", [1, 3, 16, 128])
def test_little_rows_hand_calculated_root(points) -> None:
    """A step t(b) = a + c b (a 20 ms floor, 0.1 ms a row), k = 1: rate(b) = b / (a + c b) = x has the root
    b = x a / (1 - x c) (x = 5,000 tok/s: b = 5,000 x 0.02 / (1 - 0.5) = 200 rows); every pass size gives it within
    the solver's tolerance. A load below one row's rate is carried at lo = 1, one above B's at hi with carried False."""
    a, c = 0.02, 1e-4
    rate = lambda b: b / (a + c * b)                                    # noqa: E731
    x = np.array([[5000.0, 1.0], [8000.0, 9999.0]])
    b, carried = inference.little_rows(rate, x, 1.0, 1000.0, points)
    assert b[0, 0] == pytest.approx(200.0, rel=1e-9)
    assert b[1, 0] == pytest.approx(8000 * a / (1 - 8000 * c), rel=1e-9)       # 800 rows
    assert b[0, 1] == 1.0 and carried[0, 1]                             # one row carries more than 1 tok/s
    assert b[1, 1] == 1000.0 and not carried[1, 1]                      # 1,000 rows carry 8,333 < 9,999 tok/s
    assert carried[0, 0] and carried[1, 0]


def test_one_solver_the_offered_point_is_the_band_at_delta_zero(capacity, monkeypatch) -> None:
    """At delta 0 both ends are the offered load itself, found by the band's pass size: the band is the figure
    (the offered path's root, one batch a pass) to the solver's tolerance, for every banded latency."""
    monkeypatch.setattr(inference.band, "LATENCY_BAND_LOAD", 0.0)
    for share in (0.3, 0.8, 0.95):
        results, _ = _at(share * capacity)
        for what in BANDED:
            point, low, high = _band(results, what)
            assert low == pytest.approx(point, rel=1e-8) and high == pytest.approx(point, rel=1e-8), (share, what)


def test_a_wider_delta_never_narrows_the_band(capacity, monkeypatch) -> None:
    for share in (0.5, 0.85):
        bands = []
        for delta in (0.0, 0.02, 0.05, 0.1):
            monkeypatch.setattr(inference.band, "LATENCY_BAND_LOAD", delta)
            results, _ = _at(share * capacity)
            bands.append({what: _band(results, what) for what in BANDED})
        for narrow, wide in zip(bands, bands[1:]):
            for what in BANDED:
                (_, lo_n, hi_n), (_, lo_w, hi_w) = narrow[what], wide[what]
                assert lo_w <= lo_n * (1 + 1e-12), (share, what, lo_n, lo_w)
                assert np.isnan(hi_w) or hi_w >= hi_n * (1 - 1e-12), (share, what, hi_n, hi_w)


def test_threshold_is_a_monotone_family(capacity, monkeypatch) -> None:
    """What the warning flags at a threshold T it flags at every T' < T (the same spec, the same band), and the load
    with room never rises as the threshold tightens."""
    for share in (0.6, 0.85, 0.95):
        flagged, room = {}, {}
        for threshold in (1.02, 1.3, 1.5, 4.0, 100.0):       # below, at and above the default, both extremes
            monkeypatch.setattr(inference.band, "LATENCY_KNIFE_EDGE", threshold)
            results, sink = _at(share * capacity)
            flagged[threshold] = {q for d in _knife_edges(sink) for q in d.quantities}
            room[threshold] = results.values.get(f"{CHAT}.room_load")
        ts = sorted(flagged)
        for lower, higher in zip(ts, ts[1:]):
            assert flagged[higher] <= flagged[lower], (share, lower, higher)
        assert flagged[1.02], share                  # every load moves its latency by more than 2%
        known = [(t, float(np.ravel(room[t])[0])) for t in ts if room[t] is not None and np.isfinite(room[t]).all()]
        assert all(a[1] <= b[1] for a, b in zip(known, known[1:])), (share, known)


def test_room_load_checks_clean_and_the_next_share_does_not(capacity) -> None:
    """The help's load: the spec offered its room_load checks clean; offered the next share of ROOM_SHARES above it
    (10% of the capacity more) it is on a knife edge (the grid's answer is its most load with room)."""
    results, sink = run(_spec())
    (warning,) = _knife_edges(sink)
    room = value(results, f"{CHAT}.room_load")
    assert "room_load" in warning.help and "offered_load = " in warning.help
    share = room / capacity
    assert share == pytest.approx(round(share, 1), abs=1e-12) and 0.3 <= share <= 0.9
    _, clean = _at(room)
    assert not _knife_edges(clean), [d.message for d in _knife_edges(clean)]
    _, steep = _at(room + 0.1 * capacity)
    assert _knife_edges(steep)


def test_delta_zero_at_the_capacity_point(monkeypatch) -> None:
    """At delta 0 the band of a capacity point is its figure too (an interactive one, a long-prompt one, and the KV-cap
    one with `kv_room_wait` 1), with one stated exception: where the point's rows fill the KV cache and the default
    point leaves the wait for KV room out, the TTFTs' upper end carries that wait (the band's one mechanism the point
    lacks), so it sits above the point; the TPOTs' band is the point there."""
    monkeypatch.setattr(inference.band, "LATENCY_BAND_LOAD", 0.0)
    for spec in (_spec().replace('"server"', '"interactive"'), _spec().replace("1000 tok", "8000 tok"),
                 _spec("let kv_room_wait = 1")):
        results, _ = run(spec)
        for what in BANDED:
            point, low, high = _band(results, what)
            assert low == pytest.approx(point, rel=1e-8) and high == pytest.approx(point, rel=1e-8), what
    results, _ = run(_spec())
    for what in BANDED:
        point, low, high = _band(results, what)
        assert low == pytest.approx(point, rel=1e-8), what
        if what.startswith("tpot"):
            assert high == pytest.approx(point, rel=1e-8), what
        else:
            assert high > 1.5 * point, what


def test_no_share_with_room_leaves_room_load_absent_with_its_reason(capacity, monkeypatch) -> None:
    """Where no share of ROOM_SHARES has room, room_load is absent (never 0 or the capacity) with the reason, and the
    warning still fires at the figure it is about. Made here by trying only shares above the spec's own room (the
    grid's answer at the default shares: every share above it is on a knife edge, test above)."""
    results, _ = run(_spec())
    room = value(results, f"{CHAT}.room_load") / capacity
    above = tuple(s for s in inference.ROOM_SHARES if s > room + 1e-9) or (0.95,)   # (the spec's room is the
    assert room < above[-1], room                       # shares' top, 90%, since 2026-12-07: a share above it)
    monkeypatch.setattr(inference.band, "ROOM_SHARES", above)
    results, sink = run(_spec())
    assert f"{CHAT}.room_load" not in results.values or not np.isfinite(results.values[f"{CHAT}.room_load"]).any()
    reason = results.absent[f"{CHAT}.room_load"].reason
    assert reason.startswith("no room: at every load from") and f"{100 * above[-1]:g}%" in reason, reason
    assert _knife_edges(sink)
