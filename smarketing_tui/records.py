"""What meetings and prep sessions record: decisions, action items, notes, issues, talking points.

Every function writes through at once (one short transaction each), so nothing
entered is lost if the process dies a moment later. No UI code here: the
meeting screen, the prep screen and the CLI all call these.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, Iterable

from smarketing_tui.errors import UserError
from smarketing_tui.store import resolve_person, retrying_write
from smarketing_tui.timeutil import now_utc, to_local, utc_iso

ACTION_STATUSES = ("open", "done", "dropped")


def _now() -> str:
    return utc_iso(now_utc())


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _person_id(conn: sqlite3.Connection, name: str | None) -> int | None:
    if not name:
        return None
    person_id, _ = resolve_person(conn, name)
    if person_id is None:
        raise UserError(f"unknown person {name!r}; people are listed in smarketing.yaml")
    return person_id


# -- revisions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Revision:
    """One change to a record: an edit of one field, a delete or a restore."""

    change: str  # edit | delete | restore
    field: str | None  # edit: text | owner | due | title | detail
    old: str | None  # edit: the value before; delete: the text deleted
    new: str | None
    at: str  # UTC store form
    by: str | None  # who changed it, as stored


def revisions_of(conn: sqlite3.Connection, kind: str, record_ids: Iterable[int], *,
                 meeting_id: int | None = None) -> dict[int, tuple[Revision, ...]]:
    """The revisions of records of one kind, oldest first, by record id (check-in lines:
    by person id, of ``meeting_id``)."""
    ids = list(dict.fromkeys(record_ids))
    if not ids:
        return {}
    found: dict[int, list[Revision]] = {}
    for start in range(0, len(ids), 500):  # SQLite's limit on variables, with room
        chunk = ids[start:start + 500]
        sql = (f"SELECT record_id, change, field, old_value, new_value, at, by FROM revisions "
               f"WHERE kind = ? AND record_id IN ({', '.join('?' * len(chunk))})")
        args: list = [kind, *chunk]
        if meeting_id is not None:
            sql += " AND meeting_id = ?"
            args.append(meeting_id)
        for row in conn.execute(sql + " ORDER BY at, id", args):
            found.setdefault(row[0], []).append(Revision(*row[1:]))
    return {record_id: tuple(revisions) for record_id, revisions in found.items()}


def _with_revisions(conn: sqlite3.Connection, kind: str, items: list) -> list:
    """Dataclass records with their ``revisions`` filled in."""
    found = revisions_of(conn, kind, (item.id for item in items))
    return [replace(item, revisions=found[item.id]) if item.id in found else item
            for item in items]


def _by(conn: sqlite3.Connection, by: str | None) -> str | None:
    """Who made a change, as stored: a known person's name, else the text as given."""
    if by is None or not str(by).strip():
        return None
    _, name = resolve_person(conn, by)
    return name


def _revise(conn: sqlite3.Connection, kind: str, record_id: int, meeting_id: int | None,
            change: str, *, by: str | None, field: str | None = None,
            old: object = None, new: object = None, during: int | None = None,
            at: str | None = None) -> None:
    conn.execute(
        "INSERT INTO revisions (kind, record_id, meeting_id, change, field, old_value, "
        "new_value, at, by, during_meeting) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (kind, record_id, meeting_id, change, field, None if old is None else str(old),
         None if new is None else str(new), at or _now(), _by(conn, by), during))


# kind -> (table, the text column a delete keeps in its revision, fields an edit may change)
_EDITABLE = {
    "decision": ("decisions", "text", ("text",)),
    "action_item": ("action_items", "text", ("text", "owner", "due")),
    "note": ("notes", "text", ("text",)),
    "issue": ("issues", "title", ("title", "detail")),
    "talking_point": ("talking_points", "text", ("text",)),
}
KIND_WORDS = {"decision": "decision", "action_item": "action item", "note": "note",
              "issue": "issue", "talking_point": "talking point", "checkin": "check-in line"}


def _a(kind: str) -> str:
    """``a decision``, ``an issue``."""
    word = KIND_WORDS[kind]
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"


