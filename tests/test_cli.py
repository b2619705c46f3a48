"""CLI contract: exit codes 0/1/2, diagnostics text and JSON, -D overrides, internal errors in one line."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from compiler.cli import main

GOOD = """param racks = 2

server node {
  max_power = 10 kW
  price = 250000 USD
}

site s {
  land_price = 0 USD
  hall h {
    rack r x racks {
      server n: node x 2
      power_limit = 25 kW
      assert sum(server.max_power) <= power_limit, "fits"
    }
    let total = sum(rack.server.max_power)
  }
}
"""


def _write(tmp_path: Path, text: str, name: str = "spec.factory") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_clean_spec_exits_0(tmp_path) -> None:
    result = CliRunner().invoke(main, ["check", _write(tmp_path, GOOD)])
    assert result.exit_code == 0, result.output
    assert "ok: 1 file checked, no problems" in result.output


def test_errors_exit_1_and_all_are_reported(tmp_path) -> None:
    bad = GOOD.replace("max_power = 10 kW", "max_power = 10 kw\n  maxpower = 3 W")
    result = CliRunner().invoke(main, ["check", _write(tmp_path, bad)])
    assert result.exit_code == 1
    assert "error[unknown-unit]: unknown unit `kw`" in result.output
    assert "error[unknown-field]: a server has no field `maxpower`" in result.output
    assert "2 errors in 1 file" in result.output


def test_missing_file_exits_2(tmp_path) -> None:
    result = CliRunner().invoke(main, ["check", str(tmp_path / "nope.factory")])
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_bad_define_syntax_exits_2(tmp_path) -> None:
    result = CliRunner().invoke(main, ["check", _write(tmp_path, GOOD), "-D", "racks"])
    assert result.exit_code == 2


def test_unknown_parameter_exits_2_with_suggestion(tmp_path) -> None:
    result = CliRunner().invoke(main, ["check", _write(tmp_path, GOOD), "-D", "rack=3"])
    assert result.exit_code == 2
    assert "error[unknown-parameter]" in result.output and "did you mean `racks`?" in result.output


def test_define_with_wrong_unit_is_a_usage_error(tmp_path) -> None:
    """The error is in the command line, not in the spec: exit 2 (contract: bad command-line use)."""
    result = CliRunner().invoke(main, ["check", _write(tmp_path, GOOD), "-D", "racks=3 kW"])
    assert result.exit_code == 2
    assert "error[unit-mismatch]" in result.output


def test_define_that_breaks_an_assert(tmp_path) -> None:
    spec = _write(tmp_path, GOOD.replace("x 2", "x nodes").replace("param racks = 2", "param racks = 2\nparam nodes = 2"))
    assert CliRunner().invoke(main, ["check", spec]).exit_code == 0
    result = CliRunner().invoke(main, ["check", spec, "-D", "nodes=3"])
    assert result.exit_code == 1
    assert "`sum(server.max_power)` = 30 kW, `power_limit` = 25 kW" in result.output


def test_json_format(tmp_path) -> None:
    bad = GOOD.replace("10 kW", "10 TB/s")
    result = CliRunner().invoke(main, ["check", "--format", "json", _write(tmp_path, bad)])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["format_version"] == "1" and data["ok"] is False
    diag = data["diagnostics"][0]
    assert diag["code"] == "unit-mismatch" and diag["severity"] == "error"
    assert diag["location"]["line"] == 4 and diag["location"]["col"] == 15


def test_eval_table_and_sweep(tmp_path) -> None:
    spec = _write(tmp_path, GOOD)
    result = CliRunner().invoke(main, ["eval", spec, "--select", "s.h.total"])
    assert result.exit_code == 0, result.output
    assert "s.h.total  40 kW" in result.output  # 2 racks x 2 nodes x 10 kW
    result = CliRunner().invoke(main, ["eval", spec, "-D", "racks=1..3", "--format", "json", "--select", "s.h.total"])
    data = json.loads(result.output)
    assert data["scenarios"]["count"] == 3
    assert data["quantities"]["s.h.total"] == {"unit": "W", "values": [20000.0, 40000.0, 60000.0]}


def test_eval_is_deterministic(tmp_path) -> None:
    spec = _write(tmp_path, GOOD)
    first = CliRunner().invoke(main, ["eval", spec, "--format", "json"]).output
    second = CliRunner().invoke(main, ["eval", spec, "--format", "json"]).output
    assert first == second


def test_internal_error_is_one_line(tmp_path, monkeypatch) -> None:
    import dsl

    def boom(*args, **kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(dsl, "check_files", boom)
    result = CliRunner().invoke(main, ["check", _write(tmp_path, GOOD)])
    assert result.exit_code == 2
    assert "internal error: RuntimeError: simulated bug" in result.output
    assert "Traceback" not in result.output


def test_a_field_named_like_a_param_reads_the_param(tmp_path) -> None:
    """`utilization = utilization` in a block reads the outer param (or block), not itself."""
    spec = tmp_path / "shadow.factory"
    spec.write_text("param utilization = 0.8\n"
                    "site s {\n  utilization = utilization\n  hall h {\n"
                    "    utilization = utilization / 2\n  }\n}\n")
    result = CliRunner().invoke(main, ["eval", str(spec), "--format", "json", "--select", "*utilization"])
    assert result.exit_code == 0, result.output
    quantities = json.loads(result.output)["quantities"]
    assert quantities["s.utilization"]["values"] == [0.8]
    assert quantities["s.h.utilization"]["values"] == [0.4]
