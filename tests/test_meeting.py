"""The meeting domain: section clocks, pause/resume, crash recovery, writes, the frozen scorecard."""

from __future__ import annotations

import json
import sqlite3
from datetime import date

import pytest

from smarketing_tui import records
from smarketing_tui.agenda import load_agenda
from smarketing_tui.errors import UserError
from smarketing_tui.meeting import MeetingSession, data_freshness, find_unfinished

from meeting_fixtures import FakeClock, write_small_agenda


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock("2026-11-23T08:00:00Z")  # Monday 09:00 in Oslo


@pytest.fixture
def session(workspace, clock):
    agenda = load_agenda(write_small_agenda(workspace.agendas_dir), workspace.settings())
    meeting = MeetingSession.start(workspace, agenda, clock=clock)
    yield meeting
    meeting.close()


def _sections(workspace, meeting_id):
    conn = sqlite3.connect(workspace.db_path)
    rows = conn.execute("SELECT position, used_seconds, running_since FROM meeting_sections "
                        "WHERE meeting_id = ? ORDER BY position", (meeting_id,)).fetchall()
    conn.close()
    return rows


def test_start_writes_the_meeting_and_its_sections(session, workspace):
    conn = sqlite3.connect(workspace.db_path)
    meeting = conn.execute("SELECT agenda_path, title, cadence, period_label, period_start, "
                           "period_end, planned_minutes, status, started_at FROM meetings").fetchone()
    # Monday 23.11.2026: last week is ISO week 47, Mon 16.11 00:00 Oslo (=15.11 23:00 UTC)
    # to Mon 23.11 00:00 Oslo (=22.11 23:00 UTC).
    assert meeting == ("small.yaml", "Small weekly", "weekly", "2026-W47", "2026-11-15T23:00:00Z",
                       "2026-11-22T23:00:00Z", 10, "running", "2026-11-23T08:00:00Z")
    sections = conn.execute("SELECT position, title, type, timebox_seconds FROM meeting_sections "
                            "ORDER BY position").fetchall()
    assert sections == [(0, "Check-in", "checkin", 120), (1, "Marketing activity", "activity", 180),
                        (2, "Open floor", "discussion", 240)]
    assert _sections(workspace, session.meeting_id)[0] == (0, 0.0, "2026-11-23T08:00:00Z")


def test_each_section_counts_its_own_time_and_the_meeting_its_time_left(session, clock):
    clock.advance(90)            # check-in: 90 s
    session.next_section()
    clock.advance(200)           # marketing: 200 s > 180 s timebox
    assert session.elapsed(0) == 90
    assert session.elapsed(1) == 200
    assert session.is_overrun(1) and not session.is_overrun(0)
    # planned 10 min = 600 s; 600 - (90 + 200) = 310
    assert session.time_left() == 310
    session.previous_section()   # back to check-in for 30 s more: 90 + 30 = 120, not overrun
    clock.advance(30)
    assert session.elapsed(0) == 120 and not session.is_overrun(0)
    assert session.elapsed(1) == 200


def test_pause_stops_every_clock_and_resume_restarts_the_current_one(session, clock, workspace):
    clock.advance(60)
    session.pause()
    clock.advance(600)           # ten paused minutes count nowhere
    assert session.is_paused and session.elapsed(0) == 60
    assert session.status == "paused"
    session.resume_clock()
    clock.advance(15)
    assert session.elapsed(0) == 75
    assert session.status == "running"
    session.next_section()       # switching banks 75 s into check-in
    assert _sections(workspace, session.meeting_id)[:2] == [
        (0, 75.0, None), (1, 0.0, "2026-11-23T08:11:15Z")]  # 08:00 + 60 + 600 + 15 s


def test_moving_while_paused_keeps_the_clock_stopped(session, clock):
    clock.advance(10)
    session.pause()
    session.go_to(2)
    clock.advance(100)
    assert session.is_paused and session.current == 2 and session.elapsed(2) == 0


def test_leave_pauses_and_resume_reopens_where_it_was(session, workspace, clock):
    clock.advance(40)
    session.go_to(1)
    clock.advance(20)
    session.leave()
    session.close()
    assert find_unfinished(sqlite3.connect(workspace.db_path), "small.yaml") == session.meeting_id
    clock.advance(3600)          # an hour away counts nowhere
    again = MeetingSession.resume(workspace, session.meeting_id, clock=clock)
    assert again.current == 1 and again.status == "running"
    assert (again.elapsed(0), again.elapsed(1)) == (40, 20)
    clock.advance(5)
    assert again.elapsed(1) == 25
    again.close()


