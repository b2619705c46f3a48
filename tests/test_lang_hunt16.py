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


# -- an imported file's swept param ------------------------------------------------------------------------------
# Only the evaluated file's params sweep (lowering makes scenarios of the entry's params alone); an imported
# file's param is read in place. Before: a list read that way was a list where a number was needed: a chip's
# `tdp = w` with `param w = [700 W, 1000 W]` in the imported file gave "internal error: TypeError" (exit 2),
# and `let y = lib.twice` (`twice = k * 2`, `param k = [1, 2]`) vanished from eval with exit 0 ("declares
# nothing to evaluate" when it was the only let); a range read as its start (`1..3` -> 1) without a word.

def test_an_imported_swept_param_in_a_chip_is_an_error_not_an_internal_error(tmp_path):
    _write(tmp_path, "lib.factory", "param w = [700 W, 1000 W]\nchip c { tdp = w }\n")
    spec = _write(tmp_path, "m.factory", 'from "./lib.factory" import c\nserver s { chip g: c x 8 }\n')
    for command in ("check", "eval"):
        result = _run(command, str(spec))
        assert result.exit_code == 1, result.output
        assert "internal error" not in result.output
        assert "error[invalid-range]" in result.output and "lib.factory:2:16" in result.output


def test_an_imported_swept_let_is_reported_not_dropped(tmp_path):
    _write(tmp_path, "lib.factory", "param k = [1, 2]\nlet twice = k * 2\n")
    spec = _write(tmp_path, "m.factory", 'import "./lib.factory" as lib\nlet y = lib.twice\nlet z = 1\n')
    result = _run("eval", str(spec))
    assert result.exit_code == 1, result.output
    assert "error[invalid-range]" in result.output and "`k`" in result.output


def test_an_imported_range_param_is_not_read_as_its_start(tmp_path):
    _write(tmp_path, "lib.factory", "param k = 1..3\n")
    spec = _write(tmp_path, "m.factory", 'from "./lib.factory" import k\nlet y = k * 2\n')
    result = _run("eval", str(spec))
    assert result.exit_code == 1, result.output
    assert "error[invalid-range]" in result.output


def test_an_imported_single_valued_param_and_an_unread_imported_sweep_are_fine(tmp_path):
    # the law's other side: a library that sweeps on its own stays importable for what does not read the sweep
    _write(tmp_path, "lib.factory", "param k = 3\nparam s = [1, 2]\nlet twice = k * 2\nchip c { tdp = 700 W }\n"
           "let swept = s * 2\n")
    spec = _write(tmp_path, "m.factory", 'import "./lib.factory" as lib\nlet y = lib.twice\n'
                  "server srv { chip g: lib.c x 8 }\n")
    result = _run("eval", str(spec), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["quantities"]["y"]["values"] == [6.0]


# -- a finding of an inherited check is shown in the user's file ---------------------------------------------------
# A rack that extends the stdlib's GB200_NVL72 with 20 trays breaks three of its checks. Before, all three errors
# were located in <stdlib>/systems.factory (the inherited assert, the inherited power_limit): `factory check`
# said "3 errors in 1 file" with none in the file, and an editor (which shows a document the errors located in
# it) showed the spec clean. The law: every error of an entry file's evaluation is located in an entry file when
# one of the blocks it concerns is written there, with the inherited line as a related location.

def test_an_inherited_assert_or_limit_that_fails_is_located_in_the_spec(tmp_path):
    import dsl
    from compiler import evaluate_files
    spec = _write(tmp_path, "big.factory", "from systems import GB200_NVL72\nrack big extends GB200_NVL72 {\n"
                  "  server tray: GB200_NVL72.tray x 20\n}\nsite s {\n  land_price = 0 USD\n"
                  "  hall h { rack a: big x 2 }\n}\n")
    results, sink = evaluate_files([str(spec)])
    errors = [d for d in sink.items if d.severity == "error"]
    assert {d.code for d in errors} == {"assert-failed", "limit-exceeded"}
    for d in errors:
        assert d.span.file == str(spec), (d.message, d.span)
        assert any(r.span.file == "<stdlib>/systems.factory" for r in d.related), d
    # each finding is at the block it concerns: the definition `big` (2:6) and its placement `a` (7:17)
    assert sorted({(d.span.line, d.span.col) for d in errors}) == [(2, 6), (7, 17)]
    # a check the spec's own file holds stays where it is written
    own = _write(tmp_path, "own.factory", "chip c { tdp = 700 W }\nrack r {\n  chip g: c x 2\n"
                 "  assert count(chip) == 3, \"three\"\n}\n")
    checked, sink = dsl.check_files([str(own)])
    results, sink = evaluate_files([str(own)])
    [d] = [d for d in sink.items if d.code == "assert-failed"]
    assert (d.span.file, d.span.line, d.span.col) == (str(own), 4, 10) and d.related == []


# -- a temperature point computed from literals reads in degC --------------------------------------------------------
# `let design = 35 degC + 5 K` is a point (the checker types it so: `site.ambient_temp = design` is accepted) and
# every other point reads in degC (`let t = 35 degC`, `s.ambient_temp`, `let x = s.ambient_temp + 1 K`); before,
# a point computed from literals alone showed 313.1 K in the table and the report (its SI value, which reads as a
# temperature difference of 313 K). The law: a let shows in degC when and only when it is a point.

def test_a_point_computed_from_literals_reads_in_degc(tmp_path):
    spec = _write(tmp_path, "t.factory", "let design = 35 degC + 5 K\nlet rise = 40 degC - 35 degC\n"
                  "let mid = 20 degC - 10 degC + 5 degC\nsite s {\n  ambient_temp = design\n  land_price = 0 USD\n"
                  "  let x = ambient_temp + 1 K\n}\n")
    result = _run("eval", str(spec), "--select", "*")
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: " ".join(line.split()[1:]) for line in result.output.splitlines() if line.strip()}
    assert rows["design"] == "40 degC" and rows["mid"] == "15 degC" and rows["s.x"] == "41 degC"
    assert rows["s.ambient_temp"] == "40 degC"
    assert rows["rise"] == "5 K"            # a difference stays in K


