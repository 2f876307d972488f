"""Issues view: ranking keys, solving with a decision and an action item, keep open, drop."""

from __future__ import annotations

import asyncio

from sections_harness import SectionTestApp, make_context
from smarketing_tui.meeting import MeetingSession
from smarketing_tui.tui.sections.base import SectionContext
from smarketing_tui import records
from smarketing_tui.tui.sections.issues import IssuesView, demote, match_person, promote, rerank


def test_rerank_promote_demote_by_hand():
    # [10, 20, 30] ranked; put 40 at place 2 -> [10, 40, 20, 30].
    assert rerank([10, 20, 30], 40, 2) == [10, 40, 20, 30]
    # Moving 30 to place 1 shifts the others down.
    assert rerank([10, 20, 30], 30, 1) == [30, 10, 20]
    # Place 3 when one issue is ranked: no gaps, it becomes 2nd.
    assert rerank([10], 40, 3) == [10, 40]
    assert rerank([10, 20], 10, None) == [20]
    assert promote([10, 20], 30) == [10, 20, 30]       # unranked joins at the end
    assert promote([10, 20, 30], 30) == [10, 30, 20]   # ranked moves up one
    assert promote([10, 20], 10) == [10, 20]           # already first
    assert demote([10, 20, 30], 10) == [20, 10, 30]
    assert demote([10, 20, 30], 30) == [10, 20]        # the last leaves the ranking
    assert demote([10, 20], 99) == [10, 20]


def _seed(conn):
    return [records.raise_issue(conn, title, team=team) for title, team in (
        ("Webinar leads not followed up", "sales"),
        ("MQL definition too loose", "marketing"),
        ("[red]Pricing[/] page \x1b[2J leads", None),
        ("CRM fields missing", "sales"))]


def _ranks(conn):
    return dict(conn.execute("SELECT id, rank FROM issues WHERE status = 'open'").fetchall())


def test_number_keys_rank_the_top_three(workspace, monkeypatch):
    monkeypatch.setenv("SMARKETING_NOW", "2026-11-23T09:00:00Z")
    context = make_context(workspace, "issues", options={"top": 3})
    conn = context.session.conn
    a, b, c, d = _seed(conn)

    async def run():
        app = SectionTestApp(IssuesView, context)
        async with app.run_test(size=(100, 30)) as pilot:
            # Rows start in raised order a, b, c, d (all unranked).
            await pilot.press("down", "down", "down", "1")   # d -> 1st; rows now d, a, b, c
            await pilot.pause()
            # The cursor stays on d (row 0); go to c (last row) and make it 2nd.
            await pilot.press("down", "down", "down", "2")   # rows d, c, a, b
            await pilot.press("down", "plus")                # a joins the ranking as 3rd
            await pilot.pause()
            summary = str(app.section_view.query_one("#issues-summary").render())
        return summary

    summary = asyncio.run(run())
    assert _ranks(conn) == {d: 1, c: 2, a: 3, b: None}
    assert "top 3 picked" in summary


def test_solve_records_decision_action_and_resolution(workspace, monkeypatch):
    monkeypatch.setenv("SMARKETING_NOW", "2026-11-23T09:00:00Z")
    context = make_context(workspace, "issues")
    session = context.session
    conn = session.conn
    a, *_ = _seed(conn)

    async def run():
        app = SectionTestApp(IssuesView, context)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("s")
            await pilot.pause()
            await pilot.press(*"SDR takes webinar leads", "enter")
            await pilot.press(*"Route webinar leads to SDR queue", "enter")
            await pilot.press(*"Set up routing rule", "enter")
            await pilot.press(*"ola hansen", "enter")
            # The due field holds a week ahead (23.11 + 7 = 30.11.2026); Enter there solves.
            await pilot.press("enter")
            await pilot.pause()
            state = app.section_view.query_one("DataTable").get_row(str(a))[4].plain
        return state

    state = asyncio.run(run())
    issue = records.get_issue(conn, a)
    assert (issue.status, issue.resolution) == ("solved", "SDR takes webinar leads")
    decisions = records.list_decisions(conn, session.meeting_id)
    assert [(x.text, x.issue_id) for x in decisions] == [("Route webinar leads to SDR queue", a)]
    actions = records.list_action_items(conn, meeting_id=session.meeting_id)
    assert [(x.text, x.owner, x.due, x.issue_id) for x in actions] == [
        ("Set up routing rule", "Ola Hansen", "2026-11-30", a)]
    assert state == "✓ solved"  # stays listed as solved in this meeting


