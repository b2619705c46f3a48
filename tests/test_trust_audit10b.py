"""Trust audit, second part (session 10): laws for what the first audit (tests/test_trust_audit10.py) left open.

Each test states a law over the examples or over small specs written here, never a value an example set:

1. A missing price never counts as $0 silently, over every price field of the schema (generated: every input field
   whose unit holds USD, each set once in tests/data/priced_everything.factory): removing it leaves each cost
   figure where a stand-in puts it (a sourced default, the site's TCO), or where pricing it at 0 puts it only with
   an `unpriced` warning naming that figure or one it is rolled up from. And every price is counted: pricing it at
   0 lowers a cost figure the models compute (capex, opex, TCO, $/Mtoken, a run's cost).
   Caught: a site without `land_price` counted its land $0 silently (capex, cost per MW); an unpriced transceiver
   or cable of a network block was not named in its `capex_optics`; transceivers inside a switch and the power
   shelves of a rack not priced as a whole were counted in no capex at all.
2. Two fields of one block whose values are ordered by what they mean (`dsl.schema.ORDERED`: idle below TDP, wet
   bulb below dry bulb, the mean prompt below the longest, ...): the lower above the upper is refused as a value
   outside its own range is (`out-of-range` at the lower's value, both numbers, exit 1; in a sweep, the scenarios
   where it is); in order, nothing. Generated from the table, one small spec per kind.
   Caught: a chip with `idle_power` above its TDP was accepted without a diagnostic.
3. A key input more than ten times beyond the range published figures span (compiler/plausible.py: electricity
   price, colocation rent, a chip's TDP, each range with its source and date) is an `implausible-value` warning at
   its value, exit 0 (the value is used); inside the tolerance, nothing. Generated from the table: 1000 times
   either end warns, the published ends do not. Caught: 80 USD/kWh gave no warning.
7. Every placed workload's headline (an inference service's tokens/s, a training run's time to train) has a value,
   or is absent with the reason in the JSON, the table and the report, beside an error (exit 1): a workload whose
   headline cannot be computed is a spec that cannot give what it asks, as an infeasible one is.
   Caught: any inference on Rubin (stdlib VR_NVL72, no public BF16 rate) had no tokens/s at all, not even a line
   in the table, only `model-input-missing` warnings on intermediate figures, exit 0.
4. A sweep's JSON names the scenarios each failing check fails in (`checks[].failing`, 0-based): they are the
   scenarios whose single run (`-D p=<k-th>`) fails that check, and a passing check has no such field.
   Caught: a failing check said only "in 1 of 2 scenarios" (in its diagnostic), the JSON not which.
5. A workload's `power` ("wall power of the servers used, while serving") is its own load's, as its `system_power`
   ("... at this load") is: power = accelerators x system_power / accelerators per system, and the site's average
   utilization (which sets the placed racks' power) moves neither. Caught: a Cerebras CS-3 serving at batch 1 had
   `power` 19.89 kW (the site's default utilization 0.85) beside `system_power` 2.46 kW (its own load); its
   tokens per joule divided by the first.
6. A chunked sweep writes a column only for a quantity that can vary: one absent in every scenario whatever the
   swept values (the PUE of a site that places no racks) is a constant of no value in FILE.meta.json, not a
   column of empty cells. Caught: fourteen such columns in a sweep of a site's feed.
"""
from __future__ import annotations

import csv
import functools
import json
import re
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from compiler import evaluate_text
from compiler.cli import main
from compiler.render.results_schema import Results
from dsl.schema import QuantityKind, kinds
from dsl.units import si_unit
from sampling import sampled  # tests/ is on the path

ROOT = Path(__file__).resolve().parents[1]


def _cli(*args: str):
    return CliRunner().invoke(main, list(args))


def _write(tmp_path: Path, text: str, name: str = "spec.factory") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- 1. no price counts $0 silently

