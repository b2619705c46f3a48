"""Trust hunt 13 (serving, training, economics): laws a capacity planner and a CFO rely on, each defect found
pinned by a test (s13-trustsrv)."""
from __future__ import annotations

import numpy as np
from click.testing import CliRunner

from compiler import evaluate_text
from compiler.cli import main


def _values(text: str):
    results, sink = evaluate_text(text, "spec.factory")
    assert results is not None, [d.message for d in sink.items]
    return results, sink


TOKENS_SWEEP = """from systems import DGX_H100
from models import Llama3_1_70B
param tk = [1 Ttok, 15 Ttok]
site s {
  training t {
    model = Llama3_1_70B
    system = DGX_H100
    tokens = tk
  }
}
"""


def test_a_tokens_sweep_of_a_job_that_does_not_fit_says_why_in_every_scenario(tmp_path) -> None:
    # 70B in bf16 on one DGX H100 (8 x 80 GB) does not fit at any layout. Sweeping the tokens alone gave an
    # internal error (IndexError in why_infeasible, exit 2): the layout search shares one row over the tokens,
    # the reason was read per scenario. The runs one at a time each give the `infeasible-workload` error.
    path = tmp_path / "sweep.factory"
    path.write_text(TOKENS_SWEEP)
    result = CliRunner().invoke(main, ["eval", str(path), "--select", "s.t.feasible"])
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output and "infeasible-workload" in result.output
    swept, sink = _values(TOKENS_SWEEP)
    reasons = {d.message for d in sink.errors if d.code == "infeasible-workload"}
    for tokens in ("1 Ttok", "15 Ttok"):
        one, one_sink = _values(TOKENS_SWEEP.replace("[1 Ttok, 15 Ttok]", tokens))
        assert {d.message for d in one_sink.errors if d.code == "infeasible-workload"} <= reasons
        assert float(np.ravel(one.values["s.t.feasible"])[0]) == 0
    assert np.all(np.ravel(swept.values["s.t.feasible"]) == 0)
