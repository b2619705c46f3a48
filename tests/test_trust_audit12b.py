"""Trust hunt, session 12 wave 2 (s12-trust2, 2026-12-05): the training and finance paths a new user takes, each
defect that printed a wrong or unflagged number with exit 0 stated as a law (hand calculations written out), its
fix in its own commit.

1. A training run given `accelerators` and a `deadline` its accelerators cannot meet printed its time to train past
   the deadline with no diagnostic and exit 0 (64 H100 on 1 Ttok of Llama 3.1 8B: 1,742,314 s = 20.2 days against a
   deadline of 1 day; only `accelerators_needed` = 5,657 hinted at it). Law: a time to train above the deadline is
   a `limit-exceeded` error naming both numbers (the figures keep their values: they are right for the count
   given); a time within it is no finding; a longer deadline never makes a feasible plan infeasible.
2. A training run's cost, where no site prices its accelerator-hour (capex x CRF + energy), charged its energy at
   the system's planning wall power (its default utilization), not at the power the run draws (its `power`, whose
   `energy` it prints beside): the cost did not move with a `power_cap`. 64 H100 (DGX H100) on 1 Ttok at 0.3
   USD/kWh: 924 W a GPU charged, against the run's 883 W (700 W cap) and 611 W (400 W cap); the energy dollars in
   the cost were $8,590 and $15,881 where energy x price is $8,202 and $10,500 (+51% at the 400 W cap). Law: the
   cost at a price p less the cost at price 0 is the run's energy x p.
3. Goodput was clipped at 0.01: where the interruptions take all the time (lost = c / tau + lam (r + tau / 2) >=
   1, the run never finishes) a run printed goodput 0.01 and 100 x its failure-free time, exit 0 (64 H100 at
   1e-4 interruptions a GPU-second: lost 1.77, a time to train of 5.5 years and $4.06M); where lost is in
   (0.99, 1) it printed 0.01, not its own goodput. Law: goodput is 1 - lost, time_to_train x goodput =
   time_without_failures, and a run whose interruptions take all its time has no time to train (an
   `infeasible-workload` error naming the interruption rate), never a finite one.
4. (from 2.) A training run's `utilization` was read only by its cost's planning energy: with 2. it is read by no
   model, so it says so (`no-effect`) rather than being a silent input.
5. A `global_batch` below the default sequence (seq_len not set: 4,096 tokens) was raised to one sequence
   silently: 64 H100 training Llama 3.1 8B at global_batch = 1000 tok ran steps of 4,096 tokens (4.1x the batch
   asked for), dp 1, MFU 1.2% and 2.2 years, exit 0; with `seq_len = 4096 tok` written the same batch is an
   `out-of-range` error (dsl.schema.ORDERED). Law: the default sequence is judged as the written one.
6. `checkpoint_time = 0 s` (a checkpoint that costs nothing: an in-memory or fully asynchronous one) gave a goodput
   and time to train of NaN (tau = 0: c / tau = 0 / 0), four `non-finite` errors where the model has an answer:
   Young's optimum loses c / tau + lam tau / 2 = sqrt(2 c lam), 0 at c = 0, so lost = lam r. Law: goodput is
   continuous in c down to 0, and at 0 it is 1 - lam r.
7. `factory estimate training --deadline 1day` without `--count` placed one system and printed its time to train,
   91.75 days against the deadline of 1 day, with exit 0 (accelerators_needed 3,110 a row below); an inference
   estimate with `--demand` and no `--count` places what carries the demand. Law: a training estimate sized by its
   deadline runs on accelerators_needed, and its time to train meets the deadline.
"""
from __future__ import annotations

import numpy as np
import pytest

from compiler import evaluate_text
from dsl.diagnostics import Code
from spec_eval import error_free_values  # tests/ is on the path


def _eval(text: str, defines: dict[str, str] | None = None):
    return evaluate_text(text, "audit12b.factory", defines)


def _run(text: str, defines: dict[str, str] | None = None):
    return error_free_values(text, defines, "audit12b.factory")


# ----------------------------------------------------------------------------- 1. a deadline the run misses

DEADLINE = """from systems import DGX_H100
from models import Llama3_1_8B
param days = [1, 30]
site s {
  training t {
    model = Llama3_1_8B
    system = DGX_H100
    accelerators = 64
    tokens = 1 Ttok
    precision = "bf16"
    deadline = days * 24 h
  }
}
"""


