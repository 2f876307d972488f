"""The store: migrations, pragmas, people sync."""

from __future__ import annotations

import sqlite3

import pytest

from smarketing_tui import store
from smarketing_tui.errors import UserError
from smarketing_tui.workspace import Person, Settings


def test_new_store_is_at_the_latest_version_with_wal_and_foreign_keys(tmp_path):
    db = store.open_store(tmp_path / "s.db")
    conn = db.conn
    assert conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == store.BUSY_TIMEOUT_MS
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO lead_events (lead_id, type, at) VALUES (999, 'call', '2026-01-01T00:00:00Z')")


def test_migrates_a_version_1_store_keeping_its_data(tmp_path):
    path = tmp_path / "old.db"
    conn = store.connect(path)
    store.migrate(conn, target=1)
    conn.execute("INSERT INTO leads (external_id, name, mql_at) VALUES ('hs-1', 'Åse', '2026-11-02T09:00:00Z')")
    conn.commit()
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE name='meetings'").fetchone()[0] == 0
    conn.close()

    db = store.open_store(path)
    assert db.conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
    assert db.conn.execute("SELECT name, mql_at FROM leads").fetchall() == [("Åse", "2026-11-02T09:00:00Z")]
    assert "meetings" in db.table_names() and "action_items" in db.table_names()
    assert "deals" in db.table_names()


def test_a_store_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(UserError, match=rf"written by a newer smarketing-tui \(schema version {store.SCHEMA_VERSION + 1},"):
        store.open_store(path)


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(UserError, match="is not a SQLite database"):
        store.open_store(path)


def test_people_sync_follows_the_settings_file(tmp_path):
    path = tmp_path / "s.db"
    first = Settings(people=(Person("Kari", "marketing", aliases=("1001",)),
                             Person("Ola", "sales", aliases=("2002", "O. H."))))
    db = store.open_store(path, first)
    assert store.resolve_person(db.conn, "o. h.") == (2, "Ola")
    assert store.resolve_person(db.conn, "Unknown Owner") == (None, "Unknown Owner")
    assert store.resolve_person(db.conn, "  ") == (None, None)
    db.close()
    # Ola leaves, Kari changes team: Ola's row stays (history) but inactive, his aliases go.
    second = Settings(people=(Person("Kari", "sales", aliases=("1001",)),))
    db = store.open_store(path, second)
    rows = db.conn.execute("SELECT name, team, active FROM people ORDER BY id").fetchall()
    assert rows == [("Kari", "sales", 1), ("Ola", "sales", 0)]
    assert store.resolve_person(db.conn, "2002") == (None, "2002")


def test_readonly_connection_cannot_write(tmp_path):
    path = tmp_path / "s.db"
    store.open_store(path).close()
    conn = store.open_readonly(path)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        conn.execute("INSERT INTO people (name, team) VALUES ('x', 'sales')")
