"""`factory plan` as a pull request's reviewer meets it (s16-ci3): the comment it updates, the headline it leads
with, and the annotations GitHub shows.

Laws:
  - the Markdown plan starts with a hidden marker naming its spec (`<!-- factory-plan: specs/campus.factory -->`),
    the same on every run and different for another spec, and the documented workflow updates the bot's comment
    that carries it, never the bot's last comment (`gh pr comment --edit-last` edited whatever the bot posted last,
    another workflow's comment included), and posts a new one when none carries it;
  - the headline leads with material changes: a headline figure that moves by less than 0.1 % of its old value
    (MATERIAL_RELATIVE_CHANGE) is left to the KPI table while another moves more, on both sides of the threshold;
    JSON keeps the exact value;
  - the `github` format keeps to GitHub's 10 annotations of a level a step: errors first, the 10th of a level over
    the limit says how many more there are, and those are plain lines of the log (none silently dropped).
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli import main

from test_plan_costs import STARTER, _edit   # tests/ is on the path: the starter and its checked edits

yaml = pytest.importorskip("yaml")
ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "ci.md").read_text()


@pytest.fixture(scope="module")
def pair(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("ci_review16")
    a, b = folder / "a.factory", folder / "b.factory"
    a.write_text(STARTER)
    b.write_text(_edit(STARTER, ("param racks = 4", "param racks = 5"), ("gpus == 64", "gpus == 16 * racks")))
    return a, b


def _markdown(a: Path, b: Path) -> str:
    result = CliRunner().invoke(main, ["plan", str(a), str(b), "--format", "markdown"])
    assert result.exit_code == 3, result.output
    return result.stdout


# ------------------------------------------------------------------------------- 1. the comment's marker
def test_the_markdown_plan_starts_with_a_hidden_marker_naming_its_spec(pair, monkeypatch) -> None:
    a, b = pair
    monkeypatch.setenv("GITHUB_WORKSPACE", str(b.parent))       # the marker names the spec as the repository does
    first = _markdown(a, b).splitlines()[0]
    assert first == "<!-- factory-plan: b.factory -->", first
    assert first == _markdown(a, b).splitlines()[0]              # the same on every run
    from compiler.plan import comment_marker

    assert comment_marker(str(a)) == "<!-- factory-plan: a.factory -->"      # another spec, another comment
    assert comment_marker(str(b.parent / "x--y.factory")) == "<!-- factory-plan: x%2D%2Dy.factory -->"
    assert "--" not in first[4:-3]                               # a well-formed HTML comment: hidden when rendered


def _comment_step() -> dict:
    (text,) = [blk for blk in re.findall(r"```yaml\n(.*?)```", DOC, re.S) if blk.startswith("name: factory")]
    steps = yaml.safe_load(text)["jobs"]["factory"]["steps"]
    (step,) = [s for s in steps if "comment" in s.get("name", "")]
    return step


_GH = '''import json, os, subprocess, sys
args = sys.argv[1:]
with open(os.environ["GH_LOG"], "a") as log:
    log.write(json.dumps(args) + "\\n")
if args[:1] == ["api"] and "--jq" in args and "--method" not in args:   # list the comments, filtered as gh would
    expr = args[args.index("--jq") + 1]
    done = subprocess.run(["jq", "-r", expr, os.environ["GH_COMMENTS"]], capture_output=True, text=True)
    sys.stdout.write(done.stdout)
    sys.exit(done.returncode)
'''


def _run_comment_step(tmp_path: Path, comments: list[dict], plan_md: str) -> list[list[str]]:
    """The documented comment step's script under `bash -e` (GitHub's default shell), with `gh` a stand-in that
    answers the comment list through jq (gh's --jq is jq's language) and logs every call."""
    step = _comment_step()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "gh").write_text(f"#!{sys.executable}\n{_GH}")
    (bin_dir / "gh").chmod(0o755)
    (tmp_path / "comments.json").write_text(json.dumps(comments))
    (tmp_path / "plan.md").write_text(plan_md)
    log = tmp_path / "gh.log"
    log.write_text("")
    values = {"${{ github.token }}": "token", "${{ github.event.pull_request.number }}": "7",
              "${{ github.repository }}": "team/infra"}
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "GH_LOG": str(log),
           "GH_COMMENTS": str(tmp_path / "comments.json")}
    for key, value in step.get("env", {}).items():
        for placeholder, real in values.items():
            value = str(value).replace(placeholder, real)
        env[key] = value
    script = step["run"]
    for placeholder, real in values.items():
        script = script.replace(placeholder, real)
    done = subprocess.run(["bash", "-e", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=60)
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    return [done.returncode, calls]


BOT = {"login": "github-actions[bot]", "type": "Bot"}


def test_the_workflow_updates_the_comment_carrying_the_marker_not_the_bots_last(tmp_path) -> None:
    assert "--edit-last" not in _comment_step()["run"]
    plan_md = "<!-- factory-plan: specs/campus.factory -->\n### factory plan: `specs/campus.factory`\n"
    comments = [{"id": 11, "user": BOT, "body": "<!-- factory-plan: specs/campus.factory -->\nold plan"},
                {"id": 12, "user": {"login": "alice", "type": "User"},
                 "body": "<!-- factory-plan: specs/campus.factory -->\nquoting it"},
                {"id": 13, "user": BOT, "body": "<!-- factory-plan: specs/other.factory -->\nanother spec's plan"},
                {"id": 14, "user": BOT, "body": "coverage: 91% (another workflow's comment, the bot's last)"}]
    code, calls = _run_comment_step(tmp_path, comments, plan_md)
    assert code == 0, calls
    edits = [c for c in calls if "PATCH" in c]
    assert len(edits) == 1 and edits[0][edits[0].index("PATCH") + 1].endswith("/issues/comments/11"), calls
    assert "body=@plan.md" in edits[0], edits
    assert not [c for c in calls if c[:2] == ["pr", "comment"]], calls
    # no comment carries this spec's marker: a new comment, nothing edited
    code, calls = _run_comment_step(tmp_path, comments[1:], plan_md)
    assert code == 0 and not [c for c in calls if "PATCH" in c], calls
    assert [c for c in calls if c[:2] == ["pr", "comment"]] == [["pr", "comment", "7", "--body-file", "plan.md"]]


def test_an_empty_plan_edits_no_comment(tmp_path) -> None:
    """A plan that failed before writing (exit 2) leaves plan.md empty: an empty marker would match every one of
    the bot's comments."""
    comments = [{"id": 14, "user": BOT, "body": "coverage: 91%"}]
    code, calls = _run_comment_step(tmp_path, comments, "")
    assert code != 0 and not [c for c in calls if "PATCH" in c or c[:2] == ["pr", "comment"]], calls