def _record_row(conn: sqlite3.Connection, kind: str, record_id: int) -> dict:
    table, _, fields = _EDITABLE[kind]
    meeting = "raised_in_meeting" if kind == "issue" else "meeting_id"
    extra = ", owner_id, original_due" if kind == "action_item" else ""
    row = conn.execute(f"SELECT {', '.join(fields)}, {meeting}, deleted_at{extra} FROM {table} "
                       "WHERE id = ?", (record_id,)).fetchone()
    if row is None:
        raise UserError(f"no {KIND_WORDS[kind]} #{record_id}")
    keys = (*fields, "meeting_id", "deleted_at") + (("owner_id", "original_due") if extra else ())
    return dict(zip(keys, row))


@retrying_write
def edit_record(conn: sqlite3.Connection, kind: str, record_id: int, *, by: str | None,
                during: int | None = None, **changes: object) -> list[str]:
    """Change fields of a decision, action item, note, issue or talking point, keeping
    each old value as a revision; returns the fields that changed (none: nothing written).

    An action item's ``owner`` is a person's name or alias and ``due`` a date (or None);
    while an item was never carried over, its original due date is corrected with it (a
    typo fixed, not a promise moved). A deleted record cannot be edited."""
    table, _, fields = _EDITABLE[kind]
    unknown = set(changes) - set(fields)
    if unknown:
        raise UserError(f"{_a(kind)} has no {', '.join(sorted(unknown))} to edit; "
                        f"expected {', '.join(fields)}")
    row = _record_row(conn, kind, record_id)
    if row["deleted_at"]:
        raise UserError(f"{KIND_WORDS[kind]} #{record_id} was deleted; nothing to edit")
    sets: dict[str, object] = {}
    revised: list[tuple[str, object, object]] = []
    for name, value in changes.items():
        if name in ("text", "title"):
            value = _required_text(str(value or ""), _a(kind))
        elif name == "detail":
            value = (str(value or "")).strip() or None
        elif name == "owner":
            owner_id = _person_id(conn, value) if value else None
            value = None if owner_id is None else conn.execute(
                "SELECT name FROM people WHERE id = ?", (owner_id,)).fetchone()[0]
            if value != row["owner"]:
                sets["owner_id"] = owner_id
        elif name == "due":
            value = value.isoformat() if isinstance(value, date) else (value or None)
            if value != row["due"] and row["original_due"] == row["due"]:
                sets["original_due"] = value
        if value != row[name]:
            sets[name] = value
            revised.append((name, row[name], value))
    if not revised:
        return []
    now = _now()
    with conn:
        assignments = ", ".join(f"{column} = ?" for column in sets)
        conn.execute(f"UPDATE {table} SET {assignments} WHERE id = ?",
                     (*sets.values(), record_id))
        for name, old, new in revised:
            _revise(conn, kind, record_id, row["meeting_id"], "edit", by=by, field=name,
                    old=old, new=new, during=during, at=now)
    return [name for name, _, _ in revised]


@retrying_write
def delete_record(conn: sqlite3.Connection, kind: str, record_id: int, *, by: str | None,
                  during: int | None = None) -> None:
    """Delete a record softly: it leaves every list, log and the minutes; its text stays in
    a revision and :func:`restore_record` brings it back."""
    table, text_column, _ = _EDITABLE[kind]
    row = _record_row(conn, kind, record_id)
    if row["deleted_at"]:
        raise UserError(f"{KIND_WORDS[kind]} #{record_id} is already deleted")
    now = _now()
    with conn:
        conn.execute(f"UPDATE {table} SET deleted_at = ? WHERE id = ?", (now, record_id))
        _revise(conn, kind, record_id, row["meeting_id"], "delete", by=by,
                old=row[text_column], during=during, at=now)


@retrying_write
def restore_record(conn: sqlite3.Connection, kind: str, record_id: int, *, by: str | None,
                   during: int | None = None) -> None:
    """Undo a delete (the revisions keep both the delete and the restore)."""
    table, text_column, _ = _EDITABLE[kind]
    row = _record_row(conn, kind, record_id)
    if not row["deleted_at"]:
        raise UserError(f"{KIND_WORDS[kind]} #{record_id} is not deleted")
    with conn:
        conn.execute(f"UPDATE {table} SET deleted_at = NULL WHERE id = ?", (record_id,))
        _revise(conn, kind, record_id, row["meeting_id"], "restore", by=by,
                new=row[text_column], during=during)


