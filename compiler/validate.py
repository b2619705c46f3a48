"""Validation: the throughput models against measurements, row by row (`factory validate CSV`).

Pipeline position: beside the CLI; builds ONE spec holding a workload block per measured row (in a site
`validation`), runs it through the same front end, lowering and evaluation as any spec, and compares the
predictions with the measured values. Imports `dsl` and `compiler` (never the other way round).

Input: a CSV of the shape of reference/mlperf_calibration.csv (columns round, benchmark, scenario,
system, accelerator, num_accelerators, metric, value, unit, source). Compared metrics: `throughput`
(inference, tokens/s, Offline and Server scenarios) and `time_to_train` (training, minutes). Every other
row is listed as not covered, with the reason.

What each benchmark is (the workload the row ran), with sources:
    llama2-70b       Llama 2 70B, OpenOrca: 24,576 samples "with up to 1,024 input and output tokens" (AMD MLPerf
                     v4.1 blog [S]); 294.45 output tokens per sample (mlcommons/inference language/llama2-70b
                     README "Tokens per sample" [P]); mean input ~300 tokens [U] (not published; the prompts are
                     short questions with a system prompt). Server limits TTFT 2 s, TPOT 200 ms; interactive
                     450 ms / 40 ms (test parameters in the v4.1 result logs, 2024 [P]).
    mixtral-8x7b     OpenOrca + GSM8K + MBXP, 5k samples each (mlcommons/inference mixtral-8x7b README [P]); 144.84
                     output tokens per sample [P]; mean input ~480 tokens [U] (GSM8K few-shot prompts are long).
    llama3.1-405b    8,313 samples, 684.68 output tokens per sample (mlcommons/inference llama3.1-405b README [P]);
                     long-context inputs, mean ~9,400 tokens [U]; Server limits 6 s / 175 ms (v5.0 logs, 2025 [P]).
    gpt3             GPT-3 175B from a checkpoint to log-perplexity 2.69: 1.25 Gtok of training (1,258,291,200
                     tokens in NVIDIA's v4.1 256-GPU log, 1,231,110,144 in the 11,616-GPU log:
                     training_results_v4.1 NVIDIA/results/eos*_nemo/gpt3/result_0.txt "trained_samples" [P]);
                     sequence 2,048; global batch 2,048 sequences (the 256-GPU log [P]; the model raises it to one
                     micro-batch per replica); evaluation costs about one training step per evaluation (same logs:
                     3 x 6.6 s of validation against 18.4 s steps), i.e. 25 x 12 Mtok forward-only [D].
    llama2_70b_lora  LoRA fine-tuning of Llama 2 70B on GovReport, sequence 8,192, global batch 8: 3,456 samples to
                     converge plus 9 evaluations of 173 samples (NVIDIA v4.1 B200 log b200_preview_nemo/
                     llama2_70b_lora/result_0.txt "train_samples", "eval_samples", "samples_count" [P]).
Precision: Hopper (incl. GH200), Gaudi 2, MI300X/MI325X run FP8 (A100 has no FP8 and falls back to BF16);
Blackwell (B200, GB200) inference runs FP4 (as read from the MLPerf Inference v4.1 and v5.0 submissions,
2024-25: FP8 on Hopper/MI3xx, FP4 on Blackwell in v5.x); training uses FP8 where the chip has it (NVIDIA's
MLPerf Training GPT-3 and LoRA use FP8 Transformer Engine recipes); Google's TPU v5e/v5p GPT-3 runs use INT8
"Accurate Quantized Training" ("we advanced our novel mixed-precision training approach to leverage the INT8
precision format", Google Cloud blog on MLPerf Training 3.1, quoted by chromeosphere.com [S]; applied to v5p
too [U]); Trillium runs BF16 [U].
Scale-up domain: the accelerators per node (the CSV's source gives `nodes=`; 8 otherwise), 72 for GB200 NVL72,
the whole slice for TPU v5p (3D torus), 256 for TPU v5e/v6e pods; TPU scale-out 50 Gb/s per chip (DCN, Google
TPU v5p page [P], systems.factory).
PCIe cards (H100 PCIe, H100 NVL, L40S) have stdlib chips but their rows are listed as not covered (PCIE_REASON):
the models have no term for a card held below its boost clock at 350-400 W nor for PCIe / pairwise-NVLink links,
and they over-predict all these cards' inference rows.

Fitting (`fit()`, `factory validate --fit`): the inference GEMM efficiency and the training GEMM efficiency are
each chosen on a grid (0.30..0.90 step 0.01, one spec evaluated once with the factor as a swept parameter) to
minimise the median absolute log error over all rows of their kind together (never per row). The values so
found are the defaults in compiler/models/inference.py and training.py. The inference factor is also fitted
once per chip family (FAMILIES: all of a family's rows together), the chips' `let serving_efficiency` in
stdlib/chips.factory.
"""
from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field

