"""Trust audit 12e: bad input as a new user writes it (fmt, stdin, CLI), each defect found pinned by a test."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from compiler import evaluate_text
from compiler.cli import main
from dsl.format import format_text


def test_fmt_keeps_a_backslash_line_continuation() -> None:
    # language.md: "a `\` at the end of a line continues it". The formatter dropped the `\`, so the result
    # no longer parsed and every such file was refused with `format-failed` ("please report this").
    text = "let y = 3 \\\n    + 4\n"
    result = format_text(text)
    assert not result.sink.items, [d.message for d in result.sink.items]
    assert result.text == "let y = 3 \\\n  + 4\n"
    again = format_text(result.text)
    assert not again.sink.items and again.text == result.text            # idempotent
    results, sink = evaluate_text(result.text)
    assert results is not None and float(results.values["y"].ravel()[0]) == 7      # 3 + 4, meaning kept


def test_fmt_keeps_a_continued_operator_binary() -> None:
    # a `+`/`-` that starts the line after a `\` continues the expression: it is binary, spaced as such
    text = "rack r {\n  let y = 3 \\\n + 4 \\\n- 5 * \\\n -2\n}\n"
    result = format_text(text)
    assert result.text == "rack r {\n  let y = 3 \\\n    + 4 \\\n    - 5 * \\\n    -2\n}\n"


BOM_CRLF = b"\xef\xbb\xbfrack r {\r\n  power_limit = 40 kW\r\n}\r\n"


def test_check_of_standard_input_with_a_bom_is_the_check_of_the_file(tmp_path) -> None:
    # an editor on Windows saves UTF-8 with a BOM and CRLF: the file checks clean, so must the same bytes on stdin
    path = tmp_path / "bom.factory"
    path.write_bytes(BOM_CRLF)
    assert CliRunner().invoke(main, ["check", str(path)]).exit_code == 0
    result = CliRunner().invoke(main, ["check", "-"], input=BOM_CRLF)
    assert result.exit_code == 0, result.output


def test_fmt_of_standard_input_with_a_bom_formats_it_as_the_file_would() -> None:
    result = CliRunner().invoke(main, ["fmt", "-"], input=BOM_CRLF)
    assert result.exit_code == 0, result.output
    assert result.stdout == "rack r {\n  power_limit = 40 kW\n}\n"


def test_fmt_of_standard_input_that_is_not_utf8_says_so() -> None:
    # was: "unexpected character `\udcff`" at a line of escaped garbage
    result = CliRunner().invoke(main, ["fmt", "-"], input=b"\xff\xfe rack")
    assert result.exit_code == 2
    assert "not UTF-8" in result.output and "\\udc" not in result.output


@pytest.mark.parametrize("typed, meant", [("GBps", "GB/s"), ("MBps", "MB/s"), ("TBps", "TB/s"), ("kBps", "kB/s")])
def test_a_bytes_per_second_typo_suggests_bytes_not_bits(tmp_path, typed: str, meant: str) -> None:
    # `10 GBps` (as a datasheet writes GB/s) was answered "did you mean `Gbps`?": bits, 8x less
    path = tmp_path / "bw.factory"
    path.write_text(f"let a = 10 {typed}\n")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    assert f"did you mean `{meant}`?" in result.output, result.output


def test_an_unclosed_triple_quoted_string_is_named_as_such(tmp_path) -> None:
    # was: 'this string has no closing `"` on its line ... or use """triple quotes"""' at the third quote
    path = tmp_path / "doc.factory"
    path.write_text('"""A doc string\nthat is never closed\nrack r {}\n')
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    assert "doc.factory:1:1: error[unterminated-string]" in result.output, result.output
    assert 'this """string""" is never closed' in result.output


def test_a_value_left_out_at_the_end_of_a_line_in_a_block_loses_no_later_error(tmp_path) -> None:
    # `power_limit = ` (half-typed) inside a block: parsing resumed at the same newline 20 times (the cap),
    # so the file's later mistakes were never reported
    path = tmp_path / "half.factory"
    path.write_text('rack r {\n  power_limit = \n  cooling = "air"\n}\nlet z = 1 +\nlet w = @\n')
    result = CliRunner().invoke(main, ["check", "--format", "json", str(path)])
    assert result.exit_code == 1
    import json
    diags = json.loads(result.stdout)["diagnostics"]
    assert [(d["code"], d["location"]["line"]) for d in diags] == [
        ("syntax-error", 2), ("syntax-error", 5), ("invalid-character", 6)]


def test_fmt_indents_a_closing_bracket_in_a_block_like_the_line_that_opened_it() -> None:
    # the `)` of a bracket opened inside a block was put at column 0 (its level counted without the block's)
    text = "rack r {\n  power_limit = (\n    40 kW\n    )\n  let d = [\n1,\n  2]\n}\n"
    result = format_text(text)
    assert result.text == "rack r {\n  power_limit = (\n    40 kW\n  )\n  let d = [\n    1,\n    2]\n}\n"
    assert format_text(result.text).text == result.text


