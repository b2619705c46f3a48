"""Network model: switches per tier, ports, optics and cables by reach, bisection and all-to-all bandwidth,
power and cost of a `network` block, and collective-time formulas other models import.

Pipeline position: registered model of `compiler.models`; imports numpy and the registry only. The power
model adds `network.power` into the IT power of the block the network sits in, and the cost model adds
`network.capex` into its `capex_network`. The pure functions (`clos`, `torus`, the collective times)
take and return NumPy arrays (or floats) and know nothing of the graph.

Units: everything is SI inside (a data rate is in B/s; `400 Gb/s` is 5e10 B/s). "Each way" means one
direction of a full-duplex link: a 400G port carries 400 Gb/s in and 400 Gb/s out.

Endpoints (who attaches)
    endpoints     = the `endpoints` field, else by role, counted under the network's parent block (the row,
                    hall or site it is placed in), with the multiplicities along the way:
                      scale_up, scale_out: the parent's `accelerators` (one NIC, or one scale-up port set,
                                           per accelerator: the DGX/HGX/NVL72 rule)
                      frontend, storage:   the servers under the parent (one front-end attachment per
                                           server), or its accelerators when it holds no servers
                    A network placed at the top level has no parent: give `endpoints`.
    endpoints_per_rack = the field, else the same count inside the first rack found under the parent
                    (depth first); unknown when there is none.

Links
    r  = link_speed  = the field, else min(nic.bandwidth, switch.port_speed) with a `nic`, else
                       min(NIC, switch.port_speed) where the servers declare their NICs (scale_out, below),
                       else switch.port_speed; a torus: injection_bw / (2 * dims)
    i  = injection_bw = the field, else nic.bandwidth; scale_up: chip.scaleup_bw / 2 of the first chip
                       under the parent (scaleup_bw is bidirectional); scale_out without `nic`: NIC, the
                       rate of the servers' own NICs; else r
    NIC (scale_out, no `nic`): the `bandwidth` of the nic parts in the servers (racks, rows, halls) under the
                       parent; where they have several rates, of those that number one per accelerator in their
                       server (DGX H100: 8 ConnectX-7 for the compute fabric beside 2 for storage). A port runs
                       at the lower of its two ends, so a 400G NIC on an 800G switch makes 400G links (two to a
                       port by breakout, the optics at 400G each): the fabric never injects more than the
                       endpoints' NICs send. Several rates left: ambiguous, the figures are not computed (a
                       `model-input-missing` warning: set `nic`). Front-end and storage fabrics keep the port
                       speed (their servers attach through NICs or DPUs of their own)
    m  = links per endpoint = ceil(i / r)              (NVL72: 7.2 Tb/s / 400 Gb/s = 18 NVLink links)
    b  = lanes per switch port = floor(S / r) when r <= S (breakout: an 800G port as 2 x 400G),
         1 / ceil(r / S) when a link needs several ports
    k  = radix in links = floor(ports * b)             (per tier: leaf k1, spine k2, core k3)
    n  = attachments = N * m                            (N endpoints)

Folded Clos (fat_tree, rail_optimized, single_switch, dragonfly): all links run at r.
    o1, o2     oversubscription at the leaf and at the spine (downlink : uplink bandwidth)
    d1max      = floor(k1 * o1 / (1 + o1))              leaf downlinks at o1 (k = 64, o1 = 1: 32)
    d          = endpoints_per_leaf * m, else d1max; with top-of-rack leaves and a known rack of R
                 endpoints: R*m / ceil(R*m / d1max)     (a ToR serves its own rack only: a 16-GPU rack
                                                         fills 16 of 32 downlinks, a 72-GPU rack takes
                                                         3 ToRs of 24)
    u1         = ceil(d / o1)                           uplinks per leaf
    d2max      = floor(k2 * o2 / (1 + o2))              spine downlinks at o2
    p          = pod_endpoints * m / d, else d2max      leaves per pod (3 tiers)
    sp         = ceil(p * u1 / d2max)                   spines per pod (= u1 for the classic fat tree)
    u2         = ceil((leaves * u1 / spines) / o2)      uplinks per spine: its average downlinks over o2
                                                         (= ceil(p * u1 / sp / o2) when the pods are full)
    1 tier:  leaves = ceil(n / k1)   (parallel planes: NVLink trays; one switch when m = 1)
    2 tiers: leaves = ceil(n / d),  spines = ceil(leaves * u1 / k2)
    3 tiers: leaves = ceil(n / d),  pods = ceil(leaves / p), spines = pods * sp (pods built whole),
             cores = ceil(spines * u2 / k3)
    capacity (endpoints): 1 tier floor(min(S, m) * k1 / m) with S = the 1-tier switches (every switch
             reaches every endpoint, each with m / min(S, m) links: a GB300 NVL72 domain, 9 trays of 144
             links, m = 18: 9 * 144 / 18 = 72; one switch, m = 1: k1); 2 tiers k2 * d / m (a spine
             reaches every leaf); 3 tiers k3 * p * d / m (a core reaches every pod)
    tiers    = the field, else the fewest whose capacity holds N, and at least 2 when top-of-rack leaves
               serve more than one rack (a ToR reaches its own rack only)
    An overridden `switches_spine` (or `switches_leaf`, `switches_core`) is used in every formula after it.
    links:   endpoint n; leaf-spine leaves * u1; spine-core spines * u2
    ports    = ceil(leaf links / b1) + ceil(spine links / b2) + ceil(core links / b3), links counted at
               both their ends
    bisection_bw = min(N * i, leaves * u1 * r, spines * u2 * r) / 2   (the terms of the tiers present)
    alltoall_bw  = min(i, (leaves*u1*r / N) * (N-1)/(N-G1), (spines*u2*r / N) * (N-1)/(N-G2))
                   G1 = N / leaves, G2 = N / pods: the endpoints under one leaf and one pod. Each
                   endpoint sends (N-1)/N of its buffer to others; the fraction (N-G)/(N-1) of that
                   leaves its group and shares the group's uplinks.
    Rail-optimized fabrics are counted like a fat tree of the same radix (same ports and switches); they
    differ in where the leaves stand (end of row by default) and in one-hop paths between GPUs of a rail.

Scale-up domains (role scale_up): `domain` accelerators per domain, domains = ceil(N / domain); each
domain is one fabric of min(domain, N) endpoints by the formulas above (NVLink and NVSwitch domains are
one tier of parallel switch planes) or below (torus), and counts are multiplied by `domains`.
bisection_bw and alltoall_bw are those of one domain.

Ethernet scale-up (Maia 200, Gaudi 3, UALink-style): role scale_up with topology single_switch or fat_tree
and the Ethernet switch; each accelerator's scale-up bandwidth is spread over m links, like NVLink.

Torus (TPU ICI; a direct network, no switches), D chips in `dims` dimensions, sides of 3 or more:
    links        = D * dims                             (2 * dims ports per chip, each link shared)
    bisection_bw = 2 * D^((dims-1)/dims) * r           (cut a cube in half: D/side links, doubled by the
                                                         wrap-around)
    alltoall_bw  = min(i, 4 * (D-1) * bisection_bw / D^2) (half of the pairs cross the cut)
    racks of R chips (endpoints_per_rack, else the first rack's, else torus_rack_chips = 64) hold cubes of
    side c = R^(1/dims); the links through the cube faces leave the rack:
    optical links = (D / R) * dims * c^(dims-1) when R < D, else 0; the rest are copper. The optical
    circuit switches that TPU pods put in those links are not counted.

Reach rule: each class of links has a length, and takes the first medium that reaches it, in the order
passive copper (DAC) -> active copper (ACC/AEC) -> active optical cable (only when `aoc` is given) ->
two transceivers and a fibre.
    endpoint links   top_of_rack: in_rack_length (2 m)   next_rack: next_rack_length (4 m)
                     end_of_row: row_length (20 m)       NVLink domain within one rack: in_rack_length;
                     over several racks: row_length      torus: in_rack_length inside a rack,
                                                         row_length between racks
    leaf-spine links leaf_spine_length (50 m)          spine-core links spine_core_length (100 m)
    reaches          copper_cable.reach, else dac_reach (3 m); active_cable.reach, else acc_reach (5 m);
                     aoc.reach
    Set any length with a `let` in the network (`let row_length = 30 m`). So a ToR's links to its own
    rack are DACs, a leaf in the next rack is reached with active copper, and everything from an
    end-of-row leaf upwards is optical (Meta's RTSW uses DACs and its CTSW links single-mode optics).

Bill of materials (per link class of n links at rate r)
    cables       = ceil(n * r / cable.speed)           (a cable may carry several links: 2 x 400G)
                   default cable: one per link, dac/acc figures below
    transceivers = at each switch end: ceil(n * r / transceiver.speed), default one module per port
                   (speed = the tier's port speed); at each endpoint: N * ceil(m * r / t.speed) with
                   t = endpoint_transceiver, else transceiver, else one module at m * r per endpoint;
                   a torus optical link: one module at each chip end
    fibres       = n for every optical link (counted with cables_optical, beside the AOCs)
    power        = sum(switches_tier * switch_tier.power) + transceivers * t.power
                   + active cables * cable.power + NICs * nic.power      (+ parts placed in the network)
                   default module power = optic_energy_per_bit * speed, default ACC = acc_energy_per_bit
    capex        = the same with prices (a part without a price costs 0 with an `unpriced` warning, as
                   in the cost model; none for the parts of a fabric counted in its systems)
    The fabric's share (switches, optics, cables) is zero when `in_systems` (default for scale_up NVLink
    and torus domains: NVLink trays and NVSwitches are parts of the NVL72 rack or HGX server and counted
    there; an Ethernet scale-up fabric of standalone switches is counted here). NICs are counted
    here only when `nic` is given and no `nic` part sits in the servers under the parent.
    An overridden count (`transceivers = ...`) scales its power and price by its average per unit.

Collectives (plain functions; `size` in bytes, `bw` per endpoint each way in B/s, `latency` per step):
    ring all-reduce       2 (n-1)/n * size / bw + 2 (n-1) * latency
    reduce-scatter        (n-1)/n * size / bw + (n-1) * latency            (all-gather the same)
    all-to-all            (n-1)/n * size / bw + (n-1) * latency            (size: all a rank sends,
                                                                            its own share included)
    hierarchical all-reduce  reduce-scatter inside groups of n1 at bw1, all-reduce of size/n1 across n2
                          groups at bw2, all-gather inside: 2 (n1-1)/n1 * size/bw1 + 2 (n2-1)/n2 *
                          size / (n1 * bw2)
    For a fabric use bw = injection_bw for ring and tree collectives (a locality-ordered ring crosses each
    leaf and pod boundary once each way, so oversubscription above the leaf does not slow it) and
    bw = alltoall_bw for all-to-all (expert parallelism).

Worked examples (tests/test_network.py, each with its hand calculation):
    k = 64 non-blocking, 2 tiers: 64 * 32 = 2,048 endpoints on 64 leaves + 32 spines = 96 switches, all
        6,144 ports used, bisection 2,048 * 400G / 2 = 409.6 Tb/s; one endpoint more takes a third tier.
    k = 64, 3 tiers: k^3/4 = 65,536 endpoints on 2,048 leaves, 2,048 spines, 1,024 cores (5k^2/4 = 5,120).
    Llama 3 (arXiv 2407.21783, 2024): 24,576 GPUs, 16 per rack behind a ToR, 3,072-GPU pods, 1:7 above them:
        1,536 ToRs; with 576-port cluster switches 7 per pod (56) and 7 aggregation switches; with one
        spine per ToR uplink (Meta's 16 per pod) 128 spines, 3,584 links above the pods, bisection
        716.8 Tb/s and 66.7 Gb/s per GPU for an all-to-all across pods.
    GB200 NVL72: 72 GPUs * 18 NVLink 5 links = 1,296 links / 144 per tray = 9 switch trays.
    HGX B200: 8 * 18 / 72 = 2 NVSwitch chips; HGX H100: ceil(8 * 18 / 64) = 3 (the board has 4).
    TPU 16^3 torus: 12,288 links, bisection 512 links, 3,072 optical links between 64-chip racks.

Assumptions: every tier uses links of the same speed; pods are built whole; a NIC puts one port into
this fabric; 8-GPU NVSwitch boards are counted by bandwidth (HGX H100: ceil(8 * 18 / 64) = 3 NVSwitch
chips where the board carries 4, the fourth serving its external NVLink ports: set `switches_leaf`).
"""
from __future__ import annotations

