"""`factory lsp`: the language server, over stdio, on pygls and lsprotocol.

Pipeline position: top (beside the CLI). Speaks LSP; everything it knows comes from `compiler.lsp.analysis`
(one `Analysis` per open document version). Positions are 0-based here and only here: the front end's spans
are 1-based lines and columns, converted at this boundary (`_range`, `_offset`). Columns are counted in
UTF-16 code units, as LSP's default position encoding requires, and the server announces `positionEncoding:
utf-16` whatever the editor offers (`_Utf16Protocol`: UTF-16 is the one encoding every client must support).

Diagnostics are published on open and, debounced (`DEBOUNCE_S`), on change, in three stages: the check's
(syntax, names, types, units) at once; then, for a spec that checks, its asserts', built-in limits' and rules',
with the ordered pairs and implausible inputs of the figures it writes (`compiler.checks.check_field_tables`; only
what they read is evaluated: ~0.25 s on a 2,000-line spec, bench/bench_check.py); then the whole
evaluation's (ranges and finite values of every figure, infeasible workloads). The last two are computed in a
worker thread and published only if the text has not changed meanwhile. The second stage holds the error of each
`let` or field a model refused to read (`compiler.checks.check_refused_reads`) and no assert judged on what it left
uncomputed, so each stage shows a part of what `factory check` reports, and the last shows all of it: a diagnostic
in an imported file (a definition the document places, with a let out of its range) is published for that file, at
its span, beside that file's own (`send`). Until a stage has judged them, what the last fully evaluated version
found is shown too, moved past the edit (`carried`), so that a keystroke does not blank it; once the whole
evaluation has run, the editor is asked to ask again for its code lenses and inlay hints (`refresh_figures`).
While a text does not parse, hover, definition, references, highlights, semantic tokens, symbols, inlay hints and
completion answer from the last version that parsed, away from the edited lines (`_answering`).
A broken buffer never crashes the server: a failure inside a request is logged and answered with nothing.
A .factory file that changes on disk (watched: the server registers `workspace/didChangeWatchedFiles` for
`**/*.factory` where the editor allows it) re-checks the open documents that import it.
Requests besides: hover, completion, signature help (the built-in functions), definition, references, document
highlights, workspace symbols (the stdlib's definitions, the open documents' and the workspace's files': the workspace
index, `compiler.lsp.index`, which references and rename read too), prepareRename and rename, document
symbols (kept while a statement is half typed), semantic tokens (full), folding ranges, code lenses (a workload's
headline figures; the command `factory.explain`), inlay hints, formatting and
code actions (quick fixes), each over `compiler.lsp.analysis`.
Settings (`initializationOptions` or `workspace/didChangeConfiguration`, section `factory`):
`inlayHints` (bool, default off) shows evaluated values at the end of computed lines.
"""
from __future__ import annotations

import asyncio
import bisect
import dataclasses
import functools
import gc
import logging
import os
import re
import sys
from urllib.parse import unquote, urlparse

from lsprotocol import types as t
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method

import dsl
from dsl.diagnostics import Code
from dsl.source import Source

from .analysis import (TOKEN_MODIFIERS, TOKEN_TYPES, Analysis, RenameRefused, completions, highlights,
                       hover_markdown,
                       folding_ranges, matches, moved_span, parsed_offset, quick_fixes, semantic_tokens, signature_at,
                       stdlib_symbols, _stdlib_source)
from compiler.memo import ValueMemo

from .index import WorkspaceIndex
from .workspace import references as workspace_references
from .workspace import rename as workspace_rename
from .workspace import rename_target as workspace_rename_target

DEBOUNCE_S = 0.15
# Python's cyclic garbage collector is off in the server (`run`): a collection it started on its own came in the
# middle of a keystroke's check (the check allocates most) and walked the last evaluation's graph, 0.05-0.4 s at a
# time on a 2,000-line spec, in most keystrokes (bench/bench_lsp.py). A version's garbage has no reference cycles
# (an evaluation that is dropped or cancelled breaks its own: `compiler.evaluate.Evaluator.release`; a superseded
# version's evaluation is released once nothing holds it: `release_retired`, in the debounce pause after a change),
# so reference counting frees it and the collector is left what may still form a cycle. What is alive is frozen
# (`gc.freeze`: no later collection walks it; reference counting still frees it) once nothing changed for GC_IDLE_S
# after a document's last stage (a freeze takes no time: the settled version, ~250,000 objects on a 2,000-line spec,
# is not walked); in a debounce pause once GC_FULL_VERSIONS versions were typed since the last collection, the
# objects made since are collected and frozen (~0.03 s there: one version's live objects); all of the heap is
# collected only once nothing changed for GC_DEEP_IDLE_S (~0.15 s there).
GC_IDLE_S = 0.5
GC_DEEP_IDLE_S = 5.0
GC_FULL_VERSIONS = 8
CARRIED_NOTE = "(found before the last edit: checking the text again)"   # see `FactoryServer.carried`
REQUEST_FAILED = -32803          # LSP's ErrorCodes.RequestFailed: a valid request the server refuses
log = logging.getLogger("factory.lsp")

_COMPLETION_KINDS = {
    "keyword": t.CompletionItemKind.Keyword, "field": t.CompletionItemKind.Field,
    "kind": t.CompletionItemKind.Class, "name": t.CompletionItemKind.Variable,
    "unit": t.CompletionItemKind.Unit, "choice": t.CompletionItemKind.EnumMember,
    "definition": t.CompletionItemKind.Reference, "module": t.CompletionItemKind.Module,
    "function": t.CompletionItemKind.Function, "file": t.CompletionItemKind.File,
    "folder": t.CompletionItemKind.Folder,
}
_SYMBOL_KINDS = {"field": t.SymbolKind.Field, "let": t.SymbolKind.Variable, "param": t.SymbolKind.Constant}


class _Utf16Protocol(LanguageServerProtocol):
    """pygls's protocol, with positions in UTF-16 code units whatever encodings the editor offers. pygls takes the
    editor's first offered encoding (`general.positionEncodings`: Neovim and Helix offer utf-8 first), announces it
    and applies ranged edits in it, while every position this server computes (`_position_in`, `_offset`, semantic
    tokens) counts UTF-16 units: before session 24, in such an editor, each character outside ASCII before a
    position moved diagnostics, hovers and edits off by one to three columns (an emoji: 4 bytes, 2 units), and
    typing after one corrupted the server's copy of the text. LSP 3.17 makes UTF-16 the one encoding every client
    must support, so the server announces it always."""

    @lsp_method(t.INITIALIZE)
    def lsp_initialize(self, params: t.InitializeParams):
        if params.capabilities.general is not None:
            params.capabilities.general.position_encodings = None
        return (yield from super().lsp_initialize(params))


