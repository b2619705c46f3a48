"""Session-16 language hunt, second part: defects the first hunt found and left (one test per defect).

Each test states the law the defect broke: what a spec writes is used or reported, and what a command shows
agrees with what the spec computes."""
from __future__ import annotations

import json
from pathlib import Path

from test_lang_hunt16 import _run, _write   # tests/ is on the path

ROOT = Path(__file__).resolve().parents[1]


# -- an unused import is a warning at the import -------------------------------------------------------------------
# `from chips import H100_SXM, B200` with only H100_SXM read: B200 imports nothing the spec reads (CUE, Pkl, KCL
# and every linter say so). Before: no word, exit 0. A name read anywhere in its file (a field, a let, an
# `extends`, a part's type, an assert, a count), or imported from this file by another, is used.

def _unused(sink) -> list:
    from dsl.diagnostics import Code
    return [d for d in sink.items if d.code == Code.UNUSED_IMPORT]


def test_an_unused_imported_name_is_a_warning_at_its_name(tmp_path):
    spec = _write(tmp_path, "m.factory", "from chips import H100_SXM, B200\nserver s {\n  chip g: H100_SXM x 8\n}\n")
    result = _run("check", str(spec))
    assert result.exit_code == 0, result.output          # a warning: the exit code stays 0
    assert "warning[unused-import]" in result.output and "m.factory:1:29" in result.output, result.output
    assert "H100_SXM" not in result.output.split("warning[unused-import]")[1].splitlines()[0]


def test_an_unused_module_import_is_a_warning_and_a_used_one_is_not(tmp_path):
    import dsl
    _write(tmp_path, "lib.factory", "let k = 3\n")
    unused = _write(tmp_path, "a.factory", 'import "./lib.factory" as lib\nimport chips\nlet y = 1\n')
    _checked, sink = dsl.check_files([str(unused)])
    assert [(d.span.line, d.span.col) for d in _unused(sink)] == [(1, 8), (2, 8)]
    used = _write(tmp_path, "b.factory", 'import "./lib.factory" as lib\nimport chips\nlet y = lib.k\n'
                  "chip c extends chips.H100_SXM {}\n")
    _checked, sink = dsl.check_files([str(used)])
    assert _unused(sink) == []


def test_every_way_of_reading_a_name_counts_as_a_use(tmp_path):
    import dsl
    _write(tmp_path, "lib.factory", "param a = 1\nparam b = 2\nparam c = 3\nparam d = 4\nparam e = 5\n"
           "chip f { tdp = 700 W }\n")
    # a let, an assert, a count, a part's type, an extends, and a name re-exported to another file
    _write(tmp_path, "mid.factory", 'from "./lib.factory" import a, b, c, d, f, e\nlet x = a\nassert b > 0\n'
           "server s {\n  chip g: f x c\n  let y = d\n}\nchip h extends f {}\n")
    top = _write(tmp_path, "top.factory", 'from "./mid.factory" import e, s, h\nlet z = e\nrack r {\n'
                 "  server t: s x 1\n}\nchip i extends h {}\n")
    _checked, sink = dsl.check_files([str(top)])
    assert _unused(sink) == [], [d.message for d in sink.items]


def test_no_shipped_spec_or_stdlib_file_has_an_unused_import():
    import dsl
    for path in sorted((ROOT / "examples").rglob("*.factory")) + sorted((ROOT / "stdlib").glob("*.factory")):
        _checked, sink = dsl.check_files([str(path)])
        assert _unused(sink) == [], (path.name, [d.message for d in _unused(sink)])


def test_the_editor_offers_to_remove_an_unused_import(tmp_path):
    """The LSP shows the warning and its quick fix removes the name (or the whole line when it is the only one);
    the fixed text checks with no unused import and nothing else changed."""
    import dsl
    from compiler.lsp.analysis import Analysis, quick_fixes
    body = "server s {\n  chip g: H100_SXM x 8\n}\n"
    for text, fixed in [("from chips import H100_SXM, B200\n" + body, "from chips import H100_SXM\n" + body),
                        ("from chips import B200, H100_SXM\n" + body, "from chips import H100_SXM\n" + body),
                        ("from chips import H100_SXM\nfrom chips import B200\n" + body,
                         "from chips import H100_SXM\n" + body),
                        ("import chips\nfrom chips import H100_SXM\n" + body, "from chips import H100_SXM\n" + body)]:
        analysis = Analysis(text, str(tmp_path / "m.factory"), str(tmp_path))
        fixes = [f for f in quick_fixes(analysis) if f[0].code == "unused-import"]
        assert len(fixes) == 1, (text, [(d.code, d.message) for d in analysis.sink.items])
        _diag, span, new_text, title, how = fixes[0]
        assert how == "replace" and title.startswith("Remove")
        assert text[:span.start] + new_text + text[span.end:] == fixed
        _checked, sink = dsl.check_text(fixed, str(tmp_path / "m.factory"))
        assert sink.items == []


