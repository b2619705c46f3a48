"""A large estate for the scale benchmarks: S sites, each with H distinct halls (each `extends` one base hall,
with its own rack system and row count), ~10 rows of `racks_per_row` racks, three workloads a site (a 405B
training run, a 70B chat service, a DeepSeek-R1 offline batch) and the books. 3 sites x 12 halls is ~13,000
racks (~940,000 GPUs); the spec's size grows with S x H, its rack count with `racks_per_row` (a count, not a loop).

    python3 bench/estate.py SITES HALLS > estate.factory
"""
import sys
# a site's books, the flagship's (bench/scale_halls.py writes them too)
BOOKS = ["  finance books {",
         "    depreciation_it = 5 yr", "    depreciation_facility = 20 yr",
         "    discount_rate = 0.08 / 1 yr", "    staff_cost = 12000000 USD / 1 yr",
         "  }"]
def gen(sites=3, halls=12, rows=10, racks=40, sweep=None):
    out = ["from systems import GB300_NVL72, GB200_NVL72, VR_NVL72",
           "from facility import Transformer_2500kVA, Rectifier_800VDC_1MW, CDU_row_2MW, CRAH_150kW, DryCooler_1MW, Chiller_AC_500ton",
           "from models import Llama3_1_405B, Llama3_1_70B, DeepSeek_R1",
           "param energy_price = 0.07 USD/kWh",
           "param gpu_utilization = 0.85",
           f"param racks_per_row = {racks}",
           "hall base_hall {",
           "  area = 12000 m^2",
           "  power_feed = 150 MW",
           f"  row pod x {rows} {{ rack nvl: GB300_NVL72 x racks_per_row }}",
           "  rectifier dc: Rectifier_800VDC_1MW x ceil(1.1 * it_power / 1 MW) + 1",
           "  cdu loop: CDU_row_2MW",
           "  crah air: CRAH_150kW",
           "}",
           ]
    rtypes = ["GB300_NVL72", "GB200_NVL72", "VR_NVL72"]
    for s in range(sites):
        for h in range(halls):
            rt = rtypes[(s + h) % 3]
            out.append(f"hall hall_{s}_{h} extends base_hall {{ row pod x {rows - (h % 3)} {{ rack nvl: {rt} x racks_per_row }} }}")
    for s in range(sites):
        out += [f"site site_{s} {{",
                "  electricity_price = energy_price",
                "  ambient_temp = 35 degC",
                "  mean_ambient_temp = 12 degC",
                "  supply_temp = 40 degC",
                '  distribution = "dc800"',
                '  heat_rejection = "dry_cooler"',
                "  utilization = gpu_utilization",
                "  utility_feed = 2000 MW",
                "  transformer mv: Transformer_2500kVA x mv.units_needed"]
        for h in range(halls):
            out.append(f"  hall h{h}: hall_{s}_{h}")
        out += ["  dry_cooler plant: DryCooler_1MW",
                "  chiller trim: Chiller_AC_500ton",
                "  training big {",
                "    model = Llama3_1_405B", "    rack = GB300_NVL72",
                f"    accelerators = {rows} * racks_per_row * 72",
                "    tokens = 15.6 Ttok", '    precision = "fp8"', "    seq_len = 8192 tok", "    global_batch = 16 Mtok",
                "  }",
                "  inference chat {",
                "    model = Llama3_1_70B", "    rack = GB300_NVL72",
                f"    accelerators = {rows} * racks_per_row * 72",
                '    precision = "fp4"', '    scenario = "server"',
                "    input_tokens = 2000 tok", "    output_tokens = 400 tok", "    ttft_limit = 2 s", "    tpot_limit = 50 ms",
                "  }",
                "  inference reason {",
                "    model = DeepSeek_R1", "    rack = GB300_NVL72",
                f"    accelerators = 2 * racks_per_row * 72",
                '    precision = "fp4"', '    scenario = "offline"',
                "    input_tokens = 2000 tok", "    output_tokens = 2000 tok",
                "  }",
                ] + BOOKS + ["}"]
    return "\n".join(out) + "\n"
if __name__ == "__main__":
    s, h = int(sys.argv[1]), int(sys.argv[2])
    sys.stdout.write(gen(s, h))
