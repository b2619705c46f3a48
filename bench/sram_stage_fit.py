"""The fit of `sram_stage_latency` (options.py) and WSE-3's `sram_bandwidth_efficiency` (stdlib/chips.factory).

Both are fitted once, together, by least squares on log speed over the four batch-1 speeds published in 2024:
    Cerebras Llama 3.1 8B on 1 CS-3   1,800 tok/s   cerebras.ai blog 2024-08-27 [P]
    Cerebras Llama 3.1 70B on 4 CS-3    450 tok/s   same [P]
    Groq Llama 2 7B on 576 LPU          750 tok/s   techpowerup.com news citing Groq, 2024-02 [S]
    Groq Llama 2 70B on 576 LPU         300 tok/s   same [S]
Each point is a full evaluation of the services as the examples write them (examples/published/
cerebras_inference.factory: bf16, the default prompt and answer; examples/inference_shootout.factory: Groq int8,
1,000-token prompts and 500-token answers), the search choosing the layout; the stage latency is a workload `let`
and WSE-3's efficiency the workload's `let inference_bandwidth_efficiency` (which replaces the chip's on an
SRAM-only chip, inference.platform._bandwidth_efficiency); Groq keeps its 0.80 [U].

    PYTHONPATH=$PWD python3 bench/sram_stage_fit.py            # the grid, the best point, the valley, per point

Loss = sum over the four points of ln(model / published)^2.
"""
from __future__ import annotations

import itertools
import math
import sys

import numpy as np

from compiler import evaluate_text

STAGE_US = [round(0.1 * k, 2) for k in range(1, 16)]                    # 0.1 .. 1.5 us
EFFICIENCY = [round(0.050 + 0.0025 * k, 4) for k in range(13)]          # 0.050 .. 0.080
SHIPPED = (0.5, 0.06)
POINTS = {"c8": ("Cerebras Llama 3.1 8B, 1 CS-3", 1800.0), "c70": ("Cerebras Llama 3.1 70B, 4 CS-3", 450.0),
          "g7": ("Groq Llama 2 7B, 576 LPU", 750.0), "g70": ("Groq Llama 2 70B, 576 LPU", 300.0)}
LLAMA2_7B = """model Llama2_7B {
  params = 6738415616
  layers = 32
  hidden = 4096
  heads = 32
  kv_heads = 32
  ffn = 11008
  vocab = 32000
  context = 4096 tok
}
"""     # examples/inference_shootout.factory's (sources there)


def _service(name: str, model: str, system: str, n: int, precision: str, body: str) -> str:
    return (f"  inference {name} {{\n    model = {model}\n    system = {system}\n    accelerators = {n}\n"
            f"    precision = \"{precision}\"\n    scenario = \"single_stream\"\n{body}  }}\n")


def spec(efficiency: float) -> str:
    """The four services, the stage latency swept as a `param` list (one evaluation, a scenario per value)."""
    lat = "    let sram_stage_latency = stage * 1 us\n"
    wse = f"    let inference_bandwidth_efficiency = {efficiency}\n"
    groq_io = "    input_tokens = 1000 tok\n    output_tokens = 500 tok\n"
    return ("from systems import Cerebras_CS3, GroqNode\nfrom models import Llama3_1_8B, Llama3_1_70B, Llama2_70B\n"
            + LLAMA2_7B + f"param stage = {STAGE_US}\nsite s {{\n"
            + _service("c8", "Llama3_1_8B", "Cerebras_CS3", 1, "bf16", lat + wse)
            + _service("c70", "Llama3_1_70B", "Cerebras_CS3", 4, "bf16", lat + wse)
            + _service("g7", "Llama2_7B", "GroqNode", 576, "int8", lat + groq_io)
            + _service("g70", "Llama2_70B", "GroqNode", 576, "int8", lat + groq_io) + "}\n")


def speeds(efficiency: float) -> dict[str, np.ndarray]:
    """tokens/s per user of each point at every stage latency of STAGE_US."""
    results, sink = evaluate_text(spec(efficiency), "sram_stage_fit.factory")
    if results is None:
        raise SystemExit("; ".join(d.message for d in sink.items))
    return {k: np.asarray(results.values[f"s.{k}.tokens_per_s_per_user"], dtype=float).reshape(-1) for k in POINTS}


def loss(got: dict[str, np.ndarray], i: int) -> float:
    return sum(math.log(got[k][i] / pub) ** 2 for k, (_, pub) in POINTS.items())


def main() -> int:
    grid = {e: speeds(e) for e in EFFICIENCY}
    losses = {(s, e): loss(grid[e], i) for e in EFFICIENCY for i, s in enumerate(STAGE_US)}
    best = min(losses, key=lambda k: (losses[k], k))
    print("loss = sum ln(model / published)^2 over the four points; rows: stage latency (us), columns: WSE-3 e_m")
    print("stage  " + " ".join(f"{e:7.4f}" for e in EFFICIENCY))
    for s in STAGE_US:
        print(f"{s:5.2f}  " + " ".join(f"{losses[(s, e)]:7.4f}" for e in EFFICIENCY))
    print(f"\nbest: sram_stage_latency {best[0]} us, WSE-3 sram_bandwidth_efficiency {best[1]}: loss {losses[best]:.4f}")
    print(f"shipped: {SHIPPED[0]} us, {SHIPPED[1]}: loss {losses[SHIPPED]:.4f}")
    valley = sorted(k for k in losses if losses[k] <= 1.1 * losses[best])
    print(f"within 10% of the least loss: stage {min(s for s, _ in valley)}-{max(s for s, _ in valley)} us, "
          f"e_m {min(e for _, e in valley)}-{max(e for _, e in valley)} ({len(valley)} grid points)")
    for label, (s, e) in (("shipped", SHIPPED), ("best", best)):
        i = STAGE_US.index(s)
        print(f"\n{label} ({s} us, {e}):")
        for k, (name, pub) in POINTS.items():
            got = grid[e][k][i]
            print(f"  {name:34s} published {pub:7.0f}  model {got:7.1f}  {100 * (got / pub - 1):+6.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
