"""Session-17 language hunt: what a new user writing specs in an editor met (one test per defect).

Each test states the law the defect broke: the editor's diagnostics are `factory check`'s for the same text, and
bad input gets a clear diagnostic at its span, never a traceback."""
from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from compiler.cli import main
from compiler.lsp.analysis import Analysis


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _run(*args):
    return CliRunner().invoke(main, list(args))


# -- the root of an imported file's imports is the entry's folder ---------------------------------------------------
# docs/language.md: "A quoted path must stay inside the spec's root folder (the entry file's folder, or `--root`)".
# main.factory imports sub/inner.factory, which imports ../lib.factory: every file lies in main's folder. Before:
# `factory check main.factory` refused inner's import (`import-escapes-root`, "outside the spec's root folder
# (sub)": the importing file's own folder was taken for the root), exit 1 with a cascade `x` is not defined, while
# the editor (which gives the entry's folder as the root) showed main.factory clean: the two disagreed.
# An entry in sub/ itself still may not leave sub/.

def test_an_imported_file_may_import_anything_under_the_entry_folder(tmp_path):
    _write(tmp_path, "lib.factory", "let x = 1 kW\n")
    _write(tmp_path, "sub/inner.factory", 'from "../lib.factory" import x\nlet xi = x * 2\n')
    main_spec = _write(tmp_path, "main.factory", 'from "./sub/inner.factory" import xi\nlet total = xi\n')
    result = _run("check", str(main_spec))
    assert result.exit_code == 0, result.output
    editor = Analysis(main_spec.read_text(), str(main_spec), str(tmp_path))
    assert [d.code for d in editor.sink.items] == []
    result = _run("eval", str(main_spec), "--format", "json")
    assert result.exit_code == 0, result.output
    assert '"values": [\n        2000.0' in result.output or "2000.0" in result.output
    # the entry's folder is the root: an entry in sub/ may not leave it, in the CLI and the editor alike
    inner = tmp_path / "sub" / "inner.factory"
    result = _run("check", str(inner))
    assert result.exit_code == 1 and "error[import-escapes-root]" in result.output, result.output
    editor = Analysis(inner.read_text(), str(inner), str(inner.parent))
    assert "import-escapes-root" in [d.code for d in editor.sink.items]


# -- a misspelt part type after a module is reported at the misspelt name, with its hint ----------------------------
# `chip g: chips.H100_SXMM x 8`: the expression `chips.H100_SXMM.tdp` said "`H100_SXMM` is not defined in
# <stdlib>/chips.factory" at `H100_SXMM` with "did you mean `H100_SXM`?" (and the editor offered the replacement);
# the part type said "`chips.H100_SXMM` is not defined" over the whole dotted name with no hint (its candidates were
# the names visible in the file: `chips`, `s`), and no quick fix.

def test_a_misspelt_dotted_base_names_the_module_and_suggests_its_definition(tmp_path):
    from compiler.lsp.analysis import quick_fixes
    text = "import chips\nserver s {\n  chip g: chips.H100_SXMM x 8\n}\n"
    spec = _write(tmp_path, "m.factory", text)
    result = _run("check", str(spec))
    assert result.exit_code == 1, result.output
    assert f"{spec}:3:17: error[unknown-name]: `H100_SXMM` is not defined in <stdlib>/chips.factory" \
        in result.output, result.output
    assert "did you mean `H100_SXM`?" in result.output
    fixes = quick_fixes(Analysis(text, str(spec), str(tmp_path)))
    assert [(text[s.start:s.end], new) for _d, s, new, _t, _h in fixes] == [("H100_SXMM", "H100_SXM")]


# -- a share written in percent past 100 % gets no "did you mean ... %" hint ------------------------------------------
# `utilization = 80` (a fraction field) rightly hints "did you mean 0.8 or 80 %?". `utilization = 100.1 %` is
# already a percent, a slip past the whole: the hint said "did you mean 0.01001 or 1.001 %?" (a hundredth of what was
# meant), and the message "this is 1.001" hid the percent the author wrote.

def test_a_percent_past_the_whole_is_shown_as_written_without_the_plain_number_hint(tmp_path):
    spec = _write(tmp_path, "m.factory", "from chips import H100_SXM\nserver s {\n  chip g: H100_SXM x 8\n"
                                         "  utilization = 100.1 %\n  psu_efficiency = 96\n}\n")
    result = _run("check", str(spec))
    assert result.exit_code == 1, result.output
    assert "`utilization` of server `s` must be in [0, 1]; this is 1.001 (100.1 %)" in result.output, result.output
    assert "did you mean 0.01001" not in result.output and "1.001 %?" not in result.output
    assert "did you mean 0.96 or 96 %?" in result.output         # a plain number still gets the hint