import numpy as np

from . import AT_LEAST_ONE, Assumption, NON_NEGATIVE, limit, output, warn_unpriced
from dsl.diagnostics import Code

EPS = 1e-9
GBPS = 1e9 / 8          # 1 Gb/s in B/s

# ------------------------------------------------------------------ assumptions
in_rack_length = Assumption(
    "in_rack_length", 2.0, "m",
    "cable run from a top-of-rack switch to a server in the same rack [U]: a 48U rack is 2.2 m tall; "
    "Meta's rack training switch reaches its GPUs with copper DACs (sysdesign-wiki.pages.dev 'AI Zone', read 2026 [S])")
next_rack_length = Assumption(
    "next_rack_length", 4.0, "m",
    "cable run to a switch in the adjacent rack [U]: up and down the racks plus 0.6-1.2 m across and slack")
row_length = Assumption(
    "row_length", 20.0, "m",
    "cable run to an end-of-row network rack [U]: half a row of 10-16 racks at 0.6-0.8 m each, plus "
    "risers and tray routing")
leaf_spine_length = Assumption(
    "leaf_spine_length", 50.0, "m",
    "leaf to spine across a data hall [U]; beyond copper reach, so optical in every case")
spine_core_length = Assumption(
    "spine_core_length", 100.0, "m",
    "spine to core between halls of a building [U]; the 100 m reach of DR4 single-mode optics (MMS4X00-NS, "
    "docs.nvidia.com, read 2026, in stdlib network.factory [P]); set `let spine_core_length = ...` for a campus")
