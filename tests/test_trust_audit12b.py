"""Trust hunt, session 12 wave 2 (s12-trust2, 2026-12-05): the training and finance paths a new user takes, each
defect that printed a wrong or unflagged number with exit 0 stated as a law (hand calculations written out), its
fix in its own commit.

1. A training run given `accelerators` and a `deadline` its accelerators cannot meet printed its time to train past
   the deadline with no diagnostic and exit 0 (64 H100 on 1 Ttok of Llama 3.1 8B: 1,742,314 s = 20.2 days against a
   deadline of 1 day; only `accelerators_needed` = 5,657 hinted at it). Law: a time to train above the deadline is
   a `limit-exceeded` error naming both numbers (the figures keep their values: they are right for the count
   given); a time within it is no finding; a longer deadline never makes a feasible plan infeasible.
"""
from __future__ import annotations

import numpy as np
import pytest

from compiler import evaluate_text
from dsl.diagnostics import Code


def _eval(text: str, defines: dict[str, str] | None = None):
    return evaluate_text(text, "audit12b.factory", defines)


def _run(text: str, defines: dict[str, str] | None = None):
    results, sink = _eval(text, defines)
    assert not sink.errors, [d.message for d in sink.errors]
    return results.values


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