def test_after_a_crash_time_counts_up_to_the_last_heartbeat_only(session, workspace, clock):
    clock.advance(12)
    session.tick()               # heartbeat: 12 s banked, running_since 08:00:12
    clock.advance(3)             # 3 s after the heartbeat, the process dies (no more writes)
    meeting_id = session.meeting_id
    session.conn.close()
    assert _sections(workspace, meeting_id)[0] == (0, 12.0, "2026-11-23T08:00:12Z")
    clock.advance(1800)          # half an hour before someone resumes
    again = MeetingSession.resume(workspace, meeting_id, clock=clock)
    assert again.elapsed(0) == 12  # not 12 + 3 + 1800
    again.close()


def test_ticks_do_not_drift(session, clock):
    for _ in range(7):           # 7 ticks of 5 s = 35 s exactly
        clock.advance(5)
        session.tick()
    assert session.elapsed(0) == 35


def test_every_record_lands_in_the_store_with_its_section(session, workspace, clock):
    session.go_to(1)
    decision = session.record_decision("Double the webinar budget", context={"mqls": 12})
    item = session.add_action_item("Book the next webinar", "Kari Nordmann", date(2026, 11, 30))
    note = session.add_note("Webinars beat ads this week")
    issue = session.raise_issue("Leads from ads are cold", team="marketing")
    conn = sqlite3.connect(workspace.db_path)
    assert conn.execute("SELECT meeting_id, section_position, section_title, text, context "
                        "FROM decisions WHERE id = ?", (decision,)).fetchone() == (
        session.meeting_id, 1, "Marketing activity", "Double the webinar budget", '{"mqls": 12}')
    assert conn.execute("SELECT meeting_id, section_title, owner, due FROM action_items "
                        "WHERE id = ?", (item,)).fetchone() == (
        session.meeting_id, "Marketing activity", "Kari Nordmann", "2026-11-30")
    assert conn.execute("SELECT section_position, text FROM notes WHERE id = ?",
                        (note,)).fetchone() == (1, "Webinars beat ads this week")
    assert conn.execute("SELECT raised_in_meeting, team, origin, status FROM issues WHERE id = ?",
                        (issue,)).fetchone() == (session.meeting_id, "marketing", "meeting", "open")
    assert session.counts() == {"decisions": 1, "actions": 1, "notes": 1, "issues": 1}
    mine = session.section_records(1)
    assert [d.text for d in mine["decisions"]] == ["Double the webinar budget"]
    assert [a.text for a in mine["actions"]] == ["Book the next webinar"]
    assert session.section_records(0) == {"decisions": [], "actions": [], "notes": []}


def test_attendance_marks_ratings_and_checkins(session):
    assert [(r.name, r.present) for r in session.attendance()] == [
        ("Kari Nordmann", None), ("Ola Hansen", None), ("Pål Sørensen", None)]
    session.set_present("Kari Nordmann", True)
    session.set_present("o. hansen", False)      # an alias finds Ola
    session.set_checkin("Pål Sørensen", "Busy week, three demos")
    session.set_rating("Kari Nordmann", 8)
    rows = {r.name: (r.present, r.rating, r.checkin) for r in session.attendance()}
    assert rows == {"Kari Nordmann": (True, 8, None), "Ola Hansen": (False, None, None),
                    "Pål Sørensen": (True, None, "Busy week, three demos")}
    with pytest.raises(UserError, match="1 to 10"):
        session.set_rating("Kari Nordmann", 11)
    with pytest.raises(UserError, match="unknown person"):
        session.set_present("Nobody", True)


def test_end_freezes_the_scorecard_and_banks_the_time(session, workspace, clock):
    clock.advance(100)
    session.end({"lines": [{"metric": "mqls", "actual": 12, "target": 20, "status": "red"}]})
    conn = sqlite3.connect(workspace.db_path)
    status, ended, snapshot = conn.execute(
        "SELECT status, ended_at, scorecard_snapshot FROM meetings").fetchone()
    assert (status, ended) == ("ended", "2026-11-23T08:01:40Z")
    assert json.loads(snapshot)["lines"][0]["actual"] == 12
    assert _sections(workspace, session.meeting_id)[0] == (0, 100.0, None)
    assert find_unfinished(conn, "small.yaml") is None
    with pytest.raises(UserError, match="ended"):
        session.next_section()
    with pytest.raises(UserError, match="cannot be resumed"):
        MeetingSession.resume(workspace, session.meeting_id, clock=clock)


