"""Laws of bench/v41_dispatch_sim.py, the sketch docs/accuracy.md "The v4.1 tail: the harness's dispatch" reads:
the same seed gives the same figures; one shared queue over several engines (NVIDIA's v4.1 harness at tp 1) brings
the median first token forward against independent queues and least-busy dispatch (its harness at tp > 1) pushes it
back (the sketch's p99 moves far less than its p50 in 600-s runs, docs/accuracy.md; a short run is too noisy at
the p99 to state it here)."""
from bench.v41_dispatch_sim import simulate

RATE, SHORT = 12.3, 240.0     # requests/s an engine, a short run (the sketch's own runs are 600 s)


def _shape(policy: str, engines: int = 8, kappa: float = 0.106e-3) -> tuple[float, float]:
    s = simulate(policy, engines, RATE * engines, SHORT, seed=1, kappa=kappa)
    return s["p50"] / s["tpot_mean"], s["p99"] / s["tpot_mean"]


def test_same_seed_same_figures() -> None:
    a = simulate("shared", 4, RATE * 4, 120.0, seed=7, kappa=0.106e-3)
    b = simulate("shared", 4, RATE * 4, 120.0, seed=7, kappa=0.106e-3)
    assert a == b


def test_dispatch_moves_the_median() -> None:
    own, shared, least = _shape("own"), _shape("shared"), _shape("least")
    assert shared[0] < own[0] - 0.15 and least[0] > own[0] + 0.15        # the p50, in mean steps


def test_chunked_engines_dispatch_the_same_way() -> None:
    """Chunked context (NVIDIA's v5.0 engines) at a 1,536-token budget, where prompts do split: the same order of
    the medians as whole prompts (the table in compiler/validate.py DISPATCH_WAITS cites the chunked runs too)."""
    def p50(policy: str) -> float:
        s = simulate(policy, 8, RATE * 8, SHORT, seed=1, kappa=0.106e-3, budget=1536, chunked=True)
        return s["p50"] / s["tpot_mean"]
    own, shared, least = p50("own"), p50("shared"), p50("least")
    assert shared < own - 0.15 and least > own + 0.15


def test_one_engine_is_the_slotted_md1_of_pollaczek_khinchine() -> None:
    """bench/ttft_at_runs.py runs this sketch at every run's inputs; its queue against a hand calculation. One engine
    whose step takes exactly one whole prompt (1,000 tokens each, a 1,050-token budget) and lasts T whatever it
    carries (kappa 0, beta 0) is the M/D/1 queue of service T with service starting at step boundaries: the queue
    Q' = Q - 1{Q > 0} + A at a boundary (A Poisson of mean rho = lam T) has E[Q] = rho + rho^2 / (2 (1 - rho)) (the
    M/D/1's Pollaczek-Khinchine number) and P(Q > 0) = rho, so an arrival (PASTA) waits the rest of its step, T / 2,
    then E[Q] - rho + rho / 2 = rho / (2 (1 - rho)) steps, then its own step:
        E[TTFT] = T (1.5 + rho / (2 (1 - rho)))       (rho 0.7: 2.667 T; the unslotted M/D/1 wait is T rho / (2 (1 - rho)))
    600 s at T = 10 ms, ~42,000 requests: within 3%."""
    T, rho = 0.010, 0.7
    s = simulate("own", 1, rho / T, 600.0, seed=3, kappa=0.0, t0=T, step_target=T, budget=1050, max_rows=806,
                 prompt=(1000.0, 1e-4, 1001), output=(2.0, 1e-4))
    assert abs(s["ttft_mean"] / (T * (1.5 + rho / (2 * (1 - rho)))) - 1) < 0.03


