"""Default figures the models fall back on when a spec does not give them, each with its source.

Pipeline position: data for `compiler.models.*`. Imports nothing from the project but the `Assumption`
record. Every value is in SI units. A spec overrides any of these by setting the field of the same name
on the block (or, for inherited ones such as `utilization`, on an ancestor). `factory explain` prints
the source beside every assumption a figure rests on. Tags: [P] primary, [S] secondary, [U] estimate
with the reasoning given, [D] derived.
"""
from __future__ import annotations

from . import ABOVE_ONE, Assumption, NON_NEGATIVE, POSITIVE, SHARE, UNIT_FRACTION, Range

HOUR = 3600.0
YEAR = 8760 * HOUR

# ------------------------------------------------------------------ operating point
utilization = Assumption(
    "utilization", 0.85, "1",
    "average accelerator load between idle (0) and TDP (1) of a busy AI cluster [U]: MLPerf Training v4.0 "
    "wall power of 8xH100 nodes is 6.8-7.2 kW against a 10.2 kW nameplate (means of the MLPerf Training v4.0/v4.1 "
    "power logs, 2024, rows in reference/mlperf_calibration.csv [P][D]); "
    "set `utilization` on the site, hall, rack or server to change it")
spare_utilization = Assumption(
    "spare_utilization", 0.0, "1",
    "load of an accelerator that no workload of its site holds (a spare), between idle (0) and TDP (1) [U]: it "
    "runs no job, so it draws its idle power (H100 SXM: 72 W of 700 W at idle, reference/h100_microbench.md, "
    "measured 2026-11-27 [P]); counted only at a site that declares workloads (a site of none is billed at its "
    "planning `utilization`); `let spare_utilization` on the site where its spares run work no workload "
    "describes", range=SHARE)
comm_wait_utilization = Assumption(
    "comm_wait_utilization", 0.35, "1",
    "accelerator load in the light phases of a training step (exposed collectives, pipeline bubble, "
    "memory-bound kernels), between idle (0) and TDP (1) [U]: NCCL kernels keep SMs, NVLink and HBM partly "
    "busy, so a stalled GPU draws well above idle (Hopper power traces of communication-bound steps sit around "
    "a third of the way from idle to TDP); H100: 72 + 0.35 * 628 = 292 W. Not fitted: 0.375 would bring the "
    "MLPerf node power medians to 9.3% AC / 9.6% DC, 0.35 gives 10.3% / 9.5% (docs/accuracy.md)")
idle_fraction = Assumption(
    "idle_fraction", 0.10, "1",
    "accelerator idle power as a share of TDP [U]: H100 SXM idles at roughly 60-100 W of 700 W in "
    "nvidia-smi reports; set `idle_power` on the chip to change it", range=SHARE)
cpu_utilization = Assumption(
    "cpu_utilization", 0.5, "1",
    "host CPU load in an accelerator server [U]: data loading and kernel launch keep host CPUs "
    "partly busy; set `utilization` on the cpu to change it", range=SHARE)
cpu_idle_fraction = Assumption(
    "cpu_idle_fraction", 0.30, "1",
    "server CPU idle power as a share of TDP [U] (SPECpower results of recent Xeon/EPYC servers "
    "idle at 25-35% of full-load power)")
psu_efficiency = Assumption(
    "psu_efficiency", 0.94, "1",
    "server power-supply efficiency [S]: 80 PLUS Titanium requires 94% at 50% load at 230 V "
    "(CLEAResult 80 PLUS program); DGX H100 uses 6x 3.3 kW Titanium-class PSUs (unanswered.io summary "
    "of the NVIDIA DGX H100/H200 user guide, 2023 [S])", range=UNIT_FRACTION)
overhead_fraction_air = Assumption(
    "overhead_fraction_air", 0.25, "1",
    "fans, DIMMs, drives, NVSwitches and board power of an air-cooled accelerator server, as a share "
    "of its chips' and NICs' power [U][D]: DGX H100 nameplate 10.2 kW x 0.94 PSU = 9.6 kW DC against "
    "8x700 W GPU + 2x350 W CPU + NICs ~ 6.5 kW leaves ~3 kW at worst-case fan speed; ~25% at load", range=SHARE)