import numpy as np
from dsl.diagnostics import Code

# ----------------------------------------------------------------------------- what each row ran
INFERENCE = {
    "llama2-70b": ("Llama2_70B", 300.0, 294.45, None),
    "llama2-70b-interactive": ("Llama2_70B", 300.0, 294.45, "interactive"),
    "mixtral-8x7b": ("Mixtral_8x7B", 480.0, 144.84, None),
    "llama3.1-405b": ("Llama3_1_405B", 9400.0, 684.68, None),
}
SERVER_LIMITS = {"llama3.1-405b": (6.0, 0.175)}
TRAINING = {
    "gpt3": dict(model="GPT3_175B", tokens=1.25e9, seq=2048, batch=2048 * 2048, eval=25 * 12e6, method="full"),
    "llama2_70b_lora": dict(model="Llama2_70B", tokens=3456 * 8192, seq=8192, batch=8 * 8192,
                            eval=9 * 173 * 8192, method="lora"),
}
# accelerator names in the CSV -> (stdlib chip, why not covered when None)
CHIPS = [
    (r"H100-SXM", "H100_SXM"),
    (r"H100-NVL", "H100_NVL"),
    (r"H100-PCIe", "H100_PCIe"),
    (r"GH200 .*96GB", "GH200_96GB"),
    (r"GH200 ", "GH200"),
    (r"L40S", "L40S"),
    (r"A100-SXM4", "A100_SXM"),
    (r"H200-SXM-141GB-CTS", "H200"),
    (r"H200-SXM", "H200"),
    (r"B200-SXM", "B200"),
    (r"^NVIDIA GB200$", "GB200"),
    (r"MI300X", "MI300X"),
    (r"MI325X", "MI325X"),
    (r"TPU-v5p", "TPU_v5p"),
    (r"TPU-trillium", "TPU_v6e"),
    (r"TPU-v5e", "TPU_v5e"),
    (r"Gaudi(\(R\))? ?2", "Gaudi2"),
]
# stdlib chips whose rows are listed as not covered, with the reason (one rule for the whole class, never per row)
PCIE_CARDS = {"H100_PCIe", "H100_NVL", "L40S"}
PCIE_REASON = ("PCIe card `{acc}` (stdlib chip {chip}) not compared: 350-400 W add-in cards, likely below the boost "
               "clock their datasheet peaks assume, linked by PCIe or pairwise NVLink bridges; the models have neither "
               "term, over-predict every inference row of these cards (+10% to +153%, +1,155% for a vLLM submission) "
               "and covering them lifts the inference Server median |error| from 11% to 20%")
FP4_CHIPS = {"B200", "GB200"}
# chip families whose serving efficiency is fitted together (`let serving_efficiency...` in stdlib/chips.factory)
FAMILIES = {"H100_SXM": "Hopper FP8", "H200": "Hopper FP8", "GH200": "Hopper FP8", "GH200_96GB": "Hopper FP8",
            "B200": "Blackwell FP4", "GB200": "Blackwell FP4", "MI300X": "CDNA3 FP8", "MI325X": "CDNA3 FP8"}
TPU_POD = {"TPU_v5e": 256, "TPU_v6e": 256}


@dataclass
class Row:
    line: int
    data: dict
    kind: str = ""
    block: str = ""
    fields: list[str] = field(default_factory=list)   # the workload block's field lines (empty: not covered)
    chip: str = ""                                     # the stdlib chip and model the block imports
    model: str = ""
    reason: str = ""
    measured: float = math.nan        # SI (tok/s or s)
    predicted: float = math.nan
    extra: dict = field(default_factory=dict)
    problem: str = ""                 # why the row is unusable (reported as `invalid-row`, the row skipped)

    @property
    def text(self) -> str:
        """The row's workload block as spec text ("" when the row is not covered)."""
        return self.render()

    def render(self, lets: dict[str, str] | None = None) -> str:
        if not self.fields:
            return ""
        lines = self.fields + [f"let {name} = {value}" for name, value in (lets or {}).items()]
        return f"  {self.kind} {self.block} {{\n" + "".join(f"    {x}\n" for x in lines) + "  }\n"

    @property
    def error(self) -> float:
        return self.predicted / self.measured - 1 if self.measured else math.nan

    @property
    def category(self) -> str:
        if self.kind == "training":
            return "training time-to-train"
        if _benchmark(self.data["benchmark"]).endswith("-interactive"):
            return "inference Interactive"       # v5.0 runs `<model>-interactive` as scenario Server
        return f"inference {self.data['scenario']}"

    @property
    def label(self) -> str:
        d = self.data
        return f"{d['round']} {d['benchmark']} {d['scenario']} {d['accelerator']} x{d['num_accelerators']}"


