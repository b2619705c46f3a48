"""Find-references and rename across the workspace: the places of every file that names a definition, the document's
own, the file that defines it, and the files that import that file, open in the editor or on disk under the
workspace root (rust-analyzer's references and rename reach the whole workspace the same way).

Pipeline position: over `compiler.lsp.analysis` (one `Analysis` per file read); speaks in paths and `dsl.source.Span`s,
never in LSP types (`compiler.lsp.server` converts).

A definition is known across files by its key: (the real path of its file, the offset of its name). A place names it
when the checker binds the name written there to that definition (`Analysis.targets`), and the text written there
ends with its name (a selection by kind, `server` in `sum(server.max_power)`, reaches a part without naming it).

A rename is the same edit at every place, and is refused, with the reason, when it would change what the workspace
means: the new name is no name, a keyword or a built-in function; the definition is the standard library's (it is
not the user's to edit) or outside the workspace; or, the edits applied, some file checks with an error or warning
it did not have (a clash with a definition of that name), the new name is bound from other places than the old, or
a block's inherited formula would read another member (formulas bind late: `analysis.late_captures`).

Each function takes an optional `index` (`compiler.lsp.index.WorkspaceIndex`, the server's): the files' texts, words
and analyses are then read from it, kept between requests, where without it every file that may name the
definition is read, scanned and checked anew (the full scan; the index answers as it does: tests/test_lsp_index.py).
"""
from __future__ import annotations

import os
import re

from dsl import nodes as n
from dsl.loader import STDLIB_PREFIX
from dsl.source import Span

from . import index as index_module
from .analysis import (Analysis, Occurrence, RenameRefused, added_problem, alias_key, places_of_alias,
                       refuse_late_capture, refuse_unusable_name)

SKIPPED_FOLDERS, MAX_FILES = index_module.SKIPPED_FOLDERS, index_module.MAX_FILES


def workspace_files(root: str | None, buffers: dict[str, str]) -> list[str]:
    """The real paths of the .factory files of the workspace: the open documents, and those on disk under `root`
    (sorted, so the answers are deterministic)."""
    return sorted(set(index_module.walk(root)) | {os.path.realpath(p) for p in buffers})


def definition_key(analysis: Analysis, target: object) -> tuple[str, int] | None:
    """(the real path of the file that defines `target`, the offset of its name), None for a module or nothing."""
    if isinstance(target, n.Module):
        return None
    span = analysis.definition_span(target)
    if span is None:
        return None
    return os.path.realpath(analysis.files.get(span.file, span.file)), span.start


def _places(analysis: Analysis, key: tuple[str, int], name: str) -> list[Span]:
    """The spans of `analysis`'s own text that name the definition `key` (its definition's name included), each the
    name's own characters (`hgx` of a base `c.hgx`: what a rename edits)."""
    out = []
    for occ in analysis.occurrences:
        if analysis.text[occ.span.start:occ.span.end].endswith(name) and any(
                definition_key(analysis, found) == key for found in analysis.targets(occ)):
            out.append(occ.span if occ.span.end - occ.span.start == len(name)
                       else analysis.source.span(occ.span.end - len(name), occ.span.end))
    return out


def _target(analysis: Analysis, offset: int) -> tuple[Occurrence, object] | None:
    occ = analysis.at(offset)
    target = analysis.resolve(occ) if occ is not None else None
    return (occ, target) if target is not None else None


def _readers(analysis: Analysis, key: tuple[str, int], words: tuple[str, ...], root: str | None,
             texts: dict[str, str], index: "index_module.WorkspaceIndex | None" = None) -> list[Analysis]:
    """An analysis of each file of the workspace other than `analysis`'s that may name the definition `key`: its file,
    and the files that read it (import it, directly or through another file) and hold one of `words` (a file that
    does not write the name cannot name it). `texts`: real path -> text of every open document, `analysis`'s too.
    `index`: read the files' words and analyses from it (see the module's doc)."""
    own = os.path.realpath(analysis.path)
    out = []
    files = index.files(root, texts) if index is not None else workspace_files(root, texts)
    for path in files + ([key[0]] if key[0] not in texts else []):
        if path == own or any(a.path == path for a in out):
            continue
        if index is not None:
            entry = index.entry(path, texts)
            if entry is None or not any(w in entry.words for w in words):
                continue
            found = index.analysis(path, texts, analysis.session)
            if found is None:
                continue
            other, reads = found
        else:
            text = index_module.read_text(path, texts)
            if text is None or not any(re.search(rf"\b{re.escape(w)}\b", text) for w in words):
                continue
            other = Analysis(text, path, os.path.dirname(path), analysis.session,
                             {p: t for p, t in texts.items() if p != path})
            reads = {os.path.realpath(p) for p in other.imports}
        if path == key[0] or key[0] in reads:
            out.append(other)
    return out


