"""Each catalogue metric's meaning, pinned on hand-made leads worked out by hand.

Periods are November 2026 in Europe/Oslo: 2026-10-31T23:00:00Z .. 2026-11-30T23:00:00Z.
In November local time is UTC+1, so 09:00Z is 10:00 local.
"""

from __future__ import annotations

import pytest
from scorecard_data import SETTINGS, campaign, event, lead, new_store, utc

from smarketing_tui.errors import UserError
from smarketing_tui.metrics import CATALOGUE, MetricsEngine
from smarketing_tui.periods import parse_period

TZ = "Europe/Oslo"
NOVEMBER = parse_period("2026-11", TZ)
AFTER = utc("2026-12-10T12:00:00Z")  # as of: well after November


@pytest.fixture
def conn(tmp_path):
    connection = new_store(tmp_path)
    yield connection
    connection.close()


def compute(conn, name, period=NOVEMBER, as_of=AFTER, params=None, by=None, **engine):
    return MetricsEngine(conn, SETTINGS, **engine).compute(name, period, as_of, params, by)


def test_mqls_counts_leads_whose_mql_at_is_in_the_local_month(conn):
    lead(conn, mql_at="2026-10-31T22:59:59Z")  # 31 Oct 23:59:59 local: October
    lead(conn, mql_at="2026-10-31T23:00:00Z")  # 1 Nov 00:00 local: in
    lead(conn, mql_at="2026-11-30T22:59:59Z")  # 30 Nov 23:59:59 local: in
    lead(conn, mql_at="2026-11-30T23:00:00Z")  # 1 Dec 00:00 local: December
    lead(conn, created_at="2026-11-05T10:00:00Z")  # never an MQL
    result = compute(conn, "mqls")
    assert (result.value, result.counts, result.unit) == (2, {"mqls": 2}, "count")


def test_mqls_as_of_a_moment_ignores_later_mqls(conn):
    lead(conn, mql_at="2026-11-10T09:00:00Z")
    lead(conn, mql_at="2026-11-20T09:00:00Z")
    # As of 15 Nov only the first one is known.
    assert compute(conn, "mqls", as_of=utc("2026-11-15T00:00:00Z")).value == 1


def test_empty_periods_are_no_data_not_zero(conn):
    lead(conn, created_at="2026-09-01T09:00:00Z", mql_at="2026-09-02T09:00:00Z")
    # October: the store has data from before it, so no MQLs is a real zero.
    october = parse_period("2026-10", TZ)
    assert compute(conn, "mqls", period=october).value == 0
    # Before any data, and in the future: no data.
    assert compute(conn, "mqls", period=parse_period("2025-01", TZ)).value is None
    assert compute(conn, "mqls", period=parse_period("2027-01", TZ)).value is None
    # Rates and medians with nothing to divide: no data, and no crash for any metric.
    for name in CATALOGUE:
        result = compute(conn, name, period=parse_period("2025-01", TZ))
        assert result.value is None, name


def test_an_empty_store_gives_no_data_for_every_metric(conn):
    for name in CATALOGUE:
        result = compute(conn, name)
        assert result.value is None, name


def test_acceptance_rate_leaves_undecided_out(conn):
    mql = "2026-11-02T09:00:00Z"
    lead(conn, mql_at=mql, accepted_at="2026-11-03T09:00:00Z")  # A: accepted
    lead(conn, mql_at=mql, rejected_at="2026-11-03T09:00:00Z")  # B: rejected
    lead(conn, mql_at=mql)  # C: undecided
    # D: rejected, then accepted later -> the later decision counts: accepted.
    lead(conn, mql_at=mql, rejected_at="2026-11-03T09:00:00Z", accepted_at="2026-11-04T09:00:00Z")
    # E: accepted only after the as-of moment -> still undecided as of then.
    lead(conn, mql_at=mql, accepted_at="2026-12-20T09:00:00Z")
    result = compute(conn, "acceptance_rate")
    # accepted A, D = 2; rejected B = 1; undecided C, E = 2 -> 2 / (2 + 1).
    assert result.counts == {"mqls": 5, "accepted": 2, "rejected": 1, "undecided": 2}
    assert result.value == pytest.approx(2 / 3)
    assert result.unit == "share"


