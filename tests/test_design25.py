"""Session 25's design questions (s25-design), each settled the way a mature tool settles it and pinned by a test
that failed before.

    A policy gate whose unit measures another thing than its KPI (`[capex] max = "150 kW"`) is an error in the
    policy file: exit 2 at the gate's file:line:col, as an unknown unit is (ruff and Terraform refuse a
    configuration that cannot mean anything before they judge the code); before, a violated gate, exit 4, which
    says the change breaks the policy, though no change could ever meet it.
    A spec read from standard input is called by its `--stdin-name` (default `<stdin>`) on every surface; before,
    JSON's `files` said `-` while its diagnostics said `<stdin>`, and SARIF's URI named a repository file
    `<stdin>`. An unnamed one has no URI in SARIF, only a description.
    A `-D` value's place in JSON is no file: `location` null and `command_line` the value as typed (Terraform's
    JSON gives a `-var` error no range); SARIF keeps its physical location (GitHub refuses an upload without one)
    and says in the location's message and logical location that it is the command line; `graph` says which
    params the command line set.
    `plan` shows a field the change stops setting at the default its models then read (`0.12 USD/kWh -> 0.0815
    USD/kWh (not set: the default)`, JSON `new_default`), as Infracost shows what a resource falls back to; before,
    `-> absent` beside an energy bill a third lower.
    Kept, with a law: on heat_rejection "chiller" the free loops' heat rejection is charged (their coils are gear the
    facility model runs); a room whose loops all cool freely costs what the dry-cooler room costs.
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


# ------------------------------------------------------------------- a command-line value in machine formats

SPEC = "param halls = 2\nparam price = 0.08 USD/kWh\nlet power = halls * 1 kW\n"


def _spec(tmp_path: Path) -> str:
    path = tmp_path / "s.factory"
    path.write_text(SPEC)
    return str(path)


def test_json_places_a_define_on_the_command_line_not_in_a_file(tmp_path: Path) -> None:
    import json

    from compiler.ci_formats import CheckReport

    out = _run("check", _spec(tmp_path), "-D", "halls=1..x", "--format", "json").stdout
    [diag] = json.loads(out)["diagnostics"]
    assert diag["location"] is None, diag["location"]            # before: {"file": "-D halls", "line": 1, ...}
    typed = diag["command_line"]
    assert typed["text"] == "-D halls=1..x"
    assert typed["text"][typed["col"] - 1:typed["end_col"] - 1] == "x"   # the carets the text form draws
    CheckReport.model_validate_json(out)
    [diag] = json.loads(_run("check", _spec(tmp_path), "-D", "hals=3", "--format", "json").stdout)["diagnostics"]
    assert diag["command_line"]["text"][diag["command_line"]["col"] - 1:diag["command_line"]["end_col"] - 1] == "hals"


def test_a_file_diagnostic_has_no_command_line_field(tmp_path: Path) -> None:
    import json

    path = tmp_path / "bad.factory"
    path.write_text("param x: count = 1\n")
    [diag] = json.loads(_run("check", str(path), "--format", "json").stdout)["diagnostics"]
    assert diag["location"]["file"] == str(path) and "command_line" not in diag


def test_sarif_says_a_defines_location_is_the_command_line(tmp_path: Path) -> None:
    import json

    sarif = json.loads(_run("check", _spec(tmp_path), "-D", "halls=1..x", "--format", "sarif").stdout)
    [result] = sarif["runs"][0]["results"]
    [where] = result["locations"]
    assert where["physicalLocation"]["artifactLocation"]["uri"]       # GitHub refuses an upload without one
    assert where["message"]["text"].startswith("-D halls=1..x, on the command line")
    assert where["logicalLocations"] == [{"fullyQualifiedName": "-D halls=1..x", "kind": "parameter"}]


def test_graph_says_which_values_the_command_line_set(tmp_path: Path) -> None:
    import json

    spec = _spec(tmp_path)
    text = _run("graph", spec, "-D", "halls=3").output
    assert f"halls = 3  [param const : 1]  at {spec}:1:7, set by -D halls=3" in text, text
    assert "price = 0.08 USD/kWh" in text and "set by -D price" not in text
    nodes = {n["path"]: n for n in json.loads(_run("graph", spec, "-D", "halls=3", "--format", "json").stdout)["nodes"]}
    assert nodes["halls"]["command_line"] == "-D halls=3" and "command_line" not in nodes["price"]


# ------------------------------------------------------------------------ a removed input that has a default

def _without_price(tmp_path: Path) -> tuple[str, str]:
    text = (Path(__file__).resolve().parents[1] / STARTER).read_text()
    assert text.count("  electricity_price = energy_price\n") == 1
    old, new = tmp_path / "old.factory", tmp_path / "new.factory"
    old.write_text(text)
    new.write_text(text.replace("  electricity_price = energy_price\n", ""))
    return str(old), str(new)


def test_a_removed_price_shows_the_default_the_figures_moved_to(tmp_path: Path) -> None:
    """A site that drops its `electricity_price` is priced at the models' default, 8.15 cents/kWh (assumptions
    electricity_price, EIA Electric Power Monthly Table 5.6.B): the plan said `0.12 USD/kWh -> absent` beside an
    energy bill that fell by a third, as if the price were gone. Now the part's line shows the default it reads, and
    the energy row moved by exactly energy x (0.12 - 0.0815) USD/kWh."""
    import json

    old, new = _without_price(tmp_path)
    text = _run("plan", old, new).output
    assert "electricity_price: 0.12 USD/kWh -> 0.0815 USD/kWh (not set: the default)" in text, text
    assert "absent" not in text
    back = _run("plan", new, old).output
    assert "electricity_price: 0.0815 USD/kWh (not set: the default) -> 0.12 USD/kWh" in back, back
    doc = json.loads(_run("plan", old, new, "--format", "json").stdout)
    [part] = doc["parts"]
    [detail] = part["details"]
    assert detail["new"] is None and "old_default" not in detail
    assert detail["new_default"] * 3.6e6 == __import__("pytest").approx(0.0815, rel=1e-12)
    [kpi] = [k for k in doc["kpis"] if k["path"] == "headquarters.opex"]
    energy = json.loads(_run("eval", old, "--format", "json").stdout)["quantities"]["headquarters.energy_year"]
    joules = energy["values"][0]
    assert kpi["change"] * 365 * 86400 == __import__("pytest").approx(-joules * (0.12 - 0.0815) / 3.6e6, rel=1e-6)


def test_a_field_set_on_both_sides_has_no_default(tmp_path: Path) -> None:
    import json

    old, new = _without_price(tmp_path)
    Path(new).write_text(Path(old).read_text().replace("param energy_price = 0.12", "param energy_price = 0.10"))
    doc = json.loads(_run("plan", old, new, "--format", "json").stdout)
    details = [d for p in doc["parts"] for d in p["details"]]
    assert details and all("new_default" not in d and "old_default" not in d for d in details), details


# ---------------------------------------------------------- free loops on air-cooled chillers (a decision kept)

def test_a_free_cooled_room_on_chillers_pays_the_dry_cooler_rooms_plant() -> None:
    """On heat_rejection "chiller" a loop that cools freely at the design ambient rejects its heat through coils of
    its own (the facility model runs their fans), not through the chillers' condensers: the heat-rejection class is
    charged on that heat (compiler.models.cost, s24-capex2, kept in s25-design). Law: a room whose every loop cools
    freely (all liquid at 40 degC supply on a 35 degC day: 5 K above the 5 K economizer approach) is the same plant
    whatever it names, so it costs what the room on dry coolers costs, to the dollar, and draws the same power;
    with no chillers sized, every watt goes through the one estimated class."""
    from test_capex_heat_rejection24 import _run as run_room

    chiller, dry = run_room("chiller", "liquid", 35), run_room("dry_cooler", "liquid", 35)
    assert chiller["s.h.chillers"] == 0 == dry["s.h.chillers"]
    assert chiller["s.h.detail.capex_cooling_heat_rejection"] > 0
    for figure in ("capex_cooling", "detail.capex_cooling_heat_rejection", "facility_power"):
        assert chiller[f"s.h.{figure}"] == dry[f"s.h.{figure}"], figure


def test_a_field_a_hall_stops_setting_is_its_sites_not_the_default(tmp_path: Path) -> None:
    """A hall that drops its `supply_temp` inherits its site's (30 degC here), not the models' default (35 degC): the
    plan claims no default there (site t, which sets none, reads the default in the same spec)."""
    import json

    spec = ("server box {\n  max_power = 10 kW\n  price = 1000 USD\n}\nsite s {\n  supply_temp = 30 degC\n"
            "  hall h {\n    supply_temp = 25 degC\n    rack r { server n: box x 2 }\n  }\n}\n"
            "site t {\n  hall g {\n    rack q { server m: box x 1 }\n  }\n}\n")   # t reads the default
    old, new = tmp_path / "old.factory", tmp_path / "new.factory"
    old.write_text(spec)
    new.write_text(spec.replace("    supply_temp = 25 degC\n", ""))
    doc = json.loads(_run("plan", str(old), str(new), "--format", "json").stdout)
    [detail] = [d for p in doc["parts"] if p["path"] == "s.h" for d in p["details"] if d["what"] == "supply_temp"]
    assert detail["new"] is None and "new_default" not in detail, detail
