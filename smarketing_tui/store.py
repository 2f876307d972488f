"""The SQLite store: schema, forward migrations and connection settings.

The schema version lives in ``PRAGMA user_version``. ``open_store`` applies
every migration newer than the file, each in its own transaction, and refuses
a store written by a newer smarketing-tui. Timestamps are UTC ISO 8601 text
(see :mod:`smarketing_tui.timeutil`).
"""

from __future__ import annotations

import contextvars
import functools
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from smarketing_tui.errors import BrokenEnvironment, UserError, store_advice

if TYPE_CHECKING:
    import sqlite_utils

    from smarketing_tui.workspace import Settings

BUSY_TIMEOUT_MS = 10_000

# Version 1: people and the data imported from CRM and marketing automation.
_V1 = """
CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    team TEXT NOT NULL CHECK (team IN ('marketing', 'sales')),
    email TEXT,
    active INTEGER NOT NULL DEFAULT 1
);
-- Owner ids and spellings as they appear in exports, folded to lower case.
CREATE TABLE person_aliases (
    alias TEXT PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE
);
CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,              -- leads | events | campaigns | activities
    file TEXT NOT NULL,
    preset TEXT,                     -- hubspot | salesforce | pipedrive | NULL
    mapping TEXT,                    -- mapping file, when one was used
    source_label TEXT NOT NULL,      -- e.g. 'HubSpot export'
    started_at TEXT NOT NULL,
    finished_at TEXT,
    rows INTEGER NOT NULL DEFAULT 0,
    inserted INTEGER NOT NULL DEFAULT 0,
    updated INTEGER NOT NULL DEFAULT 0,
    unchanged INTEGER NOT NULL DEFAULT 0,
    skipped INTEGER NOT NULL DEFAULT 0,
    newest_at TEXT                   -- newest timestamp found in the file's rows
);
CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    channel TEXT,
    source TEXT,                     -- the lead source its leads carry, for cost per MQL
    owner TEXT,
    owner_id INTEGER REFERENCES people(id),
    starts TEXT,                     -- local ISO date, inclusive
    ends TEXT,                       -- local ISO date, inclusive
    spend REAL NOT NULL DEFAULT 0,
    currency TEXT,
    import_id INTEGER REFERENCES imports(id)
);
CREATE TABLE leads (
    id INTEGER PRIMARY KEY,
    external_id TEXT NOT NULL UNIQUE,
    name TEXT,
    company TEXT,
    email TEXT,
    source TEXT,
    campaign TEXT,
    stage TEXT,                      -- lifecycle stage after value mapping
    owner TEXT,                      -- canonical person name when the alias is known, else as exported
    owner_id INTEGER REFERENCES people(id),
    created_at TEXT,
    mql_at TEXT,
    assigned_at TEXT,
    accepted_at TEXT,
    rejected_at TEXT,
    rejected_reason TEXT,
    first_contact_at TEXT,           -- imported where the export has it, else derived from lead_events
    first_contact_imported INTEGER NOT NULL DEFAULT 0,
    meeting_at TEXT,
    opportunity_at TEXT,
    won_at TEXT,
    lost_at TEXT,
    lost_reason TEXT,
    amount REAL,
    currency TEXT,
    import_id INTEGER REFERENCES imports(id),
    updated_at TEXT
);
-- Indexes for the range scans the metrics run (col >= :start AND col < :cut). Sparse
-- columns get partial indexes: any comparison on the column implies IS NOT NULL, so the
-- planner still uses them, and an import builds only the keys that exist. No index on
-- source or campaign: queries group by them but never look rows up by them (an index
-- there only tempts the planner away from a date range).
CREATE INDEX leads_created_at ON leads(created_at);
CREATE INDEX leads_mql_at ON leads(mql_at) WHERE mql_at IS NOT NULL;
CREATE INDEX leads_won_at ON leads(won_at) WHERE won_at IS NOT NULL;
CREATE INDEX leads_lost_at ON leads(lost_at) WHERE lost_at IS NOT NULL;
CREATE INDEX leads_meeting_at ON leads(meeting_at) WHERE meeting_at IS NOT NULL;
CREATE INDEX leads_rejected_at ON leads(rejected_at) WHERE rejected_at IS NOT NULL;
CREATE INDEX leads_opportunity_at ON leads(opportunity_at) WHERE opportunity_at IS NOT NULL;
CREATE INDEX leads_owner_id ON leads(owner_id) WHERE owner_id IS NOT NULL;
-- Append-only log of touches; first contact and attempts per lead derive from it.
CREATE TABLE lead_events (
    id INTEGER PRIMARY KEY,
    external_id TEXT UNIQUE,         -- when the export has one; re-imports are then idempotent
    lead_id INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    type TEXT NOT NULL,              -- call | email | meeting | note | stage | linkedin | sms
    outcome TEXT,                    -- attempted | connected | NULL
    at TEXT NOT NULL,
    person TEXT,
    person_id INTEGER REFERENCES people(id),
    note TEXT,
    import_id INTEGER REFERENCES imports(id)
);
CREATE INDEX lead_events_lead_at ON lead_events(lead_id, at);
CREATE INDEX lead_events_at ON lead_events(at);
CREATE INDEX lead_events_person ON lead_events(person_id, at);
CREATE TABLE activities (
    id INTEGER PRIMARY KEY,
    external_id TEXT UNIQUE,
    team TEXT NOT NULL CHECK (team IN ('marketing', 'sales')),
    person TEXT,
    person_id INTEGER REFERENCES people(id),
    date TEXT NOT NULL,              -- local ISO date
    kind TEXT NOT NULL,              -- webinar | calls | blog_post | event | ...
    title TEXT,
    quantity REAL NOT NULL DEFAULT 1,
    import_id INTEGER REFERENCES imports(id)
);
CREATE INDEX activities_date ON activities(team, date);
"""

