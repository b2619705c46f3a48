"""Laws on the numbers a capacity planner and a CFO read (s17-hunt-num, session 17).

Each test states a law across runs of the compiler, or a hand calculation written out; none asserts a value the
spec itself set. One test per defect found, named after the law it breaks, with the numbers before the fix.
"""
from __future__ import annotations

import numpy as np

from compiler import evaluate_text

YEAR = 8760 * 3600.0


def _run(text: str, defines: dict[str, str] | None = None):
    results, sink = evaluate_text(text, "hunt17.factory", defines)
    return results, [d for d in sink.items if d.severity == "error"]


def _values(text: str, defines: dict[str, str] | None = None) -> dict[str, float]:
    results, errors = _run(text, defines)
    assert results is not None and not errors, [d.message for d in errors]
    return {p: float(np.asarray(x, dtype=float).ravel()[0]) for p, x in results.values.items()
            if isinstance(x, np.ndarray) and x.dtype.kind in "fiub"}


# ----------------------------------------------------------------------------- facility: a PUE below 1

EMPTY_SITE = """\
site s {
  land_price = 0 USD
  pue = P
}
"""


def test_a_pue_below_one_is_refused_at_its_span_even_where_no_it_runs() -> None:
    """PUE = total facility energy / IT energy: 1.0 is its ideal, no facility draws less than its IT (The Green
    Grid, 'Green Grid Metrics', 2007; ISO/IEC 30134-2:2016). Before: `pue = 0.5` (or 0) on a site that places no
    IT printed `s.pue 0.5` and the check 'the PUE set on it is at least 1' read ok, exit 0 (the pue-floor limit
    compares it_power_avg 0 with facility_power_avg 0 x 0.5). Now: `out-of-range` at the value, as `pue = -1` was."""
    for bad in ("0.5", "0", "0.999"):
        results, errors = _run(EMPTY_SITE.replace("P", bad))
        assert [d.code for d in errors] == ["out-of-range"], (bad, [d.message for d in errors])
        assert errors[0].span.line == 3 and "pue" in errors[0].message
    for good in ("1", "1.2", "9.6"):      # up to 10 (s20-power: above it no design's overhead; 3-10 warns)
        _, errors = _run(EMPTY_SITE.replace("P", good))
        assert not errors, (good, [d.message for d in errors])
    _, errors = _run(EMPTY_SITE.replace("P", "96"))     # 1.096 slipped (tests/test_facility_ranges20.py)
    assert [d.code for d in errors] == ["out-of-range"]


def test_a_swept_pue_below_one_is_refused_in_its_scenario() -> None:
    """The same bound where the value varies by scenario (compiler/checks.py reads the same range): a sweep of
    `pue` over [0.8, 1.3] is an `out-of-range` error, not a PUE of 0.8 printed with exit 0."""
    text = "param p = 1.2\n" + EMPTY_SITE.replace("P", "p")
    _, errors = _run(text, {"p": "[0.8, 1.3]"})
    assert "out-of-range" in [d.code for d in errors], [d.message for d in errors]


# ----------------------------------------------------------------------------- money: the capital recovery factor

FINANCE = """\
from systems import DGX_H100_rack
site s {
  land_price = 0 USD
  hall h { rack r: DGX_H100_rack x 4 }
  finance f {
    discount_rate = R / 1 yr
  }
}
"""


def test_a_small_positive_discount_rate_never_lowers_depreciation_below_straight_line() -> None:
    """CRF(r, n) = r / (1 - (1 + r)^-n) rises with r from 1/n at r = 0 (cost.py): CRF = (1/n) (1 + r (n + 1) / 2
    + O(r^2)). Law: for 0 < r the annual charge is at least the straight-line one, and above it by at most the
    share r (n + 1) / 2 (to its second order, r n of that). Before: 1 - (1 + r)^-n lost its digits to cancellation, so r = 1e-15 a year charged the $6.4M of IT
    $1.1529M a year over 5 years instead of $1.28M (-9.9%, below straight-line: cheaper capital than free), and
    r = 1e-12 $1.279886M (-8.9e-5)."""
    flat = _values(FINANCE.replace("R", "0"))
    for r in (1e-15, 1e-12, 1e-9, 1e-6):
        x = _values(FINANCE.replace("R", repr(r)))
        for what, n in (("it", 5), ("facility", 20)):
            base, at = flat[f"s.depreciation_{what}_year"], x[f"s.depreciation_{what}_year"]
            assert base * (1 - 1e-12) <= at <= base * (1 + r * (n + 1) / 2 * (1 + r * n) + 1e-12), (what, r, at / base - 1)