# -- comparisons are judged to float64's rounding, as the built-in limits are ----------------------------------------
# `assert 0.1 + 0.2 == 0.3` failed with "`0.1 + 0.2` = 0.3, `0.3` = 0.3" (exit 1): both sides print alike and the
# user cannot see why (0.30000000000000004 in float64); `share_a + share_b == 0.8` with 0.1 and 0.7 alike. The
# built-in limits hold within a relative 1e-9 (`left <= right * (1 + 1e-9)`); a comparison of the language now does
# too: == and != within a relative 1e-9, <= and >= including it, < and > excluding it. Comparing with 0 stays exact.

def test_comparisons_hold_to_float_rounding_and_stay_strict_beyond_it(tmp_path):
    spec = _write(tmp_path, "c.factory", """\
let a = 0.1 + 0.2
let b = 0.1 + 0.7
assert a == 0.3, "eq"
assert a <= 0.3, "le"
assert 0.3 >= a, "ge"
assert not (a != 0.3), "ne"
assert not (a > 0.3), "gt"
assert not (0.3 < a), "lt"
assert b == 0.8, "eq2"
assert 1 kW + 1e-3 W > 1 kW, "a real difference is kept"
assert 1 W - 1 W == 0 W, "zero"
assert not (1e-300 == 0), "zero is exact"
assert 1e12 + 1 != 1e12, "beyond 1e-9 relative is not equal"
""")
    result = _run("check", str(spec))
    assert result.exit_code == 1, result.output        # only the last one: 1 in 1e12 is within 1e-9
    assert result.output.count("assert-failed") == 1 and "beyond 1e-9" in result.output


# -- a gear's capacity and a chiller's COP are divisors: > 0 at their span --------------------------------------------
# kinds.md: "> 0 fields (a quantity a model divides by) must be > 0". A CDU, CRAH, chiller or transformer of
# `capacity = 0 W` (units_needed = ceil(load / capacity)) and a chiller of `cop = 0` (power = heat / cop) were
# accepted where written; eval then gave 6 non-finite errors at the hall (cdus, chillers, crahs, cooling_power,
# cooling_power_avg, heat_rejected: inf) and 2 limit errors, none at the zero. Now one out-of-range error each, at
# the value, and nothing computed from them is reported again.

GEAR_ZERO = """\
chip c { tdp = 1000 W }
server s { chip g: c x 4
  cooling = "liquid" }
rack r { server n: s x 18
  cooling = "liquid" }
cdu c1 { capacity = 0 W }
crah a1 { capacity = 0 kW }
chiller ch { capacity = 2 MW
  cop = 0 }
transformer t1 { capacity = 0 MW }
site s1 { land_price = 0 USD
  chiller chl: ch x 2
  transformer tr: t1 x 1
  hall h { cdu c: c1 x 2
    crah a: a1 x 2
    rack k: r x 2 } }
"""


