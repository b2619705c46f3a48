"""The KV cache as a serving engine fills it (compiler/models/inference/ kv_slots, _kv_room_wait, `let
kv_room_wait`): the length-biased occupancy and the Erlang-C wait for KV room, by hand and as laws."""
from __future__ import annotations

import math

import numpy as np

from compiler.models import inference as M
from serving_inputs import llama2_70b_inputs


def test_length_biased_occupancy_by_hand() -> None:
    # Two output lengths, 100 and 500 tokens, equally likely: E[o] = 300, E[o^2] = (1e4 + 25e4) / 2 = 130,000.
    # A row in flight is seen in proportion to its life, so its mean age is E[o^2] / (2 E[o]) = 216.67 tokens;
    # cv^2 = (130,000 - 90,000) / 90,000 = 0.444, and (1 + cv^2) O / 2 = 1.444 x 150 = 216.67 the same.
    cv = math.sqrt((130_000 - 300 ** 2) / 300 ** 2)
    free, kv_token, prompt = 1e9, 1e3, 200.0
    assert np.isclose(M.kv_slots(free, kv_token, prompt, 300.0, cv), free / (kv_token * (200 + 130_000 / 600)))
    # cv 0: every request of the mean length, the mean context I + O / 2 of the model before
    assert np.isclose(M.kv_slots(free, kv_token, prompt, 300.0, 0.0), free / (kv_token * (200 + 150)))


def test_b200_llama2_70b_cache_as_the_engine_counts_it() -> None:
    # B200 as the driver reports it, 183,359 MiB; NVIDIA's v5.0 Server config: kvcache_free_gpu_mem_frac 0.95,
    # max_num_tokens 3,584; Llama 2 70B NVFP4 weights 68.98e9 x 0.5 B = 34.49 GB; workspace 3,584 tokens x
    # (68.98e9 / 80 / 8,192) x 2 B = 3,584 x 105,255 x 2 = 0.754 GB; FP8 KV 80 x 2,048 B = 163,840 B a token.
    # F = 0.95 x (192.27 - 34.49 - 0.754) GB = 149.17 GB; a row holds 222.33 + (1 + 0.59^2) x 294.45 / 2 =
    # 222.33 + 198.47 = 420.80 tokens: c = 149.17e9 / (163,840 x 420.80) = 2,163.7 rows
    memory = 183359 * 2.0 ** 20
    act = 68.98e9 / 80 / 8192 * 2
    free = M.kv_budget(memory, 0.0, 68.98e9 * 0.5, 0.95, 3584.0, act)
    c = M.kv_slots(free, 80 * 2048.0, 222.33, 294.45, 0.59)
    assert abs(float(c) - 2163.7) < 1.0
    # the measured 1,849 rows a GPU (NVIDIA's 8x B200 run, Little's law) sit beta = (c - a) / sqrt(a) = 7.3
    # standard deviations below it: no request waits at the 99th percentile
    assert float(M._kv_room_wait(c, 1849.0, 294.45 * 0.15, 0.99)) == 0.0


def _erlang_c(c: int, a: float) -> float:
    """The exact M/M/c chance to wait (Erlang B by its recursion, then C = B / (1 - (a / c)(1 - B)))."""
    b = 1.0
    for n in range(1, c + 1):
        b = a * b / (n + a * b)
    return b / (1 - a / c * (1 - b))


