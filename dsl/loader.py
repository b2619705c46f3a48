"""Files and imports: reads spec files safely, parses and builds each once, follows imports.

Pipeline position: after `dsl.build`, before `dsl.resolve`. Imports `dsl.parser`, `dsl.build`,
`dsl.resources`, `dsl.source`, `dsl.diagnostics`. Public function: `load(paths, sink, root, cache) -> Program`.

Rules: `import chips` / `from chips import H100` name stdlib modules (stdlib/chips.factory, dotted names
are sub-folders); `import "./common.factory" as common` names a file relative to the importing file,
which must stay inside the spec's root (the entry file's folder unless `root` is given). An import cycle
is reported with its chain.

Reading is bounded: only regular files are opened for reading (a FIFO, `/dev/zero` or another device is
refused before a byte is read, so nothing waits on a writer or reads without end), at most 8 MiB are read,
and a file is refused when binary or not UTF-8. A path that cannot name a file (a NUL byte, too long for
the file system, a loop of symbolic links) is a diagnostic at the import, never an exception.

Imported files (the stdlib above all) are parsed once per `ParseCache` (a `dsl.Session` owns one): their
modules are kept by path and reused while the file's text is unchanged, with the diagnostics of their
parse replayed into each run. The files named as entries are always parsed afresh. A module is never
changed after it is built, so runs that share a cache do not disturb each other.
"""
from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from . import nodes as n
from .build import build
from .diagnostics import Code, Diagnostic, Related, Sink, did_you_mean, suggest
from .parser import StatementCache, parse
from .resources import stdlib_dir, stdlib_modules
from .source import Source, Span

MAX_FILE_BYTES = 8 * 1024 * 1024
STDLIB_PREFIX = "<stdlib>"
MAX_CACHED_MODULES = 64
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) \
    | getattr(os, "O_BINARY", 0)


class ParseCache:
    """Modules of imported files, kept by path and reused while the file's text is unchanged (at most
    `limit` of them, the oldest dropped first). Owned by a `dsl.Session`; never global."""

    def __init__(self, limit: int = MAX_CACHED_MODULES):
        self.limit = limit
        # (absolute path, display name, is_stdlib) -> (text, module or None, diagnostics of its parse)
        self.entries: dict[tuple[str, str, bool], tuple[str, n.Module | None, list[Diagnostic]]] = {}
        # (absolute path, display name) of a buffer checked as text -> its statements, for the next version
        self.buffers: dict[tuple[str, str], StatementCache] = {}

    def statements(self, path: str, name: str) -> StatementCache:
        """The statement cache of a buffer checked with `load_text` (at most `limit` buffers are kept)."""
        key = (path, name)
        found = self.buffers.get(key)
        if found is None:
            if self.buffers and len(self.buffers) >= self.limit:
                self.buffers.pop(next(iter(self.buffers)))
            found = self.buffers[key] = StatementCache()
        return found

    def module(self, source: Source, path: str, is_stdlib: bool, sink: Sink) -> n.Module | None:
        """`_parse`, reusing the module of an earlier run while the file's text is unchanged."""
        key = (path, source.name, is_stdlib)
        hit = self.entries.get(key)
        if hit is None or hit[0] != source.text:
            scratch = Sink()
            module = _parse(source, path, is_stdlib, scratch)
            if key not in self.entries and len(self.entries) >= self.limit:
                self.entries.pop(next(iter(self.entries)))
            self.entries[key] = hit = (source.text, module, scratch.items)
        for diag in hit[2]:
            sink.report(diag)
        return hit[1]


@dataclass
class Program:
    """Every module of a run, keyed by absolute path; `entries` are the files named on the command line."""

    modules: dict[str, n.Module] = field(default_factory=dict)
    entries: list[n.Module] = field(default_factory=list)
    # (importing module path, Import statement) -> imported module (None when it failed)
    imports: dict[tuple[str, int], n.Module | None] = field(default_factory=dict)
    root: str = ""

    def imported(self, module: n.Module, stmt: n.Import) -> n.Module | None:
        return self.imports.get((module.path, id(stmt)))