def _speed_to_lead_leads(conn):
    # 24 business hours, Mon-Fri 08-16 local. As of Wed 11 Nov 12:00 local (11:00Z).
    # L1: MQL Mon 2 Nov 10:00 local; deadline Mon 6 h + Tue 8 + Wed 8 + Thu 2 = Thu 5 Nov 10:00
    #     local (09:00Z); first touch (an attempted call) Thu 09:59 local -> met.
    l1 = lead(conn, "L1", mql_at="2026-11-02T09:00:00Z", owner="Ola Sales")
    event(conn, l1, "call", "2026-11-05T08:59:00Z", "attempted")
    # L2: same MQL time, first touch Thu 10:30 local -> missed by 0.5 business hours.
    l2 = lead(conn, "L2", mql_at="2026-11-02T09:00:00Z", owner="Pia Sales")
    event(conn, l2, "email", "2026-11-05T09:30:00Z")
    # L3: MQL Fri 6 Nov 15:00 local; deadline Fri 1 h + Mon 8 + Tue 8 + Wed 7 = Wed 11 Nov 15:00
    #     local, still open as of Wed 12:00 -> pending, not a miss.
    lead(conn, "L3", mql_at="2026-11-06T14:00:00Z", owner="Ola Sales")
    # L4: MQL Mon 2 Nov, never contacted, deadline Thu 5 Nov passed -> missed.
    lead(conn, "L4", mql_at="2026-11-02T09:00:00Z", owner="Ola Sales")
    # L5: only a note and a stage change: not touches -> uncontacted, deadline passed -> missed.
    l5 = lead(conn, "L5", mql_at="2026-11-02T09:00:00Z", owner="Pia Sales")
    event(conn, l5, "note", "2026-11-02T10:00:00Z")
    event(conn, l5, "stage", "2026-11-02T10:05:00Z")
    # L6: MQL Tue 3 Nov 10:00 local; deadline Tue 6 + Wed 8 + Thu 8 + Fri 2 = Fri 6 Nov 10:00.
    #     An e-mail before it became an MQL does not count; the call on Mon 9 Nov is late -> missed.
    l6 = lead(conn, "L6", mql_at="2026-11-03T09:00:00Z", owner="Ola Sales")
    event(conn, l6, "email", "2026-11-03T08:00:00Z")
    event(conn, l6, "call", "2026-11-09T08:00:00Z", "connected")


def test_first_contact_within_business_hours_with_pending(conn):
    _speed_to_lead_leads(conn)
    result = compute(conn, "first_contact_within", as_of=utc("2026-11-11T11:00:00Z"),
                     params={"hours": 24, "clock": "business"})
    # met L1; missed L2, L4, L5, L6; pending L3 -> 1 / (1 + 4).
    assert result.counts == {"mqls": 6, "met": 1, "missed": 4, "pending": 1}
    assert result.value == pytest.approx(0.2)


def test_pending_becomes_missed_once_the_window_closes(conn):
    _speed_to_lead_leads(conn)
    # As of Wed 11 Nov 15:00:01 local, L3's deadline (15:00 local = 14:00Z) has passed.
    result = compute(conn, "first_contact_within", as_of=utc("2026-11-11T14:00:01Z"))
    assert result.counts == {"mqls": 6, "met": 1, "missed": 5, "pending": 0}


def test_first_contact_connected_rule(conn):
    _speed_to_lead_leads(conn)
    # Only connected touches count: L1's attempted call and L2's e-mail no longer do, so L1
    # and L2 are uncontacted past their deadline; L6's connected call is still late.
    result = compute(conn, "first_contact_within", as_of=utc("2026-11-11T11:00:00Z"),
                     first_contact="connected")
    assert result.counts == {"mqls": 6, "met": 0, "missed": 5, "pending": 1}
    assert result.value == 0


def test_first_contact_within_calendar_hours(conn):
    _speed_to_lead_leads(conn)
    # 72 wall-clock hours: L1 (MQL Mon 09:00Z, touch Thu 08:59Z = 71.98 h) met;
    # L2 touch Thu 09:30Z = 72.5 h missed; L6 MQL Tue 09:00Z, call Mon 9 Nov = 143 h missed;
    # L3 MQL Fri 6 Nov 14:00Z, deadline Mon 9 Nov 14:00Z < as of -> missed; L4, L5 missed.
    result = compute(conn, "first_contact_within", as_of=utc("2026-11-11T11:00:00Z"),
                     params={"hours": 72, "clock": "calendar"})
    assert result.counts == {"mqls": 6, "met": 1, "missed": 5, "pending": 0}


