"""`factory plan` in a pull request (session 16): the checks a change removes or adds, and where the GitHub
annotations of a plan are placed. Laws, on the small enterprise example (one evaluation a spec):

    a check that no longer exists is not a check that passes: deleting a failing `assert` is listed as a removed
    check (it was failing), never as fixed, in JSON, text, Markdown and GitHub; deleting (or adding) a passing one
    is a change too (exit 3, not the 0 of "no change to checks"), and plan(A, B) and plan(B, A) are mirror images:
    what one removes the other adds (a new failing check stays `newly_failing`);
    every annotation of `factory plan --format github` carries file= and line= (GitHub shows one without them only
    in the run's summary, never on the pull request's files): the headline at the new spec, a removed input at
    the line of the old spec where it was (a file), or at the new spec when the old side is `PATH@REF`.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli import main

from test_plan_costs import STARTER, _edit   # tests/ is on the path: the starter and its checked edits

ASSERT = '    assert gpus == 64, "four racks of two 8-GPU servers"\n'
CHECK = "headquarters.server_room: four racks of two 8-GPU servers"


@pytest.fixture(scope="module")
def specs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("plan_ci16")
    texts = {
        "a": STARTER,
        "failing": _edit(STARTER, ("gpus == 64", "gpus == 60")),      # the assert fails (64 GPUs are placed)
        "gone": _edit(STARTER, (ASSERT, "")),                         # the assert deleted
        # a param removed (its one use written out): a removed input
        "no_param": _edit(STARTER, ("param servers_per_rack = 2\n", ""), ("x servers_per_rack", "x 2")),
        # a second site (an annex of two racks in a rented room)
        "annex": STARTER + '\nsite annex {\n  location = "rented room"\n  electricity_price = energy_price\n'
                           '  land_price = 0 USD\n  hall room {\n    power_feed = 60 kW\n    rack gpu: air_rack x 1\n'
                           '  }\n}\n',
    }
    out = {}
    for name, text in texts.items():
        out[name] = folder / f"{name}.factory"
        out[name].write_text(text)
    return out


_DOCS: dict = {}


def _plan(a: Path, b: Path, fmt: str = "json", *extra: str):
    """The plan of a -> b in a format; text, Markdown and GitHub are rendered from the JSON plan (one evaluation
    of each side a pair), the GitHub lines without the new spec's diagnostics the CLI prints before them."""
    from compiler.plan import render_github, render_markdown, render_text

    if extra or (a, b) not in _DOCS:
        result = CliRunner().invoke(main, ["plan", str(a), str(b), "--format", "json", *extra])
        if extra:
            return result, json.loads(result.stdout)
        _DOCS[(a, b)] = result, json.loads(result.stdout)
    result, doc = _DOCS[(a, b)]
    render = {"json": lambda d: d, "text": render_text, "markdown": render_markdown, "github": render_github}[fmt]
    return result, render(doc)


def test_deleting_a_failing_assert_reads_as_removed_not_fixed(specs) -> None:
    result, doc = _plan(specs["failing"], specs["gone"])
    assert result.exit_code == 3, result.output                 # the new spec has no error: changed, no gate
    checks = doc["checks"]
    assert checks["fixed"] == [] and checks["removed"] == [CHECK] and checks["removed_failing"] == [CHECK]
    assert checks["added"] == [] and checks["newly_failing"] == [] and checks["failing"] == []
    text = _plan(specs["failing"], specs["gone"], "text")[1]
    assert "fixed" not in text and f"  {CHECK} (was failing)" in text, text
    assert "1 check(s) removed (1 failing before)" in text.splitlines()[1], text
    md = _plan(specs["failing"], specs["gone"], "markdown")[1]
    assert "fixed" not in md and "Removed checks that were failing" in md and CHECK in md, md
    gh = _plan(specs["failing"], specs["gone"], "github")[1]
    assert "fixed" not in gh and any(line.startswith("::warning") and CHECK in line for line in gh.splitlines()), gh
    # a check that fails before and passes after, still there, is fixed
    _, fixed = _plan(specs["failing"], specs["a"])
    assert fixed["checks"]["fixed"] == [CHECK] and fixed["checks"]["removed"] == []


