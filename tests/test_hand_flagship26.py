"""Session 26 CFO audit (s26-audit): the flagship campus's printed figures, each by hand from the spec's and the
stdlib's inputs, and the report's printed strings against the results JSON.

Every expected value below is arithmetic on stdlib/ and examples/flagship_campus.factory inputs written out
here (prices, TDPs, counts, efficiencies, capacities, the finance block), with the source line beside it; none is
the value the example itself sets for that figure. One evaluation serves the module (~1.5 s).
"""
from __future__ import annotations

import functools
import math
import re
from pathlib import Path

import pytest

from compiler import evaluate_files
from compiler.display import format_money
from compiler.render import report

ROOT = Path(__file__).resolve().parent.parent
SPEC = "examples/flagship_campus.factory"
SITE = "frontier_campus"
YEAR = 365 * 86400.0
HOUR = 3600.0

# ----------------------------------------------------------------- inputs, as the stdlib and the spec write them
HALLS, ROWS, RACKS_PER_ROW = 4, 9, 40                    # flagship_campus.factory params
RACKS = HALLS * ROWS * RACKS_PER_ROW                     # 1,440
TRAYS_PER_RACK, NVSW_PER_RACK = 18, 9                    # systems.factory GB300_NVL72
GPU_TDP, GPUS_PER_TRAY = 1400.0, 4                       # chips.factory GB300 tdp; GB300_compute_tray
CPU_TDP, CPUS_PER_TRAY = 250.0, 2                        # chips.factory Grace: 500 W / 2
NIC_W, NICS_PER_TRAY = 45.0, 4                           # network.factory ConnectX8
DPU_W, DPUS_PER_TRAY = 150.0, 2                          # network.factory BlueField3
TRAY_OVERHEAD = 800.0                                    # GB300_compute_tray overhead_power
NVSW_W = 3600.0 / 9                                      # NVLink5_switch_tray power
SHELF_EFF = 0.975                                        # facility.factory PowerShelf_33kW efficiency
RACK_PRICE = 3_500_000.0                                 # GB300_NVL72 price
Q3400_W, Q3400_PRICE = 2400.0, 90_000.0                  # network.factory Q3400
SN5600_W, SN5600_PRICE = 1000.0, 50_000.0                # network.factory SN5600
OPTIC_W = 16.0                                           # OSFP_800G_2xSR4 power (2xDR4 inherits it)
DR4_PRICE, SR4_PRICE = 1500.0, 1200.0                    # OSFP_800G_2xDR4, OSFP_800G_2xSR4 prices
DAC_W, DAC_PRICE = 0.1, 250.0                            # network.factory DAC_800G
FIBER_PRICE = 100.0                                      # assumptions.fiber_price
BUSWAY_EFF, RECT_EFF = 0.99, 0.975                       # dc_distribution_efficiency; Rectifier_800VDC_1MW
XFMR_CAP, GEN_CAP, RECT_CAP = 2.5e6, 3e6, 1e6            # Transformer_2500kVA, Generator_3MW, Rectifier_800VDC_1MW
CDU_CAP, CRAH_CAP, DRY_CAP = 2e6, 150e3, 1e6             # CDU_row_2MW, CRAH_150kW, DryCooler_1MW
CHILLER_CAP = 500 * 12000 * 1055.05585262 / 3600         # Chiller_AC_500ton: 500 refrigeration tons in W
CDU_PRICE, CRAH_PRICE, DRY_PRICE = 400_000.0, 60_000.0, 150_000.0
CHILLER_PRICE = 500 * 213000 / 320 * 304.702 / 292.655 * 1.06   # Chiller_AC_500ton price, $367,303
XFMR_PRICE = (69000 + (2500 - 2000) / (3750 - 2000) * (133000 - 69000)) * 304.702 / 292.655 * 1.06   # $96,332
RECT_PRICE = 250_000.0                                   # Rectifier_800VDC_1MW price
GEN_PRICE = 3000 * 650 * 1.06                            # Generator_3MW price, installed = true
BUILD, CRITICAL = 11.7, 0.53                             # assumptions build_cost_per_watt, critical_share
LAND = 40e6                                              # site land_price
PRICE_KWH = 0.0774                                       # param energy_price
IT_LIFE, FAC_LIFE, RATE = 5, 20, 0.08                    # finance books
STAFF = 12e6                                             # finance books staff_cost per year
MAINTENANCE = 0.03                                       # assumptions maintenance_rate, 3%/yr
SERVICE_BUSY = 0.6                                       # assumptions service_utilization
FP8_PEAK = 5000e12                                       # chips.factory GB300 fp8
N_405B, L_405B, D_405B = 405853388800, 126, 16384        # models.factory Llama3_1_405B
TRAIN_GPUS = 3 * ROWS * RACKS_PER_ROW * 72               # training frontier_run accelerators: 77,760
TRAIN_TOKENS, SEQ, BATCH = 15.6e12, 8192, 16e6           # its tokens, seq_len, global_batch