@pytest.mark.parametrize("mql, touch, met", [
    # Autumn: Fri 23 Oct 15:00 CEST (13:00Z) + 2 business hours = Mon 26 Oct 09:00 CET (08:00Z).
    ("2026-10-23T13:00:00Z", "2026-10-26T08:00:00Z", True),
    ("2026-10-23T13:00:00Z", "2026-10-26T08:00:01Z", False),
    # Spring: Fri 27 Mar 15:00 CET (14:00Z) + 2 business hours = Mon 30 Mar 09:00 CEST (07:00Z);
    # a fixed +1 offset would wrongly allow until 08:00Z.
    ("2026-03-27T14:00:00Z", "2026-03-30T07:00:00Z", True),
    ("2026-03-27T14:00:00Z", "2026-03-30T07:30:00Z", False),
])
def test_first_contact_deadline_in_sql_across_dst(conn, mql, touch, met):
    lead_id = lead(conn, mql_at=mql)
    event(conn, lead_id, "call", touch, "attempted")
    week = parse_period(utc(mql).strftime("%G-W%V"), TZ)
    result = compute(conn, "first_contact_within", period=week, as_of=utc("2026-12-01T00:00:00Z"),
                     params={"hours": 2})
    assert (result.counts["met"], result.counts["missed"]) == ((1, 0) if met else (0, 1))


def test_imported_first_contact_counts_in_attempt_mode(conn):
    # The CRM export said first contact at 10:30Z; no events. Attempt mode uses it.
    lead(conn, mql_at="2026-11-02T09:00:00Z", first_contact_at="2026-11-02T10:30:00Z",
         first_contact_imported=1)
    # A derived (not imported) first_contact_at is ignored: events decide.
    lead(conn, mql_at="2026-11-02T09:00:00Z", first_contact_at="2026-11-02T10:30:00Z",
         first_contact_imported=0)
    result = compute(conn, "hours_to_first_contact", params={"clock": "calendar"})
    assert (result.counts["contacted"], result.counts["uncontacted"]) == (1, 1)
    assert result.value == pytest.approx(1.5)


def test_hours_to_first_contact_median_p90_bands_and_split(conn):
    # Calendar hours. (mql, assigned, first touch) -> wait, routing, response
    a = lead(conn, mql_at="2026-11-02T09:00:00Z", assigned_at="2026-11-02T09:30:00Z")
    event(conn, a, "call", "2026-11-02T09:45:00Z")  # 0.75, 0.5, 0.25
    b = lead(conn, mql_at="2026-11-03T09:00:00Z", assigned_at="2026-11-03T11:00:00Z")
    event(conn, b, "email", "2026-11-03T12:00:00Z")  # 3, 2, 1
    c = lead(conn, mql_at="2026-11-04T09:00:00Z")
    event(conn, c, "sms", "2026-11-04T19:00:00Z")  # 10, -, -
    d = lead(conn, mql_at="2026-11-05T09:00:00Z", assigned_at="2026-11-05T10:00:00Z")
    event(conn, d, "linkedin", "2026-11-07T09:00:00Z")  # 48, 1, 47
    lead(conn, mql_at="2026-11-06T09:00:00Z")  # never contacted
    result = compute(conn, "hours_to_first_contact", params={"clock": "calendar"})
    counts = result.counts
    # waits 0.75, 3, 10, 48: median rank 1.5 -> 3 + 0.5 * 7 = 6.5;
    # p90 rank 2.7 -> 10 + 0.7 * 38 = 36.6.
    assert result.value == pytest.approx(6.5)
    assert counts["p90"] == pytest.approx(36.6)
    assert (counts["mqls"], counts["contacted"], counts["uncontacted"]) == (5, 4, 1)
    assert (counts["within_1h"], counts["within_1_4h"], counts["within_4_24h"],
            counts["later"]) == (1, 1, 1, 1)
    # routing 0.5, 1, 2: median 1, p90 rank 1.8 -> 1 + 0.8 * 1 = 1.8.
    assert (counts["routing_median"], counts["routing_n"]) == (pytest.approx(1.0), 3)
    assert counts["routing_p90"] == pytest.approx(1.8)
    # response 0.25, 1, 47: median 1, p90 rank 1.8 -> 1 + 0.8 * 46 = 37.8.
    assert counts["response_median"] == pytest.approx(1.0)
    assert counts["response_p90"] == pytest.approx(37.8)


