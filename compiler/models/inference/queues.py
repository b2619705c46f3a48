"""The serving latency laws: the step mixture, the TPOT tail, the first-token (prompt queue) law, the least-busy
dispatch laws, the prefill pool, and the one root solver of a load's rows (little_rows).

Part of the inference model (compiler/models/inference/__init__.py holds its formulas and assumptions).
"""
from __future__ import annotations

import math
import functools
import numpy as np

from .. import output


def _busy_window_latency(on, weight, b, r, I, O, cv, output_cv, z, averaging, step, t_mean, tpot, terms, t_decode,
                         t_full, room) -> tuple:
    """(TPOT mean, TPOT p99, its terms) at b rows where `on` (`prompt_busy_window` 1 or 2, pp 1, no drafts, one
    beam), else (t_mean, tpot, terms) as given: busy_window_tpot at the serving step mixture's own figures, blended
    with today's (t_mean, _tpot_tail's p99) by `weight` w in [0, 1] (1: the law alone; `prompt_busy_window` 1 gives
    w = clip(I / room - 1, 0, 1): the law where a mean prompt fills two steps' room or more, today's where it fits
    one step, linear between; 2 gives w = 1 on every row). Its kappa is the
    mixture's slope over its mean prompt load, (t_mean - t_decode) / (b r) (the step linear in its prompt tokens
    between a decode-only and a loaded step), the rate lam = b / (O t_mean) a replica (Little's law), the quantile
    q = P(N(0, 1) <= z). The rows in flight keep _tpot_tail's Poisson spread (a = t(b + s_b) - t(b), s_b =
    row_averaging sqrt(b)), independent of the prompts: TPOT p99 = mean + sqrt((X_q - mean)^2 + (z a)^2), X_q the
    law's quantile. The terms (`factory explain`) are _tpot_tail's design point's, scaled so they add up to it [U].
    Where the law has no stable queue (rho >= 1: no first token in finite time) or no prompt load, today's."""
    prompt = b * r
    # the law only where it is blended in (w > 0): elsewhere the result is today's whatever it gives (most rows:
    # a short prompt fits one step's room), and the quantile's bisections over the outputs' grid are costly
    wanted = np.asarray(on & (weight > 0) & (prompt > 0))
    if not wanted.any():
        return t_mean, tpot, terms
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = np.where(prompt > 0, np.maximum(t_mean - t_decode, 0.0) / np.where(prompt > 0, prompt, 1.0), 0.0)
        lam = b / np.maximum(O * t_mean, 1e-300)
    q = 1.0 - _normal_tail(np.abs(z)) + 0.0 * b
    args = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (
        t_decode, t_mean, t_full, kappa, lam, I + 0.0 * b, cv + 0.0 * b, room, O + 0.0 * b, output_cv + 0.0 * b, q)))
    wanted = np.broadcast_to(wanted, args[0].shape)
    mean, quantile = np.full(args[0].shape, np.nan), np.full(args[0].shape, np.nan)
    mean[wanted], quantile[wanted] = busy_window_tpot(*(v[wanted] for v in args[:-1]), args[-1][wanted])
    s_b = averaging * np.sqrt(b)
    a = step(r * b / (b + s_b), b + s_b)[0] - t_mean
    p99 = mean + np.sqrt(np.maximum(quantile - mean, 0.0) ** 2 + (z * a) ** 2)
    use = on & (prompt > 0) & np.isfinite(p99)
    mean, p99 = weight * mean + (1 - weight) * t_mean, weight * p99 + (1 - weight) * tpot
    scale = np.where(use, p99 / np.maximum(tpot, 1e-300), 1.0)
    return (np.where(use, mean, t_mean), np.where(use, p99, tpot),
            {name: value * scale for name, value in terms.items()})


def _serial_servers(stages, room, I):
    """Servers of the prompt queue where a prompt's chunks go one micro-batch a pipeline cycle (`serial_context_
    chunks`; `stages` = pp there, else 1): a prompt longer than a micro-batch's room, room / pp, is served by one
    micro-batch at a time, so the queue is pp servers of room / pp prompt tokens a step; a shorter prompt rides
    whole in one micro-batch beside others (one server of the room, as without the switch) [P/D]."""
    return np.where((stages > 1) & (I * stages > room), stages, 1.0)


def _prompt_lumps(prompt: np.ndarray, room: np.ndarray, I: np.ndarray, stages=1.0) -> tuple[np.ndarray, np.ndarray]:
    """The prompt tokens of a loaded serving step, and the share of steps that are loaded, for `prompt` tokens a
    step on average (module docstring, "Serving step mixture"): lump = min(room, max(I, prompt)), f = prompt /
    lump (<= 1; 1 where the step's mean load is at least a whole prompt or fills the room).
    Serial chunks over c = pp servers (_serial_servers > 1): each prompt in service loads one micro-batch to its
    room / c, and a step with any micro-batch loaded costs a full one (the cycle is pp times its heaviest
    micro-batch's stage: Pipeline stages), so lump = room at the cost of a full step and f = P(a prompt in
    service); the mean prompts in service are a = c prompt / room, f = max(1 - exp(-a), prompt / room) (the
    infinite-server idle probability exp(-a) [D], at least the share a full room needs)."""
    lump = np.maximum(np.minimum(room, np.maximum(I, prompt)), 1e-9)
    f = np.clip(prompt / lump, 0.0, 1.0)
    servers = _serial_servers(stages, room, I)
    if np.all(servers == 1):
        return lump, f
    full = np.maximum(room, 1e-9)
    busy = np.clip(np.maximum(1 - np.exp(-servers * prompt / full), prompt / full), 0.0, 1.0)
    return np.where(servers > 1, full, lump), np.where(servers > 1, busy, f)


def _step_mixture(step, b, prefill_share, room, I, stages=1.0):
    """The mean serving step of b decode rows carrying b * prefill_share prompt tokens a step on average, as a
    chunked-prefill engine runs them (module docstring, "Serving step mixture"): prompt work comes in lumps, so
    the steps are of two kinds. Loaded steps carry lump = min(room, max(I, b prefill_share)) prompt tokens (the
    budget's room of a long prompt's chunks, a whole shorter prompt, or the mean where a step's arrivals exceed
    a prompt); decode-only steps carry none. The share of loaded steps keeps the prompt token rate,
    f = b prefill_share / lump, and the mean step and its terms are
        t = f t(lump) + (1 - f) t(0)
    (the terms mixed alike, so they add up to t). `step` is evaluate_configs' step(prefill_share, B) -> (t, terms);
    returns the same pair. Equal to the step at the mean load where f = 1, or where the step is linear in its
    prompt tokens (a compute-bound step: t_gemm is affine in its rows through e(m), "GEMM shape")."""
    prompt = b * prefill_share
    lump, f = _prompt_lumps(prompt, room, I, stages)
    t_load, terms_load = step(lump / b, b)
    t_idle, terms_idle = step(0.0 * prompt, b)
    terms = {name: f * terms_load[name] + (1 - f) * terms_idle[name] for name in terms_load}
    return f * t_load + (1 - f) * t_idle, terms


ADP_POISSON_EXACT = 50.0     # contexts a rank a step up to which E[max of d Poisson] is summed exactly


def adp_context_excess(contexts, ranks) -> np.ndarray:
    """E[max over d ranks of the contexts a rank starts in a step] / their mean, the contexts of a rank Poisson
    with mean lambda (`contexts`, = B r / I: a rank's rows finish and are refilled independently) [D] (module
    docstring, "Expert parallelism", ADP contexts):

        E[max] = sum_{k >= 0} (1 - F(k)^d),   F the Poisson(lambda) distribution function

    summed exactly up to lambda = 50 (k to lambda + 8 sqrt(lambda) + 8), above that its normal approximation
    lambda + z_d sqrt(lambda) (z_d = E[max of d standard normals]). lambda -> 0: (1 - (1 - lambda)^d) / lambda -> d
    (a step has at most one context, on one rank: the busiest carries it all); lambda -> inf: 1. d <= 1 or
    lambda = 0: 1."""
    lam, d = np.broadcast_arrays(np.asarray(contexts, dtype=float), np.asarray(ranks, dtype=float))
    out = np.ones_like(lam)
    active = (d > 1.5) & (lam > 0)
    if not np.any(active):
        return out
    small = active & (lam <= ADP_POISSON_EXACT)
    if np.any(small):
        l_s, d_s = lam[small], d[small]
        k_max = int(np.ceil(np.max(l_s) + 8 * np.sqrt(np.max(l_s)) + 8))
        pmf, cdf, e_max = np.exp(-l_s), np.zeros_like(l_s), np.zeros_like(l_s)
        for k in range(k_max + 1):
            cdf = cdf + pmf
            e_max = e_max + (1 - np.power(np.minimum(cdf, 1.0), d_s))
            pmf = pmf * l_s / (k + 1)
        out[small] = e_max / l_s
    large = active & (lam > ADP_POISSON_EXACT)
    if np.any(large):
        z = np.array([_normal_max(int(v)) for v in np.round(d[large])])
        out[large] = 1 + z / np.sqrt(lam[large])
    return out


def _pipeline_tokens(B: np.ndarray, prompt: np.ndarray, pp: np.ndarray, I: np.ndarray, C: np.ndarray) -> np.ndarray:
    """Tokens a step of pp pipeline stages costs: pp x those of its heaviest micro-batch (module docstring,
    "Pipeline stages"). A step's B decode rows split evenly, B / pp per micro-batch; its `prompt` tokens enter as
    whole prompts or budget chunks, unit = min(I, C) tokens (C the budget of a micro-batch's pass),
    n ~ Poisson(lambda = prompt / (pp unit)) of them in each micro-batch (requests finish and are replaced at
    independent times). The heaviest of the pp
    micro-batches carries B / pp + unit E[max of pp Poisson(lambda)] tokens, at most the budget C (a full
    budget fills every micro-batch alike) and at least the mean. pp = 1: the step's own tokens."""
    mean = (B + prompt) / pp
    unit = np.maximum(np.minimum(I, C), 1e-30)
    heaviest = B / pp + unit * _poisson_max_mean(prompt / (pp * unit), pp)
    heaviest = np.clip(heaviest, mean, np.maximum(C, mean))
    return np.where(pp > 1, pp * heaviest, B + prompt)


_POISSON_GRID = np.concatenate(([0.0], np.geomspace(1e-4, 20.0, 600)))


@functools.cache
def _poisson_max_table(n: int) -> np.ndarray:
    """E[max of n independent Poisson(lam) counts] on _POISSON_GRID: the sum over k >= 0 of 1 - F(k)^n, to k = 120
    (the terms are below 1e-15 there at lam <= 20)."""
    lam = _POISSON_GRID
    pmf = np.exp(-lam)
    cdf = pmf.copy()
    total = np.zeros_like(lam)
    for k in range(1, 121):
        total += 1 - np.power(cdf, n)
        pmf = pmf * lam / k
        cdf = np.minimum(cdf + pmf, 1.0)
    return total


@functools.cache
def _normal_max(n: int) -> float:
    """c_n = E[max of n standard normals], integrated on a grid."""
    x = np.linspace(-8.0, 8.0, 1601)
    phi = np.exp(-x * x / 2) / np.sqrt(2 * np.pi)
    return float(np.sum(x * n * phi * np.power(np.cumsum(phi) * (x[1] - x[0]), n - 1)) * (x[1] - x[0]))


def _poisson_max_mean(lam: np.ndarray, n: np.ndarray) -> np.ndarray:
    """E[max of n independent Poisson(lam) counts]: up to lam = 20 the exact sum (_poisson_max_table, read
    between 600 geometric grid points: within 1e-4 of the sum); above it the normal approximation
    lam + sqrt(lam) c_n (within 0.3% of a Monte Carlo at lam = 20-60, n = 2-8). n = 1: lam."""
    lam, n = np.broadcast_arrays(np.asarray(lam, dtype=float), np.asarray(n, dtype=float))
    out = lam.copy()
    for v in np.unique(n[n > 1]):
        here = n == v
        x = lam[here]
        out[here] = np.where(x <= 20.0, np.interp(x, _POISSON_GRID, _poisson_max_table(int(v))),
                             x + np.sqrt(x) * _normal_max(int(v)))
    return out


