"""Many runs in one process (an editor, a language server): each gives what a fresh process gives.

The law: specs checked and evaluated one after another in one process, in either order, give byte for
byte the results JSON (values, checks and diagnostics) of each spec run alone in its own process. It holds because
the syntax tree is immutable after parsing and every run keeps its bindings in its own side tables; the
only thing shared between runs is a session's parse cache of unchanged imported files.
"""
from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import dsl
from compiler.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.factory"))

EXTENDS_SPEC = '''"""HGX H100 servers with H200 GPUs, beside stock HGX H100 and DGX H200 servers."""
from systems import *
from chips import H200

server HGX_H200 extends HGX_H100 {
  chip gpu: H200 x 8
}

server HGX_H200_cheap extends HGX_H200 {
  price = 250000 USD
}

site s {
  electricity_price = 0.1 USD/kWh
  hall h {
    rack a {
      server n: HGX_H200 x 2
    }
    rack b {
      server n: HGX_H100 x 2
    }
    rack c {
      server n: DGX_H200 x 1
      server m: HGX_H200_cheap x 1
    }
  }
}
'''


def _outputs_alone(paths: list[Path]) -> dict[Path, str]:
    """The results JSON (its diagnostics included) of each spec, each in a process of its own (side by side)."""
    procs = {path: subprocess.Popen([sys.executable, "-m", "compiler.cli", "eval", str(path), "--format", "json"],
                                    cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for path in paths}
    out = {}
    for path, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=120)
        out[path] = stdout + stderr
    return out


def _output_here(path: Path) -> str:
    return CliRunner().invoke(main, ["eval", str(path), "--format", "json"]).output


def _in_one_process(paths: list[Path], alone: dict[Path, str]) -> None:
    for order in (paths, list(reversed(paths))):
        for path in order:
            assert _output_here(path) == alone[path], f"{path.name} after {[p.name for p in order]}"


@pytest.fixture
def extends_spec(tmp_path) -> Path:
    path = tmp_path / "extends.factory"
    path.write_text(EXTENDS_SPEC, encoding="utf-8")
    return path


def test_two_specs_in_one_process_equal_two_processes(extends_spec):
    paths = [extends_spec, ROOT / "examples" / "enterprise_starter.factory"]
    alone = _outputs_alone(paths)
    assert '"quantities"' in alone[extends_spec]
    _in_one_process(paths, alone)


@pytest.mark.slow
def test_every_pair_of_examples_in_one_process_equals_separate_processes(extends_spec):
    paths = [extends_spec] + EXAMPLES
    alone = _outputs_alone(paths)
    for i, first in enumerate(paths):
        for second in paths[i + 1:]:
            _in_one_process([first, second], alone)


def test_sessions_are_independent_and_share_no_tree(tmp_path):
    """Two sessions parse the stdlib each for itself; a second run of one session reuses its modules."""
    spec = "from systems import HGX_H100\nserver x extends HGX_H100 {}\n"
    first, second = dsl.Session(), dsl.Session()
    a, sink_a = first.check_text(spec, "a.factory")
    b, sink_b = second.check_text(spec, "a.factory")
    again, _ = first.check_text(spec, "a.factory")
    assert sink_a.items == sink_b.items == []
    stdlib = [key for key in a.program.modules if key.endswith("systems.factory")]
    assert stdlib
    key = stdlib[0]
    assert a.program.modules[key] is not b.program.modules[key]
    assert a.program.modules[key] is again.program.modules[key]
    assert a.scopes is not again.scopes


def test_the_public_api_still_checks_files_and_text(tmp_path):
    path = tmp_path / "a.factory"
    path.write_text("chip c {\n  tdp = 1 W + 1 GB\n}\n", encoding="utf-8")
    checked, sink = dsl.check_files([str(path)])
    assert checked is not None and [d.code for d in sink.items] == ["unit-mismatch"]
    checked, sink = dsl.check_text("chip c {\n  tdp = 1 W\n}\n", "b.factory")
    assert checked is not None and sink.items == []


def test_the_garbage_collector_is_left_as_it_was():
    assert gc.isenabled()
    dsl.check_text("let x = 1\n", "a.factory")
    assert gc.isenabled()
    gc.disable()
    try:
        dsl.check_text("let x = 1\n", "a.factory")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_sessions_in_parallel_threads_give_the_results_of_one_run_each():
    """A language server may check several workspaces at once: each session in its own thread."""
    import threading

    specs = [f"from systems import *\nserver x{i} extends HGX_H100 {{\n  price = {i} USD\n}}\n"
             f"let p = x{i}.price + {i} W\n" for i in range(6)]
    alone = [[(d.code, d.message, str(d.span)) for d in dsl.Session().check_text(t, f"s{i}.factory")[1].items]
             for i, t in enumerate(specs)]
    together: list = [None] * len(specs)

    def run(i: int) -> None:
        _, sink = dsl.Session().check_text(specs[i], f"s{i}.factory")
        together[i] = [(d.code, d.message, str(d.span)) for d in sink.items]

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(specs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert together == alone
    assert all(codes and codes[0][0] == "unit-mismatch" for codes in alone)