PRICED = ROOT / "tests" / "data" / "priced_everything.factory"
_HEADER = re.compile(r"^\s*(\w+)\s+\w+\s*(?::[^{]*)?\{\s*$")
_FIELD = re.compile(r"^\s*(\w+)\s*=\s*([^#]*)")


def _price_fields() -> set[tuple[str, str]]:
    """Every (kind, field) of the schema that a spec sets and whose unit holds a currency."""
    return {(k.name, name) for k in kinds().values() for name, f in k.fields.items()
            if isinstance(f.kind, QuantityKind) and not f.kind.number and not f.output and "USD" in si_unit(f.kind.dim)}


def _price_lines() -> list[tuple[int, str, str]]:
    """(line index, kind, field) of each price field the fixture sets, the kind read from the enclosing block."""
    fields, stack, found = _price_fields(), [], []
    for i, line in enumerate(PRICED.read_text(encoding="utf-8").splitlines()):
        if _HEADER.match(line):
            stack.append(_HEADER.match(line).group(1))
        elif line.strip() == "}":
            stack.pop()
        elif (m := _FIELD.match(line)) and stack and (stack[-1], m.group(1)) in fields:
            found.append((i, stack[-1], m.group(1)))
    return found


@functools.cache
def _costs_of(text: str):
    """`_costs`, kept for the texts both price laws evaluate (the priced fixture, each price at 0: 38 small specs),
    so each is evaluated once; the results are only read."""
    return _costs(text)


def _costs(text: str):
    """(results, sink, {path: values}) of the USD figures the models compute (no `price` nor `total_price`)."""
    results, sink = evaluate_text(text, str(PRICED))
    assert results is not None and not sink.has_errors(), [d.message for d in sink.items]
    out = {}
    for path, value in results.values.items():
        node = results.graph.nodes.get(path)
        if (node is not None and node.kind == "model" and "USD" in (results.units.get(path) or "")
                and not path.endswith(".total_price") and isinstance(value, np.ndarray)):
            out[path] = np.asarray(value, dtype=float).reshape(-1)
    return results, sink, out


def _named(results, sink, path: str) -> bool:
    """A warning names `path` or a figure it is computed from (the capex it is rolled up from)."""
    named = {q for d in sink.items for q in (d.quantities or ())}
    seen, work = set(), [path]
    while work:
        p = work.pop()
        if p in named:
            return True
        if p not in seen:
            seen.add(p)
            node = results.graph.nodes.get(p)
            work += list(node.deps or ()) if node is not None else []
    return False


def _inside_priced_system(results, path: str) -> bool:
    """The figure's block is inside a server or rack priced as a whole (its price holds the parts)."""
    node = results.graph.nodes.get(path)
    level = node.instance.parent if node is not None and node.instance is not None else None
    while level is not None:
        if level.kind in ("server", "rack") and f"{level.path}.price" in results.values:
            return True
        level = level.parent
    return False


def _edited(line: int, new: str | None) -> str:
    lines = PRICED.read_text(encoding="utf-8").splitlines()
    if new is None:
        del lines[line]
    else:
        lines[line] = new
    return "\n".join(lines) + "\n"


def _zeroed(line: int) -> str:
    text = PRICED.read_text(encoding="utf-8").splitlines()[line]
    name, value = _FIELD.match(text).groups()
    return _edited(line, f"  {name} = 0 * ({value.strip()})")


def test_the_fixture_sets_every_price_field_of_the_schema() -> None:
    assert _price_fields() - {(k, f) for _, k, f in _price_lines()} == set()


@pytest.mark.parametrize("line,kind,name", sampled(_price_lines(), 2), ids=lambda v: str(v))
def test_a_missing_price_never_counts_as_zero_silently(line: int, kind: str, name: str) -> None:
    _, _, priced = _costs_of(PRICED.read_text(encoding="utf-8"))
    removed_results, removed_sink, removed = _costs(_edited(line, None))
    _, _, zero = _costs_of(_zeroed(line))
    silent = []
    for path, before in priced.items():
        if path not in removed or path not in zero or _inside_priced_system(removed_results, path):
            continue
        after, at_zero = removed[path], zero[path]
        counted_zero = (after < before * (1 - 1e-12)) & np.isclose(after, at_zero, rtol=1e-12, atol=0.0)
        if counted_zero.any() and path not in removed_results.absent and not _named(removed_results, removed_sink,
                                                                                      path):
            silent.append(f"{path}: {before.tolist()} -> {after.tolist()}")
    assert not silent, f"{kind}.{name} removed counts $0 without a warning naming: {silent[:6]}"


