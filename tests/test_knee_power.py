"""The GEMM knee's draw in the clock law (`let gemm_knee_power`, compiler/models/inference/; docs/accuracy.md
"The add-in cards' decode step"): a hand calculation on one H100 SXM at its 700 W limit, and the laws."""
from __future__ import annotations

import pytest

from compiler.models import inference as M
from test_inference import (E_M, F_H100, KNEE_LAW, M0, T0, TS, clock_rate, run, spec,  # tests/ is on the path
                            workload)

# the hand calculations' Hopper FP8 factor, given to the workloads (the stdlib's is 0.77 since 2026-12-07): the
# knee's draw is a law of the knee law (KNEE_LAW) at a stated e_c
E_H100 = 0.81
HAND = {"let inference_gemm_efficiency": E_H100, **KNEE_LAW}


def shape(rows: float, e_max: float = E_H100) -> float:
    """The GEMM efficiency at `rows` tokens: e_max m / (m + m0)."""
    return e_max * rows / (rows + M0)


def test_the_knee_draws_no_compute_power_by_hand() -> None:
    """Llama 3.1 8B FP8 on one H100 SXM (tp 1), Offline, 64 rows, 1,000-token prompts and 250 out (r = 4):

        T      = 64 (1 + 4) = 320 tokens; e(320) = 0.81 x 320 / (320 + 128) = 0.579
        gemm   = 320 x 2 x 8.03e9 / (1979e12 x 0.579) = 4.49 ms at the full clock; at e_c alone (its FLOPs)
                 320 x 2 x 8.03e9 / (1979e12 x 0.81) = 3.21 ms, so its knee is 1.28 ms (128 rows' worth)
        weights= 8.03e9 / (3.35e12 x 0.75) = 3.20 ms (the max is the GEMM's at either clock below)
        step   = max(gemm / rho, weights) + max(attn / rho, kv) + ctx / rho + 2 ms + 64 x 35 us + 32 x 5 us
                 = 10.84 ms at the full clock (the knee's time is in the step either way)
        clock  : P = 72 + 1,755 u_c v(x)^2 + 104.5 u_m W, u_c = busy / (rho t). gemm_knee_power 1 (the model
                 before): busy = gemm + attention, u_c = 0.42 at the full clock, 72 + 1,755 x 0.42 = 815 W > 700 W:
                 the clock drops to rho = 0.911 (the root of P = 700 W at the step's own activity; 0.914 at the
                 Hopper factor 0.82, 0.916 the two-pass iterate before s17-converge), the step 11.29 ms. 0: busy =
                 the FLOPs at e_c + attention, u_c = 0.305, u_m = 0.351: 72 + 1,755 x 0.305 + 104.5 x 0.351 = 644 W
                 < 700 W: the full clock, 10.84 ms (-3.9%).
    """
    A, L, D = 8_030_261_248, 32, 4096
    I, O, B = 1000, 250, 64
    r = I / O
    T = B * (1 + r)
    P = 1979e12
    gemm = T * 2 * A / (P * shape(T))
    flops = T * 2 * A / (P * E_H100)
    assert shape(T) == pytest.approx(0.579, abs=1e-3)
    assert gemm == pytest.approx(4.49e-3, rel=2e-3) and flops == pytest.approx(3.21e-3, rel=2e-3)
    assert gemm - flops == pytest.approx(M0 * 2 * A / (P * E_H100), rel=1e-9)      # the knee: m0 rows' worth
    weights = A / (3.35e12 * E_M)
    attn = B * 4 * L * (I + O / 2) * D / (P * E_H100)
    e_fmha = 0.84 * I / (I + 565)
    attn_ctx = B * r * 4 * L * (I / 2) * D / (P * E_H100 * e_fmha)
    kv = B * (I + O / 2) * (L * 2 * 8 * 128 * 1) / (3.35e12 * E_M)
    rest = L * M.layer_latency.value + T0 + B * TS
    at = (lambda rho: max(gemm / rho, weights) + max(attn / rho, kv) + attn_ctx / rho + rest)
    moved = (weights + kv) * E_M
    rho_1 = clock_rate(at, gemm + attn + attn_ctx, moved)           # the knee counts as compute activity
    rho_0 = clock_rate(at, flops + attn + attn_ctx, moved)          # the knee's matrix units idle
    assert F_H100 < rho_1 < rho_0 <= 1
    base = dict(model="Llama3_1_8B", system="DGX_H100", accelerators=1, precision='"fp8"', kv_precision='"fp8"',
                tp=1, pp=1, batch=B, input_tokens=f"{I} tok", output_tokens=f"{O} tok", **HAND)   # the knee law at 0.81
    v = run(spec(workload("on", **base) + workload("off", **base, **{"let gemm_knee_power": 0})
                 + workload("half", **base, **{"let gemm_knee_power": 0.5})))
    assert v["s.on.clock_fraction"][0] == pytest.approx(rho_1, rel=1e-6)
    assert v["s.off.clock_fraction"][0] == pytest.approx(rho_0, rel=1e-6)
    assert v["s.on.tpot"][0] == pytest.approx(at(rho_1), rel=1e-6)
    assert v["s.off.tpot"][0] == pytest.approx(at(rho_0), rel=1e-6)
    # a share between: the knee's time at half a large GEMM's activity, a clock between the two
    assert v["s.on.clock_fraction"][0] < v["s.half.clock_fraction"][0] < v["s.off.clock_fraction"][0]
    assert rho_1 == pytest.approx(0.911, abs=1e-3) and rho_0 == 1.0
    assert at(rho_1) == pytest.approx(11.29e-3, rel=1e-3) and at(rho_0) == pytest.approx(10.84e-3, rel=1e-3)


