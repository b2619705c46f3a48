"""TensorRT-LLM "perf overview" tables against the inference model, through the user-CSV path.

reference/trtllm_perf_overview.csv holds NVIDIA's published trtllm-bench `throughput` figures (offline, every request
queued at once, in-flight batching, fixed input/output lengths, ModelOpt FP8/FP4 checkpoints) of the perf overview
page (NVIDIA/TensorRT-LLM docs/source/performance/perf-overview.md, later docs/source/developer-guide/perf-overview.md)
at releases 0.17, 0.19, 0.20, 1.0, a 1.1 development commit and 1.2, each row with its source URL. Its columns
`spec, quantity, measured, unit` make it a `factory validate --user` file; `published` and `published_unit` keep
the figure as printed (total output tokens/s up to 1.0, output tokens/s per GPU from the developer-guide pages:
`measured` = published x GPUs there). reference/trtllm_perf_overview.factory describes the runs, one workload per
(GPU, model, precision, TP, PP, ISL, OSL); it is generated from the CSV by `spec_text` below
(`python3 tests/test_trtllm_perf.py` rewrites it).

The comparison is printed, never asserted: nothing is fitted to these rows (docs/accuracy.md, "TensorRT-LLM perf
overview", has the diagnosis). The laws are coverage (every row compared, no error) and the unit conversion.
"""
from __future__ import annotations

import collections
import csv
import statistics
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CSV = ROOT / "reference" / "trtllm_perf_overview.csv"
SPEC = ROOT / "reference" / "trtllm_perf_overview.factory"

# the table's GPU and model names -> stdlib (GH200 "480GB" of 0.17: the 96 GB HBM3 module with 480 GB LPDDR5X, as
# the 0.19+ pages name it; Llama 3.3 70B has Llama 3.1 70B's shape: 80 layers, 8192 hidden, 64/8 heads, 28672 ffn)
CHIPS = {"B200": "B200", "GB200": "GB200", "B300": "B300", "GB300": "GB300", "H100": "H100_SXM", "H200": "H200",
         "GH200": "GH200_96GB", "RTX PRO 6000": "RTX_PRO_6000"}
MODELS = {"Llama-3.1-8B": "Llama3_1_8B", "Llama-3.1-70B": "Llama3_1_70B", "Llama-3.3-70B": "Llama3_1_70B",
          "Llama-3.1-405B": "Llama3_1_405B", "Mixtral-8x7B": "Mixtral_8x7B"}
SHORT = {"Llama3_1_8B": "l8b", "Llama3_1_70B": "l70b", "Llama3_1_405B": "l405b", "Mixtral_8x7B": "mixtral"}

HEADER = '''"""TensorRT-LLM "perf overview" runs (NVIDIA/TensorRT-LLM docs/source/performance/perf-overview.md, later
docs/source/developer-guide/perf-overview.md; releases 0.17, 0.19, 0.20, 1.0, 1.1-dev, 1.2; each row's URL is in
reference/trtllm_perf_overview.csv): one inference workload per (GPU, model, precision, TP, PP, ISL, OSL) measured
there. trtllm-bench `throughput`: every request queued at once (offline, maximum load, in-flight batching), fixed
lengths (prepare_dataset.py token-norm-dist, standard deviation 0), ModelOpt FP8/FP4 checkpoints, TP x PP GPUs as
the table names them. Compared by `factory validate --user reference/trtllm_perf_overview.csv`
(tests/test_trtllm_perf.py, docs/accuracy.md "TensorRT-LLM perf overview"). Generated from the CSV by
tests/test_trtllm_perf.py (`spec_text`); do not edit by hand."""'''