def is_deleted(conn: sqlite3.Connection, kind: str, record_id: int) -> bool:
    """Whether a record exists and was deleted (a UserError when there is no such record)."""
    return bool(_record_row(conn, kind, record_id)["deleted_at"])


@retrying_write
def set_checkin(conn: sqlite3.Connection, meeting_id: int, person_id: int, text: str | None, *,
                by: str | None, during: int | None = None) -> bool:
    """Correct (or with None/blank, delete) a person's check-in line in a meeting, keeping
    the old words as a revision; returns whether anything changed."""
    row = conn.execute("SELECT checkin FROM attendance WHERE meeting_id = ? AND person_id = ?",
                       (meeting_id, person_id)).fetchone()
    old = row[0] if row else None
    new = (text or "").strip() or None
    if new == old:
        return False
    if row is None:
        raise UserError("that person has no check-in line in this meeting")
    now = _now()
    with conn:
        conn.execute("UPDATE attendance SET checkin = ?, updated_at = ? WHERE meeting_id = ? "
                     "AND person_id = ?", (new, now, meeting_id, person_id))
        if new is None:
            _revise(conn, "checkin", person_id, meeting_id, "delete", by=by, old=old,
                    during=during, at=now)
        elif old is None:
            _revise(conn, "checkin", person_id, meeting_id, "restore", by=by, new=new,
                    during=during, at=now)
        else:
            _revise(conn, "checkin", person_id, meeting_id, "edit", by=by, field="text",
                    old=old, new=new, during=during, at=now)
    return True


# -- decisions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    id: int
    meeting_id: int
    section_title: str | None
    text: str
    created_at: str
    context: dict | None
    issue_id: int | None
    revisions: tuple[Revision, ...] = ()

    @property
    def amended(self) -> bool:
        """Whether it was changed after it was recorded (its revisions say how)."""
        return bool(self.revisions)


@retrying_write
def add_decision(conn: sqlite3.Connection, meeting_id: int, text: str, *,
                 section_position: int | None = None, section_title: str | None = None,
                 issue_id: int | None = None, context: dict | None = None) -> int:
    """Record a decision; ``context`` holds the numbers on screen when it was taken."""
    text = _required_text(text, "a decision")
    with conn:
        cursor = conn.execute(
            "INSERT INTO decisions (meeting_id, section_position, section_title, text, issue_id, "
            "context, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (meeting_id, section_position, section_title, text, issue_id, _json(context), _now()))
    return cursor.lastrowid


def list_decisions(conn: sqlite3.Connection, meeting_id: int | None = None) -> list[Decision]:
    """Decisions of one meeting, or of all meetings, oldest first."""
    sql = ("SELECT id, meeting_id, section_title, text, created_at, context, issue_id "
           "FROM decisions WHERE deleted_at IS NULL")
    args: tuple = ()
    if meeting_id is not None:
        sql += " AND meeting_id = ?"
        args = (meeting_id,)
    rows = conn.execute(sql + " ORDER BY created_at, id", args).fetchall()
    return _with_revisions(conn, "decision", [
        Decision(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]) if r[5] else None, r[6])
        for r in rows])


def get_decision(conn: sqlite3.Connection, decision_id: int) -> Decision:
    """One decision by id (deleted ones too), or a UserError saying it does not exist."""
    r = conn.execute("SELECT id, meeting_id, section_title, text, created_at, context, issue_id "
                     "FROM decisions WHERE id = ?", (decision_id,)).fetchone()
    if r is None:
        raise UserError(f"no decision #{decision_id}")
    return _with_revisions(conn, "decision", [
        Decision(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]) if r[5] else None, r[6])])[0]


@dataclass(frozen=True)
class DecisionLogEntry:
    """A decision with the meeting it was taken in (for the decision log)."""

    decision: Decision
    section_position: int | None
    meeting_title: str
    meeting_cadence: str
    meeting_started_at: str  # started_at, else created_at (UTC store form)
    issue_title: str | None