overhead_fraction_liquid = Assumption(
    "overhead_fraction_liquid", 0.10, "1",
    "board, memory, drive and residual fan power of a liquid-cooled server as a share of its chips' "
    "and NICs' power [U]: cold plates remove most fan power (fans drop from ~15% to ~3-5%)", range=SHARE)

# ------------------------------------------------------------------ power chain
transformer_efficiency = Assumption(
    "transformer_efficiency", 0.985, "1",
    "medium-to-low-voltage distribution transformer at typical load [S]: US DOE 2016 efficiency "
    "standards require 98.9-99.5% for liquid-immersed units at 50% load; dry-type ~98.5%")
ups_efficiency = Assumption(
    "ups_efficiency", 0.96, "1",
    "double-conversion UPS at 40-80% load [S]: vendor curves (Eaton 93PM, Schneider Galaxy VX; read 2026) "
    "report 96-97% in double conversion and ~99% in eco mode")
pdu_efficiency = Assumption(
    "pdu_efficiency", 0.985, "1",
    "floor PDU transformer and busway / cabling losses [U]: 1-2% typical")
rectifier_efficiency = Assumption(
    "rectifier_efficiency", 0.975, "1",
    "AC-to-800 V DC rectification at the row or hall [U]: SiC rectifiers reach 97.5-98.5%; the 800 V "
    "DC design removes the UPS double conversion and the rack's AC-DC stage (NVIDIA 800 VDC white paper, 2025)")
dc_distribution_efficiency = Assumption(
    "dc_distribution_efficiency", 0.99, "1",
    "800 V DC busway and rack DC-DC conversion losses [U]")
power_shelf_efficiency = Assumption(
    "power_shelf_efficiency", 0.97, "1",
    "rack power shelf (AC to 54 V DC) efficiency [U]: Open Compute ORv3 shelves specify >= 97.5% peak")

# ------------------------------------------------------------------ thermal
water_cp = Assumption("water_cp", 4186.0, "J/(kg*K)",
                      "specific heat of water at 25-40 degC, 4.18 kJ/(kg*K) [P] (CRC Handbook of Chemistry "
                      "and Physics, 97th ed., 2016)", range=POSITIVE)
water_density = Assumption("water_density", 997.0, "kg/m^3",
                           "density of water at 25 degC, 997 kg/m^3 [P] (CRC Handbook of Chemistry and Physics, "
                           "97th ed., 2016)", range=POSITIVE)
air_cp = Assumption("air_cp", 1006.0, "J/(kg*K)",
                    "specific heat of dry air near 25 degC [P] (CRC Handbook of Chemistry and Physics, 97th ed., 2016)",
                    range=POSITIVE)
air_density = Assumption("air_density", 1.18, "kg/m^3",
                         "density of air at 25 degC, sea level [P] (CRC Handbook of Chemistry and Physics, "
                         "97th ed., 2016)", range=POSITIVE)
liquid_delta_t = Assumption(
    "liquid_delta_t", 10.0, "K",
    "coolant temperature rise across direct-liquid-cooled racks [U]: OCP and vendor cold-plate designs "
    "use 8-15 K (e.g. 35 degC in, 45 degC out)")
air_delta_t = Assumption(
    "air_delta_t", 12.0, "K",
    "air temperature rise across IT equipment [U]: ASHRAE TC 9.9 guidance gives 10-20 K for servers")
supply_temp = Assumption(
    "supply_temp", 273.15 + 35.0, "K",
    "warm-water liquid-cooling supply temperature [U]: ASHRAE W32-W45 classes; 35 degC allows dry "
    "coolers most of the year", point=True)
air_supply_temp = Assumption(
    "air_supply_temp", 273.15 + 24.0, "K",
    "cold-aisle air supply temperature [P]: the 18-27 degC recommended envelope of ASHRAE TC 9.9 'Thermal "
    "Guidelines for Data Processing Environments' (since the 2008 edition)", point=True)