@pytest.mark.parametrize("line,kind,name", sampled(_price_lines(), 2), ids=lambda v: str(v))
def test_every_price_is_counted_in_a_cost(line: int, kind: str, name: str) -> None:
    results, _, priced = _costs_of(PRICED.read_text(encoding="utf-8"))
    _, _, zero = _costs_of(_zeroed(line))
    lowered = [p for p, v in priced.items() if p in zero and (zero[p] < v * (1 - 1e-12)).any()
               and not _inside_priced_system(results, p)]
    assert lowered, f"{kind}.{name} at 0 lowers no cost figure: it is counted nowhere"


def test_a_site_without_land_price_says_its_land_counts_zero() -> None:
    text = PRICED.read_text(encoding="utf-8")
    line = next(i for i, _, name in _price_lines() if name == "land_price")
    _, sink, _ = _costs(_edited(line, None))
    land = [d for d in sink.items if d.code == "unpriced" and "land_price" in d.message]
    assert [d.quantities for d in land] == [["s.capex_land"]]     # the leased site rents its land: no warning
    _, sink, _ = _costs(text)
    assert not [d for d in sink.items if "land_price" in d.message]


# ----------------------------------------------------------------------------- 2. ordered pairs

_PAIR_SPECS = {       # one block of each kind with the two fields of a pair written at {pair}
    "chip": "chip g {\n  tdp = 700 W\n  idle_power = 70 W\n{pair}}\n",
    "cpu": "cpu c {\n  tdp = 350 W\n  idle_power = 50 W\n{pair}}\n",
    "server": "server n {\n  max_power = 10 kW\n  idle_power = 200 W\n{pair}}\n",
    "site": "site s {\n  ambient_temp = 35 degC\n{pair}}\n",
    "inference": ("from models import Llama3_1_8B\nfrom chips import H100_SXM\nsite s {\n  inference i {\n"
                  "    model = Llama3_1_8B\n    chip = H100_SXM\n    accelerators = 8\n    scenario = \"offline\"\n"
                  "    output_tokens = 100 tok\n{pair}  }\n}\n"),
    "training": ("from models import Llama3_1_8B\nfrom chips import H100_SXM\nsite s {\n  training t {\n"
                 "    model = Llama3_1_8B\n    chip = H100_SXM\n    accelerators = 64\n    tokens = 1 Ttok\n"
                 "{pair}  }\n}\n"),
}
_PAIR_VALUES = {"W": ("700 W", "1400 W"), "temp": ("20 degC", "40 degC"), "tok": ("2048 tok", "4096 tok")}


def _ordered():
    from dsl.schema import ORDERED
    return list(ORDERED)


def _pair_spec(kind: str, lower: str, upper: str, low: str, high: str) -> str:
    text = _PAIR_SPECS[kind]
    lines = [line for line in text.split("\n") if not re.match(rf"\s*({lower}|{upper}) =", line)]
    return "\n".join(lines).replace("{pair}", f"  {lower} = {low}\n  {upper} = {high}\n")