class FactoryServer(LanguageServer):
    """Open documents and their analyses; settings."""

    def __init__(self) -> None:
        super().__init__("factory-lsp", "1", protocol_cls=_Utf16Protocol)
        self.analyses: dict[str, Analysis] = {}
        # uri -> the values of its last version's checks' stage, lent to the next (`compiler.memo`)
        self.memos: dict[str, ValueMemo] = {}
        self.pending: dict[str, asyncio.Task] = {}
        self.inlay_hints = False
        self.session = dsl.Session()          # the parse cache of imported files, shared by every document
        self.open_uris: set[str] = set()
        self.own: dict[str, list[t.Diagnostic]] = {}      # uri -> its analysis's diagnostics in its own text
        # target uri -> source uri -> the diagnostics the source's analysis found in the target (an imported file:
        # `factory check main.factory` reports an error of a definition main places at its line in common.factory)
        self.foreign: dict[str, dict[str, list[t.Diagnostic]]] = {}
        # uri -> (its last version whose stages all ran, that version's checks' stage diagnostics, its whole
        # evaluation's): shown, moved past the edit, while a newer version's stages have not judged them (`carried`)
        self.judged: dict[str, tuple[Analysis, list, list]] = {}
        self.index = WorkspaceIndex()         # the workspace's files, for references, rename, workspace symbols
        self.versions_since_collect = 0       # analyses made since the last collection of cyclic garbage
        self.retired: list[Analysis] = []     # superseded or closed versions, their evaluations not released yet
        self.collect_timers: list[asyncio.TimerHandle] = []

    def index_changed(self, uri: str) -> None:
        """A document was opened, changed or closed: the workspace index drops what it read of its file."""
        path = _path(uri)
        if os.path.isabs(path):
            self.index.changed(path)

    def collect_garbage(self, everything: bool = False) -> None:
        """Collect Python's cyclic garbage among the objects made since the last collection (`everything`: among all
        of them), then freeze what is alive (`gc.freeze`: no later collection walks it)."""
        self.release_retired()
        if everything:
            gc.unfreeze()
        gc.collect()
        gc.freeze()
        self.versions_since_collect = 0

    def freeze_settled(self) -> None:
        """Once idle: the superseded versions released; what is alive frozen, not walked (see GC_IDLE_S)."""
        self.release_retired()
        gc.freeze()

    def collect_when_idle(self) -> None:
        """Freeze once GC_IDLE_S pass with no change, and collect all of the heap once GC_DEEP_IDLE_S pass (a change
        calls `typing`, which puts both off)."""
        self.typing()
        loop = asyncio.get_running_loop()
        self.collect_timers = [loop.call_later(GC_IDLE_S, self.freeze_settled),
                               loop.call_later(GC_DEEP_IDLE_S, self.collect_garbage, True)]

    def collect_if_due(self) -> None:
        """In a debounce pause: the superseded versions released and freed; the objects made since the last
        collection collected once GC_FULL_VERSIONS analyses were made since."""
        self.release_retired()
        if self.versions_since_collect >= GC_FULL_VERSIONS:
            self.collect_garbage()

    def release_retired(self) -> None:
        """Release the evaluation of each superseded version nothing else holds (no stage, request or newer
        version's `fallback`), and drop it: reference counting frees it here rather than in a keystroke's check."""
        kept = []
        for analysis in self.retired:
            if sys.getrefcount(analysis) > 3:     # (the list, `analysis` and getrefcount's argument)
                kept.append(analysis)
            else:
                analysis.release()
        self.retired = kept

    def typing(self) -> None:
        for timer in self.collect_timers:
            timer.cancel()
        self.collect_timers = []

    def buffers(self, but: str) -> dict[str, str]:
        """Absolute path -> text of every open document except `but`: imports read these before the disk."""
        out = {}
        for uri in self.open_uris:
            if uri != but:
                path = _path(uri)
                if os.path.isabs(path):
                    out[os.path.realpath(path)] = self.workspace.get_text_document(uri).source
        return out

    def analysis(self, uri: str) -> Analysis | None:
        doc = self.workspace.get_text_document(uri)
        current = self.analyses.get(uri)
        buffers = self.buffers(uri)
        if current is None or current.cancelled or current.stale(doc.source, buffers):
            previous = current
            if previous is not None:
                previous.cancel()             # its evaluation, if still running, is of an old text
                self.retired.append(previous)
            try:
                current = Analysis(doc.source, _path(uri), _root(uri, self), self.session, buffers,
                                   memo=self.memos.setdefault(uri, ValueMemo()))
            except Exception:  # noqa: BLE001 - a broken buffer must never bring the server down
                log.exception("analysis failed for %s", uri)
                return None
            if current.module is None and previous is not None:
                current.fallback = previous if previous.module is not None else previous.fallback
            current.background = True         # publish_in_stages evaluates it: a hover waits, never evaluates
            self.analyses[uri] = current
            self.versions_since_collect += 1
        return current

    def carried(self, uri: str, analysis: Analysis, checks_only: bool | None) -> list:
        """What the last version whose stages all ran (`judged`) found by evaluating, that `analysis`'s stages have not
        judged yet (`checks_only` None: none of it, before its checks' stage; True: its whole evaluation's
        own), each moved past the edit since (`analysis.moved_span`; one on the edited lines is dropped, and so is
        one in another file whose text changed). Shown meanwhile, so that a keystroke does not blank a failed assert
        or a limit's warning until its stages find it again (0.02-0.25 s on each keystroke, then 1 s for what only
        the whole evaluation finds, on the flagship: before session 25 they went and came back), as rust-analyzer
        keeps its last check's diagnostics; not while the check finds an error (no stage follows to replace them).
        Each says so (CARRIED_NOTE): a figure in its message is the version before's."""
        judged = self.judged.get(uri)
        if judged is None or analysis.sink.has_errors():
            return []
        old, checks, whole = judged
        if checks_only:
            seen = {(d.code, d.message, d.span) for d in checks}
            whole = [d for d in whole if (d.code, d.message, d.span) not in seen]
        if old is analysis:             # (its stages again: a save)
            return list(whole)
        out = []
        for diag in whole:
            span = self._moved(analysis, old, diag.span)
            if span is not None:
                out.append(dataclasses.replace(diag, span=span, notes=[*diag.notes, CARRIED_NOTE], related=[
                    dataclasses.replace(r, span=moved) for r in diag.related
                    if (moved := self._moved(analysis, old, r.span)) is not None]))
        return out

    @staticmethod
    def _moved(analysis: Analysis, old: Analysis, span):
        if span is None:
            return None
        if span.file == old.path:
            return moved_span(analysis, old, span)
        before, now = old.sink.sources.get(span.file), analysis.sink.sources.get(span.file)
        return span if before is not None and now is not None and before.text == now.text else None

    def publish(self, uri: str, with_values: bool = True, checks_only: bool = False) -> Analysis | None:
        """Publish the diagnostics of the document's current text: the check's, and (with_values, for a
        spec that checks) the evaluation's too: its checks' alone (checks_only), else the whole evaluation's; with
        what the last fully evaluated version found that these stages have not judged yet (`carried`)."""
        analysis = self.analysis(uri)
        if analysis is None:
            return None
        items = list(analysis.sink.items)
        if with_values and not analysis.sink.has_errors():
            try:
                if checks_only:
                    items += analysis.checks_diagnostics()
                else:
                    analysis.results
                    items += analysis.eval_diagnostics
                    self.judged[uri] = (analysis, analysis.checks_found, list(analysis.eval_diagnostics))
            except Exception:  # noqa: BLE001
                log.exception("evaluation failed for %s", uri)
        if not with_values or checks_only:
            items += self.carried(uri, analysis, True if checks_only else None)
        self.own[uri] = [_diagnostic(d, analysis) for d in items if d.span is not None and d.span.file == analysis.path]
        elsewhere: dict[str, list[t.Diagnostic]] = {}       # what it found in the files it imports
        for d in items:
            if d.span is not None and d.span.file != analysis.path:
                path = analysis.files.get(d.span.file, d.span.file)
                if os.path.isabs(path):
                    elsewhere.setdefault(_uri(path), []).append(_diagnostic(d, analysis))
        targets = {target for target, by in self.foreign.items() if uri in by} | set(elsewhere)
        for target in sorted(targets - {uri}):
            if target in elsewhere:
                self.foreign.setdefault(target, {})[uri] = elsewhere[target]
            else:
                self.foreign[target].pop(uri, None)
            self.send(target)
        self.send(uri)
        return analysis

    def send(self, uri: str) -> None:
        """Publish a file's diagnostics: its own analysis's (an open document), and those the open documents that
        import it found in it, each once."""
        found, seen = [], set()
        for diag in self.own.get(uri, []) + [d for source in sorted(self.foreign.get(uri, {}))
                                            for d in self.foreign[uri][source]]:
            key = (diag.range.start.line, diag.range.start.character, diag.range.end.line, diag.range.end.character,
                   diag.code, diag.message)
            if key not in seen:
                seen.add(key)
                found.append(diag)
        version = self.workspace.get_text_document(uri).version if uri in self.open_uris else None
        self.text_document_publish_diagnostics(t.PublishDiagnosticsParams(uri=uri, diagnostics=found,
                                                                          version=version))

    def forget(self, uri: str) -> None:
        """A document closed: its own diagnostics go, and so do those it found in the files it imports."""
        self.own.pop(uri, None)
        for target in sorted(target for target, by in self.foreign.items() if uri in by):
            self.foreign[target].pop(uri)
            self.send(target)
        self.send(uri)

    async def publish_dependents(self, uri: str) -> None:
        """Re-check the other open documents that import `uri` (its unsaved text is what they now see), and those
        with an import they could not load (it may be this document: a file made in the editor and not saved yet,
        or one whose syntax error is now mended)."""
        path = os.path.realpath(_path(uri))
        for other in sorted(self.open_uris - {uri}):
            analysis = self.analyses.get(other)
            if analysis is not None and (path in analysis.imports or analysis.unresolved):
                await self.publish_in_stages(other)

    async def publish_in_stages(self, uri: str) -> None:
        """The check's diagnostics at once; then, in a worker thread, the checks' (asserts, limits, rules) and
        the whole evaluation's, each published if the text has not changed meanwhile; then, once idle, the garbage
        of the versions before is collected (see GC_IDLE_S)."""
        analysis = self.publish(uri, with_values=False)
        if analysis is None or analysis.sink.has_errors():
            self.collect_when_idle()
            return
        loop = asyncio.get_running_loop()
        try:
            found = await loop.run_in_executor(None, analysis.checks_diagnostics)
        except Exception:  # noqa: BLE001
            log.exception("evaluation of the checks failed for %s", uri)
            found = []
        carried = bool(self.carried(uri, analysis, None))
        if self.analyses.get(uri) is analysis and (found or carried):
            self.publish(uri, checks_only=True)
        if analysis.cancelled:          # the text changed meanwhile: the next version's stages follow
            return
        try:
            await loop.run_in_executor(None, lambda: analysis.results)
        except Exception:  # noqa: BLE001
            log.exception("evaluation failed for %s", uri)
            return
        if self.analyses.get(uri) is analysis and (analysis.eval_diagnostics or found or carried):
            self.publish(uri)           # (also when it clears what the checks alone found, or what was carried)
        elif self.analyses.get(uri) is analysis:
            self.judged[uri] = (analysis, [], [])
        if not analysis.cancelled:
            self.refresh_figures()
            self.collect_when_idle()

    def refresh_figures(self) -> None:
        """Ask the editor to ask again for the code lenses and (when shown) inlay hints, whose figures the whole
        evaluation has just made (`workspace/codeLens/refresh`, `workspace/inlayHint/refresh`, where the editor
        supports them). Before session 25, a lens or hint asked for before the evaluation ended (it waits
        VALUE_WAIT_S, 0.3 s; the flagship's evaluation takes ~1-2 s) stayed empty until the next change: a spec
        just opened showed no lens at all."""
        client = getattr(self.protocol, "client_capabilities", None)      # (none before `initialize`)
        capabilities = client.workspace if client is not None else None
        if capabilities is None:
            return
        try:
            if capabilities.code_lens is not None and capabilities.code_lens.refresh_support:
                self.workspace_code_lens_refresh(None)
            if self.inlay_hints and capabilities.inlay_hint is not None and capabilities.inlay_hint.refresh_support:
                self.workspace_inlay_hint_refresh(None)
        except Exception:  # noqa: BLE001 - an editor that cannot be asked keeps what it has
            log.exception("refreshing the code lenses failed")