ambient_temp = Assumption(
    "ambient_temp", 273.15 + 35.0, "K",
    "design outdoor dry-bulb temperature when the site gives none [U]: a hot-summer US site (ASHRAE "
    "0.4% design values are 32-38 degC across Virginia, Texas and Arizona)", point=True)
mean_ambient_temp = Assumption(
    "mean_ambient_temp", 273.15 + 15.0, "K",
    "annual mean outdoor temperature when the site gives none [U]: Northern Virginia ~14 degC, Dallas ~19 degC; "
    "never above the site's design ambient_temp (a site that writes a colder design day and no mean is read at "
    "that design day)", point=True)
chiller_approach = Assumption(
    "chiller_approach", 8.0, "K",
    "condenser temperature above ambient, plus evaporator temperature below supply [U]: 5-10 K each "
    "side for air-cooled chillers; 8 K lumps them", range=NON_NEGATIVE)
carnot_fraction = Assumption(
    "carnot_fraction", 0.5, "1",
    "real chiller COP as a share of the Carnot COP [U]: air-cooled screw/centrifugal chillers reach "
    "45-60% of Carnot at full load", range=UNIT_FRACTION)
economizer_approach = Assumption(
    "economizer_approach", 5.0, "K",
    "how much colder than the coolant supply the outdoor air must be for dry coolers alone to do the "
    "job (free cooling) [U]", range=NON_NEGATIVE)
pump_fraction = Assumption(
    "pump_fraction", 0.02, "1",
    "CDU and facility-water pump power as a share of liquid heat [U]: 1-3% in vendor data for DLC loops")
crah_fan_fraction = Assumption(
    "crah_fan_fraction", 0.04, "1",
    "CRAH fan power as a share of air-side heat [U]: EC-fan CRAHs draw 3-6% of their cooling duty")
heat_rejection_fan_fraction = Assumption(
    "heat_rejection_fan_fraction", 0.015, "1",
    "dry-cooler / cooling-tower fan power as a share of heat rejected [U]: 1-2% in vendor data", range=SHARE)
evaporation_heat = Assumption(
    "evaporation_heat", 2.43e6, "J/kg",
    "latent heat of evaporation of water at ~30 degC, 2.43 MJ/kg [P] (IAPWS-IF97 steam tables, 1997)", range=POSITIVE)
cycles_of_concentration = Assumption(
    "cycles_of_concentration", 4.0, "1",
    "cooling-tower cycles of concentration [U]: blowdown adds 1/(cycles-1) to evaporation; 3-6 is typical",
    range=ABOVE_ONE)
cdu_capacity = Assumption(
    "cdu_capacity", 1.5e6, "W",
    "in-row / facility CDU capacity when no `cdu` is given [U]: current 1.2-2.3 MW units "
    "(e.g. Vertiv CoolChip CDU 2300 kW, nVent, CoolIT CHx2000)")
crah_capacity = Assumption(
    "crah_capacity", 150e3, "W",
    "CRAH capacity when no `crah` is given [U]: large chilled-water CRAHs are 100-250 kW")
chiller_capacity = Assumption(
    "chiller_capacity", 2.0e6, "W",
    "chiller capacity when no `chiller` is given [U]: large air-cooled chillers are 1.5-2.5 MW (~500 tons)")
dry_cooler_capacity = Assumption(
    "dry_cooler_capacity", 1.0e6, "W",
    "dry-cooler capacity when no `dry_cooler` is given [U]: adiabatic dry coolers are 0.5-1.5 MW per unit")

# ------------------------------------------------------------------ cost
build_cost_per_watt = Assumption(
    "build_cost_per_watt", 11.7, "USD/W",
    "US data-center construction cost per watt of critical load, average of 19 markets "
    "($9.3M-15.0M/MW, average $11.7M/MW; excludes IT, land, soft costs) [P]: Cushman & Wakefield, "
    "Data Center Development Cost Guide 2025, pp. 8-9", range=NON_NEGATIVE)
critical_share = Assumption(
    "critical_share", 0.53, "1",
    "share of construction cost in electrical and mechanical critical capacity (the rest is shell "
    "21%, white space 10%, site 10%, other) [P]: Cushman & Wakefield 2025 guide, pp. 6-7", range=SHARE)
