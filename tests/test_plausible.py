"""Laws of the plausibility warnings (compiler/plausible.py): a key input far beyond its published range is flagged.

1. Every entry of PLAUSIBLE names an input field of its kind (a quantity, not an output), a range low <= high in the
   dimension of that field, the unit it is shown in, and a source with its date.
2. Every stdlib module and every shipped example evaluates with no `implausible-value` warning: the stdlib's own
   cited figures and the examples' inputs lie inside each tolerance.
3. A value 100 times below the published low or above the published high is one `implausible-value` warning at the
   value's span, naming the range and its source; the value is used as written and the exit code is that of the
   same spec with a plausible value (a warning, never an error). Just inside the tolerance (ten times the range),
   and a zero, are not flagged.
4. A swept value is judged per scenario: the warning names the scenarios where it is beyond the tolerance, and a
   sweep whose every value is plausible has none.
5. The warning reaches the three uses: `factory check`, `factory build` (its diagnostics on stderr, results.json
   and the report) and the editor (the whole evaluation's diagnostics, the LSP's third stage).

Each spec is one small block (with what its kind requires), so the file runs in a few CPU seconds.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler import evaluate_text
from compiler.cli import main
from compiler.plausible import PLAUSIBLE, TOLERANCE
from dsl.schema import QuantityKind, kinds
from dsl.units import parse_unit

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "stdlib").glob("*.factory")) + sorted((ROOT / "examples").rglob("*.factory"))
_IDS = {"ids": lambda e: f"{e.kind}.{e.field}"}


# What a block of each kind needs beside the field judged: a chip its TDP, a NIC or an optic its power, a workload
# its model (defined after it).
_REQUIRED = {"chip": ("  tdp = 700 W\n", ""), "nic": ("  power = 20 W\n", ""), "transceiver": ("  power = 20 W\n", ""), "training": ("  model = m\n", "model m {\n  params = 8000000000\n}\n"),
             "inference": ("  model = m\n", "model m {\n  params = 8000000000\n}\n")}


def _spec(entry, value_si: float) -> str:
    """A block of the entry's kind setting its field on line 2 (in its shown unit), and what the kind requires."""
    inside, after = _REQUIRED.get(entry.kind, ("", ""))
    if entry.kind == "chip" and entry.field == "tdp":
        inside = ""
    return f"{entry.kind} b {{\n  {entry.field} = {value_si / entry.scale!r} {entry.shown}\n{inside}}}\n{after}"


def _implausible(sink) -> list:
    return [d for d in sink.items if d.code == "implausible-value"]


# ----------------------------------------------------------------------------- 1. the table

@pytest.mark.parametrize("entry", PLAUSIBLE, **_IDS)
def test_an_entry_names_an_input_field_its_unit_and_a_dated_source(entry) -> None:
    spec = kinds()[entry.kind].fields[entry.field]
    assert isinstance(spec.kind, QuantityKind) and not spec.output
    shown = parse_unit(entry.shown)
    assert shown.dim == spec.kind.dim, "the range is shown in a unit of the field's dimension"
    assert shown.to_si(1.0) == pytest.approx(entry.scale, rel=1e-12)
    assert 0 < entry.low <= entry.high
    assert re.search(r"\b(19|20)\d\d\b", entry.source), "the source carries its date (a year at least)"


def test_an_entry_per_field() -> None:
    keys = [(e.kind, e.field) for e in PLAUSIBLE]
    assert len(keys) == len(set(keys))


# ----------------------------------------------------------------------------- 2. what ships is plausible

@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_stdlib_and_the_examples_are_plausible(path: Path) -> None:
    results, sink = evaluate_text(path.read_text(encoding="utf-8"), str(path))
    assert results is not None and not sink.has_errors()
    assert not _implausible(sink), [d.message for d in _implausible(sink)]


# ----------------------------------------------------------------------------- 3. beyond the range, both sides

