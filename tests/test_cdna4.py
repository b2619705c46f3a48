"""CDNA4 (AMD Instinct MI355X, MI350X) as AMD ran it in MLPerf Inference v5.1 / v6.0 (docs/accuracy.md "CDNA4 as AMD
ran it"): the chips' peaks by hand from the die's matrix rate, one die's draw at two clocks, the 1 kW power-capped
MI355X system, and AMD's vLLM scheduler settings by chip. Hand calculations and laws, not the values the stdlib sets."""
from __future__ import annotations

import csv

import numpy as np
import pytest

from compiler import validate as V
from compiler.catalogue import describe

HELDOUT = "tests/data/heldout_shape.csv"


def _field(chip: str, name: str) -> float:
    return next(float(r.si) for r in describe(chip).rows if r.name == name)


@pytest.mark.parametrize("chip, clock_hz", [("MI355X", 2.4e9), ("MI350X", 2.2e9)])
def test_cdna4_peaks_are_the_die_matrix_rate_by_hand(chip, clock_hz) -> None:
    """256 compute units x 8,192 FP8 FLOP per clock per CU x the peak clock (ROCm GPU specifications table; AMD's ISSCC
    2026 paper; Hot Chips 2025): MI355X 256 x 8,192 x 2.4e9 = 5.0332e15 FLOP/s FP8, BF16 half, MXFP4 twice; the
    MI350X is the same die at 2.2 GHz. AMD's sparse FP4 headlines halved: 20.1 PF -> 10.05, 18.45 PF -> 9.22."""
    fp8 = 256 * 8192 * clock_hz
    assert _field(chip, "fp8") == pytest.approx(fp8, rel=1e-9)
    assert _field(chip, "bf16") == pytest.approx(fp8 / 2, rel=1e-9)
    assert _field(chip, "fp4") == pytest.approx(2 * fp8, rel=1e-9)
    sparse_fp4 = {"MI355X": 20.1e15, "MI350X": 18.45e15}[chip]
    assert _field(chip, "fp4") == pytest.approx(sparse_fp4 / 2, rel=0.005)


def test_one_cdna4_die_draws_by_its_clock() -> None:
    """Law of the power model (C V^2 f, V proportional to f above the floor): the MI350X (the MI355X die at 2.2 of
    2.4 GHz) draws (2.2 / 2.4)^3 = 0.770 of the MI355X's dynamic power at its own full clock: 3,510 W -> 2,704 W.
    The MI355X's own value is the H100 fit scaled by its 1,400 W TGP, 1,755 / 700 x 1,400 = 3,510 W."""
    assert _field("MI355X", "dynamic_power") == pytest.approx(1755 / 700 * 1400, rel=1e-9)
    assert _field("MI350X", "dynamic_power") == pytest.approx(3510 * (2.2 / 2.4) ** 3, rel=1e-9)
    assert _field("MI350X", "fp8") / _field("MI355X", "fp8") == pytest.approx(2.2 / 2.4, rel=1e-9)



