"""Power model: IT power per component at peak and at the average utilization, rolled up the hierarchy.

Pipeline position: registered model of `compiler.models`; imports numpy and the registry only.

Formulas (all per item; parents multiply by their parts' counts):

    chip.peak_power   = tdp
    chip.power        = idle + u * (tdp - idle)          u: `utilization` of the nearest block that sets it
                                                          idle: `idle_power`, else idle_fraction * tdp
    cpu.power         = idle + u_cpu * (tdp - idle)       u_cpu: the cpu's `utilization` or cpu_utilization
    server.peak_power = (sum(parts at peak) + overhead) / psu_efficiency      (checked against max_power)
    server.power      = max(idle_power, (sum(parts at average) + overhead * load) / psu_efficiency)
                        overhead: `overhead_power` (at full load), else `overhead_fraction` of the parts
                        at peak (default: air 25%, liquid 10%); load = parts at average / parts at peak
                        (fans and regulator losses follow the heat they handle); never below the server's
                        declared `idle_power` where it gives one (the static floor the parts do not hold;
                        the same at a workload's draw, system_power_at)
                        a server with no parts: peak = max_power, average = idle + u * (max_power - idle)
    rack/row/hall/site.it_power     = sum(count * part peak power)   (servers, switches, NICs, ... and
                                      the racks, rows and halls inside), divided by the power-shelf
                                      efficiency when the rack has power shelves
    rack/row/hall/site.it_power_avg = the same at average utilization
    power_<bucket> (server, rack, row, hall, site; peak): sum(count * part figure) over the direct parts of
                      the bucket's kinds plus sum(count * part.power_<bucket>) over servers, racks, rows, halls
                      accelerators: chip peak_power; cpus: cpu peak_power; memory: memory and storage power;
                      network: NIC, DPU, switch, transceiver, cable and network power
    power_overhead  = peak power (server peak_power, else it_power) - the four buckets: fans, boards and
                      PSU losses, power-shelf losses, servers given only a nameplate (negative when a spec
                      sets a total below its parts)
    row/hall/site.it_power_outside_racks = sum(count * power) of the parts that are not racks, rows or halls
                      + sum(count * row.it_power_outside_racks)      (a site's halls count their own)
    rack/row.power_limit_utilization = it_power / power_limit   (where the spec gives power_limit)

A workload's own draw (the DVFS section below, the one place it lives): per accelerator, x = f / f_max,
    P = min(cap, P_idle + a u_c + b u_m) (the draw at the full clock, held at the cap when it throttles),
    dynamic power at x: a u_c x v(x)^2, v(x) = max(v0, x) (the supply voltage, at its floor v0 below x = v0),
    sustained clock: the highest x with P_idle + a u_c x v(x)^2 + b u_m <= cap, compute rate rho = x,
    cap = min(tdp, power_cap)
with a, b fitted once on the measured H100 SXM (72 W idle; 700 W at 1,350 of 1,980 MHz under sustained GEMM,
669 TFLOP/s) and v0 = 0.72 on NVIDIA's H200 at 500 and 700 W (MLPerf Inference v4.1), scaled by TDP for other
chips; system_power_at() is the server or rack power with its accelerators at that draw.
`compute_clock_fraction(workload, chip)` is the throughput models' factor.
A training step is not one activity: compiler.models.workloads.training_phases weights the draw of its
compute-bound phases (u_c = 1, at the cap) and of its light ones (collectives, bubble, memory-bound kernels,
comm_wait_utilization) by their shares of the step time.
The facility figures above stay at the planning `utilization` (what a site is sized and billed for).

Assumptions: every part draws its average power for the whole year (no job scheduling gaps); NICs,
switches, optics and drives draw their rated `power` whatever the load; fans and board power scale with
the load they cool. Losses of the facility's power chain are in `compiler.models.facility`.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from . import NON_NEGATIVE, POSITIVE, SHARE, SWITCH, UNIT_FRACTION, Assumption, left_over, limit, output
from . import assumptions as A

DEVICE_KINDS = ("chip", "cpu", "server")                         # have power (average) and peak_power
FIXED_KINDS = ("memory", "storage", "nic", "dpu", "switch", "transceiver", "cable", "network")
FACILITY_KINDS = ("rack", "row", "hall")


def part_power(ctx, peak: bool):
    """Sum over direct parts of count x power (peak or average); nothing inside counts twice."""
    total = np.zeros(1)
    for part in ctx.parts(*DEVICE_KINDS):
        total = total + part.count * part.get("peak_power" if peak else "power")
    for part in ctx.parts(*FIXED_KINDS):
        total = total + part.count * part.get("power", 0.0)
    for part in ctx.parts(*FACILITY_KINDS):
        total = total + part.count * part.get("it_power" if peak else "it_power_avg")
    return total


def places_power(ctx) -> bool:
    """Whether the block places any part `part_power` sums (a device, fixed gear, a rack, row or hall), whatever
    its count: a site of workloads alone (no building) places none, and its IT power is 0 by construction."""
    return any(True for _ in ctx.parts(*DEVICE_KINDS, *FIXED_KINDS, *FACILITY_KINDS))


def _accelerator_utilization(ctx):
    return ctx.inherited("utilization", A.utilization)


def _load_power(ctx, utilization, idle_fraction):
    """idle + u * (tdp - idle), idle being `idle_power` or a share of the TDP."""
    tdp = ctx.get("tdp")
    idle = ctx.get("idle_power") if ctx.is_set("idle_power") else tdp * ctx.get(idle_fraction.name, idle_fraction)
    return idle + utilization * (tdp - idle)


for _kind in ("chip", "cpu"):
    output(_kind, "peak_power", "tdp")(lambda ctx: ctx.get("tdp"))
output("chip", "power", "idle_power + utilization * (tdp - idle_power)")(
    lambda ctx: _load_power(ctx, _accelerator_utilization(ctx), A.idle_fraction))
output("cpu", "power", "idle_power + utilization * (tdp - idle_power)")(
    lambda ctx: _load_power(ctx, ctx.get("utilization", A.cpu_utilization), A.cpu_idle_fraction))


# ------------------------------------------------------------------ accelerator draw under a workload (DVFS)
# The one place a chip's power under load and the clock it sustains under its power limit are modelled. The
# training model scales its compute peaks by `compute_clock_fraction` (a compute-bound phase); the inference
# model asks `compute_rate_at` for the rate at each configuration's own activity (u_c, u_m of its decode step
# and of its prefill: a memory-bound decode step keeps the full clock, a prefill-heavy one throttles); the
# workload outputs `accelerator_power`, `system_power` (compiler.models.workloads) use `chip_draw`.
#
# Per chip, x = f / f_max the SM clock fraction:
#
#     P(x) = P_idle + a * u_c * x * v(x)^2 + b * u_m,     v(x) = max(v0, x)
#
#     u_c   compute activity: the share of the phase's time its compute kernels run (inference: the step's
#           matrix-multiply and attention time at its clock over the step time, whatever their efficiency; 1 for
#           a compute-bound phase at any clock; the workload outputs' u_c is the achieved FLOP/s over
#           gemm_peak_fraction * peak at its precision) [D]
#     u_m   memory activity: bytes moved per second / peak memory bandwidth
#     x v^2 dynamic power C V^2 f [S: CMOS switching power]: the supply voltage V rises with the clock (V ~ f in the
#           DVFS range [U]) above a floor below which it cannot go: V / V(f_max) = max(v0, x). Above x = v0 the
#           dynamic power falls like x^3 with the clock, below it like x (the voltage held at its floor)
#     cap   = min(tdp, power_cap): the board limit (the workload's `power_cap` where it sets one)
#     sustained clock  with h = (cap - P_idle - b u_m) / (a u_c):  x = 1 (h >= 1), h^(1/3) (v0^3 <= h < 1),
#                      h / v0^2 (h < v0^3: on the voltage floor); at least 0.001  (the highest x with P(x) <= cap;
#                      the workloads refuse a cap at or below the draw with no compute, so the floor only keeps a
#                      phase whose memory traffic alone fills the cap finite)
#     draw             P = min(cap, P_idle + a u_c + b u_m)                        (the controller holds the cap)
#     compute rate at clock x relative to full clock: rho(x) = 1 / (s / x + 1 - s) with s = 1: rho = x, a kernel's
#           compute time inversely proportional to the clock (memory keeps its own clock)
#
# Fit, once [P][D]. On one H100 SXM 80 GB (reference/h100_microbench.md: PyTorch 2.11, CUDA 13 cuBLAS,
# nvidia-smi, measured 2026-11-27, +-3%):
#     P_idle = 72 W (idle board power at 1,980 MHz)
#     b      = peak bandwidth * 8 bit/B * 3.9 pJ/bit = 3.35 TB/s * 8 * 3.9e-12 = 104.5 W at u_m = 1: HBM access
#              energy (O'Connor et al., "Fine-Grained DRAM", MICRO 2017: HBM2 3.9 pJ/bit) [S]
#     s      = 1: sustained GEMMs run 669 TFLOP/s at 1,350 MHz, 0.496 TFLOP/s per MHz; short bursts 778, which at
#              1,980 MHz would be 0.393 per MHz, less per cycle than the throttled run: the bursts ran throttled
#              too (~1,570 MHz [U]). So a large GEMM at the full clock runs g = 669 / 989 / 0.6818 = 0.992 of the
#              dense peak (gemm_peak_fraction; the datasheet's 989 TFLOP/s is quoted at a boost clock below
#              1,980 MHz [U])
#     a      : sustained 8192^3 bf16 GEMMs (u_c = 1) hold the 700 W limit at 1,350 of 1,980 MHz, x = 0.6818,
#              below the voltage floor; their traffic 3 * 8192^2 * 2 B per 2 * 8192^3 / 669 TFLOP/s = 0.245 TB/s,
#              u_m = 0.0731: a = (700 - 72 - 104.5 * 0.0731) / (0.6818 * 0.72^2) = 620.4 / 0.3535 = 1,755 W
# On NVIDIA's H200 (the same GH100 die, 700 W) run with the same software at three power limits (MLPerf Inference
# v4.1 closed, Llama 2 70B Offline on 8 GPUs: 25,262 / 31,303 / 34,864 tok/s at 500 W (MaxQ, the limit from
# NVIDIA's configuration: compiler/validate.py MAXQ_POWER_LIMIT) / 700 W / 1,000 W (H200-CTS); reference/
# mlperf_calibration.csv lines 122, 116, 112), measured 0.807 / 1 / 1.114:
#     v0     = 0.72: the floor that gives the model's 500 W / 700 W ratio 0.807 (0.68-0.74 give 0.813-0.798, the
#              fit flat within the batch search's steps; docs/accuracy.md 'The clock law under a power cap').
#              The model then gives 0.800 / 1 / 1.113 Offline and 0.786 / 1 / 1.113 Server (measured 0.791 /
#              1 / 1.122): above the floor (700 -> 1,000 W) the cube law, below it (500 W) the linear one.
#              V_min / V_max = 0.72 is the order of a GPU's DVFS range (about 0.7 V floor against about 1.0 V at
#              the top clock [U])
#     check  : decode-like work (u_m = 0.75, a batch-64 weight GEMM at 162 TFLOP/s: its matrix units busy at most
#              162 / 981 = 0.165) draws 72 + 1,755 * 0.165 + 104.5 * 0.75 = 440 W < 700 W at full clock, as
#              measured (no throttling)
# Other chips: P_idle, a and b scale with the TDP (P_idle = idle_power where the chip gives it) and v0 is the
# H100's, so every chip throttles a dense GEMM to the same clock fraction at its TDP [U]; `dynamic_power` (a),
# `memory_power` (b) and `let voltage_floor` (v0) on a chip replace them where its die or clock differs (the GH100
# die on add-in cards: a scaled to the clock their peak assumes, v0 = 0.72 of the SXM's top voltage over the
# card's).
REFERENCE_TDP = 700.0
idle_fraction_measured = 72.0 / REFERENCE_TDP
GEMM_CLOCK = 1350.0 / 1980.0             # x of sustained dense GEMMs at the H100 SXM's 700 W limit [P]
GEMM_SUSTAINED_RATE = 669.0 / 989.0      # their bf16 rate there, of the dense peak [P]
GEMM_MEMORY_UTILIZATION = 3 * 8192 ** 2 * 2 / (2 * 8192 ** 3 / 669e12) / 3.35e12   # 0.0731: the fit's GEMM
H100_MEMORY_POWER = 3.35e12 * 8 * 3.9e-12                                          # 104.5 W [S]
voltage_floor = Assumption(
    "voltage_floor", 0.72, "1",
    "the SM supply voltage's floor as a share of its value at the full clock, which is also the clock fraction "
    "below which the voltage stays at that floor (V = V_max max(v0, x)) [D]: fitted once on NVIDIA's H200 run "
    "at 500 and 700 W with the same software (MLPerf Inference v4.1 closed, Llama 2 70B Offline, H200-SXM-141GBx8 "
    "MaxQ and MaxP, 2024-08: 25,262 against 31,303 tok/s, reference/mlperf_calibration.csv lines 122 and 116; the "
    "500 W limit from NVIDIA's configuration, mlcommons/inference_results_v4.1 read 2026-12-05, compiler/validate.py "
    "MAXQ_POWER_LIMIT [P]), docs/accuracy.md 'The clock law under a power cap'", range=UNIT_FRACTION)


def voltage(x, floor) -> np.ndarray:
    """v(x) = max(v0, x): the supply voltage at clock fraction x relative to the full clock's."""
    return np.maximum(np.asarray(floor, dtype=float), np.asarray(x, dtype=float))


