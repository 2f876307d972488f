"""The SLA's exclude rules on every metric that counts leads, worked out by hand.

November 2026 in Europe/Oslo (UTC+1). The rules leave out rejected reasons duplicate,
student, competitor, existing customer and the source partner referral, compared without
case and with runs of whitespace as one space.

    lead  source              MQL (Nov)  what happened                            excluded as
    K1    ads                 02 09:00   accepted, call +1 h, meeting 5th, opp     -
                                         10th, won 20th (10000)
    K2    ads                 03 09:00   rejected " Duplicate " 12:00, no touches  duplicate
    K3    web                 04 09:00   rejected "STUDENT" 12:00, no touches      student
    K4    "Partner  Referral" 05 09:00   accepted, call +30 min, meeting 6th,      partner ref.
                                         opp 10th, won 25th (5000)
    K5    web                 06 09:00   rejected "no budget" 12:00, call +1 h     -
    K6    partner referral    Oct 20     opp Oct 25 (7000), lost 15 Nov            partner ref.
    K7    web                 Oct 21     opp Oct 26 (20000), open                  -
    K8    partner referral    Oct 22     opp Oct 27 (3000), open                   partner ref.

Campaign spend in November: 1000.
"""

from __future__ import annotations

import textwrap

import pytest
from scorecard_data import SETTINGS, campaign, event, lead, new_store, utc

from smarketing_tui.metrics import CATALOGUE, ExcludeRule, MetricsEngine
from smarketing_tui.periods import parse_period
from smarketing_tui.scorecard import build_scorecard, drill
from smarketing_tui.sla import load_sla

TZ = "Europe/Oslo"
NOVEMBER = parse_period("2026-11", TZ)
AFTER = utc("2026-12-10T12:00:00Z")
RULES = (ExcludeRule("rejected_reason", ("duplicate", "student", "competitor",
                                         "existing customer")),
         ExcludeRule("source", ("partner referral",)))

CALENDAR = {"hours": 24, "clock": "calendar"}
DUP_STUDENT_PARTNER = {"duplicate": 1, "partner referral": 1, "student": 1}

# metric: (params, value with the rules, excluded, value without them)
EXPECTED = {
    # Cohort kept: K1, K5 (excluded: K2, K3, K4; without the rules all five).
    "mqls": ({}, 2, DUP_STUDENT_PARTNER, 5),
    # Created in November: K1-K5, the same five as the cohort.
    "leads_created": ({}, 2, DUP_STUDENT_PARTNER, 5),
    # K1 accepted, K5 rejected: 1 / 2. Without: K1, K4 accepted, K2, K3, K5 rejected: 2 / 5.
    "acceptance_rate": ({}, 0.5, DUP_STUDENT_PARTNER, 0.4),
    # K1, K5 contacted within 24 h: 2 / 2. Without: K2, K3 never contacted (missed): 3 / 5.
    "first_contact_within": (CALENDAR, 1.0, DUP_STUDENT_PARTNER, 0.6),
    # K1, K5 1 h each: median 1. Without: 0.5, 1, 1: median 1 still.
    "hours_to_first_contact": ({"clock": "calendar"}, 1.0, DUP_STUDENT_PARTNER, 1.0),
    # Rejected MQLs: K5 (no budget). Without: K2, K3 too. The excluded are those rejected.
    "rejection_reasons": ({}, 1, {"duplicate": 1, "student": 1}, 3),
    # K1 1 touch, K5 1 touch: 2 / 2. Without: + K4's 1 touch: 3 / 5.
    "touches_per_mql": ({}, 1.0, DUP_STUDENT_PARTNER, 0.6),
    # Closed in November: K2, K3, K5 (rejected), K6 (lost); kept K5 with 1 touch < 3: 0 / 1.
    # Without: none of the four has 3 touches: 0 / 4.
    "min_touches_met": ({}, 0.0, DUP_STUDENT_PARTNER, 0.0),
    # Meetings in November: K1, K4 (excluded).
    "meetings_booked": ({}, 1, {"partner referral": 1}, 2),
    # Won in November: K1 (10000), K4 (5000, excluded).
    "won": ({}, 1, {"partner referral": 1}, 2),
    "won_amount": ({}, 10000, {"partner referral": 1}, 15000),
    # Lost in November: K6 (excluded): a real 0.
    "lost": ({}, 0, {"partner referral": 1}, 1),
    # Open at the end of November: K7 (20000), K8 (3000, excluded).
    "pipeline_amount": ({}, 20000, {"partner referral": 1}, 23000),
    # Cohort kept K1 (won), K5: 1 / 2. Without: K1, K4 won of 5.
    "mql_to_won_rate": ({}, 0.5, DUP_STUDENT_PARTNER, 0.4),
    # K1: 2 Nov 09:00 to 20 Nov 09:00 = 18 days. Without: K4 5th to 25th = 20: median 19.
    "median_days_mql_to_won": ({}, 18.0, {"partner referral": 1}, 19.0),
    # 1000 / 2 MQLs; without: 1000 / 5.
    "cost_per_mql": ({}, 500.0, DUP_STUDENT_PARTNER, 200.0),
    # No deals in the store: 1000 / 1 lead won; without: 1000 / 2.
    "cost_per_won": ({}, 1000.0, {"partner referral": 1}, 500.0),
    # The touch metrics follow the cohort as mql_to_won_rate (no engagements here: every
    # lead in the "not set" row): K1 won of K1, K5; without: K1, K4 won of 5.
    "touch_mql_to_won_rate": ({}, 0.5, DUP_STUDENT_PARTNER, 0.4),
    # Won so far of the cohort: K1 10000; without: + K4 5000.
    "touch_won_amount": ({}, 10000, DUP_STUDENT_PARTNER, 15000),
    # 1000 spend / 1 won (K1); without: 1000 / 2.
    "touch_cost_per_won": ({}, 1000.0, DUP_STUDENT_PARTNER, 500.0),
}


