"""Action review view: x/c/D/u write done, carried over and dropped to the store."""

from __future__ import annotations

import asyncio
from datetime import date

from sections_harness import SectionTestApp, make_context
from smarketing_tui import records
from smarketing_tui.tui.sections.action_review import ActionReviewView


def _seed(conn):
    # Three items due before the meeting on Monday 23.11.2026, one due later (not for review).
    ids = [records.add_action_item(conn, text, owner=owner, due=due)
           for text, owner, due in (
               ("Call back webinar leads", "Ola Hansen", date(2026, 11, 18)),
               ("Fix form routing", "Kari Nordmann", date(2026, 11, 20)),
               ("[bold]Hostile[/] \x1b[2J item", "Pål Sørensen", date(2026, 11, 22)),
               ("Plan Q1 campaigns", "Kari Nordmann", date(2026, 12, 15)))]
    return ids


def test_done_carry_drop_and_undo_write_to_the_store(workspace, monkeypatch):
    monkeypatch.setenv("SMARKETING_NOW", "2026-11-23T09:00:00Z")
    context = make_context(workspace, "action_review", now="2026-11-23T09:00:00Z")
    conn = context.session.conn
    ids = _seed(conn)

    async def run():
        app = SectionTestApp(ActionReviewView, context)
        async with app.run_test(size=(120, 40)) as pilot:
            table = app.section_view.query_one("DataTable")
            keys = [table.coordinate_to_cell_key((r, 0)).row_key.value
                    for r in range(table.row_count)]
            await pilot.press("x")                 # first item done
            await pilot.press("down", "c")         # second: carry over, modal opens
            await pilot.pause()
            # The date field holds a week ahead of today (23.11.2026 + 7 = 30.11.2026).
            default = app.screen.query_one("Input").value
            await pilot.press("enter")
            await pilot.pause()
            await pilot.press("down", "D")         # third dropped ...
            await pilot.press("u")                 # ... undone ...
            await pilot.press("D")                 # ... and dropped again
            await pilot.pause()
            summary = str(app.section_view.query_one("#action-summary").render())
        return keys, default, summary

    keys, default, summary = asyncio.run(run())
    assert keys == [str(i) for i in ids[:3]]  # the item due 15.12 is not due yet
    assert default == "30.11.2026"
    done, carried, dropped = (records.get_action_item(conn, i) for i in ids[:3])
    assert done.status == "done"
    assert (carried.status, carried.due, carried.original_due, carried.carried_over) == (
        "open", "2026-11-30", "2026-11-20", 1)
    assert dropped.status == "dropped"
    kinds = [h["kind"] for h in records.action_history(conn, ids[2])]
    assert kinds == ["dropped", "reopened", "dropped"]
    # Every update is tagged with this meeting.
    meetings = {r[0] for r in conn.execute("SELECT meeting_id FROM action_item_updates")}
    assert meetings == {context.session.meeting_id}
    assert "3 to review" in summary and "1 done" in summary and "1 carried over" in summary


def test_typed_carry_date_in_norwegian_format(workspace, monkeypatch):
    monkeypatch.setenv("SMARKETING_NOW", "2026-11-23T09:00:00Z")
    context = make_context(workspace, "action_review", now="2026-11-23T09:00:00Z")
    conn = context.session.conn
    ids = _seed(conn)

    async def run():
        app = SectionTestApp(ActionReviewView, context)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("c")
            await pilot.pause()
            app.screen.query_one("Input").value = ""
            await pilot.press(*"7.12.2026", "enter")
            await pilot.pause()
            # After carrying, the row shows the new date and stays in the list.
            cell = app.section_view.query_one("DataTable").get_row(str(ids[0]))[0]
        return cell

    cell = asyncio.run(run())
    assert records.get_action_item(conn, ids[0]).due == "2026-12-07"
    assert cell.plain == "→ 07.12.2026"


def test_hostile_item_text_is_literal(workspace, monkeypatch):
    monkeypatch.setenv("SMARKETING_NOW", "2026-11-23T09:00:00Z")
    context = make_context(workspace, "action_review", now="2026-11-23T09:00:00Z")
    ids = _seed(context.session.conn)

    async def run():
        app = SectionTestApp(ActionReviewView, context)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            return app.section_view.query_one("DataTable").get_row(str(ids[2]))[1]

    cell = asyncio.run(run())
    assert cell.plain == "[bold]Hostile[/] \u241b[2J item" and not cell.spans
