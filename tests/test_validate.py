"""`factory validate`: the models against reference/mlperf_calibration.csv (a copy of ../shared/reference), with the
error printed; its contract (categories, coverage, invalid rows); accelerator names as data; `--user` CSVs.

Thresholds, not pinned numbers: the medians move whenever a model changes. Issue 11's acceptance (every category's
median |error| <= 10%, coverage >= 95% of throughput and time-to-train rows) is checked below: throughput,
time-to-train and node power as a plain test, the latency categories as an xfail test that passes (XPASS) once
the model reaches them.
"""
from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli import main
from compiler.validate import (SERVING, THROUGHPUT_CATEGORIES, TRAINING_CATEGORY, Row, alias_for, aliases, build_spec,
                               coverage, plan, render, run, run_user, summary)

# the file's module fixtures (validate of the whole reference file, and at load): computed once, on one
# pytest-xdist worker
pytestmark = pytest.mark.xdist_group("validate")

ROOT = Path(__file__).resolve().parents[1]
CSV = ROOT / "reference" / "mlperf_calibration.csv"
USER = ROOT / "tests" / "cases" / "validate" / "user" / "measured.csv"
HEADER = "round,benchmark,scenario,system,accelerator,num_accelerators,metric,value,unit,source\n"
needs_csv = pytest.mark.skipif(not CSV.exists(), reason=f"{CSV} is not present")


@pytest.fixture(scope="module")
def validated():
    rows, sink = run(str(CSV))
    assert not sink.has_errors(), [d.message for d in sink.errors]
    return rows


@pytest.fixture(scope="module")
def validated_at_load(tmp_path_factory):
    """The Llama 3.1 405B rows of the file (80: 32 latency rows whose submission's load exceeds the model's capacity,
    20 within it) with the latency rows compared at their submissions' measured throughput (`--latency-at load`,
    a solve per row: the whole file's 720 rows take about 25 s, these 6 s)."""
    lines = CSV.read_text(encoding="utf-8").splitlines()
    subset = tmp_path_factory.mktemp("validate") / "llama3.1-405b.csv"
    subset.write_text("\n".join([lines[0], *(line for line in lines[1:] if ",llama3.1-405b," in line)]) + "\n",
                      encoding="utf-8")
    rows, sink = run(str(subset), latency_at="load")
    assert not sink.has_errors(), [d.message for d in sink.errors]
    return rows


def _row(**kw) -> Row:
    data = {"round": "inference-v5.0", "benchmark": "llama2-70b-99", "scenario": "Offline", "system": "sys",
            "accelerator": "NVIDIA H100-SXM-80GB", "num_accelerators": "8", "metric": "throughput",
            "value": "24000", "unit": "Tokens/s", "source": "x; nodes=1"}
    data.update(kw)
    row = Row(2, data)
    plan(row)
    return row


# ----------------------------------------------------------------------------- the reference file
@needs_csv
def test_medians_within_thresholds_and_printed(validated) -> None:
    """Regression thresholds on the whole public file (not the issue's 10% target, see the xfail test)."""
    print("\n" + render(validated))
    cats = summary(validated)
    assert set(THROUGHPUT_CATEGORIES) | {TRAINING_CATEGORY, "TTFT p99", "TPOT mean", "power AC", "power DC"} <= set(cats)
    for name in THROUGHPUT_CATEGORIES:
        assert cats[name]["count"] >= 30, name
        assert cats[name]["median"] <= 0.35, f"{name}: median |error| {cats[name]['median']:.1%}"
    assert cats[TRAINING_CATEGORY]["count"] >= 90
    assert cats[TRAINING_CATEGORY]["median"] <= 0.15
    assert cats["TPOT mean"]["count"] >= 200 and cats["TPOT mean"]["median"] <= 0.35
    assert cats["TTFT p99"]["count"] >= 200


@needs_csv
def test_latency_rows_are_compared_at_the_models_capacity_point(validated) -> None:
    """Law (default, `--latency-at capacity`): an MLPerf Server result is its submitter's capacity under the latency
    limits, so a latency row is predicted at the model's capacity point: its workload carries no `offered_load`, so
    it runs the layout and batch of its submission's throughput row (the same workload), and no row is marked
    `at capacity` (that marks the exception of the `load` comparison)."""
    from compiler.validate import LATENCY_OUTPUTS, _submission

    configs = {_submission(r): tuple(r.extra[k] for k in ("tp", "pp", "batch")) for r in validated
               if r.kind == "inference" and r.output == "tokens_per_s" and r.covered}
    compared = 0
    for r in validated:
        if r.covered and r.output in LATENCY_OUTPUTS.values() and _submission(r) in configs:
            assert "offered_load" not in r.fields and not r.extra.get("at_capacity"), r.line
            assert tuple(r.extra[k] for k in ("tp", "pp", "batch")) == configs[_submission(r)], r.line
            compared += 1
    assert compared >= 200


def test_latency_at_rejects_an_unknown_operating_point() -> None:
    with pytest.raises(ValueError, match="latency_at"):
        run(str(CSV), latency_at="median")


@needs_csv
def test_a_latency_row_above_the_models_capacity_is_compared_at_capacity(validated_at_load) -> None:
    """Law (`--latency-at load`): a latency row is offered its submission's measured throughput; where that exceeds the model's
    capacity (the submission's own throughput row predicted below its measured value) the model has no steady
    latency at that load, so the row is compared at the model's capacity point (marked `at capacity`): its
    prediction equals the same workload evaluated without `offered_load`; where the load is within the capacity
    the row is compared at the measured load. The throughput row and the latency rows of a submission are the
    same workload but for `offered_load`, so the model's capacity is the throughput row's prediction."""
    from compiler.validate import LATENCY_OUTPUTS, _submission

    capacity = {_submission(r): (r.predicted, r.measured) for r in validated_at_load
                if r.kind == "inference" and r.output == "tokens_per_s" and r.covered}
    over = under = 0
    for r in validated_at_load:
        if r.data["metric"].strip() not in LATENCY_OUTPUTS or _submission(r) not in capacity:
            continue
        predicted, measured = capacity[_submission(r)]
        assert r.covered and math.isfinite(r.predicted), r.line
        if measured > predicted * (1 + 1e-6):
            over += 1
            assert r.extra.get("at_capacity") and "offered_load" not in r.fields, r.line
        elif measured < predicted * (1 - 1e-6):
            under += 1
            assert not r.extra.get("at_capacity") and "offered_load" in r.fields, r.line
    assert over > 0 and under > 0


@needs_csv
def test_issue_11_throughput_training_and_power_within_10_percent(validated) -> None:
    """Issue 11's acceptance for the throughput, time-to-train and node-power categories: median |error| <= 10%."""
    cats = summary(validated)
    for name in THROUGHPUT_CATEGORIES + (TRAINING_CATEGORY, "power AC", "power DC"):
        assert cats[name]["median"] <= 0.10, f"{name}: median |error| {cats[name]['median']:.1%}"


# the measured gap per latency category at the model's capacity point (docs/accuracy.md): every latency category was
# within 10% from 2026-12-05, but the TTFT medians rested on a step clock solved in two passes that did not satisfy
# its own law (s17-heldlaws, s17-converge, 2026-12-06). Solved (compiler/models/inference/ `_solve_clock`), the
# v5.0 H200 SXM rows' capacity point and first-token time come out lower and the TTFT medians leave the gate; refitting
# the first-token pair by its own rule does not bring them back (docs/accuracy.md "The converged clock"); the Hopper FP8
# factor refitted by its own rule on the converged solve (0.82 -> 0.81, s18-hopper) takes them from 12.4% / 14.2% to
# 11.8% / 13.6% (docs/accuracy.md "The H200 TTFT rows on the converged clock, taken apart"); the other three families
# refitted by the same rule (s18-families) to 11.9% / 13.8% (Hopper add-in FP8's 12 TTFT rows +0.1 point on p50,
# Blackwell FP4's +0.2 on p99; docs/accuracy.md "The three other families by their rule"); the whole-prompt law
# (s21-v41, `whole_step_p50`) takes the p50 to 10.8%, the least-busy harness's simulated shift on it (`whole_step_least`)
# to 10.4% (docs/accuracy.md "The whole-prompt engines' first token"). Five mechanisms applied with the Hopper FP8 /
# Blackwell FP4 factors refit by their rule (s26-apply, 2026-12-07: interactive_engines, least_share_scope,
# busy_step_mean, gemm_smooth_read_hopper, continuous_capacity) take them to 8.7% / 9.1% (docs/accuracy.md "Five
# mechanisms applied"). A category outside the gate is listed here as an xfail with its measured gap, not hidden
LATENCY_GAPS: dict[str, str] = {}
LATENCY_WITHIN = ("TTFT p50", "TTFT p99", "TPOT mean", "TPOT p99")


@needs_csv
@pytest.mark.parametrize("name", [pytest.param(name, marks=pytest.mark.xfail(
    reason=f"issue 11 acceptance for latency: {name} at the capacity point is {gap} off (docs/accuracy.md says "
           "why)", strict=False)) for name, gap in LATENCY_GAPS.items()] + [name for name in LATENCY_WITHIN if name not in LATENCY_GAPS])
def test_issue_11_latency_within_10_percent(validated, name) -> None:
    median = summary(validated)[name]["median"]
    assert median <= 0.10, f"{name}: median |error| {median:.1%}"


