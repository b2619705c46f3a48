"""Laws of the three ways people use factory-dsl (session 10 audit): the editor (compiler/lsp), plans in CI
(compiler/plan.py) and diagrams. Each test states a law a user relies on; the specs are small and written here."""
from __future__ import annotations

from pathlib import Path

import pytest

from compiler.lsp.analysis import (Analysis, RenameRefused, completions, hover_markdown, quick_fixes,
                                   rename_edits)
from test_lsp import _stop  # a server not told to exit is killed after 10 s: a failing test fails, not hangs

SPEC = '''from chips import H100_SXM

param racks = 4

server hgx {
  chip gpu: H100_SXM x 8
  max_power = 10.2 kW
}

rack air_rack {
  server node: hgx x 2
  power_limit = 25 kW
  let draw = sum(server.max_power)
  assert draw <= power_limit, "fits"
}

site office {
  electricity_price = 0.12 USD/kWh
  hall room {
    rack r: air_rack x racks
    let total = sum(rack.draw)
  }
}
'''


def _apply(text: str, edits) -> str:
    for span, new in sorted(edits, key=lambda e: -e[0].start):
        text = text[:span.start] + new + text[span.end:]
    return text


@pytest.fixture(scope="module")
def office(tmp_path_factory) -> Analysis:
    folder = tmp_path_factory.mktemp("uses")
    return Analysis(SPEC, str(folder / "office.factory"), str(folder))


# ------------------------------------------------------------------------------------------- editor
def test_a_selection_by_kind_refers_to_the_members_it_reaches(office) -> None:
    """`sum(server.max_power)` and `sum(rack.draw)` read the field and the let of the parts they select (the
    checker's reading): hover, go-to-definition and references see them as the plain name `draw` does."""
    field = office.resolve(office.at(SPEC.index("server.max_power") + 8))
    assert field is not None and field.name == "max_power" and field.name_span.start == SPEC.index("max_power = 10.2")
    let = office.resolve(office.at(SPEC.index("rack.draw") + 6))
    assert let is office.resolve(office.at(SPEC.index("let draw") + 5))
    starts = sorted(s.start for s in office.references(let))
    assert starts == sorted([SPEC.index("let draw") + 4, SPEC.index("draw <= "), SPEC.index("rack.draw") + 5])
    hover, _ = hover_markdown(office, SPEC.index("rack.draw") + 6)
    plain, _ = hover_markdown(office, SPEC.index("draw <= ") + 1)
    assert hover == plain and "20.4 kW" in hover          # 2 servers x 10.2 kW
    # the selection's head names a kind, not the part: it is no reference to rename
    node = office.resolve(office.at(SPEC.index("server node") + 8))
    assert [s.start for s in office.references(node)] == [SPEC.index("server node") + 7]


def test_a_rename_keeps_the_spec_meaning_the_same(office) -> None:
    """Law: after a rename the spec has no diagnostic it did not have, and the new name is referred to from
    exactly the places the old one was. `draw` is also read through `rack.draw` (a selection by kind)."""
    edits = rename_edits(office, SPEC.index("let draw") + 5, "load")
    renamed = _apply(SPEC, edits)
    assert len(edits) == 3 and "rack.load" in renamed and "draw" not in renamed
    after = Analysis(renamed, office.path, office.root)
    assert after.sink.items == []
    for new_name, why in (("if", "not a name"), ("power_limit", "duplicate-definition"),
                          ("total", "")):            # `total` would not break the rack: it is the hall's
        if not why:
            assert rename_edits(office, SPEC.index("let draw") + 5, new_name)
            continue
        with pytest.raises(RenameRefused, match=why):
            rename_edits(office, SPEC.index("let draw") + 5, new_name)
    with pytest.raises(RenameRefused, match="field"):    # a field's name is the kind's
        rename_edits(office, SPEC.index("power_limit = 25") + 2, "cap")
    with pytest.raises(RenameRefused, match="invalid-count"):   # `x racks` in the hall would read the let
        rename_edits(office, SPEC.index("param racks") + 7, "total")