# -- a negative count computed at evaluation is not told to round ---------------------------------------------------
# The front end says "round it: `x ceil(...)`" only for a fraction from 0 up (`x 2.5`): rounding -1 gives -1. The
# evaluator, for a count it computes (`x racks` with `-D racks=-1`), said "round it" for any refused count: -1,
# beyond 2^53, NaN alike.

def test_a_negative_evaluated_count_gets_no_rounding_hint(tmp_path):
    spec = _write(tmp_path, "m.factory", "param n = 2\nrack r {\n  power_limit = 1 kW\n}\nsite s {\n  hall h {\n"
                                         "    rack a: r x n\n  }\n}\n")
    negative = _run("check", str(spec), "-D", "n=-1")
    assert negative.exit_code == 1 and "error[invalid-count]" in negative.output, negative.output
    assert "round it" not in negative.output, negative.output
    fraction = _run("check", str(spec), "-D", "n=2.5")
    assert fraction.exit_code == 1 and "round it: `x ceil(...)`" in fraction.output, fraction.output


# -- a temperature point below absolute zero is an error wherever it is written -------------------------------------
# A field's temperature (`ambient_temp = -300 degC`) was refused (">= 0 K"); a let or param was not: `let t = -300
# degC`, `let u = 10 degC - 300 K` (300 K is a difference: the point is -6.85 K) and `param p = -500 degF` checked
# clean (exit 0) and eval printed `t  -300 degC`, a temperature no body has.

def test_a_let_or_param_below_absolute_zero_is_an_error_at_its_value(tmp_path):
    text = ("let t = -300 degC\nlet u = 10 degC - 300 K\nparam p = [20 degC, -500 degF]\nlet ok = 20 degC - 293 K\n"
            "rack r {\n  let inner = -274 degC\n}\n")
    spec = _write(tmp_path, "m.factory", text)
    result = _run("check", str(spec))
    assert result.exit_code == 1, result.output
    for where in ("1:9", "2:9", "3:21", "6:15"):      # (the sweep's point that is below)
        assert f"{spec}:{where}: error[out-of-range]" in result.output, (where, result.output)
    assert "below absolute zero" in result.output
    assert ":4:" not in result.output                 # 0.15 K: cold, but a temperature
    editor = Analysis(text, str(spec), str(tmp_path))
    assert sorted(d.span.line for d in editor.sink.items if d.code == "out-of-range") == [1, 2, 3, 6]


# -- a true/false let shows its value on hover ------------------------------------------------------------------------
# `let fits = draw <= 25 kW`: the hover showed "**let** `fits`" and nothing else (a number and a text show their
# value: `= **20 kW**`), so the editor never said whether it held; over a sweep where it differs, both.

def test_hover_on_a_true_false_let_shows_its_value(tmp_path):
    from compiler.lsp.analysis import hover_markdown
    text = "param n = 1..3\nlet draw = 10 kW\nlet fits = draw <= 25 kW\nlet swept = n * draw <= 25 kW\n"
    spec = _write(tmp_path, "m.factory", text)
    analysis = Analysis(text, str(spec), str(tmp_path))
    analysis.results
    shown = {name: hover_markdown(analysis, text.index(f"let {name}") + 4)[0] for name in ("fits", "swept")}
    assert shown["fits"].endswith("= **true**"), shown
    assert shown["swept"].endswith("= **false | true**"), shown


# -- eval's table shows a true/false let ------------------------------------------------------------------------------
# `factory eval` printed every number of `let draw = 10 kW`, `let fits = draw <= 25 kW` but not `fits` (the JSON has
# it as 1.0): a condition the author wrote to read vanished from the table with exit 0.

def test_eval_table_shows_a_true_false_let(tmp_path):
    spec = _write(tmp_path, "m.factory", "param n = [1, 3]\nlet draw = n * 10 kW\nlet fits = draw <= 25 kW\n")
    result = _run("eval", str(spec))
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split()[1:] for line in result.output.splitlines() if line.strip()}
    assert rows["fits"] == ["true", "false"], result.output
    assert rows["draw"] == ["10", "kW", "30", "kW"], result.output


# -- completion in an expression offers the built-in functions ------------------------------------------------------
# `let total = su|` offered the expression keywords and the names in scope, never `sum` (nor max, min, count, mean,
# ...), though the checker's "there is no function" help lists them and signature help explains each once typed.

