"""Enter moves to the next field however fast the keys come (issue 9, defect 8): typed as a
paste or a quick typist sends them, `Abc⏎Siri` puts Abc in What and Siri in Owner."""

from __future__ import annotations

import pytest
from textual import events
from textual.widgets import Input

from meeting_fixtures import demo_app, run_async, settle, walk_to


def _burst(app, keys: list[str]) -> None:
    """Every key handed to the app at once, as a terminal delivers a paste: no key waits
    for the one before it to be handled."""
    for key in keys:
        char = key if len(key) == 1 else ("\r" if key == "enter" else None)
        event = events.Key(key, char)
        event.set_sender(app)
        app._driver.send_message(event)


@pytest.mark.parametrize("how", ["press", "burst"])
def test_enter_moves_on_in_the_action_dialog_however_fast_the_keys_come(demo_workspace, how):
    from smarketing_tui.tui.modals import ActionItemDialog

    keys = ["A", "b", "c", "enter", "S", "i", "r", "i"]

    @run_async
    async def run():
        app = demo_app(demo_workspace)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("a")
            await settle(pilot)
            dialog = app.screen
            assert isinstance(dialog, ActionItemDialog)
            if how == "press":
                await pilot.press(*keys)
            else:
                _burst(app, keys)
            await settle(pilot)
            assert dialog.query_one("#text", Input).value == "Abc"
            assert dialog.query_one("#owner", Input).value == "Siri"
            # Enter twice more: on to the due date, then saved, owner completed.
            _burst(app, ["enter", "enter"]) if how == "burst" else await pilot.press(
                "enter", "enter")
            await settle(pilot)
            assert not isinstance(app.screen, ActionItemDialog)
            from smarketing_tui import records

            items = records.list_action_items(app.screen.session.conn,
                                              meeting_id=app.screen.session.meeting_id)
            assert [(item.text, item.owner) for item in items] == [("Abc", "Siri Dæhlie")]
    run()


def test_enter_moves_on_in_the_solve_dialog_however_fast_the_keys_come(demo_workspace):
    from smarketing_tui.tui.sections.issues import SolveIssue

    @run_async
    async def run():
        app = demo_app(demo_workspace)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await walk_to(pilot, "issues")
            await pilot.press("s")
            await settle(pilot)
            dialog = app.screen
            assert isinstance(dialog, SolveIssue)
            _burst(app, [*"Routed", "enter", *"SDRs", "enter", *"Rule", "enter", *"amir"])
            await settle(pilot)
            values = [dialog.query_one(f"#solve-{name}", Input).value
                      for name in ("resolution", "decision", "action", "owner")]
            assert values == ["Routed", "SDRs", "Rule", "amir"]
    run()