def _tpot_tail(step, b, r, cv, z, averaging, output_cv=0.0, output=1.0, t_mean=None, elastic=0.0, hold=0.0,
               engines=1.0, dispatch=0.0):
    """The p99 TPOT over requests at b rows in flight carrying r prompt tokens per row a step, and its step
    terms. A request's TPOT is its mean step over its life of o steps (O the mean output). Two independent
    sources spread it between requests:
      prompt tokens   arrivals are Poisson, b / O a step, each a prompt of mean I and coefficient of variation
                      cv: over O steps b arrivals, so the mean prompt tokens a step, b r, have the compound-Poisson
                      relative standard deviation sqrt((1 + cv^2) / b):  s_p = b r sqrt((1 + cv^2) / b)
      rows in flight  an M/G/infinity count, Poisson around b, averaged over the request's life:
                      s_b = row_averaging sqrt(b)  (sqrt(2/3): module assumption `row_averaging`)
    With a = t(b + s_b, b r) - t(b, b r) and c = t(b, b r + s_p) - t(b, b r), the step's standard deviation is
    S = sqrt(a^2 + c^2) (linear in each, independent), and the step reaches its 99th percentile t + z S at the
    most likely point of that level (the design point of a linear limit state): rows b + z s_b a / S and prompt
    tokens b r + z s_p c / S. The step is evaluated there, so its terms (`factory explain`) add up to the p99 TPOT.
    z = 2.326; no spread (S = 0): the mean step. Rows above the KV cache's room would wait for a slot rather than
    run (an admission queue, not modelled): where the batch is the KV cache's, the p99 step is taken as if they ran.
    In server and interactive scenarios `step` is the serving step mixture (_step_mixture): the request's prompt
    tokens set its share of loaded steps, f = prompt / lump, so the tail reads the mixture's spread.
    Output lengths (`output_length_cv` > 0): a request of o = x O steps averages over x O steps, so its spreads
    are s_p / sqrt(x) (b x arrivals) and s_b sqrt(g(x) / g(1)), g the variance share of an M/G/infinity count
    averaged over x service times (autocorrelation 1 - tau for fixed lives [D]): g(x) = 1 - x / 3 (x <= 1),
    1 / x - 1 / (3 x^2) (x > 1), g(1) = 2/3; S(x) = sqrt((a k_b(x))^2 + (c k_p(x))^2) (a, c taken linear [U]).
    x runs over a fixed grid of gamma quantiles (_output_grid: mean 1, cv output_cv, o >= 2 steps), and the
    p99 over requests is that of the mixture of normals N(t, S(x)): z_eff with sum_k w_k Q(z_eff S / S(x_k)) =
    Q(z) (bisection, Q the normal tail), in place of z at the same design point (the p99 is t + z_eff S). The
    mixture's tail is at least the mean life's (Q(z sqrt(v)) is convex in v = S^2 / S(x)^2, whose grid mean is
    >= 1), and output_cv 0 takes z itself (today's model, bit for bit). `t_mean`: the mean step step(r, b)[0],
    where the caller has it already.
    `elastic` > 0 (`row_count_elasticity`): the rows as a birth-death count, variance b / eps (row_elasticity);
    `hold` (`row_budget_hold`, the caller's budget_hold_slope) adds the token budget's admission slope to eps,
    eps + hold held within [ELASTICITY_FLOOR, 1] (1: the Poisson count again). hold 0: the birth-death count alone.
    `engines` k and `dispatch` (`row_dispatch_engines`, `row_dispatch`): an engine's rows are the total over k
    engines' birth-death count, divided by k, plus the engine's deviation from it (dispatch_row_share)."""
    prompt = b * r
    s_b = averaging * np.sqrt(b)
    s_p = prompt * np.sqrt((1 + cv ** 2) / b)
    if t_mean is None:
        t_mean = step(r, b)[0]
    a = step(r * b / (b + s_b), b + s_b)[0] - t_mean
    c = step((prompt + s_p) / b, b)[0] - t_mean
    elastic = np.asarray(elastic, dtype=float)
    if np.any(elastic > 0):          # `row_count_elasticity`: the birth-death count, variance b / eps
        eps = np.clip(row_elasticity(a, s_b, b, c, s_p, prompt, t_mean) + hold, ELASTICITY_FLOOR, 1.0)
        s_new = s_b * np.sqrt(dispatch_row_share(eps, engines, dispatch))
        s_b = np.where(elastic > 0, s_new, s_b)
        a = np.where(elastic > 0, step(r * b / (b + s_b), b + s_b)[0] - t_mean, a)
    S = np.sqrt(a * a + c * c)
    with np.errstate(divide="ignore", invalid="ignore"):
        u_b, u_p = (np.where(S > 0, x / np.where(S > 0, S, 1.0), 0.0) for x in (a, c))
    output_cv = np.asarray(output_cv, dtype=float)
    if np.any(output_cv > 0):
        z = np.where(output_cv > 0, _output_mixture_z(a, c, S, output_cv, output, z), z)
    rows = b + z * s_b * u_b
    return step((prompt + z * s_p * u_p) / rows, rows)


ELASTICITY_FLOOR = 0.02     # the least throughput elasticity the row count's linearization takes [U]


def dispatch_row_share(eps, engines, dispatch):
    """The variance of an engine's rows in flight over the Poisson count's, both as a request's life sees them
    (window-averaged), where a harness spreads the requests over k engines (`row_count_elasticity` 1) [D].
    Linearized, the k engines' total count relaxes at the slope eps / L of row_elasticity (L a row's life) with
    variance k b / eps, and an engine's deviation from the total's k-th at its own slope eps_d / L with variance
    (1 - 1 / k) b / eps_d (the noise of the births and deaths not shared with the total); each keeps the window
    share w(x) / w(1) of a life's average (_window_share, correlation time L / x), so
        share = (1 / k) w(eps) / (eps w(1)) + (1 - 1 / k) w(eps_d) / (eps_d w(1))
    with eps_d by the dispatch:
      0 independent queues   eps_d = eps (each engine its own birth-death count: share = w(eps) / (eps w(1)))
      1 one shared queue      eps_d = eps + (1 - eps)(1 - 1 / k): an engine pulls the queued requests once a step,
                              so its share of the arrivals goes as 1 / t(N_e), whose slope -t'/t = -(1 - eps) / b
                              (the step's share that grows with the rows, at a fixed rate) adds (1 - eps)(1 - 1 / k)
                              to the deviation's restoring slope [U: an arrival waits for the next engine's poll]
      2 the least busy engine the deviation is held within a row (eps_d -> infinity: its share 0)
    k = 1: the birth-death count alone, w(eps) / (eps w(1)) (row_count_elasticity, the model before)."""
    eps = np.asarray(eps, dtype=float)
    k = np.maximum(np.asarray(engines, dtype=float), 1.0)
    dispatch = np.asarray(dispatch, dtype=float)
    eps_d = np.where(dispatch >= 1, eps + (1.0 - eps) * (1.0 - 1.0 / k), eps)
    total = _window_share(eps) / (eps * _window_share(1.0)) / k
    deviation = (1.0 - 1.0 / k) * _window_share(eps_d) / (eps_d * _window_share(1.0))
    return total + np.where(dispatch >= 2, 0.0, deviation)


def budget_hold_slope(b, r, room, q_rows=1.0, tau=1.0):
    """The token budget's pull on the rows in flight, in units of the death slope eps / L of row_elasticity
    (`row_budget_hold`) [D]. TensorRT-LLM's scheduler fills a step with its decode rows first and gives the
    context requests the room left, room(N) = pp C - q N prompt tokens a step (microBatchScheduler.cpp,
    kFIRST_COME_FIRST_SERVED, read 2026-12 [P]; the module's "Serving step mixture"). While prompts wait (the
    budget binds) a request is admitted per I tokens of room, so the admission rate falls by q / (tau I) requests a
    step for each row more; while none waits, requests enter at the Poisson rate whatever the rows. The budget
    binds for the share rho = b r / room(b) of the steps (the prompt queue's utilization: an M/G/1 server is busy
    rho of the time), so the linearized birth-death count's restoring slope is eps / L + rho k q / (tau I) per
    step (L = O steps a life, k rows a request, r = I / (k O)), i.e. eps + hold with
        hold = rho q / (tau r),  rho = min(1, b r / room)
    (Llama 2 70B, r = I / O ~ 2.4 prompt tokens a row a step: hold ~ 0.4 rho). No fitted constant. Where the budget
    is far from binding (vLLM's 40,960 tokens, an engine of whole prompts with room to spare) hold -> 0 and the
    rows drift as the birth-death count; where it binds every step the count is held to (or below) Poisson."""
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = np.clip(b * r / np.maximum(room, 1e-300), 0.0, 1.0)
        return np.where(r > 0, rho * q_rows / (tau * np.where(r > 0, r, 1.0)), 0.0)


def row_elasticity(a, s_b, b, c, s_p, prompt, t_mean):
    """eps = 1 - b t'(b) / t(b), the elasticity of a replica's throughput b / t(b) in its rows at a fixed request
    rate: the step t = f(b, P) carries P = lambda I t prompt tokens, so dt/db = f_b / (1 - f_P P / t) and eps =
    1 - e_b / (1 - e_P), e_b = b f_b / t and e_P = P f_P / t the shares of the step that grow with the rows and
    with the prompt tokens (f_b = a / s_b, f_P = c / s_p: the step's rises over s_b more rows and s_p more prompt
    tokens). A linear step t0 + k (b + P): eps = t0 / (t0 + k b). Held in [ELASTICITY_FLOOR, 1]."""
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.maximum(t_mean, 1e-300)
        e_b = np.where(s_b > 0, a / np.where(s_b > 0, s_b, 1.0), 0.0) * b / t
        e_p = np.where(s_p > 0, c / np.where(s_p > 0, s_p, 1.0), 0.0) * prompt / t
        eps = 1.0 - e_b / np.maximum(1.0 - e_p, 1e-12)
    return np.clip(eps, ELASTICITY_FLOOR, 1.0)


RUN_SECONDS = 600.0     # LoadGen's min_duration of a Server run (mlperf.conf, 600,000 ms; read 2026-12) [P]


def _ramp_deficit(step_at, b, P, life, T, h=0.01):
    """The share by which a run of T seconds started from an empty engine falls short of its steady mean step,
    at b rows in flight carrying P prompt tokens a step (life = O t, a request's life in seconds) [D].
    Births at the request rate lambda, deaths N / (O t(N)); at a fixed lambda the step carries P = lambda I t
    prompt tokens, so linearized at b the death rate has slope eps / L with eps = 1 - e_b / (1 - e_P) (e_b =
    b f_b / t, e_P = P f_P / t, f = step_at(b, P); central differences of relative size h), and the rows relax
    from 0 as N(s) = b (1 - e^(-s / tau)), tau = L / eps. The run's mean rows fall short of b by D = (tau / T)
    (1 - e^(-T / tau)); the step's rows part (1 - eps of its slope, as t grows by (1 - eps) per unit of relative
    rows at a fixed rate) by (1 - eps) D. Assumptions: the linearization holds from empty (where the death rate is
    concave in the rows, as for a step linear in them, the count fills faster far from b: D is an upper estimate),
    every request counts alike (LoadGen's mean and percentiles are per request),
    T the run's minimum duration (a longer run, e.g. the dataset at a low rate, only shrinks D)."""
    t = np.maximum(step_at(b, P), 1e-300)
    f_b = (step_at(b * (1 + h), P) - step_at(b * (1 - h), P)) / (2 * h * b)
    P_safe = np.maximum(P, 1e-12)
    f_p = np.where(P > 0, (step_at(b, P_safe * (1 + h)) - step_at(b, P_safe * (1 - h))) / (2 * h * P_safe), 0.0)
    e_b, e_p = b * f_b / t, P * f_p / t
    eps = np.clip(1.0 - e_b / np.maximum(1.0 - e_p, 1e-12), ELASTICITY_FLOOR, 1.0)
    tau = life / eps
    return (1.0 - eps) * (tau / T) * (1.0 - np.exp(-T / tau))


def _window_share(x):
    """w(x) = 2 (x - 1 + e^-x) / x^2: the variance share of an Ornstein-Uhlenbeck process of correlation time tau
    that survives its average over a window x tau (1 at x -> 0, 2 e^-1 at x = 1)."""
    x = np.asarray(x, dtype=float)
    return 2.0 * (x - 1.0 + np.exp(-x)) / (x * x)


# the probability bins of the output-length grid: finer where the short requests set the p99 over requests
_OUTPUT_BIN_EDGES = np.array([0.0, 0.001, 0.002, 0.004, 0.007, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15,
                              0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0])
OUTPUT_MIN_STEPS = 2.0          # the shortest request's decode steps [U] (TEST06 minima: 4-5 tokens)


@functools.lru_cache(maxsize=64)
def _gamma_grid(cv: float) -> tuple[np.ndarray, np.ndarray]:
    """(x_k, w_k): output lengths over their mean at the middle probability of each bin of _OUTPUT_BIN_EDGES,
    and the bins' probabilities, for a gamma distribution of mean 1 and coefficient of variation cv (shape
    1 / cv^2): the regularized lower incomplete gamma P(k, k x) (series, else Legendre's continued fraction:
    Numerical Recipes 6.2) inverted by bisection. Deterministic, computed once per cv."""
    shape = 1.0 / (cv * cv)
    log_norm = math.lgamma(shape)

    def lower(y):                     # P(shape, y)
        if y <= 0:
            return 0.0
        if y < shape + 1:
            term = total = 1.0 / shape
            for n in range(1, 1000):
                term *= y / (shape + n)
                total += term
                if term < total * 1e-15:
                    break
            return total * math.exp(-y + shape * math.log(y) - log_norm)
        b_ = y + 1 - shape                      # modified Lentz for Q(shape, y)
        D, C = 1 / b_, 1 / 1e-300
        f = D
        for n in range(1, 1000):
            an = -n * (n - shape)
            b_ += 2
            D = an * D + b_
            D = 1 / (D if abs(D) > 1e-300 else 1e-300)
            C = b_ + an / C
            C = C if abs(C) > 1e-300 else 1e-300
            delta = C * D
            f *= delta
            if abs(delta - 1) < 1e-15:
                break
        return 1.0 - f * math.exp(-y + shape * math.log(y) - log_norm)

    mids = 0.5 * (_OUTPUT_BIN_EDGES[1:] + _OUTPUT_BIN_EDGES[:-1])
    xs = []
    for p in mids:
        lo, hi = 0.0, 1.0
        while lower(hi * shape) < p:
            hi *= 2
        for _ in range(80):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if lower(mid * shape) < p else (lo, mid)
        xs.append(0.5 * (lo + hi))
    return np.array(xs), np.diff(_OUTPUT_BIN_EDGES)


