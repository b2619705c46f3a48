"""Solve a model's search once per DISTINCT combination of its inputs over a sweep, and scatter the results
back to the scenarios.

Pipeline position: a helper of the registered models (`compiler.models.training`, `compiler.models.inference`);
imports numpy only.

A scenario's search (the inference model's best (tp, pp, batch), the training model's best layout and its
deadline ladder) depends only on that scenario's own inputs, so equal inputs give equal results. The inputs
are compared bit for bit (equal bytes give equal floating-point results; a NaN equals itself, -0.0 differs
from 0.0), each distinct combination is solved once, on that scenario's own candidates, and the results are
given back to every scenario of the combination. The distinct rows are taken in blocks of at most
BLOCK_CELLS candidates, so memory stays bounded whatever the length of the sweep, and the work is linear in
the number of distinct combinations (a sweep of a parameter the search does not read costs one solve).

    cols, inverse = distinct(columns, size)         # columns: name -> one value, or one per scenario
    parts = [(rows, solve(restricted to rows)) for rows in blocks(row_count(cols), candidates per row)]
    result = scatter(parts, inverse)                # every scenario's result, in scenario order

`solve_distinct` does the three steps for inputs held in dataclasses and dicts (`pack` / `unpack`).
"""
from __future__ import annotations

import dataclasses

import numpy as np

BLOCK_CELLS = 1 << 19       # candidates (rows x configurations) of one block


def distinct(columns: dict, size: int):
    """The distinct scenarios of `columns` (name -> one value, or one per scenario): (the columns restricted to
    one representative scenario of each distinct combination, the index of each of the `size` scenarios'
    combination). Values are compared by their bytes (a NaN equals itself, -0.0 differs from 0.0)."""
    flat = {k: np.asarray(v, dtype=float).reshape(-1) for k, v in columns.items()}
    varying = [v for v in flat.values() if v.size > 1]
    if not varying:
        return flat, np.zeros(size, dtype=np.intp)
    table = np.ascontiguousarray(np.stack(varying, axis=1))
    keys = table.view(np.dtype((np.void, table.dtype.itemsize * table.shape[1]))).reshape(-1)
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    return {k: v[first] if v.size > 1 else v for k, v in flat.items()}, inverse.reshape(-1)


def row_count(cols: dict) -> int:
    """Rows of packed columns: the distinct combinations (1 when nothing varies)."""
    return max((v.size for v in cols.values()), default=1)


