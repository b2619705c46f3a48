"""Source files and spans: the positions every later stage reports against.

Pipeline position: first; imported by every other `dsl` module. Imports nothing of the project.
Lines and columns are 1-based; columns count characters (Unicode code points, not bytes); `end` is exclusive.
What every surface calls a column (session 24): the CLI's `file:line:col` header, results and diagnostics JSON,
SARIF (`columnKind: unicodeCodePoints`), GitHub and GitLab give these code points; the carets under a quoted line
are placed by terminal cells (`dsl.diagnostics._cells`: a CJK character or emoji two, a combining accent none);
the language server sends 0-based UTF-16 code units (LSP's one mandatory encoding, `compiler/lsp/server.py`).
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range [start, end) in one source file, with 1-based line/col of both ends."""

    file: str
    start: int
    end: int
    line: int
    col: int
    end_line: int
    end_col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"

    def to_json(self) -> dict:
        return {"file": self.file, "line": self.line, "col": self.col,
                "end_line": self.end_line, "end_col": self.end_col}


@dataclass
class Source:
    """The text of one spec file, with its display name (as given on the command line or import)."""

    name: str
    text: str
    _line_starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        starts = [0]
        find = self.text.find
        pos = find("\n")
        while pos >= 0:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        self._line_starts = starts

    def line_col(self, offset: int) -> tuple[int, int]:
        offset = max(0, min(offset, len(self.text)))
        index = bisect.bisect_right(self._line_starts, offset) - 1
        return index + 1, offset - self._line_starts[index] + 1

    def span(self, start: int, end: int) -> Span:
        end = max(start, end)
        line, col = self.line_col(start)
        end_line, end_col = self.line_col(end)
        return Span(self.name, start, end, line, col, end_line, end_col)

    def line_text(self, line: int) -> str:
        if line < 1 or line > len(self._line_starts):
            return ""
        start = self._line_starts[line - 1]
        end = self._line_starts[line] - 1 if line < len(self._line_starts) else len(self.text)
        return self.text[start:end].rstrip("\r")

    @property
    def line_count(self) -> int:
        return len(self._line_starts)
