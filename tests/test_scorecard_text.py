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


def test_evidence_reads_in_the_lines_unit_with_the_comparison_on_the_target():
    lines = evidence_lines(EVIDENCE)
    # By hand: 1 → "100 %" after "≥"; 0.9 → "90 %"; 0.546667 → 54.6667 % → "54,7 %";
    # the last 8 trend periods (2026-03 drops), None as "–", 0.545455 → "54,5 %"; counts
    # in the order the CLI and scorecard give them for this metric (met, short, closed).
    assert lines == [
        "commitment: min_touches", "team: sales", "metric: min_touches_met", "params: k 3",
        "period: 2026-11", "target: ≥ 100\u00a0%", "amber: 90\u00a0%",
        "actual: 54,7\u00a0%", "status: red", "counts: met 41 · short 34 · closed 75",
        "red_streak: 3",
        "trend: 2026-04 –, 2026-05 –, 2026-06 –, 2026-07 –, 2026-08 –, 2026-09 60\u00a0%, "
        "2026-10 54,5\u00a0%, 2026-11 54,7\u00a0%"]


def test_evidence_without_a_unit_reads_as_counts_and_none_gives_no_lines():
    assert evidence_lines({"actual": 12.0, "target": 25}) == ["actual: 12", "target: 25"]
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
    assert "week: 2026-W47 60,9\u00a0%" in lines
    assert "4 excluded: duplicate 3, student 1" in lines
    # A line without a week or exclusions attaches neither.
    plain = issue_from_line({**line, "week": None, "excluded": {}}, "2026-11")[2]
    assert "week" not in plain and "excluded" not in plain
