"""A hand-made, deterministic pair of meetings for the minutes tests (and a check of it).

Meeting 1 (Mon 16.11.2026, 09:00 Oslo) left three action items:
  A1 "Call back the webinar leads"  Ola, due 20.11 -> done in prep on 19.11 (on time)
  A2 "Fix lead routing for Vipps"   Kari, due 20.11 -> carried over to 30.11 in meeting 2
  A3 "Draft the nurture e-mail"     Pål, due 23.11 -> done in meeting 2 on 23.11 (on time)
Between the meetings Ola raised issue I1 in prep; Kari added a talking point.
Meeting 2 (Mon 23.11.2026, 09:00–09:47:30 Oslo, the one rendered) records
attendance (Kari 8, Ola 7, Pål absent), section times, two decisions, two new
action items (B1 Ola due 30.11, B2 Kari due 07.12), issue I2, a note, the snapshot.
"""

from __future__ import annotations

import json
from datetime import date

from smarketing_tui import records

SECTIONS = [  # (title, type, timebox seconds, used seconds)
    ("Check-in", "checkin", 180, 200),
    ("Action review", "action_review", 420, 400),
    ("Marketing activity", "activity", 420, 420),
    ("Sales activity", "activity", 420, 380),
    ("SLA scorecard", "scorecard", 540, 700),
    ("Issues", "issues", 480, 500),
    ("Wrap-up", "wrapup", 240, 250),
]

SNAPSHOT = {
    "schema": "smarketing.scorecard/1",
    "period": {"label": "2026-W47", "start": "2026-11-16", "end": "2026-11-22"},
    "commitments": [
        {"id": "mql_volume", "team": "marketing", "description": "MQLs delivered",
         "metric": "mqls", "target": 40, "comparison": ">=", "unit": "count", "actual": 46,
         "status": "green", "counts": {"mqls": 46}, "pace": None,
         "trend": [{"label": "2026-W44", "actual": 38, "status": "amber"},
                   {"label": "2026-W45", "actual": 41, "status": "green"},
                   {"label": "2026-W46", "actual": 44, "status": "green"},
                   {"label": "2026-W47", "actual": 46, "status": "green"}], "red_streak": 0},
        {"id": "speed_to_lead", "team": "sales", "description": "First contact within 4 business hours",
         "metric": "contacted_within_sla_rate", "target": 0.9, "comparison": ">=", "unit": "share",
         "actual": 0.72, "status": "red", "counts": {"on_time": 33, "total": 46}, "pace": None,
         "trend": [{"label": "2026-W44", "actual": 0.85, "status": "amber"},
                   {"label": "2026-W45", "actual": 0.8, "status": "red"},
                   {"label": "2026-W46", "actual": 0.75, "status": "red"},
                   {"label": "2026-W47", "actual": 0.72, "status": "red"}], "red_streak": 3},
        {"id": "touches", "team": "sales", "description": "Touches per open lead",
         "metric": "touches_per_lead", "target": 3, "comparison": ">=", "unit": "count",
         "actual": None, "status": "no_data", "counts": {}, "pace": None, "trend": [],
         "red_streak": 0},
    ],
    "lead_definition": "Works at a company with 20+ staff & asked for a demo",
    "freshness": {"newest_import": {"source_label": "HubSpot export", "file": "leads.csv",
                                    "finished_at": "2026-11-21T10:00:00Z",
                                    "newest_at": "2026-11-21T09:00:00Z"},
                  "age_days": 1.96, "stale": False},
}

RENDERED_AT = "2026-11-23T12:00:00Z"


def insert_meeting(conn, *, title: str, started_at: str, ended_at: str | None, period_label: str,
                   period_start: str, period_end: str, status: str = "ended",
                   snapshot: dict | None = None, sections=SECTIONS) -> int:
    """A meeting row with its sections, as the meeting screen writes them."""
    with conn:
        cursor = conn.execute(
            "INSERT INTO meetings (agenda_path, title, cadence, period_label, period_start, "
            "period_end, planned_minutes, status, current_section, created_at, started_at, ended_at, "
            "facilitator, scorecard_snapshot) VALUES ('agendas/weekly.yaml', ?, 'weekly', ?, ?, ?, "
            "45, ?, 0, ?, ?, ?, 'Kari Nordmann', ?)",
            (title, period_label, period_start, period_end, status, started_at, started_at,
             ended_at, json.dumps(snapshot) if snapshot else None))
        meeting_id = cursor.lastrowid
        for position, (section_title, kind, timebox, used) in enumerate(sections):
            conn.execute("INSERT INTO meeting_sections (meeting_id, position, title, type, "
                         "timebox_seconds, used_seconds) VALUES (?, ?, ?, ?, ?, ?)",
                         (meeting_id, position, section_title, kind, timebox, used))
    return meeting_id


def _attend(conn, meeting_id: int, name: str, present: bool, rating: int | None) -> None:
    person_id = conn.execute("SELECT id FROM people WHERE name = ?", (name,)).fetchone()[0]
    with conn:
        conn.execute("INSERT INTO attendance (meeting_id, person_id, present, rating, updated_at) "
                     "VALUES (?, ?, ?, ?, '2026-11-23T08:01:00Z')",
                     (meeting_id, person_id, int(present), rating))