dac_reach = Assumption(
    "dac_reach", 3.0, "m",
    "passive copper DAC reach at 400-800G: 'thicker 26AWG for 2-3-meters' (NVIDIA MCP7Y10-Nxxx "
    "specifications, docs.nvidia.com, read 2026, via stdlib network.factory DAC_800G [P])")
acc_reach = Assumption(
    "acc_reach", 5.0, "m",
    "active copper cable reach: 'ACC ... for lengths of 4 and 5-meters' (NVIDIA MCP7Y00-Nxxx use cases, "
    "docs.nvidia.com, read 2026, via stdlib network.factory ACC_800G [P])")
optic_energy_per_bit = Assumption(
    "optic_energy_per_bit", 16.0 / (800 * GBPS), "J/B",
    "pluggable optic power per unit of line rate: 16 W typical for an 800G twin-port OSFP, 20 pJ/bit "
    "(docs.nvidia.com/networking/display/800gmms4x00ns/specifications, read 2026 [P])", range=NON_NEGATIVE)
optic_price_per_rate = Assumption(
    "optic_price_per_rate", 1200.0 / (800 * GBPS), "USD*s/B",
    "pluggable optic price per unit of line rate: ~$1,200 per 800G module, $1.5 per Gb/s [U] (stdlib "
    "network.factory OSFP_800G_2xSR4, not verified)", range=NON_NEGATIVE)
dac_power = Assumption(
    "dac_power", 0.1, "W",
    "passive DAC power (its EEPROM): 'Power Consumption 0.1 W' (NVIDIA MCP4Y10-Nxxx specifications, read "
    "2026 [P])", range=NON_NEGATIVE)
dac_price_per_rate = Assumption(
    "dac_price_per_rate", 250.0 / (800 * GBPS), "USD*s/B",
    "passive DAC price per unit of line rate: ~$250 per 800G cable [U] (stdlib network.factory DAC_800G)",
    range=NON_NEGATIVE)
acc_energy_per_bit = Assumption(
    "acc_energy_per_bit", 2.7 / (800 * GBPS), "J/B",
    "active copper cable power: 2.7 W for 800G, 1.5 W head end + 4 x 0.3 W tails (NVIDIA MCA7J70-Nxxx "
    "specifications, docs.nvidia.com, read 2026, via stdlib network.factory ACC_800G [P])", range=NON_NEGATIVE)
acc_price_per_rate = Assumption(
    "acc_price_per_rate", 450.0 / (800 * GBPS), "USD*s/B",
    "active copper cable price per unit of line rate: ~$450 per 800G cable [U] (stdlib network.factory)",
    range=NON_NEGATIVE)
torus_rack_chips = Assumption(
    "torus_rack_chips", 64.0, "1",
    "chips per rack of a torus: a 4 x 4 x 4 cube of TPU v4 / v5p chips per rack, its faces cabled "
    "optically through the pod's optical circuit switches [U] (Jouppi et al., 'TPU v4', ISCA 2023, from "
    "memory, not re-read here)", range=AT_LEAST_ONE)
fiber_price = Assumption(
    "fiber_price", 100.0, "USD",
    "one fibre patch or MPO trunk between two transceivers, ~$50-150 by length [U]", range=NON_NEGATIVE)


# ------------------------------------------------------------------ array helpers

def _a(x) -> np.ndarray:
    return np.asarray(x, dtype=float).reshape(-1) if np.ndim(x) else np.asarray([float(x)])


def _ceil(x) -> np.ndarray:
    x = _a(x)
    return np.ceil(x - EPS * np.abs(x))


def _floor(x) -> np.ndarray:
    x = _a(x)
    return np.floor(x + EPS * np.abs(x))


def _div(a, b) -> np.ndarray:
    """a / b, with 0 where b is 0 (an empty fabric)."""
    a, b = _a(a), _a(b)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b != 0, a / np.where(b != 0, b, 1.0), 0.0)


def lanes_per_port(port_speed, link_speed) -> np.ndarray:
    """Links one switch port carries: floor(S / r) when r <= S (breakout), else 1 / ceil(r / S)."""
    s, r = _a(port_speed), _a(link_speed)
    return np.where(r <= s * (1 + EPS), _floor(_div(s, r)), 1.0 / np.maximum(_ceil(_div(r, s)), 1.0))


def radix(ports, port_speed, link_speed) -> np.ndarray:
    """Links of speed `link_speed` one switch terminates: floor(ports * lanes_per_port)."""
    return _floor(_a(ports) * lanes_per_port(port_speed, link_speed))


# ------------------------------------------------------------------ topologies

