"""Build step: compile the message catalogues (``.po`` → ``.mo``) into the package.

setuptools runs it for every build, wheel and editable install alike (``pip install -e .``),
so a fresh clone gets its catalogues from the README's two commands and no ``.mo`` file is
kept in git.
"""

from __future__ import annotations

from pathlib import Path

LOCALE = Path(__file__).resolve().parent / "smarketing_tui" / "locale"


def compile_catalogues(locale_dir: Path = LOCALE) -> list[Path]:
    """Compile every ``<lang>/LC_MESSAGES/*.po`` under ``locale_dir`` next to itself."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        mo_path = po_path.with_suffix(".mo")
        temporary = mo_path.with_suffix(".mo.tmp")
        with temporary.open("wb") as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=False)
        temporary.replace(mo_path)
        written.append(mo_path)
    return written


def __getattr__(name: str):
    # setuptools asks for BuildPy during a build; dev.py only calls compile_catalogues, in a
    # virtual environment that need not have setuptools.
    if name != "BuildPy":
        raise AttributeError(name)
    from setuptools.command.build_py import build_py

    class BuildPy(build_py):
        """``build_py`` that compiles the catalogues first."""

        def run(self) -> None:
            compile_catalogues()
            super().run()

    return BuildPy
