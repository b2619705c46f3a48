"""Network model against hand calculations written out here, and against known fabrics.

Known designs: a k = 64 fat tree (two and three tiers), the Llama 3 24K-GPU cluster (arXiv 2407.21783: 3-layer
Clos, 400 Gb/s per GPU, 16 GPUs per rack, 3,072-GPU pods at full bisection, 1:7 above the pods), a GB200
NVL72 rack (9 NVLink switch trays for 72 GPUs), HGX 8-GPU NVSwitch boards, a TPU 3D torus, and a DGX
SuperPOD-style rail-optimized fabric of Quantum-2 QM9700 switches (8 rail leaves per 32-node unit).
"""
from __future__ import annotations

import numpy as np
import pytest

from compiler import evaluate_text
from compiler.models import network as net
from spec_eval import run, value

GB = 1e9
Gbps = 1e9 / 8          # B/s


def values(results, prefix: str, *names: str) -> dict[str, float]:
    return {name: value(results, f"{prefix}.{name}") for name in names}


SW64 = """
switch sw64 {
  ports = 64
  port_speed = 400 Gb/s
  power = 600 W
  price = 30000 USD
}
"""


# ---------------------------------------------------------------- fat trees of radix-64 switches

def test_two_tier_non_blocking_fat_tree_of_radix_64() -> None:
    # k = 64, non-blocking: a leaf has 32 ports down and 32 up. A spine reaches every leaf, so there are at
    # most 64 leaves: 64 * 32 = 2,048 endpoints = k^2 / 2. Leaves 2,048 / 32 = 64; spines 64 * 32 / 64 = 32;
    # 96 switches. Ports in use: leaves 2,048 down + 2,048 up, spines 2,048: 6,144 = 96 * 64 (all of them).
    # Bisection: min(2,048 * 400G, 2,048 uplinks * 400G) / 2 = 409.6 Tb/s = 51.2 TB/s.
    results, _ = run(SW64 + "network fab {\n  endpoints = 2048\n  switch = sw64\n}\n")
    got = values(results, "fab", "tiers", "max_endpoints", "switches_leaf", "switches_spine", "switches_core",
                 "switches", "ports", "bisection_bw", "alltoall_bw")
    assert got == {"tiers": 2, "max_endpoints": 2048, "switches_leaf": 64, "switches_spine": 32,
                   "switches_core": 0, "switches": 96, "ports": 6144, "bisection_bw": pytest.approx(51.2e12),
                   "alltoall_bw": pytest.approx(400 * Gbps)}
    # Reach: top-of-rack leaves (the default) reach their endpoints with 2,048 DACs (2 m <= 3 m); the
    # 2,048 leaf-spine links (50 m) are optical: a module at each end (default: one per 400G port, 8 W at
    # 20 pJ/bit, $600 at $1.5 per Gb/s) and one fibre ($100).
    bill = values(results, "fab", "cables_copper", "cables_active", "cables_optical", "transceivers")
    assert bill == {"cables_copper": 2048, "cables_active": 0, "cables_optical": 2048, "transceivers": 4096}
    # Power: 96 * 600 W + 4,096 * 8 W + 2,048 DACs * 0.1 W = 57,600 + 32,768 + 204.8 = 90,572.8 W.
    assert value(results, "fab.power") == pytest.approx(90_572.8)
    # Capex: 96 * $30k = $2.88M; optics 4,096 * $600 + 2,048 fibres * $100 + 2,048 DACs * $125 (= $250 per
    # 800G, pro rata) = $2,457,600 + $204,800 + $256,000 = $2,918,400; total $5,798,400.
    assert value(results, "fab.capex_optics") == pytest.approx(2_918_400)
    assert value(results, "fab.capex") == pytest.approx(5_798_400)


def test_one_more_endpoint_needs_a_third_tier() -> None:
    # 2,049 endpoints exceed the two-tier capacity (2,048): three tiers. Leaves ceil(2,049 / 32) = 65;
    # a pod is 32 leaves (one spine's 32 downlinks) with 32 spines; pods ceil(65 / 32) = 3, built whole:
    # 96 spines. The 65 * 32 = 2,080 leaf uplinks give a spine 21.7 downlinks on average, so 22 uplinks:
    # 96 * 22 = 2,112 links up, cores ceil(2,112 / 64) = 33. Capacity k^3 / 4 = 65,536.
    results, _ = run(SW64 + "network fab {\n  endpoints = 2049\n  switch = sw64\n}\n")
    got = values(results, "fab", "tiers", "max_endpoints", "switches_leaf", "switches_spine", "switches_core")
    assert got == {"tiers": 3, "max_endpoints": 65536, "switches_leaf": 65, "switches_spine": 96,
                   "switches_core": 33}


