"""A hard cap on rows in flight at the KV pool, the excess waiting for a slot as an M/G/c queue
(compiler/models/inference/ _kv_room_wait with its shape, `let kv_wait_service_spread`; validate MECHANISMS
"kv_cap"; docs/accuracy.md "A hard cap on rows in flight"): by hand and as laws."""
from __future__ import annotations

import math

import numpy as np

from compiler.models import inference as M
from serving_inputs import llama2_70b_inputs


def _phi_ratio(beta: float) -> float:
    """beta Phi(beta) / phi(beta), written out."""
    Phi = 0.5 * (1 + math.erf(beta / math.sqrt(2)))
    phi = math.exp(-beta ** 2 / 2) / math.sqrt(2 * math.pi)
    return beta * Phi / phi


def test_b200_pool_and_the_mgc_wait_by_hand() -> None:
    # The pool as validate's `--with kv_cap --with engine_limits` gives it to NVIDIA's v5.0 8x B200 Llama 2 70B
    # Server rows: the datasheet's 180 GB, kvcache_free_gpu_mem_frac 0.95, memory_reserve 0; NVFP4 weights with
    # their block scales, 68.98e9 x 0.5625 B = 38.80 GB; the workspace 3,584 tokens x 68.98e9 / 80 / 8,192 x 2 B
    # = 0.754 GB. F = 0.95 x (180 - 38.80 - 0.754) GB = 133.42 GB; a row holds 222.33 + (1 + 0.59^2) x 294.45 / 2
    # = 420.80 tokens of 163,840 B: c = 133.42e9 / (163,840 x 420.80) = 1,935.2 rows.
    act = 68.98e9 / 80 / 8192 * 2
    free = M.kv_budget(180e9, 0.0, 68.98e9 * 0.5625, 0.95, 3584.0, act)
    c = float(M.kv_slots(free, 80 * 2048.0, 222.33, 294.45, 0.59))
    assert abs(c - 1935.2) < 0.5
    # NVIDIA's run holds a = 98,443.3 / 8 tok/s x 0.1502 s = 1,848 rows a GPU (Little). beta = (1,935.2 - 1,848)
    # / sqrt(1,848) = 2.028, P_wait = 1 / (1 + beta Phi / phi) = 0.0250; a life S = 294.45 x 0.1502 = 44.23 s;
    # the M/G/c wait given one is exponential of mean g S / (c - a), g = (1 + 0.59^2) / 2 = 0.674:
    # W_99 = 0.674 x 44.23 / 87.2 x ln(0.0250 / 0.01) = 0.31 s (Erlang C, g = 1: 0.47 s). The run measured
    # p99 1.567 s against the model's 0.688 s prompt queue: the cap at this pool gives a third of the gap.
    a, life, g = 1848.0, 294.45 * 0.1502, (1 + 0.59 ** 2) / 2
    beta = (c - a) / math.sqrt(a)
    p_wait = 1 / (1 + _phi_ratio(beta))
    assert abs(p_wait - 0.0250) < 0.001
    by_hand = g * life / (c - a) * math.log(p_wait / 0.01)
    assert abs(by_hand - 0.31) < 0.01
    assert np.isclose(float(M._kv_room_wait(c, a, life, 0.99, g)), by_hand, rtol=1e-6)   # the model's normal tail: a rational approximation
    assert float(M._kv_room_wait(c, a, life, 0.50, g)) == 0.0        # P_wait < 0.5: no median wait


def test_shape_laws() -> None:
    c, life = 735.0, 15.0
    rows = np.linspace(500.0, 734.0, 40)
    erlang = M._kv_room_wait(c, rows, life, 0.99)
    # shape 1 is the Erlang-C wait (the model before, bit for bit); the wait is linear in the shape
    assert np.array_equal(M._kv_room_wait(c, rows, life, 0.99, 1.0), erlang)
    for cv in (0.0, 0.35, 0.59, 1.0, 1.07):
        g = (1 + cv ** 2) / 2
        assert np.allclose(M._kv_room_wait(c, rows, life, 0.99, g), g * erlang, rtol=1e-12)
    # equal lives (cv 0) wait half as long as exponential ones; cv 1 is Erlang C
    assert np.allclose(M._kv_room_wait(c, rows, life, 0.99, 0.5), erlang / 2)
    # still never shorter with more rows in flight, infinite at a full pool
    assert np.all(np.diff(M._kv_room_wait(c, rows, life, 0.99, 0.674)) >= 0)
    assert np.isinf(M._kv_room_wait(c, c, life, 0.99, 0.674))


def _best(**load):
    hw, arch, ld = llama2_70b_inputs(queueing=True, **load)
    return M.search(hw, arch, ld)


def test_search_with_the_mgc_wait() -> None:
    # a Server search on the bench Llama 2 70B: the cap and the wait on; the M/G/c wait (cv 0.59: g = 0.674) is
    # shorter than the Erlang-C one at the same batch, so its capacity is never below it, and both keep the limit
    # and the cap; off (0), the Erlang-C search exactly
    kw = dict(kv_room_wait=np.array([1.0]), output_cv=np.array([0.59]))
    erlang = _best(**kw)
    mgc = _best(kv_wait_spread=np.array([1.0]), **kw)
    same = _best(kv_wait_spread=np.array([0.0]), **kw)
    for name in ("throughput", "ttft", "batch", "kv_wait_p99"):
        assert np.array_equal(same[name], erlang[name])
    for best in (erlang, mgc):
        assert float(best["batch"][0]) <= float(best["kv_slots"][0]) + 1e-9
        assert float(best["ttft"][0]) <= 2.0 * (1 + 1e-9)
    assert float(mgc["throughput"][0]) >= float(erlang["throughput"][0]) * (1 - 1e-9)
    # a batch fixed near the cap (900 of ~919 slots on tp 2): the rate is cut until the p99 is 2 s in both; the
    # shorter M/G/c wait lets more tokens through
    fixed = dict(fixed_tp=np.array([2.0]), fixed_pp=np.array([1.0]), fixed_batch=np.array([900.0]), **kw)
    e, m = _best(**fixed), _best(kv_wait_spread=np.array([1.0]), **fixed)
    assert abs(float(e["ttft"][0]) - 2.0) < 1e-3 and abs(float(m["ttft"][0]) - 2.0) < 1e-3
    assert float(m["throughput"][0]) > float(e["throughput"][0])


def test_the_mechanism_is_off_by_default() -> None:
    assert M.kv_wait_service_spread.value == 0.0
    from compiler import validate as V
    assert V.MECHANISMS["kv_cap"] == ()
    assert V.MECHANISM_SCENARIOS["kv_cap"] == ("server",)
