"""Hand-made store data for the metrics, scorecard and report CLI tests.

All times are UTC in the store; in November Oslo is UTC+1 (CET), so
``2026-11-02T09:00:00Z`` is Monday 2 November 10:00 local time.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from smarketing_tui.store import open_store
from smarketing_tui.workspace import Person, Settings

SETTINGS = Settings(people=(Person("Ola Sales", "sales"), Person("Pia Sales", "sales"),
                            Person("Ingrid Marketing", "marketing")))


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


def new_store(tmp_path: Path, settings: Settings = SETTINGS):
    """A migrated, empty store with the settings' people; returns the raw connection."""
    db = open_store(tmp_path / "store.db", settings)
    return db.conn


_counter = [0]


def lead(conn, external_id: str | None = None, **fields) -> int:
    """Insert a lead; ``owner`` by name also sets ``owner_id`` when the person is known."""
    _counter[0] += 1
    external_id = external_id or f"X{_counter[0]}"
    if "owner" in fields and "owner_id" not in fields:
        row = conn.execute("SELECT id FROM people WHERE name = ?", (fields["owner"],)).fetchone()
        fields["owner_id"] = row[0] if row else None
    columns = ["external_id", *fields]
    cursor = conn.execute(
        f"INSERT INTO leads ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        [external_id, *fields.values()])
    conn.commit()
    return cursor.lastrowid


def event(conn, lead_id: int, type_: str, at: str, outcome: str | None = None) -> None:
    conn.execute("INSERT INTO lead_events (lead_id, type, outcome, at) VALUES (?, ?, ?, ?)",
                 (lead_id, type_, outcome, at))
    conn.commit()


def campaign(conn, name: str, starts: str | None, ends: str | None, spend: float,
             source: str | None = None) -> None:
    conn.execute("INSERT INTO campaigns (name, source, starts, ends, spend) VALUES (?, ?, ?, ?, ?)",
                 (name, source, starts, ends, spend))
    conn.commit()


def deal(conn, external_id: str | None = None, **fields) -> int:
    """Insert a deal (``lead_id`` the lead's row id); ``owner`` by name also sets ``owner_id``
    when the person is known; ``status`` defaults to open."""
    _counter[0] += 1
    external_id = external_id or f"D{_counter[0]}"
    if "owner" in fields and "owner_id" not in fields:
        row = conn.execute("SELECT id FROM people WHERE name = ?", (fields["owner"],)).fetchone()
        fields["owner_id"] = row[0] if row else None
    columns = ["external_id", *fields]
    cursor = conn.execute(
        f"INSERT INTO deals ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        [external_id, *fields.values()])
    conn.commit()
    return cursor.lastrowid
