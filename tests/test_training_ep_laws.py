"""Laws of the training layout search's expert parallelism (compiler/models/training.py `expert_parallel`).

Megatron-Core runs a mixture-of-experts layer only where the expert-parallel degree ep divides the routed experts
E (megatron/core/transformer/moe/moe_layer.py: `assert self.config.num_moe_experts % ep_size == 0`) and the
expert grid tiles the world: world % (expert_tp x ep x pp) == 0 (megatron/core/parallel_state.py
`initialize_model_parallel`), with world = tp pp cp dp and expert tensor parallelism = tp here, so ep divides
dp x cp (NVIDIA/Megatron-LM d98e8a6, 2026-08-22). The search used ep = min(E, dp cp, ranks of one domain):
DeepSeek-V3 (256 experts) at ep 36 on 576 GB200 and at ep 3 on one GB200 rack (s13-trustsrv's strict xfail).
"""
from __future__ import annotations

import numpy as np
import pytest

from compiler import evaluate_text
from compiler.models import training as T

MOE_MODELS = {"Mixtral_8x7B": 8, "GPT_OSS_20B": 32, "GPT_OSS_120B": 128, "DeepSeek_V3": 256}
COUNTS = "[8, 24, 40, 72, 96, 144, 200, 576, 1000, 2016]"


def _spec(system: str, holder: str, extra: str = "") -> str:
    blocks = "".join(f"""  training {name.lower()} {{
    model = {name}
    {holder} = {system}
    accelerators = n
    tokens = 1 Ttok
    precision = "fp8"
{extra}  }}
""" for name in MOE_MODELS)
    return (f"from systems import {system}\nfrom models import {', '.join(MOE_MODELS)}\nparam n = {COUNTS}\n"
            f"site s {{\n{blocks}}}\n")


def _evaluate(text: str, monkeypatch=None):
    """(values by path as float arrays over the scenarios, sink, [(E, ep, dp cp, allowed) of every block the
    search evaluated]) of a spec; `monkeypatch` records the columns the search considers."""
    seen = []
    if monkeypatch is not None:
        inner = T.best_step

        def recording(hw, arch, job, n_values, fixed, fits_only=False):
            q, ok = inner(hw, arch, job, n_values, fixed, fits_only)
            seen.append((np.asarray(arch.experts, dtype=float).reshape(-1, 1), q["ep"], q["dp"] * q["cp"],
                         q["allowed"], ok))
            return q, ok
        monkeypatch.setattr(T, "best_step", recording)
    results, sink = evaluate_text(text, "ep_laws.factory")
    assert results is not None, [d.message for d in sink.items]
    values = {k: np.asarray(v, dtype=float).reshape(-1) for k, v in results.values.items()
              if isinstance(v, np.ndarray)}
    return values, sink, seen


def _megatron_runs(E, ep, dcp) -> np.ndarray:
    """Megatron-Core's two rules: ep divides the routed experts and dp x cp (whole numbers held as floats)."""
    return (np.mod(E, ep) == 0) & (np.mod(dcp, ep) == 0)


@pytest.mark.parametrize("system,holder", [("HGX_H100", "system"), ("GB200_NVL72", "rack")])
def test_every_layout_the_search_considers_and_returns_is_one_megatron_can_run(system, holder, monkeypatch):
    """Four MoE models (8, 32, 128, 256 routed experts) at ten counts (8 to 2,016) on 8-GPU HGX nodes and 72-GPU
    NVL72 racks: every column the search may pick (`allowed`, which `fits` implies) has ep | E and ep | dp cp,
    and so does the layout it returns; ep >= 1 everywhere."""
    v, sink, seen = _evaluate(_spec(system, holder), monkeypatch)
    assert seen
    for E, ep, dcp, allowed, ok in seen:
        E = np.broadcast_to(E, ep.shape)
        assert np.all(ep >= 1)
        runs = _megatron_runs(E, ep, dcp)
        assert np.all(runs[allowed]), (E[allowed & ~runs][:5], ep[allowed & ~runs][:5], dcp[allowed & ~runs][:5])
        assert not np.any(ok & ~allowed)
    for name, E in MOE_MODELS.items():
        w = f"s.{name.lower()}"
        ok = v[f"{w}.feasible"] > 0
        assert ok.any(), name
        ep, dcp = v[f"{w}.ep"][ok], v[f"{w}.dp"][ok] * v[f"{w}.cp"][ok]
        assert np.all(_megatron_runs(E, ep, dcp)), (name, ep, dcp)