def test_a_rename_that_would_capture_a_name_is_refused(tmp_path: Path) -> None:
    """Renaming the module's `a` to `b` would make `c = a * 2` read the site's own `b`: no diagnostic says
    so, the references law does."""
    text = "let a = 2\nsite s {\n  let b = 3\n  let c = a * 2\n}\n"
    analysis = Analysis(text, str(tmp_path / "cap.factory"), str(tmp_path))
    with pytest.raises(RenameRefused, match="refer"):
        rename_edits(analysis, 4, "b")
    assert len(rename_edits(analysis, 4, "z")) == 2


def test_the_hover_of_a_model_output_shows_what_eval_prints(tmp_path: Path) -> None:
    """Law: a figure the spec reads but does not set (`r.it_power`, a model's output; `it_power` of the hall
    itself) hovers with the same value text as `factory eval` prints for it."""
    from click.testing import CliRunner

    from compiler.cli import main

    text = SPEC.replace("    let total = sum(rack.draw)",
                        "    let total = sum(rack.draw)\n    let p = r.it_power + it_power")
    spec = tmp_path / "outputs.factory"
    spec.write_text(text)
    printed = dict(line.split(None, 1) for line in CliRunner().invoke(main, ["eval", str(spec)]).stdout.splitlines()
                   if line.startswith("office.room."))
    analysis = Analysis(text, str(spec), str(tmp_path))
    for needle, delta, path in (("r.it_power", 3, "office.room.r.it_power"),
                                ("+ it_power", 3, "office.room.it_power")):
        hover, _ = hover_markdown(analysis, text.index(needle) + delta)
        assert hover.startswith("**output** `it_power`") and f"= **{printed[path].strip()}**" in hover, hover


@pytest.mark.parametrize("typed, units", [
    ("    let k = 2 ", True), ("    power_limit = 2.5e3 k", True),        # right after a number: its unit
    ("    let k = DGX_B200 ", False),                                     # a name that ends in digits
    ("    server n: DGX_B200 x 2 ", False),                               # a count takes no unit
    ("    # 4 ", False), ('    location = "room 4 ', False),              # a comment, a string
])
def test_units_are_proposed_only_right_after_a_number(tmp_path: Path, typed: str, units: bool) -> None:
    """Law: completion proposes units where the grammar takes one (a NUMBER then its UNIT), and nothing
    inside a comment or a string that is not a choice."""
    text = "from systems import DGX_B200\nsite s {\n  rack r x 2 {\n" + typed
    analysis = Analysis(text + "\n  }\n}\n", str(tmp_path / "c.factory"), str(tmp_path))
    kinds = {c.kind for c in completions(analysis, len(text))}
    assert ("unit" in kinds) == units, kinds
    if typed.lstrip().startswith(("#", "location")):
        assert kinds == set()


@pytest.mark.parametrize("base", ["Nope", "office", "hgx"])      # unknown; a site; a server, not a chip
def test_a_part_whose_base_is_wrong_is_one_error(tmp_path: Path, base: str) -> None:
    """Law: one mistake, one diagnostic. A part whose base is unknown or of another kind is reported at the
    base; the fields the base would have set (a chip's `tdp`) are not also reported missing."""
    text = SPEC.replace("chip gpu: H100_SXM x 8", f"chip gpu: {base} x 8")
    analysis = Analysis(text, str(tmp_path / "b.factory"), str(tmp_path))
    assert [d.code for d in analysis.sink.errors if d.code == "missing-field"] == []
    assert len(analysis.sink.errors) == 1, [d.message for d in analysis.sink.errors]