# ----------------------------------------------------------------------------- facility: the chillers of no loop

AIR_ROOM = """\
from systems import DGX_H100_rack
site s {
  land_price = 0 USD
  hall h {
    rack r: DGX_H100_rack x 4
  }
}
"""

# a hybrid server (80% of its heat to liquid) whose count is swept through 0: the liquid loop carries heat only
# in the second scenario
HYBRID_SWEEP = """
server box {
  max_power = 10 kW
  price = 1000 USD
  cooling = "hybrid"
  liquid_fraction = 0.8
}
param k = [0, 10]
site s {
  land_price = 0 USD
  hall h {
    rack r { server n: box x k }
  }
}
"""


def test_a_loop_that_carries_no_heat_has_no_chillers_running() -> None:
    """Law: `<loop>_chillers_run` and `<loop>_free_cooling_hours` are two figures of one loop, present together:
    where the loop carries no heat in any scenario both are left out; in the scenarios of a sweep where it carries
    none, both absent with the reason. Before: four air-cooled DGX H100 racks (heat_liquid 0 W, no liquid loop)
    read `liquid_chillers_run` 1 on the hall and the site (the enterprise starter too: 'the liquid loop needs
    chillers' of a room with no liquid loop), while their liquid_free_cooling_hours were left out."""
    results, errors = _run(AIR_ROOM)
    assert not errors
    for block in ("s.h", "s"):
        assert float(results.values[f"{block}.heat_liquid"][0]) == 0
        for loop in ("liquid", "air"):
            run, hours = f"{block}.{loop}_chillers_run", f"{block}.{loop}_free_cooling_hours"
            assert (run in results.values) == (hours in results.values), (run, hours)
        assert f"{block}.liquid_chillers_run" not in results.values
        assert float(results.values[f"{block}.air_chillers_run"][0]) in (0.0, 1.0)
    swept, errors = _run(HYBRID_SWEEP)
    assert not errors
    for block in ("s.h", "s"):
        run = f"{block}.liquid_chillers_run"
        gone = swept.absent.get(run)
        assert gone is not None and np.asarray(gone.mask).ravel().tolist() == [True, False], run
        assert "liquid" in gone.reason
        assert float(np.asarray(swept.values[run]).ravel()[1]) in (0.0, 1.0)


# ----------------------------------------------------------------------------- money: gear a rack places

RACK_GEAR = """\
from systems import GB200_compute_tray
pdu strip {
  capacity = 200 kW
  efficiency = 0.99
  price = PRICE
}
cdu incdu {
  capacity = 150 kW
  price = PRICE
}
rack r {
  server t: GB200_compute_tray x 18
  cooling = "liquid"
  PLACE
}
site s {
  land_price = 0 USD
  hall h { rack a: r x 10 }
}
"""


def test_a_priced_part_a_rack_places_adds_its_price_and_never_lowers_capex() -> None:
    """Law: adding a priced part never lowers capex, and the capex it adds is in proportion to its price (the
    hall's plant around it unchanged). A rack's PDU is one more stage after the hall's floor PDU in the power chain
    (facility.py `_rack_pdus`: the strip after the floor PDU), and the hall's thermal model still sizes its CDUs
    for the rack's liquid heat (`cdus`); so the hall's PDU and CDU classes stay priced for that IT and heat, and the
    rack's gear adds its own price. Before: the rack's IT and heat were taken out of the class's estimate, so a
    $100 in-rack CDU in each of 10 GB200 tray racks lowered capex $16.389M -> $15.638M (-4.6%, while `cdus` stayed
    2 and the cooling power the same), and a $100 rack PDU strip lowered it by the floor PDUs' estimate."""
    for place in ("pdu p: strip x 1", "cdu c: incdu x 1"):
        def capex(price: str, gear: str = place) -> float:
            return _values(RACK_GEAR.replace("PLACE", gear).replace("PRICE", price))["s.capex"]
        none = capex("1 USD", "")
        one, two = capex("100 USD") - none, capex("200 USD") - none
        assert one > 0, (place, one)
        assert abs(two - 2 * one) <= 1e-9 * two, (place, one, two)


