"""The keys say what they do now (issue 9, defect 7): space reads Resume while the meeting is
paused, and the solve dialog's hint names the button it has."""

from __future__ import annotations

from textual.widgets import Button, Static

from meeting_fixtures import demo_app, run_async, settle, walk_to


def _space_label(app) -> str:
    from smarketing_tui.tui.keybar import KeyBar

    bar = app.screen.query_one(KeyBar)
    return next(key.description for key in bar.drawn if key.key == "space")


def test_space_reads_pause_while_running_and_resume_while_paused(demo_workspace):
    @run_async
    async def run():
        app = demo_app(demo_workspace)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            session = app.screen.session
            assert _space_label(app) == "Pause" and not session.is_paused
            await pilot.press("space")
            await settle(pilot)
            assert session.is_paused and _space_label(app) == "Resume"
            await pilot.press("space")
            await settle(pilot)
            assert not session.is_paused and _space_label(app) == "Pause"
    run()


def test_the_solve_dialog_hint_names_its_button(demo_workspace):
    from smarketing_tui.tui.sections.issues import SolveIssue

    @run_async
    async def run():
        app = demo_app(demo_workspace)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await walk_to(pilot, "issues")
            await pilot.press("s")
            await settle(pilot)
            assert isinstance(app.screen, SolveIssue)
            button = app.screen.query_one("#save", Button).label.plain
            hint = str(app.screen.query_one(".hint", Static).content)
            word = button.split(" (")[0]
            assert f"ctrl+s or {word} solves" in hint, (button, hint)
    run()
