"""Session 26's open contract questions (s26-contract): what a Terraform / Infracost user expects of `plan`, of a
check's location, of infeasibility reasons and of the cooling outputs. Each test states the law, and failed before
its fix."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from compiler.cli import main

SPEC = '''from chips import H100_SXM
param racks = {racks}
server node {{
  chip gpu: H100_SXM x 8
  max_power = 10.2 kW
  cooling = "air"
  height = 8 U
}}
site hq {{
  land_price = 0 USD
  hall room {{
    power_feed = 200 kW
    rack r x racks {{
      server n: node x 2
      power_limit = 25 kW
      cooling = "air"
      height = 42 U
    }}
  }}
}}
'''


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=ci@example.com", "-c", "user.name=ci", *args], cwd=root, check=True,
                   capture_output=True)


@pytest.fixture
def history(tmp_path, monkeypatch) -> Path:
    """A repository of two commits on main (4 racks, then 6), its work tree at the second, with a reflog."""
    root = tmp_path / "checkout"
    (root / "specs").mkdir(parents=True)
    spec = root / "specs" / "campus.factory"
    spec.write_text(SPEC.format(racks=4))
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "four racks")
    spec.write_text(SPEC.format(racks=6))
    _git(root, "commit", "-qam", "six racks")
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    monkeypatch.chdir(root)
    return root


@pytest.mark.parametrize("ref", ["HEAD@{1}", "HEAD~1", "HEAD^", "main@{1}", "main~1...main"])
def test_a_ref_in_any_of_git_s_forms_for_one_commit_is_the_commit_before(history, ref) -> None:
    """Every form names the first commit (4 racks): the plan is the change to 6 racks, labelled with the ref as
    written, and JSON says the ref (`base_ref`) so nothing splits `PATH@REF` at an `@` of the ref."""
    result = CliRunner().invoke(main, ["plan", "specs/campus.factory", "--base-ref", ref, "--format", "json"])
    assert result.exit_code == 3, result.output
    doc = json.loads(result.stdout)
    assert doc["old"] == f"specs/campus.factory@{ref}" and doc["base_ref"] == ref
    assert [(i["name"], i["old"], i["new"]) for i in doc["inputs"]] == [("racks", 4.0, 6.0)]


def test_a_new_spec_at_a_ref_with_an_at_sign_is_named_whole(history) -> None:
    """`HEAD@{1}` split at its last `@` read "specs/new.factory@HEAD does not exist at {1}" until session 26."""
    (history / "specs" / "new.factory").write_text(SPEC.format(racks=2))
    result = CliRunner().invoke(main, ["plan", "specs/new.factory", "--base-ref", "HEAD@{1}"])
    assert result.exit_code == 3, result.output
    assert "specs/new.factory does not exist at HEAD@{1}: every figure and part below is new." in result.stdout
    (history / "specs" / "campus.factory").unlink()
    result = CliRunner().invoke(main, ["plan", "specs/campus.factory", "--base-ref", "HEAD@{1}"])
    assert result.exit_code == 3, result.output
    assert "is deleted by the change (it exists at HEAD@{1})" in result.stdout


@pytest.mark.parametrize("ref, says", [
    ("main..HEAD", "a range names two commits; name the one to compare with (--base-ref main), or main...HEAD"),
    ("main:specs", "REF:PATH names a file in a commit, not a commit; give the commit (--base-ref main)"),
    ("--output=x", "a git ref cannot start with '-'"),
    ("main@{upstream}", "not a commit of"),
    ("nosuch", "not a commit of"),
])
def test_a_ref_that_names_no_one_commit_is_a_usage_error_that_says_why(history, ref, says) -> None:
    """A range, a `REF:PATH`, an option-like ref and one git cannot resolve exit 2 with the reason (each was "not a
    commit" without one until session 26, and `main..HEAD` said nothing of `main...HEAD`)."""
    result = CliRunner().invoke(main, ["plan", "specs/campus.factory", "--base-ref", ref])
    assert result.exit_code == 2, result.output
    assert says in result.stderr, result.stderr
    assert not (history / "x").exists()
    if ref == "main@{upstream}":       # git's own reason
        assert "no upstream configured" in result.stderr


# ----------------------------------------------------------------------------- (d) a reason's field, not its words

DENSE_EP = '''from systems import DGX_H100
from models import Llama3_1_8B
site lab {
  land_price = 0 USD
  training tiny {
    model = Llama3_1_8B
    system = DGX_H100
    accelerators = 8
    tokens = 1 Ttok
    ep = 2
    tp = 8
  }
}
'''


@pytest.mark.parametrize("case, field", [("ep", "ep"), ("tp", "tp")])
def test_an_infeasible_workload_s_error_stands_at_its_field_whatever_the_reason_says(monkeypatch, case,
                                                                                       field) -> None:
    """The `infeasible-workload` error of `ep = 2` on a dense model (and of `tp = 16` on an 8-GPU system) stands
    at the field its reason is about, from the reason's structure (compiler/reason.py), so rewording the reason
    keeps the place: until session 26 `infeasible_check` matched the words "`ep` = " and "no parallel layout
    exists with tp = ", and a reason reworded "Expert parallelism 2 ..." stood at the workload's name."""
    from dsl.diagnostics import Code

    from compiler import reason as reason_module
    from compiler import evaluate_text
    from compiler.models import training

    spec = DENSE_EP if case == "ep" else DENSE_EP.replace("    ep = 2\n", "").replace("tp = 8", "tp = 16")
    lines = spec.splitlines()
    line = next(i for i, x in enumerate(lines, 1) if x.strip().startswith(f"{field} = "))
    produce = training.why_infeasible

    def reworded(*args, **kwargs):        # the same structure, other words: none of "`ep` = " or "exists with"
        said = produce(*args, **kwargs)
        return reason_module.Reason("Reworded: " + said.replace("`", "").replace("exists with", "exists for"),
                                    **said.structure())

    for rewording in (False, True):
        if rewording:
            monkeypatch.setattr(training, "why_infeasible", reworded)
        _, sink = evaluate_text(spec, "lab.factory")
        errors = [d for d in sink.errors if d.code == Code.INFEASIBLE_WORKLOAD]
        assert len(errors) == 1, [d.message for d in sink.items]
        assert errors[0].message.split(": ", 1)[1].startswith("Reworded: ") == rewording, errors[0].message
        assert errors[0].span.line == line, (errors[0].message, errors[0].span)
        assert errors[0].span.col == lines[line - 1].index("=") + 3


def test_a_reason_keeps_its_structure_through_a_rewording_and_a_pickle() -> None:
    """`reworded` (a sentence added to a reason, training's "no `accelerators` is set ...") and a pickle (a memo,
    a worker) keep the field, value and limit; plain text stays plain."""
    import pickle

    from compiler.reason import Reason, about, reworded

    r = Reason("`ep` = 2 asks for experts", field="ep", value=2.0, limit=0.0)
    longer = reworded(r, f"{r}; no `accelerators` is set")
    assert isinstance(longer, Reason) and longer.structure() == r.structure() and longer.endswith("is set")
    assert pickle.loads(pickle.dumps(r)).structure() == r.structure() and pickle.loads(pickle.dumps(r)) == r
    assert reworded("plain", "plainer") == "plainer" and not isinstance(reworded("plain", "x"), Reason)
    assert about(["", "plain", Reason("memory", value=1.0, limit=0.5), r]) is r and about("plain") is None


# ----------------------------------------------------------------------------- (c) a stdlib check failed by a user block

GB200 = '''from systems import GB200_NVL72

rack big extends GB200_NVL72 {
  power_limit = 100 kW
}

site s {
  land_price = 0 USD
  hall h {
    power_feed = 2 MW
    rack r: big x 2
  }
}
'''


def test_a_stdlib_assert_failed_by_a_user_block_stands_at_that_block_in_text_json_and_sarif(tmp_path,
                                                                                             monkeypatch) -> None:
    """`power_limit = 100 kW` on a GB200 NVL72 (trays and switches draw 120.6 kW) fails the stdlib's assert "trays
    and NVLink switches at nameplate fit the power shelves". Its error stood at the user's `rack big` (and at the
    placement `rack r`), the stdlib line related; the check's JSON `location` was the stdlib's line 307, which the
    user cannot edit, and SARIF dropped the related stdlib line. Now every form gives the user's block first and
    the stdlib's assert as related: JSON `related`, SARIF `relatedLocations` under the FACTORY_STDLIB base."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "spec.factory").write_text(GB200)
    name = "trays and NVLink switches at nameplate fit the power shelves"
    for command in (["eval", "spec.factory", "--format", "json"], ["check", "spec.factory", "--format", "json"]):
        doc = json.loads(CliRunner().invoke(main, command).stdout)
        failed = {c["name"]: c for c in doc["checks"] if not c["ok"] and c["message"] == name}
        assert sorted(failed) == [f"big: {name}", f"s.h.r: {name}"], sorted(failed)
        for check, line in ((failed[f"big: {name}"], 3), (failed[f"s.h.r: {name}"], 11)):
            assert (check["location"]["file"], check["location"]["line"]) == ("spec.factory", line), check
            assert [(r["location"]["file"], r["label"]) for r in check["related"]] == [
                ("<stdlib>/systems.factory", "the assert is inherited from here")], check
        errors = {(d["location"]["file"], d["location"]["line"]) for d in doc["diagnostics"]
                  if d["code"] == "assert-failed"}
        assert errors == {("spec.factory", 3), ("spec.factory", 11)}     # where its error stands, as the check
        passing = [c for c in doc["checks"] if c["ok"]]
        assert passing and all("related" not in c for c in passing)      # a passing check stays at its own line
    sarif = json.loads(CliRunner().invoke(main, ["check", "spec.factory", "--format", "sarif"]).stdout)
    run = sarif["runs"][0]
    result = next(r for r in run["results"] if r["ruleId"] == "assert-failed")
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "spec.factory"
    related = result["relatedLocations"][0]["physicalLocation"]
    assert related["artifactLocation"] == {"uri": "systems.factory", "uriBaseId": "FACTORY_STDLIB"}
    assert run["originalUriBaseIds"]["FACTORY_STDLIB"]["uri"].endswith("/stdlib/")
    stdlib_line = Path(run["originalUriBaseIds"]["FACTORY_STDLIB"]["uri"].removeprefix("file://"),
                       "systems.factory").read_text().splitlines()[related["region"]["startLine"] - 1]
    assert name in stdlib_line

