"""Session 23's hunt (s23-hunt): defects a new user meets, each test failing before its fix.

    inference: a service of `output_tokens = 1` has no second token, so no time per output token: tpot, tpot_mean,
    tpot_p99 (their bands) and what reads them (tokens_per_s_per_user = 1 / tpot, tpot_limit_use) are n/a with
    the reason; before, it printed "tpot 71.46 ms" and "tokens_per_s_per_user 13.99 tok/s" (one decode step).
    optimize --heatmap: a cell whose value a warning flags is hatched, with the reason in its tooltip and the
    legend, as the text and JSON mark it; its axes read in the parameters' units. Before, the 80 USD/kWh cells
    read clean and the axis read "energy_price = 2.778e-08" (USD/J with no unit).
    plan --policy: a gate key given twice is said at its second place (the one to delete), naming the first;
    before, at the first.
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli import main

from test_plan_costs import STARTER, _edit   # tests/ is on the path: the starter and its checked edits

ONE_TOKEN = """\
from systems import DGX_H100
from models import Llama3_1_8B
param out = [1 tok, 2 tok]
site s {
  inference svc {
    model = Llama3_1_8B
    system = DGX_H100
    accelerators = 8
    precision = "bf16"
    scenario = "single_stream"
    input_tokens = 1000 tok
    output_tokens = out
  }
}
"""
PER_TOKEN = ("tpot", "tpot_mean", "tpot_p99", "tokens_per_s_per_user")


def test_one_output_token_has_no_time_per_output_token(tmp_path: Path) -> None:
    """TPOT = (e2e - TTFT) / (O - 1): undefined at O = 1. The sweep's O = 2 scenario keeps its figure (finite,
    positive), and the O = 1 scenario's throughput and TTFT are still computed (the solve is unchanged)."""
    spec = tmp_path / "one.factory"
    spec.write_text(ONE_TOKEN)
    res = CliRunner().invoke(main, ["eval", str(spec), "--format", "json"])
    assert res.exit_code == 0, res.output
    q = json.loads(res.stdout)["quantities"]
    for name in PER_TOKEN:
        entry = q[f"s.svc.{name}"]
        assert entry["values"][0] is None and entry["values"][1] > 0, (name, entry)
        assert entry["absent"]["scenarios"] == [0] and "no second token" in entry["absent"]["reason"], entry
    for name in ("tokens_per_s", "ttft"):
        assert all(v > 0 for v in q[f"s.svc.{name}"]["values"]), (name, q[f"s.svc.{name}"])
    text = CliRunner().invoke(main, ["eval", str(spec), "-D", "out=1 tok", "--select", "s.svc.tpot"])
    assert "n/a" in text.stdout and "ms" not in text.stdout.split("s.svc.tpot", 1)[1].split("\n")[0], text.stdout


HEAT = ["--vary", "racks=1..2", "--vary", "energy_price=[0.1 USD/kWh, 80 USD/kWh]", "--quiet"]


def test_the_heatmap_marks_the_cells_a_warning_flags(tmp_path: Path) -> None:
    """The 80 USD/kWh column (an implausible price: `implausible-value` flags tco_year there, as optimize's text
    marks the chosen plan) is hatched; the 0.1 USD/kWh column is not. Rows: racks 1, 2; columns: the two prices."""
    spec = tmp_path / "s.factory"
    spec.write_text(_edit(STARTER, ('    assert gpus == 64, "four racks of two 8-GPU servers"\n', "")))
    out = tmp_path / "h.svg"
    res = CliRunner().invoke(main, ["optimize", str(spec), "--maximize", "headquarters.tco_year", *HEAT,
                                    "--heatmap", str(out)])
    assert res.exit_code == 0, res.output
    ns = "{http://www.w3.org/2000/svg}"
    root = ET.parse(out).getroot()
    marked = {(r.get("x"), r.get("y")) for r in root.iter(f"{ns}rect") if r.get("class") == "flagged"}
    assert marked == {("164", "40"), ("164", "54")}, marked           # the second column, both rows
    why = "computed from an input outside its published range"
    texts = [t.text or "" for t in root.iter(f"{ns}text")]
    assert any(why in t for t in texts) and any("hatched: flagged" in t for t in texts), texts
    assert "energy_price = 0.1 USD/kWh" in texts and "80 USD/kWh" in texts, texts
    clean = tmp_path / "c.svg"                 # no flagged cell: no hatching, no legend line
    res = CliRunner().invoke(main, ["optimize", str(spec), "--maximize", "headquarters.tco_year", "--vary",
                                    "racks=1..2", "--vary", "energy_price=[0.1 USD/kWh, 0.2 USD/kWh]", "--quiet",
                                    "--heatmap", str(clean)])
    assert res.exit_code == 0 and "flagged" not in clean.read_text(), res.output