# Version 2: what meetings record.
_V2 = """
CREATE TABLE meetings (
    id INTEGER PRIMARY KEY,
    agenda_path TEXT NOT NULL,
    title TEXT NOT NULL,
    cadence TEXT NOT NULL CHECK (cadence IN ('weekly', 'monthly')),
    period_label TEXT NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    planned_minutes INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'paused', 'ended')),
    current_section INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    started_at TEXT,
    ended_at TEXT,
    facilitator TEXT,
    scorecard_snapshot TEXT,         -- JSON of the scorecard as shown, frozen at the end
    agenda_snapshot TEXT             -- JSON of the agenda as it was run
);
CREATE INDEX meetings_created ON meetings(created_at);
CREATE TABLE meeting_sections (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    type TEXT NOT NULL,
    timebox_seconds INTEGER NOT NULL,
    used_seconds REAL NOT NULL DEFAULT 0,  -- time banked before running_since
    running_since TEXT,                    -- set while this section's clock runs
    PRIMARY KEY (meeting_id, position)
);
CREATE TABLE attendance (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id),
    present INTEGER NOT NULL DEFAULT 1,
    rating INTEGER CHECK (rating BETWEEN 1 AND 10),
    checkin TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (meeting_id, person_id)
);
CREATE TABLE issues (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    detail TEXT,
    team TEXT,
    raised_by INTEGER REFERENCES people(id),
    raised_at TEXT NOT NULL,
    raised_in_meeting INTEGER REFERENCES meetings(id),
    origin TEXT NOT NULL DEFAULT 'meeting',  -- meeting | prep | scorecard | cli
    evidence TEXT,                   -- JSON: the numbers attached (e.g. a red scorecard line)
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'solved', 'dropped')),
    rank INTEGER,                    -- the team's priority, 1 = first
    solved_at TEXT,
    solved_in_meeting INTEGER REFERENCES meetings(id),
    resolution TEXT
);
CREATE INDEX issues_status ON issues(status, rank);
CREATE TABLE decisions (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id),
    section_position INTEGER,
    section_title TEXT,
    text TEXT NOT NULL,
    issue_id INTEGER REFERENCES issues(id),
    context TEXT,                    -- JSON: the numbers on screen when it was taken
    created_at TEXT NOT NULL
);
CREATE INDEX decisions_meeting ON decisions(meeting_id);
CREATE TABLE action_items (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER REFERENCES meetings(id),  -- NULL when created outside a meeting
    section_position INTEGER,
    section_title TEXT,
    text TEXT NOT NULL,
    owner_id INTEGER REFERENCES people(id),
    owner TEXT,
    due TEXT,                        -- local ISO date
    original_due TEXT,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'dropped')),
    carried_over INTEGER NOT NULL DEFAULT 0,
    issue_id INTEGER REFERENCES issues(id),
    decision_id INTEGER REFERENCES decisions(id),
    created_at TEXT NOT NULL,
    done_at TEXT,
    dropped_at TEXT,
    comment TEXT
);
CREATE INDEX action_items_status ON action_items(status, due);
CREATE INDEX action_items_owner ON action_items(owner_id, status);
-- History of each action item: done, carried over, dropped, commented, reopened.
CREATE TABLE action_item_updates (
    id INTEGER PRIMARY KEY,
    action_item_id INTEGER NOT NULL REFERENCES action_items(id) ON DELETE CASCADE,
    meeting_id INTEGER REFERENCES meetings(id),
    kind TEXT NOT NULL,              -- done | carried | dropped | comment | reopened
    at TEXT NOT NULL,
    by_person INTEGER REFERENCES people(id),
    old_due TEXT,
    new_due TEXT,
    comment TEXT
);
CREATE INDEX action_item_updates_item ON action_item_updates(action_item_id, at);
CREATE TABLE talking_points (
    id INTEGER PRIMARY KEY,
    agenda TEXT NOT NULL,            -- agenda file name (e.g. weekly.yaml): the next meeting of it
    section_type TEXT,               -- the section it belongs to, by type ...
    section_title TEXT,              -- ... and title
    text TEXT NOT NULL,
    author_id INTEGER REFERENCES people(id),
    metric TEXT,
    issue_id INTEGER REFERENCES issues(id),
    created_at TEXT NOT NULL,
    meeting_id INTEGER REFERENCES meetings(id)  -- set when a meeting takes it up
);
CREATE INDEX talking_points_open ON talking_points(agenda, meeting_id);
CREATE TABLE notes (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id),
    section_position INTEGER,
    section_title TEXT,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX notes_meeting ON notes(meeting_id);
-- The agreed lead definition, a new row each time its text changes.
CREATE TABLE lead_definitions (
    id INTEGER PRIMARY KEY,
    text TEXT NOT NULL,
    first_seen_at TEXT NOT NULL
);
"""