@pytest.mark.parametrize("kind,lower,upper,why", _ordered(), ids=lambda v: str(v)[:20])
def test_an_ordered_pair_out_of_order_is_refused_at_the_lower_value(kind, lower, upper, why) -> None:
    from dsl.schema import kind as kind_spec
    small, large = _PAIR_VALUES[kind_spec(kind).fields[lower].type]
    _, sink = evaluate_text(_pair_spec(kind, lower, upper, small, large), "pair.factory")
    assert not [d for d in sink.errors if "must be at most" in d.message], [d.message for d in sink.errors]
    text = _pair_spec(kind, lower, upper, large, small)
    _, sink = evaluate_text(text, "pair.factory")
    found = [d for d in sink.errors if d.code == "out-of-range" and f"must be at most `{upper}`" in d.message]
    assert len(found) == 1, [d.message for d in sink.items]
    line = text.split("\n")[found[0].span.line - 1]
    assert line.strip() == f"{lower} = {large}" and why in found[0].notes


def test_an_ordered_pair_out_of_order_in_some_scenarios_names_them(tmp_path: Path) -> None:
    spec = _write(tmp_path, _PAIR_SPECS["chip"].replace("idle_power = 70 W", "idle_power = idle")
                  .replace("{pair}", "") + "param idle = 70 W\n")
    result = _cli("check", str(spec), "-D", "idle=[70 W,800 W,700 W]")
    assert result.exit_code == 1
    assert "must be at most `tdp` (700 W); it is 800 W in 1 of 3 scenarios (idle = 800 W)" in result.output


def test_every_kind_of_an_ordered_pair_has_a_spec_here() -> None:
    assert {kind for kind, *_ in _ordered()} <= set(_PAIR_SPECS)


# ----------------------------------------------------------------------------- 3. implausible key inputs

def _plausible():
    from compiler.plausible import PLAUSIBLE
    return list(PLAUSIBLE)


def _one_field(kind: str, field: str, value: float, shown: str) -> str:
    """A block of `kind` setting `field` (line 2), and a chip's required TDP, a NIC's or optic's power or a
    workload's model (the table's other kinds need nothing else)."""
    required, after = "", ""
    if kind == "chip" and field != "tdp":
        required = "  tdp = 700 W\n"
    if kind in ("nic", "transceiver"):
        required = "  power = 20 W\n"
    if kind in ("training", "inference"):
        required, after = "  model = m\n", "model m {\n  params = 8000000000\n}\n"
    return f"{kind} b {{\n  {field} = {value!r} {shown}\n{required}}}\n{after}"


@pytest.mark.parametrize("entry", _plausible(), ids=lambda e: f"{e.kind}.{e.field}")
def test_a_key_input_far_beyond_its_published_range_warns_and_is_used(entry) -> None:
    from compiler.plausible import TOLERANCE
    from dsl.units import parse_unit

    assert parse_unit(entry.shown).to_si(1.0) == pytest.approx(entry.scale, rel=1e-12)
    assert entry.low <= entry.high and re.search(r"(19|20)\d\d", entry.source), "a dated source"
    for value in (entry.low, entry.high, entry.low / TOLERANCE * 1.01, entry.high * TOLERANCE * 0.99):
        _, sink = evaluate_text(_one_field(entry.kind, entry.field, value / entry.scale, entry.shown), "p.factory")
        assert not [d for d in sink.items if d.code == "implausible-value"], value
    for value in (entry.low / 1000, entry.high * 1000):
        text = _one_field(entry.kind, entry.field, value / entry.scale, entry.shown)
        results, sink = evaluate_text(text, "p.factory")
        found = [d for d in sink.items if d.code == "implausible-value"]
        assert len(found) == 1 and found[0].severity == "warning" and not sink.has_errors()
        assert found[0].span.line == 2 and f"published range: {entry.source}" in found[0].notes
        assert results.values[f"b.{entry.field}"][0] == pytest.approx(value, rel=1e-9)     # used as written


def test_a_thousandfold_electricity_price_warns_with_exit_0(tmp_path: Path) -> None:
    spec = _write(tmp_path, "site s {\n  electricity_price = 80 USD/kWh\n}\n")
    result = _cli("check", str(spec))
    assert result.exit_code == 0 and "warning[implausible-value]" in result.output
    assert "80 USD/kWh is more than 10 times beyond the published 0.0575-0.4239 USD/kWh" in result.output


# ----------------------------------------------------------------------------- 4. failing scenarios named

