"""The least-busy dispatch's share of the prompt queue's wait: the law against a discrete-event simulation (issue 11).

    PYTHONPATH=. python3 bench/least_busy_share.py [--quick]     (~60 s CPU, --quick ~15 s; fixed seeds, same table)
    PYTHONPATH=. python3 bench/least_busy_share.py --tail [--quick]   (the wait's shape and X_50 / X_99: `tails`)

A measurement aid, not the product's model. c continuous-batching engines, each a step-synchronous server: a step
takes t = t0 + kappa P (P the prompt tokens it carries, at most `room`, first come first served, a prompt's rest
first in the next step: chunked context), its decode rows leave after their output tokens' steps (gamma, mean 294.45,
cv 0.59: OpenOrca), Poisson arrivals with OpenOrca's prompts (gamma, mean 222.33, cv 0.771, at most 1,021). Two
dispatches: `own` (each request to a random engine: every engine its own Poisson stream, the model's prompt queue)
and `least` (to the engine with the fewest requests in flight, queued or decoding, ties at random: NVIDIA's v5.0
llmlib `load_balancing`, compiler/validate.py DISPATCH_WAITS "least" [P]). Measured: A, the prompt tokens queued
ahead of an arrival on its engine (the begun prompt's rest included), mean over the requests after the first 10%,
against the model's mean I w s (Pollaczek-Khinchine, w = rho (1 + cv^2) / 2 / (1 - rho): compiler/models/
inference.py _budget_ttft) at s 1 (own) and at the law's s (least); and the simulated share E[A] least / own; and the p99 of X = A + the own prompt (the tokens cleared before a first
token) against the model's (_own_prompt_tokens: Cornish-Fisher over the wait and the own prompt's gamma). Each model
figure twice: every busy step full (the default) and the busy steps at their mean length (`busy_step_length`:
the wait at rho g, g = t_busy / t_full from busy_step_fraction; the law's h then t_mean / t_busy), with the
simulated busy steps' mean length (the steps that carry prompt tokens) against the model's g.

The law (compiler/models/inference/ `least_busy_utilization`, docs/accuracy.md "The least-busy share as a law"):
the wait an arrival meets is the M/G/1's at
    rho_d = rho (1/c + (1 - 1/c) h),   h = t_mean / t_full
rho the model's prompt-queue utilization (prompt tokens arriving in a full step over the room: lam I t_full / room),
h the mean step over a full one; its mean share of the own stream's wait (rho_d / (1 - rho_d)) / (rho / (1 - rho)). Printed against the simulation over c in {1, 2, 4, 8, 16}, rho in {0.2 .. 0.8}, for
a step that carries its prompt tokens at no cost (h = 1, the dispatch's row information alone) and NVIDIA's v5.0 H200
tp 1 Interactive engine's (bench/interactive_dispatch_sim.py's knee-idle step: t0 + beta 82 rows = 26.5 ms, kappa
0.1166 ms a prompt token, room 174 tokens: a full step 46.8 ms).
"""
from __future__ import annotations

import heapq
import math
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PROMPT = (222.33, 0.771, 1021)
OUTPUT = (294.45, 0.59)
ROOM = 174                       # 256-token budget less ~82 decode rows (NVIDIA's v5.0 H200 Interactive engine)
STEPS = {"free prompts (h 1)": (0.0337, 0.0), "H200 tp 1 (kappa 0.117 ms)": (0.02650, 0.1166e-3)}


def _gamma(rng: random.Random, mean: float, cv: float) -> float:
    shape = 1.0 / (cv * cv)
    return rng.gammavariate(shape, mean / shape)


def law(c: float, rho: float, h: float) -> float:
    """The least-busy utilization rho_d (module docstring): the model's own function, so the check is of its code."""
    from compiler.models.inference import least_busy_utilization
    return float(least_busy_utilization(c, rho, h))


