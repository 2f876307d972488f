"""YAML loading that remembers where every value came from.

``load_yaml`` uses PyYAML's safe loader only. Mappings and lists come back as
:class:`Node` subclasses of ``dict``/``list`` that know their own position and
the position of each key, so validation errors can say ``file:line:col``.

A workspace's YAML files are small and hand-written, so a file is refused before it is built
into values when it is larger than :data:`MAX_BYTES`, holds more than :data:`MAX_VALUES` values
once its aliases are expanded (a "billion laughs" alias bomb is a few lines long), or nests
deeper than :data:`MAX_DEPTH`. A value YAML cannot build (a date 2026-13-45, a number of
thousands of digits) is an error at its line and column too.
"""

from __future__ import annotations

import re
import stat
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from smarketing_tui.errors import InputError, UnreadableFile

MAX_BYTES = 1024 * 1024  # a workspace's settings, agendas and SLA are a few kilobytes
MAX_VALUES = 100_000  # mappings, lists and scalars, with every alias expanded
MAX_DEPTH = 32  # the shipped files nest 5 levels deep


_LONG_WORD = re.compile(r"\S{81,}")
MAX_MESSAGE = 600  # characters of an error line about a file, its place not counted


def fit_message(message: str) -> str:
    """An error message fit for one line on a screen: a run of over 80 characters without a
    space (a 100 KB value quoted in it) cut to its first 60 and '…', and a message still over
    MAX_MESSAGE cut in the middle, keeping what was expected at its end."""
    message = _LONG_WORD.sub(lambda m: m[0][:60] + "…", message)
    if len(message) > MAX_MESSAGE:
        message = message[:MAX_MESSAGE // 2] + " … " + message[-MAX_MESSAGE // 2 + 3:]
    return message


class YamlDict(dict):
    """A mapping that knows where it and each of its keys/values were written."""

    file: str = "?"
    line: int = 1
    column: int = 1
    key_pos: dict
    value_pos: dict

    def where(self, key: str | None = None, *, value: bool = True) -> tuple[int, int]:
        """(line, column) of a key's value (or the key itself), else of the mapping."""
        if key is not None:
            table = self.value_pos if value else self.key_pos
            if key in table:
                return table[key]
        return self.line, self.column

    def error(self, message: str, key: str | None = None, *, value: bool = True) -> InputError:
        line, column = self.where(key, value=value)
        return InputError(fit_message(message), file=self.file, line=line, column=column)


class YamlList(list):
    """A sequence that knows where it and each item were written."""

    file: str = "?"
    line: int = 1
    column: int = 1
    item_pos: list

    def error(self, message: str, index: int | None = None) -> InputError:
        line, column = (self.item_pos[index] if index is not None and index < len(self.item_pos)
                        else (self.line, self.column))
        return InputError(fit_message(message), file=self.file, line=line, column=column)


def _position(node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _construct_mapping(loader, node) -> YamlDict:
    loader.flatten_mapping(node)
    result = YamlDict()
    result.file = loader.file_label
    result.line, result.column = _position(node)
    result.key_pos, result.value_pos = {}, {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise InputError("a mapping key must be a plain value", file=loader.file_label,
                             line=_position(key_node)[0], column=_position(key_node)[1]) from None
        if key in result:
            line, column = _position(key_node)
            raise InputError(f"duplicate key {key!r}", file=loader.file_label,
                             line=line, column=column)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_pos[key] = _position(key_node)
        result.value_pos[key] = _position(value_node)
    return result


def _construct_sequence(loader, node) -> YamlList:
    result = YamlList(loader.construct_object(child, deep=True) for child in node.value)
    result.file = loader.file_label
    result.line, result.column = _position(node)
    result.item_pos = [_position(child) for child in node.value]
    return result


class _Bounded:
    """Loader mix-in: a bounded document, and values YAML cannot build reported in place."""

    file_label = "?"

    def load_bounded(self) -> Any:
        try:
            node = self.get_single_node()
        except RecursionError:
            raise InputError(f"invalid YAML: nested more than {MAX_DEPTH} levels deep",
                             file=self.file_label) from None
        if node is None:
            return None
        check_bounds(node, self.file_label)
        return self.construct_document(node)

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError) as exc:
            line, column = _position(node)
            text = node.value if isinstance(node.value, str) else ""
            if node.tag.endswith(":int") and len(text) > 40:
                problem = f"a number of {len(text)} digits is too long"
            else:
                shown = text if len(text) <= 40 else text[:40] + "…"
                problem = f"cannot read {shown!r} ({exc})"
            raise InputError(f"invalid YAML: {problem}", file=self.file_label, line=line,
                             column=column) from None


def check_bounds(root, label: str) -> None:
    """Refuse a composed YAML document with more than MAX_VALUES values once its aliases are
    expanded, or deeper than MAX_DEPTH; the error is placed at the first node past a limit.

    Each node is visited once (shared nodes are counted by what they expand to, from a memo),
    so this takes time in the size of the text, not of the expansion."""
    done: dict[int, tuple[int, int]] = {}  # id(node) -> (values, depth) once expanded
    started: set[int] = set()
    stack = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        children = _child_nodes(node)
        if not children_done:
            if key in done or key in started:
                continue  # shared, or a recursive alias (which the constructor refuses)
            started.add(key)
            stack.append((node, True))
            stack.extend((child, False) for child in children)
            continue
        values, depth = 1, 0
        for child in children:
            child_values, child_depth = done.get(id(child), (1, 0))
            values += child_values
            depth = max(depth, child_depth + 1)
        done[key] = (values, depth)
        if values > MAX_VALUES or depth > MAX_DEPTH:
            line, column = _position(node)
            problem = (f"nested more than {MAX_DEPTH} levels deep" if depth > MAX_DEPTH else
                       f"more than {MAX_VALUES:,} values once its aliases are expanded".replace(
                           ",", " ") + " (an alias bomb?)")
            raise InputError(f"invalid YAML: {problem}; a workspace file is expected to be "
                             "small and plain", file=label, line=line, column=column)


def _child_nodes(node) -> list:
    if isinstance(node.value, str):
        return []
    children = []
    for item in node.value:
        if isinstance(item, tuple):  # a mapping's (key, value)
            children.extend(item)
        else:
            children.append(item)
    return children


@lru_cache(maxsize=1)
def loader_classes() -> tuple[type, type | None]:
    """PyYAML's safe loader in pure Python, and on libyaml's C parser when PyYAML has it
    (several times faster), both building YamlDict/YamlList. PyYAML is imported here, on
    the first parse, not when this module is imported."""
    import yaml

    tags = yaml.resolver.BaseResolver

    class PythonLoader(_Bounded, yaml.SafeLoader):
        pass

    loaders = [PythonLoader]
    if getattr(yaml, "__with_libyaml__", False):
        class FastLoader(_Bounded, yaml.CSafeLoader):
            pass

        loaders.append(FastLoader)
    for loader in loaders:
        loader.add_constructor(tags.DEFAULT_MAPPING_TAG, _construct_mapping)
        loader.add_constructor(tags.DEFAULT_SEQUENCE_TAG, _construct_sequence)
    return PythonLoader, (loaders[1] if len(loaders) > 1 else None)


def parse_yaml(text: str, label: str) -> Any:
    """Parse YAML text safely; syntax errors become one-line :class:`InputError`.

    Valid text is parsed by libyaml when PyYAML has it; on any YAML error the pure-Python
    loader parses the text again, so that messages and positions stay exactly its own. A
    document past the bounds (:func:`check_bounds`) is an error too.
    """
    import yaml

    if len(text) > MAX_BYTES:
        raise _too_large(label)

    python_loader, fast_loader = loader_classes()
    if fast_loader is not None:
        loader = fast_loader(text)
        loader.file_label = label
        try:
            return loader.load_bounded()
        except yaml.YAMLError:
            pass  # said below, as the Python loader words it
        finally:
            loader.dispose()
    try:
        loader = python_loader(text)
    except yaml.reader.ReaderError as exc:  # a control character, raised before any parsing
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - text.rfind("\n", 0, exc.position)
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise InputError(f"invalid YAML: character U+{code:04X} is not allowed in YAML text",
                         file=label, line=line, column=column) from None
    loader.file_label = label
    try:
        return loader.load_bounded()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise InputError(f"invalid YAML: {problem}", file=label,
                         line=mark.line + 1 if mark else None,
                         column=mark.column + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise InputError(f"invalid YAML: {exc}", file=label) from None
    finally:
        loader.dispose()


def _too_large(label: str) -> InputError:
    return InputError(f"the file is larger than {MAX_BYTES // 1024 // 1024} MiB; a workspace "
                      "YAML file is expected to be a few kilobytes", file=label)


def _check_file(path: Path, label: str) -> None:
    """Refuse unread a folder, a pipe or device (reading a pipe may never end) and a file
    larger than MAX_BYTES; a file that cannot be looked at is left to the read to report."""
    try:
        info = path.stat()
    except OSError:
        return
    if stat.S_ISDIR(info.st_mode):
        raise InputError("is a folder; expected a YAML file", file=label)
    if not stat.S_ISREG(info.st_mode):
        raise InputError("is not a regular file (a pipe or a device); expected a YAML file",
                         file=label)
    if info.st_size > MAX_BYTES:
        raise _too_large(label)


def load_yaml(path: Path | str, label: str | None = None) -> Any:
    """Read and parse a YAML file; unreadable files are reported as :class:`InputError`."""
    path = Path(path)
    label = label or str(path)
    _check_file(path, label)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("file not found", file=label) from None
    except IsADirectoryError:
        raise InputError("is a folder; expected a YAML file", file=label) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", file=label) from None
    except OSError as exc:
        raise UnreadableFile(f"cannot read it ({(exc.strerror or str(exc)).lower()}); check the "
                             "permissions of the file and its folders", file=label) from None
    return parse_yaml(text, label)


def suggest(word: str, choices: Iterable[str]) -> str:
    """' (did you mean X?)' when a close match exists, else ''."""
    import difflib  # only when there is something to suggest

    matches = difflib.get_close_matches(str(word), list(choices), n=1)
    return f" (did you mean {matches[0]!r}?)" if matches else ""


def require_mapping(value: Any, parent: YamlDict | YamlList | None, what: str,
                    key: Any = None) -> YamlDict:
    """Check ``value`` is a mapping, else raise an error placed at ``parent[key]``."""
    if isinstance(value, YamlDict):
        return value
    raise _misplaced(parent, key, f"{what} must be a mapping")


def require_document_mapping(data: Any, label: str, what: str) -> YamlDict:
    """Check a whole file's ``data`` is a mapping, else an error at where the file's value
    starts, naming what it is instead: "smarketing.yaml:1:1: ... (got a list)"."""
    if isinstance(data, YamlDict):
        return data
    line, column = getattr(data, "line", 1), getattr(data, "column", 1)
    got = ("a list" if isinstance(data, list) else "nothing" if data is None
           else f"the single value {data!r}"[:80])
    raise InputError(f"{what} (got {got})", file=label, line=line, column=column)


def require_list(value: Any, parent: YamlDict | YamlList | None, what: str,
                 key: Any = None) -> YamlList:
    """Check ``value`` is a list, else raise an error placed at ``parent[key]``."""
    if isinstance(value, YamlList):
        return value
    raise _misplaced(parent, key, f"{what} must be a list")


def bounded_number(mapping: YamlDict, key: str, what: str, low: float, high: float, *,
                   whole: bool = False) -> int | float:
    """``mapping[key]`` as a finite number from ``low`` to ``high`` (a whole one if ``whole``),
    else an error at the value naming ``what`` was expected: ``.nan``, ``.inf``, ``1e23``,
    ``true`` and ``"5"`` are all refused."""
    value = mapping[key]
    kind = "a whole number" if whole else "a number"
    expected = f"expected {what}: {kind} from {_plain(low)} to {_plain(high)}"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        shown = repr(value) if not isinstance(value, (dict, list)) else type(value).__name__
        raise mapping.error(f"{key} is not a number (got {shown}); {expected}", key)
    if value != value or value in (float("inf"), float("-inf")):
        written = ".nan" if value != value else (".inf" if value > 0 else "-.inf")
        raise mapping.error(f"{key} is {written}, not a finite number; {expected}", key)
    if whole and value != int(value):
        raise mapping.error(f"{key} {_plain(value)} is not a whole number; {expected}", key)
    if not low <= value <= high:
        raise mapping.error(f"{key} {_plain(value)} is out of range; {expected}", key)
    return value


def _plain(number: float) -> str:
    """A bound or a number as a person writes it: 600, 0.5, 1e+23."""
    if isinstance(number, int):
        return str(number) if abs(number) < 10**15 else f"1e+{len(str(abs(number))) - 1}"
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return f"{number:g}"


def check_keys(mapping: YamlDict, allowed: Iterable[str], what: str,
               required: Iterable[str] = ()) -> None:
    """Reject unknown keys (with a suggestion) and report missing required ones."""
    allowed = list(allowed)
    for key in mapping:
        if key not in allowed:
            raise mapping.error(
                f"unknown key {key!r} in {what}{suggest(key, allowed)}; expected one of: "
                + ", ".join(allowed), key, value=False)
    for key in required:
        if key not in mapping:
            raise mapping.error(f"{what} is missing required key {key!r}")


def _misplaced(parent: Any, key: Any, message: str) -> InputError:
    if isinstance(parent, YamlDict):
        return parent.error(message, key)
    if isinstance(parent, YamlList):
        return parent.error(message, key)
    return InputError(message)