def clos(endpoints, links_per_endpoint, k_leaf, k_spine=None, k_core=None, oversubscription=1.0,
         oversubscription_spine=1.0, per_leaf=None, pod_leaves=None, tiers=None, leaves=None,
         spines=None, min_tiers=1) -> dict[str, np.ndarray]:
    """Switch and link counts of a folded Clos (see the module docstring for every formula).

    endpoints N, links_per_endpoint m, radices in links (k_spine and k_core default to k_leaf);
    per_leaf: endpoint links on one leaf (d); pod_leaves: leaves per pod (p); tiers, leaves, spines:
    overrides; min_tiers: the fewest tiers the default may choose. Returns arrays: tiers, capacity (endpoints), leaves, spines, cores, pods, uplinks per
    leaf and spine, links per class, bisection and all-to-all bandwidth per unit link speed.
    """
    n_end = _a(endpoints)
    m = _a(links_per_endpoint)
    k1 = _a(k_leaf)
    k2 = k1 if k_spine is None else _a(k_spine)
    k3 = k2 if k_core is None else _a(k_core)
    o1, o2 = _a(oversubscription), _a(oversubscription_spine)
    n_att = n_end * m
    d1max = _floor(k1 * o1 / (1 + o1))
    d = d1max if per_leaf is None else _a(per_leaf)
    u1 = _ceil(_div(d, o1))
    d2max = _floor(k2 * o2 / (1 + o2))
    p = d2max if pod_leaves is None else _a(pod_leaves)
    sp = np.maximum(_ceil(_div(p * u1, d2max)), 1.0)

    cap1 = k1
    cap2 = _div(k2 * d, m)
    cap3 = _div(k3 * p * d, m)
    if tiers is None:
        t = np.where(n_end <= cap1 * (1 + EPS), 1.0, np.where(n_end <= cap2 * (1 + EPS), 2.0, 3.0))
        t = np.maximum(t, _a(min_tiers))
    else:
        t = np.clip(np.round(_a(tiers)), 1, 3)
    t, n_end, n_att = np.broadcast_arrays(t, n_end, n_att)
    one = t == 1
    n_leaves = np.where(one, _ceil(_div(n_att, k1)), _ceil(_div(n_att, d)))
    if leaves is not None:
        n_leaves = _a(leaves) + 0 * t
    # 1 tier as built: every endpoint reaches every switch (plane), its m links spread over min(S, m)
    # of the S switches, so each switch takes m / min(S, m) links per endpoint: floor(min(S, m) * k1 / m)
    cap1_built = _floor(_div(np.minimum(n_leaves, m) * k1, m))
    capacity = np.select([one, t == 2], [cap1_built, cap2 + 0 * t], cap3 + 0 * t)
    pods = np.where(t == 3, _ceil(_div(n_leaves, p)), np.where(one, 0.0, 1.0))
    up_links = np.where(one, 0.0, n_leaves * u1)                      # leaf-spine links
    n_spines = np.select([one, t == 2], [0 * t, _ceil(_div(up_links, k2))], pods * sp)
    if spines is not None:
        n_spines = np.where(one, 0.0, _a(spines))
    u2 = _ceil(_div(_div(up_links, n_spines), o2))
    core_links = np.where(t == 3, n_spines * u2, 0.0)                  # spine-core links
    n_cores = np.where(t == 3, _ceil(_div(core_links, k3)), 0.0)

    # bandwidths per unit of link speed r (multiply by r); injection per endpoint is m links here
    inj_total = n_att
    bis = np.minimum(inj_total, np.where(one, np.inf, up_links))
    bis = np.minimum(bis, np.where(t == 3, core_links, np.inf)) / 2
    g1 = _div(n_end, n_leaves)
    g2 = _div(n_end, pods)
    a2a = m + 0 * t
    with np.errstate(divide="ignore", invalid="ignore"):
        leaf_share = _div(up_links, n_end) * _div(n_end - 1, n_end - g1)
        pod_share = _div(core_links, n_end) * _div(n_end - 1, n_end - g2)
    a2a = np.where(~one & (n_end > g1 * (1 + EPS)), np.minimum(a2a, leaf_share), a2a)
    a2a = np.where((t == 3) & (n_end > g2 * (1 + EPS)), np.minimum(a2a, pod_share), a2a)
    return {"tiers": t, "capacity": capacity, "leaves": n_leaves, "spines": n_spines, "cores": n_cores,
            "pods": pods, "uplinks_leaf": np.where(one, 0.0, u1), "uplinks_spine": np.where(t == 3, u2, 0.0),
            "per_leaf": d + 0 * t, "leaf_ports_needed": d + np.where(one, 0.0, u1), "leaves_per_pod": p + 0 * t,
            "pod_spine_limit": d2max + 0 * t, "links_endpoint": n_att, "links_leaf_spine": up_links,
            "links_spine_core": core_links, "bisection_links": bis, "alltoall_links": a2a}


def torus(chips, dims, per_rack=None) -> dict[str, np.ndarray]:
    """Links, optical links and bisection (in links) of a `dims`-dimensional torus of `chips` (a cube)."""
    d_chips, dims = _a(chips), _a(dims)
    links = d_chips * dims
    with np.errstate(divide="ignore", invalid="ignore"):
        side = np.where(d_chips > 0, d_chips ** (1 / dims), 1.0)
        bis = np.where(d_chips > 1, 2 * d_chips / side, 0.0)
        if per_rack is None:
            optical = 0 * links
        else:
            r = _a(per_rack)
            cube = r ** (1 / dims)
            optical = np.where(r < d_chips, _div(d_chips, r) * dims * cube ** (dims - 1), 0.0)
    optical = np.minimum(_ceil(optical), links)
    return {"links": links, "optical": optical, "copper": links - optical, "bisection_links": bis}


# ------------------------------------------------------------------ collectives

def ring_all_reduce_time(size, n, bw, latency=0.0):
    """Ring all-reduce of `size` bytes on each of `n` ranks at `bw` B/s each way per rank."""
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n > 1, 2 * (n - 1) / n * np.asarray(size, dtype=float) / bw + 2 * (n - 1) * latency, 0.0)


def reduce_scatter_time(size, n, bw, latency=0.0):
    """Ring reduce-scatter (or all-gather) of a `size`-byte buffer over `n` ranks."""
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n > 1, (n - 1) / n * np.asarray(size, dtype=float) / bw + (n - 1) * latency, 0.0)


all_gather_time = reduce_scatter_time


def all_to_all_time(size, n, bw, latency=0.0):
    """All-to-all where each of `n` ranks holds `size` bytes, 1/n of it for each rank (itself included)."""
    return reduce_scatter_time(size, n, bw, latency)


def hierarchical_all_reduce_time(size, n_inner, bw_inner, n_outer, bw_outer, latency_inner=0.0,
                                 latency_outer=0.0):
    """Reduce-scatter in groups of n_inner, ring all-reduce of size/n_inner across n_outer groups, all-gather."""
    inner = 2 * reduce_scatter_time(size, n_inner, bw_inner, latency_inner)
    return inner + ring_all_reduce_time(np.asarray(size, dtype=float) / np.asarray(n_inner, dtype=float),
                                        n_outer, bw_outer, latency_outer)


# ------------------------------------------------------------------ reading the spec

CONTAINERS = ("server", "rack", "row", "hall")


def _role(ctx) -> str:
    return ctx.text("role", "scale_out")


def _topology(ctx) -> str:
    return ctx.text("topology", "nvlink" if _role(ctx) == "scale_up" else "fat_tree")


def _count_under(ctx, kind: str) -> np.ndarray:
    """Parts of `kind` under `ctx`, through servers, racks, rows and halls, weighted by multiplicities."""
    total = np.zeros(1)
    for part in ctx.parts(kind, *CONTAINERS):
        if part.kind == kind:
            total = total + part.count
        elif part.kind in CONTAINERS:
            total = total + part.count * _count_under(part, kind)
    return total


def _first_under(ctx, kind: str):
    """The first part of `kind` under `ctx`, depth first in spec order, or None."""
    for part in ctx.parts(kind, *CONTAINERS):
        if part.kind == kind:
            return part
        if part.kind in CONTAINERS:
            found = _first_under(part, kind)
            if found is not None:
                return found
    return None


def _attached_in(ctx, block) -> np.ndarray:
    """What counts as an endpoint inside `block`: its servers for front-end/storage, else accelerators."""
    accelerators = block.get("accelerators") if block.has("accelerators") else _count_under(block, "chip")
    if _role(ctx) in ("frontend", "storage"):
        servers = _count_under(block, "server")
        return np.where(servers > 0, servers, accelerators)
    return accelerators


def _ref(ctx, name: str, fallback: str | None = None):
    if ctx.is_set(name):
        return ctx.ref(name)
    if fallback is not None and ctx.is_set(fallback):
        return ctx.ref(fallback)
    return None


