"""Robustness of `factory check`: mutated specs and adversarial inputs never crash it.

The contract (README, compiler/cli.py): for any spec input, `factory check` exits 0 (clean) or 1 (spec
errors), never prints a traceback or "internal error", and every diagnostic points at file:line:col.

* A Hypothesis property test mutates real specs (examples/*.factory, or the specs embedded below when
  that folder is empty) at the level of characters, whitespace-separated tokens and lines, truncates
  them and splices in random bytes, then runs the CLI (in-process, via click's CliRunner) on the result.
  `test_mutated_specs_slow` is the same property with 3000 examples, marked `slow` and so deselected by
  default (pyproject.toml addopts); run it with `python3 -m pytest -m slow`.
* Explicit adversarial inputs: binary data, empty and non-UTF-8 files, a 100 MB (sparse) file, deep
  nesting, long operator chains, and out-of-range multiplicities, each with its expected diagnostic code.
"""
from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compiler.cli import main

REPO = Path(__file__).resolve().parent.parent

# ----------------------------------------------------------------------------- seed specs

# Used when examples/ holds no .factory file. All three check clean (test_seed_specs_are_clean).
EMBEDDED_SPECS: dict[str, str] = {
    "nvl72_hall.factory": '''\
"""A liquid-cooled hall of NVL72-class racks for a frontier training run."""

param halls_racks = 16
param price = 0.07 USD/kWh

chip b200 {
  vendor = "NVIDIA"
  tdp = 1.2 kW                   # B200 in GB200, vendor brief
  memory = 192 GB
  memory_bw = 8 TB/s
  bf16 = 2.25 PFLOP/s
  fp8 = 4.5 PFLOP/s
  price = 35000 USD
}

cpu grace {
  cores = 72
  tdp = 300 W
}

nic cx8 {
  bandwidth = 800 Gb/s
  ports = 1
  power = 25 W
}

server compute_tray {
  chip gpu: b200 x 4
  cpu host: grace x 2
  nic fabric: cx8 x 4
  cooling = "liquid"
  liquid_fraction = 85 %
  overhead_power = 600 W
  let chip_power = sum(chip.tdp)
  assert chip_power <= 5 kW, "four GPUs fit one tray"
}

switch nvswitch_tray {
  ports = 144
  port_speed = 1.8 TB/s * 8
  power = 1.6 kW
}

rack nvl72 {
  server tray: compute_tray x 18
  switch sw: nvswitch_tray x 9
  cooling = "liquid"
  power_limit = 132 kW
  let gpus = count(server.chip)
  let draw = sum(server.chip.tdp) + 18 * 600 W
  assert draw <= power_limit, "the rack's shelves carry its load"
}

cdu row_cdu {
  capacity = 1.3 MW
  power = 15 kW
  flow = 0.05 m^3/s
}

site abilene {
  location = "Abilene, TX"
  electricity_price = price
  ambient_temp = 38 degC
  utility_feed = 200 MW
  hall h1 {
    power_feed = 40 MW
    supply_temp = 30 degC
    row a {
      rack r: nvl72 x halls_racks
      cdu c: row_cdu x 2
      let heat = sum(rack.server.chip.tdp)
    }
    let rise = 10 K
    let budget = power_feed * 0.9 - 2 MW
  }
}
''',
    "inference_room.factory": '''\
"""An air-cooled inference room with 8-GPU servers and a small model service."""
param racks = 4..40 step 4

chip h100 {
  tdp = 700 W
  memory = 80 GB
  memory_bw = 3.35 TB/s
  bf16 = 989 TFLOP/s
  fp8 = 1979 TFLOP/s
}

server hgx_h100 {
  chip gpu: h100 x 8
  max_power = 10.2 kW            # DGX H100 user guide
  cooling = "air"
  height = 8 U
}

rack air_rack {
  server node: hgx_h100 x 2
  power_limit = 25 kW
  height = 48 U
  assert sum(server.max_power) <= power_limit, "two nodes fit the rack's feed"
}

model llama70b {
  params = 70e9
  layers = 80
  hidden = 8192
  heads = 64
  kv_heads = 8
  context = 128000 tok
}

site office {
  electricity_price = 0.12 USD/kWh
  hall room {
    area = 400 m^2
    rack r: air_rack x 4
    let gpus = count(rack.server.chip)
    let density = sum(rack.server.max_power) / area
    let cooling_ok = if density > 2 kW/m^2 then false else true
  }
  inference chat {
    model = llama70b
    system = hgx_h100
    precision = "fp8"
    scenario = "server"
    input_tokens = 2000 tok
    output_tokens = 500 tok
    demand = 45 ktok/s       # 60 of the 64 GPUs at the solved capacity point (50 needed 66 since 2026-12-07)
    utilization = 0.6
  }
}
''',
    "campus.factory": '''\
"""A two-hall campus: power chain, cooling plant and finance assumptions."""

param gpus_per_rack = 72
let energy_year = 100 MW * 1 yr

transformer main_tx {
  capacity = 50 MW
  efficiency = 0.99
  redundancy = "N+1"
}

ups big_ups {
  capacity = 2.5 MW
  efficiency = 0.96
  price = 1.2 MUSD
}

chiller ch {
  capacity = 5 MW
  power = 800 kW
  cop = 6.2
}

chip tpu {
  tdp = 960 W
  memory = 192 GB
  bf16 = 2.3 PFLOP/s
}

rack pod_rack {
  chip t: tpu x 64
  power_limit = 80 kW
  let load = sum(chip.tdp)
  assert load <= power_limit
}

site campus {
  electricity_price = 0.05 USD/kWh
  ambient_temp = 32 degC
  wet_bulb_temp = 24 degC
  shell_cost = 8 USD/W
  transformer tx: main_tx x 3
  ups u: big_ups x 20
  chiller c: ch x 12
  hall east {
    power_feed = 30 MW
    rack r: pod_rack x 300
  }
  hall west {
    power_feed = 30 MW
    rack r: pod_rack x 250
    let spare = power_feed - sum(rack.chip.tdp)
  }
  finance money {
    depreciation_it = 5 yr
    depreciation_facility = 20 yr
    discount_rate = 8 % / 1 yr
  }
  let total_gpus = count(hall.rack.chip)
  let cost_energy = energy_year * electricity_price
  assert cost_energy > 0 USD, "energy costs money"
}
''',
}


