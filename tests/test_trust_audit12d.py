"""Trust hunt, session 12 (s12-trust4, 2026-12-05): inference serving paths a new user would take, each defect
found with exit 0 stated as a law (hand calculations written out), its fix in its own commit.

1. A service priced by its own hour (no site TCO: capex x CRF + energy x price) charged its energy at the system's
   planning wall power (the site's average utilization 0.85), not at the service's own draw: 8 x H100 (DGX) offline
   at a 700 W and at a 400 W power_cap both paid 7,395 W of energy (924 W a GPU) at $0.30/kWh, $2.219 an hour,
   while they draw 8,181 W and 5,206 W. Law: cost_per_hour(price p) - cost_per_hour(0) = p x the service's mean
   wall power, u x power + (1 - u) x chips x W_idle (u its duty cycle, busy at `power`, idle the rest at the idle
   draw's wall power W_idle), so a power cap or a lighter offered load lowers the energy dollars by exactly
   u x the power it saves x p. A site that prices the accelerator-hour (its TCO) still prices its services at it:
   their costs add up to its bill (test_cost_per_token.test_the_services_costs_add_up_to_the_sites_bill).
2. `precision = "fp4"` on a chip without an FP4 rate (an H100: Hopper has no FP4 tensor cores) ran silently,
   exit 0, with no diagnostic: 8 x H100 serving Llama 3.1 70B at "fp4" printed 5.97 ktok/s served, its GEMMs at
   the fp8 rate (1,979 TFLOP/s) with 0.5-byte weights (what a weight-only W4A8 kernel does), never saying so.
   Law: a workload whose chip lacks its precision's rate is flagged (a `model-input-missing` warning at the
   precision naming the chip, the missing rate and the rate used); one whose chip has it is not.
3. A disaggregated service sized by a swept `demand` (5, 20 and 80 ktok/s) stopped with an internal error (a
   ValueError broadcasting the demand's 3 scenarios to the decode search's 1), exit 2, no figures; each demand
   alone evaluates. Law: a sweep equals its single runs (pools, tokens/s, latencies, cost).
4. A service sized by a demand whose model does not fit one system (Llama 3.1 405B in bf16, 812 GB, on a DGX H100's
   8 x 72 GB usable) is rightly `infeasible-workload`, but also printed an `overloaded` error "its 8 accelerators
   carry at most 8e-300 tok/s: it needs nan": numbers of a search that found no configuration. Law: a scenario
   with no configuration has the one error saying why; the overload rule judges only feasible scenarios (as its
   latency masks do), and no diagnostic prints nan or a denormal as a figure.
5. Speculative decoding (`let draft_tokens` k): a verify step runs k + 1 query tokens a row through every GEMM and
   keeps tau of them, but the chip's compute activity (so its power and the energy dollars) counted the FLOPs of
   the tau kept tokens only: 8 x H100 single-stream Llama 3.1 70B at k = 3 drew 2.41 kW at tau = 1 and 3.28 kW at
   tau = 3 for the same verify steps. Law: the FLOPs per output token are the verify pass's decode work x (k+1) /
   tau plus the k draft passes of one layer / tau, plus the prefill's, so that the compute activity over the
   tokens/s per chip is F(tau) / (gemm_peak_fraction x peak) with F written out below; and the memory traffic
   (weights, KV) is streamed once per verify step, tpot x tau, not once per output token.
6. A single stream (one request at a time) prefills its prompt (TTFT = the prefill, t_pre) and then decodes, but
   its decode steps also carried the prompt's tokens spread over the answer (r = I / O a step, as a continuous
   batcher's chunked prefill does for other requests), and its tokens/s was 1 / that step: Llama 3.1 8B on 8
   H100, 32,768-token prompts, 64-token answers printed TTFT 239 ms, TPOT 2.94 ms and 340 tok/s, where one
   request takes 239 + 63 x TPOT ms for 64 tokens (151 tok/s at that TPOT). Law: a single stream's TPOT is the
   step of its one request's decode alone, and its tokens/s is O / (TTFT + (O - 1) TPOT) per replica.
"""
from __future__ import annotations

import numpy as np
import pytest

from compiler import evaluate_text
from spec_eval import error_free_values  # tests/ is on the path

