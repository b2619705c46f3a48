"""Fuzz inputs for tests/test_fuzz.py and bench/fuzz_campaign.py: mutated examples and grammar-aware specs.

Everything here is a pure function of a `random.Random`, so an input is reproduced from its seed alone.

* `mutate(rng, data)`: one to four mutations of a real spec (examples/*.factory) at the level of characters,
  whitespace-separated tokens and lines (delete, duplicate, swap, copy, truncate, splice in a fragment),
  plus "semantic" mutations that keep the text parseable: a number replaced by an edge value (0, -1, 1e308,
  0.5, 10^15), a unit replaced by another, a stdlib part name replaced by another of any kind.
* `generate(rng)`: a random derivation of grammar/factory.lark (the LALR rules as lark expands them), with
  terminals drawn from the language's own vocabulary (block kinds and field names from dsl/schema.py, units
  from stdlib/units.txt, stdlib part names), and past a depth budget the shortest expansion of each rule,
  so that generated specs are small and mostly reach the checker and the evaluator, not only the parser.
  Half the generated specs start with stdlib imports and end with a site that places stdlib parts.
"""
from __future__ import annotations

import random
import re
from functools import lru_cache
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((REPO / "examples").glob("*.factory"))


@lru_cache(maxsize=1)
def seeds() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in EXAMPLES}


@lru_cache(maxsize=1)
def stdlib_parts() -> dict[str, list[str]]:
    """kind -> names of the stdlib's top-level blocks of that kind, and module of each name."""
    out: dict[str, list[str]] = {}
    for path in sorted((REPO / "stdlib").glob("*.factory")):
        for m in re.finditer(r"^([a-z_]+) ([A-Za-z][A-Za-z0-9_]*)\b", path.read_text(encoding="utf-8"), re.M):
            if m[1] not in ("param", "let", "assert", "from", "import"):
                out.setdefault(m[1], []).append(m[2])
    return out


@lru_cache(maxsize=1)
def units() -> list[str]:
    names = []
    for line in (REPO / "stdlib" / "units.txt").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([A-Za-z%$][A-Za-z0-9_]*)\s*=", line)
        if m:
            names.append(m[1])
    return names + ["kW", "MW", "GB", "TB/s", "GiB", "Gb/s", "USD/kWh", "PFLOP/s", "ktok/s", "m^3/s", "kUSD",
                    "ms", "Mtok", "Ttok", "TFLOP/s", "W/m^2", "USD/h", "m^2", "1/s", "kg/s", "L/min"]


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, list[str]]:
    from dsl import schema

    kinds = sorted(schema.kinds())
    fields = sorted({f for k in schema.kinds().values() for f in k.fields})
    return {"kinds": kinds, "fields": fields}


# ----------------------------------------------------------------------------- mutations

FRAGMENTS = [
    b"\x00", b"\xff", b"\xc3", b"\xed\xa0\x80", b"{", b"}", b"(", b")", b"[", b"]", b'"', b'"""', b"\\",
    b"\\\n", b"#", b"\n", b"\r", b"\t", b" ", b"=", b":", b",", b".", b"..", b"^", b"*", b"/", b"-", b"+",
    b" x ", b"let ", b"param ", b"assert ", b"import ", b"from ", b"extends ", b"if ", b" then ", b" else ",
    b"not ", b" and ", b" or ", b"true", b"false", b"step ", b"0", b"-1", b"1e308", b"1e-308", b"10^15",
    b"10^19", b"2.5", b".5", b"9" * 40, b"W", b"kW", b"degC", b"K", b"USD/kWh", b"GiB", b"TB/s", b"%",
    "é".encode(), "µ".encode(), "°".encode(), "\u200b".encode(), "\ufeff".encode(),
]
EDGE_NUMBERS = ["0", "-1", "1", "0.5", "1e308", "1e-308", "10^15", "1e-9", "100000", "2", "3", "0.0001", "-0",
                "1_000_000", "1e30", "7", "(0 - 1)", "1 / 0"]


