"""Scorecard view on the demo data: red lines first, drill-down, a red line becomes an issue."""

from __future__ import annotations

import asyncio

import pytest

from sections_harness import demo_context
from sections_harness import SectionTestApp
from smarketing_tui import records
from smarketing_tui.minutes import context_pairs
from smarketing_tui.tui.sections.dialogs import TableModal
from smarketing_tui.scorecard_text import issue_from_line
from smarketing_tui.tui.sections.scorecard import ScorecardView, order_lines

NOW = "2026-11-23T08:00:00Z"


def test_helpers_by_hand():
    lines = [{"id": "a", "status": "green"}, {"id": "b", "status": "red", "red_streak": 1},
             {"id": "c", "status": "amber"}, {"id": "d", "status": "red", "red_streak": 3}]
    assert [x["id"] for x in order_lines(lines)] == ["d", "b", "c", "a"]


def test_issue_from_line_carries_the_numbers():
    line = {"id": "speed", "team": "sales", "description": "First contact within 2 hours",
            "metric": "first_contact_within", "params": {"hours": 2}, "comparison": ">=",
            "target": 0.95, "amber": 0.85, "unit": "share", "actual": 0.5, "status": "red",
            "counts": {"met": 5, "missed": 5}, "red_streak": 2,
            "judged_period": {"label": "2026-W47"},
            "trend": [{"label": "2026-W46", "actual": 0.6}, {"label": "2026-W47", "actual": 0.5}]}
    title, detail, evidence = issue_from_line(line, "2026-W47")
    assert title == "First contact within 2 hours: 50\u00a0% against ≥ 95\u00a0% (2026-W47)"
    assert "off track 2 periods in a row" in detail and "met 5, missed 5" in detail
    assert evidence["counts"] == {"met": 5, "missed": 5}
    assert evidence["trend"] == {"2026-W46": 0.6, "2026-W47": 0.5}


def test_red_first_drill_and_issue_with_evidence(tmp_path, monkeypatch):
    monkeypatch.setenv("SMARKETING_NOW", NOW)
    context = demo_context(tmp_path, "scorecard", now=NOW)
    session = context.session
    # The demo already holds an issue raised from the scorecard; take it off the list so the
    # key has a line of its own to raise.
    for issue in records.list_issues(session.conn):
        if issue.origin == "scorecard":
            records.drop_issue(session.conn, issue.id)

    async def run():
        app = SectionTestApp(ScorecardView, context)
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            view = app.section_view
            table = view.query_one("DataTable")
            statuses = [" ".join(table.get_row_at(r)[0].plain.split()[1:3])
                        for r in range(table.row_count)]
            first = view._current()
            await pilot.press("I")            # asks for the title, prefilled from the line
            await pilot.pause()
            await pilot.press("enter", "enter", "enter")  # title, detail, raised by: saved
            await pilot.pause()
            await pilot.press("I")            # a second press does not raise it twice
            await pilot.pause()
            marked = table.get_row(first["id"])[1].plain
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            modal = app.screen
            drill_rows = []
            if isinstance(modal, TableModal):
                drill_rows = modal.rows
            await pilot.press("escape")
            context_numbers = view.decision_context()
        return statuses, first, modal, drill_rows, context_numbers, marked

    statuses, first, modal, drill_rows, numbers, marked = asyncio.run(run())
    # Red lines come first, green last.
    order = {"off track": 0, "at risk": 1, "no data": 2, "on track": 3}
    assert statuses == sorted(statuses, key=order.get) and statuses[0] == "off track"
    issues = [i for i in records.list_issues(session.conn, "open") if i.origin == "scorecard"
              and i.evidence.get("commitment") == first["id"]]
    assert len(issues) == 1
    assert marked.endswith(f" ▲#{issues[0].id}")   # the line shows the issue it became
    evidence = issues[0].evidence
    assert (evidence["status"], evidence["actual"], evidence["counts"]) == (
        "red", first["actual"], first["counts"])
    assert isinstance(modal, TableModal) and drill_rows
    assert all("\x1b" not in cell.plain for row in drill_rows for cell in row)
    assert numbers["commitment"] == first["id"]
    # What the meeting saw is kept for the end of the meeting.
    assert session.scorecard_shown is not None
    assert context.extras["scorecard_snapshot"] is session.scorecard_shown