def decision_log(conn: sqlite3.Connection, *, search: str | None = None,
                 since: str | None = None) -> list[DecisionLogEntry]:
    """Decisions across all meetings, oldest first.

    ``search`` matches case-insensitively (Unicode-aware, so "Æ" finds "æ") in the
    decision text, its section, its meeting title, its linked issue and the numbers
    of its context; ``since`` (a UTC store timestamp) keeps decisions taken from then on.
    """
    sql = ("SELECT d.id, d.meeting_id, d.section_title, d.text, d.created_at, d.context, "
           "d.issue_id, d.section_position, m.title, m.cadence, "
           "COALESCE(m.started_at, m.created_at), i.title "
           "FROM decisions d JOIN meetings m ON m.id = d.meeting_id "
           "LEFT JOIN issues i ON i.id = d.issue_id WHERE d.deleted_at IS NULL")
    args: tuple = ()
    if since is not None:
        sql += " AND d.created_at >= ?"
        args = (since,)
    rows = conn.execute(sql + " ORDER BY d.created_at, d.id", args).fetchall()
    decisions = _with_revisions(conn, "decision", [
        Decision(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]) if r[5] else None, r[6])
        for r in rows])
    entries = [DecisionLogEntry(decision, r[7], r[8], r[9], r[10], r[11])
               for decision, r in zip(decisions, rows)]
    if search:
        wanted = search.casefold()
        entries = [e for e in entries if wanted in " ".join(
            str(part) for part in (e.decision.text, e.decision.section_title, e.meeting_title,
                                   e.issue_title, _json(e.decision.context)) if part).casefold()]
    return entries


# -- action items ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionItem:
    id: int
    text: str
    owner: str | None
    owner_id: int | None
    due: str | None
    original_due: str | None
    status: str
    carried_over: int
    meeting_id: int | None
    section_title: str | None
    created_at: str
    done_at: str | None
    dropped_at: str | None
    comment: str | None
    issue_id: int | None
    revisions: tuple[Revision, ...] = ()

    @property
    def amended(self) -> bool:
        """Whether its text, owner or due date was corrected after it was recorded."""
        return bool(self.revisions)

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due is not None and self.due < today.isoformat()


_ACTION_COLUMNS = ("id, text, owner, owner_id, due, original_due, status, carried_over, meeting_id, "
                   "section_title, created_at, done_at, dropped_at, comment, issue_id")


@retrying_write
def add_action_item(conn: sqlite3.Connection, text: str, *, owner: str | None, due: date | None,
                    meeting_id: int | None = None, section_position: int | None = None,
                    section_title: str | None = None, issue_id: int | None = None,
                    decision_id: int | None = None) -> int:
    """Record an action item; ``owner`` is a person's name or alias from smarketing.yaml."""
    text = _required_text(text, "an action item")
    owner_id = _person_id(conn, owner)
    owner_name = None
    if owner_id is not None:
        owner_name = conn.execute("SELECT name FROM people WHERE id = ?", (owner_id,)).fetchone()[0]
    due_text = due.isoformat() if due else None
    with conn:
        cursor = conn.execute(
            "INSERT INTO action_items (meeting_id, section_position, section_title, text, owner_id, "
            "owner, due, original_due, issue_id, decision_id, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (meeting_id, section_position, section_title, text, owner_id, owner_name, due_text,
             due_text, issue_id, decision_id, _now()))
    return cursor.lastrowid


def get_action_item(conn: sqlite3.Connection, item_id: int, *,
                    deleted: bool = False) -> ActionItem:
    """One action item by id, or a UserError saying it does not exist (a deleted item
    counts as gone unless ``deleted``)."""
    row = conn.execute(f"SELECT {_ACTION_COLUMNS} FROM action_items WHERE id = ?"
                       + ("" if deleted else " AND deleted_at IS NULL"), (item_id,)).fetchone()
    if row is None:
        raise UserError(f"no action item #{item_id}")
    return _with_revisions(conn, "action_item", [ActionItem(*row)])[0]