def csv_rows() -> list[dict]:
    with open(CSV, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def workload(r: dict) -> str:
    chip, model = CHIPS[r["gpu"]], MODELS[r["model"]]
    return (f"{chip.lower()}_{SHORT[model]}_{r['precision'].lower()}_tp{r['tp']}_pp{r['pp']}"
            f"_i{r['isl']}_o{r['osl']}")


def spec_text(rows: list[dict]) -> str:
    """The spec of the CSV's runs: one offline workload per distinct configuration, accelerators = TP x PP (one
    replica: the table's GPU count), tp and pp fixed, the table's precision, fixed input and output lengths."""
    runs = {workload(r): r for r in rows}
    chips = sorted({CHIPS[r["gpu"]] for r in rows})
    models = sorted({MODELS[r["model"]] for r in rows})
    lines = [HEADER, "from chips import " + ", ".join(chips), "from models import " + ", ".join(models), "",
             "site trtllm {"]
    for name in sorted(runs):
        r = runs[name]
        gpus = int(r["tp"]) * int(r["pp"])
        lines += [f"  inference {name} {{", f"    model = {MODELS[r['model']]}", f"    chip = {CHIPS[r['gpu']]}",
                  f"    scaleup_size = {gpus}", f"    accelerators = {gpus}", f"    tp = {r['tp']}",
                  f"    pp = {r['pp']}", f'    precision = "{r["precision"].lower()}"', '    scenario = "offline"',
                  f"    input_tokens = {r['isl']} tok", f"    output_tokens = {r['osl']} tok", "  }"]
    lines.append("}")
    return "\n".join(lines) + "\n"


def regime(r: dict) -> str:
    """prefill-heavy: ISL >= 4 OSL (2048/128, 5000/500, 20000/2000, 8192/1024, 32768/1024); decode-heavy:
    OSL >= 4 ISL (128/2048, 128/4096, 500/2000, 1024/8192); balanced otherwise."""
    i, o = int(r["isl"]), int(r["osl"])
    return "prefill" if i >= 4 * o else "decode" if o >= 4 * i else "balanced"


def family(r: dict) -> str:
    if r["gpu"] == "RTX PRO 6000":
        return "RTX PRO 6000 FP4"
    return ("Blackwell" if r["gpu"] in ("B200", "GB200", "B300", "GB300") else "Hopper") + " " + r["precision"]


def test_the_rows_are_sourced_and_their_units_converted() -> None:
    rows = csv_rows()
    assert len(rows) >= 700
    for r in rows:
        assert r["source"].startswith(("https://github.com/NVIDIA/TensorRT-LLM/blob/",
                                       "https://nvidia.github.io/TensorRT-LLM/")), r
        assert r["unit"] == "tok/s" and r["spec"] == SPEC.name and r["quantity"] == f"trtllm.{workload(r)}.tokens_per_s"
        gpus = int(r["tp"]) * int(r["pp"])
        assert int(r["gpus"]) == gpus
        # up to 1.0 the page prints the run's total output tokens/s; the developer-guide pages print per GPU
        per_gpu = r["release"] in ("1.1-dev", "1.2")
        assert r["published_unit"] == ("output tok/s per GPU" if per_gpu else "total output tok/s")
        assert float(r["measured"]) == pytest.approx(float(r["published"]) * (gpus if per_gpu else 1), rel=1e-9)
    releases = {r["release"] for r in rows}
    assert releases == {"0.17", "0.19", "0.20", "1.0", "1.1-dev", "1.2"}
    # the configurations the diagnosis rests on are all there
    have = {(r["gpu"], r["model"], r["precision"], int(r["tp"])) for r in rows}
    assert {("B200", "Llama-3.1-405B", "FP4", 4), ("B200", "Llama-3.1-405B", "FP4", 8),
            ("GB200", "Llama-3.1-405B", "FP4", 4), ("B200", "Llama-3.3-70B", "FP4", 1),
            ("H100", "Llama-3.1-405B", "FP8", 8), ("H200", "Llama-3.1-405B", "FP8", 8),
            ("H200", "Llama-3.1-8B", "FP8", 1), ("H200", "Mixtral-8x7B", "FP8", 8)} <= have


def test_the_spec_is_generated_from_the_csv() -> None:
    assert SPEC.read_text(encoding="utf-8") == spec_text(csv_rows()), "run `python3 tests/test_trtllm_perf.py`"


@pytest.mark.slow
def test_every_row_is_compared_and_the_table_printed() -> None:
    from compiler.validate import render_user, run_user

    rows = csv_rows()
    compared, sink = run_user(str(CSV))
    assert not sink.has_errors(), [d.message for d in sink.errors]
    assert [r.line for r in compared] == list(range(2, len(rows) + 2))      # every data line compared
    by_line = {i + 2: r for i, r in enumerate(rows)}
    for c in compared:
        assert 0 < c.predicted < float("inf") and c.unit == "tok/s", (c.line, c.predicted)
    print("\n" + render_user(compared))
    groups = collections.defaultdict(list)
    for c in compared:
        r = by_line[c.line]
        groups[(family(r), r["model"], regime(r))].append(c.error)
        groups[(family(r), "all models", regime(r))].append(c.error)
    print(f"{'family':<18} {'model':<15} {'regime':<9} {'rows':>4} {'median':>8} {'median |e|':>10}")
    for key in sorted(groups):
        errs = groups[key]
        print(f"{key[0]:<18} {key[1]:<15} {key[2]:<9} {len(errs):>4} {statistics.median(errs):>+8.1%} "
              f"{statistics.median(abs(e) for e in errs):>10.1%}")


if __name__ == "__main__":     # rewrite the spec from the CSV
    SPEC.write_text(spec_text(csv_rows()), encoding="utf-8")
    print(f"wrote {SPEC}", file=sys.stderr)