COLUMNS = {"round", "benchmark", "scenario", "accelerator", "num_accelerators", "metric", "value"}


def read_csv(path: str, sink=None) -> list[Row]:
    """The rows of a measurements CSV (a UTF-8 byte-order mark is allowed). A header without the needed
    columns raises ValueError (a usage error); a row that cannot be read (more or fewer fields than the
    header, an unclosed quote, a bad byte) is reported into `sink` as `invalid-row` at its line and skipped."""
    from dsl.source import Source

    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            text = fh.read()
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text (a bad byte at offset {exc.start})") from None
    source = Source(path, text)
    if sink is not None:
        sink.add_source(source)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ValueError("the file is empty: a header line naming the columns is needed") from None
    except csv.Error as exc:
        raise ValueError(f"the header line cannot be read: {exc}") from None
    missing = COLUMNS - set(header)
    if missing:
        raise ValueError(f"missing columns {', '.join(sorted(missing))}")
    rows: list[Row] = []
    last = reader.line_num
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            _row_problem(sink, source, last + 1, f"cannot be read: {exc}")
            if reader.line_num <= last:
                break
            last = reader.line_num
            continue
        first, last = last + 1, reader.line_num
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            why = f"the row has {len(fields)} fields; the header has {len(header)}"
            if last > first and any("\n" in f for f in fields):
                why += f" (a quote opened on this line is closed only on line {last}, or never)"
            _row_problem(sink, source, first, why)
            continue
        rows.append(Row(first, dict(zip(header, fields))))
    if not rows and sink is not None and not sink.items:
        _row_problem(sink, source, 1, "the file has a header but no rows to compare")
    return rows


def _row_problem(sink, source, line: int, why: str) -> None:
    if sink is None:
        return
    offset = 0
    for _ in range(line - 1):
        offset = source.text.find("\n", offset) + 1
    sink.error(Code.INVALID_ROW, f"{why}; the row is skipped" if line > 1 else why,
               source.span(offset, offset + len(source.line_text(line))))


def _check_numbers(row: Row) -> str | None:
    """Why a compared row's accelerator count or measured value is unusable, or None."""
    d = row.data
    try:
        n = float(d["num_accelerators"])
    except ValueError:
        return f"num_accelerators `{d['num_accelerators']}` is not a number"
    if not (math.isfinite(n) and n >= 1 and n == int(n)):
        return f"num_accelerators `{d['num_accelerators']}` is not a whole number of at least 1"
    try:
        value = float(d["value"])
    except ValueError:
        return f"value `{d['value']}` is not a number"
    if not (math.isfinite(value) and value > 0):
        return f"the measured value `{d['value']}` is not a finite number above 0"
    return None


def _chip(accelerator: str) -> str | None:
    for pattern, chip in CHIPS:
        if re.search(pattern, accelerator):
            return chip
    return None


def _nodes(source: str) -> int | None:
    m = re.search(r"nodes=(\d+)", source or "")
    return int(m.group(1)) if m else None


def _benchmark(name: str) -> str:
    return re.sub(r"-99(\.9)?$", "", name.strip())


