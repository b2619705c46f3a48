"""The values kept across a document's versions (`compiler.memo.ValueMemo`, lent to the checks' evaluation of the
next version) change nothing. Laws:

- after every edit of a random series (a number changed, to zero too; a line added or removed above; a comment
  changed; a name changed), the checks' diagnostics and check results with the memo equal a fresh evaluation's of
  the same text (a new session, no memo), on the examples and on the generated bench spec;
- in the editor (the server's `Analysis` with its document's memo), diagnostics and hovers after each edit equal a
  fresh open's;
- values are lent: an edit of one figure re-evaluates what reads it, not the rest (the memo lends most values).
"""
from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import numpy as np
import pytest

import dsl
from dsl.diagnostics import Sink
from compiler.evaluate import evaluate
from compiler.lower import lower
from compiler.lsp.analysis import Analysis, hover_markdown
from compiler.memo import ValueMemo, _Ref, shape_of

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from bench_check import generate  # noqa: E402

NUMBER = re.compile(r"(?<![\w.\"])\d+(?:\.\d+)?(?![\w.\"])")


def _evaluated(text: str, path: Path, session, memo, only_checks: bool):
    """(results, diagnostics, check results) of the checks' evaluation (`only_checks`) or the whole one, None where
    the front end finds errors."""
    checked, front = session.check_text(text, str(path), root=str(path.parent))
    if checked is None or front.has_errors():
        return None
    sink = Sink()
    for source in front.sources.values():
        sink.add_source(source)
    results = evaluate(lower(checked, sink), sink, only_checks=only_checks, memo=memo)
    diags = [(d.severity, d.code, d.message, d.span, tuple(d.notes), d.help, tuple(d.related), tuple(d.quantities))
             for d in sink.items]
    checks = [(c.name, c.ok, c.message, c.span, c.detail, tuple(c.failing)) for c in results.checks]
    return results, diags, checks


def _checks(text: str, path: Path, session, memo):
    """(diagnostics, check results) of the checks' evaluation, None where the front end finds errors."""
    found = _evaluated(text, path, session, memo, only_checks=True)
    if found is None:
        return None
    results, diags, checks = found
    results.release()
    return diags, checks


def _edit(text: str, rng: random.Random) -> str:
    """One random edit: mostly a number changed (scaled, or set to 0 or 1), else a line added or removed above the
    rest, a comment changed, or a name changed (a new shape: nothing is lent)."""
    roll = rng.random()
    numbers = [m for m in NUMBER.finditer(text) if text.rfind("#", text.rfind("\n", 0, m.start()), m.start()) < 0]
    if roll < 0.7 and numbers:
        m = rng.choice(numbers)
        value = float(m.group())
        new = rng.choice([value * rng.choice([0.5, 2, 3, 10]), 0, 1, value + 1])
        shown = str(int(new)) if float(new).is_integer() else f"{new:g}"
        return text[:m.start()] + shown + text[m.end():]
    lines = text.split("\n")
    at = rng.randrange(len(lines))
    if roll < 0.8:
        lines.insert(at, "# a note" if rng.random() < 0.5 else "")
    elif roll < 0.9:
        blank = [i for i, line in enumerate(lines) if not line.strip() or line.lstrip().startswith("#")]
        if blank:
            del lines[rng.choice(blank)]
    else:
        names = re.findall(r"\blet (\w+)", text)
        if names:
            name = rng.choice(names)
            return re.sub(rf"\b{name}\b", name + "_x", text)
    return "\n".join(lines)


def _law(text: str, path: Path, edits: int, seed: int) -> int:
    """The memo's series equals fresh evaluations, edit by edit; the values lent in all."""
    rng = random.Random(seed)
    session, memo = dsl.Session(), ValueMemo()
    lent = 0
    for step in range(edits + 1):
        if step:
            text = _edit(text, rng)
        got = _checks(text, path, session, memo)
        want = _checks(text, path, dsl.Session(), None)
        assert got == want, f"edit {step} (seed {seed})"
        lent += memo.lent if got is not None else 0
    return lent


@pytest.mark.parametrize("name,edits", [("enterprise_starter.factory", 6), ("moe_training_rubin_vs_blackwell.factory", 2),
                                        ("flagship_campus.factory", 2)])