cooling_share_of_plant = Assumption(
    "cooling_share_of_plant", 0.4, "1",
    "share of the critical-capacity cost that is cooling (the rest is electrical) [U]: mechanical "
    "is usually 35-45% of M&E cost. s16-capex check: \"HVAC cooling infrastructure represents 40-55% of total MEP "
    "cost\" in a data center (MEP Estimation USA, F. Kowalski, \"HVAC Estimating for Data Centers\", updated 2024-06 "
    "[S]): 0.4 is the low end of that range", range=SHARE)
# Split of the per-watt plant cost among classes of gear, so that gear a spec places replaces the default
# of its own class only (compiler.models.cost), and the installation factor of gear a spec places. Derived here,
# in code, from a reference plant of stdlib parts (s17-econ2, 2026-12-06), so that a stdlib price or `installed`
# flag cannot leave them stale (tests/test_plant_reference17.py reads each row back from stdlib/facility.factory
# and fails where one differs). Per class: the stdlib part, its price (USD), its capacity (W), the units bought per
# unit needed (2N: 2, N+1: ~1.1), the share of the reference hall's heat it carries (the CDUs the 85% that goes to
# liquid, the CRAHs the 15% to air, the rest all of it), and whether the price is installed (`installed = true`).
# Its cost per W of IT: price / capacity x units per unit needed x heat share. The category's plant cost per W at
# the defaults (build_cost_per_watt 11.7 x critical_share 0.53 x cooling_share_of_plant 0.4 or its rest 0.6:
# R = 2.4804 $/W cooling, 3.7206 $/W power) is what the finished reference plant costs, so
#     R = sum over installed-priced classes of their cost per W + factor x sum over equipment-priced ones of theirs
#     factor = (R - installed) / equipment,  share of a class = its installed cost per W / R
# (its cost per W itself where its price is installed, x the factor where it is the equipment's). An installed
# price is neither marked up nor counted in the factor's equipment. The shares add up to 1 in each category.
_TON = 12000 * 1055.05585262 / 3600          # W: one refrigeration ton, 12,000 BTU/h (stdlib/units.txt)
_LIQUID = 0.85                               # plant_reference_liquid_fraction (below)
# 2022 -> 2025 dollars for the stdlib prices read from RSMeans 2022 (stdlib/facility.factory, s18-prices): CPI-U
# annual average 2023 / 2022 (BLS) x NREL's 1.06 for 2023 -> 2025 (as the generator's REopt price)
_RSMEANS_2025 = 304.702 / 292.655 * 1.06
PLANT_REFERENCE = {
    "power": (
        # class,         stdlib part,           price USD,          capacity W,              units, heat, installed
        # s18-prices (2026-12-06): RSMeans 2022 material, 2,500 kVA interpolated, x 1.1036 to 2025 dollars
        ("transformer", "Transformer_2500kVA", _RSMEANS_2025 * (69000 + 500 / 1750 * 64000), 2.5e6, 2.0, 1.0, False),
        ("switchgear", "Switchgear_LV_4000A", 300_000.0, 480 * 4000 * 3 ** 0.5, 2.0, 1.0, False),
        ("conversion", "UPS_1250kVA", 500_000.0, 1.25e6, 1.1, 1.0, False),
        ("distribution", "PDU_300kVA", 60_000.0, 300e3, 2.0, 1.0, False),
        ("generator", "Generator_3MW", 3000 * 650 * 1.06, 3e6, 1.1, 1.0, True),
    ),
    "cooling": (
        ("cdu", "CDU_row_2MW", 400_000.0, 2e6, 1.1, _LIQUID, False),
        ("crah", "CRAH_150kW", 60_000.0, 150e3, 1.1, 1 - _LIQUID, False),
        # s18-prices: RSMeans 2022 air-cooled screw chiller, 320 ton $213,000 material, at its $/ton, x 1.1036
        ("chiller", "Chiller_AC_500ton", _RSMEANS_2025 * 500 * 213000 / 320, 500 * _TON, 1.1, 1.0, False),
        ("heat_rejection", "DryCooler_1MW", 150_000.0, 1e6, 1.1, 1.0, False),
        ("pump", "Pump_3500kW", 60_000.0, 1000 * _TON, 1.1, 1.0, False),
    ),
}
# The power model's default stage of the conversion and distribution classes follows the block's `distribution`
# (compiler.models.facility _DEFAULT_STAGE: ac a UPS and a PDU, the rows above; dc800 a rectifier and a busway). A
# class a dc800 block does not place is estimated on the part its chain runs (s24-capex, 2026-12-07; before, on the
# UPS and PDU rows, so removing the flagship's placed rectifiers raised its capex $99.0M): these rows, in the
# reference's columns, in no share (the reference plant is AC); such a class's estimate is its AC share x this
# row's $/W of IT / the AC row's (both equipment-priced: the factor cancels). Rectifier $250,000 / 1 MW x N+1 1.1 =
# 0.2750 $/W (UPS 0.4400: x 0.625); busway $50,000 / (415 V x 800 A x sqrt 3 = 575.0 kW) x 2N = 0.1739 $/W (PDU
# 0.4000: x 0.4348). Both prices are the stdlib's NOT PUBLISHED [U] figures (stdlib/facility.factory), read back
# by tests/test_plant_reference17.py.
PLANT_REFERENCE_DC800 = {
    "power": (
        ("conversion", "Rectifier_800VDC_1MW", 250_000.0, 1e6, 1.1, 1.0, False),
        ("distribution", "Busway_800A_415V", 50_000.0, 415 * 800 * 3 ** 0.5, 2.0, 1.0, False),
    ),
}
# Likewise the cooling plant on `heat_rejection = "cooling_tower"` (s24-capex2, 2026-12-07): the thermal model's
# chillers there are water-cooled (their condenser sees the tower's wet bulb, facility `_mechanical`) and the towers
# reject the heat, so an unplaced chiller or heat-rejection class is estimated on those parts (before, on the
# reference's air-cooled chiller and dry cooler, gear the spec does not run). Water-cooled chiller $494,428 (RSMeans
# 2022 [S], equipment) / 3.517 MW x N+1 1.1 = 0.1546 $/W (the air-cooled row 0.2298: x 0.6731); tower $215,746
# (RSMeans 2022 [S], equipment) / 5 MW x 1.1 = 0.0475 $/W (the dry cooler 0.1650: x 0.2877). Both stdlib prices,
# read back by tests/test_plant_reference17.py.
PLANT_REFERENCE_TOWER = {
    "cooling": (
        ("chiller", "Chiller_WC_1000ton", _RSMEANS_2025 * 896000 / 2, 1000 * _TON, 1.1, 1.0, False),
        ("heat_rejection", "CoolingTower_5MW", _RSMEANS_2025 * 5e6 / (1000 * _TON) * 137500, 5e6, 1.1, 1.0, False),
    ),
}
_VARIANTS = {"dc800": PLANT_REFERENCE_DC800, "cooling_tower": PLANT_REFERENCE_TOWER}
_REFERENCE_PLANT_PER_W = {"power": 11.7 * 0.53 * (1 - 0.4), "cooling": 11.7 * 0.53 * 0.4}   # R, $/W (defaults)