@pytest.mark.parametrize("entry", PLAUSIBLE, **_IDS)
def test_a_hundredfold_slip_either_side_warns_at_its_value_with_the_source(entry) -> None:
    for value in (entry.low / 100, entry.high * 100):
        text = _spec(entry, value)
        results, sink = evaluate_text(text, "p.factory")
        found = _implausible(sink)
        assert len(found) == 1 and found[0].severity == "warning" and not sink.has_errors(), text
        written = text.splitlines()[1].split(" = ", 1)[1]
        assert (found[0].span.line, found[0].span.col) == (2, len(f"  {entry.field} = ") + 1)
        assert found[0].span.end_col - found[0].span.col == len(written)
        assert f"published range: {entry.source}" in found[0].notes
        assert f"{TOLERANCE:g} times beyond the published" in found[0].message
        assert results.values[f"b.{entry.field}"][0] == pytest.approx(value, rel=1e-9)     # used as written


@pytest.mark.parametrize("entry", PLAUSIBLE, **_IDS)
def test_inside_the_tolerance_and_zero_are_not_flagged(entry) -> None:
    for value in (0.0, entry.low, entry.high, entry.low / TOLERANCE * 1.01, entry.high * TOLERANCE * 0.99):
        _, sink = evaluate_text(_spec(entry, value), "p.factory")
        assert not _implausible(sink), (value, [d.message for d in sink.items])


def test_the_exit_code_is_that_of_a_plausible_value(tmp_path: Path) -> None:
    """A warning only: `factory check` exits as it does for the same spec with a plausible value, for each entry."""
    runner = CliRunner()
    for i, entry in enumerate(PLAUSIBLE):
        codes = []
        for j, value in enumerate(((entry.low + entry.high) / 2, entry.high * 100)):
            path = tmp_path / f"s{i}_{j}.factory"
            path.write_text(_spec(entry, value), encoding="utf-8")
            result = runner.invoke(main, ["check", str(path)])
            codes.append(result.exit_code)
            assert ("warning[implausible-value]" in result.output) == (j == 1), result.output
        assert codes == [0, 0], (entry.kind, entry.field, codes)


# ----------------------------------------------------------------------------- 4. a sweep, per scenario

_SWEPT = 'param water = [{values}]\nsite s {{\n  water_price = water\n}}\n'


def test_a_swept_value_is_judged_per_scenario() -> None:
    text = _SWEPT.format(values="2 USD/m^3, 2500 USD/m^3, 3 USD/m^3")
    results, sink = evaluate_text(text, "p.factory")
    found = _implausible(sink)
    assert len(found) == 1 and not sink.has_errors()
    assert "in 1 of 3 scenarios" in found[0].message and "2,500 USD/m^3" in found[0].message
    assert (found[0].span.line, found[0].span.col) == (3, len("  water_price = ") + 1)
    assert list(results.values["s.water_price"]) == pytest.approx([2.0, 2500.0, 3.0])
    _, sink = evaluate_text(_SWEPT.format(values="0.5 USD/m^3, 2 USD/m^3, 8 USD/m^3"), "p.factory")
    assert not _implausible(sink)
    _, sink = evaluate_text(_SWEPT.format(values="2000 USD/m^3, 2500 USD/m^3"), "p.factory")
    found = _implausible(sink)
    assert len(found) == 1 and "scenarios" not in found[0].message      # every scenario: no list of them


# ----------------------------------------------------------------------------- 5. check, build and the editor

_SLIP = "site s {\n  water_price = 2500 USD/m^3\n}\n"


def test_the_warning_reaches_check_build_and_the_editor(tmp_path: Path) -> None:
    spec = tmp_path / "w.factory"
    spec.write_text(_SLIP, encoding="utf-8")
    runner = CliRunner()

    checked = runner.invoke(main, ["check", str(spec), "--format", "json"])
    assert checked.exit_code == 0
    codes = [d["code"] for d in json.loads(checked.output)["diagnostics"]]
    assert codes == ["implausible-value"]

    out = tmp_path / "build"
    built = runner.invoke(main, ["build", str(spec), "-o", str(out)])
    assert built.exit_code == 0 and "warning[implausible-value]" in built.output
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    found = [d for d in doc["diagnostics"] if d["code"] == "implausible-value"]
    assert len(found) == 1 and found[0]["location"]["line"] == 2 and found[0]["severity"] == "warning"
    assert "implausible-value" in (out / "report.md").read_text(encoding="utf-8")

    from compiler.lsp.analysis import Analysis
    analysis = Analysis(_SLIP, str(spec), str(tmp_path))
    assert analysis.results is not None          # the editor's whole evaluation (its third stage)
    found = [d for d in analysis.eval_diagnostics if d.code == "implausible-value"]
    assert len(found) == 1 and found[0].span.line == 2
