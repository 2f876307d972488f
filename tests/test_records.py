"""Decisions, action items, issues and talking points are written at once and read back."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from smarketing_tui import records
from smarketing_tui.errors import UserError


def _meeting(conn, started_at: str) -> int:
    cur = conn.execute(
        "INSERT INTO meetings (agenda_path, title, cadence, period_label, period_start, period_end, "
        "planned_minutes, created_at, started_at) VALUES ('weekly.yaml', 'Weekly', 'weekly', "
        "'2026-W47', '2026-11-15T23:00:00Z', '2026-11-22T23:00:00Z', 45, ?, ?)",
        (started_at, started_at))
    conn.commit()
    return cur.lastrowid


def test_action_item_owner_is_resolved_through_aliases(db, monkeypatch):
    monkeypatch.setenv("SMARKETING_NOW", "2026-11-23T08:00:00Z")
    item_id = records.add_action_item(db.conn, "Call back webinar leads", owner="o. hansen",
                                      due=date(2026, 11, 30))
    item = records.get_action_item(db.conn, item_id)
    assert (item.owner, item.due, item.original_due, item.status) == (
        "Ola Hansen", "2026-11-30", "2026-11-30", "open")


def test_unknown_owner_is_refused_with_a_clear_message(db):
    with pytest.raises(UserError, match="unknown person 'Nobody'"):
        records.add_action_item(db.conn, "x", owner="Nobody", due=None)
    assert db.conn.execute("SELECT COUNT(*) FROM action_items").fetchone()[0] == 0


def test_carry_over_counts_and_keeps_history(db, monkeypatch):
    monkeypatch.setenv("SMARKETING_NOW", "2026-11-23T08:00:00Z")
    item_id = records.add_action_item(db.conn, "Fix routing", owner="Kari Nordmann",
                                      due=date(2026, 11, 23))
    records.carry_over_action_item(db.conn, item_id, date(2026, 11, 30))
    item = records.carry_over_action_item(db.conn, item_id, date(2026, 12, 7))
    assert (item.due, item.original_due, item.carried_over) == ("2026-12-07", "2026-11-23", 2)
    kinds = [(h["kind"], h["old_due"], h["new_due"]) for h in records.action_history(db.conn, item_id)]
    assert kinds == [("carried", "2026-11-23", "2026-11-30"), ("carried", "2026-11-30", "2026-12-07")]


def test_done_then_reopen_then_drop(db):
    item_id = records.add_action_item(db.conn, "Write brief", owner=None, due=None)
    assert records.complete_action_item(db.conn, item_id).status == "done"
    assert records.reopen_action_item(db.conn, item_id).done_at is None
    dropped = records.drop_action_item(db.conn, item_id, comment="Not needed")
    assert (dropped.status, dropped.comment) == ("dropped", "Not needed")
    with pytest.raises(UserError, match="only open items are carried over"):
        records.carry_over_action_item(db.conn, item_id, date(2026, 12, 1))


def test_completion_rate_counts_late_and_dropped_as_not_done(db, monkeypatch):
    conn = db.conn
    _meeting(conn, "2026-11-09T08:00:00Z")
    # Four items due in the window (from 2026-11-09 to 2026-11-23):
    monkeypatch.setenv("SMARKETING_NOW", "2026-11-09T09:00:00Z")
    on_time = records.add_action_item(conn, "a", owner=None, due=date(2026, 11, 16))
    late = records.add_action_item(conn, "b", owner=None, due=date(2026, 11, 16))
    dropped = records.add_action_item(conn, "c", owner=None, due=date(2026, 11, 16))
    records.add_action_item(conn, "d (still open)", owner=None, due=date(2026, 11, 20))
    records.add_action_item(conn, "e (due after as_of)", owner=None, due=date(2026, 12, 20))
    monkeypatch.setenv("SMARKETING_NOW", "2026-11-16T15:00:00Z")  # 16:00 Oslo, on the due day
    records.complete_action_item(conn, on_time)
    records.drop_action_item(conn, dropped)
    monkeypatch.setenv("SMARKETING_NOW", "2026-11-17T09:00:00Z")  # a day late
    records.complete_action_item(conn, late)
    rate = records.action_completion_rate(
        conn, tz="Europe/Oslo", goal=0.9, as_of=datetime(2026, 11, 23, 12, tzinfo=timezone.utc))
    # 1 of a, b, c, d done by its due date; e is not due yet -> 1/4.
    assert (rate.done_on_time, rate.total, rate.rate, rate.meets_goal) == (1, 4, 0.25, False)


def test_issue_ranking_and_meetings_open(db, monkeypatch):
    conn = db.conn
    monkeypatch.setenv("SMARKETING_NOW", "2026-11-10T08:00:00Z")
    first = records.raise_issue(conn, "Webinar leads convert poorly", raised_by="Ola Hansen",
                                evidence={"metric": "mql_to_won_rate", "actual": 0.02})
    second = records.raise_issue(conn, "Routing delay on weekends")
    _meeting(conn, "2026-11-16T08:00:00Z")
    _meeting(conn, "2026-11-23T08:00:00Z")
    records.set_issue_ranks(conn, [second, first])
    ranked = records.list_issues(conn)
    assert [(i.id, i.rank, i.meetings_open) for i in ranked] == [(second, 1, 2), (first, 2, 2)]
    assert ranked[1].evidence == {"actual": 0.02, "metric": "mql_to_won_rate"}
    monkeypatch.setenv("SMARKETING_NOW", "2026-11-23T08:30:00Z")
    solved = records.solve_issue(conn, first, meeting_id=None, resolution="Nurture first")
    assert (solved.status, solved.rank) == ("solved", None)
    assert [i.id for i in records.list_issues(conn)] == [second]


def test_talking_points_are_claimed_by_the_next_meeting(db):
    conn = db.conn
    records.add_talking_point(conn, "weekly.yaml", "Why do webinar leads convert at half?",
                              section_type="activity", author="Kari Nordmann")
    records.add_talking_point(conn, "monthly.yaml", "Budget for Q1")
    meeting = _meeting(conn, "2026-11-23T08:00:00Z")
    assert records.claim_talking_points(conn, "weekly.yaml", meeting) == 1
    points = records.list_talking_points(conn, meeting_id=meeting)
    assert [(p.text, p.author) for p in points] == [("Why do webinar leads convert at half?",
                                                     "Kari Nordmann")]
    assert len(records.list_talking_points(conn, agenda="monthly.yaml", pending=True)) == 1


def test_empty_text_is_refused(db):
    with pytest.raises(UserError, match="a decision needs some text"):
        records.add_decision(db.conn, 1, "   ")
