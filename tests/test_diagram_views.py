"""What the diagram views draw (compiler/render/diagram.py): the power one-line's topology, labels that
leave room for the browser's font, and diagrams that read the results rather than the models."""
from __future__ import annotations

import re
from pathlib import Path

from compiler.cli import run_pipeline
from compiler.render.diagram import diagram_dot

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "cases" / "diagram"


def _dot(path: Path, view: str = "power") -> str:
    results, sink = run_pipeline([str(path)], {}, None, evaluate_all=True)
    assert results is not None, [d.message for d in sink.items]
    return diagram_dot(results, view)


def _edges(dot: str) -> list[tuple[str, str]]:
    return re.findall(r"^\s*(\w+) -> (\w+)", dot, flags=re.M)


def test_cooling_plant_is_fed_through_the_shared_transformer_or_switchgear() -> None:
    """campus.factory places one site transformer ahead of every hall; air_room.factory a transformer
    then LV switchgear. The cooling plant hangs off the last of them, never off the utility feed."""
    for case, tap in (("campus", "stage_campus__tx"), ("air_room", "stage_enterprise_room__lv")):
        edges = _edges(_dot(CASES / f"{case}.factory"))
        into_cooling = [a for a, b in edges if b.startswith("coolingload_")]
        assert into_cooling == [tap], (case, into_cooling)
        assert not any(a.startswith("utility_") and b.startswith("coolingload_") for a, b in edges)


def test_cooling_load_is_counted_in_the_gear_that_carries_it() -> None:
    """air_room: 325 kW IT, 83.9 kW cooling: the switchgear carries the UPS's input plus the cooling."""
    dot = _dot(CASES / "air_room.factory")
    assert "of which cooling 83.9 kW" in dot
    switchgear_in = re.search(r"lv_gear.*?in ([\d.]+) kW", dot, flags=re.S)
    ups_in = re.search(r"ups_500.*?in ([\d.]+) kW", dot, flags=re.S)
    assert switchgear_in and ups_in
    assert abs(float(switchgear_in.group(1)) - (float(ups_in.group(1)) + 83.9)) < 1.0


def test_without_shared_gear_the_cooling_plant_has_its_own_transformers() -> None:
    edges = _edges(_dot(ROOT / "examples" / "enterprise_starter.factory"))
    assert ("utility_headquarters", "mechfeed_headquarters") in edges
    assert ("mechfeed_headquarters", "coolingload_headquarters") in edges
    assert not any(a.startswith("utility_") and b.startswith("coolingload_") for a, b in edges)


def test_every_label_line_leaves_room_for_a_wider_font() -> None:
    """Each line of every label ends with en spaces (0.5 em) worth at least a tenth of its width (at
    about 0.55 em a character), so a browser font up to ~10% wider than the one Graphviz measured with
    stays inside the box."""
    from compiler.render.diagram import _room

    assert _room("") == ""
    line = "360 × GB300_NVL72 · 140 kW each · hybrid"            # 40 characters
    padded = _room(line)
    assert padded.startswith(line) and padded[len(line):] == "&#8194;" * 6   # ceil(40 * 0.12 * 0.55 / 0.5)
    assert _room("<B>a&amp;b</B>").endswith("&#8194;")                        # tags and entities are not text
    dot = _dot(ROOT / "examples" / "flagship_campus.factory", "cooling")
    for cell in re.findall(r"<FONT[^>]*>(.*?)</FONT>", dot):
        if "<FONT" in cell:
            continue
        text = re.sub(r"<[^>]*>", "", cell).replace("&#8194;", "\u2002")
        visible = text.rstrip("\u2002")
        if visible:
            assert (len(text) - len(visible)) * 0.5 >= 0.1 * 0.55 * len(visible), cell