def test_a_stdlib_name_without_its_import_is_one_error_that_its_quick_fix_clears(tmp_path: Path) -> None:
    """Laws: one mistake gives one diagnostic (a part whose base is unknown is not also missing the fields
    the base would set); an unknown name the stdlib defines says which import it needs, and applying the
    quick fix (or the completion with its import) gives a spec that checks clean."""
    path = str(tmp_path / "q.factory")
    text = '"""A box."""\nserver s {\n  chip gpu: H100_SXM x 8\n}\n'
    analysis = Analysis(text, path, str(tmp_path))
    (diag,) = analysis.sink.items
    assert diag.code == "unknown-name" and "from chips import H100_SXM" in diag.help
    (fix,) = quick_fixes(analysis)
    _diag, span, new_text, _title, how = fix
    fixed = text[:span.start] + new_text + text[span.end:]
    assert how == "insert" and Analysis(fixed, path, str(tmp_path)).sink.items == []
    typing = text.replace("H100_SXM x 8", "H1")
    item = next(c for c in completions(Analysis(typing, path, str(tmp_path)), typing.index("H1") + 2)
                if c.label == "H100_SXM")
    at, line = item.import_line
    done = typing[:at] + line + typing[at:].replace("H1\n", "H100_SXM x 8\n")
    assert Analysis(done, path, str(tmp_path)).sink.items == [], done


# ------------------------------------------------------------------------------------------- plan
PLAN_SPEC = '''server box {
  max_power = 10 kW
  price = 1000 USD
}
site s {
  electricity_price = 0.1 USD/kWh
  hall h {
    rack r x 2 {
      server n: box x 4
    }
    let x = 5 kW
    let rent = 3 USD/h
  }
}
'''


def _plan(tmp_path: Path, old: str, new: str, *extra: str, fmt: str = "json"):
    import json

    from click.testing import CliRunner

    from compiler.cli import main

    a, b = tmp_path / "old.factory", tmp_path / "new.factory"
    a.write_text(old)
    b.write_text(new)
    result = CliRunner().invoke(main, ["plan", str(a), str(b), "--format", fmt, *extra])
    return result, (json.loads(result.stdout) if fmt == "json" else result.stdout)


def test_a_part_change_shows_each_side_as_eval_reads_it(tmp_path: Path) -> None:
    """Law: each side of a changed let reads in its own unit, the one it is declared in (`factory eval`
    prints `5 kW` and `5 h`); the old value is never shown in the new value's unit (5 kW is not 1.389 h)."""
    new = PLAN_SPEC.replace("let x = 5 kW", "let x = 5 h").replace("rent = 3 USD/h", "rent = 4 USD/h")
    result, text = _plan(tmp_path, PLAN_SPEC, new, fmt="text")
    assert result.exit_code == 3, result.output
    assert "x: 5 kW -> 5 h" in text
    assert "rent: $3.00/h -> $4.00/h" in text          # to the cent (s15-money)
    _, doc = _plan(tmp_path, PLAN_SPEC, new)
    (hall,) = [p for p in doc["parts"] if p["path"] == "s.h"]
    x = {d["what"]: d for d in hall["details"]}["x"]
    assert (x["old"], x["old_unit"], x["new"], x["unit"]) == (5000.0, "W", 18000.0, "s")


def test_a_new_spec_that_cannot_be_evaluated_removes_nothing(tmp_path: Path) -> None:
    """Law: when the new spec has errors that stop evaluation, nothing is known of its figures, so the plan
    lists no part as removed, no KPI as absent and no failing check of the old spec as fixed; exit 1."""
    old = PLAN_SPEC.replace("  hall h {", "  hall h {\n    assert x <= 1 kW, \"small\"")
    broken = PLAN_SPEC.replace("max_power = 10 kW", "max_power = 10 kWW")
    result, doc = _plan(tmp_path, old, broken)
    assert result.exit_code == 1
    assert doc["new_evaluated"] is False
    assert doc["parts"] == [] and doc["kpis"] == [] and doc["checks"]["fixed"] == []
    assert [d["code"] for d in doc["new_diagnostics"]] == ["unknown-unit"]
    # the other way round every figure is new, and the plan says why rather than "goes from absent"
    result, text = _plan(tmp_path, broken, PLAN_SPEC, fmt="text")
    assert result.exit_code == 3 and "The old spec has errors" in text.splitlines()[1]