def _gemm_dynamic_power(floor) -> float:
    """a = (700 - 72 - 104.5 u_gemm) / (x_g v(x_g)^2): the H100 SXM's compute dynamic power at the full clock,
    from its sustained GEMMs holding 700 W at x_g = 1,350 / 1,980 MHz."""
    x = GEMM_CLOCK
    return (REFERENCE_TDP - 72.0 - H100_MEMORY_POWER * GEMM_MEMORY_UTILIZATION) / (x * float(voltage(x, floor)) ** 2)


gemm_peak_fraction = Assumption(
    "gemm_peak_fraction", GEMM_SUSTAINED_RATE / GEMM_CLOCK, "1",
    "share of the dense peak a large GEMM reaches at the full clock, the rate that is compute activity 1 [D]: "
    "669 of 989 TFLOP/s bf16 sustained at 1,350 of 1,980 MHz (8192^3 on one H100 SXM, reference/h100_microbench.md: "
    "PyTorch 2.11, CUDA 13 cuBLAS, nvidia-smi, measured 2026-11-27 [P]), the rate proportional to the clock: "
    "669 / 989 / (1,350 / 1,980) = 0.992", range=UNIT_FRACTION)
dynamic_power_share = Assumption(
    "dynamic_power_share", _gemm_dynamic_power(voltage_floor.value) / REFERENCE_TDP, "1",
    "compute dynamic power at full clock and compute activity 1, as a share of TDP [D]: a = (700 - 72 - 104.5 * "
    "0.0731) / (x v(x)^2), x = 1,350 / 1,980 = 0.6818 below the voltage floor 0.72: 620.4 / (0.6818 * 0.72^2) "
    "= 1,755 W on an H100 SXM, whose sustained GEMMs hold its 700 W limit at 1,350 of 1,980 MHz "
    "(reference/h100_microbench.md: PyTorch 2.11, CUDA 13 cuBLAS, nvidia-smi, measured 2026-11-27 [P]); other "
    "chips: the same share of their TDP [U]", range=POSITIVE)