# Version 3: deals as records of their own. A lead can have many deals; where a lead has
# deals, its won_at and amount derive from its first won deal (see importing).
_V3 = """
CREATE TABLE deals (
    id INTEGER PRIMARY KEY,
    external_id TEXT NOT NULL UNIQUE,
    lead_id INTEGER REFERENCES leads(id) ON DELETE SET NULL,
    lead_ref TEXT,                   -- the lead as the export names it (external id or e-mail)
    name TEXT,
    owner TEXT,                      -- the deal's owner (often not the lead's owner)
    owner_id INTEGER REFERENCES people(id),
    pipeline TEXT,
    stage TEXT,                      -- as exported
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'won', 'lost')),
    created_at TEXT,
    closed_at TEXT,                  -- when status became won or lost
    amount REAL,
    currency TEXT,
    lost_reason TEXT,
    source TEXT,
    campaign TEXT,
    import_id INTEGER REFERENCES imports(id),
    updated_at TEXT
);
-- Covers what a lead derives from its deals (status, dates), so deriving walks it in
-- lead order without a sort or a table lookup.
CREATE INDEX deals_lead ON deals(lead_id, status, closed_at, created_at)
    WHERE lead_id IS NOT NULL;
CREATE INDEX deals_created_at ON deals(created_at) WHERE created_at IS NOT NULL;
CREATE INDEX deals_closed_at ON deals(closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX deals_owner_id ON deals(owner_id) WHERE owner_id IS NOT NULL;
"""

# Mixed seating: the marketer-seller groups a meeting sat in (seating.py).
_V4_SEATING = """
CREATE TABLE seating (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id),
    grp INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, person_id)
);
"""

