"""Trust defects in model outputs that the report audit (docs/report.md) found and the renderer could not mend
(session 11): a number we print is right for its stated model, or absent with its reason.

1. An aggregated inference service has no prefill and decode pools: prefill_accelerators, prefill_tp,
   prefill_batch and decode_accelerators are absent there with the reason (they read "0" before), and
   offered_share with no offered_load is 1 (the default offered load is the capacity; it read "0").
2. A workload's own accelerator-hour (no site TCO prices it) annualizes the chip's price with the same capital
   recovery factor as a site's depreciation_it_year (the finance block's discount rate; it was capex / life,
   straight-line, whatever the rate).
3. A training layout that leaves accelerators idle says so: idle_accelerators = accelerators - tp pp cp dp
   (77,760 GPUs at tp 8 pp 8 cp 8 dp 151 leave 448 idle), shown in the layout column; hours and cost count all the
   accelerators held.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from compiler import evaluate_files, evaluate_text
from compiler.models.inference import POOL_OUTPUTS
from compiler.render import report
from compiler.render.results import render_results

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.factory")) + sorted((ROOT / "examples" / "published").glob("*.factory"))
YEAR = 8760 * 3600.0


@pytest.fixture(scope="module", params=EXAMPLES, ids=lambda p: p.stem)
def example(request):
    results, sink = evaluate_files([str(request.param)])
    assert results is not None, [d.message for d in sink.items]
    return str(request.param.relative_to(ROOT)), results, sink


def _workloads(results, kind: str) -> list[str]:
    """The paths of the placed workloads of `kind` (the graph's instances, walked from its roots)."""
    found, todo = [], list(results.graph.roots)
    while todo:
        inst = todo.pop()
        if inst.kind == kind:
            found.append(inst.path)
        todo.extend(inst.parts)
    return sorted(found)


# ----------------------------------------------------------------------------- 1. no 0 that does not apply

def test_no_pool_output_reads_0_on_an_aggregated_service(example) -> None:
    """Law over every example: an aggregated service has no pool outputs (no value in JSON: they do not apply,
    neither 0 nor a NaN), a disaggregated one's are numbers; offered_share is never 0 (1 where no offered_load is
    set)."""
    spec, results, sink = example
    quantities = json.loads(render_results(results, spec, sink, "json", None))["quantities"]
    for path in _workloads(results, "inference"):
        serving = results.values.get(f"{path}.serving", "aggregated")
        for name in POOL_OUTPUTS:
            if serving != "disaggregated":
                assert f"{path}.{name}" not in quantities, (path, name, quantities.get(f"{path}.{name}"))
            else:
                q = quantities[f"{path}.{name}"]
                assert all(v is None or v > 0 for v in q["values"]), (path, name, q)
        share = quantities[f"{path}.offered_share"]["values"]
        assert all(v is None or v > 0 for v in share), (path, share)
        if f"{path}.offered_load" not in results.values:
            assert all(v is None or v == 1.0 for v in share), (path, share)


AGGREGATED = """from systems import DGX_H100
from models import Llama3_1_8B
site s {
  inference chat {
    model = Llama3_1_8B
    system = DGX_H100
    accelerators = 8
  }
}
"""


def test_the_report_shows_no_pools_for_an_aggregated_service(tmp_path) -> None:
    """An aggregated service has no pool figures: no value in the results, no line in the report: never `0`."""
    results, sink = evaluate_text(AGGREGATED, "agg.factory")
    assert not sink.errors, [d.message for d in sink.errors]
    markdown = report.render_markdown(results, "agg.factory", sink)
    for label in ("Prefill accelerators", "Decode accelerators", "Prefill tp", "Prefill batch"):
        assert not any(ln.startswith(f"| {label} |") for ln in markdown.splitlines()), label
        assert f"s.chat.{label.lower().replace(' ', '_')}" not in results.values, label
    line = next(ln for ln in markdown.splitlines() if ln.startswith("| Offered share |"))
    assert "100.0%" in line, line
    assert results.values["s.chat.offered_share"][0] == 1.0


# ----------------------------------------------------------------------------- 2. one capital recovery factor

OWN_HOUR = """from chips import H100_SXM
from models import Llama3_1_8B
chip g: H100_SXM {{ price = 30000 USD }}
site s {{
  finance f {{
    discount_rate = {rate} / 1 yr
    depreciation_it = 5 yr
  }}
  training run {{
    model = Llama3_1_8B
    chip = g
    accelerators = 8
    tokens = 1e9 tok
    let electricity_price = 0 USD/kWh
  }}
}}
"""


@pytest.mark.parametrize("rate", ["0.08", "0"])
def test_a_workloads_own_accelerator_hour_uses_the_finance_blocks_annuity(rate: str) -> None:
    """No site TCO prices the chip (the site places none), so the run's accelerator-hour is the chip's price
    times the capital recovery factor of the finance block (energy priced at 0 here), the formula of a site's
    depreciation_it_year. By hand: $30,000, 5 years, 8%: CRF = 0.08 / (1 - 1.08^-5) = 0.08 / 0.319417 =
    0.250456 a year: $7,513.69 a year, $0.857728 an hour (8,760 h); at 0%: $30,000 / 5 = $6,000 a year,
    $0.684932 an hour (before, both were $0.684932: the rate was not read)."""
    results, sink = evaluate_text(OWN_HOUR.format(rate=rate), "own.factory")
    assert not sink.errors, [d.message for d in sink.errors]
    per_hour = results.values["s.run.cost"][0] / results.values["s.run.accelerator_hours"][0] * 3600
    r, n = float(rate), 5
    crf = r / (1 - (1 + r) ** -n) if r > 0 else 1 / n
    assert per_hour == pytest.approx(30000 * crf / 8760, rel=1e-9)
    assert per_hour == pytest.approx({"0.08": 0.857728, "0": 0.684932}[rate], abs=1e-6)


SITE_HOUR = """from chips import H100_SXM
chip g: H100_SXM {{ price = 30000 USD }}
server box {{ chip gpu: g x 8 }}
site s {{
  shell_cost = 0 USD/W
  plant_cost = 0 USD/W
  finance f {{
    discount_rate = 0.08 / 1 yr
    depreciation_it = 5 yr
  }}
  hall h {{ rack r {{ server n: box }} }}
}}
"""


def test_the_sites_depreciation_of_the_same_chip_is_the_same_annuity() -> None:
    """The site's IT depreciation of 8 such chips is 8 x $7,513.69 a year: per chip-hour the capital part of
    the workload's own figure above."""
    results, sink = evaluate_text(SITE_HOUR.format(), "site.factory")
    assert not sink.errors, [d.message for d in sink.errors]
    per_chip_hour = results.values["s.depreciation_it_year"][0] / 8 * 3600
    assert per_chip_hour == pytest.approx(30000 * 0.08 / (1 - 1.08 ** -5) / 8760, rel=1e-9)


# ----------------------------------------------------------------------------- 3. idle accelerators

def _idle_law(results, path: str) -> None:
    v = results.values
    n = np.asarray(v.get(f"{path}.accelerators", v[f"{path}.accelerator_hours"] / v[f"{path}.time_to_train"]))
    used = v[f"{path}.tp"] * v[f"{path}.pp"] * v[f"{path}.cp"] * v[f"{path}.dp"]
    idle = v[f"{path}.idle_accelerators"]
    ok = np.isfinite(idle)
    assert np.allclose((used + idle)[ok], np.broadcast_to(n, idle.shape)[ok], rtol=1e-9), (path, used, idle, n)
    assert np.all(idle[ok] >= 0) and np.all(idle[ok] < np.broadcast_to(n, idle.shape)[ok]), (path, idle)


def _serving_idle_law(results, path: str) -> None:
    """A service's used + idle = the accelerators its figures are for (tokens_per_s / tokens_per_s_per_chip):
    used = replicas x max(ep, tp pp) (a MoE replica spans ep = tp pp d chips), plus, disaggregated, the prefill
    workers' prefill_tp x floor(prefill_accelerators / prefill_tp)."""
    v = results.values
    idle = v[f"{path}.idle_accelerators"]
    ok = np.isfinite(idle)
    if not ok.any():
        return
    chips = v[f"{path}.tokens_per_s"] / v[f"{path}.tokens_per_s_per_chip"]
    used = v[f"{path}.replicas"] * np.maximum(v[f"{path}.ep"], v[f"{path}.tp"] * v[f"{path}.pp"])
    if f"{path}.prefill_accelerators" in v:      # disaggregated: the prefill workers' whole tp groups
        pre, tp_p = v[f"{path}.prefill_accelerators"], v[f"{path}.prefill_tp"]
        used = used + np.where(np.isfinite(pre), np.nan_to_num(tp_p) * np.floor(np.nan_to_num(pre / tp_p) + 1e-9),
                               0.0)
    n = np.broadcast_to(chips, idle.shape)
    assert np.allclose(np.broadcast_to(used + idle, idle.shape)[ok], np.round(n[ok]), rtol=1e-9), (path, used, idle, n)
    assert np.all(idle[ok] >= 0) and np.all(idle[ok] < n[ok]), (path, idle)


def test_used_plus_idle_is_the_accelerators_in_every_example(example) -> None:
    spec, results, sink = example
    for path in _workloads(results, "training"):
        _idle_law(results, path)
    for path in _workloads(results, "inference"):
        _serving_idle_law(results, path)


LAYOUTS = """from systems import DGX_H100
from models import Llama3_1_8B
param acc = [8, 12, 20, 100, 1000, 1500]
site s {
  training t {
    model = Llama3_1_8B
    system = DGX_H100
    accelerators = acc
    tokens = 1 Ttok
    precision = "bf16"
  }
}
"""


def test_used_plus_idle_is_the_accelerators_in_generated_layouts() -> None:
    """Counts the search cannot tile whole (1,000 and 1,500 on 8-GPU nodes: 8 and 28 idle) leave some idle;
    the job's hours count all of them: accelerator_hours = accelerators x time_to_train."""
    results, sink = evaluate_text(LAYOUTS, "layouts.factory")
    assert not sink.errors, [d.message for d in sink.errors]
    _idle_law(results, "s.t")
    v = results.values
    acc = np.array([8, 12, 20, 100, 1000, 1500.0])
    assert np.any(v["s.t.idle_accelerators"] > 0)
    assert np.allclose(v["s.t.accelerator_hours"], acc * v["s.t.time_to_train"], rtol=1e-12)


def test_the_layout_column_says_how_many_are_idle() -> None:
    results, sink = evaluate_text(LAYOUTS.replace("[8, 12, 20, 100, 1000, 1500]", "1500"), "idle.factory")
    assert not sink.errors, [d.message for d in sink.errors]
    idle = results.values["s.t.idle_accelerators"][0]
    assert idle > 0
    markdown = report.render_markdown(results, "idle.factory", sink)
    row = next(ln for ln in markdown.splitlines() if ln.startswith("| t |"))
    assert f"{idle:g} idle" in row, row
    line = next(ln for ln in markdown.splitlines() if ln.startswith("| Idle accelerators |"))
    assert f"| {idle:g} |" in line, line


# ----------------------------------------------------------------------------- generated specs (the law campaign's)

from sampling import sampled  # noqa: E402  (tests/ is on the path)
from test_law_campaign import SEEDS, draw, spec_text  # noqa: E402

WORKLOAD_SEEDS = [s for s in SEEDS if draw(s)["run"] or draw(s)["service"]]


@pytest.mark.parametrize("seed", sampled(WORKLOAD_SEEDS, 8, single=True))
def test_generated_workloads_keep_the_laws(seed: int) -> None:
    """Over the law campaign's generated specs (tests/test_law_campaign.py): a training run's used + idle =
    accelerators; an aggregated service has no pool outputs, never 0; offered_share never 0."""
    results, sink = evaluate_text(spec_text(draw(seed)), "law_campaign.factory")
    assert results is not None
    for path in _workloads(results, "training"):
        if f"{path}.idle_accelerators" in results.values:
            _idle_law(results, path)
    for path in _workloads(results, "inference"):
        if f"{path}.idle_accelerators" in results.values:
            _serving_idle_law(results, path)
        aggregated = results.values.get(f"{path}.serving", "aggregated") != "disaggregated"
        for name in POOL_OUTPUTS:
            value = results.values.get(f"{path}.{name}")
            if aggregated:
                assert value is None, (seed, path, name, value)      # does not apply: no value, no NaN
            if value is None:
                continue
            assert not np.any(value == 0), (seed, path, name, value)
        share = results.values.get(f"{path}.offered_share")
        assert share is None or not np.any(share == 0), (seed, path, share)


BASIS_SPEC = """from chips import H100_SXM
from systems import DGX_H100
from models import Llama3_1_8B
chip g: H100_SXM {{ price = 30000 USD }}
site s {{
  finance f {{
    discount_rate = 0.08 / 1 yr
    depreciation_it = 5 yr
  }}
  {racks}
  inference chat {{
    model = Llama3_1_8B
    {runs_on}
    accelerators = 8
  }}
}}
"""


@pytest.mark.parametrize("site_prices", [True, False])
def test_the_usd_per_mtok_basis_says_which_accelerator_hour_applied(site_prices: bool) -> None:
    """The key figure's basis names the site's TCO per accelerator-hour where it priced the service, and only
    there; either way the finance block's discount rate is among the inputs the figure read."""
    text = BASIS_SPEC.format(racks="hall h { rack r { server n: DGX_H100 } }" if site_prices else "",
                             runs_on="system = DGX_H100" if site_prices else "chip = g")
    results, sink = evaluate_text(text, "basis.factory")
    assert not sink.errors, [d.message for d in sink.errors]
    markdown = report.render_markdown(results, "basis.factory", sink)
    line = next(ln for ln in markdown.splitlines() if ln.startswith("| $ per million tokens |"))
    assert ("the site's TCO per accelerator-hour" in line) == site_prices, line
    assert "discount rate 8.0%/yr" in line, line


def test_a_service_of_12_chips_at_tp_8_leaves_4_idle() -> None:
    """By hand: 12 accelerators, a dense replica of tp 8 pp 1: floor(12 / 8) = 1 replica, 12 - 8 = 4 idle; the
    service's tokens/s per chip divides by all 12 it holds."""
    text = ("from chips import H100_SXM\nfrom models import Llama3_1_70B\nsite s {\n  inference w {\n"
            "    model = Llama3_1_70B\n    chip = H100_SXM\n    accelerators = 12\n    tp = 8\n    pp = 1\n  }\n}\n")
    results, sink = evaluate_text(text, "twelve.factory")
    assert not sink.errors, [d.message for d in sink.errors]
    v = {k: float(x[0]) for k, x in results.values.items() if isinstance(x, np.ndarray) and k.startswith("s.w.")}
    assert v["s.w.replicas"] == 1 and v["s.w.idle_accelerators"] == 4
    assert v["s.w.tokens_per_s_per_chip"] == pytest.approx(v["s.w.tokens_per_s"] / 12, rel=1e-12)
    row = next(ln for ln in report.render_markdown(results, "twelve.factory", sink).splitlines()
               if ln.startswith("| w |"))
    assert "4 idle" in row, row


# ----------------------------------------------------------------------------- the site's electricity price

PRICED_RUN = """from systems import DGX_H100
from models import Llama3_1_8B
site s {
  electricity_price = PRICE
  training t {
    model = Llama3_1_8B
    system = DGX_H100
    accelerators = 8
    tokens = 1 Ttok
    precision = "bf16"
    OWN
  }
}
"""


def _run_cost(price: str, own: str = "") -> tuple[float, float, float]:
    results, sink = evaluate_text(PRICED_RUN.replace("PRICE", price).replace("OWN", own), "priced_run.factory")
    assert not sink.errors, [d.message for d in sink.errors]
    v = results.values
    return v["s.t.cost"][0], v["s.t.accelerator_hours"][0], v["s.t.energy"][0]


def test_a_run_no_hall_places_pays_its_sites_electricity_price() -> None:
    """A training run on a system no hall places prices its own accelerator-hours (capex recovery + energy): the
    energy at the site's `electricity_price` (it was the assumption's whatever the site said: a site at 0.5
    USD/kWh cost what one at 0.1 did). By hand: the cost rises by the price's difference times the energy the
    accelerators draw over the hours they are reserved, (0.5 - 0.1) USD/kWh x P_wall x accelerator-hours, where
    cost(0.1) and cost(0.5) differ only there; a workload's own `let electricity_price` wins over the site's."""
    low, hours, _ = _run_cost("0.1 USD/kWh")
    high, hours_high, _ = _run_cost("0.5 USD/kWh")
    assert hours_high == hours and high > low
    # the energy term is linear in the price: cost(p) = capex part + p x E_wall, so the three prices lie on a line
    mid, _, _ = _run_cost("0.3 USD/kWh")
    assert mid == pytest.approx((low + high) / 2, rel=1e-12)
    own, _, _ = _run_cost("0.5 USD/kWh", own="let electricity_price = 0.1 USD/kWh")
    assert own == pytest.approx(low, rel=1e-12)