def list_action_items(conn: sqlite3.Connection, *, status: str | None = "open",
                      owner: str | None = None, meeting_id: int | None = None) -> list[ActionItem]:
    """Action items filtered by status (None = all), owner and creating meeting; by due date."""
    clauses, args = ["deleted_at IS NULL"], []
    if status is not None:
        clauses.append("status = ?")
        args.append(status)
    if owner is not None:
        clauses.append("owner_id = ?")
        args.append(_person_id(conn, owner))
    if meeting_id is not None:
        clauses.append("meeting_id = ?")
        args.append(meeting_id)
    where = f" WHERE {' AND '.join(clauses)}"
    rows = conn.execute(f"SELECT {_ACTION_COLUMNS} FROM action_items{where} "
                        "ORDER BY due IS NULL, due, id", args).fetchall()
    return _with_revisions(conn, "action_item", [ActionItem(*row) for row in rows])


@retrying_write
def _update_action(conn: sqlite3.Connection, item_id: int, kind: str, *, sets: str, values: tuple,
                   meeting_id: int | None, by: str | None, comment: str | None,
                   old_due: str | None = None, new_due: str | None = None) -> None:
    by_id = _person_id(conn, by)
    now = _now()
    with conn:
        conn.execute(f"UPDATE action_items SET {sets} WHERE id = ?", (*values, item_id))
        conn.execute(
            "INSERT INTO action_item_updates (action_item_id, meeting_id, kind, at, by_person, "
            "old_due, new_due, comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (item_id, meeting_id, kind, now, by_id, old_due, new_due, comment))


def complete_action_item(conn: sqlite3.Connection, item_id: int, *, meeting_id: int | None = None,
                         by: str | None = None, comment: str | None = None) -> ActionItem:
    """Mark an item done (idempotent for items already done)."""
    item = get_action_item(conn, item_id)
    if item.status == "done":
        return item
    _update_action(conn, item_id, "done", sets="status='done', done_at=?, dropped_at=NULL"
                   + (", comment=?" if comment else ""),
                   values=(_now(), comment) if comment else (_now(),),
                   meeting_id=meeting_id, by=by, comment=comment)
    return get_action_item(conn, item_id)


def drop_action_item(conn: sqlite3.Connection, item_id: int, *, meeting_id: int | None = None,
                     by: str | None = None, comment: str | None = None) -> ActionItem:
    """Drop an item: no longer worth doing. It stays in the history."""
    item = get_action_item(conn, item_id)
    if item.status == "dropped":
        return item
    _update_action(conn, item_id, "dropped", sets="status='dropped', dropped_at=?, done_at=NULL"
                   + (", comment=?" if comment else ""),
                   values=(_now(), comment) if comment else (_now(),),
                   meeting_id=meeting_id, by=by, comment=comment)
    return get_action_item(conn, item_id)


def reopen_action_item(conn: sqlite3.Connection, item_id: int, *, meeting_id: int | None = None,
                       by: str | None = None) -> ActionItem:
    """Undo done/dropped (a slip of the key during action review)."""
    item = get_action_item(conn, item_id)
    if item.status == "open":
        return item
    _update_action(conn, item_id, "reopened", sets="status='open', done_at=NULL, dropped_at=NULL",
                   values=(), meeting_id=meeting_id, by=by, comment=None)
    return get_action_item(conn, item_id)


def carry_over_action_item(conn: sqlite3.Connection, item_id: int, new_due: date, *,
                           meeting_id: int | None = None, by: str | None = None,
                           comment: str | None = None) -> ActionItem:
    """Not done: keep it open with a new due date and count the carry-over."""
    item = get_action_item(conn, item_id)
    if item.status != "open":
        raise UserError(f"action item #{item_id} is {item.status}; only open items are carried over")
    _update_action(conn, item_id, "carried",
                   sets="due=?, carried_over=carried_over+1", values=(new_due.isoformat(),),
                   meeting_id=meeting_id, by=by, comment=comment, old_due=item.due,
                   new_due=new_due.isoformat())
    return get_action_item(conn, item_id)


def comment_action_item(conn: sqlite3.Connection, item_id: int, comment: str, *,
                        by: str | None = None) -> ActionItem:
    """Attach a progress comment (e.g. from prep) without changing the status."""
    comment = _required_text(comment, "a comment")
    get_action_item(conn, item_id)
    _update_action(conn, item_id, "comment", sets="comment=?", values=(comment,),
                   meeting_id=None, by=by, comment=comment)
    return get_action_item(conn, item_id)


def action_history(conn: sqlite3.Connection, item_id: int) -> list[dict]:
    """Every update of an item, oldest first."""
    rows = conn.execute(
        "SELECT u.kind, u.at, p.name, u.old_due, u.new_due, u.comment, u.meeting_id "
        "FROM action_item_updates u LEFT JOIN people p ON p.id = u.by_person "
        "WHERE u.action_item_id = ? ORDER BY u.at, u.id", (item_id,)).fetchall()
    keys = ("kind", "at", "by", "old_due", "new_due", "comment", "meeting_id")
    return [dict(zip(keys, row)) for row in rows]


def due_for_review(conn: sqlite3.Connection, since: str | None, until: date) -> list[ActionItem]:
    """Items for a meeting's action review: open items due by ``until`` and items created
    or closed since the last meeting (``since``, a stored timestamp)."""
    items = list_action_items(conn, status=None)
    result = []
    for item in items:
        closed_at = item.done_at or item.dropped_at
        if item.is_open and (item.due is None or item.due <= until.isoformat()):
            result.append(item)
        elif since is not None and closed_at is not None and closed_at >= since:
            result.append(item)
    return result


@dataclass(frozen=True)
class CompletionRate:
    done_on_time: int
    total: int
    goal: float

    @property
    def rate(self) -> float | None:
        return self.done_on_time / self.total if self.total else None

    @property
    def meets_goal(self) -> bool | None:
        return None if self.rate is None else self.rate >= self.goal


def action_completion_rate(conn: sqlite3.Connection, *, tz: str, goal: float,
                           as_of: datetime | None = None, meetings: int = 4) -> CompletionRate:
    """Share of action items done by their original due date.

    Counted over items whose original due date falls from the start of the
    ``meetings``-th most recent meeting up to ``as_of`` (default now). Dropped
    and carried-over items count as not done on time, so dropping cannot game it.
    """
    as_of = as_of or now_utc()
    starts = conn.execute(
        "SELECT COALESCE(started_at, created_at) FROM meetings WHERE COALESCE(started_at, created_at) <= ? "
        "ORDER BY COALESCE(started_at, created_at) DESC LIMIT ?", (utc_iso(as_of), meetings)).fetchall()
    if not starts:
        return CompletionRate(0, 0, goal)
    window_start = to_local(starts[-1][0], tz).date().isoformat()
    today = to_local(as_of, tz).date().isoformat()
    rows = conn.execute(
        "SELECT status, done_at, original_due FROM action_items "
        "WHERE original_due >= ? AND original_due <= ? AND deleted_at IS NULL",
        (window_start, today)).fetchall()
    on_time = sum(1 for status, done_at, due in rows
                  if status == "done" and done_at and to_local(done_at, tz).date().isoformat() <= due)
    return CompletionRate(on_time, len(rows), goal)


# -- notes ----------------------------------------------------------------------------------


@retrying_write
def add_note(conn: sqlite3.Connection, meeting_id: int, text: str, *,
             section_position: int | None = None, section_title: str | None = None) -> int:
    """Record a free-text note in a meeting section."""
    text = _required_text(text, "a note")
    with conn:
        cursor = conn.execute(
            "INSERT INTO notes (meeting_id, section_position, section_title, text, created_at) "
            "VALUES (?, ?, ?, ?, ?)", (meeting_id, section_position, section_title, text, _now()))
    return cursor.lastrowid


def list_notes(conn: sqlite3.Connection, meeting_id: int) -> list[dict]:
    """Notes of a meeting, oldest first; each with ``revisions`` and ``amended``."""
    rows = conn.execute("SELECT id, section_position, section_title, text, created_at FROM notes "
                        "WHERE meeting_id = ? AND deleted_at IS NULL ORDER BY created_at, id",
                        (meeting_id,)).fetchall()
    keys = ("id", "section_position", "section_title", "text", "created_at")
    notes = [dict(zip(keys, row)) for row in rows]
    found = revisions_of(conn, "note", (note["id"] for note in notes))
    for note in notes:
        note["revisions"] = list(found.get(note["id"], ()))
        note["amended"] = bool(note["revisions"])
    return notes


# -- issues ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Issue:
    id: int
    title: str
    detail: str | None
    team: str | None
    raised_by: str | None
    raised_at: str
    origin: str
    evidence: dict | None
    status: str
    rank: int | None
    solved_at: str | None
    resolution: str | None
    meetings_open: int  # meetings held since it was raised (while open)
    revisions: tuple[Revision, ...] = ()

    @property
    def amended(self) -> bool:
        return bool(self.revisions)


@retrying_write
def raise_issue(conn: sqlite3.Connection, title: str, *, detail: str | None = None,
                team: str | None = None, raised_by: str | None = None,
                meeting_id: int | None = None, origin: str = "meeting",
                evidence: dict | None = None) -> int:
    """Put an issue on the list; ``evidence`` holds numbers attached (e.g. a red SLA line)."""
    title = _required_text(title, "an issue")
    with conn:
        cursor = conn.execute(
            "INSERT INTO issues (title, detail, team, raised_by, raised_at, raised_in_meeting, origin, "
            "evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (title, detail, team, _person_id(conn, raised_by), _now(), meeting_id, origin,
             _json(evidence)))
    return cursor.lastrowid


