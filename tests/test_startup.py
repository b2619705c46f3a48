"""Start-up laws of `factory check` (issue Core, item 6): what the CLI imports before it knows its command,
and what a check imports (no Lark: the parser is the generated stand-alone one, dsl/parser.py module doc).
Laws about sys.modules, not timings; bench/bench_check.py --editor-only measures the wall time."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("numpy", "pydantic", "jinja2", "graphviz", "lark", "pygls", "compiler.models", "compiler.sweep")


def _run(code: str, env: dict[str, str] | None = None) -> str:
    full_env = {**os.environ, **(env or {})}
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True,
                         env=full_env, check=True)
    return out.stdout.strip()


def _loaded(names: tuple[str, ...]) -> str:
    return f"print(','.join(m for m in {names!r} if m in sys.modules))"


def test_importing_the_cli_loads_no_heavy_module() -> None:
    assert _run("import sys\nimport compiler.cli\n" + _loaded(HEAVY)) == ""


def test_a_check_that_finds_front_end_errors_loads_no_numpy(tmp_path: Path) -> None:
    spec = tmp_path / "bad.factory"
    spec.write_text("let x = 1 W +\n", encoding="utf-8")
    code = f"""
        import sys
        from click.testing import CliRunner
        from compiler.cli import main
        result = CliRunner().invoke(main, ["check", {str(spec)!r}])
        assert result.exit_code == 1, result.output
        {_loaded(("numpy", "pydantic", "jinja2", "compiler.evaluate", "compiler.models"))}
    """
    assert _run(code) == ""


def test_help_lists_every_command_including_those_registered_by_name() -> None:
    from click.testing import CliRunner

    from compiler.cli import main

    out = CliRunner().invoke(main, ["--help"]).output
    for command in ("check", "eval", "optimize", "lsp", "estimate"):
        assert f"  {command} " in out


def test_a_check_from_the_command_line_imports_neither_lark_nor_numpy(tmp_path: Path) -> None:
    """`python -m compiler.cli check` of a spec with blocks, comments, a syntax error's recovery and literal
    params parses with the generated stand-alone parser (dsl/_parser_standalone.py): Lark, its grammar
    loader, the `regex` module and `logging` are never imported, nor numpy for a literal-only spec, nor
    click for so plain a command line (compiler.launch)."""
    spec = tmp_path / "one.factory"
    spec.write_text("param gpus = 1000  # a comment\nparam price = 0.06 USD/kWh\n", encoding="utf-8")
    broken = tmp_path / "broken.factory"
    broken.write_text("chip a {\n  tdp = 700 W  # a comment\n  memory = = 80 GB\n}\nlet b = a.tdp * 2\n",
                      encoding="utf-8")
    code = f"""
        import sys
        sys.argv = ["factory", "check"]
        import runpy
        for path, code in (({str(spec)!r}, 0), ({str(broken)!r}, 1)):
            sys.argv[2:] = [path]
            try:
                runpy.run_module("compiler.cli", run_name="__main__", alter_sys=True)
            except SystemExit as exc:
                assert exc.code == code, (path, exc.code)
        sys.stdout.flush()
        print("loaded:", ",".join(m for m in ("lark", "regex", "logging", "click", "numpy", "compiler.evaluate")
                                   if m in sys.modules))
    """
    out = _run(code)
    assert out.endswith("loaded:"), out
    assert "ok: 1 file checked, no problems" in out, out
    assert "broken.factory:3:12: error[syntax-error]: unexpected `=`; expected a value" in out, out


def test_checking_a_file_of_literal_params_loads_no_numpy(tmp_path: Path) -> None:
    """A spec of params given literals has nothing to evaluate (compiler.nothing_to_evaluate): `factory check`
    answers from the front end alone, without numpy, the evaluator or the models."""
    spec = tmp_path / "one.factory"
    spec.write_text('param gpus = 1000\nparam price = 0.06 USD/kWh\nparam name = "a"\n', encoding="utf-8")
    code = f"""
        import sys
        from click.testing import CliRunner
        from compiler.cli import main
        result = CliRunner().invoke(main, ["check", {str(spec)!r}])
        assert result.exit_code == 0, result.output
        assert "no problems" in result.output, result.output
        {_loaded(("numpy", "compiler.evaluate", "compiler.lower", "compiler.models"))}
    """
    assert _run(code) == ""


def test_a_param_spec_with_a_sweep_or_an_expression_is_still_evaluated(tmp_path: Path) -> None:
    """Not literal, so evaluated: a sweep of 10,001 x 10,001 points exceeds the 10,000,000-scenario limit
    (an error only lowering finds), and `let` of a division is a computed value."""
    from compiler import check_files, nothing_to_evaluate

    sweep = tmp_path / "sweep.factory"
    sweep.write_text("param a = 0 .. 10000\nparam b = 0 .. 10000\n", encoding="utf-8")
    checks, sink = check_files([str(sweep)])
    assert [d.code for d in sink.errors] == ["invalid-range"]
    import dsl

    for text in ("param a = [1, 2]\n", "param a = 2 * 3\n", "param a = 1\nlet b = a\n",
                 "cpu c {\n  cores = 8\n  tdp = 200 W\n}\n"):
        checked, sink = dsl.check_text(text, "x.factory")
        assert not sink.has_errors() and not nothing_to_evaluate(checked), text
    checked, sink = dsl.check_text("param a = 1 W\n", "x.factory", {"a": "[1 W, 2 W]"})
    assert not nothing_to_evaluate(checked)
