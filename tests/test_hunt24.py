"""Session 24's trust hunt (s24-hunt): defects a new user meets, each pinned by a test that failed before its fix.

    LSP hover of a block: its evaluated figures in a stated order (`hover_figure_order`: the KPIs `factory plan`
    compares, then the report's columns of that kind, then the rest alphabetically), 16 shown and a count of the
    rest; before, the first 16 names alphabetically (a site showed `air_chillers_run` and `capex_building_share`,
    never its PUE, facility power or TCO).
    LSP position encoding: the server announces UTF-16 whatever the editor offers; before, pygls took the editor's
    first offer (Neovim and Helix: utf-8) and announced it while every position was counted in UTF-16 units, so
    each non-ASCII character before a position moved it (an emoji by two columns, `é` by one).
    CLI carets: a combining accent, a variation selector, a zero-width joiner and a skin-tone modifier take no
    terminal cell and `⚠️` takes two (`dsl.diagnostics._cells`); before each took one, so a caret after a
    decomposed `Café` stood one column right. Columns: the header, JSON, SARIF and GitHub count code points
    (1-based); the carets terminal cells; the language server UTF-16 units (0-based).
    optimize --heatmap: on a 2-column grid the x axis's end labels, and a 1-row grid's y labels, are no longer
    drawn over each other, nor the x labels over the legend, nor the title past the image's edge.
"""
from __future__ import annotations

import asyncio
import json
import os
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli import main

from test_lsp import _stop                    # tests/ is on the path: a client's server stopped, or killed
from test_plan_costs import STARTER, _edit   # the starter and its checked edits

ROOT = Path(__file__).resolve().parents[1]


# ----------------------------------------------------------------------------- LSP hover of a block

def _block_hover(tmp_path: Path, text: str, at: str) -> tuple[str, list[str]]:
    """The hover at the end of `at` in `text` once evaluated, and the names of its figure table's rows."""
    from compiler.lsp.analysis import Analysis, hover_markdown

    spec = tmp_path / "s.factory"
    spec.write_text(text)
    analysis = Analysis(text, str(spec), str(tmp_path))
    assert analysis.results_within(60) is not None
    hover, _ = hover_markdown(analysis, text.index(at) + len(at))
    rows = [line.split("|")[1].strip() for line in hover.splitlines() if line.startswith("| ") and "---" not in line]
    return hover, rows[1:]                                      # (less the header row)


def test_a_sites_hover_shows_the_figures_a_planner_compares_first(tmp_path: Path) -> None:
    """The starter's site: facility power, IT power, PUE, accelerators, capex, opex and TCO per year are among
    the 16 rows, in plan's KPI order, before any other figure; the rows past 16 are counted. Before: 16 names from
    `accelerators` to `capex_cooling_share`, alphabetically, no PUE, no facility power, no TCO."""
    from compiler.lsp.analysis import MAX_HOVER_ROWS
    from compiler.plan import KPIS

    hover, rows = _block_hover(tmp_path, STARTER, "site head")
    wanted = ["facility_power", "it_power", "pue", "accelerators", "capex", "opex", "tco_year"]
    assert rows[:len(wanted)] == wanted, rows
    kpis = [r for r in rows if r in KPIS]
    assert rows[:len(kpis)] == kpis == sorted(kpis, key=list(KPIS).index), rows
    rest = rows[len(kpis):]
    assert rest == sorted(rest) and len(rows) == MAX_HOVER_ROWS, rows
    assert "more figures (`factory eval --select 'headquarters.*'`)" in hover, hover


def test_a_services_hover_leads_with_its_throughput_cost_and_latency(tmp_path: Path) -> None:
    """An inference service: tokens/s, $/Mtok, TTFT and TPOT are shown (the KPIs, then the report's workload
    columns); before, its first 16 names alphabetically left out tokens_per_s, usd_per_mtok, ttft and tpot."""
    text = STARTER.replace('  hall server_room {', '  inference chat {\n    model = Llama3_1_8B\n    system = hgx_h100\n'
                           '    accelerators = 8\n  }\n  hall server_room {').replace(
        "from chips import H100_SXM, Xeon_8480C", "from chips import H100_SXM, Xeon_8480C\nfrom models import Llama3_1_8B")
    _, rows = _block_hover(tmp_path, text, "inference ch")
    assert rows[:4] == ["tokens_per_s", "served_tokens_per_s", "tokens_per_joule", "usd_per_mtok"], rows
    assert {"ttft", "tpot"} <= set(rows), rows


