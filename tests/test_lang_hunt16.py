"""Session-16 language hunt: what a new user writing specs in an editor met (one test per defect).

Each test states the law the defect broke: a value written in a spec is either used or reported, never
silently dropped or turned into an internal error."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from compiler.cli import main


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _run(*args):
    return CliRunner().invoke(main, list(args))


# -- an imported let reads its own file's names --------------------------------------------------------------------
# `from "./lib.factory" import twice` with `let twice = k * 2` and `param k = 3` in lib: twice is 6 wherever it
# is read. Before, the imported let's expression was evaluated in the importing file's scope: with a `param k =
# 100` of its own the entry got y = 200 (exit 0), and without one `y` vanished from eval (exit 0, "declares
# nothing to evaluate"). A chip of lib reading k was right all along (a block keeps its module): the law
# is that a let and a block of one file read the same k.

def test_an_imported_let_reads_the_names_of_its_own_file(tmp_path):
    _write(tmp_path, "lib.factory", "param k = 3\nlet twice = k * 2\nchip c { tdp = k * 100 W }\n")
    alone = _write(tmp_path, "a.factory", 'from "./lib.factory" import twice\nlet y = twice\n')
    result = _run("eval", str(alone), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["quantities"]["y"]["values"] == [6.0]
    own_k = _write(tmp_path, "b.factory", 'from "./lib.factory" import twice, c\nparam k = 100\nlet y = twice\n'
                   "let t = c.tdp / 100 W\n")
    result = _run("eval", str(own_k), "--format", "json")
    assert result.exit_code == 0, result.output
    q = json.loads(result.output)["quantities"]
    assert q["y"]["values"] == [2 * q["t"]["values"][0]] == [6.0]     # the let and the chip read lib's k = 3