_ISSUE_SELECT = """
SELECT i.id, i.title, i.detail, i.team, p.name, i.raised_at, i.origin, i.evidence, i.status, i.rank,
       i.solved_at, i.resolution,
       (SELECT COUNT(*) FROM meetings m
         WHERE COALESCE(m.started_at, m.created_at) >= i.raised_at
           AND (i.solved_at IS NULL OR COALESCE(m.started_at, m.created_at) <= i.solved_at)
           OR m.id = i.raised_in_meeting)
FROM issues i LEFT JOIN people p ON p.id = i.raised_by
"""


def _issue(row: tuple) -> Issue:
    values = list(row)
    values[7] = json.loads(values[7]) if values[7] else None
    return Issue(*values)


def get_issue(conn: sqlite3.Connection, issue_id: int) -> Issue:
    """One issue by id, or a UserError."""
    row = conn.execute(_ISSUE_SELECT + " WHERE i.id = ? AND i.deleted_at IS NULL",
                       (issue_id,)).fetchone()
    if row is None:
        raise UserError(f"no issue #{issue_id}")
    return _with_revisions(conn, "issue", [_issue(row)])[0]


def list_issues(conn: sqlite3.Connection, status: str | None = "open") -> list[Issue]:
    """Issues ranked first (by rank), then unranked oldest first."""
    where = " WHERE i.deleted_at IS NULL" + (" AND i.status = ?" if status else "")
    rows = conn.execute(_ISSUE_SELECT + where + " ORDER BY i.rank IS NULL, i.rank, i.raised_at, i.id",
                        (status,) if status else ()).fetchall()
    return _with_revisions(conn, "issue", [_issue(row) for row in rows])


