"""Start-up laws of `factory check` (issue Core, item 6): what the CLI imports before it knows its command,
and the grammar's parser cache (dsl/parser.py module doc). Laws about sys.modules and files, not timings;
bench/bench_check.py --startup measures the wall time."""
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


_PARSE = """
    import sys
    from dsl.parser import cache_dir
    import dsl
    checked, sink = dsl.Session().check_text('chip a {\\n  tdp = 700 W  # a comment\\n}\\nlet b = a.tdp * 2\\n', 'a.factory')
    statements = [(type(s).__name__, str(s.span)) for m in checked.program.entries for s in m.statements]
    print(cache_dir(), [(d.code, str(d.span)) for d in sink.items], statements)
"""


def test_the_parser_cache_is_written_once_and_parses_as_a_fresh_parser(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = _run(_PARSE, {"FACTORY_CACHE_DIR": str(cache)})
    files = sorted(p.name for p in cache.iterdir())
    assert len(files) == 1 and files[0].startswith("grammar-parse-"), files
    stamp = (cache / files[0]).stat().st_mtime_ns
    second = _run(_PARSE, {"FACTORY_CACHE_DIR": str(cache)})           # read from the cache
    fresh = _run(_PARSE, {"FACTORY_CACHE_DIR": ""})                     # no cache at all
    assert first == second
    assert first.split(" ", 1)[1] == fresh.split(" ", 1)[1]
    assert fresh.startswith("None ")
    assert (cache / files[0]).stat().st_mtime_ns == stamp               # not rewritten when valid


def test_an_unusable_cache_folder_means_no_cache_and_no_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    out = _run(_PARSE, {"FACTORY_CACHE_DIR": str(blocker / "cache")})   # cannot be created under a file
    assert out.startswith("None [] [('Block', ")


def test_a_damaged_cache_file_is_analysed_again_and_replaced(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    good = _run(_PARSE, {"FACTORY_CACHE_DIR": str(cache)})
    (path,) = cache.iterdir()
    path.write_bytes(path.read_bytes()[:100])                           # a torn write
    assert _run(_PARSE, {"FACTORY_CACHE_DIR": str(cache)}) == good
    assert path.stat().st_size > 1000                                   # rewritten whole


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