# ----------------------------------------------------------------------- 2. the headline's material changes
def _kpi(name: str, label: str, old: float, new: float, unit: str, display: str = "") -> dict:
    return {"path": f"s.{name}", "name": name, "label": label, "unit": unit, "display_unit": display, "old": old,
            "new": new, "change": new - old, "relative_change": (new - old) / abs(old), "changed": True}


def _doc(*kpis: dict) -> dict:
    return {"new_evaluated": True, "old_evaluated": True, "changed": True, "kpis": list(kpis), "inputs": [],
            "parts": [], "checks": {}, "new_diagnostics": [], "old": "a.factory", "new": "b.factory"}


def test_the_headline_leads_with_material_changes_on_both_sides_of_the_threshold() -> None:
    """MATERIAL_RELATIVE_CHANGE (0.1 %): a headline figure that moves less is left to the KPI table while another
    moves more; at or above it, it is stated. Hand numbers: TCO $3.39M -> $3.82M/yr (+12.7 %); $/Mtok 0.5858221 ->
    0.5858216 USD/Mtok (5.858221e-07 -> 5.858216e-07 USD/tok, -8.5e-05 %) or -> 0.5852 (-0.1036 %)."""
    from compiler.plan import MATERIAL_RELATIVE_CHANGE, headline

    assert MATERIAL_RELATIVE_CHANGE == 1e-3
    year = 365 * 86400
    tco = _kpi("tco_year", "TCO per year", 3.39e6 / year, 3.82e6 / year, "USD/s")
    tiny = _kpi("usd_per_mtok", "$/Mtok", 5.858221e-07, 5.858216e-07, "USD/tok", "USD/Mtok")
    just_below = _kpi("usd_per_mtok", "$/Mtok", 1.0, 1.0 - 0.99e-3, "USD/tok", "USD/Mtok")
    at = _kpi("usd_per_mtok", "$/Mtok", 1.0, 1.0 - 1e-3, "USD/tok", "USD/Mtok")
    big = _kpi("usd_per_mtok", "$/Mtok", 5.858221e-07, 5.852e-07, "USD/tok", "USD/Mtok")
    assert headline(_doc(tco, tiny)) == "TCO per year of s will increase by $430k/yr (+12.7%)."
    assert "$/Mtok" not in headline(_doc(tco, just_below))
    assert "$/Mtok of s will decrease by" in headline(_doc(tco, at))
    assert headline(_doc(tco, big)).startswith("TCO per year of s will increase by $430k/yr (+12.7%); $/Mtok of s "
                                               "will decrease by")
    # nothing material: the small move is still said, as small, never as "no change"
    assert headline(_doc(tiny)) == "$/Mtok of s changes by less than 0.1% (-8.5e-05%)."


