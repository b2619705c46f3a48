"""Laws of `factory plan` found broken in the session-13 CI trust hunt (compiler/plan.py).

Each test states the law a CI gate relies on; the docstring says what the plan did before."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from compiler.cli import main

ROOT = Path(__file__).resolve().parents[1]
STARTER = (ROOT / "examples" / "enterprise_starter.factory").read_text()


def _write(folder: Path, name: str, text: str) -> str:
    (folder / name).write_text(text)
    return str(folder / name)


def _plan(*args) -> tuple[int, dict]:
    result = CliRunner().invoke(main, ["plan", *map(str, args), "--format", "json"])
    return result.exit_code, (json.loads(result.stdout) if result.stdout.startswith("{") else result.output)


def _swept(values: str) -> str:
    """The starter swept over its rack count (the assert on exactly 64 GPUs holds for 4 racks only)."""
    text = STARTER.replace("param racks = 4", f"param racks = {values}")
    return text.replace('    assert gpus == 64, "four racks of two 8-GPU servers"\n', "")


def test_a_change_to_a_sweep_outside_the_compared_scenario_is_a_change(tmp_path) -> None:
    """`racks = [2, 4]` -> `racks = [2, 5]` (and -> `[2, 4, 5]`, and -> `2`): the plan compared scenario 1 (racks =
    2 on both sides), said "No change to the plan's figures, parts or checks." and exited 0, so a CI gate let an
    edit that doubles a scenario's cost through as no change. Laws: a spec against itself is no change (exit 0);
    an edit of a swept parameter's values is a changed input (exit 3) that names the values on each side, whichever
    scenario is compared; the plan back is its mirror."""
    base = _write(tmp_path, "a.factory", _swept("[2, 4]"))
    code, doc = _plan(base, base)
    assert code == 0 and not doc["changed"] and doc["inputs"] == []
    for name, values, old_text, new_text in (("b.factory", "[2, 5]", "[2, 4]", "[2, 5]"),
                                             ("c.factory", "[2, 4, 5]", "[2, 4]", "[2, 4, 5]"),
                                             ("d.factory", "2", "[2, 4]", "2")):
        other = _write(tmp_path, name, _swept(values))
        code, doc = _plan(base, other)
        assert code == 3, (values, doc)
        assert doc["changed"]
        assert [(i["name"], i["status"], i["old"], i["new"]) for i in doc["inputs"]] == \
            [("racks", "changed", old_text, new_text)], values
        back_code, back = _plan(other, base)
        assert back_code == 3 and [(i["old"], i["new"]) for i in back["inputs"]] == [(new_text, old_text)]
    text = CliRunner().invoke(main, ["plan", base, str(tmp_path / "b.factory")]).output
    assert "param racks: [2, 4] -> [2, 5]" in text and "No change" not in text
