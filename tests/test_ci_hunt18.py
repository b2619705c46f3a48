"""`factory check --format github` as a platform team's CI runs it (s18-huntci)."""
from __future__ import annotations

from click.testing import CliRunner

from compiler.cli import main

GROQ = """from systems import GroqNode
rack gr {
  server g: GroqNode x 1
}
site s {
  land_price = 0 USD
  hall h {
    rack r: gr x 1
  }
}
"""


def test_a_diagnostic_placed_outside_the_spec_is_annotated_on_it(tmp_path, monkeypatch) -> None:
    """A spec placing the stdlib's GroqNode (its LPU and host CPUs have no price) gets two `unpriced` warnings whose
    place is `<stdlib>/systems.factory:399:8`: its capex counts them as $0. `--format github` wrote them without
    `file=` and `line=` (`::warning title=factory warning[unpriced]::...`), and GitHub shows such an annotation in the
    run's summary only, never on the pull request's files, while SARIF and GitLab place it at line 1 of the first
    spec (docs/ci.md) and the plan's GitHub format promises every annotation a file and a line. Law: every
    annotation of `check --format github` names a file and a line; one whose place is no spec file is at line 1 of
    the first spec and its message keeps its own place."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "groq.factory").write_text(GROQ)
    result = CliRunner().invoke(main, ["check", "groq.factory", "--format", "github"])
    assert result.exit_code == 0, result.output
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert len(annotations) == 2, result.stdout
    for line in annotations:
        assert line.startswith("::warning file=groq.factory,line=1,col=1,"), line
        assert "(at <stdlib>/systems.factory:" in line, line