memory_power_share = Assumption(
    "memory_power_share", H100_MEMORY_POWER / REFERENCE_TDP, "1",
    "memory power at full bandwidth as a share of TDP [S][D]: 3.35 TB/s * 8 bit * 3.9 pJ/bit = 104.5 W on an "
    "H100 SXM (HBM2 access energy 3.9 pJ/bit: O'Connor et al., 'Fine-Grained DRAM', MICRO 2017); other chips: "
    "the same share of their TDP [U]", range=NON_NEGATIVE)
clock_scaled_share = Assumption(
    "clock_scaled_share", 1.0, "1",
    "share of a compute-bound kernel's time that scales with the SM clock [D]: 1, the rate proportional to the "
    "clock. On an H100 SXM sustained bf16 GEMMs run 669 TFLOP/s at 1,350 MHz, 0.496 TFLOP/s per MHz, and short "
    "bursts 778 (0.393 per MHz at 1,980 MHz: a burst that were at the full clock would be less efficient per "
    "cycle than the throttled run, so the bursts themselves ran throttled, at about 778 / 0.496 = 1,570 MHz [U]; "
    "reference/h100_microbench.md, 2026-11-27 [P]); the H200's MLPerf runs at 500, 700 and 1,000 W need it "
    "(docs/accuracy.md 'The clock law under a power cap')", range=SHARE)