def test_examples_memo_equals_a_fresh_evaluation_after_random_edits(name, edits, tmp_path):
    path = tmp_path / name              # (its imports are the stdlib's: the folder does not matter)
    _law((ROOT / "examples" / name).read_text(encoding="utf-8"), path, edits, seed=len(name))


def test_bench_spec_memo_equals_a_fresh_evaluation_after_random_edits(tmp_path):
    """The generated spec (racks of a few definitions placed many times: the share's copies) under random edits."""
    assert _law(generate(150), tmp_path / "bench.factory", 5, seed=7) > 0


def test_an_edit_of_one_workload_lends_the_others(tmp_path):
    """The inference shoot-out: an edit of one workload's figure lends the other workloads' solves (their values
    are the version before's), and the diagnostics equal a fresh evaluation's."""
    text = (ROOT / "examples" / "inference_shootout.factory").read_text(encoding="utf-8")
    path = tmp_path / "shootout.factory"
    session, memo = dsl.Session(), ValueMemo()
    assert _checks(text, path, session, memo) is not None
    kept = len(memo.entries)
    edited = text.replace("param answer = 500 tok", "param answer = 400 tok")
    assert edited != text
    assert _checks(edited, path, session, memo) == _checks(edited, path, dsl.Session(), None)
    assert 0 < memo.lent < kept          # some values lent, not those the answer's length reaches
    same = _checks(edited, path, session, memo)       # nothing changed: every value kept is lent
    assert same == _checks(edited, path, dsl.Session(), None)
    assert memo.lent == sum(type(entry[2]) is not _Ref for entry in memo.entries.values())   # (a reference is
    #                                                                                     computed again, never lent)


def test_the_shape_ignores_numbers_and_comments_only():
    assert shape_of("tdp = 700 W  # rev 2\n") == shape_of("tdp = 7.5e2 W  # rev 3\n")
    assert shape_of('vendor = "A1"') != shape_of('vendor = "A2"')       # a text is no number
    assert shape_of("let acc_1 = 2") != shape_of("let acc_2 = 2")       # nor is a name
    assert shape_of("x 8") == shape_of("x 16")


def test_editor_versions_equal_a_fresh_open(tmp_path):
    """The server's analyses of a document's versions (its memo lent to each) give the diagnostics and hovers of
    a fresh open of each text."""
    text = (ROOT / "examples" / "enterprise_starter.factory").read_text(encoding="utf-8")
    path = tmp_path / "starter.factory"
    rng = random.Random(3)
    session, memo = dsl.Session(), ValueMemo()
    for step in range(5):
        if step:
            text = _edit(text, rng)
        mine = Analysis(text, str(path), str(tmp_path), session, memo=memo)
        fresh = Analysis(text, str(path), str(tmp_path), dsl.Session())
        shown = [(d.code, d.message, d.span) for d in mine.sink.items + mine.checks_diagnostics()]
        assert shown == [(d.code, d.message, d.span) for d in fresh.sink.items + fresh.checks_diagnostics()]
        for m in list(re.finditer(r"\blet (\w+)", text))[:3]:
            assert hover_markdown(mine, m.start(1)) == hover_markdown(fresh, m.start(1))
        mine.release()
        fresh.release()


def test_an_imported_let_changed_in_its_buffer_is_not_lent(tmp_path):
    """A let of an imported file, read by name (evaluated in place: no node of the importer stands for it), changed
    in that file's open buffer: what read it is computed again (it was lent: the rack's limit stayed 30 kW after the
    buffer said 3 kW, and the failed assert and limit were missing)."""
    (tmp_path / "base.factory").write_text("server hgx {\n  max_power = 10.2 kW\n}\nlet budget = 30 kW\n")
    main = ('from "./base.factory" import hgx, budget\nimport "./base.factory" as c\n\nrack r1 {\n'
            '  server node: hgx x 2\n  power_limit = budget\n  assert sum(server.max_power) <= power_limit, "fits"\n}\n'
            'rack r2 {\n  server node: hgx x 1\n  power_limit = c.budget\n}\n')
    path = tmp_path / "main.factory"
    session, memo = dsl.Session(), ValueMemo()
    for budget, power in (("30", "10.2"), ("30", "20.2"), ("3", "10.2"), ("3", "1")):
        buffers = {str(tmp_path / "base.factory"): f"server hgx {{\n  max_power = {power} kW\n}}\n"
                                                   f"let budget = {budget} kW\n"}
        mine = Analysis(main, str(path), str(tmp_path), session, buffers, memo=memo)
        fresh = Analysis(main, str(path), str(tmp_path), dsl.Session(), buffers)
        assert [(d.code, d.message) for d in mine.checks_diagnostics()] == \
               [(d.code, d.message) for d in fresh.checks_diagnostics()], (budget, power)