def _open_texts(analysis: Analysis) -> dict[str, str]:
    texts = dict(analysis.buffers)
    texts[os.path.realpath(analysis.path)] = analysis.text
    return texts


def references(analysis: Analysis, offset: int, root: str | None, include_declaration: bool = True,
               index: "index_module.WorkspaceIndex | None" = None) -> list[tuple[Analysis, Span]]:
    """Every place of the workspace that names the definition under `offset` (its definition first, unless
    `include_declaration` is false, then by file and offset), each with the analysis of its file (whose source turns
    the span into a position); [] for none."""
    occ = analysis.at(offset)
    alias = alias_key(analysis, occ, offset, modules=True) if occ is not None else None
    if alias is not None:              # `c` of `import chips as c`, `chips` of `import chips`: the file's name for the
        # module, where it is written
        key, name = alias[0], analysis.text[alias[1].start:alias[1].end]
        places = [(analysis, span) for span in places_of_alias(analysis, key, name)]
        for other in _readers(analysis, key, (name,), root, _open_texts(analysis), index):
            places += [(other, span) for span in places_of_alias(other, key, name)]
    else:
        found = _target(analysis, offset)
        key = definition_key(analysis, found[1]) if found is not None else None
        if key is None:
            return []
        name = found[1].name
        places = [(analysis, span) for span in _places(analysis, key, name)]
        for other in _readers(analysis, key, (name,), root, _open_texts(analysis), index):
            places += [(other, span) for span in _places(other, key, name)]
    def declares(place: tuple[Analysis, Span]) -> bool:
        return os.path.realpath(place[0].path) == key[0] and place[1].start == key[1]
    places.sort(key=lambda p: (not declares(p), os.path.realpath(p[0].path), p[1].start))
    return places if include_declaration else [p for p in places if not declares(p)]


def _is_stdlib(analysis: Analysis, target: object) -> bool:
    span = analysis.definition_span(target)
    return span is not None and span.file.startswith(STDLIB_PREFIX)


def rename_target(analysis: Analysis, offset: int, root: str | None) -> tuple[Span, str]:
    """LSP's prepareRename across the workspace: (the span of the name under `offset`, the name) when the definition
    it names can be renamed; RenameRefused with the reason otherwise (no name, a field, a module, the standard
    library's, outside the workspace, a selection by kind, a text that does not parse)."""
    if analysis.module is None:                # (its places are not known: "no name here" said, before session 25)
        raise RenameRefused("this file does not parse yet: mend its syntax error first (a rename needs every place "
                            "that names the definition)")
    occ = analysis.at(offset)
    alias = alias_key(analysis, occ, offset) if occ is not None else None
    if alias is not None:                      # `c` of `import chips as c`: a file's name for the module
        key, span = alias
        inside = root is not None and os.path.commonpath([os.path.realpath(root), key[0]]) == os.path.realpath(root)
        if not (inside or key[0] in _open_texts(analysis)):
            raise RenameRefused(f"`{analysis.text[span.start:span.end]}` is an alias written outside the workspace "
                                f"({key[0]})")
        return span, analysis.text[span.start:span.end]
    found = _target(analysis, offset)
    if found is None:
        raise RenameRefused("there is no name here to rename")
    occ, target = found
    if isinstance(target, n.Field):
        raise RenameRefused(f"`{target.name}` is a field: its name is the kind's, not the spec's")
    if isinstance(target, n.Module):
        written = analysis.text[occ.span.start:occ.span.end]
        if target.is_stdlib:
            raise RenameRefused(f"`{written}` names a module of the standard library, which a rename cannot edit "
                                f"(`import {target.name.removeprefix(STDLIB_PREFIX + '/').removesuffix('.factory')} "
                                f"as ...` gives it a name of this file's)")
        raise RenameRefused(f"`{written}` names a module: rename its file")
    if _is_stdlib(analysis, target):
        span = analysis.definition_span(target)
        raise RenameRefused(f"`{target.name}` is defined in the standard library ({span.file}), which a rename "
                            f"cannot edit")
    key = definition_key(analysis, target)
    if key is None:
        raise RenameRefused("there is no definition here to rename")
    inside = root is not None and os.path.commonpath([os.path.realpath(root), key[0]]) == os.path.realpath(root)
    if not (inside or key[0] in _open_texts(analysis)):
        raise RenameRefused(f"`{target.name}` is defined outside the workspace ({key[0]})")
    if not analysis.text[occ.span.start:occ.span.end].endswith(target.name):
        raise RenameRefused(f"`{analysis.text[occ.span.start:occ.span.end]}` selects parts by their kind here; "
                            f"rename `{target.name}` where it is named")
    return analysis.source.span(occ.span.end - len(target.name), occ.span.end), target.name


