"""`factory plan OLD NEW` / `diff` / `--base-ref` (compiler/plan.py): KPI deltas, part and check changes,
policy gates and the documented exit codes (0 no change, 3 changed, 4 policy violated, 1 errors, 2 usage).

The deltas are checked against two separate `factory eval --format json` runs (the law: a plan's old and
new values are the evals' values, change = new - old, relative = change / |old|), and against hand counts."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli import main
from compiler.display import format_number
from compiler.plan import Snapshot, compare, exit_code, plan_schema

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = (ROOT / "examples" / "flagship_campus.factory").read_text()


def _one_more_hall(text: str) -> str:
    """Five halls instead of four, and a utility feed that still carries them."""
    assert "param halls = 4" in text and "utility_feed = 300 MW" in text
    return text.replace("param halls = 4", "param halls = 5").replace("utility_feed = 300 MW", "utility_feed = 400 MW")


def _ac(text: str) -> str:
    """The 800 V DC chain replaced by AC: distribution "ac", UPS blocks where the rectifiers were."""
    out = text.replace('distribution = "dc800"', 'distribution = "ac"')
    out = out.replace("rectifier dc: Rectifier_800VDC_1MW x", "ups dc: UPS_1250kVA x")
    out = out.replace("Transformer_2500kVA, Rectifier_800VDC_1MW,", "Transformer_2500kVA, UPS_1250kVA,")
    assert out.count("UPS_1250kVA") == 2
    return out


@pytest.fixture(scope="module")
def specs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("plan")
    out = {}
    for name, text in (("base", FLAGSHIP), ("halls", _one_more_hall(FLAGSHIP)), ("ac", _ac(FLAGSHIP))):
        out[name] = folder / f"{name}.factory"
        out[name].write_text(text)
    return out


def _plan(*args, fmt="json"):
    result = CliRunner().invoke(main, ["plan", *map(str, args), "--format", fmt])
    return result, (json.loads(result.stdout) if fmt == "json" and result.stdout.startswith("{") else None)


def _core(details: list[dict]) -> list[dict]:
    """A part change's what, old, new and unit (the fields every plan has had; the units per side are added)."""
    return [{k: d[k] for k in ("what", "old", "new", "unit")} for d in details]


