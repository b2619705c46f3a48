"""A systematic search for violations of the laws a planner assumes of the serving and training models (session 25).

Small specs over the stdlib's systems / racks x models x precisions x scenarios (offline, server, interactive,
single_stream) and training runs, each sweeping one knob (a `param` list: one evaluation, a scenario per value),
and on every evaluated figure the laws below. A sample of the grid (a fixed seed: the same cases on every run;
`--cases N` for more), a few minutes of CPU.

    PYTHONPATH=$PWD python3 bench/model_laws25.py [--cases N] [--seed S] [--only LAW]

Laws stated (each exactly; "rel" is a relative tolerance of 1e-9 for floating round-off):

  I1 accelerators  tokens_per_s(k n) >= k tokens_per_s(n) for whole k (n a whole number of systems): the search at
                   k n may place the layout it chose at n k times over (floor(k n / R) >= k floor(n / R)); and at a
                   fixed accelerator-hour price usd_per_mtok(k n) <= usd_per_mtok(n): $/Mtok = chips x price /
                   (tokens/s x duty), so it is the ratio above. (Not "tokens/s per chip never falls": the replicas
                   are whole, 9 chips of 8-chip replicas idle one.) single_stream: its search maximizes the
                   stream's speed, so more chips may buy a wider tp and fewer replicas; the law there is
                   tokens_per_s_per_user(k n) >= tokens_per_s_per_user(n).
  I2 ttft_limit    a looser ttft_limit never lowers tokens_per_s (server, interactive: every layout feasible at the
                   tighter limit is feasible at the looser one, and the capacity at a layout is the most within it).
  I3 tpot_limit    the same for tpot_limit.
  I4 input_tokens  at a fixed layout (tp, pp, batch: the base run's) and a fixed offered load (server,
                   interactive: half the base capacity), a longer prompt never shortens TTFT (p99 and p50), where the
                   layout runs and carries the load. NOT at the searched layout: a longer prompt can make the search
                   pick a smaller batch, whose queue is shorter (a different machine, not a law of one).
  I5 output_tokens at a fixed layout and request rate (server, interactive: the offered output tokens/s grow
                   with O), O x TPOT (the decode time of one request) never falls as O grows. NOT at a fixed output
                   rate: there shorter answers are more requests, more prompt tokens a step, and near the layout's
                   capacity the decode of 50-token answers is slower than of 100-token ones (found: Trn2 GPT-J server,
                   5.4 against 1.6 s). NOT "TPOT never falls": longer answers carry fewer prompt tokens a decoded
                   token (r = I / O), a lighter step, physically.
  I6 model size    at equal limits, hardware and precision, Llama 3.1 8B >= 70B >= 405B in tokens_per_s (the larger model has more of every per-token cost and no fewer KV bytes;
                   the 8B has half the attention heads, so fewer tp degrees: stated where the smaller model's search
                   space covers the tp the larger one picked). NOT tokens_per_s_per_user: the search maximizes
                   tokens/s within the limits, so a larger model's layout may run a smaller batch, faster for each
                   user (found: MI355X fp8, 405B 7.4 tok/s a user against 70B's 5.6 at the 0.2 s TPOT limit).
  I7 precision     fp8 never slower than bf16 (tokens_per_s) on a chip whose fp8 rate >= its bf16 rate, at equal
                   limits (fp8 halves the weight bytes and doubles, or keeps, the matmul rate; KV precision is the
                   default, the same for both).
  I8 power_cap     a lower power cap never raises tokens_per_s (clocks only fall); single_stream: its
                   tokens_per_s_per_user (the search's objective, which a wider tp may buy with fewer replicas).
  C1 electricity   a higher electricity price never lowers the site's opex nor a service's $/Mtok (its accelerator-
                   hour defaults to the site's TCO, which holds the energy bill).
  C2 duty cycle    a lower duty cycle (utilization) never lowers $/Mtok (the chips are paid every hour).
  T1 tokens        more training tokens never shorten time_to_train nor lower its cost.
  T2 accelerators  k times the accelerators never lower training tokens_per_s below ... NOT a law of the model:
                   at a fixed global batch more data-parallel replicas each carry fewer micro-batches, a longer
                   pipeline bubble share; reported (not failed) so the reader sees where it happens.
  T3 global batch  a larger global batch at fixed tokens never lowers tokens_per_s nor MFU (more micro-batches per
                   step shrink the bubble's share and amortize the optimizer step and the gradient all-reduce; the
                   search at the larger batch may keep the layout).
  T4 precision     fp8 training never slower than bf16 on a chip with an fp8 rate.
  T5 interruptions a higher failure rate or a longer checkpoint never shortens time_to_train.
  T6 deadline      a shorter deadline never needs fewer accelerators.
  I9 offered load  at a fixed layout, a higher offered load never lowers TTFT (p50, p99), TPOT (mean, p99), the
                   served tokens/s or the average power, nor raises $/Mtok (more queueing, fuller steps).
  I10 demand       a larger demand never needs fewer accelerators.
  R1 one run       the orders one run's figures keep (Hunt.one_run_laws).

Found (2026-12-07, `--cases 10 --seed 7`, before the fixes: 17 violations; after: 0; docs/accuracy.md "Laws of the
serving and training models, searched"): a pipeline deeper than its rows sped the decode step (B < pp rows were B / pp
a micro-batch: the accelerators and power-cap laws of single streams), fixed in inference/step.py; a bf16 training run
priced at Maia 200's fp8 rate took bf16's share of the peak and beat fp8 (training._gemm_share, rated_format). Then
`--cases 8 --seed 11`: 6 violations: fp8 training at TPU v5p's bf16 rate took fp8's lower share and lost to bf16
(fixed, _gemm_share; validate's TPU Trillium GPT-3 rows +18 -> +8%); O x TPOT at a fixed output rate (not a law,
restated at a fixed request rate); left: TTFT p99 falls with the load at low load (Trn2 GPT-OSS 120B server and
interactive: 137 -> 93 ms from 5% to 20% of the capacity, a fixed layout), fp4 slower than fp8 for GPT-OSS 120B on
GB200 (I7 is fp8 >= bf16; s26-sramfp4 found the cause: the checkpoint's bf16 attention and W4A8 experts, 0.77 of
the fp8 rate, now a `slower-precision` warning; fp4 >= fp8 is tests/test_precision_law26.py). The TTFT one fixed in
session 26 (s26-ttftlaw: the prompt queue's tokens on the step's own cost curve, queues._prompt_cost; `--cases 8 --seed
11 --only inference`: 0 violations of 490 I9 comparisons; tests/test_ttft_load_law.py).
Tests: tests/test_model_laws25.py.
  G1 finite        every numeric figure is finite and >= 0, or absent with a reason (results.absent), in every
                   scenario; a workload's feasible == 0 comes with an error diagnostic that names the workload.
                   (A figure that is negative by definition is listed in SIGNED.)
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass, field

import numpy as np

from compiler import evaluate_text

REL = 1e-9
SCENARIOS = ("offline", "server", "interactive", "single_stream")
LIMITS = "    ttft_limit = 2 s\n    tpot_limit = 0.2 s\n"   # equal limits where two models / precisions compare
SIGNED: set[str] = set()                                    # figures negative by definition: none found

# holder field, holder, chips in one, chip TDP (W), the rates it has beyond bf16 (stdlib/chips.factory)
HOLDER_TABLE = """
system DGX_H100 8 700 fp8          | system DGX_H200 8 700 fp8        | system DGX_B200 8 1000 fp8,fp4
system MI300X_8GPU 8 750 fp8       | system MI355X_8GPU 8 1400 fp8,fp4 | rack GB200_NVL72 72 1200 fp8,fp4
rack GB300_NVL72 72 1400 fp8,fp4   | rack Trn2_UltraServer 64 500 fp8 | rack TPU_v5p_cube 64 400 fp8
rack Ironwood_rack 64 600 fp8      | rack Maia200_rack 32 750 fp8,fp4  | rack GroqRack 72 300 -
system Cerebras_CS3 1 23000 -
"""
HOLDERS = [(kind, name, int(n), float(tdp), "fp8" in rates, "fp4" in rates)
           for line in HOLDER_TABLE.split("\n") for cell in line.split("|") if cell.strip()
           for kind, name, n, tdp, rates in [cell.split()]]
MODELS = ["Llama3_1_8B", "Llama3_1_70B", "Llama3_1_405B", "Mixtral_8x7B", "GPT_OSS_120B", "DeepSeek_R1",
          "Llama2_70B", "GPT_J_6B"]
PRECISIONS = ["bf16", "fp8", "fp4"]


@dataclass
class Finding:
    law: str
    case: str
    detail: str


@dataclass
class Run:
    values: dict
    absent: dict
    diags: list
    ok: bool


@dataclass
class Hunt:
    findings: list = field(default_factory=list)
    evaluations: int = 0
    checked: dict = field(default_factory=dict)     # law -> comparisons made

    def evaluate(self, text: str) -> Run:
        self.evaluations += 1
        results, sink = evaluate_text(text, "model_laws25.factory")
        diags = [(d.code, d.severity, d.message) for d in sink.items]
        if results is None:
            return Run({}, {}, diags, False)
        values = {k: np.asarray(v, dtype=float).reshape(-1) for k, v in results.values.items()
                  if isinstance(v, np.ndarray) and v.dtype.kind in "fiu"}
        self.finite_law(values, results.absent, diags, text)
        self.one_run_laws(values, text)
        return Run(values, results.absent, diags, True)

    def report(self, law: str, case: str, detail: str) -> None:
        self.findings.append(Finding(law, case, detail))

    def count(self, law: str, n: int = 1) -> None:
        self.checked[law] = self.checked.get(law, 0) + n

    # ------------------------------------------------------------------------------------------------ G1
    def finite_law(self, values: dict, absent: dict, diags: list, text: str) -> None:
        case = text.splitlines()[1] + " | " + " ".join(ln.strip() for ln in text.splitlines() if "=" in ln)[:160]
        for path, v in values.items():
            bad = ~np.isfinite(v) | ((v < 0) & (path.rsplit(".", 1)[-1] not in SIGNED))
            self.count("G1 finite")
            if not bad.any():
                continue
            why = absent.get(path)
            for i in np.flatnonzero(bad):
                if why is not None and why.at(int(i) if v.size > 1 else 0) and not np.isfinite(v[i]):
                    continue
                self.report("G1 finite", case, f"{path}[{i}] = {v[i]!r} with no reason")
                break
        errors = [m for c, s, m in diags if s == "error"]
        for path, v in values.items():
            if path.endswith(".feasible") and (v == 0).any():
                self.count("G1 feasible")
                name = path[:-len(".feasible")]
                if not any(f"`{name}`" in m or name.split(".")[-1] in m for m in errors):
                    self.report("G1 feasible", case, f"{name}: feasible 0 with no error naming it "
                                f"(errors: {[m[:80] for m in errors][:2]})")


    # ------------------------------------------------------------------------------------------------ R1
    ORDERED = [("ttft_p50", "ttft_p99"), ("tpot_mean", "tpot_p99"), ("ttft_p99_low", "ttft_p99"),
               ("ttft_p99", "ttft_p99_high"), ("tpot_p99_low", "tpot_p99"), ("tpot_p99", "tpot_p99_high"),
               ("ttft_p50_low", "ttft_p50"), ("ttft_p50", "ttft_p50_high"), ("tpot_mean_low", "tpot_mean"),
               ("tpot_mean", "tpot_mean_high"), ("served_tokens_per_s", "tokens_per_s"), ("power_avg", "power"),
               ("batch", "max_batch"), ("ttft_limit_use", "one"), ("tpot_limit_use", "one"), ("mfu", "one"),
               ("compute_utilization", "one"), ("memory_utilization", "one"), ("clock_fraction", "one"),
               ("sustained_clock", "one"), ("goodput", "one"), ("compute_bound_share", "one"),
               ("idle_accelerators", "accelerators")]

    def one_run_laws(self, values: dict, text: str) -> None:
        """R1: the orders one run's figures keep: p50 <= p99, the band holds its middle, served <= capacity,
        average power <= peak, batch <= max_batch, a feasible service within the limits it is held to (use <= 1),
        utilizations and shares <= 1, tokens/s per user = 1 / TPOT, per chip x accelerators = tokens/s."""
        case = text.splitlines()[1][:60]
        blocks = {p.rsplit(".", 1)[0] for p in values if p.endswith(".feasible")}
        for b in sorted(blocks):
            get = lambda f: values.get(f"{b}.{f}", np.array([1.0]) if f == "one" else None)   # noqa: E731
            for lo, hi in self.ORDERED:
                x, y = get(lo), get(hi)
                if x is None or y is None:
                    continue
                x, y = np.broadcast_arrays(x, y)
                ok = np.isfinite(x) & np.isfinite(y)
                self.count("R1 one run")
                bad = ok & (x > y * (1 + 1e-6) + 1e-12)
                if bad.any():
                    i = int(np.flatnonzero(bad)[0])
                    self.report("R1 one run", case, f"{b}: {lo} {x[i]:.6g} > {hi} {y[i]:.6g} (scenario {i})")
            for f, g, how in (("tokens_per_s_per_user", "tpot", "1/"), ("tokens_per_s_per_chip", "tokens_per_s", "/n")):
                x, y = get(f), get(g)
                if x is None or y is None:
                    continue
                want = 1 / y if how == "1/" else y / get("accelerators_held") if get("accelerators_held") is not None else None
                if want is None:
                    continue
                x, want = np.broadcast_arrays(x, want)
                ok = np.isfinite(x) & np.isfinite(want)
                self.count("R1 one run")
                if (ok & ~np.isclose(x, want, rtol=1e-6, atol=0)).any():
                    i = int(np.flatnonzero(ok & ~np.isclose(x, want, rtol=1e-6, atol=0))[0])
                    self.report("R1 one run", case, f"{b}: {f} {x[i]:.6g} != {how} {g} = {want[i]:.6g}")


def monotone(h: Hunt, law: str, case: str, xs, ys, up: bool, what: str, factor=None) -> None:
    """ys never falls (up) / never rises (not up) as xs grows, over the finite pairs; factor(x0, x1) scales the
    bound (I1: k times)."""
    ys = np.asarray(ys, dtype=float)
    for i in range(len(xs) - 1):
        a, b = ys[i], ys[i + 1]
        if not (np.isfinite(a) and np.isfinite(b)):
            continue
        h.count(law)
        f = factor(xs[i], xs[i + 1]) if factor else 1.0
        if up and b < f * a * (1 - REL):
            h.report(law, case, f"{what}: {xs[i]} -> {xs[i+1]}: {a:.6g} -> {b:.6g} (bound {f * a:.6g})")
        if not up and b > f * a * (1 + REL):
            h.report(law, case, f"{what}: {xs[i]} -> {xs[i+1]}: {a:.6g} -> {b:.6g} (bound {f * a:.6g})")


def service(name: str, model: str, holder: tuple, precision: str, scenario: str, body: str) -> str:
    return (f"  inference {name} {{\n    model = {model}\n    {holder[0]} = {holder[1]}\n"
            f"    precision = \"{precision}\"\n    scenario = \"{scenario}\"\n{body}  }}\n")


def spec(models: set, holder: tuple, param: str, blocks: str, site_extra: str = "") -> str:
    return (f"from systems import {holder[1]}\nfrom models import {', '.join(sorted(models))}\n{param}"
            f"site s {{\n{site_extra}{blocks}}}\n")


IO = "    input_tokens = 1000 tok\n    output_tokens = 200 tok\n"


def inference_case(h: Hunt, holder: tuple, model: str, precision: str) -> None:
    kind, name, unit, tdp, _fp8, _fp4 = holder
    case = f"{name} {model} {precision}"
    n = unit if unit > 1 else 4
    acc = f"    accelerators = {n}\n"
    svc = lambda sc, body: service(f"w_{sc}", model, holder, precision, sc, body)   # noqa: E731

    # I1: accelerators x [1, 2, 4] at a fixed accelerator-hour price
    xs = [1, 2, 4]
    r = h.evaluate(spec({model}, holder, f"param x = {xs}\n", "".join(
        svc(sc, f"    accelerators = {n} * x\n    accelerator_cost = 2 USD/h\n{IO}") for sc in SCENARIOS)))
    for sc in SCENARIOS:
        t = r.values.get(f"s.w_{sc}.tokens_per_s")
        if t is None:
            continue
        if sc == "single_stream":           # the search's objective is the stream's speed (a user's tokens/s)
            monotone(h, "I1 accelerators", f"{case} {sc}", xs, r.values[f"s.w_{sc}.tokens_per_s_per_user"], True,
                     "tokens_per_s_per_user")
            continue
        monotone(h, "I1 accelerators", f"{case} {sc}", xs, t, True, "tokens_per_s", lambda a, b: b / a)
        monotone(h, "I1 accelerators", f"{case} {sc}", xs, r.values[f"s.w_{sc}.usd_per_mtok"], False, "usd_per_mtok")

    # I2 / I3: looser latency limits
    for law, fieldname, xs in (("I2 ttft_limit", "ttft_limit", [0.25, 0.5, 1, 2, 4, 30]),
                               ("I3 tpot_limit", "tpot_limit", [0.01, 0.02, 0.05, 0.1, 0.2, 1])):
        r = h.evaluate(spec({model}, holder, f"param x = {xs}\n", "".join(
            svc(sc, f"{acc}    {fieldname} = x * 1 s\n{IO}") for sc in ("server", "interactive"))))
        for sc in ("server", "interactive"):
            t = r.values.get(f"s.w_{sc}.tokens_per_s")
            if t is not None:
                monotone(h, law, f"{case} {sc}", xs, t, True, "tokens_per_s")

    # the base layout of each scenario, for I4 / I5
    base = h.evaluate(spec({model}, holder, "", "".join(svc(sc, f"{acc}{IO}") for sc in SCENARIOS)))
    for sc in SCENARIOS:
        v = base.values
        p = f"s.w_{sc}"
        if p + ".tp" not in v or not np.isfinite(v[p + ".tokens_per_s"][0]):
            continue
        tp, pp, batch = (int(v[f"{p}.{f}"][0]) for f in ("tp", "pp", "batch"))
        fixed = f"{acc}    tp = {tp}\n    pp = {pp}\n" + (f"    batch = {batch}\n" if sc != "single_stream" else "")
        if sc in ("server", "interactive"):
            fixed += f"    offered_load = {0.5 * v[p + '.tokens_per_s'][0]:.6g} tok/s\n"
        xs = [250, 500, 1000, 2000, 4000]
        r = h.evaluate(spec({model}, holder, f"param x = {xs}\n",
                            svc(sc, fixed + "    input_tokens = x * 1 tok\n    output_tokens = 200 tok\n")))
        for f in ("ttft_p99", "ttft_p50", "ttft"):
            if f"{p}.{f}" in r.values:
                monotone(h, "I4 input_tokens", f"{case} {sc} tp{tp} pp{pp} B{batch}", xs, r.values[f"{p}.{f}"],
                         True, f)
        if sc in ("server", "interactive"):         # I9: a higher offered load at a fixed layout
            cap = v[p + ".tokens_per_s"][0]
            xs = [0.1, 0.3, 0.5, 0.7, 0.9, 1.0]
            fixed_nl = fixed.split("    offered_load")[0]
            r = h.evaluate(spec({model}, holder, f"param x = {xs}\n", svc(sc, fixed_nl + IO
                                + f"    offered_load = x * {cap:.9g} tok/s\n")))
            for f in ("ttft_p99", "ttft_p50", "tpot_p99", "tpot_mean", "served_tokens_per_s", "power_avg"):
                if f"{p}.{f}" in r.values:
                    monotone(h, "I9 offered_load", f"{case} {sc} tp{tp} pp{pp} B{batch}", xs, r.values[f"{p}.{f}"],
                             True, f)
            if f"{p}.usd_per_mtok" in r.values:
                monotone(h, "I9 offered_load", f"{case} {sc}", xs, r.values[f"{p}.usd_per_mtok"], False,
                         "usd_per_mtok")
            # I10: a larger demand never needs fewer accelerators (the fewest whole replicas carrying it)
            xs = [0.3, 1, 3, 10]
            r = h.evaluate(spec({model}, holder, f"param x = {xs}\n", svc(sc, IO
                                + f"    demand = x * {cap:.9g} tok/s\n")))
            if f"{p}.accelerators_needed" in r.values:
                monotone(h, "I10 demand", f"{case} {sc}", xs, r.values[f"{p}.accelerators_needed"], True,
                         "accelerators_needed")
        xs = [50, 100, 200, 400, 800]
        per_request = fixed                  # at a fixed request rate: the output load grows with O (base O 200)
        if sc in ("server", "interactive"):
            per_request = fixed.split("    offered_load")[0] + (f"    offered_load = x / 200 * "
                                                                f"{0.5 * v[p + '.tokens_per_s'][0]:.6g} tok/s\n")
        r = h.evaluate(spec({model}, holder, f"param x = {xs}\n",
                            svc(sc, per_request + "    input_tokens = 1000 tok\n    output_tokens = x * 1 tok\n")))
        if f"{p}.tpot" in r.values:
            monotone(h, "I5 output_tokens", f"{case} {sc} tp{tp} pp{pp} B{batch}", xs,
                     np.asarray(xs) * r.values[f"{p}.tpot"], True, "O x tpot")

    # I8: power cap as a share of the TDP
    xs = [0.5, 0.7, 0.85, 1.0]
    r = h.evaluate(spec({model}, holder, f"param x = {xs}\n", "".join(
        svc(sc, f"{acc}    power_cap = x * {tdp} W\n{IO}") for sc in SCENARIOS)))
    for sc in SCENARIOS:
        f = "tokens_per_s_per_user" if sc == "single_stream" else "tokens_per_s"
        t = r.values.get(f"s.w_{sc}.{f}")
        if t is not None:
            monotone(h, "I8 power_cap", f"{case} {sc}", xs, t, True, f)

    # C2: duty cycle
    xs = [0.1, 0.3, 0.6, 1.0]
    r = h.evaluate(spec({model}, holder, f"param x = {xs}\n", "".join(
        svc(sc, f"{acc}    utilization = x\n{IO}") for sc in SCENARIOS)))
    for sc in SCENARIOS:
        t = r.values.get(f"s.w_{sc}.usd_per_mtok")
        if t is not None:
            monotone(h, "C2 duty", f"{case} {sc}", xs, t, False, "usd_per_mtok")


def size_case(h: Hunt, holder: tuple, precision: str) -> None:
    """I6: Llama 3.1 8B >= 70B >= 405B at equal limits."""
    kind, name, unit, *_ = holder
    family = ["Llama3_1_8B", "Llama3_1_70B", "Llama3_1_405B"]
    n = unit if unit > 1 else 4
    blocks = "".join(service(f"{m.lower()}_{sc}", m, holder, precision, sc, f"    accelerators = {n}\n{LIMITS}{IO}")
                     for m in family for sc in SCENARIOS)
    r = h.evaluate(spec(set(family), holder, "", blocks))
    for sc in SCENARIOS:
        for f in ("tokens_per_s",):          # not tokens_per_s_per_user: the search maximizes tokens/s within
            ys = [r.values.get(f"s.{m.lower()}_{sc}.{f}", [np.nan])[0] for m in family]
            tps = [r.values.get(f"s.{m.lower()}_{sc}.tp", [np.nan])[0] for m in family]
            monotone(h, "I6 model size", f"{name} {precision} {sc} tp {tps}", family, ys, False, f)


def precision_case(h: Hunt, holder: tuple, model: str) -> None:
    """I7: fp8 >= bf16 at equal limits."""
    kind, name, unit, tdp, fp8, fp4 = holder
    precs = ["bf16", "fp8"]                 # fp4 >= fp8: tests/test_precision_law26.py (s26: the knee's draw, opt-in)
    if not fp8:
        return
    n = unit if unit > 1 else 4
    blocks = "".join(service(f"{p}_{sc}", model, holder, p, sc, f"    accelerators = {n}\n{LIMITS}{IO}")
                     for p in precs for sc in SCENARIOS)
    r = h.evaluate(spec({model}, holder, "", blocks))
    for sc in SCENARIOS:
        ys = [r.values.get(f"s.{p}_{sc}.tokens_per_s", [np.nan])[0] for p in precs]
        lay = [tuple(int(r.values.get(f"s.{p}_{sc}.{f}", [0])[0]) for f in ("tp", "pp", "batch")) for p in precs]
        monotone(h, "I7 precision", f"{name} {model} {sc} layouts {lay}", precs, -np.asarray(ys), False,
                 "-tokens_per_s")


def price_case(h: Hunt, rack: str, system: str | None, model: str) -> None:
    """C1: the site's opex and a service's $/Mtok never fall as the electricity price rises."""
    holder = ("system", system) if system else ("rack", rack)
    xs = [0.02, 0.08, 0.2, 0.5]
    imports = f"from systems import {rack}\n" + (f"from systems import {system}\n" if system else "")
    text = (f"{imports}from models import {model}\nparam x = {xs}\nsite s {{\n  electricity_price = x * 1 USD/kWh\n"
            f"  hall h {{\n    rack r: {rack} x 2\n  }}\n"
            + "".join(service(f"w_{sc}", model, holder, "fp8", sc, IO) for sc in SCENARIOS) + "}\n")
    r = h.evaluate(text)
    case = f"{rack} {model}"
    for f in ("s.opex", "s.tco_year", "s.usd_per_mtok"):
        if f in r.values:
            monotone(h, "C1 electricity", case, xs, r.values[f], True, f)
    for sc in SCENARIOS:
        if f"s.w_{sc}.usd_per_mtok" in r.values:
            monotone(h, "C1 electricity", f"{case} {sc}", xs, r.values[f"s.w_{sc}.usd_per_mtok"], True, "usd_per_mtok")


def training_case(h: Hunt, holder: tuple, model: str, precision: str) -> None:
    kind, name, unit, tdp, fp8, _fp4 = holder
    n = unit if unit > 8 else 64
    case = f"{name} {model} {precision} train"

    def train(tname: str, prec: str, body: str) -> str:
        return (f"  training {tname} {{\n    model = {model}\n    {kind} = {name}\n    precision = \"{prec}\"\n"
                f"{body}  }}\n")
    xs = [1, 2, 4]
    r = h.evaluate(spec({model}, holder, f"param x = {xs}\n",
                        train("t", precision, f"    accelerators = {n}\n    tokens = x * 1 Ttok\n")))
    for f in ("time_to_train", "cost"):
        if f"s.t.{f}" in r.values:
            monotone(h, "T1 tokens", case, xs, r.values[f"s.t.{f}"], True, f)
    r = h.evaluate(spec({model}, holder, f"param x = {xs}\n",
                        train("t", precision, f"    accelerators = {n} * x\n    tokens = 1 Ttok\n")))
    if "s.t.tokens_per_s" in r.values:
        monotone(h, "T2 accelerators (not a law)", case, xs, r.values["s.t.tokens_per_s"], True, "tokens_per_s")
    for law, body, f in (("T5 failures", "    failure_rate = x * 1e-6 / 1 h\n", "time_to_train"),
                         ("T5 failures", "    checkpoint_time = x * 60 s\n", "time_to_train"),
                         ("T6 deadline", "    deadline = 1 / x * 1000 h\n", "accelerators_needed")):
        r = h.evaluate(spec({model}, holder, f"param x = {xs}\n",
                            train("t", precision, f"    accelerators = {n}\n    tokens = 1 Ttok\n{body}")))
        if f"s.t.{f}" in r.values:
            monotone(h, law, case, xs, r.values[f"s.t.{f}"], True, f)
    xs = [1, 2, 4, 8]
    r = h.evaluate(spec({model}, holder, f"param x = {xs}\n",
                        train("t", precision, f"    accelerators = {n}\n    tokens = 1 Ttok\n"
                                              f"    global_batch = x * 2 Mtok\n")))
    for f in ("tokens_per_s", "mfu"):
        if f"s.t.{f}" in r.values:
            monotone(h, "T3 global batch", case, xs, r.values[f"s.t.{f}"], True, f)
    if fp8 and precision == "fp8":
        r = h.evaluate(spec({model}, holder, "", train("b", "bf16", f"    accelerators = {n}\n    tokens = 1 Ttok\n")
                            + train("f", "fp8", f"    accelerators = {n}\n    tokens = 1 Ttok\n")))
        ys = [r.values.get(f"s.{t}.tokens_per_s", [np.nan])[0] for t in ("b", "f")]
        monotone(h, "T4 precision", case, ["bf16", "fp8"], ys, True, "tokens_per_s")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=10)
    ap.add_argument("--seed", type=int, default=25)
    ap.add_argument("--only", default="")
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    h = Hunt()
    t0 = time.process_time()
    parts = args.only.split(",") if args.only else ["inference", "size", "precision", "price", "training"]
    if "inference" in parts:
        for _ in range(args.cases):
            holder = rng.choice(HOLDERS)
            inference_case(h, holder, rng.choice(MODELS), rng.choice(PRECISIONS))
    if "size" in parts:
        for holder in rng.sample(HOLDERS, min(len(HOLDERS), max(2, args.cases // 2))):
            size_case(h, holder, rng.choice(["bf16", "fp8"]))
    if "precision" in parts:
        for holder in rng.sample(HOLDERS, min(len(HOLDERS), max(2, args.cases // 2))):
            precision_case(h, holder, rng.choice(MODELS))
    if "price" in parts:
        for rack, system, model in [("GB200_NVL72", None, "Llama3_1_70B"), ("DGX_H100_rack", "DGX_H100", "Llama3_1_8B")]:
            price_case(h, rack, system, model)
    if "training" in parts:
        for _ in range(max(2, args.cases // 2)):
            holder = rng.choice([x for x in HOLDERS if x[1] not in ("GroqRack", "Cerebras_CS3")])
            training_case(h, holder, rng.choice(["Llama3_1_8B", "Llama3_1_70B", "Mixtral_8x7B", "GPT3_175B"]),
                          rng.choice(["bf16", "fp8"]))
    print(f"{h.evaluations} evaluations, {time.process_time() - t0:.1f} s CPU")
    for law in sorted(h.checked):
        n = sum(1 for f in h.findings if f.law == law)
        print(f"  {law:28s} {h.checked[law]:6d} comparisons, {n} violations")
    for f in h.findings:
        print(f"{f.law} | {f.case} | {f.detail}")
    return 1 if any("not a law" not in f.law for f in h.findings) else 0


if __name__ == "__main__":
    sys.exit(main())
