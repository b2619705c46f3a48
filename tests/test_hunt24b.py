"""Session 24's second trust hunt (s24-hunt2): defects a new user meets, each pinned by a test that failed before
its fix.

    A command-line value's place reads as the flag and the value typed (`-D halls=1..x: error[...]`, the value
    quoted with its carets under it and no line number; in SARIF, GitHub and GitLab text `(at -D halls=1..x)`);
    before, `-D halls:1:18`, a file that does not exist at a line and column of a statement the user never wrote.
    `optimize --vary` names --vary (its place, its messages, its usage error); before, every one said -D.
    `validate`'s header errors (missing columns, a column named twice, an empty first line) are placed at the
    CSV's line 1, column 1 (`error: FILE:1:1: missing columns ...`); before, at the file alone.
    A training run that takes more than a decade (1e18 tokens: thousands of years) is an `implausible-value`
    warning at its `tokens`, its time and cost flagged; before, 2,561 years were printed without a word.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from click.testing import CliRunner

import dsl
from compiler.cli import main
from compiler.evaluate import evaluate
from compiler.lower import lower

DECADE = 10 * 365 * 86400.0       # s: compiler.plausible.TRAINING_TIME_LIMIT
SPEC = "param halls = 2\nparam price = 0.08 USD/kWh\nlet power = halls * 1 kW\n"


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


def _spec(tmp_path: Path) -> str:
    path = tmp_path / "s.factory"
    path.write_text(SPEC)
    return str(path)


# ----------------------------------------------------------------------------- a command-line value's place

def test_a_define_error_is_placed_at_the_flag_and_value_typed(tmp_path: Path) -> None:
    result = _run("eval", _spec(tmp_path), "-D", "halls=1..x")
    assert result.exit_code == 2, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("-D halls=1..x: error[invalid-range]: "), lines[0]
    assert ":1:" not in lines[0]                                     # no line and column of a fake file
    quoted, carets = lines[1], lines[2]
    assert quoted.endswith("| -D halls=1..x"), quoted
    assert carets.index("^") == quoted.index("x", quoted.index("..")) and carets.count("^") == 1


def test_a_define_names_a_missing_parameter_with_carets_under_the_name(tmp_path: Path) -> None:
    result = _run("eval", _spec(tmp_path), "-D", "hals=3")
    assert result.exit_code == 2, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("-D hals=3: error[unknown-parameter]: `-D hals` names no parameter"), lines[0]
    assert lines[2].index("^") == lines[1].index("hals") and lines[2].count("^") == len("hals")
    assert "did you mean `halls`?" in result.output


def test_a_defines_unit_error_marks_the_value(tmp_path: Path) -> None:
    result = _run("eval", _spec(tmp_path), "-D", "price=2 kW")
    lines = result.output.splitlines()
    assert lines[0].startswith("-D price=2 kW: error[unit-mismatch]"), lines[0]
    assert lines[2].index("^") == lines[1].index("2 kW") and lines[2].count("^") == len("2 kW")


def test_ci_formats_place_a_define_as_typed(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    github = _run("check", spec, "-D", "halls=1..x", "--format", "github").output
    assert "(at -D halls=1..x)" in github and "-D halls:1:" not in github, github
    sarif = json.loads(_run("check", spec, "-D", "halls=1..x", "--format", "sarif").stdout)
    [result] = sarif["runs"][0]["results"]
    assert "(at -D halls=1..x)" in result["message"]["text"]


def test_optimize_vary_errors_name_vary(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    result = _run("optimize", spec, "--minimize", "power", "--vary", "halls=1..x")
    assert result.exit_code == 2, result.output
    assert result.output.startswith("--vary halls=1..x: error[invalid-range]"), result.output
    assert "-D" not in result.output.splitlines()[0]
    result = _run("optimize", spec, "--minimize", "power", "--vary", "hals=1..3")
    assert "`--vary hals` names no parameter" in result.output, result.output
    result = _run("optimize", spec, "--minimize", "power", "--vary", "halls=")
    assert result.exit_code == 2 and "Invalid value for --vary" in result.output and "--vary halls=1..8" in result.output


def test_optimize_vary_still_sweeps(tmp_path: Path) -> None:
    """The flag the value remembers changes its messages only: the search over 1..3 halls finds 1 hall."""
    result = _run("optimize", _spec(tmp_path), "--minimize", "power", "--vary", "halls=1..3", "--format", "json",
                  "--quiet")
    assert result.exit_code == 0, result.output
    assert '"halls": 1' in result.stdout.replace(".0", ""), result.stdout


# ----------------------------------------------------------------------------- validate: a header's place

def test_a_missing_column_header_error_is_placed_at_line_one(tmp_path: Path) -> None:
    csv = tmp_path / "rows.csv"
    csv.write_text("benchmark,scenario,accelerator,num_accelerators,metric,value\nx,y,z,1,tok/s,1\n")
    result = _run("validate", str(csv))
    assert result.exit_code == 2, result.output
    assert f"error: {csv}:1:1: missing columns round" in result.output, result.output


def test_a_user_csv_header_error_is_placed_at_line_one(tmp_path: Path) -> None:
    csv = tmp_path / "mine.csv"
    csv.write_text("spec,quantity\na.factory,x\n")
    result = _run("validate", "--user", str(csv))
    assert result.exit_code == 2, result.output
    assert f"error: {csv}:1:1: missing columns measured, unit" in result.output, result.output


# ----------------------------------------------------------------------------- a training run of centuries

TRAINING = """\
from systems import DGX_H100
from models import Llama3_1_70B
param tokens = 15 Ttok
site s {
  training run {
    model = Llama3_1_70B
    system = DGX_H100
    accelerators = 1024
    tokens = tokens
    precision = "fp8"
  }
}
"""


def _training(tokens: str):
    text = TRAINING.replace("param tokens = 15 Ttok", f"param tokens = {tokens}")
    checked, sink = dsl.check_text(text, name="t.factory")
    results = evaluate(lower(checked, sink), sink)
    time = float(np.asarray(results.values["s.run.time_to_train"]).reshape(-1)[0])
    return text, time, [d for d in sink.items if d.code == "implausible-value"]


def test_a_training_run_beyond_a_decade_is_implausible_at_its_tokens() -> None:
    text, time, [warning] = _training("1e18 tok")
    assert time > 100 * DECADE                                      # thousands of years
    assert warning.severity == "warning"
    assert (warning.span.line, warning.span.col) == (9, 14), warning.span    # `tokens = tokens`: its value
    assert "yr to train" in warning.message and "more than a decade" in warning.message, warning.message
    assert "s.run.time_to_train" in warning.quantities and "s.run.cost" in warning.quantities
    assert any("10-K" in note for note in warning.notes)             # the bound is reasoned, with its source


def test_a_training_run_of_months_is_not_judged() -> None:
    """Llama 3.1 70B on 15T tokens on 1,024 H100: months, a real plan; 1/1000 of the tokens of the case above."""
    _, time, found = _training("15 Ttok")
    assert time < DECADE and not found, (time, found)


# ----------------------------------------------------------------------------- estimate: whose file is it

def test_estimate_says_its_diagnostics_file_is_the_spec_built_from_the_flags() -> None:
    """`estimate.factory:12:13: error[...]` named a file the user never wrote; one line now says what it is."""
    result = _run("estimate", "inference", "--system", "DGX_H100", "--model", "llama2-70b", "--ttft", "1e-9")
    assert result.exit_code == 1, result.output
    assert "estimate.factory:" in result.stderr
    assert "estimate.factory is the spec built from these flags; --emit-spec prints it" in result.stderr


# ----------------------------------------------------------------------------- optimize: a constraint's unit

def test_a_unit_on_a_plain_number_constraint_says_so(tmp_path: Path) -> None:
    """`accelerators >= 1000 W` said "`W` is W, but `...` is in 1"; it now says the figure is a plain number."""
    result = _run("optimize", _spec(tmp_path), "--minimize", "power", "--vary", "halls=1..3",
                  "--subject-to", "halls >= 2 W")
    assert result.exit_code == 2, result.output
    assert "`W` is in W, but `halls` is a plain number: write it without a unit" in result.output, result.output
    result = _run("optimize", _spec(tmp_path), "--minimize", "power", "--vary", "halls=1..3",
                  "--subject-to", "power <= 2 USD")
    assert result.exit_code == 2 and "`USD` is in USD, but `power` is in W" in result.output, result.output