def _reference(category: str) -> dict:
    """The reference plant of `category` worked out: {class: (cost per W of IT, installed)}, the installed and
    equipment sums, the factor and each class's share (the formulas in the comment above)."""
    rows = {c: (price / capacity * units * heat, installed)
            for c, _, price, capacity, units, heat, installed in PLANT_REFERENCE[category]}
    installed = sum(w for w, inst in rows.values() if inst)
    equipment = sum(w for w, inst in rows.values() if not inst)
    per_w = _REFERENCE_PLANT_PER_W[category]
    factor = (per_w - installed) / equipment
    shares = {c: (w if inst else factor * w) / per_w for c, (w, inst) in rows.items()}
    return {"rows": rows, "installed": installed, "equipment": equipment, "factor": factor, "shares": shares}


_POWER, _COOL = _reference("power"), _reference("cooling")
# the classes whose reference price is installed (cost.installation_factor leaves their shares out of the factor)
PLANT_INSTALLED_CLASSES = {cat: tuple(c for c, (_, inst) in ref["rows"].items() if inst)
                           for cat, ref in (("power", _POWER), ("cooling", _COOL))}


def reference_row(category: str, c: str, variant: str = "ac"):
    """The reference row (class, stdlib part, price, capacity, units per unit needed, heat share, installed) the
    estimate of class `c` is sized on (compiler.models.cost `_sized`): the row of the block's variant where there
    is one (`variant`: its `distribution` for power, dc800 PLANT_REFERENCE_DC800; its `heat_rejection` for cooling,
    cooling_tower PLANT_REFERENCE_TOWER), else the reference plant's; None for a class with no row (power
    shelves)."""
    rows = _VARIANTS.get(variant, {}).get(category, ())
    for row in tuple(rows) + PLANT_REFERENCE[category]:
        if row[0] == c:
            return row
    return None