def test_a_zero_gear_capacity_or_cop_is_out_of_range_where_written(tmp_path):
    import dsl
    checked, sink = dsl.check_text(GEAR_ZERO, "gear.factory")
    found = sorted((d.code, d.span.line, d.span.col) for d in sink.items if d.severity == "error")
    assert found == [("out-of-range", 6, 21), ("out-of-range", 7, 22), ("out-of-range", 9, 9),
                     ("out-of-range", 10, 29)]
    # a capacity from a swept param is checked per scenario, the good scenario evaluated
    from compiler import evaluate_text
    text = GEAR_ZERO.replace("cdu c1 { capacity = 0 W }", "param cap = [0 W, 1 MW]\ncdu c1 { capacity = cap }") \
        .replace("capacity = 0 kW", "capacity = 100 kW").replace("cop = 0", "cop = 5") \
        .replace("capacity = 0 MW", "capacity = 5 MW")
    results, sink = evaluate_text(text, "gear.factory")
    errors = [(d.code, d.message) for d in sink.items if d.severity == "error"]
    assert [c for c, _ in errors] == ["out-of-range"] and "1 of 2 scenarios" in errors[0][1], errors


# -- a chip's matrix rates and memory bandwidth are divisors: > 0 at their span ---------------------------------------
# A chip of `bf16 = 0 FLOP/s` (a rate the step time divides by) was accepted; an inference service on it gave 16
# non-finite errors at the workload (ttft, tpot, times: inf or NaN) and its training run "no parallel layout
# exists" (there are layouts: none has a finite step); `memory_bw = 0 TB/s` gave "no layout meets the latency
# limits". A chip without a format leaves its rate unset (`uncomputed-workload` names it); 0 is out of range.

def test_a_zero_chip_rate_or_memory_bandwidth_is_out_of_range_where_written():
    import dsl
    text = ("chip c {\n  tdp = 1000 W\n  bf16 = 0 FLOP/s\n  fp8 = 0 FLOP/s\n  fp4 = 0 FLOP/s\n  int8 = 0 FLOP/s\n"
            "  memory_bw = 0 TB/s\n}\n")
    checked, sink = dsl.check_text(text, "chip.factory")
    assert [(d.code, d.span.line) for d in sink.items] == [("out-of-range", line) for line in range(3, 8)]


# -- a training run's `evaluations` is at least 1 -------------------------------------------------------------------
# The model splits eval_tokens over max(evaluations, 1) passes: `evaluations = 0` with eval_tokens = 1 Mtok was
# accepted and silently run as one evaluation (time and cost include it). It is a positive count now: 0 is an
# out-of-range error at the value ("a run without evaluations" leaves eval_tokens unset).

def test_zero_evaluations_is_out_of_range_not_silently_one():
    import dsl
    text = ("from systems import HGX_H100\nfrom models import Llama3_1_8B\ntraining t {\n  model = Llama3_1_8B\n"
            "  system = HGX_H100\n  tokens = 1e9 tok\n  eval_tokens = 1e6 tok\n  evaluations = 0\n}\n")
    checked, sink = dsl.check_text(text, "t.factory")
    assert [(d.code, d.span.line, d.span.col) for d in sink.items] == [("out-of-range", 8, 17)]


# -- `factory check a b` reports what `check a` and `check b` report -------------------------------------------------
# docs/ci.md runs `factory check specs/*.factory`. The files were evaluated as one program whose quantities are
# keyed by their names, so two specs with a `param n` of their own spoke through each other: b.factory (`param n =
# [4, 5]`, `assert n * 2 <= 8` fails at n = 5) alone exits 1, but `check b.factory c.factory` (c: `param n = 3`)
# said "ok: 2 files checked, no problems" (exit 0): b's sweep was read as c's 3. The law: checking several files
# reports the union of checking each alone, in any order.

def test_checking_several_files_reports_what_each_alone_reports(tmp_path):
    b = _write(tmp_path, "b.factory", 'param n = [4, 5]\nlet y = n * 2\nassert y <= 8, "b: y <= 8"\n')
    c = _write(tmp_path, "c.factory", 'param n = 3\nlet y = n\nassert y <= 8, "c: y <= 8"\n'
               'assert y == 4, "c: y is 4"\n')

    def errors(*paths):
        result = _run("check", "--format", "json", *map(str, paths))
        out = json.loads(result.output)
        return result.exit_code, sorted((d["code"], d["location"]["file"], d["location"]["line"], d["message"])
                                        for d in out["diagnostics"])

    alone_b, alone_c = errors(b), errors(c)
    assert alone_b[0] == alone_c[0] == 1
    union = sorted(alone_b[1] + alone_c[1])
    assert len(union) == 2
    assert errors(b, c) == (1, union)
    assert errors(c, b) == (1, union)
    # a -D reaches each file that declares the parameter
    result = _run("check", str(b), str(c), "-D", "n=4")
    assert result.exit_code == 0, result.output