def test_hours_to_first_contact_business_clock(conn):
    # MQL Thu 5 Nov 10:00 local, first touch Sat 7 Nov: Thu 6 h + Fri 8 h = 14 business hours.
    d = lead(conn, mql_at="2026-11-05T09:00:00Z")
    event(conn, d, "call", "2026-11-07T09:00:00Z")
    assert compute(conn, "hours_to_first_contact").value == pytest.approx(14.0)


def test_rejection_reasons(conn):
    mql = "2026-11-02T09:00:00Z"
    for reason in ("Bad fit", "Bad fit", "No budget", None):
        lead(conn, mql_at=mql, rejected_at="2026-11-04T09:00:00Z", rejected_reason=reason)
    # Rejected, then accepted: not rejected any more.
    lead(conn, mql_at=mql, rejected_at="2026-11-04T09:00:00Z", rejected_reason="Student",
         accepted_at="2026-11-05T09:00:00Z")
    result = compute(conn, "rejection_reasons")
    assert (result.value, result.by) == (4, "reason")
    assert [(g.key, g.value) for g in result.groups] == [("Bad fit", 2), ("No budget", 1),
                                                         (None, 1)]
    assert result.groups[0].counts["share"] == pytest.approx(0.5)


def test_touches_per_mql(conn):
    l1 = lead(conn, mql_at="2026-11-02T09:00:00Z")
    event(conn, l1, "email", "2026-11-01T09:00:00Z")  # before the MQL: not counted
    event(conn, l1, "call", "2026-11-02T10:00:00Z")
    event(conn, l1, "email", "2026-11-03T10:00:00Z")
    event(conn, l1, "sms", "2026-11-04T10:00:00Z")
    event(conn, l1, "note", "2026-11-04T11:00:00Z")  # a note is not a touch
    event(conn, l1, "call", "2026-12-20T10:00:00Z")  # after the as-of moment
    lead(conn, mql_at="2026-11-05T09:00:00Z")  # no touches
    result = compute(conn, "touches_per_mql")
    # 3 touches over 2 MQLs.
    assert result.counts == {"mqls": 2, "touches": 3, "untouched": 1}
    assert result.value == pytest.approx(1.5)


def test_min_touches_met(conn):
    # P: MQL in October, disqualified 5 Nov after 3 touches -> counts for November, met.
    p = lead(conn, mql_at="2026-10-20T09:00:00Z", rejected_at="2026-11-05T09:00:00Z")
    for day in ("2026-10-21", "2026-10-23", "2026-11-02"):
        event(conn, p, "call", f"{day}T09:00:00Z")
    # Q: 2 touches before being disqualified on 6 Nov, 2 after -> short.
    q = lead(conn, mql_at="2026-11-02T09:00:00Z", rejected_at="2026-11-06T09:00:00Z")
    for at in ("2026-11-03T09:00:00Z", "2026-11-04T09:00:00Z", "2026-11-07T09:00:00Z",
               "2026-11-08T09:00:00Z"):
        event(conn, q, "email", at)
    # R: lost on 20 Nov after 4 touches -> met.
    r = lead(conn, mql_at="2026-11-02T09:00:00Z", lost_at="2026-11-20T09:00:00Z")
    for day in ("03", "04", "05", "06"):
        event(conn, r, "call", f"2026-11-{day}T09:00:00Z")
    # S: rejected then accepted -> not disqualified. T: disqualified in October. U: no MQL.
    lead(conn, mql_at="2026-11-02T09:00:00Z", rejected_at="2026-11-03T09:00:00Z",
         accepted_at="2026-11-04T09:00:00Z")
    lead(conn, mql_at="2026-10-02T09:00:00Z", rejected_at="2026-10-30T09:00:00Z")
    lead(conn, rejected_at="2026-11-03T09:00:00Z")
    result = compute(conn, "min_touches_met", params={"k": 3})
    # closed P, Q, R; met P, R -> 2 / 3.
    assert result.counts == {"closed": 3, "met": 2, "short": 1}
    assert result.value == pytest.approx(2 / 3)
    # With k = 4 only R has enough.
    assert compute(conn, "min_touches_met", params={"k": 4}).counts["met"] == 1