def _split(data: bytes, level: str) -> list[bytes]:
    if level == "char":
        text = data.decode("utf-8", "surrogateescape")
        return [ch.encode("utf-8", "surrogateescape") for ch in text]
    if level == "token":
        return [p for p in re.split(rb"(\s+)", data) if p]
    return data.splitlines(keepends=True)


def _fragment(rng: random.Random) -> bytes:
    r = rng.random()
    if r < 0.7:
        return rng.choice(FRAGMENTS)
    if r < 0.85:
        return bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
    return rng.choice(vocabulary()["fields"] + vocabulary()["kinds"]).encode()


_NUMBER_RE = re.compile(rb"(?<![A-Za-z_\d.])\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?")
_UNIT_RE = re.compile(rb"(?<=\d )[A-Za-z%$][A-Za-z0-9_/^*]*")
_PART_RE = re.compile(rb"\b[A-Z][A-Za-z0-9]*_[A-Za-z0-9_]+\b|\b(?:DGX|GB|VR|H|B)\d+[A-Za-z0-9_]*\b")


def _semantic(rng: random.Random, data: bytes) -> bytes:
    """A mutation that keeps the text parseable: replace one number, unit or stdlib part name."""
    which = rng.choice(["number", "number", "unit", "part"])
    pattern = {"number": _NUMBER_RE, "unit": _UNIT_RE, "part": _PART_RE}[which]
    spans = [m.span() for m in pattern.finditer(data)]
    if not spans:
        return data
    a, b = rng.choice(spans)
    if which == "number":
        new = rng.choice(EDGE_NUMBERS).encode()
    elif which == "unit":
        new = rng.choice(units()).encode()
    else:
        new = rng.choice([n for names in stdlib_parts().values() for n in names]).encode()
    return data[:a] + new + data[b:]


def mutate_once(rng: random.Random, data: bytes) -> bytes:
    op = rng.choice(["delete", "duplicate", "swap", "copy", "truncate", "insert", "replace",
                     "semantic", "semantic", "semantic"])
    if op == "semantic":
        return _semantic(rng, data)
    if op == "truncate":
        return data[: rng.randint(0, len(data))]
    if op == "insert":
        pos = rng.randint(0, len(data))
        return data[:pos] + _fragment(rng) + data[pos:]
    units_ = _split(data, rng.choice(["char", "token", "line", "line"]))
    if not units_:
        return data
    i = rng.randrange(len(units_))
    if op == "delete":
        del units_[i:i + rng.randint(1, max(1, min(4, len(units_) - i)))]
    elif op == "duplicate":
        units_.insert(i, units_[i])
    elif op == "swap":
        j = rng.randrange(len(units_))
        units_[i], units_[j] = units_[j], units_[i]
    elif op == "copy":
        units_[i] = units_[rng.randrange(len(units_))]
    else:
        units_[i] = _fragment(rng)
    return b"".join(units_)


def mutate(rng: random.Random) -> tuple[str, bytes]:
    """(seed example name, mutated bytes)."""
    name = rng.choice(sorted(seeds()))
    data = seeds()[name]
    for _ in range(rng.randint(1, 4)):
        data = mutate_once(rng, data)
    return name, data


# ----------------------------------------------------------------------------- grammar-aware generation

@lru_cache(maxsize=1)
def _grammar():
    """(rules by origin, terminal patterns, shortest derivation length of each nonterminal)."""
    from lark import Lark

    lark = Lark((REPO / "grammar" / "factory.lark").read_text(encoding="utf-8"), parser="lalr")
    rules: dict[str, list[list[tuple[bool, str]]]] = {}
    for rule in lark.rules:
        rules.setdefault(rule.origin.name, []).append([(sym.is_term, sym.name) for sym in rule.expansion])
    terminals = {t.name: t.pattern for t in lark.terminals}
    # shortest expansion, by fixpoint: cost of a terminal 1, of a nonterminal its cheapest rule
    cost = {name: float("inf") for name in rules}
    changed = True
    while changed:
        changed = False
        for name, expansions in rules.items():
            for exp in expansions:
                c = sum(1 if term else cost[sym] for term, sym in exp)
                if c < cost[name]:
                    cost[name] = c
                    changed = True
    return rules, terminals, cost