def _switches(ctx):
    leaf = ctx.ref("switch")
    spine = _ref(ctx, "switch_spine") or leaf
    core = _ref(ctx, "switch_core") or spine
    return leaf, spine, core


def _per_rack(ctx):
    if ctx.is_set("endpoints_per_rack"):
        return ctx.get("endpoints_per_rack")
    parent = ctx.parent
    rack = _first_under(parent, "rack") if parent is not None else None
    if rack is None:
        return None
    return _attached_in(ctx, rack)


def _flag(ctx, name: str, default: bool) -> np.ndarray:
    return ctx.get(name) if ctx.is_set(name) else np.asarray([1.0 if default else 0.0])


# ------------------------------------------------------------------ outputs: endpoints and speeds

@output("network", "endpoints", "accelerators under the parent block (front-end, storage: its servers)")
def endpoints(ctx):
    parent = ctx.parent
    if parent is None:
        ctx.missing("endpoints")
    return _attached_in(ctx, parent)


@output("network", "injection_bw", "nic.bandwidth; scale_up: chip.scaleup_bw / 2; scale_out: the servers' NIC "
        "rate; else link_speed")
def injection_bw(ctx):
    if _role(ctx) == "scale_up":
        chip = _first_under(ctx.parent, "chip") if ctx.parent is not None else None
        if chip is None or not chip.is_set("scaleup_bw"):
            ctx.missing("injection_bw")
        return chip.get("scaleup_bw") / 2
    if ctx.is_set("nic"):
        return ctx.ref("nic").get("bandwidth")
    if _topology(ctx) == "torus" and not ctx.is_set("link_speed"):
        ctx.missing("injection_bw")
    nic = _servers_nic_rate(ctx)
    if nic is not None and not ctx.is_set("link_speed"):
        return nic
    return ctx.get("link_speed")


@output("network", "link_speed", "min(nic.bandwidth, switch.port_speed), else min(the servers' NIC rate, "
        "switch.port_speed) (scale_out), else switch.port_speed; "
        "torus: injection_bw / (2 * dims)")
def link_speed(ctx):
    if _topology(ctx) == "torus":
        return ctx.get("injection_bw") / (2 * ctx.get("dims", 3))
    port = ctx.ref("switch").get("port_speed")
    if ctx.is_set("nic"):
        return np.minimum(ctx.ref("nic").get("bandwidth"), port)
    nic = _servers_nic_rate(ctx)
    return port if nic is None else np.minimum(nic, port)


def _nics_under(ctx) -> list:
    """(nic part, how many of it its container holds, accelerators in that container) for every `nic` part under
    `ctx`, depth first through servers, racks, rows and halls."""
    found = []
    chips = _count_under(ctx, "chip")
    for part in ctx.parts("nic", *CONTAINERS):
        if part.kind == "nic":
            found.append((part, part.count, chips))
        elif part.kind in CONTAINERS:
            found.extend(_nics_under(part))
    return found


def _servers_nic_rate(ctx):
    """The rate of the NICs the endpoints of a scale_out fabric without a `nic` send with (module docstring,
    `Links`): the `bandwidth` of the nic parts in the servers under the parent; where they have several rates,
    those that number one per accelerator in their server (the rule that counts the endpoints). None where the
    servers declare no NIC (or the role is not scale_out: front-end and storage fabrics attach servers through
    NICs or DPUs of their own). Several rates among those: ambiguous, a flagged
    `model-input-missing` warning asking for `nic`, and None: the figure is computed at the switch's port speed, as
    for a fabric whose servers declare no NIC."""
    if _role(ctx) != "scale_out" or ctx.parent is None:
        return None
    nics = _nics_under(ctx.parent)
    if not nics:
        return None

    def distinct(entries):
        rates = []
        for part, _, _ in entries:
            rate = np.asarray(part.get("bandwidth"), dtype=float).reshape(-1)
            if not any(r.shape == rate.shape and np.allclose(r, rate, rtol=1e-9) for r in rates):
                rates.append(rate)
        return rates

    rates = distinct(nics)
    if len(rates) > 1:
        rates = distinct([e for e in nics if np.all(np.isclose(e[1], e[2]))])
    if len(rates) != 1:
        shown = [f"{x * 8e-9:g} Gb/s" for x in sorted({float(r[0]) for r in distinct(nics)})]
        node = ctx.node
        ctx.ev.sink.warning(
            Code.MODEL_INPUT_MISSING, f"`{node.path if node is not None else ctx.inst.path}` assumes the switch's "
            f"port speed: {ctx.inst.kind} `{ctx.inst.path}` does not give `nic`, and the NICs of its servers run at "
            f"{' and '.join(shown)} (not one rate among those that number one per accelerator)",
            ctx.inst.block.name_span, help=f"set `nic = ...` in `{ctx.inst.block.name}`: which NICs attach to it?",
            quantities=[node.path] if node is not None else [])
        return None
    return rates[0]


# ------------------------------------------------------------------ the fabric

def _fabric(ctx, with_tiers: bool = True) -> dict:
    """Every count and bandwidth of the network (totals over its domains), from its inputs and overrides."""
    role, topo = _role(ctx), _topology(ctx)
    n_total = ctx.get("endpoints")
    if role == "scale_up":
        domain = ctx.get("domain")
        domains = _ceil(_div(n_total, domain))
        n = np.minimum(domain, n_total)
    else:
        domains = np.ones(1)
        n = n_total
    inj = ctx.get("injection_bw")
    r = ctx.get("link_speed")
    m = np.maximum(_ceil(_div(inj, r)), 1.0)
    per_rack = _per_rack(ctx)
    out = {"domains": domains, "n": n, "n_total": n_total, "inj": inj, "r": r, "m": m, "per_rack": per_rack,
           "topology": topo}
    if topo == "torus":
        dims = ctx.get("dims", 3)
        if per_rack is None:
            per_rack = ctx.get("torus_rack_chips", torus_rack_chips)
        tor = torus(n, dims, per_rack)
        bis = tor["bisection_links"] * r
        with np.errstate(divide="ignore", invalid="ignore"):
            a2a = np.where(n > 1, np.minimum(inj, 4 * (n - 1) * bis / (n * n)), inj)
        zero = np.zeros(1)
        out.update(tiers=np.ones(1), capacity=n, leaves=zero, spines=zero, cores=zero, bisection=bis,
                   alltoall=a2a, torus=tor, ports=zero)
        return out

    leaf, spine, core = _switches(ctx)
    b1 = lanes_per_port(leaf.get("port_speed"), r)
    b2 = lanes_per_port(spine.get("port_speed"), r)
    b3 = lanes_per_port(core.get("port_speed"), r)
    k1 = _floor(leaf.get("ports") * b1)
    k2 = _floor(spine.get("ports") * b2)
    k3 = _floor(core.get("ports") * b3)
    o1 = ctx.get("oversubscription", 1.0)
    o2 = ctx.get("oversubscription_spine", 1.0)
    d1max = _floor(k1 * o1 / (1 + o1))
    per_leaf = None
    min_tiers = np.ones(1)
    if ctx.is_set("endpoints_per_leaf"):
        per_leaf = ctx.get("endpoints_per_leaf") * m
    elif per_rack is not None and _placement(ctx) == "top_of_rack" and topo != "nvlink":
        rack_links = per_rack * m
        per_leaf = np.where(rack_links > 0, _div(rack_links, _ceil(_div(rack_links, d1max))), d1max)
        min_tiers = np.where(n > per_rack * (1 + EPS), 2.0, 1.0)     # one ToR per rack, and a tier above
    pod_leaves = None
    if ctx.is_set("pod_endpoints"):
        d = d1max if per_leaf is None else per_leaf
        pod_leaves = _ceil(_div(ctx.get("pod_endpoints") * m, d))
    tiers = ctx.get("tiers") if with_tiers or ctx.is_set("tiers") else None
    if topo in ("nvlink", "single_switch") and tiers is None:
        tiers = np.ones(1)
    fab = clos(n, m, k1, k2, k3, o1, o2, per_leaf, pod_leaves, tiers,
               leaves=_per_domain(ctx, "switches_leaf", domains),
               spines=_per_domain(ctx, "switches_spine", domains), min_tiers=min_tiers)
    cores = fab["cores"]
    if ctx.is_set("switches_core"):
        cores = _div(ctx.get("switches_core"), domains)
    leaf_logical = fab["links_endpoint"] + fab["links_leaf_spine"]
    spine_logical = fab["links_leaf_spine"] + fab["links_spine_core"]
    ports = _ceil(_div(leaf_logical, b1)) + _ceil(_div(spine_logical, b2)) + _ceil(_div(fab["links_spine_core"], b3))
    out.update(tiers=fab["tiers"], capacity=fab["capacity"], leaves=fab["leaves"] * domains,
               spines=fab["spines"] * domains, cores=cores * domains, ports=ports * domains,
               bisection=fab["bisection_links"] * r, alltoall=np.minimum(inj, fab["alltoall_links"] * r),
               clos=fab, k1=k1, switch_models=(leaf, spine, core))
    return out