# Version 5 (revisions): corrections keep their history. Each change to a decision, action
# item, note, issue, talking point or check-in line writes one row per field changed: who,
# when, the old and the new value. A delete is soft (deleted_at): the record leaves every
# list, log and minutes, its revisions stay, and it can be restored. Also where an issue
# was kept open (the issues section's 'k'), so a move or a resume remembers it.
_V5_REVISIONS = """
CREATE TABLE revisions (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('decision', 'action_item', 'note', 'issue',
                                       'talking_point', 'checkin')),
    record_id INTEGER NOT NULL,      -- the record's id; a check-in line: the person's id
    meeting_id INTEGER REFERENCES meetings(id),  -- the meeting the record belongs to
    change TEXT NOT NULL CHECK (change IN ('edit', 'delete', 'restore')),
    field TEXT,                      -- edit: text | owner | due | title | detail
    old_value TEXT,                  -- edit: the field before; delete: the text deleted
    new_value TEXT,
    at TEXT NOT NULL,
    by TEXT,                         -- who changed it (a person's name as stored), if known
    during_meeting INTEGER REFERENCES meetings(id)  -- the meeting it was changed in, if any
);
CREATE INDEX revisions_record ON revisions(kind, record_id, at);
ALTER TABLE decisions ADD COLUMN deleted_at TEXT;
ALTER TABLE action_items ADD COLUMN deleted_at TEXT;
ALTER TABLE notes ADD COLUMN deleted_at TEXT;
ALTER TABLE issues ADD COLUMN deleted_at TEXT;
ALTER TABLE talking_points ADD COLUMN deleted_at TEXT;
CREATE TABLE issues_kept_open (
    issue_id INTEGER NOT NULL REFERENCES issues(id),
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    PRIMARY KEY (issue_id, meeting_id)
);
"""

# Version 6: what marketing automation knows of each lead (pages read, downloads, forms,
# e-mails opened and clicked, webinars, ad clicks). Kept apart from lead_events, the
# sales touches: nothing here is ever a first contact or a touch for the SLA.
_V6_ENGAGEMENTS = """
CREATE TABLE engagements (
    id INTEGER PRIMARY KEY,
    external_id TEXT NOT NULL,       -- the export's id, else made from lead, kind, time, asset
    lead_id INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('page_view', 'download', 'form', 'email_open',
        'email_click', 'webinar_registered', 'webinar_attended', 'ad_click')),
    at TEXT NOT NULL,
    asset TEXT,                      -- the page, document, form, e-mail or webinar by name
    url TEXT,
    channel TEXT,                    -- the channel or platform (Organic Search, LinkedIn, ...)
    campaign TEXT,
    keyword TEXT,                    -- the search words, where the visit came from a search
    click_id TEXT,                   -- an ad click's id (Google's gclid)
    quantity INTEGER NOT NULL DEFAULT 1,  -- events this row stands for (a page-view count)
    import_id INTEGER REFERENCES imports(id)
);
-- A named unique index, not a UNIQUE column: a bulk import drops it and builds it again.
CREATE UNIQUE INDEX engagements_external_id ON engagements(external_id);
CREATE INDEX engagements_lead_at ON engagements(lead_id, at);
CREATE INDEX engagements_click_id ON engagements(click_id) WHERE click_id IS NOT NULL;
"""

MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3, _V4_SEATING, _V5_REVISIONS, _V6_ENGAGEMENTS)
SCHEMA_VERSION = len(MIGRATIONS)


