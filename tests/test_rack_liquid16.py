"""A rack's heat to liquid holds at least its servers' (their cold plates' heat goes into the rack's loop).

Before: a rack with `liquid_fraction = 0.3` of liquid-cooled servers (0.85 of their heat to liquid) reported
heat_liquid = 0.3 * it_power, sized its CDUs for that and sent the rest to air, with exit 0 (the front end refuses
only the `cooling` contradictions: tests/test_lang_hunt16b.py). Now: `invalid-value` at the rack's
`liquid_fraction`, with both figures, in each scenario where it holds less. A rack that takes more heat to liquid
than its servers (a rear-door heat exchanger on air-cooled servers, docs/kinds.md) is fine."""
from __future__ import annotations

import glob
from pathlib import Path

import pytest

from compiler.cli import run_pipeline
from compiler.display import format_quantity

HEAD = """\
chip c {
  tdp = 1000 W
}
server s {
  chip g: c x 8
  cooling = "liquid"
}
"""


def _run(tmp_path, text: str):
    path = tmp_path / "r.factory"
    path.write_text(text)
    return run_pipeline([str(path)], {}, None, evaluate_all=True)


def test_a_rack_whose_liquid_share_is_below_its_servers_is_an_error_at_its_field(tmp_path) -> None:
    text = HEAD + "param f = [0.3, 0.95]\nrack r {\n  server n: s x 4\n  liquid_fraction = f\n}\n"
    results, sink = _run(tmp_path, text)
    assert results is not None
    errors = [d for d in sink.items if d.code == "invalid-value"]
    assert len(errors) == 1, [d.message for d in sink.items]
    d = errors[0]
    assert (d.span.line, d.span.col) == (11, 3), (d.span.line, d.span.col)     # the rack's `liquid_fraction = f`
    # by hand: each server's peak power P (eval's own figure), 0.85 of it to liquid: the servers 4 * 0.85 * P; the
    # rack 0.3 * it_power. Only the f = 0.3 scenario fails (0.95 * it_power >= 3.4 P: the rear-door case).
    p = 8 * 1000 * (1 + 0.1) / 0.94            # 8 chips at TDP, overhead_fraction_liquid 0.1, psu_efficiency 0.94
    assert float(results.values["r.n.peak_power"][0]) == pytest.approx(p)         # 9,361.7 W
    it = float(results.values["r.it_power"][0])
    servers, rack = 4 * 0.85 * p, 0.3 * it       # 31.83 kW and 11.23 kW (it_power = 4 P = 37.45 kW)
    assert it == pytest.approx(4 * p) and (format_quantity(servers, "W"), format_quantity(rack, "W")) == \
        ("31.83 kW", "11.23 kW")
    assert rack < servers and 0.95 * it >= servers
    assert format_quantity(rack, "W") in d.message and format_quantity(servers, "W") in d.message, d.message
    assert "f=0.3" in d.message and "0.95" not in d.message.split("(in ")[-1], d.message
    failed = [c for c in results.checks if not c.ok]
    assert len(failed) == 1 and failed[0].failing == [0], failed


def test_a_rack_at_or_above_its_servers_liquid_share_is_not_flagged(tmp_path) -> None:
    # the servers' own share (0.85: equal, within rounding), a rear-door heat exchanger (1.0 of air-cooled servers'
    # heat), and a rack that leaves the fraction unset (the sum over its servers)
    for server_cooling, rack in [("liquid", "  liquid_fraction = 0.85\n"), ("air", "  liquid_fraction = 1\n"),
                                 ("liquid", "")]:
        text = HEAD.replace('"liquid"', f'"{server_cooling}"') + f"rack r {{\n  server n: s x 4\n{rack}}}\n"
        results, sink = _run(tmp_path, text)
        assert results is not None and not [d for d in sink.items if d.severity == "error"], \
            (text, [d.message for d in sink.items])


ROOT = Path(__file__).resolve().parents[1]
# the two largest examples (0.7 s of the file's 1 s) run under -m slow; the default run keeps the others
HEAVY_EXAMPLES = {"flagship_campus.factory", "inference_shootout.factory"}


@pytest.mark.parametrize("path", [pytest.param(str(p), marks=[pytest.mark.slow] if p.name in HEAVY_EXAMPLES else [],
                                               id=p.name) for p in sorted((ROOT / "examples").glob("*.factory"))])
def test_no_shipped_example_trips_it(path) -> None:
    results, sink = run_pipeline([path], {}, None, evaluate_all=True)
    assert not [d.message for d in sink.items if "heat into liquid" in d.message], path


def test_no_stdlib_rack_trips_it(tmp_path) -> None:
    """Every stdlib rack (GB200/GB300/VR NVL72, the air racks, Maia, TPU, Trn2, Groq, the templates) placed once."""
    import re
    names = sorted({m for f in glob.glob(str(ROOT / "stdlib" / "*.factory"))
                    for m in re.findall(r"^rack (\w+)", open(f, encoding="utf-8").read(), re.M)})
    assert {"GB200_NVL72", "GB300_NVL72", "VR_NVL72", "DGX_H100_rack"} <= set(names)
    racks = "".join(f"    rack r{i}: {n} x 1\n" for i, n in enumerate(names))
    text = f"from systems import {', '.join(names)}\nsite s {{\n  land_price = 0 USD\n  hall h {{\n{racks}  }}\n}}\n"
    results, sink = _run(tmp_path, text)
    assert results is not None, [d.message for d in sink.items]
    passed = [c.name for c in results.checks if c.name.endswith("the rack's heat to liquid holds its servers'")]
    assert not [d.message for d in sink.items if "heat into liquid" in d.message]
    assert len(passed) >= 8, passed              # the rule ran on the racks that set a fraction and place servers