def _per_domain(ctx, name: str, domains):
    return _div(ctx.get(name), domains) if ctx.is_set(name) else None


def _placement(ctx) -> str:
    return ctx.text("leaf_placement", "end_of_row" if _topology(ctx) == "rail_optimized" else "top_of_rack")


@output("network", "tiers", "the fewest tiers whose capacity holds the endpoints (nvlink, single_switch, torus: 1); "
        "0 without endpoints")
def tiers_model(ctx):
    """The fewest switch tiers that hold the endpoints; 0 where the network attaches none: it builds no switch, port
    or link (each of those 0), so no tier either (a count of the structure, as they are; its per-endpoint rate,
    alltoall_bw, is absent there), not 1 tier of 0 switches."""
    fab = _fabric(ctx, with_tiers=False)
    return np.where(np.asarray(fab["n_total"], dtype=float) <= 0, 0.0, fab["tiers"])


@output("network", "max_endpoints", "1 tier: floor(min(S, m) * k1 / m); 2 tiers: k2 * d / m; 3 tiers: k3 * p * d / m")
def max_endpoints(ctx):
    return _fabric(ctx)["capacity"]


@output("network", "domains", "ceil(endpoints / domain) for scale_up, else 1")
def domains_model(ctx):
    return _fabric(ctx)["domains"]


output("network", "switches_leaf", "ceil(n / d) (1 tier: ceil(n / k1)) per domain x domains")(
    lambda ctx: _fabric(ctx)["leaves"])
output("network", "switches_spine", "2 tiers: ceil(leaves * u1 / k2); 3 tiers: pods * spines per pod")(
    lambda ctx: _fabric(ctx)["spines"])
output("network", "switches_core", "ceil(spines * u2 / k3)")(lambda ctx: _fabric(ctx)["cores"])
output("network", "switches", "switches_leaf + switches_spine + switches_core")(
    lambda ctx: ctx.get("switches_leaf") + ctx.get("switches_spine") + ctx.get("switches_core"))
output("network", "ports", "ceil(leaf links / b1) + ceil(spine links / b2) + ceil(core links / b3)")(
    lambda ctx: _fabric(ctx)["ports"])


def _links(name: str):
    """One class of a folded Clos's links at the link speed (the module docstring's `links:` line), over all its
    domains: the counts its ports, optics and cables are sized from, each link one of rate r (the network view
    labels each tier's edge with them: '103,680 x 800 Gb/s'). A torus has no tiers: not applicable."""
    def compute(ctx):
        fab = _fabric(ctx)
        if "clos" not in fab:
            ctx.not_applicable()
        return fab["clos"][name] * fab["domains"]
    return compute


output("network", "links_endpoint", "endpoint-to-leaf links: N * m (x domains)")(_links("links_endpoint"))
output("network", "links_leaf_spine", "leaf-to-spine links: leaves * u1 (x domains; 0 with 1 tier)")(
    _links("links_leaf_spine"))
output("network", "links_spine_core", "spine-to-core links: spines * u2 (x domains; 0 below 3 tiers)")(
    _links("links_spine_core"))
output("network", "bisection_bw", "min(N * i, leaves * u1 * r, spines * u2 * r) / 2; torus: "
       "2 * D^((dims-1)/dims) * r")(lambda ctx: _fabric(ctx)["bisection"])
def _alltoall(ctx):
    """The all-to-all bandwidth per endpoint; none where the network attaches no endpoint (no exchange to have a
    rate: absent with the reason, as the PUE of a site with no IT), not the injection bandwidth of a fabric of
    nothing (racks swept to 0: 800 Gb/s)."""
    empty = np.asarray(ctx.get("endpoints"), dtype=float) <= 0
    if np.any(empty):
        ctx.absent(empty, "no endpoints: the network attaches none, so no all-to-all runs over it")
    return np.where(empty, np.nan, _fabric(ctx)["alltoall"])


output("network", "alltoall_bw", "min(i, uplink share per endpoint of each leaf and pod); torus: "
       "min(i, 4 (D-1) bisection / D^2); none without endpoints")(_alltoall)


# ------------------------------------------------------------------ bill of materials

def _lengths(ctx, fab) -> dict:
    get = ctx.get
    placement = {"top_of_rack": ("in_rack_length", in_rack_length),
                 "next_rack": ("next_rack_length", next_rack_length),
                 "end_of_row": ("row_length", row_length)}[_placement(ctx)]
    in_rack = get("in_rack_length", in_rack_length)
    row = get("row_length", row_length)
    if fab["topology"] == "torus":
        endpoint = in_rack
    elif fab["topology"] == "nvlink":
        per_rack = fab["per_rack"]
        endpoint = in_rack if per_rack is None else np.where(fab["n"] <= per_rack, in_rack, row)
    else:
        endpoint = get(*placement)
    return {"endpoint": endpoint, "between_racks": row,
            "leaf_spine": get("leaf_spine_length", leaf_spine_length),
            "spine_core": get("spine_core_length", spine_core_length)}


