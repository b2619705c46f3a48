"""Session 26's open contract questions (s26-contract): what a Terraform / Infracost user expects of `plan`, of a
check's location, of infeasibility reasons and of the cooling outputs. Each test states the law, and failed before
its fix."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from compiler.cli import main

from test_cihunt25 import CAMPUS, SERVER, _git        # tests/ is on the path
from test_plancolo19 import DENSE_EP                   # a training run of a dense model with `ep = 2`


def _spec(racks: int) -> str:
    return CAMPUS.format(racks=racks, server=SERVER, more="")


@pytest.fixture
def history(tmp_path, monkeypatch) -> Path:
    """A repository of two commits on main (4 racks, then 6), its work tree at the second, with a reflog."""
    root = tmp_path / "checkout"
    (root / "specs").mkdir(parents=True)
    spec = root / "specs" / "campus.factory"
    spec.write_text(_spec(4))
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "four racks")
    spec.write_text(_spec(6))
    _git(root, "commit", "-qam", "six racks")
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    monkeypatch.chdir(root)
    return root


@pytest.mark.parametrize("ref", ["HEAD@{1}", "HEAD~1", "HEAD^", "main@{1}", "main~1...main", ":/four racks"])
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
    (history / "specs" / "new.factory").write_text(_spec(2))
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

    spec = DENSE_EP if case == "ep" else DENSE_EP.replace("    ep = 2\n", "    tp = 16\n")
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


# ----------------------------------------------------------------------------- (e) what a "chiller" room rejects through

def _starter(ambient: str, rejection: str, halls: int = 1) -> dict:
    from compiler import evaluate_text

    text = (Path(__file__).parents[1] / "examples" / "enterprise_starter.factory").read_text()
    text = text.replace('  land_price = 0 USD', f'  land_price = 0 USD\n  ambient_temp = {ambient}\n'
                        f'  heat_rejection = "{rejection}"')
    if halls > 1:
        text = text.replace("  hall server_room {", f"  hall server_room x {halls} {{")
    results, sink = evaluate_text(text, "starter.factory")
    assert not [d for d in sink.errors if d.code not in ("assert-failed",)], [d.message for d in sink.errors]
    return {k: float(np.asarray(v).ravel()[0]) for k, v in results.values.items()
            if isinstance(v, np.ndarray) and v.dtype.kind == "f" and v.size}


def test_a_chiller_room_counts_the_economizer_coils_its_capex_charges_as_dry_coolers() -> None:
    """The enterprise starter's 4 racks of air (67.02 kW of IT heat at peak) on air-cooled chillers
    (heat_rejection "chiller"). At a 10 degC design day its air loop cools freely: the capex charges its heat
    rejection class on that heat (economizer_heat, priced as dry coolers: s24-capex2, s25-design), while
    `dry_coolers` read 0 and nothing counted what was bought. `economizer_coils` counts it by hand:
    ceil(67.02 kW / 1 MW) + 1 spare = 2, on the hall and on the site's one plant; at 35 degC the air needs the
    chillers' compressors (economizer_heat 0): 0 coils, and the class charges nothing. On "dry_cooler" the same
    room's dry coolers reject all of it: `dry_coolers` counts them and `economizer_coils` is 0. Its cost is
    unchanged (an output only)."""
    cool = _starter("10 degC", "chiller")
    for block in ("headquarters", "headquarters.server_room"):
        assert cool[f"{block}.economizer_coils"] == 2.0 and cool[f"{block}.dry_coolers"] == 0.0
    charged = "headquarters.detail.capex_cooling_heat_rejection_with_halls"
    assert cool[charged] == pytest.approx(67_021 * 2.4804 * 0.2475, rel=1e-3)     # $41,152: s24-capex2's figure
    hot = _starter("35 degC", "chiller")
    assert hot["headquarters.economizer_coils"] == 0.0 and hot["headquarters.server_room.economizer_coils"] == 0.0
    assert hot[charged] == 0.0          # no coils counted, none charged
    dry = _starter("10 degC", "dry_cooler")
    assert dry["headquarters.economizer_coils"] == 0.0 and dry["headquarters.dry_coolers"] == 2.0


def test_a_site_s_economizer_coils_are_one_plant_with_its_spare_once() -> None:
    """Five such rooms: 5 x 67.02 kW = 335.1 kW -> ceil(0.3351) + 1 = 2 coils on the site's one plant, not 5 x 2
    (as its dry coolers, s19-energy); each hall alone still needs 2."""
    five = _starter("10 degC", "chiller", halls=5)
    assert five["headquarters.server_room.economizer_coils"] == 2.0
    assert five["headquarters.economizer_coils"] == 2.0