def read_source(path: Path, display: str, sink: Sink, span: Span | None = None) -> Source | None:
    """Read one file as text, or report why it cannot be read (at `span`, the import, if any).

    The file is opened without blocking and checked with fstat before any read: a FIFO would wait for a
    writer, and a device such as /dev/zero never ends. At most MAX_FILE_BYTES + 1 bytes are read."""
    where = span or _file_span(display)
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except (OSError, ValueError) as exc:
        sink.error(Code.FILE_UNREADABLE, f"cannot read {display}: {_path_error(exc)}", where)
        return None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            sink.error(Code.FILE_UNREADABLE, f"cannot read {display}: it is a directory", where)
            return None
        if not stat.S_ISREG(info.st_mode):
            sink.error(Code.FILE_NOT_REGULAR, f"{display} is {_file_type(info.st_mode)}, not a regular file; it is "
                       "not read", where, help="name a .factory file")
            return None
        data = _read_bounded(fd, MAX_FILE_BYTES + 1) if info.st_size <= MAX_FILE_BYTES else None
        if data is None or len(data) > MAX_FILE_BYTES:
            size = f"{info.st_size / 2**20:.1f} MiB" if data is None else f"over {MAX_FILE_BYTES // 2**20} MiB"
            sink.error(Code.FILE_TOO_LARGE, f"{display} is {size}; the limit is {MAX_FILE_BYTES // 2**20} MiB",
                       where, help="split the plan into modules and import them")
            return None
    except OSError as exc:
        sink.error(Code.FILE_UNREADABLE, f"cannot read {display}: {_path_error(exc)}", where)
        return None
    finally:
        os.close(fd)
    if b"\x00" in data:
        _binary(display, data.count(b"\n", 0, data.index(b"\x00")) + 1, sink, where)
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        good = data[: exc.start].decode("utf-8", errors="replace")
        source = Source(display, good)
        sink.add_source(source)
        sink.error(Code.FILE_NOT_UTF8, f"{display} is not UTF-8 text: byte 0x{data[exc.start]:02x} at offset "
                   f"{exc.start} cannot be decoded", source.span(len(good), len(good)),
                   help="save the file as UTF-8")
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
    source = Source(display, text)
    sink.add_source(source)
    return source


def _binary(display: str, line: int, sink: Sink, where: Span) -> None:
    sink.error(Code.FILE_BINARY, f"{display} contains NUL bytes: it is binary data, not a spec", where,
               help=f"the first NUL byte is on line {line}")


def _binary_text(text: str, display: str, sink: Sink, where: Span) -> bool:
    """Whether `text` (an editor's buffer, stdin) holds a NUL byte: then it is refused as the file would be
    (`file-binary`, where `read_source` puts it), so that a buffer checks as its file saved does."""
    at = text.find("\x00")
    if at < 0:
        return False
    _binary(display, text.count("\n", 0, at) + 1, sink, where)
    return True