class _Media:
    """The cables and optics a network may use, with defaults, and a running bill."""

    def __init__(self, ctx, fab):
        self.ctx = ctx
        self.fab = fab
        self.copper = _ref(ctx, "copper_cable")
        self.active = _ref(ctx, "active_cable")
        self.aoc = _ref(ctx, "aoc")
        self.optic = _ref(ctx, "transceiver")
        self.endpoint_optic = _ref(ctx, "endpoint_transceiver", "transceiver")
        self.reach_copper = self._reach(self.copper, dac_reach)
        self.reach_active = self._reach(self.active, acc_reach)
        self.reach_aoc = self._reach(self.aoc, None) if self.aoc is not None else np.zeros(1)
        zero = np.zeros(1)
        self.count = {"transceivers": zero, "cables_copper": zero, "cables_active": zero, "cables_optical": zero}
        self.power = dict(self.count)
        self.price = dict(self.count)
        self.unpriced = []          # optics and cables used here that give no price (counted $0)

    def _reach(self, cable, default):
        if cable is not None and cable.is_set("reach"):
            return cable.get("reach")
        if default is None:
            return np.full(1, np.inf)
        return self.ctx.get(default.name, default)

    def _price(self, part):
        if part.is_set("price"):
            return part.get("price")
        self.unpriced.append(part)
        return np.zeros(1)

    def _add(self, item, count, power_each, price_each):
        self.count[item] = self.count[item] + count
        self.power[item] = self.power[item] + count * power_each
        self.price[item] = self.price[item] + count * price_each

    def _cables(self, item, cable, links, r, power_default, price_default):
        if not np.any(links):
            return
        if cable is not None:
            n = _ceil(_div(links * r, cable.get("speed")))
            self._add(item, n, cable.get("power", 0.0), self._price(cable))
        else:
            self._add(item, links, power_default, price_default)

    def _modules(self, optic, bandwidth, default_speed, units=1.0):
        """ceil(bandwidth / module speed) modules, `units` times (units: endpoints for per-endpoint ends)."""
        ctx = self.ctx
        if not np.any(bandwidth) or not np.any(units):
            return
        if optic is not None:
            n = units * _ceil(_div(bandwidth, optic.get("speed")))
            self._add("transceivers", n, optic.get("power", 0.0), self._price(optic))
        else:
            n = units * _ceil(_div(bandwidth, default_speed))
            self._add("transceivers", n,
                      default_speed * ctx.get("optic_energy_per_bit", optic_energy_per_bit),
                      default_speed * ctx.get("optic_price_per_rate", optic_price_per_rate))

    def link_class(self, links, length, ends):
        """`links` links of the fabric's speed and `length`; `ends` = [(optic, bandwidth, default speed,
        units)] describes the transceivers at its two ends when it runs on optics."""
        ctx, r = self.ctx, self.fab["r"]
        if not np.any(links):
            return
        copper = length <= self.reach_copper * (1 + EPS)
        active = ~copper & (length <= self.reach_active * (1 + EPS))
        aoc = ~copper & ~active & (length <= self.reach_aoc * (1 + EPS))
        optics = ~(copper | active | aoc)
        if np.any(copper) and self.copper is None:
            self._add("cables_copper", np.where(copper, links, 0.0), ctx.get("dac_power", dac_power),
                      r * ctx.get("dac_price_per_rate", dac_price_per_rate))
        elif np.any(copper):
            self._cables("cables_copper", self.copper, np.where(copper, links, 0.0), r, 0.0, 0.0)
        if np.any(active) and self.active is None:
            self._add("cables_active", np.where(active, links, 0.0),
                      r * ctx.get("acc_energy_per_bit", acc_energy_per_bit),
                      r * ctx.get("acc_price_per_rate", acc_price_per_rate))
        elif np.any(active):
            self._cables("cables_active", self.active, np.where(active, links, 0.0), r, 0.0, 0.0)
        if self.aoc is not None:
            self._cables("cables_optical", self.aoc, np.where(aoc, links, 0.0), r, 0.0, 0.0)
        if np.any(optics):
            self._add("cables_optical", np.where(optics, links, 0.0), 0.0, ctx.get("fiber_price", fiber_price))
        for optic, bandwidth_per_unit, default_speed, units in ends:
            self._modules(optic, np.where(optics, bandwidth_per_unit, 0.0), default_speed,
                          np.where(optics, units, 0.0))


def _bill(ctx) -> dict:
    fab = _fabric(ctx)
    media = _Media(ctx, fab)
    lengths = _lengths(ctx, fab)
    r, m, domains = fab["r"], fab["m"], fab["domains"]
    if fab["topology"] == "torus":
        tor = fab["torus"]
        copper_links, optical_links = tor["copper"] * domains, tor["optical"] * domains
        media.link_class(copper_links, lengths["endpoint"], [])
        ends = [(media.optic, optical_links * r, r, 1.0)] * 2
        media.link_class(optical_links, lengths["between_racks"], ends)
        return {"fabric": fab, "media": media}
    leaf, spine, core = fab["switch_models"]
    c = fab["clos"]
    speed = [leaf.get("port_speed"), spine.get("port_speed"), core.get("port_speed")]
    n_end = fab["n"] * domains
    ep_links = c["links_endpoint"] * domains
    media.link_class(ep_links, lengths["endpoint"],
                     [(media.optic, ep_links * r, speed[0], 1.0),
                      (media.endpoint_optic, m * r, m * r, n_end)])
    ls = c["links_leaf_spine"] * domains
    media.link_class(ls, lengths["leaf_spine"], [(media.optic, ls * r, speed[0], 1.0),
                                                 (media.optic, ls * r, speed[1], 1.0)])
    sc = c["links_spine_core"] * domains
    media.link_class(sc, lengths["spine_core"], [(media.optic, sc * r, speed[1], 1.0),
                                                 (media.optic, sc * r, speed[2], 1.0)])
    return {"fabric": fab, "media": media}


def _counted(ctx, item: str, bill) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(count, power, price) of one bill item, scaled to an overridden count."""
    media = bill["media"]
    count, power, price = media.count[item], media.power[item], media.price[item]
    if ctx.is_set(item):
        given = ctx.get(item)
        return given, _div(power, count) * given, _div(price, count) * given
    return count, power, price


for _item in ("transceivers", "cables_copper", "cables_active", "cables_optical"):
    output("network", _item, {"transceivers": "switch ends ceil(n * r / t.speed) + endpoints * ceil(m * r / "
                                              "t.speed), on links beyond copper and AOC reach",
                              "cables_copper": "ceil(n * r / dac.speed) on links within DAC reach",
                              "cables_active": "ceil(n * r / acc.speed) on links within active copper reach",
                              "cables_optical": "AOCs + one fibre per optical link"}[_item])(
        lambda ctx, _item=_item: _bill(ctx)["media"].count[_item])


def _nics_counted(ctx) -> np.ndarray:
    if not ctx.is_set("nic") or _role(ctx) == "scale_up":
        return np.zeros(1)
    parent = ctx.parent
    placed = _count_under(parent, "nic") if parent is not None else np.zeros(1)
    return np.where(placed > 0, 0.0, ctx.get("endpoints"))


def _field(ctx, part, field: str, own: bool = True, where=None):
    """The part's power or price; a part without a price counts $0 with an `unpriced` warning (in the scenarios
    `where` it is counted, a bool array; None: all; `own`: one of the fabric's own parts, not one placed in it)."""
    if field == "price" and not part.is_set("price"):
        _warn_unpriced(ctx, part, own, where)
        return np.zeros(1)
    return part.get(field, 0.0)


