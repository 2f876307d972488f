"""The deal metrics' meanings, pinned on hand-made deals worked out by hand.

November 2026 in Europe/Oslo: 2026-10-31T23:00:00Z .. 2026-11-30T23:00:00Z (UTC+1).
Both leads are owned by Pia Sales; their deals by Ola Sales, Pia Sales and Ingrid
Marketing, so a breakdown by owner that used the lead's owner would put everything on Pia.
"""

from __future__ import annotations

import pytest
from scorecard_data import SETTINGS, campaign, deal, lead, new_store, utc

from smarketing_tui.funnel import build_funnel
from smarketing_tui.metrics import MetricsEngine
from smarketing_tui.periods import parse_period

TZ = "Europe/Oslo"
NOVEMBER = parse_period("2026-11", TZ)
AFTER = utc("2026-12-10T12:00:00Z")


@pytest.fixture
def conn(tmp_path):
    connection = new_store(tmp_path)
    yield connection
    connection.close()


def compute(conn, name, period=NOVEMBER, as_of=AFTER, by=None):
    return MetricsEngine(conn, SETTINGS).compute(name, period, as_of, None, by)


def seed(conn):
    l1 = lead(conn, "L1", source="webinar", campaign="Nov webinar", owner="Pia Sales",
              mql_at="2026-11-01T09:00:00Z")
    l2 = lead(conn, "L2", source="ads", campaign="Ads Q4", owner="Pia Sales",
              mql_at="2026-10-20T09:00:00Z")
    l3 = lead(conn, "L3", source="webinar")
    # D1: won in November, 10 days after creation; source and campaign from its lead L1.
    deal(conn, "D1", lead_id=l1, owner="Ola Sales", status="won", amount=100000,
         created_at="2026-11-02T09:00:00Z", closed_at="2026-11-12T09:00:00Z")
    # D2: created in October, won 25 Nov 22:00 local (34.5 days); its own source "partner".
    deal(conn, "D2", lead_id=l1, owner="Ola Sales", status="won", amount=50000,
         source="partner", created_at="2026-10-22T09:00:00Z", closed_at="2026-11-25T21:00:00Z")
    # D3: lost in November.
    deal(conn, "D3", lead_id=l2, owner="Ingrid Marketing", status="lost", amount=30000,
         lost_reason="price", created_at="2026-11-03T09:00:00Z",
         closed_at="2026-11-20T09:00:00Z")
    # D4: won 30 Nov 22:00 local (25.5 days after creation), no amount.
    deal(conn, "D4", lead_id=l2, owner="Pia Sales", status="won",
         created_at="2026-11-05T09:00:00Z", closed_at="2026-11-30T21:00:00Z")
    # D5: open, no lead, its own source.
    deal(conn, "D5", owner="Ola Sales", status="open", amount=70000, source="ads",
         created_at="2026-11-10T09:00:00Z")
    # D6: won 31 Oct 23:59:59 local: October.
    deal(conn, "D6", lead_id=l3, owner="Pia Sales", status="won", amount=999,
         created_at="2026-09-01T09:00:00Z", closed_at="2026-10-31T22:59:59Z")
    # D7: created in November, lost 1 Dec 00:00 local: December.
    deal(conn, "D7", lead_id=l1, owner="Ola Sales", status="lost", amount=5000,
         created_at="2026-11-15T09:00:00Z", closed_at="2026-11-30T23:00:00Z")


def test_win_rate_is_won_over_won_plus_lost_among_deals_closed_in_the_period(conn):
    seed(conn)
    result = compute(conn, "win_rate")
    # Closed in November: D1 won, D2 won, D3 lost, D4 won (D6 is October, D7 December,
    # D5 open): 3 / (3 + 1).
    assert result.value == pytest.approx(0.75)
    assert result.counts == {"closed": 4, "won": 3, "lost": 1}
    assert result.unit == "share"


