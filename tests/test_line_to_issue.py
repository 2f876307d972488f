"""`I` on the scorecard raises an issue from any line, asking for the title prefilled from the
line and for who raises it (issue 9, defect 6)."""

from __future__ import annotations

from textual.widgets import DataTable, Input

from meeting_fixtures import demo_app, run_async, settle, walk_to
from smarketing_tui import records
from smarketing_tui.scorecard_text import issue_from_line


def test_i_on_a_green_line_asks_for_the_title_and_who_raises_it(demo_workspace):
    from smarketing_tui.tui.modals import IssueDialog

    @run_async
    async def run():
        app = demo_app(demo_workspace)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await walk_to(pilot, "scorecard")
            view = app.screen.current_view
            line = next(line for line in view._lines.values() if line["status"] == "green")
            table = view.query_one(DataTable)
            table.move_cursor(row=table.get_row_index(line["id"]))
            await pilot.pause()
            await pilot.press("I")
            await settle(pilot)
            dialog = app.screen
            assert isinstance(dialog, IssueDialog)  # nothing is raised before it is asked
            expected, _detail, _evidence = issue_from_line(
                line, view.card["period"]["label"], "NOK")
            assert dialog.query_one("#title", Input).value == expected
            await pilot.press("end", *" - check the routing", "enter", "enter", *"siri",
                              "enter")
            await settle(pilot)
            assert not isinstance(app.screen, IssueDialog)
            session = app.screen.session
            raised = [i for i in records.list_issues(session.conn, "open")
                      if (i.evidence or {}).get("commitment") == line["id"]]
            assert len(raised) == 1
            issue = raised[0]
            assert issue.title == expected + " - check the routing"
            assert issue.origin == "scorecard" and issue.evidence["status"] == "green"
            assert issue.raised_by == "Siri Dæhlie"  # the unique prefix, resolved
    run()


def test_the_key_says_what_it_does(demo_workspace):
    @run_async
    async def run():
        app = demo_app(demo_workspace)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await walk_to(pilot, "scorecard")
            from smarketing_tui.tui.keybar import KeyBar

            keys = {key.key: key.description for key in app.screen.query_one(KeyBar).drawn}
            assert keys["I"] == "Issue from line"
            hint = str(app.screen.current_view.query_one("#scorecard-keys").content)
            assert "I issue from the line" in hint and "red line" not in hint
    run()
