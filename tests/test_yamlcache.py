"""The parse cache of YAML files: the same values and positions, never a stale file."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime, timedelta, timezone

import pytest

from smarketing_tui import yamlcache, yamlfile
from smarketing_tui.errors import InputError

TEXT = """\
title: Ukemøte
when: 2026-11-30
at: 2026-11-30 08:15:00+01:00
people:
  - {name: Pål, team: sales}
  - name: Åse
    aliases: ['2003', "Å. S."]
minutes: 45
share: 0.85
on: true
none: null
tags: !!set {a, b}
blob: !!binary aGk=
"""


def _positions(value):
    """Every value with the positions recorded, as plain data."""
    if isinstance(value, yamlfile.YamlDict):
        return ("map", value.file, value.line, value.column, dict(value.key_pos),
                dict(value.value_pos), {k: _positions(v) for k, v in value.items()})
    if isinstance(value, yamlfile.YamlList):
        return ("seq", value.file, value.line, value.column, list(value.item_pos),
                [_positions(v) for v in value])
    return (type(value).__name__, value)


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("SMARKETING_CACHE_DIR", str(folder))
    return folder


def test_a_cached_file_comes_back_with_the_same_values_types_and_positions(tmp_path, cache,
                                                                             monkeypatch):
    path = tmp_path / "agenda.yaml"
    path.write_text(TEXT, encoding="utf-8")
    parsed = yamlfile.load_yaml(path, "agenda.yaml")
    assert len(list(cache.iterdir())) == 1
    monkeypatch.setattr(yamlfile, "parse_yaml", lambda *a: pytest.fail("parsed again"))
    cached = yamlfile.load_yaml(path, "agenda.yaml")
    assert _positions(cached) == _positions(parsed)
    # By hand: the date, the aware datetime, the set and the bytes survive as such;
    # Åse's mapping starts at line 6, column 5; her aliases list at 7:14.
    assert cached["when"] == date(2026, 11, 30)
    assert cached["at"] == datetime(2026, 11, 30, 8, 15, tzinfo=timezone(timedelta(hours=1)))
    assert cached["tags"] == {"a", "b"} and cached["blob"] == b"hi"
    assert (cached["people"][1].line, cached["people"][1].column) == (6, 5)
    assert cached["people"][1].value_pos["aliases"] == (7, 14)
    assert cached["people"][1].error("x", "aliases").args[0].startswith("agenda.yaml:7:14")


def test_an_edit_is_seen_even_when_the_size_and_time_stay(tmp_path, cache):
    path = tmp_path / "s.yaml"
    path.write_text("minutes: 45\n", encoding="utf-8")
    assert yamlfile.load_yaml(path)["minutes"] == 45
    stat = path.stat()
    path.write_text("minutes: 60\n", encoding="utf-8")  # same size
    import os

    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same modification time
    assert yamlfile.load_yaml(path)["minutes"] == 60


def test_errors_name_the_label_of_this_load_not_of_the_cached_one(tmp_path, cache):
    path = tmp_path / "s.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    assert yamlfile.load_yaml(path, "first.yaml").file == "first.yaml"
    assert yamlfile.load_yaml(path, "second.yaml").file == "second.yaml"


def test_bad_yaml_is_reported_as_before_and_not_cached(tmp_path, cache):
    path = tmp_path / "bad.yaml"
    path.write_text("a: [1, 2\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(InputError) as caught:
            yamlfile.load_yaml(path, "bad.yaml")
        assert str(caught.value).startswith("bad.yaml:2:1: invalid YAML")
    assert not cache.exists() or not list(cache.iterdir())


def test_a_broken_cache_entry_means_a_parse_not_an_error(tmp_path, cache):
    path = tmp_path / "s.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    yamlfile.load_yaml(path)
    (entry,) = cache.iterdir()
    entry.write_bytes(b"\x00not marshal")
    assert yamlfile.load_yaml(path) == {"a": 1}
    assert yamlcache.lookup(path, str(path), "a: 1\n") == {"a": 1}  # rewritten whole


def test_an_empty_setting_switches_the_cache_off(tmp_path, monkeypatch):
    monkeypatch.setenv("SMARKETING_CACHE_DIR", "")
    path = tmp_path / "s.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    assert yamlfile.load_yaml(path) == {"a": 1}
    assert yamlcache.lookup(path, str(path), "a: 1\n") is yamlcache.MISSING


def test_a_cache_folder_that_cannot_be_made_is_ignored(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("SMARKETING_CACHE_DIR", str(blocker / "cache"))
    path = tmp_path / "s.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    assert yamlfile.load_yaml(path) == {"a": 1}
    assert yamlfile.load_yaml(path) == {"a": 1}


def test_a_second_process_loads_the_settings_without_pyyaml(workspace, tmp_path):
    # The point of the cache: the meeting screen's start needs no PyYAML import.
    code = ("import sys\nfrom smarketing_tui.workspace import load_settings\n"
            f"settings = load_settings({str(workspace.settings_path)!r})\n"
            "print(len(settings.people), 'yaml' in sys.modules)")
    first, second = [subprocess.run([sys.executable, "-c", code], capture_output=True,
                                    text=True, check=True).stdout.split() for _ in range(2)]
    # Both see conftest.py's three people. The first process may or may not have parsed
    # (the fixture loaded the settings already, through the same cache folder); the second
    # finds them cached for certain.
    assert first[0] == "3" and second == ["3", "False"]