def _whole(text: str, path: Path, session, memo):
    """(diagnostics, check results, values) of the whole evaluation (the server's third stage)."""
    found = _evaluated(text, path, session, memo, only_checks=False)
    if found is None:
        return None
    results, diags, checks = found
    values = {p: (v.path if hasattr(v, "path") and not isinstance(v, np.ndarray) else
                  [None if x != x else x for x in v.reshape(-1).tolist()] if isinstance(v, np.ndarray) else v)
              for p, v in results.values.items()}                     # (NaN as None: equal to itself)
    deps = {p: list(node.deps) for p, node in results.graph.nodes.items()}
    units = dict(results.units)
    results.release()
    return diags, checks, values, deps, units


@pytest.mark.parametrize("name,edits", [("enterprise_starter.factory", 4),
                                        pytest.param("inference_shootout.factory", 3, marks=pytest.mark.slow)])
def test_the_whole_evaluation_with_the_memo_equals_a_fresh_one(name, edits, tmp_path):
    """The whole evaluation (hovers' values, the third stage's diagnostics) with its memo: diagnostics, check
    results, every value, what each read and each unit equal a fresh evaluation's, edit by edit."""
    text = (ROOT / "examples" / name).read_text(encoding="utf-8")
    path = tmp_path / name
    rng = random.Random(11)
    session, memo = dsl.Session(), ValueMemo().whole
    lent = 0
    for step in range(edits + 1):
        if step:
            text = _edit(text, rng)
        got = _whole(text, path, session, memo)
        want = _whole(text, path, dsl.Session(), None)
        assert got == want, f"edit {step}"
        lent += memo.lent if got is not None else 0
    assert lent > 0


def test_a_hall_the_edit_does_not_reach_keeps_its_facility_power(tmp_path):
    """The racks' heat a shared placement's first computed in its scratch evaluation (`compiler.share`), making an
    assumption's node on the way, is kept (s16-editor: it was not, so every hall's facility power, ~1/4 of a
    keystroke on the 2,000-line bench spec, was computed again after any edit): an edit of hall_0's feed lends
    hall_1's facility power, and the diagnostics equal a fresh evaluation's (a feed cut below the hall's power
    too: its limit fails)."""
    text = generate(300)
    path = tmp_path / "bench.factory"
    session, memo = dsl.Session(), ValueMemo()
    assert _checks(text, path, session, memo) is not None
    other = next(p for p in memo.entries if p.endswith(".hall_1.facility_power"))
    for feed in ("21", "0.001", "20"):
        edited = text.replace("power_feed = 20 MW", f"power_feed = {feed} MW", 1)
        assert edited != text or feed == "20"
        assert _checks(edited, path, session, memo) == _checks(edited, path, dsl.Session(), None), feed
        assert other in memo.entries
    assert memo.lent > 0


def test_the_share_s_classes_are_kept_while_the_shape_holds(tmp_path):
    """`compiler.share`'s classes of copies depend on the program's shape alone: a number edited (a chip's tdp, a
    rack's count) uses the memo's classes again (the same plan object), a name edited makes them again; the
    diagnostics and check results equal a fresh evaluation's each time."""
    text = generate(300)
    path = tmp_path / "bench.factory"
    session, memo = dsl.Session(), ValueMemo()
    assert _checks(text, path, session, memo) is not None
    plan = memo.share_plan[1]
    assert plan                                                 # (copies were found)
    tdp = text.index(" W  ")
    count = text.index(" x 3\n")
    for edited, kept in ((text[:tdp - 1] + "9" + text[tdp:], True),
                         (text[:count] + " x 7\n" + text[count + 5:], True),
                         (text.replace("rack r_1:", "rack q_1:"), False)):
        got = _checks(edited, path, session, memo)
        assert got == _checks(edited, path, dsl.Session(), None)
        assert (memo.share_plan[1] is plan) is kept
        plan = memo.share_plan[1]