SERVING = '''from systems import DGX_H100
from models import Llama3_1_70B

site lab {
  electricity_price = 0.1 USD/kWh
  inference chat {
    model = Llama3_1_70B
    system = DGX_H100
    precision = "fp8"
    input_tokens = 1000 tok
    output_tokens = 200 tok
  }
}
'''


def test_a_plan_shows_the_latencies_a_service_is_held_to_and_reverses(tmp_path: Path) -> None:
    """Laws: a change that moves a service's latency shows it (time to first token and per output token are
    KPIs, as tokens/s and $/Mtok are); `plan A B` and `plan B A` give opposite changes of every KPI."""
    slower = SERVING.replace('precision = "fp8"', 'precision = "bf16"')
    result, ab = _plan(tmp_path, SERVING, slower)
    assert result.exit_code == 3, result.output
    _, ba = _plan(tmp_path, slower, SERVING)
    forward = {k["path"]: k for k in ab["kpis"]}
    backward = {k["path"]: k for k in ba["kpis"]}
    assert forward.keys() == backward.keys()
    for path, k in forward.items():
        if k["change"] is None:         # a figure with no value on either side (a site with no racks has no PUE)
            assert backward[path]["change"] is None, path
            continue
        assert k["change"] == pytest.approx(-backward[path]["change"], rel=1e-12, abs=0.0), path
    for name in ("ttft", "tpot"):
        k = forward[f"lab.chat.{name}"]
        assert k["changed"] and k["unit"] == "s" and k["change"] == pytest.approx(k["new"] - k["old"])


def test_an_import_changed_on_disk_makes_the_values_fresh(tmp_path: Path) -> None:
    """Law: the editor's answers are those of the files as they are: an imported file that is not open and
    changes on disk (another program saved it) makes the document's analysis stale, so its next hover reads
    the new value."""
    import os

    common = tmp_path / "common.factory"
    common.write_text("let budget = 10 kW\n")
    text = 'from "./common.factory" import budget\nlet twice = budget * 2\n'
    analysis = Analysis(text, str(tmp_path / "main.factory"), str(tmp_path))
    assert not analysis.stale(text, {})
    assert "20 kW" in hover_markdown(analysis, text.index("twice") + 1)[0]
    common.write_text("let budget = 15 kW\n")
    os.utime(common, ns=(os.stat(common).st_atime_ns, os.stat(common).st_mtime_ns + 10**9))
    assert analysis.stale(text, {})
    fresh = Analysis(text, str(tmp_path / "main.factory"), str(tmp_path))
    assert "30 kW" in hover_markdown(fresh, text.index("twice") + 1)[0]


# ------------------------------------------------------------------------------------------- keywords as names
@pytest.mark.parametrize("form", ["let {w} = 1\n", "param {w} = 1\n", "chip {w} {{\n  tdp = 1 W\n}}\n",
                                  "server s {{\n  let {w} = 1\n}}\n",
                                  "chip c {{\n  tdp = 1 W\n}}\nserver s {{\n  chip {w}: c x 2\n}}\n"])
def test_a_definition_named_by_a_keyword_is_one_error_at_its_name(form: str) -> None:
    """Laws: every definition can be referred to. A definition (let, param, block, part) named by a word the
    grammar reads as a keyword where a name could be read is one `reserved-name` error, at the name; a keyword of
    the grammar that it does not refuse (`x`, `step`, `as`, `extends`: words of a header, a range or an import
    only) is read as that name in an expression."""
    import dsl
    from dsl.parser import KEYWORDS
    from dsl.resolve import RESERVED_NAMES

    assert RESERVED_NAMES <= set(KEYWORDS)
    for word in RESERVED_NAMES:
        text = form.format(w=word)
        _checked, sink = dsl.check_text(text, "kw.factory")
        assert [d.code for d in sink.items] == ["reserved-name"], (text, [d.message for d in sink.items])
        span = sink.items[0].span
        assert text[span.start:span.end] == word and "keyword" in sink.items[0].message
    if form.startswith(("let", "param")):
        for word in sorted(set(KEYWORDS) - RESERVED_NAMES):
            text = form.format(w=word) + f"let reads = {word} + 1\n"
            _checked, sink = dsl.check_text(text, "kw.factory")
            assert sink.items == [], (text, [d.message for d in sink.items])