# the bill-of-materials line of the fabric's own part of each kind (`own`: not a part placed in the network)
_OWN_LINE = {"switch": "capex_switching", "transceiver": "capex_transceivers", "cable": "capex_cables",
             "nic": "capex_nics"}


def _warn_unpriced(ctx, part, own: bool = True, where=None) -> None:
    """An unpriced part of the network counts $0 in its `capex`, a transceiver or cable in its `capex_optics`,
    and one of the fabric's own parts in its line (`capex_switching`, `capex_transceivers`, ...); in the scenarios
    `where` (None: all)."""
    warn_unpriced(part, f"{ctx.path}.capex", where=where)
    if part.kind in ("transceiver", "cable"):
        warn_unpriced(part, f"{ctx.path}.capex_optics", where=where)
    if own and part.kind in _OWN_LINE:
        warn_unpriced(part, f"{ctx.path}.{_OWN_LINE[part.kind]}", where=where)


def _placed(ctx, kinds, field):
    total = np.zeros(1)
    for part in ctx.parts(*kinds):
        total = total + part.count * _field(ctx, part, field, own=False)
    return total


def _parts(ctx, field: str) -> dict[str, np.ndarray]:
    """Power or price of the network by part: the fabric's own `switches`, `transceivers` and `cables` (each 0
    when in_systems: the systems' price holds them), the `nics` it counts itself, and the `placed` switches,
    transceivers and cables (their own placements' totals; `placed_optics` the transceivers and cables of them)."""
    bill = _bill(ctx)
    fab = bill["fabric"]
    switches = np.zeros(1)
    outside = 1.0 - _flag(ctx, "in_systems", _role(ctx) == "scale_up" and fab["topology"] in ("nvlink", "torus"))
    counted = np.any(outside > 0)           # the fabric's own parts count here (not inside priced systems)
    if fab["topology"] != "torus":
        for name, model in zip(("switches_leaf", "switches_spine", "switches_core"), fab["switch_models"]):
            units = ctx.get(name)
            if field == "price" and not (counted and np.any(units > 0)):
                continue
            switches = switches + units * _field(ctx, model, field, where=(units > 0) & (outside > 0))
    media = {}
    for item in ("transceivers", "cables_copper", "cables_active", "cables_optical"):
        _, power, price = _counted(ctx, item, bill)
        media[item] = power if field == "power" else price
    if field == "price" and counted:
        for part in bill["media"].unpriced:
            _warn_unpriced(ctx, part)
    nics = _nics_counted(ctx)
    nic_part = nics * _field(ctx, ctx.ref("nic"), field) if np.any(nics) else np.zeros(1)
    placed_optics = _placed(ctx, ("transceiver", "cable"), field)
    cables = media["cables_copper"] + media["cables_active"] + media["cables_optical"]
    return {"switches": outside * switches, "transceivers": outside * media["transceivers"],
            "cables": outside * cables, "nics": nic_part, "placed": _placed(ctx, ("switch",), field) + placed_optics,
            "placed_optics": placed_optics}


def _totals(ctx, field: str) -> tuple[np.ndarray, np.ndarray]:
    """(all, optics only) of power or price: the fabric (unless in_systems), NICs, parts placed in it."""
    p = _parts(ctx, field)
    optics = p["transceivers"] + p["cables"]
    return p["switches"] + optics + p["nics"] + p["placed"], optics + p["placed_optics"]


output("network", "power", "sum(switches * switch.power) + transceivers * t.power + active cables * "
       "cable.power + NICs * nic.power (fabric share 0 when in_systems)")(lambda ctx: _totals(ctx, "power")[0])
output("network", "capex", "sum(switches * switch.price) + transceivers * t.price + cables * cable.price + "
       "NICs * nic.price (fabric share 0 when in_systems)")(lambda ctx: _totals(ctx, "price")[0])
output("network", "capex_optics", "transceivers * t.price + cables * cable.price")(
    lambda ctx: _totals(ctx, "price")[1])
# the fabric's own parts, priced: its bill-of-materials lines (report_sections `_fabric_bom` reads them); with the
# NICs it counts and the parts placed in it (their own lines) they add up to `capex`
output("network", "capex_switching", "sum(switches_tier * switch_tier.price), 0 when in_systems")(
    lambda ctx: _parts(ctx, "price")["switches"])
output("network", "capex_transceivers", "transceivers * t.price (the model's default module at the port speed x "
       "optic_price_per_rate where none is named), 0 when in_systems")(
    lambda ctx: _parts(ctx, "price")["transceivers"])
output("network", "capex_cables", "DAC, active copper, AOC and fibre: cables * cable.price (defaults x their "
       "price per rate, fiber_price per fibre), 0 when in_systems")(lambda ctx: _parts(ctx, "price")["cables"])
output("network", "nics_counted", "endpoints where the fabric names a `nic` and none is placed under its parent")(
    _nics_counted)
output("network", "capex_nics", "NICs the fabric counts itself (none placed under its parent) x nic.price")(
    lambda ctx: _parts(ctx, "price")["nics"])


# ------------------------------------------------------------------ limits

def _capacity(ctx):
    fab = _fabric(ctx)
    return fab["n"], fab["capacity"]


def _leaf_ports(ctx):
    if not ctx.is_set("endpoints_per_leaf") or _topology(ctx) == "torus":
        return None
    fab = _fabric(ctx)
    return fab["clos"]["leaf_ports_needed"], fab["k1"]


def _pod_spines(ctx):
    if not ctx.is_set("pod_endpoints") or _topology(ctx) == "torus":
        return None
    c = _fabric(ctx)["clos"]
    return c["leaves_per_pod"], c["pod_spine_limit"]


limit("network", "capacity", _capacity, "endpoints", "max_endpoints",
      "the fabric's tiers hold its endpoints (per domain for scale-up)")
limit("network", "leaf_ports", _leaf_ports, "endpoints_per_leaf", "switch",
      "a leaf's endpoint links plus its uplinks fit its ports")
limit("network", "pod_spines", _pod_spines, "pod_endpoints", "switch",
      "a pod's leaves fit its spines' downlinks (one link from every leaf to every spine of its pod)")
