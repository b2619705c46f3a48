"""`factory validate --user` as a user meets it: a row's evaluation shows the diagnostics that bear on the quantity it
compares (or on its spec as a whole) and counts the others in one line; every bad row gets its own diagnostic at
its line (never a traceback), the good rows are still compared, and the exit code is 1 when a row was refused.
The hand-worked values of a comparison are in tests/test_validate.py; the summary's interval in
tests/test_validate_interval.py."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli import main
from compiler.validate import run_user, user_summary

CASES = Path(__file__).resolve().parent / "cases" / "validate" / "user"
SERVE = CASES / "serve.factory"     # warns: one unpriced GPU (capex), two $/Mtok that cannot be computed
LAB = CASES / "lab.factory"         # warns about nothing
HEADER = "spec,quantity,measured,unit\n"


def _write(path: Path, text: str, newline: str = "\n", bom: bool = False) -> Path:
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.replace("\n", newline).encode())
    return path


def _cli(path: Path, *args: str):
    return CliRunner().invoke(main, ["validate", "--user", str(path), *args])


def _codes(sink) -> list[tuple[str, int, int]]:
    return [(d.code, d.span.line, d.span.col) for d in sink.items]


# ----------------------------------------------------------------------------- what a row is shown
def test_warnings_about_outputs_no_row_compares_are_counted_not_shown(tmp_path) -> None:
    """Only tokens/s and IT power are compared: the two `usd_per_mtok` that cannot be computed (one warning: the
    H200's missing price, the same line for both workloads) and the GPU that counts $0 in the capex concern
    neither, so none is shown; the two are counted in one line on stderr, and `--all-diagnostics` shows exactly
    them. What is compared and printed on stdout does not change."""
    csv = _write(tmp_path / "m.csv", HEADER + f"{SERVE},bench.a.tokens_per_s,12000,tok/s\n{SERVE},lab.it_power,8,kW\n")
    rows, sink = run_user(str(csv))
    assert [r.line for r in rows] == [2, 3] and sink.items == []
    assert sorted(d.code for d in sink.hidden) == ["model-input-missing", "unpriced"]
    assert sorted(q for d in sink.hidden for q in d.quantities if q.endswith("usd_per_mtok")) == \
        ["bench.a.usd_per_mtok", "bench.b.usd_per_mtok"]
    result = _cli(csv)
    assert result.exit_code == 0, result.output
    assert result.stderr == "2 warnings about outputs that no row compares are hidden; --all-diagnostics shows them\n"
    every = _cli(csv, "--all-diagnostics")
    assert every.exit_code == 0 and every.stdout == result.stdout
    assert every.stderr.count("warning[model-input-missing]") == 1 and every.stderr.count("warning[unpriced]") == 1
    assert "hidden" not in every.stderr
    _, shown_all = run_user(str(csv), all_diagnostics=True)
    assert sorted(map(_key, shown_all.items)) == sorted(map(_key, sink.items + sink.hidden))   # nothing lost
    assert shown_all.hidden == []
    doc = json.loads(_cli(csv, "--format", "json").stdout)
    assert doc["diagnostics"] == [] and doc["hidden_warnings"] == 2
    assert json.loads(_cli(csv, "--format", "json", "--all-diagnostics").stdout)["hidden_warnings"] == 0


def _key(d) -> tuple:
    return d.code, d.message, d.span.line if d.span else 0


def test_a_warning_about_what_the_compared_quantity_is_computed_from_is_shown(tmp_path) -> None:
    """`lab.capex` rolls up `lab.room.r.node.capex_it`, which the unpriced GPU leaves incomplete: the warning bears
    on the compared figure (it is low by the GPUs' price) and is shown; the $/Mtok warning is not."""
    csv = _write(tmp_path / "m.csv", HEADER + f"{SERVE},lab.capex,120000,USD\n")
    rows, sink = run_user(str(csv))
    assert [r.line for r in rows] == [2]
    assert [d.code for d in sink.items] == ["unpriced"] and len(sink.hidden) == 1
    assert "lab.room.r.node.capex_it" in sink.items[0].quantities


def test_a_quantity_that_cannot_be_computed_is_said_so_with_its_warning(tmp_path) -> None:
    """`bench.a.usd_per_mtok` exists but has no value (the H200 has no price). It was reported as "not a quantity
    of the spec (did you mean `...`?)"; it is now refused as having no value, at the quantity's column, with the
    warning that says why (one for both workloads: the H200's missing price, merged across them), and the site's
    tokens/s (which reads both workloads' tokens/s, not their cost) is compared."""
    csv = _write(tmp_path / "m.csv", HEADER + f"{SERVE},bench.a.usd_per_mtok,0.01,USD/Mtok\n"
                 f"{SERVE},bench.tokens_per_s,16000,tok/s\n")
    rows, sink = run_user(str(csv))
    assert [r.line for r in rows] == [3]
    row, warning = sink.items
    assert (row.code, row.span.line, row.span.col) == ("invalid-row", 2, len(str(SERVE)) + 2)
    assert "`bench.a.usd_per_mtok` has no value" in row.message and "could not be computed" in row.message
    assert warning.code == "model-input-missing"
    assert warning.quantities == ["bench.a.usd_per_mtok", "bench.b.usd_per_mtok"]
    assert [d.code for d in sink.hidden] == ["unpriced"]
    assert _cli(csv).exit_code == 1


def test_a_quantity_that_fails_without_a_warning_of_its_own_shows_every_warning(tmp_path) -> None:
    """`bench.usd_per_mtok` (the site's) fails because its workloads' $/Mtok do, and no warning names it: which
    warnings say why is not recorded (a failed quantity keeps no reads), so both are shown, none hidden."""
    csv = _write(tmp_path / "m.csv", HEADER + f"{SERVE},bench.usd_per_mtok,0.01,USD/Mtok\n")
    rows, sink = run_user(str(csv))
    assert rows == [] and sink.hidden == []
    assert sorted(d.code for d in sink.items) == ["invalid-row", "model-input-missing", "unpriced"]


def test_a_spec_with_errors_shows_them_once_and_refuses_each_of_its_rows(tmp_path) -> None:
    """Two rows name a spec that does not parse (as `broken.factory` and `./broken.factory`) and one a spec with a
    unit error: each spec's errors are shown once, at their own file:line:col (the spec is evaluated once); each of
    the three rows is refused at its spec column; the good row is compared; exit code 1."""
    (tmp_path / "broken.factory").write_text("site broken {\n  let x = 3 +\n}\n")
    (tmp_path / "units.factory").write_text("param p = 3 kW + 2 s\n")
    csv = _write(tmp_path / "m.csv", HEADER + "broken.factory,broken.x,3,\n./broken.factory,broken.x,4,\n"
                 f"units.factory,p,3,kW\n{LAB},lab.run_energy,6,kWh\n")
    rows, sink = run_user(str(csv))
    assert [r.line for r in rows] == [5]
    found = _codes(sink)
    assert [(c, line, col) for c, line, col in found if c == "invalid-row"] == [("invalid-row", 2, 1),
                                                                                ("invalid-row", 3, 1),
                                                                                ("invalid-row", 4, 1)]
    spec_errors = [(d.span.file.rsplit("/", 1)[-1], d.code, d.span.line, d.span.col) for d in sink.items
                   if d.span.file.endswith(".factory")]
    assert spec_errors == [("broken.factory", "syntax-error", 2, 14), ("units.factory", "unit-mismatch", 1, 11)]
    result = _cli(csv)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.count("error[syntax-error]") == 1


# ----------------------------------------------------------------------------- bad rows, one by one
BAD_ROWS = [      # (row after the spec column, code, the column's field it points at, words of the message)
    ("lab.board_power,5.6,kWh", "unit-mismatch", "kWh", "is energy; `lab.board_power` is power"),
    ("lab.board_power,5.6,", "unit-mismatch", "", "the row gives no unit; `lab.board_power` is power"),
    ("lab.board_power,5.6,kWW", "unknown-unit", "kWW", "unknown unit `kWW`"),
    ("lab.no_such_figure,5.6,kW", "unknown-name", "lab.no_such_figure", "is not a quantity of"),
    ("lab,5.6,kW", "unknown-name", "lab", "is not a quantity of"),
    ("lab.board_power,0,kW", "invalid-row", "0", "the relative error to 0 is not defined"),
    ("lab.board_power,-5.6,kW", "invalid-row", "-5.6", "opposite signs"),
    ("lab.board_power,abc,kW", "invalid-row", "abc", "is not a number"),
    ("lab.board_power,\"5,600\",W", "invalid-row", "\"5,600\"", "no thousands separators"),
    ("lab.board_power,5.6 kW,kW", "invalid-row", "5.6 kW", "the unit in the `unit` column"),
    ("lab.board_power,nan,kW", "invalid-row", "nan", "is not finite"),
    ("lab.board_power,inf,kW", "invalid-row", "inf", "is not finite"),
    (",5.6,kW", "invalid-row", "", "the row names no quantity"),
]


@pytest.mark.parametrize("rest,code,field,words", BAD_ROWS, ids=[b[0] for b in BAD_ROWS])
def test_a_bad_row_is_refused_at_its_field_and_the_good_rows_compared(tmp_path, rest, code, field, words) -> None:
    line = f"{LAB},{rest}"
    csv = _write(tmp_path / "m.csv", HEADER + f"{LAB},lab.board_power,5.6,kW\n{line}\n{LAB},lab.run_energy,6,kWh\n")
    rows, sink = run_user(str(csv))
    assert [r.line for r in rows] == [2, 4]
    assert len(sink.items) == 1, [d.message for d in sink.items]
    diag = sink.items[0]
    assert (diag.code, diag.span.line) == (code, 3) and words in diag.message, diag.message
    start = len(str(LAB)) + 1 + line[len(str(LAB)) + 1:].index(field) if field else None
    if start is not None:
        assert diag.span.col == start + 1          # 1-based: the field itself, after any quoted commas
    result = _cli(csv)
    assert result.exit_code == 1 and "Traceback" not in result.output and "user: 2 rows compared" in result.stdout


def test_a_spec_file_that_does_not_exist_is_refused_at_its_column(tmp_path) -> None:
    csv = _write(tmp_path / "m.csv", HEADER + f"{LAB},lab.board_power,5.6,kW\nnone.factory,lab.x,1,W\n")
    rows, sink = run_user(str(csv))
    assert [r.line for r in rows] == [2] and _codes(sink) == [("file-unreadable", 3, 1)]
    assert "spec file `none.factory` does not exist" in sink.items[0].message
    assert str(tmp_path / "none.factory") in sink.items[0].message


def test_a_plain_number_is_compared_with_no_unit_or_in_percent(tmp_path) -> None:
    """A quantity without a unit (a PUE, a ratio) has the unit text "": reading it stopped the whole file with
    "error: cannot read unit ``" (exit 2, no row compared). r = 3 W / 2 W = 1.5: measured 1.5 (no unit), 150 %
    and 1.5 `1` all compare with error 0; 1.5 W is refused (a power is not a plain number)."""
    (tmp_path / "ratio.factory").write_text("site z {\n  let r = 3 W / 2 W\n}\n")
    csv = _write(tmp_path / "m.csv", "spec,quantity,measured,unit,note\nratio.factory,z.r,1.5,,\n"
                 "ratio.factory,z.r,150,%,\nratio.factory,z.r,1.5,1,\nratio.factory,z.r,1.5,W,\n")
    rows, sink = run_user(str(csv))
    assert [r.line for r in rows] == [2, 3, 4] and all(r.error == pytest.approx(0, abs=1e-12) for r in rows)
    assert _codes(sink) == [("unit-mismatch", 5, len("ratio.factory,z.r,1.5,") + 1)]


def test_a_spec_that_is_not_a_factory_file_is_refused_without_its_parse_errors(tmp_path) -> None:
    """Naming the CSV itself as the spec printed a syntax error for every line of the CSV; a spec must be a
    `.factory` file: the row is refused at its spec column, and nothing else is reported."""
    csv = _write(tmp_path / "m.csv", HEADER + f"m.csv,x,1,W\n{LAB},lab.board_power,5.6,kW\n")
    rows, sink = run_user(str(csv))
    assert [r.line for r in rows] == [3] and _codes(sink) == [("invalid-row", 2, 1)]
    assert "is not a .factory file" in sink.items[0].message


def test_a_field_count_off_and_an_unclosed_quote_say_so(tmp_path) -> None:
    csv = _write(tmp_path / "m.csv", HEADER + f"{LAB},lab.board_power,5.6\n{LAB},lab.board_power,5.6,kW\n"
                 f"{LAB},lab.board_power,\"5.6,kW\n")
    rows, sink = run_user(str(csv))
    assert [r.line for r in rows] == [3] and [(c, line) for c, line, _ in _codes(sink)] == [("invalid-row", 2),
                                                                                           ("invalid-row", 4)]
    assert "the row has 3 fields; the header has 4" in sink.items[0].message
    assert "a quote opened on this line is never closed" in sink.items[1].message


# ----------------------------------------------------------------------------- laws
def test_a_row_listed_twice_leaves_the_summary_unchanged(tmp_path) -> None:
    """A row repeated field for field is one measurement pasted twice: the repeat is refused at its line (exit 1)
    and the summary (median, interval, worst row) is the one of the file without it. A repeat that another column
    tells apart (a note) is a second measurement and counts."""
    rows_text = f"{LAB},lab.run_energy,6.6,kWh\n{LAB},lab.board_power,5.0,kW\n{LAB},lab.run_energy,6,kWh\n"
    once, _ = run_user(str(_write(tmp_path / "once.csv", HEADER + rows_text)))
    twice_csv = _write(tmp_path / "twice.csv", HEADER + rows_text + f"{LAB},lab.board_power,5.0,kW\n")
    twice, sink = run_user(str(twice_csv))
    assert user_summary(twice) == user_summary(once)
    assert _codes(sink) == [("invalid-row", 5, 1)] and "repeats line 3" in sink.items[0].message
    assert _cli(twice_csv).exit_code == 1
    noted = (HEADER.replace("unit", "unit,note") + rows_text.replace("\n", ",\n")
             + f"{LAB},lab.board_power,5.0,kW,again\n")
    rows, sink = run_user(str(_write(tmp_path / "noted.csv", noted)))
    assert len(rows) == 4 and sink.items == []


def test_crlf_and_a_byte_order_mark_print_what_the_plain_file_prints(tmp_path) -> None:
    """The same rows with CRLF line ends, with a UTF-8 byte-order mark, or both, print byte for byte what the LF
    file prints (stdout and stderr: the diagnostics' columns and quoted lines included), text and JSON. The rows
    hold a quoted note with commas, a bad unit after it and an unknown quantity."""
    (tmp_path / "lab.factory").write_bytes(LAB.read_bytes())
    text = ("spec,note,quantity,measured,unit\n"
            "lab.factory,\"meter, rack 3\",lab.run_energy,6.6,kWh\n"
            "lab.factory,\"a, b, c\",lab.board_power,5.6,kWh\n"
            "lab.factory,,lab.board_powr,5.6,kW\n")
    csv = tmp_path / "m.csv"
    outputs = []
    for newline, bom in (("\n", False), ("\r\n", False), ("\n", True), ("\r\n", True)):
        _write(csv, text, newline, bom)
        plain, js = _cli(csv), _cli(csv, "--format", "json")
        outputs.append((plain.exit_code, plain.stdout, plain.stderr, js.stdout))
    assert all(o == outputs[0] for o in outputs[1:])
    code, stdout, stderr, _ = outputs[0]
    assert code == 1 and "user: 1 row compared" in stdout
    unit_col = len('lab.factory,"a, b, c",lab.board_power,5.6,') + 1
    assert f"m.csv:3:{unit_col}: error[unit-mismatch]" in stderr and "m.csv:4:14: error[unknown-name]" in stderr


def test_files_without_rows(tmp_path) -> None:
    """An empty file and a blank first line are not measurement files (usage error, exit 2); a header without
    rows is a file with nothing to compare (exit 1 at line 1); a header separated by `;` says what it read."""
    assert (r := _cli(_write(tmp_path / "e.csv", ""))).exit_code == 2 and "the file is empty" in r.stderr
    assert (r := _cli(_write(tmp_path / "b.csv", "\n\n"))).exit_code == 2 and "the first line is empty" in r.stderr
    r = _cli(_write(tmp_path / "h.csv", HEADER, "\r\n"))
    assert r.exit_code == 1 and "h.csv:1:1: error[invalid-row]: the file has a header but no rows" in r.stderr
    assert "user: no rows compared" in r.stdout
    r = _cli(_write(tmp_path / "s.csv", "spec;quantity;measured;unit\nx;y;1;W\n"))
    assert r.exit_code == 2 and "the header line reads `spec;quantity;measured;unit`" in r.stderr


def test_all_diagnostics_is_for_user_files() -> None:
    result = CliRunner().invoke(main, ["validate", str(CASES / "measured.csv"), "--all-diagnostics"])
    assert result.exit_code == 2 and "--all-diagnostics applies to --user" in result.stderr