@needs_csv
def test_how_sure_each_median_is(validated) -> None:
    """Per category of the reference file: the 95% cluster-bootstrap interval holds the median, its clusters are
    at most its rows (the -99/-99.9 variants of a run are one), and the gate reads off the share of rows within
    10%: more than half within 10% puts the median at or below 10%, fewer than half above it. The summary line
    prints them in a fixed shape, and twice the same."""
    cats = summary(validated)
    text = render(validated, show_uncovered=False)
    assert text == render(validated, show_uncovered=False)
    for name, cat in cats.items():
        if not cat["count"]:
            continue
        lo, hi = cat["interval"]
        assert lo <= cat["median"] <= hi, name
        assert 1 <= cat["clusters"] <= cat["count"], name
        if cat["within"] > 0.5:
            assert cat["median"] <= 0.10, name
        if cat["within"] < 0.5:
            assert cat["median"] > 0.10, name
        line = next(x for x in text.splitlines() if x.startswith(f"{name}: "))
        assert (f"median |error| {cat['median']:.1%} (95% interval {lo:.1%}-{hi:.1%} over {cat['clusters']} "
                f"configurations; {cat['within']:.1%} of rows within 10%), median signed {cat['bias']:+.1%}, "
                f"worst {cat['worst']:.1%} (line ") in line, line


@needs_csv
def test_coverage_fractions(validated) -> None:
    """Every row is in exactly one category; a category's coverage is its compared rows over its rows; the
    throughput and time-to-train rows are covered at the issue's target, 95%."""
    cats = summary(validated)
    assert sum(c["total"] for c in cats.values()) == len(validated)
    assert sum(c["count"] for c in cats.values()) == sum(1 for r in validated if r.covered)
    for c in cats.values():
        assert c["coverage"] == pytest.approx(c["count"] / c["total"])
    done, total = coverage(validated)
    assert total == sum(cats[n]["total"] for n in THROUGHPUT_CATEGORIES + (TRAINING_CATEGORY,))
    assert done / total >= 0.95, f"{done} of {total}"


# ----------------------------------------------------------------------------- the docs say what validate gives
@needs_csv
def test_the_accuracy_heads_table_is_validates_summary(validated) -> None:
    """docs/accuracy.md "Where accuracy stands": its generated `validate` and `groups` blocks are the category table
    and the by-chip table of the rows validate gives now (the module fixture: nothing run again), figure for figure
    at validate's printed precision, and the categories it says fail the gate are those whose median is above 10%."""
    from compiler.validate_docs import accuracy_head, blocks, category_table, group_table
    generated = blocks(accuracy_head())
    table = generated.get("validate")
    assert table == category_table(validated) and generated.get("groups") == group_table(validated), \
        "docs/accuracy.md's head is stale: run python3 -m compiler.validate_docs accuracy"
    cats = summary(validated)
    for name, cat in cats.items():         # each figure is the one validate prints in its summary line
        if cat["count"]:
            line = next(x for x in table.splitlines() if x.startswith(f"| {name} |"))
            assert f"| {cat['median']:.1%} |" in line and f"{cat['within']:.1%}" in line, line
            assert line.endswith("| **no** |" if cat["median"] > 0.10 else "| yes |"), line


@needs_csv
def test_the_readmes_accuracy_figures_are_validates(validated) -> None:
    """README.md "How far off it is": its summary lines are validate's (abridged before ", worst"), in validate's
    order, and the sentence naming the categories outside the 10% gate gives exactly their medians."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## How far off it is\n", 1)[1].split("\n## ", 1)[0]
    quoted = re.search(r"^```\n(.*?)^```$", section, re.M | re.S).group(1).splitlines()
    printed = render(validated, show_uncovered=False).split("\n\n", 1)[1].splitlines()
    assert quoted == [line.split(", worst ")[0] for line in printed if line], \
        "README.md's summary lines are stale: paste `factory validate reference/mlperf_calibration.csv`'s, abridged"
    cats = summary(validated)
    failing = [f"{cats[n]['median']:.1%}" for n in (*LATENCY_WITHIN, *THROUGHPUT_CATEGORIES, TRAINING_CATEGORY,
                                                   "power AC", "power DC") if cats[n]["median"] > 0.10]
    said = re.search(r"\*\*[^*]+ (?:is|are) not\*\* \(([^)]*)\)", " ".join(section.split()))
    assert (said.group(1).split(", ") if said else []) == failing, "README.md's gate sentence is stale"


def test_the_mechanism_index_is_the_table() -> None:
    """docs/mechanisms.md is generated from MECHANISM_TABLE: every entry appears with whether it is applied, and
    names what it is and the docs/accuracy.md section that measured it (the start of exactly one `## ` heading,
    whose section names the mechanism)."""
    from compiler.validate import MECHANISM_TABLE
    from compiler.validate_docs import mechanism_index
    doc = (ROOT / "docs" / "mechanisms.md").read_text(encoding="utf-8")
    assert doc == mechanism_index(), \
        "docs/mechanisms.md is stale: run python3 -m compiler.validate_docs mechanisms > docs/mechanisms.md"
    sections = re.split(r"^## ", (ROOT / "docs" / "accuracy.md").read_text(encoding="utf-8"), flags=re.M)[1:]
    for name, m in MECHANISM_TABLE.items():
        state = f"applied ({', '.join(m.applied)})" if m.applied else "opt-in"
        assert f"| `{name}` | {state} |" in doc, name
        assert m.what and m.section, f"{name}: MECHANISM_TABLE gives no `what` or `section`"
        found = [text for text in sections if text.startswith(m.section)]
        assert len(found) == 1 and name in found[0], (name, m.section, len(found))


@needs_csv
def test_every_row_is_covered_or_has_a_reason(validated) -> None:
    for r in validated:
        assert r.covered != bool(r.reason), r.line
    reasons = {r.reason for r in validated if r.reason}
    # the inference model has every latency output validate compares (ttft_p50/p99, tpot_mean/p99): a latency row
    # is left out only for a reason of its own (a power-capped submission), never for a missing output
    assert not any("has no output" in reason for reason in reasons)
    for metric in ("ttft_p50", "ttft_p99", "tpot_mean", "tpot_p99"):
        rows = [r for r in validated if r.data["metric"] == metric]
        assert rows and sum(r.covered for r in rows) / len(rows) >= 0.95, metric


@needs_csv
def test_latency_rows_of_one_configuration_are_ordered(validated) -> None:
    """Law on every latency configuration of the public file (rows sharing one workload block: one Server or
    Interactive run): the model's TPOT mean <= its TPOT p99 and TTFT p50 <= TTFT p99, each finite and > 0.
    LoadGen's mean and percentiles are over one set of per-request values (loadgen/results.cc
    `ProcessTokenLatencies`), and a mean of values can exceed their 99th percentile only where under 1% of
    them hold the excess: the model's per-request TPOT is a normal around its mean step, so its mean never
    exceeds its p99 (docs/accuracy.md "The TPOT mean bias by population")."""
    by_block: dict[str, dict[str, float]] = {}
    for r in validated:
        if r.covered and r.data["metric"] in ("ttft_p50", "ttft_p99", "tpot_mean", "tpot_p99"):
            assert math.isfinite(r.predicted) and r.predicted > 0, (r.line, r.data["metric"])
            by_block.setdefault(r.block, {})[r.data["metric"]] = r.predicted
    pairs = 0
    for block, got in by_block.items():
        if {"tpot_mean", "tpot_p99"} <= got.keys():
            assert got["tpot_mean"] <= got["tpot_p99"], block
            pairs += 1
        if {"ttft_p50", "ttft_p99"} <= got.keys():
            assert got["ttft_p50"] <= got["ttft_p99"], block
    assert pairs >= 50             # 208 TPOT mean rows in 57 blocks (rows of one configuration share a block)


@needs_csv
def test_the_reference_file_is_the_shared_copy() -> None:
    found = [p / "shared" / "reference" / "mlperf_calibration.csv" for p in ROOT.parents[:2]]
    shared = next((p for p in found if p.exists()), None)
    if shared is None:
        pytest.skip("no shared/reference beside the checkout")
    assert CSV.read_bytes() == shared.read_bytes()


@needs_csv
def test_accuracy_variants_share_one_block(validated) -> None:
    """The -99 and -99.9 variants of a run are the same workload: one block, one prediction."""
    seen: dict[tuple, Row] = {}
    for r in validated:
        if not r.covered:
            continue
        d = r.data
        key = (d["round"], re.sub(r"-99(\.9)?$", "", d["benchmark"]), d["scenario"], d["system"], d["metric"])
        if key in seen and seen[key].data["benchmark"] != d["benchmark"]:
            assert seen[key].block == r.block and seen[key].predicted == r.predicted
        seen[key] = r


@needs_csv
def test_latency_rows_are_predicted_at_their_submissions_throughput(validated_at_load) -> None:
    """A latency row is measured at its submission's own throughput (the `throughput` row of the same round,
    benchmark, scenario, system and accelerators): its workload is offered exactly that load, and where the
    model's capacity exceeds it, runs fewer rows in flight than at its capacity point (a load above the model's
    capacity is compared at the capacity point, without `offered_load`: the test above)."""
    from compiler.validate import LATENCY_OUTPUTS, _submission

    loads = {_submission(r): r.measured for r in validated_at_load if r.covered and r.output == "tokens_per_s"}
    offered = 0
    for r in validated_at_load:
        if (r.covered and r.output in LATENCY_OUTPUTS.values() and _submission(r) in loads
                and not r.extra.get("at_capacity")):
            assert r.fields["offered_load"].value == loads[_submission(r)], r.line
            assert r.fields["offered_load"].unit == "tok/s"
            offered += 1
    assert offered >= 15


@needs_csv
def test_predicted_latencies_obey_the_benchmark_limits(validated) -> None:
    """Law of the search: the configuration the model picks meets the benchmark's limits, so the predicted TPOT and
    TTFT p99 of every Server/Interactive row are within that benchmark's own limits (405B's are not Llama 2's)."""
    from compiler.validate import _benchmark

    checked = 0
    for r in validated:
        metric = r.data["metric"]
        if not r.covered or metric not in ("ttft_p99", "tpot_mean"):
            continue
        bench, interactive = _benchmark(r.data["benchmark"])
        ttft, tpot = SERVING[bench].limits["interactive" if interactive else "server"]
        limit = ttft if metric == "ttft_p99" else tpot
        assert r.predicted <= limit * (1 + 1e-9), (r.line, r.predicted, limit)
        checked += 1
    assert checked >= 200