def test_a_mixture_of_tasks_has_the_moments_of_total_expectation_and_variance() -> None:
    """`simulate(mixture=...)` (bench/ttft_at_runs.py --mixture: Mixtral's three sets task by task): two near-fixed
    tasks, 100 tokens at share 1/4 and 500 at 3/4 (outputs 40 and 200). By hand, the law of total expectation and
    variance: mean 0.25 x 100 + 0.75 x 500 = 400, variance 0.25 x 0.75 x (500 - 100)^2 = 30,000 (std 173.2), and
    a request's output goes with its prompt's task (a 100-token prompt always has 40 output tokens). 40,000 draws:
    the mean within 1%, the std within 2%."""
    import random
    import statistics
    from bench.v41_dispatch_sim import request_lengths
    tasks = ((0.25, (100.0, 1e-4, 0, 1e9), (40.0, 1e-4, 0, 1e9)), (0.75, (500.0, 1e-4, 0, 1e9), (200.0, 1e-4, 0, 1e9)))
    rng = random.Random(5)
    draws = [request_lengths(rng, tasks) for _ in range(40000)]
    prompts = [p for p, _ in draws]
    assert abs(statistics.mean(prompts) / 400.0 - 1) < 0.01
    assert abs(statistics.pstdev(prompts) / 30000.0 ** 0.5 - 1) < 0.02
    assert {(p, o) for p, o in draws} <= {(99, 40), (100, 40), (499, 200), (500, 200)}   # int() of ~100 / ~500
    assert request_lengths(rng, None, [(7, 1)]) == (7, 2)                                  # samples: at least 2 out


def test_a_chunk_unit_rounds_a_prompts_non_final_chunks_down() -> None:
    """`simulate(chunk_unit=u)` (TensorRT-LLM's first come first served chunks: a chunk that is not its prompt's last
    is whole units of u tokens). A lone 99-100-token prompt at a 50-token budget whose steps last T whatever they carry
    (kappa 0, beta 0), at a load so light that prompts seldom meet (rate 0.005 / T): by hand, without rounding it runs
    as chunks 50, 50 (2 steps), with u 32 as 32, 32, 36 (3 steps: the last chunk is whole, not rounded), so
    E[TTFT] = T (0.5 + 2) and T (0.5 + 3) (the rest of the step in flight, then its steps); u 1 is the default."""
    T = 0.010

    def run(u: int) -> dict:
        return simulate("own", 1, 0.005 / T, 1200.0, seed=4, kappa=0.0, t0=T, step_target=T, budget=50, max_rows=8,
                        prompt=(100.0, 1e-4, 101), output=(2.0, 1e-4), chunked=True, chunk_unit=u)
    assert run(1) == simulate("own", 1, 0.005 / T, 1200.0, seed=4, kappa=0.0, t0=T, step_target=T, budget=50,
                              max_rows=8, prompt=(100.0, 1e-4, 101), output=(2.0, 1e-4), chunked=True)
    assert abs(run(1)["ttft_mean"] / (2.5 * T) - 1) < 0.03
    assert abs(run(32)["ttft_mean"] / (3.5 * T) - 1) < 0.03


def test_a_request_decodes_its_output_after_its_first_token_in_that_many_steps_less_one() -> None:
    """A request of o output tokens has its first at the end of its context step and the other o - 1 at the ends of
    its next o - 1 steps, so LoadGen's TPOT, (latency - TTFT) / (o - 1), is exactly the step where every step lasts
    T (kappa 0, beta 0): outputs of 10 tokens, TPOT mean, p50 and p99 all T (the sketch had its row leave one step
    early before 2026-12-06: (o - 2) / (o - 1) T = 0.889 T; docs/accuracy.md "The per-request TPOT mean")."""
    T = 0.010
    s = simulate("own", 1, 0.2 / T, 300.0, seed=2, kappa=0.0, t0=T, step_target=T, budget=4096, max_rows=806,
                 prompt=(100.0, 1e-4, 101), output=(10.0, 1e-4))
    for k in ("tpot_mean", "tpot_p50", "tpot_p99", "tpot_mean_steady", "step_mean"):
        assert abs(s[k] / T - 1) < 1e-9, k