@pytest.fixture
def conn(tmp_path):
    connection = new_store(tmp_path)
    seed(connection)
    yield connection
    connection.close()


def seed(conn):
    k1 = lead(conn, "K1", source="ads", mql_at="2026-11-02T09:00:00Z",
              accepted_at="2026-11-02T10:00:00Z", meeting_at="2026-11-05T09:00:00Z",
              opportunity_at="2026-11-10T09:00:00Z", won_at="2026-11-20T09:00:00Z", amount=10000)
    event(conn, k1, "call", "2026-11-02T10:00:00Z")
    lead(conn, "K2", source="ads", mql_at="2026-11-03T09:00:00Z",
         rejected_at="2026-11-03T12:00:00Z", rejected_reason=" Duplicate ")
    lead(conn, "K3", source="web", mql_at="2026-11-04T09:00:00Z",
         rejected_at="2026-11-04T12:00:00Z", rejected_reason="STUDENT")
    k4 = lead(conn, "K4", source="Partner  Referral", mql_at="2026-11-05T09:00:00Z",
              accepted_at="2026-11-05T10:00:00Z", meeting_at="2026-11-06T09:00:00Z",
              opportunity_at="2026-11-10T09:00:00Z", won_at="2026-11-25T09:00:00Z", amount=5000)
    event(conn, k4, "call", "2026-11-05T09:30:00Z")
    k5 = lead(conn, "K5", source="web", mql_at="2026-11-06T09:00:00Z",
              rejected_at="2026-11-06T12:00:00Z", rejected_reason="no budget")
    event(conn, k5, "call", "2026-11-06T10:00:00Z")
    lead(conn, "K6", source="partner referral", mql_at="2026-10-20T09:00:00Z",
         opportunity_at="2026-10-25T09:00:00Z", amount=7000, lost_at="2026-11-15T09:00:00Z")
    lead(conn, "K7", source="web", mql_at="2026-10-21T09:00:00Z",
         opportunity_at="2026-10-26T09:00:00Z", amount=20000)
    lead(conn, "K8", source="partner referral", mql_at="2026-10-22T09:00:00Z",
         opportunity_at="2026-10-27T09:00:00Z", amount=3000)
    campaign(conn, "Nov", "2026-11-01", "2026-11-30", 1000, source="ads")
    # Each lead came in when it became an MQL (K1-K5 in November, K6-K8 in October).
    conn.execute("UPDATE leads SET created_at = mql_at")
    conn.commit()


def test_every_metric_that_counts_leads_is_in_this_test():
    counting = {name for name, metric in CATALOGUE.items() if metric.counted_leads is not None}
    assert set(EXPECTED) == counting


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_excluded_leads_are_left_out_and_reported(conn, name):
    params, value, excluded, without = EXPECTED[name]
    result = MetricsEngine(conn, SETTINGS, exclude=RULES).compute(name, NOVEMBER, AFTER, params)
    assert result.value == pytest.approx(value)
    assert result.excluded == excluded
    assert list(result.excluded.values()) == sorted(result.excluded.values(), reverse=True)
    plain = MetricsEngine(conn, SETTINGS).compute(name, NOVEMBER, AFTER, params)
    assert plain.value == pytest.approx(without)
    assert plain.excluded == {}


def test_counts_and_breakdowns_leave_the_excluded_out_too(conn):
    engine = MetricsEngine(conn, SETTINGS, exclude=RULES)
    result = engine.compute("acceptance_rate", NOVEMBER, AFTER, by="source")
    assert result.counts == {"mqls": 2, "accepted": 1, "rejected": 1, "undecided": 0}
    # Kept: K1 (ads, accepted) and K5 (web, rejected); K2 (ads) and K3 (web) are excluded.
    assert [(g.key, g.counts["mqls"]) for g in result.groups] == [("ads", 1), ("web", 1)]
    reasons = engine.compute("rejection_reasons", NOVEMBER, AFTER)
    assert [(g.key, g.value) for g in reasons.groups] == [("no budget", 1)]


