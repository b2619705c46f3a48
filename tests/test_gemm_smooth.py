"""One smooth GEMM law of the step's rows (`let gemm_smooth_power`, compiler/models/inference/; docs/accuracy.md
"One smooth GEMM law of the step's rows", s25-gemm): the law's limits, its exponent from the H100 measurement (reference/h100_microbench.md) by
bench/gemm_smooth_fit.py, the decode step's GEMM leg by hand, and the validate mechanism on the GH100 rows only."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from compiler import validate as V
from compiler.models import inference as M
from test_inference import E_H100, run, spec, workload   # tests/ is on the path

ROOT = Path(__file__).resolve().parents[1]


def test_the_law_between_its_limits() -> None:
    """t = (t_c^p + t_w^p)^(1/p): p <= 0 is max(t_c, t_w) exactly; at the ridge (t_c = t_w) 2^(1/p) t_w; far from it
    the larger leg; homogeneous of degree 1 (the sum over a layer's GEMMs of one M is the law of their sums); never
    below the larger leg, never above their sum (p >= 1)."""
    c = np.array([0.0, 1.0, 3.0, 19.0, 1e4])
    w = np.array([19.16, 19.16, 19.16, 19.16, 19.16])
    assert np.array_equal(M.gemm_smooth_time(c, w, 0.0), np.maximum(c, w))
    assert float(M.gemm_smooth_time(5.0, 5.0, 2.7)) == pytest.approx(5.0 * 2 ** (1 / 2.7), rel=1e-12)
    t = M.gemm_smooth_time(c, w, 2.7)
    assert np.all(t >= np.maximum(c, w)) and np.all(t <= c + w + 1e-12)
    assert t[0] == pytest.approx(19.16, rel=1e-12) and t[-1] == pytest.approx(1e4, rel=1e-6)
    assert np.allclose(M.gemm_smooth_time(3 * c, 3 * w, 2.7), 3 * t, rtol=1e-12)


def test_the_exponent_is_the_h100_measurement_fit() -> None:
    """GEMM_SMOOTH_POWER is bench/gemm_smooth_fit.py's answer on reference/h100_microbench.md's 4,096 x 14,336
    columns (9 bf16 rows, 3 fp8), rounded to 0.05: 2.695 -> 2.7."""
    from bench import gemm_smooth_fit as F
    tab = F.table()
    assert sorted(tab["bf16"]) == [1, 8, 32, 64, 128, 256, 512, 1024, 4096] and sorted(tab["fp8"]) == [64, 256, 4096]
    assert round(F.fit(tab) * 20) / 20 == V.GEMM_SMOOTH_POWER == 2.7


def _step(prompt: str, lets: dict) -> dict[str, float]:
    base = dict(model="Llama2_70B", system="DGX_H200", accelerators=1, precision='"fp8"', tp=1, pp=1, batch=82,
                input_tokens=prompt, output_tokens="1000 tok", **lets)
    v = run(spec(workload("w", **base), imports="from systems import DGX_H200\nfrom models import Llama2_70B\n"))
    return {k: v[f"s.w.{k}"][0] for k in ("tpot", "detail.decode_gemm_time", "detail.decode_weights_time",
                                          "clock_fraction")}


def test_the_step_gemm_leg_by_hand() -> None:
    """Llama 2 70B FP8 on one H200 (tp 1, A = 68.98e9, e_c 0.77, 4.8 TB/s at e_m 0.75: the weight leg at e_m, the
    chip's own `gemm_weight_efficiency` set to 0), 82 decode rows, offline (the mean load):
        c = 2 A / (e_c P) = 90.53 us a row (no knee in rows), t_w = 68.98 GB / (4.8 TB/s x 0.75) = 19.16 ms
        1-token prompts (T = 82.08 rows, the clock 1: a weight-bound step): c T = 7.431 ms,
            leg = 19.16 (1 + 0.3878^2.7)^(1/2.7) = 19.70 ms
    and the step less its GEMM leg is the rest, the same as the knee law's at m0 = 0 (`gemm_half_rows` 0, p 0: max(c
    T, t_w) = t_w): t_iter(p) - t_iter(m0 = 0) = leg - t_w = 0.54 ms.
        500-token prompts (T = 123 rows, r = 0.5): the compute leg c T / rho (no knee), and the 41 prompt tokens
        add less than the knee law's c / rho a token (the step below its ridge)."""
    c = 2 * 68976648192 / (E_H100 * 1979e12)
    assert c == pytest.approx(90.53e-6, rel=1e-3)
    at_em = {"let gemm_weight_efficiency": 0}
    smooth = _step("1 tok", {"let gemm_smooth_power": 2.7, **at_em})
    flat = _step("1 tok", {"let gemm_half_rows": 0, "let gemm_smooth_power": 0, **at_em})
    assert smooth["clock_fraction"] == flat["clock_fraction"] == 1.0
    t_w = smooth["detail.decode_weights_time"]
    assert t_w == pytest.approx(19.16e-3, rel=1e-3)
    assert smooth["detail.decode_gemm_time"] == pytest.approx(c * 82 * 1.001, rel=1e-4)   # no knee in rows
    leg = t_w * (1 + (c * 82 * 1.001 / t_w) ** 2.7) ** (1 / 2.7)
    assert leg == pytest.approx(19.70e-3, rel=1e-3)
    assert smooth["tpot"] - flat["tpot"] == pytest.approx(leg - t_w, rel=1e-6)
    loaded = _step("500 tok", {"let gemm_smooth_power": 2.7, **at_em})
    rho = loaded["clock_fraction"]
    assert loaded["detail.decode_gemm_time"] * rho == pytest.approx(c * 82 * 1.5, rel=1e-4)
    assert 0 < loaded["tpot"] - smooth["tpot"] < 82 * 0.499 * c / rho


