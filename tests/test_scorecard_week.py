"""The week under review: a weekly meeting's monthly line shows the week's own value beside
the month to the end of that week, and every line names the leads its SLA excluded.

The store is ``scorecard_data.week_under_review``: a meeting on Tue 8 Dec 2026 reviewing
2026-W49 (Mon 30 Nov to Sun 6 Dec). Worked out by hand:

* volume (MQLs a month, target 20, amber 10). W49's own: A1, A2, D1-D4 = 6. December to the
  end of W49 (Sun 6 Dec 23:59:59 local): D1-D4 = 4 (M1-M3 on Mon 7 Dec are after it; as of
  now December would hold 7). Business days Tue 1 to Fri 4 Dec = 4 of December's 23, so the
  share gone is 4/23: pro rata target 20 * 4/23 = 3.48, and 4 >= 3.48 is green; on pace
  for 4 / (4/23) = 23 of 20.
* accept (accepted / decided, target 50 %, amber 30 %). W49's own, as of now: accepted A1,
  A2, D1, D4 (D4 on Mon 7 Dec), rejected D2, D3 -> 4 / 6 = 66,7 %. December to the end of
  W49: D1 accepted, D2 and D3 rejected, D4 still undecided then -> 1 / 3 = 33,3 %: amber,
  judged on the month, though the week alone would be green. (As of now December would be
  D1, D4 accepted, D2, D3, M1 rejected -> 2 / 5 = 40 %.)
* weekly_volume (MQLs a week, target 5): judged over W49 itself, 6, green, no week beside.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from scorecard_data import WEEK_NOW, WEEK_SLA, utc, week_under_review

from smarketing_tui.cli import cli
from smarketing_tui.metrics import MetricsEngine
from smarketing_tui.minutes import load_minutes, render
from smarketing_tui.periods import judged_period, parse_period
from smarketing_tui.scorecard import build_scorecard, drill
from smarketing_tui.scorecard_text import excluded_text, progress_text, week_beside_month
from smarketing_tui.sla import load_sla
from smarketing_tui.store import open_store
from test_minutes_support import insert_meeting

NBSP = "\u00a0"
VOLUME_LINE = "W49 6 · December so far 4, on pace for 23 of 20"
ACCEPT_LINE = f"W49 66,7{NBSP}% · December so far 33,3{NBSP}%"


@pytest.fixture
def ws(workspace):
    workspace.sla_path.write_text(WEEK_SLA, encoding="utf-8")
    db = open_store(workspace.db_path, workspace.settings())
    week_under_review(db.conn)
    db.close()
    return workspace


@pytest.fixture
def excluded(monkeypatch):
    """The engine reports 3 duplicates and 1 student left out of acceptance_rate (the
    exclude rules land from another branch; the scorecard only shows what the result holds)."""
    compute = MetricsEngine.compute

    def with_exclusions(self, name, *args, **kwargs):
        result = compute(self, name, *args, **kwargs)
        if name == "acceptance_rate":
            result.excluded = {"duplicate": 3, "student": 1}
        return result

    monkeypatch.setattr(MetricsEngine, "compute", with_exclusions)


def card(ws, period="2026-W49", as_of=WEEK_NOW):
    settings = ws.settings()
    db = open_store(ws.db_path, settings)
    try:
        sla = load_sla(ws.sla_path, settings)
        return build_scorecard(db.conn, sla, settings, parse_period(period, settings.timezone),
                               utc(as_of))
    finally:
        db.close()


def lines(scorecard):
    return {c.commitment.id: c for c in scorecard.commitments}


def run(ws, *args):
    return CliRunner().invoke(cli, ["-w", str(ws.root), *args],
                              env={"SMARKETING_NOW": WEEK_NOW, "COLUMNS": "200"})


def test_the_month_is_cut_at_the_end_of_the_week_and_the_week_sits_beside_it(ws):
    by_id = lines(card(ws))
    volume, accept, weekly = by_id["volume"], by_id["accept"], by_id["weekly_volume"]
    assert (volume.period.label, volume.running) == ("2026-12", True)
    assert volume.result.as_of == utc("2026-12-06T22:59:59Z")  # Sun 6 Dec 23:59:59 in Oslo
    assert (volume.actual, volume.status) == (4, "green")
    assert volume.pace.elapsed_share == pytest.approx(4 / 23)
    assert volume.pace.text == "on pace for 23 of 20"
    assert (volume.week.period.label, volume.week.actual, volume.week.running) == (
        "2026-W49", 6, False)
    assert (accept.actual, accept.status) == (pytest.approx(1 / 3), "amber")
    assert accept.counts == {"mqls": 4, "accepted": 1, "rejected": 2, "undecided": 1}
    assert accept.week.actual == pytest.approx(4 / 6)
    assert accept.week.counts == {"mqls": 6, "accepted": 4, "rejected": 2, "undecided": 0}
    assert accept.pace is None  # a share has no pace
    # The weekly line is judged over the week itself, as of now: no week beside it.
    assert (weekly.period.label, weekly.actual, weekly.week) == ("2026-W49", 6, None)
    assert weekly.result.as_of == utc(WEEK_NOW)


def test_the_line_in_words_for_each_unit(ws):
    data = {c["id"]: c for c in card(ws).to_json()["commitments"]}
    assert week_beside_month(data["volume"]) == VOLUME_LINE       # a count has a pace
    assert week_beside_month(data["accept"]) == ACCEPT_LINE       # a share has none
    assert week_beside_month(data["weekly_volume"]) is None
    assert progress_text(data["weekly_volume"]) == ""
    # A week still running says so too: W50 as of Wed 9 Dec 12:00 holds M1-M3 -> 3; December
    # to then: D1-D4, M1-M3 = 7 over 6.5 of 23 business days -> on pace for 7 / (6.5/23) = 24.8.
    running = {c["id"]: c for c in card(ws, "2026-W50", "2026-12-09T11:00:00Z")
               .to_json()["commitments"]}
    assert week_beside_month(running["volume"]) == (
        "W50 so far 3 · December so far 7, on pace for 25 of 20")


def test_a_monthly_review_has_no_week_beside_its_lines(ws):
    data = {c["id"]: c for c in card(ws, "2026-12").to_json()["commitments"]}
    # December as of now: 7 MQLs; acceptance 2 / 5.
    assert (data["volume"]["actual"], data["volume"]["week"]) == (7, None)
    assert data["accept"]["actual"] == 0.4
    assert data["volume"]["judged_period"]["as_of"] == WEEK_NOW


def test_scorecard_json_carries_the_week_and_the_month_cut(ws):
    result = run(ws, "scorecard", "--period", "2026-W49", "--format", "json")
    assert result.exit_code == 0, result.output
    data = {c["id"]: c for c in json.loads(result.output)["commitments"]}
    accept = data["accept"]
    assert accept["judged_period"] == {
        "label": "2026-12", "kind": "month", "start": "2026-11-30T23:00:00Z",
        "end": "2026-12-31T23:00:00Z", "running": True, "as_of": "2026-12-06T22:59:59Z"}
    assert (accept["actual"], accept["status"]) == (0.333333, "amber")
    assert accept["week"] == {
        "label": "2026-W49", "kind": "week", "start": "2026-11-29T23:00:00Z",
        "end": "2026-12-06T23:00:00Z", "running": False, "actual": 0.666667,
        "counts": {"mqls": 6, "accepted": 4, "rejected": 2, "undecided": 0}, "excluded": {}}
    assert (data["volume"]["actual"], data["volume"]["week"]["actual"]) == (4, 6)
    assert data["weekly_volume"]["week"] is None
    assert data["weekly_volume"]["judged_period"]["as_of"] == WEEK_NOW


def test_cli_table_and_markdown_read_week_and_month(ws):
    table = run(ws, "scorecard", "--period", "2026-W49")
    assert table.exit_code == 0, table.output
    flat = " ".join(table.output.split())  # rich may wrap inside the cell
    assert " ".join(VOLUME_LINE.split()) in flat
    assert " ".join(ACCEPT_LINE.replace(NBSP, " ").split()) in flat.replace(NBSP, " ")
    assert "2026-12 to 06.12.2026" in flat
    md = run(ws, "scorecard", "--period", "2026-W49", "--format", "md")
    row = next(line for line in md.output.splitlines() if line.startswith("| accept:"))
    assert f"| 33,3{NBSP}% | ◐ at risk |" in row and f"| {ACCEPT_LINE} |" in row


def test_drill_opens_on_the_week(ws):
    settings = ws.settings()
    db = open_store(ws.db_path, settings)
    try:
        sla = load_sla(ws.sla_path, settings)
        week = parse_period("2026-W49", settings.timezone)
        commitment, shown, result = drill(db.conn, sla, settings, "accept", week, utc(WEEK_NOW))
    finally:
        db.close()
    # W49's MQLs not accepted as of now: D2 and D3 (rejected). December as of now would list
    # five (D2, D3, M1 rejected; M2, M3 undecided).
    assert (shown.label, result.total) == ("2026-W49", 2)
    assert sorted(row["lead"] for row in result.rows) == ["D2", "D3"]
    cli_rows = json.loads(run(ws, "drill", "volume", "--period", "2026-W49", "--format",
                              "json").output)
    assert (cli_rows["period"]["label"], cli_rows["total"]) == ("2026-W49", 6)


def test_excluded_text_largest_first():
    assert excluded_text({"student": 1, "duplicate": 3}) == "4 excluded: duplicate 3, student 1"
    assert excluded_text({"duplicate": 1200}) == f"1{NBSP}200 excluded: duplicate 1{NBSP}200"
    assert excluded_text({}) == "" and excluded_text(None) == ""


def test_exclusions_in_json_cli_and_csv(ws, excluded):
    data = {c["id"]: c for c in json.loads(run(ws, "scorecard", "--period", "2026-W49",
                                               "--format", "json").output)["commitments"]}
    assert data["accept"]["excluded"] == {"duplicate": 3, "student": 1}
    assert data["accept"]["week"]["excluded"] == {"duplicate": 3, "student": 1}
    assert data["volume"]["excluded"] == {}
    table = run(ws, "scorecard", "--period", "2026-W49")
    assert "4 excluded: duplicate 3, student 1" in " ".join(table.output.split())
    md = run(ws, "scorecard", "--period", "2026-W49", "--format", "md").output
    accept_row = next(line for line in md.splitlines() if line.startswith("| accept:"))
    assert "4 excluded: duplicate 3, student 1" in accept_row
    assert "excluded" not in next(line for line in md.splitlines()
                                  if line.startswith("| volume:"))
    csv_text = run(ws, "scorecard", "--period", "2026-W49", "--format", "csv").output
    assert '"{""duplicate"": 3, ""student"": 1}"' in csv_text


def test_markdown_minutes_show_the_week_beside_the_month_and_the_exclusions(ws, db, excluded):
    snapshot = card(ws).to_json()
    meeting = insert_meeting(db.conn, title="Weekly smarketing", started_at=WEEK_NOW,
                             ended_at="2026-12-08T08:45:00Z", period_label="2026-W49",
                             period_start="2026-11-29T23:00:00Z",
                             period_end="2026-12-06T23:00:00Z", snapshot=snapshot)
    text = render(load_minutes(db.conn, meeting, ws.settings()), "md")
    rows = {row.split(" | ")[1]: row for row in text.splitlines()
            if row.startswith("| ") and " | marketing | " in row}
    # Trend May-December as of the cut: no data before October (the store starts then),
    # October 0, November 2 (A1, A2), December 4 -> "·····", then ▁, 2/4 of the way (▅), █.
    assert rows["At least 20 MQLs a month"].endswith(f"| ≥ 20 | {VOLUME_LINE} | ·····▁▅█ |   |")
    # (The minutes' Markdown keeps the no-break space between a value and its unit.)
    assert f"| ≥ 50{NBSP}% | {ACCEPT_LINE}; 4 excluded: duplicate 3, student 1 |" in \
        rows["Half the decided MQLs are accepted"]
    assert "| ≥ 5 | 6 |" in rows["At least 5 MQLs a week"]


@pytest.mark.parametrize("week, as_of, month", [
    ("2026-W49", "2026-12-08T08:00:00Z", "2026-12"),  # 30 Nov - 6 Dec: Thursday 3 Dec
    ("2026-W44", "2026-11-02T08:00:00Z", "2026-10"),  # 26 Oct - 1 Nov: Thursday 29 Oct
    ("2026-W53", "2027-01-04T08:00:00Z", "2026-12"),  # 28 Dec - 3 Jan: Thursday 31 Dec
    ("2027-W01", "2027-01-11T08:00:00Z", "2027-01"),  # 4 - 10 Jan
    # A week still running, its Thursday not yet come: the month of the moment (Mon 30 Nov).
    ("2026-W49", "2026-11-30T10:00:00Z", "2026-11"),
    ("2026-W49", "2026-12-03T10:00:00Z", "2026-12"),  # ... and from Thursday on, December
])
def test_a_week_belongs_to_the_month_of_its_thursday(week, as_of, month):
    assert judged_period("month", parse_period(week, "Europe/Oslo"), utc(as_of)).label == month


def test_a_week_ending_on_the_first_is_judged_on_the_month_it_mostly_lies_in(ws):
    # W44 (26 Oct - 1 Nov) reviewed on Mon 2 Nov: October is complete, seen as of now (no cut:
    # it ended inside the week), no "so far", and no pace; the week's own value beside it.
    volume = lines(card(ws, "2026-W44", "2026-11-02T08:00:00Z"))["volume"]
    assert (volume.period.label, volume.running, volume.pace) == ("2026-10", False, None)
    assert volume.result.as_of == utc("2026-11-02T08:00:00Z")
    # The store's only October lead is no MQL: October 0, W44 0.
    assert (volume.actual, volume.week.actual) == (0, 0)
    data = next(c for c in card(ws, "2026-W44", "2026-11-02T08:00:00Z").to_json()["commitments"]
                if c["id"] == "volume")
    assert week_beside_month(data) == "W44 0 · October 0"
