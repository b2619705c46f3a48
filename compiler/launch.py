"""The `factory` command's entry point, and its fast path: `factory check FILE...` without click.

Pipeline position: above `compiler.cli`. Imports `dsl.diagnostics`; the fast path imports `compiler`
(check_files), anything else is handed to the click CLI (`compiler.cli.main`).

`factory check` of a small file is what an editor or a pre-commit hook runs on every save, and importing
click and building the command group is ~15 ms of a ~90 ms start (bench/bench_check.py). So the plainest
call, `check` followed only by the names of regular, readable files (no option, no `-`, nothing that
starts with `-`, text that encodes to UTF-8 on UTF-8 standard streams), is run here directly: for such a
call click would only hand the names to the `check` command unchanged (its `click.Path` checks pass, the
options take their defaults), and that command would run `check_text_report` below, as this does. Any other
command line, including every one that ends in a usage error, goes to click, so help, errors and options
behave exactly as they always have. What click itself does around a command is done here too: an
unexpected exception is the contract's one line and exit 2 (`internal_error`, which the click commands use
too), and Ctrl-C prints click's "Aborted!" and exits 1.

`python -m compiler.cli` takes the same fast path (the first lines of compiler/cli.py); the console script
`factory` is `main` here (pyproject.toml).
"""
from __future__ import annotations

import os
import sys

from dsl.diagnostics import Code, render_text, summary_line

EXIT_OK, EXIT_SPEC_ERRORS, EXIT_USAGE = 0, 1, 2
CLI_CODES = {Code.UNKNOWN_PARAMETER, Code.INVALID_DEFINE}   # errors in a `-D` value: a usage error (exit 2)
MAX_ERRORS = 50                                             # diagnostics `check` shows in text (--max-errors)


def main() -> None:
    """The console script: a plain `check` runs here, anything else in the click CLI."""
    plain_check(sys.argv[1:])
    from .cli import main as cli

    cli()


def plain_check(args: list[str]) -> None:
    """Run `factory check FILE...` and exit, when `args` is such a plain call (module doc); else return."""
    if len(args) < 2 or args[0] != "check" or not _plain_files(args[1:]) or not _utf8_streams():
        return
    files = tuple(args[1:])
    try:
        from . import check_files

        checks, sink = check_files(list(files), {}, None)
        code = check_text_report(sink, files, MAX_ERRORS, _echo)
    except (KeyboardInterrupt, EOFError):          # what click does with them
        _echo("", err=True)
        _echo("Aborted!", err=True)
        sys.exit(1)
    except Exception as exc:  # noqa: BLE001 - the contract: never a bare traceback
        internal_error(exc, _echo)
    sys.exit(code)


def check_text_report(sink, files: tuple[str, ...], max_errors: int, echo) -> int:
    """`factory check`'s text output (the diagnostics, then the summary line); returns the exit code."""
    if sink.items:
        echo(render_text(sink.items, sink.sources, limit=max_errors))
        echo("")
    echo(summary_line(sink.items, len(files)))
    return exit_code(sink)


def exit_code(sink) -> int:
    """2 when an error is in the command line (a `-D` value: its syntax, name, unit or range), else 1 for
    errors in the specs, 0 for none."""
    from dsl.diagnostics import COMMAND_LINE_FLAGS

    errors = sink.errors
    if any(d.code in CLI_CODES or (d.span is not None and d.span.file.startswith(COMMAND_LINE_FLAGS))
           for d in errors):
        return EXIT_USAGE
    return EXIT_SPEC_ERRORS if errors else EXIT_OK


def internal_error(exc: BaseException, echo) -> None:
    """The contract for an exception nobody expected: one short line and exit 2, never a traceback (a reader
    that went away, `factory eval ... | head`, ends the run quietly)."""
    if isinstance(exc, RecursionError):
        echo("internal error: the spec is nested too deeply to process", err=True)
        sys.exit(EXIT_USAGE)
    if isinstance(exc, BrokenPipeError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_OK)
    echo(f"internal error: {type(exc).__name__}: {exc}", err=True)
    echo("  this is a bug in factory-dsl; please report it with the spec attached", err=True)
    sys.exit(EXIT_USAGE)


def _echo(text: str, err: bool = False) -> None:
    """click.echo of a str: the text and a newline, flushed, without ANSI escapes unless the stream is a
    terminal (the streams are UTF-8, `_utf8_streams`, so click would write to them as they are)."""
    stream = sys.stderr if err else sys.stdout
    text += "\n"
    if "\033" in text and not _isatty(stream):
        import re

        text = re.sub(r"\033\[[;?0-9]*[a-zA-Z]", "", text)    # click's strip_ansi
    stream.write(text)
    stream.flush()


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except Exception:  # noqa: BLE001 - click's isatty: a stream that cannot tell is not a terminal
        return False


def _plain_files(names: list[str]) -> bool:
    """Every name is a regular file this user may read, names no option and encodes to UTF-8."""
    for name in names:
        if name.startswith("-") or not os.path.isfile(name) or not os.access(name, os.R_OK):
            return False
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:                 # undecodable bytes in the name (surrogate escapes)
            return False
    return True


def _utf8_streams() -> bool:
    """Standard output and error write UTF-8 text (else click's echo, which copes with others, is used)."""
    import codecs

    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None)
        try:
            if encoding is None or codecs.lookup(encoding).name != "utf-8":
                return False
        except LookupError:
            return False
    return True
