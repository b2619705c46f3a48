"""Laws of `factory plan` found broken in the session-13 CI trust hunt (compiler/plan.py).

Each test states the law a CI gate relies on; the docstring says what the plan did before."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from compiler.cli import main

ROOT = Path(__file__).resolve().parents[1]
STARTER = (ROOT / "examples" / "enterprise_starter.factory").read_text()


def _write(folder: Path, name: str, text: str) -> str:
    (folder / name).write_text(text)
    return str(folder / name)


def _plan(*args) -> tuple[int, dict]:
    result = CliRunner().invoke(main, ["plan", *map(str, args), "--format", "json"])
    return result.exit_code, (json.loads(result.stdout) if result.stdout.startswith("{") else result.output)


def _swept(values: str) -> str:
    """The starter swept over its rack count (the assert on exactly 64 GPUs holds for 4 racks only)."""
    text = STARTER.replace("param racks = 4", f"param racks = {values}")
    return text.replace('    assert gpus == 64, "four racks of two 8-GPU servers"\n', "")


def test_a_change_to_a_sweep_outside_the_compared_scenario_is_a_change(tmp_path) -> None:
    """`racks = [2, 4]` -> `racks = [2, 5]` (and -> `[2, 4, 5]`, and -> `2`): the plan compared scenario 1 (racks =
    2 on both sides), said "No change to the plan's figures, parts or checks." and exited 0, so a CI gate let an
    edit that doubles a scenario's cost through as no change. Laws: a spec against itself is no change (exit 0);
    an edit of a swept parameter's values is a changed input (exit 3) that names the values on each side, whichever
    scenario is compared; the plan back is its mirror."""
    base = _write(tmp_path, "a.factory", _swept("[2, 4]"))
    code, doc = _plan(base, base)
    assert code == 0 and not doc["changed"] and doc["inputs"] == []
    for name, values, old_text, new_text in (("b.factory", "[2, 5]", "[2, 4]", "[2, 5]"),
                                             ("c.factory", "[2, 4, 5]", "[2, 4]", "[2, 4, 5]"),
                                             ("d.factory", "2", "[2, 4]", "2")):
        other = _write(tmp_path, name, _swept(values))
        code, doc = _plan(base, other)
        assert code == 3, (values, doc)
        assert doc["changed"]
        assert [(i["name"], i["status"], i["old"], i["new"]) for i in doc["inputs"]] == \
            [("racks", "changed", old_text, new_text)], values
        back_code, back = _plan(other, base)
        assert back_code == 3 and [(i["old"], i["new"]) for i in back["inputs"]] == [(new_text, old_text)]
    text = CliRunner().invoke(main, ["plan", base, str(tmp_path / "b.factory")]).output
    assert "param racks: [2, 4] -> [2, 5]" in text and "No change" not in text


def test_a_policy_table_may_name_its_kpi_path_as_toml_nests_it(tmp_path) -> None:
    """`[headquarters.capex]` is TOML for the table `capex` inside the table `headquarters`, the spelling a user
    writes first (docs/ci.md quotes it: `["frontier_campus.facility_power"]`). The plan refused it, exit 2:
    "`headquarters` is not a KPI". Law: the nested spelling is the same gate as the quoted dotted key: the same
    verdicts and exit code; a table that holds no gate, and a gate key that is not one, are still refused."""
    a = _write(tmp_path, "a.factory", STARTER)
    b = _write(tmp_path, "b.factory", STARTER.replace("param racks = 4", "param racks = 5").replace(
        '    assert gpus == 64, "four racks of two 8-GPU servers"\n', ""))
    quoted = _write(tmp_path, "quoted.toml", '["headquarters.capex"]\nmax_increase = "10%"\n[pue]\nmax = 2\n')
    nested = _write(tmp_path, "nested.toml", '[headquarters.capex]\nmax_increase = "10%"\n[pue]\nmax = 2\n')
    gates = {}
    for policy in (quoted, nested):
        code, doc = _plan(a, b, "--policy", policy)
        assert code == 4, doc
        gates[policy] = [(g["path"], g["gate"], g["ok"]) for g in doc["policy"]]
    assert gates[quoted] == gates[nested] == [("headquarters.capex", "max_increase", False),
                                              ("headquarters.pue", "max", True)]
    for bad, words in (('[headquarters]\nsite = "x"\n', "headquarters"), ('[headquarters.capex]\nmost = 1\n', "most")):
        result = CliRunner().invoke(main, ["plan", a, b, "--policy", _write(tmp_path, "bad.toml", bad)])
        assert result.exit_code == 2 and words in result.output, result.output


def test_a_removed_site_says_its_figures_went_with_it(tmp_path) -> None:
    """A spec of two sites, one removed: its KPIs printed `west.capex $3.7B -> absent (n/a, n/a)` with no reason,
    where a figure the model leaves absent (an infeasible workload) says why, so the reader could not tell a removed
    site from a model that failed. Law: each KPI of a site or workload only on one side says, on the missing side,
    that it is not in that spec (JSON `new_absent` / `old_absent`, and one line in the text); the plan back is the
    mirror; KPIs on both sides keep no such reason."""
    west = '\nsite west {\n  land_price = 0 USD\n  hall annex {\n    rack gpu: air_rack x 1\n  }\n}\n'
    a = _write(tmp_path, "a.factory", STARTER + west)
    b = _write(tmp_path, "b.factory", STARTER)
    code, doc = _plan(a, b)
    assert code == 3, doc
    gone = [k for k in doc["kpis"] if k["path"].startswith("west.")]
    assert gone and all(k["new"] is None and k["new_absent"] == {"reason": "not in the new spec", "origin": k["path"]}
                        for k in gone if k["old"] is not None)
    assert all(k["old_absent"] is None and k["new_absent"] is None for k in doc["kpis"] if k["path"].startswith("headq"))
    _, back = _plan(b, a)
    assert {k["path"]: k["old_absent"] for k in back["kpis"] if k["path"].startswith("west.") and k["new"] is not None} \
        == {k["path"]: {"reason": "not in the old spec", "origin": k["path"]} for k in gone if k["old"] is not None}
    text = CliRunner().invoke(main, ["plan", a, b]).output
    assert "absent after: `west`: not in the new spec" in text


def test_a_spec_new_in_the_change_plans_against_nothing_not_a_usage_error(tmp_path, monkeypatch) -> None:
    """A pull request that adds `specs/new.factory`, planned with `--base-ref main` as docs/ci.md's workflow does:
    the plan stopped with "does not exist at that ref", exit 2 (usage), so the workflow's gate failed every pull
    request that adds a spec. Laws: a spec (or its folder) missing at an existing ref is planned against nothing:
    every part added, exit 3, the headline says it is new at the ref; a ref that does not exist is still exit 2."""
    import subprocess

    repo = tmp_path / "repo"
    (repo / "specs").mkdir(parents=True)
    (repo / "README").write_text("x\n")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    (repo / "specs" / "new.factory").write_text(STARTER)
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(main, ["plan", "specs/new.factory", "--base-ref", "HEAD", "--format", "json"])
    assert result.exit_code == 3, result.output
    doc = json.loads(result.stdout)
    assert doc["old_missing"] is True and doc["old_evaluated"] is False and doc["old_diagnostics"] == []
    assert doc["parts"] and {p["change"] for p in doc["parts"]} == {"added"}
    text = CliRunner().invoke(main, ["plan", "specs/new.factory", "--base-ref", "HEAD"])
    assert text.exit_code == 3
    assert "specs/new.factory does not exist at HEAD: every figure and part below is new." in text.stdout
    assert "could not be evaluated" not in text.output
    bad = CliRunner().invoke(main, ["plan", "specs/new.factory", "--base-ref", "no-such-ref"])
    assert bad.exit_code == 2 and "no-such-ref" in bad.output


def test_a_figure_gone_from_a_site_that_stays_is_not_said_to_be_a_removed_site() -> None:
    """The site stays, its only workload goes: its `tokens_per_s` has no value on the new side. The reason must not
    say the site is "not in the new spec" (it is); it says the new spec has no such figure."""
    from compiler.plan import Part, Snapshot, compare

    site = Part("site", "s", 1.0, {})
    chat = Part("inference", "chat", 1.0, {})
    old = Snapshot("a", True, kpis={"s.tokens_per_s": ("tokens_per_s", "tok/s", "", 5.0),
                                    "s.chat.tokens_per_s": ("tokens_per_s", "tok/s", "", 5.0)},
                   parts={"s": site, "s.chat": chat})
    new = Snapshot("b", True, parts={"s": site})
    why = {k["path"]: k["new_absent"]["reason"] for k in compare(old, new)["kpis"]}
    assert why == {"s.tokens_per_s": "no such figure in the new spec", "s.chat.tokens_per_s": "not in the new spec"}


def test_removing_a_site_breaks_no_bound_and_no_increase_gate(tmp_path) -> None:
    """A spec of two sites, one decommissioned, planned with `[pue] max = 2` and `[capex] max_increase = "5%"`: both
    gates were violated on the removed site ("west.pue is absent, so `max = 2` cannot be met"), exit 4, so a policy
    blocked every change that removes a site or a workload. Laws: a bound (max, min) is on the new spec's figures,
    and a removed site has none to break; its figures do not increase; so those gates hold (listed, not applied) and
    the plan exits 3. A decrease gate on it is still violated (a removal is a decrease it cannot measure), and the
    same gates on the site that stays are checked as before."""
    west = '\nsite west {\n  land_price = 0 USD\n  hall annex {\n    rack gpu: air_rack x 1\n  }\n}\n'
    two = _write(tmp_path, "two.factory", STARTER + west)
    one = _write(tmp_path, "one.factory", STARTER)
    policy = _write(tmp_path, "p.toml", '[pue]\nmax = 2\n[capex]\nmax_increase = "5%"\n')
    code, doc = _plan(two, one, "--policy", policy)
    assert code == 3, doc["policy"]
    gates = {(g["path"], g["gate"]): g for g in doc["policy"]}
    assert gates[("west.pue", "max")]["ok"] and gates[("west.capex", "max_increase")]["ok"]
    assert gates[("west.pue", "max")]["applied"] is False and "not in the new spec" in gates[("west.pue", "max")]["message"]
    assert gates[("headquarters.pue", "max")]["applied"] is True
    down = _write(tmp_path, "d.toml", '[capex]\nmax_decrease = "5%"\n')
    code, doc = _plan(two, one, "--policy", down)
    assert code == 4 and [g["path"] for g in doc["policy"] if not g["ok"]] == ["west.capex"]
    tight = _write(tmp_path, "t.toml", '[pue]\nmax = 1.01\n')
    assert _plan(two, one, "--policy", tight)[0] == 4            # headquarters' PUE is still checked
