"""The clock on the meeting screen (issue 9): the section clock warns in its last minute and
once over, in a word and a symbol as well as a colour; a quiet notice and, when the agenda
asks, the bell a minute before the end; the whole meeting's forecast in the top bar."""

from __future__ import annotations

import pytest
from rich.console import Console

from meeting_fixtures import FakeClock, run_async, write_small_agenda


def _top_bar(app) -> str:
    from smarketing_tui.tui.meeting_screen import TopBar

    bar = app.screen.query_one(TopBar)
    console = Console(width=bar.size.width, color_system=None, record=True)
    console.print(bar.content)
    return console.export_text()


@pytest.mark.parametrize("bell", [False, True])
def test_the_last_minute_and_the_overrun_show_and_the_bell_rings_when_asked(workspace, bell):
    from smarketing_tui.tui.app import SmarketingApp

    path = write_small_agenda(workspace.agendas_dir)
    if bell:
        path.write_text(path.read_text(encoding="utf-8").replace(
            "minutes: 10\n", "minutes: 10\nbell: true\n", 1), encoding="utf-8")
    clock = FakeClock("2026-11-23T08:00:00Z")  # 09:00 in Oslo

    @run_async
    async def run():
        app = SmarketingApp(workspace, agenda_path=path, clock=clock)
        rings = []
        app.bell = lambda: rings.append(True)
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            await pilot.pause()
            screen = app.screen
            # Check-in: 2 min. At 0:59 nothing yet; 10 min planned, 9 of timeboxes: the
            # forecast is 2 + 3 + 4 = 9 min from 09:00, 1 min early.
            clock.advance(59)
            screen._refresh_clock()
            await pilot.pause()  # a notice is a message to the app
            text = _top_bar(app)
            assert "0:59 of 2:00" in text and "⏳" not in text and "⚠" not in text
            assert "ends ~09:09, 1 min early" in text
            assert not any("minute left" in n.message for n in app._notifications)
            # At 1:00, 60 s left: the last minute, once, with the bell if asked.
            clock.advance(1)
            screen._refresh_clock()
            screen._refresh_clock()
            await pilot.pause()
            assert "1:00 of 2:00 ⏳ 1 min left" in _top_bar(app)
            notices = [n.message for n in app._notifications if "minute left" in n.message]
            assert notices == ["1 minute left in Check-in"]
            assert rings == ([True] if bell else [])
            # At 3:00, a minute over: the clock says so; the forecast moves by that minute
            # (3 + 3 + 4 = 10 min: ends 09:10, on time).
            clock.advance(120)
            screen._refresh_clock()
            text = _top_bar(app)
            assert "3:00 of 2:00 ⚠ over" in text and "ends ~09:10, on time" in text
            # Another 2 min over: 5 + 3 + 4 = 12 min, 2 min over the 10 planned.
            clock.advance(120)
            screen._refresh_clock()
            assert "ends ~09:12, 2 min over" in _top_bar(app)
            assert rings == ([True] if bell else [])  # the bell rang once
    run()


def test_the_forecast_is_short_at_80_columns(workspace):
    from smarketing_tui.tui.app import SmarketingApp

    path = write_small_agenda(workspace.agendas_dir)
    clock = FakeClock("2026-11-23T08:00:00Z")

    @run_async
    async def run():
        app = SmarketingApp(workspace, agenda_path=path, clock=clock)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            clock.advance(300)  # Check-in 3 min over: 5 + 3 + 4 = 12 min, ends 09:12
            app.screen._refresh_clock()
            assert "~09:12 +2 min" in _top_bar(app)
    run()