def test_the_weight_leg_at_the_fp8_read_without_launches() -> None:
    """With `gemm_weight_efficiency` e_w the smooth law's weight leg is read at e_w and no launch time is added
    unless `gemm_launch_time` is set: t_w = 68.98 GB / (4.8 TB/s x 0.61) = 23.56 ms, the compute leg c T as before;
    the same rows with the launches (7 us x 4 x 80 = 2.24 ms) report them on the GEMM term."""
    c = 2 * 68976648192 / (E_H100 * 1979e12)
    read = _step("1 tok", {"let gemm_smooth_power": 2.7, "let gemm_weight_efficiency": 0.61})
    assert read["detail.decode_weights_time"] == pytest.approx(23.56e-3, rel=1e-3)
    assert read["detail.decode_gemm_time"] * read["clock_fraction"] == pytest.approx(c * 82 * 1.001, rel=1e-4)
    launched = _step("1 tok", {"let gemm_smooth_power": 2.7, "let gemm_weight_efficiency": 0.61,
                               "let gemm_launch_time": "7e-6 s"})
    assert launched["detail.decode_weights_time"] == read["detail.decode_weights_time"]
    assert launched["tpot"] - read["tpot"] == pytest.approx(80 * 4 * 7e-6, rel=1e-3)


def test_off_is_the_knee_law_bit_for_bit() -> None:
    """On a GH100 chip the chip's own lets are the default (p 2.7, e_w 0.61: the same outputs as no let at all); p
    = 0 with e_w 0 (the model's defaults on every other chip) is the knee law, a different step."""
    assert _step("500 tok", {"let gemm_smooth_power": 2.7, "let gemm_weight_efficiency": 0.61}) == _step("500 tok", {})
    assert _step("500 tok", {"let gemm_smooth_power": 0, "let gemm_weight_efficiency": 0}) != _step("500 tok", {})


def test_the_mechanism_on_the_gh100_rows_only() -> None:
    """`gemm_smooth_read_hopper` (applied since 2026-12-07, docs/accuracy.md "Five mechanisms applied") gives the
    v5.0 8x H200 Interactive row `gemm_smooth_power` = GEMM_SMOOTH_POWER (a GH100 die, where
    reference/h100_microbench.md was measured) and `gemm_weight_efficiency` = GEMM_WEIGHT_EFFICIENCY, no launch
    time, a B200 row none; `--without` it gives the GH100 row the knee law (p 0, e_w 0: the chips' own lets
    overridden); `gemm_smooth_hopper` alone the smooth law at e_m (e_w 0)."""
    from test_interactive_engines import _b200_row, _interactive_row
    assert V.MECHANISMS["gemm_smooth_read_hopper"] == ("offline", "server", "interactive")
    assert V.MECHANISMS["gemm_smooth_hopper"] == ()
    read = _interactive_row(None).lets
    assert read["gemm_smooth_power"] == 2.7 and read["gemm_weight_efficiency"] == V.GEMM_WEIGHT_EFFICIENCY == 0.61
    assert "gemm_launch_time" not in read
    off = _interactive_row(V.mechanisms_with(off=("gemm_smooth_read_hopper",))).lets
    assert off["gemm_smooth_power"] == 0.0 and off["gemm_weight_efficiency"] == 0.0
    alone = _interactive_row(V.mechanisms_with(on=("gemm_smooth_hopper",), off=("gemm_smooth_read_hopper",))).lets
    assert alone["gemm_smooth_power"] == 2.7 and alone["gemm_weight_efficiency"] == 0.0
    for b200 in (_b200_row(), _b200_row("gemm_smooth_hopper")):
        assert "gemm_smooth_power" not in b200.lets and "gemm_weight_efficiency" not in b200.lets


def test_the_gh100_chips_carry_validates_law() -> None:
    """The planning default is the law validate applies: the stdlib chips of the GH100 families
    (GEMM_ROOFLINE_FAMILIES, as validate's FAMILIES name them) carry `gemm_smooth_power` GEMM_SMOOTH_POWER and
    `gemm_weight_efficiency_fp8` GEMM_WEIGHT_EFFICIENCY (inherited by H200_CTS, GH200_96GB; every GH100 row validate
    compares is fp8), no other chip either."""
    from compiler.catalogue import describe
    text = (ROOT / "stdlib" / "chips.factory").read_text(encoding="utf-8")
    found = {}
    for chip in re.findall(r"^chip (\w+)", text, flags=re.M):
        rows = {row.name: row.si for row in describe(chip).rows}
        if "gemm_smooth_power" in rows or "gemm_weight_efficiency_fp8" in rows:
            found[chip] = (rows.get("gemm_smooth_power"), rows.get("gemm_weight_efficiency_fp8"))
    gh100 = {chip for chip, family in V.FAMILIES.items() if family in V.GEMM_ROOFLINE_FAMILIES}
    assert set(found) == gh100
    assert set(found.values()) == {(V.GEMM_SMOOTH_POWER, V.GEMM_WEIGHT_EFFICIENCY)}