def _output_grid(output_cv: np.ndarray, output: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(x, w): per row of output_cv (a column), the output-length grid over the mean, shape (rows, 1, K) with
    its weights (K,): _gamma_grid's quantiles held at OUTPUT_MIN_STEPS steps at least, scaled so the grid's
    mean is 1 (the mean output O exactly). Rows with cv 0: every request the mean (x = 1)."""
    cvs = np.broadcast_to(np.asarray(output_cv, dtype=float).reshape(-1), (np.size(output_cv),))
    weights = np.diff(_OUTPUT_BIN_EDGES)
    grid = np.ones((cvs.size, weights.size))
    for value in np.unique(cvs[cvs > 0]):
        grid[cvs == value] = _gamma_grid(float(value))[0]
    lengths = np.asarray(output, dtype=float).reshape(-1, 1) + 0.0 * grid
    grid = np.maximum(grid, OUTPUT_MIN_STEPS / np.maximum(lengths, OUTPUT_MIN_STEPS))
    grid = grid / (grid @ weights)[:, None]
    return grid[:, None, :], weights


def _normal_tail(x: np.ndarray) -> np.ndarray:
    """Q(x) = P(N(0, 1) > x) for x >= 0: erfc(x / sqrt 2) / 2 by Abramowitz and Stegun 7.1.26 (error < 1.5e-7)."""
    y = x / math.sqrt(2.0)
    t = 1.0 / (1.0 + 0.3275911 * y)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return 0.5 * poly * np.exp(-y * y)


def _output_mixture_z(a, c, S, output_cv, output, z):
    """z_eff of _tpot_tail's output-length mixture: sum_k w_k Q(z_eff / r_k) = Q(z), r_k = S(x_k) / S, by 40
    bisections on [0, z max r_k] (the left side falls with z_eff). Rows without spread (S = 0): z."""
    x, w = _output_grid(output_cv, output)
    g = lambda v: np.where(v <= 1, 1 - v / 3, 1 / v - 1 / (3 * v * v))
    k_b2, k_p2 = g(x) / (2.0 / 3.0), 1.0 / x
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.sqrt((a[..., None] ** 2 * k_b2 + c[..., None] ** 2 * k_p2)
                        / np.where(S > 0, S * S, 1.0)[..., None])
    z_col = np.broadcast_to(np.asarray(z, dtype=float), S.shape)
    target = _normal_tail(z_col)
    lo, hi = np.zeros_like(S), z_col * np.max(ratio, axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        for _ in range(40):
            mid = 0.5 * (lo + hi)
            above = (_normal_tail(mid[..., None] / ratio) @ w) > target     # above the 1% level: go higher
            lo, hi = np.where(above, mid, lo), np.where(above, hi, mid)
    return np.where(S > 0, 0.5 * (lo + hi), z_col)


def _cf_tail(y, mean, var, third) -> np.ndarray:
    """P(X > y) from X's first three cumulants: the Cornish-Fisher expansion of _cornish_fisher (skewness g clipped
    to [0, 2]) inverted, y = mean + sd (w + (w^2 - 1) g / 6) solved for w on its rising branch (w = 2 c / (1 +
    sqrt(1 + 4 a c)), a = g / 6, c = a + (y - mean) / sd: w = (y - mean) / sd at g = 0), then Q(w); sd 0: a step
    at the mean."""
    sd = np.sqrt(np.maximum(var, 0.0))
    spread = sd > 0
    safe = np.where(spread, sd, 1.0)
    g = np.clip(np.where(spread, third / safe ** 3, 0.0), 0.0, 2.0)
    d = np.clip(np.where(spread, (y - mean) / safe, 0.0), -1e6, 1e6)
    a = g / 6.0
    c = a + d
    disc = 1.0 + 4.0 * a * c
    w = np.where(disc > 0, 2.0 * c / (1.0 + np.sqrt(np.maximum(disc, 0.0))), -1.0 / np.maximum(2 * a, 1e-300))
    w = np.clip(w, -40.0, 40.0)
    tail = np.where(w >= 0, _normal_tail(np.abs(w)), 1.0 - _normal_tail(np.abs(w)))
    return np.where(spread, tail, np.where(y >= mean, 0.0, 1.0))


BUSY_WINDOW_BISECTIONS = 60     # the quantile's bisections over [the least component mean, the top one + 12 sd]


def busy_window_tpot(t_decode, t_mean, t_full, kappa, lam, I, cv, room, output, output_cv, q: float) -> tuple:
    """(LoadGen's TPOT mean over requests, its quantile q) where a request's decode steps share the engine with a
    prompt queue whose steps are longer than the decode-only ones (`prompt_busy_window` 1; docs/accuracy.md "The
    per-request TPOT as a busy period of the prompt queue", s22-tpot405) [D].
    The step of an engine is t_decode + kappa P (P the prompt tokens it carries: the serving step mixture's line,
    kappa = (t_mean - t_decode) / (b r) its slope at the mixture's mean); prompts arrive Poisson at lam requests/s
    an engine (Little's law: b / (O t_mean)), each I tokens (gamma, cv), served first come first served at `room`
    tokens a step (a prompt's time on the engine S = I t_full / room, rho = lam E[S]). A request decodes o - 1 steps
    after its first token; their time T (LoadGen's TPOT = T / (o - 1)) is
        T = (o - 1) t_decode + kappa (Q_0 - Q_T) + kappa A(T),
    Q_0 the prompt tokens waiting when its own prompt's last chunk leaves, Q_T those at its last step, A(T) the
    tokens that arrive while it decodes. T is therefore a busy period started by the work a = (o - 1) t_decode +
    kappa (Q_0 - Q_T) with jobs kappa I arriving at lam: the time a loaded step adds lets more prompts arrive,
    whose steps add more (an M/G/1 busy period, rho' = kappa lam I = 1 - t_decode / t_mean). Its cumulants, a
    compound Poisson of sub-busy periods (Takacs), with m_k = lam E[(kappa I)^k]:
        E[T] = a / (1 - rho'),  Var T = a m_2 / (1 - rho')^3,  k_3(T) = a (m_3 / (1 - rho')^4 + 3 m_2^2 / (1 - rho')^5)
    E[I^2] = I^2 (1 + cv^2), E[I^3] = I^3 (1 + cv^2) (1 + 2 cv^2) (gamma). The mean start a - (o - 1) t_decode is
    the work a departing prompt leaves over what a step sees (a decode window begins at a departure, which
    finds the queue as an arrival does, and ends at a step, which meets busy time in proportion to its steps):
        X = (1 - t_decode / t_full) (E[V_dep] - E[V] t_mean / t_full),  E[V_dep] = rho E[S] + rho E[V],
        E[V] = rho E[S] (1 + cv^2) / (2 (1 - rho))  (Pollaczek-Khinchine: the work in the queue, in time)
    (the M/G/1 queue left behind by a departure: every waiting prompt's whole work; the end's work at its
    step-stationary mean, assuming the window (o - 1) t_mean is longer than the queue's relaxation time [U]; Q_0 -
    Q_T's own spread is left out of Var T [U]). So a request of o steps has
        mean  t_mean + X / ((1 - rho') (o - 1)),  variance t_decode m_2 / ((1 - rho')^3 (o - 1)),
        third cumulant t_decode (m_3 / (1 - rho')^4 + 3 m_2^2 / (1 - rho')^5) / (o - 1)^2,
    and over the outputs' gamma grid (_output_grid: mean O, cv output_cv) LoadGen's mean is the grid's mean of the
    means, its quantile q the y with sum_k w_k P_k(TPOT > y) = 1 - q, each P_k from its three cumulants
    (_cf_tail; BUSY_WINDOW_BISECTIONS bisections). Today's compound-Poisson prompt term in _tpot_tail is this
    law's rho' -> 0 limit without the start's work and the skew: variance kappa^2 b r^2 (1 + cv^2) / ... =
    t_mean m_2 / O; this one is (1 - rho')^-2 of it, the busy period's feedback. Checked against bench/
    v41_dispatch_sim.py at the runs' inputs (bench/tpot_busy_window.py). rho >= 1 or rho' >= 1: inf."""
    t_decode, t_mean, t_full, kappa, lam, I, cv, room, output = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (t_decode, t_mean, t_full, kappa, lam, I, cv, room, output)))
    rho_p = np.clip(1.0 - t_decode / np.maximum(t_mean, 1e-300), 0.0, None)
    service = I * t_full / np.maximum(room, 1e-9)
    rho = lam * service
    stable = (rho < 1) & (rho_p < 1)
    one = np.where(stable, 1.0 - np.minimum(rho_p, 0.999999), 1.0)
    work = np.where(stable, rho * service * (1 + cv ** 2) / (2 * np.where(stable, 1 - rho, 1.0)), 0.0)
    left = rho * service + rho * work
    X = (1 - t_decode / np.maximum(t_full, 1e-300)) * np.maximum(left - work * t_mean / np.maximum(t_full, 1e-300),
                                                                 0.0)
    s = kappa * I
    m2 = lam * s ** 2 * (1 + cv ** 2)
    m3 = lam * s ** 3 * (1 + cv ** 2) * (1 + 2 * cv ** 2)
    c2 = t_decode * m2 / one ** 3
    c3 = t_decode * (m3 / one ** 4 + 3 * m2 ** 2 / one ** 5)
    x, w = _output_grid(np.reshape(np.broadcast_to(np.asarray(output_cv, dtype=float), t_mean.shape), -1),
                        np.reshape(output, -1))
    x = x.reshape(t_mean.shape + (w.size,))
    n = np.maximum(x * output[..., None] - 1.0, 1.0)              # a request's decode steps after its first token
    mean_k = t_mean[..., None] + (X / one)[..., None] / n
    var_k, third_k = c2[..., None] / n, c3[..., None] / n ** 2
    mean = mean_k @ w
    lo = np.min(mean_k, axis=-1)
    hi = np.max(mean_k + 12 * np.sqrt(var_k), axis=-1)
    for _ in range(BUSY_WINDOW_BISECTIONS):
        mid = 0.5 * (lo + hi)
        above = (_cf_tail(mid[..., None], mean_k, var_k, third_k) @ w) > 1 - q     # above the level: go higher
        lo, hi = np.where(above, mid, lo), np.where(above, hi, mid)
    return np.where(stable, mean, np.inf), np.where(stable, 0.5 * (lo + hi), np.inf)


def gemm_roofline_time(rows, k, n, weight_bytes, peak, gemm_eff, bandwidth, bw_eff, launch):
    """One weight GEMM C[m, n] = A[m, k] W[k, n] as the per-launch roofline of `gemm_launch_time` (s):
    t(m) = max(k n w / (BW e_m), t_launch + 2 k n m / (e_c P)): below its ridge the GEMM takes its weight read
    whatever its rows, above it a fixed launch time plus its FLOPs at the large-shape rate
    (reference/h100_microbench.md, 2026-11-27). The decode step sums it over a layer's n_g launches and the layers, whose
    FLOPs share one rate: the step's t_gemm with m0 = L n_g t_launch G P e_c / (2 pp A_dense) (evaluate_configs)."""
    return np.maximum(k * n * weight_bytes / (bandwidth * bw_eff), launch + 2 * k * n * rows / (gemm_eff * peak))


def gemm_smooth_time(compute, weights, power):
    """A weight GEMM's time as one smooth law of its rows (`gemm_smooth_power` p > 0): its FLOPs at the large-shape
    rate t_c = 2 K N M / (e_c P) and its weight read t_w = K N w / (BW e_m) joined as t = (t_w^p + t_c^p)^(1/p), so
    below the ridge (t_c < t_w) a row costs (t_c / t)^(p - 1) of its FLOPs' time (a prompt token rides nearly free
    beside a weight-bound step) and above it the GEMM tends to its FLOPs at e_c. p fitted once to
    reference/h100_microbench.md's 4,096 x 14,336 weight GEMMs (bench/gemm_smooth_fit.py: GEMM_SMOOTH_POWER).
    Homogeneous of degree 1, so the sum over a layer's GEMMs of one M (t_c / t_w the same M / M_ridge for each) is
    the law of their sums: the step applies it to its dense GEMMs' totals (evaluate_configs). p <= 0: max(t_c, t_w)
    (the hard roofline, the p -> inf limit)."""
    compute, weights, power = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (compute, weights, power)))
    top = np.maximum(np.maximum(compute, weights), 1e-300)
    p = np.where(power > 0, power, 1.0)
    with np.errstate(invalid="ignore", over="ignore"):
        smooth = top * ((compute / top) ** p + (weights / top) ** p) ** (1 / p)   # scaled: no overflow at large p
    return np.where(power > 0, smooth, np.maximum(compute, weights))


def _shape_eff(peak_eff: np.ndarray, rows: np.ndarray, half_rows: np.ndarray) -> np.ndarray:
    """Achieved fraction of peak FLOP/s of a GEMM with `rows` rows (tokens): e_max M / (M + M0). Tiles of
    64-128 rows leave SMs idle or half-filled below a few hundred rows (measured on an H100, see the module
    docstring); at M = 0 (no token reaches an expert) the GEMM does no work, so its efficiency is moot (1e-9
    keeps 0 / e finite)."""
    return np.maximum(peak_eff * rows / np.maximum(rows + half_rows, 1e-30), 1e-9)


def expert_tile_efficiency(peak_eff, rows) -> np.ndarray:
    """Achieved fraction of peak FLOP/s of a routed expert's GEMM of `rows` rows in TensorRT-LLM's / FlashInfer's
    TRTLLM-Gen fused MoE kernel (`let expert_gemm_tiles` 1) [P]: the kernel's CTA tile holds t tokens, t the next
    power of two of the mean rows an expert, kept within 8 and 64 (`calculate_tile_tokens_dim`: "Cap to 8-64 tokens
    per CTA tile as it's the range supported by the kernel"), and an expert's rows are padded to whole tiles:
        e = e_c m / (t ceil(m / t)),   t = min(max(2^ceil(log2 m), 8), 64)
    (m = 23: t 32, e 0.72 e_c; m = 3: t 8, 0.375 e_c; m = 100: t 64, 100 / 128 = 0.78 e_c). The rows are the mean
    of a touched expert (the kernel sizes its tile from the mean; each expert's own rows vary around it [U]).
    m = 0 does no work (1e-9 keeps 0 / e finite)."""
    m = np.maximum(np.asarray(rows, dtype=float), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        tile = np.clip(np.exp2(np.ceil(np.log2(np.maximum(m, 1.0)))), 8.0, 64.0)
    padded = tile * np.ceil(m / tile)
    return np.maximum(peak_eff * m / np.maximum(padded, 1e-30), 1e-9)


def _budget_ttft(parts, service: np.ndarray, rho: np.ndarray, cv: np.ndarray, q: float) -> np.ndarray:
    """Quantile q of the time to first token through the token budget queue. `parts` = (base, t_decode, kappa,
    room, I, share, I_max, round_rest): the rest of the step in flight, the first-token delay (`first_token_delay`
    mean steps) and the pipeline fill, a step of the decode rows
    alone, a prompt token's time, the budget's room for prompt tokens per step, the mean prompt, the mean step
    over a full one (t_iter / t_full), the longest prompt, and the further steps of a scheduling round,
    (n - 1) t_iter (`scheduler_steps` n; 0 for an engine that admits requests every step): a request arriving
    during a round waits for its end, uniformly over those steps, so quantile q waits q round_rest more. The prompt tokens to clear before a prompt's first
    token, those ahead of it and its own, X = A + I, are the sojourn of a FCFS queue of service s at utilization
    rho: Pollaczek-Khinchine mean E[X] = I (1 + w), w = rho c / (1 - rho) (E[A] = I w), c = (1 + cv^2) / 2,
    taken exponential, X_q = E[X] L_q, L_q = ln(1 / (1 - q)) (exact for M/M/1, cv = 1); a prompt is at most
    I_max tokens, so X_q <= I w L_q + I_max (binds only where I_max < I L_q: Llama 3.1 405B's 20,000-token
    engines, not Llama 2 70B's 1,024 = 4.6 I). They take N = ceil(X / room) steps, N_q = max(1, X_q / room +
    1/2), each a decode step plus its prompt tokens; the last step also carries the prompts queued behind it that
    it has room for, on average half a step's arrivals, lam I t_iter / 2 = rho room share / 2:
        TTFT_q = base + q round_rest + N_q t_decode + G(X_q + rho room share / 2)
    (inf when rho >= 1: no steady queue). G(P) is the time P prompt tokens add to the steps that clear them: the
    step's prompt-cost curve from its own chunk to a full step (_prompt_cost; `parts`' entries from the twenty-
    seventh on: the curve's PROMPT_CURVE_KNOTS + 1 knots, then the step's cost at each), kappa P where they are not
    given (the law
    before 2026-12-07: the step linear at the own chunk's secant, which charged the p99's X_q ~ 4.6 I that
    secant's per-step costs 4.6 times). Where the p50 and the p99 carry different shifts (the dispatch's, the
    delay's p99 share) or the rest of the step is at its spread, the law is read at the p50 and the p99 and every
    other q follows one distribution's shape through both (module docstring, "One law non-decreasing in q").
    `parts` may carry a ninth entry, whole (`whole_prompts`: an engine
    without chunked context): where it is 1 the step carries the whole step's arrivals, m = rho room share, at
    their normal quantile, m + z_q sqrt(m I (1 + cv^2)) (z_50 = 0, z_99 = 2.326), in place of m / 2 (its base then
    holds no first-token delay: `latencies`). Its sixteenth entry, n, is the prompt queue's servers (serial context
    chunks, module docstring: 1 without them): the own prompt counts n times and the chance to wait is
    rho^(sqrt(2 (n + 1)) - 1) (Sakasegawa), X_q = min(I (n + w_n) L_q, I w_n L_q + n I_max). Its seventeenth,
    `own_prompt_spread` (0 without it): where it is 1 and the own prompt spans more than one step (n I > room),
    I (n + w_n) L_q is replaced by the quantile of the own prompt at its spread plus the wait (_own_prompt_tokens),
    under the same cap. Its fifteenth, c (`dispatch_wait_engines`, 0 without it): the wait at rho_d
    (least_busy_utilization) in place of rho. Its sixteenth, `busy_step_length` (0 without it): the wait at
    rho g, g = t_busy / t_full (busy_step_fraction, t(0) / t_full = t_decode share / t_mean), and the law's h at
    t_mean / t_busy = share / g; the prompt tokens a step carries (rho room share) unchanged; chunked engines whose
    mean prompt spans steps only (I > room; not where whole is 1: at I / room 0.15 the wait at rho g is -68% of the
    simulated one, bench/least_busy_share.py). Its seventeenth, `dispatch_wait_tail` (0 without it): where it and c
    are > 0, X_q is the quantile of the own prompt (a gamma, n I, cv) plus the wait at its own Cramer-Lundberg tail
    at rho_d (least_busy_tail: P(A > x) = alpha e^(-eta x), alpha scaled by the chance the model takes over rho_d),
    from their convolution (_prompt_plus_wait_quantile), in place of I (n + w) L and the own prompt's spread; the
    cap I w L + n I_max as before. Where `dispatch_wait_tail` is 2, X_q is the bulk queue's in steps instead
    (least_busy_bulk, _bulk_wait_quantile: the prompts of the request's own step ahead of it, Poisson rho_d room / I
    a step, plus the backlog a step boundary carries), under the same cap. Its eighteenth, `whole_step_engines`
    (_whole_step_ttft): the whole-prompt law at q <= 0.5, and above it the budget law floored by that p50."""
    base, t_decode, kappa, room, I, share, I_max, round_rest, *rest = parts
    whole = rest[0] if rest else 0.0
    servers = rest[7] if len(rest) > 7 else 1.0
    spread = rest[8] if len(rest) > 8 else 0.0
    # the harness's dispatch (`dispatch_wait_p50` / `_p99`, seconds here): the p50's shift at every q, the p99's
    # reached above the p50 as the law's own rise is (below), not linearly in q
    shift = (rest[10] - rest[9]) if len(rest) > 10 else 0.0
    base = base + (rest[9] if len(rest) > 10 else 0.0)
    c = (1 + cv ** 2) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        # `dispatch_wait_engines` > 0: the wait at the utilization a least-busy dispatch's arrivals meet (a law)
        rho_w, h = rho, share
        if len(rest) > 15 and np.any(rest[15] > 0):   # `busy_step_length`: the busy steps at their mean length
            decode_share = t_decode * share / np.maximum(rest[1], 1e-300)        # t(0) / t_full
            g = np.where((rest[15] > 0) & (whole <= 0) & (I > room),   # checked only where a prompt spans steps
                         busy_step_fraction(rho, I / room, decode_share), 1.0)
            rho_w, h = rho * g, np.minimum(share / np.maximum(g, 1e-12), 1.0)
        if len(rest) > 14 and np.any(rest[14] > 0):
            rho_w = np.where(rest[14] > 0, least_busy_utilization(rest[14], rho_w, h), rho_w)
        busy = _waiting_chance(rho_w, servers) * (rest[13] if len(rest) > 13 else 1.0)   # `dispatch_wait_share`
        w = np.where(rho < 1, busy * c / np.maximum(1 - rho_w, 1e-12), np.inf)
    step_arrivals = rho * room * share                  # prompt tokens arriving in a mean step, lam I t_iter

    def prompt_cost(tokens):
        """G(P): the steps' time for P prompt tokens beyond their decode steps (the step's prompt-cost curve)."""
        n = PROMPT_CURVE_KNOTS + 1
        if len(rest) < 18 + 2 * n:                         # no curve given: the step linear at kappa
            return tokens * kappa
        return _prompt_cost(tokens, kappa, rest[18:18 + n], rest[18 + n:18 + 2 * n])

    def queue(qq: float) -> np.ndarray:
        """The law at quantile qq with the rest of the step in flight at its mean and the p50's shift."""
        L = math.log(1 / (1 - qq))
        law = I * (servers + w) * L
        if np.any(spread > 0):          # `own_prompt_spread`: the own prompt at its spread where it spans steps
            own = _own_prompt_tokens(I, servers, cv, busy, I * c / np.maximum(1 - np.clip(rho_w, 0.0, 1.0), 1e-12),
                                     qq)
            law = np.where((spread > 0) & (servers * I > room) & (rho < 1), own, law)
        if len(rest) > 16 and np.any((rest[16] > 0) & (rest[14] > 0)):   # `dispatch_wait_tail`: the wait's own tail
            on = np.broadcast_to((rest[16] > 0) & (rest[14] > 0) & (rho < 1), np.shape(law))
            I_b, cv_b, rho_b, busy_b, n_b = (np.broadcast_to(v, np.shape(law))[on]
                                             for v in (I, cv, rho_w, busy, servers))
            alpha, theta = least_busy_tail(I_b, cv_b, rho_b)
            # the chance to wait as the model takes it (Sakasegawa over n servers, the dispatch's share) over rho_d's
            alpha = alpha * busy_b / np.maximum(np.clip(rho_b, 0.0, 1.0), 1e-12)
            law = np.array(law, dtype=float, copy=True)
            bulk = np.broadcast_to(rest[16], np.shape(law))[on] >= 2   # 2: the bulk queue in steps (least_busy_bulk)
            values = np.empty(bulk.shape)
            tail = ~bulk                                               # 1: the own prompt and the wait's tail
            values[tail] = _prompt_plus_wait_quantile(n_b[tail] * I_b[tail], cv_b[tail], alpha[tail], theta[tail],
                                                      qq)
            if np.any(bulk):
                room_b = np.broadcast_to(room, np.shape(law))[on][bulk]
                delta, chance, theta_b = least_busy_bulk(I_b[bulk], cv_b[bulk], rho_b[bulk], room_b, theta[bulk])
                chance = chance * busy_b[bulk] / np.maximum(np.clip(rho_b[bulk], 0.0, 1.0), 1e-12)
                values[bulk] = _bulk_wait_quantile(n_b[bulk], I_b[bulk], cv_b[bulk], delta, chance, theta_b, qq)
            law[on] = values
        tokens = np.minimum(law, I * w * L + servers * I_max)
        z = _normal_quantile(qq)
        with np.errstate(invalid="ignore"):
            whole_step = step_arrivals + z * np.sqrt(step_arrivals * I * (1 + cv ** 2))
        others = np.where(whole > 0, whole_step, 0.5 * step_arrivals)
        steps = np.maximum(1.0, tokens / room + 0.5)
        if len(rest) > 11 and np.any(rest[11] > 0):    # `integer_chunk_steps`: N_q = ceil(X_q / room) whole steps
            with np.errstate(invalid="ignore"):
                steps = np.where(rest[11] > 0, np.maximum(1.0, np.ceil(tokens / room - 1e-9)), steps)
        return base + qq * round_rest + steps * t_decode + prompt_cost(tokens + others)

    at = {}

    def law_at(qq: float) -> np.ndarray:
        if qq not in at:
            at[qq] = queue(qq)
        return at[qq]

    residual = len(rest) > 12 and np.any(rest[12] > 0) and 0.0 < q < 1.0     # `step_residual_tail`
    if not residual and not np.any(shift != 0):
        chunked = law_at(q)
    else:
        def spread_at(qq: float, theta_at: float, tilt=0.0) -> np.ndarray:
            """The law at qq with the rest of the step in flight at its spread: the queue's tail scale theta the
            law's secant dS / dL over [lo, theta_at], lo = max(1 - 2 (1 - theta_at), theta_at / 2) (`tilt`: a shift's
            change over that window, added to the secant's rise)."""
            value = law_at(qq)
            if not residual:
                return value
            lo = max(1.0 - 2.0 * (1.0 - theta_at), 0.5 * theta_at)
            with np.errstate(invalid="ignore"):
                theta = (np.maximum(law_at(theta_at) - law_at(lo) + tilt, 0.0)
                         / math.log((1.0 - lo) / (1.0 - theta_at)))
            finite = np.isfinite(theta) & np.isfinite(value)      # (inf where rho >= 1 stays inf)
            excess = _residual_excess(2.0 * rest[12], np.where(finite, theta, 0.0), qq)
            return value + np.where((rest[12] > 0) & finite, excess, 0.0)

        # the two quantiles the model reports, each with its own window: the p50, and the p99 with its shift
        # (its theta read as since 2026-12-05, with the shift's 1 / 49 over [0.98, 0.99] of the linear blend
        # it had then; floored at the p50: a quantile never falls)
        p50 = spread_at(0.5, 0.5)
        p99 = np.maximum(p50, spread_at(0.99, 0.99, shift / 49.0) + shift) if q != 0.5 else None
        if q in (0.5, 0.99):
            chunked = p50 if q == 0.5 else p99
        else:
            # between and beyond them, one distribution's shape: the law with the rest at its spread at one
            # theta a row (the p99's), non-decreasing in q, scaled to pass through both
            f, f50, f99 = (spread_at(qq, 0.99) for qq in (q, 0.5, 0.99))
            with np.errstate(invalid="ignore", divide="ignore"):
                rise = f99 - f50
                scaled = p50 + (f - f50) * np.where(rise > 0, (p99 - p50) / np.where(rise > 0, rise, 1.0), 0.0)
                scaled = np.where(rise > 0, scaled, p50 + min(max((q - 0.5) / 0.49, 0.0), 1.0) * (p99 - p50))
                chunked = np.where(q < 0.5, p50 - (f50 - f), np.where(q > 0.99, p99 + (f - f99), scaled))
            chunked = np.where(np.isfinite(p50) & np.isfinite(p99), chunked, np.inf)
    if len(rest) > 17 and np.any(rest[17] > 0):   # `whole_step_engines`: the whole-prompt p50 and below
        on = (rest[17] > 0) & (whole > 0)
        lam_tokens = step_arrivals / np.maximum(rest[1], 1e-300)     # prompt tokens/s an engine, lam I
        low = min(q, 0.5)
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            # at most the service's own engines drain the one queue (its replicas x attention ranks)
            at_step = _whole_step_ttft(t_decode, kappa, room, I, cv, lam_tokens, rest[1],
                                       np.clip(rest[17], 1.0, np.maximum(rest[4], 1.0)), low)
        # (with the harness's dispatch shift at the p50 where a row carries one: `dispatch_wait_p50`)
        p50_shift = rest[9] if len(rest) > 10 else 0.0
        whole_law = np.where(rho < 1, rest[2] + low * round_rest + p50_shift + at_step, np.inf)
        # above the p50 the budget law's quantile, floored by the whole-step p50: one law non-decreasing in q
        chunked = np.where(on, whole_law if q <= 0.5 else np.maximum(chunked, whole_law), chunked)
    if len(rest) < 7:
        return chunked
    t_mean, fill, window, engines, kappa_p, t_layers = rest[1:7]
    if np.any(window > 0):
        lam_all = engines * step_arrivals / np.maximum(I * t_mean, 1e-300)   # requests/s of the whole service
        batched = _batcher_ttft(window, lam_all, t_mean, kappa_p, t_layers, I, cv, q)
        # holding requests back cannot bring a first token forward: the engine's own queue is a floor [D]
        chunked = np.where(window > 0, np.where(rho < 1, np.maximum(batched, chunked), np.inf), chunked)
    return chunked


PROMPT_CURVE_KNOTS = 4     # segments of the prompt-cost curve between the own chunk and a full step [U]


def _prompt_cost(tokens, kappa, knots, cost) -> np.ndarray:
    """G(P): the time P prompt tokens add to the steps that clear them, beyond those steps' decode rows (the prompt
    queue's cost curve, `_budget_ttft`) [D]. A step's time is not linear in its prompt tokens: where its decode rows
    alone are memory-bound (few rows, or a mixture-of-experts layer whose experts a few rows leave unread) the first
    prompt tokens pay for reading what the decode rows did not (the experts' weights) and further tokens only their
    compute; where the decode rows already read it all, the first prompt tokens hide under that read and further
    ones pay their compute. So G is the step's own curve, read at its knots (`knots` P_0..P_K, geometric from the
    own chunk P_0 = own = min(room, I) to a full step P_K = room, K = PROMPT_CURVE_KNOTS segments; `cost` G(P_k) =
    t(P_k) - t_decode, the step evaluated there, G(P_0) = kappa own: kappa is that chunk's secant), linear between:
        G(P) = kappa P                                               P <= own
             = G(P_k) + (G(P_k+1) - G(P_k)) (P - P_k) / (P_k+1 - P_k)   P_k < P <= P_k+1
             = G(room) P / room                                      P > room  (each further room a full step)
    Continuous and non-decreasing in P (the knots' costs held non-decreasing: a fuller step is no shorter). Where own
    = room (a mean prompt fills a step) or the step is linear in its prompt tokens it is kappa P, the law before
    2026-12-07. Found by the session 25 law hunt: with kappa P alone the p99 prompt (X_q = 4.6 I at cv 1) was charged
    4.6 times the own chunk's expert read, which the decode rows pay themselves at a higher load, so the p99 TTFT fell
    as the load rose (Trn2 GPT-OSS 120B; docs/accuracy.md "The prompt queue's cost curve")."""
    held = [np.maximum(cost[0], 0.0)]
    for value in cost[1:]:
        held.append(np.maximum(value, held[-1]))
    cost = held
    own, room, full = knots[0], np.maximum(knots[-1], 1e-9), cost[-1]
    value = np.where(tokens <= own, kappa * tokens, full * tokens / room)
    with np.errstate(divide="ignore", invalid="ignore"):
        for k in range(len(knots) - 1):
            lo, hi = knots[k], knots[k + 1]
            inside = (tokens > lo) & (tokens <= hi)
            share = (tokens - lo) / np.maximum(hi - lo, 1e-9)
            value = np.where(inside, cost[k] + (cost[k + 1] - cost[k]) * share, value)
    return value


def _whole_step_ttft(t_decode, kappa, room, I, cv, lam_tokens, t_mean, k, q: float) -> np.ndarray:
    """Quantile q of the time to first token of an engine without chunked context (`whole_prompts` 1) read from
    its queue (`whole_step_engines` k >= 1) [D]. TensorRT-LLM's in-flight batching without chunked context
    (microBatchScheduler.cpp: the decode rows, then whole waiting prompts first come first served up to
    `max_num_tokens`, NVIDIA's v4.1 engines [P]) takes, at each step start, every prompt waiting that fits, and a
    prompt's first token comes at the end of that step. So a request waits W for the next step boundary at which
    its queue is drained, then one step of the decode rows and the prompts of that batch:
        TTFT = W + t_decode + kappa (L_own + S + B),
    L_own its own prompt (a gamma of mean I, coefficient of variation cv), S the prompt tokens that arrived at its
    queue since the boundary before (a compound Poisson sum at lam I tokens/s an engine, k lam I where k engines
    drain one shared queue), B the tokens the budget carried over. The boundaries: each engine's steps taken
    regular at the length-biased mean step mu_b = mu + s^2 / mu (mu = t_mean; s^2 = kappa^2 lam I^2 (1 + cv^2) mu
    / (1 - a^2), a = kappa lam I, the variance of the step t_decode + kappa S whose S follows the step before)
    at independent uniform phases, so the boundary after an arrival is the first of k uniforms on [0, mu_b] and
    the one before the last: W = min U_i, the age A = mu_b - max U_i, E[W] = E[A] = mu_b / (k + 1),
    Var W = Var A = k mu_b^2 / ((k + 1)^2 (k + 2)), Cov(A, W) = -mu_b^2 / ((k + 1)^2 (k + 2)), W's third central
    moment Beta(1, k)'s (skewness 2 (k - 1) sqrt(k + 2) / ((k + 3) sqrt k)). S given the gap A + W is compound
    Poisson of mean c (A + W) / kappa, c = k a. With the step length's own spread carried on the gap's scale, the
    cumulants (law of total variance; the third from the independent parts, the gap's co-skewness left out):
        mean  = mu_b / (k + 1) + t_decode + kappa I + 2 c mu_b / (k + 1) + kappa B
        var   = ((1 + c)^2 + c^2) Var W + 2 c (1 + c) Cov(A, W) + s^2 ((1 + 2 c) / (k + 1))^2
                + kappa^2 (I^2 cv^2 + k lam I E[A + W] (1 + cv^2))
        third = ((1 + c)^3 + c^3) kappa3(W) + kappa^3 (2 I^3 cv^4 + k lam I E[A + W] I (1 + cv^2) (1 + 2 cv^2))
    and TTFT_q by Cornish-Fisher (_cornish_fisher). B: the tokens an engine's step arrivals A_s (mean lam I mu,
    variance lam I mu I (1 + cv^2) + (lam I)^2 s^2, taken normal) put beyond its room, E[(A_s - room)^+] =
    sd (phi(z) - z Q(z)), z = (room - E A_s) / sd (one step's overflow; a backlog over several steps, rho near 1,
    is left out: the law is for the engines' operating points, where z is large and B ~ 0). k = 1: W uniform over
    the length-biased step, S the arrivals of that step (the own engine's queue); k = 8 (NVIDIA's v4.1 tp 1
    systems): a boundary every mu / 8 on average, the batch of the last gap. The prompt-budget law
    (_budget_ttft) instead takes the rest of the step in flight at t_mean / 2, the own prompt with the M/G/1
    wait as an exponential at their mean I (1 + w) (its median 0.69 I (1 + w)) and the step's arrivals at their
    mean, whatever the dispatch."""
    k = np.asarray(k, dtype=float)
    a = kappa * lam_tokens
    s2 = kappa ** 2 * lam_tokens * I * (1 + cv ** 2) * t_mean / np.maximum(1 - a * a, 1e-12)
    mu_b = t_mean + s2 / np.maximum(t_mean, 1e-300)
    c = k * a
    gap = 2 * mu_b / (k + 1)                                      # E[A + W]
    var_w = k * mu_b ** 2 / ((k + 1) ** 2 * (k + 2))
    cov = -mu_b ** 2 / ((k + 1) ** 2 * (k + 2))
    third_w = 2 * (k - 1) * np.sqrt(k + 2) / ((k + 3) * np.sqrt(k)) * var_w ** 1.5
    # the budget's carry-over: one step's arrivals beyond the room, a normal's expected excess
    arr_mean = lam_tokens * t_mean
    arr_sd = np.sqrt(lam_tokens * t_mean * I * (1 + cv ** 2) + lam_tokens ** 2 * s2)
    z = np.maximum((room - arr_mean) / np.maximum(arr_sd, 1e-300), 0.0)
    carry = arr_sd * (np.exp(-0.5 * z * z) / math.sqrt(2 * math.pi) - z * _normal_tail(z))
    mean = mu_b / (k + 1) + t_decode + kappa * (I + carry) + c * gap
    var = (((1 + c) ** 2 + c ** 2) * var_w + 2 * c * (1 + c) * cov + s2 * ((1 + 2 * c) / (k + 1)) ** 2
           + kappa ** 2 * (I ** 2 * cv ** 2 + k * lam_tokens * gap * I * (1 + cv ** 2)))
    third = (((1 + c) ** 3 + c ** 3) * third_w
             + kappa ** 3 * (2 * I ** 3 * cv ** 4 + k * lam_tokens * gap * I ** 2 * (1 + cv ** 2) * (1 + 2 * cv ** 2)))
    return _cornish_fisher(mean, var, third, q)


def _residual_excess(T, theta, q: float) -> np.ndarray:
    """Quantile q of U + E, U uniform over [0, T] (the rest of the step in flight) and E exponential of scale theta
    (the prompt queue's tail about its own quantile), less T / 2 + theta ln(1 / (1 - q)) (`step_residual_tail`):
    what taking the rest at its spread adds to the quantile. The tail of U + E, p = 1 - q the target:
        P(U + E > x) = p_T e^((T - x) / theta),             x >= T,  p_T = (theta / T) (1 - e^(-T / theta))
        P(U + E > x) = (T - x + theta (1 - e^(-x / theta))) / T,   x <= T   (p_T at x = T)
    so where p_T >= p the quantile is closed, x = T + theta ln(p_T / p); else it lies below T, the root of
    x = q T + theta (1 - e^(-x / theta)), found by Newton's method from x_0 = min(q T + theta, T), right of the
    root: g(x) = x - q T - theta (1 - e^(-x / theta)) is convex and rising, and P(U + E > x) = p - g(x) / T, so
    g(T) > 0 where p_T < p; the steps fall monotonically onto the root, within rounding in 12 steps for q >= 0.01
    at any theta / T (the root is at least q T). theta -> 0: q T - T / 2; T -> 0: 0."""
    T = np.maximum(np.asarray(T, dtype=float), 0.0)
    theta = np.maximum(np.asarray(theta, dtype=float), 1e-300)
    T, theta = np.broadcast_arrays(T, theta)
    L = math.log(1.0 / (1.0 - q))
    target = 1.0 - q
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        p_T = theta / np.maximum(T, 1e-300) * -np.expm1(-T / theta)
        quantile = T + theta * np.log(np.maximum(p_T, 1e-300) / target)
        below = p_T < target
        if np.any(below):                              # below T: Newton from the root's right side
            Tb, tb = T[below], theta[below]
            x = np.minimum(q * Tb + tb, Tb)
            for _ in range(12):
                decay = np.exp(-x / tb)
                x = x - (x - q * Tb - tb * (1.0 - decay)) / np.maximum(1.0 - decay, 1e-300)
            quantile[below] = np.minimum(x, Tb)
    return np.where(T > 0, quantile - 0.5 * T - theta * L, 0.0)


def _own_prompt_tokens(I, n, cv, p, m, q: float) -> np.ndarray:
    """Quantile q of the prompt tokens cleared before a first token, X = n I_own + A (`own_prompt_spread`): the own
    prompt I_own a gamma of mean I and coefficient of variation cv, counted n times (n serial-chunk servers: n I /
    room cycles), and the work ahead A, 0 with probability 1 - p and else an exponential of mean m (the M/G/1
    wait: E[A] = p m = I w). Independent parts, so the cumulants add:
        k1 = n I + p m,   k2 = (n I cv)^2 + (2 p - p^2) m^2,   k3 = 2 (n I)^3 cv^4 + (6 p - 6 p^2 + 2 p^3) m^3
    (a gamma's third cumulant 2 k theta^3 = 2 mean^3 cv^4; the mixture's raw moments E[A^j] = j! p m^j), and X_q
    by the Cornish-Fisher expansion to the skewness term (_cornish_fisher, skewness clipped to [0, 2]) [D]."""
    mu = n * I
    k1 = mu + p * m
    k2 = (mu * cv) ** 2 + (2 * p - p * p) * m * m
    k3 = 2 * mu ** 3 * cv ** 4 + (6 * p - 6 * p * p + 2 * p ** 3) * m ** 3
    return np.maximum(_cornish_fisher(k1, k2, k3, q), 0.0)


def _cornish_fisher(mean, var, third, q: float) -> np.ndarray:
    """Quantile q of a distribution from its first three cumulants (Cornish-Fisher expansion to the skewness
    term): mean + sd (z + (z^2 - 1) g / 6), g = third / sd^3 (clipped to [0, 2]: 2 is the exponential's)."""
    sd = np.sqrt(np.maximum(var, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.clip(np.where(sd > 0, third / np.maximum(sd, 1e-300) ** 3, 0.0), 0.0, 2.0)
        # the cubic's low turn: z + (z^2 - 1) g / 6 falls for z < -3 / g, so the quantile holds its value there
        z = np.maximum(_normal_quantile(q), np.where(g > 0, -3.0 / np.maximum(g, 1e-300), -np.inf))
    return mean + sd * (z + (z * z - 1) * g / 6)


def _batcher_ttft(window, lam_all, t_mean, kappa_p, t_layers, I, cv, q: float) -> np.ndarray:
    """Quantile q of the time to first token behind a harness-side batcher (`batch_window` tau > 0, module
    docstring "Harness batcher"): TTFT = W + R + t_layers + kappa_p S, W the wait for the batch to leave (uniform
    over the period tau + 1 / (lam_all + 1 / tau): the batch leaves at the batcher's first wake-up after tau, an
    arrival or the end of its tau-long wait for one, taken as two exponential clocks), R the rest of the
    engine's step in flight (uniform over t_mean), S the prompt tokens of the batch (its own prompt and
    Poisson(lam_all period) others of gamma-distributed lengths, mean I, cv), prefilled together at
    kappa_p a token; the quantile from the sum's three cumulants (_cornish_fisher)."""
    period = window + window / (1.0 + lam_all * window)           # tau + 1 / (lam_all + 1 / tau)
    others = lam_all * period                                    # requests in the batch besides this one
    EL2, EL3 = I ** 2 * (1 + cv ** 2), I ** 3 * (1 + cv ** 2) * (1 + 2 * cv ** 2)
    mean = period / 2 + t_mean / 2 + t_layers + kappa_p * I * (1 + others)
    var = period ** 2 / 12 + t_mean ** 2 / 12 + kappa_p ** 2 * (I ** 2 * cv ** 2 + others * EL2)
    third = kappa_p ** 3 * (2 * I ** 3 * cv ** 4 + others * EL3)
    return _cornish_fisher(mean, var, third, q)


_NORMAL_QUANTILE = {0.50: 0.0, 0.99: 2.326}


def _normal_quantile(q: float) -> float:
    """z_q of the standard normal: the table's values at the two quantiles the outputs report (p50, p99: 2.326,
    the value every figure was computed with), the exact inverse (statistics.NormalDist) at any other q, so the
    TTFT law can be read at any quantile (docs/accuracy.md "The TTFT distribution, measured")."""
    if q in _NORMAL_QUANTILE:
        return _NORMAL_QUANTILE[q]
    from statistics import NormalDist
    return NormalDist().inv_cdf(q)


def busy_step_fraction(rho, steps_a_prompt, decode_share) -> np.ndarray:
    """g = t_busy / t_full, the mean length of the steps that carry prompt tokens over a full step's
    (`busy_step_length` 1; docs/accuracy.md "The busy step's mean length", s18-busystep) [D]. The prompt queue is
    served a room of tokens a step (module docstring, chunked prefill); while it has a backlog its steps are full
    (t_full), but the step that clears a busy period carries only its rest. A busy period's work W takes ceil(W /
    room) steps, W / room + 1/2 on average (the last one ends mid-way, as N_q's + 1/2) and at least one; a busy
    period opens at each arrival that finds the queue empty, a share 1 - rho of them (M/G/1: P(empty) = 1 - rho).
    So an arrival brings s = I / room full steps' tokens and (1 - rho) / 2 of a step more of busy steps, and a busy
    step carries
        u = s / max(1 - rho, s + (1 - rho) / 2)
    of a full step's prompt tokens (the max: short prompts, s < (1 - rho) / 2, share their busy period's one step).
    On the serving step mixture's line (_step_mixture: a step's length linear in its prompt tokens between t(0),
    the decode rows alone, and t(room) = t_full), the busy step's mean length is
        g = t_busy / t_full = d + u (1 - d),   d = t(0) / t_full  (`decode_share`)
    Limits: rho -> 1 or s -> infinity: u = 1, g = 1 (every busy step full: the law without it); d = 1 (prompt
    tokens cost nothing): g = 1; g lies in [d, 1] and rises with rho and s. The queue's wait is taken at rho g
    (the queue's own steps are what its arrivals accumulate over): rho g -> 0 as rho -> 0 (no prompt traffic:
    no wait). rho is the model's (lam I t_full / room), one pass (not solved for its own g). Scope: checked
    against bench/least_busy_share.py at s = 1.28 (NVIDIA's H200 tp 1 Interactive engine: g within 0.005 of the
    simulated busy steps' mean, the wait at rho g -7..+4% of the simulated own stream's at rho 0.2-0.6); at s =
    0.15 (a 1,536-token Server budget) g is still right (0.49 against 0.47) but the wait at rho g is not (-68%):
    a step that holds several prompts is a bulk server, not the M/G/1 in tokens, so `_budget_ttft` applies it
    only where I > room."""
    rho = np.clip(np.asarray(rho, dtype=float), 0.0, 1.0)
    s = np.maximum(np.asarray(steps_a_prompt, dtype=float), 1e-12)
    d = np.clip(np.asarray(decode_share, dtype=float), 0.0, 1.0)
    u = np.minimum(s / np.maximum(1.0 - rho, s + (1.0 - rho) / 2.0), 1.0)
    return d + u * (1.0 - d)


def least_busy_tail(I, cv, rho) -> tuple:
    """(alpha, 1 / eta): the tail of the prompt tokens a request waits behind, P(A > x) = alpha e^(-eta x), in the
    M/G/1 queue in tokens at utilization rho whose jobs are the prompts (gamma, mean I, coefficient of variation cv)
    (`dispatch_wait_tail`; docs/accuracy.md "The least-busy wait's tail", s19-tail) [S/D]. The model otherwise takes
    A exponential at its mean beyond its atom at 0: P(A > x) = rho e^(-x / m), m = I (1 + cv^2) / 2 / (1 - rho)
    (Pollaczek-Khinchine's mean over the chance rho). The M/G/1 wait's tail decays at eta, the positive root of the
    Cramer-Lundberg equation lam (M_S(eta) - 1) = eta (lam = rho / I the arrivals a token of service, M_S the job
    size's moment generating function, a gamma's (1 - s eta)^-k, k = 1 / cv^2, s = I / k), with constant
        alpha = (1 - rho) / (lam M_S'(eta) - 1),   M_S'(eta) = k s (1 - s eta)^-(k + 1)
    (S. Asmussen, Applied Probability and Queues, 2nd ed. 2003, XIII.5; the exponential approximation alpha
    e^(-eta x) at every x: J. Abate, G. L. Choudhury, W. Whitt, "Exponential approximations for tail probabilities
    in queues, I: waiting times", Operations Research 43 (1995) 885-901 [S]). Exact for exponential jobs (cv 1:
    eta = (1 - rho) / I, alpha = rho: the model's law); for cv < 1 the tail is thinner than the mean-matched one
    (1 / eta < m, alpha > rho; at cv 0.771: 1 / eta / m 0.88 / 0.94 / 0.98 at rho 0.2 / 0.5 / 0.8), the mean alpha
    / eta within 2% of P-K's. Behind a least-busy dispatch the queue an arrival meets is the M/G/1 at rho_d
    (least_busy_utilization), so it is taken there [D]; bench/least_busy_share.py --tail measures the simulated
    A's chance and tail scale against these. eta by bisection on (0, 1 / s) (f(eta) = lam (M_S - 1) - eta is
    convex, negative right of 0 for rho < 1, infinite at 1 / s), k at most 400 (cv >= 0.05). rho <= 0: alpha 0."""
    I = np.maximum(np.asarray(I, dtype=float), 1e-12)
    cv = np.maximum(np.asarray(cv, dtype=float), 0.05)
    rho = np.clip(np.asarray(rho, dtype=float), 0.0, 1.0 - 1e-9)
    I, cv, rho = np.broadcast_arrays(I, cv, rho)
    k = 1.0 / (cv * cv)
    s = I / k
    lam = rho / I
    lo, hi = np.zeros_like(I), 1.0 / s
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        with np.errstate(over="ignore"):
            f = lam * (np.power(1.0 - s * mid, -k) - 1.0) - mid
        below = f < 0
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    eta = 0.5 * (lo + hi)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        alpha = (1.0 - rho) / (lam * k * s * np.power(1.0 - s * eta, -(k + 1.0)) - 1.0)
        theta = 1.0 / eta
    good = (rho > 0) & np.isfinite(alpha) & (eta > 0)
    return np.where(good, np.clip(alpha, 0.0, 1.0), 0.0), np.where(good, theta, I)


def _gamma_tails(shape, y, density: bool = False) -> tuple:
    """(Q, P) = (P(G > y), P(G <= y)) of a gamma of unit scale and the given shape, by the Wilson-Hilferty cube root
    (E. B. Wilson, M. M. Hilferty, "The distribution of chi-square", PNAS 17 (1931) 684-688 [S]: (G / a)^(1/3)
    normal of mean 1 - 1 / (9 a) and variance 1 / (9 a)); each side from its own normal tail (_normal_tail, so a
    small side keeps its digits). At OpenOrca's prompt shape (a = 1 / 0.771^2 = 1.68) the upper tail probability is
    within 1.5% of the exact gamma's at P <= 0.99 (scipy, a /tmp check, not a dependency), closer at larger a.
    `density`: the density in y of that cube-root law as a third, phi(z) dz / dy, dz / dy = (y / a)^(-2/3) / sqrt(a)
    (the slope of P(G <= y); inf at y = 0)."""
    a = np.maximum(np.asarray(shape, dtype=float), 1e-9)
    y = np.maximum(np.asarray(y, dtype=float), 0.0)
    root_a = np.sqrt(a)
    r = np.cbrt(y / a)
    z = (r - 1.0 + 1.0 / (9.0 * a)) * 3.0 * root_a
    side = _normal_tail(np.abs(z))               # the smaller side's probability
    tails = (np.where(z >= 0, side, 1.0 - side), np.where(z <= 0, side, 1.0 - side))
    if not density:
        return tails
    with np.errstate(divide="ignore", over="ignore"):
        return tails + (np.exp(-0.5 * z * z) / (math.sqrt(2.0 * math.pi) * r * r * root_a),)


def least_busy_bulk(I, cv, rho, room, theta=None) -> tuple:
    """(delta, p, theta): the least-busy prompt queue as a bulk queue in steps (`dispatch_wait_tail` 2; docs/
    accuracy.md "The least-busy wait as a bulk queue in steps", s22-lbtail) [S/D]. Behind the least-busy dispatch an
    engine gets its requests as it loses rows, at its step boundaries (s18-dispatch), so each step brings a batch of
    prompts, Poisson of mean delta = rho room / I (rho the utilization the dispatch's arrivals meet, rho_d: the
    arrivals a step over the prompts a room holds; I the mean prompt), and a step takes `room` prompt tokens. The
    tokens a request finds ahead are then (i) the backlog B a step boundary carries, B' = max(B + S - room, 0)
    (Lindley's recursion, S the step's batch: a compound Poisson of gamma prompts, mean I, coefficient of variation
    cv), and (ii) the prompts of its own batch ahead of it (_bulk_wait_quantile). B's tail decays at the
    Cramer-Lundberg rate eta of E[e^(eta (S - room))] = 1, i.e. delta (M_I(eta) - 1) = eta room: the M/G/1 root at
    rho (least_busy_tail's; Kingman, "The heavy traffic approximation in the theory of queues" (1962), Asmussen,
    Applied Probability and Queues XIII.5 [S]); taken exponential beyond its atom (Abate, Choudhury, Whitt 1995's
    exponential approximation [S]), P(B > x) = p e^(-eta x), whose chance p is the recursion's own fixed point
    under that form [D]: B' > 0 iff B + S > room, so
        p = P(S > room) + p E[e^(-eta (room - S)); S <= room]
        p = P(S > room) / E[e^(eta (S - room)); S > room]        (E[e^(eta (S - room))] = 1: the Lundberg root)
    with S's terms by its batch count k (Poisson delta) as gammas of shape k a (a = 1 / cv^2, scale s = I / a),
    E[e^(eta G); G > y] = (1 - eta s)^(-k a) P(G' > y), G' the gamma of scale s / (1 - eta s) (_gamma_tails). Checked
    against the recursion iterated (bench/least_busy_parts.py `--bulk`, OpenOrca's prompts cut at 1,021 tokens, room
    158 - 830, delta 0.25 - 2.9, rho 0.33 - 0.78, 200,000 steps): p within 0.008 of the recursion's chance, 1 / eta
    +1..+11% over its tail scale (B_99 - B_95) / ln 5. Limits: rho -> 0 gives delta, p -> 0; rho -> 1 gives eta -> 0 and p -> 1.
    `theta`: least_busy_tail(I, cv, rho)'s 1 / eta where the caller has it already (`_budget_ttft`), else solved here."""
    I = np.maximum(np.asarray(I, dtype=float), 1e-12)
    cv = np.maximum(np.asarray(cv, dtype=float), 0.05)
    rho = np.clip(np.asarray(rho, dtype=float), 0.0, 1.0 - 1e-9)
    I, cv, rho, room = np.broadcast_arrays(I, cv, rho, np.maximum(np.asarray(room, dtype=float), 1e-9))
    theta = least_busy_tail(I, cv, rho)[1] if theta is None else np.broadcast_to(np.asarray(theta, dtype=float), I.shape)
    eta = 1.0 / np.maximum(theta, 1e-300)
    a = 1.0 / (cv * cv)
    s = I / a
    delta = rho * room / I
    tilt = np.clip(1.0 - eta * s, 1e-12, 1.0)
    over, tilted = np.zeros(I.size), np.zeros(I.size)
    d, a_, s_, eta_, room_, tilt_ = (v.ravel() for v in (delta, a, s, eta, room, tilt))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        for idx, first, last in _poisson_term_groups(delta):             # P(S > room), k >= 1
            shape = np.arange(first, last + 1, dtype=float) * a_[idx, None]
            over[idx] = np.sum(np.exp(_log_poisson(d[idx], first, last))
                               * _gamma_tails(shape, (room_[idx] / s_[idx])[:, None])[0], axis=-1)
        # E[e^(eta (S - room)); S > room]: its terms weigh Poisson(k; delta) (1 - eta s)^(-k a) e^(-eta room) =
        # Poisson(k; delta M_I(eta)) (the Lundberg root: delta (M_I(eta) - 1) = eta room), so their range is the
        # tilted count's, about its mean delta + eta room
        for idx, first, last in _poisson_term_groups(delta + eta * room, low=True):
            shape = np.arange(first, last + 1, dtype=float) * a_[idx, None]
            tail = _gamma_tails(shape, (room_[idx] / s_[idx] * tilt_[idx])[:, None])[0]
            log_d = (_log_poisson(d[idx], first, last) - (eta_[idx] * room_[idx])[:, None]
                     - shape * np.log(tilt_[idx])[:, None] + np.log(np.maximum(tail, 1e-300)))
            tilted[idx] = np.sum(np.exp(np.minimum(log_d, 700.0)), axis=-1)
    over, tilted = over.reshape(I.shape), tilted.reshape(I.shape)
    p = np.where((rho > 0) & (tilted > 0), over / np.maximum(tilted, 1e-300), 0.0)
    return delta, np.clip(p, 0.0, 1.0), theta


def _poisson_term_groups(delta, low: bool = False):
    """(indices, first, last): delta's flat entries grouped by the terms a sum weighted by Poisson(delta) needs,
    up to ceil(delta + 8 sqrt(delta) + 12) (the terms left off weigh below 1e-15) rounded up to a multiple of 32,
    so each group is summed over its own range and not the sweep's largest delta's (validate's sweeps hold rows
    with a 98,000-token room, delta ~300 and ~450 terms, beside a median row's delta ~8 and ~40 terms); with
    `low`, from the group's least delta - 8 sqrt(delta) - 12 (at least 1) too, for a summand no heavier than its
    Poisson weight (first 1 else)."""
    d = np.maximum(np.ravel(np.asarray(delta, dtype=float)), 0.0)
    spread = 8.0 * np.sqrt(d) + 12.0
    size = 32.0 * np.ceil(np.maximum(np.ceil(d + spread), 1.0) / 32.0)
    for last in np.unique(size):
        idx = np.flatnonzero(size == last)
        first = max(int(np.floor(np.min(d[idx] - spread[idx]))), 1) if low else 1
        yield idx, first, int(last)


def _log_poisson(delta, first: int, last: int) -> np.ndarray:
    """ln Poisson(k; delta) for k = first..last (rows: delta's 1-D entries)."""
    k = np.arange(1, last + 1, dtype=float)
    log_factorial = np.cumsum(np.log(k))[first - 1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        return -delta[:, None] + k[first - 1:] * np.log(np.maximum(delta[:, None], 1e-300)) - log_factorial


def _bulk_wait_quantile(n, I, cv, delta, p, theta, q: float, steps: int = 0) -> np.ndarray:
    """Quantile q of X = the own prompt (counted n times, `_budget_ttft`'s servers) + the prompts of its own batch
    ahead of it + the backlog B (`dispatch_wait_tail` 2; least_busy_bulk's delta, p, theta) [D]. The batch of a
    step is Poisson of mean delta; a request's own batch is the size-biased one, whose others are again Poisson
    delta, and its place in it uniform, so the prompts ahead J have P(J = j) = P(Poisson(delta) > j) / delta (the
    same law as Poisson arrivals over a uniform share of a step: both dispatches bring their step's prompts in the
    same number). Prompts gamma (shape a = 1 / cv^2, scale s = I / a), so the own prompt and the J ahead are a gamma
    of shape (n + J) a, G; B is 0 with probability 1 - p and else exponential of scale theta, independent:
        P(X > x) = sum_j P(J = j) [P(G_j > x) + p e^(-x / theta) E[e^(G_j / theta); G_j <= x]]
    E[e^(G / theta); G <= x] = (1 - s / theta)^(-(n + j) a) P(G' <= x), G' of scale s / (1 - s / theta)
    (_gamma_tails). x is the root of P(X > x) = 1 - q in the bracket [0, the own prompt's and the batch's and B's
    far ends], by Newton's method kept inside the bracket (a step that leaves it bisects; the bracket shrinks at
    every step, so it cannot fail to converge), started from the Cornish-Fisher value over X's three cumulants (G's
    mixture over J from its raw moments, B's as _own_prompt_tokens'), its slope in closed form: d/dx of each term
    is -f(x) / s for P(G_j > x), f the Wilson-Hilferty density (_gamma_tails' `density`, the slope of its own cube
    root, so the root is that of the very function bisection finds), and the wait term times (f(x tilt) tilt / s /
    P(G' <= x tilt) - 1 / theta) (0 where it is held at 1). A value stops once its step is below 1e-9 of x plus
    1e-9 token, that step taken (most rows in 3-5 steps, at most BULK_NEWTON_STEPS); a row that stops is left as
    it is and each row sums J over its own range (_poisson_term_groups), so a row's value does not depend on the
    rows beside it. `steps` > 0: that many plain bisections instead (the slow reference, session 22's 50;
    tests/test_least_busy_bulk.py holds the two within 1e-9 relative on a grid).
    delta -> 0 gives X = the own prompt + B; p -> 0 the own prompt and its batch alone."""
    n, I, cv, delta, p, theta = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (n, I, cv, delta, p, theta)))
    out = np.zeros(I.shape)
    flat, out_flat = [v.ravel() for v in (n, I, cv, delta, p, theta)], out.reshape(-1)
    for idx, _, top in _poisson_term_groups(delta):    # each group over its own Poisson terms
        out_flat[idx] = _bulk_quantile_terms(*(v[idx] for v in flat), q, steps, top)
    return out


def _bulk_quantile_terms(n, I, cv, delta, p, theta, q: float, steps: int, top: int) -> np.ndarray:
    """_bulk_wait_quantile on 1-D arrays of one _poisson_term_groups group, J = 0..top."""
    a = 1.0 / np.maximum(cv, 0.05) ** 2
    s = I / a
    j = np.arange(0, top + 1, dtype=float)
    # P(Poisson(delta) > j) / delta by the Poisson's cumulative sum, (1 at j = 0 as delta -> 0)
    d = np.maximum(delta, 1e-12)[..., None]
    with np.errstate(divide="ignore", invalid="ignore", under="ignore"):
        log_pmf = np.concatenate([-d, _log_poisson(d[..., 0], 1, top)], axis=-1)        # k = 0, then 1..top
        above = np.clip(1.0 - np.cumsum(np.exp(log_pmf), axis=-1), 0.0, 1.0)
    weight = np.where(delta[..., None] > 1e-9, above / d, (j == 0) * 1.0)
    weight = weight / np.maximum(weight.sum(axis=-1, keepdims=True), 1e-300)
    shape = (n[..., None] + j) * a[..., None]
    tilt = np.clip(1.0 - s / np.maximum(theta, 1e-300), 1e-12, 1.0)[..., None]
    target = 1.0 - q
    lo = np.zeros_like(I)
    hi = (s * (shape[..., -1] + 12.0 * np.sqrt(shape[..., -1]) + 12.0)
          + theta * np.log(np.maximum(p / max(target, 1e-12), 1.0)) + 10.0 * theta)

    def tail(x, idx=...):
        """P(X > x) and its slope in x, at the rows idx."""
        sh, ti, ss, th, pp, w = shape[idx], tilt[idx], s[idx][..., None], theta[idx][..., None], p[idx], weight[idx]
        y = x[..., None] / ss
        slope = steps <= 0                          # Newton's: the densities too
        over, _, *f_over = _gamma_tails(sh, y, slope)
        _, under, *f_under = _gamma_tails(sh, y * ti, slope)
        with np.errstate(divide="ignore", over="ignore", under="ignore", invalid="ignore"):
            log_b = -x[..., None] / th - sh * np.log(ti) + np.log(np.maximum(under, 1e-300))
            wait = pp[..., None] * np.exp(np.minimum(log_b, 0.0))    # a probability: at most 1
            value = np.sum(w * (over + wait), axis=-1)
            if not slope:
                return value, None
            slope_over = -f_over[0] / ss
            rate = f_under[0] * ti / ss / np.maximum(under, 1e-300) - 1.0 / th
            slope_wait = np.where(log_b < 0.0, wait * rate, 0.0)
            slope = np.sum(w * np.where(np.isfinite(slope_over), slope_over, 0.0)
                           + w * np.where(np.isfinite(slope_wait), slope_wait, 0.0), axis=-1)
        return value, slope

    if steps > 0:                                   # the slow reference: plain bisection
        for _ in range(steps):
            mid = 0.5 * (lo + hi)
            right = tail(mid)[0] <= target          # mid is at or right of the quantile
            lo, hi = np.where(right, lo, mid), np.where(right, mid, hi)
        return 0.5 * (lo + hi)
    # the start: Cornish-Fisher over X's cumulants (G's mixture over J by its raw moments, plus B's)
    m_j, v_j = shape * s[..., None], shape * s[..., None] ** 2
    m1 = np.sum(weight * m_j, axis=-1)
    m2 = np.sum(weight * (v_j + m_j ** 2), axis=-1)
    m3 = np.sum(weight * (2.0 * v_j * s[..., None] + 3.0 * v_j * m_j + m_j ** 3), axis=-1)
    var_g = np.maximum(m2 - m1 * m1, 0.0)
    third_g = m3 - 3.0 * m1 * m2 + 2.0 * m1 ** 3
    mean = m1 + p * theta
    var = var_g + (2.0 * p - p * p) * theta ** 2
    third = third_g + (6.0 * p - 6.0 * p * p + 2.0 * p ** 3) * theta ** 3
    # (kept off 0, where the Wilson-Hilferty density is infinite: the quantile of X >= the own prompt is not near it)
    x = np.clip(_cornish_fisher(mean, var, third, q), 0.05 * mean, hi).astype(float)
    live = np.arange(x.size)
    for _ in range(BULK_NEWTON_STEPS):
        xl = x[live]
        value, slope = tail(xl, live)
        left = value > target                       # x is left of the root
        lo[live] = np.where(left, xl, lo[live])
        hi[live] = np.where(left, hi[live], xl)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            newton = xl + (value - target) / np.maximum(-slope, 1e-300)
        settled = np.abs(newton - xl) <= 1e-9 * np.abs(xl) + 1e-9      # the step below the tolerance: done
        inside = (newton > lo[live]) & (newton < hi[live]) & np.isfinite(newton)
        x[live] = np.where(inside | settled, newton, 0.5 * (lo[live] + hi[live]))
        live = live[~settled]
        if live.size == 0:
            break
    return x


BULK_NEWTON_STEPS = 60    # _bulk_wait_quantile's most Newton steps (it stops at 3-5 on validate's rows)


def _prompt_plus_wait_quantile(mu, cv, alpha, theta, q: float, cells: int = 48, steps: int = 10) -> np.ndarray:
    """Quantile q of X = G + A (`dispatch_wait_tail`): G the own prompt, a gamma of mean mu and coefficient of
    variation cv, and A, 0 with probability 1 - alpha and else an exponential of scale theta, independent [D]:
        P(X > x) = P(G > x) + alpha E[e^(-(x - G) / theta); G <= x]
    G is taken piecewise uniform on `cells` equal cells of (0, mu (1 + 10 cv)] (each cell's weight its mass by
    3-point Gauss-Legendre, normalised; the gamma beyond, ~1e-6 at cv 0.77, dropped), where the expectation is exact: a
    cell [a, b] of weight w adds w to P(X > x) for x <= a, w alpha (theta / (b - a)) (1 - e^(-(b - a) / theta))
    e^(-(x - b) / theta) for x >= b, and w ((b - x) + alpha theta (1 - e^(-(x - a) / theta))) / (b - a) between. x by
    Newton's method on P(X > x) = 1 - q (its derivative in closed form the same way) from the Cornish-Fisher
    value over the three cumulants (_own_prompt_tokens), `steps` steps kept inside a bisection bracket [0, top +
    theta ln(max(alpha / (1 - q), 1)) + mu]. In place of that Cornish-Fisher value, which overstates this mixture's
    p99 by ~3.5% at cv 0.771 (an atom at 0 and a skewed part): within 0.4% of the exact quantile (scipy's gamma, by
    root finding; a /tmp check, not a dependency) at cv 0.771 and within 0.8% at cv 0.5 / 1 (mu 222 / 2,000, the
    tail at rho 0.02-0.9, q 0.5 / 0.99; tests/test_least_busy_tail.py by hand at cv 1)."""
    mu = np.maximum(np.asarray(mu, dtype=float), 1e-12)
    cv = np.maximum(np.asarray(cv, dtype=float), 0.05)
    mu, cv, alpha, theta = np.broadcast_arrays(mu, cv, np.asarray(alpha, dtype=float), np.asarray(theta, dtype=float))
    if mu.size == 0:
        return mu.copy()
    k, top = 1.0 / (cv * cv), mu * (1.0 + 10.0 * cv)
    width = (top / cells)[..., None]
    lo_edge = width * np.arange(cells)
    mid = lo_edge + 0.5 * width
    scale = (mu / k)[..., None]
    wts = 0.0
    for node, weight in ((-0.7745966692414834, 5.0 / 9.0), (0.0, 8.0 / 9.0), (0.7745966692414834, 5.0 / 9.0)):
        y = (mid + 0.5 * node * width) / scale                  # the cell's mass by 3-point Gauss-Legendre
        wts = wts + weight * np.exp((k[..., None] - 1.0) * np.log(y) - y - (k[..., None] - 1.0) * np.log(k[..., None])
                                    + (k[..., None] - 1.0))   # the density over its value at the mode (k - 1) s
    wts = wts / wts.sum(axis=-1, keepdims=True)
    th = np.maximum(theta, 1e-12)[..., None]
    a = np.clip(alpha, 0.0, 1.0)[..., None]
    hi_edge = lo_edge + width
    span = np.minimum(width / th, 700.0)
    past = wts * a * (th / width) * -np.expm1(-span)        # x >= b: this times e^(-(x - b) / theta)

    def surv(x):
        x = x[..., None]
        inside = (x > lo_edge) & (x < hi_edge)
        below = x <= lo_edge
        into = np.clip(x - lo_edge, 0.0, None)
        decay = np.exp(-into / th)
        part = wts * ((hi_edge - x) + a * th * (1.0 - decay)) / width
        after = past * np.exp(-np.clip(x - hi_edge, 0.0, None) / th)
        value = np.where(below, wts, np.where(inside, part, after)).sum(axis=-1)
        slope = np.where(below, 0.0, np.where(inside, wts * (a * decay - 1.0) / width, -after / th)).sum(axis=-1)
        return value, slope

    target = 1.0 - q
    lo = np.zeros_like(mu)
    hi = top + theta * np.log(np.maximum(alpha / target, 1.0)) + mu
    x = np.clip(_own_prompt_tokens(mu, 1.0, cv, np.clip(alpha, 0.0, 1.0), theta, q), lo, hi)
    for _ in range(steps):
        value, slope = surv(x)
        above = value > target                      # x is left of the root
        lo, hi = np.where(above, x, lo), np.where(above, hi, x)
        with np.errstate(divide="ignore", invalid="ignore"):
            newton = x + (value - target) / np.maximum(-slope, 1e-300)
        x = np.where((newton > lo) & (newton < hi), newton, 0.5 * (lo + hi))
    return x


def least_busy_utilization(engines, rho, h) -> np.ndarray:
    """The prompt queue's utilization as a request meets it behind a least-busy dispatch, a law of the queue
    (`dispatch_wait_engines` c > 0; docs/accuracy.md "The least-busy share as a law", s18-dispatch) [S/D]:
        rho_d = rho (1/c + (1 - 1/c) h),   h = t_mean / t_full (the mean step over a full one)
    rho the prompt queue's utilization as the model takes it for an engine's own Poisson stream (prompt tokens
    arriving in a full step over the room: the busy queue's steps carry prompt chunks, so they are full-length
    and collect a full step's arrivals). Join-the-shortest-queue over processor-sharing-like servers is, server by
    server, a single queue whose arrival rate depends on its own count (the single-queue approximation of Gupta,
    Harchol-Balter, Sigman, Whitt, "Analysis of join-the-shortest-queue routing for web server farms", Performance
    Evaluation 64 (2007), doi 10.1016/j.peva.2007.06.012 [S]: near-insensitive to the job sizes). Over engines
    that each hold many rows (continuous batching, ~82 rows a GPU) that rate is steep about the mean count: the
    dispatch holds every engine's count within about a row of the others' (bench/interactive_dispatch_sim.py's
    H200 engines: the rows' variance 15 least-busy against 141 independent [D]), so an engine gets a request
    when it has lost a row: its arrivals follow its departures, which come a fixed share a step (its rows over
    their output steps), so they are Poisson in steps, not in time [D], and a busy queue's long steps collect the
    mean step's arrivals, not a full step's: the queue an arrival meets is the M/G/1 at h rho. With c engines the dispatch has no choice on the 1/c of arrivals that
    find every engine at the same count (the total count, an M/G/infinity process of standard deviation
    sqrt(c rows) >> c, spread evenly over its c phases mod c) [D]: those meet the own stream's queue; rho_d is the
    arrival-weighted mean. It replaces rho in the wait (the chance to wait and the waiting's mean I c / (1 - rho_d),
    Pollaczek-Khinchine with the service's variability c = (1 + cv^2) / 2, the same in both), not in the prompt
    tokens a step carries. Mean share of the wait against the own stream's, (rho_d / (1 - rho_d)) / (rho / (1 -
    rho)); the tail thinner than a share of the chance alone (`dispatch_wait_share`) gives. Limits: c = 1 or h = 1
    give rho (one engine: its own queue; a step carrying prompt tokens no longer than one that does not: the
    dispatch's one-row information alone, which the mean-field limit puts at nothing); rho -> 0 gives 0 (no
    wait); rho_d rises with rho and falls with c. Checked against bench/least_busy_share.py (a step-synchronous
    discrete-event simulation, c 1-16, rho 0.2-0.8)."""
    c = np.maximum(np.asarray(engines, dtype=float), 1.0)
    h = np.clip(np.asarray(h, dtype=float), 0.0, 1.0)
    return np.asarray(rho, dtype=float) * (1.0 / c + (1.0 - 1.0 / c) * h)


def _waiting_chance(rho, servers) -> np.ndarray:
    """The chance that a request waits in a queue of `servers` c at utilization rho: rho for one server; over c
    servers Sakasegawa's rho^(sqrt(2 (c + 1)) - 1) (Sakasegawa 1977)."""
    return np.power(np.clip(rho, 0.0, 1.0), np.sqrt(2 * (servers + 1)) - 1)


def _largest_fitting(quantile_at, limit, shape) -> np.ndarray:
    """The largest utilization in [0, 1] whose quantile_at(rho) fits `limit`, for a quantile that rises with rho:
    the root by bisection (50 halvings), 0 where even rho = 0 misses it (the callers say what that means)."""
    lo = np.zeros(shape)
    hi = np.ones_like(lo)
    for _ in range(50):
        mid = 0.5 * (lo + hi)
        fits = quantile_at(mid) <= limit
        lo, hi = np.where(fits, mid, lo), np.where(fits, hi, mid)
    return lo


def _budget_utilization(parts, service: np.ndarray, limit: np.ndarray, cv: np.ndarray, extra=None) -> np.ndarray:
    """Largest utilization of the token budget queue whose p99 TTFT fits `limit`: _budget_ttft rises with rho
    (from its idle value at rho = 0 to infinity at rho = 1), so the root of TTFT_99(rho) = limit by bisection;
    0 when even the idle queue misses the limit, 1 without a limit. `extra(rho, q)`: a further wait that rises
    with rho, added to the p99 (the KV room wait, _kv_room_wait)."""
    def p99(rho):
        ttft = _budget_ttft(parts, service, rho, cv, 0.99)
        return ttft if extra is None else ttft + extra(rho, 0.99)

    lo = _largest_fitting(p99, limit, np.broadcast_shapes(np.shape(limit), *(np.shape(p) for p in parts)))
    idle_fits = _budget_ttft(parts, service, np.zeros_like(lo), cv, 0.99) <= limit
    return np.where(np.isfinite(limit), np.where(idle_fits, lo, 0.0), 1.0)


def prefill_prompts_per_pass(tp, budget, I, free, kv_chip) -> np.ndarray:
    """Whole prompts a disaggregated prefill worker of tp ranks carries in one forward pass (module docstring,
    "Disaggregated serving"): as many as its token budget tp C holds, n = floor(tp C / I), at most as many as its
    free memory holds the KV of, floor(F / (kv_chip I)), and at least one (a prompt longer than the budget is
    prefilled alone)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        held = np.floor(np.maximum(free, 0.0) / np.maximum(kv_chip * I, 1e-300))
        return np.maximum(np.minimum(np.floor(tp * budget / np.maximum(I, 1e-300)), held), 1.0)


def prefill_pool_wait(rho, servers, rate, cv, q: float) -> np.ndarray:
    """Quantile q of a prompt's wait for a worker of the prefill pool (module docstring, "Disaggregated serving"):
    `servers` c workers, each serving `rate` mu requests/s at a full pass, utilization rho = lam / (c mu). M/G/c
    in the Allen-Cunneen form the aggregated prompt queue uses for its servers (_budget_ttft): the chance to wait
    P_w = rho^(sqrt(2 (c + 1)) - 1) (Sakasegawa 1977; P_w = rho at c = 1), the wait of those who wait exponential
    with the M/M/c rate c mu (1 - rho), scaled by Kingman's (1 + cv^2) / 2 (cv: the service time's coefficient of
    variation):
        W_q = ln(max(P_w / (1 - q), 1)) (1 + cv^2) / 2 / (c mu (1 - rho))       (inf at rho >= 1)
    (c = 1, cv = 0: the M/M/1 tail halved for a deterministic service, the law before 2026-12-05)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        busy = _waiting_chance(rho, servers)
        tail = np.log(np.maximum(busy / (1 - q), 1.0)) * (1 + cv ** 2) / 2
        return np.where(rho < 1, tail / np.maximum(servers * rate * (1 - rho), 1e-300), np.inf)


def prefill_pool_utilization(servers, rate, cv, budget) -> np.ndarray:
    """Largest utilization of the prefill pool whose p99 wait (prefill_pool_wait) fits `budget` s (the TTFT limit
    less the pass, the KV transfer and the decode step): the wait rises with rho from 0, so the root by bisection;
    0 where the budget is negative, 1 without a limit."""
    budget = np.asarray(budget, dtype=float)
    lo = _largest_fitting(lambda rho: prefill_pool_wait(rho, servers, rate, cv, 0.99), budget,
                          np.broadcast_shapes(np.shape(servers), np.shape(rate), np.shape(budget)))
    return np.where(np.isfinite(budget), np.where(budget >= 0, lo, 0.0), 1.0)
LITTLE_ROWS_TOLERANCE = 1e-9  # little_rows' bracket, in ln b, when its sections stop (then linear in the last one)
# the widest band (high / low) a p99 is shown as one number at: above it a `latency-knife-edge` warning flags it.
# Over the band's ln(1.05 / 0.95) = 0.100 of load a ratio of 1.5 is an elasticity d ln p99 / d ln load of
# ln 1.5 / 0.100 = 4.05: the slope s20-h200int measured in the runs themselves on the prompt queue's knee (v5.0 8x
# H200 Llama 2 70B Server, one throughput, d ln p99 / d ln TPOT ~4: p99 501 -> 1,701 ms as TPOT went 142 -> 188 ms).
# At that slope the capacity's own ~7% error alone moves the p99 by more than +-25%, past the TTFT gates (10%).
# Not a user option (s22-band): it states how far the model's own figure can be trusted as one number, from its own
# capacity error (delta) and the runs' knee slope, not a planner's taste; a looser one would hide the band a CFO reads.
# The band's ends are always shown, and the planner's lever is the load (`offered_load`, room_load's). Its law:
# a monotone family (flagged at T, flagged at every T' < T: tests/test_latency_band.py).


def little_rows(rate, x, lo, hi, points: int = 1,
                tolerance: float = LITTLE_ROWS_TOLERANCE) -> tuple[np.ndarray, np.ndarray]:
    """The rows in flight that carry a load (Little's law, module docstring "Offered load"): the root b of
            rate(b) = x,   rate(b) = b / (k t_iter(b))  (counted tokens/s of b rows a rank)
    on [lo, hi], and whether hi carries x (rate(hi) >= x (1 - 1e-9)). The one solver of the offered load
    (evaluate_configs) and of the latency band (latency_band).
    Assumption (monotone): rate rises with b on [lo, hi] (a step grows slower than its rows: t_iter(b) / b falls),
    so x has one crossing and the section whose ends straddle it holds the root. Where rate(lo) >= x the root is
    lo; where rate(hi) < x it is hi (the caller reads `carried` to say the load is not carried).
    Method: sections in ln b; the first pass tries lo, hi and `points` batches geometric between them, each next
    pass `points` inside the kept section, until the section's ln width is at most LITTLE_ROWS_TOLERANCE (1e-9:
    a millionth of a row at 1,000 rows); then the root is linear in that last section (exact where rate is
    linear in it). `points` (1: a bisection at the geometric mean) sets how many evaluations a pass makes, not the
    answer: every caller's root is within the same tolerance. `rate` maps b of shape (n, *shape) to its rates
    (n, *shape); x, lo, hi broadcast to `shape`. Deterministic: the pass count is fixed by the widest bracket."""
    x = np.asarray(x, dtype=float)
    shape = np.broadcast_shapes(x.shape, np.shape(lo), np.shape(hi))
    x = np.broadcast_to(x, shape)
    lo, hi = (np.broadcast_to(np.asarray(v, dtype=float), shape) + 0.0 for v in (lo, hi))
    inner = np.arange(1, points + 1) / (points + 1)
    first = np.concatenate([[0.0], inner, [1.0]])
    width = float(np.max(np.log(np.maximum(hi, 1e-300) / np.maximum(lo, 1e-300)), initial=0.0))
    passes = 1 + max(0, math.ceil(math.log(max(width / (points + 1), tolerance) / tolerance)
                                  / math.log(points + 1)))
    r_lo = r_hi = carried = None
    for pass_ in range(passes):
        grid = first if pass_ == 0 else inner
        b = lo[None] * (hi / lo)[None] ** grid.reshape((-1,) + (1,) * len(shape))
        r = np.asarray(rate(b), dtype=float)
        if pass_ == 0:
            carried = x <= r[-1] * (1 + 1e-9)
        else:                                                       # the kept section's ends around its points
            b = np.concatenate([lo[None], b, hi[None]])
            r = np.concatenate([r_lo[None], r, r_hi[None]])
        j = np.clip(np.sum(r <= x[None], axis=0) - 1, 0, len(b) - 2)[None]
        lo, r_lo, hi, r_hi = (np.take_along_axis(v, j + i, axis=0)[0] for i in (0, 1) for v in (b, r))
    share = np.clip((x - r_lo) / np.maximum(r_hi - r_lo, 1e-300), 0.0, 1.0)
    return lo + share * (hi - lo), carried
