"""The message catalogues against the code: check them (CI) or bring them up to date.

    python tools/catalogues.py check    # every message translated, none stale, same placeholders
    python tools/catalogues.py update   # extract the messages, merge them into every .po

``check`` prints one line per problem (``smarketing.po: ...``) and exits 1 when there is any.
``update`` keeps every translation whose message is still in the code, adds the new messages
untranslated and drops the ones the code no longer has; then translate the empty entries.
"""

from __future__ import annotations

import re
import string
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "smarketing_tui"
LOCALE = PACKAGE / "locale"
TEMPLATE = LOCALE / "smarketing.pot"
METHODS = [("**.py", "python")]
_PERCENT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")


def extracted() -> Catalog:
    """Every message marked in the package's code, with where it is."""
    catalog = Catalog(project="smarketing-tui", copyright_holder="smarketing-tui")
    for filename, lineno, message, comments, context in extract_from_dir(
            PACKAGE, METHODS, comment_tags=("Translators:",), strip_comment_tags=True):
        catalog.add(message, None, [(f"smarketing_tui/{filename}", lineno)],
                    auto_comments=comments, context=context)
    return catalog


def placeholders(text: str) -> list[str]:
    """The ``{name}`` fields and ``%`` conversions of a message, sorted."""
    fields = [name for _, name, spec, conv in string.Formatter().parse(text) if name is not None]
    return sorted(fields + _PERCENT.findall(text))


def _ids(message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def _strings(message) -> tuple[str, ...]:
    if isinstance(message.string, (tuple, list)):
        return tuple(message.string)
    return (message.string,)


def check(locale_dir: Path = LOCALE, code: Catalog | None = None) -> list[str]:
    """Problems of every ``.po`` under ``locale_dir`` against ``code`` (default: extracted)."""
    code = code if code is not None else extracted()
    wanted = {(m.id if not isinstance(m.id, list) else tuple(m.id), m.context)
              for m in code if m.id}
    problems = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        name = po_path.relative_to(ROOT) if po_path.is_relative_to(ROOT) else po_path
        with po_path.open("rb") as handle:
            catalog = read_po(handle)
        have = {}
        for message in catalog:
            if message.id:
                have[(message.id if not isinstance(message.id, list) else tuple(message.id),
                      message.context)] = message
        for key in sorted(wanted - have.keys(), key=str):
            problems.append(f"{name}: not in the catalogue: {_ids_text(key[0])!r}")
        for key in sorted(have.keys() - wanted, key=str):
            problems.append(f"{name}: stale (no longer in the code): {_ids_text(key[0])!r}")
        for key, message in have.items():
            if key not in wanted:
                continue
            text = _ids_text(key[0])
            strings = _strings(message)
            # Babel pads a plural missing a form with "": it counts as not translated.
            if message.fuzzy or not all(strings):
                problems.append(f"{name}: not translated: {text!r}")
                continue
            expected = placeholders(_ids(message)[-1])
            for translated in strings:
                if placeholders(translated) != expected:
                    problems.append(f"{name}: placeholders {placeholders(translated)} differ from "
                                    f"{expected}: {text!r}")
    return problems


def _ids_text(message_id) -> str:
    return message_id[0] if isinstance(message_id, tuple) else message_id


def update(locale_dir: Path = LOCALE) -> list[Path]:
    """Write the template and merge it into every ``.po``; the paths written."""
    code = extracted()
    with TEMPLATE.open("wb") as handle:
        write_po(handle, code, omit_header=False, no_location=True, sort_output=True,
                 include_previous=False, width=100)
    written = [TEMPLATE]
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        with po_path.open("rb") as handle:
            catalog = read_po(handle)
        catalog.update(code, no_fuzzy_matching=True)
        catalog.obsolete.clear()  # a message the code dropped is dropped here too
        with po_path.open("wb") as handle:
            write_po(handle, catalog, no_location=True, sort_output=True, width=100)
        written.append(po_path)
    return written


def main(argv: list[str]) -> int:
    if argv == ["check"]:
        problems = check()
        for problem in problems:
            print(problem)
        if not problems:
            print("catalogues: every message is translated, none is stale")
        return 1 if problems else 0
    if argv == ["update"]:
        for path in update():
            print(f"wrote {path.relative_to(ROOT)}")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
