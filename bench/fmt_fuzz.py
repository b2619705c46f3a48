"""Front-end fuzz: mutated examples through `fmt` and `check` (and `eval` for one input in four).

    python3 bench/fmt_fuzz.py SEED N [--out DIR]

Each input is a tests/fuzz_gen.py mutation of an example (or an example as is), then one of a few line-level
edits (CRLF, tabs, BOM, NUL, a long line, deep brackets, `\\` continuations and lone `\\` lines, unicode in
comments, lone CR, form feeds, trailing blanks, unit powers, huge and tiny numbers, swapped units). Reported
(one line per new signature, the input written to DIR): format-failed; fmt refusing a file `check` accepts;
fmt(fmt(x)) != fmt(x); `check` diagnostics that differ after fmt; eval values that differ after fmt; a
diagnostic span outside its file; an exception; more than 30 s on one input. Input i is a function of
(SEED, i). Session 13 (s13-trustfe) found five defects with it (see git log, "found by the fmt fuzz").
"""
import argparse, os, sys, random, re, json, traceback, signal, collections
from pathlib import Path
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO)); sys.path.insert(0, str(REPO / "tests"))
import fuzz_gen
from dsl.format import format_text
import compiler
from dsl.diagnostics import Code

class TO(Exception): pass
def alarm(*a): raise TO()
signal.signal(signal.SIGALRM, alarm)

def extra(rng, data: bytes) -> bytes:
    op = rng.choice(["lonecont", "cont", "cont", "commentcont", "unitpow", "bignum", "tiny", "unitswap", "crlf", "tabs", "bom", "nul", "longline", "deep", "cont", "unicode", "cr", "ff", "trail", "none", "none"])
    t = data
    if op in ("unitpow", "bignum", "tiny", "unitswap"):
        ms = list(re.finditer(rb"(\d[\d_.]*(?:[eE][-+]?\d+)?) ([A-Za-z%$][A-Za-z0-9_/^*]*)", t))
        if ms:
            m = rng.choice(ms)
            num, unit = m.group(1), m.group(2)
            if op == "unitpow": unit = unit + b"^" + rng.choice([b"2", b"-3", b"13", b"0", b"400", b"-400"])
            elif op == "bignum": num = rng.choice([b"1e308", b"1.8e308", b"9" * 400, b"1e200", b"123456789012345678901234567890"])
            elif op == "tiny": num = rng.choice([b"1e-308", b"4.9e-324", b"1e-330", b"0.0000000000000000000001"])
            else: unit = rng.choice([b"W", b"kW", b"degC", b"K", b"USD", b"GB/s", b"tok/s", b"%", b"GiB", b"FLOP/s", b"h", b"yr", b"USD/kWh"])
            t = t[:m.start()] + num + b" " + unit + t[m.end():]
    elif op == "lonecont":
        lines = t.split(b"\n"); i = rng.randrange(len(lines)); lines.insert(i, rng.choice([b"\\", b"  \\", b"\\  ", b""])); lines.insert(i, b"\\"); t = b"\n".join(lines)
    elif op == "commentcont":
        lines = t.split(b"\n"); i = rng.randrange(len(lines)); lines[i] = lines[i] + b" \\"; lines.insert(i + 1, rng.choice([b"# c", b"  # c", b"", b"  ", b"}", b")", b"]"])); t = b"\n".join(lines)
    elif op == "crlf": t = t.replace(b"\n", b"\r\n")
    elif op == "tabs": t = re.sub(rb"(?m)^  ", b"\t", t)
    elif op == "bom": t = b"\xef\xbb\xbf" + t
    elif op == "nul":
        p = rng.randint(0, len(t)); t = t[:p] + b"\x00" + t[p:]
    elif op == "longline": t = t + b"\nlet zz = " + b" + ".join([b"1"] * rng.choice([100, 3000])) + b"\n"
    elif op == "deep":
        d = rng.choice([50, 150, 199, 201, 400]); t = t + b"\nlet dd = " + b"(" * d + b"1" + b")" * d + b"\n"
    elif op == "cont":
        lines = t.split(b"\n"); i = rng.randrange(len(lines)); lines[i] = lines[i] + rng.choice([b" \\", b"\\", b" \\ "]); t = b"\n".join(lines)
    elif op == "unicode":
        p = t.find(b"#");
        if p >= 0: t = t[:p+1] + " µ° ünïcødé — 電力 🙂".encode() + t[p+1:]
    elif op == "cr": t = t.replace(b"\n", b"\r")
    elif op == "ff": t = t.replace(b"\n", b"\n\x0c", 3)
    elif op == "trail": t = t.replace(b"\n", b"   \t\n")
    return op, t