def test_a_time_to_train_past_the_deadline_is_an_error_with_both_numbers() -> None:
    """The same 64 accelerators at deadlines of 1 day and 30 days: one time to train T (the deadline does not
    change the run). T is about 20 days (1 Ttok / ~0.58 Mtok/s / goodput ~0.995), so the 1-day scenario misses its
    deadline (an error naming T and 86,400 s, scenario 1 of 2) and the 30-day one meets it."""
    results, sink = _eval(DEADLINE)
    t = np.broadcast_to(results.values["s.t.time_to_train"], (2,))
    assert t[0] == pytest.approx(t[1], rel=1e-12)
    assert 86400 < t[0] < 30 * 86400
    errors = [d for d in sink.errors if d.code == Code.LIMIT_EXCEEDED and "s.t" in d.message]
    assert len(errors) == 1, [d.message for d in sink.items]
    text = errors[0].message + " ".join(errors[0].notes)
    assert "deadline" in text and "1 of 2" in text, text
    failed = [c for c in results.checks if not c.ok]
    assert failed and failed[0].failing == [0], [(c.name, c.failing) for c in results.checks]


def test_a_longer_deadline_never_makes_a_feasible_plan_infeasible() -> None:
    """Deadlines 30 and 60 days: the plan meets the first, so it meets the second; no error in either."""
    _run(DEADLINE.replace("param days = [1, 30]", "param days = [30, 60]"))


def test_a_run_sized_by_its_deadline_alone_is_no_finding() -> None:
    """Without `accelerators` the deadline sizes the run (accelerators_needed); the time to train shown is the
    default count's, not a plan that misses the deadline: no error (examples/moe_training_rubin_vs_blackwell)."""
    v = _run(DEADLINE.replace("    accelerators = 64\n", "").replace("param days = [1, 30]", "param days = [1]"))
    assert v["s.t.accelerators_needed"][0] > 64


# ----------------------------------------------------------------------------- 2. a training run's energy dollars

CAPPED = """from systems import DGX_H100
from models import Llama3_1_8B
param cap = [700 W, 400 W]
param price = [0 USD/kWh, 0.3 USD/kWh]
site s {
  electricity_price = price
  training t {
    model = Llama3_1_8B
    system = DGX_H100
    accelerators = 64
    tokens = 1 Ttok
    precision = "bf16"
    let power_cap = cap
  }
}
"""


def test_a_training_runs_cost_charges_the_energy_it_draws() -> None:
    """Scenarios (cap, price) in the product order (700 W, 0), (700 W, 0.3), (400 W, 0), (400 W, 0.3): the capex
    part (capex x CRF(r, life) an accelerator-second x accelerator-seconds) does not read the price, so the cost's
    change with the price is the energy bill: cost(p) - cost(0) = energy [J] / 3.6e6 x p [USD/kWh]; and the energy
    is power x time to train, the power falling with the cap."""
    v = _run(CAPPED)
    cost = np.broadcast_to(v["s.t.cost"], (4,))
    energy = np.broadcast_to(v["s.t.energy"], (4,))
    hours = np.broadcast_to(v["s.t.accelerator_hours"], (4,))
    for zero, priced in ((0, 1), (2, 3)):
        assert energy[priced] == pytest.approx(energy[zero], rel=1e-12)
        assert cost[priced] - cost[zero] == pytest.approx(energy[priced] / 3.6e6 * 0.3, rel=1e-9)
    power = np.broadcast_to(v["s.t.power"], (4,))
    assert power[2] < power[0]
    # the capex part is the same per accelerator-second at both caps
    assert cost[0] / hours[0] == pytest.approx(cost[2] / hours[2], rel=1e-12)


# ----------------------------------------------------------------------------- 3. goodput under heavy failures

FAILING = """from systems import DGX_H100
from models import Llama3_1_8B
param rate = [1e-6, 4.88e-5, 1e-4]
site s {
  training t {
    model = Llama3_1_8B
    system = DGX_H100
    accelerators = 64
    tokens = 1 Ttok
    precision = "bf16"
    failure_rate = rate / 1 s
  }
}
"""


def _lost(rate: float) -> float:
    """Young's optimum (training.py "goodput"): lam = 64 x rate, c = 30 s, r = 180 s, tau = sqrt(2 c / lam):
    lost = c / tau + lam (r + tau / 2) = sqrt(2 c lam) + lam r (the run is far longer than tau)."""
    lam = 64 * rate
    return float(np.sqrt(2 * 30 * lam) + lam * 180)


def test_goodput_is_one_less_the_time_lost_and_a_run_that_loses_all_of_it_has_no_time() -> None:
    """1e-6: lost 0.0716, goodput 0.928. 4.88e-5: lam = 0.00312/s, lost = 0.4329 + 0.5622 = 0.995, goodput 0.005
    (not 0.01: twice the time). 1e-4: lam = 0.0064/s (one interruption every 156 s, a restart of 180 s), lost
    = 0.620 + 1.152 = 1.77: the run never finishes."""
    results, sink = _eval(FAILING)
    v = results.values
    good = np.broadcast_to(v["s.t.goodput"], (3,))
    t = np.broadcast_to(v["s.t.time_to_train"], (3,))
    t0 = np.broadcast_to(v["s.t.detail.time_without_failures"], (3,))
    for i, rate in enumerate((1e-6, 4.88e-5)):
        assert good[i] == pytest.approx(1 - _lost(rate), rel=1e-6)
        assert t[i] * good[i] == pytest.approx(t0[i], rel=1e-9)
    assert _lost(1e-4) > 1
    assert np.isnan(t[2]) and np.isnan(np.broadcast_to(v["s.t.cost"], (3,))[2])
    errors = [d for d in sink.errors if d.code == Code.INFEASIBLE_WORKLOAD]
    assert len(errors) == 1 and "interruption" in errors[0].message, [d.message for d in sink.items]
    assert "1 of 3" in " ".join(errors[0].notes) or "3 of 3" not in " ".join(errors[0].notes)


