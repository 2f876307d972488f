"""Talking points view: prep points with authors, grouped by section; I makes one an issue."""

from __future__ import annotations

import asyncio

from sections_harness import SectionTestApp, make_context
from smarketing_tui import records
from smarketing_tui.tui.sections.talking_points import TalkingPointsView


def test_points_claimed_by_the_meeting_are_listed_with_authors(workspace, monkeypatch):
    monkeypatch.setenv("SMARKETING_NOW", "2026-11-22T18:00:00Z")
    conn_ctx = make_context(workspace, "checkin")   # an earlier meeting of another run
    conn = conn_ctx.session.conn
    conn.execute("UPDATE meetings SET status = 'ended'")
    conn.commit()
    records.add_talking_point(conn, "weekly.yaml", "Webinar leads \x1b[31mred[/]",
                              author="Kari Nordmann",
                              section_type="scorecard", section_title="Scorecard",
                              metric="first_contact_within")
    records.add_talking_point(conn, "weekly.yaml", "Trade fair next week", author="Ola Hansen")
    records.add_talking_point(conn, "monthly.yaml", "Not for this agenda", author="Ola Hansen")
    context = make_context(workspace, "talking_points")   # claims the weekly points

    async def run():
        app = SectionTestApp(TalkingPointsView, context)
        async with app.run_test(size=(120, 40)) as pilot:
            table = app.section_view.query_one("DataTable")
            rows = [[c.plain for c in table.get_row_at(r)] for r in range(table.row_count)]
            await pilot.press("I")
            await pilot.pause()
        return rows

    rows = asyncio.run(run())
    assert rows == [["General", "Trade fair next week", "Ola Hansen", ""],
                    ["Scorecard", "Webinar leads \u241b[31mred[/]", "Kari Nordmann",
                     "first_contact_within"]]
    issue = records.list_issues(context.session.conn)[0]
    assert (issue.title, issue.origin, issue.evidence["author"]) == (
        "Trade fair next week", "prep", "Ola Hansen")