def test_status_colours_follow_the_theme(tmp_path, monkeypatch):
    monkeypatch.setenv("SMARKETING_NOW", NOW)
    context = demo_context(tmp_path, "scorecard", now=NOW)

    async def run():
        app = SectionTestApp(ScorecardView, context)
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            table = app.section_view.query_one("DataTable")
            before = str(table.get_row_at(0)[0].style)
            red_before = app.get_css_variables()["error"]
            app.theme = "gruvbox"
            await pilot.pause()
            await pilot.pause()
            after = str(table.get_row_at(0)[0].style)
            red_after = app.get_css_variables()["error"]
        return before, after, red_before, red_after

    before, after, red_before, red_after = asyncio.run(run())
    # The red line is drawn in the theme's error colour, before and after the switch.
    assert red_before != red_after
    assert before == f"bold {red_before}" and after == f"bold {red_after}"


def test_a_weekly_meeting_shows_the_week_beside_the_month(workspace, monkeypatch):
    """The week-under-review store (scorecard_data.week_under_review; the numbers are worked
    out in test_scorecard_week): W49 6 and 66,7 %, December to the end of W49 4 and 33,3 %."""
    from scorecard_data import WEEK_NOW, WEEK_SLA, week_under_review
    from sections_harness import make_context
    from smarketing_tui.metrics import MetricsEngine
    from smarketing_tui.store import open_store

    monkeypatch.setenv("SMARKETING_NOW", WEEK_NOW)
    workspace.sla_path.write_text(WEEK_SLA, encoding="utf-8")
    db = open_store(workspace.db_path, workspace.settings())
    week_under_review(db.conn)
    db.close()
    compute = MetricsEngine.compute

    def with_exclusions(self, name, *args, **kwargs):  # as the SLA's exclude rules will
        result = compute(self, name, *args, **kwargs)
        if name == "acceptance_rate":
            result.excluded = {"duplicate": 3, "student": 1}
        return result

    monkeypatch.setattr(MetricsEngine, "compute", with_exclusions)
    context = make_context(workspace, "scorecard", now=WEEK_NOW, period="2026-W49")

    async def run():
        app = SectionTestApp(ScorecardView, context)
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            view = app.section_view
            table = view.query_one("DataTable")
            headings = [column.label.plain for column in table.columns.values()]
            cells = {key.value: [cell.plain for cell in table.get_row(key)]
                     for key in table.rows}
            table.move_cursor(row=table.get_row_index("accept"))
            await pilot.pause()
            detail = view.query_one("#scorecard-detail-text").render().plain
            decided_on = view.decision_context()
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            modal = app.screen
            title = getattr(modal, "title_text", "")
            drilled = [[cell.plain for cell in row] for row in getattr(modal, "rows", [])]
        return headings, cells, detail, modal, title, drilled, decided_on

    headings, cells, detail, modal, title, drilled, decided_on = asyncio.run(run())
    nbsp = "\u00a0"
    assert headings == ["Status", "Commitment", "W49", "Dec so far", "Target", "Trend"]
    # Status, description, the week's own value, the month to the end of the week, target.
    assert cells["volume"][2:5] == ["6", "4", "≥ 20"]
    assert cells["accept"][2:5] == [f"66,7{nbsp}%", f"33,3{nbsp}%", f"≥ 50{nbsp}%"]
    assert cells["accept"][0] == "◐ at risk"                       # judged on the month
    assert cells["weekly_volume"][2:5] == ["6", "", "≥ 5"]      # a weekly line: its week
    flat = " ".join(detail.split())
    assert "judged over 2026-12 to 06.12.2026" in flat
    assert f"W49 66,7{nbsp}% · December so far 33,3{nbsp}%" in detail
    assert "4 excluded: duplicate 3, student 1" in flat
    # A decision taken on the line keeps both numbers, read in the line's unit in the minutes.
    assert (decided_on["period"], decided_on["actual"], decided_on["week"]) == (
        "2026-12", pytest.approx(1 / 3), {"2026-W49": pytest.approx(4 / 6)})
    assert ("Week 2026-W49", f"66,7{nbsp}%") in context_pairs(decided_on)
    # The drill-down opens on the week: W49's MQLs not accepted are D2 and D3.
    assert isinstance(modal, TableModal)
    assert title == "Half the decided MQLs are accepted — 2026-W49"
    assert sorted(row[0] for row in drilled) == ["D2", "D3"]
