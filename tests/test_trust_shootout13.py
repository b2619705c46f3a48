"""Trust hunt, session 13 (s13-shootout, 2026-12-05): a buyer's shoot-out of whole inference stacks (GB200/GB300
NVL72, B200 HGX, MI355X, Cerebras CS-3, Groq, TPU, Trainium) on one workload and one pair of latency limits. Each
defect found with exit 0 is stated as a law (hand calculations written out), its fix in its own commit.

1. `precision = "fp8"` (or int8, fp4) on a Cerebras CS-3 ran silently: the WSE-3 gives no dense rate at any
   precision, only a sparse bf16 headline (stdlib chips.factory, `bf16_sparse`), so `_peak` computes its GEMMs at
   bf16_sparse x sparse_to_dense = 62.5 PFLOP/s with 1-byte weights. Llama 3.1 70B on 4 CS-3, 2,000 / 500 tokens,
   TTFT <= 2 s, TPOT <= 40 ms printed 17.51 ktok/s at "fp8" against 4.23 ktok/s at the published "native 16-bit"
   (cerebras.ai blog, 2024-08-27), 4.1x, with no diagnostic, where an H100 at "fp4" is flagged (s12-trust4). Law:
   a workload whose chip gives no rate at its precision is flagged, whatever rate the model falls back to.
2. A service sized by a `demand` on SRAM-only chips (no `accelerators`: "the fewest whole replicas of the layout
   found on one system that carry it") took its tokens/s per replica from the search on one system even where
   that search found no layout: one CS-3 cannot hold Llama 3.1 70B's 141 GB (44 GB of SRAM), and the infeasible
   search's leftover 89.3 tok/s gave ceil(100,000 / 89.3) = 1,120 wafers; searched again on 1,120 they hold 186
   replicas of pp 6 carrying 2.61 Mtok/s, 26x the 100 ktok/s demand (offered_share 0.038), $/Mtok 26x too high,
   exit 0. Law: a demand-sized service holds the fewest whole replicas that carry the demand, so its capacity
   less one replica's is below the demand (offered_share > 1 - 1 / replicas); where one system holds no replica
   of an SRAM-only chip the replica is found on the fewest chips whose SRAM holds the weights.
3. The MI355X and MI350X gave no `scaleup_bw` (stdlib chips.factory: "per-GPU bandwidth not found"), so a layout
   over their 8-GPU Infinity Fabric mesh priced its all-reduces at the [U] `scaleup_bw_default` of 100 GB/s (a
   figure for Groq's and Cerebras' links), a ninth of the fabric, silently: DeepSeek-R1 fp8 on 8 MI355X, 2,000 /
   1,000 tokens, TTFT <= 2 s, TPOT <= 40 ms ran at tp 4 and 336.5 tok/s a GPU against 8 B200's 799.6 at tp 8.
   Law: every stdlib chip with HBM (memory bandwidth >= 1 TB/s) gives its scale-up bandwidth; the MI350 series'
   is 7 Infinity Fabric links x 153.6 GB/s = 1,075.2 GB/s (sources in chips.factory). With it: tp 8, 721.7.
4. The Groq LPU gave no `scaleup_bw` either: its layouts (tp 32-128 over RealScale links) ran at the 100 GB/s
   per direction default where Groq's Linley Fall 2020 talk gives 16 links x 4 lanes x 30 Gb/s = 240 GB/s per
   direction (480 GB/s "total"). Llama 3.1 70B int8 on 576 LPUs, 2,000 / 500 tokens, TTFT <= 2 s, TPOT <= 40 ms:
   410.7 -> 1,802 tok/s (the prompt's tp exchanges bound the TTFT); the batch-1 claims the SRAM constants were
   fitted on hardly move (70B 274.7 -> 276.4, 7B 712.4 -> 716.3 tok/s; TTFT 70B 168 -> 73 ms).
5. `factory estimate inference --system MI355X` (or Trainium2: chips without a price) printed
   `usd_per_mtok             nan USD/Mtok`, exit 0: a NaN in the table where every other absent figure says
   "n/a" and why. Law: no figure of the estimate table prints nan; an absent one says n/a with the reason the
   diagnostic gives (here: the chip gives no `price`).
"""
from __future__ import annotations

import pytest

from compiler import evaluate_text

CS3 = """from systems import Cerebras_CS3
from models import Llama3_1_70B
site s {
  inference i {
    model = Llama3_1_70B
    system = Cerebras_CS3
    accelerators = 4
    precision = "PRECISION"
    scenario = "server"
    input_tokens = 2000 tok
    output_tokens = 500 tok
    ttft_limit = 2 s
    tpot_limit = 40 ms
  }
}
"""


def _diagnostics(text: str):
    results, sink = evaluate_text(text, "shootout13.factory")
    return results.values, sink