def build_meetings(conn, monkeypatch, *, decision_text: str | None = None) -> dict[str, int]:
    """Write both meetings; returns the ids by name. ``decision_text`` replaces D1's text."""
    def at(stamp: str) -> None:
        monkeypatch.setenv("SMARKETING_NOW", stamp)

    ids: dict[str, int] = {}
    ids["m1"] = insert_meeting(conn, title="Weekly smarketing", started_at="2026-11-16T08:00:00Z",
                               ended_at="2026-11-16T08:45:00Z", period_label="2026-W46",
                               period_start="2026-11-08T23:00:00Z", period_end="2026-11-15T23:00:00Z",
                               snapshot=SNAPSHOT)
    at("2026-11-16T08:30:00Z")
    ids["a1"] = records.add_action_item(conn, "Call back the webinar leads", owner="Ola Hansen",
                                        due=date(2026, 11, 20), meeting_id=ids["m1"],
                                        section_position=3, section_title="Sales activity")
    ids["a2"] = records.add_action_item(conn, "Fix lead routing for Vipps", owner="Kari Nordmann",
                                        due=date(2026, 11, 20), meeting_id=ids["m1"])
    ids["a3"] = records.add_action_item(conn, "Draft the nurture e-mail", owner="Pål Sørensen",
                                        due=date(2026, 11, 23), meeting_id=ids["m1"])
    at("2026-11-17T09:00:00Z")
    ids["i1"] = records.raise_issue(conn, "Weekend leads wait until Monday", raised_by="Ola Hansen",
                                    origin="prep", team="sales")
    at("2026-11-19T10:00:00Z")
    records.complete_action_item(conn, ids["a1"], by="Ola Hansen", comment="All 12 called")
    at("2026-11-20T14:00:00Z")
    records.add_talking_point(conn, "weekly.yaml",
                              "Webinar leads convert at half the rate of search — why?",
                              section_type="activity", section_title="Marketing activity",
                              author="Kari Nordmann", metric="mql_to_won_rate")

    m2 = ids["m2"] = insert_meeting(
        conn, title="Weekly smarketing", started_at="2026-11-23T08:00:00Z",
        ended_at="2026-11-23T08:47:30Z", period_label="2026-W47",
        period_start="2026-11-15T23:00:00Z", period_end="2026-11-22T23:00:00Z", snapshot=SNAPSHOT)
    records.claim_talking_points(conn, "weekly.yaml", m2)
    _attend(conn, m2, "Kari Nordmann", True, 8)
    _attend(conn, m2, "Ola Hansen", True, 7)
    _attend(conn, m2, "Pål Sørensen", False, None)
    at("2026-11-23T08:08:00Z")
    records.carry_over_action_item(conn, ids["a2"], date(2026, 11, 30), meeting_id=m2,
                                   comment="Waiting for IT")
    at("2026-11-23T08:10:00Z")
    records.complete_action_item(conn, ids["a3"], meeting_id=m2)
    at("2026-11-23T08:14:00Z")
    ids["b2"] = records.add_action_item(conn, "Report MQL → SQL by campaign", owner="Kari Nordmann",
                                        due=date(2026, 12, 7), meeting_id=m2, section_position=2,
                                        section_title="Marketing activity")
    at("2026-11-23T08:20:00Z")
    ids["n1"] = records.add_note(conn, m2, "Pål is on holiday; Ola covers his leads.\nBack on 30.11.",
                                 section_position=3, section_title="Sales activity")
    at("2026-11-23T08:28:00Z")
    ids["d1"] = records.add_decision(
        conn, m2, decision_text or "Webinar leads are called within 4 business hours",
        section_position=4, section_title="SLA scorecard",
        context={"metric": "contacted_within_sla_rate", "actual": 0.72, "target": 0.9,
                 "unit": "share", "status": "red"})
    at("2026-11-23T08:33:00Z")
    ids["i2"] = records.raise_issue(conn, "Campaign names differ between HubSpot & the CRM",
                                    raised_by="Kari Nordmann", meeting_id=m2)
    at("2026-11-23T08:38:00Z")
    ids["d2"] = records.add_decision(conn, m2, "Route weekend leads to the on-call seller",
                                     section_position=5, section_title="Issues", issue_id=ids["i1"])
    ids["b1"] = records.add_action_item(conn, "Set up an on-call rota for weekends",
                                        owner="Ola Hansen", due=date(2026, 11, 30), meeting_id=m2,
                                        section_position=5, section_title="Issues",
                                        issue_id=ids["i1"], decision_id=ids["d2"])
    at("2026-11-23T08:40:00Z")
    records.solve_issue(conn, ids["i1"], meeting_id=m2, resolution="On-call rota from December")
    at(RENDERED_AT)
    return ids


def test_the_hand_made_meeting_has_what_the_docstring_says(db, monkeypatch):
    ids = build_meetings(db.conn, monkeypatch)
    statuses = {name: records.get_action_item(db.conn, ids[name]).status
                for name in ("a1", "a2", "a3", "b1", "b2")}
    assert statuses == {"a1": "done", "a2": "open", "a3": "done", "b1": "open", "b2": "open"}
    assert records.get_issue(db.conn, ids["i1"]).status == "solved"
