"""`smarketing scorecard`, `metrics` and `drill`: output formats, exit codes, exact messages."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from scorecard_data import event, lead

from smarketing_tui.cli import cli
from smarketing_tui.store import open_store

NOW = "2026-11-18T11:00:00Z"  # Wed 18 Nov 2026 12:00 in Oslo


@pytest.fixture
def ws(workspace):
    """The shared test workspace (with the shipped sla.yaml) and a few November leads."""
    db = open_store(workspace.db_path, workspace.settings())
    conn = db.conn
    lead(conn, created_at="2026-10-01T09:00:00Z")
    # Two MQLs in W46; one called within the hour, one [bold]never[/bold] contacted.
    quick = lead(conn, "Q1", name="Quick AS", mql_at="2026-11-09T09:00:00Z", owner="Ola Hansen",
                 source="web", accepted_at="2026-11-10T09:00:00Z")
    event(conn, quick, "call", "2026-11-09T10:00:00Z", "connected")
    lead(conn, "S1", name="[bold]Silent[/bold] AS", mql_at="2026-11-09T09:00:00Z",
         owner="Pål Sørensen", source="ads", rejected_at="2026-11-11T09:00:00Z",
         rejected_reason="Bad fit")
    db.close()
    return workspace


def run(ws, *args):
    runner = CliRunner()
    return runner.invoke(cli, ["-w", str(ws.root), *args], env={"SMARKETING_NOW": NOW,
                                                                 "COLUMNS": "160"})


def test_scorecard_json_follows_the_schema(ws):
    result = run(ws, "scorecard", "--period", "2026-11", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["schema"] == "smarketing.scorecard/1"
    assert data["period"]["label"] == "2026-11" and data["period"]["running"] is True
    ids = [c["id"] for c in data["commitments"]]
    assert ids == ["mql_volume", "acceptance_rate", "speed_to_lead", "min_touches",
                   "meetings_booked"]
    volume = data["commitments"][0]
    # 2 MQLs against 120 pro rata (12.5 / 21 of November gone): red, on pace for 2 / 0.595 = 3.4.
    assert (volume["actual"], volume["status"]) == (2, "red")
    assert volume["pace"]["text"] == "on pace for 3 of 120"
    speed = data["commitments"][2]
    # Judged over W46: Q1 met, S1 missed -> 50 %.
    assert (speed["judged_period"]["label"], speed["actual"]) == ("2026-W46", 0.5)
    assert speed["counts"] == {"mqls": 2, "met": 1, "missed": 1, "pending": 0}


def test_every_report_defaults_to_the_week_the_weekly_meeting_reviews(ws):
    # NOW is Wednesday 18.11 (W47); the weekly agenda reviews last week: W46, 9.-15.11, where
    # both MQLs of the fixture are (9.11). this-week (W47) would hold neither.
    card = json.loads(run(ws, "scorecard", "-f", "json").output)
    assert (card["period"]["label"], card["period"]["running"]) == ("2026-W46", False)
    speed = {c["id"]: c for c in card["commitments"]}["speed_to_lead"]
    assert (speed["judged_period"]["label"], speed["actual"]) == ("2026-W46", 0.5)
    metrics = json.loads(run(ws, "metrics", "mqls", "-f", "json").output)
    assert (metrics["period"]["label"], metrics["metrics"][0]["value"]) == ("2026-W46", 2)
    drill = json.loads(run(ws, "drill", "speed_to_lead", "-f", "json").output)
    assert (drill["period"]["label"], drill["total"]) == ("2026-W46", 1)  # S1, never contacted


def test_the_default_period_is_the_weekly_agendas_and_the_help_says_so():
    from smarketing_tui.agenda import DEFAULT_PERIOD as AGENDA_DEFAULTS
    from smarketing_tui.commands.report_cmds import DEFAULT_PERIOD

    assert DEFAULT_PERIOD == AGENDA_DEFAULTS["weekly"] == "last-week"
    for command in ("scorecard", "metrics", "drill"):
        result = CliRunner().invoke(cli, [command, "--help"], terminal_width=200,
                                    max_content_width=200)
        assert result.exit_code == 0
        assert "(default: last-week, the week the weekly meeting reviews)" in result.output


def test_scorecard_records_the_lead_definition_once(ws):
    assert run(ws, "scorecard", "-f", "json").exit_code == 0
    assert run(ws, "scorecard", "-f", "json").exit_code == 0
    db = open_store(ws.db_path)
    rows = db.conn.execute("SELECT first_seen_at, text FROM lead_definitions").fetchall()
    db.close()
    assert len(rows) == 1
    assert rows[0][0] == NOW and rows[0][1].startswith("A marketing qualified lead (MQL)")


def test_scorecard_table_shows_every_commitment(ws):
    result = run(ws, "scorecard", "--period", "2026-11")
    assert result.exit_code == 0, result.output
    for text in ("SLA scorecard – 2026-11 (01.11.–30.11.2026, running), "
                 "as of 18.11.2026 12:00", "○ off track",
                 "mql_volume", "speed_to_lead", "on pace for 3 of 120", "met 1 · missed 1",
                 "Lead definition:"):
        assert text in result.output


def test_scorecard_csv_and_markdown(ws):
    result = run(ws, "scorecard", "--period", "2026-11", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["id"] for r in rows] == ["mql_volume", "acceptance_rate", "speed_to_lead",
                                       "min_touches", "meetings_booked"]
    assert (rows[2]["period"], rows[2]["actual"], rows[2]["status"]) == ("2026-W46", "0.5", "red")
    assert json.loads(rows[2]["counts"]) == {"mqls": 2, "met": 1, "missed": 1, "pending": 0}
    md = run(ws, "scorecard", "--period", "2026-11", "--format", "md").output
    assert "| speed\\_to\\_lead: Sales makes first contact with 95% of MQLs within 24 business " \
           "hours | sales | 2026-W46 | ≥ 95\u00a0% | 50\u00a0% | ○ off track |" in md  # nbsp


def test_fail_on_red_exits_1(ws):
    assert run(ws, "scorecard", "--period", "2026-11", "--fail-on-red").exit_code == 1


@pytest.mark.parametrize("args, message", [
    (["scorecard", "--period", "2026-W60"],
     "Error: period '2026-W60': 2026 has ISO weeks 1 to 53\n"),
    (["scorecard", "--as-of", "tomorrow"],
     "Error: moment 'tomorrow' not understood; expected an ISO date or date-time such as "
     "2026-11-20 or 2026-11-20T14:00\n"),
    (["drill", "speed"], "Error: no commitment 'speed' in {sla} (did you mean 'speed_to_lead'?); "
                         "commitments: mql_volume, acceptance_rate, speed_to_lead, min_touches, "
                         "meetings_booked\n"),
    (["metrics", "mql"], "Error: unknown metric 'mql' (did you mean 'mqls'?); known metrics: "
                         "mqls, leads_created, acceptance_rate, first_contact_within, hours_to_first_contact, "
                         "rejection_reasons, touches_per_mql, min_touches_met, meetings_booked, "
                         "won, won_amount, lost, pipeline_amount, mql_to_won_rate, "
                         "median_days_mql_to_won, win_rate, deals_created, pipeline_created, "
                         "deals_won, deals_won_amount, average_won_deal, sales_cycle_days, "
                         "median_days_mql_to_deal_won, spend, cost_per_mql, cost_per_won, "
                         "touch_mql_to_won_rate, touch_won_amount, touch_cost_per_won, "
                         "demo_requests\n"),
    (["metrics", "first_contact_within:hours"],
     "Error: metric parameter 'hours' in 'first_contact_within:hours' is not key=value (e.g. "
     "first_contact_within:hours=4,clock=calendar)\n"),
    (["metrics", "demo_requests", "--by", "source"],
     "Error: custom metric demo_requests cannot be broken down --by source\n"),
])
def test_user_errors_exit_2_with_one_line(ws, args, message):
    result = run(ws, *args)
    assert result.exit_code == 2
    assert result.output == message.format(sla=ws.sla_path)


def test_bad_sla_file_is_reported_with_position(ws):
    text = ws.sla_path.read_text(encoding="utf-8").replace("metric: mqls", "metric: mqlz")
    ws.sla_path.write_text(text, encoding="utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "metric: mqlz" in t)
    result = run(ws, "scorecard")
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {ws.sla_path}:{line}:13: unknown metric 'mqlz' "
                                    "(did you mean 'mqls'?); known metrics: mqls, ")


def test_missing_sla_file(ws):
    ws.sla_path.unlink()
    result = run(ws, "scorecard")
    assert result.exit_code == 2
    assert result.output == (f"Error: no SLA file at {ws.sla_path}; 'smarketing init' ships a "
                             "template (agendas/sla.yaml), or pass --sla FILE\n")
    # metrics works without an SLA.
    assert run(ws, "metrics", "mqls", "-p", "2026-11").exit_code == 0


def test_metrics_json_with_breakdown_by_team(ws):
    result = run(ws, "metrics", "mqls", "acceptance_rate", "-p", "2026-11", "--by", "team",
                 "-f", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["schema"] == "smarketing.metrics/1"
    mqls, acceptance = data["metrics"]
    assert (mqls["value"], mqls["by"]) == (2, "team")
    # Both owners are sales people.
    assert [(g["key"], g["value"]) for g in mqls["groups"]] == [("sales", 2)]
    # 1 accepted, 1 rejected -> 0.5.
    assert acceptance["value"] == 0.5 and acceptance["counts"]["undecided"] == 0


def test_metrics_table_and_csv(ws):
    table = run(ws, "metrics", "-p", "2026-11")
    assert table.exit_code == 0
    assert "first_contact_within (hours=24,clock=business)" in table.output
    rows = list(csv.reader(io.StringIO(run(ws, "metrics", "rejection_reasons", "-p", "2026-11",
                                           "-f", "csv").output)))
    assert rows[0] == ["metric", "params", "by", "group", "value", "unit", "counts"]
    assert rows[1][:6] == ["rejection_reasons", "", "reason", "(total)", "1", "count"]
    assert rows[2][:5] == ["rejection_reasons", "", "reason", "Bad fit", "1"]


def test_drill_escapes_markup_in_data(ws):
    result = run(ws, "drill", "speed_to_lead", "-p", "2026-11")
    assert result.exit_code == 0, result.output
    # The lead's name is printed literally, not as rich markup.
    assert "[bold]Silent[/bold] AS" in result.output
    assert "not contacted" in result.output and "Pål Sørensen" in result.output


def test_drill_json(ws):
    result = run(ws, "drill", "acceptance_rate", "-p", "2026-11", "-f", "json")
    data = json.loads(result.output)
    assert (data["schema"], data["commitment"], data["total"]) == ("smarketing.drill/1",
                                                                   "acceptance_rate", 1)
    assert data["rows"][0]["lead"] == "S1" and data["rows"][0]["reason"] == "Bad fit"


def test_check_validates_the_sla(ws):
    assert run(ws, "check").exit_code == 0