def _per_kw(category, c):
    """A reference row's price per kW of the part's capacity, e.g. the transformer's $38.5/kW."""
    row = next(r for r in PLANT_REFERENCE[category] if r[0] == c)
    return f"{1e3 * row[2] / row[3]:,.1f}"


def _kw(ref, c):
    return f"{1e3 * ref['rows'][c][0]:,.1f}"


_DATED = ("s17-econ2, 2026-12-06: derived in code from the stdlib prices and `installed` flags "
          "(compiler.models.assumptions PLANT_REFERENCE; tests/test_plant_reference17.py); s18-prices, 2026-12-06: "
          "the transformer and air-cooled chiller prices from RSMeans 2022 [S]")
_POWER_SPLIT = (
    "[D] share of the electrical plant cost per W [U] of a reference plant of stdlib parts, $/kW of IT with their "
    f"redundancy: transformers ${_per_kw('power', 'transformer')}/kW x 2N = {_kw(_POWER, 'transformer')}, LV switchgear $90.2/kW x 2N = "
    f"{_kw(_POWER, 'switchgear')}, UPS $400/kW x N+1 = {_kw(_POWER, 'conversion')} (rectifiers take its place on "
    f"800 V DC), PDUs $200/kW x 2N = {_kw(_POWER, 'distribution')}: equipment {1e3 * _POWER['equipment']:,.1f}, x the "
    f"factor {_POWER['factor']:.4f}; generators $689/kW installed (NREL REopt.jl 2023 x 1.06 [S]) x N+1 = "
    f"{_kw(_POWER, 'generator')}, taken as written; total 3,720.6 $/kW installed = {1e3 * _POWER['installed']:,.1f} "
    f"installed-priced + {_POWER['factor']:.4f} x {1e3 * _POWER['equipment']:,.1f} equipment-priced (" + _DATED + ")")
_COOLING_SPLIT = (
    "[D] share of the cooling plant cost per W [U], for a reference liquid-cooled hall (85% of heat to liquid, "
    "chillers sized for all heat on the design day) of stdlib parts, $/kW of IT with N+1: CDUs $200/kW x 1.1 x "
    f"0.85 = {_kw(_COOL, 'cdu')}, CRAHs $400/kW x 1.1 x 0.15 = {_kw(_COOL, 'crah')}, air-cooled chillers ${_per_kw('cooling', 'chiller')}/kW x "
    f"1.1 = {_kw(_COOL, 'chiller')}, dry coolers (or towers) $150/kW x 1.1 = {_kw(_COOL, 'heat_rejection')}, pumps "
    f"$17.1/kW x 1.1 = {_kw(_COOL, 'pump')}; all equipment-priced (the water-cooled chiller is not in the "
    f"reference: an air-cooled hall), total {1e3 * _COOL['equipment']:,.1f} $/kW x the factor {_COOL['factor']:.4f} = "
    "2,480.4 $/kW (" + _DATED + ")")


def _share(name: str, ref: dict, c: str, what: str) -> Assumption:
    cost = 1e3 * ref["rows"][c][0] * (1.0 if ref["rows"][c][1] else ref["factor"])
    total = 1e3 * _REFERENCE_PLANT_PER_W["power" if ref is _POWER else "cooling"]
    return Assumption(name, ref["shares"][c], "1", f"{_POWER_SPLIT if ref is _POWER else _COOLING_SPLIT}: {what}"
                      f"{cost:,.1f} / {total:,.1f} installed", range=SHARE)