def connect(path: Path | str, *, readonly: bool = False) -> sqlite3.Connection:
    """A raw connection with the store's pragmas (WAL, foreign keys, busy timeout)."""
    if readonly:
        uri = Path(path).resolve().as_uri() + "?mode=ro"
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
                               check_same_thread=False)
    else:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
    return conn


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION, label: str = "store") -> int:
    """Bring a store up to ``target``; returns the version it had before.

    A store that holds data (version 1 or later) is first copied to
    ``backups/<name>-v<old>-<timestamp>.db`` (:func:`backup.backup_before_migration`);
    when that copy cannot be made, nothing is migrated."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise BrokenEnvironment(f"{label} was written by a newer smarketing-tui (schema version "
                                f"{version}, this one knows up to {SCHEMA_VERSION}); upgrade "
                                "smarketing-tui to open it")
    if 0 < version < target:
        from smarketing_tui.backup import backup_before_migration

        backup_before_migration(conn, version)
    for number in range(version + 1, target + 1):
        # executescript would commit on its own; run each migration as one transaction.
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = conn.execute("PRAGMA user_version").fetchone()[0]
            if current >= number:  # another process migrated meanwhile
                conn.execute("ROLLBACK")
                continue
            for statement in _statements(MIGRATIONS[number - 1]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return version


def _statements(script: str) -> list[str]:
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    return statements


_SQLITE_MAGIC = b"SQLite format 3\x00"


def check_file(path: Path | str) -> None:
    """Refuse, in one line, a store that is missing, a folder, unreadable, not SQLite,
    truncated or from a newer smarketing-tui: all from its 100-byte header, without SQLite.

    Raises :class:`BrokenEnvironment`. A missing table is found on open (``check_tables``)."""
    import stat

    path = Path(path)
    try:
        info = path.stat()
        if stat.S_ISREG(info.st_mode):  # not a FIFO or a device: opening one may block
            with open(path, "rb") as handle:
                header = handle.read(100)
    except FileNotFoundError:
        raise BrokenEnvironment(f"no store at {path} (moved or deleted?); {store_advice(path)}, "
                                "or start a new workspace with 'smarketing init DIR'") from None
    except OSError as error:
        reason = (error.strerror or str(error)).lower()
        raise BrokenEnvironment(f"cannot read the store {path} ({reason}); check the "
                                "permissions of the file and its folders") from None
    if stat.S_ISDIR(info.st_mode):
        raise BrokenEnvironment(f"{path} is a folder, not a store; move it away and "
                                f"{store_advice(path)}")
    if not stat.S_ISREG(info.st_mode):
        raise BrokenEnvironment(f"{path} is not a regular file (a pipe or a device), so not a "
                                f"store; move it away and {store_advice(path)}")
    size = info.st_size
    if not header.startswith(_SQLITE_MAGIC):
        what = "is empty (0 bytes)" if not header else "is not a SQLite database"
        raise BrokenEnvironment(f"{path} {what}, so not a smarketing store; "
                                f"{store_advice(path)}")
    if len(header) < 100:
        raise BrokenEnvironment(f"{path} is truncated ({size} bytes, not even a header); "
                                f"{store_advice(path)}")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    header_valid = header[24:28] == header[92:96]  # as SQLite decides whether to trust it
    wal = Path(f"{path}-wal")
    checkpointing = wal.exists() and wal.stat().st_size > 0  # the file may be growing now
    if header_valid and not checkpointing and size < pages * page_size:
        raise BrokenEnvironment(f"{path} is truncated ({size} of the {pages * page_size} "
                                f"bytes its header promises); {store_advice(path)}")
    version = int.from_bytes(header[60:64], "big", signed=True)
    if version > SCHEMA_VERSION:
        raise BrokenEnvironment(f"{path} was written by a newer smarketing-tui (schema version "
                                f"{version}, this one knows up to {SCHEMA_VERSION}); upgrade "
                                "smarketing-tui to open it")


_TABLE = re.compile(r"^CREATE TABLE (\w+)", re.MULTILINE)


@lru_cache(maxsize=None)
def _tables_of(version: int) -> tuple[str, ...]:
    """The tables a store of schema ``version`` has."""
    return tuple(name for script in MIGRATIONS[:version] for name in _TABLE.findall(script))


def check_tables(conn: sqlite3.Connection, path: Path | str) -> None:
    """Refuse a store that lacks a table its schema version has (raises BrokenEnvironment)."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    wanted = _tables_of(version)
    present = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    missing = [name for name in wanted if name not in present]
    if missing:
        from smarketing_tui.timeutil import counted

        raise BrokenEnvironment(
            f"{path} lacks {counted(len(missing), 'table')} a schema-{version} store has "
            f"({', '.join(missing)}), so it is damaged; {store_advice(path)}")