def test_three_tier_k_ary_fat_tree_is_full_at_k_cubed_over_4() -> None:
    # The classic k-ary fat tree, k = 64: k^3/4 = 65,536 hosts, k^2/2 = 2,048 leaves and 2,048 spines in
    # k = 64 pods, (k/2)^2 = 1,024 cores: 5,120 switches = 5k^2/4.
    results, _ = run(SW64 + "network fab {\n  endpoints = 65536\n  switch = sw64\n}\n")
    got = values(results, "fab", "switches_leaf", "switches_spine", "switches_core", "switches")
    assert got == {"switches_leaf": 2048, "switches_spine": 2048, "switches_core": 1024, "switches": 5120}
    assert all(c.ok for c in results.checks)
    # One endpoint more does not fit three tiers of radix 64: the built-in limit fails.
    results, sink = evaluate_text(SW64 + "network fab {\n  endpoints = 65537\n  switch = sw64\n}\n")
    assert any(d.code == "limit-exceeded" and "tiers hold its endpoints" in d.message for d in sink.items)


def test_oversubscribed_leaf() -> None:
    # 3:1 at the leaf: 48 down, 16 up (floor(64 * 3/4) = 48). 2,048 endpoints: leaves ceil(2,048 / 48) = 43,
    # uplinks 43 * 16 = 688, spines ceil(688 / 64) = 11. Bisection min(2,048, 688) / 2 = 344 links of 400G.
    # All-to-all: G1 = 2,048 / 43 = 47.63 endpoints per leaf; the share of a leaf's uplinks per endpoint is
    # 688 / 2,048 = 0.3359 links, of which each endpoint's traffic leaving the leaf is (N - G1)/(N - 1):
    # 0.3359 * 2,047 / 2,000.37 = 0.3438 links = 137.5 Gb/s (about 400G / 3, slightly more as some traffic
    # stays on the leaf).
    results, _ = run(SW64 + "network fab {\n  endpoints = 2048\n  switch = sw64\n  oversubscription = 3\n}\n")
    got = values(results, "fab", "switches_leaf", "switches_spine", "bisection_bw", "alltoall_bw")
    g1 = 2048 / 43
    assert got == {"switches_leaf": 43, "switches_spine": 11, "bisection_bw": pytest.approx(344 * 400 * Gbps),
                   "alltoall_bw": pytest.approx(688 / 2048 * 2047 / (2048 - g1) * 400 * Gbps)}
    assert got["alltoall_bw"] / Gbps == pytest.approx(137.5, abs=0.1)


def test_breakout_doubles_the_radix() -> None:
    # 64 x 800G ports carrying 200G links: 4 lanes per port, radix 256. 16 front-end endpoints on one
    # switch (single_switch): 16 links use ceil(16 / 4) = 4 physical ports.
    assert net.lanes_per_port(800 * Gbps, 200 * Gbps)[0] == 4
    assert net.radix(64, 800 * Gbps, 200 * Gbps)[0] == 256
    assert net.lanes_per_port(400 * Gbps, 800 * Gbps)[0] == 0.5     # an 800G link takes two 400G ports
    results, _ = run("""
switch sn5600 {
  ports = 64
  port_speed = 800 Gb/s
  power = 1000 W
}
network fe {
  role = "frontend"
  topology = "single_switch"
  endpoints = 16
  link_speed = 200 Gb/s
  switch = sn5600
}
""")
    assert values(results, "fe", "switches", "ports", "max_endpoints") == {"switches": 1, "ports": 4,
                                                                          "max_endpoints": 256}


# ---------------------------------------------------------------- Llama 3 24K-GPU cluster

