"""CI formats place files relative to the repository root (s16-ci2).

GitHub matches an annotation's `file=` against the repository's paths (relative to GITHUB_WORKSPACE, the
checkout), and code scanning a SARIF `uri` against them too; GitLab a Code Quality `location.path` against the
project's. A command run from a subfolder (`cd specs && factory check x.factory --format github`) wrote
`x.factory` (or `../specs/x.factory` for a file given as such), which matches no file of the repository: the
annotation landed in the run's summary only, never on the pull request's diff. The root is GITHUB_WORKSPACE when
set, else the git top level of the working folder, else the working folder."""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli import main

BAD = "site s {\n  hall h { rack r x 2 { power_limit = 3 kw } }\n  let a = 700 W + 80 GB\n}\n"


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """A git checkout with specs/x.factory (an error at line 3) and an empty tools/ folder."""
    root = tmp_path / "checkout"
    (root / "specs").mkdir(parents=True)
    (root / "tools").mkdir()
    (root / "specs" / "x.factory").write_text(BAD)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    return root


def _files(output: str) -> list[str]:
    return re.findall(r"file=([^,]+),line=", output)


@pytest.mark.parametrize("folder,arg", [("specs", "x.factory"), ("tools", "../specs/x.factory"), (".", "specs/x.factory")])
def test_github_paths_are_relative_to_the_git_top_level(repo, monkeypatch, folder, arg) -> None:
    monkeypatch.chdir(repo / folder)
    result = CliRunner().invoke(main, ["check", arg, "--format", "github"])
    assert result.exit_code == 1, result.output
    assert _files(result.stdout) and set(_files(result.stdout)) == {"specs/x.factory"}, result.stdout


def test_github_workspace_wins_over_git(repo, monkeypatch, tmp_path) -> None:
    """GITHUB_WORKSPACE is the root GitHub matches against, even where it is not the git top level (a checkout with
    `path:` under the workspace is not supported by annotations at all; the variable is what GitHub uses)."""
    monkeypatch.setenv("GITHUB_WORKSPACE", str(repo / "specs"))
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(main, ["check", "specs/x.factory", "--format", "github"])
    assert set(_files(result.stdout)) == {"x.factory"}, result.stdout


def test_outside_a_checkout_the_working_folder_is_the_root(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "x.factory").write_text(BAD)
    monkeypatch.chdir(tmp_path / "a")
    result = CliRunner().invoke(main, ["check", "b/x.factory", "--format", "github"])
    assert set(_files(result.stdout)) == {"b/x.factory"}, result.stdout


def test_sarif_and_gitlab_are_relative_to_the_root_too(repo, monkeypatch) -> None:
    monkeypatch.chdir(repo / "tools")
    sarif = json.loads(CliRunner().invoke(main, ["check", "../specs/x.factory", "--format", "sarif"]).stdout)
    run = sarif["runs"][0]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert uris == {"specs/x.factory"}
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"
    gitlab = json.loads(CliRunner().invoke(main, ["check", "../specs/x.factory", "--format", "gitlab"]).stdout)
    assert {i["location"]["path"] for i in gitlab} == {"specs/x.factory"}


def test_plan_github_paths_are_relative_to_the_root(repo, monkeypatch) -> None:
    (repo / "specs" / "a.factory").write_text("param n = 2\nsite s {\n  hall h { rack r x n { } }\n}\n")
    (repo / "specs" / "b.factory").write_text("param n = 3\nsite s {\n  hall h { rack r x n { } }\n}\n")
    monkeypatch.chdir(repo / "specs")
    result = CliRunner().invoke(main, ["plan", "a.factory", "b.factory", "--format", "github"])
    assert result.exit_code == 3, result.output
    files = _files(result.stdout)
    assert files and set(files) == {"specs/b.factory"}, result.stdout
