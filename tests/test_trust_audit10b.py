"""Trust audit, second part (session 10): laws for what the first audit (tests/test_trust_audit10.py) left open.

Each test states a law over the examples or over small specs written here, never a value an example set:

4. A sweep's JSON names the scenarios each failing check fails in (`checks[].failing`, 0-based): they are the
   scenarios whose single run (`-D p=<k-th>`) fails that check, and a passing check has no such field.
   Caught: a failing check said only "in 1 of 2 scenarios" (in its diagnostic), the JSON not which.
6. A chunked sweep writes a column only for a quantity that can vary: one absent in every scenario whatever the
   swept values (the PUE of a site that places no racks) is a constant of no value in FILE.meta.json, not a
   column of empty cells. Caught: fourteen such columns in a sweep of a site's feed.
"""
from __future__ import annotations

import csv
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


# ----------------------------------------------------------------------------- 6. absent everywhere: no column

_EMPTY_SITE = """
param feed = 1 MW
site s {
  electricity_price = 0.1 USD/kWh
  hall h {
    power_feed = feed
  }
}
"""


def test_a_chunked_sweep_writes_no_column_for_a_quantity_absent_in_every_scenario(tmp_path: Path) -> None:
    spec = _write(tmp_path, _EMPTY_SITE)
    out = tmp_path / "rows.csv"
    result = _cli("eval", str(spec), "-D", "feed=[1 MW,2 MW,3 MW]", "--output", str(out), "--chunk-size", "2",
                  "--quiet")
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    meta = json.loads(Path(str(out) + ".meta.json").read_text(encoding="utf-8"))
    in_memory = json.loads(_cli("eval", str(spec), "-D", "feed=[1 MW,2 MW,3 MW]", "--format", "json").output)
    everywhere = sorted(p for p, q in in_memory["quantities"].items() if all(v is None for v in q["values"]))
    assert "s.pue" in everywhere and "s.h.pue" in everywhere
    for path in everywhere:
        assert path not in rows[0], f"{path} is absent in every scenario but written as a column"
        assert meta["constants"][path]["value"] is None, path
    for column in rows[0]:                      # every column holds a value in some scenario
        assert any(row[column] != "" for row in rows), column