@pytest.mark.parametrize("precision", ["fp8", "int8", "fp4"])
def test_a_precision_a_wafer_gives_no_rate_for_is_flagged(precision: str) -> None:
    """WSE-3: no bf16, fp8, int8 or fp4 field; `bf16_sparse` 125 PFLOP/s only. Any precision but bf16 (the one
    Cerebras serves, "native 16-bit weights") is a format the chip gives no figure for: said at the precision,
    naming the chip and the rate used (62.5 PFLOP/s = 125 x sparse_to_dense 0.5)."""
    v, sink = _diagnostics(CS3.replace("PRECISION", precision))
    said = [d for d in sink.items if d.code == "model-input-missing" and precision in d.message]
    assert len(said) == 1, [d.message for d in sink.items]
    assert "WSE3" in said[0].message and "bf16_sparse" in said[0].message and "62.5" in said[0].message
    assert said[0].span.line == 8


def test_the_wafer_at_its_published_precision_is_not_flagged_for_it() -> None:
    v, sink = _diagnostics(CS3.replace("PRECISION", "bf16"))
    assert not [d for d in sink.items if d.code == "model-input-missing" and "precision" in d.message], \
        [d.message for d in sink.items]


DEMAND = """from systems import Cerebras_CS3
from models import Llama3_1_70B
site s {
  inference i {
    model = Llama3_1_70B
    system = Cerebras_CS3
    precision = "bf16"
    scenario = "server"
    input_tokens = 2000 tok
    output_tokens = 500 tok
    ttft_limit = 2 s
    tpot_limit = 40 ms
    demand = DEMAND
  }
}
"""


@pytest.mark.parametrize("demand", [100e3, 2e6])
def test_a_demand_sized_sram_service_holds_the_fewest_replicas_that_carry_it(demand: float) -> None:
    """Hand calculation: 141.1 GB of bf16 weights over 39.6 GB usable a wafer need at least 4 wafers a replica;
    the layout the search finds (pp 6, batch 130) carries ~14 ktok/s a replica, so 100 ktok/s needs ~8 replicas
    (~48 wafers), not 1,120. Law: replicas - 1 replicas carry less than the demand."""
    v, sink = _diagnostics(DEMAND.replace("DEMAND", f"{demand:.0f} tok/s"))
    assert not [d for d in sink.items if d.severity == "error"], [d.message for d in sink.items]
    reps = float(v["s.i.replicas"][0])
    capacity = float(v["s.i.tokens_per_s"][0])
    per_replica = capacity / reps
    assert capacity >= demand * (1 - 1e-9)
    assert capacity - per_replica < demand, (reps, capacity, demand)
    chips = float(v["s.i.accelerators_needed"][0])
    assert chips == reps * v["s.i.tp"][0] * v["s.i.pp"][0]
    assert v["s.i.tp"][0] * v["s.i.pp"][0] >= 4         # 141.1 GB / 39.6 GB a wafer


def test_every_hbm_chip_gives_its_scale_up_bandwidth() -> None:
    """A chip with HBM (>= 1 TB/s) is built for multi-GPU layouts: without `scaleup_bw` its tensor-parallel
    all-reduces fall back to the 100 GB/s default for SRAM chips' links, silently."""
    import pathlib
    import re
    text = pathlib.Path(__file__).resolve().parents[1].joinpath("stdlib", "chips.factory").read_text()
    missing = []
    for name, body in re.findall(r"^chip (\w+) \{(.*?)^\}", text, re.S | re.M):   # (one that extends inherits it)
        bw = re.search(r"^  memory_bw = ([\d.]+) (TB|GB)/s", body, re.M)
        if bw is None or float(bw.group(1)) * (1000 if bw.group(2) == "TB" else 1) < 1000:
            continue
        if re.search(r"^  sram_bw =", body, re.M):
            continue                      # SRAM-only chips (their memory_bw is the SRAM's)
        if not re.search(r"^  scaleup_bw =", body, re.M):
            missing.append(name)
    assert not missing, missing


def test_the_mi350_series_fabric_is_seven_links_of_153_6() -> None:
    v, sink = _diagnostics("from chips import MI355X, MI350X\nlet a = MI355X.scaleup_bw\nlet b = MI350X.scaleup_bw\n")
    assert v["a"][0] == pytest.approx(7 * 153.6e9) and v["b"][0] == pytest.approx(7 * 153.6e9)


def test_every_multi_chip_sram_chip_gives_its_links() -> None:
    """The Groq LPU holds a large model only over hundreds of chips: its links are part of every layout. 16 links
    x 4 lanes x 30 Gb/s = 1,920 Gb/s = 240 GB/s a direction, 480 GB/s both (Linley, 2020-11-10)."""
    v, sink = _diagnostics("from chips import GroqLPU\nlet a = GroqLPU.scaleup_bw\n")
    assert v["a"][0] == pytest.approx(16 * 4 * 30e9 / 8 * 2)


def test_the_estimate_table_never_prints_nan() -> None:
    from click.testing import CliRunner

    from compiler.cli import main

    result = CliRunner().invoke(main, ["estimate", "inference", "--system", "MI355X", "--count", "8", "--model",
                                       "Llama3_1_70B", "--precision", "fp8", "--scenario", "server"])
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if line.startswith("usd_per_mtok")]
    assert len(rows) == 1, result.stdout
    assert "nan" not in result.stdout.lower(), result.stdout
    assert "n/a" in rows[0] and "price" in rows[0], rows[0]