H100_IDLE = 72.0                 # W, H100 SXM idle_power (stdlib chips.factory, measured)
DGX_SLOPE = (1 + 0.25) / 0.94    # DGX H100 wall power per board watt: air overhead 25% at peak, PSU 94%
PRICE = 0.3 / 3.6e6              # USD/J: $0.30/kWh


def _run(text: str, defines: dict[str, str] | None = None):
    return error_free_values(text, defines, "audit12d.factory")


def _all(v, name: str, n: int) -> np.ndarray:
    return np.broadcast_to(v[name], (n,)).astype(float)


# ----------------------------------------------------------------------------- 1. a service's energy dollars

CAPPED_SERVICE = """from systems import DGX_H100
from models import Llama3_1_8B
param cap = [700 W, 400 W]
param price = [0 USD/kWh, 0.3 USD/kWh]
site s {
  electricity_price = price
  inference i {
    model = Llama3_1_8B
    system = DGX_H100
    accelerators = 8
    scenario = "offline"
    utilization = 1
    power_cap = cap
  }
}
"""


def test_a_services_cost_charges_the_energy_it_draws_under_a_power_cap() -> None:
    """Scenarios (cap, price): (700 W, 0), (700 W, 0.3), (400 W, 0), (400 W, 0.3). Busy all the time (u = 1), the
    energy dollars an hour are power x price: cost_per_hour(0.3) - cost_per_hour(0) = power x 0.3 / 3.6e6 USD/s;
    the capex part (cost at $0/kWh) does not read the cap. Before: 7,395 W x price at both caps (the planning
    power), while the service drew 8,181 W and 5,206 W."""
    v = _run(CAPPED_SERVICE)
    cost = _all(v, "s.i.cost_per_hour", 4)
    power = _all(v, "s.i.power", 4)
    assert power[2] < power[0]
    for zero, priced in ((0, 1), (2, 3)):
        assert cost[priced] - cost[zero] == pytest.approx(power[priced] * PRICE, rel=1e-9)
    assert cost[0] == pytest.approx(cost[2], rel=1e-12)
    # the cap saves (power_700 - power_400) x price an hour, exactly
    assert cost[1] - cost[3] == pytest.approx((power[1] - power[3]) * PRICE, rel=1e-9)


LIGHT_SERVICE = """from systems import DGX_H100
from models import Llama3_1_8B
param load = [60000 tok/s, 5000 tok/s]
param price = [0 USD/kWh, 0.3 USD/kWh]
site s {
  electricity_price = price
  inference i {
    model = Llama3_1_8B
    system = DGX_H100
    accelerators = 8
    scenario = "offline"
    utilization = 0.5
    offered_load = load
  }
}
"""


def test_a_lighter_load_lowers_the_energy_dollars_by_the_energy_it_saves() -> None:
    """Busy half the time (u = 0.5) at `power`, idle the other half with its 8 GPUs at 72 W: the server's wall
    power per GPU is affine in the board power, W_idle = system_power / 8 - m (accelerator_power - 72 W), m =
    1.25 / 0.94, held at the DGX H100's declared idle, 2.4 kW / 8 = 300 W a GPU (s14-cfo2: the affine model gives
    214.6 W there). Energy dollars an hour: price x (0.5 power + 0.5 x 8 W_idle). An offered load of 5,000 tok/s
    draws less while busy than 62,500 (both below the 62.71 ktok/s capacity since 2026-12-07, solved to the Server
    share; the load was 63,000 under the 63.49 ktok/s at the Hopper FP8 factor 0.81 on the grid, 63,500 under 63.93
    at 0.82); the idle half is the same: the dollars fall by 0.5 x (the power saved) x price."""
    v = _run(LIGHT_SERVICE.replace("param load = [60000 tok/s, 5000 tok/s]", "param load = [62500 tok/s, 5000 tok/s]"))
    cost = _all(v, "s.i.cost_per_hour", 4)
    power = _all(v, "s.i.power", 4)
    w_idle = np.maximum(_all(v, "s.i.system_power", 4) / 8 - DGX_SLOPE * (_all(v, "s.i.accelerator_power", 4)
                                                                          - H100_IDLE), 2400.0 / 8)
    assert np.all(w_idle == 300.0)
    assert power[2] < power[0]
    assert w_idle[0] == pytest.approx(w_idle[2], rel=1e-9)
    for zero, priced in ((0, 1), (2, 3)):
        assert cost[priced] - cost[zero] == pytest.approx((0.5 * power[priced] + 0.5 * 8 * w_idle[priced]) * PRICE,
                                                          rel=1e-9)
    assert cost[1] - cost[3] == pytest.approx(0.5 * (power[1] - power[3]) * PRICE, rel=1e-9)


