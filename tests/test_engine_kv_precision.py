"""The L40S engines' 16-bit KV cache and the TTFT law at the L40S's own rows (MECHANISMS "engine_kv_precision",
compiler/validate.py KV16_ENGINES; docs/accuracy.md "The L40S's 90% TTFT miss, taken apart" (s16-groups)):
measured, not applied. Hand calculations and laws:

- opt-in and keyed on the submissions whose configs quantize no KV cache: by default no row carries a
  `kv_precision`; with the mechanism Dell's XE7745 8x L40S Server and Offline and HPE's DL380a 8x L40S Server
  rows run a 16-bit KV cache, HPE's Offline row (its class not in the copy) and an H200 row do not move;
- the KV room by hand: at tp 2 an L40S engine keeps M (1 - reserve) - W = 48e9 x 0.9 - 34.49e9 = 8.71 GB a card
  for the KV cache, 17.42 GB an engine; a row holds I + O / 2 = 222.33 + 147.225 = 369.555 tokens of KV at
  L n_kv d_h 2 bytes = 80 x 8 x 128 x 2 = 163,840 B a token at fp8 (327,680 at 16 bits), so the Offline batch
  is floor(17.42e9 / (163,840 x 369.555)) = 287 rows at fp8 and floor(17.42e9 / (327,680 x 369.555)) = 143 at
  16 bits (the model's `max_batch`, the Offline batch);
- the token budget queue's TTFT (compiler/models/inference/ `_budget_ttft`) at the parts of Dell's run, as the
  model has them at the run's own 79 rows an engine (docs/accuracy.md, the same section), equals the law written
  out by hand, and the prompt tokens' share of it is what the runs contradict.
"""
from __future__ import annotations

import math

import numpy as np

import compiler.validate as V
from compiler.models import inference as M

HEADER = "round,benchmark,scenario,system,accelerator,num_accelerators,metric,value,unit,source\n"
_DELL = "closed/Dell/results/XE7745_L40Sx8_TRT"
_HPE = "closed/HPE/results/HPE_ProLiant_DL380a_L40S_PCIe_48GBx8_TRT_9.0"
# MLPerf Inference v5.0 rows as in reference/mlperf_calibration.csv (lines 693, 694, 698, 1043, 1048) and an H200
ROWS = (
    f'inference-v5.0,llama2-70b-99,Server,"Dell: XE7745 [XE7745_L40Sx8_TRT]",NVIDIA L40S,8,throughput,3201.13,'
    f'Tokens/s,https://github.com/mlcommons/inference_results_v5.0/tree/main/{_DELL}\n'
    f'inference-v5.0,llama2-70b-99,Server,"Dell: XE7745 [XE7745_L40Sx8_TRT]",NVIDIA L40S,8,ttft_p50,187.26,ms,'
    f'https://github.com/mlcommons/inference_results_v5.0/blob/main/{_DELL}/llama2-70b-99/Server/performance\n'
    f'inference-v5.0,llama2-70b-99,Offline,"Dell: XE7745 [XE7745_L40Sx8_TRT]",NVIDIA L40S,8,throughput,3481.53,'
    f'Tokens/s,https://github.com/mlcommons/inference_results_v5.0/tree/main/{_DELL}\n'
    f'inference-v5.0,llama2-70b-99,Server,"HPE: DL380a [HPE_ProLiant_DL380a_L40S_PCIe_48GBx8_TRT_9.0]",NVIDIA L40S,8,'
    f'throughput,3181.65,Tokens/s,https://github.com/mlcommons/inference_results_v5.0/tree/main/{_HPE}\n'
    f'inference-v5.0,llama2-70b-99,Offline,"HPE: DL380a [HPE_ProLiant_DL380a_L40S_PCIe_48GBx8_TRT_9.0]",NVIDIA L40S,8,'
    f'throughput,3655.89,Tokens/s,https://github.com/mlcommons/inference_results_v5.0/tree/main/{_HPE}\n'
    'inference-v5.0,llama2-70b-99,Server,"NVIDIA: H200 [H200-SXM-141GBx8_TRT]",NVIDIA H200-SXM-141GB,8,'
    'throughput,33071.5,Tokens/s,closed/NVIDIA/results/H200-SXM-141GBx8_TRT/llama2-70b-99/Server\n'
)


def _rows(tmp_path, on=(), evaluate=False):
    """The rows planned (or evaluated) with the applied mechanisms less `engine_kv_precision`, plus `on`."""
    path = tmp_path / f"rows{len(on)}{int(evaluate)}.csv"
    path.write_text(HEADER + (ROWS.splitlines(keepends=True)[2] if evaluate else ROWS))   # evaluated: Dell Offline
    mechanisms = V.mechanisms_with(on=on, off=() if on else ("engine_kv_precision",))
    if evaluate:
        return V.run(str(path), mechanisms=mechanisms)[0]
    rows = V.read_csv(str(path))
    for r in rows:
        V.plan(r, mechanisms)
    return rows