# -- a kind that selects no part says where the parts are -----------------------------------------------------------
# `count(rack)` selects the racks a block places directly (language.md); in a hall whose racks are in rows it was
# "`rack` is not defined here" with no help, though the hall holds 60 racks. The help now gives the path through
# the levels that reach them.

def test_a_kind_with_no_direct_parts_points_at_the_path_to_them():
    import dsl
    text = ("rack rk { }\nhall h {\n  row r x 10 { rack k: rk x 6 }\n  let n = count(rack)\n"
            "  let p = sum(rack.it_power)\n}\nsite s {\n  hall hh { row r { rack k: rk x 2 } }\n"
            "  let m = count(rack)\n}\n")
    checked, sink = dsl.check_text(text, "k.factory")
    found = [(d.code, d.span.line, d.help) for d in sink.items]
    assert [f[:2] for f in found] == [("unknown-name", 4), ("unknown-name", 5), ("unknown-name", 9)]
    assert "count(row.rack)" in found[0][2] and "sum(row.rack.it_power)" not in found[0][2]
    assert "`row.rack`" in found[1][2]
    assert "`hall.row.rack`" in found[2][2]


# -- fmt keeps a quantity raised to a power apart from its unit -------------------------------------------------------
# `let e = 2 s ^ 2` is (2 s)^2 = 4 s^2. fmt wrote `^` without spaces, `2 s^2`, which reads as 2 of the unit s^2
# (2 s^2): its token check caught it and `factory fmt` failed on the valid file ("format-failed ... please report
# this"). Now a `^` after a unit keeps its spaces; the law: fmt succeeds, is idempotent, and the value is the same.

def test_fmt_of_a_quantity_raised_to_a_power_keeps_its_meaning():
    from compiler import evaluate_text
    from dsl.format import format_text
    text = "let e = 2 s ^ 2\nlet f = 3 kW ^ 2 / 1 kW\nlet g = 2 ^ 3\n"
    once = format_text(text).text
    assert once == "let e = 2 s ^ 2\nlet f = 3 kW ^ 2 / 1 kW\nlet g = 2^3\n"
    assert format_text(once).text == once

    def values(t):
        results, sink = evaluate_text(t, "p.factory")
        return {k: list(results.values[k]) for k in ("e", "f", "g")}
    assert values(once) == values(text) == {"e": [4.0], "f": [9000.0], "g": [8.0]}


# -- a required field given by a `let` of its name ------------------------------------------------------------------
# `chip c { let tdp = 800 W }` said "chip `c` does not set `tdp`" with the help "add `tdp = ...`", beside the let
# that looks like it does; `chip c { tdp = 700 W\n let tdp = 3 W }` said it twice: duplicate-definition (right) and
# "does not set `tdp`" (wrong: it does, twice). Now the help names the let, and a field set in the body is no
# missing field.

def test_a_required_field_given_as_a_let_is_named_in_the_help():
    import dsl
    checked, sink = dsl.check_text("chip c {\n  let tdp = 800 W\n}\n", "a.factory")
    [d] = sink.items
    assert d.code == "missing-field" and "`let tdp = ...`" in d.help and "without `let`" in d.help
    checked, sink = dsl.check_text("chip c {\n  tdp = 700 W\n  let tdp = 3 W\n}\n", "b.factory")
    assert [d.code for d in sink.items] == ["duplicate-definition"]


# -- a part cannot take the name of a field of its block's kind -----------------------------------------------------
# `server it_power: s x 2` in a rack was accepted: the rack's computed `r.it_power` and the part's `r.it_power.*`
# then share one dotted path in the results (explain, --select, JSON), `power_limit` (a part) reads as the parts
# in a formula, and `chip max_power: c x 8` hides the server's nameplate field. The fields of a block's kind are
# its members even when unset (language.md), so a part of the same name is a duplicate definition, at the part.

def test_a_part_named_like_a_field_of_its_kind_is_a_duplicate_definition():
    import dsl
    text = ("chip c { tdp = 700 W }\nserver s {\n  chip max_power: c x 8\n  chip gpu: c x 1\n}\n"
            "rack r {\n  server it_power: s x 2\n  server node: s x 1\n}\n")
    checked, sink = dsl.check_text(text, "p.factory")
    assert [(d.code, d.span.line, d.span.col) for d in sink.items] == [
        ("duplicate-definition", 3, 8), ("duplicate-definition", 7, 10)]
    assert "field" in sink.items[0].message
