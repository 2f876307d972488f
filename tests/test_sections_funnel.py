"""Funnel view: the hand-made cohort of the domain test on screen, b and w switch the view."""

from __future__ import annotations

import asyncio

from sections_harness import SectionTestApp, make_context
from smarketing_tui.periods import parse_period
from smarketing_tui.tui.sections.funnel import FunnelView, long_window
from test_sections_funnel_domain import _seed


def test_long_window_by_hand():
    week = parse_period("2026-W47", "Europe/Oslo")
    # 12 weeks ending with W47: W36 starts Monday 31.08.2026.
    window = long_window(week)
    assert (window.first_day.isoformat(), window.last_day.isoformat()) == ("2026-08-31",
                                                                            "2026-11-22")
    month = long_window(parse_period("2026-11", "Europe/Oslo"))
    assert (month.first_day.isoformat(), month.last_day.isoformat()) == ("2026-09-01",
                                                                         "2026-11-30")


def test_rows_and_toggles(workspace):
    context = make_context(workspace, "funnel", options={"by": "source"},
                           now="2026-11-23T08:00:00Z")
    _seed(context.session.conn)

    async def run():
        app = SectionTestApp(FunnelView, context)
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            table = app.section_view.query_one("DataTable")
            rows = [[c.plain for c in table.get_row_at(r)] for r in range(table.row_count)]
            await pilot.press("b")
            await app.workers.wait_for_complete()
            await pilot.pause()
            header = [str(c.label) for c in table.columns.values()][0]
            by_campaign = [table.get_row_at(r)[0].plain for r in range(table.row_count)]
            await pilot.press("w")
            await app.workers.wait_for_complete()
            await pilot.pause()
            summary = str(app.section_view.query_one("#funnel-summary").render())
        return rows, header, by_campaign, summary

    rows, header, by_campaign, summary = asyncio.run(run())
    # webinar: 3 MQLs, 2 accepted (2/3 = 66,7 %), 1 meeting (50 %), 1 won (100 %), 1/3 = 33,3 %
    # overall. Each stage: the count, a space, the share by format_value's rule (at most one
    # decimal, none when it rounds to zero) right-aligned in 6 cells ("66,7 %").
    assert rows[0] == ["webinar", "3", "2 66,7\u00a0%", "1   50\u00a0%", "1  100\u00a0%",
                       "33,3\u00a0%", "40\u00a0000"]
    # ads: 2 MQLs, 2 accepted, 1 meeting, 0 won: 0 % at the step and 0 % overall (main said
    # "0,0 %" overall); the total 1 of 5 won is 20 %, not "20,0 %".
    assert rows[1][4:6] == ["0    0\u00a0%", "0\u00a0%"] and rows[2][5] == "20\u00a0%"
    # Defect 11: "0,0 %" sat beside "0 %"; a share that rounds to a whole reads without ",0".
    assert not any(",0\u00a0%" in cell for row in rows for cell in row)
    assert rows[-1][:2] == ["Total", "5"]
    assert header == "Campaign"
    # Two MQLs each: ties go by name.
    assert by_campaign == ["Ads Q4", "Webinar Nov", "(no campaign)", "Total"]
    # The 12-week window also holds F (W46), won: 6 MQLs, 2 won.
    assert "MQLs of 31.08.–22.11.2026" in summary and "6 → " in summary and "2 won" in summary


def test_hostile_source_name_is_literal(workspace):
    context = make_context(workspace, "funnel", now="2026-11-23T08:00:00Z")
    conn = context.session.conn
    _seed(conn)
    conn.execute("UPDATE leads SET source = '[bold]ads[/] \x1b[2J' WHERE source = 'ads'")
    conn.commit()

    async def run():
        app = SectionTestApp(FunnelView, context)
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            table = app.section_view.query_one("DataTable")
            return [table.get_row_at(r)[0] for r in range(table.row_count)]

    names = asyncio.run(run())
    hostile = [cell for cell in names if "ads" in cell.plain]
    assert [cell.plain for cell in hostile] == ["[bold]ads[/] \u241b[2J"]
    assert not hostile[0].spans
