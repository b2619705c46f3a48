"""How sure `factory validate`'s median |error| is: the cluster bootstrap of compiler/validate.py (`cluster_key`,
`resample_counts`, `bootstrap_medians`, `median_interval`), as laws on small made-up error sets and one case
enumerated by hand. The reference file's own intervals are checked in tests/test_validate.py."""
from __future__ import annotations

import numpy as np
import pytest

from compiler.validate import (Row, UserRow, bootstrap_medians, cluster_key, median_interval, render_user,
                               resample_counts, user_cluster_key, user_summary)


def _made_up(seed: int) -> tuple[np.ndarray, list[int]]:
    """|errors| of 20-60 clusters of 1-4 rows each, the rows of a cluster near one another (as a run listed twice)."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 5, size=int(rng.integers(20, 61)))
    centres = np.abs(rng.normal(0.0, 0.15, size=len(sizes)))
    errors = np.concatenate([c + np.abs(rng.normal(0, 0.01, size=n)) for c, n in zip(centres, sizes)])
    return errors, [i for i, n in enumerate(sizes) for _ in range(n)]


@pytest.mark.parametrize("seed", range(8))
def test_the_interval_contains_the_median(seed) -> None:
    errors, clusters = _made_up(seed)
    lo, hi = median_interval(errors, clusters)
    assert lo <= float(np.median(errors)) <= hi


def test_the_same_input_gives_the_same_interval() -> None:
    errors, clusters = _made_up(1)
    assert median_interval(errors, clusters) == median_interval(errors, clusters)
    assert np.array_equal(bootstrap_medians(errors, clusters), bootstrap_medians(errors, clusters))


def test_each_resample_draws_as_many_clusters_as_there_are() -> None:
    counts = resample_counts(7, resamples=500, seed=3)
    assert counts.shape == (500, 7) and (counts >= 0).all() and (counts.sum(axis=1) == 7).all()


def test_a_resample_median_is_the_median_of_the_rows_drawn() -> None:
    """The vectorised median equals np.median of the resample written out row by row (each cluster's rows repeated
    as often as the cluster was drawn)."""
    errors, clusters = _made_up(2)
    counts = resample_counts(len(set(clusters)), resamples=60, seed=11)
    medians = bootstrap_medians(errors, clusters, resamples=60, seed=11)
    weights = counts[:, clusters]                                  # clusters are 0..k-1 in order of appearance
    for b in range(60):
        assert medians[b] == np.median(np.repeat(errors, weights[b]))


def test_one_cluster_gives_a_zero_width_interval_at_its_median() -> None:
    """Every resample draws the one cluster once: every resample is the rows themselves."""
    errors = np.array([0.02, 0.31, 0.07, 0.12, 0.05, 0.4])
    lo, hi = median_interval(errors, ["one"] * len(errors))
    assert lo == hi == float(np.median(errors)) == pytest.approx(0.095)


def test_a_run_listed_twice_moves_neither_the_median_nor_the_interval() -> None:
    """Listing every row twice in its own cluster (the -99 and -99.9 variants of one run) keeps the median, and each
    resample holds every row twice as often, so each resample's median and the interval are the same: no surer."""
    errors, clusters = _made_up(4)
    twice, twice_clusters = np.concatenate([errors, errors]), clusters + clusters
    assert np.median(twice) == np.median(errors)
    assert median_interval(twice, twice_clusters) == median_interval(errors, clusters)
    # were the copies counted as rows of their own, the interval would come out narrower: the reason for clusters
    lo, hi = median_interval(twice, range(len(twice)))
    alone_lo, alone_hi = median_interval(errors, clusters)
    assert hi - lo < alone_hi - alone_lo


def test_three_clusters_by_hand() -> None:
    """A = {1%, 2%}, B = {5%}, C = {30%}; all rows: median (2% + 5%) / 2 = 3.5%. A resample draws 3 clusters with
    replacement; counts (a, b, c) with probability 3! / (a! b! c!) / 27, and the median of the rows drawn:
        (3,0,0) 1.5%  1/27     (2,1,0) 2%    3/27     (2,0,1) 2%    3/27     (1,2,0) 3.5%  3/27
        (1,1,1) 3.5%  6/27     (0,3,0) 5%    1/27     (0,2,1) 5%    3/27     (1,0,2) 16%   3/27
        (0,1,2) 30%   3/27     (0,0,3) 30%   1/27
    so 1.5% has probability 1/27 = 3.7% (above 2.5%) and 30% has 4/27 = 14.8%: the interval is [1.5%, 30%], the
    least and the greatest cluster median (A's 1.5%, C's 30%)."""
    errors, clusters = [0.01, 0.02, 0.05, 0.30], ["A", "A", "B", "C"]
    chance = {0.015: 1, 0.02: 6, 0.035: 9, 0.05: 4, 0.16: 3, 0.30: 4}          # in 27ths
    medians = bootstrap_medians(errors, clusters)
    found = {round(float(m), 6) for m in medians}
    assert found <= set(chance)
    for median, in27 in chance.items():                 # 2,000 resamples: within 3 binomial standard deviations
        p = in27 / 27
        assert abs(np.mean(np.isclose(medians, median)) - p) <= 3 * (p * (1 - p) / len(medians)) ** 0.5
    lo, hi = median_interval(errors, clusters)
    assert (lo, hi) == pytest.approx((0.015, 0.30))
    assert lo <= np.median(errors) <= hi