# ----------------------------------------------------------------------------------- one mistake, one diagnostic
PLACED_TWICE = '''from systems import DGX_H200
from models import Llama2_70B
inference svc {
  model = Llama2_70B
  system = DGX_H200
  accelerators = 8
  scenario = "server"
  let cuda_graphs = 1
}
site campus {
  inference a: svc
}
site annex {
  inference b: svc
}
'''


def test_a_definition_and_its_placements_give_one_diagnostic_per_line(tmp_path: Path) -> None:
    """Law: one mistake, one diagnostic. The evaluator reports per instance; diagnostics at one span with one
    code whose messages differ only in the instance they name are one, which names the other instances (the
    definition `svc` and its placements `campus.a`, `annex.b` share the line of the `let`)."""
    from compiler import check_text

    _checks, sink = check_text(PLACED_TWICE, str(tmp_path / "placed.factory"))
    warnings = [d for d in sink.items if d.code == "no-effect"]
    assert len(warnings) == 1, [d.message for d in warnings]
    places = {"svc", "campus.a", "annex.b"}
    named = [p for p in places if f"`{p}." in warnings[0].message or f"`{p}`" in " ".join(warnings[0].notes)]
    assert sorted(named) == sorted(places), (warnings[0].message, warnings[0].notes)
    keys = [(d.severity, d.code, d.span) for d in sink.items]
    assert len(keys) == len(set(keys))


def test_a_plan_lists_a_definition_once_and_its_placements_as_parts(tmp_path: Path) -> None:
    """Laws: a plan lists placed parts, and each definition once, as a definition: a top-level block that the
    spec places or extends elsewhere (`hgx`, `air_rack`) has role "definition", and no part inside it is
    listed (`air_rack.node` is the definition's template, not a part). So one edit to a definition shows at the
    definition and at each placement, never a third time as a part of another definition; reversed, the same
    parts change."""
    new = SPEC.replace("max_power = 10.2 kW", "max_power = 11 kW")
    _, doc = _plan(tmp_path, SPEC, new)
    assert {p["path"] for p in doc["parts"]} >= {"hgx", "office.room.r.node"}
    roles = {p["path"]: p.get("role") for p in doc["parts"]}
    definitions = {p for p, role in roles.items() if role == "definition"}
    assert definitions and all("." not in p for p in definitions)
    assert not any(p.startswith(d + ".") for p in roles for d in definitions), roles
    seen: dict[tuple, int] = {}
    for p in doc["parts"]:
        for d in p["details"]:
            key = (d["what"], d["old"], d["new"])
            seen[key] = seen.get(key, 0) + (p["role"] == "definition")
    assert seen and all(count <= 1 for count in seen.values()), seen
    rows = [p["path"] for p in doc["parts"] for d in p["details"] if d["what"] == "max_power"]
    assert sorted(rows) == ["hgx", "office.room.r.node"]          # the definition, its one placement
    _, back = _plan(tmp_path, new, SPEC)
    assert sorted(p["path"] for p in back["parts"]) == sorted(roles)


# ------------------------------------------------------------------------------ the editor shows what check shows
OUT_OF_RANGE_LET = '''from systems import DGX_H200
from models import Llama2_70B
param u = [0.5, 1.5]
param n = [-5 tok, 100 tok]
inference svc {
  model = Llama2_70B
  system = DGX_H200
  accelerators = 8
  scenario = "server"
  input_tokens = n
  let utilization = u
  assert tokens_per_s > 1 tok/s, "fast"
}
'''