# FP4 dynamic power (docs/accuracy.md "Llama 3.1 405B Offline on Blackwell Ultra", s11-bwultra, 2026-12-05). The
# law's a is the compute dynamic power of a full-rate GEMM at the full clock in the workload's format (u_c = 1 at
# that format's peak); scaled by the TDP it assumes the peak is reached at a draw proportional to the board limit.
# That holds across one die's clocks, not across a wider datapath: Blackwell Ultra (B300, GB300) is the Blackwell
# die (TSMC 4NP, 208e9 transistors, two reticle dies; NVIDIA technical blog "Inside NVIDIA Blackwell Ultra: The Chip
# Powering the AI Factory Era", 2025-08 [S]) with tensor cores that do 1.5x the dense NVFP4 work a clock (15 against
# 10 PFLOP/s dense per GPU, GB300 against GB200, FP8 and BF16 unchanged; Hot Chips 2025 as reported by Tom's
# Hardware, "Nvidia shares Blackwell Ultra's secrets", 2025-08 [S]) under a board limit raised only 1,200 -> 1,400 W
# (the MLPerf system descriptions' TGP [P]). With the energy of an FP4 MAC a property of the process and the
# datapath (the same 4NP tensor cores) [U], a full-rate NVFP4 GEMM draws
#     a_fp4(Ultra) = a(Blackwell twin) x P_fp4(Ultra) / P_fp4(twin)      (GB300: 3,008.8 x 15 / 10 = 4,513 W)
# (`let fp4_dynamic_power` on the chip), so on the voltage floor a large FP4 GEMM runs at rate ~ (cap - P_idle
# - b u_m) P_fp4 / a_fp4: GB300 / GB200 = 1,244.7 / 1,066.9 = 1.167, the board limits' headroom, not the peaks'
# 1.5. Checked against the one direct measurement (Azure ND GB300 v6, cuBLASLt FP4 16,384^3 and 32,768^3 after
# 10,000 warm-up iterations: 8,640 / 8,555 TFLOP/s, egmsft/AI-benchmarking-guide Azure_Results, 2025 [S]): the law
# 7,917 (-8%), the TDP-scaled a 10,179 (+18%). FP8 and BF16 keep the TDP-scaled a (equal peaks; Azure GB300 FP8
# 3,257-3,309 against the law's 3,393).
# CDNA4 (MI355X; the MI350X its die at 2.2 GHz) has no FP4 twin to scale from; its a_fp4 is the law inverted at AMD's
# measured MXFP4 GEMM, as the H100's a is at its measured bf16 GEMM: 5,255 TFLOP/s with the matrix units busy 92.41%
# of the cycles (rocm.blogs.amd.com Gluon GEMM tutorial, 2026-05-22 [P]) is 1.356 GHz, so a_fp4 = (1,400 - 140 -
# 209 x 0.100) / (0.565 x 0.72^2) = 4,231 W; the same tutorial's BF8 GEMM (1.557 GHz) gives 3,668 W, the TDP-scaled
# 3,510 within 5% (kept). docs/accuracy.md "CDNA4's MXFP4 GEMM at its own draw" (s26-offline, 2026-12-07).
FP4_DYNAMIC_POWER = "fp4_dynamic_power"
# FP4 MMA instruction rate (`let fp4_mma_rate`, opt-in; validate MECHANISMS "sm100_fp4_kernels", measured, not
# applied; docs/accuracy.md "Blackwell Ultra's FP4 kernels in MLPerf v5.1", s13-405b, 2026-12-05). Blackwell Ultra's
# 1.5x dense NVFP4 comes with new block-scaled MMA forms: tcgen05.mma kind::mxf4nvf4 at K = 96 a instruction on SM103
# ("3xFP4"), where SM100 kernels issue K = 64 (NVIDIA/cutlass 4.2.0 release notes, 2025-09, "Support for Blackwell
# SM103 kernels for B300 GPUs"; examples/python/CuTeDSL/blackwell/sm103_dense_blockscaled_gemm_persistent.py; the
# K96 operand layout: HazyResearch/ThunderKittens pull request 201, 2026 [S]). An engine built with SM100 FP4 kernels
# only runs its FP4 MMAs at 64 / 96 of the chip's dense FP4 peak a clock [D]: the workload's FP4 peak, its GEMM knee
# (m0 is proportional to the rate) and the FP4 compute dynamic power a (the energy of an FP4 MAC unchanged, fewer a
# clock) all scale by r = fp4_mma_rate. Whether an engine ran SM100 kernels on SM103 is a fact of its software [U].
fp4_mma_rate = Assumption(
    "fp4_mma_rate", 1.0, "1",
    "fraction of the chip's dense FP4 peak a clock that the engine's FP4 MMA instructions reach [D]: 1 (default); "
    "64 / 96 for SM100 (K = 64) block-scaled kernels on Blackwell Ultra's SM103, whose full rate needs its K = 96 "
    "form (NVIDIA/cutlass 4.2.0, 2025-09 [S]); scales the FP4 peak, the FP4 GEMM knee and the FP4 dynamic power "
    "(compiler/models/power.py 'FP4 MMA instruction rate')", range=UNIT_FRACTION)


@dataclass(frozen=True)
class ChipPower:
    """The draw model of one chip, arrays over the scenarios (W, and the voltage floor's share)."""

    idle: np.ndarray
    dynamic: np.ndarray      # a: compute dynamic power at full clock and u_c = 1
    memory: np.ndarray       # b: memory power at u_m = 1
    cap: np.ndarray          # min(tdp, power_cap)
    floor: np.ndarray        # v0: the supply voltage's floor relative to its full-clock value


def chip_power_model(chip, power_cap=None, precision=None) -> ChipPower:
    """P_idle, a, b, the cap and v0 of `chip` (a Context): its own figures where it gives them, else the H100
    fit scaled by its TDP. At `precision` "fp4" a chip's `let fp4_dynamic_power` (the compute dynamic power of a
    full-rate NVFP4 GEMM at the full clock) replaces a: see FP4 dynamic power below."""
    tdp = chip.get("tdp")
    idle = chip.get("idle_power") if chip.is_set("idle_power") else tdp * chip.get(A.idle_fraction.name,
                                                                                   A.idle_fraction)
    dynamic = chip.get("dynamic_power") if chip.is_set("dynamic_power") else \
        tdp * chip.get(dynamic_power_share.name, dynamic_power_share)
    if precision == "fp4" and chip.has(FP4_DYNAMIC_POWER):
        dynamic = chip.get(FP4_DYNAMIC_POWER)
    memory = chip.get("memory_power") if chip.is_set("memory_power") else \
        tdp * chip.get(memory_power_share.name, memory_power_share)
    cap = tdp if power_cap is None else np.minimum(tdp, power_cap)
    floor = chip.get(voltage_floor.name, voltage_floor)
    return ChipPower(idle, dynamic, memory, cap, floor)


def dynamic_draw(model: ChipPower, compute_util, x) -> np.ndarray:
    """a u_c x v(x)^2: compute dynamic power at clock fraction x (C V^2 f, V = V_max max(v0, x))."""
    return model.dynamic * np.asarray(compute_util, dtype=float) * x * voltage(x, model.floor) ** 2


MIN_CLOCK = 0.001     # the clock law's floor: finite compute rates where a phase's memory traffic fills the cap


