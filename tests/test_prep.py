"""Prep: my numbers on hand-made leads, and the prep screen driven by the Pilot."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from click.testing import CliRunner
from textual.widgets import DataTable, Input, Select

from smarketing_tui import prep, records
from smarketing_tui.agenda import load_agenda
from smarketing_tui.cli import cli
from smarketing_tui.meeting import MeetingSession
from smarketing_tui.tui.prep_screen import PersonPicker, PrepApp, PrepScreen, TalkingPointDialog
from test_minutes_support import insert_meeting

NOW = "2026-11-30T08:00:00Z"  # Monday 09:00 in Oslo; the weekly agenda reviews 23.-29.11 (W48)


def _lead(conn, external_id, owner, mql_at, *, campaign=None, touches=()):
    person = conn.execute("SELECT id FROM people WHERE name = ?", (owner,)).fetchone()[0]
    with conn:
        lead_id = conn.execute(
            "INSERT INTO leads (external_id, name, owner, owner_id, source, campaign, created_at, "
            "mql_at) VALUES (?, ?, ?, ?, 'webinar', ?, ?, ?)",
            (external_id, f"Lead {external_id}", owner, person, campaign, mql_at, mql_at)).lastrowid
        for at in touches:
            conn.execute("INSERT INTO lead_events (lead_id, type, outcome, at) "
                         "VALUES (?, 'call', 'attempted', ?)", (lead_id, at))


@pytest.fixture
def leads(db, workspace, monkeypatch):
    """Business hours Mon-Fri 08-16 Oslo (conftest); the SLA's speed to lead is 24 business
    hours = 3 business days.

    L1 Ola: MQL Mon 23.11 09:00 -> deadline Thu 26.11 09:00; first call Fri 27.11 09:00:
       late by Thu 09-16 (7 h) + Fri 08-09 (1 h) = 8 business hours. 1 touch.
    L2 Ola: MQL Tue 24.11 10:00, called 11:00 the same day: on time. 1 touch. Campaign C1.
    L3 Pål: MQL Mon 23.11 09:00, never contacted: late, but not Ola's.
    C1 "Webinar Nov", Kari's, 23.-29.11, 7 000 NOK: all 7 days in the week -> 7 000 NOK
       for its 1 MQL (L2) -> 7 000 NOK per MQL.
    """
    monkeypatch.setenv("SMARKETING_NOW", NOW)
    conn = db.conn
    _lead(conn, "L1", "Ola Hansen", "2026-11-23T08:00:00Z", touches=["2026-11-27T08:00:00Z"])
    _lead(conn, "L2", "Ola Hansen", "2026-11-24T09:00:00Z", campaign="Webinar Nov",
          touches=["2026-11-24T10:00:00Z"])
    _lead(conn, "L3", "Pål Sørensen", "2026-11-23T08:00:00Z")
    kari = conn.execute("SELECT id FROM people WHERE name = 'Kari Nordmann'").fetchone()[0]
    with conn:
        conn.execute("INSERT INTO campaigns (name, source, owner, owner_id, starts, ends, spend) "
                     "VALUES ('Webinar Nov', 'webinar', 'Kari Nordmann', ?, '2026-11-23', "
                     "'2026-11-29', 7000)", (kari,))
    return conn


def _numbers(conn, workspace, name):
    settings = workspace.settings()
    agenda = load_agenda(workspace.agenda_path("weekly"), settings)
    return prep.load_my_numbers(conn, workspace, settings, agenda, settings.person(name))


def test_a_sellers_numbers(leads, workspace):
    numbers = _numbers(leads, workspace, "Ola Hansen")
    assert numbers.period_label == "2026-W48"
    assert [line["id"] for line in numbers.team_lines] == ["speed_to_lead", "min_touches",
                                                          "meetings_booked"]
    assert numbers.late_rule == "24 business hours"
    assert [(lead.lead, lead.hours_late) for lead in numbers.late_leads] == [("L1", 8.0)]
    # Both of Ola's leads are open with 1 touch each, fewer than the SLA's k = 3.
    assert [(lead.lead, lead.touches) for lead in numbers.thin_leads] == [("L1", 1), ("L2", 1)]
    assert numbers.campaigns == [] and numbers.problems == []


def test_a_marketers_campaigns(leads, workspace):
    numbers = _numbers(leads, workspace, "Kari Nordmann")
    assert [line["id"] for line in numbers.team_lines] == ["mql_volume", "acceptance_rate"]
    assert [(c.name, c.mqls, c.spend, c.cost_per_mql) for c in numbers.campaigns] == [
        ("Webinar Nov", 1, 7000, 7000)]
    assert numbers.late_leads == [] and numbers.thin_leads == []


def test_prep_screen_writes_reach_the_meeting(workspace, db, monkeypatch):
    async def run():
        monkeypatch.setenv("SMARKETING_NOW", "2026-11-27T12:00:00Z")
        insert_meeting(db.conn, title="Weekly", started_at="2026-11-23T08:00:00Z",
                       ended_at="2026-11-23T08:45:00Z", period_label="2026-W47",
                       period_start="2026-11-15T23:00:00Z", period_end="2026-11-22T23:00:00Z")
        first = records.add_action_item(db.conn, "Call the webinar leads", owner="Ola Hansen",
                                        due=date(2026, 11, 30))
        second = records.add_action_item(db.conn, "Update the CRM stages", owner="Ola Hansen",
                                         due=date(2026, 12, 2))
        karis = records.add_action_item(db.conn, "Kari's own item", owner="Kari Nordmann", due=None)
        app = PrepApp(workspace, person="Ola Hansen")
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, PrepScreen)
            actions = screen.query_one("#actions", DataTable)
            assert actions.row_count == 2  # only Ola's open items
            await pilot.press("x")  # the first row (due first) is highlighted
            await pilot.pause()
            assert actions.row_count == 1
            await pilot.press("t")
            await pilot.pause()
            dialog = app.screen
            assert isinstance(dialog, TalkingPointDialog)
            await pilot.press(*"Webinar leads convert at half - why?")
            dialog.query_one("#section", Select).value = 2  # 3. Marketing activity
            dialog.query_one("#metric", Input).value = "mql_to_won_rate"
            await pilot.click("#ok")
            await pilot.pause()
            assert isinstance(app.screen, PrepScreen)
            assert screen.query_one("#points", DataTable).row_count == 1
            await pilot.press("q")
        assert records.get_action_item(db.conn, first).status == "done"
        assert records.get_action_item(db.conn, second).status == "open"

        # A meeting opened on the same store afterwards takes both up.
        monkeypatch.setenv("SMARKETING_NOW", "2026-11-30T08:00:00Z")
        agenda = load_agenda(workspace.agenda_path("weekly"), workspace.settings())
        session = MeetingSession.start(workspace, agenda)
        try:
            points = records.list_talking_points(session.conn, meeting_id=session.meeting_id)
            assert [(p.text, p.author, p.section_title, p.section_type, p.metric) for p in points] == [
                ("Webinar leads convert at half - why?", "Ola Hansen", "Marketing activity",
                 "activity", "mql_to_won_rate")]
            review = records.due_for_review(session.conn, session.previous_meeting_started_at(),
                                            session.today())
            # Done in prep since the last meeting, and Kari's item with no due date; the second
            # item is due 02.12, after the meeting day (30.11), so it waits.
            assert {(item.id, item.status) for item in review} == {(first, "done"), (karis, "open")}
        finally:
            session.close()

    asyncio.run(run())


def test_comment_and_raise_an_issue(workspace, db, monkeypatch):
    async def run():
        monkeypatch.setenv("SMARKETING_NOW", "2026-11-27T12:00:00Z")
        item = records.add_action_item(db.conn, "Call the webinar leads", owner="Ola Hansen",
                                       due=date(2026, 11, 30))
        app = PrepApp(workspace, person="ola@testfirma.no")  # an alias works too
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await pilot.press("c")
            await pilot.pause()
            await pilot.press(*"Half done", "enter")
            await pilot.pause()
            await pilot.press("i")
            await pilot.pause()
            await pilot.press(*"Weekend leads wait [bold]", "enter", *"12 leads last weekend", "enter")
            await pilot.pause()
            issues = app.screen.query_one("#issues", DataTable)
            assert issues.row_count == 1
            assert str(issues.get_row_at(0)[3]) == "Weekend leads wait [bold]"
        assert records.get_action_item(db.conn, item).comment == "Half done"
        issue = records.list_issues(db.conn)[0]
        assert (issue.title, issue.detail, issue.origin, issue.raised_by, issue.team) == (
            "Weekend leads wait [bold]", "12 leads last weekend", "prep", "Ola Hansen", "sales")

    asyncio.run(run())


def test_undo_reopens_the_item_marked_done_by_mistake(workspace, db, monkeypatch):
    monkeypatch.setenv("SMARKETING_NOW", "2026-11-27T12:00:00Z")
    item = records.add_action_item(db.conn, "Call the webinar leads", owner="Ola Hansen",
                                   due=date(2026, 11, 30))

    async def run():
        app = PrepApp(workspace, person="Ola Hansen")
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await pilot.press("x")
            await pilot.pause()
            assert records.get_action_item(db.conn, item).status == "done"
            await pilot.press("u")
            await pilot.pause()
            assert app.screen.query_one("#actions", DataTable).row_count == 1

    asyncio.run(run())
    assert records.get_action_item(db.conn, item).status == "open"
    assert [h["kind"] for h in records.action_history(db.conn, item)] == ["done", "reopened"]


def test_question_mark_lists_the_prep_keys_and_the_bar_keeps_it_in_reach(workspace, db):
    from smarketing_tui.tui.keybar import KeyBar
    from smarketing_tui.tui.modals import HelpScreen

    async def run():
        app = PrepApp(workspace, person="Ola Hansen")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            # x Done, u Undo done, c Comment, t Talking point, i Raise issue, l Timeline,
            # r Refresh, q Quit, ? Help: 6+11+9+15+13+10+9+6+6 = 85 > 80, so the palette's
            # label goes first; then 6+11+9+15+13+10 + ? Help 6 = 70, + 7 gaps = 77 fit and
            # r Refresh (9 + 1) would make 87: it and q Quit are on the help screen only.
            drawn = [key.display for key in app.screen.query_one(KeyBar).drawn]
            assert drawn == ["x", "u", "c", "t", "i", "l", "?"]
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            prep_keys = {key: text for key, text, _tooltip in app.screen.groups[0][1]}
            assert prep_keys["q"] == "Quit" and prep_keys["r"] == "Refresh"
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, PrepScreen)

    asyncio.run(run())


def test_the_lists_fit_their_column_at_80_by_24(workspace, db, monkeypatch):
    monkeypatch.setenv("SMARKETING_NOW", "2026-11-27T12:00:00Z")
    records.add_action_item(db.conn, "Call every webinar lead from the last two weeks "
                            "before the Thursday review", owner="Ola Hansen",
                            due=date(2026, 11, 30))
    records.raise_issue(db.conn, "Webinar leads convert at half the rate of search leads, "
                        "and nobody knows why yet", raised_by="Kari Nordmann", team="marketing")

    async def run():
        app = PrepApp(workspace, person="Ola Hansen")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            for name in ("#actions", "#issues"):
                table = app.screen.query_one(name, DataTable)
                # No column runs past the table's edge: the long text gave way with '…'.
                assert table.virtual_size.width <= table.size.width, name
                texts = [str(cell) for cell in table.get_row_at(0)]
                assert any(text.endswith("…") for text in texts), texts

    asyncio.run(run())


def test_without_a_name_a_picker_asks_who_is_prepping(workspace, db):
    async def run():
        app = PrepApp(workspace)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, PersonPicker)
            await pilot.press("down", "enter")  # people in smarketing.yaml order: Kari, Ola, Pål
            await pilot.pause()
            assert isinstance(app.screen, PrepScreen)
            assert app.screen.person.name == "Ola Hansen"

    asyncio.run(run())


def test_prep_as_an_unknown_person_is_one_line(workspace):
    result = CliRunner().invoke(cli, ["--workspace", str(workspace.root), "prep", "--as", "Ola Hanson"])
    assert result.exit_code == 2
    assert result.stderr == ("Error: unknown person 'Ola Hanson' (did you mean 'Ola Hansen'?); "
                             "people in smarketing.yaml: Kari Nordmann, Ola Hansen, Pål Sørensen\n")


def test_prep_with_an_unknown_agenda_is_one_line(workspace):
    result = CliRunner().invoke(cli, ["--workspace", str(workspace.root), "prep", "quarterly",
                                      "--as", "Ola Hansen"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: no agenda 'quarterly'")
