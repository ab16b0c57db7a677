"""Python regexes of the recognizers, compiled once per machine instead of once per process.

Python's ``re`` compiles a pattern in two steps: its parser and code generator, written in
Python, turn the pattern into a list of integers (slow for large character classes: the
500 surnames of the name patterns are optimised into a bitmap each time), then
``_sre.compile``, in C, builds the pattern object from that list. Every detector compiles
about 200 such patterns (each recognizer pattern for the anchored check, each scan form
for the single-text path): 1.3 of the 1.6 s a ``Detector()`` took to build, paid by every
``dataguard mask``, ``filter`` or ``detect`` run and every worker process.

Here the generated code is kept on disk (:mod:`~dataguard.detect.disk_cache`, JSON, one
file per Python build: its version and ``_sre.MAGIC``), and a later process hands it to
``_sre.compile`` directly. ``_sre`` checks the code it is given (invalid code is refused
with an error); a cache file that anyone but the user could write is not read
(:func:`~dataguard.detect.disk_cache.trusted`); and anything unexpected (no cache, an
unreadable or foreign file, a Python whose internals differ) falls back to
:func:`re.compile`, so the patterns are the same either way. A property test holds the
cached patterns to ``re.compile``'s on the recognizers' examples.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import re
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dataguard.detect.disk_cache import cache_dir, store, touch, trusted

__all__ = ["cached_strings", "code_version", "compile_cached", "flush"]

#: Entries kept at most (the built-in recognizers need about 310); beyond, the file
#: starts afresh, so plugins that build patterns on the fly cannot grow it without end.
_LIMIT = 1_000
_FORMAT = 2

try:  # CPython's regex internals; any other Python compiles with re.compile only
    _sre: Any = importlib.import_module("_sre")
    _parser: Any = importlib.import_module("re._parser")
    _compiler: Any = importlib.import_module("re._compiler")
    _BUILD = hashlib.sha256(
        json.dumps([_FORMAT, sys.version, sys.maxunicode, _sre.MAGIC]).encode()
    ).hexdigest()[:32]
except (ImportError, AttributeError):  # pragma: no cover - not CPython 3.11+
    _sre = _parser = _compiler = None
    _BUILD = ""

_lock = threading.Lock()
_compiled: dict[tuple[str, int], re.Pattern[str]] = {}
#: The disk cache's entries (``"re:<flags>:<pattern>"`` → code, ``"str:<version>:<key>"`` →
#: strings), loaded on first use.
_entries: dict[str, list[Any]] | None = None
_dirty = False


def _path() -> Path:
    return cache_dir() / f"re-{_BUILD}.json"


def _load() -> dict[str, list[Any]]:
    try:
        path = _path()
        if not trusted(path):
            return {}
        loaded = json.loads(path.read_bytes())
    except (OSError, ValueError):  # missing, unreadable or truncated: compile afresh
        return {}
    touch(path)
    return loaded if isinstance(loaded, dict) else {}


def _generate(pattern: str, flags: int) -> list[Any]:
    """What ``re._compiler.compile`` hands ``_sre.compile``, as JSON can hold it."""
    parsed = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return [flags | parsed.state.flags, list(code), parsed.state.groups - 1, groupindex, indexgroup]


def _build(pattern: str, entry: list[Any]) -> re.Pattern[str]:
    flags, code, groups, groupindex, indexgroup = entry
    built: re.Pattern[str] = _sre.compile(
        pattern, flags, code, groups, groupindex, tuple(indexgroup)
    )
    return built


def compile_cached(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, from the disk cache when it holds the pattern.

    Call :func:`flush` once the patterns of a task are compiled, to store new ones.
    """
    key = (pattern, flags)
    found = _compiled.get(key)
    if found is not None:
        return found
    if _sre is None:
        return _compiled.setdefault(key, re.compile(pattern, flags))
    global _dirty
    with _lock:
        entries = _loaded()
        name = f"re:{flags}:{pattern}"
        entry = entries.get(name)
        compiled = None
        if entry is not None:
            try:
                compiled = _build(pattern, entry)
            except Exception:  # not code this build accepts: compile it afresh
                del entries[name]
        if compiled is None:
            try:
                entry = _generate(pattern, flags)
                compiled = _build(pattern, entry)
            except re.error:
                raise
            except Exception:  # internals other than expected: compile as re does
                return _compiled.setdefault(key, re.compile(pattern, flags))
            entries[name] = entry
            _dirty = True
        _compiled[key] = compiled
        return compiled


def code_version(*modules: str) -> str | None:
    """A name for the current source of *modules* (a hash of their files), for
    :func:`cached_strings`; None when a source cannot be read (then nothing is kept)."""
    digest = hashlib.sha256()
    try:
        for name in modules:
            spec = importlib.util.find_spec(name)
            if spec is None or spec.origin is None:
                return None
            digest.update(Path(spec.origin).read_bytes())
    except (OSError, ImportError, ValueError):
        return None
    return digest.hexdigest()[:32]


def cached_strings(version: str | None, key: str, compute: Callable[[], list[str]]) -> list[str]:
    """``compute()``, kept on disk with the compiled regexes under *version* and *key*.

    *version* must change whenever what ``compute`` returns for *key* may
    (:func:`code_version` of the code that computes it); None keeps nothing.
    """
    global _dirty
    if version is None or _sre is None:
        return compute()
    name = f"str:{version}:{key}"
    with _lock:
        found = _loaded().get(name)
        if isinstance(found, list) and all(isinstance(item, str) for item in found):
            return list(found)
    value = compute()
    with _lock:
        _loaded()[name] = list(value)
        _dirty = True
    return value


def _loaded() -> dict[str, list[Any]]:
    """The disk cache's entries, read on first use (call with the lock held)."""
    global _entries
    if _entries is None:
        _entries = _load()
    return _entries


def flush() -> None:
    """Store the patterns compiled since the cache was read (best effort; no-op if none)."""
    global _dirty
    with _lock:
        if not _dirty or _entries is None:
            return
        merged = {**_load(), **_entries}
        if len(merged) > _LIMIT:
            merged = dict(_entries)
        store(_path(), json.dumps(merged, ensure_ascii=False).encode("utf-8"))
        _dirty = False
