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
    the first spec (since s18-small: at the block of the spec that places the part) and its message keeps its own
    place."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "groq.factory").write_text(GROQ)
    result = CliRunner().invoke(main, ["check", "groq.factory", "--format", "github"])
    assert result.exit_code == 0, result.output
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert len(annotations) == 2, result.stdout
    for line in annotations:        # (s18-small: at the block that places GroqNode, `g` on line 3, not line 1)
        assert line.startswith("::warning file=groq.factory,line=3,col=10,"), line
        assert "(at <stdlib>/systems.factory:" in line, line


def test_a_stdlib_diagnostic_is_anchored_at_the_spec_that_uses_the_part(tmp_path, monkeypatch) -> None:
    """`factory check a.factory groq.factory`: the stdlib GroqNode's `unpriced` warnings come from groq.factory, which
    places it, but every CI format anchored them at line 1 of the FIRST spec, a.factory, which holds no GroqNode
    (s18-small): a pull request touching groq.factory showed the warning on a file it may not even change. Law: a
    diagnostic whose own place is the stdlib is anchored in the spec that uses the part, at the placement (its text
    form says so in a note: "`gr.g` places it at groq.factory:3:10"), in SARIF, GitHub and GitLab alike."""
    import json

    from compiler import check_files
    from compiler.ci_formats import github_commands, gitlab_issues, sarif_log
    from dsl.diagnostics import render_text

    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.factory").write_text('site a {\n  location = "x"\n  land_price = 0 USD\n}\n')
    (tmp_path / "groq.factory").write_text(GROQ)
    placed = (GROQ.splitlines().index("  server g: GroqNode x 1") + 1, 10)     # the `g` of `server g: GroqNode`
    names = ["a.factory", "groq.factory"]
    _, sink = check_files(names)                                                 # what `factory check` runs
    annotations = github_commands(sink.items, names).splitlines()
    assert len(annotations) == 2, annotations
    for line in annotations:
        assert line.startswith(f"::warning file=groq.factory,line={placed[0]},col={placed[1]},"), line
        assert "(at <stdlib>/systems.factory:" in line, line
    for result in sarif_log(sink.items, names)["runs"][0]["results"]:
        where = result["locations"][0]["physicalLocation"]
        assert where["artifactLocation"]["uri"].endswith("groq.factory"), where
        assert (where["region"]["startLine"], where["region"]["startColumn"]) == placed, where
    for issue in json.loads(json.dumps(gitlab_issues(sink.items, names))):
        assert issue["location"]["path"] == "groq.factory" and issue["location"]["lines"]["begin"] == placed[0]
    text = render_text(sink.items, sink.sources)
    assert f"places it at groq.factory:{placed[0]}:{placed[1]}" in text, text
