"""``smarketing prep``: prepare for the next meeting (my numbers, items, talking points)."""

from __future__ import annotations

import click


@click.command()
@click.argument("agenda", required=False, metavar="[AGENDA]")
@click.option("--as", "person", metavar="NAME",
              help="Who is prepping (a name or alias from smarketing.yaml); without it, a picker.")
@click.pass_obj
def prep(state, agenda: str | None, person: str | None) -> None:
    """Prepare for the next meeting of AGENDA (default: weekly): see your numbers, mark your
    action items done or comment on them, add talking points and raise issues.

    Everything is saved at once; a meeting running on the same workspace sees it on its
    next refresh.
    """
    from smarketing_tui.errors import UserError
    from smarketing_tui.prep import person_or_error
    from smarketing_tui.tui.prep_screen import PrepApp

    workspace = state.workspace()
    if person is not None:
        person_or_error(workspace.settings(), person)  # a bad name fails before the screen
    agenda_path = workspace.agenda_path(agenda)
    from smarketing_tui.commands.meeting_cmds import require_terminal

    require_terminal("prep")
    app = PrepApp(workspace, person=person, agenda_path=agenda_path)
    app.run()
    if app.error:
        error = UserError(app.error)
        error.exit_code = app.error_code
        raise error
    if app.person is not None:
        click.echo(f"Prep saved for {app.person.name}. See you in the meeting.")
