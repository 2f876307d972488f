"""Snapshots of the meeting shell at 80x24 and 120x40 (pytest-textual-snapshot).

The clock is frozen (the app's clock and SMARKETING_NOW), the agenda is made of
free sections, so only the shell's own drawing is compared: top bar, agenda
column with times and an overrun, the section area, the footer, the modals.
Update after an intended change with: pytest tests/test_tui_shell_snapshots.py --snapshot-update
"""

from __future__ import annotations

import pytest

from smarketing_tui.tui.app import SmarketingApp

from meeting_fixtures import FakeClock, settle
from test_tui_shell import SHELL_AGENDA

NOW = "2026-11-23T08:00:00Z"


@pytest.fixture
def shell_app(workspace, monkeypatch):
    monkeypatch.setenv("SMARKETING_NOW", NOW)
    path = workspace.agendas_dir / "shell.yaml"
    path.write_text(SHELL_AGENDA, encoding="utf-8")
    clock = FakeClock(NOW)
    app = SmarketingApp(workspace, agenda_path=path, clock=clock)
    return app, clock


async def _open(pilot, key: str, dialog: str) -> None:
    """Press ``key`` and wait until the dialog it opens is the screen."""
    await pilot.press(key)
    await settle(pilot)
    assert type(pilot.app.screen).__name__ == dialog


async def _walk(pilot, clock) -> None:
    """Opening 6 min (over its 5-minute box), then Numbers 2 min with a decision and a note."""
    await settle(pilot)
    clock.advance(360)
    await pilot.press("right_square_bracket")
    await settle(pilot)
    clock.advance(120)
    await _open(pilot, "d", "TextDialog")
    await pilot.press(*"Hire an SDR before Q1 [bold]now[/]", "enter")
    await settle(pilot)
    await _open(pilot, "n", "TextDialog")
    await pilot.press(*"Ads leads convert at 2 %", "enter")
    await settle(pilot)
    pilot.app.screen._refresh_clock()
    for toast in list(pilot.app._notifications):
        pilot.app._unnotify(toast)
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_meeting_screen(snap_compare, shell_app, size):
    app, clock = shell_app
    assert snap_compare(app, terminal_size=size, run_before=lambda pilot: _walk(pilot, clock))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_action_item_dialog(snap_compare, shell_app, size):
    app, clock = shell_app

    async def open_dialog(pilot):
        await settle(pilot)
        await _open(pilot, "a", "ActionItemDialog")
        await pilot.press(*"Call every webinar lead", "tab", *"Ola")
        await settle(pilot)  # the owner's completion ("Ola Hansen") comes from a worker
        assert pilot.app.screen.query_one("#owner").value == "Ola"

    assert snap_compare(app, terminal_size=size, run_before=open_dialog)


def test_help_screen(snap_compare, shell_app):
    app, clock = shell_app

    async def open_help(pilot):
        await settle(pilot)
        await _open(pilot, "question_mark", "HelpScreen")

    assert snap_compare(app, terminal_size=(120, 40), run_before=open_help)
