"""An inference service's `infeasible-workload` error stands at the field its reason is about, from the reason's
structure, never from its words (s26-solvelaws; compiler/reason.py).

Until session 26 `evaluate.infeasible_check` found the field of an inference reason by matching its leading words
("no parallel layout exists with tp = "), the inference package's reasons being plain text; only that one reason
reached its field, every other (a given `batch` that does not fit, a latency limit no layout meets, a disaggregated
service's `prefill_accelerators`, `prefill_tp` or `accelerators`) stood at the workload's name. The inference
reasons that name a field are now `Reason`s carrying it where they are produced (grid_search.why_infeasible,
solution._disaggregated / _held_pools), and the words are read by no one: every reason rewritten to other words keeps
its error at its field, and the same reason as plain text (no structure) stands at the workload's name.
"""
from __future__ import annotations

import numpy as np
import pytest

from compiler import evaluate as evaluate_module
from compiler import evaluate_text
from compiler.reason import Reason
from dsl.diagnostics import Code

BASE = '''from systems import DGX_H100
from models import Llama3_1_8B
site lab {
  location = "a lab"
  inference w {
    model = Llama3_1_8B
    system = DGX_H100
    precision = "fp8"
    scenario = "server"
    input_tokens = 1000 tok
    output_tokens = 200 tok
EXTRA  }
}
'''

# the field a reason is about, and the lines that make the service infeasible for it
CASES = {
    "tp": "    accelerators = 8\n    tp = 16\n",                       # no layout has tp 16 on 8 GPUs
    "pp": "    accelerators = 8\n    pp = 64\n",                       # nor pp 64 on 32 layers
    "batch": "    accelerators = 8\n    batch = 10000000\n",           # the KV cache of 10M sequences
    "tpot_limit": "    accelerators = 8\n    tpot_limit = 0.01 ms\n",   # no decode step is 8.8 us
    "ttft_limit": "    accelerators = 8\n    ttft_limit = 0.01 ms\n",
    "prefill_accelerators": '    serving = "disaggregated"\n    demand = 5000 ktok/s\n    prefill_accelerators = 1\n',
    "accelerators": '    serving = "disaggregated"\n    accelerators = 8\n    demand = 5000 ktok/s\n',
    "prefill_tp": '    serving = "disaggregated"\n    accelerators = 8\n    prefill_tp = 16\n',
}


def _rewrite(reason, how: str):
    """A reason (or one per scenario) in other words: `reworded` keeps its structure, `plain` drops it."""
    if not isinstance(reason, str):
        return [_rewrite(r, how) for r in reason]
    if not reason:
        return reason
    words = "Reworded: " + reason.replace("`", "").replace(" = ", " is ").replace("exists with", "exists for")
    if how == "plain":
        return str(reason)
    return Reason(words, **reason.structure()) if isinstance(reason, Reason) else words


@pytest.mark.parametrize("field", list(CASES))
@pytest.mark.parametrize("how", ["as given", "reworded", "plain"])
def test_an_inference_reason_s_error_stands_at_its_field_whatever_its_words(monkeypatch, field: str,
                                                                             how: str) -> None:
    spec = BASE.replace("EXTRA", CASES[field])
    lines = spec.splitlines()
    at_field = next(i for i, x in enumerate(lines, 1) if x.strip().startswith(f"{field} = "))
    at_name = next(i for i, x in enumerate(lines, 1) if x.strip().startswith("inference w "))
    if how != "as given":
        declare = evaluate_module.Evaluator.declare_absent

        def rewriting(self, path, inst, mask, reason, refusal=False):
            return declare(self, path, inst, mask, _rewrite(reason, how), refusal)
        monkeypatch.setattr(evaluate_module.Evaluator, "declare_absent", rewriting)
    _, sink = evaluate_text(spec, "lab.factory")
    errors = [d for d in sink.errors if d.code == Code.INFEASIBLE_WORKLOAD]
    assert len(errors) == 1, [d.message for d in sink.items]
    said = errors[0].message.split(": ", 1)[1]
    assert said.startswith("Reworded: ") == (how == "reworded"), said
    if how == "plain":            # the words alone name no field (no fallback reads them)
        assert errors[0].span.line == at_name, (said, errors[0].span)
    else:
        assert errors[0].span.line == at_field, (said, errors[0].span)
        assert errors[0].span.col == lines[at_field - 1].index("=") + 3


def test_an_inference_reason_carries_its_value_and_limit() -> None:
    """The structure's numbers are the reason's own: a given tp 16 (no one limit), a latency limit held to the
    Server share (0.01 ms x operating_fraction_server 0.88 = 8.8 us) against the least step that fits."""
    from compiler.models.inference import grid_search
    seen = []
    produce = grid_search.why_infeasible

    def spy(*args, **kwargs):
        seen.append(produce(*args, **kwargs))
        return seen[-1]
    from compiler.models.inference import solution
    for field in ("tp", "tpot_limit"):
        seen.clear()
        with pytest.MonkeyPatch.context() as m:
            m.setattr(solution, "why_infeasible", spy)     # read by solution._reason
            evaluate_text(BASE.replace("EXTRA", CASES[field]), "lab.factory")
        reason = next(r for r in seen if r)
        assert isinstance(reason, Reason) and reason.field == field, reason
        if field == "tp":
            assert reason.value == 16 and reason.limit is None
        else:
            assert np.isclose(reason.limit, 0.01e-3 * 0.88, rtol=1e-12) and reason.value > reason.limit