def test_deleting_or_adding_a_passing_assert_is_a_change_and_the_mirror_of_each_other(specs) -> None:
    result, forward = _plan(specs["a"], specs["gone"])
    assert result.exit_code == 3, result.output                 # was 0: "No change to ... checks"
    assert forward["changed"] and forward["checks"]["removed"] == [CHECK] and forward["checks"]["removed_failing"] == []
    back_result, backward = _plan(specs["gone"], specs["a"])
    assert back_result.exit_code == 3, back_result.output
    assert backward["checks"]["added"] == forward["checks"]["removed"] and backward["checks"]["removed"] == []
    # a failing assert added is newly failing (and added); deleted again, removed while failing
    _, add_failing = _plan(specs["gone"], specs["failing"])
    _, drop_failing = _plan(specs["failing"], specs["gone"])
    assert add_failing["checks"]["newly_failing"] == add_failing["checks"]["added"] == \
        drop_failing["checks"]["removed"] == drop_failing["checks"]["removed_failing"] == [CHECK]
    # a spec against itself: nothing added or removed, exit 0
    same, doc = _plan(specs["a"], specs["a"])
    assert same.exit_code == 0 and doc["checks"]["added"] == doc["checks"]["removed"] == []


_ANNOTATION = re.compile(r"::(notice|warning|error) file=([^,]+),line=(\d+),col=(\d+),.*?title=[^:]*::")


def test_every_annotation_of_the_plan_is_at_a_file_and_line(specs) -> None:
    """The headline notice and a removed input's notice had no file=/line= (shown in the run's summary only)."""
    from compiler.ci_formats import RepositoryPaths

    _display_path = RepositoryPaths().display

    result, gh = _plan(specs["a"], specs["no_param"], "github")
    assert result.exit_code == 3, result.output
    lines = gh.splitlines()
    assert lines and all(_ANNOTATION.match(line) for line in lines), gh
    head = _ANNOTATION.match(lines[0])                       # the headline: at the new spec
    assert (head.group(2), head.group(3)) == (_display_path(str(specs["no_param"])), "1"), lines[0]
    removed = next(line for line in lines if "param servers_per_rack" in line)
    place = _ANNOTATION.match(removed)                       # at the old spec's line 9, where the param was
    assert (place.group(2), place.group(3)) == (_display_path(str(specs["a"])), "9"), removed
    # a deleted failing assert's warning too
    _, gh = _plan(specs["failing"], specs["gone"], "github")
    assert all(_ANNOTATION.match(line) for line in gh.splitlines()), gh


def test_with_base_ref_a_removed_input_is_annotated_at_the_head_spec(tmp_path, monkeypatch) -> None:
    """The base's places are `PATH@REF` (no file in the checkout): a removed input is placed at the spec."""
    import subprocess

    repo = tmp_path / "repo"
    (repo / "specs").mkdir(parents=True)
    spec = repo / "specs" / "plan.factory"
    spec.write_text(STARTER)
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    spec.write_text(_edit(STARTER, ("param servers_per_rack = 2\n", ""), ("x servers_per_rack", "x 2")))
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(main, ["plan", "specs/plan.factory", "--base-ref", "HEAD", "--format", "github"])
    assert result.exit_code == 3, result.output
    lines = result.stdout.splitlines()
    assert lines and all(_ANNOTATION.match(line) for line in lines), result.stdout
    removed = next(line for line in lines if "param servers_per_rack" in line)
    assert _ANNOTATION.match(removed).group(2, 3) == ("specs/plan.factory", "1"), removed
    assert "@HEAD" not in "".join(_ANNOTATION.match(line).group(2) for line in lines)


def test_a_site_the_change_adds_has_nothing_to_decrease_the_mirror_of_one_it_removes(specs, tmp_path) -> None:
    """`[tco_year] max_decrease = "1%"` was violated on a site the change adds ("the change cannot be measured"),
    exit 4 for a pull request that only adds a site, while on a site the change removes `max_increase` is not
    applied. Law: the gates of plan(A, B) and plan(B, A) are mirror images, max_increase <-> max_decrease: what
    one removes has no increase, what the other adds has no decrease (not applied); the increase of an added
    site and the decrease of a removed one cannot be measured (violated)."""
    policy = tmp_path / "policy.toml"
    policy.write_text('[tco_year]\nmax_decrease = "1%"\nmax_increase = "1%"\n[capex]\nmax_increase = "1%"\n'
                      'max_decrease = "1%"\n')
    add_result, add = _plan(specs["a"], specs["annex"], "json", "--policy", str(policy))
    drop_result, drop = _plan(specs["annex"], specs["a"], "json", "--policy", str(policy))
    gates = {(g["path"], g["gate"]): g for g in add["policy"]}
    mirror = {(g["path"], g["gate"]): g for g in drop["policy"]}
    flip = {"max_increase": "max_decrease", "max_decrease": "max_increase"}
    added = gates[("annex.tco_year", "max_decrease")]
    assert added["ok"] and not added["applied"] and "not in the old spec (added)" in added["message"], added
    assert not gates[("annex.capex", "max_increase")]["ok"]
    for (path, gate), g in gates.items():
        other = mirror[(path, flip[gate])]
        assert (g["ok"], g["applied"]) == (other["ok"], other["applied"]), (g, other)
    # the headquarters do not change: their gates pass both ways
    assert all(g["ok"] for (p, _), g in gates.items() if p.startswith("headquarters."))
    assert add_result.exit_code == drop_result.exit_code == 4    # capex of the annex, tco of the annex: violated
    only_decrease = tmp_path / "decrease.toml"
    only_decrease.write_text('[tco_year]\nmax_decrease = "1%"\n')
    result, _ = _plan(specs["a"], specs["annex"], "json", "--policy", str(only_decrease))
    assert result.exit_code == 3, result.output                  # was 4: adding a site decreases nothing