def plan(row: Row) -> None:
    """Fill in the workload block for a row, or the reason it is not covered."""
    d = row.data
    metric = d["metric"].strip()
    if metric not in ("throughput", "time_to_train"):
        row.reason = (f"metric `{metric}` is not compared (power rows belong to the power model; latency "
                      "percentiles at the submitted load are not a modelled quantity)")
        return
    problem = _check_numbers(row)
    if problem is not None:
        row.problem = problem
        return
    n = float(d["num_accelerators"])
    chip = _chip(d["accelerator"])
    if chip is None:
        row.reason = f"no stdlib chip for `{d['accelerator']}`"
        return
    if chip in PCIE_CARDS:
        row.reason = PCIE_REASON.format(acc=d["accelerator"], chip=chip)
        return
    if "MaxQ" in (d.get("system") or ""):
        row.reason = "power-capped (MaxQ) submission: the cap is not in the file"
        return
    name = f"r{row.line:04d}"
    row.block = name
    if metric == "throughput":
        bench = _benchmark(d["benchmark"])
        if bench not in INFERENCE:
            row.reason = f"benchmark `{d['benchmark']}` has no workload description"
            return
        model, isl, osl, forced = INFERENCE[bench]
        scenario = forced or d["scenario"].strip().lower()
        nodes = _nodes(d.get("source", ""))
        scaleup = 72 if chip == "GB200" else (n / nodes if nodes else min(n, 8))
        precision = "fp4" if chip in FP4_CHIPS else "fp8"
        lines = [f"model = {model}", f"chip = {chip}", f"accelerators = {n:g}", f"scaleup_size = {scaleup:g}",
                 f'precision = "{precision}"', f'scenario = "{scenario}"', f"input_tokens = {isl:g} tok",
                 f"output_tokens = {osl:g} tok"]
        if scenario == "server" and bench in SERVER_LIMITS:
            ttft, tpot = SERVER_LIMITS[bench]
            lines += [f"ttft_limit = {ttft:g} s", f"tpot_limit = {tpot:g} s"]
        row.kind = "inference"
        row.measured = float(d["value"])
        row.fields, row.chip, row.model = lines, chip, model
        return
    bench = d["benchmark"].strip()
    if bench not in TRAINING:
        row.reason = f"benchmark `{bench}` has no workload description"
        return
    job = TRAINING[bench]
    if chip.startswith("TPU"):
        scaleup = TPU_POD.get(chip, n)
        extra = ["scaleout_bw = 50 Gb/s"] + (['precision = "int8"'] if chip in ("TPU_v5e", "TPU_v5p") else [])
    else:
        scaleup = min(n, 8)
        extra = []
    lines = [f"model = {job['model']}", f"chip = {chip}", f"accelerators = {n:g}", f"scaleup_size = {scaleup:g}",
             f"tokens = {job['tokens']:g} tok", f"eval_tokens = {job['eval']:g} tok", f"seq_len = {job['seq']:g} tok",
             f"global_batch = {job['batch']:g} tok", f'method = "{job["method"]}"', "failure_rate = 0 / 1 s"] + extra
    row.kind = "training"
    row.measured = float(d["value"]) * 60.0
    row.fields, row.chip, row.model = lines, chip, job["model"]


def spec_text(rows: list[Row], lets: dict[str, dict[str, str]] | None = None,
              params: dict[str, str] | None = None) -> str:
    """The validation spec: one workload block per covered row; `lets` adds `let name = value` to every block
    of a kind ({"inference": {"inference_gemm_efficiency": "e"}}), `params` adds top-level parameters."""
    covered = [r for r in rows if r.fields]
    chips = sorted({r.chip for r in covered})
    models = sorted({r.model for r in covered})
    head = '"""Validation workloads: one block per measured row (generated by compiler/validate.py)."""\n'
    if chips:
        head += f"from chips import {', '.join(chips)}\n"
    if models:
        head += f"from models import {', '.join(models)}\n"
    for name, value in (params or {}).items():
        head += f"param {name} = {value}\n"
    body = ""
    for r in covered:
        body += r.render((lets or {}).get(r.kind))
    return head + "\nsite validation {\n" + body + "}\n"


def run(path: str, lets=None, params=None) -> tuple[list[Row], object]:
    """Read, plan and evaluate every row (one spec, one pass of the compiler); returns (rows, diagnostics)."""
    import dsl
    from .evaluate import EvalError, Evaluator
    from .lower import lower

    from dsl.diagnostics import Sink

    problems = Sink()
    rows = read_csv(path, problems)
    for r in rows:
        plan(r)
        if r.problem:
            _row_problem(problems, problems.sources[path], r.line, r.problem)
    rows = [r for r in rows if not r.problem]
    checked, sink = dsl.check_text(spec_text(rows, lets, params), name="validation.factory")
    for source in problems.sources.values():
        sink.add_source(source)
    for diag in problems.items:
        sink.report(diag)
    if checked is None or any(d.code != Code.INVALID_ROW for d in sink.errors):
        return rows, sink
    lowering = lower(checked, sink)
    ev = Evaluator(lowering, sink)                 # only the quantities compared are evaluated

    def value(block: str, name: str) -> np.ndarray:
        try:
            return np.asarray(ev.node_value(f"validation.{block}.{name}"), dtype=float)
        except (EvalError, KeyError):
            return np.asarray([math.nan])

    for r in rows:
        if not r.text:
            continue
        result = value(r.block, "tokens_per_s" if r.kind == "inference" else "time_to_train")
        r.extra["values"] = result
        r.predicted = float(result[0])
        for name in (("tp", "pp", "batch") if r.kind == "inference" else ("tp", "pp", "dp", "mfu")):
            r.extra[name] = float(value(r.block, name)[0])
        if not np.isfinite(r.predicted):
            r.reason = "the model found no configuration that fits (see the spec's warnings)"
            r.fields = []
    return rows, sink