def test_win_rate_as_of_a_moment_leaves_later_closes_out(conn):
    seed(conn)
    # As of 26 Nov 00:00Z: D1, D2 won and D3 lost are known; D4 (30 Nov) is not: 2 / 3.
    result = compute(conn, "win_rate", as_of=utc("2026-11-26T00:00:00Z"))
    assert result.counts == {"closed": 3, "won": 2, "lost": 1}
    assert result.value == pytest.approx(2 / 3)


def test_win_rate_by_owner_and_team_means_the_deals_owner(conn):
    seed(conn)
    by_owner = compute(conn, "win_rate", by="owner")
    # Ola: D1, D2 won (2 of 2); Ingrid: D3 lost (0 of 1); Pia: D4 won (1 of 1). Largest first,
    # ties by name.
    assert [(g.key, g.counts["closed"], g.value) for g in by_owner.groups] == [
        ("Ola Sales", 2, 1.0), ("Ingrid Marketing", 1, 0.0), ("Pia Sales", 1, 1.0)]
    by_team = compute(conn, "win_rate", by="team")
    # sales: D1, D2, D4 (3 of 3); marketing: D3 (0 of 1).
    assert [(g.key, g.counts["closed"], g.counts["won"]) for g in by_team.groups] == [
        ("sales", 3, 3), ("marketing", 1, 0)]


def test_win_rate_by_source_uses_the_deals_own_source_else_its_leads(conn):
    seed(conn)
    result = compute(conn, "win_rate", by="source")
    # D1 -> webinar (L1's), D2 -> partner (its own), D3, D4 -> ads (L2's): ads 1 of 2.
    assert [(g.key, g.counts["closed"], g.value) for g in result.groups] == [
        ("ads", 2, 0.5), ("partner", 1, 1.0), ("webinar", 1, 1.0)]


def test_deals_created_and_pipeline_created_count_by_created_at(conn):
    seed(conn)
    created = compute(conn, "deals_created")
    # Created in November: D1 100000, D3 30000, D4 (no amount), D5 70000, D7 5000.
    assert (created.value, created.counts) == (5, {"created": 5, "amount": 205000,
                                                   "without_amount": 1})
    pipeline = compute(conn, "pipeline_created")
    assert (pipeline.value, pipeline.unit) == (205000, "money")
    by_source = compute(conn, "deals_created", by="source")
    # D3, D4 (L2's ads) and D5 (its own ads): 3; D1, D7 (L1's webinar): 2.
    assert [(g.key, g.value) for g in by_source.groups] == [("ads", 3), ("webinar", 2)]


def test_deals_won_won_amount_and_average_by_closed_at(conn):
    seed(conn)
    won = compute(conn, "deals_won")
    # Won in November: D1 100000, D2 50000, D4 (no amount).
    assert (won.value, won.counts) == (3, {"won": 3, "amount": 150000, "without_amount": 1})
    assert compute(conn, "deals_won_amount").value == 150000
    # Average over the won deals with an amount: 150000 / 2.
    average = compute(conn, "average_won_deal")
    assert (average.value, average.unit) == (75000, "money")
    by_campaign = compute(conn, "deals_won", by="campaign")
    # D1 and D2 (no campaign of its own) -> L1's "Nov webinar"; D4 -> L2's "Ads Q4".
    assert [(g.key, g.value) for g in by_campaign.groups] == [("Nov webinar", 2), ("Ads Q4", 1)]
    by_owner = compute(conn, "deals_won_amount", by="owner")
    # Ola: D1 + D2 = 150000; Pia: D4, no amount.
    assert [(g.key, g.value) for g in by_owner.groups] == [("Ola Sales", 150000),
                                                           ("Pia Sales", 0)]


def test_sales_cycle_is_the_median_days_from_created_to_won(conn):
    seed(conn)
    result = compute(conn, "sales_cycle_days")
    # D1 10 days, D4 25.5 days, D2 34.5 days: median 25.5; p90 at rank 1.8:
    # 25.5 + (34.5 - 25.5) * 0.8 = 32.7.
    assert result.value == pytest.approx(25.5)
    assert result.counts["p90"] == pytest.approx(32.7)
    assert (result.counts["won"], result.unit) == (3, "days")