# ----------------------------------------------------------------------------- columns: CLI, JSON, LSP

EMOJI_LINE = 'site s {\n  let a = "Cafe\u0301 \u26a0\ufe0f \U0001F525" + 3 kW\n}\n'


def test_a_diagnostic_after_wide_and_zero_width_characters_is_placed_in_each_surface(tmp_path: Path) -> None:
    """`let a = "Café ⚠️ 🔥" + 3 kW` (é decomposed: e + U+0301): the string is 12 code points. The header and
    JSON give code points: col 11, end_col 23 (exclusive). The carets are terminal cells: the string takes 1 + 4
    (Café) + 1 + 2 (⚠️) + 1 + 2 (🔥) + 1 = 12 cells (before: 13, one right of its end). The language server gives
    UTF-16 units, 0-based: start 10, end 10 + 13 (the fire emoji is 2 units)."""
    from compiler.lsp.analysis import Analysis
    from compiler.lsp.server import _range

    spec = tmp_path / "e.factory"
    spec.write_text(EMOJI_LINE, encoding="utf-8")
    text = CliRunner().invoke(main, ["check", str(spec)])
    assert text.exit_code == 1 and f"{spec}:2:11: error[type-mismatch]" in text.output, text.output
    quoted = text.output.splitlines()
    caret = next(line for line in quoted if line.lstrip().startswith("|") and "^" in line)
    code_line = next(line for line in quoted if '"Caf' in line)
    assert caret.index("^") == code_line.index('"') and caret.count("^") == 12, (code_line, caret)
    doc = json.loads(CliRunner().invoke(main, ["check", str(spec), "--format", "json"]).stdout)
    where = doc["diagnostics"][0]["location"]
    assert (where["line"], where["col"], where["end_col"]) == (2, 11, 23), where
    analysis = Analysis(EMOJI_LINE, str(spec), str(tmp_path))
    found = next(d for d in analysis.sink.items if d.code == "type-mismatch")
    rng = _range(analysis, found.span)
    assert (rng.start.line, rng.start.character, rng.end.character) == (1, 10, 23), rng