# ----------------------------------------------------------------------------- 2. a precision the chip lacks

FP4 = """from systems import DGX_H100, DGX_B200
from models import Llama3_1_70B
site s {
  inference i {
    model = Llama3_1_70B
    system = SYSTEM
    accelerators = 8
    scenario = "offline"
    precision = "fp4"
  }
}
"""


def _diagnostics(text: str):
    results, sink = evaluate_text(text, "audit12d.factory")
    return results.values, sink


@pytest.mark.parametrize("kind", ["inference", "training"])
def test_a_precision_the_chip_lacks_is_flagged_never_run_in_silence(kind: str) -> None:
    """H100 SXM: bf16 989 and fp8 1,979 TFLOP/s, no fp4 (stdlib chips.factory). At "fp4" the figures are computed
    at the fp8 rate (the next wider format it has): said at the `precision`, naming the chip and both formats.
    The B200 has an fp4 rate: nothing said."""
    text = FP4 if kind == "inference" else FP4.replace("inference i", "training i").replace(
        'scenario = "offline"', "tokens = 1 Ttok").replace("accelerators = 8", "accelerators = 64")
    v, sink = _diagnostics(text.replace("SYSTEM", "DGX_H100"))
    said = [d for d in sink.items if d.code == "model-input-missing" and "fp4" in d.message]
    assert len(said) == 1, [d.message for d in sink.items]
    assert "H100" in said[0].message and "fp8" in said[0].message
    assert said[0].span.line == 9
    v, sink = _diagnostics(text.replace("SYSTEM", "DGX_B200"))
    assert not [d for d in sink.items if d.code == "model-input-missing"], [d.message for d in sink.items]


# ----------------------------------------------------------------------------- 3. a disaggregated demand sweep

DISAGGREGATED = """from systems import DGX_H100
from models import Llama3_1_70B
param d = DEMAND
site s {
  inference i {
    model = Llama3_1_70B
    system = DGX_H100
    scenario = "server"
    serving = "disaggregated"
    demand = d
  }
}
"""
FIGURES = ("prefill_accelerators", "decode_accelerators", "accelerators_needed", "replicas", "tokens_per_s",
           "ttft_p99", "tpot", "power", "usd_per_mtok", "feasible")


def test_a_disaggregated_demand_sweep_equals_its_single_runs() -> None:
    """Each demand alone sizes its pools (the fewest prefill workers and decode replicas carrying it, its
    tokens/s the demand); the sweep gives each scenario exactly those figures."""
    demands = ("5000 tok/s", "20000 tok/s", "80000 tok/s")
    swept = _run(DISAGGREGATED.replace("DEMAND", "[" + ", ".join(demands) + "]"))
    for i, demand in enumerate(demands):
        one = _run(DISAGGREGATED.replace("DEMAND", demand))
        assert one["s.i.tokens_per_s"][0] == pytest.approx(float(demand.split()[0]), rel=1e-12)
        for name in FIGURES:
            assert _all(swept, f"s.i.{name}", 3)[i] == pytest.approx(one[f"s.i.{name}"][0], rel=1e-12), name


# ----------------------------------------------------------------------------- 4. a model too big, sized by demand

TOO_BIG = """from systems import DGX_H100
from models import Llama3_1_405B
site s {
  inference i {
    model = Llama3_1_405B
    system = DGX_H100
    scenario = "server"
    precision = "bf16"
    demand = 2000 tok/s
  }
}
"""


def test_a_model_too_big_for_its_system_is_one_error_without_nan_figures() -> None:
    """405.9 G parameters x 2 B = 811.7 GB over 8 chips is 101.5 GB a chip, above 72 GB usable: infeasible, said
    once with those numbers; no `overloaded` error of a capacity that was never computed."""
    results, sink = evaluate_text(TOO_BIG, "audit12d.factory")
    codes = [d.code for d in sink.errors]
    assert "infeasible-workload" in codes
    assert "overloaded" not in codes, [d.message for d in sink.errors]
    for d in sink.items:
        assert "nan" not in d.message and "e-300" not in d.message, d.message