def open_connection(path: Path | str, settings: Settings | None = None) -> sqlite3.Connection:
    """Open (creating if needed) and migrate the store; sync people from settings.

    The raw connection, without the sqlite-utils wrapper: the meeting screen opens
    the store this way (importing sqlite-utils and its plugins cost a tenth of its
    start-up). A damaged store, a folder in its place or one from a newer version
    raises :class:`BrokenEnvironment`.
    """
    path = Path(path)
    if not path.parent.exists():
        raise BrokenEnvironment(f"store folder {path.parent} does not exist; "
                                f"{store_advice(path)}")
    if path.exists():
        check_file(path)
    with _opening(path) as holder:
        holder.conn = conn = connect(path)
        migrate(conn, label=str(path))
        check_tables(conn, path)
        if settings is not None:
            sync_people(conn, settings)
    return conn


class _Holder:
    conn: sqlite3.Connection | None = None


@contextmanager
def _opening(path: Path | str) -> Iterator[_Holder]:
    """Open a connection in the block (set ``holder.conn``): on any failure it is closed,
    and an SQLite error becomes one :class:`BrokenEnvironment` line naming the store."""
    holder = _Holder()
    try:
        yield holder
    except sqlite3.DatabaseError as exc:
        _close(holder.conn)
        from smarketing_tui.errors import explain

        raise BrokenEnvironment(explain(exc, path)[0]) from None
    except BaseException:
        _close(holder.conn)
        raise


def open_store(path: Path | str, settings: Settings | None = None) -> sqlite_utils.Database:
    """Open (creating if needed) and migrate the store; sync people from settings."""
    conn = open_connection(path, settings)
    import sqlite_utils  # here, not at the top: commands that don't need it stay light

    return sqlite_utils.Database(conn)


def open_readonly(path: Path | str) -> sqlite3.Connection:
    """A read-only connection for queries (metrics, custom SQL)."""
    check_file(path)
    with _opening(path) as holder:
        holder.conn = conn = connect(path, readonly=True)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA_VERSION:
            if version > SCHEMA_VERSION:
                raise BrokenEnvironment(f"{path} was written by a newer smarketing-tui (schema "
                                        f"version {version})")
            raise UserError(f"{path} needs migrating; open it read-write once "
                            "(any smarketing command)")
        check_tables(conn, path)
    return conn


def _close(conn: sqlite3.Connection | None) -> None:
    if conn is not None:
        conn.close()


def sync_people(db: sqlite_utils.Database | sqlite3.Connection, settings: Settings) -> None:
    """Make the people tables match ``smarketing.yaml`` (one row per person, aliases folded).

    ``db``: a sqlite-utils Database or a raw connection."""
    from smarketing_tui.workspace import name_key  # NFC and case-folded

    conn: sqlite3.Connection = getattr(db, "conn", db)
    wanted = {name_key(p.name): p for p in settings.people}
    rows = conn.execute("SELECT id, name, team, email, active FROM people").fetchall()
    current = {name_key(name): (pid, team, email, active)
               for pid, name, team, email, active in rows}
    alias_rows = conn.execute("SELECT alias, person_id FROM person_aliases ORDER BY alias").fetchall()
    ids_by_name = {name_key(name): pid for pid, name, *_ in rows}
    desired_aliases = sorted(
        (name_key(alias), ids_by_name.get(name_key(p.name)))
        for p in settings.people for alias in (p.name, *p.aliases))
    up_to_date = (
        all(key in current and current[key][1:] == (p.team, p.email, 1) for key, p in wanted.items())
        and all(active == 0 or key in wanted for key, (_, _, _, active) in current.items())
        and [tuple(r) for r in alias_rows] == desired_aliases)
    if up_to_date:
        return  # the common case: no write, so no lock taken on every open
    with _atomic(conn):
        for key, person in wanted.items():
            if key in current:
                conn.execute("UPDATE people SET name=?, team=?, email=?, active=1 WHERE id=?",
                             (person.name, person.team, person.email, current[key][0]))
            else:
                conn.execute("INSERT INTO people (name, team, email) VALUES (?, ?, ?)",
                             (person.name, person.team, person.email))
        for key, (pid, *_rest) in current.items():
            if key not in wanted:  # people who left keep their history, marked inactive
                conn.execute("UPDATE people SET active=0 WHERE id=?", (pid,))
        conn.execute("DELETE FROM person_aliases")
        for person in settings.people:
            pid = conn.execute("SELECT id FROM people WHERE name=?", (person.name,)).fetchone()[0]
            for alias in {name_key(person.name), *(name_key(a) for a in person.aliases)}:
                conn.execute("INSERT OR REPLACE INTO person_aliases (alias, person_id) VALUES (?, ?)",
                             (alias, pid))


