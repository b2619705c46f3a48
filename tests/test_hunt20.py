"""Laws found broken by the session-20 trust hunt in economics (s20-hunt, 2026-12-06), each with its failing case.

- A site sums its halls (compiler.models.cost: "A site sums its halls and adds the gear, racks and land it holds
  itself"): every part of the TCO of a site that holds no IT of its own is its halls' (count x each hall's), so a
  hall's tco_year and cost_per_accelerator_hour are its share of the bill the site states.
"""
from __future__ import annotations

import pytest

from spec_eval import run, value

YEAR = 365 * 86400.0

SITE = '''from chips import H100_SXM

server box {{
  chip gpu: H100_SXM x 8
  max_power = 10.2 kW
  price = 300000 USD
}}

rack r {{
  server node: box x 2
  power_limit = 25 kW
}}

site s {{
  electricity_price = 0.1 USD/kWh
  land_price = 1000000 USD
  hall big {{
    rack gpu: r x 4
  }}
  hall small: hall_template x 2
  finance books {{
    depreciation_it = 5 yr
    discount_rate = 0.08 / 1 yr
{site}
  }}
}}

hall hall_template {{
  rack gpu: r x 1
}}
'''

OPEX = ("opex_energy", "opex_maintenance", "opex_staff", "opex_water", "depreciation_year", "tco_year")


def _halls_and_site(results, name: str) -> tuple[float, float]:
    halls = value(results, f"s.big.{name}") + 2 * value(results, f"s.small.{name}")
    return halls, value(results, f"s.{name}")


@pytest.mark.parametrize("site_staff", ["    staff_cost = 1000000 USD / 1 yr", ""])   # the site states it; per MW
def test_a_sites_opex_and_tco_are_its_halls_when_it_holds_no_it_itself(site_staff: str) -> None:
    """The site places all its racks in halls, so each cost per year of the site is the halls' sum (the land's
    capital aside: the site buys the land). Before, a site's `staff_cost` ($1M a year) was the site's opex_staff,
    while its halls charged the default $60,000 per MW of IT (0.1005 MW: $6,032 a year in all): the halls' TCO
    summed to $1.26M a year where the site's was $2.25M, and a hall's cost_per_accelerator_hour left out 99% of
    the staff the site pays for. Now a hall's opex_staff is its IT power's share of the site's staff_cost (a
    finance block is placed in a site only), as the default per-MW staff is shared."""
    results, _ = run(SITE.format(site=site_staff))
    for name in OPEX:
        halls, site = _halls_and_site(results, name)
        if name == "tco_year":
            site -= value(results, "s.land_capital_year")
        assert halls == pytest.approx(site, rel=1e-9), name
    staff = value(results, "s.opex_staff") * YEAR
    it_mw = value(results, "s.it_power") / 1e6
    expected = 1e6 if site_staff else 60_000 * it_mw
    assert staff == pytest.approx(expected, rel=1e-9)


TRAIN = '''from systems import DGX_H100, DGX_B200, GB200_NVL72
from models import DeepSeek_V3, GPT_OSS_120B, Mixtral_8x7B

param n = 8

training t {{
  model = {model}
  {system}
  tokens = 1e12 tok
  accelerators = n
}}
'''


@pytest.mark.parametrize("model, system, counts", [
    ("DeepSeek_V3", "rack = GB200_NVL72", "2304..3600 step 72"),       # 3,096 -> 3,312 rose 4.5%
    ("GPT_OSS_120B", "system = DGX_B200", "[256, 272]"),                # rose 2.1%
    ("Mixtral_8x7B", "system = DGX_H100", "[1024, 1048]"),              # rose 1.5%
])
def test_more_accelerators_never_train_a_moe_slower(model: str, system: str, counts: str) -> None:
    """At a fixed global batch, a count can run any layout a smaller count runs, the rest idle, so its time to train
    is never longer. The search took only the most replicas a count allows (dp = floor(n / (tp pp cp))), and a MoE's
    expert-parallel degree must divide dp cp (ep_max = gcd(E, dp cp)): DeepSeek-V3 on 3,312 GB200 got dp 34 at tp 4,
    pp 12, cp 2 (ep 4), so its best layout took 114,579 s where 3,096 GB200 took 109,664 s (dp 32, ep 8, 24 idle).
    The search now also takes dp rounded down to each power of two up to the experts (`training._dp_rule`).
    (Dense models keep a residual of at most 0.12% on this sweep's kind: within a plateau of ceil(q / dp) the
    all-reduce grows and the distributed optimizer's step shrinks with dp, and only the largest dp is searched.)"""
    results, _ = run(TRAIN.format(model=model, system=system), defines={"n": counts})
    import numpy as np
    times = np.asarray(results.values["t.time_to_train"], dtype=float)
    assert np.all(np.isfinite(times))
    assert np.all(np.diff(times) <= 1e-12 * times[1:]), times


NEED = '''from systems import DGX_H100
from models import Llama3_1_70B

param n = 2016

training run {
  model = Llama3_1_70B
  system = DGX_H100
  tokens = 15e12 tok
  accelerators = n
}
training sized {
  model = Llama3_1_70B
  system = DGX_H100
  tokens = 15e12 tok
  deadline = 60 day
}
'''


def test_the_accelerators_a_deadline_needs_are_within_half_a_percent_of_the_fewest_that_meet_it() -> None:
    """`accelerators_needed` is the fewest accelerators that finish the run within its deadline. It was the smallest
    count of a geometric ladder ~7% apart: Llama 3.1 70B, 15 Ttok on DGX H100 in 60 days needed 2,016 (rung 2,087),
    where the same spec run on 1,968 (dp 41, tp 4, pp 6, cp 2) finishes in 59.66 days, 2.4% fewer accelerators
    bought. Now 16 counts between the last missing rung and the need are searched too (`training._refine_need`):
    the need is the fewest whole systems that meet the deadline, or at most 1/17 of a rung's gap above it."""
    import numpy as np
    results, _ = run(NEED, defines={"n": "1856..2016 step 8"})
    counts = np.arange(1856, 2017, 8)
    times = np.asarray(results.values["run.time_to_train"], dtype=float)
    fewest = counts[times <= 60 * 86400.0].min()
    needed = float(np.asarray(results.values["sized.accelerators_needed"]).ravel()[0])
    assert fewest == 1968
    assert fewest <= needed <= fewest * 1.005, needed
