"""Training layouts of a small MoE model (gpt-oss-20b) under strong scaling (issue 11, s17-moetrain; docs/accuracy.md
"Small-MoE training layouts").

NVIDIA's MLPerf Training v6.0 gpt-oss-20b runs on GB300 NVL72 (mlcommons/training_results_v6.0 via fork
Richardyu114/training_results_v6.0, commit eabf23a0, NVIDIA/benchmarks/gpt_oss_20b/implementations/*/README-*.md
[P]) ran these layouts, each named by its configuration `config_GB300_<nodes>x<gpus>x<micro-batch>xtp..pp..cp..ep..`:
  8 GPUs   config_GB300_2x4x3xtp1pp1cp1ep1_mxfp8.sh    tp 1, pp 1, cp 1, ep 1, micro-batch 3, dp 8: 24 sequences
  72 GPUs  config_GB300_18x4x1xtp1pp1cp2ep4_mxfp8.sh   tp 1, pp 1, cp 2, ep 4, micro-batch 1, dp 36: 36 sequences
  512 GPUs config_GB300_128x4x1xtp2pp1cp4ep8.sh        tp 2, pp 1, cp 4, ep 8, micro-batch 1, dp 64: 64 sequences
(global batches as their logs, compiler/validate.py TRAINING_BATCH). Laws: each of these layouts is a candidate of
the training model (a spec that fixes it gets it, feasible); the free search picks micro-batches only among
MB_SEARCH; at a fixed global batch more accelerators never lengthen the time to train (the search may leave
accelerators idle); MFU stays in (0, 1]."""
from __future__ import annotations

import numpy as np

import dsl
from compiler.evaluate import evaluate
from compiler.lower import lower
from compiler.models import training as T

NVIDIA_V60 = {8: dict(tp=1, pp=1, cp=1, ep=1, microbatch=3, batch=24),
              72: dict(tp=1, pp=1, cp=2, ep=4, microbatch=1, batch=36),
              512: dict(tp=2, pp=1, cp=4, ep=8, microbatch=1, batch=64)}


def _job(name: str, n: int, batch: int, fixed: dict | None = None) -> str:
    lines = "".join(f"    {k} = {v}\n" for k, v in (fixed or {}).items())
    return (f"  training {name} {{\n    model = GPT_OSS_20B\n    chip = GB300\n    accelerators = {n}\n"
            f"    scaleup_size = {min(n, 72)}\n    tokens = 2e9 tok\n    eval_tokens = 2e8 tok\n    evaluations = 24\n"
            f"    seq_len = 8192 tok\n    global_batch = {batch} * 8192 tok\n    failure_rate = 0 / 1 s\n{lines}  }}\n")


def _values(jobs: str) -> dict:
    text = "from chips import GB300\nfrom models import GPT_OSS_20B\nsite s {\n" + jobs + "}\n"
    checked, sink = dsl.check_text(text, name="moe.factory")
    results = evaluate(lower(checked, sink), sink)
    assert not sink.has_errors(), [d.message for d in sink.items]
    return {k: float(np.asarray(x).ravel()[0]) for k, x in results.values.items()
            if isinstance(x, np.ndarray) and np.asarray(x).size}


def test_the_layouts_nvidia_ran_are_candidates_and_the_free_search_keeps_its_micro_batches() -> None:
    """Fixed to NVIDIA's layout each run is feasible with that layout (the 8-GPU one, micro-batch 3, was refused
    before: the micro-batch grid held 1, 2, 4); left free at the same counts the search picks micro-batches in
    MB_SEARCH only, so the searched figures are those of before."""
    jobs = "".join(_job(f"nv{n}", n, L["batch"], {k: v for k, v in L.items() if k != "batch"})
                   + _job(f"free{n}", n, L["batch"]) for n, L in NVIDIA_V60.items())
    v = _values(jobs)
    for n, L in NVIDIA_V60.items():
        assert v[f"s.nv{n}.feasible"] == 1, n
        for k in ("tp", "pp", "cp", "ep", "microbatch"):
            assert v[f"s.nv{n}.{k}"] == L[k], (n, k)
        assert v[f"s.nv{n}.dp"] == L["batch"] / L["microbatch"] if n == 8 else L["batch"], n
        assert v[f"s.nv{n}.idle_accelerators"] == 0, n
        assert v[f"s.free{n}.microbatch"] in T.MB_SEARCH, n
        for job in (f"nv{n}", f"free{n}"):
            assert 0 < v[f"s.{job}.mfu"] <= 1, job