# ----------------------------------------------------------------------------- planning rows
def test_an_accelerator_without_a_stdlib_chip_is_listed_with_the_reason() -> None:
    row = _row(accelerator="Acme X1")
    assert not row.covered and row.reason.startswith("no stdlib chip for `Acme X1`")


def test_a_reference_implementation_run_is_not_compared() -> None:
    """An MLCommons reference-implementation run (the CM system id's `-reference-` part) measures its harness (one
    client worker to an API server), not the cards: its throughput and latency rows are listed with that reason;
    the same cards under a vendor harness, or the word elsewhere in the system name, are compared."""
    nm = "NeuralMagic: Crusoe Cloud L40S (8x L40S PCIe, vLLM, FP8) [vLLM_8xL40S-reference-cpu-pytorch-v2.3.1-default_config]"
    for metric, unit in (("throughput", "Tokens/s"), ("ttft_p99", "ms")):
        row = _row(system=nm, accelerator="NVIDIA L40S", metric=metric, unit=unit, scenario="Server", value="500")
        assert not row.covered and "reference-implementation run" in row.reason, metric
    dell = "Dell: Dell PowerEdge XE7745 (8x L40S, TensorRT) [XE7745_L40Sx8_TRT]"
    assert _row(system=dell, accelerator="NVIDIA L40S").covered
    assert _row(system="a reference system [XE7745_L40Sx8_TRT]", accelerator="NVIDIA L40S").covered


def test_interactive_in_both_spellings_is_one_category_with_its_own_limits() -> None:
    """v5.0 runs `llama2-70b-interactive-*` as scenario Server; later rounds call the scenario Interactive."""
    old = _row(benchmark="llama2-70b-interactive-99", scenario="Server")
    new = _row(benchmark="llama2-70b-99", scenario="Interactive")
    assert old.category == new.category == "inference Interactive"
    assert old.fields == new.fields
    assert old.fields["scenario"] == "interactive"
    assert (old.fields["ttft_limit"].value, old.fields["tpot_limit"].value) == (0.450, 0.040)
    big = _row(benchmark="llama3.1-405b", scenario="Interactive")
    assert (big.fields["ttft_limit"].value, big.fields["tpot_limit"].value) == (4.5, 0.080)


def test_gptj_beam_search_is_four_beams_of_69_tokens() -> None:
    """GPT-J runs 4 beams of the 69 tokens loadgen counts: the workload says `let beams = 4` and 69 output tokens
    (the inference model runs the beams as batch rows sharing the prompt), nothing is rescaled afterwards; the
    Server budget of 20 s per query is split as TTFT <= 20 s and TPOT <= 20 s / 69 steps."""
    row = _row(benchmark="gptj-99")
    assert row.fields["output_tokens"].value == pytest.approx(69) and row.scale == 1.0
    assert row.lets == {"beams": 4.0, "allreduce_kernels": 1.0,          # (the engine's all-reduce kernels, applied)
                        "gemm_smooth_power": 2.7, "gemm_weight_efficiency": 0.61}   # (the GH100 chips' smooth
    # GEMM law, applied: GEMM_SMOOTH_POWER, GEMM_WEIGHT_EFFICIENCY)
    server = _row(benchmark="gptj-99.9", scenario="Server")
    assert server.fields["ttft_limit"].value == 20.0                     # mlperf.conf target_latency 20,000 ms
    assert server.fields["tpot_limit"].value * 69 == pytest.approx(20.0)
    assert "beams" not in _row().lets                                     # Llama 2 70B: one sequence per request


def test_v5_hopper_llama2_engines_run_swiglu_in_the_gemm() -> None:
    """NVIDIA's v5.0 Llama 2 70B configs on H100 SXM, H200, GH200 and H200 NVL build `gemm_swiglu_plugin: fp8` (the
    SwiGLU in the gate-up GEMM's epilogue, GEMM_SWIGLU): those rows say `let gemm_swiglu = 1`; v4.1's configs, the
    H100 NVL's, Blackwell's and the 405B's do not."""
    assert _row().lets.get("gemm_swiglu") == 1.0
    assert _row(accelerator="NVIDIA H200-SXM-141GB", scenario="Server").lets.get("gemm_swiglu") == 1.0
    for other in (_row(round="inference-v4.1"), _row(accelerator="NVIDIA H100-NVL-94GB"),
                  _row(accelerator="NVIDIA B200-SXM-180GB"), _row(benchmark="llama3.1-405b")):
        assert "gemm_swiglu" not in other.lets


def test_llama2_prompt_spread_is_its_datasets() -> None:
    """OpenOrca prompts of Llama 2 70B: mean 222.33, population std 171.50 (all 24,576 samples), cv = 171.50 / 222.33
    = 0.7714, a little below what an exponential shifted by the shortest prompt (48 tokens) would give, (222.33 - 48)
    / 222.33 = 0.7841: the data's tail is shorter (p99 791 tokens against 48 + 174.33 ln 100 = 851). Given to the Server and Interactive
    rows (the prompt queue and the p99 TPOT read it), not to Offline (no arrivals). Llama 3.1 405B's is its
    dataset's too (4,066.9 / 9,428.64 = 0.431, longest 19,988: compiler/validate.py SERVING)."""
    server = _row(scenario="Server", metric="ttft_p99", value="900", unit="ms")
    assert server.lets["prompt_length_cv"] == pytest.approx(171.50 / 222.33, abs=1e-4)
    assert server.lets["prompt_length_cv"] < (222.33 - 48) / 222.33
    interactive = _row(benchmark="llama2-70b-interactive-99", scenario="Server")
    assert interactive.lets["prompt_length_cv"] == pytest.approx(171.50 / 222.33, abs=1e-4)
    assert "prompt_length_cv" not in _row().lets                                         # Offline
    big = _row(benchmark="llama3.1-405b", scenario="Server")
    assert big.lets["prompt_length_cv"] == pytest.approx(0.4313, abs=1e-4)
    assert big.fields["input_tokens"].value == 9428.64 and big.fields["max_input_tokens"].value == 19988


def test_amd_v5_rows_run_vllm_scheduling_rounds_of_nine_steps() -> None:
    """AMD's v5.0 Llama 2 70B Server harness runs vLLM with num_scheduler_steps 9 (compiler/validate.py "Scheduling
    rounds"): its Server rows say `let scheduler_steps = 9`; not its Offline rows (no arrivals), not v4.1 (AMD's
    batcher, before vLLM's multi-step scheduling), not NVIDIA's harness (one step a round)."""
    mi325 = dict(accelerator="AMD Instinct MI325X 256GB HBM3", scenario="Server")
    assert _row(**mi325, metric="ttft_p50", value="1000", unit="ms").lets["scheduler_steps"] == 9.0
    assert _row(**mi325).lets["scheduler_steps"] == 9.0
    assert "scheduler_steps" not in _row(accelerator="AMD Instinct MI325X 256GB HBM3").lets          # Offline
    assert "scheduler_steps" not in _row(**{**mi325, "round": "inference-v4.1"}).lets
    assert "scheduler_steps" not in _row(scenario="Server").lets                                    # H100


def test_v41_rows_carry_their_harness_engines() -> None:
    """MLPerf v4.1 Llama 2 70B Server rows (compiler/validate.py "Token budget", "Harness batcher"): NVIDIA's engines
    are built with `max_num_tokens = 4096` a forward pass (per rank: 2,048 at tp2 on H100 SXM, 4,096 at tp1 on H200);
    AMD's vLLM harness batches requests for 0.3 s (`let batch_window`); neither on v5.0 rows, Offline rows, or chips
    without a published v4.1 Server config (B200)."""
    v41 = dict(round="inference-v4.1", scenario="Server")
    assert _row(**v41).fields["max_num_tokens"].value == 2048                                     # H100 SXM tp2
    assert _row(**v41, accelerator="NVIDIA H200-SXM-141GB").fields["max_num_tokens"].value == 4096
    assert "max_num_tokens" not in _row(**v41, accelerator="NVIDIA B200-SXM-180GB").fields
    assert "max_num_tokens" not in _row(round="inference-v4.1").fields                              # Offline
    assert _row(scenario="Server").fields["max_num_tokens"].value == 1024                         # v5.0 H100
    amd = dict(accelerator="AMD Instinct MI300X-NPS1-SPX-192GB-750W", **v41)
    window = _row(**amd).lets["batch_window"]                      # a time: `let batch_window = 0.3 s`
    assert (window.value, window.unit) == (0.3, "s")
    assert _row(**amd, metric="ttft_p99", value="1600", unit="ms").lets["batch_window"] == window
    assert "batch_window" not in _row(**{**amd, "round": "inference-v5.0"}).lets
    assert "batch_window" not in _row(**{**amd, "scenario": "Offline"}).lets
    assert "batch_window" not in _row(**v41).lets                                                   # NVIDIA


def test_mixtral_prompts_are_at_most_1948_tokens_on_serving_rows() -> None:
    """The dataset's longest prompt, 1,948 tokens, within the rules' 2,048 (mlcommons/inference_policies pull
    request 295)."""
    assert _row(benchmark="mixtral-8x7b", scenario="Server").fields["max_input_tokens"].value == 1948
    assert "max_input_tokens" not in _row(benchmark="mixtral-8x7b").fields                           # Offline


