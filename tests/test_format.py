"""`factory fmt`: one canonical layout that only changes whitespace, is idempotent and never changes meaning."""
from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler import evaluate_text
from compiler.cli import main
from dsl.format import format_text

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted((ROOT / "stdlib").glob("*.factory")) + sorted((ROOT / "examples").glob("*.factory"))

UGLY = '''

"""Doc string
   kept   as   written."""
from chips import   H100_SXM
param racks=4   # four
param lst=[1,2,
      3]


server hgx{
chip gpu:H100_SXM x 8
    max_power=10.2 kW # note
      # a comment line
  let z = -3*(2+ -1)^2 / sum( 1 ,2)
  let w = if racks>2 then 1 else  -1
  let s = "a  b"


}
rack air_rack {
  server node: hgx x 2
  power_limit = 25 kW
  assert sum(server.max_power) <= power_limit , "two nodes fit"
}
hall h { rack r: air_rack x racks }
'''

FORMATTED = '''"""Doc string
   kept   as   written."""
from chips import H100_SXM
param racks = 4  # four
param lst = [1, 2,
  3]

server hgx {
  chip gpu: H100_SXM x 8
  max_power = 10.2 kW  # note
  # a comment line
  let z = -3 * (2 + -1)^2 / sum(1, 2)
  let w = if racks > 2 then 1 else -1
  let s = "a  b"
}
rack air_rack {
  server node: hgx x 2
  power_limit = 25 kW
  assert sum(server.max_power) <= power_limit, "two nodes fit"
}
hall h { rack r: air_rack x racks }
'''


def _results_json(text: str) -> dict:
    results, sink = evaluate_text(text)
    assert results is not None, [d.message for d in sink.items]
    values = {path: [float(x) for x in v.ravel()] for path, v in results.values.items() if hasattr(v, "ravel")}
    checks = [(c.name, c.ok) for c in results.checks]
    return json.loads(json.dumps({"values": values, "checks": checks}, sort_keys=True, default=str))


def test_layout_written_out() -> None:
    result = format_text(UGLY)
    assert not result.sink.items
    assert result.text == FORMATTED


def test_formatting_is_idempotent_and_keeps_meaning() -> None:
    once = format_text(UGLY).text
    assert format_text(once).text == once
    assert not format_text(once).changed
    assert _results_json(once) == _results_json(UGLY)


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_example_and_stdlib_file_is_formatted(path: Path) -> None:
    result = format_text(path.read_text(encoding="utf-8"), str(path))
    assert not result.sink.items
    assert not result.changed, f"run `factory fmt {path.relative_to(ROOT)}`"


def _scramble(text: str, seed: int) -> str:
    """The same tokens with other whitespace: random indentation, and random spaces around operators and
    punctuation, on lines without a comment (a trailing comment keeps its column, by design, so a line
    that has one is left as it is)."""
    rng = random.Random(seed)
    out = []
    in_doc = False
    for line in text.split("\n"):
        if line.count('"""') % 2 == 1:
            in_doc = not in_doc
            out.append(line)
            continue
        if in_doc or "#" in line or not line.strip():
            out.append(line)
            continue
        if '"' in line:
            out.append(" " * rng.randint(0, 6) + line.strip())
            continue
        body = re.sub(r"\s*([=,(){}\[\]+*<>])\s*", lambda m: " " * rng.randint(0, 2) + m.group(1)
                      + " " * rng.randint(0, 2), line.strip())
        out.append(" " * rng.randint(0, 6) + body)
    return "\n".join(out)


@pytest.mark.parametrize("path", sorted((ROOT / "examples").glob("*.factory")), ids=lambda p: p.name)
def test_scrambled_whitespace_formats_back(path: Path) -> None:
    original = path.read_text(encoding="utf-8")
    for seed in range(3):
        scrambled = _scramble(original, seed)
        result = format_text(scrambled, str(path))
        assert not result.sink.items, [d.message for d in result.sink.items]
        assert result.text == original


def test_syntax_error_is_reported_and_nothing_changes() -> None:
    result = format_text("x = = 1\n", "bad.factory")
    assert not result.changed and result.text == "x = = 1\n"
    assert [d.code for d in result.sink.items] == ["syntax-error"]


def test_cli_check_diff_and_write(tmp_path: Path) -> None:
    spec = tmp_path / "ugly.factory"
    spec.write_text(UGLY, encoding="utf-8")
    runner = CliRunner()
    checked = runner.invoke(main, ["fmt", "--check", str(spec)])
    assert checked.exit_code == 1 and "would reformat" in checked.output
    diff = runner.invoke(main, ["fmt", "--diff", str(spec)])
    assert diff.exit_code == 1 and "+param racks = 4  # four" in diff.output
    assert spec.read_text(encoding="utf-8") == UGLY
    written = runner.invoke(main, ["fmt", str(spec)])
    assert written.exit_code == 0
    assert spec.read_text(encoding="utf-8") == FORMATTED
    assert runner.invoke(main, ["fmt", "--check", str(spec)]).exit_code == 0
    piped = runner.invoke(main, ["fmt", "-"], input=UGLY)
    assert piped.exit_code == 0 and piped.output == FORMATTED
    broken = runner.invoke(main, ["fmt", "-"], input="x = = 1\n")
    assert broken.exit_code == 1 and "syntax-error" in broken.output