def test_meetings_booked_counts_mqls_only(conn):
    lead(conn, mql_at="2026-10-20T09:00:00Z", meeting_at="2026-11-03T09:00:00Z")
    lead(conn, mql_at="2026-11-02T09:00:00Z", meeting_at="2026-11-30T22:00:00Z")
    lead(conn, meeting_at="2026-11-05T09:00:00Z")  # not an MQL
    lead(conn, mql_at="2026-11-02T09:00:00Z", meeting_at="2026-12-01T09:00:00Z")  # December
    assert compute(conn, "meetings_booked").value == 2


def test_won_won_amount_and_lost_when_stages_flip(conn):
    lead(conn, won_at="2026-11-10T09:00:00Z", amount=100000)
    lead(conn, won_at="2026-11-12T09:00:00Z")  # no amount
    lead(conn, won_at="2026-11-05T09:00:00Z", lost_at="2026-11-20T09:00:00Z")  # lost later: lost
    lead(conn, lost_at="2026-11-03T09:00:00Z", won_at="2026-11-25T09:00:00Z", amount=50000)  # won
    lead(conn, won_at="2026-10-30T09:00:00Z", amount=999)  # October
    won = compute(conn, "won")
    assert (won.value, won.counts) == (3, {"won": 3, "amount": 150000, "without_amount": 1})
    assert compute(conn, "won_amount").value == 150000
    assert compute(conn, "lost").value == 1


def test_pipeline_amount_at_the_end_of_the_period(conn):
    lead(conn, opportunity_at="2026-11-05T09:00:00Z", amount=10000)  # open
    lead(conn, opportunity_at="2026-10-01T09:00:00Z", amount=20000,
         won_at="2026-12-02T09:00:00Z")  # won after November: open at its end
    lead(conn, opportunity_at="2026-10-01T09:00:00Z", amount=40000,
         lost_at="2026-11-15T09:00:00Z")  # lost in November
    lead(conn, opportunity_at="2026-12-01T09:00:00Z", amount=80000)  # opened in December
    result = compute(conn, "pipeline_amount")
    assert (result.value, result.counts["open"]) == (30000, 2)


def test_mql_to_won_rate_and_median_days(conn):
    lead(conn, mql_at="2026-11-02T00:00:00Z", won_at="2026-12-01T00:00:00Z")  # won by as-of
    lead(conn, mql_at="2026-11-03T00:00:00Z", won_at="2026-12-20T00:00:00Z")  # after as-of
    lead(conn, mql_at="2026-11-04T00:00:00Z")
    lead(conn, mql_at="2026-11-05T00:00:00Z")
    assert compute(conn, "mql_to_won_rate").value == pytest.approx(1 / 4)
    # Won in October: MQL 2 Sep -> won 2 Oct = 30 days; 1 Oct -> 11 Oct = 10 days;
    # won 10 Oct before its MQL on 20 Oct (out of order) counts as 0 days. Median 10.
    lead(conn, mql_at="2026-09-02T00:00:00Z", won_at="2026-10-02T00:00:00Z")
    lead(conn, mql_at="2026-10-01T00:00:00Z", won_at="2026-10-11T00:00:00Z")
    lead(conn, mql_at="2026-10-20T00:00:00Z", won_at="2026-10-10T00:00:00Z")
    result = compute(conn, "median_days_mql_to_won", period=parse_period("2026-10", TZ))
    assert result.value == pytest.approx(10)
    # p90: rank 1.8 -> 10 + 0.8 * 20 = 26.
    assert (result.counts["won"], result.counts["p90"]) == (3, pytest.approx(26))