def test_median_days_from_mql_to_won_goes_through_the_deals_lead(conn):
    seed(conn)
    result = compute(conn, "median_days_mql_to_deal_won")
    # D1: L1's MQL 1 Nov 09:00 to 12 Nov 09:00 = 11 days; D2: to 25 Nov 21:00 = 24.5 days;
    # D4: L2's MQL 20 Oct 09:00 to 30 Nov 21:00 = 41.5 days. Median 24.5; p90
    # 24.5 + (41.5 - 24.5) * 0.8 = 38.1.
    assert result.value == pytest.approx(24.5)
    assert result.counts["p90"] == pytest.approx(38.1)
    assert result.counts["won"] == 3
    by_owner = compute(conn, "median_days_mql_to_deal_won", by="owner")
    # Ola: 11 and 24.5 -> 17.75; Pia: 41.5.
    assert [(g.key, g.value) for g in by_owner.groups] == [
        ("Ola Sales", pytest.approx(17.75)), ("Pia Sales", pytest.approx(41.5))]


def test_deal_counts_are_no_data_in_a_store_without_deals_and_zero_inside_them(conn):
    lead(conn, mql_at="2026-11-02T09:00:00Z")
    for name in ("deals_created", "pipeline_created", "deals_won", "deals_won_amount",
                 "win_rate", "average_won_deal", "sales_cycle_days",
                 "median_days_mql_to_deal_won"):
        assert compute(conn, name).value is None, name
    deal(conn, "OLD", status="open", created_at="2026-09-01T09:00:00Z")
    # Deals known from before November: none created or won in it is a real zero.
    assert compute(conn, "deals_created").value == 0
    assert compute(conn, "deals_won").value == 0
    assert compute(conn, "win_rate").value is None  # nothing closed: nothing to divide


def test_deal_drill_downs_list_the_deals(conn):
    seed(conn)
    engine = MetricsEngine(conn, SETTINGS)
    closed = engine.drill("win_rate", NOVEMBER, AFTER)
    # Lost first, then by close: D3 (lost), D1, D2, D4.
    assert [row["deal"] for row in closed.rows] == ["D3", "D1", "D2", "D4"]
    assert closed.rows[0]["reason"] == "price"
    assert (closed.total, closed.title) == (4, "Deals closed in the period, lost first")
    cycle = engine.drill("sales_cycle_days", NOVEMBER, AFTER)
    assert [(row["deal"], row["days"]) for row in cycle.rows] == [
        ("D2", 34.5), ("D4", 25.5), ("D1", 10.0)]
    largest = engine.drill("deals_won_amount", NOVEMBER, AFTER)
    assert [(row["deal"], row["amount"]) for row in largest.rows] == [
        ("D1", 100000), ("D2", 50000), ("D4", None)]
    created = engine.drill("pipeline_created", NOVEMBER, AFTER)
    assert [row["deal"] for row in created.rows] == ["D7", "D5", "D4", "D3", "D1"]
    via_lead = engine.drill("median_days_mql_to_deal_won", NOVEMBER, AFTER)
    assert [(row["deal"], row["lead"], row["days"]) for row in via_lead.rows] == [
        ("D4", "L2", 41.5), ("D2", "L1", 24.5), ("D1", "L1", 11.0)]
    average = engine.drill("average_won_deal", NOVEMBER, AFTER)
    assert average.total == 3
    assert engine.drill("deals_won", NOVEMBER, AFTER).total == 3
    assert engine.drill("deals_created", NOVEMBER, AFTER).total == 5