@pytest.mark.parametrize("first", ['[headquarters.capex]\nmax = "5 MUSD"\n', '[headquarters]\ncapex = { max = "5 MUSD" }\n'])
def test_a_gate_given_twice_is_said_where_it_is_given_again(tmp_path: Path, first: str) -> None:
    spec = tmp_path / "s.factory"
    spec.write_text(STARTER)
    policy = tmp_path / "policy.toml"
    policy.write_text(first + '\n["headquarters.capex"]\nmax = "6 MUSD"\n')
    res = CliRunner().invoke(main, ["plan", str(spec), str(spec), "--policy", str(policy)])
    assert res.exit_code == 2, res.output
    assert f"{policy}:5:1: [headquarters.capex] max is given twice (first at line 2)" in res.output, res.output


class _Editor:
    """An editor's side of `factory.explain`: the messages it is shown, and a `window/showDocument` it never
    answers (an editor that advertises the capability and then drops the request)."""

    def __init__(self, analysis=None):
        from types import SimpleNamespace
        self.messages: list = []
        self.client_capabilities = SimpleNamespace(window=SimpleNamespace(show_document=True))
        self._analysis = analysis

    def window_show_message(self, params) -> None:
        self.messages.append(params.message)

    def analysis(self, uri):
        return self._analysis

    async def window_show_document_async(self, params):
        import asyncio
        await asyncio.Event().wait()                    # never answered


def test_the_explain_command_neither_raises_nor_hangs(monkeypatch) -> None:
    """`factory.explain` with too few arguments says what it takes (before: an IndexError traceback in the server's
    log and a null answer); an editor that never answers showDocument gets the text as a message after
    SHOW_DOCUMENT_WAIT_S (before: the command never returned)."""
    import asyncio
    from types import SimpleNamespace

    import compiler.explain
    from compiler.lsp import server

    editor = _Editor()
    assert asyncio.run(server.explain_command(editor)) is None
    assert asyncio.run(server.explain_command(editor, "file:///x.factory")) is None
    assert len(editor.messages) == 2 and all("takes a document's URI" in m for m in editor.messages)
    analysis = SimpleNamespace(results=SimpleNamespace(graph=SimpleNamespace(nodes={"s.x": None})),
                               sink=SimpleNamespace(sources={}))
    monkeypatch.setattr(compiler.explain, "derivation", lambda results, path, sources: path)
    monkeypatch.setattr(compiler.explain, "render_text", lambda found: f"{found} = 1 W")
    monkeypatch.setattr(server, "SHOW_DOCUMENT_WAIT_S", 0.05)
    editor = _Editor(analysis)
    text = asyncio.run(asyncio.wait_for(server.explain_command(editor, "file:///x.factory", "s.x"), 5))
    assert text == "s.x = 1 W" and editor.messages == ["s.x = 1 W"], editor.messages


