"""The results document's render is linear in the values it holds (s24-scale2).

A spec's results hold ~300 values a hall; rendering them as JSON made ~3 lists and dicts per value with the cyclic
garbage collector on, and each of its full collections walked the whole evaluation still alive (1,000 halls: 3.95 ->
2.11 s CPU paused); it is now paused over the render (`dsl.gc_paused`, as for the front end,
binding and evaluation), each value's scenarios are converted to Python floats without a NumPy scalar each, and
the indented text is written by one walk (`dumps_indented`) rather than the standard library's generators.
These count the collections (a law of the work, not a timing) and check the values written.
"""
from __future__ import annotations

import gc
import json
import random

import numpy as np

from compiler import evaluate_text
from compiler.render.results import _floats, dumps_indented, render_results
from test_site_halls_walks23 import _site   # tests/ is on the path


def collections_during(work) -> tuple[list[int], object]:
    """(the generation of each collection of the cyclic garbage collector that ran in `work()`, what it returned),
    the collector enabled before and checked enabled after."""
    collections = []

    def count(phase, info):
        if phase == "start":
            collections.append(info["generation"])
    gc.collect()
    gc.callbacks.append(count)
    try:
        assert gc.isenabled()
        done = work()
    finally:
        gc.callbacks.remove(count)
    assert gc.isenabled()                   # restored after
    return collections, done


def test_rendering_the_results_runs_no_garbage_collection() -> None:
    results, sink = evaluate_text(_site(12), "spec.factory")
    collections, (text, csv) = collections_during(lambda: (render_results(results, "spec.factory", sink, "json", None),
                                                           render_results(results, "spec.factory", sink, "csv", None)))
    # none while rendering (before: 20+ at 12 halls); the collector, enabled again after each, may run once on what
    # the render left young
    assert len(collections) <= 2 and 2 not in collections, collections
    document = json.loads(text)
    assert len(document["quantities"]) > 12 * 100 and csv.count("\n") > 12 * 100


def test_a_values_scenarios_are_its_floats_one_value_standing_for_every_scenario() -> None:
    for value in (np.array([1.5]), np.array([True]), np.array([3]), np.array([-0.0]), np.array([np.nan]),
                  np.array([0.1, np.inf, -2.0]), np.array([1, 0, 7]), np.array([False, True, True])):
        n = 3
        want = [float(v) for v in np.broadcast_to(np.asarray(value, dtype=float), (n,))]
        got = _floats(value, n)
        assert [type(v) for v in got] == [float] * n
        assert np.array(got).tobytes() == np.array(want).tobytes(), value


def _document(rng: random.Random, depth: int = 0):
    """A random JSON document of what results JSON holds, and the odd things `json.dumps` takes as well."""
    leaves = [lambda: rng.choice([0.0, -0.0, 1e-300, 1e300, 5e-324, 0.1, -2.5, float("nan"), float("inf"),
                                  -float("inf"), rng.uniform(-1e6, 1e6), rng.random() * 10.0 ** rng.randint(-20, 20)]),
              lambda: rng.choice(["", "W", "s.h1.it_power", 'quote " and \\ slash', "\u00e9t\u00e9 \u2264 \n\t",
                                  "\U0001F600"]),
              lambda: rng.choice([None, True, False, 0, -7, 2 ** 70, 3])]
    if depth > 3 or rng.random() < 0.3:
        return rng.choice(leaves)()
    if rng.random() < 0.5:
        return {rng.choice(["a", "unit", "values", "é", "x y", ""]) + str(i): _document(rng, depth + 1)
                for i in range(rng.randint(0, 4))}
    items = [_document(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return tuple(items) if rng.random() < 0.2 else items


def test_the_indented_text_is_json_dumps_bytes_on_any_document() -> None:
    rng = random.Random(24)
    for _ in range(2000):
        document = _document(rng)
        assert dumps_indented(document) == json.dumps(document, indent=2)
    # what it does not write itself (a key that is no string, a subclass) it leaves to json.dumps: the same text
    for odd in ({1: 2.0}, {"a": [{None: 1}]}, [np.float64(1.5)], {"k": type("Text", (str,), {})("v")}, {True: "x"}):
        assert dumps_indented(odd) == json.dumps(odd, indent=2)
