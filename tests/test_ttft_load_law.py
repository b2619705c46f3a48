"""The first token never comes sooner at a higher offered load (issue 11, session 26, s26-ttftlaw).

Law (I9 of bench/model_laws25.py, at light load): at a fixed layout (tp, pp, batch), a higher offered load never
lowers TTFT p50 nor p99: more load is more rows in flight (a longer decode step) and more prompt tokens ahead.
Session 25's law hunt (`--cases 8 --seed 11`) found it broken on Trn2 GPT-OSS 120B server, tp 4 B 1500: TTFT p99
141 -> 94 ms as the load went from 1% to 5% of 600 ktok/s. Cause (docs/accuracy.md "The prompt queue's cost
curve"): the prompt queue charged its X_q prompt tokens at kappa, the step's secant over one mean prompt's chunk
(1,000 tokens), though the p99's X_q is 4.6 such prompts (cv 1). With few rows that secant carries the read of the
experts the decode rows leave unread (28.6 us a token), at a higher load the decode rows read them and the
secant falls to 7.1 us: the p99 prompt was charged 4.6 expert reads at light load and none at a higher one. The
law now reads the step's prompt-cost curve G(P) through the own chunk and a full step (queues._prompt_cost).
"""
from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import numpy as np
import pytest

from compiler import evaluate_text
from compiler.models.inference import queues as Q

REL = 1e-9
ROOT = Path(__file__).resolve().parent.parent


def _values(text: str) -> dict:
    results, sink = evaluate_text(text, "ttft_load_law.factory")
    assert results is not None, [d.message for d in sink.items]
    return {k: np.asarray(v, dtype=float).reshape(-1) for k, v in results.values.items()
            if isinstance(v, np.ndarray) and v.dtype.kind in "fiu"}


def _non_decreasing(xs, ys, what: str) -> None:
    for i in range(len(xs) - 1):
        a, b = ys[i], ys[i + 1]
        if np.isfinite(a) and np.isfinite(b):
            assert b >= a * (1 - REL), f"{what}: x {xs[i]} -> {xs[i + 1]}: {a:.6g} -> {b:.6g}"


@pytest.mark.parametrize("scenario,tp,batch,top", [("server", 4, 1500, 0.2), ("interactive", 8, 311, 0.1)])
def test_trn2_gpt_oss_ttft_never_falls_with_the_load(scenario: str, tp: int, batch: int, top: float) -> None:
    """The law hunt's cases themselves, at their fixed layouts on 64 Trn2 (server tp 4 B 1500, interactive tp 8
    B 311), from 0.1% of 600 ktok/s to what the layout carries: TTFT p50 and p99 non-decreasing (the p99 was
    141 / 128 / 94 ms at 1 / 2 / 5% in server, 83 -> 62 ms from 0.1% to 5% in interactive). The hunt searched
    them under the limits themselves: `let operating_fraction = 1` (at the default since 2026-12-07, 0.925 of the
    Interactive limits, B 311 at tp 8 misses the held limits and the service cannot run)."""
    xs = [x for x in (0.001, 0.01, 0.02, 0.05, 0.1, 0.2) if x <= top]
    v = _values(f"""from systems import Trn2_UltraServer
from models import GPT_OSS_120B
param x = {xs}
site s {{
  inference w {{
    model = GPT_OSS_120B
    rack = Trn2_UltraServer
    precision = "bf16"
    scenario = "{scenario}"
    accelerators = 64
    tp = {tp}
    pp = 1
    batch = {batch}
    let operating_fraction = 1
    input_tokens = 1000 tok
    output_tokens = 200 tok
    offered_load = x * 600000 tok/s
  }}
}}
""")
    for f in ("ttft_p50", "ttft_p99"):
        assert np.all(np.isfinite(v[f"s.w.{f}"])), f
        _non_decreasing(xs, v[f"s.w.{f}"], f)


