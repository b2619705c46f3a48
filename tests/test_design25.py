"""Session 25's design questions (s25-design), each settled the way a mature tool settles it and pinned by a test
that failed before.

    A policy gate whose unit measures another thing than its KPI (`[capex] max = "150 kW"`) is an error in the
    policy file: exit 2 at the gate's file:line:col, as an unknown unit is (ruff and Terraform refuse a
    configuration that cannot mean anything before they judge the code); before, a violated gate, exit 4, which
    says the change breaks the policy, though no change could ever meet it.
"""
from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from compiler.cli import main

STARTER = "examples/enterprise_starter.factory"


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


# ----------------------------------------------------------------------- a policy gate of the wrong dimension

def test_a_gate_of_the_wrong_dimension_is_an_error_in_the_policy_file(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text('[pue]\nmax = 1.3\n[capex]\nmax = "150 kW"\n')
    result = _run("plan", STARTER, STARTER, "--policy", str(policy))
    assert result.exit_code == 2, result.output                  # a usage error, as "150 blorp" is; not 4
    assert f"{policy}:4:1: [capex] max = '150 kW': `150 kW` does not measure capex" in result.output, result.output
    assert "in USD" in result.output


def test_a_rate_still_measures_a_per_year_amount(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text('[energy_year]\nmax = "1e9 MWh/yr"\n[tco_year]\nmax = "1e12 USD/yr"\n')
    result = _run("plan", STARTER, STARTER, "--policy", str(policy))
    assert result.exit_code == 0, result.output
    assert "2 of 2 gates met" in result.output, result.output


def test_every_kpi_has_one_dimension_whichever_kind_has_it() -> None:
    """`load_policy` checks a gate's unit against the KPI's name alone, before either spec is evaluated: sound only
    while every site or workload kind that declares the KPI declares it in one dimension."""
    from dsl.schema import kinds

    from compiler.plan import _KPI_KINDS, KPIS

    for name in KPIS:
        dims = {spec.fields[name].kind.dim for kind, spec in kinds().items()
                if kind in _KPI_KINDS and name in spec.fields}
        assert len(dims) == 1, (name, dims)


# ----------------------------------------------------------------------------------- what stdin is called

def test_every_surface_calls_stdin_as_its_diagnostics_do() -> None:
    import json

    bad = "param x: count = 1\n"
    for args, name in ((["-"], "<stdin>"), (["-", "--stdin-name", "specs/a.factory"], "specs/a.factory")):
        doc = json.loads(CliRunner().invoke(main, ["check", *args, "--format", "json"], input=bad).stdout)
        assert doc["files"] == [name], doc["files"]                   # before: ["-"]
        assert {d["location"]["file"] for d in doc["diagnostics"]} == {name}
        text = CliRunner().invoke(main, ["check", *args], input=bad).output
        assert text.startswith(f"{name}:1:8: error[syntax-error]"), text


def test_sarif_gives_an_unnamed_stdin_no_uri_of_a_file_that_does_not_exist() -> None:
    import json

    bad = "param x: count = 1\n"
    sarif = json.loads(CliRunner().invoke(main, ["check", "-", "--format", "sarif"], input=bad).stdout)
    [result] = sarif["runs"][0]["results"]
    where = result["locations"][0]["physicalLocation"]
    assert "uri" not in where["artifactLocation"], where               # before: "%3Cstdin%3E" under %SRCROOT%
    assert "standard input" in where["artifactLocation"]["description"]["text"]
    assert where["region"]["startLine"] == 1 and where["region"]["startColumn"] == 8
    named = json.loads(CliRunner().invoke(main, ["check", "-", "--stdin-name", "specs/a.factory", "--format",
                                                 "sarif"], input=bad).stdout)
    assert named["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] \
        .endswith("specs/a.factory")
