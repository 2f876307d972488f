"""The numbers attached to an issue raised from a scorecard line, as people read them."""

from smarketing_tui.scorecard_text import evidence_lines

# A red line as the meeting screen attaches it: shares, a comparison, counts and a trend
# with months before the SLA began (None).
EVIDENCE = {
    "commitment": "min_touches", "team": "sales", "metric": "min_touches_met",
    "params": {"k": 3}, "period": "2026-11", "comparison": ">=", "target": 1,
    "amber": 0.9, "unit": "share", "actual": 0.546667, "status": "red",
    "counts": {"closed": 75, "met": 41, "short": 34}, "red_streak": 3,
    "trend": {"2026-03": 0.5, "2026-04": None, "2026-05": None, "2026-06": None,
              "2026-07": None, "2026-08": None, "2026-09": 0.6, "2026-10": 0.545455,
              "2026-11": 0.546667},
}


def test_evidence_reads_as_sentences_in_the_lines_unit():
    """Defect 4: the issue detail showed raw keys (``red_streak: 3``, ``params: k 3``)."""
    lines = evidence_lines(EVIDENCE)
    # By hand: 1 → "100 %" after "≥"; 0.9 → "90 %"; 0.546667 → 54.6667 % → "54,7 %";
    # the last 8 trend periods (2026-03 drops), None as "–", 0.545455 → "54,5 %"; counts
    # in the order the CLI and scorecard give them for this metric (met, short, closed);
    # k 3 → "3 touches".
    assert lines == [
        "2026-11: ○ off track, 54,7\u00a0% against a target of ≥ 100\u00a0% "
        "(at risk from 90\u00a0%), off track 3 periods in a row",
        "Counts: met 41 · short 34 · closed 75",
        "Trend: 2026-04 –, 2026-05 –, 2026-06 –, 2026-07 –, 2026-08 –, 2026-09 60\u00a0%, "
        "2026-10 54,5\u00a0%, 2026-11 54,7\u00a0%",
        "Measured: min touches met, 3 touches, team sales; SLA line min_touches"]
    assert not any("red_streak" in line or "params" in line for line in lines)


def test_evidence_reads_in_one_order_whatever_order_its_keys_were_stored_in():
    """Defect 4: the keys came in a different order per issue (demo, screen, hand-edited)."""
    reversed_keys = dict(reversed(list(EVIDENCE.items())))
    assert list(reversed_keys) != list(EVIDENCE)
    assert evidence_lines(reversed_keys) == evidence_lines(EVIDENCE)


def test_evidence_of_business_hours_reads_as_words():
    # hours 24 + clock business → "within 24 business hours"; 0.8 → "80 %".
    lines = evidence_lines({"metric": "mql_contacted_within", "unit": "share",
                            "params": {"hours": 24, "clock": "business"}, "actual": 0.8,
                            "comparison": ">=", "target": 0.9, "status": "amber"})
    assert lines == ["Status: ◐ at risk, 80\u00a0% against a target of ≥ 90\u00a0%",
                     "Measured: mql contacted within, within 24 business hours"]


def test_evidence_without_a_unit_reads_as_counts_and_none_gives_no_lines():
    assert evidence_lines({"actual": 12.0, "target": 25}) == [
        "Status: 12 against a target of 25"]
    assert evidence_lines(None) == [] and evidence_lines({}) == []


def test_evidence_of_a_weekly_meetings_monthly_line_holds_the_week_and_the_exclusions():
    from smarketing_tui.scorecard_text import issue_from_line

    line = {"id": "min_touches", "team": "sales", "description": "Three touches",
            "metric": "min_touches_met", "params": {"k": 3}, "comparison": ">=", "target": 1,
            "amber": 0.9, "unit": "share", "actual": 0.625, "status": "red",
            "counts": {"met": 45, "short": 27, "closed": 72}, "red_streak": 1,
            "judged_period": {"label": "2026-11", "running": True},
            "trend": [{"label": "2026-11", "actual": 0.625}],
            "week": {"label": "2026-W47", "actual": 0.608696},
            "excluded": {"duplicate": 3, "student": 1}}
    _title, _detail, evidence = issue_from_line(line, "2026-W47")
    assert evidence["week"] == {"2026-W47": 0.608696}
    assert evidence["excluded"] == {"duplicate": 3, "student": 1}
    lines = evidence_lines(evidence)
    # 0.608696 -> 60,8696 % -> "60,9 %"; 3 + 1 = 4 excluded, the larger reason first.
    assert "Week 2026-W47: 60,9\u00a0%" in lines
    assert "4 excluded: duplicate 3, student 1" in lines
    # A line without a week or exclusions attaches neither.
    plain = issue_from_line({**line, "week": None, "excluded": {}}, "2026-11")[2]
    assert "week" not in plain and "excluded" not in plain