def test_a_plan_whose_objective_is_na_is_not_called_infeasible(tmp_path: Path) -> None:
    """Minimizing the TPOT over output_tokens [1, 2]: the 1-token plan runs (feasible 1) but has no TPOT. It is
    counted apart, not as infeasible (before: "1 of 2 scenarios feasible"; with out = 1 alone "0 of 1 scenarios
    feasible / no feasible plan"), and drawn light grey in the heatmap, not the infeasible grey."""
    spec = tmp_path / "one.factory"
    spec.write_text(ONE_TOKEN.replace("param out = [1 tok, 2 tok]", "param out = 1 tok\nparam acc = 8")
                    .replace("accelerators = 8", "accelerators = acc"))
    out = tmp_path / "h.svg"
    res = CliRunner().invoke(main, ["optimize", str(spec), "--minimize", "s.svc.tpot", "--vary", "out=[1 tok, 2 tok]",
                                    "--vary", "acc=[8, 16]", "--quiet", "--heatmap", str(out)])
    assert res.exit_code == 0, res.output
    assert "2 of 4 scenarios feasible, 2 more feasible where `s.svc.tpot` has no value (n/a)" in res.stdout, res.stdout
    ns = "{http://www.w3.org/2000/svg}"
    cells = [r.get("fill") for r in ET.parse(out).getroot().iter(f"{ns}rect") if r.get("width") == "14"][:4]
    assert cells[:2] == ["#eeeeee", "#eeeeee"] and "#cccccc" not in cells, cells
    doc = json.loads(CliRunner().invoke(main, ["optimize", str(spec), "--minimize", "s.svc.tpot", "--vary",
                                               "out=[1 tok]", "--quiet", "--format", "json"]).stdout)
    assert doc["scenarios"]["feasible"] == 0 and doc["scenarios"]["no_objective_value"] == 1 and doc["best"] is None


def test_show_takes_a_name_as_a_spec_writes_it_after_import() -> None:
    """`import chips` then `chips.H100_SXM` in a spec: `factory show chips.H100_SXM` shows that definition, as
    `show H100_SXM` does (before: "no stdlib definition `chips.H100_SXM`", exit 2); another module's prefix is
    still refused."""
    plain = CliRunner().invoke(main, ["show", "H100_SXM", "--format", "json"])
    dotted = CliRunner().invoke(main, ["show", "chips.H100_SXM", "--format", "json"])
    assert plain.exit_code == dotted.exit_code == 0 and dotted.stdout == plain.stdout, dotted.output
    wrong = CliRunner().invoke(main, ["show", "systems.H100_SXM"])
    assert wrong.exit_code == 2 and "no stdlib definition" in wrong.output


def test_the_hover_says_where_a_figure_is_na_and_flags_an_output(tmp_path: Path) -> None:
    """The editor's hover shows what eval's table shows: an output's value with its flag mark (the knife-edge
    warning flags the TPOT of the out = 2 scenario: before, `svc.tpot`'s hover had no mark while the let
    reading it had one), the scenarios where it is n/a with the reason (before: the range of the others alone),
    and `n/a (why)` where it has no value at all (before: no value and no word)."""
    from compiler.lsp.analysis import Analysis, hover_markdown

    # (on the batch grid, `capacity_solve` 0: the point solved to 0.88 of the limits, the planning default since
    # 2026-12-07, leaves the TPOT off its knife edge, and this test is about the hover's mark, not the point)
    sweep = ONE_TOKEN.replace('scenario = "single_stream"', 'scenario = "server"\n    let capacity_solve = 0') \
        .replace("\n}\n", "\n  let t = svc.tpot\n}\n")
    text = ONE_TOKEN.replace("[1 tok, 2 tok]", "1 tok").replace("\n}\n", "\n  let t = svc.tpot\n}\n")
    why = "output_tokens is at most 1: a request has no second token"
    for source, expect in ((sweep, ["(\u26a0 on a knife edge", f"(n/a in 1 of 2 scenarios: {why}"]),
                           (text, [f"= **n/a** ({why}"])):
        spec = tmp_path / "h.factory"
        spec.write_text(source)
        analysis = Analysis(source, str(spec), str(tmp_path))
        for at in (source.index("let t") + 4, source.index("svc.tpot") + 5):
            hover, _ = hover_markdown(analysis, at)
            assert all(e in hover for e in expect), hover


