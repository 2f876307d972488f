"""YAML loading that remembers where every value came from.

``load_yaml`` uses PyYAML's safe loader only. Mappings and lists come back as
:class:`Node` subclasses of ``dict``/``list`` that know their own position and
the position of each key, so validation errors can say ``file:line:col``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from smarketing_tui.errors import InputError, UnreadableFile


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
        return InputError(message, file=self.file, line=line, column=column)


class YamlList(list):
    """A sequence that knows where it and each item were written."""

    file: str = "?"
    line: int = 1
    column: int = 1
    item_pos: list

    def error(self, message: str, index: int | None = None) -> InputError:
        line, column = (self.item_pos[index] if index is not None and index < len(self.item_pos)
                        else (self.line, self.column))
        return InputError(message, file=self.file, line=line, column=column)


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


@lru_cache(maxsize=1)
def loader_classes() -> tuple[type, type | None]:
    """PyYAML's safe loader in pure Python, and on libyaml's C parser when PyYAML has it
    (several times faster), both building YamlDict/YamlList. PyYAML is imported here, on
    the first parse: importing it costs 8-9 ms, and a file found in the parse cache needs
    none of it."""
    import yaml

    tags = yaml.resolver.BaseResolver

    class PythonLoader(yaml.SafeLoader):
        file_label = "?"

    loaders = [PythonLoader]
    if getattr(yaml, "__with_libyaml__", False):
        class FastLoader(yaml.CSafeLoader):
            file_label = "?"

        loaders.append(FastLoader)
    for loader in loaders:
        loader.add_constructor(tags.DEFAULT_MAPPING_TAG, _construct_mapping)
        loader.add_constructor(tags.DEFAULT_SEQUENCE_TAG, _construct_sequence)
    return PythonLoader, (loaders[1] if len(loaders) > 1 else None)


def parse_yaml(text: str, label: str) -> Any:
    """Parse YAML text safely; syntax errors become one-line :class:`InputError`.

    Valid text is parsed by libyaml when PyYAML has it; on any YAML error the pure-Python
    loader parses the text again, so that messages and positions stay exactly its own.
    """
    import yaml

    python_loader, fast_loader = loader_classes()
    if fast_loader is not None:
        loader = fast_loader(text)
        loader.file_label = label
        try:
            return loader.get_single_data()
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
        return loader.get_single_data()
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


def load_yaml(path: Path | str, label: str | None = None) -> Any:
    """Read and parse a YAML file; unreadable files are reported as :class:`InputError`.

    A file read before with the same text comes from the parse cache (``yamlcache``)."""
    from smarketing_tui import yamlcache

    path = Path(path)
    label = label or str(path)
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
    cached = yamlcache.lookup(path, label, text)
    if cached is not yamlcache.MISSING:
        return cached
    data = parse_yaml(text, label)
    yamlcache.remember(path, label, text, data)
    return data


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


def require_list(value: Any, parent: YamlDict | YamlList | None, what: str,
                 key: Any = None) -> YamlList:
    """Check ``value`` is a list, else raise an error placed at ``parent[key]``."""
    if isinstance(value, YamlList):
        return value
    raise _misplaced(parent, key, f"{what} must be a list")


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
