"""How NVIDIA's MLPerf v4.1 LLM harness hands requests to its engines, and what that does to the TTFT distribution.

    PYTHONPATH=. python3 bench/v41_dispatch_sim.py        (~25 s CPU; fixed seeds, the same table every run)

A discrete-event sketch (a measurement aid, not the product's model) of k TensorRT-LLM engines without chunked
context, as NVIDIA's v4.1 Llama 2 70B Server configs run them (no `enable_chunked_context`, `max_num_tokens` 4,096 a
forward pass: mlcommons/inference_results_v4.1 closed/NVIDIA/configs/llama2-70b/{__init__,Server/__init__}.py [P]):
each engine step takes the decode rows and then whole waiting prompts first come first served, stopping at the first
prompt that does not fit the budget, and lasts t = t0 + beta_d b + kappa P (b decode rows, P prompt tokens); a
prompt's first token comes at the end of its context step, a row leaves after its output tokens. Poisson arrivals,
OpenOrca's prompt lengths (gamma, mean 222.33, cv 0.771, at most 1,021) and outputs (gamma, mean 294.45, cv 0.59),
as validate gives them. Three ways to hand a request to an engine:

- own:    each engine its own Poisson stream (what compiler/models/inference/'s prompt queue assumes: independent
          replica queues).
- shared: one request queue that every engine's batch manager drains at the start of each of its steps. This is the
          v4.1 harness at tp 1 pp 1: code/common/harness.py `_construct_terminal_command` launches mpirun only when
          tp x pp > 1, so a tp 1 system runs one process, `LLMServerLeader::IssueQuery` puts every sample in one
          request queue (server_num_issue_query_threads 0) and each engine's GptManager callback
          `LLMCore::getInferenceRequest(maxNbRequests)` moves whatever is waiting into its next step
          (closed/NVIDIA/code/harness/harness_llm/{llm_server.cc,llm_core.cc,main_llm.cc} [P]).
- least:  each arrival to the engine with the fewest requests in flight. This is the v4.1 harness at tp x pp > 1
          (MPI: `LLMServerLoadGen::getNextQueueIdx`, `traffic_distribution_policy` default 2 = loadBalancing,
          `getLeastBusyIdx` over `mNumInFlightTransactions`, decremented when a request completes [P]), and the v5.0
          llmlib harness's "load_balancing" (docs/accuracy.md "The harness's dispatch (checked, not built)").

Step law: t0 20 ms, kappa a prompt token, beta_d a decode row chosen so the mean step is ~170 ms at 12.3 requests/s an
engine (the model's GH200 / H200 v4.1 point: t_mean 170-174 ms, kappa 0.106 ms, t_decode 117 ms). kappa 0.106 ms is
the model's; 0.13 ms is the value whose one-engine shape matches the measured one-engine runs. Printed: TTFT p50 and
p99 over requests issued after the first 60 s (LoadGen's 600 s run; one engine 1,800 s, as the 1x runs last), in
units of the mean TPOT (LoadGen's per-request (latency - TTFT) / (tokens - 1), averaged), and p99 / p50.
docs/accuracy.md "The v4.1 tail: the harness's dispatch" has the table and what it says.
"""
from __future__ import annotations

import heapq
import math
import random
import statistics


def _gamma(rng: random.Random, mean: float, cv: float) -> float:
    shape = 1.0 / (cv * cv)
    return rng.gammavariate(shape, mean / shape)


def _cut_gamma(rng: random.Random, law) -> float:
    """A gamma of law = (mean, cv, shortest, longest), drawn again until within [shortest, longest]."""
    while True:
        x = _gamma(rng, law[0], law[1])
        if law[2] <= x <= law[3]:
            return x


def request_lengths(rng: random.Random, mixture=None, samples=None) -> tuple[int, int]:
    """One request's (prompt, output) tokens from `samples` (a pair drawn uniformly) or else from `mixture` (its task
    drawn by share, then the task's prompt and output: `simulate`'s docstring); at least 1 and 2 tokens."""
    if samples is not None:
        tokens, generated = samples[rng.randrange(len(samples))]
        return max(1, int(tokens)), max(2, int(generated))
    u, task = rng.random(), mixture[-1]
    for task in mixture:
        u -= task[0]
        if u < 0:
            break
    return max(1, int(_cut_gamma(rng, task[1]))), max(2, int(round(_cut_gamma(rng, task[2]))))