def test_cdna4_mxfp4_draw_is_the_clock_law_at_amds_measured_gemm() -> None:
    """The MI355X's `fp4_dynamic_power` is the clock law inverted at AMD's measured MXFP4 GEMM (rocm.blogs.amd.com
    "From Naive to Near-Peak: Building High-Performance GEMM Kernels with Gluon", 2026-05-22: a4w4 4096x4096x32768
    at 5,255 TFLOP/s, the matrix units busy 92.41% of the cycles; a8w8 BF8 4096x4096x16384 at 3,257, 99.72%), by
    hand: the MXFP4 kernel's clock 5,255e12 / (0.9241 x 256 x 16,384) = 1.356 GHz, x = 0.565 of 2.4; its traffic
    (A and B at half a byte, C in bf16) 0.100 of 8 TB/s; P_idle 0.1 x 1,400 = 140 W, b = 1,400 x 104.5 / 700 =
    209 W; on the voltage floor (x < 0.72) a = (1,400 - 140 - 209 u_m) / (x 0.72^2) = 4,231 W. The law then gives
    that clock back (not the value the stdlib sets: the law at the stdlib's value), and the BF8 kernel's clock
    1.557 GHz the TDP-scaled FP8 a within 5% (3,668 against 3,510 W: the law holds for FP8 on CDNA4 unrefitted).
    An MXFP4 MAC's energy is 4,231 / 2 / 3,668 = 0.58 of an FP8 MAC's, not the 0.5 one a at twice the rate
    assumed. The MI350X is the same die at 2.2 GHz: (2.2 / 2.4)^3 of it."""
    from compiler.models import power as P

    def clock_and_traffic(tflops, busy, flop_per_clock, k, byte_in):
        t = 2 * 4096 * 4096 * k / (tflops * 1e12)
        traffic = (2 * 4096 * k * byte_in + 4096 * 4096 * 2) / t / 8e12
        return tflops * 1e12 / (busy * 256 * flop_per_clock) / 2.4e9, traffic

    def law_a(x, u_m):
        return (1400 - 140 - 1400 * 104.5 / 700 * u_m) / (x * 0.72 ** 2)

    x4, u4 = clock_and_traffic(5255, 0.9241, 16384, 32768, 0.5)
    x8, u8 = clock_and_traffic(3257, 0.9972, 8192, 16384, 1)
    assert x4 * 2.4 == pytest.approx(1.356, abs=1e-3) and x8 * 2.4 == pytest.approx(1.557, abs=1e-3)
    assert x4 < 0.72 and x8 < 0.72 and u4 == pytest.approx(0.100, abs=1e-3)
    assert law_a(x4, u4) == pytest.approx(4231, abs=1)
    assert law_a(x8, u8) == pytest.approx(3668, abs=1) and law_a(x8, u8) / 3510 == pytest.approx(1.045, abs=1e-3)
    assert _field("MI355X", "fp4_dynamic_power") == pytest.approx(4231)
    assert _field("MI350X", "fp4_dynamic_power") == pytest.approx(4231 * (2.2 / 2.4) ** 3, rel=1e-9)

    class Chip:     # the MI355X's fields as the power model reads them
        fields = {"tdp": 1400.0, "dynamic_power": _field("MI355X", "dynamic_power"),
                  "fp4_dynamic_power": _field("MI355X", "fp4_dynamic_power")}

        def is_set(self, name):
            return name in self.fields

        has = is_set

        def get(self, name, default=None):
            value = self.fields[name] if name in self.fields else getattr(default, "value", default)
            return np.asarray([float(value)])

    assert P.sustained_clock(P.chip_power_model(Chip(), None, "fp4"), 1.0, u4)[0] == pytest.approx(x4, rel=1e-3)
    fp8 = P.sustained_clock(P.chip_power_model(Chip(), None, "fp8"), 1.0, u8)[0]
    assert fp8 * 2.4 == pytest.approx(1.557, rel=0.05)          # the FP8 law, unrefitted, within 5% of AMD's
    # MXFP4 stays the faster format at full activity: 2 x its clock over FP8's
    assert 2 * P.sustained_clock(P.chip_power_model(Chip(), None, "fp4"), 1.0, u4)[0] > fp8

def _heldout_rows(match) -> list[dict]:
    rows = list(csv.DictReader(open(HELDOUT, newline="", encoding="utf-8")))
    return [{**r, "value": r["value"] or "1"} for r in rows if match(r)]


def _run(rows: list[dict], tmp_path) -> list:
    path = tmp_path / "rows.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    out, sink = V.run(str(path))
    assert not sink.items, [d.message for d in sink.items]
    return out


def test_the_power_capped_mi355x_runs_at_its_cap(tmp_path) -> None:
    """Dell_MangoBoost's v6.0 "MI355X Power Cap 1000W" system is planned with power_cap 1,000 W (its accelerator name
    says so). Laws: a cap below the 1,400 W TGP cannot raise throughput; the capped MI355X and the MI350X (the same die
    at its own 1 kW) serve Llama 2 70B Offline at 8 GPUs within 3% of each other (their peaks differ by the 2.2 GHz
    clock ceiling, which the 1 kW budget hardly reaches under a dense FP4 step)."""
    def offline_70b(r):
        return r["round"] == "inference-v6.0" and r["benchmark"] == "llama2-70b-99" and r["scenario"] == "Offline"
    rows = _heldout_rows(lambda r: offline_70b(r) and r["num_accelerators"] == "8" and (
        "8xMI355X_2xEPYC_9965_Power_Cap_1000W" in r["system"] or "[8xMI355X_2xEPYC_9575F]" in r["system"]
        or "[Cisco_UCS_8xMI350x]" in r["system"]))
    out = _run(rows, tmp_path)
    by = {("cap" if "Power_Cap" in r.data["system"] else r.chip): r for r in out}
    assert set(by) == {"cap", "MI355X", "MI350X"}
    cap = by["cap"]
    assert cap.covered and (cap.fields["power_cap"].value, cap.fields["power_cap"].unit) == (1000.0, "W")
    assert "power_cap" not in by["MI355X"].fields
    assert cap.predicted < by["MI355X"].predicted
    assert cap.predicted == pytest.approx(by["MI350X"].predicted, rel=0.03)