def _edited(text: str, edits: list[tuple[Span, str]]) -> str:
    for span, new in sorted(edits, key=lambda e: -e[0].start):
        text = text[:span.start] + new + text[span.end:]
    return text


def rename(analysis: Analysis, offset: int, new_name: str, root: str | None,
           index: "index_module.WorkspaceIndex | None" = None) -> dict[str, tuple[Analysis, list]]:
    """The edits that rename the definition under `offset` to `new_name` across the workspace: real path -> (the
    analysis of that file, [(span, new text)]). RenameRefused, with the reason, when `rename_target` refuses or the
    renamed workspace would not mean the same (see the module's doc)."""
    span, _name = rename_target(analysis, offset, root)
    alias = alias_key(analysis, analysis.at(offset), offset)
    if alias is not None:
        return _rename_alias(analysis, alias[0], analysis.text[span.start:span.end], new_name, root, index)
    refuse_unusable_name(new_name)
    _occ, target = _target(analysis, offset)
    return _rename_everywhere(analysis, definition_key(analysis, target), target.name, new_name, root, index, _places)


def _rename_alias(analysis: Analysis, key: tuple[str, int], old: str, new_name: str, root: str | None,
                  index: "index_module.WorkspaceIndex | None") -> dict[str, tuple[Analysis, list]]:
    """The edits that rename the alias `key` (`c` of `import chips as c`, `alias_key`'s) to `new_name`: in the file
    that wrote it, the alias and its uses, and in each file that imports it by name (`from "./m.factory" import c`)
    that import and its uses: find-references' places. RenameRefused when a file that reads it checks with an error
    or warning it did not have, or the new name is written at other places than the old (`rename_alias`'s law,
    file by file)."""
    refuse_unusable_name(new_name)
    return _rename_everywhere(analysis, key, old, new_name, root, index, places_of_alias)


def _rename_everywhere(analysis: Analysis, key: tuple[str, int], old: str, new_name: str, root: str | None,
                       index: "index_module.WorkspaceIndex | None", places) -> dict[str, tuple[Analysis, list]]:
    """The edits that write `new_name` for `old` at every place of the workspace that names `key`: real path -> (the
    analysis of that file, [(span, new text)]), where `places(analysis, key, name)` gives the spans of a file that
    name `key` by `name`, each the name's own characters (`_places` for a definition, `places_of_alias` for an
    alias). The law, checked file by file after the edits are applied everywhere: every file that reads `key`
    checks with no error or warning it did not have (`added_problem`), and `new_name` names the moved `key` from
    exactly the places the edits wrote; RenameRefused, with the reason, otherwise."""
    texts = _open_texts(analysis)
    files = [analysis] + _readers(analysis, key, (old, new_name), root, texts, index)
    edits: dict[str, tuple[Analysis, list]] = {}
    for a in files:
        spans = places(a, key, old)
        if spans:
            edits[os.path.realpath(a.path)] = (a, [(span, new_name) for span in spans])
    if new_name == old:
        return edits
    renamed = dict(texts)
    for path, (a, file_edits) in edits.items():
        renamed[path] = _edited(a.text, file_edits)
    decl_edits = edits[key[0]][1] if key[0] in edits else []
    new_key = (key[0], key[1] + sum(len(new_name) - len(old) for s, _ in decl_edits if s.start < key[1]))
    for a in files:
        path = os.path.realpath(a.path)
        after = Analysis(renamed.get(path, a.text), a.path, a.root, a.session,
                         {p: t for p, t in renamed.items() if p != path})
        added = added_problem(a, after)
        if added is not None:
            problem, first = added
            where = os.path.basename(first.span.file) if first.span is not None else os.path.basename(a.path)
            raise RenameRefused(f"renaming `{old}` to `{new_name}` would give {problem[0]}[{problem[1]}] in "
                                f"{where}: {first.message}")
        refuse_late_capture(a, after, {p: es for p, (_a, es) in edits.items()}, old, new_name)
        file_edits = edits.get(path, (None, []))[1]
        moved = [s.start + sum(len(new_name) - len(old) for e, _ in file_edits if e.start < s.start)
                 for s, _ in file_edits]
        if sorted(s.start for s in places(after, new_key, new_name)) != sorted(moved):
            raise RenameRefused(f"renaming `{old}` to `{new_name}` would change what some names refer to in "
                                f"{os.path.basename(a.path)} (`{new_name}` is already visible there)")
    return edits