def test_engine_kv_precision_is_applied_and_keyed_on_the_configs(tmp_path) -> None:
    assert V.MECHANISMS["engine_kv_precision"] == ("offline", "server", "interactive")   # applied in session 16
    assert set(V.KV16_ENGINES.values()) == {"bf16"}
    base, kv16 = _rows(tmp_path), _rows(tmp_path, ("engine_kv_precision",))
    expected = (True, True, True, True, False, False)   # Dell Server x2, Dell Offline, HPE Server; HPE Offline, H200
    for b, k, sixteen in zip(base, kv16, expected):
        assert "kv_precision" not in b.fields
        assert k.fields.get("kv_precision") == ("bf16" if sixteen else None)
        if not sixteen:
            assert k.fields == b.fields and k.lets == b.lets


def test_sixteen_bit_kv_halves_the_l40s_offline_batch_by_hand(tmp_path) -> None:
    I, O = 222.33, 294.45                     # the benchmark's mean prompt and output (validate SERVING)
    free = 2 * (48e9 * (1 - 0.10) - 34.49e9)  # an engine of 2 cards: memory less reserve less weights a card
    fp8_token = 80 * 8 * 128 * 2 * 1          # layers x kv heads x head dim x (K, V) x 1 byte
    assert fp8_token == 163_840
    by_hand = {1: math.floor(free / (fp8_token * (I + O / 2))), 2: math.floor(free / (2 * fp8_token * (I + O / 2)))}
    assert by_hand == {1: 287, 2: 143}
    offline = {}
    for on, bytes_ in (((), 1), (("engine_kv_precision",), 2)):
        rows = _rows(tmp_path, on, evaluate=True)
        offline[bytes_] = rows[0]
        assert rows[0].data["scenario"] == "Offline" and rows[0].extra["tp"] == 2.0
    assert offline[1].extra["batch"] == by_hand[1] and offline[2].extra["batch"] == by_hand[2]
    assert 0 < offline[2].predicted < offline[1].predicted   # fewer rows over the same weight read: fewer tok/s


def test_the_token_budget_ttft_at_the_l40s_rows_by_hand() -> None:
    # the model's parts at Dell's own 79 rows an engine (tp 2; docs/accuracy.md, the s16-groups section): the rest
    # of the step in flight plus the first-token delay, the decode-only step, a prompt token's time, the room, the
    # mean prompt, the mean step over a full one, the longest prompt; rho the prompt queue's utilization
    base, t_decode, kappa, room, I, share, I_max = 0.1002, 0.08077, 0.4772e-3, 1954.0, 222.33, 0.108, 1021.0
    rho, cv = 0.283, 0.7714
    parts = tuple(np.array([v]) for v in (base, t_decode, kappa, room, I, share, I_max, 0.0, 0.0))
    c = (1 + cv ** 2) / 2                                  # 0.7975
    w = rho * c / (1 - rho)                                # 0.3148: E[A] = I w tokens ahead
    others = 0.5 * rho * room * share                      # 29.9 tokens of the prompts that share its last step
    for q, expected in ((0.50, 0.2919), (0.99, 0.8514)):
        X = I * (1 + w) * math.log(1 / (1 - q))            # 202.6 tokens at p50, 1,345.9 at p99
        X = min(X, I * w * math.log(1 / (1 - q)) + I_max)  # a prompt is at most I_max tokens: binds at p99
        steps = max(1.0, X / room + 0.5)                   # 1 at p50 (the room holds it), 1.0 at p99
        law = base + steps * t_decode + (X + others) * kappa
        got = float(M._budget_ttft(parts, np.array([0.1151]), np.array([rho]), np.array([cv]), q)[0])
        assert math.isclose(got, law, rel_tol=1e-12) and math.isclose(got, expected, abs_tol=5e-4)
    # the prompt tokens' time is the largest part of the p50 (111 of 292 ms); at the runs' own prompt token time
    # (0.23 ms, no first-token delay, a decode step of 85 ms: the section's arithmetic) the same law gives 183 ms
    # at p50 where Dell measured 187.26
    X50 = I * (1 + w) * math.log(2)
    assert (X50 + others) * kappa > max(base, t_decode)
    kappa_run, rho_run = 0.23e-3, rho * 0.23e-3 / kappa   # the queue's service scales with the prompt's time
    rest = 0.5 * 0.099 * 1.1                               # half the measured 99 ms mean step, length-biased
    run = tuple(np.array([v]) for v in (rest, 0.085, kappa_run, room, I, share, I_max, 0.0, 0.0))
    got = float(M._budget_ttft(run, np.array([0.1151]), np.array([rho_run]), np.array([cv]), 0.50)[0])
    assert abs(got / 0.18726 - 1) < 0.05