server = FactoryServer()


def _path(uri: str) -> str:
    parsed = urlparse(uri)
    return unquote(parsed.path) if parsed.scheme == "file" else uri


def _root(uri: str, ls: FactoryServer) -> str | None:
    path = _path(uri)
    return os.path.dirname(path) if os.path.isabs(path) else None


def _workspace_root(uri: str, ls: FactoryServer) -> str | None:
    """The folder whose .factory files find-references and rename read: the editor's workspace root when the
    document is inside it, else the document's folder."""
    path = _path(uri)
    if not os.path.isabs(path):
        return None
    folder = os.path.dirname(os.path.realpath(path))
    try:
        root = ls.workspace.root_path
    except Exception:  # noqa: BLE001 - no workspace yet (before initialize): the document's folder
        root = None
    if root and os.path.isdir(root):
        root = os.path.realpath(root)
        if os.path.commonpath([root, folder]) == root:
            return root
    return folder


def _utf16_col(line_text: str, col0: int) -> int:
    return len(line_text[:col0].encode("utf-16-le")) // 2


_LONE_CR = re.compile(r"\r(?!\n)")


@functools.lru_cache(maxsize=16)
def _editor_line_starts(text: str) -> list[int] | None:
    """Where the editor's lines start when the text holds a lone `\r` (LSP 3.17: `\n`, `\r\n` and `\r` each end a
    line, and the editor counts positions in those lines), else None (the check's lines, `Source`, are the same).
    The check breaks lines at `\n` only: a lone `\r` is the text of a string or a doc string to it (elsewhere it is
    an `invalid-character`), so each one moved every position after it a line off in the editor."""
    if "\r" not in text or not _LONE_CR.search(text):
        return None
    return [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]