def summary(rows: list[Row]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for r in rows:
        if not r.text or not np.isfinite(r.error):
            continue
        cat = out.setdefault(r.category, {"errors": [], "rows": []})
        cat["errors"].append(abs(r.error))
        cat["rows"].append(r)
    for cat in out.values():
        errs = np.asarray(cat["errors"])
        worst = int(np.argmax(errs))
        cat.update(count=len(errs), median=float(np.median(errs)), worst=float(errs[worst]),
                   worst_row=cat["rows"][worst])
    return out


def _fmt(value: float, kind: str) -> str:
    if not np.isfinite(value):
        return "-"
    if kind == "training":
        return f"{value / 60:,.2f} min"
    return f"{value:,.0f} tok/s"


def render(rows: list[Row], show_uncovered: bool = True) -> str:
    lines = []
    covered = [r for r in rows if r.text]
    lines.append(f"{'line':>5}  {'round':<14} {'benchmark':<26} {'scenario':<8} {'accelerator':<40} {'n':>6}  "
                 f"{'measured':>16} {'predicted':>16} {'error':>7}  config")
    for r in covered:
        d = r.data
        if r.kind == "inference":
            cfg = f"tp{r.extra.get('tp', 0):g} pp{r.extra.get('pp', 0):g} B{r.extra.get('batch', 0):g}"
        else:
            cfg = (f"tp{r.extra.get('tp', 0):g} pp{r.extra.get('pp', 0):g} dp{r.extra.get('dp', 0):g} "
                   f"mfu {r.extra.get('mfu', 0):.2f}")
        lines.append(f"{r.line:>5}  {d['round']:<14} {d['benchmark'][:26]:<26} {d['scenario'][:8]:<8} "
                     f"{d['accelerator'][:40]:<40} {d['num_accelerators']:>6}  {_fmt(r.measured, r.kind):>16} "
                     f"{_fmt(r.predicted, r.kind):>16} {r.error:>+7.1%}  {cfg}")
    lines.append("")
    for name, cat in sorted(summary(rows).items()):
        w = cat["worst_row"]
        lines.append(f"{name}: {cat['count']} rows, median |error| {cat['median']:.1%}, worst {cat['worst']:.1%} "
                     f"(line {w.line}: {w.label})")
    uncovered = [r for r in rows if not r.text]
    if uncovered:
        lines.append("")
        lines.append(f"not covered: {len(uncovered)} rows")
        reasons: dict[str, list[int]] = {}
        for r in uncovered:
            reasons.setdefault(r.reason, []).append(r.line)
        for reason, where in sorted(reasons.items(), key=lambda kv: -len(kv[1])):
            shown = ", ".join(str(x) for x in where[:12]) + (f", ... ({len(where)} rows)" if len(where) > 12 else "")
            lines.append(f"  {reason}: lines {shown}")
    return "\n".join(lines) + "\n"


def fit(path: str) -> dict[str, float]:
    """The global efficiency factors that minimise the median |log error| (all rows of a kind together); a
    factor with no row of its kind to fit on is left out."""
    grid = [round(x, 3) for x in np.arange(0.30, 0.905, 0.01)]
    values = "[" + ", ".join(f"{x:g}" for x in grid) + "]"
    found: dict[str, float] = {}
    for kind, let in (("inference", "inference_gemm_efficiency"), ("training", "training_gemm_efficiency")):
        rows, _ = run(path, lets={kind: {let: "e"}}, params={"e": values})
        errs = []
        for r in rows:
            if r.kind != kind or not r.text:
                continue
            v = np.broadcast_to(r.extra["values"], (len(grid),))
            errs.append(np.abs(np.log(v / r.measured)))
        errs = np.asarray(errs)
        if not errs.size or not np.isfinite(errs).any(axis=0).all():
            continue                # no row of this kind to fit on (the factor is left out)
        med = np.nanmedian(errs, axis=0)
        found[let] = float(grid[int(np.nanargmin(med))])
        if kind == "inference":     # and once per chip family (all its rows together): the chips' serving_efficiency
            covered = [r for r in rows if r.kind == kind and r.text]
            for family in sorted({FAMILIES.get(r.chip, "") for r in covered} - {""}):
                mine = np.asarray([FAMILIES.get(r.chip) == family for r in covered])
                fam = np.nanmedian(errs[mine], axis=0)
                if np.isfinite(fam).any():
                    found[f"{let}[{family}]"] = float(grid[int(np.nanargmin(fam))])
    return found