def test_solve_refuses_unknown_owner_and_keep_open_and_drop(workspace, monkeypatch):
    monkeypatch.setenv("SMARKETING_NOW", "2026-11-23T09:00:00Z")
    context = make_context(workspace, "issues")
    conn = context.session.conn
    a, b, *_ = _seed(conn)

    async def run():
        app = SectionTestApp(IssuesView, context)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("s")
            await pilot.pause()
            await pilot.press(*"fixed", "enter", "enter", *"do it", "enter", *"Nobody", "enter")
            await pilot.press("enter")
            await pilot.pause()
            error = str(app.screen.query_one("#solve-error").render())
            await pilot.press("escape")
            await pilot.pause()
            await pilot.press("k")           # a kept open, cursor moves to b
            await pilot.press("D", "y")      # b dropped
            await pilot.pause()
            kept = app.section_view.query_one("DataTable").get_row(str(a))[4].plain
        return error, kept

    error, kept = asyncio.run(run())
    assert "Unknown person 'Nobody'" in error
    assert kept == "kept open"
    assert records.get_issue(conn, a).status == "open"
    assert records.get_issue(conn, b).status == "dropped"
    assert conn.execute("SELECT COUNT(*) FROM action_items").fetchone()[0] == 0


def test_hostile_issue_title_is_literal(workspace):
    context = make_context(workspace, "issues")
    ids = _seed(context.session.conn)

    async def run():
        app = SectionTestApp(IssuesView, context)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            return app.section_view.query_one("DataTable").get_row(str(ids[2]))[1]

    cell = asyncio.run(run())
    assert cell.plain == "[red]Pricing[/] page \u241b[2J leads" and not cell.spans


def test_match_person_by_hand():
    people = ["Ola Hansen", "Ola Nordmann", "Pål Sørensen"]
    assert match_person("pål", people) == "Pål Sørensen"        # the only name starting so
    assert match_person("ola hansen", people) == "Ola Hansen"   # exact, any case
    assert match_person("ola", people) is None                  # two names start with it
    assert match_person("", people) is None


def test_kept_open_is_stored_and_shown_after_a_resume(workspace, monkeypatch):
    # Defect 2 of issue 9: "kept open" lived in the view's memory only, so a resume forgot it.
    monkeypatch.setenv("SMARKETING_NOW", "2026-11-23T09:00:00Z")
    context = make_context(workspace, "issues")
    session = context.session
    a, b, *_ = _seed(context.session.conn)

    async def keep_first_open():
        app = SectionTestApp(IssuesView, context)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("k")  # the cursor starts on a
            await pilot.pause()

    asyncio.run(keep_first_open())
    session.leave()
    session.close()
    resumed = MeetingSession.resume(workspace, session.meeting_id, clock=session.clock)
    assert records.kept_open(resumed.conn, session.meeting_id) == {a}
    again = SectionContext(workspace=workspace, settings=resumed.settings, agenda=context.agenda,
                           section=context.section, session=resumed)

    async def states_after_resume():
        app = SectionTestApp(IssuesView, again)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            table = app.section_view.query_one("DataTable")
            return table.get_row(str(a))[4].plain, table.get_row(str(b))[4].plain

    assert asyncio.run(states_after_resume()) == ("kept open", "")
