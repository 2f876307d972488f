"""The attribution metrics (metrics/attribution.py) on hand-made data, worked out by hand.

November 2026 (Oslo), as of 10.12.2026. The period's MQLs and their engagements (UTC):

  A  MQL 05.11 10:00, won 20.11, 100 000
       01.11 page view, keyword "fakturaprogram", Organic Search (no asset)
       03.11 download "Prisguide", Website, campaign Høst
       05.11 09:00 form "Kontakt oss", campaign Google Ads      (the last touch before MQL)
       25.11 webinar attended "Webinar"                          (after MQL: first touch only)
  B  MQL 10.11, won 28.11, 50 000
       08.11 download "Prisguide", keyword "regnskapsprogram", Paid Search, Google Ads
  C  MQL 12.11, lost 30.11:   11.11 download "E-bok", LinkedIn, campaign LinkedIn
  D  MQL 15.11, open:         16.11 page view "Priser", keyword "pris" (after its MQL)
  E  MQL 20.11, won 29.11 without an amount; no engagements
  F  MQL in October (not in the cohort), won in November, a "Prisguide" download

First touch = the earliest engagement carrying the thing; last touch = the latest one at or
before the MQL moment carrying it:
  first asset: A Prisguide, B Prisguide, C E-bok, D Priser, E none
  last asset:  A Kontakt oss, B Prisguide, C E-bok, D none (nothing before its MQL), E none
  first keyword: A fakturaprogram, B regnskapsprogram, D pris; C, E none
  last keyword: A fakturaprogram, B regnskapsprogram; C, D, E none
  first platform: A Organic Search, B Paid Search, C LinkedIn; D, E none
  first campaign: A Høst, B Google Ads, C LinkedIn; last campaign: A Google Ads, B Google
  Ads, C LinkedIn; D, E none
Won so far: A, B, E (3 of 5 MQLs).
"""

from __future__ import annotations

import pytest
from scorecard_data import SETTINGS, campaign, lead, new_store, utc

from smarketing_tui.commands.report_cmds import TOUCH_BY
from smarketing_tui.metrics import TOUCH_DIMENSIONS, MetricsEngine
from smarketing_tui.periods import parse_period

NOVEMBER = parse_period("2026-11", "Europe/Oslo")
AS_OF = utc("2026-12-10T12:00:00Z")


def _engagement(conn, lead_id, kind, at, asset=None, keyword=None, channel=None,
                campaign_name=None):
    conn.execute("INSERT INTO engagements (external_id, lead_id, kind, at, asset, keyword, "
                 "channel, campaign) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 (f"{lead_id}|{kind}|{at}", lead_id, kind, at, asset, keyword, channel,
                  campaign_name))
    conn.commit()


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    conn = new_store(tmp_path_factory.mktemp("attribution"))
    a = lead(conn, "A", mql_at="2026-11-05T10:00:00Z", won_at="2026-11-20T10:00:00Z",
             amount=100_000)
    _engagement(conn, a, "page_view", "2026-11-01T10:00:00Z", keyword="fakturaprogram",
                channel="Organic Search")
    _engagement(conn, a, "download", "2026-11-03T10:00:00Z", asset="Prisguide",
                channel="Website", campaign_name="Høst")
    _engagement(conn, a, "form", "2026-11-05T09:00:00Z", asset="Kontakt oss",
                campaign_name="Google Ads")
    _engagement(conn, a, "webinar_attended", "2026-11-25T10:00:00Z", asset="Webinar")
    b = lead(conn, "B", mql_at="2026-11-10T10:00:00Z", won_at="2026-11-28T10:00:00Z",
             amount=50_000)
    _engagement(conn, b, "download", "2026-11-08T10:00:00Z", asset="Prisguide",
                keyword="regnskapsprogram", channel="Paid Search", campaign_name="Google Ads")
    c = lead(conn, "C", mql_at="2026-11-12T10:00:00Z", lost_at="2026-11-30T10:00:00Z")
    _engagement(conn, c, "download", "2026-11-11T10:00:00Z", asset="E-bok", channel="LinkedIn",
                campaign_name="LinkedIn")
    d = lead(conn, "D", mql_at="2026-11-15T10:00:00Z")
    _engagement(conn, d, "page_view", "2026-11-16T10:00:00Z", asset="Priser", keyword="pris")
    lead(conn, "E", mql_at="2026-11-20T10:00:00Z", won_at="2026-11-29T10:00:00Z")
    f = lead(conn, "F", mql_at="2026-10-20T10:00:00Z", won_at="2026-11-21T10:00:00Z",
             amount=70_000)
    _engagement(conn, f, "download", "2026-10-19T10:00:00Z", asset="Prisguide")
    for name, spend in (("Google Ads", 30_000), ("Høst", 10_000), ("LinkedIn", 20_000)):
        campaign(conn, name, "2026-11-01", "2026-11-30", spend)
    yield MetricsEngine(conn, SETTINGS)
    conn.close()


def _groups(engine, name, by):
    result = engine.compute(name, NOVEMBER, AS_OF, by=by)
    return result, {g.key: (g.value, g.counts) for g in result.groups}