def test_cost_per_won_counts_deals_where_there_are_deals(conn):
    seed(conn)
    campaign(conn, "Nov webinar", "2026-11-01", "2026-11-30", 30000, source="webinar")
    # L1 was won as a lead too (the import derives it from D1), so the leads' count is 1;
    # with deals in the store, the 3 deals won in November count: 30000 / 3.
    conn.execute("UPDATE leads SET won_at = '2026-11-12T09:00:00Z' WHERE external_id = 'L1'")
    conn.commit()
    assert compute(conn, "won").value == 1
    result = compute(conn, "cost_per_won")
    assert result.value == pytest.approx(10000)
    assert result.counts == {"spend": 30000, "won": 3}
    by_source = compute(conn, "cost_per_won", by="source")
    # webinar: 30000 spend / 1 deal (D1); partner (D2) and ads (D4): no spend.
    webinar = next(g for g in by_source.groups if g.key == "webinar")
    assert (webinar.value, webinar.counts["won"]) == (pytest.approx(30000), 1)


def test_cost_per_won_without_deals_is_spend_over_leads_won(conn):
    campaign(conn, "Nov webinar", "2026-11-01", "2026-11-30", 30000, source="webinar")
    lead(conn, source="webinar", mql_at="2026-11-02T09:00:00Z", won_at="2026-11-20T09:00:00Z")
    lead(conn, source="webinar", mql_at="2026-11-03T09:00:00Z", won_at="2026-11-21T09:00:00Z")
    result = compute(conn, "cost_per_won")
    # No deals: 30000 / 2 leads won, as before deals existed.
    assert (result.value, result.counts) == (pytest.approx(15000), {"spend": 30000, "won": 2})


def test_funnel_follows_the_deals_of_a_lead_that_has_them(conn):
    seed(conn)
    # L1 (MQL 1 Nov) has D1 and D2 won (150000) and D7 lost; its own won_at/amount are the
    # first won deal's, as the import derives them. L4 has no deals and keeps its own.
    conn.execute("UPDATE leads SET won_at = '2026-11-12T09:00:00Z', amount = 100000 "
                 "WHERE external_id = 'L1'")
    conn.commit()
    lead(conn, "L4", source="webinar", mql_at="2026-11-10T09:00:00Z",
         won_at="2026-11-20T09:00:00Z", amount=8000)
    funnel = build_funnel(conn, SETTINGS, NOVEMBER, AFTER)
    # November's MQLs: L1 and L4, both webinar, both won (so accepted and met, by the stage
    # rule): won amount 150000 + 8000; won deals 2 + 1.
    assert [(r.key, r.mqls, r.accepted, r.meetings, r.won, r.won_amount, r.deals_won)
            for r in funnel.rows] == [("webinar", 2, 2, 2, 2, 158000.0, 3)]
    assert funnel.total.to_json()["won_deals"] == 3


def test_funnel_without_deals_is_unchanged_and_a_deal_elsewhere_changes_nothing(conn):
    lead(conn, "A", source="webinar", mql_at="2026-11-02T09:00:00Z",
         won_at="2026-11-20T09:00:00Z", amount=8000)
    lead(conn, "B", source="ads", mql_at="2026-11-03T09:00:00Z",
         meeting_at="2026-11-05T09:00:00Z")
    before = build_funnel(conn, SETTINGS, NOVEMBER, AFTER, cost=True).to_json()
    # A: won (8000), so accepted and met; B: a meeting, so accepted.
    assert [(r["key"], r["mqls"], r["accepted"], r["meetings"], r["won"], r["won_amount"],
             r["won_deals"]) for r in before["rows"]] == [
        ("ads", 1, 1, 1, 0, 0.0, 0), ("webinar", 1, 1, 1, 1, 8000.0, 1)]
    other = lead(conn, "C", source="ads", mql_at="2026-09-01T09:00:00Z")
    deal(conn, "DC", lead_id=other, status="won", amount=1, created_at="2026-09-02T09:00:00Z",
         closed_at="2026-11-10T09:00:00Z")
    after = build_funnel(conn, SETTINGS, NOVEMBER, AFTER, cost=True).to_json()
    assert after == before
