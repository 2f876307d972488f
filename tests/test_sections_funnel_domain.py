"""funnel.py: the closed loop on hand-made leads; every count worked out by hand.

Cohort: the MQLs of 2026-W47 (16.-22.11.2026, Europe/Oslo), followed as of 23.11.2026 09:00.
"""

from __future__ import annotations

import pytest

from smarketing_tui.funnel import build_funnel
from smarketing_tui.metrics import MetricsEngine
from smarketing_tui.periods import parse_period
from smarketing_tui.timeutil import parse_utc

AS_OF = parse_utc("2026-11-23T08:00:00Z")


def _seed(conn):
    leads = [
        # ext, source, campaign, mql_at, accepted, rejected, meeting, won, lost, amount
        ("A", "webinar", "Webinar Nov", "2026-11-16T09:00:00Z", "2026-11-16T12:00:00Z", None,
         "2026-11-18T10:00:00Z", "2026-11-20T10:00:00Z", None, 40000),
        ("B", "webinar", "Webinar Nov", "2026-11-17T09:00:00Z", "2026-11-17T12:00:00Z", None,
         None, None, None, None),
        ("C", "webinar", None, "2026-11-18T09:00:00Z", None, "2026-11-18T12:00:00Z",
         None, None, None, None),
        # D: accepted, then rejected later (so not accepted), yet a meeting took place.
        ("D", "ads", "Ads Q4", "2026-11-20T09:00:00Z", "2026-11-20T10:00:00Z",
         "2026-11-20T11:00:00Z", "2026-11-21T10:00:00Z", None, None, None),
        # E: won, then lost later: not won.
        ("E", "ads", "Ads Q4", "2026-11-20T10:00:00Z", "2026-11-20T11:00:00Z", None, None,
         "2026-11-21T10:00:00Z", "2026-11-22T10:00:00Z", 30000),
        # F: an MQL of the week before: not in the cohort.
        ("F", "webinar", "Webinar Nov", "2026-11-12T09:00:00Z", "2026-11-12T10:00:00Z", None,
         "2026-11-13T10:00:00Z", "2026-11-16T10:00:00Z", None, 99000),
    ]
    for ext, source, campaign, mql, acc, rej, mtg, won, lost, amount in leads:
        conn.execute("INSERT INTO leads (external_id, source, campaign, mql_at, accepted_at, "
                     "rejected_at, meeting_at, won_at, lost_at, amount) VALUES "
                     "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     (ext, source, campaign, mql, acc, rej, mtg, won, lost, amount))
    for name, source, starts, ends, spend in (
            ("Webinar Nov", "webinar", "2026-11-09", "2026-11-22", 14000),
            ("Ads Q4", "ads", "2026-11-20", "2026-11-29", 10000)):
        conn.execute("INSERT INTO campaigns (name, source, starts, ends, spend) VALUES "
                     "(?, ?, ?, ?, ?)", (name, source, starts, ends, spend))
    conn.commit()


def test_funnel_by_source_by_hand(db, workspace):
    _seed(db.conn)
    settings = workspace.settings()
    funnel = build_funnel(db.conn, settings, parse_period("2026-W47", settings.timezone), AS_OF)
    rows = [(r.key, r.mqls, r.accepted, r.meetings, r.won, r.won_amount) for r in funnel.rows]
    # webinar: A, B, C; accepted A, B; meeting A; won A (40 000).
    # ads: D, E; accepted E, and D through its meeting; meeting D; E's win was undone.
    assert rows == [("webinar", 3, 2, 1, 1, 40000.0), ("ads", 2, 2, 1, 0, 0.0)]
    webinar = funnel.rows[0]
    assert webinar.accept_rate == pytest.approx(2 / 3)
    assert (webinar.meeting_rate, webinar.win_rate) == (0.5, 1.0)
    assert webinar.mql_to_won == pytest.approx(1 / 3)
    t = funnel.total
    assert (t.mqls, t.accepted, t.meetings, t.won, t.won_amount) == (5, 4, 2, 1, 40000.0)
    # The cohort agrees with the engine's own count of MQLs.
    engine = MetricsEngine(db.conn, settings)
    assert engine.compute("mqls", funnel.period, AS_OF).value == t.mqls


def test_funnel_by_campaign_with_cost_by_hand(db, workspace):
    _seed(db.conn)
    settings = workspace.settings()
    funnel = build_funnel(db.conn, settings, parse_period("2026-W47", settings.timezone), AS_OF,
                          by="campaign", cost=True)
    # Spend in W47: Webinar Nov 14 000 * 7/14 days = 7000; Ads Q4 10 000 * 3/10 days = 3000.
    got = [(r.key, r.mqls, r.won, round(r.spend), r.cost_per_mql, r.cost_per_won)
           for r in funnel.rows]
    assert got == [("Webinar Nov", 2, 1, 7000, 3500, 7000),
                   ("Ads Q4", 2, 0, 3000, 1500, None),
                   (None, 1, 0, 0, 0, None)]
    assert round(funnel.total.spend) == 10000
    assert funnel.total.cost_per_mql == pytest.approx(2000)   # 10 000 / 5 MQLs