def test_start_claims_the_agendas_pending_talking_points(workspace, clock):
    conn = sqlite3.connect(workspace.db_path)
    records.add_talking_point(conn, "small.yaml", "Webinar leads convert", author="Kari Nordmann")
    records.add_talking_point(conn, "monthly.yaml", "Budget for Q1")
    agenda = load_agenda(write_small_agenda(workspace.agendas_dir), workspace.settings())
    meeting = MeetingSession.start(workspace, agenda, clock=clock)
    claimed = records.list_talking_points(conn, meeting_id=meeting.meeting_id)
    assert [p.text for p in claimed] == ["Webinar leads convert"]
    meeting.close()


def test_previous_meeting_is_the_one_started_before(workspace, clock):
    agenda = load_agenda(write_small_agenda(workspace.agendas_dir), workspace.settings())
    first = MeetingSession.start(workspace, agenda, clock=clock)
    assert first.previous_meeting_started_at() is None
    first.end()
    clock.advance(7 * 86400)
    second = MeetingSession.start(workspace, agenda, clock=clock)
    assert second.previous_meeting_started_at() == "2026-11-23T08:00:00Z"
    first.close(), second.close()


def test_freshness_warns_when_the_newest_import_is_older_than_the_period(session, workspace):
    conn = sqlite3.connect(workspace.db_path)
    # Period under review ends 2026-11-22T23:00Z; a day's grace puts the line at 21T23:00Z.
    # HubSpot finished before it (stale), Salesforce 13 h before the end (fine), Pipedrive after.
    conn.executemany("INSERT INTO imports (kind, file, source_label, started_at, finished_at) "
                     "VALUES ('leads', 'x.csv', ?, ?, ?)",
                     [("HubSpot export", "2026-11-21T08:00:00Z", "2026-11-21T08:00:00Z"),
                      ("Salesforce export", "2026-11-22T10:00:00Z", "2026-11-22T10:00:00Z"),
                      ("Pipedrive export", "2026-11-23T06:00:00Z", "2026-11-23T06:00:00Z")])
    conn.commit()
    found = {f.source_label: (f.age, f.stale) for f in session.freshness()}
    # now 2026-11-23T08:00Z: HubSpot 48 h = 2 days old, Salesforce 22 h, Pipedrive 2 hours old
    assert found == {"HubSpot export": ("2 days old", True),
                     "Salesforce export": ("22 hours old", False),
                     "Pipedrive export": ("2 hours old", False)}
    # Without a period nothing is stale.
    assert [f.stale for f in data_freshness(conn, None, session.clock())] == [False] * 3


def test_a_tick_while_another_process_holds_the_store_is_kept_for_later(session, workspace,
                                                                        clock):
    clock.advance(10)
    assert session.tick()                                   # saved: 10 s
    other = sqlite3.connect(workspace.db_path, timeout=0)
    other.execute("BEGIN IMMEDIATE")                        # e.g. a long import
    clock.advance(5)
    assert session.tick() is False                          # not saved, not lost
    assert _sections(workspace, session.meeting_id)[0][1] == 10.0
    other.rollback()
    other.close()
    clock.advance(5)
    assert session.tick()                                   # 10 + 5 + 5 = 20 s stored
    assert _sections(workspace, session.meeting_id)[0] == (0, 20.0, "2026-11-23T08:00:20Z")
    assert session.elapsed(0) == 20


def test_points_added_in_prep_during_the_meeting_join_it_not_the_next_one(session, workspace):
    # Another process (a participant prepping) adds a point after the meeting started.
    prep = sqlite3.connect(workspace.db_path)
    records.add_talking_point(prep, "small.yaml", "Late point from prep", author="Ola Hansen")
    assert records.list_talking_points(prep, meeting_id=session.meeting_id) == []
    session.next_section()  # moving on picks it up for the section about to be shown
    assert [p.text for p in records.list_talking_points(prep, meeting_id=session.meeting_id)] == [
        "Late point from prep"]
    records.add_talking_point(prep, "small.yaml", "Added during wrap-up")
    session.end()
    assert records.list_talking_points(prep, agenda="small.yaml", pending=True) == []
    assert len(records.list_talking_points(prep, meeting_id=session.meeting_id)) == 2
    prep.close()