def _editor_line(text: str, starts: list[int], index: int) -> str:
    end = starts[index + 1] if index + 1 < len(starts) else len(text)
    return text[starts[index]:end].rstrip("\r\n")


def _position_in(source, offset: int) -> t.Position:
    starts = _editor_line_starts(source.text)
    if starts is not None:
        offset = max(0, min(offset, len(source.text)))
        index = bisect.bisect_right(starts, offset) - 1
        line = _editor_line(source.text, starts, index)
        return t.Position(line=index, character=_utf16_col(line, offset - starts[index]))
    line, col = source.line_col(offset)
    return t.Position(line=line - 1, character=_utf16_col(source.line_text(line), col - 1))


def _position(analysis: Analysis, offset: int) -> t.Position:
    return _position_in(analysis.source, offset)


def _range(analysis: Analysis, span) -> t.Range:
    """A span of the document or of a file it imports (its text is the check's: `Sink.sources`), in UTF-16 code
    units either way (an emoji before the span is two, a CJK character one)."""
    source = analysis.source if span.file == analysis.path else analysis.sink.sources.get(span.file)
    if source is None:              # (no text to count in: a `-D` value; never published)
        return t.Range(start=t.Position(line=span.line - 1, character=span.col - 1),
                       end=t.Position(line=span.end_line - 1, character=span.end_col - 1))
    return t.Range(start=_position_in(source, span.start), end=_position_in(source, span.end))


def _offset(analysis: Analysis, pos: t.Position) -> int:
    starts = _editor_line_starts(analysis.text)
    if starts is None:
        text = analysis.source.line_text(pos.line + 1)
        starts = analysis.source._line_starts
    else:
        text = _editor_line(analysis.text, starts, pos.line) if pos.line < len(starts) else ""
    units, col = 0, 0
    while col < len(text) and units < pos.character:
        units += 2 if ord(text[col]) > 0xFFFF else 1
        col += 1
    line_start = starts[pos.line] if pos.line < len(starts) else len(analysis.text)
    return min(line_start + col, len(analysis.text))


def _insert(analysis: Analysis, offset: int, text: str) -> t.TextEdit:
    pos = _position(analysis, offset)
    return t.TextEdit(range=t.Range(start=pos, end=pos), new_text=text)


def _uri(path: str) -> str:
    from pathlib import Path
    return Path(path).resolve().as_uri() if os.path.isabs(path) or os.path.exists(path) else path


def _location(analysis: Analysis, span) -> t.Location:
    path = analysis.path if span.file == analysis.path else analysis.files.get(span.file, span.file)
    return t.Location(uri=_uri(path), range=_range(analysis, span))


def _diagnostic(diag, analysis: Analysis) -> t.Diagnostic:
    severity = {"error": t.DiagnosticSeverity.Error, "warning": t.DiagnosticSeverity.Warning}.get(
        diag.severity, t.DiagnosticSeverity.Information)
    message = diag.message
    if diag.notes:
        message += "\n" + "\n".join(diag.notes)
    if diag.help:
        message += f"\nhelp: {diag.help}"
    related = [t.DiagnosticRelatedInformation(location=_location(analysis, r.span), message=r.label)
               for r in diag.related if r.span is not None]
    tags = [t.DiagnosticTag.Unnecessary] if diag.code == Code.UNUSED_IMPORT else None   # (the editor greys it)
    return t.Diagnostic(range=_range(analysis, diag.span), message=message, severity=severity,
                        code=diag.code, source="factory", related_information=related or None, tags=tags)


# ----------------------------------------------------------------------------- lifecycle and sync

@server.feature(t.INITIALIZE)
def initialize(ls: FactoryServer, params: t.InitializeParams) -> None:
    options = params.initialization_options
    factory = options.get("factory", options) if isinstance(options, dict) else {}
    if isinstance(factory, dict) and "inlayHints" in factory:
        ls.inlay_hints = bool(factory["inlayHints"])


WATCHED = "**/*.factory"          # the files whose changes on disk the server is told of (as pygls servers register)


@server.feature(t.INITIALIZED)
async def initialized(ls: FactoryServer, params: t.InitializedParams) -> None:
    """Ask the editor to tell the server when a .factory file of the workspace changes on disk (saved by another
    program, a `git checkout`), where it can register watchers (`workspace.didChangeWatchedFiles`)."""
    capabilities = ls.client_capabilities.workspace if ls.client_capabilities is not None else None
    watched = capabilities.did_change_watched_files if capabilities is not None else None
    if watched is None or not watched.dynamic_registration:
        return
    try:
        await ls.client_register_capability_async(t.RegistrationParams(registrations=[t.Registration(
            id="factory-watched-files", method=t.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=t.DidChangeWatchedFilesRegistrationOptions(
                watchers=[t.FileSystemWatcher(glob_pattern=WATCHED)]))]))
        ls.index.watched = True             # the files under a root are walked once, then kept by the events
    except Exception:  # noqa: BLE001 - an editor that refuses gets the diagnostics on its next edit
        log.exception("registering the file watcher failed")