def annuity(capital: float, life_years: int, rate: float) -> float:
    """Capital recovery per year: C r / (1 - (1 + r)^-n)."""
    return capital * rate / (1 - (1 + rate) ** -life_years)


@functools.lru_cache(maxsize=None)
def _built():
    results, sink = evaluate_files([str(ROOT / SPEC)])
    assert results is not None, [d.message for d in sink.items]
    context = report.report_context(results, SPEC, sink)
    return results, sink, report.render_markdown(results, SPEC, sink, context=context)


def v(path: str) -> float:
    return float(_built()[0].values[path if path.startswith(("assumptions.", SITE)) else f"{SITE}.{path}"].ravel()[0])


# the rack at its peak: trays at nameplate and the NVLink trays, through the power shelves
TRAY_W = GPUS_PER_TRAY * GPU_TDP + CPUS_PER_TRAY * CPU_TDP + NICS_PER_TRAY * NIC_W + DPUS_PER_TRAY * DPU_W + TRAY_OVERHEAD
RACK_W = (TRAYS_PER_RACK * TRAY_W + NVSW_PER_RACK * NVSW_W) / SHELF_EFF          # 136,440 / 0.975 = 139,938 W
# the two fabrics' counts (the network model's; checked against their topology below)
BACKEND_SW, BACKEND_OPTICS, BACKEND_FIBRES = 3600, 622_080, 311_040
FRONTEND_SW, FRONTEND_OPTICS, FRONTEND_DAC, FRONTEND_FIBRES = 1845, 34_560, 25_920, 17_280
BACKEND_W = BACKEND_SW * Q3400_W + BACKEND_OPTICS * OPTIC_W                        # 18.59 MW
FRONTEND_W = FRONTEND_SW * SN5600_W + FRONTEND_OPTICS * OPTIC_W + FRONTEND_DAC * DAC_W  # 2.401 MW
IT_W = RACKS * RACK_W + BACKEND_W + FRONTEND_W                                      # 222.5 MW


