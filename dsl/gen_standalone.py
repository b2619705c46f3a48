"""Writes dsl/_parser_standalone.py: Lark's stand-alone LALR(1) parser of grammar/factory.lark.

    python3 -m dsl.gen_standalone          # rewrite dsl/_parser_standalone.py from the grammar
    python3 -m dsl.gen_standalone --check  # exit 1 when the committed module is not the grammar's

Not part of the pipeline: a developer's tool, run after every edit of grammar/factory.lark (tests/
test_standalone_parser.py fails, naming this command, while the module is stale).

Why: importing Lark (its grammar loader, and the third-party `regex` module it pulls in) and loading the
analysed grammar cost ~40 ms, a third of `factory check` on a small file. Lark's stand-alone generator
(`python -m lark.tools.standalone`, https://lark-parser.readthedocs.io/en/stable/tools.html) writes one
module that holds the LALR tables of the grammar and the part of Lark that runs them (lexer, parser,
transformer callbacks, errors), so parsing needs no Lark at run time. Lark stays a dependency: it makes
this module, and the tests compare the two parsers.

The generator's output is made byte-for-byte reproducible: Lark numbers the LALR states and symbols in the
order of sets (hash and memory order, so it differs between runs), so `_canonical` renumbers them: symbols
by name, states in breadth-first order from the start state, following transitions in symbol order (a
renaming, so the automaton is the same). Four edits are made to Lark's code, each checked to apply exactly
once (`_EDITS`): the optional import of the `regex` module (used by Lark only for `\\p{...}` classes,
which the grammar has none of), the import of pickle/zlib/base64 (used only for compressed tables, which
this module does not use), and Lark's `logging` logger, which Lark sets to CRITICAL and never logs at, so
it never writes anything: a silent stand-in with its methods replaces it (importing `logging` costs
~3 ms). A header names the command, Lark's version and the SHA-256 of the grammar text the tables were
made from (`GRAMMAR_SHA256`).

The generated code is Lark's, under the Mozilla Public License 2.0 (its header says so); the tables are
derived from this project's grammar.
"""
from __future__ import annotations

import ast
import hashlib
import os
import subprocess
import sys
from pathlib import Path

from .resources import grammar_path

TARGET = Path(__file__).resolve().parent / "_parser_standalone.py"
COMMAND = "python3 -m dsl.gen_standalone"

_EDITS = (
    ("try:\n    import regex\n    _has_regex = True\nexcept ImportError:\n    _has_regex = False\n",
     "_has_regex = False  # (edited by dsl.gen_standalone: the grammar has no \\p{...} class; `re` suffices)\n"),
    ("import sys, re\nimport logging\n", "import sys, re\n"),
    ('logger: logging.Logger = logging.getLogger("lark")\nlogger.addHandler(logging.StreamHandler())\n##\n\n##\n\n'
     'logger.setLevel(logging.CRITICAL)\n',
     "class _SilentLogger:  # (edited by dsl.gen_standalone: Lark sets its logger to CRITICAL and never logs at\n"
     "    def _silent(self, *args, **kwargs):  # that level, so nothing is ever written; this saves importing logging)\n"
     "        pass\n\n    debug = info = warning = exception = _silent\n\n\nlogger = _SilentLogger()\n"),
    ("\nimport pickle, zlib, base64\nDATA = (",
     "\n# (edited by dsl.gen_standalone: `import pickle, zlib, base64` removed; the tables are not compressed)\n"
     "DATA = ("),
)


def grammar_sha256(text: str | None = None) -> str:
    """SHA-256 of the grammar text (the file's, when `text` is None)."""
    if text is None:
        text = grammar_path().read_text(encoding="utf-8")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def generate() -> str:
    """The text of dsl/_parser_standalone.py for the grammar as it is now."""
    import lark

    grammar = grammar_path()
    env = {**os.environ, "PYTHONHASHSEED": "0"}    # (string-set order fixed too; `_canonical` does the rest)
    out = subprocess.run([sys.executable, "-m", "lark.tools.standalone", "--start", "start", "--lexer", "contextual",
                          str(grammar)], env=env, capture_output=True, text=True, check=True).stdout
    out = _canonical(out)
    for old, new in _EDITS:
        if out.count(old) != 1:
            raise SystemExit(f"dsl.gen_standalone: Lark {lark.__version__}'s output changed shape; "
                             f"the edit of {old.strip().splitlines()[0]!r} no longer applies")
        out = out.replace(old, new)
    header = (f"# GENERATED FILE, do not edit: `{COMMAND}` writes it from grammar/factory.lark\n"
              f"# (Lark {lark.__version__}'s stand-alone LALR(1) parser; see dsl/gen_standalone.py).\n"
              f'GRAMMAR_SHA256 = "{grammar_sha256(grammar.read_text(encoding="utf-8"))}"\n')
    return header + out


def _canonical(out: str) -> str:
    """`out` with its parse table (the line after `DATA = (`) renumbered canonically (module doc)."""
    lines = out.split("\n")
    at = lines.index("DATA = (") + 1
    data = ast.literal_eval(lines[at])
    table = data["parser"]["parser"]
    names = table["tokens"]                                    # symbol number -> name
    states = table["states"]                                   # state -> {symbol number: (action, argument)}
    symbol = {old: new for new, old in enumerate(sorted(names, key=lambda k: names[k]))}
    (start,) = table["start_states"].values()
    order, seen = [start], {start}
    for state in order:                                        # breadth-first; `order` grows as it is read
        for sym in sorted(states[state], key=lambda k: names[k]):
            action, target = states[state][sym]
            if action == 0 and target not in seen:             # 0: shift (or goto), to state `target`
                seen.add(target)
                order.append(target)
    if len(order) != len(states):
        raise SystemExit("dsl.gen_standalone: a state of the parse table is unreachable from the start")
    number = {old: new for new, old in enumerate(order)}
    table["tokens"] = {symbol[k]: names[k] for k in sorted(names, key=symbol.get)}
    table["states"] = {
        number[old]: {symbol[k]: ((0, number[t]) if a == 0 else (a, t))
                      for k, (a, t) in sorted(states[old].items(), key=lambda kv: symbol[kv[0]])}
        for old in order}
    table["start_states"] = {k: number[v] for k, v in table["start_states"].items()}
    table["end_states"] = {k: number[v] for k, v in table["end_states"].items()}
    lines[at] = repr(data)
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    text = generate()
    if "--check" in argv:
        if TARGET.read_text(encoding="utf-8") != text:
            print(f"{TARGET} is not the grammar's stand-alone parser; run `{COMMAND}`", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET} ({len(text):,} characters)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
