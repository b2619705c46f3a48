"""The block kinds of the language: their fields (with dimensions), required fields, outputs and parts.

Pipeline position: data for `dsl.check` (and for the compiler's models, which read the same field names).
Imports `dsl.units`. A field type is a unit expression (its dimension is what counts: `W` accepts kW, MW),
or one of: `count` (plain number), `ratio` (plain number, usually 0..1), `text`, `bool`, `temp` (a
temperature point, degC), `choice:a|b` (one of the listed strings) or `ref:kind` (a definition of that kind).
`output` fields are computed by the compiler's models; a spec may read them, or set them to override.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str
    required: bool = False
    output: bool = False
    doc: str = ""


@dataclass
class KindSpec:
    name: str
    doc: str
    fields: dict[str, FieldSpec]
    contains: tuple[str, ...] = ()
    group: str = ""


_COMMON = """
vendor        text              maker of the part
source        text              where the figures of this definition come from
description   text              free text shown in reports
"""

_POWER_GEAR = """
capacity      W       required  rated power it can carry
efficiency    ratio             fraction of input power delivered (losses = 1 - efficiency)
price         USD               purchase price per unit, installed
redundancy    choice:N|N+1|N+2|2N  how many spare units the design carries
voltage       V                 output voltage
"""

_COOLING_GEAR = """
capacity      W       required  heat it can remove at its design point
power         W                 electrical power it draws at full load (fans, pumps, compressors)
price         USD               purchase price per unit, installed
redundancy    choice:N|N+1|N+2|2N  how many spare units the design carries
"""

_FACILITY_OUTPUTS = """
it_power          W       output  IT power at the operating point (peak with utilization 1)
facility_power    W       output  IT power plus power-chain losses and cooling power
heat_liquid       W       output  heat carried away by liquid
heat_air          W       output  heat carried away by air
accelerators      count   output  accelerators inside, counting multiplicities
capex             USD     output  purchase cost of everything inside
"""

_KINDS_TEXT: dict[str, tuple[str, str, str, str]] = {
    # kind: (group, doc, fields, contains)
    "chip": ("compute", "An accelerator package: a GPU, TPU, wafer-scale engine or LPU. Figures are dense.", """
        bf16          FLOP/s            dense BF16/FP16 matrix throughput
        fp8           FLOP/s            dense FP8 matrix throughput
        fp4           FLOP/s            dense FP4 matrix throughput
        int8          FLOP/s            dense INT8 throughput (counted in OP/s)
        memory        B                 usable HBM (or on-chip SRAM when that is all there is)
        memory_bw     B/s               memory bandwidth
        sram          B                 on-chip SRAM
        sram_bw       B/s               on-chip SRAM bandwidth
        scaleup_bw    B/s               scale-up link bandwidth per chip, both directions
        tdp           W       required  thermal design power (TDP/TGP) at full load
        idle_power    W                 power when idle
        price         USD               unit price
        released      text              when it was announced or shipped
        power         W       output    power at the operating point
        """, ""),
    "cpu": ("compute", "A host processor.", """
        cores         count             cores
        tdp           W       required  thermal design power
        idle_power    W                 power when idle
        price         USD               unit price
        power         W       output    power at the operating point
        """, ""),
    "memory": ("compute", "Host memory (DIMMs, LPDDR).", """
        capacity      B       required  capacity
        bandwidth     B/s               bandwidth
        power         W                 power
        price         USD               unit price
        """, ""),
    "storage": ("compute", "A drive or storage appliance.", """
        capacity      B       required  capacity
        bandwidth     B/s               bandwidth
        power         W                 power
        price         USD               unit price
        """, ""),
    "nic": ("network", "A network interface card (SuperNIC).", """
        bandwidth     b/s     required  line rate per port
        ports         count             ports
        power         W       required  power
        price         USD               unit price
        """, ""),
    "dpu": ("network", "A data processing unit (BlueField).", """
        bandwidth     b/s     required  line rate per port
        ports         count             ports
        cores         count             cores
        power         W       required  power
        price         USD               unit price
        """, ""),
    "server": ("compute", "A server, node or compute tray: accelerators, CPUs, NICs and the box around them.", """
        max_power     W                 maximum input power (nameplate)
        idle_power    W                 input power when idle
        overhead_power W                fans, memory, drives and board power beyond chips and NICs
        psu_efficiency ratio            power-supply efficiency
        price         USD               purchase price of the whole server
        height        m                 height in the rack (10 U)
        weight        kg                weight
        cooling       choice:air|liquid|hybrid  how it rejects heat
        liquid_fraction ratio           fraction of heat captured by liquid
        power         W       output    input power at the operating point
        accelerators  count   output    accelerators inside
        """, "chip cpu memory storage nic dpu switch"),
    "switch": ("network", "A network switch, NVLink switch tray, or switch ASIC.", """
        ports         count   required  ports
        port_speed    b/s     required  speed of one port
        power         W       required  power without optics
        price         USD               unit price
        height        m                 height in the rack
        """, "transceiver"),
    "transceiver": ("network", "An optical transceiver module.", """
        speed         b/s     required  line rate
        power         W       required  power
        price         USD               unit price
        reach         m                 maximum reach
        """, ""),
    "cable": ("network", "A cable: copper (DAC), active copper (AEC/ACC), active optical or fibre.", """
        speed         b/s     required  line rate
        medium        choice:copper|active_copper|aoc|fiber  what it is made of
        reach         m                 maximum reach
        power         W                 power (active cables)
        price         USD               unit price
        """, ""),
    "network": ("network", "A fabric: scale-up domain, scale-out Clos, front-end or storage network.", """
        role          choice:scale_up|scale_out|frontend|storage  what the fabric is for
        topology      choice:nvlink|fat_tree|rail_optimized|torus|dragonfly|single_switch  its shape
        tiers         count             switching tiers (2 or 3 for a Clos)
        oversubscription ratio          downlink to uplink bandwidth ratio at the leaf (1 = non-blocking)
        link_speed    b/s               speed of one endpoint link
        endpoints     count             endpoints (accelerators or NICs) attached
        switch        ref:switch        the switch model used in every tier
        transceiver   ref:transceiver   the optic used on switch-to-switch links
        switches      count   output    switches in all tiers
        power         W       output    power of switches and optics
        """, "switch transceiver cable"),
    "rack": ("facility", "A rack: servers, switches and power shelves in one frame, or a rack-scale system.", """
        power_limit   W                 power the rack's feed and shelves can deliver
        air_cooling_limit W             heat the room's air can take from this rack
        liquid_fraction ratio           fraction of heat captured by liquid
        cooling       choice:air|liquid|hybrid  how it rejects heat
        price         USD               price of the rack itself, or of the whole system when it is one
        height        m                 usable height (48 U)
        weight        kg                weight when loaded
        """ + _FACILITY_OUTPUTS + """
        power         W       output    input power at the operating point
        """, "server switch nic dpu storage power_shelf pdu cdu chip"),
    "row": ("facility", "A row of racks (a pod) sharing power and cooling distribution.", """
        power_limit   W                 power the row's busway or PDUs can deliver
        """ + _FACILITY_OUTPUTS, "rack pdu busway cdu crah switch network"),
    "hall": ("facility", "A data hall: rows of racks in one room with its power feed and cooling.", """
        power_feed    W                 power the hall's feed can deliver
        area          m^2               floor area of white space
        supply_temp   temp              coolant supply temperature
        """ + _FACILITY_OUTPUTS, "row rack cdu crah pdu busway ups transformer switchgear network"),
    "site": ("facility", "A site or campus: halls, plant, power intake and the workloads run there.", """
        location      text              where it is
        electricity_price USD/kWh       price of energy at the meter
        ambient_temp  temp              design outdoor dry-bulb temperature
        wet_bulb_temp temp              design outdoor wet-bulb temperature
        utility_feed  W                 power the utility can deliver
        pue           ratio             PUE override (normally an output)
        land_price    USD               price of the land
        shell_cost    USD/W             building cost per watt of critical load
        """ + _FACILITY_OUTPUTS, "hall row rack transformer ups switchgear generator busway pdu rectifier chiller "
                                "dry_cooler cooling_tower cdu crah pump network training inference finance"),
    "transformer": ("power", "A transformer stepping the utility voltage down.", _POWER_GEAR, ""),
    "switchgear": ("power", "Medium- or low-voltage switchgear.", _POWER_GEAR, ""),
    "ups": ("power", "An uninterruptible power supply.", _POWER_GEAR, ""),
    "generator": ("power", "A backup generator.", _POWER_GEAR, ""),
    "rectifier": ("power", "An AC-to-DC rectifier (800 V DC distribution).", _POWER_GEAR, ""),
    "pdu": ("power", "A power distribution unit.", _POWER_GEAR, ""),
    "busway": ("power", "An overhead busway.", _POWER_GEAR, ""),
    "power_shelf": ("power", "A rack power shelf (PSUs).", _POWER_GEAR, ""),
    "cdu": ("cooling", "A coolant distribution unit for direct liquid cooling.", _COOLING_GEAR + """
        flow          m^3/s             rated coolant flow
        """, ""),
    "crah": ("cooling", "A computer-room air handler.", _COOLING_GEAR + """
        airflow       m^3/s             rated airflow
        """, ""),
    "chiller": ("cooling", "A chiller.", _COOLING_GEAR + """
        cop           ratio             coefficient of performance at the design point
        """, ""),
    "dry_cooler": ("cooling", "A dry cooler (no water use).", _COOLING_GEAR, ""),
    "cooling_tower": ("cooling", "An evaporative cooling tower.", _COOLING_GEAR + """
        water_use     m^3/J             water evaporated per unit of heat rejected
        """, ""),
    "pump": ("cooling", "A pump.", _COOLING_GEAR, ""),
    "model": ("workload", "A neural network model's architecture.", """
        params        count   required  total parameters
        active_params count             parameters active per token (MoE)
        layers        count             transformer layers
        hidden        count             hidden size
        heads         count             attention heads
        kv_heads      count             key/value heads (GQA)
        head_dim      count             size of one head
        ffn           count             feed-forward inner size
        vocab         count             vocabulary size
        experts       count             experts per MoE layer
        experts_active count            experts active per token
        context       tok               maximum context length
        """, ""),
    "training": ("workload", "A training job placed on the factory.", """
        model         ref:model required the model trained
        tokens        tok               token budget
        precision     choice:bf16|fp8|fp4  compute precision
        accelerators  count             accelerators used
        deadline      s                 time the run must finish in
        utilization   ratio             average accelerator utilization
        """, ""),
    "inference": ("workload", "An inference service placed on the factory.", """
        model         ref:model required the model served
        precision     choice:bf16|fp8|fp4|int8  weight precision
        scenario      choice:offline|server|interactive  MLPerf-style scenario
        input_tokens  tok               prompt length
        output_tokens tok               generated tokens per request
        ttft          s                 time-to-first-token limit
        tpot          s                 time-per-output-token limit
        demand        tok/s             tokens per second to serve
        accelerators  count             accelerators used
        utilization   ratio             average accelerator utilization
        """, ""),
    "finance": ("cost", "Financial assumptions: depreciation, staffing, maintenance.", """
        depreciation_it        s        depreciation period of IT equipment
        depreciation_facility  s        depreciation period of the building and plant
        maintenance_rate       1/s      yearly maintenance as a fraction of capex (per yr)
        staff_cost             USD/s    staff cost per year
        discount_rate          1/s      cost of capital per year
        """, ""),
}


def _parse_fields(text: str) -> dict[str, FieldSpec]:
    out: dict[str, FieldSpec] = {}
    for raw in text.strip().splitlines():
        parts = raw.split()
        if not parts:
            continue
        name, ftype, rest = parts[0], parts[1], parts[2:]
        required = output = False
        while rest and rest[0] in ("required", "output"):
            required |= rest[0] == "required"
            output |= rest[0] == "output"
            rest = rest[1:]
        out[name] = FieldSpec(name, ftype, required, output, " ".join(rest))
    return out


@lru_cache(maxsize=1)
def kinds() -> dict[str, KindSpec]:
    common = _parse_fields(_COMMON)
    out: dict[str, KindSpec] = {}
    for name, (group, doc, fields_text, contains) in _KINDS_TEXT.items():
        fields = {**common, **_parse_fields(fields_text)}
        out[name] = KindSpec(name, doc, fields, tuple(contains.split()), group)
    return out


KIND_ALIASES = {"node": "server", "gpu": "chip", "accelerator": "chip", "optic": "transceiver",
                "fabric": "network", "campus": "site", "pod": "row"}


def kind(name: str) -> KindSpec | None:
    return kinds().get(KIND_ALIASES.get(name, name))
