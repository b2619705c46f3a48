"""The checks' evaluation shares a placed definition's evaluation among its identical placements
(`compiler.share.PlacementShare`, `evaluate(..., only_checks=True)`). Laws:

- sharing changes nothing: the diagnostics and check results with it equal those without, on every example, on
  the generated bench spec, and on specs built so that a wrong share would show (a rack reading a name its hall
  gives, one hall shadowing a module-level `let`, a model inheriting a hall's figure, overridden fields);
- N identical placements give each the figures (and findings) of one placed alone;
- in the editor, a version checked after an edit equals a fresh open of the edited text (a count, a chip, a rack's
  contents, an import), diagnostics and hover alike.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

import dsl
from dsl.diagnostics import Sink
from compiler.evaluate import evaluate
from compiler.lower import lower
from compiler.lsp.analysis import Analysis, hover_markdown

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from bench_check import generate  # noqa: E402


def _checks(text: str, path: Path, share: bool):
    """(diagnostics, check results, the evaluation) of the checks alone, with or without sharing."""
    checked, front = dsl.Session().check_text(text, str(path), root=str(path.parent))
    assert checked is not None and not front.has_errors(), [d.message for d in front.items]
    sink = Sink()
    for source in front.sources.values():
        sink.add_source(source)
    results = evaluate(lower(checked, sink), sink, only_checks=True, share=share)
    diags = [(d.severity, d.code, d.message, d.span, tuple(d.notes), d.help, tuple(d.related), tuple(d.quantities))
             for d in sink.items]
    checks = [(c.name, c.ok, c.message, c.span, c.detail, tuple(c.failing)) for c in results.checks]
    return diags, checks, results


def _same_with_and_without(text: str, path: Path):
    without = _checks(text, path, share=False)
    with_ = _checks(text, path, share=True)
    assert with_[0] == without[0]
    assert with_[1] == without[1]
    return with_


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "examples").glob("*.factory")))
def test_examples_share_changes_nothing(name):
    path = ROOT / "examples" / name
    _same_with_and_without(path.read_text(encoding="utf-8"), path)


def test_bench_spec_shares_and_changes_nothing(tmp_path):
    """The generated bench spec (300 lines: racks of a few definitions, placed many times, some failing their
    power and height limits): the same findings, and placements were shared."""
    text = generate(300)
    diags, checks, results = _same_with_and_without(text, tmp_path / "bench.factory")
    assert any(d[1] == "limit-exceeded" for d in diags)          # failed checks were shared too
    assert results.units._ev.share.at                          # (the share did something)


HALLS = '''let budget = 40 kW

chip acc {{
  tdp = 700 W
  idle_power = 100 W
  memory = 80 GB
  memory_bw = 3 TB/s
  bf16 = 990 TFLOP/s
}}

server node {{
  chip gpu: acc x 8
  max_power = 10 kW
}}

rack pod {{
  server srv: node x {servers}
  power_limit = 30 kW
  let draw = sum(server.max_power)
  assert draw <= budget, "the pod fits the budget"
  assert sum(server.power) <= 13.5 kW, "the pod's average draw"
}}

site campus {{
  electricity_price = 0.1 USD/kWh
  hall a {{
    power_feed = 5 MW
    {hall_a}
    row r1 {{
      rack p1: pod x 2
      rack p2: pod x 3
    }}
  }}
  hall b {{
    power_feed = 5 MW
    {hall_b}
    row r1 {{
      rack p1: pod x 2
      rack p2: pod x 1
    }}
  }}
}}
'''


@pytest.mark.parametrize("servers, hall_a, hall_b", [
    (3, "", ""),                                            # all alike: shared, the power limit fails in each
    (3, "let budget = 20 kW", ""),                          # hall a shadows the module's `budget`: a wrong share
    (2, "", "let budget = 10 kW"),                          # would judge its racks with the other's
    (2, "let budget = 10 kW", "let budget = 50 kW"),
    (2, "supply_temp = 30 degC", "supply_temp = 20 degC"),
    (2, "", "utilization = 0.95"),                          # a model inherits a hall's figure (`ctx.parent`),
    (2, "utilization = 0.1", ""),                           # or its default where the first's hall gives none
])
def test_a_placement_reading_its_surroundings(tmp_path, servers, hall_a, hall_b):
    text = HALLS.format(servers=servers, hall_a=hall_a, hall_b=hall_b)
    diags, _checks_, results = _same_with_and_without(text, tmp_path / "halls.factory")
    if "budget = 10 kW" in hall_a + hall_b:
        assert any("the pod fits the budget" in d[2] for d in diags)
    if "utilization" in hall_a + hall_b:         # each hall's servers draw at its own utilization
        power = results.values
        assert power["campus.a.r1.p1.srv.power"][0] != power["campus.b.r1.p1.srv.power"][0]
        assert power["campus.b.r1.p1.srv.power"][0] == power["campus.b.r1.p2.srv.power"][0]


def test_overridden_placements(tmp_path):
    """A placement that overrides a field is no copy of the others: its own limit is judged on its own."""
    text = HALLS.format(servers=2, hall_a="", hall_b="").replace(
        "rack p2: pod x 1", "rack p2: pod x 1 {\n        power_limit = 5 kW\n      }")
    diags, _c, _r = _same_with_and_without(text, tmp_path / "override.factory")
    assert any(d[1] == "limit-exceeded" and "campus.b.r1.p2" in d[2] for d in diags)


def test_n_identical_placements_give_the_figures_of_one(tmp_path):
    """The same rack placed once, and placed in 6 rows: each placement's figures (the values the checks computed)
    and findings are those of the one placed alone."""
    one = HALLS.format(servers=3, hall_a="", hall_b="")
    rows = "\n".join(f"    row r{k} {{\n      rack p1: pod x 2\n    }}" for k in range(2, 8))
    many = one.replace("    row r1 {\n      rack p1: pod x 2\n      rack p2: pod x 1\n    }\n", rows + "\n", 1)
    d1, _c1, r1 = _checks(one, tmp_path / "one.factory", share=True)
    dn, _cn, rn = _checks(many, tmp_path / "many.factory", share=True)
    reference = {p[len("campus.a.r1.p1"):]: v for p, v in r1.values.items() if p.startswith("campus.a.r1.p1.")}
    assert reference
    for k in range(2, 8):
        here = f"campus.b.r{k}.p1"
        for suffix, value in reference.items():
            if here + suffix in rn.values:
                assert list(rn.values[here + suffix]) == list(value), here + suffix
        assert [d[2] for d in dn if here + "`" in d[2]] == [d[2].replace("campus.a.r1.p1", here) for d in d1
                                                              if "campus.a.r1.p1`" in d[2]]


# ------------------------------------------------------------------ the editor: an edit equals a fresh open

BASE = '''from chips import H100_SXM, B200

server hgx {
  chip gpu: H100_SXM x 8
  max_power = 10.2 kW
}

rack pod {
  server node: hgx x 2
  power_limit = 25 kW
  let draw = sum(server.max_power)
  assert draw <= 21 kW, "two nodes fit"
}

site office {
  electricity_price = 0.12 USD/kWh
  hall room {
    row a {
      rack r1: pod x 4
      rack r2: pod x 2
    }
    row b {
      rack r1: pod x 3
    }
  }
}
'''

EDITS = [
    ("a count", "rack r2: pod x 2", "rack r2: pod x 5"),
    ("a chip", "chip gpu: H100_SXM x 8", "chip gpu: B200 x 8"),
    ("a rack's contents", "server node: hgx x 2", "server node: hgx x 3"),
    ("an import", "from chips import H100_SXM, B200", "from chips import H100_SXM, B200, H200"),
    ("an import changed under a name", "from chips import H100_SXM, B200\n",
     "from chips import B200\nfrom chips import B200 as H100_SXM\n"),
    ("a limit", "power_limit = 25 kW", "power_limit = 15 kW"),
]


def _shown(analysis: Analysis, text: str):
    diags = [(d.severity, d.code, d.message, d.span.line if d.span else None, tuple(d.notes))
             for d in [*analysis.sink.items, *analysis.checks_diagnostics()]]
    hovers = [hover_markdown(analysis, text.index(word) + 1) for word in ("draw", "power_limit", "max_power")]
    final = [(d.code, d.message) for d in analysis.eval_diagnostics] if analysis.results is not None else None
    return diags, [h[0] if h else None for h in hovers], final


@pytest.mark.parametrize("what, old, new", EDITS, ids=[e[0] for e in EDITS])
def test_an_edit_equals_a_fresh_open(tmp_path, what, old, new):
    path = tmp_path / "office.factory"
    assert old in BASE
    edited = BASE.replace(old, new)
    session = dsl.Session()
    before = Analysis(BASE, str(path), str(tmp_path), session)
    _shown(before, BASE)
    after = Analysis(edited, str(path), str(tmp_path), session)             # the editor's next version
    fresh = Analysis(edited, str(path), str(tmp_path), dsl.Session())       # a fresh open of the edited text
    assert _shown(after, edited) == _shown(fresh, edited)


@pytest.mark.parametrize("hall_a, hall_b", [("", "utilization = 0.95"), ("utilization = 0.1", ""), ("", "")])
def test_a_copy_read_from_outside_it(tmp_path, hall_a, hall_b):
    """A hall's assert reads its racks' servers' average power, which the racks' own checks never computed: the
    share computes it in the first placement's evaluation when first asked (`PlacementShare._extend`), and that
    reads the hall's utilization (a model stepping out of the rack), so it is not shared: each hall's figure."""
    text = HALLS.format(servers=2, hall_a=hall_a, hall_b=hall_b).replace(
        '  assert sum(server.power) <= 13.5 kW, "the pod\'s average draw"\n', "")
    for hall in ("a", "b"):
        text = text.replace(f"  hall {hall} {{\n", f"  hall {hall} {{\n    assert sum(row.rack.server.power) <= 30 kW, "
                            f'"hall {hall} average draw"\n', 1)
    diags, _c, results = _same_with_and_without(text, tmp_path / "outside.factory")
    power = results.values
    assert (power["campus.a.r1.p1.srv.power"][0] != power["campus.b.r1.p1.srv.power"][0]) == bool(hall_a or hall_b)
    assert power["campus.b.r1.p1.srv.power"][0] == power["campus.b.r1.p2.srv.power"][0]


def test_the_field_tables_of_copies_are_their_firsts_at_their_own_paths(tmp_path):
    """The field tables (ordered pairs, plausibility) walk a shared placement's copies as their class's first's
    items at the copies' paths (`checks._table_fields_shared`, s16-editor): a chip's idle power above its TDP and an
    implausible price, placed in many racks, give the same errors, notes (`also ...`) and flagged quantities with
    the share as without, in the same order."""
    text = generate(300)
    text = text.replace("idle_power = 50 W", "idle_power = 900 W", 1).replace("price = 20000 USD", "price = 2e9 USD", 1)
    assert "idle_power = 900 W" in text and "2e9 USD" in text
    path = tmp_path / "bench.factory"
    diags, _checks_, results = _same_with_and_without(text, path)
    codes = [d[1] for d in diags]
    assert "out-of-range" in codes and "implausible-value" in codes
    pair = next(d for d in diags if d[1] == "out-of-range" and "idle_power" in d[2])
    assert any(note.startswith("also `") for note in pair[4])     # the copies are named
    wide = _checks(text, path, share=False)[0]
    plausible = next(d for d in wide if d[1] == "implausible-value")
    assert plausible in diags and len(plausible[4]) > 1
    results.release()


def test_the_chips_a_site_places_are_counted_once_per_class(tmp_path):
    """The over-commit rule counts the chips under a class of copies once (under its first) and each copy's share
    by its own count (`compiler.models.workloads.placed_chips`): by hand, hall a places pods x 2 and x 3, hall b
    x 2 and x 1: 8 pods x 3 servers x 8 chips = 192 acc; the service needs 200 (over-committed), 192 fits. The
    same finding with the share as without, and the pods were shared."""
    for needed, fails in ((200, True), (192, False)):
        text = "from models import Llama2_70B\n" + HALLS.format(servers=3, hall_a="", hall_b="").replace(
            "  assert sum(server.power) <= 13.5 kW, \"the pod's average draw\"\n", "").replace(
            "site campus {\n", "site campus {\n  inference svc {\n    model = Llama2_70B\n    chip = acc\n"
            f"    accelerators = {needed}\n    precision = \"bf16\"\n  }}\n")
        diags, checks, results = _same_with_and_without(text, tmp_path / "placed.factory")
        assert "campus.b.r1.p2" in results.units._ev.share.at       # (a copy of campus.a.r1.p1)
        found = [d[2] for d in diags if d[1] == "over-committed"]
        assert found == ([f"the workloads of `campus` need {needed} acc accelerators, but the site places 192"]
                         if fails else []), found
        assert [c[1] for c in checks if c[0] == "campus: the workloads fit on the accelerators placed"] == [not fails]
