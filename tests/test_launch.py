"""The fast path of `factory check` (compiler.launch): a plain `check FILE...` runs without click and gives
exactly what the click command gives (standard output, standard error, exit code); every other command line
is left to click."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli import main
from compiler.launch import plain_check

ROOT = Path(__file__).resolve().parents[1]


def _fast(args: list[str]) -> tuple[str, str, int]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([sys.executable, "-m", "compiler.cli", *args], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", env=env)
    return done.stdout, done.stderr, done.returncode


def _click(args: list[str]) -> tuple[str, str, int]:
    result = CliRunner().invoke(main, args)
    return result.stdout, result.stderr, result.exit_code


def _specs(tmp_path: Path) -> dict[str, Path]:
    texts = {
        "clean.factory": "param gpus = 1000  # a comment\nparam price = 0.06 USD/kWh\n",
        "syntax.factory": "chip a {\n  tdp = 700 W\n  memory = = 80 GB\n}\nlett b = 1\nlet c = (1 +\n",
        "names.factory": "let a = b + 1 W\nlet µ = 1\nrack r {\n  power_limit = 3 W\n  foo = 1\n}\n",
        "assert.factory": "param gpus = 1000\nassert gpus < 10, \"too many\"\n",
    }
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return {name: tmp_path / name for name in texts}


def test_a_plain_check_prints_and_exits_as_the_click_command(tmp_path: Path) -> None:
    specs = _specs(tmp_path)
    cases = [[str(p)] for p in specs.values()] + [[str(specs["clean.factory"]), str(specs["names.factory"])],
                                                 [str(specs["syntax.factory"])] * 2]
    codes = set()
    for files in cases:
        fast, slow = _fast(["check", *files]), _click(["check", *files])
        assert fast == slow, files
        codes.add(fast[2])
    assert codes == {0, 1}                              # clean specs and specs with errors were compared


@pytest.mark.parametrize("args", [[], ["check"], ["check", "-"], ["check", "missing.factory"], ["check", "."],
                                  ["check", "--format", "json", "F"], ["check", "F", "-D", "gpus=2"],
                                  ["check", "F", "--max-errors", "1"], ["eval", "F"], ["--help"], ["check", "-h"]])
def test_any_other_command_line_is_left_to_click(args: list[str], tmp_path: Path) -> None:
    spec = _specs(tmp_path)["clean.factory"]
    plain_check([str(spec) if a == "F" else a for a in args])      # returns: nothing was run


def test_a_missing_file_gets_clicks_answer(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.factory")
    assert _fast(["check", missing]) == _click(["check", missing])
