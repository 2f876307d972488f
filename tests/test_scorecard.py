"""The scorecard: status, pace, trend, red streaks, freshness, the JSON schema, drill-down.

Hand-made store (Europe/Oslo, Mon-Fri 08-16). As of Wed 18 Nov 2026 12:00 local (11:00Z).
"""

from __future__ import annotations

import textwrap

import pytest
from scorecard_data import SETTINGS, event, lead, new_store, utc

from smarketing_tui.periods import parse_period
from smarketing_tui.scorecard import SCHEMA, build_scorecard, drill
from smarketing_tui.sla import Commitment, load_sla

TZ = "Europe/Oslo"
AS_OF = utc("2026-11-18T11:00:00Z")

SLA_TEXT = """\
lead_definition: Sales-ready means a named buyer with a need.
commitments:
  - id: volume
    team: marketing
    description: At least 21 MQLs a month
    metric: mqls
    period: month
    target: 21
    amber: 15
  - id: speed
    team: sales
    description: 90% of MQLs contacted within 24 business hours
    metric: first_contact_within
    params: {hours: 24, clock: business}
    period: week
    target: 0.9
    amber: 0.8
  - id: accept
    team: marketing
    description: Half the decided MQLs are accepted
    metric: acceptance_rate
    period: month
    target: "50%"
  - id: lost_max
    team: sales
    description: At most 2 deals lost a month
    metric: lost
    period: month
    comparison: "<="
    target: 2
    amber: 4
"""


@pytest.fixture
def setup(tmp_path):
    conn = new_store(tmp_path)
    path = tmp_path / "sla.yaml"
    path.write_text(SLA_TEXT, encoding="utf-8")
    sla = load_sla(path, SETTINGS)
    lead(conn, created_at="2026-05-15T09:00:00Z")  # the data starts in May
    for _ in range(3):
        lead(conn, mql_at="2026-08-10T09:00:00Z")
    for _ in range(5):
        lead(conn, mql_at="2026-09-10T09:00:00Z")
    for _ in range(25):
        lead(conn, mql_at="2026-10-10T09:00:00Z")  # Saturday of W41, never contacted
    # November, before the as-of moment: 7 MQLs on Mon 2 Nov (W45), all contacted after an hour;
    # 3 accepted, 2 rejected, 2 undecided.
    decisions = ["accepted_at"] * 3 + ["rejected_at"] * 2 + [None] * 2
    for decision in decisions:
        fields = {decision: "2026-11-04T09:00:00Z"} if decision else {}
        lead_id = lead(conn, mql_at="2026-11-02T09:00:00Z", owner="Ola Sales", **fields)
        event(conn, lead_id, "call", "2026-11-02T10:00:00Z", "attempted")
    # W46: met (Mon 9 Nov 10:00 local, called 11:00 local) ...
    met = lead(conn, "MET", mql_at="2026-11-09T09:00:00Z", owner="Ola Sales")
    event(conn, met, "call", "2026-11-09T10:00:00Z")
    # ... never contacted: deadline Thu 12 Nov 10:00 local; as of Wed 18 Nov 12:00 local that is
    # Thu 6 h + Fri 8 + Mon 8 + Tue 8 + Wed 4 = 34 business hours late ...
    lead(conn, "SILENT", mql_at="2026-11-09T09:00:00Z", owner="Pia Sales")
    # ... and late: MQL Tue 10 Nov 10:00 local, deadline Fri 13 Nov 10:00, called 12:00 = 2 h late.
    late = lead(conn, "LATE", mql_at="2026-11-10T09:00:00Z", owner="Pia Sales")
    event(conn, late, "email", "2026-11-13T11:00:00Z")
    # Deals lost: September 5, October 6, November (by the 18th) 5; none in August.
    for month, count in (("09", 5), ("10", 6), ("11", 5)):
        for _ in range(count):
            lead(conn, lost_at=f"2026-{month}-05T09:00:00Z")
    conn.execute("INSERT INTO imports (kind, file, source_label, started_at, finished_at, "
                 "newest_at) VALUES ('leads', 'leads.csv', 'HubSpot export', "
                 "'2026-11-18T05:59:00Z', '2026-11-18T06:00:00Z', '2026-11-18T05:00:00Z')")
    conn.commit()
    yield conn, sla
    conn.close()


def card_for(setup, period="2026-11", as_of=AS_OF):
    conn, sla = setup
    return build_scorecard(conn, sla, SETTINGS, parse_period(period, TZ), as_of)


def line(card, commitment_id):
    return next(c for c in card.commitments if c.commitment.id == commitment_id)


