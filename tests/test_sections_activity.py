"""Activity view: both teams' numbers reach the screen in Norwegian formats, data stays inert."""

from __future__ import annotations

import asyncio

from rich.console import Console

from sections_harness import SectionTestApp, make_context
from smarketing_tui.tui.sections.activity import ActivityView
from test_sections_activity_domain import _seed


def _text(renderable) -> str:
    console = Console(width=140, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def _run(context):
    async def run():
        app = SectionTestApp(ActivityView, context)
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            view = app.section_view
            return (_text(view.query_one("#activity-summary").content),
                    _text(view.query_one("#activity-report").content),
                    view.decision_context())
    return asyncio.run(run())


def test_marketing_week_on_screen(workspace):
    # The meeting on Monday 23.11.2026 reviews last week, 2026-W47 (see the domain test).
    context = make_context(workspace, "activity", team="marketing", now="2026-11-23T08:00:00Z")
    conn = context.session.conn
    _seed(conn)
    conn.execute("UPDATE campaigns SET name = '[bold]Ads[/] \x1b[2J Q4' WHERE name = 'Ads Q4'")
    conn.commit()
    summary, report, numbers = _run(context)
    assert "3 MQLs" in summary and "week before 3" in summary
    assert "spend 10\u00a0000\u00a0NOK" in summary           # 7000 + 3000, Norwegian format
    # Webinar Nov: 7 000 NOK in the period, 2 MQLs -> 3 500 NOK per MQL.
    assert "7\u00a0000" in report and "3\u00a0500" in report and "NOK/MQL" in report
    assert "[bold]Ads[/] \u241b[2J Q4" in report                 # literal, ESC neutralised
    assert "Year-end webinar" in report
    assert numbers["mqls_by_source"] == {"webinar": 2, "(no source)": 1, "ads": 0}


def test_sales_week_on_screen(workspace):
    context = make_context(workspace, "activity", team="sales", now="2026-11-23T08:00:00Z")
    _seed(context.session.conn)
    summary, report, numbers = _run(context)
    assert "5 touches · 3 first contacts · 1 meetings booked" in summary
    assert "1 won (50\u00a0000\u00a0NOK)" in summary and "1 lost (20\u00a0000\u00a0NOK)" in summary
    lines = [line for line in report.splitlines() if "Ola Hansen" in line]
    # Ola: 3 touches, 0 reached, 1 first contact, 1 meeting, 0 won, 0 NOK, 1 lost.
    assert lines[0].split()[2:9] == ["3", "0", "1", "1", "0", "0", "1"]
    assert (numbers["won_amount"], numbers["lost_amount"]) == (50000, 20000)