def _curve(own=1000.0, room=32768.0, kappa=28e-6, full=0.300):
    """A step's cost curve whose step is linear from the own chunk to a full room: knots geometric, costs on that
    line (so the curve is the chord through (own, kappa own) and (room, full) whatever its knots)."""
    n = Q.PROMPT_CURVE_KNOTS
    knots = [own * (room / own) ** (k / n) for k in range(n + 1)]
    return knots, [kappa * own + (full - kappa * own) * (P - own) / (room - own) for P in knots]


def _parts(kappa=28e-6, own=1000.0, full=0.300, room=32768.0, I=1000.0, base=0.005, t_decode=0.006):
    """_budget_ttft's parts with the cost curve (from the 27th entry on) and every mechanism off."""
    a = lambda x: np.array([float(x)])                                         # noqa: E731
    zero = a(0.0)
    knots, cost = _curve(own, room, kappa, full)
    return (a(base), a(t_decode), a(kappa), a(room), a(I), a(0.05), a(np.inf), zero,   # base .. round_rest
            zero, a(0.02), zero, zero, a(1.0), zero, zero, a(1.0), zero,               # whole .. own_prompt_spread
            zero, zero, zero, zero, a(1.0), zero, zero, zero, zero,                     # dispatch .. whole_step
            *(a(v) for v in knots + cost))


def test_a_lone_request_is_its_own_step() -> None:
    """By hand, rho -> 0 (no prompt ahead, no arrivals behind): TTFT_q = base + t_decode + G(X_q), one step (X_q <
    room), X_q = I ln(1 / (1 - q)) (the own prompt at cv 1, the model's stated `prompt_length_cv`): the step that
    carries the own prompt, on the step's cost curve through (own, kappa own) and (room, full) (a step linear
    between them):
        p50: X = 693.1 tokens <= own: G = 28 us x 693.1 = 19.41 ms;       TTFT = 5 + 6 + 19.41 = 30.41 ms
        p99: X = 4,605.2 tokens: G = 28 + (300 - 28) (4,605.2 - 1,000) / 31,768 = 58.87 ms;  TTFT = 69.87 ms
    (the linear law charged 4,605.2 x 28 us = 128.9 ms: 4.6 times the own chunk's secant)."""
    rho = np.array([0.0])
    for q, x in ((0.5, 1000 * math.log(2.0)), (0.99, 1000 * math.log(100.0))):
        g = 28e-6 * x if x <= 1000 else 0.028 + (0.300 - 0.028) * (x - 1000) / (32768 - 1000)
        got = float(Q._budget_ttft(_parts(), None, rho, np.array([1.0]), q)[0])
        assert math.isclose(got, 0.005 + 0.006 + g, rel_tol=1e-12), (q, got)
    p99 = float(Q._budget_ttft(_parts(), None, rho, np.array([1.0]), 0.99)[0])
    assert math.isclose(p99, 0.06987, abs_tol=1e-5)
    # without the curve (the 26 entries of the tests' older tuples): the step linear at kappa, as before
    old = float(Q._budget_ttft(_parts()[:26], None, rho, np.array([1.0]), 0.99)[0])
    assert math.isclose(old, 0.011 + 28e-6 * 1000 * math.log(100.0), rel_tol=1e-12)


