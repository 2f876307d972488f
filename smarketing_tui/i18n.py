"""The language of every user-visible word: gettext catalogues, compiled with Babel.

The messages are written in English in the code and marked with :func:`_` (``ngettext`` for
a count, ``pgettext`` where one English word means two things). Their translations live in
``smarketing_tui/locale/<language>/LC_MESSAGES/smarketing.po``; the build compiles them to
``.mo`` next to them (see ``build_hooks.py``). English needs no catalogue.

The language is chosen once per process, before anything is shown: ``--lang``, else
``$SMARKETING_LANG``, else ``language:`` in smarketing.yaml, else English.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Mapping
from pathlib import Path

DOMAIN = "smarketing"
LANGUAGES = ("en", "nb")
DEFAULT = "en"
LOCALE_DIR = Path(__file__).parent / "locale"
# What `smarketing init` takes for Norwegian: bokmål, nynorsk and the old "no" code.
_NORWEGIAN = ("nb", "nn", "no")

_language = DEFAULT
_translations: gettext.NullTranslations = gettext.NullTranslations()


class UnknownLanguage(ValueError):
    """A language this product has no catalogue for."""


def check_language(value: object) -> str:
    """``value`` as one of :data:`LANGUAGES` (case and a region ignored: ``nb_NO`` is ``nb``),
    or :class:`UnknownLanguage` naming the choices."""
    text = str(value).strip().replace("-", "_").split("_")[0].lower()
    if text not in LANGUAGES:
        raise UnknownLanguage(f"language {value!r} is not one of: {', '.join(LANGUAGES)}")
    return text


def use(language: str) -> None:
    """Show everything from now on in ``language`` (one of :data:`LANGUAGES`)."""
    global _language, _translations
    language = check_language(language)
    if language == DEFAULT:
        _translations = gettext.NullTranslations()
    else:
        # fallback=False: a missing catalogue is a broken installation, not silent English.
        _translations = gettext.translation(DOMAIN, LOCALE_DIR, [language])
    _language = language


def install(translations: gettext.NullTranslations) -> None:
    """Use ``translations`` for every message (tests give a catalogue of their own)."""
    global _translations
    _translations = translations


def current() -> str:
    """The language in use: ``en`` or ``nb``."""
    return _language


def _(message: str) -> str:
    """``message`` in the current language."""
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form for ``count`` in the current language's plural rule."""
    return _translations.ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    """``message`` in the current language, told apart by ``context``."""
    return _translations.pgettext(context, message)


def system_language(environ: Mapping[str, str] | None = None) -> str:
    """``nb`` when the system locale is Norwegian (``nb_NO``, ``nn_NO``, ``no_NO``), else
    ``en``: what `smarketing init` writes into a new smarketing.yaml."""
    environ = os.environ if environ is None else environ
    # POSIX order: LC_ALL overrides LC_MESSAGES, which overrides LANG; LANGUAGE is a list.
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            return "nb" if value.split("_")[0].split(".")[0].lower() in _NORWEGIAN else "en"
    return DEFAULT


def choose(option: str | None, environ: Mapping[str, str] | None = None,
           configured: str | None = None) -> str:
    """The language to use: ``--lang``, else ``$SMARKETING_LANG``, else smarketing.yaml's
    ``language``, else English. A bad ``--lang`` or ``$SMARKETING_LANG`` is an error."""
    environ = os.environ if environ is None else environ
    if option:
        return check_language(option)
    if environ.get("SMARKETING_LANG"):
        try:
            return check_language(environ["SMARKETING_LANG"])
        except UnknownLanguage as error:
            raise UnknownLanguage(f"$SMARKETING_LANG: {error}") from None
    return check_language(configured) if configured else DEFAULT