@retrying_write
def keep_issue_open(conn: sqlite3.Connection, issue_id: int, meeting_id: int) -> None:
    """Note that a meeting discussed an issue and kept it open (the issues section's 'k')."""
    get_issue(conn, issue_id)
    with conn:
        conn.execute("INSERT OR IGNORE INTO issues_kept_open (issue_id, meeting_id, at) "
                     "VALUES (?, ?, ?)", (issue_id, meeting_id, _now()))


def kept_open(conn: sqlite3.Connection, meeting_id: int) -> set[int]:
    """The issues a meeting kept open."""
    return {row[0] for row in conn.execute(
        "SELECT issue_id FROM issues_kept_open WHERE meeting_id = ?", (meeting_id,))}


@retrying_write
def set_issue_ranks(conn: sqlite3.Connection, ordered_ids: Iterable[int]) -> None:
    """Rank issues 1, 2, 3... in the given order; open issues not listed lose their rank."""
    ordered = list(ordered_ids)
    with conn:
        conn.execute("UPDATE issues SET rank = NULL WHERE status = 'open'")
        for rank, issue_id in enumerate(ordered, start=1):
            conn.execute("UPDATE issues SET rank = ? WHERE id = ?", (rank, issue_id))


@retrying_write
def solve_issue(conn: sqlite3.Connection, issue_id: int, *, meeting_id: int | None,
                resolution: str | None = None) -> Issue:
    """Mark an issue solved (its decisions and action items link to it by issue_id)."""
    get_issue(conn, issue_id)
    with conn:
        conn.execute("UPDATE issues SET status='solved', solved_at=?, solved_in_meeting=?, "
                     "resolution=?, rank=NULL WHERE id=?", (_now(), meeting_id, resolution, issue_id))
    return get_issue(conn, issue_id)


