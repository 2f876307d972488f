"""Workspace lookup, `smarketing init` and settings validation."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from smarketing_tui.cli import cli
from smarketing_tui.errors import InputError, UserError
from smarketing_tui.workspace import find_workspace, init_workspace, load_settings


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    monkeypatch.delenv("SMARKETING_WORKSPACE", raising=False)


def test_init_creates_the_layout(tmp_path):
    ws = init_workspace(tmp_path / "team")
    assert ws.settings_path.is_file()
    assert ws.db_path.is_file()
    assert ws.minutes_dir.is_dir()
    shipped = sorted(p.name for p in (Path(__file__).parent.parent / "agendas").glob("*.yaml"))
    assert sorted(p.name for p in ws.agendas_dir.glob("*.yaml")) == shipped


def test_init_refuses_to_overwrite(tmp_path):
    init_workspace(tmp_path / "team")
    with pytest.raises(UserError, match="already exists; refusing to overwrite a workspace"):
        init_workspace(tmp_path / "team")


def test_lookup_prefers_option_then_env_then_parents(tmp_path, monkeypatch):
    a = init_workspace(tmp_path / "a")
    b = init_workspace(tmp_path / "b")
    deep = a.root / "minutes" / "2026"
    deep.mkdir(parents=True)
    # Nearest parent holding smarketing.yaml, as git finds .git:
    assert find_workspace(cwd=deep).root == a.root
    # The environment variable beats the current directory:
    monkeypatch.setenv("SMARKETING_WORKSPACE", str(b.root))
    assert find_workspace(cwd=deep).root == b.root
    # The option beats the environment:
    assert find_workspace(str(a.root), cwd=deep).root == a.root


def test_lookup_without_workspace_says_how_to_create_one(tmp_path):
    with pytest.raises(UserError) as error:
        find_workspace(cwd=tmp_path)
    assert "smarketing init DIR" in str(error.value)


def test_option_pointing_nowhere_is_reported(tmp_path):
    with pytest.raises(UserError, match=r"--workspace points to .*nowhere, which has no smarketing.yaml"):
        find_workspace(str(tmp_path / "nowhere"))


def test_cli_without_workspace_exits_2_with_one_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check"], env={"SMARKETING_WORKSPACE": ""})
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: no smarketing workspace here")


def test_cli_init_twice(tmp_path):
    runner = CliRunner()
    first = runner.invoke(cli, ["init", str(tmp_path / "w")])
    assert first.exit_code == 0, first.output
    second = runner.invoke(cli, ["init", str(tmp_path / "w")])
    assert second.exit_code == 2
    assert second.output.strip() == (
        f"Error: {tmp_path / 'w' / 'smarketing.yaml'} already exists; refusing to overwrite a workspace")


@pytest.mark.parametrize("body, message, line, column", [
    ("timezone: Europe/Osloo\n", "unknown time zone 'Europe/Osloo'", 1, 11),
    ("currency: kroner\n", "currency 'kroner' is not a 3-letter ISO code", 1, 11),
    ("timezone: Europe/Oslo\ncurency: NOK\n", "unknown key 'curency' in smarketing.yaml (did you mean 'currency'?)", 2, 1),
    ("people:\n  - name: Kari\n    team: finance\n", "team 'finance' is not one of: marketing, sales", 3, 11),
    ("people:\n  - name: Kari\n    team: sales\n  - name: kari\n    team: marketing\n",
     "'kari' already names Kari", 4, 11),
    ("business_hours:\n  days: [mon, tue, funday]\n", "unknown weekday 'funday'", 2, 20),
    ("business_hours:\n  start: \"16:00\"\n  end: \"08:00\"\n", "business_hours.end must be later than start", 3, 8),
    ("people: [\n", "invalid YAML", 2, 1),
])
def test_settings_errors_name_file_line_and_column(tmp_path, body, message, line, column):
    path = tmp_path / "smarketing.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_settings(path)
    assert message in str(error.value)
    assert (error.value.file, error.value.line, error.value.column) == (str(path), line, column)


def test_settings_read_people_and_business_hours(tmp_path):
    path = tmp_path / "smarketing.yaml"
    # 08:00 unquoted is a YAML 1.1 sexagesimal integer (480); it must still mean eight o'clock.
    path.write_text("business_hours:\n  days: [monday, friday]\n  start: 08:00\n  end: \"17:30\"\n"
                    "people:\n  - {name: Kari, team: Marketing, aliases: [K.N, 1001]}\n",
                    encoding="utf-8")
    settings = load_settings(path)
    assert settings.business_hours.days == (0, 4)
    assert (str(settings.business_hours.start), str(settings.business_hours.end)) == ("08:00:00", "17:30:00")
    assert settings.people[0].team == "marketing"
    assert settings.person("1001").name == "Kari"
    assert settings.person("k.n").name == "Kari"
    assert settings.timezone == "Europe/Oslo" and settings.currency == "NOK"


def test_check_reports_bad_settings(tmp_path):
    ws = init_workspace(tmp_path / "w")
    ws.settings_path.write_text("timezone: Mars/Olympus\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--workspace", str(ws.root), "check"])
    assert result.exit_code == 2
    assert f"{ws.settings_path}:1:11: unknown time zone 'Mars/Olympus'" in result.output