@server.feature(t.WORKSPACE_DID_CHANGE_WATCHED_FILES)
async def did_change_watched_files(ls: FactoryServer, params: t.DidChangeWatchedFilesParams) -> None:
    """A .factory file changed, was created or deleted on disk: re-check the open documents that read it or could
    not load it (a text that did not parse, now perhaps mended: `Analysis.unloaded`), or that could not find an
    import (which it may now be), unless it is open itself (its buffer is what they read)."""
    # a path no file system names (a NUL byte: `%00` in the URI) is no file of the workspace: os.path and os.stat
    # raise ValueError on it, which pygls showed the user as an error
    params.changes = [c for c in params.changes if "\x00" not in _path(c.uri)]
    for change in params.changes:             # the workspace index first (an open document's file too: its entry
        path = _path(change.uri)             # is its buffer's, but a file created or deleted is listed or not)
        if os.path.isabs(path):
            {t.FileChangeType.Created: ls.index.created, t.FileChangeType.Deleted: ls.index.deleted}.get(
                change.type, ls.index.changed)(path)
    changed = {os.path.realpath(_path(c.uri)) for c in params.changes if c.uri not in ls.open_uris}
    if not changed:
        return
    for uri in sorted(ls.open_uris):
        analysis = ls.analyses.get(uri)
        if analysis is None:
            continue
        missing = any(d.code == Code.IMPORT_NOT_FOUND for d in analysis.sink.items)
        if missing or (analysis.imports | analysis.unloaded) & changed:
            analysis.cancel()          # stale: the next analysis reads the files as they are now
            await ls.publish_in_stages(uri)


@server.feature(t.WORKSPACE_DID_CHANGE_CONFIGURATION)
def did_change_configuration(ls: FactoryServer, params: t.DidChangeConfigurationParams) -> None:
    settings = params.settings or {}
    factory = settings.get("factory", settings) if isinstance(settings, dict) else {}
    if isinstance(factory, dict) and "inlayHints" in factory:
        ls.inlay_hints = bool(factory["inlayHints"])


@server.feature(t.TEXT_DOCUMENT_DID_OPEN)
async def did_open(ls: FactoryServer, params: t.DidOpenTextDocumentParams) -> None:
    ls.open_uris.add(params.text_document.uri)
    ls.index_changed(params.text_document.uri)
    await ls.publish_in_stages(params.text_document.uri)
    await ls.publish_dependents(params.text_document.uri)