def test_the_cost_curve() -> None:
    """G(P) is continuous and non-decreasing, kappa P up to the own chunk, the step's cost at each knot, a full
    step's rate beyond the room; kappa P exactly where the own chunk fills the room (the law before, bit for bit);
    a knot whose step is shorter than the one before is held at that one's (a fuller step is no shorter)."""
    P = np.linspace(0.0, 100_000.0, 20_001)
    knots = [1000.0, 2000.0, 4000.0, 10000.0, 32768.0]
    cost = [0.028, 0.036, 0.052, 0.100, 0.300]
    G = Q._prompt_cost(P, 28e-6, knots, cost)
    assert np.all(np.diff(G) >= 0)
    assert np.max(np.diff(G)) < 0.300 / 32768.0 * 5.0 * 1.01 + 28e-6 * 5.0 + (0.2 / 22768) * 5.0    # no jump
    for k, c in zip(knots, cost):
        assert math.isclose(float(Q._prompt_cost(k, 28e-6, knots, cost)), c)
    assert math.isclose(float(Q._prompt_cost(3000.0, 28e-6, knots, cost)), 0.044)
    assert math.isclose(float(Q._prompt_cost(65536.0, 28e-6, knots, cost)), 0.600)
    dip = Q._prompt_cost(np.array([2000.0, 3000.0, 4000.0]), 28e-6, knots, [0.028, 0.036, 0.030, 0.100, 0.300])
    assert np.allclose(dip, [0.036, 0.036, 0.036])
    # own = room: kappa P at every P
    same = Q._prompt_cost(P, 9e-6, [4096.0] * 5, [9e-6 * 4096.0] * 5)
    assert np.allclose(same, 9e-6 * P, rtol=1e-12, atol=0.0)


def _bench():
    spec = importlib.util.spec_from_file_location("model_laws25", ROOT / "bench" / "model_laws25.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("model_laws25", module)      # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_ttft_never_falls_with_the_load_over_the_stdlib() -> None:
    """The law over the law hunt's systems x models (bench/model_laws25.py's HOLDERS x MODELS, bf16 or the chip's
    fp8) x server / interactive: each service at its searched layout (64 or one system's accelerators), then at
    that fixed layout offered 1% to 90% of its capacity; TTFT p50 and p99 non-decreasing where both are finite."""
    hunt = _bench()
    xs = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 0.9]
    failures = []
    for holder in hunt.HOLDERS:
        kind, name, unit, _tdp, fp8, _fp4 = holder
        precision = "fp8" if fp8 else "bf16"
        n = unit if unit > 1 else 4
        for model in hunt.MODELS:
            base = hunt.spec({model}, holder, "", "".join(
                hunt.service(f"w_{sc}", model, holder, precision, sc, f"    accelerators = {n}\n{hunt.IO}")
                for sc in ("server", "interactive")))
            results, _ = evaluate_text(base, "base.factory")
            if results is None:
                continue
            v = results.values
            for sc in ("server", "interactive"):
                p = f"s.w_{sc}"
                cap = float(np.ravel(v.get(f"{p}.tokens_per_s", [np.nan]))[0])
                if f"{p}.tp" not in v or not np.isfinite(cap) or cap <= 0:
                    continue
                tp, pp, batch = (int(np.ravel(v[f"{p}.{f}"])[0]) for f in ("tp", "pp", "batch"))
                body = (f"    accelerators = {n}\n    tp = {tp}\n    pp = {pp}\n    batch = {batch}\n{hunt.IO}"
                        f"    offered_load = x * {cap:.9g} tok/s\n")
                swept, _ = evaluate_text(hunt.spec({model}, holder, f"param x = {xs}\n",
                                                   hunt.service(f"w_{sc}", model, holder, precision, sc, body)),
                                         "sweep.factory")
                if swept is None:
                    continue
                for f in ("ttft_p50", "ttft_p99"):
                    ys = np.asarray(swept.values.get(f"{p}.{f}", np.full(len(xs), np.nan)), float).reshape(-1)
                    for i in range(len(xs) - 1):
                        if np.isfinite(ys[i]) and np.isfinite(ys[i + 1]) and ys[i + 1] < ys[i] * (1 - REL):
                            failures.append(f"{name} {model} {precision} {sc} tp{tp} pp{pp} B{batch} {f}: "
                                            f"x {xs[i]} -> {xs[i + 1]}: {ys[i]:.6g} -> {ys[i + 1]:.6g}")
    assert not failures, "\n".join(failures)