def _seed_specs() -> dict[str, bytes]:
    examples = sorted((REPO / "examples").glob("*.factory")) if (REPO / "examples").is_dir() else []
    if examples:
        return {p.name: p.read_bytes() for p in examples}
    return {name: text.encode("utf-8") for name, text in EMBEDDED_SPECS.items()}


SEEDS = _seed_specs()
SEED_NAMES = sorted(SEEDS)

# ----------------------------------------------------------------------------- running the CLI

_LOCATION_RE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (error|warning|note)\[")


def run_check(path: Path | str, fmt: str = "json"):
    """`factory check PATH --format FMT` in-process; returns click's Result."""
    return CliRunner().invoke(main, ["check", str(path), "--format", fmt], catch_exceptions=True)


def assert_no_crash(result) -> None:
    output = result.output  # stdout and stderr, interleaved
    assert "Traceback" not in output, output[-3000:]
    assert "internal error" not in output.lower(), output[-3000:]
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"the CLI raised {type(result.exception).__name__}: {result.exception}") \
            from result.exception
    assert result.exit_code in (0, 1), (result.exit_code, output[-3000:])


def _line_count(data: bytes) -> int:
    return data.count(b"\n") + 1


def json_diagnostics(result, path: Path | str, data: bytes | None = None) -> list[dict]:
    """Parse the JSON report; check each diagnostic's location (and, given `data`, that it is in the file)."""
    report = json.loads(result.stdout)
    diags = report["diagnostics"]
    has_errors = any(d["severity"] == "error" for d in diags)
    assert report["ok"] is (not has_errors), report
    assert result.exit_code == (1 if has_errors else 0), (result.exit_code, diags)
    for diag in diags:
        loc = diag["location"]
        assert loc is not None, f"diagnostic without a location: {diag}"
        assert loc["line"] >= 1 and loc["col"] >= 1, diag
        assert (loc["end_line"], loc["end_col"]) >= (loc["line"], loc["col"]), diag
        for rel in diag["related"]:
            assert rel["location"] is not None and rel["location"]["line"] >= 1 \
                and rel["location"]["col"] >= 1, diag
        if data is not None and loc["file"] == str(path):
            assert loc["line"] <= _line_count(data), (diag, _line_count(data))
    return diags


