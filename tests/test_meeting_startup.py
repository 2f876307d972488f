"""What keeps the meeting screen's start-up light: one section view imported at a time,
the store opened without sqlite-utils, people synced through a raw connection."""

from __future__ import annotations

import subprocess
import sys

import pytest

from smarketing_tui import store
from smarketing_tui.tui.sections import VIEW_MODULES, view_class
from smarketing_tui.workspace import Person, Settings


@pytest.mark.parametrize("kind", sorted(VIEW_MODULES))
def test_view_class_finds_the_view_of_each_section_type(kind):
    assert view_class(kind).SECTION_TYPE == kind


def test_a_type_without_a_view_of_its_own_has_none():
    assert view_class("discussion") is None and view_class("no-such-type") is None


def test_starting_a_meeting_loads_only_its_first_view_and_no_sqlite_utils(workspace):
    # The shipped weekly agenda starts with a check-in: opening its screen may import the
    # check-in view (and what it uses: talking_points, dialogs), never the other six views.
    code = f"""
import sys
from smarketing_tui.workspace import Workspace
from smarketing_tui.agenda import load_agenda
from smarketing_tui.meeting import MeetingSession
from smarketing_tui.tui.meeting_screen import MeetingScreen
from pathlib import Path
ws = Workspace(Path({str(workspace.root)!r}))
settings = ws.settings()
session = MeetingSession.start(ws, load_agenda(ws.agenda_path(), settings), settings=settings)
screen = MeetingScreen(session, ws)
screen._view_class(session.current_section.type)
views = sorted(m.rsplit('.', 1)[1] for m in sys.modules
               if m.startswith('smarketing_tui.tui.sections.')
               and m.rsplit('.', 1)[1] in {sorted(VIEW_MODULES)!r})
print(session.current_section.type, ','.join(views), 'sqlite_utils' in sys.modules)
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["checkin", "checkin,talking_points", "False"]


def test_open_connection_is_migrated_and_syncs_people_without_sqlite_utils(tmp_path):
    settings = Settings(people=(Person("Kari", "marketing", aliases=("1001",)),
                                Person("Ola", "sales")))
    conn = store.open_connection(tmp_path / "s.db", settings)
    assert isinstance(conn, store.sqlite3.Connection)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
    assert conn.execute("SELECT name, team, active FROM people ORDER BY name").fetchall() == [
        ("Kari", "marketing", 1), ("Ola", "sales", 1)]
    # Kari's aliases: her name and "1001"; Ola's: his name. All folded to lower case.
    assert conn.execute("SELECT alias FROM person_aliases ORDER BY alias").fetchall() == [
        ("1001",), ("kari",), ("ola",)]
    assert not conn.in_transaction  # committed


def test_people_sync_inside_an_open_transaction_is_undone_with_it(tmp_path):
    conn = store.open_connection(tmp_path / "s.db")
    conn.execute("DELETE FROM people")
    conn.commit()
    conn.execute("INSERT INTO imports (kind, file, source_label, started_at) "
                 "VALUES ('leads', 'x.csv', 'X', '2026-11-01T00:00:00Z')")
    assert conn.in_transaction
    store.sync_people(conn, Settings(people=(Person("Kari", "marketing"),)))
    assert conn.in_transaction  # a savepoint: the outer transaction is still the caller's
    conn.rollback()
    assert conn.execute("SELECT COUNT(*) FROM people").fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM imports").fetchone()[0] == 0


def _positions(value):
    """Every value with the positions the loader recorded, as plain data."""
    if isinstance(value, dict):
        return ("map", value.line, value.column, dict(value.key_pos), dict(value.value_pos),
                {k: _positions(v) for k, v in value.items()})
    if isinstance(value, list):
        return ("seq", value.line, value.column, list(value.item_pos),
                [_positions(v) for v in value])
    return value


def test_libyaml_and_python_loaders_agree_on_values_and_positions():
    from smarketing_tui import yamlfile

    text = ("title: Ukemøte\npeople:\n  - name: Pål Sørensen\n    aliases: ['2003', \"P. S.\"]\n"
            "  - {name: Åse, team: sales}\nnotes: |\n  æ\n  ø\nwhen: 2026-11-30\n")
    python = yamlfile.loader_classes()[0](text)
    python.file_label = "t.yaml"
    expected = _positions(python.get_single_data())
    # Pål's mapping starts at line 3, column 5 (after "  - "); Åse's flow mapping at 5:5.
    assert expected[5]["people"][4][0][1:3] == (3, 5)
    assert expected[5]["people"][4][1][1:3] == (5, 5)
    assert _positions(yamlfile.parse_yaml(text, "t.yaml")) == expected


def test_a_yaml_error_is_worded_by_the_python_loader():
    from smarketing_tui import yamlfile
    from smarketing_tui.errors import InputError

    with pytest.raises(InputError) as caught:
        yamlfile.parse_yaml("a: [1, 2\n", "t.yaml")
    # The unclosed flow sequence is found at the end of the text: line 2, column 1.
    assert str(caught.value).startswith("t.yaml:2:1: invalid YAML: expected ',' or ']'")