@server.feature(t.TEXT_DOCUMENT_DID_CHANGE)
async def did_change(ls: FactoryServer, params: t.DidChangeTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.typing()                               # no collection of garbage while the user types
    ls.index_changed(uri)
    previous = ls.pending.pop(uri, None)
    if previous is not None:
        previous.cancel()
    if uri in ls.analyses:
        ls.analyses[uri].cancel()             # the text changed: stop evaluating the old one at once

    async def later() -> None:
        await asyncio.sleep(DEBOUNCE_S)
        await ls.publish_in_stages(uri)
        await ls.publish_dependents(uri)

    ls.pending[uri] = asyncio.ensure_future(later())
    asyncio.get_running_loop().call_soon(ls.collect_if_due)    # (after the debounce's sleep has begun)


@server.feature(t.TEXT_DOCUMENT_DID_SAVE)
async def did_save(ls: FactoryServer, params: t.DidSaveTextDocumentParams) -> None:
    await ls.publish_in_stages(params.text_document.uri)


@server.feature(t.TEXT_DOCUMENT_DID_CLOSE)
async def did_close(ls: FactoryServer, params: t.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.open_uris.discard(uri)
    closed = ls.analyses.pop(uri, None)
    ls.memos.pop(uri, None)
    ls.judged.pop(uri, None)
    if closed is not None:
        ls.retired.append(closed)
    ls.index_changed(uri)                     # (what the index reads of it is the disk's again)
    await ls.publish_dependents(uri)
    ls.forget(uri)
    ls.release_retired()                      # (nothing may follow: the closed version is freed now)


def _guarded(func):
    """A request that fails answers with nothing rather than an error: the editor keeps working."""
    def wrapper(ls, params):
        try:
            return func(ls, params)
        except Exception:  # noqa: BLE001
            log.exception("%s failed", func.__name__)
            return None
    wrapper.__name__ = func.__name__
    return wrapper


# ----------------------------------------------------------------------------- requests

@server.feature(t.TEXT_DOCUMENT_HOVER)
async def hover(ls: FactoryServer, params: t.HoverParams) -> t.Hover | None:
    """The hover's text is made in a worker thread: it may wait for an evaluation still running (up to
    `analysis.VALUE_WAIT_S`), and on the server's own thread that held every message behind it, keystrokes
    included. The analysis is looked up here, on the server's thread, as every other request does."""
    try:
        analysis = ls.analysis(params.text_document.uri)
        if analysis is None:
            return None
        offset = _offset(analysis, params.position)
        found = await asyncio.get_running_loop().run_in_executor(None, hover_markdown, analysis, offset)
        if found is None:
            return None
        text, span = found
        return t.Hover(contents=t.MarkupContent(kind=t.MarkupKind.Markdown, value=text), range=_range(analysis, span))
    except Exception:  # noqa: BLE001 - a broken buffer must never bring the server down
        log.exception("hover failed")
        return None


def _answering(analysis: Analysis | None, position: t.Position) -> tuple[Analysis, int] | None:
    """(the version that answers at `position`, the offset in its text): the document's own; while its text does not
    parse, the last version that parsed, away from the edit since (`parsed_offset`; None on the edited lines), as
    hover, semantic tokens, symbols and completion answer (session 25: before, definition and highlights gave
    nothing anywhere in the file while a statement was half typed)."""
    if analysis is None:
        return None
    offset = _offset(analysis, position)
    if analysis.module is not None or analysis.fallback is None:
        return analysis, offset
    at = parsed_offset(analysis.fallback, analysis.text, offset)
    return (analysis.fallback, at) if at is not None else None


def _location_of(analysis: Analysis, known: Analysis, span) -> t.Location | None:
    """The location of a span `known` (the document's version that answered) found: moved past the edit since when
    it is in the document's text (None on the edited lines), as it is in another file."""
    if known is not analysis and span.file == known.path:
        span = moved_span(analysis, known, span)
        return _location(analysis, span) if span is not None else None
    return _location(known, span)


@server.feature(t.TEXT_DOCUMENT_DEFINITION)
@_guarded
def definition(ls: FactoryServer, params: t.DefinitionParams) -> list[t.Location] | None:
    analysis = ls.analysis(params.text_document.uri)
    found = _answering(analysis, params.position)
    if found is None:
        return None
    known, offset = found
    occ = known.at(offset)
    target = known.resolve_at(occ, offset) if occ is not None else None
    if target is None:
        return None
    # the definition, then each member a block inheriting the formula reads in its place (formulas bind late)
    late = [member for member, _readers in known.late_targets(occ)]
    spans = [s for s in (known.definition_span(x) for x in [target, *late]) if s is not None]
    return [loc for loc in (_location_of(analysis, known, span) for span in spans) if loc is not None] or None


@server.feature(t.TEXT_DOCUMENT_REFERENCES)
@_guarded
def references(ls: FactoryServer, params: t.ReferenceParams) -> list[t.Location] | None:
    """Every place of the workspace that names the definition under the cursor: this document's, the defining
    file's and those of the files that import it, open or on disk under the workspace root (`compiler.lsp.workspace`)."""
    analysis = ls.analysis(params.text_document.uri)
    found = _answering(analysis, params.position)
    if found is None:
        return None
    known, offset = found           # (while the text does not parse: the last parsed version, the other files
    places = workspace_references(known, offset,            # read with that text of this one)
                                  _workspace_root(params.text_document.uri, ls), params.context.include_declaration,
                                  ls.index)
    located = [_location_of(analysis, known, span) if a is known else _location(a, span) for a, span in places]
    return [loc for loc in located if loc is not None] or None


@server.feature(t.WORKSPACE_SYMBOL)
@_guarded
def workspace_symbols(ls: FactoryServer, params: t.WorkspaceSymbolParams) -> list[t.SymbolInformation] | None:
    """The definitions whose names match the query (`analysis.matches`): those of the stdlib, then those of the open
    documents (their outlines), then those of the workspace's other files on disk (the workspace index's outlines:
    each file parsed once while it does not change), under the editor's root and each open document's."""
    out = []
    for name, kind, module, span in stdlib_symbols(params.query):
        source = _stdlib_source(span.file)
        out.append(t.SymbolInformation(name=name, kind=t.SymbolKind.Class, container_name=f"{module} ({kind})",
                                       location=t.Location(uri=_uri(span.file), range=t.Range(
                                           start=_position_in(source, span.start), end=_position_in(source, span.end)))))

    def add(symbols: list, uri: str, source) -> None:
        todo = list(symbols)
        while todo:
            sym = todo.pop(0)
            todo.extend(sym.children)
            if matches(params.query, sym.name):
                out.append(t.SymbolInformation(name=sym.name, kind=_SYMBOL_KINDS.get(sym.kind, t.SymbolKind.Class),
                                               container_name=sym.kind, location=t.Location(uri=uri, range=t.Range(
                                                   start=_position_in(source, sym.selection.start),
                                                   end=_position_in(source, sym.selection.end)))))
    opened = set()
    for uri in sorted(ls.open_uris):
        analysis = ls.analysis(uri)
        if analysis is None:
            continue
        opened.add(os.path.realpath(analysis.path))
        add(analysis.outline(), uri, analysis.source)
    roots = {_workspace_root(uri, ls) for uri in ls.open_uris} - {None}
    try:
        root = ls.workspace.root_path
    except Exception:  # noqa: BLE001 - no workspace yet
        root = None
    if root and os.path.isdir(root):
        roots.add(os.path.realpath(root))
    buffers = ls.buffers("")
    on_disk = sorted({path for r in roots for path in ls.index.files(r, {})} - opened)
    for path in on_disk:
        entry = ls.index.entry(path, buffers)
        if entry is not None:
            add(ls.index.symbols(path, buffers), _uri(path), Source(path, entry.text))
    return out


@server.feature(t.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT)
@_guarded
def document_highlight(ls: FactoryServer, params: t.DocumentHighlightParams) -> list[t.DocumentHighlight] | None:
    """Every place of this document that names what the name under the cursor refers to (its references, as
    find-references gives them): its definition a write, the others reads; a keyword or a kind's word is none of
    them (the editor's own highlighting would mark every `server`, the kind and the selection alike)."""
    analysis = ls.analysis(params.text_document.uri)
    found = _answering(analysis, params.position)
    if found is None:
        return None
    known, offset = found
    moved = [(span if known is analysis else moved_span(analysis, known, span), write)
             for span, write in highlights(known, offset)]
    return [t.DocumentHighlight(range=_range(analysis, span),
                                kind=t.DocumentHighlightKind.Write if write else t.DocumentHighlightKind.Read)
            for span, write in moved if span is not None] or None


@server.feature(t.TEXT_DOCUMENT_PREPARE_RENAME)
def prepare_rename(ls: FactoryServer, params: t.PrepareRenameParams) -> t.PrepareRenamePlaceholder | None:
    """The name under the cursor and its range, when it can be renamed; else the reason, before a name is typed."""
    uri = params.text_document.uri
    try:
        analysis = ls.analysis(uri)
        if analysis is None:
            return None
        span, name = workspace_rename_target(analysis, _offset(analysis, params.position), _workspace_root(uri, ls))
    except RenameRefused as exc:
        raise JsonRpcException(f"cannot rename: {exc}", code=REQUEST_FAILED) from None
    except Exception:  # noqa: BLE001 - a broken buffer must never bring the server down
        log.exception("prepare rename failed")
        return None
    return t.PrepareRenamePlaceholder(range=_range(analysis, span), placeholder=name)


@server.feature(t.TEXT_DOCUMENT_RENAME)
def rename(ls: FactoryServer, params: t.RenameParams) -> t.WorkspaceEdit | None:
    """Renames a definition and every name that refers to it, in every file of the workspace that names it (open or
    on disk); a rename that would change what the workspace means is refused with its reason
    (`compiler.lsp.workspace`), which the editor shows."""
    uri = params.text_document.uri
    try:
        analysis = ls.analysis(uri)
        if analysis is None:
            return None
        edits = workspace_rename(analysis, _offset(analysis, params.position), params.new_name,
                                 _workspace_root(uri, ls), ls.index)
    except RenameRefused as exc:
        raise JsonRpcException(f"cannot rename: {exc}", code=REQUEST_FAILED) from None
    except Exception:  # noqa: BLE001 - a broken buffer must never bring the server down
        log.exception("rename failed")
        return None
    changes = {}
    for path, (a, file_edits) in sorted(edits.items()):
        file_uri = uri if os.path.realpath(a.path) == os.path.realpath(analysis.path) else _uri(path)
        changes[file_uri] = [t.TextEdit(range=_range(a, span), new_text=text) for span, text in file_edits]
    return t.WorkspaceEdit(changes=changes)


@server.feature(t.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
@_guarded
def document_symbols(ls: FactoryServer, params: t.DocumentSymbolParams) -> list[t.DocumentSymbol] | None:
    analysis = ls.analysis(params.text_document.uri)
    if analysis is None:
        return None

    def convert(sym) -> t.DocumentSymbol:
        return t.DocumentSymbol(name=sym.name, detail=sym.kind,
                                kind=_SYMBOL_KINDS.get(sym.kind, t.SymbolKind.Class),
                                range=_range(analysis, sym.span), selection_range=_range(analysis, sym.selection),
                                children=[convert(c) for c in sym.children] or None)
    # built without recursion on the AST; symbol nesting follows block nesting (bounded by the parser)
    return [convert(s) for s in analysis.outline()]


@server.feature(t.TEXT_DOCUMENT_COMPLETION, t.CompletionOptions(trigger_characters=[":", ".", " ", '"', "/"]))
@_guarded
def completion(ls: FactoryServer, params: t.CompletionParams) -> t.CompletionList | None:
    """What may be typed at the cursor (`analysis.completions`). An import's path (`from "./co`) replaces the path's
    last part, an explicit range (the editor's word would stop at its `.`); `/` asks only for an import's path (a
    division or a unit's `USD/` gets no list the Enter key could accept)."""
    analysis = ls.analysis(params.text_document.uri)
    if analysis is None:
        return None
    offset = _offset(analysis, params.position)
    found = completions(analysis, offset)
    if params.context is not None and params.context.trigger_character == "/":
        found = [c for c in found if c.kind in ("file", "folder")]
    cursor = _position(analysis, offset)
    items = [t.CompletionItem(label=c.label, kind=_COMPLETION_KINDS.get(c.kind), detail=c.detail or None,
                              documentation=c.doc or None, insert_text=c.insert if c.start is None else None,
                              text_edit=t.TextEdit(range=t.Range(start=_position(analysis, c.start), end=cursor),
                                                   new_text=c.insert or c.label) if c.start is not None else None,
                              sort_text=c.sort,
                              additional_text_edits=[_insert(analysis, *c.import_line)] if c.import_line else None)
             for c in found]
    return t.CompletionList(is_incomplete=False, items=items)


@server.feature(t.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL,
                t.SemanticTokensLegend(token_types=list(TOKEN_TYPES), token_modifiers=list(TOKEN_MODIFIERS)))
@_guarded
def semantic_tokens_full(ls: FactoryServer, params: t.SemanticTokensParams) -> t.SemanticTokens | None:
    """Each name and unit by what it means (`analysis.semantic_tokens`), encoded as LSP requires: five integers per
    token (line and start relative to the previous token's, length, type, modifier bits), in UTF-16 code units."""
    analysis = ls.analysis(params.text_document.uri)
    return t.SemanticTokens(data=_encode_tokens(analysis)) if analysis is not None else None


def _encode_tokens(analysis: Analysis) -> list[int]:
    data: list[int] = []
    line = start = 0
    for span, kind, mods in semantic_tokens(analysis):
        begin, end = _position(analysis, span.start), _position(analysis, span.end)
        if end.line != begin.line:
            continue                        # (a token is one line; names and units always are)
        data += [begin.line - line, begin.character - (start if begin.line == line else 0),
                 end.character - begin.character, TOKEN_TYPES.index(kind),
                 sum(1 << TOKEN_MODIFIERS.index(m) for m in mods)]
        line, start = begin.line, begin.character
    return data


@server.feature(t.TEXT_DOCUMENT_SIGNATURE_HELP, t.SignatureHelpOptions(trigger_characters=["(", ","]))
@_guarded
def signature_help(ls: FactoryServer, params: t.SignatureHelpParams) -> t.SignatureHelp | None:
    """The built-in function the cursor is in a call of (`sum(`, `clamp(x, `), with the parameter it is at."""
    analysis = ls.analysis(params.text_document.uri)
    found = signature_at(analysis, _offset(analysis, params.position)) if analysis is not None else None
    if found is None:
        return None
    return t.SignatureHelp(signatures=[t.SignatureInformation(
        label=found.label, documentation=found.doc,
        parameters=[t.ParameterInformation(label=p) for p in found.parameters])],
        active_signature=0, active_parameter=found.active)


@server.feature(t.TEXT_DOCUMENT_INLAY_HINT)
async def inlay_hints(ls: FactoryServer, params: t.InlayHintParams) -> list[t.InlayHint] | None:
    """Made in a worker thread, as a hover is (its values may wait for an evaluation still running)."""
    if not ls.inlay_hints:
        return []
    try:
        analysis = ls.analysis(params.text_document.uri)
        if analysis is None:
            return None
        start, end = _offset(analysis, params.range.start), _offset(analysis, params.range.end)
        hints = await asyncio.get_running_loop().run_in_executor(None, analysis.inlay_hints, start, end)
        return [t.InlayHint(position=_position(analysis, h.offset), label=h.label, kind=t.InlayHintKind.Type,
                            padding_left=True) for h in hints]
    except Exception:  # noqa: BLE001
        log.exception("inlay hints failed")
        return None


EXPLAIN_COMMAND = "factory.explain"
STALE_LENS = "before the last edit: evaluating"     # the mark of a lens whose figures are the last evaluated version's
SHOW_DOCUMENT_WAIT_S = 10.0     # how long `factory.explain` waits for the editor to show its text, else a message


@server.feature(t.TEXT_DOCUMENT_CODE_LENS)
async def code_lens(ls: FactoryServer, params: t.CodeLensParams) -> list[t.CodeLens] | None:
    """Above each workload the document defines: its headline figures as evaluated (`Analysis.code_lenses`), whose
    command shows `factory explain` of the first. Made in a worker thread, as a hover is."""
    try:
        analysis = ls.analysis(params.text_document.uri)
        if analysis is None:
            return None
        loop = asyncio.get_running_loop()
        lenses = await loop.run_in_executor(None, analysis.code_lenses)
        shown = [(lens.span, lens.title, lens.path) for lens in lenses]
        judged = ls.judged.get(params.text_document.uri)
        if not lenses and judged is not None and judged[0] is not analysis and analysis.results_within(0) is None:
            # not evaluated yet (or not parsing): the last evaluated version's lenses, moved past the edit and marked
            # as such, rather than none (each keystroke took the lens lines away and the text below jumped up, then
            # back once the evaluation ended); the refresh after the evaluation replaces them
            old = judged[0]
            for lens in await loop.run_in_executor(None, old.code_lenses):
                span = moved_span(analysis, old, lens.span)
                if span is not None:
                    shown.append((span, f"{lens.title} [{STALE_LENS}]", lens.path))
        return [t.CodeLens(range=_range(analysis, span), command=t.Command(
            title=title, command=EXPLAIN_COMMAND, arguments=[params.text_document.uri, path]))
            for span, title, path in shown]
    except Exception:  # noqa: BLE001
        log.exception("code lens failed")
        return None


@server.command(EXPLAIN_COMMAND)
async def explain_command(ls, *arguments):
    """`factory explain SPEC PATH` of the document as it is in the editor (its analysis's evaluation): the
    derivation's text is returned, and shown as a document where the editor can show one (`window/showDocument`:
    a text file in a temporary folder), else as a message."""
    try:
        if len(arguments) < 2 or not all(isinstance(a, str) for a in arguments[:2]):
            ls.window_show_message(t.ShowMessageParams(type=t.MessageType.Warning, message=(
                f"{EXPLAIN_COMMAND} takes a document's URI and a quantity's path, e.g. "
                f"[\"file:///plan.factory\", \"s.svc.tokens_per_s\"]")))
            return None
        uri, path = arguments[0], arguments[1]
        analysis = ls.analysis(uri)
        if analysis is None:
            ls.window_show_message(t.ShowMessageParams(type=t.MessageType.Warning,
                                                       message=f"{_path(uri)} is not a spec the server can read"))
            return None
        results = await asyncio.get_running_loop().run_in_executor(None, lambda: analysis.results)
        if results is None or path not in results.graph.nodes:
            ls.window_show_message(t.ShowMessageParams(type=t.MessageType.Warning,
                                                       message=f"`{path}` has no value to explain"))
            return None
        from compiler.explain import derivation, render_text
        text = render_text(derivation(results, path, analysis.sink.sources))
        window = ls.client_capabilities.window if ls.client_capabilities is not None else None
        if window is not None and window.show_document:
            import tempfile
            folder = os.path.join(tempfile.gettempdir(), "factory-explain")
            os.makedirs(folder, exist_ok=True)
            out = os.path.join(folder, f"{path}.txt")
            with open(out, "w", encoding="utf-8") as handle:
                handle.write(f"factory explain {_path(uri)} {path}\n\n{text}")
            try:            # an editor that never answers must not hold the command (s23-hunt: it hung)
                await asyncio.wait_for(ls.window_show_document_async(t.ShowDocumentParams(
                    uri=_uri(out), take_focus=False)), SHOW_DOCUMENT_WAIT_S)
            except asyncio.TimeoutError:
                ls.window_show_message(t.ShowMessageParams(type=t.MessageType.Info, message=text))
        else:
            ls.window_show_message(t.ShowMessageParams(type=t.MessageType.Info, message=text))
        return text
    except Exception:  # noqa: BLE001
        log.exception("explain failed")
        return None


_FOLD_KINDS = {"comment": t.FoldingRangeKind.Comment, "imports": t.FoldingRangeKind.Imports,
               "region": t.FoldingRangeKind.Region}


@server.feature(t.TEXT_DOCUMENT_FOLDING_RANGE)
@_guarded
def folding_range(ls: FactoryServer, params: t.FoldingRangeParams) -> list[t.FoldingRange] | None:
    """Blocks and lists over several lines, doc strings, comment runs and import runs (`analysis.folding_ranges`):
    a scan of the buffer's text, so the folds stay while a statement is half typed. Whole lines (the editors fold
    lines; VS Code asks for nothing finer)."""
    text = ls.workspace.get_text_document(params.text_document.uri).source
    folds = folding_ranges(text)
    if _editor_line_starts(text) is not None:        # the scan's lines end at `\n`; the editor's at a lone `\r` too
        source = Source("<folds>", text)

        def line(index: int) -> int:
            return _position_in(source, source._line_starts[min(index, len(source._line_starts) - 1)]).line
        return [t.FoldingRange(start_line=line(f.start_line), end_line=line(f.end_line), kind=_FOLD_KINDS[f.kind])
                for f in folds]
    return [t.FoldingRange(start_line=f.start_line, end_line=f.end_line, kind=_FOLD_KINDS[f.kind]) for f in folds]


@server.feature(t.TEXT_DOCUMENT_FORMATTING)
@_guarded
def formatting(ls: FactoryServer, params: t.DocumentFormattingParams) -> list[t.TextEdit] | None:
    from dsl.format import format_text

    analysis = ls.analysis(params.text_document.uri)
    if analysis is None:
        return None
    result = format_text(analysis.text, analysis.path)
    if not result.changed:
        return []
    end = _position(analysis, len(analysis.text))
    return [t.TextEdit(range=t.Range(start=t.Position(line=0, character=0), end=end), new_text=result.text)]


@server.feature(t.TEXT_DOCUMENT_CODE_ACTION)
@_guarded
def code_actions(ls: FactoryServer, params: t.CodeActionParams) -> list[t.CodeAction] | None:
    analysis = ls.analysis(params.text_document.uri)
    if analysis is None:
        return None
    start, end = _offset(analysis, params.range.start), _offset(analysis, params.range.end)
    actions = []
    for diag, span, new_text, title, how in quick_fixes(analysis):
        # offered where the cursor is on its diagnostic (where the editor shows the squiggle and asks) or on what it
        # edits: an import goes at the top and a required field below the header, far from the diagnostic
        if all(s.end < start or s.start > end for s in (diag.span, span)):
            continue
        if how == "replace":
            edit = t.TextEdit(range=_range(analysis, span), new_text=new_text)
        else:                                # insert a line at an offset
            pos = _position(analysis, span.start)
            edit = t.TextEdit(range=t.Range(start=pos, end=pos), new_text=new_text)
        actions.append(t.CodeAction(title=title, kind=t.CodeActionKind.QuickFix,
                                    diagnostics=[_diagnostic(diag, analysis)],
                                    edit=t.WorkspaceEdit(changes={params.text_document.uri: [edit]})))
    return actions


def warm_up(ls: FactoryServer) -> None:
    """What every first analysis of the process would pay, paid once before the first message is read: the
    grammar's parser, every stdlib module parsed into the session's parse cache (~0.05-0.08 s of the first
    check's ~0.08-0.10 CPU s: the open document's own text is all that is parsed on its first open), and the
    modules the checks' stage imports. The process's start is that much longer; a document opened after it (the
    first evaluation) does not wait for it (bench/bench_lsp.py, "a fresh server opens a spec")."""
    try:
        from dsl.resources import stdlib_modules

        from compiler import checks, display, plausible  # noqa: F401  (the checks' stage reads them)
        text = "".join(f"import {name} as warm_{i}\n" for i, name in enumerate(stdlib_modules()))
        ls.session.check_text(text, "<warm-up>.factory")
        for key in [key for key in ls.session.cache.buffers if key[1] == "<warm-up>.factory"]:
            ls.session.cache.buffers.pop(key)         # (the warm-up text's statements: no document's)
    except Exception:  # noqa: BLE001 - a warm-up that fails leaves the first analysis to do it
        log.exception("warm-up failed")


class _NoRefusalTraceback(logging.Filter):
    """pygls logs every error a request answers with, traceback and all (`logger.exception`): a rename refused
    with its reason (REQUEST_FAILED: F2 on a keyword, a clash) is an answer, not a failure, so it is not logged.
    (Each was ~1.5 kB of traceback on the server's stderr; a client that does not read stderr filled the pipe
    after ~40 of them and the server stopped answering, blocked in its write.)"""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not (isinstance(exc, JsonRpcException) and exc.code == REQUEST_FAILED)


def run() -> None:
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("pygls.protocol.json_rpc").addFilter(_NoRefusalTraceback())
    gc.disable()              # the server collects where nobody waits (GC_IDLE_S); `dsl.gc_paused` leaves it off
    warm_up(server)
    gc.freeze()               # the modules loaded and the stdlib parsed: no collection walks them
    server.start_io()