def test_a_training_runs_utilization_changes_nothing_and_says_so() -> None:
    """Its only reader was the cost's energy at the planning wall power (2. above): now the run's power, energy and
    cost are its own draw at any `utilization`, and the field is a `no-effect` warning, not a silent input."""
    body = CAPPED.replace("param price = [0 USD/kWh, 0.3 USD/kWh]", "param price = 0.3 USD/kWh")
    plain = _run(body)
    results, sink = _eval(body.replace("    let power_cap = cap\n", "    let power_cap = cap\n    utilization = 0.3\n"))
    assert not sink.errors
    assert [d.code for d in sink.items if "utilization" in d.message] == [Code.NO_EFFECT]
    for name in ("cost", "energy", "power", "time_to_train"):
        assert np.array_equal(results.values[f"s.t.{name}"], plain[f"s.t.{name}"]), name


# ----------------------------------------------------------------------------- 5. a global batch below a sequence

BATCH = """from systems import DGX_H100
from models import Llama3_1_8B
param batch = [1000, 40000, 15000000]
site s {
  training t {
    model = Llama3_1_8B
    system = DGX_H100
    accelerators = 64
    tokens = 1 Ttok
    precision = "bf16"
    global_batch = batch * 1 tok
  }
}
"""


def test_a_global_batch_below_the_default_sequence_is_refused_as_below_a_written_one() -> None:
    """Steps of ceil(G / 4096) x 4096 tokens: 1000 -> 4,096, 40,000 -> 40,960, 15 M -> 3,663 sequences. 1000 tok is
    below one sequence: the `out-of-range` error names 1,000 and 4,096 tok in 1 of 3 scenarios, with seq_len
    defaulted as with it written."""
    for text in (BATCH, BATCH.replace('    precision = "bf16"\n', '    precision = "bf16"\n    seq_len = 4096 tok\n')):
        results, sink = _eval(text)
        v = results.values
        step = np.asarray(v["s.t.tokens_per_s"]) * np.asarray(v["s.t.step_time"])
        assert step == pytest.approx([4096, 40960, 3663 * 4096], rel=1e-9)
        [error] = sink.errors
        assert error.code == Code.OUT_OF_RANGE
        assert "1 ktok" in error.message or "1,000 tok" in error.message, error.message
        assert "4.096 ktok" in error.message or "4,096 tok" in error.message, error.message
        assert "1 of 3" in error.message, error.message


# ----------------------------------------------------------------------------- 6. a checkpoint that costs nothing

def test_a_free_checkpoint_loses_only_the_restarts() -> None:
    """c = 0: lost = lam r = 64 x 419 / (54 x 86400 x 16384) x 180 s = 0.003466 (the Llama 3 rate); c = 1 ms:
    sqrt(2 x 0.001 x lam) + lam r, a hair more."""
    text = FAILING.replace("param rate = [1e-6, 4.88e-5, 1e-4]", "param c = [0, 0.001]").replace(
        "    failure_rate = rate / 1 s\n", "    checkpoint_time = c * 1 s\n")
    v = _run(text)
    lam = 64 * 419 / (54 * 86400 * 16384)
    good = np.broadcast_to(v["s.t.goodput"], (2,))
    assert good[0] == pytest.approx(1 - lam * 180, rel=1e-9)
    assert good[1] == pytest.approx(1 - np.sqrt(2 * 0.001 * lam) - lam * 180, rel=1e-9)
    t = np.broadcast_to(v["s.t.time_to_train"], (2,))
    assert np.all(np.isfinite(t)) and t[0] <= t[1]


# ----------------------------------------------------------------------------- 7. an estimate sized by its deadline

def test_a_training_estimate_with_a_deadline_runs_on_the_accelerators_it_needs() -> None:
    import json

    from click.testing import CliRunner

    from compiler.cli import main
    args = ["estimate", "training", "--system", "DGX_H100", "--model", "Llama3_1_8B", "--tokens", "1Ttok",
            "--deadline", "1day", "--format", "json"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    q = json.loads(result.stdout)["quantities"]
    n = q["estimate.workload.accelerators"]["values"][0]
    assert n == q["estimate.workload.accelerators_needed"]["values"][0] > 8
    assert q["estimate.workload.time_to_train"]["values"][0] <= 86400
