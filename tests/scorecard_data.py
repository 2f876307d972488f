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


# A weekly meeting on Tue 8 Dec 2026 09:00 Oslo (08:00Z) reviewing 2026-W49 (Mon 30 Nov to
# Sun 6 Dec; Oslo is UTC+1 all month). W49 holds one November day, and the Monday after it
# (7 Dec) is already in the store: the week's own value, December to the end of W49 and
# December as of now all differ.
WEEK_NOW = "2026-12-08T08:00:00Z"
WEEK_SLA = """\
commitments:
  - id: volume
    team: marketing
    description: At least 20 MQLs a month
    metric: mqls
    period: month
    target: 20
    amber: 10
  - id: accept
    team: marketing
    description: Half the decided MQLs are accepted
    metric: acceptance_rate
    period: month
    target: "50%"
    amber: "30%"
  - id: weekly_volume
    team: marketing
    description: At least 5 MQLs a week
    metric: mqls
    period: week
    target: 5
"""


def week_under_review(conn) -> None:
    """The W49 leads: A1, A2 (Mon 30 Nov, November) and D1-D4 (1-3 Dec) in the week; M1-M3
    on Mon 7 Dec, after it. D4 is accepted on Mon 7 Dec, after the week; M1 rejected then."""
    lead(conn, created_at="2026-10-01T09:00:00Z")  # the data starts in October
    for name in ("A1", "A2"):
        lead(conn, name, mql_at="2026-11-30T09:00:00Z", accepted_at="2026-12-01T09:00:00Z")
    lead(conn, "D1", mql_at="2026-12-01T09:00:00Z", accepted_at="2026-12-02T09:00:00Z")
    for name in ("D2", "D3"):
        lead(conn, name, mql_at="2026-12-02T09:00:00Z", rejected_at="2026-12-03T09:00:00Z",
             rejected_reason="Bad fit")
    lead(conn, "D4", mql_at="2026-12-03T09:00:00Z", accepted_at="2026-12-07T10:00:00Z")
    lead(conn, "M1", mql_at="2026-12-07T09:00:00Z", rejected_at="2026-12-07T12:00:00Z",
         rejected_reason="Bad fit")
    for name in ("M2", "M3"):
        lead(conn, name, mql_at="2026-12-07T09:00:00Z")


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