_FEED = """
param feed = 1 MW
server node {
  max_power = 10 kW
  peak_power = 10 kW
}
rack r {
  server n: node x 4
}
site s {
  hall h {
    power_feed = feed
    rack a: r x 40
    assert it_power <= feed, "the racks fit the feed"
  }
}
"""


def test_a_sweeps_json_names_the_scenarios_each_failing_check_fails_in(tmp_path: Path) -> None:
    spec = _write(tmp_path, _FEED)
    values = ["0.5 MW", "2 MW", "1 MW", "3 MW"]
    swept = _cli("eval", str(spec), "-D", f"feed=[{','.join(values)}]", "--format", "json")
    doc = json.loads(swept.output)
    Results.model_validate(doc)
    singles = []
    for value in values:
        one = json.loads(_cli("eval", str(spec), "-D", f"feed={value}", "--format", "json").output)
        singles.append({c["name"]: c for c in one["checks"]})
    assert any(not c["ok"] for c in doc["checks"])
    for check in doc["checks"]:
        expected = [k for k, single in enumerate(singles) if not single[check["name"]]["ok"]]
        if check["ok"]:
            assert "failing" not in check and not expected
        else:
            assert check["failing"] == expected, check
        for k, single in enumerate(singles):          # a single run names its one scenario, 0
            assert single[check["name"]].get("failing", []) == ([0] if k in expected else [])


# ----------------------------------------------------------------------------- 5. a service's power at its load

CEREBRAS = ROOT / "examples" / "published" / "cerebras_inference.factory"


@pytest.mark.parametrize("utilization", [None, "0.3", "1"])
def test_a_services_power_is_its_own_load_whatever_the_sites_utilization(utilization) -> None:
    text = CEREBRAS.read_text(encoding="utf-8")
    if utilization is not None:
        text = text.replace("site cerebras {\n", f"site cerebras {{\n  utilization = {utilization}\n")
    results, sink = evaluate_text(text, str(CEREBRAS))
    assert not sink.has_errors()
    v = results.values
    for service in ("llama8b", "llama70b", "llama405b"):
        path = f"cerebras.{service}"
        # one CS-3 system holds one accelerator (a wafer)
        assert v[f"{path}.power"][0] == pytest.approx(v[f"{path}.accelerators"][0] * v[f"{path}.system_power"][0],
                                                      rel=1e-12)
        assert v[f"{path}.tokens_per_joule"][0] == pytest.approx(v[f"{path}.tokens_per_s"][0] / v[f"{path}.power"][0],
                                                                 rel=1e-12)
    baseline, _ = evaluate_text(CEREBRAS.read_text(encoding="utf-8"), str(CEREBRAS))
    for service in ("llama8b", "llama70b", "llama405b"):
        path = f"cerebras.{service}.power"
        assert v[path][0] == pytest.approx(baseline.values[path][0], rel=1e-12)


# ----------------------------------------------------------------------------- 7. a missing headline is visible

_RUBIN = """from systems import VR_NVL72
from models import Llama3_1_70B
site s {
  inference chat {
    model = Llama3_1_70B
    rack = VR_NVL72
    accelerators = 72
    scenario = "offline"
    input_tokens = 1000 tok
    output_tokens = 200 tok
  }
}
"""


@pytest.mark.parametrize("path", sorted((ROOT / "examples").glob("*.factory")) + [CEREBRAS], ids=lambda p: p.stem)
def test_every_workloads_headline_has_a_value_or_a_reason(path: Path) -> None:
    results, _ = evaluate_text(path.read_text(encoding="utf-8"), str(path))
    for node in results.graph.nodes.values():
        inst = node.instance
        if inst is None or inst.parent is None or inst.kind not in ("inference", "training") or node.kind != "model":
            continue
        if node.path == f"{inst.path}.{'tokens_per_s' if inst.kind == 'inference' else 'time_to_train'}":
            assert node.path in results.values, f"{node.path} has no value and no reason"
            if np.isnan(results.values[node.path]).any():
                assert node.path in results.absent and results.absent[node.path].reason


