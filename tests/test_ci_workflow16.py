"""docs/ci.md's GitHub Actions workflow, walked as a new team would (s16-ci2): copied into a repository and run.

What the walk found (each is a law below):
  - the workflow was not YAML: the gate step's name `gate (0 no change, 3 changed: pass; ...)` holds ": ", which a
    plain scalar cannot, so GitHub rejects the whole file ("Invalid workflow file") and nothing runs;
  - `pip install factory-dsl` installs nothing: factory-dsl is not published on PyPI ("No matching distribution found
    for factory-dsl"); it is installed from where the team hosts it, as pre-commit's `repo:` is;
  - a pull request whose spec has errors (the plan a reviewer most needs) failed the check step, so the plan step
    (no `if:`) was skipped and the comment step (`if: always()`) failed on a missing plan.md: no comment at all;
  - code scanning's SARIF upload in a private repository needs `actions: read` beside `security-events: write`
    (github/codeql-action upload-sarif's README).
The slow test runs every `run:` of the workflow with GitHub's step rules (a step without `if:` runs only while all
before it succeeded) on a repository of two commits, `factory` from this checkout and `gh` a stand-in that requires
its --body-file."""
from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "ci.md").read_text()
BLOCKS = re.findall(r"```yaml\n(.*?)```", DOC, re.S)


def _workflow() -> dict:
    (text,) = [b for b in BLOCKS if b.startswith("name: factory")]
    return yaml.safe_load(text)


def _steps() -> list[dict]:
    return _workflow()["jobs"]["factory"]["steps"]


def test_every_yaml_block_of_the_ci_doc_parses() -> None:
    assert len(BLOCKS) >= 3
    for block in BLOCKS:
        yaml.safe_load(block)


def test_the_plan_and_its_gate_run_when_the_check_step_fails() -> None:
    steps = _steps()
    check = next(i for i, s in enumerate(steps) if "--format github" in s.get("run", ""))
    for i, s in enumerate(steps[check + 1:], check + 1):
        reads_plan = "plan" in s.get("run", "") or s.get("id") == "plan" or "steps.plan" in s.get("run", "")
        if reads_plan or "upload-sarif" in s.get("uses", ""):
            assert "always()" in str(s.get("if", "")), (i, s)


def test_factory_is_installed_from_where_it_is_hosted_not_pypi() -> None:
    (install,) = [s["run"] for s in _steps() if "pip install" in s.get("run", "")]
    assert "git+" in install, install              # factory-dsl is not on PyPI
    assert "not published on PyPI" in DOC


def test_permissions_cover_the_sarif_upload_in_a_private_repository() -> None:
    perms = _workflow()["permissions"]
    assert perms.get("security-events") == "write" and perms.get("actions") == "read", perms


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", "-c",
                    "commit.gpgsign=false", *args], check=True, capture_output=True)


def _run_workflow(ws: Path, bin_dir: Path) -> dict:
    """Every step as GitHub runs it: `run:` under `bash -e` in the workspace; `uses:` steps stood in for."""
    out_file = ws.parent / "github_output"
    out_file.write_text("")
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "GITHUB_WORKSPACE": str(ws),
           "GITHUB_OUTPUT": str(out_file), "PYTHONPATH": str(ROOT)}
    failed, ran = False, {}
    for i, s in enumerate(_steps()):
        name = s.get("name") or s.get("uses") or s["run"]
        if failed and "always()" not in str(s.get("if", "")):
            ran[name] = "skipped"
            continue
        if "uses" in s:
            ok = True
            if "upload-sarif" in s["uses"]:        # code scanning reads the file: it must be SARIF JSON
                ok = json.loads((ws / s["with"]["sarif_file"]).read_text())["version"] == "2.1.0"
            ran[name] = "ok" if ok else "failed"
            failed |= not ok
            continue
        script = s["run"]
        if "pip install" in script:                 # this checkout's factory stands in for the install
            ran[name] = "ok"
            continue
        outputs = dict(line.split("=", 1) for line in out_file.read_text().splitlines() if "=" in line)
        script = (script.replace("${{ github.base_ref }}", "main")
                  .replace("${{ steps.plan.outputs.code }}", outputs.get("code", "")))
        step_env = {**env, **{k: str(v).replace("${{ github.event.pull_request.number }}", "7")
                              .replace("${{ github.token }}", "token") for k, v in s.get("env", {}).items()}}
        done = subprocess.run(["bash", "-e", "-c", script], cwd=ws, env=step_env, capture_output=True, text=True,
                              timeout=120)
        ran[name] = "ok" if done.returncode == 0 else f"failed {done.returncode}: {done.stderr[-300:]}"
        failed |= done.returncode != 0
    return ran


@pytest.mark.slow
def test_the_documented_workflow_runs_on_a_two_commit_repository(tmp_path) -> None:
    origin, ws, bin_dir = tmp_path / "origin.git", tmp_path / "ws", tmp_path / "bin"
    bin_dir.mkdir()
    for name, body in {"factory": f'exec "{sys.executable}" -m compiler.cli "$@"\n',
                       "gh": 'while [ $# -gt 0 ]; do [ "$1" = --body-file ] && { test -s "$2" || exit 1; }; '
                             'shift; done\n'}.items():
        (bin_dir / name).write_text("#!/bin/bash\n" + body)
        (bin_dir / name).chmod(0o755 | stat.S_IEXEC)
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True)
    subprocess.run(["git", "clone", "-q", str(origin), str(ws)], check=True, capture_output=True)
    (ws / "specs").mkdir()
    spec = ws / "specs" / "campus.factory"
    spec.write_text((ROOT / "examples" / "enterprise_starter.factory").read_text())
    (ws / "specs" / "policy.toml").write_text('[pue]\nmax = 1.6\n[tco_year]\nmax_increase = "30%"\n')
    _git(ws, "add", "-A")
    _git(ws, "commit", "-qm", "base")
    _git(ws, "push", "-q", "origin", "HEAD:main")
    _git(ws, "fetch", "-q", "origin")                      # checkout with fetch-depth: 0 has origin/main
    _git(ws, "checkout", "-qb", "pr")
    # one more rack (+25% TCO, within the 30% gate): changed, within the policy, exit 3
    spec.write_text(spec.read_text().replace("param racks = 4", "param racks = 5")
                    .replace("gpus == 64", "gpus == 16 * racks"))
    _git(ws, "commit", "-qam", "one more rack")
    ran = _run_workflow(ws, bin_dir)
    assert all(v == "ok" for v in ran.values()), ran
    assert "TCO per year of headquarters will increase" in (ws / "plan.md").read_text()
    # eight racks break the room's feed: the check fails, yet the plan is made and commented, and the gate fails
    spec.write_text(spec.read_text().replace("param racks = 5", "param racks = 8"))
    ran = _run_workflow(ws, bin_dir)
    states = list(ran.values())
    assert states[0:3] == ["ok"] * 3 and states[3].startswith("failed 1"), ran     # the check step
    plan_md = (ws / "plan.md").read_text()
    assert "The new spec has 2 error(s)" in plan_md, plan_md
    assert ran["comment on the pull request"] == "ok" and ran[list(ran)[-1]].startswith("failed"), ran
