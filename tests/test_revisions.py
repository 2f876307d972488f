"""Revisions in the domain: the schema-4 migration keeps a store's data; edit, delete and
restore keep who, when and the old value; a deleted record leaves every list."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timezone

import pytest

from smarketing_tui import records, store
from smarketing_tui.errors import UserError


def _meeting(conn) -> int:
    with conn:
        return conn.execute(
            "INSERT INTO meetings (agenda_path, title, cadence, period_label, period_start, "
            "period_end, planned_minutes, status, created_at, started_at) VALUES ('weekly.yaml', "
            "'Weekly', 'weekly', '2026-W47', '2026-11-15T23:00:00Z', '2026-11-22T23:00:00Z', 45, "
            "'ended', '2026-11-23T08:00:00Z', '2026-11-23T08:00:00Z')").lastrowid


def test_a_schema_3_store_migrates_with_its_records(workspace):
    path = workspace.db_path
    path.unlink()
    conn = sqlite3.connect(path)
    for script in store.MIGRATIONS[:3]:
        conn.executescript(script)
    conn.execute("INSERT INTO people (name, team) VALUES ('Kari Nordmann', 'marketing')")
    meeting = _meeting(conn)
    conn.execute("INSERT INTO decisions (meeting_id, text, created_at) VALUES "
                 "(?, 'Keep it', '2026-11-23T08:10:00Z')", (meeting,))
    conn.execute("INSERT INTO notes (meeting_id, text, created_at) VALUES "
                 "(?, 'Said so', '2026-11-23T08:11:00Z')", (meeting,))
    conn.execute("INSERT INTO action_items (meeting_id, text, owner, due, original_due, "
                 "created_at) VALUES (?, 'Do it', 'Kari Nordmann', '2026-11-30', '2026-11-30', "
                 "'2026-11-23T08:12:00Z')", (meeting,))
    conn.execute("INSERT INTO issues (title, raised_at) VALUES ('Old issue', '2026-11-01')")
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()

    db = store.open_store(path, workspace.settings())
    conn = db.conn
    assert conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
    assert [(d.text, d.amended) for d in records.list_decisions(conn, meeting)] == [
        ("Keep it", False)]
    assert [n["text"] for n in records.list_notes(conn, meeting)] == ["Said so"]
    assert [a.text for a in records.list_action_items(conn)] == ["Do it"]
    assert [i.title for i in records.list_issues(conn)] == ["Old issue"]
    assert conn.execute("SELECT COUNT(*) FROM revisions").fetchone() == (0,)
    db.close()


@pytest.fixture
def meeting(db):
    return _meeting(db.conn)


def test_edit_keeps_each_old_value_and_a_no_op_writes_nothing(db, meeting, monkeypatch):
    conn = db.conn
    monkeypatch.setenv("SMARKETING_NOW", "2026-11-23T08:20:00Z")
    issue = records.raise_issue(conn, "Leads wiat", detail="Since Monday")
    monkeypatch.setenv("SMARKETING_NOW", "2026-11-23T08:25:00Z")
    assert records.edit_record(conn, "issue", issue, by="ola hansen", title="Leads wait",
                               detail="Since Monday") == ["title"]
    assert records.edit_record(conn, "issue", issue, by="Ola Hansen", title="Leads wait") == []
    (revision,) = records.get_issue(conn, issue).revisions
    assert revision == records.Revision("edit", "title", "Leads wiat", "Leads wait",
                                        "2026-11-23T08:25:00Z", "Ola Hansen")
    with pytest.raises(UserError, match="an issue has no text to edit; expected title, detail"):
        records.edit_record(conn, "issue", issue, by=None, text="x")


def test_a_deleted_record_leaves_lists_and_cannot_be_edited(db, meeting):
    conn = db.conn
    keep = records.add_note(conn, meeting, "Keep")
    gone = records.add_note(conn, meeting, "Gone")
    point = records.add_talking_point(conn, "weekly.yaml", "A point")
    records.delete_record(conn, "note", gone, by="Kari Nordmann")
    records.delete_record(conn, "talking_point", point, by=None)
    assert [n["id"] for n in records.list_notes(conn, meeting)] == [keep]
    assert records.list_talking_points(conn, agenda="weekly.yaml") == []
    with pytest.raises(UserError, match=f"note #{gone} was deleted; nothing to edit"):
        records.edit_record(conn, "note", gone, by=None, text="x")
    with pytest.raises(UserError, match=f"note #{keep} is not deleted"):
        records.restore_record(conn, "note", keep, by=None)
    with pytest.raises(UserError, match="no note #999"):
        records.delete_record(conn, "note", 999, by=None)
    records.restore_record(conn, "note", gone, by="Kari Nordmann")
    (note,) = [n for n in records.list_notes(conn, meeting) if n["id"] == gone]
    assert [(r.change, r.old, r.new) for r in note["revisions"]] == [
        ("delete", "Gone", None), ("restore", None, "Gone")]
    assert note["amended"] is True


def test_checkin_corrections_are_revisions(db, meeting):
    conn = db.conn
    kari = conn.execute("SELECT id FROM people WHERE name = 'Kari Nordmann'").fetchone()[0]
    with conn:
        conn.execute("INSERT INTO attendance (meeting_id, person_id, checkin, updated_at) "
                     "VALUES (?, ?, 'Fne', '2026-11-23T08:01:00Z')", (meeting, kari))
    assert records.set_checkin(conn, meeting, kari, "Fine", by="facilitator")
    assert not records.set_checkin(conn, meeting, kari, " Fine ", by="facilitator")
    assert records.set_checkin(conn, meeting, kari, "", by="facilitator")
    assert records.set_checkin(conn, meeting, kari, "Fine", by="facilitator")
    found = records.revisions_of(conn, "checkin", [kari], meeting_id=meeting)[kari]
    assert [(r.change, r.old, r.new) for r in found] == [
        ("edit", "Fne", "Fine"), ("delete", "Fine", None), ("restore", None, "Fine")]


def test_a_deleted_action_item_is_left_out_of_the_completion_rate(db, monkeypatch):
    conn = db.conn
    monkeypatch.setenv("SMARKETING_NOW", "2026-11-16T08:00:00Z")
    _meeting(conn)
    done = records.add_action_item(conn, "Done on time", owner=None, due=date(2026, 11, 23))
    records.add_action_item(conn, "Not done", owner=None, due=date(2026, 11, 23))
    mistake = records.add_action_item(conn, "Entered twice", owner=None, due=date(2026, 11, 23))
    monkeypatch.setenv("SMARKETING_NOW", "2026-11-19T08:00:00Z")
    records.complete_action_item(conn, done)
    as_of = datetime(2026, 11, 23, 12, tzinfo=timezone.utc)
    # The window starts with the one meeting (23.11), so items due 23.11 count: 1 of 3 done
    # by then; with the duplicate deleted, 1 of 2.
    rate = records.action_completion_rate(conn, tz="Europe/Oslo", goal=0.9, as_of=as_of)
    assert (rate.done_on_time, rate.total) == (1, 3)
    records.delete_record(conn, "action_item", mistake, by=None)
    rate = records.action_completion_rate(conn, tz="Europe/Oslo", goal=0.9, as_of=as_of)
    assert (rate.done_on_time, rate.total) == (1, 2)
