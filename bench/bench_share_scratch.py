"""How much of a keystroke's checks' stage the share's scratch evaluations take (`compiler.share.PlacementShare._scratch`:
one per class of copies, the first placement's checks evaluated alone), and how much of it is the firsts whose scratch
values the keystroke changed: the most that keeping a first's scratch result across versions could save.

Not a test: run it by hand.  `python3 bench/bench_share_scratch.py [--lines 2000] [--edits 7]`

In process, gc off, the session and the document's memo kept (as the server runs), a chip's `tdp` edited one digit
at a time on bench_check.py's generated spec. Per keystroke: the CPU s of all scratch evaluations, of those whose
values (every path and its bytes) differ from the version before's, their counts, and the checks' stage.
"""
from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import numpy as np  # noqa: E402

import dsl  # noqa: E402
import compiler.share as S  # noqa: E402
from bench_check import generate  # noqa: E402
from compiler.lsp.analysis import Analysis  # noqa: E402
from compiler.memo import ValueMemo  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--edits", type=int, default=7)
    args = parser.parse_args()
    seen: dict[str, tuple] = {}
    inner = S.PlacementShare._scratch

    def scratch(self, first, *rest):
        start = time.process_time()
        got = inner(self, first, *rest)
        spent = time.process_time() - start
        values = {} if got is None else {p: v.tobytes() if isinstance(v, np.ndarray) else repr(v)
                                         for p, v in got[0].scratch.values.items()}
        seen[first.path] = (spent, values, got is None)
        return got
    S.PlacementShare._scratch = scratch

    text = generate(args.lines)
    session, memo = dsl.Session(), ValueMemo()
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "generated.factory")

        def one(version: str) -> tuple[dict, float]:
            seen.clear()
            analysis = Analysis(version, path, tmp, session, memo=memo)
            start = time.process_time()
            analysis.checks_diagnostics()
            stage = time.process_time() - start
            analysis.release()
            return dict(seen), stage

        gc.disable()
        at = text.index(" W  ")             # a chip's `tdp` (every hall reaches it)
        one(text)
        before, _ = one(text[:at - 1] + "1" + text[at:])
        for k in range(args.edits):
            now, stage = one(text[:at - 1] + str(2 + k % 8) + text[at:])
            changed = [p for p in now if p not in before or now[p][1] != before[p][1]]
            print(f"scratch evaluations {sum(v[0] for v in now.values()):.4f} s, of the firsts the edit changed "
                  f"{sum(now[p][0] for p in changed):.4f} s; firsts {len(now)}, changed {len(changed)}, "
                  f"not closed {sum(v[2] for v in now.values())}; checks' stage {stage:.4f} s")
            before = now


if __name__ == "__main__":
    main()
