"""`factory list` / `factory show`: the stdlib, browsable, every figure with its value and its source."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from compiler import catalogue
from compiler.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_stdlib_doc_is_in_sync() -> None:
    doc = ROOT / "docs" / "stdlib.md"
    assert doc.read_text(encoding="utf-8") == catalogue.stdlib_markdown(), \
        "run: python3 -m compiler.catalogue > docs/stdlib.md"


def test_list_names_every_definition_of_a_module() -> None:
    result = CliRunner().invoke(main, ["list", "chips"])
    assert result.exit_code == 0, result.output
    text = (ROOT / "stdlib" / "chips.factory").read_text(encoding="utf-8")
    entries = catalogue.catalogue("chips")
    assert len(entries) == text.count("\nchip ") + text.count("\ncpu ")
    for entry in entries:
        assert f"\n{entry.kind} {entry.name} " in text
        assert f"  {entry.kind}" in result.output and f" {entry.name} " in result.output
    assert CliRunner().invoke(main, ["list", "nonsense"]).exit_code == 2


def test_show_gives_values_sources_inheritance_and_models() -> None:
    result = CliRunner().invoke(main, ["show", "GB300_NVL72", "--format", "json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    fields = {f["name"]: f for f in shown["fields"]}
    assert shown["kind"] == "rack" and shown["extends"] == "MGX_NVL72_frame"
    # inherited from the frame, with the frame's source comment
    assert fields["cooling"]["origin"] == "inherited from MGX_NVL72_frame" and fields["cooling"]["source"]
    # computed by a model, with its formula; 72 GPUs = 18 trays x 4 GPUs
    assert fields["accelerators"]["origin"] == "model" and fields["accelerators"]["si"] == 72
    # a given figure carries its source
    assert fields["price"]["origin"] == "given" and fields["price"]["source"]
    assert fields["tray"]["origin"] == "part (server)"


def test_show_unknown_name_suggests() -> None:
    result = CliRunner().invoke(main, ["show", "H100SXM"])
    assert result.exit_code == 2 and "H100_SXM" in result.output
