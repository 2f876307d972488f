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


@pytest.mark.parametrize("body, message, line, column", [
    # A person's name must be a line of text; a whole number is taken as written.
    ("people:\n  - name:\n    team: sales\n",
     "name must be the person's name, as text (got nothing)", 2, 10),
    ("people:\n  - name: [Kari, Nordmann]\n    team: sales\n",
     "name must be the person's name, as text (got ['Kari', 'Nordmann'])", 2, 11),
    ("people:\n  - name: '  '\n    team: sales\n",
     "name must be the person's name, as text (got '  ')", 2, 11),
    ("people:\n  - name: \"Kari\\nNordmann\"\n    team: sales\n",
     "name must be one line of text, without control characters", 2, 11),
    ("people:\n  - name: Kari\n    team: sales\n    aliases: [k, {x: 1}]\n",
     "aliases[1] must be an alias, as text (got {'x': 1})", 4, 18),
    ("people:\n  - name: Kari\n    team: sales\n    email: [a, b]\n",
     "email must be an e-mail address, as text (got ['a', 'b'])", 4, 12),
    ("name: [a]\n", "name must be the company's name, as text (got ['a'])", 1, 7),
    # A folder of zones is not a zone; the nearest zone is suggested.
    ("timezone: Europe\n", "unknown time zone 'Europe'; did you mean Europe/Oslo?", 1, 11),
    ("timezone: America\n", "unknown time zone 'America'; did you mean America/Adak?", 1, 11),
    ("timezone: Europe/Olso\n", "unknown time zone 'Europe/Olso'; did you mean Europe/Oslo?",
     1, 11),
    ("timezone: 5\n", "timezone must be an IANA name such as Europe/Oslo (got 5)", 1, 11),
    ("action_completion_goal: .nan\n", "action_completion_goal must be a share between 0 and 1, "
     "such as 0.9", 1, 25),
    ("action_completion_goal: true\n", "action_completion_goal must be a share between 0 and 1, "
     "such as 0.9", 1, 25),
    ("business_hours:\n  days: []\n", "business_hours.days is empty; name at least one "
     "weekday, such as [mon, tue, wed, thu, fri]", 2, 9),
    # The whole file must be a mapping.
    ("- name: Kari\n", "the settings must be a mapping of name, timezone, people, ... (got a list)",
     1, 1),
])
def test_settings_values_have_the_right_shape(tmp_path, body, message, line, column):
    path = tmp_path / "smarketing.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_settings(path)
    assert str(error.value) == f"{path}:{line}:{column}: {message}"


def test_a_name_typed_in_decomposed_unicode_finds_the_person(tmp_path):
    path = tmp_path / "smarketing.yaml"
    # The file spells Pål precomposed (U+00E5); macOS writes "Pa" + U+030A COMBINING RING.
    path.write_text("people:\n  - {name: Pål Sørensen, team: sales, aliases: [Pål]}\n"
                    "  - {name: \"Pa\\u030al\", team: sales}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r":3:12: 'Pa\u030al' already names Pål Sørensen"):
        load_settings(path)  # the two spellings are one name
    path.write_text("people:\n  - {name: Pål Sørensen, team: sales, aliases: [Pål]}\n",
                    encoding="utf-8")
    settings = load_settings(path)
    assert settings.person("Pa\u030al").name == "Pål Sørensen"
    assert settings.person("PA\u030aL SØRENSEN").name == "Pål Sørensen"
    assert settings.people[0].name == "P\u00e5l S\u00f8rensen"  # kept as written


def test_the_store_matches_owners_in_nfc_and_keeps_what_was_written(tmp_path):
    from smarketing_tui.store import open_store, resolve_person, sync_people
    from smarketing_tui.workspace import Person, Settings

    decomposed = "Pa\u030al Hansen"
    settings = Settings(people=(Person(decomposed, "sales", aliases=("Pa\u030al",)),))
    db = open_store(tmp_path / "store.db", settings)
    conn = db.conn
    pid, name = resolve_person(conn, "P\u00e5l Hansen")  # precomposed, as Windows writes it
    assert (pid is not None, name) == (True, decomposed)  # the name as the settings wrote it
    assert resolve_person(conn, "p\u00e5l") == (pid, decomposed)
    assert resolve_person(conn, "Pal") == (None, "Pal")  # no ring: another name
    # Syncing the same people again changes nothing (the aliases are stored in NFC).
    before = conn.execute("SELECT alias, person_id FROM person_aliases ORDER BY alias").fetchall()
    sync_people(conn, settings)
    assert conn.execute("SELECT alias, person_id FROM person_aliases ORDER BY alias").fetchall() \
        == before == [("p\u00e5l", pid), ("p\u00e5l hansen", pid)]
    db.close()


def test_check_prints_one_mistake_in_the_settings_once(tmp_path):
    ws = init_workspace(tmp_path / "w")
    ws.settings_path.write_text("timezone: Europe\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--workspace", str(ws.root), "check"])
    # the agendas and the SLA are still checked (against the default settings) and are fine
    assert (result.exit_code, result.output.splitlines()) == (2, [
        f"{ws.settings_path}:1:11: unknown time zone 'Europe'; did you mean Europe/Oslo?",
        "Error: 1 file with errors"])