def _read_bounded(fd: int, limit: int) -> bytes:
    chunks, total = [], 0
    while total < limit:
        chunk = os.read(fd, min(limit - total, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _file_type(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


def _path_error(exc: BaseException) -> str:
    """Why a path cannot name a readable file, in words (from the exception a path operation raised)."""
    if isinstance(exc, ValueError):
        return "the path contains a NUL byte"
    if isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == errno.ELOOP:
        return "the path runs into a loop of symbolic links"
    if getattr(exc, "errno", None) == errno.ENAMETOOLONG:
        return "the path is longer than the file system allows"
    if isinstance(exc, OSError) and exc.errno == errno.ENXIO:
        return "it is a socket or a device with nothing behind it"
    return (exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)) or type(exc).__name__


def _resolved(path: Path) -> Path:
    """`path.resolve()`; raises ValueError for a NUL byte (before any system call), RuntimeError or
    OSError for a symbolic-link loop or an over-long path."""
    if "\x00" in str(path):
        raise ValueError("embedded null byte")
    return path.resolve()


def _file_span(display: str) -> Span:
    return Span(display, 0, 0, 1, 1, 1, 1)


def _parse(source: Source, path: str, is_stdlib: bool, sink: Sink,
           statements: StatementCache | None = None) -> n.Module | None:
    parsed = parse(source, sink, statements)
    return build(source, parsed, source.name, path, is_stdlib, sink) if parsed is not None else None


class _Loader:
    def __init__(self, sink: Sink, root: Path | None, cache: ParseCache | None,
                 buffers: dict[str, str] | None = None):
        self.sink = sink
        self.root = root
        self.cache = cache
        self.buffers = buffers or {}       # absolute path -> text of an editor's open buffer, read before disk
        self.entry_root: Path | None = None   # without `root`: the folder of the entry being loaded (the root of
                                              # every file it imports, at any depth: docs/language.md)
        self.program = Program()
        self.stack: list[tuple[str, n.Import | None]] = []   # paths being loaded, with the import that led there
        self.failed: set[str] = set()

    def load_entry(self, path: Path, display: str) -> None:
        try:
            path = _resolved(path)
        except (OSError, ValueError, RuntimeError) as exc:
            self.sink.error(Code.FILE_UNREADABLE, f"cannot read {_clipped(display)}: {_path_error(exc)}",
                            _file_span(display))
            return
        self.entry_root = path.parent
        module = self.load_file(path, display, is_stdlib=False, via=None)
        if module is not None and module not in self.program.entries:
            self.program.entries.append(module)

    def load_file(self, path: Path, display: str, is_stdlib: bool, via: Span | None) -> n.Module | None:
        key = str(path)
        if key in self.program.modules:
            return self.program.modules[key]
        if key in self.failed:
            return None
        if key in self.buffers:            # an open buffer wins over the file on disk (saved or not)
            source = Source(display, self.buffers[key])
            self.sink.add_source(source)
            if _binary_text(source.text, display, self.sink, via or _file_span(display)):
                source = None
        else:
            source = read_source(path, display, self.sink, via)
        module = None
        if source is not None:
            module = self.cache.module(source, key, is_stdlib, self.sink) \
                if via is not None and self.cache is not None \
                else _parse(source, key, is_stdlib, self.sink)
        if module is None:
            self.failed.add(key)
            return None
        self.register(module)
        return module

    def register(self, module: n.Module) -> None:
        """Record a built module and load what it imports (depth first, so cycles are seen)."""
        key = module.path
        self.program.modules[key] = module
        self.stack.append((key, None))
        for stmt in module.statements:
            if isinstance(stmt, n.Import):
                self.stack[-1] = (key, stmt)
                self.program.imports[(key, id(stmt))] = self.follow(module, stmt)
        self.stack.pop()

    def follow(self, module: n.Module, stmt: n.Import) -> n.Module | None:
        target = self.locate(module, stmt)
        if target is None:
            return None
        path, display, is_stdlib = target
        key = str(path)
        chain_keys = [k for k, _ in self.stack]
        if key in chain_keys:
            self.report_cycle(chain_keys.index(key), stmt, display)
            return None
        return self.load_file(path, display, is_stdlib, stmt.module_span)

    def locate(self, module: n.Module, stmt: n.Import) -> tuple[Path, str, bool] | None:
        """The file an import names, or None (reported). A path no file can have is reported, not raised."""
        try:
            return self._locate(module, stmt)
        except (OSError, ValueError, RuntimeError) as exc:
            self.sink.error(Code.IMPORT_PATH_INVALID, f"`{_clipped(stmt.module)}` cannot name a file: "
                            f"{_path_error(exc)}", stmt.module_span)
            return None

    def _warn_shadowed(self, module: n.Module, stmt: n.Import, parts: list[str], stdlib: Path) -> None:
        """A bare import reads the stdlib module even where a file of that name lies beside the importing file: a
        team that keeps a copy of `chips.factory` beside its spec and edits a price there saw no figure move (a plan
        said "no change"). A warning at the import naming both, with the quoted import that reads the file."""
        if module.is_stdlib or not module.path:
            return
        local = Path(module.path).parent.joinpath(*parts[:-1], parts[-1] + ".factory")
        if not local.is_file() or _resolved(local) == _resolved(stdlib):     # a stdlib file checked as a spec
            return
        rel = "./" + "/".join(parts) + ".factory"
        self.sink.warning(Code.SHADOWED_FILE, f"`{stmt.module}` is the stdlib module "
                          f"`{STDLIB_PREFIX}/{'/'.join(parts)}.factory`; the file `{rel}` beside this spec is not read",
                          stmt.module_span, notes=["a bare module name always names the stdlib; a file is imported by "
                                                   "its quoted path"],
                          help=f"to use the file, import it by its path: `import \"{rel}\" as {parts[-1]}` or "
                               f"`from \"{rel}\" import ...`; to use the stdlib, remove or rename the file")

    def _locate(self, module: n.Module, stmt: n.Import) -> tuple[Path, str, bool] | None:
        sink = self.sink
        if not stmt.is_path:
            parts = stmt.module.split(".")
            path = stdlib_dir().joinpath(*parts[:-1], parts[-1] + ".factory")
            if path.is_file():
                self._warn_shadowed(module, stmt, parts, path)
                return _resolved(path), f"{STDLIB_PREFIX}/{'/'.join(parts)}.factory", True
            sink.error(Code.IMPORT_NOT_FOUND, f"there is no stdlib module `{stmt.module}`", stmt.module_span,
                       help=did_you_mean(stmt.module, stdlib_modules()) or
                       f"stdlib modules: {', '.join(stdlib_modules())}; import a file with a quoted path",
                       notes=["to import a file of your own, quote its path: import \"./common.factory\""])
            return None
        rel = stmt.module
        base_dir = Path(module.path).parent
        root = stdlib_dir().resolve() if module.is_stdlib else (self.root or self.entry_root or base_dir)
        candidate = (base_dir / rel) if not os.path.isabs(rel) else Path(rel)
        resolved = _resolved(candidate)
        if not _inside(resolved, root):
            sink.error(Code.IMPORT_ESCAPES_ROOT, f"`{rel}` leads outside the spec's root folder "
                       f"({_shown(root)})",
                       stmt.module_span, notes=["a spec may only import files inside its root folder, so that "
                                                "checking it can never read other files of the machine"],
                       help="move the file under the root, or give a wider root with --root")
            return None
        display_dir = os.path.dirname(module.name)
        display = os.path.normpath(os.path.join(display_dir, rel)) if not os.path.isabs(rel) else str(resolved)
        if module.is_stdlib:
            display = f"{STDLIB_PREFIX}/{resolved.relative_to(stdlib_dir().resolve()).as_posix()}"
        if str(resolved) in self.buffers:                 # an open buffer, perhaps never saved
            return resolved, display, module.is_stdlib
        if not resolved.exists() or resolved.is_dir():   # a FIFO or device: refused when read
            siblings = [p.name for p in resolved.parent.glob("*.factory")] if resolved.parent.is_dir() else []
            best = suggest(resolved.name, siblings, cutoff=0.8)
            hint = f"did you mean `{best}`?" if best else None
            if "\\" in rel:                     # a Windows path: `\` is no separator here
                hint = f"write the path with `/` on every system: \"{rel.replace(chr(92), '/')}\""
            elif resolved.is_dir():
                hint = "this is a folder; import a .factory file in it"
            elif not rel.endswith(".factory") and resolved.with_name(resolved.name + ".factory").is_file():
                hint = f"the file is `{rel}.factory`: import \"{rel}.factory\""
            sink.error(Code.IMPORT_NOT_FOUND, f"no file `{rel}` (looked for {display})", stmt.module_span,
                       help=hint)
            return None
        return resolved, display, module.is_stdlib

    def report_cycle(self, start: int, closing: n.Import, display: str) -> None:
        chain = [self.program.modules[k].name for k, _ in self.stack[start:]] + [display]
        related = []
        for key, via in self.stack[start:-1]:
            if via is not None:
                related.append(Related(via.module_span, f"{self.program.modules[key].name} imports "
                                                         f"`{via.module}`"))
        self.sink.error(Code.IMPORT_CYCLE, "import cycle: " + " → ".join(chain), closing.module_span,
                        related=related, help="move what both files need into a third file that imports neither")


def _clipped(text: str, limit: int = 80) -> str:
    """`text` for a message: a NUL shown as \\0, and no longer than `limit` characters."""
    text = text.replace("\x00", "\\0")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _shown(path: Path) -> str:
    """A folder as a user would name it: relative to the working directory when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else (rel if rel != "." else "the current folder")


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root.resolve())
        return True
    except ValueError:
        return False


def load(paths: list[str], sink: Sink, root: str | None = None, cache: ParseCache | None = None) -> Program:
    """Load the entry files named by `paths` (display names as given) and everything they import;
    imported files are taken from `cache` while unchanged (None: every file is parsed afresh)."""
    loader = _Loader(sink, _root(root, sink), cache)
    loader.program.root = str(loader.root) if loader.root else ""
    for given in paths:
        loader.load_entry(Path(given), given)
    return loader.program


def load_text(text: str, name: str, sink: Sink, root: str | None = None,
              cache: ParseCache | None = None, buffers: dict[str, str] | None = None) -> Program:
    """Load a spec held in memory (the editor's unsaved buffer, `factory estimate`), with imports from
    `buffers` (absolute path -> text: the editor's other open documents) first, else from disk."""
    loader = _Loader(sink, _root(root, sink), cache, buffers)
    source = Source(name, text)
    sink.add_source(source)
    if _binary_text(text, name, sink, _file_span(name)):
        return loader.program
    try:
        path = str(_resolved(Path(name)))
    except (OSError, ValueError, RuntimeError):
        path = os.path.abspath(name)   # the buffer's name only places it; it is never read
    module = _parse(source, path, False, sink, cache.statements(path, name) if cache is not None else None)
    if module is not None:
        loader.entry_root = Path(path).parent
        loader.register(module)
        loader.program.entries.append(module)
    return loader.program


def _root(root: str | None, sink: Sink) -> Path | None:
    if not root:
        return None
    try:
        return _resolved(Path(root))
    except (OSError, ValueError, RuntimeError) as exc:
        sink.error(Code.FILE_UNREADABLE, f"the root folder {_clipped(root)} cannot be used: {_path_error(exc)}")
        return Path(os.path.abspath(root.replace("\x00", "")))