def simulate(policy: str, engines: int, rate: float, duration: float, seed: int, kappa: float,
             t0: float = 0.020, step_target: float = 0.170, budget: int = 4096, max_rows: int = 806,
             prompt=(222.33, 0.771, 1021), output=(294.45, 0.59), chunked: bool = False,
             admit_every: int = 1, mixture=None, samples=None, pull_rows: int | None = None,
             chunk_unit: int = 1, row_time: float | None = None, trace: list | None = None,
             kv_tokens: float | None = None, kv_block: int = 32, step_cv: float = 0.0) -> dict:
    """TTFT p50 / p99 and mean TPOT (s) of `engines` whole-prompt engines fed `rate` requests/s by `policy`;
    `chunked`: chunked context (NVIDIA's v5.0 engines, `enable_chunked_context`): the prompt that does not fit the
    budget's rest takes what is left and its rest goes first in the engine's next steps (a prompt taken from the
    shared queue stays with that engine); its first token comes at the end of the step that carries its last chunk.
    `admit_every` n: new prompts are taken only at every n-th step (a scheduler that plans n steps a round, vLLM's
    multi-step scheduling, compiler/validate.py SCHEDULER_STEPS; a begun chunked prompt's rest goes on every step).
    `mixture` (a dataset of several tasks, e.g. Mixtral's OpenOrca + GSM8K + MBXP): a tuple of tasks
    (share, (prompt mean, cv, shortest, longest), (output mean, cv, shortest, longest)); each request draws its task
    by share (shares summing to 1), then its prompt and its output each from a gamma of that task's mean and cv,
    drawn again until within [shortest, longest], so a request's prompt and output come from the same task.
    `chunk_unit` u (chunked only): a context chunk that is not its prompt's last is rounded down to whole units of u
    tokens, as TensorRT-LLM's first come first served chunking does (microBatchScheduler.cpp
    `setCtxRequestsChunkSize<kFIRST_COME_FIRST_SERVED>`: `actualChunkSize / chunkUnitSize * chunkUnitSize` where the
    chunk is not the whole remaining context; the unit is the KV block, `tokens_per_block` 32 in NVIDIA's MLPerf
    engines); a chunk rounded to 0 waits for the next step; the budget's last < u tokens then go unused (a later
    prompt short enough to fit them whole is not taken: rare at OpenOrca's lengths). 1 (default): no rounding.
    `samples`: a list of (prompt, output) token pairs, each request one drawn uniformly (LoadGen's draws from the
    performance sample set, the dataset itself). Default (both None): `prompt` and `output` as before, unchanged.
    `pull_rows` (policy "shared" only; default None: an engine takes from the shared queue only what it admits, so
    the engines' KV rows are one pool): each engine, at the start of its step, moves requests from the shared queue
    into its own queue until its rows and its own waiting requests reach `pull_rows`, then admits from its own
    queue within `max_rows` (its KV cache's rows) and the budget, so a request pulled by a full engine waits there
    for that engine's rows. This is TensorRT-LLM's GptManager under NVIDIA's v4.1 harness: `fetchNewRequests` asks
    the harness's callback for getMaxNumSequences() - mActiveRequests.size() new requests at every iteration
    (cpp/tensorrt_llm/batch_manager/GptManager.cpp, as copied in arthurrasmusson/TensorRT-LLM at 4489b3da, read
    2026-12-06 [P]), whatever the KV room, and the MAX_UTILIZATION scheduler then schedules the active requests
    that fit (docs/accuracy.md "Latency v10" item 1).
    `trace` (a list; default None: nothing recorded): each request issued in [60 s, duration) appends (its wait
    for its engine's next step boundary, the length of the step in flight, the prompt tokens queued ahead of it on
    its engine (a begun prompt's rest included), its own prompt, its TTFT, the step boundaries it saw before its
    first token, the decode rows of the step in flight), the parts of bench/least_busy_parts.py (policies other
    than "shared" without `pull_rows`).
    `kv_tokens` (default None: no KV pool, only `max_rows`): each engine's KV pool in tokens. A request holds its
    prompt's tokens from the step that takes its first chunk (TensorRT-LLM's KV cache manager adds a sequence with its
    whole context's blocks when it is first scheduled) and one more token for each token it generates, each request
    (kv_block - 1) / 2 tokens more on average for its last block's rest; it frees them all when it leaves. A new
    prompt is admitted only while the pool holds its tokens (first come first served: the first that does not fit
    stops the step's admission), as TensorRT-LLM's MAX_UTILIZATION capacity scheduler stops at a new context that
    does not fit (docs/accuracy.md "Latency v9"); decode rows always get their next token (the scheduler's pause of
    the last started request when they do not, with its recompute, is not modelled). `step_cv` (default 0: every
    step exactly t0 + beta b + kappa P): each step's length times an independent gamma factor of mean 1 and this
    coefficient of variation (a per-step time spread the step law lacks; s23-b200tail)."""
    rng = random.Random(seed)
    beta = (step_target - t0 - kappa * 465.0) / 615.0       # a decode row's time: ~170 ms at the model's point
    beta = beta if row_time is None else row_time
    arrivals, t = [], 0.0
    while t < duration:
        t += rng.expovariate(rate)
        if mixture is not None or samples is not None:
            arrivals.append((t, *request_lengths(rng, mixture, samples)))
            continue
        length = _gamma(rng, prompt[0], prompt[1])
        while length > prompt[2]:
            length = _gamma(rng, prompt[0], prompt[1])
        arrivals.append((t, max(1, int(length)), max(2, int(round(_gamma(rng, output[0], output[1]))))))
    queues = [[] for _ in range(engines)]
    heads = [0] * engines
    pool, pool_head = [], [0]                            # the shared queue when engines pull (`pull_rows`)
    in_flight = [0] * engines
    kv, pad, since = [0.0] * engines, (kv_block - 1) / 2, {}   # `kv_tokens`: tokens held; a row's first step
    kv_seen = [0, 0.0, 0]                                # steps begun after 60 s: count, tokens held, admission stopped
    rows = [0] * engines
    leaving = [[] for _ in range(engines)]
    steps = [0] * engines
    context = [[] for _ in range(engines)]
    partial = [None] * engines                           # (request, prompt tokens left) an engine has begun
    first = [None] * len(arrivals)
    done = [None] * len(arrivals)
    stepped = [0, 0.0, 0.0, 0.0]                         # steps begun after 60 s: count, time, rows, rows x time
    step_end, step_len, step_rows = [0.0] * engines, [step_target] * engines, [0] * engines   # `trace`
    seen = {}                                            # `trace`: request -> its record's list, boundaries seen
    events = [(a[0], 0, i) for i, a in enumerate(arrivals)]
    events += [(rng.random() * step_target, 1, e) for e in range(engines)]   # the engines' steps at random phases
    heapq.heapify(events)
    while events:
        now, kind, x = heapq.heappop(events)
        if now > 1.3 * duration:
            break
        if kind == 0:                                    # an arrival
            e = 0 if policy == "shared" else (rng.randrange(engines) if policy == "own" else
                                               min(range(engines), key=lambda j: (in_flight[j], rng.random())))
            if trace is not None and 60.0 < now < duration and policy != "shared":
                ahead = sum(arrivals[r][1] for r in queues[e][heads[e]:])
                ahead += partial[e][1] if partial[e] is not None else 0
                seen[x] = [max(step_end[e] - now, 0.0), step_len[e], ahead, arrivals[x][1], 0.0, 0, step_rows[e]]
            (pool if pull_rows is not None and policy == "shared" else queues[e]).append(x)
            in_flight[e] += 1
            continue
        e = x                                            # engine e's step ends and its next one starts
        if seen:                                         # `trace`: a boundary for every request still waiting
            for r in queues[e][heads[e]:] + ([partial[e][0]] if partial[e] is not None else []) + context[e]:
                if r in seen:
                    seen[r][5] += 1
        for r in context[e]:                             # its contexts' first tokens; they decode from now on
            first[r] = now - arrivals[r][0]
            if r in seen:
                seen[r][4] = first[r]
                trace.append(tuple(seen.pop(r)))
            heapq.heappush(leaving[e], (steps[e] + arrivals[r][2], r))
            rows[e] += 1
            since[r] = steps[e]
            kv[e] += 1                                   # its first token
        steps[e] += 1
        while leaving[e] and leaving[e][0][0] <= steps[e]:
            r = heapq.heappop(leaving[e])[1]
            rows[e] -= 1
            kv[e] -= arrivals[r][1] + pad + (steps[e] - since.pop(r))
            done[r] = now
            in_flight[0 if policy == "shared" else e] -= 1
        kv[e] += rows[e]                                 # the decode rows' next tokens
        q = 0 if policy == "shared" else e               # the queue this engine drains
        if policy == "shared" and pull_rows is not None:  # GptManager: pull up to pull_rows active requests
            while pool_head[0] < len(pool) and rows[e] + len(queues[e]) - heads[e] < pull_rows:
                queues[e].append(pool[pool_head[0]])
                pool_head[0] += 1
            q = e
        room, tokens, took = budget - rows[e], 0, []
        if partial[e] is not None:                       # chunked: the begun prompt's rest goes first
            r, left = partial[e]
            part = min(left, max(room, 0))
            if part < left:                              # a non-final chunk: whole units of chunk_unit tokens
                part -= part % chunk_unit
            tokens += part
            partial[e] = None if part >= left else (r, left - part)
            if partial[e] is None:
                took.append(r)
        while (partial[e] is None and heads[q] < len(queues[q]) and rows[e] + len(took) < max_rows
               and steps[e] % admit_every == 0):
            r = queues[q][heads[q]]
            if kv_tokens is not None and kv[e] + arrivals[r][1] + pad > kv_tokens:
                kv_seen[2] += 60.0 < now < duration
                break                                    # `kv_tokens`: the pool does not hold its prompt: wait
            if tokens + arrivals[r][1] > room:           # whole prompts, first come first served: stop here
                part = (room - tokens) - (room - tokens) % chunk_unit if room > tokens else 0
                if chunked and part > 0:                 # chunked: its first chunk fills the budget (whole units)
                    partial[e] = (r, arrivals[r][1] - part)
                    kv[e] += arrivals[r][1] + pad
                    tokens += part
                    heads[q] += 1
                break
            tokens += arrivals[r][1]
            kv[e] += arrivals[r][1] + pad
            took.append(r)
            heads[q] += 1
        context[e] = took
        if 60.0 < now < duration:
            kv_seen[0] += 1
            kv_seen[1] += kv[e]
        length = t0 + beta * rows[e] + kappa * tokens
        if step_cv > 0:                                  # `step_cv`: the step's own spread
            length *= _gamma(rng, 1.0, step_cv)
        if 60.0 < now < duration and rows[e] > 0:        # the steps the kept requests decode in
            stepped[0] += 1
            stepped[1] += length
            stepped[2] += rows[e]
            stepped[3] += rows[e] * length
        heapq.heappush(events, (now + length, 1, e))
        step_end[e], step_len[e], step_rows[e] = now + length, length, rows[e]
    kept = [i for i, a in enumerate(arrivals) if a[0] > 60.0 and first[i] is not None and done[i] is not None]
    ttft = sorted(first[i] for i in kept)
    tpot = statistics.mean((done[i] - arrivals[i][0] - first[i]) / (arrivals[i][2] - 1) for i in kept)
    # the steady per-request mean: requests issued at least three mean lives before the stream stops (their lives
    # end before the drain, whatever their length within ~3x the mean), and LoadGen's over every request from t = 0
    # (the ramp from an empty engine and the drain in it)
    life = statistics.mean(done[i] - arrivals[i][0] for i in kept)
    every = [i for i, a in enumerate(arrivals) if first[i] is not None and done[i] is not None]
    steady, loadgen = ([(done[i] - arrivals[i][0] - first[i]) / (arrivals[i][2] - 1) for i in group]
                       for group in ([i for i in kept if arrivals[i][0] < duration - 3 * life], every))
    p50, p99 = ttft[len(ttft) // 2], ttft[int(0.99 * len(ttft))]
    per_request = sorted((done[i] - arrivals[i][0] - first[i]) / (arrivals[i][2] - 1) for i in kept)
    return {"requests": len(kept), "tpot_mean": tpot, "p50": p50, "p99": p99, "ttft_mean": statistics.mean(ttft),
            "p90": ttft[int(0.9 * len(ttft))], "p999": ttft[int(0.999 * len(ttft))],
            "tpot_p50": per_request[len(kept) // 2], "tpot_p99": per_request[int(0.99 * len(kept))],
            # the mean step (over the steps with decode rows begun in [60 s, duration)) and the row-weighted mean
            # step E[N t] / E[N], beside LoadGen's per-request mean (docs/accuracy.md "The per-request TPOT mean")
            "step_mean": stepped[1] / max(stepped[0], 1), "row_step_mean": stepped[3] / max(stepped[2], 1e-300),
            "tpot_mean_steady": statistics.mean(steady) if steady else math.nan,
            # `kv_tokens`: the mean tokens an engine's pool holds at a step's start, the share of steps whose
            # admission the pool stopped
            "kv_mean": kv_seen[1] / max(kv_seen[0], 1), "kv_stopped": kv_seen[2] / max(kv_seen[0], 1),
            "rows_mean": stepped[2] / max(stepped[0], 1),
            "tpot_mean_loadgen": statistics.mean(loadgen)}


CASES = (("own", 1, 1800.0), ("own", 8, 600.0), ("shared", 8, 600.0), ("least", 8, 600.0))


def main() -> None:
    print("| kappa a prompt token | dispatch | engines | TPOT mean ms | TTFT p50 / TPOT mean | TTFT p99 / TPOT mean "
          "| p99 / p50 |")
    print("|---|---|---|---|---|---|---|")
    for kappa in (0.106e-3, 0.13e-3):
        for policy, engines, duration in CASES:
            s = simulate(policy, engines, 12.3 * engines, duration, seed=1, kappa=kappa)
            print(f"| {kappa * 1e3:.3f} ms | {policy} | {engines} | {s['tpot_mean'] * 1e3:.0f} | "
                  f"{s['p50'] / s['tpot_mean']:.2f} | {s['p99'] / s['tpot_mean']:.2f} | {s['p99'] / s['p50']:.2f} |")


if __name__ == "__main__":
    main()