def test_mixtral_prompt_spread_is_the_mixture_of_its_three_sets() -> None:
    """Hand calculation, the law of total variance over the three equal sets of 5,000 prompts (mean, population std
    in tokens; docs/accuracy.md "Mixtral's dataset lengths, sourced"): GSM8K 665.592 / 23.53, OpenOrca 415.389 /
    457.13, MBXP 201.200 / 80.02. Mean = (665.592 + 415.389 + 201.200) / 3 = 427.394; E[L^2] = the mean of
    std^2 + mean^2 = (443,566.4 + 381,515.9 + 46,884.6) / 3 = 290,655.6; variance = 290,655.6 - 427.394^2 =
    107,990; std 328.6, cv 0.769: a mixture spread far wider than its largest set's share would suggest (GSM8K's
    prompts alone vary by 3.5%). The Server rows carry it; Offline has no arrivals."""
    sets = [(665.592, 23.53), (415.389, 457.13), (201.200, 80.02)]
    mean = sum(m for m, _ in sets) / 3
    second = sum(sd ** 2 + m ** 2 for m, sd in sets) / 3
    cv = math.sqrt(second - mean ** 2) / mean
    assert mean == pytest.approx(427.394, abs=1e-3) and cv == pytest.approx(0.769, abs=1e-3)
    assert _row(benchmark="mixtral-8x7b", scenario="Server").lets["prompt_length_cv"] == pytest.approx(cv, abs=1e-3)
    assert "prompt_length_cv" not in _row(benchmark="mixtral-8x7b").lets                             # Offline


def test_units_are_read_and_checked() -> None:
    """The measured value is converted by dsl.units: 1.5 minutes is 90 s; a unit of another dimension is a problem."""
    row = _row(round="training-v4.0", benchmark="gpt3", scenario="training closed", metric="time_to_train",
               value="1.5", unit="minutes", accelerator="NVIDIA H100-SXM5-80GB", num_accelerators="512")
    assert row.covered and row.measured == pytest.approx(90.0) and row.unit == "s"
    assert _row(metric="ttft_p99", scenario="Server", value="250", unit="ms").measured == pytest.approx(0.25)
    bad = _row(unit="W")
    assert bad.problem.startswith("unit `W` is not a")


def test_power_rows_are_per_node_and_dc_after_the_psus() -> None:
    """A node power row is one 8-GPU server's power at the job's own load: the job placed on a server
    (`system`), compared with its system_power (AC) or system_power_dc (after the PSUs), per server (scale 1)."""
    ac = _row(round="training-v4.0", benchmark="llama2_70b_lora", scenario="training closed (power)",
              metric="mean_power_per_8GPU_node (AC)", value="7000", unit="W", accelerator="NVIDIA H100-SXM5-80GB",
              num_accelerators="64")
    assert ac.covered and ac.category == "power AC" and ac.output == "system_power" and ac.scale == 1.0
    assert "system" in ac.fields and "chip" not in ac.fields
    dc = _row(round="training-v4.0", benchmark="llama2_70b_lora", scenario="training closed (power)",
              metric="mean_power_per_8GPU_node (DC)", value="7000", unit="W", accelerator="NVIDIA H100-SXM5-80GB",
              num_accelerators="64")
    assert dc.category == "power DC" and dc.output == "system_power_dc" and dc.scale == 1.0
    other = _row(round="training-v4.0", benchmark="resnet", scenario="training closed (power)",
                 metric="mean_power_per_8GPU_node (AC)", value="7000", unit="W", accelerator="NVIDIA H100-SXM5-80GB")
    assert not other.covered and "no workload description" in other.reason


def test_the_spec_is_built_not_formatted() -> None:
    """A benchmark or accelerator text never reaches the spec: only checked names, numbers and quantities do."""
    row = _row(accelerator='NVIDIA H100-SXM-80GB"}\nsite evil {', system='"}\nsite evil {')
    assert row.covered and row.fields["chip"].path == "H100_SXM"     # matched by the fragment `H100-SXM`
    text = build_spec([row]).text()
    assert "evil" not in text and "from chips import H100_SXM" in text


# ----------------------------------------------------------------------------- accelerator names as data
def test_every_accelerator_of_the_reference_file_maps_to_a_stdlib_chip() -> None:
    chips = set(re.findall(r"^chip (\w+)", (ROOT / "stdlib" / "chips.factory").read_text(), re.M))
    assert {a.chip for a in aliases()} <= chips
    if CSV.exists():
        with open(CSV, newline="") as fh:
            names = {r["accelerator"] for r in csv.DictReader(fh) if r["accelerator"].strip()}
        assert {n for n in names if alias_for(n) is None} == set()


@pytest.mark.parametrize("name, chip", [
    ("NVIDIA Blackwell GPU (GB200)", "GB200"), ("NVIDIA GB300", "GB300"), ("Blackwell Ultra (B300)", "B300"),
    ("AMD Instinct MI355X", "MI355X"), ("NVIDIA H200-NVL-141GB", "H200_NVL"), ("NVIDIA GB200", "GB200"),
    ("Intel(R) Gaudi(R) 2 AI Accelerator", "Gaudi2"), ("NVIDIA  h100-sxm-80gb", "H100_SXM"),
    ("NVIDIA RTX PRO 6000 Blackwell Server Edition", "RTX_PRO_6000"), ("AMD Instinct MI350X", "MI350X"),
    ("NVIDIA GB200 NVL72 (186GB)", "GB200"),             # the longest fragment wins over `B200`
])
def test_accelerator_aliases(name, chip) -> None:
    assert alias_for(name).chip == chip


# ----------------------------------------------------------------------------- CLI
@needs_csv
def _sample(tmp_path: Path) -> Path:
    """A sample of the file for the CLI's contract (the whole file's numbers are the `validated` tests'): the first
    two rows of each (round, benchmark, scenario, metric), which include rows the models do not cover."""
    lines = CSV.read_text(encoding="utf-8").splitlines()
    seen: dict = {}
    kept = [lines[0]]
    for line, row in zip(lines[1:], csv.DictReader(lines)):
        key = (row["round"], row["benchmark"], row["scenario"], row["metric"])
        seen[key] = seen.get(key, 0) + 1
        if seen[key] <= 2:
            kept.append(line)
    path = tmp_path / "sample.csv"
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return path


def test_cli_prints_the_table_the_summary_and_the_coverage(tmp_path) -> None:
    result = CliRunner().invoke(main, ["validate", str(_sample(tmp_path))])
    assert result.exit_code == 0, result.output
    for text in ("inference Offline:", "inference Interactive:", "training time-to-train:", "TTFT p99:",
                 "median |error|", "coverage of throughput and time-to-train rows:", "not covered:"):
        assert text in result.output


@needs_csv
def test_cli_json_summary(tmp_path) -> None:
    result = CliRunner().invoke(main, ["validate", str(_sample(tmp_path)), "--format", "json"])
    assert result.exit_code == 0
    doc = json.loads(result.output)
    assert 0 < doc["coverage"]["fraction"] <= 1      # the whole file's >= 95%: test_coverage_fractions
    assert set(doc["summary"]) >= set(THROUGHPUT_CATEGORIES)
    covered = [r for r in doc["rows"] if r["covered"]]
    assert covered and all(r["predicted"] > 0 and math.isfinite(r["error"]) for r in covered)
    assert doc["interval"]["resamples"] > 0 and doc["interval"]["confidence"] == 0.95
    for name, cat in doc["summary"].items():
        if cat["rows"]:
            lo, hi = cat["median_abs_error_interval"]
            assert lo <= cat["median_abs_error"] <= hi and 0 <= cat["within_gate"] <= 1, name
            assert 1 <= cat["clusters"] <= cat["rows"], name