def test_mql_to_won_rate_by_first_and_last_touch_asset(engine):
    result, first = _groups(engine, "touch_mql_to_won_rate", "first_asset")
    assert result.value == pytest.approx(0.6)          # A, B, E won of 5 MQLs
    # Prisguide: A, B both won 2/2; E-bok C 0/1; Priser D 0/1; none: E 1/1
    assert {k: (v, c["won"], c["mqls"]) for k, (v, c) in first.items()} == {
        "Prisguide": (1.0, 2, 2), "E-bok": (0.0, 0, 1), "Priser": (0.0, 0, 1), None: (1.0, 1, 1)}
    _, last = _groups(engine, "touch_mql_to_won_rate", "last_asset")
    # Kontakt oss: A 1/1; Prisguide: B 1/1; E-bok: C 0/1; none: D, E -> 1/2
    assert {k: v for k, (v, _) in last.items()} == {
        "Kontakt oss": 1.0, "Prisguide": 1.0, "E-bok": 0.0, None: 0.5}


def test_mql_to_won_rate_by_first_and_last_touch_keyword_and_platform(engine):
    _, first = _groups(engine, "touch_mql_to_won_rate", "first_keyword")
    # fakturaprogram A 1/1, regnskapsprogram B 1/1, pris D 0/1, none C and E 1/2
    assert {k: v for k, (v, _) in first.items()} == {
        "fakturaprogram": 1.0, "regnskapsprogram": 1.0, "pris": 0.0, None: 0.5}
    _, last = _groups(engine, "touch_mql_to_won_rate", "last_keyword")
    # D's "pris" came after its MQL: none for C, D, E -> 1 won (E) of 3
    assert {k: v for k, (v, _) in last.items()} == {
        "fakturaprogram": 1.0, "regnskapsprogram": 1.0, None: pytest.approx(1 / 3)}
    _, platform = _groups(engine, "touch_mql_to_won_rate", "first_platform")
    assert {k: v for k, (v, _) in platform.items()} == {
        "Organic Search": 1.0, "Paid Search": 1.0, "LinkedIn": 0.0, None: 0.5}


def test_won_amount_by_first_touch_asset(engine):
    result, groups = _groups(engine, "touch_won_amount", "first_asset")
    # 100 000 (A) + 50 000 (B); E won without an amount; F is October's MQL
    assert result.value == 150_000 and result.counts["won"] == 3
    assert result.counts["without_amount"] == 1
    assert {k: v for k, (v, _) in groups.items()} == {
        "Prisguide": 150_000, "E-bok": 0, "Priser": 0, None: 0}


def test_cost_per_won_by_first_and_last_touch_campaign(engine):
    result, first = _groups(engine, "touch_cost_per_won", "first_campaign")
    # all spend 30 000 + 10 000 + 20 000 = 60 000 over 3 won MQLs = 20 000
    assert result.value == pytest.approx(20_000)
    # Høst 10 000 / 1 (A); Google Ads 30 000 / 1 (B); LinkedIn 20 000 / 0 won: none;
    # the leads without a touch campaign (D, E: 1 won) have no spend of their own
    assert {k: (v, c["spend"], c["won"]) for k, (v, c) in first.items()} == {
        "Høst": (10_000, 10_000, 1), "Google Ads": (30_000, 30_000, 1),
        "LinkedIn": (None, 20_000, 0), None: (None, None, 1)}
    _, last = _groups(engine, "touch_cost_per_won", "last_campaign")
    # A's last touch before its MQL is the Google Ads form: 30 000 / 2 (A, B) = 15 000
    assert last["Google Ads"][0] == pytest.approx(15_000)
    assert last["Høst"][0] is None and last["Høst"][1]["won"] == 0


def test_every_number_drills_down_to_its_leads(engine):
    drilled = engine.drill("touch_mql_to_won_rate", NOVEMBER, AS_OF)
    # won first, largest amount first (E has none), then C and D by MQL time; not F
    assert [(r["lead"], r["outcome"], r["first_asset"], r["last_asset"]) for r in drilled.rows] \
        == [("A", "won", "Prisguide", "Kontakt oss"), ("B", "won", "Prisguide", "Prisguide"),
            ("E", "won", None, None), ("C", "lost", "E-bok", "E-bok"),
            ("D", "open", "Priser", None)]
    assert drilled.total == 5
    assert drilled.rows[0]["first_keyword"] == "fakturaprogram"


def test_the_cli_offers_every_touch_breakdown():
    assert TOUCH_BY == TOUCH_DIMENSIONS


def test_the_funnel_by_first_touch_asset_shows_which_content_brings_customers(engine):
    from smarketing_tui.funnel import build_funnel

    funnel = build_funnel(engine.conn, SETTINGS, NOVEMBER, AS_OF, by="first_asset", cost=True)
    # Prisguide: A and B, both won, 150 000; E-bok C, Priser D: no win; none: E won (no amount).
    # No spend belongs to an asset: the cost columns are off.
    assert [(r.key, r.mqls, r.won, r.won_amount) for r in funnel.rows] == [
        ("Prisguide", 2, 2, 150_000), ("E-bok", 1, 0, 0), ("Priser", 1, 0, 0), (None, 1, 1, 0)]
    assert not funnel.with_cost and funnel.total.mql_to_won == pytest.approx(0.6)
    by_campaign = build_funnel(engine.conn, SETTINGS, NOVEMBER, AS_OF, by="first_campaign",
                               cost=True)
    rows = {r.key: (r.won, r.spend, r.cost_per_won) for r in by_campaign.rows}
    # Høst: A won, 10 000 spend -> 10 000 per won; Google Ads: B, 30 000; LinkedIn: C not won
    assert rows["Høst"] == (1, 10_000, 10_000) and rows["Google Ads"] == (1, 30_000, 30_000)
    assert rows["LinkedIn"] == (0, 20_000, None)