LLAMA3 = """
chip h100 {
  tdp = 700 W
  scaleup_bw = 900 GB/s
}
server grand_teton { chip gpu: h100 x 8 }
rack ai_rack { server node: grand_teton x 2 }
switch minipack2 {
  ports = 64
  port_speed = 400 Gb/s
  power = 1000 W
}
switch arista7800 {
  ports = 576
  port_speed = 400 Gb/s
  power = 20 kW
}
site meta {
  hall h {
    rack r: ai_rack x 1536
    network backend {
      switch = minipack2
      switch_spine = arista7800
      pod_endpoints = 3072
      oversubscription_spine = 7
    }
  }
}
"""


def test_llama3_24k_cluster_three_layer_clos() -> None:
    # Llama 3 paper (arXiv 2407.21783, 2024): 24K GPUs, RoCE, 400 Gb/s per GPU, 3-layer Clos; 16 GPUs per rack
    # (two 8-GPU servers) behind one ToR; 192 racks = a 3,072-GPU pod at full bisection; 1:7 above the pods.
    # Switches as modelled (radix, not power, matters here): ToR 64 x 400G, cluster and aggregation
    # switches Arista 7800R3-class chassis with 576 x 400G.
    #   endpoints: 1,536 racks * 16 = 24,576 GPUs (read from the hall), one 400G link each.
    #   ToR: its rack's 16 GPUs down, 16 up (non-blocking): 1,536 leaves.
    #   pod: 3,072 / 16 = 192 leaves; a spine at 7:1 may use floor(576 * 7/8) = 504 ports down, so a pod
    #        needs ceil(192 * 16 / 504) = 7 spines; 8 pods: 56 spines. Each spine: 192 * 16 / 7 = 438.9
    #        downlinks, ceil(438.9 / 7) = 63 uplinks: 56 * 63 = 3,528 links up, cores ceil(3,528 / 576) = 7.
    #   bisection: min(24,576, 24,576, 3,528) / 2 = 1,764 links * 400G = 705.6 Tb/s (= 88.2 TB/s).
    results, _ = run(LLAMA3)
    got = values(results, "meta.h.backend", "endpoints", "tiers", "switches_leaf", "switches_spine",
                 "switches_core", "bisection_bw")
    assert got == {"endpoints": 24576, "tiers": 3, "switches_leaf": 1536, "switches_spine": 56,
                   "switches_core": 7, "bisection_bw": pytest.approx(1764 * 400 * Gbps)}
    assert got["bisection_bw"] * 8 / 1e12 == pytest.approx(705.6)
    # Reach: the ToR's 24,576 GPU links stay in the rack (DAC, as Meta's RTSW); the 24,576 ToR-spine and
    # 3,528 spine-core links are optical: 2 * (24,576 + 3,528) = 56,208 modules, 28,104 fibres.
    bill = values(results, "meta.h.backend", "cables_copper", "transceivers", "cables_optical")
    assert bill == {"cables_copper": 24576, "transceivers": 56208, "cables_optical": 28104}
    # Power: 1,536 * 1 kW + 63 * 20 kW + 56,208 * 8 W + 24,576 * 0.1 W = 1,536 + 1,260 + 449.664 + 2.4576 kW.
    assert value(results, "meta.h.backend.power") == pytest.approx(1_536e3 + 1_260e3 + 449_664 + 2_457.6)
    # ... and it is part of the hall's IT power (the hall holds nothing else but the GPU racks).
    racks = value(results, "meta.h.r.it_power") * 1536
    assert value(results, "meta.h.it_power") == pytest.approx(racks + value(results, "meta.h.backend.power"))


def test_llama3_cluster_with_one_spine_per_tor_uplink() -> None:
    # Meta's pods have one cluster switch per ToR uplink (16 planes); with 8 pods, 128 spines. Setting the
    # count: each spine has 192 downlinks (one per ToR of its pod) and ceil(192 / 7) = 28 uplinks; 3,584
    # links up, cores ceil(3,584 / 576) = 7. Pod taper 3,072 : 16 * 28 = 6.86 : 1.
    #   bisection: 3,584 / 2 * 400G = 716.8 Tb/s.
    #   all-to-all over the 24,576 GPUs: 3,584 / 24,576 = 0.1458 links per GPU leave the pods, and a GPU
    #   sends (24,576 - 3,072) / 24,575 of its data outside its pod: 0.1458 * 24,575 / 21,504 = 0.1667 links
    #   = 66.7 Gb/s per GPU, a sixth of the 400G it gets inside its pod.
    results, _ = run(LLAMA3.replace("oversubscription_spine = 7",
                                    "oversubscription_spine = 7\n      switches_spine = 8 * 16"))
    got = values(results, "meta.h.backend", "switches_spine", "switches_core", "bisection_bw", "alltoall_bw")
    assert got == {"switches_spine": 128, "switches_core": 7, "bisection_bw": pytest.approx(1792 * 400 * Gbps),
                   "alltoall_bw": pytest.approx(3584 / 24576 * 24575 / 21504 * 400 * Gbps)}
    assert got["alltoall_bw"] / Gbps == pytest.approx(66.66, abs=0.01)
    assert got["bisection_bw"] * 8 / 1e12 == pytest.approx(716.8)


