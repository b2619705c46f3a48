"""`factory estimate` on a bare chip sized to a demand (s13-estimate, session 13, 2026-12-05; found by s13-shootout).

Before: a bare chip (`--system MI355X`, `--system H100_SXM`) was placed as one chip with `scaleup_size` = the
count, so (a) a model that does not fit one chip "cannot run" under a `--demand` (Llama 3.1 70B bf16 on H100_SXM:
141 GB of weights, 72 GB usable a chip; DeepSeek-R1 fp8 on MI355X: 671 GB, 259.2 GB usable), where the same chips
in their server (DGX_H100: 8) carry it; and (b) `--count 296` made the 296 chips one NVLink-like domain, where an
MI355X UBB or an HGX board is 8. Laws, each written out below: a bare chip's domain is its stdlib server's (the
server's chips, or the rack's where a switch joins them); the estimate on a server and on its bare chip agree on
the layout, chips and throughput; doubling the demand doubles the chips (within one replica: whole replicas);
a model that fits no layout at any count is an error with the reason.
"""
from __future__ import annotations

import json

from click.testing import CliRunner

from compiler.cli import main


def _estimate(*args: str) -> tuple[int, dict, str]:
    result = CliRunner().invoke(main, ["estimate", "inference", *args, "--format", "json"])
    doc = json.loads(result.stdout) if result.stdout.strip().startswith("{") else {}
    q = {k.removeprefix("estimate.workload."): v["values"][0] for k, v in doc.get("quantities", {}).items()
         if k.startswith("estimate.workload.")}
    return result.exit_code, q, result.output


def _spec(*args: str) -> str:
    result = CliRunner().invoke(main, ["estimate", "inference", *args, "--emit-spec"])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_bare_chip_that_one_chip_cannot_hold_is_sized_up_not_refused() -> None:
    """Llama 3.1 70B bf16: 70.6e9 x 2 B = 141 GB > 80 GB x 0.9 = 72 GB a chip, so no layout fits one H100; 8 H100
    (one HGX board) hold it at tp >= 2. A demand of 20 ktok/s is carried by whole replicas of that layout."""
    code, q, out = _estimate("--system", "H100_SXM", "--model", "Llama3_1_70B", "--demand", "20000")
    assert code == 0, out
    assert q["feasible"] == 1, out
    assert q["tp"] * q["pp"] >= 2
    assert q["tokens_per_s"] >= 20000, out
    # the fewest whole replicas: one replica fewer would not carry the demand
    replica = q["tp"] * q["pp"]
    assert q["tokens_per_s"] * (q["replicas"] - 1) / q["replicas"] < 20000


def test_a_bare_chip_is_split_into_domains_of_its_server() -> None:
    """296 chips of an 8-GPU board are 37 domains of 8, never one scale-up domain of 296."""
    assert "scaleup_size = 8\n" in _spec("--system", "H100_SXM", "--model", "Llama3_1_70B", "--count", "296")
    assert "scaleup_size = 8\n" in _spec("--system", "MI300X", "--model", "Llama3_1_70B", "--count", "296")
    assert "scaleup_size = 72\n" in _spec("--system", "GB200", "--model", "Llama3_1_70B", "--count", "296")
    # fewer chips than a domain: the domain is the chips there are
    assert "scaleup_size = 4\n" in _spec("--system", "H100_SXM", "--model", "Llama3_1_70B", "--count", "4")
    # an add-in card in no stdlib server has no scale-up links: a domain of 1
    assert "scaleup_size = 1\n" in _spec("--system", "H100_PCIe", "--model", "Llama3_1_8B", "--count", "16")


def test_the_server_and_its_bare_chip_agree() -> None:
    """DGX_H100 is 8 H100_SXM with one 400G NIC each (50 GB/s a chip, the scale-out default of a bare chip): the
    same layout, chip count and throughput (power and cost differ: the server's overhead and price)."""
    _, server, out1 = _estimate("--system", "DGX_H100", "--model", "Llama3_1_70B", "--demand", "20000")
    _, chip, out2 = _estimate("--system", "H100_SXM", "--model", "Llama3_1_70B", "--demand", "20000")
    for name in ("accelerators", "tp", "pp", "batch", "replicas", "tokens_per_s", "feasible"):
        assert chip[name] == server[name], (name, out1, out2)


def test_doubling_the_demand_doubles_the_chips() -> None:
    """n(D) = ceil(D / r) x k chips for a replica of k chips carrying r tok/s: n(2D) is 2 n(D), less at most one
    replica (the ceiling), and never more."""
    _, one, _ = _estimate("--system", "H100_SXM", "--model", "Llama3_1_70B", "--demand", "20000")
    _, two, _ = _estimate("--system", "H100_SXM", "--model", "Llama3_1_70B", "--demand", "40000")
    replica = one["tp"] * one["pp"]
    assert 2 * one["accelerators"] - replica <= two["accelerators"] <= 2 * one["accelerators"]


def test_a_model_that_fits_no_layout_at_any_count_is_an_error_with_the_reason() -> None:
    """Llama 3.1 405B bf16 on 4 GB cards with no scale-up links (a domain of 1, so tp 1): 811.7 GB of weights need
    ceil(811.7 / 3.6) = 226 pipeline stages, deeper than any pipeline of its 126 layers the search has (96);
    tried up to 256 cards (a card a stage at the deepest pipeline), it is an error that says why, not a figure."""
    result = CliRunner().invoke(main, ["estimate", "inference", "--system", "GTX_1650_Ti", "--model",
                                       "Llama3_1_405B", "--demand", "100"])
    assert result.exit_code != 0, result.output
    assert "cannot run" in result.output and "do not fit" in result.output, result.output
    assert "tokens_per_s " not in result.stdout or "n/a" in result.stdout.split("tokens_per_s ")[1].splitlines()[0]


