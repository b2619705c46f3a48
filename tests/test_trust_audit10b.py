"""Trust audit, second part (session 10): laws for what the first audit (tests/test_trust_audit10.py) left open.

Each test states a law over the examples or over small specs written here, never a value an example set:

4. A sweep's JSON names the scenarios each failing check fails in (`checks[].failing`, 0-based): they are the
   scenarios whose single run (`-D p=<k-th>`) fails that check, and a passing check has no such field.
   Caught: a failing check said only "in 1 of 2 scenarios" (in its diagnostic), the JSON not which.
"""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from compiler.cli import main
from compiler.render.results_schema import Results

ROOT = Path(__file__).resolve().parents[1]


def _cli(*args: str):
    return CliRunner().invoke(main, list(args))


def _write(tmp_path: Path, text: str, name: str = "spec.factory") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- 4. failing scenarios named

_FEED = """
param feed = 1 MW
server node {
  max_power = 10 kW
  peak_power = 10 kW
}
rack r {
  server n: node x 4
}
site s {
  hall h {
    power_feed = feed
    rack a: r x 40
    assert it_power <= feed, "the racks fit the feed"
  }
}
"""


def test_a_sweeps_json_names_the_scenarios_each_failing_check_fails_in(tmp_path: Path) -> None:
    spec = _write(tmp_path, _FEED)
    values = ["0.5 MW", "2 MW", "1 MW", "3 MW"]
    swept = _cli("eval", str(spec), "-D", f"feed=[{','.join(values)}]", "--format", "json")
    doc = json.loads(swept.output)
    Results.model_validate(doc)
    singles = []
    for value in values:
        one = json.loads(_cli("eval", str(spec), "-D", f"feed={value}", "--format", "json").output)
        singles.append({c["name"]: c for c in one["checks"]})
    assert any(not c["ok"] for c in doc["checks"])
    for check in doc["checks"]:
        expected = [k for k, single in enumerate(singles) if not single[check["name"]]["ok"]]
        if check["ok"]:
            assert "failing" not in check and not expected
        else:
            assert check["failing"] == expected, check
        for k, single in enumerate(singles):          # a single run names its one scenario, 0
            assert single[check["name"]].get("failing", []) == ([0] if k in expected else [])