plant_share_transformer = _share("plant_share_transformer", _POWER, "transformer", "")
plant_share_switchgear = _share("plant_share_switchgear", _POWER, "switchgear", "")
plant_share_conversion = _share("plant_share_conversion", _POWER, "conversion", "UPS or rectifiers ")
plant_share_distribution = _share("plant_share_distribution", _POWER, "distribution", "PDUs or busways ")
plant_share_generator = _share("plant_share_generator", _POWER, "generator", "generators, priced installed, ")
plant_share_cdu = _share("plant_share_cdu", _COOL, "cdu", "")
plant_share_crah = _share("plant_share_crah", _COOL, "crah", "")
plant_share_chiller = _share("plant_share_chiller", _COOL, "chiller", "")
plant_share_heat_rejection = _share("plant_share_heat_rejection", _COOL, "heat_rejection",
                                    "dry coolers or cooling towers ")
plant_share_pump = _share("plant_share_pump", _COOL, "pump", "")
# The equipment the equipment-priced classes of the shares above were priced on, per W of IT: what the plant's
# installed cost per W, less its installed-priced classes' share, buys of gear at its list price, so that gear a
# spec places is priced installed, as the estimate of its class is (compiler.models.cost `installation_factor`;
# s15-capex, 2026-12-06; s17-econ2: the installed-priced classes out of it).
plant_equipment_power = Assumption(
    "plant_equipment_power", _POWER["equipment"], "USD/W",
    f"[D] equipment price per W of IT of the equipment-priced classes of the electrical plant the power shares "
    f"were priced on (transformers {_kw(_POWER, 'transformer')} + switchgear {_kw(_POWER, 'switchgear')} + UPS "
    f"{_kw(_POWER, 'conversion')} + PDUs {_kw(_POWER, 'distribution')} = {1e3 * _POWER['equipment']:,.1f} $/kW, stdlib "
    f"prices with redundancy [U]); the generators' installed {_kw(_POWER, 'generator')} $/kW (share "
    f"{_POWER['shares']['generator']:.4f}) is not in it. Placed power gear is priced installed, units x price x "
    f"the installation factor = electrical plant cost per W (11.7 x 0.53 x 0.6 = 3.7206 $/W) x (1 - the installed "
    f"classes' shares) / this = (3.7206 - {_POWER['installed']:.4f}) / {_POWER['equipment']:.4f} = "
    f"{_POWER['factor']:.4f} (compiler.models.cost installation_factor; s15-capex, 2026-12-06). s17-econ2 "
    f"(2026-12-06): before, this was 1.690 $/W, counting the generator at an earlier $500/kW x 1.1 = 550 $/kW as "
    f"equipment (factor 3.7206 / 1.690 = 2.2015, generator share 0.32), where the stdlib prices it installed at "
    f"NREL REopt.jl's $650/kW (2023) x 1.06 = $689/kW [S] and takes it as written. {_POWER['factor']:.2f} is below "
    "Lang's 3.10-4.74 for process plant (factory-built switchgear, UPS and PDUs need less field work) [U]; no "
    "public source found for an electrical installation factor (s16-capex search: Schneider Electric white papers "
    "6 and 156, Uptime Institute, Turner & Townsend DCCI 2024 and 2025-2026, C&W 2025)", range=POSITIVE)
