"""Forgetting a person: their leads, sales touches and engagements leave the store.

A person is named by a lead's external id or by an e-mail (every lead with that e-mail,
compared without case). In one transaction, with SQLite's ``secure_delete`` on so that
the deleted rows are overwritten rather than left in free pages:

* their **leads** are deleted, and with them their **sales touches** (``lead_events``)
  and their **engagements**;
* their **deals** are kept (a deal is the company's business: its amount, owner and
  stage stay in the deal metrics) but lose every link to the person: ``lead_id`` and the
  ``lead_ref`` the export named them by;
* the **minutes of ended meetings** hold only counts (the frozen scorecard: "47 MQLs, 34
  met"), never a lead, so they stay as they were;
* free text people wrote (notes, decisions, action items, issues, talking points,
  check-ins) is not changed, but every record that mentions the lead's id, name or
  e-mail is listed, for a person to edit.

Backups made before (``backups/``) still hold the person; they are counted so the user
knows. The store is then rewritten (``VACUUM``: earlier imports left old copies of rows in
free pages) and the WAL emptied, so no copy of the rows is left in either.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from smarketing_tui.errors import UserError

#: Free-text columns of the meeting records, searched for mentions.
MENTION_COLUMNS = {"notes": ("text",), "decisions": ("text", "context"),
                   "action_items": ("text", "comment"), "issues": ("title", "detail", "evidence"),
                   "talking_points": ("text",), "action_item_updates": ("comment",),
                   "attendance": ("checkin",)}
_WORDS = {"notes": "note", "decisions": "decision", "action_items": "action item",
          "issues": "issue", "talking_points": "talking point",
          "action_item_updates": "action item comment", "attendance": "check-in"}


@dataclass
class Forgotten:
    """What forgetting a person removed (or, on a dry run, would remove)."""

    who: str
    leads: list[tuple[str, str | None]] = field(default_factory=list)  # (external id, name)
    events: int = 0
    engagements: int = 0
    deals_unlinked: int = 0
    mentions: list[str] = field(default_factory=list)   # "note #3", "decision #2"
    backups: int = 0
    dry_run: bool = False


def _lead_ids(conn: sqlite3.Connection, who: str) -> list[int]:
    who = who.strip()
    if "@" in who:
        rows = conn.execute("SELECT id FROM leads WHERE lower(trim(email)) = lower(?) "
                            "ORDER BY id", (who,)).fetchall()
    else:
        rows = conn.execute("SELECT id FROM leads WHERE external_id = ?", (who,)).fetchall()
    if not rows:
        what = "e-mail" if "@" in who else "id"
        raise UserError(f"no lead has the {what} {who!r}; give a lead's id as the export "
                        "named it (e.g. HubSpot's Record ID) or its e-mail")
    return [row[0] for row in rows]


def _mentions(conn: sqlite3.Connection, needles: list[str]) -> list[str]:
    found = []
    needles = [n for n in dict.fromkeys(n.strip() for n in needles if n) if len(n) >= 3]
    if not needles:
        return found
    for table, columns in MENTION_COLUMNS.items():
        tests = " OR ".join(f"instr(lower(coalesce({column}, '')), lower(?))"
                            for column in columns for _ in needles)
        args = [needle for _column in columns for needle in needles]
        key = "rowid" if table != "attendance" else "meeting_id"
        for (key_value,) in conn.execute(f"SELECT {key} FROM {table} WHERE {tests} "
                                         f"ORDER BY {key}", args):
            found.append(f"{_WORDS[table]} #{key_value}" if table != "attendance"
                         else f"check-in in meeting #{key_value}")
    return found


def forget(conn: sqlite3.Connection, who: str, *, dry_run: bool = False,
           store_path: Path | str | None = None) -> Forgotten:
    """Forget the person ``who`` names (see the module docstring); all or nothing."""
    from smarketing_tui.backup import backups_dir

    result = Forgotten(who=who, dry_run=dry_run)
    ids = _lead_ids(conn, who)
    marks = ", ".join("?" * len(ids))
    leads = conn.execute(f"SELECT external_id, name, email FROM leads WHERE id IN ({marks}) "
                         "ORDER BY id", ids).fetchall()
    result.leads = [(external_id, name) for external_id, name, _ in leads]
    result.events = conn.execute(f"SELECT count(*) FROM lead_events WHERE lead_id IN ({marks})",
                                 ids).fetchone()[0]
    result.engagements = conn.execute(
        f"SELECT count(*) FROM engagements WHERE lead_id IN ({marks})", ids).fetchone()[0]
    refs = [value for row in leads for value in (row[0], row[2]) if value]
    ref_marks = ", ".join("?" * len(refs))
    deal_test = (f"lead_id IN ({marks}) OR lead_ref IN ({ref_marks}) "
                 f"OR lower(lead_ref) IN ({', '.join('lower(?)' for _ in refs)})")
    result.deals_unlinked = conn.execute(f"SELECT count(*) FROM deals WHERE {deal_test}",
                                         [*ids, *refs, *refs]).fetchone()[0]
    result.mentions = _mentions(conn, [value for row in leads for value in row])
    if store_path is not None:
        folder = backups_dir(store_path)
        result.backups = len(list(folder.glob("*.db"))) if folder.is_dir() else 0
    if dry_run:
        return result
    secure = conn.execute("PRAGMA secure_delete").fetchone()[0]
    conn.execute("PRAGMA secure_delete = ON")
    try:
        with conn:  # one transaction: all of it or nothing
            conn.execute(f"UPDATE deals SET lead_id = NULL, lead_ref = NULL WHERE {deal_test}",
                         [*ids, *refs, *refs])
            conn.execute(f"DELETE FROM engagements WHERE lead_id IN ({marks})", ids)
            conn.execute(f"DELETE FROM lead_events WHERE lead_id IN ({marks})", ids)
            conn.execute(f"DELETE FROM leads WHERE id IN ({marks})", ids)
    finally:
        conn.execute(f"PRAGMA secure_delete = {int(secure)}")
    # Earlier imports that updated the person's rows left old copies in free pages, which
    # secure_delete does not reach: rewriting the file drops them; then the WAL is emptied.
    conn.execute("VACUUM")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return result