def test_the_knee_power_changes_nothing_at_the_full_clock() -> None:
    """Where the step's draw stays under the limit at full clock (a memory-bound step: one stream of Llama 3.1 8B,
    or a decode step at 16 rows on an H100 SXM) the clock is 1 with or without the knee's draw: the step is the same."""
    base = dict(model="Llama2_70B", system="DGX_H100", accelerators=8, precision='"fp8"', tp=8, pp=1, batch=16,
                input_tokens="1000 tok", output_tokens="200 tok", **HAND)
    v = run(spec(workload("on", **base) + workload("off", **base, **{"let gemm_knee_power": 0})))
    assert v["s.on.clock_fraction"][0] == v["s.off.clock_fraction"][0] == 1.0
    assert v["s.on.tpot"][0] == v["s.off.tpot"][0]


def test_the_knee_power_never_lengthens_a_step_of_an_add_in_card() -> None:
    """Less compute activity never lowers the clock: on the power-capped add-in cards (H100 NVL 400 W, H100 PCIe
    and L40S 350 W) every scenario's step is no longer, and its throughput no lower, with the knee idle."""
    imports = "from chips import H100_NVL, H100_PCIe, L40S\nfrom models import Llama2_70B\n"
    body = ""
    for chip in ("H100_NVL", "H100_PCIe", "L40S"):
        base = dict(model="Llama2_70B", chip=chip, accelerators=2, scaleup_size=2, precision='"fp8"', tp=2,
                    batch=128, input_tokens="222 tok", output_tokens="294 tok", **KNEE_LAW)   # (the H100 cards'
        # own default is the smooth law since 2026-12-07, whose knee is memory time: no draw to idle)
        body += workload(f"{chip.lower()}_on", **base, **{"let gemm_knee_power": 1})
        body += workload(f"{chip.lower()}_off", **base, **{"let gemm_knee_power": 0})
        body += workload(f"{chip.lower()}_default", **base)
    v = run(spec(body, imports=imports))
    for chip in ("h100_nvl", "h100_pcie", "l40s"):
        on, off = v[f"s.{chip}_on.tpot"][0], v[f"s.{chip}_off.tpot"][0]
        assert off < on, chip
        assert v[f"s.{chip}_off.clock_fraction"][0] > v[f"s.{chip}_on.clock_fraction"][0], chip
        # the card's own `let gemm_knee_power = 0` (stdlib/chips.factory, since 2026-12-06) is its default
        assert v[f"s.{chip}_default.tpot"][0] == off, chip
