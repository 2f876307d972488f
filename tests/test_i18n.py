"""The language of a run: how it is chosen, that the nb catalogue is used (with real plurals),
and the catalogue check that CI runs."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from click.testing import CliRunner

from smarketing_tui import i18n
from smarketing_tui.cli import cli

ROOT = Path(__file__).resolve().parent.parent


def _catalogues_tool():
    spec = importlib.util.spec_from_file_location("catalogues", ROOT / "tools" / "catalogues.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["catalogues"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.use("en")


@pytest.mark.parametrize("environ, expected", [
    ({"LANG": "nb_NO.UTF-8"}, "nb"), ({"LANG": "nn_NO.UTF-8"}, "nb"), ({"LANG": "no_NO"}, "nb"),
    ({"LANG": "en_US.UTF-8"}, "en"), ({"LANG": "de_DE.UTF-8"}, "en"), ({}, "en"),
    ({"LANG": "C.UTF-8"}, "en"),
    # LC_ALL wins over LANG, LC_MESSAGES over LANG, in both directions.
    ({"LANG": "en_GB.UTF-8", "LC_ALL": "nb_NO.UTF-8"}, "nb"),
    ({"LANG": "nb_NO.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}, "en"),
])
def test_the_system_language_is_norwegian_only_for_a_norwegian_locale(environ, expected):
    assert i18n.system_language(environ) == expected


def test_lang_beats_the_environment_which_beats_the_settings():
    assert i18n.choose("en", {"SMARKETING_LANG": "nb"}, "nb") == "en"
    assert i18n.choose(None, {"SMARKETING_LANG": "nb"}, "en") == "nb"
    assert i18n.choose(None, {}, "nb") == "nb"
    assert i18n.choose(None, {}, None) == "en"
    assert i18n.choose("nb_NO", {}, None) == "nb"  # a locale name is read as its language
    with pytest.raises(i18n.UnknownLanguage, match="SMARKETING_LANG"):
        i18n.choose(None, {"SMARKETING_LANG": "sv"}, None)


def test_nb_translates_and_counts_with_the_plural_rule():
    i18n.use("nb")
    assert i18n.current() == "nb"
    assert i18n._("{folder}: all files are valid") == "{folder}: alle filene er gyldige"
    one = i18n.ngettext("{count} file with errors", "{count} files with errors", 1)
    three = i18n.ngettext("{count} file with errors", "{count} files with errors", 3)
    assert (one, three) == ("{count} fil med feil", "{count} filer med feil")
    i18n.use("en")
    assert i18n._("{folder}: all files are valid") == "{folder}: all files are valid"


def test_init_in_norwegian_writes_language_nb_and_says_it_in_norwegian(tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["--lang", "nb", "init", str(tmp_path / "ws")])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == f"Opprettet et smarketing-arbeidsområde i {tmp_path / 'ws'}"
    assert "language: nb\n" in (tmp_path / "ws" / "smarketing.yaml").read_text(encoding="utf-8")
    # The workspace now speaks Norwegian without --lang; --lang en still wins for one run.
    check = runner.invoke(cli, ["-w", str(tmp_path / "ws"), "check"])
    assert check.exit_code == 0 and "alle filene er gyldige" in check.output
    english = runner.invoke(cli, ["-w", str(tmp_path / "ws"), "--lang", "en", "check"])
    assert "all files are valid" in english.output


@pytest.mark.parametrize("lang, written", [("nb_NO.UTF-8", "nb"), ("en_US.UTF-8", "en")])
def test_init_takes_the_system_locale(tmp_path, monkeypatch, lang, written):
    for name in ("LC_ALL", "LC_MESSAGES", "SMARKETING_LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", lang)
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "ws")])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "ws" / "smarketing.yaml").read_text(encoding="utf-8")
    assert f"\nlanguage: {written}\n" in text


def test_a_bad_language_is_one_line_with_where(tmp_path):
    runner = CliRunner()
    assert runner.invoke(cli, ["--lang", "en", "init", str(tmp_path / "ws")]).exit_code == 0
    settings = tmp_path / "ws" / "smarketing.yaml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace("language: en", "language: sv"), encoding="utf-8")
    line = text.splitlines().index("language: en") + 1
    result = runner.invoke(cli, ["-w", str(tmp_path / "ws"), "check"])
    assert result.exit_code == 2
    assert f"smarketing.yaml:{line}:11: language 'sv' is not one of: en, nb" in result.output
    bad = runner.invoke(cli, ["--lang", "xx", "-w", str(tmp_path / "ws"), "check"])
    assert bad.exit_code == 2 and "language 'xx' is not one of: en, nb" in bad.output


def test_the_shipped_catalogues_match_the_code():
    assert _catalogues_tool().check() == []


def test_the_catalogue_check_finds_every_kind_of_problem(tmp_path):
    tool = _catalogues_tool()
    code = Catalog()
    code.add("Hello {name}")
    code.add("Untranslated")
    code.add("Missing")
    code.add(("{count} lead", "{count} leads"))
    code.add(("{count} deal", "{count} deals"))
    folder = tmp_path / "nb" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    # Written by hand: Babel's writer would mend the plural forms this test breaks.
    (folder / "smarketing.po").write_text('''msgid ""
msgstr ""
"Language: nb\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "Hello {name}"
msgstr "Hei {navn}"

msgid "Untranslated"
msgstr ""

msgid "Old text"
msgstr "Gammel tekst"

msgid "{count} lead"
msgid_plural "{count} leads"
msgstr[0] "{count} emne"
msgstr[1] "emner"

msgid "{count} deal"
msgid_plural "{count} deals"
msgstr[0] "{count} avtale"
''', encoding="utf-8")
    problems = [p.split(": ", 1)[1] for p in tool.check(tmp_path, code)]
    assert sorted(problems) == sorted([
        "not in the catalogue: 'Missing'",
        "stale (no longer in the code): 'Old text'",
        "not translated: 'Untranslated'",
        "placeholders ['navn'] differ from ['name']: 'Hello {name}'",
        "placeholders [] differ from ['count']: '{count} lead'",  # the plural lost {count}
        "not translated: '{count} deal'",  # one form of the two nb has
    ])