@contextmanager
def _atomic(conn: sqlite3.Connection) -> Iterator[None]:
    """One transaction (a savepoint inside an open one), as sqlite-utils' ``atomic()``."""
    if conn.in_transaction:
        conn.execute("SAVEPOINT sync_people")
        try:
            yield
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK TO SAVEPOINT sync_people")
                conn.execute("RELEASE SAVEPOINT sync_people")
            raise
        conn.execute("RELEASE SAVEPOINT sync_people")
        return
    conn.execute("BEGIN")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def resolve_person(conn: sqlite3.Connection, text: str | None) -> tuple[int | None, str | None]:
    """Map an exported owner id or name to (person id, canonical name).

    Unknown names come back as ``(None, text)`` so nothing is lost. Names match in Unicode
    NFC, case-folded (``workspace.name_key``), as ``sync_people`` stores the aliases.
    """
    from smarketing_tui.workspace import name_key

    if text is None or not str(text).strip():
        return None, None
    text = str(text).strip()
    row = conn.execute(
        "SELECT p.id, p.name FROM person_aliases a JOIN people p ON p.id = a.person_id "
        "WHERE a.alias = ?", (name_key(text),)).fetchone()
    return (row[0], row[1]) if row else (None, text)


#: The tables whose rows carry an amount and its currency.
MONEY_TABLES = {"leads": "amount", "deals": "amount", "campaigns": "spend"}


def other_currencies(conn: sqlite3.Connection, table: str, currency: str) -> dict[str, int]:
    """Rows of ``table`` whose amount is in another currency than ``currency`` (the
    workspace's), by currency, most first. Metrics sum amounts as stored, never converted,
    so such rows make a money figure wrong unless the workspace counts in their currency."""
    amount = MONEY_TABLES[table]
    rows = conn.execute(
        f"SELECT upper(trim(currency)), COUNT(*) FROM {table} WHERE currency IS NOT NULL "
        f"AND trim(currency) != '' AND {amount} IS NOT NULL AND upper(trim(currency)) != ? "
        "GROUP BY 1 ORDER BY 2 DESC, 1", (currency.upper(),)).fetchall()
    return {code: count for code, count in rows}


# ----------------------------------------------------------------------------- busy store

BUSY_GIVE_UP_S = 15 * 60     # a write waits this long for a busy store before it fails
_busy_notices: list = []


def on_busy_wait(notice) -> None:
    """Call ``notice()`` (no arguments) when a meeting write waits past the busy timeout
    and is retried: the screen shows "saving…". A second call replaces the first."""
    _busy_notices[:] = [notice] if notice is not None else []


_retry_busy: contextvars.ContextVar[bool] = contextvars.ContextVar("retry_busy", default=True)


@contextmanager
def single_try() -> Iterator[None]:
    """Writes in the block are tried once: a busy store raises at once, for a caller that
    keeps the write and tries again itself (the meeting screen's save queue)."""
    token = _retry_busy.set(False)
    try:
        yield
    finally:
        _retry_busy.reset(token)


def retrying_write(write):
    """Wrap a store write (one transaction) so that a store still locked after the busy
    timeout (a long import's merge on a slow disk) is retried, not lost."""
    @functools.wraps(write)
    def retried(*args, **kwargs):
        give_up = time.monotonic() + BUSY_GIVE_UP_S
        while True:
            try:
                return write(*args, **kwargs)
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if not _retry_busy.get():
                    raise
                if time.monotonic() > give_up:
                    raise BrokenEnvironment(
                        f"the store stayed busy for {BUSY_GIVE_UP_S // 60} minutes; "
                        "nothing was saved (is an import stuck?)") from None
                for notice in _busy_notices:
                    notice()
    return retried