def test_spend_and_costs_pro_rata_by_days(conn):
    campaign(conn, "C1", "2026-10-22", "2026-11-10", 20000, "web")  # 20 days, 10 in Nov: 10000
    campaign(conn, "C2", "2026-11-01", "2026-11-30", 3000, "ads")  # all of it: 3000
    campaign(conn, "C3", "2026-12-01", "2026-12-31", 5000, "web")  # none
    campaign(conn, "C4", None, "2026-11-10", 7000, "web")  # undated: left out, counted
    for _ in range(3):
        lead(conn, mql_at="2026-11-02T09:00:00Z", source="web", campaign="C1")
    lead(conn, mql_at="2026-11-02T09:00:00Z", source="ads", campaign="C2",
         won_at="2026-11-20T09:00:00Z")
    spend = compute(conn, "spend")
    assert spend.value == pytest.approx(13000)
    assert spend.counts["undated_campaigns"] == 1
    # 13000 / 4 MQLs; 13000 / 1 won.
    assert compute(conn, "cost_per_mql").value == pytest.approx(3250)
    assert compute(conn, "cost_per_won").value == pytest.approx(13000)
    by_source = compute(conn, "cost_per_mql", by="source")
    # web: 10000 / 3; ads: 3000 / 1.
    assert {g.key: g.value for g in by_source.groups} == {"web": pytest.approx(10000 / 3),
                                                         "ads": pytest.approx(3000)}
    # While November runs (as of 5 Nov): C1 has 5 of 20 days -> 5000, C2 5 of 30 -> 500.
    running = compute(conn, "spend", as_of=utc("2026-11-05T12:00:00Z"))
    assert running.value == pytest.approx(5500)


def test_breakdown_by_team_uses_the_owners_team(conn):
    lead(conn, mql_at="2026-11-02T09:00:00Z", owner="Ola Sales", source="web")
    lead(conn, mql_at="2026-11-02T09:00:00Z", owner="Ingrid Marketing", source="web")
    lead(conn, mql_at="2026-11-02T09:00:00Z", owner="Someone Unknown", source="ads")
    by_team = compute(conn, "mqls", by="team")
    assert by_team.value == 3
    assert sorted((str(g.key), g.value) for g in by_team.groups) == [
        ("None", 1), ("marketing", 1), ("sales", 1)]
    by_owner = compute(conn, "mqls", by="owner")
    assert {g.key for g in by_owner.groups} == {"Ola Sales", "Ingrid Marketing", "Someone Unknown"}


def test_leads_with_stages_out_of_order_do_not_break_anything(conn):
    # Won before it was an MQL, a meeting before the MQL, accepted before assigned, a first touch
    # before assignment, assigned before the MQL.
    weird = lead(conn, created_at="2026-11-10T09:00:00Z", mql_at="2026-11-09T09:00:00Z",
                 assigned_at="2026-11-01T09:00:00Z", accepted_at="2026-11-08T09:00:00Z",
                 meeting_at="2026-11-05T09:00:00Z", opportunity_at="2026-11-20T09:00:00Z",
                 won_at="2026-11-04T09:00:00Z", amount=5000)
    event(conn, weird, "call", "2026-11-09T10:00:00Z")
    for name in CATALOGUE:
        compute(conn, name)  # none raises
    result = compute(conn, "hours_to_first_contact", params={"clock": "calendar"})
    # wait 1 h; routing clamps at 0 (assigned before the MQL); response = MQL -> touch = 1 h.
    assert (result.value, result.counts["routing_median"], result.counts["response_median"]) == (
        pytest.approx(1), pytest.approx(0), pytest.approx(1))
    assert compute(conn, "median_days_mql_to_won").value == 0
    assert compute(conn, "acceptance_rate").value == 1


def test_bad_metric_names_params_and_dimensions(conn):
    engine = MetricsEngine(conn, SETTINGS)
    with pytest.raises(UserError) as error:
        engine.compute("mql", NOVEMBER, AFTER)
    assert str(error.value).startswith("unknown metric 'mql' (did you mean 'mqls'?); known "
                                       "metrics: mqls, leads_created, acceptance_rate, first_contact_within")
    with pytest.raises(UserError) as error:
        engine.compute("min_touches_met", NOVEMBER, AFTER, {"k": 0})
    assert str(error.value) == "min_touches_met.k must be a whole number from 1 to 100 000 (got 0)"
    with pytest.raises(UserError) as error:
        engine.compute("first_contact_within", NOVEMBER, AFTER, {"hour": 4})
    assert str(error.value) == ("metric first_contact_within has no parameter 'hour' (did you "
                                "mean 'hours'?); its parameters: hours, clock")
    with pytest.raises(UserError) as error:
        engine.compute("cost_per_mql", NOVEMBER, AFTER, by="owner")
    assert str(error.value) == ("cost_per_mql cannot be broken down by 'owner'; expected one "
                                "of: source, campaign")