def test_no_rows_no_interval() -> None:
    assert all(np.isnan(median_interval([], [])))


def _row(**kw) -> Row:
    data = {"round": "inference-v5.0", "benchmark": "llama2-70b-99", "scenario": "Server", "system": "sys A",
            "accelerator": "NVIDIA H100-SXM-80GB", "num_accelerators": "8", "metric": "ttft_p99", "value": "1",
            "unit": "ms", "source": ""}
    return Row(2, {**data, **kw})


def test_a_cluster_is_one_submission_configuration() -> None:
    """The -99 and -99.9 variants of a run are one cluster; another round, scenario, system, accelerator or count
    is another."""
    one = cluster_key(_row())
    assert cluster_key(_row(benchmark="llama2-70b-99.9")) == one
    assert cluster_key(_row(metric="tpot_p99", value="2", source="x")) == one
    for other in ({"round": "inference-v4.1"}, {"scenario": "Offline"}, {"system": "sys B"},
                  {"accelerator": "NVIDIA H200-SXM-141GB"}, {"num_accelerators": "16"},
                  {"benchmark": "llama2-70b-interactive-99"}):
        assert cluster_key(_row(**other)) != one


# ----------------------------------------------------------------------------- --user rows
def _user(line: int, quantity: str, predicted: float, measured: float = 100.0, spec: str = "lab.factory") -> UserRow:
    return UserRow(line, spec, quantity, measured, "W", predicted)


def test_three_user_figures_by_hand() -> None:
    """Three figures measured once each: errors +2%, -5%, +30% (predicted 102, 95, 130 against 100), three
    clusters. All rows: median |error| 5%. A resample draws 3 of the figures with replacement; its median is the
    value drawn at least twice, else (one of each, 6/27) 5%: 2% with probability (1 + 3 + 3)/27 = 7/27, 30% with
    7/27, 5% with 13/27. Both ends hold more than 2.5%, so the 95% interval is [2%, 30%], the least and greatest
    |error|; within 10%: 2 of 3 rows; worst 30% at line 4."""
    rows = [_user(2, "lab.a", 102.0), _user(3, "lab.b", 95.0), _user(4, "lab.c", 130.0)]
    s = user_summary(rows)
    assert s["count"] == 3 and s["clusters"] == 3
    assert s["median"] == pytest.approx(0.05) and s["bias"] == pytest.approx(0.02)
    assert s["interval"] == pytest.approx((0.02, 0.30))
    assert 0.02 - 1e-12 <= s["interval"][0] <= s["median"] <= s["interval"][1] <= 0.30 + 1e-12
    assert s["within"] == pytest.approx(2 / 3)
    assert s["worst"] == pytest.approx(0.30) and s["worst_row"].line == 4
    text = render_user(rows)
    assert text == render_user(rows)                    # the same rows print the same text, interval included
    assert ("user: 3 rows compared, median |error| 5.0% (95% interval 2.0%-30.0% over 3 spec quantities; 66.7% "
            "of rows within 10%), median signed +2.0%, worst 30.0% (line 4: lab.c)") in text


def test_a_user_figure_is_one_cluster() -> None:
    """A user row has no submission: its cluster is the figure it measures, spec file and quantity path. The same
    quantity of another spec, or another quantity of the same spec, is another cluster; the same spec named by
    another path to the same file is the same."""
    one = user_cluster_key(UserRow(2, "lab.factory", "lab.a", spec_path="/x/lab.factory"))
    assert user_cluster_key(UserRow(9, "./lab.factory", "lab.a", 3.0, "W", 4.0, spec_path="/x/./lab.factory")) == one
    assert user_cluster_key(UserRow(2, "lab.factory", "lab.b", spec_path="/x/lab.factory")) != one
    assert user_cluster_key(UserRow(2, "lab.factory", "lab.a", spec_path="/y/lab.factory")) != one


def test_a_user_figure_measured_again_narrows_nothing() -> None:
    """Every figure measured twice alike (the same run at two releases): the median, the interval and the cluster
    count stay."""
    errs = [1.02, 0.95, 1.30, 0.90, 1.11, 1.04, 0.75]
    rows = [_user(i + 2, f"lab.q{i}", 100 * e) for i, e in enumerate(errs)]
    twice = rows + [_user(i + 20, f"lab.q{i}", 100 * e) for i, e in enumerate(errs)]
    s, s2 = user_summary(rows), user_summary(twice)
    assert (s2["median"], s2["interval"], s2["clusters"]) == (s["median"], s["interval"], s["clusters"])


def test_no_user_rows_no_interval() -> None:
    s = user_summary([])
    assert s["count"] == 0 and s["worst_row"] is None and all(np.isnan(s["interval"]))
    assert render_user([]).endswith("user: no rows compared\n")