def test_a_non_ascii_letter_in_a_name_says_names_are_ascii(tmp_path) -> None:
    path = tmp_path / "uni.factory"
    path.write_text("let größe = 3\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    assert "uni.factory:1:7: error[invalid-character]: unexpected character `ö`" in result.output
    assert "help: a name is written in ASCII letters, digits and `_`" in result.output


def test_renaming_a_name_imported_with_from_says_how(tmp_path) -> None:
    # `from m import x as y` is not in the language; the help said "each statement goes on its own line"
    (tmp_path / "m.factory").write_text("let x = 1\n")
    path = tmp_path / "main.factory"
    path.write_text('from "./m.factory" import x as y\n')
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    assert "main.factory:1:29: error[syntax-error]: unexpected `as`" in result.output, result.output
    assert 'help: a name imported with `from` keeps its name; to choose one, import the module: ' \
           'import "./m.factory" as m, then m.x' in result.output
    assert "each statement goes on its own line" not in result.output


def test_fmt_of_standard_input_over_8_mib_is_refused_at_once() -> None:
    # as `check -` is: fmt read stdin whole and formatted any size (minutes of CPU for a 10 MB paste)
    result = CliRunner().invoke(main, ["fmt", "-"], input=b"let v = 1\n" * (900 * 1024))
    assert result.exit_code == 2
    assert "larger than 8 MiB" in result.output


def test_a_text_parameter_given_without_quotes_on_the_command_line_says_to_quote_it(tmp_path) -> None:
    # the shell eats the quotes of -D cool="liquid": the value arrives as the bare name `liquid`
    path = tmp_path / "tx.factory"
    path.write_text('param cool = "air"\nrack r {\n  power_limit = 40 kW\n  cooling = cool\n}\n')
    result = CliRunner().invoke(main, ["check", str(path), "-D", "cool=liquid"])
    assert result.exit_code == 2                                   # a bad -D is a usage error
    assert "error[unknown-name]: `liquid` is not defined here" in result.output
    assert """help: the parameter is text: quote it, -D 'cool="liquid"'""" in result.output, result.output


def test_a_field_set_to_itself_with_nothing_outside_says_what_the_name_means(tmp_path) -> None:
    # `power_limit = power_limit` (language.md: the name means the one outside the block) was answered
    # "`power_limit` is not defined here; did you mean `power_limit`?"
    path = tmp_path / "self.factory"
    path.write_text("rack r {\n  power_limit = power_limit\n}\n")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    assert "self.factory:2:17: error[unknown-name]: `power_limit` is not defined here" in result.output
    assert "did you mean `power_limit`" not in result.output
    assert "help: in its own value, `power_limit` names something outside `r`, and nothing there is called " \
        "`power_limit`" \
        in result.output, result.output


def test_an_assert_without_a_message_shows_its_condition(tmp_path) -> None:
    # was: "assert failed: assert"
    path = tmp_path / "a.factory"
    path.write_text("let spare = 1\nassert spare > 2\n")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    assert "a.factory:2:8: error[assert-failed]: assert failed: `spare > 2`" in result.output, result.output


def test_a_define_of_an_imported_files_parameter_says_where_it_is(tmp_path) -> None:
    # was: "`-D x` names no parameter of the spec; help: the spec declares no parameters"
    (tmp_path / "common.factory").write_text("param x = 3\nlet y = 2 * x\n")
    path = tmp_path / "main.factory"
    path.write_text('import "./common.factory" as c\nlet q = c.y\n')
    result = CliRunner().invoke(main, ["check", str(path), "-D", "x=10"])
    assert result.exit_code == 2
    assert "error[unknown-parameter]: `-D x` names no parameter of the spec" in result.output
    assert "help: `x` is a parameter of an imported file; -D sets only the parameters of the file it checks" \
        in result.output, result.output
    assert "common.factory:1:7" in result.output                   # where it is declared


def test_a_negative_max_errors_is_a_usage_error(tmp_path) -> None:
    # `--max-errors -1` showed all but the last of 9 errors and then "... and 10 more"
    path = tmp_path / "bad.factory"
    path.write_text("let a = 1 W + 1 GB\nlet b = 2 W + 2 GB\n")
    result = CliRunner().invoke(main, ["check", "--max-errors", "-1", str(path)])
    assert result.exit_code == 2
    assert "--max-errors" in result.output and "and 3 more" not in result.output


def test_a_long_lines_window_marks_only_the_sides_it_cuts(tmp_path) -> None:
    # the window of a line over 240 characters began with "…" even where it starts at the line's start
    path = tmp_path / "long.factory"
    path.write_text("let a = " + " + ".join(["1"] * 100) + " + 1 W\n")
    result = CliRunner().invoke(main, ["check", str(path)])
    shown = [line for line in result.output.splitlines() if line.startswith(" 1 | ")][0]
    assert shown.startswith(" 1 | let a = 1 + 1") and shown.endswith("…"), shown
    caret = result.output.splitlines()[result.output.splitlines().index(shown) + 1]
    assert caret.index("^") == shown.index("1 + 1")               # the caret stays under the operand


def test_fmt_of_a_crlf_file_leaves_no_cr_inside_a_doc_string() -> None:
    # the lines outside strings came out LF, a doc string's kept its CRLF: a file of mixed line endings
    result = format_text('"""Doc\r\nline two"""\r\nlet a = 1\r\n')
    assert not result.sink.items
    assert result.text == '"""Doc\nline two"""\nlet a = 1\n'
    assert result.changed


@pytest.mark.parametrize("sweep", ['"a".."b"', "true..false", '"a".."b" step 1'])
def test_a_range_of_text_or_true_false_values_is_refused(tmp_path, sweep: str) -> None:
    # as a list of them is (text_sweep): `param c = "a".."b"` checked clean and evaluated to nothing, exit 0
    path = tmp_path / "r.factory"
    path.write_text(f"param c = {sweep}\nlet d = c\n")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1, result.output
    assert "r.factory:1:11: error[type-mismatch]: a range sweeps numbers (with their units)" in result.output
