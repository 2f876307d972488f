"""A whole weekly meeting on the demo workspace, by keyboard, through the real app.

Attendance, action review, each section, a decision, an action item with owner
and due date, an issue solved, ratings, end; then everything is checked in the store.
"""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from smarketing_tui.demo import build_demo
from smarketing_tui.tui.app import SmarketingApp
from smarketing_tui.tui.meeting_screen import MeetingScreen
from smarketing_tui.tui.modals import ConfirmDialog, ResumeDialog

from meeting_fixtures import FakeClock, run_async, settle

NOW = "2026-11-30T08:00:00Z"  # Monday 09:00 in Oslo: the meeting reviews 2026-W48


@pytest.fixture
def demo(tmp_path, monkeypatch):
    monkeypatch.delenv("SMARKETING_WORKSPACE", raising=False)
    monkeypatch.setenv("SMARKETING_NOW", NOW)
    return build_demo(tmp_path / "demo", today=date(2026, 11, 30))


async def _settle(pilot) -> None:
    await settle(pilot)  # until no worker runs (a view's worker starts after it mounts)


@run_async
async def test_a_whole_weekly_meeting_by_keyboard(demo):
    clock = FakeClock(NOW)
    app = SmarketingApp(demo, clock=clock)
    conn = sqlite3.connect(demo.db_path)
    open_issues_before = conn.execute(
        "SELECT COUNT(*) FROM issues WHERE status = 'open'").fetchone()[0]
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(pilot)
        if isinstance(app.screen, ResumeDialog):
            await pilot.press("n")
            await _settle(pilot)
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        session = screen.session
        assert session.period.label == "2026-W48"
        # The demo's imports finished this morning (05:38-06:04 UTC), after Saturday 28.11
        # 23:00 UTC, a day before W48 ends: the top bar shows no stale warning.
        assert [f.source_label for f in screen.freshness] == [
            "HubSpot export", "Pipedrive export", "Team activity log", "Campaign budget sheet"]
        assert not any(f.stale for f in screen.freshness)
        assert screen._freshness_text("yellow").plain == "HubSpot export, 2 hours old (+3 more)"

        # 1. Check-in: everyone here, then the highlighted (first) person away.
        await pilot.press("A", "p")
        clock.advance(180)
        # 2. Action review: the first item is done.
        await pilot.press("right_square_bracket")
        await _settle(pilot)
        assert screen.current_view.SECTION_TYPE == "action_review"
        await pilot.press("x")
        clock.advance(240)
        # 3. Marketing activity: a decision.
        await pilot.press("right_square_bracket")
        await _settle(pilot)
        await pilot.press("d", *"Move 20 % of the ads budget to webinars", "enter")
        clock.advance(400)
        # 4. Sales activity: an action item with owner and due date.
        await pilot.press("right_square_bracket")
        await _settle(pilot)
        await pilot.press("a", *"Call back every webinar MQL within a day", "tab", *"Jonas",
                          "tab", *"07.12.2026", "enter")
        clock.advance(500)  # 500 s > the 7-minute (420 s) timebox: an overrun
        # 5. Scorecard: shown, so the end freezes what was shown.
        await pilot.press("right_square_bracket")
        await _settle(pilot)
        assert screen.current_view.SECTION_TYPE == "scorecard"
        assert session.scorecard_shown is not None
        assert session.scorecard_shown["freshness"]["stale"] is False
        clock.advance(300)
        # 6. Issues: rank the highlighted one first, then solve it.
        await pilot.press("right_square_bracket")
        await _settle(pilot)
        await pilot.press("1", "s")
        await _settle(pilot)
        await pilot.press(*"Webinar leads go to the SDR queue", "enter",
                          *"SDRs own webinar follow-up", "enter",
                          *"Rewrite the routing rule", "enter", *"Siri Dæhlie", "enter",
                          *"14.12.2026", "enter")
        await _settle(pilot)
        clock.advance(600)
        # 7. Wrap-up: two ratings, then end.
        await pilot.press("right_square_bracket")
        await _settle(pilot)
        await pilot.press("8", "down", "9")
        await _settle(pilot)
        clock.advance(120)
        await pilot.press("E")
        await _settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await _settle(pilot)
        meeting_id = session.meeting_id
    assert app.return_value.how == "ended"

    status, snapshot = conn.execute("SELECT status, scorecard_snapshot FROM meetings WHERE id = ?",
                                    (meeting_id,)).fetchone()
    assert status == "ended" and '"commitments"' in snapshot
    present = conn.execute("SELECT present, COUNT(*) FROM attendance WHERE meeting_id = ? "
                           "GROUP BY present ORDER BY present", (meeting_id,)).fetchall()
    assert present == [(0, 1), (1, 8)]  # the demo has 9 people
    ratings = conn.execute("SELECT rating FROM attendance WHERE meeting_id = ? AND rating "
                           "IS NOT NULL ORDER BY rating", (meeting_id,)).fetchall()
    assert ratings == [(8,), (9,)]
    assert conn.execute("SELECT COUNT(*) FROM action_item_updates WHERE meeting_id = ? AND "
                        "kind = 'done'", (meeting_id,)).fetchone() == (1,)
    decisions = conn.execute("SELECT section_title, text, issue_id IS NOT NULL FROM decisions "
                             "WHERE meeting_id = ? ORDER BY id", (meeting_id,)).fetchall()
    assert decisions == [("Marketing activity", "Move 20 % of the ads budget to webinars", 0),
                         ("Issues", "SDRs own webinar follow-up", 1)]
    actions = conn.execute("SELECT section_title, text, owner, due FROM action_items "
                           "WHERE meeting_id = ? ORDER BY id", (meeting_id,)).fetchall()
    assert actions == [
        ("Sales activity", "Call back every webinar MQL within a day", "Jonas Haugen",
         "2026-12-07"),
        ("Issues", "Rewrite the routing rule", "Siri Dæhlie", "2026-12-14")]
    assert conn.execute("SELECT COUNT(*) FROM issues WHERE status = 'open'").fetchone() == (
        open_issues_before - 1,)
    assert conn.execute("SELECT resolution FROM issues WHERE solved_in_meeting = ?",
                        (meeting_id,)).fetchall() == [("Webinar leads go to the SDR queue",)]
    used = dict(conn.execute("SELECT position, used_seconds FROM meeting_sections "
                             "WHERE meeting_id = ?", (meeting_id,)).fetchall())
    # Each section got exactly the clock time spent in it (the fake clock moved only there).
    assert used == {0: 180, 1: 240, 2: 400, 3: 500, 4: 300, 5: 600, 6: 120}