def _model_x99(rho: float) -> float:
    """The model's p99 of X = A + the own prompt where a prompt spans steps (`own_prompt_spread`, as validate's
    chunked Interactive rows take it) at utilization rho: compiler/models/inference/ _own_prompt_tokens, the wait
    0 with probability 1 - rho and else an exponential of mean I c / (1 - rho), the own prompt a gamma."""
    from compiler.models.inference import _own_prompt_tokens
    I, cv = PROMPT[0], PROMPT[1]
    return float(_own_prompt_tokens(I, 1.0, cv, rho, I * (1 + cv * cv) / 2 / (1 - rho), 0.99))


def simulate(policy: str, c: int, rho: float, t0: float, kappa: float, requests: int, seed: int,
             samples: bool = False) -> tuple:
    """(E[A] tokens, mean step s, full step s, X_99 tokens, busy step s) of c engines fed at the model's rho by `policy`;
    with `samples`, (every A, every X, mean step s, full step s, busy step s) over the requests after the first 10%."""
    rng = random.Random(seed)
    t_full = t0 + kappa * ROOM
    lam = rho * ROOM / (PROMPT[0] * t_full)          # requests/s an engine: lam I t_full / room = rho
    queued = [[] for _ in range(c)]                   # per engine: [tokens left] of waiting prompts, FCFS
    flight = [0] * c                                  # requests in flight (queued or decoding)
    leaving = [[] for _ in range(c)]                  # (step at which a row leaves) per engine
    step_no = [0] * c
    events = [(rng.random() * t_full, 1, e) for e in range(c)]   # engines' step ends at random phases
    t, n_arr = 0.0, 0
    heapq.heappush(events, (rng.expovariate(lam * c), 0, -1))
    ahead, counted, step_time, steps, cleared, waits = 0.0, 0, 0.0, 0, [], []
    busy_time, busy_steps = 0.0, 0                    # the steps that carry prompt tokens
    while n_arr < requests:
        now, kind, e = heapq.heappop(events)
        if kind == 0:                                 # an arrival
            n_arr += 1
            if policy == "own":
                e = rng.randrange(c)
            else:
                low = min(flight)
                e = rng.choice([j for j in range(c) if flight[j] == low])
            length = _gamma(rng, PROMPT[0], PROMPT[1])
            while length > PROMPT[2]:
                length = _gamma(rng, PROMPT[0], PROMPT[1])
            if n_arr > requests // 10:
                work = sum(q[0] for q in queued[e])
                ahead += work
                counted += 1
                cleared.append(work + max(1, int(length)))   # X = A + the own prompt: tokens before its first token
                waits.append(work)
            queued[e].append([max(1, int(length)), max(2, int(round(_gamma(rng, *OUTPUT))))])
            flight[e] += 1
            heapq.heappush(events, (now + rng.expovariate(lam * c), 0, -1))
            continue
        step_no[e] += 1                               # engine e's step ends: rows due leave, the next step starts
        while leaving[e] and leaving[e][0] <= step_no[e]:
            heapq.heappop(leaving[e])
            flight[e] -= 1
        tokens = 0
        while queued[e] and tokens < ROOM:           # prompt chunks first come first served into the room
            head = queued[e][0]
            part = min(head[0], ROOM - tokens)
            tokens += part
            head[0] -= part
            if head[0] == 0:                         # its last chunk: decodes from the next step on
                heapq.heappush(leaving[e], step_no[e] + head[1])
                queued[e].pop(0)
        dt = t0 + kappa * tokens
        if n_arr > requests // 10:
            step_time += dt
            steps += 1
            if tokens > 0:
                busy_time += dt
                busy_steps += 1
        heapq.heappush(events, (now + dt, 1, e))
    if samples:
        return waits, cleared, step_time / max(steps, 1), t_full, busy_time / max(busy_steps, 1)
    cleared.sort()
    return (ahead / max(counted, 1), step_time / max(steps, 1), t_full, cleared[int(0.99 * len(cleared))],
            busy_time / max(busy_steps, 1))