def test_more_accelerators_at_a_fixed_global_batch_never_lengthen_the_time_to_train() -> None:
    """64 sequences of 8,192 tokens (NVIDIA's 512-GPU batch) on 72 to 1,024 GB300 in 72-GPU domains: the time to
    train never rises with the count (a larger count keeps every layout of a smaller one, idle accelerators
    allowed, or a better one), and the MFU over the accelerators held falls no faster than 1 / n."""
    counts = (72, 144, 216, 256, 512, 1024)
    v = _values("".join(_job(f"w{n}", n, 64) for n in counts))
    t = np.array([v[f"s.w{n}.time_to_train"] for n in counts])
    assert np.all(np.diff(t) <= 1e-9 * t[:-1]), t
    mfu_n = np.array([v[f"s.w{n}.mfu"] * n for n in counts])
    assert np.all(np.diff(mfu_n) >= -1e-9 * mfu_n[:-1]), mfu_n


def test_domain_rings_divide_the_fabric_leg_by_the_group_members_in_a_domain() -> None:
    """`dp_domain_rings` (opt-in): Llama 3.1 8B on 64 GB300 at tp 1 (dp 64, one dense group), by hand: off, every
    rank's buffer crosses its own NIC, t_dp = 2 x 2 B x N (63 / 64) / BO, whatever the domain; on, g = S / tp
    members of the group in a domain leave it on g NICs at once, t_dp / g (g BO < BL for GB300: 8 and 16 x 800 Gb/s
    against 1.8 TB/s): 8x shorter in 8-GPU domains, 16x in 16-GPU ones; and a job inside one domain is unchanged."""
    def job(name, n, S, rings):
        return (f"  training {name} {{\n    model = Llama3_1_8B\n    chip = GB300\n    accelerators = {n}\n"
                f"    scaleup_size = {S}\n    seq_len = 8192 tok\n    global_batch = 64 * 8192 tok\n    tp = 1\n"
                f"    pp = 1\n    cp = 1\n    failure_rate = 0 / 1 s\n" + ("    let dp_domain_rings = 1\n" if rings else "")
                + "  }\n")
    text = ("from chips import GB300\nfrom models import Llama3_1_8B\nsite s {\n"
            + "".join(job(f"{'on' if r else 'off'}{S}", 64, S, r) for S in (8, 16) for r in (0, 1))
            + job("inoff", 64, 64, 0) + job("inon", 64, 64, 1) + "}\n")
    checked, sink = dsl.check_text(text, name="rings.factory")
    results = evaluate(lower(checked, sink), sink)
    assert not sink.has_errors(), [d.message for d in sink.items]
    v = {k: float(np.asarray(x).ravel()[0]) for k, x in results.values.items() if k.endswith("dp_comm_time")}
    t = {k.split(".")[1]: x for k, x in v.items()}
    assert t["off8"] == t["off16"]
    assert np.isclose(t["off8"] / t["on8"], 8.0, rtol=1e-9) and np.isclose(t["off16"] / t["on16"], 16.0, rtol=1e-9)
    assert t["inon"] == t["inoff"] < t["on16"]


def test_domain_rings_are_a_validate_mechanism_measured_not_applied() -> None:
    from compiler import validate as V
    assert V.MECHANISM_TABLE["dp_domain_rings"].applied == ()
    assert V.MECHANISM_TABLE["dp_domain_rings"].concerns == ("training",)
    assert T.dp_domain_rings.value == 0.0