def test_the_language_server_publishes_the_warning_and_its_code_action(tmp_path):
    from lsprotocol import types as t
    from pygls.workspace import Workspace

    from compiler.lsp import server as lsp_server
    text = "from chips import H100_SXM, B200\nserver s {\n  chip g: H100_SXM x 8\n}\n"
    ls = lsp_server.FactoryServer()
    ls.protocol._workspace = Workspace(tmp_path.as_uri())
    uri = _write(tmp_path, "m.factory", text).as_uri()
    ls.workspace.put_text_document(t.TextDocumentItem(uri=uri, language_id="factory", version=1, text=text))
    ls.open_uris.add(uri)
    analysis = ls.analysis(uri)
    [diag] = [d for d in analysis.sink.items if d.code == "unused-import"]
    shown = lsp_server._diagnostic(diag, analysis)
    assert shown.severity == t.DiagnosticSeverity.Warning and shown.tags == [t.DiagnosticTag.Unnecessary]
    assert (shown.range.start.line, shown.range.start.character) == (0, 28)
    actions = lsp_server.code_actions(ls, t.CodeActionParams(
        text_document=t.TextDocumentIdentifier(uri=uri), range=shown.range,
        context=t.CodeActionContext(diagnostics=[shown])))
    assert [a.title for a in actions] == ["Remove the unused import `B200`"]


# -- cooling and liquid_fraction agree --------------------------------------------------------------------------
# Law: an air-cooled server or rack puts no heat into liquid, and a liquid or hybrid one some. Before: `cooling =
# "air"` with `liquid_fraction = 0.8` gave heat_liquid = 0.8 * peak_power (exit 0), and a derived server that
# set `cooling = "air"` over a liquid base kept the base's 0.8. Now: invalid-value at the field written last.

def test_an_air_cooled_block_with_heat_to_liquid_is_refused_where_it_is_written(tmp_path):
    import dsl
    chip = "chip c {\n  tdp = 1000 W\n}\n"
    cases = {
        'server s {\n  chip g: c x 8\n  cooling = "air"\n  liquid_fraction = 0.8\n}\n': (7, 21),
        'rack r {\n  cooling = "air"\n  liquid_fraction = 0.5\n}\n': (6, 21),
        'server s {\n  chip g: c x 8\n  cooling = "liquid"\n  liquid_fraction = 0\n}\n': (7, 21),
        # a derived block that changes one of the two: reported at what it writes
        'server b {\n  chip g: c x 8\n  cooling = "liquid"\n  liquid_fraction = 0.8\n}\n'
        'server s extends b {\n  cooling = "air"\n}\n': (10, 13),
    }
    for text, (line, col) in cases.items():
        _checked, sink = dsl.check_text(chip + text, str(tmp_path / "m.factory"))
        found = [(d.code, d.span.line, d.span.col) for d in sink.items]
        assert found == [("invalid-value", line, col)], (text, [d.message for d in sink.items])
    # the law's other side: every pair that agrees is accepted, and an unset fraction follows `cooling`
    for cooling, fraction in [("air", "0"), ("liquid", "0.85"), ("hybrid", "0.7"), ("liquid", None), ("air", None)]:
        text = chip + f'server s {{\n  chip g: c x 8\n  cooling = "{cooling}"\n' + \
            (f"  liquid_fraction = {fraction}\n" if fraction else "") + "}\n"
        _checked, sink = dsl.check_text(text, str(tmp_path / "m.factory"))
        assert sink.items == [], (text, [d.message for d in sink.items])


def test_an_air_cooled_rack_of_liquid_cooled_servers_is_refused_at_the_rack(tmp_path):
    """Law: a rack's heat to liquid holds its servers' (their cold plates' heat goes to the rack's loop). Before: a
    rack with `cooling = "air"` (or `liquid_fraction = 0`) of liquid-cooled servers reported heat_liquid 0 W and
    every CDU count 0 while its servers put 85% of their heat into liquid (exit 0)."""
    import dsl
    head = 'chip c {\n  tdp = 1000 W\n}\nserver s {\n  chip g: c x 8\n  cooling = "liquid"\n}\n'
    for rack, (line, col) in {'rack r {\n  server n: s x 4\n  cooling = "air"\n  liquid_fraction = 0\n}\n': (11, 21),
                              'rack r {\n  server n: s x 4\n  cooling = "air"\n}\n': (10, 13)}.items():
        _checked, sink = dsl.check_text(head + rack, str(tmp_path / "m.factory"))
        assert [(d.code, d.span.line, d.span.col) for d in sink.items] == [("invalid-value", line, col)], \
            [d.message for d in sink.items]
    # a liquid rack of air-cooled servers is fine (a rear-door heat exchanger takes their air's heat to liquid)
    text = head.replace('"liquid"', '"air"') + 'rack r {\n  server n: s x 4\n  cooling = "liquid"\n}\n'
    _checked, sink = dsl.check_text(text, str(tmp_path / "m.factory"))
    assert sink.items == [], [d.message for d in sink.items]