def test_a_temperature_param_is_shown_in_degrees_and_its_change_as_a_difference(tmp_path) -> None:
    """`param inlet = 24 degC` -> `27 degC` printed `param inlet: 1.084 degC -> 1.095 degC (+0.01094 degC, +1.0%)`:
    the kelvin values divided by the size of one degC taken as 274.15 K. A temperature is a point: it is shown as
    `eval` shows it (24 degC), its change is a difference (+3 K), and a ratio of two points (300.15 K / 297.15 K,
    counted from absolute zero) is no relative change (null, not printed)."""
    spec = STARTER.replace("param racks = 4", "param racks = 4\nparam inlet = 24 degC")
    (tmp_path / "a.factory").write_text(spec)
    (tmp_path / "b.factory").write_text(spec.replace("24 degC", "27 degC"))
    shown = CliRunner().invoke(main, ["eval", str(tmp_path / "a.factory"), "--select", "inlet"]).stdout
    assert "24 degC" in shown, shown
    result, doc = _plan(tmp_path / "a.factory", tmp_path / "b.factory")
    assert result.exit_code == 3, result.output
    (inlet,) = doc["inputs"]
    assert (inlet["old"], inlet["new"]) == (pytest.approx(297.15), pytest.approx(300.15))
    assert inlet["change"] == pytest.approx(3.0) and inlet["relative_change"] is None
    text = _plan(tmp_path / "a.factory", tmp_path / "b.factory", "text")[1]
    assert "param inlet: 24 degC -> 27 degC (+3 K)" in text, text
    md = _plan(tmp_path / "b.factory", tmp_path / "a.factory", "markdown")[1]
    assert "| param `inlet` | 27 degC | 24 degC | -3 K |" in md, md


def _mirror(forward: dict, backward: dict) -> None:
    """plan(B, A) is plan(A, B) with the sides swapped: KPIs, inputs, parts, cost rows and checks."""
    fk, bk = {k["path"]: k for k in forward["kpis"]}, {k["path"]: k for k in backward["kpis"]}
    assert fk.keys() == bk.keys()
    for path, k in fk.items():
        m = bk[path]
        assert (k["old"], k["new"], k["changed"]) == (m["new"], m["old"], m["changed"]), path
        assert (k["change"] is None) == (m["change"] is None) and (k["change"] is None or m["change"] == -k["change"])
        for field in ("incomplete", "flagged"):
            assert (k[f"old_{field}"], k[f"new_{field}"]) == (m[f"new_{field}"], m[f"old_{field}"]), (path, field)
        swap = {"old": "new", "new": "old"}
        for side in swap:                 # `not in the old spec` one way is `not in the new spec` the other
            why = k[f"{side}_absent"] and {**k[f"{side}_absent"], "reason": k[f"{side}_absent"]["reason"].replace(
                f"{side} spec", f"{swap[side]} spec")}
            assert why == m[f"{swap[side]}_absent"], (path, side)
    flip = {"added": "removed", "removed": "added", "changed": "changed"}
    assert {(i["name"], i["old"], i["new"], flip[i["status"]]) for i in forward["inputs"]} == \
        {(i["name"], i["new"], i["old"], i["status"]) for i in backward["inputs"]}
    assert {(p["path"], flip[p["change"]]) for p in forward["parts"]} == {(p["path"], p["change"]) for p in backward["parts"]}
    rows = {(r["site"], r["item"], r["cost"]): r["change"] for r in backward["costs"]}
    assert {key: -change for key, change in rows.items()} == \
        {(r["site"], r["item"], r["cost"]): r["change"] for r in forward["costs"]}
    f, b = forward["checks"], backward["checks"]
    assert (f["added"], f["removed"]) == (b["removed"], b["added"])
    assert f["fixed"] == sorted(set(b["newly_failing"]) - set(b["added"]))
    assert f["removed_failing"] == sorted(set(b["newly_failing"]) & set(b["added"]))