def test_a_reference_field_completes_with_the_definitions_of_its_kind(tmp_path: Path) -> None:
    """`model = ` in an inference service: the models (the stdlib's with their import when none is imported; the
    imported one, once, first, when one is), also with its name half typed; `switch = ` in a network: switches.
    Before: the names in scope and keywords only (no model when none was imported), the imported model twice."""
    from compiler.lsp.analysis import Analysis, completions

    bare = "site s {\n  inference i {\n    model = \n  }\n  network n {\n    switch = \n  }\n}\n"
    analysis = Analysis(bare, str(tmp_path / "a.factory"), str(tmp_path))
    models = completions(analysis, bare.index("model = ") + len("model = "))
    assert {"Llama3_1_70B", "Mixtral_8x7B"} <= {c.label for c in models}, [c.label for c in models]
    assert all(c.kind == "definition" and "from models import" in c.import_line[1] for c in models)
    switches = completions(analysis, bare.index("switch = ") + len("switch = "))
    assert "SN5600" in {c.label for c in switches} and "Llama3_1_70B" not in {c.label for c in switches}
    text = "from systems import DGX_H100\nfrom models import Llama2_70B\nsite s {\n  inference i {\n" \
           "    model = Llama2_70B\n    system = DGX_H100\n  }\n}\n"
    analysis = Analysis(text, str(tmp_path / "b.factory"), str(tmp_path))
    typed = completions(analysis, text.index("= Llama2") + len("= Ll"))
    labels = [c.label for c in typed]
    assert labels.count("Llama2_70B") == 1 and min(typed, key=lambda c: c.sort or "~" + c.label).label == "Llama2_70B"
    assert "DGX_H100" not in [c.label for c in typed if c.kind == "definition"], labels


def test_check_can_fail_on_a_warning(tmp_path: Path) -> None:
    """A CI step can fail on a figure a warning flags, as `plan --fail-on warning` can: an energy price of
    80 USD/kWh (implausible-value) exits 1 with `--fail-on warning`, 0 by default (before: no such option, exit 0
    whatever the warnings); the clean starter exits 0 either way."""
    spec = tmp_path / "s.factory"
    spec.write_text(STARTER.replace("0.12 USD/kWh", "80 USD/kWh"))
    clean = tmp_path / "c.factory"
    clean.write_text(STARTER)
    runs = {(str(f), how): CliRunner().invoke(main, ["check", str(f), "--fail-on", how, "--format", "json"]).exit_code
            for f in (spec, clean) for how in ("error", "warning")}
    assert runs == {(str(spec), "error"): 0, (str(spec), "warning"): 1, (str(clean), "error"): 0,
                    (str(clean), "warning"): 0}, runs


def test_a_tpot_limit_does_not_bind_a_one_token_service(tmp_path: Path) -> None:
    """A TPOT limit holds the time between a request's tokens; a one-token request has none, so the limit cannot
    bind it: a server service of `output_tokens = 1` with `tpot_limit = 1 ms` (before: refused, 'fastest decode step
    ... > tpot_limit 1 ms') gives the figures of the same service without the limit, number for number; its two-token
    scenario is still held to the limit (infeasible at 1 ms)."""
    server = ONE_TOKEN.replace('"single_stream"', '"server"')
    limited = server.replace("    output_tokens = out\n", "    output_tokens = out\n    tpot_limit = 1 ms\n")
    runs = []
    for text in (server, limited):
        spec = tmp_path / "one.factory"
        spec.write_text(text)
        res = CliRunner().invoke(main, ["eval", str(spec), "--format", "json"])
        runs.append((res.exit_code, json.loads(res.stdout)["quantities"] if res.stdout.startswith("{") else None,
                     res.output))
    (code, free, _), (code_l, held, out_l) = runs
    assert code == 0 and held is not None, out_l
    for name in ("tokens_per_s", "ttft", "ttft_p99", "accelerators_used"):
        if f"s.svc.{name}" in free:
            assert held[f"s.svc.{name}"]["values"][0] == free[f"s.svc.{name}"]["values"][0], name
    assert held["s.svc.tokens_per_s"]["values"][0] > 0
    assert held["s.svc.tokens_per_s"]["values"][1] is None            # two tokens: held to 1 ms, not carried
