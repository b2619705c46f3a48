"""Session 25, the lead's small fixes, each pinned by a test that failed before."""
from __future__ import annotations

from pathlib import Path

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
