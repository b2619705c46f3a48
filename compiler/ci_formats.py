"""Diagnostics for machines: SARIF 2.1.0, GitHub Actions workflow commands, a GitLab Code Quality report, and the
`check` JSON document.

Pipeline position: render (of diagnostics only); imports `dsl.diagnostics` and pydantic. `factory check
--format sarif|github|gitlab|json` prints these.

SARIF (OASIS SARIF 2.1.0, https://docs.oasis-open.org/sarif/sarif/v2.1.0/): one run whose driver is
`factory`, with one rule per code of the diagnostic registry (dsl/diagnostics.py CODES: id = the code,
shortDescription and help = its one-line explanation, pointing at docs/diagnostics.md, properties.tags =
its stage). A diagnostic is a result with ruleId and ruleIndex, level (error / warning / note), message.text
(the message, then its notes and help on their own lines) and one location: a relative URI with
uriBaseId `%SRCROOT%` (the repository root, `repository_root()`, given in run.originalUriBaseIds), or an
absolute `file://` URI for a spec outside it; regions are 1-based
lines and columns counted in Unicode code points (run.columnKind = unicodeCodePoints), end column
exclusive, as SARIF's region object defines them. Related spans become relatedLocations. A diagnostic
whose place is not a spec file is located at the place in a spec that uses it (a stdlib part's warning: the
block that places the part, its first related span in a spec), else (a bad `-D` on the command line) at line 1 of
the first spec, because GitHub's code scanning rejects results without a location; its message keeps its own place.

GitHub workflow commands (`::error file=F,line=L,col=C,endLine=EL,endColumn=EC,title=T::MESSAGE`): the
message escapes `%`, CR and LF as %25, %0D, %0A; property values also `:` and `,` as %3A and %2C (the
escaping of @actions/core's command.ts). Severity note becomes `::notice`. GitHub shows 10 annotations of a level a
step (`limit_annotations`): errors come first, and past 10 a summary annotation says how many more follow in the log.

GitLab Code Quality (`gitlab_issues`): the Code Climate issues GitLab shows on a merge request's diff, at the
spec's path and lines (see the function).

Every format places a file by its path relative to the repository root (`repository_root`: GITHUB_WORKSPACE when
set, else the git top level of the working folder, else the working folder), since GitHub matches an annotation's
`file=` and a SARIF URI, and GitLab a `location.path`, against the repository's paths: a path relative to the
working folder of a run from a subfolder (`../specs/x.factory`) matches no file, and its annotation no diff.

The `check --format json` document is described by the pydantic model `CheckReport`, whose JSON Schema is
published as docs/diagnostics.schema.json (regenerate: `python3 -m compiler.ci_formats > docs/diagnostics.schema.json`).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field

from dsl.diagnostics import CODES, COMMAND_LINE_FLAGS, ERROR, NOTE, WARNING, Diagnostic, place

from . import STDIN_NAME, STDLIB_PREFIX
from .render.results_schema import Check, Diagnostic as DiagnosticModel

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_NAME = "factory"
SRCROOT = "%SRCROOT%"
STDLIB_ROOT = "FACTORY_STDLIB"     # the stdlib's folder (run.originalUriBaseIds), for a related stdlib line
_LEVELS = {ERROR: "error", WARNING: "warning", NOTE: "note"}
_GITHUB_COMMANDS = {ERROR: "error", WARNING: "warning", NOTE: "notice"}
RULE_IDS = sorted(CODES)


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("factory-dsl")
    except Exception:  # noqa: BLE001 - a source checkout that was never installed
        return "0.0.0"


def _in_a_file(span, files: list[str]) -> bool:
    """Whether a span points into a spec (a file on disk, or the name given to standard input), not into
    a command-line pseudo-source such as `-D name`."""
    return span is not None and (span.file in files or os.path.isfile(span.file))


def _anchor(diag: Diagnostic, files: list[str]):
    """The span a CI format places `diag` at: its own when that is in a spec file, else its first related span in one
    (a stdlib part's warning: the place in the spec that uses the part, `compiler.place_stdlib_diagnostics`), else
    None (line 1 of the first spec: a `-D` mistake, a stdlib figure no spec places)."""
    if _in_a_file(diag.span, files):
        return diag.span
    return next((r.span for r in diag.related if _in_a_file(r.span, files)), None)


def _full_text(diag: Diagnostic, files: list[str], sources: dict | None = None) -> str:
    """The message, then its notes and help; a place that is no spec file in words (`-D halls=1..x` as typed,
    given `sources`)."""
    lines = [diag.message]
    if diag.span is not None and not _in_a_file(diag.span, files):
        lines[0] += f" (at {place(diag.span, sources or {})})"
    lines += [f"note: {r.label} at {r.span}" for r in diag.related]
    lines += [f"note: {n}" for n in diag.notes]
    if diag.help:
        lines.append(f"help: {diag.help}")
    return "\n".join(lines)


def repository_root() -> Path:
    """The folder CI paths are relative to: GITHUB_WORKSPACE (the checkout GitHub matches annotation paths
    against) when set, else the top level of the git work tree holding the working folder, else the working
    folder; resolved (symbolic links followed)."""
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if workspace:
        return Path(os.path.normpath(Path(workspace).resolve()))
    cwd = Path.cwd().resolve()
    return _git_top_level(str(cwd)) or cwd


def _git_top_level(cwd: str) -> Path | None:
    import subprocess

    try:
        done = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=cwd, capture_output=True, text=True,
                              timeout=30)
        top = done.stdout.strip() if done.returncode == 0 else ""
    except (OSError, subprocess.SubprocessError):
        top = ""
    return Path(top).resolve() if top else None


class RepositoryPaths:
    """Files placed relative to the repository root (`repository_root`), found once for the life of this object
    (one output: a `check --format github` run, a plan's annotations) rather than once per diagnostic (a git
    process each), and not kept past it in the module (a later run in another folder or with GITHUB_WORKSPACE set
    finds its own)."""

    def __init__(self, root: Path | None = None):
        self._root = root

    @property
    def root(self) -> Path:
        if self._root is None:
            self._root = repository_root()
        return self._root

    def display(self, file: str) -> str:
        """The path GitHub and GitLab match against the checkout: relative to the root when inside it, else as
        given."""
        try:
            return Path(os.path.normpath(Path(file).resolve())).relative_to(self.root).as_posix()
        except ValueError:
            return file


# ----------------------------------------------------------------------------------------------- SARIF
def _artifact_location(file: str, base: Path) -> dict:
    """A relative URI under %SRCROOT% when `file` lies in `base`, else an absolute file:// URI. A spec read from
    standard input that `--stdin-name` did not name (`<stdin>`, no file) has no URI: its location says so in words
    (`description`), since a URI would name a file of the repository that does not exist (until session 25,
    `%3Cstdin%3E` under %SRCROOT%)."""
    if file == STDIN_NAME:
        return {"description": {"text": "standard input (`factory check -`); `--stdin-name PATH` names its file"}}
    absolute = Path(os.path.normpath(Path(file).resolve()))
    try:
        relative = absolute.relative_to(base)
    except ValueError:
        return {"uri": absolute.as_uri()}
    return {"uri": quote(relative.as_posix()), "uriBaseId": SRCROOT}


def _in_stdlib(span) -> bool:
    """Whether a span points into the standard library (`<stdlib>/systems.factory`), no file of the repository."""
    return span is not None and span.file.startswith(STDLIB_PREFIX + "/")


def _related_artifact(file: str, base: Path) -> dict:
    """A related span's artifact: a stdlib file (the limit or assert a user's block fails, `<stdlib>/systems.factory`)
    under the FACTORY_STDLIB base, else as `_artifact_location`. Until session 26 a stdlib line was dropped from
    relatedLocations (no file of the repository), so SARIF alone lacked what the text and JSON relate."""
    if file.startswith(STDLIB_PREFIX + "/"):
        return {"uri": quote(file.removeprefix(STDLIB_PREFIX + "/")), "uriBaseId": STDLIB_ROOT}
    return _artifact_location(file, base)


def _region(span) -> dict:
    return {"startLine": span.line, "startColumn": span.col, "endLine": span.end_line, "endColumn": span.end_col}


def sarif_log(diagnostics: list[Diagnostic], files: list[str], base_dir: str | None = None,
              sources: dict | None = None) -> dict:
    """The SARIF 2.1.0 log of one `factory check` run (see the module docstring for the mapping)."""
    base = Path(os.path.normpath(Path(base_dir).resolve())) if base_dir else repository_root()
    rules = [{"id": code, "name": "".join(part.capitalize() for part in code.split("-")),
              "shortDescription": {"text": CODES[code][1]},
              "help": {"text": f"{CODES[code][1]} See docs/diagnostics.md, `{code}`."},
              "properties": {"tags": [CODES[code][0]]}} for code in RULE_IDS]
    index = {code: i for i, code in enumerate(RULE_IDS)}
    results = []
    for diag in sorted(diagnostics, key=Diagnostic.sort_key):
        anchor = _anchor(diag, files)
        if anchor is not None:
            location = {"physicalLocation": {"artifactLocation": _artifact_location(anchor.file, base),
                                             "region": _region(anchor)}}
        else:
            first = files[0] if files else "-"
            location = {"physicalLocation": {"artifactLocation": _artifact_location(first, base),
                                             "region": {"startLine": 1}}}
            if diag.span is not None and diag.span.file.startswith(COMMAND_LINE_FLAGS):
                typed = place(diag.span, sources or {})     # the place in words, as the CLI's header gives it
                location["message"] = {"text": f"{typed}, on the command line (shown at line 1 of the first spec: "
                                               "code scanning places every result in a file)"}
                location["logicalLocations"] = [{"fullyQualifiedName": typed, "kind": "parameter"}]
        result = {"ruleId": diag.code, "ruleIndex": index[diag.code], "level": _LEVELS[diag.severity],
                  "message": {"text": _full_text(diag, files, sources)}, "locations": [location]}
        related = [r for r in diag.related if _in_a_file(r.span, files) or _in_stdlib(r.span)]
        if related:
            result["relatedLocations"] = [
                {"id": i, "message": {"text": r.label},
                 "physicalLocation": {"artifactLocation": _related_artifact(r.span.file, base),
                                      "region": _region(r.span)}} for i, r in enumerate(related)]
        results.append(result)
    roots = {SRCROOT: {"uri": base.as_uri() + "/"}}
    if any(_in_stdlib(r.span) for d in diagnostics for r in d.related):
        from dsl.resources import stdlib_dir

        roots[STDLIB_ROOT] = {"uri": Path(stdlib_dir()).resolve().as_uri() + "/",
                              "description": {"text": "factory-dsl's standard library (`<stdlib>/` in messages)"}}
    run = {"tool": {"driver": {"name": TOOL_NAME, "version": _version(), "rules": rules}},
           "originalUriBaseIds": roots,
           "columnKind": "unicodeCodePoints",
           "results": results}
    return {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


# ------------------------------------------------------------------------------------------ GitHub
def escape_data(text: str) -> str:
    """A workflow command's message: % CR LF escaped (GitHub's escapeData)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: also : and , escaped (GitHub's escapeProperty)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_commands(diagnostics: list[Diagnostic], files: list[str], paths: RepositoryPaths | None = None,
                    sources: dict | None = None) -> str:
    """One `::error ...::message` line per diagnostic, sorted by place; files relative to `paths`' root (the
    repository root by default). A diagnostic whose place is no spec file (`<stdlib>/systems.factory`, a `-D` on
    the command line) is placed as in SARIF and GitLab (`_anchor`: the block that places a stdlib part, else line 1
    of the first spec), its message keeping its own place:
    GitHub shows an annotation without `file=` and `line=` in the run's summary only, never on the pull request's
    files (a stdlib system's `unpriced` warnings, which leave the spec's capex incomplete, were never on the diff)."""
    paths = paths or RepositoryPaths()
    lines = []
    for diag in sorted(diagnostics, key=Diagnostic.sort_key):
        props = []
        s = _anchor(diag, files)
        if s is not None:
            props += [("file", paths.display(s.file)), ("line", str(s.line)), ("col", str(s.col)),
                      ("endLine", str(s.end_line)), ("endColumn", str(s.end_col))]
        elif files:
            props += [("file", paths.display(files[0])), ("line", "1"), ("col", "1")]
        props.append(("title", f"factory {diag.severity}[{diag.code}]"))
        joined = ",".join(f"{k}={escape_property(v)}" for k, v in props)
        lines.append(f"::{_GITHUB_COMMANDS[diag.severity]} {joined}::{escape_data(_full_text(diag, files, sources))}")
    return "\n".join(lines) + ("\n" if lines else "")


