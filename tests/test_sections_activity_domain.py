"""activity.py: each team's week on a tiny hand-made store, every number worked out by hand.

Week under review: 2026-W47, Monday 16.11 to Sunday 22.11.2026 in Europe/Oslo (UTC+1),
so [2026-11-15T23:00Z, 2026-11-22T23:00Z). The week before, W46, is 09.11-15.11.
"""

from __future__ import annotations

from smarketing_tui.activity import (ActivitySummary, LoggedActivity, marketing_week, sales_week,
                                     summarize_activities)
from smarketing_tui.periods import parse_period
from smarketing_tui.timeutil import parse_utc

AS_OF = parse_utc("2026-11-23T08:00:00Z")


def _lead(conn, ext, source, mql_at, owner=None, campaign=None, **extra):
    pid = (conn.execute("SELECT id FROM people WHERE name = ?", (owner,)).fetchone()
           if owner else None)
    columns = {"external_id": ext, "name": f"Lead {ext}", "source": source, "mql_at": mql_at,
               "created_at": mql_at, "owner": owner, "owner_id": pid[0] if pid else None,
               "campaign": campaign, **extra}
    cur = conn.execute(f"INSERT INTO leads ({', '.join(columns)}) VALUES "
                       f"({', '.join('?' for _ in columns)})", tuple(columns.values()))
    return cur.lastrowid


def _event(conn, lead_id, type_, at, person, outcome=None):
    pid = conn.execute("SELECT id FROM people WHERE name = ?", (person,)).fetchone()
    conn.execute("INSERT INTO lead_events (lead_id, type, outcome, at, person, person_id) "
                 "VALUES (?, ?, ?, ?, ?, ?)", (lead_id, type_, outcome, at, person,
                                                pid[0] if pid else None))


def _seed(conn):
    l1 = _lead(conn, "L1", "webinar", "2026-11-16T09:00:00Z", "Ola Hansen", "Webinar Nov",
               meeting_at="2026-11-18T10:00:00Z")
    _event(conn, l1, "call", "2026-11-16T10:00:00Z", "Ola Hansen", "attempted")
    _event(conn, l1, "email", "2026-11-17T09:00:00Z", "Ola Hansen")
    _event(conn, l1, "note", "2026-11-17T10:00:00Z", "Ola Hansen")          # not a touch
    l2 = _lead(conn, "L2", "webinar", "2026-11-17T12:00:00Z", "Pål Sørensen", "Webinar Nov",
               won_at="2026-11-20T12:00:00Z", amount=50000)
    _event(conn, l2, "call", "2026-11-18T08:00:00Z", "Pål Sørensen", "connected")
    l3 = _lead(conn, "L3", "ads", "2026-11-10T09:00:00Z", "Ola Hansen",
               lost_at="2026-11-19T12:00:00Z", amount=20000, lost_reason="Price")
    _event(conn, l3, "call", "2026-11-10T10:00:00Z", "Ola Hansen")  # first contact in W46
    _event(conn, l3, "call", "2026-11-16T09:30:00Z", "Ola Hansen")  # a touch in W47, not first
    _lead(conn, "L4", "ads", "2026-11-11T09:00:00Z")
    l5 = _lead(conn, "L5", None, "2026-11-19T09:00:00Z")
    _event(conn, l5, "email", "2026-11-19T10:00:00Z", "ext-rep")     # someone not in the yaml
    _lead(conn, "L6", "webinar", "2026-11-12T09:00:00Z")
    for name, channel, source, starts, ends, spend in (
            ("Webinar Nov", "webinar", "webinar", "2026-11-09", "2026-11-22", 14000),
            ("Old", "email", "newsletter", "2026-10-01", "2026-10-31", 5000),
            ("Ads Q4", "ads", "ads", "2026-11-20", "2026-11-29", 10000)):
        conn.execute("INSERT INTO campaigns (name, channel, source, starts, ends, spend) "
                     "VALUES (?, ?, ?, ?, ?, ?)", (name, channel, source, starts, ends, spend))
    conn.execute("INSERT INTO activities (team, person, date, kind, title, quantity) VALUES "
                 "('marketing', 'Kari Nordmann', '2026-11-18', 'webinar', 'Year-end webinar', 1), "
                 "('marketing', 'Kari Nordmann', '2026-11-10', 'blog_post', 'Old post', 1), "
                 "('sales', 'Ola Hansen', '2026-11-17', 'calls', 'Call blitz', 12)")
    conn.commit()