def test_running_month_is_judged_on_pace(setup):
    volume = line(card_for(setup), "volume")
    # 10 November MQLs so far. Business days: 12.5 of November's 21 have passed (2-17 Nov and
    # Wed 08-12), share 12.5 / 21 = 0.5952. Expected so far 21 * 0.5952 = 12.5; amber 15 * 0.5952
    # = 8.93; 10 is between -> amber. Projection 10 / 0.5952 = 16.8 -> "on pace for 17 of 21".
    assert (volume.actual, volume.status, volume.running) == (10, "amber", True)
    assert volume.pace.elapsed_share == pytest.approx(12.5 / 21)
    assert volume.pace.expected_so_far == pytest.approx(12.5)
    assert volume.pace.projected == pytest.approx(16.8)
    assert volume.pace.text == "on pace for 17 of 21"


def test_trend_is_eight_periods_oldest_first_and_no_data_before_the_store(setup):
    volume = line(card_for(setup), "volume")
    # April: before any data -> no data. May-July: 0 MQLs (a real zero) -> red. August 3, September
    # 5 -> red; October 25 -> green; November (running) -> amber on pace.
    assert [(p.label, p.actual, p.status) for p in volume.trend] == [
        ("2026-04", None, "no_data"), ("2026-05", 0, "red"), ("2026-06", 0, "red"),
        ("2026-07", 0, "red"), ("2026-08", 3, "red"), ("2026-09", 5, "red"),
        ("2026-10", 25, "green"), ("2026-11", 10, "amber")]
    assert volume.red_streak == 0


def test_weekly_commitment_in_a_monthly_review_and_its_counts(setup):
    speed = line(card_for(setup), "speed")
    # Judged over W46 (9-15 Nov), the last complete week of November as of the 18th:
    # met MET; missed SILENT (window closed Thu 12 Nov) and LATE -> 1 / 3 -> red (amber 0.8).
    assert speed.period.label == "2026-W46"
    assert speed.counts == {"mqls": 3, "met": 1, "missed": 2, "pending": 0}
    assert speed.actual == pytest.approx(1 / 3)
    assert speed.status == "red"
    assert speed.pace is None  # a share has no pace
    # W39..W46: W41 holds the 25 uncontacted October MQLs (0 %), W45 the 7 met ones (100 %).
    assert [(p.label, p.status) for p in speed.trend] == [
        ("2026-W39", "no_data"), ("2026-W40", "no_data"), ("2026-W41", "red"),
        ("2026-W42", "no_data"), ("2026-W43", "no_data"), ("2026-W44", "no_data"),
        ("2026-W45", "green"), ("2026-W46", "red")]
    assert speed.red_streak == 1


def test_acceptance_and_a_lower_is_better_commitment_with_red_streak(setup):
    card = card_for(setup)
    accept = line(card, "accept")
    # 3 accepted, 2 rejected, 5 undecided (2 of the 2 Nov MQLs and the 3 in W46) -> 3 / 5.
    assert accept.counts == {"mqls": 10, "accepted": 3, "rejected": 2, "undecided": 5}
    assert (accept.actual, accept.status) == (pytest.approx(0.6), "green")
    lost = line(card, "lost_max")
    # <= 2 (amber up to 4). November so far 5 against 2 * 0.5952 = 1.19 (amber 2.38): red.
    # October 6 and September 5: red; August 0: green -> 3 reds in a row.
    assert [p.status for p in lost.trend[-4:]] == ["green", "red", "red", "red"]
    assert (lost.actual, lost.status, lost.red_streak) == (5, "red", 3)


def test_weekly_review_judges_monthly_commitments_on_their_month(setup):
    card = card_for(setup, period="2026-W47")
    assert line(card, "volume").period.label == "2026-11"
    speed = line(card, "speed")
    # W47 (16-22 Nov) runs; no MQLs in it yet -> no data, not zero.
    assert (speed.period.label, speed.running, speed.actual, speed.status) == (
        "2026-W47", True, None, "no_data")


def test_freshness(setup):
    fresh = card_for(setup).freshness
    # Newest data 18 Nov 05:00Z, as of 11:00Z: 6 hours = 0.25 days; within a day -> not stale.
    assert fresh.newest_import == {"source_label": "HubSpot export", "file": "leads.csv",
                                   "finished_at": "2026-11-18T06:00:00Z",
                                   "newest_at": "2026-11-18T05:00:00Z"}
    assert (fresh.age_days, fresh.stale) == (pytest.approx(0.25), False)
    # Judged as of 10 Dec, November's data stops on 18 Nov: stale.
    later = card_for(setup, as_of=utc("2026-12-10T11:00:00Z")).freshness
    assert later.stale is True


