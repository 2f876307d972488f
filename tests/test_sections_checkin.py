"""Check-in view: p toggles attendance, Enter writes the check-in line, names stay inert."""

from __future__ import annotations

import asyncio

from sections_harness import SectionTestApp, make_context
from smarketing_tui.tui.sections.checkin import CheckinView


def _attendance(conn, meeting_id):
    return dict(((name, (present, checkin)) for name, present, checkin in conn.execute(
        "SELECT p.name, a.present, a.checkin FROM attendance a JOIN people p ON p.id = a.person_id "
        "WHERE a.meeting_id = ?", (meeting_id,))))


def test_p_toggles_and_enter_writes_checkin(workspace):
    context = make_context(workspace, "checkin")
    session = context.session

    async def run():
        app = SectionTestApp(CheckinView, context)
        async with app.run_test(size=(100, 30)) as pilot:
            # Rows sorted by team then name: Kari Nordmann (marketing), Ola Hansen, Pål Sørensen.
            await pilot.press("p")            # Kari: not marked -> here
            await pilot.press("down", "p")    # Ola: here
            await pilot.press("p")            # Ola again: away
            await pilot.press("enter")
            await pilot.pause()
            await pilot.press(*"Busy week")
            await pilot.press("enter")
            await pilot.pause()
            summary = str(app.section_view.query_one("#checkin-summary").render())
        return summary

    summary = asyncio.run(run())
    assert _attendance(session.conn, session.meeting_id) == {
        "Kari Nordmann": (1, None), "Ola Hansen": (0, "Busy week")}
    # Kari here, Ola away, Pål not marked: 1 of 3 here; marketing 1/1, sales 0/2.
    assert "1 of 3 here" in summary and "sales 0/2" in summary and "1 not marked" in summary


def test_all_present_marks_only_unmarked_people(workspace):
    context = make_context(workspace, "checkin")
    session = context.session
    session.set_present("Ola Hansen", False)

    async def run():
        app = SectionTestApp(CheckinView, context)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("A")
            await pilot.pause()

    asyncio.run(run())
    assert {k: v[0] for k, v in _attendance(session.conn, session.meeting_id).items()} == {
        "Kari Nordmann": 1, "Ola Hansen": 0, "Pål Sørensen": 1}


def test_hostile_checkin_text_is_shown_literally(workspace):
    context = make_context(workspace, "checkin")
    context.session.set_checkin("Kari Nordmann", "[bold]x[/] \x1b[2J")

    async def run():
        app = SectionTestApp(CheckinView, context)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            table = app.section_view.query_one("DataTable")
            cell = table.get_row_at(0)[3]
        return cell

    cell = asyncio.run(run())
    # The markup stays literal text with no style spans; ESC is shown as the control picture.
    assert cell.plain == "[bold]x[/] \u241b[2J" and not cell.spans


def test_checkin_shows_this_weeks_seating_and_reseats_when_someone_is_away(workspace):
    context = make_context(workspace, "checkin")
    session = context.session

    async def run():
        app = SectionTestApp(CheckinView, context)
        async with app.run_test(size=(100, 30)) as pilot:
            first = str(app.section_view.query_one("#checkin-seating").render())
            await pilot.press("down", "p", "p")  # Ola: here, then away
            await pilot.pause()
            after = str(app.section_view.query_one("#checkin-seating").render())
        return first, after

    first, after = asyncio.run(run())
    # One marketer (Kari) anchors the one group; both sellers sit with her until Ola is away.
    assert first == "Sit together:   1 Kari Nordmann · Ola Hansen, Pål Sørensen"
    assert after == "Sit together:   1 Kari Nordmann · Pål Sørensen"
    from smarketing_tui import seating

    assert seating.recorded_groups(session.conn, session.meeting_id) == [
        [("Kari Nordmann", "marketing"), ("Pål Sørensen", "sales")]]