# ----------------------------------------------------------------------------- 5. speculative decoding's work

SPECULATIVE = """from systems import DGX_H100
from models import Llama3_1_70B
param tau = [1, 3]
site s {
  inference i {
    model = Llama3_1_70B
    system = DGX_H100
    accelerators = 8
    scenario = "single_stream"
    precision = "fp8"
    let draft_tokens = 3
    let draft_accepted_length = tau
  }
}
"""


def _flops_per_output_token(k: float, tau: float) -> float:
    """Llama 3.1 70B, A = 70,553,706,496, L = 80, D = heads x head_dim = 8,192, I = 1,024, O = 256 (the default
    prompt and answer): the verify pass's GEMMs 2 A and decode attention 4 L D (I + O/2) at k + 1 query tokens a
    row, tau kept; the k draft passes of one layer, 2 A / L each; the prompt's 2 A I / O and 2 L D I^2 / O."""
    A, L, D, I, O = 70_553_706_496, 80, 8192, 1024, 256
    decode = (2 * A + 4 * L * D * (I + O / 2)) * (k + 1) / tau + 2 * A / L * k / tau
    return decode + 2 * A * I / O + 2 * L * D * I * I / O


def test_speculative_decodings_compute_activity_counts_the_verified_tokens() -> None:
    """compute_utilization / tokens_per_s_per_chip = F(tau) / (g peak): its ratio between tau = 1 and tau = 3 is
    F(3, 1) / F(3, 3), the peak and g the same (fp8, no cap, clipped nowhere at one stream)."""
    v = _run(SPECULATIVE)
    u = _all(v, "s.i.compute_utilization", 2)
    per_chip = _all(v, "s.i.tokens_per_s_per_chip", 2)
    assert np.all((u > 0) & (u < 1))
    measured = (u[0] / per_chip[0]) / (u[1] / per_chip[1])
    assert measured == pytest.approx(_flops_per_output_token(3, 1) / _flops_per_output_token(3, 3), rel=1e-9)
    # the memory traffic: the weights and the KV cache streamed once per verify step (tpot x tau), the same bytes
    # at both tau (one row)
    step = _all(v, "s.i.tpot", 2) * np.array([1.0, 3.0])
    traffic = _all(v, "s.i.memory_utilization", 2) * step
    assert traffic[0] == pytest.approx(traffic[1], rel=1e-9)
    # without drafts the formula is the plain one: F(0, 1) = 2 A (1 + I/O) + 4 L D (I + O/2) + 2 L D I^2 / O
    assert _flops_per_output_token(0, 1) == pytest.approx(
        2 * 70_553_706_496 * (1 + 4) + 4 * 80 * 8192 * (1024 + 128) + 2 * 80 * 8192 * 1024 * 4, rel=1e-12)


# ----------------------------------------------------------------------------- 6. one stream's timeline

SINGLE_STREAM = """from systems import DGX_H100
from models import Llama3_1_8B
param inp = [1024 tok, 32768 tok]
site s {
  inference i {
    model = Llama3_1_8B
    system = DGX_H100
    accelerators = 8
    scenario = "single_stream"
    input_tokens = inp
    output_tokens = 64 tok
  }
}
"""


def test_a_single_streams_tokens_per_s_is_its_requests_timeline() -> None:
    """One request a replica at a time: its first token after the prefill (TTFT), then 63 decode steps of TPOT:
    tokens/s = replicas x 64 / (TTFT + 63 TPOT). The decode step holds no prompt tokens: the longer prompt
    lengthens it only by its attention over the longer context, never by the prompt's GEMMs (the prefill's)."""
    v = _run(SINGLE_STREAM)
    ttft, tpot = _all(v, "s.i.ttft", 2), _all(v, "s.i.tpot", 2)
    replicas = _all(v, "s.i.replicas", 2)
    tokens = _all(v, "s.i.tokens_per_s", 2)
    for i in range(2):
        assert tokens[i] == pytest.approx(replicas[i] * 64 / (ttft[i] + 63 * tpot[i]), rel=1e-9)
    gemm = _all(v, "s.i.detail.decode_gemm_time", 2)
    weights = _all(v, "s.i.detail.decode_weights_time", 2)
    assert np.all(gemm <= weights * (1 + 1e-9))      # one row's GEMMs stream the weights: memory-bound