def _eval(path: Path) -> dict:
    result = CliRunner().invoke(main, ["eval", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["quantities"]


@pytest.fixture(scope="module")
def halls_plan(specs):
    result, doc = _plan(specs["base"], specs["halls"])
    return result, doc


def test_one_more_hall_states_the_deltas_of_two_evals(specs, halls_plan) -> None:
    result, doc = halls_plan
    assert result.exit_code == 3, result.output                      # changed, no policy: 3
    old, new = _eval(specs["base"]), _eval(specs["halls"])
    kpis = {k["path"]: k for k in doc["kpis"]}
    for path in ("frontier_campus.facility_power", "frontier_campus.it_power", "frontier_campus.pue",
                 "frontier_campus.capex", "frontier_campus.tco_year", "frontier_campus.chat.usd_per_mtok",
                 "frontier_campus.chat.tokens_per_s", "frontier_campus.frontier_run.time_to_train"):
        k = kpis[path]
        assert k["old"] == old[path]["values"][0] and k["new"] == new[path]["values"][0], path
        assert k["change"] == pytest.approx(k["new"] - k["old"], rel=1e-12, abs=1e-300)
        if k["old"]:
            assert k["relative_change"] == pytest.approx((k["new"] - k["old"]) / abs(k["old"]))
    # one more hall of 9 rows x 40 racks x 72 GPUs = 25,920 accelerators: 103,680 -> 129,600
    acc = kpis["frontier_campus.accelerators"]
    assert (acc["old"], acc["new"], acc["change"]) == (103_680, 129_600, 25_920)
    # the workloads are sized by rows and racks, not halls: their throughput and time to train do not move
    assert not kpis["frontier_campus.chat.tokens_per_s"]["changed"]
    assert not kpis["frontier_campus.frontier_run.time_to_train"]["changed"]
    parts = {p["path"]: p for p in doc["parts"]}
    hall = _core(parts["frontier_campus.data_hall"]["details"])
    assert {"what": "count", "old": 4.0, "new": 5.0, "unit": "1"} in hall
    assert all(p["change"] == "changed" for p in doc["parts"])
    assert doc["checks"] == {"newly_failing": [], "fixed": [], "failing": [], "added": [], "removed": [],
                             "removed_failing": []}


def test_ac_switch_and_its_policy(specs, tmp_path) -> None:
    result, doc = _plan(specs["base"], specs["ac"])
    assert result.exit_code == 3, result.output
    parts = {p["path"]: p for p in doc["parts"]}
    site = _core(parts["frontier_campus"]["details"])
    assert {"what": "distribution", "old": "dc800", "new": "ac", "unit": ""} in site
    dc = parts["frontier_campus.data_hall.dc"]
    assert _core(dc["details"])[0] == {"what": "definition", "old": "rectifier Rectifier_800VDC_1MW",
                                "new": "ups UPS_1250kVA", "unit": ""}
    mtok = {k["path"]: k for k in doc["kpis"]}["frontier_campus.chat.usd_per_mtok"]
    rise = mtok["relative_change"]
    assert 0 < rise < 0.05               # the AC chain's losses raise $/Mtok, by well under 5% in this model
    loose, tight = tmp_path / "loose.toml", tmp_path / "tight.toml"
    loose.write_text('[usd_per_mtok]\nmax_increase = "5%"\n')
    tight.write_text(f'[usd_per_mtok]\nmax_increase = "{rise * 100 / 2:.4f}%"\n[pue]\nmax = 1.25\n')
    ok = CliRunner().invoke(main, ["plan", str(specs["base"]), str(specs["ac"]), "--policy", str(loose)])
    assert ok.exit_code == 3, ok.output
    bad = CliRunner().invoke(main, ["plan", str(specs["base"]), str(specs["ac"]), "--policy", str(tight),
                                    "--format", "markdown"])
    assert bad.exit_code == 4, bad.output                                # a violated gate: 4
    assert "gate(s) violated" in bad.stdout and "$/Mtok of frontier_campus.chat would increase by" in bad.stdout
    _, gated = _plan(specs["base"], specs["ac"], "--policy", tight)
    gates = {(g["path"], g["gate"]): g["ok"] for g in gated["policy"]}
    assert gates[("frontier_campus.pue", "max")] is True                # PUE 1.08 is within max 1.25
    assert gates[("frontier_campus.chat.usd_per_mtok", "max_increase")] is False


def test_markdown_comment(specs, halls_plan) -> None:
    result, _ = _plan(specs["base"], specs["halls"], fmt="markdown")
    text = result.stdout
    assert text.startswith("<!-- factory-plan: ")        # the hidden marker the workflow finds its comment by
    first = text.splitlines()[3]
    assert first.startswith("**TCO per year of frontier_campus will increase by $") and "(+" in first
    assert "| KPI | of | before | after | change |" in text
    assert "<details><summary>" in text and "</details>" in text
    assert "| accelerators | `frontier_campus` | 103,680 | 129,600 | +25,920 (+25.0%) |" in text


def test_no_change_and_the_diff_alias(specs) -> None:
    result = CliRunner().invoke(main, ["diff", str(specs["base"]), str(specs["base"])])
    assert result.exit_code == 0, result.output
    assert "No change" in result.stdout


def test_new_spec_errors_and_fail_on(specs, tmp_path) -> None:
    broken = tmp_path / "broken.factory"
    broken.write_text(FLAGSHIP.replace("utility_feed = 300 MW", "utility_feed = 300 mw"))
    result, doc = _plan(specs["base"], broken)
    assert result.exit_code == 1 and doc["new_evaluated"] is False
    over = tmp_path / "over.factory"                # five halls on a 300 MW feed: a limit check fails
    over.write_text(FLAGSHIP.replace("param halls = 4", "param halls = 5"))
    result, doc = _plan(specs["base"], over)
    assert result.exit_code == 1
    assert doc["checks"]["newly_failing"] == ["frontier_campus: the site's peak facility power is within the "
                                              "utility feed"]
    md, _ = _plan(specs["base"], over, fmt="markdown")
    assert md.exit_code == 1 and "error[limit-exceeded]" in md.stdout and "Newly failing checks" in md.stdout
    relaxed = CliRunner().invoke(main, ["plan", str(specs["base"]), str(over), "--fail-on", "none"])
    assert relaxed.exit_code == 3, relaxed.output
    back, doc = _plan(over, specs["base"])
    assert doc["checks"]["fixed"] and back.exit_code == 3


def test_usage_errors(specs, tmp_path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["plan", str(specs["base"])]).exit_code == 2
    assert runner.invoke(main, ["plan", str(specs["base"]), str(specs["ac"]), str(specs["ac"])]).exit_code == 2
    assert runner.invoke(main, ["plan", str(specs["base"]), str(specs["ac"]), "--base-ref", "x"]).exit_code == 2
    for text in ('[watts]\nmax = 1\n', '[pue]\nmaximum = 1\n', '[pue]\nmax = "a lot"\n', 'pue = 3\n', '[pue\n'):
        policy = tmp_path / "p.toml"
        policy.write_text(text)
        result = runner.invoke(main, ["plan", str(specs["base"]), str(specs["base"]), "--policy", str(policy)])
        assert result.exit_code == 2 and "p.toml" in result.output, (text, result.output)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_base_ref_compares_with_the_committed_version(tmp_path, monkeypatch) -> None:
    repo = tmp_path / "repo"
    (repo / "specs").mkdir(parents=True)
    (repo / "specs" / "parts.factory").write_text("server box { max_power = 10 kW\n  price = 1000 USD }\n")
    spec = repo / "specs" / "plan.factory"
    spec.write_text('from "./parts.factory" import box\nsite s {\n  hall h { rack r x 2 { server n: box x 4 } }\n}\n')
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    (repo / "specs" / "parts.factory").write_text("server box { max_power = 12 kW\n  price = 1000 USD }\n")
    spec.write_text(spec.read_text().replace("rack r x 2", "rack r x 3"))
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(main, ["plan", "specs/plan.factory", "--base-ref", "HEAD", "--format", "json"])
    assert result.exit_code == 3, result.output
    doc = json.loads(result.stdout)
    it = {k["path"]: k for k in doc["kpis"]}["s.it_power"]
    # 2 racks x 4 servers x 10 kW = 80 kW before; 3 x 4 x 12 kW = 144 kW after (max_power as peak IT power)
    assert it["old"] == pytest.approx(80e3) and it["new"] == pytest.approx(144e3)
    assert doc["old"] == "specs/plan.factory@HEAD"
    missing = CliRunner().invoke(main, ["plan", "specs/plan.factory", "--base-ref", "no-such-ref"])
    assert missing.exit_code == 2 and "no-such-ref" in missing.output


def test_absent_values_are_absent_not_numbers() -> None:
    old = Snapshot("a", True, kpis={"s.w.usd_per_mtok": ("usd_per_mtok", "USD/tok", "USD/Mtok", 2e-7)})
    new = Snapshot("b", True, kpis={"s.w.usd_per_mtok": ("usd_per_mtok", "USD/tok", "USD/Mtok", None)})
    doc = compare(old, new, {"usd_per_mtok": {"max_increase": ("relative", 0.05), "max": ("absolute", 1.0)}})
    k = doc["kpis"][0]
    assert k["new"] is None and k["change"] is None and k["relative_change"] is None and k["changed"]
    assert [g["ok"] for g in doc["policy"]] == [False, False]          # an absent value cannot meet a gate
    assert exit_code(doc, "error") == 4


def test_published_plan_schema(halls_plan) -> None:
    import jsonschema

    published = (ROOT / "docs" / "plan.schema.json").read_text()
    assert published == plan_schema(), "run: python3 -m compiler.plan > docs/plan.schema.json"
    jsonschema.validate(halls_plan[1], json.loads(published))


def test_format_number_keeps_the_zeros_of_whole_thousands() -> None:
    """Was `2,28` for 2,280.4 (trailing zeros stripped from a number without a decimal point)."""
    assert format_number(2280.4) == "2,280"
    assert format_number(1000.5) == "1,000" and format_number(12.5) == "12.5"


def test_a_reference_change_is_a_part_change(specs, tmp_path) -> None:
    bigger = tmp_path / "bigger.factory"
    bigger.write_text(FLAGSHIP.replace("model = Llama3_1_70B", "model = Llama3_1_405B"))
    result, doc = _plan(specs["base"], bigger)
    assert result.exit_code == 3, result.output
    chat = {p["path"]: p for p in doc["parts"]}["frontier_campus.chat"]
    assert {"what": "model", "old": "models.Llama3_1_70B", "new": "models.Llama3_1_405B", "unit": ""} in _core(
        chat["details"])
    assert {k["path"]: k for k in doc["kpis"]}["frontier_campus.chat.usd_per_mtok"]["change"] > 0


STARTER = (ROOT / "examples" / "enterprise_starter.factory").read_text()


def test_a_figure_that_counts_an_unpriced_part_as_zero_is_incomplete_not_a_change(tmp_path) -> None:
    """The H100 servers swapped for H200 ones, whose stdlib chip has no price: capex "falls" by the GPUs' price.
    Laws: the cost KPIs that read the $0 part (capex, opex, TCO, $/accelerator-hour) are marked incomplete on the
    new side and the power ones are not; the reverse plan marks the old side (the flags swap, as old and new
    do); a plan of the new spec against itself is no change; the headline states no decrease; a gate on an
    incomplete figure cannot be checked (violated), but a `min` the lower bound already meets holds."""
    from compiler.plan import headline, snapshot

    swapped = STARTER.replace("from chips import H100_SXM,", "from chips import H200,").replace(
        "H100_SXM x 8", "H200 x 8")
    (tmp_path / "a.factory").write_text(STARTER)
    (tmp_path / "b.factory").write_text(swapped)
    a, b = (snapshot([str(tmp_path / f"{n}.factory")], n, {}, None, 0) for n in "ab")
    forward, backward, same = compare(a, b), compare(b, a), compare(b, b)
    cost = {"capex", "opex", "tco_year", "cost_per_accelerator_hour"}
    incomplete = {k["name"] for k in forward["kpis"] if k["new_incomplete"]}
    assert incomplete == cost and not any(k["old_incomplete"] for k in forward["kpis"])
    assert [(k["old_incomplete"], k["new_incomplete"]) for k in backward["kpis"]] == \
        [(k["new_incomplete"], k["old_incomplete"]) for k in forward["kpis"]]
    assert not same["changed"] and exit_code(same, "error") == 0
    assert "decrease" not in headline(forward) and "incomplete after" in headline(forward)
    gated = compare(a, b, {"tco_year": {"max_increase": ("relative", 0.05)}, "capex": {"min": ("absolute", 1.0)}})
    verdict = {g["path"].rpartition(".")[2]: g["ok"] for g in gated["policy"]}
    assert verdict == {"tco_year": False, "capex": True} and exit_code(gated, "error") == 4


def test_an_old_spec_that_cannot_be_evaluated_says_why(tmp_path) -> None:
    """The old spec imports a module that does not exist (a base branch that was broken): the plan said "the old
    spec has errors" and dropped them. Law: the plan's `old_diagnostics` are the errors `factory check OLD`
    reports, and the Markdown comment and standard error name each at its file:line:col."""
    from compiler.plan import render_markdown, snapshot

    broken = STARTER.replace("from chips import", "from chipz import")
    (tmp_path / "old.factory").write_text(broken)
    (tmp_path / "new.factory").write_text(STARTER)
    old, new = (snapshot([str(tmp_path / f"{n}.factory")], str(tmp_path / f"{n}.factory"), {}, None, 0)
                for n in ("old", "new"))
    doc = compare(old, new)
    checked = json.loads(CliRunner().invoke(main, ["check", str(tmp_path / "old.factory"), "--format", "json"]).stdout)
    errors = [d for d in checked["diagnostics"] if d["severity"] == "error"]
    assert not doc["old_evaluated"] and doc["old_diagnostics"] == errors and errors
    markdown = render_markdown(doc)
    result = CliRunner().invoke(main, ["plan", str(tmp_path / "old.factory"), str(tmp_path / "new.factory")])
    for d in errors:
        where = f"{d['location']['file']}:{d['location']['line']}:{d['location']['col']}"
        assert f"{where}: error[{d['code']}]" in markdown and f"{where}: error[{d['code']}]" in result.stderr


def test_a_plan_of_a_sweep_says_which_scenario_it_compares(tmp_path) -> None:
    """A spec swept over `racks = [4, 6]`: the plan compared scenario 1 and said nothing of it. Law: the plan at
    --scenario k names scenario k of 2 with the parameter's value there, and its KPIs are those of the plan of
    the same specs with the parameter fixed at that value."""
    from compiler.plan import render_markdown, render_text, snapshot

    def write(name, racks, price):
        text = STARTER.replace("param racks = 4", f"param racks = {racks}").replace("0.12 USD/kWh", price)
        (tmp_path / name).write_text(text)
        return str(tmp_path / name)

    swept = [write("a.factory", "[4, 6]", "0.12 USD/kWh"), write("b.factory", "[4, 6]", "0.15 USD/kWh")]
    fixed = [write("a6.factory", "6", "0.12 USD/kWh"), write("b6.factory", "6", "0.15 USD/kWh")]
    doc = compare(*(snapshot([p], p, {}, None, 1) for p in swept), scenario=1)
    plain = compare(*(snapshot([p], p, {}, None, 0) for p in fixed))
    assert doc["scenarios"]["compared"] == 2
    assert doc["scenarios"]["new"] == {"count": 2, "parameters": {"racks": 6.0}, "text": "scenario 2 of 2 (racks = 6)"}
    assert [(k["path"], k["old"], k["new"]) for k in doc["kpis"]] == [(k["path"], k["old"], k["new"]) for k in plain["kpis"]]
    assert "scenarios" not in plain
    assert "compared: scenario 2 of 2 (racks = 6)" in render_text(doc)
    assert "Compared: scenario 2 of 2 (racks = 6)" in render_markdown(doc)


def test_the_plan_of_b_to_a_is_the_negation_of_a_to_b(tmp_path) -> None:
    """Laws, on a change of several kinds at once (a new hall, a price, a rack count): B -> A lists the same
    KPIs with old and new swapped and the change negated; added parts become removed ones and a changed part's
    details swap old and new; a new failing check (newly failing, added) becomes a removed one that was failing,
    never a fixed one (session 16: it read as fixed); a spec against itself is no change."""
    from compiler.plan import snapshot

    changed = STARTER.replace("param energy_price = 0.12", "param energy_price = 0.15").replace(
        "    assert gpus == 64, \"four racks of two 8-GPU servers\"\n  }\n",
        "    assert gpus == 64, \"four racks of two 8-GPU servers\"\n  }\n  hall annex {\n    power_feed = 60 kW\n"
        "    rack gpu: air_rack x 2\n    assert count(rack.server.chip) == 64, \"a full room\"\n  }\n")
    assert "annex" in changed
    (tmp_path / "a.factory").write_text(STARTER)
    (tmp_path / "b.factory").write_text(changed)
    a, b = (snapshot([str(tmp_path / f"{n}.factory")], n, {}, None, 0) for n in "ab")
    forward, backward = compare(a, b), compare(b, a)
    assert forward["changed"] and not compare(a, a)["changed"] and not compare(b, b)["changed"]
    fk, bk = {k["path"]: k for k in forward["kpis"]}, {k["path"]: k for k in backward["kpis"]}
    assert fk.keys() == bk.keys() and any(k["changed"] for k in fk.values())
    for path, k in fk.items():
        assert (k["old"], k["new"], k["changed"]) == (bk[path]["new"], bk[path]["old"], bk[path]["changed"])
        if k["change"] is not None:
            assert bk[path]["change"] == pytest.approx(-k["change"], rel=1e-12, abs=0)
    flip = {"added": "removed", "removed": "added", "changed": "changed"}
    fp, bp = {p["path"]: p for p in forward["parts"]}, {p["path"]: p for p in backward["parts"]}
    assert fp.keys() == bp.keys() and {p["change"] for p in fp.values()} >= {"added", "changed"}
    for path, p in fp.items():
        assert bp[path]["change"] == flip[p["change"]]
        assert {(d["what"], d["old"], d["new"]) for d in p["details"]} == \
            {(d["what"], d["new"], d["old"]) for d in bp[path]["details"]}
    assert forward["checks"]["newly_failing"] == backward["checks"]["removed_failing"] == \
        ["headquarters.annex: a full room"] and backward["checks"]["fixed"] == []
    assert forward["checks"]["added"] == backward["checks"]["removed"] and forward["checks"]["removed"] == \
        backward["checks"]["added"] == []


def test_a_gate_that_names_no_kpi_is_reported_never_dropped() -> None:
    """A policy with `["headquarter.capex"] max = 1e6` (a typo of headquarters) passed a $2.7M capex silently,
    and `[tokens_per_s]` on a site without workloads said nothing. Laws: every gate of the policy is in the
    plan's `policy`; one whose full path is no KPI of either spec is violated (exit 4) and names the closest
    KPI; one whose short name no site or workload has is listed as not applied and leaves the exit code as is."""
    old = Snapshot("a", True, kpis={"headquarters.capex": ("capex", "USD", "", 2.0e6)})
    new = Snapshot("b", True, kpis={"headquarters.capex": ("capex", "USD", "", 2.7e6)})
    typo = compare(old, new, {"headquarter.capex": {"max": ("absolute", 1e6)}})
    assert [(g["path"], g["ok"], g["applied"]) for g in typo["policy"]] == [("headquarter.capex", False, False)]
    assert "did you mean `headquarters.capex`" in typo["policy"][0]["message"] and exit_code(typo, "error") == 4
    shared = compare(old, new, {"tokens_per_s": {"max_decrease": ("relative", 0.02)}, "capex": {"max": ("absolute", 3e6)}})
    assert [(g["path"], g["ok"], g["applied"]) for g in shared["policy"]] == [
        ("headquarters.capex", True, True), ("tokens_per_s", True, False)]
    assert exit_code(shared, "error") == 3


WORKLOAD = '''
from systems import DGX_H100
from models import Llama3_1_8B, Llama3_1_70B

site lab {
  inference chat {
    model = Llama3_1_8B
    system = DGX_H100
    accelerators = 1
    precision = "bf16"
    scenario = "offline"
    input_tokens = 1000 tok
    output_tokens = 200 tok
  }
}
'''


def test_a_figure_that_became_absent_says_why(tmp_path) -> None:
    """The 8B model swapped for the 70B one on one 80 GB GPU: its weights do not fit, and the plan printed
    "151 tok/s -> absent (n/a, n/a)" with no reason beside it. Laws: each KPI that has no value carries the
    reason and origin the results JSON gives it (`new_absent`; the reverse plan's `old_absent`); the text
    and the Markdown comment state each distinct reason once under the KPIs, naming the block it comes from;
    an absent figure is never marked incomplete."""
    from compiler.plan import render_markdown, render_text, snapshot

    (tmp_path / "a.factory").write_text(WORKLOAD)
    (tmp_path / "b.factory").write_text(WORKLOAD.replace("model = Llama3_1_8B", "model = Llama3_1_70B"))
    a, b = (snapshot([str(tmp_path / f"{n}.factory")], n, {}, None, 0) for n in "ab")
    forward, backward = compare(a, b), compare(b, a)
    quantities = json.loads(CliRunner().invoke(main, ["eval", str(tmp_path / "b.factory"), "--format", "json"]).stdout)["quantities"]
    absent = [k for k in forward["kpis"] if k["new"] is None]
    assert absent and all(k["new_absent"] == {key: quantities[k["path"]]["absent"][key] for key in ("reason", "origin")}
                          and not k["new_incomplete"] for k in absent)
    assert [k["old_absent"] for k in backward["kpis"]] == [k["new_absent"] for k in forward["kpis"]]
    reasons = {k["new_absent"]["reason"] for k in absent if k["changed"]}
    assert reasons and all(render_text(forward).count(r) == 1 and render_markdown(forward).count(
        f"- absent after: `lab.chat`: {r}") == 1 for r in reasons)


def test_markdown_code_spans_hold_their_text_as_written() -> None:
    """GitHub shows `&lt;` inside a code span as four characters: a diagnostic at `<stdlib>/systems.factory`
    was commented as `&lt;stdlib&gt;/systems.factory`. Law: every code span of the comment is its text
    unescaped; outside code spans `<` is escaped."""
    import re

    from compiler.plan import render_markdown

    doc = compare(Snapshot("a", True), Snapshot("b <new>", True, diagnostics=[
        {"severity": "warning", "code": "unpriced", "message": "chip <x> has no price",
         "location": {"file": "<stdlib>/systems.factory", "line": 345, "col": 8}}], checks={"s: fits <= 1 MW": False}))
    text = render_markdown(doc)
    spans = re.findall(r"`+ ?([^`]+?) ?`+", text)
    assert "<stdlib>/systems.factory:345:8: warning[unpriced]" in spans and "s: fits <= 1 MW" in spans
    assert not any("&lt;" in span or "&gt;" in span for span in spans)
    assert "chip &lt;x&gt; has no price" in text