def test_a_pull_requests_plan_is_head_minus_base_as_eval_prints_them_and_mirrors_the_reverse(specs, tmp_path) -> None:
    """Laws on a pull request's kinds of change at once (a rack count and its feed, an energy price, a new site, a
    failing assert deleted) and a chip swapped to one without a price (its figures incomplete): plan(A, A) is no
    change, exit 0; each KPI's old and new are the values `factory eval --format json` prints for the two specs,
    its change is new - old; plan(B, A) mirrors plan(A, B); every pair exits 3 (no spec has an error)."""
    from compiler.plan import compare, exit_code, snapshot

    head = _edit(STARTER, ("param racks = 4", "param racks = 5"), ("power_feed = 120 kW", "power_feed = 150 kW"),
                 ("0.12 USD/kWh", "0.15 USD/kWh"), (ASSERT, ""))
    head += specs["annex"].read_text()[len(STARTER):]
    (tmp_path / "head.factory").write_text(head)
    paths = {"base": specs["a"], "head": tmp_path / "head.factory", "h200": tmp_path / "h200.factory"}
    paths["h200"].write_text(_edit(STARTER, ("H100_SXM", "H200")))
    snaps = {name: snapshot([str(path)], name, {}, None, 0) for name, path in paths.items()}
    printed = {}
    for name, path in paths.items():
        result = CliRunner().invoke(main, ["eval", str(path), "--format", "json"])
        printed[name] = {q: v["values"][0] for q, v in json.loads(result.stdout)["quantities"].items()}
    for name, snap in snaps.items():
        same = compare(snap, snap)
        assert not same["changed"] and exit_code(same, "error") == 0, name
    for a, b in (("base", "head"), ("base", "h200"), ("head", "h200")):
        forward, backward = compare(snaps[a], snaps[b]), compare(snaps[b], snaps[a])
        assert exit_code(forward, "error") == exit_code(backward, "error") == 3, (a, b)
        for k in forward["kpis"]:
            assert k["old"] == printed[a].get(k["path"]) and k["new"] == printed[b].get(k["path"]), k["path"]
            if k["change"] is not None:
                assert k["change"] == k["new"] - k["old"], k["path"]
        _mirror(forward, backward)
    forward = compare(snaps["base"], snaps["head"])
    assert forward["checks"]["removed"] == [CHECK] and any(k["path"].startswith("annex.") for k in forward["kpis"])


def test_the_headline_of_a_new_spec_with_errors_says_so_first(specs, tmp_path) -> None:
    """A service offered 1000x its demand: `$/Mtok of hq will decrease by 1.652 USD/Mtok (-94.4%)` headed the
    pull-request comment of a change whose new spec has an `overloaded` error (exit 1; its $/Mtok is at capacity).
    The headline is the first line a reviewer reads: it says the new spec has errors before any figure, in every
    format; a spec without errors keeps its headline."""
    (tmp_path / "five.factory").write_text(_edit(STARTER, ("param racks = 4", "param racks = 5"),
                                                 ("power_feed = 120 kW", "power_feed = 150 kW")))
    result, doc = _plan(specs["a"], tmp_path / "five.factory")
    assert result.exit_code == 1 and doc["checks"]["newly_failing"] == [CHECK], result.output   # gpus == 64 fails
    for fmt in ("text", "markdown", "github"):
        out = _plan(specs["a"], tmp_path / "five.factory", fmt)[1]
        head = next(line for line in out.splitlines() if "TCO per year of headquarters" in line)
        assert "The new spec has 1 error(s) (listed with the plan); as evaluated, TCO per year of headquarters will " \
               "increase by" in head, (fmt, head)
    clean = _plan(specs["a"], specs["annex"], "text")[1].splitlines()[1]
    assert clean.startswith("TCO per year of annex goes from absent"), clean


def test_a_gate_in_an_inline_table_is_annotated_at_its_key(specs, tmp_path) -> None:
    """`pue = { max = 1.1 }` had no place (JSON location null), so its violation had no file= in the GitHub format;
    it is at its key in the policy file, as a gate under a table header is; nested and quoted keys read as TOML."""
    policy = tmp_path / "policy.toml"
    policy.write_text('pue = { max = 1.1 }\n["headquarters.capex"]\nmax = 1e6\n[headquarters]\n'
                      'tco_year = { max_increase = "1%", max = 1 }\n')
    result, doc = _plan(specs["a"], specs["annex"], "json", "--policy", str(policy))
    assert result.exit_code == 4, result.output
    places = {(g["path"], g["gate"]): (g["location"] or {}).get("line") and
              (g["location"]["line"], g["location"]["col"]) for g in doc["policy"]}
    assert places[("headquarters.pue", "max")] == (1, 9) and places[("annex.pue", "max")] == (1, 9)
    assert places[("headquarters.capex", "max")] == (3, 1)
    assert places[("headquarters.tco_year", "max_increase")] == (5, 14)
    assert places[("headquarters.tco_year", "max")] == (5, 35)
    from compiler.plan import render_github

    errors = [line for line in render_github(doc).splitlines() if line.startswith("::error")]
    assert errors and all(line.startswith(f"::error file={policy},line=") for line in errors), errors
