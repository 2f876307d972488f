"""Finding the person someone typed: one lookup for the CLI (``--owner``, ``--as``), prep and
the dialogs' owner fields, so that a name that works in one place works in all of them.

The rule, in order: the exact name or alias (any case, Unicode NFC: ``workspace.name_key``);
else the one person whose name, alias or a word of the name starts with what was typed
("siri" finds Siri Dæhlie, "dæh" too); else nobody, with the reason: several people start
so (named), or the nearest name ("did you mean 'Siri Dæhlie'?").
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from smarketing_tui.errors import UserError
from smarketing_tui.workspace import Person, name_key


def _keys(person: Person) -> list[str]:
    return [name_key(person.name), *(name_key(alias) for alias in person.aliases)]


def _starts(person: Person, wanted: str) -> bool:
    words = name_key(person.name).split()
    return any(key.startswith(wanted) for key in _keys(person)) or any(
        word.startswith(wanted) for word in words)


def candidates(typed: str, people: Sequence[Person]) -> list[Person]:
    """The people ``typed`` may mean: the exact match alone if there is one, else everyone
    it is the start of (empty when nobody)."""
    wanted = name_key(typed.strip())
    if not wanted:
        return []
    exact = [p for p in people if wanted in _keys(p)]
    if exact:
        return exact[:1]
    return [p for p in people if _starts(p, wanted)]


def find(typed: str, people: Sequence[Person]) -> Person | None:
    """The one person ``typed`` means (see the module's rule), or None."""
    found = candidates(typed, people)
    return found[0] if len(found) == 1 else None


def why_not(typed: str, people: Sequence[Person]) -> str:
    """Why ``typed`` finds nobody, in a few words: several people it may mean, or the
    nearest name ('did you mean'), or that it is empty."""
    typed = typed.strip()
    if not typed:
        return "no name given"
    found = candidates(typed, people)
    if len(found) > 1:
        names = [p.name for p in found]
        listed = ", ".join(names[:-1]) + f" or {names[-1]}"
        return f"{typed!r} could be {listed}: type more of the name"
    by_key: dict[str, str] = {}
    for person in people:
        for key in [*_keys(person), *name_key(person.name).split()]:
            by_key.setdefault(key, person.name)
    near = difflib.get_close_matches(name_key(typed), list(by_key), n=1, cutoff=0.6)
    hint = f" (did you mean {by_key[near[0]]!r}?)" if near else ""
    return f"unknown person {typed!r}{hint}"


def lookup(typed: str, people: Sequence[Person], where: str = "smarketing.yaml") -> Person:
    """The one person ``typed`` means, or a UserError saying why not and who the people
    in ``where`` are."""
    person = find(typed, people)
    if person is None:
        names = ", ".join(p.name for p in people) or "none"
        raise UserError(f"{why_not(typed, people)}; people in {where}: {names}")
    return person


def as_people(names: Sequence[str]) -> list[Person]:
    """Plain names (the active people of the store, as the dialogs have them) as people."""
    return [Person(name=name, team="") for name in names]


def find_name(typed: str, names: Sequence[str]) -> str | None:
    """:func:`find` over plain names: the name ``typed`` means, or None."""
    person = find(typed, as_people(names))
    return person.name if person is not None else None
