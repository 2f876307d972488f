"""Wrap-up view: ratings by key, the read-back, the completion rate, and E asks to end."""

from __future__ import annotations

import asyncio
from datetime import date

from sections_harness import SectionTestApp, make_context
from smarketing_tui import records
from smarketing_tui.tui.messages import EndMeetingRequested
from smarketing_tui.tui.sections.wrapup import WrapupView, average_rating


def test_average_rating_by_hand():
    # (8 + 10 + 6) / 3 = 8; unrated people do not count.
    assert average_rating([8, None, 10, 6]) == 8
    assert average_rating([None]) is None


def _ratings(conn, meeting_id):
    return dict(conn.execute("SELECT p.name, a.rating FROM attendance a JOIN people p "
                             "ON p.id = a.person_id WHERE a.meeting_id = ?", (meeting_id,)))


def test_number_keys_rate_and_move_on(workspace, monkeypatch):
    monkeypatch.setenv("SMARKETING_NOW", "2026-11-23T09:00:00Z")
    context = make_context(workspace, "wrapup")
    session = context.session
    session.set_present("Pål Sørensen", False)   # away: not in the rating list
    session.record_decision("Route [b]webinar[/b] leads to SDR")
    session.add_action_item("Set up routing", "Ola Hansen", date(2026, 11, 30))

    async def run():
        app = SectionTestApp(WrapupView, context)
        async with app.run_test(size=(100, 30)) as pilot:
            table = app.section_view.query_one("DataTable")
            names = [table.get_row_at(r)[0].plain for r in range(table.row_count)]
            await pilot.press("8")      # Kari 8, cursor moves to Ola
            await pilot.press("0")      # Ola 10
            await pilot.pause()
            summary = str(app.section_view.query_one("#wrapup-summary").render())
            readback = app.section_view.query_one("#wrapup-readback-text").render()
        return names, summary, str(readback)

    names, summary, readback = asyncio.run(run())
    assert names == ["Kari Nordmann", "Ola Hansen"]
    assert _ratings(session.conn, session.meeting_id) == {
        "Kari Nordmann": 8, "Ola Hansen": 10, "Pål Sørensen": None}
    # (8 + 10) / 2 = 9: "9", by format_value's rule (defect 11: "9,0" beside whole numbers).
    assert "Rating 9 (2 of 2 rated)" in summary
    assert "Route [b]webinar[/b] leads to SDR" in readback
    assert "Set up routing — Ola Hansen, due 30.11.2026" in readback


def test_completion_rate_against_goal(workspace, monkeypatch):
    monkeypatch.setenv("SMARKETING_NOW", "2026-11-16T09:00:00Z")
    conn = make_context(workspace, "checkin", now="2026-11-16T09:00:00Z").session.conn
    done = records.add_action_item(conn, "a", owner=None, due=date(2026, 11, 18))
    records.add_action_item(conn, "b", owner=None, due=date(2026, 11, 20))
    records.complete_action_item(conn, done)
    monkeypatch.setenv("SMARKETING_NOW", "2026-11-23T09:00:00Z")
    context = make_context(workspace, "wrapup")

    async def run():
        app = SectionTestApp(WrapupView, context)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            return str(app.section_view.query_one("#wrapup-summary").render())

    summary = asyncio.run(run())
    # Two items due 18.11 and 20.11 since the first meeting (16.11); one done in time: 50 %.
    assert "50\u00a0% (1 of 2), goal 90\u00a0%" in summary


def test_e_posts_end_meeting_requested(workspace):
    context = make_context(workspace, "wrapup")
    seen = []

    class Recorder(SectionTestApp):
        def on_end_meeting_requested(self, message: EndMeetingRequested) -> None:
            seen.append(message)

    async def run():
        app = Recorder(WrapupView, context)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("E")
            await pilot.pause()

    asyncio.run(run())
    assert len(seen) == 1