def assert_text_locations(result, path: Path | str) -> int:
    """Every `error[` / `warning[` header line of the text form starts with `<file>:<line>:<col>:`.

    Returns how many headers were seen; an exit code of 1 must come with at least one.
    """
    headers = 0
    for line in result.stdout.splitlines():
        if re.search(r"\b(error|warning)\[[a-z0-9-]+\]:", line) and not line.startswith(" "):
            m = _LOCATION_RE.match(line)
            assert m is not None, f"diagnostic header without file:line:col: {line!r}"
            assert int(m["line"]) >= 1 and int(m["col"]) >= 1, line
            headers += 1
    if result.exit_code == 1:
        assert headers >= 1, result.stdout[-2000:]
    return headers


def codes(diags: list[dict]) -> list[str]:
    return [d["code"] for d in diags]


# ----------------------------------------------------------------------------- mutations

# Byte fragments worth splicing in: brackets, quotes, NUL, invalid UTF-8, multi-byte and odd unicode,
# line endings, language punctuation and numbers at the edge of the allowed ranges.
_FRAGMENTS = [
    b"\x00", b"\xff", b"\xfe\xff", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\x80",
    b"{", b"}", b"(", b")", b"[", b"]", b'"', b'"""', b"\\", b"\\\n", b"#", b"\n", b"\r", b"\r\n",
    b"\t", b"\x0c", b"\x1b", b"\x7f", b" ", b"=", b":", b",", b".", b"..", b"^", b"*", b"/", b"-", b"+",
    b"x", b" x ", b"let ", b"param ", b"assert ", b"import ", b"from ", b"extends ", b"if ", b" then ",
    b" else ", b"not ", b" and ", b" or ", b"true", b"false", b"step ",
    b"0", b"1e308", b"1e-308", b"10^19", b"-1", b"2.5", b"1_000", b".5", b"9" * 40,
    b"W", b"kW", b"degC", b"K", b"USD/kWh", b"GiB", b"TB/s", b"%", b"m^2", b"s^-1",
    "é".encode(), "µ".encode(), "°".encode(), "“".encode(), "”".encode(), "😀".encode(), "\u200b".encode(),
    "\u2028".encode(), "\ufeff".encode(), "ｘ".encode(), "١".encode(),
]

_fragment = st.one_of(
    st.sampled_from(_FRAGMENTS),
    st.binary(min_size=1, max_size=12),
    st.text(min_size=1, max_size=6).map(lambda s: s.encode("utf-8", "surrogatepass")),
)


def _split(data: bytes, level: str) -> list[bytes]:
    """The units a mutation acts on; joining them gives `data` back."""
    if level == "char":
        text = data.decode("utf-8", "surrogateescape")
        return [ch.encode("utf-8", "surrogateescape") for ch in text]
    if level == "token":
        return [p for p in re.split(rb"(\s+)", data) if p]
    return data.splitlines(keepends=True)


@st.composite
def _mutation(draw, data: bytes) -> bytes:
    op = draw(st.sampled_from(["delete", "duplicate", "swap", "copy", "copy", "truncate", "insert", "replace"]))
    if op == "truncate":
        return data[: draw(st.integers(0, len(data)))]
    if op == "insert":
        pos = draw(st.integers(0, len(data)))
        return data[:pos] + draw(_fragment) + data[pos:]
    level = draw(st.sampled_from(["char", "token", "line"]))
    units = _split(data, level)
    if not units:
        return data
    i = draw(st.integers(0, len(units) - 1))
    if op == "delete":
        span = draw(st.integers(1, max(1, min(4, len(units) - i))))
        del units[i:i + span]
    elif op == "duplicate":
        units.insert(i, units[i])
    elif op == "swap":
        j = draw(st.integers(0, len(units) - 1))
        units[i], units[j] = units[j], units[i]
    elif op == "copy":  # overwrite a unit with another of the same spec: often still parses
        units[i] = units[draw(st.integers(0, len(units) - 1))]
    else:  # replace one unit by a fragment
        units[i] = draw(_fragment)
    return b"".join(units)


