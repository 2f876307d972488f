"""The meeting screen's memory stays flat however often the room walks the agenda, and the
section views it keeps between visits still show fresh numbers.

Textual 8.2.8 keeps the drawn lines of every widget that ever painted in an lru_cache of
1024 entries (Textualize/textual#6665), so a screen that rebuilt its section view on every
move grew by about 4 MB per pass over the weekly agenda until that cache was full (some
50 MB later). The screen now keeps one view per section and shows it again.
"""

from __future__ import annotations

import gc
import resource
import sqlite3
from pathlib import Path

from smarketing_tui.tui.meeting_screen import MeetingScreen

from meeting_fixtures import WEEKLY, demo_app, run_async, settle

PASSES = 30
FEW_MB = 5.0  # allowed growth from pass 2 to pass 30; rebuilt views grew ~4 MB per pass


def resident_mb() -> float:
    """The process's resident memory in MB, after a full garbage collection (VmRSS from
    /proc; where there is no /proc, the peak, which cannot shrink either)."""
    gc.collect()
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _move(pilot, key: str, position: int) -> None:
    await pilot.press(key)
    await settle(pilot)
    assert pilot.app.screen.session.current == position


@run_async
async def test_thirty_passes_over_the_agenda_keep_memory_flat(demo_workspace):
    app = demo_app(demo_workspace)
    after_pass: dict[int, float] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        last = len(screen.session.sections) - 1
        assert last == WEEKLY["wrapup"]  # seven sections: six moves forward, six back
        for done in range(1, PASSES + 1):
            for position in range(1, last + 1):
                await _move(pilot, "right_square_bracket", position)
            for position in range(last - 1, -1, -1):
                await _move(pilot, "left_square_bracket", position)
            after_pass[done] = resident_mb()
        growth = after_pass[PASSES] - after_pass[2]
        assert growth < FEW_MB, (
            f"{growth:.1f} MB more after pass {PASSES} than after pass 2: "
            + ", ".join(f"{n}: {mb:.1f}" for n, mb in sorted(after_pass.items())))
        # One view per section, each built once, however many moves.
        assert len(screen.query(".section-view")) == last + 1


@run_async
async def test_a_view_shown_again_shows_what_changed_while_it_was_hidden(demo_workspace):
    app = demo_app(demo_workspace)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        for position in range(1, WEEKLY["issues"] + 1):
            await _move(pilot, "right_square_bracket", position)
        issues_view = screen.current_view
        assert issues_view.SECTION_TYPE == "issues"
        table = issues_view.query_one("#issues-table")
        assert table.row_count == 4  # the demo's four open issues

        # Raised with `i` in the marketing section, while the issues view is hidden ...
        for position in range(WEEKLY["issues"] - 1, WEEKLY["marketing"] - 1, -1):
            await _move(pilot, "left_square_bracket", position)
        assert not issues_view.display
        await pilot.press("i")
        await settle(pilot)
        assert type(app.screen).__name__ == "IssueDialog"
        await pilot.press(*"Webinar form drops UTM", "ctrl+s")  # saves from any field
        await settle(pilot)
        assert app.screen is screen
        # ... and one more from another connection (prep on another laptop, say).
        conn = sqlite3.connect(demo_workspace.db_path)
        with conn:
            conn.execute("INSERT INTO issues (title, status, raised_at, origin) "
                         "VALUES ('Pricing page is slow', 'open', '2026-11-23T07:00:00Z', "
                         "'prep')")
        conn.close()

        for position in range(WEEKLY["marketing"] + 1, WEEKLY["issues"] + 1):
            await _move(pilot, "right_square_bracket", position)
        assert screen.current_view is issues_view  # the same view, shown again
        assert issues_view.display and table.row_count == 4 + 2
        titles = {issue.title for issue in issues_view._issues.values()}
        assert {"Webinar form drops UTM", "Pricing page is slow"} <= titles
        assert screen.focused is table  # its table has the keys again


@run_async
async def test_r_reloads_a_view_that_was_shown_again(demo_workspace):
    app = demo_app(demo_workspace)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        for position in range(1, WEEKLY["marketing"] + 1):
            await _move(pilot, "right_square_bracket", position)
        view = screen.current_view
        logged = len(view.week.activities)
        await _move(pilot, "right_square_bracket", WEEKLY["sales"])
        await _move(pilot, "left_square_bracket", WEEKLY["marketing"])
        assert screen.current_view is view

        # The meeting reviews 2026-W47 (16.-22.11.2026): a webinar logged on its Thursday.
        conn = sqlite3.connect(demo_workspace.db_path)
        with conn:
            conn.execute("INSERT INTO activities (team, person, date, kind, title) "
                         "VALUES ('marketing', 'Kari', '2026-11-19', 'webinar', "
                         "'Late-logged webinar')")
        conn.close()
        assert len(view.week.activities) == logged  # not read until asked
        await pilot.press("r")
        await settle(pilot)
        assert len(view.week.activities) == logged + 1
        assert "Late-logged webinar" in [a.title for a in view.week.activities]