def sustained_clock(model: ChipPower, compute_util, memory_util) -> np.ndarray:
    """The highest clock fraction x whose draw P_idle + a u_c x v(x)^2 + b u_m fits the cap: with the headroom
    h = (cap - P_idle - b u_m) / (a u_c), x = 1 where h >= 1, x = h^(1/3) where v0^3 <= h < 1 (the voltage
    scales with the clock), x = h / v0^2 below (the voltage at its floor); at least MIN_CLOCK = 0.001 where the
    cap leaves no headroom (it was 0.05, which ran an H100 capped at 100 W at 2.2x the law's clock 0.0224, drawing
    125 W: a cap at or below the draw with no compute is refused by the workloads, inference._power_cap_floor)."""
    u_c = np.clip(np.asarray(compute_util, dtype=float), 0.0, 1.0)
    u_m = np.clip(np.asarray(memory_util, dtype=float), 0.0, 1.0)
    headroom = model.cap - model.idle - model.memory * u_m
    demand = model.dynamic * u_c
    v0 = np.asarray(model.floor, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = np.where(demand > 0, np.maximum(headroom, 0.0) / np.where(demand > 0, demand, 1.0), np.inf)
        x = np.where(h >= v0 ** 3, np.cbrt(np.minimum(h, 1.0)), h / (v0 * v0))
    return np.clip(x, MIN_CLOCK, 1.0)


def chip_draw(model: ChipPower, compute_util, memory_util) -> np.ndarray:
    """P = min(cap, P_idle + a u_c + b u_m): board power at that activity, held at the cap when it throttles."""
    u_c = np.clip(np.asarray(compute_util, dtype=float), 0.0, 1.0)
    u_m = np.clip(np.asarray(memory_util, dtype=float), 0.0, 1.0)
    return np.minimum(model.cap, model.idle + model.dynamic * u_c + model.memory * u_m)


def compute_rate(x, share) -> np.ndarray:
    """rho(x) = 1 / (s / x + 1 - s): compute-bound throughput at clock fraction x relative to full clock
    (s = 1: rho = x)."""
    return 1.0 / (share / np.asarray(x, dtype=float) + 1.0 - share)


def workload_power_model(ctx, chip) -> tuple[ChipPower, np.ndarray]:
    """The draw model of `chip` under the workload `ctx` (its `power_cap`, else the TDP) and the share s of a
    compute-bound kernel's time that scales with the clock (the workload's `clock_scaled_share`, else 1)."""
    cap = ctx.get("power_cap") if ctx.is_set("power_cap") else None
    precision = workload_precision(ctx)
    model = workload_memory_power(ctx, chip, chip_power_model(chip, cap, precision))
    if precision == "fp4" and ctx.is_set(fp4_mma_rate.name):     # fewer FP4 MACs a clock, each at its energy
        model = dataclasses.replace(model, dynamic=model.dynamic * ctx.get(fp4_mma_rate.name, fp4_mma_rate))
    return model, ctx.get(clock_scaled_share.name, clock_scaled_share)


hbm_access_energy_pj = Assumption(
    "hbm_access_energy_pj", 0.0, "1",
    "the memory's access energy in pJ a bit, where a workload sets it (0: the chip's own b, the H100's 104.5 W "
    "scaled by the TDP) [S][D]: b = memory_bw x 8 bit x e. validate's opt-in 'hbm3e_memory_power' sets 3.9 on the "
    "GH100 chips with HBM3e (the H100's b's energy a bit, O'Connor et al. MICRO 2017; HBM3E quoted at 3.9 pJ/bit, "
    "Samsung as reported by chinaflashmarket.com [S]; docs/accuracy.md \"The H200's power parameters\", s17-h200)",
    range=NON_NEGATIVE)
power_fit_voltage_floor = Assumption(
    "power_fit_voltage_floor", voltage_floor.value, "1",
    "the supply-voltage floor the GH100 power fit is re-based on, where a workload sets it [D]: every chip's floor "
    "scales by v0' / 0.72 and every a by a(v0') / a(0.72) (the chips' a all derive from the one H100 fit). "
    "validate's opt-in 'converged_voltage_floor' sets 0.67, the floor's own rule (the H200 500 W / 700 W ratio "
    "0.807) on the converged clock solve (docs/accuracy.md \"The H200's power parameters\", s17-h200)",
    range=UNIT_FRACTION)


# One die under two board limits (docs/accuracy.md "One die under two power caps", s22-bwratio, 2026-12-06; opt-in,
# validate MECHANISMS "one_die_power", measured, not applied). The law's a, P_idle and b of a chip without its own
# figures are the H100 fit scaled by the chip's TDP, and its full-clock rate is g x its datasheet peak. Two boards of
# one die then differ in more than their cap. GB200 (1,200 W) and B200 (1,000 W) are one 148-SM Blackwell package:
# GB200's datasheet peak is its die's rate at its 2,062 MHz maximum SM clock, B200's at 1,856 of its 1,965 MHz (the
# peaks over 148 SMs x 8,192 dense BF16 FLOP a clock; maximum clocks from nvidia-smi: stdlib/chips.factory `let
# max_clock`), so the model's full-clock rates differ by the peaks' 1.111, not the top clocks' 1.049, and the TDP
# share charges GB200's die 1.2x the idle and memory power and 1.2 / 1.049^3 = 1.04x the dynamic power of B200's at
# one absolute clock. The H200 NVL (600 W) is the H200 SXM's GH100 (700 W) with its peak at 1,545 of its 1,785 MHz
# (the SXM's at 1,830 of 1,980); its stdlib a and floor are the die's at 1,545 / 1,830 of the SXM's clock, its idle
# (60 W) and b (89.6 W) the TDP share's, below the SXM's 72 and 104.5 W. The consistent reading: a chip that declares
# its twin's board limit (`let die_tdp` T; `let die_idle_power` where the twin has a measured idle), its top clock
# over the twin's (`let die_clock_ratio` r) and its full-clock rate over its datasheet peak (`let die_peak_scale`
# s = P_twin r / P: the twin's peak at the chip's top clock) is the twin's die run to r times the twin's full clock
# under its own cap:
#     P_idle = the twin's,   b = the twin's,   a = a_twin r^3 (C V^2 f, V ~ f above the floor at both top clocks),
#     v0 = v0 / r (the same floor voltage, a share of a top voltage r times the twin's),   peak = s x datasheet
#     (GB200: 0.9 x 1.0494 = 0.9444; H200 NVL: 989 / 835.5 x 0.9015 = 1.0671),   the GEMM knee's m0 the twin's
#     (its fixed time is the die's cycles: die_knee_scale).
# At one absolute clock the two draw and compute alike (x_chip = x_twin / r: a r^3 (x / r) max(v0 / r, x / r)^2 =
# a x max(v0, x)^2, rate s P x / r = P_twin x), so under one cap, where the twin throttles, their steps are one step;
# the chip is faster by its higher top clock and its higher cap only (tests/test_one_die_power.py). A chip with its
# own `fp4_dynamic_power` (Blackwell Ultra) declares no twin here: its twin's FP4 a is not modelled.
one_die_power = Assumption(
    "one_die_power", 0.0, "1",
    "1: a chip that declares its die's twin (`let die_tdp`, `die_clock_ratio`, `die_peak_scale`) runs its twin's "
    "power fit and per-clock rate to its own maximum clock under its own cap (compiler/models/power.py 'One die "
    "under two board limits') [D]: the twin's TDP-share fit, a x r^3 and the floor / r at r times its top clock (the "
    "maximum SM clocks from nvidia-smi captures read 2026-12-06, stdlib/chips.factory `let max_clock` [S]); 0 (default): every chip its TDP "
    "share and datasheet peak. validate's opt-in "
    "'one_die_power' (docs/accuracy.md \"One die under two power caps\", s22-bwratio)", range=SWITCH)
DIE_FIGURES = ("die_tdp", "die_clock_ratio", "die_peak_scale")


def one_die(ctx, chip) -> bool:
    """Whether the workload runs `chip` as its die's twin at its own top clock (`let one_die_power` 1 and the
    chip declares the twin's figures)."""
    return bool(ctx.is_set(one_die_power.name) and float(np.max(ctx.get(one_die_power.name, one_die_power))) > 0
                and all(chip.has(name) for name in DIE_FIGURES))


def die_peak_scale(ctx, chip) -> np.ndarray | float:
    """s: the chip's full-clock rate over its datasheet peak under `one_die_power` (its twin's per-clock rate at its
    own top clock), else 1."""
    return chip.get("die_peak_scale") if one_die(ctx, chip) else 1.0


def die_knee_scale(ctx, chip) -> np.ndarray | float:
    """The GEMM knee's half-rows m0 under `one_die_power` over the chip's own: s / r, its twin's datasheet peak over
    its own (GB200: 0.9445 / 1.0494 = 0.9 = 9 / 10 PFLOP/s FP4), else 1. m0 = t0 x rate: the knee's fixed time t0 is
    the die's cycles, 1 / r as long at r times the clock, and the full-clock rate r times the twin's, so m0 is the
    twin's (GB200's 647 FP4 rows, scaled from the H100's by the datasheet rate, become B200's 582)."""
    return chip.get("die_peak_scale") / chip.get("die_clock_ratio") if one_die(ctx, chip) else 1.0


def die_power_model(chip, model: ChipPower) -> ChipPower:
    """The twin's die at the chip's top clock under the chip's own cap (power.py 'One die under two board limits'):
    the twin's TDP-share fit at its board limit T (`let die_tdp`; its idle `let die_idle_power` where the twin gives
    one, else the share), a by r^3 more, the voltage floor by 1 / r:
        P_idle = die_idle_power or T x idle_fraction,   a = T x dynamic_power_share x r^3,
        b = T x memory_power_share,   v0 = voltage_floor / r,   cap = the chip's.
    The chip's own `idle_power`, `dynamic_power`, `memory_power` and `let voltage_floor` are not read: they are
    its own reading of the die (the H200 NVL's a and floor at the clock its peak assumes), which this replaces."""
    T, r = chip.get("die_tdp"), chip.get("die_clock_ratio")
    idle = chip.get("die_idle_power") if chip.has("die_idle_power") else T * A.idle_fraction.value
    return dataclasses.replace(model, idle=idle, dynamic=T * dynamic_power_share.value * r ** 3,
                               memory=T * memory_power_share.value, floor=voltage_floor.value / r)


def workload_memory_power(ctx, chip, model: ChipPower) -> ChipPower:
    """The chip's draw model with the workload's own re-basing of the power fit, where it sets one (validate's
    opt-ins; docs/accuracy.md "The H200's power parameters", s17-h200), else `model` unchanged:
        `let hbm_access_energy_pj` e:     b = memory_bw x 8 bit x e pJ ("hbm3e_memory_power": HBM3e at 3.9 pJ/bit,
                                          the H100's b's energy a bit, where the TDP share charges an H200 2.72)
        `let power_fit_voltage_floor` v0': the fit re-based on the floor v0' ("converged_voltage_floor"): every
                                          floor scales by v0' / v0 (the add-in cards' 0.72 / 0.885 with it) and
                                          every a by a(v0') / a(v0), a(v) = (700 - 72 - 104.5 x 0.0731) / (x_g
                                          v(x_g)^2), x_g = 1,350 / 1,980: the chips' a all derive from that fit
        `let one_die_power` 1:            a chip with a die twin at its twin's figures ("One die under two board
                                          limits" above: die_power_model), before the two re-basings above"""
    if one_die(ctx, chip):
        model = die_power_model(chip, model)
    if ctx.is_set(hbm_access_energy_pj.name):
        energy = ctx.get(hbm_access_energy_pj.name, hbm_access_energy_pj)
        model = dataclasses.replace(model, memory=np.where(energy > 0, chip.get("memory_bw") * 8 * energy * 1e-12,
                                                           model.memory))
    if ctx.is_set(power_fit_voltage_floor.name):
        v_new, v_old = ctx.get(power_fit_voltage_floor.name, power_fit_voltage_floor), voltage_floor.value
        a_new = (REFERENCE_TDP - 72.0 - H100_MEMORY_POWER * GEMM_MEMORY_UTILIZATION) / (
            GEMM_CLOCK * voltage(GEMM_CLOCK, v_new) ** 2)
        model = dataclasses.replace(model, floor=np.asarray(model.floor, dtype=float) * (v_new / v_old),
                                    dynamic=model.dynamic * (a_new / _gemm_dynamic_power(v_old)))
    return model


def attention_power_share(chip, model: ChipPower, own: ChipPower | None = None) -> np.ndarray:
    """a_attn / a: the attention kernels' compute dynamic power over the workload's a (`model`), by which the
    inference step weights the attention's share of its compute activity. The attention runs FP8 or BF16 (its
    KV cache's format: never the FP4 GEMM datapath, inference.py `attn_prec`), so it draws the chip's a at those
    formats, the TDP-scaled one (or `dynamic_power`) of FP4 dynamic power above, where the workload's a at
    precision fp4 is `fp4_dynamic_power` (and fp4_mma_rate's share of it): the step's draw is
        P_idle + x v(x)^2 (a u_gemm + a_attn u_attn) + b u_m = P_idle + a x v(x)^2 (u_gemm + (a_attn / a) u_attn)
    + b u_m, so the clock law takes u_c = u_gemm + (a_attn / a) u_attn. GB300 at fp4: 3,510.2 / 4,513 = 0.778;
    B300: 2,758.0 / 3,761 = 0.733; 1 where the workload's a is the chip's own (every other precision and chip).
    `own` is the chip's draw model at its own formats under the workload's re-basing of the fit (workload_memory_power:
    `let power_fit_voltage_floor` scales every a alike, so the ratio stays the chip's; before 2026-12-06, s18-refit, the
    opt-in compared the re-based a with the un-re-based one and weighted every chip's attention by 1,755 / 1,957)."""
    own = (own if own is not None else chip_power_model(chip, model.cap, None)).dynamic
    dynamic = np.asarray(model.dynamic, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(dynamic > 0, own / np.where(dynamic > 0, dynamic, 1.0), 1.0)


def workload_precision(ctx) -> str | None:
    """The workload's `precision` where it sets one (the format of its GEMMs), else None."""
    return ctx.text("precision", "") if ctx.is_set("precision") else None


def compute_rate_at(model: ChipPower, share, compute_util, memory_util) -> np.ndarray:
    """rho(x) at the sustained clock x of a phase with activities (u_c, u_m): the compute rate the power limit
    allows that phase, relative to the full clock (1 where its draw at full clock fits the cap)."""
    return compute_rate(sustained_clock(model, compute_util, memory_util), share)


def compute_clock_fraction(ctx, chip) -> np.ndarray:
    """The throughput models' factor on compute peaks: rho(x) of a compute-bound phase (u_c = 1, the traffic of
    a large GEMM, u_m = 0.0731) under min(tdp, the workload's `power_cap`). H100 SXM at 700 W: x = rho = 0.682
    (1,350 of 1,980 MHz, 669 TFLOP/s). Memory bandwidth is not scaled (HBM has its own clock). `ctx` is the
    workload (its `power_cap`, and overrides of the fitted shares), `chip` the chip's Context. The inference
    model takes the same law at each configuration's own activity (compute_rate_at)."""
    model, share = workload_power_model(ctx, chip)
    return compute_rate_at(model, share, 1.0, GEMM_MEMORY_UTILIZATION)



def _overhead(ctx, parts_peak):
    """Overhead power at full load: the server's `overhead_power`, else a share of its parts at peak."""
    if ctx.is_set("overhead_power"):
        return ctx.get("overhead_power")
    liquid = ctx.text("cooling", "air") in ("liquid", "hybrid")
    fraction = ctx.get("overhead_fraction", A.overhead_fraction_liquid if liquid else A.overhead_fraction_air)
    return fraction * parts_peak


def _has_parts(ctx) -> bool:
    return bool(ctx.parts(*DEVICE_KINDS, *FIXED_KINDS))


@output("server", "peak_power", "(sum(parts.peak_power) + overhead) / psu_efficiency, or max_power")
def server_peak(ctx):
    if not _has_parts(ctx):
        return ctx.get("max_power")
    parts = part_power(ctx, peak=True)
    return (parts + _overhead(ctx, parts)) / ctx.get("psu_efficiency", A.psu_efficiency)


@output("server", "power", "max(idle_power, (sum(parts.power) + overhead * load) / psu_efficiency)")
def server_power(ctx):
    if not _has_parts(ctx):
        peak = ctx.get("max_power")
        idle = ctx.get("idle_power") if ctx.is_set("idle_power") else peak * ctx.get("idle_fraction",
                                                                                      A.idle_fraction)
        return idle + _accelerator_utilization(ctx) * (peak - idle)
    peak = part_power(ctx, peak=True)
    average = part_power(ctx, peak=False)
    load = np.where(peak > 0, average / np.where(peak > 0, peak, 1.0), 0.0)
    return _idle_floor(ctx, (average + _overhead(ctx, peak) * load) / ctx.get("psu_efficiency", A.psu_efficiency))


def _idle_floor(ctx, wall):
    """max(idle_power, wall): a server never draws less than its declared idle (the static floor its parts' model
    does not hold: fans at their minimum speed, the BMC, switches and regulators at no load). The parts' model
    scales the overhead down with the load to nothing: a DGX H100's 8 GPUs at their measured 72 W gave 1,716.7 W
    against its 2.4 kW idle (s14-cfo2, 2026-12-06: the shoot-out's single-stream H100 idled at 214.6 W a GPU, its
    hour at 286.2 W, under the server's 300 W a GPU). Without an `idle_power`, the parts' model alone."""
    return np.maximum(wall, ctx.get("idle_power")) if ctx.is_set("idle_power") else wall


def _average_at(ctx, draw):
    """part_power(ctx, peak=False) with every accelerator inside drawing `draw` (a workload's own load; a function
    of the chip's Context, such as spare_draw's, gives each chip its own)."""
    total = np.zeros(1)
    for part in ctx.parts(*DEVICE_KINDS):
        if part.kind == "chip":
            value = draw(part) if callable(draw) else draw
        elif part.kind == "server":
            value = _server_at(part, draw)
        else:
            value = part.get("power")
        total = total + part.count * value
    for part in ctx.parts(*FIXED_KINDS):
        total = total + part.count * part.get("power", 0.0)
    for part in ctx.parts(*FACILITY_KINDS):
        total = total + part.count * system_power_at(part, draw)
    return total


def _server_at(ctx, draw):
    """server.power's formula with its accelerators at `draw`: (parts + overhead * load) / psu_efficiency."""
    if not _has_parts(ctx):
        return ctx.get("power")                    # nameplate only: its own power model
    peak = part_power(ctx, peak=True)
    average = _average_at(ctx, draw)
    load = np.where(peak > 0, average / np.where(peak > 0, peak, 1.0), 0.0)
    return _idle_floor(ctx, (average + _overhead(ctx, peak) * load) / ctx.get("psu_efficiency", A.psu_efficiency))


def spare_draw(chip, share) -> np.ndarray:
    """P_spare = P_idle + s (tdp - P_idle): the board power of an accelerator no workload holds, s the site's
    `spare_utilization` (0: its idle power, the chip's `idle_power`, else idle_fraction x tdp; the H100 SXM's
    measured 72 W). At s = the planning `utilization` it is chip.power."""
    return _load_power(chip, share, A.idle_fraction)


def system_power_at(holder, draw, dc: bool = False):
    """Wall power of a server, or of a rack (rack-scale system), with every accelerator in it drawing `draw`
    W (a number, or a function of the chip's Context): the server's `power` formula, and the rack's
    `it_power_avg`, at that draw instead of the utilization's.
    dc: the power after the conversion to DC (server: times its psu_efficiency; rack: before its power
    shelves)."""
    if holder.kind == "server":
        wall = _server_at(holder, draw)
        return wall * holder.get("psu_efficiency", A.psu_efficiency) if dc and _has_parts(holder) else wall
    average = _average_at(holder, draw)
    return average if dc else average / _shelf_efficiency(holder)


def _nameplate_check(ctx):
    if not ctx.is_set("max_power") or not _has_parts(ctx):
        return None
    return ctx.get("peak_power"), ctx.get("max_power")


limit("server", "nameplate", _nameplate_check, "peak_power", "max_power",
      "the server's parts at full load fit its nameplate power")


def _shelf_efficiency(ctx):
    shelves = ctx.parts("power_shelf")
    if not shelves:
        return np.ones(1)
    return shelves[0].get("efficiency", A.power_shelf_efficiency)


def _it(ctx, peak):
    return part_power(ctx, peak) / _shelf_efficiency(ctx)


for _kind in ("rack", "row", "hall", "site"):
    output(_kind, "it_power", "sum(count * part peak power) / power_shelf.efficiency")(
        lambda ctx: _it(ctx, peak=True))
    output(_kind, "it_power_avg", "sum(count * part average power) / power_shelf.efficiency")(
        lambda ctx: _it(ctx, peak=False))


POWER_BUCKETS = {"accelerators": ("chip",), "cpus": ("cpu",), "memory": ("memory", "storage"),
                 "network": ("nic", "dpu", "switch", "transceiver", "cable", "network")}


def _bucket(kinds: tuple[str, ...], name: str):
    def compute(ctx):
        total = np.zeros(1)
        for part in ctx.parts(*kinds):
            total = total + part.count * part.get("peak_power" if part.kind in ("chip", "cpu") else "power", 0.0)
        for part in ctx.parts("server", *FACILITY_KINDS):
            total = total + part.count * part.get(name)
        return total
    return compute


def _overhead_bucket(ctx):
    """peak power - the four buckets: the same parts summed in different orders, so where nothing is left over
    the difference is round-off (-1e-11 W of a 206 kW site: a negative figure, an error), 0 (`left_over`)."""
    buckets = sum((ctx.get(f"power_{bucket}") for bucket in POWER_BUCKETS), np.zeros(1))
    return left_over(ctx.get("peak_power" if ctx.kind == "server" else "it_power"), buckets)


for _kind in ("server", "rack", "row", "hall", "site"):
    for _bucket_name, _kinds in POWER_BUCKETS.items():
        output(_kind, f"power_{_bucket_name}", f"sum(count * power of {', '.join(_kinds)} inside) (peak)")(
            _bucket(_kinds, f"power_{_bucket_name}"))
    output(_kind, "power_overhead", "peak power - power_accelerators - power_cpus - power_memory - power_network")(
        _overhead_bucket)


def _outside_racks(ctx):
    total = np.zeros(1)
    for part in ctx.parts(*DEVICE_KINDS):
        total = total + part.count * part.get("peak_power")
    for part in ctx.parts(*FIXED_KINDS):
        total = total + part.count * part.get("power", 0.0)
    for part in ctx.parts("row"):
        total = total + part.count * part.get("it_power_outside_racks")
    return total


for _kind in ("row", "hall", "site"):
    output(_kind, "it_power_outside_racks", "sum(count * power) of parts other than racks, rows and halls, "
           "plus the rows'")(_outside_racks)


def _power_limit_utilization(ctx):
    if not ctx.is_set("power_limit"):
        ctx.not_applicable()
    limit_ = ctx.get("power_limit")
    if np.any(limit_ <= 0):
        ctx.absent(limit_ <= 0, "its power limit is 0")
    return np.where(limit_ > 0, ctx.get("it_power") / np.where(limit_ > 0, limit_, 1.0), np.nan)


for _kind in ("rack", "row"):
    output(_kind, "power_limit_utilization", "it_power / power_limit")(_power_limit_utilization)


def _accelerators(ctx):
    total = np.zeros(1)
    for part in ctx.parts("chip"):
        total = total + part.count
    for part in ctx.parts("server", "rack", "row", "hall"):
        total = total + part.count * part.get("accelerators")
    return total


for _kind in ("server", "rack", "row", "hall", "site"):
    output(_kind, "accelerators", "count(chip) + sum(count * part.accelerators)")(_accelerators)
