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


def test_points_for_section_by_title_then_type():
    from smarketing_tui.agenda import SectionSpec
    from smarketing_tui.records import TalkingPoint
    from smarketing_tui.tui.sections.talking_points import points_for_section

    def point(pid, section_type, title):
        return TalkingPoint(pid, "weekly.yaml", section_type, title, "x", None, None, None,
                            "2026-11-22T10:00:00Z", None)

    marketing = SectionSpec(2, "Marketing activity", "activity", 7, "marketing")
    titles = {"Marketing activity", "Sales activity", "SLA scorecard"}
    points = [point(1, "activity", "Marketing activity"),   # by title: yes
              point(2, "activity", "Sales activity"),       # the other activity section: no
              point(3, "activity", None),                   # by type, no title: yes
              point(4, "activity", "Old title"),            # a title this agenda lacks: by type
              point(5, "scorecard", "SLA scorecard")]       # another section: no
    assert [p.id for p in points_for_section(points, marketing, titles)] == [1, 3, 4]