# ----------------------------------------------------------------------------- network: no endpoints

FABRIC = """\
from systems import DGX_H100_rack
from network import Q3400, OSFP_800G_2xDR4
param n = 4
site s {
  land_price = 0 USD
  hall h { rack r: DGX_H100_rack x n }
  network be {
    role = "scale_out"
    switch = Q3400
    transceiver = OSFP_800G_2xDR4
  }
}
"""


def test_a_fabric_with_no_endpoints_has_no_all_to_all_bandwidth() -> None:
    """alltoall_bw is the bandwidth per endpoint of an all-to-all over the endpoints: with none attached there is no
    such exchange, so no figure (absent with its reason, as the PUE of a site with no IT), while its switches,
    optics and bisection are 0. Before: the racks swept to 0 printed alltoall_bw 800 Gb/s (the injection
    bandwidth) for a fabric that attaches nothing, exit 0. With endpoints the figure stays at most injection_bw."""
    results, errors = _run("param n = 4\n" + FABRIC.replace("param n = 4\n", ""), {"n": "[0, 4]"})
    assert not errors, [d.message for d in errors]
    ends = np.asarray(results.values["s.be.endpoints"], dtype=float).ravel()
    assert ends.tolist() == [0.0, 128.0]
    gone = results.absent.get("s.be.alltoall_bw")
    assert gone is not None and np.asarray(gone.mask).ravel().tolist() == [True, False] and "endpoint" in gone.reason
    a2a = float(np.asarray(results.values["s.be.alltoall_bw"], dtype=float).ravel()[1])
    inj = float(np.asarray(results.values["s.be.injection_bw"], dtype=float).ravel()[-1])
    assert 0 < a2a <= inj


# ----------------------------------------------------------------------------- inference: a MoE's draw at low load

MOE_LOAD = """\
from systems import GB200_NVL72
from models import GPT_OSS_120B
param dem = 1000 tok/s
site s {
  land_price = 0 USD
  rack nvl: GB200_NVL72 x 1
  inference b {
    model = GPT_OSS_120B
    rack = GB200_NVL72
    accelerators = 72
    precision = "fp4"
    scenario = "server"
    input_tokens = 1000 tok
    output_tokens = 500 tok
    demand = dem
  }
}
"""


def test_a_moe_service_never_draws_more_at_a_lower_load() -> None:
    """Law: more load never draws less power (a sweep of the demand, the layout fixed by the same 72 GPUs). The
    memory activity of a decode step is the bytes it streams over its time: for a mixture-of-experts model at a
    small batch, the dense weights and the experts its tokens reach (touched = 1 - (1 - k/E)^tokens, as the step
    time counts them), not every expert. Before: gpt-oss-120b on a GB200 NVL72 read all 64.3 GB of its weights a
    4.6 ms step at 10-10,000 tok/s (14 TB/s on an 8 TB/s chip, clipped to memory_utilization 1): 299 W a GPU,
    more than at 300,000 tok/s (244.8 W); now its draw rises with the load."""
    loads = [1000, 300000]
    results, errors = _run(MOE_LOAD, {"dem": "[" + ", ".join(f"{x} tok/s" for x in loads) + "]"})
    assert not errors, [d.message for d in errors]
    draw = np.asarray(results.values["s.b.accelerator_power"], dtype=float).ravel()
    memory = np.asarray(results.values["s.b.memory_utilization"], dtype=float).ravel()
    assert np.all(np.diff(draw) >= -1e-9 * draw[1:]), dict(zip(loads, draw.round(1)))
    assert np.all(memory < 1), dict(zip(loads, memory.round(3)))


# ----------------------------------------------------------------------------- training: a run shorter than a step