def test_a_lone_zero_width_character_keeps_its_caret(tmp_path: Path) -> None:
    """A stray zero-width space is an invalid character: its line keeps one caret where it is (a zero-width
    character takes no cell, but a caret that marks nothing else is kept)."""
    spec = tmp_path / "z.factory"
    spec.write_text("site s {\n  let a = 1 \u200b+ 2\n}\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["check", str(spec)])
    assert res.exit_code == 1 and ":2:13: error[invalid-character]" in res.output, res.output
    caret = next(line for line in res.output.splitlines() if line.strip().startswith("|") and "^" in line)
    assert caret.count("^") == 1 and caret.index("^") == caret.index("|") + 2 + 12, caret


async def _initialize(offered: list[str]) -> tuple[str, list]:
    """Start `factory lsp`, initialize as an editor that offers `offered` position encodings, open a line with
    a unit error after an emoji; the announced encoding and the published diagnostics."""
    from lsprotocol import types as t
    from pygls.lsp.client import LanguageClient

    client = LanguageClient("factory-test", "1")
    got: asyncio.Queue = asyncio.Queue()

    @client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: t.PublishDiagnosticsParams) -> None:
        got.put_nowait(params.diagnostics)

    text = 'site s {\n  let a = "\U0001F525\u00e9" + 3 kW + 2 TB\n}\n'
    await client.start_io(sys.executable, "-m", "compiler.cli", "lsp", cwd=str(ROOT),
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    try:
        result = await client.initialize_async(t.InitializeParams(capabilities=t.ClientCapabilities(
            general=t.GeneralClientCapabilities(position_encodings=offered))))
        client.initialized(t.InitializedParams())
        client.text_document_did_open(t.DidOpenTextDocumentParams(text_document=t.TextDocumentItem(
            uri="untitled:e.factory", language_id="factory", version=1, text=text)))
        diagnostics = await asyncio.wait_for(got.get(), 60)
        await client.shutdown_async(None)
        client.exit(None)
    finally:
        await _stop(client)
    return result.capabilities.position_encoding, diagnostics


@pytest.mark.parametrize("offered", [["utf-8", "utf-16", "utf-32"], ["utf-32"], None])
def test_the_server_announces_utf16_whatever_the_editor_offers(offered) -> None:
    """In process (the initialize handshake of a fresh server): Neovim's offer (utf-8 first), a utf-32-only
    offer and none at all are answered `positionEncoding: utf-16`, and the workspace that applies the editor's
    ranged edits counts in it. Before: utf-8 and utf-32, as offered."""
    from lsprotocol import types as t

    from compiler.lsp.server import FactoryServer

    server = FactoryServer()
    general = t.GeneralClientCapabilities(position_encodings=offered) if offered is not None else None
    handshake = server.protocol.lsp_initialize(t.InitializeParams(capabilities=t.ClientCapabilities(general=general)))
    with pytest.raises(StopIteration) as done:
        while True:
            handshake.send(None)
    assert done.value.value.capabilities.position_encoding == "utf-16"
    assert server.workspace.position_encoding == "utf-16"


@pytest.mark.slow           # (a real server over stdio: ~3-4 s on the shared cores)
def test_the_language_server_counts_utf16_whatever_the_editor_offers() -> None:
    """An editor offering utf-8 first (Neovim offers utf-8, utf-16, utf-32) is told `utf-16`, the unit every
    position is counted in: the `"🔥é"` string starts at character 10 and ends at 10 + 5 (quote, 2 units of the emoji, é,
    quote). Before: `utf-8` (or `utf-32`) was announced, so the editor read the same numbers as bytes (or code
    points) and drew the error one to three columns off."""
    encoding, diagnostics = asyncio.run(_initialize(["utf-8", "utf-32", "utf-16"]))
    assert encoding == "utf-16", encoding
    found = [d for d in diagnostics if d.code == "type-mismatch"]
    assert found and (found[0].range.start.character, found[0].range.end.character) == (10, 15), diagnostics


# ----------------------------------------------------------------------------- optimize --heatmap

def _boxes(svg: Path) -> list[tuple[str, float, float, float, float]]:
    """(text, x0, x1, y0, y1) of each label and (rect) of each legend swatch and cell, with text widths at a
    lower bound of 0.5 em (a sans-serif digit or lower-case letter is 0.5-0.64 em): boxes that overlap at this
    width overlap in any renderer."""
    ns = "{http://www.w3.org/2000/svg}"
    root = ET.parse(svg).getroot()
    out = []
    for el in root.iter():
        if el.tag == f"{ns}text":
            size = float(el.get("font-size", root.get("font-size")))
            width = 0.5 * size * len(el.text or "")
            x, y = float(el.get("x")), float(el.get("y"))
            x0 = x - width if el.get("text-anchor") == "end" else x
            out.append((el.text, x0, x0 + width, y - 0.7 * size, y))
        elif el.tag == f"{ns}rect" and el.get("fill", "").startswith("#") and el.get("x") is not None:
            x, y = float(el.get("x")), float(el.get("y"))
            out.append(("rect", x, x + float(el.get("width")), y, y + float(el.get("height"))))
    return out


LONG_NAME = "energy_price_per_kwh_at_the_meter"


@pytest.mark.parametrize("vary", [["racks=1..2", "energy_price=[0.1 USD/kWh, 80 USD/kWh]"],
                                  ["racks=[2]", "energy_price=[0.1 USD/kWh, 0.25 USD/kWh, 0.3 USD/kWh]"],
                                  [f"{LONG_NAME}=[0.1 USD/kWh, 0.2 USD/kWh, 0.3 USD/kWh]", "racks=1..2"]])
def test_the_heatmaps_labels_do_not_overlap_on_a_small_grid(tmp_path: Path, vary: list[str]) -> None:
    """A 2 x 2, a 1 x 3 and a 3 x 2 grid (2, 3 and 2 columns of 14 px): no label overlaps another label or a
    swatch, and every label lies inside the image. Before: `energy_price = 0.1 USD/kWh` and `80 USD/kWh`
    overlapped each other and the legend's swatches, the 1-row grid's `racks = 2` and `2` overlapped, the title
    ran past the image's right edge, and a long parameter name on the y axis past its left edge."""
    spec = tmp_path / "s.factory"
    text = _edit(STARTER, ('    assert gpus == 64, "four racks of two 8-GPU servers"\n', ""))
    if LONG_NAME in vary[0]:        # the first parameter (the rows) with a long name
        text = text.replace("param racks = 4", f"param {LONG_NAME} = 0.1 USD/kWh\nparam racks = 4").replace(
            "electricity_price = energy_price", f"electricity_price = {LONG_NAME}")
    spec.write_text(text)
    out = tmp_path / "h.svg"
    res = CliRunner().invoke(main, ["optimize", str(spec), "--maximize", "headquarters.tco_year", "--quiet",
                                    "--vary", vary[0], "--vary", vary[1], "--heatmap", str(out)])
    assert res.exit_code == 0, res.output
    boxes = _boxes(out)
    root = ET.parse(out).getroot()
    width, height = float(root.get("width")), float(root.get("height"))
    for i, a in enumerate(boxes):
        if a[0] != "rect":
            assert a[1] >= 0 and a[2] <= width and a[3] >= 0 and a[4] <= height, (a, width, height)
        for b in boxes[i + 1:]:
            if a[0] == b[0] == "rect":
                continue
            apart = a[2] <= b[1] or b[2] <= a[1] or a[4] <= b[3] or b[4] <= a[3]
            assert apart, (a, b)


# ----------------------------------------------------------------------------- the editor's figures of a sweep

ZERO = """\
from systems import DGX_H100
from models import Llama3_1_8B
param n = [0, 1]
site s {
  electricity_price = price
  land_price = 0 USD
  hall h {
    rack r {
      server x: DGX_H100 x 1
    }
  }
  inference chat {
    model = Llama3_1_8B
    system = DGX_H100
    accelerators = 8 * n
  }
  let hourly = chat.cost_per_hour
}
"""


@pytest.mark.parametrize("price", ["0.1 USD/kWh", "[0.1 USD/kWh, 80 USD/kWh]"])
def test_the_editor_marks_a_sweeps_figure_where_eval_does(tmp_path: Path, price: str) -> None:
    """A service of `8 * n` accelerators, n = [0, 1]: it cannot run at n = 0 (an error there; its cost per hour
    is n/a there and its site's bill counts its accelerators at the planning draw, flagged in that scenario only).
    The code lens says the throughput and cost are n/a in 1 of 2 scenarios and marks neither with that flag; the
    hover of `hourly` shows 12.05 USD/h unflagged (12.1 before s24-capex2: $5,356 of dry coolers, 8,723 W x 2.4804 $/W
    x 0.2475, that the room's air-cooled chillers make needless, / 20 yr + 3% a year = $0.049 / h), as eval's table marks only the n/a cell. With the price swept too
    (80 USD/kWh: implausible in scenarios where the service runs) the mark comes back, with its reason. Before:
    the lens read `throughput 63.49 ktok/s · cost 0.08821 USD/Mtok (⚠ counts a service that cannot run ...)`,
    the n/a scenario unsaid and the flag of the n/a scenario on the value of the other; a service n/a in every
    scenario read `throughput absent`, where every other surface says n/a."""
    from compiler.lsp.analysis import Analysis, hover_markdown

    text = ZERO.replace("electricity_price = price", f"electricity_price = {price.split(',')[0].strip('[')}") \
        if "," not in price else ZERO.replace("param n = [0, 1]", "param n = [0, 1]\nparam price = " + price)
    spec = tmp_path / "z.factory"
    spec.write_text(text)
    analysis = Analysis(text, str(spec), str(tmp_path))
    assert analysis.results_within(60) is not None
    lens = analysis.code_lenses()[0].title
    hover, _ = hover_markdown(analysis, text.index("let hourly") + 5)
    table = CliRunner().invoke(main, ["eval", str(spec), "--select", "s.chat.cost_per_hour"]).stdout
    if "," not in price:
        # (62.71 ktok/s and 12.04 USD/h since 2026-12-07, an offline service on DGX H100 under s26-apply's
        # defaults (ea96c8bb: the GH100 chips' GEMM law and factor); 63.49 ktok/s, 12.05 USD/h before)
        assert "throughput 62.71 ktok/s (n/a in 1 of 2 scenarios)" in lens and "⚠" not in lens, lens
        assert "12.04 USD/h" in hover and "⚠" not in hover, hover      # (12.05 before 2026-12-07, as above)
        assert "n/a ⚠  12.04 USD/h (⚠ for n=0" in table, table      # eval marks the n/a cell alone
    else:
        assert "n/a in 2 of 4 scenarios" in lens and "cost" in lens and "(⚠ computed from an input" in lens, lens
        assert "⚠ computed from an input outside its published range" in hover, hover
    one = text.replace("param n = [0, 1]", "param n = 0")
    spec.write_text(one)
    analysis = Analysis(one, str(spec), str(tmp_path))
    assert analysis.results_within(60) is not None
    assert analysis.code_lenses()[0].title.startswith("throughput n/a · cost n/a"), analysis.code_lenses()


# ----------------------------------------------------------------------------- plan --policy

@pytest.mark.parametrize("text, place", [(b'[capex\nmax = "5 MUSD"\n', "1:7"),
                                         (b'[capex]\nmax = "5 MUSD\n', "2:14"),
                                         (b'[capex]\nmax = "5 MUSD"\nmin = ', "3:7"),
                                         (b'[capex]\nmax = "5 \xff"\n', "2:10")])
def test_a_policy_files_syntax_error_names_its_line_and_column(tmp_path: Path, text: bytes, place: str) -> None:
    """A policy file that is not TOML (an unclosed table header, an unterminated string, a key with no value at
    the end of the file, a byte that is not UTF-8) is a usage error (exit 2) at FILE:LINE:COL, as every other
    error of a policy is. Before: `policy.toml: not valid TOML: Expected ']' at the end of a table declaration
    (at line 1, column 7)`, and for bad UTF-8 the decoder's message with no line at all."""
    spec = tmp_path / "s.factory"
    spec.write_text(STARTER)
    policy = tmp_path / "policy.toml"
    policy.write_bytes(text)
    res = CliRunner().invoke(main, ["plan", str(spec), str(spec), "--policy", str(policy)])
    assert res.exit_code == 2 and f"error: {policy}:{place}: not valid TOML: " in res.output, res.output
    assert "(at line" not in res.output and "end of document" not in res.output, res.output


# ----------------------------------------------------------------------------- a precision the chip lacks

def test_figures_computed_at_a_precision_the_chip_lacks_are_flagged_where_shown() -> None:
    """`estimate inference --system DGX_H100 --precision fp4`: Hopper has no fp4 rate, so the GEMMs run at the fp8
    rate with fp4 weights, and a `model-input-missing` warning says so (session 12). Its figures are now flagged
    where they are shown: estimate's table, the results JSON (`flagged`), and what is computed from them (the
    site's $/Mtok and energy); the capex, which does not read them, stays clean. Before: the warning on standard
    error, and `tokens_per_s 9.831 ktok/s` clean in the table and JSON, exit 0. A B200 at fp4 is not flagged."""
    args = ["estimate", "inference", "--model", "Llama3_1_70B", "--count", "8", "--precision", "fp4", "--system"]
    text = CliRunner().invoke(main, [*args, "DGX_H100"])
    assert text.exit_code == 0 and "warning[model-input-missing]" in text.output, text.output
    line = next(row for row in text.stdout.splitlines() if row.startswith("tokens_per_s "))
    assert "(⚠ computed with a stand-in for an input the spec does not give)" in line, line
    doc = json.loads(CliRunner().invoke(main, [*args, "DGX_H100", "--format", "json"]).stdout)["quantities"]
    for path in ("estimate.workload.tokens_per_s", "estimate.workload.usd_per_mtok", "estimate.usd_per_mtok",
                 "estimate.energy_year"):
        assert doc[path].get("flagged", {}).get("codes") == ["model-input-missing"], (path, doc[path])
    assert "flagged" not in doc["estimate.capex"], doc["estimate.capex"]
    b200 = CliRunner().invoke(main, [*args, "DGX_B200"])
    assert b200.exit_code == 0 and "⚠" not in b200.stdout, b200.output


# ----------------------------------------------------------------------------- an empty or cut-off file

@pytest.mark.parametrize("text", ["", '"""A campus, to be written."""\nfrom chips import H100_SXM\n'])
def test_building_or_drawing_a_spec_that_declares_nothing_says_so(tmp_path: Path, text: str) -> None:
    """An empty file, or one cut off after its imports: `eval` has said `nothing-to-evaluate` since session 19;
    `build` wrote an empty report and `diagram` an empty drawing with no word, exit 0, so a CI step building a
    truncated spec published a blank report as a success. Both now give the warning (still exit 0: nothing is
    wrong in what is there), and the report's banner lists it. The starter gets no such warning."""
    spec = tmp_path / "cut.factory"
    spec.write_text(text)
    built = CliRunner().invoke(main, ["build", str(spec), "-o", str(tmp_path / "out")])
    assert built.exit_code == 0 and "warning[nothing-to-evaluate]" in built.stderr, built.output
    assert "nothing-to-evaluate" in (tmp_path / "out" / "report.md").read_text()
    drawn = CliRunner().invoke(main, ["diagram", str(spec), "-o", str(tmp_path / "d.svg")])
    assert drawn.exit_code == 0 and "warning[nothing-to-evaluate]" in drawn.stderr, drawn.output
    starter = tmp_path / "s.factory"
    starter.write_text(STARTER)
    drawn = CliRunner().invoke(main, ["diagram", str(starter), "-o", str(tmp_path / "s.svg")])
    assert drawn.exit_code == 0 and "nothing-to-evaluate" not in drawn.output, drawn.output


def test_show_of_a_module_points_to_list() -> None:
    """`factory show chips` (a new user's guess after `factory list` prints `chips:`) names it a module and the
    command that lists it; before, "no stdlib definition `chips`" as for a typo. Exit 2 either way."""
    res = CliRunner().invoke(main, ["show", "chips"])
    assert res.exit_code == 2 and "`chips` is a stdlib module" in res.output and "factory list chips" in res.output


# ----------------------------------------------------------------------------- a deadline no count meets

DEADLINE = """\
from systems import DGX_H100
from models import Llama3_1_70B
site a {
  land_price = 0 USD
  hall h {
    rack r {
      server x: DGX_H100 x 2
    }
  }
  training t {
    model = Llama3_1_70B
    system = DGX_H100
    accelerators = 16
    tokens = 1 Ttok
    deadline = 1 s
  }
}
"""


def test_a_run_that_misses_a_deadline_at_every_count_is_not_said_to_be_unable_to_run(tmp_path: Path) -> None:
    """A 1 s deadline for 1 Ttok: no count meets it, so `accelerators_needed` has no value (an error, exit 1, as
    tests/test_feasibility.py states); but the run on its 16 accelerators has a time to train (1.37 years), a
    throughput, a cost and `feasible` 1. The error and the failed check say it cannot meet what it asks and that
    `accelerators_needed` has no value. Before: "`a.t` cannot run", a failed check "a.t: the workload can run"
    beside `a.t.feasible 1`, and a note that its throughput and cost had no value while eval printed both."""
    spec = tmp_path / "d.factory"
    spec.write_text(DEADLINE)
    res = CliRunner().invoke(main, ["eval", str(spec), "--format", "json"])
    doc = json.loads(res.stdout)
    assert res.exit_code == 1, res.output
    q = doc["quantities"]
    assert q["a.t.feasible"]["values"] == [1.0] and q["a.t.time_to_train"]["values"][0] > 3e7, q["a.t.feasible"]
    assert q["a.t.accelerators_needed"]["values"] == [None]
    [error] = [d for d in doc["diagnostics"] if d["code"] == "infeasible-workload"]
    assert error["message"].startswith("`a.t` cannot meet what it asks: no accelerator count"), error["message"]
    assert any("`accelerators_needed` has no value" in n for n in error["notes"]), error["notes"]
    assert not any("throughput" in n for n in error["notes"]), error["notes"]
    [check] = [c for c in doc["checks"] if not c["ok"]]
    assert check["name"] == "a.t: the workload meets what it asks", check
    served = ZERO.replace("electricity_price = price", "electricity_price = 0.1 USD/kWh").replace(
        "param n = [0, 1]", "param n = 0")           # a service with no layout still cannot run
    spec.write_text(served)
    doc = json.loads(CliRunner().invoke(main, ["eval", str(spec), "--format", "json"]).stdout)
    assert any(d["message"].startswith("`s.chat` cannot run:") for d in doc["diagnostics"]), doc["diagnostics"]


# ----------------------------------------------------------------------------- a cold design day (lead, session 24)
COLD = """\
from systems import DGX_H100_rack
site s {
  SITE_LINE
  hall h {
    rack r: DGX_H100_rack x 4
  }
}
"""


def _site_figures(line: str) -> dict:
    from compiler import evaluate_text
    results, sink = evaluate_text(COLD.replace("SITE_LINE", line), "cold.factory")
    assert not [d for d in sink.items if d.severity == "error"], [d.message for d in sink.items]
    return {k: float(results.values[f"s.{k}"][0]) for k in ("cooling_power_avg", "facility_power_avg", "pue")}


def test_a_year_is_never_warmer_than_its_design_day() -> None:
    """A site that writes a design ambient_temp of -30 degC and no mean was read at the default mean of 15 degC (a
    year 45 K warmer than its hottest hours): its average cooling and PUE are now those of a mean at its design
    day, exactly as if it wrote `mean_ambient_temp = -30 degC`; a site that writes a hot design day keeps 15 degC."""
    cold = _site_figures("ambient_temp = -30 degC")
    assert cold == _site_figures("ambient_temp = -30 degC\n  mean_ambient_temp = -30 degC")
    hot = _site_figures("ambient_temp = 40 degC")
    assert hot == _site_figures("ambient_temp = 40 degC\n  mean_ambient_temp = 15 degC")
    assert hot["cooling_power_avg"] == _site_figures("")["cooling_power_avg"]   # the defaults: 35 degC design, 15 mean
    assert cold["cooling_power_avg"] < hot["cooling_power_avg"]


def test_one_missing_file_hides_no_other_files_diagnostics(tmp_path) -> None:
    """`check a.factory missing.factory`: before, exit 2 with "no such file" only, a.factory's error never shown.
    Now the missing one is named (exit 2, usage) and a.factory is still checked: its error at its line:col, in text
    and in JSON (whose `files` lists the files checked)."""
    spec = tmp_path / "a.factory"
    spec.write_text("site s {\n  pue = 96\n}\n")
    missing = tmp_path / "missing.factory"
    res = CliRunner().invoke(main, ["check", str(spec), str(missing)])
    assert res.exit_code == 2
    assert f"{missing}: no such file" in res.stderr
    assert f"{spec}:2:9: error[out-of-range]" in res.stdout
    res = CliRunner().invoke(main, ["check", str(spec), str(missing), "--format", "json"])
    doc = json.loads(res.stdout)
    assert res.exit_code == 2 and doc["files"] == [str(spec)] and not doc["ok"]
    assert [d["code"] for d in doc["diagnostics"]] == ["out-of-range"]
    assert CliRunner().invoke(main, ["check", str(missing)]).exit_code == 2