# ---------------------------------------------------------------- scale-up domains

NVL72_HALL = """
from systems import GB200_NVL72
from network import NVLink5_switch_tray, QM9700, OSFP_800G_2xDR4, OSFP_400G_DR4, ConnectX7
site s {
  hall h {
    rack nvl: GB200_NVL72 x 16
    network nvlink {
      role = "scale_up"
      domain = 72
      switch = NVLink5_switch_tray
    }
    network backend {
      topology = "rail_optimized"
      switch = QM9700
      nic = ConnectX7
      transceiver = OSFP_800G_2xDR4
      endpoint_transceiver = OSFP_400G_DR4
    }
  }
}
"""


def test_gb200_nvl72_has_nine_nvlink_switch_trays() -> None:
    # A GB200 GPU has 1.8 TB/s of NVLink 5 both ways: 900 GB/s = 7.2 Tb/s each way, over 400G links:
    # 18 links per GPU, 72 * 18 = 1,296 per rack. A tray terminates 144 links: ceil(1,296 / 144) = 9 trays,
    # 2 links from every GPU to every tray. 16 racks: 16 domains, 144 trays, 20,736 in-rack copper links.
    # Bisection of one domain: 72 * 900 GB/s / 2 = 32.4 TB/s each way (the "130 TB/s" is 72 * 1.8 TB/s).
    results, _ = run(NVL72_HALL)
    got = values(results, "s.h.nvlink", "endpoints", "domains", "injection_bw", "link_speed", "tiers",
                 "switches_leaf", "switches", "ports", "cables_copper", "transceivers", "bisection_bw",
                 "alltoall_bw")
    assert got == {"endpoints": 1152, "domains": 16, "injection_bw": pytest.approx(900 * GB),
                   "link_speed": pytest.approx(400 * Gbps), "tiers": 1, "switches_leaf": 144, "switches": 144,
                   "ports": 16 * 1296, "cables_copper": 16 * 1296, "transceivers": 0,
                   "bisection_bw": pytest.approx(32.4e12), "alltoall_bw": pytest.approx(900 * GB)}
    assert got["switches"] / got["domains"] == 9
    # The trays are parts of the GB200_NVL72 rack and counted there (in_systems by default for scale_up).
    assert value(results, "s.h.nvlink.power") == 0 and value(results, "s.h.nvlink.capex") == 0


def test_nvl72_backend_rail_optimized_quantum2() -> None:
    # 1,152 GPUs, one 400G ConnectX-7 each, on 64-port NDR QM9700: 32 down / 32 up per leaf.
    #   leaves 1,152 / 32 = 36 (8 rails per 256 GPUs, as a DGX SuperPOD scalable unit), spines
    #   36 * 32 / 64 = 18: 54 switches, two tiers.
    # Rail-optimized leaves stand at the end of the row (20 m): every link is optical.
    #   GPU end: 1,152 single-port 400G DR4 modules (9 W). Leaf end: 1,152 links / 2 per 800G twin-port
    #   module = 576 (16 W). Leaf-spine: 1,152 links, 576 modules at each end. 2,880 modules, 2,304 fibres.
    # Power: 54 * 600 W + 1,152 * 9 W + 1,728 * 16 W = 32,400 + 10,368 + 27,648 = 70,416 W. The
    # ConnectX-7s are in the compute trays, so the network does not count them again.
    results, _ = run(NVL72_HALL)
    got = values(results, "s.h.backend", "switches_leaf", "switches_spine", "switches", "transceivers",
                 "cables_optical", "power")
    assert got == {"switches_leaf": 36, "switches_spine": 18, "switches": 54, "transceivers": 2880,
                   "cables_optical": 2304, "power": pytest.approx(70_416)}
    # Capex: 54 * $30k + 1,152 * $900 + 1,728 * $1,500 + 2,304 fibres * $100 = 1.62M + 1.0368M + 2.592M +
    # 0.2304M = $5,479,200. The hall splits it: switches $1.62M to capex_network, optics and fibres
    # $3,859,200 to capex_optics (the racks are priced as whole systems).
    assert value(results, "s.h.backend.capex") == pytest.approx(5_479_200)
    assert value(results, "s.h.capex_network") == pytest.approx(1_620_000)
    assert value(results, "s.h.capex_optics") == pytest.approx(3_859_200)