SHORT_RUN = """\
from systems import DGX_H100
from models import Llama3_1_8B
param tok = 1 Mtok
site s {
  land_price = 0 USD
  training t {
    model = Llama3_1_8B
    system = DGX_H100
    accelerators = 8
    tokens = tok
  }
}
"""


def test_a_training_run_takes_at_least_one_step_and_more_tokens_never_take_less_time() -> None:
    """Law: a run of any tokens > 0 takes at least one optimizer step, so time_to_train >= step_time, and more
    tokens never take less time (training.py `steps`: max(1, tokens / G)). Before: T0 = tokens / G x t_step, so
    Llama 3.1 8B on 8 H100 with 1 Mtok against the default 4.19 Mtok global batch read time_to_train 7.84 s
    against a step_time of 32.9 s, and 1 token 7.8 us, exit 0. Above one batch the steps stay tokens / G (the
    mean of MLPerf's reference convergence points, validate's rows, unchanged)."""
    loads = ["1 tok", "1 Mtok", "4 Mtok", "4.194304 Mtok", "6 Mtok", "41.94304 Mtok"]
    results, errors = _run(SHORT_RUN, {"tok": "[" + ", ".join(loads) + "]"})
    assert not errors, [d.message for d in errors]
    step = np.asarray(results.values["s.t.step_time"], dtype=float).ravel()
    t = np.asarray(results.values["s.t.time_to_train"], dtype=float).ravel()
    good = np.asarray(results.values["s.t.goodput"], dtype=float).ravel()
    assert np.all(t * good >= step * (1 - 1e-9)), dict(zip(loads, (t / step).round(3)))
    assert np.all(np.diff(t) >= 0), dict(zip(loads, t.round(3)))
    # one batch and below: one step; ten batches: ten steps (hand count, the run's own step and goodput)
    assert np.allclose((t * good / step)[:4], 1.0, rtol=1e-9) and np.isclose(t[5] * good[5] / step[5], 10.0, rtol=1e-9)


# ----------------------------------------------------------------------------- network: the servers' NICs

NIC_BOX = """\
from network import Q3400, OSFP_800G_2xDR4, ConnectX7, ConnectX8
nic slow {
  bandwidth = 200 Gb/s
  ports = 1
  power = 20 W
  price = 1000 USD
}
server box {
  max_power = 10 kW
  chip g: H100_SXM x 8
  NICS
}
site s {
  land_price = 0 USD
  hall h { rack r { server b: box x 4 } }
  network be {
    role = "scale_out"
    switch = Q3400
    transceiver = OSFP_800G_2xDR4
    FIELD
  }
}
"""


def test_a_fabric_never_injects_more_than_the_servers_nics_send() -> None:
    """Law: the injection bandwidth (and the link speed) of a scale_out fabric never exceed the rate of the NICs its
    endpoints send with; a port runs at the lower of its two ends (network.py `_servers_nic_rate`). Before: a
    network without `nic` took the switch's port speed, so 128 DGX H100 GPUs (one 400G ConnectX-7 each) on an
    800G Quantum-X800 read injection_bw 800 Gb/s, bisection 51.2 Tb/s and 256 800G optics; now 400 Gb/s, 25.6
    Tb/s and 128 (two 400G links to a port, the 800G twin-port module carrying two). Servers with NICs of two
    rates take those that number one per accelerator; where that leaves several, no figure (a warning asking for
    `nic`); a `nic` written on the network still decides."""
    dgx = _values(FABRIC)
    assert dgx["s.be.injection_bw"] == 400 * 1e9 / 8 and dgx["s.be.link_speed"] == 400 * 1e9 / 8
    # hand count: 128 x 400G endpoint links on 4 ToR leaves (a rack's 32 GPUs each), 1:1 up: 128 leaf-spine
    # links, bisection min(128 x 400G, 128 x 400G) / 2 = 25.6 Tb/s; optics only above the leaves (in-rack DACs):
    # 128 links x 2 ends x 400G / 800G a module = 128
    assert dgx["s.be.bisection_bw"] == 128 * 400e9 / 8 / 2
    assert dgx["s.be.transceivers"] == 128
    cases = {  # NICs of the server, field on the network -> injection (Gb/s), None: not computed
        ("nic c: ConnectX7 x 8", ""): 400,
        ("nic c: ConnectX8 x 8", ""): 800,
        ("nic c: ConnectX7 x 8\n  nic st: slow x 2", ""): 400,       # one per GPU: the compute NICs
        ("nic a: ConnectX7 x 4\n  nic st: slow x 4", ""): 800,       # neither one per GPU: ambiguous, the
        # port speed, flagged by a model-input-missing warning asking for `nic` (the figure and the capex it
        # prices stay: adding a rack of other NICs to a fabric must not make a site's capex absent)
        ("nic a: ConnectX7 x 4\n  nic st: slow x 4", "nic = ConnectX8"): 800,
        ("", ""): 800,                                              # no NIC declared: the port speed
    }
    for (nics, field), want in cases.items():
        text = NIC_BOX.replace("NICS", nics).replace("FIELD", field)
        results, errors = _run("from chips import H100_SXM\n" + text)
        assert not errors, (nics, [d.message for d in errors])
        if want is None:
            assert "s.be.injection_bw" not in results.values, nics
            continue
        inj = float(np.asarray(results.values["s.be.injection_bw"]).ravel()[0])
        link = float(np.asarray(results.values["s.be.link_speed"]).ravel()[0])
        assert inj == want * 1e9 / 8 and link <= inj, (nics, field, inj * 8e-9, link * 8e-9)