def busy(rho: float, t0: float, t_full: float) -> float:
    """The model's busy step over a full one, g = t_busy / t_full (compiler/models/inference/ busy_step_fraction,
    `busy_step_length`): s = I / room full steps a prompt, d = t(0) / t_full."""
    from compiler.models.inference import busy_step_fraction
    return float(busy_step_fraction(rho, PROMPT[0] / ROOM, t0 / t_full))


def main(quick: bool = False) -> None:
    engines = (1, 2, 8) if quick else (1, 2, 4, 8, 16)
    loads = (0.2, 0.5, 0.8) if quick else (0.2, 0.4, 0.6, 0.8)
    per_engine = 6000 if quick else 20000
    print("E[A] = the mean prompt tokens queued ahead of an arrival; model at rho (every busy step full, today) and "
          "at rho g (`busy_step_length`, g = t_busy / t_full); least: the law (rho_d) at rho, h = t_mean / t_full, "
          "and at rho g, h = t_mean / t_busy")
    print("| step | c | rho | h | t_busy / t_full: sim / model g | E[A] own: sim / model (rho) / model (rho g) | "
          "E[A] least: sim / law (rho) / law (rho g) | mean share: sim / law | X_99 own: sim / model (rho) / (rho g) | "
          "X_99 least: sim / law (rho) / (rho g) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    I, cv = PROMPT[0], PROMPT[1]

    def pk(r):                                            # the model's mean wait I w, w = rho c / (1 - rho)
        return I * r * (1 + cv ** 2) / 2 / (1 - r)

    def err(model, sim):
        return f"{model:.0f} ({model / sim - 1:+.0%})"

    for name, (t0, kappa) in STEPS.items():
        for c in engines:
            for rho in loads:
                own, t_mean, t_full, x_own, t_busy = simulate("own", c, rho, t0, kappa, per_engine * c, seed=1)
                least, _, _, x_least, _ = simulate("least", c, rho, t0, kappa, per_engine * c, seed=1)
                h = min(t_mean / t_full, 1.0)
                g = busy(rho, t0, t_full)
                rho_d = law(c, rho, h)
                rho_dg = law(c, rho * g, min(h / g, 1.0))
                print(f"| {name} | {c} | {rho:.1f} | {h:.3f} | {t_busy / t_full:.3f} / {g:.3f} | "
                      f"{own:.0f} / {err(pk(rho), own)} / {err(pk(rho * g), own)} | "
                      f"{least:.0f} / {err(pk(rho_d), least)} / {err(pk(rho_dg), least)} | "
                      f"{least / own:.3f} / {pk(rho_dg) / pk(rho * g):.3f} | "
                      f"{x_own:.0f} / {err(_model_x99(rho), x_own)} / {err(_model_x99(rho * g), x_own)} | "
                      f"{x_least:.0f} / {err(_model_x99(rho_d), x_least)} / {err(_model_x99(rho_dg), x_least)} |",
                      flush=True)


def _quantile(sorted_xs: list, p: float) -> float:
    return sorted_xs[min(len(sorted_xs) - 1, int(p * len(sorted_xs)))]


def _tail_law(rho: float, q: float) -> tuple:
    """(alpha, 1 / eta, X_q) of `dispatch_wait_tail` at utilization rho: compiler/models/inference/ least_busy_tail
    (the M/G/1 wait's Cramer-Lundberg tail in tokens) and _prompt_plus_wait_quantile (the own prompt plus it)."""
    from compiler.models.inference import least_busy_tail, _prompt_plus_wait_quantile
    I, cv = PROMPT[0], PROMPT[1]
    alpha, theta = least_busy_tail(I, cv, rho)
    x = _prompt_plus_wait_quantile([I], [cv], [float(alpha)], [float(theta)], q)
    return float(alpha), float(theta), float(x[0])


def tails(quick: bool = False) -> None:
    """The wait's shape behind each dispatch at NVIDIA's H200 tp 1 engine (`--tail`; docs/accuracy.md "The
    least-busy wait's tail", s19-tail): P(A > 0), the conditional mean E[A | A > 0], the tail's scale theta (the
    slope of ln P(A > x) between A's p95 and p99, (A_99 - A_95) / ln 5: an exponential tail's scale whatever its
    atom), each against the model's: today's exponential at the mean beyond an atom of rho (the utilization the
    arrival meets, rho_d for least-busy: chance rho_d, scale m = I (1 + cv^2) / 2 / (1 - rho_d)), and the
    Cramer-Lundberg tail (least_busy_tail: chance alpha, scale 1 / eta); then X_50 / X_99 of X = A + the own
    prompt, simulated against today's (_own_prompt_tokens, Cornish-Fisher) and the tail law's (convolution)."""
    engines = (1, 2, 8) if quick else (1, 2, 4, 8, 16)
    loads = (0.2, 0.5, 0.8) if quick else (0.2, 0.4, 0.6, 0.8)
    per_engine = 6000 if quick else 20000
    I, cv = PROMPT[0], PROMPT[1]
    t0, kappa = STEPS["H200 tp 1 (kappa 0.117 ms)"]
    print("H200 tp 1 step; model at the arrival's utilization r (own: rho; least: the law's rho_d at the simulated h)")
    print("| c | rho | dispatch | r | P(A>0): sim / r / alpha | E[A given A>0]: sim / m | tail scale: sim / m / "
          "1/eta | X_50: sim / today / tail law | X_99: sim / today / tail law |")
    print("|---|---|---|---|---|---|---|---|---|")
    for c in engines:
        for rho in loads:
            for policy in ("own", "least"):
                if policy == "least" and c == 1:
                    continue                              # one engine: the dispatch has no choice
                waits, xs, t_mean, t_full, _ = simulate(policy, c, rho, t0, kappa, per_engine * c, seed=1,
                                                        samples=True)
                waits.sort()
                xs.sort()
                positive = [a for a in waits if a > 0]
                h = min(t_mean / t_full, 1.0)
                r = law(c, rho, h) if policy == "least" else rho
                m = I * (1 + cv * cv) / 2 / (1 - r)
                scale = (_quantile(waits, 0.99) - _quantile(waits, 0.95)) / math.log(5.0)
                alpha, theta, x99 = _tail_law(r, 0.99)
                x50 = _tail_law(r, 0.50)[2]

                def err(model, sim):
                    return f"{model:.0f} ({model / sim - 1:+.0%})"

                print(f"| {c} | {rho:.1f} | {policy} | {r:.3f} | {len(positive) / len(waits):.3f} / {r:.3f} / "
                      f"{alpha:.3f} | {sum(positive) / max(len(positive), 1):.0f} / {m:.0f} | "
                      f"{scale:.0f} / {m:.0f} / {theta:.0f} | "
                      f"{_quantile(xs, 0.5):.0f} / {err(_model_x(r, 0.50), _quantile(xs, 0.5))} / "
                      f"{err(x50, _quantile(xs, 0.5))} | "
                      f"{_quantile(xs, 0.99):.0f} / {err(_model_x(r, 0.99), _quantile(xs, 0.99))} / "
                      f"{err(x99, _quantile(xs, 0.99))} |", flush=True)


def _model_x(rho: float, q: float) -> float:
    """_model_x99 at any quantile q: today's X_q (Cornish-Fisher over the own prompt and the exponential wait)."""
    from compiler.models.inference import _own_prompt_tokens
    I, cv = PROMPT[0], PROMPT[1]
    return float(_own_prompt_tokens(I, 1.0, cv, rho, I * (1 + cv * cv) / 2 / (1 - rho), q))


if __name__ == "__main__":
    if "--tail" in sys.argv:
        tails(quick="--quick" in sys.argv)
    else:
        main(quick="--quick" in sys.argv)
