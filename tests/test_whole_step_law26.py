"""The whole-prompt engines' first token never comes sooner at a higher load (s26-solvelaws, session 26).

s26-ttftlaw put the chunked engines' prompt queue on the step's own cost curve (queues._prompt_cost) after the
session 25 law hunt found TTFT p99 falling with the load on Trn2 GPT-OSS 120B (the prompt tokens charged at one
chunk's secant, which carries the experts' read at few rows and not at many). The whole-prompt engines' law
(`whole_prompts` 1 with `whole_step_engines` k: queues._whole_step_ttft, their TTFT p50, and the budget law
floored by it above) still charges its batch's tokens at that secant, kappa (L_own + S + B). Measured
(2026-12-07, the law hunt's sweep, bench/model_laws25.py's systems DGX H100 / H200, MI300X, GB200 NVL72, Trn2 x its
8 models x server / interactive x k 1 and 8, each at its searched layout offered 0.1% .. 90% of its capacity: 156
services): TTFT p50 and p99 non-decreasing in every one. The own prompt's term t_decode + kappa I is the step that
carries it, t(own) (own = I where a prompt fits the budget whole), which rises with the rows; the tokens beyond it
(S + B) are few at the p50 and rise with the load: the secant does not break the law here, so the law is left on
it. This file keeps the statement on the case that broke the chunked law.
"""
from __future__ import annotations

import numpy as np
from compiler import evaluate_text

REL = 1e-9


def test_a_whole_prompt_engine_s_ttft_never_falls_with_the_load() -> None:
    """The law hunt's Trn2 GPT-OSS 120B server layout (tests/test_ttft_load_law.py: tp 4 B 1,500, where the
    chunked p99 fell 141 -> 94 ms from 1% to 5%) served by whole-prompt engines, one queue an engine (k 1) and one
    shared by 8 (k 8), offered 0.1% .. 10% of 600 ktok/s: TTFT p50 and p99 non-decreasing; the whole-step law is
    what gives the p50 (k moves it). (Its interactive layout, tp 8 B 311, meets no limit with whole prompts.)"""
    xs = [0.001, 0.01, 0.02, 0.05, 0.1]
    body = f"""from systems import Trn2_UltraServer
from models import GPT_OSS_120B
param x = {xs}
param k = 1
site s {{
  inference w {{
    model = GPT_OSS_120B
    rack = Trn2_UltraServer
    precision = "bf16"
    scenario = "server"
    accelerators = 64
    tp = 4
    pp = 1
    batch = 1500
    input_tokens = 1000 tok
    output_tokens = 200 tok
    offered_load = x * 600000 tok/s
    let whole_prompts = 1
    let whole_step_engines = k
  }}
}}
"""
    p50 = {}
    for k in ("1", "8"):
        results, sink = evaluate_text(body, "whole.factory", {"k": k})
        assert results is not None, [d.message for d in sink.items]
        v = {f: np.asarray(results.values[f"s.w.{f}"], dtype=float).reshape(-1) for f in ("ttft_p50", "ttft_p99")}
        for f, ys in v.items():
            assert np.all(np.isfinite(ys)), (k, f, ys)
            for i in range(len(xs) - 1):
                assert ys[i + 1] >= ys[i] * (1 - REL), \
                    f"k {k} {f}: x {xs[i]} -> {xs[i + 1]}: {ys[i]:.6g} -> {ys[i + 1]:.6g}"
        p50[k] = v["ttft_p50"]
    assert not np.allclose(p50["8"], p50["1"])