def test_marketing_week_by_hand(db, workspace):
    conn = db.conn
    _seed(conn)
    settings = workspace.settings()
    week = marketing_week(conn, settings, parse_period("2026-W47", settings.timezone), AS_OF)
    # W47 MQLs: L1, L2 (webinar), L5 (no source) = 3; W46: L3, L4 (ads), L6 (webinar) = 3.
    assert (week.mqls, week.mqls_previous) == (3, 3)
    assert [(r.source, r.mqls, r.previous, r.change) for r in week.sources] == [
        ("webinar", 2, 1, 1), (None, 1, 0, 1), ("ads", 0, 2, -2)]
    # Webinar Nov: 14 days, 7 in W47 -> 14000 * 7/14 = 7000; 2 MQLs -> 3500 per MQL.
    # Ads Q4: 10 days, 3 in W47 (20.-22.11) -> 3000; no MQLs. "Old" ended in October.
    assert [(c.name, round(c.spend_in_period), c.total_spend, c.mqls, c.cost_per_mql)
            for c in week.campaigns] == [("Webinar Nov", 7000, 14000, 2, 3500),
                                         ("Ads Q4", 3000, 10000, 0, None)]
    assert round(week.spend) == 10000
    assert [(a.date, a.kind, a.title, a.person) for a in week.activities] == [
        ("2026-11-18", "webinar", "Year-end webinar", "Kari Nordmann")]


def test_sales_week_by_hand(db, workspace):
    conn = db.conn
    _seed(conn)
    settings = workspace.settings()
    week = sales_week(conn, settings, parse_period("2026-W47", settings.timezone), AS_OF)
    rows = {r.person: (r.touches, r.calls, r.emails, r.connected, r.first_contacts,
                       r.meetings_booked, r.won, r.won_amount, r.lost) for r in week.people}
    # Ola: L1 call + email, L3 call = 3 touches (2 calls, 1 e-mail); first contact only L1
    # (L3's was in W46); L1's meeting; L3 lost. Pål: L2 call, connected, first contact, won 50 000.
    # ext-rep: L5's e-mail, its first contact.
    assert rows == {
        "Ola Hansen": (3, 2, 1, 0, 1, 1, 0, 0.0, 1),
        "Pål Sørensen": (1, 1, 0, 1, 1, 0, 1, 50000.0, 0),
        "ext-rep": (1, 0, 1, 0, 1, 0, 0, 0.0, 0)}
    # Sales people first (most touches first), then anyone not in the sales team.
    assert [r.person for r in week.people] == ["Ola Hansen", "Pål Sørensen", "ext-rep"]
    t = week.totals
    assert (t.touches, t.first_contacts, t.meetings_booked, t.won, t.won_amount, t.lost) == (
        5, 3, 1, 1, 50000.0, 1)
    assert [(d.outcome, d.lead, d.owner, d.amount, d.reason) for d in week.deals] == [
        ("won", "L2", "Pål Sørensen", 50000, None), ("lost", "L3", "Ola Hansen", 20000, "Price")]
    assert (week.won_amount, week.lost_amount) == (50000, 20000)
    assert [(a.kind, a.quantity) for a in week.activities] == [("calls", 12)]


def test_summarize_activities_by_hand():
    logged = [LoggedActivity("2026-11-16", "calls", "Blitz", "Ola", 10),
              LoggedActivity("2026-11-17", "calls", "Blitz", "Pål", 15),
              LoggedActivity("2026-11-18", "calls", "Blitz", "Ola", 5),
              LoggedActivity("2026-11-18", "event", "Fair", "Kari", 1)]
    # Blitz: 3 entries, 10 + 15 + 5 = 30 calls by Ola and Pål from 16.11 to 18.11.
    assert summarize_activities(logged) == [
        ActivitySummary(
            "calls", "Blitz", 3, 30, ("Ola", "Pål"), "2026-11-16", "2026-11-18"),
        ActivitySummary(
            "event", "Fair", 1, 1, ("Kari",), "2026-11-18", "2026-11-18")]