async def _published_like_check(specs: list[Path], expected: dict) -> dict:
    """Open each spec in a real server (one session) and wait until what it published equals `expected` (uri ->
    sorted diagnostics), or 60 s; returns what it published last, by uri."""
    import asyncio
    import os
    import sys

    from lsprotocol import types as t
    from pygls.lsp.client import LanguageClient

    client = LanguageClient("factory-test", "1")
    last: dict[str, list] = {}

    @client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: t.PublishDiagnosticsParams) -> None:
        last[params.uri] = sorted((d.range.start.line, d.range.start.character, d.code, d.message.split("\n")[0])
                                  for d in params.diagnostics)

    root = Path(__file__).resolve().parents[1]
    await client.start_io(sys.executable, "-m", "compiler.cli", "lsp", cwd=str(root),
                          env=dict(os.environ, PYTHONPATH=str(root)))
    try:
        await client.initialize_async(t.InitializeParams(capabilities=t.ClientCapabilities()))
        client.initialized(t.InitializedParams())
        for spec in specs:
            client.text_document_did_open(t.DidOpenTextDocumentParams(text_document=t.TextDocumentItem(
                uri=spec.as_uri(), language_id="factory", version=1, text=spec.read_text(encoding="utf-8"))))
        for _ in range(300):
            if all(last.get(uri) == want for uri, want in expected.items()):
                break
            await asyncio.sleep(0.2)
        await client.shutdown_async(None)
        client.exit(None)
    finally:
        await _stop(client)
    return last


def test_the_editor_publishes_every_error_check_reports_at_its_span(tmp_path: Path) -> None:
    """Law: every diagnostic `factory check` reports for a spec, the language server publishes for it, at the same
    file, line and column, with the same code and message: the examples, and specs whose lets and fields are outside
    their range (a let or field refused in some scenarios of a sweep, and a definition with an out-of-range let that
    the spec imports and places: its error is in the imported file, so it is published there). The first stage the
    server publishes (the checks alone) is a part of what check reports: a refused let's error, never an assert
    judged on the figures the let left uncomputed."""
    import asyncio

    from compiler import check_files
    from compiler.lsp.analysis import Analysis

    root = Path(__file__).resolve().parents[1]
    (tmp_path / "common.factory").write_text(OUT_OF_RANGE_LET.replace("input_tokens = n", "input_tokens = 100 tok")
                                             .replace("let utilization = u", "let utilization = 1.5"))
    (tmp_path / "main.factory").write_text('from "./common.factory" import svc\nsite s {\n  inference chat: svc\n}\n')
    (tmp_path / "sweep.factory").write_text(OUT_OF_RANGE_LET)
    flagship = (root / "examples" / "flagship_campus.factory").read_text()
    (tmp_path / "flagship.factory").write_text(flagship.replace("    tpot_limit = 50 ms", "    tpot_limit = 50 ms\n"
                                                                "    let utilization = 1.5"))
    specs = [root / "examples" / "enterprise_starter.factory", tmp_path / "flagship.factory",
             tmp_path / "sweep.factory", tmp_path / "main.factory"]
    expected: dict[str, list] = {}
    for spec in specs:
        expected.setdefault(spec.as_uri(), [])
        _checks, sink = check_files([str(spec)])
        for d in sink.items:
            uri = Path(d.span.file).resolve().as_uri()
            expected.setdefault(uri, []).append((d.span.line - 1, d.span.col - 1, d.code, d.message.split("\n")[0]))
        # the first stage: a part of the whole
        text = spec.read_text()
        analysis = Analysis(text, str(spec), str(spec.parent))
        first = {(d.code, d.message, d.span) for d in analysis.checks_diagnostics()}
        assert first <= {(d.code, d.message, d.span) for d in sink.items}, first
    expected = {uri: sorted(v) for uri, v in expected.items()}
    assert sum(len(v) for v in expected.values()) >= 4
    published = asyncio.run(_published_like_check(specs, expected))
    assert {uri: published.get(uri) for uri in expected} == expected