def spans_ok(diags, text, name):
    lines = text.split("\n")
    bad = []
    for d in diags:
        s = d.span
        if s is None: bad.append(f"no span: {d.code} {d.message}"); continue
        if s.file != name: continue
        if not (1 <= s.line <= len(lines)) or not (1 <= s.col <= len(lines[s.line-1]) + 1):
            bad.append(f"span out of file {s.line}:{s.col} {d.code} {d.message}")
    return bad

def key(diags):
    return collections.Counter((d.code, re.sub(r"\d+:\d+", "L:C", d.message)) for d in diags)

def one(rng, i, do_eval):
    name, data = fuzz_gen.mutate(rng) if rng.random() < 0.8 else (None, rng.choice(list(fuzz_gen.seeds().values())))
    op, data = extra(rng, data)
    text = data.decode("utf-8", "replace")
    fname = "fuzz.factory"
    probs = []
    try:
        signal.alarm(30)
        f1 = format_text(text, fname)
        codes = [d.code for d in f1.sink.items]
        if Code.FORMAT_FAILED in codes:
            probs.append("format-failed: " + "; ".join(d.message for d in f1.sink.items))
        probs += ["fmt " + b for b in spans_ok(f1.sink.items, text.replace("\r\n", "\n"), fname)]
        checked, sink = compiler.check_text(text, fname)
        probs += ["check " + b for b in spans_ok(sink.items, text, fname)]
        syntax = any(d.code in ("syntax-error","invalid-character","unterminated-string","unclosed-brace","unmatched-close","nesting-too-deep") for d in sink.items)
        if f1.sink.items and not syntax and not probs:
            probs.append("fmt refused but check has no syntax error: " + str(codes) + " check:" + str([d.code for d in sink.items][:5]))
        if not f1.sink.items:
            f2 = format_text(f1.text, fname)
            if f2.text != f1.text: probs.append("not idempotent")
            checked2, sink2 = compiler.check_text(f1.text, fname)
            if key(sink.items) != key(sink2.items):
                probs.append(f"check differs after fmt: {sorted(set(key(sink.items))^set(key(sink2.items)))[:4]}")
            if do_eval and not sink.has_errors():
                r1, s1 = compiler.evaluate_text(text, fname)
                r2, s2 = compiler.evaluate_text(f1.text, fname)
                if (r1 is None) != (r2 is None): probs.append("eval presence differs")
                elif r1 is not None:
                    import numpy as np
                    for p in set(r1.values) | set(r2.values):
                        a, b = r1.values.get(p), r2.values.get(p)
                        if a is None or b is None: probs.append(f"eval path {p} only in one"); break
                        if not isinstance(a, np.ndarray): continue
                        try:
                            if not np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True): probs.append(f"eval {p} differs {a} {b}"); break
                        except TypeError:
                            if str(a) != str(b): probs.append(f"eval {p} differs"); break
        signal.alarm(0)
    except TO:
        probs.append("hang (>30s)")
    except Exception as e:
        signal.alarm(0)
        probs.append("exception " + type(e).__name__ + ": " + str(e)[:200] + " " + traceback.format_exc().splitlines()[-3][:200])
    return op, data, probs

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("seed", type=int); ap.add_argument("n", type=int)
    ap.add_argument("--out", default="build/fmt_fuzz")
    args = ap.parse_args()
    seed, n = args.seed, args.n
    os.makedirs(args.out, exist_ok=True)
    cnt = collections.Counter()
    for i in range(n):
        rng = random.Random(seed * 100003 + i)
        op, data, probs = one(rng, i, i % 4 == 0)
        for p in probs:
            sig = re.sub(r"\d+", "N", p)[:90]
            cnt[sig] += 1
            if cnt[sig] <= 2:
                open(os.path.join(args.out, f"{seed}_{i}.factory"), "wb").write(data)
                print(f"[{seed}:{i} op={op}] {p[:300]}", flush=True)
    print("done", n, dict(cnt))
