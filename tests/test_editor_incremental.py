"""The editor's incremental diagnostics equal a cold check, byte for byte.

Law: the server keeps, per open document, one `dsl.Session` and one `compiler.memo.ValueMemo` across its versions
(what a keystroke re-checks is what they do not spare). After every edit of a random series -- a number changed,
a character that breaks the parse and the edit that fixes it, a name renamed everywhere or only where it is
declared, an import added or removed, an imported file's open buffer edited -- the diagnostics the editor shows
(the check's, then the checks' stage's, each with its code, message, span, notes, help, related places and
quantities) equal those of a fresh open of the same texts (a new session, no memo), in the same order.

The default series is short (< 2 s); the long one (`slow`) runs more seeds and edits, on the generated bench spec too.
"""
from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest

import dsl
from compiler.lsp.analysis import Analysis
from compiler.memo import ValueMemo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from bench_check import generate  # noqa: E402

BASE = '''server node {
  chip gpu: H100_SXM x 8
  max_power = 10.2 kW
  height = 8 U
}

let budget = 30 kW
'''

BASE_HEAD = 'from chips import H100_SXM\n'

MAIN = '''from chips import H100_SXM
from "./base.factory" import node, budget
import "./base.factory" as b

param racks = 3
param energy_price = 0.12 USD/kWh

rack small {
  server srv: node x 2
  power_limit = budget
  air_cooling_limit = 25 kW
  cooling = "air"
  height = 42 U
  let draw = sum(server.max_power)
  assert draw <= power_limit, "the servers fit the feed"
  assert draw <= air_cooling_limit, "the room's air carries the rack's heat"
}

rack big {
  server srv: node x 3
  power_limit = b.budget
  cooling = "air"
  height = 42 U
  let headroom = power_limit - sum(server.max_power)
  assert headroom >= 0 kW, "headroom"
}

site office {
  electricity_price = energy_price
  hall room {
    rack a: small x racks
    rack c: big x 2
  }
  land_price = 0 USD
}
'''

NUMBER = re.compile(r"(?<![\w.\"])\d+(?:\.\d+)?(?![\w.\"])")
BREAKS = ("{", "}", " = ", "x x", "\"", "@", "(")


def _number(text: str, rng: random.Random) -> str:
    numbers = [m for m in NUMBER.finditer(text) if text.rfind("#", text.rfind("\n", 0, m.start()), m.start()) < 0]
    if not numbers:
        return text
    m = rng.choice(numbers)
    value = float(m.group())
    new = rng.choice([value * rng.choice([0.5, 2, 3, 10]), 0, 1, value + 1])
    shown = str(int(new)) if float(new).is_integer() else f"{new:g}"
    return text[:m.start()] + shown + text[m.end():]


def _rename(text: str, rng: random.Random) -> tuple[str, bool]:
    """A let or a definition renamed: everywhere (a new shape, the same meaning) or only where declared (a name
    that no longer resolves)."""
    names = re.findall(r"\blet (\w+)", text) + re.findall(r"^(?:rack|server) (\w+)", text, re.M)
    if not names:
        return text, False
    name = rng.choice(names)
    if rng.random() < 0.6:
        return re.sub(rf"\b{name}\b", name + "_x", text), False
    return re.sub(rf"\b(let|rack|server) {name}\b", rf"\1 {name}_x", text, count=1), True


def _imports(text: str, rng: random.Random) -> str:
    """An import line removed or added (its names then unresolved, or resolved again)."""
    lines = text.split("\n")
    found = [i for i, line in enumerate(lines) if line.startswith(("from ", "import "))]
    if found and rng.random() < 0.5:
        del lines[rng.choice(found)]
    else:
        lines.insert(0, rng.choice(['from chips import H100_SXM', 'from "./base.factory" import node, budget',
                                    'import "./base.factory" as b', 'from chips import B200']))
    return "\n".join(lines)


def _series(text: str, base: str | None, rng: random.Random, edits: int):
    """(main text, base buffer or None) after each edit; a break (a stray character, a rename of one place, an
    import line added or removed; half of the whole renames too) is followed by its fix: the text before it."""
    yield text, base
    broken = None
    for _ in range(edits):
        if broken is not None:
            text, broken = broken, None               # the fix: the text before the break
            yield text, base
            continue
        roll = rng.random()
        if roll < 0.45:
            text = _number(text, rng)
        elif roll < 0.6:
            at = rng.randrange(len(text))
            broken = text
            text = text[:at] + rng.choice(BREAKS) + text[at:]
        elif roll < 0.72:
            renamed, partial = _rename(text, rng)
            if partial or rng.random() < 0.5:       # undone at the next edit (a name broken, then fixed)
                broken = text
            text = renamed
        elif roll < 0.82:
            broken = text                           # an import line added or removed, then put back
            text = _imports(text, rng)
        elif roll < 0.92 and base is not None:
            base = _number(base, rng)
        else:
            lines = text.split("\n")
            lines.insert(rng.randrange(len(lines)), "# a note" if rng.random() < 0.5 else "")
            text = "\n".join(lines)
        yield text, base