def test_the_steady_per_request_mean_is_the_mean_step_and_row_weighted_where_the_step_grows_with_rows() -> None:
    """LoadGen's mean over requests of each request's mean step after its first token, with prompt chunks on some
    steps (budget fill) and outputs of cv 0.74: in a stationary run every request's expected TPOT is the mean step
    whatever its length (its steps are a stationary sequence; the drain after the last issue excluded), so with a
    step that does not grow with its rows (beta 0) the steady per-request mean is the count-weighted mean step
    within 0.5%; with one that does (beta > 0) a request sits in the fuller steps more often: the row-weighted
    E[N t] / E[N] (>= E[t]), within 0.5%."""
    kw = dict(kappa=0.1e-3, budget=8192, max_rows=4000, prompt=(427.0, 0.9, 1948), output=(145.0, 0.74),
              chunked=True)
    flat = simulate("own", 1, 6.0, 600.0, seed=1, t0=0.05, row_time=0.0, **kw)
    assert abs(flat["tpot_mean_steady"] / flat["step_mean"] - 1) < 0.005
    rows = simulate("own", 1, 6.0, 600.0, seed=1, t0=0.03, row_time=0.02 / 400, **kw)
    assert abs(rows["tpot_mean_steady"] / rows["row_step_mean"] - 1) < 0.005
    assert rows["row_step_mean"] > rows["step_mean"]


def test_a_kv_pool_holds_each_rows_prompt_and_its_tokens_so_far_and_only_stops_admission() -> None:
    """`kv_tokens` (s23-b200tail, docs/accuracy.md "The B200 Llama 2 70B Server tail at the runs' own inputs"). By
    Little's law over a request's life of O decode steps, holding I + pad + k tokens at its k-th (k = 1..O), the
    tokens held at a step's start are rows / E[O] x E[O (I + pad) + O (O + 1) / 2] = rows (I + pad + (E[O^2] / E[O]
    + 1) / 2), the length-biased context a row holds, E[O^2] / E[O] = O (1 + cv^2) for gamma answers; by hand at
    I 222.33 (the gamma cut at 1,021 leaves 222.2), pad (32 - 1) / 2 = 15.5, O 294.45, cv 0.59: 222.2 + 15.5 +
    (294.45 x 1.3481 + 1) / 2 = 436.7 tokens a row. A pool that always holds the load changes nothing (the same
    figures as no pool); a pool below the load's mean stops admission and lengthens the first token's tail."""
    kw = dict(kappa=0.1e-3, t0=0.1, step_target=0.15, budget=3584, max_rows=2100, chunked=True, row_time=0.0)
    free = simulate("own", 1, 12.0, 200.0, seed=1, **kw)
    huge = simulate("own", 1, 12.0, 200.0, seed=1, kv_tokens=1e12, **kw)
    assert {k: v for k, v in huge.items() if k not in ("kv_mean", "kv_stopped")} == \
        {k: v for k, v in free.items() if k not in ("kv_mean", "kv_stopped")}
    assert huge["kv_stopped"] == 0.0
    per_row = huge["kv_mean"] / huge["rows_mean"]
    assert abs(per_row / 436.7 - 1) < 0.03
    tight = simulate("own", 1, 12.0, 200.0, seed=1, kv_tokens=0.97 * huge["kv_mean"], **kw)
    assert tight["kv_stopped"] > 0.01 and tight["p99"] > 1.5 * free["p99"]


def test_a_step_spread_keeps_the_mean_step_and_widens_the_first_tokens_spread() -> None:
    """`step_cv` (s23-b200tail): each step's length times a gamma factor of mean 1; 0 is the step law exactly (the
    same figures), and at a light load (one engine, a few prompts a step) the mean step stays within 2% while the
    first token's p99 - p50, mostly the step in flight's rest and the own step, widens."""
    kw = dict(kappa=0.1e-3, t0=0.1, step_target=0.15, budget=3584, max_rows=2100, chunked=True, row_time=0.0)
    base = simulate("own", 1, 6.0, 200.0, seed=1, **kw)
    assert simulate("own", 1, 6.0, 200.0, seed=1, step_cv=0.0, **kw) == base
    spread = simulate("own", 1, 6.0, 200.0, seed=1, step_cv=0.3, **kw)
    assert abs(spread["step_mean"] / base["step_mean"] - 1) < 0.02
    assert spread["p99"] - spread["p50"] > 1.2 * (base["p99"] - base["p50"])