ANNOTATIONS_PER_STEP = 10
"""Annotations of one level GitHub shows a step: "GitHub Actions are limited to 10 warning annotations and 10 error
annotations per step" (docs.github.com/en/rest/checks/runs, Update a check run, `output.annotations`); 50 a job, the
sum of its steps' (actions/toolkit docs/problem-matchers.md, Limitations). GitHub keeps the first written and drops
the rest without a word; notices are held to the same 10 here."""
_LEVEL_ORDER = ("error", "warning", "notice")


def _unescape(text: str) -> str:
    return (text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",")
            .replace("%25", "%"))


def _log_line(command: str) -> str:
    """A workflow command as a plain line of the log: `error: FILE:LINE:COL: TITLE: MESSAGE`, its lines joined."""
    head, _, message = command[2:].partition("::")
    level, _, props = head.partition(" ")
    values = dict(p.split("=", 1) for p in props.split(",") if "=" in p)
    place = ":".join(_unescape(values[k]) for k in ("file", "line", "col") if k in values)
    parts = [level] + ([place] if place else []) + ([_unescape(values["title"])] if "title" in values else [])
    return ": ".join(parts + [" / ".join(_unescape(message).splitlines())])


def limit_annotations(text: str) -> str:
    """Workflow commands as GitHub shows them within ANNOTATIONS_PER_STEP: errors first, then warnings, then
    notices, each level in the order written (by place). A level with more than 10: its first 9 are annotations,
    the 10th says how many more there are (at the place of the first of them, so it is on the diff too), and those
    follow, after every command, as plain lines of the step's log (`error: FILE:LINE:COL: TITLE: MESSAGE`), which
    GitHub shows in full. Other lines pass through, after the commands."""
    by_level: dict[str, list[str]] = {level: [] for level in _LEVEL_ORDER}
    other = []
    for line in text.splitlines():
        level = line[2:].partition("::")[0].partition(" ")[0] if line.startswith("::") else ""
        (by_level[level] if level in by_level else other).append(line)
    shown, log = [], []
    for level in _LEVEL_ORDER:
        lines = by_level[level]
        if len(lines) <= ANNOTATIONS_PER_STEP:
            shown += lines
            continue
        rest = lines[ANNOTATIONS_PER_STEP - 1:]
        head = rest[0][2:].partition("::")[0].partition(" ")[2]
        place = ",".join(p for p in head.split(",") if p.split("=", 1)[0] in ("file", "line", "col"))
        word = f"{len(rest)} more {level}s" if len(rest) > 1 else f"1 more {level}"
        summary = (f"{word} than GitHub annotates in a step ({ANNOTATIONS_PER_STEP} of a level): listed as plain "
                   f"lines of this step's log, after the annotations, from this place on")
        shown += lines[:ANNOTATIONS_PER_STEP - 1]
        shown.append(f"::{level} {place + ',' if place else ''}title={escape_property('factory: ' + word)}::"
                     f"{escape_data(summary)}")
        log += [_log_line(line) for line in rest]
    out = shown + log + other
    return "\n".join(out) + ("\n" if out else "")