def _shown(analysis: Analysis) -> list[str]:
    """What the editor shows of a version, after its first two stages, as text (byte for byte)."""
    out = []
    for d in [*analysis.sink.items, *analysis.checks_diagnostics()]:
        span = (d.span.file, d.span.start, d.span.end, d.span.line, d.span.col) if d.span is not None else None
        out.append(repr((d.severity, d.code, d.message, span, list(d.notes), d.help, list(d.related),
                         list(d.quantities), getattr(d, "scenarios", None))))
    return out


def _law(tmp_path: Path, text: str, base: str | None, seed: int, edits: int) -> int:
    """Every version of the series, as the editor checks it (one session, one memo), equals a fresh open; the
    number of versions whose checks' stage ran (no error before it)."""
    path = tmp_path / "main.factory"
    base_path = tmp_path / "base.factory"
    if base is not None:
        base_path.write_text(base, encoding="utf-8")        # (the saved text; the buffer is what is edited)
    rng = random.Random(seed)
    session, memo = dsl.Session(), ValueMemo()
    evaluated = 0
    for step, (main, buffer) in enumerate(_series(text, base, rng, edits)):
        buffers = {str(base_path): buffer} if buffer is not None else {}
        mine = Analysis(main, str(path), str(tmp_path), session, buffers, memo=memo)
        fresh = Analysis(main, str(path), str(tmp_path), dsl.Session(), buffers)
        got, want = _shown(mine), _shown(fresh)
        assert got == want, f"seed {seed}, edit {step}:\n{main}\n--- base:\n{buffer}"
        evaluated += mine.checked is not None and not mine.sink.has_errors()
        mine.release()
        fresh.release()
    return evaluated


def test_incremental_diagnostics_equal_a_cold_check(tmp_path):
    """The series on a spec with a local import (edited in its buffer) and the stdlib's: some versions break,
    some evaluate."""
    # (seed 68: a number, a stray character and its fix, a rename, an import line, the base buffer and a line added,
    # each at least once in 9 versions)
    assert _law(tmp_path, MAIN, BASE_HEAD + BASE, seed=68, edits=8) >= 4


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(6))
def test_incremental_diagnostics_equal_a_cold_check_long(tmp_path, seed):
    _law(tmp_path, MAIN, BASE_HEAD + BASE, seed=100 + seed, edits=40)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(2))
def test_incremental_diagnostics_equal_a_cold_check_bench_spec(tmp_path, seed):
    _law(tmp_path, generate(300), None, seed=200 + seed, edits=12)


def test_a_comment_edit_reuses_the_checks_stage_moved(tmp_path, monkeypatch):
    """A version whose texts differ from the last checked one's only inside comments has the same checks'
    diagnostics, moved as the text moved (`compiler.memo.ValueMemo.reuse_checks`): the stage is not run again, and
    what the editor shows equals a fresh open's, byte for byte (spans' offsets included), through comment text
    typed and deleted before and after the findings, a number edit between, and a comment added on a line of its
    own (a new line: the stage runs)."""
    import compiler.evaluate

    runs = []
    evaluate = compiler.evaluate.evaluate

    def counted(*args, **kwargs):
        runs.append(1)
        return evaluate(*args, **kwargs)
    monkeypatch.setattr(compiler.evaluate, "evaluate", counted)
    text = generate(300)
    first = text.index("# datasheet") + len("# datasheet")
    last = text.rindex("# datasheet") + len("# datasheet")
    tdp = text.index(" W  ", first)                # (the next chip's, after the first comment)
    assert first < tdp < last
    versions = [(text, True),
                (text[:first] + " (typed)" + text[first:], False),
                (text[:first] + " (ty" + text[first:], False),
                (text[:first] + " (ty" + text[first:last] + "!" + text[last:], False),
                (text[:first] + " (ty" + text[first:tdp - 1] + "9" + text[tdp:last] + "!" + text[last:], True),
                (text[:first] + " (ty" + text[first:tdp - 1] + "9" + text[tdp:], False),
                (text[:first] + text[first:tdp - 1] + "9" + text[tdp:last] + "!" + text[last:], True),   # (two
                #                                         comments apart: the findings between meet the change)
                (text[:first] + "\n# a line" + text[first:tdp - 1] + "9" + text[tdp:], True)]
    path = tmp_path / "main.factory"
    session, memo = dsl.Session(), ValueMemo()
    shown_any = False
    for step, (version, runs_stage) in enumerate(versions):
        mine = Analysis(version, str(path), str(tmp_path), session, {}, memo=memo)
        before = len(runs)
        got = _shown(mine)
        assert (len(runs) > before) is runs_stage, step
        fresh = Analysis(version, str(path), str(tmp_path), dsl.Session(), {})
        assert got == _shown(fresh), step
        shown_any |= any("limit-exceeded" in line for line in got)
        mine.release()
        fresh.release()
    assert shown_any                                # (findings after the comment were moved)
