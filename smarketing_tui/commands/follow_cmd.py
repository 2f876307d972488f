"""``smarketing follow``: watch the meeting that runs on this workspace's store, read-only."""

from __future__ import annotations

import click


@click.command()
@click.pass_obj
def follow(state) -> None:
    """Follow the meeting now running on this workspace, read-only.

    Shows the section the facilitator is on, with its numbers, and the decisions,
    action items and notes as they are recorded. [ and ] look at other sections
    without moving the facilitator; f comes back. With no meeting running it says
    so and waits for one to start. Nothing in this view writes to the store.
    """
    from smarketing_tui.commands.meeting_cmds import require_terminal
    from smarketing_tui.errors import UserError
    from smarketing_tui.tui.follow_screen import FollowApp

    workspace = state.workspace()
    settings = workspace.settings()
    require_terminal("follow")
    app = FollowApp(workspace, settings)
    app.run()
    if app.error:
        error = UserError(app.error)
        error.exit_code = app.error_code
        raise error