def test_hgx_nvswitch_boards() -> None:
    # HGX B200: 8 GPUs * 18 NVLink 5 links = 144 links on 72-port NVSwitch chips: 2 chips (as the board).
    # HGX H100: 8 * 18 NVLink 4 links (25 GB/s each way = 200 Gb/s) on 64-port NVSwitch 3 chips:
    # ceil(144 / 64) = 3 by bandwidth; the board carries 4 (its fourth chip also serves the external NVLink
    # ports), which a spec sets with `switches_leaf`.
    results, _ = run("""
switch nvswitch4 {
  ports = 72
  port_speed = 400 Gb/s
  power = 100 W
}
switch nvswitch3 {
  ports = 64
  port_speed = 200 Gb/s
  power = 100 W
}
network b200 {
  role = "scale_up"
  endpoints = 64
  domain = 8
  injection_bw = 900 GB/s
  switch = nvswitch4
}
network h100 {
  role = "scale_up"
  endpoints = 64
  domain = 8
  injection_bw = 450 GB/s
  switch = nvswitch3
}
""")
    assert values(results, "b200", "domains", "switches") == {"domains": 8, "switches": 16}
    assert values(results, "h100", "domains", "switches") == {"domains": 8, "switches": 24}
    # Setting the board's 4 chips, and counting them here (in_systems = false): 8 boards * 4 = 32 chips;
    # power 32 * 100 W + 64 * 18 = 1,152 in-board links at the default 0.1 W each = 3,315.2 W.
    results, _ = run("""
switch nvswitch3 {
  ports = 64
  port_speed = 200 Gb/s
  power = 100 W
}
network h100 {
  role = "scale_up"
  endpoints = 64
  domain = 8
  injection_bw = 450 GB/s
  switch = nvswitch3
  switches_leaf = 8 * 4
  in_systems = false
}
""")
    assert values(results, "h100", "switches", "power") == {"switches": 32, "power": pytest.approx(3_315.2)}


def test_ethernet_scale_up_domain() -> None:
    # 64 accelerators with 2.8 TB/s of scale-up both ways (Maia 200-class: 1.4 TB/s = 11.2 Tb/s each way)
    # on 64 x 800G Ethernet switches: m = 14 links per chip; one tier of planes, ceil(64 * 14 / 64) = 14
    # switches, each reaching every chip once. Standalone switches count in power (in_systems defaults to
    # false outside nvlink and torus): 14 * 1 kW + 896 DAC links * 0.1 W = 14,089.6 W.
    # A 65th chip in the domain no longer reaches every plane: the capacity limit fails.
    spec = """
switch eth800 {
  ports = 64
  port_speed = 800 Gb/s
  power = 1 kW
}
network up {
  role = "scale_up"
  topology = "single_switch"
  endpoints = 128
  domain = DOMAIN
  injection_bw = 1.4 TB/s
  switch = eth800
}
"""
    results, _ = run(spec.replace("DOMAIN", "64"))
    assert values(results, "up", "domains", "switches", "cables_copper", "power") == {
        "domains": 2, "switches": 28, "cables_copper": 2 * 896, "power": pytest.approx(2 * 14_089.6)}
    results, sink = evaluate_text(spec.replace("DOMAIN", "65"))
    assert any(d.code == "limit-exceeded" for d in sink.items)