@retrying_write
def drop_issue(conn: sqlite3.Connection, issue_id: int, *, meeting_id: int | None = None,
               resolution: str | None = None) -> Issue:
    """Take an issue off the list without solving it."""
    get_issue(conn, issue_id)
    with conn:
        conn.execute("UPDATE issues SET status='dropped', solved_at=?, solved_in_meeting=?, "
                     "resolution=?, rank=NULL WHERE id=?", (_now(), meeting_id, resolution, issue_id))
    return get_issue(conn, issue_id)


# -- talking points -------------------------------------------------------------------------


@dataclass(frozen=True)
class TalkingPoint:
    id: int
    agenda: str
    section_type: str | None
    section_title: str | None
    text: str
    author: str | None
    metric: str | None
    issue_id: int | None
    created_at: str
    meeting_id: int | None
    revisions: tuple[Revision, ...] = ()

    @property
    def amended(self) -> bool:
        return bool(self.revisions)


@retrying_write
def add_talking_point(conn: sqlite3.Connection, agenda: str, text: str, *,
                      section_type: str | None = None, section_title: str | None = None,
                      author: str | None = None, metric: str | None = None,
                      issue_id: int | None = None) -> int:
    """Add a point to a section of the next meeting of ``agenda`` (its file name)."""
    text = _required_text(text, "a talking point")
    with conn:
        cursor = conn.execute(
            "INSERT INTO talking_points (agenda, section_type, section_title, text, author_id, metric, "
            "issue_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (agenda, section_type, section_title, text, _person_id(conn, author), metric, issue_id,
             _now()))
    return cursor.lastrowid


def list_talking_points(conn: sqlite3.Connection, *, agenda: str | None = None,
                        meeting_id: int | None = None, pending: bool = False) -> list[TalkingPoint]:
    """Talking points of an agenda's next meeting (``pending``) or taken up by a meeting."""
    clauses, args = ["t.deleted_at IS NULL"], []
    if agenda is not None:
        clauses.append("t.agenda = ?")
        args.append(agenda)
    if pending:
        clauses.append("t.meeting_id IS NULL")
    if meeting_id is not None:
        clauses.append("t.meeting_id = ?")
        args.append(meeting_id)
    where = f" WHERE {' AND '.join(clauses)}"
    rows = conn.execute(
        "SELECT t.id, t.agenda, t.section_type, t.section_title, t.text, p.name, t.metric, t.issue_id, "
        f"t.created_at, t.meeting_id FROM talking_points t LEFT JOIN people p ON p.id = t.author_id"
        f"{where} ORDER BY t.created_at, t.id", args).fetchall()
    return _with_revisions(conn, "talking_point", [TalkingPoint(*row) for row in rows])


@retrying_write
def claim_talking_points(conn: sqlite3.Connection, agenda: str, meeting_id: int) -> int:
    """Attach an agenda's pending talking points to a meeting; returns how many."""
    with conn:
        cursor = conn.execute("UPDATE talking_points SET meeting_id = ? WHERE agenda = ? AND "
                              "meeting_id IS NULL", (meeting_id, agenda))
    return cursor.rowcount


def default_due(today: date) -> date:
    """Default due date of a new action item: one week ahead."""
    return today + timedelta(days=7)


def _required_text(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise UserError(f"{what} needs some text")
    return text