_USER_NAMES = ["a", "b", "n", "p", "r", "s", "h", "gpu", "node", "load", "count", "x1", "power", "tdp"]


def _terminal(rng: random.Random, name: str, pattern, names: list[str]) -> str:
    if name == "NAME":
        r = rng.random()
        voc = vocabulary()
        if r < 0.25:
            return rng.choice(voc["kinds"])
        if r < 0.55:
            return rng.choice(voc["fields"])
        if r < 0.7:
            return rng.choice([n for ns in stdlib_parts().values() for n in ns])
        if r < 0.85 and names:
            return rng.choice(names)
        new = rng.choice(_USER_NAMES)
        names.append(new)
        return new
    if name == "NUMBER":
        return rng.choice(["0", "1", "2", "4", "8", "72", "0.5", "1.5", "100", "1e3", "1e15", "3.35", "1_000",
                           ".5", "1e308", "1e-308", "576", "99999999999999999999"])
    if name == "UNIT":
        return rng.choice(units())
    if name == "STRING":
        return rng.choice(['"x"', '"air"', '"liquid"', '"fp8"', '"bf16"', '"server"', '"dc800"', '"N+1"',
                           '"rail_optimized"', '"""doc"""', '""', '"offline"', '"disaggregated"'])
    if name == "_NL":
        return "\n"
    if name == "COMP_OP":
        return rng.choice(["<=", ">=", "==", "!=", "<", ">"])
    if pattern.type == "str":
        return pattern.value
    raise ValueError(f"no generator for terminal {name} ({pattern})")


def generate(rng: random.Random, budget: int = 60) -> str:
    """A random spec derived from the grammar; `budget` bounds the number of nonterminal expansions."""
    rules, terminals, cost = _grammar()
    names: list[str] = []
    out: list[str] = []
    state = {"budget": budget}

    def expand(symbol: str, depth: int) -> None:
        expansions = rules[symbol]
        state["budget"] -= 1
        if state["budget"] <= 0 or depth > 25:
            best = min(sum(1 if t else cost[s] for t, s in exp) for exp in expansions)
            expansions = [exp for exp in expansions if sum(1 if t else cost[s] for t, s in exp) == best]
        for is_term, sym in rng.choice(expansions):
            if is_term:
                out.append(_terminal(rng, sym, terminals[sym], names))
            else:
                expand(sym, depth + 1)

    expand("start", 0)
    text = _join(out)
    if rng.random() < 0.5:
        text = _with_stdlib_frame(rng, text)
    return text


def _join(tokens: list[str]) -> str:
    text = ""
    for tok in tokens:
        if tok == "\n" or text.endswith("\n") or not text:
            text += tok
        elif tok in (".", ",", ")", "]") or text.endswith(("(", "[", ".")):
            text += tok
        else:
            text += " " + tok
    return text + "\n"


def _with_stdlib_frame(rng: random.Random, body: str) -> str:
    parts = stdlib_parts()
    rack = rng.choice(parts["rack"])
    server = rng.choice(parts["server"])
    model = rng.choice(parts["model"])
    n = rng.choice(["1", "2", "0", "16", "n", "1e6"])
    header = ("from systems import *\nfrom models import *\nfrom chips import *\nfrom facility import *\n"
              "from network import *\nparam n = 2\n")
    site = (f"site s {{\n  hall h x {rng.choice(['1', '2', 'n'])} {{\n    rack r: {rack} x {n}\n"
            f"    rack q {{\n      server v: {server} x {rng.choice(['1', '2', 'n'])}\n    }}\n  }}\n"
            f"  inference w {{\n    model = {model}\n    rack = {rack}\n  }}\n}}\n")
    return header + body + site