def test_tpu_3d_torus() -> None:
    # 4,096 chips as a 16 x 16 x 16 torus, 600 GB/s each way per chip (TPU v5p ICI: 1,200 GB/s
    # bidirectional) over 6 links of 100 GB/s each way.
    #   links 4,096 * 3 = 12,288. Bisection: cutting the cube in half severs 16 * 16 links, twice with the
    #   wrap-around: 512 links * 100 GB/s = 51.2 TB/s. All-to-all is bisection-bound: 4 * 4,095 * 51.2 TB/s /
    #   4,096^2 = 49.99 GB/s per chip (8 * 100 GB/s / 16, the k-ary n-cube result).
    #   Racks of 64 chips (4 x 4 x 4 cubes): 64 racks, 6 faces * 16 = 96 links leave each rack, each shared
    #   by two racks: 64 * 96 / 2 = 3,072 optical links, 6,144 transceivers; 9,216 copper links.
    results, _ = run("""
network ici {
  role = "scale_up"
  topology = "torus"
  endpoints = 4096
  domain = 4096
  injection_bw = 600 GB/s
  endpoints_per_rack = 64
  in_systems = false
}
""")
    got = values(results, "ici", "link_speed", "switches", "bisection_bw", "alltoall_bw", "cables_copper",
                 "transceivers", "cables_optical")
    assert got == {"link_speed": pytest.approx(100 * GB), "switches": 0, "bisection_bw": pytest.approx(51.2e12),
                   "alltoall_bw": pytest.approx(4 * 4095 * 51.2e12 / 4096 ** 2), "cables_copper": 9216,
                   "transceivers": 6144, "cables_optical": 3072}
    # Optics power with the default 20 pJ/bit modules at 800 Gb/s: 16 W each, 6,144 * 16 W = 98.3 kW,
    # plus 9,216 in-rack copper links at 0.1 W.
    assert value(results, "ici.power") == pytest.approx(6144 * 16 + 9216 * 0.1)


# ---------------------------------------------------------------- front end, NICs, reach, overrides

def test_frontend_counts_servers_and_nics_once() -> None:
    # Front-end endpoints are servers: 4 racks of 4 servers = 16. Top-of-rack leaves serve their own rack
    # only, so 16 endpoints in 4 racks take 4 ToRs (4 down, 4 up) and a tier above: ceil(16 / 64) = 1 spine.
    # The servers hold no NICs here, so the network counts 16 NICs (25 W, $2,000 each).
    #   power: 5 * 600 W + 16 * 25 W + 16 DACs * 0.1 W + 16 optical ToR-spine links * 2 modules * 8 W
    #          = 3,000 + 400 + 1.6 + 256 = 3,657.6 W
    #   capex: 5 * $30k + 16 * $2k + 16 DACs * $125 + 32 modules * $600 + 16 fibres * $100 = $204,800
    spec = SW64 + """
chip g { tdp = 700 W }
nic cx7 {
  bandwidth = 400 Gb/s
  power = 25 W
  price = 2000 USD
}
server box { chip gpu: g x 8 }
rack r4 { server n: box x 4 }
site s {
  hall h {
    rack r: r4 x 4
    network fe {
      role = "frontend"
      switch = sw64
      nic = cx7
    }
  }
}
"""
    results, _ = run(spec)
    got = values(results, "s.h.fe", "endpoints", "tiers", "switches_leaf", "switches_spine", "transceivers")
    assert got == {"endpoints": 16, "tiers": 2, "switches_leaf": 4, "switches_spine": 1, "transceivers": 32}
    assert value(results, "s.h.fe.power") == pytest.approx(3_657.6)
    assert value(results, "s.h.fe.capex") == pytest.approx(204_800)
    # With a NIC in every server, the servers count them and the network does not.
    results, _ = run(spec.replace("server box { chip gpu: g x 8 }", "server box {\n  chip gpu: g x 8\n"
                                  "  nic net: cx7 x 1\n}"))
    assert value(results, "s.h.fe.power") == pytest.approx(3_657.6 - 16 * 25)
    # One rack only: its ToR is the whole fabric.
    results, _ = run(spec.replace("rack r: r4 x 4", "rack r: r4 x 1"))
    assert values(results, "s.h.fe", "tiers", "switches") == {"tiers": 1, "switches": 1}


@pytest.mark.parametrize("placement, medium", [("top_of_rack", "cables_copper"), ("next_rack", "cables_active"),
                                               ("end_of_row", "transceivers")])