def test_amds_scheduler_steps_by_chip_and_scenario(tmp_path) -> None:
    """AMD's v5.1 vLLM configs (`num_scheduler_steps`): Llama 2 70B Server 9 on MI300X and MI325X, Interactive 8 on
    MI300X and 1 on MI325X (the V1 engine), Mixtral Server 8 / 10; Offline rows carry none; v6.0 MI355X (V1, async
    scheduling) carries none; v5.0's family value (9) stays where no chip entry is given."""
    rows = _heldout_rows(lambda r: r["round"] == "inference-v5.1" and r["num_accelerators"] == "8" and (
        "[8xMI300X_2xEPYC_9575F]" in r["system"] or "8xMI325X_2xEPYC_9575F_" in r["system"])
        and r["benchmark"] in ("llama2-70b-99", "mixtral-8x7b"))
    rows += _heldout_rows(lambda r: r["round"] == "inference-v6.0" and "[8xMI355X_2xEPYC_9575F]" in r["system"]
                          and r["benchmark"] == "llama2-70b-99")
    out = _run(rows, tmp_path)
    got = {(r.data["round"][-4:], r.model, r.fields["scenario"], r.chip): r.lets.get("scheduler_steps")
           for r in out}
    assert got[("v5.1", "Llama2_70B", "server", "MI300X")] == 9
    assert got[("v5.1", "Llama2_70B", "server", "MI325X")] == 9
    assert got[("v5.1", "Llama2_70B", "interactive", "MI300X")] == 8
    assert got[("v5.1", "Llama2_70B", "interactive", "MI325X")] == 1
    assert got[("v5.1", "Mixtral_8x7B", "server", "MI300X")] == 8
    assert got[("v5.1", "Mixtral_8x7B", "server", "MI325X")] == 10
    assert all(v is None for k, v in got.items() if k[2] == "offline" or k[3] == "MI355X")
    assert V.SCHEDULER_STEPS[("inference-v5.0", "CDNA3 FP8")] == 9


def test_a_mixed_system_names_its_parts() -> None:
    """Both ways the rounds write a mixed system: "A (x32), B (x16)" (v5.1) and "A (x8) and B (x8) and C (x8)"
    (v6.0); a name of one kind has no parts."""
    assert V.mixed_parts("AMD Instinct MI300X 192GB HBM3 (x32), AMD Instinct MI325X 256GB HBM3e (x16)") == [
        ("AMD Instinct MI300X 192GB HBM3", 32), ("AMD Instinct MI325X 256GB HBM3e", 16)]
    assert [n for n, _ in V.mixed_parts("AMD Instinct MI300X 192GB HBM3 (x8) and AMD Instinct MI325X 256GB HBM3e "
                                        "(x8) and AMD Instinct MI355X 288GB HBM3e (x8)")] == [
        "AMD Instinct MI300X 192GB HBM3", "AMD Instinct MI325X 256GB HBM3e", "AMD Instinct MI355X 288GB HBM3e"]
    assert V.mixed_parts("AMD Instinct MI355X 288GB HBM3e (x87)") == []
    assert V.mixed_parts("AMD Instinct MI355X 288GB HBM3e") == []


def test_a_mixed_system_serves_the_sum_of_its_parts(tmp_path) -> None:
    """Law (a data-parallel cluster of tp-1 engines, each part at its own capacity): Dell_MangoBoost's v6.0 8x MI300X +
    8x MI325X + 8x MI355X Llama 2 70B Offline row predicts the sum of the three 8-GPU single-chip rows of the same
    round and scenario, by hand: P(8 MI300X) + P(8 MI325X) + P(8 MI355X); before, all 24 were taken as MI300X."""
    def offline(r):
        return r["round"] == "inference-v6.0" and r["benchmark"] == "llama2-70b-99" and r["scenario"] == "Offline"
    mixed = _heldout_rows(lambda r: offline(r) and " and " in r["accelerator"])
    assert len(mixed) == 1 and mixed[0]["num_accelerators"] == "24"
    singles = [{**mixed[0], "accelerator": name, "num_accelerators": "8",
                "system": f"one part {i}", "source": ""} for i, name in enumerate((
                    "AMD Instinct MI300X 192GB HBM3", "AMD Instinct MI325X 256GB HBM3e",
                    "AMD Instinct MI355X 288GB HBM3e"))]
    out = _run(mixed + singles, tmp_path)
    assert [r.chip for r in out[1:]] == ["MI300X", "MI325X", "MI355X"]
    assert out[0].predicted == pytest.approx(sum(r.predicted for r in out[1:]), rel=1e-9)
    assert out[0].predicted > 24 / 8 * out[1].predicted      # more than 24 MI300X: a third of it is MXFP4 MI355X