def test_the_expert_parallel_degree_is_the_largest_common_divisor_by_hand() -> None:
    """`expert_parallel(E, dp cp, g_dom)`: ep_max = gcd(E, dp cp), ep_in the largest common divisor within one
    domain's g_dom ranks. DeepSeek-V3 (E 256) at dp cp = 36 (576 GB200 at tp 1 pp 16): gcd 4 (it was min(256,
    36) = 36, 7.1 experts a rank); at dp cp = 168 (2,016 at pp 6 cp 2, the example's gb200_run): 8, in a
    domain of 36 ranks 8; Mixtral (E 8) at dp cp = 12: 4; at 9: 1 (only 1 divides both); at 64 in a domain of
    2 ranks: ep_in 2, ep_max 8; a dense model (E 0): 1."""
    E = np.array([[256.0], [256.0], [8.0], [8.0], [8.0], [0.0]])
    dcp = np.array([[36.0], [168.0], [12.0], [9.0], [64.0], [64.0]])
    g = np.array([[72.0], [36.0], [8.0], [8.0], [2.0], [8.0]])
    ep_in, ep_max = T.expert_parallel(E, dcp, g)
    assert ep_max.ravel().tolist() == [4.0, 8.0, 4.0, 1.0, 8.0, 1.0]
    assert ep_in.ravel().tolist() == [4.0, 8.0, 4.0, 1.0, 2.0, 1.0]
    moe = E > 0
    assert np.array_equal(ep_max[moe], np.gcd(E.astype(int), dcp.astype(int))[moe])


def test_a_given_ep_keeps_to_layouts_whose_data_parallel_ranks_it_divides() -> None:
    """Mixtral 8x7B on 24 H100 with `ep = 8`: the data-parallel ranks dp x cp must form whole expert groups of 8
    (Megatron: world % (tp ep pp) == 0), so no layout of dp cp = 3, 6, 12 or 24 is taken; with `ep = 4` as well.
    On 24 GPUs at ep 8 the search finds dp cp = 8 (16 of the 24 GPUs in use at most)."""
    for ep in (8, 4):
        text = f"""from systems import HGX_H100
from models import Mixtral_8x7B
site s {{
  training t {{
    model = Mixtral_8x7B
    system = HGX_H100
    accelerators = 24
    tokens = 1 Ttok
    precision = "fp8"
    ep = {ep}
  }}
}}
"""
        v, sink, _ = _evaluate(text)
        assert not sink.has_errors(), [d.message for d in sink.errors]
        dcp = v["s.t.dp"][0] * v["s.t.cp"][0]
        assert v["s.t.ep"][0] == ep and dcp % ep == 0, (ep, dcp)