def test_an_explicit_scaleup_size_sets_a_bare_chips_domain() -> None:
    """H100 NVL cards in 4-way bridge groups: `--scaleup-size 4`; refused on a server (its own domain stands)."""
    assert "scaleup_size = 4\n" in _spec("--system", "H100_NVL", "--model", "Llama3_1_70B", "--count", "16",
                                         "--scaleup-size", "4")
    result = CliRunner().invoke(main, ["estimate", "inference", "--system", "DGX_H100", "--model", "Llama3_1_70B",
                                       "--scaleup-size", "4"])
    assert result.exit_code == 2 and "bare chip" in result.output, result.output


# --- stdlib servers for chips that had none (s13-shootout's MI355X and Trainium2 runs) ---


def test_the_mi355x_and_trainium2_have_their_servers_domains() -> None:
    """MI355X: 8 on one Infinity Fabric UBB (MLPerf v5.1 8xMI355X_2xEPYC_9575F, "accelerators_per_node": 8); a
    Trn2 instance: 16 Trainium2 in a 4x4 NeuronLink-v3 torus (awsdocs-neuron trn2-arch). 296 MI355X are 37
    domains of 8."""
    assert "scaleup_size = 8\n" in _spec("--system", "MI355X", "--model", "DeepSeek_R1", "--count", "296")
    assert "scaleup_size = 16\n" in _spec("--system", "Trainium2", "--model", "Llama3_1_70B", "--count", "64")


def test_deepseek_r1_on_mi355x_is_sized_to_a_demand_and_agrees_with_its_server() -> None:
    """DeepSeek-R1 fp8: 671 GB of weights, 259.2 GB usable a chip, so one MI355X holds none; one 8-GPU UBB holds
    it. Sized to 100 ktok/s, the bare chip and its server give the same layout and chips. Both are unpriced (AMD
    publishes no price): the bare chip's $/Mtok has no value (n/a and why in the table), the server's is flagged
    by an `unpriced` warning naming the GPUs (its table mark is s13-incomplete's: eval/estimate tables)."""
    args = ("--model", "DeepSeek_R1", "--precision", "fp8", "--demand", "100000")
    code, chip, out = _estimate("--system", "MI355X", *args)
    assert code == 0 and chip["feasible"] == 1, out
    _, server, out2 = _estimate("--system", "MI355X_8GPU", *args)
    for name in ("accelerators", "tp", "pp", "replicas", "tokens_per_s"):
        assert chip[name] == server[name], (name, out, out2)
    assert chip["tokens_per_s"] >= 100000
    assert chip.get("usd_per_mtok") is None, out      # absent or null: no value
    table = CliRunner().invoke(main, ["estimate", "inference", "--system", "MI355X", *args]).stdout
    row = next(line for line in table.splitlines() if line.startswith("usd_per_mtok"))
    assert "n/a" in row and "price" in row, row
    doc = json.loads(CliRunner().invoke(main, ["estimate", "inference", "--system", "MI355X_8GPU", *args,
                                               "--format", "json"]).stdout)
    assert any(d["code"] == "unpriced" and "gpu" in d["message"] for d in doc["diagnostics"]), doc["diagnostics"]


def test_a_bare_chip_at_a_count_agrees_with_its_server_at_that_count() -> None:
    """Llama 3.1 405B bf16 on 64 MI355X, TPOT <= 15 ms: before, the 64 bare chips were one 64-GPU Infinity Fabric
    domain and a tp-32 layout met the limit (2.06 ktok/s, a domain no MI355X system has); on 8 MI355X_8GPU the
    tp-32 all-reduces ride the 400G scale-out and the fastest decode step is 22.68 ms. The bare chip must say
    what its server says, whatever that is."""
    args = ("--count", "64", "--model", "Llama3_1_405B", "--precision", "bf16", "--input-tokens", "2000",
            "--output-tokens", "500", "--ttft", "2", "--tpot", "15ms", "--scenario", "interactive")
    _, chip, out = _estimate("--system", "MI355X", *args)
    _, server, out2 = _estimate("--system", "MI355X_8GPU", *args)
    for name in ("feasible", "tp", "pp", "tokens_per_s", "tpot"):
        assert chip.get(name) == server.get(name), (name, out, out2)


def test_a_model_one_server_cannot_hold_is_sized_over_servers_and_its_bare_chip_agrees() -> None:
    """DeepSeek-R1 fp8: 671 GB of weights, 8 x 72 GB = 576 GB usable on one DGX_H100, so no layout fits one server
    (it "cannot run" before); on 2, 4, ... servers a pipeline over them fits, and the demand of 50 ktok/s is
    carried by the fewest whole replicas of it (one fewer would not carry it); the bare H100_SXM says the same."""
    args = ("--model", "DeepSeek_R1", "--demand", "50000")
    code, server, out = _estimate("--system", "DGX_H100", *args)
    assert code == 0 and server["feasible"] == 1, out
    assert server["tp"] * server["pp"] > 8
    assert server["tokens_per_s"] >= 50000 > server["tokens_per_s"] * (server["replicas"] - 1) / server["replicas"]
    _, chip, out2 = _estimate("--system", "H100_SXM", *args)
    for name in ("accelerators", "tp", "pp", "replicas", "tokens_per_s"):
        assert chip[name] == server[name], (name, out, out2)