def test_check_reports_each_bad_file_once_settings_first(tmp_path):
    ws = init_workspace(tmp_path / "w")
    ws.settings_path.write_text("currency: kroner\n", encoding="utf-8")
    (ws.agendas_dir / "sla.yaml").write_text("[1]\n", encoding="utf-8")
    (ws.agendas_dir / "extra.yaml").write_text("a: [\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--workspace", str(ws.root), "check"])
    lines = result.output.splitlines()
    assert result.exit_code == 2
    assert [line.split(":")[0] for line in lines[:-1]] == [
        str(ws.settings_path), str(ws.agendas_dir / "extra.yaml"), str(ws.agendas_dir / "sla.yaml")]
    assert lines[-1] == "Error: 3 files with errors"


BOMB = "".join([
    "a: &a [x, x, x, x, x, x, x, x, x, x]\n",
    *(f"{name}: &{name} [{', '.join([f'*{prev}'] * 10)}]\n"
      for prev, name in zip("abcdefgh", "bcdefghi")),
])  # i expands to 10^9 values: a billion laughs in nine lines


def test_a_yaml_alias_bomb_is_refused_at_the_alias_that_crosses_the_limit(tmp_path):
    path = tmp_path / "smarketing.yaml"
    path.write_text(BOMB, encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_settings(path)
    # d has 10^4 values (10 x c), e 10^5 + its own nodes: over 100 000 at line 5, column 4
    assert str(error.value) == (
        f"{path}:5:4: invalid YAML: more than 100 000 values once its aliases are expanded "
        "(an alias bomb?); a workspace file is expected to be small and plain")


def test_yaml_nested_too_deep_too_large_or_unbuildable_is_one_line(tmp_path):
    from smarketing_tui.yamlfile import load_yaml

    path = tmp_path / "x.yaml"
    cases = [
        ("a: " + "[" * 40 + "]" * 40 + "\n", "invalid YAML: nested more than 32 levels deep"),
        ("a: " + "[" * 100_000 + "]" * 100_000 + "\n",
         "invalid YAML: nested more than 32 levels deep"),
        ("a: " + "7" * 5000 + "\n", "1:4: invalid YAML: a number of 5000 digits is too long"),
        ("a: 2026-13-45\n", "1:4: invalid YAML: cannot read '2026-13-45' (month must be in 1..12)"),
        ("a: 0000-01-01\n", "1:4: invalid YAML: cannot read '0000-01-01' (year 0 is out of range)"),
        ("a: " + "x" * (1024 * 1024) + "\n",
         "the file is larger than 1 MiB; a workspace YAML file is expected to be a few kilobytes"),
    ]
    for text, message in cases:
        path.write_text(text, encoding="utf-8")
        with pytest.raises(InputError) as error:
            load_yaml(path)
        assert message in str(error.value), str(error.value)[:200]
        assert str(error.value).startswith(str(path))


def test_an_alias_repeated_within_one_person_is_kept_once(tmp_path):
    # Found by test_properties: a repeated alias used to end in an IndexError.
    path = tmp_path / "smarketing.yaml"
    path.write_text("people:\n  - {name: Kari, team: sales, aliases: [K.N, k.n, Kari, 7]}\n",
                    encoding="utf-8")
    assert load_settings(path).people[0].aliases == ("K.N", "7")


def test_a_folder_or_a_pipe_in_place_of_a_yaml_file_is_refused_without_waiting(tmp_path):
    from smarketing_tui.yamlfile import load_yaml

    (tmp_path / "folder.yaml").mkdir()
    os.mkfifo(tmp_path / "pipe.yaml")  # opening it for reading would wait for a writer forever
    import threading

    for name, problem in (("folder.yaml", "is a folder; expected a YAML file"),
                          ("pipe.yaml", "is not a regular file (a pipe or a device); expected a "
                                        "YAML file")):
        outcome: list = []

        def load(path=tmp_path / name):
            try:
                load_yaml(path)
            except InputError as error:
                outcome.append(str(error))

        reader = threading.Thread(target=load, daemon=True)
        reader.start()
        reader.join(60)  # a generous deadline: a reader stuck on the pipe fails, not hangs
        if reader.is_alive():
            with open(tmp_path / name, "w"):  # let the stuck reader go
                pass
        assert outcome == [f"{tmp_path / name}: {problem}"]
