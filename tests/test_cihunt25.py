"""docs/ci.md followed by a new team in a fresh repository (s25-cihunt): what a CI runner meets.

Each test states the law a defect broke, and fails before its fix."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli import main

SERVER = '''server node {
  chip gpu: H100_SXM x 8
  max_power = 10.2 kW
  cooling = "air"
  height = 8 U
}
'''
CAMPUS = '''from chips import H100_SXM{more}
param racks = {racks}
{server}
site hq {{
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
def repo(tmp_path, monkeypatch) -> Path:
    """A checkout whose main holds specs/campus.factory with a syntax error (the base has errors to show) and
    whose work tree fixes it with 8 racks, and imports a name it does not use (a warning to show)."""
    root = tmp_path / "checkout"
    (root / "specs").mkdir(parents=True)
    spec = root / "specs" / "campus.factory"
    spec.write_text(CAMPUS.format(racks="4 +", server=SERVER, more=""))
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "base")
    spec.write_text(CAMPUS.format(racks=8, server=SERVER, more=", B200"))
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    return root


def _markdown(folder: Path, spec: str, monkeypatch) -> str:
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(main, ["plan", spec, "--base-ref", "main", "--format", "markdown"])
    assert result.exit_code == 3, result.output
    return result.stdout


def test_the_comment_is_the_same_from_any_folder_and_checkout_path(repo, monkeypatch) -> None:
    """The pull-request comment names its spec relative to the repository root in its title and in each
    diagnostic's place, as its marker and the annotations do: the same bytes whether the workflow runs from the
    root, from `specs/`, or gives the absolute path of a runner's checkout (`/home/runner/work/...`). Until session
    25 the title and the diagnostics kept the path as given."""
    from_root = _markdown(repo, "specs/campus.factory", monkeypatch)
    assert from_root.startswith("<!-- factory-plan: specs/campus.factory -->\n### factory plan: `specs/campus.factory`")
    assert "`specs/campus.factory@main:2:" in from_root        # the base's syntax error, at its place at the ref
    assert "`specs/campus.factory:1:" in from_root             # the head's unused import
    assert _markdown(repo / "specs", "campus.factory", monkeypatch) == from_root
    monkeypatch.setenv("GITHUB_WORKSPACE", str(repo))
    assert _markdown(repo.parent, str(repo / "specs" / "campus.factory"), monkeypatch) == from_root
    assert str(repo) not in from_root