def test_the_field_tables_of_copies_after_an_edit_equal_a_fresh_evaluation(tmp_path):
    """The field tables skip a shared copy whose values are its first's, the same arrays or (where the memo lent
    the first's) equal ones (`compiler.checks._copy_identical`): an idle power edited above its chip's TDP, then
    other figures edited (the first's values lent, the copies' the share's), give a fresh evaluation's diagnostics
    (the error at the chip, every placement named in its notes), and a fix removes it."""
    text = generate(300)
    path = tmp_path / "bench.factory"
    session, memo = dsl.Session(), ValueMemo()
    at = text.index("idle_power = ") + len("idle_power = ")
    end = text.index(" W", at)
    over = text[:at] + "5000" + text[end:]
    hall = over.index("power_feed = ") + len("power_feed = ")
    versions = [text, over, over[:hall] + "7" + over[hall + 1:], over[:hall] + "9" + over[hall + 1:], text]
    for k, version in enumerate(versions):
        got = _checks(version, path, session, memo)
        assert got == _checks(version, path, dsl.Session(), None), k
        errors = [d for d in got[0] if d[1] == "out-of-range" and "idle_power" in d[2]]
        assert len(errors) == (1 if version is not text else 0), k
        if errors:
            assert any(note.startswith("also `") for note in errors[0][4])     # (its copies, noted)


def test_same_value_is_numpys_equality_with_nans_equal():
    """`same_value` (the memo's test that a value in place is the one kept) compares bytes first, then numbers: its
    answer is numpy's `array_equal` (NaN equal to NaN for floats) with the same dtype and shape, over arrays whose
    bytes differ where their numbers do not (0.0 and -0.0, NaNs of other payloads) and the other way round."""
    from compiler.memo import same_value

    rng = random.Random(11)
    pool = [0.0, -0.0, 1.5, np.nan, -np.nan, np.inf, 2.0 ** -1074]
    payload = np.array([0x7FF8000000000001], dtype=np.uint64).view(np.float64)[0]      # a NaN of another payload
    pool.append(payload)
    for _ in range(400):
        size = rng.randint(1, 3)
        a = np.array([rng.choice(pool) for _ in range(size)])
        b = np.array([rng.choice(pool) for _ in range(size)])
        assert same_value(a, b) == bool(np.array_equal(a, b, equal_nan=True)), (a, b)
        assert same_value(a, a.copy())
    for a, b in [(np.array([1, 2]), np.array([1, 2])), (np.array([1, 2]), np.array([1, 3])),
                 (np.array(["x"]), np.array(["x"])), (np.array(["x"]), np.array(["y"])),
                 (np.array([True]), np.array([False])), (np.array([1.0]), np.array([1])),
                 (np.array([1.0]), np.array([[1.0]]))]:
        expected = a.dtype == b.dtype and a.shape == b.shape and bool(np.array_equal(a, b))
        assert same_value(a, b) == expected, (a, b)


def test_the_shape_made_line_by_line_is_the_shape_of_the_whole_text():
    """`_by_lines` (a keystroke's shape and uncommented text made from the last text's lines, `ValueMemo._shape`)
    gives what `shape_of` and `_uncommented` give the whole text: over random texts of the characters that make
    or break a token (quotes, backslashes, `#`, digits, dots, exponents, newlines), each edited from the last as a
    keystroke is (the lines kept between them), and over the examples' and the stdlib's files."""
    from compiler.memo import _by_lines, _uncommented

    rng = random.Random(5)
    alphabet = ['"', '\\', '#', '1', '0', '.', '_', 'e', 'E', '+', '-', 'x', ' ', '\n', '\n', '\r', '""', '\"\"\"']
    for fn in (shape_of, _uncommented):
        seen: dict = {}
        text = ""
        for _ in range(600):
            at = rng.randint(0, len(text))
            text = text[:at] + "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6))) \
                + text[at + rng.randint(0, 3):]
            assert _by_lines(fn, text, seen) == fn(text), repr(text)
        files = sorted((ROOT / "examples").glob("*.factory")) + sorted((ROOT / "stdlib").rglob("*.factory"))
        for path in files:
            text = path.read_text(encoding="utf-8")
            assert _by_lines(fn, text, seen) == fn(text), path
