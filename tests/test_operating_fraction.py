"""The capacity point's margin (compiler/validate.py OPERATING_FRACTION, OPERATING_FRACTION_INTERACTIVE,
`operating_fraction`; bench/operating_fraction_fit.py): each scenario's constant is the fit's answer on the public
calibration data, `continuous_capacity` holds each scenario to its own, and the early-stopping port reproduces
LoadGen's reference values (docs/accuracy.md "The capacity point's margin from the data")."""
from __future__ import annotations

import importlib.util
import math
import statistics as st
from pathlib import Path

import pytest

from compiler import validate as V
from compiler.models import inference as M

ROOT = Path(__file__).resolve().parents[1]
CSV = ROOT / "reference" / "mlperf_calibration.csv"
needs_csv = pytest.mark.skipif(not CSV.exists(), reason="reference/mlperf_calibration.csv not present")


def _fit_module():
    spec = importlib.util.spec_from_file_location("operating_fraction_fit", ROOT / "bench" / "operating_fraction_fit.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def fit():
    return _fit_module()


def test_early_stopping_matches_loadgens_reference_values(fit) -> None:
    """LoadGen's Server early stopping at p99, confidence 0.99 (loadgen/early_stopping.cc): with no query over the
    limit a run needs ln(0.01) / ln(0.99) = 458.2 -> 459 queries (LoadGen's h_min(t = 0, p99) = 459), so 459 allows
    t = 0 (quantile 1.0) and 459 x 5 = 2,295 allows more; at n = 24,576 the normal approximation puts the largest
    passing t at 0.01 n - 2.326 sqrt(0.0099 n) = 245.8 - 36.3 = 209.5, the held quantile ~0.9915, above the 0.99
    the limit names and never at or below it."""
    assert math.log(0.01) / math.log(0.99) == pytest.approx(458.2, abs=0.05)
    assert fit.early_stop_quantile(459) == 1.0
    assert fit.early_stop_quantile(2295) < 1.0
    q = fit.early_stop_quantile(24576)
    assert 205 <= (1 - q) * 24576 <= 214
    # more queries, a quantile nearer the 0.99 the limit names (the rule's margin shrinks with the run)
    qs = [fit.early_stop_quantile(n) for n in (5_000, 24_576, 100_000)]
    assert qs[0] > qs[1] > qs[2] > 0.99


@needs_csv
def test_each_scenarios_fraction_is_the_fits_answer(fit) -> None:
    """The shipped constants are the script's medians of each scenario's runs (to their printed digits): Server
    0.878 within 0.005 of OPERATING_FRACTION 0.88 (s11-grid's value, inside the Server interval 0.856-0.894),
    Interactive 0.925 = OPERATING_FRACTION_INTERACTIVE; and the two scenarios' shares differ (the Interactive runs'
    lower quartile above the Server median)."""
    runs = fit.runs()
    server = [r["share"] for r in runs if r["scenario"] == "server"]
    interactive = [r["share"] for r in runs if r["scenario"] == "interactive"]
    assert len(server) == 173 and len(interactive) == 35
    assert round(st.median(interactive), 3) == V.OPERATING_FRACTION_INTERACTIVE
    assert abs(st.median(server) - V.OPERATING_FRACTION) < 0.005
    assert st.quantiles(interactive, n=4)[0] > st.median(server)
    for r in runs:                  # a share is the binding limit's: at least each of its two ratios
        assert r["share"] == max(r["tpot_p99"], r["ttft_p99"]) > 0


@needs_csv
def test_continuous_capacity_holds_each_scenario_to_its_own_fraction(monkeypatch) -> None:
    """`continuous_capacity` gives Server rows OPERATING_FRACTION and Interactive rows OPERATING_FRACTION_INTERACTIVE
    (planning only, no evaluation); the constants are read at the call, so moving one moves its scenario's rows
    alone; applied since 2026-12-07, the defaults are the same; off, the chunked rows take the grid (capacity_solve
    0, the limits themselves) and the whole-prompt Server rows OPERATING_FRACTION; the constants are the model's
    planning defaults (OPERATING_FRACTIONS)."""
    assert V.MECHANISMS["continuous_capacity"] == ("server", "interactive")
    assert M.OPERATING_FRACTIONS == {"server": V.OPERATING_FRACTION, "interactive": V.OPERATING_FRACTION_INTERACTIVE}
    mech = V.mechanisms_with(on=["continuous_capacity"])

    def planned(mechanisms):
        rows = V.read_csv(str(CSV))
        for r in rows:
            V.plan(r, mechanisms)
        return [r for r in rows if r.fields and r.fields.get("scenario") in ("server", "interactive")]

    rows = planned(mech)
    by = {(r.fields["scenario"], r.lets.get("operating_fraction")) for r in rows}
    assert by == {("server", V.OPERATING_FRACTION), ("interactive", V.OPERATING_FRACTION_INTERACTIVE)}
    monkeypatch.setattr(V, "OPERATING_FRACTION_INTERACTIVE", 0.9)
    moved = planned(mech)
    assert {(r.fields["scenario"], r.lets.get("operating_fraction")) for r in moved} == {
        ("server", V.OPERATING_FRACTION), ("interactive", 0.9)}
    monkeypatch.undo()
    assert [r.lets for r in planned(None)] == [r.lets for r in rows]
    off = planned(V.mechanisms_with(off=["continuous_capacity"]))
    assert all(r.lets.get("operating_fraction") in (1.0, V.OPERATING_FRACTION) for r in off)
    assert not any(r.lets.get("capacity_solve") for r in off if r.fields["scenario"] == "interactive")