def blocks(count: int, columns: int):
    """Slices of at most BLOCK_CELLS / columns of the `count` distinct rows."""
    step = max(1, BLOCK_CELLS // max(columns, 1))
    return [slice(i, min(i + step, count)) for i in range(0, max(count, 1), step)]


def scatter(parts: list, inverse: np.ndarray) -> dict:
    """The distinct rows' results, (rows, results) for each block in order, given back to every scenario (a
    block's result of one value, where none of the inputs it read varies in the block, holds for its rows).
    Lists (reasons, texts) are scattered as lists, everything else as float/bool arrays."""
    out = {}
    for key in parts[0][1]:
        if isinstance(parts[0][1][key], list):
            texts = [t for rows, part in parts for t in (part[key] * rows if len(part[key]) == 1 else part[key])]
            out[key] = [texts[i] for i in inverse]
        else:
            out[key] = np.concatenate([np.broadcast_to(np.reshape(part[key], -1), (rows,))
                                       for rows, part in parts])[inverse]
    return out


def _fields(obj) -> dict:
    if dataclasses.is_dataclass(obj):
        return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
    return dict(obj)


def _numeric(value) -> bool:
    return value is not None and not isinstance(value, (bool, str)) and np.asarray(value).dtype.kind in "biuf"


def pack(groups: dict) -> dict:
    """Columns (group, field, ...) -> values of every numeric field of each group (a dataclass or a dict), and
    of every dataclass a group holds (the inference model's chip power law: its cap varies with `power_cap`),
    keyed by the path to it; flags, texts and None are not columns: `unpack` keeps them as they are."""
    cols = {}

    def walk(path, obj):
        for k, v in _fields(obj).items():
            if _numeric(v):
                cols[path + (k,)] = v
            elif dataclasses.is_dataclass(v) and not isinstance(v, type):
                walk(path + (k,), v)

    for g, obj in groups.items():
        walk((g,), obj)
    return cols


def unpack(cols: dict, groups: dict, rows=slice(None)) -> dict:
    """The groups again (same types), each numeric field restricted to `rows` where it varies (a flat array)."""
    part = {key: v[rows] if v.size > 1 else v for key, v in cols.items()}

    def rebuild(path, obj):
        depth = len(path)
        mine = {key[depth]: v for key, v in part.items() if key[:depth] == path and len(key) == depth + 1}
        for k, v in _fields(obj).items():
            if dataclasses.is_dataclass(v) and not isinstance(v, type) and any(
                    key[:depth + 1] == path + (k,) for key in part):
                mine[k] = rebuild(path + (k,), v)
        return dataclasses.replace(obj, **mine) if dataclasses.is_dataclass(obj) else {**dict(obj), **mine}

    return {g: rebuild((g,), obj) for g, obj in groups.items()}


def solve_distinct(solve, groups: dict, columns: int, cache: dict | None = None) -> dict:
    """`solve(**groups)` (a dict of per-row results: arrays of one value or one per row, or lists of texts) run
    once per distinct combination of the groups' numeric fields, in blocks of at most BLOCK_CELLS / `columns`
    rows, and scattered back: the same results as `solve` over every scenario, at the cost of the distinct
    ones. Returns one value per scenario (length 1 when no field varies).

    `cache` (a streamed sweep's, `compiler.sweep.prepare`: one per plan and process): each distinct row's result
    kept from chunk to chunk, keyed by the solve function and every input it is given, bit for bit (the row's
    numbers, and the flags, texts and Nones `unpack` passes as they are); only the rows not in it are solved. A
    row's result does not depend on the rows solved with it (the law above: a sweep equals its runs one at a time),
    so a chunk gives the results it would alone: a sweep of a parameter the search does not read solves once per
    sweep instead of once per chunk, and a structural sweep (the rack count) once per distinct count, whichever
    chunks repeat it. At most CACHE_ROWS rows are kept (the oldest go first)."""
    cols = pack(groups)
    size = row_count(cols)
    cols, inverse = distinct(cols, size)
    count = row_count(cols)
    prefix = _cache_prefix(solve, groups, columns) if cache is not None else None
    if prefix is None:
        parts = [(rows.stop - rows.start, solve(**unpack(cols, groups, rows))) for rows in blocks(count, columns)]
        return scatter(parts, inverse)
    names = list(cols)
    table = np.ascontiguousarray(np.stack([np.broadcast_to(cols[k], (count,)) for k in names], axis=1)
                                 if names else np.zeros((count, 0)))
    keys = [prefix + (tuple(names), table[j].tobytes()) for j in range(count)]
    found = {j: cache[key] for j, key in enumerate(keys) if key in cache}
    missing = [j for j in range(count) if j not in found]
    if missing:
        sub = {k: v[missing] if v.size > 1 else v for k, v in cols.items()}
        for rows in blocks(len(missing), columns):
            part = solve(**unpack(sub, groups, rows))
            n = rows.stop - rows.start
            for i in range(n):
                found[missing[rows.start + i]] = _row_of(part, i, n)
        for j in missing:
            cache[keys[j]] = found[j]
        while len(cache) > CACHE_ROWS:
            cache.pop(next(iter(cache)))                # (the oldest first)
    return scatter([(1, found[j]) for j in range(count)], inverse)


CACHE_ROWS = 4096


def _row_of(part: dict, i: int, n: int) -> dict:
    """Row i of a block's results (n rows; a value of length 1 holds for every row)."""
    row = {}
    for key, value in part.items():
        if isinstance(value, list):
            row[key] = list(value) if len(value) == 1 else [value[i]]
        else:
            flat = np.reshape(value, -1)
            row[key] = flat.copy() if flat.size == 1 else flat[i:i + 1].copy()
    return row


def _cache_prefix(solve, groups: dict, columns: int):
    """What every key of a solve in `solve_distinct`'s cache starts with (the function, the candidates per row, the
    inputs that are not numbers), or None where an input is neither numbers, a dataclass, a flag, a text nor None
    (nothing is cached then)."""
    others = []

    def walk(path, obj):
        for k, v in _fields(obj).items():
            if _numeric(v):
                continue
            if dataclasses.is_dataclass(v) and not isinstance(v, type):
                walk(path + (k,), v)
            elif v is None or isinstance(v, (bool, str)):
                others.append((path + (k,), v))
            else:
                raise TypeError

    try:
        for g, obj in groups.items():
            walk((g,), obj)
    except TypeError:
        return None
    return (solve.__module__, solve.__qualname__, columns, tuple(others))
