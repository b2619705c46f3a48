"""Front-end trust hunt (session 13): odd input meets `check`, `eval`, `fmt` and `-D` with a diagnostic at the
right span, never a silent wrong value, a traceback or an empty answer that looks like success."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from compiler.cli import main


def _write(tmp_path: Path, text: str, name: str = "spec.factory") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


# ---- 1e-400 reads as 0: a non-zero number too small for float64 is refused at its span
def test_underflowing_literal_is_refused_at_its_span(tmp_path) -> None:
    spec = _write(tmp_path, "let a = 1 W\nlet x = 1e-400 W\n")
    result = _run("check", spec)
    assert result.exit_code == 1, result.output
    assert f"{spec}:2:9: error[underflow]" in result.output
    assert "reads as 0" in result.output


def test_zero_written_small_is_still_zero(tmp_path) -> None:
    # `0e-999` and `0.000` are zero as written: no underflow; 1e-320 is subnormal but not zero: kept
    spec = _write(tmp_path, "let x = 0e-999 W\nlet y = 0.000 W\nlet z = 1e-320\n")
    result = _run("eval", spec, "--format", "json")
    assert result.exit_code == 0, result.output
    values = json.loads(result.output)["quantities"]
    assert values["z"]["values"] == [1e-320]


# ---- -D x=1e999 printed inf in the table: the define is folded as a file's value is, and refused at its span
def test_define_overflow_is_a_clear_diagnostic_and_no_table(tmp_path) -> None:
    spec = _write(tmp_path, "param x = 1\nlet y = x * 2\n")
    result = _run("eval", spec, "-D", "x=1e999")
    assert result.exit_code == 2, result.output
    assert "-D x=1e999: error[non-finite]: this number is too large: it reads as infinity" in result.output
    assert "inf" not in result.output.replace("infinity", "")


def test_define_underflow_and_division_by_zero_are_refused(tmp_path) -> None:
    spec = _write(tmp_path, "param x = 1\nlet y = x * 2\n")
    for value, code in (("1e-400", "underflow"), ("1/0", "non-finite"), ("[1, 1e999]", "non-finite")):
        result = _run("eval", spec, "-D", f"x={value}")
        assert result.exit_code == 2, (value, result.output)
        assert f"error[{code}]" in result.output, (value, result.output)


# ---- eval of an empty file said nothing and exited 0
def test_eval_of_an_empty_spec_says_so(tmp_path) -> None:
    for text in ("", "# only a comment\n", '"only a doc string"\n'):
        spec = _write(tmp_path, text)
        result = _run("eval", spec)
        assert result.exit_code == 0, result.output
        assert "warning[nothing-to-evaluate]" in result.output, (text, result.output)
        doc = json.loads(_run("eval", spec, "--format", "json").output)
        assert [d["code"] for d in doc["diagnostics"]] == ["nothing-to-evaluate"]


def test_eval_select_that_matches_nothing_says_so(tmp_path) -> None:
    spec = _write(tmp_path, "let x = 1\n")
    result = _run("eval", spec, "--select", "zz*")
    assert result.exit_code == 0
    assert "--select `zz*` matches no quantity" in result.output


# ---- fmt parsed every file three times (a 1.5 MB spec took 10 s): once for a file in shape, twice when it changes
def test_fmt_parses_a_formatted_file_once(monkeypatch) -> None:
    import dsl.format as fmt
    import dsl.parser as parser

    calls = []
    real_parse, real_tokens = parser._parse, fmt._tokens
    monkeypatch.setattr(parser, "_parse", lambda *a, **k: calls.append(1) or real_parse(*a, **k))
    monkeypatch.setattr(fmt, "_tokens", lambda text: calls.append(2) or real_tokens(text))
    text = Path("examples/enterprise_starter.factory").read_text(encoding="utf-8")
    shaped = fmt.format_text(text).text
    calls.clear()
    assert fmt.format_text(shaped).text == shaped
    assert calls == [1]
    calls.clear()
    messy = shaped.replace(" = ", " =   ", 1)
    assert fmt.format_text(messy).text == shaped
    assert calls == [1, 2]          # the one parse, and the check that the result has the input's tokens



# ---- fmt wrote `(1\n  + 2)` as `(1\n  +2)`: a binary operator starting a line inside brackets looked like a sign
def test_fmt_keeps_a_binary_operator_binary_on_a_continued_line() -> None:
    from dsl.format import format_text

    assert format_text("let q = (1\n  + 2)\n").text == "let q = (1\n  + 2)\n"
    assert format_text("let q = [3\n  - 4, \n  - 5]\n").text == "let q = [3\n  - 4,\n  -5]\n"   # after `,`: a sign
    assert format_text("let q = 1 + \\\n  - 2\n").text == "let q = 1 + \\\n  -2\n"


# ---- a CRLF file's multi-line string held CR LF, so `fmt` (which writes LF) changed its value: an assert that
# compared it failed before fmt and held after
def test_a_string_has_one_value_whatever_the_line_endings(tmp_path) -> None:
    from dsl.format import format_text

    lf = 'param t = """a\nb"""\nassert t == "a\\nb", "one value"\n'
    crlf = lf.replace("\n", "\r\n")
    for text in (lf, crlf, format_text(crlf).text):
        spec = tmp_path / "spec.factory"
        spec.write_bytes(text.encode())
        result = _run("eval", str(spec))
        assert result.exit_code == 0, (text, result.output)


def test_nothing_to_evaluate_is_not_said_over_errors(tmp_path) -> None:
    spec = _write(tmp_path, "param x = 1 W\nlet y = x * 2\n")
    result = _run("eval", spec, "-D", "x=y")          # a cycle through -D: its error is the story
    assert "definition-cycle" in result.output
    assert "nothing-to-evaluate" not in result.output


# ---- `-D x=y` where y reads x: the cycle was reported at the file's `param x = 1 W` (exit 1), never naming -D
def test_a_cycle_made_by_a_define_is_reported_at_the_define(tmp_path) -> None:
    spec = _write(tmp_path, "param x = 1 W\nlet y = x * 2\n")
    result = _run("eval", spec, "-D", "x=y")
    assert result.exit_code == 2, result.output                     # bad command-line use
    assert "-D x=y: error[definition-cycle]: definition cycle: x → y → x" in result.output
    assert f"`x` is declared here at {spec}:1:7" in result.output


# ---- quoted source lines: a CR printed raw sent the cursor back and hid the start of the line; carets stood
# under the wrong character after a wide (CJK, emoji) one
def test_quoted_lines_show_control_characters_and_carets_follow_wide_ones(tmp_path) -> None:
    spec = tmp_path / "spec.factory"
    spec.write_bytes(b"let x = 1\rlet y = 2\r")
    result = _run("check", str(spec))
    assert result.exit_code == 1
    assert " 1 | let x = 1\u240dlet y = 2\n   |          ^\n" in result.output
    assert "lone CR" in result.output
    spec.write_text('let s = "\u96fb\u529b\U0001f642" ; let x = 1\n', encoding="utf-8")
    out = _run("check", str(spec)).output
    shown, caret = [line for line in out.splitlines() if line.startswith((" 1 |", "   |"))]
    # the `;` is the 15th character and the 18th cell (two wide characters and an emoji take two cells each)
    assert shown.index(";") == 5 + 14 and caret.index("^") == 5 + 17


# ---- `1 \` then an empty line: fmt dropped the empty line, so the `\` joined the next statement (format-failed)
def test_fmt_keeps_the_empty_line_a_continuation_ends_on() -> None:
    from dsl.format import format_text

    for text in ("let a = 1 \\\n\nlet x = 1\n", "rack r {\n  let a = 1\n} \\\n\nlet x = 1\n",
                 "rack r {\n  let a = 1 \\\n\n}\n"):        # (before a `}` too: found by the fmt fuzz)
        result = format_text(text)
        assert not result.sink.items, [d.message for d in result.sink.items]
        assert result.text == text and format_text(result.text).text == text


# ---- `3 kW^400` was an internal error (OverflowError from 1000.0 ** 400); `W^99999999999999999999` was accepted
def test_unit_powers_and_sizes_are_bounded_with_a_diagnostic(tmp_path) -> None:
    big = "*".join(["kW"] * 105)        # 1e315 W: every power in range, the product beyond float64
    spec = _write(tmp_path, f"let y = 3 kW^400\nlet z = 3 W^99999999999999999999\nlet t = 1 {big}\n"
                            "let ok = 2 m^3/s + 1 L/min\n")
    result = _run("check", spec)
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output
    assert f"{spec}:1:11: error[unknown-unit]: the power `^400` in `kW^400` is out of range" in result.output
    assert f"{spec}:2:11: error[unknown-unit]: the power" in result.output
    assert f"{spec}:3:11: error[unknown-unit]:" in result.output and "too large a unit" in result.output
    assert ":4:" not in result.output


# ---- `factory eval -` said "error: -: no such file" (check and fmt read standard input; the others do not)
def test_commands_without_stdin_say_so_for_dash() -> None:
    for args in (["eval", "-"], ["explain", "-", "x"]):
        result = CliRunner().invoke(main, args, input="let x = 1\n")
        assert result.exit_code == 2
        assert "no such file" not in result.output and "standard input" in result.output, result.output


# ---- numbers took any script's digits (Python's \d): `1٠5`, whose Arabic-Indic zero looks like a dot, read 105
def test_numbers_are_ascii_digits(tmp_path) -> None:
    spec = _write(tmp_path, "let y = 1\u06605\nlet z = \u0661\u0662\nlet w = 3 W^\u0662\n")
    result = _run("check", spec)
    assert result.exit_code == 1, result.output
    assert f"{spec}:1:10: error[invalid-character]: unexpected character `\u0660`" in result.output
    assert "ASCII digits 0-9" in result.output
    assert f"{spec}:2:9: error[invalid-character]" in result.output


def test_explain_refuses_a_negative_depth(tmp_path) -> None:
    result = _run("explain", _write(tmp_path, "let x = 1\n"), "x", "--depth", "-1")
    assert result.exit_code == 2 and "-1" in result.output


# ---- "unexpected end of file" was shown under the last character (`+`), not where the file ends
def test_end_of_file_error_points_at_the_end(tmp_path) -> None:
    spec = _write(tmp_path, "let x = 1 +")
    result = _run("check", spec)
    assert f"{spec}:1:12: error[syntax-error]: unexpected end of file" in result.output, result.output


# ---- a line holding only `\` after a blank line: fmt put the blank line after the `\`, which then continued
# into nothing (format-failed; found by the fmt fuzz)
def test_fmt_a_lone_continuation_after_a_blank_line() -> None:
    from dsl.format import format_text

    for text in ("let a = 1\n\n\\\nlet b = 2\n", "rack r {\n  let a = 1\n\n  \\\n  let b = 2\n}\n"):
        result = format_text(text)
        assert not result.sink.items, [d.message for d in result.sink.items]
        assert format_text(result.text).text == result.text
        assert result.text.replace(" ", "") == text.replace(" ", "")


# ---- `let h = 20 degC - a` (a a point) is a difference of 10 K; the table and explain showed -263.1 degC (the let
# inherited its input's point display)
def test_a_difference_of_points_is_shown_as_a_difference(tmp_path) -> None:
    spec = _write(tmp_path, "let a = 10 degC\nlet h = 20 degC - a\nlet p = a + 5 K\n")
    out = _run("eval", spec).output
    assert "h  10 K" in out and "p  15 degC" in out, out
    assert "10 K  [let]" in _run("explain", spec, "h").output


# ---- `let f = -30 degC` was refused ("a temperature point cannot be negated") while a field took `-5 degC`: a
# negative temperature is one literal, 243.15 K (not -(303.15 K))
def test_a_negative_temperature_is_a_literal(tmp_path) -> None:
    spec = _write(tmp_path, "let f = -30 degC\nlet j = -40 degF\nlet h = 20 degC - f\n"
                            "assert j == -40 degC, \"-40 is where the scales meet\"\n")
    result = _run("eval", spec, "--format", "json")
    assert result.exit_code == 0, result.output
    q = json.loads(result.output)["quantities"]
    assert abs(q["f"]["values"][0] - (273.15 - 30)) < 1e-9
    assert abs(q["h"]["values"][0] - 50) < 1e-9                      # a difference: 20 - (-30) = 50 K
    still = _run("check", _write(tmp_path, "let t = 30 degC\nlet m = -t\n", "neg.factory"))
    assert "error[temperature-point]" in still.output                # negating a point is still refused


# ---- `param t = 10 degC` read `283.1 K` in the table (a let or field written in degC reads degC)
def test_a_temperature_param_reads_in_degc(tmp_path) -> None:
    spec = _write(tmp_path, "param t = 10 degC\nlet u = t\n")
    assert "t  10 degC" in _run("eval", spec).output
    assert "t  -5 degC" in _run("eval", spec, "-D", "t=-5degC").output


# ---- a line holding only `\` between two statements: the editor's parse (statement by statement) accepted it and
# `factory check` (whole file) reported "unexpected end of line", so the editor showed no error and CI failed
def test_whole_file_and_statement_parse_agree_on_a_lone_continuation(tmp_path) -> None:
    from dsl.diagnostics import Sink
    from dsl.parser import StatementCache, parse
    from dsl.source import Source

    for text in ("let a = 1\n\\\n# c\nlet b = 2\n", "let a = 1\n\\\n\nlet b = 2\n", "rack r {\n  \\\n}\n"):
        whole, by_statement = Sink(), Sink()
        a = parse(Source("a.factory", text), whole)
        b = parse(Source("a.factory", text), by_statement, StatementCache())
        assert (a is None) == (b is None) and not whole.items and not by_statement.items, text
        assert _run("check", _write(tmp_path, text)).exit_code == 0, text


# ---- a literal beyond float64 was refused only where the checker folded a constant: in a branch of `if`, an
# assert or a list beside a parameter, `1e999` and `1e-400` went through
def test_out_of_range_literals_are_refused_wherever_they_stand(tmp_path) -> None:
    for literal, code in (("1e-400", "underflow"), ("1e999", "non-finite")):
        spec = _write(tmp_path, f"param p = [1, 2]\nlet b = if p > 1 then {literal} W else 2 W\n"
                                f"assert p > {literal}, \"x\"\nlet d = [p, {literal}]\n")
        out = _run("check", spec).output
        for where in ("2:23", "3:12", "4:13"):
            assert f"{spec}:{where}: error[{code}]" in out, (literal, where, out)


# ---- `fmt` wrote a spec in place with write_text: a failed write (full disk, read-only folder) was an "internal
# error ... a bug" and could leave the file cut short; now the file is replaced whole or left as it was
def test_fmt_leaves_the_file_whole_when_it_cannot_write(tmp_path, monkeypatch) -> None:
    import os

    spec = _write(tmp_path, "let x=1\n")
    os.chmod(spec, 0o640)

    def full_disk(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    result = _run("fmt", spec)
    assert result.exit_code == 2 and "internal error" not in result.output, result.output
    assert "cannot write" in result.output and "No space left on device" in result.output
    assert Path(spec).read_text() == "let x=1\n"
    assert [p.name for p in tmp_path.iterdir()] == ["spec.factory"]          # no temporary file left behind
    monkeypatch.undo()
    assert _run("fmt", spec).exit_code == 0
    assert Path(spec).read_text() == "let x = 1\n" and os.stat(spec).st_mode & 0o777 == 0o640


# ---- a sweep point given as an expression (`1..3 step s`, `[s, 2]`, `1..2+1`) made the parameter and everything
# reading it vanish from the results, exit 0 (lowering sweeps written numbers only)
def test_a_sweep_of_expressions_is_refused_not_dropped(tmp_path) -> None:
    spec = _write(tmp_path, "let s = 1\nparam p = 1..3 step s\nparam q = [s, 2]\nparam r = 1..2+1\nlet y = p * 2\n")
    result = _run("eval", spec)
    assert result.exit_code == 1, result.output
    for where in ("2:21", "3:12", "4:14"):
        assert f"{spec}:{where}: error[invalid-range]: a sweep's values are numbers written out" in result.output
    ok = _run("eval", _write(tmp_path, "param p = -1..-3 step -1\nparam q = [+1, 2]\nlet y = p * q\n", "ok.factory"),
              "--format", "json")
    assert ok.exit_code == 0, ok.output
    assert sorted(json.loads(ok.output)["quantities"]["y"]["values"]) == [-6, -4, -3, -2, -2, -1]   # 3 x 2 scenarios


# ---- import-not-found gave no useful hint for a Windows path (`sub\q.factory` suggested an unrelated file), a
# folder, or a path without `.factory`
def test_import_not_found_says_why(tmp_path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "q.factory").write_text("let q = 1\n")
    spec = _write(tmp_path, 'import "sub\\\\q.factory" as a\nimport "./sub" as b\nimport "./sub/q" as c\n')
    out = _run("check", spec).output
    assert 'help: write the path with `/` on every system: "sub/q.factory"' in out, out
    assert "help: this is a folder; import a .factory file in it" in out
    assert 'help: the file is `./sub/q.factory`: import "./sub/q.factory"' in out


# ---- `--root /nonexistent` was taken, and the spec's imports then "led outside the root" (exit 1)
def test_a_root_that_does_not_exist_is_a_usage_error(tmp_path) -> None:
    spec = _write(tmp_path, "let x = 1\n")
    result = _run("check", spec, "--root", str(tmp_path / "nope"))
    assert result.exit_code == 2 and "does not exist" in result.output, result.output


# ---- a selection of no parts (s16-editor): `sum(rack.server.max_power)` over racks that hold no server is 0 W, not
# "sum(...) needs a value of each part, like sum(rack.server.max_power.power)"; and a placement whose definition is
# misspelt gives its own unknown-name error only, not that one besides
_NET_ONLY = '''switch tor {
  ports = 32
  port_speed = 400 Gb/s
  power = 1 kW
}

rack net_rack {
  switch t: tor x 2
  power_limit = 10 kW
  height = 42 U
}

site s {
  electricity_price = 0.1 USD/kWh
  land_price = 0 USD
  hall h {
    power_feed = 100 kW
    rack r: NET x 2
    let servers_power = sum(rack.server.max_power)
    let switches_power = sum(rack.switch.power)
    let n = count(rack.server)
  }
}
'''


def test_a_field_summed_over_no_parts_is_zero(tmp_path) -> None:
    spec = _write(tmp_path, _NET_ONLY.replace("NET", "net_rack"))
    result = _run("eval", spec, "--format", "json")
    assert result.exit_code == 0, result.output
    values = json.loads(result.output)["quantities"]
    assert values["s.h.servers_power"]["values"] == [0]            # no server placed: nothing to add
    assert values["s.h.switches_power"]["values"] == [4000]         # 2 racks x 2 switches x 1 kW (hand sum)
    assert values["s.h.n"]["values"] == [0]


def test_a_misspelt_placement_gives_one_error_not_a_cascade(tmp_path) -> None:
    spec = _write(tmp_path, _NET_ONLY.replace("NET", "net_rak"))
    result = _run("check", spec)
    assert result.exit_code == 1, result.output
    assert "error[unknown-name]: `net_rak` is not defined" in result.output
    assert "wrong-arguments" not in result.output, result.output


def test_an_unknown_field_over_no_parts_is_still_an_error(tmp_path) -> None:
    spec = _write(tmp_path, _NET_ONLY.replace("NET", "net_rack").replace("rack.server.max_power", "rack.server.nope"))
    result = _run("check", spec)
    assert result.exit_code == 1, result.output
    assert "nope" in result.output and "Traceback" not in result.output