def test_the_fabric_counts_follow_their_topology() -> None:
    """Back end, non-blocking rail-optimized over 103,680 GPUs (one 800G port each) on 144-port Q3400s: a leaf takes
    72 down and 72 up, so 103,680 / 72 = 1,440 leaves, as many spines, and a core of half that (all 144 ports down):
    3,600 switches; three tiers of 103,680 links, each link an optic at either end (2 x 3 x 103,680 = 622,080) and one
    fibre. Front end: one endpoint per tray (25,920), a DAC to its leaf, fibres above."""
    gpus = RACKS * TRAYS_PER_RACK * GPUS_PER_TRAY
    assert gpus == 103_680 == v("accelerators")
    leaves = gpus / (144 // 2)
    assert v("backend.switches_leaf") == leaves == 1440
    assert v("backend.switches_spine") == leaves
    assert v("backend.switches_core") == leaves / 2
    assert v("backend.switches") == BACKEND_SW == 2.5 * leaves
    links = v("backend.links_endpoint") + v("backend.links_leaf_spine") + v("backend.links_spine_core")
    assert links == 3 * gpus
    assert v("backend.transceivers") == BACKEND_OPTICS == 2 * links
    assert v("backend.cables_optical") == BACKEND_FIBRES == links
    assert v("frontend.endpoints") == RACKS * TRAYS_PER_RACK == FRONTEND_DAC
    assert v("frontend.switches") == FRONTEND_SW
    assert v("frontend.cables_copper") + v("frontend.cables_optical") == FRONTEND_DAC + FRONTEND_FIBRES


def test_power_by_hand() -> None:
    """Rack peak (136,440 W at the trays and NVLink trays / 0.975 shelves = 139,938 W), the five buckets, the two
    fabrics (switches + optics + the DACs' 0.1 W), the IT power, and the 800 V DC chain (busway 0.99, rectifiers 0.975)."""
    results = _built()[0]
    assert TRAY_W == 7380.0
    rack = next(row for row in results.bill_of_materials[SITE] if row.item == "GB300_NVL72")
    assert float(rack.total_power[0] / rack.quantity[0]) == pytest.approx(RACK_W, rel=1e-12)       # 139.9 kW
    assert v("power_accelerators") == RACKS * TRAYS_PER_RACK * GPUS_PER_TRAY * GPU_TDP              # 145.2 MW
    assert v("power_cpus") == RACKS * TRAYS_PER_RACK * CPUS_PER_TRAY * CPU_TDP                      # 12.96 MW
    in_racks_network = RACKS * (TRAYS_PER_RACK * (NICS_PER_TRAY * NIC_W + DPUS_PER_TRAY * DPU_W) + NVSW_PER_RACK * NVSW_W)
    assert v("power_network") == pytest.approx(in_racks_network + BACKEND_W + FRONTEND_W, rel=1e-12)  # 38.62 MW
    shelf_loss = RACKS * (RACK_W - TRAYS_PER_RACK * TRAY_W - NVSW_PER_RACK * NVSW_W)
    assert v("power_overhead") == pytest.approx(RACKS * TRAYS_PER_RACK * TRAY_OVERHEAD + shelf_loss, rel=1e-12)
    assert v("backend.power") == pytest.approx(BACKEND_W, rel=1e-12)                                 # 18.59 MW
    assert v("frontend.power") == pytest.approx(FRONTEND_W, rel=1e-12)                               # 2.401 MW
    assert v("it_power") == pytest.approx(IT_W, rel=1e-12)                                           # 222.5 MW
    assert v("busway_power_in") == pytest.approx(IT_W / BUSWAY_EFF, rel=1e-12)
    assert v("rectifier_power_in") == pytest.approx(IT_W / BUSWAY_EFF / RECT_EFF, rel=1e-12)
    # the meter: what the rectifiers draw and the cooling, through the transformers (0.99 at their load, a part-load
    # loss model, so to 1e-6)
    assert v("facility_power") == pytest.approx((IT_W / BUSWAY_EFF / RECT_EFF + v("cooling_power")) / 0.99, rel=1e-6)
    assert v("pue") == pytest.approx(v("facility_power_metered") / v("it_power_metered"), rel=1e-12)   # 1.080


def test_gear_counts_by_hand() -> None:
    """N+1 classes: ceil(load / capacity) + 1; transformers 2N of the power they deliver; generators N+1 of the meter."""
    hall = f"{SITE}.data_hall"
    assert v(f"{hall}.cdus") == math.ceil(v(f"{hall}.heat_liquid") / CDU_CAP) + 1 == 23
    assert v(f"{hall}.crahs") == math.ceil(v(f"{hall}.heat_air") / CRAH_CAP) + 1 == 52
    assert v("crahs_outside_halls") == math.ceil((BACKEND_W + FRONTEND_W) / CRAH_CAP) + 1 == 141
    assert v("crahs") == HALLS * 52 + 141 and v("cdus") == HALLS * 23
    assert v("dry_coolers") == math.ceil(v("heat_rejected") / DRY_CAP) + 1 == 250
    assert v("chillers") == math.ceil(v("chiller_load") / CHILLER_CAP) + 1 == 32
    delivered = v("transformer_power_in") - v("transformer_loss")
    assert v("transformer_units_placed") == 2 * math.ceil(delivered / XFMR_CAP) == 206
    assert v("generator_units_placed") == math.ceil(v("facility_power") / GEN_CAP) + 1 == 88
    hall_it = RACKS / HALLS * RACK_W
    assert v(f"{hall}.it_power") == pytest.approx(hall_it, rel=1e-12)
    assert math.ceil(hall_it / RECT_CAP) + 1 == 52       # the rectifiers the hall places (spec: ceil(it_power / 1 MW) + 1)


def test_capex_by_hand() -> None:
    """IT 1,440 racks x $3.5M; network: switches at their prices; optics and cables: modules, DACs and fibres; building:
    the shell's share of the build cost per W (11.7 x (1 - 0.53) = $5.499 / W) x IT power; the cooling plant's placed
    classes one installation factor x (count x price); the total, their sum."""
    assert v("capex_it") == RACKS * RACK_PRICE                                                       # $5.04B
    assert v("capex_network") == BACKEND_SW * Q3400_PRICE + FRONTEND_SW * SN5600_PRICE               # $416M
    optics = (BACKEND_OPTICS * DR4_PRICE + BACKEND_FIBRES * FIBER_PRICE
              + FRONTEND_OPTICS * SR4_PRICE + FRONTEND_DAC * DAC_PRICE + FRONTEND_FIBRES * FIBER_PRICE)
    assert v("capex_optics") == pytest.approx(optics, rel=1e-12)                                     # $1.01B
    assert v("capex_building") == pytest.approx(BUILD * (1 - CRITICAL) * IT_W, rel=1e-12)           # $1.22B
    assert v("capex_land") == LAND
    parts = ("capex_it", "capex_network", "capex_optics", "capex_power", "capex_cooling", "capex_building", "capex_land")
    assert v("capex") == pytest.approx(sum(v(p) for p in parts), rel=1e-12)                          # $8.75B
    placed = {"cdu": v("cdus") * CDU_PRICE, "crah": v("crahs") * CRAH_PRICE, "chiller": v("chillers") * CHILLER_PRICE,
              "heat_rejection": v("dry_coolers") * DRY_PRICE}
    factors = {k: v(f"detail.capex_cooling_{k}_with_halls") / equipment for k, equipment in placed.items()}
    assert max(factors.values()) == pytest.approx(min(factors.values()), rel=1e-9), factors
    assert 2 < factors["cdu"] < 5                        # an installation factor, not a price typo (3.72 here)
    # the power plant: transformers and the halls' rectifiers at one (electrical) factor; generators priced installed
    electrical = {"transformer": v("detail.capex_power_transformer_with_halls") / (v("transformer_units_placed")
                                                                                   * XFMR_PRICE),
                  "conversion": v(f"{SITE}.data_hall.detail.capex_power_conversion")
                  / (v(f"{SITE}.data_hall.rectifier_units_placed") * RECT_PRICE)}
    assert v(f"{SITE}.data_hall.rectifier_units_placed") == 52
    assert electrical["transformer"] == pytest.approx(electrical["conversion"], rel=1e-9), electrical
    assert 2 < electrical["transformer"] < 5            # 2.70 here
    assert v("detail.capex_power_generator_with_halls") == pytest.approx(88 * GEN_PRICE, rel=1e-12)  # $182M
    classes = list(placed) + ["pump"]
    assert v("capex_cooling") == pytest.approx(sum(v(f"detail.capex_cooling_{k}_with_halls") for k in classes),
                                               rel=1e-12)


def test_cost_per_year_by_hand() -> None:
    """Depreciation as capital recovery at 8% (IT over 5 years on IT + network + optics, facility over 20 on power,
    cooling and building), the land's cost of capital, energy at the metered draw x 8,760 h x $0.0774 / kWh,
    maintenance 3% of capex less building and land, staff; opex and TCO their sums; the accelerator-hour."""
    it_capital = v("capex_it") + v("capex_network") + v("capex_optics")
    facility_capital = v("capex_power") + v("capex_cooling") + v("capex_building")
    assert v("capex_depreciable_it") == pytest.approx(it_capital, rel=1e-12)
    assert v("depreciation_it_year") * YEAR == pytest.approx(annuity(it_capital, IT_LIFE, RATE), rel=1e-12)
    assert v("depreciation_facility_year") * YEAR == pytest.approx(annuity(facility_capital, FAC_LIFE, RATE), rel=1e-12)
    assert v("land_capital_year") * YEAR == pytest.approx(LAND * RATE, rel=1e-12)                   # $3.20M / yr
    energy = v("facility_power_metered") / 1e3 * 8760 * PRICE_KWH
    assert v("opex_energy") * YEAR == pytest.approx(energy, rel=1e-9)                                # $132M / yr
    maintained = v("capex") - v("capex_building") - v("capex_land")
    assert v("opex_maintenance") * YEAR == pytest.approx(MAINTENANCE * maintained, rel=1e-9)        # $225M / yr
    assert v("opex_staff") * YEAR == pytest.approx(STAFF, rel=1e-12)
    opex = v("opex_energy") + v("opex_maintenance") + v("opex_staff") + v("opex_water")
    assert v("opex") == pytest.approx(opex, rel=1e-12)
    tco = v("depreciation_it_year") + v("depreciation_facility_year") + v("land_capital_year") + opex
    assert v("tco_year") == pytest.approx(tco, rel=1e-12)                                            # $2.22B / yr
    assert v("cost_per_accelerator_hour") * HOUR == pytest.approx(tco * YEAR / (v("accelerators") * 8760), rel=1e-12)
    assert v("cost_per_mw") == pytest.approx(v("capex") / IT_W, rel=1e-12)                          # $39.3M / MW


def test_workload_figures_by_hand() -> None:
    """Served tokens = capacity x the 60% busy share; $/Mtok = the services' cost per hour over them; tokens per
    joule = tokens/s over the power while serving; training: ceil(16M / 8,192) sequences a step, time to train =
    tokens / (tokens/s) / goodput, FLOPs per token 6 N + 6 L s d (causal attention), MFU over the 77,760 held at fp8."""
    chat = f"{SITE}.chat"
    assert v("served_tokens_per_s") == pytest.approx(v(f"{chat}.tokens_per_s") * SERVICE_BUSY, rel=1e-12)
    assert v("usd_per_mtok") == pytest.approx(v("services_cost_per_hour") / v("served_tokens_per_s"), rel=1e-12)
    assert v(f"{chat}.tokens_per_joule") == pytest.approx(v(f"{chat}.tokens_per_s") / v(f"{chat}.power"), rel=1e-12)
    assert v(f"{chat}.power") == pytest.approx(v(f"{chat}.accelerators") / 72 * v(f"{chat}.system_power"), rel=1e-12)
    run = f"{SITE}.frontier_run"
    step_tokens = math.ceil(BATCH / SEQ) * SEQ
    assert v(f"{run}.tokens_per_s") == pytest.approx(step_tokens / v(f"{run}.step_time"), rel=1e-12)
    assert v(f"{run}.time_to_train") == pytest.approx(
        TRAIN_TOKENS / v(f"{run}.tokens_per_s") / v(f"{run}.goodput"), rel=1e-12)                 # 8.79 days
    flops = 6 * N_405B + 6 * L_405B * SEQ * D_405B
    assert v(f"{run}.flops_per_token") == flops
    assert v(f"{run}.mfu") == pytest.approx(flops * v(f"{run}.tokens_per_s") / (TRAIN_GPUS * FP8_PEAK), rel=1e-12)
    assert v(f"{run}.accelerator_hours") == pytest.approx(TRAIN_GPUS * v(f"{run}.time_to_train"), rel=1e-12)
    assert v(f"{run}.energy") == pytest.approx(v(f"{run}.power") * v(f"{run}.time_to_train"), rel=1e-12)


# ------------------------------------------------------------------ what the report prints is the JSON's figure


def _cell(markdown: str, label: str) -> str:
    row = next(line for line in markdown.splitlines() if line.startswith(f"| {label} |")
               or line.startswith(f"| **{label}** |"))
    return row.split("|")[2].strip().strip("*")


@pytest.mark.parametrize("label, path, per", [
    ("Capex", "capex", 1.0), ("**Total capex**", "capex", 1.0), ("IT equipment", "capex_it", 1.0),
    ("Network", "capex_network", 1.0), ("Optics and cables", "capex_optics", 1.0), ("Power plant", "capex_power", 1.0),
    ("Cooling plant", "capex_cooling", 1.0), ("Building", "capex_building", 1.0), ("Land", "capex_land", 1.0),
    ("Depreciation of IT", "depreciation_it_year", YEAR), ("Energy", "opex_energy", YEAR),
    ("Maintenance", "opex_maintenance", YEAR), ("Opex per year", "opex", YEAR), ("TCO per year", "tco_year", YEAR),
    ("Cost per accelerator-hour", "cost_per_accelerator_hour", HOUR),
])
def test_the_reports_money_is_the_json_figure_by_one_rule(label: str, path: str, per: float) -> None:
    """Each money cell of report.md is `format_money` of the JSON's value (one rounding rule), not a second rounding."""
    markdown = _built()[2]
    printed = _cell(markdown, label.strip("*"))
    expected = format_money(v(path) * per)
    assert printed.split(" /")[0] == expected, (label, printed, expected)


def test_the_pue_and_tco_notes_name_the_service_busy_share_they_move_with(tmp_path) -> None:
    """The PUE and the TCO are at the metered draw, where the chat service runs at its busy share: set it from 0.6
    to 0.9 and both move (PUE 1.0801 -> 1.0803, TCO $2.221B -> $2.227B), so their key-figure notes name it, as the
    energy row's does. Was: "annual average; average load 85.0%" alone (s26-audit)."""
    busy = (ROOT / SPEC).read_text().replace("    tpot_limit = 50 ms", "    utilization = 0.9\n    tpot_limit = 50 ms")
    spec = tmp_path / "busy.factory"
    spec.write_text(busy)
    results, sink = evaluate_files([str(spec)])
    assert results is not None, [d.message for d in sink.items]
    moved = {k: float(results.values[f"{SITE}.{k}"].ravel()[0]) for k in ("pue", "tco_year")}
    assert moved["pue"] > v("pue") and moved["tco_year"] > v("tco_year"), moved
    markdown = _built()[2]
    for label in ("PUE", "TCO per year", "Energy"):
        assert "service busy 60.0%" in next(line for line in markdown.splitlines() if line.startswith(f"| {label} |"))


def test_the_workloads_hours_add_up_to_the_sites_tco() -> None:
    """Every accelerator of the campus is held by one workload (77,760 training + 25,920 serving = 103,680, no spare),
    so the chat's cost per hour plus the training run's 77,760 accelerators at its own hour (cost / accelerator-hours,
    $2.458 / h: the site's hour with the energy share of its type at the planning draw, compiler.models.cost
    service_accelerator_hour) is the site's TCO per year, to rounding: no dollar billed twice or dropped."""
    run = f"{SITE}.frontier_run"
    assert v(f"{run}.accelerators") + v(f"{SITE}.chat.accelerators") == v("accelerators")
    run_hour = v(f"{run}.cost") / v(f"{run}.accelerator_hours")
    assert v("services_cost_per_hour") + v(f"{run}.accelerators") * run_hour == pytest.approx(v("tco_year"), rel=1e-12)


def test_the_assumptions_the_report_lists_print_without_an_exponent() -> None:
    """The report's assumption table prints each default in readable units: the DAC's price per unit of line rate
    is $250 per 800 Gb/s = 250 / 800 = 0.3125 USD/Gbps (was "2.5e-09 USD*s/B", the SI figure); an optic's energy
    per bit 16 W / 800 Gb/s = 20 pJ/b (was "1.6e-10 J/B"). Both units parse as written, so a `let` takes them back."""
    from compiler.display import format_quantity
    from dsl.units import parse_unit
    gbps = 1e9 / 8                                      # bytes per second in one Gb/s
    assert format_quantity(250.0 / (800 * gbps), "USD*s/B") == "0.3125 USD/Gbps"
    assert format_quantity(16.0 / (800 * gbps), "J/B") == "20 pJ/b"
    assert parse_unit("USD/Gbps").to_si(0.3125) == pytest.approx(250.0 / (800 * gbps), rel=1e-12)
    assert parse_unit("pJ/b").to_si(20) == pytest.approx(16.0 / (800 * gbps), rel=1e-12)
    markdown = _built()[2]
    table = markdown[markdown.index("Model assumptions used"):]
    rows = [line.split("|")[2] for line in table.splitlines() if line.startswith("| ") and line.count("|") >= 4]
    assert rows and not [r for r in rows if re.search(r"\de[-+]\d", r)], [r for r in rows if re.search(r"\de[-+]\d", r)]
    assert any("0.3125 USD/Gbps" in r for r in rows)


def test_a_zero_default_discount_rate_reads_per_year() -> None:
    """A site with no finance block reads discount_rate's default, 0: its assumption row printed "0 1/s" (the SI
    step, as a zero chooses no step of the 1/s ladder); it is a rate per year (the key figures say "0.0%/yr"), so it
    is shown in 1/yr (Assumption.shown). A softmax rate, 1/s too, keeps its own unit (tests/test_trust_options.py)."""
    from compiler.display import format_quantity
    from compiler.models import assumptions as A
    assert A.discount_rate.display == "1/yr" and A.discount_rate.value == 0
    assert format_quantity(0.0, "1/s", A.discount_rate.display) == "0 1/yr"
    results, sink = evaluate_files([str(ROOT / "examples/enterprise_starter.factory")])
    assert results.graph.nodes["assumptions.discount_rate"].display == "1/yr"


def test_a_basis_value_only_a_default_gives_is_flagged_default() -> None:
    """The notes beside the money name the inputs it was computed with; one that only the model's default gives
    says so: the flagship's finance block sets its IT life and discount rate (unmarked), not its maintenance rate
    or the services' busy share (marked "(default)"); a site with no finance block reads every one as a default."""
    markdown = _built()[2]
    row = lambda text, label: next(line for line in text.splitlines() if line.startswith(f"| {label} |"))  # noqa: E731
    assert "IT life 5 yr, discount rate 8.0%/yr;" in row(markdown, "Depreciation of IT")
    assert "maintenance 3.0%/yr \\(default\\)" in row(markdown, "Maintenance")
    assert "service busy 60.0% \\(default\\)" in row(markdown, "Energy")
    assert "average load 85.0%," in row(markdown, "Energy")          # the site's utilization = gpu_utilization
    spec = "examples/enterprise_starter.factory"
    results, sink = evaluate_files([str(ROOT / spec)])
    starter = report.render_markdown(results, spec, sink, context=report.report_context(results, spec, sink))
    assert "IT life 5 yr \\(default\\), discount rate 0.0%/yr \\(default\\)" in row(starter, "Depreciation of IT")
    assert "electricity 0.12 USD/kWh," in row(starter, "Energy")      # the site's electricity_price