def test_a_workload_whose_throughput_cannot_be_computed_says_why_and_exits_1(tmp_path: Path) -> None:
    spec = _write(tmp_path, _RUBIN)
    table = _cli("eval", str(spec))
    assert table.exit_code == 1
    assert "error[uncomputed-workload]" in table.output and "does not give `bf16`" in table.output
    line = next(line for line in table.output.splitlines() if line.startswith("s.chat.tokens_per_s"))
    assert "n/a" in line and "bf16" in line
    doc = json.loads(_cli("eval", str(spec), "--format", "json").output)
    Results.model_validate(doc)
    quantity = doc["quantities"]["s.chat.tokens_per_s"]
    assert quantity["unit"] == "tok/s" and quantity["values"] == [None] and "bf16" in quantity["absent"]["reason"]
    assert doc["quantities"]["s.tokens_per_s"]["values"] == [None]       # the site's sum, for the same reason
    out = tmp_path / "build"
    assert _cli("build", str(spec), "-o", str(out)).exit_code == 1
    report = (out / "report.md").read_text(encoding="utf-8")
    assert any("Tokens per second | n/a" in line and "bf16" in line for line in report.splitlines())


# ----------------------------------------------------------------------------- 6. absent everywhere: no column

_EMPTY_SITE = """from systems import DGX_H100_rack
param feed = 1 MW
site s {
  electricity_price = 0.1 USD/kWh
  hall h {
    power_feed = feed
    rack r: DGX_H100_rack x 0
  }
}
"""   # racks placed, none of them: the ratios of no power are absent (a hall that places nothing has none at all)


def test_a_chunked_sweep_writes_no_column_for_a_quantity_absent_in_every_scenario(tmp_path: Path) -> None:
    spec = _write(tmp_path, _EMPTY_SITE)
    out = tmp_path / "rows.csv"
    result = _cli("eval", str(spec), "-D", "feed=[1 MW,2 MW,3 MW]", "--output", str(out), "--chunk-size", "2",
                  "--quiet")
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    meta = json.loads(Path(str(out) + ".meta.json").read_text(encoding="utf-8"))
    in_memory = json.loads(_cli("eval", str(spec), "-D", "feed=[1 MW,2 MW,3 MW]", "--format", "json").output)
    everywhere = sorted(p for p, q in in_memory["quantities"].items() if all(v is None for v in q["values"]))
    assert "s.pue" in everywhere and "s.h.pue" in everywhere
    for path in everywhere:
        assert path not in rows[0], f"{path} is absent in every scenario but written as a column"
        assert meta["constants"][path]["value"] is None, path
    for column in rows[0]:                      # every column holds a value in some scenario
        assert any(row[column] != "" for row in rows), column


def test_a_missing_price_flags_only_the_class_terms_that_count_it() -> None:
    """The other side of the law above: removing one class's price flags that class's term of the plant figure
    (`<block>.detail.capex_power_<class>`) and the figure, and no term of a class whose gear is priced: a priced
    class's term never carries an `incomplete` mark it does not have (the flagged quantities of the report, eval and
    JSON: report_format.flagged_quantities)."""
    from compiler.render.report_format import graph_flags

    line = next(n for n, kind, name in _price_lines() if kind == "switchgear" and name == "price")
    results, sink, _ = _costs(_edited(line, None))
    flagged = graph_flags(results.graph, sink.items)
    terms = [p for p in results.values if ".detail.capex_power_" in p or ".detail.capex_cooling_" in p]
    switchgear = [p for p in terms if p.endswith("_switchgear") and float(np.nansum(results.values[p])) == 0.0
                  and p in flagged]
    assert switchgear, "the unpriced switchgear's term is not flagged"
    clean = [p for p in terms if not p.endswith(("_switchgear", "_halls")) and p in flagged]
    assert not clean, f"priced classes flagged by the switchgear's missing price: {clean}"