async def _imported_file_saved_elsewhere(tmp: Path) -> tuple[list, list]:
    import asyncio
    import os
    import sys

    from lsprotocol import types as t
    from pygls.lsp.client import LanguageClient

    common, spec = tmp / "common.factory", tmp / "main.factory"
    common.write_text("let budget = 10 kW\n", encoding="utf-8")
    spec.write_text('from "./common.factory" import budget\nassert budget >= 20 kW, "enough"\n', encoding="utf-8")
    client = LanguageClient("factory-test", "1")
    history: list[list[str]] = []
    registered: list = []

    @client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: t.PublishDiagnosticsParams) -> None:
        if params.uri == spec.as_uri():
            history.append([d.code for d in params.diagnostics])

    @client.feature(t.CLIENT_REGISTER_CAPABILITY)
    def on_register(params: t.RegistrationParams) -> None:
        registered.extend(params.registrations)

    root = Path(__file__).resolve().parents[1]
    await client.start_io(sys.executable, "-m", "compiler.cli", "lsp", cwd=str(root),
                          env=dict(os.environ, PYTHONPATH=str(root)))

    async def until(condition) -> None:
        for _ in range(300):
            if condition():
                return
            await asyncio.sleep(0.1)
    try:
        capabilities = t.ClientCapabilities(workspace=t.WorkspaceClientCapabilities(
            did_change_watched_files=t.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True)))
        await client.initialize_async(t.InitializeParams(capabilities=capabilities, root_uri=tmp.as_uri()))
        client.initialized(t.InitializedParams())
        client.text_document_did_open(t.DidOpenTextDocumentParams(text_document=t.TextDocumentItem(
            uri=spec.as_uri(), language_id="factory", version=1, text=spec.read_text(encoding="utf-8"))))
        await until(lambda: ["assert-failed"] in history)
        common.write_text("let budget = 30 kW\n", encoding="utf-8")          # saved by another program
        client.workspace_did_change_watched_files(t.DidChangeWatchedFilesParams(changes=[t.FileEvent(
            uri=common.as_uri(), type=t.FileChangeType.Changed)]))
        await until(lambda: history[-1] == [])
        await client.shutdown_async(None)
        client.exit(None)
    finally:
        await _stop(client)
    return history, registered


def test_an_import_changed_on_disk_republishes_its_importers_diagnostics(tmp_path: Path) -> None:
    """Law: the diagnostics shown are those of the files as they are. The server registers a watcher of the
    workspace's .factory files (`workspace/didChangeWatchedFiles`), and when an imported file that is not open
    changes on disk, it publishes the diagnostics of the open documents that import it again: raising the
    budget in common.factory clears main's failed assert without an edit to main."""
    import asyncio

    history, registered = asyncio.run(_imported_file_saved_elsewhere(tmp_path))
    assert [r.method for r in registered] == ["workspace/didChangeWatchedFiles"]
    assert ["assert-failed"] in history and history[-1] == [], history


def test_the_scenario_a_plan_compares_does_not_scope_its_exit_code(tmp_path: Path) -> None:
    """Law (docs/ci.md, the contract's exit codes): `--scenario` chooses the figures a plan compares; an assert that
    fails in another scenario is an error of the spec, so `plan A A --scenario 2` exits 1, as `factory check A`
    does, with the assert among the failing checks."""
    from click.testing import CliRunner

    from compiler.cli import main

    spec = PLAN_SPEC.replace("site s {", "param load = [30 kW, 5 kW]\nsite s {").replace(
        "    let x = 5 kW", "    let x = load\n    assert x <= 10 kW, \"small\"")
    result, doc = _plan(tmp_path, spec, spec, "--scenario", "2")
    assert result.exit_code == 1 and doc["changed"] is False
    assert doc["checks"]["failing"] and doc["checks"]["newly_failing"] == []
    path = tmp_path / "a.factory"
    path.write_text(spec)
    assert CliRunner().invoke(main, ["check", str(path)]).exit_code == 1


