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
    root, from `specs/`, or gives the absolute path of a runner's checkout (`$GITHUB_WORKSPACE/...`). Until session
    25 the title and the diagnostics kept the path as given."""
    from_root = _markdown(repo, "specs/campus.factory", monkeypatch)
    assert from_root.startswith("<!-- factory-plan: specs/campus.factory -->\n### factory plan: `specs/campus.factory`")
    assert "`specs/campus.factory@main:2:" in from_root        # the base's syntax error, at its place at the ref
    assert "`specs/campus.factory:1:" in from_root             # the head's unused import
    assert _markdown(repo / "specs", "campus.factory", monkeypatch) == from_root
    monkeypatch.setenv("GITHUB_WORKSPACE", str(repo))
    assert _markdown(repo.parent, str(repo / "specs" / "campus.factory"), monkeypatch) == from_root
    assert str(repo) not in from_root


@pytest.fixture
def renamed(tmp_path, monkeypatch) -> Path:
    """A checkout whose main holds specs/campus.factory (4 racks, a param `spare`) and whose work tree has
    `git mv`-ed it to specs/hq.factory, dropped `spare` and nothing else."""
    root = tmp_path / "checkout"
    (root / "specs").mkdir(parents=True)
    (root / "specs" / "campus.factory").write_text("param spare = 2\n" + CAMPUS.format(racks=4, server=SERVER, more=""))
    (root / "policy.toml").write_text('[capex]\nmax_increase = "10%"\n')
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "base")
    _git(root, "mv", "specs/campus.factory", "specs/hq.factory")
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    monkeypatch.chdir(root)
    return root


def test_a_renamed_spec_is_planned_against_its_old_path(renamed) -> None:
    """`git mv` is no change of any figure: the plan compares the spec with its old path at the ref, as `git diff`
    pairs them, and a `max_increase` gate is met (exit 0). Until session 25 the spec "did not exist at main", its
    whole campus was new, and the gate was violated (exit 4: an addition is an increase it cannot measure)."""
    result = CliRunner().invoke(main, ["plan", "specs/hq.factory", "--base-ref", "main", "--policy", "policy.toml"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("plan: specs/campus.factory@main -> specs/hq.factory\n"), result.stdout
    assert "does not exist" not in result.stdout


def test_a_renamed_spec_s_removed_input_is_annotated_in_the_new_spec(renamed) -> None:
    """A removed input's place is the base's `PATH@REF`, no file of the checkout: annotated at line 1 of the new
    spec, as for an unrenamed spec (never `file=specs/campus.factory@main`, which GitHub matches to no file)."""
    spec = renamed / "specs" / "hq.factory"
    spec.write_text(spec.read_text().replace("param spare = 2\n", ""))
    result = CliRunner().invoke(main, ["plan", "specs/hq.factory", "--base-ref", "main", "--format", "github"])
    assert result.exit_code == 3, result.output
    removed = [line for line in result.stdout.splitlines() if "param spare" in line]
    assert removed and removed[0].startswith("::notice file=specs/hq.factory,line=1,col=1,"), result.stdout
    assert "@main" not in "".join(line.partition("::")[2].partition("title=")[0] for line in result.stdout.splitlines())


def test_a_definition_moved_into_an_imported_file_is_one_changed_part(renamed) -> None:
    """Cutting `server node {...}` out of the spec into servers.factory and importing it from there changes no
    figure, placement or check that runs: the plan lists one changed definition, `defined in: this spec ->
    imported from servers.factory`, and no check "no longer checked" (the definition's own passing limit check went
    with it; its placements' checks are compared as before). Until session 25 it read as the definition removed
    and its check removed. Moving it back is the mirror."""
    spec = renamed / "specs" / "hq.factory"
    text = spec.read_text()
    assert SERVER in text
    (renamed / "specs" / "servers.factory").write_text("from chips import H100_SXM\n" + SERVER)
    spec.write_text(text.replace(SERVER, "").replace("from chips import H100_SXM\n",
                                                      'from "./servers.factory" import node\n'))
    _git(renamed, "checkout", "-qb", "pr")
    _git(renamed, "add", "-A")
    _git(renamed, "commit", "-qm", "move the server to its own file")
    plans = []
    for spec_arg, ref in (("specs/hq.factory", "main"), ("specs/campus.factory", "HEAD")):
        if ref == "HEAD":                      # the mirror: the base imports it, the work tree defines it again
            _git(renamed, "mv", "specs/hq.factory", "specs/campus.factory")
            (renamed / "specs" / "campus.factory").write_text(text)
        result = CliRunner().invoke(main, ["plan", spec_arg, "--base-ref", ref, "--format", "json"])
        # a pure move changes no figure, placement or check: no change (exit 0), the move listed (s26-contract;
        # exit 3 until session 26, as if the campus had changed)
        assert result.exit_code == 0, result.output
        plans.append(__import__("json").loads(result.stdout))
        assert not plans[-1]["changed"]
        said = CliRunner().invoke(main, ["plan", spec_arg, "--base-ref", ref]).stdout
        assert "No change to the plan's figures, parts or checks; 1 definition(s) only moved (`node`: " in said
    for plan, (before, after) in zip(plans, [("this spec", "imported from servers.factory"),
                                             ("imported from servers.factory", "this spec")]):
        assert [(p["path"], p["change"], p["role"], [(d["what"], d["old"], d["new"]) for d in p["details"]])
                for p in plan["parts"]] == [("node", "changed", "definition", [("defined in", before, after)])]
        assert not plan["checks"]["removed"] and not plan["checks"]["added"], plan["checks"]
        assert not any(k["changed"] for k in plan["kpis"]) and not plan["costs"] and not plan["inputs"]


def test_a_bare_import_beside_a_file_of_its_name_says_the_file_is_not_read(tmp_path, monkeypatch) -> None:
    """A team that copies the stdlib's chips.factory beside its spec (to pin and edit its prices) and keeps
    `from chips import H100_SXM` reads the stdlib, never its copy: a price edited there moved no figure, and a plan
    said "no change" (exit 0). `check` now warns at the import (`shadowed-file`), with the quoted import that reads
    the file; the quoted import, and a stdlib file checked as a spec, are not warned."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "chips.factory").write_text('chip H100_SXM {\n  price = 1 USD\n}\n')
    spec = tmp_path / "campus.factory"
    spec.write_text(CAMPUS.format(racks=1, server=SERVER, more=""))
    result = CliRunner().invoke(main, ["check", "campus.factory", "--format", "json"])
    shadowed = [d for d in __import__("json").loads(result.stdout)["diagnostics"] if d["code"] == "shadowed-file"]
    assert [(d["severity"], d["location"]["line"], d["location"]["col"]) for d in shadowed] == [("warning", 1, 6)]
    assert "`./chips.factory` beside this spec is not read" in shadowed[0]["message"], shadowed
    spec.write_text(spec.read_text().replace("from chips import", 'from "./chips.factory" import'))
    result = CliRunner().invoke(main, ["check", "campus.factory", "--format", "json"])
    assert "shadowed-file" not in result.stdout
    stdlib = Path(__file__).parents[1] / "stdlib" / "systems.factory"     # imports `chips`, which lies beside it
    assert "shadowed-file" not in CliRunner().invoke(main, ["check", str(stdlib), "--format", "json"]).stdout


def test_a_branch_behind_main_is_planned_against_its_merge_base(repo, monkeypatch) -> None:
    """`main` moved on (a price it added) after the branch left it: `--base-ref main` compares with main's tree, so
    the plan shows the branch "removing" main's change; `--base-ref main...` (git's notation) compares with the merge
    base and shows the branch's own change only, as `git diff main...` does."""
    spec = repo / "specs" / "campus.factory"
    spec.write_text(CAMPUS.format(racks=4, server=SERVER, more=""))
    _git(repo, "commit", "-qam", "fix the base")
    _git(repo, "checkout", "-qb", "feature")
    spec.write_text(CAMPUS.format(racks=5, server=SERVER, more=""))
    _git(repo, "commit", "-qam", "one more rack")
    _git(repo, "checkout", "-q", "main")
    spec.write_text("param spare = 1\n" + CAMPUS.format(racks=4, server=SERVER, more=""))
    _git(repo, "commit", "-qam", "main adds a param")
    _git(repo, "checkout", "-q", "feature")
    monkeypatch.chdir(repo)

    def inputs(ref: str) -> list[tuple[str, str]]:
        result = CliRunner().invoke(main, ["plan", "specs/campus.factory", "--base-ref", ref, "--format", "json"])
        assert result.exit_code == 3, result.output
        return [(i["name"], i["status"]) for i in __import__("json").loads(result.stdout)["inputs"]]
    assert inputs("main") == [("racks", "changed"), ("spare", "removed")]      # main's change, read as undone
    assert inputs("main...") == inputs("main...HEAD") == [("racks", "changed")]
    result = CliRunner().invoke(main, ["plan", "specs/campus.factory", "--base-ref", "nowhere..."])
    assert result.exit_code == 2 and "no merge base" in result.output, result.output