def test_a_real_sub_threshold_move_stays_in_the_table_and_json_exact(tmp_path) -> None:
    """8 -> 9 DGX H100 racks beside an 8-GPU service (tests/test_usd_per_mtok_unused_racks16.py): the service's
    $/Mtok moves -8.1e-05 %; the headline gives TCO and facility power, the table and JSON keep the move."""
    from test_usd_per_mtok_unused_racks16 import ONE_TYPE

    a, b = tmp_path / "r8.factory", tmp_path / "r9.factory"
    a.write_text(ONE_TYPE)
    b.write_text(ONE_TYPE.replace("x 8\n", "x 9\n"))
    result = CliRunner().invoke(main, ["plan", str(a), str(b), "--format", "json"])
    doc = json.loads(result.stdout)
    (k,) = [k for k in doc["kpis"] if k["path"] == "s.i.usd_per_mtok"]
    assert k["changed"] and k["relative_change"] == pytest.approx(5.548027e-07, rel=1e-5)       # exact in JSON (s24-capex2's heat rejection, was 5.525359e-07; s21-power's summed flows, 5.687609e-07; s20-power's square-law chain; s18-prices -8.096278e-07, s17-econ2 -8.098978e-07, before it -8.100361e-07)
    from compiler.plan import headline, render_markdown

    text = headline(doc)
    assert text.startswith("TCO per year of s will increase by") and "$/Mtok" not in text, text
    assert "facility power of s will increase by" in text
    # s18-prices (RSMeans-priced chiller: the air classes' cooling share 1.2603 -> 1.2806): was 0.5868641 -> 0.5868636;
    # s18-hopper (Hopper FP8 factor 0.82 -> 0.81, the H100's tokens/s -0.94%): 0.58706 -> 0.5926593, the move
    # -8.096e-07 of it, -4.798e-07 (was -4.753e-07); s20-power (the chain's square-law part-load losses): 0.5926593
    # -> 0.5926588, -4.798e-07 (-8.1e-05%), became 0.5923987 -> 0.592399, +3.369e-07 (+5.7e-05%); s21-power (one
    # current through the transformer, the IT's and the cooling plant's flows together): 0.59238 -> 0.59239,
    # +3.273e-07 (+5.5e-05%); s24-capex2 (the air room's heat rejection not charged beside its air-cooled chillers):
    # 0.589964 -> 0.589965, the same +3.273e-07; s26-apply (the H100's smooth GEMM law at the Hopper FP8 factor 0.77,
    # the solved capacity point at the Server share): 0.586248 -> 0.586249, +3.253e-07, the same relative move
    assert "| $/Mtok | `s.i` | 0.586248 USD/Mtok | 0.586249 USD/Mtok | +3.253e-07 USD/Mtok (+5.5e-05%) |" \
        in render_markdown(doc)


# --------------------------------------------------------------------------- 3. GitHub's annotation limits
def _many_errors(n_errors: int) -> str:
    """A spec with n_errors undefined names (an error each)."""
    lines = ["site s {", '  location = "x"']
    lines += [f"  let bad{i} = missing_{i}" for i in range(n_errors)]
    lines += ["}"]
    return "\n".join(lines) + "\n"


def _levels(text: str) -> list[str]:
    return [line[2:].split(" ", 1)[0].split("::", 1)[0] for line in text.splitlines() if line.startswith("::")]


def test_over_githubs_limit_errors_come_first_then_a_summary_of_the_rest() -> None:
    """GitHub shows 10 error and 10 warning annotations a step (docs.github.com/en/rest/checks/runs; actions/toolkit
    docs/problem-matchers.md, Limitations: also 50 a job), the first written: over 10 of a level, the first 9 are
    annotated, the 10th says how many more there are, and the rest are plain lines of the log."""
    from compiler.ci_formats import ANNOTATIONS_PER_STEP, limit_annotations

    assert ANNOTATIONS_PER_STEP == 10
    notes = [f"::notice file=a.factory,line={i},col=1,title=n::note {i}" for i in range(1, 4)]
    warns = [f"::warning file=a.factory,line={i},col=1,title=w::warning {i}" for i in range(1, 13)]
    errs = [f"::error file=a.factory,line={i},col=1,title=e::error {i}%0Asecond line" for i in range(1, 26)]
    mixed = [x for trio in zip(notes + [""] * 22, warns + [""] * 13, errs) for x in trio if x]   # interleaved
    out = limit_annotations("\n".join(mixed) + "\n")
    assert out == limit_annotations("\n".join(mixed) + "\n")                                      # deterministic
    levels = _levels(out)
    assert levels == ["error"] * 10 + ["warning"] * 10 + ["notice"] * 3, levels                 # errors first
    lines = [ln for ln in out.splitlines() if ln.startswith("::")]
    assert lines[:9] == errs[:9]                                                                 # in their order
    assert "16 more errors" in lines[9] and "line=10," in lines[9], lines[9]      # at the first one not annotated
    assert lines[10:19] == warns[:9] and "3 more warnings" in lines[19], lines[19]
    log = [ln for ln in out.splitlines() if not ln.startswith("::")]
    assert len(log) == 16 + 3 and log[0] == "error: a.factory:10:1: e: error 10 / second line", log[0]
    # at or under the limit: every one is annotated, errors first, nothing summarised
    out = limit_annotations("\n".join(notes + warns[:10] + errs[:10]) + "\n")
    assert out.splitlines() == errs[:10] + warns[:10] + notes


def test_check_format_github_keeps_to_the_limit(tmp_path) -> None:
    spec = tmp_path / "many.factory"
    spec.write_text(_many_errors(14))
    result = CliRunner().invoke(main, ["check", str(spec), "--format", "github"])
    levels = _levels(result.stdout)
    assert levels.count("error") == 10, result.stdout
    assert "5 more errors" in [ln for ln in result.stdout.splitlines() if ln.startswith("::error")][9]
