"""A site's chip types are walked once per evaluation, not once per reader (s25-scale).

The accelerators a site places, by chip type (compiler.models.cost `_chip_types`: count, capex, peak and average IT
power of the systems holding each type), are read by the site's service draws, its halls' metered shares and each
workload's accelerator-hour (`type_accelerator_hour`, `service_accelerator_hour`, through `_energy_types`), and
each read walked every hall of the site afresh: 6 walks of the whole site an evaluation with one service, 13 with
three workloads (8% of bench/scale_halls.py's 300-hall evaluation under cProfile). They are now found once per
site and evaluation (`cost.chip_types`, `energy_types`, `type_accelerator_hour`: `compiler.models.cached`), and a
reader after the first replays the walk's reads. These count the site-wide walks (a law of the work, not a
timing) and check that every figure's reads (`Node.deps`, solve keys expanded) and value are those of the walks
done afresh.
"""
from __future__ import annotations

from compiler import evaluate_text
from compiler.models import cost
from test_site_chain_walks24 import _evaluated   # tests/ is on the path: every figure's reads and value
from test_site_halls_walks23 import _site


def _two_services(halls: int) -> str:
    """tests/test_site_halls_walks23.py's site with a second service and a training run on its H100s."""
    return _site(halls).removesuffix("}\n") + (
        "  inference batch {\n    model = Llama3_1_8B\n    rack = DGX_H100_rack\n    accelerators = 8\n"
        '    precision = "fp8"\n    scenario = "server"\n    input_tokens = 500 tok\n    output_tokens = 100 tok\n'
        "    ttft_limit = 2 s\n    tpot_limit = 50 ms\n  }\n"
        "  training tune {\n    model = Llama3_1_8B\n    rack = DGX_H100_rack\n    accelerators = 8\n"
        "    tokens = 1 Gtok\n    seq_len = 4096 tok\n    global_batch = 1 Mtok\n  }\n}\n")


def _site_walks(monkeypatch, text: str) -> int:
    """How many times `_chip_types` walked a whole site (no `level`: a hall's own walk is one hall's work)."""
    calls = []
    walk = cost._chip_types
    monkeypatch.setattr(cost, "_chip_types",
                        lambda site, *a, **k: (calls.append(1) if k.get("level") is None else None)
                        or walk(site, *a, **k))
    _, sink = evaluate_text(text, "spec.factory")
    monkeypatch.undo()
    assert not [d for d in sink.items if d.severity == "error"]
    return len(calls)


def test_a_site_is_walked_for_its_chip_types_a_few_times_whatever_reads_them(monkeypatch) -> None:
    """One walk for the power figures, one for the capex, one at the spare draw, at 4 or 12 halls and one service
    or two and a training run (before: 6 at 4 or 12 halls with one service, 13 with three workloads)."""
    for text in (_site(4), _site(12), _two_services(4)):
        assert _site_walks(monkeypatch, text) <= 3


def test_a_figure_reading_the_chip_types_held_once_depends_on_what_it_did_when_it_walked(monkeypatch) -> None:
    """Every figure's reads and value, bit for bit, with the chip types held once per site and walked afresh by
    every reader (the code before s25-scale), on a site of halls with one service and with three workloads."""
    for text in (_site(3), _two_services(3)):
        held = _evaluated(text)
        monkeypatch.setattr(cost, "chip_types", lambda site, capex=True: cost._chip_types(site, capex=capex))
        monkeypatch.setattr(cost, "energy_types", cost._energy_types)
        monkeypatch.setattr(cost, "type_accelerator_hour", cost._type_accelerator_hour)
        walked = _evaluated(text)
        monkeypatch.undo()
        assert held[1] == walked[1]
        assert held[0] == walked[0]