def test_reach_rule_picks_the_medium(placement: str, medium: str) -> None:
    # 32 endpoints on one leaf: 2 m in the rack -> DAC (<= 3 m); 4 m to the next rack -> active copper
    # (<= 5 m); 20 m to the end of the row -> optics (two modules per link).
    results, _ = run(SW64 + f'network fab {{\n  endpoints = 32\n  switch = sw64\n'
                            f'  leaf_placement = "{placement}"\n}}\n')
    expected = {"cables_copper": 0, "cables_active": 0, "transceivers": 0}
    expected[medium] = 64 if medium == "transceivers" else 32
    assert values(results, "fab", *expected) == expected


def test_aoc_is_used_between_copper_and_optics_reach() -> None:
    # With a 30 m AOC available, end-of-row links (20 m) take AOCs (one per 400G link, 16 W), not modules.
    results, _ = run(SW64 + """
cable aoc400 {
  speed = 400 Gb/s
  medium = "aoc"
  reach = 30 m
  power = 16 W
  price = 800 USD
}
network fab {
  endpoints = 32
  switch = sw64
  leaf_placement = "end_of_row"
  aoc = aoc400
}
""")
    assert values(results, "fab", "cables_optical", "transceivers", "power") == {
        "cables_optical": 32, "transceivers": 0, "power": pytest.approx(600 + 32 * 16)}


def test_sweep_endpoints() -> None:
    # Vectorized over a sweep: 1,024 -> 32 + 16; 2,048 -> 64 + 32; 4,096 -> three tiers.
    results, _ = run("param gpus = [1024, 2048, 4096]\n" + SW64 +
                     "network fab {\n  endpoints = gpus\n  switch = sw64\n}\n")
    assert list(results.values["fab.tiers"]) == [2, 2, 3]
    assert list(results.values["fab.switches_leaf"]) == [32, 64, 128]
    assert list(results.values["fab.switches_spine"]) == [16, 32, 128]


def test_missing_endpoints_is_a_warning_not_a_crash() -> None:
    results, sink = evaluate_text(SW64 + "network fab { switch = sw64 }\n")
    assert results is not None
    assert any(d.code == "model-input-missing" and "endpoints" in d.message for d in sink.items)


# ---------------------------------------------------------------- collectives

def test_collective_times() -> None:
    # Ring all-reduce of 1 GB over 8 GPUs at 450 GB/s each way: 2 * 7/8 * 1e9 / 450e9 = 3.889 ms.
    assert net.ring_all_reduce_time(1e9, 8, 450e9) == pytest.approx(2 * 7 / 8 * 1e9 / 450e9)
    # with 5 us per step: + 2 * 7 * 5 us = 70 us.
    assert net.ring_all_reduce_time(1e9, 8, 450e9, 5e-6) == pytest.approx(3.8889e-3 + 70e-6, rel=1e-4)
    # All-to-all of 256 MB per GPU over 72 GPUs at 900 GB/s: 71/72 * 0.256 / 900 = 0.2805 ms.
    assert net.all_to_all_time(256e6, 72, 900e9) == pytest.approx(71 / 72 * 256e6 / 900e9)
    # Hierarchical: 8 GPUs at 450 GB/s, then 128 nodes at 50 GB/s: 2 * 7/8 * 1e9 / 450e9 +
    # 2 * 127/128 * (1e9 / 8) / 50e9 = 3.889 ms + 4.961 ms.
    t = net.hierarchical_all_reduce_time(1e9, 8, 450e9, 128, 50e9)
    assert t == pytest.approx(2 * 7 / 8 * 1e9 / 450e9 + 2 * 127 / 128 * 1.25e8 / 50e9)
    assert net.ring_all_reduce_time(1e9, 1, 450e9) == 0
    # Vectorized over n.
    assert list(net.reduce_scatter_time(8e9, np.array([1, 2, 8]), 1e9)) == pytest.approx([0, 4, 7])


def test_clos_function_directly() -> None:
    # The pure function: radix 128 (64 x 800G as 128 x 400G), 8,192 endpoints, non-blocking: 64 down per
    # leaf, 128 leaves, spines 128 * 64 / 128 = 64; two tiers hold 128 * 64 = 8,192.
    fab = net.clos(8192, 1, 128)
    assert (fab["tiers"][0], fab["leaves"][0], fab["spines"][0], fab["capacity"][0]) == (2, 128, 64, 8192)
    assert fab["bisection_links"][0] == 4096
