"""`factory list` / `factory show`: the stdlib, browsable, every figure with its value and its source."""
from __future__ import annotations

import json
import math
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


# ----------------------------------------------------------------------------- session 9 (b): edge and Intel chips
# accelerator names of the MLPerf Inference v5.1/v6.0 system descriptions (closed/*/systems/*.json,
# open/*/systems/*.json `accelerator_model_name`) and the stdlib chip each maps to (stdlib/accelerator_aliases.csv)
MLPERF_EDGE_NAMES = [
    ("NVIDIA Jetson AGX Orin 64G", "Jetson_AGX_Orin_64GB"), ("NVIDIA Jetson AGX Thor 128G", "Jetson_AGX_Thor"),
    ("NVIDIA GB10", "GB10"), ("Intel(R) Arc Pro(R) B50", "Arc_Pro_B50"),
    ("MS-Intel Arc Pro B50 Dual 48G Turbo", "Arc_Pro_B50"),    # a stale copy of the same system's description
]


def _chip_si(chip: str) -> dict[str, float]:
    result = CliRunner().invoke(main, ["show", chip, "--format", "json"])
    assert result.exit_code == 0, result.output
    return {f["name"]: f["si"] for f in json.loads(result.output)["fields"] if isinstance(f.get("si"), (int, float))}


def _offline_llama_8b(chip: str, precision: str):
    import dsl
    from compiler.evaluate import evaluate
    from compiler.lower import lower
    text = (f"from chips import {chip}\nfrom models import Llama3_1_8B\nsite s {{\n  inference w {{\n"
            f"    model = Llama3_1_8B\n    chip = {chip}\n    accelerators = 1\n    tp = 1\n    pp = 1\n"
            f"    precision = \"{precision}\"\n    scenario = \"offline\"\n  }}\n}}\n")
    checked, sink = dsl.check_text(text, name="edge.factory")
    assert checked is not None and not sink.has_errors(), [d.message for d in sink.items]
    results = evaluate(lower(checked, sink), sink)
    return float(results.values["s.w.tokens_per_s"][0]), sink


def test_mlperf_edge_and_intel_names_map_to_their_chips() -> None:
    from compiler.validate import FAMILIES, alias_for
    for name, chip in MLPERF_EDGE_NAMES:
        alias = alias_for(name)
        assert alias is not None and alias.chip == chip, name
        assert chip not in FAMILIES          # outside the calibration file: no fitted family (as RTX_PRO_6000)
    assert alias_for("Intel(R) Arc(TM) 140T GPU") is None     # integrated GPU: no chip (see the report)


def test_llama_8b_offline_on_one_edge_chip_is_finite_and_below_the_compute_roofline() -> None:
    """Llama 3.1 8B Offline on one of each chip at its alias precision (empty: fp8 where the chip has it, else
    bf16). Law: every generated token costs at least 2 x 8.03e9 FLOPs of weight GEMMs, so tokens/s <= the chip's
    dense rate at the format it computes in / (2 x 8.03e9); a chip short of memory for the weights (the 16 GB
    Arc Pro B50 at bf16: 16.06 GB of weights) is flagged `infeasible-workload`, never a silent NaN."""
    from compiler.validate import alias_for
    params = 8_030_261_248
    for name, chip in MLPERF_EDGE_NAMES[:4]:
        si = _chip_si(chip)
        precision = alias_for(name).precision or ("fp8" if "fp8" in si else "bf16")
        tokens_per_s, sink = _offline_llama_8b(chip, precision)
        if chip == "Arc_Pro_B50":            # 16 GB card, bf16 weights 16.06 GB > 90% of 16 GB
            assert [d.code for d in sink.errors] == ["infeasible-workload"] and "do not fit" in sink.errors[0].message
            tokens_per_s, sink = _offline_llama_8b(chip, "fp4")   # 4-bit weights, as Intel's B60 LLM runs
            precision = "bf16"               # no FP4 matrix rate on Xe2: the arithmetic is 16-bit
        assert not sink.errors, [d.message for d in sink.errors]
        rate = si.get(precision) or si["bf16"]
        assert math.isfinite(tokens_per_s) and 0 < tokens_per_s <= rate / (2 * params), (chip, tokens_per_s)