def test_a_file_of_the_wrong_shape_is_a_usage_error(tmp_path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    result = CliRunner().invoke(main, ["validate", str(bad)])
    assert result.exit_code == 2
    assert "missing columns" in result.output


def test_a_bad_unit_is_an_invalid_row_at_its_line(tmp_path) -> None:
    path = tmp_path / "m.csv"
    good = "inference-v5.0,llama2-70b-99,Offline,sys,NVIDIA H100-SXM-80GB,8,throughput,24000,Tokens/s,x\n"
    path.write_text(HEADER + good + good.replace("Tokens/s", "W") + good)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert "m.csv:3:1: error[invalid-row]: unit `W` is not a" in result.output
    assert "inference Offline: 2 rows compared of 2" in result.stdout


# ----------------------------------------------------------------------------- --user
def test_user_csv_compares_spec_outputs_with_hand_values() -> None:
    """tests/cases/validate/user/lab.factory: run_energy = 2 kW x 3 h = 21.6 MJ = 6 kWh; board_power = 8 x 700 W
    (H100 SXM TDP) = 5.6 kW. measured.csv rows 2-4 are 6 kWh (error 0), 6.6 kWh (error 6 / 6.6 - 1 = -9.09%) and
    5.6 kW (error 0); rows 5-7 are a unit of the wrong kind, a misspelt quantity and an unknown unit."""
    rows, sink = run_user(str(USER))
    assert [r.line for r in rows] == [2, 3, 4]
    assert rows[0].predicted == pytest.approx(21.6e6) and rows[0].error == pytest.approx(0, abs=1e-12)
    assert rows[1].error == pytest.approx(6 / 6.6 - 1)
    assert rows[2].predicted == pytest.approx(5600) and rows[2].unit == "W"
    found = [(d.code, d.span.line, d.span.col) for d in sink.items]
    assert found == [("unit-mismatch", 5, 33), ("unknown-name", 6, 13), ("unknown-unit", 7, 30)]
    assert "did you mean `lab.board_power`?" in sink.items[1].message


def test_user_csv_cli(tmp_path) -> None:
    result = CliRunner().invoke(main, ["validate", "--user", str(USER)])
    assert result.exit_code == 1
    assert "measured.csv:5:33: error[unit-mismatch]: unit `kWh` is energy; `lab.board_power` is power" in result.output
    assert "user: 3 rows compared" in result.stdout
    ok = tmp_path / "ok.csv"
    ok.write_text(f"spec,quantity,measured,unit\n{USER.parent / 'lab.factory'},lab.run_energy,6,kWh\n")
    result = CliRunner().invoke(main, ["validate", "--user", str(ok), "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["rows"][0]["error"] == pytest.approx(0, abs=1e-12) and doc["rows"][0]["unit"] == "J"


def test_user_csv_summary_has_its_interval(tmp_path) -> None:
    """measured.csv's three compared rows: errors 0 and -9.09% of lab.run_energy (one figure measured twice: one
    cluster), 0 of lab.board_power (another). Median |error| 0; a resample draws 2 clusters: run_energy twice
    (rows 0, 9.09%, 0, 9.09%: median 4.55%) with probability 1/4, else median 0; so the 95% interval is
    [0, 4.55%]. Within 10%: all three; worst 9.09% at line 3. The JSON carries the same, and two runs print the
    same bytes."""
    args = ["validate", "--user", str(USER), "--format", "json"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1                       # rows 5-7 cannot be read
    doc = json.loads(result.stdout)
    s = doc["summary"]
    assert s["rows"] == 3 and s["clusters"] == 2 and s["worst_line"] == 3
    assert s["median_abs_error"] == pytest.approx(0, abs=1e-12) and s["within_gate"] == 1.0
    assert s["median_abs_error_interval"] == pytest.approx([0, (1 - 6 / 6.6) / 2], abs=1e-12)
    assert s["worst_abs_error"] == pytest.approx(1 - 6 / 6.6) and s["median_error"] == pytest.approx(0, abs=1e-12)
    assert doc["interval"]["cluster"] == "spec and quantity" and doc["interval"]["confidence"] == 0.95
    assert CliRunner().invoke(main, args).stdout == result.stdout
    text = CliRunner().invoke(main, ["validate", "--user", str(USER)]).stdout
    assert "(95% interval 0.0%-4.5% over 2 spec quantities; 100.0% of rows within 10%)" in text
    assert "worst 9.1% (line 3: lab.run_energy)" in text
    # no row compared: the summary says so with nulls, not NaN
    none = tmp_path / "none.csv"
    none.write_text(f"spec,quantity,measured,unit\n{USER.parent / 'lab.factory'},lab.board_powr,5.6,kW\n")
    doc = json.loads(CliRunner().invoke(main, ["validate", "--user", str(none), "--format", "json"]).stdout)
    assert doc["summary"] == {"rows": 0, "median_abs_error": None, "median_abs_error_interval": None,
                              "clusters": 0, "within_gate": None, "median_error": None, "worst_abs_error": None,
                              "worst_line": None}


def test_user_csv_a_measured_value_of_the_other_sign_is_refused(tmp_path) -> None:
    """The error is predicted / measured - 1: lab.board_power is 8 x 700 W = 5.6 kW, so a measured -5.6 kW
    printed an error of -200% as if it were a measurement the model missed. Across zero the ratio means nothing:
    `invalid-row` at the measured value, exit code 1, the other rows compared."""
    bad = tmp_path / "u.csv"
    lab = USER.parent / "lab.factory"
    bad.write_text(f"spec,quantity,measured,unit\n{lab},lab.board_power,-5.6,kW\n{lab},lab.board_power,5.6,kW\n")
    rows, sink = run_user(str(bad))
    assert [r.line for r in rows] == [3] and rows[0].error == pytest.approx(0, abs=1e-12)
    assert [(d.code, d.span.line) for d in sink.items] == [("invalid-row", 2)]
    assert "opposite signs" in sink.items[0].message
    result = CliRunner().invoke(main, ["validate", "--user", str(bad)])
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_user_csv_reads_a_temperature_in_degc(tmp_path) -> None:
    """lab.chilled_water_temp is a temperature point: the air supply 24 degC less the coil's 6 K offset
    (assumptions air_supply_temp, chilled_water_offset) = 18 degC = 291.15 K. Measured as `18,degC` the row was
    refused with "unit `degC` is temperature difference; ... is temperature difference"; it now compares
    (error 0), as `291.15,K` does. A difference (liquid_delta_t, 10 K) given in degC is still refused, saying
    why."""
    lab = USER.parent / "lab.factory"
    bad = tmp_path / "t.csv"
    bad.write_text("spec,quantity,measured,unit\n"
                   f"{lab},lab.chilled_water_temp,18,degC\n{lab},lab.chilled_water_temp,291.15,K\n"
                   f"{lab},assumptions.liquid_delta_t,10,degC\n{lab},assumptions.liquid_delta_t,10,K\n")
    rows, sink = run_user(str(bad))
    assert [r.line for r in rows] == [2, 3, 5]
    assert rows[0].measured == pytest.approx(291.15) and rows[0].error == pytest.approx(0, abs=1e-9)
    assert [(d.code, d.span.line) for d in sink.items] == [("unit-mismatch", 4)]
    assert "is a temperature point; `assumptions.liquid_delta_t` is a temperature difference" in sink.items[0].message


def test_a_column_named_twice_is_a_usage_error(tmp_path) -> None:
    """`spec,quantity,measured,unit,unit`: each row kept the second unit (`W`) and pointed at the first column's
    text (`tok/s`) when it said `W` was the wrong kind. A header that names a column it reads twice is refused."""
    bad = tmp_path / "u.csv"
    bad.write_text(f"spec,quantity,measured,unit,unit\n{USER.parent / 'lab.factory'},lab.board_power,5.6,kW,W\n")
    result = CliRunner().invoke(main, ["validate", "--user", str(bad)])
    assert result.exit_code == 2 and "the header names unit more than once" in result.output


def test_user_csv_missing_columns_is_a_usage_error(tmp_path) -> None:
    bad = tmp_path / "u.csv"
    bad.write_text("spec,value\nx,1\n")
    result = CliRunner().invoke(main, ["validate", "--user", str(bad)])
    assert result.exit_code == 2 and "missing columns measured, quantity, unit" in result.output


def test_l40s_lora_rows_are_planned_as_the_submission_ran() -> None:
    """NVIDIA's L40S LoRA runs (training_results_v4.0, its system JSON and NeMo configs): 4 cards per node over
    PCIe Gen4 (the node count from the result path, `_n16` for 64 cards), 2 x 400 Gb/s per node (200 Gb/s per
    card), TP communication not overlapped; an 8-GPU-node H100 row keeps its 8-card domain and the defaults."""
    source = ("github.com/mlcommons/training_results_v4.0/tree/main/NVIDIA/results/l40s_n16_ngc24.04_nemo/"
              "llama2_70b_lora (score = olympic mean)")
    row = _row(round="training-v4.0", benchmark="llama2_70b_lora", scenario="training closed",
               accelerator="NVIDIA L40S", num_accelerators="64", metric="time_to_train", value="22.252",
               unit="minutes", source=source)
    assert row.covered and row.fields["scaleup_size"] == 64 / 16
    assert "200" in row.fields["scaleout_bw"].text() and "tp_comm_overlap" in row.lets
    h100 = _row(round="training-v4.0", benchmark="llama2_70b_lora", scenario="training closed",
                accelerator="NVIDIA H100-SXM5-80GB", num_accelerators="1024", metric="time_to_train",
                value="1.5", unit="minutes", source=source.replace("l40s_n16", "eos_n128"))
    assert h100.fields["scaleup_size"] == 8 and "scaleout_bw" not in h100.fields and not h100.lets


def test_a_training_row_runs_its_submissions_own_batch_and_the_rcp_samples_by_hand() -> None:
    """The 512-GPU Oracle LoRA run logged global_batch_size 64: 64 sequences per step and 3,456 x RCP(64) /
    RCP(8) samples, RCP(64) linear between the reference points at 32 (6,028.8) and 128 (11,289.6):
    6,028.8 + (11,289.6 - 6,028.8) x 32 / 96 = 7,782.4; a submission not in the table keeps the workload's."""
    from compiler import validate as V

    job = V.TRAINING["llama2_70b_lora"]
    source = "github.com/mlcommons/training_results_v4.1/tree/main/Oracle/results/512xBM.GPU.H100.8/llama2_70b_lora"
    batch, factor = V._training_batch("llama2_70b_lora", job, source)
    assert batch == 64 * 8192
    assert factor == pytest.approx((6028.8 + (11289.6 - 6028.8) * 32 / 96) / 3187.2)
    other = source.replace("512xBM.GPU.H100.8", "D74H-7U")
    assert V._training_batch("llama2_70b_lora", job, other) == (8 * 8192, 1.0)


def test_each_family_carries_one_serving_efficiency() -> None:
    """`validate --fit` fits one factor per chip family (FAMILIES, all the family's rows together); the stdlib
    chips of a family must carry that one value, else a family's chips would be judged with factors nobody fitted.
    The H200 NVL is in the H200's family (Hopper FP8: the same die and HBM3e, its 600 W limit modelled as its
    clock), the 80-94 GB H100 PCIe and H100 NVL in Hopper add-in FP8 (docs/accuracy.md, "Hopper by mechanism")."""
    from compiler.catalogue import describe
    from compiler.validate import FAMILIES
    by_family: dict[str, set] = {}
    for chip in sorted(FAMILIES):
        lets = tuple(sorted((row.name, row.si) for row in describe(chip).rows
                            if row.name.startswith("serving_efficiency")))
        assert lets, chip
        by_family.setdefault(FAMILIES[chip], set()).add(lets)
    assert all(len(values) == 1 for values in by_family.values()), by_family
    assert FAMILIES["H200_NVL"] == FAMILIES["H200"] != FAMILIES["H100_NVL"] == FAMILIES["H100_PCIe"]


def _shipped_family_factors() -> dict[str, float]:
    """Each FAMILIES family's stdlib factor: its chips' `serving_efficiency` (`serving_efficiency_fp4` for an FP4
    family), one value a family (test_each_family_carries_one_serving_efficiency)."""
    from compiler.catalogue import describe
    from compiler.validate import FAMILIES
    found: dict[str, float] = {}
    for chip in sorted(FAMILIES):
        family = FAMILIES[chip]
        name = "serving_efficiency_fp4" if "FP4" in family else "serving_efficiency"
        found[family] = round(next(row.si for row in describe(chip).rows if row.name == name), 3)
    return found


# families whose shipped factor is not (yet) the rule's answer, with `validate --fit`'s answer on the full grid:
# listed as strict xfails with the gap, not hidden. Each leaves with its refit (its stdlib comment's fit line and the
# pins it moves). Empty since s18-families (2026-12-06, the converged clock solve): Hopper add-in FP8 0.55 -> 0.51,
# Ada FP8 0.33 -> 0.32, Blackwell FP4 0.92 -> 0.93 (s18-hopper: Hopper FP8 0.82 -> 0.81)
FAMILY_FIT_GAPS: dict[str, str] = {}


@pytest.fixture(scope="module")
def family_fits() -> dict[str, float]:
    """`validate --fit`'s inference rule (compiler/validate.py `fit_kind`) on the grid points next to the shipped
    factors (each shipped value and its two 0.01 neighbours: ~15 of the rule's 71 points, one evaluation of the
    file with the factor swept; 5 min wall on the shared 2 cores, hence slow)."""
    from compiler.validate import FIT_GRID, fit_kind
    near = {round(v + d, 2) for v in _shipped_family_factors().values() for d in (-0.01, 0.0, 0.01)}
    grid = [g for g in FIT_GRID if round(float(g), 2) in near]
    return fit_kind(str(CSV), "inference", grid)


@needs_csv
@pytest.mark.slow
@pytest.mark.parametrize("family", [
    pytest.param(f, marks=pytest.mark.xfail(strict=True, reason=f"`validate --fit` answers {FAMILY_FIT_GAPS[f]}"))
    if f in FAMILY_FIT_GAPS else f for f in ("Ada FP8", "Blackwell FP4", "CDNA3 FP8", "Hopper FP8",
                                              "Hopper add-in FP8")])
def test_each_shipped_family_factor_is_the_fit_rules_answer(family_fits, family) -> None:
    """The rule the stdlib's `serving_efficiency` comments cite (docs/validate.md, `--fit`): a family's factor is
    the grid value (0.30-1.00 by 0.01) of least median |log error| over the family's throughput rows. Here on the
    grid points beside each shipped value: the rule's answer on the full grid is the shipped value only if it also
    wins among its neighbours (a sub-grid holding the full grid's argmin answers the same). Hopper FP8 ships the
    rule's 0.77 and Blackwell FP4 0.92 under the five mechanisms applied 2026-12-07 (s26-apply; 0.81 / 0.93 before:
    s18-hopper, s18-families); Hopper add-in FP8 0.51, Ada FP8 0.32 (s18-families; 0.55, 0.33 before)."""
    from compiler.validate import FAMILIES
    assert set(_shipped_family_factors()) == set(FAMILIES.values())
    answer = family_fits[f"inference_gemm_efficiency[{family}]"]
    assert answer == pytest.approx(_shipped_family_factors()[family], abs=1e-9), (family, answer)


def test_gpt_oss_compute_format_by_platform() -> None:
    """gpt-oss-120b by platform (docs/accuracy.md): the engines compute the released MXFP4 checkpoint as the chip
    allows. Hopper (RedHat's vLLM on H200) and Intel Xe2 (vLLM XPU) run W4A16: `precision` fp4 (the weights) with
    the workload's `let fp4_expert_activation_bits` 16; KV bf16 on the H200 (vLLM's default, no argument sets it),
    fp8 on the Arc cards (Intel's kv_cache_dtype). Blackwell (B300, RTX PRO 6000) and MI355X keep the alias's fp4
    and the model's own W4A8 lets (MI355X with a bf16 KV cache: AMD sets none); another benchmark on the same H200
    keeps fp8."""
    oss = dict(round="inference-v6.0", benchmark="gpt-oss-120b", value="1")
    h200 = _row(accelerator="NVIDIA H200-SXM-141GB", **oss)
    assert (h200.fields["precision"], h200.fields["kv_precision"]) == ("fp4", "bf16")
    assert h200.lets["fp4_expert_activation_bits"] == 16.0
    for name in ("Intel(R) Arc Pro(R) B60", "Intel(R) Arc Pro(R) B70", "MS-Intel Arc Pro B60 Dual 48G Turbo"):
        arc = _row(accelerator=name, num_accelerators="4", **oss)
        assert (arc.fields["precision"], arc.fields["kv_precision"]) == ("fp4", "fp8"), name
        assert arc.lets["fp4_expert_activation_bits"] == 16.0, name
    for name in ("NVIDIA B300-SXM-270GB", "NVIDIA RTX PRO 6000 Blackwell Server Edition"):
        row = _row(accelerator=name, **oss)
        assert row.fields["precision"] == "fp4" and "kv_precision" not in row.fields, name
        assert "fp4_expert_activation_bits" not in row.lets, name
    mi355x = _row(accelerator="AMD Instinct MI355X", **oss)      # AMD's W4A8 (the model's), its KV cache bf16
    assert (mi355x.fields["precision"], mi355x.fields["kv_precision"]) == ("fp4", "bf16")
    assert "fp4_expert_activation_bits" not in mi355x.lets
    llama = _row(accelerator="NVIDIA H200-SXM-141GB")
    assert llama.fields["precision"] == "fp8" and "fp4_expert_activation_bits" not in llama.lets


def test_submitters_layouts_are_sourced_data() -> None:
    """Every layout validate can give a row (compiler/validate.py "Layouts": LAYOUTS by round, model, scenario and
    chip; LAYOUT_SYSTEMS by a partner's result directory) is a whole engine of at least one rank a coordinate, with a
    non-negative engine budget, and names the harness config it was read from, with the date it was read."""
    from compiler.validate import LAYOUT_SYSTEMS, LAYOUTS

    assert len(LAYOUTS) >= 40 and len(LAYOUT_SYSTEMS) >= 10
    for key, layout in {**LAYOUTS, **LAYOUT_SYSTEMS}.items():
        assert key[0].startswith("inference-v") and key[2] in ("offline", "server", "interactive"), key
        assert int(layout.tp) == layout.tp >= 1 and int(layout.pp) == layout.pp >= 1, key
        assert layout.budget >= 0, key
        config = "/configs/" in layout.source or "/harness_llm/models/" in layout.source   # NVIDIA's or AMD's harness
        assert config and re.search(r"read 20\d\d", layout.source), (key, layout.source)
        assert "{" not in layout.source, (key, layout.source)          # every placeholder filled


@needs_csv
def test_every_partner_layout_names_a_submission_of_the_file() -> None:
    """A LAYOUT_SYSTEMS key is a round and a `submitter/result directory` that some row of the reference file comes
    from (a misspelt directory would silently leave its rows to the search)."""
    from compiler.validate import LAYOUT_SYSTEMS, _result_system

    with open(CSV, newline="", encoding="utf-8") as fh:
        submissions = {(r["round"], _result_system(r["source"])) for r in csv.DictReader(fh)}
    for key in LAYOUT_SYSTEMS:
        assert (key[0], key[3]) in submissions, key


def test_engine_budgets_are_the_submitters_own_per_rank(monkeypatch) -> None:
    """Law ("Engine budgets"): a v5.0 Server or Interactive row whose engines ran their own `max_num_tokens` gets it
    per tensor-parallel rank, the engine's tokens over the engine's tp (the model's budget is per rank: an engine of
    tp ranks carries tp times it), in place of its generation's Serving.budgets value; a partner's own config wins
    over the chip's; Offline and v4.1 rows, and other chips, keep theirs; `--without engine_budgets` gives back the
    generation's value. By hand: the add-in cards' parent-config 2,048 tokens at tp 2 = 1,024 a rank; Fujitsu's H100
    NVL Interactive 256 at tp 2 = 128; Lenovo's H200 Mixtral 16,384 at tp 1 = 16,384."""
    import compiler.validate as V

    def budget(**kw):
        f = _row(**kw).fields
        return f["max_num_tokens"].value if "max_num_tokens" in f else None

    for chip in ("NVIDIA H100-NVL-94GB", "NVIDIA H100-PCIe-80GB", "NVIDIA L40S"):
        assert budget(scenario="Server", accelerator=chip) == 2048 / 2, chip
    assert budget(benchmark="llama2-70b-interactive-99", scenario="Server", accelerator="NVIDIA H100-NVL-94GB") == 128
    lenovo = ("https://github.com/mlcommons/inference_results_v5.0/tree/main/closed/Lenovo/results/"
              "SR675v3_H200_SXMx4_TRT/mixtral-8x7b/Server")
    mixtral = dict(benchmark="mixtral-8x7b", scenario="Server", accelerator="NVIDIA H200-SXM-141GB")
    assert budget(**mixtral, source=lenovo) == 16384
    hpe = ("https://github.com/mlcommons/inference_results_v5.0/tree/main/closed/HPE/results/"
           "HPE_Cray_XD670_H100_SXM_80GBx8_TRT/llama2-70b-interactive-99/Server")
    interactive = dict(benchmark="llama2-70b-interactive-99", scenario="Server", accelerator="NVIDIA H100-SXM-80GB")
    assert budget(**interactive, source=hpe) == 256 / 2         # NVIDIA's 256-token H200 class at HPE's tp 2
    assert budget(**interactive) == 256                         # the Hopper generation's, per rank
    assert budget(**mixtral) == 8192                                    # NVIDIA's H200 Mixtral engine: the table's
    assert budget(**{**mixtral, "accelerator": "NVIDIA H100-SXM-80GB"}) == 16384     # the Mixtral parent's, at tp 1
    assert budget(scenario="Server", accelerator="NVIDIA H200-SXM-141GB") == 1536     # not an add-in card
    assert budget(accelerator="NVIDIA L40S") is None                    # Offline: no token budget queue
    # v4.1's whole-prompt engines (WHOLE_PROMPT_BUDGETS): the parent's 4,096 a forward pass over the tp 2 of NVIDIA's
    # H100 NVL and ASUSTeK's H100 PCIe configs; Fujitsu's L40S engine (tp 4) at the search's tp 2: 4,096 / 2
    for chip in ("NVIDIA H100-NVL-94GB", "NVIDIA H100-PCIe-80GB", "NVIDIA L40S"):
        assert budget(round="inference-v4.1", scenario="Server", accelerator=chip) == 4096 / 2, chip
    for key, (tokens, tp) in {**V.ENGINE_BUDGETS, **V.SUBMISSION_BUDGETS}.items():
        assert key[0] == "inference-v5.0" and key[2] in ("server", "interactive") and tokens > 0 and tp >= 1, key
    monkeypatch.setitem(V.MECHANISMS, "engine_budgets", ())
    assert budget(scenario="Server", accelerator="NVIDIA H100-PCIe-80GB") == 1536     # the Hopper generation's
    assert budget(scenario="Server", accelerator="NVIDIA L40S") is None                # Ada: the model's default
    assert budget(**mixtral, source=lenovo) == 8192


@needs_csv
def test_every_partner_budget_names_a_submission_of_the_file() -> None:
    """A SUBMISSION_BUDGETS key is a round and a `submitter/result directory` some row of the reference file comes
    from (a misspelt directory would silently leave its rows at the generation's budget)."""
    from compiler.validate import SUBMISSION_BUDGETS, _result_system

    with open(CSV, newline="", encoding="utf-8") as fh:
        submissions = {(r["round"], _result_system(r["source"])) for r in csv.DictReader(fh)}
    for key in SUBMISSION_BUDGETS:
        assert (key[0], key[3]) in submissions, key


def test_a_row_with_a_known_layout_runs_exactly_it(monkeypatch) -> None:
    """Law ("Layouts"): an Offline row whose submission's layout is known gets exactly that tp and pp in its workload
    and its engine's budget per tensor-parallel rank (the model's `max_num_tokens` is per rank: an engine of tp ranks
    carries tp times it); a partner's own config wins over NVIDIA's for its system; a row without a known layout,
    and every Server and Interactive row (measured, not applied) but those whose mean prompt is longer than the
    engine's budget ("Long-prompt layouts": the 405B rows), is searched as before."""
    import compiler.validate as V

    def layout(row):
        f = row.fields
        budget = f["max_num_tokens"].value if "max_num_tokens" in f else None
        return f.get("tp"), f.get("pp"), budget

    b200 = dict(benchmark="llama3.1-405b", accelerator="NVIDIA B200-SXM-180GB", value="1500")
    # NVIDIA's v5.0 TP2PP2 engine, runtime max_num_tokens 1,536 a micro-batch: 1,536 / 2 = 768 per rank
    assert layout(_row(**b200)) == (2.0, 2.0, 768.0)
    # H200 TP4PP2 at 1,536: 384 per rank
    assert layout(_row(**{**b200, "accelerator": "NVIDIA H200-SXM-141GB"})) == (4.0, 2.0, 384.0)
    # Llama 2 70B on H100 SXM: NVIDIA's "PP2" engine, 1,024 tokens at tp 1
    assert layout(_row()) == (1.0, 2.0, 1024.0)
    # 405B on 8x H100 SXM: NVIDIA submitted none; Dell's and Quanta's own configs say TP8PP1
    dell = ("https://github.com/mlcommons/inference_results_v5.0/tree/main/closed/Dell/results/"
            "XE9680_H100_SXM_80GBx8_TRT")
    assert layout(_row(**{**b200, "accelerator": "NVIDIA H100-SXM-80GB", "source": dell})) == (8.0, 1.0, None)
    assert V._result_system(dell + " (value read ...)") == "Dell/XE9680_H100_SXM_80GBx8_TRT"
    other = dell.replace("Dell/results/XE9680", "Other/results/X")
    assert layout(_row(**{**b200, "accelerator": "NVIDIA H100-SXM-80GB", "source": other})) == (None, None, None)
    # no config read for Mixtral on H100 NVL: searched
    assert layout(_row(benchmark="mixtral-8x7b", accelerator="NVIDIA H100-NVL-94GB")) == (None, None, None)
    # Server rows keep the search and Serving.budgets (1,024 per rank for H100 SXM) where the prompt fits the
    # engine's budget (Llama 2 70B: 222 tokens against 1,024)
    assert layout(_row(scenario="Server")) == (None, None, 1024.0)
    # long prompts ("Long-prompt layouts"): a 405B prompt (9,428.64 tokens) spans several steps of NVIDIA's engines,
    # so its Server rows run the submission's engine: TP8PP1 at 2,560 on H200 (320 per rank), TP2PP2 at 1,024 on
    # B200 (512 per rank), Dell's TP4PP2 at 2,560 on H100 (640 per rank)
    assert layout(_row(**{**b200, "scenario": "Server", "accelerator": "NVIDIA H200-SXM-141GB"})) == (8.0, 1.0, 320.0)
    assert layout(_row(**{**b200, "scenario": "Server"})) == (2.0, 2.0, 512.0)
    assert layout(_row(**{**b200, "scenario": "Server", "accelerator": "NVIDIA H100-SXM-80GB",
                          "source": dell})) == (4.0, 2.0, 640.0)
    # ... with NVIDIA's v5.0 runtime's serial context chunks (MECHANISMS "serial_context_chunks", applied)
    assert _row(**{**b200, "scenario": "Server"}).lets["serial_context_chunks"] == 1.0
    # ... and the own prompt at its spread in the prompt queue's quantile (MECHANISMS "own_prompt_spread", applied)
    assert _row(**{**b200, "scenario": "Server"}).lets["own_prompt_spread"] == 1.0
    assert "own_prompt_spread" not in _row(**b200).lets                                  # Offline: no queue
    monkeypatch.setitem(V.MECHANISMS, "long_prompt_layouts", ())
    assert layout(_row(**{**b200, "scenario": "Server", "accelerator": "NVIDIA H200-SXM-141GB"})) == (None, None, 320.0)
    monkeypatch.setitem(V.MECHANISMS, "long_prompt_layouts", V.MECHANISM_TABLE["long_prompt_layouts"].concerns)
    # the switch off: every row searched, Offline rows without a budget
    monkeypatch.setitem(V.MECHANISMS, "layouts", ())
    assert layout(_row(**b200)) == (None, None, None)
    # Server layouts as measured (not applied): NVIDIA's TP8PP1 with its 2,560-token engine on H200
    monkeypatch.setitem(V.MECHANISMS, "layouts", V.MECHANISM_TABLE["layouts"].concerns)
    assert layout(_row(**{**b200, "scenario": "Server", "accelerator": "NVIDIA H200-SXM-141GB"})) == (8.0, 1.0, 320.0)


def test_with_and_without_help_names_what_the_mechanism_table_allows() -> None:
    """Law: `validate --help` lists, under --without, exactly the mechanisms validate applies somewhere (their
    `applied` is not empty) and, under --with, exactly those it does not apply everywhere they concern (`applied`
    short of `concerns`): the help is read off MECHANISM_TABLE when it is shown (cli.py's _MechanismOption; the
    CLI does not import the validate module to start)."""
    import re

    import click

    import compiler.validate as V
    from compiler.cli import main
    command = main.commands["validate"]
    with click.Context(command) as ctx:
        options = {o.name: (o.get_help_record(ctx) or ("", ""))[1] for o in command.params}
    words = {k: set(re.findall(r"[a-z][a-z0-9_]*", options[k])) for k in ("with_", "without")}
    assert all(w in V.MECHANISM_TABLE for k in words for w in words[k] if "_" in w)   # no name the table lacks
    named = {k: words[k] & set(V.MECHANISM_TABLE) for k in words}
    assert named["without"] == {n for n, m in V.MECHANISM_TABLE.items() if m.applied}
    assert named["with_"] == {n for n, m in V.MECHANISM_TABLE.items() if set(m.applied) != set(m.concerns)}


def test_validate_with_and_without_a_mechanism(tmp_path) -> None:
    """`validate --with NAME` applies a measured, not-applied mechanism in every scenario it concerns and says so;
    `--without NAME` leaves out one validate applies; the default is MECHANISMS; an unknown name is a usage error
    (exit 2) naming the known ones. A row planned with `--with engine_limits` carries the engine's lets, without it
    none; `--without layouts` searches an Offline row whose layout is known."""
    import compiler.validate as V
    assert V.mechanisms_with() == V.MECHANISMS
    on = V.mechanisms_with(on=("engine_limits",))
    assert on["engine_limits"] == V.MECHANISM_TABLE["engine_limits"].concerns and on["layouts"] == V.MECHANISMS["layouts"]
    assert V.mechanisms_with(off=("layouts",))["layouts"] == ()
    with pytest.raises(ValueError, match="known: layouts, serial_context_chunks"):
        V.mechanisms_with(on=("kv_rooms",))
    server = _row(scenario="Server")
    planned = Row(server.line, dict(server.data))
    V.plan(planned, on)
    assert planned.lets["max_batch_size"] == 2048 and "max_batch_size" not in server.lets
    offline = Row(1, {"round": "inference-v5.0", "benchmark": "llama3.1-405b", "scenario": "Offline",
                      "accelerator": "NVIDIA B200-SXM-180GB", "num_accelerators": "8", "metric": "throughput",
                      "value": "1500", "unit": "Tokens/s", "system": "", "source": ""})
    searched = Row(offline.line, dict(offline.data))
    V.plan(offline)
    V.plan(searched, V.mechanisms_with(off=("layouts",)))
    assert (offline.fields["tp"], offline.fields["pp"]) == (2.0, 2.0) and "tp" not in searched.fields
    csv_path = tmp_path / "rows.csv"
    csv_path.write_text("round,benchmark,scenario,accelerator,num_accelerators,metric,value,unit\n"
                        "inference-v5.0,llama2-70b-99,Offline,NVIDIA H200-SXM-141GB,8,throughput,34000,Tokens/s\n")
    out = CliRunner().invoke(main, ["validate", str(csv_path), "--with", "kv_room", "--without", "layouts"])
    applied = ("mechanisms applied: serial_context_chunks (server, interactive), kv_room (server), "
               "disaggregated (server, interactive), "
               "long_prompt_layouts (server, interactive), engine_budgets (server, interactive), "
               "own_prompt_spread (server, interactive), prompt_busy_window (server, interactive), "
               "knee_power (offline, server, interactive), capacity_margin (server, interactive), "
               "gemm_smooth_read_hopper (offline, server, interactive), continuous_capacity (server, interactive), "
               "whole_prompt_capacity (server, interactive), expert_gemm_tiles (offline, server, interactive), capacity_at_own_rate (server, interactive), "
               "pytorch_executor (offline, server, interactive), amd_tuned_gemms (offline, server, interactive), "
               "allreduce_kernels (offline, server, interactive), residual_tail (server, interactive), "
               "interactive_engines (interactive), least_share_scope (interactive), busy_step_mean (server, interactive)")
    assert out.exit_code == 0 and applied in out.output, out.output
    bad = CliRunner().invoke(main, ["validate", str(csv_path), "--with", "nope"])
    assert bad.exit_code == 2 and "unknown mechanism 'nope'" in bad.output


def test_offline_budget_rows_by_hand() -> None:
    """MECHANISMS "offline_budget" (docs/accuracy.md "Llama 3.1 405B on Blackwell racks"): an Offline engine's
    decode rows are held to what its token budget sustains, b (1 + I / O) <= C a micro-batch pass, pp C / (1 + I / O)
    an engine, as its sequence cap. By hand: Llama 3.1 405B (I 9,428.64, O 684.68: 1 + I / O = 14.77088) on NVIDIA's
    v5.1 GB300 engine, tp 2 pp 1 at 1,536 tokens: 1,536 / 14.77088 = 103.99 -> 103 rows; on the v5.0 H200 engine, tp 4
    pp 2 at 1,536: 207.98 -> 207; Llama 2 70B (I 222.33, O 294.45) on the v5.0 H200 engine, tp 1 at 1,536: 1,536 /
    1.75507 = 875.18 -> 875. Measured, not applied: no row carries it by default, `--with offline_budget` gives it
    to the Offline rows that run a submitter's engine with a budget, and to no Server row."""
    import compiler.validate as V
    assert V.MECHANISMS["offline_budget"] == () and V.MECHANISM_TABLE["offline_budget"].concerns == ("offline",)
    l405, l70 = V.SERVING["llama3.1-405b"], V.SERVING["llama2-70b"]
    assert 1 + l405.input_tokens / l405.output_tokens == pytest.approx(14.77088, abs=1e-5)
    assert V.offline_budget_rows(V.Layout(2, 1, 1536, ""), l405) == 103.0
    assert V.offline_budget_rows(V.Layout(4, 2, 1536, ""), l405) == 207.0
    assert V.offline_budget_rows(V.Layout(1, 1, 1536, ""), l70) == 875.0
    assert V.offline_budget_rows(V.Layout(1, 1, 4, ""), l405) == 1.0          # at least one row
    base = {"round": "inference-v5.0", "benchmark": "llama3.1-405b", "accelerator": "NVIDIA H200-SXM-141GB",
            "num_accelerators": "8", "metric": "throughput", "value": "560", "unit": "Tokens/s", "system": "",
            "source": ""}
    on = V.mechanisms_with(on=("offline_budget",))
    default, capped, server = Row(1, {**base, "scenario": "Offline"}), Row(2, {**base, "scenario": "Offline"}), \
        Row(3, {**base, "scenario": "Server", "value": "290"})
    V.plan(default)
    V.plan(capped, on)
    V.plan(server, on)
    assert "max_batch_size" not in default.lets and "max_batch_size" not in server.lets
    assert (capped.fields["tp"], capped.fields["pp"], capped.lets["max_batch_size"]) == (4.0, 2.0, 207.0)


def test_fp4_quantize_is_measured_not_applied() -> None:
    """MECHANISMS "fp4_quantize" (docs/accuracy.md "FP4 activation quantization on Blackwell"): not applied, so no
    row carries `fp4_quantize_kernels` and the model's default is 0 (today's step); `--with fp4_quantize` gives the
    let to every Offline, Server and Interactive row (the model counts the kernels only where the GEMMs are NVFP4)."""
    import compiler.validate as V
    from compiler.models import inference as M
    assert V.MECHANISMS["fp4_quantize"] == () and M.fp4_quantize_kernels.value == 0.0
    assert V.MECHANISM_TABLE["fp4_quantize"].concerns == ("offline", "server", "interactive")
    base = {"round": "inference-v5.0", "benchmark": "llama2-70b-99", "accelerator": "NVIDIA B200-SXM-180GB",
            "num_accelerators": "8", "metric": "throughput", "value": "98000", "unit": "Tokens/s", "system": "",
            "source": ""}
    for scenario in ("Offline", "Server"):
        off, on = Row(1, {**base, "scenario": scenario}), Row(2, {**base, "scenario": scenario})
        V.plan(off)
        V.plan(on, V.mechanisms_with(on=("fp4_quantize",)))
        assert "fp4_quantize_kernels" not in off.lets and on.lets["fp4_quantize_kernels"] == 1.0


def test_the_edge_llama3_1_8b_is_the_datacenter_workload() -> None:
    """MLPerf's edge `llama3_1-8b-edge` serves the same model on a 5,000-sample subset of the same evaluation set
    (BENCHMARK_NAMES): its Offline row plans exactly the workload of the datacenter benchmark's row on the same
    system; its SingleStream row is named as not compared, not as an unknown benchmark."""
    base = {"round": "inference-v5.1", "scenario": "Offline", "system": "s", "accelerator": "NVIDIA H200-SXM-141GB",
            "num_accelerators": "1", "metric": "throughput", "value": "5000", "unit": "Tokens/s", "source": "x"}
    edge, center = Row(2, {**base, "benchmark": "llama3.1-8b-edge"}), Row(3, {**base, "benchmark": "llama3.1-8b"})
    plan(edge)
    plan(center)
    assert edge.covered and edge.category == "inference Offline" and edge.key == center.key
    single = Row(4, {**base, "benchmark": "llama3_1-8b-edge", "scenario": "SingleStream"})
    plan(single)
    assert not single.covered and single.reason == "scenario `SingleStream` is not compared"

# ----------------------------------------------------------------------------- session 9 (a): desktop and inference cards
# The GPUs named in MLPerf Inference v5.1/v6.0 system descriptions (closed/*/systems/*.json accelerator_model_name)
# that had no alias before: each maps to its own stdlib chip (stdlib/accelerator_aliases.csv).
DESKTOP_CARDS = [("NVIDIA GeForce RTX 4090", "RTX_4090", "fp8"), ("NVIDIA L4-PCIe-24GB", "L4", "fp8"),
                 ("NVIDIA RTX 4000 Ada-PCIe-20GB", "RTX_4000_Ada", "fp8"),
                 ("NVIDIA RTX-2000E-Ada-16GB", "RTX_2000E_Ada", "fp8"),
                 ("NVIDIA GeForce GTX 1650 Ti", "GTX_1650_Ti", "bf16")]


@pytest.mark.parametrize("name, chip, precision", DESKTOP_CARDS)
def test_mlperf_desktop_and_inference_card_names_map_to_their_chips(name, chip, precision) -> None:
    alias = alias_for(name)
    assert (alias.chip, alias.precision) == (chip, precision)
    assert alias_for(name.upper()).chip == chip          # names compare case-insensitively


def test_llama3_8b_offline_on_one_of_each_desktop_card() -> None:
    """Llama 3.1 8B (8.03e9 parameters) Offline on one card of each: finite tokens/s where the weights fit, and a
    clear `infeasible-workload` where they do not, never NaN silently.
    Fit, by hand: FP8 weights 8.03 GB < the 16-24 GB of the Ada cards (less the 10% reserve: 14.4 GB on the
    RTX 2000E); the GTX 1650 Ti has no FP8, its 16-bit weights are 16.06 GB > 4 GB x 0.9 = 3.6 GB.
    Roofline law: every token costs at least 2 x params FLOP, so tokens/s <= dense peak / (2 x 8.03e9)
    (RTX 4090 FP8 330.3 TFLOP/s: 20,567 tok/s; L4 242.5: 15,100; RTX 4000 Ada 163.8: 10,199; RTX 2000E 95.95: 5,974)."""
    import dsl
    import numpy as np

    from compiler.evaluate import evaluate
    from compiler.lower import lower

    cards = [chip for _, chip, _ in DESKTOP_CARDS]
    body = "".join(f"  inference {chip.lower()} {{\n    model = Llama3_1_8B\n    chip = {chip}\n    accelerators = 1\n"
                   f"    precision = \"{precision}\"\n    scenario = \"offline\"\n    input_tokens = 1000 tok\n"
                   f"    output_tokens = 200 tok\n  }}\n" for _, chip, precision in DESKTOP_CARDS)
    text = f"from chips import {', '.join(cards)}\nfrom models import Llama3_1_8B\nsite s {{\n{body}}}\n"
    checked, sink = dsl.check_text(text, name="cards.factory")
    assert checked is not None and not sink.has_errors(), [d.message for d in sink.items]
    values = evaluate(lower(checked, sink), sink).values
    errors = [d for d in sink.errors]
    assert [d.code for d in errors] == ["infeasible-workload"], [d.message for d in errors]
    assert "s.gtx_1650_ti" in errors[0].message and "weights do not fit" in errors[0].message
    assert values["s.gtx_1650_ti.feasible"][0] == 0 and np.isnan(values["s.gtx_1650_ti.tokens_per_s"][0])
    for chip, peak in (("RTX_4090", 330.3e12), ("L4", 242.5e12), ("RTX_4000_Ada", 163.8e12),
                       ("RTX_2000E_Ada", 95.95e12)):
        rate = values[f"s.{chip.lower()}.tokens_per_s"][0]
        assert values[f"s.{chip.lower()}.feasible"][0] == 1 and np.isfinite(rate) and rate > 0, chip
        assert rate <= peak / (2 * 8.03e9), chip