def test_the_largest_reason_comes_first(conn):
    lead(conn, "K9", mql_at="2026-11-09T09:00:00Z", rejected_at="2026-11-09T10:00:00Z",
         rejected_reason="duplicate")
    result = MetricsEngine(conn, SETTINGS, exclude=RULES).compute("mqls", NOVEMBER, AFTER)
    assert list(result.excluded.items()) == [("duplicate", 2), ("partner referral", 1),
                                             ("student", 1)]


def test_a_lead_matching_two_rules_counts_once_under_the_first(conn):
    lead(conn, "K9", source="partner referral", mql_at="2026-11-09T09:00:00Z",
         rejected_at="2026-11-09T10:00:00Z", rejected_reason="competitor")
    result = MetricsEngine(conn, SETTINGS, exclude=RULES).compute("mqls", NOVEMBER, AFTER)
    assert result.value == 2
    assert result.excluded == {"duplicate": 1, "partner referral": 1, "student": 1,
                               "competitor": 1}


def test_the_drill_down_lists_the_excluded_leads_separately(conn):
    engine = MetricsEngine(conn, SETTINGS, exclude=RULES)
    result = engine.drill("mqls", NOVEMBER, AFTER)
    assert [row["lead"] for row in result.rows] == ["K5", "K1"]
    assert [(row["lead"], row["excluded"]) for row in result.excluded] == [
        ("K2", "duplicate"), ("K4", "partner referral"), ("K3", "student")]
    assert result.excluded_total == 3
    assert dict(result.excluded_columns)["excluded"] == "Excluded as"
    assert result.to_json()["excluded_total"] == 3
    late = engine.drill("first_contact_within", NOVEMBER, AFTER, CALENDAR)
    # Without the rules K2 and K3 would be listed as not contacted; now nobody is late.
    assert (late.rows, late.total) == ([], 0)
    assert [row["lead"] for row in late.excluded] == ["K2", "K4", "K3"]
    plain = MetricsEngine(conn, SETTINGS).drill("first_contact_within", NOVEMBER, AFTER, CALENDAR)
    # K2's deadline (4 Nov 09:00Z) passed longer ago than K3's: K2 first.
    assert [row["lead"] for row in plain.rows] == ["K2", "K3"]
    assert "excluded" not in plain.to_json()


def test_drill_downs_without_rules_keep_their_json(conn):
    result = MetricsEngine(conn, SETTINGS).drill("won", NOVEMBER, AFTER)
    assert set(result.to_json()) == {"title", "columns", "total", "rows"}


def test_deal_metrics_are_not_touched_by_lead_exclusions(conn):
    engine = MetricsEngine(conn, SETTINGS, exclude=RULES)
    assert engine.compute("win_rate", NOVEMBER, AFTER).excluded == {}


SLA = """\
exclude:
  - source: [partner referral]
commitments:
  - id: mql_volume
    team: marketing
    description: At least 2 MQLs a month
    metric: mqls
    period: month
    target: 2
    exclude:
      - rejected_reason: [duplicate]
  - id: meetings
    team: sales
    description: At least 1 meeting a month
    metric: meetings_booked
    period: month
    target: 1
"""


def test_a_commitments_rules_add_to_the_slas(conn, tmp_path):
    path = tmp_path / "sla.yaml"
    path.write_text(textwrap.dedent(SLA), encoding="utf-8")
    sla = load_sla(path, SETTINGS)
    card = build_scorecard(conn, sla, SETTINGS, NOVEMBER, AFTER)
    volume, meetings = card.commitments
    # mql_volume leaves out partner referral (the SLA's) and duplicate (its own): K1, K3, K5.
    assert (volume.actual, volume.result.excluded) == (3, {"duplicate": 1,
                                                           "partner referral": 1})
    # meetings only the SLA's: K1 (K4 is partner referral).
    assert (meetings.actual, meetings.result.excluded) == (1, {"partner referral": 1})
    _c, _p, rows = drill(conn, sla, SETTINGS, "mql_volume", NOVEMBER, AFTER)
    assert sorted(row["lead"] for row in rows.rows) == ["K1", "K3", "K5"]
    assert [(row["lead"], row["excluded"]) for row in rows.excluded] == [
        ("K2", "duplicate"), ("K4", "partner referral")]


def test_the_json_of_a_result_carries_the_excluded_counts(conn):
    result = MetricsEngine(conn, SETTINGS, exclude=RULES).compute("won", NOVEMBER, AFTER)
    assert result.to_json()["excluded"] == {"partner referral": 1}
    assert "excluded" not in MetricsEngine(conn, SETTINGS).compute(
        "won", NOVEMBER, AFTER).to_json()
