"""Corrections from the command line: ``decisions edit|delete|restore``, ``actions
edit|delete``, the revisions they keep, and the decision log's order (issue 9, defect 10)."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from smarketing_tui import records
from smarketing_tui.cli import cli
from test_minutes_support import build_meetings


@pytest.fixture
def built(db, workspace, monkeypatch):
    monkeypatch.setenv("COLUMNS", "260")
    monkeypatch.setenv("USER", "tester")
    monkeypatch.setenv("LOGNAME", "tester")
    return build_meetings(db.conn, monkeypatch)


def _invoke(workspace, *args):
    return CliRunner().invoke(cli, ["--workspace", str(workspace.root), *args])


def _dump(workspace) -> list[str]:
    conn = sqlite3.connect(workspace.db_path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def _revisions(db, kind, record_id):
    return db.conn.execute("SELECT change, field, old_value, new_value, by FROM revisions "
                           "WHERE kind = ? AND record_id = ? ORDER BY id",
                           (kind, record_id)).fetchall()


def test_decision_log_lists_in_the_order_taken_and_shows_when(workspace, db, built, monkeypatch):
    # Defect 10: the log said "oldest first" and listed #1, #2, #4, #3 with only a date, as
    # the demo's meeting of 01.12 took #4 (08:28) before #3 (08:32). Here #x is recorded
    # first but at 08:32, #y second at 08:28 (UTC 07:32 and 07:28: Oslo is UTC+1 in December).
    monkeypatch.setenv("SMARKETING_NOW", "2026-12-01T07:32:00Z")
    later = records.add_decision(db.conn, built["m2"], "Attendee lists within 24 hours")
    monkeypatch.setenv("SMARKETING_NOW", "2026-12-01T07:28:00Z")
    earlier = records.add_decision(db.conn, built["m2"], "Review the MQL queue at 09:00")
    assert later < earlier
    result = _invoke(workspace, "decisions", "--since", "01.12.2026")
    assert result.exit_code == 0, result.output
    rows = [[c.strip() for c in line.split("│")[1:-1]] for line in result.stdout.splitlines()
            if line.startswith("│") and line.split("│")[1].strip()]
    assert [(row[0], row[1]) for row in rows] == [(str(earlier), "01.12.2026 08:28"),
                                                  (str(later), "01.12.2026 08:32")]
    assert "Taken" in result.stdout


def test_decisions_edit_keeps_the_old_words_and_marks_the_log(workspace, db, built):
    result = _invoke(workspace, "decisions", "edit", str(built["d1"]), "--text",
                     "Webinar leads are called within 2 business hours", "--by", "kari nordmann")
    assert (result.exit_code, result.stdout) == (
        0, f"Corrected decision #{built['d1']}: Webinar leads are called within 2 business "
           "hours\n")
    assert records.get_decision(db.conn, built["d1"]).text == (
        "Webinar leads are called within 2 business hours")
    assert _revisions(db, "decision", built["d1"]) == [
        ("edit", "text", "Webinar leads are called within 4 business hours",
         "Webinar leads are called within 2 business hours", "Kari Nordmann")]
    log = json.loads(_invoke(workspace, "decisions", "--format", "json").stdout)["decisions"]
    edited = next(d for d in log if d["id"] == built["d1"])
    assert edited["amended"] is True
    assert [(r["old"], r["by"]) for r in edited["revisions"]] == [
        ("Webinar leads are called within 4 business hours", "Kari Nordmann")]
    assert not next(d for d in log if d["id"] == built["d2"])["amended"]
    table = _invoke(workspace, "decisions").stdout
    assert "2 business hours (amended)" in table
    md = _invoke(workspace, "decisions", "--format", "md").stdout
    assert "within 2 business hours *(amended)* |" in md


def test_without_by_the_login_name_is_kept(workspace, db, built):
    result = _invoke(workspace, "decisions", "edit", str(built["d2"]), "--text", "On-call seller")
    assert result.exit_code == 0, result.output
    assert _revisions(db, "decision", built["d2"])[0][4] == "tester"


def test_decisions_delete_leaves_the_log_and_restore_brings_it_back(workspace, db, built):
    result = _invoke(workspace, "decisions", "delete", str(built["d2"]), "--by", "Ola Hansen")
    assert result.exit_code == 0, result.output
    ids = [d["id"] for d in json.loads(
        _invoke(workspace, "decisions", "--format", "json").stdout)["decisions"]]
    assert ids == [built["d1"]]
    assert _revisions(db, "decision", built["d2"]) == [
        ("delete", None, "Route weekend leads to the on-call seller", None, "Ola Hansen")]
    again = _invoke(workspace, "decisions", "delete", str(built["d2"]))
    assert (again.exit_code, again.stderr) == (
        2, f"Error: decision #{built['d2']} is already deleted\n")
    assert _invoke(workspace, "decisions", "restore", str(built["d2"])).exit_code == 0
    ids = [d["id"] for d in json.loads(
        _invoke(workspace, "decisions", "--format", "json").stdout)["decisions"]]
    assert ids == [built["d1"], built["d2"]]


@pytest.mark.parametrize("args, message", [
    (("decisions", "edit", "999", "--text", "x"), "no decision #999"),
    (("decisions", "delete", "999"), "no decision #999"),
    (("decisions", "edit", "1", "--text", "   "), "a decision needs some text"),
    (("decisions", "edit", "1", "--text", "x", "--by", "Kary"),
     "--by: unknown person 'Kary'"),
    (("actions", "edit", "999", "--text", "x"), "no action item #999"),
    (("actions", "edit", "1"), "nothing to change; give --text, --owner or --due"),
    (("actions", "edit", "1", "--due", "31.02.2026"),
     "--due '31.02.2026' is not a date; expected dd.mm.yyyy or yyyy-mm-dd (or 'none' for no "
     "due date)"),
    (("actions", "edit", "1", "--owner", "Nobody"), "unknown person 'Nobody'"),
    (("actions", "delete", "999"), "no action item #999"),
])
def test_bad_corrections_are_one_line_exit_2_and_change_nothing(workspace, built, args,
                                                                   message):
    before = _dump(workspace)
    result = _invoke(workspace, *args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"Error: {message}") and result.stderr.count("\n") == 1
    assert _dump(workspace) == before


def test_bad_id_is_refused_before_the_store_is_opened(workspace, built):
    result = _invoke(workspace, "decisions", "edit", "-1", "--text", "x")
    assert result.exit_code == 2
    assert "is not an id" in result.output


def test_actions_edit_corrects_owner_and_due_with_revisions(workspace, db, built):
    # b2: "Report MQL → SQL by campaign", Kari Nordmann, due 07.12.2026, never carried over.
    result = _invoke(workspace, "actions", "edit", str(built["b2"]), "--owner", "ola hansen",
                     "--due", "14.12.2026", "--by", "Kari Nordmann")
    assert (result.exit_code, result.stdout) == (
        0, f"Corrected owner, due date of #{built['b2']}: Report MQL → SQL by campaign\n")
    item = records.get_action_item(db.conn, built["b2"])
    assert (item.owner, item.due, item.original_due) == ("Ola Hansen", "2026-12-14", "2026-12-14")
    assert _revisions(db, "action_item", built["b2"]) == [
        ("edit", "owner", "Kari Nordmann", "Ola Hansen", "Kari Nordmann"),
        ("edit", "due", "2026-12-07", "2026-12-14", "Kari Nordmann")]
    # a2 was carried over (20.11 -> 30.11): a correction of its due date leaves the promise
    # it was first given (original_due 20.11) for the completion rate.
    _invoke(workspace, "actions", "edit", str(built["a2"]), "--due", "2026-12-02")
    item = records.get_action_item(db.conn, built["a2"])
    assert (item.due, item.original_due) == ("2026-12-02", "2026-11-20")
    listed = json.loads(_invoke(workspace, "actions", "--format", "json").stdout)["items"]
    assert {i["id"]: i["amended"] for i in listed}[built["b2"]] is True


def test_actions_edit_of_what_it_already_says_writes_nothing(workspace, built):
    before = _dump(workspace)
    result = _invoke(workspace, "actions", "edit", str(built["b2"]), "--owner", "Kari Nordmann")
    assert (result.exit_code, result.stdout) == (
        0, f"Action item #{built['b2']} already reads so; nothing changed.\n")
    assert _dump(workspace) == before


def test_actions_delete_leaves_the_list(workspace, db, built):
    result = _invoke(workspace, "actions", "delete", str(built["b1"]))
    assert result.exit_code == 0, result.output
    listed = [i["id"] for i in json.loads(
        _invoke(workspace, "actions", "--all", "--format", "json").stdout)["items"]]
    assert built["b1"] not in listed and built["b2"] in listed
    done = _invoke(workspace, "actions", "done", str(built["b1"]))
    assert (done.exit_code, done.stderr) == (2, f"Error: no action item #{built['b1']}\n")
