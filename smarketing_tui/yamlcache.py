"""A cache of parsed YAML files, so that a workspace's settings and agenda load without PyYAML.

Parsing the few small files of a workspace takes a millisecond or two; importing PyYAML
takes 8-9 ms (most of it compiling its reader's regular expressions), and the meeting screen
reads its settings and agenda before it opens. So each parsed file is kept in the user's
cache folder beside the exact text it was parsed from, and is taken from there only when the
file's text and label (the name its error messages carry) are the same: an edit is never
missed, and the file is still validated on every load, only not parsed again.

Entries are ``marshal`` data (built in, nothing to import): YAML mappings and lists as
tagged tuples with their positions, dates as ISO text. A value that cannot be stored that
way is simply not cached. Any failure to read or write the cache is ignored: it only saves
time. ``SMARKETING_CACHE_DIR`` names another folder; set to an empty value, no cache is used.
"""

from __future__ import annotations

import marshal
import os
import sys
import zlib
from datetime import date, datetime
from pathlib import Path
from typing import Any

from smarketing_tui.yamlfile import YamlDict, YamlList

FORMAT = 1
MISSING = object()  # what ``lookup`` returns when the file is not in the cache
_HEADER = (FORMAT, sys.version_info[:2])


class _Uncacheable(Exception):
    """A parsed value that marshal cannot hold."""


def cache_dir() -> Path | None:
    """The folder for cached files, or None when caching is switched off."""
    configured = os.environ.get("SMARKETING_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    import platformdirs

    return Path(platformdirs.user_cache_dir("smarketing-tui")) / "yaml"


def _entry_path(folder: Path, path: Path) -> Path:
    # One entry per file: rewritten when the file changes. A name shared by two files
    # only costs a parse, since the entry holds the path and the text it came from.
    where = os.path.abspath(path)
    return folder / f"{zlib.crc32(where.encode('utf-8', 'surrogateescape')):08x}.marshal"


def lookup(path: Path, label: str, text: str) -> Any:
    """The parsed content of ``path`` if it was cached from exactly ``text``, else MISSING."""
    folder = cache_dir()
    if folder is None:
        return MISSING
    try:
        data = _entry_path(folder, path).read_bytes()
        header, where, cached_label, cached_text, encoded = marshal.loads(data)
    except (OSError, ValueError, EOFError, TypeError):
        return MISSING
    if (header, where, cached_label, cached_text) != (_HEADER, os.path.abspath(path), label,
                                                      text):
        return MISSING
    try:
        return _decode(encoded)
    except (ValueError, TypeError, IndexError, KeyError):
        return MISSING


def remember(path: Path, label: str, text: str, value: Any) -> None:
    """Keep the parsed ``value`` of ``path`` (read as ``text``) for the next load."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        data = marshal.dumps((_HEADER, os.path.abspath(path), label, text, _encode(value)))
    except (_Uncacheable, ValueError):
        return
    target = _entry_path(folder, path)
    temporary = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(data)
        os.replace(temporary, target)  # readers see the old entry or the new one, whole
    except OSError:
        try:
            temporary.unlink()
        except OSError:
            pass


# Tags of the tagged tuples: YAML never yields a tuple, so a tuple is always one of ours.
_MAP, _SEQ, _DATE, _DATETIME, _SET = "map", "seq", "date", "datetime", "set"


def _encode(value: Any) -> Any:
    if isinstance(value, YamlDict):
        return (_MAP, value.file, value.line, value.column,
                tuple((_encode(key), _encode(item), value.key_pos[key], value.value_pos[key])
                      for key, item in value.items()))
    if isinstance(value, YamlList):
        return (_SEQ, value.file, value.line, value.column,
                tuple(_encode(item) for item in value), tuple(value.item_pos))
    if value is None or type(value) in (str, int, float, bool, bytes):
        return value
    if type(value) is datetime:
        return (_DATETIME, value.isoformat())
    if type(value) is date:
        return (_DATE, value.isoformat())
    if type(value) is set:
        return (_SET, tuple(_encode(item) for item in value))
    raise _Uncacheable(type(value).__name__)


def _decode(value: Any) -> Any:
    if type(value) is not tuple:
        return value
    tag = value[0]
    if tag == _MAP:
        _tag, file, line, column, entries = value
        result = YamlDict()
        result.file, result.line, result.column = file, line, column
        result.key_pos, result.value_pos = {}, {}
        for key, item, key_pos, value_pos in entries:
            key = _decode(key)
            result[key] = _decode(item)
            result.key_pos[key], result.value_pos[key] = key_pos, value_pos
        return result
    if tag == _SEQ:
        _tag, file, line, column, items, positions = value
        result = YamlList(_decode(item) for item in items)
        result.file, result.line, result.column = file, line, column
        result.item_pos = list(positions)
        return result
    if tag == _DATETIME:
        return datetime.fromisoformat(value[1])
    if tag == _DATE:
        return date.fromisoformat(value[1])
    if tag == _SET:
        return {_decode(item) for item in value[1]}
    raise ValueError(f"unknown tag {tag!r}")