# ------------------------------------------------------------------------------------------- smaller editor laws
def test_completion_offers_only_the_keywords_the_grammar_takes_there(tmp_path: Path) -> None:
    """Law: a keyword is offered only where the grammar takes it: in an expression the expression's keywords (`if`,
    `and`, `true`, ...), never a statement's (`import`, `from`, `param`, `let`); at a statement of a block `let`
    and `assert`, never `import`, `from` or `param` (misplaced there); at a statement of the module all five."""
    from compiler.lsp.analysis import BLOCK_KEYWORDS, EXPRESSION_KEYWORDS, MODULE_KEYWORDS

    text = "let a = 1\nlet b = a \nserver s {\n  \n}\n\n"
    analysis = Analysis(text, str(tmp_path / "k.factory"), str(tmp_path))

    def keywords(offset: int) -> set[str]:
        return {c.label for c in completions(analysis, offset) if c.kind == "keyword"}
    assert keywords(text.index("a \n") + 2) == set(EXPRESSION_KEYWORDS)
    assert keywords(text.index("{\n  \n") + 4) == set(BLOCK_KEYWORDS)
    assert keywords(len(text)) == set(MODULE_KEYWORDS)
    assert not set(EXPRESSION_KEYWORDS) & (set(MODULE_KEYWORDS) | set(BLOCK_KEYWORDS))


def test_units_are_offered_by_how_common_they_are(tmp_path: Path) -> None:
    """Law: after `max_power = 12 ` the units of power come in the order the editor shows them (sortText, which
    it sorts by), most written first: every unit the stdlib writes before every unit it never writes, so `W`,
    `kW` and `MW` come before `BTU/day` (alphabetically, `BTU/day` came first)."""
    from compiler.lsp.analysis import _units_written

    text = "server s {\n  max_power = 12 \n}\n"
    analysis = Analysis(text, str(tmp_path / "u.factory"), str(tmp_path))
    offered = completions(analysis, text.index("12 ") + 3)
    labels = [c.label for c in sorted(offered, key=lambda c: c.sort)]
    assert labels == [c.label for c in offered] and len({c.sort for c in offered}) == len(offered)
    written = _units_written()
    counts = [written.get(label, 0) for label in labels]
    assert counts == sorted(counts, reverse=True)
    assert {"W", "kW", "MW"} <= set(labels[:5]) and labels.index("MW") < labels.index("BTU/day")


def test_the_hover_of_a_selection_shows_every_part_it_reaches(tmp_path: Path) -> None:
    """Law: the hover of a name shows every definition it refers to: `server.max_power` in a rack that places two
    servers reaches both fields, so it shows both values (10.2 kW and 12 kW) and their count, not the first alone."""
    text = SPEC.replace("  server node: hgx x 2\n", "  server node: hgx x 2\n  server spare: big\n").replace(
        "rack air_rack {", "server big {\n  chip gpu: H100_SXM x 8\n  max_power = 12 kW\n}\n\nrack air_rack {")
    analysis = Analysis(text, str(tmp_path / "sel.factory"), str(tmp_path))
    offset = text.index("server.max_power") + len("server.") + 2
    assert len(analysis.targets(analysis.at(offset))) == 2
    hover, _ = hover_markdown(analysis, offset)
    assert "**2**" in hover and "10.2 kW" in hover and "12 kW" in hover, hover
    hover, _ = hover_markdown(analysis, text.index("server.max_power") + 2)
    assert "`node`" in hover and "`spare`" in hover, hover


def test_an_inlay_hint_never_repeats_a_literal(tmp_path: Path) -> None:
    """Law: an inlay hint shows a value the text does not: never a literal, signed (`= -5 kW`) or not; a value
    computed from it is shown (`-5 kW * 2` = -10 kW)."""
    text = "let a = -5 kW\nlet b = a * 2\nlet c = +3\nlet d = -(-2)\n"
    analysis = Analysis(text, str(tmp_path / "i.factory"), str(tmp_path))
    hints = {text.count("\n", 0, h.offset): h.label for h in analysis.inlay_hints()}
    assert hints == {1: " = -10 kW"}