def test_expression_completion_offers_the_functions(tmp_path):
    from compiler.lsp.analysis import completions
    from dsl.check import FUNCTIONS
    text = "let draw = 10 kW\nlet total = su"
    before = Analysis("let draw = 10 kW\nlet total = draw\n", str(tmp_path / "m.factory"), str(tmp_path))
    typing = Analysis(text, str(tmp_path / "m.factory"), str(tmp_path))
    typing.fallback = before                       # (as the server keeps the last version that parsed)
    found = {c.label: c for c in completions(typing, len(text))}
    assert set(FUNCTIONS) <= set(found), sorted(found)
    assert found["sum"].kind == "function" and found["sum"].detail.startswith("sum(")
    assert "draw" in found and "if" in found
    # not after a dot (a member is typed there) nor at the start of a statement
    assert "sum" not in {c.label for c in completions(typing, len("let draw = 10 kW\n"))}


# -- `extends` does not offer the block being written ----------------------------------------------------------------
# Retyping the base of `rack q extends r` offered `q` itself (and `rack q: ` too): choosing it is an
# inheritance cycle (`q` extends itself).

def test_extends_completion_leaves_out_the_block_itself(tmp_path):
    from compiler.lsp.analysis import completions
    before = Analysis("rack r {\n  power_limit = 1 kW\n}\nrack q extends r {\n}\n", str(tmp_path / "m.factory"),
                      str(tmp_path))
    for text in ("rack r {\n  power_limit = 1 kW\n}\nrack q extends ", "rack r {\n  power_limit = 1 kW\n}\nrack q: "):
        typing = Analysis(text, str(tmp_path / "m.factory"), str(tmp_path))
        typing.fallback = before
        found = completions(typing, len(text))
        # the file's own `r` first; then the stdlib's racks, each with its import (session 25); never `q` itself
        assert [c.label for c in found if c.import_line is None] == ["r"], text
        assert "q" not in {c.label for c in found} and all(c.sort > "0r" for c in found if c.import_line), text


# -- a computed temperature point below absolute zero is an error at evaluation --------------------------------------
# `let cold = 20 degC - power / 1 W * 1 K` in an 8-GPU server: eval printed `s.cold  -6,425 degC` with exit 0. The
# front end refuses a constant one (above); a computed one is out-of-range where it is evaluated.

def test_a_computed_temperature_below_absolute_zero_is_out_of_range(tmp_path):
    spec = _write(tmp_path, "m.factory", "from chips import H100_SXM\nserver s {\n  chip g: H100_SXM x 8\n"
                                         "  let cold = 20 degC - power / 1 W * 1 K\n"
                                         "  let warm = 20 degC + power / 1 W * 1 mK\n}\n")
    result = _run("eval", str(spec))
    assert result.exit_code == 1, result.output
    assert f"{spec}:4:14: error[out-of-range]: `s.cold` is a temperature below absolute zero" in result.output, \
        result.output
    assert "s.warm" not in result.output.split("error[out-of-range]")[1].splitlines()[0]
    assert result.output.startswith("1 error:"), result.output          # `s.warm` (20.006 degC) is fine


# -- a unit typed with a typographic character is told how the language writes it -----------------------------------
# `1 μs` (Greek mu, what most keyboards give), `1 m²` and `1 kW·h` were refused with a help for a name ("a name is
# written in ASCII letters...") or a number ("ASCII digits 0-9"), or none: the author wrote a unit.

def test_a_typographic_unit_character_gets_the_language_s_spelling(tmp_path):
    for written, said in (("1 μs", "`us`"), ("1 m²", "`m^2`"), ("1 m³/s", "`m^3`"), ("1 kW·h", "`*`")):
        spec = _write(tmp_path, "m.factory", f"let v = {written}\n")
        result = _run("check", str(spec))
        assert result.exit_code == 1 and "error[invalid-character]" in result.output, result.output
        assert said in result.output.split("help:")[1], (written, result.output)


# -- a decimal comma, a trailing point and `x` for times are told how the language writes them ------------------------
# `let a = 1,5` said "unexpected `,`; expected the end of the line", `let b = 5.` "expected a name", `let c = 2 x 3`
# "unexpected `x`": each with no help, where the author wrote a number (1.5, 5.0) or a product.

def test_number_slips_get_a_help(tmp_path):
    for text, said in (("let a = 1,5\n", "`1.5`"), ("let b = 5.\n", "`5.0`"), ("let c = 2 x 3\n", "`*`")):
        spec = _write(tmp_path, "m.factory", text)
        result = _run("check", str(spec))
        assert result.exit_code == 1 and "error[syntax-error]" in result.output, result.output
        assert "help:" in result.output and said in result.output.split("help:")[1], (text, result.output)
    # a list's comma is a comma: `max(1,5)` checks clean
    assert _run("check", str(_write(tmp_path, "ok.factory", "let a = max(1,5)\n"))).exit_code == 0