def test_a_single_expert_model_is_the_dense_model_but_for_its_token_permutation() -> None:
    """A mixture-of-experts model with one routed expert, taken by every token (experts 1, experts_active 1),
    computes what its dense twin computes: ep is 1 at every count (1 is the only divisor of E), there is no
    all-to-all, its one expert's parameters are counted dense (no expert sharding), so the state, memory and
    every step term but the elementwise work equal the dense twin's; the elementwise work carries the MoE
    token permutation (`permute_bytes(1)` = 16 h bytes a token and layer), and the bubble its share of it, so
    the step is never shorter. Layouts agree at these counts."""
    text = """from systems import HGX_H100
from models import Llama3_1_8B
param n = [8, 16, 24, 64, 72]
model One extends Llama3_1_8B {
  experts = 1
  experts_active = 1
}
site s {
  training dense {
    model = Llama3_1_8B
    system = HGX_H100
    accelerators = n
    tokens = 1 Ttok
  }
  training one {
    model = One
    system = HGX_H100
    accelerators = n
    tokens = 1 Ttok
  }
}
"""
    v, sink, _ = _evaluate(text)
    assert not sink.has_errors(), [d.message for d in sink.errors]
    d, m = "s.dense", "s.one"
    assert np.all(v[f"{m}.ep"] == 1) and np.all(v[f"{m}.detail.ep_comm_time"] == 0)
    for name in ("tp", "pp", "cp", "dp", "microbatch", "virtual_stages", "memory_per_accelerator",
                 "detail.compute_time", "detail.dp_comm_time", "detail.tp_comm_time", "detail.optimizer_time",
                 "detail.step_overhead_time", "detail.moe_sync_time"):
        np.testing.assert_allclose(v[f"{m}.{name}"], v[f"{d}.{name}"], rtol=1e-12, err_msg=name)
    extra = v[f"{m}.detail.elementwise_time"] - v[f"{d}.detail.elementwise_time"]
    assert np.all(extra > 0)
    grown = (v[f"{m}.detail.elementwise_time"] + v[f"{m}.detail.bubble_time"]
             - v[f"{d}.detail.elementwise_time"] - v[f"{d}.detail.bubble_time"])
    np.testing.assert_allclose(v[f"{m}.step_time"] - v[f"{d}.step_time"], grown, rtol=1e-9)
    # by hand: the permutation is 16 / ELEMENTWISE_BYTES of the elementwise work where the layouts agree
    ratio = extra / v[f"{d}.detail.elementwise_time"]
    np.testing.assert_allclose(ratio, T.permute_bytes(1.0) / T.ELEMENTWISE_BYTES, rtol=1e-9)


def test_the_expert_parallel_tables_equal_brute_force() -> None:
    """`expert_parallel` by its lookup tables equals the definition, degree by degree: ep_max the largest d with
    d | E and d | dp cp, ep_in the largest such d <= g_dom, for E of 1 to 1,000 (powers of two and not), dp cp up
    to 200,000 (beyond 2^16 the table is taken modulo E) and domains up to 600; rows of different E at once."""
    rng = np.random.default_rng(11)
    E = np.array([[0.0], [1.0], [3.0], [8.0], [12.0], [128.0], [256.0], [384.0], [1000.0]])
    for high in (60, 5_000, 200_000):
        dcp = rng.integers(1, high, size=(E.shape[0], 30)).astype(float)
        g = rng.integers(1, 600, size=(E.shape[0], 1)).astype(float)
        ep_in, ep_max = T.expert_parallel(E, dcp, g)
        for i, e in enumerate(E[:, 0].astype(int)):
            for j, x in enumerate(dcp[i].astype(int)):
                common = [d for d in range(1, e + 1) if e % d == 0 and x % d == 0] or [1]
                assert ep_max[i, j] == max(common), (e, x)
                assert ep_in[i, j] == max([d for d in common if d <= g[i, 0]] or [1]), (e, x, g[i, 0])
    # the largest expert count the schema allows costs no more than the chips in use: 2^52 experts on dp cp = 2^21
    # in a domain of 9,216 ranks: ep_max 2^21, ep_in 8,192; 2^53 - 1 (odd) against 48: 1 (3 does not divide it)
    ep_in, ep_max = T.expert_parallel(np.array([[2.0 ** 52], [2.0 ** 53 - 1]]), np.array([[2.0 ** 21], [48.0]]),
                                      np.array([[9216.0], [8.0]]))
    assert ep_max.ravel().tolist() == [2.0 ** 21, 1.0] and ep_in.ravel().tolist() == [8192.0, 1.0]
