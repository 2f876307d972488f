"""``smarketing actions``: the action item list, done and drop, exact messages and exit codes."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from smarketing_tui import records
from smarketing_tui.cli import cli
from test_minutes_support import build_meetings


@pytest.fixture
def built(db, workspace, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # rich tables unwrapped, so lines can be asserted
    return build_meetings(db.conn, monkeypatch)


def _invoke(workspace, *args):
    return CliRunner().invoke(cli, ["--workspace", str(workspace.root), "actions", *args])


def test_listing_shows_open_items_carry_overs_and_the_completion_rate(workspace, built):
    result = _invoke(workspace)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    rows = [line for line in lines if line.startswith("│")]
    # Open: A2 (carried once, due 30.11), B1 (30.11), B2 (07.12); by due date then id.
    assert [row.split("│")[1].strip() for row in rows] == [str(built[k]) for k in ("a2", "b1", "b2")]
    assert rows[0].split("│")[5].strip() == "1×"  # carried over once
    assert "Fix lead routing for Vipps" in rows[0] and "Kari Nordmann" in rows[0]
    # 2 of 3 items due 16.11-23.11 were done by their due date (see test_minutes_support).
    assert lines[-1] == ("Completion rate: 67\u00a0% (2 of 3) done by the due date over the last 4 "
                         "meetings — goal 90\u00a0%, below the goal")


def test_list_subcommand_is_the_same_as_the_bare_group(workspace, built):
    assert _invoke(workspace, "list").stdout == _invoke(workspace).stdout


def test_owner_filter_takes_aliases_and_all_includes_closed(workspace, built):
    result = _invoke(workspace, "--owner", "o. hansen", "--all", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["schema"] == "smarketing.actions/1"
    assert [(i["id"], i["status"]) for i in document["items"]] == [
        (built["a1"], "done"), (built["b1"], "open")]
    assert document["action_completion"] == {"done_on_time": 2, "total": 3, "rate": 0.6667,
                                             "goal": 0.9, "meets_goal": False, "meetings": 4}


def test_overdue_items_are_marked(workspace, built, monkeypatch):
    monkeypatch.setenv("SMARKETING_NOW", "2026-12-01T09:00:00Z")  # after the 30.11 due dates
    result = _invoke(workspace, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(int(r["id"]), r["overdue"]) for r in rows] == [
        (built["a2"], "yes"), (built["b1"], "yes"), (built["b2"], "no")]
    table = _invoke(workspace).stdout
    assert "30.11.2026 overdue" in table


def test_unknown_owner_is_one_line_with_a_suggestion(workspace, built):
    result = _invoke(workspace, "--owner", "Kari Nordmen")  # no name starts so
    assert result.exit_code == 2
    assert result.stderr == ("Error: unknown person 'Kari Nordmen' (did you mean 'Kari "
                             "Nordmann'?); people in smarketing.yaml: Kari Nordmann, Ola Hansen, "
                             "Pål Sørensen\n")


def test_done_marks_an_item_and_says_so(workspace, built, db):
    result = _invoke(workspace, "done", str(built["b1"]), "-m", "Rota in place", "--by", "Ola Hansen")
    assert (result.exit_code, result.stdout) == (0, f"Done: #{built['b1']} Set up an on-call rota "
                                                    "for weekends\n")
    item = records.get_action_item(db.conn, built["b1"])
    assert (item.status, item.comment) == ("done", "Rota in place")
    assert records.action_history(db.conn, built["b1"])[-1]["by"] == "Ola Hansen"
    again = _invoke(workspace, "done", str(built["b1"]))
    assert (again.exit_code, again.stdout) == (0, f"Action item #{built['b1']} was already done.\n")


def test_drop_marks_an_item_dropped(workspace, built, db):
    result = _invoke(workspace, "drop", str(built["b2"]), "--comment", "Covered by the BI team")
    assert (result.exit_code, result.stdout) == (0, f"Dropped: #{built['b2']} Report MQL → SQL by "
                                                    "campaign\n")
    assert records.get_action_item(db.conn, built["b2"]).status == "dropped"
    refused = _invoke(workspace, "done", str(built["b2"]))
    assert (refused.exit_code, refused.stderr) == (
        2, f"Error: action item #{built['b2']} was dropped; it cannot be done now\n")
    refused = _invoke(workspace, "drop", str(built["a1"]))
    assert (refused.exit_code, refused.stderr) == (
        2, f"Error: action item #{built['a1']} is done; it cannot be dropped\n")


def test_done_of_a_missing_item_is_exit_2(workspace, built):
    result = _invoke(workspace, "done", "999")
    assert (result.exit_code, result.stderr, result.stdout) == (2, "Error: no action item #999\n", "")
    result = _invoke(workspace, "drop", "999")
    assert (result.exit_code, result.stderr) == (2, "Error: no action item #999\n")


def test_a_non_numeric_id_is_a_usage_error(workspace, built):
    result = _invoke(workspace, "done", "abc")
    assert result.exit_code == 2
    assert "'abc' is not an id; expected a whole number" in result.stderr


def test_no_open_items(workspace, db):
    result = _invoke(workspace)
    assert result.exit_code == 0
    assert result.stdout == ("No open action items.\nCompletion rate: no action items were due in "
                             "the last 4 meetings — goal 90\u00a0%\n")


def test_csv_output_cannot_smuggle_formulas(workspace, db):
    records.add_action_item(db.conn, "=HYPERLINK(\"http://e.vil\")", owner=None, due=None)
    rows = list(csv.reader(io.StringIO(_invoke(workspace, "--format", "csv").stdout)))
    assert rows[1][1] == "'=HYPERLINK(\"http://e.vil\")"


def test_rich_markup_in_data_is_shown_literally(workspace, db, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    records.add_action_item(db.conn, "[bold red]Loud[/] text", owner=None, due=None)
    assert "[bold red]Loud[/] text" in _invoke(workspace).stdout