# ------------------------------------------------------------------------------------------ GitLab
_GITLAB_SEVERITIES = {ERROR: "critical", WARNING: "minor", NOTE: "info"}


def gitlab_issues(diagnostics: list[Diagnostic], files: list[str], paths: RepositoryPaths | None = None,
                  sources: dict | None = None) -> list[dict]:
    """A GitLab Code Quality report (https://docs.gitlab.com/ci/testing/code_quality/, the Code Climate issue
    format): one issue per diagnostic with `description` (the message, then its notes and help), `check_name` (the
    code), `severity` (error: critical, warning: minor, note: info), `location.path` relative to the repository
    root (`repository_root`) and `location.lines` (begin, end), and a `fingerprint` (MD5 hex of the code, place, message and
    its occurrence) that is the same on every run. A diagnostic whose place is no spec file is placed as in SARIF
    (`_anchor`)."""
    import hashlib

    paths = paths or RepositoryPaths()
    issues, seen = [], {}
    for diag in sorted(diagnostics, key=Diagnostic.sort_key):
        anchor = _anchor(diag, files)
        if anchor is not None:
            path, begin, end, col = paths.display(anchor.file), anchor.line, anchor.end_line, anchor.col
        else:
            path, begin, end, col = paths.display(files[0]) if files else "-", 1, 1, 1
        key = f"{diag.code}\0{path}\0{begin}\0{col}\0{diag.message}"
        seen[key] = seen.get(key, 0) + 1
        fingerprint = hashlib.md5(f"{key}\0{seen[key]}".encode(), usedforsecurity=False).hexdigest()
        issues.append({"type": "issue", "check_name": diag.code, "description": _full_text(diag, files, sources),
                       "categories": ["Bug Risk"], "severity": _GITLAB_SEVERITIES[diag.severity],
                       "fingerprint": fingerprint,
                       "location": {"path": path, "lines": {"begin": begin, "end": max(end, begin)}}})
    return issues


# ------------------------------------------------------------------------------------- check JSON
class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CheckReport(_Strict):
    """The document `factory check --format json` prints. Fields are only ever added (with a new minor
    format_version), never renamed or removed."""

    format_version: Literal["1"]
    files: list[str] = Field(description="the spec files as given; a spec read from standard input (`factory "
                             "check -`) by the name its diagnostics give it, `--stdin-name` (default `<stdin>`; "
                             "until session 25, `-`)")
    ok: bool = Field(description="true when there is no error (warnings and notes allowed)")
    checks: list[Check] = Field(description="every assert and physical-limit check of the evaluated spec")
    diagnostics: list[DiagnosticModel]


def check_schema() -> str:
    from .render.results_schema import schema_text

    return schema_text(CheckReport, "diagnostics-1")


if __name__ == "__main__":
    print(check_schema(), end="")