# -- a let whose value is a list is shown by eval -------------------------------------------------------------------
# Before: `let xs = [1, 2, 3]` was evaluated (its three values) but neither the table nor JSON nor CSV showed it
# (exit 0, only `y`). Now each item is a quantity of its own, `xs[0]` ..., in every format, in the list's unit:
# the law is that the table, JSON and CSV show the same quantities, and an item is what the list holds.

def test_a_let_whose_value_is_a_list_is_shown_item_by_item(tmp_path):
    spec = _write(tmp_path, "l.factory", "let xs = [1, 2, 3]\nlet y = 2\nlet ws = [1 W, 2 kW]\n")
    result = _run("eval", str(spec), "--format", "json")
    assert result.exit_code == 0, result.output
    q = json.loads(result.output)["quantities"]
    assert {p: (v["unit"], v["values"]) for p, v in q.items()} == {
        "xs[0]": ("1", [1.0]), "xs[1]": ("1", [2.0]), "xs[2]": ("1", [3.0]), "y": ("1", [2.0]),
        "ws[0]": ("W", [1.0]), "ws[1]": ("W", [2000.0])}
    table = _run("eval", str(spec))
    assert table.exit_code == 0, table.output
    rows = {line.split()[0]: line.split()[1:] for line in table.output.splitlines() if line.strip()}
    assert set(rows) == set(q) and rows["ws[1]"] == ["2", "kW"] and rows["xs[2]"] == ["3"], table.output
    csv = _run("eval", str(spec), "--format", "csv")
    assert {line.split(",")[0] for line in csv.output.splitlines()[1:]} == set(q), csv.output
    # a sweep: each item has a value per scenario
    swept = _write(tmp_path, "s.factory", "param k = [1, 2]\nlet xs = [k, 10 * k]\n")
    q = json.loads(_run("eval", str(swept), "--format", "json").output)["quantities"]
    assert q["xs[0]"]["values"] == [1.0, 2.0] and q["xs[1]"]["values"] == [10.0, 20.0]


# -- explain goes into an imported let ---------------------------------------------------------------------------
# Before: `from "./lib.factory" import twice` with `let twice = k * 2`, `param k = 3` in lib, and `let y = twice +
# 1`: `explain y` showed `y = 7 = twice + 1` and stopped (twice is read in place, not a node of the graph), where
# the same lets in one file showed twice = 6 and k = 3 below. Law: explain shows the same tree of an imported let
# as of a local one, with its values and where it is written.

def test_explain_goes_into_an_imported_let(tmp_path):
    _write(tmp_path, "lib.factory", "param k = 3\nlet twice = k * 2\nlet watts = twice * 1 kW\n")
    local = _write(tmp_path, "local.factory", "param k = 3\nlet twice = k * 2\nlet watts = twice * 1 kW\n"
                   "let y = twice + 1\nlet w = watts\n")
    spec = _write(tmp_path, "m.factory", 'from "./lib.factory" import twice\nimport "./lib.factory" as lib\n'
                  "let y = twice + 1\nlet w = lib.watts\n")

    def tree(path, name):
        result = _run("explain", str(path), name, "--format", "json")
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    def shape(t):        # what a reader sees of each step: its name's last part, value, formula, inputs
        return (t["path"].rsplit(".", 1)[-1], t["value"], t.get("formula"),
                [shape(i) for i in t.get("inputs", []) if isinstance(i, dict)])

    for name in ("y", "w"):         # (w's own formula reads `lib.watts` in one, `watts` in the other)
        assert shape(tree(spec, name))[1::2] == shape(tree(local, name))[1::2], name
    y = tree(spec, "y")
    [twice] = y["inputs"]
    assert twice["value"] == "6" and twice["at"].endswith("lib.factory:2:5") and twice["formula"] == "k * 2"
    assert twice["inputs"][0]["value"] == "3" and twice["inputs"][0]["kind"] == "parameter"
    text = _run("explain", str(spec), "w").output
    assert "watts = 6 kW" in text and "twice = 6" in text and "k = 3" in text, text