def test_json_schema_shape(setup):
    data = card_for(setup).to_json()
    assert list(data) == ["schema", "generated_at", "as_of", "period", "lead_definition",
                          "freshness", "commitments"]
    assert data["schema"] == SCHEMA == "smarketing.scorecard/1"
    assert data["as_of"] == "2026-11-18T11:00:00Z"
    assert data["period"] == {"label": "2026-11", "kind": "month", "start": "2026-10-31T23:00:00Z",
                              "end": "2026-11-30T23:00:00Z", "running": True}
    assert data["lead_definition"] == "Sales-ready means a named buyer with a need."
    assert list(data["freshness"]) == ["newest_import", "age_days", "stale"]
    volume = data["commitments"][0]
    assert list(volume) == ["id", "team", "description", "metric", "params", "period_kind",
                            "judged_period", "comparison", "target", "amber", "unit", "actual",
                            "status", "counts", "pace", "trend", "red_streak", "week", "excluded"]
    # A monthly review: the month is seen as of the card's moment, no week beside it, nothing
    # excluded (this SLA has no exclude rules).
    assert volume["judged_period"]["as_of"] == "2026-11-18T11:00:00Z"
    assert (volume["week"], volume["excluded"]) == (None, {})
    assert (volume["id"], volume["comparison"], volume["target"], volume["amber"],
            volume["unit"], volume["actual"], volume["status"]) == (
        "volume", ">=", 21, 15, "count", 10, "amber")
    assert volume["pace"] == {"elapsed_share": 0.5952, "expected_so_far": 12.5,
                              "projected": 16.8, "text": "on pace for 17 of 21"}
    assert len(volume["trend"]) == 8
    assert volume["trend"][-1] == {"label": "2026-11", "actual": 10, "status": "amber"}
    speed = data["commitments"][1]
    assert speed["params"] == {"hours": 24, "clock": "business"}
    assert speed["counts"] == {"mqls": 3, "met": 1, "missed": 2, "pending": 0}


def test_drill_lists_the_leads_behind_a_miss(setup):
    conn, sla = setup
    commitment, judged, result = drill(conn, sla, SETTINGS, "speed",
                                       parse_period("2026-11", TZ), AS_OF)
    assert (commitment.id, judged.label, result.total) == ("speed", "2026-W46", 2)
    rows = [(r["lead"], r["owner"], r["status"], r["hours_late"], r["deadline"])
            for r in result.rows]
    assert rows == [
        ("SILENT", "Pia Sales", "not contacted", pytest.approx(34), "2026-11-12T09:00:00Z"),
        ("LATE", "Pia Sales", "late", pytest.approx(2), "2026-11-13T09:00:00Z")]


def test_drill_acceptance_and_limit(setup):
    conn, sla = setup
    _c, _p, result = drill(conn, sla, SETTINGS, "accept", parse_period("2026-11", TZ), AS_OF,
                           limit=3)
    # 2 rejected + 5 undecided = 7 rows; rejected first; 3 shown.
    assert (result.total, len(result.rows)) == (7, 3)
    assert [r["status"] for r in result.rows] == ["rejected", "rejected", "undecided"]


@pytest.mark.parametrize("comparison, target, amber, actual, status", [
    (">=", 10, 8, 10, "green"), (">=", 10, 8, 9, "amber"), (">=", 10, 8, 7.9, "red"),
    (">=", 10, None, 9, "red"), ("<=", 2, 4, 2, "green"), ("<=", 2, 4, 4, "amber"),
    ("<=", 2, 4, 5, "red"), (">=", 10, 8, None, "no_data"),
])
def test_status_rules(comparison, target, amber, actual, status):
    commitment = Commitment("x", "sales", "x", "mqls", {}, "month", comparison, target, amber,
                            "count")
    assert commitment.status(actual) == status


def test_empty_store_scorecard_is_all_no_data(tmp_path):
    conn = new_store(tmp_path)
    path = tmp_path / "sla.yaml"
    path.write_text(textwrap.dedent(SLA_TEXT), encoding="utf-8")
    card = build_scorecard(conn, load_sla(path), SETTINGS, parse_period("2026-11", TZ), AS_OF)
    assert {c.status for c in card.commitments} == {"no_data"}
    assert all(c.pace is None and c.red_streak == 0 for c in card.commitments)
    assert card.to_json()["freshness"] == {"newest_import": None, "age_days": None, "stale": True}
    conn.close()