plant_equipment_cooling = Assumption(
    "plant_equipment_cooling", _COOL["equipment"], "USD/W",
    f"[D] equipment price per W of IT of the equipment-priced classes of the cooling plant the cooling shares were "
    f"priced on (CDUs {_kw(_COOL, 'cdu')} + CRAHs {_kw(_COOL, 'crah')} + chillers {_kw(_COOL, 'chiller')} + dry "
    f"coolers {_kw(_COOL, 'heat_rejection')} + pumps {_kw(_COOL, 'pump')} = {1e3 * _COOL['equipment']:,.1f} $/kW, "
    f"stdlib prices with N+1 ([U], the chillers RSMeans 2022 [S], s18-prices); every class equipment-priced: the "
    f"water-cooled chiller is not the reference's). Placed cooling gear is priced installed, units x price x the cooling plant cost per W (11.7 x "
    f"0.53 x 0.4 = 2.4804 $/W) / this = {_COOL['factor']:.4f} (compiler.models.cost installation_factor; s15-capex, "
    "2026-12-06). s17-econ2 (2026-12-06): derived in code from the stdlib prices (before: the rounded 0.718 $/W, "
    "factor 3.4546, and shares rounded to 0.01). Public check: Cran's mean Lang factor (installed plant over "
    "purchased equipment) of Lang's plants, 3.45 +- 0.47 (J. Cran, Chemical Engineering, 1981-04-06, as quoted in "
    "Coulson & Richardson's Chemical Engineering Design; Lang 1948: 3.10 solids to 4.74 fluids) [S]",
    range=POSITIVE)
plant_reference_liquid_fraction = Assumption(
    "plant_reference_liquid_fraction", _LIQUID, "1",
    _COOLING_SPLIT + ": the share of its heat that goes to liquid, so that the CDU share is per W of liquid heat "
    "/ 0.85 and the CRAH share per W of air heat / 0.15 (compiler.models.cost `_plant`)",
    range=Range(0.0, 1.0, lo_open=True, hi_open=True))
electricity_price = Assumption(
    "electricity_price", 0.0815 / 3.6e6, "USD/J",
    "US industrial electricity, 8.15 cents/kWh: East-North-Central / Mid-Atlantic 8.10-8.25 cents YTD "
    "Jul-2024 [P]: EIA Electric Power Monthly Table 5.6.B", range=NON_NEGATIVE)
water_price = Assumption(
    "water_price", 2.5, "USD/m^3",
    "US commercial water and sewer, ~$2-4 per m^3 [U] (AWWA/Black & Veatch rate surveys)")
depreciation_it = Assumption(
    "depreciation_it", 5 * YEAR, "s",
    "useful life of servers and network gear [S]: hyperscalers depreciate servers over 5-6 years "
    "(Microsoft, Alphabet and Meta 10-K filings 2023-2024)", range=POSITIVE)
depreciation_facility = Assumption(
    "depreciation_facility", 20 * YEAR, "s",
    "useful life of the building and its power and cooling plant [U]: 15-20 years for M&E plant, "
    "longer for the shell; 20 years lumps them")
maintenance_rate = Assumption(
    "maintenance_rate", 0.03 / YEAR, "1/s",
    "yearly maintenance and support as a share of equipment capex [U]: 2-4% for M&E plant, "
    "support contracts on IT similar")
staff_per_mw = Assumption(
    "staff_per_mw", 60000.0 / YEAR / 1e6, "USD/(s*W)",
    "operations staff cost per year per MW of IT [U]: ~0.5 FTE per MW at ~$120k fully loaded", range=NON_NEGATIVE)
service_utilization = Assumption(
    "service_utilization", 0.6, "1",
    "share of the hours an inference service is busy at its modelled throughput, for $/Mtoken [U]: a fleet "
    "sized for the daily peak of interactive traffic whose peak is ~1.5-1.8x its daily mean runs ~55-65% busy; "
    "set `utilization` on the inference workload to change it (1: busy around the clock, as a batch job)",
    range=UNIT_FRACTION)
colocation_price = Assumption(
    "colocation_price", 184.06 / (1e3 * 2628000.0), "USD/W/s",
    "wholesale colocation asking rent, $184.06 per kW per month for a 250-500 kW requirement, average of North "
    "American primary markets, H2 2024 [P]: CBRE, North America Data Center Trends H2 2024 (2025-02-26); "
    "quoted for N+1 / Tier III space, energy metered on top")
discount_rate = Assumption(
    "discount_rate", 0.0, "1/s",
    "cost of capital per year [U]: 0 by default (straight-line depreciation only); set "
    "`discount_rate` in a finance block to annualize capex with a capital-recovery factor", shown="1/yr")
