"""Session 25, the lead's small fixes, each pinned by a test that failed before."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli import main
from dsl.check import a_kind


def test_a_kind_takes_the_article_of_its_sound() -> None:
    assert [a_kind(k) for k in ("inference", "economizer", "ups", "hall", "rack")] == [
        "an inference", "an economizer", "a ups", "a hall", "a rack"]


def test_an_unknown_field_of_an_inference_reads_as_english(tmp_path: Path) -> None:
    spec = tmp_path / "s.factory"
    spec.write_text("from systems import DGX_H100\nfrom models import Llama3_1_8B\n\nsite s {\n"
                    "  inference chat {\n    model = Llama3_1_8B\n    system = DGX_H100\n    prompt = 1000 tok\n"
                    "  }\n}\n")
    result = CliRunner().invoke(main, ["check", str(spec)])
    assert result.exit_code == 1
    assert "error[unknown-field]: an inference has no field `prompt`" in result.output, result.output


# ----------------------------------------------------------------------------- plan of a deleted spec

def test_a_spec_the_change_deletes_is_planned_as_removed(tmp_path: Path, monkeypatch) -> None:
    """`plan SPEC --base-ref REF` where the change deletes SPEC: its version at the ref compared with nothing, the
    mirror of a spec the change adds (every figure and part removed, `new_missing`, exit 3; a gate on increases has
    nothing to check). Before: "no such file", exit 2, no plan, so a CI step planning a fixed path failed."""
    import json
    import subprocess

    root = tmp_path / "checkout"
    (root / "specs").mkdir(parents=True)
    source = (Path(__file__).resolve().parents[1] / "examples" / "enterprise_starter.factory").read_text()
    (root / "specs" / "campus.factory").write_text(source)
    (root / "specs" / "other.factory").write_text(source)
    git = ["git", "-c", "user.email=ci@example.com", "-c", "user.name=ci"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=root, check=True, capture_output=True)
    subprocess.run([*git, "add", "-A"], cwd=root, check=True, capture_output=True)
    subprocess.run([*git, "commit", "-qm", "base"], cwd=root, check=True, capture_output=True)
    (root / "specs" / "campus.factory").unlink()
    (root / "gates.toml").write_text('[capex]\nmax_increase = "10%"\n')
    monkeypatch.chdir(root)
    runner = CliRunner()
    result = runner.invoke(main, ["plan", "specs/campus.factory", "--base-ref", "main", "--format", "json",
                                  "--policy", "gates.toml"])
    assert result.exit_code == 3, result.output
    doc = json.loads(result.stdout)
    assert doc["new_missing"] is True and doc["changed"] is True
    capex = next(k for k in doc["kpis"] if k["path"] == "headquarters.capex")
    assert capex["old"] == pytest.approx(2720996, abs=1) and capex["new"] is None    # the starter's capex, gone
    assert all(p["change"] == "removed" for p in doc["parts"])
    assert [g["applied"] for g in doc["policy"]] == [False]       # nothing of it increases
    text = runner.invoke(main, ["plan", "specs/campus.factory", "--base-ref", "main"])
    assert "specs/campus.factory is deleted by the change (it exists at main)" in text.stdout
    assert text.exit_code == 3
    gone = runner.invoke(main, ["plan", "specs/nothere.factory", "--base-ref", "main"])
    assert gone.exit_code == 2 and "no such file" in gone.output    # at neither side: a wrong path


# ----------------------------------------------------------------------------- absent band ends named by their path

def test_every_absent_figure_of_the_shoot_out_is_named_by_its_path_in_a_diagnostic() -> None:
    """The shoot-out's knife-edge services have no `*_high` band end (5% more load grows their queue without bound):
    the warning names each absent figure by its dotted path (`shootout.b200_70b.ttft_p99_high`, the path `explain`
    and `--select` take), not by its bare field name beside the workload's."""
    import json

    result = CliRunner().invoke(main, ["eval", "examples/inference_shootout.factory", "--format", "json"])
    doc = json.loads(result.stdout)
    absent = [path for path, q in doc["quantities"].items() if any(v is None for v in q["values"])]
    assert "shootout.b200_70b.ttft_p99_high" in absent
    said = " ".join(d["message"] for d in doc["diagnostics"])
    assert [path for path in absent if f"`{path}`" not in said] == []