@st.composite
def mutated_specs(draw) -> tuple[str, bytes]:
    name = draw(st.sampled_from(SEED_NAMES))
    data = SEEDS[name]
    for _ in range(draw(st.integers(1, 4))):
        data = draw(_mutation(data))
    return name, data


def _check_mutant(name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory(prefix="factory-fuzz-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        result = run_check(path, "json")
        assert_no_crash(result)
        json_diagnostics(result, path, data)
        text_result = run_check(path, "text")
        assert_no_crash(text_result)
        assert text_result.exit_code == result.exit_code
        assert_text_locations(text_result, path)


# ----------------------------------------------------------------------------- property tests

def test_seed_specs_are_clean(tmp_path):
    """The unmutated seeds (and the embedded fallback specs) check clean, so mutations start from valid specs."""
    seeds = dict(SEEDS)
    seeds.update({f"embedded_{k}": v.encode("utf-8") for k, v in EMBEDDED_SPECS.items()})
    for name, data in seeds.items():
        path = tmp_path / name
        path.write_bytes(data)
        result = run_check(path)
        assert_no_crash(result)
        assert result.exit_code == 0, (name, result.output)




@settings(max_examples=25, deadline=None, derandomize=True,     # 3,000 under -m slow (below)
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated_specs())
def test_mutated_specs(case):
    _check_mutant(*case)


@pytest.mark.slow
@settings(max_examples=3000, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated_specs())
def test_mutated_specs_slow(case):
    _check_mutant(*case)


# ----------------------------------------------------------------------------- adversarial inputs

def _write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _checked(path: Path, data: bytes | None = None) -> tuple[int, list[dict]]:
    result = run_check(path, "json")
    assert_no_crash(result)
    return result.exit_code, json_diagnostics(result, path, data)


def test_binary_garbage(tmp_path):
    import random
    rng = random.Random(1234)
    data = bytes(rng.randrange(256) for _ in range(4096)) + b"\x00"
    path = _write(tmp_path, "garbage.factory", data)
    code, diags = _checked(path)
    assert code == 1
    assert codes(diags) == ["file-binary"]


def test_empty_file(tmp_path):
    path = _write(tmp_path, "empty.factory", b"")
    code, diags = _checked(path)
    assert code == 0 and diags == []


def test_not_utf8_points_at_the_bad_byte(tmp_path):
    data = b'let a = 1 kW\nlet b = "caf\xe9"\n'
    path = _write(tmp_path, "latin1.factory", data)
    code, diags = _checked(path)
    assert code == 1
    assert codes(diags) == ["file-not-utf8"]
    loc = diags[0]["location"]
    assert (loc["line"], loc["col"]) == (2, 13)  # the col of \xe9, counted in characters


def test_hundred_megabyte_file(tmp_path):
    path = tmp_path / "huge.factory"
    with open(path, "wb") as f:
        f.write(b'"""A valid header, then 100 MiB of (sparse) zero bytes."""\nlet a = 1\n')
        f.truncate(100 * 2**20)
    code, diags = _checked(path)
    assert code == 1
    assert codes(diags) == ["file-too-large"]
    assert diags[0]["location"]["line"] == 1


def _deep_blocks(depth: int) -> str:
    opens = "".join(f"{'  ' * min(i, 40)}rack r{i} {{\n" for i in range(depth))
    return opens + "}\n" * depth


@pytest.mark.parametrize("text", [
    pytest.param(_deep_blocks(10_000), id="blocks"),
    pytest.param("let a = " + "(" * 10_000 + "1" + ")" * 10_000 + "\n", id="parentheses"),
    pytest.param("let a = " + "[" * 10_000 + "1" + "]" * 10_000 + "\n", id="lists"),
    pytest.param("let a = " + "max(" * 10_000 + "1" + ")" * 10_000 + "\n", id="calls"),
    pytest.param("let a = " + "(" * 10_000 + "\n", id="unclosed-parentheses"),
])
def test_nesting_too_deep(tmp_path, text):
    path = _write(tmp_path, "deep.factory", text)
    code, diags = _checked(path)
    assert code == 1
    assert "nesting-too-deep" in codes(diags)



@pytest.mark.parametrize("text", [
    pytest.param("let a = " + "- " * 10_000 + "1\n", id="unary-minus-10000"),
    pytest.param("let a = " + "-" * 10_000 + "1\n", id="unary-minus-unspaced-10000"),
    pytest.param("let a = " + "not " * 10_000 + "true\n", id="not-10000"),
    pytest.param("let a = " + "^".join(["1"] * 10_000) + "\n", id="power-10000"),
    pytest.param("let b = 1\nlet a = b" + ".c" * 10_000 + "\n", id="attribute-10000"),
    pytest.param("let a = " + "if true then 1 else " * 10_000 + "1\n", id="if-else-10000"),
    pytest.param("".join(f"let a{i} = a{i + 1} + 1 W\n" for i in range(500)) + "let a500 = 1 W\n",
                 id="forward-let-chain-500"),
    pytest.param("let a = " + "- " * 150 + "1\n", id="unary-minus-150"),
    pytest.param("let a0 = 1 W\n" + "".join(f"let a{i} = a{i - 1} + 1 W\n" for i in range(1, 3000)),
                 id="backward-let-chain-3000"),
])
def test_long_operator_chains_do_not_crash(tmp_path, text):
    path = _write(tmp_path, "chain.factory", text)
    code, diags = _checked(path)
    assert code in (0, 1)
    if code == 1:  # if the checker refuses the chain, it must say so with a located diagnostic
        assert "nesting-too-deep" in codes(diags), diags


_LONG_CHAINS = {
    "forward-let-chain-5000": "".join(f"let a{i} = a{i + 1} + 1 W\n" for i in range(5000)) + "let a5000 = 1 W\n",
    "forward-param-chain-5000": "".join(f"param p{i} = p{i + 1} + 1\n" for i in range(5000)) + "param p5000 = 1\n",
    "let-cycle-3000": "".join(f"let a{i} = a{(i + 1) % 3000} + 1 W\n" for i in range(3000)),
    # a long `extends` chain: resolving it is linear (it once was cubic: 3,000 links took ~40 s)
    "extends-chain-3000": "".join(f"rack r{i} extends r{i + 1} {{\n}}\n" for i in range(3000))
    + "rack r3000 {\n  power_limit = 1 kW\n}\n",
    "extends-cycle-3000": "".join(f"rack r{i} extends r{(i + 1) % 3000} {{\n}}\n" for i in range(3000)),
}


@pytest.mark.parametrize("text,expected", [
    pytest.param(_LONG_CHAINS["forward-let-chain-5000"], None,
                 id="forward-let-chain-5000"),
    pytest.param(_LONG_CHAINS["forward-param-chain-5000"], None,
                 id="forward-param-chain-5000"),
    pytest.param(_LONG_CHAINS["let-cycle-3000"], "definition-cycle", id="let-cycle-3000"),
    pytest.param("".join(f"let a{i} = a{(i + 1) % 2000} + 1 W\n" for i in range(2000)), "definition-cycle",
                 id="let-cycle-2000"),
    pytest.param(_LONG_CHAINS["extends-chain-3000"], None, id="extends-chain-3000"),
    pytest.param(_LONG_CHAINS["extends-cycle-3000"], "inheritance-cycle", id="extends-cycle-3000"),
])
def test_long_reference_chains_do_not_crash(tmp_path, text, expected):
    path = _write(tmp_path, "refs.factory", text)
    code, diags = _checked(path)
    if expected is None:
        assert code in (0, 1)
        if code == 1:
            assert "nesting-too-deep" in codes(diags), diags[:3]
    else:
        assert code == 1 and expected in codes(diags), diags[:3]


def _check_at_default_recursion_limit(text: str, name: str = "api.factory"):
    """dsl.check_text with Python's default recursion limit: what a process that never ran the CLI has."""
    import dsl
    saved = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    try:
        return dsl.check_text(text, name)
    finally:
        sys.setrecursionlimit(saved)


def test_api_forward_let_chain_at_default_recursion_limit():
    text = "".join(f"let a{i} = a{i + 1} + 1 W\n" for i in range(300)) + "let a300 = 1 W\n"
    _, sink = _check_at_default_recursion_limit(text, "api_chain.factory")
    assert [d.code for d in sink.items] in ([], ["nesting-too-deep"])


@pytest.mark.parametrize("name", sorted(_LONG_CHAINS))
def test_api_long_chains_at_default_recursion_limit(name):
    """The checker types long chains of references without deep recursion (it defers and retries)."""
    _, sink = _check_at_default_recursion_limit(_LONG_CHAINS[name], f"{name}.factory")
    expected = {"extends-cycle-3000": ["inheritance-cycle"]}.get(name, [])
    assert [d.code for d in sink.items] == expected


def test_api_deep_expressions_in_a_chain_at_default_recursion_limit():
    """The worst nesting the builder lets through (190 levels), in a chain of lets, an assert and a count."""
    deep = 190
    text = "".join(f"let a{i} = " + "max(" * deep + f"a{i + 1}" + ")" * deep + "\n" for i in range(50))
    text += "let a50 = 1\nassert " + "- " * deep + "a0 < 0\n"
    text += "site s {\n  hall h x " + "ceil(" * deep + "a0" + ")" * deep + " {\n  }\n}\n"
    _, sink = _check_at_default_recursion_limit(text)
    assert [d.code for d in sink.items] == []


@pytest.mark.slow
def test_many_unknown_names_stay_fast():
    """5,000 distinct unknown names in a scope of 5,000 names: "did you mean" is capped, not quadratic."""
    import time
    text = "".join(f"let load_{i} = laod_{i}\n" for i in range(5000))
    start = time.perf_counter()
    _, sink = _check_at_default_recursion_limit(text)
    elapsed = time.perf_counter() - start
    assert len(sink.items) == 5000 and {d.code for d in sink.items} == {"unknown-name"}
    assert sink.items[0].help == "did you mean `load_0`?"
    assert elapsed < 30, elapsed  # generous: ~1.5 s here; quadratic suggestions took minutes


def test_field_reads_the_outer_name_it_shadows():
    """`electricity_price = electricity_price` in a block reads the param outside, not itself."""
    text = ('param electricity_price = 0.08 USD/kWh\n'
            'site s {\n  location = "x"\n  electricity_price = electricity_price\n'
            '  let price = price\n}\n')
    checked, sink = _check_at_default_recursion_limit(text)
    # no `price` outside the block: an unknown name, not a definition cycle
    assert [(d.code, d.message) for d in sink.items] == [("unknown-name", "`price` is not defined here")]
    from dsl import nodes as n
    module = checked.program.entries[0]
    site = next(s for s in module.statements if isinstance(s, n.Block) and s.name == "s")
    field = next(s for s in site.body if isinstance(s, n.Field) and s.name == "electricity_price")
    assert field.value.outward
    param = module.statements[0]
    assert checked.scopes.lookup_name(field.value, site, module) is param
    assert checked.types[id(field.value)] == checked.types[id(param.value)]


def test_several_syntax_errors_are_each_reported(tmp_path):
    text = ("chip a {\n  tdp = = 700 W\n  memory = 80 GB\n}\n\nlet x = 1 +\nlet y = @\n"
            "rack r x {\n  power_limit = 1 kW\n}\nlett z = 3\nparam p = 1 W\n")
    path = _write(tmp_path, "several.factory", text)
    code, diags = _checked(path)
    assert code == 1
    assert [(d["code"], d["location"]["line"]) for d in diags] == [
        ("syntax-error", 2), ("syntax-error", 6), ("invalid-character", 7), ("syntax-error", 8),
        ("syntax-error", 11)]


def test_syntax_error_recovery_is_capped(tmp_path):
    path = _write(tmp_path, "many.factory", "let a = = 1\n" * 5000)
    code, diags = _checked(path)
    assert code == 1 and codes(diags) == ["syntax-error"] * 20


def test_long_arithmetic_chain(tmp_path):
    path = _write(tmp_path, "sum.factory", "let a = " + " + ".join(["1"] * 20_000) + "\n")
    code, diags = _checked(path)
    assert code == 0, diags


def test_long_unit_chain(tmp_path):
    path = _write(tmp_path, "sumw.factory", "let a = " + " + ".join(["1.5 kW"] * 5_000) + " - 2 MW\n")
    code, diags = _checked(path)
    assert code == 0, diags


_HALL = """\
rack r0 {{
  power_limit = 40 kW
}}

site s {{
  hall h {{
    {line}
  }}
}}
"""


@pytest.mark.parametrize("count", ["10^15", "1000000000000000", "1e15", "0", "2^53", "9007199254740992"])
def test_valid_large_multiplicity(tmp_path, count):
    for line in (f"rack r x {count}", f"rack r: r0 x {count}"):
        path = _write(tmp_path, "count.factory", _HALL.format(line=line))
        code, diags = _checked(path)
        assert code == 0, (line, diags)


@pytest.mark.parametrize("count", ["10^19", "10000000000000000000", "-1", "2.5", "1e300", "0.5 - 1", "3 kW",
                                   "10^18", "10^18 + 1", "1000000000000000001", "2^53 + 2"])
def test_invalid_multiplicity(tmp_path, count):
    for line in (f"rack r x {count}", f"rack r: r0 x {count}"):
        path = _write(tmp_path, "count.factory", _HALL.format(line=line))
        code, diags = _checked(path)
        assert code == 1, (line, diags)
        expected = "not-dimensionless" if "kW" in count else "invalid-count"
        assert expected in codes(diags) or "invalid-count" in codes(diags), (line, diags)
        loc = next(d for d in diags if d["code"] in (expected, "invalid-count"))["location"]
        assert loc["line"] == 7, (line, diags)


# Small odd inputs: each must give exit 0/1 with located diagnostics (and the expected code, if given).
_ODD_INPUTS = [
    ("bom-only", "\ufeff".encode(), None, 0),
    ("bom-then-spec", "\ufeff".encode() + b"let a = 1 W\n", None, 0),
    ("whitespace-only", b"  \n\t\n\x0c\n   ", None, 0),
    ("comment-only", b"# nothing here", None, 0),
    ("crlf", b"let a = 1 W\r\nlet b = a * 2\r\n", None, 0),
    ("lone-cr", b"let a = 1 W\rlet b = 2 W\r", None, None),
    ("open-brace", b"{", None, 1),
    ("close-brace", b"}", "unmatched-close", 1),
    ("close-paren", b")", "unmatched-close", 1),
    ("unterminated-string", b'let a = "abc\n', "unterminated-string", 1),
    ("unterminated-triple-string", b'"""abc\n\n', None, 1),
    ("unclosed-block", b"rack r {\n  power_limit = 1 kW\n", "unclosed-brace", 1),
    ("unicode-name", "let é = 1\n".encode(), "invalid-character", 1),
    ("smart-quotes", "let a = “x”\n".encode(), "invalid-character", 1),
    ("zero-width-space", "let a\u200b = 1\n".encode(), "invalid-character", 1),
    ("line-separator", "let a = 1\u2028let b = 2\n".encode(), None, None),
    ("escape-char", b"let a = 1\x1b\n", "invalid-character", 1),
    ("huge-number", b"let a = " + b"9" * 5000 + b"\n", None, None),
    ("huge-exponent", b"let a = 1e999999 W\n", None, None),
    ("tiny-exponent", b"let a = 1e-999999 W\n", None, None),
    ("huge-power", b"let a = 10^1000000\n", None, None),
    ("unit-power", b"let a = 1 m^999999999\n", None, None),
    ("division-by-zero", b"let a = 1 W / 0\n", None, None),
    ("long-line", b"let a = " + b"1" * 200_000 + b" W +\n", None, 1),
    ("long-name", b"let " + b"a" * 100_000 + b" = 1\n", None, 0),
    ("many-errors", b"let a = @\n" * 2000, "invalid-character", 1),
    ("many-unknown-names", b"".join(b"let a%d = b%d\n" % (i, i) for i in range(300)), "unknown-name", 1),
    ("self-reference", b"let a = a + 1\n", None, 1),
    ("param-range-huge", b"param p = 1..10^12 step 1\n", None, None),
    ("param-range-zero-step", b"param p = 1..10 step 0\n", None, 1),
    ("import-missing", b"import nothere\n", "import-not-found", 1),
    ("import-escape", b'import "../../../../etc/passwd" as p\n', None, 1),
    ("import-self", b'import "./odd.factory" as me\n', None, None),
]


@pytest.mark.parametrize("data,code_expected,exit_expected",
                         [pytest.param(d, c, e, id=i) for i, d, c, e in _ODD_INPUTS])
def test_odd_inputs(tmp_path, data, code_expected, exit_expected):
    path = _write(tmp_path, "odd.factory", data)
    code, diags = _checked(path, data)
    if exit_expected is not None:
        assert code == exit_expected, diags
    if code_expected is not None:
        assert code_expected in codes(diags), diags
    text_result = run_check(path, "text")
    assert_no_crash(text_result)
    assert_text_locations(text_result, path)


def test_imported_let_is_typed_in_its_own_module(tmp_path):
    """A let imported from another file reads that file's names, not the importer's."""
    _write(tmp_path, "lib.factory", "let base_price = 2 USD\nlet price = base_price * 2\n")
    main_path = _write(tmp_path, "main.factory", 'from "./lib.factory" import price\nlet total = price * 3\n')
    code, diags = _checked(main_path)
    assert code == 0, diags


def test_imported_modules_are_parsed_once_per_process(tmp_path):
    """An unchanged import is reused by the next run (an editor re-checking a buffer); a changed one is not."""
    import dsl
    lib = _write(tmp_path, "lib.factory", "chip c {\n  tdp = 1 W\n}\n")
    main_text = 'from "./lib.factory" import c\nchip d extends c {\n  tdp = 2 W\n}\n'
    name = str(tmp_path / "main.factory")
    first, sink1 = dsl.check_text(main_text, name)
    second, sink2 = dsl.check_text(main_text + "\n", name)
    key = str(lib.resolve())
    assert sink1.items == sink2.items == []
    assert first.program.modules[key] is second.program.modules[key]
    lib.write_text("chip c {\n  tdp = = 1 W\n}\n", encoding="utf-8")
    third, sink3 = dsl.check_text(main_text, name)
    assert [d.code for d in sink3.items][:1] == ["syntax-error"]  # then `c` is unknown: its file failed
    assert key not in third.program.modules


def _evaluate_at_default_recursion_limit(text: str, name: str = "api.factory"):
    """compiler.evaluate_text with Python's default recursion limit on the calling thread's stack."""
    from compiler import evaluate_text
    saved = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    try:
        return evaluate_text(text, name)
    finally:
        sys.setrecursionlimit(saved)


@pytest.mark.parametrize("name", ["forward-let-chain-5000", "forward-param-chain-5000"])
def test_long_chains_evaluate_at_default_recursion_limit(name):
    """Evaluation follows a 5,000-link chain of references with a work list, not deep recursion: the first
    link is 5,000 (W or 1) above the last."""
    results, sink = _evaluate_at_default_recursion_limit(_LONG_CHAINS[name], f"{name}.factory")
    assert sink.items == [] and results is not None
    first = "a0" if name.startswith("forward-let") else "p0"
    assert float(results.values[first][0]) == 5001.0


def test_a_cycle_through_the_work_list_is_reported():
    """A cycle longer than the nodes evaluated inside one another still reads as a definition cycle."""
    text = "".join(f"let a{i} = a{i + 1} + 1\n" for i in range(100)) + "let a100 = a0\n"
    results, sink = _evaluate_at_default_recursion_limit(text, "cycle.factory")
    assert [d.code for d in sink.items] == ["definition-cycle"]
    assert "a0 → a1 → a2" in sink.items[0].message


def test_deep_expressions_in_a_chain_evaluate_at_default_recursion_limit():
    deep = 190
    text = "".join(f"let a{i} = " + "max(" * deep + f"a{i + 1}" + ")" * deep + " + 1\n" for i in range(50))
    text += "let a50 = 1\nassert " + "- " * deep + "a0 > 0\n"       # an even number of signs: a0 > 0
    results, sink = _evaluate_at_default_recursion_limit(text)
    assert sink.items == [] and float(results.values["a0"][0]) == 51.0


def test_cli_evaluates_a_long_chain_without_a_deep_stack(tmp_path):
    """The CLI runs on the main thread with Python's own limits (no big-stack thread, no raised limit)."""
    path = _write(tmp_path, "chain.factory", _LONG_CHAINS["forward-let-chain-5000"])
    before = sys.getrecursionlimit()
    result = CliRunner().invoke(main, ["eval", str(path), "--select", "a0"])
    assert result.exit_code == 0, result.output
    assert result.output.split()[-2:] == ["5.001", "kW"]
    assert sys.getrecursionlimit() == before