def test_a_fabric_with_no_endpoints_has_no_tiers() -> None:
    """A tier is a layer of switches: where the network attaches no endpoint it builds no switch, port or link, so
    no tier either (0, a count of the structure as its switches are; its per-endpoint rate alltoall_bw is absent,
    test above). Before: the racks swept to 0 read tiers 1 over 0 switches, exit 0. Law: tiers is 0 exactly where
    the endpoints are, and at least 1 elsewhere."""
    for topology in ("", '    topology = "single_switch"\n'):
        text = "param n = 4\n" + FABRIC.replace("param n = 4\n", "").replace('    role = "scale_out"\n',
                                                                            '    role = "scale_out"\n' + topology)
        results, errors = _run(text, {"n": "[0, 4]"})
        assert not errors, [d.message for d in errors]
        tiers = np.asarray(results.values["s.be.tiers"], dtype=float).ravel()
        switches = np.asarray(results.values["s.be.switches"], dtype=float).ravel()
        assert tiers[0] == 0 and switches[0] == 0 and tiers[1] >= 1 and switches[1] >= 1, (topology, tiers, switches)


# ----------------------------------------------------------------------------- plausibility: an estate beyond the world

ESTATE = """\
from systems import DGX_H100_rack
param halls = 1
site s {
  land_price = 0 USD
  hall h x halls { rack r: DGX_H100_rack x 4 }
}
"""


def test_a_site_drawing_more_than_the_world_generates_is_flagged() -> None:
    """A site whose average facility power exceeds the world's average electricity generation (29,925 TWh in 2023,
    Energy Institute Statistical Review of World Energy 2024: 3.42 TW) is an `implausible-value` warning at the
    site, in the scenarios where it is, naming its facility figures (compiler/plausible.py `check_world_supply`).
    Before: 10^9 halls of four DGX H100 racks (146,020 GW on average) compiled silently, exit 0. The bound is
    physical, not a taste: a halls count of 1 (180 kW) and 10^4 (about 1.5 GW) stay silent; the figures keep their
    values (a warning only)."""
    results, sink = evaluate_text(ESTATE, "hunt17.factory", {"halls": "[1, 10000, 1000000000]"})
    flagged = [d for d in sink.items if d.code == "implausible-value"]
    assert len(flagged) == 1 and flagged[0].severity == "warning", [d.message for d in sink.items]
    assert "s.facility_power_avg" in flagged[0].quantities and "halls = 1000000000" in flagged[0].message.replace(
        ",", ""), flagged[0].message
    avg = np.asarray(results.values["s.facility_power_avg"], dtype=float).ravel()
    world = 29925e12 / 8760
    assert avg[0] < avg[1] < world < avg[2]                              # the sweep's figures, as computed
    assert abs(avg[2] / avg[0] - 1e9) < 1e-6 * 1e9                       # counts scale the power (law)