def test_wait_matches_erlang_c_and_its_tail() -> None:
    # c = 735 slots, a = 707 requests in flight, a life of 15 s: the Halfin-Whitt chance to wait is within a few
    # per cent of the exact Erlang C, and the p99 wait is S / (c - a) ln(P_wait / 0.01) (exponential given a wait)
    c, a, life = 735, 707.0, 15.0
    beta = (c - a) / math.sqrt(a)
    phi = math.exp(-beta ** 2 / 2) / math.sqrt(2 * math.pi)
    p_hw = 1 / (1 + beta * 0.5 * (1 + math.erf(beta / math.sqrt(2))) / phi)
    assert abs(p_hw / _erlang_c(c, a) - 1) < 0.05
    by_hand = life / (c - a) * math.log(p_hw / 0.01)
    assert np.isclose(float(M._kv_room_wait(c, a, life, 0.99)), by_hand, rtol=1e-6)
    # at p50 the wait is 0 unless more than half the requests wait
    assert float(M._kv_room_wait(c, a, life, 0.50)) == (0.0 if p_hw <= 0.5 else float(M._kv_room_wait(c, a, life, 0.5)))


def test_wait_laws() -> None:
    rows = np.linspace(500.0, 734.0, 60)
    wait = M._kv_room_wait(735.0, rows, 15.0, 0.99)
    assert np.all(np.diff(wait) >= 0)                       # never shorter with more requests in flight
    assert wait[0] == 0.0 and wait[-1] > 10.0
    assert np.isinf(M._kv_room_wait(735.0, 735.0, 15.0, 0.99))   # a full cache on average: no steady wait
    assert np.all(M._kv_room_wait(735.0, rows, 15.0, 0.50) <= wait)


def _best(**load):
    hw, arch, ld = llama2_70b_inputs(queueing=True, **load)
    return M.search(hw, arch, ld)


def test_search_keeps_the_ttft_limit_and_the_cache() -> None:
    # a Server search on the bench Llama 2 70B (8 chips, 80 GB): off, the model before; on, the batch is never
    # above the cache's length-biased slots and the p99 time to first token, with the wait, keeps its limit
    off = _best()
    on = _best(kv_room_wait=np.array([1.0]), output_cv=np.array([0.59]))
    assert float(on["batch"][0]) <= float(on["kv_slots"][0]) + 1e-9
    assert float(on["ttft"][0]) <= 2.0 * (1 + 1e-9)
    assert float(on["kv_slots"][0]) < float(off["kv_slots"][0])   # a row holds more: fewer fit
    assert float(off["kv_wait_p99"][0]) == 0.0
    # a tighter limit cuts the rate (the wait shrinks with it), never breaks the limit
    tight = _best(kv_room_wait=np.array([1.0]), output_cv=np.array([0.59]), ttft_limit=np.array([0.8]))
    assert float(tight["ttft"][0]) <= 0.8 * (1 + 1e-9)
    assert float(tight["throughput"][0]) <= float(on["throughput"][0]) * (1 + 1e-9)


def test_a_batch_near_the_cache_is_held_to_the_limit_by_its_rate() -> None:
    # the batch fixed at 900 rows on tp 2, whose cache holds ~919 of them: at the full rate the wait would be
    # S / 19 ln(P_wait / 0.01) ~ 10 s; the rate is cut until the p99 (prompt queue + wait) is 2 s, so the wait is
    # positive, the limit holds and fewer tokens/s are served than the 900 rows would at the full rate
    kw = dict(kv_room_wait=np.array([1.0]), output_cv=np.array([0.59]), fixed_tp=np.array([2.0]),
              fixed_pp=np.array([1.0]), fixed_batch=np.array([900.0]))
    best = _best(**kw)
    assert float(best["feasible"][0]) == 1.0
    assert 900 < float(best["kv_slots"][0]) < 930
    assert float(best["kv_wait_p99"][0]) > 0.5
    assert abs(float(best["ttft"][0]) - 2.0) < 1e-3
    assert float(best["throughput"][0]) < 4 * 900 / float(best["t_iter"][0])     # 4 replicas of tp 2
    # a batch above what the cache holds on average does not fit
    kw["fixed_batch"] = np.array([950.0])
    assert float(_best(**kw)["feasible"][0]) == 0.0


def test_the_option_is_off_by_default() -> None:
    assert M.kv_room_wait.value == 0.0
    from compiler import validate as V
    assert V.MECHANISMS["kv_room"] == ()
